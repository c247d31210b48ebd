//! Pages: the case list, a case with what its viewer may see, the forms that change it (one
//! page each, so each works without JavaScript), meetings, covenants and case types, the
//! subject access request, and the destruction records.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use platform::access::{self, Action, Principal, Purpose};
use platform::web::forms::FormPage;
use platform::web::forms::{FieldKind, Form, FormField, Pager};
use platform::web::pages::fmt_time;
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};

use crate::access::{
    mag_convenanten_beheren, mag_inzage_behandelen, mag_module_zien, mag_regie_voeren, Betrokkenen,
    Convenanten, Dossierlijst, Lezen, Module, Overleggen, Toevoegen, Wijzigen, Zicht,
};
use crate::model::{self, Categorie, Fase};
use crate::store::{
    self, DossierDetail, NieuwConvenant, NieuwDossier, NieuwItem, NieuwOverleg, NieuwSubject,
    NieuwZaaktype, NieuweDeelname, NieuwePartij, StoreError, Sturing,
};

type Fields = Vec<(String, String)>;

use crate::{t, t_count, ta};

/// The module's texts in templates: `{{ m.t("key") }}`, `{{ m.c("key", n) }}` for a plural.
pub struct Texts {
    lang: String,
}

impl Texts {
    pub fn t(&self, key: &str) -> String {
        t(&self.lang, key)
    }

    pub fn c(&self, key: &str, n: impl Aantal) -> String {
        t_count(&self.lang, key, n.aantal())
    }
}

/// A number of things, however a template hands it over (by value or by reference).
pub trait Aantal {
    fn aantal(&self) -> i64;
}

impl Aantal for i64 {
    fn aantal(&self) -> i64 {
        *self
    }
}

impl Aantal for usize {
    fn aantal(&self) -> i64 {
        i64::try_from(*self).unwrap_or(i64::MAX)
    }
}

impl<T: Aantal> Aantal for &T {
    fn aantal(&self) -> i64 {
        (**self).aantal()
    }
}

fn texts(ctx: &Ctx) -> Texts {
    Texts {
        lang: ctx.lang.clone(),
    }
}

/// A day in words ("7 december 2026"), from an ISO date as stored; other text unchanged.
pub fn dag(l: &str, iso: &str) -> String {
    match iso.trim().parse::<jiff::civil::Date>() {
        Ok(d) => ta(
            l,
            "dossiers-dag",
            &[
                ("dag", d.day().to_string().into()),
                (
                    "maand",
                    t(l, &format!("dossiers-maand-{}", d.month())).into(),
                ),
                ("jaar", d.year().to_string().into()),
            ],
        ),
        Err(_) => iso.to_string(),
    }
}

/// A day in a dense table ("07-12-2026"), from an ISO date as stored; other text unchanged.
pub fn dag_kort(iso: &str) -> String {
    match iso.trim().parse::<jiff::civil::Date>() {
        Ok(d) => d.strftime("%d-%m-%Y").to_string(),
        Err(_) => iso.to_string(),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dossiers", get(list_page))
        .route("/dossiers/nieuw", get(new_page).post(new_post))
        .route("/dossiers/overleggen", get(meetings_page))
        .route(
            "/dossiers/overleggen/nieuw",
            get(meeting_new_page).post(meeting_new_post),
        )
        .route("/dossiers/overleggen/{id}", get(meeting_page))
        .route(
            "/dossiers/overleggen/{id}/dossier/{dossier}",
            get(discussion_page).post(discussion_post),
        )
        .route("/dossiers/convenanten", get(covenants_page))
        .route(
            "/dossiers/convenanten/nieuw",
            get(covenant_new_page).post(covenant_new_post),
        )
        .route(
            "/dossiers/convenanten/{id}/intrekken",
            post(covenant_revoke),
        )
        .route(
            "/dossiers/convenanten/{id}/versie",
            get(covenant_version_page).post(covenant_version_post),
        )
        .route(
            "/dossiers/convenanten/{id}/vertegenwoordigers",
            get(representative_page).post(representative_post),
        )
        .route(
            "/dossiers/convenanten/{id}/vertegenwoordigers/{user}/verwijderen",
            post(representative_remove),
        )
        .route(
            "/dossiers/zaaktypen/nieuw",
            get(casetype_new_page).post(casetype_new_post),
        )
        .route("/dossiers/inzage", get(sar_search_page))
        .route("/dossiers/inzage/verzoek/{id}", get(request_page))
        .route(
            "/dossiers/inzage/verzoek/{id}/vrijgeven",
            post(request_release),
        )
        .route(
            "/dossiers/inzage/verzoek/{id}/export.json",
            get(request_json),
        )
        .route("/dossiers/inzage/{id}", get(sar_page))
        .route("/dossiers/inzage/{id}/concept", post(sar_draft))
        .route("/dossiers/inzage/{id}/export.json", get(sar_json))
        .route(
            "/dossiers/inzage/{id}/correctie",
            get(correction_page).post(correction_post),
        )
        .route("/dossiers/{id}", get(detail_page))
        .route("/dossiers/{id}/vastleggen", get(item_page).post(item_post))
        .route(
            "/dossiers/{id}/subject",
            get(subject_page).post(subject_post),
        )
        .route("/dossiers/{id}/deelname", get(admit_page).post(admit_post))
        .route(
            "/dossiers/{id}/deelname/{pid}/intrekken",
            get(revoke_page).post(revoke_post),
        )
        .route(
            "/dossiers/{id}/sturing/{soort}",
            get(steer_page).post(steer_post),
        )
        .route("/dossiers/{id}/taak/{item}/gereed", post(task_done))
        .route("/dossiers/{id}/bestand/{item}", get(file_download))
}

/// The route gate: whoever opens a page of this module is decided on (and a refusal audited).
async fn user<'a>(state: &AppState, ctx: &'a Ctx) -> Result<&'a Principal, WebError> {
    let p = require_user(ctx)?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Read,
        Module,
        Purpose::Uitvoering,
    )
    .await?;
    Ok(p)
}

#[derive(Template)]
#[template(path = "dossiers_bericht.html")]
struct BerichtPage {
    shell: Shell,
    tekst: String,
    terug: (String, String),
}

/// A page with one message, e.g. why a closed case takes no more entries (409).
fn bericht(
    ctx: &Ctx,
    status: StatusCode,
    title: &str,
    tekst: &str,
    terug: (String, String),
) -> WebResult {
    render_status(
        status,
        &BerichtPage {
            shell: Shell::titled(ctx, title.to_string()),
            tekst: tekst.to_string(),
            terug,
        },
    )
}

/// A conflict as a message page (409); other failures as usual.
fn conflict_of(ctx: &Ctx, e: StoreError, terug: (String, String)) -> WebResult {
    match e {
        StoreError::Conflict(m) => bericht(
            ctx,
            StatusCode::CONFLICT,
            &t(&ctx.lang, "dossiers-niet-mogelijk"),
            &m,
            terug,
        ),
        other => Err(WebError::from(other)),
    }
}

/// A form for a closed case is not shown: the message says why (409).
fn gesloten(ctx: &Ctx, id: &str) -> WebResult {
    bericht(
        ctx,
        StatusCode::CONFLICT,
        &t(&ctx.lang, "dossiers-gesloten-titel"),
        &t(&ctx.lang, "dossiers-gesloten-tekst"),
        back_to(&ctx.lang, id),
    )
}

fn val(v: &Fields, k: &str) -> String {
    v.iter()
        .find(|(a, _)| a == k)
        .map(|(_, b)| b.clone())
        .unwrap_or_default()
}

fn vals(v: &Fields, k: &str) -> Vec<String> {
    v.iter()
        .filter(|(a, _)| a == k)
        .map(|(_, b)| b.clone())
        .collect()
}

fn with_empty(first: &str, rest: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), first.to_string())];
    v.extend(rest);
    v
}

fn categorie_opts(l: &str, allowed: impl Fn(Categorie) -> bool) -> Vec<(String, String)> {
    Categorie::ALL
        .into_iter()
        .filter(|c| allowed(*c))
        .map(|c| (c.slug().to_string(), c.label(l)))
        .collect()
}

async fn org_names(state: &AppState) -> HashMap<String, String> {
    platform::identity::list_organisations(&state.db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect()
}

async fn team_names(state: &AppState, org: &str) -> HashMap<String, String> {
    platform::identity::list_teams(&state.db, org)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect()
}

fn form_page(
    ctx: &Ctx,
    title: String,
    intro: String,
    form: Form,
    back: (String, String),
    status: StatusCode,
) -> WebResult {
    render_status(
        status,
        &FormPage {
            shell: Shell::titled(ctx, title),
            intro,
            form,
            after: vec![back],
        },
    )
}

fn back_to(l: &str, id: &str) -> (String, String) {
    (format!("/dossiers/{id}"), t(l, "dossiers-terug-dossier"))
}

/// Shows the form again with the errors next to the fields (422), or a refusal as the general
/// error, or passes other failures on.
fn refused(
    ctx: &Ctx,
    form: Form,
    e: StoreError,
    title: String,
    intro: String,
    back: (String, String),
) -> WebResult {
    match e {
        StoreError::Invalid(errors) => form_page(
            ctx,
            title,
            intro,
            form.with_errors(&ctx.lang, &errors),
            back,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        StoreError::Refused(reason) => {
            let mut form = form;
            form.general_error = Some(reason);
            form_page(
                ctx,
                title,
                intro,
                form,
                back,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        StoreError::Conflict(reason) => {
            let mut form = form;
            form.general_error = Some(reason);
            form_page(ctx, title, intro, form, back, StatusCode::CONFLICT)
        }
        other => Err(WebError::from(other)),
    }
}

// ---------------------------------------------------------------------------------------------
// The list.

pub struct Rij {
    pub id: String,
    pub nummer: String,
    pub titel: String,
    pub zaaktype: String,
    pub fase: String,
    pub ave: String,
    pub review: String,
    pub review_verlopen: bool,
    pub regie: String,
}

#[derive(Template)]
#[template(path = "dossiers_lijst.html")]
struct ListPage {
    m: Texts,
    shell: Shell,
    form: Form,
    rows: Vec<Rij>,
    pager: Pager,
    may_create: bool,
    may_sar: bool,
}

async fn list_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Dossierlijst,
        Purpose::Uitvoering,
    )
    .await?;
    let filter = store::Filter {
        zaaktype: q.get("zaaktype").cloned(),
        fase: q.get("fase").cloned(),
        review_verlopen: q.get("review").is_some_and(|v| v == "verlopen"),
        taak: q.get("taak").and_then(|t| store::TaakFilter::from_slug(t)),
    };
    let page: i64 = q.get("pagina").and_then(|s| s.parse().ok()).unwrap_or(1);
    let (items, total) = store::list(&state.db, &auth, &filter, page).await?;
    let zaaktypen = store::zaaktypen(&state.db).await?;
    let names: HashMap<String, String> = zaaktypen
        .iter()
        .map(|z| (z.slug.clone(), z.naam.clone()))
        .collect();
    let teams = team_names(&state, &p.organisation_id).await;
    let l = ctx.lang.as_str();
    let today = store::vandaag().to_string();
    let rows = items
        .into_iter()
        .map(|d| Rij {
            review_verlopen: d.fase != "gesloten"
                && d.reviewdatum.as_deref().is_some_and(|r| r < today.as_str()),
            review: d.reviewdatum.as_deref().map(dag_kort).unwrap_or_default(),
            zaaktype: names.get(&d.zaaktype).cloned().unwrap_or(d.zaaktype),
            fase: Fase::from_slug(&d.fase)
                .map(|f| f.label(l))
                .unwrap_or(d.fase),
            ave: d.ave_fase.to_string(),
            regie: teams
                .get(&d.regie_team_id)
                .cloned()
                .unwrap_or_else(|| t(l, "dossiers-andere-organisatie")),
            id: d.id,
            nummer: d.nummer,
            titel: d.titel,
        })
        .collect();
    let zt = q.get("zaaktype").cloned().unwrap_or_default();
    let fase = q.get("fase").cloned().unwrap_or_default();
    let review = q.get("review").cloned().unwrap_or_default();
    let taak = q.get("taak").cloned().unwrap_or_default();
    let base = platform::web::forms::list_url(
        "/dossiers",
        &[
            ("zaaktype", &zt),
            ("fase", &fase),
            ("review", &review),
            ("taak", &taak),
        ],
    );
    let form = Form::new(
        "/dossiers",
        t(l, "dossiers-filteren"),
        vec![
            FormField::new(
                "zaaktype",
                t(l, "dossiers-zaaktype"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-alle"),
                    zaaktypen
                        .iter()
                        .map(|z| (z.slug.clone(), z.naam.clone()))
                        .collect(),
                )),
            )
            .value(zt),
            FormField::new(
                "fase",
                t(l, "dossiers-fase"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-alle"),
                    Fase::ALL
                        .iter()
                        .map(|f| (f.slug().to_string(), f.label(l)))
                        .collect(),
                )),
            )
            .value(fase),
            FormField::new(
                "review",
                t(l, "dossiers-herbeoordeling"),
                FieldKind::Select(vec![
                    (String::new(), t(l, "dossiers-alle")),
                    ("verlopen".into(), t(l, "dossiers-filter-review-verlopen")),
                ]),
            )
            .value(review),
            FormField::new(
                "taak",
                t(l, "dossiers-filter-taken"),
                FieldKind::Select(vec![
                    (String::new(), t(l, "dossiers-filter-taken-alle")),
                    ("mij".into(), t(l, "dossiers-filter-taken-mij")),
                    ("organisatie".into(), t(l, "dossiers-filter-taken-org")),
                ]),
            )
            .value(taak),
        ],
    )
    .get();
    render(&ListPage {
        m: texts(&ctx),
        shell: Shell::titled(&ctx, t(&ctx.lang, "dossiers-nav")),
        form,
        rows,
        pager: Pager::new(&base, page, total),
        may_create: mag_regie_voeren(p),
        may_sar: may_sar(p),
    })
}

