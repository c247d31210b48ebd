//! Pages: the public form at `/melden` and the tracking page, and the back office at `/meldingen`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form as AxForm};
use platform::access::{self, Action, Purpose};
use platform::identity::FieldError;
use platform::web::forms::{list_url, FieldKind, Form, FormField, Pager};
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};
use serde::Deserialize;

use crate::access::{Melding, Werkvoorraad};
use crate::i18n::{FormState, I18n};
use crate::kaart::{Found, Geocoding};
use crate::model::{self, Locatie, Status, Submission};
use crate::store::{
    self, Category, Change, Detail, Filter, Photo, StoreError, Summary, TeamOverview,
};

/// Records of another module made from a melding whose very existence that module protects (a
/// case file under a privacy covenant): that module says which of them a principal may see.
/// Meldingen cannot depend on such a module (it depends on meldingen), so the module registers
/// its answer here when its routes are built; without one, nothing is shown.
pub type BeschermdeVerwijzingen = for<'a> fn(
    &'a platform::db::Db,
    &'a platform::access::Principal,
    &'a str,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Vec<platform::links::Link>> + Send + 'a>,
>;

static VERWIJZINGEN: std::sync::RwLock<Vec<(&'static str, BeschermdeVerwijzingen)>> =
    std::sync::RwLock::new(Vec::new());

/// Registers the answer of the module that owns records of `kind` (once per kind).
pub fn register_verwijzingen(kind: &'static str, f: BeschermdeVerwijzingen) {
    if let Ok(mut list) = VERWIJZINGEN.write() {
        if !list.iter().any(|(k, _)| *k == kind) {
            list.push((kind, f));
        }
    }
}

/// The protected records made from melding `id` that `p` may see.
async fn beschermde_verwijzingen(
    db: &platform::db::Db,
    p: &platform::access::Principal,
    id: &str,
) -> Vec<platform::links::Link> {
    let fs: Vec<BeschermdeVerwijzingen> = VERWIJZINGEN
        .read()
        .map(|l| l.iter().map(|(_, f)| *f).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for f in fs {
        out.extend(f(db, p, id).await);
    }
    out
}

pub(crate) fn fmt_time(ms: i64) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let tz = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC);
    ts.to_zoned(tz).strftime("%d-%m-%Y %H:%M").to_string()
}

fn fmt_date(iso: &str) -> String {
    match iso.parse::<jiff::civil::Date>() {
        Ok(d) => d.strftime("%d-%m-%Y").to_string(),
        Err(_) => iso.to_string(),
    }
}

/// Errors translated with the module's strings (the platform's form only knows its own).
pub(crate) fn translated(lang: &str, errors: &[FieldError]) -> Vec<FieldError> {
    errors
        .iter()
        .map(|e| platform::identity::field_error(&e.field, &crate::i18n::t(lang, &e.message)))
        .collect()
}

/// The errors of one form, translated.
fn only(lang: &str, errors: &[FieldError], field: &str) -> Vec<FieldError> {
    let mine: Vec<FieldError> = errors
        .iter()
        .filter(|e| e.field == field)
        .cloned()
        .collect();
    translated(lang, &mine)
}

fn translate(lang: &str, errors: &[FieldError]) -> Vec<(String, String)> {
    errors
        .iter()
        .map(|e| (e.field.clone(), crate::i18n::t(lang, &e.message)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Public: choosing a category.

pub struct Theme {
    pub naam: String,
    pub categories: Vec<Category>,
}

fn themes(cats: Vec<Category>) -> Vec<Theme> {
    let mut out: Vec<Theme> = Vec::new();
    for c in cats {
        match out.iter_mut().find(|t| t.naam == c.thema_naam) {
            Some(t) => t.categories.push(c),
            None => out.push(Theme {
                naam: c.thema_naam.clone(),
                categories: vec![c],
            }),
        }
    }
    out
}

#[derive(Template)]
#[template(path = "melden_start.html")]
struct StartPage {
    shell: Shell,
    i: I18n,
    themes: Vec<Theme>,
    /// Where the category links lead: `/melden` or `/meldingen/nieuw`.
    base: &'static str,
    /// A colleague registering a melding, not a resident.
    intake: bool,
}

pub async fn start(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let i = I18n::new(&ctx.lang);
    let cats = store::categories(&state.db).await?;
    render(&StartPage {
        shell: Shell::titled(&ctx, i.t("melden-title")),
        i,
        themes: themes(cats),
        base: PUBLIC_BASE,
        intake: false,
    })
}

const PUBLIC_BASE: &str = "/melden";
const INTAKE_BASE: &str = "/meldingen/nieuw";

// ---------------------------------------------------------------------------------------------
// Public: the form.

#[derive(Template)]
#[template(path = "melden_form.html")]
struct FormPage {
    shell: Shell,
    i: I18n,
    cat: Category,
    f: FormState,
    base: &'static str,
    heading: String,
    intake: Option<IntakeView>,
    /// The base map's tiles.
    tiles: platform::web::MapTiles,
}

/// What the form shows a colleague besides the public form: the channel, and open meldingen at
/// the same place once the form was sent.
struct IntakeView {
    kanalen: Vec<(String, String)>,
    nearby: Vec<NearbyRow>,
}

struct NearbyRow {
    id: String,
    nummer: i64,
    categorie: String,
    plek: String,
    afstand: String,
    status: String,
    ontvangen: String,
}

impl FormPage {
    fn public(state: &AppState, ctx: &Ctx, cat: Category, f: FormState) -> Self {
        let i = I18n::new(&ctx.lang);
        FormPage {
            tiles: state.settings.map_tiles.clone(),
            shell: Shell::titled(ctx, format!("{}: {}", i.t("melden-title"), cat.naam)),
            heading: i.t("melden-title"),
            i,
            cat,
            f,
            base: PUBLIC_BASE,
            intake: None,
        }
    }

    fn intake(
        state: &AppState,
        ctx: &Ctx,
        cat: Category,
        f: FormState,
        nearby: Vec<store::Nearby>,
    ) -> Self {
        let i = I18n::new(&ctx.lang);
        let view = IntakeView {
            kanalen: model::KANALEN
                .iter()
                .map(|k| (k.to_string(), i.t(&format!("kanaal-{k}"))))
                .collect(),
            nearby: nearby
                .into_iter()
                .map(|n| NearbyRow {
                    afstand: n
                        .afstand_m
                        .map(|m| format!("{m} m"))
                        .unwrap_or_else(|| i.t("dubbel-zelfde-adres")),
                    status: i.status(&n.status),
                    ontvangen: fmt_time(n.created_at),
                    id: n.id,
                    nummer: n.nummer,
                    categorie: n.categorie_naam,
                    plek: n.plek,
                })
                .collect(),
        };
        FormPage {
            tiles: state.settings.map_tiles.clone(),
            shell: Shell::titled(ctx, format!("{}: {}", i.t("registreer-title"), cat.naam)),
            heading: i.t("registreer-title"),
            i,
            cat,
            f,
            base: INTAKE_BASE,
            intake: Some(view),
        }
    }

    /// Whether the colleague is being warned of possible duplicates.
    fn warned(&self) -> bool {
        self.intake.as_ref().is_some_and(|v| !v.nearby.is_empty())
    }

    fn submit_key(&self) -> &'static str {
        match &self.intake {
            None => "melden-verstuur",
            Some(v) if !v.nearby.is_empty() => "dubbel-toch-knop",
            Some(_) => "registreer-verstuur",
        }
    }

    /// The title with the error prefix, for a page sent back with errors.
    fn with_error_title(mut self) -> Self {
        self.shell.title = format!("{} — {}", self.i.t("error-title-prefix"), self.shell.title);
        self
    }

    /// The buurten of the gemeente by name: the list alternative to pointing on the map.
    fn buurten(&self) -> Vec<(String, String)> {
        area_options(monitor::areas::buurten())
    }
}

/// The wijk boundaries of the gemeente, drawn as the map on the public form.
pub async fn areas_geojson() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        monitor::areas::WIJKEN_GEOJSON,
    )
}

