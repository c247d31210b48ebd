//! Tabeltests met met de hand gecontroleerde datums, 2020–2035.
//!
//! Paasdatums: de bekende lijst van westerse paasdatums (controleerbaar in elke
//! almanak, bijv. nl.wikipedia "Paasdatum"), onafhankelijk nagerekend met
//! python-dateutil `easter()`. Weekdagen zijn met de hand/kalender nagekeken.
#![allow(clippy::unwrap_used)]

use jiff::civil::{date, Date};
use termijnen::{bereken, bereken_met, easter_sunday, Calendar, Opties, Regel, TermijnError};

/// (maand, dag)
type Md = (i8, i8);
/// (jaar, maand, dag)
type Jmd = (i16, i8, i8);

/// (jaar, Paaszondag, Goede Vrijdag, Hemelvaartsdag, Tweede Pinksterdag, Koningsdag)
const JAREN: [(i16, Md, Md, Md, Md, Md); 16] = [
    (2020, (4, 12), (4, 10), (5, 21), (6, 1), (4, 27)),
    (2021, (4, 4), (4, 2), (5, 13), (5, 24), (4, 27)),
    (2022, (4, 17), (4, 15), (5, 26), (6, 6), (4, 27)),
    (2023, (4, 9), (4, 7), (5, 18), (5, 29), (4, 27)),
    (2024, (3, 31), (3, 29), (5, 9), (5, 20), (4, 27)),
    (2025, (4, 20), (4, 18), (5, 29), (6, 9), (4, 26)), // 27 april is zondag
    (2026, (4, 5), (4, 3), (5, 14), (5, 25), (4, 27)),
    (2027, (3, 28), (3, 26), (5, 6), (5, 17), (4, 27)),
    (2028, (4, 16), (4, 14), (5, 25), (6, 5), (4, 27)),
    (2029, (4, 1), (3, 30), (5, 10), (5, 21), (4, 27)),
    (2030, (4, 21), (4, 19), (5, 30), (6, 10), (4, 27)),
    (2031, (4, 13), (4, 11), (5, 22), (6, 2), (4, 26)), // 27 april is zondag
    (2032, (3, 28), (3, 26), (5, 6), (5, 17), (4, 27)),
    (2033, (4, 17), (4, 15), (5, 26), (6, 6), (4, 27)),
    (2034, (4, 9), (4, 7), (5, 18), (5, 29), (4, 27)),
    (2035, (3, 25), (3, 23), (5, 3), (5, 14), (4, 27)),
];

fn d(jaar: i16, (m, dag): Md) -> Date {
    date(jaar, m, dag)
}

#[test]
fn paaszondag_2020_2035() {
    for (jaar, pasen, ..) in JAREN {
        assert_eq!(easter_sunday(jaar).unwrap(), d(jaar, pasen), "Pasen {jaar}");
    }
}

#[test]
fn feestdagen_2020_2035() {
    let k = Calendar::new();
    for (jaar, pasen, goede_vrijdag, hemelvaart, pinksteren2, koningsdag) in JAREN {
        let tweede_paasdag = easter_sunday(jaar).unwrap().tomorrow().unwrap();
        assert_eq!(tweede_paasdag, d(jaar, pasen).tomorrow().unwrap());
        let verwacht = vec![
            (date(jaar, 1, 1), "Nieuwjaarsdag"),
            (d(jaar, goede_vrijdag), "Goede Vrijdag"),
            (tweede_paasdag, "Tweede Paasdag"),
            (d(jaar, koningsdag), "Koningsdag"),
            (date(jaar, 5, 5), "Bevrijdingsdag"),
            (d(jaar, hemelvaart), "Hemelvaartsdag"),
            (d(jaar, pinksteren2), "Tweede Pinksterdag"),
            (date(jaar, 12, 25), "Eerste Kerstdag"),
            (date(jaar, 12, 26), "Tweede Kerstdag"),
        ];
        let mut verwacht = verwacht;
        verwacht.sort_by_key(|(datum, _)| *datum);
        let lijst: Vec<(Date, String)> = k
            .holidays(jaar)
            .unwrap()
            .into_iter()
            .map(|f| (f.datum, f.naam))
            .collect();
        let verwacht: Vec<(Date, String)> = verwacht
            .into_iter()
            .map(|(datum, naam)| (datum, naam.to_string()))
            .collect();
        assert_eq!(lijst, verwacht, "feestdagen {jaar}");
        for (datum, _) in &lijst {
            assert!(!k.is_working_day(*datum), "{datum} is geen werkdag");
        }
    }
}

