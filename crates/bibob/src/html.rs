//! Pages: the list of screenings, a new screening, the policy, a screening with its sections and
//! timeline, and one form page per step. Every page carries the art. 28 confidentiality mark.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::{Extension, Form as AxForm, Router};
use jiff::civil::Date;
use platform::access::{act, Principal};
use platform::identity::FieldError;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};
use termijnen::datum_nl;

use crate::access::coordinator;
use crate::brief::{self, BriefSoort};
use crate::input::{self, Stap};
use crate::model::{self, Besluit, Bron, Niveau, SignaalBron, Soort, Toets};
use crate::store::{self, Detail, StoreError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/bibob", get(list_page))
        .route("/bibob/nieuw", get(new_page).post(new_post))
        .route("/bibob/beleid", get(policy_page).post(policy_post))
        .route("/bibob/{id}", get(detail_page))
        .route("/bibob/{id}/{stap}", get(step_page).post(step_post))
        .route("/bibob/{id}/brief/{soort}", get(letter_page))
        .route("/bibob/{id}/bijlage", get(attach_page).post(attach_post))
        .route("/bibob/{id}/bijlagen/{file}", get(attachment))
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

pub(crate) fn store_err(e: StoreError) -> WebError {
    match e {
        StoreError::NotFound => WebError::NotFound,
        StoreError::Access(e) => e.into(),
        other => WebError::Internal(other.to_string()),
    }
}

fn dag(d: Option<Date>) -> String {
    d.map(datum_nl).unwrap_or_default()
}

/// The body of a form, with repeated fields (checkboxes) joined by commas.
fn fields(pairs: Vec<(String, String)>) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    for (k, v) in pairs {
        out.entry(k)
            .and_modify(|e| {
                e.push(',');
                e.push_str(&v);
            })
            .or_insert(v);
    }
    out
}

fn options<T: Copy>(
    m: &Texts,
    all: &[T],
    slug: fn(T) -> &'static str,
    key: fn(T) -> String,
    empty: bool,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if empty {
        out.push((String::new(), m.t("bibob-kies")));
    }
    out.extend(all.iter().map(|x| (slug(*x).to_string(), m.t(&key(*x)))));
    out
}

#[derive(Template)]
#[template(path = "bibob_form.html")]
struct FormPage {
    shell: Shell,
    m: Texts,
    intro: String,
    form: Form,
    back: String,
}

// ---------------------------------------------------------------------------------------------
// List.

struct ListRow {
    id: String,
    kenmerk: String,
    bedrijf: String,
    soort: String,
    fase: String,
}

#[derive(Template)]
#[template(path = "bibob_list.html")]
struct ListPage {
    shell: Shell,
    m: Texts,
    rows: Vec<ListRow>,
    coordinator: bool,
}

async fn list_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    let m = texts(&ctx);
    let auth = store::authorize_list(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let rows = store::list(&state.db, &auth)
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|r| {
            let d = Detail {
                rij: r.clone(),
                bronnen: Vec::new(),
                vragen: Vec::new(),
                beslissers: Vec::new(),
            };
            ListRow {
                fase: m.t(model::fase(&d.data())),
                soort: r.soort.map(|s| m.t(&s.key())).unwrap_or_default(),
                id: r.id,
                kenmerk: r.kenmerk,
                bedrijf: r.bedrijf,
            }
        })
        .collect();
    render(&ListPage {
        shell: Shell::titled(&ctx, m.t("bibob-titel")),
        rows,
        coordinator: coordinator(p),
        m,
    })
}

// ---------------------------------------------------------------------------------------------
// New screening.

