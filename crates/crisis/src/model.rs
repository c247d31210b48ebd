//! Pure rules of the crisis organisation: the GRIP levels and team levels, the on-call roster's
//! problems (gaps, one person on two functions, missing or expired qualifications), the yearly
//! exercise requirement, swaps, and the iCalendar feed. No I/O; unit-tested.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::ToSpan;

/// A crisis function as shipped (slug, name, description, on the on-call roster).
pub struct FunctieDef {
    pub slug: &'static str,
    pub naam: &'static str,
    pub omschrijving: &'static str,
    pub piket: bool,
}

/// The functions of the municipal crisis organisation (domain note §4b, IVB §7).
pub const FUNCTIES: &[FunctieDef] = &[
    FunctieDef {
        slug: "adviseur-crisisbeheersing",
        naam: "Adviseur crisisbeheersing",
        omschrijving: "Adviseert de burgemeester en het GBT; bereidt de crisisorganisatie voor.",
        piket: true,
    },
    FunctieDef {
        slug: "ovd-bz",
        naam: "Officier van Dienst Bevolkingszorg (OvD-Bz)",
        omschrijving:
            "Vertegenwoordigt de gemeenten in het CoPI en de eerste fase; regionale pool.",
        piket: true,
    },
    FunctieDef {
        slug: "leider-bz",
        naam: "Leider Bevolkingszorg",
        omschrijving: "Leidt het team Bevolkingszorg en de taakorganisaties.",
        piket: true,
    },
    FunctieDef {
        slug: "informatiemanager",
        naam: "Informatiemanager",
        omschrijving: "Houdt het beeld bij en het logboek van het GBT.",
        piket: true,
    },
    FunctieDef {
        slug: "communicatieadviseur",
        naam: "Communicatieadviseur",
        omschrijving:
            "Crisiscommunicatie: publieksinformatie, media, duiding, handelingsperspectief.",
        piket: true,
    },
    FunctieDef {
        slug: "gbt-lid",
        naam: "Lid gemeentelijk beleidsteam (GBT)",
        omschrijving: "Lid van het beleidsteam van de burgemeester.",
        piket: false,
    },
];

/// GRIP levels 0 to 5 (legal-rules §6.10-6.11: GRIP Rijk is abolished, GRIP 5 has no legal
/// basis but the region still describes it). Phases may be skipped (§6.12).
pub const GRIP_MAX: i64 = 5;

/// What a GRIP level brings in (legal-rules §6.10).
pub fn grip_omschrijving(niveau: i64) -> &'static str {
    match niveau {
        0 => "GRIP 0: routine, motorkapoverleg",
        1 => "GRIP 1: bronbestrijding, CoPI",
        2 => "GRIP 2: bron- en effectbestrijding, ROT",
        3 => "GRIP 3: bedreiging welzijn bevolking in één gemeente, GBT",
        4 => "GRIP 4: gemeentegrensoverschrijdend, RBT",
        _ => "GRIP 5: meer regio's",
    }
}

/// Whether a change from `huidig` to `nieuw` may be recorded: a level that exists and differs.
pub fn grip_wijziging(huidig: Option<i64>, nieuw: i64) -> Result<(), &'static str> {
    if !(0..=GRIP_MAX).contains(&nieuw) {
        return Err("crisis-error-grip-level");
    }
    if huidig == Some(nieuw) {
        return Err("crisis-error-grip-same");
    }
    Ok(())
}

/// The team level an exercise reaches, in order (a higher level includes the lower ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Niveau {
    TeamBz,
    Copi,
    Rot,
    Gbt,
    Rbt,
}

impl Niveau {
    pub const ALL: [Niveau; 5] = [
        Niveau::TeamBz,
        Niveau::Copi,
        Niveau::Rot,
        Niveau::Gbt,
        Niveau::Rbt,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Niveau::TeamBz => "team-bz",
            Niveau::Copi => "copi",
            Niveau::Rot => "rot",
            Niveau::Gbt => "gbt",
            Niveau::Rbt => "rbt",
        }
    }
    pub fn from_slug(s: &str) -> Option<Niveau> {
        Niveau::ALL.into_iter().find(|n| n.slug() == s)
    }
    pub fn naam(self) -> &'static str {
        match self {
            Niveau::TeamBz => "Team Bevolkingszorg",
            Niveau::Copi => "CoPI",
            Niveau::Rot => "ROT",
            Niveau::Gbt => "GBT",
            Niveau::Rbt => "RBT",
        }
    }
}

