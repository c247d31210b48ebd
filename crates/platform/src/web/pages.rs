//! The platform's pages: login and two-factor steps, the landing page, the own account,
//! administration of organisations, teams and accounts, and the audit log.

use std::collections::HashMap;
use std::time::Duration;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form as AxForm, Router};
use serde::Deserialize;

use super::forms::{list_url, FieldKind, Form, FormField, FormPage, Pager};
use super::role_pages;
use super::{
    render, render_status, require_user, set_cookie, AppState, Ctx, Shell, WebError, WebResult,
    SESSION_COOKIE,
};
use crate::access::{
    self, Action, ApiTokens, AuditTrail, Organisations, Principal, Purpose, Role, RoleAssignment,
    UserAccount, UserDirectory,
};
use crate::audit::{self, AuditEntry, AuditFilter, AuditRecord, Outcome};
use crate::identity::{
    self, field_error, AccountChange, IdentityError, LoginOutcome, NewOrganisation, NewUser,
    SecondFactor, SessionStage, UserFilter,
};
use crate::role_grants;
use crate::secrets;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/inloggen", get(login_page).post(login_submit))
        .route("/inloggen/tweestaps", get(totp_page).post(totp_submit))
        .route("/uitloggen", post(logout))
        .route("/wachtwoord-vergeten", get(forgot_page).post(forgot_submit))
        .route(
            "/wachtwoord-herstellen/{token}",
            get(reset_page).post(reset_submit),
        )
        .route("/account", get(account_page))
        .route("/account/taal", post(account_language))
        .route("/account/tweestaps", get(enrol_page).post(enrol_submit))
        .route(
            "/account/herstelcodes",
            get(recovery_page).post(recovery_regenerate),
        )
        .route("/account/tokens", get(token_new_page).post(token_create))
        .route("/account/tokens/{id}/intrekken", post(token_revoke_own))
        .route(
            "/account/wachtwoord",
            get(password_page).post(password_submit),
        )
        .route(
            "/gebruikers/{id}/tokens/{token}/intrekken",
            post(token_revoke_admin),
        )
        .route("/gebruikers", get(users_page))
        .route(
            "/gebruikers/nieuw",
            get(user_new_page).post(user_new_submit),
        )
        .route("/gebruikers/{id}", get(user_page))
        .route("/gebruikers/{id}/rollen", post(user_roles_submit))
        .route("/gebruikers/{id}/teams", post(user_teams_submit))
        .route("/gebruikers/{id}/status", post(user_status_submit))
        .route(
            "/beheer/organisaties",
            get(organisations_page).post(organisation_create),
        )
        .route(
            "/beheer/organisaties/{id}",
            get(organisation_page).post(organisation_update),
        )
        .route("/beheer/organisaties/{id}/teams", post(team_create))
        .route("/audit", get(audit_page))
        .route("/audit/export.csv", get(audit_export))
}

/// A moment in Dutch local time, as dd-mm-jjjj uu:mm(:ss).
pub fn fmt_time(ms: i64, with_seconds: bool) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return String::new();
    };
    let tz = jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC);
    let z = ts.to_zoned(tz);
    if with_seconds {
        z.strftime("%d-%m-%Y %H:%M:%S").to_string()
    } else {
        z.strftime("%d-%m-%Y %H:%M").to_string()
    }
}

fn role_label(lang: &str, slug: &str) -> String {
    super::i18n::t(lang, &format!("role-{slug}"))
}

// ---------------------------------------------------------------------------------------------
// Landing page.

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    roles: Vec<String>,
    teams: Vec<String>,
    two_factor: bool,
    recovery_left: i64,
    admin: Option<AdminSummary>,
    audit: Option<AuditSummary>,
    /// The number of colleagues, for those who may see the staff directory.
    colleagues: Option<i64>,
    /// What needs this person now, per module.
    work: Vec<super::work::WorkGroup>,
}

struct AdminSummary {
    organisations: usize,
    users: i64,
    locked: i64,
    without_2fa: i64,
}

struct AuditSummary {
    records: i64,
    denied_24h: i64,
    failed_logins_24h: i64,
    recent: Vec<AuditRow>,
}

async fn count(state: &AppState, sql: &str, bind: Option<i64>) -> Result<i64, WebError> {
    use sqlx::Row;
    let mut q = sqlx::query(sql);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    let row = q
        .fetch_one(state.db.pool())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    row.try_get::<i64, _>("n")
        .map_err(|e| WebError::Internal(e.to_string()))
}

#[derive(Template)]
#[template(path = "welcome.html")]
struct WelcomePage {
    shell: Shell,
    public_links: Vec<super::NavItem>,
}

/// Whether the staff directory is for this person: the engine's rule for listing accounts,
/// asked without a record (menus and counts show no personal data).
pub(crate) fn sees_staff_directory(p: &Principal) -> bool {
    access::decide(p, Action::List, &access::UserDirectory, Purpose::Uitvoering)
        == access::Decision::Allow
}

