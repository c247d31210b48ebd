//! Pure types and rules of the module: kinds of activities and target groups, validation of the
//! input of activities, bulletins, youth groups, scans and actions. No I/O.

use jiff::civil::Date;
use platform::identity::{field_error, FieldError};

/// A kind of outreach activity (IVB ch. 2, 5, §8.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Soort {
    Themaavond,
    Ondernemersavond,
    Informatiebijeenkomst,
    Campagne,
}

impl Soort {
    pub const ALL: [Soort; 4] = [
        Soort::Themaavond,
        Soort::Ondernemersavond,
        Soort::Informatiebijeenkomst,
        Soort::Campagne,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Soort::Themaavond => "themaavond",
            Soort::Ondernemersavond => "ondernemersavond",
            Soort::Informatiebijeenkomst => "informatiebijeenkomst",
            Soort::Campagne => "campagne",
        }
    }

    pub fn from_slug(s: &str) -> Option<Soort> {
        Soort::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// The Fluent key of the kind's name.
    pub fn key(self) -> String {
        format!("preventie-soort-{}", self.slug())
    }

    /// The Dutch name, for the policy count sources (whose labels are Dutch).
    pub fn naam(self) -> &'static str {
        match self {
            Soort::Themaavond => "themaavonden",
            Soort::Ondernemersavond => "ondernemersavonden",
            Soort::Informatiebijeenkomst => "informatiebijeenkomsten",
            Soort::Campagne => "campagnes digitale veiligheid",
        }
    }
}

/// Whom an activity or bulletin is for.
pub const DOELGROEPEN: [&str; 7] = [
    "agrariers",
    "ondernemers",
    "jongeren",
    "ouders",
    "ouderen",
    "inwoners",
    "professionals",
];

/// The state of an activity: planned, held (then its figures count), or cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Gepland,
    Gehouden,
    Geannuleerd,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Gepland, Status::Gehouden, Status::Geannuleerd];

    pub fn slug(self) -> &'static str {
        match self {
            Status::Gepland => "gepland",
            Status::Gehouden => "gehouden",
            Status::Geannuleerd => "geannuleerd",
        }
    }

    pub fn from_slug(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.slug() == s)
    }

    pub fn key(self) -> String {
        format!("preventie-status-{}", self.slug())
    }
}

/// An activity as typed in (web form or API), before validation.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ActiviteitIn {
    /// `themaavond`, `ondernemersavond`, `informatiebijeenkomst` or `campagne`.
    pub soort: String,
    pub titel: String,
    /// One of `agrariers`, `ondernemers`, `jongeren`, `ouders`, `ouderen`, `inwoners`, `professionals`.
    pub doelgroep: String,
    /// A wijk code of the municipality (e.g. `WK196100`), or empty for the whole municipality.
    #[serde(default)]
    pub wijk: String,
    /// The date (YYYY-MM-DD); for a campaign its start.
    pub datum: String,
    /// Partner organisations, free text (e.g. "Politie, LTO, Ondernemersvereniging").
    #[serde(default)]
    pub partners: String,
    /// `gepland` (default), `gehouden` or `geannuleerd`.
    #[serde(default)]
    pub status: String,
    /// Invitations sent (for a campaign: people reached by the invitation or mailing).
    #[serde(default)]
    pub uitnodigingen: String,
    #[serde(default)]
    pub aanmeldingen: String,
    /// Attendance (for a campaign: its measured reach); counted into the policy indicators.
    #[serde(default)]
    pub opkomst: String,
    #[serde(default)]
    pub evaluatie: String,
}

/// A valid activity.
#[derive(Clone, Debug, PartialEq)]
pub struct Activiteit {
    pub soort: Soort,
    pub titel: String,
    pub doelgroep: String,
    pub wijk: Option<String>,
    pub datum: Date,
    pub partners: String,
    pub status: Status,
    pub uitnodigingen: Option<i64>,
    pub aanmeldingen: Option<i64>,
    pub opkomst: Option<i64>,
    pub evaluatie: String,
}

fn count(field: &str, v: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<i64>() {
        Ok(n) if (0..=10_000_000).contains(&n) => Some(n),
        _ => {
            errors.push(field_error(field, "preventie-error-count"));
            None
        }
    }
}