pub async fn form_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
) -> WebResult {
    let cat = store::category(&state.db, &slug)
        .await?
        .ok_or(WebError::NotFound)?;
    render(&FormPage::public(&state, &ctx, cat, empty_form()))
}

fn empty_form() -> FormState {
    let mut f = FormState::default();
    f.values.insert("locatie".into(), "adres".into());
    f
}

/// Reads the posted form: multipart (with photos) or urlencoded (without).
async fn read_form(
    req: Request,
    state: &AppState,
) -> Result<(HashMap<String, String>, Vec<Photo>), Vec<FieldError>> {
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut values = HashMap::new();
    let mut photos = Vec::new();
    let bad = || {
        vec![platform::identity::field_error(
            "omschrijving",
            "melding-fout-formulier",
        )]
    };
    if ctype.starts_with("multipart/form-data") {
        let mut mp = Multipart::from_request(req, state)
            .await
            .map_err(|_| bad())?;
        while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
            let name = field.name().unwrap_or("").to_string();
            if name == "foto" {
                let file_name = field.file_name().unwrap_or("foto").to_string();
                let data = field.bytes().await.map_err(|_| bad())?;
                if !data.is_empty() {
                    photos.push(Photo {
                        name: file_name,
                        data: data.to_vec(),
                    });
                }
            } else {
                let text = field.text().await.map_err(|_| bad())?;
                values.insert(name, text);
            }
        }
    } else {
        let AxForm(v) = AxForm::<HashMap<String, String>>::from_request(req, state)
            .await
            .map_err(|_| bad())?;
        values = v;
    }
    Ok((values, photos))
}

/// A coordinate as typed: a decimal comma is taken as a point.
fn coordinate(v: &str) -> Option<f64> {
    v.trim().replace(',', ".").parse().ok()
}

fn submission_from(slug: &str, v: &HashMap<String, String>) -> (Submission, Vec<FieldError>) {
    let get = |k: &str| v.get(k).map(|s| s.trim().to_string()).unwrap_or_default();
    let opt = |k: &str| Some(get(k)).filter(|s| !s.is_empty());
    let mut errors = Vec::new();
    let locatie = match get("locatie").as_str() {
        // With JavaScript the address was picked (or the map clicked) and its point came along;
        // without, the address is looked up when the form arrives (see `locate_typed`).
        "adres" => match (coordinate(&get("lat")), coordinate(&get("lon"))) {
            (Some(lat), Some(lon)) if get("adres").is_empty() => Locatie::Punt { lat, lon },
            (Some(lat), Some(lon)) => Locatie::GevondenAdres {
                adres: get("adres"),
                lat,
                lon,
            },
            _ => Locatie::Adres(get("adres")),
        },
        "punt" => match (coordinate(&get("lat")), coordinate(&get("lon"))) {
            (Some(lat), Some(lon)) => Locatie::Punt { lat, lon },
            _ => {
                errors.push(platform::identity::field_error("lat", "melding-fout-punt"));
                Locatie::Onbekend
            }
        },
        "buurt" => Locatie::Buurt(get("buurt")),
        "onbekend" => Locatie::Onbekend,
        _ => {
            errors.push(platform::identity::field_error(
                "locatie",
                "melding-fout-locatie-kiezen",
            ));
            Locatie::Onbekend
        }
    };
    let wanneer = match (opt("wanneer_datum"), opt("wanneer_tijd")) {
        (Some(d), Some(t)) => Some(format!("{d}T{t}")),
        (Some(d), None) => Some(d),
        (None, Some(_)) => {
            errors.push(platform::identity::field_error(
                "wanneer",
                "melding-fout-wanneer",
            ));
            None
        }
        (None, None) => None,
    };
    let contact = get("contact");
    if contact != "anoniem" && contact != "contact" {
        errors.push(platform::identity::field_error(
            "contact",
            "melding-fout-contact-of-anoniem",
        ));
    }
    let anoniem = contact == "anoniem";
    let s = Submission {
        categorie: slug.to_string(),
        omschrijving: get("omschrijving"),
        locatie,
        wanneer,
        extra_antwoord: opt("extra"),
        anoniem,
        email: if anoniem { None } else { opt("email") },
        telefoon: if anoniem { None } else { opt("telefoon") },
    };
    (s, errors)
}

/// A typed address (the form sent without JavaScript, or nothing picked from the suggestions)
/// looked up: found, it gets its point (and so its buurt); unknown, an error next to the field
/// with everything typed kept; the service unreachable, it is kept as typed and the answer is
/// `true`, so the resident can be told.
pub(crate) async fn locate_typed(
    geo: &Geocoding,
    sub: &mut Submission,
) -> (Option<FieldError>, bool) {
    let Locatie::Adres(text) = &sub.locatie else {
        return (None, false);
    };
    // What validation refuses anyway is not sent out.
    if !(model::has_postcode(text) || model::has_street_number_and_place(text)) {
        return (None, false);
    }
    match geo.find(text).await {
        Found::Address(a) => {
            sub.locatie = Locatie::GevondenAdres {
                adres: a.adres,
                lat: a.lat,
                lon: a.lon,
            };
            (None, false)
        }
        Found::Unknown => (
            Some(platform::identity::field_error(
                "adres",
                "melding-fout-adres-onbekend",
            )),
            false,
        ),
        Found::Unreachable => (None, true),
        Found::Off => (None, false),
    }
}

