//! Pure types and rules of the register: kinds of places, risk features, validation of the
//! identity of a place (KvK number, BAG id, postcode), and the explainable risk score. No I/O.

use platform::identity::{field_error, FieldError};

/// The kind of a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Soort {
    Horeca,
    Winkel,
    Bedrijf,
    /// A business park or shopping area: has a KVO status, contacts, meetings and places in it.
    Gebied,
    Agrarisch,
    Loods,
    Woning,
}

impl Soort {
    pub const ALL: [Soort; 7] = [
        Soort::Horeca,
        Soort::Winkel,
        Soort::Bedrijf,
        Soort::Gebied,
        Soort::Agrarisch,
        Soort::Loods,
        Soort::Woning,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Soort::Horeca => "horeca",
            Soort::Winkel => "winkel",
            Soort::Bedrijf => "bedrijf",
            Soort::Gebied => "gebied",
            Soort::Agrarisch => "agrarisch",
            Soort::Loods => "loods",
            Soort::Woning => "woning",
        }
    }

    pub fn from_slug(s: &str) -> Option<Soort> {
        Soort::ALL.into_iter().find(|x| x.slug() == s)
    }

    /// The Fluent key of its name.
    pub fn label_key(self) -> String {
        format!("ondermijning-soort-{}", self.slug())
    }
}

/// Known risk features a team records for a place (each an indicator of its own in the weights).
pub const KENMERKEN: [&str; 6] = [
    "leegstaand",
    "contant-geld",
    "eigenaarswissel",
    "afgeschermd",
    "energieverbruik",
    "stroman",
];

pub fn kenmerk_key(slug: &str) -> String {
    format!("ondermijning-kenmerk-{slug}")
}

/// The KVO certificate levels (Keurmerk Veilig Ondernemen).
pub const KVO_NIVEAUS: [&str; 4] = ["start", "ster-1", "ster-2", "ster-3"];

/// The partners of an integral inspection.
pub const PARTNERS: [&str; 5] = [
    "politie",
    "brandweer",
    "belastingdienst",
    "omgevingsdienst",
    "netbeheerder",
];

/// A finding on a checklist item.
pub const OORDELEN: [&str; 3] = ["in-orde", "afwijking", "nvt"];

/// A KvK number: 8 digits (spaces and dots allowed in the input). Errors are Fluent keys.
pub fn lees_kvk(field: &str, s: &str) -> Result<Option<String>, FieldError> {
    let d: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    if d.is_empty() {
        return Ok(None);
    }
    if d.len() == 8 && d.chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(d))
    } else {
        Err(field_error(field, "ondermijning-fout-kvk"))
    }
}

/// A BAG verblijfsobject or pand id: 16 digits.
pub fn lees_bag(s: &str) -> Result<Option<String>, FieldError> {
    let d: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if d.is_empty() {
        return Ok(None);
    }
    if d.len() == 16 && d.chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(d))
    } else {
        Err(field_error("bag_id", "ondermijning-fout-bag"))
    }
}

/// A Dutch postcode, normalised to "4141BC"; the first digit is never 0.
pub fn lees_postcode(s: &str) -> Result<Option<String>, FieldError> {
    let d: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if d.is_empty() {
        return Ok(None);
    }
    let ok = d.len() == 6
        && d.chars().take(4).all(|c| c.is_ascii_digit())
        && !d.starts_with('0')
        && d.chars().skip(4).all(|c| c.is_ascii_uppercase());
    if ok {
        Ok(Some(d))
    } else {
        Err(field_error("postcode", "ondermijning-fout-postcode"))
    }
}

/// A date 'YYYY-MM-DD'.
pub fn lees_datum(field: &str, s: &str) -> Result<Option<String>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<jiff::civil::Date>() {
        Ok(d) => Ok(Some(d.to_string())),
        Err(_) => Err(field_error(field, "ondermijning-fout-datum")),
    }
}

/// A house number with its addition ("12", "12a", "12-2"): the number and the addition in upper
/// case without separators.
pub fn lees_huisnummer(s: &str) -> Result<Option<(i64, String)>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: i64 = digits
        .parse()
        .ok()
        .filter(|n| *n > 0 && *n < 100_000)
        .ok_or_else(|| field_error("huisnummer", "ondermijning-fout-huisnummer"))?;
    let toevoeging: String = s[digits.len()..]
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_uppercase();
    if toevoeging.chars().count() > 4 {
        return Err(field_error("huisnummer", "ondermijning-fout-huisnummer"));
    }
    Ok(Some((n, toevoeging)))
}

