//! Pure types and rules of meldingen: statuses and per-category workflows, deadlines in working
//! days (Dutch holidays via `termijnen`), routing rules, tracking codes and input validation.
//! No I/O.

use jiff::civil::Date;
use platform::identity::{field_error, valid_email, FieldError};
use termijnen::Calendar;

// ---------------------------------------------------------------------------------------------
// Statuses and workflows.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Gemeld,
    InBehandeling,
    WachtOpMelder,
    Afgehandeld,
    Geannuleerd,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Gemeld,
        Status::InBehandeling,
        Status::WachtOpMelder,
        Status::Afgehandeld,
        Status::Geannuleerd,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Status::Gemeld => "gemeld",
            Status::InBehandeling => "in-behandeling",
            Status::WachtOpMelder => "wacht-op-melder",
            Status::Afgehandeld => "afgehandeld",
            Status::Geannuleerd => "geannuleerd",
        }
    }

    pub fn from_slug(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.slug() == s)
    }

    /// The Fluent message id of the status name.
    pub fn label_key(self) -> String {
        format!("melding-status-{}", self.slug())
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Status::Afgehandeld | Status::Geannuleerd)
    }

    /// While the municipality waits for the reporter, the deadline clock stands still.
    pub fn suspends_deadline(self) -> bool {
        self == Status::WachtOpMelder
    }
}

/// A category's workflow: which status changes are allowed and the handling time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workflow {
    pub transitions: Vec<(Status, Status)>,
    pub termijn_werkdagen: u32,
}

pub const DEFAULT_TRANSITIONS: &str =
    "gemeld>in-behandeling;gemeld>afgehandeld;gemeld>geannuleerd;\
in-behandeling>wacht-op-melder;in-behandeling>afgehandeld;in-behandeling>geannuleerd;\
wacht-op-melder>in-behandeling;wacht-op-melder>afgehandeld;wacht-op-melder>geannuleerd;\
afgehandeld>in-behandeling";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("unknown status '{0}' in workflow")]
    UnknownStatus(String),
    #[error("status change from {0} to {1} is not allowed")]
    NotAllowed(&'static str, &'static str),
}

impl Workflow {
    /// Parses the stored form `"from>to;from>to"`.
    pub fn parse(text: &str, termijn_werkdagen: u32) -> Result<Workflow, WorkflowError> {
        let mut transitions = Vec::new();
        for pair in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = pair
                .split_once('>')
                .ok_or_else(|| WorkflowError::UnknownStatus(pair.to_string()))?;
            let from = Status::from_slug(a.trim())
                .ok_or_else(|| WorkflowError::UnknownStatus(a.to_string()))?;
            let to = Status::from_slug(b.trim())
                .ok_or_else(|| WorkflowError::UnknownStatus(b.to_string()))?;
            transitions.push((from, to));
        }
        Ok(Workflow {
            transitions,
            termijn_werkdagen,
        })
    }

    pub fn allowed_from(&self, from: Status) -> Vec<Status> {
        self.transitions
            .iter()
            .filter(|(a, _)| *a == from)
            .map(|(_, b)| *b)
            .collect()
    }

    pub fn check(&self, from: Status, to: Status) -> Result<(), WorkflowError> {
        if self.transitions.contains(&(from, to)) {
            Ok(())
        } else {
            Err(WorkflowError::NotAllowed(from.slug(), to.slug()))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deadlines.

/// Working days before the deadline from which a melding counts as "bijna" (almost late).
pub const BIJNA_WERKDAGEN: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineState {
    OpTijd,
    Bijna,
    TeLaat,
    Gepauzeerd,
    Gesloten,
}

impl DeadlineState {
    pub fn slug(self) -> &'static str {
        match self {
            DeadlineState::OpTijd => "op-tijd",
            DeadlineState::Bijna => "bijna",
            DeadlineState::TeLaat => "te-laat",
            DeadlineState::Gepauzeerd => "gepauzeerd",
            DeadlineState::Gesloten => "gesloten",
        }
    }
    pub fn label_key(self) -> String {
        format!("melding-termijn-{}", self.slug())
    }
}

/// The deadline of a melding received on `received`: `days` working days later (the day of
/// receipt does not count; weekends and Dutch public holidays are skipped).
pub fn initial_deadline(cal: &Calendar, received: Date, days: u32) -> Date {
    cal.add_working_days(received, days).unwrap_or(received)
}

/// The deadline after a suspension from `paused_on` until `resumed_on`: moved on by the working
/// days the melding waited for the reporter.
pub fn resume_deadline(cal: &Calendar, deadline: Date, paused_on: Date, resumed_on: Date) -> Date {
    let waited = cal.working_days_between(paused_on, resumed_on);
    cal.add_working_days(deadline, waited).unwrap_or(deadline)
}

/// The last date that counts as "bijna" seen from `today`.
pub fn bijna_grens(cal: &Calendar, today: Date) -> Date {
    cal.add_working_days(today, BIJNA_WERKDAGEN)
        .unwrap_or(today)
}

pub fn deadline_state(
    cal: &Calendar,
    status: Status,
    deadline: Date,
    today: Date,
) -> DeadlineState {
    if !status.is_open() {
        DeadlineState::Gesloten
    } else if status.suspends_deadline() {
        DeadlineState::Gepauzeerd
    } else if deadline < today {
        DeadlineState::TeLaat
    } else if deadline <= bijna_grens(cal, today) {
        DeadlineState::Bijna
    } else {
        DeadlineState::OpTijd
    }
}

// ---------------------------------------------------------------------------------------------
// Categories.

/// A category-specific extra question with its answer options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraVraag {
    pub label: String,
    pub opties: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct CategorySeed {
    pub slug: &'static str,
    pub naam: &'static str,
    pub thema: &'static str,
    pub thema_naam: &'static str,
    pub termijn_werkdagen: u32,
    pub extra_vraag: Option<(&'static str, &'static [&'static str])>,
}

/// The default category tree: IVB theme → category.
pub const DEFAULT_CATEGORIES: &[CategorySeed] = &[
    CategorySeed {
        slug: "verdacht-pand",
        naam: "Verdacht gebruik van panden of schuren",
        thema: "ondermijning",
        thema_naam: "Ondermijning",
        termijn_werkdagen: 10,
        extra_vraag: Some((
            "Wat valt u op?",
            &[
                "Geur (bijvoorbeeld hennep)",
                "Veel komen en gaan",
                "Afgeplakte ramen",
                "Iets anders",
            ],
        )),
    },
    CategorySeed {
        slug: "drugsoverlast",
        naam: "Drugsoverlast",
        thema: "woon-leefomgeving",
        thema_naam: "Veilige woon- en leefomgeving",
        termijn_werkdagen: 5,
        extra_vraag: Some(("Hoe vaak?", &["Eenmalig", "Wekelijks", "Dagelijks"])),
    },
    CategorySeed {
        slug: "woonoverlast",
        naam: "Woonoverlast of burenoverlast",
        thema: "woon-leefomgeving",
        thema_naam: "Veilige woon- en leefomgeving",
        termijn_werkdagen: 10,
        extra_vraag: Some((
            "Hoe lang speelt dit al?",
            &[
                "Minder dan een maand",
                "1 tot 6 maanden",
                "Langer dan 6 maanden",
            ],
        )),
    },
    CategorySeed {
        slug: "jeugdoverlast",
        naam: "Jeugdoverlast",
        thema: "jeugd",
        thema_naam: "Jeugd en veiligheid",
        termijn_werkdagen: 5,
        extra_vraag: Some((
            "Om hoeveel jongeren gaat het?",
            &["1 tot 5", "5 tot 10", "Meer dan 10"],
        )),
    },
    CategorySeed {
        slug: "horeca",
        naam: "Overlast uitgaan of horeca",
        thema: "uitgaan",
        thema_naam: "Veilig uitgaan en horeca",
        termijn_werkdagen: 5,
        extra_vraag: Some(("Hoe laat?", &["Overdag", "'s Avonds", "Na middernacht"])),
    },
    CategorySeed {
        slug: "online-fraude",
        naam: "Online fraude",
        thema: "cyber",
        thema_naam: "Cyberveiligheid",
        termijn_werkdagen: 10,
        extra_vraag: Some(("Bent u geld kwijtgeraakt?", &["Ja", "Nee"])),
    },
    CategorySeed {
        slug: "zorg-persoon",
        naam: "Zorg om een persoon",
        thema: "zorg-veiligheid",
        thema_naam: "Zorg en veiligheid",
        termijn_werkdagen: 3,
        extra_vraag: None,
    },
    CategorySeed {
        slug: "radicalisering",
        naam: "Radicalisering",
        thema: "radicalisering",
        thema_naam: "Polarisatie en radicalisering",
        termijn_werkdagen: 5,
        extra_vraag: None,
    },
    CategorySeed {
        slug: "overig",
        naam: "Overig",
        thema: "overig",
        thema_naam: "Overig",
        termijn_werkdagen: 10,
        extra_vraag: None,
    },
];

/// Default routing rules: (category, keyword, team slug) in order.
pub const DEFAULT_RULES: &[(Option<&str>, Option<&str>, &str)] = &[
    (Some("verdacht-pand"), None, "integrale-veiligheid"),
    (
        Some("drugsoverlast"),
        Some("hennep"),
        "integrale-veiligheid",
    ),
    (Some("drugsoverlast"), None, "handhaving"),
    (Some("woonoverlast"), None, "handhaving"),
    (Some("jeugdoverlast"), None, "handhaving"),
    (Some("horeca"), None, "vergunningen"),
    (Some("zorg-persoon"), None, "sociaal-domein"),
    (Some("radicalisering"), None, "integrale-veiligheid"),
    (None, None, "integrale-veiligheid"),
];

// ---------------------------------------------------------------------------------------------
// Routing.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub position: i64,
    pub categorie: Option<String>,
    pub trefwoord: Option<String>,
    /// A wijk (WK…) or buurt (BU…) code: the melding must lie in it.
    pub gebied: Option<String>,
    pub team_id: String,
    pub team_naam: String,
}

/// What routing looks at in a melding.
#[derive(Clone, Copy, Debug, Default)]
pub struct RouteInput<'a> {
    pub categorie: &'a str,
    pub text: &'a str,
    pub wijk: Option<&'a str>,
    pub buurt: Option<&'a str>,
}

impl Rule {
    pub fn matches(&self, m: &RouteInput) -> bool {
        let cat_ok = self.categorie.as_deref().is_none_or(|c| c == m.categorie);
        let kw_ok = self
            .trefwoord
            .as_deref()
            .is_none_or(|k| m.text.to_lowercase().contains(&k.to_lowercase()));
        let area_ok = self
            .gebied
            .as_deref()
            .is_none_or(|g| m.wijk == Some(g) || m.buurt == Some(g));
        cat_ok && kw_ok && area_ok
    }
}

/// The first rule (by position) that matches.
pub fn route<'a>(rules: &'a [Rule], m: &RouteInput) -> Option<&'a Rule> {
    let mut sorted: Vec<&Rule> = rules.iter().collect();
    sorted.sort_by_key(|r| r.position);
    sorted.into_iter().find(|r| r.matches(m))
}

