//! Countable sources: other modules register what Baken can count for an indicator (measures per
//! type, meldingen per theme, dossiers opened/closed, exercises held), so the actual value of an
//! indicator can be counted instead of typed. Until a module registers, its counts are not offered.

use std::future::Future;
use std::pin::Pin;
use std::sync::RwLock;

use platform::db::Db;

/// A period of whole days, from inclusive, until exclusive, as Unix milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from_ms: i64,
    pub until_ms: i64,
}

impl Period {
    /// The calendar year in Dutch time.
    pub fn year(year: i64) -> Period {
        let ms = |y: i64| {
            i16::try_from(y)
                .ok()
                .and_then(|y| jiff::civil::date(y, 1, 1).in_tz("Europe/Amsterdam").ok())
                .map(|z| z.timestamp().as_millisecond())
                .unwrap_or(0)
        };
        Period {
            from_ms: ms(year),
            until_ms: ms(year + 1),
        }
    }
}

pub type CountFuture<'a> = Pin<Box<dyn Future<Output = Result<i64, String>> + Send + 'a>>;

/// Something Baken can count in a period.
pub trait CountSource: Send + Sync {
    /// Stable key, e.g. "maatregelen.sluiting".
    fn key(&self) -> &'static str;
    /// The Dutch label shown when choosing a source.
    fn label(&self) -> String;
    fn count<'a>(&'a self, db: &'a Db, period: Period) -> CountFuture<'a>;
}

static REGISTRY: RwLock<Vec<&'static dyn CountSource>> = RwLock::new(Vec::new());

/// Registers a source (a module calls this once at start; a second source with the same key is ignored).
pub fn register(source: &'static dyn CountSource) {
    if let Ok(mut r) = REGISTRY.write() {
        if r.iter().all(|s| s.key() != source.key()) {
            r.push(source);
        }
    }
}

/// The registered sources as (key, label).
pub fn available() -> Vec<(String, String)> {
    REGISTRY
        .read()
        .map(|r| r.iter().map(|s| (s.key().to_string(), s.label())).collect())
        .unwrap_or_default()
}

/// The count of the source `key` in `period`; None when no such source is registered (any more)
/// or it fails.
pub async fn count(db: &Db, key: &str, period: Period) -> Option<i64> {
    let source = REGISTRY
        .read()
        .ok()?
        .iter()
        .find(|s| s.key() == key)
        .copied()?;
    match source.count(db, period).await {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(source = key, error = %e, "counting an indicator source");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_dutch_time() {
        let p = Period::year(2026);
        // 2026-01-01T00:00 in Amsterdam is 2025-12-31T23:00Z.
        assert_eq!(p.from_ms, 1_767_222_000_000);
        assert!(p.until_ms > p.from_ms);
    }
}
