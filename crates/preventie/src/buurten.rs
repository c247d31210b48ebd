//! Neighbourhood pages: the wijken, a wijk's profile (figures without personal data, its teams,
//! its activities), and a neighbourhood team with its contacts, which only the members of the
//! keeping team see (every read audited), recorded with consent and removable on request.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form as AxForm};
use platform::access::{act, Action, Decision, Purpose};
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};

use crate::access::{contacten_rule, may, Deel};
use crate::groepen::known_buurt;
use crate::html::{known_wijk, store_err, texts, translated, wijk_naam, FormPage, Texts};
use crate::model::{BuurtteamIn, ContactIn, BUURTTEAM_SOORTEN, CONTACT_ROLLEN, TOESTEMMING_WIJZEN};
use crate::store::{self, ActiviteitRij, BuurtteamRij, ContactRij, StoreError};

fn g(v: &HashMap<String, String>, k: &str) -> String {
    v.get(k).cloned().unwrap_or_default()
}

fn options(m: &Texts, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.to_string(), m.t(&format!("{prefix}{v}"))))
        .collect()
}

#[derive(Template)]
#[template(path = "preventie_wijken.html")]
struct WijkenPage {
    shell: Shell,
    m: Texts,
    wijken: Vec<(String, String, usize)>,
    may_create: bool,
}

pub async fn wijken(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_buurten::<act::List>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let teams = store::buurtteams(&state.db, &auth, None)
        .await
        .map_err(store_err)?;
    let wijken = monitor::areas::wijken()
        .iter()
        .map(|w| {
            (
                w.code.clone(),
                w.name.clone(),
                teams.iter().filter(|t| t.wijk == w.code).count(),
            )
        })
        .collect();
    render(&WijkenPage {
        shell: Shell::titled(&ctx, m.t("preventie-wijken-title")),
        may_create: may(Deel::Buurten, p, Action::Create),
        m,
        wijken,
    })
}

#[derive(Template)]
#[template(path = "preventie_wijk.html")]
struct WijkPage {
    shell: Shell,
    m: Texts,
    teams: Vec<BuurtteamRij>,
    meldingen: Vec<(String, i64)>,
    groepen: i64,
    gehouden: i64,
    activiteiten: Vec<ActiviteitRij>,
}

pub async fn wijk(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(code): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    if !known_wijk(&code) {
        return Err(WebError::NotFound);
    }
    let auth = store::authorize_buurten::<act::List>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let teams = store::buurtteams(&state.db, &auth, Some(&code))
        .await
        .map_err(store_err)?;
    // Meldingen of the last twelve months in this wijk, per category: counts only.
    let now = platform::db::now_ms();
    let year_ago = now - 365 * 24 * 3600 * 1000;
    let meldingen = meldingen::store::count_by_category_and_wijk(&state.db, year_ago, now)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .into_iter()
        .filter(|(_, w, _)| w.as_deref() == Some(code.as_str()))
        .map(|(c, _, n)| (c, n))
        .collect();
    let today = platform::db::today_nl();
    let year_start = platform::db::day_start_ms_nl(jiff::civil::date(today.year(), 1, 1));
    let (groepen, gehouden) = store::wijk_cijfers(&state.db, &p.organisation_id, &code, year_start)
        .await
        .map_err(store_err)?;
    let activiteiten = if may(Deel::Activiteiten, p, Action::List) {
        let a =
            store::authorize_activiteiten::<act::List>(&state.db, &ctx.request, p, None).await?;
        store::activiteiten(&state.db, &a)
            .await
            .map_err(store_err)?
            .into_iter()
            .filter(|r| r.wijk.as_deref() == Some(code.as_str()))
            .collect()
    } else {
        Vec::new()
    };
    render(&WijkPage {
        shell: Shell::titled(
            &ctx,
            format!(
                "{}: {}",
                m.t("preventie-wijk-title"),
                wijk_naam(&m, Some(&code))
            ),
        ),
        m,
        teams,
        meldingen,
        groepen,
        gehouden,
        activiteiten,
    })
}

