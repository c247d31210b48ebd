//! Organisations, teams, accounts, sessions and API tokens: the kernel's identity tables.

use sqlx::Row;

use crate::access::{
    ApiTokens, Authorized, Principal, PrincipalFacts, Role, RoleAssignment, Scope, UserAccount,
    UserDirectory,
};
use crate::audit::{self, AuditEntry, Outcome};
use crate::db::{new_id, now_ms, Backend, Db, DbError, Tx};
use crate::secrets;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Secret(#[from] secrets::SecretError),
}

impl From<sqlx::Error> for IdentityError {
    fn from(e: sqlx::Error) -> Self {
        IdentityError::Db(DbError::Sql(e))
    }
}

/// A validation problem with one input field; `message` is a Fluent message id.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

pub fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Validation of input at the boundary.

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
}

pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
}

fn check_name(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    let v = value.trim();
    if v.is_empty() {
        errors.push(field_error(field, "error-required"));
    } else if v.chars().count() > 200 {
        errors.push(field_error(field, "error-too-long"));
    }
}

// ---------------------------------------------------------------------------------------------
// Organisations and teams (no personal data).

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// "gemeente" or "partner".
    pub kind: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Team {
    pub id: String,
    pub organisation_id: String,
    pub slug: String,
    pub name: String,
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewOrganisation {
    pub slug: String,
    pub name: String,
    /// "gemeente" or "partner".
    pub kind: String,
}

pub const ORGANISATION_KINDS: [&str; 2] = ["gemeente", "partner"];

impl NewOrganisation {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !valid_slug(self.slug.trim()) {
            errors.push(field_error("slug", "error-slug"));
        }
        check_name(&mut errors, "name", &self.name);
        if !ORGANISATION_KINDS.contains(&self.kind.as_str()) {
            errors.push(field_error("kind", "error-choice"));
        }
        errors
    }
}

fn org_from_row(r: &sqlx::any::AnyRow) -> Result<Organisation, sqlx::Error> {
    Ok(Organisation {
        id: r.try_get("id")?,
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
    })
}

pub async fn list_organisations(db: &Db) -> Result<Vec<Organisation>, IdentityError> {
    let rows = sqlx::query("SELECT id, slug, name, kind FROM organisations ORDER BY kind, name")
        .fetch_all(db.pool())
        .await?;
    Ok(rows.iter().map(org_from_row).collect::<Result<_, _>>()?)
}

