//! Pages of the youth groups (Jonge Aanwas) and of the partners with their agreements.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form as AxForm};
use platform::access::{act, Action};
use platform::identity::{field_error, FieldError};
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render, render_status, require_user, AppState, Ctx, Shell, WebResult};

use crate::access::{may, Deel};
use crate::html::{known_wijk, store_err, texts, translated, wijk_naam, FormPage, Texts};
use crate::model::{
    ActieIn, AfspraakIn, GroepIn, PartnerIn, ScanIn, AFSPRAAK_DOELGROEPEN, AFSPRAAK_STATUSSEN,
    ERNST, ONTWIKKELING, PARTNER_SOORTEN,
};
use crate::store::{self, AfspraakRij, GroepDetail, GroepRij, PartnerRij, StoreError};

fn g(v: &HashMap<String, String>, k: &str) -> String {
    v.get(k).cloned().unwrap_or_default()
}

fn options(m: &Texts, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| (v.to_string(), m.t(&format!("{prefix}{v}"))))
        .collect()
}

pub(crate) fn known_buurt(code: &str) -> bool {
    monitor::areas::buurten().iter().any(|b| b.code == code)
}

/// An id as Baken makes them (UUID text), so a typed dossier reference is at least well formed.
pub(crate) fn valid_id(id: &str) -> bool {
    id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

// ---------------------------------------------------------------------------------------------
// The list and a new group.

/// A group row with its names resolved.
pub(crate) struct GroepRegel {
    pub r: GroepRij,
    pub wijk: String,
    pub buurt: String,
}

fn regel(m: &Texts, r: GroepRij) -> GroepRegel {
    GroepRegel {
        wijk: wijk_naam(m, Some(&r.wijk)),
        buurt: r
            .buurt
            .as_deref()
            .map(|b| wijk_naam(m, Some(b)))
            .unwrap_or_default(),
        r,
    }
}

#[derive(Template)]
#[template(path = "preventie_groepen.html")]
struct ListPage {
    shell: Shell,
    m: Texts,
    rows: Vec<GroepRegel>,
    may_create: bool,
}

pub async fn list(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_groepen::<act::List>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let rows = store::groepen(&state.db, &auth)
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|r| regel(&m, r))
        .collect();
    render(&ListPage {
        shell: Shell::titled(&ctx, m.t("preventie-groepen-title")),
        may_create: may(Deel::Groepen, p, Action::Create),
        m,
        rows,
    })
}

fn groep_form(m: &Texts, v: &GroepIn) -> Form {
    let mut wijken = vec![(String::new(), m.t("preventie-choose"))];
    wijken.extend(
        monitor::areas::wijken()
            .iter()
            .map(|w| (w.code.clone(), w.name.clone())),
    );
    let mut buurten = vec![(String::new(), m.t("preventie-buurt-none"))];
    buurten.extend(
        monitor::areas::buurten()
            .iter()
            .map(|b| (b.code.clone(), b.name.clone())),
    );
    Form::new(
        "/preventie/groepen/nieuw",
        m.t("preventie-save"),
        vec![
            FormField::new("naam", m.t("preventie-field-groepsnaam"), FieldKind::Text)
                .value(v.naam.clone())
                .hint(m.t("preventie-field-groepsnaam-hint"))
                .required(),
            FormField::new(
                "wijk",
                m.t("preventie-field-wijk"),
                FieldKind::Select(wijken),
            )
            .value(v.wijk.clone()),
            FormField::new(
                "buurt",
                m.t("preventie-field-buurt"),
                FieldKind::Select(buurten),
            )
            .value(v.buurt.clone()),
            FormField::new(
                "plekken",
                m.t("preventie-field-plekken"),
                FieldKind::TextArea,
            )
            .value(v.plekken.clone())
            .hint(m.t("preventie-field-plekken-hint")),
        ],
    )
}

fn back(m: &Texts) -> Vec<(String, String)> {
    vec![("/preventie/groepen".into(), m.t("preventie-groepen-title"))]
}

