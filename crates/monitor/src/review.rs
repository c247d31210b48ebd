//! The two-weekly review (tweewekelijkse bespreking) with the police: pure rules — the decisions a
//! team can record, the checks on input, which alarms a new session lists, and the figures that
//! explain an alarm. No I/O.

use std::collections::HashSet;

use platform::identity::{field_error, FieldError};

use crate::model::{Level, Period};

/// What the team decided about an alarm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    GeenActie,
    PreventieveActie,
    Maatregel,
    Communicatie,
}

impl Decision {
    pub const ALL: [Decision; 4] = [
        Decision::GeenActie,
        Decision::PreventieveActie,
        Decision::Maatregel,
        Decision::Communicatie,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Decision::GeenActie => "geen-actie",
            Decision::PreventieveActie => "preventieve-actie",
            Decision::Maatregel => "maatregel",
            Decision::Communicatie => "communicatie",
        }
    }

    /// The Fluent key of the label.
    pub fn label_key(self) -> &'static str {
        match self {
            Decision::GeenActie => "monitor-decision-geen-actie",
            Decision::PreventieveActie => "monitor-decision-preventieve-actie",
            Decision::Maatregel => "monitor-decision-maatregel",
            Decision::Communicatie => "monitor-decision-communicatie",
        }
    }

    /// Reads a slug; also "geen actie" (with a space) and any capitalisation.
    pub fn parse(s: &str) -> Option<Decision> {
        let norm: String = s
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '_' { '-' } else { c })
            .collect();
        Decision::ALL.into_iter().find(|d| d.slug() == norm)
    }
}

/// One alarm: an area × crime type × month whose count is above the Farrington threshold.
#[derive(Clone, Debug, PartialEq)]
pub struct Alarm {
    pub region: String,
    pub region_name: String,
    /// `gemeente`, `wijk`, `buurt` (or `land`).
    pub region_level: String,
    pub crime_type: String,
    pub crime_title: String,
    /// CBS period code, e.g. `2025MM01`.
    pub period: String,
    pub observed: i64,
    pub expected: f64,
    pub upperbound: f64,
    /// The same month a year earlier (`None` when unknown or unpublished).
    pub previous_year: Option<i64>,
    /// Whether the fitted model kept a (significant) trend.
    pub trend: bool,
}

/// What identifies an alarm across sessions: region, crime type, period.
pub type AlarmKey = (String, String, String);

impl Alarm {
    pub fn key(&self) -> AlarmKey {
        (
            self.region.clone(),
            self.crime_type.clone(),
            self.period.clone(),
        )
    }

    /// "jan 2025" style label of the period.
    pub fn period_label(&self) -> String {
        Period::parse(&self.period)
            .map(Period::label)
            .unwrap_or_else(|| self.period.clone())
    }

    /// The arguments of the Fluent message `monitor-review-explanation`.
    pub fn explanation_args(&self, lang: &str) -> Vec<(&'static str, String)> {
        vec![
            ("period", self.period_label()),
            ("observed", self.observed.to_string()),
            ("expected", decimal(self.expected, lang)),
            ("threshold", decimal(self.upperbound, lang)),
            (
                "previous",
                self.previous_year
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "none".into()),
            ),
            ("trend", if self.trend { "yes" } else { "no" }.into()),
        ]
    }
}

/// One decimal, with a decimal comma in Dutch.
pub fn decimal(v: f64, lang: &str) -> String {
    let s = format!("{v:.1}");
    if lang == "en" {
        s
    } else {
        s.replace('.', ",")
    }
}

fn level_rank(level: &str) -> u8 {
    match level {
        "gemeente" => Level::Gemeente as u8,
        "wijk" => Level::Wijk as u8,
        "buurt" => Level::Buurt as u8,
        _ => Level::Land as u8,
    }
}

/// Newest period first; within a period the gemeente before its wijken and buurten.
pub fn sort_alarms(alarms: &mut [Alarm]) {
    alarms.sort_by(|a, b| {
        b.period
            .cmp(&a.period)
            .then(level_rank(&a.region_level).cmp(&level_rank(&b.region_level)))
            .then(a.region.cmp(&b.region))
            .then(a.crime_type.cmp(&b.crime_type))
    });
}

