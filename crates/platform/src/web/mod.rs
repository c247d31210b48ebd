//! The web shell: request context (session, language, CSRF), security headers, error pages,
//! and the platform's own pages and API.

pub mod api;
pub mod assets;
pub mod client;
pub mod errors;
pub mod forms;
pub mod i18n;
pub mod input;
pub mod notify_pages;
pub mod pages;
pub mod role_pages;
pub mod theme_pages;
pub mod work;

use std::sync::Arc;

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Router;

use crate::access::{AccessError, Principal, RequestContext, Role};
use crate::db::Db;
use crate::identity::{self, LoginPolicy, SessionPolicy, SessionStage, TokenProblem};
use crate::secrets;

pub const SESSION_COOKIE: &str = "__Host-baken_session";
pub const CSRF_COOKIE: &str = "__Host-baken_csrf";
pub const LANG_COOKIE: &str = "__Host-baken_lang";
/// Largest request body accepted (uploads included).
pub const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// Settings the web layer needs.
#[derive(Clone, Debug, Default)]
pub struct WebSettings {
    pub session: SessionPolicy,
    pub login: LoginPolicy,
    pub version: String,
    /// Menu entries of the modules, after the platform's own first entry ("Start").
    pub module_nav: Vec<ModuleNav>,
    /// Pages of the modules for everyone, without login (e.g. the public report form), linked
    /// from the welcome page: (href, label in a language).
    pub public_links: Vec<PublicLink>,
    /// The key for identifying data at rest (BSN) and keyed identifier hashes; None when the
    /// server was started without one, and then such data is refused rather than kept in clear.
    pub data_key: Option<crate::secrets::DataKey>,
    /// The address at which people reach Baken (e.g. https://baken.gemeente.nl), for links in
    /// mail; never taken from a request's Host header, which a sender could choose.
    pub public_url: Option<String>,
    /// Reverse proxies whose X-Forwarded-For names the client (see [`client::client_addr`]).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Failed logins per client (keyed hashes in memory), for progressive delays.
    pub login_throttle: Arc<client::ClientThrottle>,
    /// The base map's tiles (PDOK's BRT-Achtergrondkaart unless configured otherwise).
    pub map_tiles: MapTiles,
}

/// Where the maps' base tiles come from: a Leaflet URL template (`{z}/{x}/{y}`) and the
/// attribution its licence asks for. The tile host is added to the CSP's `img-src`.
#[derive(Clone, Debug, PartialEq)]
pub struct MapTiles {
    pub url: String,
    pub attribution: String,
}

/// PDOK's BRT-Achtergrondkaart (Kadaster), free and without a key, in Web Mercator as Leaflet
/// draws by default.
pub const PDOK_BRT_TILES: &str =
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png";
pub const PDOK_BRT_ATTRIBUTION: &str = "Kaartgegevens © Kadaster (BRT-Achtergrondkaart, PDOK)";

impl Default for MapTiles {
    fn default() -> Self {
        MapTiles {
            url: PDOK_BRT_TILES.to_string(),
            attribution: PDOK_BRT_ATTRIBUTION.to_string(),
        }
    }
}

impl MapTiles {
    /// The scheme, host and port of the tiles (what a CSP source names); none for a template
    /// that is not an absolute http(s) URL, whose tiles then come from Baken itself.
    pub fn origin(&self) -> Option<String> {
        origin_of(&self.url)
    }
}

/// `https://host[:port]` of an absolute http(s) URL, nothing else of it.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    valid.then(|| format!("{scheme}://{host}"))
}

