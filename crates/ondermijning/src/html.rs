//! Pages: the register (list with filters and a map, the watch list), a place with its
//! explained score and what is recorded about it, the forms to add and change a place, and the
//! weights of the score with their versions.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};
use platform::access::{act, Principal};
use platform::identity::{field_error, FieldError};
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};

use crate::input::PlaatsIn;
use crate::model::{self, Band, Gewicht, Soort, Uitleg};
use crate::store::{self, Locatie, StoreError, Toevoeging};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ondermijning", get(list_page))
        .route("/ondermijning/aandachtslijst", get(watch_page))
        .route("/ondermijning/nieuw", get(new_page).post(new_post))
        .route("/ondermijning/weging", get(weights_page).post(weights_post))
        .route("/ondermijning/locaties/{id}", get(detail_page))
        .route(
            "/ondermijning/locaties/{id}/wijzigen",
            get(edit_page).post(edit_post),
        )
        .route("/ondermijning/locaties/{id}/kenmerken", post(features_post))
        .route("/ondermijning/locaties/{id}/{wat}", post(add_post))
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

pub(crate) fn texts(ctx: &Ctx) -> Texts {
    Texts {
        lang: ctx.lang.clone(),
    }
}

pub(crate) fn store_err(e: StoreError) -> WebError {
    match e {
        StoreError::NotFound => WebError::NotFound,
        StoreError::Access(e) => e.into(),
        other => WebError::Internal(other.to_string()),
    }
}

