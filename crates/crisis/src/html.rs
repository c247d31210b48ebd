//! Pages of the crisis module: overview, organisation and people, on-call roster with swaps,
//! exercises with lessons, incidents (and exercise mode) with GRIP, logbook, pictures,
//! decisions and the situation report (printable HTML and tagged PDF).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};
use jiff::civil::Date;
use jiff::ToSpan;
use platform::access::{act, Principal};
use platform::identity::FieldError;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render_status, require_user, AppState, Ctx, Shell, WebError, WebResult};

use crate::access::{may_read, may_write, Onderdeel};
use crate::model::{self, Knelpunt, Niveau, Soort};
use crate::store::{self, StoreError};

type Values = HashMap<String, String>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/crisis", get(index_page))
        .route("/crisis/static/print.css", get(print_css))
        .route("/crisis/organisatie", get(org_page).post(org_post))
        .route("/crisis/organisatie/contactlijst", get(contacts_page))
        .route("/crisis/organisatie/{id}", get(person_page))
        .route(
            "/crisis/organisatie/{id}/kwalificaties",
            post(qualification_post),
        )
        .route("/crisis/organisatie/{id}/agenda", post(ical_new))
        .route(
            "/crisis/organisatie/{id}/agenda/intrekken",
            post(ical_revoke),
        )
        .route("/crisis/agenda/{token}", get(ical_feed))
        .route("/crisis/piket", get(roster_page).post(roster_post))
        .route("/crisis/piket/{id}/verwijderen", post(duty_remove))
        .route("/crisis/piket/{id}/ruilen", get(swap_page).post(swap_post))
        .route("/crisis/ruilen/{id}/goedkeuren", post(swap_approve))
        .route("/crisis/ruilen/{id}/afwijzen", post(swap_refuse))
        .route(
            "/crisis/oefeningen",
            get(exercises_page).post(exercises_post),
        )
        .route("/crisis/oefeningen/{id}", get(exercise_page))
        .route("/crisis/oefeningen/{id}/{what}", post(exercise_post))
        .route(
            "/crisis/{kind}/{id}/leerpunten/{lid}/sluiten",
            get(lesson_close_page).post(lesson_close_post),
        )
        .route(
            "/crisis/incidenten",
            get(incidents_page).post(incidents_post),
        )
        .route("/crisis/incidenten/{id}", get(incident_page))
        .route("/crisis/incidenten/{id}/situatierapport", get(sitrep_page))
        .route(
            "/crisis/incidenten/{id}/situatierapport.pdf",
            get(sitrep_pdf),
        )
        .route("/crisis/incidenten/{id}/{what}", post(incident_post))
}

// ---------------------------------------------------------------------------------------------
// Helpers.

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

pub(crate) fn texts_for(ctx: &Ctx) -> Texts {
    texts(ctx)
}

pub(crate) fn store_error(e: StoreError) -> WebError {
    store_err(e)
}

fn store_err(e: StoreError) -> WebError {
    match e {
        StoreError::NotFound => WebError::NotFound,
        StoreError::Access(e) => e.into(),
        other => WebError::Internal(other.to_string()),
    }
}

/// The field errors of a refused change; any other failure becomes the error page.
fn field_errors(e: StoreError) -> Result<Vec<FieldError>, WebError> {
    match e {
        StoreError::Invalid(v) => Ok(v),
        other => Err(store_err(other)),
    }
}

/// The field errors with their messages in the module's language: `Form::with_errors` looks
/// keys up in the platform's texts only, where a module's own keys are not.
pub(crate) fn tr(lang: &str, errors: &[FieldError]) -> Vec<FieldError> {
    errors
        .iter()
        .map(|e| FieldError {
            field: e.field.clone(),
            message: crate::t(lang, &e.message),
        })
        .collect()
}

/// Field names on pages with several forms carry a prefix, so that ids stay unique.
fn prefixed(errors: Vec<FieldError>, prefix: &str) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| FieldError {
            field: format!("{prefix}{}", e.field),
            message: e.message,
        })
        .collect()
}

