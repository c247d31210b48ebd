//! JSON API under `/api/v1/crisis`: the roster of a week with its problems, the exercises of a
//! year with the yearly requirement, planning an exercise, incidents with their logbook, and
//! adding a log entry.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::access::{act, Principal};
use platform::web::api::{api_user, ApiError, ApiJson, Problem};
use platform::web::{AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{may_read, may_write, Onderdeel};
use crate::model::{self, Knelpunt};
use crate::store::{self, StoreError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(roster))
        .routes(routes!(exercises, exercise_new))
        .routes(routes!(incidents))
        .routes(routes!(incident))
        .routes(routes!(log_new))
}

fn api_err(e: StoreError) -> ApiError {
    match e {
        StoreError::Invalid(v) => ApiError::Invalid(v),
        StoreError::NotFound => ApiError::NotFound,
        StoreError::Access(e) => e.into(),
        StoreError::Db(d) => d.into(),
        StoreError::Other(s) => ApiError::Internal(s),
    }
}

fn reader(ctx: &Ctx) -> Result<&Principal, ApiError> {
    let p = api_user(ctx)?;
    if may_read(p) {
        Ok(p)
    } else {
        Err(ApiError::Forbidden)
    }
}

fn writer(ctx: &Ctx) -> Result<&Principal, ApiError> {
    let p = api_user(ctx)?;
    if may_write(p) {
        Ok(p)
    } else {
        Err(ApiError::Forbidden)
    }
}

