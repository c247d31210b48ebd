//! The two-weekly review as a meeting (IVB §1.2 and §6): who attended, the agenda (actions still
//! open, new alarms, the standing overview of the figures per theme against a year earlier, the
//! signals the police bring), a decision on every item, and the actions those decisions make,
//! which come back on every later session until one closes them. Pure rules; no I/O.

use std::collections::HashMap;

use platform::identity::{field_error, FieldError};

use crate::review::{parse_date, Alarm, Decision, NOTE_MAX};

/// Whether a decision makes an action with an owner and a due date.
pub fn makes_action(d: Decision) -> bool {
    matches!(d, Decision::PreventieveActie | Decision::Maatregel)
}

const NAME_MAX: usize = 200;
const BODY_MAX: usize = 4000;

fn text_field(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    required: bool,
    max: usize,
) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        errors.push(field_error(field, "error-required"));
    } else if v.chars().count() > max {
        errors.push(field_error(field, "error-too-long"));
    }
    v.to_string()
}

/// A person at the meeting and the organisation they came for (the police among them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAttendee {
    pub organisation: String,
    pub name: String,
}

/// Field names: `organisation`, `name`. Messages are Fluent keys.
pub fn check_attendee(organisation: &str, name: &str) -> Result<NewAttendee, Vec<FieldError>> {
    let mut errors = Vec::new();
    let organisation = text_field(&mut errors, "organisation", organisation, true, NAME_MAX);
    let name = text_field(&mut errors, "name", name, true, NAME_MAX);
    if errors.is_empty() {
        Ok(NewAttendee { organisation, name })
    } else {
        Err(errors)
    }
}

/// A signal the police bring to the meeting, recorded by the team.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSignal {
    /// A crime type code or a theme slug, as chosen from the list.
    pub category: String,
    /// A region code of the gemeente, its wijken or buurten.
    pub area: String,
    pub body: String,
}

/// Field names: `category`, `area`, `body`. `known_category` and `known_area` say what the lists
/// offer. Messages are Fluent keys.
pub fn check_signal(
    category: &str,
    area: &str,
    body: &str,
    known_category: &dyn Fn(&str) -> bool,
    known_area: &dyn Fn(&str) -> bool,
) -> Result<NewSignal, Vec<FieldError>> {
    let mut errors = Vec::new();
    let category = category.trim();
    if category.is_empty() || !known_category(category) {
        errors.push(field_error("category", "error-choice"));
    }
    let area = area.trim();
    if area.is_empty() || !known_area(area) {
        errors.push(field_error("area", "error-choice"));
    }
    let body = text_field(&mut errors, "body", body, true, BODY_MAX);
    if errors.is_empty() {
        Ok(NewSignal {
            category: category.to_string(),
            area: area.to_string(),
            body,
        })
    } else {
        Err(errors)
    }
}

/// A checked decision on an agenda item; an action's owner and due date when it makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemDecision {
    pub decision: Decision,
    pub note: String,
    /// `(owner, due_on)` when [`makes_action`].
    pub action: Option<(String, String)>,
}

/// Field names: `decision`, `note`, `owner`, `due_on`. A "preventieve actie" or "maatregel"
/// needs an owner and a due date not before the session (`held_on`); other decisions ignore
/// them. Messages are Fluent keys.
pub fn check_item_decision(
    decision: &str,
    note: &str,
    owner: &str,
    due_on: &str,
    held_on: &str,
) -> Result<ItemDecision, Vec<FieldError>> {
    let mut errors = Vec::new();
    let parsed = Decision::parse(decision);
    if parsed.is_none() {
        errors.push(field_error("decision", "error-choice"));
    }
    let note = note.trim();
    if note.chars().count() > NOTE_MAX {
        errors.push(field_error("note", "monitor-error-note-long"));
    }
    let mut action = None;
    if parsed.is_some_and(makes_action) {
        let owner = text_field(&mut errors, "owner", owner, true, NAME_MAX);
        let due = due_on.trim();
        if due.is_empty() {
            errors.push(field_error("due_on", "error-required"));
        } else if parse_date(due).is_none() {
            errors.push(field_error("due_on", "error-date"));
        } else if due < held_on {
            errors.push(field_error("due_on", "monitor-error-due-before-session"));
        }
        action = Some((owner, due.to_string()));
    }
    match parsed {
        Some(decision) if errors.is_empty() => Ok(ItemDecision {
            decision,
            note: note.to_string(),
            action,
        }),
        _ => Err(errors),
    }
}

