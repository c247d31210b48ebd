//! Bulk actions on the queue: a selection of meldingen gets one status, team or handler at once.
//! Each melding is decided on, changed, given its history line and audited on its own, exactly
//! as from its own page; one that cannot be changed (a step its status does not allow, a
//! missing explanation) is named with the reason and does not hold up the others.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use platform::access;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render_status, require_user, AppState, Ctx, Shell, WebError, WebResult};

use crate::i18n::I18n;
use crate::model::Status;
use crate::store::{self, Change, StoreError};

/// At most one page of the queue is chosen at a time.
pub const MAX_SELECTION: usize = 100;

/// The form under the queue; the rows' checkboxes belong to it through `form="bulk"`. Its
/// field names differ from the filter form's above it, so no id is used twice on the page.
pub fn form(
    i: &I18n,
    teams: &[store::TeamRef],
    colleagues: &[platform::identity::Colleague],
    back: &str,
) -> Form {
    let keep = || (String::new(), i.t("bulk-niet-wijzigen"));
    let statuses = std::iter::once(keep())
        .chain(
            Status::ALL
                .iter()
                .map(|s| (s.slug().to_string(), i.status(s.slug()))),
        )
        .collect();
    let team_options = std::iter::once(keep())
        .chain(teams.iter().map(|t| (t.id.clone(), t.naam.clone())))
        .collect();
    let people = std::iter::once(keep())
        .chain([("geen".to_string(), i.t("behandelaar-geen"))])
        .chain(colleagues.iter().map(|c| (c.id.clone(), c.name.clone())))
        .collect();
    Form::new(
        "/meldingen/bulk",
        i.t("bulk-toepassen"),
        vec![
            FormField::new(
                "nieuwe-status",
                i.t("veld-status"),
                FieldKind::Select(statuses),
            ),
            FormField::new(
                "bulk-toelichting",
                i.t("veld-toelichting"),
                FieldKind::TextArea,
            )
            .hint(i.t("veld-toelichting-hint")),
            FormField::new(
                "nieuw-team",
                i.t("veld-team"),
                FieldKind::Select(team_options),
            ),
            FormField::new(
                "nieuwe-behandelaar",
                i.t("veld-behandelaar"),
                FieldKind::Select(people),
            ),
            FormField::new("terug", String::new(), FieldKind::Hidden).value(back),
        ],
    )
    .with_id("bulk")
}

/// One melding that was not changed, and why.
pub struct Skipped {
    pub nummer: String,
    pub href: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "meldingen_bulk.html")]
struct ResultPage {
    shell: Shell,
    i: I18n,
    changed: usize,
    skipped: Vec<Skipped>,
    back: String,
}

/// What was sent: the chosen meldingen and the change for all of them.
#[derive(Default)]
struct Input {
    ids: Vec<String>,
    change: Change,
    back: String,
}

fn read(body: &str) -> Input {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap_or_default();
    let mut input = Input::default();
    let value = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    for (k, v) in pairs {
        match k.as_str() {
            "id" if !input.ids.contains(&v) => input.ids.push(v),
            "nieuwe-status" => input.change.status = value(&v),
            "bulk-toelichting" => input.change.toelichting = value(&v),
            "nieuw-team" => input.change.team = value(&v),
            "nieuwe-behandelaar" => input.change.behandelaar = value(&v),
            "terug" => input.back = v,
            _ => {}
        }
    }
    // Only back to the queue itself, never elsewhere.
    if !input.back.starts_with("/meldingen") || input.back.starts_with("//") {
        input.back = "/meldingen".into();
    }
    input
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: String,
) -> WebResult {
    let p = require_user(&ctx)?;
    if !crate::access::works_meldingen(p) {
        return Err(WebError::Forbidden);
    }
    let i = I18n::new(&ctx.lang);
    let input = read(&body);
    let refuse = |key: &str| Skipped {
        nummer: String::new(),
        href: String::new(),
        reason: i.t(key),
    };
    let nothing_to_do = input.change.status.is_none()
        && input.change.team.is_none()
        && input.change.behandelaar.is_none();
    let problem = if input.ids.is_empty() {
        Some("bulk-geen-keuze")
    } else if input.ids.len() > MAX_SELECTION {
        Some("bulk-te-veel")
    } else if nothing_to_do {
        Some("bulk-geen-wijziging")
    } else {
        None
    };
    if let Some(key) = problem {
        return result(&ctx, i.clone(), 0, vec![refuse(key)], input.back, true);
    }
    let mut changed = 0;
    let mut skipped = Vec::new();
    for id in &input.ids {
        match change_one(&state, &ctx, &i, id, &input.change).await? {
            None => changed += 1,
            Some(s) => skipped.push(s),
        }
    }
    result(&ctx, i, changed, skipped, input.back, false)
}

/// Changes one melding; `Some` names why it was not changed.
async fn change_one(
    state: &AppState,
    ctx: &Ctx,
    i: &I18n,
    id: &str,
    change: &Change,
) -> Result<Option<Skipped>, WebError> {
    let skipped = |nummer: String, reason: String| {
        Some(Skipped {
            href: if nummer.is_empty() {
                String::new()
            } else {
                format!("/meldingen/{id}")
            },
            nummer,
            reason,
        })
    };
    // The same decision as from the melding's own page; a refusal is audited by the engine.
    let auth = match crate::html::authorize_melding::<access::act::Update>(state, ctx, id).await {
        Ok(a) => a,
        Err(WebError::NotFound) => return Ok(skipped(String::new(), i.t("bulk-onbekend"))),
        Err(WebError::Refused) => return Ok(skipped(String::new(), i.t("bulk-geen-toegang"))),
        Err(e) => return Err(e),
    };
    let nummer = store::nummer_of(&state.db, id)
        .await?
        .map(|n| format!("M-{n}"))
        .unwrap_or_default();
    let mut tx = state.db.begin().await?;
    match store::update(&mut tx, &auth, change, state.settings.public_url.as_deref()).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(None)
        }
        Err(StoreError::Invalid(errors)) => {
            drop(tx);
            let reason = errors
                .iter()
                .map(|e| i.t(&e.message))
                .collect::<Vec<_>>()
                .join(" ");
            Ok(skipped(nummer, reason))
        }
        Err(e) => Err(e.into()),
    }
}

fn result(
    ctx: &Ctx,
    i: I18n,
    changed: usize,
    skipped: Vec<Skipped>,
    back: String,
    refused: bool,
) -> WebResult {
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &ResultPage {
            shell: Shell::titled(ctx, i.t("bulk-resultaat")),
            i,
            changed,
            skipped,
            back,
        },
    )
}