fn reader(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = require_user(ctx)?;
    if crate::access::may_read(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

/// Errors (Fluent keys of this module) in the language of the page.
pub(crate) fn translated(lang: &str, errors: &[FieldError]) -> Vec<FieldError> {
    errors
        .iter()
        .map(|e| field_error(&e.field, &crate::t(lang, &e.message)))
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

/// Places with their score under the current weights, highest first.
pub async fn scored(
    db: &platform::db::Db,
    places: Vec<Locatie>,
) -> Result<Vec<(Locatie, Uitleg)>, StoreError> {
    let weging = store::weging(db).await?;
    let mut out = Vec::with_capacity(places.len());
    for l in places {
        let f = store::feiten(db, &l).await?;
        let u = model::score(&f, &weging);
        out.push((l, u));
    }
    out.sort_by(|a, b| {
        b.1.totaal
            .cmp(&a.1.totaal)
            .then_with(|| a.0.naam.cmp(&b.0.naam))
    });
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The list.

pub struct Row {
    pub id: String,
    pub naam: String,
    pub soort: String,
    pub adres: String,
    pub wijk: String,
    pub score: i64,
    pub band: String,
    /// The indicators that gave points, for the watch list.
    pub waarom: String,
}

fn row(m: &Texts, l: &Locatie, u: &Uitleg) -> Row {
    let waarom = u
        .regels
        .iter()
        .filter(|r| r.punten > 0)
        .map(|r| {
            format!(
                "{} ({})",
                m.t(&model::indicator_key(&r.indicator)),
                r.punten
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    Row {
        id: l.id.clone(),
        naam: l.naam.clone(),
        soort: m.t(&l.soort.label_key()),
        adres: l.adres(),
        wijk: l.wijk_naam(),
        score: u.totaal,
        band: m.t(&u.band().label_key()),
        waarom,
    }
}

#[derive(Template)]
#[template(path = "ondermijning_list.html")]
struct ListPage {
    shell: Shell,
    m: Texts,
    form: Form,
    filtered: bool,
    rows: Vec<Row>,
    map: String,
    may_write: bool,
    versie: i64,
}

fn options(items: Vec<(String, String)>, none: String) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), none)];
    out.extend(items);
    out
}

async fn list_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult {
    let p = reader(&ctx)?;
    let m = texts(&ctx);
    let val = |k: &str| q.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let filter = store::Filter {
        soort: Soort::from_slug(&val("soort")),
        wijk: Some(val("wijk")).filter(|w| monitor::areas::name(w).is_some()),
        q: val("q"),
    };
    let band = Band::from_slug(&val("score"));
    let auth = store::authorize_register::<act::List>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let places = store::list(&state.db, &auth, &filter)
        .await
        .map_err(store_err)?;
    let mut all = scored(&state.db, places).await.map_err(store_err)?;
    all.retain(|(_, u)| band.is_none_or(|b| u.band() == b));
    all.sort_by(|a, b| a.0.naam.cmp(&b.0.naam));
    let dots: Vec<(f64, f64)> = all
        .iter()
        .filter_map(|(l, _)| l.punt().map(|(lat, lon)| (lon, lat)))
        .collect();
    let map = if dots.is_empty() {
        String::new()
    } else {
        monitor::areas::svg_map(&dots, &|_| None, &m.t("ondermijning-map-label"))
    };
    let rows = all.iter().map(|(l, u)| row(&m, l, u)).collect();
    let soorten = Soort::ALL
        .iter()
        .map(|s| (s.slug().to_string(), m.t(&s.label_key())))
        .collect();
    let bands = Band::ALL
        .iter()
        .map(|b| (b.slug().to_string(), m.t(&b.label_key())))
        .collect();
    let wijken = monitor::areas::wijken()
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    let form = Form::new(
        "/ondermijning",
        m.t("ondermijning-filter"),
        vec![
            FormField::new("q", m.t("ondermijning-search"), FieldKind::Search).value(val("q")),
            FormField::new(
                "soort",
                m.t("ondermijning-soort"),
                FieldKind::Select(options(soorten, m.t("ondermijning-all"))),
            )
            .value(val("soort")),
            FormField::new(
                "score",
                m.t("ondermijning-score"),
                FieldKind::Select(options(bands, m.t("ondermijning-all"))),
            )
            .value(val("score"))
            .hint(m.t("ondermijning-score-hint")),
            FormField::new(
                "wijk",
                m.t("ondermijning-wijk"),
                FieldKind::Select(options(wijken, m.t("ondermijning-all"))),
            )
            .value(val("wijk")),
        ],
    )
    .get();
    let versie = store::weging(&state.db).await.map_err(store_err)?.versie;
    render(&ListPage {
        shell: Shell::titled(&ctx, m.t("ondermijning-title")),
        filtered: ["q", "soort", "score", "wijk"]
            .iter()
            .any(|k| !val(k).is_empty()),
        form,
        rows,
        map,
        may_write: crate::access::may_write(p),
        versie,
        m,
    })
}

/// How many places the watch list shows.
pub const WATCH_LIST: usize = 20;

#[derive(Template)]
#[template(path = "ondermijning_watch.html")]
struct WatchPage {
    shell: Shell,
    m: Texts,
    rows: Vec<Row>,
    versie: i64,
}

async fn watch_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = reader(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_register::<act::List>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let places = store::list(&state.db, &auth, &store::Filter::default())
        .await
        .map_err(store_err)?;
    let all = scored(&state.db, places).await.map_err(store_err)?;
    let rows = all
        .iter()
        .filter(|(_, u)| u.totaal > 0)
        .take(WATCH_LIST)
        .map(|(l, u)| row(&m, l, u))
        .collect();
    let versie = store::weging(&state.db).await.map_err(store_err)?.versie;
    render(&WatchPage {
        shell: Shell::titled(&ctx, m.t("ondermijning-watch-title")),
        rows,
        versie,
        m,
    })
}

// ---------------------------------------------------------------------------------------------
// New and changed places.

fn place_form(
    m: &Texts,
    action: String,
    submit: String,
    v: &HashMap<String, String>,
    gebieden: Vec<(String, String)>,
) -> Form {
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    let soorten = Soort::ALL
        .iter()
        .map(|s| (s.slug().to_string(), m.t(&s.label_key())))
        .collect();
    let niveaus = model::KVO_NIVEAUS
        .iter()
        .map(|n| (n.to_string(), m.t(&format!("ondermijning-kvo-{n}"))))
        .collect();
    let text =
        |name: &str, key: &str| FormField::new(name, m.t(key), FieldKind::Text).value(val(name));
    Form::new(
        action,
        submit,
        vec![
            text("naam", "ondermijning-naam").required(),
            FormField::new(
                "soort",
                m.t("ondermijning-soort"),
                FieldKind::Select(options(soorten, m.t("ondermijning-choose"))),
            )
            .value(val("soort"))
            .required(),
            text("straat", "ondermijning-straat")
                .required()
                .autocomplete("off"),
            text("huisnummer", "ondermijning-huisnummer").hint(m.t("ondermijning-huisnummer-hint")),
            text("postcode", "ondermijning-postcode").hint(m.t("ondermijning-postcode-hint")),
            text("woonplaats", "ondermijning-woonplaats").required(),
            text("bag_id", "ondermijning-bag").hint(m.t("ondermijning-bag-hint")),
            text("lat", "ondermijning-lat").hint(m.t("ondermijning-punt-hint")),
            text("lon", "ondermijning-lon"),
            text("exploitant_kvk", "ondermijning-exploitant-kvk")
                .hint(m.t("ondermijning-kvk-hint")),
            text("exploitant_naam", "ondermijning-exploitant-naam")
                .hint(m.t("ondermijning-bedrijf-hint")),
            text("eigenaar_kvk", "ondermijning-eigenaar-kvk").hint(m.t("ondermijning-kvk-hint")),
            text("eigenaar_naam", "ondermijning-eigenaar-naam")
                .hint(m.t("ondermijning-bedrijf-hint")),
            FormField::new(
                "openingstijden",
                m.t("ondermijning-openingstijden"),
                FieldKind::TextArea,
            )
            .value(val("openingstijden"))
            .hint(m.t("ondermijning-openingstijden-hint")),
            FormField::new(
                "gebied_id",
                m.t("ondermijning-gebied"),
                FieldKind::Select(options(gebieden, m.t("ondermijning-geen"))),
            )
            .value(val("gebied_id"))
            .hint(m.t("ondermijning-gebied-hint")),
            FormField::new(
                "kvo_niveau",
                m.t("ondermijning-kvo-niveau"),
                FieldKind::Select(options(niveaus, m.t("ondermijning-geen"))),
            )
            .value(val("kvo_niveau"))
            .hint(m.t("ondermijning-kvo-hint")),
            FormField::new(
                "kvo_geldig_tot",
                m.t("ondermijning-kvo-geldig-tot"),
                FieldKind::Date,
            )
            .value(val("kvo_geldig_tot")),
            FormField::new(
                "kvo_volgend_overleg",
                m.t("ondermijning-kvo-volgend"),
                FieldKind::Date,
            )
            .value(val("kvo_volgend_overleg")),
            FormField::new(
                "toelichting",
                m.t("ondermijning-toelichting"),
                FieldKind::TextArea,
            )
            .value(val("toelichting")),
        ],
    )
}

fn input_of(v: &HashMap<String, String>) -> PlaatsIn {
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    PlaatsIn {
        naam: val("naam"),
        soort: val("soort"),
        bag_id: val("bag_id"),
        straat: val("straat"),
        huisnummer: val("huisnummer"),
        postcode: val("postcode"),
        woonplaats: val("woonplaats"),
        lat: val("lat"),
        lon: val("lon"),
        exploitant_kvk: val("exploitant_kvk"),
        exploitant_naam: val("exploitant_naam"),
        eigenaar_kvk: val("eigenaar_kvk"),
        eigenaar_naam: val("eigenaar_naam"),
        openingstijden: val("openingstijden"),
        gebied_id: val("gebied_id"),
        toelichting: val("toelichting"),
        kvo_niveau: val("kvo_niveau"),
        kvo_geldig_tot: val("kvo_geldig_tot"),
        kvo_volgend_overleg: val("kvo_volgend_overleg"),
    }
}

fn values_of(l: &Locatie) -> HashMap<String, String> {
    let mut v = HashMap::new();
    let mut set = |k: &str, s: String| {
        v.insert(k.to_string(), s);
    };
    set("naam", l.naam.clone());
    set("soort", l.soort.slug().into());
    set("bag_id", l.bag_id.clone().unwrap_or_default());
    set("straat", l.straat.clone());
    set(
        "huisnummer",
        l.huisnummer
            .map(|n| format!("{n}{}", l.toevoeging))
            .unwrap_or_default(),
    );
    set("postcode", l.postcode.clone());
    set("woonplaats", l.woonplaats.clone());
    set("lat", l.lat.map(|x| x.to_string()).unwrap_or_default());
    set("lon", l.lon.map(|x| x.to_string()).unwrap_or_default());
    set(
        "exploitant_kvk",
        l.exploitant_kvk.clone().unwrap_or_default(),
    );
    set(
        "exploitant_naam",
        l.exploitant_naam.clone().unwrap_or_default(),
    );
    set("eigenaar_kvk", l.eigenaar_kvk.clone().unwrap_or_default());
    set("eigenaar_naam", l.eigenaar_naam.clone().unwrap_or_default());
    set("openingstijden", l.openingstijden.clone());
    set("gebied_id", l.gebied_id.clone().unwrap_or_default());
    set("toelichting", l.toelichting.clone());
    set("kvo_niveau", l.kvo_niveau.clone().unwrap_or_default());
    set(
        "kvo_geldig_tot",
        l.kvo_geldig_tot.clone().unwrap_or_default(),
    );
    set(
        "kvo_volgend_overleg",
        l.kvo_volgend_overleg.clone().unwrap_or_default(),
    );
    v
}

fn writer(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = require_user(ctx)?;
    if crate::access::may_write(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

async fn new_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = writer(&ctx)?;
    let m = texts(&ctx);
    let gebieden = store::gebieden(&state.db, &p.organisation_id)
        .await
        .map_err(store_err)?;
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("ondermijning-new-title")),
        intro: m.t("ondermijning-new-intro"),
        form: place_form(
            &m,
            "/ondermijning/nieuw".into(),
            m.t("ondermijning-new-submit"),
            &HashMap::new(),
            gebieden,
        ),
        after: vec![("/ondermijning".into(), m.t("ondermijning-back"))],
    })
}

async fn new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = writer(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_new(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let errors = match input_of(&v).check() {
        Ok(plaats) => match store::create(&state.db, &auth, &plaats).await {
            Ok(id) => {
                return Ok(Redirect::to(&format!("/ondermijning/locaties/{id}")).into_response())
            }
            Err(StoreError::Invalid(e)) => e,
            Err(e) => return Err(store_err(e)),
        },
        Err(e) => e,
    };
    let gebieden = store::gebieden(&state.db, &p.organisation_id)
        .await
        .map_err(store_err)?;
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            shell: Shell::titled(&ctx, m.t("ondermijning-new-title")),
            intro: m.t("ondermijning-new-intro"),
            form: place_form(
                &m,
                "/ondermijning/nieuw".into(),
                m.t("ondermijning-new-submit"),
                &v,
                gebieden,
            )
            .with_errors(&ctx.lang, &translated(&ctx.lang, &errors)),
            after: vec![("/ondermijning".into(), m.t("ondermijning-back"))],
        },
    )
}