fn new_form(m: &Texts, v: &HashMap<String, String>) -> Form {
    let val = |k: &str| v.get(k).cloned().unwrap_or_default();
    let mut signaal = vec![(String::new(), m.t("bibob-geen-signaal"))];
    signaal.extend(
        SignaalBron::ALL
            .iter()
            .map(|b| (b.slug().to_string(), m.t(&b.key()))),
    );
    Form::new(
        "/bibob/nieuw",
        m.t("bibob-nieuw-opslaan"),
        vec![
            FormField::new(
                "soort",
                m.t("bibob-soort"),
                FieldKind::Select(options(m, &Soort::ALL, Soort::slug, Soort::key, true)),
            )
            .value(val("soort"))
            .hint(m.t("bibob-soort-hint"))
            .required(),
            FormField::new("aanvraag", m.t("bibob-aanvraag"), FieldKind::Text)
                .value(val("aanvraag"))
                .hint(m.t("bibob-aanvraag-hint"))
                .required(),
            FormField::new("aanvraag_op", m.t("bibob-aanvraag-op"), FieldKind::Date)
                .value(val("aanvraag_op"))
                .required(),
            FormField::new("beslistermijn", m.t("bibob-beslistermijn"), FieldKind::Date)
                .value(val("beslistermijn"))
                .hint(m.t("bibob-beslistermijn-hint")),
            FormField::new("bedrijf", m.t("bibob-bedrijf"), FieldKind::Text)
                .value(val("bedrijf"))
                .required(),
            FormField::new("kvk", m.t("bibob-kvk"), FieldKind::Text)
                .value(val("kvk"))
                .hint(m.t("bibob-kvk-hint"))
                .required(),
            FormField::new("plaats_id", m.t("bibob-plaats"), FieldKind::Text)
                .value(val("plaats_id"))
                .hint(m.t("bibob-plaats-hint")),
            FormField::new(
                "signaal_bron",
                m.t("bibob-signaal-bron"),
                FieldKind::Select(signaal),
            )
            .value(val("signaal_bron"))
            .hint(m.t("bibob-signaal-bron-hint")),
            FormField::new("signaal", m.t("bibob-signaal"), FieldKind::TextArea)
                .value(val("signaal")),
        ],
    )
}

fn creator(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = require_user(ctx)?;
    if coordinator(p) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

async fn new_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = creator(&ctx)?;
    store::authorize_new(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let m = texts(&ctx);
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("bibob-nieuw-titel")),
        intro: m.t("bibob-nieuw-intro"),
        form: new_form(&m, &HashMap::new()),
        back: "/bibob".into(),
        m,
    })
}

async fn new_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(pairs): AxForm<Vec<(String, String)>>,
) -> WebResult {
    let p = creator(&ctx)?;
    let auth = store::authorize_new(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let v = fields(pairs);
    let beleid = store::toets_voor_alle(&state.db, &p.organisation_id)
        .await
        .map_err(store_err)?;
    let toets = |s: Soort| {
        beleid
            .iter()
            .find(|r| r.soort == s)
            .map(|r| r.toets)
            .unwrap_or(s.standaard_toets())
    };
    match input::nieuw(&ctx.lang, &v, toets) {
        Ok(n) => {
            let id = store::create(&state.db, &auth, &n, toets(n.soort))
                .await
                .map_err(store_err)?;
            Ok(Redirect::to(&format!("/bibob/{id}")).into_response())
        }
        Err(errors) => {
            let m = texts(&ctx);
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    shell: Shell::titled(&ctx, m.t("bibob-nieuw-titel")),
                    intro: m.t("bibob-nieuw-intro"),
                    form: new_form(&m, &v).with_errors(&ctx.lang, &errors),
                    back: "/bibob".into(),
                    m,
                },
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Policy.

fn policy_form(
    m: &Texts,
    rows: &[store::BeleidRegel],
    v: Option<&HashMap<String, String>>,
) -> Form {
    let mut fields = Vec::new();
    for r in rows {
        let name = format!("toets-{}", r.soort.slug());
        let value = v
            .and_then(|v| v.get(&name).cloned())
            .unwrap_or_else(|| r.toets.slug().to_string());
        fields.push(
            FormField::new(
                &name,
                m.t(&r.soort.key()),
                FieldKind::Select(options(m, &Toets::ALL, Toets::slug, Toets::key, false)),
            )
            .value(value),
        );
    }
    Form::new("/bibob/beleid", m.t("bibob-beleid-opslaan"), fields)
}

async fn policy_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = creator(&ctx)?;
    let auth = store::authorize_beleid::<act::Read>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let rows = store::beleid(&state.db, &auth).await.map_err(store_err)?;
    let m = texts(&ctx);
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("bibob-beleid-titel")),
        intro: m.t("bibob-beleid-intro"),
        form: policy_form(&m, &rows, None),
        back: "/bibob".into(),
        m,
    })
}

async fn policy_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(pairs): AxForm<Vec<(String, String)>>,
) -> WebResult {
    let p = creator(&ctx)?;
    let auth = store::authorize_beleid::<act::Update>(&state.db, &ctx.request, p)
        .await
        .map_err(store_err)?;
    let rows = store::beleid(&state.db, &auth).await.map_err(store_err)?;
    let v = fields(pairs);
    let mut c = input::Check::new(&ctx.lang, &v);
    let mut changes = Vec::new();
    for r in &rows {
        let name = format!("toets-{}", r.soort.slug());
        if let Some(t) = c.choice(&name, Toets::from_slug) {
            if t != r.toets {
                changes.push((r.soort, t));
            }
        }
    }
    if !c.errors.is_empty() {
        let m = texts(&ctx);
        let errors: Vec<FieldError> = c.errors;
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell: Shell::titled(&ctx, m.t("bibob-beleid-titel")),
                intro: m.t("bibob-beleid-intro"),
                form: policy_form(&m, &rows, Some(&v)).with_errors(&ctx.lang, &errors),
                back: "/bibob".into(),
                m,
            },
        );
    }
    for (soort, toets) in changes {
        store::set_beleid(&state.db, &auth, soort, toets, "")
            .await
            .map_err(store_err)?;
    }
    Ok(Redirect::to("/bibob/beleid").into_response())
}

