//! Draft letters: templates with `{{plaatshouder}}` fields, filled from a measure and its steps.
//! Pure: the store reads the template and the measure, this decides whether the letter may be
//! drafted and fills it. The result is plain text (paragraphs split by a blank line); the pages
//! escape it as HTML and the PDF receives it as JSON, so a template can never inject markup.

use std::collections::BTreeMap;

use jiff::civil::Date;
use termijnen::{bereken_met, datum_nl, Calendar, Opties, Regel};

use crate::model::{euro, Procedure, Soort, Stap, StapSoort, Zaak};

/// The kinds of letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BriefSoort {
    Voornemen,
    Besluit,
    Verlenging,
    /// A warning (no besluit): a Damocles warning, a yellow card the policy defines as a warning.
    Waarschuwing,
}

impl BriefSoort {
    pub const ALL: [BriefSoort; 4] = [
        BriefSoort::Voornemen,
        BriefSoort::Besluit,
        BriefSoort::Verlenging,
        BriefSoort::Waarschuwing,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            BriefSoort::Voornemen => "voornemen",
            BriefSoort::Besluit => "besluit",
            BriefSoort::Verlenging => "verlenging",
            BriefSoort::Waarschuwing => "waarschuwing",
        }
    }

    pub fn from_slug(s: &str) -> Option<BriefSoort> {
        BriefSoort::ALL.into_iter().find(|b| b.slug() == s.trim())
    }

    pub fn naam(self) -> &'static str {
        match self {
            BriefSoort::Voornemen => "Voornemenbrief",
            BriefSoort::Besluit => "Besluitbrief",
            BriefSoort::Verlenging => "Verlengingsbesluit huisverbod",
            BriefSoort::Waarschuwing => "Waarschuwingsbrief (geen besluit)",
        }
    }

    /// Whether a measure gets this letter: a warning that is no besluit gets a warning letter,
    /// never a besluit or voornemen.
    pub fn past_bij(self, zaak: impl Into<Zaak>) -> bool {
        let p = zaak.into().procedure();
        match self {
            BriefSoort::Voornemen => matches!(p, Procedure::Awb | Procedure::Waarschuwing),
            BriefSoort::Besluit => p != Procedure::GeenBesluit,
            BriefSoort::Verlenging => p == Procedure::Huisverbod,
            BriefSoort::Waarschuwing => p == Procedure::GeenBesluit,
        }
    }

    /// Whether a template of this letter may be made for a type (as a besluit or, when the
    /// policy says so, as a warning).
    pub fn past_bij_soort(self, soort: Soort) -> bool {
        self.past_bij(soort)
            || self.past_bij(Zaak {
                soort,
                waarschuwing: true,
            })
    }
}

fn laatste(stappen: &[Stap], soort: StapSoort) -> Option<&Stap> {
    stappen.iter().rev().find(|s| s.soort == soort)
}

/// Whether this letter may be drafted now; the refusal is a Dutch sentence for the user.
pub fn mag_opstellen(
    brief: BriefSoort,
    zaak: impl Into<Zaak>,
    stappen: &[Stap],
) -> Result<(), String> {
    let zaak = zaak.into();
    let soort = zaak.soort;
    if !brief.past_bij(zaak) {
        return Err(format!(
            "Bij een {} hoort geen {}.",
            soort.naam().to_lowercase(),
            brief.naam().to_lowercase()
        ));
    }
    let besluit = laatste(stappen, StapSoort::Besluit);
    match brief {
        BriefSoort::Voornemen if besluit.is_some() => {
            Err("Er is al een besluit genomen; een voornemen komt daarvóór.".into())
        }
        BriefSoort::Voornemen => Ok(()),
        BriefSoort::Besluit if laatste(stappen, StapSoort::Afweging).is_none() => Err(
            "Een besluitbrief motiveert het besluit: leg eerst de afweging van noodzaak, evenredigheid en subsidiariteit vast."
                .into(),
        ),
        BriefSoort::Besluit => Ok(()),
        BriefSoort::Verlenging if besluit.is_none() => {
            Err("Eerst wordt het huisverbod opgelegd (stap 'besluit').".into())
        }
        BriefSoort::Verlenging => Ok(()),
        BriefSoort::Waarschuwing => Ok(()),
    }
}

