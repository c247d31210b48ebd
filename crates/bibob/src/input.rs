//! What a form or an API call may record on a screening, checked field by field (errors name the
//! field and carry the message in the person's language). Pages and API share these checks.

use std::collections::HashMap;

use jiff::civil::Date;
use platform::identity::FieldError;

use crate::model::{kvk_geldig, Besluit, Bron, Niveau, SignaalBron, Soort, Toets};
use crate::store::Detail;

/// A new screening.
#[derive(Clone, Debug)]
pub struct Nieuw {
    pub soort: Soort,
    pub aanvraag: String,
    pub aanvraag_op: Date,
    pub beslistermijn: Option<Date>,
    pub signaal_bron: Option<SignaalBron>,
    pub signaal: Option<String>,
    pub bedrijf: String,
    pub kvk: String,
    pub plaats_id: Option<String>,
}

/// One step recorded on a screening.
#[derive(Clone, Debug)]
pub enum Wijziging {
    Vragenformulier {
        verzonden: Date,
        ontvangen: Option<Date>,
        zeggenschap: Option<String>,
        financiering: Option<String>,
        leidinggevenden: Option<String>,
        antecedenten: Option<String>,
    },
    Bron {
        bron: Bron,
        op: Date,
        bevindingen: String,
    },
    Lbb {
        gevraagd: Date,
        geinformeerd: Date,
        verlengd: bool,
    },
    Vraag {
        gesteld: Date,
        onderwerp: String,
    },
    Antwoord {
        vraag: String,
        op: Date,
    },
    Advies {
        op: Date,
        niveau: Niveau,
        samenvatting: Option<String>,
    },
    Voornemen {
        op: Date,
        tekst: String,
        zienswijze_op: Option<Date>,
        zienswijze: Option<String>,
    },
    Besluit {
        besluit: Besluit,
        op: Date,
        evenredigheid: String,
        voorschriften: Option<String>,
    },
    Beslissers(Vec<String>),
}

/// The steps, each with its own form page (`/bibob/{id}/{slug}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stap {
    Vragenformulier,
    Bron,
    Lbb,
    Vraag,
    Antwoord,
    Advies,
    Voornemen,
    Besluit,
    Beslissers,
}

impl Stap {
    pub const ALL: [Stap; 9] = [
        Stap::Vragenformulier,
        Stap::Bron,
        Stap::Lbb,
        Stap::Vraag,
        Stap::Antwoord,
        Stap::Advies,
        Stap::Voornemen,
        Stap::Besluit,
        Stap::Beslissers,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Stap::Vragenformulier => "vragenformulier",
            Stap::Bron => "bron",
            Stap::Lbb => "lbb",
            Stap::Vraag => "vraag",
            Stap::Antwoord => "antwoord",
            Stap::Advies => "advies",
            Stap::Voornemen => "voornemen",
            Stap::Besluit => "besluit",
            Stap::Beslissers => "beslissers",
        }
    }
    pub fn from_slug(s: &str) -> Option<Stap> {
        Stap::ALL.into_iter().find(|k| k.slug() == s)
    }
    pub fn key(self) -> String {
        format!("bibob-stap-{}", self.slug())
    }
    /// A named decider records the intention, the zienswijze and the decision; the rest of the
    /// file is the coordinator's work.
    pub fn voor_beslisser(self) -> bool {
        matches!(self, Stap::Voornemen | Stap::Besluit)
    }
    /// Whether the step can be taken now (e.g. extra questions only after the advice request).
    pub fn mogelijk(self, d: &Detail) -> bool {
        let r = &d.rij;
        match self {
            Stap::Vraag | Stap::Advies => r.lbb_gevraagd.is_some(),
            Stap::Antwoord => d.vragen.iter().any(|v| v.beantwoord_op.is_none()),
            _ => true,
        }
    }
}

/// Collects the field errors of one form.
pub struct Check<'a> {
    lang: &'a str,
    v: &'a HashMap<String, String>,
    pub errors: Vec<FieldError>,
}

impl<'a> Check<'a> {
    pub fn new(lang: &'a str, v: &'a HashMap<String, String>) -> Self {
        Check {
            lang,
            v,
            errors: Vec::new(),
        }
    }

    pub fn error(&mut self, field: &str, key: &str) {
        if self.errors.iter().all(|e| e.field != field) {
            self.errors.push(FieldError {
                field: field.into(),
                message: crate::t(self.lang, key),
            });
        }
    }

    fn raw(&self, field: &str) -> &str {
        self.v.get(field).map(|s| s.trim()).unwrap_or("")
    }

    pub fn text(&mut self, field: &str) -> Option<String> {
        let s = self.raw(field);
        if s.chars().count() > 10_000 {
            self.error(field, "bibob-fout-te-lang");
            return None;
        }
        (!s.is_empty()).then(|| s.to_string())
    }

