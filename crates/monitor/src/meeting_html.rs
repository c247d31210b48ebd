//! The review as a meeting: the session page (attendees, agenda, decisions, actions), its
//! minutes as HTML and PDF, and the alarm settings per level.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};

use crate::html::{check, check_editor, field, fmt_date, page_texts, texts, translated, Texts};
use crate::meeting::{self, ActionState, AgendaItem, FigureSource};
use crate::model::Level;
use crate::review::{self, Decision};
use crate::settings::{self, AlarmSettings};
use crate::{Minutes, ReviewError};
use platform::identity::FieldError;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render_status, AppState, Ctx, Shell, WebError, WebResult};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitor/besprekingen/{id}", get(review_page))
        .route("/monitor/besprekingen/{id}/besluit", post(decision_post))
        .route("/monitor/besprekingen/{id}/aanwezigen", post(attendee_post))
        .route("/monitor/besprekingen/{id}/politie", post(signal_post))
        .route(
            "/monitor/besprekingen/{id}/acties/{action}/sluiten",
            post(close_post),
        )
        .route("/monitor/besprekingen/{id}/verslag", get(minutes_page))
        .route("/monitor/besprekingen/{id}/verslag.pdf", get(minutes_pdf))
        .route(
            "/monitor/instellingen",
            get(settings_page).post(settings_post),
        )
        .route(
            "/monitor/tweewekelijks",
            get(fortnight_page).post(fortnight_post),
        )
}

// ---------------------------------------------------------------------------------------------
// Rows for the templates.

pub struct DecisionRow {
    pub label: String,
    pub note: String,
    pub link: Option<String>,
    pub by: String,
    pub at: String,
}

pub struct AlarmRow {
    pub seq: i64,
    pub area: String,
    pub level: String,
    pub crime: String,
    pub period: String,
    pub observed: i64,
    pub expected: String,
    pub threshold: String,
    pub explanation: String,
    /// The current (latest) decision's label, or empty.
    pub current: String,
    pub decisions: Vec<DecisionRow>,
    pub series_href: String,
    pub form: Form,
}

pub struct ActionRow {
    pub id: String,
    pub subject: String,
    pub decision: String,
    pub note: String,
    pub owner: String,
    pub due_on: String,
    pub state: String,
    pub closed_note: String,
    /// The closing form while the action is open on this agenda.
    pub form: Option<Form>,
}

pub struct FigureRow {
    pub key: String,
    pub source: String,
    pub subject: String,
    pub area: String,
    pub period: String,
    pub current: i64,
    pub year_before: String,
    pub change: String,
    pub decision: String,
}

pub struct SignalRow {
    pub key: String,
    pub seq: i64,
    pub category: String,
    pub area: String,
    pub body: String,
    pub by: String,
    pub decision: String,
}

/// A decision on an item other than an alarm, for the minutes.
pub struct ItemDecisionRow {
    pub subject: String,
    pub label: String,
    pub note: String,
    pub by: String,
    pub at: String,
}

/// What both the page and the minutes show.
struct Content {
    attendees: Vec<(String, String)>,
    actions: Vec<ActionRow>,
    made: Vec<ActionRow>,
    alarms: Vec<AlarmRow>,
    figures: Vec<FigureRow>,
    signals: Vec<SignalRow>,
    decisions: Vec<ItemDecisionRow>,
    agenda_counts: [usize; 4],
}

fn decision_label(m: &Texts, d: Decision) -> String {
    m.t(d.label_key())
}

fn action_row(
    m: &Texts,
    a: &meeting::Action,
    state: Option<&ActionState>,
    form: Option<Form>,
) -> ActionRow {
    let state_text = match state {
        Some(ActionState::ClosedHere) => m.t("monitor-action-closed-here"),
        Some(ActionState::Open { overdue: true }) => m.t("monitor-action-overdue"),
        Some(ActionState::Open { overdue: false }) => m.t("monitor-action-open"),
        None => match &a.closed_in {
            Some((_, when, _)) => format!(
                "{} {}",
                m.t("monitor-action-closed-on"),
                review::display_date(&when.held_on)
            ),
            None => m.t("monitor-action-open"),
        },
    };
    ActionRow {
        id: a.id.clone(),
        subject: a.subject.clone(),
        decision: decision_label(m, a.decision),
        note: a.note.clone(),
        owner: a.owner.clone(),
        due_on: review::display_date(&a.due_on),
        state: state_text,
        closed_note: a
            .closed_in
            .as_ref()
            .map(|(_, _, n)| n.clone())
            .unwrap_or_default(),
        form,
    }
}

fn figure_source(m: &Texts, s: FigureSource) -> String {
    m.t(&format!("monitor-figure-{}", s.slug()))
}

fn latest_item_decision(m: &Texts, mins: &Minutes, key: &str) -> String {
    mins.decisions_on(key)
        .first()
        .map(|d| decision_label(m, d.decision))
        .unwrap_or_else(|| m.t("monitor-decision-open"))
}