/// A date typed as YYYY-MM-DD.
pub fn date(field: &str, v: &str, errors: &mut Vec<FieldError>) -> Option<Date> {
    match v.trim().parse::<Date>() {
        Ok(d) if d.year() >= 2000 && d.year() <= 2100 => Some(d),
        _ => {
            errors.push(field_error(field, "preventie-error-date"));
            None
        }
    }
}

/// Required free text of at most `max` characters.
pub fn text(field: &str, v: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = v.trim();
    if v.is_empty() {
        errors.push(field_error(field, "preventie-error-required"));
    } else if v.chars().count() > max {
        errors.push(field_error(field, "preventie-error-too-long"));
    }
    v.to_string()
}

/// Optional free text of at most `max` characters.
pub fn optional_text(field: &str, v: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = v.trim();
    if v.chars().count() > max {
        errors.push(field_error(field, "preventie-error-too-long"));
    }
    v.to_string()
}

/// A wijk code of the municipality, or none.
pub fn wijk(
    field: &str,
    v: &str,
    known: &dyn Fn(&str) -> bool,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    if known(v) {
        Some(v.to_string())
    } else {
        errors.push(field_error(field, "preventie-error-wijk"));
        None
    }
}

impl ActiviteitIn {
    /// Checks the input; `known_wijk` says whether a wijk code exists. Figures of attendance only
    /// for a held activity, and never more registrations or attendance than plausible.
    pub fn parse(&self, known_wijk: &dyn Fn(&str) -> bool) -> Result<Activiteit, Vec<FieldError>> {
        let mut e = Vec::new();
        let soort = Soort::from_slug(self.soort.trim());
        if soort.is_none() {
            e.push(field_error("soort", "preventie-error-choice"));
        }
        let titel = text("titel", &self.titel, 200, &mut e);
        let doelgroep = self.doelgroep.trim().to_string();
        if !DOELGROEPEN.contains(&doelgroep.as_str()) {
            e.push(field_error("doelgroep", "preventie-error-choice"));
        }
        let wijk = wijk("wijk", &self.wijk, known_wijk, &mut e);
        let datum = date("datum", &self.datum, &mut e);
        let partners = optional_text("partners", &self.partners, 500, &mut e);
        let status = if self.status.trim().is_empty() {
            Some(Status::Gepland)
        } else {
            Status::from_slug(self.status.trim())
        };
        if status.is_none() {
            e.push(field_error("status", "preventie-error-choice"));
        }
        let uitnodigingen = count("uitnodigingen", &self.uitnodigingen, &mut e);
        let aanmeldingen = count("aanmeldingen", &self.aanmeldingen, &mut e);
        let opkomst = count("opkomst", &self.opkomst, &mut e);
        let evaluatie = optional_text("evaluatie", &self.evaluatie, 5000, &mut e);
        if opkomst.is_some() && status != Some(Status::Gehouden) {
            e.push(field_error(
                "opkomst",
                "preventie-error-attendance-not-held",
            ));
        }
        match (soort, datum, status) {
            (Some(soort), Some(datum), Some(status)) if e.is_empty() => Ok(Activiteit {
                soort,
                titel,
                doelgroep,
                wijk,
                datum,
                partners,
                status,
                uitnodigingen,
                aanmeldingen,
                opkomst,
                evaluatie,
            }),
            _ => Err(e),
        }
    }
}

/// A bulletin as typed in.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct BulletinIn {
    pub titel: String,
    /// `inwoners`, `ondernemers` or `iedereen`.
    pub doelgroep: String,
    /// Plain text; paragraphs separated by an empty line.
    pub tekst: String,
}