fn reader(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = require_user(ctx)?;
    if may_read(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

fn writer(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = require_user(ctx)?;
    if may_write(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

fn fv<'a>(v: &'a Values, k: &str) -> &'a str {
    v.get(k).map(String::as_str).unwrap_or("")
}

fn val(v: Option<&Values>, k: &str) -> String {
    v.and_then(|v| v.get(k).cloned()).unwrap_or_default()
}

fn status(refused: bool) -> StatusCode {
    if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// A stored moment as Dutch date and time.
pub fn moment(ms: impl std::borrow::Borrow<i64>) -> String {
    let ms = *ms.borrow();
    let ts = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let tz = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC);
    ts.to_zoned(tz).strftime("%d-%m-%Y %H:%M").to_string()
}

pub fn datum(d: Date) -> String {
    d.strftime("%d-%m-%Y").to_string()
}

fn datum_text(s: &str) -> String {
    model::parse_date(s)
        .map(datum)
        .unwrap_or_else(|| s.to_string())
}

fn redirect(to: String) -> WebResult {
    Ok(Redirect::to(&to).into_response())
}

fn soort_label(m: &Texts, s: &str) -> String {
    m.t(&format!("crisis-kind-{s}"))
}

fn niveau_label(s: &str) -> String {
    Niveau::from_slug(s)
        .map(|n| n.naam().to_string())
        .unwrap_or_else(|| s.to_string())
}

fn text_field(name: &str, label: String, v: Option<&Values>) -> FormField {
    FormField::new(name, label, FieldKind::Text).value(val(v, name))
}

fn area_field(name: &str, label: String, v: Option<&Values>) -> FormField {
    FormField::new(name, label, FieldKind::TextArea).value(val(v, name))
}

fn date_field(name: &str, label: String, v: Option<&Values>) -> FormField {
    FormField::new(name, label, FieldKind::Date).value(val(v, name))
}

fn select_field(
    name: &str,
    label: String,
    options: Vec<(String, String)>,
    v: Option<&Values>,
) -> FormField {
    FormField::new(name, label, FieldKind::Select(options)).value(val(v, name))
}

async fn print_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../templates/crisis_print.css"),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Overview.

pub struct PiketRow {
    pub functie: String,
    pub namen: String,
    pub leeg: bool,
}

#[derive(Template)]
#[template(path = "crisis_index.html")]
struct IndexPage {
    shell: Shell,
    m: Texts,
    week: String,
    piket: Vec<PiketRow>,
    jaar: i32,
    norm: model::Oefennorm,
    actief: Vec<store::Incident>,
}

async fn index_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = reader(&ctx)?;
    let m = texts(&ctx);
    let today = platform::db::today_nl();
    let piket = store::nu_piket(&state.db, &p.organisation_id, today)
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|(functie, namen)| PiketRow {
            leeg: namen.is_empty(),
            namen: if namen.is_empty() {
                m.t("crisis-nobody")
            } else {
                namen.join(", ")
            },
            functie,
        })
        .collect();
    let auth_o = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Oefening)
        .await
        .map_err(store_err)?;
    let jaar = today.year();
    let oef = store::oefeningen(&state.db, &auth_o, i64::from(jaar))
        .await
        .map_err(store_err)?;
    let norm = model::oefennorm(&oef.iter().filter_map(|o| o.feit()).collect::<Vec<_>>());
    let auth_i = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Incident)
        .await
        .map_err(store_err)?;
    let actief = store::incidenten(&state.db, &auth_i)
        .await
        .map_err(store_err)?
        .into_iter()
        .filter(|i| i.status == "actief")
        .collect();
    render_status(
        StatusCode::OK,
        &IndexPage {
            shell: Shell::titled(&ctx, m.t("crisis-nav")),
            week: model::week_label(model::maandag(today)),
            m,
            piket,
            jaar: i32::from(jaar),
            norm,
            actief,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Organisation.

pub struct FunctieRow {
    pub naam: String,
    pub omschrijving: String,
    pub piket: bool,
    pub personen: String,
}

pub struct PersoonRow {
    pub id: String,
    pub naam: String,
    pub functies: String,
    pub account: bool,
    /// e.g. "2 geldig, 1 verlopen".
    pub kwalificaties: String,
    pub verlopen: bool,
}

#[derive(Template)]
#[template(path = "crisis_organisatie.html")]
struct OrgPage {
    shell: Shell,
    m: Texts,
    functies: Vec<FunctieRow>,
    personen: Vec<PersoonRow>,
    may_write: bool,
    form: Option<Form>,
}

fn person_form(
    m: &Texts,
    functies: &[store::Functie],
    accounts: &[(String, String)],
    v: Option<&Values>,
) -> Form {
    let chosen: Vec<String> = v
        .and_then(|v| v.get("functies"))
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let mut opts = vec![(String::new(), m.t("crisis-no-account"))];
    opts.extend(accounts.iter().cloned());
    Form::new(
        "/crisis/organisatie",
        m.t("crisis-person-add"),
        vec![
            text_field("naam", m.t("crisis-name"), v).required(),
            select_field("account", m.t("crisis-account"), opts, v)
                .hint(m.t("crisis-account-hint")),
            text_field("telefoon", m.t("crisis-phone"), v).autocomplete("off"),
            FormField::new("email", m.t("crisis-email"), FieldKind::Email)
                .value(val(v, "email"))
                .autocomplete("off"),
            FormField::new(
                "functies",
                m.t("crisis-functions"),
                FieldKind::Checkboxes(
                    functies
                        .iter()
                        .map(|f| (f.id.clone(), f.naam.clone(), chosen.contains(&f.id)))
                        .collect(),
                ),
            ),
        ],
    )
}

async fn render_org(state: &AppState, ctx: &Ctx, refused: Option<Form>) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Organisatie)
        .await
        .map_err(store_err)?;
    let functies = store::functies(&state.db).await.map_err(store_err)?;
    let personen = store::personen(&state.db, &auth).await.map_err(store_err)?;
    let kw = store::kwalificaties(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let today = platform::db::today_nl();
    let naam_functie = |id: &str| {
        functies
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.naam.clone())
            .unwrap_or_default()
    };
    let functie_rows = functies
        .iter()
        .map(|f| FunctieRow {
            naam: f.naam.clone(),
            omschrijving: f.omschrijving.clone(),
            piket: f.piket,
            personen: personen
                .iter()
                .filter(|p| p.functie_ids.contains(&f.id))
                .map(|p| p.naam.clone())
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let persoon_rows = personen
        .iter()
        .map(|p| {
            // Per function only the latest qualification counts.
            let mut latest: HashMap<&str, Date> = HashMap::new();
            for k in kw.iter().filter(|k| k.persoon_id == p.id) {
                let e = latest.entry(k.functie_id.as_str()).or_insert(k.verloopt_op);
                if k.verloopt_op > *e {
                    *e = k.verloopt_op;
                }
            }
            let verlopen = latest
                .values()
                .filter(|d| model::geldigheid(**d, today) == model::Geldigheid::Verlopen)
                .count();
            let geldig = latest.len() - verlopen;
            PersoonRow {
                id: p.id.clone(),
                naam: p.naam.clone(),
                functies: p
                    .functie_ids
                    .iter()
                    .map(|f| naam_functie(f))
                    .collect::<Vec<_>>()
                    .join(", "),
                account: p.user_id.is_some(),
                kwalificaties: format!(
                    "{geldig} {}, {verlopen} {}",
                    m.t("crisis-valid"),
                    m.t("crisis-expired")
                ),
                verlopen: verlopen > 0,
            }
        })
        .collect();
    let write = may_write(p);
    let form = if write {
        match refused {
            Some(f) => Some(f),
            None => {
                let accounts = accounts(state, &auth).await?;
                Some(person_form(&m, &functies, &accounts, None))
            }
        }
    } else {
        None
    };
    render_status(
        status(form.as_ref().is_some_and(Form::has_errors)),
        &OrgPage {
            shell: Shell::titled(ctx, m.t("crisis-org-title")),
            m,
            functies: functie_rows,
            personen: persoon_rows,
            may_write: write,
            form,
        },
    )
}

async fn accounts<A: platform::access::ActionKind>(
    state: &AppState,
    auth: &platform::access::Authorized<crate::access::Crisis, A>,
) -> Result<Vec<(String, String)>, WebError> {
    Ok(
        platform::identity::colleagues(state.db.pool(), auth, &crate::ROLLEN, None)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect(),
    )
}

async fn org_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    render_org(&state, &ctx, None).await
}

async fn org_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: axum::body::Bytes,
) -> WebResult {
    let p = writer(&ctx)?;
    // Checkboxes repeat their name: read the body as pairs.
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(&body);
    let mut v: Values = HashMap::new();
    let mut functie_ids = Vec::new();
    for (k, x) in pairs {
        if k == "functies" {
            functie_ids.push(x);
        } else {
            v.insert(k, x);
        }
    }
    v.insert("functies".into(), functie_ids.join(","));
    let auth = store::authorize::<act::Create>(&state.db, &ctx.request, p, Onderdeel::Organisatie)
        .await
        .map_err(store_err)?;
    let new = store::NieuwePersoon {
        naam: fv(&v, "naam").to_string(),
        user_id: Some(fv(&v, "account").to_string()).filter(|s| !s.is_empty()),
        telefoon: fv(&v, "telefoon").to_string(),
        email: fv(&v, "email").to_string(),
        functie_ids,
    };
    let errors = match store::persoon_nieuw(&state.db, &auth, &new).await {
        Ok(id) => return redirect(format!("/crisis/organisatie/{id}")),
        Err(e) => field_errors(e)?,
    };
    let m = texts(&ctx);
    let functies = store::functies(&state.db).await.map_err(store_err)?;
    let accounts = accounts(&state, &auth).await?;
    let form = person_form(&m, &functies, &accounts, Some(&v))
        .with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
    render_org(&state, &ctx, Some(form)).await
}

/// `application/x-www-form-urlencoded` as pairs, keeping repeated names.
fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

// One person.

pub struct KwalRow {
    pub functie: String,
    pub behaald: String,
    pub verloopt: String,
    pub bron: String,
    pub staat: String,
    pub verlopen: bool,
}

#[derive(Template)]
#[template(path = "crisis_persoon.html")]
struct PersonPage {
    shell: Shell,
    m: Texts,
    id: String,
    functies: String,
    account: bool,
    kwal: Vec<KwalRow>,
    contact: Option<(String, String)>,
    ical: bool,
    /// The new calendar address, shown once.
    ical_url: Option<String>,
    form: Option<Form>,
}

fn qualification_form(
    m: &Texts,
    id: &str,
    functies: &[store::Functie],
    bronnen: &[String],
    v: Option<&Values>,
) -> Form {
    let mut hint = m.t("crisis-source-hint");
    if !bronnen.is_empty() {
        hint = format!("{hint} {}", bronnen.join("; "));
    }
    Form::new(
        format!("/crisis/organisatie/{id}/kwalificaties"),
        m.t("crisis-qualification-add"),
        vec![
            select_field(
                "functie",
                m.t("crisis-function"),
                functies
                    .iter()
                    .map(|f| (f.id.clone(), f.naam.clone()))
                    .collect(),
                v,
            ),
            date_field("behaald_op", m.t("crisis-earned-on"), v).required(),
            date_field("verloopt_op", m.t("crisis-expires-on"), v).required(),
            text_field("bron", m.t("crisis-source"), v)
                .hint(hint)
                .required(),
        ],
    )
}

