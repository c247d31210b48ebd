//! The maatregelen module: administrative measures (sluiting 13b Opiumwet, 174a/151d Gemeentewet,
//! last onder dwangsom/bestuursdwang, tijdelijk huisverbod, crisismaatregel Wvggz, horeca-kaarten,
//! Alcoholwet 19a) with their procedure steps as a state machine, their deadlines from the
//! `termijnen` crate, and the policy ladders (horeca, Damocles, 19a) as versioned data that propose
//! the next step. Measures name persons and addresses: every access passes the access engine.

pub mod access;
pub mod api;
pub mod brief;
pub mod demo;
pub mod html;
pub mod input;
pub mod locatie;
pub mod model;
pub mod store;
pub mod werk;

use platform::db::Db;
use platform::web::{AppState, ModuleNav};

pub use demo::seed_demo;

platform::module_texts!();

pub fn nav() -> Vec<ModuleNav> {
    vec![ModuleNav {
        href: "/maatregelen",
        label: |lang| t(lang, "maatregelen-nav"),
        visible: access::may_read,
    }]
}

pub fn routes() -> axum::Router<AppState> {
    html::routes()
}

pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router()
}

/// Reference data: version 1 of the policy ladders (idempotent).
pub async fn seed(db: &Db) -> Result<(), store::StoreError> {
    store::seed(db).await
}

/// The Atw calendar with the days designated by royal decree (art. 3 lid 3 Atw) as stored by
/// this module: one query. Every deadline for measures, and `baken termijn`, is computed with it.
pub async fn kalender(db: &Db) -> Result<termijnen::Calendar, store::StoreError> {
    store::kalender(db).await
}

/// The daily work: reminders for deadlines that come near or passed, and the destruction of ended
/// measures past their retention term. Returns (mails queued, measures destroyed).
pub async fn daily(db: &Db, origin: &str) -> Result<(usize, usize), store::StoreError> {
    let vandaag = platform::db::today_nl();
    let sent = store::remind_deadlines(db, vandaag).await?;
    let destroyed = store::destroy_expired(db, vandaag, origin).await?;
    Ok((sent, destroyed.len()))
}
