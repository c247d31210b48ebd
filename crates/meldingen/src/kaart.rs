//! Maps and addresses: the address search of the form (Baken asks PDOK Locatieserver on the
//! browser's behalf, so the browser talks to Baken alone and the CSP stays `connect-src 'self'`)
//! and the back-office map of every melding of a selection.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use platform::access::Purpose;
use platform::web::forms::list_url;
use platform::web::{render, require_user, AppState, Ctx, MapTiles, Shell, WebResult};
use serde::Deserialize;

use crate::access::Werkvoorraad;
use crate::geocoder::{Address, Geocoder, GeocoderError};
use crate::html::ListQuery;
use crate::i18n::I18n;
use crate::model;
use crate::store;

/// The geocoder the pages use, or none (addresses are then taken as typed).
#[derive(Clone, Debug, Default)]
pub struct Geocoding(pub Option<Arc<Geocoder>>);

/// What a lookup of a typed address gave.
pub enum Found {
    Address(Address),
    /// The service answered and knows no such address.
    Unknown,
    /// It could not be reached in time: the address is kept as typed.
    Unreachable,
    /// No geocoder configured: addresses are kept as typed, as they always are then.
    Off,
}

impl Geocoding {
    /// The address for a text typed without JavaScript.
    pub async fn find(&self, text: &str) -> Found {
        let Some(g) = &self.0 else {
            return Found::Off;
        };
        match g.find(text).await {
            Ok(Some(a)) if model::in_netherlands(a.lat, a.lon) => Found::Address(a),
            Ok(_) => Found::Unknown,
            Err(e) => {
                tracing::warn!(error = %e, "geocoder");
                Found::Unreachable
            }
        }
    }
}

fn json_error(status: StatusCode, melding: &str) -> Response {
    (status, Json(serde_json::json!({ "fout": melding }))).into_response()
}

fn unreachable(e: &GeocoderError) -> Response {
    tracing::warn!(error = %e, "geocoder");
    json_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "De adreszoeker is nu niet bereikbaar.",
    )
}

fn no_store(r: impl IntoResponse) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], r).into_response()
}

#[derive(Deserialize)]
pub struct SuggestQuery {
    #[serde(default)]
    q: String,
}

/// Suggestions for what the resident types: `{"suggesties": [{"id", "naam"}]}`.
pub async fn suggest(
    Extension(geo): Extension<Geocoding>,
    Query(q): Query<SuggestQuery>,
) -> Response {
    let text = q.q.trim();
    if text.chars().count() < 3 || text.chars().count() > 200 {
        return no_store(Json(serde_json::json!({ "suggesties": [] })));
    }
    let Some(g) = &geo.0 else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Geen adreszoeker ingesteld.",
        );
    };
    match g.suggest(text).await {
        Ok(s) => no_store(Json(serde_json::json!({ "suggesties": s }))),
        Err(e) => unreachable(&e),
    }
}

#[derive(Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    id: String,
}

/// The picked address with its point and buurt: `{"adres", "lat", "lon", "buurt"}`.
pub async fn lookup(
    Extension(geo): Extension<Geocoding>,
    Query(q): Query<LookupQuery>,
) -> Response {
    let id = q.id.trim();
    if id.is_empty() || id.len() > 100 {
        return json_error(StatusCode::BAD_REQUEST, "Geen adres gekozen.");
    }
    let Some(g) = &geo.0 else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Geen adreszoeker ingesteld.",
        );
    };
    match g.lookup(id).await {
        Ok(Some(a)) => no_store(Json(with_buurt(a))),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "Dit adres is niet gevonden."),
        Err(e) => unreachable(&e),
    }
}

fn with_buurt(a: Address) -> serde_json::Value {
    let buurt = monitor::areas::locate(a.lon, a.lat)
        .and_then(|p| p.buurt_code)
        .and_then(|c| monitor::areas::name(&c).map(str::to_string));
    serde_json::json!({ "adres": a.adres, "lat": a.lat, "lon": a.lon, "buurt": buurt })
}

#[derive(Deserialize)]
pub struct PointQuery {
    lat: Option<f64>,
    lon: Option<f64>,
}