async fn render_person(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    refused: Option<Form>,
    ical_url: Option<String>,
) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth = store::authorize_record::<act::Read>(
        &state.db,
        &ctx.request,
        p,
        Onderdeel::Organisatie,
        id,
    )
    .await
    .map_err(store_err)?;
    let (persoon, kw) = store::persoon(&state.db, &auth).await.map_err(store_err)?;
    let functies = store::functies(&state.db).await.map_err(store_err)?;
    let naam_functie = |id: &str| {
        functies
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.naam.clone())
            .unwrap_or_default()
    };
    let today = platform::db::today_nl();
    let write = may_write(p);
    // Contact details only for the crisis organisation, each read audited.
    let contact = if write {
        let a = store::authorize_record::<act::Read>(
            &state.db,
            &ctx.request,
            p,
            Onderdeel::Contact,
            id,
        )
        .await
        .map_err(store_err)?;
        Some(store::contact(&state.db, &a).await.map_err(store_err)?)
    } else {
        None
    };
    let kwal = kw
        .iter()
        .map(|k| {
            let g = model::geldigheid(k.verloopt_op, today);
            KwalRow {
                functie: naam_functie(&k.functie_id),
                behaald: datum(k.behaald_op),
                verloopt: datum(k.verloopt_op),
                bron: k.bron.clone(),
                staat: m.t(match g {
                    model::Geldigheid::Verlopen => "crisis-expired",
                    model::Geldigheid::VerlooptBinnenkort => "crisis-expiring",
                    model::Geldigheid::Geldig => "crisis-valid",
                }),
                verlopen: g == model::Geldigheid::Verlopen,
            }
        })
        .collect();
    let form = if write {
        Some(match refused {
            Some(f) => f,
            None => qualification_form(&m, id, &functies, &[], None),
        })
    } else {
        None
    };
    render_status(
        status(form.as_ref().is_some_and(Form::has_errors)),
        &PersonPage {
            shell: Shell::titled(ctx, persoon.naam.clone()),
            m,
            id: persoon.id.clone(),
            functies: persoon
                .functie_ids
                .iter()
                .map(|f| naam_functie(f))
                .collect::<Vec<_>>()
                .join(", "),
            account: persoon.user_id.is_some(),
            kwal,
            contact,
            ical: persoon.ical,
            ical_url,
            form,
        },
    )
}

async fn person_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    render_person(&state, &ctx, &id, None, None).await
}

async fn qualification_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize_record::<act::Update>(
        &state.db,
        &ctx.request,
        p,
        Onderdeel::Organisatie,
        &id,
    )
    .await
    .map_err(store_err)?;
    let errors = match store::kwalificatie_nieuw(
        &state.db,
        &auth,
        fv(&v, "functie"),
        fv(&v, "behaald_op"),
        fv(&v, "verloopt_op"),
        fv(&v, "bron"),
    )
    .await
    {
        Ok(_) => return redirect(format!("/crisis/organisatie/{id}")),
        Err(e) => field_errors(e)?,
    };
    let m = texts(&ctx);
    let functies = store::functies(&state.db).await.map_err(store_err)?;
    let form = qualification_form(&m, &id, &functies, &[], Some(&v))
        .with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
    render_person(&state, &ctx, &id, Some(form), None).await
}

async fn ical_new(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize_record::<act::Update>(
        &state.db,
        &ctx.request,
        p,
        Onderdeel::Organisatie,
        &id,
    )
    .await
    .map_err(store_err)?;
    let token = store::ical_nieuw(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let base = state.settings.public_url.clone().unwrap_or_default();
    let url = format!("{}/crisis/agenda/{token}", base.trim_end_matches('/'));
    render_person(&state, &ctx, &id, None, Some(url)).await
}

async fn ical_revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize_record::<act::Update>(
        &state.db,
        &ctx.request,
        p,
        Onderdeel::Organisatie,
        &id,
    )
    .await
    .map_err(store_err)?;
    store::ical_intrekken(&state.db, &auth)
        .await
        .map_err(store_err)?;
    redirect(format!("/crisis/organisatie/{id}"))
}

/// The calendar feed: no login (a calendar program fetches it); the private token is the key.
async fn ical_feed(State(state): State<AppState>, Path(token): Path<String>) -> WebResult {
    if token.len() > 100 {
        return Err(WebError::NotFound);
    }
    match store::ical_feed(&state.db, &token)
        .await
        .map_err(store_err)?
    {
        Some(feed) => Ok((
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            feed,
        )
            .into_response()),
        None => Err(WebError::NotFound),
    }
}

pub struct ContactRow {
    pub naam: String,
    pub telefoon: String,
    pub email: String,
}

#[derive(Template)]
#[template(path = "crisis_contactlijst.html")]
struct ContactsPage {
    shell: Shell,
    m: Texts,
    rows: Vec<ContactRow>,
}