/// One buurt series tested for a crime type and month: its Farrington p-value, and the alarm
/// when Farrington flagged it (above the threshold and past the minimum-count rule).
#[derive(Clone, Debug, PartialEq)]
pub struct BuurtTest {
    pub p_value: f64,
    pub alarm: Option<Alarm>,
}

/// A buurt that Farrington flagged, with what false-discovery control made of it.
#[derive(Clone, Debug, PartialEq)]
pub struct FdrCandidate {
    pub alarm: Alarm,
    pub p_value: f64,
    /// The Benjamini–Hochberg adjusted p-value across the buurten tested with it.
    pub q_value: f64,
    /// Whether the alarm stands (q at most the false-discovery level) or was suppressed.
    pub kept: bool,
}

/// The false-discovery control of one crime type and month across the buurten.
#[derive(Clone, Debug, PartialEq)]
pub struct FdrGroup {
    pub crime_type: String,
    pub period: String,
    /// How many buurt series were tested (evaluated) for this crime type and month.
    pub tested: usize,
    /// The flagged buurten, smallest p-value first.
    pub candidates: Vec<FdrCandidate>,
}

impl FdrGroup {
    pub fn kept(&self) -> usize {
        self.candidates.iter().filter(|c| c.kept).count()
    }

    pub fn suppressed(&self) -> usize {
        self.candidates.len() - self.kept()
    }

    /// How many buurten would exceed their threshold by chance alone, at most, with one-sided
    /// level `alpha` per test and nothing going on.
    pub fn chance_exceedances(&self, alpha: f64) -> f64 {
        self.tested as f64 * alpha
    }

    /// The crime type's title, as the candidates carry it.
    pub fn crime_title(&self) -> &str {
        self.candidates
            .first()
            .map(|c| c.alarm.crime_title.as_str())
            .unwrap_or(self.crime_type.as_str())
    }

    pub fn period_label(&self) -> String {
        Period::parse(&self.period)
            .map(Period::label)
            .unwrap_or_else(|| self.period.clone())
    }
}

/// Applies Benjamini–Hochberg (`level`) to the buurten tested for one crime type and month: every
/// test counts in the correction, the flagged ones become candidates, kept or suppressed.
pub fn fdr_group(crime_type: &str, period: &str, tests: Vec<BuurtTest>, level: f64) -> FdrGroup {
    let pv: Vec<(f64, bool)> = tests
        .iter()
        .map(|t| (t.p_value, t.alarm.is_some()))
        .collect();
    let mut candidates: Vec<FdrCandidate> = crate::model::buurt_fdr(&pv, level)
        .into_iter()
        .zip(tests)
        .filter_map(|((q_value, kept), t)| {
            Some(FdrCandidate {
                alarm: t.alarm?,
                p_value: t.p_value,
                q_value,
                kept,
            })
        })
        .collect();
    candidates.sort_by(|a, b| {
        a.p_value
            .total_cmp(&b.p_value)
            .then(a.alarm.region.cmp(&b.alarm.region))
    });
    FdrGroup {
        crime_type: crime_type.to_string(),
        period: period.to_string(),
        tested: pv.len(),
        candidates,
    }
}

/// Groups with candidates, newest month first, then by crime type.
pub fn sort_groups(groups: &mut [FdrGroup]) {
    groups.sort_by(|a, b| {
        b.period
            .cmp(&a.period)
            .then(a.crime_type.cmp(&b.crime_type))
    });
}

/// The levels the alarm page lists, in order: gemeente, wijk, buurt always; the national
/// series (for comparison) only when they alarm. Each with its alarms, in the given order.
pub fn by_level(alarms: &[Alarm]) -> Vec<(Level, Vec<&Alarm>)> {
    let mut out: Vec<(Level, Vec<&Alarm>)> =
        [Level::Gemeente, Level::Wijk, Level::Buurt, Level::Land]
            .into_iter()
            .map(|l| {
                (
                    l,
                    alarms
                        .iter()
                        .filter(|a| level_rank(&a.region_level) == l as u8)
                        .collect(),
                )
            })
            .collect();
    out.retain(|(l, list)| *l != Level::Land || !list.is_empty());
    out
}

