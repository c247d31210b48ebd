//! The public pages without login: `/veilig-digitaal` with the published bulletins and the
//! subscription to the e-mail list (double opt-in), its confirmation and the unsubscribe link.
//!
//! Whoever subscribes sees the same answer whatever the address's state, so the form never tells
//! whether an address is on the list; subscriptions are limited per client per minute (the
//! client's address is only counted in memory, as a keyed hash, see `meldingen::RateLimiter`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

use askama::Template;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::{Extension, Form as AxForm};
use platform::identity::field_error;
use platform::web::forms::{FieldKind, Form, FormField};
use platform::web::{render, render_status, AppState, Ctx, Shell, WebResult};

use crate::html::{store_err, texts, translated, Texts};
use crate::model;
use crate::store::{self, BulletinRij};

/// Subscriptions per client per minute.
pub const SUBSCRIPTIONS_PER_MINUTE: u32 = 5;

fn limiter() -> &'static meldingen::RateLimiter {
    static LIMITER: OnceLock<meldingen::RateLimiter> = OnceLock::new();
    LIMITER.get_or_init(|| meldingen::RateLimiter::new(SUBSCRIPTIONS_PER_MINUTE, Vec::new()))
}

/// The label of the public page on the welcome page.
pub fn public_label(lang: &str) -> String {
    crate::t(lang, "preventie-publiek-title")
}

#[derive(Template)]
#[template(path = "preventie_publiek.html")]
struct PubliekPage {
    shell: Shell,
    m: Texts,
    bulletins: Vec<BulletinRij>,
    form: Form,
}

fn subscribe_form(m: &Texts, email: &str) -> Form {
    Form::new(
        "/veilig-digitaal/aanmelden",
        m.t("preventie-publiek-subscribe"),
        vec![
            FormField::new("email", m.t("preventie-publiek-email"), FieldKind::Email)
                .value(email)
                .autocomplete("email")
                .hint(m.t("preventie-publiek-email-hint"))
                .required(),
        ],
    )
}

async fn page(state: &AppState, ctx: &Ctx, status: StatusCode, form: Form) -> WebResult {
    let m = texts(ctx);
    let bulletins = store::gepubliceerde_bulletins(&state.db)
        .await
        .map_err(store_err)?;
    render_status(
        status,
        &PubliekPage {
            shell: Shell::titled(ctx, m.t("preventie-publiek-title")),
            m,
            bulletins,
            form,
        },
    )
}

pub async fn index(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let m = texts(&ctx);
    page(&state, &ctx, StatusCode::OK, subscribe_form(&m, "")).await
}

#[derive(Template)]
#[template(path = "preventie_publiek_bulletin.html")]
struct BulletinPage {
    shell: Shell,
    m: Texts,
    b: BulletinRij,
    alineas: Vec<String>,
}

pub async fn bulletin(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    let b = store::gepubliceerd_bulletin(&state.db, &id)
        .await
        .map_err(store_err)?;
    let m = texts(&ctx);
    render(&BulletinPage {
        shell: Shell::titled(&ctx, b.titel.clone()),
        alineas: model::paragraphs(&b.tekst),
        m,
        b,
    })
}

pub async fn aanmelden(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    AxForm(v): AxForm<HashMap<String, String>>,
) -> WebResult {
    let m = texts(&ctx);
    let email = v
        .get("email")
        .map(|e| e.trim())
        .unwrap_or_default()
        .to_string();
    let addr = platform::web::client::client_addr(
        peer.map(|Extension(ConnectInfo(a))| a.ip()),
        headers.get("x-forwarded-for").and_then(|h| h.to_str().ok()),
        &state.settings.trusted_proxies,
    );
    if !limiter().allow(addr, jiff::Timestamp::now().as_second().div_euclid(60)) {
        let form = subscribe_form(&m, &email).with_errors(
            &ctx.lang,
            &[field_error("", &m.t("preventie-publiek-too-many"))],
        );
        return page(&state, &ctx, StatusCode::TOO_MANY_REQUESTS, form).await;
    }
    if !platform::identity::valid_email(&email) || !platform::mail::valid_address(&email) {
        let form = subscribe_form(&m, &email).with_errors(
            &ctx.lang,
            &translated(
                &m,
                &[field_error("email", "preventie-publiek-email-invalid")],
            ),
        );
        return page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, form).await;
    }
    let public_url = state.settings.public_url.clone().unwrap_or_default();
    store::aanmelden(&state.db, &email, &public_url)
        .await
        .map_err(store_err)?;
    Ok(Redirect::to("/veilig-digitaal/aangemeld").into_response())
}

#[derive(Template)]
#[template(path = "preventie_bericht.html")]
struct Bericht {
    shell: Shell,
    alineas: Vec<String>,
    knop: Option<(String, String)>,
    terug: (String, String),
}

fn bericht(
    ctx: &Ctx,
    status: StatusCode,
    title: &str,
    body: &[&str],
    knop: Option<(String, String)>,
) -> WebResult {
    let m = texts(ctx);
    render_status(
        status,
        &Bericht {
            shell: Shell::titled(ctx, m.t(title)),
            alineas: body.iter().map(|k| m.t(k)).collect(),
            knop,
            terug: ("/veilig-digitaal".into(), m.t("preventie-publiek-title")),
        },
    )
}

pub async fn aangemeld(Extension(ctx): Extension<Ctx>) -> WebResult {
    bericht(
        &ctx,
        StatusCode::OK,
        "preventie-publiek-check-title",
        &["preventie-publiek-check-body", "preventie-publiek-privacy"],
        None,
    )
}

/// The link in the confirmation mail shows a button: a link scanner that opens the link does
/// not confirm anything; the person does, with one click.
pub async fn bevestigen_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(token): Path<String>,
) -> WebResult {
    if store::bevestiging_geldig(&state.db, &token)
        .await
        .map_err(store_err)?
    {
        let m = texts(&ctx);
        bericht(
            &ctx,
            StatusCode::OK,
            "preventie-publiek-confirm-title",
            &["preventie-publiek-confirm-body"],
            Some((
                format!("/veilig-digitaal/bevestigen/{token}"),
                m.t("preventie-publiek-confirm-button"),
            )),
        )
    } else {
        invalid_link(&ctx)
    }
}

fn invalid_link(ctx: &Ctx) -> WebResult {
    bericht(
        ctx,
        StatusCode::NOT_FOUND,
        "preventie-publiek-invalid-title",
        &["preventie-publiek-invalid-body"],
        None,
    )
}

pub async fn bevestigen(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(token): Path<String>,
) -> WebResult {
    if store::bevestigen(&state.db, &token)
        .await
        .map_err(store_err)?
    {
        bericht(
            &ctx,
            StatusCode::OK,
            "preventie-publiek-confirmed-title",
            &["preventie-publiek-confirmed-body"],
            None,
        )
    } else {
        invalid_link(&ctx)
    }
}

/// The unsubscribe link of every mail: one click removes the address. An unknown token gets the
/// same page (the address is not on the list either way).
pub async fn afmelden(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(token): Path<String>,
) -> WebResult {
    store::afmelden(&state.db, &token)
        .await
        .map_err(store_err)?;
    bericht(
        &ctx,
        StatusCode::OK,
        "preventie-publiek-unsubscribed-title",
        &["preventie-publiek-unsubscribed-body"],
        None,
    )
}