/// The identity of a place: the BAG id, or else postcode + house number (+ addition). Without
/// either the place needs at least a street, a house number and a place name to be found again.
pub fn identiteit_fouten(
    bag: Option<&str>,
    postcode: Option<&str>,
    huisnummer: Option<i64>,
    straat: &str,
    woonplaats: &str,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if straat.trim().is_empty() {
        errors.push(field_error("straat", "ondermijning-fout-verplicht"));
    }
    if woonplaats.trim().is_empty() {
        errors.push(field_error("woonplaats", "ondermijning-fout-verplicht"));
    }
    if bag.is_none() && (postcode.is_none() || huisnummer.is_none()) {
        if huisnummer.is_none() {
            errors.push(field_error("huisnummer", "ondermijning-fout-identiteit"));
        }
        if postcode.is_none() {
            errors.push(field_error("postcode", "ondermijning-fout-identiteit"));
        }
    }
    errors
}

// ---------------------------------------------------------------------------------------------
// The risk score.

/// The indicators of the score. Counting indicators give `punten` per occurrence in the last 12
/// months, up to `maximum`; a risk feature gives `punten` when the place has it.
pub const MELDINGEN: &str = "meldingen";
pub const MAATREGELEN: &str = "maatregelen";
pub const SIGNALEN: &str = "signalen";
pub const BEVINDINGEN: &str = "bevindingen";
pub const KENMERK_PREFIX: &str = "kenmerk:";

/// Every indicator code, in the order pages list them.
pub fn indicatoren() -> Vec<String> {
    let mut v: Vec<String> = [MELDINGEN, MAATREGELEN, SIGNALEN, BEVINDINGEN]
        .iter()
        .map(|s| s.to_string())
        .collect();
    v.extend(KENMERKEN.iter().map(|k| format!("{KENMERK_PREFIX}{k}")));
    v
}

/// The Fluent key naming an indicator.
pub fn indicator_key(code: &str) -> String {
    match code.strip_prefix(KENMERK_PREFIX) {
        Some(k) => kenmerk_key(k),
        None => format!("ondermijning-indicator-{code}"),
    }
}

/// One row of a weights version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gewicht {
    pub indicator: String,
    pub punten: i64,
    /// 0: no cap.
    pub maximum: i64,
    /// For [`MELDINGEN`]: the category slugs that count; empty: every category.
    pub categorieen: Vec<String>,
}

/// A version of the weights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Weging {
    pub versie: i64,
    pub gewichten: Vec<Gewicht>,
}

impl Weging {
    pub fn gewicht(&self, indicator: &str) -> Option<&Gewicht> {
        self.gewichten.iter().find(|g| g.indicator == indicator)
    }
}

/// Version 1, as seeded: the team changes it through the weights page.
pub fn weging_v1() -> Weging {
    let g = |indicator: &str, punten, maximum, categorieen: &[&str]| Gewicht {
        indicator: indicator.to_string(),
        punten,
        maximum,
        categorieen: categorieen.iter().map(|s| s.to_string()).collect(),
    };
    Weging {
        versie: 1,
        gewichten: vec![
            g(
                MELDINGEN,
                3,
                15,
                &["verdacht-pand", "drugsoverlast", "horeca"],
            ),
            g(MAATREGELEN, 10, 20, &[]),
            g(SIGNALEN, 5, 20, &[]),
            g(BEVINDINGEN, 4, 16, &[]),
            g("kenmerk:leegstaand", 8, 0, &[]),
            g("kenmerk:contant-geld", 5, 0, &[]),
            g("kenmerk:eigenaarswissel", 5, 0, &[]),
            g("kenmerk:afgeschermd", 6, 0, &[]),
            g("kenmerk:energieverbruik", 8, 0, &[]),
            g("kenmerk:stroman", 8, 0, &[]),
        ],
    }
}

/// What Baken knows of a place for its score, counted over the last 12 months.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Feiten {
    /// Meldingen at the address per category slug.
    pub meldingen: Vec<(String, i64)>,
    /// Measures at the address (or of its operator).
    pub maatregelen: i64,
    /// Signals entered by the team.
    pub signalen: i64,
    /// Findings 'afwijking' in inspections.
    pub bevindingen: i64,
    /// Risk feature slugs.
    pub kenmerken: Vec<String>,
}

/// One line of the explanation: which indicator, how often it occurred, the points it gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regel {
    pub indicator: String,
    pub aantal: i64,
    pub per_stuk: i64,
    pub maximum: i64,
    pub punten: i64,
}

/// The score with its explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uitleg {
    pub versie: i64,
    pub regels: Vec<Regel>,
    pub totaal: i64,
}

