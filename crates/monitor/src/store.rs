//! The monitor's tables: regions, crime types, imports (versions) and counts.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::model::{self, Dataset, Period, PeriodStatuses};
use crate::review::{Alarm, AlarmKey, Decision, NewSession};
use crate::survey::SurveyResult;
use platform::access::{Principal, RequestContext};
use platform::audit::{self, AuditEntry, Outcome};
use platform::db::BindF64;
use platform::db::{new_id, now_ms, Db, DbError, Tx};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("reference data is damaged: {0}")]
    Reference(String),
    #[error("stored data is damaged: {0}")]
    Damaged(String),
    #[error("the alarm computation failed: {0}")]
    Computation(String),
}

impl platform::web::errors::Classify for StoreError {
    fn classify(self) -> platform::web::errors::Failure {
        platform::web::errors::Failure::Internal(self.to_string())
    }
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
    /// A metadata export: the status of this many periods of the table was kept.
    PeriodStatus {
        table: String,
        periods: usize,
        provisional: usize,
    },
}

/// Where the figures of a version come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A police table (CBS / Politie, CC BY 4.0).
    Police,
    /// Figures made up for the demo installation; the text says so.
    Fictitious(&'a str),
}

/// The source recorded for police tables.
pub const POLICE_SOURCE: &str = "CBS / Politie (CC BY 4.0)";

/// Imports a whole file as one version in one transaction: all cells or none. A police table
/// with figures for the gemeente's own areas removes the fictitious demo versions in the same
/// transaction (audited), so real and made-up figures never mix in a series.
pub async fn import(
    db: &Db,
    dataset: &Dataset,
    file_name: &str,
    raw: &[u8],
    by: &Actor<'_>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportOutcome, StoreError> {
    import_from(db, dataset, file_name, raw, by, progress, Origin::Police).await
}

/// [`import`] of a version from `origin`. A fictitious version replaces the earlier fictitious
/// ones (in the same transaction).
pub async fn import_from(
    db: &Db,
    dataset: &Dataset,
    file_name: &str,
    raw: &[u8],
    by: &Actor<'_>,
    progress: &(dyn Fn(usize, usize) + Sync),
    origin: Origin<'_>,
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
    let (source, fictitious) = match origin {
        Origin::Police => (POLICE_SOURCE, 0_i64),
        Origin::Fictitious(text) => (text, 1_i64),
    };
    let mut tx = db.begin().await?;
    let replaces_demo = match origin {
        Origin::Fictitious(_) => true,
        Origin::Police => dataset
            .cells
            .iter()
            .any(|c| model::in_gemeente(&c.region, crate::GEMEENTE_CODE)),
    };
    if replaces_demo {
        remove_fictitious(&mut tx, by, &id).await?;
    }
    sqlx::query(
        "INSERT INTO monitor_import (id, table_id, file_name, sha256, cells, suppressed, imported_at, imported_by, source, fictitious) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(&dataset.table)
    .bind(file_name)
    .bind(&sha)
    .bind(dataset.cells.len() as i64)
    .bind(suppressed as i64)
    .bind(now_ms())
    .bind(by.name())
    .bind(source)
    .bind(fictitious)
    .execute(tx.conn()?)
    .await?;
    // Multi-row inserts: one statement per 200 cells.
    let mut done = 0;
    progress(0, dataset.cells.len());
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
        done += chunk.len();
        progress(done, dataset.cells.len());
    }
    let mut e = by.entry("import", "monitor-import", &id);
    e.reason = Some(match origin {
        Origin::Police => format!("{} {} cellen", dataset.table, dataset.cells.len()),
        Origin::Fictitious(_) => format!(
            "fictieve demogegevens: {} cellen (geen politiecijfers)",
            dataset.cells.len()
        ),
    });
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(ImportOutcome::Imported {
        id,
        cells: dataset.cells.len(),
        suppressed,
    })
}

/// Deletes every fictitious version with its figures, audited with the version (`by_version`)
/// that replaces them. Nothing is written when there are none.
async fn remove_fictitious(
    tx: &mut Tx,
    by: &Actor<'_>,
    by_version: &str,
) -> Result<(), StoreError> {
    let rows = sqlx::query("SELECT id FROM monitor_import WHERE fictitious = 1")
        .fetch_all(tx.conn()?)
        .await?;
    for r in &rows {
        let old: String = r.try_get("id")?;
        sqlx::query("DELETE FROM monitor_count WHERE import_id = $1")
            .bind(&old)
            .execute(tx.conn()?)
            .await?;
        sqlx::query("DELETE FROM monitor_import WHERE id = $1")
            .bind(&old)
            .execute(tx.conn()?)
            .await?;
        let mut e = by.entry("delete", "monitor-import", &old);
        e.reason = Some(format!(
            "fictieve demogegevens verwijderd; vervangen door versie {by_version}"
        ));
        audit::append(tx, &e).await?;
    }
    Ok(())
}