/// Regional (with the veiligheidsregio), local (the municipality's own), or a training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Soort {
    Regionaal,
    Lokaal,
    Training,
}

impl Soort {
    pub const ALL: [Soort; 3] = [Soort::Regionaal, Soort::Lokaal, Soort::Training];
    pub fn slug(self) -> &'static str {
        match self {
            Soort::Regionaal => "regionaal",
            Soort::Lokaal => "lokaal",
            Soort::Training => "training",
        }
    }
    pub fn from_slug(s: &str) -> Option<Soort> {
        Soort::ALL.into_iter().find(|n| n.slug() == s)
    }
}

/// An exercise as the yearly requirement sees it.
#[derive(Clone, Debug)]
pub struct OefeningFeit {
    pub soort: Soort,
    pub niveau: Niveau,
    /// Held (an execution date is recorded), not only planned.
    pub uitgevoerd: bool,
}

/// The yearly requirement of the IVB (§7): at least one regional and one local exercise held up
/// to GBT level (or higher).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Oefennorm {
    pub regionaal: bool,
    pub lokaal: bool,
    /// Planned but not yet held exercises that would meet a missing part.
    pub gepland_regionaal: bool,
    pub gepland_lokaal: bool,
}

impl Oefennorm {
    pub fn gehaald(&self) -> bool {
        self.regionaal && self.lokaal
    }
}

pub fn oefennorm(oefeningen: &[OefeningFeit]) -> Oefennorm {
    let telt = |o: &&OefeningFeit, s: Soort| o.soort == s && o.niveau >= Niveau::Gbt;
    let held = |s: Soort| oefeningen.iter().any(|o| telt(&o, s) && o.uitgevoerd);
    let planned = |s: Soort| oefeningen.iter().any(|o| telt(&o, s) && !o.uitgevoerd);
    Oefennorm {
        regionaal: held(Soort::Regionaal),
        lokaal: held(Soort::Lokaal),
        gepland_regionaal: planned(Soort::Regionaal),
        gepland_lokaal: planned(Soort::Lokaal),
    }
}

/// The Monday of the ISO week containing `d`.
pub fn maandag(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(back.days()).unwrap_or(d)
}

/// The ISO week label, e.g. "week 50 (2026)".
pub fn week_label(monday: Date) -> String {
    let iso = monday.iso_week_date();
    format!("week {} ({})", iso.week(), iso.year())
}

/// Parses a week given as its Monday (or any day in it), `YYYY-MM-DD`.
pub fn parse_week(s: &str) -> Option<Date> {
    s.trim().parse::<Date>().ok().map(maandag)
}

/// One duty on the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dienst {
    pub functie_id: String,
    pub persoon_id: String,
}

/// A qualification for a function, valid through `verloopt_op`.
#[derive(Clone, Debug)]
pub struct Kwalificatie {
    pub persoon_id: String,
    pub functie_id: String,
    pub verloopt_op: Date,
}

/// Something wrong with one week's roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Knelpunt {
    /// Nobody on call for an on-call function.
    Gat { functie_id: String },
    /// One person on call for several functions in the same week.
    Dubbel {
        persoon_id: String,
        functie_ids: Vec<String>,
    },
    /// On call without a qualification valid through the whole week: `verlopen_op` is the last
    /// expiry date when there was one, None when never qualified.
    Kwalificatie {
        persoon_id: String,
        functie_id: String,
        verlopen_op: Option<Date>,
    },
}

/// The problems of the week starting `monday`: gaps in on-call functions (`piket_functies`),
/// people on two functions, and duties without a qualification valid until the week's Sunday.
pub fn knelpunten(
    piket_functies: &[String],
    rooster: &[Dienst],
    kwalificaties: &[Kwalificatie],
    monday: Date,
) -> Vec<Knelpunt> {
    let sunday = monday.checked_add(6.days()).unwrap_or(monday);
    let mut out = Vec::new();
    for f in piket_functies {
        if !rooster.iter().any(|d| &d.functie_id == f) {
            out.push(Knelpunt::Gat {
                functie_id: f.clone(),
            });
        }
    }
    let mut per_persoon: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for d in rooster {
        per_persoon
            .entry(&d.persoon_id)
            .or_default()
            .insert(&d.functie_id);
    }
    for (p, fs) in &per_persoon {
        if fs.len() > 1 {
            out.push(Knelpunt::Dubbel {
                persoon_id: (*p).to_string(),
                functie_ids: fs.iter().map(|f| (*f).to_string()).collect(),
            });
        }
    }
    let mut seen = BTreeSet::new();
    for d in rooster {
        if !seen.insert((&d.persoon_id, &d.functie_id)) {
            continue;
        }
        let mine = kwalificaties
            .iter()
            .filter(|k| k.persoon_id == d.persoon_id && k.functie_id == d.functie_id);
        let laatste = mine.map(|k| k.verloopt_op).max();
        if laatste.is_none_or(|l| l < sunday) {
            out.push(Knelpunt::Kwalificatie {
                persoon_id: d.persoon_id.clone(),
                functie_id: d.functie_id.clone(),
                verlopen_op: laatste,
            });
        }
    }
    out
}