/// The fields of a decision that may make an action, with `prefix` on every name so several
/// forms can share a page; `items` adds the choice of the item.
fn decision_fields(
    m: &Texts,
    prefix: &str,
    items: Option<Vec<(String, String)>>,
    v: Option<&HashMap<String, String>>,
    with_link: bool,
) -> Vec<FormField> {
    let value = |name: &str| {
        v.map(|v| field(v, &format!("{prefix}{name}")))
            .unwrap_or_default()
    };
    let mut fields = Vec::new();
    if let Some(items) = items {
        let mut choices = vec![(String::new(), m.t("monitor-item-choose"))];
        choices.extend(items);
        fields.push(
            FormField::new(
                &format!("{prefix}item"),
                m.t("monitor-item"),
                FieldKind::Select(choices),
            )
            .value(value("item")),
        );
    }
    let mut choices = vec![(String::new(), m.t("monitor-decision-choose"))];
    choices.extend(
        Decision::ALL
            .iter()
            .map(|d| (d.slug().to_string(), m.t(d.label_key()))),
    );
    fields.push(
        FormField::new(
            &format!("{prefix}decision"),
            m.t("monitor-decision"),
            FieldKind::Select(choices),
        )
        .value(value("decision")),
    );
    fields.push(
        FormField::new(
            &format!("{prefix}note"),
            m.t("monitor-decision-note"),
            FieldKind::Text,
        )
        .value(value("note")),
    );
    fields.push(
        FormField::new(
            &format!("{prefix}owner"),
            m.t("monitor-action-owner"),
            FieldKind::Text,
        )
        .value(value("owner"))
        .hint(m.t("monitor-action-owner-hint")),
    );
    fields.push(
        FormField::new(
            &format!("{prefix}due_on"),
            m.t("monitor-action-due"),
            FieldKind::Date,
        )
        .value(value("due_on"))
        .hint(m.t("monitor-action-due-hint")),
    );
    if with_link {
        fields.push(
            FormField::new(
                &format!("{prefix}link"),
                m.t("monitor-decision-link"),
                FieldKind::Text,
            )
            .value(value("link"))
            .hint(m.t("monitor-decision-link-hint")),
        );
    }
    fields
}

/// The decision form of alarm `seq`: its fields carry the number so every id on the page is
/// unique; the hidden `alarm` says which alarm the form is about.
fn alarm_form(m: &Texts, session_id: &str, seq: i64, v: Option<&HashMap<String, String>>) -> Form {
    // Names end in the number (`decision-3`), as before actions existed.
    let mut fields =
        vec![FormField::new("alarm", String::new(), FieldKind::Hidden).value(seq.to_string())];
    fields.extend(
        decision_fields(m, "", None, None, true)
            .into_iter()
            .map(|mut f| {
                f.name = format!("{}-{seq}", f.name);
                if let Some(v) = v {
                    f.value = field(v, &f.name);
                }
                f
            }),
    );
    Form::new(
        format!("/monitor/besprekingen/{session_id}/besluit"),
        m.t("monitor-decision-save"),
        fields,
    )
}

fn section_form(
    m: &Texts,
    session_id: &str,
    section: &str,
    items: Vec<(String, String)>,
    v: Option<&HashMap<String, String>>,
) -> Form {
    let mut fields =
        vec![FormField::new("section", String::new(), FieldKind::Hidden).value(section)];
    fields.extend(decision_fields(
        m,
        &format!("{section}_"),
        Some(items),
        v,
        false,
    ));
    Form::new(
        format!("/monitor/besprekingen/{session_id}/besluit"),
        m.t("monitor-decision-save"),
        fields,
    )
}

fn attendee_form(m: &Texts, session_id: &str, v: Option<&HashMap<String, String>>) -> Form {
    let value = |n: &str| v.map(|v| field(v, n)).unwrap_or_default();
    Form::new(
        format!("/monitor/besprekingen/{session_id}/aanwezigen"),
        m.t("monitor-attendee-add"),
        vec![
            FormField::new(
                "organisation",
                m.t("monitor-attendee-organisation"),
                FieldKind::Text,
            )
            .value(value("organisation"))
            .hint(m.t("monitor-attendee-organisation-hint"))
            .required(),
            FormField::new("name", m.t("monitor-attendee-name"), FieldKind::Text)
                .value(value("name"))
                .required(),
        ],
    )
}

fn signal_form(
    m: &Texts,
    mins: &Minutes,
    session_id: &str,
    v: Option<&HashMap<String, String>>,
) -> Form {
    let value = |n: &str| v.map(|v| field(v, n)).unwrap_or_default();
    let mut categories = vec![(String::new(), m.t("monitor-item-choose"))];
    let mut cats: Vec<(String, String)> = mins
        .category_names
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // Themes first, then the crime types in code order.
    cats.sort_by(|a, b| {
        (!a.0.starts_with("thema:"))
            .cmp(&!b.0.starts_with("thema:"))
            .then(crate::store::crime_sort_key(&a.0).cmp(&crate::store::crime_sort_key(&b.0)))
            .then(a.1.cmp(&b.1))
    });
    categories.extend(cats);
    let mut areas = vec![(String::new(), m.t("monitor-item-choose"))];
    let mut regions: Vec<(String, String)> = mins
        .region_names
        .iter()
        .filter(|(code, _)| {
            code.starts_with("GM") || code.starts_with("WK") || code.starts_with("BU")
        })
        .map(|(k, v)| (k.clone(), format!("{v} ({k})")))
        .collect();
    regions.sort();
    areas.extend(regions);
    Form::new(
        format!("/monitor/besprekingen/{session_id}/politie"),
        m.t("monitor-police-signal-add"),
        vec![
            FormField::new(
                "category",
                m.t("monitor-police-signal-category"),
                FieldKind::Select(categories),
            )
            .value(value("category"))
            .required(),
            FormField::new(
                "area",
                m.t("monitor-police-signal-area"),
                FieldKind::Select(areas),
            )
            .value(value("area"))
            .required(),
            FormField::new(
                "body",
                m.t("monitor-police-signal-body"),
                FieldKind::TextArea,
            )
            .value(value("body"))
            .required(),
        ],
    )
}