async fn edit_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_place::<act::Update>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_err)?;
    let l = store::get_for_update(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let gebieden = store::gebieden(&state.db, &p.organisation_id)
        .await
        .map_err(store_err)?
        .into_iter()
        .filter(|(g, _)| *g != id)
        .collect();
    render(&FormPage {
        shell: Shell::titled(
            &ctx,
            format!("{}: {}", m.t("ondermijning-edit-title"), l.naam),
        ),
        intro: m.t("ondermijning-edit-intro"),
        form: place_form(
            &m,
            format!("/ondermijning/locaties/{id}/wijzigen"),
            m.t("ondermijning-save"),
            &values_of(&l),
            gebieden,
        ),
        after: vec![(
            format!("/ondermijning/locaties/{id}"),
            m.t("ondermijning-back-place"),
        )],
    })
}

async fn edit_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_place::<act::Update>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_err)?;
    let errors = match input_of(&v).check() {
        Ok(plaats) => match store::update(&state.db, &auth, &plaats).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/ondermijning/locaties/{id}")).into_response())
            }
            Err(StoreError::Invalid(e)) => e,
            Err(e) => return Err(store_err(e)),
        },
        Err(e) => e,
    };
    let gebieden = store::gebieden(&state.db, &p.organisation_id)
        .await
        .map_err(store_err)?
        .into_iter()
        .filter(|(g, _)| *g != id)
        .collect();
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            shell: Shell::titled(&ctx, m.t("ondermijning-edit-title")),
            intro: m.t("ondermijning-edit-intro"),
            form: place_form(
                &m,
                format!("/ondermijning/locaties/{id}/wijzigen"),
                m.t("ondermijning-save"),
                &v,
                gebieden,
            )
            .with_errors(&ctx.lang, &translated(&ctx.lang, &errors)),
            after: vec![(
                format!("/ondermijning/locaties/{id}"),
                m.t("ondermijning-back-place"),
            )],
        },
    )
}