#[test]
fn koningsdag_op_zondag() {
    let k = Calendar::new();
    for jaar in [2025, 2031] {
        assert!(k.is_holiday(date(jaar, 4, 26)), "26 april {jaar}");
        assert!(
            !k.is_holiday(date(jaar, 4, 27)),
            "27 april {jaar} is zondag, geen Koningsdag"
        );
    }
    // Andere jaren: 26 april is een gewone dag.
    assert!(k.is_working_day(date(2029, 4, 26)));
    assert!(!k.is_working_day(date(2029, 4, 27)));
}

#[test]
fn eerste_paas_en_pinksterdag_en_witte_donderdag() {
    // Eerste Paas- en Pinksterdag zijn zondag (niet in art. 3); Witte Donderdag is een werkdag.
    let k = Calendar::new();
    assert!(!k.is_holiday(date(2026, 4, 5)));
    assert!(!k.is_holiday(date(2026, 5, 24)));
    assert!(k.is_working_day(date(2026, 4, 2)));
    // Vrijdag na Hemelvaartsdag: werkdag, tenzij bij KB gelijkgesteld (gegevens).
    assert!(k.is_working_day(date(2026, 5, 15)));
}

/// (regel, datum, verwachte einddatum, toelichting)
const TERMIJNEN: &[(Regel, Jmd, Jmd, &str)] = &[
    // Oud en nieuw: za 31-12-2033, zo 1-1-2034 Nieuwjaarsdag → ma 2-1-2034.
    (
        Regel::Bezwaar,
        (2033, 11, 19),
        (2034, 1, 2),
        "Nieuwjaarsdag op zondag",
    ),
    (
        Regel::Bezwaar,
        (2022, 11, 19),
        (2023, 1, 2),
        "oudjaar za, Nieuwjaarsdag zo",
    ),
    // Pasen: Goede Vrijdag 29-3-2024, Tweede Paasdag 1-4-2024 → di 2-4-2024.
    (
        Regel::Bezwaar,
        (2024, 2, 16),
        (2024, 4, 2),
        "Goede Vrijdag t/m Tweede Paasdag",
    ),
    (
        Regel::Bezwaar,
        (2028, 3, 3),
        (2028, 4, 18),
        "Goede Vrijdag 2028",
    ),
    (
        Regel::Bezwaar,
        (2029, 2, 19),
        (2029, 4, 3),
        "Tweede Paasdag 2029",
    ),
    // Hemelvaart: do 14-5-2026 → vr 15-5-2026 (geen gelijkstelling in de standaardkalender).
    (
        Regel::Bezwaar,
        (2026, 4, 2),
        (2026, 5, 15),
        "Hemelvaartsdag 2026",
    ),
    (
        Regel::Bezwaar,
        (2020, 4, 9),
        (2020, 5, 22),
        "Hemelvaartsdag 2020",
    ),
    (
        Regel::Bezwaar,
        (2032, 3, 25),
        (2032, 5, 7),
        "Hemelvaartsdag 2032",
    ),
    (
        Regel::Bezwaar,
        (2035, 3, 22),
        (2035, 5, 4),
        "Hemelvaartsdag 3 mei 2035",
    ),
    // Pinksteren: za 15-5-2027, zo, ma 17-5 Tweede Pinksterdag → di 18-5-2027.
    (
        Regel::Bezwaar,
        (2027, 4, 3),
        (2027, 5, 18),
        "Pinksteren 2027",
    ),
    (
        Regel::Bezwaar,
        (2021, 4, 12),
        (2021, 5, 25),
        "Tweede Pinksterdag 2021",
    ),
    (
        Regel::Bezwaar,
        (2034, 4, 17),
        (2034, 5, 30),
        "Tweede Pinksterdag 2034",
    ),
    // Koningsdag: ma 27-4-2026 → di 28-4; op zondag → za 26-4 (2025, 2031).
    (
        Regel::Bezwaar,
        (2026, 3, 16),
        (2026, 4, 28),
        "Koningsdag op maandag",
    ),
    (
        Regel::Bezwaar,
        (2025, 3, 15),
        (2025, 4, 28),
        "Koningsdag op zaterdag 26 april",
    ),
    (
        Regel::Bezwaar,
        (2031, 3, 15),
        (2031, 4, 28),
        "Koningsdag op zaterdag 26 april",
    ),
    // Bevrijdingsdag elk jaar: di 5-5-2026 → wo 6-5-2026.
    (
        Regel::Bezwaar,
        (2026, 3, 24),
        (2026, 5, 6),
        "Bevrijdingsdag",
    ),
    // Kerst: wo 25-12-2030, do 26-12 → vr 27-12-2030.
    (Regel::Bezwaar, (2030, 11, 13), (2030, 12, 27), "Kerst 2030"),
    (
        Regel::Bezwaar,
        (2022, 11, 14),
        (2022, 12, 27),
        "Tweede Kerstdag op maandag",
    ),
    // Geen verlenging.
    (
        Regel::Bezwaar,
        (2025, 1, 20),
        (2025, 3, 3),
        "gewone maandag",
    ),
    (
        Regel::Beroep,
        (2029, 11, 17),
        (2029, 12, 31),
        "za → ma 31 december",
    ),
    (
        Regel::HogerBeroep,
        (2021, 11, 13),
        (2021, 12, 27),
        "Kerst in het weekend",
    ),
    // Beslistermijn bezwaar: bezwaartermijn t/m vr 15-5-2026 (Hemelvaart), dan 6 weken.
    (
        Regel::BeslistermijnBezwaar,
        (2026, 4, 2),
        (2026, 6, 26),
        "6 weken",
    ),
    (
        Regel::BeslistermijnBezwaar,
        (2033, 11, 19),
        (2034, 2, 13),
        "na verlengde bezwaartermijn",
    ),
    // Zienswijze: 14 dagen, geen Atw: vr 26-12-2025 blijft staan.
    (
        Regel::Zienswijze,
        (2025, 12, 12),
        (2025, 12, 26),
        "geen Atw",
    ),
    // Huisverbod: 10 dagen / 4 weken, geen Atw.
    (
        Regel::HuisverbodEinde,
        (2025, 12, 22),
        (2026, 1, 1),
        "eindigt op Nieuwjaarsdag",
    ),
    (
        Regel::HuisverbodVerlengingUiterlijk,
        (2025, 12, 22),
        (2026, 1, 19),
        "4 weken",
    ),
    // Crisismaatregel: 3 kalenderdagen.
    (
        Regel::CrisismaatregelEinde,
        (2025, 12, 24),
        (2025, 12, 27),
        "eindigt op zaterdag",
    ),
    (
        Regel::CrisismaatregelEinde,
        (2025, 1, 3),
        (2025, 1, 6),
        "over het weekend",
    ),
    // Voortzetting: 3 dagen zonder weekend/feestdagen.
    (
        Regel::CrisismaatregelVoortzettingUiterlijk,
        (2025, 4, 17),
        (2025, 4, 24),
        "Pasen",
    ),
    (
        Regel::CrisismaatregelVoortzettingUiterlijk,
        (2025, 12, 24),
        (2025, 12, 31),
        "Kerst",
    ),
    // Bibob: 8 weken → ma 27-4-2026 Koningsdag → di 28-4; 12 weken → ma 25-5-2026
    // Tweede Pinksterdag → di 26-5.
    (
        Regel::BibobAdvies,
        (2026, 3, 2),
        (2026, 4, 28),
        "Koningsdag",
    ),
    (
        Regel::BibobAdviesVerlengd,
        (2026, 3, 2),
        (2026, 5, 26),
        "Tweede Pinksterdag",
    ),
    // Dwangsom: 1 jaar, geen Atw.
    (
        Regel::DwangsomVerjaring,
        (2024, 2, 29),
        (2025, 2, 28),
        "schrikkeldag",
    ),
    (
        Regel::DwangsomVerjaring,
        (2024, 12, 14),
        (2025, 12, 14),
        "eindigt op zondag",
    ),
];

