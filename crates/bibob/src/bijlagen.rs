//! Attachments of a screening (the questionnaire's bijlagen), kept in the kernel's files table
//! (type from the content, PDF/JPEG/PNG only) and read only under a decision about the
//! screening, audited.

use platform::access::{act, ActionKind, Authorized};
use platform::db::{new_id, now_ms, Db, Tx};
use platform::files::{self, FileError, StoredFile};
use platform::identity::FieldError;
use sqlx::Row;

use crate::access::Screening;
use crate::store::{Result, StoreError};

/// An attachment as listed on the screening.
#[derive(Clone, Debug)]
pub struct Bijlage {
    pub file_id: String,
    pub naam: String,
    pub omschrijving: String,
    pub grootte: i64,
}

/// The attachments of a screening, listed with it (the caller holds the audited read of the
/// screening).
pub async fn of<A: ActionKind>(db: &Db, auth: &Authorized<Screening, A>) -> Result<Vec<Bijlage>> {
    let screening_id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    sqlx::query(
        "SELECT b.file_id, b.omschrijving, f.file_name, f.size_bytes FROM bibob_bijlage b \
         JOIN files f ON f.id = b.file_id WHERE b.screening_id = $1 ORDER BY b.created_at",
    )
    .bind(&screening_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Bijlage {
            file_id: r.try_get("file_id")?,
            naam: r.try_get("file_name")?,
            omschrijving: r.try_get("omschrijving")?,
            grootte: r.try_get("size_bytes")?,
        })
    })
    .collect()
}

fn rejected(lang: &str, e: FileError) -> StoreError {
    match e {
        FileError::Rejected(_) => StoreError::Invalid(vec![FieldError {
            field: "bestand".into(),
            message: crate::t(lang, "bibob-fout-bestand"),
        }]),
        FileError::Db(d) => StoreError::Db(d),
    }
}

/// Adds an attachment; the upload is audited as an update of the screening.
pub async fn add(
    db: &Db,
    auth: &Authorized<Screening, act::Update>,
    lang: &str,
    name: &str,
    data: &[u8],
    omschrijving: &str,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let by = auth.principal().user_id.clone();
    let mut tx = db.begin().await?;
    let f = files::store(&mut tx, &files::DOCUMENTS, name, data, Some(&by))
        .await
        .map_err(|e| rejected(lang, e))?;
    sqlx::query(
        "INSERT INTO bibob_bijlage (id, screening_id, file_id, omschrijving, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(&id)
    .bind(&f.id)
    .bind(omschrijving)
    .bind(&by)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// One attachment's content, if it belongs to the screening; the read is audited.
pub async fn read<A: ActionKind>(
    db: &Db,
    auth: &Authorized<Screening, A>,
    file_id: &str,
) -> Result<(StoredFile, Vec<u8>)> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let belongs =
        sqlx::query("SELECT 1 AS x FROM bibob_bijlage WHERE screening_id = $1 AND file_id = $2")
            .bind(&id)
            .bind(file_id)
            .fetch_optional(tx.conn()?)
            .await?
            .is_some();
    if !belongs {
        return Err(StoreError::NotFound);
    }
    let found = files::read(&mut tx, auth, file_id)
        .await
        .map_err(|e| rejected("nl", e))?
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(found)
}

/// Removes a screening's attachments with their files (at its destruction).
pub async fn delete_all(tx: &mut Tx, screening_id: &str) -> Result<()> {
    let ids: Vec<String> = sqlx::query("SELECT file_id FROM bibob_bijlage WHERE screening_id = $1")
        .bind(screening_id)
        .fetch_all(tx.conn()?)
        .await?
        .iter()
        .map(|r| r.try_get("file_id"))
        .collect::<std::result::Result<_, _>>()?;
    sqlx::query("DELETE FROM bibob_bijlage WHERE screening_id = $1")
        .bind(screening_id)
        .execute(tx.conn()?)
        .await?;
    for f in ids {
        files::delete(tx, &f).await?;
    }
    Ok(())
}