// ---------------------------------------------------------------------------------------------
// A place.

pub struct Punten {
    pub indicator: String,
    pub aantal: i64,
    pub regel: String,
    pub punten: i64,
}

#[derive(Template)]
#[template(path = "ondermijning_detail.html")]
struct DetailPage {
    shell: Shell,
    m: Texts,
    d: store::Detail,
    soort: String,
    adres: String,
    wijk: String,
    kvo_niveau: String,
    kenmerken: Vec<String>,
    punten: Vec<Punten>,
    totaal: i64,
    band: String,
    versie: i64,
    may_write: bool,
    forms: Vec<(String, Form)>,
    /// For the Bibob roles only: whether a Bibob screening names this place.
    bibob: Option<bool>,
    /// The meldingen at the address per category (12 months), every category.
    meldingen: String,
}

/// The add forms of a place's page: (heading key, form); a form with errors replaces its own.
fn detail_forms(m: &Texts, d: &store::Detail, refused: Option<Form>) -> Vec<(String, Form)> {
    let id = &d.locatie.id;
    let checked: Vec<(String, String, bool)> = model::KENMERKEN
        .iter()
        .map(|k| {
            (
                k.to_string(),
                m.t(&model::kenmerk_key(k)),
                d.kenmerken.iter().any(|x| x == k),
            )
        })
        .collect();
    let mut forms = vec![
        (
            "ondermijning-kenmerken".to_string(),
            Form::new(
                format!("/ondermijning/locaties/{id}/kenmerken"),
                m.t("ondermijning-save"),
                vec![FormField::new(
                    "kenmerken",
                    m.t("ondermijning-kenmerken"),
                    FieldKind::Checkboxes(checked),
                )
                .hint(m.t("ondermijning-kenmerken-hint"))],
            ),
        ),
        (
            "ondermijning-signaal-add".to_string(),
            Form::new(
                format!("/ondermijning/locaties/{id}/signalen"),
                m.t("ondermijning-add"),
                vec![
                    FormField::new("signaal_datum", m.t("ondermijning-datum"), FieldKind::Date)
                        .required(),
                    FormField::new("signaal_bron", m.t("ondermijning-bron"), FieldKind::Text)
                        .hint(m.t("ondermijning-bron-hint"))
                        .required(),
                    FormField::new(
                        "signaal_tekst",
                        m.t("ondermijning-signaal"),
                        FieldKind::TextArea,
                    )
                    .hint(m.t("ondermijning-signaal-hint"))
                    .required(),
                ],
            ),
        ),
        (
            "ondermijning-vergunning-add".to_string(),
            Form::new(
                format!("/ondermijning/locaties/{id}/vergunningen"),
                m.t("ondermijning-add"),
                vec![
                    FormField::new(
                        "vergunning_soort",
                        m.t("ondermijning-vergunning-soort"),
                        FieldKind::Text,
                    )
                    .hint(m.t("ondermijning-vergunning-soort-hint"))
                    .required(),
                    FormField::new(
                        "vergunning_nummer",
                        m.t("ondermijning-vergunning-nummer"),
                        FieldKind::Text,
                    )
                    .required(),
                    FormField::new(
                        "vergunning_van",
                        m.t("ondermijning-geldig-van"),
                        FieldKind::Date,
                    ),
                    FormField::new(
                        "vergunning_tot",
                        m.t("ondermijning-geldig-tot"),
                        FieldKind::Date,
                    ),
                ],
            ),
        ),
    ];
    if d.locatie.soort == Soort::Gebied {
        forms.push((
            "ondermijning-contact-add".to_string(),
            Form::new(
                format!("/ondermijning/locaties/{id}/contacten"),
                m.t("ondermijning-add"),
                vec![
                    FormField::new(
                        "contact_naam",
                        m.t("ondermijning-contact-naam"),
                        FieldKind::Text,
                    )
                    .required(),
                    FormField::new(
                        "contact_rol",
                        m.t("ondermijning-contact-rol"),
                        FieldKind::Text,
                    )
                    .hint(m.t("ondermijning-contact-rol-hint"))
                    .required(),
                    FormField::new(
                        "contact_organisatie",
                        m.t("ondermijning-contact-organisatie"),
                        FieldKind::Text,
                    ),
                ],
            ),
        ));
        forms.push((
            "ondermijning-overleg-add".to_string(),
            Form::new(
                format!("/ondermijning/locaties/{id}/overleggen"),
                m.t("ondermijning-add"),
                vec![
                    FormField::new("overleg_datum", m.t("ondermijning-datum"), FieldKind::Date)
                        .required(),
                    FormField::new(
                        "overleg_notulen",
                        m.t("ondermijning-notulen"),
                        FieldKind::TextArea,
                    )
                    .required(),
                ],
            ),
        ));
    }
    if let Some(r) = refused {
        for (_, f) in forms.iter_mut() {
            if f.action == r.action {
                *f = r.clone();
            }
        }
    }
    forms
}

