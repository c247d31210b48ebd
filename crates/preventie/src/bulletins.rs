//! Back-office pages of the digital-safety bulletins: write, publish on `/veilig-digitaal`, and
//! send to the confirmed subscribers through the outbox in batches, with the progress shown.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form as AxForm};
use platform::access::{act, Action};
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render, render_status, require_user, AppState, Ctx, Shell, WebResult};

use crate::access::{may, Deel};
use crate::html::{store_err, texts, translated, FormPage, Texts};
use crate::model::{self, BulletinIn, BULLETIN_DOELGROEPEN};
use crate::store::{self, BulletinRij, StoreError};

#[derive(Template)]
#[template(path = "preventie_bulletins.html")]
struct ListPage {
    shell: Shell,
    m: Texts,
    rows: Vec<BulletinRij>,
    bevestigd: i64,
    open: i64,
}

pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_bulletins::<act::List>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let rows = store::bulletins(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let (bevestigd, open) = store::abonnees_aantal(&state.db).await.map_err(store_err)?;
    render(&ListPage {
        shell: Shell::titled(&ctx, m.t("preventie-bulletins-title")),
        m,
        rows,
        bevestigd,
        open,
    })
}

fn form(m: &Texts, action: String, v: &BulletinIn) -> Form {
    let groepen = BULLETIN_DOELGROEPEN
        .iter()
        .map(|d| (d.to_string(), m.t(&format!("preventie-doelgroep-{d}"))))
        .collect();
    Form::new(
        action,
        m.t("preventie-save"),
        vec![
            FormField::new("titel", m.t("preventie-field-titel"), FieldKind::Text)
                .value(v.titel.clone())
                .required(),
            FormField::new(
                "doelgroep",
                m.t("preventie-field-doelgroep"),
                FieldKind::Select(groepen),
            )
            .value(v.doelgroep.clone()),
            FormField::new("tekst", m.t("preventie-field-tekst"), FieldKind::TextArea)
                .value(v.tekst.clone())
                .hint(m.t("preventie-field-tekst-hint"))
                .required(),
        ],
    )
}

fn input_of(v: &HashMap<String, String>) -> BulletinIn {
    let g = |k: &str| v.get(k).cloned().unwrap_or_default();
    BulletinIn {
        titel: g("titel"),
        doelgroep: g("doelgroep"),
        tekst: g("tekst"),
    }
}

fn back(m: &Texts) -> Vec<(String, String)> {
    vec![(
        "/preventie/bulletins".into(),
        m.t("preventie-bulletins-title"),
    )]
}

pub async fn new_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    store::authorize_bulletins::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("preventie-bulletin-new")),
        intro: m.t("preventie-bulletin-new-intro"),
        form: form(
            &m,
            "/preventie/bulletins/nieuw".into(),
            &BulletinIn::default(),
        ),
        after: back(&m),
    })
}

pub async fn new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_bulletins::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let input = input_of(&v);
    match input.parse() {
        Ok(b) => {
            let id = store::bulletin_nieuw(&state.db, &auth, &b)
                .await
                .map_err(store_err)?;
            Ok(Redirect::to(&format!("/preventie/bulletins/{id}")).into_response())
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell: Shell::titled(&ctx, m.t("preventie-bulletin-new")),
                intro: m.t("preventie-bulletin-new-intro"),
                form: form(&m, "/preventie/bulletins/nieuw".into(), &input)
                    .with_errors(&ctx.lang, &translated(&m, &errors)),
                after: back(&m),
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "preventie_bulletin.html")]
struct DetailPage {
    shell: Shell,
    m: Texts,
    b: BulletinRij,
    alineas: Vec<String>,
    may_update: bool,
    bevestigd: i64,
    form: Option<Form>,
    fout: Option<String>,
}

async fn detail(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    status: StatusCode,
    edited: Option<Form>,
    fout: Option<String>,
) -> WebResult {
    let p = require_user(ctx)?;
    let auth =
        store::authorize_bulletins::<act::Read>(&state.db, &ctx.request, p, Some(id)).await?;
    let m = texts(ctx);
    let b = store::bulletin_by_id(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let may_update = may(Deel::Bulletins, p, Action::Update);
    let form = edited.or_else(|| {
        (may_update && !b.verzending_gestart).then(|| {
            form(
                &m,
                format!("/preventie/bulletins/{id}"),
                &BulletinIn {
                    titel: b.titel.clone(),
                    doelgroep: b.doelgroep.clone(),
                    tekst: b.tekst.clone(),
                },
            )
        })
    });
    let (bevestigd, _) = store::abonnees_aantal(&state.db).await.map_err(store_err)?;
    render_status(
        status,
        &DetailPage {
            shell: Shell::titled(ctx, b.titel.clone()),
            alineas: model::paragraphs(&b.tekst),
            m,
            b,
            may_update,
            bevestigd,
            form,
            fout,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    detail(&state, &ctx, &id, StatusCode::OK, None, None).await
}

pub async fn update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_bulletins::<act::Update>(&state.db, &ctx.request, p, Some(&id)).await?;
    let m = texts(&ctx);
    let input = input_of(&v);
    let errors = match input.parse() {
        Ok(b) => match store::bulletin_wijzigen(&state.db, &auth, &b).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/preventie/bulletins/{id}")).into_response())
            }
            Err(StoreError::Invalid(e)) => e,
            Err(e) => return Err(store_err(e)),
        },
        Err(e) => e,
    };
    let f = form(&m, format!("/preventie/bulletins/{id}"), &input)
        .with_errors(&ctx.lang, &translated(&m, &errors));
    detail(
        &state,
        &ctx,
        &id,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(f),
        None,
    )
    .await
}

pub async fn publish(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_bulletins::<act::Update>(&state.db, &ctx.request, p, Some(&id)).await?;
    store::bulletin_publiceren(&state.db, &auth)
        .await
        .map_err(store_err)?;
    Ok(Redirect::to(&format!("/preventie/bulletins/{id}")).into_response())
}

pub async fn send(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_bulletins::<act::Update>(&state.db, &ctx.request, p, Some(&id)).await?;
    match store::bulletin_verzenden(&state.db, &auth).await {
        Ok(_) => {
            // The first batch at once; the server's loop does the rest.
            let public_url = state.settings.public_url.clone().unwrap_or_default();
            store::send_due(&state.db, &public_url)
                .await
                .map_err(store_err)?;
            Ok(Redirect::to(&format!("/preventie/bulletins/{id}")).into_response())
        }
        Err(StoreError::Invalid(_)) => {
            let m = texts(&ctx);
            detail(
                &state,
                &ctx,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(m.t("preventie-error-send-not-allowed")),
            )
            .await
        }
        Err(e) => Err(store_err(e)),
    }
}
