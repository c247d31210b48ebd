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
    /// The file is also another kind of file (a polyglot): markup a browser could run, a PDF
    /// header where readers look for one, or an archive read from the end.
    #[error("file hides another kind of file")]
    Disguised,
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
        Some(t) if policy.allowed.contains(&t) => {
            if hides_another_file(data, t) {
                Err(FileRejection::Disguised)
            } else {
                Ok(t)
            }
        }
        _ => Err(FileRejection::TypeNotAllowed),
    }
}

/// Whether a file of type `sniffed` is also another kind of file (a polyglot):
/// - HTML or script markup in its first 1024 bytes, where browsers sniff;
/// - a PDF header in its first 1024 bytes (where PDF readers look for one) in a non-PDF;
/// - a ZIP archive's end record at its end (archives are read from the end, so a JPEG, PNG or
///   PDF with a ZIP appended is also a ZIP, or a JAR, or an Office document).
pub fn hides_another_file(data: &[u8], sniffed: &str) -> bool {
    let head = &data[..data.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    const MARKUP: [&[u8]; 8] = [
        b"<html",
        b"<script",
        b"<!doctype",
        b"<body",
        b"<iframe",
        b"<svg",
        b"<object",
        b"<embed",
    ];
    MARKUP.iter().any(|m| has(&lower, m))
        || (sniffed != "application/pdf" && has(head, b"%PDF-"))
        || zip_at_end(data)
}

/// A ZIP end-of-central-directory record (22 bytes and a comment of up to 64 KiB) that ends
/// exactly at the end of the file, as an archive reader finds it.
fn zip_at_end(data: &[u8]) -> bool {
    let from = data.len().saturating_sub(22 + 0xFFFF);
    (from..data.len().saturating_sub(21)).rev().any(|i| {
        data.get(i..i + 4) == Some(b"PK\x05\x06")
            && data
                .get(i + 20..i + 22)
                .map(|n| usize::from(u16::from_le_bytes([n[0], n[1]])))
                .is_some_and(|comment| i + 22 + comment == data.len())
    })
}

/// The file name extension that goes with a sniffed type.
pub fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}

/// A cleaned name whose extension is that of the content, so a disguised file ("foto.html"
/// holding a PDF) is saved and opened as what it is.
pub fn name_for(name: &str, content_type: &str) -> String {
    let cleaned = clean_name(name);
    let ext = extension(content_type);
    let stem = match cleaned.rsplit_once('.') {
        Some((_, e))
            if e.eq_ignore_ascii_case(ext) || (ext == "jpg" && e.eq_ignore_ascii_case("jpeg")) =>
        {
            return cleaned;
        }
        Some((stem, _)) if !stem.trim().is_empty() => stem.trim().to_string(),
        _ => cleaned,
    };
    format!("{stem}.{ext}")
}

/// The headers for sending a stored file: its sniffed type, never to be sniffed again by the
/// browser, and as an attachment (saved, not opened in Baken's origin) unless `inline` (photos
/// shown in a page, which Baken has encoded anew itself).
pub fn download_headers(file: &StoredFile, inline: bool) -> [(axum::http::HeaderName, String); 3] {
    use axum::http::header;
    let name: String = file
        .file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let kind = if inline { "inline" } else { "attachment" };
    [
        (header::CONTENT_TYPE, file.content_type.clone()),
        (
            header::CONTENT_DISPOSITION,
            format!("{kind}; filename=\"{name}\""),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
    ]
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
        file_name: name_for(name, content_type),
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
pub async fn read<R: Resource, A: crate::access::ActionKind>(
    tx: &mut Tx,
    auth: &Authorized<R, A>,
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
    fn polyglots_are_refused() {
        let jpeg = b"\xFF\xD8\xFF\xE0 image data \xFF\xD9";
        assert_eq!(check(&DOCUMENTS, jpeg), Ok("image/jpeg"));
        let with_pdf = [&jpeg[..4], b"%PDF-1.4", &jpeg[4..]].concat();
        assert_eq!(check(&DOCUMENTS, &with_pdf), Err(FileRejection::Disguised));
        assert_eq!(
            check(&DOCUMENTS, b"%PDF-1.7 <HTML><body>"),
            Err(FileRejection::Disguised)
        );
        assert_eq!(check(&DOCUMENTS, b"%PDF-1.7 gewoon"), Ok("application/pdf"));
        // A ZIP end record that ends the file, with or without a comment.
        let eocd = |comment: &[u8]| {
            [
                &b"PK\x05\x06"[..],
                &[0; 16],
                &(comment.len() as u16).to_le_bytes(),
                comment,
            ]
            .concat()
        };
        for comment in [&b""[..], b"een opmerking"] {
            let zipped = [&jpeg[..], &eocd(comment)].concat();
            assert_eq!(check(&IMAGES, &zipped), Err(FileRejection::Disguised));
        }
        // The same bytes not at the end are no archive.
        let inside = [&jpeg[..4], &eocd(b"")[..], &jpeg[4..]].concat();
        assert_eq!(check(&IMAGES, &inside), Ok("image/jpeg"));
    }

    #[test]
    fn names_follow_the_sniffed_type() {
        assert_eq!(name_for("rapport.html", "application/pdf"), "rapport.pdf");
        assert_eq!(name_for("scan", "image/png"), "scan.png");
        assert_eq!(name_for("foto.JPEG", "image/jpeg"), "foto.JPEG");
        assert_eq!(name_for("brief.pdf", "application/pdf"), "brief.pdf");
        assert_eq!(name_for(".pdf", "image/png"), ".pdf.png");
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\foto <1>.jpg"), "foto 1.jpg");
        assert_eq!(clean_name("///"), "bestand");
    }
}
