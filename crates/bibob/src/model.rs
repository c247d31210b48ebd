//! Pure rules of a Bibob screening: the kinds of application, the policy modes, the advice
//! levels and decisions, the sources of the own investigation, the suspension of the decision
//! deadline while the Landelijk Bureau Bibob (LBB) advises, and the timeline. No I/O.

use jiff::civil::Date;
use termijnen::{add_days, bereken, datum_nl, Opties, Regel};

/// Years a screening is kept after its decision (Selectielijst gemeenten 2020, resultaat 4.1.12
/// "Bibob-onderzoek": vernietigen 5 jaar; legal-rules.md 1.25).
pub const BEWAARJAREN: i16 = 5;

/// The mark every page with Bibob information carries (art. 28 Wet Bibob, legal-rules.md 1.22).
pub const VERTROUWELIJK: &str = "Vertrouwelijk (art. 28 Wet Bibob)";

/// What is screened: an application (beschikking), a subsidy, a real-estate transaction or a
/// public contract (legal-rules.md 1.1-1.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Soort {
    Alcoholvergunning,
    Exploitatievergunning,
    Omgevingsvergunning,
    OpiumwetOntheffing,
    Subsidie,
    Vastgoedtransactie,
    Overheidsopdracht,
}

impl Soort {
    pub const ALL: [Soort; 7] = [
        Soort::Alcoholvergunning,
        Soort::Exploitatievergunning,
        Soort::Omgevingsvergunning,
        Soort::OpiumwetOntheffing,
        Soort::Subsidie,
        Soort::Vastgoedtransactie,
        Soort::Overheidsopdracht,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Soort::Alcoholvergunning => "alcoholvergunning",
            Soort::Exploitatievergunning => "exploitatievergunning",
            Soort::Omgevingsvergunning => "omgevingsvergunning",
            Soort::OpiumwetOntheffing => "opiumwet-ontheffing",
            Soort::Subsidie => "subsidie",
            Soort::Vastgoedtransactie => "vastgoedtransactie",
            Soort::Overheidsopdracht => "overheidsopdracht",
        }
    }

    pub fn from_slug(s: &str) -> Option<Soort> {
        Soort::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// The Fluent key of its name.
    pub fn key(self) -> String {
        format!("bibob-soort-{}", self.slug())
    }

    /// The default of a municipal Bibob policy (places-prevention-crisis.md 1b): horeca permits
    /// and Opiumwet exemptions always, the rest on a signal.
    pub fn standaard_toets(self) -> Toets {
        match self {
            Soort::Alcoholvergunning | Soort::Exploitatievergunning | Soort::OpiumwetOntheffing => {
                Toets::Altijd
            }
            _ => Toets::BijSignaal,
        }
    }
}

/// When the policy screens a kind of application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toets {
    Altijd,
    BijSignaal,
}

impl Toets {
    pub const ALL: [Toets; 2] = [Toets::Altijd, Toets::BijSignaal];
    pub fn slug(self) -> &'static str {
        match self {
            Toets::Altijd => "altijd",
            Toets::BijSignaal => "bij-signaal",
        }
    }
    pub fn from_slug(s: &str) -> Option<Toets> {
        Toets::ALL.into_iter().find(|k| k.slug() == s)
    }
    pub fn key(self) -> String {
        format!("bibob-toets-{}", self.slug())
    }
}

/// Where a signal came from (places-prevention-crisis.md 1a, stage 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignaalBron {
    Politie,
    Riec,
    Om,
    Bestuursorgaan,
    Lbb,
    Eigen,
}

impl SignaalBron {
    pub const ALL: [SignaalBron; 6] = [
        SignaalBron::Politie,
        SignaalBron::Riec,
        SignaalBron::Om,
        SignaalBron::Bestuursorgaan,
        SignaalBron::Lbb,
        SignaalBron::Eigen,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            SignaalBron::Politie => "politie",
            SignaalBron::Riec => "riec",
            SignaalBron::Om => "om",
            SignaalBron::Bestuursorgaan => "bestuursorgaan",
            SignaalBron::Lbb => "lbb",
            SignaalBron::Eigen => "eigen",
        }
    }
    pub fn from_slug(s: &str) -> Option<SignaalBron> {
        SignaalBron::ALL.into_iter().find(|k| k.slug() == s)
    }
    pub fn key(self) -> String {
        format!("bibob-signaal-{}", self.slug())
    }
}