async fn contacts_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = writer(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Contact)
        .await
        .map_err(store_err)?;
    let names = store::personen(&state.db, &auth).await.map_err(store_err)?;
    let rows = store::contacten(&state.db, &auth)
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|(id, telefoon, email)| ContactRow {
            naam: names
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.naam.clone())
                .unwrap_or_default(),
            telefoon,
            email,
        })
        .collect();
    render_status(
        StatusCode::OK,
        &ContactsPage {
            shell: Shell::titled(&ctx, m.t("crisis-contacts-title")),
            m,
            rows,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// The on-call roster.

pub struct WeekCell {
    pub id: String,
    pub naam: String,
}

pub struct WeekRow {
    pub functie: String,
    pub diensten: Vec<WeekCell>,
}

pub struct RuilRow {
    pub id: String,
    pub tekst: String,
    pub status: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "crisis_piket.html")]
struct RosterPage {
    shell: Shell,
    m: Texts,
    week: String,
    /// The Monday of the week shown, for the forms that return to it.
    maandag: String,
    vorige: String,
    volgende: String,
    rows: Vec<WeekRow>,
    knelpunten: Vec<String>,
    ruilen: Vec<RuilRow>,
    may_write: bool,
    form: Option<Form>,
}

fn duty_form(
    m: &Texts,
    monday: Date,
    functies: &[store::Functie],
    personen: &[store::Persoon],
    v: Option<&Values>,
) -> Form {
    let mut week = FormField::new("week", m.t("crisis-week"), FieldKind::Date)
        .hint(m.t("crisis-week-hint"))
        .required();
    week.value = v
        .and_then(|v| v.get("week").cloned())
        .unwrap_or_else(|| monday.to_string());
    Form::new(
        "/crisis/piket",
        m.t("crisis-duty-add"),
        vec![
            week,
            select_field(
                "functie",
                m.t("crisis-function"),
                functies
                    .iter()
                    .filter(|f| f.piket)
                    .map(|f| (f.id.clone(), f.naam.clone()))
                    .collect(),
                v,
            ),
            select_field(
                "persoon",
                m.t("crisis-person"),
                personen
                    .iter()
                    .map(|p| (p.id.clone(), p.naam.clone()))
                    .collect(),
                v,
            ),
        ],
    )
}

async fn render_roster(
    state: &AppState,
    ctx: &Ctx,
    monday: Date,
    refused: Option<Form>,
) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Piket)
        .await
        .map_err(store_err)?;
    let next = monday.checked_add(7.days()).unwrap_or(monday);
    let functies = store::functies(&state.db).await.map_err(store_err)?;
    let auth_o = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Organisatie)
        .await
        .map_err(store_err)?;
    let personen = store::personen(&state.db, &auth_o)
        .await
        .map_err(store_err)?;
    let kw = store::kwalificaties(&state.db, &auth_o)
        .await
        .map_err(store_err)?;
    let rooster = store::rooster(&state.db, &auth, monday, next)
        .await
        .map_err(store_err)?;
    let naam_p = |id: &str| {
        personen
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.naam.clone())
            .unwrap_or_default()
    };
    let naam_f = |id: &str| {
        functies
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.naam.clone())
            .unwrap_or_default()
    };
    let rows = functies
        .iter()
        .filter(|f| f.piket)
        .map(|f| WeekRow {
            functie: f.naam.clone(),
            diensten: rooster
                .iter()
                .filter(|d| d.functie_id == f.id)
                .map(|d| WeekCell {
                    id: d.id.clone(),
                    naam: naam_p(&d.persoon_id),
                })
                .collect(),
        })
        .collect();
    let piket_ids: Vec<String> = functies
        .iter()
        .filter(|f| f.piket)
        .map(|f| f.id.clone())
        .collect();
    let diensten: Vec<model::Dienst> = rooster
        .iter()
        .map(|d| model::Dienst {
            functie_id: d.functie_id.clone(),
            persoon_id: d.persoon_id.clone(),
        })
        .collect();
    let kwal: Vec<model::Kwalificatie> = kw
        .iter()
        .map(|k| model::Kwalificatie {
            persoon_id: k.persoon_id.clone(),
            functie_id: k.functie_id.clone(),
            verloopt_op: k.verloopt_op,
        })
        .collect();
    let knelpunten = model::knelpunten(&piket_ids, &diensten, &kwal, monday)
        .into_iter()
        .map(|k| match k {
            Knelpunt::Gat { functie_id } => {
                format!("{}: {}", m.t("crisis-problem-gap"), naam_f(&functie_id))
            }
            Knelpunt::Dubbel {
                persoon_id,
                functie_ids,
            } => format!(
                "{}: {} ({})",
                m.t("crisis-problem-double"),
                naam_p(&persoon_id),
                functie_ids
                    .iter()
                    .map(|f| naam_f(f))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Knelpunt::Kwalificatie {
                persoon_id,
                functie_id,
                verlopen_op,
            } => match verlopen_op {
                Some(d) => format!(
                    "{}: {}, {} ({} {})",
                    m.t("crisis-problem-expired"),
                    naam_p(&persoon_id),
                    naam_f(&functie_id),
                    m.t("crisis-expires-on"),
                    datum(d)
                ),
                None => format!(
                    "{}: {}, {}",
                    m.t("crisis-problem-unqualified"),
                    naam_p(&persoon_id),
                    naam_f(&functie_id)
                ),
            },
        })
        .collect();
    let ruilen = store::ruilen(&state.db, &auth, monday)
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|r| RuilRow {
            open: r.status == "aangevraagd",
            tekst: format!(
                "{}, {}: {} → {} ({})",
                model::week_label(r.week),
                naam_f(&r.functie_id),
                naam_p(&r.van_persoon_id),
                naam_p(&r.naar_persoon_id),
                r.reden
            ),
            status: m.t(&format!("crisis-swap-{}", r.status)),
            id: r.id,
        })
        .collect();
    let write = may_write(p);
    let form = if write {
        Some(refused.unwrap_or_else(|| duty_form(&m, monday, &functies, &personen, None)))
    } else {
        None
    };
    let prev = monday.checked_sub(7.days()).unwrap_or(monday);
    render_status(
        status(form.as_ref().is_some_and(Form::has_errors)),
        &RosterPage {
            shell: Shell::titled(
                ctx,
                format!(
                    "{} — {}",
                    m.t("crisis-roster-title"),
                    model::week_label(monday)
                ),
            ),
            m,
            week: model::week_label(monday),
            maandag: monday.to_string(),
            vorige: prev.to_string(),
            volgende: next.to_string(),
            rows,
            knelpunten,
            ruilen,
            may_write: write,
            form,
        },
    )
}

fn week_of(q: &Values) -> Date {
    q.get("week")
        .and_then(|w| model::parse_week(w))
        .unwrap_or_else(|| model::maandag(platform::db::today_nl()))
}

async fn roster_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<Values>,
) -> WebResult {
    render_roster(&state, &ctx, week_of(&q), None).await
}

async fn roster_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize::<act::Update>(&state.db, &ctx.request, p, Onderdeel::Piket)
        .await
        .map_err(store_err)?;
    let errors = match store::dienst_nieuw(
        &state.db,
        &auth,
        fv(&v, "week"),
        fv(&v, "functie"),
        fv(&v, "persoon"),
    )
    .await
    {
        Ok(_) => return redirect(format!("/crisis/piket?week={}", week_of(&v))),
        Err(e) => field_errors(e)?,
    };
    let m = texts(&ctx);
    let functies = store::functies(&state.db).await.map_err(store_err)?;
    let auth_o = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Organisatie)
        .await
        .map_err(store_err)?;
    let personen = store::personen(&state.db, &auth_o)
        .await
        .map_err(store_err)?;
    let monday = week_of(&v);
    let form = duty_form(&m, monday, &functies, &personen, Some(&v))
        .with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
    render_roster(&state, &ctx, monday, Some(form)).await
}

async fn duty_remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize::<act::Update>(&state.db, &ctx.request, p, Onderdeel::Piket)
        .await
        .map_err(store_err)?;
    store::dienst_weg(&state.db, &auth, &id)
        .await
        .map_err(store_err)?;
    redirect(format!("/crisis/piket?week={}", week_of(&v)))
}

#[derive(Template)]
#[template(path = "crisis_formulier.html")]
struct FormPage {
    shell: Shell,
    m: Texts,
    intro: String,
    form: Form,
    terug: String,
}

fn swap_form(m: &Texts, id: &str, personen: &[store::Persoon], v: Option<&Values>) -> Form {
    Form::new(
        format!("/crisis/piket/{id}/ruilen"),
        m.t("crisis-swap-request"),
        vec![
            select_field(
                "naar",
                m.t("crisis-swap-to"),
                personen
                    .iter()
                    .map(|p| (p.id.clone(), p.naam.clone()))
                    .collect(),
                v,
            ),
            area_field("reden", m.t("crisis-reason"), v).required(),
        ],
    )
}

async fn render_swap(state: &AppState, ctx: &Ctx, id: &str, refused: Option<Form>) -> WebResult {
    let p = writer(ctx)?;
    let m = texts(ctx);
    let auth_o = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Organisatie)
        .await
        .map_err(store_err)?;
    let personen = store::personen(&state.db, &auth_o)
        .await
        .map_err(store_err)?;
    let form = refused.unwrap_or_else(|| swap_form(&m, id, &personen, None));
    render_status(
        status(form.has_errors()),
        &FormPage {
            shell: Shell::titled(ctx, m.t("crisis-swap-request")),
            intro: m.t("crisis-swap-intro"),
            m,
            form,
            terug: "/crisis/piket".into(),
        },
    )
}

async fn swap_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    render_swap(&state, &ctx, &id, None).await
}

async fn swap_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize::<act::Update>(&state.db, &ctx.request, p, Onderdeel::Piket)
        .await
        .map_err(store_err)?;
    let errors =
        match store::ruil_nieuw(&state.db, &auth, &id, fv(&v, "naar"), fv(&v, "reden")).await {
            Ok(_) => return redirect("/crisis/piket".into()),
            Err(e) => field_errors(e)?,
        };
    let m = texts(&ctx);
    let auth_o = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Organisatie)
        .await
        .map_err(store_err)?;
    let personen = store::personen(&state.db, &auth_o)
        .await
        .map_err(store_err)?;
    let form = swap_form(&m, &id, &personen, Some(&v))
        .with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
    render_swap(&state, &ctx, &id, Some(form)).await
}

