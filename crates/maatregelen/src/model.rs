//! Pure rules of the maatregelen module: measure types with their legal basis, the procedure as a
//! state machine per type (a step out of order is refused with a Dutch reason), the deadlines of a
//! measure (from the `termijnen` crate) and the policy ladders (horeca cards, Damocles, Alcoholwet
//! art. 19a) that propose the next step. No I/O.

use jiff::civil::Date;
use termijnen::{bereken_met, datum_nl, Calendar, Opties, Regel};

/// A type of measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Soort {
    Sluiting13b,
    Sluiting174a,
    Gedragsaanwijzing151d,
    Dwangsom,
    Bestuursdwang,
    Huisverbod,
    Crisismaatregel,
    GeleKaart,
    RodeKaart,
    Verkoopverbod19a,
    /// An offence or warning on a ladder that proposes no measure (a Damocles warning, the first
    /// and second Alcoholwet 19a offence): recorded with its date and place, so it counts for the
    /// next step; no besluit.
    Overtreding,
}

/// How a type's procedure runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Procedure {
    /// Voornemen, zienswijze, besluit, bekendmaking, bezwaar and beroep (Awb).
    Awb,
    /// A warning: voornemen and zienswijze are optional.
    Waarschuwing,
    /// Imposed at once by the burgemeester; 10 days, extension to 28; direct beroep, no bezwaar.
    Huisverbod,
    /// Imposed at once; 3 days; beroep, no bezwaar.
    Crisis,
    /// No besluit: an offence recorded for a ladder, or a warning the policy defines as one (a
    /// yellow card that is a warning): no voornemen, no bezwaar, no bezwaar term.
    GeenBesluit,
}

impl Soort {
    pub const ALL: [Soort; 11] = [
        Soort::Sluiting13b,
        Soort::Sluiting174a,
        Soort::Gedragsaanwijzing151d,
        Soort::Dwangsom,
        Soort::Bestuursdwang,
        Soort::Huisverbod,
        Soort::Crisismaatregel,
        Soort::GeleKaart,
        Soort::RodeKaart,
        Soort::Verkoopverbod19a,
        Soort::Overtreding,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Soort::Sluiting13b => "sluiting-13b",
            Soort::Sluiting174a => "sluiting-174a",
            Soort::Gedragsaanwijzing151d => "gedragsaanwijzing-151d",
            Soort::Dwangsom => "dwangsom",
            Soort::Bestuursdwang => "bestuursdwang",
            Soort::Huisverbod => "huisverbod",
            Soort::Crisismaatregel => "crisismaatregel",
            Soort::GeleKaart => "gele-kaart",
            Soort::RodeKaart => "rode-kaart",
            Soort::Verkoopverbod19a => "verkoopverbod-19a",
            Soort::Overtreding => "overtreding",
        }
    }

    pub fn from_slug(s: &str) -> Option<Soort> {
        Soort::ALL.into_iter().find(|x| x.slug() == s.trim())
    }

    pub fn naam(self) -> &'static str {
        match self {
            Soort::Sluiting13b => "Sluiting drugspand",
            Soort::Sluiting174a => "Sluiting woning (openbare orde)",
            Soort::Gedragsaanwijzing151d => "Gedragsaanwijzing woonoverlast",
            Soort::Dwangsom => "Last onder dwangsom",
            Soort::Bestuursdwang => "Last onder bestuursdwang",
            Soort::Huisverbod => "Tijdelijk huisverbod",
            Soort::Crisismaatregel => "Crisismaatregel",
            Soort::GeleKaart => "Horeca: gele kaart",
            Soort::RodeKaart => "Horeca: rode kaart (sluiting)",
            Soort::Verkoopverbod19a => "Verkoopverbod alcohol",
            Soort::Overtreding => "Overtreding of waarschuwing (geen maatregel)",
        }
    }

    pub fn grondslag(self) -> &'static str {
        match self {
            Soort::Sluiting13b => "art. 13b Opiumwet",
            Soort::Sluiting174a => "art. 174a Gemeentewet",
            Soort::Gedragsaanwijzing151d => {
                "art. 151d Gemeentewet jo. APV (Wet aanpak woonoverlast)"
            }
            Soort::Dwangsom => "art. 5:32 e.v. Awb",
            Soort::Bestuursdwang => "art. 5:21 e.v. Awb",
            Soort::Huisverbod => "art. 2 en 9 Wet tijdelijk huisverbod",
            Soort::Crisismaatregel => "art. 7:1 e.v. Wet verplichte geestelijke gezondheidszorg",
            Soort::GeleKaart | Soort::RodeKaart => {
                "horecabeleid (beleidsregel, art. 4:81 Awb) jo. APV en art. 174 Gemeentewet"
            }
            Soort::Verkoopverbod19a => "art. 19a Alcoholwet",
            Soort::Overtreding => "beleidsregel (art. 4:81 Awb); geen besluit",
        }
    }

    pub fn procedure(self) -> Procedure {
        match self {
            Soort::Huisverbod => Procedure::Huisverbod,
            Soort::Crisismaatregel => Procedure::Crisis,
            Soort::GeleKaart => Procedure::Waarschuwing,
            Soort::Overtreding => Procedure::GeenBesluit,
            _ => Procedure::Awb,
        }
    }

    /// Whether this type may be decided on the urgent path without a prior voornemen and
    /// zienswijze: a closure or other last onder bestuursdwang (art. 4:11 and 5:31 Awb; for a
    /// 13b or 174a closure the burgemeester applies bestuursdwang).
    pub fn spoed_mogelijk(self) -> bool {
        matches!(
            self,
            Soort::Sluiting13b | Soort::Sluiting174a | Soort::Bestuursdwang
        )
    }

    /// The steps that may be recorded for this type, in their usual order.
    pub fn stappen(self) -> Vec<StapSoort> {
        Zaak::from(self).stappen()
    }
}

/// What a measure's procedure depends on beyond its steps: its type, and whether the policy
/// defines it as a warning rather than a besluit (a yellow card that is a warning).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zaak {
    pub soort: Soort,
    pub waarschuwing: bool,
}

impl From<Soort> for Zaak {
    fn from(soort: Soort) -> Zaak {
        Zaak {
            soort,
            waarschuwing: false,
        }
    }
}

impl Zaak {
    pub fn procedure(self) -> Procedure {
        if self.waarschuwing {
            Procedure::GeenBesluit
        } else {
            self.soort.procedure()
        }
    }

    /// The steps that may be recorded, in their usual order.
    pub fn stappen(self) -> Vec<StapSoort> {
        StapSoort::ALL
            .into_iter()
            .filter(|s| s.past_bij(self))
            .collect()
    }
}

/// A step of the procedure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StapSoort {
    Aanleiding,
    /// The urgent path (art. 4:11 and 5:31 Awb): decided without awaiting a voornemen and
    /// zienswijze, for the reason recorded with it.
    Spoed,
    Voornemen,
    Zienswijze,
    Afweging,
    Besluit,
    Bekendmaking,
    UitvoeringStart,
    UitvoeringEinde,
    Verlenging,
    Verbeurte,
    Invordering,
    Bezwaar,
    /// The decision on a bezwaar postponed (art. 7:10 lid 3 Awb), dated the day of the notice.
    Verdaging,
    BeslissingBezwaar,
    Beroep,
    /// The court's ruling on a beroep (or, after a hoger beroep, the Council of State's).
    Uitspraak,
    HogerBeroep,
    Evaluatie,
    Beeindiging,
}

impl StapSoort {
    pub const ALL: [StapSoort; 20] = [
        StapSoort::Aanleiding,
        StapSoort::Spoed,
        StapSoort::Voornemen,
        StapSoort::Zienswijze,
        StapSoort::Afweging,
        StapSoort::Besluit,
        StapSoort::Bekendmaking,
        StapSoort::UitvoeringStart,
        StapSoort::UitvoeringEinde,
        StapSoort::Verlenging,
        StapSoort::Verbeurte,
        StapSoort::Invordering,
        StapSoort::Bezwaar,
        StapSoort::Verdaging,
        StapSoort::BeslissingBezwaar,
        StapSoort::Beroep,
        StapSoort::Uitspraak,
        StapSoort::HogerBeroep,
        StapSoort::Evaluatie,
        StapSoort::Beeindiging,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            StapSoort::Aanleiding => "aanleiding",
            StapSoort::Spoed => "spoed",
            StapSoort::Voornemen => "voornemen",
            StapSoort::Zienswijze => "zienswijze",
            StapSoort::Afweging => "afweging",
            StapSoort::Besluit => "besluit",
            StapSoort::Bekendmaking => "bekendmaking",
            StapSoort::UitvoeringStart => "uitvoering-start",
            StapSoort::UitvoeringEinde => "uitvoering-einde",
            StapSoort::Verlenging => "verlenging",
            StapSoort::Verbeurte => "verbeurte",
            StapSoort::Invordering => "invorderingsbesluit",
            StapSoort::Bezwaar => "bezwaar",
            StapSoort::Verdaging => "verdaging",
            StapSoort::BeslissingBezwaar => "beslissing-bezwaar",
            StapSoort::Beroep => "beroep",
            StapSoort::Uitspraak => "uitspraak",
            StapSoort::HogerBeroep => "hoger-beroep",
            StapSoort::Evaluatie => "evaluatie",
            StapSoort::Beeindiging => "beeindiging",
        }
    }

    pub fn from_slug(s: &str) -> Option<StapSoort> {
        StapSoort::ALL.into_iter().find(|x| x.slug() == s.trim())
    }

    pub fn naam(self) -> &'static str {
        match self {
            StapSoort::Aanleiding => "Aanleiding",
            StapSoort::Spoed => "Spoedeisend (zonder voornemen en zienswijze)",
            StapSoort::Voornemen => "Voornemen",
            StapSoort::Zienswijze => "Zienswijze",
            StapSoort::Afweging => "Afweging noodzaak, evenredigheid en subsidiariteit",
            StapSoort::Besluit => "Besluit",
            StapSoort::Bekendmaking => "Bekendmaking",
            StapSoort::UitvoeringStart => "Start uitvoering",
            StapSoort::UitvoeringEinde => "Einde uitvoering",
            StapSoort::Verlenging => "Verlenging",
            StapSoort::Verbeurte => "Verbeurte dwangsom",
            StapSoort::Invordering => "Invorderingsbesluit",
            StapSoort::Bezwaar => "Bezwaar ontvangen",
            StapSoort::Verdaging => "Verdaging beslissing op bezwaar",
            StapSoort::BeslissingBezwaar => "Beslissing op bezwaar",
            StapSoort::Beroep => "Beroep",
            StapSoort::Uitspraak => "Uitspraak van de rechter",
            StapSoort::HogerBeroep => "Hoger beroep",
            StapSoort::Evaluatie => "Evaluatie",
            StapSoort::Beeindiging => "Beëindiging",
        }
    }

    /// The step's name in a procedure: a warning is given, not decided.
    pub fn naam_in(self, p: Procedure) -> &'static str {
        match (self, p) {
            (StapSoort::Besluit, Procedure::GeenBesluit) => "Waarschuwing gegeven",
            (StapSoort::Bekendmaking, Procedure::GeenBesluit) => "Waarschuwing verzonden",
            _ => self.naam(),
        }
    }

    fn past_bij(self, zaak: Zaak) -> bool {
        let soort = zaak.soort;
        let p = zaak.procedure();
        if p == Procedure::GeenBesluit {
            return matches!(
                self,
                StapSoort::Aanleiding
                    | StapSoort::Afweging
                    | StapSoort::Besluit
                    | StapSoort::Bekendmaking
                    | StapSoort::Evaluatie
                    | StapSoort::Beeindiging
            );
        }
        match self {
            StapSoort::Voornemen | StapSoort::Zienswijze => {
                matches!(p, Procedure::Awb | Procedure::Waarschuwing)
            }
            StapSoort::Bezwaar | StapSoort::Verdaging | StapSoort::BeslissingBezwaar => {
                matches!(p, Procedure::Awb | Procedure::Waarschuwing)
            }
            StapSoort::Verlenging => p == Procedure::Huisverbod,
            StapSoort::Spoed => soort.spoed_mogelijk(),
            StapSoort::Verbeurte | StapSoort::Invordering => soort == Soort::Dwangsom,
            _ => true,
        }
    }
}

/// Where a measure came from.
pub const BRONNEN: [(&str, &str); 3] = [
    ("melding", "Melding"),
    ("inspectie", "Inspectie of controle"),
    ("politierapport", "Politierapport (bestuurlijke rapportage)"),
];

/// One recorded step with the facts it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stap {
    pub soort: StapSoort,
    pub datum: Date,
    pub toelichting: String,
    /// Aanleiding: melding, inspectie or politierapport.
    pub bron: Option<String>,
    /// Aanleiding: the number of the melding, inspection or report.
    pub referentie: Option<String>,
    /// Aanleiding from a melding: the melding's id (the number is checked against meldingen).
    pub melding_id: Option<String>,
    /// Zienswijze: received or not.
    pub ontvangen: Option<bool>,
    /// Zienswijze: the term in days (default 14).
    pub dagen: Option<u32>,
    /// Besluit dwangsom: end of the begunstigingstermijn; verlenging: new end; uitvoering-start:
    /// planned end of the closure.
    pub tot: Option<Date>,
    /// Besluit dwangsom: amount per violation; verbeurte: amount forfeited (euro cents).
    pub bedrag_cent: Option<i64>,
    /// Besluit dwangsom: maximum (euro cents).
    pub maximum_cent: Option<i64>,
    pub noodzaak: Option<String>,
    pub evenredigheid: Option<String>,
    pub subsidiariteit: Option<String>,
    /// Spoed: why the voornemen and zienswijze cannot be awaited (mandatory).
    pub reden: Option<String>,
    /// Bezwaar: handled by an advisory committee (art. 7:13 Awb): 12 weeks to decide.
    pub adviescommissie: Option<bool>,
    /// Verdaging of the decision on a bezwaar: the weeks (at most 6, art. 7:10 lid 3 Awb).
    pub weken: Option<u32>,
    /// Dwangsom: what a bezwaar, beroep or ruling is directed against.
    pub tegen: Option<Tegen>,
}

/// In a dwangsom case: the decision a bezwaar, beroep or ruling is directed against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tegen {
    /// The last onder dwangsom (the measure's besluit): art. 5:35 lid 2 Awb.
    Last,
    /// The invorderingsbesluit: art. 5:37a Awb.
    Invordering,
}

impl Tegen {
    pub fn slug(self) -> &'static str {
        match self {
            Tegen::Last => "last",
            Tegen::Invordering => "invordering",
        }
    }

    pub fn from_slug(s: &str) -> Option<Tegen> {
        [Tegen::Last, Tegen::Invordering]
            .into_iter()
            .find(|t| t.slug() == s.trim())
    }
}

impl Stap {
    pub fn new(soort: StapSoort, datum: Date) -> Stap {
        Stap {
            soort,
            datum,
            toelichting: String::new(),
            bron: None,
            referentie: None,
            melding_id: None,
            ontvangen: None,
            dagen: None,
            tot: None,
            bedrag_cent: None,
            maximum_cent: None,
            noodzaak: None,
            evenredigheid: None,
            subsidiariteit: None,
            reden: None,
            adviescommissie: None,
            weken: None,
            tegen: None,
        }
    }
}

