//! JSON API under `/api/v1/preventie`: outreach activities (list, create, read, change).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::access::act;
use platform::web::api::{api_user, ApiError, ApiJson, Problem};
use platform::web::{AppState, Ctx};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::html::known_wijk;
use crate::model::ActiviteitIn;
use crate::store::{self, ActiviteitRij, BulletinRij, GroepDetail, GroepRij, StoreError};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activiteiten, create_activiteit))
        .routes(routes!(get_activiteit, update_activiteit))
        .routes(routes!(list_bulletins))
        .routes(routes!(list_groepen))
        .routes(routes!(get_groep))
}

pub(crate) fn store_api(e: StoreError) -> ApiError {
    match e {
        StoreError::Invalid(errors) => ApiError::Invalid(errors),
        StoreError::NotFound => ApiError::NotFound,
        StoreError::Db(d) => d.into(),
        StoreError::Access(a) => a.into(),
        StoreError::Identity(i) => i.into(),
    }
}

/// The outreach activities and campaigns of the caller's organisation, newest first.
#[utoipa::path(get, path = "/api/v1/preventie/activiteiten", tag = "preventie", security(("bearer" = [])), responses(
    (status = 200, body = [ActiviteitRij]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn list_activiteiten(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<ActiviteitRij>>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = store::authorize_activiteiten::<act::List>(&state.db, &ctx.request, p, None).await?;
    Ok(Json(
        store::activiteiten(&state.db, &auth)
            .await
            .map_err(store_api)?,
    ))
}

/// Plans (or records) an activity; attendance only for a held one.
#[utoipa::path(post, path = "/api/v1/preventie/activiteiten", tag = "preventie", security(("bearer" = [])), request_body = ActiviteitIn, responses(
    (status = 201, body = ActiviteitRij),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn create_activiteit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    ApiJson(input): ApiJson<ActiviteitIn>,
) -> Result<Response, ApiError> {
    let p = api_user(&ctx)?;
    let auth =
        store::authorize_activiteiten::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let a = input.parse(&known_wijk).map_err(ApiError::Invalid)?;
    let id = store::activiteit_nieuw(&state.db, &auth, &a)
        .await
        .map_err(store_api)?;
    let read =
        store::authorize_activiteiten::<act::Read>(&state.db, &ctx.request, p, Some(&id)).await?;
    let r = store::activiteit_by_id(&state.db, &read)
        .await
        .map_err(store_api)?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// One activity.
#[utoipa::path(get, path = "/api/v1/preventie/activiteiten/{id}", tag = "preventie", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = ActiviteitRij),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn get_activiteit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<ActiviteitRij>, ApiError> {
    let p = api_user(&ctx)?;
    let auth =
        store::authorize_activiteiten::<act::Read>(&state.db, &ctx.request, p, Some(&id)).await?;
    Ok(Json(
        store::activiteit_by_id(&state.db, &auth)
            .await
            .map_err(store_api)?,
    ))
}

/// Replaces an activity's plan, figures and evaluation.
#[utoipa::path(put, path = "/api/v1/preventie/activiteiten/{id}", tag = "preventie", security(("bearer" = [])), params(("id" = String, Path)), request_body = ActiviteitIn, responses(
    (status = 200, body = ActiviteitRij),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json")
))]
async fn update_activiteit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ActiviteitIn>,
) -> Result<Json<ActiviteitRij>, ApiError> {
    let p = api_user(&ctx)?;
    let auth =
        store::authorize_activiteiten::<act::Update>(&state.db, &ctx.request, p, Some(&id)).await?;
    let a = input.parse(&known_wijk).map_err(ApiError::Invalid)?;
    store::activiteit_wijzigen(&state.db, &auth, &a)
        .await
        .map_err(store_api)?;
    let read =
        store::authorize_activiteiten::<act::Read>(&state.db, &ctx.request, p, Some(&id)).await?;
    Ok(Json(
        store::activiteit_by_id(&state.db, &read)
            .await
            .map_err(store_api)?,
    ))
}

/// The digital-safety bulletins of the caller's organisation with their sending progress (no
/// subscriber addresses: those are never given out).
#[utoipa::path(get, path = "/api/v1/preventie/bulletins", tag = "preventie", security(("bearer" = [])), responses(
    (status = 200, body = [BulletinRij]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn list_bulletins(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<BulletinRij>>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = store::authorize_bulletins::<act::List>(&state.db, &ctx.request, p, None).await?;
    Ok(Json(
        store::bulletins(&state.db, &auth)
            .await
            .map_err(store_api)?,
    ))
}

/// The youth groups of the caller's organisation (the read is audited).
#[utoipa::path(get, path = "/api/v1/preventie/groepen", tag = "preventie", security(("bearer" = [])), responses(
    (status = 200, body = [GroepRij]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn list_groepen(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<GroepRij>>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = store::authorize_groepen::<act::List>(&state.db, &ctx.request, p, None).await?;
    Ok(Json(
        store::groepen(&state.db, &auth).await.map_err(store_api)?,
    ))
}

/// One youth group with its scans, approach, history and linked group dossier (audited).
#[utoipa::path(get, path = "/api/v1/preventie/groepen/{id}", tag = "preventie", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = GroepDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn get_groep(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<GroepDetail>, ApiError> {
    let p = api_user(&ctx)?;
    let auth = store::authorize_groepen::<act::Read>(&state.db, &ctx.request, p, Some(&id)).await?;
    Ok(Json(
        store::groep(&state.db, &auth).await.map_err(store_api)?,
    ))
}
