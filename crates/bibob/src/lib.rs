//! Bibob screenings of applications and transactions, the LBB advice and its deadline suspension, under strict need-to-know.
//!
//! A screening per application or transaction, started from the municipality's Bibob policy as
//! data; the questionnaire, the own investigation, the advice request to the Landelijk Bureau
//! Bibob with the suspension of the decision deadline (8 + at most 4 weeks, extra questions),
//! the advice, intention, zienswijze and decision with its proportionality. Only the Bibob
//! coordinator and the screening's named deciders see it (art. 28 Wet Bibob); every read passes
//! the access engine and is audited; a decided screening is destroyed after 5 years.
//!
//! Wired into the binary (`crates/baken/src/lib.rs`) through the functions below; the module owns
//! its tables and exposes functions, as `docs/modules.md` describes.

pub mod access;
pub mod api;
pub mod bijlagen;
pub mod brief;
pub mod html;
pub mod input;
pub mod model;
pub mod store;
pub mod werk;

use platform::db::Db;
use platform::web::{AppState, ModuleNav};
use utoipa_axum::router::OpenApiRouter;

platform::module_texts!();

pub use store::StoreError as BibobError;

/// The module's pages.
pub fn routes() -> axum::Router<AppState> {
    html::routes()
}

/// The module's API under `/api/v1/bibob`.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The menu entry: for the Bibob coordinator only. A named decider reaches the screenings that
/// name them from the start page ("Mijn werk"), so the menu does not tell anyone else that the
/// module holds anything.
pub fn nav() -> Vec<ModuleNav> {
    vec![ModuleNav {
        href: "/bibob",
        label: |lang| t(lang, "bibob-nav"),
        visible: access::coordinator,
    }]
}

/// Reference data, on every start (idempotent): the default Bibob policy of each municipality.
pub async fn seed(db: &Db) -> Result<(), BibobError> {
    store::seed(db).await
}

/// Fictitious demo content; runs after the demo accounts exist (idempotent).
pub async fn seed_demo(db: &Db) -> Result<(), BibobError> {
    html::seed_demo(db).await
}

/// Once a day: the destruction of screenings decided more than 5 years ago (Selectielijst
/// 4.1.12).
pub async fn daily(db: &Db) -> Result<(), BibobError> {
    let gone = store::destroy_expired(db, platform::db::today_nl(), "bibob-bewaartermijn").await?;
    if !gone.is_empty() {
        tracing::info!(
            count = gone.len(),
            "bibob screenings destroyed after retention"
        );
    }
    Ok(())
}

/// Whether any Bibob screening names this place of the ondermijning register: existence only,
/// for the place page to show to the Bibob roles. The caller decides who may see the answer
/// (`access::coordinator`).
pub async fn exists_for_place(db: &Db, place_id: &str) -> Result<bool, BibobError> {
    store::exists_for_place(db, place_id).await
}

/// Registers, once per process, what the module adds to shared registries: the start-page work
/// of deciders and the coordinator.
pub fn register() {
    platform::web::work::register(&werk::WERK);
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
        let nl = keys(include_str!("../locales/nl/bibob.ftl"));
        let en = keys(include_str!("../locales/en/bibob.ftl"));
        assert_eq!(nl, en);
        assert_eq!(super::t("nl", "bibob-nav"), "Bibob");
    }
}