fn filled(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

fn laatste(stappen: &[Stap], soort: StapSoort) -> Option<&Stap> {
    stappen.iter().rev().find(|s| s.soort == soort)
}

fn heeft(stappen: &[Stap], soort: StapSoort) -> bool {
    stappen.iter().any(|s| s.soort == soort)
}

/// A measure's human reference: `MR-2026-0042` (the year it was registered and its number in
/// that year, at least four digits).
pub fn kenmerk(jaar: i16, nummer: i64) -> String {
    format!("MR-{jaar}-{nummer:04}")
}

pub fn euro(cent: i64) -> String {
    format!("€ {},{:02}", cent / 100, (cent % 100).abs())
}

/// The zienswijze term: it runs from the day the voornemen was sent (the voornemen step's date),
/// for the days set in the voornemen (or, for steps recorded before the term moved there, in the
/// zienswijze step), 14 by default. The Atw does not extend it (a term the mayor sets).
pub fn zienswijze_termijn(stappen: &[Stap], kal: &Calendar) -> Option<termijnen::Termijn> {
    let v = laatste(stappen, StapSoort::Voornemen)?;
    let dagen = v
        .dagen
        .or_else(|| laatste(stappen, StapSoort::Zienswijze).and_then(|z| z.dagen))
        .unwrap_or(termijnen::STANDAARD_ZIENSWIJZE_DAGEN);
    let mut t = bereken_met(
        kal,
        Regel::Zienswijze,
        v.datum,
        &Opties {
            dagen: Some(dagen),
            ..Opties::default()
        },
    )
    .ok()?;
    t.uitleg = t.uitleg.replacen(
        "de dag van verzending van het verzoek om een zienswijze",
        "de dag waarop het voornemen is verzonden",
        1,
    );
    Some(t)
}

fn regel(regel: Regel, datum: Date, kal: &Calendar) -> Option<termijnen::Termijn> {
    bereken_met(kal, regel, datum, &Opties::default()).ok()
}

/// Checks a day a user wants to add as designated by royal decree (art. 3 lid 3 Atw) against the
/// calendar as it stands: a weekend day or a statutory holiday already moves a deadline, and a
/// day already designated is listed. The refusal is a Dutch sentence for the user.
pub fn toets_gelijkgestelde_dag(datum: Date, kal: &Calendar) -> Result<(), String> {
    if let Some(f) = kal.feestdag(datum) {
        return Err(match f.soort {
            termijnen::FeestdagSoort::Gelijkgesteld => format!(
                "{} staat al in de lijst ({}).",
                hoofdletter(&datum_nl(datum)),
                f.naam
            ),
            _ => format!(
                "{} is al een feestdag in de zin van de Algemene termijnenwet ({}, {}): een termijn die dan eindigt, wordt al verlengd. Een gelijkstelling voegt niets toe.",
                hoofdletter(&datum_nl(datum)),
                f.naam,
                f.soort.grondslag()
            ),
        });
    }
    if termijnen::is_weekend(datum) {
        return Err(format!(
            "{} valt in het weekend: een termijn die op een zaterdag of zondag eindigt, wordt al verlengd (art. 1 Atw). Een gelijkstelling voegt niets toe.",
            hoofdletter(&datum_nl(datum))
        ));
    }
    Ok(())
}

/// The warning on the deadline overview and the designated-days page when the current or the
/// next calendar year has no day designated by royal decree recorded: a deadline ending in such
/// a year may come out too early once the decree is published (art. 3 lid 3 Atw).
pub fn waarschuwing_gelijkgestelde_dagen(kal: &Calendar, vandaag: Date) -> Option<String> {
    let jaar = vandaag.year();
    let ontbreekt = kal.jaren_zonder_gelijkstelling([jaar, jaar.saturating_add(1)]);
    let (jaren, die) = match ontbreekt.as_slice() {
        [] => return None,
        [j] => (j.to_string(), "dat jaar"),
        [a, b, ..] => (format!("{a} en {b}"), "die jaren"),
    };
    Some(format!(
        "Let op: voor {jaren} zijn nog geen gelijkgestelde dagen vastgelegd. Een wettelijke termijn die in {die} eindigt, kan te vroeg uitvallen als het koninklijk besluit een dag gelijkstelt met een algemeen erkende feestdag (art. 3 lid 3 Algemene termijnenwet). Neem de dagen over uit het besluit in de Staatscourant zodra het verschenen is."
    ))
}

fn hoofdletter(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The urgent path, when recorded: the step with its reason.
pub fn spoed(stappen: &[Stap]) -> Option<&Stap> {
    laatste(stappen, StapSoort::Spoed)
}

/// The assessment of necessity, proportionality and subsidiarity weighs the zienswijze: once a
/// voornemen has been sent (and always under the Awb procedure), it can only be completed after
/// the zienswijze has been recorded or its term has ended.
fn weegt_zienswijze(
    p: Procedure,
    stappen: &[Stap],
    datum: Date,
    kal: &Calendar,
) -> Result<(), String> {
    let voornemen = laatste(stappen, StapSoort::Voornemen);
    if !(p == Procedure::Awb || (p == Procedure::Waarschuwing && voornemen.is_some())) {
        return Ok(());
    }
    if heeft(stappen, StapSoort::Zienswijze) || spoed(stappen).is_some() {
        return Ok(());
    }
    let Some(v) = voornemen else {
        return Err("De afweging weegt de zienswijze op het voornemen: leg eerst het voornemen vast (art. 4:8 Awb).".into());
    };
    match zienswijze_termijn(stappen, kal) {
        Some(t) if datum <= t.datum => Err(format!(
            "De afweging weegt de zienswijze: de zienswijzetermijn loopt nog tot en met {} (gerekend vanaf de verzending van het voornemen op {}). Leg eerst de ontvangen zienswijze vast, of maak de afweging na afloop van de termijn.",
            datum_nl(t.datum),
            datum_nl(v.datum)
        )),
        _ => Ok(()),
    }
}

fn tegen_van(s: &Stap) -> Tegen {
    s.tegen.unwrap_or(Tegen::Last)
}

/// The last step of `soort` in the objection procedure against `doel`.
fn laatste_tegen(stappen: &[Stap], soort: StapSoort, doel: Tegen) -> Option<&Stap> {
    stappen
        .iter()
        .rev()
        .find(|s| s.soort == soort && tegen_van(s) == doel)
}

/// The decision a remedy against `doel` is directed at, with the day it was made known: the
/// measure's besluit (its bekendmaking; a huisverbod or crisismaatregel is handed over when
/// imposed), or the latest invorderingsbesluit.
fn bestreden(stappen: &[Stap], doel: Tegen, p: Procedure) -> Option<Date> {
    match doel {
        Tegen::Last => laatste(stappen, StapSoort::Bekendmaking)
            .or_else(|| {
                matches!(p, Procedure::Huisverbod | Procedure::Crisis)
                    .then(|| laatste(stappen, StapSoort::Besluit))
                    .flatten()
            })
            .map(|s| s.datum),
        Tegen::Invordering => laatste(stappen, StapSoort::Invordering).map(|s| s.datum),
    }
}

fn tegen_naam(doel: Tegen) -> &'static str {
    match doel {
        Tegen::Last => "de last onder dwangsom",
        Tegen::Invordering => "het invorderingsbesluit",
    }
}

/// The last day to decide on a bezwaar against `doel` (art. 7:10 Awb): 6 weeks after the
/// bezwaar term, 12 with an advisory committee (art. 7:13), plus a verdaging of at most 6 weeks
/// when one was recorded; `met_verdaging` false gives the term a verdaging must be sent within.
pub fn beslistermijn_bezwaar(
    stappen: &[Stap],
    doel: Tegen,
    p: Procedure,
    met_verdaging: bool,
    kal: &Calendar,
) -> Option<termijnen::Termijn> {
    let bezwaar = laatste_tegen(stappen, StapSoort::Bezwaar, doel)?;
    let bekend = bestreden(stappen, doel, p)?;
    let verdaging = laatste_tegen(stappen, StapSoort::Verdaging, doel).filter(|_| met_verdaging);
    let mut t = bereken_met(
        kal,
        Regel::BeslistermijnBezwaar,
        bekend,
        &Opties {
            adviescommissie: bezwaar.adviescommissie == Some(true),
            verdaging_weken: verdaging.and_then(|v| v.weken),
            dagen: None,
        },
    )
    .ok()?;
    if let Some(v) = verdaging {
        t.uitleg.push_str(&format!(
            " De verdaging is op {} schriftelijk meegedeeld.",
            datum_nl(v.datum)
        ));
    }
    if bezwaar.adviescommissie == Some(true) {
        t.uitleg
            .push_str(" Het bezwaar wordt behandeld door de adviescommissie bezwaarschriften.");
    }
    Some(t)
}

/// How long a remedy against `doel` stays open or pending, seen from the recorded steps: the
/// last day it is open (after it the decision is final unless a next step is recorded), or
/// None while a bezwaar, beroep or hoger beroep is pending; with what is open, in Dutch.
fn rechtsgang(
    stappen: &[Stap],
    doel: Tegen,
    p: Procedure,
    kal: &Calendar,
) -> Option<(Option<Date>, String)> {
    let naam = tegen_naam(doel);
    let start = bestreden(stappen, doel, p)?;
    let na = |soort: StapSoort, vanaf: usize| {
        stappen
            .iter()
            .enumerate()
            .skip(vanaf)
            .find(|(_, s)| s.soort == soort && tegen_van(s) == doel)
    };
    let Some((i_bz, _)) = na(StapSoort::Bezwaar, 0) else {
        let t = regel(Regel::Bezwaar, start, kal)?;
        return Some((Some(t.datum), format!("de bezwaartermijn tegen {naam}")));
    };
    let Some((i_bb, bb)) = na(StapSoort::BeslissingBezwaar, i_bz) else {
        return Some((None, format!("het bezwaar tegen {naam}")));
    };
    let Some((i_br, _)) = na(StapSoort::Beroep, i_bb) else {
        let t = regel(Regel::Beroep, bb.datum, kal)?;
        return Some((
            Some(t.datum),
            format!("de beroepstermijn tegen de beslissing op bezwaar over {naam}"),
        ));
    };
    let Some((i_u1, u1)) = na(StapSoort::Uitspraak, i_br) else {
        return Some((None, format!("het beroep tegen {naam}")));
    };
    let Some((i_hb, _)) = na(StapSoort::HogerBeroep, i_u1) else {
        let t = regel(Regel::HogerBeroep, u1.datum, kal)?;
        return Some((
            Some(t.datum),
            format!("de termijn voor hoger beroep tegen de uitspraak over {naam}"),
        ));
    };
    match na(StapSoort::Uitspraak, i_hb) {
        Some((_, u2)) => Some((
            Some(u2.datum),
            format!(
                "het hoger beroep over {naam} (uitspraak op {})",
                datum_nl(u2.datum)
            ),
        )),
        None => Some((None, format!("het hoger beroep over {naam}"))),
    }
}

/// When a forfeited dwangsom lapses: one year after the forfeiture (art. 5:35 lid 1 Awb),
/// extended while on that day a bezwaar, beroep or hoger beroep against the last onder dwangsom
/// is open or pending (art. 5:35 lid 2 Awb), or against the invorderingsbesluit (art. 5:37a
/// Awb), to the last day it is open: the earliest reading, safe for the gemeente. While one is
/// pending the end is not known (`open_einde`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verjaring {
    pub datum: Date,
    /// The article that moved the date (the last one applied), if any.
    pub verlengd: Option<&'static str>,
    /// Still pending: the extension runs until the remedy is decided.
    pub open_einde: bool,
    pub uitleg: String,
}

pub fn dwangsom_verjaring(v: &Stap, stappen: &[Stap], kal: &Calendar) -> Option<Verjaring> {
    let t = regel(Regel::DwangsomVerjaring, v.datum, kal)?;
    let mut uitleg = t.uitleg.replace("; dat is hier niet meegerekend.", ".");
    let mut datum = t.datum;
    let mut verlengd = None;
    // Apply both rules until neither moves the date (an extension can reach into the other).
    for _ in 0..4 {
        let mut bewogen = false;
        for (doel, artikel) in [
            (Tegen::Last, "art. 5:35 lid 2 Awb"),
            (Tegen::Invordering, "art. 5:37a Awb"),
        ] {
            if doel == Tegen::Invordering
                && !stappen.iter().any(|s| {
                    s.soort == StapSoort::Invordering && s.datum >= v.datum && s.datum <= datum
                })
            {
                continue;
            }
            let Some((eind, wat)) = rechtsgang(stappen, doel, Procedure::Awb, kal) else {
                continue;
            };
            match eind {
                None => {
                    uitleg.push_str(&format!(
                        " Verlengd op grond van {artikel}: op {} was {wat} aanhangig; de verjaring loopt door tot daarop onherroepelijk is beslist. Invordering wordt tot dan niet als verjaard geweigerd.",
                        datum_nl(datum)
                    ));
                    return Some(Verjaring {
                        datum,
                        verlengd: Some(artikel),
                        open_einde: true,
                        uitleg,
                    });
                }
                Some(e) if e > datum => {
                    uitleg.push_str(&format!(
                        " Verlengd op grond van {artikel}: op {} stond {wat} open tot en met {}; de verjaring valt daarom op {}.",
                        datum_nl(datum),
                        datum_nl(e),
                        datum_nl(e)
                    ));
                    datum = e;
                    verlengd = Some(artikel);
                    bewogen = true;
                }
                _ => {}
            }
        }
        if !bewogen {
            break;
        }
    }
    if verlengd.is_none() {
        uitleg.push_str(" Op de verjaringsdag stond geen bezwaar of beroep tegen de last of het invorderingsbesluit open: geen verlenging.");
    }
    Some(Verjaring {
        datum,
        verlengd,
        open_einde: false,
        uitleg,
    })
}

/// The refusal of an urgent path without a reason (shown next to the reason field).
pub const SPOED_ZONDER_REDEN: &str = "Noem de reden van de spoed: waarom het voornemen en de zienswijze niet kunnen worden afgewacht (art. 4:11 Awb).";