/// Whether to show the link to subject access requests (the pages decide again).
fn may_sar(p: &Principal) -> bool {
    mag_inzage_behandelen(p)
}

// ---------------------------------------------------------------------------------------------
// A new case.

async fn new_form(state: &AppState, l: &str, p: &Principal, v: &Fields) -> Result<Form, WebError> {
    let zaaktypen = store::zaaktypen(&state.db).await?;
    let mine = platform::identity::team_ids_of_user(&state.db, &p.user_id).await?;
    let teams: Vec<(String, String)> =
        platform::identity::list_teams(&state.db, &p.organisation_id)
            .await?
            .into_iter()
            .filter(|t| mine.contains(&t.id))
            .map(|t| (t.id, t.name))
            .collect();
    Ok(Form::new(
        "/dossiers/nieuw",
        t(l, "dossiers-nieuw-knop"),
        vec![
            FormField::new(
                "zaaktype",
                t(l, "dossiers-zaaktype"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-kies"),
                    zaaktypen
                        .iter()
                        .map(|z| (z.slug.clone(), z.naam.clone()))
                        .collect(),
                )),
            )
            .value(val(v, "zaaktype"))
            .required(),
            FormField::new("titel", t(l, "dossiers-nieuw-titel"), FieldKind::Text)
                .value(val(v, "titel"))
                .hint(t(l, "dossiers-nieuw-titel-hint"))
                .required(),
            FormField::new(
                "regie_team_id",
                t(l, "dossiers-nieuw-team"),
                FieldKind::Select(with_empty(&t(l, "dossiers-kies"), teams)),
            )
            .value(val(v, "regie_team_id"))
            .required(),
            FormField::new(
                "herkomst",
                t(l, "dossiers-herkomst"),
                FieldKind::Select(model::keuzes(l, "herkomst", &model::HERKOMST)),
            )
            .value(val(v, "herkomst")),
            FormField::new(
                "reviewdatum",
                t(l, "dossiers-datum-herbeoordeling"),
                FieldKind::Date,
            )
            .value(val(v, "reviewdatum")),
            FormField::new("melding", t(l, "dossiers-nieuw-melding"), FieldKind::Text)
                .value(val(v, "melding"))
                .hint(t(l, "dossiers-nieuw-melding-hint")),
        ],
    ))
}

async fn new_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = user(&state, &ctx).await?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Dossierlijst,
        Purpose::Uitvoering,
    )
    .await?;
    let l = ctx.lang.as_str();
    let form = new_form(&state, l, p, &Vec::new()).await?;
    form_page(
        &ctx,
        t(l, "dossiers-nieuw"),
        t(l, "dossiers-nieuw-intro"),
        form,
        ("/dossiers".into(), t(l, "dossiers-terug-lijst")),
        StatusCode::OK,
    )
}