/// The address nearest to a clicked point: `{"adres", "buurt"}`.
pub async fn reverse(
    Extension(geo): Extension<Geocoding>,
    Query(q): Query<PointQuery>,
) -> Response {
    let (Some(lat), Some(lon)) = (q.lat, q.lon) else {
        return json_error(StatusCode::BAD_REQUEST, "Geen punt gekozen.");
    };
    if !model::in_netherlands(lat, lon) {
        return json_error(StatusCode::BAD_REQUEST, "Dit punt ligt niet in Nederland.");
    }
    let Some(g) = &geo.0 else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Geen adreszoeker ingesteld.",
        );
    };
    match g.reverse(lat, lon).await {
        Ok(Some(adres)) => no_store(Json(with_buurt(Address { adres, lat, lon }))),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "Geen adres bij dit punt."),
        Err(e) => unreachable(&e),
    }
}

// ---------------------------------------------------------------------------------------------
// Back office: every melding of the selection on the map.

/// A wijk row of the map's list.
pub struct WijkRow {
    pub naam: String,
    pub n: i64,
    pub zonder: i64,
    /// The list filtered on this wijk too (none for meldingen without a wijk).
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "meldingen_kaart.html")]
struct MapPage {
    shell: Shell,
    i: I18n,
    tiles: MapTiles,
    /// The cells as JSON for the Leaflet map (read by `clusterkaart.js`).
    cells_json: String,
    svg: String,
    total: i64,
    with_point: i64,
    without_point: i64,
    rows: Vec<WijkRow>,
    list_href: String,
    filtered: bool,
}

/// The map of the selection: every melding with a point, clustered; without JavaScript an SVG of
/// coarser clusters; and the list of the same selection counted per wijk.
pub async fn map_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = platform::access::authorize_as::<platform::access::act::List, _>(
        &state.db,
        &ctx.request,
        p,
        Werkvoorraad,
        Purpose::Uitvoering,
    )
    .await?;
    let i = I18n::new(&ctx.lang);
    let filter = q.filter(&p.user_id, store::MAX_EXPORT, 0);
    let sel = store::map_selection(&state.db, &auth, &filter).await?;
    let params = q.params();
    let filtered = params.iter().any(|(_, v)| !v.trim().is_empty());
    let total: i64 = sel.per_wijk.iter().map(|w| w.1).sum();
    let without_point: i64 = sel.per_wijk.iter().map(|w| w.2).sum();
    let mut rows: Vec<WijkRow> = sel
        .per_wijk
        .iter()
        .map(|(code, n, zonder)| WijkRow {
            naam: code
                .as_deref()
                .and_then(monitor::areas::name)
                .map(str::to_string)
                .unwrap_or_else(|| i.t("kaart-geen-wijk")),
            n: *n,
            zonder: *zonder,
            href: code.as_ref().map(|c| {
                let mut ps: Vec<(&str, &str)> = params
                    .iter()
                    .filter(|(k, _)| *k != "wijk")
                    .copied()
                    .collect();
                ps.push(("wijk", c.as_str()));
                list_url("/meldingen", &ps)
            }),
        })
        .collect();
    rows.sort_by(|a, b| b.n.cmp(&a.n).then(a.naam.cmp(&b.naam)));
    let coarse = model::merge_cells(&sel.cells, 100.0);
    let dots: Vec<(f64, f64)> = coarse.iter().map(|c| (c.lon, c.lat)).collect();
    let svg = monitor::areas::svg_map(
        &dots,
        &|_| None,
        &format!(
            "{}: {} {}",
            i.t("kaart-selectie"),
            total - without_point,
            i.t("kaart-punten")
        ),
    );
    let cells: Vec<serde_json::Value> = sel
        .cells
        .iter()
        .map(|c| match &c.id {
            Some(id) => serde_json::json!([round5(c.lat), round5(c.lon), c.n, id]),
            None => serde_json::json!([round5(c.lat), round5(c.lon), c.n]),
        })
        .collect();
    // Inside a <script type="application/json">: nothing in it may close the element.
    let cells_json = serde_json::to_string(&cells)
        .unwrap_or_else(|_| "[]".into())
        .replace('<', "\\u003c");
    let mut title = i.t("kaart-title");
    if filtered {
        title = format!("{title} ({})", i.t("selection"));
    }
    render(&MapPage {
        shell: Shell::titled(&ctx, title),
        tiles: state.settings.map_tiles.clone(),
        cells_json,
        svg,
        total,
        with_point: total - without_point,
        without_point,
        rows,
        list_href: list_url("/meldingen", &params),
        filtered,
        i,
    })
}

fn round5(v: f64) -> f64 {
    (v * 100_000.0).round() / 100_000.0
}

/// The link from the list to the map of the same selection.
pub fn map_href(q: &ListQuery) -> String {
    list_url("/meldingen/kaart", &q.params())
}