pub fn route_explanation(rule: &Rule) -> String {
    format!(
        "toegewezen aan team {} door regel {}",
        rule.team_naam, rule.position
    )
}

// ---------------------------------------------------------------------------------------------
// Tracking codes.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A tracking code from 60 random bits: `XXXX-XXXX-XXXX` in Crockford base32.
pub fn volgcode_from(random: u64) -> String {
    let mut out = String::with_capacity(14);
    for i in 0..12 {
        if i == 4 || i == 8 {
            out.push('-');
        }
        let idx = ((random >> (i * 5)) & 31) as usize;
        out.push(char::from(ALPHABET[idx]));
    }
    out
}

/// Normalises a typed code (case, spaces, dashes, look-alike letters); `None` if it cannot be one.
pub fn normalize_volgcode(input: &str) -> Option<String> {
    let chars: Vec<char> = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    if chars.len() != 12 || !chars.iter().all(|c| ALPHABET.contains(&(*c as u8))) {
        return None;
    }
    let s: String = chars.into_iter().collect();
    Some(format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12]))
}

// ---------------------------------------------------------------------------------------------
// A public submission and its validation.

#[derive(Clone, Debug, PartialEq)]
pub enum Locatie {
    /// An address as typed, not found on the map (the geocoder unreachable, or the API).
    Adres(String),
    /// An address the geocoder found (picked from its suggestions, or looked up): the text it
    /// gives and its point.
    GevondenAdres {
        adres: String,
        lat: f64,
        lon: f64,
    },
    Punt {
        lat: f64,
        lon: f64,
    },
    /// A buurt chosen from the list (the alternative to pointing on the map): its code.
    Buurt(String),
    Onbekend,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    pub categorie: String,
    pub omschrijving: String,
    pub locatie: Locatie,
    /// When it happened: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, optional.
    pub wanneer: Option<String>,
    pub extra_antwoord: Option<String>,
    pub anoniem: bool,
    pub email: Option<String>,
    pub telefoon: Option<String>,
}

pub const MAX_FOTOS: usize = 3;
pub const MAX_OMSCHRIJVING: usize = 3000;

/// A point roughly within the Netherlands (a typo such as swapped coordinates lands outside).
pub fn in_netherlands(lat: f64, lon: f64) -> bool {
    (50.7..=53.7).contains(&lat) && (3.2..=7.3).contains(&lon)
}

/// A melding's number as people type it: "M-12", "m12" or "12" (digits only, above zero).
pub fn parse_nummer(text: &str) -> Option<i64> {
    let t = text
        .trim()
        .trim_start_matches(['M', 'm'])
        .trim_start_matches('-');
    match t.parse::<i64>() {
        Ok(n) if n > 0 && t.chars().all(|c| c.is_ascii_digit()) => Some(n),
        _ => None,
    }
}

/// How a melding reached the colleague who registers it (the history says which).
pub const KANALEN: [&str; 5] = ["telefoon", "balie", "e-mail", "waarneming", "partner"];

/// How near an open melding's point must be to a new one to be shown as a possible duplicate.
pub const NEARBY_METRES: f64 = 50.0;

/// The grid of the back-office map: cells of 1/500 degree (about 220 by 140 metres here), in
/// which the meldingen of a selection are counted; the page clusters them further per zoom.
pub const MAP_CELLS_PER_DEGREE: i64 = 500;