/// The fields a template may use, with what they hold (shown beside the template editor).
pub const PLAATSHOUDERS: [(&str, &str); 26] = [
    ("gemeente", "naam van de gemeente"),
    ("datum", "datum van de brief"),
    ("kenmerk", "kenmerk van de maatregel"),
    (
        "onderwerp",
        "persoon of exploitant tot wie de brief zich richt",
    ),
    ("locatie", "adres van het pand of de woning"),
    ("maatregel", "soort maatregel"),
    ("grondslag", "wettelijke grondslag"),
    (
        "beleid",
        "het beleid (de ladder) waaronder de maatregel valt, met versie",
    ),
    ("aanleiding_datum", "datum van de aanleiding"),
    ("aanleiding", "toelichting bij de aanleiding"),
    ("bron", "bron van de aanleiding met nummer"),
    (
        "duur",
        "zin met de duur (\"De maatregel duurt 3 maanden.\"), of leeg",
    ),
    ("zienswijze_dagen", "zienswijzetermijn in dagen"),
    (
        "zienswijze_uiterlijk",
        "laatste dag om een zienswijze te geven",
    ),
    (
        "zienswijze",
        "of er een zienswijze is ontvangen, met de inhoud",
    ),
    (
        "spoed",
        "bij spoed: dat en waarom zonder voornemen en zienswijze is besloten, of leeg",
    ),
    ("besluit_datum", "datum van het besluit"),
    ("noodzaak", "afweging: noodzaak"),
    ("evenredigheid", "afweging: evenredigheid"),
    ("subsidiariteit", "afweging: subsidiariteit"),
    (
        "rechtsmiddel",
        "bezwaar of beroep: waar en binnen welke termijn",
    ),
    (
        "huisverbod_einde",
        "einde van de eerste tien dagen van het huisverbod",
    ),
    ("verlengd_tot", "nieuwe einddatum van het huisverbod"),
    ("dwangsom_bedrag", "dwangsom per overtreding"),
    ("dwangsom_maximum", "maximum van de dwangsom"),
    ("begunstigingstermijn", "einde van de begunstigingstermijn"),
];

/// Marks what the legal adviser still has to write in a draft: a letter that contains it cannot be
/// finalised.
pub const AANVULLEN: &str = "[aan te vullen]";

/// Which internal notes (the toelichting the case workers wrote with a step) go into a draft;
/// none unless the legal adviser chooses them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Notities {
    /// The note with the aanleiding (what was found).
    pub aanleiding: bool,
    /// The note with a received zienswijze (its content).
    pub zienswijze: bool,
}

/// The notes a draft may take over, as (form value, label).
pub const NOTITIES: [(&str, &str); 2] = [
    ("aanleiding", "de toelichting bij de aanleiding"),
    ("zienswijze", "de toelichting bij de zienswijze"),
];

impl Notities {
    pub fn uit(gekozen: &[String]) -> Notities {
        Notities {
            aanleiding: gekozen.iter().any(|g| g == "aanleiding"),
            zienswijze: gekozen.iter().any(|g| g == "zienswijze"),
        }
    }

    pub fn alle() -> Notities {
        Notities {
            aanleiding: true,
            zienswijze: true,
        }
    }
}

/// What the letter is filled with beyond the steps.
pub struct Context<'a> {
    pub gemeente: &'a str,
    pub kenmerk: &'a str,
    pub soort: Soort,
    /// The policy defines the measure as a warning, not a besluit.
    pub waarschuwing: bool,
    /// The policy (ladder) the measure falls under, with its version; empty without a ladder.
    pub beleid: String,
    pub onderwerp: &'a str,
    pub locatie: &'a str,
    pub duur: String,
    pub datum: Date,
    /// The Atw calendar with the days designated by royal decree, for the dates in the letter.
    pub kalender: &'a Calendar,
    /// The internal notes the legal adviser chose to take over.
    pub notities: Notities,
}