async fn new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Dossierlijst,
        Purpose::Uitvoering,
    )
    .await?;
    let n = NieuwDossier {
        zaaktype: val(&v, "zaaktype"),
        titel: val(&v, "titel"),
        regie_team_id: val(&v, "regie_team_id"),
        herkomst: val(&v, "herkomst"),
        reviewdatum: Some(val(&v, "reviewdatum")),
        melding: Some(val(&v, "melding")),
    };
    match store::create(&state.db, &auth, &n).await {
        Ok(id) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(e) => {
            let l = ctx.lang.as_str();
            let form = new_form(&state, l, p, &v).await?;
            refused(
                &ctx,
                form,
                e,
                t(l, "dossiers-nieuw"),
                t(l, "dossiers-nieuw-intro"),
                ("/dossiers".into(), t(l, "dossiers-terug-lijst")),
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One case.

pub struct ItemView {
    pub id: String,
    /// A task (shown among the tasks, not the other entries).
    pub taak: bool,
    pub bestand: Option<String>,
    pub soort: String,
    pub categorie: String,
    pub titel: String,
    pub tekst: String,
    pub extra: String,
    pub door: String,
    pub at: String,
    pub open_taak: bool,
    /// The viewer may mark this open task done (the directing team, or the organisation that
    /// carries it out).
    pub mag_afronden: bool,
}

/// Who may mark tasks done: the directing team all of them (None), a partner those of its own
/// organisation.
type Afronder<'a> = Option<&'a str>;

pub struct Regel {
    pub a: String,
    pub b: String,
    pub c: String,
    pub d: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DetailPage {
    m: Texts,
    shell: Shell,
    d: DossierDetail,
    kop: Vec<(String, String)>,
    zicht: String,
    subjecten: Vec<Regel>,
    deelnames: Vec<(Regel, String, bool)>,
    items: Vec<ItemView>,
    taken: Vec<ItemView>,
    historie: Vec<Regel>,
    signalen: Vec<Regel>,
    sturing: Vec<(String, String)>,
    may_add: bool,
}

fn item_view(
    l: &str,
    i: &store::Item,
    orgs: &HashMap<String, String>,
    afronder: Afronder,
) -> ItemView {
    let mut extra = Vec::new();
    if let Some(g) = i.leefgebied.as_deref() {
        if model::leefgebied_naam(g).is_some() {
            extra.push(format!(
                "{}: {}",
                t(l, "dossiers-leefgebied"),
                model::label(l, "leefgebied", g)
            ));
        }
    }
    if let Some(o) = &i.eigenaar_organisation_id {
        let org = orgs
            .get(o)
            .cloned()
            .unwrap_or_else(|| t(l, "dossiers-een-ketenpartner"));
        extra.push(match &i.eigenaar_naam {
            Some(naam) => format!("{}: {naam} ({org})", t(l, "dossiers-uitvoerder")),
            None => format!("{}: {org}", t(l, "dossiers-uitvoerder")),
        });
    }
    if let Some(d) = &i.deadline {
        extra.push(format!("{}: {}", t(l, "dossiers-uiterlijk"), dag(l, d)));
    }
    if i.soort == "taak" {
        extra.push(if i.gereed {
            t(l, "dossiers-gereed")
        } else {
            t(l, "dossiers-open")
        });
    }
    ItemView {
        id: i.id.clone(),
        bestand: i.bestand_naam.clone(),
        taak: i.soort == "taak",
        soort: model::item_soort_naam(&i.soort)
            .map(|_| model::label(l, "soort", &i.soort))
            .unwrap_or_default(),
        categorie: Categorie::from_slug(&i.categorie)
            .map(|c| c.label(l))
            .unwrap_or_default(),
        titel: i.titel.clone(),
        tekst: i.tekst.clone(),
        extra: extra.join(" · "),
        door: match orgs.get(&i.door_organisation_id) {
            Some(o) => format!("{} ({o})", i.door),
            None => i.door.clone(),
        },
        at: fmt_time(i.created_at, false),
        open_taak: i.soort == "taak" && !i.gereed,
        mag_afronden: match afronder {
            None => true,
            Some(eigen) => i.eigenaar_organisation_id.as_deref() == Some(eigen),
        },
    }
}

async fn detail_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Lezen>(&state.db, &ctx.request, p, &id).await?;
    let key = state.settings.data_key.as_ref();
    let d = store::detail(&state.db, &auth, key).await?;
    let orgs = org_names(&state).await;
    let teams = team_names(&state, &d.dossier.regie_organisation_id).await;
    let zaaktype = store::zaaktype(&state.db, &d.dossier.zaaktype)
        .await
        .map(|z| z.naam)
        .unwrap_or_default();
    let k = &d.dossier;
    let l = ctx.lang.as_str();
    let mut kop = vec![
        (t(l, "dossiers-zaaktype"), zaaktype),
        (
            t(l, "dossiers-fase"),
            Fase::from_slug(&k.fase)
                .map(|f| f.label(l))
                .unwrap_or_default(),
        ),
        (t(l, "dossiers-ave"), model::ave_label(l, k.ave_fase)),
        (
            t(l, "dossiers-zvh"),
            k.zvh_tafel
                .as_deref()
                .filter(|z| model::zvh_naam(z).is_some())
                .map(|z| model::label(l, "zvh", z))
                .unwrap_or_else(|| t(l, "dossiers-niet-opgeschaald")),
        ),
        (
            t(l, "dossiers-inwoner"),
            if model::inwoner_naam_of(&k.inwoner).is_some() {
                model::label(l, "inwoner", &k.inwoner)
            } else {
                t(l, "dossiers-onbekend")
            },
        ),
        (
            t(l, "dossiers-regie"),
            format!(
                "{} – {}",
                orgs.get(&k.regie_organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                teams.get(&k.regie_team_id).cloned().unwrap_or_default()
            ),
        ),
        (
            t(l, "dossiers-herbeoordeling"),
            k.reviewdatum
                .as_deref()
                .map(|r| dag(l, r))
                .unwrap_or_else(|| t(l, "dossiers-geen-datum")),
        ),
    ];
    if k.legal_hold {
        kop.push((
            t(l, "dossiers-sturing-legal-hold"),
            k.legal_hold_reden.clone().unwrap_or_default(),
        ));
    }
    if let Some(tot) = &k.bewaren_tot {
        kop.push((t(l, "dossiers-bewaren-tot"), dag(l, tot)));
    }
    let zicht = if d.regie {
        t(l, "dossiers-zicht-regie")
    } else {
        ta(
            l,
            "dossiers-zicht-deelnemer",
            &[(
                "categorieen",
                d.zicht
                    .iter()
                    .filter_map(|s| Categorie::from_slug(s))
                    .map(|c| c.label(l))
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
            )],
        )
    };
    let subjecten = d
        .subjecten
        .iter()
        .map(|s| Regel {
            a: format!(
                "{} ({})",
                s.naam,
                model::subject_soort_naam(&s.soort)
                    .map(|_| model::label(l, "subject", &s.soort))
                    .unwrap_or_default()
            ),
            b: s.rol.clone(),
            c: [
                s.geboortedatum.as_deref().map(|g| dag(l, g)),
                s.adres.clone(),
                s.postcode.clone(),
                s.kvk
                    .clone()
                    .map(|k| format!("{} {k}", t(l, "dossiers-kvk"))),
                s.contact.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            d: match (&s.bsn, s.heeft_bsn) {
                (Some(b), _) => format!("{} {b}", t(l, "dossiers-bsn")),
                (None, true) => t(l, "dossiers-bsn-verborgen"),
                _ => String::new(),
            } + &s
                .beperkt_reden
                .as_ref()
                .map(|r| format!(" {}: {r}", t(l, "dossiers-verwerking-beperkt")))
                .unwrap_or_default(),
        })
        .collect();
    let deelnames = d
        .deelnames
        .iter()
        .map(|x| {
            (
                Regel {
                    a: orgs.get(&x.organisation_id).cloned().unwrap_or_default(),
                    b: ta(
                        l,
                        "dossiers-convenant-versie",
                        &[
                            ("naam", (&x.convenant_naam).into()),
                            ("versie", x.convenant_versie.into()),
                        ],
                    ),
                    c: x.doel.clone(),
                    d: {
                        let venster = match (&x.geldig_van, &x.geldig_tot) {
                            (Some(v), Some(tot)) => format!(
                                " ({})",
                                ta(
                                    l,
                                    "dossiers-venster-van-tot",
                                    &[("van", dag(l, v).into()), ("tot", dag(l, tot).into())]
                                )
                            ),
                            (Some(v), None) => format!(
                                " ({})",
                                ta(l, "dossiers-venster-vanaf", &[("van", dag(l, v).into())])
                            ),
                            (None, Some(tot)) => format!(
                                " ({})",
                                ta(l, "dossiers-venster-tot", &[("tot", dag(l, tot).into())])
                            ),
                            (None, None) => String::new(),
                        };
                        if x.actief {
                            ta(
                                l,
                                "dossiers-deelname-actief",
                                &[("sinds", fmt_time(x.gestart_at, false).into())],
                            ) + &venster
                        } else if let Some(at) = x.ingetrokken_at {
                            ta(
                                l,
                                "dossiers-deelname-ingetrokken",
                                &[
                                    ("op", fmt_time(at, false).into()),
                                    (
                                        "reden",
                                        x.ingetrokken_reden.clone().unwrap_or_default().into(),
                                    ),
                                ],
                            )
                        } else {
                            ta(
                                l,
                                "dossiers-deelname-geen-toegang",
                                &[("reden", x.reden.clone().unwrap_or_default().into())],
                            ) + &venster
                        }
                    },
                },
                x.id.clone(),
                x.ingetrokken_at.is_none(),
            )
        })
        .collect();
    let afronder = (!d.regie).then_some(p.organisation_id.as_str());
    let all: Vec<ItemView> = d
        .items
        .iter()
        .map(|i| item_view(l, i, &orgs, afronder))
        .collect();
    let (taken, items): (Vec<ItemView>, Vec<ItemView>) = all.into_iter().partition(|i| i.taak);
    let naam = |v: &str| -> String {
        if let Some(n) = orgs.get(v) {
            return n.clone();
        }
        if let Some(x) = d.deelnames.iter().find(|x| x.id == v) {
            return orgs.get(&x.organisation_id).cloned().unwrap_or_default();
        }
        code_label(l, v)
    };
    let historie = d
        .historie
        .iter()
        .map(|h| {
            // An AVE phase is stored as its number; shown by its name.
            let waarde = |v: &str| match (h.soort.as_str(), v.parse::<i64>()) {
                ("ave", Ok(n)) => model::ave_label(l, n),
                _ => naam(v),
            };
            Regel {
                a: fmt_time(h.at, false),
                b: historie_soort(l, &h.soort),
                c: format!(
                    "{}{}",
                    h.van
                        .as_deref()
                        .map(|v| format!("{} → ", waarde(v)))
                        .unwrap_or_default(),
                    waarde(&h.naar)
                ),
                d: format!("{} – {}", h.toelichting, h.door),
            }
        })
        .collect();
    let signalen = d
        .signalen
        .iter()
        .map(|s| Regel {
            a: fmt_time(s.at, false),
            b: s.zaaktype.clone(),
            c: teams
                .get(&s.regie_team_id)
                .cloned()
                .unwrap_or_else(|| t(l, "dossiers-team-andere-organisatie")),
            d: String::new(),
        })
        .collect();
    let sturing = if d.regie && k.fase != "gesloten" {
        STURING
            .iter()
            .map(|s| {
                (
                    format!("/dossiers/{}/sturing/{s}", k.id),
                    t(l, &format!("dossiers-sturing-{s}")),
                )
            })
            .collect()
    } else if d.regie {
        vec![(
            format!("/dossiers/{}/sturing/legal-hold", k.id),
            t(l, "dossiers-sturing-legal-hold"),
        )]
    } else {
        Vec::new()
    };
    let z = auth.resource().zicht();
    let may_add = !k.gesloten()
        && matches!(z, Zicht::Regie | Zicht::Deelnemer { .. })
        && Categorie::ALL.iter().any(|c| z.mag_toevoegen(*c));
    render(&DetailPage {
        m: texts(&ctx),
        shell: Shell::titled(
            &ctx,
            format!(
                "{} {} – {}",
                t(l, "dossiers-kol-dossier"),
                k.nummer,
                k.titel
            ),
        ),
        kop,
        zicht,
        subjecten,
        deelnames,
        items,
        taken,
        historie,
        signalen,
        sturing,
        may_add,
        d,
    })
}

/// The value of a line of the history in words: a phase, table or involvement by its label, a
/// date as a day; anything else (a reason, a name) as it is.
fn code_label(l: &str, v: &str) -> String {
    Fase::from_slug(v)
        .map(|f| f.label(l))
        .or_else(|| model::zvh_naam(v).map(|_| model::label(l, "zvh", v)))
        .or_else(|| model::inwoner_naam_of(v).map(|_| model::label(l, "inwoner", v)))
        .unwrap_or_else(|| dag(l, v))
}

/// What a line of the history is about, as a label (`dossiers-historie-<soort>`).
fn historie_soort(l: &str, s: &str) -> String {
    match s {
        "fase"
        | "ave"
        | "zvh"
        | "inwoner"
        | "review"
        | "legal-hold"
        | "deelname"
        | "deelname-ingetrokken"
        | "subject" => t(l, &format!("dossiers-historie-{s}")),
        other => other.to_string(),
    }
}

/// The steering actions of the directing team; their labels are `dossiers-sturing-<soort>`.
const STURING: [&str; 6] = ["fase", "ave", "zvh", "inwoner", "review", "legal-hold"];

// Entries.

fn item_form(
    l: &str,
    id: &str,
    z: &Zicht,
    orgs: &HashMap<String, String>,
    subjecten: &[(String, String)],
    collegas: &[(String, String)],
    v: &Fields,
) -> Form {
    let cats = categorie_opts(l, |c| z.mag_toevoegen(c));
    let mut org_opts: Vec<(String, String)> =
        orgs.iter().map(|(a, b)| (a.clone(), b.clone())).collect();
    org_opts.sort_by(|a, b| a.1.cmp(&b.1));
    Form::new(
        format!("/dossiers/{id}/vastleggen"),
        t(l, "dossiers-vastleggen"),
        vec![
            FormField::new(
                "soort",
                t(l, "dossiers-soort"),
                FieldKind::Select(model::keuzes(l, "soort", &model::ITEM_SOORTEN)),
            )
            .value(val(v, "soort"))
            .required(),
            FormField::new(
                "categorie",
                t(l, "dossiers-gegevenscategorie"),
                FieldKind::Select(with_empty(&t(l, "dossiers-kies"), cats)),
            )
            .value(val(v, "categorie"))
            .hint(t(l, "dossiers-item-categorie-hint"))
            .required(),
            FormField::new("titel", t(l, "dossiers-titel"), FieldKind::Text)
                .value(val(v, "titel"))
                .required(),
            FormField::new("tekst", t(l, "dossiers-tekst"), FieldKind::TextArea)
                .value(val(v, "tekst"))
                .hint(t(l, "dossiers-item-tekst-hint")),
            FormField::new(
                "betreft",
                t(l, "dossiers-item-betreft"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-item-betreft-geheel"),
                    subjecten.to_vec(),
                )),
            )
            .value(val(v, "betreft"))
            .hint(t(l, "dossiers-item-betreft-hint")),
            FormField::new(
                "leefgebied",
                t(l, "dossiers-item-leefgebied"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-geen"),
                    model::keuzes(l, "leefgebied", &model::LEEFGEBIEDEN),
                )),
            )
            .value(val(v, "leefgebied")),
            FormField::new(
                "eigenaar_organisation_id",
                t(l, "dossiers-item-uitvoerder"),
                FieldKind::Select(with_empty(&t(l, "dossiers-geen"), org_opts)),
            )
            .value(val(v, "eigenaar_organisation_id")),
            FormField::new(
                "eigenaar_user_id",
                t(l, "dossiers-item-persoon"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-item-persoon-niemand"),
                    collegas.to_vec(),
                )),
            )
            .value(val(v, "eigenaar_user_id"))
            .hint(t(l, "dossiers-item-persoon-hint")),
            FormField::new("deadline", t(l, "dossiers-item-deadline"), FieldKind::Date)
                .value(val(v, "deadline")),
            FormField::new("bestand", t(l, "dossiers-item-bestand"), FieldKind::File)
                .hint(t(l, "dossiers-item-bestand-hint")),
        ],
    )
}

/// Reads the entry form: multipart (with a document) or urlencoded (without).
async fn read_item_form(
    req: axum::extract::Request,
    state: &AppState,
) -> Result<(Fields, Option<store::Upload>), WebError> {
    use axum::extract::FromRequest;
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("multipart/form-data"));
    let bad = |_| WebError::BadRequest;
    if !multipart {
        let axum::Form(v) = axum::Form::<Fields>::from_request(req, state)
            .await
            .map_err(|_| WebError::BadRequest)?;
        return Ok((v, None));
    }
    let mut mp = axum::extract::Multipart::from_request(req, state)
        .await
        .map_err(|_| WebError::BadRequest)?;
    let mut fields = Vec::new();
    let mut upload = None;
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "bestand" {
            let file_name = field.file_name().unwrap_or("document").to_string();
            let data = field.bytes().await.map_err(bad)?;
            // A form sent without a chosen file carries an empty part.
            if !data.is_empty() {
                upload = Some(store::Upload {
                    name: file_name,
                    data: data.to_vec(),
                });
            }
        } else {
            fields.push((name, field.text().await.map_err(bad)?));
        }
    }
    Ok((fields, upload))
}

fn nieuw_item(v: &Fields) -> NieuwItem {
    let opt = |k: &str| Some(val(v, k)).filter(|s| !s.is_empty());
    NieuwItem {
        soort: val(v, "soort"),
        categorie: val(v, "categorie"),
        titel: val(v, "titel"),
        tekst: val(v, "tekst"),
        leefgebied: opt("leefgebied"),
        eigenaar_organisation_id: opt("eigenaar_organisation_id"),
        eigenaar_user_id: opt("eigenaar_user_id"),
        deadline: opt("deadline"),
        betreft: opt("betreft"),
        overleg_id: None,
    }
}

async fn item_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Toevoegen>(&state.db, &ctx.request, p, &id).await?;
    if auth.resource().kop().gesloten() {
        return gesloten(&ctx, &id);
    }
    let subjecten = store::betrokkenen_keuze(&state.db, &auth).await?;
    let form = item_form(
        &ctx.lang,
        &id,
        auth.resource().zicht(),
        &org_names(&state).await,
        &subjecten,
        &taak_collegas(&state, &auth).await?,
        &Vec::new(),
    );
    form_page(
        &ctx,
        ta(
            &ctx.lang,
            "dossiers-item-titel",
            &[("nummer", (&auth.resource().kop().nummer).into())],
        ),
        t(&ctx.lang, "dossiers-item-intro"),
        form,
        back_to(&ctx.lang, &id),
        StatusCode::OK,
    )
}

/// The colleagues a task can be given to, as choices.
async fn taak_collegas(
    state: &AppState,
    auth: &access::Authorized<crate::access::Dossier<Toevoegen>>,
) -> Result<Vec<(String, String)>, WebError> {
    Ok(store::taak_collegas(&state.db, auth)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

async fn item_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let (v, upload) = match read_item_form(req, &state).await {
        Ok(x) => x,
        Err(WebError::BadRequest) => {
            return bericht(
                &ctx,
                StatusCode::PAYLOAD_TOO_LARGE,
                &t(&ctx.lang, "dossiers-te-groot-titel"),
                &t(&ctx.lang, "dossiers-te-groot-tekst"),
                back_to(&ctx.lang, &id),
            )
        }
        Err(e) => return Err(e),
    };
    let auth = store::open::<Toevoegen>(&state.db, &ctx.request, p, &id).await?;
    match store::add_item_with_file(&state.db, &auth, &nieuw_item(&v), upload.as_ref()).await {
        Ok(_) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(e) => {
            let subjecten = store::betrokkenen_keuze(&state.db, &auth)
                .await
                .unwrap_or_default();
            let form = item_form(
                &ctx.lang,
                &id,
                auth.resource().zicht(),
                &org_names(&state).await,
                &subjecten,
                &taak_collegas(&state, &auth).await?,
                &v,
            );
            refused(
                &ctx,
                form,
                e,
                ta(
                    &ctx.lang,
                    "dossiers-item-titel",
                    &[("nummer", (&auth.resource().kop().nummer).into())],
                ),
                t(&ctx.lang, "dossiers-item-intro"),
                back_to(&ctx.lang, &id),
            )
        }
    }
}

/// A document attached to an entry: only for those who see the entry's category; audited.
async fn file_download(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, item)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Lezen>(&state.db, &ctx.request, p, &id).await?;
    let (file, data) = store::item_file(&state.db, &auth, &item).await?;
    Ok((platform::files::download_headers(&file, false), data).into_response())
}