/// Meldingen counted in one cell of the map's grid: their mean point, how many, and the id of
/// the melding when it is the only one.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MapCell {
    pub lat: f64,
    pub lon: f64,
    pub n: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Cells merged into a coarser grid of `per_degree` cells per degree (for the map drawn without
/// JavaScript): counts add up, the point is the weighted mean, an id survives only alone.
pub fn merge_cells(cells: &[MapCell], per_degree: f64) -> Vec<MapCell> {
    let mut merged: Vec<((i64, i64), MapCell)> = Vec::new();
    for c in cells {
        let key = (
            (c.lat * per_degree).floor() as i64,
            (c.lon * per_degree).floor() as i64,
        );
        match merged.iter_mut().find(|(k, _)| *k == key) {
            Some((_, m)) => {
                let total = (m.n + c.n) as f64;
                m.lat = (m.lat * m.n as f64 + c.lat * c.n as f64) / total;
                m.lon = (m.lon * m.n as f64 + c.lon * c.n as f64) / total;
                m.n += c.n;
                m.id = None;
            }
            None => merged.push((key, c.clone())),
        }
    }
    merged.into_iter().map(|(_, c)| c).collect()
}

/// The street and house number of an address as people type it, so that reports about the
/// same door meet: "Voorstraat 1, 4132 AP Vianen", "voorstraat 1 Vianen" and "Voorstraat 1"
/// all give "voorstraat 1", and "Voorstraat 1-A" gives "voorstraat 1a". Without a number the
/// whole text counts, postcode left out. Towns are left out too: a false alarm about the same
/// street elsewhere costs a glance, a missed duplicate costs a second visit.
pub fn address_key(adres: &str) -> Option<String> {
    let lower = adres.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let digits = |t: &str| t.len() == 4 && t.chars().all(|c| c.is_ascii_digit());
    let letters = |t: &str| t.chars().count() == 2 && t.chars().all(char::is_alphabetic);
    // "4132 AP" (two tokens, the number of tokens it spans) or "4132AP" (one).
    let postcode_at = |i: usize| -> usize {
        let t = tokens[i];
        if digits(t) && tokens.get(i + 1).is_some_and(|n| letters(n)) {
            2
        } else if t.len() == 6 && t.get(..4).is_some_and(digits) && t.get(4..).is_some_and(letters)
        {
            1
        } else {
            0
        }
    };
    let mut words: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let span = postcode_at(i);
        if span > 0 {
            i += span;
            continue;
        }
        let t = tokens[i];
        if t.starts_with(|c: char| c.is_ascii_digit()) {
            if words.is_empty() {
                return None;
            }
            let mut number = t.to_string();
            // A suffix written apart: "1 a", "1-A".
            if let Some(s) = tokens
                .get(i + 1)
                .filter(|n| n.chars().count() == 1 && n.chars().all(char::is_alphabetic))
            {
                number.push_str(s);
            }
            return Some(format!("{} {number}", words.join(" ")));
        }
        words.push(t);
        i += 1;
    }
    let key = words.join(" ");
    (!key.is_empty()).then_some(key)
}

/// The distance in metres between two points (haversine; ample for 50 metres).
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    const EARTH_M: f64 = 6_371_000.0;
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_M * h.sqrt().asin()
}

/// The latitude and longitude spans that hold every point within `metres` of `lat`: a box for
/// an index to narrow down before [`distance_m`] decides.
pub fn degrees_around(lat: f64, metres: f64) -> (f64, f64) {
    let dlat = metres / 111_195.0;
    let dlon = metres / (111_195.0 * lat.to_radians().cos().max(0.01));
    (dlat, dlon)
}

/// True when `text` holds a Dutch postcode (4 digits, optional space, 2 letters).
/// A street with a house number and a place after it ("Voorstraat 1 Vianen", "Dorpsstraat
/// 12a, Meerkerk"): enough for a colleague to find an address typed without postcode.
pub fn has_street_number_and_place(text: &str) -> bool {
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    let is_word = |t: &str| {
        t.chars().any(char::is_alphabetic) && !t.starts_with(|c: char| c.is_ascii_digit())
    };
    tokens.iter().enumerate().any(|(i, t)| {
        t.starts_with(|c: char| c.is_ascii_digit())
            && i > 0
            && is_word(tokens[i - 1])
            && tokens[i + 1..]
                .iter()
                .any(|n| is_word(n) && n.chars().count() > 1)
    })
}

pub fn has_postcode(text: &str) -> bool {
    let b: Vec<char> = text.chars().collect();
    (0..b.len()).any(|i| {
        let digits = b.len() >= i + 4
            && b[i..i + 4].iter().all(|c| c.is_ascii_digit())
            && b[i] != '0'
            && (i == 0 || !b[i - 1].is_ascii_digit());
        if !digits {
            return false;
        }
        let mut j = i + 4;
        if b.get(j) == Some(&' ') {
            j += 1;
        }
        b.len() >= j + 2
            && b[j..j + 2].iter().all(|c| c.is_ascii_alphabetic())
            && b.get(j + 2).is_none_or(|c| !c.is_alphanumeric())
    })
}

pub fn valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
        && (10..=15).contains(&digits)
}

fn parse_wanneer(s: &str) -> Option<Date> {
    let date_part = s.get(0..10)?;
    let d: Date = date_part.parse().ok()?;
    match s.len() {
        10 => Some(d),
        16 => {
            let t = s.get(11..16)?;
            let ok = s
                .as_bytes()
                .get(10)
                .is_some_and(|c| *c == b'T' || *c == b' ')
                && t.parse::<jiff::civil::Time>().is_ok();
            ok.then_some(d)
        }
        _ => None,
    }
}