/// A number as written (`0.05` → `0,05` in Dutch), without rounding.
pub fn decimal_plain(v: f64, lang: &str) -> String {
    let s = v.to_string();
    if lang == "en" {
        s
    } else {
        s.replace('.', ",")
    }
}

/// A p- or q-value for people: three decimals, or "< 0,001" (decimal comma in Dutch).
pub fn probability(v: f64, lang: &str) -> String {
    let s = if v < 0.001 {
        "< 0.001".to_string()
    } else {
        format!("{v:.3}")
    };
    if lang == "en" {
        s
    } else {
        s.replace('.', ",")
    }
}

/// The alarms a new session lists: those no earlier session listed, for months that had begun
/// by the session date (`held_on`, a checked `YYYY-MM-DD`), sorted.
pub fn new_alarms(current: Vec<Alarm>, listed: &HashSet<AlarmKey>, held_on: &str) -> Vec<Alarm> {
    let day = parse_date(held_on);
    let mut out: Vec<Alarm> = current
        .into_iter()
        .filter(|a| !listed.contains(&a.key()))
        .filter(|a| match (Period::parse(&a.period), day) {
            (Some(p), Some((y, m, _))) => (p.year, p.month) <= (y, m),
            _ => true,
        })
        .collect();
    sort_alarms(&mut out);
    out
}

/// A calendar date written `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let s = s.trim();
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    if !s.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return None;
    }
    let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1900 && (1..=days).contains(&d)).then_some((y, m, d))
}

/// `YYYY-MM-DD` (UTC) of a Unix time in milliseconds.
pub fn iso_date(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `DD-MM-YYYY` for display, from a checked `YYYY-MM-DD`.
pub fn display_date(iso: &str) -> String {
    match parse_date(iso) {
        Some((y, m, d)) => format!("{d:02}-{m:02}-{y}"),
        None => iso.to_string(),
    }
}

/// A checked request to start a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSession {
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub title: String,
}

/// Field names are those of the form and the API: `held_on`, `title`. Messages are Fluent keys.
pub fn check_session(held_on: &str, title: &str) -> Result<NewSession, Vec<FieldError>> {
    let mut errors = Vec::new();
    let held_on = held_on.trim();
    if held_on.is_empty() {
        errors.push(field_error("held_on", "error-required"));
    } else if parse_date(held_on).is_none() {
        errors.push(field_error("held_on", "error-date"));
    }
    let title = title.trim();
    if title.is_empty() {
        errors.push(field_error("title", "error-required"));
    } else if title.chars().count() > 200 {
        errors.push(field_error("title", "error-too-long"));
    }
    if errors.is_empty() {
        Ok(NewSession {
            held_on: held_on.to_string(),
            title: title.to_string(),
        })
    } else {
        Err(errors)
    }
}

/// A checked decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDecision {
    pub decision: Decision,
    pub note: String,
    /// A path inside Baken, e.g. `/maatregelen/…`.
    pub link: Option<String>,
}

pub const NOTE_MAX: usize = 2000;
const LINK_MAX: usize = 500;

