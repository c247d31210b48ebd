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
use platform::web::forms::FormPage;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};
use termijnen::datum_nl;

use crate::access::{
    Beleidsladder, Inrichting, Maatregel, Maatregelen, Termijnoverzicht, BEWAARTERMIJNEN,
    GELIJKGESTELDE_DAGEN, SJABLONEN,
};
use crate::brief::{self, BriefSoort};
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
        .route(
            "/maatregelen/beleid/{id}/verwijderen",
            get(row_remove_page).post(row_remove),
        )
        .route(
            "/maatregelen/beleid/nieuw/{ladder}",
            get(row_new_page).post(row_new_post),
        )
        .route("/maatregelen/sjablonen", get(templates_page))
        .route(
            "/maatregelen/sjablonen/{brief}/{soort}",
            get(template_page).post(template_post),
        )
        .route(
            "/maatregelen/bewaartermijnen",
            get(retention_page).post(retention_post),
        )
        .route(
            "/maatregelen/gelijkgestelde-dagen",
            get(designated_page).post(designated_post),
        )
        .route(
            "/maatregelen/gelijkgestelde-dagen/{id}/verwijderen",
            axum::routing::post(designated_remove),
        )
        .route("/maatregelen/{id}", get(detail_page))
        .route("/maatregelen/{id}/stap", axum::routing::post(step_post))
        .route("/maatregelen/{id}/team", axum::routing::post(team_post))
        .route(
            "/maatregelen/{id}/brieven",
            axum::routing::post(letter_post),
        )
        .route(
            "/maatregelen/{id}/brieven/{brief}",
            get(letter_page).post(letter_save),
        )
        .route(
            "/maatregelen/{id}/brieven/{brief}/definitief",
            axum::routing::post(letter_finalise),
        )
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

// ---------------------------------------------------------------------------------------------
// List.

pub struct Row {
    pub id: String,
    pub kenmerk: String,
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
    let items = store::list(&state.db, &auth, &query).await?;
    let rows = items
        .into_iter()
        .map(|x| Row {
            status: String::new(),
            kenmerk: x.kenmerk,
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

/// The teams of the user's organisation as select options, with "no team" first.
async fn team_options(state: &AppState, p: &Principal) -> Result<Vec<(String, String)>, WebError> {
    let mut out = vec![(String::new(), "—".to_string())];
    out.extend(
        platform::identity::list_teams(&state.db, &p.organisation_id)
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?
            .into_iter()
            .map(|t| (t.id, t.name)),
    );
    Ok(out)
}

fn new_form(m: &Texts, v: &HashMap<String, String>, teams: Vec<(String, String)>) -> Form {
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
                .value(val("referentie"))
                .hint(m.t("maatregelen-reference-hint")),
            FormField::new("toelichting", m.t("maatregelen-note"), FieldKind::Text)
                .value(val("toelichting")),
            FormField::new("team", m.t("maatregelen-team"), FieldKind::Select(teams))
                .value(val("team"))
                .hint(m.t("maatregelen-team-hint")),
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
                .value(val("hoeveelheid"))
                .hint(m.t("maatregelen-quantity-hint")),
            FormField::new(
                "hoeveelheid_eenheid",
                m.t("maatregelen-quantity-unit"),
                FieldKind::Select(eenheden_hoeveelheid(m)),
            )
            .value(val("hoeveelheid_eenheid")),
            FormField::new("bag", m.t("maatregelen-bag"), FieldKind::Text)
                .value(val("bag"))
                .hint(m.t("maatregelen-bag-hint")),
            FormField::new("exploitant", m.t("maatregelen-operator"), FieldKind::Text)
                .value(val("exploitant"))
                .hint(m.t("maatregelen-operator-hint")),
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
            FormField::new(
                "spoed",
                m.t("maatregelen-urgent"),
                FieldKind::Select(vec![
                    (String::new(), m.t("maatregelen-urgent-no")),
                    ("ja".into(), m.t("maatregelen-urgent-yes")),
                ]),
            )
            .value(val("spoed"))
            .hint(m.t("maatregelen-urgent-hint")),
            FormField::new(
                "spoed_reden",
                m.t("maatregelen-urgent-reason"),
                FieldKind::Text,
            )
            .value(val("spoed_reden"))
            .hint(m.t("maatregelen-urgent-reason-hint")),
        ],
    )
}

async fn new_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = reader(&ctx)?;
    let m = texts(&ctx);
    let teams = team_options(&state, p).await?;
    // The user's own team is the likely one.
    let mine = platform::identity::team_ids_of_user(&state.db, &p.user_id)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut v = HashMap::new();
    if let Some(t) = teams.iter().find(|(id, _)| mine.contains(id)) {
        v.insert("team".to_string(), t.0.clone());
    }
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("maatregelen-new-title")),
        intro: m.t("maatregelen-new-intro"),
        form: new_form(&m, &v, teams),
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
        hoeveelheid: text(&v, "hoeveelheid").map(serde_json::Value::String),
        hoeveelheid_eenheid: text(&v, "hoeveelheid_eenheid"),
        bag: text(&v, "bag"),
        exploitant: text(&v, "exploitant"),
        duur: number(&v, "duur", &mut errors),
        eenheid: text(&v, "eenheid"),
        afwijking_reden: text(&v, "afwijking_reden"),
        team: text(&v, "team"),
        spoed: Some(v.get("spoed").map(String::as_str) == Some("ja")),
        spoed_reden: text(&v, "spoed_reden"),
    };
    let result = match input.parse() {
        Ok(n) if errors.is_empty() => {
            let auth = store::authorize_new(&state.db, &ctx.request, p).await?;
            match store::kalender(&state.db).await {
                Ok(kal) => store::create(&state.db, &auth, &n, &p.user_id, &kal).await,
                Err(e) => Err(e),
            }
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
        Err(e) => return Err(WebError::from(e)),
    };
    let form = new_form(&m, &v, team_options(&state, p).await?).with_errors(&ctx.lang, &errors);
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
    /// A link to the melding the aanleiding came from.
    pub melding: Option<String>,
}

pub struct LetterRow {
    pub href: String,
    pub titel: String,
    pub soort: String,
    pub datum: String,
    /// "concept" or "definitief".
    pub status: String,
}

