//! Four eyes on roles that open case files: the open requests on an account's page, and a
//! second administrator's approval or rejection.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::post;
use axum::{Extension, Router};

use super::pages::fmt_time;
use super::{require_user, AppState, Ctx, WebError, WebResult};
use crate::access::{self, act, Action, Principal, Purpose, RoleAssignment};
use crate::identity::FieldError;
use crate::role_grants::{self, DecideError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/gebruikers/{id}/rollen/{request}/goedkeuren",
            post(approve),
        )
        .route("/gebruikers/{id}/rollen/{request}/afwijzen", post(reject))
}

/// An open request as the account's page shows it.
pub struct GrantRequestView {
    pub id: String,
    pub role: String,
    pub requested_by: String,
    pub requested_at: String,
    /// Whether the viewer may decide (not the requester, not the account itself).
    pub can_decide: bool,
}

/// The open requests for `user_id`, for an administrator.
pub async fn requests_for(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    user_id: &str,
) -> Result<Vec<GrantRequestView>, WebError> {
    let auth = access::authorize_as::<act::Read, _>(
        &state.db,
        &ctx.request,
        p,
        RoleAssignment {
            user_id: user_id.to_string(),
        },
        Purpose::Beheer,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let requests = role_grants::open_requests(&mut tx, &auth, Some(user_id)).await?;
    tx.commit().await?;
    Ok(requests
        .into_iter()
        .map(|r| GrantRequestView {
            can_decide: r.requested_by != p.user_id && r.user_id != p.user_id,
            id: r.id,
            role: ctx.t(&r.role.label_key()),
            requested_by: r.requested_by_name,
            requested_at: fmt_time(r.requested_at, false),
        })
        .collect())
}

/// Writes the denial record of a role change the separation-of-duties rules refused.
pub async fn record_refusal(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    user_id: &str,
    errors: &[FieldError],
) -> Result<(), WebError> {
    let reason = role_grants::refusal_reason(errors);
    let resource = RoleAssignment {
        user_id: user_id.to_string(),
    };
    match access::deny(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        &resource,
        Purpose::Beheer,
        reason,
    )
    .await
    {
        access::AccessError::Db(e) => Err(e.into()),
        access::AccessError::Forbidden(_) => Ok(()),
    }
}

async fn decide(
    state: AppState,
    ctx: Ctx,
    id: String,
    request: String,
    approve: bool,
) -> WebResult {
    let p = require_user(&ctx)?;
    let resource = RoleAssignment {
        user_id: id.clone(),
    };
    let auth = access::authorize_as::<act::Update, _>(
        &state.db,
        &ctx.request,
        p,
        resource.clone(),
        Purpose::Beheer,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    match role_grants::decide_request(&mut tx, &auth, &request, approve).await {
        Ok(_) => tx.commit().await?,
        Err(DecideError::Refused(reason)) => {
            drop(tx);
            let e = access::deny(
                &state.db,
                &ctx.request,
                p,
                Action::Update,
                &resource,
                Purpose::Beheer,
                reason,
            )
            .await;
            return Err(e.into());
        }
        Err(DecideError::Identity(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/gebruikers/{id}")).into_response())
}

async fn approve(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, request)): Path<(String, String)>,
) -> WebResult {
    decide(state, ctx, id, request, true).await
}

async fn reject(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, request)): Path<(String, String)>,
) -> WebResult {
    decide(state, ctx, id, request, false).await
}
