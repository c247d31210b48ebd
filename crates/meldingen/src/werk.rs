//! The meldingen part of "Mijn werk": open meldingen assigned to the person (overdue, due within
//! the "bijna" margin, all), and open meldingen of their teams that nobody handles yet. Counts
//! only; each links to the queue with the matching filter.

use platform::access::{Principal, RequestContext};
use platform::db::{today_nl, Db};
use platform::web::work::{WorkFuture, WorkGroup, WorkItem, WorkSource};
use sqlx::Row;
use termijnen::Calendar;

use crate::access::works_meldingen;
use crate::i18n::{t, t_count};
use crate::model;

pub struct Werk;

/// The source the binary registers.
pub static WERK: Werk = Werk;

const OPEN: &str = "status IN ('gemeld', 'in-behandeling')";

impl WorkSource for Werk {
    fn key(&self) -> &'static str {
        "meldingen"
    }
    fn order(&self) -> u32 {
        10
    }
    fn work<'a>(
        &'a self,
        db: &'a Db,
        _request: &'a RequestContext,
        who: &'a Principal,
        lang: &'a str,
    ) -> WorkFuture<'a> {
        Box::pin(async move {
            if !works_meldingen(who) {
                return Ok(None);
            }
            mine(db, who, lang).await.map(Some)
        })
    }
}

/// Any failure as text: the start page logs it and leaves the module out.
fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

async fn mine(db: &Db, who: &Principal, lang: &str) -> Result<WorkGroup, String> {
    let today = today_nl();
    let grens = model::bijna_grens(&Calendar::new(), today);
    let row = sqlx::query(&format!(
        "SELECT \
           COALESCE(SUM(CASE WHEN termijn_datum < $2 THEN 1 ELSE 0 END), 0) AS te_laat, \
           COALESCE(SUM(CASE WHEN termijn_datum >= $2 AND termijn_datum <= $3 THEN 1 ELSE 0 END), 0) AS bijna, \
           COUNT(*) AS open \
         FROM melding WHERE behandelaar_id = $1 AND {OPEN}"
    ))
    .bind(&who.user_id)
    .bind(today.to_string())
    .bind(grens.to_string())
    .fetch_one(db.pool())
    .await
    .map_err(text)?;
    let n = |c: &str| row.try_get::<i64, _>(c).map_err(text);
    let (te_laat, bijna, open) = (n("te_laat")?, n("bijna")?, n("open")?);
    let mut items = vec![
        WorkItem {
            label: t_count(lang, "werk-mijn-te-laat", te_laat),
            count: te_laat,
            href: "/meldingen?behandelaar=mij&termijn=te-laat&sort=termijn".into(),
            urgent: true,
        },
        WorkItem {
            label: t_count(lang, "werk-mijn-bijna", bijna),
            count: bijna,
            href: "/meldingen?behandelaar=mij&termijn=bijna&sort=termijn".into(),
            urgent: false,
        },
        WorkItem {
            label: t_count(lang, "werk-mijn-open", open),
            count: open,
            href: "/meldingen?behandelaar=mij&sort=termijn".into(),
            urgent: false,
        },
    ];
    // Per team of the person: open meldingen that nobody handles yet.
    let mine = platform::identity::team_ids_of_user(db, &who.user_id)
        .await
        .map_err(text)?;
    let teams = platform::identity::list_teams(db, &who.organisation_id)
        .await
        .map_err(text)?;
    for team in teams.iter().filter(|t| mine.contains(&t.id)) {
        let count: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM melding WHERE team_id = $1 AND behandelaar_id IS NULL AND {OPEN}"
        ))
        .bind(&team.id)
        .fetch_one(db.pool())
        .await
        .and_then(|r| r.try_get("n"))
        .map_err(text)?;
        items.push(WorkItem {
            label: format!(
                "{} {}",
                t_count(lang, "werk-team-zonder-behandelaar", count),
                team.name
            ),
            count,
            href: format!(
                "/meldingen?team={}&behandelaar=geen&sort=termijn",
                team.slug
            ),
            urgent: false,
        });
    }
    Ok(WorkGroup {
        title: t(lang, "nav-meldingen"),
        items,
    })
}

/// Tells each handler once that the deadline of an open melding of theirs has passed (again after
/// the deadline moved). Returns how many were told; run periodically by the server.
pub async fn notify_deadlines(db: &Db) -> Result<usize, String> {
    let today = today_nl().to_string();
    let mut tx = db.begin().await.map_err(text)?;
    let rows = sqlx::query(&format!(
        "SELECT id, nummer, behandelaar_id, termijn_datum FROM melding \
         WHERE {OPEN} AND behandelaar_id IS NOT NULL AND termijn_datum < $1 \
         AND (termijn_gemeld IS NULL OR termijn_gemeld <> termijn_datum) LIMIT 1000"
    ))
    .bind(&today)
    .fetch_all(tx.conn().map_err(text)?)
    .await
    .map_err(text)?;
    for r in &rows {
        let id: String = r.try_get("id").map_err(text)?;
        let nummer: i64 = r.try_get("nummer").map_err(text)?;
        let wie: String = r.try_get("behandelaar_id").map_err(text)?;
        let termijn: String = r.try_get("termijn_datum").map_err(text)?;
        platform::notify::notify(
            &mut tx,
            &[wie],
            platform::notify::Kind::TermijnVerstreken,
            &format!("De termijn van melding {nummer} is verstreken"),
            &format!("/meldingen/{id}"),
        )
        .await
        .map_err(text)?;
        sqlx::query("UPDATE melding SET termijn_gemeld = $1 WHERE id = $2")
            .bind(&termijn)
            .bind(&id)
            .execute(tx.conn().map_err(text)?)
            .await
            .map_err(text)?;
    }
    tx.commit().await.map_err(text)?;
    Ok(rows.len())
}