fn team_form(m: &Texts, teams: &[(String, String)], v: &BuurtteamIn) -> Form {
    let mut wijken = vec![(String::new(), m.t("preventie-choose"))];
    wijken.extend(
        monitor::areas::wijken()
            .iter()
            .map(|w| (w.code.clone(), w.name.clone())),
    );
    let mut buurten = vec![(String::new(), m.t("preventie-buurt-none"))];
    buurten.extend(
        monitor::areas::buurten()
            .iter()
            .map(|b| (b.code.clone(), b.name.clone())),
    );
    Form::new(
        "/preventie/buurtteams/nieuw",
        m.t("preventie-save"),
        vec![
            FormField::new(
                "soort",
                m.t("preventie-field-soort"),
                FieldKind::Select(options(m, "preventie-buurtteamsoort-", &BUURTTEAM_SOORTEN)),
            )
            .value(v.soort.clone()),
            FormField::new("naam", m.t("preventie-field-teamnaam"), FieldKind::Text)
                .value(v.naam.clone())
                .required(),
            FormField::new(
                "wijk",
                m.t("preventie-field-wijk"),
                FieldKind::Select(wijken),
            )
            .value(v.wijk.clone()),
            FormField::new(
                "buurt",
                m.t("preventie-field-buurt"),
                FieldKind::Select(buurten),
            )
            .value(v.buurt.clone()),
            FormField::new(
                "beheer_team",
                m.t("preventie-field-beheerteam"),
                FieldKind::Select(teams.to_vec()),
            )
            .value(v.beheer_team.clone())
            .hint(m.t("preventie-field-beheerteam-hint")),
            FormField::new(
                "deelnemers",
                m.t("preventie-field-deelnemers"),
                FieldKind::Text,
            )
            .value(v.deelnemers.clone())
            .hint(m.t("preventie-field-count-hint")),
        ],
    )
}

async fn own_teams(
    state: &AppState,
    organisation_id: &str,
) -> Result<Vec<(String, String)>, WebError> {
    Ok(platform::identity::list_teams(&state.db, organisation_id)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

pub async fn team_new_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = require_user(&ctx)?;
    store::authorize_buurten::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let teams = own_teams(&state, &p.organisation_id).await?;
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("preventie-buurtteam-new")),
        intro: m.t("preventie-buurtteam-new-intro"),
        form: team_form(&m, &teams, &BuurtteamIn::default()),
        after: vec![("/preventie/wijken".into(), m.t("preventie-wijken-title"))],
    })
}

pub async fn team_new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_buurten::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let teams = own_teams(&state, &p.organisation_id).await?;
    let input = BuurtteamIn {
        soort: g(&v, "soort"),
        naam: g(&v, "naam"),
        wijk: g(&v, "wijk"),
        buurt: g(&v, "buurt"),
        beheer_team: g(&v, "beheer_team"),
        deelnemers: g(&v, "deelnemers"),
    };
    let own = |t: &str| teams.iter().any(|(id, _)| id == t);
    match input.parse(&known_wijk, &known_buurt, &own) {
        Ok(t) => {
            let id = store::buurtteam_nieuw(&state.db, &auth, &t)
                .await
                .map_err(store_err)?;
            Ok(Redirect::to(&format!("/preventie/buurtteams/{id}")).into_response())
        }
        Err(e) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell: Shell::titled(&ctx, m.t("preventie-buurtteam-new")),
                intro: m.t("preventie-buurtteam-new-intro"),
                form: team_form(&m, &teams, &input).with_errors(&ctx.lang, &translated(&m, &e)),
                after: vec![("/preventie/wijken".into(), m.t("preventie-wijken-title"))],
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "preventie_buurtteam.html")]
struct TeamPage {
    shell: Shell,
    m: Texts,
    t: BuurtteamRij,
    wijk: String,
    beheer_team: String,
    /// None: not a member of the keeping team (the contacts are not shown, nor asked for).
    contacten: Option<Vec<ContactRij>>,
    form: Option<Form>,
}