/// The Content-Security-Policy: everything from Baken itself, and images also from the tile host.
pub fn content_security_policy(tiles: &MapTiles) -> String {
    let img = match tiles.origin() {
        Some(o) => format!("'self' data: {o}"),
        None => "'self' data:".to_string(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src {img}; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// A public page of a module: its address and its label in a language.
pub type PublicLink = (&'static str, fn(&str) -> String);

/// A menu entry a module adds; the kernel knows no module, so modules hand these in.
#[derive(Clone, Debug)]
pub struct ModuleNav {
    pub href: &'static str,
    /// The label in a language ("nl" or "en").
    pub label: fn(&str) -> String,
    /// Whether this person may use what the entry leads to.
    pub visible: fn(&Principal) -> bool,
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<WebSettings>,
}

/// What every handler knows about the request.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: String,
    pub csrf: String,
    pub user: Option<Principal>,
    /// A session whose login is not finished (second factor or enrolment still to do).
    pub pending: Option<(String, SessionStage)>,
    pub session_token: Option<String>,
    pub request: RequestContext,
    pub path: String,
    /// Set when the request carried a bearer token that was not accepted.
    pub token_problem: Option<TokenProblem>,
    pub via_token: bool,
    /// The menu for this person, built once per request.
    pub nav: Vec<NavItem>,
    /// The modules' public pages, for the welcome page.
    pub public_links: Vec<NavItem>,
    /// The signed-in person's unread notifications (pages only; 0 for the API).
    pub unread: i64,
    /// The installation's name, logo and colours (pages only; the default for the API).
    pub theme: Arc<crate::theme::Theme>,
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        i18n::t(&self.lang, key)
    }
}

// ---------------------------------------------------------------------------------------------
// Errors of HTML pages: rendered by the shell middleware, which knows the language and the user.

#[derive(Debug)]
pub enum WebError {
    NotFound,
    /// Refused by a gate in the handler; the shell writes the refusal to the audit log.
    Forbidden,
    /// Refused by the access engine, which has already written the refusal to the audit log.
    Refused,
    /// A request the server cannot read (e.g. a broken upload): the client's mistake, not ours.
    BadRequest,
    /// Not possible in the record's current state.
    Conflict,
    /// Input that failed the checks and that no form shows next to its fields.
    Invalid,
    /// Not logged in: send to the login page.
    Login,
    Internal(String),
}

#[derive(Clone, Copy, Debug)]
struct ErrorPage(StatusCode);

/// Marks a 403 whose refusal the access engine has already written to the audit log; every
/// other 403 for a logged-in person is recorded by the shell (see [`record_gate_refusal`]).
#[derive(Clone, Copy, Debug)]
pub struct DenialRecorded;

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::Refused => {
                let mut r = StatusCode::FORBIDDEN.into_response();
                r.extensions_mut().insert(ErrorPage(StatusCode::FORBIDDEN));
                r.extensions_mut().insert(DenialRecorded);
                return r;
            }
            WebError::BadRequest => StatusCode::BAD_REQUEST,
            WebError::Conflict => StatusCode::CONFLICT,
            WebError::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Login => return Redirect::to("/inloggen").into_response(),
            WebError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut r = status.into_response();
        r.extensions_mut().insert(ErrorPage(status));
        r
    }
}

impl<E: errors::Classify> From<E> for WebError {
    fn from(e: E) -> Self {
        match e.classify() {
            errors::Failure::NotFound => WebError::NotFound,
            errors::Failure::Forbidden => WebError::Forbidden,
            errors::Failure::Refused => WebError::Refused,
            errors::Failure::Conflict(_) => WebError::Conflict,
            errors::Failure::Invalid(_) => WebError::Invalid,
            errors::Failure::BadRequest(_) => WebError::BadRequest,
            errors::Failure::Internal(cause) => WebError::Internal(cause),
        }
    }
}

pub type WebResult = Result<Response, WebError>;