fn rechtsmiddel(zaak: Zaak, gemeente: &str) -> String {
    match zaak.procedure() {
        Procedure::GeenBesluit => "Deze brief is een waarschuwing en geen besluit in de zin van de Algemene wet bestuursrecht; u kunt er daarom geen bezwaar tegen maken. Bij een nieuwe overtreding houd ik rekening met deze waarschuwing.".into(),
        Procedure::Awb | Procedure::Waarschuwing => format!(
            "Bent u het niet eens met dit besluit, dan kunt u binnen zes weken na de dag waarop het is bekendgemaakt een bezwaarschrift sturen aan de burgemeester van {gemeente} (artikelen 6:7 en 6:8 Algemene wet bestuursrecht). Een bezwaarschrift schort de werking van het besluit niet op; bij spoed kunt u de voorzieningenrechter van de rechtbank om een voorlopige voorziening vragen."
        ),
        Procedure::Huisverbod => "Tegen dit besluit staat geen bezwaar open. U kunt binnen zes weken na de dag van uitreiking beroep instellen bij de rechtbank (artikel 6:7 Algemene wet bestuursrecht en de Wet tijdelijk huisverbod). U kunt de voorzieningenrechter ook vragen het besluit te schorsen; die behandelt uw verzoek binnen drie dagen.".into(),
        Procedure::Crisis => "Tegen deze crisismaatregel kunt u beroep instellen bij de rechtbank (Wet verplichte geestelijke gezondheidszorg). Uw advocaat kan dat voor u doen.".into(),
    }
}

fn zienswijze_uiterlijk(datum: Date, dagen: u32, kal: &Calendar) -> String {
    bereken_met(
        kal,
        Regel::Zienswijze,
        datum,
        &Opties {
            dagen: Some(dagen),
            ..Opties::default()
        },
    )
    .map(|t| datum_nl(t.datum))
    .unwrap_or_default()
}