async fn home(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let Some(p) = ctx.user.clone() else {
        if ctx.pending.is_some() {
            return Ok(Redirect::to("/inloggen/tweestaps").into_response());
        }
        return render(&WelcomePage {
            shell: Shell::new(&ctx, "welcome-title"),
            public_links: ctx.public_links.clone(),
        });
    };
    let own = access::authorize(
        &state.db,
        &ctx.request,
        &p,
        Action::Read,
        UserAccount {
            id: p.user_id.clone(),
            organisation_id: p.organisation_id.clone(),
        },
        Purpose::EigenGegevens,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let me = identity::read_user(&mut tx, &own).await?;
    tx.commit().await?;
    let recovery_left = identity::unused_recovery_codes(&state.db, &p.user_id).await?;
    let admin = if p.has(Role::Beheerder) {
        let now = crate::db::now_ms();
        Some(AdminSummary {
            organisations: identity::list_organisations(&state.db).await?.len(),
            users: count(&state, "SELECT COUNT(*) AS n FROM users", None).await?,
            locked: count(
                &state,
                "SELECT COUNT(*) AS n FROM users WHERE locked_until > $1",
                Some(now),
            )
            .await?,
            without_2fa: count(
                &state,
                "SELECT COUNT(*) AS n FROM users WHERE totp_secret IS NULL",
                None,
            )
            .await?,
        })
    } else {
        None
    };
    let audit = if p.has(Role::Auditor) {
        let since = crate::db::now_ms() - 86_400_000;
        let auth = access::authorize(
            &state.db,
            &ctx.request,
            &p,
            Action::List,
            AuditTrail,
            Purpose::Controle,
        )
        .await?;
        let mut tx = state.db.begin().await?;
        let (recent, records) = audit::search(
            &mut tx,
            &auth,
            &AuditFilter {
                limit: 5,
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Some(AuditSummary {
            records,
            denied_24h: count(&state, "SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'denied' AND at >= $1", Some(since)).await?,
            failed_logins_24h: count(&state, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'login' AND outcome = 'failure' AND at >= $1", Some(since)).await?,
            recent: recent.iter().map(|r| AuditRow::new(&ctx.lang, r)).collect(),
        })
    } else {
        None
    };
    let colleagues = if !sees_staff_directory(&p) {
        None
    } else {
        use sqlx::Row;
        sqlx::query(
            "SELECT COUNT(*) AS n FROM users WHERE organisation_id = $1 AND disabled_at IS NULL",
        )
        .bind(&p.organisation_id)
        .fetch_one(state.db.pool())
        .await
        .and_then(|r| r.try_get::<i64, _>("n"))
        .map(Some)
        .map_err(|e| WebError::Internal(e.to_string()))?
    };
    render(&HomePage {
        shell: Shell::new(&ctx, "home-title"),
        roles: me.roles.iter().map(|r| role_label(&ctx.lang, r)).collect(),
        teams: me.teams.iter().map(|t| t.name.clone()).collect(),
        two_factor: me.two_factor,
        recovery_left,
        admin,
        audit,
        colleagues,
        work: super::work::of(&state.db, &ctx.request, &p, &ctx.lang).await,
    })
}

// ---------------------------------------------------------------------------------------------
// Login.

#[derive(Deserialize, Default)]
struct LoginInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn login_form(ctx: &Ctx, email: &str) -> Form {
    Form::new(
        "/inloggen",
        ctx.t("login-submit"),
        vec![
            FormField::new("email", ctx.t("field-email"), FieldKind::Email)
                .value(email)
                .autocomplete("username")
                .required(),
            FormField::new("password", ctx.t("field-password"), FieldKind::Password)
                .autocomplete("current-password")
                .required(),
        ],
    )
}

fn form_page(ctx: &Ctx, title_key: &str, intro_key: &str, form: Form) -> FormPage {
    FormPage::new(Shell::new(ctx, title_key), ctx.t(intro_key), form)
}

/// The login page, with the way to a forgotten password under the form.
fn login_page_with(ctx: &Ctx, form: Form) -> FormPage {
    let mut page = form_page(ctx, "login-title", "login-intro", form);
    page.after = vec![("/wachtwoord-vergeten".into(), ctx.t("password-forgotten"))];
    page
}

async fn login_page(
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let mut page = login_page_with(&ctx, login_form(&ctx, ""));
    if q.contains_key("uitgelogd") {
        page.intro = format!("{} {}", ctx.t("logged-out"), page.intro);
    }
    if q.contains_key("hersteld") {
        page.intro = format!("{} {}", ctx.t("password-reset-done"), page.intro);
    }
    render(&page)
}

/// Starts a new session and ends the old one: the session id changes at every login step.
async fn rotate_session(
    state: &AppState,
    ctx: &Ctx,
    user_id: &str,
    stage: SessionStage,
    two_factor: bool,
    to: &str,
) -> WebResult {
    if let Some(old) = &ctx.session_token {
        identity::delete_session(&state.db, old).await?;
    }
    let token = identity::create_session(
        &state.db,
        &state.settings.session,
        user_id,
        stage,
        two_factor,
    )
    .await?;
    let mut r = Redirect::to(to).into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, None));
    Ok(r)
}

/// The keyed hash of the client behind a request, for the per-client login delays (the address
/// itself is neither stored nor logged).
fn login_client(state: &AppState, peer: Option<PeerInfo>, headers: &HeaderMap) -> [u8; 16] {
    let peer = peer.map(|Extension(ConnectInfo(a))| a.ip());
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let addr = super::client::client_addr(peer, forwarded, &state.settings.trusted_proxies);
    state.settings.login_throttle.key_of(addr)
}

type PeerInfo = Extension<ConnectInfo<std::net::SocketAddr>>;

async fn login_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    peer: Option<PeerInfo>,
    headers: HeaderMap,
    AxForm(input): AxForm<LoginInput>,
) -> WebResult {
    let mut errors = Vec::new();
    if input.email.trim().is_empty() {
        errors.push(field_error("email", "error-required"));
    }
    if input.password.is_empty() {
        errors.push(field_error("password", "error-required"));
    }
    if !errors.is_empty() {
        let form = login_form(&ctx, &input.email).with_errors(&ctx.lang, &errors);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &login_page_with(&ctx, form),
        );
    }
    // A client that failed often waits before each attempt, whichever account it tries.
    let client = login_client(&state, peer, &headers);
    let throttle = &state.settings.login_throttle;
    tokio::time::sleep(throttle.delay(&client, crate::db::now_ms())).await;
    let outcome = identity::login(
        &state.db,
        &state.settings.login,
        &input.email,
        &input.password,
        &client,
    )
    .await?;
    if !matches!(outcome, LoginOutcome::Accepted { .. }) {
        throttle.failed(&client, crate::db::now_ms());
    }
    let message = match outcome {
        LoginOutcome::Accepted { user_id, stage } => {
            let to = match stage {
                SessionStage::Totp => "/inloggen/tweestaps",
                SessionStage::Enrol => "/account/tweestaps",
                SessionStage::Complete => "/",
            };
            return rotate_session(&state, &ctx, &user_id, stage, false, to).await;
        }
        LoginOutcome::Rejected { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            ctx.t("login-failed")
        }
        LoginOutcome::Locked { until_ms } => locked_message(&ctx, until_ms),
    };
    let mut form = login_form(&ctx, &input.email);
    form.general_error = Some(message);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &login_page_with(&ctx, form),
    )
}

fn locked_message(ctx: &Ctx, until_ms: i64) -> String {
    super::i18n::t_args(
        &ctx.lang,
        "login-locked",
        &[("until", fmt_time(until_ms, false))],
    )
}

#[derive(Deserialize, Default)]
struct CodeInput {
    #[serde(default)]
    code: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    current_code: String,
}

fn totp_form(ctx: &Ctx) -> Form {
    Form::new(
        "/inloggen/tweestaps",
        ctx.t("totp-submit"),
        vec![FormField::new("code", ctx.t("field-code"), FieldKind::Text)
            .autocomplete("one-time-code")
            .hint(ctx.t("field-code-hint"))
            .required()],
    )
}

async fn totp_page(Extension(ctx): Extension<Ctx>) -> WebResult {
    match &ctx.pending {
        Some((_, SessionStage::Totp)) => render(&form_page(
            &ctx,
            "totp-title",
            "totp-intro",
            totp_form(&ctx),
        )),
        Some((_, SessionStage::Enrol)) => Ok(Redirect::to("/account/tweestaps").into_response()),
        _ => Ok(Redirect::to("/inloggen").into_response()),
    }
}

async fn totp_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    peer: Option<PeerInfo>,
    headers: HeaderMap,
    AxForm(input): AxForm<CodeInput>,
) -> WebResult {
    let Some((user_id, SessionStage::Totp)) = ctx.pending.clone() else {
        return Ok(Redirect::to("/inloggen").into_response());
    };
    let client = login_client(&state, peer, &headers);
    let throttle = &state.settings.login_throttle;
    tokio::time::sleep(throttle.delay(&client, crate::db::now_ms())).await;
    let now_s = jiff::Timestamp::now().as_second();
    let outcome = identity::verify_second_factor(
        &state.db,
        state.settings.data_key.as_ref(),
        &state.settings.login,
        &user_id,
        &input.code,
        now_s,
    )
    .await?;
    if !matches!(outcome, SecondFactor::Accepted) {
        throttle.failed(&client, crate::db::now_ms());
    }
    let mut form = totp_form(&ctx);
    match outcome {
        SecondFactor::Accepted => {
            return rotate_session(&state, &ctx, &user_id, SessionStage::Complete, true, "/").await;
        }
        SecondFactor::Rejected { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            form = form.with_errors(&ctx.lang, &[field_error("code", "error-code")]);
        }
        SecondFactor::RecoveryNeeded => {
            form = form.with_errors(&ctx.lang, &[field_error("code", "error-recovery-needed")]);
        }
        SecondFactor::Locked { until_ms } => {
            form.general_error = Some(locked_message(&ctx, until_ms));
        }
    }
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(&ctx, "totp-title", "totp-intro", form),
    )
}

async fn logout(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    if let Some(token) = &ctx.session_token {
        identity::delete_session(&state.db, token).await?;
    }
    if let Some(p) = &ctx.user {
        let mut e = AuditEntry::system("web", "logout", "session");
        e.actor_user_id = Some(p.user_id.clone());
        e.actor_name = p.name.clone();
        e.actor_org_id = Some(p.organisation_id.clone());
        e.actor_org_name = Some(p.organisation_name.clone());
        e.actor_roles = p.roles_text();
        e.subject_id = Some(p.user_id.clone());
        e.purpose = Purpose::EigenGegevens.slug().into();
        e.request_id = ctx.request.request_id.clone();
        audit::append_now(&state.db, &e).await?;
    }
    let mut r = Redirect::to("/inloggen?uitgelogd=1").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0)));
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// A forgotten password: a one-time link by mail.

#[derive(Deserialize, Default)]
struct ForgotInput {
    #[serde(default)]
    email: String,
}