async fn task_done(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, item)): Path<(String, String)>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Toevoegen>(&state.db, &ctx.request, p, &id).await?;
    match store::complete_task(&state.db, &auth, &item).await {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(StoreError::Refused(why)) => bericht(
            &ctx,
            StatusCode::FORBIDDEN,
            &t(&ctx.lang, "dossiers-taak-niet-afgerond"),
            &why,
            back_to(&ctx.lang, &id),
        ),
        Err(e) => conflict_of(&ctx, e, back_to(&ctx.lang, &id)),
    }
}

// Subjects.

fn subject_form(l: &str, id: &str, v: &Fields) -> Form {
    Form::new(
        format!("/dossiers/{id}/subject"),
        t(l, "dossiers-betrokkene-toevoegen"),
        vec![
            FormField::new(
                "soort",
                t(l, "dossiers-soort"),
                FieldKind::Select(model::keuzes(l, "subject", &model::SUBJECT_SOORTEN)),
            )
            .value(val(v, "soort"))
            .required(),
            FormField::new("naam", t(l, "dossiers-subject-naam"), FieldKind::Text)
                .value(val(v, "naam"))
                .required(),
            FormField::new("rol", t(l, "dossiers-subject-rol"), FieldKind::Text)
                .value(val(v, "rol"))
                .hint(t(l, "dossiers-subject-rol-hint")),
            FormField::new(
                "geboortedatum",
                t(l, "dossiers-subject-geboortedatum"),
                FieldKind::Date,
            )
            .value(val(v, "geboortedatum")),
            FormField::new("bsn", t(l, "dossiers-subject-bsn"), FieldKind::Text)
                .value(val(v, "bsn"))
                .hint(t(l, "dossiers-subject-bsn-hint")),
            FormField::new("adres", t(l, "dossiers-adres"), FieldKind::Text).value(val(v, "adres")),
            FormField::new("postcode", t(l, "dossiers-postcode"), FieldKind::Text)
                .value(val(v, "postcode")),
            FormField::new("kvk", t(l, "dossiers-subject-kvk"), FieldKind::Text)
                .value(val(v, "kvk")),
            FormField::new("bag_id", t(l, "dossiers-subject-bag"), FieldKind::Text)
                .value(val(v, "bag_id")),
            FormField::new("contact", t(l, "dossiers-contactgegevens"), FieldKind::Text)
                .value(val(v, "contact")),
        ],
    )
}

async fn subject_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let kop = auth.resource().kop();
    if kop.gesloten() {
        return gesloten(&ctx, &id);
    }
    form_page(
        &ctx,
        ta(
            &ctx.lang,
            "dossiers-subject-titel",
            &[("nummer", (&kop.nummer).into())],
        ),
        t(&ctx.lang, "dossiers-subject-intro"),
        subject_form(&ctx.lang, &id, &Vec::new()),
        back_to(&ctx.lang, &id),
        StatusCode::OK,
    )
}

async fn subject_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let kop = auth.resource().kop();
    let opt = |k: &str| Some(val(&v, k)).filter(|s| !s.trim().is_empty());
    let n = NieuwSubject {
        soort: val(&v, "soort"),
        naam: val(&v, "naam"),
        geboortedatum: opt("geboortedatum"),
        bsn: opt("bsn"),
        adres: opt("adres"),
        postcode: opt("postcode"),
        contact: opt("contact"),
        kvk: opt("kvk"),
        bag_id: opt("bag_id"),
        rol: val(&v, "rol"),
        ..Default::default()
    };
    match store::add_subject(&state.db, &auth, state.settings.data_key.as_ref(), &n).await {
        Ok(_) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(e) => refused(
            &ctx,
            subject_form(&ctx.lang, &id, &v),
            e,
            ta(
                &ctx.lang,
                "dossiers-subject-titel",
                &[("nummer", (&kop.nummer).into())],
            ),
            t(&ctx.lang, "dossiers-subject-intro"),
            back_to(&ctx.lang, &id),
        ),
    }
}

// Participation.

async fn admit_form(state: &AppState, l: &str, id: &str, v: &Fields) -> Result<Form, WebError> {
    let orgs = platform::identity::list_organisations(&state.db).await?;
    let covenants = store::convenanten(&state.db).await?;
    Ok(Form::new(
        format!("/dossiers/{id}/deelname"),
        t(l, "dossiers-toelaten"),
        vec![
            FormField::new(
                "organisation_id",
                t(l, "dossiers-organisatie"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-kies"),
                    orgs.into_iter()
                        .filter(|o| o.kind != "gemeente")
                        .map(|o| (o.id, o.name))
                        .collect(),
                )),
            )
            .value(val(v, "organisation_id"))
            .required(),
            FormField::new(
                "convenant_id",
                t(l, "dossiers-convenant"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-kies"),
                    covenants
                        .iter()
                        .map(|c| {
                            (
                                c.id.clone(),
                                format!(
                                    "{} ({})",
                                    c.naam,
                                    ta(
                                        l,
                                        "dossiers-venster-van-tot",
                                        &[
                                            ("van", dag(l, &c.geldig_van).into()),
                                            ("tot", dag(l, &c.geldig_tot).into()),
                                        ],
                                    )
                                ),
                            )
                        })
                        .collect(),
                )),
            )
            .value(val(v, "convenant_id"))
            .required(),
            FormField::new(
                "doel",
                t(l, "dossiers-admit-doel"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-kies"),
                    covenants
                        .iter()
                        .flat_map(|c| {
                            c.doelen
                                .iter()
                                .map(|d| (d.id.clone(), format!("{}: {}", c.naam, d.omschrijving)))
                        })
                        .collect(),
                )),
            )
            .value(val(v, "doel"))
            .hint(t(l, "dossiers-admit-doel-hint"))
            .required(),
            FormField::new("van", t(l, "dossiers-admit-van"), FieldKind::Date)
                .value(val(v, "van"))
                .hint(t(l, "dossiers-admit-van-hint")),
            FormField::new("tot", t(l, "dossiers-admit-tot"), FieldKind::Date)
                .value(val(v, "tot"))
                .hint(t(l, "dossiers-admit-tot-hint")),
        ],
    ))
}

async fn admit_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let kop = auth.resource().kop();
    if kop.gesloten() {
        return gesloten(&ctx, &id);
    }
    let form = admit_form(&state, &ctx.lang, &id, &Vec::new()).await?;
    form_page(
        &ctx,
        ta(
            &ctx.lang,
            "dossiers-admit-titel",
            &[("nummer", (&kop.nummer).into())],
        ),
        t(&ctx.lang, "dossiers-admit-intro"),
        form,
        back_to(&ctx.lang, &id),
        StatusCode::OK,
    )
}

async fn admit_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let kop = auth.resource().kop();
    let n = NieuweDeelname {
        organisation_id: val(&v, "organisation_id"),
        convenant_id: val(&v, "convenant_id"),
        doel: val(&v, "doel"),
        van: Some(val(&v, "van")),
        tot: Some(val(&v, "tot")),
    };
    match store::admit(&state.db, &auth, &n).await {
        Ok(_) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(e) => {
            let form = admit_form(&state, &ctx.lang, &id, &v).await?;
            refused(
                &ctx,
                form,
                e,
                ta(
                    &ctx.lang,
                    "dossiers-admit-titel",
                    &[("nummer", (&kop.nummer).into())],
                ),
                t(&ctx.lang, "dossiers-admit-intro"),
                back_to(&ctx.lang, &id),
            )
        }
    }
}

fn revoke_form(l: &str, id: &str, pid: &str, v: &Fields) -> Form {
    Form::new(
        format!("/dossiers/{id}/deelname/{pid}/intrekken"),
        t(l, "dossiers-revoke-knop"),
        vec![
            FormField::new("reden", t(l, "dossiers-reden"), FieldKind::Text)
                .value(val(v, "reden"))
                .required(),
        ],
    )
}

async fn revoke_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, pid)): Path<(String, String)>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let kop = auth.resource().kop();
    form_page(
        &ctx,
        ta(
            &ctx.lang,
            "dossiers-revoke-titel",
            &[("nummer", (&kop.nummer).into())],
        ),
        t(&ctx.lang, "dossiers-revoke-intro"),
        revoke_form(&ctx.lang, &id, &pid, &Vec::new()),
        back_to(&ctx.lang, &id),
        StatusCode::OK,
    )
}

async fn revoke_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, pid)): Path<(String, String)>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let kop = auth.resource().kop();
    match store::revoke(&state.db, &auth, &pid, &val(&v, "reden")).await {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(e) => refused(
            &ctx,
            revoke_form(&ctx.lang, &id, &pid, &v),
            e,
            ta(
                &ctx.lang,
                "dossiers-revoke-titel",
                &[("nummer", (&kop.nummer).into())],
            ),
            t(&ctx.lang, "dossiers-revoke-intro"),
            back_to(&ctx.lang, &id),
        ),
    }
}

// Steering: phase, AVE, ZVH, involvement, review date, legal hold.

fn steer_form(l: &str, id: &str, soort: &str, kop: &store::DossierKop, v: &Fields) -> Option<Form> {
    let action = format!("/dossiers/{id}/sturing/{soort}");
    let toelichting = |key: &str| {
        FormField::new("toelichting", t(l, key), FieldKind::TextArea).value(val(v, "toelichting"))
    };
    let fields = match soort {
        "fase" => {
            let now = Fase::from_slug(&kop.fase)?;
            vec![
                FormField::new(
                    "fase",
                    ta(
                        l,
                        "dossiers-steer-van-naar",
                        &[("fase", now.label(l).into())],
                    ),
                    FieldKind::Select(
                        now.volgende()
                            .iter()
                            .map(|f| (f.slug().to_string(), f.label(l)))
                            .collect(),
                    ),
                )
                .value(val(v, "fase"))
                .required(),
                toelichting("dossiers-steer-toelichting-sluiten"),
            ]
        }
        "ave" => vec![
            FormField::new(
                "fase",
                t(l, "dossiers-historie-ave"),
                FieldKind::Select(
                    (1..=4)
                        .map(|i| (i.to_string(), model::ave_label(l, i)))
                        .collect(),
                ),
            )
            .value(if v.is_empty() {
                kop.ave_fase.to_string()
            } else {
                val(v, "fase")
            }),
            toelichting("dossiers-toelichting"),
        ],
        "zvh" => vec![
            FormField::new(
                "tafel",
                t(l, "dossiers-steer-tafel"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-steer-tafel-terug"),
                    model::keuzes(l, "zvh", &model::ZVH_TAFELS),
                )),
            )
            .value(val(v, "tafel")),
            toelichting("dossiers-steer-tafel-toelichting"),
        ],
        "inwoner" => vec![
            FormField::new(
                "status",
                t(l, "dossiers-betrokkenheid"),
                FieldKind::Select(model::keuzes(l, "inwoner", &model::INWONER)),
            )
            .value(if v.is_empty() {
                kop.inwoner.clone()
            } else {
                val(v, "status")
            }),
            toelichting("dossiers-steer-inwoner-toelichting"),
        ],
        "review" => vec![FormField::new(
            "datum",
            t(l, "dossiers-datum-herbeoordeling"),
            FieldKind::Date,
        )
        .value(if v.is_empty() {
            kop.reviewdatum.clone().unwrap_or_default()
        } else {
            val(v, "datum")
        })
        .required()],
        "legal-hold" => vec![
            FormField::new(
                "aan",
                t(l, "dossiers-historie-legal-hold"),
                FieldKind::Select(vec![
                    ("aan".into(), t(l, "dossiers-steer-hold-aan")),
                    ("uit".into(), t(l, "dossiers-steer-hold-uit")),
                ]),
            )
            .value(val(v, "aan")),
            FormField::new("reden", t(l, "dossiers-reden"), FieldKind::Text)
                .value(val(v, "reden"))
                .required(),
        ],
        _ => return None,
    };
    Some(Form::new(action, t(l, "dossiers-opslaan"), fields))
}

fn steer_title(l: &str, soort: &str, nummer: &str) -> String {
    let label = if STURING.contains(&soort) {
        t(l, &format!("dossiers-sturing-{soort}"))
    } else {
        t(l, "dossiers-detail-sturing")
    };
    format!("{label} – {nummer}")
}