/// Field name: `closing_note`. Closing an action needs a word on what was done.
pub fn check_closing(note: &str) -> Result<String, Vec<FieldError>> {
    let mut errors = Vec::new();
    let note = text_field(&mut errors, "closing_note", note, true, NOTE_MAX);
    if errors.is_empty() {
        Ok(note)
    } else {
        Err(errors)
    }
}

/// Where a session stands among the others: by date, then by when it was created.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionOrder {
    pub held_on: String,
    pub created_at: i64,
}

/// An action as stored, with the order of the session that made it and of the one that closed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub id: String,
    pub session_id: String,
    pub made_in: SessionOrder,
    /// The agenda item it came from (`alarm-3`, `signaal-1`, `thema-…`).
    pub item: String,
    /// What the item was about, in words.
    pub subject: String,
    pub decision: Decision,
    pub note: String,
    pub owner: String,
    pub due_on: String,
    /// The session that closed it, with the closing note.
    pub closed_in: Option<(String, SessionOrder, String)>,
}

/// How an action stands on the agenda of one session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionState {
    /// Still open; `overdue` when its due date is before the session.
    Open { overdue: bool },
    /// Closed in this session.
    ClosedHere,
}

/// The actions that come back on the agenda of session `this` (id and order): those made in an
/// earlier session that were not closed before it. An action closed in this very session stays
/// on its agenda (as closed), so its minutes show what was done. Earliest due first.
pub fn returning_actions<'a>(
    actions: &'a [Action],
    this_id: &str,
    this: &SessionOrder,
) -> Vec<(&'a Action, ActionState)> {
    let mut out: Vec<(&Action, ActionState)> = actions
        .iter()
        .filter(|a| a.session_id != this_id && a.made_in < *this)
        .filter_map(|a| match &a.closed_in {
            None => Some((
                a,
                ActionState::Open {
                    overdue: a.due_on.as_str() < this.held_on.as_str(),
                },
            )),
            Some((id, _, _)) if id == this_id => Some((a, ActionState::ClosedHere)),
            Some((_, when, _)) if when > this => Some((
                a,
                ActionState::Open {
                    overdue: a.due_on.as_str() < this.held_on.as_str(),
                },
            )),
            Some(_) => None,
        })
        .collect();
    out.sort_by(|(a, _), (b, _)| a.due_on.cmp(&b.due_on).then(a.made_in.cmp(&b.made_in)));
    out
}

/// Whether session `this` may close action `a`: it returns there and is still open.
pub fn may_close(a: &Action, this_id: &str, this: &SessionOrder) -> bool {
    a.closed_in.is_none() && a.session_id != this_id && a.made_in < *this
}

/// Days since 1970-01-01 of a checked `YYYY-MM-DD`.
fn days(iso: &str) -> Option<i64> {
    let (y, m, d) = parse_date(iso)?;
    let (y, m, d) = (i64::from(y), i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `iso` moved by `n` days.
pub fn add_days(iso: &str, n: i64) -> Option<String> {
    Some(crate::review::iso_date((days(iso)? + n) * 86_400_000))
}

/// The same calendar date a year earlier (29 February becomes 28 February).
pub fn year_earlier(iso: &str) -> Option<String> {
    let (y, m, d) = parse_date(iso)?;
    let d = if m == 2 && d == 29 { 28 } else { d };
    Some(format!("{:04}-{m:02}-{d:02}", y - 1))
}

/// The days a session reviews, `[from, until)`: since the previous session (at most 62 days
/// back), or the two weeks before it when there is none.
pub fn review_days(held_on: &str, previous: Option<&str>) -> Option<(String, String)> {
    let until = held_on.to_string();
    let two_weeks = add_days(held_on, -14)?;
    let from = match previous.and_then(|p| Some((p, days(p)?))) {
        Some((p, d)) if d < days(held_on)? && days(held_on)? - d <= 62 => p.to_string(),
        _ => two_weeks,
    };
    Some((from, until))
}

/// Where a figure of the standing overview comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FigureSource {
    /// Registered crimes (police table 47022NED), the latest month.
    Incidenten,
    /// Aangiften (47013NED), the latest month, where imported.
    Aangiften,
    /// Baken's own meldingen in the review's days.
    Meldingen,
}

impl FigureSource {
    pub fn slug(self) -> &'static str {
        match self {
            FigureSource::Incidenten => "incidenten",
            FigureSource::Aangiften => "aangiften",
            FigureSource::Meldingen => "meldingen",
        }
    }
}

/// One line of the standing overview: a count now and a year earlier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    pub source: FigureSource,
    /// The theme (police figures) or the category (meldingen).
    pub subject: String,
    /// The wijk (meldingen), or empty for the whole gemeente.
    pub area: String,
    /// Words for the period (`okt 2026`, `23-11-2026 t/m 06-12-2026`).
    pub period: String,
    pub current: i64,
    pub year_before: Option<i64>,
}