async fn swap_decide(state: &AppState, ctx: &Ctx, id: &str, approve: bool) -> WebResult {
    let p = writer(ctx)?;
    let auth = store::authorize::<act::Update>(&state.db, &ctx.request, p, Onderdeel::Piket)
        .await
        .map_err(store_err)?;
    match store::ruil_besluit(&state.db, &auth, id, approve).await {
        Ok(()) => redirect("/crisis/piket".into()),
        Err(StoreError::Invalid(errors)) => {
            let m = texts(ctx);
            let reason = errors.first().map(|e| m.t(&e.message)).unwrap_or_default();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &MessagePage {
                    shell: Shell::titled(ctx, m.t("crisis-swap-refused-title")),
                    m,
                    message: reason,
                    terug: "/crisis/piket".into(),
                },
            )
        }
        Err(e) => Err(store_err(e)),
    }
}

#[derive(Template)]
#[template(path = "crisis_melding.html")]
struct MessagePage {
    shell: Shell,
    m: Texts,
    message: String,
    terug: String,
}

async fn swap_approve(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    swap_decide(&state, &ctx, &id, true).await
}

async fn swap_refuse(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    swap_decide(&state, &ctx, &id, false).await
}

// ---------------------------------------------------------------------------------------------
// Exercises.

pub struct OefeningRow {
    pub id: String,
    pub titel: String,
    pub soort: String,
    pub niveau: String,
    pub gepland: String,
    pub staat: String,
}

#[derive(Template)]
#[template(path = "crisis_oefeningen.html")]
struct ExercisesPage {
    shell: Shell,
    m: Texts,
    jaar: i64,
    vorig: i64,
    volgend: i64,
    norm: model::Oefennorm,
    rows: Vec<OefeningRow>,
    form: Option<Form>,
}

fn exercise_form(m: &Texts, v: Option<&Values>) -> Form {
    Form::new(
        "/crisis/oefeningen",
        m.t("crisis-exercise-add"),
        vec![
            text_field("titel", m.t("crisis-title"), v).required(),
            select_field(
                "soort",
                m.t("crisis-kind"),
                Soort::ALL
                    .iter()
                    .map(|s| (s.slug().to_string(), soort_label(m, s.slug())))
                    .collect(),
                v,
            ),
            select_field(
                "niveau",
                m.t("crisis-level"),
                Niveau::ALL
                    .iter()
                    .map(|n| (n.slug().to_string(), n.naam().to_string()))
                    .collect(),
                v,
            )
            .hint(m.t("crisis-level-hint")),
            area_field("scenario", m.t("crisis-scenario"), v).required(),
            area_field("deelnemers", m.t("crisis-participants"), v).required(),
            date_field("gepland_op", m.t("crisis-planned-on"), v).required(),
        ],
    )
}

async fn render_exercises(
    state: &AppState,
    ctx: &Ctx,
    jaar: i64,
    refused: Option<Form>,
) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Oefening)
        .await
        .map_err(store_err)?;
    let list = store::oefeningen(&state.db, &auth, jaar)
        .await
        .map_err(store_err)?;
    let norm = model::oefennorm(&list.iter().filter_map(|o| o.feit()).collect::<Vec<_>>());
    let rows = list
        .iter()
        .map(|o| OefeningRow {
            id: o.id.clone(),
            titel: o.titel.clone(),
            soort: soort_label(&m, &o.soort),
            niveau: niveau_label(&o.niveau),
            gepland: datum_text(&o.gepland_op),
            staat: staat(&m, o),
        })
        .collect();
    let form = if may_write(p) {
        Some(refused.unwrap_or_else(|| exercise_form(&m, None)))
    } else {
        None
    };
    render_status(
        status(form.as_ref().is_some_and(Form::has_errors)),
        &ExercisesPage {
            shell: Shell::titled(ctx, format!("{} {jaar}", m.t("crisis-exercises-title"))),
            m,
            jaar,
            vorig: jaar - 1,
            volgend: jaar + 1,
            norm,
            rows,
            form,
        },
    )
}

fn staat(m: &Texts, o: &store::Oefening) -> String {
    if o.geevalueerd_op.is_some() {
        m.t("crisis-state-evaluated")
    } else if let Some(d) = &o.uitgevoerd_op {
        format!("{} {}", m.t("crisis-state-held"), datum_text(d))
    } else {
        m.t("crisis-state-planned")
    }
}

fn year_of(q: &Values) -> i64 {
    q.get("jaar")
        .and_then(|j| j.parse::<i64>().ok())
        .filter(|j| (2000..=2100).contains(j))
        .unwrap_or_else(|| i64::from(platform::db::today_nl().year()))
}

async fn exercises_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<Values>,
) -> WebResult {
    render_exercises(&state, &ctx, year_of(&q), None).await
}

async fn exercises_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize::<act::Create>(&state.db, &ctx.request, p, Onderdeel::Oefening)
        .await
        .map_err(store_err)?;
    let new = store::NieuweOefening {
        titel: fv(&v, "titel").into(),
        soort: fv(&v, "soort").into(),
        niveau: fv(&v, "niveau").into(),
        scenario: fv(&v, "scenario").into(),
        deelnemers: fv(&v, "deelnemers").into(),
        gepland_op: fv(&v, "gepland_op").into(),
    };
    let errors = match store::oefening_nieuw(&state.db, &auth, &new).await {
        Ok(id) => return redirect(format!("/crisis/oefeningen/{id}")),
        Err(e) => field_errors(e)?,
    };
    let m = texts(&ctx);
    let form =
        exercise_form(&m, Some(&v)).with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
    let jaar = model::parse_date(fv(&v, "gepland_op"))
        .map(|d| i64::from(d.year()))
        .unwrap_or_else(|| i64::from(platform::db::today_nl().year()));
    render_exercises(&state, &ctx, jaar, Some(form)).await
}

#[derive(Template)]
#[template(path = "crisis_oefening.html")]
struct ExercisePage {
    shell: Shell,
    m: Texts,
    o: store::Oefening,
    soort: String,
    niveau: String,
    staat: String,
    leerpunten: Vec<store::Leerpunt>,
    open: usize,
    held_form: Option<Form>,
    eval_form: Option<Form>,
    lesson_form: Option<Form>,
}

fn held_form(m: &Texts, o: &store::Oefening, v: Option<&Values>) -> Form {
    let mut verloop = area_field("u_verloop", m.t("crisis-course"), v).required();
    if v.is_none() {
        verloop.value = o.verloop.clone();
    }
    Form::new(
        format!("/crisis/oefeningen/{}/uitgevoerd", o.id),
        m.t("crisis-held-save"),
        vec![
            date_field("u_uitgevoerd_op", m.t("crisis-held-on"), v).required(),
            verloop,
        ],
    )
}

fn eval_form(m: &Texts, action: String, current: &str, v: Option<&Values>) -> Form {
    let mut f = area_field("e_evaluatie", m.t("crisis-evaluation"), v).required();
    if v.is_none() {
        f.value = current.to_string();
    }
    Form::new(action, m.t("crisis-evaluation-save"), vec![f])
}

fn lesson_form(m: &Texts, action: String, v: Option<&Values>) -> Form {
    Form::new(
        action,
        m.t("crisis-lesson-add"),
        vec![
            area_field("l_tekst", m.t("crisis-lesson"), v).required(),
            text_field("l_eigenaar", m.t("crisis-owner"), v).required(),
            date_field("l_uiterlijk", m.t("crisis-due"), v).required(),
        ],
    )
}

