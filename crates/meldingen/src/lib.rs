//! Module meldingen: reports from residents about safety (drugs, nuisance, suspicious premises,
//! concern about a person, …). A public form and API without login, with a tracking code; a
//! back-office work queue with per-category workflow, deadlines in working days, routing to
//! teams, history and audited access to the reporter's contact details.

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use platform::db::Db;
use platform::web::{AppState, ModuleNav};
use utoipa_axum::router::OpenApiRouter;

pub mod access;
pub mod api;
pub mod bulk;
pub mod bulk_actions;
mod demo;
pub mod filters;
pub mod geocoder;
pub mod html;
pub mod i18n;
pub mod inrichting;
pub mod kaart;
pub mod limiter;
pub mod model;
pub mod standaardteksten;
pub mod store;
pub mod werk;

pub use limiter::RateLimiter;

/// Public submissions per client per minute when nothing else is configured.
pub const DEFAULT_PUBLIC_RATE_LIMIT: u32 = 10;

/// The limit on public submissions.
#[derive(Clone, Debug, Default)]
pub struct PublicLimit {
    /// Submissions per client per minute (0 = off).
    pub per_minute: u32,
    /// Reverse proxies whose X-Forwarded-For names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

pub use kaart::Geocoding;

/// The pages without a geocoder (addresses are kept as typed); see [`routes_with`].
pub fn routes(limit: &PublicLimit) -> Router<AppState> {
    routes_with(limit, Geocoding::default())
}

/// The pages: `/melden` (public) and `/meldingen` (back office), public submissions limited,
/// addresses found through `geocoding`.
pub fn routes_with(limit: &PublicLimit, geocoding: Geocoding) -> Router<AppState> {
    let limiter = Arc::new(RateLimiter::new(
        limit.per_minute,
        limit.trusted_proxies.clone(),
    ));
    let lookups = Arc::new(RateLimiter::new(
        limit
            .per_minute
            .saturating_mul(limiter::LOOKUPS_PER_SUBMISSION),
        limit.trusted_proxies.clone(),
    ));
    Router::new()
        .route("/melden", get(html::start))
        .route("/melden/volg", get(html::track_lookup))
        .route("/melden/gebieden.geojson", get(html::areas_geojson))
        .route("/melden/adres/zoek", get(kaart::suggest))
        .route("/melden/adres/kies", get(kaart::lookup))
        .route("/melden/adres/punt", get(kaart::reverse))
        .route("/melden/volg/{volgcode}", get(html::track))
        .route(
            "/melden/volg/{volgcode}/antwoord",
            axum::routing::post(html::answer_submit),
        )
        .route(
            "/melden/volg/{volgcode}/beoordeling",
            axum::routing::post(html::rating_submit),
        )
        .route(
            "/melden/{categorie}",
            get(html::form_page).post(html::form_submit),
        )
        .route("/meldingen", get(html::list_page))
        .route("/meldingen/selecties", post(filters::save_submit))
        .route("/meldingen/bulk", post(bulk_actions::submit))
        .route(
            "/meldingen/standaardteksten",
            get(standaardteksten::list_page).post(standaardteksten::create_submit),
        )
        .route(
            "/meldingen/standaardteksten/{id}",
            get(standaardteksten::edit_get).post(standaardteksten::edit_submit),
        )
        .route(
            "/meldingen/standaardteksten/{id}/verwijderen",
            post(standaardteksten::remove_submit),
        )
        .route(
            "/meldingen/selecties/{id}/verwijderen",
            post(filters::remove_submit),
        )
        .route("/meldingen/nieuw", get(html::intake_start))
        .route(
            "/meldingen/nieuw/{categorie}",
            get(html::intake_form).post(html::intake_submit),
        )
        .route("/meldingen/termijnen", get(html::overview_page))
        .route("/meldingen/kaart", get(kaart::map_page))
        .route("/meldingen/inrichting", get(inrichting::settings_page))
        .route("/meldingen/inrichting/regels", post(inrichting::rule_add))
        .route(
            "/meldingen/inrichting/regels/{id}/{what}",
            post(inrichting::rule_action),
        )
        .route(
            "/meldingen/inrichting/categorie/{slug}",
            get(inrichting::category_page).post(inrichting::category_submit),
        )
        .route(
            "/meldingen/inrichting/mail/{gebeurtenis}",
            get(inrichting::mail_edit_page).post(inrichting::mail_submit),
        )
        .route("/meldingen/export.csv", get(html::export_csv))
        .route("/meldingen/{id}", get(html::detail_page))
        .route("/meldingen/{id}/status", post(html::status_submit))
        .route("/meldingen/{id}/team", post(html::team_submit))
        .route("/meldingen/{id}/behandelaar", post(html::person_submit))
        .route("/meldingen/{id}/indeling", post(html::place_submit))
        .route("/meldingen/{id}/notitie", post(html::note_submit))
        .route("/meldingen/{id}/duplicaat", post(html::duplicate_submit))
        .route("/meldingen/{id}/relatie", post(html::relate_submit))
        .route("/meldingen/{id}/ontkoppel", post(html::unrelate_submit))
        .route("/meldingen/{id}/samenvoegen", post(html::merge_submit))
        .route("/meldingen/{id}/foto/{file_id}", get(html::photo))
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            limiter::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            lookups,
            limiter::limit_lookups,
        ))
        .layer(axum::Extension(geocoding))
}

/// The JSON API with its documentation, public submissions limited.
pub fn api_limited(limit: &PublicLimit) -> OpenApiRouter<AppState> {
    let limiter = Arc::new(RateLimiter::new(
        limit.per_minute,
        limit.trusted_proxies.clone(),
    ));
    api::router().layer(axum::middleware::from_fn_with_state(
        limiter,
        limiter::limit,
    ))
}

/// The JSON API with the public rate limit and the geocoder, which looks up the addresses the
/// public API receives as the form's are.
pub fn api_with(limit: &PublicLimit, geocoding: Geocoding) -> OpenApiRouter<AppState> {
    api_limited(limit).layer(axum::Extension(geocoding))
}

/// The JSON API with the default rate limit.
pub fn api() -> OpenApiRouter<AppState> {
    api_limited(&PublicLimit {
        per_minute: DEFAULT_PUBLIC_RATE_LIMIT,
        trusted_proxies: Vec::new(),
    })
}

fn show(p: &platform::access::Principal) -> bool {
    access::works_meldingen(p)
}

fn label(lang: &str) -> String {
    i18n::t(lang, "nav-meldingen")
}

/// The label of the public report form, for the welcome page.
pub fn public_label(lang: &str) -> String {
    i18n::t(lang, "public-link")
}

/// The menu entry (only for those who work the queue).
pub fn nav() -> Vec<ModuleNav> {
    vec![ModuleNav {
        href: "/meldingen",
        label,
        visible: show,
    }]
}

/// Reference data: the default categories with their workflow and the routing rules.
pub async fn seed(db: &Db) -> Result<(), platform::db::DbError> {
    store::seed(db).await
}

/// About 30 fictitious meldingen in various states (only when there are none yet).
pub async fn seed_demo(db: &Db) -> Result<(), store::StoreError> {
    store::seed_demo(db).await
}