/// Forms shown again with the user's input and errors after a refused post.
#[derive(Default)]
struct Refused {
    step: Option<Form>,
    letter: Option<Form>,
    team: Option<Form>,
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
    kenmerk: String,
    /// The reason of the urgent path, when recorded.
    spoed: Option<String>,
    /// The offence's quantity with its unit, or empty.
    hoeveelheid: String,
    team: Option<String>,
    retention: String,
    steps: Vec<StepRow>,
    timeline: Vec<TimeRow>,
    letters: Vec<LetterRow>,
    form: Option<Form>,
    letter_form: Option<Form>,
    team_form: Option<Form>,
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
    if let Some(r) = &s.reden {
        parts.push(format!("reden van de spoed: {r}"));
    }
    if let Some(a) = s.adviescommissie {
        parts.push(if a {
            "behandeld door de adviescommissie (art. 7:13 Awb)".to_string()
        } else {
            "zonder adviescommissie".to_string()
        });
    }
    if let Some(w) = s.weken {
        parts.push(format!("verdaagd met {w} weken"));
    }
    if let Some(t) = s.tegen {
        parts.push(match t {
            model::Tegen::Last => "tegen de last onder dwangsom".to_string(),
            model::Tegen::Invordering => "tegen het invorderingsbesluit".to_string(),
        });
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
    let zaak = d.maatregel.zaak();
    let stappen = zaak
        .stappen()
        .into_iter()
        .filter(|s| *s != model::StapSoort::Aanleiding)
        .map(|s| {
            (
                s.slug().to_string(),
                s.naam_in(zaak.procedure()).to_string(),
            )
        })
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
            FormField::new("reden", m.t("maatregelen-urgent-reason"), FieldKind::Text)
                .value(val("reden"))
                .hint(m.t("maatregelen-urgent-step-hint")),
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
            FormField::new(
                "adviescommissie",
                m.t("maatregelen-committee"),
                FieldKind::Select(opt(&[("", "—"), ("ja", "ja"), ("nee", "nee")])),
            )
            .value(val("adviescommissie"))
            .hint(m.t("maatregelen-committee-hint")),
            FormField::new("weken", m.t("maatregelen-weeks"), FieldKind::Text)
                .value(val("weken"))
                .hint(m.t("maatregelen-weeks-hint")),
        ]
        .into_iter()
        .chain((zaak.soort == model::Soort::Dwangsom).then(|| {
            FormField::new(
                "tegen",
                m.t("maatregelen-against"),
                FieldKind::Select(vec![
                    (String::new(), m.t("maatregelen-against-last")),
                    ("invordering".into(), m.t("maatregelen-against-collection")),
                ]),
            )
            .value(val("tegen"))
            .hint(m.t("maatregelen-against-hint"))
        }))
        .collect(),
    )
}

fn letter_form(m: &Texts, d: &Detail, v: &[(String, String)]) -> Option<Form> {
    let val = |k: &str| v.iter().find(|(n, _)| n == k).map(|(_, x)| x.clone());
    let choices: Vec<(String, String)> = BriefSoort::ALL
        .into_iter()
        .filter(|b| b.past_bij(d.maatregel.zaak()))
        .map(|b| (b.slug().to_string(), b.naam().to_string()))
        .collect();
    let gekozen: Vec<&str> = v
        .iter()
        .filter(|(n, _)| n == "notities")
        .map(|(_, x)| x.as_str())
        .collect();
    (!choices.is_empty()).then(|| {
        Form::new(
            format!("/maatregelen/{}/brieven", d.maatregel.id),
            m.t("maatregelen-letter-draft"),
            vec![
                FormField::new(
                    "brief",
                    m.t("maatregelen-letter-kind"),
                    FieldKind::Select(choices),
                )
                .value(val("brief").unwrap_or_default()),
                FormField::new("datum", m.t("maatregelen-letter-date"), FieldKind::Date)
                    .value(val("datum").unwrap_or_else(|| vandaag().to_string()))
                    .hint(m.t("maatregelen-letter-date-hint")),
                FormField::new(
                    "notities",
                    m.t("maatregelen-letter-notes"),
                    FieldKind::Checkboxes(
                        brief::NOTITIES
                            .iter()
                            .map(|(k, l)| (k.to_string(), l.to_string(), gekozen.contains(k)))
                            .collect(),
                    ),
                )
                .hint(m.t("maatregelen-letter-notes-hint")),
            ],
        )
    })
}

fn team_form(m: &Texts, d: &Detail, teams: Vec<(String, String)>) -> Form {
    Form::new(
        format!("/maatregelen/{}/team", d.maatregel.id),
        m.t("maatregelen-team-save"),
        vec![
            FormField::new("team", m.t("maatregelen-team"), FieldKind::Select(teams))
                .value(d.maatregel.team_id.clone().unwrap_or_default())
                .hint(m.t("maatregelen-team-hint")),
        ],
    )
}

/// The retention line of a measure: until when it is kept, or how long after it ends.
async fn retention_text(state: &AppState, d: &Detail) -> Result<String, WebError> {
    let terms = store::bewaartermijnen(&state.db).await?;
    let Some(t) = terms.into_iter().find(|t| t.soort == d.maatregel.soort) else {
        return Ok(String::new());
    };
    Ok(match model::bewaren_tot(&d.stappen, t.jaren) {
        Some(tot) => format!(
            "bewaren tot {} ({} jaar na de laatste stap; selectielijst {})",
            datum_nl(tot),
            t.jaren,
            t.resultaat
        ),
        None => format!(
            "{} jaar na beëindiging (selectielijst {})",
            t.jaren, t.resultaat
        ),
    })
}

async fn render_detail(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    d: Detail,
    refused: Refused,
    status: StatusCode,
) -> WebResult {
    let m = texts(ctx);
    let today = vandaag();
    let steps = d
        .stappen
        .iter()
        .map(|s| StepRow {
            naam: s.soort.naam_in(d.maatregel.zaak().procedure()).into(),
            datum: datum_nl(s.datum),
            details: step_details(s),
            melding: s.melding_id.as_ref().map(|id| format!("/meldingen/{id}")),
        })
        .collect();
    let kal = store::kalender(&state.db).await?;
    let timeline = time_rows(
        &m,
        &model::tijdlijn(d.maatregel.zaak(), &d.stappen, &kal),
        today,
    );
    let letters = d
        .brieven
        .iter()
        .map(|b| LetterRow {
            href: format!("/maatregelen/{}/brieven/{}", d.maatregel.id, b.id),
            titel: b.titel.clone(),
            soort: b.brief.naam().into(),
            datum: datum_nl(b.datum),
            status: if b.definitief_at.is_some() {
                m.t("maatregelen-letter-final")
            } else {
                m.t("maatregelen-letter-concept")
            },
        })
        .collect();
    let teams = team_options(state, p).await?;
    let team = d
        .maatregel
        .team_id
        .as_ref()
        .and_then(|id| teams.iter().find(|(t, _)| t == id))
        .map(|(_, name)| name.clone());
    let writer = crate::access::may_write(p);
    let (form, letter_form, team_form) = if writer {
        (
            Some(
                refused
                    .step
                    .unwrap_or_else(|| step_form(&m, &d, &HashMap::new())),
            ),
            refused.letter.or_else(|| letter_form(&m, &d, &[])),
            Some(refused.team.unwrap_or_else(|| team_form(&m, &d, teams))),
        )
    } else {
        (None, None, None)
    };
    let title = format!("{}: {}", d.maatregel.soort.naam(), d.maatregel.onderwerp);
    render_status(
        status,
        &DetailPage {
            shell: Shell::titled(ctx, title),
            kenmerk: d.maatregel.kenmerk.clone(),
            spoed: model::spoed(&d.stappen).and_then(|s| s.reden.clone()),
            hoeveelheid: d
                .maatregel
                .hoeveelheid
                .as_ref()
                .map(|(q, e)| {
                    format!("{} {e}", model::hoeveelheid_tekst(*q))
                        .trim()
                        .to_string()
                })
                .unwrap_or_default(),
            retention: retention_text(state, &d).await?,
            m,
            d,
            team,
            steps,
            timeline,
            letters,
            form,
            letter_form,
            team_form,
        },
    )
}

