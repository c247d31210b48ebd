//! De besluiten tot gelijkstelling van dagen met een algemeen erkende feestdag (art. 3 lid 3
//! Algemene termijnenwet). De regering wijst eens in de paar jaar bij koninklijk besluit dagen
//! aan (meestal de vrijdag na Hemelvaartsdag en een brugdag rond Koningsdag of de
//! feestdagen); een wettelijke termijn die op zo'n dag eindigt, loopt door tot de eerstvolgende
//! werkdag.
//!
//! Bron: legal-rules.md rij 0.7a (S): de titel van elk besluit noemt zijn dagen
//! ("Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26
//! mei 2028 met een algemeen erkende feestdag", Staatscourant). Baken levert deze dagen als
//! gegevens mee (migratie 0022, met de titel als bron); een jurist vult een nieuw besluit aan.

use jiff::civil::Date;

/// Eén besluit tot gelijkstelling met zijn dagen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gelijkstellingsbesluit {
    /// De titel van het besluit, zoals in de Staatscourant (noemt alle dagen).
    pub titel: &'static str,
    /// (jaar, maand, dag, omschrijving) van elke gelijkgestelde dag.
    pub dagen: &'static [(i16, i8, i8, &'static str)],
}

impl Gelijkstellingsbesluit {
    /// De dagen als datums met hun omschrijving. De tabel bevat alleen geldige datums
    /// (getoetst in de tests); een ongeldige zou worden overgeslagen.
    pub fn dagen(&self) -> impl Iterator<Item = (Date, &'static str)> + '_ {
        self.dagen
            .iter()
            .filter_map(|(j, m, d, naam)| Date::new(*j, *m, *d).ok().map(|x| (x, *naam)))
    }

    /// Het eerste en laatste jaar waarvoor het besluit dagen aanwijst.
    pub fn jaren(&self) -> (i16, i16) {
        let eerste = self.dagen.iter().map(|x| x.0).min().unwrap_or(0);
        let laatste = self.dagen.iter().map(|x| x.0).max().unwrap_or(0);
        (eerste, laatste)
    }
}

/// De bekende besluiten, oudste eerst: voor 2023–2025 en voor 2026–2028.
pub const GELIJKSTELLINGSBESLUITEN: &[Gelijkstellingsbesluit] = &[
    Gelijkstellingsbesluit {
        titel: "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025 met een algemeen erkende feestdag",
        dagen: &[
            (2023, 4, 28, "vrijdag na Koningsdag"),
            (2023, 5, 19, "vrijdag na Hemelvaartsdag"),
            (2024, 5, 10, "vrijdag na Hemelvaartsdag"),
            (2024, 12, 27, "vrijdag na Tweede Kerstdag"),
            (2025, 5, 30, "vrijdag na Hemelvaartsdag"),
        ],
    },
    Gelijkstellingsbesluit {
        titel: "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 met een algemeen erkende feestdag",
        dagen: &[
            (2026, 1, 2, "vrijdag na Nieuwjaarsdag"),
            (2026, 5, 15, "vrijdag na Hemelvaartsdag"),
            (2027, 5, 7, "vrijdag na Hemelvaartsdag"),
            (2028, 4, 28, "vrijdag na Koningsdag"),
            (2028, 5, 26, "vrijdag na Hemelvaartsdag"),
        ],
    },
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::nl::{datum_nl, maand_naam};
    use crate::Calendar;
    use jiff::civil::Weekday;

    #[test]
    fn elke_titel_noemt_precies_zijn_dagen() {
        for b in GELIJKSTELLINGSBESLUITEN {
            assert_eq!(b.dagen().count(), b.dagen.len(), "{}", b.titel);
            let genoemd: Vec<String> = b
                .dagen()
                .map(|(d, _)| format!("{} {} {}", d.day(), maand_naam(d.month()), d.year()))
                .collect();
            let lijst = format!(
                "{} en {}",
                genoemd[..genoemd.len() - 1].join(", "),
                genoemd[genoemd.len() - 1]
            );
            assert_eq!(
                b.titel,
                format!("Besluit gelijkstelling van {lijst} met een algemeen erkende feestdag")
            );
        }
    }

    #[test]
    fn elke_dag_is_een_vrijdag_na_een_feestdag() {
        let wet = Calendar::new();
        for b in GELIJKSTELLINGSBESLUITEN {
            for (d, naam) in b.dagen() {
                assert_eq!(d.weekday(), Weekday::Friday, "{}", datum_nl(d));
                assert!(wet.is_working_day(d), "{} is al geen werkdag", datum_nl(d));
                let donderdag = d.yesterday().unwrap();
                let feest = wet.feestdag(donderdag).unwrap();
                assert!(naam.ends_with(&feest.naam), "{naam} / {}", feest.naam);
            }
        }
        assert_eq!(GELIJKSTELLINGSBESLUITEN[0].jaren(), (2023, 2025));
        assert_eq!(GELIJKSTELLINGSBESLUITEN[1].jaren(), (2026, 2028));
    }
}