pub const BULLETIN_DOELGROEPEN: [&str; 3] = ["iedereen", "inwoners", "ondernemers"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bulletin {
    pub titel: String,
    pub doelgroep: String,
    pub tekst: String,
}

impl BulletinIn {
    pub fn parse(&self) -> Result<Bulletin, Vec<FieldError>> {
        let mut e = Vec::new();
        let titel = text("titel", &self.titel, 200, &mut e);
        let doelgroep = self.doelgroep.trim().to_string();
        if !BULLETIN_DOELGROEPEN.contains(&doelgroep.as_str()) {
            e.push(field_error("doelgroep", "preventie-error-choice"));
        }
        let tekst = text("tekst", &self.tekst, 20_000, &mut e);
        if e.is_empty() {
            Ok(Bulletin {
                titel,
                doelgroep,
                tekst,
            })
        } else {
            Err(e)
        }
    }
}

/// Paragraphs of a plain text (separated by an empty line).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// How many recipients go into the outbox per batch: small enough that one batch is one short
/// write transaction, so a large list never holds the writer for long.
pub const BATCH: usize = 50;

/// Sending progress as a whole percentage (0 when there is nobody to send to).
pub fn percent(done: i64, total: i64) -> i64 {
    if total <= 0 {
        return 100;
    }
    (done.clamp(0, total) * 100) / total
}

/// How long a confirmation link stays valid.
pub const CONFIRM_VALID_MS: i64 = 48 * 3600 * 1000;

/// Unconfirmed subscriptions are removed after this many days (their address was only ever used
/// for the one confirmation mail).
pub const UNCONFIRMED_KEPT_DAYS: i64 = 7;

// ---------------------------------------------------------------------------------------------
// Youth groups.

/// A youth group as typed in.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct GroepIn {
    /// A working name that names no person (e.g. "Groep Stationsplein").
    pub naam: String,
    /// The wijk code where the group gathers (e.g. `WK196100`).
    pub wijk: String,
    /// A buurt code within that wijk, or empty.
    #[serde(default)]
    pub buurt: String,
    /// The places where the group gathers (free text: a square, a playground, a shop front).
    #[serde(default)]
    pub plekken: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Groep {
    pub naam: String,
    pub wijk: String,
    pub buurt: Option<String>,
    pub plekken: String,
}

/// Whether buurt `buurt` (BU + 8 digits) lies in wijk `wijk` (WK + 6 digits): CBS codes nest.
pub fn buurt_in_wijk(buurt: &str, wijk: &str) -> bool {
    buurt.len() == 10 && wijk.len() == 8 && buurt.get(2..8) == wijk.get(2..8)
}

impl GroepIn {
    pub fn parse(
        &self,
        known_wijk: &dyn Fn(&str) -> bool,
        known_buurt: &dyn Fn(&str) -> bool,
    ) -> Result<Groep, Vec<FieldError>> {
        let mut e = Vec::new();
        let naam = text("naam", &self.naam, 120, &mut e);
        let wijk = self.wijk.trim().to_string();
        if !known_wijk(&wijk) {
            e.push(field_error("wijk", "preventie-error-wijk"));
        }
        let buurt = Some(self.buurt.trim().to_string()).filter(|b| !b.is_empty());
        if let Some(b) = &buurt {
            if !known_buurt(b) || !buurt_in_wijk(b, &wijk) {
                e.push(field_error("buurt", "preventie-error-buurt"));
            }
        }
        let plekken = optional_text("plekken", &self.plekken, 1000, &mut e);
        if e.is_empty() {
            Ok(Groep {
                naam,
                wijk,
                buurt,
                plekken,
            })
        } else {
            Err(e)
        }
    }
}

/// The grades of a group scan's severity, as the police deliver them (no Beke label).
pub const ERNST: [&str; 3] = ["laag", "midden", "hoog"];
/// The direction the group develops in.
pub const ONTWIKKELING: [&str; 3] = ["afnemend", "stabiel", "toenemend"];

/// A police group scan as delivered.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ScanIn {
    /// The date of the scan (YYYY-MM-DD).
    pub datum: String,
    /// Who delivered it (e.g. "Politie basisteam, groepsscan").
    pub bron: String,
    /// `laag`, `midden` or `hoog`.
    pub ernst: String,
    /// The risks seen (free text).
    pub risicos: String,
    /// `afnemend`, `stabiel` or `toenemend`.
    pub ontwikkeling: String,
    /// The impact on the neighbourhood (free text).
    pub impact: String,
    #[serde(default)]
    pub toelichting: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan {
    pub datum: Date,
    pub bron: String,
    pub ernst: String,
    pub risicos: String,
    pub ontwikkeling: String,
    pub impact: String,
    pub toelichting: String,
}

impl ScanIn {
    pub fn parse(&self, today: Date) -> Result<Scan, Vec<FieldError>> {
        let mut e = Vec::new();
        let datum = date("datum", &self.datum, &mut e);
        if datum.is_some_and(|d| d > today) {
            e.push(field_error("datum", "preventie-error-future"));
        }
        let bron = text("bron", &self.bron, 200, &mut e);
        let ernst = self.ernst.trim().to_string();
        if !ERNST.contains(&ernst.as_str()) {
            e.push(field_error("ernst", "preventie-error-choice"));
        }
        let risicos = text("risicos", &self.risicos, 2000, &mut e);
        let ontwikkeling = self.ontwikkeling.trim().to_string();
        if !ONTWIKKELING.contains(&ontwikkeling.as_str()) {
            e.push(field_error("ontwikkeling", "preventie-error-choice"));
        }
        let impact = text("impact", &self.impact, 2000, &mut e);
        let toelichting = optional_text("toelichting", &self.toelichting, 5000, &mut e);
        match datum {
            Some(datum) if e.is_empty() => Ok(Scan {
                datum,
                bron,
                ernst,
                risicos,
                ontwikkeling,
                impact,
                toelichting,
            }),
            _ => Err(e),
        }
    }
}

/// An action of a group's approach as typed in.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ActieIn {
    pub omschrijving: String,
    /// The id of a partner (school, youth work, Halt, police), or empty.
    #[serde(default)]
    pub partner: String,
    /// Who carries it out (an organisation or function, e.g. "Jongerenwerker wijk Noord").
    pub eigenaar: String,
    /// When the action is reviewed (YYYY-MM-DD).
    pub herzien_op: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actie {
    pub omschrijving: String,
    pub partner: Option<String>,
    pub eigenaar: String,
    pub herzien_op: Date,
}

impl ActieIn {
    pub fn parse(&self, known_partner: &dyn Fn(&str) -> bool) -> Result<Actie, Vec<FieldError>> {
        let mut e = Vec::new();
        let omschrijving = text("omschrijving", &self.omschrijving, 1000, &mut e);
        let partner = Some(self.partner.trim().to_string()).filter(|p| !p.is_empty());
        if partner.as_deref().is_some_and(|p| !known_partner(p)) {
            e.push(field_error("partner", "preventie-error-choice"));
        }
        let eigenaar = text("eigenaar", &self.eigenaar, 200, &mut e);
        let herzien_op = date("herzien_op", &self.herzien_op, &mut e);
        match herzien_op {
            Some(herzien_op) if e.is_empty() => Ok(Actie {
                omschrijving,
                partner,
                eigenaar,
                herzien_op,
            }),
            _ => Err(e),
        }
    }
}

/// Kinds of partners in prevention.
pub const PARTNER_SOORTEN: [&str; 5] = ["school", "jongerenwerk", "halt", "politie", "anders"];

/// A partner as typed in.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct PartnerIn {
    /// `school`, `jongerenwerk`, `halt`, `politie` or `anders`.
    pub soort: String,
    pub naam: String,
    #[serde(default)]
    pub plaats: String,
}