async fn render_exercise(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    refused: Option<(&str, Form)>,
) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth =
        store::authorize_record::<act::Read>(&state.db, &ctx.request, p, Onderdeel::Oefening, id)
            .await
            .map_err(store_err)?;
    let (o, leerpunten) = store::oefening(&state.db, &auth).await.map_err(store_err)?;
    let write = may_write(p);
    let is_refused = refused.is_some();
    let (mut held, mut eval, mut lesson) = if write {
        (
            Some(held_form(&m, &o, None)),
            o.uitgevoerd_op.as_ref().map(|_| {
                eval_form(
                    &m,
                    format!("/crisis/oefeningen/{}/evaluatie", o.id),
                    &o.evaluatie,
                    None,
                )
            }),
            Some(lesson_form(
                &m,
                format!("/crisis/oefeningen/{}/leerpunten", o.id),
                None,
            )),
        )
    } else {
        (None, None, None)
    };
    match refused {
        Some(("uitgevoerd", f)) => held = Some(f),
        Some(("evaluatie", f)) => eval = Some(f),
        Some((_, f)) => lesson = Some(f),
        None => {}
    }
    render_status(
        status(is_refused),
        &ExercisePage {
            shell: Shell::titled(ctx, o.titel.clone()),
            soort: soort_label(&m, &o.soort),
            niveau: niveau_label(&o.niveau),
            staat: staat(&m, &o),
            open: leerpunten.iter().filter(|l| !l.gesloten).count(),
            m,
            o,
            leerpunten,
            held_form: held,
            eval_form: eval,
            lesson_form: lesson,
        },
    )
}

async fn exercise_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    render_exercise(&state, &ctx, &id, None).await
}

async fn exercise_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, what)): Path<(String, String)>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize_record::<act::Update>(
        &state.db,
        &ctx.request,
        p,
        Onderdeel::Oefening,
        &id,
    )
    .await
    .map_err(store_err)?;
    let done = match what.as_str() {
        "uitgevoerd" => {
            store::oefening_uitgevoerd(
                &state.db,
                &auth,
                fv(&v, "u_uitgevoerd_op"),
                fv(&v, "u_verloop"),
            )
            .await
        }
        "evaluatie" => store::oefening_evaluatie(&state.db, &auth, fv(&v, "e_evaluatie")).await,
        "leerpunten" => store::leerpunt_nieuw(
            &state.db,
            &auth,
            fv(&v, "l_tekst"),
            fv(&v, "l_eigenaar"),
            fv(&v, "l_uiterlijk"),
        )
        .await
        .map(|_| ()),
        _ => return Err(WebError::NotFound),
    };
    let errors = match done {
        Ok(()) => return redirect(format!("/crisis/oefeningen/{id}")),
        Err(e) => field_errors(e)?,
    };
    let m = texts(&ctx);
    let (o, _) = store::oefening(&state.db, &auth).await.map_err(store_err)?;
    let form = match what.as_str() {
        "uitgevoerd" => held_form(&m, &o, Some(&v)).with_errors(
            &ctx.lang,
            &crate::html::tr(&ctx.lang, &prefixed(errors, "u_")),
        ),
        "evaluatie" => eval_form(
            &m,
            format!("/crisis/oefeningen/{id}/evaluatie"),
            "",
            Some(&v),
        )
        .with_errors(
            &ctx.lang,
            &crate::html::tr(&ctx.lang, &prefixed(errors, "e_")),
        ),
        _ => lesson_form(&m, format!("/crisis/oefeningen/{id}/leerpunten"), Some(&v)).with_errors(
            &ctx.lang,
            &crate::html::tr(&ctx.lang, &prefixed(errors, "l_")),
        ),
    };
    render_exercise(&state, &ctx, &id, Some((what.as_str(), form))).await
}

fn onderdeel_of(kind: &str) -> Result<(Onderdeel, &'static str), WebError> {
    match kind {
        "oefeningen" => Ok((Onderdeel::Oefening, "oefeningen")),
        "incidenten" => Ok((Onderdeel::Incident, "incidenten")),
        _ => Err(WebError::NotFound),
    }
}

fn close_form(m: &Texts, kind: &str, id: &str, lid: &str, v: Option<&Values>) -> Form {
    Form::new(
        format!("/crisis/{kind}/{id}/leerpunten/{lid}/sluiten"),
        m.t("crisis-lesson-close"),
        vec![area_field("afsluiting", m.t("crisis-closing"), v)
            .hint(m.t("crisis-closing-hint"))
            .required()],
    )
}

async fn render_close(
    ctx: &Ctx,
    kind: &str,
    id: &str,
    lid: &str,
    tekst: String,
    refused: Option<Form>,
) -> WebResult {
    let m = texts(ctx);
    let form = refused.unwrap_or_else(|| close_form(&m, kind, id, lid, None));
    render_status(
        status(form.has_errors()),
        &FormPage {
            shell: Shell::titled(ctx, m.t("crisis-lesson-close")),
            intro: tekst,
            m,
            form,
            terug: format!("/crisis/{kind}/{id}"),
        },
    )
}

async fn lesson_text(
    state: &AppState,
    ctx: &Ctx,
    onderdeel: Onderdeel,
    id: &str,
    lid: &str,
) -> Result<String, WebError> {
    let p = writer(ctx)?;
    let auth = store::authorize_record::<act::Read>(&state.db, &ctx.request, p, onderdeel, id)
        .await
        .map_err(store_err)?;
    let list = match onderdeel {
        Onderdeel::Oefening => store::oefening(&state.db, &auth).await.map(|(_, l)| l),
        _ => store::incident(&state.db, &auth)
            .await
            .map(|d| d.leerpunten),
    }
    .map_err(store_err)?;
    list.into_iter()
        .find(|l| l.id == lid && !l.gesloten)
        .map(|l| format!("{} ({}, {})", l.tekst, l.eigenaar, datum_text(&l.uiterlijk)))
        .ok_or(WebError::NotFound)
}

async fn lesson_close_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((kind, id, lid)): Path<(String, String, String)>,
) -> WebResult {
    let (onderdeel, kind) = onderdeel_of(&kind)?;
    let tekst = lesson_text(&state, &ctx, onderdeel, &id, &lid).await?;
    render_close(&ctx, kind, &id, &lid, tekst, None).await
}

async fn lesson_close_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((kind, id, lid)): Path<(String, String, String)>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let (onderdeel, kind) = onderdeel_of(&kind)?;
    let p = writer(&ctx)?;
    let auth = store::authorize_record::<act::Update>(&state.db, &ctx.request, p, onderdeel, &id)
        .await
        .map_err(store_err)?;
    let errors = match store::leerpunt_sluiten(&state.db, &auth, &lid, fv(&v, "afsluiting")).await {
        Ok(()) => return redirect(format!("/crisis/{kind}/{id}")),
        Err(e) => field_errors(e)?,
    };
    let tekst = lesson_text(&state, &ctx, onderdeel, &id, &lid).await?;
    let m = texts(&ctx);
    let form = close_form(&m, kind, &id, &lid, Some(&v))
        .with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
    render_close(&ctx, kind, &id, &lid, tekst, Some(form)).await
}

// ---------------------------------------------------------------------------------------------
// Incidents.

#[derive(Template)]
#[template(path = "crisis_incidenten.html")]
struct IncidentsPage {
    shell: Shell,
    m: Texts,
    rows: Vec<store::Incident>,
    form: Option<Form>,
}

fn incident_form(m: &Texts, v: Option<&Values>) -> Form {
    Form::new(
        "/crisis/incidenten",
        m.t("crisis-incident-start"),
        vec![
            text_field("titel", m.t("crisis-title"), v).required(),
            select_field(
                "modus",
                m.t("crisis-mode"),
                vec![
                    ("oefening".into(), m.t("crisis-mode-exercise")),
                    ("incident".into(), m.t("crisis-mode-incident")),
                ],
                v,
            )
            .hint(m.t("crisis-mode-hint")),
            select_field("grip", m.t("crisis-grip"), grip_options(), v),
        ],
    )
}

fn grip_options() -> Vec<(String, String)> {
    (0..=model::GRIP_MAX)
        .map(|n| (n.to_string(), model::grip_omschrijving(n).to_string()))
        .collect()
}

