//! Input of a step or a new measure, shared by the pages and the API: parsed into the model's
//! types with errors that name the field.

use jiff::civil::Date;
use platform::identity::{field_error, FieldError};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::model::{Eenheid, Ladder, Soort, Stap, StapSoort, Tegen, SPOED_ZONDER_REDEN};
use crate::store::Nieuw;

/// A step to record.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct MaatregelStapIn {
    /// Step slug: aanleiding, spoed, voornemen, zienswijze, afweging, besluit, bekendmaking,
    /// uitvoering-start, uitvoering-einde, verlenging, verbeurte, invorderingsbesluit, bezwaar,
    /// verdaging, beslissing-bezwaar, beroep, uitspraak, hoger-beroep, evaluatie, beeindiging.
    pub soort: String,
    /// `YYYY-MM-DD` or `DD-MM-YYYY`.
    pub datum: String,
    #[serde(default)]
    pub toelichting: Option<String>,
    /// Aanleiding: melding, inspectie or politierapport.
    #[serde(default)]
    pub bron: Option<String>,
    #[serde(default)]
    pub referentie: Option<String>,
    /// Zienswijze: received (dated the day of receipt) or not (only after the term has ended).
    #[serde(default)]
    pub ontvangen: Option<bool>,
    /// Voornemen: the zienswijze term in days (default 14), counted from the voornemen's date.
    /// (Accepted on the zienswijze step when the voornemen named no term.)
    #[serde(default)]
    pub dagen: Option<u32>,
    /// Besluit dwangsom: end of the begunstigingstermijn; verlenging: new end; uitvoering-start:
    /// planned end.
    #[serde(default)]
    pub tot: Option<String>,
    #[serde(default)]
    pub bedrag_cent: Option<i64>,
    #[serde(default)]
    pub maximum_cent: Option<i64>,
    #[serde(default)]
    pub noodzaak: Option<String>,
    #[serde(default)]
    pub evenredigheid: Option<String>,
    #[serde(default)]
    pub subsidiariteit: Option<String>,
    /// Spoed: why the voornemen and zienswijze cannot be awaited (required for that step).
    #[serde(default)]
    pub reden: Option<String>,
    /// Bezwaar: handled by an advisory committee (art. 7:13 Awb; 12 weeks to decide).
    #[serde(default)]
    pub adviescommissie: Option<bool>,
    /// Verdaging (of the decision on a bezwaar): weeks, at most 6.
    #[serde(default)]
    pub weken: Option<u32>,
    /// Dwangsom: a bezwaar, beroep or ruling against `last` (the last onder dwangsom, the
    /// default) or `invordering` (the invorderingsbesluit).
    #[serde(default)]
    pub tegen: Option<String>,
}

pub fn datum(field: &str, v: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    match termijnen::parse_datum(v.trim()) {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(field_error(
                field,
                "Geef een datum als JJJJ-MM-DD of DD-MM-JJJJ.",
            ));
            None
        }
    }
}

fn tekst(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

impl MaatregelStapIn {
    pub fn parse(&self) -> Result<Stap, Vec<FieldError>> {
        let mut errors = Vec::new();
        let soort = StapSoort::from_slug(&self.soort);
        if soort.is_none() {
            errors.push(field_error("soort", "Onbekende stap."));
        }
        let d = datum("datum", &self.datum, &mut errors);
        let tot = match tekst(&self.tot) {
            Some(t) => datum("tot", &t, &mut errors),
            None => None,
        };
        if soort == Some(StapSoort::Spoed) && tekst(&self.reden).is_none() {
            errors.push(field_error("reden", SPOED_ZONDER_REDEN));
        }
        let tegen = match tekst(&self.tegen) {
            Some(t) => match Tegen::from_slug(&t) {
                Some(t) => Some(t),
                None => {
                    errors.push(field_error("tegen", "Kies last of invordering."));
                    None
                }
            },
            None => None,
        };
        match (soort, d) {
            (Some(soort), Some(d)) if errors.is_empty() => Ok(Stap {
                soort,
                datum: d,
                toelichting: self.toelichting.clone().unwrap_or_default().trim().into(),
                bron: tekst(&self.bron),
                referentie: tekst(&self.referentie),
                melding_id: None,
                ontvangen: self.ontvangen,
                dagen: self.dagen,
                tot,
                bedrag_cent: self.bedrag_cent,
                maximum_cent: self.maximum_cent,
                noodzaak: tekst(&self.noodzaak),
                evenredigheid: tekst(&self.evenredigheid),
                subsidiariteit: tekst(&self.subsidiariteit),
                reden: tekst(&self.reden),
                adviescommissie: self.adviescommissie,
                weken: self.weken,
                tegen,
            }),
            _ => Err(errors),
        }
    }
}

/// A new measure with its aanleiding.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NieuweMaatregel {
    /// Type slug; omit to follow the ladder's proposal.
    #[serde(default)]
    pub soort: Option<String>,
    /// The person or operator the measure is about.
    pub onderwerp: String,
    /// The address (also the key for the history on a ladder).
    pub locatie: String,
    /// Date of the aanleiding (the offence), `YYYY-MM-DD`.
    pub datum: String,
    /// melding, inspectie or politierapport.
    pub bron: String,
    #[serde(default)]
    pub referentie: Option<String>,
    #[serde(default)]
    pub toelichting: Option<String>,
    /// horeca, damocles or alcohol-19a.
    #[serde(default)]
    pub ladder: Option<String>,
    /// Horeca: kind of offence; Damocles: woning, lokaal or erf.
    #[serde(default)]
    pub object: Option<String>,
    /// Damocles: harddrugs, softdrugs, hennep, voorbereiding.
    #[serde(default)]
    pub middel: Option<String>,
    /// Damocles: the quantity as a decimal (0.6 gram, 5 plants), a number or a string ("0,6");
    /// at most three decimals.
    #[serde(default)]
    #[schema(value_type = Option<f64>)]
    pub hoeveelheid: Option<serde_json::Value>,
    /// The unit of `hoeveelheid`: gram, planten or stuks (default: gram for drugs, planten for
    /// hennep).
    #[serde(default)]
    pub hoeveelheid_eenheid: Option<String>,
    /// The BAG verblijfsobject id of the address, when known (16 digits): the address's identity.
    #[serde(default)]
    pub bag: Option<String>,
    /// The operator's KvK number (8 digits) or establishment number (12 digits), for horeca and
    /// shops.
    #[serde(default)]
    pub exploitant: Option<String>,
    /// Duration when deviating from the proposal.
    #[serde(default)]
    pub duur: Option<u32>,
    /// dagen, weken or maanden.
    #[serde(default)]
    pub eenheid: Option<String>,
    /// Required when the choice deviates from the proposal.
    #[serde(default)]
    pub afwijking_reden: Option<String>,
    /// The id of the team that handles the measure (its members get the deadline reminders).
    #[serde(default)]
    pub team: Option<String>,
    /// Urgent (art. 4:11 and 5:31 Awb): decided without awaiting a voornemen and zienswijze;
    /// for a 13b or 174a closure or bestuursdwang, with `spoed_reden`.
    #[serde(default)]
    pub spoed: Option<bool>,
    /// Why the voornemen and zienswijze cannot be awaited (required with `spoed`).
    #[serde(default)]
    pub spoed_reden: Option<String>,
}

