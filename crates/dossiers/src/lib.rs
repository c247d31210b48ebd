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

/// The module's message for `key` with named arguments (`{ $nummer }`), strings or numbers; the
/// key itself when it is missing.
pub fn ta(lang: &str, key: &str, args: &[(&'static str, Arg)]) -> String {
    use fluent_templates::fluent_bundle::FluentValue;
    use fluent_templates::Loader;
    let id: fluent_templates::LanguageIdentifier = lang.parse().unwrap_or_default();
    let map: std::collections::HashMap<std::borrow::Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Arg::S(s) => FluentValue::from(s.clone()),
                Arg::N(n) => FluentValue::from(*n),
            };
            (std::borrow::Cow::Borrowed(*k), v)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(&id, key, &map)
        .unwrap_or_else(|| key.to_string())
}

/// An argument of a message: text, or a number (so that Fluent can choose a plural).
#[derive(Debug, Clone)]
pub enum Arg {
    S(String),
    N(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::S(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::S(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::S(s.clone())
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::N(n)
    }
}

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

#[cfg(test)]
mod tests {
    fn keys(src: &str) -> std::collections::BTreeSet<String> {
        src.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains('='))
            .filter_map(|l| l.split('=').next())
            .map(|k| k.trim().to_string())
            .collect()
    }

    /// Every key in the Dutch file exists in the English file and the other way round.
    #[test]
    fn both_languages_have_the_same_keys() {
        let nl = keys(include_str!("../locales/nl/dossiers.ftl"));
        let en = keys(include_str!("../locales/en/dossiers.ftl"));
        let only_nl: Vec<_> = nl.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&nl).collect();
        assert!(
            only_nl.is_empty() && only_en.is_empty(),
            "only in nl: {only_nl:?}; only in en: {only_en:?}"
        );
        assert_eq!(super::t("nl", "dossiers-nav"), "Dossiers");
        assert_eq!(super::t("en", "dossiers-nav-convenanten"), "Covenants");
    }

    /// Every code of the module has a label in both languages: no code shows up as text.
    #[test]
    fn every_code_has_a_label() {
        use crate::model::{self, Categorie, Fase};
        let mut codes: Vec<(&str, String)> = Vec::new();
        codes.extend(
            Categorie::ALL
                .iter()
                .map(|c| ("categorie", c.slug().to_string())),
        );
        codes.extend(Fase::ALL.iter().map(|f| ("fase", f.slug().to_string())));
        codes.extend(["1", "2", "3", "4", "onbekend"].map(|a| ("ave", a.to_string())));
        for (kind, list) in [
            ("zvh", &model::ZVH_TAFELS[..]),
            ("inwoner", &model::INWONER[..]),
            ("herkomst", &model::HERKOMST[..]),
            ("soort", &model::ITEM_SOORTEN[..]),
            ("leefgebied", &model::LEEFGEBIEDEN[..]),
            ("subject", &model::SUBJECT_SOORTEN[..]),
            ("overleg", &model::OVERLEG_SOORTEN[..]),
        ] {
            for (slug, naam) in list {
                // The Dutch label is the name the model has always used.
                assert_eq!(model::label("nl", kind, slug), *naam, "{kind}-{slug}");
                codes.push((kind, slug.to_string()));
            }
        }
        for (kind, slug) in codes {
            for lang in ["nl", "en"] {
                let key = format!("dossiers-{kind}-{slug}");
                assert_ne!(model::label(lang, kind, &slug), key, "{lang}: {key}");
            }
        }
        assert_eq!(Fase::Plan.label("nl"), "Plan van aanpak");
        assert_eq!(Fase::Plan.label("en"), "Plan of action");
    }

    #[test]
    fn plurals_and_arguments() {
        assert_eq!(
            super::t_count("nl", "dossiers-werk-taken-mij", 1),
            "open taak voor mij"
        );
        assert_eq!(
            super::t_count("nl", "dossiers-werk-taken-mij", 2),
            "open taken voor mij"
        );
    }
}
