//! Saved selections of the work queue, per person: a name and the queue's filter parameters.
//! They hold no personal data (a colleague's id at most, as the link itself does); each person
//! sees and removes only their own.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::Extension;
use platform::db::{new_id, now_ms, Db, DbError};
use platform::web::forms::list_url;
use platform::web::{require_user, AppState, Ctx, WebResult};
use sqlx::Row;

use crate::access::works_meldingen;
use crate::html::ListQuery;

/// How many selections one person keeps at most.
pub const MAX_PER_PERSON: i64 = 30;

/// One saved selection: its name and the queue's link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub id: String,
    pub naam: String,
    pub href: String,
}

/// The person's saved selections, by name.
pub async fn of(db: &Db, user_id: &str) -> Result<Vec<Saved>, DbError> {
    let rows = sqlx::query(
        "SELECT id, naam, query FROM melding_opgeslagen_filter WHERE user_id = $1 ORDER BY naam, id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let query: String = r.try_get("query")?;
            Ok(Saved {
                id: r.try_get("id")?,
                naam: r.try_get("naam")?,
                href: format!("/meldingen{query}"),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Why a selection was not saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    NoName,
    NameTooLong,
    Full,
}

impl Refusal {
    pub fn slug(self) -> &'static str {
        match self {
            Refusal::NoName => "naam",
            Refusal::NameTooLong => "lang",
            Refusal::Full => "vol",
        }
    }

    pub fn from_slug(s: &str) -> Option<Refusal> {
        [Refusal::NoName, Refusal::NameTooLong, Refusal::Full]
            .into_iter()
            .find(|r| r.slug() == s)
    }

    /// The message shown next to the name field.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::NoName => "Geef de selectie een naam.",
            Refusal::NameTooLong => "Een naam is ten hoogste 80 tekens.",
            Refusal::Full => "U heeft al 30 selecties bewaard; verwijder er eerst een.",
        }
    }
}

/// Checks a name for a selection: required, at most 80 characters.
pub fn check_name(naam: &str) -> Result<String, Refusal> {
    let naam = naam.trim();
    if naam.is_empty() {
        return Err(Refusal::NoName);
    }
    if naam.chars().count() > 80 {
        return Err(Refusal::NameTooLong);
    }
    Ok(naam.to_string())
}

/// Saves the selection `q` under `naam` for the person (the query string is rebuilt from the
/// queue's own parameters, so nothing else is kept); refused past [`MAX_PER_PERSON`].
pub async fn save(
    db: &Db,
    user_id: &str,
    naam: &str,
    q: &ListQuery,
) -> Result<Result<(), Refusal>, DbError> {
    let naam = match check_name(naam) {
        Ok(n) => n,
        Err(r) => return Ok(Err(r)),
    };
    let query = list_url("", &q.params());
    let mut tx = db.begin().await?;
    let n: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM melding_opgeslagen_filter WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(tx.conn()?)
            .await?
            .try_get("n")?;
    if n >= MAX_PER_PERSON {
        return Ok(Err(Refusal::Full));
    }
    sqlx::query(
        "INSERT INTO melding_opgeslagen_filter (id, user_id, naam, query, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(&naam)
    .bind(&query)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Removes one of the person's selections (another's id changes nothing).
pub async fn remove(db: &Db, user_id: &str, id: &str) -> Result<bool, DbError> {
    let mut tx = db.begin().await?;
    let n = sqlx::query("DELETE FROM melding_opgeslagen_filter WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(tx.conn()?)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(n > 0)
}

#[derive(serde::Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    naam: String,
    #[serde(flatten)]
    q: ListQuery,
}

/// POST /meldingen/selecties: saves the current selection and returns to it; a refusal returns
/// to it too, with the reason next to the name field.
pub async fn save_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(f): axum::Form<SaveForm>,
) -> WebResult {
    let p = require_user(&ctx)?;
    if !works_meldingen(p) {
        return Err(platform::web::WebError::Forbidden);
    }
    let params = f.q.params();
    let back = match save(&state.db, &p.user_id, &f.naam, &f.q).await? {
        Ok(()) => list_url("/meldingen", &params),
        Err(r) => {
            let mut with = params.to_vec();
            with.push(("selectie_fout", r.slug()));
            format!("{}#selectie", list_url("/meldingen", &with))
        }
    };
    Ok(Redirect::to(&back).into_response())
}

/// POST /meldingen/selecties/{id}/verwijderen.
pub async fn remove_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    if !remove(&state.db, &p.user_id, &id).await? {
        return Err(platform::web::WebError::NotFound);
    }
    Ok(Redirect::to("/meldingen").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_required_and_bounded() {
        assert_eq!(check_name("  "), Err(Refusal::NoName));
        assert_eq!(check_name(" Mijn wijk ").unwrap(), "Mijn wijk");
        assert_eq!(check_name(&"x".repeat(81)), Err(Refusal::NameTooLong));
        assert!(check_name(&"é".repeat(80)).is_ok());
        for r in [Refusal::NoName, Refusal::NameTooLong, Refusal::Full] {
            assert_eq!(Refusal::from_slug(r.slug()), Some(r));
        }
    }
}