/// Every placeholder's value for this measure; a field without data is empty.
pub fn gegevens(c: &Context, stappen: &[Stap]) -> BTreeMap<&'static str, String> {
    let mut g = BTreeMap::new();
    let aanleiding = laatste(stappen, StapSoort::Aanleiding);
    let zienswijze = laatste(stappen, StapSoort::Zienswijze);
    let afweging = laatste(stappen, StapSoort::Afweging);
    let besluit = laatste(stappen, StapSoort::Besluit);
    let voornemen = laatste(stappen, StapSoort::Voornemen);
    let dagen = voornemen
        .and_then(|v| v.dagen)
        .or_else(|| zienswijze.and_then(|z| z.dagen))
        .unwrap_or(termijnen::STANDAARD_ZIENSWIJZE_DAGEN);
    let text = |s: Option<&Stap>, f: fn(&Stap) -> Option<String>| s.and_then(f).unwrap_or_default();
    // The organisation is called "Gemeente X"; the letter speaks of "de burgemeester van X".
    let gemeente = c.gemeente.strip_prefix("Gemeente ").unwrap_or(c.gemeente);
    g.insert("gemeente", gemeente.to_string());
    g.insert("datum", datum_nl(c.datum));
    g.insert("kenmerk", c.kenmerk.to_string());
    g.insert("onderwerp", c.onderwerp.to_string());
    g.insert("locatie", c.locatie.to_string());
    g.insert("maatregel", c.soort.naam().to_lowercase());
    g.insert("grondslag", c.soort.grondslag().to_string());

    g.insert(
        "aanleiding_datum",
        aanleiding.map(|a| datum_nl(a.datum)).unwrap_or_default(),
    );
    g.insert(
        "aanleiding",
        match aanleiding {
            Some(a) if c.notities.aanleiding && !a.toelichting.trim().is_empty() => {
                a.toelichting.clone()
            }
            Some(_) => AANVULLEN.to_string(),
            None => String::new(),
        },
    );
    g.insert(
        "bron",
        text(aanleiding, |a| {
            let bron = crate::model::BRONNEN
                .iter()
                .find(|(k, _)| Some(*k) == a.bron.as_deref())
                .map(|(_, v)| v.to_lowercase())?;
            Some(match &a.referentie {
                Some(r) => format!("{bron} {r}"),
                None => bron,
            })
        }),
    );
    g.insert(
        "duur",
        if c.duur.is_empty() {
            String::new()
        } else {
            format!("De maatregel duurt {}.", c.duur)
        },
    );
    g.insert("zienswijze_dagen", dagen.to_string());
    // The term runs from the day the voornemen is sent: its step's date once recorded,
    // otherwise the letter's date.
    let vanaf = voornemen.map(|v| v.datum).unwrap_or(c.datum);
    g.insert(
        "zienswijze_uiterlijk",
        zienswijze_uiterlijk(vanaf, dagen, c.kalender),
    );
    let spoed = crate::model::spoed(stappen);
    g.insert(
        "spoed",
        match spoed {
            Some(s) => format!(
                "Ik heb met spoed besloten, zonder u eerst in de gelegenheid te stellen uw zienswijze te geven, omdat de vereiste spoed zich daartegen verzette (artikel 4:11{} Algemene wet bestuursrecht). De reden van de spoed: {} U kunt uw zienswijze alsnog aan mij geven; als u bezwaar maakt, wordt u gehoord.",
                if c.soort.spoed_mogelijk() { " en artikel 5:31" } else { "" },
                zin(s.reden.as_deref().unwrap_or(""))
            ),
            None => String::new(),
        },
    );
    g.insert(
        "zienswijze",
        match zienswijze {
            Some(z) if z.ontvangen == Some(true) => format!(
                "Op {} ontving ik uw zienswijze. {}",
                datum_nl(z.datum),
                if c.notities.zienswijze && !z.toelichting.trim().is_empty() {
                    z.toelichting.clone()
                } else {
                    format!("{AANVULLEN} (wat u naar voren bracht en hoe ik dat heb gewogen)")
                }
            )
            .trim()
            .to_string(),
            Some(_) if spoed.is_none() => {
                "Binnen de gestelde termijn is geen zienswijze ontvangen.".to_string()
            }
            _ => String::new(),
        },
    );
    g.insert(
        "besluit_datum",
        datum_nl(besluit.map(|b| b.datum).unwrap_or(c.datum)),
    );
    g.insert("noodzaak", text(afweging, |a| a.noodzaak.clone()));
    g.insert("evenredigheid", text(afweging, |a| a.evenredigheid.clone()));
    g.insert(
        "subsidiariteit",
        text(afweging, |a| a.subsidiariteit.clone()),
    );
    g.insert(
        "rechtsmiddel",
        rechtsmiddel(
            Zaak {
                soort: c.soort,
                waarschuwing: c.waarschuwing,
            },
            gemeente,
        ),
    );
    g.insert("beleid", c.beleid.clone());
    let tien = besluit.and_then(|b| {
        bereken_met(
            c.kalender,
            Regel::HuisverbodEinde,
            b.datum,
            &Opties::default(),
        )
        .ok()
    });
    let max = besluit.and_then(|b| {
        bereken_met(
            c.kalender,
            Regel::HuisverbodVerlengingUiterlijk,
            b.datum,
            &Opties::default(),
        )
        .ok()
    });
    g.insert(
        "huisverbod_einde",
        tien.map(|t| datum_nl(t.datum)).unwrap_or_default(),
    );
    let verlengd = laatste(stappen, StapSoort::Verlenging)
        .and_then(|v| v.tot)
        .or(max.map(|m| m.datum));
    g.insert("verlengd_tot", verlengd.map(datum_nl).unwrap_or_default());
    g.insert(
        "dwangsom_bedrag",
        besluit
            .and_then(|b| b.bedrag_cent)
            .map(euro)
            .unwrap_or_default(),
    );
    g.insert(
        "dwangsom_maximum",
        besluit
            .and_then(|b| b.maximum_cent)
            .map(euro)
            .unwrap_or_default(),
    );
    g.insert(
        "begunstigingstermijn",
        besluit
            .and_then(|b| b.tot)
            .map(datum_nl)
            .unwrap_or_default(),
    );
    g
}