/// Checks a submission; `extra_opties` are the answer options of the category's extra question.
/// Messages are Fluent ids.
pub fn validate(
    s: &Submission,
    known_category: bool,
    extra_opties: &[String],
    today: Date,
) -> Vec<FieldError> {
    let mut e = Vec::new();
    if !known_category {
        e.push(field_error("categorie", "melding-fout-categorie"));
    }
    let len = s.omschrijving.trim().chars().count();
    if len < 10 {
        e.push(field_error(
            "omschrijving",
            "melding-fout-omschrijving-kort",
        ));
    } else if len > MAX_OMSCHRIJVING {
        e.push(field_error(
            "omschrijving",
            "melding-fout-omschrijving-lang",
        ));
    }
    match &s.locatie {
        Locatie::Adres(a) if a.trim().is_empty() => {
            e.push(field_error("adres", "melding-fout-adres-leeg"))
        }
        Locatie::Adres(a) if !has_postcode(a) && !has_street_number_and_place(a) => {
            e.push(field_error("adres", "melding-fout-postcode"))
        }
        Locatie::GevondenAdres { adres, .. } if adres.trim().is_empty() => {
            e.push(field_error("adres", "melding-fout-adres-leeg"))
        }
        Locatie::GevondenAdres { lat, lon, .. } if !in_netherlands(*lat, *lon) => {
            e.push(field_error("locatie", "melding-fout-punt"))
        }
        Locatie::Buurt(code) if !code.starts_with("BU") || monitor::areas::name(code).is_none() => {
            e.push(field_error("buurt", "melding-fout-buurt"))
        }
        Locatie::Punt { lat, lon } if !in_netherlands(*lat, *lon) => {
            e.push(field_error("locatie", "melding-fout-punt"))
        }
        _ => {}
    }
    if let Some(w) = s.wanneer.as_deref().filter(|w| !w.trim().is_empty()) {
        match parse_wanneer(w.trim()) {
            None => e.push(field_error("wanneer", "melding-fout-wanneer")),
            Some(d) if d > today => e.push(field_error("wanneer", "melding-fout-wanneer-toekomst")),
            Some(_) => {}
        }
    }
    if let Some(a) = s.extra_antwoord.as_deref().filter(|a| !a.is_empty()) {
        if !extra_opties.iter().any(|o| o == a) {
            e.push(field_error("extra", "melding-fout-extra"));
        }
    }
    let email = s.email.as_deref().map(str::trim).filter(|v| !v.is_empty());
    let phone = s
        .telefoon
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    if s.anoniem {
        if email.is_some() || phone.is_some() {
            e.push(field_error("anoniem", "melding-fout-anoniem-met-contact"));
        }
    } else {
        if email.is_none() && phone.is_none() {
            e.push(field_error("contact", "melding-fout-contact-kiezen"));
        }
        if let Some(m) = email {
            if !valid_email(m) {
                e.push(field_error("email", "melding-fout-email"));
            }
        }
        if let Some(p) = phone {
            if !valid_phone(p) {
                e.push(field_error("telefoon", "melding-fout-telefoon"));
            }
        }
    }
    e
}

// ---------------------------------------------------------------------------------------------
// Photos: decoded and encoded anew before storing, so that nothing but the pixels is kept.

/// The most pixels a photo may have (a 40-megapixel camera). Checked in the file's header
/// before anything is decoded, so a small file that would unpack to gigabytes is refused cheaply.
pub const MAX_FOTO_PIXELS: u64 = 40_000_000;

/// Why a photo is refused. The photo is then not stored in any form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// Not a JPEG or PNG (HEIC, WebP, GIF, a document, …).
    #[error("not a JPEG or PNG photo")]
    Type,
    /// Larger than [`MAX_FOTO_PIXELS`] by its header.
    #[error("too many pixels")]
    TooManyPixels,
    /// Truncated, damaged, or otherwise not decodable and encodable anew.
    #[error("the photo cannot be read")]
    Unreadable,
}

/// A photo as Baken stores it: decoded to pixels and encoded anew in its own format (JPEG stays
/// JPEG, PNG stays PNG), so no metadata survives whatever its form (EXIF with the GPS position
/// and camera serial, XMP, comments, PNG text chunks, ICC profiles, maker notes, thumbnails), nor
/// anything after the image (a second image, an archive). The EXIF orientation is applied to the
/// pixels first, so a portrait photo stays upright. A file that is not whole (truncated JPEG or
/// PNG) or that the decoder refuses is an error: a photo is never stored as it was sent.
pub fn clean_photo(data: &[u8]) -> Result<Vec<u8>, PhotoError> {
    use image::codecs::{jpeg::JpegEncoder, png::PngEncoder};
    use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
    let (format, end) = match platform::files::sniff(data) {
        Some("image/jpeg") => (ImageFormat::Jpeg, jpeg_end(data)),
        Some("image/png") => (ImageFormat::Png, png_end(data)),
        _ => return Err(PhotoError::Type),
    };
    // The decoders are lenient (a truncated JPEG decodes to grey rows without an error), so the
    // file's structure must run whole to its end marker; only the image up to it is read.
    let image = data
        .get(..end.ok_or(PhotoError::Unreadable)?)
        .unwrap_or(data);
    let reader = || {
        let mut r = ImageReader::with_format(std::io::Cursor::new(image), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(65_000);
        limits.max_image_height = Some(65_000);
        r.limits(limits);
        r
    };
    let (w, h) = reader()
        .into_dimensions()
        .map_err(|_| PhotoError::Unreadable)?;
    if w == 0 || h == 0 {
        return Err(PhotoError::Unreadable);
    }
    if u64::from(w) * u64::from(h) > MAX_FOTO_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let mut decoder = reader()
        .into_decoder()
        .map_err(|_| PhotoError::Unreadable)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut pixels = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::Unreadable)?;
    pixels.apply_orientation(orientation);
    let mut out = Vec::new();
    let written = match format {
        ImageFormat::Jpeg => {
            // JPEG has no alpha and no 16 bits: grey stays grey, everything else becomes RGB.
            let pixels = match pixels {
                DynamicImage::ImageLuma8(_) => pixels,
                other => DynamicImage::ImageRgb8(other.to_rgb8()),
            };
            pixels.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        }
        _ => pixels.write_with_encoder(PngEncoder::new(&mut out)),
    };
    written.map_err(|_| PhotoError::Unreadable)?;
    Ok(out)
}

/// Where a JPEG ends: just after its EOI marker, walking the segments (any number of 0xFF fill
/// bytes may precede a marker) and the entropy-coded scans. None when the file stops before
/// that, or has no frame and scan.
fn jpeg_end(d: &[u8]) -> Option<usize> {
    if !d.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let (mut i, mut frame, mut scan) = (2usize, false, false);
    loop {
        if *d.get(i)? != 0xFF {
            return None;
        }
        while *d.get(i + 1)? == 0xFF {
            i += 1;
        }
        let marker = *d.get(i + 1)?;
        i += 2;
        match marker {
            0xD9 => return (frame && scan).then_some(i),
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            0x00 | 0xD8 => return None,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([*d.get(i)?, *d.get(i + 1)?]));
        if len < 2 {
            return None;
        }
        i = i.checked_add(len).filter(|&e| e <= d.len())?;
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            frame = true;
        }
        if marker == 0xDA {
            scan = true;
            // Entropy-coded data runs to the next marker: 0xFF followed by anything but a
            // stuffed zero or a restart marker.
            loop {
                if *d.get(i)? == 0xFF {
                    let next = *d.get(i + 1)?;
                    if next != 0x00 && !(0xD0..=0xD7).contains(&next) {
                        break;
                    }
                    i += 2;
                } else {
                    i += 1;
                }
            }
        }
    }
}

/// Where a PNG ends: just after its IEND chunk. None when the chunks stop before it.
fn png_end(d: &[u8]) -> Option<usize> {
    let mut i = 8usize;
    loop {
        let len = u32::from_be_bytes(d.get(i..i + 4)?.try_into().ok()?);
        let kind = d.get(i + 4..i + 8)?;
        let end = i
            .checked_add(12)?
            .checked_add(usize::try_from(len).ok()?)
            .filter(|&e| e <= d.len())?;
        if kind == b"IEND" {
            return Some(end);
        }
        i = end;
    }
}

// ---------------------------------------------------------------------------------------------
// Mails to the reporter.

/// When a mail to the reporter can go out: on receipt, or when the melding reaches a status.
pub const MAIL_EVENTS: [&str; 5] = [
    "ontvangen",
    "in-behandeling",
    "wacht-op-melder",
    "afgehandeld",
    "geannuleerd",
];

