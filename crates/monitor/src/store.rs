//! The monitor's tables: regions, crime types, imports (versions) and counts.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::model::{self, Dataset, Period};
use crate::review::{Alarm, AlarmKey, Decision, NewDecision, NewSession};
use platform::access::{Principal, RequestContext};
use platform::audit::{self, AuditEntry, Outcome};
use platform::db::{new_id, now_ms, Db, DbError, Tx};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("reference data is damaged: {0}")]
    Reference(String),
    #[error("stored data is damaged: {0}")]
    Damaged(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(DbError::Sql(e))
    }
}

pub(crate) const REGIONS_CSV: &str =
    include_str!("../data/politie_47022NED_WijkenEnBuurten_GM1961_version2024.csv");
const CRIME_TYPES_CSV: &str = include_str!("../data/politie_47022NED_SoortMisdrijf_codelist.csv");
pub(crate) const WIJKEN_GEOJSON: &str =
    include_str!("../data/vijfheerenlanden_wijken_2023_cartomap.geojson");
pub(crate) const BUURTEN_GEOJSON: &str =
    include_str!("../data/vijfheerenlanden_buurten_2022_cartomap.geojson");

fn geometries(geojson: &str) -> Result<Vec<(String, String)>, StoreError> {
    let doc: serde_json::Value =
        serde_json::from_str(geojson).map_err(|e| StoreError::Reference(e.to_string()))?;
    Ok(doc["features"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter_map(|f| {
                    Some((
                        f["properties"]["statcode"].as_str()?.to_string(),
                        f["geometry"].to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Loads regions (with boundaries) and crime types on first start.
pub async fn load_reference(db: &Db) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM monitor_region")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    if n > 0 {
        return Ok(false);
    }
    let mut shapes: std::collections::HashMap<String, String> =
        geometries(WIJKEN_GEOJSON)?.into_iter().collect();
    shapes.extend(geometries(BUURTEN_GEOJSON)?);
    let mut tx = db.begin().await?;
    let mut reader = csv::Reader::from_reader(REGIONS_CSV.as_bytes());
    for record in reader.records() {
        let record = record.map_err(|e| StoreError::Reference(e.to_string()))?;
        let code = record.get(0).unwrap_or("").trim().to_string();
        let name = record.get(1).unwrap_or("").trim().to_string();
        let Some((level, parent)) = model::region_level(&code) else {
            return Err(StoreError::Reference(format!("region code {code}")));
        };
        sqlx::query("INSERT INTO monitor_region (code, level, name, parent_code, geometry) VALUES ($1, $2, $3, $4, $5)")
            .bind(&code)
            .bind(level.slug())
            .bind(&name)
            .bind(parent)
            .bind(shapes.get(&code))
            .execute(tx.conn()?)
            .await?;
    }
    sqlx::query(
        "INSERT INTO monitor_region (code, level, name) VALUES ('NL00', 'land', 'Nederland')",
    )
    .execute(tx.conn()?)
    .await?;
    let mut reader = csv::Reader::from_reader(CRIME_TYPES_CSV.as_bytes());
    for record in reader.records() {
        let record = record.map_err(|e| StoreError::Reference(e.to_string()))?;
        sqlx::query(
            "INSERT INTO monitor_crime_type (code, title, description) VALUES ($1, $2, $3)",
        )
        .bind(record.get(0).unwrap_or("").trim())
        .bind(record.get(1).unwrap_or("").trim())
        .bind(record.get(2).unwrap_or("").trim())
        .execute(tx.conn()?)
        .await?;
    }
    audit::append(
        &mut tx,
        &AuditEntry::system("cli", "load-reference-data", "monitor-region"),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Region {
    pub code: String,
    pub level: String,
    pub name: String,
    pub parent_code: Option<String>,
}

pub async fn regions(db: &Db) -> Result<Vec<Region>, StoreError> {
    let rows =
        sqlx::query("SELECT code, level, name, parent_code FROM monitor_region ORDER BY code")
            .fetch_all(db.pool())
            .await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(Region {
                code: r.try_get("code")?,
                level: r.try_get("level")?,
                name: r.try_get("name")?,
                parent_code: r.try_get("parent_code")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CrimeType {
    pub code: String,
    pub title: String,
}

pub async fn crime_types(db: &Db) -> Result<Vec<CrimeType>, StoreError> {
    let rows = sqlx::query("SELECT code, title FROM monitor_crime_type ORDER BY code")
        .fetch_all(db.pool())
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(CrimeType {
                code: r.try_get("code")?,
                title: r.try_get("title")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub enum ImportOutcome {
    /// A new version with this many cells.
    Imported {
        id: String,
        cells: usize,
        suppressed: usize,
    },
    /// This exact file was imported before; nothing changed.
    Unchanged { id: String },
}

/// Imports a whole file as one version in one transaction: all cells or none.
pub async fn import(
    db: &Db,
    dataset: &Dataset,
    file_name: &str,
    raw: &[u8],
    by: &str,
) -> Result<ImportOutcome, StoreError> {
    let sha = hex::encode(Sha256::digest(raw));
    if let Some(row) = sqlx::query("SELECT id FROM monitor_import WHERE sha256 = $1")
        .bind(&sha)
        .fetch_optional(db.pool())
        .await?
    {
        return Ok(ImportOutcome::Unchanged {
            id: row.try_get("id")?,
        });
    }
    let id = new_id();
    let suppressed = dataset.cells.iter().filter(|c| c.value.is_none()).count();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO monitor_import (id, table_id, file_name, sha256, cells, suppressed, imported_at, imported_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&dataset.table)
    .bind(file_name)
    .bind(&sha)
    .bind(dataset.cells.len() as i64)
    .bind(suppressed as i64)
    .bind(now_ms())
    .bind(by)
    .execute(tx.conn()?)
    .await?;
    // Multi-row inserts: one statement per 200 cells.
    for chunk in dataset.cells.chunks(200) {
        let mut sql = String::from(
            "INSERT INTO monitor_count (import_id, crime_type, region, period, value) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 5;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            ));
        }
        let mut q = sqlx::query(&sql);
        for c in chunk {
            q = q
                .bind(&id)
                .bind(&c.crime_type)
                .bind(&c.region)
                .bind(c.period.code())
                .bind(c.value);
        }
        q.execute(tx.conn()?).await?;
    }
    let mut e = AuditEntry::system("cli", "import", "monitor-import");
    e.actor_name = by.to_string();
    e.resource_id = Some(id.clone());
    e.reason = Some(format!("{} {} cellen", dataset.table, dataset.cells.len()));
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(ImportOutcome::Imported {
        id,
        cells: dataset.cells.len(),
        suppressed,
    })
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportVersion {
    pub id: String,
    pub table_id: String,
    pub file_name: String,
    pub cells: i64,
    pub suppressed: i64,
    pub imported_at: i64,
}

pub async fn imports(db: &Db) -> Result<Vec<ImportVersion>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, table_id, file_name, cells, suppressed, imported_at FROM monitor_import ORDER BY imported_at DESC",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(ImportVersion {
                id: r.try_get("id")?,
                table_id: r.try_get("table_id")?,
                file_name: r.try_get("file_name")?,
                cells: r.try_get("cells")?,
                suppressed: r.try_get("suppressed")?,
                imported_at: r.try_get("imported_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// One point of a series: `None` is a suppressed (unpublished) cell.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Point {
    pub period: String,
    pub value: Option<i64>,
}

/// The monthly series of a region and crime type: per period, the value of the newest import
/// that holds it, so a newer download with revised months becomes the default.
pub async fn series(db: &Db, region: &str, crime_type: &str) -> Result<Vec<Point>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.period, c.value, i.imported_at FROM monitor_count c JOIN monitor_import i ON i.id = c.import_id \
         WHERE c.region = $1 AND c.crime_type = $2 ORDER BY c.period, i.imported_at DESC",
    )
    .bind(region)
    .bind(crime_type)
    .fetch_all(db.pool())
    .await?;
    let mut points: Vec<Point> = Vec::new();
    for r in &rows {
        let period: String = r.try_get("period")?;
        if Period::parse(&period).is_none_or(|p| !p.is_month()) {
            continue;
        }
        if points.last().is_some_and(|p| p.period == period) {
            continue; // an older version of a period already taken
        }
        points.push(Point {
            period,
            value: r.try_get("value")?,
        });
    }
    Ok(points)
}

/// The figure of every region for one crime type and period (the newest version of each).
pub async fn period_values(
    db: &Db,
    crime_type: &str,
    period: &str,
) -> Result<std::collections::HashMap<String, Option<i64>>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.region, c.value FROM monitor_count c JOIN monitor_import i ON i.id = c.import_id \
         WHERE c.crime_type = $1 AND c.period = $2 ORDER BY c.region, i.imported_at DESC",
    )
    .bind(crime_type)
    .bind(period)
    .fetch_all(db.pool())
    .await?;
    let mut out = std::collections::HashMap::new();
    for r in &rows {
        let region: String = r.try_get("region")?;
        // Rows come newest version first: the first value of a region is the one to keep.
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(region) {
            e.insert(r.try_get("value")?);
        }
    }
    Ok(out)
}

/// The months that have figures for a crime type, newest first.
pub async fn periods(db: &Db, crime_type: &str) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT period FROM monitor_count WHERE crime_type = $1 ORDER BY period DESC",
    )
    .bind(crime_type)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get::<String, _>("period"))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|p| Period::parse(p).is_some_and(|p| p.is_month()))
        .collect())
}

/// Every monthly series that has figures: (region, crime type, points), the newest version of
/// each period as in [`series`], in one query.
pub async fn all_series(db: &Db) -> Result<Vec<(String, String, Vec<Point>)>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.region, c.crime_type, c.period, c.value, i.imported_at FROM monitor_count c JOIN monitor_import i ON i.id = c.import_id \
         ORDER BY c.region, c.crime_type, c.period, i.imported_at DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<(String, String, Vec<Point>)> = Vec::new();
    for r in &rows {
        let region: String = r.try_get("region")?;
        let crime: String = r.try_get("crime_type")?;
        let period: String = r.try_get("period")?;
        if Period::parse(&period).is_none_or(|p| !p.is_month()) {
            continue;
        }
        let value: Option<i64> = r.try_get("value")?;
        match out.last_mut() {
            Some((reg, cr, points)) if *reg == region && *cr == crime => {
                if points.last().is_some_and(|p| p.period == period) {
                    continue; // an older version of a period already taken
                }
                points.push(Point { period, value });
            }
            _ => out.push((region, crime, vec![Point { period, value }])),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The two-weekly review: sessions, the alarms each listed, and the decisions taken.

/// A review session.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewSession {
    pub id: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub title: String,
    pub created_at: i64,
    pub created_by_name: String,
}

/// A session in the list, with how many alarms it listed and how many have a decision.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewSummary {
    pub session: ReviewSession,
    pub alarms: i64,
    pub decided: i64,
}

/// A recorded decision.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedDecision {
    pub id: String,
    pub decision: Decision,
    pub note: String,
    pub link: Option<String>,
    pub decided_at: i64,
    pub decided_by_name: String,
}

/// An alarm as a session listed it, with its decisions (newest first).
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewAlarm {
    pub id: String,
    /// 1, 2, … within the session.
    pub seq: i64,
    pub alarm: Alarm,
    pub decisions: Vec<RecordedDecision>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    pub session: ReviewSession,
    pub alarms: Vec<ReviewAlarm>,
}

fn change_entry(
    p: &Principal,
    request: &RequestContext,
    resource_type: &str,
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
        action: "create".into(),
        resource_type: resource_type.into(),
        resource_id: Some(id.into()),
        subject_id: None,
        purpose: "uitvoering".into(),
        outcome: Outcome::Success,
        reason: Some(reason.chars().take(500).collect()),
    }
}

/// The alarms earlier sessions listed.
pub async fn listed_alarm_keys(db: &Db) -> Result<std::collections::HashSet<AlarmKey>, StoreError> {
    let rows = sqlx::query("SELECT region, crime_type, period FROM monitor_review_alarm")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("region")?,
                r.try_get("crime_type")?,
                r.try_get("period")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// Stores a session with the alarms it lists, and audits it, in one transaction.
pub async fn create_review(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    new: &NewSession,
    alarms: &[Alarm],
) -> Result<String, StoreError> {
    let id = new_id();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO monitor_review_session (id, held_on, title, created_at, created_by, created_by_name) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&new.held_on)
    .bind(&new.title)
    .bind(now_ms())
    .bind(&p.user_id)
    .bind(&p.name)
    .execute(tx.conn()?)
    .await?;
    for (i, a) in alarms.iter().enumerate() {
        insert_alarm(&mut tx, &id, i as i64 + 1, a).await?;
    }
    audit::append(
        &mut tx,
        &change_entry(
            p,
            request,
            "monitor-review-session",
            &id,
            format!("{} ({}): {} signalen", new.title, new.held_on, alarms.len()),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_alarm(
    tx: &mut Tx,
    session_id: &str,
    seq: i64,
    a: &Alarm,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO monitor_review_alarm (id, session_id, seq, region, region_name, region_level, crime_type, crime_title, \
         period, observed, expected, upperbound, previous_year, trend) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(new_id())
    .bind(session_id)
    .bind(seq)
    .bind(&a.region)
    .bind(&a.region_name)
    .bind(&a.region_level)
    .bind(&a.crime_type)
    .bind(&a.crime_title)
    .bind(&a.period)
    .bind(a.observed)
    .bind(a.expected)
    .bind(a.upperbound)
    .bind(a.previous_year)
    .bind(i64::from(a.trend))
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

fn session_from(r: &sqlx::any::AnyRow) -> Result<ReviewSession, sqlx::Error> {
    Ok(ReviewSession {
        id: r.try_get("id")?,
        held_on: r.try_get("held_on")?,
        title: r.try_get("title")?,
        created_at: r.try_get("created_at")?,
        created_by_name: r.try_get("created_by_name")?,
    })
}

/// All sessions, the latest first.
pub async fn reviews(db: &Db) -> Result<Vec<ReviewSummary>, StoreError> {
    let rows = sqlx::query(
        "SELECT s.id, s.held_on, s.title, s.created_at, s.created_by_name, \
         (SELECT COUNT(*) FROM monitor_review_alarm a WHERE a.session_id = s.id) AS alarms, \
         (SELECT COUNT(DISTINCT d.alarm_id) FROM monitor_review_decision d JOIN monitor_review_alarm a ON a.id = d.alarm_id \
          WHERE a.session_id = s.id) AS decided \
         FROM monitor_review_session s ORDER BY s.held_on DESC, s.created_at DESC",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(ReviewSummary {
                session: session_from(r)?,
                alarms: r.try_get("alarms")?,
                decided: r.try_get("decided")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// One session with its alarms and their decisions.
pub async fn review(db: &Db, id: &str) -> Result<Option<Review>, StoreError> {
    let Some(row) = sqlx::query(
        "SELECT id, held_on, title, created_at, created_by_name FROM monitor_review_session WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    let session = session_from(&row)?;
    let rows = sqlx::query(
        "SELECT id, seq, region, region_name, region_level, crime_type, crime_title, period, observed, expected, upperbound, \
         previous_year, trend FROM monitor_review_alarm WHERE session_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let mut alarms = Vec::with_capacity(rows.len());
    for r in &rows {
        let trend: i64 = r.try_get("trend")?;
        alarms.push(ReviewAlarm {
            id: r.try_get("id")?,
            seq: r.try_get("seq")?,
            alarm: Alarm {
                region: r.try_get("region")?,
                region_name: r.try_get("region_name")?,
                region_level: r.try_get("region_level")?,
                crime_type: r.try_get("crime_type")?,
                crime_title: r.try_get("crime_title")?,
                period: r.try_get("period")?,
                observed: r.try_get("observed")?,
                expected: r.try_get("expected")?,
                upperbound: r.try_get("upperbound")?,
                previous_year: r.try_get("previous_year")?,
                trend: trend != 0,
            },
            decisions: Vec::new(),
        });
    }
    let rows = sqlx::query(
        "SELECT d.id, d.alarm_id, d.decision, d.note, d.link, d.decided_at, d.decided_by_name FROM monitor_review_decision d \
         JOIN monitor_review_alarm a ON a.id = d.alarm_id WHERE a.session_id = $1 ORDER BY d.decided_at DESC, d.id DESC",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    for r in &rows {
        let alarm_id: String = r.try_get("alarm_id")?;
        let slug: String = r.try_get("decision")?;
        let decision = Decision::parse(&slug)
            .ok_or_else(|| StoreError::Damaged(format!("decision {slug:?}")))?;
        if let Some(a) = alarms.iter_mut().find(|a| a.id == alarm_id) {
            a.decisions.push(RecordedDecision {
                id: r.try_get("id")?,
                decision,
                note: r.try_get("note")?,
                link: r.try_get("link")?,
                decided_at: r.try_get("decided_at")?,
                decided_by_name: r.try_get("decided_by_name")?,
            });
        }
    }
    Ok(Some(Review { session, alarms }))
}

/// Records a decision about an alarm of a session, and audits it, in one transaction.
pub async fn record_decision(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    alarm: &ReviewAlarm,
    d: &NewDecision,
) -> Result<String, StoreError> {
    let id = new_id();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO monitor_review_decision (id, alarm_id, decision, note, link, decided_at, decided_by, decided_by_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&alarm.id)
    .bind(d.decision.slug())
    .bind(&d.note)
    .bind(&d.link)
    .bind(now_ms())
    .bind(&p.user_id)
    .bind(&p.name)
    .execute(tx.conn()?)
    .await?;
    let a = &alarm.alarm;
    audit::append(
        &mut tx,
        &change_entry(
            p,
            request,
            "monitor-review-decision",
            &id,
            format!(
                "{}: signaal {} {} {} (alarm {})",
                d.decision.slug(),
                a.region,
                a.crime_type,
                a.period,
                alarm.id
            ),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