pub async fn new_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    store::authorize_groepen::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("preventie-groep-new")),
        intro: m.t("preventie-groep-new-intro"),
        form: groep_form(&m, &GroepIn::default()),
        after: back(&m),
    })
}

pub async fn new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_groepen::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let input = GroepIn {
        naam: g(&v, "naam"),
        wijk: g(&v, "wijk"),
        buurt: g(&v, "buurt"),
        plekken: g(&v, "plekken"),
    };
    match input.parse(&known_wijk, &known_buurt) {
        Ok(groep) => {
            let id = store::groep_nieuw(&state.db, &auth, &groep)
                .await
                .map_err(store_err)?;
            Ok(Redirect::to(&format!("/preventie/groepen/{id}")).into_response())
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell: Shell::titled(&ctx, m.t("preventie-groep-new")),
                intro: m.t("preventie-groep-new-intro"),
                form: groep_form(&m, &input).with_errors(&ctx.lang, &translated(&m, &errors)),
                after: back(&m),
            },
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// One group: scans, approach, history, group dossier.

#[derive(Template)]
#[template(path = "preventie_groep.html")]
struct DetailPage {
    shell: Shell,
    m: Texts,
    d: GroepDetail,
    wijk: String,
    buurt: String,
    scan_form: Option<Form>,
    actie_form: Option<Form>,
    dossier_form: Option<Form>,
    may_update: bool,
}

fn scan_form(m: &Texts, id: &str, v: &ScanIn) -> Form {
    Form::new(
        format!("/preventie/groepen/{id}/scan"),
        m.t("preventie-scan-add"),
        vec![
            FormField::new("datum", m.t("preventie-field-scandatum"), FieldKind::Date)
                .value(v.datum.clone())
                .required(),
            FormField::new("bron", m.t("preventie-field-bron"), FieldKind::Text)
                .value(v.bron.clone())
                .hint(m.t("preventie-field-bron-hint"))
                .required(),
            FormField::new(
                "ernst",
                m.t("preventie-field-ernst"),
                FieldKind::Select(options(m, "preventie-ernst-", &ERNST)),
            )
            .value(v.ernst.clone()),
            FormField::new(
                "risicos",
                m.t("preventie-field-risicos"),
                FieldKind::TextArea,
            )
            .value(v.risicos.clone())
            .required(),
            FormField::new(
                "ontwikkeling",
                m.t("preventie-field-ontwikkeling"),
                FieldKind::Select(options(m, "preventie-ontwikkeling-", &ONTWIKKELING)),
            )
            .value(v.ontwikkeling.clone()),
            FormField::new("impact", m.t("preventie-field-impact"), FieldKind::TextArea)
                .value(v.impact.clone())
                .required(),
            FormField::new(
                "toelichting",
                m.t("preventie-field-toelichting"),
                FieldKind::TextArea,
            )
            .value(v.toelichting.clone()),
        ],
    )
}

fn partner_options(m: &Texts, partners: &[PartnerRij], none: bool) -> Vec<(String, String)> {
    let mut o = Vec::new();
    if none {
        o.push((String::new(), m.t("preventie-partner-none")));
    }
    o.extend(partners.iter().map(|p| {
        (
            p.id.clone(),
            format!(
                "{} ({})",
                p.naam,
                m.t(&format!("preventie-partnersoort-{}", p.soort))
            ),
        )
    }));
    o
}

fn actie_form(m: &Texts, id: &str, partners: &[PartnerRij], v: &ActieIn) -> Form {
    Form::new(
        format!("/preventie/groepen/{id}/actie"),
        m.t("preventie-actie-add"),
        vec![
            FormField::new(
                "omschrijving",
                m.t("preventie-field-omschrijving"),
                FieldKind::TextArea,
            )
            .value(v.omschrijving.clone())
            .required(),
            FormField::new(
                "partner",
                m.t("preventie-field-partner"),
                FieldKind::Select(partner_options(m, partners, true)),
            )
            .value(v.partner.clone()),
            FormField::new("eigenaar", m.t("preventie-field-eigenaar"), FieldKind::Text)
                .value(v.eigenaar.clone())
                .hint(m.t("preventie-field-eigenaar-hint"))
                .required(),
            FormField::new(
                "herzien_op",
                m.t("preventie-field-herzien"),
                FieldKind::Date,
            )
            .value(v.herzien_op.clone())
            .required(),
        ],
    )
}

fn dossier_form(m: &Texts, id: &str, v: &str) -> Form {
    Form::new(
        format!("/preventie/groepen/{id}/dossier"),
        m.t("preventie-dossier-link"),
        vec![
            FormField::new("dossier", m.t("preventie-field-dossier"), FieldKind::Text)
                .value(v)
                .hint(m.t("preventie-field-dossier-hint"))
                .required(),
        ],
    )
}

/// Which form of the page came back with errors.
enum Refused {
    Scan(Form),
    Actie(Form),
    Dossier(Form),
}

async fn detail(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    status: StatusCode,
    refused: Option<Refused>,
) -> WebResult {
    let p = require_user(ctx)?;
    let auth = store::authorize_groepen::<act::Read>(&state.db, &ctx.request, p, Some(id)).await?;
    let m = texts(ctx);
    let d = store::groep(&state.db, &auth).await.map_err(store_err)?;
    let may_update = may(Deel::Groepen, p, Action::Update);
    let partners = store::partners(&state.db).await.map_err(store_err)?;
    let (mut scan, mut actie, mut dossier) = if may_update {
        (
            Some(scan_form(&m, id, &ScanIn::default())),
            Some(actie_form(&m, id, &partners, &ActieIn::default())),
            Some(dossier_form(&m, id, "")),
        )
    } else {
        (None, None, None)
    };
    match refused {
        Some(Refused::Scan(f)) => scan = Some(f),
        Some(Refused::Actie(f)) => actie = Some(f),
        Some(Refused::Dossier(f)) => dossier = Some(f),
        None => {}
    }
    render_status(
        status,
        &DetailPage {
            shell: Shell::titled(ctx, d.groep.naam.clone()),
            wijk: wijk_naam(&m, Some(&d.groep.wijk)),
            buurt: d
                .groep
                .buurt
                .as_deref()
                .map(|b| wijk_naam(&m, Some(b)))
                .unwrap_or_default(),
            m,
            d,
            scan_form: scan,
            actie_form: actie,
            dossier_form: dossier,
            may_update,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    detail(&state, &ctx, &id, StatusCode::OK, None).await
}

/// The field errors of a refused change, or None when it went through.
fn refused_or(
    result: Result<(), StoreError>,
) -> Result<Option<Vec<FieldError>>, platform::web::WebError> {
    match result {
        Ok(()) => Ok(None),
        Err(StoreError::Invalid(e)) => Ok(Some(e)),
        Err(e) => Err(store_err(e)),
    }
}

pub async fn scan_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_groepen::<act::Update>(&state.db, &ctx.request, p, Some(&id)).await?;
    let m = texts(&ctx);
    let input = ScanIn {
        datum: g(&v, "datum"),
        bron: g(&v, "bron"),
        ernst: g(&v, "ernst"),
        risicos: g(&v, "risicos"),
        ontwikkeling: g(&v, "ontwikkeling"),
        impact: g(&v, "impact"),
        toelichting: g(&v, "toelichting"),
    };
    let errors = match input.parse(platform::db::today_nl()) {
        Ok(s) => refused_or(store::scan_toevoegen(&state.db, &auth, &s).await)?,
        Err(e) => Some(e),
    };
    match errors {
        None => Ok(Redirect::to(&format!("/preventie/groepen/{id}#scans")).into_response()),
        Some(e) => {
            let f = scan_form(&m, &id, &input).with_errors(&ctx.lang, &translated(&m, &e));
            detail(
                &state,
                &ctx,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(Refused::Scan(f)),
            )
            .await
        }
    }
}

pub async fn actie_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_groepen::<act::Update>(&state.db, &ctx.request, p, Some(&id)).await?;
    let m = texts(&ctx);
    let partners = store::partners(&state.db).await.map_err(store_err)?;
    let input = ActieIn {
        omschrijving: g(&v, "omschrijving"),
        partner: g(&v, "partner"),
        eigenaar: g(&v, "eigenaar"),
        herzien_op: g(&v, "herzien_op"),
    };
    let known = |pid: &str| partners.iter().any(|p| p.id == pid);
    let errors = match input.parse(&known) {
        Ok(a) => refused_or(store::actie_toevoegen(&state.db, &auth, &a).await)?,
        Err(e) => Some(e),
    };
    match errors {
        None => Ok(Redirect::to(&format!("/preventie/groepen/{id}#aanpak")).into_response()),
        Some(e) => {
            let f =
                actie_form(&m, &id, &partners, &input).with_errors(&ctx.lang, &translated(&m, &e));
            detail(
                &state,
                &ctx,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(Refused::Actie(f)),
            )
            .await
        }
    }
}

pub async fn actie_done(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, actie)): Path<(String, String)>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_groepen::<act::Update>(&state.db, &ctx.request, p, Some(&id)).await?;
    store::actie_afronden(&state.db, &auth, &actie)
        .await
        .map_err(store_err)?;
    Ok(Redirect::to(&format!("/preventie/groepen/{id}#aanpak")).into_response())
}