async fn render_incidents(state: &AppState, ctx: &Ctx, refused: Option<Form>) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth = store::authorize::<act::List>(&state.db, &ctx.request, p, Onderdeel::Incident)
        .await
        .map_err(store_err)?;
    let rows = store::incidenten(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let form = if may_write(p) {
        Some(refused.unwrap_or_else(|| incident_form(&m, None)))
    } else {
        None
    };
    render_status(
        status(form.as_ref().is_some_and(Form::has_errors)),
        &IncidentsPage {
            shell: Shell::titled(ctx, m.t("crisis-incidents-title")),
            m,
            rows,
            form,
        },
    )
}

async fn incidents_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    render_incidents(&state, &ctx, None).await
}

async fn incidents_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize::<act::Create>(&state.db, &ctx.request, p, Onderdeel::Incident)
        .await
        .map_err(store_err)?;
    let mut errors = Vec::new();
    let modus = fv(&v, "modus");
    if modus != "oefening" && modus != "incident" {
        errors.push(platform::identity::field_error(
            "modus",
            "crisis-error-mode",
        ));
    }
    let grip = fv(&v, "grip").parse::<i64>().unwrap_or(-1);
    if errors.is_empty() {
        match store::incident_nieuw(&state.db, &auth, fv(&v, "titel"), modus == "oefening", grip)
            .await
        {
            Ok(id) => return redirect(format!("/crisis/incidenten/{id}")),
            Err(e) => errors = field_errors(e)?,
        }
    }
    let m = texts(&ctx);
    let form =
        incident_form(&m, Some(&v)).with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
    render_incidents(&state, &ctx, Some(form)).await
}

pub struct BeeldView {
    pub discipline: String,
    pub versies: Vec<store::Beeld>,
}

#[derive(Template)]
#[template(path = "crisis_incident.html")]
struct IncidentPage {
    shell: Shell,
    m: Texts,
    d: store::IncidentDetail,
    grip: String,
    status_label: String,
    beelden: Vec<BeeldView>,
    forms: Vec<(String, Form)>,
}

fn incident_forms(m: &Texts, id: &str, grip: Option<i64>) -> Vec<(&'static str, Form)> {
    let mut grip_field = select_field("g_niveau", m.t("crisis-grip-new"), grip_options(), None);
    grip_field.value = grip
        .map(|g| (g + 1).min(model::GRIP_MAX).to_string())
        .unwrap_or_default();
    vec![
        (
            "logboek",
            Form::new(
                format!("/crisis/incidenten/{id}/logboek"),
                m.t("crisis-log-add"),
                vec![
                    text_field("o_functie", m.t("crisis-log-function"), None)
                        .hint(m.t("crisis-log-function-hint")),
                    select_field(
                        "o_bron",
                        m.t("crisis-log-source"),
                        model::BRONNEN
                            .iter()
                            .map(|b| {
                                (
                                    b.to_string(),
                                    m.t(&format!("crisis-source-{}", b.replace(' ', "-"))),
                                )
                            })
                            .collect(),
                        None,
                    ),
                    area_field("o_tekst", m.t("crisis-log-text"), None).required(),
                ],
            ),
        ),
        (
            "grip",
            Form::new(
                format!("/crisis/incidenten/{id}/grip"),
                m.t("crisis-grip-change"),
                vec![
                    grip_field,
                    text_field("g_toelichting", m.t("crisis-explanation"), None),
                ],
            ),
        ),
        (
            "beeld",
            Form::new(
                format!("/crisis/incidenten/{id}/beeld"),
                m.t("crisis-picture-add"),
                vec![
                    select_field(
                        "b_discipline",
                        m.t("crisis-discipline"),
                        model::DISCIPLINES
                            .iter()
                            .map(|(s, n)| (s.to_string(), n.to_string()))
                            .collect(),
                        None,
                    ),
                    area_field("b_beeld", m.t("crisis-picture"), None).required(),
                    area_field("b_oordeel", m.t("crisis-judgement"), None).required(),
                    area_field("b_besluit", m.t("crisis-decision-proposal"), None).required(),
                ],
            ),
        ),
        (
            "besluiten",
            Form::new(
                format!("/crisis/incidenten/{id}/besluiten"),
                m.t("crisis-decision-add"),
                vec![
                    area_field("d_tekst", m.t("crisis-decision"), None).required(),
                    text_field("d_actiehouder", m.t("crisis-action-holder"), None).required(),
                    text_field("d_herbeoordeling", m.t("crisis-reassess"), None)
                        .hint(m.t("crisis-reassess-hint")),
                ],
            ),
        ),
        (
            "leerpunten",
            lesson_form(m, format!("/crisis/incidenten/{id}/leerpunten"), None),
        ),
        (
            "afsluiten",
            Form::new(
                format!("/crisis/incidenten/{id}/afsluiten"),
                m.t("crisis-incident-close"),
                vec![area_field("a_evaluatie", m.t("crisis-evaluation"), None)
                    .hint(m.t("crisis-incident-close-hint"))],
            ),
        ),
    ]
}

fn with_values(mut f: Form, v: &Values) -> Form {
    for field in &mut f.fields {
        if let Some(x) = v.get(&field.name) {
            field.value = x.clone();
        }
    }
    f
}

async fn render_incident(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    refused: Option<(String, Form)>,
) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth =
        store::authorize_record::<act::Read>(&state.db, &ctx.request, p, Onderdeel::Incident, id)
            .await
            .map_err(store_err)?;
    let d = store::incident(&state.db, &auth).await.map_err(store_err)?;
    let actief = d.incident.status == "actief";
    let is_refused = refused.is_some();
    let mut forms: Vec<(String, Form)> = Vec::new();
    if may_write(p) {
        for (key, f) in incident_forms(&m, id, d.incident.grip) {
            // A closed incident takes lessons only.
            if !actief && key != "leerpunten" {
                continue;
            }
            let f = match &refused {
                Some((k, rf)) if k == key => rf.clone(),
                _ => f,
            };
            forms.push((key.to_string(), f));
        }
    }
    let beelden = model::DISCIPLINES
        .iter()
        .map(|(slug, naam)| BeeldView {
            discipline: naam.to_string(),
            versies: d
                .beelden
                .iter()
                .filter(|b| b.discipline == *slug)
                .cloned()
                .collect(),
        })
        .filter(|b| !b.versies.is_empty())
        .collect();
    let grip = d
        .incident
        .grip
        .map(|g| model::grip_omschrijving(g).to_string())
        .unwrap_or_default();
    let mut title = d.incident.titel.clone();
    if d.incident.oefenmodus {
        title = format!("{} — {title}", m.t("crisis-mode-exercise-mark"));
    }
    render_status(
        status(is_refused),
        &IncidentPage {
            shell: Shell::titled(ctx, title),
            status_label: m.t(&format!("crisis-status-{}", d.incident.status)),
            m,
            d,
            grip,
            beelden,
            forms,
        },
    )
}

async fn incident_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    render_incident(&state, &ctx, &id, None).await
}

