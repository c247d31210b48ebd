//! Black-box tests: the real app on port 0, over HTTP, on SQLite — or on PostgreSQL when
//! `BAKEN_TEST_DATABASE_URL` is set (a fresh database per test).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "app/access.rs"]
mod access;
#[path = "app/accounts.rs"]
mod accounts;
#[path = "app/beleid.rs"]
mod beleid;
#[path = "app/bibob.rs"]
mod bibob;
#[path = "app/crisis.rs"]
mod crisis;
#[path = "app/dossiers.rs"]
mod dossiers;
#[path = "app/maatregelen.rs"]
mod maatregelen;
#[path = "app/meldingen.rs"]
mod meldingen;
#[path = "app/meldingen_kaart.rs"]
mod meldingen_kaart;
#[path = "app/monitor.rs"]
mod monitor;
#[path = "app/ondermijning.rs"]
mod ondermijning;
#[path = "app/preventie.rs"]
mod preventie;
#[path = "app/uploads.rs"]
mod uploads;

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use platform::access::Role;
use platform::db::{Backend, Db};
use platform::identity::{self, LoginPolicy, NewUser, SessionPolicy};
use reqwest::header::{HeaderMap, COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use sqlx::Row;

const PASSWORD: &str = "lang genoeg wachtwoord";

/// A database for one test: a temporary SQLite file, or a new PostgreSQL database.
struct TestDb {
    url: String,
    _dir: Option<TempDir>,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> TempDir {
    let dir = std::env::temp_dir().join(format!("baken-test-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// The audit key of every test server, and (through the environment, which the `baken`
/// commands the tests start inherit) of every command.
const TEST_AUDIT_KEY: [u8; 32] = [9; 32];

fn set_audit_key_env() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    let hex: String = TEST_AUDIT_KEY.iter().map(|b| format!("{b:02x}")).collect();
    ONCE.call_once(|| std::env::set_var("BAKEN_AUDIT_KEY", hex));
}

async fn test_db() -> TestDb {
    set_audit_key_env();
    match std::env::var("BAKEN_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let name = format!("baken_t_{}", uuid::Uuid::now_v7().simple());
            let admin = Db::connect(&base)
                .await
                .expect("connect to BAKEN_TEST_DATABASE_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(admin.pool())
                .await
                .unwrap();
            // A test database need not survive a crash: no waiting for each commit's flush.
            sqlx::query(&format!(
                "ALTER DATABASE {name} SET synchronous_commit = off"
            ))
            .execute(admin.pool())
            .await
            .unwrap();
            admin.close().await;
            let url = match base.rsplit_once('/') {
                Some((prefix, _)) => format!("{prefix}/{name}"),
                None => panic!("BAKEN_TEST_DATABASE_URL needs a database name"),
            };
            TestDb { url, _dir: None }
        }
        _ => {
            let dir = temp_dir();
            let url = format!("sqlite://{}", dir.0.join("baken.db").display());
            TestDb {
                url,
                _dir: Some(dir),
            }
        }
    }
}

struct App {
    base: String,
    db: Db,
    _test_db: TestDb,
}

fn fast_login() -> LoginPolicy {
    LoginPolicy {
        lock_after_failures: 5,
        lock_minutes: 15,
        base_delay_ms: 1,
        max_delay_ms: 5,
        ..LoginPolicy::default()
    }
}

async fn spawn_app_with(session: SessionPolicy) -> App {
    spawn_app_with_login(session, fast_login()).await
}

async fn spawn_app_with_login(session: SessionPolicy, login: LoginPolicy) -> App {
    spawn_app_configured(session, login, |_| {}).await
}

/// A test server with its options changed by `configure` (e.g. a geocoder or tile source).
async fn spawn_app_configured(
    session: SessionPolicy,
    login: LoginPolicy,
    configure: impl FnOnce(&mut baken::ServerOptions),
) -> App {
    let test_db = test_db().await;
    let db = Db::connect(&test_db.url).await.unwrap();
    db.set_audit_key(platform::db::AuditKey::from_bytes(TEST_AUDIT_KEY));
    baken::prepare(&db).await.unwrap();
    let options = baken::ServerOptions {
        session,
        login,
        smtp: None,
        public_rate_limit: 0,
        trusted_proxies: vec![std::net::IpAddr::from([127, 0, 0, 1])],
        data_key: Some(platform::secrets::DataKey::from_bytes([7; 32])),
        public_url: Some("https://baken.test".into()),
        audit_checkpoints: None,
        map_tiles: platform::web::MapTiles::default(),
        geocoder_url: None,
    };
    let mut options = options;
    configure(&mut options);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = baken::app(db.clone(), &options);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    App {
        base,
        db,
        _test_db: test_db,
    }
}

async fn spawn_app() -> App {
    spawn_app_with(SessionPolicy::default()).await
}

impl App {
    async fn org_id(&self, slug: &str) -> String {
        identity::organisation_by_slug(&self.db, slug)
            .await
            .unwrap()
            .id
    }

    /// A browser logged in as a new account with `role` in organisation `org` (with two-factor
    /// authentication, which every role but raadslid needs).
    async fn browser_as(&self, email: &str, org: &str, role: Role) -> Browser {
        let (_, secret) = self.user(email, org, role, true).await;
        let mut b = Browser::new(self);
        b.login(email, PASSWORD, secret.as_deref()).await;
        b
    }

    /// Creates an account; with `totp` a known secret is set, as after enrolment.
    async fn user(
        &self,
        email: &str,
        org: &str,
        role: Role,
        totp: bool,
    ) -> (String, Option<String>) {
        let organisation_id = self.org_id(org).await;
        let mut tx = self.db.begin().await.unwrap();
        let id = identity::create_user(
            &mut tx,
            &NewUser {
                email: email.into(),
                name: format!("Test {email}"),
                organisation_id,
                roles: vec![role],
                password: Some(PASSWORD.into()),
            },
        )
        .await
        .unwrap();
        let secret = totp.then(platform::secrets::new_totp_secret);
        if let Some(s) = &secret {
            identity::set_totp_secret_unchecked(&mut tx, &id, s)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        (id, secret)
    }

    async fn audit_rows(&self, where_sql: &str) -> Vec<sqlx::any::AnyRow> {
        sqlx::query(&format!(
            "SELECT * FROM audit_log WHERE {where_sql} ORDER BY seq"
        ))
        .fetch_all(self.db.pool())
        .await
        .unwrap()
    }
}

fn totp_now(secret: &str) -> String {
    let step = jiff::Timestamp::now().as_second() / 30;
    platform::secrets::totp_code(&platform::secrets::base32_decode(secret).unwrap(), step)
}

/// A browser-like client: keeps cookies (also `Secure` ones over plain HTTP, as browsers do on
/// loopback), follows no redirects, and knows the CSRF token of the last page.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> Option<String> {
        self.headers
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

impl Browser {
    fn new(app: &App) -> Self {
        Self::with_headers(app, HeaderMap::new())
    }

    /// A browser at another client address: the test server trusts 127.0.0.1 as its proxy, so
    /// it takes the client from X-Forwarded-For.
    fn at(app: &App, client: &str) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", client.parse().unwrap());
        Self::with_headers(app, headers)
    }

    fn with_headers(app: &App, headers: HeaderMap) -> Self {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .unwrap(),
            base: app.base.clone(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn take(&mut self, r: reqwest::Response) -> Page {
        for v in r.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let status = r.status();
        let headers = r.headers().clone();
        let body = r.text().await.unwrap();
        Page {
            status,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.take(r).await
    }

    /// A GET whose body is binary (a PDF, a file): status, headers and bytes.
    async fn get_bytes(&mut self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        let (status, headers) = (r.status(), r.headers().clone());
        (status, headers, r.bytes().await.unwrap().to_vec())
    }

    fn csrf(&self) -> String {
        self.cookies
            .get("__Host-baken_csrf")
            .cloned()
            .unwrap_or_default()
    }

    /// Posts a form, adding the CSRF token as a page's hidden field would.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf();
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &csrf));
        self.post_raw(path, &form).await
    }

    async fn post_raw(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.take(r).await
    }

    fn session(&self) -> Option<String> {
        self.cookies.get("__Host-baken_session").cloned()
    }

    /// Logs in with password and, if asked, the TOTP code; returns the final page.
    async fn login(&mut self, email: &str, password: &str, totp: Option<&str>) -> Page {
        self.get("/inloggen").await;
        let page = self
            .post("/inloggen", &[("email", email), ("password", password)])
            .await;
        match (page.location().as_deref(), totp) {
            (Some("/inloggen/tweestaps"), Some(secret)) => {
                let code = totp_now(secret);
                self.post("/inloggen/tweestaps", &[("code", &code)]).await
            }
            _ => page,
        }
    }
}

/// The text of a tagged PDF as pdftotext reads it (poppler-utils, installed by .ci/run), its
/// pages and what pdfinfo says of it.
fn read_pdf(bytes: &[u8]) -> (String, usize, String) {
    let dir = std::env::temp_dir().join(format!("baken-pdf-{}", platform::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("r.pdf");
    std::fs::write(&file, bytes).unwrap();
    let run = |cmd: &str, args: &[&str]| {
        let out = std::process::Command::new(cmd)
            .args(args)
            .arg(&file)
            .args(if cmd == "pdftotext" {
                &["-"][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap_or_else(|e| panic!("{cmd} (poppler-utils) is needed: {e}"));
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = run("pdftotext", &["-layout"]);
    let info = run("pdfinfo", &[]);
    assert!(info.contains("Tagged:          yes"), "{info}");
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    (text, pages, info)
}

#[tokio::test]
async fn health_reports_the_backend() {
    let app = spawn_app().await;
    let r = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["database"], app.db.backend().name());
    assert!(!v["version"].as_str().unwrap().is_empty());
    app.db.close().await;
    let r = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(r.status(), 503, "a closed database is reported, not hidden");
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_language() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let page = b.get("/inloggen").await;
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["referrer-policy"], "no-referrer");
    assert!(page.body.contains("<html lang=\"nl\">"));
    assert!(page.body.contains("Direct naar de inhoud"));
    let cookie = page.headers[SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-baken_csrf=")
            && cookie.contains("Secure")
            && cookie.contains("HttpOnly")
    );
    let en = b.get("/inloggen?lang=en").await;
    assert!(
        en.body.contains("<html lang=\"en\">")
            && en.body.contains("Log in with your e-mail address")
    );
    let missing = b.get("/bestaat-niet").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<title>") && missing.body.contains("baken-skip-link"));
}

#[tokio::test]
async fn login_without_second_factor_for_a_council_member_and_logout() {
    let app = spawn_app().await;
    app.user("raad@example.nl", "vijfheerenlanden", Role::Raadslid, false)
        .await;
    let mut b = Browser::new(&app);
    let page = b.login("raad@example.nl", PASSWORD, None).await;
    assert_eq!(page.location().as_deref(), Some("/"));
    let home = b.get("/").await;
    assert!(home.body.contains("Test raad@example.nl"), "{}", home.body);
    assert!(
        !home.body.contains("/audit\""),
        "no audit link for a council member"
    );
    let token = b.session().unwrap();
    let out = b.post("/uitloggen", &[]).await;
    assert_eq!(out.location().as_deref(), Some("/inloggen?uitgelogd=1"));
    assert!(b.session().is_none());
    // The old session id no longer works.
    b.cookies.insert("__Host-baken_session".into(), token);
    let home = b.get("/account").await;
    assert_eq!(home.location().as_deref(), Some("/inloggen"));
    let actions: Vec<String> = app
        .audit_rows("resource_type = 'session'")
        .await
        .iter()
        .map(|r| r.try_get::<String, _>("action").unwrap())
        .collect();
    assert!(
        actions.contains(&"login-password".to_string()) && actions.contains(&"logout".to_string())
    );
}

#[tokio::test]
async fn login_with_second_factor_rotates_the_session_and_refuses_a_replayed_code() {
    let app = spawn_app().await;
    let (_, secret) = app
        .user("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv, true)
        .await;
    let secret = secret.unwrap();
    let mut b = Browser::new(&app);
    b.get("/inloggen").await;
    let page = b
        .post(
            "/inloggen",
            &[("email", "IV@example.nl "), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.location().as_deref(), Some("/inloggen/tweestaps"));
    let pending = b.session().unwrap();
    // A half-finished login sees nothing.
    assert_eq!(
        b.get("/gebruikers").await.location().as_deref(),
        Some("/inloggen")
    );
    let wrong = b.post("/inloggen/tweestaps", &[("code", "000000")]).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("Deze code klopt niet"));
    let code = totp_now(&secret);
    let ok = b.post("/inloggen/tweestaps", &[("code", &code)]).await;
    assert_eq!(ok.location().as_deref(), Some("/"));
    let complete = b.session().unwrap();
    assert_ne!(
        pending, complete,
        "session id rotates when the login completes"
    );
    assert_eq!(b.get("/").await.status, 200);
    // The pending session is gone.
    let mut old = Browser::new(&app);
    old.cookies.insert("__Host-baken_session".into(), pending);
    assert_eq!(
        old.get("/inloggen/tweestaps").await.location().as_deref(),
        Some("/inloggen")
    );
    // The same code cannot be used for a second login.
    let mut c = Browser::new(&app);
    c.get("/inloggen").await;
    c.post(
        "/inloggen",
        &[("email", "iv@example.nl"), ("password", PASSWORD)],
    )
    .await;
    let replay = c.post("/inloggen/tweestaps", &[("code", &code)]).await;
    assert_eq!(replay.status, 422, "a TOTP code is accepted once");
}

#[tokio::test]
async fn accounts_that_see_personal_data_must_enrol_a_second_factor() {
    let app = spawn_app().await;
    app.user(
        "nieuw@example.nl",
        "vijfheerenlanden",
        Role::Handhaver,
        false,
    )
    .await;
    let mut b = Browser::new(&app);
    let page = b.login("nieuw@example.nl", PASSWORD, None).await;
    assert_eq!(page.location().as_deref(), Some("/account/tweestaps"));
    assert_eq!(
        b.get("/").await.location().as_deref(),
        Some("/inloggen/tweestaps")
    );
    let enrol = b.get("/account/tweestaps").await;
    assert!(enrol.body.contains("<svg"), "QR code as SVG");
    let secret = enrol
        .body
        .split("name=\"secret\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let before = b.session().unwrap();
    let done = b
        .post(
            "/account/tweestaps",
            &[("secret", &secret), ("code", &totp_now(&secret))],
        )
        .await;
    assert_eq!(done.status, 200);
    let codes: Vec<String> = done
        .body
        .split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes shown once");
    assert_ne!(b.session().unwrap(), before);
    assert_eq!(b.get("/").await.status, 200);
    // A recovery code works once as the second factor.
    let mut c = Browser::new(&app);
    c.get("/inloggen").await;
    c.post(
        "/inloggen",
        &[("email", "nieuw@example.nl"), ("password", PASSWORD)],
    )
    .await;
    let r = c.post("/inloggen/tweestaps", &[("code", &codes[0])]).await;
    assert_eq!(r.location().as_deref(), Some("/"));
    let mut d = Browser::new(&app);
    d.get("/inloggen").await;
    d.post(
        "/inloggen",
        &[("email", "nieuw@example.nl"), ("password", PASSWORD)],
    )
    .await;
    let r = d.post("/inloggen/tweestaps", &[("code", &codes[0])]).await;
    assert_eq!(r.status, 422, "a recovery code is used up");
    assert_eq!(app.audit_rows("action = 'enrol-2fa'").await.len(), 1);
}

#[tokio::test]
async fn repeated_failures_lock_the_client_out_of_the_account() {
    let app = spawn_app().await;
    app.user("doel@example.nl", "vijfheerenlanden", Role::Raadslid, false)
        .await;
    let mut b = Browser::new(&app);
    b.get("/inloggen").await;
    for i in 0..4 {
        let p = b
            .post(
                "/inloggen",
                &[
                    ("email", "doel@example.nl"),
                    ("password", "fout-wachtwoord"),
                ],
            )
            .await;
        assert_eq!(p.status, 422, "attempt {i}");
        assert!(p.body.contains("klopt niet"));
    }
    let p = b
        .post(
            "/inloggen",
            &[
                ("email", "doel@example.nl"),
                ("password", "fout-wachtwoord"),
            ],
        )
        .await;
    assert!(
        p.body.contains("tijdelijk geblokkeerd"),
        "fifth failure locks"
    );
    let p = b.login("doel@example.nl", PASSWORD, None).await;
    assert_eq!(
        p.status, 422,
        "the right password does not open the account for the locked-out client"
    );
    assert!(p.body.contains("tijdelijk geblokkeerd"));
    assert_eq!(app.audit_rows("action = 'lock-client'").await.len(), 1);
    assert_eq!(
        app.audit_rows("action = 'login' AND outcome = 'failure'")
            .await
            .len(),
        6
    );
    // An unknown account answers exactly like a wrong password.
    let p = b
        .post(
            "/inloggen",
            &[("email", "niemand@example.nl"), ("password", "x")],
        )
        .await;
    assert!(p
        .body
        .contains("Het e-mailadres of het wachtwoord klopt niet"));
}

#[tokio::test]
async fn sessions_end_after_the_idle_time() {
    let app = spawn_app_with(SessionPolicy {
        idle_ms: 1_000,
        absolute_ms: 3_600_000,
        ..SessionPolicy::default()
    })
    .await;
    app.user("kort@example.nl", "vijfheerenlanden", Role::Raadslid, false)
        .await;
    let mut b = Browser::new(&app);
    b.login("kort@example.nl", PASSWORD, None).await;
    assert_eq!(b.get("/account").await.status, 200);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        b.get("/account").await.location().as_deref(),
        Some("/inloggen")
    );
}

#[tokio::test]
async fn state_changing_requests_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    app.user("csrf@example.nl", "vijfheerenlanden", Role::Raadslid, false)
        .await;
    let mut b = Browser::new(&app);
    b.get("/inloggen").await;
    let p = b
        .post_raw(
            "/inloggen",
            &[("email", "csrf@example.nl"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 403);
    assert!(p.body.contains("Formulier verlopen"));
    let p = b
        .post_raw(
            "/inloggen",
            &[
                ("email", "csrf@example.nl"),
                ("password", PASSWORD),
                ("csrf", "x".repeat(43).as_str()),
            ],
        )
        .await;
    assert_eq!(p.status, 403);
    b.login("csrf@example.nl", PASSWORD, None).await;
    let p = b.post_raw("/uitloggen", &[]).await;
    assert_eq!(p.status, 403, "logout needs the token too");
    assert_eq!(b.get("/account").await.status, 200, "still logged in");
    // A cookie-authenticated API write needs the header.
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/organisations", app.base))
        .header(COOKIE, b.cookie_header())
        .json(&serde_json::json!({"slug": "x", "name": "X", "kind": "partner"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

async fn api_get(app: &App, path: &str, auth: Option<&str>) -> reqwest::Response {
    let mut r = reqwest::Client::new().get(format!("{}{path}", app.base));
    if let Some(a) = auth {
        r = r.header("authorization", a);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn api_answers_401_problem_for_missing_malformed_unknown_and_expired_tokens() {
    let app = spawn_app().await;
    let (id, _) = app
        .user("api@example.nl", "vijfheerenlanden", Role::Beheerder, true)
        .await;
    // An expired token, made through the store with an expiry in the past.
    let p = identity::load_principal(&app.db, &id)
        .await
        .unwrap()
        .unwrap();
    let ctx = platform::access::RequestContext::new("cli");
    let auth = platform::access::authorize(
        &app.db,
        &ctx,
        &p,
        platform::access::Action::Create,
        platform::access::ApiTokens {
            user_id: id.clone(),
        },
        platform::access::Purpose::EigenGegevens,
    )
    .await
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let expired = identity::create_token(&mut tx, &auth, "oud", Some(1))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let fake = format!("{}{}", identity::TOKEN_PREFIX, "A".repeat(43));
    let cases = [
        (None, "no token"),
        (Some("Bearer".to_string()), "malformed"),
        (Some("Basic abc".to_string()), "malformed"),
        (Some("Bearer nonsense".to_string()), "malformed"),
        (Some(format!("Bearer {fake}")), "unknown"),
        (Some(format!("Bearer {expired}")), "expired"),
    ];
    for (header, why) in cases {
        let r = api_get(&app, "/api/v1/me", header.as_deref()).await;
        assert_eq!(r.status(), 401, "{why}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{why}"
        );
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["status"], 401);
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains(why.split(' ').next().unwrap()),
            "{why}: {body}"
        );
    }
    let r = api_get(&app, "/api/v1/nope", None).await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

/// Creates a token with the real CLI.
fn cli_token(app: &App, email: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["token", "create", "--user", email, "--name", "test"])
        .env("BAKEN_DATABASE_URL", &app._test_db.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test]
async fn api_validates_input_naming_the_field() {
    let app = spawn_app().await;
    app.user(
        "admin@example.nl",
        "vijfheerenlanden",
        Role::Beheerder,
        true,
    )
    .await;
    let token = cli_token(&app, "admin@example.nl");
    let client = reqwest::Client::new();
    let post = |body: String| {
        client
            .post(format!("{}/api/v1/organisations", app.base))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let r = post(r#"{"slug":"Fout Slug","name":"","kind":"partner"}"#.into())
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["slug", "name"]);
    let r = post(r#"{"slug":"x","kind":"partner"}"#.into())
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "name");
    let r = post("{not json".into()).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = post(r#"{"slug":"nieuwe-partner","name":"Nieuwe partner","kind":"partner"}"#.into())
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let r = post(r#"{"slug":"nieuwe-partner","name":"Dubbel","kind":"partner"}"#.into())
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a taken slug is the client's mistake");
    let r = api_get(
        &app,
        "/api/v1/users?limit=0",
        Some(&format!("Bearer {token}")),
    )
    .await;
    assert_eq!(r.status(), 422);
}

/// A memo is read once, read again after `forget`, and a load during which the data changed
/// serves its caller but is not kept.
#[tokio::test]
async fn memo_is_read_again_after_forget_and_a_racing_load_is_not_kept() {
    use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
    let app = spawn_app().await;
    let loads = AtomicU32::new(0);
    let load = || async { Ok::<_, std::convert::Infallible>(loads.fetch_add(1, SeqCst)) };
    assert_eq!(*app.db.memo("test", load).await.unwrap(), 0);
    assert_eq!(*app.db.memo("test", load).await.unwrap(), 0, "kept");
    app.db.forget("test");
    assert_eq!(*app.db.memo("test", load).await.unwrap(), 1, "read again");
    app.db.forget("test");
    let db = app.db.clone();
    let racing = app
        .db
        .memo("test", || async {
            let v = loads.fetch_add(1, SeqCst);
            db.forget("test");
            Ok::<_, std::convert::Infallible>(v)
        })
        .await
        .unwrap();
    assert_eq!(*racing, 2);
    assert_eq!(*app.db.memo("test", load).await.unwrap(), 3, "not kept");
    assert_eq!(*app.db.memo("test", load).await.unwrap(), 3);
    // Twenty requests that find no memo at once: one load, one value.
    app.db.forget("test");
    let slow = std::sync::Arc::new(AtomicU32::new(0));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (db, slow) = (app.db.clone(), slow.clone());
        tasks.push(tokio::spawn(async move {
            *db.memo("test", || async {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                Ok::<_, std::convert::Infallible>(slow.fetch_add(1, SeqCst))
            })
            .await
            .unwrap()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 0);
    }
    assert_eq!(slow.load(SeqCst), 1, "one load");
}

/// Reads from concurrent requests are audited together through the audit writer; runs of
/// entries are written with one head update: the chain stays whole and nothing is lost.
#[tokio::test]
async fn grouped_and_bulk_audit_appends_keep_the_chain_whole() {
    let app = spawn_app().await;
    let before = platform::audit::verify(&app.db).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..300 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut e = platform::audit::AuditEntry::system("test", "read", "groep");
            e.resource_id = Some(format!("r{i}"));
            platform::audit::append_grouped(&db, e).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    // More rows than one INSERT takes.
    let many: Vec<_> = (0..1200)
        .map(|i| {
            let mut e = platform::audit::AuditEntry::system("test", "read", "bulk");
            e.resource_id = Some(format!("b{i}"));
            e
        })
        .collect();
    let mut tx = app.db.begin().await.unwrap();
    let seqs = platform::audit::append_many(&mut tx, &many).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(seqs.len(), 1200);
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1));
    assert_eq!(
        platform::audit::verify(&app.db).await.unwrap(),
        before + 1500
    );
    assert_eq!(app.audit_rows("resource_type = 'groep'").await.len(), 300);
}

#[tokio::test]
async fn every_personal_data_read_and_every_denial_is_audited() {
    let app = spawn_app().await;
    let (colleague, _) = app
        .user(
            "collega@example.nl",
            "vijfheerenlanden",
            Role::Handhaver,
            true,
        )
        .await;
    app.user(
        "politie@example.nl",
        "politie-lekpoort",
        Role::Ketenpartner,
        true,
    )
    .await;
    app.user(
        "collega2@example.nl",
        "politie-lekpoort",
        Role::Ketenpartner,
        true,
    )
    .await;
    let partner = cli_token(&app, "politie@example.nl");
    let bearer = format!("Bearer {partner}");

    // A partner reads a colleague in its own organisation: allowed and audited with the subject.
    let own_org_user = identity::user_id_by_email(&app.db, "collega2@example.nl")
        .await
        .unwrap();
    let r = api_get(
        &app,
        &format!("/api/v1/users/{own_org_user}"),
        Some(&bearer),
    )
    .await;
    assert_eq!(r.status(), 200);
    let rows = app
        .audit_rows(&format!(
            "subject_id = '{own_org_user}' AND action = 'read'"
        ))
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].try_get::<String, _>("outcome").unwrap(), "allowed");
    assert_eq!(rows[0].try_get::<String, _>("origin").unwrap(), "api");
    assert_eq!(
        rows[0].try_get::<String, _>("purpose").unwrap(),
        "uitvoering"
    );

    // A partner reads a municipal account: refused, and the refusal is audited.
    let r = api_get(&app, &format!("/api/v1/users/{colleague}"), Some(&bearer)).await;
    assert_eq!(r.status(), 403);
    let rows = app.audit_rows(&format!("subject_id = '{colleague}'")).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].try_get::<String, _>("outcome").unwrap(), "denied");
    assert_eq!(
        rows[0].try_get::<String, _>("reason").unwrap(),
        "other-organisation"
    );

    // The list is filtered in SQL: only the partner's own organisation.
    let r = api_get(&app, "/api/v1/users", Some(&bearer)).await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["total"], 2);
    let emails: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert!(emails
        .iter()
        .all(|e| e.ends_with("@example.nl") && !e.starts_with("collega@")));
    assert_eq!(
        app.audit_rows("resource_type = 'user-directory'")
            .await
            .len(),
        1
    );

    // The audit log itself is closed to a partner, and that denial is audited too.
    let r = api_get(&app, "/api/v1/audit-events", Some(&bearer)).await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        app.audit_rows("resource_type = 'audit-log' AND outcome = 'denied'")
            .await
            .len(),
        1
    );

    // The web page of a user is audited the same way.
    let mut b = Browser::new(&app);
    app.user(
        "beheer@example.nl",
        "vijfheerenlanden",
        Role::Beheerder,
        false,
    )
    .await;
    let secret = platform::secrets::new_totp_secret();
    let admin = identity::user_id_by_email(&app.db, "beheer@example.nl")
        .await
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    identity::set_totp_secret_unchecked(&mut tx, &admin, &secret)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    b.login("beheer@example.nl", PASSWORD, Some(&secret)).await;
    let page = b.get(&format!("/gebruikers/{colleague}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("collega@example.nl"));
    let rows = app
        .audit_rows(&format!(
            "subject_id = '{colleague}' AND outcome = 'allowed' AND resource_type = 'user'"
        ))
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].try_get::<String, _>("purpose").unwrap(), "beheer");
    assert_eq!(rows[0].try_get::<String, _>("origin").unwrap(), "web");
}

#[tokio::test]
async fn administrators_manage_organisations_teams_users_and_roles_in_the_web_ui() {
    let app = spawn_app().await;
    let (_, secret) = app
        .user(
            "beheer@example.nl",
            "vijfheerenlanden",
            Role::Beheerder,
            true,
        )
        .await;
    let mut b = Browser::new(&app);
    b.login("beheer@example.nl", PASSWORD, secret.as_deref())
        .await;
    let list = b.get("/beheer/organisaties").await;
    assert!(list.body.contains("Politie basisteam Lekpoort") && list.body.contains("Fien Wonen"));
    // A bad form keeps the input and names the field, in the summary and next to it.
    let bad = b
        .post(
            "/beheer/organisaties",
            &[
                ("name", "Nieuwe partner"),
                ("slug", "Fout!"),
                ("kind", "partner"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Er is een probleem") && bad.body.contains("href=\"#veld-slug\""));
    assert!(
        bad.body.contains("id=\"veld-slug-fout\"") && bad.body.contains("value=\"Nieuwe partner\"")
    );
    let ok = b
        .post(
            "/beheer/organisaties",
            &[
                ("name", "Reclassering"),
                ("slug", "reclassering"),
                ("kind", "partner"),
            ],
        )
        .await;
    let org_path = ok.location().unwrap();
    assert!(org_path.starts_with("/beheer/organisaties/"));
    let team = b
        .post(
            &format!("{org_path}/teams"),
            &[("name", "Toezicht"), ("slug", "toezicht")],
        )
        .await;
    assert_eq!(team.status, 303);
    assert!(b.get(&org_path).await.body.contains("Toezicht"));
    let org_id = org_path.rsplit('/').next().unwrap().to_string();
    // A new account with a role.
    let new = b
        .post_raw(
            "/gebruikers/nieuw",
            &[
                ("name", "Rick Reclassering"),
                ("email", "rick@example.nl"),
                ("organisation", &org_id),
                ("rol", "ketenpartner"),
                ("csrf", &b.csrf()),
            ],
        )
        .await;
    let user_path = new.location().unwrap();
    let user_id = user_path.rsplit('/').next().unwrap().to_string();
    let page = b.get(&user_path).await;
    assert!(page.body.contains("Rick Reclassering") && page.body.contains("Ketenpartner"));
    // Roles change; each grant and revocation is audited.
    let r = b
        .post_raw(
            &format!("{user_path}/rollen"),
            &[
                ("rol", "ketenpartner"),
                ("rol", "auditor"),
                ("csrf", &b.csrf()),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    b.post_raw(
        &format!("{user_path}/rollen"),
        &[("rol", "auditor"), ("csrf", &b.csrf())],
    )
    .await;
    let grants = app
        .audit_rows(&format!(
            "subject_id = '{user_id}' AND action IN ('grant-role', 'revoke-role')"
        ))
        .await;
    let detail: Vec<String> = grants
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r.try_get::<String, _>("action").unwrap(),
                r.try_get::<String, _>("reason").unwrap()
            )
        })
        .collect();
    // Ketenpartner opens case files: it waits for a second administrator (asked for once at
    // creation, not again), so there is nothing to revoke; auditor is granted at once.
    assert_eq!(detail, vec!["grant-role:auditor"]);
    let requests = app
        .audit_rows(&format!(
            "subject_id = '{user_id}' AND action = 'request-role'"
        ))
        .await;
    assert_eq!(requests.len(), 1);
    assert!(requests
        .iter()
        .all(|r| r.try_get::<String, _>("reason").unwrap() == "ketenpartner"));
    // Disabling ends the account's access.
    b.post(&format!("{user_path}/status"), &[("actie", "blokkeren")])
        .await;
    let mut rick = Browser::new(&app);
    let p = rick
        .login("rick@example.nl", "een lang wachtwoord", None)
        .await;
    assert_eq!(p.status, 422);
    // Only administrators reach these pages.
    let (_, s2) = app
        .user("hh@example.nl", "vijfheerenlanden", Role::Handhaver, true)
        .await;
    let mut hh = Browser::new(&app);
    hh.login("hh@example.nl", PASSWORD, s2.as_deref()).await;
    assert_eq!(hh.get("/beheer/organisaties").await.status, 403);
    assert_eq!(hh.get("/gebruikers/nieuw").await.status, 403);
    assert_eq!(hh.get("/audit").await.status, 403);
    let nav = hh.get("/").await.body;
    assert!(!nav.contains("href=\"/beheer/organisaties\"") && !nav.contains("href=\"/audit\""));
}

#[tokio::test]
async fn auditors_search_and_export_the_log_as_csv() {
    let app = spawn_app().await;
    let (_, secret) = app
        .user("audit@example.nl", "vijfheerenlanden", Role::Auditor, true)
        .await;
    app.user("x@example.nl", "vijfheerenlanden", Role::Raadslid, false)
        .await;
    let mut other = Browser::new(&app);
    other.login("x@example.nl", "fout wachtwoord!", None).await;
    let mut b = Browser::new(&app);
    b.login("audit@example.nl", PASSWORD, secret.as_deref())
        .await;
    let page = b.get("/audit?resultaat=failure").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("x@example.nl") && page.body.contains("wrong-password"));
    let bad = b.get("/audit?van=gisteren").await;
    assert!(bad.body.contains("Vul een datum in"));
    let csv = b.get("/audit/export.csv?resultaat=failure").await;
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv
        .body
        .lines()
        .next()
        .unwrap()
        .contains("volgnummer;tijdstip"));
    assert!(csv.body.contains("\"wrong-password\""));
    assert_eq!(
        app.audit_rows("resource_type = 'audit-log' AND action = 'export'")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn the_audit_log_refuses_changes_and_verify_finds_tampering() {
    let app = spawn_app().await;
    app.user("t@example.nl", "vijfheerenlanden", Role::Raadslid, false)
        .await;
    let mut b = Browser::new(&app);
    for _ in 0..3 {
        b.login("t@example.nl", PASSWORD, None).await;
    }
    assert!(platform::audit::verify(&app.db).await.unwrap() >= 4);
    let verify = || {
        Command::new(env!("CARGO_BIN_EXE_baken"))
            .args(["audit", "verify"])
            .env("BAKEN_DATABASE_URL", &app._test_db.url)
            .output()
            .unwrap()
    };
    let out = verify();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The database itself refuses UPDATE and DELETE.
    for sql in [
        "UPDATE audit_log SET actor_name = 'x' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
    ] {
        assert!(
            sqlx::query(sql).execute(app.db.pool()).await.is_err(),
            "{sql}"
        );
    }
    // Someone with full database rights drops the protection and edits a record: verify notices.
    match app.db.backend() {
        Backend::Sqlite => {
            sqlx::query("DROP TRIGGER audit_log_no_update")
                .execute(app.db.pool())
                .await
                .unwrap();
        }
        Backend::Postgres => {
            sqlx::query("DROP TRIGGER audit_log_no_update ON audit_log")
                .execute(app.db.pool())
                .await
                .unwrap();
        }
    }
    sqlx::query("UPDATE audit_log SET actor_name = 'iemand anders' WHERE seq = 3")
        .execute(app.db.pool())
        .await
        .unwrap();
    let out = verify();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("regel 3"), "{err}");
    match platform::audit::verify(&app.db).await {
        Err(platform::audit::VerifyError::Broken { seq, .. }) => assert_eq!(seq, 3),
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

#[tokio::test]
async fn the_cli_adds_users_and_fails_with_one_clear_line() {
    let app = spawn_app().await;
    let run = |args: &[&str], stdin: &str, url: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_baken"))
            .args(args)
            .env("BAKEN_DATABASE_URL", url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let url = app._test_db.url.clone();
    let add = [
        "user",
        "add",
        "--email",
        "cli@example.nl",
        "--name",
        "Cli Gebruiker",
        "--org",
        "vijfheerenlanden",
        "--role",
        "beheerder",
        "--password-stdin",
    ];
    let out = run(&add, "een heel lang wachtwoord\n", &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = identity::load_principal(
        &app.db,
        &identity::user_id_by_email(&app.db, "cli@example.nl")
            .await
            .unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(p.roles, vec![Role::Beheerder]);
    // Bad input: a clear line, non-zero exit, no panic.
    let cases: Vec<(Vec<&str>, &str, String, &str)> = vec![
        (
            add.to_vec(),
            "een heel lang wachtwoord",
            url.clone(),
            "al in gebruik",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "y@example.nl",
                "--name",
                "Y",
                "--org",
                "nergens",
                "--role",
                "beheerder",
                "--password-stdin",
            ],
            "een heel lang wachtwoord",
            url.clone(),
            "onbekende organisatie",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "y@example.nl",
                "--name",
                "Y",
                "--org",
                "vijfheerenlanden",
                "--role",
                "koning",
                "--password-stdin",
            ],
            "een heel lang wachtwoord",
            url.clone(),
            "onbekende rol",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "y@example.nl",
                "--name",
                "Y",
                "--org",
                "vijfheerenlanden",
                "--role",
                "beheerder",
                "--password-stdin",
            ],
            "kort",
            url.clone(),
            "minstens 12 tekens",
        ),
        (
            vec!["token", "create", "--user", "niemand@example.nl"],
            "",
            url.clone(),
            "geen account",
        ),
        (
            vec!["migrate"],
            "",
            "mysql://localhost/x".into(),
            "sqlite:// or postgres://",
        ),
        (
            vec!["migrate"],
            "",
            "postgres://nobody@127.0.0.1:1/none".into(),
            "cannot open the database",
        ),
        (
            vec!["--config", "/bestaat/niet.conf", "migrate"],
            "",
            url.clone(),
            "kan het configuratiebestand",
        ),
    ];
    for (args, stdin, url, expect) in cases {
        let out = run(&args, stdin, &url);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
            "{err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
}

#[tokio::test]
async fn serve_refuses_a_taken_port() {
    let test_db = test_db().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["serve", "--bind", &addr])
        .env("BAKEN_DATABASE_URL", &test_db.url)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("al in gebruik"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[tokio::test]
async fn jobs_are_claimed_once_retried_and_finished() {
    let app = spawn_app().await;
    use platform::jobs;
    let id = jobs::enqueue(&app.db, "test.werk", &serde_json::json!({"n": 1}), None, 2)
        .await
        .unwrap();
    let first = jobs::claim(&app.db, "a", 60_000).await.unwrap().unwrap();
    assert_eq!(first.id, id);
    assert!(
        jobs::claim(&app.db, "b", 60_000).await.unwrap().is_none(),
        "a leased job is not handed out twice"
    );
    jobs::fail(&app.db, &first, "boom").await.unwrap();
    assert!(
        jobs::claim(&app.db, "b", 60_000).await.unwrap().is_none(),
        "a failed job waits for its backoff"
    );
    sqlx::query("UPDATE jobs SET run_at = 0")
        .execute(app.db.pool())
        .await
        .unwrap();
    // Concurrent claimers: exactly one gets the job.
    let (x, y) = tokio::join!(
        jobs::claim(&app.db, "x", 60_000),
        jobs::claim(&app.db, "y", 60_000)
    );
    let got: Vec<_> = [x.unwrap(), y.unwrap()].into_iter().flatten().collect();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].attempts, 2);
    jobs::fail(&app.db, &got[0], "boom again").await.unwrap();
    let row = sqlx::query("SELECT failed_at, last_error FROM jobs WHERE id = $1")
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(
        row.try_get::<Option<i64>, _>("failed_at")
            .unwrap()
            .is_some(),
        "gives up after max attempts"
    );
    // The runner runs a registered handler to completion.
    let mut runner = jobs::Runner::new();
    runner.register("test.ok", |_db, v| async move {
        if v["ok"] == true {
            Ok(())
        } else {
            Err("no".into())
        }
    });
    let ok_id = jobs::enqueue(
        &app.db,
        "test.ok",
        &serde_json::json!({"ok": true}),
        None,
        3,
    )
    .await
    .unwrap();
    assert_eq!(runner.run_due(&app.db, "r").await.unwrap(), 1);
    let row = sqlx::query("SELECT done_at FROM jobs WHERE id = $1")
        .bind(&ok_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(row.try_get::<Option<i64>, _>("done_at").unwrap().is_some());
}

#[tokio::test]
async fn full_text_search_finds_words_and_prefixes() {
    let app = spawn_app().await;
    let mut tx = app.db.begin().await.unwrap();
    platform::search::index(
        &mut tx,
        "melding",
        "1",
        "Woninginbraak Vianen",
        "Inbraak in een woning aan de Lange Dreef",
    )
    .await
    .unwrap();
    platform::search::index(
        &mut tx,
        "melding",
        "2",
        "Jeugdoverlast",
        "Groep jongeren bij het winkelcentrum",
    )
    .await
    .unwrap();
    platform::search::index(
        &mut tx,
        "dossier",
        "3",
        "Overlast",
        "Jongeren bij de school",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let ids =
        |hits: Vec<platform::search::Hit>| hits.into_iter().map(|h| h.ref_id).collect::<Vec<_>>();
    assert_eq!(
        ids(platform::search::search(&app.db, "melding", "jongeren", 10)
            .await
            .unwrap()),
        vec!["2"]
    );
    assert_eq!(
        ids(platform::search::search(&app.db, "melding", "woning", 10)
            .await
            .unwrap()),
        vec!["1"]
    );
    assert_eq!(
        ids(platform::search::search(&app.db, "melding", "winkel", 10)
            .await
            .unwrap()),
        vec!["2"],
        "prefix"
    );
    assert!(
        platform::search::search(&app.db, "melding", "\" OR 1=1 --", 10)
            .await
            .unwrap()
            .is_empty()
    );
    let mut tx = app.db.begin().await.unwrap();
    platform::search::remove(&mut tx, "melding", "2")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(platform::search::search(&app.db, "melding", "jongeren", 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn files_are_checked_and_stored_with_their_hash() {
    let app = spawn_app().await;
    let mut tx = app.db.begin().await.unwrap();
    let png = b"\x89PNG\r\n\x1a\n rest of a png";
    let f = platform::files::store(&mut tx, &platform::files::IMAGES, "../foto.png", png, None)
        .await
        .unwrap();
    assert_eq!(
        (f.content_type.as_str(), f.file_name.as_str(), f.size_bytes),
        ("image/png", "foto.png", png.len() as i64)
    );
    let err =
        platform::files::store(&mut tx, &platform::files::IMAGES, "x.png", b"<html>", None).await;
    assert!(matches!(
        err,
        Err(platform::files::FileError::Rejected(
            platform::files::FileRejection::TypeNotAllowed
        ))
    ));
    tx.commit().await.unwrap();
    let row = sqlx::query("SELECT data, sha256 FROM files WHERE id = $1")
        .bind(&f.id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(row.try_get::<Vec<u8>, _>("data").unwrap(), png.to_vec());
    assert_eq!(row.try_get::<String, _>("sha256").unwrap().len(), 64);
}

/// A real SMTP server (Python's aiosmtpd) on a free port; prints each message it receives.
fn start_smtp(port: u16) -> std::process::Child {
    Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Debugging",
            "stdout",
            "-l",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 with aiosmtpd (pip install aiosmtpd) is needed for the mail test")
}

/// A port nothing listens on yet.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Baken's mail settings for a plain SMTP server on this machine at `port`.
fn plain_smtp(port: u16) -> platform::mail::SmtpConfig {
    platform::mail::SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        from: "baken@example.nl".into(),
        ..Default::default()
    }
}

/// Delivers the whole outbox to a real SMTP server started for it and returns what the server
/// printed (every message with its headers), the soft line breaks of quoted-printable undone.
async fn deliver_outbox(app: &App) -> String {
    let port = free_port();
    let smtp = plain_smtp(port);
    let mut server = start_smtp(port);
    for _ in 0..50 {
        // Until the SMTP server listens.
        platform::mail::retry_now(&app.db).await.unwrap();
        platform::mail::deliver_due(&app.db, &smtp).await.unwrap();
        if platform::mail::pending_count(&app.db).await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server.kill().unwrap();
    String::from_utf8_lossy(&server.wait_with_output().unwrap().stdout)
        .replace("=\r\n", "")
        .replace("=\n", "")
}

#[tokio::test]
async fn mail_waits_in_the_outbox_while_smtp_is_down() {
    let app = spawn_app().await;
    let port = free_port();
    let smtp = plain_smtp(port);
    let mut tx = app.db.begin().await.unwrap();
    platform::mail::enqueue(
        &mut tx,
        "ontvanger@example.nl",
        "Melding ontvangen",
        "Dank voor uw melding.",
    )
    .await
    .unwrap();
    assert!(platform::mail::enqueue(&mut tx, "geen adres", "x", "y")
        .await
        .is_err());
    tx.commit().await.unwrap();
    let report = platform::mail::deliver_due(&app.db, &smtp).await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1), "server down: kept");
    assert_eq!(platform::mail::pending_count(&app.db).await.unwrap(), 1);
    let mut server = start_smtp(port);
    let mut delivered = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        platform::mail::retry_now(&app.db).await.unwrap();
        let r = platform::mail::deliver_due(&app.db, &smtp).await.unwrap();
        if r.sent == 1 {
            delivered = Some(r);
            break;
        }
    }
    server.kill().unwrap();
    let output = server.wait_with_output().unwrap();
    assert!(delivered.is_some(), "delivered once the server is up");
    assert_eq!(platform::mail::pending_count(&app.db).await.unwrap(), 0);
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("Subject: Melding ontvangen"), "{printed}");
}

#[tokio::test]
async fn openapi_matches_the_snapshot() {
    let doc = baken::openapi().to_pretty_json().unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openapi.snapshot.json");
    if std::env::var("BAKEN_UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(&path, &doc).unwrap();
    }
    let expected = std::fs::read_to_string(&path).expect("run once with BAKEN_UPDATE_SNAPSHOTS=1");
    assert_eq!(
        doc, expected,
        "the API changed: review and update with BAKEN_UPDATE_SNAPSHOTS=1"
    );
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert!(v["openapi"].as_str().unwrap().starts_with("3.1"));
    for p in [
        "/healthz",
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/audit-events",
    ] {
        assert!(v["paths"][p].is_object(), "{p}");
    }
    // Every operation says what it answers: authenticated ones name the bearer scheme and their
    // 401 and 403, every error is problem details.
    let mut operations = 0;
    for (path, item) in v["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let at = format!("{method} {path}");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("400"), "{at}: 400");
            if path.starts_with("/api/v1/") && !path.starts_with("/api/v1/public/") {
                assert_eq!(op["security"][0]["bearer"], serde_json::json!([]), "{at}");
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{at}"
                );
            }
            if op.get("requestBody").is_some() {
                assert!(responses.contains_key("422"), "{at}: 422");
            }
            for (status, r) in responses {
                if status.starts_with('4') {
                    assert!(
                        r["content"]["application/problem+json"].is_object(),
                        "{at} {status}"
                    );
                }
            }
        }
    }
    assert!(operations > 50, "{operations} operations");
    let app = spawn_app().await;
    let served: serde_json::Value = reqwest::get(format!("{}/api/openapi.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(served, v);
}

/// Both migration sets give the same tables and columns (backend-specific search table aside).
#[tokio::test]
async fn sqlite_and_postgres_migrations_have_the_same_tables_and_columns() {
    let Ok(pg_base) = std::env::var("BAKEN_TEST_DATABASE_URL") else {
        eprintln!("BAKEN_TEST_DATABASE_URL not set: comparing SQLite with itself is pointless, so only SQLite is checked to migrate");
        let db = test_db().await;
        let sqlite = Db::connect(&db.url).await.unwrap();
        sqlite.migrate().await.unwrap();
        return;
    };
    let dir = temp_dir();
    let sqlite = Db::connect(&format!("sqlite://{}", dir.0.join("m.db").display()))
        .await
        .unwrap();
    sqlite.migrate().await.unwrap();
    let pg_db = test_db().await;
    assert!(pg_db.url.starts_with("postgres"), "{pg_base}");
    let pg = Db::connect(&pg_db.url).await.unwrap();
    pg.migrate().await.unwrap();
    let mut lite: Vec<String> = Vec::new();
    let tables = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' AND name NOT LIKE 'search_documents%'")
        .fetch_all(sqlite.pool())
        .await
        .unwrap();
    for t in tables {
        let name: String = t.try_get("name").unwrap();
        let cols = sqlx::query(&format!("SELECT name FROM pragma_table_info('{name}')"))
            .fetch_all(sqlite.pool())
            .await
            .unwrap();
        for c in cols {
            lite.push(format!(
                "{name}.{}",
                c.try_get::<String, _>("name").unwrap()
            ));
        }
    }
    let mut post: Vec<String> = sqlx::query(
        "SELECT table_name || '.' || column_name AS c FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' AND table_name <> 'search_documents'",
    )
    .fetch_all(pg.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get::<String, _>("c").unwrap())
    .collect();
    lite.sort();
    post.sort();
    assert_eq!(lite, post);
    assert!(lite.len() > 60);
}

/// A cookie-less API request has no ambient credentials to forge, so the public API takes it
/// without a CSRF token; the same request with a cookie must carry the token.
#[tokio::test]
async fn the_public_api_takes_cookieless_posts_without_a_csrf_token() {
    let app = spawn_app().await;
    let body = serde_json::json!({"categorie": "overig", "omschrijving": "Losliggende stoeptegels bij de school", "locatie": {"lat": 51.99, "lon": 5.09}, "anoniem": true});
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/api/v1/public/meldingen", app.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let r = client
        .post(format!("{}/api/v1/public/meldingen", app.base))
        .header(COOKIE, "__Host-baken_session=gestolen")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
