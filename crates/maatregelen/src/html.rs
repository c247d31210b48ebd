//! Pages: the list of measures, a new measure, a measure with its steps and timeline, the deadline
//! overview, and the policy ladders (with a form per row for the administrator).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::{Extension, Form as AxForm, Router};
use jiff::civil::Date;
use platform::access::{self, Action, Principal, Purpose, Role};
use platform::identity::FieldError;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};
use termijnen::datum_nl;

use crate::access::{Beleidsladder, Maatregel, Maatregelen, Termijnoverzicht};
use crate::input::{MaatregelStapIn, NieuweMaatregel};
use crate::model::{self, Eenheid, Ladder, LadderRegel, Mijlpaal, Soort, BRONNEN};
use crate::store::{self, Detail, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/maatregelen", get(list_page))
        .route("/maatregelen/nieuw", get(new_page).post(new_post))
        .route("/maatregelen/termijnen", get(deadlines_page))
        .route("/maatregelen/beleid", get(ladders_page))
        .route("/maatregelen/beleid/{id}", get(row_page).post(row_post))
        .route("/maatregelen/{id}", get(detail_page))
        .route("/maatregelen/{id}/stap", axum::routing::post(step_post))
}

/// The module's texts in templates: `{{ m.t("key") }}`.
pub struct Texts {
    lang: String,
}

impl Texts {
    pub fn t(&self, key: &str) -> String {
        crate::t(&self.lang, key)
    }
}

fn texts(ctx: &Ctx) -> Texts {
    Texts {
        lang: ctx.lang.clone(),
    }
}

fn store_err(e: StoreError) -> WebError {
    match e {
        StoreError::NotFound => WebError::NotFound,
        other => WebError::Internal(other.to_string()),
    }
}

/// Today in the Netherlands.
pub fn vandaag() -> Date {
    platform::db::today_nl()
}