async fn render_detail(state: &AppState, ctx: &Ctx, id: &str, refused: Option<Form>) -> WebResult {
    // No role gate first: the access engine decides on the place itself, so a refusal is
    // recorded against that place.
    let p = require_user(ctx)?;
    let m = texts(ctx);
    let auth = store::authorize_place::<act::Read>(&state.db, &ctx.request, p, id)
        .await
        .map_err(store_err)?;
    let d = store::get(&state.db, &auth).await.map_err(store_err)?;
    let weging = store::weging(&state.db).await.map_err(store_err)?;
    let feiten = store::feiten(&state.db, &d.locatie)
        .await
        .map_err(store_err)?;
    let uitleg = model::score(&feiten, &weging);
    let meldingen = feiten
        .meldingen
        .iter()
        .map(|(c, n)| format!("{c}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let punten = uitleg
        .regels
        .iter()
        .map(|r| Punten {
            indicator: m.t(&model::indicator_key(&r.indicator)),
            aantal: r.aantal,
            regel: if r.indicator.starts_with(model::KENMERK_PREFIX) {
                format!("{} {}", r.per_stuk, m.t("ondermijning-punten-als"))
            } else if r.maximum > 0 {
                format!(
                    "{} {} ({} {})",
                    r.per_stuk,
                    m.t("ondermijning-punten-per"),
                    m.t("ondermijning-maximaal"),
                    r.maximum
                )
            } else {
                format!("{} {}", r.per_stuk, m.t("ondermijning-punten-per"))
            },
            punten: r.punten,
        })
        .collect();
    // Existence only, and only for the Bibob roles (bibob decides who they are).
    let bibob = if bibob::access::coordinator(p) {
        Some(
            bibob::exists_for_place(&state.db, id)
                .await
                .map_err(|e| WebError::Internal(e.to_string()))?,
        )
    } else {
        None
    };
    let may_write = crate::access::may_write(p);
    let forms = if may_write {
        detail_forms(&m, &d, refused.clone())
    } else {
        Vec::new()
    };
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &DetailPage {
            shell: Shell::titled(ctx, d.locatie.naam.clone()),
            soort: m.t(&d.locatie.soort.label_key()),
            adres: d.locatie.adres(),
            wijk: d.locatie.wijk_naam(),
            kvo_niveau: d
                .locatie
                .kvo_niveau
                .as_deref()
                .map(|n| m.t(&format!("ondermijning-kvo-{n}")))
                .unwrap_or_default(),
            kenmerken: d
                .kenmerken
                .iter()
                .map(|k| m.t(&model::kenmerk_key(k)))
                .collect(),
            punten,
            totaal: uitleg.totaal,
            band: m.t(&uitleg.band().label_key()),
            versie: uitleg.versie,
            may_write,
            forms,
            bibob,
            meldingen,
            d,
            m,
        },
    )
}

async fn detail_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    render_detail(&state, &ctx, &id, None).await
}

