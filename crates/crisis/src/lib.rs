//! The municipal crisis organisation, on-call roster, exercises, risks and scenarios, and the crisis logbook.
//!
//! Wired into the binary (`crates/baken/src/lib.rs`) through the functions below; the module owns
//! its tables and exposes functions, as `docs/modules.md` describes.

use platform::db::Db;
use platform::web::{AppState, ModuleNav};
use utoipa_axum::router::OpenApiRouter;

platform::module_texts!();

#[derive(Debug, thiserror::Error)]
pub enum CrisisError {
    #[error(transparent)]
    Db(#[from] platform::db::DbError),
}

/// The module's pages.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
}

/// The module's API under `/api/v1/crisis`.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}

/// The module's menu entries (none until its pages exist).
pub fn nav() -> Vec<ModuleNav> {
    Vec::new()
}

/// Reference data, on every start (idempotent).
pub async fn seed(_db: &Db) -> Result<(), CrisisError> {
    Ok(())
}

/// Fictitious demo content; runs after the demo accounts exist (idempotent).
pub async fn seed_demo(_db: &Db) -> Result<(), CrisisError> {
    Ok(())
}

/// Once a day: retention and reminders.
pub async fn daily(_db: &Db) -> Result<(), CrisisError> {
    Ok(())
}

/// Registers, once per process, what the module adds to shared registries (start-page work,
/// policy count sources).
pub fn register() {}

#[cfg(test)]
mod tests {
    #[test]
    fn both_languages_have_the_same_keys() {
        fn keys(src: &str) -> std::collections::BTreeSet<String> {
            src.lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains('='))
                .filter_map(|l| l.split('=').next())
                .map(|k| k.trim().to_string())
                .collect()
        }
        let nl = keys(include_str!("../locales/nl/crisis.ftl"));
        let en = keys(include_str!("../locales/en/crisis.ftl"));
        assert_eq!(nl, en);
        assert_eq!(super::t("nl", "crisis-nav"), "Crisisbeheersing");
    }
}