#[derive(Deserialize, IntoParams)]
pub struct WeekQuery {
    /// A day in the week (`YYYY-MM-DD`); this week when left out.
    pub week: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Dienst {
    pub id: String,
    pub functie: String,
    pub persoon: String,
}

#[derive(Serialize, ToSchema)]
pub struct KnelpuntOut {
    /// `gat` (nobody on call), `dubbel` (one person on several functions) or `kwalificatie`
    /// (no qualification valid through the week).
    pub soort: String,
    pub functies: Vec<String>,
    pub persoon: Option<String>,
    /// The last expiry date, for `kwalificatie` when there was one.
    pub verlopen_op: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PiketWeek {
    /// The Monday of the week.
    pub week: String,
    pub diensten: Vec<Dienst>,
    pub knelpunten: Vec<KnelpuntOut>,
}

/// The on-call roster of one week with its problems (gaps, one person on two functions,
/// missing or expired qualifications). Names are personal data: the read is audited.
#[utoipa::path(get, path = "/api/v1/crisis/piket", tag = "crisis", security(("bearer" = [])), params(WeekQuery), responses(
    (status = 200, body = PiketWeek),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn roster(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<WeekQuery>,
) -> Result<Json<PiketWeek>, ApiError> {
    let p = reader(&ctx)?;
    let monday = match q.week.as_deref() {
        None | Some("") => model::maandag(platform::db::today_nl()),
        Some(w) => {
            model::parse_week(w).ok_or_else(|| ApiError::BadRequest("week: YYYY-MM-DD".into()))?
        }
    };
    let db = &state.db;
    let auth = store::authorize::<act::List>(db, &ctx.request, p, Onderdeel::Piket)
        .await
        .map_err(api_err)?;
    let auth_o = store::authorize::<act::List>(db, &ctx.request, p, Onderdeel::Organisatie)
        .await
        .map_err(api_err)?;
    let functies = store::functies(db).await.map_err(api_err)?;
    let personen = store::personen(db, &auth_o).await.map_err(api_err)?;
    let kw = store::kwalificaties(db, &auth_o).await.map_err(api_err)?;
    let next = monday
        .checked_add(jiff::Span::new().days(7))
        .unwrap_or(monday);
    let rooster = store::rooster(db, &auth, monday, next)
        .await
        .map_err(api_err)?;
    let naam_p = |id: &str| {
        personen
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.naam.clone())
            .unwrap_or_default()
    };
    let slug_f = |id: &str| {
        functies
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.slug.clone())
            .unwrap_or_default()
    };
    let piket: Vec<String> = functies
        .iter()
        .filter(|f| f.piket)
        .map(|f| f.id.clone())
        .collect();
    let diensten: Vec<model::Dienst> = rooster
        .iter()
        .map(|d| model::Dienst {
            functie_id: d.functie_id.clone(),
            persoon_id: d.persoon_id.clone(),
        })
        .collect();
    let kwal: Vec<model::Kwalificatie> = kw
        .iter()
        .map(|k| model::Kwalificatie {
            persoon_id: k.persoon_id.clone(),
            functie_id: k.functie_id.clone(),
            verloopt_op: k.verloopt_op,
        })
        .collect();
    let knelpunten = model::knelpunten(&piket, &diensten, &kwal, monday)
        .into_iter()
        .map(|k| match k {
            Knelpunt::Gat { functie_id } => KnelpuntOut {
                soort: "gat".into(),
                functies: vec![slug_f(&functie_id)],
                persoon: None,
                verlopen_op: None,
            },
            Knelpunt::Dubbel {
                persoon_id,
                functie_ids,
            } => KnelpuntOut {
                soort: "dubbel".into(),
                functies: functie_ids.iter().map(|f| slug_f(f)).collect(),
                persoon: Some(naam_p(&persoon_id)),
                verlopen_op: None,
            },
            Knelpunt::Kwalificatie {
                persoon_id,
                functie_id,
                verlopen_op,
            } => KnelpuntOut {
                soort: "kwalificatie".into(),
                functies: vec![slug_f(&functie_id)],
                persoon: Some(naam_p(&persoon_id)),
                verlopen_op: verlopen_op.map(|d| d.to_string()),
            },
        })
        .collect();
    Ok(Json(PiketWeek {
        week: monday.to_string(),
        diensten: rooster
            .iter()
            .map(|d| Dienst {
                id: d.id.clone(),
                functie: slug_f(&d.functie_id),
                persoon: naam_p(&d.persoon_id),
            })
            .collect(),
        knelpunten,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct YearQuery {
    /// The calendar year; this year when left out.
    pub jaar: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct OefenJaar {
    pub jaar: i64,
    /// At least one regional and one local exercise held up to GBT level.
    pub norm_gehaald: bool,
    pub regionaal_gehouden: bool,
    pub lokaal_gehouden: bool,
    pub oefeningen: Vec<store::Oefening>,
}

/// The exercises and trainings of a year, with the yearly requirement met or not.
#[utoipa::path(get, path = "/api/v1/crisis/oefeningen", tag = "crisis", security(("bearer" = [])), params(YearQuery), responses(
    (status = 200, body = OefenJaar),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn exercises(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<YearQuery>,
) -> Result<Json<OefenJaar>, ApiError> {
    let p = reader(&ctx)?;
    let jaar = q
        .jaar
        .unwrap_or_else(|| i64::from(platform::db::today_nl().year()));
    let auth = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Oefening)
        .await
        .map_err(api_err)?;
    let oefeningen = store::oefeningen(&state.db, &auth, jaar)
        .await
        .map_err(api_err)?;
    let norm = model::oefennorm(
        &oefeningen
            .iter()
            .filter_map(store::Oefening::feit)
            .collect::<Vec<_>>(),
    );
    Ok(Json(OefenJaar {
        jaar,
        norm_gehaald: norm.gehaald(),
        regionaal_gehouden: norm.regionaal,
        lokaal_gehouden: norm.lokaal,
        oefeningen,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// Plans an exercise or training (in the year of `gepland_op`).
#[utoipa::path(post, path = "/api/v1/crisis/oefeningen", tag = "crisis", security(("bearer" = [])), request_body = store::NieuweOefening, responses(
    (status = 201, body = Created),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn exercise_new(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(input): ApiJson<store::NieuweOefening>,
) -> Result<Response, ApiError> {
    let p = writer(&ctx)?;
    let auth = store::authorize::<act::Create>(&state.db, &ctx.request, p, Onderdeel::Oefening)
        .await
        .map_err(api_err)?;
    let id = store::oefening_nieuw(&state.db, &auth, &input)
        .await
        .map_err(api_err)?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// The incidents and exercise-mode incidents of the organisation, newest first.
#[utoipa::path(get, path = "/api/v1/crisis/incidenten", tag = "crisis", security(("bearer" = [])), responses(
    (status = 200, body = [store::Incident]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn incidents(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<store::Incident>>, ApiError> {
    let p = reader(&ctx)?;
    let auth = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Incident)
        .await
        .map_err(api_err)?;
    Ok(Json(
        store::incidenten(&state.db, &auth).await.map_err(api_err)?,
    ))
}

/// One incident with its GRIP history, logbook, picture versions, decisions and lessons (the
/// read is audited).
#[utoipa::path(get, path = "/api/v1/crisis/incidenten/{id}", tag = "crisis", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = store::IncidentDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn incident(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<store::IncidentDetail>, ApiError> {
    let p = reader(&ctx)?;
    let auth =
        store::authorize_record::<act::Read>(&state.db, &ctx.request, p, Onderdeel::Incident, &id)
            .await
            .map_err(api_err)?;
    Ok(Json(
        store::incident(&state.db, &auth).await.map_err(api_err)?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NieuweLogregel {
    /// The crisis function the author writes in (may be empty).
    #[serde(default)]
    pub functie: String,
    /// One of `meldkamer`, `copi`, `rot`, `gbt`, `partner`, `eigen waarneming`.
    pub bron: String,
    pub tekst: String,
}

/// Adds an entry to the logbook of an ongoing incident; entries are never changed or removed.
#[utoipa::path(post, path = "/api/v1/crisis/incidenten/{id}/logboek", tag = "crisis", security(("bearer" = [])), params(("id" = String, Path)), request_body = NieuweLogregel, responses(
    (status = 201, body = Created),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn log_new(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NieuweLogregel>,
) -> Result<Response, ApiError> {
    let p = writer(&ctx)?;
    let auth = store::authorize_record::<act::Update>(
        &state.db,
        &ctx.request,
        p,
        Onderdeel::Incident,
        &id,
    )
    .await
    .map_err(api_err)?;
    let id = store::log_nieuw(&state.db, &auth, &input.functie, &input.bron, &input.tekst)
        .await
        .map_err(api_err)?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}