impl Uitleg {
    pub fn band(&self) -> Band {
        Band::of(self.totaal)
    }
}

/// Score bands for the list filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    Laag,
    Verhoogd,
    Hoog,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::Laag, Band::Verhoogd, Band::Hoog];
    /// From this total a place is 'verhoogd'.
    pub const VERHOOGD: i64 = 10;
    /// From this total a place is 'hoog'.
    pub const HOOG: i64 = 25;

    pub fn of(totaal: i64) -> Band {
        if totaal >= Band::HOOG {
            Band::Hoog
        } else if totaal >= Band::VERHOOGD {
            Band::Verhoogd
        } else {
            Band::Laag
        }
    }
    pub fn slug(self) -> &'static str {
        match self {
            Band::Laag => "laag",
            Band::Verhoogd => "verhoogd",
            Band::Hoog => "hoog",
        }
    }
    pub fn from_slug(s: &str) -> Option<Band> {
        Band::ALL.into_iter().find(|b| b.slug() == s)
    }
    pub fn label_key(self) -> String {
        format!("ondermijning-band-{}", self.slug())
    }
}

fn capped(aantal: i64, g: &Gewicht) -> i64 {
    let p = aantal.saturating_mul(g.punten);
    if g.maximum > 0 {
        p.min(g.maximum)
    } else {
        p
    }
}

/// The score of a place: a pure function of its facts and a weights version. Every indicator of
/// the version gives a line (0 points included), so the page shows what counted and what did not.
pub fn score(feiten: &Feiten, weging: &Weging) -> Uitleg {
    let mut regels = Vec::new();
    for g in &weging.gewichten {
        let aantal = match g.indicator.as_str() {
            MELDINGEN => feiten
                .meldingen
                .iter()
                .filter(|(c, _)| g.categorieen.is_empty() || g.categorieen.contains(c))
                .map(|(_, n)| *n)
                .sum(),
            MAATREGELEN => feiten.maatregelen,
            SIGNALEN => feiten.signalen,
            BEVINDINGEN => feiten.bevindingen,
            other => match other.strip_prefix(KENMERK_PREFIX) {
                Some(k) => i64::from(feiten.kenmerken.iter().any(|x| x == k)),
                None => 0,
            },
        };
        regels.push(Regel {
            indicator: g.indicator.clone(),
            aantal,
            per_stuk: g.punten,
            maximum: g.maximum,
            punten: capped(aantal, g),
        });
    }
    let totaal = regels.iter().map(|r| r.punten).sum();
    Uitleg {
        versie: weging.versie,
        regels,
        totaal,
    }
}

/// Checks a new weights version: known indicators, points and maximum from 0 to 100.
pub fn weging_fouten(gewichten: &[Gewicht]) -> Vec<FieldError> {
    let known = indicatoren();
    let mut errors = Vec::new();
    for g in gewichten {
        if !known.contains(&g.indicator) {
            errors.push(field_error(&g.indicator, "ondermijning-fout-indicator"));
            continue;
        }
        if !(0..=100).contains(&g.punten) {
            errors.push(field_error(
                &format!("punten-{}", g.indicator),
                "ondermijning-fout-punten",
            ));
        }
        if !(0..=100).contains(&g.maximum) {
            errors.push(field_error(
                &format!("maximum-{}", g.indicator),
                "ondermijning-fout-punten",
            ));
        }
    }
    errors
}