/// Checks whether `nieuw` may be recorded after `stappen` for a measure of type `soort`; the
/// refusal is a Dutch sentence for the user. Deadlines are computed with `kal` (the Atw calendar
/// with the days designated by royal decree).
pub fn toets(
    zaak: impl Into<Zaak>,
    stappen: &[Stap],
    nieuw: &Stap,
    kal: &Calendar,
) -> Result<(), String> {
    use StapSoort::*;
    let zaak = zaak.into();
    let soort = zaak.soort;
    let p = zaak.procedure();
    let een = |s: StapSoort| -> Result<(), String> {
        if heeft(stappen, s) {
            Err(format!("De stap '{}' is al vastgelegd.", s.naam()))
        } else {
            Ok(())
        }
    };
    let vereist = |s: StapSoort, waarom: &str| -> Result<&Stap, String> {
        laatste(stappen, s).ok_or_else(|| {
            format!(
                "Eerst moet de stap '{}' zijn vastgelegd{waarom}.",
                s.naam().to_lowercase()
            )
        })
    };
    if !nieuw.soort.past_bij(zaak) {
        return Err(match nieuw.soort {
            Voornemen | Zienswijze | Bezwaar | BeslissingBezwaar | Beroep
                if p == Procedure::GeenBesluit =>
            {
                format!(
                    "Een {} is geen besluit: er hoort geen {} bij.",
                    if zaak.waarschuwing { "waarschuwing" } else { "geregistreerde overtreding" },
                    nieuw.soort.naam().to_lowercase()
                )
            }
            Bezwaar | BeslissingBezwaar if p == Procedure::Huisverbod => {
                "Tegen een tijdelijk huisverbod staat direct beroep open bij de rechtbank, geen bezwaar.".into()
            }
            Voornemen | Zienswijze if p == Procedure::Huisverbod => {
                "Een tijdelijk huisverbod wordt direct opgelegd: er is geen voornemen of zienswijze.".into()
            }
            _ => format!(
                "De stap '{}' hoort niet bij een {}.",
                nieuw.soort.naam().to_lowercase(),
                soort.naam().to_lowercase()
            ),
        });
    }
    let doel = tegen_van(nieuw);
    if nieuw.tegen.is_some() {
        if soort != Soort::Dwangsom {
            return Err("Alleen bij een last onder dwangsom wordt vastgelegd waartegen een bezwaar of beroep zich richt.".into());
        }
        if !matches!(
            nieuw.soort,
            Bezwaar | Verdaging | BeslissingBezwaar | Beroep | Uitspraak | HogerBeroep
        ) {
            return Err("Alleen een bezwaar, beroep of uitspraak richt zich tegen de last of het invorderingsbesluit.".into());
        }
    }
    if nieuw.adviescommissie.is_some() && nieuw.soort != Bezwaar {
        return Err(
            "Of een adviescommissie het bezwaar behandelt, hoort bij de stap bezwaar.".into(),
        );
    }
    if nieuw.weken.is_some() && nieuw.soort != Verdaging {
        return Err("Een aantal weken hoort bij de verdaging van de beslissing op bezwaar.".into());
    }
    // One step of a kind in the procedure against the same decision.
    let een_tegen = |s: StapSoort| -> Result<(), String> {
        if laatste_tegen(stappen, s, doel).is_some() {
            Err(format!("De stap '{}' is al vastgelegd.", s.naam()))
        } else {
            Ok(())
        }
    };
    let vereist_tegen = |s: StapSoort, waarom: &str| -> Result<&Stap, String> {
        laatste_tegen(stappen, s, doel).ok_or_else(|| {
            format!(
                "Eerst moet de stap '{}' zijn vastgelegd{waarom}.",
                s.naam().to_lowercase()
            )
        })
    };
    if nieuw.soort == Aanleiding {
        een(Aanleiding)?;
        if !BRONNEN
            .iter()
            .any(|(k, _)| Some(*k) == nieuw.bron.as_deref())
        {
            return Err(
                "Een aanleiding verwijst naar een melding, een inspectie of een politierapport."
                    .into(),
            );
        }
        return Ok(());
    }
    let aanleiding = vereist(Aanleiding, "")?;
    if nieuw.datum < aanleiding.datum {
        return Err(format!(
            "De datum ligt vóór de aanleiding ({}).",
            datum_nl(aanleiding.datum)
        ));
    }
    if heeft(stappen, Beeindiging)
        && !matches!(
            nieuw.soort,
            Bezwaar | Verdaging | BeslissingBezwaar | Beroep | Uitspraak | HogerBeroep
        )
    {
        return Err(
            "De maatregel is beëindigd; alleen bezwaar en beroep kunnen nog worden vastgelegd."
                .into(),
        );
    }
    let besluit = laatste(stappen, Besluit);
    let na = |eerder: &Stap, wat: &str| -> Result<(), String> {
        if nieuw.datum < eerder.datum {
            Err(format!(
                "De datum ligt vóór {wat} ({}).",
                datum_nl(eerder.datum)
            ))
        } else {
            Ok(())
        }
    };
    let spoedeisend = spoed(stappen).is_some();
    match nieuw.soort {
        Aanleiding => Ok(()),
        Spoed => {
            een(Spoed)?;
            if besluit.is_some() {
                return Err(
                    "Er is al een besluit genomen; de spoed wordt vóór het besluit vastgesteld."
                        .into(),
                );
            }
            if !filled(&nieuw.reden) {
                return Err(SPOED_ZONDER_REDEN.into());
            }
            Ok(())
        }
        Voornemen => {
            een(Voornemen)?;
            if besluit.is_some() {
                return Err("Er is al een besluit genomen; een voornemen komt daarvóór.".into());
            }
            if nieuw.dagen == Some(0) {
                return Err("De zienswijzetermijn duurt ten minste 1 dag.".into());
            }
            Ok(())
        }
        Zienswijze => {
            een(Zienswijze)?;
            if nieuw.ontvangen.is_none() {
                return Err("Geef aan of er een zienswijze is ontvangen.".into());
            }
            if spoedeisend && laatste(stappen, Voornemen).is_none() {
                // Heard afterwards: the urgent besluit came without a voornemen.
                if nieuw.dagen.is_some() {
                    return Err("Zonder voornemen is er geen zienswijzetermijn.".into());
                }
                return Ok(());
            }
            let v = vereist(
                Voornemen,
                ": een zienswijze wordt gevraagd op het voornemen",
            )?;
            na(v, "het voornemen")?;
            if besluit.is_some() && !spoedeisend {
                return Err("Er is al een besluit genomen; de zienswijze komt daarvóór.".into());
            }
            if nieuw.dagen == Some(0) {
                return Err("De zienswijzetermijn duurt ten minste 1 dag.".into());
            }
            if nieuw.dagen.is_some() && v.dagen.is_some() {
                return Err("De zienswijzetermijn staat al bij het voornemen.".into());
            }
            if nieuw.ontvangen == Some(false) {
                // Only after the term can it be said that no zienswijze came in.
                let mut met = stappen.to_vec();
                met.push(nieuw.clone());
                if let Some(t) = zienswijze_termijn(&met, kal) {
                    if nieuw.datum <= t.datum {
                        return Err(format!(
                            "De zienswijzetermijn loopt nog tot en met {} (gerekend vanaf de verzending van het voornemen op {}); dat er geen zienswijze is ontvangen, kan pas na afloop worden vastgelegd.",
                            datum_nl(t.datum),
                            datum_nl(v.datum)
                        ));
                    }
                }
            }
            Ok(())
        }
        Afweging => {
            if !(filled(&nieuw.noodzaak)
                && filled(&nieuw.evenredigheid)
                && filled(&nieuw.subsidiariteit))
            {
                return Err(
                    "De afweging beschrijft noodzaak, evenredigheid én subsidiariteit.".into(),
                );
            }
            weegt_zienswijze(p, stappen, nieuw.datum, kal)
        }
        Besluit if p == Procedure::GeenBesluit => {
            een(Besluit)?;
            Ok(())
        }
        Besluit => {
            een(Besluit)?;
            let a = laatste(stappen, Afweging).ok_or_else(|| {
                "Een besluit kan niet worden vastgelegd zonder een vastgelegde afweging van noodzaak, evenredigheid en subsidiariteit."
                    .to_string()
            })?;
            na(a, "de afweging")?;
            let voornemen = laatste(stappen, Voornemen);
            let gewoon =
                p == Procedure::Awb || (p == Procedure::Waarschuwing && voornemen.is_some());
            if gewoon && !spoedeisend {
                let v = vereist(Voornemen, " vóór het besluit (art. 4:8 Awb), of leg vast dat het besluit spoedeisend is en waarom (art. 4:11 Awb)")?;
                let ontvangen =
                    laatste(stappen, Zienswijze).is_some_and(|z| z.ontvangen == Some(true));
                if !ontvangen {
                    if let Some(t) = zienswijze_termijn(stappen, kal) {
                        if nieuw.datum <= t.datum {
                            return Err(format!(
                                "De zienswijzetermijn loopt nog tot en met {} (gerekend vanaf de verzending van het voornemen op {}) en er is nog geen zienswijze ontvangen; een besluit kan pas daarna (art. 4:8 Awb).",
                                datum_nl(t.datum),
                                datum_nl(v.datum)
                            ));
                        }
                    }
                }
                let z = vereist(
                    Zienswijze,
                    " (ontvangen of niet) vóór het besluit (art. 4:8 Awb)",
                )?;
                // The assessment the besluit rests on must have weighed the zienswijze.
                let zi = stappen.iter().rposition(|s| s.soort == Zienswijze);
                let ai = stappen.iter().rposition(|s| s.soort == Afweging);
                if let (Some(zi), Some(ai)) = (zi, ai) {
                    if ai < zi && z.ontvangen == Some(true) {
                        return Err(format!(
                            "De laatste afweging ({}) is vastgelegd vóór de zienswijze van {}; leg een afweging vast die de zienswijze weegt.",
                            datum_nl(a.datum),
                            datum_nl(z.datum)
                        ));
                    }
                }
            }
            if soort == Soort::Dwangsom {
                let (Some(bedrag), Some(max), Some(tot)) =
                    (nieuw.bedrag_cent, nieuw.maximum_cent, nieuw.tot)
                else {
                    return Err("Een last onder dwangsom noemt het bedrag per overtreding, het maximum en het einde van de begunstigingstermijn.".into());
                };
                if bedrag <= 0 || max < bedrag {
                    return Err("Het maximum is ten minste het bedrag per overtreding.".into());
                }
                if tot < nieuw.datum {
                    return Err("De begunstigingstermijn eindigt niet vóór het besluit.".into());
                }
            }
            Ok(())
        }
        Bekendmaking => {
            een(Bekendmaking)?;
            let b = vereist(Besluit, "")?;
            na(b, "het besluit")
        }
        UitvoeringStart => {
            een(UitvoeringStart)?;
            let b = vereist(Besluit, "")?;
            na(b, "het besluit")?;
            // On the urgent path bestuursdwang may be applied at once; the decision is made
            // known as soon as possible afterwards (art. 5:31 Awb).
            if p == Procedure::Awb && !spoedeisend {
                let bk = vereist(
                    Bekendmaking,
                    ": een besluit werkt pas na bekendmaking (art. 3:40 Awb)",
                )?;
                na(bk, "de bekendmaking")?;
            }
            if let Some(tot) = nieuw.tot {
                if tot < nieuw.datum {
                    return Err("Het voorziene einde ligt vóór de start.".into());
                }
            }
            Ok(())
        }
        UitvoeringEinde => {
            een(UitvoeringEinde)?;
            let s = vereist(UitvoeringStart, "")?;
            na(s, "de start van de uitvoering")
        }
        Verlenging => {
            let b = vereist(Besluit, ": eerst wordt het huisverbod opgelegd")?;
            let tien = regel(Regel::HuisverbodEinde, b.datum, kal)
                .ok_or("De termijn van het huisverbod kon niet worden berekend.")?;
            let max = regel(Regel::HuisverbodVerlengingUiterlijk, b.datum, kal)
                .ok_or("De termijn van het huisverbod kon niet worden berekend.")?;
            na(b, "het opleggen van het huisverbod")?;
            if nieuw.datum > tien.datum {
                return Err(format!(
                    "Het verlengingsbesluit moest vóór het einde van de eerste tien dagen worden genomen (uiterlijk {}); het huisverbod is verlopen.",
                    datum_nl(tien.datum)
                ));
            }
            let Some(tot) = nieuw.tot else {
                return Err("Geef de nieuwe einddatum van het huisverbod.".into());
            };
            if tot <= tien.datum {
                return Err(format!(
                    "De nieuwe einddatum ligt niet na het einde van de eerste tien dagen ({}).",
                    datum_nl(tien.datum)
                ));
            }
            if tot > max.datum {
                return Err(format!(
                    "Een huisverbod duurt met verlenging ten hoogste 4 weken na oplegging: uiterlijk {} (art. 9 lid 1 Wth).",
                    datum_nl(max.datum)
                ));
            }
            if let Some(v) = laatste(stappen, Verlenging) {
                if v.tot.is_some_and(|t| tot <= t) {
                    return Err("De nieuwe einddatum ligt niet na de vorige verlenging.".into());
                }
            }
            Ok(())
        }
        Verbeurte => {
            let b = vereist(Besluit, "")?;
            vereist(
                Bekendmaking,
                ": een dwangsom wordt pas verbeurd na bekendmaking",
            )?;
            if let Some(tot) = b.tot {
                if nieuw.datum <= tot {
                    return Err(format!(
                        "Tijdens de begunstigingstermijn (tot en met {}) wordt geen dwangsom verbeurd (art. 5:32a Awb).",
                        datum_nl(tot)
                    ));
                }
            }
            let per = nieuw.bedrag_cent.or(b.bedrag_cent).unwrap_or(0);
            let max = b.maximum_cent.unwrap_or(0);
            let al: i64 = stappen
                .iter()
                .filter(|s| s.soort == Verbeurte)
                .map(|s| s.bedrag_cent.or(b.bedrag_cent).unwrap_or(0))
                .sum();
            if al + per > max {
                return Err(format!(
                    "Het maximum van {} is bereikt: al verbeurd {}, nog ten hoogste {}.",
                    euro(max),
                    euro(al),
                    euro((max - al).max(0))
                ));
            }
            Ok(())
        }
        Invordering => {
            let verbeurd: Vec<&Stap> = stappen.iter().filter(|s| s.soort == Verbeurte).collect();
            if verbeurd.is_empty() {
                return Err("Eerst moet een verbeurte zijn vastgelegd.".into());
            }
            let open = verbeurd.iter().any(|v| {
                dwangsom_verjaring(v, stappen, kal)
                    .is_some_and(|t| t.open_einde || nieuw.datum <= t.datum)
            });
            if !open {
                return Err(
                    "Alle verbeurde dwangsommen zijn verjaard (één jaar na verbeurte, art. 5:35 lid 1 Awb; een verlenging op grond van art. 5:35 lid 2 of 5:37a Awb is meegerekend)."
                        .into(),
                );
            }
            Ok(())
        }
        Bezwaar => {
            een_tegen(Bezwaar)?;
            if doel == Tegen::Invordering {
                let i = vereist(Invordering, "")?;
                return na(i, "het invorderingsbesluit");
            }
            let bk = vereist(
                Bekendmaking,
                ": bezwaar richt zich tegen een bekendgemaakt besluit",
            )?;
            na(bk, "de bekendmaking")
        }
        Verdaging => {
            een_tegen(Verdaging)?;
            let bz = vereist_tegen(
                Bezwaar,
                ": alleen de beslissing op een bezwaar wordt verdaagd",
            )?;
            na(bz, "het bezwaar")?;
            if laatste_tegen(stappen, BeslissingBezwaar, doel).is_some() {
                return Err("Er is al op het bezwaar beslist.".into());
            }
            match nieuw.weken {
                None | Some(0) => {
                    return Err("Geef met hoeveel weken de beslissing wordt verdaagd (ten hoogste 6).".into())
                }
                Some(w) if w > termijnen::MAX_VERDAGING_WEKEN => {
                    return Err(format!(
                        "Verdagen kan met ten hoogste 6 weken (art. 7:10 lid 3 Awb), niet met {w}; verder uitstel alleen met instemming van de indiener (art. 7:10 lid 4 Awb)."
                    ))
                }
                Some(_) => {}
            }
            if let Some(t) = beslistermijn_bezwaar(stappen, doel, p, false, kal) {
                if nieuw.datum > t.datum {
                    return Err(format!(
                        "De verdaging moet worden meegedeeld voordat de beslistermijn verstrijkt (uiterlijk {}).",
                        datum_nl(t.datum)
                    ));
                }
            }
            Ok(())
        }
        BeslissingBezwaar => {
            een_tegen(BeslissingBezwaar)?;
            let bz = vereist_tegen(Bezwaar, "")?;
            na(bz, "het bezwaar")
        }
        Beroep => {
            een_tegen(Beroep)?;
            if matches!(p, Procedure::Huisverbod | Procedure::Crisis) {
                let b = vereist(Besluit, "")?;
                na(b, "het besluit")
            } else {
                let bb = vereist_tegen(
                    BeslissingBezwaar,
                    ": beroep staat open tegen de beslissing op bezwaar",
                )?;
                na(bb, "de beslissing op bezwaar")
            }
        }
        Uitspraak => {
            let br = vereist_tegen(Beroep, ": de rechter doet uitspraak op een beroep")?;
            na(br, "het beroep")?;
            let uitspraken = stappen
                .iter()
                .filter(|s| s.soort == Uitspraak && tegen_van(s) == doel)
                .count();
            let hoger = laatste_tegen(stappen, HogerBeroep, doel);
            match (uitspraken, hoger) {
                (0, _) => Ok(()),
                (1, Some(h)) => na(h, "het hoger beroep"),
                _ => Err("De uitspraak is al vastgelegd.".into()),
            }
        }
        HogerBeroep => {
            een_tegen(HogerBeroep)?;
            let u = vereist_tegen(Uitspraak, ": hoger beroep richt zich tegen de uitspraak")?;
            na(u, "de uitspraak")
        }
        Evaluatie => {
            let b = vereist(Besluit, "")?;
            na(b, "het besluit")
        }
        Beeindiging => {
            een(Beeindiging)?;
            let b = vereist(Besluit, "")?;
            na(b, "het besluit")
        }
    }
}

/// A date on a measure's timeline: a recorded step or a deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mijlpaal {
    pub datum: Date,
    pub wat: String,
    /// The termijnen rule slug, for a computed deadline.
    pub regel: Option<&'static str>,
    pub uitleg: String,
    /// A deadline (not a recorded step).
    pub termijn: bool,
    /// For a deadline: the step that answers it has been recorded.
    pub afgehandeld: bool,
    /// A deadline for a decision of the burgemeester (the mayor's office overview).
    pub burgemeester: bool,
}

fn mijlpaal(t: termijnen::Termijn, wat: &str, afgehandeld: bool) -> Mijlpaal {
    Mijlpaal {
        datum: t.datum,
        wat: wat.into(),
        regel: Some(t.regel.slug()),
        uitleg: t.uitleg,
        termijn: true,
        afgehandeld,
        burgemeester: false,
    }
}

fn voor_burgemeester(mut m: Mijlpaal) -> Mijlpaal {
    m.burgemeester = true;
    m
}

