//! Full-text search behind one interface: FTS5 on SQLite, `tsvector` with the 'dutch'
//! configuration on PostgreSQL. The index holds (kind, ref_id) pairs; a module authorizes each hit
//! through the access engine before it shows anything.

use sqlx::Row;

use crate::db::{Backend, Db, DbError, Tx};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub kind: String,
    pub ref_id: String,
}

pub async fn index(
    tx: &mut Tx,
    kind: &str,
    ref_id: &str,
    title: &str,
    body: &str,
) -> Result<(), DbError> {
    remove(tx, kind, ref_id).await?;
    index_new(
        tx,
        kind,
        &[NewDocument {
            ref_id: ref_id.to_string(),
            title: title.to_string(),
            body: body.to_string(),
        }],
    )
    .await
}

/// A new document for [`index_new`].
pub struct NewDocument {
    pub ref_id: String,
    pub title: String,
    pub body: String,
}

/// Indexes documents that are not in the index yet, many rows per statement: for bulk loads.
pub async fn index_new(tx: &mut Tx, kind: &str, docs: &[NewDocument]) -> Result<(), DbError> {
    for chunk in docs.chunks(200) {
        match tx.backend() {
            Backend::Sqlite => {
                let sql = format!(
                    "INSERT INTO search_documents_keys (kind, ref_id) VALUES {} RETURNING doc, ref_id",
                    crate::db::placeholders(chunk.len(), 2)
                );
                let mut q = sqlx::query(&sql);
                for d in chunk {
                    q = q.bind(kind).bind(&d.ref_id);
                }
                let keys: std::collections::HashMap<String, i64> = q
                    .fetch_all(tx.conn()?)
                    .await?
                    .iter()
                    .map(|r| Ok((r.try_get("ref_id")?, r.try_get("doc")?)))
                    .collect::<Result<_, sqlx::Error>>()?;
                let sql = format!(
                    "INSERT INTO search_documents (rowid, kind, ref_id, title, body) VALUES {}",
                    crate::db::placeholders(chunk.len(), 5)
                );
                let mut q = sqlx::query(&sql);
                for d in chunk {
                    q = q
                        .bind(keys.get(&d.ref_id).copied())
                        .bind(kind)
                        .bind(&d.ref_id)
                        .bind(&d.title)
                        .bind(&d.body);
                }
                q.execute(tx.conn()?).await?;
            }
            Backend::Postgres => {
                let sql = format!(
                    "INSERT INTO search_documents (kind, ref_id, title, body) VALUES {}",
                    crate::db::placeholders(chunk.len(), 4)
                );
                let mut q = sqlx::query(&sql);
                for d in chunk {
                    q = q.bind(kind).bind(&d.ref_id).bind(&d.title).bind(&d.body);
                }
                q.execute(tx.conn()?).await?;
            }
        }
    }
    Ok(())
}

pub async fn remove(tx: &mut Tx, kind: &str, ref_id: &str) -> Result<(), DbError> {
    match tx.backend() {
        Backend::Sqlite => {
            let doc: Option<i64> = sqlx::query(
                "DELETE FROM search_documents_keys WHERE kind = $1 AND ref_id = $2 RETURNING doc",
            )
            .bind(kind)
            .bind(ref_id)
            .fetch_optional(tx.conn()?)
            .await?
            .map(|r| r.try_get("doc"))
            .transpose()?;
            if let Some(doc) = doc {
                sqlx::query("DELETE FROM search_documents WHERE rowid = $1")
                    .bind(doc)
                    .execute(tx.conn()?)
                    .await?;
            }
        }
        Backend::Postgres => {
            sqlx::query("DELETE FROM search_documents WHERE kind = $1 AND ref_id = $2")
                .bind(kind)
                .bind(ref_id)
                .execute(tx.conn()?)
                .await?;
        }
    }
    Ok(())
}

/// Turns user input into a safe query: words only, each a prefix match, all required.
pub fn sanitize_query(input: &str) -> Vec<String> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect()
}

/// The match expression for user input, to bind to `search_documents MATCH $n` (SQLite) or
/// `document @@ to_tsquery('dutch', $n)` (PostgreSQL); none when the input has no words. For
/// a module that searches in the same statement as it filters its own tables.
pub fn match_expression(backend: Backend, input: &str) -> Option<String> {
    let words = sanitize_query(input);
    if words.is_empty() {
        return None;
    }
    Some(match backend {
        Backend::Sqlite => {
            let fts = words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" AND ");
            format!("{{title body}} : ({fts})")
        }
        Backend::Postgres => words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & "),
    })
}

/// A subquery giving the `ref_id` of every document of `kind` (a constant of the calling
/// module) that matches the expression bound at `placeholder` (see [`match_expression`]), so a
/// module filters its own rows by text in the same statement as by its other filters.
pub fn matching_ids_sql(backend: Backend, kind: &'static str, placeholder: &str) -> String {
    match backend {
        Backend::Sqlite => format!(
            "SELECT ref_id FROM search_documents WHERE search_documents MATCH {placeholder} \
             AND kind = '{kind}'"
        ),
        Backend::Postgres => format!(
            "SELECT ref_id FROM search_documents WHERE kind = '{kind}' \
             AND document @@ to_tsquery('dutch', {placeholder})"
        ),
    }
}

pub async fn search(db: &Db, kind: &str, query: &str, limit: i64) -> Result<Vec<Hit>, DbError> {
    let Some(expression) = match_expression(db.backend(), query) else {
        return Ok(Vec::new());
    };
    let rows = match db.backend() {
        Backend::Sqlite => {
            sqlx::query(
                "SELECT kind, ref_id FROM search_documents WHERE search_documents MATCH $1 \
                 AND kind = $2 ORDER BY rank LIMIT $3",
            )
            .bind(expression)
            .bind(kind)
            .bind(limit)
            .fetch_all(db.pool())
            .await?
        }
        Backend::Postgres => {
            sqlx::query(
                "SELECT kind, ref_id FROM search_documents \
                 WHERE document @@ to_tsquery('dutch', $1) AND kind = $2 \
                 ORDER BY ts_rank(document, to_tsquery('dutch', $1)) DESC LIMIT $3",
            )
            .bind(expression)
            .bind(kind)
            .bind(limit)
            .fetch_all(db.pool())
            .await?
        }
    };
    rows.iter()
        .map(|r| {
            Ok(Hit {
                kind: r.try_get("kind")?,
                ref_id: r.try_get("ref_id")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_only_words() {
        assert_eq!(
            sanitize_query("drugs' OR 1=1 --"),
            vec!["drugs", "or", "1", "1"]
        );
        assert_eq!(
            sanitize_query("Overlast \"jeugd\""),
            vec!["overlast", "jeugd"]
        );
        assert!(sanitize_query("*&^").is_empty());
    }
}
