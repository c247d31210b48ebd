//! The municipal crisis organisation, on-call roster, exercises, risks and scenarios, and the crisis logbook.
//!
//! Wired into the binary (`crates/baken/src/lib.rs`) through the functions below; the module owns
//! its tables and exposes functions, as `docs/modules.md` describes.

pub mod access;
pub mod api;
pub mod demo;
pub mod html;
pub mod model;
pub mod risico;
pub mod store;
pub mod werk;

use platform::db::Db;
use platform::web::{AppState, ModuleNav};
use utoipa_axum::router::OpenApiRouter;

platform::module_texts!();

/// The roles of the crisis organisation whose accounts a person in it can be linked to.
pub const ROLLEN: [platform::access::Role; 2] = [
    platform::access::Role::Crisisbeheersing,
    platform::access::Role::Burgemeester,
];

#[derive(Debug, thiserror::Error)]
pub enum CrisisError {
    #[error(transparent)]
    Db(#[from] platform::db::DbError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// The module's pages.
pub fn routes() -> axum::Router<AppState> {
    html::routes().merge(risico::routes())
}

/// The module's API under `/api/v1/crisis`.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The module's menu entry: for the crisis organisation and the burgemeester.
pub fn nav() -> Vec<ModuleNav> {
    vec![ModuleNav {
        href: "/crisis",
        label: |lang| t(lang, "crisis-nav"),
        visible: access::may_read,
    }]
}

/// Reference data, on every start (idempotent): the crisis functions.
pub async fn seed(db: &Db) -> Result<(), CrisisError> {
    store::seed(db).await?;
    Ok(())
}

/// Fictitious demo content; runs after the demo accounts exist (idempotent).
pub async fn seed_demo(db: &Db) -> Result<(), CrisisError> {
    demo::seed_demo(db).await?;
    Ok(())
}

/// Once a day: nothing yet. Crisis records (logbook, decisions) are kept permanently (Selectielijst:
/// rampenplan and crisis files "blijvend"), so there is no retention to run.
pub async fn daily(_db: &Db) -> Result<(), CrisisError> {
    Ok(())
}

/// What the policy indicators can count of the exercises: per calendar year (the year in which
/// the indicator's period starts), held exercises, those up to GBT level per kind, and whether
/// the yearly requirement is met (1 or 0).
struct Telbron {
    key: &'static str,
    label: &'static str,
    telling: store::Telling,
}

impl beleid::sources::CountSource for Telbron {
    fn key(&self) -> &'static str {
        self.key
    }
    fn label(&self) -> String {
        self.label.to_string()
    }
    fn count<'a>(
        &'a self,
        db: &'a Db,
        period: beleid::sources::Period,
    ) -> beleid::sources::CountFuture<'a> {
        Box::pin(async move {
            let jaar = i64::from(platform::db::date_nl(period.from_ms).year());
            store::tel(db, jaar, self.telling)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

static TELBRONNEN: [Telbron; 4] = [
    Telbron {
        key: "crisis.oefeningen",
        label: "Crisisbeheersing: oefeningen gehouden (geen trainingen)",
        telling: store::Telling::Gehouden,
    },
    Telbron {
        key: "crisis.oefeningen.regionaal-gbt",
        label: "Crisisbeheersing: regionale oefeningen tot GBT-niveau gehouden",
        telling: store::Telling::TotGbt(model::Soort::Regionaal),
    },
    Telbron {
        key: "crisis.oefeningen.lokaal-gbt",
        label: "Crisisbeheersing: lokale oefeningen tot GBT-niveau gehouden",
        telling: store::Telling::TotGbt(model::Soort::Lokaal),
    },
    Telbron {
        key: "crisis.oefennorm",
        label: "Crisisbeheersing: jaarnorm oefenen gehaald (1 = ja, 0 = nee)",
        telling: store::Telling::Norm,
    },
];

/// Registers, once per process, what the module adds to shared registries: the start-page work
/// ("nu piket") and the policy count sources of the exercises.
pub fn register() {
    platform::web::work::register(&werk::WERK);
    for s in &TELBRONNEN {
        beleid::sources::register(s);
    }
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
        let nl = keys(include_str!("../locales/nl/crisis.ftl"));
        let en = keys(include_str!("../locales/en/crisis.ftl"));
        assert_eq!(nl, en);
        assert_eq!(super::t("nl", "crisis-nav"), "Crisisbeheersing");
    }
}