// ---------------------------------------------------------------------------------------------
// One screening.

struct Sectie {
    slug: &'static str,
    titel: String,
    rijen: Vec<(String, String)>,
    links: Vec<(String, String)>,
    vertrouwelijk: bool,
}

#[derive(Template)]
#[template(path = "bibob_detail.html")]
struct DetailPage {
    shell: Shell,
    m: Texts,
    secties: Vec<Sectie>,
    bijlagen: Vec<(String, String, String)>,
    bronnen: Vec<(String, String, String)>,
    vragen: Vec<(String, String, String)>,
    tijdlijn: Vec<(String, String, String)>,
}

/// Whether the person may take this step on this screening (the access engine already allowed
/// the update: coordinator or named decider).
fn may_take(p: &Principal, stap: Stap) -> bool {
    coordinator(p) || stap.voor_beslisser()
}

fn step_links(m: &Texts, p: &Principal, d: &Detail, stappen: &[Stap]) -> Vec<(String, String)> {
    stappen
        .iter()
        .filter(|s| may_take(p, **s) && s.mogelijk(d))
        .map(|s| (format!("/bibob/{}/{}", d.rij.id, s.slug()), m.t(&s.key())))
        .collect()
}

fn push(rows: &mut Vec<(String, String)>, m: &Texts, key: &str, v: Option<String>) {
    if let Some(v) = v.filter(|v| !v.is_empty()) {
        rows.push((m.t(key), v));
    }
}