impl PartnerIn {
    pub fn parse(&self) -> Result<(String, String, String), Vec<FieldError>> {
        let mut e = Vec::new();
        let soort = self.soort.trim().to_string();
        if !PARTNER_SOORTEN.contains(&soort.as_str()) {
            e.push(field_error("soort", "preventie-error-choice"));
        }
        let naam = text("naam", &self.naam, 200, &mut e);
        let plaats = optional_text("plaats", &self.plaats, 100, &mut e);
        if e.is_empty() {
            Ok((soort, naam, plaats))
        } else {
            Err(e)
        }
    }
}

/// Whom a school's resilience programme is for.
pub const AFSPRAAK_DOELGROEPEN: [&str; 3] = ["leerlingen", "personeel", "beide"];
/// The state of an agreement.
pub const AFSPRAAK_STATUSSEN: [&str; 3] = ["gepland", "lopend", "afgerond"];

/// An agreement with a partner (a resilience programme at a school) as typed in.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct AfspraakIn {
    pub partner: String,
    /// The programme (e.g. "Weerbaarheid tegen ronselen, groep 8").
    pub programma: String,
    /// `leerlingen`, `personeel` or `beide`.
    pub doelgroep: String,
    /// Start date (YYYY-MM-DD).
    pub van: String,
    /// End date, or empty.
    #[serde(default)]
    pub tot: String,
    /// `gepland`, `lopend` or `afgerond`.
    pub status: String,
    #[serde(default)]
    pub notitie: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Afspraak {
    pub partner: String,
    pub programma: String,
    pub doelgroep: String,
    pub van: Date,
    pub tot: Option<Date>,
    pub status: String,
    pub notitie: String,
}

