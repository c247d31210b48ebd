//! Pages of the back office: the module's start page and the outreach activities.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form as AxForm};
use platform::access::{act, Action};
use platform::identity::FieldError;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{
    render, render_status, require_user, AppState, Ctx, Shell, WebError, WebResult,
};

use crate::access::{may, Deel};
use crate::model::{ActiviteitIn, Soort, Status, DOELGROEPEN};
use crate::store::{self, ActiviteitRij, StoreError};

/// The module's texts in the request's language.
#[derive(Clone, Debug)]
pub struct Texts {
    pub lang: String,
}

impl Texts {
    pub fn t(&self, key: &str) -> String {
        crate::t(&self.lang, key)
    }

    /// The label of a value: the message `prefix` + `slug`.
    pub fn label(&self, prefix: &str, slug: &str) -> String {
        self.t(&format!("{prefix}{slug}"))
    }

    /// The name of a target group.
    pub fn doelgroep(&self, slug: &str) -> String {
        self.t(&format!("preventie-doelgroep-{slug}"))
    }
}

pub fn texts(ctx: &Ctx) -> Texts {
    Texts {
        lang: ctx.lang.clone(),
    }
}

pub(crate) fn store_err(e: StoreError) -> WebError {
    match e {
        StoreError::NotFound => WebError::NotFound,
        StoreError::Access(a) => a.into(),
        StoreError::Db(d) => d.into(),
        StoreError::Invalid(_) => WebError::BadRequest,
        StoreError::Identity(i) => i.into(),
    }
}