fn secties(m: &Texts, p: &Principal, d: &Detail, vandaag: Date) -> (Vec<Sectie>, Vec<String>) {
    let r = &d.rij;
    let mut out = Vec::new();
    let mut uitleg = Vec::new();

    let mut a = Vec::new();
    push(&mut a, m, "bibob-kenmerk", Some(r.kenmerk.clone()));
    push(&mut a, m, "bibob-soort", r.soort.map(|s| m.t(&s.key())));
    push(&mut a, m, "bibob-aanvraag", Some(r.aanvraag.clone()));
    push(&mut a, m, "bibob-aanvraag-op", Some(dag(r.aanvraag_op)));
    push(&mut a, m, "bibob-beslistermijn", Some(dag(r.beslistermijn)));
    push(
        &mut a,
        m,
        "bibob-aanleiding",
        Some(m.t(&format!("bibob-aanleiding-{}", r.aanleiding))),
    );
    push(
        &mut a,
        m,
        "bibob-signaal-bron",
        r.signaal_bron
            .as_deref()
            .and_then(SignaalBron::from_slug)
            .map(|b| m.t(&b.key())),
    );
    push(&mut a, m, "bibob-signaal", r.signaal.clone());
    push(&mut a, m, "bibob-bedrijf", Some(r.bedrijf.clone()));
    push(&mut a, m, "bibob-kvk", Some(r.kvk.clone()));
    push(&mut a, m, "bibob-plaats", r.plaats_id.clone());
    push(&mut a, m, "bibob-fase", Some(m.t(model::fase(&d.data()))));
    push(
        &mut a,
        m,
        "bibob-beslissers",
        Some(if d.beslissers.is_empty() {
            m.t("bibob-geen-beslissers")
        } else {
            d.beslissers
                .iter()
                .map(|b| b.naam.clone())
                .collect::<Vec<_>>()
                .join(", ")
        }),
    );
    if let Some(b) = r.besluit_op.and_then(model::vernietigen_na) {
        push(&mut a, m, "bibob-bewaren-tot", Some(datum_nl(b)));
    }
    out.push(Sectie {
        slug: "aanvraag",
        titel: m.t("bibob-sectie-aanvraag"),
        rijen: a,
        links: step_links(m, p, d, &[Stap::Beslissers]),
        vertrouwelijk: false,
    });

    let mut q = Vec::new();
    push(
        &mut q,
        m,
        "bibob-vragen-verzonden",
        Some(dag(r.vragen_verzonden)),
    );
    push(
        &mut q,
        m,
        "bibob-vragen-ontvangen",
        Some(dag(r.vragen_ontvangen)),
    );
    push(
        &mut q,
        m,
        "bibob-antwoord-zeggenschap",
        r.antwoord_zeggenschap.clone(),
    );
    push(
        &mut q,
        m,
        "bibob-antwoord-financiering",
        r.antwoord_financiering.clone(),
    );
    push(
        &mut q,
        m,
        "bibob-antwoord-leidinggevenden",
        r.antwoord_leidinggevenden.clone(),
    );
    push(
        &mut q,
        m,
        "bibob-antwoord-antecedenten",
        r.antwoord_antecedenten.clone(),
    );
    out.push(Sectie {
        slug: "vragenformulier",
        titel: m.t("bibob-sectie-vragenformulier"),
        rijen: q,
        links: {
            let mut l = step_links(m, p, d, &[Stap::Vragenformulier]);
            if coordinator(p) {
                l.push((
                    format!("/bibob/{}/bijlage", r.id),
                    m.t("bibob-bijlage-titel"),
                ));
            }
            l
        },
        vertrouwelijk: false,
    });

    out.push(Sectie {
        slug: "onderzoek",
        titel: m.t("bibob-sectie-onderzoek"),
        rijen: if d.bronnen.is_empty() {
            Vec::new()
        } else {
            vec![(m.t("bibob-aantal-bronnen"), d.bronnen.len().to_string())]
        },
        links: step_links(m, p, d, &[Stap::Bron]),
        vertrouwelijk: false,
    });

    let mut l = Vec::new();
    push(&mut l, m, "bibob-lbb-gevraagd", Some(dag(r.lbb_gevraagd)));
    push(&mut l, m, "bibob-geinformeerd", Some(dag(r.geinformeerd)));
    if r.lbb_gevraagd.is_some() {
        push(
            &mut l,
            m,
            "bibob-lbb-verlengd",
            Some(m.t(if r.lbb_verlengd {
                "bibob-ja"
            } else {
                "bibob-nee"
            })),
        );
    }
    match d.opschorting(vandaag) {
        Some(Ok(o)) => {
            push(
                &mut l,
                m,
                "bibob-adviestermijn",
                Some(datum_nl(o.adviestermijn)),
            );
            push(
                &mut l,
                m,
                "bibob-opschorting",
                Some(format!(
                    "{} {}",
                    o.dagen,
                    m.t(if o.einde.is_some() {
                        "bibob-dagen"
                    } else {
                        "bibob-dagen-lopend"
                    })
                )),
            );
            push(
                &mut l,
                m,
                "bibob-beslistermijn-nieuw",
                o.beslistermijn.map(datum_nl),
            );
            uitleg = o.uitleg.clone();
            push(&mut l, m, "bibob-uitleg", Some(o.uitleg.join(" ")));
        }
        Some(Err(e)) => push(&mut l, m, "bibob-uitleg", Some(e.to_string())),
        None => {}
    }
    out.push(Sectie {
        slug: "lbb",
        titel: m.t("bibob-sectie-lbb"),
        rijen: l,
        links: with_letter(
            m,
            d,
            BriefSoort::Adviesaanvraag,
            step_links(m, p, d, &[Stap::Lbb, Stap::Vraag, Stap::Antwoord]),
        ),
        vertrouwelijk: false,
    });

    let mut adv = Vec::new();
    push(&mut adv, m, "bibob-advies-op", Some(dag(r.advies_op)));
    push(
        &mut adv,
        m,
        "bibob-advies-niveau",
        r.advies_niveau.map(|n| m.t(&n.key())),
    );
    push(
        &mut adv,
        m,
        "bibob-advies-samenvatting",
        r.advies_samenvatting.clone(),
    );
    out.push(Sectie {
        slug: "advies",
        titel: m.t("bibob-sectie-advies"),
        vertrouwelijk: !adv.is_empty(),
        rijen: adv,
        links: step_links(m, p, d, &[Stap::Advies]),
    });

    let mut v = Vec::new();
    push(&mut v, m, "bibob-voornemen-op", Some(dag(r.voornemen_op)));
    push(&mut v, m, "bibob-voornemen", r.voornemen.clone());
    push(&mut v, m, "bibob-zienswijze-op", Some(dag(r.zienswijze_op)));
    push(&mut v, m, "bibob-zienswijze", r.zienswijze.clone());
    out.push(Sectie {
        slug: "voornemen",
        titel: m.t("bibob-sectie-voornemen"),
        rijen: v,
        links: with_letter(
            m,
            d,
            BriefSoort::Voornemen,
            step_links(m, p, d, &[Stap::Voornemen]),
        ),
        vertrouwelijk: false,
    });

    let mut b = Vec::new();
    push(&mut b, m, "bibob-besluit", r.besluit.map(|x| m.t(&x.key())));
    push(&mut b, m, "bibob-besluit-op", Some(dag(r.besluit_op)));
    push(&mut b, m, "bibob-evenredigheid", r.evenredigheid.clone());
    push(&mut b, m, "bibob-voorschriften", r.voorschriften.clone());
    out.push(Sectie {
        slug: "besluit",
        titel: m.t("bibob-sectie-besluit"),
        rijen: b,
        links: with_letter(
            m,
            d,
            BriefSoort::Besluit,
            step_links(m, p, d, &[Stap::Besluit]),
        ),
        vertrouwelijk: false,
    });
    (out, uitleg)
}

