//! File attachments, stored in the database with their size, type and SHA-256. The type is
//! taken from the content's magic bytes, never from the name or the browser's claim.

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::access::{Authorized, Resource};
use crate::db::{new_id, now_ms, DbError, Tx};

#[derive(Clone, Debug)]
pub struct FilePolicy {
    pub max_bytes: usize,
    pub allowed: &'static [&'static str],
}

pub const IMAGES: FilePolicy = FilePolicy {
    max_bytes: 10 * 1024 * 1024,
    allowed: &["image/jpeg", "image/png"],
};

pub const DOCUMENTS: FilePolicy = FilePolicy {
    max_bytes: 25 * 1024 * 1024,
    allowed: &["application/pdf", "image/jpeg", "image/png"],
};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FileRejection {
    #[error("file is empty")]
    Empty,
    #[error("file is larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("file type is not allowed")]
    TypeNotAllowed,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(transparent)]
    Rejected(#[from] FileRejection),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The content type by magic bytes, if it is one Baken knows.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

pub fn check(policy: &FilePolicy, data: &[u8]) -> Result<&'static str, FileRejection> {
    if data.is_empty() {
        return Err(FileRejection::Empty);
    }
    if data.len() > policy.max_bytes {
        return Err(FileRejection::TooLarge {
            max: policy.max_bytes,
        });
    }
    match sniff(data) {
        Some(t) if policy.allowed.contains(&t) => Ok(t),
        _ => Err(FileRejection::TypeNotAllowed),
    }
}

/// A file name safe to show and to send in Content-Disposition.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "bestand".into()
    } else {
        cleaned.trim().to_string()
    }
}

#[derive(Clone, Debug)]
pub struct StoredFile {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

pub async fn store(
    tx: &mut Tx,
    policy: &FilePolicy,
    name: &str,
    data: &[u8],
    created_by: Option<&str>,
) -> Result<StoredFile, FileError> {
    let content_type = check(policy, data)?;
    let file = StoredFile {
        id: new_id(),
        file_name: clean_name(name),
        content_type: content_type.to_string(),
        size_bytes: data.len() as i64,
        sha256: hex::encode(Sha256::digest(data)),
    };
    sqlx::query(
        "INSERT INTO files (id, file_name, content_type, size_bytes, sha256, data, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&file.id)
    .bind(&file.file_name)
    .bind(&file.content_type)
    .bind(file.size_bytes)
    .bind(&file.sha256)
    .bind(data.to_vec())
    .bind(created_by)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await
    .map_err(DbError::from)?;
    Ok(file)
}

/// Reads a file's content. Files belong to a module's records, so the caller passes the
/// authorization for the record the file belongs to; the access is audited in `tx`.
pub async fn read<R: Resource>(
    tx: &mut Tx,
    auth: &Authorized<R>,
    id: &str,
) -> Result<Option<(StoredFile, Vec<u8>)>, FileError> {
    auth.record(tx).await?;
    let row = sqlx::query(
        "SELECT id, file_name, content_type, size_bytes, sha256, data FROM files WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(tx.conn()?)
    .await
    .map_err(DbError::from)?;
    let Some(row) = row else { return Ok(None) };
    let get = |row: &sqlx::any::AnyRow| -> Result<(StoredFile, Vec<u8>), sqlx::Error> {
        Ok((
            StoredFile {
                id: row.try_get("id")?,
                file_name: row.try_get("file_name")?,
                content_type: row.try_get("content_type")?,
                size_bytes: row.try_get("size_bytes")?,
                sha256: row.try_get("sha256")?,
            },
            row.try_get("data")?,
        ))
    };
    Ok(Some(get(&row).map_err(DbError::from)?))
}

/// Deletes a file (when the record it belongs to is destroyed).
pub async fn delete(tx: &mut Tx, id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM files WHERE id = $1")
        .bind(id)
        .execute(tx.conn()?)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_is_sniffed_and_size_checked() {
        assert_eq!(check(&IMAGES, b"\xFF\xD8\xFF\xE0rest"), Ok("image/jpeg"));
        assert_eq!(
            check(&IMAGES, b"%PDF-1.7"),
            Err(FileRejection::TypeNotAllowed)
        );
        assert_eq!(check(&DOCUMENTS, b"%PDF-1.7"), Ok("application/pdf"));
        assert_eq!(check(&IMAGES, b""), Err(FileRejection::Empty));
        assert_eq!(
            check(&IMAGES, b"<script>"),
            Err(FileRejection::TypeNotAllowed)
        );
        let big = vec![0xFF; IMAGES.max_bytes + 1];
        assert_eq!(
            check(&IMAGES, &big),
            Err(FileRejection::TooLarge {
                max: IMAGES.max_bytes
            })
        );
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\foto <1>.jpg"), "foto 1.jpg");
        assert_eq!(clean_name("///"), "bestand");
    }
}