/// The measure behind `id` with the caller authorised for action `A` on it.
async fn authorize_measure<A: access::ActionType>(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<access::Authorized<Maatregel, A>, WebError> {
    let p = require_user(ctx)?;
    store::authorize_measure(&state.db, &ctx.request, p, id)
        .await
        .map_err(WebError::from)
}

/// Shows the measure again with a refused form (the read is audited like any other).
async fn render_refused(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    refused: impl FnOnce(&Texts, &Detail) -> Refused,
) -> WebResult {
    let p = require_user(ctx)?;
    let read = authorize_measure::<access::act::Read>(state, ctx, id).await?;
    let d = store::get(&state.db, &read).await?;
    let refused = refused(&texts(ctx), &d);
    render_detail(state, ctx, p, d, refused, StatusCode::UNPROCESSABLE_ENTITY).await
}

fn field_errors(e: StoreError) -> Result<Vec<FieldError>, WebError> {
    match e {
        StoreError::Invalid(e) => Ok(e),
        StoreError::Refused(r) => Ok(vec![platform::identity::field_error("", &r)]),
        e => Err(WebError::from(e)),
    }
}

async fn team_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let auth = authorize_measure::<access::act::Update>(&state, &ctx, &id).await?;
    let team = text(&v, "team");
    let errors = match store::set_team(&state.db, &auth, team.as_deref()).await {
        Ok(()) => return Ok(Redirect::to(&format!("/maatregelen/{id}")).into_response()),
        Err(e) => field_errors(e)?,
    };
    let p = require_user(&ctx)?;
    let teams = team_options(&state, p).await?;
    render_refused(&state, &ctx, &id, |m, d| Refused {
        team: Some(team_form(m, d, teams).with_errors(&ctx.lang, &errors)),
        ..Refused::default()
    })
    .await
}

async fn letter_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<Vec<(String, String)>>,
) -> WebResult {
    let auth = authorize_measure::<access::act::Update>(&state, &ctx, &id).await?;
    let p = require_user(&ctx)?;
    let get = |k: &str| v.iter().find(|(n, _)| n == k).map(|(_, x)| x.as_str());
    let notities = brief::Notities::uit(
        &v.iter()
            .filter(|(n, _)| n == "notities")
            .map(|(_, x)| x.clone())
            .collect::<Vec<_>>(),
    );
    let datum = match get("datum").map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(vandaag()),
        Some(d) => termijnen::parse_datum(d).map_err(|_| {
            StoreError::Invalid(vec![platform::identity::field_error(
                "datum",
                "Geef een datum als JJJJ-MM-DD of DD-MM-JJJJ.",
            )])
        }),
    };
    let result = match (get("brief").and_then(BriefSoort::from_slug), datum) {
        (_, Err(e)) => Err(e),
        (Some(b), Ok(datum)) => {
            let gemeente = platform::identity::organisation(&state.db, &p.organisation_id)
                .await
                .map_err(|e| WebError::Internal(e.to_string()))?
                .name;
            store::brief_opstellen(&state.db, &auth, b, &gemeente, datum, notities, &p.user_id)
                .await
        }
        (None, Ok(_)) => Err(StoreError::Invalid(vec![platform::identity::field_error(
            "brief",
            "Kies een soort brief.",
        )])),
    };
    let errors = match result {
        Ok(brief) => {
            return Ok(Redirect::to(&format!("/maatregelen/{id}/brieven/{brief}")).into_response())
        }
        Err(e) => field_errors(e)?,
    };
    render_refused(&state, &ctx, &id, |m, d| Refused {
        letter: letter_form(m, d, &v).map(|f| f.with_errors(&ctx.lang, &errors)),
        ..Refused::default()
    })
    .await
}

#[derive(Template)]
#[template(path = "maatregelen_brief.html")]
struct LetterPage {
    shell: Shell,
    m: Texts,
    back: String,
    pdf: String,
    kenmerk: String,
    soort: String,
    datum: String,
    alineas: Vec<Vec<String>>,
    /// When it was finalised, in Dutch; None for a draft.
    definitief: Option<String>,
    /// The draft's edit form (for whoever may change the measure).
    edit: Option<Form>,
    /// The finalise form (for a legal adviser).
    finalise: Option<Form>,
}

/// Renders a letter's PDF from its data (`data.json`); the binary registers it, so this crate
/// never depends on the typesetter.
pub type LetterRenderer = std::sync::Arc<
    dyn Fn(
            Vec<u8>,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<u8>, String>> + Send>>
        + Send
        + Sync,
>;

static RENDERER: std::sync::OnceLock<LetterRenderer> = std::sync::OnceLock::new();

/// Registers the renderer of letters' PDFs (once per process; later calls are ignored).
pub fn set_letter_renderer(r: LetterRenderer) {
    let _ = RENDERER.set(r);
}

fn letter_edit_form(
    m: &Texts,
    id: &str,
    b: &store::Brief,
    v: Option<&HashMap<String, String>>,
) -> Form {
    let val = |k: &str, d: String| v.and_then(|v| v.get(k).cloned()).unwrap_or(d);
    Form::new(
        format!("/maatregelen/{id}/brieven/{}", b.rij.id),
        m.t("maatregelen-letter-save"),
        vec![
            FormField::new("datum", m.t("maatregelen-letter-date"), FieldKind::Date)
                .value(val("datum", b.rij.datum.to_string()))
                .required(),
            FormField::new("titel", m.t("maatregelen-template-title"), FieldKind::Text)
                .value(val("titel", b.rij.titel.clone()))
                .required(),
            FormField::new(
                "tekst",
                m.t("maatregelen-template-text"),
                FieldKind::TextArea,
            )
            .value(val("tekst", b.tekst.clone()))
            .hint(m.t("maatregelen-letter-text-hint"))
            .required(),
        ],
    )
}

fn letter_finalise_form(m: &Texts, id: &str, b: &store::Brief) -> Form {
    Form::new(
        format!("/maatregelen/{id}/brieven/{}/definitief", b.rij.id),
        m.t("maatregelen-letter-finalise"),
        vec![],
    )
}

fn may_finalise(p: &Principal) -> bool {
    crate::access::may_write(p) && p.has(Role::Jurist)
}

async fn render_letter(
    ctx: &Ctx,
    id: &str,
    b: store::Brief,
    edit: Option<Form>,
    finalise: Option<Form>,
    status: StatusCode,
) -> WebResult {
    let p = require_user(ctx)?;
    let m = texts(ctx);
    let draft = b.rij.definitief_at.is_none();
    // A refused form is shown again with its reason (also once the letter became final).
    let edit = edit.or_else(|| {
        (draft && crate::access::may_write(p)).then(|| letter_edit_form(&m, id, &b, None))
    });
    let finalise =
        finalise.or_else(|| (draft && may_finalise(p)).then(|| letter_finalise_form(&m, id, &b)));
    render_status(
        status,
        &LetterPage {
            shell: Shell::titled(ctx, b.rij.titel.clone()),
            back: format!("/maatregelen/{id}"),
            pdf: format!("/maatregelen/{id}/brieven/{}/pdf", b.rij.id),
            kenmerk: b.kenmerk.clone(),
            soort: b.rij.brief.naam().into(),
            datum: datum_nl(b.rij.datum),
            // Each paragraph keeps its line breaks (address lines) as separate lines.
            alineas: brief::alineas(&b.tekst)
                .into_iter()
                .map(|a| a.lines().map(str::to_string).collect())
                .collect(),
            definitief: b
                .rij
                .definitief_at
                .map(|t| datum_nl(platform::db::date_nl(t))),
            edit,
            finalise,
            m,
        },
    )
}

async fn letter_save(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, brief_id)): Path<(String, String)>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let auth = authorize_measure::<access::act::Update>(&state, &ctx, &id).await?;
    let p = require_user(&ctx)?;
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let errors = match store::brief_wijzigen(
        &state.db,
        &auth,
        &brief_id,
        get("datum"),
        get("titel"),
        get("tekst"),
        &p.user_id,
    )
    .await
    {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/maatregelen/{id}/brieven/{brief_id}")).into_response(),
            )
        }
        Err(e) => field_errors(e)?,
    };
    let b = letter_for(&state, &ctx, &id, &brief_id).await?;
    let m = texts(&ctx);
    let form = letter_edit_form(&m, &id, &b, Some(&v)).with_errors(&ctx.lang, &errors);
    render_letter(
        &ctx,
        &id,
        b,
        Some(form),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A legal adviser finalises a draft: the PDF is made from the text as it stands and kept, and
/// the letter is frozen.
async fn letter_finalise(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, brief_id)): Path<(String, String)>,
) -> WebResult {
    let p = require_user(&ctx)?;
    if !may_finalise(p) {
        return Err(WebError::Forbidden);
    }
    let b = letter_for(&state, &ctx, &id, &brief_id).await?;
    let auth = authorize_measure::<access::act::Update>(&state, &ctx, &id).await?;
    let result = match brief::mag_definitief(&b.tekst) {
        Err(e) => Err(StoreError::Refused(e)),
        Ok(()) => {
            let renderer = RENDERER
                .get()
                .ok_or_else(|| WebError::Internal("geen PDF-opmaak geregistreerd".into()))?;
            let pdf = renderer(letter_json_met(&b, "Definitief"))
                .await
                .map_err(WebError::Internal)?;
            store::brief_definitief(&state.db, &auth, &b, &pdf, &p.user_id).await
        }
    };
    let errors = match result {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/maatregelen/{id}/brieven/{brief_id}")).into_response(),
            )
        }
        Err(e) => field_errors(e)?,
    };
    let m = texts(&ctx);
    let form = letter_finalise_form(&m, &id, &b).with_errors(&ctx.lang, &errors);
    render_letter(
        &ctx,
        &id,
        b,
        None,
        Some(form),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A letter with its measure, for the page and the PDF; the read is audited.
pub async fn letter_for(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    brief_id: &str,
) -> Result<store::Brief, WebError> {
    let auth = authorize_measure::<access::act::Read>(state, ctx, id).await?;
    store::brief(&state.db, &auth, brief_id)
        .await
        .map_err(WebError::from)
}

async fn letter_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, brief_id)): Path<(String, String)>,
) -> WebResult {
    let b = letter_for(&state, &ctx, &id, &brief_id).await?;
    render_letter(&ctx, &id, b, None, None, StatusCode::OK).await
}