pub async fn form_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(geo): Extension<Geocoding>,
    Path(slug): Path<String>,
    req: Request,
) -> WebResult {
    let cat = store::category(&state.db, &slug)
        .await?
        .ok_or(WebError::NotFound)?;
    let (values, photos, mut errors) = match read_form(req, &state).await {
        Ok((v, p)) => (v, p, Vec::new()),
        Err(e) => (HashMap::new(), Vec::new(), e),
    };
    let (mut sub, form_errors) = submission_from(&slug, &values);
    errors.extend(form_errors);
    let (address_error, as_text) = locate_typed(&geo, &mut sub).await;
    errors.extend(address_error);
    let photos = store::clean_photos(&photos).await;
    let result = if errors.is_empty() {
        store::create(
            &state.db,
            &sub,
            &photos,
            store::Bron::Formulier,
            platform::db::now_ms(),
            state.settings.public_url.as_deref(),
        )
        .await
    } else {
        Err(StoreError::Invalid(all_errors(errors, &sub, &cat, &photos)))
    };
    match result {
        Ok(created) => Ok(Redirect::to(&format!(
            "/melden/volg/{}?ontvangen=1{}",
            created.volgcode,
            if as_text { "&adres=tekst" } else { "" }
        ))
        .into_response()),
        Err(StoreError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage::public(&state, &ctx, cat, sent_back(&ctx, values, &errors))
                .with_error_title(),
        ),
        Err(e) => Err(WebError::from(e)),
    }
}

/// The form's own errors with the model's, so the person sees every problem at once.
fn all_errors(
    mut errors: Vec<FieldError>,
    sub: &Submission,
    cat: &Category,
    photos: &store::Photos,
) -> Vec<FieldError> {
    let today = platform::db::today_nl();
    let had_contact = errors.iter().any(|x| x.field == "contact");
    errors.extend(
        model::validate(sub, true, &cat.extra_opties, today)
            .into_iter()
            .filter(|e| !(e.field == "contact" && had_contact)),
    );
    errors.extend(photos.error().cloned());
    errors
}

/// The form as sent, to be shown again with its errors.
fn sent_back(ctx: &Ctx, mut values: HashMap<String, String>, errors: &[FieldError]) -> FormState {
    values.remove("csrf");
    FormState {
        values,
        errors: translate(&ctx.lang, errors),
    }
}

// ---------------------------------------------------------------------------------------------
// Back office: a colleague registers a melding (a phone call, the desk, an own sighting).

async fn authorize_queue<A: access::ActionType>(
    state: &AppState,
    ctx: &Ctx,
) -> Result<access::Authorized<Werkvoorraad, A>, WebError> {
    let p = require_user(ctx)?;
    Ok(access::authorize_as::<A, _>(
        &state.db,
        &ctx.request,
        p,
        Werkvoorraad,
        Purpose::Uitvoering,
    )
    .await?)
}

pub async fn intake_start(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    authorize_queue::<access::act::Create>(&state, &ctx).await?;
    let i = I18n::new(&ctx.lang);
    let cats = store::categories(&state.db).await?;
    render(&StartPage {
        shell: Shell::titled(&ctx, i.t("registreer-title")),
        i,
        themes: themes(cats),
        base: INTAKE_BASE,
        intake: true,
    })
}

pub async fn intake_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(slug): Path<String>,
) -> WebResult {
    authorize_queue::<access::act::Create>(&state, &ctx).await?;
    let cat = store::category(&state.db, &slug)
        .await?
        .ok_or(WebError::NotFound)?;
    render(&FormPage::intake(
        &state,
        &ctx,
        cat,
        empty_form(),
        Vec::new(),
    ))
}

