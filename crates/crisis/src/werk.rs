//! The crisis part of "Mijn werk": who is on call now per function (nobody is urgent), ongoing
//! real incidents, and lessons past their date, for the crisis organisation and the
//! burgemeester.

use platform::access::{Principal, RequestContext};
use platform::db::Db;
use platform::web::work::{WorkFuture, WorkGroup, WorkItem, WorkSource};

use crate::{access, store, t, t_count};

pub struct Werk;

/// The source `register()` registers.
pub static WERK: Werk = Werk;

impl WorkSource for Werk {
    fn key(&self) -> &'static str {
        "crisis"
    }
    fn order(&self) -> u32 {
        50
    }
    fn work<'a>(
        &'a self,
        db: &'a Db,
        _request: &'a RequestContext,
        who: &'a Principal,
        lang: &'a str,
    ) -> WorkFuture<'a> {
        Box::pin(async move {
            if !access::may_read(who) {
                return Ok(None);
            }
            work(db, who, lang)
                .await
                .map(Some)
                .map_err(|e| e.to_string())
        })
    }
}

async fn work(db: &Db, who: &Principal, lang: &str) -> Result<WorkGroup, store::StoreError> {
    let today = platform::db::today_nl();
    let mut items = Vec::new();
    for (functie, namen) in store::nu_piket(db, &who.organisation_id, today).await? {
        let label = if namen.is_empty() {
            format!("{functie}: {}", t(lang, "crisis-nobody"))
        } else {
            format!("{functie}: {}", namen.join(", "))
        };
        items.push(WorkItem {
            label,
            count: namen.len() as i64,
            href: "/crisis/piket".into(),
            urgent: false,
        });
    }
    // A function nobody holds this week is the urgent line.
    let gaps = items.iter().filter(|i| i.count == 0).count() as i64;
    items.push(WorkItem {
        label: t_count(lang, "crisis-work-gaps", gaps),
        count: gaps,
        href: "/crisis/piket".into(),
        urgent: true,
    });
    let (echt, _oefen) = store::actieve_incidenten(db, &who.organisation_id).await?;
    items.push(WorkItem {
        label: t_count(lang, "crisis-work-active", echt),
        count: echt,
        href: "/crisis/incidenten".into(),
        urgent: true,
    });
    let late = store::leerpunten_te_laat(db, &who.organisation_id, today).await?;
    items.push(WorkItem {
        label: t_count(lang, "crisis-work-lessons", late),
        count: late,
        href: "/crisis/oefeningen".into(),
        urgent: false,
    });
    Ok(WorkGroup {
        title: t(lang, "crisis-work-title"),
        items,
    })
}