/// The Typst layout of a letter; its text arrives as `data.json`.
pub const LETTER_TYPST: &str = include_str!("../templates/maatregelen/brief.typ");

/// The data of a letter's PDF: title, reference, date and paragraphs as JSON.
pub fn letter_json(b: &store::Brief) -> Vec<u8> {
    letter_json_met(
        b,
        if b.rij.definitief_at.is_some() {
            "Definitief"
        } else {
            "Concept"
        },
    )
}

fn letter_json_met(b: &store::Brief, status: &str) -> Vec<u8> {
    serde_json::json!({
        "titel": b.rij.titel,
        "kenmerk": b.kenmerk,
        "soort": b.rij.brief.naam(),
        "datum": datum_nl(b.rij.datum),
        "status": status,
        "alineas": brief::alineas(&b.tekst),
    })
    .to_string()
    .into_bytes()
}

async fn detail_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = authorize_measure::<access::act::Read>(&state, &ctx, &id).await?;
    let d = store::get(&state.db, &auth).await?;
    render_detail(&state, &ctx, p, d, Refused::default(), StatusCode::OK).await
}

async fn step_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = authorize_measure::<access::act::Update>(&state, &ctx, &id).await?;
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
        reden: text(&v, "reden"),
        adviescommissie: match v.get("adviescommissie").map(|s| s.as_str()) {
            Some("ja") => Some(true),
            Some("nee") => Some(false),
            _ => None,
        },
        weken: number(&v, "weken", &mut errors),
        tegen: text(&v, "tegen"),
    };
    let result = match input.parse() {
        Ok(stap) if errors.is_empty() => match store::kalender(&state.db).await {
            Ok(kal) => store::add_step(&state.db, &auth, &stap, &p.user_id, &kal).await,
            Err(e) => Err(e),
        },
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
        Err(e) => return Err(WebError::from(e)),
    };
    // Re-read (audited) to show the page again with the input kept.
    let read = authorize_measure::<access::act::Read>(&state, &ctx, &id).await?;
    let d = store::get(&state.db, &read).await?;
    let m = texts(&ctx);
    let step = Some(step_form(&m, &d, &v).with_errors(&ctx.lang, &errors));
    render_detail(
        &state,
        &ctx,
        p,
        d,
        Refused {
            step,
            ..Refused::default()
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
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
    pub team: String,
}

#[derive(Template)]
#[template(path = "maatregelen_termijnen.html")]
struct DeadlinesPage {
    shell: Shell,
    m: Texts,
    sections: Vec<Section>,
    filter: Form,
    /// The current or next year has no designated days recorded.
    waarschuwing: Option<String>,
}

pub struct Section {
    pub title: String,
    pub id: &'static str,
    pub rows: Vec<DeadlineRow>,
}

async fn deadlines_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<HashMap<String, String>>,
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
    let all = store::all_with_steps(&state.db, &auth).await?;
    let kal = store::kalender(&state.db).await?;
    let mut teams = team_options(&state, p).await?;
    teams.insert(1, ("mijn".into(), texts(&ctx).t("maatregelen-my-teams")));
    let team = q.get("team").cloned().unwrap_or_default();
    // "mijn": the teams the person is a member of (the link from the start page).
    let mijn = if team == "mijn" {
        platform::identity::team_ids_of_user(&state.db, &p.user_id)
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?
    } else {
        Vec::new()
    };
    let mayor = q.get("voor").map(String::as_str) == Some("burgemeester");
    let today = vandaag();
    let mut overdue = Vec::new();
    let mut week = Vec::new();
    for d in all.iter().filter(|d| match team.as_str() {
        "" => true,
        "mijn" => d
            .maatregel
            .team_id
            .as_ref()
            .is_some_and(|t| mijn.contains(t)),
        t => d.maatregel.team_id.as_deref() == Some(t),
    }) {
        let t: Vec<Mijlpaal> = model::tijdlijn(d.maatregel.zaak(), &d.stappen, &kal)
            .into_iter()
            .filter(|x| !mayor || x.burgemeester)
            .collect();
        let (o, w) = model::open_termijnen(&t, today);
        let team_naam = d
            .maatregel
            .team_id
            .as_ref()
            .and_then(|id| teams.iter().find(|(t, _)| t == id))
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| "—".into());
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
                    team: team_naam.clone(),
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
    let filter = Form::new(
        "/maatregelen/termijnen",
        m.t("maatregelen-filter"),
        vec![
            FormField::new("team", m.t("maatregelen-team"), FieldKind::Select(teams)).value(team),
            FormField::new(
                "voor",
                m.t("maatregelen-deadlines-for"),
                FieldKind::Select(vec![
                    (String::new(), m.t("maatregelen-deadlines-all")),
                    ("burgemeester".into(), m.t("maatregelen-deadlines-mayor")),
                ]),
            )
            .value(if mayor { "burgemeester" } else { "" }),
        ],
    )
    .get();
    render(&DeadlinesPage {
        shell: Shell::titled(&ctx, m.t("maatregelen-deadlines-title")),
        m,
        sections,
        filter,
        waarschuwing: model::waarschuwing_gelijkgestelde_dagen(&kal, today),
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
    /// Every version, newest first, with when it applies.
    pub versies: Vec<VersionRow>,
}

pub struct VersionRow {
    pub versie: i64,
    pub beleid: String,
    /// "vanaf het begin" or the Dutch date.
    pub ingang: String,
    /// In force today, to take effect later, or replaced.
    pub status: String,
}

/// The versions of one ladder (rows of every version, oldest first), newest first, each with
/// whether it applies today.
fn version_rows(m: &Texts, alle: &[LadderRegel], today: Date) -> Vec<VersionRow> {
    let geldend = model::versie_op(alle, today).first().map(|r| r.versie);
    let mut out: Vec<VersionRow> = Vec::new();
    for r in alle {
        if out.last().is_some_and(|v| v.versie == r.versie) {
            continue;
        }
        out.push(VersionRow {
            versie: r.versie,
            beleid: r.beleid.clone(),
            ingang: r
                .ingang
                .map(termijnen::datum_nl)
                .unwrap_or_else(|| m.t("maatregelen-effective-from-start")),
            status: if Some(r.versie) == geldend {
                m.t("maatregelen-version-in-force")
            } else if r.ingang.is_some_and(|d| d > today) {
                m.t("maatregelen-version-later")
            } else {
                m.t("maatregelen-version-replaced")
            },
        });
    }
    out.reverse();
    out
}

pub struct LadderRow {
    pub id: String,
    pub object: String,
    pub middel: String,
    /// "meer dan 0,5 gram", or "—".
    pub vanaf: String,
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
    let m = texts(&ctx);
    let mut ladders = Vec::new();
    let today = vandaag();
    for l in Ladder::ALL {
        let alle = store::ladder_history(&state.db, l).await?;
        let nieuwste = alle.last().map(|r| r.versie);
        let versies = version_rows(&m, &alle, today);
        let rows: Vec<LadderRegel> = alle
            .into_iter()
            .filter(|r| Some(r.versie) == nieuwste)
            .collect();
        ladders.push(LadderView {
            versies,
            slug: l.slug().into(),
            naam: l.naam().into(),
            beleid: rows.first().map(|r| r.beleid.clone()).unwrap_or_default(),
            versie: rows.first().map(|r| r.versie).unwrap_or(0),
            rows: rows
                .into_iter()
                .map(|r| LadderRow {
                    maatregel: match (r.maatregel, r.waarschuwing) {
                        (Some(s), false) => s.naam().to_string(),
                        (Some(s), true) => {
                            format!("{} ({})", s.naam(), m.t("maatregelen-is-warning"))
                        }
                        (None, true) => m.t("maatregelen-is-warning"),
                        (None, false) => "—".into(),
                    },
                    duur: if r.duur > 0 {
                        format!("{} {}", r.duur, r.eenheid.slug())
                    } else {
                        "—".into()
                    },
                    id: r.id,
                    object: r.object,
                    middel: r.middel,
                    vanaf: match r.drempel {
                        Some(d) => format!(
                            "meer dan {} {}",
                            model::hoeveelheid_tekst(d),
                            r.hoeveelheid_eenheid
                        )
                        .trim()
                        .to_string(),
                        None => "—".into(),
                    },
                    feit: r.feit,
                    venster: r.venster_maanden,
                    omschrijving: r.omschrijving,
                })
                .collect(),
        });
    }
    render(&LaddersPage {
        shell: Shell::titled(&ctx, m.t("maatregelen-ladders-title")),
        m,
        ladders,
        admin: p.has(Role::Beheerder),
    })
}

/// The units a quantity can be given in, with "none" first.
fn eenheden_hoeveelheid(m: &Texts) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), m.t("maatregelen-unit-none"))];
    out.extend(
        model::HOEVEELHEID_EENHEDEN
            .iter()
            .map(|e| (e.to_string(), e.to_string())),
    );
    out
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
            FormField::new("drempel", m.t("maatregelen-quantity-from"), FieldKind::Text)
                .value(val(
                    "drempel",
                    r.drempel.map(model::hoeveelheid_tekst).unwrap_or_default(),
                ))
                .hint(m.t("maatregelen-quantity-from-hint")),
            FormField::new(
                "hoeveelheid_eenheid",
                m.t("maatregelen-quantity-unit"),
                FieldKind::Select(eenheden_hoeveelheid(m)),
            )
            .value(val("hoeveelheid_eenheid", r.hoeveelheid_eenheid.clone())),
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
            FormField::new(
                "waarschuwing",
                m.t("maatregelen-is-warning-field"),
                FieldKind::Select(vec![
                    (String::new(), m.t("maatregelen-is-besluit")),
                    ("ja".into(), m.t("maatregelen-is-warning")),
                ]),
            )
            .value(val(
                "waarschuwing",
                if r.waarschuwing { "ja" } else { "" }.to_string(),
            ))
            .hint(m.t("maatregelen-is-warning-hint")),
            ingang_field(m, v),
        ],
    )
}

