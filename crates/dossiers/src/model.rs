//! Pure rules of case files: data categories, the workflow, AVE phases, identifiers (BSN
//! elfproef, KvK, postcode) and the normalised forms from which overlap keys are made.

use jiff::civil::Date;

/// The data categories of the covenant: every entry carries exactly one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Categorie {
    Basisgegevens,
    /// Health, care and welfare: data concerning health, the special category of AVG art. 9
    /// that care partners (GGD, Veilig Thuis, GGZ) share under their own legal basis.
    ZorgWelzijn,
    /// The other special categories of AVG art. 9 (racial or ethnic origin, political opinions,
    /// religious or philosophical beliefs, trade union membership, sex life or sexual
    /// orientation, genetic and biometric data), shared only where a covenant names them.
    BijzonderOverig,
    /// Criminal data (AVG art. 10).
    Strafrechtelijk,
    Wonen,
    Onderwijs,
    Financien,
}

impl Categorie {
    pub const ALL: [Categorie; 7] = [
        Categorie::Basisgegevens,
        Categorie::ZorgWelzijn,
        Categorie::BijzonderOverig,
        Categorie::Strafrechtelijk,
        Categorie::Wonen,
        Categorie::Onderwijs,
        Categorie::Financien,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Categorie::Basisgegevens => "basisgegevens",
            Categorie::ZorgWelzijn => "zorg-welzijn",
            Categorie::BijzonderOverig => "bijzonder",
            Categorie::Strafrechtelijk => "strafrechtelijk",
            Categorie::Wonen => "wonen",
            Categorie::Onderwijs => "onderwijs",
            Categorie::Financien => "financien",
        }
    }

    pub fn naam(self) -> &'static str {
        match self {
            Categorie::Basisgegevens => "Basisgegevens",
            Categorie::ZorgWelzijn => "Gezondheid, zorg en welzijn (art. 9 AVG: gezondheid)",
            Categorie::BijzonderOverig => {
                "Overige bijzondere persoonsgegevens (art. 9 AVG: o.a. afkomst, geloof, politieke opvatting, seksuele leven)"
            }
            Categorie::Strafrechtelijk => "Strafrechtelijke gegevens (art. 10 AVG)",
            Categorie::Wonen => "Wonen",
            Categorie::Onderwijs => "Onderwijs",
            Categorie::Financien => "Financiën",
        }
    }

    pub fn from_slug(s: &str) -> Option<Categorie> {
        Categorie::ALL.into_iter().find(|c| c.slug() == s)
    }

    /// The article of the AVG that makes this category special, if any.
    pub fn avg_artikel(self) -> Option<&'static str> {
        match self {
            Categorie::ZorgWelzijn => Some("art. 9 AVG (gezondheid)"),
            Categorie::BijzonderOverig => Some("art. 9 AVG (overige bijzondere persoonsgegevens)"),
            Categorie::Strafrechtelijk => Some("art. 10 AVG"),
            _ => None,
        }
    }

    /// Parses a ','-joined list; unknown slugs are dropped (a category removed from the code is
    /// never granted by accident).
    pub fn parse_list(s: &str) -> Vec<Categorie> {
        let mut v: Vec<Categorie> = s
            .split(',')
            .filter_map(|x| Categorie::from_slug(x.trim()))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    pub fn join(list: &[Categorie]) -> String {
        list.iter().map(|c| c.slug()).collect::<Vec<_>>().join(",")
    }
}

/// The longest title of an entry, in characters.
pub const MAX_TITEL: usize = 200;
/// The longest text of an entry, in characters: a case file holds notes and decisions; longer
/// material is attached as a document.
pub const MAX_TEKST: usize = 20_000;
/// The largest attached document, in bytes.
pub const MAX_BIJLAGE: usize = 20 * 1024 * 1024;