/// Registers the melding, unless open meldingen are at the same place and the colleague has
/// not yet seen them: then the form comes back with those first, to register anyway or as a
/// duplicate of one of them.
pub async fn intake_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Extension(geo): Extension<Geocoding>,
    Path(slug): Path<String>,
    req: Request,
) -> WebResult {
    let auth = authorize_queue::<access::act::Create>(&state, &ctx).await?;
    let cat = store::category(&state.db, &slug)
        .await?
        .ok_or(WebError::NotFound)?;
    let (values, photos, mut errors) = match read_form(req, &state).await {
        Ok((v, p)) => (v, p, Vec::new()),
        Err(e) => (HashMap::new(), Vec::new(), e),
    };
    let (mut sub, form_errors) = submission_from(&slug, &values);
    errors.extend(form_errors);
    // Kept as typed when the geocoder is away: the colleague sees it on the melding.
    errors.extend(locate_typed(&geo, &mut sub).await.0);
    let get = |k: &str| values.get(k).map(|v| v.trim()).unwrap_or("");
    let kanaal = get("kanaal");
    if !model::KANALEN.contains(&kanaal) {
        errors.push(platform::identity::field_error(
            "kanaal",
            "melding-fout-kanaal",
        ));
    }
    let mut duplicate_of = None;
    if !get("duplicaat_van").is_empty() {
        match model::parse_nummer(get("duplicaat_van")) {
            Some(n) if store::id_by_nummer(&state.db, n).await?.is_some() => duplicate_of = Some(n),
            _ => errors.push(platform::identity::field_error(
                "duplicaat_van",
                "melding-fout-duplicaat",
            )),
        }
    }
    let photos = store::clean_photos(&photos).await;
    let errors = all_errors(errors, &sub, &cat, &photos);
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage::intake(
                &state,
                &ctx,
                cat,
                sent_back(&ctx, values, &errors),
                Vec::new(),
            )
            .with_error_title(),
        );
    }
    if get("bevestigd") != "ja" {
        let list = authorize_queue::<access::act::List>(&state, &ctx).await?;
        let nearby = store::open_nearby(&state.db, &list, &sub.locatie).await?;
        if !nearby.is_empty() {
            let f = sent_back(&ctx, values, &[]);
            return render(&FormPage::intake(&state, &ctx, cat, f, nearby));
        }
    }
    let by = store::Registrar {
        auth: &auth,
        kanaal,
    };
    let created = match store::register(
        &state.db,
        &by,
        &sub,
        &photos,
        state.settings.public_url.as_deref(),
    )
    .await
    {
        Ok(c) => c,
        Err(StoreError::Invalid(errors)) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage::intake(
                    &state,
                    &ctx,
                    cat,
                    sent_back(&ctx, values, &errors),
                    Vec::new(),
                )
                .with_error_title(),
            )
        }
        Err(e) => return Err(WebError::from(e)),
    };
    if let Some(n) = duplicate_of {
        let mark = authorize_melding::<access::act::Update>(&state, &ctx, &created.id).await?;
        let mut tx = state.db.begin().await?;
        let change = Change {
            duplicaat_van: Some(n),
            ..Change::default()
        };
        store::update(
            &mut tx,
            &mark,
            &change,
            state.settings.public_url.as_deref(),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(Redirect::to(&format!("/meldingen/{}", created.id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Public: tracking.

#[derive(Template)]
#[template(path = "melden_volg.html")]
struct TrackPage {
    shell: Shell,
    i: I18n,
    lookup: Form,
    status: Option<store::PublicStatus>,
    received: bool,
    ontvangen: String,
    bijgewerkt: String,
    not_found: bool,
    /// The question the handler put to the reporter, with the form to answer it.
    question: Option<(String, Form)>,
    answered: bool,
    /// The form to rate the handling of a closed melding.
    rating: Option<Form>,
    rated: bool,
    /// The address was kept as typed, to be looked up by a colleague.
    address_as_text: bool,
}

#[derive(Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    volgcode: String,
}

fn lookup_form(ctx: &Ctx, value: &str) -> Form {
    Form::new(
        "/melden/volg",
        crate::i18n::t(&ctx.lang, "volg-zoek"),
        vec![FormField::new(
            "volgcode",
            crate::i18n::t(&ctx.lang, "volg-code"),
            FieldKind::Text,
        )
        .value(value)
        .hint(crate::i18n::t(&ctx.lang, "volg-code-hint"))
        .autocomplete("off")],
    )
    .get()
}

pub async fn track_lookup(
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<LookupQuery>,
) -> WebResult {
    let i = I18n::new(&ctx.lang);
    if q.volgcode.trim().is_empty() {
        return render(&TrackPage {
            shell: Shell::titled(&ctx, i.t("volg-title")),
            lookup: lookup_form(&ctx, ""),
            i,
            status: None,
            received: false,
            ontvangen: String::new(),
            bijgewerkt: String::new(),
            not_found: false,
            question: None,
            answered: false,
            rating: None,
            rated: false,
            address_as_text: false,
        });
    }
    match model::normalize_volgcode(&q.volgcode) {
        Some(code) => Ok(Redirect::to(&format!("/melden/volg/{code}")).into_response()),
        None => {
            let lookup = lookup_form(&ctx, &q.volgcode).with_errors(
                &ctx.lang,
                &[platform::identity::field_error(
                    "volgcode",
                    &i.t("volg-code-fout"),
                )],
            );
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &TrackPage {
                    shell: Shell::titled(
                        &ctx,
                        format!("{} — {}", i.t("error-title-prefix"), i.t("volg-title")),
                    ),
                    lookup,
                    i,
                    status: None,
                    received: false,
                    ontvangen: String::new(),
                    bijgewerkt: String::new(),
                    not_found: false,
                    question: None,
                    answered: false,
                    rating: None,
                    rated: false,
                    address_as_text: false,
                },
            )
        }
    }
}

#[derive(Deserialize, Default)]
pub struct TrackQuery {
    ontvangen: Option<String>,
    /// `tekst`: the address was kept as typed (the geocoder was unreachable).
    adres: Option<String>,
    beantwoord: Option<String>,
    beoordeeld: Option<String>,
}

fn rating_form(ctx: &Ctx, code: &str, cijfer: &str, tekst: &str) -> Form {
    let i = I18n::new(&ctx.lang);
    let scores = std::iter::once((String::new(), i.t("beoordeling-kies")))
        .chain(
            (1..=5)
                .rev()
                .map(|n| (n.to_string(), i.t(&format!("beoordeling-cijfer-{n}")))),
        )
        .collect();
    Form::new(
        format!("/melden/volg/{code}/beoordeling"),
        i.t("beoordeling-verstuur"),
        vec![
            FormField::new(
                "cijfer",
                i.t("beoordeling-cijfer"),
                FieldKind::Select(scores),
            )
            .value(cijfer.to_string())
            .required(),
            FormField::new("tekst", i.t("beoordeling-tekst"), FieldKind::TextArea)
                .value(tekst.to_string())
                .hint(i.t("beoordeling-tekst-hint")),
        ],
    )
}

fn answer_form(ctx: &Ctx, code: &str, value: &str) -> Form {
    let i = I18n::new(&ctx.lang);
    Form::new(
        format!("/melden/volg/{code}/antwoord"),
        i.t("volg-antwoord-verstuur"),
        vec![
            FormField::new("antwoord", i.t("volg-antwoord"), FieldKind::TextArea)
                .value(value.to_string())
                .required(),
            FormField::new("foto", i.t("volg-antwoord-foto"), FieldKind::File)
                .hint(i.t("veld-foto-hint"))
                .accept_many("image/jpeg,image/png"),
        ],
    )
}

pub async fn track(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(code): Path<String>,
    Query(q): Query<TrackQuery>,
) -> WebResult {
    track_page(&state, &ctx, &code, &q, SentBack::Nothing).await
}

/// A form of the tracking page sent back with its errors.
enum SentBack<'a> {
    Nothing,
    Answer(&'a str, &'a [FieldError]),
    Rating(&'a RatingForm, &'a [FieldError]),
}

/// The tracking page, with what was sent back.
async fn track_page(
    state: &AppState,
    ctx: &Ctx,
    code: &str,
    q: &TrackQuery,
    sent: SentBack<'_>,
) -> WebResult {
    let i = I18n::new(&ctx.lang);
    let code = model::normalize_volgcode(code).unwrap_or_default();
    let status = if code.is_empty() {
        None
    } else {
        store::public_status(&state.db, &code).await?
    };
    let not_found = status.is_none();
    let question = match &status {
        Some(s) if s.status == model::Status::WachtOpMelder.slug() => {
            store::open_question(&state.db, &code).await?
        }
        _ => None,
    };
    let question = question.map(|text| {
        let form = match sent {
            SentBack::Answer(value, errors) => answer_form(ctx, &code, value)
                .with_errors(&ctx.lang, &translated(&ctx.lang, errors)),
            _ => answer_form(ctx, &code, ""),
        };
        (text, form)
    });
    let rating = match &status {
        Some(s) if s.status == model::Status::Afgehandeld.slug() && !s.samengevoegd => {
            store::rating_open(&state.db, &code).await?
        }
        _ => false,
    };
    let rating = rating.then(|| match sent {
        SentBack::Rating(f, errors) => rating_form(ctx, &code, &f.cijfer, &f.tekst)
            .with_errors(&ctx.lang, &translated(&ctx.lang, errors)),
        _ => rating_form(ctx, &code, "", ""),
    });
    let sent_back = !matches!(sent, SentBack::Nothing);
    let page = TrackPage {
        shell: Shell::titled(
            ctx,
            if not_found {
                i.t("volg-niet-gevonden-title")
            } else {
                format!("{} {code}", i.t("volg-title"))
            },
        ),
        lookup: lookup_form(ctx, if not_found { "" } else { &code }),
        received: q.ontvangen.is_some() && !not_found,
        ontvangen: status
            .as_ref()
            .map(|s| fmt_time(s.ontvangen))
            .unwrap_or_default(),
        bijgewerkt: status
            .as_ref()
            .map(|s| fmt_time(s.bijgewerkt))
            .unwrap_or_default(),
        status,
        not_found,
        answered: q.beantwoord.is_some() && !not_found,
        question,
        rated: q.beoordeeld.is_some() && !not_found,
        address_as_text: q.adres.as_deref() == Some("tekst") && !not_found,
        rating,
        i,
    };
    if not_found {
        render_status(StatusCode::NOT_FOUND, &page)
    } else if sent_back {
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
    } else {
        render(&page)
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    antwoord: String,
}

/// The reporter answers the question from the tracking page (also when they reported
/// anonymously: the tracking code is all they need).
pub async fn answer_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(code): Path<String>,
    req: Request,
) -> WebResult {
    let code = model::normalize_volgcode(&code).ok_or(WebError::NotFound)?;
    // With photos the form comes as multipart; they are checked and cleaned as on the form.
    let (values, photos) = match read_form(req, &state).await {
        Ok(v) => v,
        Err(_) => return Err(WebError::BadRequest),
    };
    let f = AnswerForm {
        antwoord: values.get("antwoord").cloned().unwrap_or_default(),
    };
    let photos = store::clean_photos(&photos).await;
    match store::answer(&state.db, &code, &f.antwoord, &photos).await {
        Ok(()) => Ok(Redirect::to(&format!("/melden/volg/{code}?beantwoord=1")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let q = TrackQuery::default();
            track_page(
                &state,
                &ctx,
                &code,
                &q,
                SentBack::Answer(&f.antwoord, &errors),
            )
            .await
        }
        Err(e) => Err(WebError::from(e)),
    }
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    cijfer: String,
    #[serde(default)]
    tekst: String,
}

/// The reporter rates the handling of their closed melding, once.
pub async fn rating_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(code): Path<String>,
    AxForm(f): AxForm<RatingForm>,
) -> WebResult {
    let code = model::normalize_volgcode(&code).ok_or(WebError::NotFound)?;
    match store::rate(&state.db, &code, &f.cijfer, &f.tekst).await {
        Ok(()) => Ok(Redirect::to(&format!("/melden/volg/{code}?beoordeeld=1")).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let q = TrackQuery::default();
            track_page(&state, &ctx, &code, &q, SentBack::Rating(&f, &errors)).await
        }
        Err(e) => Err(WebError::from(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Back office: the work queue.

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    categorie: String,
    #[serde(default)]
    thema: String,
    #[serde(default)]
    team: String,
    /// A colleague's user id, `mij` or `geen`.
    #[serde(default)]
    behandelaar: String,
    #[serde(default)]
    termijn: String,
    #[serde(default)]
    wijk: String,
    #[serde(default)]
    buurt: String,
    #[serde(default)]
    van: String,
    #[serde(default)]
    tot: String,
    #[serde(default)]
    sorteer: String,
    #[serde(default)]
    q: String,
    pagina: Option<i64>,
    /// Why the selection was not saved (after a refused save; not a filter).
    #[serde(default)]
    selectie_fout: String,
}

impl ListQuery {
    /// The store's filter; `me` is the user id that `behandelaar=mij` stands for.
    pub(crate) fn filter(&self, me: &str, limit: i64, offset: i64) -> Filter {
        Filter {
            status: Some(self.status.clone()),
            categorie: Some(self.categorie.clone()),
            thema: Some(self.thema.clone()),
            team: Some(self.team.clone()),
            behandelaar: Some(match self.behandelaar.as_str() {
                "mij" => me.to_string(),
                other => other.to_string(),
            }),
            wijk: Some(self.wijk.clone()),
            buurt: Some(self.buurt.clone()),
            van: Some(self.van.clone()),
            tot: Some(self.tot.clone()),
            termijn: Some(self.termijn.clone()),
            ids: None,
            q: Some(self.q.clone()),
            sort: Some(self.sorteer.clone()),
            limit,
            offset,
        }
    }

    /// The full-text search as typed.
    pub(crate) fn params(&self) -> [(&'static str, &str); 12] {
        [
            ("q", self.q.as_str()),
            ("status", self.status.as_str()),
            ("categorie", self.categorie.as_str()),
            ("thema", self.thema.as_str()),
            ("team", self.team.as_str()),
            ("behandelaar", self.behandelaar.as_str()),
            ("wijk", self.wijk.as_str()),
            ("buurt", self.buurt.as_str()),
            ("van", self.van.as_str()),
            ("tot", self.tot.as_str()),
            ("termijn", self.termijn.as_str()),
            ("sorteer", self.sorteer.as_str()),
        ]
    }
}

/// The wijken or buurten of the gemeente as select options.
fn area_options(areas: &[monitor::areas::Area]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = areas
        .iter()
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

pub struct Row {
    pub s: Summary,
    pub status: String,
    pub termijn: String,
    pub termijn_label: String,
    pub ontvangen: String,
    pub kort: String,
}

#[derive(Template)]
#[template(path = "meldingen_lijst.html")]
struct ListPage {
    shell: Shell,
    i: I18n,
    search: Form,
    rows: Vec<Row>,
    pager: Pager,
    export: Option<String>,
    configure: bool,
    /// The map of the same selection.
    kaart: String,
    /// The selection is larger than the counted total.
    more: bool,
    /// The person's saved selections.
    saved: Vec<crate::filters::Saved>,
    /// Saves the current selection under a name.
    save_form: Form,
    /// Changes the ticked meldingen at once.
    bulk: Form,
}

fn select(all: String, items: Vec<(String, String)>) -> FieldKind {
    let mut o = vec![(String::new(), all)];
    o.extend(items);
    FieldKind::Select(o)
}

pub async fn list_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = access::authorize_as::<access::act::List, _>(
        &state.db,
        &ctx.request,
        p,
        Werkvoorraad,
        Purpose::Uitvoering,
    )
    .await?;
    let i = I18n::new(&ctx.lang);
    let page = Pager::requested(q.pagina);
    let filter = q.filter(&p.user_id, Pager::PER_PAGE, Pager::offset_of(page));
    let listing = store::list(&state.db, &auth, &filter).await?;
    let cats = store::categories(&state.db).await?;
    let teams = store::teams(&state.db).await?;
    let colleagues = store::colleagues(&state.db, &auth).await?;
    let mut themes: Vec<(String, String)> = Vec::new();
    for c in &cats {
        if !themes.iter().any(|(s, _)| *s == c.thema) {
            themes.push((c.thema.clone(), c.thema_naam.clone()));
        }
    }
    let all = i.t("all");
    let fields = vec![
        FormField::new("q", i.t("lijst-zoek"), FieldKind::Search).value(q.q.clone()),
        FormField::new(
            "status",
            i.t("veld-status"),
            select(
                all.clone(),
                Status::ALL
                    .iter()
                    .map(|s| (s.slug().to_string(), i.status(s.slug())))
                    .collect(),
            ),
        )
        .value(q.status.clone()),
        FormField::new(
            "categorie",
            i.t("veld-categorie"),
            select(
                all.clone(),
                cats.iter()
                    .map(|c| (c.slug.clone(), c.naam.clone()))
                    .collect(),
            ),
        )
        .value(q.categorie.clone()),
        FormField::new("thema", i.t("veld-thema"), select(all.clone(), themes))
            .value(q.thema.clone()),
        FormField::new(
            "team",
            i.t("veld-team"),
            select(
                all.clone(),
                teams
                    .iter()
                    .map(|t| (t.slug.clone(), t.naam.clone()))
                    .chain([("geen".to_string(), i.t("team-geen"))])
                    .collect(),
            ),
        )
        .value(q.team.clone()),
        FormField::new(
            "behandelaar",
            i.t("veld-behandelaar"),
            select(
                all.clone(),
                [
                    ("mij".to_string(), i.t("behandelaar-mij")),
                    ("geen".to_string(), i.t("behandelaar-geen")),
                ]
                .into_iter()
                .chain(colleagues.iter().map(|c| (c.id.clone(), c.name.clone())))
                .collect(),
            ),
        )
        .value(q.behandelaar.clone()),
        FormField::new(
            "wijk",
            i.t("veld-wijk"),
            select(all.clone(), area_options(monitor::areas::wijken())),
        )
        .value(q.wijk.clone()),
        FormField::new(
            "buurt",
            i.t("veld-buurt"),
            select(all.clone(), area_options(monitor::areas::buurten())),
        )
        .value(q.buurt.clone()),
        FormField::new("van", i.t("veld-van"), FieldKind::Date).value(q.van.clone()),
        FormField::new("tot", i.t("veld-tot"), FieldKind::Date).value(q.tot.clone()),
        FormField::new(
            "termijn",
            i.t("veld-termijn"),
            select(
                all,
                ["op-tijd", "bijna", "te-laat"]
                    .iter()
                    .map(|s| (s.to_string(), i.termijn(s)))
                    .collect(),
            ),
        )
        .value(q.termijn.clone()),
        FormField::new(
            "sorteer",
            i.t("veld-sorteer"),
            FieldKind::Select(
                ["nieuwste", "oudste", "termijn", "nummer"]
                    .iter()
                    .map(|s| (s.to_string(), i.t(&format!("sorteer-{s}"))))
                    .collect(),
            ),
        )
        .value(q.sorteer.clone()),
    ];
    let search = Form::new("/meldingen", i.t("lijst-filter"), fields).get();
    let params = q.params();
    let filtered = params.iter().any(|(_, v)| !v.trim().is_empty());
    let base = list_url("/meldingen", &params);
    let mut title = i.t("meldingen-title");
    if filtered {
        title = format!("{title} ({})", i.t("selection"));
    }
    if page > 1 {
        title = format!("{title}, {} {page}", i.t("page").to_lowercase());
    }
    let rows = listing
        .items
        .into_iter()
        .map(|s| Row {
            status: i.status(&s.status),
            termijn: fmt_date(&s.termijn),
            termijn_label: i.termijn(&s.termijn_status),
            ontvangen: fmt_time(s.created_at),
            kort: s.omschrijving.chars().take(80).collect(),
            s,
        })
        .collect();
    let export = crate::access::may_export(p).then(|| list_url("/meldingen/export.csv", &params));
    let mut save_fields =
        vec![FormField::new("naam", i.t("selectie-naam"), FieldKind::Text).required()];
    save_fields.extend(
        params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| FormField::new(k, String::new(), FieldKind::Hidden).value(*v)),
    );
    let mut save_form = Form::new("/meldingen/selecties", i.t("selectie-bewaar"), save_fields);
    if let Some(r) = crate::filters::Refusal::from_slug(&q.selectie_fout) {
        save_form = save_form.with_errors(
            &ctx.lang,
            &[platform::identity::field_error("naam", r.message())],
        );
    }
    let saved = crate::filters::of(&state.db, &p.user_id).await?;
    let bulk = crate::bulk_actions::form(&i, &teams, &colleagues, &base);
    render(&ListPage {
        bulk,
        saved,
        save_form,
        shell: Shell::titled(&ctx, title),
        i,
        search,
        rows,
        pager: Pager::new(&base, page, listing.total),
        export,
        configure: crate::inrichting::may_configure(p),
        kaart: crate::kaart::map_href(&q),
        more: listing.more,
    })
}

/// The filtered queue as CSV (semicolon-separated, UTF-8 with BOM for spreadsheets); without the
/// reporters' contact details. The export is audited.
pub async fn export_csv(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = access::authorize_as::<access::act::Export, _>(
        &state.db,
        &ctx.request,
        p,
        Werkvoorraad,
        Purpose::Uitvoering,
    )
    .await?;
    let filter = q.filter(&p.user_id, store::MAX_EXPORT, 0);
    let listing = store::list(&state.db, &auth, &filter).await?;
    let cell = platform::export::csv_cell;
    let mut out = String::from("\u{feff}nummer;ontvangen;categorie;thema;status;team;termijn;termijnstatus;adres;omschrijving;fotos\r\n");
    for s in &listing.items {
        let cells = [
            format!("M-{}", s.nummer),
            fmt_time(s.created_at),
            s.categorie_naam.clone(),
            s.thema.clone(),
            s.status.clone(),
            s.team_naam.clone().unwrap_or_default(),
            s.termijn.clone(),
            s.termijn_status.clone(),
            s.adres.clone().unwrap_or_default(),
            s.omschrijving.clone(),
            s.fotos.to_string(),
        ];
        out.push_str(&cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(";"));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"meldingen.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "meldingen_termijnen.html")]
struct OverviewPage {
    shell: Shell,
    i: I18n,
    teams: Vec<TeamOverview>,
    ratings: Vec<store::RatingSummary>,
    /// The latest texts with a rating: (subject, team, score, text, date).
    rating_texts: Vec<(String, String, i64, String, String)>,
}

pub async fn overview_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = require_user(&ctx)?;
    if access::decide(p, Action::List, &Werkvoorraad, Purpose::Uitvoering)
        != access::Decision::Allow
    {
        // Records the denial.
        access::authorize(
            &state.db,
            &ctx.request,
            p,
            Action::List,
            Werkvoorraad,
            Purpose::Uitvoering,
        )
        .await?;
        return Err(WebError::Forbidden);
    }
    let i = I18n::new(&ctx.lang);
    let teams = store::overview_per_team(&state.db).await?;
    let (ratings, texts) = store::ratings(&state.db, 20).await?;
    render(&OverviewPage {
        shell: Shell::titled(&ctx, i.t("overzicht-title")),
        i,
        teams,
        ratings,
        rating_texts: texts
            .into_iter()
            .map(|t| (t.categorie, t.team, t.cijfer, t.tekst, fmt_time(t.at)))
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// Back office: one melding.

pub struct HistoryRow {
    pub at: String,
    pub wie: String,
    pub wat: String,
    pub toelichting: String,
}

#[derive(Template)]
#[template(path = "melding.html")]
struct DetailPage {
    shell: Shell,
    i: I18n,
    m: Detail,
    status: String,
    termijn: String,
    termijn_label: String,
    ontvangen: String,
    history: Vec<HistoryRow>,
    status_form: Option<Form>,
    team_form: Form,
    person_form: Form,
    place_form: Form,
    note_form: Form,
    dup_form: Form,
    relate_form: Form,
    /// Absent once this melding is merged into another or others into it (unless the refusal
    /// of such a merge is to be shown).
    merge_form: Option<Form>,
}

pub(crate) async fn authorize_melding<A: access::ActionType>(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<access::Authorized<Melding, A>, WebError> {
    let p = require_user(ctx)?;
    if !store::exists(&state.db, id).await? {
        // Do not tell others whether a melding exists.
        if !crate::access::works_meldingen(p) {
            access::authorize_as::<A, _>(
                &state.db,
                &ctx.request,
                p,
                Melding { id: id.to_string() },
                Purpose::Uitvoering,
            )
            .await?;
        }
        return Err(WebError::NotFound);
    }
    Ok(access::authorize_as(
        &state.db,
        &ctx.request,
        p,
        Melding { id: id.to_string() },
        Purpose::Uitvoering,
    )
    .await?)
}

async fn detail_response(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    errors: &[FieldError],
    status: StatusCode,
) -> WebResult {
    let auth = authorize_melding::<access::act::Read>(state, ctx, id).await?;
    let mut tx = state.db.begin().await?;
    let mut m = store::read(&mut tx, &auth).await?;
    tx.commit().await?;
    m.koppelingen
        .extend(beschermde_verwijzingen(&state.db, auth.principal(), &m.id).await);
    let i = I18n::new(&ctx.lang);
    let teams = store::teams(&state.db).await?;
    let base = format!("/meldingen/{}", m.id);
    let texts = crate::standaardteksten::of_category(&state.db, &m.categorie).await?;
    let status_form = (!m.volgende_statussen.is_empty()).then(|| {
        Form::new(
            format!("{base}/status"),
            i.t("actie-status"),
            vec![
                FormField::new(
                    "status",
                    i.t("veld-nieuwe-status"),
                    FieldKind::Select(
                        m.volgende_statussen
                            .iter()
                            .map(|s| (s.clone(), i.status(s)))
                            .collect(),
                    ),
                ),
                FormField::new("toelichting", i.t("veld-toelichting"), FieldKind::TextArea)
                    .hint(i.t("veld-toelichting-hint")),
                FormField::new(
                    "standaardtekst",
                    i.t("standaardtekst-kies"),
                    FieldKind::Select(
                        std::iter::once((String::new(), i.t("standaardtekst-geen-keuze")))
                            .chain(texts.iter().map(|t| (t.id.clone(), t.titel.clone())))
                            .collect(),
                    ),
                )
                .hint(i.t("standaardtekst-kies-hint")),
            ],
        )
        .with_errors(&ctx.lang, &{
            let mut shown = only(&ctx.lang, errors, "status");
            shown.extend(only(&ctx.lang, errors, "toelichting"));
            shown
        })
    });
    let team_form = Form::new(
        format!("{base}/team"),
        i.t("actie-team"),
        vec![FormField::new(
            "team",
            i.t("veld-team"),
            FieldKind::Select(
                teams
                    .iter()
                    .map(|t| (t.id.clone(), t.naam.clone()))
                    .collect(),
            ),
        )
        .value(m.team_id.clone().unwrap_or_default())],
    )
    .with_errors(&ctx.lang, &only(&ctx.lang, errors, "team"));
    let person_form = Form::new(
        format!("{base}/behandelaar"),
        i.t("actie-behandelaar"),
        vec![FormField::new(
            "behandelaar",
            i.t("veld-behandelaar"),
            FieldKind::Select(
                [("geen".to_string(), i.t("behandelaar-geen"))]
                    .into_iter()
                    .chain(
                        store::colleagues(&state.db, &auth)
                            .await?
                            .into_iter()
                            .map(|c| (c.id, c.name)),
                    )
                    .collect(),
            ),
        )
        .value(
            m.behandelaar_id
                .clone()
                .unwrap_or_else(|| "geen".to_string()),
        )],
    )
    .with_errors(&ctx.lang, &only(&ctx.lang, errors, "behandelaar"));
    let cats = store::categories(&state.db).await?;
    let coord = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let mut place_errors = only(&ctx.lang, errors, "categorie");
    place_errors.extend(only(&ctx.lang, errors, "punt"));
    let place_form = Form::new(
        format!("{base}/indeling"),
        i.t("actie-indeling"),
        vec![
            FormField::new(
                "categorie",
                i.t("veld-categorie"),
                FieldKind::Select(
                    cats.iter()
                        .map(|c| (c.slug.clone(), c.naam.clone()))
                        .collect(),
                ),
            )
            .value(m.categorie.clone()),
            FormField::new("lat", i.t("veld-lat"), FieldKind::Text)
                .value(coord(m.lat))
                .hint(i.t("veld-punt-hint")),
            FormField::new("lon", i.t("veld-lon"), FieldKind::Text).value(coord(m.lon)),
        ],
    )
    .with_errors(&ctx.lang, &place_errors);
    let note_form = Form::new(
        format!("{base}/notitie"),
        i.t("actie-notitie"),
        vec![FormField::new("notitie", i.t("veld-notitie"), FieldKind::Text).required()],
    )
    .with_errors(&ctx.lang, &only(&ctx.lang, errors, "notitie"));
    let dup_form = Form::new(
        format!("{base}/duplicaat"),
        i.t("actie-duplicaat"),
        vec![
            FormField::new("duplicaat_van", i.t("veld-duplicaat"), FieldKind::Text)
                .hint(i.t("veld-duplicaat-hint")),
        ],
    )
    .with_errors(&ctx.lang, &only(&ctx.lang, errors, "duplicaat_van"));
    let relate_form = Form::new(
        format!("{base}/relatie"),
        i.t("actie-relatie"),
        vec![
            FormField::new("gerelateerd", i.t("veld-gerelateerd"), FieldKind::Text)
                .hint(i.t("veld-duplicaat-hint")),
        ],
    )
    .with_errors(&ctx.lang, &only(&ctx.lang, errors, "gerelateerd"));
    let merge_errors = only(&ctx.lang, errors, "samenvoegen_met");
    let mergeable = m.samengevoegd_in.is_none() && m.samengevoegd.is_empty();
    let merge_form = (mergeable || !merge_errors.is_empty()).then(|| {
        Form::new(
            format!("{base}/samenvoegen"),
            i.t("actie-samenvoegen"),
            vec![
                FormField::new("samenvoegen_met", i.t("veld-samenvoegen"), FieldKind::Text)
                    .value(
                        m.duplicaat_van
                            .map(|n| format!("M-{n}"))
                            .unwrap_or_default(),
                    )
                    .hint(i.t("veld-samenvoegen-hint")),
            ],
        )
        .with_errors(&ctx.lang, &merge_errors)
    });
    let history = m
        .historie
        .iter()
        .map(|h| {
            let wat = match h.soort.as_str() {
                "status" => format!(
                    "{}: {} → {}",
                    i.soort("status"),
                    h.oud.as_deref().map(|s| i.status(s)).unwrap_or_default(),
                    h.nieuw.as_deref().map(|s| i.status(s)).unwrap_or_default()
                ),
                "aangemaakt" => i.soort("aangemaakt"),
                "behandelaar" => format!(
                    "{}: {}",
                    i.soort("behandelaar"),
                    h.nieuw.clone().unwrap_or_else(|| i.t("behandelaar-geen"))
                ),
                other => format!(
                    "{}{}",
                    i.soort(other),
                    h.nieuw
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                ),
            };
            HistoryRow {
                at: fmt_time(h.at),
                wie: h.wie.clone(),
                wat,
                toelichting: h.toelichting.clone().unwrap_or_default(),
            }
        })
        .collect();
    let mut title = format!("{} M-{}", i.t("melding-title"), m.nummer);
    if !errors.is_empty() {
        title = format!("{} — {title}", i.t("error-title-prefix"));
    }
    let page = DetailPage {
        shell: Shell::titled(ctx, title),
        status: i.status(&m.status),
        termijn: fmt_date(&m.termijn),
        termijn_label: i.termijn(&m.termijn_status),
        ontvangen: fmt_time(m.created_at),
        i,
        history,
        status_form,
        team_form,
        person_form,
        place_form,
        note_form,
        dup_form,
        relate_form,
        merge_form,
        m,
    };
    render_status(status, &page)
}

pub async fn detail_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    detail_response(&state, &ctx, &id, &[], StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    toelichting: String,
    /// The id of a standard text, used when no explanation is typed.
    #[serde(default)]
    standaardtekst: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    behandelaar: String,
    #[serde(default)]
    notitie: String,
    #[serde(default)]
    duplicaat_van: String,
    #[serde(default)]
    gerelateerd: String,
    #[serde(default)]
    ontkoppel: String,
    #[serde(default)]
    samenvoegen_met: String,
    #[serde(default)]
    categorie: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
}

async fn apply(
    state: AppState,
    ctx: Ctx,
    id: String,
    change: Change,
    extra: Vec<FieldError>,
) -> WebResult {
    let auth = authorize_melding::<access::act::Update>(&state, &ctx, &id).await?;
    if !extra.is_empty() {
        return detail_response(&state, &ctx, &id, &extra, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let mut tx = state.db.begin().await?;
    match store::update(
        &mut tx,
        &auth,
        &change,
        state.settings.public_url.as_deref(),
    )
    .await
    {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/meldingen/{id}")).into_response())
        }
        Err(StoreError::Invalid(errors)) => {
            drop(tx);
            detail_response(&state, &ctx, &id, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(WebError::from(e)),
    }
}

pub async fn status_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(f): AxForm<ChangeForm>,
) -> WebResult {
    // A chosen standard text of the melding's category stands in for an explanation not typed.
    let categorie = store::category_of(&state.db, &id)
        .await?
        .unwrap_or_default();
    let toelichting = crate::standaardteksten::explanation(
        &state.db,
        &categorie,
        &f.toelichting,
        &f.standaardtekst,
    )
    .await?;
    let change = Change {
        status: Some(f.status),
        toelichting: Some(toelichting),
        ..Change::default()
    };
    apply(state, ctx, id, change, Vec::new()).await
}

pub async fn team_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(f): AxForm<ChangeForm>,
) -> WebResult {
    let mut extra = Vec::new();
    if f.team.trim().is_empty() {
        extra.push(platform::identity::field_error("team", "melding-fout-team"));
    }
    let change = Change {
        team: Some(f.team),
        ..Change::default()
    };
    apply(state, ctx, id, change, extra).await
}

/// Assigns the melding to a colleague, or (`geen`) to nobody.
pub async fn person_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(f): AxForm<ChangeForm>,
) -> WebResult {
    let mut extra = Vec::new();
    if f.behandelaar.trim().is_empty() {
        extra.push(platform::identity::field_error(
            "behandelaar",
            "melding-fout-behandelaar",
        ));
    }
    let change = Change {
        behandelaar: Some(f.behandelaar),
        ..Change::default()
    };
    apply(state, ctx, id, change, extra).await
}

/// Category and point: the routing rules run again when either changes.
pub async fn place_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(f): AxForm<ChangeForm>,
) -> WebResult {
    let mut extra = Vec::new();
    let punt = match (f.lat.trim(), f.lon.trim()) {
        ("", "") => None,
        (lat, lon) => match (coordinate(lat), coordinate(lon)) {
            (Some(lat), Some(lon)) => Some((lat, lon)),
            _ => {
                extra.push(platform::identity::field_error("punt", "melding-fout-punt"));
                None
            }
        },
    };
    let current = store::point(&state.db, &id).await?;
    let change = Change {
        categorie: Some(f.categorie),
        // Only a moved point is a change (the form shows the current one).
        punt: punt.filter(|p| Some(*p) != current),
        ..Change::default()
    };
    apply(state, ctx, id, change, extra).await
}

pub async fn note_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(f): AxForm<ChangeForm>,
) -> WebResult {
    let mut extra = Vec::new();
    if f.notitie.trim().is_empty() {
        extra.push(platform::identity::field_error("notitie", "error-required"));
    }
    let change = Change {
        notitie: Some(f.notitie),
        ..Change::default()
    };
    apply(state, ctx, id, change, extra).await
}

/// A change that names another melding by its number; a number that cannot be read is an
/// error next to `field`.
async fn apply_with_nummer(
    state: AppState,
    ctx: Ctx,
    id: String,
    text: &str,
    field: &str,
    error_key: &str,
    change: impl FnOnce(i64) -> Change,
) -> WebResult {
    match model::parse_nummer(text) {
        Some(n) => apply(state, ctx, id, change(n), Vec::new()).await,
        None => {
            let error = platform::identity::field_error(field, error_key);
            apply(state, ctx, id, Change::default(), vec![error]).await
        }
    }
}

pub async fn duplicate_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(f): AxForm<ChangeForm>,
) -> WebResult {
    apply_with_nummer(
        state,
        ctx,
        id,
        &f.duplicaat_van,
        "duplicaat_van",
        "melding-fout-duplicaat",
        |n| Change {
            duplicaat_van: Some(n),
            ..Change::default()
        },
    )
    .await
}

/// Links a related melding (both ways).
pub async fn relate_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(f): AxForm<ChangeForm>,
) -> WebResult {
    apply_with_nummer(
        state,
        ctx,
        id,
        &f.gerelateerd,
        "gerelateerd",
        "melding-fout-relatie",
        |n| Change {
            relateer_met: Some(n),
            ..Change::default()
        },
    )
    .await
}

pub async fn unrelate_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(f): AxForm<ChangeForm>,
) -> WebResult {
    let change = Change {
        ontkoppel: Some(f.ontkoppel),
        ..Change::default()
    };
    apply(state, ctx, id, change, Vec::new()).await
}

/// Merges this duplicate into its original.
pub async fn merge_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(f): AxForm<ChangeForm>,
) -> WebResult {
    apply_with_nummer(
        state,
        ctx,
        id,
        &f.samenvoegen_met,
        "samenvoegen_met",
        "melding-fout-samenvoegen",
        |n| Change {
            samenvoegen_met: Some(n),
            ..Change::default()
        },
    )
    .await
}

/// A photo of a melding; reading it is an audited read of the melding.
pub async fn photo(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, file_id)): Path<(String, String)>,
) -> WebResult {
    let auth = authorize_melding::<access::act::Read>(&state, &ctx, &id).await?;
    if !store::has_photo(&state.db, &id, &file_id).await? {
        return Err(WebError::NotFound);
    }
    let mut tx = state.db.begin().await?;
    let file = platform::files::read(&mut tx, &auth, &file_id)
        .await
        .map_err(|e| match e {
            platform::files::FileError::Db(d) => WebError::from(d),
            other => WebError::Internal(other.to_string()),
        })?;
    tx.commit().await?;
    let Some((meta, data)) = file else {
        return Err(WebError::NotFound);
    };
    // Inline: the back office shows it in the page; Baken encoded it anew itself.
    Ok((platform::files::download_headers(&meta, true), data).into_response())
}