fn reader(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = require_user(ctx)?;
    if crate::access::may_read(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

fn opt(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[derive(Template)]
#[template(path = "form_page.html")]
struct FormPage {
    shell: Shell,
    intro: String,
    form: Form,
    after: Vec<(String, String)>,
}

// ---------------------------------------------------------------------------------------------
// List.

pub struct Row {
    pub id: String,
    pub soort: String,
    pub onderwerp: String,
    pub locatie: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "maatregelen_list.html")]
struct ListPage {
    shell: Shell,
    m: Texts,
    form: Form,
    rows: Vec<Row>,
    may_deadlines: bool,
}

async fn list_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult {
    let p = reader(&ctx)?;
    let m = texts(&ctx);
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Maatregelen {
            organisation_id: p.organisation_id.clone(),
        },
        Purpose::Uitvoering,
    )
    .await?;
    let query = q.get("q").cloned().unwrap_or_default();
    let items = store::list(&state.db, &auth, &query)
        .await
        .map_err(store_err)?;
    let rows = items
        .into_iter()
        .map(|x| Row {
            status: String::new(),
            soort: x.soort.naam().into(),
            id: x.id,
            onderwerp: x.onderwerp,
            locatie: x.locatie,
        })
        .collect();
    let form = Form::new(
        "/maatregelen",
        m.t("maatregelen-search"),
        vec![FormField::new("q", m.t("maatregelen-search-label"), FieldKind::Search).value(query)],
    )
    .get();
    render(&ListPage {
        shell: Shell::titled(&ctx, m.t("maatregelen-title")),
        form,
        rows,
        may_deadlines: crate::access::may_see_deadlines(p),
        m,
    })
}

// ---------------------------------------------------------------------------------------------
// New measure.

fn new_form(m: &Texts, v: &HashMap<String, String>) -> Form {
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    let mut soorten = vec![(String::new(), m.t("maatregelen-follow-proposal"))];
    soorten.extend(Soort::ALL.iter().map(|s| {
        (
            s.slug().to_string(),
            format!("{} ({})", s.naam(), s.grondslag()),
        )
    }));
    let mut ladders = vec![(String::new(), m.t("maatregelen-no-ladder"))];
    ladders.extend(
        Ladder::ALL
            .iter()
            .map(|l| (l.slug().to_string(), l.naam().to_string())),
    );
    let mut eenheden = vec![(String::new(), "—".to_string())];
    eenheden.extend(
        Eenheid::ALL
            .iter()
            .map(|e| (e.slug().to_string(), e.slug().to_string())),
    );
    Form::new(
        "/maatregelen/nieuw",
        m.t("maatregelen-create"),
        vec![
            FormField::new("onderwerp", m.t("maatregelen-subject"), FieldKind::Text)
                .value(val("onderwerp"))
                .hint(m.t("maatregelen-subject-hint"))
                .required(),
            FormField::new("locatie", m.t("maatregelen-location"), FieldKind::Text)
                .value(val("locatie"))
                .required(),
            FormField::new("datum", m.t("maatregelen-cause-date"), FieldKind::Date)
                .value(val("datum"))
                .required(),
            FormField::new(
                "bron",
                m.t("maatregelen-source"),
                FieldKind::Select(opt(&BRONNEN)),
            )
            .value(val("bron")),
            FormField::new("referentie", m.t("maatregelen-reference"), FieldKind::Text)
                .value(val("referentie")),
            FormField::new("toelichting", m.t("maatregelen-note"), FieldKind::Text)
                .value(val("toelichting")),
            FormField::new(
                "ladder",
                m.t("maatregelen-ladder"),
                FieldKind::Select(ladders),
            )
            .value(val("ladder"))
            .hint(m.t("maatregelen-ladder-hint")),
            FormField::new("object", m.t("maatregelen-object"), FieldKind::Text)
                .value(val("object"))
                .hint(m.t("maatregelen-object-hint")),
            FormField::new("middel", m.t("maatregelen-substance"), FieldKind::Text)
                .value(val("middel"))
                .hint(m.t("maatregelen-substance-hint")),
            FormField::new("hoeveelheid", m.t("maatregelen-quantity"), FieldKind::Text)
                .value(val("hoeveelheid")),
            FormField::new("soort", m.t("maatregelen-type"), FieldKind::Select(soorten))
                .value(val("soort")),
            FormField::new("duur", m.t("maatregelen-duration"), FieldKind::Text)
                .value(val("duur"))
                .hint(m.t("maatregelen-duration-hint")),
            FormField::new(
                "eenheid",
                m.t("maatregelen-unit"),
                FieldKind::Select(eenheden),
            )
            .value(val("eenheid")),
            FormField::new(
                "afwijking_reden",
                m.t("maatregelen-deviation"),
                FieldKind::Text,
            )
            .value(val("afwijking_reden"))
            .hint(m.t("maatregelen-deviation-hint")),
        ],
    )
}

async fn new_page(Extension(ctx): Extension<Ctx>) -> WebResult {
    reader(&ctx)?;
    let m = texts(&ctx);
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("maatregelen-new-title")),
        intro: m.t("maatregelen-new-intro"),
        form: new_form(&m, &HashMap::new()),
        after: vec![("/maatregelen".into(), m.t("maatregelen-back"))],
    })
}

fn number<T: std::str::FromStr>(
    v: &HashMap<String, String>,
    k: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let s = v.get(k).map(|s| s.trim()).unwrap_or("");
    if s.is_empty() {
        return None;
    }
    match s.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(platform::identity::field_error(k, "Geef een geheel getal."));
            None
        }
    }
}

fn cents(v: &HashMap<String, String>, k: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let s = v.get(k).map(|s| s.trim()).unwrap_or("");
    if s.is_empty() {
        return None;
    }
    let clean = s
        .trim_start_matches('€')
        .trim()
        .replace('.', "")
        .replace(',', ".");
    match clean.parse::<f64>() {
        Ok(n) if n >= 0.0 => Some((n * 100.0).round() as i64),
        _ => {
            errors.push(platform::identity::field_error(
                k,
                "Geef een bedrag in euro, bijvoorbeeld 2500 of 2500,00.",
            ));
            None
        }
    }
}

fn text(v: &HashMap<String, String>, k: &str) -> Option<String> {
    v.get(k).cloned().filter(|s| !s.trim().is_empty())
}

