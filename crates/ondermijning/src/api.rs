//! JSON API under `/api/v1/ondermijning`: the register (list with scores, one place with its
//! explained score, a new place).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::access::act;
use platform::web::api::{api_user, ApiError, ApiJson, Problem};
use platform::web::{AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::input::PlaatsIn;
use crate::model::{self, Band, Soort, Uitleg};
use crate::store::{self, Locatie, StoreError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
}

fn store_api(lang: &str, e: StoreError) -> ApiError {
    match e {
        StoreError::Invalid(errors) => ApiError::Invalid(
            errors
                .iter()
                .map(|e| platform::identity::field_error(&e.field, &crate::t(lang, &e.message)))
                .collect(),
        ),
        StoreError::NotFound => ApiError::NotFound,
        StoreError::Db(d) => d.into(),
        StoreError::Access(e) => e.into(),
        StoreError::Other(o) => ApiError::Internal(o),
    }
}

/// A place in the register with its score.
#[derive(Serialize, ToSchema)]
pub struct OndermijningPlaats {
    pub id: String,
    pub naam: String,
    /// `horeca`, `winkel`, `bedrijf`, `gebied`, `agrarisch`, `loods` or `woning`.
    pub soort: String,
    pub adres: String,
    pub bag_id: Option<String>,
    pub postcode: String,
    pub huisnummer: Option<i64>,
    pub toevoeging: String,
    pub woonplaats: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The CBS wijk code, when the place has a point in the gemeente.
    pub wijk: Option<String>,
    pub buurt: Option<String>,
    pub exploitant_kvk: Option<String>,
    pub exploitant_naam: Option<String>,
    pub eigenaar_kvk: Option<String>,
    pub eigenaar_naam: Option<String>,
    pub gebied_id: Option<String>,
    pub kvo_niveau: Option<String>,
    pub kvo_geldig_tot: Option<String>,
    pub kvo_volgend_overleg: Option<String>,
    /// The score under the current weights.
    pub score: i64,
    /// `laag`, `verhoogd` or `hoog`.
    pub band: String,
    /// The weights version the score was computed with.
    pub weging_versie: i64,
}

fn plaats(l: &Locatie, u: &Uitleg) -> OndermijningPlaats {
    OndermijningPlaats {
        id: l.id.clone(),
        naam: l.naam.clone(),
        soort: l.soort.slug().into(),
        adres: l.adres(),
        bag_id: l.bag_id.clone(),
        postcode: l.postcode.clone(),
        huisnummer: l.huisnummer,
        toevoeging: l.toevoeging.clone(),
        woonplaats: l.woonplaats.clone(),
        lat: l.lat,
        lon: l.lon,
        wijk: l.wijk.clone(),
        buurt: l.buurt.clone(),
        exploitant_kvk: l.exploitant_kvk.clone(),
        exploitant_naam: l.exploitant_naam.clone(),
        eigenaar_kvk: l.eigenaar_kvk.clone(),
        eigenaar_naam: l.eigenaar_naam.clone(),
        gebied_id: l.gebied_id.clone(),
        kvo_niveau: l.kvo_niveau.clone(),
        kvo_geldig_tot: l.kvo_geldig_tot.clone(),
        kvo_volgend_overleg: l.kvo_volgend_overleg.clone(),
        score: u.totaal,
        band: u.band().slug().into(),
        weging_versie: u.versie,
    }
}

/// One line of the score's explanation.
#[derive(Serialize, ToSchema)]
pub struct OndermijningScoreRegel {
    /// `meldingen`, `maatregelen`, `signalen`, `bevindingen` or `kenmerk:<feature>`.
    pub indicator: String,
    /// How often it occurred in the last 12 months (1 or 0 for a feature).
    pub aantal: i64,
    /// Points per occurrence.
    pub per_stuk: i64,
    /// The cap (0: none).
    pub maximum: i64,
    pub punten: i64,
}

#[derive(Serialize, ToSchema)]
pub struct OndermijningSignaal {
    pub datum: String,
    pub bron: String,
    pub tekst: String,
}

#[derive(Serialize, ToSchema)]
pub struct OndermijningVergunning {
    pub soort: String,
    pub nummer: String,
    pub geldig_van: Option<String>,
    pub geldig_tot: Option<String>,
}

/// A place with its explained score and what the register records about it.
#[derive(Serialize, ToSchema)]
pub struct OndermijningPlaatsDetail {
    #[serde(flatten)]
    pub plaats: OndermijningPlaats,
    pub openingstijden: String,
    pub kenmerken: Vec<String>,
    pub uitleg: Vec<OndermijningScoreRegel>,
    pub signalen: Vec<OndermijningSignaal>,
    pub vergunningen: Vec<OndermijningVergunning>,
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// Kind slug.
    pub soort: Option<String>,
    /// Score band: `laag`, `verhoogd`, `hoog`.
    pub score: Option<String>,
    /// CBS wijk code, e.g. `WK196100`.
    pub wijk: Option<String>,
    /// Text in name, street, place or KvK number.
    pub q: Option<String>,
}

/// The places of the caller's organisation with their scores, highest score first.
#[utoipa::path(get, path = "/api/v1/ondermijning/locaties", tag = "ondermijning",
    params(ListQuery),
    responses((status = 200, body = Vec<OndermijningPlaats>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<OndermijningPlaats>>, ApiError> {
    let p = api_user(&ctx)?;
    let lang = ctx.lang.clone();
    let mut errors = Vec::new();
    let soort = match q.soort.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let k = Soort::from_slug(s);
            if k.is_none() {
                errors.push(platform::identity::field_error("soort", "unknown kind"));
            }
            k
        }
    };
    let band = match q.score.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let b = Band::from_slug(s);
            if b.is_none() {
                errors.push(platform::identity::field_error(
                    "score",
                    "expected laag, verhoogd or hoog",
                ));
            }
            b
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let auth = store::authorize_register::<act::List>(&state.db, &ctx.request, p)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let filter = store::Filter {
        soort,
        wijk: q.wijk.filter(|w| !w.is_empty()),
        q: q.q.unwrap_or_default(),
    };
    let places = store::list(&state.db, &auth, &filter)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let scored = crate::html::scored(&state.db, places)
        .await
        .map_err(|e| store_api(&lang, e))?;
    Ok(Json(
        scored
            .iter()
            .filter(|(_, u)| band.is_none_or(|b| u.band() == b))
            .map(|(l, u)| plaats(l, u))
            .collect(),
    ))
}

/// One place with its explained score; the read is audited.
#[utoipa::path(get, path = "/api/v1/ondermijning/locaties/{id}", tag = "ondermijning",
    params(("id" = String, Path, description = "The place's id")),
    responses((status = 200, body = OndermijningPlaatsDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<OndermijningPlaatsDetail>, ApiError> {
    let p = api_user(&ctx)?;
    let lang = ctx.lang.clone();
    let auth = store::authorize_place::<act::Read>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let d = store::get(&state.db, &auth)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let weging = store::weging(&state.db)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let feiten = store::feiten(&state.db, &d.locatie)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let u = model::score(&feiten, &weging);
    Ok(Json(OndermijningPlaatsDetail {
        plaats: plaats(&d.locatie, &u),
        openingstijden: d.locatie.openingstijden.clone(),
        kenmerken: d.kenmerken.clone(),
        uitleg: u
            .regels
            .iter()
            .map(|r| OndermijningScoreRegel {
                indicator: r.indicator.clone(),
                aantal: r.aantal,
                per_stuk: r.per_stuk,
                maximum: r.maximum,
                punten: r.punten,
            })
            .collect(),
        signalen: d
            .signalen
            .iter()
            .map(|s| OndermijningSignaal {
                datum: s.datum.clone(),
                bron: s.bron.clone(),
                tekst: s.tekst.clone(),
            })
            .collect(),
        vergunningen: d
            .vergunningen
            .iter()
            .map(|v| OndermijningVergunning {
                soort: v.soort.clone(),
                nummer: v.nummer.clone(),
                geldig_van: v.geldig_van.clone(),
                geldig_tot: v.geldig_tot.clone(),
            })
            .collect(),
    }))
}

/// Adds a place to the caller's organisation's register (adviseur IV or handhaver).
#[utoipa::path(post, path = "/api/v1/ondermijning/locaties", tag = "ondermijning",
    request_body = PlaatsIn,
    responses((status = 201, body = OndermijningPlaats), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(input): ApiJson<PlaatsIn>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let lang = ctx.lang.clone();
    let auth = store::authorize_new(&state.db, &ctx.request, p)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let checked = input
        .check()
        .map_err(|e| store_api(&lang, StoreError::Invalid(e)))?;
    let id = store::create(&state.db, &auth, &checked)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let read = store::authorize_place::<act::Read>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let d = store::get(&state.db, &read)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let weging = store::weging(&state.db)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let feiten = store::feiten(&state.db, &d.locatie)
        .await
        .map_err(|e| store_api(&lang, e))?;
    let u = model::score(&feiten, &weging);
    Ok((StatusCode::CREATED, Json(plaats(&d.locatie, &u))).into_response())
}