/// The state of a qualification on `today`: expired, expiring within 60 days, or valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Geldigheid {
    Verlopen,
    VerlooptBinnenkort,
    Geldig,
}

pub fn geldigheid(verloopt_op: Date, today: Date) -> Geldigheid {
    if verloopt_op < today {
        Geldigheid::Verlopen
    } else if verloopt_op <= today.checked_add(60.days()).unwrap_or(today) {
        Geldigheid::VerlooptBinnenkort
    } else {
        Geldigheid::Geldig
    }
}

/// Who may approve a swap: another member of the crisis organisation than the one who asked
/// (and than the two people swapping), so that nobody moves a duty off themselves alone.
pub fn ruil_goedkeuring(
    beslisser: &str,
    aangevraagd_door: &str,
    betrokken_users: &[Option<&str>],
) -> Result<(), &'static str> {
    if beslisser == aangevraagd_door {
        return Err("crisis-error-swap-own");
    }
    if betrokken_users.iter().flatten().any(|u| *u == beslisser) {
        return Err("crisis-error-swap-party");
    }
    Ok(())
}

/// One duty in a person's calendar feed.
pub struct FeedDienst {
    pub id: String,
    pub monday: Date,
    pub functie: String,
}

fn ical_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace(['\r', '\n'], " ")
}

fn ical_date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// The iCalendar (RFC 5545) feed of a person's on-call weeks: one all-day event per week
/// (Monday through Sunday), lines ended by CRLF.
pub fn ical(naam: &str, diensten: &[FeedDienst], stamp_utc: &str) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//Baken//Crisisbeheersing piket//NL".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        format!("X-WR-CALNAME:{}", ical_escape(&format!("Piket {naam}"))),
    ];
    for d in diensten {
        let end = d.monday.checked_add(7.days()).unwrap_or(d.monday);
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}@baken-crisis", d.id));
        lines.push(format!("DTSTAMP:{stamp_utc}"));
        lines.push(format!("DTSTART;VALUE=DATE:{}", ical_date(d.monday)));
        lines.push(format!("DTEND;VALUE=DATE:{}", ical_date(end)));
        lines.push(format!(
            "SUMMARY:{}",
            ical_escape(&format!("Piket: {}", d.functie))
        ));
        lines.push("TRANSP:TRANSPARENT".into());
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = lines.join("\r\n");
    out.push_str("\r\n");
    out
}

/// The disciplines of the situational picture; "gecombineerd" is the combined picture.
pub const DISCIPLINES: [(&str, &str); 5] = [
    ("bevolkingszorg", "Bevolkingszorg"),
    ("brandweer", "Brandweer"),
    ("politie", "Politie"),
    ("geneeskundig", "Geneeskundige zorg (GHOR)"),
    ("gecombineerd", "Gecombineerd beeld"),
];

pub fn discipline_naam(slug: &str) -> &str {
    DISCIPLINES
        .iter()
        .find(|(s, _)| *s == slug)
        .map(|(_, n)| *n)
        .unwrap_or(slug)
}

/// The sources a log entry can come from.
pub const BRONNEN: [&str; 6] = [
    "meldkamer",
    "copi",
    "rot",
    "gbt",
    "partner",
    "eigen waarneming",
];

/// Parses a calendar date `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<Date> {
    s.trim().parse::<Date>().ok()
}

/// Kinds of risk locations and vulnerable objects.
pub const RISICO_SOORTEN: [(&str, &str); 6] = [
    ("school", "School of kinderopvang"),
    ("zorginstelling", "Zorginstelling"),
    ("hoogwaterzone", "Hoogwaterzone"),
    ("gevaarlijke-stoffen", "Bedrijf met gevaarlijke stoffen"),
    ("evenementlocatie", "Evenementlocatie"),
    ("overig", "Overig risico-object"),
];

