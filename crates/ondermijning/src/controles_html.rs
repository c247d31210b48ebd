//! Pages of the integral inspections: rounds (list, plan one for a place or by risk-based
//! selection, one round), an inspection with its checklist (works at 320 px and without script;
//! a small script keeps a draft on the device when the connection drops), a 13b measure from a
//! finding, and the checklists with their versions.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};
use platform::access::act;
use platform::identity::{field_error, FieldError};
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render, render_status, require_user, AppState, Ctx, Shell, WebResult};

use crate::controles::{self, NieuweRonde};
use crate::html::{store_err, texts, translated, Texts};
use crate::model::{self, Kandidaat, Soort};
use crate::store;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ondermijning/rondes", get(rounds_page))
        .route(
            "/ondermijning/rondes/nieuw",
            get(new_round_page).post(new_round_post),
        )
        .route("/ondermijning/rondes/{id}", get(round_page))
        .route(
            "/ondermijning/controles/{id}",
            get(inspection_page).post(inspection_post),
        )
        .route("/ondermijning/controles/{id}/maatregel", post(measure_post))
        .route(
            "/ondermijning/checklists",
            get(checklists_page).post(checklists_post),
        )
        .route("/ondermijning/controle.js", get(script))
}

/// The draft script: progressive enhancement only; the form works without it.
async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/controle.js"),
    )
}

fn partner_label(m: &Texts, p: &str) -> String {
    m.t(&format!("ondermijning-partner-{p}"))
}

// ---------------------------------------------------------------------------------------------
// Rounds.

pub struct RondeRij {
    pub id: String,
    pub naam: String,
    pub datum: String,
    pub partners: String,
    pub voortgang: String,
}

#[derive(Template)]
#[template(path = "ondermijning_rondes.html")]
struct RoundsPage {
    shell: Shell,
    m: Texts,
    rows: Vec<RondeRij>,
    may_write: bool,
}

fn partners_text(m: &Texts, partners: &[String]) -> String {
    if partners.is_empty() {
        m.t("ondermijning-enkelvoudig")
    } else {
        partners
            .iter()
            .map(|p| partner_label(m, p))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn rounds_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_register::<act::List>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let rows = controles::rondes(&state.db, &auth)
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|r| RondeRij {
            partners: partners_text(&m, &r.partners),
            voortgang: format!("{} / {}", r.uitgevoerd, r.controles),
            id: r.id,
            naam: r.naam,
            datum: r.datum,
        })
        .collect();
    render(&RoundsPage {
        shell: Shell::titled(&ctx, m.t("ondermijning-rondes-title")),
        rows,
        may_write: crate::access::may_write(p),
        m,
    })
}

#[derive(Template)]
#[template(path = "form_page.html")]
struct FormPage {
    shell: Shell,
    intro: String,
    form: Form,
    after: Vec<(String, String)>,
}