async fn detail_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_screening::<act::Read>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_err)?;
    let d = store::get(&state.db, &auth).await.map_err(store_err)?;
    let bijlagen = crate::bijlagen::of(&state.db, &auth)
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|b| {
            (
                format!("/bibob/{id}/bijlagen/{}", b.file_id),
                b.naam,
                format!("{} ({} kB)", b.omschrijving, (b.grootte + 1023) / 1024),
            )
        })
        .collect();
    let m = texts(&ctx);
    let vandaag = platform::db::today_nl();
    let (secties, _) = secties(&m, p, &d, vandaag);
    let opschorting = d.opschorting(vandaag).and_then(Result::ok);
    let tijdlijn = model::tijdlijn(&d.data(), opschorting.as_ref())
        .into_iter()
        .map(|t| {
            let wat = if t.termijn {
                format!("{} ({})", m.t(t.wat), m.t("bibob-termijn"))
            } else {
                m.t(t.wat)
            };
            (datum_nl(t.datum), wat, t.toelichting)
        })
        .collect();
    let bronnen = d
        .bronnen
        .iter()
        .map(|b| {
            (
                dag(b.geraadpleegd_op),
                b.bron.map(|x| m.t(&x.key())).unwrap_or_default(),
                b.bevindingen.clone(),
            )
        })
        .collect();
    let vragen = d
        .vragen
        .iter()
        .map(|v| {
            (
                v.onderwerp.clone(),
                dag(v.gesteld_op),
                v.beantwoord_op
                    .map(datum_nl)
                    .unwrap_or_else(|| m.t("bibob-open")),
            )
        })
        .collect();
    render(&DetailPage {
        shell: Shell::titled(
            &ctx,
            format!(
                "{} {} – {}",
                m.t("bibob-screening"),
                d.rij.kenmerk,
                d.rij.bedrijf
            ),
        ),
        secties,
        bijlagen,
        bronnen,
        vragen,
        tijdlijn,
        m,
    })
}

/// The section's links with the draft letter of the step, once it is recorded.
fn with_letter(
    m: &Texts,
    d: &Detail,
    soort: BriefSoort,
    mut links: Vec<(String, String)>,
) -> Vec<(String, String)> {
    if brief::concept(soort, d, None).is_some() {
        links.push((
            format!("/bibob/{}/brief/{}", d.rij.id, soort.slug()),
            m.t(&soort.key()),
        ));
    }
    links
}

#[derive(Template)]
#[template(path = "bibob_brief.html")]
struct LetterPage {
    shell: Shell,
    m: Texts,
    paragraphs: Vec<String>,
    back: String,
}

async fn letter_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, soort)): Path<(String, String)>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_screening::<act::Read>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_err)?;
    let soort = BriefSoort::from_slug(&soort).ok_or(WebError::NotFound)?;
    let d = store::get(&state.db, &auth).await.map_err(store_err)?;
    let opschorting = d.opschorting(platform::db::today_nl()).and_then(Result::ok);
    let paragraphs = brief::concept(soort, &d, opschorting.as_ref()).ok_or(WebError::NotFound)?;
    let m = texts(&ctx);
    render(&LetterPage {
        shell: Shell::titled(&ctx, format!("{} – {}", m.t(&soort.key()), d.rij.kenmerk)),
        paragraphs,
        back: format!("/bibob/{id}"),
        m,
    })
}

// ---------------------------------------------------------------------------------------------
// Steps.