/// Whether a draft may be finalised: nothing left to fill in, no placeholder left open.
pub fn mag_definitief(tekst: &str) -> Result<(), String> {
    if tekst.contains(AANVULLEN) {
        return Err(format!(
            "De brief bevat nog '{AANVULLEN}': vul de tekst aan voordat u hem definitief maakt."
        ));
    }
    if tekst.contains("{{") {
        return Err("De brief bevat nog een plaatshouder tussen dubbele accolades.".into());
    }
    if tekst.trim().is_empty() {
        return Err("De brief heeft geen tekst.".into());
    }
    Ok(())
}

/// A sentence as typed, ending with a full stop.
fn zin(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

/// Fills a letter's template: as [`vul`], and a template made before `{{spoed}}` existed still
/// states the urgency and its reason, in the place of `{{zienswijze}}` (which under the urgent
/// path has no prior zienswijze to report).
pub fn vul_brief(tekst: &str, g: &BTreeMap<&'static str, String>) -> String {
    let heeft_spoed = onbekend_of_bekend(tekst).iter().any(|n| n == "spoed");
    match g.get("spoed") {
        Some(spoed) if !spoed.is_empty() && !heeft_spoed => {
            let mut g = g.clone();
            let z = g.get("zienswijze").cloned().unwrap_or_default();
            g.insert(
                "zienswijze",
                if z.is_empty() {
                    spoed.clone()
                } else {
                    format!("{spoed}\n\n{z}")
                },
            );
            vul(tekst, &g)
        }
        _ => vul(tekst, g),
    }
}

/// Every placeholder name in `tekst`, known or not.
fn onbekend_of_bekend(tekst: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = tekst;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

/// The placeholders in `tekst` that do not exist, in order of appearance, and whether every
/// `{{` is closed.
pub fn onbekend(tekst: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = tekst;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err("Een plaatshouder begint met {{ maar sluit niet met }}.".into());
        };
        let naam = after[..end].trim();
        if !PLAATSHOUDERS.iter().any(|(k, _)| *k == naam) && !out.iter().any(|o| o == naam) {
            out.push(naam.to_string());
        }
        rest = &after[end + 2..];
    }
    Ok(out)
}