fn close_form(
    m: &Texts,
    session_id: &str,
    action_id: &str,
    v: Option<&HashMap<String, String>>,
) -> Form {
    let name = format!("closing_note-{action_id}");
    Form::new(
        format!("/monitor/besprekingen/{session_id}/acties/{action_id}/sluiten"),
        m.t("monitor-action-close"),
        vec![
            FormField::new(&name, m.t("monitor-action-closing-note"), FieldKind::Text)
                .value(v.map(|v| field(v, &name)).unwrap_or_default())
                .required(),
        ],
    )
}

/// Forms that failed, to show again with their errors.
#[derive(Default)]
struct Failed {
    alarm: Option<(i64, Form)>,
    figures: Option<Form>,
    signals: Option<Form>,
    attendee: Option<Form>,
    police: Option<Form>,
    close: Option<(String, Form)>,
}

fn content(m: &Texts, lang: &str, mins: &Minutes, failed: &mut Failed) -> Content {
    let sid = mins.review.session.id.clone();
    let agenda = mins.agenda();
    let actions = agenda
        .actions
        .iter()
        .filter_map(|i| match i {
            AgendaItem::Action(a, state) => {
                let form = match state {
                    ActionState::Open { .. } => Some(match failed.close.take() {
                        Some((id, f)) if id == a.id => f,
                        other => {
                            failed.close = other;
                            close_form(m, &sid, &a.id, None)
                        }
                    }),
                    ActionState::ClosedHere => None,
                };
                Some(action_row(m, a, Some(state), form))
            }
            _ => None,
        })
        .collect();
    let made = mins
        .made_here()
        .into_iter()
        .map(|a| action_row(m, a, None, None))
        .collect();
    let alarms = mins
        .review
        .alarms
        .iter()
        .map(|a| {
            let form = match failed.alarm.take() {
                Some((seq, form)) if seq == a.seq => form,
                other => {
                    failed.alarm = other;
                    alarm_form(m, &sid, a.seq, None)
                }
            };
            AlarmRow {
                seq: a.seq,
                area: a.alarm.region_name.clone(),
                level: a.alarm.region_level.clone(),
                crime: a.alarm.crime_title.clone(),
                period: a.alarm.period_label(),
                observed: a.alarm.observed,
                expected: review::decimal(a.alarm.expected, lang),
                threshold: review::decimal(a.alarm.upperbound, lang),
                explanation: crate::explain(&a.alarm, lang),
                current: a
                    .decisions
                    .first()
                    .map(|d| decision_label(m, d.decision))
                    .unwrap_or_default(),
                decisions: a
                    .decisions
                    .iter()
                    .map(|d| DecisionRow {
                        label: decision_label(m, d.decision),
                        note: d.note.clone(),
                        link: d.link.clone(),
                        by: d.decided_by_name.clone(),
                        at: fmt_date(d.decided_at),
                    })
                    .collect(),
                series_href: format!(
                    "/monitor/reeks?gebied={}&soort={}",
                    a.alarm.region, a.alarm.crime_type
                ),
                form,
            }
        })
        .collect();
    let figures = agenda
        .figures
        .iter()
        .filter_map(|i| match i {
            AgendaItem::Figure { key, figure } => Some(FigureRow {
                key: key.clone(),
                source: figure_source(m, figure.source),
                subject: figure.subject.clone(),
                area: if figure.area.is_empty() {
                    m.t("monitor-figure-whole-gemeente")
                } else {
                    figure.area.clone()
                },
                period: figure.period.clone(),
                current: figure.current,
                year_before: figure
                    .year_before
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "–".into()),
                change: figure
                    .change_percent()
                    .map(|c| format!("{}{} %", if c > 0.0 { "+" } else { "" }, c.round()))
                    .unwrap_or_else(|| "–".into()),
                decision: latest_item_decision(m, mins, key),
            }),
            _ => None,
        })
        .collect();
    let signals = agenda
        .signals
        .iter()
        .filter_map(|i| match i {
            AgendaItem::Signal {
                seq,
                category,
                area,
                body,
            } => Some(SignalRow {
                key: i.key(),
                seq: *seq,
                category: mins.category_name(category),
                area: mins.region_name(area),
                body: body.to_string(),
                by: mins
                    .signals
                    .iter()
                    .find(|s| s.seq == *seq)
                    .map(|s| s.recorded_by_name.clone())
                    .unwrap_or_default(),
                decision: latest_item_decision(m, mins, &i.key()),
            }),
            _ => None,
        })
        .collect();
    let subjects: HashMap<String, String> = agenda
        .figures
        .iter()
        .chain(&agenda.signals)
        .map(|i| (i.key(), crate::item_subject(mins, i)))
        .collect();
    let decisions = mins
        .item_decisions
        .iter()
        .map(|d| ItemDecisionRow {
            subject: subjects
                .get(&d.item)
                .cloned()
                .unwrap_or_else(|| d.item.clone()),
            label: decision_label(m, d.decision),
            note: d.note.clone(),
            by: d.decided_by_name.clone(),
            at: fmt_date(d.decided_at),
        })
        .collect();
    Content {
        attendees: mins
            .attendees
            .iter()
            .map(|a| (a.name.clone(), a.organisation.clone()))
            .collect(),
        agenda_counts: [
            agenda.actions.len(),
            agenda.alarms.len(),
            agenda.figures.len(),
            agenda.signals.len(),
        ],
        actions,
        made,
        alarms,
        figures,
        signals,
        decisions,
    }
}