fn contact_form(m: &Texts, id: &str, v: &ContactIn) -> Form {
    Form::new(
        format!("/preventie/buurtteams/{id}/contacten"),
        m.t("preventie-contact-add"),
        vec![
            FormField::new("naam", m.t("preventie-field-contactnaam"), FieldKind::Text)
                .value(v.naam.clone())
                .autocomplete("off")
                .required(),
            FormField::new(
                "rol",
                m.t("preventie-field-rol"),
                FieldKind::Select(options(m, "preventie-contactrol-", &CONTACT_ROLLEN)),
            )
            .value(v.rol.clone()),
            FormField::new("email", m.t("preventie-publiek-email"), FieldKind::Email)
                .value(v.email.clone())
                .autocomplete("off"),
            FormField::new("telefoon", m.t("preventie-field-telefoon"), FieldKind::Text)
                .value(v.telefoon.clone())
                .autocomplete("off"),
            FormField::new(
                "toestemming_op",
                m.t("preventie-field-toestemming-op"),
                FieldKind::Date,
            )
            .value(v.toestemming_op.clone())
            .hint(m.t("preventie-field-toestemming-hint"))
            .required(),
            FormField::new(
                "toestemming_hoe",
                m.t("preventie-field-toestemming-hoe"),
                FieldKind::Select(options(m, "preventie-toestemming-", &TOESTEMMING_WIJZEN)),
            )
            .value(v.toestemming_hoe.clone()),
        ],
    )
}

async fn team_view(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    status: StatusCode,
    refused: Option<Form>,
) -> WebResult {
    let p = require_user(ctx)?;
    let auth = store::authorize_buurten::<act::Read>(&state.db, &ctx.request, p, Some(id)).await?;
    let m = texts(ctx);
    let t = store::buurtteam(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let teams = own_teams(state, &p.organisation_id).await?;
    let member = platform::identity::team_ids_of_user(&state.db, &p.user_id)
        .await?
        .contains(&t.beheer_team_id);
    // Only a member asks for the contacts (and that read is audited); others see why not,
    // without a refusal in the log for merely opening the team's page.
    let contacten =
        if contacten_rule(p, member, Action::List, Purpose::Uitvoering) == Decision::Allow {
            let a = store::authorize_contacten::<act::List>(&state.db, &ctx.request, p, id, None)
                .await
                .map_err(store_err)?;
            Some(store::contacten(&state.db, &a).await.map_err(store_err)?)
        } else {
            None
        };
    let form = contacten
        .is_some()
        .then(|| refused.unwrap_or_else(|| contact_form(&m, id, &ContactIn::default())));
    render_status(
        status,
        &TeamPage {
            shell: Shell::titled(ctx, t.naam.clone()),
            wijk: wijk_naam(&m, Some(&t.wijk)),
            beheer_team: teams
                .iter()
                .find(|(tid, _)| *tid == t.beheer_team_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            m,
            t,
            contacten,
            form,
        },
    )
}

pub async fn team_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    team_view(&state, &ctx, &id, StatusCode::OK, None).await
}

pub async fn contact_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_contacten::<act::Create>(&state.db, &ctx.request, p, &id, None)
        .await
        .map_err(store_err)?;
    let m = texts(&ctx);
    let input = ContactIn {
        naam: g(&v, "naam"),
        rol: g(&v, "rol"),
        email: g(&v, "email"),
        telefoon: g(&v, "telefoon"),
        toestemming_op: g(&v, "toestemming_op"),
        toestemming_hoe: g(&v, "toestemming_hoe"),
    };
    match input.parse(platform::db::today_nl()) {
        Ok(c) => {
            store::contact_nieuw(&state.db, &auth, &c)
                .await
                .map_err(store_err)?;
            Ok(Redirect::to(&format!("/preventie/buurtteams/{id}#contacten")).into_response())
        }
        Err(e) => {
            let f = contact_form(&m, &id, &input).with_errors(&ctx.lang, &translated(&m, &e));
            team_view(&state, &ctx, &id, StatusCode::UNPROCESSABLE_ENTITY, Some(f)).await
        }
    }
}

pub async fn contact_remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, contact)): Path<(String, String)>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_contacten::<act::Delete>(&state.db, &ctx.request, p, &id, Some(&contact))
            .await
            .map_err(store_err)?;
    match store::contact_verwijderen(&state.db, &auth).await {
        Ok(()) | Err(StoreError::NotFound) => {
            Ok(Redirect::to(&format!("/preventie/buurtteams/{id}#contacten")).into_response())
        }
        Err(e) => Err(store_err(e)),
    }
}