async fn features_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<Vec<(String, String)>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_place::<act::Update>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_err)?;
    let chosen: Vec<String> = v
        .into_iter()
        .filter(|(k, _)| k == "kenmerken")
        .map(|(_, v)| v)
        .collect();
    store::set_kenmerken(&state.db, &auth, &chosen)
        .await
        .map_err(store_err)?;
    Ok(Redirect::to(&format!("/ondermijning/locaties/{id}#kenmerken")).into_response())
}

fn required(
    v: &HashMap<String, String>,
    k: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let s = v.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    if s.is_empty() {
        errors.push(field_error(k, "ondermijning-fout-verplicht"));
    } else if s.chars().count() > max {
        errors.push(field_error(k, "ondermijning-fout-lang"));
    }
    s
}

fn date(
    v: &HashMap<String, String>,
    k: &str,
    needed: bool,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let s = v.get(k).cloned().unwrap_or_default();
    match model::lees_datum(k, &s) {
        Ok(None) if needed => {
            errors.push(field_error(k, "ondermijning-fout-verplicht"));
            None
        }
        Ok(d) => d,
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Reads an addition to a place from its form: (what, errors).
pub fn toevoeging_of(
    wat: &str,
    v: &HashMap<String, String>,
) -> Option<(Toevoeging, Vec<FieldError>)> {
    let mut e = Vec::new();
    let t = match wat {
        "signalen" => Toevoeging::Signaal {
            datum: date(v, "signaal_datum", true, &mut e).unwrap_or_default(),
            bron: required(v, "signaal_bron", 200, &mut e),
            tekst: required(v, "signaal_tekst", 4000, &mut e),
        },
        "vergunningen" => Toevoeging::Vergunning {
            soort: required(v, "vergunning_soort", 200, &mut e),
            nummer: required(v, "vergunning_nummer", 100, &mut e),
            geldig_van: date(v, "vergunning_van", false, &mut e),
            geldig_tot: date(v, "vergunning_tot", false, &mut e),
        },
        "contacten" => Toevoeging::Contact {
            naam: required(v, "contact_naam", 200, &mut e),
            rol: required(v, "contact_rol", 200, &mut e),
            organisatie: v
                .get("contact_organisatie")
                .map(|s| s.trim().chars().take(200).collect())
                .unwrap_or_default(),
        },
        "overleggen" => Toevoeging::Overleg {
            datum: date(v, "overleg_datum", true, &mut e).unwrap_or_default(),
            notulen: required(v, "overleg_notulen", 20_000, &mut e),
        },
        _ => return None,
    };
    Some((t, e))
}

async fn add_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, wat)): Path<(String, String)>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let Some((item, errors)) = toevoeging_of(&wat, &v) else {
        return Err(WebError::NotFound);
    };
    let auth = store::authorize_place::<act::Update>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_err)?;
    if errors.is_empty() {
        store::add(&state.db, &auth, &item)
            .await
            .map_err(store_err)?;
        return Ok(Redirect::to(&format!("/ondermijning/locaties/{id}#{wat}")).into_response());
    }
    // Re-render the page with this form's input and errors.
    let m = texts(&ctx);
    let d = store::get_for_update(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let stub = store::Detail {
        locatie: d,
        gebied: None,
        vergunningen: Vec::new(),
        kenmerken: Vec::new(),
        signalen: Vec::new(),
        contacten: Vec::new(),
        overleggen: Vec::new(),
        plaatsen: Vec::new(),
        controles: Vec::new(),
    };
    let action = format!("/ondermijning/locaties/{id}/{wat}");
    let Some((_, mut form)) = detail_forms(&m, &stub, None)
        .into_iter()
        .find(|(_, f)| f.action == action)
    else {
        return Err(WebError::NotFound);
    };
    for f in form.fields.iter_mut() {
        f.value = v.get(&f.name).cloned().unwrap_or_default();
    }
    let form = form.with_errors(&ctx.lang, &translated(&ctx.lang, &errors));
    render_detail(&state, &ctx, &id, Some(form)).await
}