/// The phases of a case: intake → triage → plan van aanpak → uitvoering → evaluatie →
/// afschaling → gesloten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fase {
    Intake,
    Triage,
    Plan,
    Uitvoering,
    Evaluatie,
    Afschaling,
    Gesloten,
}

impl Fase {
    pub const ALL: [Fase; 7] = [
        Fase::Intake,
        Fase::Triage,
        Fase::Plan,
        Fase::Uitvoering,
        Fase::Evaluatie,
        Fase::Afschaling,
        Fase::Gesloten,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Fase::Intake => "intake",
            Fase::Triage => "triage",
            Fase::Plan => "plan",
            Fase::Uitvoering => "uitvoering",
            Fase::Evaluatie => "evaluatie",
            Fase::Afschaling => "afschaling",
            Fase::Gesloten => "gesloten",
        }
    }

    pub fn naam(self) -> &'static str {
        match self {
            Fase::Intake => "Intake",
            Fase::Triage => "Triage",
            Fase::Plan => "Plan van aanpak",
            Fase::Uitvoering => "Uitvoering",
            Fase::Evaluatie => "Evaluatie",
            Fase::Afschaling => "Afschaling",
            Fase::Gesloten => "Gesloten",
        }
    }

    pub fn from_slug(s: &str) -> Option<Fase> {
        Fase::ALL.into_iter().find(|f| f.slug() == s)
    }

    /// The phases a case may move to from here: the next one; back to the plan or execution
    /// after an evaluation; closing from any open phase (a case may end early, e.g. when the
    /// person moves away). A closed case does not reopen: a new case is started instead, so
    /// its retention term stays fixed.
    pub fn volgende(self) -> Vec<Fase> {
        use Fase::*;
        match self {
            Intake => vec![Triage, Gesloten],
            Triage => vec![Plan, Gesloten],
            Plan => vec![Uitvoering, Gesloten],
            Uitvoering => vec![Evaluatie, Gesloten],
            Evaluatie => vec![Plan, Uitvoering, Afschaling, Gesloten],
            Afschaling => vec![Gesloten],
            Gesloten => vec![],
        }
    }

    pub fn mag_naar(self, naar: Fase) -> bool {
        self.volgende().contains(&naar)
    }
}

/// AVE (Aanpak Escalatie): phase 1 (usual care) to 4 (escalation to the mayor/driehoek).
pub fn ave_naam(fase: i64) -> &'static str {
    match fase {
        1 => "AVE-fase 1 – reguliere aanpak",
        2 => "AVE-fase 2 – opschaling binnen de keten",
        3 => "AVE-fase 3 – opschaling naar de procesregie",
        4 => "AVE-fase 4 – bestuurlijke escalatie",
        _ => "AVE-fase onbekend",
    }
}

/// The Zorg- en Veiligheidshuis tables a case can be referred to.
pub const ZVH_TAFELS: [(&str, &str); 4] = [
    ("top-x", "TOP X"),
    ("mda", "MDA++"),
    ("onbegrepen-gedrag", "Onbegrepen gedrag met gevaarsrisico"),
    ("radicalisering", "Radicalisering en polarisatie"),
];

/// The name beside `slug` in one of the (slug, name) lists below.
fn naam_in(list: &[(&'static str, &'static str)], slug: &str) -> Option<&'static str> {
    list.iter().find(|(s, _)| *s == slug).map(|(_, n)| *n)
}

pub fn zvh_naam(slug: &str) -> Option<&'static str> {
    naam_in(&ZVH_TAFELS, slug)
}

/// The involvement of the person concerned ("niet over maar mét de inwoner").
pub const INWONER: [(&str, &str); 4] = [
    ("niet-uitgenodigd", "Nog niet uitgenodigd"),
    ("uitgenodigd", "Uitgenodigd"),
    ("betrokken", "Neemt deel aan het plan"),
    ("wil-niet", "Wil niet deelnemen (vastgelegd)"),
];

