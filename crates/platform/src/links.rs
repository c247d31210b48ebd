//! Links between records of different modules, kept by the kernel so that modules need not know
//! each other: the module that makes a link (a measure that came from a melding) writes it, the
//! module on the other side lists the links to its record. A label names only the kind of
//! record ("Maatregel: sluiting drugspand"), because a reader of one side may not be allowed to
//! read the other; the target page checks access as always.

use sqlx::Row;

use crate::db::{new_id, now_ms, DbError, Tx};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Link {
    pub from_kind: String,
    pub from_id: String,
    pub to_kind: String,
    pub to_id: String,
    pub label: String,
    /// Where the linking record is shown, e.g. `/maatregelen/{id}`.
    pub href: String,
}

/// Records a link in the caller's transaction.
pub async fn add(tx: &mut Tx, link: &Link) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO koppeling (id, from_kind, from_id, to_kind, to_id, label, href, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(&link.from_kind)
    .bind(&link.from_id)
    .bind(&link.to_kind)
    .bind(&link.to_id)
    .bind(&link.label)
    .bind(&link.href)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

/// Removes every link from a record (when the record is destroyed).
pub async fn remove_from(tx: &mut Tx, from_kind: &str, from_id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM koppeling WHERE from_kind = $1 AND from_id = $2")
        .bind(from_kind)
        .bind(from_id)
        .execute(tx.conn()?)
        .await?;
    Ok(())
}

/// The links a record made to others (e.g. the melding a case file came from), oldest first.
pub async fn from(tx: &mut Tx, from_kind: &str, from_id: &str) -> Result<Vec<Link>, DbError> {
    links(tx, "from", from_kind, from_id).await
}

/// The links pointing to a record, oldest first (read in the caller's transaction, so they
/// belong to the same read as the record).
pub async fn to(tx: &mut Tx, to_kind: &str, to_id: &str) -> Result<Vec<Link>, DbError> {
    links(tx, "to", to_kind, to_id).await
}

/// The links whose `side` ("from" or "to") is the record `kind`/`id`.
async fn links(
    tx: &mut Tx,
    side: &'static str,
    kind: &str,
    id: &str,
) -> Result<Vec<Link>, DbError> {
    let sql = format!(
        "SELECT from_kind, from_id, to_kind, to_id, label, href FROM koppeling \
         WHERE {side}_kind = $1 AND {side}_id = $2 ORDER BY created_at, id"
    );
    let rows = sqlx::query(&sql)
        .bind(kind)
        .bind(id)
        .fetch_all(tx.conn()?)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Link {
                from_kind: r.try_get("from_kind")?,
                from_id: r.try_get("from_id")?,
                to_kind: r.try_get("to_kind")?,
                to_id: r.try_get("to_id")?,
                label: r.try_get("label")?,
                href: r.try_get("href")?,
            })
        })
        .collect()
}