fn forgot_form(ctx: &Ctx, email: &str) -> Form {
    Form::new(
        "/wachtwoord-vergeten",
        ctx.t("password-forgotten-submit"),
        vec![
            FormField::new("email", ctx.t("field-email"), FieldKind::Email)
                .value(email)
                .autocomplete("username")
                .required(),
        ],
    )
}

async fn forgot_page(Extension(ctx): Extension<Ctx>) -> WebResult {
    render(&form_page(
        &ctx,
        "password-forgotten-title",
        "password-forgotten-intro",
        forgot_form(&ctx, ""),
    ))
}

/// Answers the same whether the address has an account or not; the link is made and mailed
/// after the answer, so the answer's time does not tell either.
async fn forgot_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(input): AxForm<ForgotInput>,
) -> WebResult {
    if !identity::valid_email(&identity::normalize_email(&input.email)) {
        let form = forgot_form(&ctx, &input.email)
            .with_errors(&ctx.lang, &[field_error("email", "error-email")]);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(
                &ctx,
                "password-forgotten-title",
                "password-forgotten-intro",
                form,
            ),
        );
    }
    let db = state.db.clone();
    let base = state.settings.public_url.clone().unwrap_or_default();
    let email = input.email.clone();
    let lang = ctx.lang.clone();
    tokio::spawn(async move {
        if let Err(e) = mail_reset_link(&db, &base, &email, &lang).await {
            tracing::warn!(error = ?e, "password reset mail");
        }
    });
    let mut page = form_page(
        &ctx,
        "password-forgotten-title",
        "password-forgotten-sent",
        forgot_form(&ctx, ""),
    );
    page.after = vec![("/inloggen".into(), ctx.t("login-title"))];
    render(&page)
}

async fn mail_reset_link(
    db: &crate::db::Db,
    base: &str,
    email: &str,
    lang: &str,
) -> Result<(), WebError> {
    let Some((token, address)) = identity::request_password_reset(db, email).await? else {
        return Ok(());
    };
    let link = format!(
        "{}/wachtwoord-herstellen/{token}",
        base.trim_end_matches('/')
    );
    let body = super::i18n::t_args(lang, "password-reset-mail-body", &[("link", link)]);
    let mut tx = db.begin().await?;
    crate::mail::enqueue(
        &mut tx,
        &address,
        &super::i18n::t(lang, "password-reset-mail-subject"),
        &body,
    )
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    tx.commit().await?;
    Ok(())
}

#[derive(Deserialize, Default)]
struct NewPasswordInput {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

fn new_password_fields(ctx: &Ctx) -> Vec<FormField> {
    vec![
        FormField::new(
            "new_password",
            ctx.t("field-new-password"),
            FieldKind::Password,
        )
        .hint(ctx.t("field-new-password-hint"))
        .autocomplete("new-password")
        .required(),
        FormField::new(
            "repeat_password",
            ctx.t("field-repeat-password"),
            FieldKind::Password,
        )
        .autocomplete("new-password")
        .required(),
    ]
}

fn reset_form(ctx: &Ctx, token: &str) -> Form {
    Form::new(
        format!("/wachtwoord-herstellen/{token}"),
        ctx.t("password-save"),
        new_password_fields(ctx),
    )
}

fn reset_link_gone(ctx: &Ctx) -> WebResult {
    let mut page = form_page(
        ctx,
        "password-reset-title",
        "password-reset-invalid",
        forgot_form(ctx, ""),
    );
    page.after = vec![("/inloggen".into(), ctx.t("login-title"))];
    render_status(StatusCode::NOT_FOUND, &page)
}

async fn reset_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(token): Path<String>,
) -> WebResult {
    if !identity::password_reset_valid(&state.db, &token).await? {
        return reset_link_gone(&ctx);
    }
    render(&form_page(
        &ctx,
        "password-reset-title",
        "password-reset-intro",
        reset_form(&ctx, &token),
    ))
}

async fn reset_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(token): Path<String>,
    AxForm(input): AxForm<NewPasswordInput>,
) -> WebResult {
    match identity::reset_password(
        &state.db,
        &token,
        &input.new_password,
        &input.repeat_password,
    )
    .await
    {
        Ok(true) => {
            // Whatever session this browser had ends with the reset.
            let mut r = Redirect::to("/inloggen?hersteld=1").into_response();
            r.headers_mut()
                .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0)));
            Ok(r)
        }
        Ok(false) => reset_link_gone(&ctx),
        Err(IdentityError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(
                &ctx,
                "password-reset-title",
                "password-reset-intro",
                reset_form(&ctx, &token).with_errors(&ctx.lang, &errors),
            ),
        ),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Own account: language, two-factor enrolment, recovery codes, API tokens, password.

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    name: String,
    email: String,
    organisation: String,
    roles: Vec<String>,
    two_factor: bool,
    recovery_left: i64,
    language_form: Form,
    new_token: Option<String>,
    recovery_codes: Vec<String>,
    tokens: Vec<TokenRow>,
    revoke_base: String,
}

/// A token in a list: never the token itself.
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub expires: String,
    pub last_used: String,
    pub active: bool,
}

fn token_rows(ctx: &Ctx, tokens: Vec<identity::TokenSummary>) -> Vec<TokenRow> {
    let when = |t: Option<i64>| {
        t.map(|t| fmt_time(t, false))
            .unwrap_or_else(|| ctx.t("never"))
    };
    tokens
        .into_iter()
        .map(|t| TokenRow {
            created: fmt_time(t.created_at, false),
            expires: when(t.expires_at),
            last_used: when(t.last_used_at),
            active: t.active,
            id: t.id,
            name: t.name,
        })
        .collect()
}

async fn own_tokens(state: &AppState, ctx: &Ctx, p: &Principal) -> Result<Vec<TokenRow>, WebError> {
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        ApiTokens {
            user_id: p.user_id.clone(),
        },
        Purpose::EigenGegevens,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let tokens = identity::list_tokens(&mut tx, &auth).await?;
    tx.commit().await?;
    Ok(token_rows(ctx, tokens))
}

async fn account_view(
    state: &AppState,
    ctx: &Ctx,
    new_token: Option<String>,
    recovery_codes: Vec<String>,
) -> WebResult {
    let p = require_user(ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Read,
        UserAccount {
            id: p.user_id.clone(),
            organisation_id: p.organisation_id.clone(),
        },
        Purpose::EigenGegevens,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let me = identity::read_user(&mut tx, &auth).await?;
    tx.commit().await?;
    let langs = vec![
        ("nl".to_string(), "Nederlands".to_string()),
        ("en".to_string(), "English".to_string()),
    ];
    let language_form = Form::new(
        "/account/taal",
        ctx.t("save"),
        vec![
            FormField::new("lang", ctx.t("field-language"), FieldKind::Select(langs))
                .value(me.lang.clone()),
        ],
    );
    render(&AccountPage {
        shell: Shell::new(ctx, "account-title"),
        name: me.name,
        email: me.email,
        organisation: me.organisation_name,
        roles: me.roles.iter().map(|r| role_label(&ctx.lang, r)).collect(),
        two_factor: me.two_factor,
        recovery_left: identity::unused_recovery_codes(&state.db, &p.user_id).await?,
        language_form,
        new_token,
        recovery_codes,
        tokens: own_tokens(state, ctx, p).await?,
        revoke_base: "/account/tokens".into(),
    })
}

async fn account_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    account_view(&state, &ctx, None, Vec::new()).await
}

#[derive(Deserialize)]
struct LangInput {
    lang: String,
}

async fn account_language(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(input): AxForm<LangInput>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        UserAccount {
            id: p.user_id.clone(),
            organisation_id: p.organisation_id.clone(),
        },
        Purpose::EigenGegevens,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    match identity::set_language(&mut tx, &auth, &input.lang).await {
        Ok(()) => tx.commit().await?,
        Err(IdentityError::Invalid(_)) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                "Onbekende taal / unknown language",
            )
                .into_response())
        }
        Err(e) => return Err(e.into()),
    }
    let mut r = Redirect::to("/account").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(super::LANG_COOKIE, &input.lang, Some(365 * 86_400)),
    );
    Ok(r)
}

