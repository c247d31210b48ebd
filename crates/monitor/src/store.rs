//! The monitor's tables: regions, crime types, imports (versions) and counts.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::model::{self, Dataset, Level, Period};
use platform::audit::{self, AuditEntry};
use platform::db::{new_id, now_ms, Db, DbError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("reference data is damaged: {0}")]
    Reference(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(DbError::Sql(e))
    }
}

const REGIONS_CSV: &str =
    include_str!("../data/politie_47022NED_WijkenEnBuurten_GM1961_version2024.csv");
const CRIME_TYPES_CSV: &str = include_str!("../data/politie_47022NED_SoortMisdrijf_codelist.csv");
const WIJKEN_GEOJSON: &str = include_str!("../data/vijfheerenlanden_wijken_2023_cartomap.geojson");
const BUURTEN_GEOJSON: &str =
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

/// The buurt (or wijk) whose boundary contains the point, finest level first.
pub async fn locate(db: &Db, lon: f64, lat: f64) -> Result<Option<Region>, StoreError> {
    let rows = sqlx::query(
        "SELECT code, level, name, parent_code, geometry FROM monitor_region WHERE geometry IS NOT NULL ORDER BY level",
    )
    .fetch_all(db.pool())
    .await?;
    let mut best: Option<Region> = None;
    for r in &rows {
        let geometry: String = r.try_get("geometry")?;
        let value: serde_json::Value = serde_json::from_str(&geometry).unwrap_or_default();
        if model::contains(&model::geometry_polygons(&value), lon, lat) {
            let region = Region {
                code: r.try_get("code")?,
                level: r.try_get("level")?,
                name: r.try_get("name")?,
                parent_code: r.try_get("parent_code")?,
            };
            let finer = best.as_ref().is_none_or(|b| {
                region.level == Level::Buurt.slug() && b.level != Level::Buurt.slug()
            });
            if finer {
                best = Some(region);
            }
        }
    }
    Ok(best)
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