fn round_form(
    m: &Texts,
    v: &HashMap<String, String>,
    chosen: &[String],
    place: Option<&str>,
) -> Form {
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    let mut soorten = vec![(String::new(), m.t("ondermijning-soort-eigen"))];
    soorten.extend(
        Soort::ALL
            .iter()
            .map(|s| (s.slug().to_string(), m.t(&s.label_key()))),
    );
    let mut fields = vec![
        FormField::new("naam", m.t("ondermijning-ronde-naam"), FieldKind::Text)
            .value(val("naam"))
            .hint(m.t("ondermijning-ronde-naam-hint"))
            .required(),
        FormField::new("datum", m.t("ondermijning-datum"), FieldKind::Date)
            .value(val("datum"))
            .required(),
        FormField::new(
            "partners",
            m.t("ondermijning-partners"),
            FieldKind::Checkboxes(
                model::PARTNERS
                    .iter()
                    .map(|p| {
                        (
                            p.to_string(),
                            partner_label(m, p),
                            chosen.iter().any(|c| c == p),
                        )
                    })
                    .collect(),
            ),
        )
        .hint(m.t("ondermijning-partners-hint")),
        FormField::new("wie", m.t("ondermijning-wie"), FieldKind::Text)
            .value(val("wie"))
            .hint(m.t("ondermijning-wie-hint")),
        FormField::new(
            "soort",
            m.t("ondermijning-checklist-soort"),
            FieldKind::Select(soorten),
        )
        .value(val("soort"))
        .hint(m.t("ondermijning-selectie-soort-hint")),
    ];
    match place {
        Some(id) => {
            fields.push(FormField::new("locatie", String::new(), FieldKind::Hidden).value(id))
        }
        None => {
            let mut wijken = vec![(String::new(), m.t("ondermijning-all"))];
            wijken.extend(
                monitor::areas::wijken()
                    .iter()
                    .map(|a| (a.code.clone(), a.name.clone())),
            );
            fields.push(
                FormField::new("wijk", m.t("ondermijning-wijk"), FieldKind::Select(wijken))
                    .value(val("wijk")),
            );
            fields.push(
                FormField::new(
                    "aantal",
                    m.t("ondermijning-aantal-locaties"),
                    FieldKind::Text,
                )
                .value(v.get("aantal").cloned().unwrap_or_else(|| "20".into()))
                .hint(m.t("ondermijning-aantal-hint")),
            );
        }
    }
    Form::new(
        "/ondermijning/rondes/nieuw",
        m.t("ondermijning-ronde-plan"),
        fields,
    )
}

fn new_round_intro(m: &Texts, place: Option<&str>) -> String {
    if place.is_some() {
        m.t("ondermijning-ronde-intro-plek")
    } else {
        m.t("ondermijning-ronde-intro")
    }
}

async fn new_round_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    store::authorize_register::<act::Create>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let place = q.get("locatie").filter(|s| !s.is_empty()).cloned();
    let mut v = HashMap::new();
    if let Some(id) = &place {
        // The place must be one the person may read; its name makes the round's.
        let auth = store::authorize_place::<act::Read>(&state.db, &ctx.request, p, id)
            .await
            .map_err(store_err)?;
        let d = store::get(&state.db, &auth).await.map_err(store_err)?;
        v.insert(
            "naam".to_string(),
            format!("{} {}", m.t("ondermijning-controle"), d.locatie.naam),
        );
    }
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("ondermijning-ronde-new-title")),
        intro: new_round_intro(&m, place.as_deref()),
        form: round_form(&m, &v, &[], place.as_deref()),
        after: vec![(
            "/ondermijning/rondes".into(),
            m.t("ondermijning-back-rondes"),
        )],
    })
}