#[test]
fn termijnen_tabel() {
    for (regel, (j, m, dag), (ej, em, ed), toelichting) in TERMIJNEN {
        let t = bereken(*regel, date(*j, *m, *dag), &Opties::default()).unwrap();
        assert_eq!(
            t.datum,
            date(*ej, *em, *ed),
            "{regel} {j}-{m}-{dag} ({toelichting}): {}",
            t.uitleg
        );
        assert!(
            t.uitleg.contains(&termijnen::datum_nl(t.datum)),
            "{}",
            t.uitleg
        );
        assert_eq!(t.grondslag, regel.grondslag());
    }
}

#[test]
fn uitleg_oud_en_nieuw() {
    let t = bereken(Regel::Bezwaar, date(2033, 11, 19), &Opties::default()).unwrap();
    assert_eq!(
        t.uitleg,
        "Bezwaartermijn: 6 weken na de dag van bekendmaking van het besluit (zaterdag 19 november 2033), \
         dus tot en met zaterdag 31 december 2033; verlengd tot maandag 2 januari 2034 op grond van \
         art. 1 Atw (zaterdag 31 december 2033 is een zaterdag; zondag 1 januari 2034 is Nieuwjaarsdag)."
    );
    assert!(t.atw_van_toepassing);
}

#[test]
fn uitleg_koningsdag_op_zaterdag() {
    let t = bereken(Regel::Bezwaar, date(2025, 3, 15), &Opties::default()).unwrap();
    assert!(t
        .uitleg
        .contains("zaterdag 26 april 2025 is Koningsdag; zondag 27 april 2025 is een zondag"));
}

