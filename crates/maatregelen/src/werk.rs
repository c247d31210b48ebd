//! The maatregelen part of "Mijn werk": the open deadlines of the measures of the person's teams,
//! overdue and within the coming seven days, counted as the deadline overview counts them (read
//! through the same decision, so the start page is audited like the overview).

use platform::access::{self, Action, Principal, Purpose, RequestContext};
use platform::db::Db;
use platform::web::work::{WorkFuture, WorkGroup, WorkItem, WorkSource};

use crate::access::{may_see_deadlines, Termijnoverzicht};
use crate::{model, store, t, t_count};

pub struct Werk;

/// The source the binary registers.
pub static WERK: Werk = Werk;

impl WorkSource for Werk {
    fn key(&self) -> &'static str {
        "maatregelen"
    }
    fn order(&self) -> u32 {
        30
    }
    fn work<'a>(
        &'a self,
        db: &'a Db,
        request: &'a RequestContext,
        who: &'a Principal,
        lang: &'a str,
    ) -> WorkFuture<'a> {
        Box::pin(async move {
            if !who.of_municipality() || !may_see_deadlines(who) {
                return Ok(None);
            }
            work(db, request, who, lang)
                .await
                .map(Some)
                .map_err(|e| e.to_string())
        })
    }
}

#[derive(Debug, thiserror::Error)]
enum WorkError {
    #[error(transparent)]
    Access(#[from] access::AccessError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Identity(#[from] platform::identity::IdentityError),
}

async fn work(
    db: &Db,
    request: &RequestContext,
    who: &Principal,
    lang: &str,
) -> Result<WorkGroup, WorkError> {
    let teams = platform::identity::team_ids_of_user(db, &who.user_id).await?;
    let auth = access::authorize(
        db,
        request,
        who,
        Action::List,
        Termijnoverzicht {
            organisation_id: who.organisation_id.clone(),
        },
        Purpose::Uitvoering,
    )
    .await?;
    let all = store::all_with_steps(db, &auth).await?;
    let kal = store::kalender(db).await?;
    let today = platform::db::today_nl();
    let (mut overdue, mut week) = (0i64, 0i64);
    for d in all.iter().filter(|d| {
        d.maatregel
            .team_id
            .as_ref()
            .is_some_and(|t| teams.contains(t))
    }) {
        let tijdlijn = model::tijdlijn(d.maatregel.zaak(), &d.stappen, &kal);
        let (o, w) = model::open_termijnen(&tijdlijn, today);
        overdue += o.len() as i64;
        week += w.len() as i64;
    }
    Ok(WorkGroup {
        title: t(lang, "maatregelen-nav"),
        items: vec![
            WorkItem {
                label: t_count(lang, "werk-termijnen-verlopen", overdue),
                count: overdue,
                href: "/maatregelen/termijnen?team=mijn".into(),
                urgent: true,
            },
            WorkItem {
                label: t_count(lang, "werk-termijnen-week", week),
                count: week,
                href: "/maatregelen/termijnen?team=mijn".into(),
                urgent: false,
            },
        ],
    })
}