/// Checks a template as the administrator saves it: a title, a text, known placeholders only.
pub fn valideer_sjabloon(titel: &str, tekst: &str) -> Vec<(&'static str, String)> {
    let mut fouten = Vec::new();
    if titel.trim().is_empty() {
        fouten.push(("titel", "Geef de brief een titel.".to_string()));
    }
    if tekst.trim().is_empty() {
        fouten.push(("tekst", "De brief heeft een tekst nodig.".to_string()));
    } else if tekst.len() > 20_000 {
        fouten.push(("tekst", "De tekst is langer dan 20.000 tekens.".to_string()));
    } else {
        match onbekend(tekst) {
            Err(e) => fouten.push(("tekst", e)),
            Ok(o) if !o.is_empty() => fouten.push((
                "tekst",
                format!(
                    "Onbekende plaatshouder(s): {}. Gebruik alleen de plaatshouders uit de lijst.",
                    o.iter()
                        .map(|n| format!("{{{{{n}}}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Ok(_) => {}
        }
    }
    fouten
}

/// Fills the placeholders of `tekst`; an unknown placeholder stays visible, so a draft never
/// silently drops text (templates are checked on saving, so this is a safeguard).
pub fn vul(tekst: &str, g: &BTreeMap<&'static str, String>) -> String {
    let mut out = String::with_capacity(tekst.len() + 256);
    let mut rest = tekst;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let naam = after[..end].trim();
                match g.get(naam) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The paragraphs of a letter's text: split at blank lines, each trimmed, empty ones dropped.
pub fn alineas(tekst: &str) -> Vec<String> {
    tekst
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The templates Baken starts with (version 1); the administrator changes them in the UI.
pub fn standaard_sjablonen() -> Vec<(BriefSoort, &'static str, &'static str)> {
    vec![
        (
            BriefSoort::Voornemen,
            "Voornemen tot {{maatregel}}",
            "Aan: {{onderwerp}}\nBetreft: {{locatie}}\nKenmerk: {{kenmerk}}\n\n{{gemeente}}, {{datum}}\n\nGeachte heer/mevrouw,\n\nOp {{aanleiding_datum}} is mij gebleken ({{bron}}): {{aanleiding}}\n\nIk ben daarom van plan een {{maatregel}} op te leggen op grond van {{grondslag}}. {{duur}}\n\nVoordat ik een besluit neem, geef ik u de gelegenheid uw zienswijze te geven (artikel 4:8 Algemene wet bestuursrecht). U kunt dat schriftelijk of mondeling doen binnen {{zienswijze_dagen}} dagen, dus uiterlijk op {{zienswijze_uiterlijk}}.\n\nDit is nog geen besluit; u kunt hiertegen geen bezwaar maken.\n\nHoogachtend,\n\nde burgemeester van {{gemeente}}",
        ),
        (
            BriefSoort::Besluit,
            "Besluit: {{maatregel}}",
            "Aan: {{onderwerp}}\nBetreft: {{locatie}}\nKenmerk: {{kenmerk}}\n\n{{gemeente}}, {{besluit_datum}}\n\nGeachte heer/mevrouw,\n\nOp {{aanleiding_datum}} is mij gebleken ({{bron}}): {{aanleiding}}\n\n{{spoed}}\n\n{{zienswijze}}\n\nIk heb besloten tot een {{maatregel}} op grond van {{grondslag}}. {{duur}}\n\nNoodzaak: {{noodzaak}}\n\nEvenredigheid: {{evenredigheid}}\n\nSubsidiariteit: {{subsidiariteit}}\n\n{{rechtsmiddel}}\n\nHoogachtend,\n\nde burgemeester van {{gemeente}}",
        ),
        (
            BriefSoort::Waarschuwing,
            "Waarschuwing",
            "Aan: {{onderwerp}}\nBetreft: {{locatie}}\nKenmerk: {{kenmerk}}\n\n{{gemeente}}, {{datum}}\n\nGeachte heer/mevrouw,\n\nOp {{aanleiding_datum}} is geconstateerd ({{bron}}): {{aanleiding}}\n\nIk waarschuw u hierbij. Volgens het {{beleid}} telt deze waarschuwing mee als de regels opnieuw worden overtreden; dan kan een zwaardere maatregel volgen.\n\n{{rechtsmiddel}}\n\nHoogachtend,\n\nde burgemeester van {{gemeente}}",
        ),
        (
            BriefSoort::Verlenging,
            "Verlenging tijdelijk huisverbod",
            "Aan: {{onderwerp}}\nBetreft: {{locatie}}\nKenmerk: {{kenmerk}}\n\n{{gemeente}}, {{datum}}\n\nGeachte heer/mevrouw,\n\nOp {{besluit_datum}} is aan u een tijdelijk huisverbod opgelegd voor de woning {{locatie}}. Het huisverbod eindigt na tien dagen, op {{huisverbod_einde}}.\n\nUit de informatie die mij sindsdien bereikte blijkt dat het gevaar voortduurt. Ik verleng het huisverbod daarom tot en met {{verlengd_tot}} (artikel 9 Wet tijdelijk huisverbod). Met de verlenging duurt het huisverbod ten hoogste vier weken na het opleggen.\n\nNoodzaak: {{noodzaak}}\n\n{{rechtsmiddel}}\n\nHoogachtend,\n\nde burgemeester van {{gemeente}}",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn stap(soort: StapSoort, datum: &str) -> Stap {
        Stap::new(soort, d(datum))
    }

    fn context(soort: Soort) -> Context<'static> {
        Context {
            gemeente: "Gemeente Vijfheerenlanden",
            kenmerk: "MR-1",
            soort,
            waarschuwing: false,
            beleid: String::new(),
            onderwerp: "J. Jansen",
            locatie: "Voorstraat 1, Vianen",
            duur: "3 maanden".into(),
            datum: d("2026-03-02"),
            kalender: Box::leak(Box::new(Calendar::new())),
            notities: Notities::alle(),
        }
    }

    #[test]
    fn every_default_template_uses_known_placeholders_only() {
        for (brief, titel, tekst) in standaard_sjablonen() {
            assert!(valideer_sjabloon(titel, tekst).is_empty(), "{brief:?}");
        }
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_refused() {
        let f = valideer_sjabloon("T", "Hallo {{naam}} en {{onderwerp}} en {{naam}}");
        assert_eq!(f.len(), 1);
        assert!(f[0].1.contains("{{naam}}"), "{}", f[0].1);
        assert!(!f[0].1.contains("onderwerp"));
        let f = valideer_sjabloon("T", "Hallo {{onderwerp");
        assert!(f[0].1.contains("sluit niet"), "{}", f[0].1);
        let f = valideer_sjabloon(" ", "");
        assert_eq!(
            f.iter().map(|x| x.0).collect::<Vec<_>>(),
            ["titel", "tekst"]
        );
    }

    #[test]
    fn a_voornemen_names_the_zienswijze_deadline_from_the_letter_date() {
        let mut a = stap(StapSoort::Aanleiding, "2026-02-20");
        a.bron = Some("politierapport".into());
        a.referentie = Some("PL0900-2026-1".into());
        a.toelichting = "in de woning zijn 40 hennepplanten aangetroffen".into();
        let g = gegevens(&context(Soort::Sluiting13b), &[a]);
        let tekst = vul(standaard_sjablonen()[0].2, &g);
        assert!(tekst.contains("Op vrijdag 20 februari 2026 is mij gebleken (politierapport (bestuurlijke rapportage) PL0900-2026-1): in de woning zijn 40 hennepplanten aangetroffen"), "{tekst}");
        // 14 days from Monday 2 March 2026: Monday 16 March.
        assert!(
            tekst.contains("binnen 14 dagen, dus uiterlijk op maandag 16 maart 2026"),
            "{tekst}"
        );
        assert!(
            tekst.contains("art. 13b Opiumwet. De maatregel duurt 3 maanden."),
            "{tekst}"
        );
        assert!(!tekst.contains("{{"));
    }

    #[test]
    fn a_besluit_carries_the_assessment_and_the_right_remedy() {
        let mut af = stap(StapSoort::Afweging, "2026-03-20");
        af.noodzaak = Some("herstel van de openbare orde".into());
        af.evenredigheid = Some("drie maanden is in verhouding".into());
        af.subsidiariteit = Some("een waarschuwing hielp niet".into());
        let stappen = vec![stap(StapSoort::Aanleiding, "2026-02-20"), af.clone()];
        let g = gegevens(&context(Soort::Sluiting13b), &stappen);
        let tekst = vul(standaard_sjablonen()[1].2, &g);
        assert!(tekst.contains("Noodzaak: herstel van de openbare orde"));
        assert!(tekst.contains("bezwaarschrift sturen aan de burgemeester van Vijfheerenlanden"));
        let g = gegevens(&context(Soort::Huisverbod), &stappen);
        let tekst = vul(standaard_sjablonen()[1].2, &g);
        assert!(
            tekst.contains("Tegen dit besluit staat geen bezwaar open"),
            "{tekst}"
        );
    }

    #[test]
    fn an_urgent_besluit_states_the_urgency_and_its_reason() {
        let mut sp = stap(StapSoort::Spoed, "2026-06-05");
        sp.reden = Some("Schietincident bij de woning".into());
        let stappen = vec![stap(StapSoort::Aanleiding, "2026-06-05"), sp];
        let g = gegevens(&context(Soort::Sluiting174a), &stappen);
        let nieuw = vul_brief(standaard_sjablonen()[1].2, &g);
        let zin = "Ik heb met spoed besloten, zonder u eerst in de gelegenheid te stellen uw zienswijze te geven, omdat de vereiste spoed zich daartegen verzette (artikel 4:11 en artikel 5:31 Algemene wet bestuursrecht). De reden van de spoed: Schietincident bij de woning.";
        assert!(nieuw.contains(zin), "{nieuw}");
        assert!(!nieuw.contains("Binnen de gestelde termijn"), "{nieuw}");
        // A template saved before {{spoed}} existed still states it, once.
        let oud = standaard_sjablonen()[1].2.replace("{{spoed}}\n\n", "");
        let tekst = vul_brief(&oud, &g);
        assert_eq!(tekst.matches(zin).count(), 1, "{tekst}");
        // Without urgency nothing changes.
        let g = gegevens(&context(Soort::Sluiting174a), &stappen[..1]);
        assert_eq!(g["spoed"], "");
        assert_eq!(vul_brief(&oud, &g), vul(&oud, &g));
    }

    #[test]
    fn an_extension_letter_gives_the_new_end_or_the_statutory_maximum() {
        let stappen = vec![
            stap(StapSoort::Aanleiding, "2026-04-01"),
            stap(StapSoort::Besluit, "2026-04-01"),
        ];
        let g = gegevens(&context(Soort::Huisverbod), &stappen);
        assert_eq!(g["huisverbod_einde"], "zaterdag 11 april 2026");
        assert_eq!(g["verlengd_tot"], "woensdag 29 april 2026");
        let mut v = stap(StapSoort::Verlenging, "2026-04-09");
        v.tot = Some(d("2026-04-22"));
        let mut met = stappen.clone();
        met.push(v);
        assert_eq!(
            gegevens(&context(Soort::Huisverbod), &met)["verlengd_tot"],
            "woensdag 22 april 2026"
        );
    }

    #[test]
    fn letters_follow_the_procedure() {
        let a = stap(StapSoort::Aanleiding, "2026-02-20");
        let alleen = std::slice::from_ref(&a);
        let besluit = stap(StapSoort::Besluit, "2026-03-01");
        assert!(mag_opstellen(BriefSoort::Voornemen, Soort::Sluiting13b, alleen).is_ok());
        assert!(mag_opstellen(BriefSoort::Voornemen, Soort::Huisverbod, alleen).is_err());
        assert!(mag_opstellen(
            BriefSoort::Voornemen,
            Soort::Sluiting13b,
            &[a.clone(), besluit.clone()]
        )
        .is_err());
        let e = mag_opstellen(BriefSoort::Besluit, Soort::Sluiting13b, alleen).unwrap_err();
        assert!(e.contains("afweging"), "{e}");
        assert!(mag_opstellen(BriefSoort::Verlenging, Soort::Sluiting13b, alleen).is_err());
        assert!(mag_opstellen(BriefSoort::Verlenging, Soort::Huisverbod, alleen).is_err());
        assert!(mag_opstellen(BriefSoort::Verlenging, Soort::Huisverbod, &[a, besluit]).is_ok());
    }

    #[test]
    fn internal_notes_stay_out_unless_chosen() {
        let mut a = stap(StapSoort::Aanleiding, "2026-02-20");
        a.toelichting = "Intern: buurman belde drie keer, zie dossier".into();
        let mut z = stap(StapSoort::Zienswijze, "2026-03-05");
        z.ontvangen = Some(true);
        z.toelichting = "Betrokkene zegt dat de planten van zijn broer zijn.".into();
        let stappen = vec![a, stap(StapSoort::Voornemen, "2026-02-21"), z];
        let mut c = context(Soort::Sluiting13b);
        c.notities = Notities::default();
        let g = gegevens(&c, &stappen);
        assert_eq!(g["aanleiding"], AANVULLEN);
        assert!(!g["zienswijze"].contains("broer"), "{}", g["zienswijze"]);
        assert!(g["zienswijze"]
            .starts_with("Op donderdag 5 maart 2026 ontving ik uw zienswijze. [aan te vullen]"));
        c.notities = Notities::uit(&["zienswijze".to_string()]);
        let g = gegevens(&c, &stappen);
        assert_eq!(g["aanleiding"], AANVULLEN);
        assert!(g["zienswijze"].contains("van zijn broer"));
    }

    #[test]
    fn filling_keeps_unknown_fields_visible_and_splits_paragraphs() {
        let g = BTreeMap::from([("onderwerp", "X".to_string())]);
        assert_eq!(
            vul("a {{onderwerp}} {{nope}} {{open", &g),
            "a X {{nope}} {{open"
        );
        assert_eq!(alineas("een\r\n\r\n\n twee \n\n\n\n"), ["een", "twee"]);
    }
}