/// The timeline of a measure: every recorded step and every deadline that follows from them,
/// sorted by date. Deadlines are computed with `kal` (the Atw calendar with the days designated
/// by royal decree), so a designated day moves a deadline and the explanation says so.
pub fn tijdlijn(zaak: impl Into<Zaak>, stappen: &[Stap], kal: &Calendar) -> Vec<Mijlpaal> {
    use StapSoort::*;
    let zaak = zaak.into();
    let soort = zaak.soort;
    let procedure = zaak.procedure();
    let mut uit: Vec<Mijlpaal> = stappen
        .iter()
        .map(|s| Mijlpaal {
            datum: s.datum,
            wat: s.soort.naam_in(procedure).into(),
            regel: None,
            uitleg: s.toelichting.clone(),
            termijn: false,
            afgehandeld: true,
            burgemeester: false,
        })
        .collect();
    let besluit = laatste(stappen, Besluit);
    let bekendmaking = laatste(stappen, Bekendmaking);
    let beeindigd = heeft(stappen, Beeindiging);
    if let Some(t) = zienswijze_termijn(stappen, kal) {
        let klaar = heeft(stappen, Zienswijze) || besluit.is_some();
        uit.push(voor_burgemeester(mijlpaal(
            t,
            "Einde zienswijzetermijn",
            klaar,
        )));
    }
    let doelen: &[Tegen] = if soort == Soort::Dwangsom {
        &[Tegen::Last, Tegen::Invordering]
    } else {
        &[Tegen::Last]
    };
    for &doel in doelen {
        let achter = match doel {
            Tegen::Last => "",
            Tegen::Invordering => " (invorderingsbesluit)",
        };
        let bezwaar_mogelijk = matches!(procedure, Procedure::Awb | Procedure::Waarschuwing);
        if let (Some(bk), true) = (bestreden(stappen, doel, procedure), bezwaar_mogelijk) {
            if doel == Tegen::Invordering || bekendmaking.is_some() {
                if let Some(t) = regel(Regel::Bezwaar, bk, kal) {
                    uit.push(mijlpaal(t, &format!("Einde bezwaartermijn{achter}"), true));
                }
            }
        }
        if let Some(t) = beslistermijn_bezwaar(stappen, doel, procedure, true, kal) {
            uit.push(voor_burgemeester(mijlpaal(
                t,
                &format!("Uiterste beslisdatum op bezwaar{achter}"),
                laatste_tegen(stappen, BeslissingBezwaar, doel).is_some(),
            )));
        }
        if let Some(bb) = laatste_tegen(stappen, BeslissingBezwaar, doel) {
            if let Some(t) = regel(Regel::Beroep, bb.datum, kal) {
                uit.push(mijlpaal(t, &format!("Einde beroepstermijn{achter}"), true));
            }
        }
        let eerste_uitspraak = stappen
            .iter()
            .find(|s| s.soort == Uitspraak && tegen_van(s) == doel);
        if let Some(u) = eerste_uitspraak {
            if let Some(t) = regel(Regel::HogerBeroep, u.datum, kal) {
                uit.push(mijlpaal(
                    t,
                    &format!("Einde termijn hoger beroep{achter}"),
                    true,
                ));
            }
        }
    }
    if let Some(b) = besluit {
        if soort.procedure() == Procedure::Huisverbod {
            // No bezwaar: direct beroep at the rechtbank, 6 weeks after uitreiking (Awb 6:7,
            // 6:8); the huisverbod is handed over when imposed unless a bekendmaking is recorded.
            let vanaf = bekendmaking.unwrap_or(b).datum;
            if let Some(mut t) = regel(Regel::Beroep, vanaf, kal) {
                t.uitleg = t.uitleg.replacen(
                    "Beroepstermijn: 6 weken na de dag van bekendmaking van het besluit op bezwaar",
                    "Beroepstermijn bij de rechtbank: tegen een huisverbod staat geen bezwaar open maar direct beroep (art. 6:7 Awb), 6 weken na de dag waarop het huisverbod is uitgereikt",
                    1,
                );
                uit.push(mijlpaal(t, "Einde beroepstermijn (rechtbank)", true));
            }
        }
        match soort.procedure() {
            Procedure::Huisverbod => {
                let verlengd = laatste(stappen, Verlenging);
                if let Some(t) = regel(Regel::HuisverbodEinde, b.datum, kal) {
                    let wat = if verlengd.is_some() {
                        "Oorspronkelijk einde huisverbod (10 dagen)"
                    } else {
                        "Einde huisverbod; uiterste dag voor het verlengingsbesluit"
                    };
                    uit.push(voor_burgemeester(mijlpaal(
                        t,
                        wat,
                        verlengd.is_some() || beeindigd,
                    )));
                }
                if let Some(t) = regel(Regel::HuisverbodVerlengingUiterlijk, b.datum, kal) {
                    uit.push(mijlpaal(
                        t,
                        "Uiterste einde bij verlenging (28 dagen)",
                        beeindigd || verlengd.is_none(),
                    ));
                }
                if let Some(v) = verlengd {
                    if let Some(tot) = v.tot {
                        uit.push(Mijlpaal {
                            datum: tot,
                            wat: "Einde verlengd huisverbod".into(),
                            regel: None,
                            uitleg: format!(
                                "Het huisverbod is op {} verlengd tot en met {} (art. 9 Wet tijdelijk huisverbod).",
                                datum_nl(v.datum),
                                datum_nl(tot)
                            ),
                            termijn: true,
                            afgehandeld: beeindigd,
                            burgemeester: false,
                        });
                    }
                }
            }
            Procedure::Crisis => {
                if let Some(t) = regel(Regel::CrisismaatregelEinde, b.datum, kal) {
                    uit.push(mijlpaal(t, "Einde crisismaatregel", beeindigd));
                }
            }
            _ => {}
        }
        if soort == Soort::Dwangsom {
            if let Some(tot) = b.tot {
                uit.push(Mijlpaal {
                    datum: tot,
                    wat: "Einde begunstigingstermijn".into(),
                    regel: None,
                    uitleg: format!(
                        "Tot en met {} kan de last worden uitgevoerd zonder dat een dwangsom wordt verbeurd (art. 5:32a Awb).",
                        datum_nl(tot)
                    ),
                    termijn: true,
                    afgehandeld: true,
                    burgemeester: false,
                });
            }
            let invordering = laatste(stappen, Invordering);
            for v in stappen.iter().filter(|s| s.soort == Verbeurte) {
                if let Some(t) = dwangsom_verjaring(v, stappen, kal) {
                    let klaar = invordering.is_some_and(|i| i.datum >= v.datum) || beeindigd;
                    uit.push(Mijlpaal {
                        datum: t.datum,
                        wat: if t.open_einde {
                            "Verjaring verbeurde dwangsom verlengd (procedure aanhangig)".into()
                        } else {
                            "Verjaring verbeurde dwangsom".into()
                        },
                        regel: Some(Regel::DwangsomVerjaring.slug()),
                        uitleg: t.uitleg,
                        termijn: true,
                        // While the extension runs without an end no reminder goes out.
                        afgehandeld: klaar || t.open_einde,
                        burgemeester: false,
                    });
                }
            }
        }
    }
    // The urgent path: the decision is made known as soon as possible after bestuursdwang was
    // applied at once, and the person concerned is heard afterwards.
    if let (Some(sp), Some(b)) = (spoed(stappen), besluit) {
        if let Some(start) = laatste(stappen, UitvoeringStart) {
            if bekendmaking.is_none() || bekendmaking.is_some_and(|bk| bk.datum > start.datum) {
                uit.push(voor_burgemeester(Mijlpaal {
                    datum: start.datum,
                    wat: "Besluit zo spoedig mogelijk bekendmaken".into(),
                    regel: None,
                    uitleg: format!(
                        "Bij spoed is de bestuursdwang op {} toegepast voordat het besluit was bekendgemaakt; het besluit wordt zo spoedig mogelijk daarna op schrift gesteld en bekendgemaakt (art. 5:31 Awb).",
                        datum_nl(start.datum)
                    ),
                    termijn: true,
                    afgehandeld: bekendmaking.is_some() || beeindigd,
                    burgemeester: true,
                }));
            }
        }
        let vooraf = stappen
            .iter()
            .position(|s| s.soort == Zienswijze)
            .zip(stappen.iter().position(|s| s.soort == Besluit))
            .is_some_and(|(z, bi)| z < bi);
        if !vooraf {
            let vanaf = bekendmaking.unwrap_or(b).datum;
            let horen =
                termijnen::add_days(vanaf, i64::from(termijnen::STANDAARD_ZIENSWIJZE_DAGEN))
                    .unwrap_or(vanaf);
            uit.push(Mijlpaal {
                datum: horen,
                wat: "Betrokkene alsnog horen".into(),
                regel: None,
                uitleg: format!(
                    "Het besluit is met spoed genomen zonder voornemen en zienswijze (art. 4:11 Awb; reden: {}). Geef de betrokkene zo snel mogelijk gelegenheid zijn zienswijze alsnog te geven; in een bezwaarprocedure wordt hij gehoord (art. 7:2 Awb). Baken rekent met de gebruikelijke {} dagen na {}; er is geen wettelijke termijn.",
                    sp.reden.as_deref().unwrap_or("").trim().trim_end_matches('.'),
                    termijnen::STANDAARD_ZIENSWIJZE_DAGEN,
                    datum_nl(vanaf)
                ),
                termijn: true,
                afgehandeld: heeft(stappen, Zienswijze) || heeft(stappen, Bezwaar) || beeindigd,
                burgemeester: false,
            });
        }
    }
    if let Some(s) = laatste(stappen, UitvoeringStart) {
        if let Some(tot) = s.tot {
            uit.push(Mijlpaal {
                datum: tot,
                wat: "Voorzien einde uitvoering".into(),
                regel: None,
                uitleg: format!(
                    "Volgens het besluit duurt de uitvoering tot en met {}.",
                    datum_nl(tot)
                ),
                termijn: true,
                afgehandeld: heeft(stappen, UitvoeringEinde) || beeindigd,
                burgemeester: false,
            });
        }
    }
    uit.sort_by_key(|m| (m.datum, m.termijn));
    uit
}

/// The open deadlines of a timeline: overdue (before `vandaag`) and due within 7 days.
pub fn open_termijnen(tijdlijn: &[Mijlpaal], vandaag: Date) -> (Vec<Mijlpaal>, Vec<Mijlpaal>) {
    let week = termijnen::add_days(vandaag, 7).unwrap_or(vandaag);
    let open = tijdlijn.iter().filter(|m| m.termijn && !m.afgehandeld);
    let verlopen = open
        .clone()
        .filter(|m| m.datum < vandaag)
        .cloned()
        .collect();
    let deze_week = open
        .filter(|m| m.datum >= vandaag && m.datum <= week)
        .cloned()
        .collect();
    (verlopen, deze_week)
}

/// A reminder to send for an open deadline: once when it comes within reach, once when it is
/// overdue. The key makes each reminder go out once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Herinnering {
    pub sleutel: String,
    pub mijlpaal: Mijlpaal,
    pub verlopen: bool,
}

/// Deadlines this far ahead get a reminder.
pub const HERINNER_DAGEN_VOORUIT: i64 = 3;
/// Overdue deadlines older than this get no reminder (e.g. after the job was down for long).
pub const HERINNER_VERLOPEN_DAGEN: i64 = 14;

/// The reminders due on `vandaag` for a measure's timeline.
pub fn herinneringen(tijdlijn: &[Mijlpaal], vandaag: Date) -> Vec<Herinnering> {
    let vooruit = termijnen::add_days(vandaag, HERINNER_DAGEN_VOORUIT).unwrap_or(vandaag);
    let oudste = termijnen::add_days(vandaag, -HERINNER_VERLOPEN_DAGEN).unwrap_or(vandaag);
    tijdlijn
        .iter()
        .filter(|m| m.termijn && !m.afgehandeld && m.datum >= oudste && m.datum <= vooruit)
        .map(|m| {
            let verlopen = m.datum < vandaag;
            Herinnering {
                sleutel: format!(
                    "{}|{}|{}",
                    m.wat,
                    m.datum,
                    if verlopen { "verlopen" } else { "komt" }
                ),
                mijlpaal: m.clone(),
                verlopen,
            }
        })
        .collect()
}

/// The retention term Baken starts with per type: years after the measure ended, and the
/// result in the Selectielijst gemeenten en intergemeentelijke organen 2020 (legal-rules.md §7d).
/// Which result a closure falls under is the municipal archivist's choice, so the terms are
/// configuration.
pub fn standaard_bewaartermijn(soort: Soort) -> (u32, &'static str) {
    match soort {
        Soort::Huisverbod => (5, "12.2.3 Tijdelijk huisverbod"),
        Soort::Crisismaatregel => (20, "12.2.4 Gedwongen opname psychiatrisch ziekenhuis"),
        Soort::Gedragsaanwijzing151d => (5, "12.2.1 Doorlopende verplichting tot (niet) handelen"),
        _ => (10, "12.2 Handhaving uitgevoerd"),
    }
}

/// When a measure may be destroyed: `jaren` after its last recorded step, once it has ended
/// (a bezwaar or beroep after the ending moves the start). None while it has not ended.
pub fn bewaren_tot(stappen: &[Stap], jaren: u32) -> Option<Date> {
    let einde = laatste(stappen, StapSoort::Beeindiging)?;
    let laatst = stappen.iter().map(|s| s.datum).max().unwrap_or(einde.datum);
    laatst
        .checked_add(jiff::Span::new().years(i64::from(jaren)))
        .ok()
}

// ---------------------------------------------------------------------------------------------
// Ladders: municipal policy as data.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ladder {
    Horeca,
    Damocles,
    Alcohol19a,
}

impl Ladder {
    pub const ALL: [Ladder; 3] = [Ladder::Horeca, Ladder::Damocles, Ladder::Alcohol19a];

    pub fn slug(self) -> &'static str {
        match self {
            Ladder::Horeca => "horeca",
            Ladder::Damocles => "damocles",
            Ladder::Alcohol19a => "alcohol-19a",
        }
    }

    pub fn from_slug(s: &str) -> Option<Ladder> {
        Ladder::ALL.into_iter().find(|x| x.slug() == s.trim())
    }

    pub fn naam(self) -> &'static str {
        match self {
            Ladder::Horeca => "Horeca: gele en rode kaart",
            Ladder::Damocles => "Damocles (art. 13b Opiumwet)",
            Ladder::Alcohol19a => "Alcoholwet art. 19a (three strikes)",
        }
    }

    /// Whether an earlier offence counts only for the same operator (or establishment): a horeca
    /// sanction follows the licence holder, and a new operator starts with a clean slate
    /// (legal-rules.md 5.2); the 19a ban concerns the same verkooppunt (5.4). Damocles concerns
    /// the premises, whoever lives there.
    pub fn koppelt_exploitant(self) -> bool {
        matches!(self, Ladder::Horeca | Ladder::Alcohol19a)
    }

    /// What one offence on this ladder is called.
    pub fn feit_naam(self) -> &'static str {
        match self {
            Ladder::Horeca => "gele kaart",
            Ladder::Damocles | Ladder::Alcohol19a => "overtreding",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eenheid {
    Dagen,
    Weken,
    Maanden,
}

impl Eenheid {
    pub const ALL: [Eenheid; 3] = [Eenheid::Dagen, Eenheid::Weken, Eenheid::Maanden];
    pub fn slug(self) -> &'static str {
        match self {
            Eenheid::Dagen => "dagen",
            Eenheid::Weken => "weken",
            Eenheid::Maanden => "maanden",
        }
    }
    pub fn from_slug(s: &str) -> Option<Eenheid> {
        Eenheid::ALL.into_iter().find(|x| x.slug() == s.trim())
    }
}

/// One row of a ladder version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LadderRegel {
    pub id: String,
    pub ladder: Ladder,
    pub versie: i64,
    /// The policy's name, e.g. "horecabeleid 2023".
    pub beleid: String,
    pub positie: i64,
    /// Horeca: the kind of offence; Damocles: woning, lokaal or erf; "*" matches all.
    pub object: String,
    /// Damocles: harddrugs, softdrugs, hennep, voorbereiding; "*" matches all.
    pub middel: String,
    /// Damocles: the row applies to quantities of MORE than this many thousandths of its unit
    /// (5 g softdrugs is a user's quantity, 5.001 g trade); None: any quantity.
    pub drempel: Option<i64>,
    /// The unit of the quantity: gram, planten or stuks; empty: any.
    pub hoeveelheid_eenheid: String,
    /// The offence number within the window (1 = first).
    pub feit: u32,
    pub venster_maanden: u32,
    /// None: no measure (e.g. a written warning).
    pub maatregel: Option<Soort>,
    pub duur: u32,
    pub eenheid: Eenheid,
    /// What the step is, e.g. "rode kaart: sluiting 1 week".
    pub omschrijving: String,
    /// The policy defines this step as a warning, not a besluit (no bezwaar).
    pub waarschuwing: bool,
    /// The day this version takes effect; None: in force from the start (version 1).
    pub ingang: Option<Date>,
}

/// Checks an edited row; (field, Dutch message).
pub fn valideer_regel(r: &LadderRegel) -> Vec<(&'static str, String)> {
    let mut e = Vec::new();
    if r.beleid.trim().is_empty() {
        e.push(("beleid", "Geef de naam van het beleid.".into()));
    }
    if r.omschrijving.trim().is_empty() {
        e.push(("omschrijving", "Geef een omschrijving.".into()));
    }
    if r.object.trim().is_empty() {
        e.push(("object", "Gebruik * voor alle.".into()));
    }
    if r.middel.trim().is_empty() {
        e.push(("middel", "Gebruik * voor alle.".into()));
    }
    if r.feit == 0 || r.feit > 20 {
        e.push(("feit", "Een getal van 1 tot en met 20.".into()));
    }
    if r.venster_maanden == 0 || r.venster_maanden > 120 {
        e.push(("venster_maanden", "Een getal van 1 tot en met 120.".into()));
    }
    if r.drempel.is_some_and(|d| d < 0) {
        e.push(("drempel", "Niet negatief.".into()));
    }
    if !r.hoeveelheid_eenheid.is_empty()
        && !HOEVEELHEID_EENHEDEN.contains(&r.hoeveelheid_eenheid.as_str())
    {
        e.push(("hoeveelheid_eenheid", "Kies gram, planten of stuks.".into()));
    }
    // The statutory minimum of art. 19a Alcoholwet cannot be configured away: a sales ban only
    // after three offences within twelve months.
    if r.maatregel == Some(Soort::Verkoopverbod19a) && r.feit < 3 {
        e.push((
            "feit",
            "Een verkoopverbod kan pas bij de derde overtreding binnen twaalf maanden (art. 19a Alcoholwet).".into(),
        ));
    }
    if r.maatregel == Some(Soort::Verkoopverbod19a) && r.venster_maanden > 12 {
        e.push((
            "venster_maanden",
            "Art. 19a Alcoholwet telt overtredingen binnen twaalf maanden; een langer venster kan niet.".into(),
        ));
    }
    if r.maatregel == Some(Soort::Verkoopverbod19a) {
        let weken_ok = r.eenheid == Eenheid::Weken && (1..=12).contains(&r.duur);
        if !weken_ok {
            e.push((
                "duur",
                "Een verkoopverbod duurt ten minste 1 en ten hoogste 12 weken (art. 19a Alcoholwet)."
                    .into(),
            ));
        }
    }
    e
}

/// The rows of the ladder version in force on `datum`, in their order: the newest version whose
/// effective date is on or before that day (a version without a date has applied from the
/// start). `regels` holds the rows of every version of one ladder. A version that takes effect
/// later does not judge an earlier offence, and an older version does not judge a later one.
pub fn versie_op(regels: &[LadderRegel], datum: Date) -> Vec<LadderRegel> {
    let geldt = |r: &LadderRegel| r.ingang.is_none_or(|d| d <= datum);
    let Some(versie) = regels.iter().filter(|r| geldt(r)).map(|r| r.versie).max() else {
        return Vec::new();
    };
    let mut out: Vec<LadderRegel> = regels
        .iter()
        .filter(|r| r.versie == versie)
        .cloned()
        .collect();
    out.sort_by_key(|r| r.positie);
    out
}

/// Checks the effective date of a new version against the newest version's: versions take
/// effect in the order they are made, so a new one cannot start before the one it replaces.
pub fn toets_ingang(nieuwste: Option<Date>, ingang: Date) -> Result<(), String> {
    match nieuwste {
        Some(d) if ingang < d => Err(format!(
            "De huidige versie geldt vanaf {}; een nieuwe versie kan niet eerder ingaan.",
            datum_nl(d)
        )),
        _ => Ok(()),
    }
}