pub fn inwoner_naam(slug: &str) -> &'static str {
    inwoner_naam_of(slug).unwrap_or("Onbekend")
}

pub fn inwoner_naam_of(slug: &str) -> Option<&'static str> {
    naam_in(&INWONER, slug)
}

/// Where a case came from.
pub const HERKOMST: [(&str, &str); 3] = [
    ("team", "Eigen team"),
    ("melding", "Melding"),
    ("partner", "Verzoek van een ketenpartner"),
];

/// Kinds of entries.
pub const ITEM_SOORTEN: [(&str, &str); 7] = [
    ("notitie", "Notitie"),
    ("taak", "Taak"),
    ("doel", "Doel (plan van aanpak)"),
    ("document", "Document"),
    ("besluit", "Besluit"),
    ("verslag", "Overlegverslag"),
    ("betrokkenheid", "Contact met de inwoner"),
];

pub fn item_soort_naam(slug: &str) -> Option<&'static str> {
    naam_in(&ITEM_SOORTEN, slug)
}

/// Life domains for the goals of a plan (zelfredzaamheidsmatrix-style).
pub const LEEFGEBIEDEN: [(&str, &str); 8] = [
    ("wonen", "Wonen"),
    ("financien", "Financiën"),
    ("gezondheid", "Lichamelijke en psychische gezondheid"),
    ("verslaving", "Verslaving"),
    ("dagbesteding", "Dagbesteding en werk"),
    ("netwerk", "Sociaal netwerk"),
    ("justitie", "Justitie"),
    ("veiligheid", "Veiligheid"),
];

pub fn leefgebied_naam(slug: &str) -> Option<&'static str> {
    naam_in(&LEEFGEBIEDEN, slug)
}

/// Kinds of subjects.
pub const SUBJECT_SOORTEN: [(&str, &str); 4] = [
    ("persoon", "Persoon"),
    ("locatie", "Locatie"),
    ("bedrijf", "Bedrijf"),
    ("groep", "Groep"),
];

pub fn subject_soort_naam(slug: &str) -> Option<&'static str> {
    naam_in(&SUBJECT_SOORTEN, slug)
}

/// Kinds of case meetings.
pub const OVERLEG_SOORTEN: [(&str, &str); 3] = [
    ("pga", "PGA-overleg"),
    ("ondermijning", "Ondermijningsoverleg"),
    ("zvh", "Casusoverleg Zorg- en Veiligheidshuis"),
];

pub fn overleg_soort_naam(slug: &str) -> Option<&'static str> {
    naam_in(&OVERLEG_SOORTEN, slug)
}

/// The label of one of this module's codes in the reader's language: the Fluent message
/// `dossiers-<kind>-<slug>` (kinds: categorie, fase, ave, zvh, inwoner, herkomst, soort,
/// leefgebied, subject, overleg). Codes never appear as text on a page.
pub fn label(lang: &str, kind: &str, slug: &str) -> String {
    crate::t(lang, &format!("dossiers-{kind}-{slug}"))
}

/// The (slug, label) choices of one of the lists above, in the reader's language.
pub fn keuzes(lang: &str, kind: &str, list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(s, _)| (s.to_string(), label(lang, kind, s)))
        .collect()
}

impl Categorie {
    /// The category's name in the reader's language.
    pub fn label(self, lang: &str) -> String {
        label(lang, "categorie", self.slug())
    }
}

impl Fase {
    /// The phase's name in the reader's language.
    pub fn label(self, lang: &str) -> String {
        label(lang, "fase", self.slug())
    }
}

/// The AVE phase's name in the reader's language ("onbekend" outside 1..=4).
pub fn ave_label(lang: &str, fase: i64) -> String {
    if (1..=4).contains(&fase) {
        label(lang, "ave", &fase.to_string())
    } else {
        label(lang, "ave", "onbekend")
    }
}