    pub fn required(&mut self, field: &str) -> String {
        let s = self.text(field);
        if s.is_none() {
            self.error(field, "bibob-fout-verplicht");
        }
        s.unwrap_or_default()
    }

    pub fn date(&mut self, field: &str) -> Option<Date> {
        let s = self.raw(field);
        if s.is_empty() {
            return None;
        }
        match s.parse::<Date>() {
            Ok(d) if (2000..=2100).contains(&d.year()) => Some(d),
            _ => {
                self.error(field, "bibob-fout-datum");
                None
            }
        }
    }

    pub fn required_date(&mut self, field: &str) -> Option<Date> {
        let d = self.date(field);
        if d.is_none() && self.raw(field).is_empty() {
            self.error(field, "bibob-fout-verplicht");
        }
        d
    }

    /// A date not before `earlier` (when both are known).
    pub fn not_before(&mut self, field: &str, d: Option<Date>, earlier: Option<Date>, key: &str) {
        if let (Some(d), Some(e)) = (d, earlier) {
            if d < e {
                self.error(field, key);
            }
        }
    }

    pub fn choice<T>(&mut self, field: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let s = self.raw(field);
        if s.is_empty() {
            self.error(field, "bibob-fout-verplicht");
            return None;
        }
        let r = parse(s);
        if r.is_none() {
            self.error(field, "bibob-fout-keuze");
        }
        r
    }

    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(if self.errors.is_empty() {
                vec![FieldError {
                    field: String::new(),
                    message: crate::t(self.lang, "bibob-fout-verplicht"),
                }]
            } else {
                self.errors
            }),
        }
    }
}

/// Checks a new screening against the policy: a kind screened on a signal needs its source.
pub fn nieuw(
    lang: &str,
    v: &HashMap<String, String>,
    toets: impl Fn(Soort) -> Toets,
) -> Result<Nieuw, Vec<FieldError>> {
    let mut c = Check::new(lang, v);
    let soort = c.choice("soort", Soort::from_slug);
    let aanvraag = c.required("aanvraag");
    let aanvraag_op = c.required_date("aanvraag_op");
    let beslistermijn = c.date("beslistermijn");
    c.not_before(
        "beslistermijn",
        beslistermijn,
        aanvraag_op,
        "bibob-fout-na-aanvraag",
    );
    let bedrijf = c.required("bedrijf");
    let kvk = c.required("kvk").replace([' ', '.'], "");
    if !kvk.is_empty() && !kvk_geldig(&kvk) {
        c.error("kvk", "bibob-fout-kvk");
    }
    let plaats_id = c.text("plaats_id");
    let signaal_bron = match c.text("signaal_bron") {
        None => None,
        Some(s) => {
            let b = SignaalBron::from_slug(&s);
            if b.is_none() {
                c.error("signaal_bron", "bibob-fout-keuze");
            }
            b
        }
    };
    let signaal = c.text("signaal");
    if let Some(s) = soort {
        if toets(s) == Toets::BijSignaal && signaal_bron.is_none() {
            c.error("signaal_bron", "bibob-fout-signaal-nodig");
        }
    }
    if signaal_bron.is_some() && signaal.is_none() {
        c.error("signaal", "bibob-fout-verplicht");
    }
    let value = match (soort, aanvraag_op) {
        (Some(soort), Some(aanvraag_op)) => Some(Nieuw {
            soort,
            aanvraag,
            aanvraag_op,
            beslistermijn,
            signaal_bron,
            signaal,
            bedrijf,
            kvk,
            plaats_id,
        }),
        _ => None,
    };
    c.finish(value)
}

