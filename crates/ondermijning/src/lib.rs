//! The register of places with an explainable risk picture, Bibob screenings and integral inspections.
//!
//! Wired into the binary (`crates/baken/src/lib.rs`) through the functions below; the module owns
//! its tables and exposes functions, as `docs/modules.md` describes.

pub mod access;
pub mod api;
pub mod controles;
pub mod controles_html;
pub mod demo;
pub mod html;
pub mod input;
pub mod model;
pub mod store;

use platform::db::Db;
use platform::web::{AppState, ModuleNav};
use utoipa_axum::router::OpenApiRouter;

platform::module_texts!();

pub use store::StoreError as OndermijningError;

/// The module's pages.
pub fn routes() -> axum::Router<AppState> {
    html::routes().merge(controles_html::routes())
}

/// The module's API under `/api/v1/ondermijning`.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The module's menu entry: the register, for those who may read it.
pub fn nav() -> Vec<ModuleNav> {
    vec![ModuleNav {
        href: "/ondermijning",
        label: |lang| t(lang, "ondermijning-nav"),
        visible: access::may_read,
    }]
}

/// Reference data, on every start (idempotent).
pub async fn seed(db: &Db) -> Result<(), OndermijningError> {
    store::seed(db).await
}

/// Fictitious demo content; runs after the demo accounts exist (idempotent).
pub async fn seed_demo(db: &Db) -> Result<(), OndermijningError> {
    demo::seed_demo(db).await
}

/// Once a day: retention and reminders.
pub async fn daily(_db: &Db) -> Result<(), OndermijningError> {
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
        let nl = keys(include_str!("../locales/nl/ondermijning.ftl"));
        let en = keys(include_str!("../locales/en/ondermijning.ftl"));
        assert_eq!(nl, en);
        assert_eq!(super::t("nl", "ondermijning-nav"), "Ondermijning");
    }
}