/// The Dutch citizen service number check (elfproef): 9 digits (8 with a leading zero added),
/// 9×d1 + 8×d2 + … + 2×d8 − 1×d9 divisible by 11, and not all zeros.
pub fn bsn_geldig(bsn: &str) -> bool {
    let digits: Vec<u32> = bsn.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != bsn.len() || !(8..=9).contains(&digits.len()) {
        return false;
    }
    let mut d = digits;
    if d.len() == 8 {
        d.insert(0, 0);
    }
    if d.iter().all(|x| *x == 0) {
        return false;
    }
    let sum: i64 = d
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let weight = if i == 8 { -1 } else { 9 - i as i64 };
            weight * i64::from(*x)
        })
        .sum();
    sum % 11 == 0
}

/// A BSN in its 9-digit form.
pub fn bsn_normaal(bsn: &str) -> String {
    format!("{:0>9}", bsn.trim())
}

/// Chamber of Commerce numbers have 8 digits.
pub fn kvk_geldig(kvk: &str) -> bool {
    kvk.len() == 8 && kvk.chars().all(|c| c.is_ascii_digit())
}

/// Dutch postcode "1234 AB" (space optional, any case) in the form "1234AB".
pub fn postcode_normaal(pc: &str) -> Option<String> {
    let s: String = pc
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let (num, letters) = s.split_at_checked(4)?;
    let ok = num.chars().all(|c| c.is_ascii_digit())
        && !num.starts_with('0')
        && letters.len() == 2
        && letters.chars().all(|c| c.is_ascii_uppercase());
    ok.then_some(s)
}

/// Lower case, letters and digits only, single spaces: "  Dorpsstraat 1-A " and
/// "dorpsstraat 1a" give the same key.
pub fn tekst_normaal(s: &str) -> String {
    let mut out = String::new();
    for word in s
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        out.push_str(word);
    }
    out
}

/// The identifiers of a subject that may reveal an overlap with another case, as
/// (kind, normalised value); the store turns them into keyed hashes.
pub fn overlap_identifiers(
    naam: &str,
    geboortedatum: Option<Date>,
    bsn: Option<&str>,
    adres: Option<&str>,
    postcode: Option<&str>,
    kvk: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut ids = Vec::new();
    if let Some(b) = bsn.filter(|b| !b.trim().is_empty()) {
        ids.push(("bsn", bsn_normaal(b)));
    }
    if let Some(d) = geboortedatum {
        let n = tekst_normaal(naam);
        if !n.is_empty() {
            ids.push(("naam-geboortedatum", format!("{n}|{d}")));
        }
    }
    if let Some(a) = adres.filter(|a| !a.trim().is_empty()) {
        let pc = postcode.and_then(postcode_normaal).unwrap_or_default();
        ids.push(("adres", format!("{}|{pc}", tekst_normaal(a))));
    }
    if let Some(k) = kvk.filter(|k| !k.trim().is_empty()) {
        ids.push(("kvk", k.trim().to_string()));
    }
    ids
}

/// The end of the retention term of a case closed on `gesloten`.
pub fn bewaren_tot(gesloten: Date, jaren: i64) -> Date {
    let years = i16::try_from(jaren.clamp(0, 100)).unwrap_or(100);
    gesloten
        .checked_add(jiff::Span::new().years(years))
        .unwrap_or(gesloten)
}

/// A reference data case type.
pub struct ZaaktypeSjabloon {
    pub slug: &'static str,
    pub naam: &'static str,
    pub omschrijving: &'static str,
    pub categorieen: &'static [Categorie],
    pub taken: &'static [&'static str],
    pub bewaartermijn_jaren: i64,
}

use Categorie::*;