/// Checks one step against what is already recorded on the screening.
pub fn wijziging(
    lang: &str,
    stap: Stap,
    v: &HashMap<String, String>,
    d: &Detail,
) -> Result<Wijziging, Vec<FieldError>> {
    let r = &d.rij;
    let mut c = Check::new(lang, v);
    let value = match stap {
        Stap::Vragenformulier => {
            let verzonden = c.required_date("vragen_verzonden");
            let ontvangen = c.date("vragen_ontvangen");
            c.not_before(
                "vragen_ontvangen",
                ontvangen,
                verzonden,
                "bibob-fout-na-verzonden",
            );
            let w = |c: &mut Check, f| c.text(f);
            let zeggenschap = w(&mut c, "antwoord_zeggenschap");
            let financiering = w(&mut c, "antwoord_financiering");
            let leidinggevenden = w(&mut c, "antwoord_leidinggevenden");
            let antecedenten = w(&mut c, "antwoord_antecedenten");
            verzonden.map(|verzonden| Wijziging::Vragenformulier {
                verzonden,
                ontvangen,
                zeggenschap,
                financiering,
                leidinggevenden,
                antecedenten,
            })
        }
        Stap::Bron => {
            let bron = c.choice("bron", Bron::from_slug);
            let op = c.required_date("geraadpleegd_op");
            let bevindingen = c.required("bevindingen");
            match (bron, op) {
                (Some(bron), Some(op)) => Some(Wijziging::Bron {
                    bron,
                    op,
                    bevindingen,
                }),
                _ => None,
            }
        }
        Stap::Lbb => {
            let gevraagd = c.required_date("lbb_gevraagd");
            c.not_before(
                "lbb_gevraagd",
                gevraagd,
                r.aanvraag_op,
                "bibob-fout-na-aanvraag",
            );
            let geinformeerd = c.required_date("betrokkene_geinformeerd");
            let verlengd = c.choice("lbb_verlengd", |s| match s {
                "ja" => Some(true),
                "nee" => Some(false),
                _ => None,
            });
            // The extension is the LBB's, once, by at most 4 weeks: only with an advice request.
            match (gevraagd, geinformeerd, verlengd) {
                (Some(gevraagd), Some(geinformeerd), Some(verlengd)) => Some(Wijziging::Lbb {
                    gevraagd,
                    geinformeerd,
                    verlengd,
                }),
                _ => None,
            }
        }
        Stap::Vraag => {
            let gesteld = c.required_date("gesteld_op");
            c.not_before("gesteld_op", gesteld, r.lbb_gevraagd, "bibob-fout-na-lbb");
            let onderwerp = c.required("onderwerp");
            gesteld.map(|gesteld| Wijziging::Vraag { gesteld, onderwerp })
        }
        Stap::Antwoord => {
            let vraag = c.choice("vraag", |s| {
                d.vragen
                    .iter()
                    .find(|q| q.id == s && q.beantwoord_op.is_none())
                    .cloned()
            });
            let op = c.required_date("beantwoord_op");
            c.not_before(
                "beantwoord_op",
                op,
                vraag.as_ref().and_then(|q| q.gesteld_op),
                "bibob-fout-na-vraag",
            );
            match (vraag, op) {
                (Some(q), Some(op)) => Some(Wijziging::Antwoord { vraag: q.id, op }),
                _ => None,
            }
        }
        Stap::Advies => {
            let op = c.required_date("advies_op");
            c.not_before("advies_op", op, r.lbb_gevraagd, "bibob-fout-na-lbb");
            let niveau = c.choice("advies_niveau", Niveau::from_slug);
            let samenvatting = c.text("advies_samenvatting");
            match (op, niveau) {
                (Some(op), Some(niveau)) => Some(Wijziging::Advies {
                    op,
                    niveau,
                    samenvatting,
                }),
                _ => None,
            }
        }
        Stap::Voornemen => {
            let op = c.required_date("voornemen_op");
            let tekst = c.required("voornemen");
            let zienswijze_op = c.date("zienswijze_op");
            c.not_before(
                "zienswijze_op",
                zienswijze_op,
                op,
                "bibob-fout-na-voornemen",
            );
            let zienswijze = c.text("zienswijze");
            op.map(|op| Wijziging::Voornemen {
                op,
                tekst,
                zienswijze_op,
                zienswijze,
            })
        }
        Stap::Besluit => {
            let besluit = c.choice("besluit", Besluit::from_slug);
            let op = c.required_date("besluit_op");
            c.not_before("besluit_op", op, r.aanvraag_op, "bibob-fout-na-aanvraag");
            let evenredigheid = c.required("evenredigheid");
            let voorschriften = c.text("voorschriften");
            if besluit == Some(Besluit::VerlenenOnderVoorwaarden) && voorschriften.is_none() {
                c.error("voorschriften", "bibob-fout-voorschriften");
            }
            // A negative Bibob decision needs the intention and the chance of a zienswijze first
            // (legal-rules.md 1.21).
            if besluit.is_some_and(Besluit::negatief) && r.voornemen_op.is_none() {
                c.error("besluit", "bibob-fout-voornemen-eerst");
            }
            c.not_before("besluit_op", op, r.voornemen_op, "bibob-fout-na-voornemen");
            match (besluit, op) {
                (Some(besluit), Some(op)) => Some(Wijziging::Besluit {
                    besluit,
                    op,
                    evenredigheid,
                    voorschriften,
                }),
                _ => None,
            }
        }
        Stap::Beslissers => {
            let ids: Vec<String> = v
                .get("beslissers")
                .map(|s| {
                    s.split(',')
                        .map(|x| x.trim().to_string())
                        .filter(|x| !x.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            Some(Wijziging::Beslissers(ids))
        }
    };
    c.finish(value)
}