#[test]
fn uitleg_zonder_verlenging() {
    let t = bereken(Regel::Bezwaar, date(2025, 1, 20), &Opties::default()).unwrap();
    assert!(t
        .uitleg
        .contains("dus tot en met maandag 3 maart 2025; geen verlenging"));
}

#[test]
fn beslistermijn_met_adviescommissie_en_verdaging() {
    let k = |adviescommissie, verdaging_weken| Opties {
        adviescommissie,
        verdaging_weken,
        dagen: None,
    };
    let bekend = date(2026, 4, 2);
    let t = bereken(Regel::BeslistermijnBezwaar, bekend, &k(true, None)).unwrap();
    assert_eq!(t.datum, date(2026, 8, 7));
    assert!(t.uitleg.contains("ECLI:NL:RVS:2016:2233"));
    let t = bereken(Regel::BeslistermijnBezwaar, bekend, &k(true, Some(6))).unwrap();
    assert_eq!(t.datum, date(2026, 9, 18));
    assert!(
        !t.atw_van_toepassing,
        "18 weken valt buiten de Atw (art. 4)"
    );

    // Bekendmaking wo 21-8-2030 → bezwaartermijn t/m wo 2-10-2030; 6 + 6 = 12 weken →
    // wo 25-12-2030 Eerste Kerstdag → vr 27-12 (Atw). 12 weken adviescommissie idem.
    let t = bereken(
        Regel::BeslistermijnBezwaar,
        date(2030, 8, 21),
        &k(false, Some(6)),
    )
    .unwrap();
    assert_eq!(t.datum, date(2030, 12, 27));
    assert!(t.atw_van_toepassing);
    assert!(t.uitleg.contains("verdaging"));
    let t = bereken(
        Regel::BeslistermijnBezwaar,
        date(2030, 8, 21),
        &k(true, None),
    )
    .unwrap();
    assert_eq!(t.datum, date(2030, 12, 27));

    // Bekendmaking wo 10-7-2030 → bezwaartermijn t/m wo 21-8-2030; 12 + 6 = 18 weken →
    // wo 25-12-2030, niet verlengd.
    let t = bereken(
        Regel::BeslistermijnBezwaar,
        date(2030, 7, 10),
        &k(true, Some(6)),
    )
    .unwrap();
    assert_eq!(t.datum, date(2030, 12, 25));
    assert!(t.uitleg.contains("art. 4 Atw"));
    assert!(t.uitleg.contains("Eerste Kerstdag"));
}

#[test]
fn zienswijze_dagen() {
    let o = Opties {
        dagen: Some(10),
        ..Opties::default()
    };
    let t = bereken(Regel::Zienswijze, date(2025, 12, 12), &o).unwrap();
    assert_eq!(t.datum, date(2025, 12, 22));
    assert!(!t.uitleg.contains("gebruikelijke gemeentelijke praktijk"));
    let t = bereken(Regel::Zienswijze, date(2025, 12, 12), &Opties::default()).unwrap();
    assert!(t.uitleg.contains("gebruikelijke gemeentelijke praktijk"));
    assert!(t.uitleg.contains("bijvoorbeeld maandag 29 december 2025"));
    assert!(!t.atw_van_toepassing);
}