// ---------------------------------------------------------------------------------------------
// The weights.

pub struct VersieRij {
    pub versie: i64,
    pub datum: String,
    pub door: String,
    pub toelichting: String,
    pub regels: Vec<(String, i64, i64, String)>,
}

#[derive(Template)]
#[template(path = "ondermijning_weging.html")]
struct WeightsPage {
    shell: Shell,
    m: Texts,
    versies: Vec<VersieRij>,
    form: Option<Form>,
}

fn weights_form(m: &Texts, v: &HashMap<String, String>) -> Form {
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    let mut fields = Vec::new();
    for code in model::indicatoren() {
        let name = m.t(&model::indicator_key(&code));
        fields.push(
            FormField::new(
                &format!("punten-{code}"),
                format!("{name}: {}", m.t("ondermijning-punten")),
                FieldKind::Text,
            )
            .value(val(&format!("punten-{code}"))),
        );
        if !code.starts_with(model::KENMERK_PREFIX) {
            fields.push(
                FormField::new(
                    &format!("maximum-{code}"),
                    format!("{name}: {}", m.t("ondermijning-maximum")),
                    FieldKind::Text,
                )
                .value(val(&format!("maximum-{code}")))
                .hint(m.t("ondermijning-maximum-hint")),
            );
        }
        if code == model::MELDINGEN {
            fields.push(
                FormField::new(
                    "categorieen",
                    m.t("ondermijning-categorieen"),
                    FieldKind::Text,
                )
                .value(val("categorieen"))
                .hint(m.t("ondermijning-categorieen-hint")),
            );
        }
    }
    fields.push(
        FormField::new(
            "toelichting",
            m.t("ondermijning-weging-toelichting"),
            FieldKind::TextArea,
        )
        .value(val("toelichting"))
        .required(),
    );
    Form::new(
        "/ondermijning/weging",
        m.t("ondermijning-weging-save"),
        fields,
    )
}