pub async fn dossier_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_groepen::<act::Update>(&state.db, &ctx.request, p, Some(&id)).await?;
    let m = texts(&ctx);
    let dossier = g(&v, "dossier").trim().to_string();
    let errors = if valid_id(&dossier) {
        refused_or(store::dossier_koppelen(&state.db, &auth, &dossier).await)?
    } else {
        Some(vec![field_error("dossier", "preventie-error-dossier")])
    };
    match errors {
        None => Ok(Redirect::to(&format!("/preventie/groepen/{id}#dossier")).into_response()),
        Some(e) => {
            let f = dossier_form(&m, &id, &dossier).with_errors(&ctx.lang, &translated(&m, &e));
            detail(
                &state,
                &ctx,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(Refused::Dossier(f)),
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Partners and agreements.

#[derive(Template)]
#[template(path = "preventie_partners.html")]
struct PartnersPage {
    shell: Shell,
    m: Texts,
    partners: Vec<PartnerRij>,
    afspraken: Vec<AfspraakRij>,
    partner_form: Option<Form>,
    afspraak_form: Option<Form>,
}

fn partner_form(m: &Texts, v: &PartnerIn) -> Form {
    Form::new(
        "/preventie/partners",
        m.t("preventie-partner-add"),
        vec![
            FormField::new(
                "soort",
                m.t("preventie-field-partnersoort"),
                FieldKind::Select(options(m, "preventie-partnersoort-", &PARTNER_SOORTEN)),
            )
            .value(v.soort.clone()),
            FormField::new("naam", m.t("preventie-field-partnernaam"), FieldKind::Text)
                .value(v.naam.clone())
                .required(),
            FormField::new("plaats", m.t("preventie-field-plaats"), FieldKind::Text)
                .value(v.plaats.clone()),
        ],
    )
}

fn afspraak_form(m: &Texts, partners: &[PartnerRij], v: &AfspraakIn) -> Form {
    Form::new(
        "/preventie/partners/afspraken",
        m.t("preventie-afspraak-add"),
        vec![
            FormField::new(
                "partner",
                m.t("preventie-field-partner"),
                FieldKind::Select(partner_options(m, partners, false)),
            )
            .value(v.partner.clone()),
            FormField::new(
                "programma",
                m.t("preventie-field-programma"),
                FieldKind::Text,
            )
            .value(v.programma.clone())
            .hint(m.t("preventie-field-programma-hint"))
            .required(),
            FormField::new(
                "doelgroep",
                m.t("preventie-field-doelgroep"),
                FieldKind::Select(options(
                    m,
                    "preventie-afspraakdoelgroep-",
                    &AFSPRAAK_DOELGROEPEN,
                )),
            )
            .value(v.doelgroep.clone()),
            FormField::new("van", m.t("preventie-field-van"), FieldKind::Date)
                .value(v.van.clone())
                .required(),
            FormField::new("tot", m.t("preventie-field-tot"), FieldKind::Date).value(v.tot.clone()),
            FormField::new(
                "status",
                m.t("preventie-field-status"),
                FieldKind::Select(options(m, "preventie-afspraakstatus-", &AFSPRAAK_STATUSSEN)),
            )
            .value(v.status.clone()),
            FormField::new(
                "notitie",
                m.t("preventie-field-notitie"),
                FieldKind::TextArea,
            )
            .value(v.notitie.clone()),
        ],
    )
}

async fn partners_view(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    refused_partner: Option<Form>,
    refused_afspraak: Option<Form>,
) -> WebResult {
    let p = require_user(ctx)?;
    store::authorize_partners::<act::List>(&state.db, &ctx.request, p, None).await?;
    let m = texts(ctx);
    let partners = store::partners(&state.db).await.map_err(store_err)?;
    let afspraken = store::afspraken(&state.db).await.map_err(store_err)?;
    let may_create = may(Deel::Partners, p, Action::Create);
    let partner_form =
        refused_partner.or_else(|| may_create.then(|| partner_form(&m, &PartnerIn::default())));
    let afspraak_form = refused_afspraak.or_else(|| {
        (may_create && !partners.is_empty()).then(|| {
            afspraak_form(
                &m,
                &partners,
                &AfspraakIn {
                    status: "gepland".into(),
                    ..Default::default()
                },
            )
        })
    });
    render_status(
        status,
        &PartnersPage {
            shell: Shell::titled(ctx, m.t("preventie-partners-title")),
            m,
            partners,
            afspraken,
            partner_form,
            afspraak_form,
        },
    )
}

pub async fn partners_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    partners_view(&state, &ctx, StatusCode::OK, None, None).await
}

pub async fn partner_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_partners::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let input = PartnerIn {
        soort: g(&v, "soort"),
        naam: g(&v, "naam"),
        plaats: g(&v, "plaats"),
    };
    let errors = match input.parse() {
        Ok((soort, naam, plaats)) => {
            match store::partner_nieuw(&state.db, &auth, &soort, &naam, &plaats).await {
                Ok(_) => return Ok(Redirect::to("/preventie/partners").into_response()),
                Err(StoreError::Invalid(e)) => e,
                Err(e) => return Err(store_err(e)),
            }
        }
        Err(e) => e,
    };
    let f = partner_form(&m, &input).with_errors(&ctx.lang, &translated(&m, &errors));
    partners_view(
        &state,
        &ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(f),
        None,
    )
    .await
}

pub async fn afspraak_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_partners::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let partners = store::partners(&state.db).await.map_err(store_err)?;
    let input = AfspraakIn {
        partner: g(&v, "partner"),
        programma: g(&v, "programma"),
        doelgroep: g(&v, "doelgroep"),
        van: g(&v, "van"),
        tot: g(&v, "tot"),
        status: g(&v, "status"),
        notitie: g(&v, "notitie"),
    };
    let known = |pid: &str| partners.iter().any(|p| p.id == pid);
    match input.parse(&known) {
        Ok(a) => {
            store::afspraak_nieuw(&state.db, &auth, &a)
                .await
                .map_err(store_err)?;
            Ok(Redirect::to("/preventie/partners#afspraken").into_response())
        }
        Err(e) => {
            let f =
                afspraak_form(&m, &partners, &input).with_errors(&ctx.lang, &translated(&m, &e));
            partners_view(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(f),
            )
            .await
        }
    }
}