async fn new_round_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(pairs): AxForm<Vec<(String, String)>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_register::<act::Create>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let partners: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| k == "partners" && model::PARTNERS.contains(&v.as_str()))
        .map(|(_, v)| v.clone())
        .collect();
    let v: HashMap<String, String> = pairs.into_iter().filter(|(k, _)| k != "partners").collect();
    let place = v.get("locatie").filter(|s| !s.is_empty()).cloned();
    let mut errors: Vec<FieldError> = Vec::new();
    let naam = v
        .get("naam")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if naam.is_empty() {
        errors.push(field_error("naam", "ondermijning-fout-verplicht"));
    }
    let datum = match model::lees_datum("datum", v.get("datum").map(String::as_str).unwrap_or("")) {
        Ok(Some(d)) => d,
        Ok(None) => {
            errors.push(field_error("datum", "ondermijning-fout-verplicht"));
            String::new()
        }
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let soort = Soort::from_slug(v.get("soort").map(String::as_str).unwrap_or(""));
    let aantal: usize = match v.get("aantal").map(|s| s.trim()).unwrap_or("20").parse() {
        Ok(n) if (1..=200).contains(&n) => n,
        _ => {
            errors.push(field_error("aantal", "ondermijning-fout-aantal"));
            0
        }
    };
    let mut locaties = Vec::new();
    if errors.is_empty() {
        match &place {
            Some(id) => {
                store::authorize_place::<act::Read>(&state.db, &ctx.request, p, id)
                    .await
                    .map_err(store_err)?;
                locaties.push(id.clone());
            }
            None => {
                let list = store::authorize_register::<act::List>(&state.db, &ctx.request, p)
                    .await
                    .map_err(store_err)?;
                let wijk = v.get("wijk").filter(|w| !w.is_empty()).cloned();
                let places = store::list(&state.db, &list, &store::Filter::default())
                    .await
                    .map_err(store_err)?;
                let done = controles::dit_jaar(&state.db, &p.organisation_id)
                    .await
                    .map_err(store_err)?;
                let scored = crate::html::scored(&state.db, places)
                    .await
                    .map_err(store_err)?;
                let kandidaten: Vec<Kandidaat> = scored
                    .iter()
                    .map(|(l, u)| Kandidaat {
                        id: l.id.clone(),
                        soort: l.soort,
                        wijk: l.wijk.clone(),
                        score: u.totaal,
                        dit_jaar_gecontroleerd: done.contains(&l.id),
                    })
                    .collect();
                locaties = model::selecteer(&kandidaten, soort, wijk.as_deref(), aantal);
                if locaties.is_empty() {
                    errors.push(field_error("soort", "ondermijning-fout-selectie-leeg"));
                }
            }
        }
    }
    if errors.is_empty() {
        let r = NieuweRonde {
            naam,
            datum,
            soort,
            partners,
            wie: v
                .get("wie")
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
        };
        let id = controles::ronde_maken(&state.db, &auth, &r, &locaties)
            .await
            .map_err(store_err)?;
        return Ok(Redirect::to(&format!("/ondermijning/rondes/{id}")).into_response());
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            shell: Shell::titled(&ctx, m.t("ondermijning-ronde-new-title")),
            intro: new_round_intro(&m, place.as_deref()),
            form: round_form(&m, &v, &partners, place.as_deref())
                .with_errors(&ctx.lang, &translated(&ctx.lang, &errors)),
            after: vec![(
                "/ondermijning/rondes".into(),
                m.t("ondermijning-back-rondes"),
            )],
        },
    )
}

#[derive(Template)]
#[template(path = "ondermijning_ronde.html")]
struct RoundPage {
    shell: Shell,
    m: Texts,
    r: controles::Ronde,
    partners: String,
    soort: String,
    rows: Vec<(controles::ControleRij, String)>,
}

async fn round_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_register::<act::List>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let (r, rows) = controles::ronde(&state.db, &auth, &id)
        .await
        .map_err(store_err)?;
    let rows = rows
        .into_iter()
        .map(|c| {
            let s = m.t(&format!("ondermijning-status-{}", c.status));
            (c, s)
        })
        .collect();
    render(&RoundPage {
        shell: Shell::titled(&ctx, format!("{}: {}", m.t("ondermijning-ronde"), r.naam)),
        partners: partners_text(&m, &r.partners),
        soort: Soort::from_slug(&r.soort)
            .map(|s| m.t(&s.label_key()))
            .unwrap_or_else(|| m.t("ondermijning-soort-eigen")),
        rows,
        r,
        m,
    })
}

// ---------------------------------------------------------------------------------------------
// One inspection.

pub struct ItemVeld {
    pub index: usize,
    pub item: String,
    pub oordeel: String,
    pub toelichting: String,
    pub error_oordeel: Option<String>,
    pub error_toelichting: Option<String>,
}

#[derive(Template)]
#[template(path = "ondermijning_controle.html")]
struct InspectionPage {
    shell: Shell,
    m: Texts,
    c: controles::Controle,
    datum: String,
    datum_error: Option<String>,
    items: Vec<ItemVeld>,
    errors: Vec<(String, String)>,
    oordelen: Vec<(String, String)>,
    may_write: bool,
    may_measure: bool,
    bevindingen: Vec<(controles::Bevinding, String)>,
    status_text: String,
    opgeslagen: bool,
}