/// Renders a template into a response.
pub fn render<T: Template>(t: &T) -> WebResult {
    Ok(Html(t.render()?).into_response())
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> WebResult {
    Ok((status, Html(t.render()?)).into_response())
}

/// Requires a logged-in user for a page.
pub fn require_user(ctx: &Ctx) -> Result<&Principal, WebError> {
    ctx.user.as_ref().ok_or(WebError::Login)
}

// ---------------------------------------------------------------------------------------------
// The page shell shared by every template.

#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

pub struct Shell {
    pub lang: String,
    pub title: String,
    pub csrf: String,
    pub user: Option<Principal>,
    pub nav: Vec<NavItem>,
    pub path: String,
    pub version: String,
    /// The count on the bell.
    pub unread: i64,
    pub theme: Arc<crate::theme::Theme>,
}

impl Shell {
    pub fn new(ctx: &Ctx, title_key: &str) -> Shell {
        let title = ctx.t(title_key);
        Shell::titled(ctx, title)
    }

    pub fn titled(ctx: &Ctx, title: String) -> Shell {
        Shell {
            lang: ctx.lang.clone(),
            title,
            csrf: ctx.csrf.clone(),
            nav: ctx.nav.clone(),
            user: ctx.user.clone(),
            path: ctx.path.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            unread: ctx.unread,
            theme: ctx.theme.clone(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        i18n::t(&self.lang, key)
    }

    pub fn other_lang(&self) -> &'static str {
        if self.lang == "en" {
            "nl"
        } else {
            "en"
        }
    }
}

/// The menu shows each role only what it may use: the platform's pages and the modules' entries.
pub fn navigation(ctx: &Ctx, modules: &[ModuleNav]) -> Vec<NavItem> {
    let Some(p) = &ctx.user else {
        return Vec::new();
    };
    let mut items: Vec<(&'static str, String)> = vec![("/", ctx.t("nav-home"))];
    items.extend(
        modules
            .iter()
            .filter(|m| (m.visible)(p))
            .map(|m| (m.href, (m.label)(&ctx.lang))),
    );
    // The staff directory only for roles that work with personal data (not a council member).
    if pages::sees_staff_directory(p) {
        items.push(("/gebruikers", ctx.t("nav-users")));
    }
    if p.has(Role::Beheerder) {
        items.push(("/beheer/organisaties", ctx.t("nav-organisations")));
    }
    if p.has(Role::Auditor) || p.has(Role::Beheerder) {
        items.push(("/audit", ctx.t("nav-audit")));
    }
    items.push(("/account", ctx.t("nav-account")));
    items
        .into_iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            current: if href == "/" {
                ctx.path == "/"
            } else {
                ctx.path.starts_with(href)
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    shell: Shell,
    status: u16,
    message: String,
}

// ---------------------------------------------------------------------------------------------
// Middleware.

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set_cookie(name: &str, value: &str, max_age_s: Option<i64>) -> HeaderValue {
    let age = max_age_s
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    let v = format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax{age}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn query_param(uri: &axum::http::Uri, name: &str) -> Option<String> {
    uri.query()?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// The JSON API, and the health check beside it: answered with problem details, not pages.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz"
}

/// Builds the [`Ctx`], checks CSRF on state-changing requests, renders error pages, and sets
/// the security headers on every response.
pub async fn shell_middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let csp = content_security_policy(&state.settings.map_tiles);
    let origin: &'static str = if is_api(&path) { "api" } else { "web" };
    let mut ctx = Ctx {
        lang: "nl".into(),
        csrf: String::new(),
        user: None,
        pending: None,
        session_token: None,
        request: RequestContext::new(origin),
        path: path.clone(),
        token_problem: None,
        via_token: false,
        nav: Vec::new(),
        public_links: Vec::new(),
        unread: 0,
        theme: Arc::default(),
    };

    let mut new_csrf = None;
    ctx.csrf = match cookie(&parts.headers, CSRF_COOKIE).filter(|c| c.len() == 43) {
        Some(c) => c,
        None => {
            let c = secrets::random_token();
            new_csrf = Some(c.clone());
            c
        }
    };

    // Who is asking: a bearer token (API) or a session cookie.
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(auth) = bearer {
        ctx.via_token = true;
        match auth.strip_prefix("Bearer ").map(str::trim) {
            Some(token) => match identity::principal_for_token(&state.db, token).await {
                Ok(Ok(p)) => ctx.user = Some(p),
                Ok(Err(problem)) => ctx.token_problem = Some(problem),
                Err(e) => return internal(e.to_string(), &path),
            },
            None => ctx.token_problem = Some(TokenProblem::Malformed),
        }
    } else if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        match identity::load_session(&state.db, &state.settings.session, &token).await {
            Ok(Some(s)) if s.stage == SessionStage::Complete => {
                match identity::load_principal(&state.db, &s.user_id).await {
                    Ok(p) => ctx.user = p,
                    Err(e) => return internal(e.to_string(), &path),
                }
                ctx.session_token = Some(token);
            }
            Ok(Some(s)) => {
                ctx.pending = Some((s.user_id, s.stage));
                ctx.session_token = Some(token);
            }
            Ok(None) => {}
            Err(e) => return internal(e.to_string(), &path),
        }
    }

    // Language: ?lang= > cookie > the user's setting > Dutch.
    let lang_param = query_param(&parts.uri, "lang").and_then(|l| i18n::normalize(&l));
    ctx.lang = lang_param
        .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(|l| i18n::normalize(&l)))
        .or_else(|| ctx.user.as_ref().and_then(|u| i18n::normalize(&u.lang)))
        .unwrap_or("nl")
        .to_string();
    ctx.nav = navigation(&ctx, &state.settings.module_nav);
    if !is_api(&path) {
        match crate::theme::current(&state.db).await {
            Ok(t) => ctx.theme = t,
            Err(e) => return internal(e.to_string(), &path),
        }
    }
    if let (Some(u), false) = (&ctx.user, is_api(&path)) {
        match crate::notify::unread(&state.db, &u.user_id).await {
            Ok(n) => ctx.unread = n,
            Err(e) => return internal(e.to_string(), &path),
        }
    }
    ctx.public_links = state
        .settings
        .public_links
        .iter()
        .map(|(href, label)| NavItem {
            href,
            label: label(&ctx.lang),
            current: false,
        })
        .collect();

    // A NUL in the path or query string is the client's mistake (PostgreSQL cannot store it).
    if input::encoded_has_nul(parts.uri.path().as_bytes())
        || parts
            .uri
            .query()
            .is_some_and(|q| input::encoded_has_nul(q.as_bytes()))
    {
        return finish(nul_refused(&ctx, &path), &csp, new_csrf, lang_param, &path);
    }

    // CSRF: every state-changing request made with cookies must carry the token. An API request
    // without any cookie carries no ambient credentials, so there is nothing to forge (public API).
    // Only the methods Baken's routes change state with; any other (TRACE, CONNECT, …) has no
    // route and is answered 405 by the router.
    let unsafe_method = matches!(
        parts.method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let cookieless_api = is_api(&path) && !parts.headers.contains_key(header::COOKIE);
    let body = if unsafe_method && !ctx.via_token && !cookieless_api {
        let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
            Ok(b) => b,
            Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        };
        let sent = csrf_from_request(&parts.headers, &bytes);
        let ok = sent.is_some_and(|s| {
            subtle::ConstantTimeEq::ct_eq(s.as_bytes(), ctx.csrf.as_bytes()).into()
        }) && new_csrf.is_none();
        if !ok {
            let r = if is_api(&path) {
                api::problem(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "CSRF token missing or wrong",
                    None,
                )
            } else {
                error_page(&ctx, StatusCode::FORBIDDEN, "error-csrf")
            };
            return finish(r, &csp, new_csrf, lang_param, &path);
        }
        if input::body_has_nul(&parts.headers, &bytes) {
            return finish(nul_refused(&ctx, &path), &csp, new_csrf, lang_param, &path);
        }
        Body::from(bytes)
    } else {
        body
    };

    parts.extensions.insert(ctx.clone());
    let method = parts.method.clone();
    let response = next.run(Request::from_parts(parts, body)).await;
    if response.status() == StatusCode::FORBIDDEN
        && response.extensions().get::<DenialRecorded>().is_none()
    {
        if let Err(e) = record_gate_refusal(&state, &ctx, &method, &path).await {
            return finish(internal(e, &path), &csp, new_csrf, lang_param, &path);
        }
    }
    let response = match response.extensions().get::<ErrorPage>().copied() {
        Some(ErrorPage(status)) => {
            let key = match status {
                StatusCode::NOT_FOUND => "error-404",
                StatusCode::FORBIDDEN => "error-403",
                StatusCode::BAD_REQUEST => "error-400",
                StatusCode::CONFLICT => "error-409",
                StatusCode::UNPROCESSABLE_ENTITY => "error-422",
                _ => "error-500",
            };
            error_page(&ctx, status, key)
        }
        None => plain_rejection(response, &ctx, &path).await,
    };
    finish(response, &csp, new_csrf, lang_param, &path)
}

/// Every gate is a decision: a 403 that no access decision recorded (a role check in a
/// handler) is written to the audit log here, naming the route as the resource.
async fn record_gate_refusal(
    state: &AppState,
    ctx: &Ctx,
    method: &axum::http::Method,
    path: &str,
) -> Result<(), String> {
    let Some(p) = ctx.user.as_ref() else {
        return Ok(());
    };
    let action = match *method {
        axum::http::Method::GET | axum::http::Method::HEAD => crate::access::Action::Read,
        axum::http::Method::DELETE => crate::access::Action::Delete,
        _ => crate::access::Action::Update,
    };
    match crate::access::deny(
        &state.db,
        &ctx.request,
        p,
        action,
        &crate::access::Route(path.to_string()),
        crate::access::Purpose::Uitvoering,
        "role-not-allowed",
    )
    .await
    {
        AccessError::Db(e) => Err(e.to_string()),
        AccessError::Forbidden(_) => Ok(()),
    }
}

/// The answer to a request with a NUL in one of its strings: 400, as problem+json for the API.
fn nul_refused(ctx: &Ctx, path: &str) -> Response {
    if is_api(path) {
        api::problem(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            Some(
                "a parameter contains a NUL character (U+0000), which Baken does not accept".into(),
            ),
        )
    } else {
        error_page(ctx, StatusCode::BAD_REQUEST, "error-nul")
    }
}

/// Axum's extractors answer input they cannot read (a page number beyond any integer, a path
/// segment that is not UTF-8) with a plain-text 4xx; the person gets the error page in their
/// language and an API client problem+json instead.
async fn plain_rejection(response: Response, ctx: &Ctx, path: &str) -> Response {
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/plain"));
    if !plain
        || !matches!(
            status,
            StatusCode::BAD_REQUEST
                | StatusCode::PAYLOAD_TOO_LARGE
                | StatusCode::UNSUPPORTED_MEDIA_TYPE
                | StatusCode::UNPROCESSABLE_ENTITY
        )
    {
        return response;
    }
    if is_api(path) {
        let detail = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .ok();
        api::problem(status, "bad-request", "Bad request", detail)
    } else {
        error_page(ctx, status, "error-400")
    }
}

fn internal(e: String, path: &str) -> Response {
    tracing::error!(error = %e, "request context");
    if is_api(path) {
        api::problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            None,
        )
    } else {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Interne fout / internal error",
        )
            .into_response()
    }
}