async fn new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = reader(&ctx)?;
    let m = texts(&ctx);
    let mut errors = Vec::new();
    let input = NieuweMaatregel {
        soort: text(&v, "soort"),
        onderwerp: v.get("onderwerp").cloned().unwrap_or_default(),
        locatie: v.get("locatie").cloned().unwrap_or_default(),
        datum: v.get("datum").cloned().unwrap_or_default(),
        bron: v.get("bron").cloned().unwrap_or_default(),
        referentie: text(&v, "referentie"),
        toelichting: text(&v, "toelichting"),
        ladder: text(&v, "ladder"),
        object: text(&v, "object"),
        middel: text(&v, "middel"),
        hoeveelheid: number(&v, "hoeveelheid", &mut errors),
        duur: number(&v, "duur", &mut errors),
        eenheid: text(&v, "eenheid"),
        afwijking_reden: text(&v, "afwijking_reden"),
    };
    let result = match input.parse() {
        Ok(n) if errors.is_empty() => {
            let auth = access::authorize(
                &state.db,
                &ctx.request,
                p,
                Action::Create,
                Maatregel {
                    id: None,
                    organisation_id: p.organisation_id.clone(),
                },
                Purpose::Uitvoering,
            )
            .await?;
            store::create(&state.db, &auth, &n, &p.user_id).await
        }
        Ok(_) => Err(StoreError::Invalid(errors)),
        Err(e) => {
            errors.extend(e);
            Err(StoreError::Invalid(errors))
        }
    };
    let errors = match result {
        Ok(id) => return Ok(Redirect::to(&format!("/maatregelen/{id}")).into_response()),
        Err(StoreError::Invalid(e)) => e,
        Err(StoreError::Refused(r)) => vec![platform::identity::field_error("", &r)],
        Err(e) => return Err(store_err(e)),
    };
    let form = new_form(&m, &v).with_errors(&ctx.lang, &errors);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            shell: Shell::titled(&ctx, m.t("maatregelen-new-title")),
            intro: m.t("maatregelen-new-intro"),
            form,
            after: vec![("/maatregelen".into(), m.t("maatregelen-back"))],
        },
    )
}

// ---------------------------------------------------------------------------------------------
// One measure.

pub struct StepRow {
    pub naam: String,
    pub datum: String,
    pub details: String,
}

pub struct TimeRow {
    pub datum: String,
    pub wat: String,
    pub uitleg: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "maatregelen_detail.html")]
struct DetailPage {
    shell: Shell,
    m: Texts,
    d: Detail,
    steps: Vec<StepRow>,
    timeline: Vec<TimeRow>,
    form: Option<Form>,
}

fn step_details(s: &model::Stap) -> String {
    let mut parts = Vec::new();
    if let Some(b) = &s.bron {
        parts.push(format!("bron: {b}"));
    }
    if let Some(r) = &s.referentie {
        parts.push(format!("referentie: {r}"));
    }
    if let Some(o) = s.ontvangen {
        parts.push(if o {
            "zienswijze ontvangen".into()
        } else {
            "geen zienswijze ontvangen".to_string()
        });
    }
    if let Some(d) = s.dagen {
        parts.push(format!("termijn {d} dagen"));
    }
    if let Some(t) = s.tot {
        parts.push(format!("tot en met {}", datum_nl(t)));
    }
    if let Some(b) = s.bedrag_cent {
        parts.push(format!("bedrag {}", model::euro(b)));
    }
    if let Some(b) = s.maximum_cent {
        parts.push(format!("maximum {}", model::euro(b)));
    }
    if let Some(n) = &s.noodzaak {
        parts.push(format!("noodzaak: {n}"));
    }
    if let Some(n) = &s.evenredigheid {
        parts.push(format!("evenredigheid: {n}"));
    }
    if let Some(n) = &s.subsidiariteit {
        parts.push(format!("subsidiariteit: {n}"));
    }
    if !s.toelichting.is_empty() {
        parts.push(s.toelichting.clone());
    }
    parts.join("; ")
}

