//! Translations through Fluent files (`locales/nl`, `locales/en`); Dutch is the default.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nl",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub const SUPPORTED: [&str; 2] = ["nl", "en"];

pub fn normalize(lang: &str) -> Option<&'static str> {
    SUPPORTED.into_iter().find(|l| lang.eq_ignore_ascii_case(l))
}

fn langid(lang: &str) -> LanguageIdentifier {
    lang.parse().unwrap_or_default()
}

/// The message for `key`, or the key itself when it is missing (visible, never a crash).
pub fn t(lang: &str, key: &str) -> String {
    LOCALES
        .try_lookup(&langid(lang), key)
        .unwrap_or_else(|| key.to_string())
}

pub fn t_args(lang: &str, key: &str, args: &[(&'static str, String)]) -> String {
    let map: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(&langid(lang), key, &map)
        .unwrap_or_else(|| key.to_string())
}

/// A module's own Fluent texts: loads the calling crate's `locales/` (Dutch default) and defines
/// `pub fn t(lang, key)`, which falls back to the platform's texts, then to the key itself.
/// The calling crate depends on `fluent-templates`.
#[macro_export]
macro_rules! module_texts {
    () => {
        ::fluent_templates::static_loader! {
            static LOCALES = {
                locales: "./locales",
                fallback_language: "nl",
                customise: |bundle| bundle.set_use_isolating(false),
            };
        }

        /// The module's message for `key` in `lang`; the platform's as fallback, then the key.
        pub fn t(lang: &str, key: &str) -> String {
            use ::fluent_templates::Loader;
            let id: ::fluent_templates::LanguageIdentifier = lang.parse().unwrap_or_default();
            LOCALES
                .try_lookup(&id, key)
                .unwrap_or_else(|| $crate::web::i18n::t(lang, key))
        }

        /// The module's message for `key` with the number `$count`, so that Fluent chooses the
        /// plural ("1 melding", "2 meldingen"); the key itself when it is missing.
        #[allow(dead_code)] // not every module counts things in its texts
        pub fn t_count(lang: &str, key: &str, count: i64) -> String {
            use ::fluent_templates::Loader;
            let id: ::fluent_templates::LanguageIdentifier = lang.parse().unwrap_or_default();
            let args: ::std::collections::HashMap<
                ::std::borrow::Cow<'static, str>,
                ::fluent_templates::fluent_bundle::FluentValue,
            > = [(
                ::std::borrow::Cow::Borrowed("count"),
                ::fluent_templates::fluent_bundle::FluentValue::from(count),
            )]
            .into_iter()
            .collect();
            LOCALES
                .try_lookup_with_args(&id, key, &args)
                .unwrap_or_else(|| key.to_string())
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key in the Dutch file exists in the English file and the other way round.
    #[test]
    fn both_languages_have_the_same_keys() {
        fn keys(src: &str) -> std::collections::BTreeSet<String> {
            src.lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains('='))
                .filter_map(|l| l.split('=').next())
                .map(|k| k.trim().to_string())
                .collect()
        }
        let nl = keys(include_str!("../../locales/nl/main.ftl"));
        let en = keys(include_str!("../../locales/en/main.ftl"));
        let only_nl: Vec<_> = nl.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&nl).collect();
        assert!(
            only_nl.is_empty() && only_en.is_empty(),
            "only nl: {only_nl:?}; only en: {only_en:?}"
        );
        assert!(nl.len() > 50);
    }

    #[test]
    fn lookups_and_fallback() {
        assert_eq!(t("nl", "nav-home"), "Start");
        assert_eq!(t("en", "nav-home"), "Home");
        assert_eq!(t("nl", "no-such-key"), "no-such-key");
    }
}