fn error_page(ctx: &Ctx, status: StatusCode, key: &str) -> Response {
    let shell = Shell::new(ctx, &format!("{key}-title"));
    let page = ErrorTemplate {
        message: ctx.t(key),
        status: status.as_u16(),
        shell,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

fn csrf_from_request(headers: &HeaderMap, body: &Bytes) -> Option<String> {
    if let Some(h) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return Some(h.to_string());
    }
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ctype.starts_with("application/x-www-form-urlencoded") {
        return serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v);
    }
    if ctype.starts_with("multipart/form-data") {
        // The token is the value of the part named "csrf".
        let text = String::from_utf8_lossy(body);
        let start = text.find("name=\"csrf\"")?;
        let rest = &text[start..];
        let value_start = rest.find("\r\n\r\n")? + 4;
        let value = &rest[value_start..];
        let end = value.find("\r\n")?;
        return Some(value[..end].to_string());
    }
    None
}

fn finish(
    mut r: Response,
    csp: &str,
    new_csrf: Option<String>,
    lang: Option<&str>,
    path: &str,
) -> Response {
    let h = r.headers_mut();
    // A handler may set a stricter policy of its own (the uploaded logo: nothing runs at all).
    if !h.contains_key("content-security-policy") {
        if let Ok(v) = HeaderValue::from_str(csp) {
            h.insert("content-security-policy", v);
        }
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(self)"),
    );
    if !path.starts_with("/static/") {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(c) = new_csrf {
        h.append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, &c, None));
    }
    if let Some(l) = lang {
        h.append(
            header::SET_COOKIE,
            set_cookie(LANG_COOKIE, l, Some(365 * 86_400)),
        );
    }
    r
}