/// The fields with which a change of one's own credentials asks again who is there: the
/// password, and a current code when the account has a second factor.
fn reauth_fields(ctx: &Ctx, with_code: bool, code_field: &str) -> Vec<FormField> {
    let mut fields = vec![FormField::new(
        "current_password",
        ctx.t("field-current-password"),
        FieldKind::Password,
    )
    .autocomplete("current-password")
    .required()];
    if with_code {
        fields.push(
            FormField::new(code_field, ctx.t("field-current-code"), FieldKind::Text)
                .autocomplete("one-time-code")
                .hint(ctx.t("field-code-hint"))
                .required(),
        );
    }
    fields
}

/// Whether the account has a second factor (and so a re-authentication asks for a code).
async fn has_two_factor(state: &AppState, user_id: &str) -> Result<bool, WebError> {
    use sqlx::Row;
    let row = sqlx::query("SELECT totp_secret IS NOT NULL AS f FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    row.try_get::<bool, _>("f")
        .or_else(|_| row.try_get::<i64, _>("f").map(|v| v != 0))
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// Checks a re-authentication; the errors are those of the form's fields (`code_field` is the
/// name of the code field in that form).
async fn reauthenticate(
    state: &AppState,
    user_id: &str,
    password: &str,
    code: &str,
    code_field: &str,
) -> Result<Vec<identity::FieldError>, WebError> {
    let mut errors = identity::reauthenticate(
        &state.db,
        state.settings.data_key.as_ref(),
        &state.settings.login,
        user_id,
        &identity::Reauthentication {
            password: password.to_string(),
            code: code.to_string(),
        },
    )
    .await?;
    for e in &mut errors {
        if e.field == "code" {
            e.field = code_field.to_string();
        }
    }
    Ok(errors)
}

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage {
    shell: Shell,
    qr_svg: String,
    secret: String,
    form: Form,
}

/// Who may enrol: a logged-in user, or a login that must enrol before it can continue.
fn enrolling_user(ctx: &Ctx) -> Option<(String, String)> {
    if let Some(p) = &ctx.user {
        return Some((p.user_id.clone(), p.email.clone()));
    }
    match &ctx.pending {
        Some((id, SessionStage::Enrol)) => Some((id.clone(), String::new())),
        _ => None,
    }
}

/// Enrolment by a logged-in account changes its second factor: it asks for the password and,
/// when there is one, a code of the current secret in the same form. A login that must enrol
/// first has just given its password and has no code yet.
async fn enrol_view(
    state: &AppState,
    ctx: &Ctx,
    secret: String,
    account: &str,
    errors: &[identity::FieldError],
) -> WebResult {
    let uri = secrets::totp_uri(
        &secret,
        if account.is_empty() { "Baken" } else { account },
        "Baken",
    );
    let mut fields = vec![
        FormField::new("secret", String::new(), FieldKind::Hidden).value(secret.clone()),
        FormField::new("code", ctx.t("field-code-new"), FieldKind::Text)
            .autocomplete("one-time-code")
            .hint(ctx.t("field-code-new-hint"))
            .required(),
    ];
    if let Some(p) = &ctx.user {
        fields.extend(reauth_fields(
            ctx,
            has_two_factor(state, &p.user_id).await?,
            "current_code",
        ));
    }
    let form = Form::new("/account/tweestaps", ctx.t("totp-submit"), fields)
        .with_errors(&ctx.lang, errors);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        status,
        &EnrolPage {
            shell: Shell::new(ctx, "enrol-title"),
            qr_svg: secrets::qr_svg(&uri).unwrap_or_default(),
            secret,
            form,
        },
    )
}

async fn enrol_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let Some((_, email)) = enrolling_user(&ctx) else {
        return Err(WebError::Login);
    };
    enrol_view(&state, &ctx, secrets::new_totp_secret(), &email, &[]).await
}

async fn enrol_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(input): AxForm<CodeInput>,
) -> WebResult {
    let Some((user_id, email)) = enrolling_user(&ctx) else {
        return Err(WebError::Login);
    };
    let secret_ok = secrets::base32_decode(&input.secret).is_some_and(|s| s.len() >= 16);
    if !secret_ok {
        return enrol_view(
            &state,
            &ctx,
            secrets::new_totp_secret(),
            &email,
            &[field_error("code", "error-code")],
        )
        .await;
    }
    if ctx.user.is_some() {
        let errors = reauthenticate(
            &state,
            &user_id,
            &input.current_password,
            &input.current_code,
            "current_code",
        )
        .await?;
        if !errors.is_empty() {
            return enrol_view(&state, &ctx, input.secret, &email, &errors).await;
        }
    }
    let now_s = jiff::Timestamp::now().as_second();
    let Some(codes) = identity::enrol_totp(
        &state.db,
        state.settings.data_key.as_ref(),
        &user_id,
        &input.secret,
        &input.code,
        now_s,
    )
    .await?
    else {
        return enrol_view(
            &state,
            &ctx,
            input.secret,
            &email,
            &[field_error("code", "error-code")],
        )
        .await;
    };
    let mut response = render(&RecoveryCodesPage {
        shell: Shell::new(&ctx, "recovery-title"),
        codes,
    })?;
    match (&ctx.user, &ctx.session_token) {
        // Enrolment finishes a pending login: a new session id for the now complete login.
        (None, old) => {
            if let Some(old) = old {
                identity::delete_session(&state.db, old).await?;
            }
            let token = identity::create_session(
                &state.db,
                &state.settings.session,
                &user_id,
                SessionStage::Complete,
                true,
            )
            .await?;
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, None));
        }
        (Some(_), Some(token)) => identity::mark_session_two_factor(&state.db, token).await?,
        (Some(_), None) => {}
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "recovery.html")]
struct RecoveryCodesPage {
    shell: Shell,
    codes: Vec<String>,
}

#[derive(Deserialize, Default)]
struct ReauthInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

async fn recovery_form(state: &AppState, ctx: &Ctx, p: &Principal) -> Result<Form, WebError> {
    Ok(Form::new(
        "/account/herstelcodes",
        ctx.t("recovery-regenerate"),
        reauth_fields(ctx, has_two_factor(state, &p.user_id).await?, "code"),
    ))
}

async fn recovery_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    let form = recovery_form(&state, &ctx, p).await?;
    render(&form_page(
        &ctx,
        "recovery-new-title",
        "recovery-confirm",
        form,
    ))
}

async fn recovery_regenerate(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(input): AxForm<ReauthInput>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let errors = reauthenticate(
        &state,
        &p.user_id,
        &input.current_password,
        &input.code,
        "code",
    )
    .await?;
    if !errors.is_empty() {
        let form = recovery_form(&state, &ctx, p)
            .await?
            .with_errors(&ctx.lang, &errors);
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&ctx, "recovery-new-title", "recovery-confirm", form),
        );
    }
    let codes =
        identity::regenerate_recovery_codes(&state.db, state.settings.data_key.as_ref(), p).await?;
    account_view(&state, &ctx, None, codes).await
}

async fn token_form(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    name: &str,
) -> Result<Form, WebError> {
    let mut fields = vec![
        FormField::new("name", ctx.t("field-token-name"), FieldKind::Text)
            .value(name)
            .hint(ctx.t("field-token-name-hint"))
            .required(),
    ];
    fields.extend(reauth_fields(
        ctx,
        has_two_factor(state, &p.user_id).await?,
        "code",
    ));
    Ok(Form::new("/account/tokens", ctx.t("token-create"), fields))
}

fn token_page(state: &AppState, ctx: &Ctx, form: Form) -> FormPage {
    let mut page = form_page(ctx, "token-new-title", "tokens-intro", form);
    page.intro = token_intro(state, ctx);
    page
}

async fn token_new_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let form = token_form(&state, &ctx, p, "").await?;
    render(&token_page(&state, &ctx, form))
}

fn token_intro(state: &AppState, ctx: &Ctx) -> String {
    format!(
        "{} {}",
        ctx.t("tokens-intro"),
        super::i18n::t_args(
            &ctx.lang,
            "token-lifetime",
            &[("days", state.settings.session.token_days.to_string())]
        )
    )
}