fn time_rows(m: &Texts, t: &[Mijlpaal], today: Date) -> Vec<TimeRow> {
    t.iter()
        .map(|x| TimeRow {
            datum: datum_nl(x.datum),
            wat: x.wat.clone(),
            uitleg: x.uitleg.clone(),
            status: if !x.termijn {
                m.t("maatregelen-recorded")
            } else if x.afgehandeld {
                m.t("maatregelen-done")
            } else if x.datum < today {
                m.t("maatregelen-overdue")
            } else {
                m.t("maatregelen-coming")
            },
        })
        .collect()
}

fn step_form(m: &Texts, d: &Detail, v: &HashMap<String, String>) -> Form {
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    let stappen = d
        .maatregel
        .soort
        .stappen()
        .into_iter()
        .filter(|s| *s != model::StapSoort::Aanleiding)
        .map(|s| (s.slug().to_string(), s.naam().to_string()))
        .collect();
    let mut bronnen = vec![(String::new(), "—".to_string())];
    bronnen.extend(opt(&BRONNEN));
    Form::new(
        format!("/maatregelen/{}/stap", d.maatregel.id),
        m.t("maatregelen-record-step"),
        vec![
            FormField::new("soort", m.t("maatregelen-step"), FieldKind::Select(stappen))
                .value(val("soort")),
            FormField::new("datum", m.t("maatregelen-date"), FieldKind::Date)
                .value(val("datum"))
                .required(),
            FormField::new("toelichting", m.t("maatregelen-note"), FieldKind::Text)
                .value(val("toelichting")),
            FormField::new("noodzaak", m.t("maatregelen-necessity"), FieldKind::Text)
                .value(val("noodzaak"))
                .hint(m.t("maatregelen-assessment-hint")),
            FormField::new(
                "evenredigheid",
                m.t("maatregelen-proportionality"),
                FieldKind::Text,
            )
            .value(val("evenredigheid")),
            FormField::new(
                "subsidiariteit",
                m.t("maatregelen-subsidiarity"),
                FieldKind::Text,
            )
            .value(val("subsidiariteit")),
            FormField::new(
                "ontvangen",
                m.t("maatregelen-received"),
                FieldKind::Select(opt(&[("", "—"), ("ja", "ja"), ("nee", "nee")])),
            )
            .value(val("ontvangen"))
            .hint(m.t("maatregelen-received-hint")),
            FormField::new("dagen", m.t("maatregelen-days"), FieldKind::Text)
                .value(val("dagen"))
                .hint(m.t("maatregelen-days-hint")),
            FormField::new("tot", m.t("maatregelen-until"), FieldKind::Date)
                .value(val("tot"))
                .hint(m.t("maatregelen-until-hint")),
            FormField::new("bedrag", m.t("maatregelen-amount"), FieldKind::Text)
                .value(val("bedrag"))
                .hint(m.t("maatregelen-amount-hint")),
            FormField::new("maximum", m.t("maatregelen-maximum"), FieldKind::Text)
                .value(val("maximum")),
        ],
    )
}

async fn render_detail(
    ctx: &Ctx,
    p: &Principal,
    d: Detail,
    form: Option<Form>,
    status: StatusCode,
) -> WebResult {
    let m = texts(ctx);
    let today = vandaag();
    let steps = d
        .stappen
        .iter()
        .map(|s| StepRow {
            naam: s.soort.naam().into(),
            datum: datum_nl(s.datum),
            details: step_details(s),
        })
        .collect();
    let timeline = time_rows(&m, &model::tijdlijn(d.maatregel.soort, &d.stappen), today);
    let form = if crate::access::may_write(p) {
        Some(form.unwrap_or_else(|| step_form(&m, &d, &HashMap::new())))
    } else {
        None
    };
    let title = format!("{}: {}", d.maatregel.soort.naam(), d.maatregel.onderwerp);
    render_status(
        status,
        &DetailPage {
            shell: Shell::titled(ctx, title),
            m,
            d,
            steps,
            timeline,
            form,
        },
    )
}

async fn detail_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let organisation_id = store::organisation_of(&state.db, &id)
        .await
        .map_err(store_err)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Read,
        Maatregel {
            id: Some(id),
            organisation_id,
        },
        Purpose::Uitvoering,
    )
    .await?;
    let d = store::get(&state.db, &auth).await.map_err(store_err)?;
    render_detail(&ctx, p, d, None, StatusCode::OK).await
}

