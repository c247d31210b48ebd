//! JSON API: the public endpoints under `/api/v1/public/…` (no login) and the back office under
//! `/api/v1/meldingen`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::access::{self, Purpose};
use platform::identity::{field_error, FieldError};
use platform::web::api::{api_user, ApiError, ApiJson, Problem};
use platform::web::{AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{Melding, Werkvoorraad};
use crate::model::{self, Locatie, Submission};
use crate::store::{self, Category, Change, Detail, Filter, PublicStatus, Summary};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public_categories))
        .routes(routes!(public_create))
        .routes(routes!(public_status))
        .routes(routes!(list))
        .routes(routes!(get_one, patch_one))
}

/// The categories residents can report in, with their IVB theme and extra question.
#[utoipa::path(get, path = "/api/v1/public/categorieen", tag = "meldingen", responses(
    (status = 200, body = [Category])
))]
async fn public_categories(State(state): State<AppState>) -> Result<Json<Vec<Category>>, ApiError> {
    Ok(Json(store::categories(&state.db).await?))
}

/// Where it happened: an address with postcode, a point, or neither (`{}` = "weet ik niet").
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LocatieIn {
    /// Street, number, postcode and place, e.g. "Voorstraat 1, 4132 AP Vianen".
    pub adres: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// A buurt code of GM1961 (e.g. "BU19612101") when the exact spot is not known.
    pub buurt: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewMelding {
    /// Category slug (see `/api/v1/public/categorieen`).
    pub categorie: String,
    pub omschrijving: String,
    /// Omit or send `{}` when the location is not known.
    #[serde(default)]
    pub locatie: Option<LocatieIn>,
    /// When it happened: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    #[serde(default)]
    pub wanneer: Option<String>,
    /// Answer to the category's extra question (one of its options).
    #[serde(default)]
    pub extra_antwoord: Option<String>,
    /// True to stay anonymous; otherwise give an e-mail address or phone number.
    #[serde(default)]
    pub anoniem: bool,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub telefoon: Option<String>,
    /// Up to 3 photos (JPEG or PNG, at most 10 MB each; the whole request at most 32 MB). Their
    /// metadata (GPS position, camera) is removed before they are stored.
    #[serde(default)]
    pub fotos: Vec<FotoIn>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FotoIn {
    /// The file, base64-encoded (standard alphabet, with padding).
    pub data: String,
}

#[derive(Serialize, ToSchema)]
pub struct Received {
    /// Keep this code to follow the melding.
    pub volgcode: String,
    pub status: String,
}

fn locatie(l: Option<LocatieIn>) -> Result<Locatie, FieldError> {
    let l = l.unwrap_or_default();
    match (l.adres, l.lat, l.lon, l.buurt) {
        (Some(a), None, None, None) => Ok(Locatie::Adres(a)),
        (None, Some(lat), Some(lon), None) => Ok(Locatie::Punt { lat, lon }),
        (None, None, None, Some(b)) => Ok(Locatie::Buurt(b)),
        (None, None, None, None) => Ok(Locatie::Onbekend),
        _ => Err(field_error("locatie", "melding-fout-locatie-kiezen")),
    }
}

/// Submits a melding without login, with up to 3 photos. Nothing about the request is stored.
#[utoipa::path(post, path = "/api/v1/public/meldingen", tag = "meldingen", request_body = NewMelding, responses(
    (status = 201, body = Received),
    (status = 400, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, body = Problem, content_type = "application/problem+json")
))]
async fn public_create(
    State(state): State<AppState>,
    geo: Option<Extension<crate::Geocoding>>,
    ApiJson(input): ApiJson<NewMelding>,
) -> Result<Response, ApiError> {
    let loc = locatie(input.locatie).map_err(|e| ApiError::Invalid(vec![e]))?;
    let mut s = Submission {
        categorie: input.categorie,
        omschrijving: input.omschrijving,
        locatie: loc,
        wanneer: input.wanneer,
        extra_antwoord: input.extra_antwoord,
        anoniem: input.anoniem,
        email: input.email,
        telefoon: input.telefoon,
    };
    // A typed address is looked up as the form does: its point and buurt follow, an unknown one
    // is refused, and with the geocoder unreachable it is kept as typed.
    if let Some(Extension(geo)) = &geo {
        if let (Some(e), _) = crate::html::locate_typed(geo, &mut s).await {
            return Err(ApiError::Invalid(vec![field_error("locatie", &e.message)]));
        }
    }
    use base64::Engine;
    let mut photos = Vec::new();
    for (i, f) in input.fotos.iter().enumerate() {
        match base64::engine::general_purpose::STANDARD.decode(f.data.trim()) {
            Ok(data) => photos.push(store::Photo {
                name: format!("foto-{}", i + 1),
                data,
            }),
            Err(_) => {
                return Err(ApiError::Invalid(vec![field_error(
                    "fotos",
                    "melding-fout-foto-base64",
                )]))
            }
        }
    }
    let photos = store::clean_photos(&photos).await;
    let created = store::create(
        &state.db,
        &s,
        &photos,
        store::Bron::Api,
        platform::db::now_ms(),
        state.settings.public_url.as_deref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Received {
            volgcode: created.volgcode,
            status: model::Status::Gemeld.slug().into(),
        }),
    )
        .into_response())
}