async fn render_inspection(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    input: Option<(&HashMap<String, String>, &[FieldError])>,
    opgeslagen: bool,
) -> WebResult {
    let p = require_user(ctx)?;
    let m = texts(ctx);
    let auth = store::authorize_register::<act::List>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let c = controles::controle(&state.db, &auth, id)
        .await
        .map_err(store_err)?;
    let empty = HashMap::new();
    let (v, errors) = input.unwrap_or((&empty, &[]));
    let err = |f: &str| {
        errors
            .iter()
            .find(|e| e.field == f)
            .map(|e| crate::t(&ctx.lang, &e.message))
    };
    let items = c
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let earlier = c.bevindingen.iter().find(|b| b.item == *item);
            ItemVeld {
                index: i,
                item: item.clone(),
                oordeel: v
                    .get(&format!("oordeel-{i}"))
                    .cloned()
                    .or_else(|| earlier.map(|b| b.oordeel.clone()))
                    .unwrap_or_default(),
                toelichting: v
                    .get(&format!("toelichting-{i}"))
                    .cloned()
                    .or_else(|| earlier.map(|b| b.toelichting.clone()))
                    .unwrap_or_default(),
                error_oordeel: err(&format!("oordeel-{i}")),
                error_toelichting: err(&format!("toelichting-{i}")),
            }
        })
        .collect();
    let summary = errors
        .iter()
        .map(|e| (format!("veld-{}", e.field), crate::t(&ctx.lang, &e.message)))
        .collect();
    let datum = v
        .get("datum")
        .cloned()
        .or_else(|| c.uitgevoerd_op.clone())
        .unwrap_or_else(|| c.ronde.datum.clone());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let bevindingen = c
        .bevindingen
        .iter()
        .map(|b| {
            (
                b.clone(),
                m.t(&format!("ondermijning-oordeel-{}", b.oordeel)),
            )
        })
        .collect();
    render_status(
        status,
        &InspectionPage {
            shell: Shell::titled(
                ctx,
                format!("{}: {}", m.t("ondermijning-controle"), c.locatie_naam),
            ),
            datum,
            datum_error: err("datum"),
            items,
            errors: summary,
            oordelen: model::OORDELEN
                .iter()
                .map(|o| (o.to_string(), m.t(&format!("ondermijning-oordeel-{o}"))))
                .collect(),
            may_write: crate::access::may_write(p),
            may_measure: maatregelen::access::may_read(p),
            bevindingen,
            status_text: m.t(&format!("ondermijning-status-{}", c.status)),
            opgeslagen,
            c,
            m,
        },
    )
}

async fn inspection_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult {
    render_inspection(&state, &ctx, &id, None, q.contains_key("opgeslagen")).await
}

async fn inspection_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_register::<act::Update>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let read = store::authorize_register::<act::List>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let c = controles::controle(&state.db, &read, &id)
        .await
        .map_err(store_err)?;
    let mut errors = Vec::new();
    let datum = match model::lees_datum("datum", v.get("datum").map(String::as_str).unwrap_or("")) {
        Ok(Some(d)) => d,
        Ok(None) => {
            errors.push(field_error("datum", "ondermijning-fout-verplicht"));
            String::new()
        }
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let found = match controles::bevindingen_uit(&c.items, &v) {
        Ok(f) => f,
        Err(e) => {
            errors.extend(e);
            Vec::new()
        }
    };
    if !errors.is_empty() {
        return render_inspection(&state, &ctx, &id, Some((&v, &errors)), false).await;
    }
    controles::vastleggen(&state.db, &auth, &id, &datum, &found)
        .await
        .map_err(store_err)?;
    Ok(Redirect::to(&format!(
        "/ondermijning/controles/{id}?opgeslagen=1#bevindingen"
    ))
    .into_response())
}