async fn token_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(input): AxForm<ReauthInput>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        ApiTokens {
            user_id: p.user_id.clone(),
        },
        Purpose::EigenGegevens,
    )
    .await?;
    let mut errors = Vec::new();
    if input.name.trim().is_empty() || input.name.trim().chars().count() > 100 {
        errors.push(field_error("name", "error-required"));
    } else {
        errors = reauthenticate(
            &state,
            &p.user_id,
            &input.current_password,
            &input.code,
            "code",
        )
        .await?;
    }
    if errors.is_empty() {
        let expires = crate::db::now_ms() + state.settings.session.token_days * 86_400_000;
        let mut tx = state.db.begin().await?;
        match identity::create_token(&mut tx, &auth, &input.name, Some(expires)).await {
            Ok(token) => {
                tx.commit().await?;
                return account_view(&state, &ctx, Some(token), Vec::new()).await;
            }
            Err(IdentityError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let form = token_form(&state, &ctx, p, &input.name)
        .await?
        .with_errors(&ctx.lang, &errors);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &token_page(&state, &ctx, form),
    )
}

/// Revokes a token: one's own (from the account page) or, for an administrator, anyone's (from
/// the account's page); `owner` is the account whose token it is.
async fn revoke(state: &AppState, ctx: &Ctx, owner: &str, token_id: &str) -> Result<(), WebError> {
    let p = require_user(ctx)?;
    let purpose = if p.user_id == owner {
        Purpose::EigenGegevens
    } else {
        Purpose::Beheer
    };
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Delete,
        ApiTokens {
            user_id: owner.to_string(),
        },
        purpose,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    identity::revoke_token(&mut tx, &auth, token_id).await?;
    tx.commit().await?;
    Ok(())
}

async fn token_revoke_own(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(token_id): Path<String>,
) -> WebResult {
    let p = require_user(&ctx)?;
    revoke(&state, &ctx, &p.user_id.clone(), &token_id).await?;
    Ok(Redirect::to("/account").into_response())
}

async fn token_revoke_admin(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path((id, token_id)): Path<(String, String)>,
) -> WebResult {
    revoke(&state, &ctx, &id, &token_id).await?;
    Ok(Redirect::to(&format!("/gebruikers/{id}")).into_response())
}

async fn password_form(state: &AppState, ctx: &Ctx, p: &Principal) -> Result<Form, WebError> {
    let mut fields = reauth_fields(ctx, has_two_factor(state, &p.user_id).await?, "code");
    fields.extend(new_password_fields(ctx));
    Ok(Form::new(
        "/account/wachtwoord",
        ctx.t("password-save"),
        fields,
    ))
}

async fn password_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    let form = password_form(&state, &ctx, p).await?;
    render(&form_page(
        &ctx,
        "password-change-title",
        "password-change-intro",
        form,
    ))
}

async fn password_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(input): AxForm<ReauthInput>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let mut errors = identity::check_new_password(&input.new_password, &input.repeat_password);
    if errors.is_empty() {
        errors = reauthenticate(
            &state,
            &p.user_id,
            &input.current_password,
            &input.code,
            "code",
        )
        .await?;
    }
    if errors.is_empty() {
        match identity::change_password(
            &state.db,
            p,
            ctx.session_token.as_deref(),
            &input.new_password,
            &input.repeat_password,
        )
        .await
        {
            Ok(()) => return Ok(Redirect::to("/account?wachtwoord=1").into_response()),
            Err(IdentityError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    let form = password_form(&state, &ctx, p)
        .await?
        .with_errors(&ctx.lang, &errors);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(&ctx, "password-change-title", "password-change-intro", form),
    )
}

/// A list page's title says whether it shows a selection and which page, so every page's title
/// is its own (WCAG 2.4.2).
fn list_title(ctx: &Ctx, key: &str, filtered: bool, page: i64) -> String {
    let mut title = ctx.t(key);
    if filtered {
        title = format!("{title} ({})", ctx.t("selection"));
    }
    if page > 1 {
        title = format!("{title}, {} {page}", ctx.t("page").to_lowercase());
    }
    title
}

// ---------------------------------------------------------------------------------------------
// Accounts.

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    shell: Shell,
    search: Form,
    users: Vec<identity::UserSummary>,
    pager: Pager,
    can_create: bool,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    organisatie: String,
    #[serde(default)]
    pagina: Option<i64>,
}

async fn users_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<ListQuery>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        UserDirectory,
        Purpose::Uitvoering,
    )
    .await?;
    let page = Pager::requested(q.pagina);
    let filter = UserFilter {
        q: Some(q.q.clone()),
        organisation_id: Some(q.organisatie.clone()),
        limit: Pager::PER_PAGE,
        offset: Pager::offset_of(page),
    };
    let mut tx = state.db.begin().await?;
    let (mut users, total) = identity::list_users(&mut tx, &auth, &filter).await?;
    tx.commit().await?;
    for u in &mut users {
        u.roles = u.roles.iter().map(|r| role_label(&ctx.lang, r)).collect();
    }
    let mut orgs = vec![(String::new(), ctx.t("all"))];
    if UserDirectory::scope(p) == access::Scope::All {
        orgs.extend(
            identity::list_organisations(&state.db)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name)),
        );
    }
    let mut fields = vec![
        FormField::new("q", ctx.t("field-search-users"), FieldKind::Search).value(q.q.clone()),
    ];
    if orgs.len() > 1 {
        fields.push(
            FormField::new(
                "organisatie",
                ctx.t("field-organisation"),
                FieldKind::Select(orgs),
            )
            .value(q.organisatie.clone()),
        );
    }
    let search = Form::new("/gebruikers", ctx.t("search"), fields).get();
    let base = list_url(
        "/gebruikers",
        &[("q", &q.q), ("organisatie", &q.organisatie)],
    );
    let filtered = !q.q.trim().is_empty() || !q.organisatie.is_empty();
    render(&UsersPage {
        shell: Shell::titled(&ctx, list_title(&ctx, "users-title", filtered, page)),
        search,
        users,
        pager: Pager::new(&base, page, total),
        can_create: p.has(Role::Beheerder),
    })
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    shell: Shell,
    user: identity::UserDetail,
    roles: Vec<String>,
    created: String,
    admin: bool,
    roles_form: Option<Form>,
    teams_form: Option<Form>,
    grant_requests: Vec<role_pages::GrantRequestView>,
    tokens: Vec<TokenRow>,
    revoke_base: String,
}

async fn user_resource(state: &AppState, id: &str) -> Result<UserAccount, WebError> {
    let organisation_id = identity::user_organisation(&state.db, id).await?;
    Ok(UserAccount {
        id: id.to_string(),
        organisation_id,
    })
}

fn purpose_for(p: &Principal, user: &UserAccount) -> Purpose {
    if p.user_id == user.id {
        Purpose::EigenGegevens
    } else if p.has(Role::Beheerder) {
        Purpose::Beheer
    } else if p.has(Role::Auditor) {
        Purpose::Controle
    } else {
        Purpose::Uitvoering
    }
}

async fn user_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    user_view(&state, &ctx, id, &[]).await
}