#[test]
fn huisverbod_noemt_beslisdag_verlenging() {
    let t = bereken(
        Regel::HuisverbodVerlengingUiterlijk,
        date(2025, 12, 22),
        &Opties::default(),
    )
    .unwrap();
    assert!(t.uitleg.contains("uiterlijk donderdag 1 januari 2026"));
    let t = bereken(
        Regel::HuisverbodEinde,
        date(2025, 12, 22),
        &Opties::default(),
    )
    .unwrap();
    assert!(t.uitleg.contains("niet van toepassing"));
    assert!(t
        .uitleg
        .contains("ook al is donderdag 1 januari 2026 Nieuwjaarsdag"));
}

#[test]
fn crisismaatregel_uitleg() {
    let t = bereken(
        Regel::CrisismaatregelEinde,
        date(2025, 12, 24),
        &Opties::default(),
    )
    .unwrap();
    assert!(t.uitleg.contains("tellen gewoon mee"));
    let t = bereken(
        Regel::CrisismaatregelVoortzettingUiterlijk,
        date(2025, 4, 17),
        &Opties::default(),
    )
    .unwrap();
    assert!(t.uitleg.contains("vrijdag 18 april 2025 is Goede Vrijdag"));
    assert!(t.uitleg.contains("maandag 21 april 2025 is Tweede Paasdag"));
}

#[test]
fn dwangsom_uitleg() {
    let t = bereken(
        Regel::DwangsomVerjaring,
        date(2024, 12, 14),
        &Opties::default(),
    )
    .unwrap();
    assert!(t.uitleg.contains("art. 4 Atw"));
    assert!(t.uitleg.contains("5:35 lid 2"));
    assert!(!t.atw_van_toepassing);
}

#[test]
fn gelijkgestelde_dag_verlengt() {
    let k = Calendar::new().with_extra_day(date(2026, 5, 15), "vrijdag na Hemelvaartsdag (KB)");
    let t = bereken_met(&k, Regel::Bezwaar, date(2026, 4, 2), &Opties::default()).unwrap();
    assert_eq!(t.datum, date(2026, 5, 18));
    assert!(t
        .uitleg
        .contains("vrijdag 15 mei 2026 is vrijdag na Hemelvaartsdag (KB)"));
    assert!(
        t.uitleg.contains("art. 3 lid 3 Atw (koninklijk besluit)"),
        "{}",
        t.uitleg
    );
}

#[test]
fn foutieve_opties() {
    let bekend = date(2025, 1, 20);
    let advies = Opties {
        adviescommissie: true,
        ..Opties::default()
    };
    assert_eq!(
        bereken(Regel::Bezwaar, bekend, &advies),
        Err(TermijnError::OptieNietVanToepassing {
            optie: "--adviescommissie",
            regel: "bezwaar"
        })
    );
    let dagen = Opties {
        dagen: Some(14),
        ..Opties::default()
    };
    assert!(bereken(Regel::Bezwaar, bekend, &dagen).is_err());
    let verdaging = Opties {
        verdaging_weken: Some(7),
        ..Opties::default()
    };
    assert_eq!(
        bereken(Regel::BeslistermijnBezwaar, bekend, &verdaging),
        Err(TermijnError::VerdagingTeLang { weken: 7 })
    );
    assert!(bereken(Regel::Zienswijze, bekend, &verdaging).is_err());
    let nul = Opties {
        dagen: Some(0),
        ..Opties::default()
    };
    assert_eq!(
        bereken(Regel::Zienswijze, bekend, &nul),
        Err(TermijnError::OngeldigAantalDagen { dagen: 0 })
    );
    assert_eq!(
        bereken(
            Regel::DwangsomVerjaring,
            date(9999, 6, 1),
            &Opties::default()
        ),
        Err(TermijnError::BuitenBereik)
    );
}

