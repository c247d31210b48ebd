//! What the council report can count of preventie: activities held and their reach (attendance),
//! all and per kind, registered as policy count sources (`beleid::sources`).

use beleid::sources::{CountFuture, CountSource, Period};
use platform::db::Db;

use crate::model::Soort;
use crate::store::{self, Telling};

struct Bron {
    key: &'static str,
    label: String,
    telling: Telling,
    soort: Option<Soort>,
}

impl CountSource for Bron {
    fn key(&self) -> &'static str {
        self.key
    }
    fn label(&self) -> String {
        self.label.clone()
    }
    fn count<'a>(&'a self, db: &'a Db, period: Period) -> CountFuture<'a> {
        Box::pin(async move {
            store::tel_activiteiten(
                db,
                self.telling,
                self.soort,
                period.from_ms,
                period.until_ms,
            )
            .await
            .map_err(|e| e.to_string())
        })
    }
}

/// The sources as (key, Dutch label, what, kind); the keys are stable, indicators refer to them.
fn bronnen() -> Vec<Bron> {
    let mut out = vec![
        Bron {
            key: "preventie.activiteiten",
            label: "Voorlichting en campagnes gehouden (alle soorten)".into(),
            telling: Telling::Gehouden,
            soort: None,
        },
        Bron {
            key: "preventie.bereik",
            label: "Bereik voorlichting en campagnes: opkomst (alle soorten)".into(),
            telling: Telling::Bereik,
            soort: None,
        },
    ];
    for s in Soort::ALL {
        let (gehouden, bereik): (&'static str, &'static str) = match s {
            Soort::Themaavond => (
                "preventie.activiteiten.themaavond",
                "preventie.bereik.themaavond",
            ),
            Soort::Ondernemersavond => (
                "preventie.activiteiten.ondernemersavond",
                "preventie.bereik.ondernemersavond",
            ),
            Soort::Informatiebijeenkomst => (
                "preventie.activiteiten.informatiebijeenkomst",
                "preventie.bereik.informatiebijeenkomst",
            ),
            Soort::Campagne => (
                "preventie.activiteiten.campagne",
                "preventie.bereik.campagne",
            ),
        };
        out.push(Bron {
            key: gehouden,
            label: format!("Voorlichting gehouden: {}", s.naam()),
            telling: Telling::Gehouden,
            soort: Some(s),
        });
        out.push(Bron {
            key: bereik,
            label: format!("Bereik (opkomst): {}", s.naam()),
            telling: Telling::Bereik,
            soort: Some(s),
        });
    }
    out
}

/// Registers the sources (a second call is harmless: the registry ignores known keys). They live
/// as long as the process, so they are leaked once.
pub fn register() {
    for b in bronnen() {
        beleid::sources::register(Box::leak(Box::new(b)));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_source_has_its_own_key() {
        let b = super::bronnen();
        let mut keys: Vec<_> = b.iter().map(|b| b.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), b.len());
        assert_eq!(b.len(), 10);
    }
}
