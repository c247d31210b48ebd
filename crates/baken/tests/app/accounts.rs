//! Black-box tests: accounts (issue 17) — a second factor that cannot be guessed, 2FA that
//! follows the role, API tokens with a life, re-authentication, self-service passwords, secrets
//! sealed at rest, and a staff directory closed to council members.

use super::*;

/// The code of `secret` at a time step.
fn code_at(secret: &str, step: i64) -> String {
    platform::secrets::totp_code(&platform::secrets::base32_decode(secret).unwrap(), step)
}

fn step_now() -> i64 {
    jiff::Timestamp::now().as_second() / 30
}

/// A code not used before (a code is accepted once): the next step after `last`, waiting for
/// the clock when that step lies beyond the one step of drift the server allows.
async fn fresh_code(secret: &str, last: &mut i64) -> String {
    loop {
        let now = step_now();
        let step = (*last + 1).max(now);
        if step <= now + 1 {
            *last = step;
            return code_at(secret, step);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn user_row(app: &App, email: &str) -> sqlx::any::AnyRow {
    sqlx::query(
        "SELECT id, totp_secret, totp_failures, failed_logins, locked_until FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn totp_failures(app: &App, email: &str) -> i64 {
    user_row(app, email).await.try_get("totp_failures").unwrap()
}

async fn locked_until(app: &App, email: &str) -> Option<i64> {
    user_row(app, email).await.try_get("locked_until").unwrap()
}

/// Lets a temporary lock run out, as the clock would after its minutes.
async fn expire_lock(app: &App, email: &str) {
    sqlx::query("UPDATE users SET locked_until = 1 WHERE email = $1")
        .bind(email)
        .execute(app.db.pool())
        .await
        .unwrap();
}

/// A browser whose login waits for the second factor (password given).
async fn pending(app: &App, email: &str) -> Browser {
    let mut b = Browser::new(app);
    b.get("/inloggen").await;
    let p = b
        .post("/inloggen", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(
        p.location().as_deref(),
        Some("/inloggen/tweestaps"),
        "{}",
        p.body
    );
    b
}

/// An account that enrolled through the web as a person would: returns the logged-in browser,
/// the secret and the recovery codes.
async fn enrolled(app: &App, email: &str, role: Role) -> (Browser, String, Vec<String>) {
    app.user(email, "vijfheerenlanden", role, false).await;
    let mut b = Browser::new(app);
    let page = b.login(email, PASSWORD, None).await;
    assert_eq!(page.location().as_deref(), Some("/account/tweestaps"));
    let enrol = b.get("/account/tweestaps").await;
    let secret = enrol
        .body
        .split("name=\"secret\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let done = b
        .post(
            "/account/tweestaps",
            &[("secret", &secret), ("code", &code_at(&secret, step_now()))],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let codes: Vec<String> = done
        .body
        .split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10);
    (b, secret, codes)
}

async fn audit_count(app: &App, where_sql: &str) -> usize {
    app.audit_rows(where_sql).await.len()
}

#[tokio::test]
async fn wrong_codes_are_counted_apart_from_passwords_and_concurrent_guesses_cannot_clear_the_lock()
{
    let app = spawn_app().await;
    let email = "gok@example.nl";
    let (_, secret, codes) = enrolled(&app, email, Role::AdviseurIv).await;

    // Four wrong codes, then the right password again: the count of wrong codes stays.
    let mut b = pending(&app, email).await;
    for _ in 0..4 {
        let p = b.post("/inloggen/tweestaps", &[("code", "000000")]).await;
        assert_eq!(p.status, 422);
        assert!(p.body.contains("Deze code klopt niet"));
    }
    assert_eq!(totp_failures(&app, email).await, 4);
    let mut c = pending(&app, email).await;
    assert_eq!(
        totp_failures(&app, email).await,
        4,
        "a correct password does not reset the count of wrong codes"
    );
    let p = c.post("/inloggen/tweestaps", &[("code", "000001")]).await;
    assert!(
        p.body.contains("tijdelijk geblokkeerd"),
        "the fifth wrong code locks"
    );
    assert!(locked_until(&app, email).await.unwrap() > platform::db::now_ms());
    // The lock ended the pending login, and the right password does not open a locked account.
    assert_eq!(
        c.get("/inloggen/tweestaps").await.location().as_deref(),
        Some("/inloggen")
    );
    let p = Browser::new(&app).login(email, PASSWORD, None).await;
    assert!(p.body.contains("tijdelijk geblokkeerd"));

    // After the lock, many wrong codes at once: every one is counted (one statement each), and
    // no failure clears the lock another one set.
    expire_lock(&app, email).await;
    let mut browsers = Vec::new();
    for _ in 0..12 {
        browsers.push(pending(&app, email).await);
    }
    let before = audit_count(
        &app,
        "action = 'login-second-factor' AND outcome = 'failure' AND reason = 'totp'",
    )
    .await;
    let mut set = tokio::task::JoinSet::new();
    for (i, mut b) in browsers.into_iter().enumerate() {
        set.spawn(async move {
            let code = format!("{:06}", 100_000 + i);
            b.post("/inloggen/tweestaps", &[("code", &code)])
                .await
                .status
        });
    }
    while let Some(status) = set.join_next().await {
        let status = status.unwrap();
        assert!(status == 422 || status == 303, "{status}");
    }
    let counted = audit_count(
        &app,
        "action = 'login-second-factor' AND outcome = 'failure' AND reason = 'totp'",
    )
    .await
        - before;
    assert!(counted >= 5, "{counted}");
    assert_eq!(
        totp_failures(&app, email).await,
        5 + counted as i64,
        "no failure is lost to a concurrent one"
    );
    assert!(
        locked_until(&app, email).await.unwrap() > platform::db::now_ms(),
        "the lock holds"
    );
    assert!(audit_count(&app, "action = 'lock-account'").await >= 2);

    // Ten wrong codes and more: a TOTP code, even the right one, no longer opens the account.
    assert!(totp_failures(&app, email).await >= 10);
    assert_eq!(
        audit_count(&app, "action = 'require-recovery-code'").await,
        1
    );
    expire_lock(&app, email).await;
    let mut d = pending(&app, email).await;
    let p = d
        .post(
            "/inloggen/tweestaps",
            &[("code", &code_at(&secret, step_now()))],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("alleen nog een herstelcode"), "{}", p.body);
    // A recovery code does open it, and resets the count.
    let p = d.post("/inloggen/tweestaps", &[("code", &codes[0])]).await;
    assert_eq!(p.location().as_deref(), Some("/"), "{}", p.body);
    assert_eq!(totp_failures(&app, email).await, 0);
    let mut last = step_now();
    let mut e = pending(&app, email).await;
    let p = e
        .post(
            "/inloggen/tweestaps",
            &[("code", &fresh_code(&secret, &mut last).await)],
        )
        .await;
    assert_eq!(p.location().as_deref(), Some("/"), "TOTP works again");
}

/// An administrator sees the account as locked on its page and unlocks it.
async fn an_administrator_unlocks(app: &App, id: &str) {
    let mut admin = app
        .browser_as("beheer@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    let page = admin.get(&format!("/gebruikers/{id}")).await;
    assert!(page.body.contains("ontgrendelen"), "shown as locked");
    let r = admin
        .post(
            &format!("/gebruikers/{id}/status"),
            &[("actie", "ontgrendelen")],
        )
        .await;
    assert_eq!(r.status, 303);
}

#[tokio::test]
async fn an_administrator_reset_opens_an_account_after_too_many_wrong_codes() {
    let app = spawn_app().await;
    let (id, secret) = app
        .user("vast@example.nl", "vijfheerenlanden", Role::Handhaver, true)
        .await;
    let secret = secret.unwrap();
    for _ in 0..2 {
        let mut b = pending(&app, "vast@example.nl").await;
        for _ in 0..5 {
            b.post("/inloggen/tweestaps", &[("code", "999999")]).await;
        }
        expire_lock(&app, "vast@example.nl").await;
    }
    assert_eq!(totp_failures(&app, "vast@example.nl").await, 10);
    an_administrator_unlocks(&app, &id).await;
    assert_eq!(totp_failures(&app, "vast@example.nl").await, 0);
    let mut b = Browser::new(&app);
    let p = b.login("vast@example.nl", PASSWORD, Some(&secret)).await;
    assert_eq!(p.location().as_deref(), Some("/"));
}

#[tokio::test]
async fn unknown_addresses_answer_like_known_accounts_with_the_same_delays_and_lock() {
    let app = spawn_app().await;
    app.user(
        "bekend@example.nl",
        "vijfheerenlanden",
        Role::Raadslid,
        false,
    )
    .await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    let mut b = Browser::new(&app);
    b.get("/inloggen").await;
    for _ in 0..5 {
        for (email, out) in [
            ("bekend@example.nl", &mut known),
            ("onbekend@example.nl", &mut unknown),
        ] {
            let start = std::time::Instant::now();
            let p = b
                .post(
                    "/inloggen",
                    &[("email", email), ("password", "fout fout fout")],
                )
                .await;
            out.push((p.status, p.body.replace(email, "ADRES"), start.elapsed()));
        }
    }
    for (i, (k, u)) in known.iter().zip(&unknown).take(4).enumerate() {
        assert_eq!(k.0, u.0, "attempt {i}");
        // The pages differ only in the CSRF token of the form.
        let strip = |s: &str| {
            s.split("name=\"csrf\" value=\"")
                .map(|part| part.split_once('"').map_or(part, |(_, rest)| rest))
                .collect::<String>()
        };
        assert_eq!(strip(&k.1), strip(&u.1), "attempt {i}");
    }
    assert!(known[3].1.contains("klopt niet") && unknown[3].1.contains("klopt niet"));
    assert!(
        known[4].1.contains("tijdelijk geblokkeerd")
            && unknown[4].1.contains("tijdelijk geblokkeerd"),
        "the fifth failure locks an unknown address as it locks an account"
    );
    // Both spend the time of a password check on every attempt before the lock.
    let total =
        |v: &[(StatusCode, String, Duration)]| -> Duration { v[..4].iter().map(|x| x.2).sum() };
    let (k, u) = (total(&known), total(&unknown));
    assert!(
        u * 3 > k && k * 3 > u,
        "similar time: known {k:?}, unknown {u:?}"
    );
    // While locked, both answer at once with the lock.
    let p = b
        .post(
            "/inloggen",
            &[("email", "onbekend@example.nl"), ("password", "x")],
        )
        .await;
    assert!(p.body.contains("tijdelijk geblokkeerd"));
}

#[tokio::test]
async fn an_account_that_gains_a_role_that_sees_personal_data_needs_2fa_for_old_sessions_and_tokens(
) {
    let app = spawn_app().await;
    let (id, _) = app
        .user(
            "raad2@example.nl",
            "vijfheerenlanden",
            Role::Raadslid,
            false,
        )
        .await;
    let mut b = Browser::new(&app);
    b.login("raad2@example.nl", PASSWORD, None).await;
    assert_eq!(b.get("/").await.status, 200);
    // A token made without a second factor (the account has none: the password alone).
    let p = b.get("/account/tokens").await;
    assert!(p.body.contains("current_password") && !p.body.contains("name=\"code\""));
    let p = b
        .post(
            "/account/tokens",
            &[("name", "script"), ("current_password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    let token = p
        .body
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");
    assert_eq!(
        api_get(&app, "/api/v1/me", Some(&bearer)).await.status(),
        200
    );
    // The account gains a role that sees personal data, however it came by it.
    sqlx::query(
        "INSERT INTO user_roles (user_id, role, granted_by, granted_at) VALUES ($1, 'handhaver', NULL, 0)",
    )
    .bind(&id)
    .execute(app.db.pool())
    .await
    .unwrap();
    // The session now waits for a second factor: it must enrol first.
    assert_eq!(
        b.get("/account").await.location().as_deref(),
        Some("/inloggen")
    );
    assert_eq!(
        b.get("/inloggen/tweestaps").await.location().as_deref(),
        Some("/account/tweestaps")
    );
    let r = api_get(&app, "/api/v1/me", Some(&bearer)).await;
    assert_eq!(r.status(), 401, "the token that never passed 2FA stops");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let enrol = b.get("/account/tweestaps").await;
    assert_eq!(enrol.status, 200);
    let secret = enrol
        .body
        .split("name=\"secret\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let done = b
        .post(
            "/account/tweestaps",
            &[("secret", &secret), ("code", &code_at(&secret, step_now()))],
        )
        .await;
    assert_eq!(done.status, 200);
    assert_eq!(b.get("/account").await.status, 200, "enrolled and verified");
    assert_eq!(
        api_get(&app, "/api/v1/me", Some(&bearer)).await.status(),
        401,
        "the old token stays revoked"
    );
}

#[tokio::test]
async fn api_tokens_have_a_life_a_name_a_last_use_and_are_revoked_by_owner_administrator_and_account_changes(
) {
    let app = spawn_app_with(SessionPolicy {
        token_days: 7,
        ..SessionPolicy::default()
    })
    .await;
    let (id, secret) = app
        .user("tok@example.nl", "vijfheerenlanden", Role::AdviseurIv, true)
        .await;
    let secret = secret.unwrap();
    let mut b = Browser::new(&app);
    b.login("tok@example.nl", PASSWORD, Some(&secret)).await;
    let mut last = step_now();

    // Making a token asks for the password and a current code in the same form.
    let p = b.post("/account/tokens", &[("name", "koppeling")]).await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("veld-current_password-fout"), "{}", p.body);
    let p = b
        .post(
            "/account/tokens",
            &[
                ("name", "koppeling"),
                ("current_password", "niet mijn wachtwoord"),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("Dit wachtwoord klopt niet"));
    let failed: i64 = user_row(&app, "tok@example.nl")
        .await
        .try_get("failed_logins")
        .unwrap();
    assert_eq!(failed, 1, "a wrong password counts like a failed login");
    let p = b
        .post(
            "/account/tokens",
            &[
                ("name", "koppeling"),
                ("current_password", PASSWORD),
                ("code", "123456"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("veld-code-fout") && p.body.contains("Deze code klopt niet"));
    assert_eq!(
        totp_failures(&app, "tok@example.nl").await,
        1,
        "a wrong code too"
    );
    let p = b
        .post(
            "/account/tokens",
            &[
                ("name", "koppeling"),
                ("current_password", PASSWORD),
                ("code", &fresh_code(&secret, &mut last).await),
            ],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    let token = p
        .body
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    let bearer = format!("Bearer {token}");
    assert_eq!(
        api_get(&app, "/api/v1/me", Some(&bearer)).await.status(),
        200
    );

    // Stored hashed, with its name, a life of the configured 7 days and its last use.
    let row = sqlx::query("SELECT id, name, token_hash, expires_at, created_at, last_used_at FROM api_tokens WHERE user_id = $1")
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let token_id: String = row.try_get("id").unwrap();
    assert_eq!(row.try_get::<String, _>("name").unwrap(), "koppeling");
    assert_ne!(row.try_get::<String, _>("token_hash").unwrap(), token);
    let life =
        row.try_get::<i64, _>("expires_at").unwrap() - row.try_get::<i64, _>("created_at").unwrap();
    assert!((life - 7 * 86_400_000).abs() < 60_000, "{life}");
    assert!(row
        .try_get::<Option<i64>, _>("last_used_at")
        .unwrap()
        .is_some());
    let account = b.get("/account").await;
    assert!(account.body.contains("koppeling") && account.body.contains("Intrekken"));

    // The owner revokes it.
    let r = b
        .post(&format!("/account/tokens/{token_id}/intrekken"), &[])
        .await;
    assert_eq!(r.location().as_deref(), Some("/account"));
    assert_eq!(
        api_get(&app, "/api/v1/me", Some(&bearer)).await.status(),
        401
    );

    // Someone else may not revoke a token; an administrator may, from the account's page.
    let t2 = cli_token(&app, "tok@example.nl");
    let t2_bearer = format!("Bearer {t2}");
    let t2_id: String =
        sqlx::query("SELECT id FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL")
            .bind(&id)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
    let mut other = app
        .browser_as("collega@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    let r = other
        .post(&format!("/gebruikers/{id}/tokens/{t2_id}/intrekken"), &[])
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        api_get(&app, "/api/v1/me", Some(&t2_bearer)).await.status(),
        200
    );
    let mut admin = app
        .browser_as("beheer@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    let page = admin.get(&format!("/gebruikers/{id}")).await;
    assert!(page
        .body
        .contains(&format!("/gebruikers/{id}/tokens/{t2_id}/intrekken")));
    let r = admin
        .post(&format!("/gebruikers/{id}/tokens/{t2_id}/intrekken"), &[])
        .await;
    assert_eq!(r.location(), Some(format!("/gebruikers/{id}")));
    assert_eq!(
        api_get(&app, "/api/v1/me", Some(&t2_bearer)).await.status(),
        401
    );

    // An expired token is a 401 problem.
    let t3 = cli_token(&app, "tok@example.nl");
    sqlx::query("UPDATE api_tokens SET expires_at = 1 WHERE user_id = $1 AND revoked_at IS NULL")
        .bind(&id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let r = api_get(&app, "/api/v1/me", Some(&format!("Bearer {t3}"))).await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("expired"));

    // All tokens stop when the account is disabled (and stay stopped when it is enabled),
    // when its second factor is reset, and when it loses a role.
    for (action, undo) in [
        ("blokkeren", Some("deblokkeren")),
        ("tweestaps-resetten", None),
    ] {
        let t = cli_token(&app, "tok@example.nl");
        let tb = format!("Bearer {t}");
        assert_eq!(
            api_get(&app, "/api/v1/me", Some(&tb)).await.status(),
            200,
            "{action}"
        );
        let r = admin
            .post(&format!("/gebruikers/{id}/status"), &[("actie", action)])
            .await;
        assert_eq!(r.status, 303, "{action}");
        if let Some(undo) = undo {
            admin
                .post(&format!("/gebruikers/{id}/status"), &[("actie", undo)])
                .await;
        }
        assert_eq!(
            api_get(&app, "/api/v1/me", Some(&tb)).await.status(),
            401,
            "{action}"
        );
    }
    // (The reset took the second factor: give it one again, as enrolment would.)
    let mut tx = app.db.begin().await.unwrap();
    identity::set_totp_secret_unchecked(&mut tx, &id, &secret)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sqlx::query(
        "INSERT INTO user_roles (user_id, role, granted_by, granted_at) VALUES ($1, 'analist', NULL, 0)",
    )
    .bind(&id)
    .execute(app.db.pool())
    .await
    .unwrap();
    let t = cli_token(&app, "tok@example.nl");
    let tb = format!("Bearer {t}");
    assert_eq!(api_get(&app, "/api/v1/me", Some(&tb)).await.status(), 200);
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1 AND role = 'analist'")
        .bind(&id)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        api_get(&app, "/api/v1/me", Some(&tb)).await.status(),
        401,
        "a role taken away stops the tokens"
    );
}

#[tokio::test]
async fn changing_recovery_codes_or_the_second_factor_asks_for_password_and_code_again() {
    let app = spawn_app().await;
    let (mut b, secret, old_codes) = enrolled(&app, "her@example.nl", Role::Jurist).await;
    let mut last = step_now();
    // Recovery codes: the login, however recent, does not count.
    let p = b.get("/account/herstelcodes").await;
    assert!(p.body.contains("current_password") && p.body.contains("name=\"code\""));
    let p = b
        .post("/account/herstelcodes", &[("current_password", PASSWORD)])
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("veld-code-fout"));
    let p = b
        .post(
            "/account/herstelcodes",
            &[
                ("current_password", PASSWORD),
                ("code", &fresh_code(&secret, &mut last).await),
            ],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    let new_codes: Vec<String> = p
        .body
        .split("<code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_string())
        .collect();
    assert_eq!(new_codes.len(), 10);
    assert!(!new_codes.contains(&old_codes[1]));
    // A new authenticator: password and a code of the current secret, and one of the new.
    let page = b.get("/account/tweestaps").await;
    assert!(page.body.contains("current_password") && page.body.contains("current_code"));
    let new_secret = page
        .body
        .split("name=\"secret\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let p = b
        .post(
            "/account/tweestaps",
            &[
                ("secret", &new_secret),
                ("code", &code_at(&new_secret, step_now())),
                ("current_password", PASSWORD),
                ("current_code", "000000"),
            ],
        )
        .await;
    assert_eq!(p.status, 422);
    assert!(p.body.contains("veld-current_code-fout"));
    let p = b
        .post(
            "/account/tweestaps",
            &[
                ("secret", &new_secret),
                ("code", &code_at(&new_secret, step_now())),
                ("current_password", PASSWORD),
                ("current_code", &fresh_code(&secret, &mut last).await),
            ],
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    let stored: String = user_row(&app, "her@example.nl")
        .await
        .try_get("totp_secret")
        .unwrap();
    assert!(stored.starts_with("v1:") && !stored.contains(&new_secret));
}

#[tokio::test]
async fn users_change_their_password_and_reset_a_forgotten_one_by_a_one_time_link() {
    let app = spawn_app().await;
    let (_, secret) = app
        .user("pw@example.nl", "vijfheerenlanden", Role::Handhaver, true)
        .await;
    let secret = secret.unwrap();
    let mut b = Browser::new(&app);
    b.login("pw@example.nl", PASSWORD, Some(&secret)).await;
    let mut last = step_now();
    let new = "zeven groene kikkers op een rij";
    let p = b.get("/account/wachtwoord").await;
    assert!(p.body.contains("new_password") && p.body.contains("repeat_password"));
    for (fields, error) in [
        (
            vec![("new_password", "kort"), ("repeat_password", "kort")],
            "minstens 12 tekens",
        ),
        (
            vec![
                ("new_password", "qwertyqwerty"),
                ("repeat_password", "qwertyqwerty"),
            ],
            "gelekte wachtwoorden",
        ),
        (
            vec![("new_password", new), ("repeat_password", "iets anders")],
            "niet gelijk",
        ),
        (
            vec![
                ("new_password", new),
                ("repeat_password", new),
                ("current_password", "fout wachtwoord"),
            ],
            "Dit wachtwoord klopt niet",
        ),
    ] {
        let p = b.post("/account/wachtwoord", &fields).await;
        assert_eq!(p.status, 422, "{error}");
        assert!(p.body.contains(error), "{error}: {}", p.body);
    }
    let p = b
        .post(
            "/account/wachtwoord",
            &[
                ("current_password", PASSWORD),
                ("code", &fresh_code(&secret, &mut last).await),
                ("new_password", new),
                ("repeat_password", new),
            ],
        )
        .await;
    assert_eq!(p.status, 303, "{}", p.body);
    assert_eq!(b.get("/account").await.status, 200, "this session stays");
    let p = Browser::new(&app)
        .login("pw@example.nl", PASSWORD, None)
        .await;
    assert_eq!(p.status, 422, "the old password no longer works");
    let mut c = Browser::new(&app);
    c.get("/inloggen").await;
    let p = c
        .post(
            "/inloggen",
            &[("email", "pw@example.nl"), ("password", new)],
        )
        .await;
    assert_eq!(p.location().as_deref(), Some("/inloggen/tweestaps"));

    // A forgotten password: the login page links to the form, which answers the same for any
    // address; only an account gets a mail, with a link that works once.
    let mut d = Browser::new(&app);
    let login = d.get("/inloggen").await;
    assert!(login.body.contains("href=\"/wachtwoord-vergeten\""));
    d.get("/wachtwoord-vergeten").await;
    let known = d
        .post("/wachtwoord-vergeten", &[("email", "pw@example.nl")])
        .await;
    let unknown = d
        .post("/wachtwoord-vergeten", &[("email", "niemand@example.nl")])
        .await;
    assert_eq!(known.status, 200);
    assert_eq!(known.status, unknown.status);
    assert_eq!(
        known.body.split("name=\"csrf\"").next(),
        unknown.body.split("name=\"csrf\"").next()
    );
    let mut mail = None;
    for _ in 0..50 {
        let rows = sqlx::query(
            "SELECT to_address, body_text FROM mail_outbox WHERE subject LIKE '%wachtwoord%'",
        )
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        if !rows.is_empty() {
            assert_eq!(rows.len(), 1, "no mail for an unknown address");
            mail = Some((
                rows[0].try_get::<String, _>("to_address").unwrap(),
                rows[0].try_get::<String, _>("body_text").unwrap(),
            ));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (to, body) = mail.expect("a reset mail");
    assert_eq!(to, "pw@example.nl");
    let link = body
        .split("https://baken.test")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(link.starts_with("/wachtwoord-herstellen/"));
    let stored: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM password_resets WHERE token_hash = $1")
            .bind(platform::secrets::token_hash(
                link.trim_start_matches("/wachtwoord-herstellen/"),
            ))
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
    assert_eq!(stored, 1, "only the hash of the link's token is stored");
    let mut e = Browser::new(&app);
    assert_eq!(e.get(&link).await.status, 200);
    let p = e
        .post(
            &link,
            &[
                ("new_password", "qwertyqwerty"),
                ("repeat_password", "qwertyqwerty"),
            ],
        )
        .await;
    assert_eq!(p.status, 422, "a breached password is refused here too");
    let newer = "een fiets met drie wielen en een bel";
    let p = e
        .post(
            &link,
            &[("new_password", newer), ("repeat_password", newer)],
        )
        .await;
    assert_eq!(p.location().as_deref(), Some("/inloggen?hersteld=1"));
    assert_eq!(
        b.get("/account").await.location().as_deref(),
        Some("/inloggen"),
        "sessions end"
    );
    let p = e
        .post(
            &link,
            &[("new_password", newer), ("repeat_password", newer)],
        )
        .await;
    assert_eq!(p.status, 404, "the link works once");
    assert_eq!(e.get(&link).await.status, 404);
    let mut f = Browser::new(&app);
    f.get("/inloggen").await;
    let p = f
        .post(
            "/inloggen",
            &[("email", "pw@example.nl"), ("password", newer)],
        )
        .await;
    assert_eq!(
        p.location().as_deref(),
        Some("/inloggen/tweestaps"),
        "the second factor is still asked"
    );
    // A link expires after 30 minutes.
    let (token, _) = identity::request_password_reset(&app.db, "pw@example.nl")
        .await
        .unwrap()
        .unwrap();
    sqlx::query("UPDATE password_resets SET expires_at = 1 WHERE token_hash = $1")
        .bind(platform::secrets::token_hash(&token))
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        e.get(&format!("/wachtwoord-herstellen/{token}"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn totp_secrets_and_recovery_codes_are_sealed_at_rest_and_old_ones_are_sealed_at_start() {
    let app = spawn_app().await;
    let (_, secret, codes) = enrolled(&app, "zegel@example.nl", Role::Analist).await;
    let row = user_row(&app, "zegel@example.nl").await;
    let stored: String = row.try_get("totp_secret").unwrap();
    assert!(
        stored.starts_with("v1:") && !stored.contains(&secret),
        "{stored}"
    );
    let id: String = row.try_get("id").unwrap();
    let hashes: Vec<String> =
        sqlx::query("SELECT code_hash FROM recovery_codes WHERE user_id = $1")
            .bind(&id)
            .fetch_all(app.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("code_hash").unwrap())
            .collect();
    assert_eq!(hashes.len(), 10);
    for h in &hashes {
        assert!(h.starts_with("k1:"), "keyed with the data key: {h}");
        assert!(!codes.iter().any(|c| h.contains(c.as_str())));
        assert!(!codes.iter().any(|c| *h == platform::secrets::token_hash(c)));
    }
    // A secret stored in clear (from before) is sealed by the start-up step, and still works.
    let (_, plain) = app
        .user("oud@example.nl", "vijfheerenlanden", Role::Handhaver, true)
        .await;
    let plain = plain.unwrap();
    let key = platform::secrets::DataKey::from_bytes([7; 32]);
    assert!(identity::seal_stored_secrets(&app.db, &key).await.unwrap() >= 1);
    let stored: String = user_row(&app, "oud@example.nl")
        .await
        .try_get("totp_secret")
        .unwrap();
    assert!(stored.starts_with("v1:") && !stored.contains(&plain));
    assert_eq!(
        identity::seal_stored_secrets(&app.db, &key).await.unwrap(),
        0
    );
    let p = Browser::new(&app)
        .login("oud@example.nl", PASSWORD, Some(&plain))
        .await;
    assert_eq!(p.location().as_deref(), Some("/"));
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_file_and_the_data_key_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let data = dir.0.join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["migrate", "--data-dir", data.to_str().unwrap()])
        .env_remove("BAKEN_DATABASE_URL")
        .env_remove("BAKEN_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data.join("baken.db")), 0o600);
    for extra in ["baken.db-wal", "baken.db-shm"] {
        if data.join(extra).exists() {
            assert_eq!(mode(&data.join(extra)), 0o600, "{extra}");
        }
    }
    // The server creates the data key on first start.
    let mut child = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--data-dir",
            data.to_str().unwrap(),
        ])
        .env_remove("BAKEN_DATABASE_URL")
        .env_remove("BAKEN_DATA_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        line
    })
    .await
    .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.contains("draait op"), "{line}");
    assert_eq!(mode(&data.join("data.key")), 0o600);
}

#[tokio::test]
async fn a_council_member_does_not_see_the_staff_directory() {
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
        "raadslid@example.nl",
        "vijfheerenlanden",
        Role::Raadslid,
        false,
    )
    .await;
    let mut b = Browser::new(&app);
    b.login("raadslid@example.nl", PASSWORD, None).await;
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert!(
        !home.body.contains("href=\"/gebruikers\""),
        "no link to the directory"
    );
    assert_eq!(b.get("/gebruikers").await.status, 403);
    assert_eq!(b.get(&format!("/gebruikers/{colleague}")).await.status, 403);
    assert_eq!(b.get("/account").await.status, 200, "the own account stays");
    let token = cli_token(&app, "raadslid@example.nl");
    let bearer = format!("Bearer {token}");
    assert_eq!(
        api_get(&app, "/api/v1/users", Some(&bearer)).await.status(),
        403
    );
    assert_eq!(
        api_get(&app, &format!("/api/v1/users/{colleague}"), Some(&bearer))
            .await
            .status(),
        403
    );
    let denied = app
        .audit_rows("outcome = 'denied' AND actor_roles = 'raadslid'")
        .await;
    assert!(
        denied.len() >= 4,
        "each refusal is audited: {}",
        denied.len()
    );
    // A colleague who works with personal data still finds colleagues.
    let mut h = app
        .browser_as("hh@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    assert_eq!(h.get("/gebruikers").await.status, 200);
    assert_eq!(h.get(&format!("/gebruikers/{colleague}")).await.status, 200);
}

/// One client guessing at many accounts is slowed down without locking anybody out: after five
/// failures from the same client every attempt waits, whichever account it names, even a right
/// one. (The test server has no peer addresses, so all its requests are one client.)
#[tokio::test]
async fn a_client_that_fails_often_waits_before_every_attempt_on_any_account() {
    let login = LoginPolicy {
        base_delay_ms: 300,
        max_delay_ms: 600,
        ..fast_login()
    };
    let app = spawn_app_with_login(SessionPolicy::default(), login).await;
    app.user("raad@example.nl", "vijfheerenlanden", Role::Raadslid, false)
        .await;
    let mut b = Browser::new(&app);
    b.get("/inloggen").await;
    for i in 0..5 {
        let email = format!("gok{i}@example.nl");
        let page = b
            .post(
                "/inloggen",
                &[("email", &email), ("password", "fout wachtwoord")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Each of those addresses failed once: no account is locked, none has a delay of its own
    // beyond its first failure, but this client now waits before every attempt.
    let started = std::time::Instant::now();
    let page = b.login("raad@example.nl", PASSWORD, None).await;
    let waited = started.elapsed();
    assert_eq!(
        page.location().as_deref(),
        Some("/"),
        "the right password still works"
    );
    assert!(
        waited >= Duration::from_millis(300),
        "the sixth attempt of a failing client waits (took {waited:?})"
    );
}

/// Knowing an address is not enough to lock its owner out: wrong passwords lock the client that
/// sends them, at that address, while the owner logs in from elsewhere; the administrator sees
/// the lock and lifts it, and the lock answers the guesser without checking the password.
#[tokio::test]
async fn wrong_passwords_lock_the_guessing_client_not_the_account() {
    let app = spawn_app().await;
    let (id, _) = app
        .user(
            "doelwit@example.nl",
            "vijfheerenlanden",
            Role::Raadslid,
            false,
        )
        .await;
    let mut guesser = Browser::at(&app, "203.0.113.7");
    guesser.get("/inloggen").await;
    for _ in 0..5 {
        guesser
            .post(
                "/inloggen",
                &[
                    ("email", "doelwit@example.nl"),
                    ("password", "geraden fout"),
                ],
            )
            .await;
    }
    let p = guesser.login("doelwit@example.nl", PASSWORD, None).await;
    assert!(
        p.body.contains("tijdelijk geblokkeerd"),
        "the guessing client is locked out, even with the right password"
    );
    assert_eq!(
        locked_until(&app, "doelwit@example.nl").await,
        None,
        "the account itself is not locked"
    );
    let mut owner = Browser::at(&app, "198.51.100.20");
    let p = owner.login("doelwit@example.nl", PASSWORD, None).await;
    assert_eq!(p.location().as_deref(), Some("/"), "the owner logs in");
    assert_eq!(
        audit_count(&app, "action = 'lock-client'").await,
        1,
        "the lock is audited"
    );
    // The administrator sees that a client is locked out and lifts it.
    an_administrator_unlocks(&app, &id).await;
    let mut guesser = Browser::at(&app, "203.0.113.7");
    let p = guesser.login("doelwit@example.nl", PASSWORD, None).await;
    assert_eq!(
        p.location().as_deref(),
        Some("/"),
        "unlocked for every client"
    );
}

/// A session that logged in with the password before the account enrolled (in another session)
/// cannot set a second factor of its own: it must now give the enrolled code.
#[tokio::test]
async fn an_enrolment_session_cannot_replace_a_second_factor_set_meanwhile() {
    let app = spawn_app().await;
    let email = "twee@example.nl";
    app.user(email, "vijfheerenlanden", Role::Analist, false)
        .await;
    let mut early = Browser::new(&app);
    let page = early.login(email, PASSWORD, None).await;
    assert_eq!(page.location().as_deref(), Some("/account/tweestaps"));
    let enrol_page = early.get("/account/tweestaps").await;
    let stolen_secret = enrol_page
        .body
        .split("name=\"secret\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // The owner enrols in a session of their own.
    let mut owner = Browser::new(&app);
    owner.login(email, PASSWORD, None).await;
    let own = owner.get("/account/tweestaps").await;
    let secret = own
        .body
        .split("name=\"secret\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let done = owner
        .post(
            "/account/tweestaps",
            &[("secret", &secret), ("code", &code_at(&secret, step_now()))],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    // The early session tries to put its own secret in place: it is sent to the code step and
    // the owner's secret stays.
    let attempt = early
        .post(
            "/account/tweestaps",
            &[
                ("secret", &stolen_secret),
                ("code", &code_at(&stolen_secret, step_now())),
            ],
        )
        .await;
    assert_ne!(attempt.status, StatusCode::OK, "{}", attempt.body);
    assert_ne!(early.get("/account/tweestaps").await.status, StatusCode::OK);
    let totp_page = early.get("/inloggen/tweestaps").await;
    assert_eq!(totp_page.status, StatusCode::OK);
    let code = early
        .post(
            "/inloggen/tweestaps",
            &[("code", &code_at(&secret, step_now() + 1))],
        )
        .await;
    assert_eq!(
        code.location().as_deref(),
        Some("/"),
        "the owner's code works"
    );
}

/// A minimal valid PNG (1×1, grey) with a text chunk naming a person, as a camera or editor
/// might leave it.
fn png_with_author() -> Vec<u8> {
    fn crc(data: &[u8]) -> u32 {
        let mut c = 0xffff_ffffu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xedb8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc(&body).to_be_bytes());
        out
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    png.extend(chunk(b"tEXt", b"Author\0Jan Jansen"));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[tokio::test]
async fn an_administrator_gives_the_installation_its_name_logo_and_colours() {
    let app = spawn_app().await;
    // Without a theme: the voorbeeld theme, the product's name, no extra style sheet.
    let mut public = Browser::new(&app);
    let before = public.get("/melden").await;
    assert!(!before.body.contains("/thema.css") && !before.body.contains("/thema/logo"));

    let mut admin = app
        .browser_as("thema@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    assert_eq!(admin.get("/beheer/thema").await.status, 200);
    // A colour that is unreadable on white and a script in an SVG are refused next to their
    // fields; nothing is saved.
    let bad = super::meldingen::post_multipart(
        &mut admin,
        "/beheer/thema",
        &[
            ("naam", "Gemeente Vijfheerenlanden"),
            ("hoofdkleur", "#ffdd00"),
            ("accentkleur", "blauw"),
        ],
        &[(
            "logo",
            "logo.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
        )],
    )
    .await;
    assert_eq!(bad.status, 422);
    for message in [
        "niet goed leesbaar",
        "zes tekens",
        "een script, een gebeurtenis",
    ] {
        assert!(bad.body.contains(message), "{message}");
    }
    assert!(bad.body.contains("value=\"Gemeente Vijfheerenlanden\""));
    assert!(!public
        .get("/melden")
        .await
        .body
        .contains("Gemeente Vijfheerenlanden"));

    let saved = super::meldingen::post_multipart(
        &mut admin,
        "/beheer/thema",
        &[
            ("naam", "Gemeente Vijfheerenlanden"),
            ("hoofdkleur", "#00689E"),
            ("accentkleur", "#e17000"),
        ],
        &[("logo", "logo.png", &png_with_author())],
    )
    .await;
    assert_eq!(
        saved.location().as_deref(),
        Some("/beheer/thema?opgeslagen=1")
    );
    assert!(admin
        .get("/beheer/thema?opgeslagen=1")
        .await
        .body
        .contains("Opgeslagen."));

    // The public form now carries the name, the logo and the colours (after the memo's 5 s).
    app.db.forget("platform.theme");
    let page = public.get("/melden").await;
    assert!(page.body.contains("Gemeente Vijfheerenlanden"));
    assert!(page.body.contains("src=\"/thema/logo?v=1\""));
    assert!(page.body.contains("href=\"/thema.css?v=1\""));
    let css = public.get("/thema.css?v=1").await;
    assert!(css.body.contains("--baken-color-brand: #00689e;"));
    assert!(css.body.contains("--baken-color-brand-accent: #e17000;"));
    let (status, headers, logo) = public.get_bytes("/thema/logo?v=1").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/png");
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    assert!(logo.starts_with(b"\x89PNG") && !logo.windows(10).any(|w| w == b"Jan Jansen"));

    // The change is on record; someone who is not an administrator cannot make one.
    assert_eq!(
        app.audit_rows("resource_type = 'theme' AND outcome = 'allowed' AND action = 'update'")
            .await
            .len(),
        1
    );
    let mut worker = app
        .browser_as(
            "geen-beheer@example.nl",
            "vijfheerenlanden",
            Role::AdviseurIv,
        )
        .await;
    assert_eq!(worker.get("/beheer/thema").await.status, 403);

    // Removing the logo keeps the rest.
    let removed = super::meldingen::post_multipart(
        &mut admin,
        "/beheer/thema",
        &[
            ("naam", "Gemeente Vijfheerenlanden"),
            ("hoofdkleur", "#00689e"),
            ("accentkleur", ""),
            ("logo-verwijderen", "1"),
        ],
        &[],
    )
    .await;
    assert_eq!(removed.status, 303);
    app.db.forget("platform.theme");
    let page = public.get("/melden").await;
    assert!(page.body.contains("Gemeente Vijfheerenlanden") && !page.body.contains("/thema/logo"));
    assert_eq!(public.get("/thema/logo").await.status, 404);
}