/// The public status of a melding by its tracking code.
#[utoipa::path(get, path = "/api/v1/public/meldingen/{volgcode}", tag = "meldingen", params(("volgcode" = String, Path)), responses(
    (status = 200, body = PublicStatus),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn public_status(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<PublicStatus>, ApiError> {
    let code = model::normalize_volgcode(&code).ok_or(ApiError::NotFound)?;
    store::public_status(&state.db, &code)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

#[derive(Deserialize, IntoParams)]
struct ListQuery {
    /// Status slug.
    status: Option<String>,
    /// Category slug.
    categorie: Option<String>,
    /// Theme slug.
    thema: Option<String>,
    /// Team id or slug, or "geen".
    team: Option<String>,
    /// The assigned person's user id, "mij" (the caller) or "geen" (nobody).
    behandelaar: Option<String>,
    /// op-tijd, bijna or te-laat.
    termijn: Option<String>,
    /// Wijk code (WK196121); meldingen with a point on the map lie in a wijk.
    wijk: Option<String>,
    /// Buurt code (BU19612101).
    buurt: Option<String>,
    /// Received on or after this date (YYYY-MM-DD).
    van: Option<String>,
    /// Received on or before this date (YYYY-MM-DD).
    tot: Option<String>,
    /// Full-text search.
    q: Option<String>,
    /// nieuwste (default), oudste, termijn or nummer.
    sorteer: Option<String>,
    page: Option<i64>,
    /// At most 100.
    per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MeldingPage {
    /// The number of meldingen in the selection, counted up to 1,000 past the start of this
    /// page (`(page - 1) * per_page + 1000`).
    pub total: i64,
    /// True when the selection holds more than `total` meldingen.
    pub more: bool,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<Summary>,
}

/// The work queue (beheerder, adviseur-iv, handhaver of the gemeente).
#[utoipa::path(get, path = "/api/v1/meldingen", tag = "meldingen", security(("bearer" = [])), params(ListQuery), responses(
    (status = 200, body = MeldingPage),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> Result<Json<MeldingPage>, ApiError> {
    let p = api_user(&ctx)?;
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(50);
    let mut errors = Vec::new();
    if !(1..=platform::web::forms::Pager::MAX_PAGE).contains(&page) {
        errors.push(field_error("page", "must be between 1 and 1000000"));
    }
    if !(1..=100).contains(&per_page) {
        errors.push(field_error("per_page", "must be between 1 and 100"));
    }
    if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
        if model::Status::from_slug(s).is_none() {
            errors.push(field_error("status", "unknown status"));
        }
    }
    if let Some(t) = q.termijn.as_deref().filter(|s| !s.is_empty()) {
        if !["op-tijd", "bijna", "te-laat"].contains(&t) {
            errors.push(field_error("termijn", "must be op-tijd, bijna or te-laat"));
        }
    }
    for (field, v) in [("wijk", &q.wijk), ("buurt", &q.buurt)] {
        if let Some(code) = v.as_deref().filter(|s| !s.is_empty()) {
            let known = match field {
                "wijk" => monitor::areas::wijken(),
                _ => monitor::areas::buurten(),
            };
            if !known.iter().any(|a| a.code == code) {
                errors.push(field_error(field, "unknown area code of GM1961"));
            }
        }
    }
    for (field, v) in [("van", &q.van), ("tot", &q.tot)] {
        if let Some(d) = v.as_deref().filter(|s| !s.is_empty()) {
            if d.parse::<jiff::civil::Date>().is_err() {
                errors.push(field_error(field, "must be a date YYYY-MM-DD"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let auth = access::authorize_as::<access::act::List, _>(
        &state.db,
        &ctx.request,
        p,
        Werkvoorraad,
        Purpose::Uitvoering,
    )
    .await?;
    let filter = Filter {
        status: q.status,
        categorie: q.categorie,
        thema: q.thema,
        team: q.team,
        behandelaar: q
            .behandelaar
            .map(|b| if b == "mij" { p.user_id.clone() } else { b }),
        wijk: q.wijk,
        buurt: q.buurt,
        van: q.van,
        tot: q.tot,
        termijn: q.termijn,
        ids: None,
        q: q.q,
        sort: q.sorteer,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let listing = store::list(&state.db, &auth, &filter).await?;
    Ok(Json(MeldingPage {
        total: listing.total,
        more: listing.more,
        page,
        per_page,
        items: listing.items,
    }))
}

async fn authorize_one<A: access::ActionType>(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<access::Authorized<Melding, A>, ApiError> {
    let p = api_user(ctx)?;
    let auth = access::authorize_as(
        &state.db,
        &ctx.request,
        p,
        Melding { id: id.to_string() },
        Purpose::Uitvoering,
    )
    .await?;
    if !store::exists(&state.db, id).await? {
        return Err(ApiError::NotFound);
    }
    Ok(auth)
}

/// One melding with the reporter's contact details and its history; the read is audited.
#[utoipa::path(get, path = "/api/v1/meldingen/{id}", tag = "meldingen", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = Detail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<Detail>, ApiError> {
    let auth = authorize_one::<access::act::Read>(&state, &ctx, &id).await?;
    let mut tx = state.db.begin().await?;
    let d = store::read(&mut tx, &auth).await?;
    tx.commit().await?;
    Ok(Json(d))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeldingChange {
    /// New status slug, allowed by the category's workflow.
    pub status: Option<String>,
    /// Team id or slug of the gemeente.
    pub team: Option<String>,
    /// The user id of a colleague who works meldingen, or "geen" to assign it to nobody.
    pub behandelaar: Option<String>,
    /// Explanation of the status change (in the closing mail for "afgehandeld").
    pub toelichting: Option<String>,
    /// An internal note.
    pub notitie: Option<String>,
    /// Number of the melding this one duplicates.
    pub duplicaat_van: Option<i64>,
    /// Another category slug; the routing rules run again (unless `team` is given too).
    pub categorie: Option<String>,
    /// The point where it is; wijk and buurt follow and the routing rules run again.
    pub punt: Option<Punt>,
    /// Number of the original to merge this duplicate into: this one closes and follows it,
    /// its photos move there and its reporter gets the original's status mails.
    pub samenvoegen_met: Option<i64>,
    /// Number of a related melding to link (both ways).
    pub relateer_met: Option<i64>,
    /// Id of a related melding to unlink.
    pub ontkoppel: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Punt {
    pub lat: f64,
    pub lon: f64,
}

/// Changes status, team, adds a note, links a duplicate or related melding, merges a duplicate;
/// every change is in the history.
#[utoipa::path(patch, path = "/api/v1/meldingen/{id}", tag = "meldingen", security(("bearer" = [])), params(("id" = String, Path)), request_body = MeldingChange, responses(
    (status = 200, body = Detail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn patch_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MeldingChange>,
) -> Result<Json<Detail>, ApiError> {
    let auth = authorize_one::<access::act::Update>(&state, &ctx, &id).await?;
    // Returning the result is a read of its own, recorded as such.
    let read = authorize_one::<access::act::Read>(&state, &ctx, &id).await?;
    let mut tx = state.db.begin().await?;
    store::update(
        &mut tx,
        &auth,
        &Change {
            status: input.status,
            team: input.team,
            behandelaar: input.behandelaar,
            toelichting: input.toelichting,
            notitie: input.notitie,
            duplicaat_van: input.duplicaat_van,
            categorie: input.categorie,
            punt: input.punt.map(|p| (p.lat, p.lon)),
            samenvoegen_met: input.samenvoegen_met,
            relateer_met: input.relateer_met,
            ontkoppel: input.ontkoppel,
        },
        state.settings.public_url.as_deref(),
    )
    .await?;
    let d = store::read(&mut tx, &read).await?;
    tx.commit().await?;
    Ok(Json(d))
}