// ---------------------------------------------------------------------------------------------
// The session page.

#[derive(Template)]
#[template(path = "monitor_review.html")]
struct ReviewPage {
    shell: Shell,
    m: Texts,
    heading: String,
    meta: String,
    id: String,
    attendees: Vec<(String, String)>,
    agenda_counts: [usize; 4],
    actions: Vec<ActionRow>,
    rows: Vec<AlarmRow>,
    figures: Vec<FigureRow>,
    signals: Vec<SignalRow>,
    attendee_form: Form,
    police_form: Form,
    figures_form: Form,
    signals_form: Form,
}

async fn load(state: &AppState, id: &str) -> Result<Minutes, WebError> {
    crate::minutes(&state.db, id)
        .await?
        .ok_or(WebError::NotFound)
}

fn heading(mins: &Minutes) -> String {
    format!(
        "{} ({})",
        mins.review.session.title,
        review::display_date(&mins.review.session.held_on)
    )
}

async fn render_review(
    state: &AppState,
    ctx: &Ctx,
    mins: Minutes,
    mut failed: Failed,
    status: StatusCode,
) -> WebResult {
    let m = page_texts(state, ctx).await?;
    let c = content(&m, &ctx.lang, &mins, &mut failed);
    let sid = mins.review.session.id.clone();
    let figure_items: Vec<(String, String)> = c
        .figures
        .iter()
        .map(|f| {
            (
                f.key.clone(),
                format!("{}: {} — {} ({})", f.source, f.subject, f.area, f.period),
            )
        })
        .collect();
    let signal_items: Vec<(String, String)> = c
        .signals
        .iter()
        .map(|s| {
            (
                s.key.clone(),
                format!(
                    "{} {}: {}, {}",
                    m.t("monitor-police-signal"),
                    s.seq,
                    s.category,
                    s.area
                ),
            )
        })
        .collect();
    let heading = heading(&mins);
    let meta = crate::t_args(
        &ctx.lang,
        "monitor-review-meta",
        &[
            ("by", mins.review.session.created_by_name.clone()),
            ("count", mins.review.alarms.len().to_string()),
        ],
    );
    render_status(
        status,
        &ReviewPage {
            shell: Shell::titled(ctx, format!("{} — {heading}", m.t("monitor-review-title"))),
            attendee_form: failed
                .attendee
                .unwrap_or_else(|| attendee_form(&m, &sid, None)),
            police_form: failed
                .police
                .unwrap_or_else(|| signal_form(&m, &mins, &sid, None)),
            figures_form: failed
                .figures
                .unwrap_or_else(|| section_form(&m, &sid, "cijfer", figure_items, None)),
            signals_form: failed
                .signals
                .unwrap_or_else(|| section_form(&m, &sid, "signaal", signal_items, None)),
            m,
            heading,
            meta,
            id: sid,
            attendees: c.attendees,
            agenda_counts: c.agenda_counts,
            actions: c.actions,
            rows: c.alarms,
            figures: c.figures,
            signals: c.signals,
        },
    )
}

async fn review_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    check(&ctx)?;
    let mins = load(&state, &id).await?;
    render_review(&state, &ctx, mins, Failed::default(), StatusCode::OK).await
}

/// Errors of the checks (named `decision`, `note`, …) on the fields as the form names them.
fn renamed(ctx: &Ctx, errors: &[FieldError], name: &dyn Fn(&str) -> String) -> Vec<FieldError> {
    translated(ctx, errors)
        .into_iter()
        .map(|e| FieldError {
            field: name(&e.field),
            message: e.message,
        })
        .collect()
}

/// How a form names the fields of a decision: `decision-3` (an alarm) or `cijfer_decision`.
enum Naming {
    Suffix(i64),
    Prefix(String),
}

impl Naming {
    fn apply(&self, field: &str) -> String {
        match self {
            Naming::Suffix(seq) => format!("{field}-{seq}"),
            Naming::Prefix(p) => format!("{p}{field}"),
        }
    }
}