impl AfspraakIn {
    pub fn parse(&self, known_partner: &dyn Fn(&str) -> bool) -> Result<Afspraak, Vec<FieldError>> {
        let mut e = Vec::new();
        let partner = self.partner.trim().to_string();
        if !known_partner(&partner) {
            e.push(field_error("partner", "preventie-error-choice"));
        }
        let programma = text("programma", &self.programma, 300, &mut e);
        let doelgroep = self.doelgroep.trim().to_string();
        if !AFSPRAAK_DOELGROEPEN.contains(&doelgroep.as_str()) {
            e.push(field_error("doelgroep", "preventie-error-choice"));
        }
        let van = date("van", &self.van, &mut e);
        let tot = if self.tot.trim().is_empty() {
            None
        } else {
            date("tot", &self.tot, &mut e)
        };
        if let (Some(v), Some(t)) = (van, tot) {
            if t < v {
                e.push(field_error("tot", "preventie-error-end-before-start"));
            }
        }
        let status = self.status.trim().to_string();
        if !AFSPRAAK_STATUSSEN.contains(&status.as_str()) {
            e.push(field_error("status", "preventie-error-choice"));
        }
        let notitie = optional_text("notitie", &self.notitie, 2000, &mut e);
        match van {
            Some(van) if e.is_empty() => Ok(Afspraak {
                partner,
                programma,
                doelgroep,
                van,
                tot,
                status,
                notitie,
            }),
            _ => Err(e),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Neighbourhoods: teams and their contacts.

/// Kinds of neighbourhood teams.
pub const BUURTTEAM_SOORTEN: [&str; 3] = ["wijkraad", "buurtpreventie", "whatsapp"];

/// A neighbourhood team as typed in.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct BuurtteamIn {
    /// `wijkraad`, `buurtpreventie` or `whatsapp` (a WhatsApp neighbourhood-prevention group).
    pub soort: String,
    pub naam: String,
    pub wijk: String,
    #[serde(default)]
    pub buurt: String,
    /// The id of the organisation's team that keeps it (its members see the contacts).
    pub beheer_team: String,
    /// Number of participants, if known (no names).
    #[serde(default)]
    pub deelnemers: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Buurtteam {
    pub soort: String,
    pub naam: String,
    pub wijk: String,
    pub buurt: Option<String>,
    pub beheer_team: String,
    pub deelnemers: Option<i64>,
}

impl BuurtteamIn {
    pub fn parse(
        &self,
        known_wijk: &dyn Fn(&str) -> bool,
        known_buurt: &dyn Fn(&str) -> bool,
        own_team: &dyn Fn(&str) -> bool,
    ) -> Result<Buurtteam, Vec<FieldError>> {
        let mut e = Vec::new();
        let soort = self.soort.trim().to_string();
        if !BUURTTEAM_SOORTEN.contains(&soort.as_str()) {
            e.push(field_error("soort", "preventie-error-choice"));
        }
        let naam = text("naam", &self.naam, 200, &mut e);
        let wijk = self.wijk.trim().to_string();
        if !known_wijk(&wijk) {
            e.push(field_error("wijk", "preventie-error-wijk"));
        }
        let buurt = Some(self.buurt.trim().to_string()).filter(|b| !b.is_empty());
        if let Some(b) = &buurt {
            if !known_buurt(b) || !buurt_in_wijk(b, &wijk) {
                e.push(field_error("buurt", "preventie-error-buurt"));
            }
        }
        let beheer_team = self.beheer_team.trim().to_string();
        if !own_team(&beheer_team) {
            e.push(field_error("beheer_team", "preventie-error-choice"));
        }
        let deelnemers = count("deelnemers", &self.deelnemers, &mut e);
        if e.is_empty() {
            Ok(Buurtteam {
                soort,
                naam,
                wijk,
                buurt,
                beheer_team,
                deelnemers,
            })
        } else {
            Err(e)
        }
    }
}

/// The roles of a contact in a neighbourhood team.
pub const CONTACT_ROLLEN: [&str; 4] = ["coordinator", "wijkraadslid", "vertegenwoordiger", "lid"];
/// How consent was given.
pub const TOESTEMMING_WIJZEN: [&str; 3] = ["schriftelijk", "e-mail", "formulier"];
/// Consent to keep contact data lasts at most this many years; then it is asked again or removed.
pub const CONSENT_YEARS: i16 = 2;

/// A contact as typed in.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ContactIn {
    pub naam: String,
    /// `coordinator`, `wijkraadslid`, `vertegenwoordiger` or `lid`.
    pub rol: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub telefoon: String,
    /// When consent was given (YYYY-MM-DD), not in the future.
    pub toestemming_op: String,
    /// `schriftelijk`, `e-mail` or `formulier`.
    pub toestemming_hoe: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub naam: String,
    pub rol: String,
    pub email: String,
    pub telefoon: String,
    pub toestemming_op: Date,
    pub toestemming_hoe: String,
    /// Removed by the daily job after this day: consent plus [`CONSENT_YEARS`].
    pub bewaren_tot: Date,
}

impl ContactIn {
    pub fn parse(&self, today: Date) -> Result<Contact, Vec<FieldError>> {
        let mut e = Vec::new();
        let naam = text("naam", &self.naam, 200, &mut e);
        let rol = self.rol.trim().to_string();
        if !CONTACT_ROLLEN.contains(&rol.as_str()) {
            e.push(field_error("rol", "preventie-error-choice"));
        }
        let email = self.email.trim().to_string();
        if !email.is_empty() && !platform::identity::valid_email(&email) {
            e.push(field_error("email", "preventie-error-email"));
        }
        let telefoon = optional_text("telefoon", &self.telefoon, 30, &mut e);
        if email.is_empty() && telefoon.is_empty() {
            e.push(field_error("email", "preventie-error-reachable"));
        }
        let toestemming_op = date("toestemming_op", &self.toestemming_op, &mut e);
        if toestemming_op.is_some_and(|d| d > today) {
            e.push(field_error("toestemming_op", "preventie-error-future"));
        }
        let toestemming_hoe = self.toestemming_hoe.trim().to_string();
        if !TOESTEMMING_WIJZEN.contains(&toestemming_hoe.as_str()) {
            e.push(field_error("toestemming_hoe", "preventie-error-choice"));
        }
        let bewaren_tot =
            toestemming_op.and_then(|d| d.checked_add(jiff::Span::new().years(CONSENT_YEARS)).ok());
        if bewaren_tot.is_some_and(|d| d < today) {
            e.push(field_error(
                "toestemming_op",
                "preventie-error-consent-expired",
            ));
        }
        match (toestemming_op, bewaren_tot) {
            (Some(toestemming_op), Some(bewaren_tot)) if e.is_empty() => Ok(Contact {
                naam,
                rol,
                email,
                telefoon,
                toestemming_op,
                toestemming_hoe,
                bewaren_tot,
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ActiviteitIn {
        ActiviteitIn {
            soort: "themaavond".into(),
            titel: "Ondermijning op het erf".into(),
            doelgroep: "agrariers".into(),
            wijk: "WK196100".into(),
            datum: "2026-03-12".into(),
            partners: "Politie, LTO".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_planned_activity_parses_with_defaults() {
        let a = input().parse(&|c| c == "WK196100").unwrap();
        assert_eq!(a.soort, Soort::Themaavond);
        assert_eq!(a.status, Status::Gepland);
        assert_eq!(a.wijk.as_deref(), Some("WK196100"));
        assert_eq!(a.opkomst, None);
    }

    #[test]
    fn attendance_only_for_a_held_activity_and_bad_fields_are_named() {
        let mut i = input();
        i.opkomst = "40".into();
        let e = i.parse(&|_| true).unwrap_err();
        assert_eq!(e[0].field, "opkomst");
        i.status = "gehouden".into();
        assert_eq!(i.parse(&|_| true).unwrap().opkomst, Some(40));
        let bad = ActiviteitIn {
            soort: "feest".into(),
            doelgroep: "katten".into(),
            wijk: "WK999".into(),
            datum: "12-03-2026".into(),
            opkomst: "-1".into(),
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .parse(&|_| false)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        for f in ["soort", "titel", "doelgroep", "wijk", "datum", "opkomst"] {
            assert!(fields.contains(&f.to_string()), "{f}: {fields:?}");
        }
    }

    #[test]
    fn a_bulletin_needs_title_audience_and_text() {
        let b = BulletinIn {
            titel: "Let op: nepberichten van 'de bank'".into(),
            doelgroep: "inwoners".into(),
            tekst: "Eerste alinea.\r\n\r\nTweede alinea.".into(),
        }
        .parse()
        .unwrap();
        assert_eq!(
            paragraphs(&b.tekst),
            vec!["Eerste alinea.", "Tweede alinea."]
        );
        assert_eq!(BulletinIn::default().parse().unwrap_err().len(), 3);
    }

    #[test]
    fn a_group_lies_in_a_known_wijk_and_its_buurt_in_that_wijk() {
        assert!(buurt_in_wijk("BU19610003", "WK196100"));
        assert!(!buurt_in_wijk("BU19610103", "WK196100"));
        let g = GroepIn {
            naam: "Groep Stationsplein".into(),
            wijk: "WK196100".into(),
            buurt: "BU19610103".into(),
            plekken: "Bankjes bij het station".into(),
        };
        let e = g.parse(&|_| true, &|_| true).unwrap_err();
        assert_eq!(e[0].field, "buurt");
        let ok = GroepIn {
            buurt: String::new(),
            ..g
        };
        assert_eq!(ok.parse(&|_| true, &|_| true).unwrap().buurt, None);
    }

    #[test]
    fn a_scan_is_graded_dated_and_not_from_the_future() {
        let today = jiff::civil::date(2026, 12, 7);
        let scan = ScanIn {
            datum: "2026-11-01".into(),
            bron: "Politie basisteam, groepsscan".into(),
            ernst: "midden".into(),
            risicos: "Overlast, eerste signalen van ronselen".into(),
            ontwikkeling: "toenemend".into(),
            impact: "Bewoners mijden het plein 's avonds".into(),
            toelichting: String::new(),
        };
        assert_eq!(scan.parse(today).unwrap().ernst, "midden");
        let later = ScanIn {
            datum: "2027-01-01".into(),
            ernst: "beke-1".into(),
            ..scan
        };
        let fields: Vec<_> = later
            .parse(today)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["datum", "ernst"]);
    }

    #[test]
    fn an_agreement_ends_after_it_starts() {
        let a = AfspraakIn {
            partner: "p1".into(),
            programma: "Weerbaar tegen ronselen".into(),
            doelgroep: "leerlingen".into(),
            van: "2026-09-01".into(),
            tot: "2026-06-30".into(),
            status: "lopend".into(),
            notitie: String::new(),
        };
        let e = a.parse(&|p| p == "p1").unwrap_err();
        assert_eq!(e[0].field, "tot");
        let ok = AfspraakIn {
            tot: String::new(),
            ..a
        };
        assert!(ok.parse(&|p| p == "p1").is_ok());
        assert!(ok.parse(&|_| false).is_err());
    }

    #[test]
    fn a_contact_needs_consent_and_a_way_to_reach_them() {
        let today = jiff::civil::date(2026, 12, 7);
        let c = ContactIn {
            naam: "Coördinator (fictief)".into(),
            rol: "coordinator".into(),
            email: String::new(),
            telefoon: String::new(),
            toestemming_op: "2026-12-01".into(),
            toestemming_hoe: "formulier".into(),
        };
        let e = c.parse(today).unwrap_err();
        assert_eq!(e[0].message, "preventie-error-reachable");
        let ok = ContactIn {
            telefoon: "06-00000000".into(),
            ..c.clone()
        }
        .parse(today)
        .unwrap();
        assert_eq!(ok.bewaren_tot, jiff::civil::date(2028, 12, 1));
        let old = ContactIn {
            telefoon: "06-00000000".into(),
            toestemming_op: "2023-01-01".into(),
            ..c
        };
        assert_eq!(
            old.parse(today).unwrap_err()[0].message,
            "preventie-error-consent-expired"
        );
    }

    #[test]
    fn progress_is_a_clamped_percentage() {
        assert_eq!(percent(0, 0), 100);
        assert_eq!(percent(50, 200), 25);
        assert_eq!(percent(300, 200), 100);
    }
}