/// The day a new version takes effect; today unless the administrator chooses another.
fn ingang_field(m: &Texts, v: Option<&HashMap<String, String>>) -> FormField {
    FormField::new("ingang", m.t("maatregelen-effective-date"), FieldKind::Date)
        .value(
            v.and_then(|v| v.get("ingang").cloned())
                .unwrap_or_else(|| vandaag().to_string()),
        )
        .hint(m.t("maatregelen-effective-date-hint"))
        .required()
}

/// The effective date a form gives: today when the form has no such field (a plain removal).
fn ingang_uit(v: &HashMap<String, String>, errors: &mut Vec<FieldError>) -> Option<Date> {
    match v.get("ingang").map(|s| s.trim()) {
        None => Some(vandaag()),
        Some("") => {
            errors.push(platform::identity::field_error(
                "ingang",
                "Geef de datum waarop deze versie ingaat.",
            ));
            None
        }
        Some(t) => crate::input::datum("ingang", t, errors),
    }
}

/// An empty row of a ladder, for the add form.
fn lege_regel(ladder: Ladder, beleid: &str) -> LadderRegel {
    LadderRegel {
        id: String::new(),
        ladder,
        versie: 0,
        beleid: beleid.into(),
        positie: 0,
        object: "*".into(),
        middel: "*".into(),
        drempel: None,
        hoeveelheid_eenheid: String::new(),
        feit: 1,
        venster_maanden: 12,
        maatregel: None,
        duur: 0,
        eenheid: Eenheid::Dagen,
        omschrijving: String::new(),
        waarschuwing: false,
        ingang: None,
    }
}

/// The row a form describes, over `r`; errors next to their fields.
fn regel_uit(
    r: &LadderRegel,
    v: &HashMap<String, String>,
    errors: &mut Vec<FieldError>,
) -> LadderRegel {
    let mut nieuw = r.clone();
    nieuw.beleid = v.get("beleid").cloned().unwrap_or_default();
    nieuw.object = v.get("object").cloned().unwrap_or_default();
    nieuw.middel = v.get("middel").cloned().unwrap_or_default();
    nieuw.omschrijving = v.get("omschrijving").cloned().unwrap_or_default();
    nieuw.drempel = match v.get("drempel").map(|s| s.trim()).unwrap_or("") {
        "" => None,
        t => match model::lees_hoeveelheid(t) {
            Some(q) => Some(q),
            None => {
                errors.push(platform::identity::field_error(
                    "drempel",
                    "Geef een hoeveelheid als getal, bijvoorbeeld 0,5 of 5.",
                ));
                None
            }
        },
    };
    nieuw.hoeveelheid_eenheid = v.get("hoeveelheid_eenheid").cloned().unwrap_or_default();
    nieuw.waarschuwing = v.get("waarschuwing").map(String::as_str) == Some("ja");
    nieuw.feit = number(v, "feit", errors).unwrap_or(0);
    nieuw.venster_maanden = number(v, "venster_maanden", errors).unwrap_or(0);
    nieuw.duur = number(v, "duur", errors).unwrap_or(0);
    nieuw.maatregel = v.get("maatregel").and_then(|s| Soort::from_slug(s));
    nieuw.eenheid = v
        .get("eenheid")
        .and_then(|s| Eenheid::from_slug(s))
        .unwrap_or(Eenheid::Dagen);
    nieuw.ingang = ingang_uit(v, errors);
    nieuw
}