async fn step_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let organisation_id = store::organisation_of(&state.db, &id)
        .await
        .map_err(store_err)?;
    let resource = Maatregel {
        id: Some(id.clone()),
        organisation_id,
    };
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        resource.clone(),
        Purpose::Uitvoering,
    )
    .await?;
    let mut errors = Vec::new();
    let ontvangen = match v.get("ontvangen").map(|s| s.as_str()) {
        Some("ja") => Some(true),
        Some("nee") => Some(false),
        _ => None,
    };
    let input = MaatregelStapIn {
        soort: v.get("soort").cloned().unwrap_or_default(),
        datum: v.get("datum").cloned().unwrap_or_default(),
        toelichting: text(&v, "toelichting"),
        bron: text(&v, "bron"),
        referentie: text(&v, "referentie"),
        ontvangen,
        dagen: number(&v, "dagen", &mut errors),
        tot: text(&v, "tot"),
        bedrag_cent: cents(&v, "bedrag", &mut errors),
        maximum_cent: cents(&v, "maximum", &mut errors),
        noodzaak: text(&v, "noodzaak"),
        evenredigheid: text(&v, "evenredigheid"),
        subsidiariteit: text(&v, "subsidiariteit"),
    };
    let result = match input.parse() {
        Ok(stap) if errors.is_empty() => store::add_step(&state.db, &auth, &stap, &p.user_id).await,
        Ok(_) => Err(StoreError::Invalid(errors)),
        Err(e) => {
            errors.extend(e);
            Err(StoreError::Invalid(errors))
        }
    };
    let errors = match result {
        Ok(_) => return Ok(Redirect::to(&format!("/maatregelen/{id}")).into_response()),
        Err(StoreError::Invalid(e)) => e,
        Err(StoreError::Refused(r)) => vec![platform::identity::field_error("", &r)],
        Err(e) => return Err(store_err(e)),
    };
    // Re-read (audited) to show the page again with the input kept.
    let read = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Read,
        resource,
        Purpose::Uitvoering,
    )
    .await?;
    let d = store::get(&state.db, &read).await.map_err(store_err)?;
    let m = texts(&ctx);
    let form = step_form(&m, &d, &v).with_errors(&ctx.lang, &errors);
    render_detail(&ctx, p, d, Some(form), StatusCode::UNPROCESSABLE_ENTITY).await
}

// ---------------------------------------------------------------------------------------------
// Deadline overview.

pub struct DeadlineRow {
    pub id: String,
    pub datum: String,
    pub wat: String,
    pub onderwerp: String,
    pub soort: String,
    pub uitleg: String,
}

#[derive(Template)]
#[template(path = "maatregelen_termijnen.html")]
struct DeadlinesPage {
    shell: Shell,
    m: Texts,
    sections: Vec<Section>,
}

pub struct Section {
    pub title: String,
    pub id: &'static str,
    pub rows: Vec<DeadlineRow>,
}

async fn deadlines_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Termijnoverzicht {
            organisation_id: p.organisation_id.clone(),
        },
        Purpose::Uitvoering,
    )
    .await?;
    let all = store::all_with_steps(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let today = vandaag();
    let mut overdue = Vec::new();
    let mut week = Vec::new();
    for d in &all {
        let t = model::tijdlijn(d.maatregel.soort, &d.stappen);
        let (o, w) = model::open_termijnen(&t, today);
        let row = |x: &Mijlpaal| {
            (
                x.datum,
                DeadlineRow {
                    id: d.maatregel.id.clone(),
                    datum: datum_nl(x.datum),
                    wat: x.wat.clone(),
                    onderwerp: d.maatregel.onderwerp.clone(),
                    soort: d.maatregel.soort.naam().into(),
                    uitleg: x.uitleg.clone(),
                },
            )
        };
        overdue.extend(o.iter().map(row));
        week.extend(w.iter().map(row));
    }
    overdue.sort_by_key(|(d, _)| *d);
    week.sort_by_key(|(d, _)| *d);
    let m = texts(&ctx);
    let sections = vec![
        Section {
            title: m.t("maatregelen-overdue-title"),
            id: "tabel-verlopen",
            rows: overdue.into_iter().map(|(_, r)| r).collect(),
        },
        Section {
            title: m.t("maatregelen-week-title"),
            id: "tabel-week",
            rows: week.into_iter().map(|(_, r)| r).collect(),
        },
    ];
    render(&DeadlinesPage {
        shell: Shell::titled(&ctx, m.t("maatregelen-deadlines-title")),
        m,
        sections,
    })
}