pub fn risico_soort_naam(slug: &str) -> &str {
    RISICO_SOORTEN
        .iter()
        .find(|(s, _)| *s == slug)
        .map(|(_, n)| *n)
        .unwrap_or(slug)
}

/// One risk location read from a GeoJSON file.
#[derive(Clone, Debug, PartialEq)]
pub struct RisicoIn {
    pub soort: String,
    pub naam: String,
    pub omschrijving: String,
    pub lat: f64,
    pub lon: f64,
}

/// Reads risk locations from a GeoJSON FeatureCollection of points (WGS84, `[lon, lat]`) with
/// the properties `naam`, `soort` (one of [`RISICO_SOORTEN`]) and optionally `omschrijving`.
/// A file with any bad feature is refused whole, with every reason (feature numbers from 1).
pub fn risico_geojson(text: &str) -> Result<Vec<RisicoIn>, Vec<String>> {
    let doc: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Err(vec![format!("Geen geldige JSON: {e}")]),
    };
    if doc.get("type").and_then(|t| t.as_str()) != Some("FeatureCollection") {
        return Err(vec!["Geen GeoJSON FeatureCollection".into()]);
    }
    let Some(features) = doc.get("features").and_then(|f| f.as_array()) else {
        return Err(vec!["Geen lijst features".into()]);
    };
    if features.is_empty() {
        return Err(vec!["De FeatureCollection is leeg".into()]);
    }
    if features.len() > 5000 {
        return Err(vec!["Meer dan 5000 objecten in één bestand".into()]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let nr = i + 1;
        let props = f.get("properties");
        let prop = |k: &str| {
            props
                .and_then(|p| p.get(k))
                .and_then(|v| v.as_str())
                .map(str::trim)
                .unwrap_or("")
                .to_string()
        };
        let geom = f.get("geometry");
        if geom.and_then(|g| g.get("type")).and_then(|t| t.as_str()) != Some("Point") {
            errors.push(format!("Object {nr}: geen punt (Point)"));
            continue;
        }
        let coords = geom
            .and_then(|g| g.get("coordinates"))
            .and_then(|c| c.as_array())
            .map(|c| c.iter().filter_map(|x| x.as_f64()).collect::<Vec<_>>())
            .unwrap_or_default();
        let (lon, lat) = match coords.as_slice() {
            [lon, lat, ..] => (*lon, *lat),
            _ => {
                errors.push(format!("Object {nr}: geen coördinaten [lengte, breedte]"));
                continue;
            }
        };
        // The Netherlands in WGS84; a file in RD (metres) or with swapped axes falls outside.
        if !(50.7..=53.7).contains(&lat) || !(3.2..=7.3).contains(&lon) {
            errors.push(format!(
                "Object {nr}: coördinaten buiten Nederland (verwacht WGS84 [lengte, breedte])"
            ));
        }
        let naam = prop("naam");
        if naam.is_empty() || naam.chars().count() > 200 {
            errors.push(format!("Object {nr}: naam ontbreekt of is te lang"));
        }
        let soort = prop("soort");
        if !RISICO_SOORTEN.iter().any(|(s, _)| *s == soort) {
            errors.push(format!("Object {nr}: onbekende soort '{soort}'"));
        }
        let omschrijving = prop("omschrijving");
        if omschrijving.chars().count() > 2000 {
            errors.push(format!("Object {nr}: omschrijving te lang"));
        }
        out.push(RisicoIn {
            soort,
            naam,
            omschrijving,
            lat,
            lon,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn d(f: &str, p: &str) -> Dienst {
        Dienst {
            functie_id: f.into(),
            persoon_id: p.into(),
        }
    }
    fn k(p: &str, f: &str, until: Date) -> Kwalificatie {
        Kwalificatie {
            persoon_id: p.into(),
            functie_id: f.into(),
            verloopt_op: until,
        }
    }

    #[test]
    fn roster_problems_as_a_table() {
        let monday = date(2026, 12, 7);
        let functies = vec!["ovd".to_string(), "im".to_string()];
        let valid = date(2027, 6, 1);
        // (case, roster, qualifications, expected problems)
        type Case = (&'static str, Vec<Dienst>, Vec<Kwalificatie>, Vec<Knelpunt>);
        let cases: Vec<Case> = vec![
            (
                "all covered and qualified",
                vec![d("ovd", "a"), d("im", "b")],
                vec![k("a", "ovd", valid), k("b", "im", valid)],
                vec![],
            ),
            (
                "gap",
                vec![d("ovd", "a")],
                vec![k("a", "ovd", valid)],
                vec![Knelpunt::Gat {
                    functie_id: "im".into(),
                }],
            ),
            (
                "one person on two functions",
                vec![d("ovd", "a"), d("im", "a")],
                vec![k("a", "ovd", valid), k("a", "im", valid)],
                vec![Knelpunt::Dubbel {
                    persoon_id: "a".into(),
                    functie_ids: vec!["im".into(), "ovd".into()],
                }],
            ),
            (
                "expired before the week",
                vec![d("ovd", "a"), d("im", "b")],
                vec![k("a", "ovd", date(2026, 11, 30)), k("b", "im", valid)],
                vec![Knelpunt::Kwalificatie {
                    persoon_id: "a".into(),
                    functie_id: "ovd".into(),
                    verlopen_op: Some(date(2026, 11, 30)),
                }],
            ),
            (
                "expires during the week",
                vec![d("ovd", "a"), d("im", "b")],
                vec![k("a", "ovd", date(2026, 12, 10)), k("b", "im", valid)],
                vec![Knelpunt::Kwalificatie {
                    persoon_id: "a".into(),
                    functie_id: "ovd".into(),
                    verlopen_op: Some(date(2026, 12, 10)),
                }],
            ),
            (
                "valid through Sunday",
                vec![d("ovd", "a"), d("im", "b")],
                vec![k("a", "ovd", date(2026, 12, 13)), k("b", "im", valid)],
                vec![],
            ),
            (
                "a newer qualification replaces the expired one",
                vec![d("ovd", "a"), d("im", "b")],
                vec![
                    k("a", "ovd", date(2025, 1, 1)),
                    k("a", "ovd", valid),
                    k("b", "im", valid),
                ],
                vec![],
            ),
            (
                "never qualified, and for another function only",
                vec![d("ovd", "a"), d("im", "b")],
                vec![k("a", "im", valid), k("b", "im", valid)],
                vec![Knelpunt::Kwalificatie {
                    persoon_id: "a".into(),
                    functie_id: "ovd".into(),
                    verlopen_op: None,
                }],
            ),
            (
                "empty week",
                vec![],
                vec![],
                vec![
                    Knelpunt::Gat {
                        functie_id: "ovd".into(),
                    },
                    Knelpunt::Gat {
                        functie_id: "im".into(),
                    },
                ],
            ),
        ];
        for (name, rooster, kw, expected) in cases {
            assert_eq!(
                knelpunten(&functies, &rooster, &kw, monday),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn yearly_exercise_requirement_per_year() {
        let o = |soort, niveau, uitgevoerd| OefeningFeit {
            soort,
            niveau,
            uitgevoerd,
        };
        use Niveau::*;
        use Soort::*;
        // (case, exercises of the year, met, regional, local)
        let cases = vec![
            ("none", vec![], false, false, false),
            (
                "both at GBT",
                vec![o(Regionaal, Gbt, true), o(Lokaal, Gbt, true)],
                true,
                true,
                true,
            ),
            (
                "regional above GBT counts",
                vec![o(Regionaal, Rbt, true), o(Lokaal, Gbt, true)],
                true,
                true,
                true,
            ),
            (
                "local only to ROT",
                vec![o(Regionaal, Gbt, true), o(Lokaal, Rot, true)],
                false,
                true,
                false,
            ),
            (
                "local planned, not held",
                vec![o(Regionaal, Gbt, true), o(Lokaal, Gbt, false)],
                false,
                true,
                false,
            ),
            (
                "a training is no exercise",
                vec![o(Regionaal, Gbt, true), o(Training, Gbt, true)],
                false,
                true,
                false,
            ),
        ];
        for (name, list, met, reg, lok) in cases {
            let n = oefennorm(&list);
            assert_eq!(
                (n.gehaald(), n.regionaal, n.lokaal),
                (met, reg, lok),
                "{name}"
            );
        }
        let n = oefennorm(&[o(Lokaal, Gbt, false)]);
        assert!(n.gepland_lokaal && !n.gepland_regionaal);
    }

    #[test]
    fn grip_changes() {
        assert_eq!(grip_wijziging(None, 1), Ok(()));
        assert_eq!(grip_wijziging(Some(1), 3), Ok(()), "phases may be skipped");
        assert_eq!(grip_wijziging(Some(2), 1), Ok(()), "scaling down");
        assert_eq!(grip_wijziging(Some(2), 2), Err("crisis-error-grip-same"));
        assert_eq!(grip_wijziging(Some(2), 6), Err("crisis-error-grip-level"));
        assert_eq!(grip_wijziging(None, -1), Err("crisis-error-grip-level"));
    }

    #[test]
    fn swaps_need_someone_else() {
        assert_eq!(
            ruil_goedkeuring("u1", "u1", &[None, None]),
            Err("crisis-error-swap-own")
        );
        assert_eq!(
            ruil_goedkeuring("u2", "u1", &[Some("u2"), None]),
            Err("crisis-error-swap-party")
        );
        assert_eq!(ruil_goedkeuring("u3", "u1", &[Some("u2"), None]), Ok(()));
    }

    #[test]
    fn weeks_and_validity() {
        assert_eq!(maandag(date(2026, 12, 10)), date(2026, 12, 7));
        assert_eq!(maandag(date(2026, 12, 7)), date(2026, 12, 7));
        assert_eq!(maandag(date(2026, 12, 13)), date(2026, 12, 7));
        assert_eq!(week_label(date(2026, 12, 7)), "week 50 (2026)");
        assert_eq!(parse_week("2026-12-09"), Some(date(2026, 12, 7)));
        assert_eq!(parse_week("week"), None);
        let today = date(2026, 12, 7);
        assert_eq!(geldigheid(date(2026, 12, 6), today), Geldigheid::Verlopen);
        assert_eq!(
            geldigheid(date(2027, 1, 6), today),
            Geldigheid::VerlooptBinnenkort
        );
        assert_eq!(geldigheid(date(2027, 6, 1), today), Geldigheid::Geldig);
    }

    #[test]
    fn ical_feed_has_one_all_day_event_per_week() {
        let feed = ical(
            "Jan, de Vries",
            &[FeedDienst {
                id: "x1".into(),
                monday: date(2026, 12, 7),
                functie: "OvD-Bz".into(),
            }],
            "20261207T100000Z",
        );
        assert!(feed.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(feed.contains("DTSTART;VALUE=DATE:20261207\r\n"));
        assert!(feed.contains("DTEND;VALUE=DATE:20261214\r\n"));
        assert!(feed.contains("X-WR-CALNAME:Piket Jan\\, de Vries"));
        assert!(feed.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(feed.matches("BEGIN:VEVENT").count(), 1);
    }

    #[test]
    fn risk_geojson_is_refused_whole_with_every_reason() {
        let point = |lon: f64, lat: f64, naam: &str, soort: &str| {
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},"properties":{{"naam":"{naam}","soort":"{soort}"}}}}"#
            )
        };
        let fc = |fs: Vec<String>| {
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                fs.join(",")
            )
        };
        let ok = fc(vec![
            point(5.07, 51.97, "Basisschool De Dijk", "school"),
            point(5.10, 51.99, "Zorgcentrum Lekzicht", "zorginstelling"),
        ]);
        let v = risico_geojson(&ok).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].lat, 51.97);
        // (case, file, reasons that must be named)
        let cases: Vec<(&str, String, Vec<&str>)> = vec![
            ("not json", "{".into(), vec!["Geen geldige JSON"]),
            ("not a collection", r#"{"type":"Feature"}"#.into(), vec!["FeatureCollection"]),
            ("empty", fc(vec![]), vec!["leeg"]),
            (
                "one bad among good: all refused",
                fc(vec![point(5.07, 51.97, "A", "school"), point(5.07, 51.97, "B", "kasteel")]),
                vec!["Object 2: onbekende soort 'kasteel'"],
            ),
            (
                "RD coordinates and no name",
                fc(vec![point(136000.0, 442000.0, "", "school")]),
                vec!["Object 1: coördinaten buiten Nederland", "Object 1: naam ontbreekt"],
            ),
            (
                "a polygon",
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[]},"properties":{}}]}"#.into(),
                vec!["Object 1: geen punt"],
            ),
        ];
        for (name, file, reasons) in cases {
            let errs = risico_geojson(&file).expect_err(name);
            for r in reasons {
                assert!(
                    errs.iter().any(|e| e.contains(r)),
                    "{name}: {r} not in {errs:?}"
                );
            }
        }
    }
}