/// A link must be a path inside Baken: it starts with one `/`, has no spaces or backslashes.
pub fn valid_link(link: &str) -> bool {
    link.starts_with('/')
        && !link.starts_with("//")
        && link.chars().count() <= LINK_MAX
        && !link
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

/// Field names: `decision`, `note`, `link`. Messages are Fluent keys.
pub fn check_decision(
    decision: &str,
    note: &str,
    link: &str,
) -> Result<NewDecision, Vec<FieldError>> {
    let mut errors = Vec::new();
    let parsed = Decision::parse(decision);
    if parsed.is_none() {
        errors.push(field_error("decision", "error-choice"));
    }
    let note = note.trim();
    if note.chars().count() > NOTE_MAX {
        errors.push(field_error("note", "monitor-error-note-long"));
    }
    let link = link.trim();
    if !link.is_empty() && !valid_link(link) {
        errors.push(field_error("link", "monitor-error-link"));
    }
    match parsed {
        Some(decision) if errors.is_empty() => Ok(NewDecision {
            decision,
            note: note.to_string(),
            link: (!link.is_empty()).then(|| link.to_string()),
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarm(region: &str, level: &str, crime: &str, period: &str) -> Alarm {
        Alarm {
            region: region.into(),
            region_name: region.into(),
            region_level: level.into(),
            crime_type: crime.into(),
            crime_title: crime.into(),
            period: period.into(),
            observed: 9,
            expected: 2.34,
            upperbound: 5.04,
            previous_year: Some(3),
            trend: false,
        }
    }

    #[test]
    fn decisions_parse_from_slug_and_words() {
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.slug()), Some(d));
        }
        assert_eq!(Decision::parse("Geen actie"), Some(Decision::GeenActie));
        assert_eq!(
            Decision::parse(" preventieve_actie "),
            Some(Decision::PreventieveActie)
        );
        assert_eq!(Decision::parse(""), None);
        assert_eq!(Decision::parse("afwachten"), None);
    }

    #[test]
    fn dates_are_checked_and_printed() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("24-01-01"), None);
        assert_eq!(parse_date("2024-1-01"), None);
        assert_eq!(parse_date("2024-01-01-01"), None);
        assert_eq!(parse_date("+024-01-01"), None);
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(1_709_251_200_000), "2024-03-01");
        assert_eq!(iso_date(1_735_603_200_000), "2024-12-31");
        assert_eq!(display_date("2024-03-01"), "01-03-2024");
    }

    #[test]
    fn session_input_names_the_wrong_fields() {
        assert_eq!(
            check_session(" 2026-11-27 ", " Bespreking "),
            Ok(NewSession {
                held_on: "2026-11-27".into(),
                title: "Bespreking".into()
            })
        );
        let errs = check_session("27-11-2026", "").unwrap_err();
        assert_eq!(
            errs.iter()
                .map(|e| (e.field.as_str(), e.message.as_str()))
                .collect::<Vec<_>>(),
            vec![("held_on", "error-date"), ("title", "error-required")]
        );
        let long = "x".repeat(201);
        assert_eq!(
            check_session("", &long).unwrap_err()[1].message,
            "error-too-long"
        );
    }

    #[test]
    fn decision_input_checks_choice_note_and_link() {
        let ok = check_decision("maatregel", " sluiting ", " /maatregelen/abc ").unwrap();
        assert_eq!(ok.decision, Decision::Maatregel);
        assert_eq!(ok.note, "sluiting");
        assert_eq!(ok.link.as_deref(), Some("/maatregelen/abc"));
        assert_eq!(check_decision("geen-actie", "", "").unwrap().link, None);
        for bad in [
            "https://example.org/x",
            "//evil.example",
            "/a b",
            "maatregelen/1",
            "/a\\b",
            "javascript:alert(1)",
        ] {
            let errs = check_decision("communicatie", "", bad).unwrap_err();
            assert_eq!(errs[0].field, "link", "{bad}");
        }
        let errs = check_decision("iets", &"x".repeat(NOTE_MAX + 1), "").unwrap_err();
        assert_eq!(
            errs.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            vec!["decision", "note"]
        );
    }

    #[test]
    fn a_new_session_lists_only_alarms_no_earlier_session_listed() {
        let current = vec![
            alarm("BU19612101", "buurt", "1.1.1", "2025MM01"),
            alarm("GM1961", "gemeente", "1.1.1", "2025MM01"),
            alarm("WK196121", "wijk", "1.1.1", "2024MM11"),
            alarm("GM1961", "gemeente", "1.1.1", "2025MM03"),
        ];
        let mut listed = HashSet::new();
        listed.insert(("WK196121".to_string(), "1.1.1".into(), "2024MM11".into()));
        let out = new_alarms(current, &listed, "2025-02-14");
        let keys: Vec<(String, String)> = out
            .iter()
            .map(|a| (a.region.clone(), a.period.clone()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("GM1961".to_string(), "2025MM01".to_string()),
                ("BU19612101".into(), "2025MM01".into()),
            ],
            "already listed and not-yet-begun months are left out; gemeente first"
        );
    }

    #[test]
    fn the_explanation_has_dutch_decimals_and_knows_a_missing_year() {
        let mut a = alarm("GM1961", "gemeente", "1.1.1", "2025MM01");
        let args = a.explanation_args("nl");
        assert!(args.contains(&("expected", "2,3".into())));
        assert!(args.contains(&("threshold", "5,0".into())));
        assert!(args.contains(&("period", "jan 2025".into())));
        assert!(args.contains(&("previous", "3".into())));
        a.previous_year = None;
        a.trend = true;
        let args = a.explanation_args("en");
        assert!(args.contains(&("previous", "none".into())));
        assert!(args.contains(&("trend", "yes".into())));
        assert!(args.contains(&("threshold", "5.0".into())));
    }

    #[test]
    fn fdr_groups_keep_strong_buurt_alarms_and_suppress_weak_ones() {
        let mut tests: Vec<BuurtTest> = (0..86)
            .map(|_| BuurtTest {
                p_value: 0.6,
                alarm: None,
            })
            .collect();
        tests.push(BuurtTest {
            p_value: 0.01,
            alarm: Some(alarm("BU19610102", "buurt", "1.1.1", "2025MM01")),
        });
        tests.push(BuurtTest {
            p_value: 0.000_01,
            alarm: Some(alarm("BU19610101", "buurt", "1.1.1", "2025MM01")),
        });
        let g = fdr_group("1.1.1", "2025MM01", tests, 0.05);
        assert_eq!(g.tested, 88);
        assert_eq!(g.candidates.len(), 2);
        assert_eq!(
            g.candidates[0].alarm.region, "BU19610101",
            "smallest p first"
        );
        assert!(g.candidates[0].kept);
        assert!((g.candidates[0].q_value - 0.000_88).abs() < 1e-9);
        assert!(!g.candidates[1].kept, "p = 0.01 among 88 is no discovery");
        assert!((g.candidates[1].q_value - 0.44).abs() < 1e-9);
        assert_eq!((g.kept(), g.suppressed()), (1, 1));
        assert!((g.chance_exceedances(0.05) - 4.4).abs() < 1e-9);
        assert_eq!(g.period_label(), "jan 2025");
        assert_eq!(g.crime_title(), "1.1.1");
        let empty = fdr_group("1.1.2", "2025MM01", Vec::new(), 0.05);
        assert_eq!((empty.tested, empty.kept(), empty.suppressed()), (0, 0, 0));
    }

    #[test]
    fn alarms_are_listed_per_level_and_probabilities_read_well() {
        let alarms = vec![
            alarm("GM1961", "gemeente", "1.1.1", "2025MM01"),
            alarm("BU19610101", "buurt", "1.1.1", "2025MM01"),
            alarm("WK196101", "wijk", "1.1.1", "2025MM01"),
            alarm("BU19610102", "buurt", "1.1.1", "2024MM12"),
        ];
        let levels = by_level(&alarms);
        assert_eq!(
            levels
                .iter()
                .map(|(l, list)| (l.slug(), list.len()))
                .collect::<Vec<_>>(),
            vec![("gemeente", 1), ("wijk", 1), ("buurt", 2)],
            "no national level without national alarms"
        );
        let with_land = [alarm("NL00", "land", "1.1.1", "2025MM01")];
        assert_eq!(by_level(&with_land).len(), 4);
        assert_eq!(probability(0.0004, "nl"), "< 0,001");
        assert_eq!(probability(0.0123, "nl"), "0,012");
        assert_eq!(probability(0.44, "en"), "0.440");
        assert_eq!(decimal_plain(0.05, "nl"), "0,05");
        let mut groups = vec![
            fdr_group("1.1.2", "2024MM12", Vec::new(), 0.05),
            fdr_group("1.1.1", "2025MM01", Vec::new(), 0.05),
            fdr_group("1.1.0", "2025MM01", Vec::new(), 0.05),
        ];
        sort_groups(&mut groups);
        assert_eq!(
            groups
                .iter()
                .map(|g| g.crime_type.as_str())
                .collect::<Vec<_>>(),
            vec!["1.1.0", "1.1.1", "1.1.2"]
        );
    }
}
