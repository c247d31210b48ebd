//! Risks and scenarios: risk locations and vulnerable objects (schools, care homes, high-water
//! zones, businesses with hazardous substances) imported from GeoJSON and shown as a list, and
//! scenarios (draaiboeken) with their tasks per crisis function and the partners involved.
//! Municipal data, no personal data: changes are audited, reads are not.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};
use platform::access::{act, Authorized};
use platform::db::{new_id, now_ms, BindF64, Db};
use platform::identity::field_error;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render_status, require_user, AppState, Ctx, Shell, WebError, WebResult};
use sqlx::Row;

use crate::access::{may_read, may_write, Crisis, Onderdeel};
use crate::html::Texts;
use crate::model::{self, RisicoIn};
use crate::store::{self, StoreError};

type Values = HashMap<String, String>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/crisis/risicos", get(risks_page).post(risks_post))
        .route(
            "/crisis/scenarios",
            get(scenarios_page).post(scenarios_post),
        )
        .route("/crisis/scenarios/{id}", get(scenario_page))
        .route("/crisis/scenarios/{id}/taken", post(task_post))
}

// ---------------------------------------------------------------------------------------------
// Store.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Risico {
    pub id: String,
    pub soort: String,
    pub naam: String,
    pub omschrijving: String,
    pub lat: f64,
    pub lon: f64,
    /// The file it was imported from.
    pub bron: String,
}

pub async fn risicos<A: platform::access::ActionKind>(
    db: &Db,
    auth: &Authorized<Crisis, A>,
    soort: Option<&str>,
) -> Result<Vec<Risico>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, soort, naam, omschrijving, lat, lon, bron FROM crisis_risico \
         WHERE organisation_id = $1 AND ($2 = '' OR soort = $2) ORDER BY soort, naam, id",
    )
    .bind(&auth.resource().organisation_id)
    .bind(soort.unwrap_or(""))
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Risico {
                id: r.try_get("id")?,
                soort: r.try_get("soort")?,
                naam: r.try_get("naam")?,
                omschrijving: r.try_get("omschrijving")?,
                lat: r.try_get("lat")?,
                lon: r.try_get("lon")?,
                bron: r.try_get("bron")?,
            })
        })
        .collect()
}

/// Adds the objects of one file (all or nothing).
pub async fn risicos_import(
    db: &Db,
    auth: &Authorized<Crisis, act::Create>,
    bron: &str,
    items: &[RisicoIn],
) -> Result<usize, StoreError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    for r in items {
        sqlx::query(
            "INSERT INTO crisis_risico (id, organisation_id, soort, naam, omschrijving, lat, lon, \
             bron, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(new_id())
        .bind(&auth.resource().organisation_id)
        .bind(&r.soort)
        .bind(&r.naam)
        .bind(&r.omschrijving)
        .bind_f64(Some(r.lat))
        .bind_f64(Some(r.lon))
        .bind(bron)
        .bind(now)
        .bind(&auth.principal().user_id)
        .execute(tx.conn()?)
        .await?;
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(items.len())
}

#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: String,
    pub titel: String,
    pub omschrijving: String,
    pub partners: String,
}

pub async fn scenarios<A: platform::access::ActionKind>(
    db: &Db,
    auth: &Authorized<Crisis, A>,
) -> Result<Vec<Scenario>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, titel, omschrijving, partners FROM crisis_scenario WHERE organisation_id = $1 \
         ORDER BY titel, id",
    )
    .bind(&auth.resource().organisation_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Scenario {
                id: r.try_get("id")?,
                titel: r.try_get("titel")?,
                omschrijving: r.try_get("omschrijving")?,
                partners: r.try_get("partners")?,
            })
        })
        .collect()
}