impl NieuweMaatregel {
    pub fn parse(&self) -> Result<Nieuw, Vec<FieldError>> {
        let mut errors = Vec::new();
        let soort = match tekst(&self.soort) {
            Some(s) => match Soort::from_slug(&s) {
                Some(s) => Some(s),
                None => {
                    errors.push(field_error("soort", "Onbekende soort maatregel."));
                    None
                }
            },
            None => None,
        };
        let ladder = match tekst(&self.ladder) {
            Some(l) => match Ladder::from_slug(&l) {
                Some(l) => Some(l),
                None => {
                    errors.push(field_error("ladder", "Onbekende beleidsladder."));
                    None
                }
            },
            None => None,
        };
        let duur = match (self.duur, tekst(&self.eenheid)) {
            (Some(d), Some(e)) => match Eenheid::from_slug(&e) {
                Some(e) => Some((d, e)),
                None => {
                    errors.push(field_error("eenheid", "Kies dagen, weken of maanden."));
                    None
                }
            },
            (Some(_), None) => {
                errors.push(field_error("eenheid", "Kies dagen, weken of maanden."));
                None
            }
            _ => None,
        };
        let hoeveelheid = match &self.hoeveelheid {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => {
                let tekst = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => String::new(),
                };
                if tekst.trim().is_empty() {
                    None
                } else {
                    match crate::model::lees_hoeveelheid(&tekst) {
                        Some(q) => Some(q),
                        None => {
                            errors.push(field_error(
                                "hoeveelheid",
                                "Geef een hoeveelheid als getal, bijvoorbeeld 0,6 of 5 (ten hoogste drie decimalen).",
                            ));
                            None
                        }
                    }
                }
            }
        };
        let hoeveelheid_eenheid = tekst(&self.hoeveelheid_eenheid).unwrap_or_default();
        if !hoeveelheid_eenheid.is_empty()
            && !crate::model::HOEVEELHEID_EENHEDEN.contains(&hoeveelheid_eenheid.as_str())
        {
            errors.push(field_error(
                "hoeveelheid_eenheid",
                "Kies gram, planten of stuks.",
            ));
        }
        let bag = match crate::locatie::lees_bag(self.bag.as_deref().unwrap_or("")) {
            Ok(b) => b,
            Err(e) => {
                errors.push(field_error("bag", &e));
                None
            }
        };
        let exploitant =
            match crate::locatie::lees_exploitant(self.exploitant.as_deref().unwrap_or("")) {
                Ok(k) => k,
                Err(e) => {
                    errors.push(field_error("exploitant", &e));
                    None
                }
            };
        let spoed = match (self.spoed.unwrap_or(false), tekst(&self.spoed_reden)) {
            (true, Some(r)) => Some(r),
            (true, None) => {
                errors.push(field_error("spoed_reden", SPOED_ZONDER_REDEN));
                None
            }
            (false, _) => None,
        };
        let aanleiding = MaatregelStapIn {
            soort: StapSoort::Aanleiding.slug().into(),
            datum: self.datum.clone(),
            toelichting: self.toelichting.clone(),
            bron: Some(self.bron.clone()),
            referentie: self.referentie.clone(),
            ..MaatregelStapIn::default()
        }
        .parse();
        let aanleiding = match aanleiding {
            Ok(a) => Some(a),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        match aanleiding {
            Some(aanleiding) if errors.is_empty() => Ok(Nieuw {
                soort,
                onderwerp: self.onderwerp.trim().into(),
                locatie: self.locatie.trim().into(),
                aanleiding,
                ladder,
                object: tekst(&self.object).unwrap_or_else(|| "*".into()),
                middel: tekst(&self.middel).unwrap_or_else(|| "*".into()),
                hoeveelheid,
                hoeveelheid_eenheid,
                bag,
                exploitant,
                duur,
                afwijking_reden: self.afwijking_reden.clone().unwrap_or_default(),
                team_id: tekst(&self.team),
                spoed,
            }),
            _ => Err(errors),
        }
    }
}