/// Whether fictitious demo figures are present.
pub async fn has_fictitious(db: &Db) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM monitor_import WHERE fictitious = 1")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    Ok(n > 0)
}

/// Whether a police table holds figures for the gemeente or one of its wijken or buurten (then
/// the demo never adds made-up ones).
pub async fn has_real_gemeente_figures(db: &Db, gemeente: &str) -> Result<bool, StoreError> {
    let digits = gemeente.trim_start_matches("GM");
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM monitor_count c JOIN monitor_import i ON i.id = c.import_id \
         WHERE i.fictitious = 0 AND (c.region = $1 OR c.region LIKE $2 OR c.region LIKE $3)",
    )
    .bind(gemeente)
    .bind(format!("WK{digits}%"))
    .bind(format!("BU{digits}%"))
    .fetch_one(db.pool())
    .await?;
    let n: i64 = row.try_get("n")?;
    Ok(n > 0)
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportVersion {
    pub id: String,
    pub table_id: String,
    pub file_name: String,
    pub cells: i64,
    pub suppressed: i64,
    pub imported_at: i64,
    /// Where the figures come from: the police table's attribution, or a statement that they
    /// are fictitious demo figures.
    pub source: String,
    /// Made up for the demo installation: never police figures.
    pub fictitious: bool,
}

pub async fn imports(db: &Db) -> Result<Vec<ImportVersion>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, table_id, file_name, cells, suppressed, imported_at, source, fictitious FROM monitor_import ORDER BY imported_at DESC",
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
                source: r.try_get("source")?,
                fictitious: r.try_get::<i64, _>("fictitious")? != 0,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// What the current alarms depend on: how many imports there are, the newest time and id. One
/// cheap query, so every request can tell whether a computed overview is still current.
pub async fn import_stamp(db: &Db) -> Result<crate::model::ImportStamp, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MAX(imported_at) AS newest_at, MAX(id) AS newest_id FROM monitor_import",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(crate::model::ImportStamp {
        imports: row.try_get("n")?,
        newest_at: row.try_get("newest_at")?,
        newest_id: row.try_get("newest_id")?,
    })
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

/// The sources of the versions that hold figures of a series (source, fictitious), in order.
pub async fn series_sources(
    db: &Db,
    region: &str,
    crime_type: &str,
) -> Result<Vec<(String, bool)>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT i.source, i.fictitious FROM monitor_count c JOIN monitor_import i ON i.id = c.import_id \
         WHERE c.region = $1 AND c.crime_type = $2 ORDER BY i.source",
    )
    .bind(region)
    .bind(crime_type)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("source")?,
                r.try_get::<i64, _>("fictitious")? != 0,
            ))
        })
        .collect()
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

/// Who makes a change: an operator on the command line (or the demo seed), or a signed-in user.
pub enum Actor<'a> {
    System(&'a str),
    User(&'a Principal, &'a RequestContext),
}

impl Actor<'_> {
    pub fn name(&self) -> String {
        match self {
            Actor::System(by) => by.to_string(),
            Actor::User(p, _) => p.name.clone(),
        }
    }

    fn entry(&self, action: &str, resource_type: &str, id: &str) -> AuditEntry {
        match self {
            Actor::System(by) => {
                let mut e = AuditEntry::system("cli", action, resource_type);
                e.actor_name = by.to_string();
                e.resource_id = Some(id.to_string());
                e
            }
            Actor::User(p, request) => {
                let mut e = change_entry(p, request, resource_type, id, String::new());
                e.action = action.to_string();
                e.reason = None;
                e
            }
        }
    }
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

// ---------------------------------------------------------------------------------------------
// The status (voorlopig, nader voorlopig, definitief) of the periods of a police table.

/// Stores the period statuses of a table (the newest metadata wins); audited. Returns how many
/// periods are not yet definitive.
pub async fn save_period_status(
    db: &Db,
    statuses: &PeriodStatuses,
    by: &Actor<'_>,
) -> Result<usize, StoreError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    for chunk in statuses.periods.chunks(200) {
        let mut sql = String::from(
            "INSERT INTO monitor_period_status (table_id, period, status, updated_at) VALUES ",
        );
        sql.push_str(&platform::db::placeholders(chunk.len(), 4));
        sql.push_str(
            " ON CONFLICT (table_id, period) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
        );
        let mut q = sqlx::query(&sql);
        for (period, status) in chunk {
            q = q
                .bind(&statuses.table)
                .bind(period.code())
                .bind(status.slug())
                .bind(now);
        }
        q.execute(tx.conn()?).await?;
    }
    let provisional = statuses
        .periods
        .iter()
        .filter(|(_, s)| *s != model::PeriodStatus::Definitief)
        .count();
    let mut e = by.entry("import", "monitor-period-status", &statuses.table);
    e.reason = Some(format!(
        "{}: status van {} perioden ({provisional} niet definitief)",
        statuses.table,
        statuses.periods.len()
    ));
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(provisional)
}

