//! Organisations, teams, accounts, sessions and API tokens: the kernel's identity tables.

use sqlx::Row;

use crate::access::{
    ApiTokens, Authorized, Principal, PrincipalFacts, Role, Scope, UserAccount, UserDirectory,
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
    #[error(transparent)]
    Key(secrets::DataKeyError),
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
    team_ids_of_user_in(db.pool(), user_id).await
}

/// [`team_ids_of_user`] read through `executor`: a transaction's connection (`tx.conn()?`), so
/// a decision taken in that transaction rests on the memberships it sees, or the pool.
pub async fn team_ids_of_user_in<'c, E>(
    executor: E,
    user_id: &str,
) -> Result<Vec<String>, IdentityError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query("SELECT team_id FROM team_members WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(executor)
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

/// The active accounts of the capability holder's own organisation that hold one of `roles`,
/// by name: the people work of those roles can be assigned to. Only under a decision about
/// that work (the capability), and never another organisation's staff. `only` narrows it to one
/// account (to check a choice). Reads from the pool or from a transaction's connection.
pub async fn colleagues<'c, E, R, A>(
    executor: E,
    auth: &Authorized<R, A>,
    roles: &[Role],
    only: Option<&str>,
) -> Result<Vec<Colleague>, IdentityError>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
    R: crate::access::Resource,
    A: crate::access::ActionKind,
{
    let organisation_id = auth.principal().organisation_id.clone();
    let marks: Vec<String> = (0..roles.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT u.id, u.name FROM users u JOIN organisations o ON o.id = u.organisation_id \
         WHERE o.id = $1 AND u.disabled_at IS NULL AND ($2 = '' OR u.id = $2) \
         AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ({})) \
         ORDER BY u.name, u.id",
        if marks.is_empty() {
            "NULL".to_string()
        } else {
            marks.join(", ")
        }
    );
    let mut q = sqlx::query(&sql)
        .bind(organisation_id)
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
    /// None for an invited account: it gets a password nobody knows until the person sets
    /// their own through the invitation link ([`invite`]).
    pub password: Option<String>,
}