/// An account's page; `role_errors` are shown next to the roles after a refused change (422).
async fn user_view(
    state: &AppState,
    ctx: &Ctx,
    id: String,
    role_errors: &[identity::FieldError],
) -> WebResult {
    let p = require_user(ctx)?;
    let resource = user_resource(state, &id).await?;
    let purpose = purpose_for(p, &resource);
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Read,
        resource.clone(),
        purpose,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let user = identity::read_user(&mut tx, &auth).await?;
    tx.commit().await?;
    let admin = p.has(Role::Beheerder);
    // An administrator sees and revokes anyone's API tokens here.
    let tokens = if admin {
        let auth = access::authorize(
            &state.db,
            &ctx.request,
            p,
            Action::List,
            ApiTokens {
                user_id: user.id.clone(),
            },
            Purpose::Beheer,
        )
        .await?;
        let mut tx = state.db.begin().await?;
        let tokens = identity::list_tokens(&mut tx, &auth).await?;
        tx.commit().await?;
        token_rows(ctx, tokens)
    } else {
        Vec::new()
    };
    let grant_requests = if admin {
        role_pages::requests_for(state, ctx, p, &id).await?
    } else {
        Vec::new()
    };
    let (roles_form, teams_form) = if admin {
        let roles = Role::ALL
            .iter()
            .map(|r| {
                (
                    r.slug().to_string(),
                    ctx.t(&r.label_key()),
                    user.roles.iter().any(|x| x == r.slug()),
                )
            })
            .collect();
        let teams = identity::list_teams(&state.db, &user.organisation_id)
            .await?
            .into_iter()
            .map(|t| {
                let on = user.teams.iter().any(|x| x.id == t.id);
                (t.id, t.name, on)
            })
            .collect();
        (
            Some(
                Form::new(
                    format!("/gebruikers/{id}/rollen"),
                    ctx.t("save-roles"),
                    vec![
                        FormField::new("rol", ctx.t("field-roles"), FieldKind::Checkboxes(roles))
                            .hint(ctx.t("roles-four-eyes-hint")),
                    ],
                )
                .with_errors(&ctx.lang, role_errors),
            ),
            Some(Form::new(
                format!("/gebruikers/{id}/teams"),
                ctx.t("save-teams"),
                vec![FormField::new(
                    "team",
                    ctx.t("field-teams"),
                    FieldKind::Checkboxes(teams),
                )],
            )),
        )
    } else {
        (None, None)
    };
    let status = if role_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        status,
        &UserPage {
            shell: Shell::titled(ctx, user.name.clone()),
            roles: user
                .roles
                .iter()
                .map(|r| role_label(&ctx.lang, r))
                .collect(),
            created: fmt_time(user.created_at, false),
            revoke_base: format!("/gebruikers/{}/tokens", user.id),
            user,
            admin,
            roles_form,
            teams_form,
            grant_requests,
            tokens,
        },
    )
}

/// Reads repeated form fields (checkbox groups) from a urlencoded body.
fn multi(body: &str, name: &str) -> Vec<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v)
        .collect()
}

async fn user_roles_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: String,
) -> WebResult {
    let p = require_user(&ctx)?;
    let roles: Vec<Role> = multi(&body, "rol")
        .iter()
        .filter_map(|s| Role::from_slug(s))
        .collect();
    user_resource(&state, &id).await?;
    let auth = access::authorize_as::<access::act::Update, _>(
        &state.db,
        &ctx.request,
        p,
        RoleAssignment {
            user_id: id.clone(),
        },
        Purpose::Beheer,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    match role_grants::set_roles(&mut tx, &auth, &roles).await {
        Ok(_) => tx.commit().await?,
        Err(IdentityError::Invalid(errors)) => {
            drop(tx);
            role_pages::record_refusal(&state, &ctx, p, &id, &errors).await?;
            return user_view(&state, &ctx, id, &errors).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/gebruikers/{id}")).into_response())
}

async fn user_teams_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: String,
) -> WebResult {
    let p = require_user(&ctx)?;
    let resource = user_resource(&state, &id).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        resource,
        Purpose::Beheer,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    identity::set_teams(&mut tx, &auth, &multi(&body, "team")).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/gebruikers/{id}")).into_response())
}

#[derive(Deserialize)]
struct StatusInput {
    actie: String,
}

async fn user_status_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(input): AxForm<StatusInput>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let change = match input.actie.as_str() {
        "blokkeren" if p.user_id != id => AccountChange::Disable,
        "deblokkeren" => AccountChange::Enable,
        "ontgrendelen" => AccountChange::Unlock,
        "tweestaps-resetten" => AccountChange::ResetTwoFactor,
        _ => return Err(WebError::NotFound),
    };
    let resource = user_resource(&state, &id).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        resource,
        Purpose::Beheer,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    identity::change_account(&mut tx, &auth, change).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/gebruikers/{id}")).into_response())
}

#[derive(Deserialize, Default)]
struct NewUserInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    organisation: String,
}

async fn new_user_form(
    state: &AppState,
    ctx: &Ctx,
    input: &NewUserInput,
    checked: &[String],
) -> Result<Form, WebError> {
    let orgs = identity::list_organisations(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| {
            (
                r.slug().to_string(),
                ctx.t(&r.label_key()),
                checked.iter().any(|c| c == r.slug()),
            )
        })
        .collect();
    Ok(Form::new(
        "/gebruikers/nieuw",
        ctx.t("user-create"),
        vec![
            FormField::new("name", ctx.t("field-name"), FieldKind::Text)
                .value(input.name.clone())
                .autocomplete("off")
                .required(),
            FormField::new("email", ctx.t("field-email"), FieldKind::Email)
                .value(input.email.clone())
                .autocomplete("off")
                .required(),
            FormField::new(
                "organisation",
                ctx.t("field-organisation"),
                FieldKind::Select(orgs),
            )
            .value(input.organisation.clone())
            .required(),
            FormField::new("rol", ctx.t("field-roles"), FieldKind::Checkboxes(roles)),
        ],
    ))
}