async fn steer_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, soort)): Path<(String, String)>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let kop = auth.resource().kop();
    if kop.gesloten() && soort != "legal-hold" {
        return gesloten(&ctx, &id);
    }
    let form = steer_form(&ctx.lang, &id, &soort, kop, &Vec::new()).ok_or(WebError::NotFound)?;
    form_page(
        &ctx,
        steer_title(&ctx.lang, &soort, &kop.nummer),
        t(&ctx.lang, "dossiers-steer-intro"),
        form,
        back_to(&ctx.lang, &id),
        StatusCode::OK,
    )
}

async fn steer_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, soort)): Path<(String, String)>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id).await?;
    let kop = auth.resource().kop();
    let form = steer_form(&ctx.lang, &id, &soort, kop, &v).ok_or(WebError::NotFound)?;
    let toelichting = val(&v, "toelichting");
    let result = match soort.as_str() {
        "fase" => store::change_fase(&state.db, &auth, &val(&v, "fase"), &toelichting).await,
        other => {
            let s = match other {
                "ave" => Sturing::Ave {
                    fase: val(&v, "fase").parse().unwrap_or(0),
                    toelichting,
                },
                "zvh" => Sturing::Zvh {
                    tafel: val(&v, "tafel"),
                    toelichting,
                },
                "inwoner" => Sturing::Inwoner {
                    status: val(&v, "status"),
                    toelichting,
                },
                "review" => Sturing::Review {
                    datum: val(&v, "datum"),
                },
                _ => Sturing::LegalHold {
                    aan: val(&v, "aan") == "aan",
                    reden: val(&v, "reden"),
                },
            };
            store::stuur(&state.db, &auth, &s).await
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(e) => refused(
            &ctx,
            form,
            e,
            steer_title(&ctx.lang, &soort, &kop.nummer),
            t(&ctx.lang, "dossiers-steer-intro"),
            back_to(&ctx.lang, &id),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Meetings.

#[derive(Template)]
#[template(path = "dossiers_overleggen.html")]
struct MeetingsPage {
    m: Texts,
    shell: Shell,
    rows: Vec<Regel>,
    may_create: bool,
}

async fn meetings_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Overleggen,
        Purpose::Uitvoering,
    )
    .await?;
    let list = store::overleggen(&state.db, &auth).await?;
    let rows = list
        .into_iter()
        .map(|o| Regel {
            a: dag_kort(&o.datum),
            b: o.titel,
            c: model::overleg_soort_naam(&o.soort)
                .map(|_| model::label(&ctx.lang, "overleg", &o.soort))
                .unwrap_or_default(),
            d: o.id,
        })
        .collect();
    render(&MeetingsPage {
        m: texts(&ctx),
        shell: Shell::titled(&ctx, t(&ctx.lang, "dossiers-overleggen")),
        rows,
        may_create: mag_regie_voeren(p),
    })
}

async fn meeting_form(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    v: &Fields,
) -> Result<Form, WebError> {
    let orgs = platform::identity::list_organisations(&state.db).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Dossierlijst,
        Purpose::Uitvoering,
    )
    .await?;
    let (mine, _) = store::list(&state.db, &auth, &store::Filter::default(), 1).await?;
    let teams = platform::identity::team_ids_of_user(&state.db, &p.user_id).await?;
    let chosen = vals(v, "agenda");
    let chosen_orgs = vals(v, "deelnemers");
    let l = ctx.lang.as_str();
    Ok(Form::new(
        "/dossiers/overleggen/nieuw",
        t(l, "dossiers-overleg-plannen"),
        vec![
            FormField::new(
                "soort",
                t(l, "dossiers-overleg-soort"),
                FieldKind::Select(model::keuzes(l, "overleg", &model::OVERLEG_SOORTEN)),
            )
            .value(val(v, "soort")),
            FormField::new("titel", t(l, "dossiers-titel"), FieldKind::Text)
                .value(val(v, "titel"))
                .required(),
            FormField::new("datum", t(l, "dossiers-datum"), FieldKind::Date)
                .value(val(v, "datum"))
                .required(),
            FormField::new(
                "deelnemers",
                t(l, "dossiers-overleg-organisaties"),
                FieldKind::Checkboxes(
                    orgs.into_iter()
                        .filter(|o| o.id != p.organisation_id)
                        .map(|o| {
                            let c = chosen_orgs.contains(&o.id);
                            (o.id, o.name, c)
                        })
                        .collect(),
                ),
            ),
            FormField::new(
                "agenda",
                t(l, "dossiers-overleg-agenda-keuze"),
                FieldKind::Checkboxes(
                    mine.into_iter()
                        .filter(|d| {
                            d.regie_organisation_id == p.organisation_id
                                && teams.contains(&d.regie_team_id)
                                && d.fase != "gesloten"
                        })
                        .map(|d| {
                            let c = chosen.contains(&d.id);
                            (d.id, format!("{} – {}", d.nummer, d.titel), c)
                        })
                        .collect(),
                ),
            ),
        ],
    ))
}

async fn meeting_new_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Overleggen,
        Purpose::Uitvoering,
    )
    .await?;
    let form = meeting_form(&state, &ctx, p, &Vec::new()).await?;
    form_page(
        &ctx,
        t(&ctx.lang, "dossiers-overleg-nieuw"),
        t(&ctx.lang, "dossiers-overleg-intro"),
        form,
        (
            "/dossiers/overleggen".into(),
            t(&ctx.lang, "dossiers-terug-overleggen"),
        ),
        StatusCode::OK,
    )
}

async fn meeting_new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Overleggen,
        Purpose::Uitvoering,
    )
    .await?;
    let n = NieuwOverleg {
        soort: val(&v, "soort"),
        titel: val(&v, "titel"),
        datum: val(&v, "datum"),
        deelnemers: vals(&v, "deelnemers"),
        agenda: vals(&v, "agenda"),
    };
    match store::create_overleg(&state.db, &ctx.request, &auth, &n).await {
        Ok(id) => Ok(Redirect::to(&format!("/dossiers/overleggen/{id}")).into_response()),
        Err(e) => {
            let form = meeting_form(&state, &ctx, p, &v).await?;
            refused(
                &ctx,
                form,
                e,
                t(&ctx.lang, "dossiers-overleg-nieuw"),
                t(&ctx.lang, "dossiers-overleg-intro"),
                (
                    "/dossiers/overleggen".into(),
                    t(&ctx.lang, "dossiers-terug-overleggen"),
                ),
            )
        }
    }
}

pub struct Agendapunt {
    pub id: String,
    pub nummer: String,
    pub items: Vec<ItemView>,
    pub may_record: bool,
}

#[derive(Template)]
#[template(path = "dossiers_overleg.html")]
struct MeetingPage {
    m: Texts,
    shell: Shell,
    o: store::Overleg,
    soort: String,
    deelnemers: Vec<String>,
    agenda: Vec<Agendapunt>,
}

/// A meeting: its agenda holds only the cases the viewer may open (the store leaves the others
/// out, unnamed), and of each only the meeting's entries the viewer may see, each recorded.
async fn meeting_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let meeting = store::open_overleg(&state.db, &ctx.request, p, &id, Action::Read).await?;
    let (o, zaken) = store::overleg_met_agenda(&state.db, &meeting).await?;
    let orgs = org_names(&state).await;
    let agenda = zaken
        .into_iter()
        .map(|z| Agendapunt {
            nummer: format!("{} – {}", z.kop.nummer, z.kop.titel),
            items: z
                .items
                .iter()
                .map(|i| item_view(&ctx.lang, i, &orgs, None))
                .collect(),
            may_record: z.regie && !z.kop.gesloten(),
            id: z.kop.id,
        })
        .collect();
    render(&MeetingPage {
        m: texts(&ctx),
        shell: Shell::titled(
            &ctx,
            ta(
                &ctx.lang,
                "dossiers-overleg-titel",
                &[
                    ("titel", (&o.titel).into()),
                    ("datum", dag(&ctx.lang, &o.datum).into()),
                ],
            ),
        ),
        soort: model::overleg_soort_naam(&o.soort)
            .map(|_| model::label(&ctx.lang, "overleg", &o.soort))
            .unwrap_or_default(),
        deelnemers: o
            .deelnemers
            .iter()
            .map(|d| orgs.get(d).cloned().unwrap_or_default())
            .collect(),
        agenda,
        o,
    })
}

fn discussion_form(l: &str, oid: &str, did: &str, v: &Fields) -> Form {
    Form::new(
        format!("/dossiers/overleggen/{oid}/dossier/{did}"),
        t(l, "dossiers-verslag-opslaan"),
        vec![
            FormField::new(
                "categorie",
                t(l, "dossiers-verslag-categorie"),
                FieldKind::Select(with_empty(
                    &t(l, "dossiers-kies"),
                    categorie_opts(l, |_| true),
                )),
            )
            .value(val(v, "categorie"))
            .required(),
            FormField::new("tekst", t(l, "dossiers-verslag"), FieldKind::TextArea)
                .value(val(v, "tekst"))
                .required(),
            FormField::new(
                "besluiten",
                t(l, "dossiers-verslag-besluiten"),
                FieldKind::TextArea,
            )
            .value(val(v, "besluiten")),
        ],
    )
}

async fn discussion_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((oid, did)): Path<(String, String)>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let meeting = store::open_overleg(&state.db, &ctx.request, p, &oid, Action::Update).await?;
    let o = store::overleg(&state.db, &meeting).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &did).await?;
    let kop = auth.resource().kop();
    if kop.gesloten() {
        return gesloten(&ctx, &did);
    }
    form_page(
        &ctx,
        ta(
            &ctx.lang,
            "dossiers-bespreking-titel",
            &[
                ("nummer", (&kop.nummer).into()),
                ("overleg", (&o.titel).into()),
            ],
        ),
        t(&ctx.lang, "dossiers-overleg-intro"),
        discussion_form(&ctx.lang, &oid, &did, &Vec::new()),
        (
            format!("/dossiers/overleggen/{oid}"),
            t(&ctx.lang, "dossiers-terug-overleg"),
        ),
        StatusCode::OK,
    )
}