impl NewUser {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !valid_email(&normalize_email(&self.email)) {
            errors.push(field_error("email", "error-email"));
        }
        check_name(&mut errors, "name", &self.name);
        if let Some(problem) = self.password.as_deref().and_then(secrets::password_problem) {
            errors.push(field_error("password", problem));
        }
        if let Some(conflict) = crate::access::role_conflict(&self.roles) {
            errors.push(field_error("rol", &format!("error-{conflict}")));
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
    let unknown;
    let password = match &new.password {
        Some(p) => p.as_str(),
        None => {
            unknown = secrets::random_token();
            unknown.as_str()
        }
    };
    let hash = secrets::hash_password(password)?;
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

pub(crate) async fn grant_role(
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
         u.totp_secret, u.locked_until, u.totp_failures, u.disabled_at, u.lang, u.created_at \
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
    let totp_failures: i64 = row.try_get("totp_failures")?;
    let disabled: Option<i64> = row.try_get("disabled_at")?;
    let email: String = row.try_get("email")?;
    let now = now_ms();
    // Some client locked out of this address by its wrong passwords.
    let client_locked = sqlx::query(
        "SELECT 1 AS one FROM login_throttle WHERE account_key = $1 AND locked_until > $2 LIMIT 1",
    )
    .bind(throttle_key(&email))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?
    .is_some();
    Ok(UserDetail {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email,
        organisation_id: row.try_get("organisation_id")?,
        organisation_name: row.try_get("organisation_name")?,
        roles,
        teams,
        two_factor: totp.is_some(),
        // Locked for a while, or until a recovery code or an administrator opens it.
        locked: locked_until.is_some_and(|t| t > now)
            || client_locked
            || totp_failures >= LoginPolicy::default().recovery_after_failures,
        disabled: disabled.is_some(),
        lang: row.try_get("lang")?,
        created_at: row.try_get("created_at")?,
    })
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
        AccountChange::Disable => {
            "UPDATE users SET disabled_at = $2, updated_at = $2 WHERE id = $1"
        }
        AccountChange::Enable => {
            "UPDATE users SET disabled_at = NULL, updated_at = $2 WHERE id = $1"
        }
        AccountChange::Unlock => {
            "UPDATE users SET locked_until = NULL, failed_logins = 0, totp_failures = 0, \
             updated_at = $2 WHERE id = $1"
        }
        AccountChange::ResetTwoFactor => {
            "UPDATE users SET totp_secret = NULL, totp_last_step = NULL, totp_failures = 0, \
             updated_at = $2 WHERE id = $1"
        }
    };
    sqlx::query(sql)
        .bind(&id)
        .bind(now)
        .execute(tx.conn()?)
        .await?;
    if change == AccountChange::Unlock {
        clear_client_locks(tx, &id).await?;
    }
    if matches!(
        change,
        AccountChange::Disable | AccountChange::ResetTwoFactor
    ) {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
        // Tokens stop for good: enabling the account again does not bring them back.
        revoke_all_tokens(tx, &id).await?;
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
    // Defence in depth: a municipality's privileged role written for another organisation's
    // account (by hand, or before the rule existed) gives that account nothing.
    let kind: String = row.try_get("org_kind")?;
    roles.retain(|r| !r.municipal_only() || kind == crate::access::KIND_GEMEENTE);
    roles.sort_by_key(|r| r.slug());
    Ok(Some(Principal::person(PrincipalFacts {
        user_id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        organisation_id: row.try_get("org_id")?,
        organisation_slug: row.try_get("org_slug")?,
        organisation_name: row.try_get("org_name")?,
        organisation_kind: kind,
        roles,
        lang: row.try_get("lang")?,
    })))
}

// ---------------------------------------------------------------------------------------------
// Login with throttling and lockout.

/// Growing delays and a temporary lock after repeated failures (BIO2 asks to limit guessing).
/// Password failures and second-factor failures are counted apart: a correct password never
/// resets the count of wrong codes, so knowing the password buys no fresh guesses at the code.
#[derive(Clone, Debug)]
pub struct LoginPolicy {
    /// Every this many consecutive failures of one kind lock the account for `lock_minutes`.
    pub lock_after_failures: i64,
    pub lock_minutes: i64,
    pub base_delay_ms: u64,
    pub max_delay_ms: u64,
    /// After this many wrong second-factor codes in a row a TOTP code no longer opens the
    /// account: only a recovery code (which resets the count) or an administrator's reset.
    pub recovery_after_failures: i64,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            lock_after_failures: 5,
            lock_minutes: 15,
            base_delay_ms: 500,
            max_delay_ms: 8000,
            recovery_after_failures: 10,
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

    fn lock_ms(&self) -> i64 {
        self.lock_minutes * 60_000
    }

    fn lock_every(&self) -> i64 {
        self.lock_after_failures.max(1)
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

/// The answer to a second-factor code (at login, or when a change asks for it again).
#[derive(Debug, PartialEq, Eq)]
pub enum SecondFactor {
    Accepted,
    /// Wrong code; the caller waits `delay_ms` before answering.
    Rejected {
        delay_ms: u64,
    },
    /// Too many failures: locked until the given time (its sessions have ended).
    Locked {
        until_ms: i64,
    },
    /// Too many wrong codes: only a recovery code opens the account now.
    RecoveryNeeded,
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

/// A SQL condition: the account `user_col` holds a role that sees personal data, and so must
/// use a second factor. The role slugs are constants of the code, never input.
fn needs_two_factor_sql(user_col: &str) -> String {
    let slugs: Vec<String> = Role::ALL
        .iter()
        .filter(|r| r.sees_personal_data())
        .map(|r| format!("'{}'", r.slug()))
        .collect();
    format!(
        "EXISTS (SELECT 1 FROM user_roles r2fa WHERE r2fa.user_id = {user_col} AND r2fa.role IN ({}))",
        slugs.join(", ")
    )
}

/// The hash of an address for the throttle table: every client's row of one address carries it.
fn throttle_key(email: &str) -> String {
    secrets::token_hash(&format!("login-throttle\0{email}"))
}

/// The throttle row of one client at one address, known or not. `client` is the keyed hash of
/// the client's address (see [`crate::web::client::client_key`]), never the address itself.
fn client_throttle_key(email: &str, client: &[u8; 16]) -> String {
    secrets::token_hash(&format!("login-throttle\0{email}\0{}", hex::encode(client)))
}

/// Checks an address and password. Wrong passwords are counted per client and address: every
/// `lock_after_failures` of them lock that client out of that address for `lock_minutes`, while
/// the owner, from another client, still logs in; a guesser spreading over many addresses is
/// slowed by the per-client delays of the web layer. Wrong second-factor codes (which need the
/// password first) lock the account as a whole. An unknown address answers exactly like a known
/// one: the same hashing time, delays and lock.
pub async fn login(
    db: &Db,
    policy: &LoginPolicy,
    email: &str,
    password: &str,
    client: &[u8; 16],
) -> Result<LoginOutcome, IdentityError> {
    let email = normalize_email(email);
    let now = now_ms();
    let key = client_throttle_key(&email, client);
    let client_lock: Option<i64> =
        sqlx::query("SELECT locked_until FROM login_throttle WHERE key_hash = $1")
            .bind(&key)
            .fetch_optional(db.pool())
            .await?
            .map(|r| r.try_get::<Option<i64>, _>("locked_until"))
            .transpose()?
            .flatten();
    let row = sqlx::query(&format!(
        "SELECT u.id, u.password_hash, u.totp_secret, u.locked_until, u.disabled_at, \
         {} AS needs_2fa_flag FROM users u WHERE u.email = $1",
        needs_two_factor_sql("u.id")
    ))
    .bind(&email)
    .fetch_optional(db.pool())
    .await?;
    let user_id: Option<String> = row.as_ref().map(|r| r.try_get("id")).transpose()?;
    let account_lock: Option<i64> = match &row {
        Some(r) => r.try_get("locked_until")?,
        None => None,
    };
    let lock = [client_lock, account_lock]
        .into_iter()
        .flatten()
        .filter(|t| *t > now)
        .max();
    if let Some(until) = lock {
        let reason = if user_id.is_some() {
            "locked"
        } else {
            "unknown-account"
        };
        audit::append_now(
            db,
            &login_audit(
                &email,
                user_id.as_deref(),
                "login",
                Outcome::Failure,
                Some(reason),
            ),
        )
        .await?;
        return Ok(LoginOutcome::Locked { until_ms: until });
    }
    let (Some(row), Some(user_id)) = (row, user_id) else {
        secrets::dummy_verify(password);
        return password_failure(db, policy, &email, &key, None, "unknown-account").await;
    };
    let hash: String = row.try_get("password_hash")?;
    let totp: Option<String> = row.try_get("totp_secret")?;
    let disabled: Option<i64> = row.try_get("disabled_at")?;
    let password_ok = secrets::verify_password(password, &hash);
    if !password_ok || disabled.is_some() {
        let reason = if disabled.is_some() {
            "disabled"
        } else {
            "wrong-password"
        };
        return password_failure(db, policy, &email, &key, Some(&user_id), reason).await;
    }
    // Only the password counts of this client: second-factor failures and any lock stay.
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET failed_logins = 0 WHERE id = $1")
        .bind(&user_id)
        .execute(tx.conn()?)
        .await?;
    sqlx::query("DELETE FROM login_throttle WHERE key_hash = $1")
        .bind(&key)
        .execute(tx.conn()?)
        .await?;
    let needs_2fa = flag(&row, "needs_2fa_flag")?;
    let stage = match (totp.is_some(), needs_2fa) {
        (true, _) => SessionStage::Totp,
        (false, true) => SessionStage::Enrol,
        (false, false) => SessionStage::Complete,
    };
    audit::append(
        &mut tx,
        &login_audit(
            &email,
            Some(&user_id),
            "login-password",
            Outcome::Success,
            Some(stage.slug()),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(LoginOutcome::Accepted { user_id, stage })
}

/// Counts a wrong password (or an unknown address) of one client at one address in one
/// statement, so concurrent attempts are all counted and none clears a lock another set; every
/// `lock_after_failures` failures lock that client at that address. A known account's own count
/// of failed logins grows too (shown to administrators), but never locks it.
async fn password_failure(
    db: &Db,
    policy: &LoginPolicy,
    email: &str,
    key: &str,
    user_id: Option<&str>,
    reason: &str,
) -> Result<LoginOutcome, IdentityError> {
    let now = now_ms();
    let first_lock = (1 % policy.lock_every() == 0).then_some(now + policy.lock_ms());
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "INSERT INTO login_throttle (key_hash, account_key, failures, last_failed_at, locked_until) \
         VALUES ($1, $6, 1, $2, $5) ON CONFLICT (key_hash) DO UPDATE SET \
         failures = login_throttle.failures + 1, last_failed_at = $2, \
         locked_until = CASE WHEN (login_throttle.failures + 1) % $3 = 0 THEN $4 \
         ELSE login_throttle.locked_until END \
         RETURNING failures, locked_until",
    )
    .bind(key)
    .bind(now)
    .bind(policy.lock_every())
    .bind(now + policy.lock_ms())
    .bind(first_lock)
    .bind(throttle_key(email))
    .fetch_one(tx.conn()?)
    .await?;
    let failures: i64 = row.try_get("failures")?;
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    if let Some(id) = user_id {
        sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1, last_failed_at = $2 WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(tx.conn()?)
        .await?;
    }
    audit::append(
        &mut tx,
        &login_audit(email, user_id, "login", Outcome::Failure, Some(reason)),
    )
    .await?;
    if user_id.is_some() && failures % policy.lock_every() == 0 {
        audit::append(
            &mut tx,
            &login_audit(
                email,
                user_id,
                "lock-client",
                Outcome::Success,
                Some(reason),
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(match locked_until.filter(|t| *t > now) {
        Some(until_ms) => LoginOutcome::Locked { until_ms },
        None => LoginOutcome::Rejected {
            delay_ms: policy.delay_ms(failures),
        },
    })
}

/// Lifts every client's password lock of an account (an administrator's unlock, a new
/// password).
async fn clear_client_locks(tx: &mut Tx, user_id: &str) -> Result<(), IdentityError> {
    let email: Option<String> = sqlx::query("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(tx.conn()?)
        .await?
        .map(|r| r.try_get("email"))
        .transpose()?;
    if let Some(email) = email {
        sqlx::query("DELETE FROM login_throttle WHERE account_key = $1")
            .bind(throttle_key(&email))
            .execute(tx.conn()?)
            .await?;
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Factor {
    Password,
    Second,
}

/// Counts a failed attempt and locks the account every `lock_after_failures` failures of that
/// kind. Count and lock change in one statement: concurrent failures are all counted, and a
/// failure never clears a lock another one set. Returns the outcome and the new count.
async fn register_failure(
    db: &Db,
    policy: &LoginPolicy,
    factor: Factor,
    user_id: &str,
    email: &str,
    action: &str,
    reason: &str,
) -> Result<(SecondFactor, i64), IdentityError> {
    let now = now_ms();
    let column = match factor {
        Factor::Password => "failed_logins",
        Factor::Second => "totp_failures",
    };
    let mut tx = db.begin().await?;
    let row = sqlx::query(&format!(
        "UPDATE users SET {column} = {column} + 1, last_failed_at = $2, \
         locked_until = CASE WHEN ({column} + 1) % $3 = 0 THEN $4 ELSE locked_until END \
         WHERE id = $1 RETURNING {column} AS failures, locked_until"
    ))
    .bind(user_id)
    .bind(now)
    .bind(policy.lock_every())
    .bind(now + policy.lock_ms())
    .fetch_one(tx.conn()?)
    .await?;
    let failures: i64 = row.try_get("failures")?;
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    audit::append(
        &mut tx,
        &login_audit(email, Some(user_id), action, Outcome::Failure, Some(reason)),
    )
    .await?;
    let locked_now = failures % policy.lock_every() == 0;
    if locked_now {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(tx.conn()?)
            .await?;
        audit::append(
            &mut tx,
            &login_audit(
                email,
                Some(user_id),
                "lock-account",
                Outcome::Success,
                Some(reason),
            ),
        )
        .await?;
    }
    if factor == Factor::Second && failures == policy.recovery_after_failures {
        audit::append(
            &mut tx,
            &login_audit(
                email,
                Some(user_id),
                "require-recovery-code",
                Outcome::Success,
                None,
            ),
        )
        .await?;
    }
    tx.commit().await?;
    let outcome = match locked_until.filter(|t| *t > now) {
        Some(until_ms) => SecondFactor::Locked { until_ms },
        None if factor == Factor::Second && failures >= policy.recovery_after_failures => {
            SecondFactor::RecoveryNeeded
        }
        None => SecondFactor::Rejected {
            delay_ms: policy.delay_ms(failures),
        },
    };
    Ok((outcome, failures))
}

/// Checks a TOTP code or a recovery code, for the second login step and for changes that ask
/// for it again. A TOTP code is accepted once, never while the account is locked, and not after
/// too many wrong codes; each condition is part of the one update that accepts the code, so
/// concurrent requests cannot slip past a lock or use a code twice. A recovery code still works
/// after too many wrong codes, and resets their count.
pub async fn verify_second_factor(
    db: &Db,
    key: Option<&secrets::DataKey>,
    policy: &LoginPolicy,
    user_id: &str,
    code: &str,
    now_s: i64,
) -> Result<SecondFactor, IdentityError> {
    verify_second_factor_as(db, key, policy, user_id, code, now_s, "login-second-factor").await
}

async fn verify_second_factor_as(
    db: &Db,
    key: Option<&secrets::DataKey>,
    policy: &LoginPolicy,
    user_id: &str,
    code: &str,
    now_s: i64,
    action: &str,
) -> Result<SecondFactor, IdentityError> {
    let now = now_ms();
    let row = sqlx::query(
        "SELECT email, totp_secret, totp_last_step, totp_failures, locked_until FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(IdentityError::NotFound)?;
    let email: String = row.try_get("email")?;
    let stored: Option<String> = row.try_get("totp_secret")?;
    let last: Option<i64> = row.try_get("totp_last_step")?;
    let failures: i64 = row.try_get("totp_failures")?;
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    if let Some(until_ms) = locked_until.filter(|t| *t > now) {
        audit::append_now(
            db,
            &login_audit(
                &email,
                Some(user_id),
                action,
                Outcome::Failure,
                Some("locked"),
            ),
        )
        .await?;
        return Ok(SecondFactor::Locked { until_ms });
    }
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let totp_shaped = compact.len() == 6 && compact.chars().all(|c| c.is_ascii_digit());
    let mut ok = false;
    let mut how = "totp";
    if totp_shaped {
        if failures >= policy.recovery_after_failures {
            audit::append_now(
                db,
                &login_audit(
                    &email,
                    Some(user_id),
                    action,
                    Outcome::Failure,
                    Some("recovery-code-required"),
                ),
            )
            .await?;
            return Ok(SecondFactor::RecoveryNeeded);
        }
        let secret = match &stored {
            Some(s) => Some(secrets::open_secret(key, s).map_err(IdentityError::Key)?),
            None => None,
        };
        if let Some(step) = secret
            .as_deref()
            .and_then(|s| secrets::verify_totp(s, &compact, now_s, last))
        {
            let r = db
                .execute(
                    sqlx::query(
                        "UPDATE users SET totp_last_step = $1, totp_failures = 0 WHERE id = $2 \
                         AND (totp_last_step IS NULL OR totp_last_step < $1) \
                         AND totp_failures < $3 AND (locked_until IS NULL OR locked_until <= $4)",
                    )
                    .bind(step)
                    .bind(user_id)
                    .bind(policy.recovery_after_failures)
                    .bind(now),
                )
                .await?;
            ok = r.rows_affected() == 1;
            // A secret stored before secrets were sealed is sealed at its first use.
            if let (true, Some(k), Some(s), Some(plain)) = (ok, key, &stored, &secret) {
                if !s.starts_with(secrets::SEALED_PREFIX) {
                    db.execute(
                        sqlx::query(
                            "UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3",
                        )
                        .bind(k.seal_secret(plain))
                        .bind(user_id)
                        .bind(s),
                    )
                    .await?;
                }
            }
        }
    } else if compact.len() > 6 {
        how = "recovery-code";
        let normalized = secrets::normalize_recovery_code(code);
        let r = db
            .execute(
                sqlx::query(
                    "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 \
                     AND code_hash IN ($3, $4) AND used_at IS NULL AND EXISTS (SELECT 1 FROM \
                     users WHERE id = $2 AND (locked_until IS NULL OR locked_until <= $1))",
                )
                .bind(now)
                .bind(user_id)
                .bind(secrets::recovery_code_hash(key, &normalized))
                .bind(secrets::token_hash(&normalized)),
            )
            .await?;
        ok = r.rows_affected() == 1;
        if ok {
            db.execute(
                sqlx::query("UPDATE users SET totp_failures = 0 WHERE id = $1").bind(user_id),
            )
            .await?;
        }
    }
    if !ok {
        let (outcome, _) =
            register_failure(db, policy, Factor::Second, user_id, &email, action, how).await?;
        return Ok(outcome);
    }
    audit::append_now(
        db,
        &login_audit(&email, Some(user_id), action, Outcome::Success, Some(how)),
    )
    .await?;
    Ok(SecondFactor::Accepted)
}

/// What a change of one's own credentials asks again: the password and, for an account with a
/// second factor, a current code. Wrong answers count as failed logins (and lock the same way).
#[derive(Clone, Debug, Default)]
pub struct Reauthentication {
    pub password: String,
    pub code: String,
}

/// Checks a re-authentication; the errors name the fields `current_password` and `code`.
pub async fn reauthenticate(
    db: &Db,
    key: Option<&secrets::DataKey>,
    policy: &LoginPolicy,
    user_id: &str,
    input: &Reauthentication,
) -> Result<Vec<FieldError>, IdentityError> {
    let row = sqlx::query(
        "SELECT email, password_hash, totp_secret, locked_until FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(IdentityError::NotFound)?;
    let email: String = row.try_get("email")?;
    let hash: String = row.try_get("password_hash")?;
    let totp: Option<String> = row.try_get("totp_secret")?;
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    if locked_until.is_some_and(|t| t > now_ms()) {
        return Ok(vec![field_error("current_password", "error-locked")]);
    }
    if input.password.is_empty() {
        return Ok(vec![field_error("current_password", "error-required")]);
    }
    if !secrets::verify_password(&input.password, &hash) {
        let (outcome, _) = register_failure(
            db,
            policy,
            Factor::Password,
            user_id,
            &email,
            "reauthenticate",
            "wrong-password",
        )
        .await?;
        return Ok(vec![failure_error("current_password", outcome).await]);
    }
    if totp.is_none() {
        return Ok(Vec::new());
    }
    if input.code.trim().is_empty() {
        return Ok(vec![field_error("code", "error-required")]);
    }
    let now_s = jiff::Timestamp::now().as_second();
    match verify_second_factor_as(
        db,
        key,
        policy,
        user_id,
        &input.code,
        now_s,
        "reauthenticate",
    )
    .await?
    {
        SecondFactor::Accepted => Ok(Vec::new()),
        other => Ok(vec![failure_error("code", other).await]),
    }
}

/// The field error for a failed check, given after the failure's delay.
async fn failure_error(field: &str, outcome: SecondFactor) -> FieldError {
    match outcome {
        SecondFactor::Locked { .. } => field_error(field, "error-locked"),
        SecondFactor::RecoveryNeeded => field_error(field, "error-recovery-needed"),
        SecondFactor::Rejected { delay_ms } => {
            tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
            if field == "code" {
                field_error(field, "error-code")
            } else {
                field_error(field, "error-password-wrong")
            }
        }
        SecondFactor::Accepted => field_error(field, "error-code"),
    }
}

/// Stores a verified TOTP secret, sealed with the data key, and new recovery codes (returned
/// once, stored as keyed hashes). A new secret starts a fresh count of wrong codes.
pub async fn enrol_totp(
    db: &Db,
    key: Option<&secrets::DataKey>,
    user_id: &str,
    secret: &str,
    code: &str,
    now_s: i64,
) -> Result<Option<Vec<String>>, IdentityError> {
    let key = key.ok_or(IdentityError::Key(secrets::DataKeyError::Missing))?;
    let Some(step) = secrets::verify_totp(secret, code, now_s, None) else {
        return Ok(None);
    };
    let codes = secrets::new_recovery_codes();
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_last_step = $2, totp_failures = 0, updated_at = $3 \
         WHERE id = $4",
    )
    .bind(key.seal_secret(secret))
    .bind(step)
    .bind(now_ms())
    .bind(user_id)
    .execute(tx.conn()?)
    .await?;
    store_recovery_codes(&mut tx, Some(key), user_id, &codes).await?;
    let mut e = login_audit("", Some(user_id), "enrol-2fa", Outcome::Success, None);
    e.resource_type = "two-factor".into();
    e.actor_name = user_name(&mut tx, user_id).await?;
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(Some(codes))
}

/// Seals the TOTP secrets stored in clear before secrets were encrypted; run at start.
/// Returns how many were sealed.
pub async fn seal_stored_secrets(db: &Db, key: &secrets::DataKey) -> Result<u64, IdentityError> {
    let rows = sqlx::query(
        "SELECT id, totp_secret FROM users WHERE totp_secret IS NOT NULL AND totp_secret NOT LIKE 'v1:%'",
    )
    .fetch_all(db.pool())
    .await?;
    let mut sealed = 0;
    for row in rows {
        let id: String = row.try_get("id")?;
        let plain: String = row.try_get("totp_secret")?;
        let r = db
            .execute(
                sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3")
                    .bind(key.seal_secret(&plain))
                    .bind(&id)
                    .bind(&plain),
            )
            .await?;
        sealed += r.rows_affected();
    }
    Ok(sealed)
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
    key: Option<&secrets::DataKey>,
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
            .bind(secrets::recovery_code_hash(key, code))
            .execute(tx.conn()?)
            .await?;
    }
    Ok(())
}

/// Replaces the recovery codes of the principal's own account (the caller has asked for the
/// password and a code again).
pub async fn regenerate_recovery_codes(
    db: &Db,
    key: Option<&secrets::DataKey>,
    principal: &Principal,
) -> Result<Vec<String>, IdentityError> {
    let codes = secrets::new_recovery_codes();
    let mut tx = db.begin().await?;
    store_recovery_codes(&mut tx, key, &principal.user_id, &codes).await?;
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

/// Sets a known TOTP secret without a code: for the demo accounts and tests only. It is stored
/// as given and sealed by [`seal_stored_secrets`] at the server's start.
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
// Passwords: one's own change, and a forgotten password reset through a one-time mail link.

/// The errors of a new password and its repetition (fields `new_password`, `repeat_password`).
pub fn check_new_password(new: &str, repeat: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(problem) = secrets::password_problem(new) {
        errors.push(field_error("new_password", problem));
    } else if new != repeat {
        errors.push(field_error("repeat_password", "error-password-repeat"));
    }
    errors
}

async fn set_password_hash(tx: &mut Tx, user_id: &str, new: &str) -> Result<(), IdentityError> {
    let hash = secrets::hash_password(new)?;
    sqlx::query(
        "UPDATE users SET password_hash = $1, failed_logins = 0, updated_at = $2 WHERE id = $3",
    )
    .bind(hash)
    .bind(now_ms())
    .bind(user_id)
    .execute(tx.conn()?)
    .await?;
    clear_client_locks(tx, user_id).await
}

/// Changes the principal's own password (the caller has asked for the current password and a
/// code again). Every other session of the account ends.
pub async fn change_password(
    db: &Db,
    principal: &Principal,
    keep_session: Option<&str>,
    new: &str,
    repeat: &str,
) -> Result<(), IdentityError> {
    let errors = check_new_password(new, repeat);
    if !errors.is_empty() {
        return Err(IdentityError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    set_password_hash(&mut tx, &principal.user_id, new).await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(&principal.user_id)
        .bind(keep_session.map(secrets::token_hash).unwrap_or_default())
        .execute(tx.conn()?)
        .await?;
    let mut e = login_audit(
        &principal.name,
        Some(&principal.user_id),
        "change-password",
        Outcome::Success,
        None,
    );
    e.resource_type = "password".into();
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// How long a password reset link works.
pub const PASSWORD_RESET_MS: i64 = 30 * 60_000;

/// A reset link for an active account, as (token, address), to be mailed; None for an unknown
/// or disabled address (the caller answers the same either way), and None while a link sent in
/// the last two minutes is still unused, so the form cannot flood a mailbox.
pub async fn request_password_reset(
    db: &Db,
    email: &str,
) -> Result<Option<(String, String)>, IdentityError> {
    let email = normalize_email(email);
    let now = now_ms();
    let Some(row) =
        sqlx::query("SELECT id, email FROM users WHERE email = $1 AND disabled_at IS NULL")
            .bind(&email)
            .fetch_optional(db.pool())
            .await?
    else {
        audit::append_now(
            db,
            &login_audit(
                &email,
                None,
                "request-password-reset",
                Outcome::Failure,
                Some("unknown-account"),
            ),
        )
        .await?;
        return Ok(None);
    };
    let user_id: String = row.try_get("id")?;
    let address: String = row.try_get("email")?;
    let recent: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM password_resets WHERE user_id = $1 AND used_at IS NULL AND created_at > $2",
    )
    .bind(&user_id)
    .bind(now - 120_000)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    if recent > 0 {
        return Ok(None);
    }
    let token = secrets::random_token();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(secrets::token_hash(&token))
    .bind(&user_id)
    .bind(now)
    .bind(now + PASSWORD_RESET_MS)
    .execute(tx.conn()?)
    .await?;
    audit::append(
        &mut tx,
        &login_audit(
            &address,
            Some(&user_id),
            "request-password-reset",
            Outcome::Success,
            None,
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Some((token, address)))
}

/// How long an invitation link works.
pub const INVITATION_MS: i64 = 7 * 24 * 60 * 60_000;

/// An invitation for a new account: a one-time link to set the password, as the token to
/// mail (the link is a password reset link that works for [`INVITATION_MS`]). Audited.
pub async fn invite(
    tx: &mut Tx,
    auth: &Authorized<UserAccount, crate::access::act::Create>,
    user_id: &str,
) -> Result<String, IdentityError> {
    let token = secrets::random_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(secrets::token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + INVITATION_MS)
    .execute(tx.conn()?)
    .await?;
    auth.record_created(tx, "invitation", user_id, Some(user_id))
        .await?;
    Ok(token)
}

/// Whether a reset link is still good (unused and not expired), for showing its form.
pub async fn password_reset_valid(db: &Db, token: &str) -> Result<bool, IdentityError> {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(secrets::token_hash(token))
    .bind(now_ms())
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok(n > 0)
}

/// Sets a new password through a reset link. The link is used up in the same statement that
/// checks it, so it works once; every session of the account ends. Returns false for a used,
/// expired or unknown link. The second factor is still asked at the next login.
pub async fn reset_password(
    db: &Db,
    token: &str,
    new: &str,
    repeat: &str,
) -> Result<bool, IdentityError> {
    let errors = check_new_password(new, repeat);
    if !errors.is_empty() {
        return Err(IdentityError::Invalid(errors));
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    let Some(row) = sqlx::query(
        "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
         AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(secrets::token_hash(token))
    .fetch_optional(tx.conn()?)
    .await?
    else {
        return Ok(false);
    };
    let user_id: String = row.try_get("user_id")?;
    set_password_hash(&mut tx, &user_id, new).await?;
    // Other links of the account die with this one.
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(&user_id)
        .execute(tx.conn()?)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(&user_id)
        .execute(tx.conn()?)
        .await?;
    let email: String = sqlx::query("SELECT email FROM users WHERE id = $1")
        .bind(&user_id)
        .fetch_one(tx.conn()?)
        .await?
        .try_get("email")?;
    let mut e = login_audit(
        &email,
        Some(&user_id),
        "reset-password",
        Outcome::Success,
        None,
    );
    e.resource_type = "password".into();
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// Sessions, kept in the database so several processes share them.

#[derive(Clone, Debug)]
pub struct SessionPolicy {
    pub idle_ms: i64,
    pub absolute_ms: i64,
    /// How long a new API token works (days).
    pub token_days: i64,
}

/// The default life of an API token.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_ms: 30 * 60_000,
            absolute_ms: 12 * 3_600_000,
            token_days: DEFAULT_TOKEN_DAYS,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub user_id: String,
    pub stage: SessionStage,
}

/// Creates a session and returns the cookie value (only its hash is stored). `two_factor` says
/// whether the login passed a second factor.
pub async fn create_session(
    db: &Db,
    policy: &SessionPolicy,
    user_id: &str,
    stage: SessionStage,
    two_factor: bool,
) -> Result<String, IdentityError> {
    let token = secrets::random_token();
    let now = now_ms();
    db.execute(
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, stage, created_at, last_seen_at, expires_at, two_factor) \
         VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(secrets::token_hash(&token))
        .bind(user_id)
        .bind(stage.slug())
        .bind(now)
        .bind(now + policy.absolute_ms)
        .bind(i64::from(two_factor)),
    )
    .await?;
    Ok(token)
}

/// Looks a session up, ends it if idle too long, and refreshes its last-seen time. A complete
/// session that never passed a second factor, of an account that now holds a role that sees
/// personal data, is a login that must still give its code (or enrol one).
pub async fn load_session(
    db: &Db,
    policy: &SessionPolicy,
    token: &str,
) -> Result<Option<SessionInfo>, IdentityError> {
    let hash = secrets::token_hash(token);
    let now = now_ms();
    let Some(row) = sqlx::query(&format!(
        "SELECT s.user_id, s.stage, s.last_seen_at, s.expires_at, s.two_factor, \
         u.totp_secret IS NOT NULL AS has_totp_flag, {} AS needs_2fa_flag \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
        needs_two_factor_sql("s.user_id")
    ))
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
    let two_factor: i64 = row.try_get("two_factor")?;
    let stage = match SessionStage::from_slug(&stage) {
        Some(SessionStage::Complete) if two_factor == 0 && flag(&row, "needs_2fa_flag")? => {
            if flag(&row, "has_totp_flag")? {
                SessionStage::Totp
            } else {
                SessionStage::Enrol
            }
        }
        // An enrolment session whose account has a second factor meanwhile (enrolled in
        // another session) must give that code: the password alone never sets a new one.
        Some(SessionStage::Enrol) if flag(&row, "has_totp_flag")? => SessionStage::Totp,
        Some(s) => s,
        None => return Ok(None),
    };
    Ok(Some(SessionInfo {
        user_id: row.try_get("user_id")?,
        stage,
    }))
}

/// Marks a session as having passed a second factor (enrolment within a session).
pub async fn mark_session_two_factor(db: &Db, token: &str) -> Result<(), IdentityError> {
    db.execute(
        sqlx::query("UPDATE sessions SET two_factor = 1 WHERE id_hash = $1")
            .bind(secrets::token_hash(token)),
    )
    .await?;
    Ok(())
}

pub async fn delete_session(db: &Db, token: &str) -> Result<(), IdentityError> {
    db.execute(
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(secrets::token_hash(token)),
    )
    .await?;
    Ok(())
}

/// Removes expired sessions, old login throttles and old reset links; run by the job runner.
pub async fn purge_sessions(db: &Db, policy: &SessionPolicy) -> Result<u64, IdentityError> {
    let now = now_ms();
    let r = db
        .execute(
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
                .bind(now)
                .bind(now - policy.idle_ms),
        )
        .await?;
    db.execute(
        sqlx::query(
            "DELETE FROM login_throttle WHERE last_failed_at < $1 AND (locked_until IS NULL OR locked_until < $2)",
        )
        .bind(now - 86_400_000)
        .bind(now),
    )
    .await?;
    db.execute(
        sqlx::query("DELETE FROM password_resets WHERE expires_at < $1").bind(now - 86_400_000),
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

/// A token as its owner and administrators see it: never the token itself.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TokenSummary {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub active: bool,
}

/// Creates an API token for the account and returns it once; only its hash is stored. It
/// expires at `expires_at`, or after [`DEFAULT_TOKEN_DAYS`] when none is given. It counts as
/// having passed a second factor when the account has one (the web asks for a code first).
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
    insert_token(
        tx,
        &auth.resource().user_id,
        name,
        expires_at.unwrap_or_else(|| now_ms() + DEFAULT_TOKEN_DAYS * 86_400_000),
    )
    .await
}

async fn insert_token(
    tx: &mut Tx,
    user_id: &str,
    name: &str,
    expires_at: i64,
) -> Result<String, IdentityError> {
    let token = format!("{TOKEN_PREFIX}{}", secrets::random_token());
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at, two_factor) \
         SELECT $1, u.id, $3, $4, $5, $6, CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END \
         FROM users u WHERE u.id = $2",
    )
    .bind(new_id())
    .bind(user_id)
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
    days: i64,
) -> Result<String, IdentityError> {
    let mut tx = db.begin().await?;
    let token = insert_token(&mut tx, user_id, name, now_ms() + days * 86_400_000).await?;
    let mut e = AuditEntry::system("cli", "create", "api-token");
    e.resource_id = Some(user_id.to_string());
    e.subject_id = Some(user_id.to_string());
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(token)
}

/// The tokens of an account, newest first; the read is audited.
pub async fn list_tokens(
    tx: &mut Tx,
    auth: &Authorized<ApiTokens>,
) -> Result<Vec<TokenSummary>, IdentityError> {
    auth.record(tx).await?;
    let now = now_ms();
    sqlx::query(
        "SELECT id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(&auth.resource().user_id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        let expires_at: Option<i64> = r.try_get("expires_at")?;
        let revoked_at: Option<i64> = r.try_get("revoked_at")?;
        Ok(TokenSummary {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            created_at: r.try_get("created_at")?,
            last_used_at: r.try_get("last_used_at")?,
            active: revoked_at.is_none() && expires_at.is_none_or(|e| e > now),
            expires_at,
            revoked_at,
        })
    })
    .collect()
}

/// Revokes one token of the account; NotFound when it is not that account's (or already revoked).
pub async fn revoke_token(
    tx: &mut Tx,
    auth: &Authorized<ApiTokens>,
    token_id: &str,
) -> Result<(), IdentityError> {
    auth.record(tx).await?;
    let r = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now_ms())
    .bind(token_id)
    .bind(&auth.resource().user_id)
    .execute(tx.conn()?)
    .await?;
    if r.rows_affected() == 0 {
        return Err(IdentityError::NotFound);
    }
    Ok(())
}

/// Revokes every token of an account (its second factor was reset, or it was disabled).
async fn revoke_all_tokens(tx: &mut Tx, user_id: &str) -> Result<(), IdentityError> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now_ms())
        .bind(user_id)
        .execute(tx.conn()?)
        .await?;
    Ok(())
}

/// The account behind a bearer token, or why there is none. A token that never passed a second
/// factor, of an account that now holds a role that sees personal data, is revoked.
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
        "SELECT t.id AS token_id, t.expires_at, t.revoked_at, t.last_used_at, t.two_factor AS token_2fa, \
         {} FROM api_tokens t \
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
    let id: String = row.try_get("token_id")?;
    let Some(p) = principal_from(&row)? else {
        return Ok(Err(TokenProblem::Unknown));
    };
    let token_2fa: i64 = row.try_get("token_2fa")?;
    if token_2fa == 0 && p.roles.iter().any(|r| r.sees_personal_data()) {
        db.execute(
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&id),
        )
        .await?;
        let mut e = AuditEntry::system("api", "revoke", "api-token");
        e.resource_id = Some(id);
        e.subject_id = Some(p.user_id.clone());
        e.reason = Some("two-factor-required".into());
        audit::append_now(db, &e).await?;
        return Ok(Err(TokenProblem::Unknown));
    }
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    if last_used.is_none_or(|t| now - t > 60_000) {
        db.execute(
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id),
        )
        .await?;
    }
    Ok(Ok(p))
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
