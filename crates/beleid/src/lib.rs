//! Module beleid: the Integral Safety Policy (IVB) in Baken — themes, goals and actions as data,
//! versions, the yearly implementation plan (uitvoeringsplan) with statuses, progress notes,
//! indicators and budgets, CSV import and export, and the progress report to the council.

pub mod access;
pub mod api;
pub mod csv;
pub mod html;
pub mod model;
pub mod sources;
pub mod store;

use platform::db::Db;
use platform::web::{AppState, ModuleNav};
use utoipa_axum::router::OpenApiRouter;

pub use store::BeleidError;

platform::module_texts!();

/// The pages under `/beleid`.
pub fn routes() -> axum::Router<AppState> {
    html::routes()
}

/// The read API under `/api/v1/beleid`.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The menu entry "Beleid", for everyone of the gemeente.
pub fn nav() -> Vec<ModuleNav> {
    vec![ModuleNav {
        href: "/beleid",
        label: |lang| t(lang, "beleid-nav"),
        visible: access::may_read,
    }]
}

/// Loads the IVB 2023–2026 as reference data on first start (idempotent).
pub async fn seed(db: &Db) -> Result<bool, BeleidError> {
    store::seed(db).await
}

/// Demo content for the 2026 implementation plan (idempotent).
pub async fn seed_demo(db: &Db) -> Result<bool, BeleidError> {
    store::seed_demo(db).await
}

/// The raadsrapportage (progress report to the council) of `year` as a standalone HTML print
/// document, for `baken report ivb --year YEAR --format html`.
pub async fn report_html(db: &Db, year: i64) -> Result<String, BeleidError> {
    html::report_document(db, year).await
}

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
        let nl = keys(include_str!("../locales/nl/beleid.ftl"));
        let en = keys(include_str!("../locales/en/beleid.ftl"));
        assert_eq!(nl, en);
        assert_eq!(super::t("nl", "beleid-nav"), "Beleid");
        assert_eq!(super::t("en", "beleid-nav"), "Policy");
    }
}