async fn discussion_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((oid, did)): Path<(String, String)>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let meeting = store::open_overleg(&state.db, &ctx.request, p, &oid, Action::Update).await?;
    let o = store::overleg(&state.db, &meeting).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &did).await?;
    let kop = auth.resource().kop();
    let cat = val(&v, "categorie");
    let verslag = NieuwItem {
        soort: "verslag".into(),
        categorie: cat.clone(),
        titel: ta(
            &ctx.lang,
            "dossiers-verslag-titel",
            &[
                ("overleg", (&o.titel).into()),
                ("datum", dag(&ctx.lang, &o.datum).into()),
            ],
        ),
        tekst: val(&v, "tekst"),
        ..Default::default()
    };
    let besluiten: Vec<NieuwItem> = val(&v, "besluiten")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| NieuwItem {
            soort: "taak".into(),
            categorie: cat.clone(),
            titel: l.to_string(),
            ..Default::default()
        })
        .collect();
    let result = if val(&v, "tekst").trim().is_empty() {
        Err(StoreError::Invalid(vec![platform::identity::field_error(
            "tekst",
            &t(&ctx.lang, "dossiers-verslag-leeg"),
        )]))
    } else {
        store::record_discussion(&state.db, &meeting, &auth, &verslag, &besluiten).await
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/overleggen/{oid}")).into_response()),
        Err(e) => refused(
            &ctx,
            discussion_form(&ctx.lang, &oid, &did, &v),
            e,
            ta(
                &ctx.lang,
                "dossiers-bespreking-titel",
                &[
                    ("nummer", (&kop.nummer).into()),
                    ("overleg", (&o.titel).into()),
                ],
            ),
            t(&ctx.lang, "dossiers-overleg-intro"),
            (
                format!("/dossiers/overleggen/{oid}"),
                t(&ctx.lang, "dossiers-terug-overleg"),
            ),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Covenants, case types, destruction records.

/// A party's terms in one version, as shown.
pub struct PartijRij {
    pub organisatie: String,
    pub ontvangen: String,
    pub verstrekken: String,
    pub grondslag: String,
    pub toegang: String,
    /// Active participations of the party under this version.
    pub deelnames: String,
}

/// One version of a covenant, as shown.
pub struct VersieRij {
    /// "Versie 2 (huidig)".
    pub kop: String,
    /// The caption of its table of parties.
    pub caption: String,
    pub versie: i64,
    pub huidig: bool,
    pub sinds: String,
    pub toelichting: String,
    pub doelen: String,
    pub partijen_zien_elkaar: bool,
    pub partijen: Vec<PartijRij>,
}

/// A covenant as shown on the covenants page.
pub struct ConvenantRij {
    pub c: store::Convenant,
    pub status: String,
    /// Its term in words.
    pub geldig: String,
    /// The names of the case types it covers.
    pub zaaktypen: String,
    pub huidige_versie: String,
    /// Newest first.
    pub versies: Vec<VersieRij>,
    /// (organisation, e-mail address, recorded, account id)
    pub vertegenwoordigers: Vec<Regel>,
    /// Whether a version limits a party to named representatives.
    pub met_vertegenwoordigers: bool,
}

#[derive(Template)]
#[template(path = "dossiers_convenanten.html")]
struct CovenantsPage {
    m: Texts,
    shell: Shell,
    convenanten: Vec<ConvenantRij>,
    zaaktypen: Vec<ZaaktypeRij>,
    vernietigd: Vec<Regel>,
    may_admin: bool,
    may_list: bool,
    may_sar: bool,
}

/// A case type as shown: its categories and tasks in words.
pub struct ZaaktypeRij {
    pub naam: String,
    pub omschrijving: String,
    pub categorieen: String,
    pub taken: String,
    pub bewaartermijn: String,
}

fn categorie_namen(l: &str, list: &[String]) -> String {
    let s = list
        .iter()
        .filter_map(|s| Categorie::from_slug(s))
        .map(|c| c.label(l))
        .collect::<Vec<_>>()
        .join(", ");
    if s.is_empty() {
        t(l, "dossiers-geen")
    } else {
        s
    }
}

fn convenant_rij(
    l: &str,
    c: store::Convenant,
    orgs: &HashMap<String, String>,
    zaaktypen: &HashMap<String, String>,
    today: jiff::civil::Date,
    eigen_org: Option<&str>,
) -> ConvenantRij {
    let status = t(
        l,
        if c.ingetrokken {
            "dossiers-conv-status-ingetrokken"
        } else if c.geldig_op(today) {
            "dossiers-conv-status-geldig"
        } else {
            "dossiers-conv-status-ongeldig"
        },
    );
    let geldig = ta(
        l,
        "dossiers-venster-van-tot",
        &[
            ("van", dag(l, &c.geldig_van).into()),
            ("tot", dag(l, &c.geldig_tot).into()),
        ],
    );
    let zaaktype_namen = c
        .zaaktypen
        .iter()
        .map(|z| zaaktypen.get(z).cloned().unwrap_or_else(|| z.clone()))
        .collect::<Vec<_>>()
        .join(", ");
    let huidige_versie = ta(
        l,
        "dossiers-conv-huidige-versie-uitleg",
        &[("versie", c.versie.into())],
    );
    let org_naam = |id: &str| orgs.get(id).cloned().unwrap_or_else(|| id.to_string());
    let versies = c
        .versies
        .iter()
        .rev()
        .map(|v| VersieRij {
            kop: if v.versie == c.versie {
                ta(
                    l,
                    "dossiers-conv-versie-huidig",
                    &[("versie", v.versie.into())],
                )
            } else {
                ta(l, "dossiers-conv-versie", &[("versie", v.versie.into())])
            },
            caption: ta(
                l,
                "dossiers-conv-partijen-caption",
                &[("naam", (&c.naam).into()), ("versie", v.versie.into())],
            ),
            versie: v.versie,
            huidig: v.versie == c.versie,
            sinds: if v.created_at > 0 {
                fmt_time(v.created_at, false)
            } else {
                t(l, "dossiers-onbekend-klein")
            },
            toelichting: v.toelichting.clone(),
            doelen: v
                .doelen
                .iter()
                .map(|d| d.omschrijving.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            partijen_zien_elkaar: v.partijen_zien_elkaar,
            partijen: v
                .partijen
                .iter()
                .map(|x| PartijRij {
                    organisatie: org_naam(&x.organisation_id),
                    ontvangen: categorie_namen(l, &x.ontvangen),
                    verstrekken: categorie_namen(l, &x.verstrekken),
                    grondslag: x
                        .grondslagen
                        .iter()
                        .map(|(cat, g)| {
                            format!(
                                "{}: {g}",
                                Categorie::from_slug(cat)
                                    .map(|c| c.label(l))
                                    .unwrap_or_else(|| cat.clone())
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    toegang: if x.alleen_vertegenwoordigers {
                        t(l, "dossiers-conv-toegang-vertegenwoordigers")
                    } else {
                        t(l, "dossiers-conv-toegang-alle")
                    },
                    // The counts of other parties only for the covenant's administrators.
                    deelnames: match (eigen_org, v.deelnames.get(&x.organisation_id)) {
                        (Some(o), _) if o != x.organisation_id => t(l, "dossiers-niet-zichtbaar"),
                        (_, Some(n)) => n.to_string(),
                        (_, None) => "0".into(),
                    },
                })
                .collect(),
        })
        .collect();
    let met_vertegenwoordigers = c
        .versies
        .iter()
        .any(|v| v.partijen.iter().any(|p| p.alleen_vertegenwoordigers));
    let vertegenwoordigers = c
        .vertegenwoordigers
        .iter()
        .map(|r| Regel {
            a: org_naam(&r.organisation_id),
            b: r.email.clone(),
            c: fmt_time(r.created_at, false),
            d: r.user_id.clone(),
        })
        .collect();
    ConvenantRij {
        c,
        status,
        geldig,
        zaaktypen: zaaktype_namen,
        huidige_versie,
        versies,
        vertegenwoordigers,
        met_vertegenwoordigers,
    }
}

async fn covenants_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Convenanten,
        Purpose::Uitvoering,
    )
    .await?;
    let orgs = org_names(&state).await;
    let today = store::vandaag();
    let admin = mag_convenanten_beheren(p);
    let eigen = (!admin).then_some(p.organisation_id.as_str());
    let l = ctx.lang.as_str();
    let zaaktypen = store::zaaktypen(&state.db).await?;
    let zt_namen: HashMap<String, String> = zaaktypen
        .iter()
        .map(|z| (z.slug.clone(), z.naam.clone()))
        .collect();
    let convenanten = store::convenanten(&state.db)
        .await?
        .into_iter()
        .map(|c| convenant_rij(l, c.voor(p), &orgs, &zt_namen, today, eigen))
        .collect();
    let zaaktypen = zaaktypen
        .into_iter()
        .map(|z| ZaaktypeRij {
            categorieen: categorie_namen(l, &z.categorieen),
            taken: z.taken.join("; "),
            bewaartermijn: t_count(l, "dossiers-bewaartermijn-jaren", z.bewaartermijn_jaren),
            naam: z.naam,
            omschrijving: z.omschrijving,
        })
        .collect();
    let vernietigd = if admin {
        store::vernietigingen(&state.db)
            .await?
            .into_iter()
            .map(|v| Regel {
                a: v.dossier_nummer,
                b: zt_namen.get(&v.zaaktype).cloned().unwrap_or(v.zaaktype),
                c: dag_kort(&v.bewaren_tot),
                d: format!(
                    "{} ({})",
                    fmt_time(v.vernietigd_at, false),
                    t_count(l, "dossiers-vastleggingen-aantal", v.items)
                ),
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&CovenantsPage {
        m: texts(&ctx),
        shell: Shell::titled(&ctx, t(l, "dossiers-convenanten-zaaktypen")),
        convenanten,
        zaaktypen,
        vernietigd,
        may_admin: admin,
        may_list: mag_module_zien(p),
        may_sar: may_sar(p),
    })
}

/// The terms of a covenant version as form fields: per organisation the categories it may
/// receive and provide, the legal basis, and whether only its named representatives see the
/// cases.
fn terms_fields(l: &str, orgs: &[platform::identity::Organisation], v: &Fields) -> Vec<FormField> {
    let mut fields = vec![FormField::new(
        "partijen_zien_elkaar",
        t(l, "dossiers-terms-zichtbaarheid"),
        FieldKind::Checkboxes(vec![(
            "ja".into(),
            t(l, "dossiers-terms-zichtbaarheid-ja"),
            vals(v, "partijen_zien_elkaar").iter().any(|x| x == "ja"),
        )]),
    )];
    for o in orgs {
        for dir in ["ontvangen", "verstrekken"] {
            let name = format!("{dir}-{}", o.id);
            let picked = vals(v, &name);
            fields.push(FormField::new(
                &name,
                ta(
                    l,
                    &format!("dossiers-terms-{dir}"),
                    &[("organisatie", (&o.name).into())],
                ),
                FieldKind::Checkboxes(
                    Categorie::ALL
                        .iter()
                        .map(|c| {
                            (
                                c.slug().to_string(),
                                c.label(l),
                                picked.iter().any(|x| x == c.slug()),
                            )
                        })
                        .collect(),
                ),
            ));
        }
        let name = format!("grondslag-{}", o.id);
        fields.push(
            FormField::new(
                &name,
                ta(
                    l,
                    "dossiers-terms-grondslag",
                    &[("organisatie", (&o.name).into())],
                ),
                FieldKind::Text,
            )
            .value(val(v, &name))
            .hint(t(l, "dossiers-terms-grondslag-hint")),
        );
        let name = format!("vertegenwoordigers-{}", o.id);
        fields.push(FormField::new(
            &name,
            ta(
                l,
                "dossiers-terms-toegang",
                &[("organisatie", (&o.name).into())],
            ),
            FieldKind::Checkboxes(vec![(
                "ja".into(),
                ta(
                    l,
                    "dossiers-terms-toegang-ja",
                    &[("organisatie", (&o.name).into())],
                ),
                vals(v, &name).iter().any(|x| x == "ja"),
            )]),
        ));
    }
    fields
}

/// The parties as entered in the terms fields (an organisation without categories is none).
fn partijen_uit(orgs: &[platform::identity::Organisation], v: &Fields) -> Vec<NieuwePartij> {
    orgs.iter()
        .map(|o| NieuwePartij {
            ontvangen: vals(v, &format!("ontvangen-{}", o.id)),
            verstrekken: vals(v, &format!("verstrekken-{}", o.id)),
            grondslag: Some(val(v, &format!("grondslag-{}", o.id))),
            grondslagen: Default::default(),
            alleen_vertegenwoordigers: vals(v, &format!("vertegenwoordigers-{}", o.id))
                .iter()
                .any(|x| x == "ja"),
            organisation_id: o.id.clone(),
        })
        .filter(|x| !x.ontvangen.is_empty() || !x.verstrekken.is_empty())
        .collect()
}

async fn covenant_form(state: &AppState, l: &str, v: &Fields) -> Result<Form, WebError> {
    let orgs = platform::identity::list_organisations(&state.db).await?;
    let zaaktypen = store::zaaktypen(&state.db).await?;
    let chosen = vals(v, "zaaktypen");
    let mut fields = vec![
        FormField::new("naam", t(l, "dossiers-naam"), FieldKind::Text)
            .value(val(v, "naam"))
            .required(),
        FormField::new("doelen", t(l, "dossiers-terms-doelen"), FieldKind::TextArea)
            .value(val(v, "doelen"))
            .hint(t(l, "dossiers-terms-doelen-hint"))
            .required(),
        FormField::new(
            "zaaktypen",
            t(l, "dossiers-terms-zaaktypen"),
            FieldKind::Checkboxes(
                zaaktypen
                    .into_iter()
                    .map(|z| {
                        let c = chosen.contains(&z.slug);
                        (z.slug, z.naam, c)
                    })
                    .collect(),
            ),
        ),
        FormField::new(
            "geldig_van",
            t(l, "dossiers-terms-geldig-van"),
            FieldKind::Date,
        )
        .value(val(v, "geldig_van"))
        .required(),
        FormField::new(
            "geldig_tot",
            t(l, "dossiers-terms-geldig-tot"),
            FieldKind::Date,
        )
        .value(val(v, "geldig_tot"))
        .required(),
    ];
    fields.extend(terms_fields(l, &orgs, v));
    Ok(Form::new(
        "/dossiers/convenanten/nieuw",
        t(l, "dossiers-conv-vastleggen"),
        fields,
    ))
}

async fn covenant_new_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let form = covenant_form(&state, &ctx.lang, &Vec::new()).await?;
    form_page(
        &ctx,
        t(&ctx.lang, "dossiers-conv-nieuw"),
        t(&ctx.lang, "dossiers-conv-nieuw-intro"),
        form,
        back_to_covenants(&ctx.lang),
        StatusCode::OK,
    )
}

async fn covenant_new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let orgs = platform::identity::list_organisations(&state.db).await?;
    let n = NieuwConvenant {
        naam: val(&v, "naam"),
        doelen: store::Doelen::Tekst(val(&v, "doelen")),
        zaaktypen: vals(&v, "zaaktypen"),
        geldig_van: val(&v, "geldig_van"),
        geldig_tot: val(&v, "geldig_tot"),
        partijen_zien_elkaar: vals(&v, "partijen_zien_elkaar").iter().any(|x| x == "ja"),
        partijen: partijen_uit(&orgs, &v),
    };
    match store::create_convenant(&state.db, &auth, &n).await {
        Ok(_) => Ok(Redirect::to("/dossiers/convenanten").into_response()),
        Err(e) => {
            let form = covenant_form(&state, &ctx.lang, &v).await?;
            refused(
                &ctx,
                form,
                e,
                t(&ctx.lang, "dossiers-conv-nieuw"),
                t(&ctx.lang, "dossiers-conv-nieuw-intro"),
                back_to_covenants(&ctx.lang),
            )
        }
    }
}

/// The current version's terms as form values, to start a new version from.
fn version_values(c: &store::Convenant) -> Fields {
    let mut v: Fields = vec![(
        "doelen".into(),
        c.doelen
            .iter()
            .map(|d| d.omschrijving.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    )];
    if c.partijen_zien_elkaar {
        v.push(("partijen_zien_elkaar".into(), "ja".into()));
    }
    for p in &c.partijen {
        for x in &p.ontvangen {
            v.push((format!("ontvangen-{}", p.organisation_id), x.clone()));
        }
        for x in &p.verstrekken {
            v.push((format!("verstrekken-{}", p.organisation_id), x.clone()));
        }
        let mut gronden: Vec<&str> = p.grondslagen.values().map(String::as_str).collect();
        gronden.sort();
        gronden.dedup();
        v.push((
            format!("grondslag-{}", p.organisation_id),
            gronden.join("; "),
        ));
        if p.alleen_vertegenwoordigers {
            v.push((
                format!("vertegenwoordigers-{}", p.organisation_id),
                "ja".into(),
            ));
        }
    }
    v
}

async fn version_form(state: &AppState, l: &str, id: &str, v: &Fields) -> Result<Form, WebError> {
    let orgs = platform::identity::list_organisations(&state.db).await?;
    let mut fields =
        vec![
            FormField::new("doelen", t(l, "dossiers-terms-doelen"), FieldKind::TextArea)
                .value(val(v, "doelen"))
                .hint(t(l, "dossiers-versie-doelen-hint"))
                .required(),
        ];
    fields.extend(terms_fields(l, &orgs, v));
    fields.push(
        FormField::new(
            "toelichting",
            t(l, "dossiers-versie-toelichting"),
            FieldKind::TextArea,
        )
        .value(val(v, "toelichting"))
        .hint(t(l, "dossiers-versie-toelichting-hint")),
    );
    Ok(Form::new(
        format!("/dossiers/convenanten/{id}/versie"),
        t(l, "dossiers-versie-vastleggen"),
        fields,
    ))
}

async fn find_covenant(state: &AppState, id: &str) -> Result<store::Convenant, WebError> {
    store::convenanten(&state.db)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(WebError::NotFound)
}

fn back_to_covenants(l: &str) -> (String, String) {
    (
        "/dossiers/convenanten".into(),
        t(l, "dossiers-terug-convenanten"),
    )
}

async fn covenant_version_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let c = find_covenant(&state, &id).await?;
    let form = version_form(&state, &ctx.lang, &id, &version_values(&c)).await?;
    form_page(
        &ctx,
        ta(
            &ctx.lang,
            "dossiers-versie-titel",
            &[("naam", (&c.naam).into()), ("versie", c.versie.into())],
        ),
        t(&ctx.lang, "dossiers-versie-intro"),
        form,
        back_to_covenants(&ctx.lang),
        StatusCode::OK,
    )
}

async fn covenant_version_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let c = find_covenant(&state, &id).await?;
    let orgs = platform::identity::list_organisations(&state.db).await?;
    let n = store::NieuweVersie {
        doelen: store::Doelen::Tekst(val(&v, "doelen")),
        partijen_zien_elkaar: vals(&v, "partijen_zien_elkaar").iter().any(|x| x == "ja"),
        partijen: partijen_uit(&orgs, &v),
        toelichting: val(&v, "toelichting"),
    };
    match store::nieuwe_versie(&state.db, &auth, &id, &n).await {
        Ok(_) => Ok(Redirect::to("/dossiers/convenanten").into_response()),
        Err(e) => {
            let form = version_form(&state, &ctx.lang, &id, &v).await?;
            refused(
                &ctx,
                form,
                e,
                ta(
                    &ctx.lang,
                    "dossiers-versie-titel",
                    &[("naam", (&c.naam).into()), ("versie", c.versie.into())],
                ),
                t(&ctx.lang, "dossiers-versie-intro"),
                back_to_covenants(&ctx.lang),
            )
        }
    }
}

async fn representative_form(
    state: &AppState,
    l: &str,
    c: &store::Convenant,
    v: &Fields,
) -> Result<Form, WebError> {
    let orgs = org_names(state).await;
    let mut partijen: Vec<(String, String)> = Vec::new();
    for versie in c.versies.iter().rev() {
        for p in &versie.partijen {
            if !partijen.iter().any(|(id, _)| *id == p.organisation_id) {
                partijen.push((
                    p.organisation_id.clone(),
                    orgs.get(&p.organisation_id)
                        .cloned()
                        .unwrap_or_else(|| p.organisation_id.clone()),
                ));
            }
        }
    }
    Ok(Form::new(
        format!("/dossiers/convenanten/{}/vertegenwoordigers", c.id),
        t(l, "dossiers-conv-vertegenwoordiger-vastleggen"),
        vec![
            FormField::new(
                "organisation_id",
                t(l, "dossiers-partij"),
                FieldKind::Select(partijen),
            )
            .value(val(v, "organisation_id"))
            .required(),
            FormField::new(
                "email",
                t(l, "dossiers-vertegenwoordiger-email"),
                FieldKind::Email,
            )
            .value(val(v, "email"))
            .hint(t(l, "dossiers-vertegenwoordiger-email-hint"))
            .required(),
        ],
    ))
}

async fn representative_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let c = find_covenant(&state, &id).await?;
    let form = representative_form(&state, &ctx.lang, &c, &Vec::new()).await?;
    form_page(
        &ctx,
        format!(
            "{}: {}",
            t(&ctx.lang, "dossiers-conv-vertegenwoordiger-vastleggen"),
            c.naam
        ),
        t(&ctx.lang, "dossiers-vertegenwoordiger-intro"),
        form,
        back_to_covenants(&ctx.lang),
        StatusCode::OK,
    )
}

async fn representative_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let gate = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let c = find_covenant(&state, &id).await?;
    let n = store::NieuweVertegenwoordiger {
        organisation_id: val(&v, "organisation_id"),
        email: val(&v, "email"),
    };
    match store::vertegenwoordiger_toevoegen(&state.db, &ctx.request, &gate, &id, &n).await {
        Ok(_) => Ok(Redirect::to("/dossiers/convenanten").into_response()),
        Err(e) => {
            let form = representative_form(&state, &ctx.lang, &c, &v).await?;
            refused(
                &ctx,
                form,
                e,
                format!(
                    "{}: {}",
                    t(&ctx.lang, "dossiers-conv-vertegenwoordiger-vastleggen"),
                    c.naam
                ),
                t(&ctx.lang, "dossiers-vertegenwoordiger-intro"),
                back_to_covenants(&ctx.lang),
            )
        }
    }
}

async fn representative_remove(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, user_id)): Path<(String, String)>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let gate = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    store::vertegenwoordiger_verwijderen(&state.db, &ctx.request, &gate, &id, &user_id).await?;
    Ok(Redirect::to("/dossiers/convenanten").into_response())
}