pub async fn scenario_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Create>,
    titel: &str,
    omschrijving: &str,
    partners: &str,
) -> Result<String, StoreError> {
    let mut errors = Vec::new();
    let ok = |s: &str, max: usize| !s.trim().is_empty() && s.chars().count() <= max;
    if !ok(titel, 200) {
        errors.push(field_error("titel", "crisis-error-title"));
    }
    if !ok(omschrijving, 5000) {
        errors.push(field_error("omschrijving", "crisis-error-text"));
    }
    if !ok(partners, 2000) {
        errors.push(field_error("partners", "crisis-error-text"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO crisis_scenario (id, organisation_id, titel, omschrijving, partners, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&id)
    .bind(&auth.resource().organisation_id)
    .bind(titel.trim())
    .bind(omschrijving.trim())
    .bind(partners.trim())
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    auth.record_created(&mut tx, "crisis-scenario", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The tasks of a scenario: (function id, task).
pub async fn taken(db: &Db, scenario_id: &str) -> Result<Vec<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT t.functie_id, t.taak FROM crisis_scenario_taak t \
         JOIN crisis_functie f ON f.id = t.functie_id WHERE t.scenario_id = $1 \
         ORDER BY f.volgorde, t.created_at, t.id",
    )
    .bind(scenario_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("functie_id")?, r.try_get("taak")?)))
        .collect()
}

pub async fn taak_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    functie_id: &str,
    taak: &str,
) -> Result<(), StoreError> {
    let scenario_id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut errors = Vec::new();
    if !store::functies(db)
        .await?
        .iter()
        .any(|f| f.id == functie_id)
    {
        errors.push(field_error("functie", "crisis-error-function"));
    }
    if taak.trim().is_empty() || taak.chars().count() > 2000 {
        errors.push(field_error("taak", "crisis-error-text"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO crisis_scenario_taak (id, scenario_id, functie_id, taak, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(&scenario_id)
    .bind(functie_id)
    .bind(taak.trim())
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pages.

fn texts(ctx: &Ctx) -> Texts {
    crate::html::texts_for(ctx)
}

fn err(e: StoreError) -> WebError {
    crate::html::store_error(e)
}

fn reader(ctx: &Ctx) -> Result<&platform::access::Principal, WebError> {
    let p = require_user(ctx)?;
    if may_read(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

fn writer(ctx: &Ctx) -> Result<&platform::access::Principal, WebError> {
    let p = require_user(ctx)?;
    if may_write(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

pub struct RisicoRow {
    pub soort: String,
    pub naam: String,
    pub omschrijving: String,
    pub plaats: String,
}

#[derive(Template)]
#[template(path = "crisis_risicos.html")]
struct RisksPage {
    shell: Shell,
    m: Texts,
    rows: Vec<RisicoRow>,
    filter: Form,
    form: Option<Form>,
    refused: Vec<String>,
    imported: Option<usize>,
}

fn soort_options(m: &Texts, all: bool) -> Vec<(String, String)> {
    let mut o = Vec::new();
    if all {
        o.push((String::new(), m.t("crisis-risk-all")));
    }
    o.extend(
        model::RISICO_SOORTEN
            .iter()
            .map(|(s, n)| (s.to_string(), n.to_string())),
    );
    o
}

async fn render_risks(
    state: &AppState,
    ctx: &Ctx,
    soort: &str,
    refused: Vec<String>,
    imported: Option<usize>,
) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Risico)
        .await
        .map_err(err)?;
    let soort = if model::RISICO_SOORTEN.iter().any(|(s, _)| *s == soort) {
        soort
    } else {
        ""
    };
    let rows = risicos(&state.db, &auth, Some(soort))
        .await
        .map_err(err)?
        .into_iter()
        .map(|r| RisicoRow {
            soort: model::risico_soort_naam(&r.soort).to_string(),
            naam: r.naam,
            omschrijving: r.omschrijving,
            plaats: format!("{:.5}, {:.5}", r.lat, r.lon),
        })
        .collect();
    let filter = Form::new(
        "/crisis/risicos",
        m.t("crisis-risk-filter"),
        vec![FormField::new(
            "soort",
            m.t("crisis-kind"),
            FieldKind::Select(soort_options(&m, true)),
        )
        .value(soort)],
    )
    .get();
    let form = may_write(p).then(|| {
        Form::new(
            "/crisis/risicos",
            m.t("crisis-risk-import"),
            vec![
                FormField::new("bestand", m.t("crisis-risk-file"), FieldKind::File)
                    .hint(m.t("crisis-risk-file-hint"))
                    .required(),
            ],
        )
    });
    let status = if refused.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        status,
        &RisksPage {
            shell: Shell::titled(ctx, m.t("crisis-risks-title")),
            m,
            rows,
            filter,
            form,
            refused,
            imported,
        },
    )
}

async fn risks_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<Values>,
) -> WebResult {
    let soort = q.get("soort").cloned().unwrap_or_default();
    let imported = q.get("toegevoegd").and_then(|n| n.parse().ok());
    render_risks(&state, &ctx, &soort, Vec::new(), imported).await
}

async fn risks_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    req: Request,
) -> WebResult {
    let p = writer(&ctx)?.clone();
    let (_, file) = read_upload(req, &state, "bestand").await?;
    let m = texts(&ctx);
    let Some((name, bytes)) = file else {
        return render_risks(&state, &ctx, "", vec![m.t("crisis-risk-no-file")], None).await;
    };
    let text = String::from_utf8_lossy(&bytes);
    match model::risico_geojson(&text) {
        Ok(items) => {
            let auth =
                store::authorize::<act::Create>(&state.db, &ctx.request, &p, Onderdeel::Risico)
                    .await
                    .map_err(err)?;
            let bron: String = name.chars().take(200).collect();
            let n = risicos_import(&state.db, &auth, &bron, &items)
                .await
                .map_err(err)?;
            Ok(Redirect::to(&format!("/crisis/risicos?toegevoegd={n}")).into_response())
        }
        Err(reasons) => render_risks(&state, &ctx, "", reasons, None).await,
    }
}

async fn read_upload(
    req: Request,
    state: &AppState,
    file_field: &str,
) -> Result<(Values, Option<(String, Vec<u8>)>), WebError> {
    use axum::extract::FromRequest;
    let mut mp = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|_| WebError::BadRequest)?;
    let mut values = HashMap::new();
    let mut file = None;
    while let Some(part) = mp.next_field().await.map_err(|_| WebError::BadRequest)? {
        let name = part.name().unwrap_or("").to_string();
        if name == file_field {
            let file_name = part.file_name().unwrap_or("").to_string();
            let data = part.bytes().await.map_err(|_| WebError::BadRequest)?;
            if !data.is_empty() {
                file = Some((file_name, data.to_vec()));
            }
        } else {
            let text = part.text().await.map_err(|_| WebError::BadRequest)?;
            values.insert(name, text);
        }
    }
    Ok((values, file))
}

#[derive(Template)]
#[template(path = "crisis_scenarios.html")]
struct ScenariosPage {
    shell: Shell,
    m: Texts,
    rows: Vec<Scenario>,
    form: Option<Form>,
}

fn scenario_form(m: &Texts, v: Option<&Values>) -> Form {
    let val = |k: &str| v.and_then(|v| v.get(k).cloned()).unwrap_or_default();
    Form::new(
        "/crisis/scenarios",
        m.t("crisis-scenario-add"),
        vec![
            FormField::new("titel", m.t("crisis-title"), FieldKind::Text)
                .value(val("titel"))
                .required(),
            FormField::new(
                "omschrijving",
                m.t("crisis-description"),
                FieldKind::TextArea,
            )
            .value(val("omschrijving"))
            .required(),
            FormField::new("partners", m.t("crisis-partners"), FieldKind::TextArea)
                .value(val("partners"))
                .hint(m.t("crisis-partners-hint"))
                .required(),
        ],
    )
}

async fn render_scenarios(state: &AppState, ctx: &Ctx, refused: Option<Form>) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Scenario)
        .await
        .map_err(err)?;
    let rows = scenarios(&state.db, &auth).await.map_err(err)?;
    let is_refused = refused.is_some();
    let form = may_write(p).then(|| refused.unwrap_or_else(|| scenario_form(&m, None)));
    render_status(
        if is_refused {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ScenariosPage {
            shell: Shell::titled(ctx, m.t("crisis-scenarios-title")),
            m,
            rows,
            form,
        },
    )
}

async fn scenarios_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    render_scenarios(&state, &ctx, None).await
}

async fn scenarios_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize::<act::Create>(&state.db, &ctx.request, p, Onderdeel::Scenario)
        .await
        .map_err(err)?;
    let g = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    match scenario_nieuw(
        &state.db,
        &auth,
        g("titel"),
        g("omschrijving"),
        g("partners"),
    )
    .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/crisis/scenarios/{id}")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let m = texts(&ctx);
            let form = scenario_form(&m, Some(&v))
                .with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
            render_scenarios(&state, &ctx, Some(form)).await
        }
        Err(e) => Err(err(e)),
    }
}