impl Figure {
    /// The change against a year earlier in percent, when there was something to compare with.
    pub fn change_percent(&self) -> Option<f64> {
        match self.year_before {
            Some(b) if b > 0 => Some(100.0 * (self.current - b) as f64 / b as f64),
            _ => None,
        }
    }
}

/// Counts keyed by (subject, area) now and a year earlier, as overview lines: every key present
/// in either, sorted by subject and area (a subject with nothing now still shows when it had
/// something a year earlier).
pub fn compare_counts(
    source: FigureSource,
    period: &str,
    current: &HashMap<(String, String), i64>,
    year_before: Option<&HashMap<(String, String), i64>>,
) -> Vec<Figure> {
    let mut keys: Vec<&(String, String)> = current.keys().collect();
    if let Some(b) = year_before {
        keys.extend(b.keys().filter(|k| !current.contains_key(*k)));
    }
    keys.sort();
    keys.into_iter()
        .map(|k| Figure {
            source,
            subject: k.0.clone(),
            area: k.1.clone(),
            period: period.to_string(),
            current: current.get(k).copied().unwrap_or(0),
            year_before: year_before.map(|b| b.get(k).copied().unwrap_or(0)),
        })
        .collect()
}

/// One item on the agenda, with the key its decisions are filed under.
#[derive(Clone, Debug, PartialEq)]
pub enum AgendaItem<'a> {
    Action(&'a Action, ActionState),
    Alarm {
        seq: i64,
        alarm: &'a Alarm,
    },
    Figure {
        key: String,
        figure: &'a Figure,
    },
    Signal {
        seq: i64,
        category: &'a str,
        area: &'a str,
        body: &'a str,
    },
}

impl AgendaItem<'_> {
    /// The key decisions and actions name: `actie-<id>`, `alarm-<seq>`, `cijfer-<n>`, `signaal-<seq>`.
    pub fn key(&self) -> String {
        match self {
            AgendaItem::Action(a, _) => format!("actie-{}", a.id),
            AgendaItem::Alarm { seq, .. } => format!("alarm-{seq}"),
            AgendaItem::Figure { key, .. } => key.clone(),
            AgendaItem::Signal { seq, .. } => format!("signaal-{seq}"),
        }
    }
}

/// What a session's agenda is built from.
pub struct AgendaInput<'a> {
    pub session_id: &'a str,
    pub order: SessionOrder,
    pub actions: &'a [Action],
    /// The alarms the session listed, with their number in it.
    pub alarms: Vec<(i64, &'a Alarm)>,
    pub figures: &'a [Figure],
    /// Signals of the police: number, category, area, text.
    pub signals: Vec<(i64, &'a str, &'a str, &'a str)>,
}

/// The agenda in its four parts, in the order of the meeting: actions that come back, the new
/// alarms, the standing overview, the signals the police bring.
#[derive(Clone, Debug, PartialEq)]
pub struct Agenda<'a> {
    pub actions: Vec<AgendaItem<'a>>,
    pub alarms: Vec<AgendaItem<'a>>,
    pub figures: Vec<AgendaItem<'a>>,
    pub signals: Vec<AgendaItem<'a>>,
}

