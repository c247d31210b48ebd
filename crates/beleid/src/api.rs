//! Read API under `/api/v1/beleid`: the policy versions, themes, goals, actions, yearly plans and
//! indicators. Everyone of the gemeente may read; other organisations get 403.

use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use platform::access::{self as pa, Action as AccessAction, Purpose};
use platform::web::api::{api_user, ApiError, Problem};
use platform::web::{AppState, Ctx};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::Beleid;
use crate::store::{self, Action, Goal, Indicator, Policy, Theme, YearPlan};

async fn read(state: &AppState, ctx: &Ctx) -> Result<(), ApiError> {
    let p = api_user(ctx)?;
    pa::authorize(
        &state.db,
        &ctx.request,
        p,
        AccessAction::Read,
        Beleid::new("beleid_policy", None),
        Purpose::Uitvoering,
    )
    .await?;
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct PolicyDetail {
    pub policy: Policy,
    pub themes: Vec<Theme>,
}

#[derive(Serialize, ToSchema)]
pub struct ThemeDetail {
    pub theme: Theme,
    pub goals: Vec<Goal>,
    pub actions: Vec<Action>,
}

#[derive(Deserialize, IntoParams)]
struct YearParam {
    /// The plan year; defaults to the first year of the policy.
    year: Option<i64>,
}

/// All versions of the Integral Safety Policy.
#[utoipa::path(get, operation_id = "beleid_policies", path = "/api/v1/beleid/policies", tag = "beleid", security(("bearer" = [])), responses(
    (status = 200, body = [Policy]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json")
))]
async fn policies(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> Result<Json<Vec<Policy>>, ApiError> {
    read(&state, &ctx).await?;
    Ok(Json(store::policies(&state.db).await?))
}

/// One policy version with its themes.
#[utoipa::path(get, operation_id = "beleid_policy", path = "/api/v1/beleid/policies/{id}", tag = "beleid", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = PolicyDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn policy(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<PolicyDetail>, ApiError> {
    read(&state, &ctx).await?;
    let policy = store::policy(&state.db, &id).await?;
    let themes = store::themes(&state.db, &id).await?;
    Ok(Json(PolicyDetail { policy, themes }))
}

/// The goals of a policy version, in theme order.
#[utoipa::path(get, operation_id = "beleid_goals", path = "/api/v1/beleid/policies/{id}/goals", tag = "beleid", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = [Goal]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn goals(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Goal>>, ApiError> {
    read(&state, &ctx).await?;
    store::policy(&state.db, &id).await?;
    Ok(Json(store::goals(&state.db, &id).await?))
}

/// The actions of a policy version, in theme order.
#[utoipa::path(get, operation_id = "beleid_actions", path = "/api/v1/beleid/policies/{id}/actions", tag = "beleid", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = [Action]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn actions(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Action>>, ApiError> {
    read(&state, &ctx).await?;
    store::policy(&state.db, &id).await?;
    Ok(Json(store::actions(&state.db, &id).await?))
}

/// One theme with its goals and actions.
#[utoipa::path(get, operation_id = "beleid_theme", path = "/api/v1/beleid/themes/{id}", tag = "beleid", security(("bearer" = [])), params(("id" = String, Path)), responses(
    (status = 200, body = ThemeDetail),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn theme(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Json<ThemeDetail>, ApiError> {
    read(&state, &ctx).await?;
    let theme = store::theme(&state.db, &id).await?;
    let goals = store::goals(&state.db, &theme.policy_id)
        .await?
        .into_iter()
        .filter(|g| g.theme_id == id)
        .collect();
    let actions = store::actions(&state.db, &theme.policy_id)
        .await?
        .into_iter()
        .filter(|a| a.theme_id == id)
        .collect();
    Ok(Json(ThemeDetail {
        theme,
        goals,
        actions,
    }))
}

/// The implementation plan of a year: per theme the actions with status, team, partners,
/// period, progress notes and indicators, the budget, and the totals.
#[utoipa::path(get, operation_id = "beleid_plan", path = "/api/v1/beleid/policies/{id}/plans/{year}", tag = "beleid", security(("bearer" = [])), params(("id" = String, Path), ("year" = i64, Path)), responses(
    (status = 200, body = YearPlan),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn plan(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, year)): Path<(String, i64)>,
) -> Result<Json<YearPlan>, ApiError> {
    read(&state, &ctx).await?;
    let policy = store::policy(&state.db, &id).await?;
    if year < policy.period_start || year > policy.period_end {
        return Err(ApiError::NotFound);
    }
    Ok(Json(store::year_plan(&state.db, &id, year).await?))
}

/// The indicators of a policy version in a year (counted ones with their current count).
#[utoipa::path(get, operation_id = "beleid_indicators", path = "/api/v1/beleid/policies/{id}/indicators", tag = "beleid", security(("bearer" = [])), params(("id" = String, Path), YearParam), responses(
    (status = 200, body = [Indicator]),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json")
))]
async fn indicators(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(q): Query<YearParam>,
) -> Result<Json<Vec<Indicator>>, ApiError> {
    read(&state, &ctx).await?;
    let policy = store::policy(&state.db, &id).await?;
    let year = q.year.unwrap_or(policy.period_start);
    Ok(Json(store::indicators(&state.db, &id, year).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(policies))
        .routes(routes!(policy))
        .routes(routes!(goals))
        .routes(routes!(actions))
        .routes(routes!(theme))
        .routes(routes!(plan))
        .routes(routes!(indicators))
}