/// The default checklist of an inspection type, version 1.
pub fn checklist_v1(soort: Soort) -> Vec<&'static str> {
    match soort {
        Soort::Horeca => vec![
            "Exploitatievergunning aanwezig en geldig",
            "Alcoholwetvergunning aanwezig, leidinggevenden op de vergunning aanwezig",
            "Openingstijden nageleefd",
            "Geen aanwijzingen voor drugshandel of -gebruik",
            "Kassasysteem en contante geldstromen passend bij de omzet",
        ],
        Soort::Agrarisch | Soort::Loods => vec![
            "Gebruik in overeenstemming met het bestemmingsplan",
            "Geen aanwijzingen voor hennepteelt of drugsproductie (geur, warmte, afgeplakte ramen)",
            "Energieaansluiting en -verbruik passend bij het gebruik",
            "Brandveiligheid en vluchtwegen",
            "Huurder of gebruiker bekend en in KvK geregistreerd",
        ],
        _ => vec![
            "Vergunningen aanwezig en geldig",
            "Gebruik in overeenstemming met de vergunning",
            "Geen aanwijzingen voor ondermijnende activiteiten",
            "Brandveiligheid en vluchtwegen",
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// Risk-based selection for an inspection round.

/// A candidate for a round: (id, kind, wijk code, score, inspected this year).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kandidaat {
    pub id: String,
    pub soort: Soort,
    pub wijk: Option<String>,
    pub score: i64,
    pub dit_jaar_gecontroleerd: bool,
}

/// "The `n` highest-scoring places of kind `soort` in wijk `wijk` not inspected this year":
/// highest score first, ties by id (stable), places with 0 points left out.
pub fn selecteer(
    kandidaten: &[Kandidaat],
    soort: Option<Soort>,
    wijk: Option<&str>,
    n: usize,
) -> Vec<String> {
    let mut v: Vec<&Kandidaat> = kandidaten
        .iter()
        .filter(|k| !k.dit_jaar_gecontroleerd && k.score > 0)
        .filter(|k| soort.is_none_or(|s| k.soort == s))
        .filter(|k| wijk.is_none_or(|w| k.wijk.as_deref() == Some(w)))
        .collect();
    v.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    v.into_iter().take(n).map(|k| k.id.clone()).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod selectie_tests {
    use super::*;

    fn k(id: &str, soort: Soort, wijk: &str, score: i64, gedaan: bool) -> Kandidaat {
        Kandidaat {
            id: id.into(),
            soort,
            wijk: Some(wijk.into()),
            score,
            dit_jaar_gecontroleerd: gedaan,
        }
    }

    #[test]
    fn highest_scores_of_the_kind_in_the_area_not_inspected_this_year() {
        let all = vec![
            k("a", Soort::Agrarisch, "WK1", 30, false),
            k("b", Soort::Agrarisch, "WK1", 40, true),
            k("c", Soort::Agrarisch, "WK2", 50, false),
            k("d", Soort::Horeca, "WK1", 60, false),
            k("e", Soort::Agrarisch, "WK1", 10, false),
            k("f", Soort::Agrarisch, "WK1", 0, false),
            k("g", Soort::Agrarisch, "WK1", 10, false),
        ];
        assert_eq!(
            selecteer(&all, Some(Soort::Agrarisch), Some("WK1"), 20),
            vec!["a", "e", "g"]
        );
        assert_eq!(
            selecteer(&all, Some(Soort::Agrarisch), Some("WK1"), 2),
            vec!["a", "e"]
        );
        assert_eq!(selecteer(&all, None, None, 3), vec!["d", "c", "a"]);
        assert!(selecteer(&all, Some(Soort::Woning), None, 5).is_empty());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn facts() -> Feiten {
        Feiten {
            meldingen: vec![
                ("drugsoverlast".into(), 2),
                ("horeca".into(), 1),
                ("woonoverlast".into(), 4),
            ],
            maatregelen: 1,
            signalen: 2,
            bevindingen: 1,
            kenmerken: vec!["leegstaand".into()],
        }
    }

    fn line<'a>(u: &'a Uitleg, indicator: &str) -> &'a Regel {
        u.regels.iter().find(|r| r.indicator == indicator).unwrap()
    }

    #[test]
    fn each_indicator_of_version_1() {
        let u = score(&facts(), &weging_v1());
        assert_eq!(u.versie, 1);
        // Only the listed categories count: 2 + 1 meldingen × 3 points.
        assert_eq!(line(&u, MELDINGEN).aantal, 3);
        assert_eq!(line(&u, MELDINGEN).punten, 9);
        assert_eq!(line(&u, MAATREGELEN).punten, 10);
        assert_eq!(line(&u, SIGNALEN).punten, 10);
        assert_eq!(line(&u, BEVINDINGEN).punten, 4);
        assert_eq!(line(&u, "kenmerk:leegstaand").punten, 8);
        assert_eq!(line(&u, "kenmerk:stroman").punten, 0);
        assert_eq!(u.totaal, 9 + 10 + 10 + 4 + 8);
        assert_eq!(u.band(), Band::Hoog);
        // Every indicator of the version has a line, also when it gave nothing.
        assert_eq!(u.regels.len(), weging_v1().gewichten.len());
    }

    #[test]
    fn caps_and_empty_category_list() {
        let mut w = weging_v1();
        w.versie = 2;
        for g in &mut w.gewichten {
            if g.indicator == MELDINGEN {
                g.categorieen.clear();
                g.maximum = 12;
            }
        }
        let u = score(&facts(), &w);
        assert_eq!(u.versie, 2);
        // All 7 meldingen count now, 21 points capped at 12.
        assert_eq!(line(&u, MELDINGEN).aantal, 7);
        assert_eq!(line(&u, MELDINGEN).punten, 12);
        // Maximum 0 is no cap.
        let mut many = facts();
        many.signalen = 30;
        let mut w3 = weging_v1();
        for g in &mut w3.gewichten {
            if g.indicator == SIGNALEN {
                g.maximum = 0;
            }
        }
        assert_eq!(line(&score(&many, &w3), SIGNALEN).punten, 150);
        assert_eq!(line(&score(&many, &weging_v1()), SIGNALEN).punten, 20);
    }

    #[test]
    fn versions_give_different_scores_for_the_same_facts() {
        let v1 = score(&facts(), &weging_v1());
        let mut w = weging_v1();
        w.versie = 2;
        for g in &mut w.gewichten {
            g.punten = 0;
        }
        let v2 = score(&facts(), &w);
        assert_eq!(v2.totaal, 0);
        assert_eq!(v2.band(), Band::Laag);
        assert!(v1.totaal > v2.totaal);
        // A version without an indicator gives no line for it.
        let w = Weging {
            versie: 3,
            gewichten: vec![Gewicht {
                indicator: SIGNALEN.into(),
                punten: 1,
                maximum: 0,
                categorieen: vec![],
            }],
        };
        let u = score(&facts(), &w);
        assert_eq!(u.regels.len(), 1);
        assert_eq!(u.totaal, 2);
    }

    #[test]
    fn no_facts_no_points() {
        let u = score(&Feiten::default(), &weging_v1());
        assert_eq!(u.totaal, 0);
        assert!(u.regels.iter().all(|r| r.punten == 0));
    }

    #[test]
    fn bands() {
        assert_eq!(Band::of(0), Band::Laag);
        assert_eq!(Band::of(9), Band::Laag);
        assert_eq!(Band::of(10), Band::Verhoogd);
        assert_eq!(Band::of(24), Band::Verhoogd);
        assert_eq!(Band::of(25), Band::Hoog);
    }

    #[test]
    fn weights_validation() {
        let mut g = weging_v1().gewichten;
        assert!(weging_fouten(&g).is_empty());
        g[0].punten = 101;
        g[1].maximum = -1;
        g.push(Gewicht {
            indicator: "onbekend".into(),
            punten: 1,
            maximum: 0,
            categorieen: vec![],
        });
        let e = weging_fouten(&g);
        assert_eq!(e.len(), 3);
    }

    #[test]
    fn kvk_numbers() {
        assert_eq!(
            lees_kvk("kvk", "1234 5678").unwrap(),
            Some("12345678".into())
        );
        assert_eq!(
            lees_kvk("kvk", "12.34.56.78").unwrap(),
            Some("12345678".into())
        );
        assert_eq!(lees_kvk("kvk", " ").unwrap(), None);
        for bad in ["1234567", "123456789", "1234567a", "123456789012"] {
            let e = lees_kvk("exploitant_kvk", bad).unwrap_err();
            assert_eq!(e.field, "exploitant_kvk");
            assert_eq!(e.message, "ondermijning-fout-kvk");
        }
    }

    #[test]
    fn addresses() {
        assert_eq!(lees_postcode("4141 bc").unwrap(), Some("4141BC".into()));
        assert!(lees_postcode("0141BC").is_err());
        assert!(lees_postcode("4141B").is_err());
        assert!(lees_postcode("41411C").is_err());
        assert_eq!(lees_huisnummer("12").unwrap(), Some((12, String::new())));
        assert_eq!(lees_huisnummer("12 a").unwrap(), Some((12, "A".into())));
        assert_eq!(lees_huisnummer("12-bis").unwrap(), Some((12, "BIS".into())));
        assert!(lees_huisnummer("a12").is_err());
        assert!(lees_huisnummer("0").is_err());
        assert!(lees_huisnummer("12 abcdef").is_err());
        assert_eq!(
            lees_bag("0545 0100 0001 2345").unwrap(),
            Some("0545010000012345".into())
        );
        assert!(lees_bag("054501000001234").is_err());
        // The identity: a BAG id suffices; otherwise postcode and house number.
        assert!(
            identiteit_fouten(Some("0545010000012345"), None, None, "Markt", "Leerdam").is_empty()
        );
        assert!(identiteit_fouten(None, Some("4141BC"), Some(3), "Markt", "Leerdam").is_empty());
        let e = identiteit_fouten(None, None, Some(3), "Markt", "Leerdam");
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "postcode");
        let e = identiteit_fouten(None, Some("4141BC"), None, "", "");
        assert_eq!(e.len(), 3);
        assert_eq!(lees_datum("d", "2026-02-30").unwrap_err().field, "d");
        assert_eq!(
            lees_datum("d", "2026-02-28").unwrap(),
            Some("2026-02-28".into())
        );
    }
}