async fn ladder_auth(
    state: &AppState,
    ctx: &Ctx,
    ladder: Ladder,
) -> Result<access::Authorized<Beleidsladder>, WebError> {
    let p = require_user(ctx)?;
    Ok(access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Beleidsladder {
            ladder: ladder.slug().into(),
        },
        Purpose::Beheer,
    )
    .await?)
}

fn row_new_form(m: &Texts, r: &LadderRegel, v: Option<&HashMap<String, String>>) -> Form {
    let mut f = row_form(m, r, v);
    f.action = format!("/maatregelen/beleid/nieuw/{}", r.ladder.slug());
    f.submit = m.t("maatregelen-row-add");
    f
}

async fn row_new_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
) -> WebResult {
    let ladder = Ladder::from_slug(&slug).ok_or(WebError::NotFound)?;
    ladder_auth(&state, &ctx, ladder).await?;
    let m = texts(&ctx);
    let huidig = store::ladder(&state.db, ladder).await?;
    let r = lege_regel(
        ladder,
        &huidig.first().map(|r| r.beleid.clone()).unwrap_or_default(),
    );
    let title = format!("{} — {}", m.t("maatregelen-row-add"), ladder.naam());
    let form = row_new_form(&m, &r, None);
    ladder_form_page(
        &ctx,
        &m,
        StatusCode::OK,
        title,
        "maatregelen-row-intro",
        form,
    )
}

async fn row_new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let ladder = Ladder::from_slug(&slug).ok_or(WebError::NotFound)?;
    let auth = ladder_auth(&state, &ctx, ladder).await?;
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let mut errors = Vec::new();
    let nieuw = regel_uit(&lege_regel(ladder, ""), &v, &mut errors);
    let result = if errors.is_empty() {
        store::ladder_toevoegen(&state.db, &auth, &nieuw, &p.user_id).await
    } else {
        Err(StoreError::Invalid(errors))
    };
    let errors = match result {
        Ok(_) => return Ok(Redirect::to("/maatregelen/beleid").into_response()),
        Err(e) => field_errors(e)?,
    };
    let title = format!("{} — {}", m.t("maatregelen-row-add"), ladder.naam());
    let form = row_new_form(&m, &nieuw, Some(&v)).with_errors(&ctx.lang, &errors);
    ladder_form_page(
        &ctx,
        &m,
        StatusCode::UNPROCESSABLE_ENTITY,
        title,
        "maatregelen-row-intro",
        form,
    )
}

/// A form page of the ladders, with the way back to them.
fn ladder_form_page(
    ctx: &Ctx,
    m: &Texts,
    status: StatusCode,
    title: String,
    intro_key: &str,
    form: Form,
) -> WebResult {
    render_status(
        status,
        &FormPage {
            shell: Shell::titled(ctx, title),
            intro: m.t(intro_key),
            form,
            after: vec![(
                "/maatregelen/beleid".into(),
                m.t("maatregelen-ladders-title"),
            )],
        },
    )
}

/// The title of a ladder row's page: "Regel wijzigen — Horeca: regel 2".
fn row_title(m: &Texts, r: &LadderRegel) -> String {
    format!(
        "{} — {}: regel {}",
        m.t("maatregelen-row-title"),
        r.ladder.naam(),
        r.positie + 1
    )
}

/// The removal asks when the version without the row takes effect.
fn row_remove_form(m: &Texts, r: &LadderRegel, v: Option<&HashMap<String, String>>) -> Form {
    Form::new(
        format!("/maatregelen/beleid/{}/verwijderen", r.id),
        m.t("maatregelen-row-remove"),
        vec![ingang_field(m, v)],
    )
}

fn row_remove_render(
    ctx: &Ctx,
    m: Texts,
    r: &LadderRegel,
    status: StatusCode,
    v: Option<&HashMap<String, String>>,
    errors: &[FieldError],
) -> WebResult {
    let title = format!(
        "{} — {}: {}",
        m.t("maatregelen-row-remove"),
        r.ladder.naam(),
        r.omschrijving
    );
    let form = row_remove_form(&m, r, v).with_errors(&ctx.lang, errors);
    ladder_form_page(ctx, &m, status, title, "maatregelen-row-remove-intro", form)
}

async fn row_remove_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let (r, _) = admin_row(&state, &ctx, &id, Action::Update).await?;
    row_remove_render(&ctx, texts(&ctx), &r, StatusCode::OK, None, &[])
}

async fn row_remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let (r, auth) = admin_row(&state, &ctx, &id, Action::Update).await?;
    let p = require_user(&ctx)?;
    let mut errors = Vec::new();
    let ingang = ingang_uit(&v, &mut errors);
    let result = if errors.is_empty() {
        store::ladder_verwijderen(&state.db, &auth, &r, ingang, &p.user_id).await
    } else {
        Err(StoreError::Invalid(errors))
    };
    let errors = match result {
        Ok(()) => return Ok(Redirect::to("/maatregelen/beleid").into_response()),
        Err(StoreError::Invalid(e)) => e,
        Err(StoreError::Refused(why)) => vec![platform::identity::field_error("", &why)],
        Err(e) => return Err(WebError::from(e)),
    };
    row_remove_render(
        &ctx,
        texts(&ctx),
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(&v),
        &errors,
    )
}

async fn admin_row(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    action: Action,
) -> Result<(LadderRegel, access::Authorized<Beleidsladder>), WebError> {
    let p = require_user(ctx)?;
    let r = store::ladder_regel(&state.db, id).await?;
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
    let form = row_form(&m, &r, None);
    ladder_form_page(
        &ctx,
        &m,
        StatusCode::OK,
        row_title(&m, &r),
        "maatregelen-row-intro",
        form,
    )
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
    let nieuw = regel_uit(&r, &v, &mut errors);
    let result = if errors.is_empty() {
        store::ladder_wijzig(&state.db, &auth, &nieuw, &p.user_id).await
    } else {
        Err(StoreError::Invalid(errors))
    };
    let errors = match result {
        Ok(_) => return Ok(Redirect::to("/maatregelen/beleid").into_response()),
        Err(StoreError::Invalid(e)) => e,
        Err(StoreError::Refused(why)) => vec![platform::identity::field_error("", &why)],
        Err(e) => return Err(WebError::from(e)),
    };
    let form = row_form(&m, &r, Some(&v)).with_errors(&ctx.lang, &errors);
    ladder_form_page(
        &ctx,
        &m,
        StatusCode::UNPROCESSABLE_ENTITY,
        row_title(&m, &r),
        "maatregelen-row-intro",
        form,
    )
}

// ---------------------------------------------------------------------------------------------
// Letter templates.

pub struct TemplateRow {
    pub href: String,
    pub brief: String,
    pub soort: String,
    pub titel: String,
    pub versie: i64,
}

#[derive(Template)]
#[template(path = "maatregelen_sjablonen.html")]
struct TemplatesPage {
    shell: Shell,
    m: Texts,
    rows: Vec<TemplateRow>,
    placeholders: Vec<(&'static str, &'static str)>,
    choose: Option<Form>,
}

