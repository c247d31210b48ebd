//! The module's own Fluent strings (`locales/nl/meldingen.ftl`, `locales/en/meldingen.ftl`).

use std::collections::HashMap;

platform::module_texts!();

/// Translation helper handed to templates.
#[derive(Clone, Debug)]
pub struct I18n {
    pub lang: String,
}

impl I18n {
    pub fn new(lang: &str) -> Self {
        I18n { lang: lang.into() }
    }
    pub fn t(&self, key: &str) -> String {
        t(&self.lang, key)
    }
    /// A text with a number, in the right plural (templates hand their numbers by reference).
    pub fn count(&self, key: &str, n: &usize) -> String {
        t_count(&self.lang, key, i64::try_from(*n).unwrap_or(i64::MAX))
    }
    pub fn status(&self, slug: &str) -> String {
        t(&self.lang, &format!("melding-status-{slug}"))
    }
    pub fn termijn(&self, slug: &str) -> String {
        t(&self.lang, &format!("melding-termijn-{slug}"))
    }
    pub fn soort(&self, slug: &str) -> String {
        t(&self.lang, &format!("melding-soort-{slug}"))
    }
}

/// Values and errors of a hand-written form (the public form, with radios and file inputs).
#[derive(Clone, Debug, Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    /// (field, translated message) in the order of the form.
    pub errors: Vec<(String, String)>,
}

impl FormState {
    pub fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
    pub fn is(&self, name: &str, value: &str) -> bool {
        self.values.get(name).is_some_and(|v| v == value)
    }
    pub fn e(&self, name: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.clone())
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        fn keys(src: &str) -> std::collections::BTreeSet<String> {
            src.lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains('='))
                .filter_map(|l| l.split('=').next())
                .map(|k| k.trim().to_string())
                .collect()
        }
        let nl = keys(include_str!("../locales/nl/meldingen.ftl"));
        let en = keys(include_str!("../locales/en/meldingen.ftl"));
        assert_eq!(
            nl.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new()
        );
        assert_eq!(t("nl", "melding-status-gemeld"), "Gemeld");
        assert_eq!(t("en", "melding-status-gemeld"), "Received");
        assert_eq!(t("nl", "nav-home"), "Start", "platform fallback");
    }
}