/// The case types Baken ships (IVB hoofdstuk 2–4). Retention terms follow the usual
/// covenant practice for these tables (e.g. the Zorg- en Veiligheidshuis covenant: 5 years
/// after closing for personal case data); a municipality sets its own through new case types.
pub const ZAAKTYPEN: &[ZaaktypeSjabloon] = &[
    ZaaktypeSjabloon {
        slug: "pga",
        naam: "Persoonsgerichte aanpak (PGA)",
        omschrijving: "Lokale persoonsgerichte aanpak onder het privacyconvenant, met de gemeente als procesregisseur.",
        categorieen: &[Basisgegevens, ZorgWelzijn, Strafrechtelijk, Wonen, Financien],
        taken: &["Intakegesprek voeren", "Informatie ophalen bij de ketenpartners", "Plan van aanpak opstellen", "Inwoner uitnodigen voor het plan"],
        bewaartermijn_jaren: 5,
    },
    ZaaktypeSjabloon {
        slug: "zvh-top-x",
        naam: "ZVH – TOP X",
        omschrijving: "Verwijzing naar de TOP X-tafel van het Zorg- en Veiligheidshuis.",
        categorieen: &[Basisgegevens, ZorgWelzijn, Strafrechtelijk],
        taken: &["Aanmeldformulier ZVH invullen", "Terugkoppeling van de tafel vastleggen"],
        bewaartermijn_jaren: 5,
    },
    ZaaktypeSjabloon {
        slug: "zvh-mda",
        naam: "ZVH – MDA++",
        omschrijving: "Multidisciplinaire aanpak van huiselijk geweld en kindermishandeling (MDA++).",
        categorieen: &[Basisgegevens, ZorgWelzijn, Strafrechtelijk, Wonen],
        taken: &["Aanmelden bij Veilig Thuis", "Veiligheidsplan vastleggen"],
        bewaartermijn_jaren: 5,
    },
    ZaaktypeSjabloon {
        slug: "zvh-onbegrepen-gedrag",
        naam: "ZVH – Onbegrepen gedrag met gevaarsrisico",
        omschrijving: "Personen met onbegrepen gedrag en een risico op gevaar (Wvggz-context).",
        categorieen: &[Basisgegevens, ZorgWelzijn, Wonen],
        taken: &["Risicotaxatie vastleggen", "Zorgaanbod afstemmen met de GGD"],
        bewaartermijn_jaren: 5,
    },
    ZaaktypeSjabloon {
        slug: "zvh-radicalisering",
        naam: "ZVH – Radicalisering en polarisatie",
        omschrijving: "Casusoverleg radicalisering onder het convenant van het Zorg- en Veiligheidshuis.",
        categorieen: &[Basisgegevens, ZorgWelzijn, BijzonderOverig, Strafrechtelijk, Onderwijs],
        taken: &["Weging in het casusoverleg", "Interventie toewijzen"],
        bewaartermijn_jaren: 5,
    },
    ZaaktypeSjabloon {
        slug: "nazorg",
        naam: "Nazorg ex-gedetineerden",
        omschrijving: "Terugkeer na detentie: identiteitsbewijs, onderdak, inkomen, schulden, zorg.",
        categorieen: &[Basisgegevens, ZorgWelzijn, Strafrechtelijk, Wonen, Financien],
        taken: &["Detentiemelding verwerken", "Leefgebieden uitvragen", "Afspraken bij vrijlating"],
        bewaartermijn_jaren: 5,
    },
    ZaaktypeSjabloon {
        slug: "ondermijning",
        naam: "Ondermijning (locatie, bedrijf of netwerk)",
        omschrijving: "Integrale aanpak van ondermijnende criminaliteit rond een locatie, bedrijf of netwerk (RIEC).",
        categorieen: &[Basisgegevens, Strafrechtelijk, Wonen, Financien],
        taken: &["Informatie bundelen met het RIEC", "Bestuurlijke mogelijkheden wegen"],
        bewaartermijn_jaren: 7,
    },
    ZaaktypeSjabloon {
        slug: "jeugdgroep",
        naam: "Jeugdgroep / Jonge Aanwas",
        omschrijving: "Problematische jeugdgroepen en jongeren die afglijden naar criminaliteit.",
        categorieen: &[Basisgegevens, ZorgWelzijn, Strafrechtelijk, Onderwijs],
        taken: &["Groepsscan laten maken", "Ouders betrekken", "School betrekken"],
        bewaartermijn_jaren: 5,
    },
    ZaaktypeSjabloon {
        slug: "woonoverlast",
        naam: "Woonoverlast",
        omschrijving: "Ernstige en herhaalde overlast vanuit een woning (art. 151d Gemeentewet).",
        categorieen: &[Basisgegevens, ZorgWelzijn, Wonen],
        taken: &["Meldingen bundelen", "Gesprek met bewoner en corporatie"],
        bewaartermijn_jaren: 5,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elfproef_accepts_valid_and_refuses_invalid_numbers() {
        // Well-known test numbers that pass the check.
        assert!(bsn_geldig("111222333"));
        assert!(bsn_geldig("123456782"));
        assert!(bsn_geldig("12345678") == bsn_geldig("012345678"));
        assert!(!bsn_geldig("123456789"));
        assert!(!bsn_geldig("000000000"));
        assert!(!bsn_geldig("1234567"));
        assert!(!bsn_geldig("1234567890"));
        assert!(!bsn_geldig("12345678a"));
        assert!(!bsn_geldig("123 456 782"));
    }

    #[test]
    fn the_workflow_moves_forward_loops_after_evaluation_and_never_reopens() {
        assert!(Fase::Intake.mag_naar(Fase::Triage));
        assert!(!Fase::Intake.mag_naar(Fase::Uitvoering));
        assert!(Fase::Evaluatie.mag_naar(Fase::Plan));
        assert!(Fase::Plan.mag_naar(Fase::Gesloten));
        for f in Fase::ALL {
            assert!(!Fase::Gesloten.mag_naar(f));
            assert_eq!(Fase::from_slug(f.slug()), Some(f));
        }
    }

    #[test]
    fn identifiers_are_normalised_before_hashing() {
        let a = overlap_identifiers(
            "J. de Vries",
            "1990-01-02".parse().ok(),
            Some("12345678"),
            Some(" Dorpsstraat 1-A "),
            Some("4131 ab"),
            None,
        );
        let b = overlap_identifiers(
            "j de vries",
            "1990-01-02".parse().ok(),
            Some("012345678"),
            Some("dorpsstraat 1a"),
            Some("4131AB"),
            None,
        );
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        assert_eq!(postcode_normaal("0131AB"), None);
        assert_eq!(postcode_normaal("4131 A"), None);
        assert!(kvk_geldig("12345678"));
        assert!(!kvk_geldig("1234567"));
    }

    #[test]
    fn categories_round_trip_and_unknown_slugs_are_dropped() {
        let list = Categorie::parse_list("wonen, basisgegevens,geheim,wonen");
        assert_eq!(list, vec![Categorie::Basisgegevens, Categorie::Wonen]);
        assert_eq!(Categorie::join(&list), "basisgegevens,wonen");
        for c in Categorie::ALL {
            assert_eq!(Categorie::from_slug(c.slug()), Some(c));
        }
    }

    #[test]
    fn article_9_is_split_into_health_and_the_other_special_categories() {
        assert_ne!(
            Categorie::from_slug("zorg-welzijn"),
            Categorie::from_slug("bijzonder")
        );
        assert!(Categorie::ZorgWelzijn.naam().contains("gezondheid"));
        assert!(Categorie::BijzonderOverig
            .avg_artikel()
            .is_some_and(|a| a.contains("art. 9")));
        assert_eq!(Categorie::Wonen.avg_artikel(), None);
    }

    #[test]
    fn retention_counts_from_closing() {
        let d: Date = "2026-02-28".parse().unwrap_or_default();
        assert_eq!(bewaren_tot(d, 5).to_string(), "2031-02-28");
    }
}