async fn covenant_revoke(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    store::revoke_convenant(&state.db, &auth, &id).await?;
    Ok(Redirect::to("/dossiers/convenanten").into_response())
}

fn casetype_form(l: &str, v: &Fields) -> Form {
    let chosen = vals(v, "categorieen");
    Form::new(
        "/dossiers/zaaktypen/nieuw",
        t(l, "dossiers-zaaktype-toevoegen"),
        vec![
            FormField::new("slug", t(l, "dossiers-zaaktype-code"), FieldKind::Text)
                .value(val(v, "slug"))
                .hint(t(l, "dossiers-zaaktype-code-hint"))
                .required(),
            FormField::new("naam", t(l, "dossiers-naam"), FieldKind::Text)
                .value(val(v, "naam"))
                .required(),
            FormField::new(
                "omschrijving",
                t(l, "dossiers-omschrijving"),
                FieldKind::TextArea,
            )
            .value(val(v, "omschrijving")),
            FormField::new(
                "categorieen",
                t(l, "dossiers-zaaktype-categorieen"),
                FieldKind::Checkboxes(
                    Categorie::ALL
                        .iter()
                        .map(|c| {
                            (
                                c.slug().to_string(),
                                c.label(l),
                                chosen.iter().any(|x| x == c.slug()),
                            )
                        })
                        .collect(),
                ),
            ),
            FormField::new(
                "taken",
                t(l, "dossiers-zaaktype-taken"),
                FieldKind::TextArea,
            )
            .value(val(v, "taken")),
            FormField::new(
                "bewaartermijn_jaren",
                t(l, "dossiers-zaaktype-bewaartermijn"),
                FieldKind::Text,
            )
            .value(val(v, "bewaartermijn_jaren"))
            .required(),
        ],
    )
}

async fn casetype_new_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    form_page(
        &ctx,
        t(&ctx.lang, "dossiers-zaaktype-nieuw"),
        t(&ctx.lang, "dossiers-zaaktype-intro"),
        casetype_form(&ctx.lang, &Vec::new()),
        (
            "/dossiers/convenanten".into(),
            t(&ctx.lang, "dossiers-terug-convenanten-zaaktypen"),
        ),
        StatusCode::OK,
    )
}

async fn casetype_new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let years = val(&v, "bewaartermijn_jaren").trim().parse().unwrap_or(0);
    let n = NieuwZaaktype {
        slug: val(&v, "slug"),
        naam: val(&v, "naam"),
        omschrijving: val(&v, "omschrijving"),
        categorieen: vals(&v, "categorieen"),
        taken: val(&v, "taken").lines().map(str::to_string).collect(),
        bewaartermijn_jaren: years,
    };
    match store::create_zaaktype(&state.db, &auth, &n).await {
        Ok(()) => Ok(Redirect::to("/dossiers/convenanten").into_response()),
        Err(e) => refused(
            &ctx,
            casetype_form(&ctx.lang, &v),
            e,
            t(&ctx.lang, "dossiers-zaaktype-nieuw"),
            t(&ctx.lang, "dossiers-zaaktype-intro"),
            (
                "/dossiers/convenanten".into(),
                t(&ctx.lang, "dossiers-terug-convenanten-zaaktypen"),
            ),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Subject access request (AVG art. 15): search, draft, review by a second person, release,
// download; corrections (art. 16) and restrictions (art. 18).

#[derive(Template)]
#[template(path = "dossiers_inzage.html")]
struct SarSearchPage {
    m: Texts,
    shell: Shell,
    form: Form,
    hits: Vec<(String, String, String)>,
    gezocht: bool,
}

async fn sar_search_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        Betrokkenen,
        Purpose::Uitvoering,
    )
    .await?;
    let query = q.get("q").cloned().unwrap_or_default();
    let hits = if query.trim().is_empty() {
        Vec::new()
    } else {
        store::find_subjects(&state.db, &auth, &query)
            .await?
            .into_iter()
            .map(|(a, b, c)| {
                let soort = model::subject_soort_naam(&b)
                    .map(|_| model::label(&ctx.lang, "subject", &b))
                    .unwrap_or_default();
                (a, soort, c)
            })
            .collect()
    };
    let form = Form::new(
        "/dossiers/inzage",
        t(&ctx.lang, "dossiers-zoeken"),
        vec![FormField::new(
            "q",
            t(&ctx.lang, "dossiers-inzage-zoek-naam"),
            FieldKind::Search,
        )
        .value(query.clone())],
    )
    .get();
    render(&SarSearchPage {
        m: texts(&ctx),
        shell: Shell::titled(&ctx, t(&ctx.lang, "dossiers-inzage-titel")),
        form,
        hits,
        gezocht: !query.trim().is_empty(),
    })
}