/// The units a quantity can be given in.
pub const HOEVEELHEID_EENHEDEN: [&str; 3] = ["gram", "planten", "stuks"];

/// The unit a substance is counted in when none is given: plants for hennep, grams for drugs.
pub fn standaard_eenheid(middel: &str) -> &'static str {
    match middel.trim().to_lowercase().as_str() {
        "hennep" => "planten",
        "harddrugs" | "softdrugs" => "gram",
        _ => "",
    }
}

/// Reads a quantity as a decimal ("0,6", "0.6", "5") into thousandths of its unit; at most
/// three decimals, never negative.
pub fn lees_hoeveelheid(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let (heel, deel) = s.split_once('.').unwrap_or((&s, ""));
    if heel.is_empty() && deel.is_empty()
        || !heel.chars().all(|c| c.is_ascii_digit())
        || !deel.chars().all(|c| c.is_ascii_digit())
        || deel.len() > 3
    {
        return None;
    }
    let heel: i64 = if heel.is_empty() {
        0
    } else {
        heel.parse().ok()?
    };
    let deel: i64 = format!("{deel:0<3}").parse().ok()?;
    heel.checked_mul(1000)?.checked_add(deel)
}

/// A quantity in thousandths as Dutch text: 600 → "0,6", 5000 → "5".
pub fn hoeveelheid_tekst(milli: i64) -> String {
    let heel = milli / 1000;
    let deel = (milli % 1000).abs();
    if deel == 0 {
        heel.to_string()
    } else {
        format!("{heel},{}", format!("{deel:03}").trim_end_matches('0'))
    }
}

/// An offence that may lead to a step on a ladder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Voorval {
    pub datum: Date,
    pub object: String,
    pub middel: String,
    /// Thousandths of `eenheid`; None when no quantity matters (horeca, 19a).
    pub hoeveelheid: Option<i64>,
    /// gram, planten or stuks; empty: the substance's usual unit.
    pub eenheid: String,
}

/// What the policy proposes, with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Voorstel {
    pub ladder: Ladder,
    pub versie: i64,
    pub beleid: String,
    pub feit: u32,
    pub maatregel: Option<Soort>,
    pub duur: u32,
    pub eenheid: Eenheid,
    pub reden: String,
    /// The step is a warning, not a besluit.
    pub waarschuwing: bool,
}

fn rangtelwoord(n: u32) -> String {
    match n {
        1 => "eerste".into(),
        2 => "tweede".into(),
        3 => "derde".into(),
        4 => "vierde".into(),
        5 => "vijfde".into(),
        n => format!("{n}e"),
    }
}

fn past(patroon: &str, waarde: &str) -> bool {
    let p = patroon.trim();
    p == "*" || p.eq_ignore_ascii_case(waarde.trim())
}

/// Proposes the next step on a ladder for `nieuw`, given the dates of the earlier offences at the
/// same location or operator on this ladder. The offence number counts `nieuw` and the earlier
/// offences within the window before it; past the ladder's last step the last step applies.
pub fn voorstel(
    regels: &[LadderRegel],
    eerder: &[Date],
    nieuw: &Voorval,
) -> Result<Voorstel, (&'static str, String)> {
    let eenheid_voorval = if nieuw.eenheid.trim().is_empty() {
        standaard_eenheid(&nieuw.middel)
    } else {
        nieuw.eenheid.trim()
    };
    let soortgelijk: Vec<&LadderRegel> = regels
        .iter()
        .filter(|r| past(&r.object, &nieuw.object) && past(&r.middel, &nieuw.middel))
        .collect();
    let eenheid_past = |r: &LadderRegel| {
        r.hoeveelheid_eenheid.is_empty() || r.hoeveelheid_eenheid == eenheid_voorval
    };
    // The boundary is exact: a row applies to MORE than its threshold.
    let boven = |r: &LadderRegel| match r.drempel {
        None => true,
        Some(d) => nieuw.hoeveelheid.is_some_and(|q| q > d),
    };
    let passend: Vec<&LadderRegel> = soortgelijk
        .iter()
        .copied()
        .filter(|r| eenheid_past(r) && boven(r))
        .collect();
    let Some(eerste) = passend.first() else {
        if let Some(r) = soortgelijk.iter().find(|r| !eenheid_past(r)) {
            return Err((
                "hoeveelheid_eenheid",
                format!(
                    "Het beleid rekent {} in {}: geef de hoeveelheid in {}.",
                    nieuw.middel.trim(),
                    r.hoeveelheid_eenheid,
                    r.hoeveelheid_eenheid
                ),
            ));
        }
        if let Some(r) = soortgelijk
            .iter()
            .filter(|r| r.drempel.is_some())
            .min_by_key(|r| r.drempel)
        {
            let drempel = hoeveelheid_tekst(r.drempel.unwrap_or(0));
            return Err(("hoeveelheid", match nieuw.hoeveelheid {
                None => format!(
                    "Geef de hoeveelheid {} in {}: het beleid kent een stap pas boven {drempel} {}.",
                    nieuw.middel.trim(),
                    r.hoeveelheid_eenheid,
                    r.hoeveelheid_eenheid
                ),
                Some(q) => format!(
                    "{} {} {} is niet meer dan {drempel} {}: volgens {} geen handelshoeveelheid, en de ladder stelt geen stap voor.",
                    hoeveelheid_tekst(q),
                    r.hoeveelheid_eenheid,
                    nieuw.middel.trim(),
                    r.hoeveelheid_eenheid,
                    r.beleid
                ),
            }));
        }
        return Err((
            "object",
            "Het beleid heeft geen regel voor deze overtreding.".into(),
        ));
    };
    let venster = passend
        .iter()
        .map(|r| r.venster_maanden)
        .max()
        .unwrap_or(12);
    let begin = nieuw
        .datum
        .checked_sub(jiff::Span::new().months(i64::from(venster)))
        .map_err(|_| ("datum", "Datum buiten bereik.".to_string()))?;
    let telt = eerder
        .iter()
        .filter(|d| **d > begin && **d <= nieuw.datum)
        .count() as u32;
    let feit = telt + 1;
    let hoogste = passend.iter().map(|r| r.feit).max().unwrap_or(1);
    let stap = feit.min(hoogste);
    // Most specific first: a named object or substance over "*", a higher quantity band.
    let specifiek = |r: &LadderRegel| {
        (
            r.object.trim() != "*",
            r.middel.trim() != "*",
            r.drempel.unwrap_or(-1),
        )
    };
    let ladder = eerste.ladder;
    let gekozen = passend
        .iter()
        .filter(|r| r.feit == stap)
        .max_by_key(|r| specifiek(r))
        .copied();
    let (maatregel, duur, eenheid, omschrijving, waarschuwing) = match gekozen {
        Some(r) => (
            r.maatregel,
            r.duur,
            r.eenheid,
            r.omschrijving.clone(),
            r.waarschuwing,
        ),
        None => (
            None,
            0,
            Eenheid::Dagen,
            "nog geen maatregel volgens de ladder".to_string(),
            false,
        ),
    };
    let mut reden = format!(
        "{} {} binnen {} maanden → {} volgens {}",
        rangtelwoord(feit),
        ladder.feit_naam(),
        venster,
        omschrijving,
        eerste.beleid
    );
    if let (Some(r), Some(q)) = (gekozen, nieuw.hoeveelheid) {
        if let Some(d) = r.drempel {
            reden.push_str(&format!(
                " ({} {} {}: meer dan {} {})",
                hoeveelheid_tekst(q),
                r.hoeveelheid_eenheid,
                nieuw.middel.trim(),
                hoeveelheid_tekst(d),
                r.hoeveelheid_eenheid
            ));
        }
    }
    Ok(Voorstel {
        ladder,
        versie: eerste.versie,
        beleid: eerste.beleid.clone(),
        feit,
        maatregel,
        duur,
        eenheid,
        reden,
        waarschuwing,
    })
}

/// Checks the decider's choice against the proposal: a deviation needs a recorded reason.
/// Returns whether the choice deviates.
pub fn toets_keuze(
    voorstel: &Voorstel,
    gekozen: Soort,
    duur: Option<(u32, Eenheid)>,
    reden: &str,
) -> Result<bool, String> {
    let zelfde_duur = duur.is_none_or(|(d, e)| d == voorstel.duur && e == voorstel.eenheid);
    // No measure proposed: recording the offence (or warning) as such follows the proposal.
    let voorgesteld = voorstel.maatregel.unwrap_or(Soort::Overtreding);
    let afwijking = voorgesteld != gekozen || !zelfde_duur;
    if afwijking && reden.trim().is_empty() {
        return Err(format!(
            "U wijkt af van het voorstel ({}); leg de reden van afwijking vast.",
            voorstel.reden
        ));
    }
    Ok(afwijking)
}

/// The threshold of a row written as "from N" (whole grams or plants) in the policy's old form:
/// the case-law thresholds for drugs (more than 0.5 g harddrugs, more than 5 g softdrugs, more
/// than 5 plants; legal-rules.md 2.3), otherwise "more than N - 1"; migration 0023 converts
/// stored rows the same way.
fn drempel_van(ladder: Ladder, middel: &str, vanaf: i64) -> Option<i64> {
    match (ladder, middel, vanaf) {
        (Ladder::Damocles, "harddrugs", 1) => Some(500),
        (Ladder::Damocles, "softdrugs", 5) => Some(5000),
        (Ladder::Damocles, "hennep", 6) => Some(5000),
        (_, _, v) if v > 0 => Some((v - 1) * 1000),
        _ => None,
    }
}