// ---------------------------------------------------------------------------------------------
// Ladders.

pub struct LadderView {
    pub slug: String,
    pub naam: String,
    pub beleid: String,
    pub versie: i64,
    pub rows: Vec<LadderRow>,
}

pub struct LadderRow {
    pub id: String,
    pub object: String,
    pub middel: String,
    pub vanaf: i64,
    pub feit: u32,
    pub venster: u32,
    pub maatregel: String,
    pub duur: String,
    pub omschrijving: String,
}

#[derive(Template)]
#[template(path = "maatregelen_beleid.html")]
struct LaddersPage {
    shell: Shell,
    m: Texts,
    ladders: Vec<LadderView>,
    admin: bool,
}

async fn ladders_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = reader(&ctx)?;
    let mut ladders = Vec::new();
    for l in Ladder::ALL {
        let rows = store::ladder(&state.db, l).await.map_err(store_err)?;
        ladders.push(LadderView {
            slug: l.slug().into(),
            naam: l.naam().into(),
            beleid: rows.first().map(|r| r.beleid.clone()).unwrap_or_default(),
            versie: rows.first().map(|r| r.versie).unwrap_or(0),
            rows: rows
                .into_iter()
                .map(|r| LadderRow {
                    maatregel: r
                        .maatregel
                        .map(|s| s.naam().to_string())
                        .unwrap_or_else(|| "—".into()),
                    duur: if r.duur > 0 {
                        format!("{} {}", r.duur, r.eenheid.slug())
                    } else {
                        "—".into()
                    },
                    id: r.id,
                    object: r.object,
                    middel: r.middel,
                    vanaf: r.hoeveelheid_vanaf,
                    feit: r.feit,
                    venster: r.venster_maanden,
                    omschrijving: r.omschrijving,
                })
                .collect(),
        });
    }
    let m = texts(&ctx);
    render(&LaddersPage {
        shell: Shell::titled(&ctx, m.t("maatregelen-ladders-title")),
        m,
        ladders,
        admin: p.has(Role::Beheerder),
    })
}

fn row_form(m: &Texts, r: &LadderRegel, v: Option<&HashMap<String, String>>) -> Form {
    let val = |k: &str, d: String| v.and_then(|v| v.get(k).cloned()).unwrap_or(d);
    let mut soorten = vec![(String::new(), m.t("maatregelen-no-measure"))];
    soorten.extend(
        Soort::ALL
            .iter()
            .map(|s| (s.slug().to_string(), s.naam().to_string())),
    );
    let eenheden = Eenheid::ALL
        .iter()
        .map(|e| (e.slug().to_string(), e.slug().to_string()))
        .collect();
    Form::new(
        format!("/maatregelen/beleid/{}", r.id),
        m.t("maatregelen-save-version"),
        vec![
            FormField::new("beleid", m.t("maatregelen-policy-name"), FieldKind::Text)
                .value(val("beleid", r.beleid.clone()))
                .required(),
            FormField::new("object", m.t("maatregelen-object"), FieldKind::Text)
                .value(val("object", r.object.clone()))
                .hint(m.t("maatregelen-star-hint")),
            FormField::new("middel", m.t("maatregelen-substance"), FieldKind::Text)
                .value(val("middel", r.middel.clone()))
                .hint(m.t("maatregelen-star-hint")),
            FormField::new(
                "hoeveelheid_vanaf",
                m.t("maatregelen-quantity-from"),
                FieldKind::Text,
            )
            .value(val("hoeveelheid_vanaf", r.hoeveelheid_vanaf.to_string())),
            FormField::new("feit", m.t("maatregelen-offence-number"), FieldKind::Text)
                .value(val("feit", r.feit.to_string())),
            FormField::new(
                "venster_maanden",
                m.t("maatregelen-window"),
                FieldKind::Text,
            )
            .value(val("venster_maanden", r.venster_maanden.to_string())),
            FormField::new(
                "maatregel",
                m.t("maatregelen-type"),
                FieldKind::Select(soorten),
            )
            .value(val(
                "maatregel",
                r.maatregel
                    .map(|s| s.slug().to_string())
                    .unwrap_or_default(),
            )),
            FormField::new("duur", m.t("maatregelen-duration"), FieldKind::Text)
                .value(val("duur", r.duur.to_string())),
            FormField::new(
                "eenheid",
                m.t("maatregelen-unit"),
                FieldKind::Select(eenheden),
            )
            .value(val("eenheid", r.eenheid.slug().to_string())),
            FormField::new(
                "omschrijving",
                m.t("maatregelen-description"),
                FieldKind::Text,
            )
            .value(val("omschrijving", r.omschrijving.clone()))
            .required(),
        ],
    )
}