/// The placeholders a mail template may use.
pub const MAIL_PLACEHOLDERS: [&str; 7] = [
    "volgcode",
    "nummer",
    "categorie",
    "status",
    "toelichting",
    "gemeente",
    "link",
];

/// The address of a melding's tracking page, where the reporter follows it and answers a
/// question: absolute under the configured public address (`--public-url`), which is never
/// taken from a request; only the path when none is known.
pub fn tracking_link(public_url: Option<&str>, volgcode: &str) -> String {
    let base = public_url
        .map(|u| u.trim().trim_end_matches('/'))
        .unwrap_or("");
    format!("{base}/melden/volg/{volgcode}")
}

/// A question mail always carries the link to answer it, also from a template saved before
/// `{{link}}` existed (or edited without it).
pub fn with_answer_link(text: String, template: &str, link: &str) -> String {
    if template.contains("{{link}}") {
        text
    } else {
        format!("{}\n\nU kunt antwoorden op: {link}", text.trim_end())
    }
}

/// The shipped templates: (event, subject, text, sent). Receipt, the question to the reporter
/// and closing go out; the others are ready to be switched on.
pub const DEFAULT_MAILS: [(&str, &str, &str, bool); 5] = [
    (
        "ontvangen",
        "Uw melding is ontvangen",
        "Beste melder,\n\nBedankt voor uw melding over \"{{categorie}}\". Wij hebben deze ontvangen.\n\n\
         Uw volgcode is {{volgcode}}. Hiermee kunt u de status volgen op {{link}}\n\n\
         Met vriendelijke groet,\n{{gemeente}}",
        true,
    ),
    (
        "in-behandeling",
        "Uw melding is in behandeling",
        "Beste melder,\n\nUw melding met volgcode {{volgcode}} is in behandeling genomen.\n\n{{toelichting}}\n\n\
         Met vriendelijke groet,\n{{gemeente}}",
        false,
    ),
    (
        "wacht-op-melder",
        "Wij hebben een vraag over uw melding",
        "Beste melder,\n\nOver uw melding met volgcode {{volgcode}} hebben wij een vraag:\n\n{{toelichting}}\n\n\
         U kunt antwoorden, ook met foto's, op {{link}}\n\n\
         Met vriendelijke groet,\n{{gemeente}}",
        true,
    ),
    (
        "afgehandeld",
        "Uw melding is afgehandeld",
        "Beste melder,\n\nUw melding met volgcode {{volgcode}} is afgehandeld.\n\n{{toelichting}}\n\n\
         Wilt u laten weten wat u van de afhandeling vond? Dat kan op {{link}}\n\n\
         Met vriendelijke groet,\n{{gemeente}}",
        true,
    ),
    (
        "geannuleerd",
        "Uw melding is gesloten",
        "Beste melder,\n\nUw melding met volgcode {{volgcode}} is gesloten zonder verdere behandeling.\n\n\
         {{toelichting}}\n\nMet vriendelijke groet,\n{{gemeente}}",
        false,
    ),
];

/// The message key of the error when a change to `to` comes without a text for the reporter:
/// closing needs the explanation the closing mail carries, waiting for the reporter the question.
pub fn needs_explanation(to: Status) -> Option<&'static str> {
    match to {
        Status::Afgehandeld => Some("melding-fout-toelichting-afhandeling"),
        Status::WachtOpMelder => Some("melding-fout-toelichting-vraag"),
        _ => None,
    }
}

/// The placeholders in `text` that Baken does not know; none at all when a `{{` is not closed.
pub fn unknown_placeholders(text: &str) -> Option<Vec<String>> {
    let mut unknown = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}")?;
        let name = after[..end].trim();
        if !MAIL_PLACEHOLDERS.contains(&name) && !unknown.iter().any(|u| u == name) {
            unknown.push(name.to_string());
        }
        rest = &after[end + 2..];
    }
    Some(unknown)
}

