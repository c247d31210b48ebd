//! Granting and revoking roles, with separation of duties: the municipality's privileged roles
//! only for accounts of a municipality, no role for oneself, and a second administrator's
//! approval for every role that opens case files. The facts (the account's organisation kind,
//! its roles, the open requests) are read in the transaction that writes the change.

use sqlx::Row;

use crate::access::{
    act, approval_rule, grant_rule, Authorized, Decision, GrantVerdict, Principal,
};
use crate::access::{Role, RoleAssignment};
use crate::audit::{self, AuditEntry};
use crate::db::{new_id, now_ms, DbError, Tx};
use crate::identity::{field_error, grant_role, IdentityError};

/// What a change of roles did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleChange {
    pub granted: Vec<Role>,
    /// Grants that wait for a second administrator.
    pub requested: Vec<Role>,
    pub revoked: Vec<Role>,
}

/// An open request for a role that opens case files.
#[derive(Clone, Debug)]
pub struct GrantRequest {
    pub id: String,
    pub user_id: String,
    pub user_name: String,
    pub role: Role,
    pub requested_by: String,
    pub requested_by_name: String,
    pub requested_at: i64,
}

async fn target_kind(tx: &mut Tx, user_id: &str) -> Result<String, IdentityError> {
    sqlx::query(
        "SELECT o.kind FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(IdentityError::NotFound)?
    .try_get("kind")
    .map_err(IdentityError::from)
}

/// Replaces an account's roles. Roles that open case files become requests for a second
/// administrator; a grant the rules refuse refuses the whole change (nothing is written), with
/// the reason next to the field. Every grant, request and revocation is its own audit record.
pub async fn set_roles(
    tx: &mut Tx,
    auth: &Authorized<RoleAssignment, act::Update>,
    roles: &[Role],
) -> Result<RoleChange, IdentityError> {
    // On a refusal the caller rolls back, this record with it.
    auth.record(tx).await?;
    apply(tx, auth.principal(), &auth.resource().user_id, roles).await
}

/// The roles of an account an administrator has just created (under the capability to create
/// accounts), by the same rules.
pub async fn initial_roles(
    tx: &mut Tx,
    auth: &Authorized<crate::access::UserAccount, act::Create>,
    user_id: &str,
    roles: &[Role],
) -> Result<RoleChange, IdentityError> {
    apply(tx, auth.principal(), user_id, roles).await
}

async fn apply(
    tx: &mut Tx,
    p: &Principal,
    user_id: &str,
    roles: &[Role],
) -> Result<RoleChange, IdentityError> {
    let user_id = user_id.to_string();
    let kind = target_kind(tx, &user_id).await?;
    let current: Vec<Role> = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1")
        .bind(&user_id)
        .fetch_all(tx.conn()?)
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>("role").ok())
        .filter_map(|s| Role::from_slug(&s))
        .collect();
    let open: Vec<String> = sqlx::query(
        "SELECT role FROM role_grant_requests WHERE user_id = $1 AND decided_at IS NULL",
    )
    .bind(&user_id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .filter_map(|r| r.try_get::<String, _>("role").ok())
    .collect();
    let mut change = RoleChange::default();
    let mut refusals = Vec::new();
    if let Some(reason) = crate::access::role_conflict(roles) {
        refusals.push(field_error("rol", reason_key(reason)));
    }
    for role in roles.iter().filter(|r| !current.contains(r)) {
        match grant_rule(p, &user_id, &kind, *role) {
            GrantVerdict::Grant => change.granted.push(*role),
            // Already waiting for a second administrator: asked once.
            GrantVerdict::NeedsApproval if open.iter().any(|o| o == role.slug()) => {}
            GrantVerdict::NeedsApproval => change.requested.push(*role),
            GrantVerdict::Refuse(reason) => refusals.push(field_error("rol", reason_key(reason))),
        }
    }
    for role in current.iter().filter(|r| !roles.contains(r)) {
        // An administrator cannot take away their own administration role: that could lock
        // everyone out.
        if p.user_id == user_id && *role == Role::Beheerder {
            refusals.push(field_error("rol", "error-role-self-revoke"));
        }
        change.revoked.push(*role);
    }
    if !refusals.is_empty() {
        return Err(IdentityError::Invalid(refusals));
    }
    for role in &change.granted {
        grant_role(tx, &user_id, *role, Some(&p.user_id)).await?;
        permission_audit(tx, p, &user_id, "grant-role", role.slug()).await?;
    }
    for role in &change.requested {
        sqlx::query(
            "INSERT INTO role_grant_requests (id, user_id, role, requested_by, requested_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(new_id())
        .bind(&user_id)
        .bind(role.slug())
        .bind(&p.user_id)
        .bind(now_ms())
        .execute(tx.conn()?)
        .await?;
        permission_audit(tx, p, &user_id, "request-role", role.slug()).await?;
    }
    for role in &change.revoked {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = $2")
            .bind(&user_id)
            .bind(role.slug())
            .execute(tx.conn()?)
            .await?;
        permission_audit(tx, p, &user_id, "revoke-role", role.slug()).await?;
    }
    // The account's API tokens are revoked by the trigger on user_roles (migration 0018).
    Ok(change)
}

/// The audit reason of a refused change of roles, from the errors [`set_roles`] returned (the
/// inverse of [`reason_key`]).
pub fn refusal_reason(errors: &[crate::identity::FieldError]) -> &'static str {
    [
        "self-grant",
        "role-needs-municipality",
        "four-eyes",
        "role-conflict-raadslid",
        "role-conflict-auditor",
    ]
    .into_iter()
    .find(|r| errors.iter().any(|e| e.message == reason_key(r)))
    .unwrap_or("role-not-allowed")
}

/// The Fluent message id for a refused grant.
fn reason_key(reason: &str) -> &'static str {
    match reason {
        "self-grant" => "error-role-self-grant",
        "role-needs-municipality" => "error-role-needs-municipality",
        "four-eyes" => "error-role-four-eyes",
        "role-conflict-raadslid" => "error-role-conflict-raadslid",
        "role-conflict-auditor" => "error-role-conflict-auditor",
        _ => "error-role-not-allowed",
    }
}