fn step_form(
    m: &Texts,
    stap: Stap,
    d: &Detail,
    kandidaten: &[store::Beslisser],
    v: Option<&HashMap<String, String>>,
) -> Form {
    let r = &d.rij;
    let iso = |x: Option<Date>| x.map(|d| d.to_string()).unwrap_or_default();
    let cur = |k: &str, stored: String| -> String {
        match v {
            Some(v) => v.get(k).cloned().unwrap_or_default(),
            None => stored,
        }
    };
    let s = |x: &Option<String>| x.clone().unwrap_or_default();
    let fields = match stap {
        Stap::Vragenformulier => vec![
            FormField::new(
                "vragen_verzonden",
                m.t("bibob-vragen-verzonden"),
                FieldKind::Date,
            )
            .value(cur("vragen_verzonden", iso(r.vragen_verzonden)))
            .required(),
            FormField::new(
                "vragen_ontvangen",
                m.t("bibob-vragen-ontvangen"),
                FieldKind::Date,
            )
            .value(cur("vragen_ontvangen", iso(r.vragen_ontvangen))),
            FormField::new(
                "antwoord_zeggenschap",
                m.t("bibob-antwoord-zeggenschap"),
                FieldKind::TextArea,
            )
            .value(cur("antwoord_zeggenschap", s(&r.antwoord_zeggenschap))),
            FormField::new(
                "antwoord_financiering",
                m.t("bibob-antwoord-financiering"),
                FieldKind::TextArea,
            )
            .value(cur("antwoord_financiering", s(&r.antwoord_financiering))),
            FormField::new(
                "antwoord_leidinggevenden",
                m.t("bibob-antwoord-leidinggevenden"),
                FieldKind::TextArea,
            )
            .value(cur(
                "antwoord_leidinggevenden",
                s(&r.antwoord_leidinggevenden),
            )),
            FormField::new(
                "antwoord_antecedenten",
                m.t("bibob-antwoord-antecedenten"),
                FieldKind::TextArea,
            )
            .value(cur("antwoord_antecedenten", s(&r.antwoord_antecedenten))),
        ],
        Stap::Bron => vec![
            FormField::new(
                "bron",
                m.t("bibob-bron"),
                FieldKind::Select(options(m, &Bron::ALL, Bron::slug, Bron::key, true)),
            )
            .value(cur("bron", String::new()))
            .required(),
            FormField::new(
                "geraadpleegd_op",
                m.t("bibob-geraadpleegd-op"),
                FieldKind::Date,
            )
            .value(cur("geraadpleegd_op", String::new()))
            .required(),
            FormField::new("bevindingen", m.t("bibob-bevindingen"), FieldKind::TextArea)
                .value(cur("bevindingen", String::new()))
                .required(),
        ],
        Stap::Lbb => vec![
            FormField::new("lbb_gevraagd", m.t("bibob-lbb-gevraagd"), FieldKind::Date)
                .value(cur("lbb_gevraagd", iso(r.lbb_gevraagd)))
                .required(),
            FormField::new(
                "betrokkene_geinformeerd",
                m.t("bibob-geinformeerd"),
                FieldKind::Date,
            )
            .value(cur("betrokkene_geinformeerd", iso(r.geinformeerd)))
            .hint(m.t("bibob-geinformeerd-hint"))
            .required(),
            FormField::new(
                "lbb_verlengd",
                m.t("bibob-lbb-verlengd"),
                FieldKind::Select(vec![
                    ("nee".into(), m.t("bibob-nee")),
                    ("ja".into(), m.t("bibob-ja")),
                ]),
            )
            .value(cur(
                "lbb_verlengd",
                if r.lbb_verlengd { "ja" } else { "nee" }.into(),
            ))
            .hint(m.t("bibob-lbb-verlengd-hint")),
        ],
        Stap::Vraag => vec![
            FormField::new("onderwerp", m.t("bibob-onderwerp"), FieldKind::Text)
                .value(cur("onderwerp", String::new()))
                .required(),
            FormField::new("gesteld_op", m.t("bibob-gesteld"), FieldKind::Date)
                .value(cur("gesteld_op", String::new()))
                .required(),
        ],
        Stap::Antwoord => {
            let mut open = vec![(String::new(), m.t("bibob-kies"))];
            open.extend(
                d.vragen
                    .iter()
                    .filter(|q| q.beantwoord_op.is_none())
                    .map(|q| {
                        (
                            q.id.clone(),
                            format!("{} ({})", q.onderwerp, dag(q.gesteld_op)),
                        )
                    }),
            );
            vec![
                FormField::new("vraag", m.t("bibob-vraag"), FieldKind::Select(open))
                    .value(cur("vraag", String::new()))
                    .required(),
                FormField::new("beantwoord_op", m.t("bibob-beantwoord"), FieldKind::Date)
                    .value(cur("beantwoord_op", String::new()))
                    .required(),
            ]
        }
        Stap::Advies => vec![
            FormField::new("advies_op", m.t("bibob-advies-op"), FieldKind::Date)
                .value(cur("advies_op", iso(r.advies_op)))
                .required(),
            FormField::new(
                "advies_niveau",
                m.t("bibob-advies-niveau"),
                FieldKind::Select(options(m, &Niveau::ALL, Niveau::slug, Niveau::key, true)),
            )
            .value(cur(
                "advies_niveau",
                r.advies_niveau
                    .map(|n| n.slug().to_string())
                    .unwrap_or_default(),
            ))
            .required(),
            FormField::new(
                "advies_samenvatting",
                m.t("bibob-advies-samenvatting"),
                FieldKind::TextArea,
            )
            .value(cur("advies_samenvatting", s(&r.advies_samenvatting))),
        ],
        Stap::Voornemen => vec![
            FormField::new("voornemen_op", m.t("bibob-voornemen-op"), FieldKind::Date)
                .value(cur("voornemen_op", iso(r.voornemen_op)))
                .required(),
            FormField::new("voornemen", m.t("bibob-voornemen"), FieldKind::TextArea)
                .value(cur("voornemen", s(&r.voornemen)))
                .required(),
            FormField::new("zienswijze_op", m.t("bibob-zienswijze-op"), FieldKind::Date)
                .value(cur("zienswijze_op", iso(r.zienswijze_op))),
            FormField::new("zienswijze", m.t("bibob-zienswijze"), FieldKind::TextArea)
                .value(cur("zienswijze", s(&r.zienswijze))),
        ],
        Stap::Besluit => vec![
            FormField::new(
                "besluit",
                m.t("bibob-besluit"),
                FieldKind::Select(options(m, &Besluit::ALL, Besluit::slug, Besluit::key, true)),
            )
            .value(cur(
                "besluit",
                r.besluit.map(|b| b.slug().to_string()).unwrap_or_default(),
            ))
            .required(),
            FormField::new("besluit_op", m.t("bibob-besluit-op"), FieldKind::Date)
                .value(cur("besluit_op", iso(r.besluit_op)))
                .required(),
            FormField::new(
                "evenredigheid",
                m.t("bibob-evenredigheid"),
                FieldKind::TextArea,
            )
            .value(cur("evenredigheid", s(&r.evenredigheid)))
            .hint(m.t("bibob-evenredigheid-hint"))
            .required(),
            FormField::new(
                "voorschriften",
                m.t("bibob-voorschriften"),
                FieldKind::TextArea,
            )
            .value(cur("voorschriften", s(&r.voorschriften)))
            .hint(m.t("bibob-voorschriften-hint")),
        ],
        Stap::Beslissers => {
            let chosen: Vec<String> = match v {
                Some(v) => v
                    .get("beslissers")
                    .map(|s| s.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
                None => d.beslissers.iter().map(|b| b.id.clone()).collect(),
            };
            vec![FormField::new(
                "beslissers",
                m.t("bibob-beslissers"),
                FieldKind::Checkboxes(
                    kandidaten
                        .iter()
                        .map(|k| (k.id.clone(), k.naam.clone(), chosen.contains(&k.id)))
                        .collect(),
                ),
            )
            .hint(m.t("bibob-beslissers-hint"))]
        }
    };
    Form::new(
        format!("/bibob/{}/{}", r.id, stap.slug()),
        m.t("bibob-opslaan"),
        fields,
    )
}

/// The step named in the path, if this person may take it now on this screening.
async fn step_context(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    stap: &str,
) -> Result<
    (
        Stap,
        platform::access::Authorized<crate::access::Screening, act::Update>,
        Detail,
        Vec<store::Beslisser>,
    ),
    WebError,
> {
    let p = require_user(ctx)?;
    let stap = Stap::from_slug(stap).ok_or(WebError::NotFound)?;
    let auth = store::authorize_screening::<act::Update>(&state.db, &ctx.request, p, id)
        .await
        .map_err(store_err)?;
    if !may_take(p, stap) {
        return Err(WebError::Forbidden);
    }
    let d = store::get(&state.db, &auth).await.map_err(store_err)?;
    if !stap.mogelijk(&d) {
        return Err(WebError::NotFound);
    }
    let kandidaten = if stap == Stap::Beslissers {
        store::kandidaten(&state.db, &auth)
            .await
            .map_err(store_err)?
    } else {
        Vec::new()
    };
    Ok((stap, auth, d, kandidaten))
}

fn step_page_of(
    ctx: &Ctx,
    stap: Stap,
    d: &Detail,
    kandidaten: &[store::Beslisser],
    v: Option<&HashMap<String, String>>,
    errors: &[FieldError],
) -> FormPage {
    let m = texts(ctx);
    FormPage {
        shell: Shell::titled(ctx, format!("{} – {}", m.t(&stap.key()), d.rij.kenmerk)),
        intro: m.t(&format!("{}-intro", stap.key())),
        form: step_form(&m, stap, d, kandidaten, v).with_errors(&ctx.lang, errors),
        back: format!("/bibob/{}", d.rij.id),
        m,
    }
}

async fn step_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, stap)): Path<(String, String)>,
) -> WebResult {
    let (stap, _auth, d, kandidaten) = step_context(&state, &ctx, &id, &stap).await?;
    render(&step_page_of(&ctx, stap, &d, &kandidaten, None, &[]))
}

