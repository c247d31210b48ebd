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
use platform::web::forms::FormPage;
use platform::access::{self, Action, Principal, Purpose};
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
        StoreError::Conflict(m) => bericht(ctx, StatusCode::CONFLICT, "Niet mogelijk", &m, terug),
        other => Err(WebError::from(other)),
    }
}

/// A form for a closed case is not shown: the message says why (409).
fn gesloten(ctx: &Ctx, id: &str) -> WebResult {
    bericht(
        ctx,
        StatusCode::CONFLICT,
        "Dossier gesloten",
        store::GESLOTEN,
        back_to(id),
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

fn opts(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn with_empty(first: &str, rest: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), first.to_string())];
    v.extend(rest);
    v
}

fn categorie_opts(allowed: impl Fn(Categorie) -> bool) -> Vec<(String, String)> {
    Categorie::ALL
        .into_iter()
        .filter(|c| allowed(*c))
        .map(|c| (c.slug().to_string(), c.naam().to_string()))
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

fn back_to(id: &str) -> (String, String) {
    (
        format!("/dossiers/{id}"),
        "Terug naar het dossier".to_string(),
    )
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
    pub ave: i64,
    pub review: String,
    pub review_verlopen: bool,
    pub regie: String,
}

#[derive(Template)]
#[template(path = "dossiers_lijst.html")]
struct ListPage {
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
    let (items, total) = store::list(&state.db, &auth, &filter, page)
        .await
        ?;
    let zaaktypen = store::zaaktypen(&state.db).await?;
    let names: HashMap<String, String> = zaaktypen
        .iter()
        .map(|z| (z.slug.clone(), z.naam.clone()))
        .collect();
    let teams = team_names(&state, &p.organisation_id).await;
    let today = store::vandaag().to_string();
    let rows = items
        .into_iter()
        .map(|d| Rij {
            review_verlopen: d.fase != "gesloten"
                && d.reviewdatum.as_deref().is_some_and(|r| r < today.as_str()),
            review: d.reviewdatum.clone().unwrap_or_default(),
            zaaktype: names.get(&d.zaaktype).cloned().unwrap_or(d.zaaktype),
            fase: Fase::from_slug(&d.fase)
                .map(|f| f.naam().to_string())
                .unwrap_or(d.fase),
            ave: d.ave_fase,
            regie: teams
                .get(&d.regie_team_id)
                .cloned()
                .unwrap_or_else(|| "andere organisatie".into()),
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
        "Filteren".into(),
        vec![
            FormField::new(
                "zaaktype",
                "Zaaktype".into(),
                FieldKind::Select(with_empty(
                    "alle",
                    zaaktypen
                        .iter()
                        .map(|z| (z.slug.clone(), z.naam.clone()))
                        .collect(),
                )),
            )
            .value(zt),
            FormField::new(
                "fase",
                "Fase".into(),
                FieldKind::Select(with_empty(
                    "alle",
                    Fase::ALL
                        .iter()
                        .map(|f| (f.slug().to_string(), f.naam().to_string()))
                        .collect(),
                )),
            )
            .value(fase),
            FormField::new(
                "review",
                "Herbeoordeling".into(),
                FieldKind::Select(vec![
                    (String::new(), "alle".into()),
                    ("verlopen".into(), "datum verstreken".into()),
                ]),
            )
            .value(review),
            FormField::new(
                "taak",
                "Open taken".into(),
                FieldKind::Select(vec![
                    (String::new(), "alle dossiers".into()),
                    ("mij".into(), "met een taak voor mij".into()),
                    (
                        "organisatie".into(),
                        "met een taak voor mijn organisatie".into(),
                    ),
                ]),
            )
            .value(taak),
        ],
    )
    .get();
    render(&ListPage {
        shell: Shell::titled(&ctx, "Dossiers".into()),
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

async fn new_form(state: &AppState, p: &Principal, v: &Fields) -> Result<Form, WebError> {
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
        "Dossier aanmaken".into(),
        vec![
            FormField::new("zaaktype", "Zaaktype".into(), FieldKind::Select(with_empty("kies", zaaktypen.iter().map(|z| (z.slug.clone(), z.naam.clone())).collect()))).value(val(v, "zaaktype")).required(),
            FormField::new("titel", "Korte titel".into(), FieldKind::Text).value(val(v, "titel")).hint("Geen namen: die legt u vast als betrokkene, zodat alleen wie ze mag zien ze ziet.".into()).required(),
            FormField::new("regie_team_id", "Regievoerend team".into(), FieldKind::Select(with_empty("kies", teams))).value(val(v, "regie_team_id")).required(),
            FormField::new("herkomst", "Herkomst".into(), FieldKind::Select(opts(&model::HERKOMST))).value(val(v, "herkomst")),
            FormField::new("reviewdatum", "Datum herbeoordeling".into(), FieldKind::Date).value(val(v, "reviewdatum")),
            FormField::new("melding", "Melding waaruit de casus voortkomt (optioneel)".into(), FieldKind::Text).value(val(v, "melding")).hint("Het nummer van de melding, bijvoorbeeld M-12. De melding toont dan alleen het dossiernummer; wie het dossier opent, heeft er toegang toe nodig.".into()),
        ],
    ))
}

const NEW_INTRO: &str = "Het regievoerende team ziet het hele dossier. Ketenpartners zien alleen wat hun convenant toestaat, nadat u hen toelaat.";

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
    let form = new_form(&state, p, &Vec::new()).await?;
    form_page(
        &ctx,
        "Nieuw dossier".into(),
        NEW_INTRO.into(),
        form,
        ("/dossiers".into(), "Terug naar de dossiers".into()),
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
            let form = new_form(&state, p, &v).await?;
            refused(
                &ctx,
                form,
                e,
                "Nieuw dossier".into(),
                NEW_INTRO.into(),
                ("/dossiers".into(), "Terug naar de dossiers".into()),
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One case.

pub struct ItemView {
    pub id: String,
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

fn item_view(i: &store::Item, orgs: &HashMap<String, String>, afronder: Afronder) -> ItemView {
    let mut extra = Vec::new();
    if let Some(l) = i.leefgebied.as_deref().and_then(model::leefgebied_naam) {
        extra.push(format!("Leefgebied: {l}"));
    }
    if let Some(o) = &i.eigenaar_organisation_id {
        let org = orgs
            .get(o)
            .cloned()
            .unwrap_or_else(|| "een ketenpartner".into());
        extra.push(match &i.eigenaar_naam {
            Some(naam) => format!("Uitvoerder: {naam} ({org})"),
            None => format!("Uitvoerder: {org}"),
        });
    }
    if let Some(d) = &i.deadline {
        extra.push(format!("Uiterlijk: {d}"));
    }
    if i.soort == "taak" {
        extra.push(if i.gereed {
            "Gereed".into()
        } else {
            "Open".into()
        });
    }
    ItemView {
        id: i.id.clone(),
        bestand: i.bestand_naam.clone(),
        soort: model::item_soort_naam(&i.soort).unwrap_or("").to_string(),
        categorie: Categorie::from_slug(&i.categorie)
            .map(|c| c.naam())
            .unwrap_or("")
            .to_string(),
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
    let auth = store::open::<Lezen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    let key = state.settings.data_key.as_ref();
    let d = store::detail(&state.db, &auth, key)
        .await
        ?;
    let orgs = org_names(&state).await;
    let teams = team_names(&state, &d.dossier.regie_organisation_id).await;
    let zaaktype = store::zaaktype(&state.db, &d.dossier.zaaktype)
        .await
        .map(|z| z.naam)
        .unwrap_or_default();
    let k = &d.dossier;
    let mut kop = vec![
        ("Zaaktype".to_string(), zaaktype),
        (
            "Fase".into(),
            Fase::from_slug(&k.fase)
                .map(|f| f.naam())
                .unwrap_or("")
                .into(),
        ),
        ("AVE".into(), model::ave_naam(k.ave_fase).into()),
        (
            "Zorg- en Veiligheidshuis".into(),
            k.zvh_tafel
                .as_deref()
                .and_then(model::zvh_naam)
                .unwrap_or("niet opgeschaald")
                .into(),
        ),
        ("Inwoner".into(), model::inwoner_naam(&k.inwoner).into()),
        (
            "Regie".into(),
            format!(
                "{} – {}",
                orgs.get(&k.regie_organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                teams.get(&k.regie_team_id).cloned().unwrap_or_default()
            ),
        ),
        (
            "Herbeoordeling".into(),
            k.reviewdatum.clone().unwrap_or_else(|| "geen datum".into()),
        ),
    ];
    if k.legal_hold {
        kop.push((
            "Bewaarplicht (legal hold)".into(),
            k.legal_hold_reden.clone().unwrap_or_default(),
        ));
    }
    if let Some(t) = &k.bewaren_tot {
        kop.push(("Bewaren tot".into(), t.clone()));
    }
    let zicht = if d.regie {
        "U ziet het hele dossier: uw team voert de regie.".to_string()
    } else {
        format!(
            "U ziet alleen de vastleggingen in de categorieën die het convenant uw organisatie geeft: {}.",
            d.zicht.iter().filter_map(|s| Categorie::from_slug(s)).map(|c| c.naam()).collect::<Vec<_>>().join(", ")
        )
    };
    let subjecten = d
        .subjecten
        .iter()
        .map(|s| Regel {
            a: format!(
                "{} ({})",
                s.naam,
                model::subject_soort_naam(&s.soort).unwrap_or("")
            ),
            b: s.rol.clone(),
            c: [
                s.geboortedatum.clone(),
                s.adres.clone(),
                s.postcode.clone(),
                s.kvk.clone().map(|k| format!("KvK {k}")),
                s.contact.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            d: match (&s.bsn, s.heeft_bsn) {
                (Some(b), _) => format!("BSN {b}"),
                (None, true) => "BSN vastgelegd (niet zichtbaar voor u)".into(),
                _ => String::new(),
            } + &s
                .beperkt_reden
                .as_ref()
                .map(|r| format!(" Verwerking beperkt: {r}"))
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
                    b: format!("{} (versie {})", x.convenant_naam, x.convenant_versie),
                    c: x.doel.clone(),
                    d: {
                        let venster = match (&x.geldig_van, &x.geldig_tot) {
                            (Some(v), Some(t)) => format!(" (van {v} tot en met {t})"),
                            (Some(v), None) => format!(" (vanaf {v})"),
                            (None, Some(t)) => format!(" (tot en met {t})"),
                            (None, None) => String::new(),
                        };
                        if x.actief {
                            format!("actief sinds {}{venster}", fmt_time(x.gestart_at, false))
                        } else if let Some(at) = x.ingetrokken_at {
                            format!(
                                "ingetrokken op {} ({})",
                                fmt_time(at, false),
                                x.ingetrokken_reden.clone().unwrap_or_default()
                            )
                        } else {
                            format!(
                                "geen toegang: {}{venster}",
                                x.reden.clone().unwrap_or_default()
                            )
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
        .map(|i| item_view(i, &orgs, afronder))
        .collect();
    let (taken, items): (Vec<ItemView>, Vec<ItemView>) =
        all.into_iter().partition(|i| i.soort == "Taak");
    let naam = |v: &str| -> String {
        if let Some(n) = orgs.get(v) {
            return n.clone();
        }
        if let Some(x) = d.deelnames.iter().find(|x| x.id == v) {
            return orgs.get(&x.organisation_id).cloned().unwrap_or_default();
        }
        Fase::from_slug(v)
            .map(|f| f.naam().to_string())
            .or_else(|| model::zvh_naam(v).map(str::to_string))
            .unwrap_or_else(|| model::inwoner_naam_of(v).unwrap_or(v).to_string())
    };
    let historie = d
        .historie
        .iter()
        .map(|h| Regel {
            a: fmt_time(h.at, false),
            b: historie_soort(&h.soort).to_string(),
            c: format!(
                "{}{}",
                h.van
                    .as_deref()
                    .map(|v| format!("{} → ", naam(v)))
                    .unwrap_or_default(),
                naam(&h.naar)
            ),
            d: format!("{} – {}", h.toelichting, h.door),
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
                .unwrap_or_else(|| "team van een andere organisatie".into()),
            d: String::new(),
        })
        .collect();
    let sturing = if d.regie && k.fase != "gesloten" {
        STURING
            .iter()
            .map(|(s, l)| (format!("/dossiers/{}/sturing/{s}", k.id), l.to_string()))
            .collect()
    } else if d.regie {
        vec![(
            format!("/dossiers/{}/sturing/legal-hold", k.id),
            "Bewaarplicht (legal hold)".to_string(),
        )]
    } else {
        Vec::new()
    };
    let z = auth.resource().zicht();
    let may_add = !k.gesloten()
        && matches!(z, Zicht::Regie | Zicht::Deelnemer { .. })
        && Categorie::ALL.iter().any(|c| z.mag_toevoegen(*c));
    render(&DetailPage {
        shell: Shell::titled(&ctx, format!("Dossier {} – {}", k.nummer, k.titel)),
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

fn historie_soort(s: &str) -> &str {
    match s {
        "fase" => "Fase",
        "ave" => "AVE-fase",
        "zvh" => "Zorg- en Veiligheidshuis",
        "inwoner" => "Betrokkenheid inwoner",
        "review" => "Herbeoordeling",
        "legal-hold" => "Bewaarplicht",
        "deelname" => "Partner toegelaten",
        "deelname-ingetrokken" => "Deelname ingetrokken",
        "subject" => "Betrokkene toegevoegd",
        other => other,
    }
}

const STURING: [(&str, &str); 6] = [
    ("fase", "Fase wijzigen"),
    ("ave", "AVE-fase wijzigen"),
    (
        "zvh",
        "Opschalen naar of terug van het Zorg- en Veiligheidshuis",
    ),
    ("inwoner", "Betrokkenheid van de inwoner"),
    ("review", "Datum herbeoordeling"),
    ("legal-hold", "Bewaarplicht (legal hold)"),
];

// Entries.

fn item_form(
    id: &str,
    z: &Zicht,
    orgs: &HashMap<String, String>,
    subjecten: &[(String, String)],
    collegas: &[(String, String)],
    v: &Fields,
) -> Form {
    let cats = categorie_opts(|c| z.mag_toevoegen(c));
    let mut org_opts: Vec<(String, String)> =
        orgs.iter().map(|(a, b)| (a.clone(), b.clone())).collect();
    org_opts.sort_by(|a, b| a.1.cmp(&b.1));
    Form::new(
        format!("/dossiers/{id}/vastleggen"),
        "Vastleggen".into(),
        vec![
            FormField::new("soort", "Soort".into(), FieldKind::Select(opts(&model::ITEM_SOORTEN))).value(val(v, "soort")).required(),
            FormField::new("categorie", "Gegevenscategorie".into(), FieldKind::Select(with_empty("kies", cats))).value(val(v, "categorie")).hint("Bepaalt wie deze vastlegging ziet: alleen partners die deze categorie onder het convenant mogen ontvangen.".into()).required(),
            FormField::new("titel", "Titel".into(), FieldKind::Text).value(val(v, "titel")).required(),
            FormField::new("tekst", "Tekst".into(), FieldKind::TextArea).value(val(v, "tekst")).hint("Ten hoogste 20.000 tekens; langere stukken voegt u toe als document.".into()),
            FormField::new("betreft", "Over wie (optioneel)".into(), FieldKind::Select(with_empty("het dossier als geheel", subjecten.to_vec()))).value(val(v, "betreft")).hint("Gaat de vastlegging over één betrokkene, kies die dan: bij een inzageverzoek van een ander groepslid blijft zij buiten de inzage.".into()),
            FormField::new("leefgebied", "Leefgebied (bij een doel)".into(), FieldKind::Select(with_empty("geen", opts(&model::LEEFGEBIEDEN)))).value(val(v, "leefgebied")),
            FormField::new("eigenaar_organisation_id", "Uitvoerder (bij een taak)".into(), FieldKind::Select(with_empty("geen", org_opts))).value(val(v, "eigenaar_organisation_id")),
            FormField::new("eigenaar_user_id", "Persoon (bij een taak van uw organisatie)".into(), FieldKind::Select(with_empty("niemand in het bijzonder", collegas.to_vec()))).value(val(v, "eigenaar_user_id")).hint("Geeft u de taak aan een collega, dan ziet die haar bij Mijn werk.".into()),
            FormField::new("deadline", "Uiterlijk (bij een taak)".into(), FieldKind::Date).value(val(v, "deadline")),
            FormField::new("bestand", "Document (optioneel)".into(), FieldKind::File).hint("PDF, JPEG of PNG, ten hoogste 20 MB. Het document valt onder dezelfde gegevenscategorie.".into()),
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

const ITEM_INTRO: &str = "Elke vastlegging heeft één gegevenscategorie. U kunt alleen categorieën kiezen die uw organisatie in dit dossier mag vastleggen.";

async fn item_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Toevoegen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    if auth.resource().kop().gesloten() {
        return gesloten(&ctx, &id);
    }
    let subjecten = store::betrokkenen_keuze(&state.db, &auth)
        .await
        ?;
    let form = item_form(
        &id,
        auth.resource().zicht(),
        &org_names(&state).await,
        &subjecten,
        &taak_collegas(&state, &auth).await?,
        &Vec::new(),
    );
    form_page(
        &ctx,
        format!("Vastleggen in {}", auth.resource().kop().nummer),
        ITEM_INTRO.into(),
        form,
        back_to(&id),
        StatusCode::OK,
    )
}

/// The colleagues a task can be given to, as choices.
async fn taak_collegas(
    state: &AppState,
    auth: &access::Authorized<crate::access::Dossier<Toevoegen>>,
) -> Result<Vec<(String, String)>, WebError> {
    Ok(store::taak_collegas(&state.db, auth)
        .await
        ?
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
                "Bestand te groot",
                "Het formulier of het bestand is te groot: een document is ten hoogste 20 MB.",
                back_to(&id),
            )
        }
        Err(e) => return Err(e),
    };
    let auth = store::open::<Toevoegen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    match store::add_item_with_file(&state.db, &auth, &nieuw_item(&v), upload.as_ref()).await {
        Ok(_) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(e) => {
            let subjecten = store::betrokkenen_keuze(&state.db, &auth)
                .await
                .unwrap_or_default();
            let form = item_form(
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
                format!("Vastleggen in {}", auth.resource().kop().nummer),
                ITEM_INTRO.into(),
                back_to(&id),
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
    let auth = store::open::<Lezen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    let (file, data) = store::item_file(&state.db, &auth, &item)
        .await
        ?;
    Ok((platform::files::download_headers(&file, false), data).into_response())
}

async fn task_done(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, item)): Path<(String, String)>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Toevoegen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    match store::complete_task(&state.db, &auth, &item).await {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(StoreError::Refused(why)) => bericht(
            &ctx,
            StatusCode::FORBIDDEN,
            "Taak niet afgerond",
            &why,
            back_to(&id),
        ),
        Err(e) => conflict_of(&ctx, e, back_to(&id)),
    }
}

// Subjects.

fn subject_form(id: &str, v: &Fields) -> Form {
    Form::new(
        format!("/dossiers/{id}/subject"),
        "Betrokkene toevoegen".into(),
        vec![
            FormField::new(
                "soort",
                "Soort".into(),
                FieldKind::Select(opts(&model::SUBJECT_SOORTEN)),
            )
            .value(val(v, "soort"))
            .required(),
            FormField::new("naam", "Naam of omschrijving".into(), FieldKind::Text)
                .value(val(v, "naam"))
                .required(),
            FormField::new("rol", "Rol in het dossier".into(), FieldKind::Text)
                .value(val(v, "rol"))
                .hint("Bijvoorbeeld: betrokkene, ouder, pand, exploitant.".into()),
            FormField::new(
                "geboortedatum",
                "Geboortedatum (persoon)".into(),
                FieldKind::Date,
            )
            .value(val(v, "geboortedatum")),
            FormField::new("bsn", "BSN (persoon, optioneel)".into(), FieldKind::Text)
                .value(val(v, "bsn"))
                .hint("Wordt versleuteld opgeslagen en alleen aan het regieteam getoond.".into()),
            FormField::new("adres", "Adres".into(), FieldKind::Text).value(val(v, "adres")),
            FormField::new("postcode", "Postcode".into(), FieldKind::Text)
                .value(val(v, "postcode")),
            FormField::new("kvk", "KvK-nummer (bedrijf)".into(), FieldKind::Text)
                .value(val(v, "kvk")),
            FormField::new("bag_id", "BAG-id (locatie)".into(), FieldKind::Text)
                .value(val(v, "bag_id")),
            FormField::new("contact", "Contactgegevens".into(), FieldKind::Text)
                .value(val(v, "contact")),
        ],
    )
}

const SUBJECT_INTRO: &str = "Na het toevoegen controleert Baken of dezelfde persoon, hetzelfde adres of bedrijf al in een ander lopend dossier staat. U ziet dan alleen het zaaktype en het regieteam van dat dossier, nooit de inhoud.";

async fn subject_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    let kop = auth.resource().kop();
    if kop.gesloten() {
        return gesloten(&ctx, &id);
    }
    form_page(
        &ctx,
        format!("Betrokkene toevoegen aan {}", kop.nummer),
        SUBJECT_INTRO.into(),
        subject_form(&id, &Vec::new()),
        back_to(&id),
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
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
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
            subject_form(&id, &v),
            e,
            format!("Betrokkene toevoegen aan {}", kop.nummer),
            SUBJECT_INTRO.into(),
            back_to(&id),
        ),
    }
}

// Participation.

async fn admit_form(state: &AppState, id: &str, v: &Fields) -> Result<Form, WebError> {
    let orgs = platform::identity::list_organisations(&state.db).await?;
    let covenants = store::convenanten(&state.db).await?;
    Ok(Form::new(
        format!("/dossiers/{id}/deelname"),
        "Toelaten".into(),
        vec![
            FormField::new(
                "organisation_id",
                "Organisatie".into(),
                FieldKind::Select(with_empty(
                    "kies",
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
                "Convenant".into(),
                FieldKind::Select(with_empty(
                    "kies",
                    covenants
                        .iter()
                        .map(|c| {
                            (
                                c.id.clone(),
                                format!("{} ({} t/m {})", c.naam, c.geldig_van, c.geldig_tot),
                            )
                        })
                        .collect(),
                )),
            )
            .value(val(v, "convenant_id"))
            .required(),
            FormField::new(
                "doel",
                "Doel van de deelname".into(),
                FieldKind::Select(with_empty(
                    "kies",
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
            .hint("Een van de doelen van het gekozen convenant; een deelname dient altijd één doel.".into())
            .required(),
            FormField::new("van", "Vanaf (optioneel)".into(), FieldKind::Date)
                .value(val(v, "van"))
                .hint("Zonder datum: vanaf vandaag.".into()),
            FormField::new("tot", "Tot en met (optioneel)".into(), FieldKind::Date)
                .value(val(v, "tot"))
                .hint("Na deze datum eindigt de deelname vanzelf. Zonder datum: zolang het convenant geldt.".into()),
        ],
    ))
}

const ADMIT_INTRO: &str = "Een partner krijgt alleen toegang op grond van een geldig convenant dat dit zaaktype dekt en de organisatie als partij noemt, voor een van de doelen van dat convenant en binnen de looptijd van de deelname; anders weigert Baken met de reden. De partner ziet daarna alleen de categorieën die het convenant toestaat, het regieteam en de eigen deelname.";

async fn admit_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    let kop = auth.resource().kop();
    if kop.gesloten() {
        return gesloten(&ctx, &id);
    }
    let form = admit_form(&state, &id, &Vec::new()).await?;
    form_page(
        &ctx,
        format!("Partner toelaten tot {}", kop.nummer),
        ADMIT_INTRO.into(),
        form,
        back_to(&id),
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
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
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
            let form = admit_form(&state, &id, &v).await?;
            refused(
                &ctx,
                form,
                e,
                format!("Partner toelaten tot {}", kop.nummer),
                ADMIT_INTRO.into(),
                back_to(&id),
            )
        }
    }
}

fn revoke_form(id: &str, pid: &str, v: &Fields) -> Form {
    Form::new(
        format!("/dossiers/{id}/deelname/{pid}/intrekken"),
        "Deelname intrekken".into(),
        vec![FormField::new("reden", "Reden".into(), FieldKind::Text)
            .value(val(v, "reden"))
            .required()],
    )
}

const REVOKE_INTRO: &str = "Na het intrekken ziet deze partner het dossier niet meer, direct.";

async fn revoke_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, pid)): Path<(String, String)>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    let kop = auth.resource().kop();
    form_page(
        &ctx,
        format!("Deelname intrekken – {}", kop.nummer),
        REVOKE_INTRO.into(),
        revoke_form(&id, &pid, &Vec::new()),
        back_to(&id),
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
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    let kop = auth.resource().kop();
    match store::revoke(&state.db, &auth, &pid, &val(&v, "reden")).await {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/{id}")).into_response()),
        Err(e) => refused(
            &ctx,
            revoke_form(&id, &pid, &v),
            e,
            format!("Deelname intrekken – {}", kop.nummer),
            REVOKE_INTRO.into(),
            back_to(&id),
        ),
    }
}

// Steering: phase, AVE, ZVH, involvement, review date, legal hold.

fn steer_form(id: &str, soort: &str, kop: &store::DossierKop, v: &Fields) -> Option<Form> {
    let action = format!("/dossiers/{id}/sturing/{soort}");
    let toelichting = |label: &str| {
        FormField::new("toelichting", label.into(), FieldKind::TextArea)
            .value(val(v, "toelichting"))
    };
    let fields = match soort {
        "fase" => {
            let now = Fase::from_slug(&kop.fase)?;
            vec![
                FormField::new(
                    "fase",
                    format!("Van {} naar", now.naam()),
                    FieldKind::Select(
                        now.volgende()
                            .iter()
                            .map(|f| (f.slug().to_string(), f.naam().to_string()))
                            .collect(),
                    ),
                )
                .value(val(v, "fase"))
                .required(),
                toelichting("Toelichting (verplicht bij sluiten)"),
            ]
        }
        "ave" => vec![
            FormField::new(
                "fase",
                "AVE-fase".into(),
                FieldKind::Select(
                    (1..=4)
                        .map(|i| (i.to_string(), model::ave_naam(i).to_string()))
                        .collect(),
                ),
            )
            .value(if v.is_empty() {
                kop.ave_fase.to_string()
            } else {
                val(v, "fase")
            }),
            toelichting("Toelichting"),
        ],
        "zvh" => vec![
            FormField::new(
                "tafel",
                "Tafel".into(),
                FieldKind::Select(with_empty(
                    "terug van de tafel (afschalen)",
                    opts(&model::ZVH_TAFELS),
                )),
            )
            .value(val(v, "tafel")),
            toelichting("Reden van verwijzing, of de uitkomst bij terugkeer"),
        ],
        "inwoner" => vec![
            FormField::new(
                "status",
                "Betrokkenheid".into(),
                FieldKind::Select(opts(&model::INWONER)),
            )
            .value(if v.is_empty() {
                kop.inwoner.clone()
            } else {
                val(v, "status")
            }),
            toelichting("Toelichting (bijvoorbeeld: uitgenodigd per brief op …)"),
        ],
        "review" => vec![
            FormField::new("datum", "Datum herbeoordeling".into(), FieldKind::Date)
                .value(if v.is_empty() {
                    kop.reviewdatum.clone().unwrap_or_default()
                } else {
                    val(v, "datum")
                })
                .required(),
        ],
        "legal-hold" => vec![
            FormField::new(
                "aan",
                "Bewaarplicht".into(),
                FieldKind::Select(vec![
                    ("aan".into(), "aan: niet vernietigen".into()),
                    ("uit".into(), "uit".into()),
                ]),
            )
            .value(val(v, "aan")),
            FormField::new("reden", "Reden".into(), FieldKind::Text)
                .value(val(v, "reden"))
                .required(),
        ],
        _ => return None,
    };
    Some(Form::new(action, "Opslaan".into(), fields))
}

fn steer_title(soort: &str, nummer: &str) -> String {
    let label = STURING
        .iter()
        .find(|(s, _)| *s == soort)
        .map(|(_, l)| *l)
        .unwrap_or("Sturing");
    format!("{label} – {nummer}")
}

async fn steer_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, soort)): Path<(String, String)>,
) -> WebResult {
    let p = user(&state, &ctx).await?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    let kop = auth.resource().kop();
    if kop.gesloten() && soort != "legal-hold" {
        return gesloten(&ctx, &id);
    }
    let form = steer_form(&id, &soort, kop, &Vec::new()).ok_or(WebError::NotFound)?;
    form_page(
        &ctx,
        steer_title(&soort, &kop.nummer),
        "Elke wijziging komt in de geschiedenis van het dossier.".into(),
        form,
        back_to(&id),
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
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &id)
        .await
        ?;
    let kop = auth.resource().kop();
    let form = steer_form(&id, &soort, kop, &v).ok_or(WebError::NotFound)?;
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
            steer_title(&soort, &kop.nummer),
            "Elke wijziging komt in de geschiedenis van het dossier.".into(),
            back_to(&id),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Meetings.

#[derive(Template)]
#[template(path = "dossiers_overleggen.html")]
struct MeetingsPage {
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
    let list = store::overleggen(&state.db, &auth)
        .await
        ?;
    let rows = list
        .into_iter()
        .map(|o| Regel {
            a: o.datum,
            b: o.titel,
            c: model::overleg_soort_naam(&o.soort).unwrap_or("").into(),
            d: o.id,
        })
        .collect();
    render(&MeetingsPage {
        shell: Shell::titled(&ctx, "Casusoverleggen".into()),
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
    let (mine, _) = store::list(&state.db, &auth, &store::Filter::default(), 1)
        .await
        ?;
    let teams = platform::identity::team_ids_of_user(&state.db, &p.user_id).await?;
    let chosen = vals(v, "agenda");
    let chosen_orgs = vals(v, "deelnemers");
    Ok(Form::new(
        "/dossiers/overleggen/nieuw",
        "Overleg plannen".into(),
        vec![
            FormField::new(
                "soort",
                "Soort overleg".into(),
                FieldKind::Select(opts(&model::OVERLEG_SOORTEN)),
            )
            .value(val(v, "soort")),
            FormField::new("titel", "Titel".into(), FieldKind::Text)
                .value(val(v, "titel"))
                .required(),
            FormField::new("datum", "Datum".into(), FieldKind::Date)
                .value(val(v, "datum"))
                .required(),
            FormField::new(
                "deelnemers",
                "Deelnemende organisaties".into(),
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
                "Dossiers op de agenda (waarvan uw team de regie voert)".into(),
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

const MEETING_INTRO: &str = "Op de agenda ziet ieder alleen de dossiers die hij mag openen; het verslag per dossier ziet alleen wie dat dossier mag zien, en alleen in de categorieën van het convenant.";

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
        "Nieuw casusoverleg".into(),
        MEETING_INTRO.into(),
        form,
        (
            "/dossiers/overleggen".into(),
            "Terug naar de overleggen".into(),
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
                "Nieuw casusoverleg".into(),
                MEETING_INTRO.into(),
                (
                    "/dossiers/overleggen".into(),
                    "Terug naar de overleggen".into(),
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
    let meeting = store::open_overleg(&state.db, &ctx.request, p, &id, Action::Read)
        .await
        ?;
    let (o, zaken) = store::overleg_met_agenda(&state.db, &meeting)
        .await
        ?;
    let orgs = org_names(&state).await;
    let agenda = zaken
        .into_iter()
        .map(|z| Agendapunt {
            nummer: format!("{} – {}", z.kop.nummer, z.kop.titel),
            items: z.items.iter().map(|i| item_view(i, &orgs, None)).collect(),
            may_record: z.regie && !z.kop.gesloten(),
            id: z.kop.id,
        })
        .collect();
    render(&MeetingPage {
        shell: Shell::titled(&ctx, format!("{} op {}", o.titel, o.datum)),
        soort: model::overleg_soort_naam(&o.soort).unwrap_or("").into(),
        deelnemers: o
            .deelnemers
            .iter()
            .map(|d| orgs.get(d).cloned().unwrap_or_default())
            .collect(),
        agenda,
        o,
    })
}

fn discussion_form(oid: &str, did: &str, v: &Fields) -> Form {
    Form::new(
        format!("/dossiers/overleggen/{oid}/dossier/{did}"),
        "Verslag opslaan".into(),
        vec![
            FormField::new(
                "categorie",
                "Gegevenscategorie van het verslag".into(),
                FieldKind::Select(with_empty("kies", categorie_opts(|_| true))),
            )
            .value(val(v, "categorie"))
            .required(),
            FormField::new("tekst", "Verslag".into(), FieldKind::TextArea)
                .value(val(v, "tekst"))
                .required(),
            FormField::new(
                "besluiten",
                "Besluiten (één per regel; elk wordt een taak)".into(),
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
    let meeting = store::open_overleg(&state.db, &ctx.request, p, &oid, Action::Update)
        .await
        ?;
    let o = store::overleg(&state.db, &meeting)
        .await
        ?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &did)
        .await
        ?;
    let kop = auth.resource().kop();
    if kop.gesloten() {
        return gesloten(&ctx, &did);
    }
    form_page(
        &ctx,
        format!("Bespreking {} in {}", kop.nummer, o.titel),
        MEETING_INTRO.into(),
        discussion_form(&oid, &did, &Vec::new()),
        (
            format!("/dossiers/overleggen/{oid}"),
            "Terug naar het overleg".into(),
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
    let meeting = store::open_overleg(&state.db, &ctx.request, p, &oid, Action::Update)
        .await
        ?;
    let o = store::overleg(&state.db, &meeting)
        .await
        ?;
    let auth = store::open::<Wijzigen>(&state.db, &ctx.request, p, &did)
        .await
        ?;
    let kop = auth.resource().kop();
    let cat = val(&v, "categorie");
    let verslag = NieuwItem {
        soort: "verslag".into(),
        categorie: cat.clone(),
        titel: format!("Verslag {} ({})", o.titel, o.datum),
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
            "Vul het verslag in.",
        )]))
    } else {
        store::record_discussion(&state.db, &meeting, &auth, &verslag, &besluiten).await
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/overleggen/{oid}")).into_response()),
        Err(e) => refused(
            &ctx,
            discussion_form(&oid, &did, &v),
            e,
            format!("Bespreking {} in {}", kop.nummer, o.titel),
            MEETING_INTRO.into(),
            (
                format!("/dossiers/overleggen/{oid}"),
                "Terug naar het overleg".into(),
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
    shell: Shell,
    convenanten: Vec<ConvenantRij>,
    zaaktypen: Vec<store::Zaaktype>,
    vernietigd: Vec<Regel>,
    may_admin: bool,
    may_list: bool,
    may_sar: bool,
}

fn categorie_namen(list: &[String]) -> String {
    let s = list
        .iter()
        .filter_map(|s| Categorie::from_slug(s))
        .map(|c| c.naam())
        .collect::<Vec<_>>()
        .join(", ");
    if s.is_empty() {
        "geen".into()
    } else {
        s
    }
}

fn convenant_rij(
    c: store::Convenant,
    orgs: &HashMap<String, String>,
    today: jiff::civil::Date,
    eigen_org: Option<&str>,
) -> ConvenantRij {
    let status = if c.ingetrokken {
        "ingetrokken: geen enkele versie geeft nog toegang"
    } else if c.geldig_op(today) {
        "geldig"
    } else {
        "niet geldig vandaag"
    }
    .to_string();
    let org_naam = |id: &str| orgs.get(id).cloned().unwrap_or_else(|| id.to_string());
    let versies = c
        .versies
        .iter()
        .rev()
        .map(|v| VersieRij {
            versie: v.versie,
            huidig: v.versie == c.versie,
            sinds: if v.created_at > 0 {
                fmt_time(v.created_at, false)
            } else {
                "onbekend".into()
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
                    ontvangen: categorie_namen(&x.ontvangen),
                    verstrekken: categorie_namen(&x.verstrekken),
                    grondslag: x
                        .grondslagen
                        .iter()
                        .map(|(cat, g)| {
                            format!(
                                "{}: {g}",
                                Categorie::from_slug(cat).map(|c| c.naam()).unwrap_or(cat)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    toegang: if x.alleen_vertegenwoordigers {
                        "alleen benoemde vertegenwoordigers".into()
                    } else {
                        "alle medewerkers met de rol ketenpartner".into()
                    },
                    // The counts of other parties only for the covenant's administrators.
                    deelnames: match (eigen_org, v.deelnames.get(&x.organisation_id)) {
                        (Some(o), _) if o != x.organisation_id => "niet zichtbaar".into(),
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
    let convenanten = store::convenanten(&state.db)
        .await
        ?
        .into_iter()
        .map(|c| convenant_rij(c.voor(p), &orgs, today, eigen))
        .collect();
    let vernietigd = if admin {
        store::vernietigingen(&state.db)
            .await
            ?
            .into_iter()
            .map(|v| Regel {
                a: v.dossier_nummer,
                b: v.zaaktype,
                c: v.bewaren_tot,
                d: format!(
                    "{} ({} vastleggingen)",
                    fmt_time(v.vernietigd_at, false),
                    v.items
                ),
            })
            .collect()
    } else {
        Vec::new()
    };
    render(&CovenantsPage {
        shell: Shell::titled(&ctx, "Convenanten en zaaktypen".into()),
        convenanten,
        zaaktypen: store::zaaktypen(&state.db).await?,
        vernietigd,
        may_admin: admin,
        may_list: mag_module_zien(p),
        may_sar: may_sar(p),
    })
}

/// The terms of a covenant version as form fields: per organisation the categories it may
/// receive and provide, the legal basis, and whether only its named representatives see the
/// cases.
fn terms_fields(orgs: &[platform::identity::Organisation], v: &Fields) -> Vec<FormField> {
    let mut fields = vec![FormField::new(
        "partijen_zien_elkaar",
        "Zichtbaarheid van partijen".into(),
        FieldKind::Checkboxes(vec![(
            "ja".into(),
            "Partijen zien elkaars deelname in een dossier (anders ziet een partner alleen het regieteam en zichzelf)".into(),
            vals(v, "partijen_zien_elkaar").iter().any(|x| x == "ja"),
        )]),
    )];
    for o in orgs {
        for (dir, label) in [
            ("ontvangen", "mag ontvangen"),
            ("verstrekken", "mag verstrekken"),
        ] {
            let name = format!("{dir}-{}", o.id);
            let picked = vals(v, &name);
            fields.push(FormField::new(
                &name,
                format!("{} {label}", o.name),
                FieldKind::Checkboxes(
                    Categorie::ALL
                        .iter()
                        .map(|c| {
                            (
                                c.slug().to_string(),
                                c.naam().to_string(),
                                picked.iter().any(|x| x == c.slug()),
                            )
                        })
                        .collect(),
                ),
            ));
        }
        let name = format!("grondslag-{}", o.id);
        fields.push(
            FormField::new(&name, format!("Grondslag voor {}", o.name), FieldKind::Text)
                .value(val(v, &name))
                .hint("Bijvoorbeeld: art. 20 Wpg, Jeugdwet art. 7.4.0, Wgs. Geldt voor elke categorie van deze partij.".into()),
        );
        let name = format!("vertegenwoordigers-{}", o.id);
        fields.push(FormField::new(
            &name,
            format!("Toegang van {}", o.name),
            FieldKind::Checkboxes(vec![(
                "ja".into(),
                format!("Alleen benoemde vertegenwoordigers van {} zien de dossiers (de gemeente legt hen vast)", o.name),
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

async fn covenant_form(state: &AppState, v: &Fields) -> Result<Form, WebError> {
    let orgs = platform::identity::list_organisations(&state.db).await?;
    let zaaktypen = store::zaaktypen(&state.db).await?;
    let chosen = vals(v, "zaaktypen");
    let mut fields = vec![
        FormField::new("naam", "Naam".into(), FieldKind::Text)
            .value(val(v, "naam"))
            .required(),
        FormField::new(
            "doelen",
            "Doelen (één per regel)".into(),
            FieldKind::TextArea,
        )
        .value(val(v, "doelen"))
        .hint("Een deelname aan een dossier dient altijd één van deze doelen.".into())
        .required(),
        FormField::new(
            "zaaktypen",
            "Zaaktypen die het convenant dekt".into(),
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
        FormField::new("geldig_van", "Geldig vanaf".into(), FieldKind::Date)
            .value(val(v, "geldig_van"))
            .required(),
        FormField::new("geldig_tot", "Geldig tot en met".into(), FieldKind::Date)
            .value(val(v, "geldig_tot"))
            .required(),
    ];
    fields.extend(terms_fields(&orgs, v));
    Ok(Form::new(
        "/dossiers/convenanten/nieuw",
        "Convenant vastleggen".into(),
        fields,
    ))
}

const COVENANT_INTRO: &str = "Per partij de gegevenscategorieën die zij mag ontvangen en verstrekken. Een organisatie zonder categorieën is geen partij.";

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
    let form = covenant_form(&state, &Vec::new()).await?;
    form_page(
        &ctx,
        "Nieuw convenant".into(),
        COVENANT_INTRO.into(),
        form,
        (
            "/dossiers/convenanten".into(),
            "Terug naar de convenanten".into(),
        ),
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
            let form = covenant_form(&state, &v).await?;
            refused(
                &ctx,
                form,
                e,
                "Nieuw convenant".into(),
                COVENANT_INTRO.into(),
                (
                    "/dossiers/convenanten".into(),
                    "Terug naar de convenanten".into(),
                ),
            )
        }
    }
}

const VERSION_INTRO: &str = "Gewijzigde voorwaarden worden een nieuwe versie van het convenant. Nieuwe deelnames vallen onder die versie; een deelname die al liep, houdt de voorwaarden van de versie waaronder zij is toegelaten. Intrekken van het convenant beëindigt de deelnames onder elke versie.";

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

async fn version_form(state: &AppState, id: &str, v: &Fields) -> Result<Form, WebError> {
    let orgs = platform::identity::list_organisations(&state.db).await?;
    let mut fields = vec![FormField::new(
        "doelen",
        "Doelen (één per regel)".into(),
        FieldKind::TextArea,
    )
    .value(val(v, "doelen"))
    .hint("Een nieuwe deelname dient altijd één van deze doelen.".into())
    .required()];
    fields.extend(terms_fields(&orgs, v));
    fields.push(
        FormField::new(
            "toelichting",
            "Toelichting op de wijziging".into(),
            FieldKind::TextArea,
        )
        .value(val(v, "toelichting"))
        .hint("Bijvoorbeeld: addendum van 1 maart, artikel 4 gewijzigd.".into()),
    );
    Ok(Form::new(
        format!("/dossiers/convenanten/{id}/versie"),
        "Nieuwe versie vastleggen".into(),
        fields,
    ))
}

async fn find_covenant(state: &AppState, id: &str) -> Result<store::Convenant, WebError> {
    store::convenanten(&state.db)
        .await
        ?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(WebError::NotFound)
}

fn back_to_covenants() -> (String, String) {
    (
        "/dossiers/convenanten".into(),
        "Terug naar de convenanten".into(),
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
    let form = version_form(&state, &id, &version_values(&c)).await?;
    form_page(
        &ctx,
        format!("Voorwaarden wijzigen: {} (nu versie {})", c.naam, c.versie),
        VERSION_INTRO.into(),
        form,
        back_to_covenants(),
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
            let form = version_form(&state, &id, &v).await?;
            refused(
                &ctx,
                form,
                e,
                format!("Voorwaarden wijzigen: {} (nu versie {})", c.naam, c.versie),
                VERSION_INTRO.into(),
                back_to_covenants(),
            )
        }
    }
}

const REPRESENTATIVE_INTRO: &str = "Waar het convenant de toegang van een partij beperkt tot benoemde vertegenwoordigers, zien alleen deze accounts van die organisatie de dossiers onder het convenant; andere medewerkers van de organisatie zien niets. Elke wijziging van de lijst wordt vastgelegd in het auditlog.";

async fn representative_form(
    state: &AppState,
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
        "Vertegenwoordiger vastleggen".into(),
        vec![
            FormField::new(
                "organisation_id",
                "Partij".into(),
                FieldKind::Select(partijen),
            )
            .value(val(v, "organisation_id"))
            .required(),
            FormField::new(
                "email",
                "E-mailadres van het account".into(),
                FieldKind::Email,
            )
            .value(val(v, "email"))
            .hint("Het account van de vertegenwoordiger bij die partij, zoals in het convenant (of de bijlage) genoemd.".into())
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
    let form = representative_form(&state, &c, &Vec::new()).await?;
    form_page(
        &ctx,
        format!("Vertegenwoordiger vastleggen: {}", c.naam),
        REPRESENTATIVE_INTRO.into(),
        form,
        back_to_covenants(),
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
            let form = representative_form(&state, &c, &v).await?;
            refused(
                &ctx,
                form,
                e,
                format!("Vertegenwoordiger vastleggen: {}", c.naam),
                REPRESENTATIVE_INTRO.into(),
                back_to_covenants(),
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
    store::vertegenwoordiger_verwijderen(&state.db, &ctx.request, &gate, &id, &user_id)
        .await
        ?;
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
    store::revoke_convenant(&state.db, &auth, &id)
        .await
        ?;
    Ok(Redirect::to("/dossiers/convenanten").into_response())
}

fn casetype_form(v: &Fields) -> Form {
    let chosen = vals(v, "categorieen");
    Form::new(
        "/dossiers/zaaktypen/nieuw",
        "Zaaktype toevoegen".into(),
        vec![
            FormField::new("slug", "Code".into(), FieldKind::Text)
                .value(val(v, "slug"))
                .hint("Kleine letters, cijfers en streepjes.".into())
                .required(),
            FormField::new("naam", "Naam".into(), FieldKind::Text)
                .value(val(v, "naam"))
                .required(),
            FormField::new("omschrijving", "Omschrijving".into(), FieldKind::TextArea)
                .value(val(v, "omschrijving")),
            FormField::new(
                "categorieen",
                "Standaard gegevenscategorieën".into(),
                FieldKind::Checkboxes(
                    Categorie::ALL
                        .iter()
                        .map(|c| {
                            (
                                c.slug().to_string(),
                                c.naam().to_string(),
                                chosen.iter().any(|x| x == c.slug()),
                            )
                        })
                        .collect(),
                ),
            ),
            FormField::new(
                "taken",
                "Taken bij een nieuw dossier (één per regel)".into(),
                FieldKind::TextArea,
            )
            .value(val(v, "taken")),
            FormField::new(
                "bewaartermijn_jaren",
                "Bewaartermijn na sluiten (jaren)".into(),
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
        "Nieuw zaaktype".into(),
        "Een zaaktype is het sjabloon van een dossier.".into(),
        casetype_form(&Vec::new()),
        (
            "/dossiers/convenanten".into(),
            "Terug naar de convenanten en zaaktypen".into(),
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
            casetype_form(&v),
            e,
            "Nieuw zaaktype".into(),
            "Een zaaktype is het sjabloon van een dossier.".into(),
            (
                "/dossiers/convenanten".into(),
                "Terug naar de convenanten en zaaktypen".into(),
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
            .await
            ?
            .into_iter()
            .map(|(a, b, c)| {
                (
                    a,
                    model::subject_soort_naam(&b).unwrap_or("").to_string(),
                    c,
                )
            })
            .collect()
    };
    let form = Form::new(
        "/dossiers/inzage",
        "Zoeken".into(),
        vec![
            FormField::new("q", "Naam van de betrokkene".into(), FieldKind::Search)
                .value(query.clone()),
        ],
    )
    .get();
    render(&SarSearchPage {
        shell: Shell::titled(&ctx, "Inzageverzoek (AVG art. 15)".into()),
        form,
        hits,
        gezocht: !query.trim().is_empty(),
    })
}

#[derive(Template)]
#[template(path = "dossiers_inzage_subject.html")]
struct SarSubjectPage {
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
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Read)
        .await
        ?;
    let (naam, list) = store::verzoeken(&state.db, &auth)
        .await
        ?;
    let verzoeken = list
        .into_iter()
        .map(|v| Regel {
            a: fmt_time(v.opgesteld_at, true),
            b: v.opgesteld_naam,
            c: match (&v.vrijgegeven_naam, v.vrijgegeven_at) {
                (Some(n), Some(at)) => format!("vrijgegeven door {n} op {}", fmt_time(at, true)),
                _ => "concept: wacht op controle door een tweede persoon".into(),
            },
            d: v.id,
        })
        .collect();
    render(&SarSubjectPage {
        shell: Shell::titled(&ctx, format!("Inzageverzoek: {naam}")),
        form: Form::new(
            format!("/dossiers/inzage/{id}/concept"),
            "Concept-inzage opstellen".into(),
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
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Create)
        .await
        ?;
    match store::inzage_opstellen(&state.db, &auth, state.settings.data_key.as_ref()).await {
        Ok(v) => Ok(Redirect::to(&format!("/dossiers/inzage/verzoek/{v}")).into_response()),
        Err(StoreError::Refused(m)) => bericht(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Inzage niet opgesteld",
            &m,
            (
                format!("/dossiers/inzage/{id}"),
                "Terug naar het verzoek".into(),
            ),
        ),
        Err(e) => Err(WebError::from(e)),
    }
}

#[derive(Template)]
#[template(path = "dossiers_inzage_verzoek.html")]
struct RequestPage {
    shell: Shell,
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
    let (auth, _) = store::open_verzoek(&state.db, &ctx.request, p, &id, Action::Read)
        .await
        ?;
    let mut v = match store::verzoek_inzien(&state.db, &auth, &id, state.settings.data_key.as_ref())
        .await
    {
        Ok(v) => v,
        Err(StoreError::Refused(m)) => {
            return bericht(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "Inzage niet te tonen",
                &m,
                (
                    "/dossiers/inzage".into(),
                    "Terug naar de inzageverzoeken".into(),
                ),
            )
        }
        Err(e) => return Err(WebError::from(e)),
    };
    let Some(i) = v.inhoud.take() else {
        return Err(WebError::NotFound);
    };
    let orgs = org_names(&state).await;
    let dossiers = i
        .dossiers
        .iter()
        .map(|d| {
            (
                d.clone(),
                d.items
                    .iter()
                    .map(|it| item_view(it, &orgs, None))
                    .collect(),
                d.historie
                    .iter()
                    .map(|h| Regel {
                        a: fmt_time(h.at, false),
                        b: historie_soort(&h.soort).to_string(),
                        c: h.naar.clone(),
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
            c: format!("{} {}", r.action, r.resource_type),
            d: r.outcome.clone(),
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
            "Gecontroleerd: vrijgeven".into(),
            Vec::new(),
        )
    });
    render(&RequestPage {
        shell: Shell::titled(
            &ctx,
            format!(
                "Inzage {}: {}",
                if vrijgegeven {
                    "(vrijgegeven)"
                } else {
                    "(concept)"
                },
                i.subject.naam
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
    let (auth, _) = store::open_verzoek(&state.db, &ctx.request, p, &id, Action::Update)
        .await
        ?;
    match store::verzoek_vrijgeven(&state.db, &auth, &id).await {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/inzage/verzoek/{id}")).into_response()),
        Err(e) => conflict_of(
            &ctx,
            e,
            (
                format!("/dossiers/inzage/verzoek/{id}"),
                "Terug naar de inzage".into(),
            ),
        ),
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
    let (auth, _) = store::open_verzoek(&state.db, &ctx.request, p, &id, Action::Export)
        .await
        ?;
    match store::verzoek_export(&state.db, &auth, &id, state.settings.data_key.as_ref()).await {
        Ok(v) => json_download(&format!("inzage-{}.json", v.subject_id), &v),
        Err(e) => conflict_of(
            &ctx,
            e,
            (
                format!("/dossiers/inzage/verzoek/{id}"),
                "Terug naar de inzage".into(),
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
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Export)
        .await
        ?;
    let terug = (
        format!("/dossiers/inzage/{id}"),
        "Terug naar het verzoek".to_string(),
    );
    let Some(verzoek) = store::laatste_vrijgegeven(&state.db, &auth)
        .await
        ?
    else {
        return bericht(
            &ctx,
            StatusCode::CONFLICT,
            "Nog geen vrijgegeven inzage",
            "Er is nog geen inzage vrijgegeven voor deze betrokkene. Stel een concept op en laat het door een tweede persoon controleren en vrijgeven.",
            terug,
        );
    };
    let (auth, _) = store::open_verzoek(&state.db, &ctx.request, p, &verzoek, Action::Export)
        .await
        ?;
    match store::verzoek_export(&state.db, &auth, &verzoek, state.settings.data_key.as_ref()).await
    {
        Ok(v) => json_download(&format!("inzage-{id}.json"), &v),
        Err(e) => conflict_of(&ctx, e, terug),
    }
}

fn correction_form(id: &str, v: &Fields) -> Form {
    Form::new(
        format!("/dossiers/inzage/{id}/correctie"),
        "Vastleggen".into(),
        vec![
            FormField::new(
                "veld",
                "Wat".into(),
                FieldKind::Select(vec![
                    ("naam".into(), "Naam corrigeren (art. 16)".into()),
                    ("adres".into(), "Adres corrigeren (art. 16)".into()),
                    (
                        "contact".into(),
                        "Contactgegevens corrigeren (art. 16)".into(),
                    ),
                    (
                        "geboortedatum".into(),
                        "Geboortedatum corrigeren (art. 16)".into(),
                    ),
                    ("beperking".into(), "Verwerking beperken (art. 18)".into()),
                ]),
            )
            .value(val(v, "veld")),
            FormField::new(
                "waarde",
                "Juiste waarde (of 'opheffen' om een beperking op te heffen)".into(),
                FieldKind::Text,
            )
            .value(val(v, "waarde")),
            FormField::new(
                "toelichting",
                "Grond en toelichting".into(),
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
    store::open_inzage(&state.db, &ctx.request, p, &id, Action::Update)
        .await
        ?;
    form_page(
        &ctx,
        "Correctie of beperking vastleggen".into(),
        "De oude waarde blijft bewaard in de correctiegeschiedenis.".into(),
        correction_form(&id, &Vec::new()),
        (
            format!("/dossiers/inzage/{id}"),
            "Terug naar het inzageverzoek".into(),
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
    let auth = store::open_inzage(&state.db, &ctx.request, p, &id, Action::Update)
        .await
        ?;
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
            correction_form(&id, &v),
            e,
            "Correctie of beperking vastleggen".into(),
            "De oude waarde blijft bewaard in de correctiegeschiedenis.".into(),
            (
                format!("/dossiers/inzage/{id}"),
                "Terug naar het inzageverzoek".into(),
            ),
        ),
    }
}
