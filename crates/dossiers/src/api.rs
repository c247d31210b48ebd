//! JSON API under `/api/v1/dossiers/…`, with the same access rules as the pages: every case is
//! opened through the covenant decision, entries are filtered by category and audited.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::access::{self, Action, Purpose};
use platform::identity::field_error;
use platform::web::api::{api_user, ApiError, ApiJson, Problem};
use platform::web::{AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::{Convenanten, Dossierlijst, Inzageverzoek};
use crate::store::{self, StoreError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one))
        .routes(routes!(list_items, add_item))
        .routes(routes!(add_subject))
        .routes(routes!(admit))
        .routes(routes!(revoke))
        .routes(routes!(steer))
        .routes(routes!(list_covenants, create_covenant))
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(get_meeting))
        .routes(routes!(subject_access))
}

fn store_api(e: StoreError) -> ApiError {
    match e {
        StoreError::Invalid(errors) => ApiError::Invalid(errors),
        StoreError::Refused(reason) => ApiError::Invalid(vec![field_error("dossier", &reason)]),
        StoreError::NotFound => ApiError::NotFound,
        StoreError::Forbidden(_) => ApiError::Forbidden,
        StoreError::Db(d) => d.into(),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// Case type slug.
    zaaktype: Option<String>,
    /// Phase slug (intake, triage, plan, uitvoering, evaluatie, afschaling, gesloten).
    fase: Option<String>,
    /// 1-based page of 50.
    pagina: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct DossierPage {
    pub items: Vec<store::DossierKop>,
    pub total: i64,
    pub pagina: i64,
}

/// The cases the caller may see: of their team, or shared with their organisation under a
/// covenant that is valid today.
#[utoipa::path(get, path = "/api/v1/dossiers", params(ListQuery), tag = "dossiers",
    responses((status = 200, body = DossierPage), (status = 403, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> Result<Json<DossierPage>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Dossierlijst,
        Purpose::Uitvoering,
    )
    .await?;
    let pagina = q.pagina.unwrap_or(1).max(1);
    let filter = store::Filter {
        zaaktype: q.zaaktype,
        fase: q.fase,
        review_verlopen: false,
    };
    let (items, total) = store::list(&state.db, &auth, &filter, pagina)
        .await
        .map_err(store_api)?;
    Ok(Json(DossierPage {
        items,
        total,
        pagina,
    }))
}

/// Starts a case; the caller's team directs it. The case type's tasks are created with it.
#[utoipa::path(post, path = "/api/v1/dossiers", request_body = store::NieuwDossier, tag = "dossiers",
    responses((status = 201, body = store::DossierDetail), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(n): ApiJson<store::NieuwDossier>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Dossierlijst,
        Purpose::Uitvoering,
    )
    .await?;
    let id = store::create(&state.db, &auth, &n)
        .await
        .map_err(store_api)?;
    let d = detail(&state, &ctx, &id).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

async fn detail(state: &AppState, ctx: &Ctx, id: &str) -> Result<store::DossierDetail, ApiError> {
    let p = api_user(ctx)?;
    let (kop, auth) = store::open(&state.db, &ctx.request, p, id, Action::Read)
        .await
        .map_err(store_api)?;
    store::detail(&state.db, &auth, kop, state.settings.data_key.as_ref())
        .await
        .map_err(store_api)
}

/// A case as the caller may see it: a partner gets only the entries of the categories its
/// organisation's grant covers (and the subjects only with basisgegevens).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 200, body = store::DossierDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<store::DossierDetail>, ApiError> {
    Ok(Json(detail(&state, &ctx, &id).await?))
}

/// The entries of a case the caller may see (each read is audited).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/items", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 200, body = [store::Item]), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn list_items(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<Vec<store::Item>>, ApiError> {
    let p = api_user(&ctx)?;
    let (_, auth) = store::open(&state.db, &ctx.request, p, &id, Action::Read)
        .await
        .map_err(store_api)?;
    Ok(Json(
        store::items(&state.db, &auth).await.map_err(store_api)?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

/// Records an entry (note, task, goal, document, decision, meeting record, contact with the
/// person) in one data category; a partner only in the categories it may provide.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/items", params(("id" = String, Path)), request_body = store::NieuwItem, tag = "dossiers",
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn add_item(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(n): ApiJson<store::NieuwItem>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let (_, auth) = store::open(&state.db, &ctx.request, p, &id, Action::Create)
        .await
        .map_err(store_api)?;
    let id = store::add_item(&state.db, &auth, &n)
        .await
        .map_err(store_api)?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct SubjectAdded {
    pub id: String,
    /// Other active cases holding the same person, address or business: case type and
    /// directing team only.
    pub signalen: Vec<store::Signaal>,
}

/// Adds a person, location, business or group (directing team only). The BSN is checked with
/// the elfproef and encrypted; the overlap check runs on keyed hashes and is audited.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/subjecten", params(("id" = String, Path)), request_body = store::NieuwSubject, tag = "dossiers",
    responses((status = 201, body = SubjectAdded), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn add_subject(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(n): ApiJson<store::NieuwSubject>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let (_, auth) = store::open(&state.db, &ctx.request, p, &id, Action::Update)
        .await
        .map_err(store_api)?;
    let (id, signalen) = store::add_subject(&state.db, &auth, state.settings.data_key.as_ref(), &n)
        .await
        .map_err(store_api)?;
    Ok((StatusCode::CREATED, Json(SubjectAdded { id, signalen })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct Toelating {
    pub organisation_id: String,
    pub convenant_id: String,
    /// The covenant purpose the participation serves.
    pub doel: String,
}

/// Admits a partner organisation on a covenant; refused with the reason outside a valid one.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/deelnames", params(("id" = String, Path)), request_body = Toelating, tag = "dossiers",
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn admit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(t): ApiJson<Toelating>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let (kop, auth) = store::open(&state.db, &ctx.request, p, &id, Action::Update)
        .await
        .map_err(store_api)?;
    let id = store::admit(
        &state.db,
        &auth,
        &kop,
        &t.organisation_id,
        &t.convenant_id,
        &t.doel,
    )
    .await
    .map_err(store_api)?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct Intrekking {
    pub reden: String,
}

/// Revokes a participation: the partner loses access at once.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/deelnames/{deelname}/intrekken", params(("id" = String, Path), ("deelname" = String, Path)), request_body = Intrekking, tag = "dossiers",
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, deelname)): Path<(String, String)>,
    ApiJson(r): ApiJson<Intrekking>,
) -> Result<StatusCode, ApiError> {
    let p = api_user(&ctx)?;
    let (kop, auth) = store::open(&state.db, &ctx.request, p, &id, Action::Update)
        .await
        .map_err(store_api)?;
    store::revoke(&state.db, &auth, &kop, &deelname, &r.reden)
        .await
        .map_err(store_api)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SturingIn {
    /// A phase change: `{"fase": "triage", "toelichting": "…"}`.
    Fase {
        fase: String,
        #[serde(default)]
        toelichting: String,
    },
    Sturing(store::Sturing),
}

/// Changes the phase, AVE phase, ZVH referral, involvement of the person, review date or legal
/// hold (directing team only); each change is kept in the case history.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/sturing", params(("id" = String, Path)), request_body = SturingIn, tag = "dossiers",
    responses((status = 204), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn steer(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(s): ApiJson<SturingIn>,
) -> Result<StatusCode, ApiError> {
    let p = api_user(&ctx)?;
    let (kop, auth) = store::open(&state.db, &ctx.request, p, &id, Action::Update)
        .await
        .map_err(store_api)?;
    match s {
        SturingIn::Fase { fase, toelichting } => {
            store::change_fase(&state.db, &auth, &kop, &fase, &toelichting).await
        }
        SturingIn::Sturing(s) => store::stuur(&state.db, &auth, &kop, &s).await,
    }
    .map_err(store_api)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The covenants with their parties and per party the categories it may receive and provide.
#[utoipa::path(get, path = "/api/v1/dossiers/convenanten", tag = "dossiers",
    responses((status = 200, body = [store::Convenant]), (status = 403, body = Problem)))]
async fn list_covenants(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<store::Convenant>>, ApiError> {
    let p = api_user(&ctx)?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Convenanten,
        Purpose::Uitvoering,
    )
    .await?;
    Ok(Json(
        store::convenanten(&state.db).await.map_err(store_api)?,
    ))
}

/// Records a covenant (administrators, legal and IV advisers).
#[utoipa::path(post, path = "/api/v1/dossiers/convenanten", request_body = store::NieuwConvenant, tag = "dossiers",
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn create_covenant(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(n): ApiJson<store::NieuwConvenant>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let id = store::create_convenant(&state.db, &auth, &n)
        .await
        .map_err(store_api)?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// The case meetings the caller's organisation takes part in.
#[utoipa::path(get, path = "/api/v1/dossiers/overleggen", tag = "dossiers",
    responses((status = 200, body = [store::Overleg]), (status = 403, body = Problem)))]
async fn list_meetings(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<store::Overleg>>, ApiError> {
    let p = api_user(&ctx)?;
    if !crate::access::mag_module_zien(p) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(
        store::overleggen(&state.db, p).await.map_err(store_api)?,
    ))
}

/// Plans a meeting with participating organisations and an agenda of cases the caller directs.
#[utoipa::path(post, path = "/api/v1/dossiers/overleggen", request_body = store::NieuwOverleg, tag = "dossiers",
    responses((status = 201, body = Created), (status = 422, body = Problem), (status = 403, body = Problem)))]
async fn create_meeting(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(n): ApiJson<store::NieuwOverleg>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    if !crate::access::mag_regie_voeren(p) {
        return Err(ApiError::Forbidden);
    }
    let id = store::create_overleg(&state.db, &ctx.request, p, &n)
        .await
        .map_err(store_api)?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// A meeting: participants and agenda (case ids). The discussion of each case is read through
/// that case (`/api/v1/dossiers/{id}/items`), so it follows the case's access rules.
#[utoipa::path(get, path = "/api/v1/dossiers/overleggen/{id}", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 200, body = store::Overleg), (status = 404, body = Problem)))]
async fn get_meeting(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<store::Overleg>, ApiError> {
    let p = api_user(&ctx)?;
    Ok(Json(
        store::overleg(&state.db, p, &id).await.map_err(store_api)?,
    ))
}

/// Everything held on one subject across cases, with who accessed it when (AVG art. 15).
#[utoipa::path(get, path = "/api/v1/dossiers/subjecten/{id}/inzage", params(("id" = String, Path)), tag = "dossiers",
    responses((status = 200, body = store::Inzage), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn subject_access(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<store::Inzage>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Export,
        Inzageverzoek { subject_id: id },
        Purpose::Uitvoering,
    )
    .await?;
    Ok(Json(
        store::inzage(&state.db, &auth, state.settings.data_key.as_ref())
            .await
            .map_err(store_api)?,
    ))
}