fn values_of_weights(w: &model::Weging) -> HashMap<String, String> {
    let mut v = HashMap::new();
    for g in &w.gewichten {
        v.insert(format!("punten-{}", g.indicator), g.punten.to_string());
        v.insert(format!("maximum-{}", g.indicator), g.maximum.to_string());
        if g.indicator == model::MELDINGEN {
            v.insert("categorieen".into(), g.categorieen.join(", "));
        }
    }
    v
}

/// Reads the weights form: the rows and the note, or the errors.
pub fn weights_of(v: &HashMap<String, String>) -> Result<(Vec<Gewicht>, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let number = |k: &str, errors: &mut Vec<FieldError>| -> i64 {
        let s = v.get(k).map(|s| s.trim()).unwrap_or("");
        if s.is_empty() {
            return 0;
        }
        match s.parse::<i64>() {
            Ok(n) if (0..=100).contains(&n) => n,
            _ => {
                errors.push(field_error(k, "ondermijning-fout-punten"));
                0
            }
        }
    };
    for code in model::indicatoren() {
        let punten = number(&format!("punten-{code}"), &mut errors);
        let maximum = number(&format!("maximum-{code}"), &mut errors);
        let categorieen = if code == model::MELDINGEN {
            v.get("categorieen")
                .map(|s| {
                    s.split(',')
                        .map(|c| c.trim().to_lowercase())
                        .filter(|c| !c.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        out.push(Gewicht {
            indicator: code,
            punten,
            maximum,
            categorieen,
        });
    }
    let toelichting = v
        .get("toelichting")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if toelichting.is_empty() {
        errors.push(field_error("toelichting", "ondermijning-fout-verplicht"));
    }
    if errors.is_empty() {
        Ok((out, toelichting))
    } else {
        Err(errors)
    }
}

async fn render_weights(state: &AppState, ctx: &Ctx, refused: Option<Form>) -> WebResult {
    let p = reader(ctx)?;
    let m = texts(ctx);
    // Decided (and a refusal audited) although the weights hold no personal data.
    store::authorize_weights::<act::Read>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let versies = store::wegingen(&state.db).await.map_err(store_err)?;
    let form = if crate::access::may_weigh(p) {
        Some(match refused.clone() {
            Some(f) => f,
            None => {
                let current = versies
                    .first()
                    .map(|v| v.weging.clone())
                    .unwrap_or_else(model::weging_v1);
                weights_form(&m, &values_of_weights(&current))
            }
        })
    } else {
        None
    };
    let versies = versies
        .into_iter()
        .map(|v| VersieRij {
            versie: v.weging.versie,
            datum: platform::db::date_nl(v.created_at).to_string(),
            door: v.created_by,
            toelichting: v.toelichting,
            regels: v
                .weging
                .gewichten
                .iter()
                .map(|g| {
                    (
                        m.t(&model::indicator_key(&g.indicator)),
                        g.punten,
                        g.maximum,
                        g.categorieen.join(", "),
                    )
                })
                .collect(),
        })
        .collect();
    let status = if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &WeightsPage {
            shell: Shell::titled(ctx, m.t("ondermijning-weging-title")),
            versies,
            form,
            m,
        },
    )
}

async fn weights_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    render_weights(&state, &ctx, None).await
}

async fn weights_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_weights::<act::Update>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let errors = match weights_of(&v) {
        Ok((gewichten, toelichting)) => {
            match store::weging_opslaan(&state.db, &auth, &gewichten, &toelichting).await {
                Ok(_) => return Ok(Redirect::to("/ondermijning/weging").into_response()),
                Err(StoreError::Invalid(e)) => e,
                Err(e) => return Err(store_err(e)),
            }
        }
        Err(e) => e,
    };
    let form = weights_form(&m, &v).with_errors(&ctx.lang, &translated(&ctx.lang, &errors));
    render_weights(&state, &ctx, Some(form)).await
}