/// The whole web application: the platform's and the modules' pages (`pages`) and API
/// (`api`, documented in the OpenAPI document), static files and the health check.
pub fn router(
    state: AppState,
    pages: Router<AppState>,
    api: utoipa_axum::router::OpenApiRouter<AppState>,
) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(notify_pages::routes())
        .merge(role_pages::routes())
        .merge(api::routes(api))
        .merge(pages)
        .route("/static/{*path}", axum::routing::get(assets::serve))
        .merge(theme_pages::routes())
        .fallback(fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            shell_middleware,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

async fn fallback(req: Request) -> Response {
    if is_api(req.uri().path()) {
        api::problem(StatusCode::NOT_FOUND, "not-found", "No such resource", None)
    } else {
        WebError::NotFound.into_response()
    }
}

#[cfg(test)]
mod map_tests {
    use super::*;

    #[test]
    fn the_csp_admits_the_tile_host_and_nothing_else_of_its_url() {
        assert_eq!(
            MapTiles::default().origin().as_deref(),
            Some("https://service.pdok.nl")
        );
        let local = MapTiles {
            url: "http://127.0.0.1:41234/tegels/{z}/{x}/{y}.png".into(),
            attribution: String::new(),
        };
        assert!(content_security_policy(&local)
            .contains("img-src 'self' data: http://127.0.0.1:41234;"));
        assert_eq!(origin_of("/static/tegels/{z}/{x}/{y}.png"), None);
        assert_eq!(origin_of("javascript://x"), None);
        assert_eq!(origin_of("https://a.nl; script-src *"), None);
    }
}