pub async fn organisation(db: &Db, id: &str) -> Result<Organisation, IdentityError> {
    sqlx::query("SELECT id, slug, name, kind FROM organisations WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| org_from_row(&r))
        .transpose()?
        .ok_or(IdentityError::NotFound)
}

pub async fn organisation_by_slug(db: &Db, slug: &str) -> Result<Organisation, IdentityError> {
    sqlx::query("SELECT id, slug, name, kind FROM organisations WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db.pool())
        .await?
        .map(|r| org_from_row(&r))
        .transpose()?
        .ok_or(IdentityError::NotFound)
}

/// Creates an organisation, or reports a taken slug as a field error.
pub async fn create_organisation(
    tx: &mut Tx,
    new: &NewOrganisation,
) -> Result<Organisation, IdentityError> {
    let errors = new.validate();
    if !errors.is_empty() {
        return Err(IdentityError::Invalid(errors));
    }
    let org = Organisation {
        id: new_id(),
        slug: new.slug.trim().to_string(),
        name: new.name.trim().to_string(),
        kind: new.kind.clone(),
    };
    let now = now_ms();
    let inserted = sqlx::query(
        "INSERT INTO organisations (id, slug, name, kind, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (slug) DO NOTHING",
    )
    .bind(&org.id)
    .bind(&org.slug)
    .bind(&org.name)
    .bind(&org.kind)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(IdentityError::Invalid(vec![field_error(
            "slug",
            "error-taken",
        )]));
    }
    Ok(org)
}

pub async fn update_organisation(
    tx: &mut Tx,
    id: &str,
    name: &str,
    kind: &str,
) -> Result<(), IdentityError> {
    let mut errors = Vec::new();
    check_name(&mut errors, "name", name);
    if !ORGANISATION_KINDS.contains(&kind) {
        errors.push(field_error("kind", "error-choice"));
    }
    if !errors.is_empty() {
        return Err(IdentityError::Invalid(errors));
    }
    let r =
        sqlx::query("UPDATE organisations SET name = $1, kind = $2, updated_at = $3 WHERE id = $4")
            .bind(name.trim())
            .bind(kind)
            .bind(now_ms())
            .bind(id)
            .execute(tx.conn()?)
            .await?;
    if r.rows_affected() == 0 {
        return Err(IdentityError::NotFound);
    }
    Ok(())
}

pub async fn list_teams(db: &Db, organisation_id: &str) -> Result<Vec<Team>, IdentityError> {
    let rows = sqlx::query(
        "SELECT id, organisation_id, slug, name FROM teams WHERE organisation_id = $1 ORDER BY name",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Team {
                id: r.try_get("id")?,
                organisation_id: r.try_get("organisation_id")?,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

/// The teams a user is a member of (their ids).
pub async fn team_ids_of_user(db: &Db, user_id: &str) -> Result<Vec<String>, IdentityError> {
    let rows = sqlx::query("SELECT team_id FROM team_members WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| r.try_get("team_id").map_err(IdentityError::from))
        .collect()
}

/// A colleague to whom work can be assigned: id and name only.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Colleague {
    pub id: String,
    pub name: String,
}

/// The active accounts of an organisation that hold one of `roles`, by name: the people work of
/// those roles can be assigned to. `only` narrows it to one account (to check a choice). Reads
/// from the pool or from a transaction's connection.
pub async fn colleagues<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(
    executor: E,
    organisation_slug: &str,
    roles: &[Role],
    only: Option<&str>,
) -> Result<Vec<Colleague>, IdentityError> {
    let marks: Vec<String> = (0..roles.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT u.id, u.name FROM users u JOIN organisations o ON o.id = u.organisation_id \
         WHERE o.slug = $1 AND u.disabled_at IS NULL AND ($2 = '' OR u.id = $2) \
         AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ({})) \
         ORDER BY u.name, u.id",
        if marks.is_empty() {
            "NULL".to_string()
        } else {
            marks.join(", ")
        }
    );
    let mut q = sqlx::query(&sql)
        .bind(organisation_slug)
        .bind(only.unwrap_or(""));
    for r in roles {
        q = q.bind(r.slug());
    }
    q.fetch_all(executor)
        .await?
        .iter()
        .map(|r| {
            Ok(Colleague {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

/// The e-mail addresses of a team's active members (for notices to the team).
pub async fn team_member_emails(db: &Db, team_id: &str) -> Result<Vec<String>, IdentityError> {
    let rows = sqlx::query(
        "SELECT u.email FROM team_members m JOIN users u ON u.id = m.user_id \
         WHERE m.team_id = $1 AND u.disabled_at IS NULL ORDER BY u.email",
    )
    .bind(team_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| r.try_get("email").map_err(IdentityError::from))
        .collect()
}

pub async fn create_team(
    tx: &mut Tx,
    organisation_id: &str,
    slug: &str,
    name: &str,
) -> Result<String, IdentityError> {
    let mut errors = Vec::new();
    if !valid_slug(slug.trim()) {
        errors.push(field_error("slug", "error-slug"));
    }
    check_name(&mut errors, "name", name);
    if !errors.is_empty() {
        return Err(IdentityError::Invalid(errors));
    }
    let id = new_id();
    let r = sqlx::query(
        "INSERT INTO teams (id, organisation_id, slug, name, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (organisation_id, slug) DO NOTHING",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(slug.trim())
    .bind(name.trim())
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    if r.rows_affected() == 0 {
        return Err(IdentityError::Invalid(vec![field_error(
            "slug",
            "error-taken",
        )]));
    }
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Accounts.

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub organisation_id: String,
    pub roles: Vec<Role>,
    pub password: String,
}

impl NewUser {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !valid_email(&normalize_email(&self.email)) {
            errors.push(field_error("email", "error-email"));
        }
        check_name(&mut errors, "name", &self.name);
        if self.password.chars().count() < secrets::MIN_PASSWORD_LEN {
            errors.push(field_error("password", "error-password-short"));
        }
        errors
    }
}

/// Creates an account. Callers authorize (web) or are the operator (CLI), and audit.
pub async fn create_user(tx: &mut Tx, new: &NewUser) -> Result<String, IdentityError> {
    let errors = new.validate();
    if !errors.is_empty() {
        return Err(IdentityError::Invalid(errors));
    }
    let hash = secrets::hash_password(&new.password)?;
    let id = new_id();
    let now = now_ms();
    let r = sqlx::query(
        "INSERT INTO users (id, organisation_id, email, name, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (email) DO NOTHING",
    )
    .bind(&id)
    .bind(&new.organisation_id)
    .bind(normalize_email(&new.email))
    .bind(new.name.trim())
    .bind(&hash)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    if r.rows_affected() == 0 {
        return Err(IdentityError::Invalid(vec![field_error(
            "email",
            "error-taken",
        )]));
    }
    for role in &new.roles {
        grant_role(tx, &id, *role, None).await?;
    }
    Ok(id)
}

async fn grant_role(
    tx: &mut Tx,
    user_id: &str,
    role: Role,
    granted_by: Option<&str>,
) -> Result<(), IdentityError> {
    sqlx::query(
        "INSERT INTO user_roles (user_id, role, granted_by, granted_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, role) DO NOTHING",
    )
    .bind(user_id)
    .bind(role.slug())
    .bind(granted_by)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

/// The organisation of an account: what the access decision needs, and no personal data.
pub async fn user_organisation(db: &Db, user_id: &str) -> Result<String, IdentityError> {
    let row = sqlx::query("SELECT organisation_id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(IdentityError::NotFound)?;
    Ok(row.try_get("organisation_id")?)
}

pub async fn user_id_by_email(db: &Db, email: &str) -> Result<String, IdentityError> {
    let row = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(normalize_email(email))
        .fetch_optional(db.pool())
        .await?
        .ok_or(IdentityError::NotFound)?;
    Ok(row.try_get("id")?)
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UserSummary {
    pub id: String,
    pub name: String,
    pub email: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub roles: Vec<String>,
    pub two_factor: bool,
    pub disabled: bool,
}

#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    pub q: Option<String>,
    pub organisation_id: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Lists accounts within the principal's scope; the scope is a SQL predicate, so a list never
/// holds a row the detail page would refuse.
pub async fn list_users(
    tx: &mut Tx,
    auth: &Authorized<UserDirectory>,
    filter: &UserFilter,
) -> Result<(Vec<UserSummary>, i64), IdentityError> {
    auth.record(tx).await?;
    let mut clauses = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    match UserDirectory::scope(auth.principal()) {
        Scope::All => {}
        Scope::Organisation(org) => {
            binds.push(org);
            clauses.push(format!("u.organisation_id = ${}", binds.len()));
        }
    }
    if let Some(org) = filter.organisation_id.as_deref().filter(|s| !s.is_empty()) {
        binds.push(org.to_string());
        clauses.push(format!("u.organisation_id = ${}", binds.len()));
    }
    if let Some(q) = filter.q.as_deref().filter(|s| !s.trim().is_empty()) {
        binds.push(format!("%{}%", q.trim().to_lowercase()));
        let n = binds.len();
        clauses.push(format!("(LOWER(u.name) LIKE ${n} OR u.email LIKE ${n})"));
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let conn = tx.conn()?;
    let count_sql = format!("SELECT COUNT(*) AS n FROM users u {where_sql}");
    let mut q = sqlx::query(&count_sql);
    for b in &binds {
        q = q.bind(b);
    }
    let total: i64 = q.fetch_one(&mut *conn).await?.try_get("n")?;
    let sql = format!(
        "SELECT u.id, u.name, u.email, u.organisation_id, o.name AS organisation_name, \
         u.totp_secret IS NOT NULL AS has_totp_flag, u.disabled_at, \
         (SELECT {agg} FROM user_roles r WHERE r.user_id = u.id) AS roles \
         FROM users u JOIN organisations o ON o.id = u.organisation_id {where_sql} \
         ORDER BY u.name LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2,
        agg = roles_aggregate(tx_backend_is_pg(conn)),
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q
        .bind(filter.limit)
        .bind(filter.offset)
        .fetch_all(&mut *conn)
        .await?;
    let users = rows
        .iter()
        .map(|r| {
            let roles: Option<String> = r.try_get("roles")?;
            let disabled: Option<i64> = r.try_get("disabled_at")?;
            Ok(UserSummary {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                email: r.try_get("email")?,
                organisation_id: r.try_get("organisation_id")?,
                organisation_name: r.try_get("organisation_name")?,
                roles: split_roles(roles),
                two_factor: flag(r, "has_totp_flag")?,
                disabled: disabled.is_some(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((users, total))
}

/// Reads a boolean expression portably: SQLite returns an integer, PostgreSQL a boolean.
fn flag(r: &sqlx::any::AnyRow, col: &str) -> Result<bool, sqlx::Error> {
    match r.try_get::<bool, _>(col) {
        Ok(b) => Ok(b),
        Err(_) => Ok(r.try_get::<i64, _>(col)? != 0),
    }
}

fn tx_backend_is_pg(conn: &sqlx::AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("postgres")
        || conn.backend_name().eq_ignore_ascii_case("postgresql")
}

fn roles_aggregate(pg: bool) -> &'static str {
    if pg {
        "string_agg(r.role, ',' ORDER BY r.role)"
    } else {
        "group_concat(r.role, ',')"
    }
}

fn split_roles(roles: Option<String>) -> Vec<String> {
    let mut v: Vec<String> = roles
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UserDetail {
    pub id: String,
    pub name: String,
    pub email: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub roles: Vec<String>,
    pub teams: Vec<Team>,
    pub two_factor: bool,
    pub locked: bool,
    pub disabled: bool,
    pub lang: String,
    pub created_at: i64,
}

/// Reads one account; the access is audited in the same transaction.
pub async fn read_user(
    tx: &mut Tx,
    auth: &Authorized<UserAccount>,
) -> Result<UserDetail, IdentityError> {
    auth.record(tx).await?;
    let id = &auth.resource().id;
    let conn = tx.conn()?;
    let row = sqlx::query(
        "SELECT u.id, u.name, u.email, u.organisation_id, o.name AS organisation_name, \
         u.totp_secret, u.locked_until, u.disabled_at, u.lang, u.created_at \
         FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(IdentityError::NotFound)?;
    let roles = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("role"))
        .collect::<Result<Vec<_>, _>>()?;
    let teams = sqlx::query(
        "SELECT t.id, t.organisation_id, t.slug, t.name FROM teams t \
         JOIN team_members m ON m.team_id = t.id WHERE m.user_id = $1 ORDER BY t.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Team {
            id: r.try_get("id")?,
            organisation_id: r.try_get("organisation_id")?,
            slug: r.try_get("slug")?,
            name: r.try_get("name")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let totp: Option<String> = row.try_get("totp_secret")?;
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    let disabled: Option<i64> = row.try_get("disabled_at")?;
    Ok(UserDetail {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        organisation_id: row.try_get("organisation_id")?,
        organisation_name: row.try_get("organisation_name")?,
        roles,
        teams,
        two_factor: totp.is_some(),
        locked: locked_until.is_some_and(|t| t > now_ms()),
        disabled: disabled.is_some(),
        lang: row.try_get("lang")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Replaces an account's roles; every grant and revocation is its own audit record.
pub async fn set_roles(
    tx: &mut Tx,
    auth: &Authorized<RoleAssignment>,
    roles: &[Role],
) -> Result<(), IdentityError> {
    auth.record(tx).await?;
    let user_id = auth.resource().user_id.clone();
    let current: Vec<String> = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1")
        .bind(&user_id)
        .fetch_all(tx.conn()?)
        .await?
        .iter()
        .map(|r| r.try_get::<String, _>("role"))
        .collect::<Result<_, _>>()?;
    let p = auth.principal();
    for role in roles {
        if !current.iter().any(|c| c == role.slug()) {
            grant_role(tx, &user_id, *role, Some(&p.user_id)).await?;
            permission_audit(tx, p, &user_id, "grant-role", role.slug()).await?;
        }
    }
    for slug in &current {
        if !roles.iter().any(|r| r.slug() == slug) {
            sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = $2")
                .bind(&user_id)
                .bind(slug)
                .execute(tx.conn()?)
                .await?;
            permission_audit(tx, p, &user_id, "revoke-role", slug).await?;
        }
    }
    Ok(())
}

async fn permission_audit(
    tx: &mut Tx,
    p: &Principal,
    user_id: &str,
    action: &str,
    detail: &str,
) -> Result<(), DbError> {
    let mut e = AuditEntry::system("web", action, "role-assignment");
    e.actor_user_id = Some(p.user_id.clone());
    e.actor_name = p.name.clone();
    e.actor_org_id = Some(p.organisation_id.clone());
    e.actor_org_name = Some(p.organisation_name.clone());
    e.actor_roles = p.roles_text();
    e.resource_id = Some(user_id.to_string());
    e.subject_id = Some(user_id.to_string());
    e.reason = Some(detail.to_string());
    audit::append(tx, &e).await.map(|_| ())
}

/// Sets the teams of an account (within its organisation).
pub async fn set_teams(
    tx: &mut Tx,
    auth: &Authorized<UserAccount>,
    team_ids: &[String],
) -> Result<(), IdentityError> {
    auth.record(tx).await?;
    let user_id = auth.resource().id.clone();
    let org = auth.resource().organisation_id.clone();
    sqlx::query("DELETE FROM team_members WHERE user_id = $1")
        .bind(&user_id)
        .execute(tx.conn()?)
        .await?;
    for team in team_ids {
        sqlx::query(
            "INSERT INTO team_members (team_id, user_id) \
             SELECT id, $1 FROM teams WHERE id = $2 AND organisation_id = $3",
        )
        .bind(&user_id)
        .bind(team)
        .bind(&org)
        .execute(tx.conn()?)
        .await?;
    }
    Ok(())
}

/// Administrative changes to an account's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountChange {
    Disable,
    Enable,
    Unlock,
    ResetTwoFactor,
}

pub async fn change_account(
    tx: &mut Tx,
    auth: &Authorized<UserAccount>,
    change: AccountChange,
) -> Result<(), IdentityError> {
    auth.record(tx).await?;
    let id = auth.resource().id.clone();
    let now = now_ms();
    let sql = match change {
        AccountChange::Disable => "UPDATE users SET disabled_at = $2, updated_at = $2 WHERE id = $1",
        AccountChange::Enable => "UPDATE users SET disabled_at = NULL, updated_at = $2 WHERE id = $1",
        AccountChange::Unlock => {
            "UPDATE users SET locked_until = NULL, failed_logins = 0, updated_at = $2 WHERE id = $1"
        }
        AccountChange::ResetTwoFactor => {
            "UPDATE users SET totp_secret = NULL, totp_last_step = NULL, updated_at = $2 WHERE id = $1"
        }
    };
    sqlx::query(sql)
        .bind(&id)
        .bind(now)
        .execute(tx.conn()?)
        .await?;
    if matches!(
        change,
        AccountChange::Disable | AccountChange::ResetTwoFactor
    ) {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
    }
    if change == AccountChange::ResetTwoFactor {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
    }
    Ok(())
}

pub async fn set_language(
    tx: &mut Tx,
    auth: &Authorized<UserAccount>,
    lang: &str,
) -> Result<(), IdentityError> {
    if !crate::web::i18n::SUPPORTED.contains(&lang) {
        return Err(IdentityError::Invalid(vec![field_error(
            "lang",
            "error-choice",
        )]));
    }
    auth.record(tx).await?;
    sqlx::query("UPDATE users SET lang = $1, updated_at = $2 WHERE id = $3")
        .bind(lang)
        .bind(now_ms())
        .bind(&auth.resource().id)
        .execute(tx.conn()?)
        .await?;
    Ok(())
}

/// The principal of a logged-in account (the person's own context; not an access to others' data).
pub async fn load_principal(db: &Db, user_id: &str) -> Result<Option<Principal>, IdentityError> {
    let row = sqlx::query(&format!(
        "SELECT {} FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1",
        principal_columns(db.backend())
    ))
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    match row {
        Some(row) => principal_from(&row),
        None => Ok(None),
    }
}

/// The columns [`principal_from`] reads, from `users u` joined with `organisations o`; the
/// roles come along as one text, so that a principal costs one query (every API request
/// loads one).
fn principal_columns(backend: Backend) -> String {
    let roles = match backend {
        Backend::Sqlite => "group_concat(r.role, ',')",
        Backend::Postgres => "string_agg(r.role, ',')",
    };
    format!(
        "u.id, u.name, u.email, u.lang, u.disabled_at, o.id AS org_id, o.slug AS org_slug, \
         o.name AS org_name, o.kind AS org_kind, (SELECT {roles} FROM user_roles r WHERE r.user_id = u.id) AS roles"
    )
}

/// The principal of a row with [`principal_columns`]; none for a disabled account.
fn principal_from(row: &sqlx::any::AnyRow) -> Result<Option<Principal>, IdentityError> {
    let disabled: Option<i64> = row.try_get("disabled_at")?;
    if disabled.is_some() {
        return Ok(None);
    }
    let roles: Option<String> = row.try_get("roles")?;
    let mut roles: Vec<Role> = roles
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(Role::from_slug)
        .collect();
    roles.sort_by_key(|r| r.slug());
    Ok(Some(Principal::person(PrincipalFacts {
        user_id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        organisation_id: row.try_get("org_id")?,
        organisation_slug: row.try_get("org_slug")?,
        organisation_name: row.try_get("org_name")?,
        organisation_kind: row.try_get("org_kind")?,
        roles,
        lang: row.try_get("lang")?,
    })))
}

// ---------------------------------------------------------------------------------------------
// Login with throttling and lockout.

/// Growing delays and a temporary lock after repeated failures (BIO2 asks to limit guessing).
#[derive(Clone, Debug)]
pub struct LoginPolicy {
    pub lock_after_failures: i64,
    pub lock_minutes: i64,
    pub base_delay_ms: u64,
    pub max_delay_ms: u64,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            lock_after_failures: 5,
            lock_minutes: 15,
            base_delay_ms: 500,
            max_delay_ms: 8000,
        }
    }
}

impl LoginPolicy {
    /// The delay before answering the `failures`-th consecutive failure: doubling, capped.
    pub fn delay_ms(&self, failures: i64) -> u64 {
        let exp = failures.saturating_sub(1).clamp(0, 20) as u32;
        self.base_delay_ms
            .saturating_mul(1u64 << exp)
            .min(self.max_delay_ms)
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Password accepted; `stage` says what the session still needs.
    Accepted {
        user_id: String,
        stage: SessionStage,
    },
    /// Wrong e-mail or password; wait `delay_ms` before answering.
    Rejected { delay_ms: u64 },
    /// Too many failures: locked until the given time.
    Locked { until_ms: i64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStage {
    /// Password accepted, second factor still to be given.
    Totp,
    /// Password accepted, but the account must first enrol a second factor.
    Enrol,
    Complete,
}

impl SessionStage {
    pub fn slug(self) -> &'static str {
        match self {
            SessionStage::Totp => "totp",
            SessionStage::Enrol => "enrol",
            SessionStage::Complete => "complete",
        }
    }
    pub fn from_slug(s: &str) -> Option<Self> {
        match s {
            "totp" => Some(SessionStage::Totp),
            "enrol" => Some(SessionStage::Enrol),
            "complete" => Some(SessionStage::Complete),
            _ => None,
        }
    }
}

fn login_audit(
    email: &str,
    user_id: Option<&str>,
    action: &str,
    outcome: Outcome,
    reason: Option<&str>,
) -> AuditEntry {
    let mut e = AuditEntry::system("web", action, "session");
    e.actor_user_id = user_id.map(str::to_string);
    e.actor_name = email.chars().take(120).collect();
    e.subject_id = user_id.map(str::to_string);
    e.purpose = "eigen-gegevens".into();
    e.outcome = outcome;
    e.reason = reason.map(str::to_string);
    e
}

pub async fn login(
    db: &Db,
    policy: &LoginPolicy,
    email: &str,
    password: &str,
) -> Result<LoginOutcome, IdentityError> {
    let email = normalize_email(email);
    let now = now_ms();
    let row = sqlx::query(
        "SELECT u.id, u.password_hash, u.totp_secret, u.failed_logins, u.locked_until, u.disabled_at \
         FROM users u WHERE u.email = $1",
    )
    .bind(&email)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        secrets::dummy_verify(password);
        audit::append_now(
            db,
            &login_audit(
                &email,
                None,
                "login",
                Outcome::Failure,
                Some("unknown-account"),
            ),
        )
        .await?;
        return Ok(LoginOutcome::Rejected {
            delay_ms: policy.delay_ms(1),
        });
    };
    let user_id: String = row.try_get("id")?;
    let hash: String = row.try_get("password_hash")?;
    let totp: Option<String> = row.try_get("totp_secret")?;
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    let disabled: Option<i64> = row.try_get("disabled_at")?;
    if let Some(until) = locked_until.filter(|t| *t > now) {
        audit::append_now(
            db,
            &login_audit(
                &email,
                Some(&user_id),
                "login",
                Outcome::Failure,
                Some("locked"),
            ),
        )
        .await?;
        return Ok(LoginOutcome::Locked { until_ms: until });
    }
    let password_ok = secrets::verify_password(password, &hash);
    if !password_ok || disabled.is_some() {
        let reason = if disabled.is_some() {
            "disabled"
        } else {
            "wrong-password"
        };
        return register_failure(db, policy, &user_id, &email, "login", reason).await;
    }
    db.execute(
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(&user_id),
    )
    .await?;
    let needs_2fa = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1")
        .bind(&user_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>("role").ok())
        .filter_map(|s| Role::from_slug(&s))
        .any(Role::sees_personal_data);
    let stage = match (totp.is_some(), needs_2fa) {
        (true, _) => SessionStage::Totp,
        (false, true) => SessionStage::Enrol,
        (false, false) => SessionStage::Complete,
    };
    audit::append_now(
        db,
        &login_audit(
            &email,
            Some(&user_id),
            "login-password",
            Outcome::Success,
            Some(stage.slug()),
        ),
    )
    .await?;
    Ok(LoginOutcome::Accepted { user_id, stage })
}

/// Counts a failed attempt (password or second factor) and locks the account after too many.
async fn register_failure(
    db: &Db,
    policy: &LoginPolicy,
    user_id: &str,
    email: &str,
    action: &str,
    reason: &str,
) -> Result<LoginOutcome, IdentityError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT failed_logins, locked_until FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(tx.conn()?)
        .await?;
    let failures: i64 = row.try_get("failed_logins")?;
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    // A lock that has expired starts a fresh count.
    let failures = if locked_until.is_some() {
        1
    } else {
        failures + 1
    };
    let lock = (failures >= policy.lock_after_failures).then(|| now + policy.lock_minutes * 60_000);
    sqlx::query(
        "UPDATE users SET failed_logins = $1, last_failed_at = $2, locked_until = $3 WHERE id = $4",
    )
    .bind(failures)
    .bind(now)
    .bind(lock)
    .bind(user_id)
    .execute(tx.conn()?)
    .await?;
    audit::append(
        &mut tx,
        &login_audit(email, Some(user_id), action, Outcome::Failure, Some(reason)),
    )
    .await?;
    if let Some(until) = lock {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(tx.conn()?)
            .await?;
        audit::append(
            &mut tx,
            &login_audit(email, Some(user_id), "lock-account", Outcome::Success, None),
        )
        .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::Locked { until_ms: until });
    }
    tx.commit().await?;
    Ok(LoginOutcome::Rejected {
        delay_ms: policy.delay_ms(failures),
    })
}

/// Checks a TOTP code or a recovery code for the second login step. A TOTP code is accepted
/// once: the step is stored with a conditional update, so two requests cannot both use it.
pub async fn verify_second_factor(
    db: &Db,
    policy: &LoginPolicy,
    user_id: &str,
    code: &str,
    now_s: i64,
) -> Result<bool, IdentityError> {
    let row = sqlx::query("SELECT email, totp_secret, totp_last_step FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(IdentityError::NotFound)?;
    let email: String = row.try_get("email")?;
    let secret: Option<String> = row.try_get("totp_secret")?;
    let last: Option<i64> = row.try_get("totp_last_step")?;
    let mut ok = false;
    let mut how = "totp";
    if let Some(step) = secret.and_then(|s| secrets::verify_totp(&s, code, now_s, last)) {
        let r = db.execute(sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id)
        )
        .await?;
        ok = r.rows_affected() == 1;
    } else if code.trim().len() > 6 {
        how = "recovery-code";
        let hash = secrets::token_hash(&secrets::normalize_recovery_code(code));
        let r = db.execute(sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .bind(&hash)
        )
        .await?;
        ok = r.rows_affected() == 1;
    }
    if !ok {
        if let LoginOutcome::Rejected { delay_ms } =
            register_failure(db, policy, user_id, &email, "login-second-factor", how).await?
        {
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        }
        return Ok(false);
    }
    db.execute(sqlx::query("UPDATE users SET failed_logins = 0 WHERE id = $1").bind(user_id))
        .await?;
    audit::append_now(
        db,
        &login_audit(
            &email,
            Some(user_id),
            "login-second-factor",
            Outcome::Success,
            Some(how),
        ),
    )
    .await?;
    Ok(true)
}

/// Stores a verified TOTP secret and new recovery codes (returned once, stored hashed).
pub async fn enrol_totp(
    db: &Db,
    user_id: &str,
    secret: &str,
    code: &str,
    now_s: i64,
) -> Result<Option<Vec<String>>, IdentityError> {
    let Some(step) = secrets::verify_totp(secret, code, now_s, None) else {
        return Ok(None);
    };
    let codes = secrets::new_recovery_codes();
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_last_step = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(secret)
    .bind(step)
    .bind(now_ms())
    .bind(user_id)
    .execute(tx.conn()?)
    .await?;
    store_recovery_codes(&mut tx, user_id, &codes).await?;
    let mut e = login_audit("", Some(user_id), "enrol-2fa", Outcome::Success, None);
    e.resource_type = "two-factor".into();
    e.actor_name = user_name(&mut tx, user_id).await?;
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(Some(codes))
}

async fn user_name(tx: &mut Tx, user_id: &str) -> Result<String, IdentityError> {
    let row = sqlx::query("SELECT name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(tx.conn()?)
        .await?;
    Ok(row.try_get("name")?)
}

async fn store_recovery_codes(
    tx: &mut Tx,
    user_id: &str,
    codes: &[String],
) -> Result<(), IdentityError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(tx.conn()?)
        .await?;
    for code in codes {
        sqlx::query("INSERT INTO recovery_codes (id, user_id, code_hash) VALUES ($1, $2, $3)")
            .bind(new_id())
            .bind(user_id)
            .bind(secrets::token_hash(code))
            .execute(tx.conn()?)
            .await?;
    }
    Ok(())
}

/// Replaces the recovery codes of the principal's own account.
pub async fn regenerate_recovery_codes(
    db: &Db,
    principal: &Principal,
) -> Result<Vec<String>, IdentityError> {
    let codes = secrets::new_recovery_codes();
    let mut tx = db.begin().await?;
    store_recovery_codes(&mut tx, &principal.user_id, &codes).await?;
    let mut e = login_audit(
        &principal.name,
        Some(&principal.user_id),
        "regenerate-recovery-codes",
        Outcome::Success,
        None,
    );
    e.resource_type = "two-factor".into();
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(codes)
}

pub async fn unused_recovery_codes(db: &Db, user_id: &str) -> Result<i64, IdentityError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get("n")?)
}

/// Sets a known TOTP secret without a code: for the demo accounts and tests only.
pub async fn set_totp_secret_unchecked(
    tx: &mut Tx,
    user_id: &str,
    secret: &str,
) -> Result<(), IdentityError> {
    sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
        .bind(secret)
        .bind(user_id)
        .execute(tx.conn()?)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sessions, kept in the database so several processes share them.

#[derive(Clone, Debug)]
pub struct SessionPolicy {
    pub idle_ms: i64,
    pub absolute_ms: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_ms: 30 * 60_000,
            absolute_ms: 12 * 3_600_000,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub user_id: String,
    pub stage: SessionStage,
}

/// Creates a session and returns the cookie value (only its hash is stored).
pub async fn create_session(
    db: &Db,
    policy: &SessionPolicy,
    user_id: &str,
    stage: SessionStage,
) -> Result<String, IdentityError> {
    let token = secrets::random_token();
    let now = now_ms();
    db.execute(
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, stage, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(secrets::token_hash(&token))
        .bind(user_id)
        .bind(stage.slug())
        .bind(now)
        .bind(now + policy.absolute_ms),
    )
    .await?;
    Ok(token)
}

/// Looks a session up, ends it if idle too long, and refreshes its last-seen time.
pub async fn load_session(
    db: &Db,
    policy: &SessionPolicy,
    token: &str,
) -> Result<Option<SessionInfo>, IdentityError> {
    let hash = secrets::token_hash(token);
    let now = now_ms();
    let Some(row) = sqlx::query(
        "SELECT user_id, stage, last_seen_at, expires_at FROM sessions WHERE id_hash = $1",
    )
    .bind(&hash)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let last_seen: i64 = row.try_get("last_seen_at")?;
    let expires: i64 = row.try_get("expires_at")?;
    if now - last_seen > policy.idle_ms || now > expires {
        db.execute(sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(&hash))
            .await?;
        return Ok(None);
    }
    // Write at most once a minute per session, not on every request.
    if now - last_seen > 60_000 {
        db.execute(
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(now)
                .bind(&hash),
        )
        .await?;
    }
    let stage: String = row.try_get("stage")?;
    Ok(SessionStage::from_slug(&stage).map(|stage| SessionInfo {
        user_id: row.try_get("user_id").unwrap_or_default(),
        stage,
    }))
}

pub async fn delete_session(db: &Db, token: &str) -> Result<(), IdentityError> {
    db.execute(
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(secrets::token_hash(token)),
    )
    .await?;
    Ok(())
}

/// Removes expired sessions; run by the job runner.
pub async fn purge_sessions(db: &Db, policy: &SessionPolicy) -> Result<u64, IdentityError> {
    let now = now_ms();
    let r = db
        .execute(
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
                .bind(now)
                .bind(now - policy.idle_ms),
        )
        .await?;
    Ok(r.rows_affected())
}

// ---------------------------------------------------------------------------------------------
// API tokens.

pub const TOKEN_PREFIX: &str = "bkn_";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Malformed,
    Unknown,
    Expired,
}

/// Creates an API token for the account and returns it once; only its hash is stored.
pub async fn create_token(
    tx: &mut Tx,
    auth: &Authorized<ApiTokens>,
    name: &str,
    expires_at: Option<i64>,
) -> Result<String, IdentityError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(IdentityError::Invalid(vec![field_error(
            "name",
            "error-required",
        )]));
    }
    auth.record(tx).await?;
    let token = format!("{TOKEN_PREFIX}{}", secrets::random_token());
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(&auth.resource().user_id)
    .bind(name)
    .bind(secrets::token_hash(&token))
    .bind(now_ms())
    .bind(expires_at)
    .execute(tx.conn()?)
    .await?;
    Ok(token)
}

/// Creates a token on the operator's command line: the operator has the database, so no
/// principal decides; the creation is audited as a system action.
pub async fn create_token_as_operator(
    db: &Db,
    user_id: &str,
    name: &str,
) -> Result<String, IdentityError> {
    let token = format!("{TOKEN_PREFIX}{}", secrets::random_token());
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(name)
    .bind(secrets::token_hash(&token))
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    let mut e = AuditEntry::system("cli", "create", "api-token");
    e.resource_id = Some(user_id.to_string());
    e.subject_id = Some(user_id.to_string());
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(token)
}

/// The account behind a bearer token, or why there is none.
pub async fn principal_for_token(
    db: &Db,
    token: &str,
) -> Result<Result<Principal, TokenProblem>, IdentityError> {
    let body = token.strip_prefix(TOKEN_PREFIX).unwrap_or("");
    if body.len() != 43
        || !body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Ok(Err(TokenProblem::Malformed));
    }
    let Some(row) = sqlx::query(&format!(
        "SELECT t.id AS token_id, t.expires_at, t.revoked_at, t.last_used_at, {} FROM api_tokens t \
         JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.organisation_id \
         WHERE t.token_hash = $1",
        principal_columns(db.backend())
    ))
    .bind(secrets::token_hash(token))
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(Err(TokenProblem::Unknown));
    };
    let now = now_ms();
    let expires: Option<i64> = row.try_get("expires_at")?;
    let revoked: Option<i64> = row.try_get("revoked_at")?;
    if revoked.is_some() {
        return Ok(Err(TokenProblem::Unknown));
    }
    if expires.is_some_and(|e| e <= now) {
        return Ok(Err(TokenProblem::Expired));
    }
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    if last_used.is_none_or(|t| now - t > 60_000) {
        let id: String = row.try_get("token_id")?;
        db.execute(
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id),
        )
        .await?;
    }
    match principal_from(&row)? {
        Some(p) => Ok(Ok(p)),
        None => Ok(Err(TokenProblem::Unknown)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        let p = LoginPolicy::default();
        assert_eq!(p.delay_ms(1), 500);
        assert_eq!(p.delay_ms(2), 1000);
        assert_eq!(p.delay_ms(3), 2000);
        assert_eq!(p.delay_ms(50), 8000);
    }

    #[test]
    fn email_and_slug_validation() {
        assert!(valid_email("a.b@vijfheerenlanden.nl"));
        assert!(!valid_email("a.b@localhost"));
        assert!(!valid_email("@x.nl"));
        assert!(!valid_email("a b@x.nl"));
        assert!(valid_slug("politie-lekpoort"));
        assert!(!valid_slug("Politie"));
        assert!(!valid_slug("-x"));
    }
}