async fn decision_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = check(&ctx)?;
    let mins = load(&state, &id).await?;
    // An alarm's form names its fields `decision-3`; the figures' and signals' forms
    // `cijfer_decision` and `signaal_decision` with the item chosen in `…_item`.
    let (item, naming) = if v.contains_key("alarm") {
        let seq: i64 = field(&v, "alarm")
            .trim()
            .parse()
            .map_err(|_| WebError::NotFound)?;
        (format!("alarm-{seq}"), Naming::Suffix(seq))
    } else {
        let section = field(&v, "section");
        if section != "cijfer" && section != "signaal" {
            return Err(WebError::NotFound);
        }
        let prefix = format!("{section}_");
        (field(&v, &format!("{prefix}item")), Naming::Prefix(prefix))
    };
    let name = |f: &str| naming.apply(f);
    let m = texts(&ctx);
    let sid = mins.review.session.id.clone();
    let rebuild = |errors: &[FieldError], mins: &Minutes| -> Failed {
        let mut failed = Failed::default();
        let errors = renamed(&ctx, errors, &name);
        if let Some(seq) = item.strip_prefix("alarm-").and_then(|s| s.parse().ok()) {
            failed.alarm = Some((
                seq,
                alarm_form(&m, &sid, seq, Some(&v)).with_errors(&ctx.lang, &errors),
            ));
        } else {
            let c = content(&m, &ctx.lang, mins, &mut Failed::default());
            let (section, items): (&str, Vec<(String, String)>) = if field(&v, "section")
                == "cijfer"
            {
                (
                    "cijfer",
                    c.figures
                        .iter()
                        .map(|f| {
                            (
                                f.key.clone(),
                                format!("{}: {} — {} ({})", f.source, f.subject, f.area, f.period),
                            )
                        })
                        .collect(),
                )
            } else {
                (
                    "signaal",
                    c.signals
                        .iter()
                        .map(|s| {
                            (
                                s.key.clone(),
                                format!(
                                    "{} {}: {}, {}",
                                    m.t("monitor-police-signal"),
                                    s.seq,
                                    s.category,
                                    s.area
                                ),
                            )
                        })
                        .collect(),
                )
            };
            let form =
                section_form(&m, &sid, section, items, Some(&v)).with_errors(&ctx.lang, &errors);
            if section == "cijfer" {
                failed.figures = Some(form);
            } else {
                failed.signals = Some(form);
            }
        }
        failed
    };
    if item.is_empty() {
        let failed = rebuild(
            &[platform::identity::field_error("item", "error-choice")],
            &mins,
        );
        return render_review(&state, &ctx, mins, failed, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let result = crate::decide_item(
        &state.db,
        p,
        &ctx.request,
        &mins,
        &item,
        &field(&v, &name("decision")),
        &field(&v, &name("note")),
        &field(&v, &name("owner")),
        &field(&v, &name("due_on")),
        &field(&v, &name("link")),
    )
    .await;
    match result {
        Ok(_) => {
            let anchor = match item.strip_prefix("alarm-") {
                Some(seq) => format!("signaal-{seq}"),
                None if item.starts_with("cijfer-") => "cijfers".into(),
                None => "politie".into(),
            };
            Ok(Redirect::to(&format!("/monitor/besprekingen/{id}#{anchor}")).into_response())
        }
        Err(ReviewError::Invalid(errors)) => {
            let failed = rebuild(&errors, &mins);
            render_review(&state, &ctx, mins, failed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ReviewError::NotFound) => {
            let failed = rebuild(
                &[platform::identity::field_error("item", "error-choice")],
                &mins,
            );
            render_review(&state, &ctx, mins, failed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ReviewError::Store(e)) => Err(WebError::from(e)),
    }
}

async fn attendee_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = check(&ctx)?;
    let mins = load(&state, &id).await?;
    match crate::add_attendee(
        &state.db,
        p,
        &ctx.request,
        &id,
        &field(&v, "organisation"),
        &field(&v, "name"),
    )
    .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/monitor/besprekingen/{id}#aanwezigen")).into_response())
        }
        Err(ReviewError::Invalid(errors)) => {
            let m = texts(&ctx);
            let failed = Failed {
                attendee: Some(
                    attendee_form(&m, &id, Some(&v))
                        .with_errors(&ctx.lang, &translated(&ctx, &errors)),
                ),
                ..Failed::default()
            };
            render_review(&state, &ctx, mins, failed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ReviewError::NotFound) => Err(WebError::NotFound),
        Err(ReviewError::Store(e)) => Err(WebError::from(e)),
    }
}

async fn signal_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = check(&ctx)?;
    let mins = load(&state, &id).await?;
    match crate::add_signal(
        &state.db,
        p,
        &ctx.request,
        &id,
        &field(&v, "category"),
        &field(&v, "area"),
        &field(&v, "body"),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/monitor/besprekingen/{id}#politie")).into_response()),
        Err(ReviewError::Invalid(errors)) => {
            let m = texts(&ctx);
            let failed = Failed {
                police: Some(
                    signal_form(&m, &mins, &id, Some(&v))
                        .with_errors(&ctx.lang, &translated(&ctx, &errors)),
                ),
                ..Failed::default()
            };
            render_review(&state, &ctx, mins, failed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ReviewError::NotFound) => Err(WebError::NotFound),
        Err(ReviewError::Store(e)) => Err(WebError::from(e)),
    }
}

async fn close_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, action)): Path<(String, String)>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = check(&ctx)?;
    let mins = load(&state, &id).await?;
    let name = format!("closing_note-{action}");
    match crate::close_action(
        &state.db,
        p,
        &ctx.request,
        &mins,
        &action,
        &field(&v, &name),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/monitor/besprekingen/{id}#acties")).into_response()),
        Err(ReviewError::Invalid(errors)) => {
            let m = texts(&ctx);
            let errors = renamed(&ctx, &errors, &|_| name.clone());
            let failed = Failed {
                close: Some((
                    action.clone(),
                    close_form(&m, &id, &action, Some(&v)).with_errors(&ctx.lang, &errors),
                )),
                ..Failed::default()
            };
            render_review(&state, &ctx, mins, failed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ReviewError::NotFound) => Err(WebError::NotFound),
        Err(ReviewError::Store(e)) => Err(WebError::from(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// The minutes.

#[derive(Template)]
#[template(path = "monitor_minutes.html")]
struct MinutesPage {
    shell: Shell,
    m: Texts,
    heading: String,
    id: String,
    attendees: Vec<(String, String)>,
    actions: Vec<ActionRow>,
    made: Vec<ActionRow>,
    rows: Vec<AlarmRow>,
    figures: Vec<FigureRow>,
    signals: Vec<SignalRow>,
    decisions: Vec<ItemDecisionRow>,
}

async fn minutes_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    check(&ctx)?;
    let mins = load(&state, &id).await?;
    let m = page_texts(&state, &ctx).await?;
    let c = content(&m, &ctx.lang, &mins, &mut Failed::default());
    let heading = heading(&mins);
    render_status(
        StatusCode::OK,
        &MinutesPage {
            shell: Shell::titled(
                &ctx,
                format!("{} — {heading}", m.t("monitor-minutes-title")),
            ),
            m,
            heading,
            id,
            attendees: c.attendees,
            actions: c.actions,
            made: c.made,
            rows: c.alarms,
            figures: c.figures,
            signals: c.signals,
            decisions: c.decisions,
        },
    )
}

/// The Typst source of the minutes; every text comes from data.json.
pub const MINUTES_TYPST: &str = include_str!("../templates/monitor_minutes.typ");

pub type MinutesRenderer = std::sync::Arc<
    dyn Fn(
            Vec<u8>,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<u8>, String>> + Send>>
        + Send
        + Sync,
>;

static RENDERER: std::sync::OnceLock<MinutesRenderer> = std::sync::OnceLock::new();

/// Registers the PDF renderer of the minutes (the binary owns the typesetting crate).
pub fn set_minutes_renderer(r: MinutesRenderer) {
    let _ = RENDERER.set(r);
}

/// The minutes as JSON for [`MINUTES_TYPST`].
fn minutes_json(m: &Texts, heading: &str, c: &Content, demo: bool) -> Vec<u8> {
    use serde_json::json;
    let actions = |rows: &[ActionRow]| -> Vec<serde_json::Value> {
        rows.iter()
            .map(|a| {
                json!({"onderwerp": a.subject, "besluit": a.decision, "toelichting": a.note,
                "eigenaar": a.owner, "uiterlijk": a.due_on, "stand": a.state, "afsluiting": a.closed_note})
            })
            .collect()
    };
    let value = json!({
        "titel": format!("{}: {heading}", m.t("monitor-minutes-title")),
        "demo": if demo { m.t("monitor-minutes-demo") } else { String::new() },
        "koppen": {
            "aanwezig": m.t("monitor-attendees"),
            "acties": m.t("monitor-actions-returning"),
            "nieuwe_acties": m.t("monitor-actions-made"),
            "signalen": m.t("monitor-review-alarms-caption"),
            "cijfers": m.t("monitor-figures-title"),
            "politie": m.t("monitor-police-signals"),
            "besluiten": m.t("monitor-minutes-decisions"),
            "geen": m.t("monitor-minutes-none"),
        },
        "aanwezig": c.attendees.iter().map(|(n, o)| format!("{n} ({o})")).collect::<Vec<_>>(),
        "acties": actions(&c.actions),
        "nieuwe_acties": actions(&c.made),
        "signalen": c.alarms.iter().map(|a| json!({
            "nr": a.seq, "tekst": format!("{}, {} ({}), {}", a.crime, a.area, a.level, a.period),
            "uitleg": a.explanation,
            "besluiten": a.decisions.iter().map(|d| format!("{} — {}, {}{}", d.label, d.at, d.by,
                if d.note.is_empty() { String::new() } else { format!(": {}", d.note) })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "cijfers_kop": [m.t("monitor-figure-source"), m.t("monitor-figure-subject"), m.t("monitor-area"),
            m.t("monitor-figure-period"), m.t("monitor-figure-now"), m.t("monitor-figure-year-before"),
            m.t("monitor-figure-change"), m.t("monitor-decision")],
        "cijfers": c.figures.iter().map(|f| vec![f.source.clone(), f.subject.clone(), f.area.clone(),
            f.period.clone(), f.current.to_string(), f.year_before.clone(), f.change.clone(), f.decision.clone()])
            .collect::<Vec<_>>(),
        "politie": c.signals.iter().map(|s| json!({"nr": s.seq, "tekst": format!("{}, {}: {}", s.category, s.area, s.body),
            "besluit": s.decision})).collect::<Vec<_>>(),
        "besluiten": c.decisions.iter().map(|d| format!("{}: {} — {}, {}{}", d.subject, d.label, d.at, d.by,
            if d.note.is_empty() { String::new() } else { format!(": {}", d.note) })).collect::<Vec<_>>(),
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

async fn minutes_pdf(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    check(&ctx)?;
    let Some(renderer) = RENDERER.get().cloned() else {
        return Err(WebError::Internal("no PDF renderer registered".into()));
    };
    let mins = load(&state, &id).await?;
    let m = page_texts(&state, &ctx).await?;
    let c = content(&m, &ctx.lang, &mins, &mut Failed::default());
    let json = minutes_json(&m, &heading(&mins), &c, m.demo);
    let bytes = renderer(json).await.map_err(WebError::Internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"verslag-bespreking-{}.pdf\"",
                    mins.review.session.held_on
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// The alarm settings.

pub struct SettingsRow {
    pub level: String,
    pub freq: String,
    pub values: [u32; 5],
    pub own: bool,
    pub default: String,
}

pub struct SettingsFormRow {
    pub heading: String,
    pub form: Form,
}

#[derive(Template)]
#[template(path = "monitor_settings.html")]
struct SettingsPage {
    shell: Shell,
    m: Texts,
    rows: Vec<SettingsRow>,
    editor: bool,
    forms: Vec<SettingsFormRow>,
    saved: bool,
}

fn freq_label(m: &Texts, freq: u32) -> String {
    m.t(if freq == 12 {
        "monitor-settings-monthly"
    } else {
        "monitor-settings-fortnightly"
    })
}

fn level_label(m: &Texts, level: Level) -> String {
    m.t(&format!("monitor-level-{}", level.slug()))
}

fn values(s: &AlarmSettings) -> [u32; 5] {
    [
        s.window_half_width,
        s.seasonal_periods,
        s.reference_years,
        s.minimum_cases,
        s.minimum_periods,
    ]
}

const SETTING_FIELDS: [&str; 5] = [
    "window_half_width",
    "seasonal_periods",
    "reference_years",
    "minimum_cases",
    "minimum_periods",
];

fn settings_form(
    m: &Texts,
    level: Level,
    freq: u32,
    current: &AlarmSettings,
    v: Option<&HashMap<String, String>>,
) -> Form {
    let suffix = format!("{}-{freq}", level.slug());
    let cur = values(current);
    let mut fields = vec![
        FormField::new("niveau", String::new(), FieldKind::Hidden).value(level.slug()),
        FormField::new("frequentie", String::new(), FieldKind::Hidden).value(freq.to_string()),
    ];
    for (i, name) in SETTING_FIELDS.iter().enumerate() {
        let full = format!("{name}-{suffix}");
        let value = v
            .map(|v| field(v, &full))
            .unwrap_or_else(|| cur[i].to_string());
        fields.push(
            FormField::new(
                &full,
                m.t(&format!("monitor-settings-{name}")),
                FieldKind::Text,
            )
            .value(value)
            .hint(m.t(&format!("monitor-settings-{name}-hint")))
            .required(),
        );
    }
    Form::new(
        "/monitor/instellingen",
        m.t("monitor-settings-save"),
        fields,
    )
}

async fn render_settings(
    state: &AppState,
    ctx: &Ctx,
    failed: Option<(Level, u32, Form)>,
    saved: bool,
    status: StatusCode,
) -> WebResult {
    let p = check(ctx)?;
    let m = page_texts(state, ctx).await?;
    let set = crate::store::alarm_settings(&state.db).await?;
    let editor = crate::may_edit(p);
    let mut rows = Vec::new();
    let mut forms = Vec::new();
    let mut failed = failed;
    for freq in settings::FREQS {
        for level in settings::LEVELS {
            let s = set.get(level, freq);
            let d = AlarmSettings::default_for(level, freq);
            rows.push(SettingsRow {
                level: level_label(&m, level),
                freq: freq_label(&m, freq),
                values: values(&s),
                own: set.is_own(level, freq),
                default: values(&d)
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(" / "),
            });
            if editor {
                let form = match failed.take() {
                    Some((l, f, form)) if l == level && f == freq => form,
                    other => {
                        failed = other;
                        settings_form(&m, level, freq, &s, None)
                    }
                };
                forms.push(SettingsFormRow {
                    heading: format!("{}, {}", level_label(&m, level), freq_label(&m, freq)),
                    form,
                });
            }
        }
    }
    render_status(
        status,
        &SettingsPage {
            shell: Shell::titled(ctx, m.t("monitor-settings-title")),
            m,
            rows,
            editor,
            forms,
            saved,
        },
    )
}

async fn settings_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    render_settings(&state, &ctx, None, false, StatusCode::OK).await
}

async fn settings_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = check_editor(&ctx)?;
    let level = settings::LEVELS
        .into_iter()
        .find(|l| l.slug() == field(&v, "niveau"))
        .ok_or(WebError::NotFound)?;
    let freq = settings::FREQS
        .into_iter()
        .find(|f| f.to_string() == field(&v, "frequentie"))
        .ok_or(WebError::NotFound)?;
    let suffix = format!("{}-{freq}", level.slug());
    let got: Vec<String> = SETTING_FIELDS
        .iter()
        .map(|n| field(&v, &format!("{n}-{suffix}")))
        .collect();
    let fields = [
        got[0].as_str(),
        got[1].as_str(),
        got[2].as_str(),
        got[3].as_str(),
        got[4].as_str(),
    ];
    match crate::save_alarm_settings(&state.db, p, &ctx.request, level, freq, fields).await {
        Ok(()) => render_settings(&state, &ctx, None, true, StatusCode::OK).await,
        Err(ReviewError::Invalid(errors)) => {
            let m = texts(&ctx);
            let errors = renamed(&ctx, &errors, &|f| format!("{f}-{suffix}"));
            let current = crate::store::alarm_settings(&state.db)
                .await?
                .get(level, freq);
            let form =
                settings_form(&m, level, freq, &current, Some(&v)).with_errors(&ctx.lang, &errors);
            render_settings(
                &state,
                &ctx,
                Some((level, freq, form)),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ReviewError::NotFound) => Err(WebError::NotFound),
        Err(ReviewError::Store(e)) => Err(WebError::from(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Fortnightly counts.

pub struct FortnightRow {
    pub area: String,
    pub crime: String,
    pub start: String,
    pub observed: i64,
    pub expected: String,
    pub threshold: String,
}

#[derive(Template)]
#[template(path = "monitor_fortnight.html")]
struct FortnightPage {
    shell: Shell,
    m: Texts,
    series: usize,
    rows: Vec<FortnightRow>,
    form: Option<Form>,
    notice: Option<String>,
    problems: Vec<crate::model::ImportProblem>,
}

fn fortnight_form(m: &Texts) -> Form {
    Form::new(
        "/monitor/tweewekelijks",
        m.t("monitor-upload-button"),
        vec![
            FormField::new("bestand", m.t("monitor-upload-file"), FieldKind::File)
                .hint(m.t("monitor-fortnight-file-hint"))
                .required(),
        ],
    )
}

async fn render_fortnight(
    state: &AppState,
    ctx: &Ctx,
    form: Option<Form>,
    notice: Option<String>,
    problems: Vec<crate::model::ImportProblem>,
    status: StatusCode,
) -> WebResult {
    let p = check(ctx)?;
    let m = page_texts(state, ctx).await?;
    let (series, alarms) = crate::fortnight_alarms(&state.db).await?;
    let rows = alarms
        .into_iter()
        .map(|a| FortnightRow {
            area: a.region_name,
            crime: a.crime_title,
            start: review::display_date(&a.period_start),
            observed: a.observed,
            expected: review::decimal(a.expected, &ctx.lang),
            threshold: review::decimal(a.upperbound, &ctx.lang),
        })
        .collect();
    let form = if crate::may_edit(p) {
        Some(form.unwrap_or_else(|| fortnight_form(&m)))
    } else {
        None
    };
    render_status(
        status,
        &FortnightPage {
            shell: Shell::titled(ctx, m.t("monitor-fortnight-title")),
            m,
            series,
            rows,
            form,
            notice,
            problems,
        },
    )
}

async fn fortnight_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    render_fortnight(&state, &ctx, None, None, Vec::new(), StatusCode::OK).await
}

async fn fortnight_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    req: axum::extract::Request,
) -> WebResult {
    let p = check_editor(&ctx)?;
    let m = texts(&ctx);
    let (_, file) = crate::html::read_upload(req, &state, "bestand").await?;
    let Some((name, raw)) = file else {
        let form = fortnight_form(&m).with_errors(
            &ctx.lang,
            &[FieldError {
                field: "bestand".into(),
                message: m.t("monitor-upload-error-file"),
            }],
        );
        return render_fortnight(
            &state,
            &ctx,
            Some(form),
            None,
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let by = crate::store::Actor::User(p, &ctx.request);
    match crate::import_fortnight_csv(&state.db, &name, &raw, &by).await {
        Ok(crate::store::FortnightOutcome::Imported { rows, .. }) => {
            let notice = crate::t_args(
                &ctx.lang,
                "monitor-fortnight-imported",
                &[("rows", rows.to_string())],
            );
            render_fortnight(&state, &ctx, None, Some(notice), Vec::new(), StatusCode::OK).await
        }
        Ok(crate::store::FortnightOutcome::Unchanged) => {
            render_fortnight(
                &state,
                &ctx,
                None,
                Some(m.t("monitor-upload-unchanged")),
                Vec::new(),
                StatusCode::OK,
            )
            .await
        }
        Err(crate::ImportError::Refused(problems)) => {
            let form = fortnight_form(&m).with_errors(
                &ctx.lang,
                &[FieldError {
                    field: "bestand".into(),
                    message: m.t("monitor-fortnight-refused"),
                }],
            );
            render_fortnight(
                &state,
                &ctx,
                Some(form),
                None,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(crate::ImportError::Store(e)) => Err(WebError::from(e)),
    }
}