/// Open requests, for one account or (None) all accounts.
pub async fn open_requests(
    tx: &mut Tx,
    _auth: &Authorized<RoleAssignment, act::Read>,
    user_id: Option<&str>,
) -> Result<Vec<GrantRequest>, IdentityError> {
    let rows = sqlx::query(
        "SELECT g.id, g.user_id, u.name AS user_name, g.role, g.requested_by, \
         COALESCE(r.name, g.requested_by) AS requested_by_name, g.requested_at \
         FROM role_grant_requests g JOIN users u ON u.id = g.user_id \
         LEFT JOIN users r ON r.id = g.requested_by \
         WHERE g.decided_at IS NULL AND ($1 = '' OR g.user_id = $1) ORDER BY g.requested_at",
    )
    .bind(user_id.unwrap_or(""))
    .fetch_all(tx.conn()?)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let slug: String = r.try_get("role")?;
        let Some(role) = Role::from_slug(&slug) else {
            continue;
        };
        out.push(GrantRequest {
            id: r.try_get("id")?,
            user_id: r.try_get("user_id")?,
            user_name: r.try_get("user_name")?,
            role,
            requested_by: r.try_get("requested_by")?,
            requested_by_name: r.try_get("requested_by_name")?,
            requested_at: r.try_get("requested_at")?,
        });
    }
    Ok(out)
}

/// Why a decision on a request was refused, for the denial audit record.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error(transparent)]
    Identity(#[from] IdentityError),
}

impl From<DbError> for DecideError {
    fn from(e: DbError) -> Self {
        DecideError::Identity(e.into())
    }
}

/// A second administrator approves or rejects an open request for the account the capability
/// names. Returns the role decided on.
pub async fn decide_request(
    tx: &mut Tx,
    auth: &Authorized<RoleAssignment, act::Update>,
    request_id: &str,
    approve: bool,
) -> Result<Role, DecideError> {
    let p = auth.principal();
    let user_id = auth.resource().user_id.clone();
    let row = sqlx::query(
        "SELECT role, requested_by FROM role_grant_requests \
         WHERE id = $1 AND user_id = $2 AND decided_at IS NULL",
    )
    .bind(request_id)
    .bind(&user_id)
    .fetch_optional(tx.conn()?)
    .await
    .map_err(IdentityError::from)?
    .ok_or(IdentityError::NotFound)?;
    let slug: String = row.try_get("role").map_err(IdentityError::from)?;
    let requested_by: String = row.try_get("requested_by").map_err(IdentityError::from)?;
    let role = Role::from_slug(&slug).ok_or(IdentityError::NotFound)?;
    let kind = target_kind(tx, &user_id).await?;
    if let Decision::Deny(reason) = approval_rule(p, &requested_by, &user_id, &kind, role) {
        return Err(DecideError::Refused(reason));
    }
    auth.record(tx).await?;
    let outcome = if approve { "approved" } else { "rejected" };
    sqlx::query(
        "UPDATE role_grant_requests SET decided_by = $2, decided_at = $3, outcome = $4 \
         WHERE id = $1 AND decided_at IS NULL",
    )
    .bind(request_id)
    .bind(&p.user_id)
    .bind(now_ms())
    .bind(outcome)
    .execute(tx.conn()?)
    .await
    .map_err(IdentityError::from)?;
    if approve {
        grant_role(tx, &user_id, role, Some(&p.user_id)).await?;
        permission_audit(tx, p, &user_id, "grant-role", role.slug()).await?;
    } else {
        permission_audit(tx, p, &user_id, "reject-role", role.slug()).await?;
    }
    Ok(role)
}

pub(crate) async fn permission_audit(
    tx: &mut Tx,
    p: &Principal,
    user_id: &str,
    action: &str,
    detail: &str,
) -> Result<(), DbError> {
    let mut e = AuditEntry::system("web", action, "role-assignment");
    e.actor_user_id = (!p.is_system()).then(|| p.user_id.clone());
    e.actor_name = p.name.clone();
    e.actor_org_id = Some(p.organisation_id.clone());
    e.actor_org_name = Some(p.organisation_name.clone());
    e.actor_roles = p.roles_text();
    e.resource_id = Some(user_id.to_string());
    e.subject_id = Some(user_id.to_string());
    e.reason = Some(detail.to_string());
    audit::append(tx, &e).await.map(|_| ())
}