/// Version 1 of the ladders, as loaded on first start (fictitious values from the examples in
/// legal-rules.md 2.8–2.13 and 5.1–5.4; the administrator adapts them to the gemeente's policy).
pub fn standaard_ladders() -> Vec<LadderRegel> {
    let r = |ladder,
             beleid: &str,
             object: &str,
             middel: &str,
             vanaf: i64,
             feit: u32,
             venster: u32,
             maatregel: Option<Soort>,
             duur: u32,
             eenheid: Eenheid,
             omschrijving: &str| LadderRegel {
        id: String::new(),
        ladder,
        versie: 1,
        beleid: beleid.into(),
        positie: 0,
        object: object.into(),
        middel: middel.into(),
        drempel: drempel_van(ladder, middel, vanaf),
        hoeveelheid_eenheid: standaard_eenheid(middel).into(),
        feit,
        venster_maanden: venster,
        maatregel,
        duur,
        eenheid,
        omschrijving: omschrijving.into(),
        waarschuwing: omschrijving.to_lowercase().contains("waarschuwing")
            && matches!(maatregel, None | Some(Soort::GeleKaart)),
        ingang: None,
    };
    use Eenheid::*;
    use Ladder::*;
    use Soort::*;
    let h = "horecabeleid 2023";
    let d = "Damoclesbeleid 2022";
    let a = "handhavingsprotocol Alcoholwet 2023";
    let mut v = vec![
        r(
            Horeca,
            h,
            "*",
            "*",
            0,
            1,
            12,
            Some(GeleKaart),
            0,
            Dagen,
            "gele kaart: schriftelijke waarschuwing, 12 maanden geldig",
        ),
        r(
            Horeca,
            h,
            "*",
            "*",
            0,
            2,
            12,
            Some(RodeKaart),
            1,
            Weken,
            "rode kaart: sluiting 1 week",
        ),
        r(
            Horeca,
            h,
            "*",
            "*",
            0,
            3,
            12,
            Some(RodeKaart),
            4,
            Weken,
            "rode kaart: sluiting 4 weken",
        ),
        r(
            Damocles,
            d,
            "woning",
            "harddrugs",
            1,
            1,
            24,
            Some(Sluiting13b),
            3,
            Maanden,
            "sluiting woning 3 maanden",
        ),
        r(
            Damocles,
            d,
            "woning",
            "harddrugs",
            1,
            2,
            24,
            Some(Sluiting13b),
            6,
            Maanden,
            "sluiting woning 6 maanden",
        ),
        r(
            Damocles,
            d,
            "woning",
            "softdrugs",
            5,
            1,
            24,
            None,
            0,
            Dagen,
            "schriftelijke waarschuwing",
        ),
        r(
            Damocles,
            d,
            "woning",
            "softdrugs",
            5,
            2,
            24,
            Some(Sluiting13b),
            3,
            Maanden,
            "sluiting woning 3 maanden",
        ),
        r(
            Damocles,
            d,
            "woning",
            "softdrugs",
            5,
            3,
            24,
            Some(Sluiting13b),
            6,
            Maanden,
            "sluiting woning 6 maanden",
        ),
        r(
            Damocles,
            d,
            "woning",
            "hennep",
            6,
            1,
            24,
            None,
            0,
            Dagen,
            "schriftelijke waarschuwing",
        ),
        r(
            Damocles,
            d,
            "woning",
            "hennep",
            6,
            2,
            24,
            Some(Sluiting13b),
            3,
            Maanden,
            "sluiting woning 3 maanden",
        ),
        r(
            Damocles,
            d,
            "lokaal",
            "*",
            1,
            1,
            24,
            Some(Sluiting13b),
            6,
            Maanden,
            "sluiting lokaal 6 maanden",
        ),
        r(
            Damocles,
            d,
            "lokaal",
            "*",
            1,
            2,
            24,
            Some(Sluiting13b),
            12,
            Maanden,
            "sluiting lokaal 12 maanden",
        ),
        r(
            Alcohol19a,
            a,
            "*",
            "*",
            0,
            1,
            12,
            None,
            0,
            Dagen,
            "geen verkoopverbod (eerste overtreding leeftijdsgrens)",
        ),
        r(
            Alcohol19a,
            a,
            "*",
            "*",
            0,
            2,
            12,
            None,
            0,
            Dagen,
            "geen verkoopverbod (tweede overtreding leeftijdsgrens)",
        ),
        r(
            Alcohol19a,
            a,
            "*",
            "*",
            0,
            3,
            12,
            Some(Verkoopverbod19a),
            2,
            Weken,
            "verkoopverbod alcohol 2 weken",
        ),
        r(
            Alcohol19a,
            a,
            "*",
            "*",
            0,
            4,
            12,
            Some(Verkoopverbod19a),
            12,
            Weken,
            "verkoopverbod alcohol 12 weken",
        ),
    ];
    for (i, x) in v.iter_mut().enumerate() {
        x.positie = i as i64;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use termijnen::bereken;
    use StapSoort::*;

    fn stap(soort: StapSoort, d: Date) -> Stap {
        Stap::new(soort, d)
    }

    /// The statutory Atw calendar, without designated days.
    fn kal() -> Calendar {
        Calendar::new()
    }

    #[test]
    fn a_designated_day_moves_a_statutory_deadline_and_the_timeline_says_why() {
        // Bekendmaking on Thursday 2 April 2026: the six-week objection term ends on Thursday
        // 14 May 2026 (Hemelvaartsdag), so it moves to Friday 15 May; with that Friday
        // designated by royal decree it moves on to Monday 18 May.
        let d0 = date(2026, 3, 2);
        let zw = Stap {
            ontvangen: Some(false),
            ..stap(Zienswijze, date(2026, 3, 17))
        };
        let done = keten(
            Soort::Sluiting13b,
            &[
                aanleiding(d0),
                stap(Voornemen, d0),
                zw,
                afweging(date(2026, 3, 18)),
                stap(Besluit, date(2026, 3, 20)),
                stap(Bekendmaking, date(2026, 4, 2)),
            ],
        );
        let bezwaar = |k: &Calendar| {
            tijdlijn(Soort::Sluiting13b, &done, k)
                .into_iter()
                .find(|m| m.regel == Some("bezwaar"))
                .unwrap()
        };
        assert_eq!(bezwaar(&kal()).datum, date(2026, 5, 15));
        let kb = kal().with_extra_day(date(2026, 5, 15), "vrijdag na Hemelvaartsdag");
        let m = bezwaar(&kb);
        assert_eq!(m.datum, date(2026, 5, 18));
        assert!(
            m.uitleg.contains("vrijdag 15 mei 2026 is vrijdag na Hemelvaartsdag, gelijkgesteld met een algemeen erkende feestdag op grond van art. 3 lid 3 Atw (koninklijk besluit)"),
            "{}",
            m.uitleg
        );
    }

    #[test]
    fn a_zienswijze_term_ending_on_a_designated_day_names_it_and_the_next_working_day() {
        // A zienswijze term is set by the mayor, not by a statute: the Atw does not extend it
        // (legal-rules.md 0.6). Ending on a designated day, the explanation names the decree
        // and the next working day to put in the letter.
        let d0 = date(2026, 5, 1);
        let done = keten(Soort::Sluiting13b, &[aanleiding(d0), stap(Voornemen, d0)]);
        let kb = kal().with_extra_day(date(2026, 5, 15), "vrijdag na Hemelvaartsdag");
        let z = tijdlijn(Soort::Sluiting13b, &done, &kb)
            .into_iter()
            .find(|m| m.regel == Some("zienswijze"))
            .unwrap();
        assert_eq!(z.datum, date(2026, 5, 15));
        assert!(
            z.uitleg.contains("art. 3 lid 3 Atw (koninklijk besluit)"),
            "{}",
            z.uitleg
        );
        assert!(z.uitleg.contains("maandag 18 mei 2026"), "{}", z.uitleg);
        let zonder = tijdlijn(Soort::Sluiting13b, &done, &kal())
            .into_iter()
            .find(|m| m.regel == Some("zienswijze"))
            .unwrap();
        assert!(!zonder.uitleg.contains("Overweeg"), "{}", zonder.uitleg);
    }

    #[test]
    fn migration_0022_ships_the_days_of_both_decrees_with_their_titles() {
        for sql in [
            include_str!(
                "../../../migrations/sqlite/0022_maatregelen_gelijkstellingsbesluiten.sql"
            ),
            include_str!(
                "../../../migrations/postgres/0022_maatregelen_gelijkstellingsbesluiten.sql"
            ),
        ] {
            let rows: Vec<&str> = sql
                .split("INSERT INTO maatregelen_gelijkgestelde_dag")
                .skip(1)
                .collect();
            let mut n = 0;
            for b in termijnen::GELIJKSTELLINGSBESLUITEN {
                for (d, naam) in b.dagen() {
                    let row = rows
                        .iter()
                        .find(|r| r.contains(&format!("'{d}', '{naam}', '{}'", b.titel)))
                        .unwrap_or_else(|| panic!("{d} missing"));
                    assert!(row.contains(&format!("WHERE datum = '{d}' AND removed_at IS NULL")));
                    n += 1;
                }
            }
            assert_eq!(rows.len(), n);
        }
    }

    #[test]
    fn a_year_without_designated_days_is_warned_about() {
        let kb = Calendar::met_bekende_besluiten();
        assert_eq!(
            waarschuwing_gelijkgestelde_dagen(&kb, date(2026, 12, 7)),
            None
        );
        assert_eq!(
            waarschuwing_gelijkgestelde_dagen(&kb, date(2027, 1, 1)),
            None
        );
        let w = waarschuwing_gelijkgestelde_dagen(&kb, date(2028, 3, 1)).unwrap();
        assert!(
            w.starts_with("Let op: voor 2029 zijn nog geen gelijkgestelde dagen vastgelegd."),
            "{w}"
        );
        assert!(w.contains("in dat jaar eindigt"), "{w}");
        let w = waarschuwing_gelijkgestelde_dagen(&kb, date(2029, 12, 31)).unwrap();
        assert!(
            w.contains("voor 2029 en 2030 zijn nog geen gelijkgestelde dagen vastgelegd"),
            "{w}"
        );
        assert!(w.contains("in die jaren"), "{w}");
        // A year before the known decrees: the current year is missing, the next is there.
        let w = waarschuwing_gelijkgestelde_dagen(&kb, date(2022, 6, 1)).unwrap();
        assert!(w.contains("voor 2022 zijn"), "{w}");
        // A new decree recorded for 2029 ends the warning.
        let mut aangevuld = kb.clone();
        aangevuld.add_designated_day(date(2029, 5, 11), "vrijdag na Hemelvaartsdag", "Besluit …");
        assert_eq!(
            waarschuwing_gelijkgestelde_dagen(&aangevuld, date(2028, 3, 1)),
            None
        );
    }

    #[test]
    fn a_designated_day_must_be_a_working_day_not_yet_listed() {
        let kb = kal().with_extra_day(date(2026, 5, 15), "vrijdag na Hemelvaartsdag");
        assert_eq!(toets_gelijkgestelde_dag(date(2026, 1, 2), &kb), Ok(()));
        let e = toets_gelijkgestelde_dag(date(2026, 5, 14), &kb).unwrap_err();
        assert!(e.contains("Hemelvaartsdag, art. 3 lid 1 Atw"), "{e}");
        let e = toets_gelijkgestelde_dag(date(2026, 4, 3), &kb).unwrap_err();
        assert!(e.contains("Goede Vrijdag"), "{e}");
        let e = toets_gelijkgestelde_dag(date(2026, 5, 16), &kb).unwrap_err();
        assert!(
            e.starts_with("Zaterdag 16 mei 2026 valt in het weekend"),
            "{e}"
        );
        let e = toets_gelijkgestelde_dag(date(2026, 5, 15), &kb).unwrap_err();
        assert!(e.contains("staat al in de lijst"), "{e}");
    }

    fn aanleiding(d: Date) -> Stap {
        Stap {
            bron: Some("politierapport".into()),
            referentie: Some("PL0900-2026-123".into()),
            ..stap(Aanleiding, d)
        }
    }

    fn afweging(d: Date) -> Stap {
        Stap {
            noodzaak: Some("n".into()),
            evenredigheid: Some("e".into()),
            subsidiariteit: Some("s".into()),
            ..stap(Afweging, d)
        }
    }

    /// Records steps in order, asserting each is accepted.
    fn keten(zaak: impl Into<Zaak>, stappen: &[Stap]) -> Vec<Stap> {
        let zaak = zaak.into();
        let mut done = Vec::new();
        for s in stappen {
            assert_eq!(toets(zaak, &done, s, &kal()), Ok(()), "{:?}", s.soort);
            done.push(s.clone());
        }
        done
    }

    #[test]
    fn references_count_per_year_with_four_digits() {
        assert_eq!(kenmerk(2026, 42), "MR-2026-0042");
        assert_eq!(kenmerk(2027, 1), "MR-2027-0001");
        assert_eq!(kenmerk(2026, 12345), "MR-2026-12345");
    }

    #[test]
    fn every_type_has_a_slug_basis_and_steps() {
        for s in Soort::ALL {
            assert_eq!(Soort::from_slug(s.slug()), Some(s));
            assert!(!s.grondslag().is_empty());
            assert!(s.stappen().contains(&Besluit));
        }
        assert!(!Soort::Huisverbod.stappen().contains(&Bezwaar));
        assert!(Soort::Dwangsom.stappen().contains(&Verbeurte));
        for s in StapSoort::ALL {
            assert_eq!(StapSoort::from_slug(s.slug()), Some(s));
        }
    }

    #[test]
    fn awb_closure_runs_in_order_and_refuses_steps_out_of_order() {
        let d = |n| {
            date(2026, 3, 2)
                .checked_add(jiff::Span::new().days(n))
                .unwrap()
        };
        let soort = Soort::Sluiting13b;
        // Nothing before the aanleiding.
        let e = toets(soort, &[], &stap(Voornemen, d(0)), &kal()).unwrap_err();
        assert!(e.contains("aanleiding"), "{e}");
        // An aanleiding names its source.
        assert!(toets(soort, &[], &stap(Aanleiding, d(0)), &kal()).is_err());
        let voornemen = Stap {
            dagen: Some(14),
            ..stap(Voornemen, d(1))
        };
        let mut done = keten(soort, &[aanleiding(d(0)), voornemen]);
        // No besluit without the assessment.
        let e = toets(soort, &done, &stap(Besluit, d(20)), &kal()).unwrap_err();
        assert!(
            e.contains("noodzaak, evenredigheid en subsidiariteit"),
            "{e}"
        );
        // An incomplete assessment is refused.
        let half = Stap {
            noodzaak: Some("n".into()),
            ..stap(Afweging, d(20))
        };
        assert!(toets(soort, &done, &half, &kal()).is_err());
        // The assessment weighs the zienswijze: not while its term (14 days from the voornemen
        // sent on Tuesday 3 March, so until Tuesday 17 March) runs and none is recorded.
        let e = toets(soort, &done, &afweging(d(15)), &kal()).unwrap_err();
        assert!(
            e.contains("loopt nog tot en met dinsdag 17 maart 2026 (gerekend vanaf de verzending van het voornemen op dinsdag 3 maart 2026)"),
            "{e}"
        );
        // "No zienswijze received" can only be said after the term.
        let niet = |n| Stap {
            ontvangen: Some(false),
            ..stap(Zienswijze, d(n))
        };
        let e = toets(soort, &done, &niet(15), &kal()).unwrap_err();
        assert!(e.contains("kan pas na afloop worden vastgelegd"), "{e}");
        // After the term the assessment may be made; the besluit then still needs the
        // zienswijze step (received or not).
        done = keten(soort, &[done, vec![afweging(d(16))]].concat());
        let e = toets(soort, &done, &stap(Besluit, d(20)), &kal()).unwrap_err();
        assert!(e.contains("zienswijze"), "{e}");
        done = keten(soort, &[done, vec![niet(16)]].concat());
        // The term is on the timeline from the voornemen, answered by the zienswijze step.
        let t = tijdlijn(soort, &done, &kal());
        let z = t.iter().find(|m| m.regel == Some("zienswijze")).unwrap();
        assert_eq!(z.datum, d(15));
        assert!(z.afgehandeld);
        assert!(
            z.uitleg.contains(
                "14 dagen na de dag waarop het voornemen is verzonden (dinsdag 3 maart 2026)"
            ),
            "{}",
            z.uitleg
        );
        done = keten(soort, &[done, vec![stap(Besluit, d(20))]].concat());
        // A second besluit, or execution before bekendmaking, is refused.
        assert!(toets(soort, &done, &stap(Besluit, d(21)), &kal()).is_err());
        let e = toets(soort, &done, &stap(UitvoeringStart, d(21)), &kal()).unwrap_err();
        assert!(e.contains("bekendmaking"), "{e}");
        assert!(toets(soort, &done, &stap(Bezwaar, d(21)), &kal()).is_err());
        let start = Stap {
            tot: Some(d(111)),
            ..stap(UitvoeringStart, d(25))
        };
        done = keten(
            soort,
            &[
                done,
                vec![stap(Bekendmaking, d(21)), start, stap(Bezwaar, d(30))],
            ]
            .concat(),
        );
        assert!(
            toets(soort, &done, &stap(Beroep, d(31)), &kal()).is_err(),
            "beroep after bezwaar decision"
        );
        done = keten(
            soort,
            &[
                done,
                vec![
                    stap(BeslissingBezwaar, d(60)),
                    stap(Beroep, d(70)),
                    stap(UitvoeringEinde, d(111)),
                    stap(Beeindiging, d(112)),
                ],
            ]
            .concat(),
        );
        let e = toets(soort, &done, &stap(Evaluatie, d(120)), &kal()).unwrap_err();
        assert!(e.contains("beëindigd"), "{e}");
        // The timeline has the bezwaar and beslistermijn deadlines with their explanation.
        let t = tijdlijn(soort, &done, &kal());
        let bezwaar = t.iter().find(|m| m.regel == Some("bezwaar")).unwrap();
        assert!(
            bezwaar.uitleg.contains("6 weken") || bezwaar.uitleg.contains("zes weken"),
            "{}",
            bezwaar.uitleg
        );
        assert!(t
            .iter()
            .any(|m| m.regel == Some("beslistermijn-bezwaar") && m.afgehandeld));
        assert!(t.iter().any(|m| m.regel == Some("zienswijze")));
        assert!(t.windows(2).all(|w| w[0].datum <= w[1].datum));
    }

    #[test]
    fn the_zienswijze_term_counts_from_the_voornemen_and_holds_the_besluit() {
        let d = |n| {
            date(2026, 3, 2)
                .checked_add(jiff::Span::new().days(n))
                .unwrap()
        };
        let soort = Soort::Sluiting174a;
        let begin = keten(soort, &[aanleiding(d(0)), stap(Voornemen, d(1))]);
        // Without days the term is 14 days from the voornemen's date, not from a zienswijze
        // received later.
        let t = zienswijze_termijn(&begin, &kal()).unwrap();
        assert_eq!(t.datum, d(15));
        let ontvangen = Stap {
            ontvangen: Some(true),
            toelichting: "De exploitant belooft beterschap.".into(),
            ..stap(Zienswijze, d(12))
        };
        let met = keten(soort, &[begin.clone(), vec![ontvangen.clone()]].concat());
        assert_eq!(zienswijze_termijn(&met, &kal()).unwrap().datum, d(15));
        // A received zienswijze may be weighed at once; the besluit need not wait for the term.
        let met = keten(
            soort,
            &[met, vec![afweging(d(13)), stap(Besluit, d(14))]].concat(),
        );
        assert!(tijdlijn(soort, &met, &kal())
            .iter()
            .any(|m| m.regel == Some("zienswijze") && m.afgehandeld));
        // A besluit before the term ends without a received zienswijze is refused with the
        // reason (an assessment recorded before this rule existed stands in for the path).
        let oud = vec![aanleiding(d(0)), stap(Voornemen, d(1)), afweging(d(2))];
        let e = toets(soort, &oud, &stap(Besluit, d(10)), &kal()).unwrap_err();
        assert_eq!(
            e,
            "De zienswijzetermijn loopt nog tot en met dinsdag 17 maart 2026 (gerekend vanaf de verzending van het voornemen op dinsdag 3 maart 2026) en er is nog geen zienswijze ontvangen; een besluit kan pas daarna (art. 4:8 Awb)."
        );
        // The term set in the voornemen counts; a zienswijze step may not set another one.
        let kort = keten(
            soort,
            &[
                aanleiding(d(0)),
                Stap {
                    dagen: Some(7),
                    ..stap(Voornemen, d(1))
                },
            ],
        );
        assert_eq!(zienswijze_termijn(&kort, &kal()).unwrap().datum, d(8));
        let dubbel = Stap {
            dagen: Some(10),
            ..ontvangen.clone()
        };
        assert!(toets(soort, &kort, &dubbel, &kal()).is_err());
        // An assessment made before a (late) zienswijze came in does not carry the besluit.
        let laat = keten(
            soort,
            &[
                begin,
                vec![
                    afweging(d(16)),
                    Stap {
                        ontvangen: Some(true),
                        ..stap(Zienswijze, d(17))
                    },
                ],
            ]
            .concat(),
        );
        let e = toets(soort, &laat, &stap(Besluit, d(18)), &kal()).unwrap_err();
        assert!(
            e.contains("leg een afweging vast die de zienswijze weegt"),
            "{e}"
        );
        let laat = keten(soort, &[laat, vec![afweging(d(18))]].concat());
        assert_eq!(toets(soort, &laat, &stap(Besluit, d(18)), &kal()), Ok(()));
        // No voornemen yet: the assessment waits for it.
        let e = toets(soort, &[aanleiding(d(0))], &afweging(d(1)), &kal()).unwrap_err();
        assert!(e.contains("leg eerst het voornemen vast"), "{e}");
    }

    #[test]
    fn an_urgent_closure_is_decided_without_voornemen_and_heard_afterwards() {
        let d0 = date(2026, 6, 5);
        let d = |n| d0.checked_add(jiff::Span::new().days(n)).unwrap();
        let soort = Soort::Sluiting174a;
        let begin = keten(soort, &[aanleiding(d0)]);
        // Without the urgent path the besluit needs a voornemen, and the message says so.
        let zonder = keten(soort, &[begin.clone(), vec![]].concat());
        let e = toets(soort, &zonder, &afweging(d0), &kal()).unwrap_err();
        assert!(e.contains("voornemen"), "{e}");
        // Urgency needs its reason.
        assert_eq!(
            toets(soort, &begin, &stap(Spoed, d0), &kal()),
            Err(SPOED_ZONDER_REDEN.to_string())
        );
        let spoed = Stap {
            reden: Some(
                "Schietincident bij de woning; nieuwe escalatie wordt vannacht verwacht".into(),
            ),
            ..stap(Spoed, d0)
        };
        // Only for closures and bestuursdwang.
        let e = toets(Soort::Dwangsom, &begin, &spoed, &kal()).unwrap_err();
        assert!(e.contains("hoort niet bij"), "{e}");
        assert!(!Soort::Gedragsaanwijzing151d.spoed_mogelijk());
        assert!(Soort::Sluiting13b.spoed_mogelijk() && Soort::Bestuursdwang.spoed_mogelijk());
        let done = keten(
            soort,
            &[
                begin,
                vec![
                    spoed.clone(),
                    afweging(d0),
                    stap(Besluit, d0),
                    // Bestuursdwang at once, the decision made known afterwards (art. 5:31).
                    stap(UitvoeringStart, d0),
                ],
            ]
            .concat(),
        );
        // Once only, and not after the besluit.
        assert!(toets(soort, &done, &spoed, &kal()).is_err());
        let t = tijdlijn(soort, &done, &kal());
        let bekend = t
            .iter()
            .find(|m| m.wat == "Besluit zo spoedig mogelijk bekendmaken")
            .unwrap();
        assert!(!bekend.afgehandeld && bekend.burgemeester);
        assert!(bekend.uitleg.contains("art. 5:31 Awb"));
        let horen = t
            .iter()
            .find(|m| m.wat == "Betrokkene alsnog horen")
            .unwrap();
        assert_eq!(horen.datum, d(14));
        assert!(!horen.afgehandeld);
        assert!(
            horen.uitleg.contains("reden: Schietincident"),
            "{}",
            horen.uitleg
        );
        assert!(!t.iter().any(|m| m.regel == Some("zienswijze")));
        // Heard afterwards: a zienswijze after the besluit, without a voornemen.
        let done = keten(
            soort,
            &[
                done,
                vec![
                    stap(Bekendmaking, d(1)),
                    Stap {
                        ontvangen: Some(true),
                        ..stap(Zienswijze, d(6))
                    },
                ],
            ]
            .concat(),
        );
        let t = tijdlijn(soort, &done, &kal());
        assert!(t
            .iter()
            .filter(|m| m.termijn && m.regel.is_none())
            .all(|m| m.afgehandeld || m.wat == "Voorzien einde uitvoering"));
        // The objection term runs from the bekendmaking as always.
        assert!(t.iter().any(|m| m.regel == Some("bezwaar")));
    }

    #[test]
    fn huisverbod_lasts_ten_days_and_extends_to_at_most_28() {
        let soort = Soort::Huisverbod;
        let d0 = date(2026, 5, 4);
        let d = |n| d0.checked_add(jiff::Span::new().days(n)).unwrap();
        let e = toets(soort, &[aanleiding(d0)], &stap(Voornemen, d0), &kal()).unwrap_err();
        assert!(e.contains("direct opgelegd"), "{e}");
        let done = keten(soort, &[aanleiding(d0), afweging(d0), stap(Besluit, d0)]);
        let e = toets(soort, &done, &stap(Bezwaar, d(1)), &kal()).unwrap_err();
        assert!(e.contains("direct beroep"), "{e}");
        let tien = bereken(Regel::HuisverbodEinde, d0, &Opties::default())
            .unwrap()
            .datum;
        let max = bereken(Regel::HuisverbodVerlengingUiterlijk, d0, &Opties::default())
            .unwrap()
            .datum;
        assert_eq!(tien, d(10));
        assert_eq!(max, d(28));
        // Too late, too long, or without an end date: refused.
        let laat = Stap {
            tot: Some(d(28)),
            ..stap(Verlenging, d(11))
        };
        assert!(toets(soort, &done, &laat, &kal())
            .unwrap_err()
            .contains("eerste tien dagen"));
        let lang = Stap {
            tot: Some(d(29)),
            ..stap(Verlenging, d(9))
        };
        assert!(toets(soort, &done, &lang, &kal())
            .unwrap_err()
            .contains("ten hoogste 4 weken"));
        assert!(toets(soort, &done, &stap(Verlenging, d(9)), &kal()).is_err());
        let ok = Stap {
            tot: Some(d(28)),
            ..stap(Verlenging, d(9))
        };
        let done = keten(soort, &[done, vec![ok]].concat());
        let t = tijdlijn(soort, &done, &kal());
        let einde = t
            .iter()
            .find(|m| m.wat == "Einde verlengd huisverbod")
            .unwrap();
        assert_eq!(einde.datum, d(28));
        assert!(!einde.afgehandeld);
        let (verlopen, week) = open_termijnen(&t, d(25));
        assert!(verlopen.is_empty());
        assert!(week.iter().any(|m| m.datum == d(28)));
    }

    #[test]
    fn huisverbod_gets_a_beroep_deadline_and_mayoral_decisions_are_marked() {
        // Imposed Monday 4 May 2026 and handed over at once: beroep until Monday 15 June.
        let d0 = date(2026, 5, 4);
        let done = keten(
            Soort::Huisverbod,
            &[aanleiding(d0), afweging(d0), stap(Besluit, d0)],
        );
        let t = tijdlijn(Soort::Huisverbod, &done, &kal());
        let beroep = t
            .iter()
            .find(|m| m.wat == "Einde beroepstermijn (rechtbank)")
            .unwrap();
        assert_eq!(beroep.datum, date(2026, 6, 15));
        assert_eq!(beroep.regel, Some("beroep"));
        assert!(beroep.uitleg.contains("direct beroep"), "{}", beroep.uitleg);
        assert!(
            !beroep.uitleg.contains("besluit op bezwaar"),
            "{}",
            beroep.uitleg
        );
        let verlenging = t
            .iter()
            .find(|m| m.regel == Some("huisverbod-einde"))
            .unwrap();
        assert!(verlenging.burgemeester);
        assert!(!beroep.burgemeester);
        // A 13b closure: the end of the zienswijze term awaits the mayor's decision.
        let d1 = date(2026, 3, 2);
        let done = keten(Soort::Sluiting13b, &[aanleiding(d1), stap(Voornemen, d1)]);
        let t = tijdlijn(Soort::Sluiting13b, &done, &kal());
        assert!(t
            .iter()
            .any(|m| m.wat == "Einde zienswijzetermijn" && m.burgemeester));
    }

    #[test]
    fn reminders_go_out_once_ahead_and_once_overdue() {
        let d0 = date(2026, 5, 4);
        let done = keten(
            Soort::Huisverbod,
            &[aanleiding(d0), afweging(d0), stap(Besluit, d0)],
        );
        let t = tijdlijn(Soort::Huisverbod, &done, &kal());
        // The ten days end on 14 May: nothing on 10 May, a reminder from 11 May, overdue on 15 May.
        assert!(herinneringen(&t, date(2026, 5, 10)).is_empty());
        let komt = herinneringen(&t, date(2026, 5, 11));
        assert_eq!(komt.len(), 1);
        assert!(!komt[0].verlopen);
        assert_eq!(komt[0].mijlpaal.datum, date(2026, 5, 14));
        assert_eq!(herinneringen(&t, date(2026, 5, 13)), komt);
        let verlopen = herinneringen(&t, date(2026, 5, 15));
        assert!(verlopen.iter().any(|h| h.verlopen));
        assert_ne!(verlopen[0].sleutel, komt[0].sleutel);
        // Long overdue: no mail flood after an outage.
        assert!(herinneringen(&t, date(2026, 6, 30))
            .iter()
            .all(|h| !h.verlopen));
    }

    #[test]
    fn retention_counts_from_the_last_step_after_the_ending() {
        let d0 = date(2026, 5, 4);
        let mut done = keten(
            Soort::Huisverbod,
            &[aanleiding(d0), afweging(d0), stap(Besluit, d0)],
        );
        assert_eq!(bewaren_tot(&done, 5), None);
        done = keten(
            Soort::Huisverbod,
            &[done, vec![stap(Beeindiging, date(2026, 5, 14))]].concat(),
        );
        assert_eq!(bewaren_tot(&done, 5), Some(date(2031, 5, 14)));
        done = keten(
            Soort::Huisverbod,
            &[done, vec![stap(Beroep, date(2026, 6, 1))]].concat(),
        );
        assert_eq!(bewaren_tot(&done, 5), Some(date(2031, 6, 1)));
        assert_eq!(standaard_bewaartermijn(Soort::Huisverbod).0, 5);
        assert_eq!(standaard_bewaartermijn(Soort::Crisismaatregel).0, 20);
        assert_eq!(standaard_bewaartermijn(Soort::Sluiting13b).0, 10);
    }

    #[test]
    fn crisismaatregel_ends_after_three_days() {
        let d0 = date(2026, 5, 8);
        let done = keten(
            Soort::Crisismaatregel,
            &[aanleiding(d0), afweging(d0), stap(Besluit, d0)],
        );
        let t = tijdlijn(Soort::Crisismaatregel, &done, &kal());
        let e = t
            .iter()
            .find(|m| m.regel == Some("crisismaatregel-einde"))
            .unwrap();
        assert_eq!(e.datum, date(2026, 5, 11));
        let (verlopen, _) = open_termijnen(&t, date(2026, 5, 20));
        assert_eq!(verlopen.len(), 1);
    }

    #[test]
    fn dwangsom_forfeits_after_the_grace_period_up_to_the_maximum_and_lapses() {
        let soort = Soort::Dwangsom;
        let d0 = date(2026, 1, 5);
        let d = |n| d0.checked_add(jiff::Span::new().days(n)).unwrap();
        let base = keten(
            soort,
            &[
                aanleiding(d0),
                stap(Voornemen, d(1)),
                Stap {
                    ontvangen: Some(true),
                    ..stap(Zienswijze, d(2))
                },
                afweging(d(3)),
            ],
        );
        let e = toets(soort, &base, &stap(Besluit, d(4)), &kal()).unwrap_err();
        assert!(e.contains("bedrag"), "{e}");
        let besluit = Stap {
            bedrag_cent: Some(100_000),
            maximum_cent: Some(250_000),
            tot: Some(d(18)),
            ..stap(Besluit, d(4))
        };
        let done = keten(soort, &[base, vec![besluit]].concat());
        assert!(toets(soort, &done, &stap(Verbeurte, d(20)), &kal())
            .unwrap_err()
            .contains("bekendmaking"));
        let done = keten(soort, &[done, vec![stap(Bekendmaking, d(5))]].concat());
        let e = toets(soort, &done, &stap(Verbeurte, d(18)), &kal()).unwrap_err();
        assert!(e.contains("begunstigingstermijn"), "{e}");
        assert!(toets(soort, &done, &stap(Invordering, d(19)), &kal()).is_err());
        let done = keten(
            soort,
            &[done, vec![stap(Verbeurte, d(20)), stap(Verbeurte, d(30))]].concat(),
        );
        let e = toets(soort, &done, &stap(Verbeurte, d(40)), &kal()).unwrap_err();
        assert!(e.contains("maximum"), "{e}");
        let half = Stap {
            bedrag_cent: Some(50_000),
            ..stap(Verbeurte, d(40))
        };
        let done = keten(soort, &[done, vec![half]].concat());
        // Lapses one year after forfeiture.
        let e = toets(soort, &done, &stap(Invordering, date(2027, 3, 1)), &kal()).unwrap_err();
        assert!(e.contains("verjaard"), "{e}");
        let done = keten(soort, &[done, vec![stap(Invordering, d(60))]].concat());
        let t = tijdlijn(soort, &done, &kal());
        let v: Vec<_> = t
            .iter()
            .filter(|m| m.regel == Some("dwangsom-verjaring"))
            .collect();
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].datum, date(2027, 1, 25));
        assert!(v.iter().all(|m| m.afgehandeld));
    }

    /// The decision on a bezwaar: 6 weeks after the bezwaar term, 12 with an advisory committee,
    /// plus a verdaging of at most 6 weeks sent before the term ends (art. 7:10 and 7:13 Awb).
    #[test]
    fn the_decision_on_a_bezwaar_follows_committee_and_verdaging() {
        let soort = Soort::Sluiting174a;
        let d0 = date(2026, 3, 2);
        let basis = keten(
            soort,
            &[
                aanleiding(d0),
                stap(Voornemen, d0),
                Stap {
                    ontvangen: Some(true),
                    ..stap(Zienswijze, date(2026, 3, 10))
                },
                afweging(date(2026, 3, 11)),
                stap(Besluit, date(2026, 3, 20)),
                stap(Bekendmaking, date(2026, 4, 2)),
            ],
        );
        let beslis = |stappen: &[Stap]| {
            tijdlijn(soort, stappen, &kal())
                .into_iter()
                .find(|m| m.regel == Some("beslistermijn-bezwaar"))
                .unwrap()
        };
        // Without a committee: six weeks after the bezwaar term (which ends Friday 15 May).
        let zes = keten(
            soort,
            &[basis.clone(), vec![stap(Bezwaar, date(2026, 5, 1))]].concat(),
        );
        assert_eq!(beslis(&zes).datum, date(2026, 6, 26));
        // With the advisory committee: twelve weeks.
        let commissie = Stap {
            adviescommissie: Some(true),
            ..stap(Bezwaar, date(2026, 5, 1))
        };
        let twaalf = keten(soort, &[basis.clone(), vec![commissie]].concat());
        let m = beslis(&twaalf);
        assert_eq!(m.datum, date(2026, 8, 7));
        assert!(m.uitleg.contains("adviescommissie"), "{}", m.uitleg);
        // A verdaging: at most six weeks, sent before the term ends, once.
        let verdaag = |weken, datum| Stap {
            weken: Some(weken),
            ..stap(Verdaging, datum)
        };
        let e = toets(soort, &twaalf, &verdaag(7, date(2026, 7, 20)), &kal()).unwrap_err();
        assert!(e.contains("ten hoogste 6 weken"), "{e}");
        let e = toets(soort, &twaalf, &verdaag(6, date(2026, 8, 10)), &kal()).unwrap_err();
        assert!(e.contains("uiterlijk vrijdag 7 augustus 2026"), "{e}");
        assert!(toets(soort, &basis, &verdaag(6, date(2026, 7, 20)), &kal()).is_err());
        let verdaagd = keten(
            soort,
            &[twaalf, vec![verdaag(6, date(2026, 7, 20))]].concat(),
        );
        let m = beslis(&verdaagd);
        assert_eq!(m.datum, date(2026, 9, 18));
        assert!(
            m.uitleg
                .contains("De verdaging is op maandag 20 juli 2026 schriftelijk meegedeeld."),
            "{}",
            m.uitleg
        );
        assert!(toets(soort, &verdaagd, &verdaag(1, date(2026, 7, 21)), &kal()).is_err());
        let klaar = keten(
            soort,
            &[verdaagd, vec![stap(BeslissingBezwaar, date(2026, 9, 1))]].concat(),
        );
        assert!(beslis(&klaar).afgehandeld);
        // The rest of the road: beroep, the ruling, hoger beroep.
        let klaar = keten(
            soort,
            &[
                klaar,
                vec![
                    stap(Beroep, date(2026, 10, 1)),
                    stap(Uitspraak, date(2027, 2, 1)),
                    stap(HogerBeroep, date(2027, 3, 1)),
                    stap(Uitspraak, date(2027, 9, 1)),
                ],
            ]
            .concat(),
        );
        assert!(toets(soort, &klaar, &stap(Uitspraak, date(2027, 9, 2)), &kal()).is_err());
        assert!(tijdlijn(soort, &klaar, &kal())
            .iter()
            .any(|m| m.regel == Some("hoger-beroep")));
    }

    /// Art. 5:35 lid 2 and 5:37a Awb: the limitation of a forfeited dwangsom is extended while
    /// a bezwaar or beroep against the last or the invorderingsbesluit is open or pending; the
    /// explanation names the article; collection is not refused as time-barred meanwhile.
    #[test]
    fn the_dwangsom_limitation_is_extended_while_a_remedy_runs() {
        let soort = Soort::Dwangsom;
        let d = |y, m, dd| date(y, m, dd);
        let basis = keten(
            soort,
            &[
                aanleiding(d(2026, 1, 2)),
                stap(Voornemen, d(2026, 1, 2)),
                Stap {
                    ontvangen: Some(true),
                    ..stap(Zienswijze, d(2026, 1, 5))
                },
                afweging(d(2026, 1, 6)),
                Stap {
                    bedrag_cent: Some(100_000),
                    maximum_cent: Some(500_000),
                    tot: Some(d(2026, 1, 23)),
                    ..stap(Besluit, d(2026, 1, 7))
                },
                stap(Bekendmaking, d(2026, 1, 8)),
            ],
        );
        let tegen_last = |soort: StapSoort, datum| Stap {
            tegen: Some(Tegen::Last),
            ..stap(soort, datum)
        };
        // A bezwaar against the last, then a forfeiture on 10 February 2026.
        let pending = keten(
            soort,
            &[
                basis.clone(),
                vec![
                    tegen_last(Bezwaar, d(2026, 2, 1)),
                    stap(Verbeurte, d(2026, 2, 10)),
                ],
            ]
            .concat(),
        );
        let v = pending.last().unwrap().clone();
        let t = dwangsom_verjaring(&v, &pending, &kal()).unwrap();
        assert!(t.open_einde);
        assert_eq!(t.verlengd, Some("art. 5:35 lid 2 Awb"));
        assert!(t.uitleg.contains("Verlengd op grond van art. 5:35 lid 2 Awb: op woensdag 10 februari 2027 was het bezwaar tegen de last onder dwangsom aanhangig"), "{}", t.uitleg);
        // Collection is not refused as time-barred while the extension runs.
        assert_eq!(
            toets(soort, &pending, &stap(Invordering, d(2027, 3, 1)), &kal()),
            Ok(())
        );
        // Decided on 20 January 2027: beroep stays open until Wednesday 3 March 2027.
        let beslist = keten(
            soort,
            &[
                pending.clone(),
                vec![tegen_last(BeslissingBezwaar, d(2027, 1, 20))],
            ]
            .concat(),
        );
        let t = dwangsom_verjaring(&v, &beslist, &kal()).unwrap();
        assert!(!t.open_einde);
        assert_eq!(t.datum, d(2027, 3, 3));
        assert!(t.uitleg.contains("Verlengd op grond van art. 5:35 lid 2 Awb: op woensdag 10 februari 2027 stond de beroepstermijn tegen de beslissing op bezwaar over de last onder dwangsom open tot en met woensdag 3 maart 2027"), "{}", t.uitleg);
        assert_eq!(
            toets(soort, &beslist, &stap(Invordering, d(2027, 3, 3)), &kal()),
            Ok(())
        );
        let e = toets(soort, &beslist, &stap(Invordering, d(2027, 3, 4)), &kal()).unwrap_err();
        assert!(e.contains("verjaard"), "{e}");
        let m = tijdlijn(soort, &beslist, &kal())
            .into_iter()
            .find(|m| m.regel == Some("dwangsom-verjaring"))
            .unwrap();
        assert_eq!(m.datum, d(2027, 3, 3));
        assert!(m.uitleg.contains("art. 5:35 lid 2 Awb"));
        // Art. 5:37a: a bezwaar against the invorderingsbesluit.
        let invordering = keten(
            soort,
            &[
                basis.clone(),
                vec![
                    stap(Verbeurte, d(2026, 2, 10)),
                    stap(Invordering, d(2026, 6, 1)),
                    Stap {
                        tegen: Some(Tegen::Invordering),
                        ..stap(Bezwaar, d(2026, 6, 20))
                    },
                ],
            ]
            .concat(),
        );
        let v = invordering[basis.len()].clone();
        let t = dwangsom_verjaring(&v, &invordering, &kal()).unwrap();
        assert!(t.open_einde);
        assert_eq!(t.verlengd, Some("art. 5:37a Awb"));
        assert!(t.uitleg.contains("art. 5:37a Awb"), "{}", t.uitleg);
        assert_eq!(
            toets(
                soort,
                &invordering,
                &stap(Invordering, d(2027, 3, 1)),
                &kal()
            ),
            Ok(())
        );
        let beslist = keten(
            soort,
            &[
                invordering,
                vec![Stap {
                    tegen: Some(Tegen::Invordering),
                    ..stap(BeslissingBezwaar, d(2027, 1, 15))
                }],
            ]
            .concat(),
        );
        let t = dwangsom_verjaring(&v, &beslist, &kal()).unwrap();
        assert_eq!(t.datum, d(2027, 2, 26));
        assert_eq!(t.verlengd, Some("art. 5:37a Awb"));
        // No remedy on the day: no extension, and the explanation says so.
        let kaal = keten(
            soort,
            &[basis, vec![stap(Verbeurte, d(2026, 2, 10))]].concat(),
        );
        let t = dwangsom_verjaring(kaal.last().unwrap(), &kaal, &kal()).unwrap();
        assert_eq!((t.datum, t.verlengd), (d(2027, 2, 10), None));
        assert!(t.uitleg.contains("geen verlenging"), "{}", t.uitleg);
        // Against the invorderingsbesluit only in a dwangsom case, and only after one.
        let e = toets(
            Soort::Sluiting174a,
            &kaal,
            &Stap {
                tegen: Some(Tegen::Invordering),
                ..stap(Bezwaar, d(2026, 3, 1))
            },
            &kal(),
        )
        .unwrap_err();
        assert!(e.contains("Alleen bij een last onder dwangsom"), "{e}");
    }

    fn rows() -> Vec<LadderRegel> {
        standaard_ladders()
    }

    fn of(l: Ladder) -> Vec<LadderRegel> {
        rows().into_iter().filter(|r| r.ladder == l).collect()
    }

    fn voorval(d: Date, object: &str, middel: &str, q: i64) -> Voorval {
        Voorval {
            datum: d,
            object: object.into(),
            middel: middel.into(),
            hoeveelheid: (q > 0).then_some(q * 1000),
            eenheid: String::new(),
        }
    }

    #[test]
    fn ladder_table() {
        let d = date(2026, 6, 1);
        struct Case {
            ladder: Ladder,
            eerder: Vec<Date>,
            object: &'static str,
            middel: &'static str,
            q: i64,
            maatregel: Option<Soort>,
            duur: u32,
            reden: &'static str,
        }
        let cases = [
            Case { ladder: Ladder::Horeca, eerder: vec![], object: "openingstijden", middel: "", q: 0, maatregel: Some(Soort::GeleKaart), duur: 0, reden: "eerste gele kaart binnen 12 maanden → gele kaart" },
            Case { ladder: Ladder::Horeca, eerder: vec![date(2025, 9, 1)], object: "geluid", middel: "", q: 0, maatregel: Some(Soort::RodeKaart), duur: 1, reden: "tweede gele kaart binnen 12 maanden → rode kaart: sluiting 1 week volgens horecabeleid 2023" },
            // A yellow card older than its validity does not count.
            Case { ladder: Ladder::Horeca, eerder: vec![date(2025, 5, 1)], object: "geluid", middel: "", q: 0, maatregel: Some(Soort::GeleKaart), duur: 0, reden: "eerste gele kaart" },
            Case { ladder: Ladder::Horeca, eerder: vec![date(2025, 9, 1), date(2026, 1, 1), date(2026, 2, 1)], object: "x", middel: "", q: 0, maatregel: Some(Soort::RodeKaart), duur: 4, reden: "vierde gele kaart binnen 12 maanden → rode kaart: sluiting 4 weken" },
            Case { ladder: Ladder::Damocles, eerder: vec![], object: "woning", middel: "harddrugs", q: 3, maatregel: Some(Soort::Sluiting13b), duur: 3, reden: "eerste overtreding binnen 24 maanden → sluiting woning 3 maanden volgens Damoclesbeleid 2022" },
            Case { ladder: Ladder::Damocles, eerder: vec![], object: "woning", middel: "softdrugs", q: 30, maatregel: None, duur: 0, reden: "schriftelijke waarschuwing" },
            Case { ladder: Ladder::Damocles, eerder: vec![date(2025, 1, 1)], object: "woning", middel: "softdrugs", q: 30, maatregel: Some(Soort::Sluiting13b), duur: 3, reden: "tweede overtreding" },
            Case { ladder: Ladder::Damocles, eerder: vec![], object: "lokaal", middel: "hennep", q: 10, maatregel: Some(Soort::Sluiting13b), duur: 6, reden: "sluiting lokaal 6 maanden" },
            Case { ladder: Ladder::Alcohol19a, eerder: vec![date(2026, 1, 1)], object: "", middel: "", q: 0, maatregel: None, duur: 0, reden: "tweede overtreding" },
            Case { ladder: Ladder::Alcohol19a, eerder: vec![date(2025, 8, 1), date(2026, 1, 1)], object: "", middel: "", q: 0, maatregel: Some(Soort::Verkoopverbod19a), duur: 2, reden: "derde overtreding binnen 12 maanden → verkoopverbod alcohol 2 weken" },
            Case { ladder: Ladder::Alcohol19a, eerder: vec![date(2025, 5, 1), date(2026, 1, 1)], object: "", middel: "", q: 0, maatregel: None, duur: 0, reden: "tweede overtreding" },
        ];
        for (i, c) in cases.iter().enumerate() {
            let v = voorstel(
                &of(c.ladder),
                &c.eerder,
                &voorval(d, c.object, c.middel, c.q),
            )
            .unwrap();
            assert_eq!(v.maatregel, c.maatregel, "case {i}: {}", v.reden);
            assert_eq!(v.duur, c.duur, "case {i}");
            assert!(v.reden.contains(c.reden), "case {i}: {}", v.reden);
            assert_eq!(v.versie, 1);
        }
        // Below the quantity threshold no row applies.
        assert!(voorstel(
            &of(Ladder::Damocles),
            &[],
            &voorval(d, "woning", "softdrugs", 2)
        )
        .is_err());
    }

    /// The boundaries of the policy table are exact: more than 0.5 g harddrugs, more than 5 g
    /// softdrugs and more than 5 hennep plants are trade (legal-rules.md 2.3); at the boundary
    /// the quantity is a user's, and no row applies.
    #[test]
    fn quantity_boundaries_follow_the_policy_exactly() {
        let d = date(2026, 6, 1);
        let damocles = of(Ladder::Damocles);
        let v = |middel: &str, q: &str, eenheid: &str| Voorval {
            datum: d,
            object: "woning".into(),
            middel: middel.into(),
            hoeveelheid: lees_hoeveelheid(q),
            eenheid: eenheid.into(),
        };
        // (substance, quantity, unit, proposed measure or the refusal's field)
        type Geval<'a> = (&'a str, &'a str, &'a str, Result<Option<Soort>, &'a str>);
        let cases: [Geval; 12] = [
            ("harddrugs", "0,5", "", Err("hoeveelheid")),
            ("harddrugs", "0,501", "", Ok(Some(Soort::Sluiting13b))),
            ("harddrugs", "0.6", "gram", Ok(Some(Soort::Sluiting13b))),
            ("softdrugs", "5", "", Err("hoeveelheid")),
            ("softdrugs", "5,0", "gram", Err("hoeveelheid")),
            ("softdrugs", "5,001", "", Ok(None)),
            ("softdrugs", "30", "", Ok(None)),
            ("hennep", "5", "", Err("hoeveelheid")),
            ("hennep", "5", "planten", Err("hoeveelheid")),
            ("hennep", "6", "", Ok(None)),
            ("hennep", "6", "gram", Err("hoeveelheid_eenheid")),
            ("softdrugs", "", "", Err("hoeveelheid")),
        ];
        for (middel, q, eenheid, want) in cases {
            let got = voorstel(&damocles, &[], &v(middel, q, eenheid));
            match (want, got) {
                (Ok(m), Ok(p)) => assert_eq!(p.maatregel, m, "{middel} {q}: {}", p.reden),
                (Err(veld), Err((f, e))) => assert_eq!(f, veld, "{middel} {q}: {e}"),
                (w, g) => panic!("{middel} {q} {eenheid}: want {w:?}, got {g:?}"),
            }
        }
        let e = voorstel(&damocles, &[], &v("softdrugs", "5", ""))
            .unwrap_err()
            .1;
        assert_eq!(e, "5 gram softdrugs is niet meer dan 5 gram: volgens Damoclesbeleid 2022 geen handelshoeveelheid, en de ladder stelt geen stap voor.");
        let p = voorstel(&damocles, &[], &v("harddrugs", "0,6", "")).unwrap();
        assert!(
            p.reden.ends_with("(0,6 gram harddrugs: meer dan 0,5 gram)"),
            "{}",
            p.reden
        );
        // The first softdrugs offence proposes no measure: a warning, not a besluit.
        let w = voorstel(&damocles, &[], &v("softdrugs", "30", "")).unwrap();
        assert!(w.waarschuwing && w.maatregel.is_none());
        // Decimals are read exactly and written back in Dutch.
        assert_eq!(lees_hoeveelheid("0,6"), Some(600));
        assert_eq!(lees_hoeveelheid(".5"), Some(500));
        assert_eq!(lees_hoeveelheid("12"), Some(12_000));
        assert_eq!(lees_hoeveelheid("0,0005"), None);
        assert_eq!(lees_hoeveelheid("-1"), None);
        assert_eq!(lees_hoeveelheid("1.000,5"), None);
        assert_eq!(hoeveelheid_tekst(600), "0,6");
        assert_eq!(hoeveelheid_tekst(5_000), "5");
        assert_eq!(hoeveelheid_tekst(12_250), "12,25");
    }

    /// Steps that propose no measure are recorded as the offence or warning itself and count;
    /// a yellow card the policy defines as a warning has no bezwaar and no bezwaar term.
    #[test]
    fn offences_without_a_measure_count_and_warnings_are_no_besluit() {
        let d = date(2026, 6, 1);
        let alcohol = of(Ladder::Alcohol19a);
        let eerste = voorstel(&alcohol, &[], &voorval(d, "", "", 0)).unwrap();
        assert_eq!(eerste.maatregel, None);
        // Recording it as an offence follows the proposal; another measure needs a reason.
        assert_eq!(
            toets_keuze(&eerste, Soort::Overtreding, None, ""),
            Ok(false)
        );
        assert!(toets_keuze(&eerste, Soort::Verkoopverbod19a, None, "").is_err());
        let derde = voorstel(
            &alcohol,
            &[date(2025, 9, 1), date(2026, 2, 1)],
            &voorval(d, "", "", 0),
        )
        .unwrap();
        assert_eq!(derde.maatregel, Some(Soort::Verkoopverbod19a));
        assert_eq!((derde.duur, derde.eenheid), (2, Eenheid::Weken));
        // A registered offence: no voornemen, no bezwaar; its timeline has no deadlines.
        let o = Soort::Overtreding;
        let begin = keten(o, &[aanleiding(d)]);
        for s in [Voornemen, Zienswijze, Bezwaar, Beroep, UitvoeringStart] {
            assert!(toets(o, &begin, &stap(s, d), &kal()).is_err(), "{s:?}");
        }
        let e = toets(o, &begin, &stap(Bezwaar, d), &kal()).unwrap_err();
        assert!(e.contains("geen besluit"), "{e}");
        // The yellow card as a warning: given and sent without an assessment, no bezwaar term.
        let geel = Zaak {
            soort: Soort::GeleKaart,
            waarschuwing: true,
        };
        let done = keten(
            geel,
            &[aanleiding(d), stap(Besluit, d), stap(Bekendmaking, d)],
        );
        assert!(toets(geel, &done, &stap(Bezwaar, d), &kal()).is_err());
        let t = tijdlijn(geel, &done, &kal());
        assert!(t.iter().all(|m| !m.termijn), "{t:?}");
        assert!(t.iter().any(|m| m.wat == "Waarschuwing gegeven"));
        // The same card as a besluit has its bezwaar term.
        let besluit = keten(
            Soort::GeleKaart,
            &[
                aanleiding(d),
                afweging(d),
                stap(Besluit, d),
                stap(Bekendmaking, d),
            ],
        );
        assert!(tijdlijn(Soort::GeleKaart, &besluit, &kal())
            .iter()
            .any(|m| m.regel == Some("bezwaar")));
        let horeca = of(Ladder::Horeca);
        assert!(
            voorstel(&horeca, &[], &voorval(d, "geluid", "", 0))
                .unwrap()
                .waarschuwing
        );
        assert!(
            !voorstel(&horeca, &[date(2026, 1, 1)], &voorval(d, "geluid", "", 0))
                .unwrap()
                .waarschuwing
        );
    }

    #[test]
    fn deviating_from_the_proposal_needs_a_reason() {
        let v = voorstel(
            &of(Ladder::Horeca),
            &[date(2026, 1, 1)],
            &voorval(date(2026, 6, 1), "*", "", 0),
        )
        .unwrap();
        assert_eq!(toets_keuze(&v, Soort::RodeKaart, None, ""), Ok(false));
        assert_eq!(
            toets_keuze(&v, Soort::RodeKaart, Some((1, Eenheid::Weken)), ""),
            Ok(false)
        );
        assert!(toets_keuze(&v, Soort::GeleKaart, None, " ")
            .unwrap_err()
            .contains("reden van afwijking"));
        assert!(toets_keuze(&v, Soort::RodeKaart, Some((2, Eenheid::Weken)), "").is_err());
        assert_eq!(
            toets_keuze(&v, Soort::GeleKaart, None, "eerste kaart was onterecht"),
            Ok(true)
        );
    }

    #[test]
    fn edited_rows_are_checked() {
        let mut r = of(Ladder::Alcohol19a).pop().unwrap();
        assert!(valideer_regel(&r).is_empty());
        r.duur = 13;
        assert_eq!(valideer_regel(&r)[0].0, "duur");
        r.duur = 2;
        r.eenheid = Eenheid::Maanden;
        assert_eq!(valideer_regel(&r)[0].0, "duur");
        r.eenheid = Eenheid::Weken;
        r.beleid = " ".into();
        assert_eq!(valideer_regel(&r)[0].0, "beleid");
        // The statutory minimum of art. 19a cannot be configured away.
        let mut r = of(Ladder::Alcohol19a).pop().unwrap();
        r.feit = 2;
        assert_eq!(valideer_regel(&r)[0].0, "feit");
        r.feit = 3;
        r.venster_maanden = 24;
        assert_eq!(valideer_regel(&r)[0].0, "venster_maanden");
        r.venster_maanden = 12;
        assert!(valideer_regel(&r).is_empty());
    }

    /// A measure is judged under the version in force on the day of the offence: a version
    /// that takes effect later does not judge an earlier offence, the newest version in force
    /// does, and on the effective date itself the new version applies.
    #[test]
    fn the_version_in_force_on_the_offence_date_judges() {
        let v1 = of(Ladder::Horeca);
        let versie = |n: i64, ingang: Option<Date>, duur: u32| {
            v1.iter().cloned().map(move |mut r| {
                r.versie = n;
                r.ingang = ingang;
                if r.feit == 2 {
                    r.duur = duur;
                }
                r
            })
        };
        let mut alle: Vec<LadderRegel> = versie(1, None, 1).collect();
        alle.extend(versie(2, Some(date(2026, 3, 1)), 2));
        alle.extend(versie(3, Some(date(2026, 9, 1)), 3));
        // Stored order must not matter.
        alle.reverse();
        let cases = [
            (date(2020, 1, 1), 1, 1),
            (date(2026, 2, 28), 1, 1),
            (date(2026, 3, 1), 2, 2),
            (date(2026, 8, 31), 2, 2),
            (date(2026, 9, 1), 3, 3),
            (date(2030, 1, 1), 3, 3),
        ];
        for (dag, verwacht, duur) in cases {
            let regels = versie_op(&alle, dag);
            assert_eq!(regels.len(), v1.len(), "{dag}");
            assert!(regels.iter().all(|r| r.versie == verwacht), "{dag}");
            assert!(regels.windows(2).all(|w| w[0].positie <= w[1].positie));
            let v = voorstel(
                &regels,
                &[dag.saturating_sub(jiff::Span::new().days(30))],
                &voorval(dag, "geluid", "", 0),
            )
            .unwrap();
            assert_eq!((v.versie, v.duur), (verwacht, duur), "{dag}");
        }
        // Only dated versions, none yet in force: nothing judges.
        let later: Vec<LadderRegel> = versie(2, Some(date(2026, 3, 1)), 2).collect();
        assert!(versie_op(&later, date(2026, 2, 1)).is_empty());
        // A new version cannot take effect before the one it replaces.
        assert!(toets_ingang(None, date(2000, 1, 1)).is_ok());
        assert!(toets_ingang(Some(date(2026, 3, 1)), date(2026, 3, 1)).is_ok());
        let e = toets_ingang(Some(date(2026, 3, 1)), date(2026, 2, 28)).unwrap_err();
        assert!(e.contains("1 maart 2026"), "{e}");
    }
}