async fn user_new_page(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> WebResult {
    let p = require_user(&ctx)?;
    if !p.has(Role::Beheerder) {
        return Err(WebError::Forbidden);
    }
    let form = new_user_form(&state, &ctx, &NewUserInput::default(), &[]).await?;
    render(&form_page(&ctx, "user-new-title", "user-new-intro", form))
}

async fn user_new_submit(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    body: String,
) -> WebResult {
    let p = require_user(&ctx)?;
    let input: NewUserInput = serde_urlencoded::from_str(&body).unwrap_or_default();
    let role_slugs = multi(&body, "rol");
    let roles: Vec<Role> = role_slugs
        .iter()
        .filter_map(|s| Role::from_slug(s))
        .collect();
    // Roles follow the same rules as a change of roles: granted after the account exists.
    let new = NewUser {
        email: input.email.clone(),
        name: input.name.clone(),
        organisation_id: input.organisation.clone(),
        roles: Vec::new(),
        password: None,
    };
    let mut errors = new.validate();
    if identity::organisation(&state.db, &input.organisation)
        .await
        .is_err()
    {
        errors.push(field_error("organisation", "error-choice"));
    }
    let auth = access::authorize_as::<access::act::Create, _>(
        &state.db,
        &ctx.request,
        p,
        UserAccount {
            id: String::new(),
            organisation_id: input.organisation.clone(),
        },
        Purpose::Beheer,
    )
    .await?;
    if errors.is_empty() {
        let mut tx = state.db.begin().await?;
        auth.record(&mut tx).await?;
        let created = match identity::create_user(&mut tx, &new).await {
            Ok(id) => role_grants::initial_roles(&mut tx, &auth, &id, &roles)
                .await
                .map(|_| id),
            Err(e) => Err(e),
        };
        match created {
            Ok(id) => {
                send_invitation(&state, &ctx, &mut tx, &auth, &id, &new).await?;
                tx.commit().await?;
                return Ok(Redirect::to(&format!("/gebruikers/{id}")).into_response());
            }
            Err(IdentityError::Invalid(e)) => {
                drop(tx);
                // A role the grant rules refuse is a refusal like any other: audited.
                if e.iter().any(|f| f.field == "rol") {
                    let refused = access::deny(
                        &state.db,
                        &ctx.request,
                        p,
                        Action::Create,
                        auth.resource(),
                        Purpose::Beheer,
                        role_grants::refusal_reason(&e),
                    )
                    .await;
                    if let access::AccessError::Db(d) = refused {
                        return Err(d.into());
                    }
                }
                errors = e;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let form = new_user_form(&state, &ctx, &input, &role_slugs)
        .await?
        .with_errors(&ctx.lang, &errors);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(&ctx, "user-new-title", "user-new-intro", form),
    )
}

/// Mails a new account its invitation, in the transaction that creates it: a one-time link to
/// set a password (the administrator never chooses one); an account whose roles see personal
/// data then sets up two-step verification at its first login.
async fn send_invitation(
    state: &AppState,
    ctx: &Ctx,
    tx: &mut crate::db::Tx,
    auth: &access::Authorized<UserAccount, access::act::Create>,
    user_id: &str,
    new: &NewUser,
) -> Result<(), WebError> {
    let token = identity::invite(tx, auth, user_id).await?;
    let base = state.settings.public_url.clone().unwrap_or_default();
    let link = format!(
        "{}/wachtwoord-herstellen/{token}",
        base.trim_end_matches('/')
    );
    let body = super::i18n::t_args(
        &ctx.lang,
        "invitation-mail-body",
        &[("name", new.name.trim().to_string()), ("link", link)],
    );
    crate::mail::enqueue(
        tx,
        &identity::normalize_email(&new.email),
        &ctx.t("invitation-mail-subject"),
        &body,
    )
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Organisations and teams.

#[derive(Template)]
#[template(path = "organisations.html")]
struct OrganisationsPage {
    shell: Shell,
    organisations: Vec<identity::Organisation>,
    form: Form,
}

fn kind_options(ctx: &Ctx) -> Vec<(String, String)> {
    identity::ORGANISATION_KINDS
        .iter()
        .map(|k| (k.to_string(), ctx.t(&format!("kind-{k}"))))
        .collect()
}

fn organisation_form(ctx: &Ctx, input: &NewOrganisation) -> Form {
    Form::new(
        "/beheer/organisaties",
        ctx.t("organisation-create"),
        vec![
            FormField::new("name", ctx.t("field-name"), FieldKind::Text)
                .value(input.name.clone())
                .required(),
            FormField::new("slug", ctx.t("field-slug"), FieldKind::Text)
                .value(input.slug.clone())
                .hint(ctx.t("field-slug-hint"))
                .required(),
            FormField::new(
                "kind",
                ctx.t("field-kind"),
                FieldKind::Select(kind_options(ctx)),
            )
            .value(input.kind.clone()),
        ],
    )
}

fn require_admin(ctx: &Ctx) -> Result<&Principal, WebError> {
    let p = require_user(ctx)?;
    if p.has(Role::Beheerder) {
        Ok(p)
    } else {
        Err(WebError::Forbidden)
    }
}

async fn organisations_view(state: &AppState, ctx: &Ctx, form: Form) -> WebResult {
    require_admin(ctx)?;
    let status = if form.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(
        status,
        &OrganisationsPage {
            shell: Shell::new(ctx, "organisations-title"),
            organisations: identity::list_organisations(&state.db).await?,
            form,
        },
    )
}

async fn organisations_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
) -> WebResult {
    let form = organisation_form(
        &ctx,
        &NewOrganisation {
            kind: "partner".into(),
            ..Default::default()
        },
    );
    organisations_view(&state, &ctx, form).await
}

async fn organisation_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    AxForm(input): AxForm<NewOrganisation>,
) -> WebResult {
    let p = require_admin(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Create,
        Organisations { id: None },
        Purpose::Beheer,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    match identity::create_organisation(&mut tx, &input).await {
        Ok(org) => {
            auth.record(&mut tx).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/beheer/organisaties/{}", org.id)).into_response())
        }
        Err(IdentityError::Invalid(errors)) => {
            drop(tx);
            organisations_view(
                &state,
                &ctx,
                organisation_form(&ctx, &input).with_errors(&ctx.lang, &errors),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    shell: Shell,
    organisation: identity::Organisation,
    teams: Vec<identity::Team>,
    edit: Form,
    team_form: Form,
}

#[derive(Deserialize, Default)]
struct TeamInput {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
}

async fn organisation_view(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    edit_errors: &[identity::FieldError],
    team: &TeamInput,
    team_errors: &[identity::FieldError],
) -> WebResult {
    require_admin(ctx)?;
    let organisation = identity::organisation(&state.db, id).await?;
    let edit = Form::new(
        format!("/beheer/organisaties/{id}"),
        ctx.t("save"),
        vec![
            FormField::new("name", ctx.t("field-name"), FieldKind::Text)
                .value(organisation.name.clone())
                .required(),
            FormField::new(
                "kind",
                ctx.t("field-kind"),
                FieldKind::Select(kind_options(ctx)),
            )
            .value(organisation.kind.clone()),
        ],
    )
    .with_errors(&ctx.lang, edit_errors);
    let team_form = Form::new(
        format!("/beheer/organisaties/{id}/teams"),
        ctx.t("team-create"),
        vec![
            FormField::new("name", ctx.t("field-team-name"), FieldKind::Text)
                .value(team.name.clone())
                .required(),
            FormField::new("slug", ctx.t("field-slug"), FieldKind::Text)
                .value(team.slug.clone())
                .hint(ctx.t("field-slug-hint"))
                .required(),
        ],
    )
    .with_errors(&ctx.lang, team_errors);
    let status = if edit_errors.is_empty() && team_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(
        status,
        &OrganisationPage {
            shell: Shell::titled(ctx, organisation.name.clone()),
            teams: identity::list_teams(&state.db, id).await?,
            organisation,
            edit,
            team_form,
        },
    )
}

async fn organisation_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> WebResult {
    organisation_view(&state, &ctx, &id, &[], &TeamInput::default(), &[]).await
}

#[derive(Deserialize, Default)]
struct OrganisationEdit {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

async fn organisation_update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(input): AxForm<OrganisationEdit>,
) -> WebResult {
    let p = require_admin(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Organisations {
            id: Some(id.clone()),
        },
        Purpose::Beheer,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    match identity::update_organisation(&mut tx, &id, &input.name, &input.kind).await {
        Ok(()) => {
            auth.record(&mut tx).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/beheer/organisaties/{id}")).into_response())
        }
        Err(IdentityError::Invalid(errors)) => {
            drop(tx);
            organisation_view(&state, &ctx, &id, &errors, &TeamInput::default(), &[]).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn team_create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    AxForm(input): AxForm<TeamInput>,
) -> WebResult {
    let p = require_admin(&ctx)?;
    identity::organisation(&state.db, &id).await?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Update,
        Organisations {
            id: Some(id.clone()),
        },
        Purpose::Beheer,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    match identity::create_team(&mut tx, &id, &input.slug, &input.name).await {
        Ok(_) => {
            auth.record(&mut tx).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/beheer/organisaties/{id}")).into_response())
        }
        Err(IdentityError::Invalid(errors)) => {
            drop(tx);
            organisation_view(&state, &ctx, &id, &[], &input, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Audit log.

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub organisation: String,
    pub action: String,
    pub resource: String,
    pub purpose: String,
    pub outcome: String,
    pub denied: bool,
    pub reason: String,
    pub request_id: String,
}

/// The label of an audit code in `lang` (`audit-action-read` → "bekeken"), or the code itself
/// where no label exists (a module's own action), so nothing is hidden.
fn audit_label(lang: &str, kind: &str, code: &str) -> String {
    let key = format!("audit-{kind}-{code}");
    match super::i18n::t(lang, &key) {
        t if t == key => code.to_string(),
        t => t,
    }
}

impl AuditRow {
    fn new(lang: &str, r: &AuditRecord) -> Self {
        AuditRow {
            seq: r.seq,
            at: fmt_time(r.at, true),
            actor: r.actor_name.clone(),
            organisation: r.actor_org_name.clone().unwrap_or_default(),
            action: audit_label(lang, "action", &r.action),
            resource: match &r.resource_id {
                Some(id) => format!("{} {}", audit_label(lang, "resource", &r.resource_type), id),
                None => audit_label(lang, "resource", &r.resource_type),
            },
            purpose: audit_label(lang, "purpose", &r.purpose),
            outcome: audit_label(lang, "outcome", &r.outcome),
            denied: r.outcome == Outcome::Denied.slug() || r.outcome == Outcome::Failure.slug(),
            reason: r.reason.clone().unwrap_or_default(),
            request_id: r.request_id.clone(),
        }
    }
}

/// The entries one request wrote (one page view reads many records), shown as one line that
/// opens to the rest.
pub struct AuditGroup {
    pub first: AuditRow,
    pub more: Vec<AuditRow>,
}

/// Groups consecutive entries of the same request and actor.
fn group_by_request(rows: Vec<AuditRow>) -> Vec<AuditGroup> {
    let mut groups: Vec<AuditGroup> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some(g)
                if !row.request_id.is_empty()
                    && g.first.request_id == row.request_id
                    && g.first.actor == row.actor =>
            {
                g.more.push(row)
            }
            _ => groups.push(AuditGroup {
                first: row,
                more: Vec::new(),
            }),
        }
    }
    groups
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    shell: Shell,
    search: Form,
    rows: Vec<AuditGroup>,
    pager: Pager,
    export_url: String,
}

#[derive(Deserialize, Default, Clone)]
struct AuditQuery {
    #[serde(default)]
    wie: String,
    #[serde(default)]
    actie: String,
    #[serde(default)]
    resultaat: String,
    #[serde(default)]
    van: String,
    #[serde(default)]
    tot: String,
    #[serde(default)]
    pagina: Option<i64>,
}

/// Parses a date (yyyy-mm-dd) as the start of that day in Amsterdam, in ms.
fn day_start_ms(s: &str) -> Option<i64> {
    let date: jiff::civil::Date = s.trim().parse().ok()?;
    Some(crate::db::day_start_ms_nl(date))
}

impl AuditQuery {
    fn filter(&self, limit: i64, offset: i64) -> Result<AuditFilter, Vec<identity::FieldError>> {
        let mut errors = Vec::new();
        let from_ms = match self.van.trim() {
            "" => None,
            s => day_start_ms(s).or_else(|| {
                errors.push(field_error("van", "error-date"));
                None
            }),
        };
        let to_ms = match self.tot.trim() {
            "" => None,
            s => day_start_ms(s).map(|m| m + 86_400_000).or_else(|| {
                errors.push(field_error("tot", "error-date"));
                None
            }),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AuditFilter {
            who: Some(self.wie.clone()),
            action: Some(self.actie.clone()),
            resource_type: None,
            outcome: Some(self.resultaat.clone()),
            from_ms,
            to_ms,
            limit,
            offset,
        })
    }

    fn params(&self) -> [(&'static str, &str); 5] {
        [
            ("wie", &self.wie),
            ("actie", &self.actie),
            ("resultaat", &self.resultaat),
            ("van", &self.van),
            ("tot", &self.tot),
        ]
    }

    fn filtered(&self) -> bool {
        self.params().iter().any(|(_, v)| !v.is_empty())
    }
}

const AUDIT_ACTIONS: [&str; 14] = [
    "read",
    "list",
    "create",
    "update",
    "delete",
    "export",
    "login",
    "login-password",
    "login-second-factor",
    "logout",
    "lock-account",
    "enrol-2fa",
    "grant-role",
    "revoke-role",
];

async fn audit_page(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<AuditQuery>,
) -> WebResult {
    let p = require_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::List,
        AuditTrail,
        Purpose::Controle,
    )
    .await?;
    let page = Pager::requested(q.pagina);
    let mut actions = vec![(String::new(), ctx.t("all"))];
    actions.extend(AUDIT_ACTIONS.iter().map(|a| (a.to_string(), a.to_string())));
    let outcomes = vec![
        (String::new(), ctx.t("all")),
        ("allowed".into(), ctx.t("outcome-allowed")),
        ("denied".into(), ctx.t("outcome-denied")),
        ("success".into(), ctx.t("outcome-success")),
        ("failure".into(), ctx.t("outcome-failure")),
    ];
    let search = Form::new(
        "/audit",
        ctx.t("search"),
        vec![
            FormField::new("wie", ctx.t("field-audit-who"), FieldKind::Search)
                .value(q.wie.clone())
                .hint(ctx.t("field-audit-who-hint")),
            FormField::new("actie", ctx.t("field-action"), FieldKind::Select(actions))
                .value(q.actie.clone()),
            FormField::new(
                "resultaat",
                ctx.t("field-outcome"),
                FieldKind::Select(outcomes),
            )
            .value(q.resultaat.clone()),
            FormField::new("van", ctx.t("field-from"), FieldKind::Date).value(q.van.clone()),
            FormField::new("tot", ctx.t("field-until"), FieldKind::Date).value(q.tot.clone()),
        ],
    )
    .get();
    let (search, rows, total) = match q.filter(Pager::PER_PAGE, Pager::offset_of(page)) {
        Ok(filter) => {
            let mut tx = state.db.begin().await?;
            let (records, total) = audit::search(&mut tx, &auth, &filter).await?;
            tx.commit().await?;
            (
                search,
                group_by_request(
                    records
                        .iter()
                        .map(|r| AuditRow::new(&ctx.lang, r))
                        .collect(),
                ),
                total,
            )
        }
        Err(errors) => (search.with_errors(&ctx.lang, &errors), Vec::new(), 0),
    };
    render(&AuditPage {
        shell: Shell::titled(&ctx, list_title(&ctx, "audit-title", q.filtered(), page)),
        search,
        rows,
        pager: Pager::new(&list_url("/audit", &q.params()), page, total),
        export_url: list_url("/audit/export.csv", &q.params()),
    })
}

use crate::export::csv_cell;

async fn audit_export(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let p = require_user(&ctx)?;
    let auth = access::authorize(
        &state.db,
        &ctx.request,
        p,
        Action::Export,
        AuditTrail,
        Purpose::Controle,
    )
    .await?;
    let Ok(filter) = q.filter(100_000, 0) else {
        return Err(WebError::NotFound);
    };
    let mut tx = state.db.begin().await?;
    let (records, _) = audit::search(&mut tx, &auth, &filter).await?;
    tx.commit().await?;
    let mut out = String::from("\u{feff}");
    out.push_str("volgnummer;tijdstip;verzoek;gebruiker_id;gebruiker;organisatie_id;organisatie;rollen;namens;herkomst;actie;soort;object_id;betrokkene_id;doel;resultaat;reden;vorige_hash;hash\r\n");
    for r in &records {
        let cells = [
            r.seq.to_string(),
            fmt_time(r.at, true),
            r.request_id.clone(),
            r.actor_user_id.clone().unwrap_or_default(),
            r.actor_name.clone(),
            r.actor_org_id.clone().unwrap_or_default(),
            r.actor_org_name.clone().unwrap_or_default(),
            r.actor_roles.clone(),
            r.on_behalf_of.clone().unwrap_or_default(),
            r.origin.clone(),
            r.action.clone(),
            r.resource_type.clone(),
            r.resource_id.clone().unwrap_or_default(),
            r.subject_id.clone().unwrap_or_default(),
            r.purpose.clone(),
            r.outcome.clone(),
            r.reason.clone().unwrap_or_default(),
            r.prev_hash.clone(),
            r.hash.clone(),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"auditlog.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

#[cfg(test)]
mod audit_page_tests {
    use super::*;

    fn row(seq: i64, request: &str, actor: &str) -> AuditRow {
        AuditRow {
            seq,
            at: String::new(),
            actor: actor.into(),
            organisation: String::new(),
            action: "bekeken".into(),
            resource: format!("dossier {seq}"),
            purpose: String::new(),
            outcome: String::new(),
            denied: false,
            reason: String::new(),
            request_id: request.into(),
        }
    }

    #[test]
    fn a_page_view_is_one_line_that_opens_to_what_it_read() {
        let groups = group_by_request(vec![
            row(9, "r2", "Fien"),
            row(8, "r2", "Fien"),
            row(7, "r2", "Fien"),
            row(6, "r1", "Fien"),
            row(5, "", "systeem"),
            row(4, "", "systeem"),
            row(3, "r1", "Jan"),
        ]);
        let shape: Vec<(i64, Vec<i64>)> = groups
            .iter()
            .map(|g| (g.first.seq, g.more.iter().map(|r| r.seq).collect()))
            .collect();
        // Entries without a request id (jobs) and of another actor stay lines of their own.
        assert_eq!(
            shape,
            vec![
                (9, vec![8, 7]),
                (6, vec![]),
                (5, vec![]),
                (4, vec![]),
                (3, vec![])
            ]
        );
    }
}