#[derive(Template)]
#[template(path = "dossiers_inzage_subject.html")]
struct SarSubjectPage {
    m: Texts,
    shell: Shell,
    subject_id: String,
    verzoeken: Vec<Regel>,
    form: Form,
}

/// A subject's requests: the drafted and released exports the requester may answer for, and
/// the button to draft a new one.
async fn sar_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Read).await?;
    let (naam, list) = store::verzoeken(&state.db, &auth).await?;
    let verzoeken = list
        .into_iter()
        .map(|v| Regel {
            a: fmt_time(v.opgesteld_at, true),
            b: v.opgesteld_naam,
            c: match (&v.vrijgegeven_naam, v.vrijgegeven_at) {
                (Some(n), Some(at)) => ta(
                    &ctx.lang,
                    "dossiers-inzage-vrijgegeven-door",
                    &[("naam", n.into()), ("op", fmt_time(at, true).into())],
                ),
                _ => t(&ctx.lang, "dossiers-inzage-concept-wacht"),
            },
            d: v.id,
        })
        .collect();
    render(&SarSubjectPage {
        m: texts(&ctx),
        shell: Shell::titled(
            &ctx,
            format!("{}: {naam}", t(&ctx.lang, "dossiers-inzageverzoek")),
        ),
        form: Form::new(
            format!("/dossiers/inzage/{id}/concept"),
            t(&ctx.lang, "dossiers-inzage-opstellen"),
            Vec::new(),
        ),
        subject_id: id,
        verzoeken,
    })
}

async fn sar_draft(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Create).await?;
    match store::inzage_opstellen(&state.db, &auth, state.settings.data_key.as_ref()).await {
        Ok(v) => Ok(Redirect::to(&format!("/dossiers/inzage/verzoek/{v}")).into_response()),
        Err(StoreError::Refused(m)) => bericht(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &t(&ctx.lang, "dossiers-inzage-niet-opgesteld"),
            &m,
            (
                format!("/dossiers/inzage/{id}"),
                t(&ctx.lang, "dossiers-terug-verzoek"),
            ),
        ),
        Err(e) => Err(WebError::from(e)),
    }
}

#[derive(Template)]
#[template(path = "dossiers_inzage_verzoek.html")]
struct RequestPage {
    m: Texts,
    shell: Shell,
    /// Who drafted and (if so) released it.
    status_tekst: String,
    v: store::Verzoek,
    i: store::Inzage,
    dossiers: Vec<(store::InzageDossier, Vec<ItemView>, Vec<Regel>)>,
    toegang: Vec<Regel>,
    correcties: Vec<Regel>,
    vrijgeven: Option<Form>,
    vrijgegeven: bool,
}

/// A drafted or released export on screen, for its review: each entry shown is recorded as read
/// by the reviewer. A second person releases it; only then it can be downloaded.
async fn request_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let (auth, _) = store::open_verzoek(&state.db, &ctx.request, p, &id, Action::Read).await?;
    let mut v = match store::verzoek_inzien(&state.db, &auth, &id, state.settings.data_key.as_ref())
        .await
    {
        Ok(v) => v,
        Err(StoreError::Refused(m)) => {
            return bericht(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &t(&ctx.lang, "dossiers-inzage-niet-te-tonen"),
                &m,
                (
                    "/dossiers/inzage".into(),
                    t(&ctx.lang, "dossiers-terug-inzageverzoeken"),
                ),
            )
        }
        Err(e) => return Err(WebError::from(e)),
    };
    let Some(i) = v.inhoud.take() else {
        return Err(WebError::NotFound);
    };
    let orgs = org_names(&state).await;
    let l = ctx.lang.as_str();
    let dossiers = i
        .dossiers
        .iter()
        .map(|d| {
            (
                d.clone(),
                d.items
                    .iter()
                    .map(|it| item_view(&ctx.lang, it, &orgs, None))
                    .collect(),
                d.historie
                    .iter()
                    .map(|h| Regel {
                        a: fmt_time(h.at, false),
                        b: historie_soort(l, &h.soort),
                        c: code_label(l, &h.naar),
                        d: h.toelichting.clone(),
                    })
                    .collect(),
            )
        })
        .collect();
    let toegang = i
        .toegang
        .iter()
        .map(|r| Regel {
            a: fmt_time(r.at, true),
            b: format!(
                "{} ({})",
                r.actor_name,
                r.actor_org_name.clone().unwrap_or_default()
            ),
            c: format!(
                "{} {}",
                resource_label(l, &r.resource_type),
                t(l, &format!("audit-action-{}", r.action))
            ),
            d: t(l, &format!("audit-outcome-{}", r.outcome)),
        })
        .collect();
    let correcties = i
        .correcties
        .iter()
        .map(|c| Regel {
            a: fmt_time(c.at, false),
            b: c.veld.clone(),
            c: c.oude_waarde.clone(),
            d: format!("{} – {}", c.toelichting, c.door),
        })
        .collect();
    let vrijgegeven = v.status == store::VRIJGEGEVEN;
    let vrijgeven = (!vrijgegeven && v.opgesteld_door != p.user_id).then(|| {
        Form::new(
            format!("/dossiers/inzage/verzoek/{id}/vrijgeven"),
            t(l, "dossiers-inzage-vrijgeven"),
            Vec::new(),
        )
    });
    let status_tekst = if vrijgegeven {
        ta(
            l,
            "dossiers-inzage-status-vrijgegeven",
            &[
                ("opgesteld", (&v.opgesteld_naam).into()),
                (
                    "vrijgegeven",
                    v.vrijgegeven_naam.clone().unwrap_or_default().into(),
                ),
            ],
        )
    } else {
        ta(
            l,
            "dossiers-inzage-status-concept",
            &[("opgesteld", (&v.opgesteld_naam).into())],
        )
    };
    render(&RequestPage {
        m: texts(&ctx),
        status_tekst,
        shell: Shell::titled(
            &ctx,
            ta(
                l,
                if vrijgegeven {
                    "dossiers-inzage-titel-vrijgegeven"
                } else {
                    "dossiers-inzage-titel-concept"
                },
                &[("naam", (&i.subject.naam).into())],
            ),
        ),
        dossiers,
        toegang,
        correcties,
        vrijgeven,
        vrijgegeven,
        i,
        v,
    })
}

async fn request_release(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let (auth, _) = store::open_verzoek(&state.db, &ctx.request, p, &id, Action::Update).await?;
    match store::verzoek_vrijgeven(&state.db, &auth, &id).await {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/inzage/verzoek/{id}")).into_response()),
        Err(e) => conflict_of(
            &ctx,
            e,
            (
                format!("/dossiers/inzage/verzoek/{id}"),
                t(&ctx.lang, "dossiers-terug-inzage"),
            ),
        ),
    }
}

/// What an audit record was about, as a label; an unknown kind as it is.
fn resource_label(l: &str, kind: &str) -> String {
    let key = format!("dossiers-resource-{kind}");
    let label = t(l, &key);
    if label == key {
        kind.to_string()
    } else {
        label
    }
}

fn json_download(name: &str, v: &store::Verzoek) -> Result<Response, WebError> {
    let body = serde_json::to_vec_pretty(v).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/json".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// The download of a released export (409 while it is a concept).
async fn request_json(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let p = user(&state, &ctx).await?;
    let (auth, _) = store::open_verzoek(&state.db, &ctx.request, p, &id, Action::Export).await?;
    match store::verzoek_export(&state.db, &auth, &id, state.settings.data_key.as_ref()).await {
        Ok(v) => json_download(&format!("inzage-{}.json", v.subject_id), &v),
        Err(e) => conflict_of(
            &ctx,
            e,
            (
                format!("/dossiers/inzage/verzoek/{id}"),
                t(&ctx.lang, "dossiers-terug-inzage"),
            ),
        ),
    }
}

/// The newest released export of a subject (409 when there is none yet).
async fn sar_json(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let p = user(&state, &ctx).await?;
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Export).await?;
    let terug = (
        format!("/dossiers/inzage/{id}"),
        t(&ctx.lang, "dossiers-terug-verzoek"),
    );
    let Some(verzoek) = store::laatste_vrijgegeven(&state.db, &auth).await? else {
        return bericht(
            &ctx,
            StatusCode::CONFLICT,
            &t(&ctx.lang, "dossiers-inzage-geen-vrijgegeven-titel"),
            &t(&ctx.lang, "dossiers-inzage-geen-vrijgegeven-tekst"),
            terug,
        );
    };
    let (auth, _) =
        store::open_verzoek(&state.db, &ctx.request, p, &verzoek, Action::Export).await?;
    match store::verzoek_export(&state.db, &auth, &verzoek, state.settings.data_key.as_ref()).await
    {
        Ok(v) => json_download(&format!("inzage-{id}.json"), &v),
        Err(e) => conflict_of(&ctx, e, terug),
    }
}

/// The fields a correction or restriction can be about; labels `dossiers-correctie-<veld>`.
const CORRECTIE_VELDEN: [&str; 5] = ["naam", "adres", "contact", "geboortedatum", "beperking"];

fn correction_form(l: &str, id: &str, v: &Fields) -> Form {
    Form::new(
        format!("/dossiers/inzage/{id}/correctie"),
        t(l, "dossiers-vastleggen"),
        vec![
            FormField::new(
                "veld",
                t(l, "dossiers-wat"),
                FieldKind::Select(
                    CORRECTIE_VELDEN
                        .iter()
                        .map(|f| (f.to_string(), t(l, &format!("dossiers-correctie-{f}"))))
                        .collect(),
                ),
            )
            .value(val(v, "veld")),
            FormField::new("waarde", t(l, "dossiers-correctie-waarde"), FieldKind::Text)
                .value(val(v, "waarde")),
            FormField::new(
                "toelichting",
                t(l, "dossiers-correctie-toelichting"),
                FieldKind::TextArea,
            )
            .value(val(v, "toelichting"))
            .required(),
        ],
    )
}

async fn correction_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    store::open_inzage(&state.db, &ctx.request, p, &id, Action::Update).await?;
    form_page(
        &ctx,
        t(&ctx.lang, "dossiers-correctie-titel"),
        t(&ctx.lang, "dossiers-correctie-intro"),
        correction_form(&ctx.lang, &id, &Vec::new()),
        (
            format!("/dossiers/inzage/{id}"),
            t(&ctx.lang, "dossiers-terug-inzageverzoek"),
        ),
        StatusCode::OK,
    )
}

async fn correction_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    axum::Form(v): axum::Form<Fields>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Update).await?;
    match store::correct(
        &state.db,
        &auth,
        &val(&v, "veld"),
        &val(&v, "waarde"),
        &val(&v, "toelichting"),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/inzage/{id}")).into_response()),
        Err(e) => refused(
            &ctx,
            correction_form(&ctx.lang, &id, &v),
            e,
            t(&ctx.lang, "dossiers-correctie-titel"),
            t(&ctx.lang, "dossiers-correctie-intro"),
            (
                format!("/dossiers/inzage/{id}"),
                t(&ctx.lang, "dossiers-terug-inzageverzoek"),
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_out_or_dense_and_other_text_stays() {
        assert_eq!(dag("nl", "2026-12-07"), "7 december 2026");
        assert_eq!(dag("en", "2026-03-01"), "1 March 2026");
        assert_eq!(dag_kort("2026-12-07"), "07-12-2026");
        assert_eq!(dag("nl", "geen datum"), "geen datum");
    }

    #[test]
    fn plurals_come_from_fluent() {
        let m = Texts { lang: "nl".into() };
        assert_eq!(m.c("dossiers-vastleggingen-aantal", 1_i64), "1 vastlegging");
        assert_eq!(
            m.c("dossiers-vastleggingen-aantal", 2_usize),
            "2 vastleggingen"
        );
        assert_eq!(
            t_count("nl", "dossiers-bewaartermijn-jaren", 5),
            "5 jaar na sluiten"
        );
        assert_eq!(
            t_count("en", "dossiers-bewaartermijn-jaren", 1),
            "1 year after closing"
        );
    }

    #[test]
    fn history_and_audit_codes_are_labelled() {
        assert_eq!(historie_soort("nl", "deelname"), "Partner toegelaten");
        assert_eq!(code_label("nl", "plan"), "Plan van aanpak");
        assert_eq!(code_label("nl", "top-x"), "TOP X");
        assert_eq!(resource_label("nl", "dossier-item"), "vastlegging");
        assert_eq!(resource_label("nl", "iets-anders"), "iets-anders");
    }
}