async fn step_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, stap)): Path<(String, String)>,
    AxForm(pairs): AxForm<Vec<(String, String)>>,
) -> WebResult {
    let (stap, auth, d, kandidaten) = step_context(&state, &ctx, &id, &stap).await?;
    let v = fields(pairs);
    match input::wijziging(&ctx.lang, stap, &v, &d) {
        Ok(w) => {
            store::wijzig(&state.db, &auth, &w)
                .await
                .map_err(store_err)?;
            Ok(Redirect::to(&format!("/bibob/{id}")).into_response())
        }
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &step_page_of(&ctx, stap, &d, &kandidaten, Some(&v), &errors),
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Attachments.

fn attach_form(m: &Texts, id: &str, omschrijving: &str) -> Form {
    Form::new(
        format!("/bibob/{id}/bijlage"),
        m.t("bibob-bijlage-opslaan"),
        vec![
            FormField::new(
                "omschrijving",
                m.t("bibob-bijlage-omschrijving"),
                FieldKind::Text,
            )
            .value(omschrijving)
            .hint(m.t("bibob-bijlage-omschrijving-hint"))
            .required(),
            FormField::new("bestand", m.t("bibob-bijlage-bestand"), FieldKind::File)
                .hint(m.t("bibob-bijlage-bestand-hint"))
                .required(),
        ],
    )
}

async fn attach_auth(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<platform::access::Authorized<crate::access::Screening, act::Update>, WebError> {
    let p = require_user(ctx)?;
    let auth = store::authorize_screening::<act::Update>(&state.db, &ctx.request, p, id)
        .await
        .map_err(store_err)?;
    if coordinator(p) {
        Ok(auth)
    } else {
        Err(WebError::Forbidden)
    }
}

fn attach_page_of(ctx: &Ctx, id: &str, omschrijving: &str, errors: &[FieldError]) -> FormPage {
    let m = texts(ctx);
    FormPage {
        shell: Shell::titled(ctx, m.t("bibob-bijlage-titel")),
        intro: m.t("bibob-bijlage-intro"),
        form: attach_form(&m, id, omschrijving).with_errors(&ctx.lang, errors),
        back: format!("/bibob/{id}"),
        m,
    }
}

async fn attach_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    attach_auth(&state, &ctx, &id).await?;
    render(&attach_page_of(&ctx, &id, "", &[]))
}

async fn attach_post(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    mut mp: axum::extract::Multipart,
) -> WebResult {
    let auth = attach_auth(&state, &ctx, &id).await?;
    let bad = |_| WebError::BadRequest;
    let (mut omschrijving, mut upload) = (String::new(), None);
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "bestand" => {
                let name = field.file_name().unwrap_or("bijlage").to_string();
                let data = field.bytes().await.map_err(bad)?;
                if !data.is_empty() {
                    upload = Some((name, data.to_vec()));
                }
            }
            "omschrijving" => omschrijving = field.text().await.map_err(bad)?.trim().to_string(),
            _ => {}
        }
    }
    let mut errors = Vec::new();
    let mut need = |field: &str| {
        errors.push(FieldError {
            field: field.into(),
            message: crate::t(&ctx.lang, "bibob-fout-verplicht"),
        })
    };
    if omschrijving.is_empty() {
        need("omschrijving");
    }
    if upload.is_none() {
        need("bestand");
    }
    if let (Some((name, data)), false) = (&upload, omschrijving.is_empty()) {
        match crate::bijlagen::add(&state.db, &auth, &ctx.lang, name, data, &omschrijving).await {
            Ok(()) => return Ok(Redirect::to(&format!("/bibob/{id}")).into_response()),
            Err(StoreError::Invalid(e)) => errors = e,
            Err(e) => return Err(store_err(e)),
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &attach_page_of(&ctx, &id, &omschrijving, &errors),
    )
}

async fn attachment(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, file)): Path<(String, String)>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_screening::<act::Read>(&state.db, &ctx.request, p, &id)
        .await
        .map_err(store_err)?;
    let (f, data) = crate::bijlagen::read(&state.db, &auth, &file)
        .await
        .map_err(store_err)?;
    Ok((platform::files::download_headers(&f, false), data).into_response())
}

// ---------------------------------------------------------------------------------------------
// Demo data.

/// One fictitious screening in the demo municipality, named to the demo burgemeester as decider
/// (idempotent: only when the municipality has none).
pub async fn seed_demo(db: &platform::db::Db) -> Result<(), StoreError> {
    store::seed_demo(db).await
}