/// The status of each period of a series that is known and not definitive: the status the
/// table of the newest version holding that period gives it.
pub async fn series_status(
    db: &Db,
    region: &str,
    crime_type: &str,
) -> Result<std::collections::HashMap<String, model::PeriodStatus>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.period, s.status, i.imported_at FROM monitor_count c JOIN monitor_import i ON i.id = c.import_id \
         LEFT JOIN monitor_period_status s ON s.table_id = i.table_id AND s.period = c.period \
         WHERE c.region = $1 AND c.crime_type = $2 ORDER BY c.period, i.imported_at DESC",
    )
    .bind(region)
    .bind(crime_type)
    .fetch_all(db.pool())
    .await?;
    let mut out = std::collections::HashMap::new();
    let mut last = String::new();
    for r in &rows {
        let period: String = r.try_get("period")?;
        if period == last {
            continue; // an older version of a period already taken
        }
        last = period.clone();
        let status: Option<String> = r.try_get("status")?;
        if let Some(s) = status
            .as_deref()
            .and_then(model::PeriodStatus::parse)
            .filter(|s| *s != model::PeriodStatus::Definitief)
        {
            out.insert(period, s);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// IVB themes and the crime types counted under each.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    pub slug: String,
    pub name: String,
    pub crime_types: Vec<String>,
}

/// Loads the default themes once (when there are none).
pub async fn seed_themes(db: &Db) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM monitor_theme")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    if n > 0 {
        return Ok(false);
    }
    let mut tx = db.begin().await?;
    for (i, (slug, name, crimes)) in model::DEFAULT_THEMES.iter().enumerate() {
        sqlx::query("INSERT INTO monitor_theme (slug, name, position) VALUES ($1, $2, $3)")
            .bind(*slug)
            .bind(*name)
            .bind(i as i64)
            .execute(tx.conn()?)
            .await?;
        for c in crimes.iter() {
            sqlx::query("INSERT INTO monitor_theme_crime (theme_slug, crime_type) VALUES ($1, $2)")
                .bind(*slug)
                .bind(*c)
                .execute(tx.conn()?)
                .await?;
        }
    }
    audit::append(
        &mut tx,
        &AuditEntry::system("cli", "load-reference-data", "monitor-theme"),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The themes in their order, each with its crime types (sorted by code).
pub async fn themes(db: &Db) -> Result<Vec<Theme>, StoreError> {
    let rows = sqlx::query(
        "SELECT t.slug, t.name, c.crime_type FROM monitor_theme t \
         LEFT JOIN monitor_theme_crime c ON c.theme_slug = t.slug ORDER BY t.position, t.slug, c.crime_type",
    )
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<Theme> = Vec::new();
    for r in &rows {
        let slug: String = r.try_get("slug")?;
        let crime: Option<String> = r.try_get("crime_type")?;
        match out.last_mut() {
            Some(t) if t.slug == slug => t.crime_types.extend(crime),
            _ => out.push(Theme {
                slug,
                name: r.try_get("name")?,
                crime_types: crime.into_iter().collect(),
            }),
        }
    }
    for t in &mut out {
        t.crime_types.sort_by_key(|c| crime_sort_key(c));
    }
    Ok(out)
}

/// Codes sort by their numbers (`2.6.10` after `2.6.9`).
pub fn crime_sort_key(code: &str) -> Vec<u32> {
    model::crime_sort_key(code)
}

/// Adds a theme after the others, without crime types; audited. `false` when the slug was
/// taken meanwhile (nothing written).
pub async fn create_theme(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    slug: &str,
    name: &str,
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let added = sqlx::query(
        "INSERT INTO monitor_theme (slug, name, position) \
         SELECT $1, $2, COALESCE(MAX(position), -1) + 1 FROM monitor_theme WHERE true \
         ON CONFLICT (slug) DO NOTHING",
    )
    .bind(slug)
    .bind(name)
    .execute(tx.conn()?)
    .await?
    .rows_affected();
    if added == 0 {
        return Ok(false);
    }
    audit::append(
        &mut tx,
        &change_entry(p, request, "monitor-theme", slug, format!("thema: {name}")),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Renames a theme (its slug, and so its address, stays); audited with the old and new name.
pub async fn rename_theme(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    theme: &Theme,
    name: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE monitor_theme SET name = $1 WHERE slug = $2")
        .bind(name)
        .bind(&theme.slug)
        .execute(tx.conn()?)
        .await?;
    let mut e = change_entry(
        p,
        request,
        "monitor-theme",
        &theme.slug,
        format!("naam: {} -> {name}", theme.name),
    );
    e.action = "update".into();
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces the crime types of a theme; audited with the old and the new list.
pub async fn set_theme_crimes(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    theme: &Theme,
    crime_types: &[String],
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM monitor_theme_crime WHERE theme_slug = $1")
        .bind(&theme.slug)
        .execute(tx.conn()?)
        .await?;
    for c in crime_types {
        sqlx::query("INSERT INTO monitor_theme_crime (theme_slug, crime_type) VALUES ($1, $2)")
            .bind(&theme.slug)
            .bind(c)
            .execute(tx.conn()?)
            .await?;
    }
    let mut e = change_entry(
        p,
        request,
        "monitor-theme",
        &theme.slug,
        format!(
            "soorten misdrijf: {} -> {}",
            theme.crime_types.join(", "),
            crime_types.join(", ")
        ),
    );
    e.action = "update".into();
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Results of the veiligheidsenquête.

/// A stored survey result, with who last changed it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredSurvey {
    pub id: String,
    pub result: SurveyResult,
    pub updated_at: i64,
    pub updated_by: String,
}

/// What saving a batch of results did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SurveySaved {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// Survey results, optionally of one area and/or indicator, by indicator, area and year.
pub async fn survey_results(
    db: &Db,
    area: Option<&str>,
    indicator: Option<&str>,
) -> Result<Vec<StoredSurvey>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, year, area, indicator, estimate, lower_bound, upper_bound, questionnaire, source, updated_at, updated_by \
         FROM monitor_survey_result WHERE ($1 = '' OR area = $1) AND ($2 = '' OR indicator = $2) \
         ORDER BY indicator, area, year",
    )
    .bind(area.unwrap_or(""))
    .bind(indicator.unwrap_or(""))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(StoredSurvey {
                id: r.try_get("id")?,
                result: SurveyResult {
                    year: r.try_get("year")?,
                    area: r.try_get("area")?,
                    indicator: r.try_get("indicator")?,
                    estimate: r.try_get("estimate")?,
                    lower: r.try_get("lower_bound")?,
                    upper: r.try_get("upper_bound")?,
                    questionnaire: r.try_get("questionnaire")?,
                    source: r.try_get("source")?,
                },
                updated_at: r.try_get("updated_at")?,
                updated_by: r.try_get("updated_by")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// Saves results: a new year, area and indicator is added, a known one replaced (upsert), and
/// an identical one left alone, so saving the same rows again changes nothing. One transaction
/// and one audit record for the batch; nothing is written when nothing changes.
pub async fn save_survey(
    db: &Db,
    results: &[SurveyResult],
    by: &Actor<'_>,
    what: &str,
) -> Result<SurveySaved, StoreError> {
    let existing = survey_results(db, None, None).await?;
    let mut saved = SurveySaved::default();
    let mut writes = Vec::new();
    for r in results {
        match existing.iter().find(|e| e.result.key() == r.key()) {
            Some(e) if e.result == *r => saved.unchanged += 1,
            Some(_) => {
                saved.changed += 1;
                writes.push(r);
            }
            None => {
                saved.added += 1;
                writes.push(r);
            }
        }
    }
    if writes.is_empty() {
        return Ok(saved);
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    for r in &writes {
        sqlx::query(
            "INSERT INTO monitor_survey_result (id, year, area, indicator, estimate, lower_bound, upper_bound, questionnaire, source, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (year, area, indicator) DO UPDATE SET estimate = excluded.estimate, lower_bound = excluded.lower_bound, \
             upper_bound = excluded.upper_bound, questionnaire = excluded.questionnaire, source = excluded.source, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(new_id())
        .bind(r.year)
        .bind(&r.area)
        .bind(&r.indicator)
        .bind(r.estimate)
        .bind_f64(r.lower)
        .bind_f64(r.upper)
        .bind(&r.questionnaire)
        .bind(&r.source)
        .bind(now)
        .bind(by.name())
        .execute(tx.conn()?)
        .await?;
    }
    let first = writes[0];
    let mut e = by.entry(
        if saved.added > 0 { "create" } else { "update" },
        "monitor-survey-result",
        &format!("{} {} {}", first.year, first.area, first.indicator),
    );
    e.reason = Some(
        format!(
            "{what}: {} nieuw, {} gewijzigd, {} ongewijzigd",
            saved.added, saved.changed, saved.unchanged
        )
        .chars()
        .take(500)
        .collect(),
    );
    audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(saved)
}

// ---------------------------------------------------------------------------------------------
// Alarm settings per level and frequency.

fn level_of(slug: &str) -> Option<crate::model::Level> {
    use crate::model::Level;
    [Level::Gemeente, Level::Wijk, Level::Buurt]
        .into_iter()
        .find(|l| l.slug() == slug)
}

/// The settings in force: the defaults with the gemeente's own in their place. When more than
/// one organisation stored settings, the most recently changed organisation's apply (the
/// monitor holds one gemeente).
pub async fn alarm_settings(db: &Db) -> Result<crate::settings::SettingsSet, StoreError> {
    let rows = sqlx::query(
        "SELECT organisation_id, level, freq, window_half_width, seasonal_periods, reference_years, minimum_cases, \
         minimum_periods, updated_at FROM monitor_alarm_setting ORDER BY updated_at DESC, organisation_id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut organisation: Option<String> = None;
    let mut own = Vec::new();
    for r in &rows {
        let org: String = r.try_get("organisation_id")?;
        if organisation.get_or_insert_with(|| org.clone()) != &org {
            continue;
        }
        let level: String = r.try_get("level")?;
        let Some(level) = level_of(&level) else {
            continue;
        };
        let n = |c: &str| -> Result<u32, StoreError> {
            let v: i64 = r.try_get(c)?;
            u32::try_from(v).map_err(|_| StoreError::Damaged(format!("{c} {v}")))
        };
        let freq: i64 = r.try_get("freq")?;
        own.push((
            level,
            u32::try_from(freq).map_err(|_| StoreError::Damaged(format!("freq {freq}")))?,
            crate::settings::AlarmSettings {
                window_half_width: n("window_half_width")?,
                seasonal_periods: n("seasonal_periods")?,
                reference_years: n("reference_years")?,
                minimum_cases: n("minimum_cases")?,
                minimum_periods: n("minimum_periods")?,
            },
        ));
    }
    Ok(crate::settings::SettingsSet::with(own))
}

/// Stores the settings of one level and frequency for the principal's organisation, audited
/// with the old and the new values.
pub async fn save_alarm_settings(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    level: crate::model::Level,
    freq: u32,
    old: &crate::settings::AlarmSettings,
    new: &crate::settings::AlarmSettings,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO monitor_alarm_setting (organisation_id, level, freq, window_half_width, seasonal_periods, \
         reference_years, minimum_cases, minimum_periods, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (organisation_id, level, freq) DO UPDATE SET window_half_width = excluded.window_half_width, \
         seasonal_periods = excluded.seasonal_periods, reference_years = excluded.reference_years, \
         minimum_cases = excluded.minimum_cases, minimum_periods = excluded.minimum_periods, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(&p.organisation_id)
    .bind(level.slug())
    .bind(i64::from(freq))
    .bind(i64::from(new.window_half_width))
    .bind(i64::from(new.seasonal_periods))
    .bind(i64::from(new.reference_years))
    .bind(i64::from(new.minimum_cases))
    .bind(i64::from(new.minimum_periods))
    .bind(now_ms())
    .bind(&p.user_id)
    .execute(tx.conn()?)
    .await?;
    let show = |s: &crate::settings::AlarmSettings| {
        format!(
            "w={} periodes={} jaren={} min. {} in {}",
            s.window_half_width,
            s.seasonal_periods,
            s.reference_years,
            s.minimum_cases,
            s.minimum_periods
        )
    };
    let mut entry = change_entry(
        p,
        request,
        "monitor-alarm-settings",
        &format!("{}-{freq}", level.slug()),
        format!("{} → {}", show(old), show(new)),
    );
    entry.action = "update".into();
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The review as a meeting: attendees, signals of the police, decisions on items, actions.

/// Someone at a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attendee {
    pub seq: i64,
    pub organisation: String,
    pub name: String,
}

/// A signal the police brought, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoliceSignal {
    pub seq: i64,
    pub category: String,
    pub area: String,
    pub body: String,
    pub recorded_by_name: String,
}

/// A decision on an agenda item other than an alarm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemDecisionRow {
    pub item: String,
    pub decision: Decision,
    pub note: String,
    pub decided_at: i64,
    pub decided_by_name: String,
}

async fn next_seq(tx: &mut Tx, table: &str, session_id: &str) -> Result<i64, StoreError> {
    // `table` is one of this module's own table names, never input.
    let row = sqlx::query(&format!(
        "SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM {table} WHERE session_id = $1"
    ))
    .bind(session_id)
    .fetch_one(tx.conn()?)
    .await?;
    Ok(row.try_get("n")?)
}

fn audit_entry(
    p: &Principal,
    request: &RequestContext,
    resource_type: &str,
    id: &str,
    reason: String,
) -> AuditEntry {
    change_entry(p, request, resource_type, id, reason)
}

/// Adds an attendee to a session; audited.
pub async fn add_attendee(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    session_id: &str,
    a: &crate::meeting::NewAttendee,
) -> Result<(), StoreError> {
    let id = new_id();
    let mut tx = db.begin().await?;
    let seq = next_seq(&mut tx, "monitor_review_attendee", session_id).await?;
    sqlx::query(
        "INSERT INTO monitor_review_attendee (id, session_id, seq, organisation, name, added_at, added_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(session_id)
    .bind(seq)
    .bind(&a.organisation)
    .bind(&a.name)
    .bind(now_ms())
    .bind(&p.user_id)
    .execute(tx.conn()?)
    .await?;
    audit::append(
        &mut tx,
        &audit_entry(
            p,
            request,
            "monitor-review-attendee",
            &id,
            format!("bespreking {session_id}: {} ({})", a.name, a.organisation),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn attendees(db: &Db, session_id: &str) -> Result<Vec<Attendee>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, organisation, name FROM monitor_review_attendee WHERE session_id = $1 ORDER BY seq",
    )
    .bind(session_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Attendee {
                seq: r.try_get("seq")?,
                organisation: r.try_get("organisation")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

/// Records a signal the police brought; audited.
pub async fn add_signal(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    session_id: &str,
    s: &crate::meeting::NewSignal,
) -> Result<i64, StoreError> {
    let id = new_id();
    let mut tx = db.begin().await?;
    let seq = next_seq(&mut tx, "monitor_review_signal", session_id).await?;
    sqlx::query(
        "INSERT INTO monitor_review_signal (id, session_id, seq, category, area, body, recorded_at, recorded_by, recorded_by_name) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(session_id)
    .bind(seq)
    .bind(&s.category)
    .bind(&s.area)
    .bind(&s.body)
    .bind(now_ms())
    .bind(&p.user_id)
    .bind(&p.name)
    .execute(tx.conn()?)
    .await?;
    audit::append(
        &mut tx,
        &audit_entry(
            p,
            request,
            "monitor-review-signal",
            &id,
            format!(
                "bespreking {session_id}: signaal {seq} {} {}",
                s.category, s.area
            ),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(seq)
}

pub async fn signals(db: &Db, session_id: &str) -> Result<Vec<PoliceSignal>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, category, area, body, recorded_by_name FROM monitor_review_signal WHERE session_id = $1 ORDER BY seq",
    )
    .bind(session_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PoliceSignal {
                seq: r.try_get("seq")?,
                category: r.try_get("category")?,
                area: r.try_get("area")?,
                body: r.try_get("body")?,
                recorded_by_name: r.try_get("recorded_by_name")?,
            })
        })
        .collect()
}

/// The decisions on a session's items other than alarms, newest first.
pub async fn item_decisions(db: &Db, session_id: &str) -> Result<Vec<ItemDecisionRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT item, decision, note, decided_at, decided_by_name FROM monitor_review_item_decision \
         WHERE session_id = $1 ORDER BY decided_at DESC, id DESC",
    )
    .bind(session_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let slug: String = r.try_get("decision")?;
            Ok(ItemDecisionRow {
                item: r.try_get("item")?,
                decision: Decision::parse(&slug)
                    .ok_or_else(|| StoreError::Damaged(format!("decision {slug:?}")))?,
                note: r.try_get("note")?,
                decided_at: r.try_get("decided_at")?,
                decided_by_name: r.try_get("decided_by_name")?,
            })
        })
        .collect()
}

/// What a decision is about: an alarm the session listed, or another agenda item by its key.
pub enum DecisionTarget<'a> {
    Alarm(&'a ReviewAlarm),
    Item(&'a str),
}

/// Records a decision on an agenda item and, when it makes one, the action (owner, due date);
/// audited, in one transaction. Answers the decision's id.
#[allow(clippy::too_many_arguments)]
pub async fn record_item_decision(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    session_id: &str,
    target: DecisionTarget<'_>,
    subject: &str,
    d: &crate::meeting::ItemDecision,
    link: Option<&str>,
) -> Result<String, StoreError> {
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    let item = match &target {
        DecisionTarget::Alarm(a) => {
            sqlx::query(
                "INSERT INTO monitor_review_decision (id, alarm_id, decision, note, link, decided_at, decided_by, decided_by_name) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&id)
            .bind(&a.id)
            .bind(d.decision.slug())
            .bind(&d.note)
            .bind(link)
            .bind(now)
            .bind(&p.user_id)
            .bind(&p.name)
            .execute(tx.conn()?)
            .await?;
            format!("alarm-{}", a.seq)
        }
        DecisionTarget::Item(item) => {
            sqlx::query(
                "INSERT INTO monitor_review_item_decision (id, session_id, item, decision, note, decided_at, decided_by, decided_by_name) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&id)
            .bind(session_id)
            .bind(*item)
            .bind(d.decision.slug())
            .bind(&d.note)
            .bind(now)
            .bind(&p.user_id)
            .bind(&p.name)
            .execute(tx.conn()?)
            .await?;
            item.to_string()
        }
    };
    let mut reason = format!("{}: {item} ({subject})", d.decision.slug());
    if let Some((owner, due_on)) = &d.action {
        let action_id = new_id();
        sqlx::query(
            "INSERT INTO monitor_review_action (id, session_id, item, subject, decision, note, owner, due_on, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&action_id)
        .bind(session_id)
        .bind(&item)
        .bind(subject)
        .bind(d.decision.slug())
        .bind(&d.note)
        .bind(owner)
        .bind(due_on)
        .bind(now)
        .bind(&p.user_id)
        .execute(tx.conn()?)
        .await?;
        reason.push_str(&format!(
            "; actie {action_id} voor {owner}, uiterlijk {due_on}"
        ));
    }
    audit::append(
        &mut tx,
        &audit_entry(p, request, "monitor-review-decision", &id, reason),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Every action with the order of the session that made it and of the one that closed it.
pub async fn actions(db: &Db) -> Result<Vec<crate::meeting::Action>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.id, a.session_id, a.item, a.subject, a.decision, a.note, a.owner, a.due_on, a.closed_session_id, \
         a.closed_note, s.held_on, s.created_at AS s_created, c.held_on AS c_held_on, c.created_at AS c_created \
         FROM monitor_review_action a JOIN monitor_review_session s ON s.id = a.session_id \
         LEFT JOIN monitor_review_session c ON c.id = a.closed_session_id ORDER BY a.due_on, a.created_at",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let slug: String = r.try_get("decision")?;
            let closed_session: Option<String> = r.try_get("closed_session_id")?;
            let closed_in = match closed_session {
                Some(id) => Some((
                    id,
                    crate::meeting::SessionOrder {
                        held_on: r.try_get("c_held_on")?,
                        created_at: r.try_get("c_created")?,
                    },
                    r.try_get::<Option<String>, _>("closed_note")?
                        .unwrap_or_default(),
                )),
                None => None,
            };
            Ok(crate::meeting::Action {
                id: r.try_get("id")?,
                session_id: r.try_get("session_id")?,
                made_in: crate::meeting::SessionOrder {
                    held_on: r.try_get("held_on")?,
                    created_at: r.try_get("s_created")?,
                },
                item: r.try_get("item")?,
                subject: r.try_get("subject")?,
                decision: Decision::parse(&slug)
                    .ok_or_else(|| StoreError::Damaged(format!("decision {slug:?}")))?,
                note: r.try_get("note")?,
                owner: r.try_get("owner")?,
                due_on: r.try_get("due_on")?,
                closed_in,
            })
        })
        .collect()
}

/// Closes an action in a session with a note on what was done; audited. Answers false when it
/// was closed already (by someone else in the meantime).
pub async fn close_action(
    db: &Db,
    p: &Principal,
    request: &RequestContext,
    action_id: &str,
    session_id: &str,
    note: &str,
) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE monitor_review_action SET closed_at = $1, closed_session_id = $2, closed_by = $3, closed_note = $4 \
         WHERE id = $5 AND closed_at IS NULL",
    )
    .bind(now_ms())
    .bind(session_id)
    .bind(&p.user_id)
    .bind(note)
    .bind(action_id)
    .execute(tx.conn()?)
    .await?
    .rows_affected();
    if done == 0 {
        return Ok(false);
    }
    let mut entry = audit_entry(
        p,
        request,
        "monitor-review-action",
        action_id,
        format!("gesloten in bespreking {session_id}"),
    );
    entry.action = "update".into();
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(true)
}

/// The gemeente's total per crime type in one month, from the police tables `tables` (the newest
/// version of each figure; suppressed cells count as nothing).
pub async fn month_totals(
    db: &Db,
    region: &str,
    tables: &[&str],
    period: &str,
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.crime_type, c.value, i.table_id FROM monitor_count c JOIN monitor_import i ON i.id = c.import_id \
         WHERE c.region = $1 AND c.period = $2 ORDER BY c.crime_type, i.imported_at DESC",
    )
    .bind(region)
    .bind(period)
    .fetch_all(db.pool())
    .await?;
    let mut out = std::collections::HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        let table: String = r.try_get("table_id")?;
        if !tables.contains(&table.as_str()) {
            continue;
        }
        let crime: String = r.try_get("crime_type")?;
        if !seen.insert(crime.clone()) {
            continue; // an older version
        }
        let v: Option<i64> = r.try_get("value")?;
        out.insert(crime, v.unwrap_or(0));
    }
    Ok(out)
}

/// The newest month at or before `upto` with figures of the region in `tables`.
pub async fn latest_month(
    db: &Db,
    region: &str,
    tables: &[&str],
    upto: &str,
) -> Result<Option<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT c.period, i.table_id FROM monitor_count c JOIN monitor_import i ON i.id = c.import_id \
         WHERE c.region = $1 AND c.period <= $2 ORDER BY c.period DESC",
    )
    .bind(region)
    .bind(upto)
    .fetch_all(db.pool())
    .await?;
    for r in &rows {
        let table: String = r.try_get("table_id")?;
        let period: String = r.try_get("period")?;
        if tables.contains(&table.as_str()) && Period::parse(&period).is_some_and(|p| p.is_month())
        {
            return Ok(Some(period));
        }
    }
    Ok(None)
}

// ---------------------------------------------------------------------------------------------
// Fortnightly police counts.

/// What a fortnightly import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FortnightOutcome {
    /// This many figures stored (new, or replacing earlier figures of the same fortnight).
    Imported { id: String, rows: usize },
    /// This exact file was imported before; nothing changed.
    Unchanged,
}

/// Stores checked fortnightly rows, all or none, in one transaction; audited. A figure of a
/// fortnight, area and crime type replaces an earlier one (a correction).
pub async fn import_fortnight(
    db: &Db,
    rows: &[crate::fortnight::FortnightRow],
    file_name: &str,
    raw: &[u8],
    by: &Actor<'_>,
) -> Result<FortnightOutcome, StoreError> {
    let sha = hex::encode(Sha256::digest(raw));
    let known = sqlx::query("SELECT id FROM monitor_fortnight_import WHERE sha256 = $1")
        .bind(&sha)
        .fetch_optional(db.pool())
        .await?;
    if known.is_some() {
        return Ok(FortnightOutcome::Unchanged);
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO monitor_fortnight_import (id, file_name, sha256, row_count, imported_at, imported_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(file_name)
    .bind(&sha)
    .bind(rows.len() as i64)
    .bind(now_ms())
    .bind(by.name())
    .execute(tx.conn()?)
    .await?;
    for r in rows {
        sqlx::query(
            "INSERT INTO monitor_fortnight_count (period_start, region, crime_type, value, import_id) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (region, crime_type, period_start) \
             DO UPDATE SET value = excluded.value, import_id = excluded.import_id",
        )
        .bind(&r.period_start)
        .bind(&r.region)
        .bind(&r.crime_type)
        .bind(r.value)
        .bind(&id)
        .execute(tx.conn()?)
        .await?;
    }
    let mut entry = by.entry("import", "monitor-fortnight-import", &id);
    entry.reason = Some(format!(
        "{file_name}: {} cijfers per twee weken",
        rows.len()
    ));
    audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(FortnightOutcome::Imported {
        id,
        rows: rows.len(),
    })
}

/// Every fortnightly series: (region, crime type, period start → count).
pub async fn fortnight_series(
    db: &Db,
) -> Result<Vec<(String, String, std::collections::BTreeMap<String, i64>)>, StoreError> {
    let rows = sqlx::query(
        "SELECT region, crime_type, period_start, value FROM monitor_fortnight_count \
         ORDER BY region, crime_type, period_start",
    )
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<(String, String, std::collections::BTreeMap<String, i64>)> = Vec::new();
    for r in &rows {
        let region: String = r.try_get("region")?;
        let crime: String = r.try_get("crime_type")?;
        let start: String = r.try_get("period_start")?;
        let value: i64 = r.try_get("value")?;
        match out.last_mut() {
            Some((reg, cr, points)) if *reg == region && *cr == crime => {
                points.insert(start, value);
            }
            _ => out.push((
                region,
                crime,
                std::collections::BTreeMap::from([(start, value)]),
            )),
        }
    }
    Ok(out)
}