async fn incident_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, what)): Path<(String, String)>,
    AxForm(v): AxForm<Values>,
) -> WebResult {
    let p = writer(&ctx)?;
    let auth = store::authorize_record::<act::Update>(
        &state.db,
        &ctx.request,
        p,
        Onderdeel::Incident,
        &id,
    )
    .await
    .map_err(store_err)?;
    let db = &state.db;
    let (done, prefix) = match what.as_str() {
        "logboek" => (
            store::log_nieuw(
                db,
                &auth,
                fv(&v, "o_functie"),
                fv(&v, "o_bron"),
                fv(&v, "o_tekst"),
            )
            .await
            .map(|_| ()),
            "o_",
        ),
        "grip" => {
            let niveau = fv(&v, "g_niveau").parse::<i64>().unwrap_or(-1);
            (
                store::grip_wijzigen(db, &auth, niveau, fv(&v, "g_toelichting")).await,
                "g_",
            )
        }
        "beeld" => (
            store::beeld_nieuw(
                db,
                &auth,
                fv(&v, "b_discipline"),
                fv(&v, "b_beeld"),
                fv(&v, "b_oordeel"),
                fv(&v, "b_besluit"),
            )
            .await
            .map(|_| ()),
            "b_",
        ),
        "besluiten" => (
            store::besluit_nieuw(
                db,
                &auth,
                fv(&v, "d_tekst"),
                fv(&v, "d_actiehouder"),
                fv(&v, "d_herbeoordeling"),
            )
            .await
            .map(|_| ()),
            "d_",
        ),
        "leerpunten" => (
            store::leerpunt_nieuw(
                db,
                &auth,
                fv(&v, "l_tekst"),
                fv(&v, "l_eigenaar"),
                fv(&v, "l_uiterlijk"),
            )
            .await
            .map(|_| ()),
            "l_",
        ),
        "afsluiten" => (
            store::incident_afsluiten(db, &auth, fv(&v, "a_evaluatie")).await,
            "a_",
        ),
        _ => return Err(WebError::NotFound),
    };
    let errors = match done {
        Ok(()) => return redirect(format!("/crisis/incidenten/{id}")),
        Err(e) => prefixed(field_errors(e)?, prefix),
    };
    let m = texts(&ctx);
    let Some((_, form)) = incident_forms(&m, &id, None)
        .into_iter()
        .find(|(k, _)| *k == what)
    else {
        return Err(WebError::NotFound);
    };
    let form = with_values(form, &v).with_errors(&ctx.lang, &crate::html::tr(&ctx.lang, &errors));
    render_incident(&state, &ctx, &id, Some((what, form))).await
}

// ---------------------------------------------------------------------------------------------
// The situation report.

/// What the situation report shows, for the HTML page and the PDF alike.
pub struct Sitrep {
    pub titel: String,
    pub oefening: bool,
    pub opgemaakt: String,
    pub grip: String,
    pub grip_historie: Vec<String>,
    /// (discipline, version line, beeld, oordeel, besluit): the latest version per discipline.
    pub beelden: Vec<(String, String, String, String, String)>,
    pub besluiten: Vec<String>,
    pub logboek: Vec<(String, String, String)>,
}

fn sitrep_of(m: &Texts, d: &store::IncidentDetail) -> Sitrep {
    let mut beelden = Vec::new();
    for (slug, naam) in model::DISCIPLINES {
        if let Some(b) = d.beelden.iter().find(|b| b.discipline == slug) {
            beelden.push((
                naam.to_string(),
                format!(
                    "{} {}, {}, {}",
                    m.t("crisis-version"),
                    b.versie,
                    moment(b.at),
                    b.door
                ),
                b.beeld.clone(),
                b.oordeel.clone(),
                b.besluit.clone(),
            ));
        }
    }
    Sitrep {
        titel: d.incident.titel.clone(),
        oefening: d.incident.oefenmodus,
        opgemaakt: moment(platform::db::now_ms()),
        grip: d
            .incident
            .grip
            .map(|g| model::grip_omschrijving(g).to_string())
            .unwrap_or_default(),
        grip_historie: d
            .grip
            .iter()
            .map(|g| {
                let mut s = format!(
                    "{} — {} ({})",
                    moment(g.at),
                    model::grip_omschrijving(g.niveau),
                    g.door
                );
                if !g.toelichting.is_empty() {
                    s = format!("{s}: {}", g.toelichting);
                }
                s
            })
            .collect(),
        beelden,
        besluiten: d
            .besluiten
            .iter()
            .map(|b| {
                let mut s = format!(
                    "{} — {} ({}: {})",
                    moment(b.at),
                    b.tekst,
                    m.t("crisis-action-holder"),
                    b.actiehouder
                );
                if let Some(h) = b.herbeoordeling_at {
                    s = format!("{s}; {} {}", m.t("crisis-reassess"), moment(h));
                }
                s
            })
            .collect(),
        logboek: d
            .logboek
            .iter()
            .map(|l| {
                let wie = if l.functie.is_empty() {
                    l.auteur.clone()
                } else {
                    format!("{} ({})", l.auteur, l.functie)
                };
                (moment(l.at), format!("{wie}, {}", l.bron), l.tekst.clone())
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "crisis_sitrep.html")]
struct SitrepPage {
    shell: Shell,
    m: Texts,
    id: String,
    s: Sitrep,
}

async fn load_sitrep(state: &AppState, ctx: &Ctx, id: &str) -> Result<(Texts, Sitrep), WebError> {
    let p = reader(ctx)?;
    let m = texts(ctx);
    let auth =
        store::authorize_record::<act::Read>(&state.db, &ctx.request, p, Onderdeel::Incident, id)
            .await
            .map_err(store_err)?;
    let d = store::incident(&state.db, &auth).await.map_err(store_err)?;
    let s = sitrep_of(&m, &d);
    Ok((m, s))
}

async fn sitrep_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let (m, s) = load_sitrep(&state, &ctx, &id).await?;
    let mut title = format!("{}: {}", m.t("crisis-sitrep"), s.titel);
    if s.oefening {
        title = format!("{} — {title}", m.t("crisis-mode-exercise-mark"));
    }
    render_status(
        StatusCode::OK,
        &SitrepPage {
            shell: Shell::titled(&ctx, title),
            m,
            id,
            s,
        },
    )
}

/// The Typst source of the situation report; every text comes from data.json.
pub const SITREP_TYPST: &str = include_str!("../templates/crisis_sitrep.typ");

pub type SitrepRenderer = std::sync::Arc<
    dyn Fn(
            Vec<u8>,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<u8>, String>> + Send>>
        + Send
        + Sync,
>;

static RENDERER: std::sync::OnceLock<SitrepRenderer> = std::sync::OnceLock::new();

/// Registers the PDF renderer of the situation report (the binary owns the typesetting crate).
pub fn set_sitrep_renderer(r: SitrepRenderer) {
    let _ = RENDERER.set(r);
}

fn sitrep_json(m: &Texts, s: &Sitrep) -> Vec<u8> {
    use serde_json::json;
    let value = json!({
        "titel": format!("{}: {}", m.t("crisis-sitrep"), s.titel),
        "oefening": if s.oefening { m.t("crisis-mode-exercise-banner") } else { String::new() },
        "opgemaakt": format!("{} {}", m.t("crisis-made-at"), s.opgemaakt),
        "koppen": {
            "grip": m.t("crisis-grip"),
            "historie": m.t("crisis-grip-history"),
            "beelden": m.t("crisis-pictures"),
            "beeld": m.t("crisis-picture"),
            "oordeel": m.t("crisis-judgement"),
            "besluit": m.t("crisis-decision-proposal"),
            "besluiten": m.t("crisis-decisions"),
            "logboek": m.t("crisis-logbook"),
            "geen": m.t("crisis-none"),
        },
        "grip": s.grip,
        "historie": s.grip_historie,
        "beelden": s.beelden.iter().map(|(d, v, b, o, bs)| json!({
            "discipline": d, "versie": v, "beeld": b, "oordeel": o, "besluit": bs,
        })).collect::<Vec<_>>(),
        "besluiten": s.besluiten,
        "logboek": s.logboek.iter().map(|(a, w, t)| vec![a.clone(), w.clone(), t.clone()]).collect::<Vec<_>>(),
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

async fn sitrep_pdf(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let (m, s) = load_sitrep(&state, &ctx, &id).await?;
    let Some(renderer) = RENDERER.get().cloned() else {
        return Err(WebError::Internal("no PDF renderer registered".into()));
    };
    let bytes = renderer(sitrep_json(&m, &s))
        .await
        .map_err(WebError::Internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"situatierapport.pdf\"".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}
