//! Youth groups, neighbourhood profiles, outreach and campaigns, digital-safety bulletins.
//!
//! Wired into the binary (`crates/baken/src/lib.rs`) through the functions below; the module owns
//! its tables and exposes functions, as `docs/modules.md` describes.

use axum::routing::{get, post};
use platform::db::Db;
use platform::web::{AppState, ModuleNav};
use utoipa_axum::router::OpenApiRouter;

pub mod access;
pub mod api;
mod bronnen;
pub mod bulletins;
pub mod buurten;
mod demo;
pub mod groepen;
pub mod html;
pub mod model;
pub mod publiek;
pub mod store;

platform::module_texts!();

#[derive(Debug, thiserror::Error)]
pub enum PreventieError {
    #[error(transparent)]
    Db(#[from] platform::db::DbError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// The module's pages.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/preventie", get(html::start))
        .route("/preventie/activiteiten", get(html::activiteiten))
        .route(
            "/preventie/activiteiten/nieuw",
            get(html::activiteit_nieuw_page).post(html::activiteit_nieuw),
        )
        .route(
            "/preventie/activiteiten/{id}",
            get(html::activiteit_page).post(html::activiteit_wijzigen),
        )
        .route("/preventie/bulletins", get(bulletins::list))
        .route(
            "/preventie/bulletins/nieuw",
            get(bulletins::new_page).post(bulletins::new_post),
        )
        .route(
            "/preventie/bulletins/{id}",
            get(bulletins::page).post(bulletins::update),
        )
        .route(
            "/preventie/bulletins/{id}/publiceren",
            post(bulletins::publish),
        )
        .route("/preventie/bulletins/{id}/verzenden", post(bulletins::send))
        .route("/preventie/groepen", get(groepen::list))
        .route(
            "/preventie/groepen/nieuw",
            get(groepen::new_page).post(groepen::new_post),
        )
        .route("/preventie/groepen/{id}", get(groepen::page))
        .route("/preventie/groepen/{id}/scan", post(groepen::scan_post))
        .route("/preventie/groepen/{id}/actie", post(groepen::actie_post))
        .route(
            "/preventie/groepen/{id}/actie/{actie}/afgerond",
            post(groepen::actie_done),
        )
        .route(
            "/preventie/groepen/{id}/dossier",
            post(groepen::dossier_post),
        )
        .route(
            "/preventie/partners",
            get(groepen::partners_page).post(groepen::partner_post),
        )
        .route(
            "/preventie/partners/afspraken",
            post(groepen::afspraak_post),
        )
        .route("/preventie/wijken", get(buurten::wijken))
        .route("/preventie/wijken/{code}", get(buurten::wijk))
        .route(
            "/preventie/buurtteams/nieuw",
            get(buurten::team_new_page).post(buurten::team_new_post),
        )
        .route("/preventie/buurtteams/{id}", get(buurten::team_page))
        .route(
            "/preventie/buurtteams/{id}/contacten",
            post(buurten::contact_post),
        )
        .route(
            "/preventie/buurtteams/{id}/contacten/{contact}/verwijderen",
            post(buurten::contact_remove),
        )
        .route("/veilig-digitaal", get(publiek::index))
        .route("/veilig-digitaal/aanmelden", post(publiek::aanmelden))
        .route("/veilig-digitaal/aangemeld", get(publiek::aangemeld))
        .route(
            "/veilig-digitaal/bevestigen/{token}",
            get(publiek::bevestigen_page).post(publiek::bevestigen),
        )
        .route("/veilig-digitaal/afmelden/{token}", get(publiek::afmelden))
        .route("/veilig-digitaal/{id}", get(publiek::bulletin))
}

pub use publiek::public_label;

/// Puts the next batch of each bulletin being sent into the mail outbox (the server calls this
/// every few seconds); `public_url` is Baken's address for the links in the mails.
pub async fn send_due(db: &Db, public_url: &str) -> Result<usize, PreventieError> {
    Ok(store::send_due(db, public_url).await?)
}

/// The module's API under `/api/v1/preventie`.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The module's menu entry, for those who may use a part of it.
pub fn nav() -> Vec<ModuleNav> {
    vec![ModuleNav {
        href: "/preventie",
        label: |lang| t(lang, "preventie-nav"),
        visible: access::sees_module,
    }]
}

/// Reference data, on every start (idempotent).
pub async fn seed(db: &Db) -> Result<(), PreventieError> {
    store::seed_partners(db).await?;
    Ok(())
}

/// Fictitious demo content; runs after the demo accounts exist (idempotent).
pub async fn seed_demo(db: &Db) -> Result<(), PreventieError> {
    demo::seed(db).await?;
    Ok(())
}

/// Once a day: retention and reminders.
pub async fn daily(db: &Db) -> Result<(), PreventieError> {
    let removed = store::verwijder_onbevestigd(db).await?;
    if removed > 0 {
        tracing::info!(removed, "unconfirmed bulletin subscriptions removed");
    }
    let contacts = store::verwijder_verlopen_contacten(db, platform::db::today_nl()).await?;
    if contacts > 0 {
        tracing::info!(
            contacts,
            "neighbourhood contacts removed after their consent term"
        );
    }
    Ok(())
}

/// Registers, once per process, what the module adds to shared registries (start-page work,
/// policy count sources).
pub fn register() {
    bronnen::register();
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
        let nl = keys(include_str!("../locales/nl/preventie.ftl"));
        let en = keys(include_str!("../locales/en/preventie.ftl"));
        assert_eq!(nl, en);
        assert_eq!(super::t("nl", "preventie-nav"), "Preventie");
    }
}