impl Agenda<'_> {
    pub fn len(&self) -> usize {
        self.actions.len() + self.alarms.len() + self.figures.len() + self.signals.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The key of figure line `i` of the overview: stable for a session as long as its figures are.
pub fn figure_key(f: &Figure) -> String {
    let slug = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!(
        "cijfer-{}-{}-{}",
        f.source.slug(),
        slug(&f.subject),
        slug(&f.area)
    )
}

pub fn build_agenda<'a>(input: AgendaInput<'a>) -> Agenda<'a> {
    let actions = returning_actions(input.actions, input.session_id, &input.order)
        .into_iter()
        .map(|(a, s)| AgendaItem::Action(a, s))
        .collect();
    let mut alarms = input.alarms;
    alarms.sort_by_key(|(seq, _)| *seq);
    let mut signals = input.signals;
    signals.sort_by_key(|s| s.0);
    Agenda {
        actions,
        alarms: alarms
            .into_iter()
            .map(|(seq, alarm)| AgendaItem::Alarm { seq, alarm })
            .collect(),
        figures: input
            .figures
            .iter()
            .map(|f| AgendaItem::Figure {
                key: figure_key(f),
                figure: f,
            })
            .collect(),
        signals: signals
            .into_iter()
            .map(|(seq, category, area, body)| AgendaItem::Signal {
                seq,
                category,
                area,
                body,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(d: &str, at: i64) -> SessionOrder {
        SessionOrder {
            held_on: d.into(),
            created_at: at,
        }
    }

    fn action(id: &str, session: &str, made: SessionOrder, due: &str) -> Action {
        Action {
            id: id.into(),
            session_id: session.into(),
            made_in: made,
            item: "signaal-1".into(),
            subject: "Inbraken Lexmond".into(),
            decision: Decision::PreventieveActie,
            note: String::new(),
            owner: "Team IV".into(),
            due_on: due.into(),
            closed_in: None,
        }
    }

    #[test]
    fn an_open_action_comes_back_until_a_session_closes_it() {
        let s1 = order("2026-11-09", 1);
        let s2 = order("2026-11-23", 2);
        let s3 = order("2026-12-07", 3);
        let mut a = action("a1", "s1", s1.clone(), "2026-11-20");
        let list = [a.clone()];
        assert!(
            returning_actions(&list, "s1", &s1).is_empty(),
            "not on the agenda of the session that made it"
        );
        let on2 = returning_actions(&list, "s2", &s2);
        assert_eq!(on2.len(), 1);
        assert_eq!(on2[0].1, ActionState::Open { overdue: true });
        assert!(may_close(&a, "s2", &s2));
        assert!(!may_close(&a, "s1", &s1));
        // Closed in s2: shown as closed there, gone from s3; still open on s2's agenda seen
        // from before it was closed is not a thing: s2 shows it closed.
        a.closed_in = Some(("s2".into(), s2.clone(), "Voorlichting gegeven".into()));
        let list = [a.clone()];
        assert_eq!(
            returning_actions(&list, "s2", &s2)[0].1,
            ActionState::ClosedHere
        );
        assert!(returning_actions(&list, "s3", &s3).is_empty());
        assert!(!may_close(&a, "s3", &s3));
        // Closed only in s3: s2's minutes still show it open.
        a.closed_in = Some(("s3".into(), s3.clone(), "Klaar".into()));
        let list = [a];
        assert_eq!(
            returning_actions(&list, "s2", &s2)[0].1,
            ActionState::Open { overdue: true }
        );
    }

    #[test]
    fn sessions_on_one_day_are_ordered_by_creation_and_actions_by_due_date() {
        let early = order("2026-11-09", 1);
        let later_same_day = order("2026-11-09", 5);
        let next = order("2026-11-23", 9);
        let list = [
            action("late", "x", early.clone(), "2026-12-31"),
            action("soon", "y", early.clone(), "2026-11-30"),
        ];
        let on = returning_actions(&list, "z", &later_same_day);
        assert_eq!(
            on.iter().map(|(a, _)| a.id.as_str()).collect::<Vec<_>>(),
            vec!["soon", "late"]
        );
        assert!(on
            .iter()
            .all(|(_, s)| *s == ActionState::Open { overdue: false }));
        assert_eq!(returning_actions(&list, "n", &next).len(), 2);
    }

    #[test]
    fn a_decision_that_makes_an_action_needs_owner_and_due_date() {
        let errs = check_item_decision("maatregel", "", "", "", "2026-12-07").unwrap_err();
        assert_eq!(
            errs.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            vec!["owner", "due_on"]
        );
        let errs = check_item_decision(
            "preventieve-actie",
            "",
            "Wijkagent",
            "2026-12-01",
            "2026-12-07",
        )
        .unwrap_err();
        assert_eq!(errs[0].message, "monitor-error-due-before-session");
        let ok = check_item_decision(
            "preventieve-actie",
            " flyers ",
            " Wijkagent ",
            "2026-12-21",
            "2026-12-07",
        )
        .unwrap();
        assert_eq!(
            ok.action,
            Some(("Wijkagent".to_string(), "2026-12-21".to_string()))
        );
        assert_eq!(ok.note, "flyers");
        let none = check_item_decision("geen-actie", "", "", "nonsense", "2026-12-07").unwrap();
        assert_eq!(
            none.action, None,
            "owner and date are ignored without action"
        );
        assert!(check_item_decision("", "", "", "", "2026-12-07").is_err());
        assert!(makes_action(Decision::Maatregel) && !makes_action(Decision::Communicatie));
    }

    #[test]
    fn attendees_signals_and_closing_are_checked() {
        assert_eq!(
            check_attendee(" Politie ", " J. de Vries ").unwrap(),
            NewAttendee {
                organisation: "Politie".into(),
                name: "J. de Vries".into()
            }
        );
        assert_eq!(check_attendee("", "").unwrap_err().len(), 2);
        let cat = |c: &str| c == "1.1.1";
        let area = |a: &str| a.starts_with("WK1961");
        let s = check_signal("1.1.1", "WK196101", " Veel fietsdiefstal ", &cat, &area).unwrap();
        assert_eq!(s.body, "Veel fietsdiefstal");
        let errs = check_signal("9.9", "WK000", "", &cat, &area).unwrap_err();
        assert_eq!(
            errs.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            vec!["category", "area", "body"]
        );
        assert!(check_closing("  ").is_err());
        assert_eq!(check_closing(" gedaan ").unwrap(), "gedaan");
    }

    #[test]
    fn the_reviewed_days_run_from_the_previous_session_or_two_weeks_back() {
        assert_eq!(add_days("2026-03-01", -1).as_deref(), Some("2026-02-28"));
        assert_eq!(add_days("2024-03-01", -1).as_deref(), Some("2024-02-29"));
        assert_eq!(add_days("2026-12-31", 1).as_deref(), Some("2027-01-01"));
        assert_eq!(year_earlier("2024-02-29").as_deref(), Some("2023-02-28"));
        assert_eq!(
            review_days("2026-12-07", None),
            Some(("2026-11-23".into(), "2026-12-07".into()))
        );
        assert_eq!(
            review_days("2026-12-07", Some("2026-11-30")),
            Some(("2026-11-30".into(), "2026-12-07".into()))
        );
        assert_eq!(
            review_days("2026-12-07", Some("2026-06-01")),
            Some(("2026-11-23".into(), "2026-12-07".into())),
            "a session long ago does not stretch the period"
        );
        assert_eq!(review_days("2026-13-07", None), None);
    }

    #[test]
    fn the_overview_compares_with_a_year_earlier_and_keeps_vanished_subjects() {
        let key = |s: &str, a: &str| (s.to_string(), a.to_string());
        let now = HashMap::from([(key("Overlast", "Vianen"), 6), (key("Afval", ""), 2)]);
        let before = HashMap::from([(key("Overlast", "Vianen"), 4), (key("Verlichting", ""), 3)]);
        let lines = compare_counts(FigureSource::Meldingen, "p", &now, Some(&before));
        let view: Vec<(&str, i64, Option<i64>, Option<f64>)> = lines
            .iter()
            .map(|f| {
                (
                    f.subject.as_str(),
                    f.current,
                    f.year_before,
                    f.change_percent(),
                )
            })
            .collect();
        assert_eq!(
            view,
            vec![
                ("Afval", 2, Some(0), None),
                ("Overlast", 6, Some(4), Some(50.0)),
                ("Verlichting", 0, Some(3), Some(-100.0)),
            ]
        );
        let no_history = compare_counts(FigureSource::Aangiften, "p", &now, None);
        assert!(no_history.iter().all(|f| f.year_before.is_none()));
        assert_eq!(figure_key(&lines[1]), "cijfer-meldingen-overlast-vianen");
    }

    #[test]
    fn the_agenda_has_returning_actions_alarms_figures_and_signals_in_order() {
        let alarm = Alarm {
            region: "GM1961".into(),
            region_name: "Vijfheerenlanden".into(),
            region_level: "gemeente".into(),
            crime_type: "1.1.1".into(),
            crime_title: "Woninginbraak".into(),
            period: "2026MM10".into(),
            observed: 30,
            expected: 18.0,
            upperbound: 26.0,
            previous_year: Some(17),
            trend: false,
        };
        let prev = order("2026-11-23", 1);
        let this = order("2026-12-07", 2);
        let actions = [action("a1", "s1", prev, "2026-12-14")];
        let figures = [Figure {
            source: FigureSource::Incidenten,
            subject: "Woninginbraak".into(),
            area: String::new(),
            period: "okt 2026".into(),
            current: 30,
            year_before: Some(17),
        }];
        let agenda = build_agenda(AgendaInput {
            session_id: "s2",
            order: this,
            actions: &actions,
            alarms: vec![(2, &alarm), (1, &alarm)],
            figures: &figures,
            signals: vec![(1, "1.1.1", "WK196101", "Drie inbraken in een week")],
        });
        assert_eq!(agenda.len(), 5);
        assert_eq!(agenda.actions[0].key(), "actie-a1");
        assert_eq!(
            agenda
                .alarms
                .iter()
                .map(AgendaItem::key)
                .collect::<Vec<_>>(),
            vec!["alarm-1", "alarm-2"]
        );
        assert_eq!(agenda.figures[0].key(), "cijfer-incidenten-woninginbraak-");
        assert_eq!(agenda.signals[0].key(), "signaal-1");
    }
}
