//! Black-box tests: separation of duties on roles (municipal roles for municipal accounts only,
//! no role for oneself, four eyes on roles that open case files), every refusal audited.

use super::*;

async fn roles_of(app: &App, user_id: &str) -> Vec<String> {
    let mut roles: Vec<String> = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("role"))
        .collect();
    roles.sort();
    roles
}

#[tokio::test]
async fn roles_are_bound_to_the_municipality_never_self_granted_and_case_roles_need_a_second_administrator(
) {
    let app = spawn_app().await;
    let mut admin = app
        .browser_as("beheer1@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    let admin_id = identity::user_id_by_email(&app.db, "beheer1@example.nl")
        .await
        .unwrap();
    let (agent, _) = app
        .user(
            "agent@example.nl",
            "politie-lekpoort",
            Role::Ketenpartner,
            true,
        )
        .await;
    let (colleague, _) = app
        .user(
            "collega@example.nl",
            "vijfheerenlanden",
            Role::Analist,
            true,
        )
        .await;

    // A police account cannot be made the municipality's jurist: 422 next to the field, nothing
    // granted, the refusal in the audit log.
    let page = admin.get(&format!("/gebruikers/{agent}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = admin
        .post(
            &format!("/gebruikers/{agent}/rollen"),
            &[("rol", "ketenpartner"), ("rol", "jurist")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("alleen voor medewerkers van de gemeente"));
    assert_eq!(roles_of(&app, &agent).await, vec!["ketenpartner"]);
    let denied = app
        .audit_rows(&format!(
            "resource_type = 'role-assignment' AND outcome = 'denied' AND resource_id = '{agent}'"
        ))
        .await;
    assert_eq!(denied.len(), 1);
    assert_eq!(
        denied[0].get::<String, _>("reason"),
        "role-needs-municipality"
    );

    // Even a jurist row written past the rules gives a police account nothing.
    sqlx::query("INSERT INTO user_roles (user_id, role, granted_at) VALUES ($1, 'jurist', 0)")
        .bind(&agent)
        .execute(app.db.pool())
        .await
        .unwrap();
    let p = identity::load_principal(&app.db, &agent)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.roles, vec![Role::Ketenpartner]);

    // No role for oneself, not even one that opens nothing.
    let page = admin
        .post(
            &format!("/gebruikers/{admin_id}/rollen"),
            &[("rol", "beheerder"), ("rol", "procesregisseur")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("U kunt uzelf geen rol toekennen"));
    assert_eq!(roles_of(&app, &admin_id).await, vec!["beheerder"]);
    let page = admin
        .post(
            &format!("/gebruikers/{admin_id}/rollen"),
            &[("rol", "analist")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("eigen beheerdersrol"));

    // Nonsense combinations are refused with the reason, and the refusal is audited.
    let before = app
        .audit_rows("outcome = 'denied' AND reason = 'role-conflict-raadslid'")
        .await
        .len();
    let page = admin
        .post(
            &format!("/gebruikers/{colleague}/rollen"),
            &[("rol", "raadslid"), ("rol", "handhaver")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Een raadslid heeft geen andere rol"),
        "{}",
        page.body
    );
    assert_eq!(
        app.audit_rows("outcome = 'denied' AND reason = 'role-conflict-raadslid'")
            .await
            .len(),
        before + 1
    );

    // A role that opens case files waits for a second administrator; a plain role is granted.
    let page = admin
        .post(
            &format!("/gebruikers/{colleague}/rollen"),
            &[
                ("rol", "analist"),
                ("rol", "handhaver"),
                ("rol", "procesregisseur"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        roles_of(&app, &colleague).await,
        vec!["analist", "handhaver"]
    );
    let page = admin.get(&format!("/gebruikers/{colleague}")).await;
    assert!(page.body.contains("Wacht op goedkeuring"));
    assert!(page
        .body
        .contains("een andere beheerder moet dit beoordelen"));
    let request: String =
        sqlx::query("SELECT id FROM role_grant_requests WHERE user_id = $1 AND decided_at IS NULL")
            .bind(&colleague)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get("id");

    // The requester cannot approve it (403, audited); a second administrator can.
    let page = admin
        .post(
            &format!("/gebruikers/{colleague}/rollen/{request}/goedkeuren"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        roles_of(&app, &colleague).await,
        vec!["analist", "handhaver"]
    );
    let four_eyes = app
        .audit_rows("outcome = 'denied' AND reason = 'four-eyes'")
        .await;
    assert_eq!(four_eyes.len(), 1);
    let mut second = app
        .browser_as("beheer2@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    let page = second.get(&format!("/gebruikers/{colleague}")).await;
    assert!(page.body.contains("Goedkeuren: Procesregisseur"));
    let page = second
        .post(
            &format!("/gebruikers/{colleague}/rollen/{request}/goedkeuren"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        roles_of(&app, &colleague).await,
        vec!["analist", "handhaver", "procesregisseur"]
    );
    let grants = app
        .audit_rows(&format!(
            "resource_id = '{colleague}' AND action IN ('request-role', 'grant-role')"
        ))
        .await;
    let trail: Vec<(String, String)> = grants
        .iter()
        .map(|r| (r.get::<String, _>("action"), r.get::<String, _>("reason")))
        .collect();
    assert!(trail.contains(&("request-role".into(), "procesregisseur".into())));
    assert!(trail.contains(&("grant-role".into(), "procesregisseur".into())));
    // A decided request cannot be decided again.
    let page = second
        .post(
            &format!("/gebruikers/{colleague}/rollen/{request}/afwijzen"),
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // A new account made with a case role: the plain roles at once, the case role as a request.
    let page = admin.get("/gebruikers/nieuw").await;
    assert_eq!(page.status, StatusCode::OK);
    let org = app.org_id("vijfheerenlanden").await;
    let page = admin
        .post(
            "/gebruikers/nieuw",
            &[
                ("email", "nieuw@example.nl"),
                ("name", "Nina Nieuw"),
                ("organisation", &org),
                ("rol", "handhaver"),
                ("rol", "fg"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let nina = identity::user_id_by_email(&app.db, "nieuw@example.nl")
        .await
        .unwrap();
    assert_eq!(roles_of(&app, &nina).await, vec!["handhaver"]);
    let open: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM role_grant_requests WHERE user_id = $1 AND role = 'fg'",
    )
    .bind(&nina)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get("n");
    assert_eq!(open, 1);

    // The administrator typed no password: Nina is invited by mail to choose her own, and as a
    // handhaver (personal data) she then sets up two-step verification.
    let mail = sqlx::query(
        "SELECT to_address, body_text FROM mail_outbox WHERE subject = 'Uitnodiging voor Baken'",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(mail.len(), 1, "one invitation");
    assert_eq!(mail[0].get::<String, _>("to_address"), "nieuw@example.nl");
    let body: String = mail[0].get("body_text");
    assert!(
        body.contains("Nina Nieuw") && body.contains("zeven dagen"),
        "{body}"
    );
    let link = body
        .split("https://baken.test")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_string();
    let invited = app
        .audit_rows(&format!(
            "action = 'create' AND resource_type = 'invitation' AND resource_id = '{nina}'"
        ))
        .await;
    assert_eq!(invited.len(), 1, "the invitation is audited");
    let mut b = Browser::new(&app);
    let mut n = Browser::new(&app);
    let p = n
        .login("nieuw@example.nl", "een heel lang wachtwoord", None)
        .await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no password works yet"
    );
    assert_eq!(b.get(&link).await.status, StatusCode::OK);
    let chosen = "nina kiest zelf een lange zin";
    let p = b
        .post(
            &link,
            &[("new_password", chosen), ("repeat_password", chosen)],
        )
        .await;
    assert_eq!(p.location().as_deref(), Some("/inloggen?hersteld=1"));
    let p = n.login("nieuw@example.nl", chosen, None).await;
    assert_eq!(
        p.location().as_deref(),
        Some("/account/tweestaps"),
        "then she enrols two-step verification"
    );
    assert_eq!(
        b.post(
            &link,
            &[("new_password", chosen), ("repeat_password", chosen)]
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "the invitation works once"
    );
}

/// Someone with full rights on the database but without the audit key: every way of rewriting
/// the log is found, by the keyed chain or by the checkpoints kept outside the database.
#[tokio::test]
async fn an_audit_log_without_its_key_cannot_be_rewritten_inserted_into_or_cut_short() {
    use platform::audit::{self, VerifyError};
    let app = spawn_app().await;
    app.user("t@example.nl", "vijfheerenlanden", Role::Raadslid, false)
        .await;
    let mut b = Browser::new(&app);
    for _ in 0..4 {
        b.login("t@example.nl", PASSWORD, None).await;
    }
    let intact = audit::verify(&app.db).await.unwrap();
    assert!(intact >= 8, "{intact}");
    let newest: String = sqlx::query("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("hash");
    assert!(newest.starts_with("k1:"), "{newest}");

    // A checkpoint outside the database, through the command line; verify agrees with it.
    let dir = temp_dir();
    let cli = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_baken"))
            .args(args)
            .env("BAKEN_DATABASE_URL", &app._test_db.url)
            .output()
            .unwrap()
    };
    let dir_s = dir.0.display().to_string();
    let out = cli(&["audit", "checkpoint", "--dir", &dir_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(&["audit", "verify", "--checkpoints", &dir_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 controlepunten"));
    let checkpoints = audit::read_checkpoints(app.db.audit_key().as_ref(), &dir.0).unwrap();
    assert_eq!(checkpoints.len(), 1);
    let at_checkpoint = checkpoints[0].seq;
    // Without the key, nobody can check the keyed chain; with another key it is broken.
    let other = Db::connect(&app._test_db.url).await.unwrap();
    assert!(matches!(
        audit::verify(&other).await,
        Err(VerifyError::NoKey)
    ));
    other.set_audit_key(platform::db::AuditKey::from_bytes([1; 32]));
    assert!(matches!(
        audit::verify(&other).await,
        Err(VerifyError::Broken { .. })
    ));
    // More activity after the checkpoint.
    for _ in 0..2 {
        b.login("t@example.nl", PASSWORD, None).await;
    }
    let total = audit::verify(&app.db).await.unwrap();
    assert!(total > at_checkpoint);

    // The attacker lifts the protection.
    let drops: &[&str] = match app.db.backend() {
        Backend::Sqlite => &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ],
        Backend::Postgres => &["DROP TRIGGER audit_log_no_update ON audit_log"],
    };
    for sql in drops {
        sqlx::query(sql).execute(app.db.pool()).await.unwrap();
    }
    // The plain SHA-256 an attacker can compute, over the record as the chain hashes it.
    let plain_hash = |seq: i64, at: i64, fields: &[&str], prev: &str| {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(seq.to_be_bytes());
        h.update(at.to_be_bytes());
        for f in fields {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        h.update(prev.as_bytes());
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };

    // 1. Inserting a record at the end with a recomputed (unkeyed) hash and moving the head.
    let head: (i64, String) = {
        let r = sqlx::query("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        (r.get("last_seq"), r.get("last_hash"))
    };
    let seq = head.0 + 1;
    let fields = [
        "req",
        "\u{0}",
        "vervalst",
        "\u{0}",
        "\u{0}",
        "",
        "\u{0}",
        "web",
        "read",
        "dossier",
        "\u{0}",
        "\u{0}",
        "uitvoering",
        "allowed",
        "\u{0}",
    ];
    let forged = plain_hash(seq, 1, &fields, &head.1);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, request_id, actor_name, actor_roles, origin, action, \
         resource_type, purpose, outcome, prev_hash, hash) \
         VALUES ($1, 1, 'req', 'vervalst', '', 'web', 'read', 'dossier', 'uitvoering', 'allowed', $2, $3)",
    )
    .bind(seq)
    .bind(&head.1)
    .bind(&forged)
    .execute(app.db.pool())
    .await
    .unwrap();
    sqlx::query("UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&forged)
        .execute(app.db.pool())
        .await
        .unwrap();
    match audit::verify(&app.db).await {
        Err(VerifyError::Broken { seq: s, reason }) => {
            assert_eq!(s, seq);
            assert!(reason.contains("no keyed hash"), "{reason}");
        }
        other => panic!("inserted record not found: {other:?}"),
    }
    // ... and a forged keyed-looking hash does not help either.
    sqlx::query("UPDATE audit_log SET hash = $1 WHERE seq = $2")
        .bind(format!("k1:{}", &forged))
        .bind(seq)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert!(matches!(
        audit::verify(&app.db).await,
        Err(VerifyError::Broken { seq: s, .. }) if s == seq
    ));

    // 2. Cutting off the end (the forged record and the real ones after the checkpoint) and
    //    moving the head back: the chain alone looks whole, the checkpoint does not agree.
    let cut_to = at_checkpoint - 2;
    sqlx::query("DELETE FROM audit_log WHERE seq > $1")
        .bind(cut_to)
        .execute(app.db.pool())
        .await
        .unwrap();
    let hash_at: String = sqlx::query("SELECT hash FROM audit_log WHERE seq = $1")
        .bind(cut_to)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("hash");
    sqlx::query("UPDATE audit_head SET last_seq = $1, last_hash = $2 WHERE id = 1")
        .bind(cut_to)
        .bind(&hash_at)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(audit::verify(&app.db).await.unwrap(), cut_to);
    let out = cli(&["audit", "verify", "--checkpoints", &dir_s]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("removed at the end"), "{err}");

    // 3. Rewriting a record before the checkpoint: broken at that record.
    sqlx::query("UPDATE audit_log SET actor_name = 'iemand anders' WHERE seq = 3")
        .execute(app.db.pool())
        .await
        .unwrap();
    match audit::verify(&app.db).await {
        Err(VerifyError::Broken { seq, .. }) => assert_eq!(seq, 3),
        other => panic!("rewritten record not found: {other:?}"),
    }

    // 4. A forged checkpoint line (another MAC) is refused, naming its line.
    let path = dir.0.join(audit::CHECKPOINT_FILE);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "{{\"seq\":1,\"hash\":\"{hash_at}\",\"at\":1,\"mac\":\"00\"}}\n"
    ));
    std::fs::write(&path, text).unwrap();
    let out = cli(&["audit", "verify", "--checkpoints", &dir_s]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2"), "{err}");
}