async fn settings_auth(
    state: &AppState,
    ctx: &Ctx,
    onderdeel: &'static str,
    action: Action,
) -> Result<access::Authorized<Inrichting>, WebError> {
    let p = require_user(ctx)?;
    Ok(access::authorize(
        &state.db,
        &ctx.request,
        p,
        action,
        Inrichting { onderdeel },
        Purpose::Beheer,
    )
    .await?)
}

fn may_edit(p: &Principal, onderdeel: &'static str) -> bool {
    platform::access::decide(
        p,
        Action::Update,
        &Inrichting { onderdeel },
        Purpose::Beheer,
    ) == platform::access::Decision::Allow
}

fn soort_segment(soort: Option<Soort>) -> &'static str {
    soort.map(|s| s.slug()).unwrap_or("algemeen")
}

async fn templates_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    settings_auth(&state, &ctx, SJABLONEN, Action::List).await?;
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let rows = store::sjablonen(&state.db)
        .await?
        .into_iter()
        .map(|t| TemplateRow {
            href: format!(
                "/maatregelen/sjablonen/{}/{}",
                t.brief.slug(),
                soort_segment(t.soort)
            ),
            brief: t.brief.naam().into(),
            soort: t
                .soort
                .map(|s| s.naam().to_string())
                .unwrap_or_else(|| m.t("maatregelen-template-general")),
            titel: t.titel,
            versie: t.versie,
        })
        .collect();
    // The choice of a type-specific template goes to its edit page (no script needed).
    let choose = may_edit(p, SJABLONEN).then(|| {
        let mut soorten = vec![("algemeen".to_string(), m.t("maatregelen-template-general"))];
        soorten.extend(
            Soort::ALL
                .iter()
                .map(|s| (s.slug().to_string(), s.naam().to_string())),
        );
        Form::new(
            "/maatregelen/sjablonen/kies",
            m.t("maatregelen-template-open"),
            vec![
                FormField::new(
                    "brief",
                    m.t("maatregelen-letter-kind"),
                    FieldKind::Select(
                        BriefSoort::ALL
                            .iter()
                            .map(|b| (b.slug().to_string(), b.naam().to_string()))
                            .collect(),
                    ),
                ),
                FormField::new("soort", m.t("maatregelen-type"), FieldKind::Select(soorten)),
            ],
        )
        .get()
    });
    render(&TemplatesPage {
        shell: Shell::titled(&ctx, m.t("maatregelen-templates-title")),
        m,
        rows,
        placeholders: brief::PLAATSHOUDERS.to_vec(),
        choose,
    })
}

/// The (letter, type) of a template page; `kies` reads them from the query of the chooser.
fn template_key(
    brief_slug: &str,
    soort_slug: &str,
    q: &HashMap<String, String>,
) -> Result<(BriefSoort, Option<Soort>), WebError> {
    let (b, s) = if brief_slug == "kies" {
        (
            q.get("brief").map(String::as_str).unwrap_or(""),
            q.get("soort").map(String::as_str).unwrap_or(""),
        )
    } else {
        (brief_slug, soort_slug)
    };
    let brief = BriefSoort::from_slug(b).ok_or(WebError::NotFound)?;
    let soort = match s {
        "algemeen" | "" => None,
        s => Some(Soort::from_slug(s).ok_or(WebError::NotFound)?),
    };
    Ok((brief, soort))
}

fn template_form(
    m: &Texts,
    brief: BriefSoort,
    soort: Option<Soort>,
    titel: &str,
    tekst: &str,
) -> Form {
    Form::new(
        format!(
            "/maatregelen/sjablonen/{}/{}",
            brief.slug(),
            soort_segment(soort)
        ),
        m.t("maatregelen-save-version"),
        vec![
            FormField::new("titel", m.t("maatregelen-template-title"), FieldKind::Text)
                .value(titel.to_string())
                .required(),
            FormField::new(
                "tekst",
                m.t("maatregelen-template-text"),
                FieldKind::TextArea,
            )
            .value(tekst.to_string())
            .hint(m.t("maatregelen-template-text-hint"))
            .required(),
        ],
    )
}

fn template_title(m: &Texts, brief: BriefSoort, soort: Option<Soort>) -> String {
    format!(
        "{}: {} ({})",
        m.t("maatregelen-template"),
        brief.naam(),
        soort
            .map(|s| s.naam().to_string())
            .unwrap_or_else(|| m.t("maatregelen-template-general"))
    )
}

