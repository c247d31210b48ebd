//! "Mijn werk": what needs a person now. Each module registers a source once at start; the start
//! page asks every source for the signed-in person's items (a count, a label and a link) and shows
//! them grouped per module. A source only counts what the person may see in its module (reading
//! through the access engine where its module's rules ask for it); the items are counts, never
//! personal data.

use std::future::Future;
use std::pin::Pin;
use std::sync::RwLock;

use crate::access::{Principal, RequestContext};
use crate::db::Db;

/// One line of someone's work: "3 meldingen over de termijn".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkItem {
    /// What is counted, in the person's language, e.g. "meldingen over de termijn".
    pub label: String,
    pub count: i64,
    /// Where the counted things are listed.
    pub href: String,
    /// Overdue or otherwise needing action first (shown as a warning when the count is not 0).
    pub urgent: bool,
}

/// A module's part of someone's work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkGroup {
    /// The module's name, e.g. "Meldingen".
    pub title: String,
    pub items: Vec<WorkItem>,
}

pub type WorkFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<WorkGroup>, String>> + Send + 'a>>;

/// What a module counts for a person. `None`: the module has nothing for this person's roles.
pub trait WorkSource: Send + Sync {
    /// Stable key, e.g. "meldingen".
    fn key(&self) -> &'static str;
    /// The position on the start page (lower first).
    fn order(&self) -> u32;
    /// `request` is for the access engine, when a source reads through a decision.
    fn work<'a>(
        &'a self,
        db: &'a Db,
        request: &'a RequestContext,
        who: &'a Principal,
        lang: &'a str,
    ) -> WorkFuture<'a>;
}

static REGISTRY: RwLock<Vec<&'static dyn WorkSource>> = RwLock::new(Vec::new());

/// Registers a source (once at start; a second source with the same key is ignored).
pub fn register(source: &'static dyn WorkSource) {
    if let Ok(mut r) = REGISTRY.write() {
        if r.iter().all(|s| s.key() != source.key()) {
            r.push(source);
            r.sort_by_key(|s| s.order());
        }
    }
}

/// The work of `who` from every registered source, in order. A source that fails is left out
/// (and logged): the start page must not fail because one module does.
pub async fn of(db: &Db, request: &RequestContext, who: &Principal, lang: &str) -> Vec<WorkGroup> {
    let sources: Vec<&'static dyn WorkSource> =
        REGISTRY.read().map(|r| r.clone()).unwrap_or_default();
    let mut out = Vec::new();
    for s in sources {
        match s.work(db, request, who, lang).await {
            Ok(Some(g)) if !g.items.is_empty() => out.push(g),
            Ok(_) => {}
            Err(e) => tracing::warn!(source = s.key(), error = %e, "counting someone's work"),
        }
    }
    out
}