/// (bekendmaking, laatste dag van de bezwaartermijn met de besluiten, toelichting). Met de hand
/// nagerekend: zes weken na de bekendmaking valt op de gelijkgestelde vrijdag, dan volgen
/// zaterdag en zondag, dus de maandag.
const GELIJKGESTELD: &[(Jmd, Jmd, &str)] = &[
    (
        (2023, 3, 17),
        (2023, 5, 1),
        "vrijdag 28 april 2023, na Koningsdag",
    ),
    (
        (2023, 4, 7),
        (2023, 5, 22),
        "vrijdag 19 mei 2023, na Hemelvaartsdag",
    ),
    (
        (2024, 3, 29),
        (2024, 5, 13),
        "vrijdag 10 mei 2024, na Hemelvaartsdag",
    ),
    (
        (2024, 11, 15),
        (2024, 12, 30),
        "vrijdag 27 december 2024, na Tweede Kerstdag",
    ),
    (
        (2025, 4, 18),
        (2025, 6, 2),
        "vrijdag 30 mei 2025, na Hemelvaartsdag",
    ),
    (
        (2025, 11, 21),
        (2026, 1, 5),
        "vrijdag 2 januari 2026, na Nieuwjaarsdag",
    ),
    (
        (2026, 4, 2),
        (2026, 5, 18),
        "Hemelvaartsdag 14 mei 2026 en vrijdag 15 mei",
    ),
    ((2026, 4, 3), (2026, 5, 18), "vrijdag 15 mei 2026"),
    (
        (2027, 3, 26),
        (2027, 5, 10),
        "vrijdag 7 mei 2027, na Hemelvaartsdag",
    ),
    (
        (2028, 3, 17),
        (2028, 5, 1),
        "vrijdag 28 april 2028, na Koningsdag",
    ),
    (
        (2028, 4, 14),
        (2028, 5, 29),
        "vrijdag 26 mei 2028, na Hemelvaartsdag",
    ),
];

#[test]
fn gelijkgestelde_dagen_van_beide_besluiten() {
    use termijnen::GELIJKSTELLINGSBESLUITEN;
    let kb = Calendar::met_bekende_besluiten();
    assert_eq!(kb.extra_days().count(), 10);
    for ((j, m, dag), (ej, em, ed), toelichting) in GELIJKGESTELD {
        let t = bereken_met(&kb, Regel::Bezwaar, date(*j, *m, *dag), &Opties::default()).unwrap();
        assert_eq!(t.datum, date(*ej, *em, *ed), "{toelichting}: {}", t.uitleg);
        assert!(
            t.uitleg
                .contains("art. 3 lid 3 Atw (koninklijk besluit): Besluit gelijkstelling van"),
            "{}",
            t.uitleg
        );
        // Zonder de besluiten eindigt de termijn eerder: op de gelijkgestelde vrijdag zelf.
        let zonder = bereken(Regel::Bezwaar, date(*j, *m, *dag), &Opties::default()).unwrap();
        assert!(zonder.datum < t.datum, "{toelichting}");
    }
    // Elke dag van elk besluit verlengt een wettelijke termijn die erop eindigt tot de
    // eerstvolgende werkdag, en de uitleg noemt het besluit dat de dag aanwees.
    for besluit in GELIJKSTELLINGSBESLUITEN {
        for (dag, naam) in besluit.dagen() {
            assert!(!kb.is_working_day(dag), "{dag}");
            assert!(Calendar::new().is_working_day(dag), "{dag}");
            let bekend = termijnen::add_days(dag, -42).unwrap();
            let t = bereken_met(&kb, Regel::Bezwaar, bekend, &Opties::default()).unwrap();
            assert_eq!(t.datum, kb.next_working_day(dag).unwrap(), "{dag}");
            let zin = format!(
                "{} is {naam}, gelijkgesteld met een algemeen erkende feestdag op grond van art. 3 lid 3 Atw (koninklijk besluit): {}",
                termijnen::datum_nl(dag),
                besluit.titel
            );
            assert!(t.uitleg.contains(&zin), "{}", t.uitleg);
        }
    }
    // De beslistermijn op bezwaar telt vanaf het verlengde einde van de bezwaartermijn.
    let t = bereken_met(
        &kb,
        Regel::BeslistermijnBezwaar,
        date(2026, 4, 2),
        &Opties::default(),
    )
    .unwrap();
    assert_eq!(t.datum, date(2026, 6, 29));
    // Welke jaren nog geen gelijkgestelde dag hebben.
    assert_eq!(
        kb.jaren_zonder_gelijkstelling(2022..=2029),
        vec![2022, 2029]
    );
    assert_eq!(
        Calendar::new().jaren_zonder_gelijkstelling([2026]),
        vec![2026]
    );
}
