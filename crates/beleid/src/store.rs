//! The module's tables: the only code that touches them. Policy texts, plans and budgets are no
//! personal data; every change is recorded in the audit log in the transaction that makes it.

use platform::access::{act, Authorized, Principal, RequestContext};
use platform::audit::{self, AuditEntry, Outcome};
use platform::db::{new_id, now_ms, BindF64, Db, DbError, Tx};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use utoipa::ToSchema;

use crate::access::Beleid;
use crate::csv::Row as CsvRow;
use crate::model::{self, Status};

#[derive(Debug, thiserror::Error)]
pub enum BeleidError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("not found")]
    NotFound,
    #[error("this policy version cannot be changed")]
    ReadOnly,
    #[error("invalid: {0:?}")]
    Invalid(Vec<(&'static str, &'static str)>),
    #[error("{0}")]
    Other(String),
}

impl platform::web::errors::Classify for BeleidError {
    fn classify(self) -> platform::web::errors::Failure {
        use platform::web::errors::Failure;
        match self {
            BeleidError::NotFound => Failure::NotFound,
            BeleidError::ReadOnly => Failure::Forbidden,
            BeleidError::Invalid(errors) => Failure::Invalid(
                errors
                    .into_iter()
                    .map(|(field, message)| platform::identity::field_error(field, message))
                    .collect(),
            ),
            other => Failure::Internal(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for BeleidError {
    fn from(e: sqlx::Error) -> Self {
        BeleidError::Db(DbError::Sql(e))
    }
}

pub type Result<T> = std::result::Result<T, BeleidError>;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Policy {
    pub id: String,
    pub title: String,
    pub period_start: i64,
    pub period_end: i64,
    pub source_url: String,
    /// The foreword, in the module's light text markup (blank line between blocks, "- " list items, "## " headings).
    pub foreword: String,
    /// Chapter 1 of the policy (introduction, legal basis, working method), same markup.
    pub context: String,
    /// False for the adopted reference text; true for a version started in Baken.
    pub editable: bool,
    pub copied_from: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Theme {
    pub id: String,
    pub policy_id: String,
    pub position: i64,
    pub number: String,
    pub title: String,
    pub intro: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Goal {
    pub id: String,
    pub theme_id: String,
    pub position: i64,
    pub text: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Action {
    pub id: String,
    pub theme_id: String,
    pub position: i64,
    /// "T2-A3": the third action of theme 2; stable within a version, used in CSV files.
    pub code: String,
    pub text: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Plan {
    pub status: Status,
    pub team: String,
    pub partners: String,
    /// "YYYY-MM" or empty.
    pub planned_from: String,
    pub planned_until: String,
    /// Why the action lapsed (status vervallen).
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Note {
    pub id: String,
    /// "YYYY-MM-DD".
    pub noted_on: String,
    pub text: String,
    pub author_name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Indicator {
    pub id: String,
    pub action_id: String,
    pub year: i64,
    pub name: String,
    pub unit: String,
    pub target: Option<f64>,
    /// Typed in, or counted from the source.
    pub actual: Option<f64>,
    /// The key of a countable source in Baken, when the actual value is counted.
    pub source: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Budget {
    /// Euro cents.
    pub begroot: i64,
    /// Euro cents granted from subsidies.
    pub toegekend: i64,
    pub subsidy_source: String,
    /// Euro cents.
    pub besteed: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ActionPlan {
    pub action: Action,
    pub plan: Option<Plan>,
    pub notes: Vec<Note>,
    pub indicators: Vec<Indicator>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ThemePlan {
    pub theme: Theme,
    pub goals: Vec<Goal>,
    pub actions: Vec<ActionPlan>,
    pub budget: Option<Budget>,
    /// The team's text for the council report.
    pub report_text: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct YearPlan {
    pub policy: Policy,
    pub year: i64,
    pub themes: Vec<ThemePlan>,
    pub totals: Budget,
}

fn policy_row(r: &AnyRow) -> Result<Policy> {
    Ok(Policy {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        period_start: r.try_get("period_start")?,
        period_end: r.try_get("period_end")?,
        source_url: r.try_get("source_url")?,
        foreword: r.try_get("foreword")?,
        context: r.try_get("context")?,
        editable: r.try_get::<i64, _>("editable")? != 0,
        copied_from: r.try_get("copied_from")?,
    })
}

fn theme_row(r: &AnyRow) -> Result<Theme> {
    Ok(Theme {
        id: r.try_get("id")?,
        policy_id: r.try_get("policy_id")?,
        position: r.try_get("position")?,
        number: r.try_get("number")?,
        title: r.try_get("title")?,
        intro: r.try_get("intro")?,
    })
}

const POLICY_COLS: &str =
    "id, title, period_start, period_end, source_url, foreword, context, editable, copied_from";
const THEME_COLS: &str = "id, policy_id, position, number, title, intro";

/// Loads the Vijfheerenlanden IVB 2023–2026 on first start only.
pub async fn seed(db: &Db) -> Result<bool> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM beleid_policy")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    if n > 0 {
        return Ok(false);
    }
    let parsed = model::parse_policy(model::SEED_TEXT).map_err(BeleidError::Other)?;
    let mut tx = db.begin().await?;
    let now = now_ms();
    let policy_id = new_id();
    sqlx::query(
        "INSERT INTO beleid_policy (id, title, period_start, period_end, source_url, foreword, context, editable, copied_from, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, NULL, $8, $8)",
    )
    .bind(&policy_id)
    .bind(&parsed.title)
    .bind(parsed.period_start)
    .bind(parsed.period_end)
    .bind(&parsed.source_url)
    .bind(&parsed.foreword)
    .bind(&parsed.context)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    for (i, t) in parsed.themes.iter().enumerate() {
        let theme_id = new_id();
        insert_theme(
            &mut tx,
            &theme_id,
            &policy_id,
            i as i64 + 1,
            &t.number,
            &t.title,
            &t.intro,
            None,
        )
        .await?;
        for (j, g) in t.goals.iter().enumerate() {
            insert_goal(&mut tx, &theme_id, j as i64 + 1, g).await?;
        }
        for (j, a) in t.actions.iter().enumerate() {
            insert_action(&mut tx, &theme_id, j as i64 + 1, a, None).await?;
        }
    }
    let mut entry = AuditEntry::system("cli", "load-reference-data", "beleid_policy");
    entry.resource_id = Some(policy_id);
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(true)
}

#[allow(clippy::too_many_arguments)]
async fn insert_theme(
    tx: &mut Tx,
    id: &str,
    policy_id: &str,
    position: i64,
    number: &str,
    title: &str,
    intro: &str,
    copied_from: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO beleid_theme (id, policy_id, position, number, title, intro, copied_from, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(id)
    .bind(policy_id)
    .bind(position)
    .bind(number)
    .bind(title)
    .bind(intro)
    .bind(copied_from)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

async fn insert_goal(tx: &mut Tx, theme_id: &str, position: i64, text: &str) -> Result<()> {
    sqlx::query("INSERT INTO beleid_goal (id, theme_id, position, text) VALUES ($1, $2, $3, $4)")
        .bind(new_id())
        .bind(theme_id)
        .bind(position)
        .bind(text)
        .execute(tx.conn()?)
        .await?;
    Ok(())
}

async fn insert_action(
    tx: &mut Tx,
    theme_id: &str,
    position: i64,
    text: &str,
    copied_from: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO beleid_action (id, theme_id, position, text, copied_from) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(theme_id)
    .bind(position)
    .bind(text)
    .bind(copied_from)
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

pub async fn policies(db: &Db) -> Result<Vec<Policy>> {
    let rows = sqlx::query(&format!(
        "SELECT {POLICY_COLS} FROM beleid_policy ORDER BY period_start"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(policy_row).collect()
}

pub async fn policy(db: &Db, id: &str) -> Result<Policy> {
    let row = sqlx::query(&format!(
        "SELECT {POLICY_COLS} FROM beleid_policy WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(BeleidError::NotFound)?;
    policy_row(&row)
}

/// The policy in force in `year`, or else the latest one that started before it, or else the first.
pub async fn policy_for_year(db: &Db, year: i64) -> Result<Policy> {
    let all = policies(db).await?;
    all.iter()
        .find(|p| p.period_start <= year && year <= p.period_end)
        .or_else(|| all.iter().rev().find(|p| p.period_start <= year))
        .or_else(|| all.first())
        .cloned()
        .ok_or(BeleidError::NotFound)
}

pub async fn themes(db: &Db, policy_id: &str) -> Result<Vec<Theme>> {
    let rows = sqlx::query(&format!(
        "SELECT {THEME_COLS} FROM beleid_theme WHERE policy_id = $1 ORDER BY position"
    ))
    .bind(policy_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(theme_row).collect()
}

pub async fn theme(db: &Db, id: &str) -> Result<Theme> {
    let row = sqlx::query(&format!(
        "SELECT {THEME_COLS} FROM beleid_theme WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(BeleidError::NotFound)?;
    theme_row(&row)
}

pub async fn goals(db: &Db, policy_id: &str) -> Result<Vec<Goal>> {
    let rows = sqlx::query(
        "SELECT g.id, g.theme_id, g.position, g.text FROM beleid_goal g JOIN beleid_theme t ON t.id = g.theme_id \
         WHERE t.policy_id = $1 ORDER BY t.position, g.position",
    )
    .bind(policy_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Goal {
                id: r.try_get("id")?,
                theme_id: r.try_get("theme_id")?,
                position: r.try_get("position")?,
                text: r.try_get("text")?,
            })
        })
        .collect()
}

pub async fn actions(db: &Db, policy_id: &str) -> Result<Vec<Action>> {
    let rows = sqlx::query(
        "SELECT a.id, a.theme_id, a.position, a.text, t.number FROM beleid_action a JOIN beleid_theme t ON t.id = a.theme_id \
         WHERE t.policy_id = $1 ORDER BY t.position, a.position",
    )
    .bind(policy_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let number: String = r.try_get("number")?;
            let position: i64 = r.try_get("position")?;
            Ok(Action {
                id: r.try_get("id")?,
                theme_id: r.try_get("theme_id")?,
                position,
                code: format!("T{number}-A{position}"),
                text: r.try_get("text")?,
            })
        })
        .collect()
}

/// The action with its policy id.
pub async fn action(db: &Db, id: &str) -> Result<(Action, Theme)> {
    let row = sqlx::query("SELECT theme_id FROM beleid_action WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(BeleidError::NotFound)?;
    let theme = theme(db, &row.try_get::<String, _>("theme_id")?).await?;
    let action = actions(db, &theme.policy_id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(BeleidError::NotFound)?;
    Ok((action, theme))
}

/// Everything of one policy in one year: themes, goals, actions with their plan, notes and
/// indicators (counted ones filled in from their source), budgets, totals and report texts.
pub async fn year_plan(db: &Db, policy_id: &str, year: i64) -> Result<YearPlan> {
    let policy = policy(db, policy_id).await?;
    let themes = themes(db, policy_id).await?;
    let goals = goals(db, policy_id).await?;
    let actions = actions(db, policy_id).await?;
    let plans = sqlx::query(
        "SELECT p.action_id, p.status, p.team, p.partners, p.planned_from, p.planned_until, p.reason \
         FROM beleid_plan p JOIN beleid_action a ON a.id = p.action_id JOIN beleid_theme t ON t.id = a.theme_id \
         WHERE t.policy_id = $1 AND p.year = $2",
    )
    .bind(policy_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let notes = sqlx::query(
        "SELECT n.id, n.action_id, n.noted_on, n.text, n.author_name FROM beleid_note n \
         JOIN beleid_action a ON a.id = n.action_id JOIN beleid_theme t ON t.id = a.theme_id \
         WHERE t.policy_id = $1 AND n.year = $2 ORDER BY n.noted_on, n.created_at",
    )
    .bind(policy_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let indicators = indicators(db, policy_id, year).await?;
    let budgets = sqlx::query(
        "SELECT b.theme_id, b.begroot, b.toegekend, b.subsidy_source, b.besteed FROM beleid_budget b \
         JOIN beleid_theme t ON t.id = b.theme_id WHERE t.policy_id = $1 AND b.year = $2",
    )
    .bind(policy_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let texts = sqlx::query(
        "SELECT r.theme_id, r.text FROM beleid_report_text r JOIN beleid_theme t ON t.id = r.theme_id \
         WHERE t.policy_id = $1 AND r.year = $2",
    )
    .bind(policy_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;

    let mut totals = Budget::default();
    let mut out = Vec::new();
    for theme in themes {
        let mut aps = Vec::new();
        for a in actions.iter().filter(|a| a.theme_id == theme.id) {
            let mut plan = None;
            for r in plans.iter() {
                if r.try_get::<String, _>("action_id")? == a.id {
                    let status: String = r.try_get("status")?;
                    plan = Some(Plan {
                        status: Status::from_slug(&status).unwrap_or(Status::Gepland),
                        team: r.try_get("team")?,
                        partners: r.try_get("partners")?,
                        planned_from: r.try_get("planned_from")?,
                        planned_until: r.try_get("planned_until")?,
                        reason: r.try_get("reason")?,
                    });
                }
            }
            let mut ns = Vec::new();
            for r in notes.iter() {
                if r.try_get::<String, _>("action_id")? == a.id {
                    ns.push(Note {
                        id: r.try_get("id")?,
                        noted_on: r.try_get("noted_on")?,
                        text: r.try_get("text")?,
                        author_name: r.try_get("author_name")?,
                    });
                }
            }
            aps.push(ActionPlan {
                action: a.clone(),
                plan,
                notes: ns,
                indicators: indicators
                    .iter()
                    .filter(|i| i.action_id == a.id)
                    .cloned()
                    .collect(),
            });
        }
        let mut budget = None;
        for r in budgets.iter() {
            if r.try_get::<String, _>("theme_id")? == theme.id {
                let b = Budget {
                    begroot: r.try_get("begroot")?,
                    toegekend: r.try_get("toegekend")?,
                    subsidy_source: r.try_get("subsidy_source")?,
                    besteed: r.try_get("besteed")?,
                };
                totals.begroot += b.begroot;
                totals.toegekend += b.toegekend;
                totals.besteed += b.besteed;
                budget = Some(b);
            }
        }
        let mut report_text = String::new();
        for r in texts.iter() {
            if r.try_get::<String, _>("theme_id")? == theme.id {
                report_text = r.try_get("text")?;
            }
        }
        out.push(ThemePlan {
            goals: goals
                .iter()
                .filter(|g| g.theme_id == theme.id)
                .cloned()
                .collect(),
            theme,
            actions: aps,
            budget,
            report_text,
        });
    }
    Ok(YearPlan {
        policy,
        year,
        themes: out,
        totals,
    })
}

/// The indicators of a policy's actions in a year; counted ones carry the count of their source.
pub async fn indicators(db: &Db, policy_id: &str, year: i64) -> Result<Vec<Indicator>> {
    let rows = sqlx::query(
        "SELECT i.id, i.action_id, i.year, i.name, i.unit, i.target, i.actual, i.source FROM beleid_indicator i \
         JOIN beleid_action a ON a.id = i.action_id JOIN beleid_theme t ON t.id = a.theme_id \
         WHERE t.policy_id = $1 AND i.year = $2 ORDER BY t.position, a.position, i.position",
    )
    .bind(policy_id)
    .bind(year)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in rows.iter() {
        let source: Option<String> = r.try_get("source")?;
        let mut actual: Option<f64> = r.try_get("actual")?;
        if let Some(key) = &source {
            actual = crate::sources::count(db, key, crate::sources::Period::year(year))
                .await
                .map(|n| n as f64);
        }
        out.push(Indicator {
            id: r.try_get("id")?,
            action_id: r.try_get("action_id")?,
            year: r.try_get("year")?,
            name: r.try_get("name")?,
            unit: r.try_get("unit")?,
            target: r.try_get("target")?,
            actual,
            source,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Changes: each one takes the access decision and leaves an audit record in its transaction.

fn change_entry(
    p: &Principal,
    request: &RequestContext,
    action: &str,
    kind: &str,
    id: &str,
    reason: String,
) -> AuditEntry {
    AuditEntry {
        actor_user_id: Some(p.user_id.clone()),
        actor_name: p.name.clone(),
        actor_org_id: Some(p.organisation_id.clone()),
        actor_org_name: Some(p.organisation_name.clone()),
        actor_roles: p.roles_text(),
        on_behalf_of: None,
        origin: request.origin.to_string(),
        request_id: request.request_id.clone(),
        action: action.into(),
        resource_type: kind.into(),
        resource_id: Some(id.into()),
        subject_id: None,
        purpose: "uitvoering".into(),
        outcome: Outcome::Success,
        reason: Some(reason.chars().take(500).collect()),
    }
}

/// A capability to change one part of the policy: the store writes the row it names, no other.
pub type Editor = Authorized<Beleid, act::Update>;

/// The row an edit capability names.
fn target(auth: &Editor) -> Result<&str> {
    auth.resource().id.as_deref().ok_or(BeleidError::NotFound)
}

async fn record(
    tx: &mut Tx,
    auth: &Editor,
    request: &RequestContext,
    action: &str,
    kind: &str,
    id: &str,
    reason: String,
) -> Result<()> {
    audit::append(
        tx,
        &change_entry(auth.principal(), request, action, kind, id, reason),
    )
    .await?;
    Ok(())
}

async fn upsert_plan_tx(tx: &mut Tx, action_id: &str, year: i64, p: &Plan) -> Result<()> {
    sqlx::query(
        "INSERT INTO beleid_plan (id, action_id, year, status, team, partners, planned_from, planned_until, reason, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (action_id, year) DO UPDATE SET status = excluded.status, team = excluded.team, partners = excluded.partners, \
         planned_from = excluded.planned_from, planned_until = excluded.planned_until, reason = excluded.reason, updated_at = excluded.updated_at",
    )
    .bind(new_id())
    .bind(action_id)
    .bind(year)
    .bind(p.status.slug())
    .bind(p.team.trim())
    .bind(p.partners.trim())
    .bind(p.planned_from.trim())
    .bind(p.planned_until.trim())
    .bind(if p.status == Status::Vervallen { p.reason.trim() } else { "" })
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

/// Sets the plan of an action in a year (validated input).
pub async fn set_plan(
    db: &Db,
    auth: &Editor,
    request: &RequestContext,
    year: i64,
    input: &model::PlanInput,
) -> Result<()> {
    let action_id = target(auth)?;
    let problems = model::validate_plan(input, year);
    if !problems.is_empty() {
        return Err(BeleidError::Invalid(problems));
    }
    let plan = Plan {
        status: Status::from_slug(&input.status).unwrap_or(Status::Gepland),
        team: input.team.clone(),
        partners: input.partners.clone(),
        planned_from: input.planned_from.clone(),
        planned_until: input.planned_until.clone(),
        reason: input.reason.clone(),
    };
    let mut tx = db.begin().await?;
    upsert_plan_tx(&mut tx, action_id, year, &plan).await?;
    record(
        &mut tx,
        auth,
        request,
        "update",
        "beleid_plan",
        action_id,
        format!("{year}: status {}", plan.status.slug()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_note(
    db: &Db,
    auth: &Editor,
    request: &RequestContext,
    year: i64,
    noted_on: &str,
    text: &str,
) -> Result<()> {
    let action_id = target(auth)?;
    let mut tx = db.begin().await?;
    let id = insert_note_tx(&mut tx, auth, action_id, year, noted_on, text.trim()).await?;
    record(
        &mut tx,
        auth,
        request,
        "create",
        "beleid_note",
        &id,
        format!("{year}: voortgang bij actie {action_id}"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_note_tx(
    tx: &mut Tx,
    auth: &Editor,
    action_id: &str,
    year: i64,
    noted_on: &str,
    text: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO beleid_note (id, action_id, year, noted_on, text, author_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(action_id)
    .bind(year)
    .bind(noted_on)
    .bind(text)
    .bind(&auth.principal().name)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    Ok(id)
}

pub struct NewIndicator {
    pub name: String,
    pub unit: String,
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub source: Option<String>,
}

async fn insert_indicator(
    tx: &mut Tx,
    action_id: &str,
    year: i64,
    i: &NewIndicator,
) -> Result<String> {
    let id = new_id();
    let pos: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM beleid_indicator WHERE action_id = $1 AND year = $2",
    )
    .bind(action_id)
    .bind(year)
    .fetch_one(&mut *tx.conn()?)
    .await?
    .try_get("n")?;
    sqlx::query(
        "INSERT INTO beleid_indicator (id, action_id, year, position, name, unit, target, actual, source, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(action_id)
    .bind(year)
    .bind(pos + 1)
    .bind(i.name.trim())
    .bind(i.unit.trim())
    .bind_f64(i.target)
    .bind_f64(if i.source.is_some() { None } else { i.actual })
    .bind(i.source.as_deref())
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    Ok(id)
}

pub async fn add_indicator(
    db: &Db,
    auth: &Editor,
    request: &RequestContext,
    year: i64,
    i: &NewIndicator,
) -> Result<()> {
    let action_id = target(auth)?;
    let mut tx = db.begin().await?;
    let id = insert_indicator(&mut tx, action_id, year, i).await?;
    record(
        &mut tx,
        auth,
        request,
        "create",
        "beleid_indicator",
        &id,
        format!("{year}: {}", i.name),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_indicator(db: &Db, auth: &Editor, request: &RequestContext) -> Result<()> {
    let id = target(auth)?;
    let mut tx = db.begin().await?;
    let n = sqlx::query("DELETE FROM beleid_indicator WHERE id = $1")
        .bind(id)
        .execute(tx.conn()?)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(BeleidError::NotFound);
    }
    record(
        &mut tx,
        auth,
        request,
        "delete",
        "beleid_indicator",
        id,
        "indicator verwijderd".into(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn indicator_action(db: &Db, id: &str) -> Result<(String, i64)> {
    let r = sqlx::query("SELECT action_id, year FROM beleid_indicator WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(BeleidError::NotFound)?;
    Ok((r.try_get("action_id")?, r.try_get("year")?))
}

async fn upsert_budget_tx(tx: &mut Tx, theme_id: &str, year: i64, b: &Budget) -> Result<()> {
    sqlx::query(
        "INSERT INTO beleid_budget (id, theme_id, year, begroot, toegekend, subsidy_source, besteed, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (theme_id, year) DO UPDATE SET begroot = excluded.begroot, toegekend = excluded.toegekend, \
         subsidy_source = excluded.subsidy_source, besteed = excluded.besteed, updated_at = excluded.updated_at",
    )
    .bind(new_id())
    .bind(theme_id)
    .bind(year)
    .bind(b.begroot)
    .bind(b.toegekend)
    .bind(b.subsidy_source.trim())
    .bind(b.besteed)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

pub async fn set_budget(
    db: &Db,
    auth: &Editor,
    request: &RequestContext,
    year: i64,
    b: &Budget,
) -> Result<()> {
    let theme_id = target(auth)?;
    let mut tx = db.begin().await?;
    upsert_budget_tx(&mut tx, theme_id, year, b).await?;
    record(
        &mut tx,
        auth,
        request,
        "update",
        "beleid_budget",
        theme_id,
        format!(
            "{year}: begroot {}, toegekend {}, besteed {}",
            model::format_euros(b.begroot),
            model::format_euros(b.toegekend),
            model::format_euros(b.besteed)
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_report_text(
    db: &Db,
    auth: &Editor,
    request: &RequestContext,
    year: i64,
    text: &str,
) -> Result<()> {
    let theme_id = target(auth)?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO beleid_report_text (id, theme_id, year, text, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (theme_id, year) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
    )
    .bind(new_id())
    .bind(theme_id)
    .bind(year)
    .bind(text.trim())
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    record(
        &mut tx,
        auth,
        request,
        "update",
        "beleid_report_text",
        theme_id,
        format!("{year}: tekst raadsrapportage"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Applies a checked CSV import in one transaction: plans and budgets of the rows are set, and
/// the year's typed indicators of the policy are replaced by those in the file.
pub async fn import_plan(
    db: &Db,
    auth: &Editor,
    request: &RequestContext,
    year: i64,
    rows: &[CsvRow],
) -> Result<usize> {
    let policy_id = target(auth)?;
    let actions = actions(db, policy_id).await?;
    let themes = themes(db, policy_id).await?;
    let action_id = |code: &str| {
        actions
            .iter()
            .find(|a| a.code == code)
            .map(|a| a.id.clone())
            .ok_or(BeleidError::NotFound)
    };
    let mut tx = db.begin().await?;
    sqlx::query(
        "DELETE FROM beleid_indicator WHERE year = $1 AND source IS NULL AND action_id IN \
         (SELECT a.id FROM beleid_action a JOIN beleid_theme t ON t.id = a.theme_id WHERE t.policy_id = $2)",
    )
    .bind(year)
    .bind(policy_id)
    .execute(tx.conn()?)
    .await?;
    for row in rows {
        match row {
            CsvRow::Action {
                code,
                status,
                team,
                partners,
                planned_from,
                planned_until,
                reason,
            } => {
                let plan = Plan {
                    status: *status,
                    team: team.clone(),
                    partners: partners.clone(),
                    planned_from: planned_from.clone(),
                    planned_until: planned_until.clone(),
                    reason: reason.clone(),
                };
                upsert_plan_tx(&mut tx, &action_id(code)?, year, &plan).await?;
            }
            CsvRow::Indicator {
                code,
                name,
                unit,
                target,
                actual,
            } => {
                insert_indicator(
                    &mut tx,
                    &action_id(code)?,
                    year,
                    &NewIndicator {
                        name: name.clone(),
                        unit: unit.clone(),
                        target: *target,
                        actual: *actual,
                        source: None,
                    },
                )
                .await?;
            }
            CsvRow::Budget {
                code,
                begroot,
                toegekend,
                subsidy_source,
                besteed,
            } => {
                let theme = themes
                    .iter()
                    .find(|t| format!("T{}", t.number) == *code)
                    .ok_or(BeleidError::NotFound)?;
                upsert_budget_tx(
                    &mut tx,
                    &theme.id,
                    year,
                    &Budget {
                        begroot: *begroot,
                        toegekend: *toegekend,
                        subsidy_source: subsidy_source.clone(),
                        besteed: *besteed,
                    },
                )
                .await?;
            }
            CsvRow::Note {
                code,
                noted_on,
                text,
            } => {
                let action_id = action_id(code)?;
                let present: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM beleid_note WHERE action_id = $1 AND year = $2 AND noted_on = $3 AND text = $4",
                )
                .bind(&action_id)
                .bind(year)
                .bind(noted_on)
                .bind(text)
                .fetch_one(tx.conn()?)
                .await?
                .try_get("n")?;
                if present == 0 {
                    insert_note_tx(&mut tx, auth, &action_id, year, noted_on, text).await?;
                }
            }
        }
    }
    record(
        &mut tx,
        auth,
        request,
        "import",
        "beleid_plan",
        policy_id,
        format!("{year}: CSV-import, {} regels", rows.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// Starts the next policy as a copy of `from` (themes, goals, actions; no plans), editable.
pub async fn copy_policy(
    db: &Db,
    auth: &Editor,
    request: &RequestContext,
    start: i64,
    end: i64,
) -> Result<String> {
    let from = target(auth)?;
    let source = policy(db, from).await?;
    if policies(db).await?.iter().any(|p| p.period_start == start) {
        return Err(BeleidError::Invalid(vec![(
            "period_start",
            "beleid-error-period-taken",
        )]));
    }
    if end < start || start <= source.period_start {
        return Err(BeleidError::Invalid(vec![(
            "period_end",
            "beleid-error-period",
        )]));
    }
    let themes = themes(db, from).await?;
    let goals = goals(db, from).await?;
    let actions = actions(db, from).await?;
    let mut tx = db.begin().await?;
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO beleid_policy (id, title, period_start, period_end, source_url, foreword, context, editable, copied_from, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, '', $5, $6, 1, $7, $8, $8)",
    )
    .bind(&id)
    .bind(format!("Integraal Veiligheidsbeleid {start}-{end}"))
    .bind(start)
    .bind(end)
    .bind(&source.foreword)
    .bind(&source.context)
    .bind(from)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    for t in &themes {
        let tid = new_id();
        insert_theme(
            &mut tx,
            &tid,
            &id,
            t.position,
            &t.number,
            &t.title,
            &t.intro,
            Some(&t.id),
        )
        .await?;
        for g in goals.iter().filter(|g| g.theme_id == t.id) {
            insert_goal(&mut tx, &tid, g.position, &g.text).await?;
        }
        for a in actions.iter().filter(|a| a.theme_id == t.id) {
            insert_action(&mut tx, &tid, a.position, &a.text, Some(&a.id)).await?;
        }
    }
    record(
        &mut tx,
        auth,
        request,
        "create",
        "beleid_policy",
        &id,
        format!("nieuwe versie {start}-{end} als kopie van {}", source.title),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a theme of an editable version: title, text, and its goals and actions (one per line;
/// lines are matched to the existing items by position).
#[allow(clippy::too_many_arguments)]
pub async fn update_theme(
    db: &Db,
    auth: &Editor,
    request: &RequestContext,
    title: &str,
    intro: &str,
    goals_text: &[String],
    actions_text: &[String],
) -> Result<()> {
    let theme_id = target(auth)?;
    let theme = theme(db, theme_id).await?;
    if !policy(db, &theme.policy_id).await?.editable {
        return Err(BeleidError::ReadOnly);
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE beleid_theme SET title = $1, intro = $2, updated_at = $3 WHERE id = $4")
        .bind(title.trim())
        .bind(intro.trim())
        .bind(now_ms())
        .bind(theme_id)
        .execute(tx.conn()?)
        .await?;
    for (table, items) in [("beleid_goal", goals_text), ("beleid_action", actions_text)] {
        let n: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE theme_id = $1"
        ))
        .bind(theme_id)
        .fetch_one(&mut *tx.conn()?)
        .await?
        .try_get("n")?;
        for (i, text) in items.iter().enumerate() {
            let pos = i as i64 + 1;
            if pos <= n {
                sqlx::query(&format!(
                    "UPDATE {table} SET text = $1 WHERE theme_id = $2 AND position = $3"
                ))
                .bind(text)
                .bind(theme_id)
                .bind(pos)
                .execute(tx.conn()?)
                .await?;
            } else if table == "beleid_goal" {
                insert_goal(&mut tx, theme_id, pos, text).await?;
            } else {
                insert_action(&mut tx, theme_id, pos, text, None).await?;
            }
        }
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE theme_id = $1 AND position > $2"
        ))
        .bind(theme_id)
        .bind(items.len() as i64)
        .execute(tx.conn()?)
        .await?;
    }
    record(
        &mut tx,
        auth,
        request,
        "update",
        "beleid_theme",
        theme_id,
        format!(
            "{} {}: {} doelen, {} acties",
            theme.number,
            title.trim(),
            goals_text.len(),
            actions_text.len()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Demo content for the 2026 plan: statuses, progress notes, indicators with numbers, budgets
/// and report texts. Only when the 2026 plan is still empty. Every name is fictitious.
pub async fn seed_demo(db: &Db) -> Result<bool> {
    let policy = policy_for_year(db, 2026).await?;
    let year = 2026;
    let existing: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM beleid_plan p JOIN beleid_action a ON a.id = p.action_id \
         JOIN beleid_theme t ON t.id = a.theme_id WHERE t.policy_id = $1 AND p.year = $2",
    )
    .bind(&policy.id)
    .bind(year)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    if existing > 0 {
        return Ok(false);
    }
    let themes = themes(db, &policy.id).await?;
    let actions = actions(db, &policy.id).await?;
    let mut tx = db.begin().await?;
    let statuses = [
        Status::Gereed,
        Status::Lopend,
        Status::Lopend,
        Status::Gepland,
        Status::Gereed,
        Status::Vervallen,
    ];
    let partners = [
        "Politie basisteam Lekpoort",
        "RIEC Midden-Nederland",
        "Openbaar Ministerie",
        "GGD regio Utrecht",
        "Veilig Thuis",
        "Kleurrijk Wonen",
    ];
    for (i, a) in actions.iter().enumerate() {
        let status = statuses[i % statuses.len()];
        let from = 1 + (i % 6) as i64;
        let plan = Plan {
            status,
            team: if i % 4 == 3 {
                "Handhaving".into()
            } else {
                "Integrale Veiligheid".into()
            },
            partners: partners[i % partners.len()].into(),
            planned_from: format!("{year}-{from:02}"),
            planned_until: format!("{year}-{:02}", (from + 5).min(12)),
            reason: if status == Status::Vervallen {
                "Opgegaan in de regionale aanpak; geen aparte lokale inzet meer nodig.".into()
            } else {
                String::new()
            },
        };
        upsert_plan_tx(&mut tx, &a.id, year, &plan).await?;
        if status != Status::Gepland {
            sqlx::query(
                "INSERT INTO beleid_note (id, action_id, year, noted_on, text, author_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(&a.id)
            .bind(year)
            .bind(format!("{year}-{:02}-15", from + 1))
            .bind(match status {
                Status::Gereed => "Afgerond en besproken in de driehoek.",
                Status::Lopend => "Eerste bijeenkomst gehouden; vervolg is ingepland.",
                _ => "Besloten deze actie niet uit te voeren.",
            })
            .bind("Iris Veilig (demo)")
            .bind(now_ms())
            .execute(tx.conn()?)
            .await?;
        }
    }
    let demo_indicators: &[(&str, &str, &str, f64, f64)] = &[
        ("T2-A1", "Integrale controles", "aantal", 40.0, 31.0),
        ("T2-A2", "Bibob-toetsen uitgevoerd", "aantal", 25.0, 27.0),
        ("T2-A5", "Thema-avonden ondermijning", "aantal", 4.0, 3.0),
        (
            "T5-A1",
            "Voorlichtingsbijeenkomsten digitale veiligheid",
            "aantal",
            6.0,
            5.0,
        ),
        ("T7-A3", "Oefeningen GBT gehouden", "aantal", 2.0, 1.0),
        (
            "T8.3-A5",
            "Deelnemers buurtpreventie",
            "personen",
            400.0,
            436.0,
        ),
    ];
    for (code, name, unit, target, actual) in demo_indicators {
        if let Some(a) = actions.iter().find(|a| a.code == *code) {
            insert_indicator(
                &mut tx,
                &a.id,
                year,
                &NewIndicator {
                    name: (*name).into(),
                    unit: (*unit).into(),
                    target: Some(*target),
                    actual: Some(*actual),
                    source: None,
                },
            )
            .await?;
        }
    }
    for (i, t) in themes.iter().enumerate() {
        let begroot = [
            85_000, 60_000, 45_000, 15_000, 20_000, 35_000, 10_000, 12_000, 8_000,
        ][i % 9]
            * 100;
        let (toegekend, source) = match t.number.as_str() {
            "2" => (
                40_000 * 100,
                "Rijksbijdrage versterking aanpak ondermijning",
            ),
            "4" => (30_000 * 100, "Rijk: Preventie met gezag (Jonge Aanwas)"),
            _ => (0, ""),
        };
        upsert_budget_tx(
            &mut tx,
            &t.id,
            year,
            &Budget {
                begroot,
                toegekend,
                subsidy_source: source.into(),
                besteed: begroot * 7 / 10,
            },
        )
        .await?;
        sqlx::query(
            "INSERT INTO beleid_report_text (id, theme_id, year, text, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (theme_id, year) DO NOTHING",
        )
        .bind(new_id())
        .bind(&t.id)
        .bind(year)
        .bind(format!(
            "In {year} is binnen het thema {} gewerkt volgens het uitvoeringsplan. De meeste acties lopen of zijn afgerond; waar een actie verviel, staat de reden erbij. (Demotekst.)",
            t.title
        ))
        .bind(now_ms())
        .execute(tx.conn()?)
        .await?;
    }
    let mut entry = AuditEntry::system("cli", "load-demo-data", "beleid_plan");
    entry.resource_id = Some(policy.id.clone());
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(true)
}