async fn admin_row(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    action: Action,
) -> Result<(LadderRegel, access::Authorized<Beleidsladder>), WebError> {
    let p = require_user(ctx)?;
    let r = store::ladder_regel(&state.db, id)
        .await
        .map_err(store_err)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        action,
        Beleidsladder {
            ladder: r.ladder.slug().into(),
        },
        Purpose::Beheer,
    )
    .await?;
    Ok((r, auth))
}

async fn row_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let (r, _) = admin_row(&state, &ctx, &id, Action::Update).await?;
    let m = texts(&ctx);
    render(&FormPage {
        shell: Shell::titled(
            &ctx,
            format!(
                "{} — {}: regel {}",
                m.t("maatregelen-row-title"),
                r.ladder.naam(),
                r.positie + 1
            ),
        ),
        intro: m.t("maatregelen-row-intro"),
        form: row_form(&m, &r, None),
        after: vec![(
            "/maatregelen/beleid".into(),
            m.t("maatregelen-ladders-title"),
        )],
    })
}

async fn row_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let (r, auth) = admin_row(&state, &ctx, &id, Action::Update).await?;
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let mut errors = Vec::new();
    let mut nieuw = r.clone();
    nieuw.beleid = v.get("beleid").cloned().unwrap_or_default();
    nieuw.object = v.get("object").cloned().unwrap_or_default();
    nieuw.middel = v.get("middel").cloned().unwrap_or_default();
    nieuw.omschrijving = v.get("omschrijving").cloned().unwrap_or_default();
    nieuw.hoeveelheid_vanaf = number(&v, "hoeveelheid_vanaf", &mut errors).unwrap_or(0);
    nieuw.feit = number(&v, "feit", &mut errors).unwrap_or(0);
    nieuw.venster_maanden = number(&v, "venster_maanden", &mut errors).unwrap_or(0);
    nieuw.duur = number(&v, "duur", &mut errors).unwrap_or(0);
    nieuw.maatregel = v.get("maatregel").and_then(|s| Soort::from_slug(s));
    nieuw.eenheid = v
        .get("eenheid")
        .and_then(|s| Eenheid::from_slug(s))
        .unwrap_or(Eenheid::Dagen);
    let result = if errors.is_empty() {
        store::ladder_wijzig(&state.db, &auth, &nieuw, &p.user_id).await
    } else {
        Err(StoreError::Invalid(errors))
    };
    let errors = match result {
        Ok(_) => return Ok(Redirect::to("/maatregelen/beleid").into_response()),
        Err(StoreError::Invalid(e)) => e,
        Err(StoreError::Refused(why)) => vec![platform::identity::field_error("", &why)],
        Err(e) => return Err(store_err(e)),
    };
    let form = row_form(&m, &r, Some(&v)).with_errors(&ctx.lang, &errors);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            shell: Shell::titled(
                &ctx,
                format!(
                    "{} — {}: regel {}",
                    m.t("maatregelen-row-title"),
                    r.ladder.naam(),
                    r.positie + 1
                ),
            ),
            intro: m.t("maatregelen-row-intro"),
            form,
            after: vec![(
                "/maatregelen/beleid".into(),
                m.t("maatregelen-ladders-title"),
            )],
        },
    )
}