/// A source of the own investigation (legal-rules.md 1.14, places-prevention-crisis.md 1a).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bron {
    OpenBronnen,
    JustitieleDocumentatie,
    PolitieInfodesk,
    Riec,
    BibobRegister,
}

impl Bron {
    pub const ALL: [Bron; 5] = [
        Bron::OpenBronnen,
        Bron::JustitieleDocumentatie,
        Bron::PolitieInfodesk,
        Bron::Riec,
        Bron::BibobRegister,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Bron::OpenBronnen => "open-bronnen",
            Bron::JustitieleDocumentatie => "justitiele-documentatie",
            Bron::PolitieInfodesk => "politie-infodesk",
            Bron::Riec => "riec",
            Bron::BibobRegister => "bibob-register",
        }
    }
    pub fn from_slug(s: &str) -> Option<Bron> {
        Bron::ALL.into_iter().find(|k| k.slug() == s)
    }
    pub fn key(self) -> String {
        format!("bibob-bron-{}", self.slug())
    }
}

/// The level of the LBB advice (legal-rules.md 1.6, 1.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Niveau {
    /// Ernstig gevaar, a-grond (benefiting from criminal proceeds).
    ErnstigA,
    /// Ernstig gevaar, b-grond (committing criminal offences).
    ErnstigB,
    /// Ernstig gevaar on both grounds.
    ErnstigAb,
    MindereMate,
    Geen,
}

impl Niveau {
    pub const ALL: [Niveau; 5] = [
        Niveau::ErnstigA,
        Niveau::ErnstigB,
        Niveau::ErnstigAb,
        Niveau::MindereMate,
        Niveau::Geen,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Niveau::ErnstigA => "ernstig-a",
            Niveau::ErnstigB => "ernstig-b",
            Niveau::ErnstigAb => "ernstig-ab",
            Niveau::MindereMate => "mindere-mate",
            Niveau::Geen => "geen",
        }
    }
    pub fn from_slug(s: &str) -> Option<Niveau> {
        Niveau::ALL.into_iter().find(|k| k.slug() == s)
    }
    pub fn key(self) -> String {
        format!("bibob-niveau-{}", self.slug())
    }
}

/// The decision on the application (legal-rules.md 1.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Besluit {
    Weigeren,
    Intrekken,
    VerlenenOnderVoorwaarden,
    Verlenen,
}

impl Besluit {
    pub const ALL: [Besluit; 4] = [
        Besluit::Weigeren,
        Besluit::Intrekken,
        Besluit::VerlenenOnderVoorwaarden,
        Besluit::Verlenen,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Besluit::Weigeren => "weigeren",
            Besluit::Intrekken => "intrekken",
            Besluit::VerlenenOnderVoorwaarden => "verlenen-onder-voorwaarden",
            Besluit::Verlenen => "verlenen",
        }
    }
    pub fn from_slug(s: &str) -> Option<Besluit> {
        Besluit::ALL.into_iter().find(|k| k.slug() == s)
    }
    pub fn key(self) -> String {
        format!("bibob-besluit-{}", self.slug())
    }
    /// A refusal, withdrawal or conditions on Bibob grounds needs an intention with the chance of
    /// a zienswijze first (legal-rules.md 1.21).
    pub fn negatief(self) -> bool {
        !matches!(self, Besluit::Verlenen)
    }
}

/// A KvK number: exactly 8 digits.
pub fn kvk_geldig(kvk: &str) -> bool {
    kvk.len() == 8 && kvk.bytes().all(|b| b.is_ascii_digit())
}

/// An extra question of the LBB: asked on a day, answered on a day (or not yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vraag {
    pub gesteld: Date,
    pub beantwoord: Option<Date>,
}