async fn measure_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_register::<act::Update>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let bevinding = v.get("bevinding").cloned().unwrap_or_default();
    let mid =
        controles::maatregel_uit_bevinding(&state.db, &ctx.request, p, &auth, &id, &bevinding)
            .await
            .map_err(store_err)?;
    Ok(Redirect::to(&format!("/maatregelen/{mid}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Checklists.

pub struct ChecklistRij {
    pub soort: String,
    pub versie: i64,
    pub huidig: bool,
    pub datum: String,
    pub door: String,
    pub items: Vec<String>,
}

#[derive(Template)]
#[template(path = "ondermijning_checklists.html")]
struct ChecklistsPage {
    shell: Shell,
    m: Texts,
    rows: Vec<ChecklistRij>,
    form: Option<Form>,
}

fn checklist_form(m: &Texts, v: &HashMap<String, String>) -> Form {
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    let mut soorten = vec![(String::new(), m.t("ondermijning-choose"))];
    soorten.extend(
        Soort::ALL
            .iter()
            .map(|s| (s.slug().to_string(), m.t(&s.label_key()))),
    );
    Form::new(
        "/ondermijning/checklists",
        m.t("ondermijning-checklist-save"),
        vec![
            FormField::new(
                "soort",
                m.t("ondermijning-checklist-soort"),
                FieldKind::Select(soorten),
            )
            .value(val("soort"))
            .required(),
            FormField::new(
                "items",
                m.t("ondermijning-checklist-items"),
                FieldKind::TextArea,
            )
            .value(val("items"))
            .hint(m.t("ondermijning-checklist-items-hint"))
            .required(),
        ],
    )
}

async fn render_checklists(state: &AppState, ctx: &Ctx, refused: Option<Form>) -> WebResult {
    let p = require_user(ctx)?;
    let m = texts(ctx);
    store::authorize_register::<act::List>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let all = controles::checklists(&state.db).await.map_err(store_err)?;
    let mut seen = std::collections::HashSet::new();
    let rows = all
        .into_iter()
        .map(|c| ChecklistRij {
            huidig: seen.insert(c.soort.clone()),
            soort: Soort::from_slug(&c.soort)
                .map(|s| m.t(&s.label_key()))
                .unwrap_or(c.soort),
            versie: c.versie,
            datum: platform::db::date_nl(c.created_at).to_string(),
            door: c.created_by,
            items: c.items,
        })
        .collect();
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form = if crate::access::may_write(p) {
        Some(refused.unwrap_or_else(|| checklist_form(&m, &HashMap::new())))
    } else {
        None
    };
    render_status(
        status,
        &ChecklistsPage {
            shell: Shell::titled(ctx, m.t("ondermijning-checklists-title")),
            rows,
            form,
            m,
        },
    )
}

async fn checklists_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    render_checklists(&state, &ctx, None).await
}

async fn checklists_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_register::<act::Update>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let mut errors = Vec::new();
    let soort = Soort::from_slug(v.get("soort").map(String::as_str).unwrap_or(""));
    if soort.is_none() {
        errors.push(field_error("soort", "ondermijning-fout-soort"));
    }
    let items: Vec<String> = v
        .get("items")
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| l.chars().take(300).collect())
                .collect()
        })
        .unwrap_or_default();
    if items.is_empty() || items.len() > 60 {
        errors.push(field_error("items", "ondermijning-fout-items"));
    }
    if let (Some(soort), true) = (soort, errors.is_empty()) {
        controles::checklist_opslaan(&state.db, &auth, soort, &items)
            .await
            .map_err(store_err)?;
        return Ok(Redirect::to("/ondermijning/checklists").into_response());
    }
    let form = checklist_form(&m, &v).with_errors(&ctx.lang, &translated(&ctx.lang, &errors));
    render_checklists(&state, &ctx, Some(form)).await
}