pub struct TaakRow {
    pub functie: String,
    pub taken: Vec<String>,
}

#[derive(Template)]
#[template(path = "crisis_scenario.html")]
struct ScenarioPage {
    shell: Shell,
    m: Texts,
    s: Scenario,
    rows: Vec<TaakRow>,
    form: Option<Form>,
}

fn task_form(m: &Texts, id: &str, functies: &[store::Functie], v: Option<&Values>) -> Form {
    let val = |k: &str| v.and_then(|v| v.get(k).cloned()).unwrap_or_default();
    Form::new(
        format!("/crisis/scenarios/{id}/taken"),
        m.t("crisis-task-add"),
        vec![
            FormField::new(
                "functie",
                m.t("crisis-function"),
                FieldKind::Select(
                    functies
                        .iter()
                        .map(|f| (f.id.clone(), f.naam.clone()))
                        .collect(),
                ),
            )
            .value(val("functie")),
            FormField::new("taak", m.t("crisis-task"), FieldKind::TextArea)
                .value(val("taak"))
                .required(),
        ],
    )
}

async fn render_scenario(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    refused: Option<Form>,
) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth =
        store::authorize_record::<act::Read>(&state.db, &ctx.request, p, Onderdeel::Scenario, id)
            .await
            .map_err(err)?;
    let s = scenarios(&state.db, &auth)
        .await
        .map_err(err)?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(WebError::NotFound)?;
    let functies = store::functies(&state.db).await.map_err(err)?;
    let taken = taken(&state.db, id).await.map_err(err)?;
    let rows = functies
        .iter()
        .map(|f| TaakRow {
            functie: f.naam.clone(),
            taken: taken
                .iter()
                .filter(|(fid, _)| *fid == f.id)
                .map(|(_, t)| t.clone())
                .collect(),
        })
        .filter(|r| !r.taken.is_empty())
        .collect();
    let is_refused = refused.is_some();
    let form = may_write(p).then(|| refused.unwrap_or_else(|| task_form(&m, id, &functies, None)));
    render_status(
        if is_refused {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ScenarioPage {
            shell: Shell::titled(ctx, s.titel.clone()),
            m,
            s,
            rows,
            form,
        },
    )
}

async fn scenario_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    render_scenario(&state, &ctx, &id, None).await
}

async fn task_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize_record::<act::Update>(
        &state.db,
        &ctx.request,
        p,
        Onderdeel::Scenario,
        &id,
    )
    .await
    .map_err(err)?;
    let g = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    match taak_nieuw(&state.db, &auth, g("functie"), g("taak")).await {
        Ok(()) => Ok(Redirect::to(&format!("/crisis/scenarios/{id}")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let m = texts(&ctx);
            let functies = store::functies(&state.db).await.map_err(err)?;
            let form = task_form(&m, &id, &functies, Some(&v))
                .with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
            render_scenario(&state, &ctx, &id, Some(form)).await
        }
        Err(e) => Err(err(e)),
    }
}