/// The suspension of the decision deadline during the LBB advice (legal-rules.md 1.16-1.18).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opschorting {
    /// The day the advice was requested: the suspension starts.
    pub vanaf: Date,
    /// The last day of the LBB advice term (8 weeks, or 12 when extended), with the Algemene
    /// termijnenwet, before extra questions.
    pub adviestermijn: Date,
    /// The advice term moved by the days the applicant took to answer extra questions; the
    /// suspension ends at the latest here (open while a question is unanswered).
    pub uiterlijk: Option<Date>,
    /// The day the suspension ended (the advice, or the end of the term), if it has.
    pub einde: Option<Date>,
    /// Days suspended so far (until the end, or until today while it runs).
    pub dagen: i64,
    /// Days added by extra questions.
    pub vraagdagen: i64,
    /// The decision deadline moved by the suspension (provisional while it runs).
    pub beslistermijn: Option<Date>,
    /// The explanation, sentence by sentence (Dutch, from `termijnen` and this rule).
    pub uitleg: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpschortingFout {
    #[error(transparent)]
    Termijn(#[from] termijnen::TermijnError),
    #[error("a question answered before it was asked")]
    AntwoordVoorVraag,
}

fn dagen_tussen(van: Date, tot: Date) -> i64 {
    i64::from((tot - van).get_days())
}

/// Computes the suspension of the decision deadline: from the day of the advice request until
/// the advice, at most until the end of the LBB's term of 8 weeks (12 when the LBB extended it
/// by at most 4 weeks, art. 15 Wet Bibob), computed by `termijnen` with the Algemene
/// termijnenwet; each extra question of the LBB moves that end by the days until the applicant
/// answered (an unanswered question keeps the suspension open). The suspension never runs
/// beyond that end, even if the advice comes later. `beslistermijn` is the decision deadline
/// before the suspension; `vandaag` counts a running suspension.
pub fn opschorting(
    gevraagd: Date,
    verlengd: bool,
    vragen: &[Vraag],
    advies: Option<Date>,
    beslistermijn: Option<Date>,
    vandaag: Date,
) -> Result<Opschorting, OpschortingFout> {
    let regel = if verlengd {
        Regel::BibobAdviesVerlengd
    } else {
        Regel::BibobAdvies
    };
    let termijn = bereken(regel, gevraagd, &Opties::default())?;
    let mut uitleg = vec![termijn.uitleg.clone()];
    let mut vraagdagen = 0i64;
    let mut open = false;
    for v in vragen {
        match v.beantwoord {
            Some(b) if b < v.gesteld => return Err(OpschortingFout::AntwoordVoorVraag),
            Some(b) => {
                let d = dagen_tussen(v.gesteld, b);
                vraagdagen += d;
                uitleg.push(format!(
                    "Aanvullende vraag van het Landelijk Bureau Bibob gesteld op {}, beantwoord op {}: de \
                     adviestermijn en daarmee de beslistermijn zijn {d} dagen langer opgeschort.",
                    datum_nl(v.gesteld),
                    datum_nl(b)
                ));
            }
            None => {
                open = true;
                uitleg.push(format!(
                    "Aanvullende vraag van het Landelijk Bureau Bibob gesteld op {} en nog niet beantwoord: \
                     de opschorting loopt door tot de dag waarop de betrokkene de gegevens verstrekt.",
                    datum_nl(v.gesteld)
                ));
            }
        }
    }
    let uiterlijk = if open {
        None
    } else {
        Some(add_days(termijn.datum, vraagdagen)?)
    };
    let einde = match (advies, uiterlijk) {
        (Some(a), Some(u)) => Some(a.min(u)),
        (Some(a), None) => Some(a),
        (None, Some(u)) if vandaag > u => Some(u),
        _ => None,
    };
    if let (Some(a), Some(u)) = (advies, uiterlijk) {
        if a > u {
            uitleg.push(format!(
                "Het advies kwam op {}, na het einde van de adviestermijn ({}): de opschorting eindigde op {} \
                 (ten hoogste 8 plus 4 weken, verlengd met de dagen van aanvullende vragen).",
                datum_nl(a),
                datum_nl(u),
                datum_nl(u)
            ));
        } else {
            uitleg.push(format!(
                "Het advies is ontvangen op {}: de opschorting eindigde die dag.",
                datum_nl(a)
            ));
        }
    } else if let Some(a) = advies {
        uitleg.push(format!(
            "Het advies is ontvangen op {}: de opschorting eindigde die dag.",
            datum_nl(a)
        ));
    } else if let (None, Some(u)) = (einde, uiterlijk) {
        uitleg.push(format!(
            "Zolang het advies er niet is, loopt de opschorting tot uiterlijk {}.",
            datum_nl(u)
        ));
    } else if let Some(u) = einde {
        uitleg.push(format!(
            "Het advies kwam niet binnen de adviestermijn: de opschorting eindigde op {}.",
            datum_nl(u)
        ));
    }
    let tot = einde.unwrap_or(vandaag.max(gevraagd));
    let dagen = dagen_tussen(gevraagd, tot).max(0);
    let nieuw = match beslistermijn {
        Some(b) => {
            // While it runs, the deadline moves at least by the days the suspension can still
            // last; shown as provisional.
            let tot_voorlopig = match (einde, uiterlijk) {
                (Some(e), _) => e,
                (None, Some(u)) => u,
                (None, None) => tot,
            };
            let d = dagen_tussen(gevraagd, tot_voorlopig).max(0);
            let n = add_days(b, d)?;
            uitleg.push(format!(
                "De beslistermijn ({}) schuift {d} dagen op naar {}{}.",
                datum_nl(b),
                datum_nl(n),
                if einde.is_some() {
                    ""
                } else {
                    " (voorlopig: de opschorting loopt nog)"
                }
            ));
            Some(n)
        }
        None => None,
    };
    Ok(Opschorting {
        vanaf: gevraagd,
        adviestermijn: termijn.datum,
        uiterlijk,
        einde,
        dagen,
        vraagdagen,
        beslistermijn: nieuw,
        uitleg,
    })
}

/// One line of the timeline of a screening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    pub datum: Date,
    /// Fluent key of what happened or is due.
    pub wat: &'static str,
    /// A deadline still to come (not an event).
    pub termijn: bool,
    pub toelichting: String,
}

