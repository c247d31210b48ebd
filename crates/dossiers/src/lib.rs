//! The dossiers module: multidisciplinary case files (PGA, Zorg- en Veiligheidshuis, nazorg,
//! ondermijning, jeugdgroepen, woonoverlast) on persons, locations, businesses and groups,
//! shared with chain partners strictly under a privacy covenant: a partner sees a case only
//! while its organisation takes part under a valid covenant, and then only the entries of the
//! data categories its grant covers. Every entry read is audited.

pub mod access;
pub mod api;
pub mod bench;
pub mod demo;
pub mod html;
pub mod model;
pub mod store;
pub mod werk;

use platform::db::Db;
use platform::web::{AppState, ModuleNav};

pub use demo::seed_demo;

platform::module_texts!();

pub fn nav() -> Vec<ModuleNav> {
    vec![
        ModuleNav {
            href: "/dossiers",
            label: |lang| t(lang, "dossiers-nav"),
            visible: access::mag_module_zien,
        },
        // Administrators and legal advisers keep the covenants without working in cases.
        ModuleNav {
            href: "/dossiers/convenanten",
            label: |lang| t(lang, "dossiers-nav-convenanten"),
            visible: |p| access::mag_convenanten_beheren(p) && !access::mag_module_zien(p),
        },
        // The privacy officer answers subject access requests without working in cases.
        ModuleNav {
            href: "/dossiers/inzage",
            label: |lang| t(lang, "dossiers-nav-inzage"),
            visible: |p| {
                access::mag_inzage_behandelen(p)
                    && !access::mag_module_zien(p)
                    && !access::mag_convenanten_beheren(p)
            },
        },
    ]
}

pub fn routes() -> axum::Router<AppState> {
    // A melding's page shows the case files made from it only to whoever may open them.
    meldingen::html::register_verwijzingen("dossier", dossiers_van_melding);
    html::routes()
}

fn dossiers_van_melding<'a>(
    db: &'a Db,
    p: &'a platform::access::Principal,
    melding_id: &'a str,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Vec<platform::links::Link>> + Send + 'a>> {
    Box::pin(async move {
        match store::dossiers_van_melding(db, p, melding_id).await {
            Ok(links) => links,
            Err(e) => {
                // Fail closed: a melding's page then names no case file.
                tracing::warn!(error = %e, "dossiers van melding");
                Vec::new()
            }
        }
    })
}

pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router()
}

/// Reference data: the shipped case types (idempotent).
pub async fn seed(db: &Db) -> Result<(), store::StoreError> {
    store::seed(db).await
}

/// The retention job: destroys closed cases past their term (not on legal hold), with their
/// documents.
pub async fn destroy_expired(db: &Db) -> Result<Vec<store::Vernietiging>, store::StoreError> {
    store::destroy_expired(db, store::vandaag(), "job").await
}

/// The review reminders: mails to the directing team when a case's review date has come.
pub async fn remind_reviews(db: &Db) -> Result<usize, store::StoreError> {
    store::remind_reviews(db, store::vandaag()).await
}
