//! The Bibob part of "Mijn werk": how many undecided screenings the person works on (all of the
//! municipality's for the coordinator, the ones naming them for a decider). Only a count, and
//! nothing at all for anyone else, so the start page tells no one else that screenings exist.

use platform::access::{Principal, RequestContext};
use platform::db::Db;
use platform::web::work::{WorkFuture, WorkGroup, WorkItem, WorkSource};

use crate::{access, store, t_count};

pub struct Werk;

/// The source `register` adds.
pub static WERK: Werk = Werk;

impl WorkSource for Werk {
    fn key(&self) -> &'static str {
        "bibob"
    }
    fn order(&self) -> u32 {
        45
    }
    fn work<'a>(
        &'a self,
        db: &'a Db,
        _request: &'a RequestContext,
        who: &'a Principal,
        lang: &'a str,
    ) -> WorkFuture<'a> {
        Box::pin(async move {
            if !who.of_municipality() {
                return Ok(None);
            }
            let coordinator = access::coordinator(who);
            let n = store::open_count(db, who, coordinator)
                .await
                .map_err(|e| e.to_string())?;
            if n == 0 && !coordinator {
                return Ok(None);
            }
            let key = if coordinator {
                "bibob-werk-open"
            } else {
                "bibob-werk-beslissen"
            };
            Ok(Some(WorkGroup {
                title: crate::t(lang, "bibob-nav"),
                items: vec![WorkItem {
                    label: t_count(lang, key, n),
                    count: n,
                    href: "/bibob".into(),
                    urgent: false,
                }],
            }))
        })
    }
}