/// The dates of a screening the timeline is built from.
#[derive(Clone, Debug, Default)]
pub struct Data {
    pub aanvraag: Option<Date>,
    pub beslistermijn: Option<Date>,
    pub vragen_verzonden: Option<Date>,
    pub vragen_ontvangen: Option<Date>,
    pub bronnen: Vec<Date>,
    pub lbb_gevraagd: Option<Date>,
    pub geinformeerd: Option<Date>,
    pub advies: Option<Date>,
    pub voornemen: Option<Date>,
    pub zienswijze: Option<Date>,
    pub besluit: Option<Date>,
}

/// The timeline: what happened, in order, with the deadlines the suspension moved.
pub fn tijdlijn(d: &Data, opschorting: Option<&Opschorting>) -> Vec<Moment> {
    let mut out = Vec::new();
    let mut add = |datum: Option<Date>, wat: &'static str, termijn: bool, t: String| {
        if let Some(datum) = datum {
            out.push(Moment {
                datum,
                wat,
                termijn,
                toelichting: t,
            });
        }
    };
    add(d.aanvraag, "bibob-tl-aanvraag", false, String::new());
    add(
        d.vragen_verzonden,
        "bibob-tl-vragen-verzonden",
        false,
        String::new(),
    );
    add(
        d.vragen_ontvangen,
        "bibob-tl-vragen-ontvangen",
        false,
        String::new(),
    );
    for b in &d.bronnen {
        add(Some(*b), "bibob-tl-bron", false, String::new());
    }
    add(
        d.geinformeerd,
        "bibob-tl-geinformeerd",
        false,
        String::new(),
    );
    add(d.advies, "bibob-tl-advies", false, String::new());
    add(d.voornemen, "bibob-tl-voornemen", false, String::new());
    add(d.zienswijze, "bibob-tl-zienswijze", false, String::new());
    add(d.besluit, "bibob-tl-besluit", false, String::new());
    if let Some(o) = opschorting {
        add(
            d.lbb_gevraagd,
            "bibob-tl-lbb-gevraagd",
            false,
            o.uitleg.first().cloned().unwrap_or_default(),
        );
        if d.advies.is_none() {
            add(
                Some(o.adviestermijn),
                "bibob-tl-adviestermijn",
                true,
                String::new(),
            );
        }
        add(
            o.einde,
            "bibob-tl-opschorting-einde",
            false,
            o.uitleg.get(1..).map(|r| r.join(" ")).unwrap_or_default(),
        );
        if d.besluit.is_none() {
            add(
                o.beslistermijn,
                "bibob-tl-beslistermijn-nieuw",
                true,
                o.uitleg.last().cloned().unwrap_or_default(),
            );
        }
    } else if d.besluit.is_none() {
        add(
            d.beslistermijn,
            "bibob-tl-beslistermijn",
            true,
            String::new(),
        );
    }
    out.sort_by_key(|m| (m.datum, m.termijn));
    out
}