/// Field errors with their messages in the page's language (the platform's form translates only
/// its own keys).
pub(crate) fn translated(m: &Texts, errors: &[FieldError]) -> Vec<FieldError> {
    errors
        .iter()
        .map(|e| FieldError {
            field: e.field.clone(),
            message: m.t(&e.message),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "form_page.html")]
pub(crate) struct FormPage {
    pub shell: Shell,
    pub intro: String,
    pub form: Form,
    pub after: Vec<(String, String)>,
}

// ---------------------------------------------------------------------------------------------
// Start page.

#[derive(Template)]
#[template(path = "preventie_start.html")]
struct StartPage {
    shell: Shell,
    m: Texts,
    links: Vec<(&'static str, String, String)>,
}

pub async fn start(Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    if !crate::access::sees_module(p) {
        return Err(WebError::Forbidden);
    }
    let m = texts(&ctx);
    let mut links = Vec::new();
    if may(Deel::Activiteiten, p, Action::List) {
        links.push((
            "/preventie/activiteiten",
            m.t("preventie-activiteiten-title"),
            m.t("preventie-activiteiten-intro"),
        ));
    }
    if may(Deel::Bulletins, p, Action::List) {
        links.push((
            "/preventie/bulletins",
            m.t("preventie-bulletins-title"),
            m.t("preventie-bulletins-intro"),
        ));
    }
    if may(Deel::Groepen, p, Action::List) {
        links.push((
            "/preventie/groepen",
            m.t("preventie-groepen-title"),
            m.t("preventie-groepen-intro"),
        ));
    }
    if may(Deel::Partners, p, Action::List) {
        links.push((
            "/preventie/partners",
            m.t("preventie-partners-title"),
            m.t("preventie-partners-intro"),
        ));
    }
    if may(Deel::Buurten, p, Action::List) {
        links.push((
            "/preventie/wijken",
            m.t("preventie-wijken-title"),
            m.t("preventie-wijken-intro"),
        ));
    }
    render(&StartPage {
        shell: Shell::titled(&ctx, m.t("preventie-title")),
        m,
        links,
    })
}

// ---------------------------------------------------------------------------------------------
// Activities.

/// A row of the list with its labels resolved.
pub(crate) struct ActiviteitRegel {
    pub r: ActiviteitRij,
    pub soort: String,
    pub doelgroep: String,
    pub wijk: String,
    pub status: String,
}

fn regel(m: &Texts, r: ActiviteitRij) -> ActiviteitRegel {
    ActiviteitRegel {
        soort: Soort::from_slug(&r.soort)
            .map(|s| m.t(&s.key()))
            .unwrap_or_else(|| r.soort.clone()),
        doelgroep: m.t(&format!("preventie-doelgroep-{}", r.doelgroep)),
        wijk: wijk_naam(m, r.wijk.as_deref()),
        status: Status::from_slug(&r.status)
            .map(|s| m.t(&s.key()))
            .unwrap_or_else(|| r.status.clone()),
        r,
    }
}

pub(crate) fn wijk_naam(m: &Texts, code: Option<&str>) -> String {
    match code {
        Some(c) => monitor::areas::name(c)
            .map(str::to_string)
            .unwrap_or_else(|| c.to_string()),
        None => m.t("preventie-hele-gemeente"),
    }
}

#[derive(Template)]
#[template(path = "preventie_activiteiten.html")]
struct ActiviteitenPage {
    shell: Shell,
    m: Texts,
    rows: Vec<ActiviteitRegel>,
    may_create: bool,
}

pub async fn activiteiten(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = store::authorize_activiteiten::<act::List>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let rows = store::activiteiten(&state.db, &auth)
        .await
        .map_err(store_err)?
        .into_iter()
        .map(|r| regel(&m, r))
        .collect();
    render(&ActiviteitenPage {
        shell: Shell::titled(&ctx, m.t("preventie-activiteiten-title")),
        may_create: may(Deel::Activiteiten, p, Action::Create),
        m,
        rows,
    })
}

fn wijk_options(m: &Texts) -> Vec<(String, String)> {
    let mut o = vec![(String::new(), m.t("preventie-hele-gemeente"))];
    o.extend(
        monitor::areas::wijken()
            .iter()
            .map(|w| (w.code.clone(), w.name.clone())),
    );
    o
}

pub(crate) fn known_wijk(code: &str) -> bool {
    monitor::areas::wijken().iter().any(|w| w.code == code)
}

fn activiteit_form(m: &Texts, action: String, submit: String, v: &ActiviteitIn) -> Form {
    let soorten = Soort::ALL
        .iter()
        .map(|s| (s.slug().to_string(), m.t(&s.key())))
        .collect();
    let doelgroepen = DOELGROEPEN
        .iter()
        .map(|d| (d.to_string(), m.t(&format!("preventie-doelgroep-{d}"))))
        .collect();
    let statussen = Status::ALL
        .iter()
        .map(|s| (s.slug().to_string(), m.t(&s.key())))
        .collect();
    Form::new(
        action,
        submit,
        vec![
            FormField::new(
                "soort",
                m.t("preventie-field-soort"),
                FieldKind::Select(soorten),
            )
            .value(v.soort.clone()),
            FormField::new("titel", m.t("preventie-field-titel"), FieldKind::Text)
                .value(v.titel.clone())
                .required(),
            FormField::new(
                "doelgroep",
                m.t("preventie-field-doelgroep"),
                FieldKind::Select(doelgroepen),
            )
            .value(v.doelgroep.clone()),
            FormField::new(
                "wijk",
                m.t("preventie-field-wijk"),
                FieldKind::Select(wijk_options(m)),
            )
            .value(v.wijk.clone()),
            FormField::new("datum", m.t("preventie-field-datum"), FieldKind::Date)
                .value(v.datum.clone())
                .hint(m.t("preventie-field-datum-hint"))
                .required(),
            FormField::new("partners", m.t("preventie-field-partners"), FieldKind::Text)
                .value(v.partners.clone())
                .hint(m.t("preventie-field-partners-hint")),
            FormField::new(
                "status",
                m.t("preventie-field-status"),
                FieldKind::Select(statussen),
            )
            .value(v.status.clone()),
            FormField::new(
                "uitnodigingen",
                m.t("preventie-field-uitnodigingen"),
                FieldKind::Text,
            )
            .value(v.uitnodigingen.clone())
            .hint(m.t("preventie-field-count-hint")),
            FormField::new(
                "aanmeldingen",
                m.t("preventie-field-aanmeldingen"),
                FieldKind::Text,
            )
            .value(v.aanmeldingen.clone())
            .hint(m.t("preventie-field-count-hint")),
            FormField::new("opkomst", m.t("preventie-field-opkomst"), FieldKind::Text)
                .value(v.opkomst.clone())
                .hint(m.t("preventie-field-opkomst-hint")),
            FormField::new(
                "evaluatie",
                m.t("preventie-field-evaluatie"),
                FieldKind::TextArea,
            )
            .value(v.evaluatie.clone()),
        ],
    )
}

fn input_of(v: &HashMap<String, String>) -> ActiviteitIn {
    let g = |k: &str| v.get(k).cloned().unwrap_or_default();
    ActiviteitIn {
        soort: g("soort"),
        titel: g("titel"),
        doelgroep: g("doelgroep"),
        wijk: g("wijk"),
        datum: g("datum"),
        partners: g("partners"),
        status: g("status"),
        uitnodigingen: g("uitnodigingen"),
        aanmeldingen: g("aanmeldingen"),
        opkomst: g("opkomst"),
        evaluatie: g("evaluatie"),
    }
}

fn back_to_list(m: &Texts) -> Vec<(String, String)> {
    vec![(
        "/preventie/activiteiten".into(),
        m.t("preventie-activiteiten-title"),
    )]
}

pub async fn activiteit_nieuw_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = require_user(&ctx)?;
    store::authorize_activiteiten::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    render(&FormPage {
        shell: Shell::titled(&ctx, m.t("preventie-activiteit-new")),
        intro: m.t("preventie-activiteit-new-intro"),
        form: activiteit_form(
            &m,
            "/preventie/activiteiten/nieuw".into(),
            m.t("preventie-save"),
            &ActiviteitIn::default(),
        ),
        after: back_to_list(&m),
    })
}

pub async fn activiteit_nieuw(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_activiteiten::<act::Create>(&state.db, &ctx.request, p, None).await?;
    let m = texts(&ctx);
    let input = input_of(&v);
    let errors = match input.parse(&known_wijk) {
        Ok(a) => {
            let id = store::activiteit_nieuw(&state.db, &auth, &a)
                .await
                .map_err(store_err)?;
            return Ok(Redirect::to(&format!("/preventie/activiteiten/{id}")).into_response());
        }
        Err(e) => e,
    };
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &FormPage {
            shell: Shell::titled(&ctx, m.t("preventie-activiteit-new")),
            intro: m.t("preventie-activiteit-new-intro"),
            form: activiteit_form(
                &m,
                "/preventie/activiteiten/nieuw".into(),
                m.t("preventie-save"),
                &input,
            )
            .with_errors(&ctx.lang, &translated(&m, &errors)),
            after: back_to_list(&m),
        },
    )
}

