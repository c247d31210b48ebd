//! The monitor module: CBS regions and boundaries of the gemeente, imports of police tables
//! (47022NED, 47018NED, 47013NED) kept as versions, and series per area and crime type.
//! Figures are aggregated counts, not personal data; imports are audited.

pub mod html;
pub mod model;
pub mod store;

use platform::access::{Principal, Role};
use platform::db::Db;
use platform::web::{AppState, ModuleNav};

platform::module_texts!();

/// Real national monthly counts (0.0.0 and 1.1.1, 2019–2021) for the demo; CC BY 4.0, CBS / Politie.
pub const DEMO_NATIONAL_FILE: &str =
    include_str!("../data/politie_47022NED_NL00_typeddataset_reshaped_2019-2021.json");

/// Who may see the monitor: the gemeente's own staff (chain partners have their own figures).
pub fn may_view(p: &Principal) -> bool {
    !p.roles.is_empty()
        && p.organisation_slug == platform::seed::GEMEENTE
        && !p.has(Role::Ketenpartner)
}

pub fn nav() -> Vec<ModuleNav> {
    vec![ModuleNav {
        href: "/monitor",
        label: |lang| t(lang, "monitor-nav"),
        visible: may_view,
    }]
}

pub fn routes() -> axum::Router<AppState> {
    html::routes()
}

/// Loads the regions, boundaries and crime types on first start.
pub async fn prepare(db: &Db) -> Result<(), store::StoreError> {
    store::load_reference(db).await.map(|_| ())
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("het bestand is geweigerd; niets is geïmporteerd:\n{}", .0.iter().map(|p| format!("  regel {}: {}", p.line, p.reason)).collect::<Vec<_>>().join("\n"))]
    Refused(Vec<model::ImportProblem>),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// Imports a police file: JSON (OData TypedDataSet) or semicolon CSV (then `table` names the
/// table, e.g. 47022NED). All rows or none.
pub async fn import_file(
    db: &Db,
    file_name: &str,
    raw: &[u8],
    table: Option<&str>,
    by: &str,
) -> Result<store::ImportOutcome, ImportError> {
    let text = String::from_utf8_lossy(raw);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let parsed = if trimmed.starts_with('{') {
        model::parse_odata_json(trimmed)
    } else {
        let table = table
            .map(str::to_string)
            .or_else(|| {
                model::TABLES
                    .iter()
                    .find(|t| file_name.contains(*t))
                    .map(|t| t.to_string())
            })
            .unwrap_or_default();
        model::parse_csv(trimmed, &table)
    };
    let dataset = parsed.map_err(ImportError::Refused)?;
    Ok(store::import(db, &dataset, file_name, raw, by).await?)
}