/// The stage a screening is in, from what has been recorded.
pub fn fase(d: &Data) -> &'static str {
    if d.besluit.is_some() {
        "bibob-fase-besloten"
    } else if d.voornemen.is_some() {
        "bibob-fase-voornemen"
    } else if d.advies.is_some() {
        "bibob-fase-advies"
    } else if d.lbb_gevraagd.is_some() {
        "bibob-fase-lbb"
    } else if d.vragen_verzonden.is_some() || !d.bronnen.is_empty() {
        "bibob-fase-onderzoek"
    } else {
        "bibob-fase-nieuw"
    }
}

/// The day before which a decided screening must be destroyed: 5 years after the decision.
pub fn vernietigen_na(besluit: Date) -> Option<Date> {
    besluit
        .checked_add(jiff::Span::new().years(BEWAARJAREN))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn suspension_is_eight_weeks_without_advice() {
        // Requested Monday 2 March 2026; 8 weeks later is Monday 27 April (Koningsdag 2026 is
        // Monday 27 April: the Atw moves the end to Tuesday 28 April).
        let o = opschorting(
            date(2026, 3, 2),
            false,
            &[],
            None,
            Some(date(2026, 4, 1)),
            date(2026, 6, 1),
        )
        .unwrap();
        assert_eq!(o.adviestermijn, date(2026, 4, 28));
        assert_eq!(o.einde, Some(date(2026, 4, 28)));
        assert_eq!(o.dagen, 57);
        assert_eq!(o.beslistermijn, Some(date(2026, 5, 28)));
        assert!(o.uitleg[0].contains("Adviestermijn Landelijk Bureau Bibob"));
    }

    #[test]
    fn advice_ends_the_suspension_early() {
        let o = opschorting(
            date(2026, 9, 1),
            false,
            &[],
            Some(date(2026, 9, 29)),
            Some(date(2026, 10, 27)),
            date(2026, 12, 1),
        )
        .unwrap();
        assert_eq!(o.einde, Some(date(2026, 9, 29)));
        assert_eq!(o.dagen, 28);
        assert_eq!(o.beslistermijn, Some(date(2026, 11, 24)));
    }

    #[test]
    fn extension_by_four_weeks_makes_twelve() {
        // Tuesday 1 September 2026 + 12 weeks = Tuesday 24 November 2026.
        let o = opschorting(
            date(2026, 9, 1),
            true,
            &[],
            None,
            Some(date(2026, 10, 27)),
            date(2026, 10, 1),
        )
        .unwrap();
        assert_eq!(o.adviestermijn, date(2026, 11, 24));
        assert_eq!(o.uiterlijk, Some(date(2026, 11, 24)));
        assert_eq!(o.einde, None, "still running on 1 October");
        assert_eq!(o.dagen, 30);
        // Provisional: moved by the whole possible suspension (84 days).
        assert_eq!(o.beslistermijn, Some(date(2027, 1, 19)));
    }

    #[test]
    fn no_suspension_beyond_twelve_weeks() {
        // The advice comes after 14 weeks: the suspension still ends after 12.
        let o = opschorting(
            date(2026, 9, 1),
            true,
            &[],
            Some(date(2026, 12, 8)),
            Some(date(2026, 10, 27)),
            date(2026, 12, 8),
        )
        .unwrap();
        assert_eq!(o.einde, Some(date(2026, 11, 24)));
        assert_eq!(o.dagen, 84);
        assert_eq!(o.beslistermijn, Some(date(2027, 1, 19)));
        assert!(o
            .uitleg
            .iter()
            .any(|u| u.contains("na het einde van de adviestermijn")));
    }

    #[test]
    fn extra_questions_suspend_further_and_an_open_one_keeps_it_open() {
        let q = Vraag {
            gesteld: date(2026, 9, 15),
            beantwoord: Some(date(2026, 9, 25)),
        };
        let o = opschorting(date(2026, 9, 1), false, &[q], None, None, date(2026, 10, 1)).unwrap();
        // 8 weeks = 27 October 2026, plus 10 days = 6 November.
        assert_eq!(o.adviestermijn, date(2026, 10, 27));
        assert_eq!(o.vraagdagen, 10);
        assert_eq!(o.uiterlijk, Some(date(2026, 11, 6)));
        // The same with the advice after 11 weeks: accepted, the term was moved.
        let o = opschorting(
            date(2026, 9, 1),
            false,
            &[q],
            Some(date(2026, 11, 5)),
            None,
            date(2026, 11, 5),
        )
        .unwrap();
        assert_eq!(o.einde, Some(date(2026, 11, 5)));

        let open = Vraag {
            gesteld: date(2026, 9, 15),
            beantwoord: None,
        };
        let o = opschorting(
            date(2026, 9, 1),
            false,
            &[open],
            None,
            None,
            date(2027, 1, 1),
        )
        .unwrap();
        assert_eq!(o.uiterlijk, None);
        assert_eq!(o.einde, None, "an unanswered question keeps it open");
        assert_eq!(o.dagen, 122);

        let wrong = Vraag {
            gesteld: date(2026, 9, 15),
            beantwoord: Some(date(2026, 9, 1)),
        };
        assert_eq!(
            opschorting(
                date(2026, 9, 1),
                false,
                &[wrong],
                None,
                None,
                date(2026, 9, 2)
            ),
            Err(OpschortingFout::AntwoordVoorVraag)
        );
    }

    #[test]
    fn timeline_is_in_order_and_shows_the_moved_deadline() {
        let d = Data {
            aanvraag: Some(date(2026, 8, 1)),
            beslistermijn: Some(date(2026, 9, 26)),
            vragen_verzonden: Some(date(2026, 8, 3)),
            vragen_ontvangen: Some(date(2026, 8, 17)),
            bronnen: vec![date(2026, 8, 20)],
            lbb_gevraagd: Some(date(2026, 9, 1)),
            geinformeerd: Some(date(2026, 9, 1)),
            ..Data::default()
        };
        let o = opschorting(
            date(2026, 9, 1),
            false,
            &[],
            None,
            d.beslistermijn,
            date(2026, 9, 10),
        )
        .unwrap();
        let tl = tijdlijn(&d, Some(&o));
        assert!(tl.windows(2).all(|w| w[0].datum <= w[1].datum));
        let last = tl.last().unwrap();
        assert_eq!(last.wat, "bibob-tl-beslistermijn-nieuw");
        assert_eq!(last.datum, date(2026, 11, 21));
        assert_eq!(fase(&d), "bibob-fase-lbb");
    }

    #[test]
    fn kvk_has_eight_digits_and_retention_is_five_years() {
        assert!(kvk_geldig("12345678"));
        assert!(!kvk_geldig("1234567"));
        assert!(!kvk_geldig("1234567a"));
        assert_eq!(vernietigen_na(date(2026, 2, 1)), Some(date(2031, 2, 1)));
        for s in Soort::ALL {
            assert_eq!(Soort::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Soort::Alcoholvergunning.standaard_toets(), Toets::Altijd);
        assert_eq!(Soort::Subsidie.standaard_toets(), Toets::BijSignaal);
        assert!(Besluit::Weigeren.negatief() && !Besluit::Verlenen.negatief());
    }
}