#[derive(Template)]
#[template(path = "preventie_activiteit.html")]
struct ActiviteitPage {
    shell: Shell,
    m: Texts,
    a: ActiviteitRegel,
    form: Option<Form>,
}

fn as_input(r: &ActiviteitRij) -> ActiviteitIn {
    let n = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    ActiviteitIn {
        soort: r.soort.clone(),
        titel: r.titel.clone(),
        doelgroep: r.doelgroep.clone(),
        wijk: r.wijk.clone().unwrap_or_default(),
        datum: r.datum.clone(),
        partners: r.partners.clone(),
        status: r.status.clone(),
        uitnodigingen: n(r.uitnodigingen),
        aanmeldingen: n(r.aanmeldingen),
        opkomst: n(r.opkomst),
        evaluatie: r.evaluatie.clone(),
    }
}

pub async fn activiteit_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_activiteiten::<act::Read>(&state.db, &ctx.request, p, Some(&id)).await?;
    let m = texts(&ctx);
    let r = store::activiteit_by_id(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let form = may(Deel::Activiteiten, p, Action::Update).then(|| {
        activiteit_form(
            &m,
            format!("/preventie/activiteiten/{id}"),
            m.t("preventie-save"),
            &as_input(&r),
        )
    });
    render(&ActiviteitPage {
        shell: Shell::titled(&ctx, r.titel.clone()),
        a: regel(&m, r),
        m,
        form,
    })
}

pub async fn activiteit_wijzigen(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth =
        store::authorize_activiteiten::<act::Update>(&state.db, &ctx.request, p, Some(&id)).await?;
    let m = texts(&ctx);
    let r = store::activiteit_by_id(&state.db, &auth)
        .await
        .map_err(store_err)?;
    let input = input_of(&v);
    let errors = match input.parse(&known_wijk) {
        Ok(a) => {
            store::activiteit_wijzigen(&state.db, &auth, &a)
                .await
                .map_err(store_err)?;
            return Ok(Redirect::to(&format!("/preventie/activiteiten/{id}")).into_response());
        }
        Err(e) => e,
    };
    let form = activiteit_form(
        &m,
        format!("/preventie/activiteiten/{id}"),
        m.t("preventie-save"),
        &input,
    )
    .with_errors(&ctx.lang, &translated(&m, &errors));
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ActiviteitPage {
            shell: Shell::titled(&ctx, r.titel.clone()),
            a: regel(&m, r),
            m,
            form: Some(form),
        },
    )
}
