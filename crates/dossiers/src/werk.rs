//! The dossiers part of "Mijn werk": open tasks given to the person (overdue, all), open tasks of
//! their organisation given to nobody in particular, and — for the directing team — cases past
//! their review date and partners' new entries of the last seven days. Counts only; the lists
//! behind the links are the case list with its filters, read through the access engine.

use platform::access::{Principal, RequestContext};
use platform::db::{now_ms, Db};
use platform::web::work::{WorkFuture, WorkGroup, WorkItem, WorkSource};
use sqlx::Row;

use crate::access::{is_ketenpartner, mag_regie_voeren};
use crate::store::vandaag;
use crate::t_count;

pub struct Werk;

/// The source the binary registers.
pub static WERK: Werk = Werk;

const WEEK_MS: i64 = 7 * 86_400_000;

impl WorkSource for Werk {
    fn key(&self) -> &'static str {
        "dossiers"
    }
    fn order(&self) -> u32 {
        20
    }
    fn work<'a>(
        &'a self,
        db: &'a Db,
        _request: &'a RequestContext,
        who: &'a Principal,
        lang: &'a str,
    ) -> WorkFuture<'a> {
        Box::pin(async move {
            if !mag_regie_voeren(who) && !is_ketenpartner(who) {
                return Ok(None);
            }
            work(db, who, lang).await.map(Some)
        })
    }
}

async fn count(db: &Db, sql: &str, binds: &[&str]) -> Result<i64, String> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_one(db.pool())
        .await
        .and_then(|r| r.try_get("n"))
        .map_err(text)
}

/// Any failure as text: the start page logs it and leaves the module out.
fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

async fn work(db: &Db, who: &Principal, lang: &str) -> Result<WorkGroup, String> {
    let today = vandaag().to_string();
    let open_taak = "soort = 'taak' AND gereed_at IS NULL";
    let mine = count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM dossiers_item WHERE eigenaar_user_id = $1 AND {open_taak}"
        ),
        &[&who.user_id],
    )
    .await?;
    let mine_late = count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM dossiers_item WHERE eigenaar_user_id = $1 AND {open_taak} \
             AND deadline IS NOT NULL AND deadline < $2"
        ),
        &[&who.user_id, &today],
    )
    .await?;
    let org = count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM dossiers_item WHERE eigenaar_organisation_id = $1 \
             AND eigenaar_user_id IS NULL AND {open_taak}"
        ),
        &[&who.organisation_id],
    )
    .await?;
    let mut items = vec![
        WorkItem {
            label: t_count(lang, "dossiers-werk-taken-mij-te-laat", mine_late),
            count: mine_late,
            href: "/dossiers?taak=mij".into(),
            urgent: true,
        },
        WorkItem {
            label: t_count(lang, "dossiers-werk-taken-mij", mine),
            count: mine,
            href: "/dossiers?taak=mij".into(),
            urgent: false,
        },
        WorkItem {
            label: t_count(lang, "dossiers-werk-taken-organisatie", org),
            count: org,
            href: "/dossiers?taak=organisatie".into(),
            urgent: false,
        },
    ];
    let teams = if mag_regie_voeren(who) {
        platform::identity::team_ids_of_user(db, &who.user_id)
            .await
            .map_err(text)?
    } else {
        Vec::new()
    };
    if !teams.is_empty() {
        // The cases the person's teams direct: past their review date, and with entries of
        // partners in the last week.
        let marks: Vec<String> = (0..teams.len()).map(|i| format!("${}", i + 3)).collect();
        let in_teams = format!("d.regie_team_id IN ({})", marks.join(", "));
        let sql = format!(
            "SELECT \
               (SELECT COUNT(*) FROM dossiers_dossier d WHERE {in_teams} \
                  AND d.reviewdatum IS NOT NULL AND d.reviewdatum < $1 AND d.fase <> 'gesloten') AS review, \
               (SELECT COUNT(*) FROM dossiers_item i JOIN dossiers_dossier d ON d.id = i.dossier_id \
                  WHERE {in_teams} AND i.created_by_organisation_id <> d.regie_organisation_id \
                  AND i.created_at >= $2) AS nieuw"
        );
        let mut q = sqlx::query(&sql).bind(&today).bind(now_ms() - WEEK_MS);
        for t in &teams {
            q = q.bind(t);
        }
        let row = q.fetch_one(db.pool()).await.map_err(text)?;
        let review: i64 = row.try_get("review").map_err(text)?;
        let nieuw: i64 = row.try_get("nieuw").map_err(text)?;
        items.push(WorkItem {
            label: t_count(lang, "dossiers-werk-herbeoordeling", review),
            count: review,
            href: "/dossiers?review=verlopen".into(),
            urgent: true,
        });
        items.push(WorkItem {
            label: t_count(lang, "dossiers-werk-partners-nieuw", nieuw),
            count: nieuw,
            href: "/dossiers".into(),
            urgent: false,
        });
    }
    Ok(WorkGroup {
        title: crate::t(lang, "dossiers-werk-dossiers"),
        items,
    })
}