async fn template_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((b, s)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult {
    let (brief, soort) = template_key(&b, &s, &q)?;
    if b == "kies" {
        return Ok(Redirect::to(&format!(
            "/maatregelen/sjablonen/{}/{}",
            brief.slug(),
            soort_segment(soort)
        ))
        .into_response());
    }
    settings_auth(&state, &ctx, SJABLONEN, Action::Update).await?;
    let m = texts(&ctx);
    let all = store::sjablonen(&state.db).await?;
    // A type without its own template starts from the general one.
    let current = all
        .iter()
        .find(|t| t.brief == brief && t.soort == soort)
        .or_else(|| all.iter().find(|t| t.brief == brief && t.soort.is_none()));
    let (titel, tekst) = current
        .map(|t| (t.titel.clone(), t.tekst.clone()))
        .unwrap_or_default();
    let mut intro = m.t("maatregelen-template-intro");
    intro.push(' ');
    intro.push_str(
        &brief::PLAATSHOUDERS
            .iter()
            .map(|(k, _)| format!("{{{{{k}}}}}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    render(&FormPage {
        shell: Shell::titled(&ctx, template_title(&m, brief, soort)),
        intro,
        form: template_form(&m, brief, soort, &titel, &tekst),
        after: vec![(
            "/maatregelen/sjablonen".into(),
            m.t("maatregelen-templates-title"),
        )],
    })
}

async fn template_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((b, s)): Path<(String, String)>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let (brief, soort) = template_key(&b, &s, &HashMap::new())?;
    let auth = settings_auth(&state, &ctx, SJABLONEN, Action::Update).await?;
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let titel = v.get("titel").cloned().unwrap_or_default();
    let tekst = v.get("tekst").cloned().unwrap_or_default();
    let errors =
        match store::sjabloon_opslaan(&state.db, &auth, brief, soort, &titel, &tekst, &p.user_id)
            .await
        {
            Ok(_) => return Ok(Redirect::to("/maatregelen/sjablonen").into_response()),
            Err(e) => field_errors(e)?,
        };
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            shell: Shell::titled(&ctx, template_title(&m, brief, soort)),
            intro: m.t("maatregelen-template-intro"),
            form: template_form(&m, brief, soort, &titel, &tekst).with_errors(&ctx.lang, &errors),
            after: vec![(
                "/maatregelen/sjablonen".into(),
                m.t("maatregelen-templates-title"),
            )],
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Retention terms.

pub struct RetentionRow {
    pub soort: String,
    pub jaren: u32,
    pub resultaat: String,
}

pub struct DestroyedRow {
    pub soort: String,
    pub beeindigd: String,
    pub bewaren_tot: String,
    pub stappen: i64,
    pub brieven: i64,
    pub vernietigd: String,
}

#[derive(Template)]
#[template(path = "maatregelen_bewaartermijnen.html")]
struct RetentionPage {
    shell: Shell,
    m: Texts,
    rows: Vec<RetentionRow>,
    form: Option<Form>,
    destroyed: Vec<DestroyedRow>,
}

/// One form for every type's term: two fields per type.
fn retention_form(
    m: &Texts,
    terms: &[store::Bewaartermijn],
    v: Option<&HashMap<String, String>>,
) -> Form {
    let val = |k: String, d: String| v.and_then(|v| v.get(&k).cloned()).unwrap_or(d);
    let mut fields = Vec::new();
    for t in terms {
        let slug = t.soort.slug();
        fields.push(
            FormField::new(
                &format!("jaren-{slug}"),
                format!("{}: {}", t.soort.naam(), m.t("maatregelen-retention-years")),
                FieldKind::Text,
            )
            .value(val(format!("jaren-{slug}"), t.jaren.to_string())),
        );
        fields.push(
            FormField::new(
                &format!("resultaat-{slug}"),
                format!(
                    "{}: {}",
                    t.soort.naam(),
                    m.t("maatregelen-retention-result")
                ),
                FieldKind::Text,
            )
            .value(val(format!("resultaat-{slug}"), t.resultaat.clone())),
        );
    }
    Form::new(
        "/maatregelen/bewaartermijnen",
        m.t("maatregelen-save"),
        fields,
    )
}

async fn render_retention(state: &AppState, ctx: &Ctx, refused: Option<Form>) -> WebResult {
    let p = require_user(ctx)?;
    let m = texts(ctx);
    let terms = store::bewaartermijnen(&state.db).await?;
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form = if may_edit(p, BEWAARTERMIJNEN) {
        Some(refused.unwrap_or_else(|| retention_form(&m, &terms, None)))
    } else {
        None
    };
    let rows = terms
        .into_iter()
        .map(|t| RetentionRow {
            soort: t.soort.naam().into(),
            jaren: t.jaren,
            resultaat: t.resultaat,
        })
        .collect();
    let destroyed = store::vernietigingen(&state.db)
        .await?
        .into_iter()
        .map(|v| DestroyedRow {
            soort: v.soort.naam().into(),
            beeindigd: datum_nl(v.beeindigd),
            bewaren_tot: datum_nl(v.bewaren_tot),
            stappen: v.stappen,
            brieven: v.brieven,
            vernietigd: datum_nl(platform::db::date_nl(v.vernietigd_at)),
        })
        .collect();
    render_status(
        status,
        &RetentionPage {
            shell: Shell::titled(ctx, m.t("maatregelen-retention-title")),
            m,
            rows,
            form,
            destroyed,
        },
    )
}

async fn retention_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    settings_auth(&state, &ctx, BEWAARTERMIJNEN, Action::List).await?;
    render_retention(&state, &ctx, None).await
}

async fn retention_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let auth = settings_auth(&state, &ctx, BEWAARTERMIJNEN, Action::Update).await?;
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let mut errors = Vec::new();
    let terms: Vec<store::Bewaartermijn> = Soort::ALL
        .into_iter()
        .map(|soort| store::Bewaartermijn {
            soort,
            jaren: number(&v, &format!("jaren-{}", soort.slug()), &mut errors).unwrap_or(0),
            resultaat: v
                .get(&format!("resultaat-{}", soort.slug()))
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let result = if errors.is_empty() {
        store::bewaartermijnen_wijzig(&state.db, &auth, &terms, &p.user_id).await
    } else {
        Err(StoreError::Invalid(errors))
    };
    let errors = match result {
        Ok(()) => return Ok(Redirect::to("/maatregelen/bewaartermijnen").into_response()),
        Err(e) => field_errors(e)?,
    };
    let form = retention_form(&m, &terms, Some(&v)).with_errors(&ctx.lang, &errors);
    render_retention(&state, &ctx, Some(form)).await
}

// ---------------------------------------------------------------------------------------------
// Days designated by royal decree (art. 3 lid 3 Atw).

pub struct DesignatedRow {
    pub id: String,
    pub datum: String,
    pub naam: String,
    pub bron: String,
    pub vastgelegd: String,
}

#[derive(Template)]
#[template(path = "maatregelen_gelijkgestelde_dagen.html")]
struct DesignatedPage {
    shell: Shell,
    m: Texts,
    rows: Vec<DesignatedRow>,
    may_edit: bool,
    form: Option<Form>,
    /// The current or next year has no designated days recorded.
    waarschuwing: Option<String>,
}

fn designated_form(m: &Texts, v: Option<&HashMap<String, String>>) -> Form {
    let val = |k: &str| v.and_then(|v| v.get(k).cloned()).unwrap_or_default();
    Form::new(
        "/maatregelen/gelijkgestelde-dagen",
        m.t("maatregelen-kb-add"),
        vec![
            FormField::new("datum", m.t("maatregelen-kb-date"), FieldKind::Date)
                .value(val("datum"))
                .hint(m.t("maatregelen-kb-date-hint"))
                .required(),
            FormField::new("naam", m.t("maatregelen-kb-name"), FieldKind::Text)
                .value(val("naam"))
                .hint(m.t("maatregelen-kb-name-hint"))
                .required(),
            FormField::new("bron", m.t("maatregelen-kb-source"), FieldKind::Text)
                .value(val("bron"))
                .hint(m.t("maatregelen-kb-source-hint"))
                .required(),
        ],
    )
}

async fn render_designated(state: &AppState, ctx: &Ctx, refused: Option<Form>) -> WebResult {
    let p = require_user(ctx)?;
    let m = texts(ctx);
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let may_edit = may_edit(p, GELIJKGESTELDE_DAGEN);
    let form = if may_edit {
        Some(refused.unwrap_or_else(|| designated_form(&m, None)))
    } else {
        None
    };
    let dagen = store::gelijkgestelde_dagen(&state.db).await?;
    let mut kal = termijnen::Calendar::new();
    for d in &dagen {
        kal.add_designated_day(d.datum, d.naam.clone(), d.bron.clone());
    }
    let waarschuwing = model::waarschuwing_gelijkgestelde_dagen(&kal, vandaag());
    let rows = dagen
        .into_iter()
        .map(|d| DesignatedRow {
            vastgelegd: if d.created_by == store::MEEGELEVERD {
                m.t("maatregelen-kb-shipped")
            } else {
                datum_nl(platform::db::date_nl(d.created_at))
            },
            id: d.id,
            datum: datum_nl(d.datum),
            naam: d.naam,
            bron: d.bron,
        })
        .collect();
    render_status(
        status,
        &DesignatedPage {
            shell: Shell::titled(ctx, m.t("maatregelen-kb-title")),
            m,
            rows,
            may_edit,
            form,
            waarschuwing,
        },
    )
}

async fn designated_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    settings_auth(&state, &ctx, GELIJKGESTELDE_DAGEN, Action::List).await?;
    render_designated(&state, &ctx, None).await
}

async fn designated_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let auth = settings_auth(&state, &ctx, GELIJKGESTELDE_DAGEN, Action::Update).await?;
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    let errors = match store::gelijkgestelde_dag_toevoegen(
        &state.db,
        &auth,
        get("datum"),
        get("naam"),
        get("bron"),
        &p.user_id,
    )
    .await
    {
        Ok(_) => return Ok(Redirect::to("/maatregelen/gelijkgestelde-dagen").into_response()),
        Err(e) => field_errors(e)?,
    };
    let form = designated_form(&m, Some(&v)).with_errors(&ctx.lang, &errors);
    render_designated(&state, &ctx, Some(form)).await
}

async fn designated_remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let auth = settings_auth(&state, &ctx, GELIJKGESTELDE_DAGEN, Action::Update).await?;
    let p = require_user(&ctx)?;
    store::gelijkgestelde_dag_verwijderen(&state.db, &auth, &id, &p.user_id).await?;
    Ok(Redirect::to("/maatregelen/gelijkgestelde-dagen").into_response())
}
