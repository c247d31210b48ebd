//! Eigenschappen (proptest) van de Atw-kalender en de termijnregels.
#![allow(clippy::unwrap_used)]

use jiff::civil::{date, Date, Weekday};
use proptest::prelude::*;
use termijnen::{
    add_days, bereken, bereken_met, datum_nl, easter_sunday, regels, Atw, Calendar, Duur, Opties,
    Regel,
};

/// Een datum tussen 1 januari 1990 en ongeveer 2099.
fn datum() -> impl Strategy<Value = Date> {
    (0i64..40_000).prop_map(|n| add_days(date(1990, 1, 1), n).unwrap())
}

fn regel() -> impl Strategy<Value = Regel> {
    proptest::sample::select(regels().to_vec())
}

/// Geldige opties bij een regel.
fn opties_voor(regel: Regel, keuze: u32) -> Opties {
    match regel {
        Regel::BeslistermijnBezwaar => Opties {
            adviescommissie: keuze % 2 == 1,
            verdaging_weken: Some(keuze % 7),
            dagen: None,
        },
        Regel::Zienswijze => Opties {
            dagen: Some(1 + keuze % 60),
            ..Opties::default()
        },
        _ => Opties::default(),
    }
}

fn atw_duur() -> impl Strategy<Value = Duur> {
    prop_oneof![
        (1u32..=90).prop_map(Duur::dagen),
        (1u32..=12).prop_map(Duur::weken),
        (1u32..=3).prop_map(Duur::maanden),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Een termijn waarop de Atw van toepassing is, eindigt nooit op een
    /// zaterdag, zondag of feestdag.
    #[test]
    fn atw_termijn_eindigt_op_werkdag(start in datum(), duur in atw_duur()) {
        let k = Calendar::new();
        let b = k.bereken_termijn(start, duur, Atw::Toepassen).unwrap();
        prop_assert!(b.atw_van_toepassing());
        prop_assert!(k.is_working_day(b.einde), "{} eindigt op {}", duur.omschrijving(), b.einde);
        prop_assert!(!matches!(b.einde.weekday(), Weekday::Saturday | Weekday::Sunday));
        prop_assert!(b.einde >= b.onverlengd);
        prop_assert!(add_days(b.onverlengd, 7).unwrap() > b.einde, "verlenging van hooguit een week");
    }

    /// Art. 2 Atw: een termijn van ten minste drie dagen bevat ten minste twee werkdagen.
    #[test]
    fn atw_art2_twee_werkdagen(start in datum(), dagen in 3u32..=90) {
        let k = Calendar::new();
        let b = k.bereken_termijn(start, Duur::dagen(dagen), Atw::Toepassen).unwrap();
        prop_assert!(k.working_days_between(start, b.einde) >= 2);
    }

    /// Een dag later beginnen laat een termijn nooit eerder eindigen.
    #[test]
    fn later_begin_nooit_eerder_einde(start in datum(), duur in atw_duur()) {
        let k = Calendar::new();
        let a = k.bereken_termijn(start, duur, Atw::Toepassen).unwrap();
        let b = k.bereken_termijn(start.tomorrow().unwrap(), duur, Atw::Toepassen).unwrap();
        prop_assert!(b.einde >= a.einde);
    }

    /// Een dag langer laat een termijn nooit eerder eindigen (binnen de Atw-grens van 90 dagen).
    #[test]
    fn langere_termijn_nooit_eerder_einde(start in datum(), dagen in 1u32..90) {
        let k = Calendar::new();
        let a = k.bereken_termijn(start, Duur::dagen(dagen), Atw::Toepassen).unwrap();
        let b = k.bereken_termijn(start, Duur::dagen(dagen + 1), Atw::Toepassen).unwrap();
        prop_assert!(b.einde >= a.einde);
    }

    /// Voor elke regel: een dag later als DATUM geeft nooit een eerdere uitkomst;
    /// met Atw eindigt de termijn op een werkdag; de uitleg noemt de datum voluit.
    #[test]
    fn regels_monotoon_en_uitgelegd(r in regel(), start in datum(), keuze in 0u32..100) {
        let opties = opties_voor(r, keuze);
        let a = bereken(r, start, &opties).unwrap();
        let b = bereken(r, start.tomorrow().unwrap(), &opties).unwrap();
        prop_assert!(b.datum >= a.datum, "{r}: {} → {}, {} → {}", start, a.datum, start.tomorrow().unwrap(), b.datum);
        prop_assert!(a.datum > start);
        if a.atw_van_toepassing {
            prop_assert!(Calendar::new().is_working_day(a.datum), "{r}: {}", a.uitleg);
        }
        prop_assert!(a.uitleg.contains(&datum_nl(a.datum)), "{}", a.uitleg);
    }

    /// Extra (bij KB gelijkgestelde) dagen laten een termijn nooit eerder eindigen.
    #[test]
    fn extra_dagen_nooit_eerder(r in regel(), start in datum(), extra in proptest::collection::vec(0i64..120, 0..6)) {
        let mut k = Calendar::new();
        for n in extra {
            k.add_extra_day(add_days(start, n).unwrap(), "gelijkgesteld");
        }
        let zonder = bereken(r, start, &Opties::default()).unwrap();
        let met = bereken_met(&k, r, start, &Opties::default()).unwrap();
        prop_assert!(met.datum >= zonder.datum);
    }

    /// Pasen valt altijd op een zondag tussen 22 maart en 25 april.
    #[test]
    fn pasen_op_zondag(jaar in 1583i16..=9999) {
        let p = easter_sunday(jaar).unwrap();
        prop_assert_eq!(p.weekday(), Weekday::Sunday);
        prop_assert!(p >= date(jaar, 3, 22) && p <= date(jaar, 4, 25));
    }

    /// De feestdagen van een jaar: in dat jaar, gesorteerd, geen werkdag, 8 of 9 stuks.
    #[test]
    fn feestdagen_van_een_jaar(jaar in 1990i16..=2100) {
        let k = Calendar::new();
        let lijst = k.holidays(jaar).unwrap();
        prop_assert!(lijst.len() == 9 || lijst.len() == 8);
        prop_assert!(lijst.windows(2).all(|w| w[0].datum < w[1].datum));
        for f in &lijst {
            prop_assert_eq!(f.datum.year(), jaar);
            prop_assert!(!k.is_working_day(f.datum));
            prop_assert!(k.is_holiday(f.datum));
        }
    }
}

/// Een datum van 1 januari 2020 tot en met 31 december 2035.
fn datum_2020_2035() -> impl Strategy<Value = Date> {
    (0i64..5844).prop_map(|n| add_days(date(2020, 1, 1), n).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Met de dagen van de besluiten tot gelijkstelling (2023–2028): een Atw-termijn eindigt
    /// nooit op een gelijkgestelde dag, en nooit eerder dan zonder die dagen.
    #[test]
    fn gelijkgestelde_dagen_van_de_besluiten(start in datum_2020_2035(), duur in atw_duur(), r in regel(), keuze in 0u32..100) {
        let kb = Calendar::met_bekende_besluiten();
        let b = kb.bereken_termijn(start, duur, Atw::Toepassen).unwrap();
        prop_assert!(kb.is_working_day(b.einde), "{} na {start} eindigt op {}", duur.omschrijving(), b.einde);
        let zonder = Calendar::new().bereken_termijn(start, duur, Atw::Toepassen).unwrap();
        prop_assert!(b.einde >= zonder.einde);
        let opties = opties_voor(r, keuze);
        let met = bereken_met(&kb, r, start, &opties).unwrap();
        prop_assert!(met.datum >= bereken(r, start, &opties).unwrap().datum);
        if met.atw_van_toepassing {
            prop_assert!(kb.is_working_day(met.datum), "{r}: {}", met.uitleg);
        }
    }
}