/// Fills the placeholders of a checked template; an empty toelichting leaves no blank
/// paragraph behind.
pub fn render_mail(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use jiff::civil::date;

    #[test]
    fn address_keys_meet_for_the_same_door() {
        let key = |a: &str| address_key(a);
        let want = Some("voorstraat 1".to_string());
        assert_eq!(key("Voorstraat 1, 4132 AP Vianen"), want);
        assert_eq!(key("  voorstraat 1 Vianen"), want);
        assert_eq!(key("VOORSTRAAT 1"), want);
        assert_eq!(key("Voorstraat 1-A"), Some("voorstraat 1a".into()));
        assert_eq!(key("Voorstraat 1 a, Vianen"), Some("voorstraat 1a".into()));
        assert_eq!(key("Voorstraat 1a"), Some("voorstraat 1a".into()));
        assert_ne!(key("Voorstraat 11"), want);
        assert_eq!(
            key("Burgemeester de Withstraat 12, 4132 AB"),
            Some("burgemeester de withstraat 12".into())
        );
        assert_eq!(key("Voorstraat 1, 4132AP Vianen"), want);
        assert_eq!(
            key("Kerkplein, 4141 AB Leerdam"),
            Some("kerkplein leerdam".into())
        );
        assert_eq!(
            key("Kerkplein, 4141AB Leerdam"),
            Some("kerkplein leerdam".into())
        );
        assert_eq!(key("4132 AP 1"), None, "no street before the number");
        assert_eq!(key(" , "), None);
        assert_eq!(
            key("Straat 123é4"),
            Some("straat 123é4".into()),
            "no panic on letters"
        );
    }

    #[test]
    fn distances_and_boxes() {
        let vianen = (51.9917, 5.0917);
        assert!(distance_m(vianen, vianen) < 0.001);
        // 0.0004 degrees of latitude is about 44 metres.
        let north = (vianen.0 + 0.0004, vianen.1);
        let d = distance_m(vianen, north);
        assert!((40.0..50.0).contains(&d), "{d}");
        let (dlat, dlon) = degrees_around(vianen.0, NEARBY_METRES);
        assert!(distance_m(vianen, (vianen.0 + dlat, vianen.1)) >= NEARBY_METRES - 0.5);
        assert!(distance_m(vianen, (vianen.0, vianen.1 + dlon)) >= NEARBY_METRES - 0.5);
        assert!(dlon > dlat, "a degree of longitude is shorter here");
    }

    fn wf() -> Workflow {
        Workflow::parse(DEFAULT_TRANSITIONS, 5).unwrap()
    }

    #[test]
    fn default_workflow_allows_the_usual_path_and_nothing_else() {
        let w = wf();
        use Status::*;
        for (a, b) in [
            (Gemeld, InBehandeling),
            (InBehandeling, WachtOpMelder),
            (WachtOpMelder, InBehandeling),
            (InBehandeling, Afgehandeld),
            (Afgehandeld, InBehandeling),
            (Gemeld, Geannuleerd),
        ] {
            assert!(w.check(a, b).is_ok(), "{a:?} -> {b:?}");
        }
        for (a, b) in [
            (Gemeld, WachtOpMelder),
            (Geannuleerd, InBehandeling),
            (Afgehandeld, Geannuleerd),
            (Gemeld, Gemeld),
        ] {
            assert_eq!(
                w.check(a, b),
                Err(WorkflowError::NotAllowed(a.slug(), b.slug()))
            );
        }
        assert!(w.allowed_from(Geannuleerd).is_empty());
        assert_eq!(w.allowed_from(Gemeld).len(), 3);
    }

    #[test]
    fn workflows_are_data_per_category() {
        let strict = Workflow::parse("gemeld>afgehandeld", 3).unwrap();
        assert!(strict.check(Status::Gemeld, Status::InBehandeling).is_err());
        assert!(strict.check(Status::Gemeld, Status::Afgehandeld).is_ok());
        assert!(Workflow::parse("gemeld>weg", 3).is_err());
        assert!(Workflow::parse("gemeld", 3).is_err());
    }

    #[test]
    fn status_slugs_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Status::from_slug("x"), None);
    }

    #[test]
    fn deadlines_skip_weekends_and_holidays() {
        let cal = Calendar::new();
        // Friday 2026-04-24, 5 working days: Mon 27 April is Koningsdag, so Mon..Fri = 28,29,30, 1 May, 4 May.
        assert_eq!(
            initial_deadline(&cal, date(2026, 4, 24), 5),
            date(2026, 5, 4)
        );
        // Wednesday 2026-12-23, 3 working days: 24, (25/26 Christmas, 27 Sunday) 28, 29.
        assert_eq!(
            initial_deadline(&cal, date(2026, 12, 23), 3),
            date(2026, 12, 29)
        );
    }

    #[test]
    fn waiting_for_the_reporter_suspends_the_deadline() {
        let cal = Calendar::new();
        let deadline = date(2026, 3, 13); // Friday
                                          // Waiting from Monday 2 March to Wednesday 4 March: 2 working days more.
        assert_eq!(
            resume_deadline(&cal, deadline, date(2026, 3, 2), date(2026, 3, 4)),
            date(2026, 3, 17)
        );
        // Resumed the same day: unchanged.
        assert_eq!(
            resume_deadline(&cal, deadline, date(2026, 3, 2), date(2026, 3, 2)),
            deadline
        );
    }

    #[test]
    fn deadline_states() {
        let cal = Calendar::new();
        let today = date(2026, 3, 2); // Monday
        let st = |s, d| deadline_state(&cal, s, d, today);
        assert_eq!(st(Status::Gemeld, date(2026, 2, 27)), DeadlineState::TeLaat);
        assert_eq!(st(Status::Gemeld, today), DeadlineState::Bijna);
        assert_eq!(
            st(Status::InBehandeling, date(2026, 3, 4)),
            DeadlineState::Bijna
        );
        assert_eq!(
            st(Status::InBehandeling, date(2026, 3, 5)),
            DeadlineState::OpTijd
        );
        assert_eq!(
            st(Status::WachtOpMelder, date(2026, 2, 1)),
            DeadlineState::Gepauzeerd
        );
        assert_eq!(
            st(Status::Afgehandeld, date(2026, 2, 1)),
            DeadlineState::Gesloten
        );
    }

    fn rules() -> Vec<Rule> {
        DEFAULT_RULES
            .iter()
            .enumerate()
            .map(|(i, (c, k, t))| Rule {
                position: i as i64 + 1,
                categorie: c.map(str::to_string),
                trefwoord: k.map(str::to_string),
                gebied: None,
                team_id: t.to_string(),
                team_naam: t.to_string(),
            })
            .collect()
    }

    fn input<'a>(categorie: &'a str, text: &'a str) -> RouteInput<'a> {
        RouteInput {
            categorie,
            text,
            ..RouteInput::default()
        }
    }

    #[test]
    fn routing_takes_the_first_matching_rule() {
        let r = rules();
        let hit = route(
            &r,
            &input("drugsoverlast", "Sterke HENNEPgeur uit de schuur"),
        )
        .unwrap();
        assert_eq!(
            (hit.position, hit.team_id.as_str()),
            (2, "integrale-veiligheid")
        );
        let hit = route(&r, &input("drugsoverlast", "dealen bij het station")).unwrap();
        assert_eq!((hit.position, hit.team_id.as_str()), (3, "handhaving"));
        let hit = route(&r, &input("online-fraude", "nep webwinkel")).unwrap();
        assert_eq!(hit.position, 9, "fallback rule");
        assert_eq!(
            route_explanation(route(&r, &input("woonoverlast", "x")).unwrap()),
            "toegewezen aan team handhaving door regel 4"
        );
        assert!(route(&r[..2], &input("overig", "x")).is_none());
    }

    #[test]
    fn an_area_rule_matches_its_wijk_or_buurt_only() {
        let mut r = rules();
        r.insert(
            0,
            Rule {
                position: 0,
                categorie: None,
                trefwoord: None,
                gebied: Some("WK196121".into()),
                team_id: "wijkteam-vianen".into(),
                team_naam: "Wijkteam Vianen".into(),
            },
        );
        let vianen = RouteInput {
            wijk: Some("WK196121"),
            buurt: Some("BU19612101"),
            ..input("woonoverlast", "x")
        };
        assert_eq!(route(&r, &vianen).unwrap().team_id, "wijkteam-vianen");
        r[0].gebied = Some("BU19612101".into());
        assert_eq!(route(&r, &vianen).unwrap().team_id, "wijkteam-vianen");
        let elders = RouteInput {
            wijk: Some("WK196101"),
            buurt: None,
            ..input("woonoverlast", "x")
        };
        assert_eq!(route(&r, &elders).unwrap().team_id, "handhaving");
        assert_eq!(
            route(&r, &input("woonoverlast", "x")).unwrap().team_id,
            "handhaving"
        );
    }

    #[test]
    fn tracking_codes_are_short_and_normalised() {
        let c = volgcode_from(0x0FED_CBA9_8765_4321);
        assert_eq!(c.len(), 14);
        assert_ne!(volgcode_from(1), volgcode_from(2));
        assert_eq!(
            normalize_volgcode(&c.to_lowercase().replace('-', " ")),
            Some(c.clone())
        );
        assert_eq!(
            normalize_volgcode("oooo-iiii-llll").as_deref(),
            Some("0000-1111-1111")
        );
        assert_eq!(normalize_volgcode("ABC"), None);
        assert_eq!(normalize_volgcode("UUUU-UUUU-UUUU"), None);
    }

    /// A small JPEG (or PNG) of `w` by `h` pixels with a colour gradient, as a camera makes one.
    fn encoded(w: u32, h: u32, png: bool) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
        });
        let mut out = Vec::new();
        let format = if png {
            image::ImageFormat::Png
        } else {
            image::ImageFormat::Jpeg
        };
        img.write_to(&mut std::io::Cursor::new(&mut out), format)
            .unwrap();
        out
    }

    /// An APP1 EXIF segment: IFD0 with the orientation and a GPS IFD (latitude reference), and
    /// the text of a position and camera serial that must not survive.
    fn exif_segment(orientation: u16) -> Vec<u8> {
        let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        tiff.extend(2u16.to_be_bytes());
        tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
        tiff.extend(orientation.to_be_bytes());
        tiff.extend([0, 0]);
        tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1]);
        tiff.extend(38u32.to_be_bytes());
        tiff.extend(0u32.to_be_bytes());
        tiff.extend(1u16.to_be_bytes());
        tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
        tiff.extend(0u32.to_be_bytes());
        tiff.extend(b"GPS 51.9851 5.0984 serial CAM-12345");
        let body = [&b"Exif\x00\x00"[..], &tiff].concat();
        [
            &[0xFF, 0xE1][..],
            &((body.len() + 2) as u16).to_be_bytes(),
            &body,
        ]
        .concat()
    }

    /// A JPEG with EXIF (GPS, orientation), XMP and a comment right after its start marker.
    fn jpeg_with_metadata(w: u32, h: u32, orientation: u16) -> Vec<u8> {
        let jpeg = encoded(w, h, false);
        let xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>51,59N</exif:GPSLatitude></x:xmpmeta>";
        let app1_xmp = [
            &[0xFF, 0xE1][..],
            &((xmp.len() + 2) as u16).to_be_bytes(),
            xmp,
        ]
        .concat();
        let com = b"\xFF\xFE\x00\x11mijn adres hier";
        [
            &jpeg[..2],
            &exif_segment(orientation),
            &app1_xmp,
            com,
            &jpeg[2..],
        ]
        .concat()
    }

    fn has(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn dims(data: &[u8]) -> (u32, u32) {
        let img = image::load_from_memory(data).unwrap();
        (img.width(), img.height())
    }

    fn assert_clean_jpeg(clean: &[u8]) {
        assert!(clean.starts_with(&[0xFF, 0xD8, 0xFF]));
        for secret in [
            &b"Exif"[..],
            b"GPS",
            b"CAM-12345",
            b"xmpmeta",
            b"mijn adres",
        ] {
            assert!(!has(clean, secret), "{}", String::from_utf8_lossy(secret));
        }
        // Nothing after the end marker.
        assert!(clean.ends_with(&[0xFF, 0xD9]));
    }

    #[test]
    fn a_jpeg_is_encoded_anew_without_metadata_and_upright() {
        let sent = jpeg_with_metadata(32, 16, 1);
        assert!(has(&sent, b"GPS 51.9851"));
        let clean = clean_photo(&sent).unwrap();
        assert_clean_jpeg(&clean);
        assert_eq!(dims(&clean), (32, 16));
        // Orientation 6 (the camera was turned a quarter): the pixels are turned, the tag goes.
        let turned = clean_photo(&jpeg_with_metadata(32, 16, 6)).unwrap();
        assert_clean_jpeg(&turned);
        assert_eq!(dims(&turned), (16, 32));
        // A cleaned photo cleans to the same kind of photo again.
        assert_eq!(dims(&clean_photo(&clean).unwrap()), (32, 16));
    }

    #[test]
    fn jpeg_fill_bytes_are_read() {
        let sent = jpeg_with_metadata(24, 24, 1);
        // Any number of 0xFF may precede a marker: before the comment and before the DQT.
        let com = sent.windows(2).position(|w| w == [0xFF, 0xFE]).unwrap();
        let filled = [&sent[..com], &[0xFF; 7][..], &sent[com..]].concat();
        let dqt = filled.windows(2).position(|w| w == [0xFF, 0xDB]).unwrap();
        let filled = [&filled[..dqt], &[0xFF; 3][..], &filled[dqt..]].concat();
        let clean = clean_photo(&filled).unwrap();
        assert_clean_jpeg(&clean);
        assert_eq!(dims(&clean), (24, 24));
    }

    #[test]
    fn an_appended_second_image_is_dropped() {
        let first = encoded(20, 10, false);
        let second = jpeg_with_metadata(64, 64, 1);
        let clean = clean_photo(&[&first[..], &second].concat()).unwrap();
        assert_clean_jpeg(&clean);
        assert_eq!(dims(&clean), (20, 10));
        // A PNG with a JPEG after its end: the PNG only.
        let png = encoded(12, 6, true);
        let clean = clean_photo(&[&png[..], &second].concat()).unwrap();
        assert!(!has(&clean, b"Exif") && !has(&clean, b"GPS"));
        assert_eq!(dims(&clean), (12, 6));
    }

    #[test]
    fn truncated_damaged_and_foreign_photos_are_refused() {
        let jpeg = jpeg_with_metadata(32, 32, 1);
        for cut in [jpeg.len() - 2, jpeg.len() - 40, jpeg.len() / 2, 300, 5, 3] {
            assert_eq!(
                clean_photo(&jpeg[..cut]),
                Err(PhotoError::Unreadable),
                "cut at {cut}"
            );
        }
        let png = encoded(32, 32, true);
        for cut in [png.len() - 1, png.len() - 12, png.len() / 2, 20, 9] {
            assert_eq!(
                clean_photo(&png[..cut]),
                Err(PhotoError::Unreadable),
                "cut at {cut}"
            );
        }
        // Garbage behind a JPEG or PNG signature.
        assert_eq!(
            clean_photo(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00garbage garbage garbage"),
            Err(PhotoError::Unreadable)
        );
        let mut bad_crc = png.clone();
        let n = bad_crc.len();
        bad_crc[n - 20] ^= 0x55; // inside the image data, whose CRC no longer matches
        assert_eq!(clean_photo(&bad_crc), Err(PhotoError::Unreadable));
        // HEIC, WebP, GIF, a PDF and text are not photos Baken takes.
        for foreign in [
            &b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"[..],
            b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00",
            b"GIF89a\x01\x00\x01\x00",
            b"%PDF-1.7\n",
            b"hallo",
            b"",
        ] {
            assert_eq!(clean_photo(foreign), Err(PhotoError::Type));
        }
    }

    /// A PNG chunk with its CRC.
    fn chunk(kind: &[u8], body: &[u8]) -> Vec<u8> {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in kind.iter().chain(body) {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        [
            &(body.len() as u32).to_be_bytes()[..],
            kind,
            body,
            &(!crc).to_be_bytes(),
        ]
        .concat()
    }

    #[test]
    fn png_metadata_chunks_are_dropped_and_pixels_kept() {
        let png = encoded(16, 8, true);
        // Text, EXIF and time chunks right after the header chunk (8 + 25 bytes).
        let meta = [
            chunk(b"tEXt", b"Author\x00Jan de Vries, Voorstraat 1"),
            chunk(b"iTXt", b"GPS\x00\x00\x00\x00\x0051.9851 5.0984"),
            chunk(b"eXIf", &exif_segment(1)[10..]),
            chunk(b"tIME", &[0x07, 0xEA, 12, 7, 11, 0, 0]),
        ]
        .concat();
        let sent = [&png[..33], &meta, &png[33..]].concat();
        assert_eq!(dims(&sent), (16, 8), "the crafted PNG is valid");
        let clean = clean_photo(&sent).unwrap();
        for secret in [
            &b"tEXt"[..],
            b"iTXt",
            b"eXIf",
            b"tIME",
            b"Jan de Vries",
            b"GPS",
        ] {
            assert!(!has(&clean, secret), "{}", String::from_utf8_lossy(secret));
        }
        let before = image::load_from_memory(&png).unwrap().to_rgb8();
        let after = image::load_from_memory(&clean).unwrap().to_rgb8();
        assert_eq!(before, after, "PNG is lossless: the same pixels");
    }

    #[test]
    fn photos_with_too_many_pixels_are_refused_by_their_header() {
        // A PNG header claiming 10000 × 10000 (100 megapixels) with almost no data: a bomb.
        let ihdr = [
            &10_000u32.to_be_bytes()[..],
            &10_000u32.to_be_bytes(),
            &[8, 2, 0, 0, 0],
        ]
        .concat();
        let bomb = [
            &b"\x89PNG\r\n\x1a\n"[..],
            &chunk(b"IHDR", &ihdr),
            &chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
            &chunk(b"IEND", b""),
        ]
        .concat();
        assert_eq!(clean_photo(&bomb), Err(PhotoError::TooManyPixels));
        // A JPEG whose frame header says 8000 × 8000.
        let mut jpeg = encoded(8, 8, false);
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 7].copy_from_slice(&8000u16.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&8000u16.to_be_bytes());
        assert_eq!(clean_photo(&jpeg), Err(PhotoError::TooManyPixels));
        // A photo from a phone (6000 × 4000) is well within the limit.
        const { assert!(MAX_FOTO_PIXELS >= 6000 * 4000) };
    }

    #[test]
    fn map_cells_merge_into_a_coarser_grid_keeping_every_melding() {
        let cell = |lat: f64, lon: f64, n: i64, id: Option<&str>| MapCell {
            lat,
            lon,
            n,
            id: id.map(str::to_string),
        };
        let cells = [
            cell(51.991, 5.091, 1, Some("a")),
            cell(51.993, 5.093, 3, None),
            cell(51.951, 5.011, 1, Some("b")),
        ];
        let merged = merge_cells(&cells, 100.0);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged.iter().map(|c| c.n).sum::<i64>(), 5, "none lost");
        let town = merged.iter().find(|c| c.n == 4).unwrap();
        assert!((town.lat - 51.9925).abs() < 1e-9 && town.id.is_none());
        assert_eq!(
            merged.iter().find(|c| c.n == 1).unwrap().id.as_deref(),
            Some("b")
        );
    }

    #[test]
    fn postcodes_and_phones() {
        assert!(has_postcode("Voorstraat 1, 4132 AP Vianen"));
        assert!(has_postcode("4141AB Leerdam"));
        assert!(!has_postcode("Voorstraat 1, Vianen"));
        assert!(!has_postcode("0132 AP"));
        assert!(!has_postcode("41321 AP"));
        assert!(has_street_number_and_place("Voorstraat 1, Vianen"));
        assert!(has_street_number_and_place("Dorpsstraat 12a Meerkerk"));
        assert!(!has_street_number_and_place("Voorstraat 1"));
        assert!(!has_street_number_and_place("Vianen"));
        assert!(!has_street_number_and_place("1 Vianen"));
        assert!(valid_phone("06-12345678"));
        assert!(valid_phone("+31 6 1234 5678"));
        assert!(!valid_phone("123"));
        assert!(!valid_phone("06 1234 567x"));
    }

    fn sub() -> Submission {
        Submission {
            categorie: "drugsoverlast".into(),
            omschrijving: "Er wordt elke avond gedeald bij het speeltuintje.".into(),
            locatie: Locatie::Punt {
                lat: 51.99,
                lon: 5.09,
            },
            wanneer: Some("2026-03-01T21:30".into()),
            extra_antwoord: Some("Dagelijks".into()),
            anoniem: true,
            email: None,
            telefoon: None,
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn validation_names_the_field() {
        let today = date(2026, 3, 2);
        let opts = vec!["Eenmalig".to_string(), "Dagelijks".to_string()];
        assert!(validate(&sub(), true, &opts, today).is_empty());
        let mut s = sub();
        s.omschrijving = "kort".into();
        // Without postcode, street and number without a place are not enough.
        s.locatie = Locatie::Adres("Voorstraat 1".into());
        s.wanneer = Some("2026-03-05".into());
        s.extra_antwoord = Some("Soms".into());
        assert_eq!(
            fields(validate(&s, false, &opts, today)),
            ["categorie", "omschrijving", "adres", "wanneer", "extra"]
        );
        let mut s = sub();
        s.locatie = Locatie::Punt {
            lat: 40.0,
            lon: 5.0,
        };
        s.email = Some("a@example.nl".into());
        assert_eq!(
            fields(validate(&s, true, &opts, today)),
            ["locatie", "anoniem"]
        );
        let mut s = sub();
        s.anoniem = false;
        s.locatie = Locatie::Onbekend;
        assert_eq!(fields(validate(&s, true, &opts, today)), ["contact"]);
        s.email = Some("geen-adres".into());
        s.telefoon = Some("12".into());
        assert_eq!(
            fields(validate(&s, true, &opts, today)),
            ["email", "telefoon"]
        );
        s.email = Some("melder@example.nl".into());
        s.telefoon = None;
        assert!(validate(&s, true, &opts, today).is_empty());
        s.wanneer = Some("gisteren".into());
        assert_eq!(fields(validate(&s, true, &opts, today)), ["wanneer"]);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn day(offset: i64) -> Date {
            jiff::civil::date(2020, 1, 1)
                .checked_add(jiff::Span::new().days(offset))
                .unwrap_or(jiff::civil::date(2020, 1, 1))
        }

        proptest! {
            /// A deadline never ends on a weekend or a public holiday, and always lies after
            /// the day of receipt; a suspension never shortens it.
            #[test]
            fn deadlines_end_on_working_days(start in 0i64..5800, days in 1u32..40, waited in 0i64..30) {
                let cal = Calendar::new();
                let received = day(start);
                let deadline = initial_deadline(&cal, received, days);
                prop_assert!(cal.is_working_day(deadline));
                prop_assert!(deadline > received);
                let resumed = resume_deadline(&cal, deadline, received, day(start + waited));
                prop_assert!(cal.is_working_day(resumed));
                prop_assert!(resumed >= deadline);
            }

            /// Whatever is asked, a melding only ever reaches the first status or a target of a
            /// listed transition, and only along listed transitions.
            #[test]
            fn the_state_machine_never_leaves_its_workflow(asks in proptest::collection::vec(0usize..5, 0..40)) {
                let wf = Workflow::parse(DEFAULT_TRANSITIONS, 5).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let mut state = Status::Gemeld;
                for a in asks {
                    let to = Status::ALL[a];
                    if wf.check(state, to).is_ok() {
                        prop_assert!(wf.transitions.contains(&(state, to)));
                        state = to;
                    }
                    prop_assert!(state == Status::Gemeld || wf.transitions.iter().any(|(_, b)| *b == state));
                }
            }
        }
    }

    #[test]
    fn mail_templates_are_checked_and_filled() {
        assert_eq!(
            unknown_placeholders("{{volgcode}} {{ naam }} {{naam}} {{bsn}}"),
            Some(vec!["naam".to_string(), "bsn".to_string()])
        );
        assert_eq!(unknown_placeholders("Beste {{volgcode"), None);
        for (_, subject, text, _) in DEFAULT_MAILS {
            assert_eq!(unknown_placeholders(subject), Some(vec![]));
            assert_eq!(unknown_placeholders(text), Some(vec![]));
        }
        let text = render_mail(
            "Code {{volgcode}}.\n\n{{toelichting}}\n\nGroet,\n{{gemeente}}",
            &[
                ("volgcode", "ABC"),
                ("toelichting", ""),
                ("gemeente", "Gemeente X"),
            ],
        );
        assert_eq!(text, "Code ABC.\n\nGroet,\nGemeente X");
    }
}
