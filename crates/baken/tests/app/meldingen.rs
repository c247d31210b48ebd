//! Meldingen: anonymous public reports (form and API) with a tracking code and no client data
//! stored; the back office filtered, access-controlled and audited; a constant query count.

use super::*;

/// A small real JPEG with an EXIF segment holding a (fictitious) GPS position.
static JPEG: std::sync::LazyLock<Vec<u8>> =
    std::sync::LazyLock::new(|| super::uploads::jpeg_with_gps(16, 16, 1));

/// A multipart body as a browser sends it; the CSRF token goes first, as the form has it.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----bakentestgrens7MA4YWxk".to_string();
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (name, file_name, data) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

pub(super) async fn post_multipart(
    b: &mut Browser,
    path: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Page {
    let csrf = b.csrf();
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let (boundary, body) = multipart(&all, files);
    let r = b
        .http
        .post(format!("{}{path}", b.base))
        .header(COOKIE, b.cookie_header())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    b.take(r).await
}

async fn count(app: &App, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

/// Every text value in the module's tables (and the rows they caused in shared tables).
async fn all_text(app: &App) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT * FROM melding",
        "SELECT * FROM melding_historie",
        "SELECT * FROM melding_foto",
        "SELECT id, file_name, content_type, sha256, created_by FROM files",
        "SELECT * FROM mail_outbox",
        "SELECT * FROM audit_log",
        "SELECT kind, ref_id, title, body FROM search_documents",
    ] {
        let rows = sqlx::query(sql).fetch_all(app.db.pool()).await.unwrap();
        for row in rows {
            for i in 0..row.len() {
                if let Ok(Some(v)) = row.try_get::<Option<String>, _>(i) {
                    out.push(v);
                }
            }
        }
    }
    out
}

/// A POST to the public API. Today the shell's CSRF check also applies to requests without a
/// session, so the client first fetches the CSRF cookie (see the report: platform change asked).
pub(super) async fn public_post(app: &App, body: &serde_json::Value) -> reqwest::Response {
    let mut b = Browser::new(app);
    b.get("/melden").await;
    reqwest::Client::new()
        .post(format!("{}/api/v1/public/meldingen", app.base))
        .header(COOKIE, b.cookie_header())
        .header("x-csrf-token", b.csrf())
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn meldingen_public_form_is_anonymous_and_gives_a_tracking_code() {
    let app = spawn_app().await;
    let mut b = Browser::new(&app);
    let start = b.get("/melden").await;
    assert_eq!(start.status, 200);
    assert!(
        start.body.contains("0800-7000"),
        "points to Meld Misdaad Anoniem"
    );
    assert!(start.body.contains("/melden/drugsoverlast") && start.body.contains("Ondermijning"));
    let form = b.get("/melden/drugsoverlast").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("Hoe vaak?") && form.body.contains("enctype=\"multipart/form-data\"")
    );

    // Without JavaScript, as a urlencoded form without photos.
    let sent = b
        .post(
            "/melden/drugsoverlast",
            &[
                (
                    "omschrijving",
                    "Elke avond wordt er gedeald bij het bankje aan de haven.",
                ),
                ("locatie", "adres"),
                ("adres", "Voorstraat 1, 4132 AP Vianen"),
                ("extra", "Dagelijks"),
                ("contact", "anoniem"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let location = sent.location().unwrap();
    assert!(location.starts_with("/melden/volg/") && location.ends_with("?ontvangen=1"));
    let code = location["/melden/volg/".len()..location.len() - "?ontvangen=1".len()].to_string();
    assert_eq!(code.len(), 14);
    let track = b.get(&location).await;
    assert_eq!(track.status, 200);
    assert!(track.body.contains(&code) && track.body.contains("Gemeld"));
    assert!(
        !track.body.contains("gedeald"),
        "the public page shows the status only"
    );
    // The lookup form accepts the code typed carelessly.
    let lookup = b
        .get(&format!(
            "/melden/volg?volgcode={}",
            code.to_lowercase().replace('-', "")
        ))
        .await;
    assert_eq!(
        lookup.location().as_deref(),
        Some(format!("/melden/volg/{code}").as_str())
    );
    assert_eq!(b.get("/melden/volg/AAAA-BBBB-CCCC").await.status, 404);
    assert_eq!(b.get("/melden/volg?volgcode=kort").await.status, 422);

    // With a photo (multipart) and an e-mail address for feedback.
    let sent = post_multipart(
        &mut b,
        "/melden/woonoverlast",
        &[
            (
                "omschrijving",
                "Harde muziek tot diep in de nacht, elke week.",
            ),
            ("locatie", "punt"),
            ("lat", "51.99"),
            ("lon", "5.09"),
            ("wanneer_datum", "2026-01-10"),
            ("wanneer_tijd", "23:30"),
            ("contact", "contact"),
            ("email", "melder@example.nl"),
        ],
        &[("foto", "muziek.jpg", &JPEG[..])],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding_foto").await, 1);
    let file = sqlx::query("SELECT file_name, data FROM files")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        file.try_get::<String, _>("file_name").unwrap(),
        "foto-1.jpg",
        "not the device's file name"
    );
    let data: Vec<u8> = file.try_get("data").unwrap();
    assert!(
        !data.windows(4).any(|w| w == b"Exif") && image::load_from_memory(&data).is_ok(),
        "metadata stripped, image kept"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'melder@example.nl'"
        )
        .await,
        1,
        "receipt mail"
    );

    // A file that is not an image, and no choice about contact: 422, input kept.
    let bad = post_multipart(
        &mut b,
        "/melden/woonoverlast",
        &[
            ("omschrijving", "Nog een melding over de buren."),
            ("locatie", "onbekend"),
        ],
        &[("foto", "virus.jpg", b"MZ\x90\x00 not an image")],
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("Alleen foto&#39;s in JPEG of PNG")
            || bad.body.contains("Alleen foto's in JPEG of PNG"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("Kies of u anoniem blijft"));
    assert!(
        bad.body.contains("Nog een melding over de buren."),
        "input kept"
    );
    let bad = b
        .post(
            "/melden/jeugdoverlast",
            &[
                ("omschrijving", "kort"),
                ("locatie", "adres"),
                // Neither a postcode nor a place.
                ("adres", "Voorstraat 1"),
                ("contact", "anoniem"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("href=\"#veld-omschrijving\"")
            && bad.body.contains("href=\"#veld-adres\"")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding").await, 2);

    // Nothing about the request is stored anywhere.
    let texts = all_text(&app).await;
    assert!(!texts.is_empty());
    for t in &texts {
        assert!(!t.contains("127.0.0.1"), "client address stored: {t}");
        assert!(!t.contains("reqwest"), "user agent stored: {t}");
    }
}

#[tokio::test]
async fn meldingen_public_api_creates_validates_and_tracks() {
    let app = spawn_app().await;
    let r = api_get(&app, "/api/v1/public/categorieen", None).await;
    assert_eq!(r.status(), 200);
    let cats: serde_json::Value = r.json().await.unwrap();
    let slugs: Vec<&str> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs.len(), 9);
    assert!(slugs.contains(&"verdacht-pand") && slugs.contains(&"zorg-persoon"));
    assert_eq!(cats[0]["thema"], "ondermijning");

    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "drugsoverlast", "omschrijving": "Dealen bij het station, elke middag.",
            "locatie": {"lat": 51.96, "lon": 5.10}, "anoniem": true}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    let code = v["volgcode"].as_str().unwrap().to_string();
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "overig", "omschrijving": "Verlaten auto zonder kenteken.",
            "locatie": {"adres": "Voorstraat 1, 4132 AP Vianen"}, "anoniem": true}),
    )
    .await;
    assert_eq!(r.status(), 201);

    let r = api_get(&app, &format!("/api/v1/public/meldingen/{code}"), None).await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["status"], "gemeld");
    assert!(v.get("omschrijving").is_none(), "public status only");
    assert_eq!(
        api_get(&app, "/api/v1/public/meldingen/AAAA-BBBB-CCCC", None)
            .await
            .status(),
        404
    );

    let fields = |v: serde_json::Value| -> Vec<String> {
        v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect()
    };
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "drugsoverlast", "omschrijving": "kort",
            "locatie": {"adres": "Voorstraat 1"}, "anoniem": true}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(fields(r.json().await.unwrap()), ["omschrijving", "adres"]);
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "bestaat-niet", "omschrijving": "Iets dat lang genoeg is.", "anoniem": true}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(fields(r.json().await.unwrap()), ["categorie"]);
    let r = public_post(
        &app,
        &serde_json::json!({"omschrijving": "Zonder categorie maar lang."}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(fields(r.json().await.unwrap()), ["categorie"]);
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "overig", "omschrijving": "Geen keuze over contact gemaakt."}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(fields(r.json().await.unwrap()), ["contact"]);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding").await, 2);
    for t in all_text(&app).await {
        assert!(!t.contains("127.0.0.1"), "client address stored: {t}");
    }
}

#[tokio::test]
async fn meldingen_back_office_is_filtered_access_controlled_and_audited() {
    let app = spawn_app().await;
    ::meldingen::seed_demo(&app.db).await.unwrap();
    let total = count(&app, "SELECT COUNT(*) FROM melding").await;
    assert!(total >= 30);
    app.user("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv, true)
        .await;
    app.user(
        "politie@example.nl",
        "politie-lekpoort",
        Role::Ketenpartner,
        true,
    )
    .await;
    app.user(
        "burg@example.nl",
        "vijfheerenlanden",
        Role::Burgemeester,
        true,
    )
    .await;
    let iv = format!("Bearer {}", cli_token(&app, "iv@example.nl"));
    let partner = format!("Bearer {}", cli_token(&app, "politie@example.nl"));
    let burg = format!("Bearer {}", cli_token(&app, "burg@example.nl"));

    // Partners and other gemeente roles see nothing.
    assert_eq!(
        api_get(&app, "/api/v1/meldingen", Some(&partner))
            .await
            .status(),
        403
    );
    assert_eq!(
        api_get(&app, "/api/v1/meldingen", Some(&burg))
            .await
            .status(),
        403
    );
    assert_eq!(api_get(&app, "/api/v1/meldingen", None).await.status(), 401);

    let list = |q: &'static str| {
        let iv = iv.clone();
        let app = &app;
        async move {
            let r = api_get(app, &format!("/api/v1/meldingen{q}"), Some(&iv)).await;
            assert_eq!(r.status(), 200, "{q}");
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let all = list("?per_page=100").await;
    assert_eq!(all["total"], total);
    let gemeld = list("?status=gemeld&per_page=100").await;
    let n_gemeld = count(&app, "SELECT COUNT(*) FROM melding WHERE status = 'gemeld'").await;
    assert_eq!(gemeld["total"], n_gemeld);
    assert!(gemeld["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["status"] == "gemeld"));
    let drugs = list("?categorie=drugsoverlast").await;
    assert!(drugs["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["categorie"] == "drugsoverlast"));
    assert_eq!(
        drugs["total"],
        count(
            &app,
            "SELECT COUNT(*) FROM melding WHERE categorie = 'drugsoverlast'"
        )
        .await
    );
    let jeugd = list("?thema=jeugd").await;
    assert_eq!(
        jeugd["total"],
        count(
            &app,
            "SELECT COUNT(*) FROM melding WHERE categorie = 'jeugdoverlast'"
        )
        .await
    );
    let handhaving = list("?team=handhaving&per_page=100").await;
    assert!(handhaving["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["team_naam"] == "Handhaving"));
    assert!(handhaving["total"].as_i64().unwrap() > 0);
    let hennep = list("?q=hennepgeur").await;
    assert_eq!(hennep["total"], 1);
    let item = &hennep["items"][0];
    assert_eq!(item["team_naam"], "Integrale Veiligheid", "keyword rule");
    let page2 = list("?per_page=10&page=2&sorteer=nummer").await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 10);
    assert_eq!(page2["items"][0]["nummer"], 11);
    let r = api_get(&app, "/api/v1/meldingen?per_page=101", Some(&iv)).await;
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "per_page");

    // One melding: the read of the contact details is audited.
    let id = item["id"].as_str().unwrap().to_string();
    let r = api_get(&app, &format!("/api/v1/meldingen/{id}"), Some(&iv)).await;
    assert_eq!(r.status(), 200);
    let d: serde_json::Value = r.json().await.unwrap();
    assert!(d["toewijzing_uitleg"]
        .as_str()
        .unwrap()
        .contains("door regel 2"));
    assert_eq!(
        app.audit_rows(&format!(
            "resource_type = 'melding' AND action = 'read' AND resource_id = '{id}'"
        ))
        .await
        .len(),
        1
    );
    assert_eq!(
        api_get(&app, &format!("/api/v1/meldingen/{id}"), Some(&partner))
            .await
            .status(),
        403
    );
    let denied = app
        .audit_rows(&format!("resource_id = '{id}' AND outcome = 'denied'"))
        .await;
    assert_eq!(denied.len(), 1);

    // A status change through the API follows the workflow and is audited and in the history.
    let patch = |body: serde_json::Value| {
        reqwest::Client::new()
            .patch(format!("{}/api/v1/meldingen/{id}", app.base))
            .header("authorization", &iv)
            .json(&body)
            .send()
    };
    let r = patch(serde_json::json!({"status": "wacht-op-melder"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "gemeld cannot wait for the reporter yet");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "status");
    let r = patch(serde_json::json!({"status": "in-behandeling", "toelichting": "Opgepakt", "notitie": "Buurtagent gebeld"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!(d["status"], "in-behandeling");
    let history = d["historie"].as_array().unwrap();
    assert!(history.iter().any(|h| h["soort"] == "status"
        && h["oud"] == "gemeld"
        && h["nieuw"] == "in-behandeling"
        && h["wie"] == "Test iv@example.nl"));
    assert!(history.iter().any(|h| h["soort"] == "notitie"));
    let updates = app
        .audit_rows(&format!(
            "resource_type = 'melding' AND action = 'update' AND resource_id = '{id}'"
        ))
        .await;
    assert_eq!(updates.len(), 1);
    assert_eq!(
        updates[0].try_get::<String, _>("actor_name").unwrap(),
        "Test iv@example.nl"
    );

    // The web back office: partners get 403, the adviser the queue and the detail page.
    let mut p = Browser::new(&app);
    let secret = {
        let row = sqlx::query("SELECT totp_secret FROM users WHERE email = 'politie@example.nl'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        row.try_get::<String, _>("totp_secret").unwrap()
    };
    p.login("politie@example.nl", PASSWORD, Some(&secret)).await;
    assert_eq!(p.get("/meldingen").await.status, 403);
    assert!(
        !p.get("/").await.body.contains("href=\"/meldingen\""),
        "no menu entry"
    );
    let secret = {
        let row = sqlx::query("SELECT totp_secret FROM users WHERE email = 'iv@example.nl'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        row.try_get::<String, _>("totp_secret").unwrap()
    };
    let mut b = Browser::new(&app);
    b.login("iv@example.nl", PASSWORD, Some(&secret)).await;
    let home = b.get("/").await;
    assert!(home.body.contains("href=\"/meldingen\""));
    let queue = b.get("/meldingen?termijn=te-laat").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("<title>Meldingen (selectie)"));
    assert_eq!(b.get("/meldingen/termijnen").await.status, 200);
    assert!(b
        .get("/meldingen")
        .await
        .body
        .contains("/meldingen/export.csv"));
    let csv = b.get("/meldingen/export.csv?categorie=drugsoverlast").await;
    assert_eq!(csv.status, 200);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(
        csv.body.lines().count() as i64,
        1 + count(
            &app,
            "SELECT COUNT(*) FROM melding WHERE categorie = 'drugsoverlast'"
        )
        .await
    );
    assert!(
        !csv.body.contains("@example.nl"),
        "no contact details in the export"
    );
    assert_eq!(
        app.audit_rows("resource_type = 'melding-list' AND action = 'export'")
            .await
            .len(),
        1
    );
    let page = b.get(&format!("/meldingen/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Buurtagent gebeld") && page.body.contains("Historie"));
    // Closing needs the explanation the reporter's mail carries, next to its field.
    let bare = b
        .post(
            &format!("/meldingen/{id}/status"),
            &[("status", "afgehandeld"), ("toelichting", "  ")],
        )
        .await;
    assert_eq!(bare.status, 422);
    assert!(
        bare.body
            .contains("Leg de melder in een paar woorden uit hoe de melding is afgehandeld."),
        "{}",
        bare.body
    );
    let closed = b
        .post(
            &format!("/meldingen/{id}/status"),
            &[
                ("status", "afgehandeld"),
                ("toelichting", "Pand gecontroleerd"),
            ],
        )
        .await;
    assert_eq!(closed.status, 303, "{}", closed.body);
    let wrong = b
        .post(
            &format!("/meldingen/{id}/status"),
            &[("status", "wacht-op-melder")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let team = b
        .post(&format!("/meldingen/{id}/team"), &[("team", "handhaving")])
        .await;
    assert_eq!(team.status, 303);
    let dup = b
        .post(
            &format!("/meldingen/{id}/duplicaat"),
            &[("duplicaat_van", "M-1")],
        )
        .await;
    assert_eq!(dup.status, 303);
    let page = b.get(&format!("/meldingen/{id}")).await;
    assert!(page.body.contains("Afgehandeld") && page.body.contains("M-1"));
    assert!(page
        .body
        .contains("toegewezen aan team Handhaving door Test iv@example.nl"));
}

#[tokio::test]
async fn meldingen_closing_mails_the_reporter_who_gave_an_address() {
    let app = spawn_app().await;
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "jeugdoverlast", "omschrijving": "Jongeren op scooters op de stoep.",
            "locatie": {}, "anoniem": false, "email": "buurman@example.nl"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    app.user("hh@example.nl", "vijfheerenlanden", Role::Handhaver, true)
        .await;
    let token = format!("Bearer {}", cli_token(&app, "hh@example.nl"));
    let id: String = sqlx::query("SELECT id FROM melding")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    for status in ["in-behandeling", "afgehandeld"] {
        let r = reqwest::Client::new()
            .patch(format!("{}/api/v1/meldingen/{id}", app.base))
            .header("authorization", &token)
            .json(&serde_json::json!({"status": status, "toelichting": "De lamp is vervangen."}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let subjects: Vec<String> = sqlx::query("SELECT subject FROM mail_outbox WHERE to_address = 'buurman@example.nl' ORDER BY created_at")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("subject").unwrap())
        .collect();
    assert_eq!(
        subjects,
        ["Uw melding is ontvangen", "Uw melding is afgehandeld"]
    );
}

/// "Wacht op melder" puts a question to the reporter, who answers on the tracking page with
/// only the tracking code (so an anonymous reporter can too); the answer lands in the history
/// and the melding is back with its handler, its deadline running again.
#[tokio::test]
async fn the_reporter_answers_a_question_and_rates_the_handling_on_the_tracking_page() {
    let app = spawn_app().await;
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "jeugdoverlast", "omschrijving": "Jongeren op scooters op de stoep.",
            "locatie": {}, "anoniem": true}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let code = r.json::<serde_json::Value>().await.unwrap()["volgcode"]
        .as_str()
        .unwrap()
        .to_string();
    app.user("hh@example.nl", "vijfheerenlanden", Role::Handhaver, true)
        .await;
    let token = format!("Bearer {}", cli_token(&app, "hh@example.nl"));
    let id: String = sqlx::query("SELECT id FROM melding")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    let patch = |body: serde_json::Value| {
        reqwest::Client::new()
            .patch(format!("{}/api/v1/meldingen/{id}", app.base))
            .header("authorization", &token)
            .json(&body)
            .send()
    };
    assert_eq!(
        patch(serde_json::json!({"status": "in-behandeling"}))
            .await
            .unwrap()
            .status(),
        200
    );
    let r = patch(serde_json::json!({"status": "wacht-op-melder"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "a question is needed");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "toelichting");
    let question = "Om welke straat gaat het precies?";
    let r = patch(serde_json::json!({"status": "wacht-op-melder", "toelichting": question}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let mut reporter = Browser::new(&app);
    let page = reporter.get(&format!("/melden/volg/{code}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(question), "{}", page.body);
    let answer_path = format!("/melden/volg/{code}/antwoord");
    let empty = reporter.post(&answer_path, &[("antwoord", "   ")]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("Schrijf uw antwoord."));
    let sent = reporter
        .post(
            &answer_path,
            &[("antwoord", "De Dorpsstraat, bij de bushalte.")],
        )
        .await;
    assert_eq!(
        sent.location().as_deref(),
        Some(format!("/melden/volg/{code}?beantwoord=1").as_str())
    );
    let page = reporter
        .get(&format!("/melden/volg/{code}?beantwoord=1"))
        .await;
    assert!(page.body.contains("uw antwoord is ontvangen"));
    assert!(!page.body.contains(question), "no open question any more");
    let again = reporter
        .post(&answer_path, &[("antwoord", "Nog iets")])
        .await;
    assert_eq!(
        again.status, 404,
        "only a melding that waits can be answered"
    );

    let d: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/meldingen/{id}", app.base))
        .header("authorization", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["status"], "in-behandeling");
    assert!(
        d["historie"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["soort"] == "antwoord"
                && h["toelichting"] == "De Dorpsstraat, bij de bushalte."),
        "{d}"
    );
    assert_eq!(
        app.audit_rows(&format!(
            "action = 'answer' AND resource_id = '{id}' AND actor_user_id IS NULL"
        ))
        .await
        .len(),
        1
    );

    // A reporter who left an address gets the question by mail (read back from a real SMTP
    // server) with an absolute link to the page where they answer, with photos; the photos land
    // on the melding, the history says so, and the queue shows the answer came in.
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "jeugdoverlast", "omschrijving": "Weer scooters op de stoep bij de school.",
            "locatie": {}, "anoniem": false, "email": "melder@example.nl"}),
    )
    .await;
    let code2 = r.json::<serde_json::Value>().await.unwrap()["volgcode"]
        .as_str()
        .unwrap()
        .to_string();
    let id2: String = sqlx::query("SELECT id FROM melding WHERE volgcode = $1")
        .bind(&code2)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    for body in [
        serde_json::json!({"status": "in-behandeling"}),
        serde_json::json!({"status": "wacht-op-melder", "toelichting": "Heeft u een foto van de scooters?"}),
    ] {
        let r = reqwest::Client::new()
            .patch(format!("{}/api/v1/meldingen/{id2}", app.base))
            .header("authorization", &token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let printed = super::deliver_outbox(&app).await;
    let link = format!("https://baken.test/melden/volg/{code2}");
    assert!(
        printed.contains("Heeft u een foto van de scooters?") && printed.contains(&link),
        "{printed}"
    );
    let path = link.trim_start_matches("https://baken.test");
    assert!(reporter.get(path).await.body.contains(
        "type=\"file\" name=\"foto\" id=\"veld-foto\" multiple accept=\"image/jpeg,image/png\""
    ));
    let sent = super::meldingen::post_multipart(
        &mut reporter,
        &format!("{path}/antwoord"),
        &[("antwoord", "Ja, hierbij.")],
        &[("foto", "scooters.jpg", JPEG.as_slice())],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM melding_foto WHERE melding_id = '{id2}'")
        )
        .await,
        1
    );
    let mut hh = app
        .browser_as("hh2@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    let detail = hh.get(&format!("/meldingen/{id2}")).await;
    assert!(detail.body.contains("(met 1 foto)"), "{}", detail.body);
    assert!(detail.body.contains(&format!("/meldingen/{id2}/foto/")));
    let queue = hh.get("/meldingen").await;
    assert_eq!(
        queue.body.matches("antwoord ontvangen").count(),
        2,
        "both answers flagged"
    );

    // Once closed, the reporter rates the handling, once; the adviseur reads it per subject.
    let rating_path = format!("/melden/volg/{code}/beoordeling");
    assert!(!reporter
        .get(&format!("/melden/volg/{code}"))
        .await
        .body
        .contains(&rating_path));
    let r = patch(serde_json::json!({"status": "afgehandeld", "toelichting": "Handhaving surveilleert extra."}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(reporter
        .get(&format!("/melden/volg/{code}"))
        .await
        .body
        .contains(&rating_path));
    let wrong = reporter
        .post(&rating_path, &[("cijfer", "9"), ("tekst", "")])
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("Kies een oordeel van 1 tot en met 5."));
    let rated = reporter
        .post(
            &rating_path,
            &[("cijfer", "4"), ("tekst", "Snel opgepakt.")],
        )
        .await;
    assert_eq!(
        rated.location().as_deref(),
        Some(format!("/melden/volg/{code}?beoordeeld=1").as_str())
    );
    let page = reporter
        .get(&format!("/melden/volg/{code}?beoordeeld=1"))
        .await;
    assert!(page.body.contains("Bedankt voor uw oordeel.") && !page.body.contains(&rating_path));
    let twice = reporter
        .post(&rating_path, &[("cijfer", "1"), ("tekst", "")])
        .await;
    assert_eq!(twice.status, 404, "a melding is rated once");
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let overview = iv.get("/meldingen/termijnen").await;
    assert_eq!(overview.status, 200);
    assert!(
        overview.body.contains("Tevredenheid van melders")
            && overview.body.contains("4,0")
            && overview.body.contains("Snel opgepakt."),
        "{}",
        overview.body
    );
}

#[tokio::test]
async fn meldingen_list_issues_a_constant_number_of_queries() {
    let app = spawn_app().await;
    ::meldingen::seed_demo(&app.db).await.unwrap();
    let (user_id, _) = app
        .user("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv, true)
        .await;
    let principal = identity::load_principal(&app.db, &user_id)
        .await
        .unwrap()
        .unwrap();
    let mut counts = Vec::new();
    for limit in [1, 5, 100] {
        let auth = platform::access::authorize_as::<platform::access::act::List, _>(
            &app.db,
            &platform::access::RequestContext::new("web"),
            &principal,
            ::meldingen::access::Werkvoorraad,
            platform::access::Purpose::Uitvoering,
        )
        .await
        .unwrap();
        let listing = ::meldingen::store::list(
            &app.db,
            &auth,
            &::meldingen::store::Filter {
                limit,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(listing.items.len() as i64, limit.min(listing.total));
        counts.push(listing.queries);
    }
    assert_eq!(
        counts,
        [3, 3, 3],
        "page, count, audit record (the category names are a memo) — whatever the page size"
    );
}

/// The same database behind a router with `limit`, served as in production (with the peer
/// address available to the limiter).
async fn behind_limit(app: &App, limit: ::meldingen::PublicLimit) -> App {
    let state = platform::web::AppState {
        db: app.db.clone(),
        settings: std::sync::Arc::new(platform::web::WebSettings::default()),
    };
    let router = platform::web::router(
        state,
        ::meldingen::routes(&limit),
        platform::web::api::openapi_router().merge(::meldingen::api_limited(&limit)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    App {
        base,
        db: app.db.clone(),
        _test_db: TestDb {
            url: app._test_db.url.clone(),
            _dir: None,
        },
    }
}

#[tokio::test]
async fn meldingen_public_submissions_are_rate_limited_per_client() {
    let app = spawn_app().await;
    let limited = behind_limit(
        &app,
        ::meldingen::PublicLimit {
            per_minute: 2,
            trusted_proxies: Vec::new(),
        },
    )
    .await;
    let body = serde_json::json!({"categorie": "overig", "omschrijving": "Een melding om te tellen.", "anoniem": true});
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(public_post(&limited, &body).await.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 429]);
    let mut b = Browser::new(&limited);
    b.get("/melden/overig").await;
    let form = b
        .post(
            "/melden/overig",
            &[
                ("omschrijving", "Via het formulier, ook geteld."),
                ("locatie", "onbekend"),
                ("contact", "anoniem"),
            ],
        )
        .await;
    assert_eq!(form.status, 303, "the form has its own budget");
    // Tracking is not limited.
    assert_eq!(
        api_get(&limited, "/api/v1/public/meldingen/AAAA-BBBB-CCCC", None)
            .await
            .status(),
        404
    );
    // Behind a trusted reverse proxy, each client behind it has its own budget; a forwarded
    // address from an untrusted peer would be ignored (unit-tested in the limiter).
    let proxied = behind_limit(
        &app,
        ::meldingen::PublicLimit {
            per_minute: 1,
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        },
    )
    .await;
    let mut statuses = Vec::new();
    for client in ["192.0.2.1", "192.0.2.2", "192.0.2.1"] {
        let r = reqwest::Client::new()
            .post(format!("{}/api/v1/public/meldingen", proxied.base))
            .header("x-forwarded-for", client)
            .json(&body)
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 429]);
    for t in all_text(&app).await {
        assert!(!t.contains("127.0.0.1"), "client address stored: {t}");
        assert!(!t.contains("192.0.2."), "forwarded address stored: {t}");
    }
}

/// A point (lat, lon) that the shipped boundaries place in `buurt`.
fn point_in(buurt: &str) -> (f64, f64) {
    let area = ::monitor::areas::buurten()
        .iter()
        .find(|a| a.code == buurt)
        .unwrap();
    let (x0, y0, x1, y1) = area.bbox;
    for i in 1..20 {
        for j in 1..20 {
            // Off the grid of the 3-decimal vertices, so never on an edge.
            let lon = x0 + (x1 - x0) * (f64::from(i) + 0.37) / 20.0;
            let lat = y0 + (y1 - y0) * (f64::from(j) + 0.41) / 20.0;
            if ::monitor::areas::locate(lon, lat)
                .and_then(|p| p.buurt_code)
                .as_deref()
                == Some(buurt)
            {
                return (lat, lon);
            }
        }
    }
    panic!("no point found in {buurt}");
}

#[tokio::test]
async fn meldingen_are_placed_in_their_buurt_routed_by_area_filtered_and_removed_after_retention() {
    let app = spawn_app().await;
    let mut browser = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let iv = format!("Bearer {}", cli_token(&app, "iv@example.nl"));
    // An area rule before the default rules: the binnenstad of Vianen goes to Vergunningen.
    sqlx::query(
        "INSERT INTO melding_regel (id, positie, categorie, trefwoord, gebied, team_id) \
         SELECT 'regel-vianen', 0, NULL, NULL, 'BU19612101', t.id FROM teams t \
         JOIN organisations o ON o.id = t.organisation_id WHERE o.slug = 'vijfheerenlanden' AND t.slug = 'vergunningen'",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    // Written past the module, so the module's memo of its rules is told.
    ::meldingen::store::forget_reference(&app.db);
    let other = ::monitor::areas::buurten()
        .iter()
        .find(|a| !a.code.starts_with("BU196121"))
        .unwrap()
        .code
        .clone();
    let (lat, lon) = point_in("BU19612101");
    let (lat2, lon2) = point_in(&other);
    let post = |body: serde_json::Value| {
        let app = &app;
        async move {
            let r = public_post(app, &body).await;
            assert_eq!(r.status(), 201);
            r.json::<serde_json::Value>().await.unwrap()["volgcode"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let in_vianen = post(serde_json::json!({"categorie": "woonoverlast",
        "omschrijving": "Harde muziek tot diep in de nacht, al weken.",
        "locatie": {"lat": lat, "lon": lon}, "anoniem": false, "email": "melder@example.nl"}))
    .await;
    let elsewhere = post(serde_json::json!({"categorie": "woonoverlast",
        "omschrijving": "Afval naast de containers, elke week opnieuw.",
        "locatie": {"lat": lat2, "lon": lon2}, "anoniem": true}))
    .await;
    let row = |code: String| {
        let app = &app;
        async move {
            sqlx::query(
                "SELECT m.id, m.wijk, m.buurt, m.toewijzing_uitleg, t.slug AS team FROM melding m \
                 LEFT JOIN teams t ON t.id = m.team_id WHERE m.volgcode = $1",
            )
            .bind(code)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
        }
    };
    let a = row(in_vianen.clone()).await;
    assert_eq!(a.get::<String, _>("wijk"), "WK196121");
    assert_eq!(a.get::<String, _>("buurt"), "BU19612101");
    assert_eq!(a.get::<String, _>("team"), "vergunningen");
    assert!(a
        .get::<String, _>("toewijzing_uitleg")
        .ends_with("door regel 0"));
    // The list alternative to the map: a buurt chosen by name.
    let by_list = post(serde_json::json!({"categorie": "overig",
        "omschrijving": "Kapotte lantaarnpaal op de hoek, al een maand.",
        "locatie": {"buurt": "BU19612101"}, "anoniem": true}))
    .await;
    let c = row(by_list).await;
    assert_eq!(c.get::<String, _>("wijk"), "WK196121");
    assert_eq!(c.get::<String, _>("team"), "vergunningen", "the area rule");
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "overig", "omschrijving": "Kapotte lantaarnpaal op de hoek.",
            "locatie": {"buurt": "BU99999999"}, "anoniem": true}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "buurt");
    let form = Browser::new(&app).get("/melden/overig").await;
    assert!(form.body.contains("data-baken-kaart") && form.body.contains("value=\"BU19612101\""));
    let geo = Browser::new(&app).get("/melden/gebieden.geojson").await;
    assert_eq!(geo.status, 200);
    assert!(geo.body.contains("WK196121"));
    let b = row(elsewhere.clone()).await;
    assert_eq!(b.get::<String, _>("buurt"), other);
    assert_eq!(b.get::<String, _>("team"), "handhaving", "default rule");
    let (id_a, id_b): (String, String) = (a.get("id"), b.get("id"));

    // The queue's area and date filters, in the API and on the page.
    let total = |q: &str| {
        let (app, iv) = (&app, &iv);
        let q = q.to_string();
        async move {
            let r = api_get(app, &format!("/api/v1/meldingen?{q}"), Some(iv)).await;
            assert_eq!(r.status(), 200, "{q}");
            r.json::<serde_json::Value>().await.unwrap()["total"]
                .as_i64()
                .unwrap()
        }
    };
    let today = platform::db::today_nl();
    let yesterday = today.yesterday().unwrap();
    assert_eq!(total("buurt=BU19612101").await, 2);
    assert_eq!(total("wijk=WK196121&status=gemeld").await, 2);
    assert_eq!(total(&format!("van={today}&tot={today}")).await, 3);
    assert_eq!(total(&format!("tot={yesterday}")).await, 0);
    for (q, field) in [("buurt=BU00000000", "buurt"), ("van=2026-13-01", "van")] {
        let r = api_get(&app, &format!("/api/v1/meldingen?{q}"), Some(&iv)).await;
        assert_eq!(r.status(), 422, "{q}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["errors"][0]["field"], field);
    }
    let page = browser.get("/meldingen?buurt=BU19612101").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Harde muziek") && !page.body.contains("Afval naast"));
    // The map of the same selection: one dot (the melding with a point), and its list per wijk.
    assert!(page
        .body
        .contains("href=\"/meldingen/kaart?buurt=BU19612101\""));
    let map = browser.get("/meldingen/kaart?buurt=BU19612101").await;
    assert!(map.body.contains(": 1 staan op de kaart"), "{}", map.body);
    assert_eq!(map.body.matches("<circle").count(), 1);
    assert!(map.body.contains("Meldingen van deze selectie per wijk"));
    let detail = browser.get(&format!("/meldingen/{id_a}")).await;
    assert!(detail.body.contains("Vianen binnenstad"), "buurt by name");

    // Moving the second melding into the binnenstad runs the rules again.
    let patch = |id: &str, body: serde_json::Value| {
        reqwest::Client::new()
            .patch(format!("{}/api/v1/meldingen/{id}", app.base))
            .header("authorization", &iv)
            .json(&body)
            .send()
    };
    let r = patch(&id_b, serde_json::json!({"punt": {"lat": lat, "lon": lon}}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!(d["buurt"], "BU19612101");
    assert_eq!(d["team_naam"], "Vergunningen");
    let history = d["historie"].as_array().unwrap();
    assert!(history.iter().any(|h| h["soort"] == "locatie"));
    assert!(history
        .iter()
        .any(|h| h["soort"] == "team" && h["wie"] == "systeem"));
    let r = patch(
        &id_b,
        serde_json::json!({"punt": {"lat": 5.09, "lon": 51.99}}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422, "swapped coordinates");
    let r = patch(&id_b, serde_json::json!({"categorie": "bestaat-niet"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // Retention: contact details after 6 months, the melding after 60, each audited.
    for status in ["in-behandeling", "afgehandeld"] {
        let r = patch(
            &id_a,
            serde_json::json!({ "status": status, "toelichting": "Opgeruimd." }),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), 200);
    }
    let backdate = |months: i64| {
        let app = &app;
        let id = id_a.clone();
        async move {
            let when = today
                .checked_sub(jiff::Span::new().months(months))
                .unwrap()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .unwrap()
                .timestamp()
                .as_millisecond();
            sqlx::query("UPDATE melding SET gesloten_at = $1 WHERE id = $2")
                .bind(when)
                .bind(id)
                .execute(app.db.pool())
                .await
                .unwrap();
        }
    };
    backdate(5).await;
    let r = ::meldingen::store::apply_retention(&app.db, today, "test")
        .await
        .unwrap();
    assert_eq!((r.contact_removed, r.destroyed), (0, 0), "not yet due");
    backdate(7).await;
    let r = ::meldingen::store::apply_retention(&app.db, today, "test")
        .await
        .unwrap();
    assert_eq!((r.contact_removed, r.destroyed), (1, 0));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM melding WHERE contact_email IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(
        app.audit_rows(&format!(
            "resource_id = '{id_a}' AND action = 'delete' AND resource_type = 'melding_contact'"
        ))
        .await
        .len(),
        1
    );
    backdate(61).await;
    let r = ::meldingen::store::apply_retention(&app.db, today, "test")
        .await
        .unwrap();
    assert_eq!((r.contact_removed, r.destroyed), (0, 1));
    for sql in [
        format!("SELECT COUNT(*) FROM melding WHERE id = '{id_a}'"),
        format!("SELECT COUNT(*) FROM melding_historie WHERE melding_id = '{id_a}'"),
        format!("SELECT COUNT(*) FROM search_documents WHERE ref_id = '{id_a}'"),
    ] {
        assert_eq!(count(&app, &sql).await, 0, "{sql}");
    }
    let destroyed = app
        .audit_rows(&format!(
            "resource_id = '{id_a}' AND action = 'delete' AND resource_type = 'melding'"
        ))
        .await;
    assert_eq!(destroyed.len(), 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding").await, 2);
}

#[tokio::test]
async fn meldingen_settings_are_for_administrators_validated_and_audited() {
    let app = spawn_app().await;
    let mut b = app
        .browser_as("beheer@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    let queue = b.get("/meldingen").await;
    assert!(queue.body.contains("href=\"/meldingen/inrichting\""));
    let page = b.get("/meldingen/inrichting").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Woonoverlast of burenoverlast"));
    let rules_before = count(&app, "SELECT COUNT(*) FROM melding_regel").await;

    // A rule with an unknown area is refused, naming the field; nothing is added.
    let bad = b
        .post(
            "/meldingen/inrichting/regels",
            &[
                ("categorie", ""),
                ("trefwoord", ""),
                ("gebied", "BU00000000"),
                ("team", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Kies een wijk of buurt van de gemeente."));
    assert!(bad.body.contains("Kies een team van de gemeente."));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM melding_regel").await,
        rules_before
    );

    // A rule for the binnenstad of Vianen, moved to the top, routes a new melding there.
    let ok = b
        .post(
            "/meldingen/inrichting/regels",
            &[
                ("categorie", ""),
                ("trefwoord", ""),
                ("gebied", "BU19612101"),
                ("team", "vergunningen"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let id: String = sqlx::query("SELECT id FROM melding_regel WHERE gebied = 'BU19612101'")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("id");
    for _ in 0..rules_before {
        let r = b
            .post(&format!("/meldingen/inrichting/regels/{id}/omhoog"), &[])
            .await;
        assert_eq!(r.status, 303);
    }
    let top: String = sqlx::query("SELECT id FROM melding_regel ORDER BY positie LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("id");
    assert_eq!(top, id);
    let (lat, lon) = point_in("BU19612101");
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "jeugdoverlast", "omschrijving": "Jongeren op het plein, elke avond.",
            "locatie": {"lat": lat, "lon": lon}, "anoniem": true}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let team: String = sqlx::query(
        "SELECT t.slug FROM melding m JOIN teams t ON t.id = m.team_id ORDER BY m.nummer DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap()
    .get("slug");
    assert_eq!(team, "vergunningen");

    // A category: bad numbers and a dead-end workflow are named; a sound edit is stored.
    let form = b.get("/meldingen/inrichting/categorie/woonoverlast").await;
    assert_eq!(form.status, 200);
    let bad = b
        .post(
            "/meldingen/inrichting/categorie/woonoverlast",
            &[
                ("naam", "Woonoverlast"),
                ("termijn_werkdagen", "0"),
                ("bewaar_contact_maanden", "6"),
                ("bewaar_maanden", "60"),
                ("actief", "ja"),
                ("overgangen", "gemeld>in-behandeling"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad
        .body
        .contains("Vul een aantal werkdagen in van 1 tot en met 260."));
    assert!(bad.body.contains("Elke open status"));
    let mut fields: Vec<(&str, &str)> = vec![
        ("naam", "Woonoverlast"),
        ("termijn_werkdagen", "15"),
        ("bewaar_contact_maanden", "3"),
        ("bewaar_maanden", "60"),
    ];
    let transitions: Vec<String> = ::meldingen::model::DEFAULT_TRANSITIONS
        .split(';')
        .map(str::to_string)
        .collect();
    fields.extend(transitions.iter().map(|t| ("overgangen", t.as_str())));
    let ok = b
        .post("/meldingen/inrichting/categorie/woonoverlast", &fields)
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let cat = ::meldingen::store::all_categories(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.slug == "woonoverlast")
        .unwrap();
    assert_eq!(
        (
            cat.naam.as_str(),
            cat.termijn_werkdagen,
            cat.bewaar_contact_maanden
        ),
        ("Woonoverlast", 15, 3)
    );
    let offered = ::meldingen::store::categories(&app.db).await.unwrap();
    assert!(
        offered.iter().all(|c| c.slug != "woonoverlast"),
        "unticked 'aangeboden' takes it off the form"
    );
    assert!(
        app.audit_rows(
            "resource_type = 'melding-inrichting' AND outcome = 'allowed' AND action = 'update'"
        )
        .await
        .len()
            > rules_before as usize
    );

    // IV advisers work the queue but do not configure it.
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    assert!(!iv
        .get("/meldingen")
        .await
        .body
        .contains("/meldingen/inrichting"));
    assert_eq!(iv.get("/meldingen/inrichting").await.status, 403);
    let r = iv
        .post(
            &format!("/meldingen/inrichting/regels/{id}/verwijderen"),
            &[],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM melding_regel").await,
        rules_before + 1
    );
}

/// The bulk seed (for the benchmark) writes realistic meldingen in batches; on PostgreSQL this
/// also covers a batch with a missing point after one with a point, which once failed on a
/// cached statement ("incorrect binary data format").
#[tokio::test]
async fn meldingen_bulk_seed_spreads_fictitious_meldingen_over_the_gemeente() {
    let app = spawn_app().await;
    let r = ::meldingen::bulk::seed(&app.db, 1200, 7).await.unwrap();
    assert_eq!((r.written, r.total), (1200, 1200));
    let with_area = count(
        &app,
        "SELECT COUNT(*) FROM melding WHERE wijk LIKE 'WK1961%'",
    )
    .await;
    assert!(
        (800..=1100).contains(&with_area),
        "about 80% have a point: {with_area}"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM melding WHERE contact_email IS NOT NULL AND contact_email NOT LIKE '%@example.nl'").await,
        0,
        "only fictitious addresses"
    );
    let hits = platform::search::search(&app.db, ::meldingen::store::SEARCH_KIND, "muziek", 2000)
        .await
        .unwrap();
    assert!(!hits.is_empty(), "seeded meldingen are searchable");
    // A second run adds to the first, numbering on.
    let r = ::meldingen::bulk::seed(&app.db, 10, 8).await.unwrap();
    assert_eq!(r.total, 1210);
    assert_eq!(count(&app, "SELECT MAX(nummer) FROM melding").await, 1210);
}

#[tokio::test]
async fn meldingen_public_api_takes_photos_checked_and_stripped_like_the_form() {
    use base64::Engine;
    let app = spawn_app().await;
    let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let body = |fotos: serde_json::Value| {
        serde_json::json!({"categorie": "overig", "omschrijving": "Gedumpt afval achter de sporthal.",
            "locatie": {"adres": "Voorstraat 1, 4132 AP Vianen"}, "anoniem": true, "fotos": fotos})
    };
    let r = public_post(&app, &body(serde_json::json!([{ "data": b64(&JPEG) }]))).await;
    assert_eq!(r.status(), 201);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding_foto").await, 1);
    let data: Vec<u8> = sqlx::query("SELECT data FROM files")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("data");
    assert!(
        !data.windows(4).any(|w| w == b"Exif") && image::load_from_memory(&data).is_ok(),
        "metadata stripped, image kept"
    );
    // Not base64, not an image, too many: 422 naming the field, and nothing stored.
    for (fotos, field) in [
        (serde_json::json!([{ "data": "!!geen base64!!" }]), "fotos"),
        (
            serde_json::json!([{ "data": b64(b"%PDF-1.7 geen foto") }]),
            "foto",
        ),
        (
            serde_json::json!([{ "data": b64(&JPEG) }, { "data": b64(&JPEG) }, { "data": b64(&JPEG) }, { "data": b64(&JPEG) }]),
            "foto",
        ),
    ] {
        let r = public_post(&app, &body(fotos)).await;
        assert_eq!(r.status(), 422);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["errors"][0]["field"], field, "{v}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM files").await, 1);
}

/// Concurrent anonymous submissions are written in groups: every one is answered 201, numbers
/// are unique and without gaps, each has its history, receipt and audit record, a bad
/// e-mail address fails only its own submission, and the audit chain stays whole.
#[tokio::test]
async fn concurrent_submissions_are_written_together_and_each_stands_alone() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let before: i64 = sqlx::query("SELECT COUNT(*) AS n FROM melding")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..120 {
        let client = client.clone();
        let url = format!("{}/api/v1/public/meldingen", app.base);
        tasks.push(tokio::spawn(async move {
            let mut body = serde_json::json!({
                "categorie": "overig",
                "omschrijving": format!("Verlaten fiets bij de bank, melding {i}"),
                "locatie": {"lat": 51.9921, "lon": 5.0931},
                "anoniem": true,
            });
            if i % 3 == 0 {
                body["anoniem"] = false.into();
                body["email"] = format!("melder{i}@example.nl").into();
            }
            if i == 7 {
                body["email"] = "geen adres".into();
                body["anoniem"] = false.into();
            }
            client.post(url).json(&body).send().await.unwrap().status()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| s.as_u16() == 201).count(),
        119,
        "{statuses:?}"
    );
    assert_eq!(statuses[7].as_u16(), 422);
    let rows = sqlx::query("SELECT id, nummer FROM melding ORDER BY nummer")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len() as i64, before + 119);
    let numbers: Vec<i64> = rows.iter().map(|r| r.try_get("nummer").unwrap()).collect();
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "{numbers:?}");
    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query(sql)
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get::<i64, _>("n")
                .unwrap()
        }
    };
    assert_eq!(
        count("SELECT COUNT(DISTINCT melding_id) AS n FROM melding_historie WHERE soort = 'aangemaakt'").await,
        before + 119
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'create' AND resource_type = 'melding'").await,
        before + 119
    );
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM mail_outbox WHERE subject = 'Uw melding is ontvangen'")
            .await,
        40, // every third gave an address (number 7, refused, is not one of them)
    );
    platform::audit::verify(&app.db).await.unwrap();
}

/// A melding is assigned to a colleague who works meldingen (not to anyone else), the queue
/// filters on that person, on "mij" and on nobody, and every change is in the history.
#[tokio::test]
async fn meldingen_are_assigned_to_a_person_and_the_queue_filters_on_them() {
    let app = spawn_app().await;
    ::meldingen::seed_demo(&app.db).await.unwrap();
    let (hh, _) = app
        .user("hh@example.nl", "vijfheerenlanden", Role::Handhaver, true)
        .await;
    let (analist, _) = app
        .user("an@example.nl", "vijfheerenlanden", Role::Analist, true)
        .await;
    let (partner, _) = app
        .user("kp@example.nl", "politie-lekpoort", Role::Handhaver, true)
        .await;
    let mut browser = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let iv = format!("Bearer {}", cli_token(&app, "iv@example.nl"));
    let hh_token = format!("Bearer {}", cli_token(&app, "hh@example.nl"));
    let ids: Vec<String> = sqlx::query("SELECT id FROM melding ORDER BY nummer")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("id").unwrap())
        .collect();
    assert!(ids.len() >= 2);
    let patch = |id: &str, body: serde_json::Value| {
        let (app, iv, id) = (&app, iv.clone(), id.to_string());
        async move {
            reqwest::Client::new()
                .patch(format!("{}/api/v1/meldingen/{id}", app.base))
                .header("authorization", iv)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    // Nobody outside the gemeente's meldingen roles, and no unknown id.
    for who in [analist.as_str(), partner.as_str(), "onbekend"] {
        let r = patch(&ids[0], serde_json::json!({"behandelaar": who})).await;
        assert_eq!(r.status(), 422, "{who}");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "behandelaar");
    }
    let r = patch(&ids[0], serde_json::json!({"behandelaar": hh})).await;
    assert_eq!(r.status(), 200);
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!(d["behandelaar_id"], hh.as_str());
    assert_eq!(d["behandelaar_naam"], "Test hh@example.nl");
    // The web form assigns the second one.
    let r = browser
        .post(
            &format!("/meldingen/{}/behandelaar", ids[1]),
            &[("behandelaar", hh.as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = browser.get(&format!("/meldingen/{}", ids[1])).await;
    assert!(page.body.contains("Behandelaar: Test hh@example.nl"));
    // The handler is notified of each melding given to them.
    let told = platform::notify::list(&app.db, &hh, 10).await.unwrap();
    assert_eq!(told.len(), 2, "{told:?}");
    assert!(told
        .iter()
        .all(|n| n.kind == "melding-toegewezen" && n.title.starts_with("Melding ")));
    // When the deadline of one passes, the handler hears it once (again only when it moves).
    app.db
        .execute(
            sqlx::query("UPDATE melding SET termijn_datum = '2020-01-06' WHERE id = $1")
                .bind(&ids[0]),
        )
        .await
        .unwrap();
    assert_eq!(
        ::meldingen::werk::notify_deadlines(&app.db).await.unwrap(),
        1
    );
    assert_eq!(
        ::meldingen::werk::notify_deadlines(&app.db).await.unwrap(),
        0
    );
    let told = platform::notify::list(&app.db, &hh, 10).await.unwrap();
    assert_eq!(told[0].kind, "termijn-verstreken");
    assert_eq!(told[0].href, format!("/meldingen/{}", ids[0]));
    // Saved selections: a name is required (the reason next to the field, the filters kept);
    // a saved one is listed and opens the same queue; only its owner removes it.
    let refused = browser
        .post(
            "/meldingen/selecties",
            &[
                ("naam", " "),
                ("behandelaar", "mij"),
                ("sorteer", "termijn"),
            ],
        )
        .await;
    assert_eq!(refused.status, 303);
    let back = refused.location().unwrap();
    assert!(
        back.contains("behandelaar=mij") && back.contains("selectie_fout=naam"),
        "{back}"
    );
    let page = browser.get(&back).await;
    assert!(
        page.body.contains("Geef de selectie een naam."),
        "{}",
        page.body
    );
    let r = browser
        .post(
            "/meldingen/selecties",
            &[
                ("naam", "Mijn termijnen"),
                ("behandelaar", "mij"),
                ("sorteer", "termijn"),
            ],
        )
        .await;
    assert_eq!(
        r.location().unwrap(),
        "/meldingen?behandelaar=mij&sorteer=termijn"
    );
    let page = browser.get("/meldingen").await;
    assert!(
        page.body
            .contains("href=\"/meldingen?behandelaar=mij&#38;sorteer=termijn\">Mijn termijnen</a>"),
        "{}",
        page.body
    );
    let id = page
        .body
        .split("/meldingen/selecties/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let mut other = app
        .browser_as("ander@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    other.get("/meldingen").await;
    let remove = format!("/meldingen/selecties/{id}/verwijderen");
    assert_eq!(other.post(&remove, &[]).await.status, 404);
    assert_eq!(browser.post(&remove, &[]).await.status, 303);
    assert!(!browser
        .get("/meldingen")
        .await
        .body
        .contains("Mijn termijnen</a>"));
    let bad = browser
        .post(
            &format!("/meldingen/{}/behandelaar", ids[1]),
            &[("behandelaar", analist.as_str())],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad
        .body
        .contains("Kies een collega die meldingen behandelt, of niemand."));

    let total = |auth: String, query: &'static str| {
        let app = &app;
        async move {
            let r = api_get(app, &format!("/api/v1/meldingen?{query}"), Some(&auth)).await;
            assert_eq!(r.status(), 200);
            let v: serde_json::Value = r.json().await.unwrap();
            v["total"].as_i64().unwrap()
        }
    };
    let all = total(iv.clone(), "").await;
    assert_eq!(total(hh_token.clone(), "behandelaar=mij").await, 2);
    assert_eq!(total(iv.clone(), "behandelaar=mij").await, 0);
    assert_eq!(total(iv.clone(), "behandelaar=geen").await, all - 2);
    let by_id = api_get(
        &app,
        &format!("/api/v1/meldingen?behandelaar={hh}"),
        Some(&iv),
    )
    .await
    .json::<serde_json::Value>()
    .await
    .unwrap();
    assert_eq!(by_id["total"], 2);
    assert!(by_id["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["behandelaar_naam"] == "Test hh@example.nl"));
    let queue = browser.get("/meldingen?behandelaar=mij").await;
    assert!(queue.body.contains("0 meldingen"), "iv has none");

    // Back to nobody; the history shows both changes.
    let r = patch(&ids[0], serde_json::json!({"behandelaar": "geen"})).await;
    let d: serde_json::Value = r.json().await.unwrap();
    assert!(d["behandelaar_id"].is_null());
    let changes: Vec<(Option<String>, Option<String>)> = d["historie"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["soort"] == "behandelaar")
        .map(|h| {
            (
                h["oud"].as_str().map(str::to_string),
                h["nieuw"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (None, Some("Test hh@example.nl".to_string())),
            (Some("Test hh@example.nl".to_string()), None)
        ]
    );
}

/// The mails to the reporter are templates an administrator edits per event: switched on for a
/// status they go out with the placeholders filled; switched off they do not; a template with
/// an unknown placeholder is refused next to the field.
#[tokio::test]
async fn mails_to_the_reporter_follow_the_edited_templates() {
    let app = spawn_app().await;
    let mut b = app
        .browser_as("beheer@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    let page = b.get("/meldingen/inrichting").await;
    assert!(page.body.contains("Mails aan de melder"));
    assert!(page
        .body
        .contains("href=\"/meldingen/inrichting/mail/in-behandeling\""));
    let form = b.get("/meldingen/inrichting/mail/in-behandeling").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Uw melding is in behandeling"));
    let bad = b
        .post(
            "/meldingen/inrichting/mail/in-behandeling",
            &[
                ("actief", "ja"),
                ("onderwerp", "Melding {{nummer}}"),
                ("tekst", "Uw BSN is {{bsn}}"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad
        .body
        .contains("Gebruik alleen de genoemde plaatshouders"));
    assert!(bad.body.contains("Uw BSN is {{bsn}}"), "the input stays");
    for (event, fields) in [
        (
            "in-behandeling",
            vec![
                ("actief", "ja"),
                ("onderwerp", "Melding {{nummer}} is in behandeling"),
                (
                    "tekst",
                    "Beste melder,\r\n\r\n{{categorie}}: {{toelichting}}\r\n\r\n{{gemeente}}",
                ),
            ],
        ),
        (
            "ontvangen",
            vec![("onderwerp", "Ontvangen"), ("tekst", "Code {{volgcode}}")],
        ),
    ] {
        let r = b
            .post(&format!("/meldingen/inrichting/mail/{event}"), &fields)
            .await;
        assert_eq!(r.status, 303, "{event}");
    }
    assert_eq!(
        b.get("/meldingen/inrichting/mail/bestaat-niet")
            .await
            .status,
        404
    );

    // The receipt is off now; "in behandeling" is on.
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "jeugdoverlast", "omschrijving": "Jongeren op scooters op de stoep.",
            "locatie": {}, "anoniem": false, "email": "buurvrouw@example.nl"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let (id, nummer): (String, i64) = {
        let row = sqlx::query("SELECT id, nummer FROM melding")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
        (row.try_get("id").unwrap(), row.try_get("nummer").unwrap())
    };
    let token = format!("Bearer {}", cli_token(&app, "beheer@example.nl"));
    let r = reqwest::Client::new()
        .patch(format!("{}/api/v1/meldingen/{id}", app.base))
        .header("authorization", &token)
        .json(&serde_json::json!({"status": "in-behandeling", "toelichting": "We komen morgen kijken."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mails: Vec<(String, String)> = sqlx::query(
        "SELECT subject, body_text FROM mail_outbox WHERE to_address = 'buurvrouw@example.nl' ORDER BY created_at",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| (r.try_get("subject").unwrap(), r.try_get("body_text").unwrap()))
    .collect();
    assert_eq!(
        mails,
        [(
            format!("Melding M-{nummer} is in behandeling"),
            "Beste melder,\n\nJeugdoverlast: We komen morgen kijken.\n\nGemeente Vijfheerenlanden"
                .to_string()
        )]
    );
    // The receipt knows the number too, though it is handed out only when the melding is written.
    let r = b
        .post(
            "/meldingen/inrichting/mail/ontvangen",
            &[
                ("actief", "ja"),
                ("onderwerp", "Melding {{nummer}} ontvangen"),
                ("tekst", "Status: {{status}}"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = public_post(
        &app,
        &serde_json::json!({"categorie": "jeugdoverlast", "omschrijving": "Weer jongeren op scooters op de stoep.",
            "locatie": {}, "anoniem": false, "email": "buurman2@example.nl"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let receipt: (String, String) = sqlx::query(
        "SELECT subject, body_text FROM mail_outbox WHERE to_address = 'buurman2@example.nl'",
    )
    .fetch_one(app.db.pool())
    .await
    .map(|r| {
        (
            r.try_get("subject").unwrap(),
            r.try_get("body_text").unwrap(),
        )
    })
    .unwrap();
    assert_eq!(
        receipt,
        (
            format!("Melding M-{} ontvangen", nummer + 1),
            "Status: Gemeld".to_string()
        )
    );
}

/// The id in a redirect to a melding's page.
fn melding_id_from(page: &Page) -> String {
    page.location()
        .unwrap()
        .trim_start_matches("/meldingen/")
        .to_string()
}

/// A colleague registers a melding from a phone call. Open meldingen at the same door (typed
/// differently) or within 50 metres come first, to register anyway or as a duplicate of one;
/// errors name the field and store nothing; the colleague is the author in the history and
/// the audit log.
#[tokio::test]
async fn colleagues_register_meldingen_warned_of_open_ones_at_the_same_place() {
    let app = spawn_app().await;
    for locatie in [
        serde_json::json!({"adres": "Voorstraat 1, 4132 AP Vianen"}),
        serde_json::json!({"lat": 51.9917, "lon": 5.0917}),
    ] {
        let r = public_post(
            &app,
            &serde_json::json!({"categorie": "drugsoverlast", "omschrijving": "Veel komen en gaan bij een woning.",
                "locatie": locatie, "anoniem": true}),
        )
        .await;
        assert_eq!(r.status(), 201);
    }
    let mut b = app
        .browser_as("hh@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    let list = b.get("/meldingen").await;
    assert!(list.body.contains("href=\"/meldingen/nieuw\""));
    let start = b.get("/meldingen/nieuw").await;
    assert_eq!(start.status, 200);
    assert!(start
        .body
        .contains("href=\"/meldingen/nieuw/drugsoverlast\""));
    let form = b.get("/meldingen/nieuw/drugsoverlast").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("name=\"kanaal\""));
    let path = "/meldingen/nieuw/drugsoverlast";
    let fields = |extra: &[(&'static str, &'static str)]| {
        let mut v = vec![
            (
                "omschrijving",
                "Buurman belt: weer veel verkeer bij de woning.",
            ),
            ("contact", "contact"),
            ("email", "buurman@example.nl"),
        ];
        v.extend_from_slice(extra);
        v
    };
    let at_door = [
        ("locatie", "adres"),
        ("adres", "voorstraat 1, 4132AP Vianen"),
    ];

    // No channel: the error next to the field and in the summary, nothing stored.
    let bad = post_multipart(&mut b, path, &fields(&at_door), &[]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Kies hoe de melding binnenkwam."));
    assert!(bad.body.contains("href=\"#veld-kanaal\""));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding").await, 2);

    // The same door, typed otherwise: warned, with M-1 and not the point of M-2; not stored yet.
    let mut warn_fields = fields(&at_door);
    warn_fields.push(("kanaal", "telefoon"));
    let warned = post_multipart(&mut b, path, &warn_fields, &[]).await;
    assert_eq!(warned.status, 200, "{}", warned.body);
    assert!(warned.body.contains("Mogelijk al gemeld"));
    assert!(warned.body.contains(">M-1</a>") && !warned.body.contains(">M-2</a>"));
    assert!(warned.body.contains("name=\"bevestigd\" value=\"ja\""));
    assert!(
        warned.body.contains("Buurman belt"),
        "what was typed is kept"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding").await, 2);

    // Registered as a duplicate of M-1.
    let mut dup_fields = warn_fields.clone();
    dup_fields.extend_from_slice(&[("bevestigd", "ja"), ("duplicaat_van", "1")]);
    let done = post_multipart(&mut b, path, &dup_fields, &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let id = melding_id_from(&done);
    let row = sqlx::query(
        "SELECT m.bron, d.nummer AS origineel FROM melding m JOIN melding d ON d.id = m.duplicaat_van WHERE m.id = $1",
    )
    .bind(&id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("bron"), "collega");
    assert_eq!(row.get::<i64, _>("origineel"), 1);
    let page = b.get(&format!("/meldingen/{id}")).await;
    assert!(page.body.contains("Test hh@example.nl") && page.body.contains("kanaal: Telefoon"));
    let created = app
        .audit_rows(&format!(
            "resource_type = 'melding' AND action = 'create' AND resource_id = '{id}'"
        ))
        .await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0].get::<String, _>("actor_name"),
        "Test hh@example.nl"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'buurman@example.nl'"
        )
        .await,
        1,
        "the receipt"
    );

    // A point some 30 metres from M-2 warns with the distance; one 200 metres away does not.
    let near = post_multipart(
        &mut b,
        path,
        &fields(&[
            ("locatie", "punt"),
            ("lat", "51.99197"),
            ("lon", "5.0917"),
            ("kanaal", "balie"),
        ]),
        &[],
    )
    .await;
    assert_eq!(near.status, 200);
    assert!(near.body.contains(">M-2</a>") && near.body.contains("Afstand: 30 m)"));
    let far = post_multipart(
        &mut b,
        path,
        &fields(&[
            ("locatie", "punt"),
            ("lat", "51.9935"),
            ("lon", "5.0917"),
            ("kanaal", "balie"),
        ]),
        &[],
    )
    .await;
    assert_eq!(far.status, 303, "{}", far.body);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding").await, 4);

    // Who does not work meldingen registers none.
    let mut analist = app
        .browser_as("an@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    assert_eq!(analist.get("/meldingen/nieuw").await.status, 403);
    let refused = post_multipart(&mut analist, path, &warn_fields, &[]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding").await, 4);
}

/// Related meldingen are linked both ways and unlinked; a duplicate merged into its original
/// closes, hands over its photos and text, and its reporter follows the original: the public
/// status is the original's and the original's status mails reach them too. Chains are refused.
#[tokio::test]
async fn related_meldingen_are_linked_and_a_duplicate_is_merged_into_its_original() {
    use base64::Engine;
    let app = spawn_app().await;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&*JPEG);
    for (email, omschrijving, fotos) in [
        (
            "eerste@example.nl",
            "Hennepgeur bij de loods aan de dijk.",
            serde_json::json!([]),
        ),
        (
            "tweede@example.nl",
            "Sterke wietlucht rond de loods, ramen afgeplakt.",
            serde_json::json!([{ "data": b64 }]),
        ),
        (
            "derde@example.nl",
            "Busjes laden 's nachts bij dezelfde loods.",
            serde_json::json!([]),
        ),
    ] {
        let r = public_post(
            &app,
            &serde_json::json!({"categorie": "drugsoverlast", "omschrijving": omschrijving,
                "locatie": {"adres": "Lingedijk 3, 4142 LD Leerdam"}, "anoniem": false, "email": email, "fotos": fotos}),
        )
        .await;
        assert_eq!(r.status(), 201);
    }
    let rows = sqlx::query("SELECT id, volgcode FROM melding ORDER BY nummer")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    let id = |i: usize| rows[i].get::<String, _>("id");
    let mut b = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;

    // Related, both ways; itself or an unknown number is an error next to the field.
    for (nummer, status) in [("M-3", 422), ("M-99", 422), ("m-1", 303)] {
        let r = b
            .post(
                &format!("/meldingen/{}/relatie", id(2)),
                &[("gerelateerd", nummer)],
            )
            .await;
        assert_eq!(r.status, status, "{nummer}: {}", r.body);
        if status == 422 {
            assert!(r
                .body
                .contains("Vul het nummer van een andere, bestaande melding in."));
        }
    }
    let first = b.get(&format!("/meldingen/{}", id(0))).await;
    assert!(first.body.contains("Gerelateerde meldingen"));
    assert!(first
        .body
        .contains(&format!("href=\"/meldingen/{}\">M-3</a>", id(2))));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding_relatie").await, 2);
    let r = b
        .post(
            &format!("/meldingen/{}/ontkoppel", id(0)),
            &[("ontkoppel", id(2).as_str())],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM melding_relatie").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM melding_historie WHERE soort = 'relatie-weg'"
        )
        .await,
        2
    );

    // M-2 merged into M-1.
    let r = b
        .post(
            &format!("/meldingen/{}/samenvoegen", id(1)),
            &[("samenvoegen_met", "M-1")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let merged = sqlx::query(
        "SELECT status, samengevoegd_in, duplicaat_van, gesloten_at FROM melding WHERE id = $1",
    )
    .bind(id(1))
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(merged.get::<String, _>("status"), "afgehandeld");
    assert_eq!(merged.get::<String, _>("samengevoegd_in"), id(0));
    assert_eq!(merged.get::<String, _>("duplicaat_van"), id(0));
    assert!(merged.get::<Option<i64>, _>("gesloten_at").is_some());
    let photos_of_first =
        sqlx::query("SELECT COUNT(*) AS n FROM melding_foto WHERE melding_id = $1")
            .bind(id(0))
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get::<i64, _>("n");
    assert_eq!(photos_of_first, 1, "the photo moved to the original");
    let first = b.get(&format!("/meldingen/{}", id(0))).await;
    assert!(first.body.contains("Hierin samengevoegd"));
    assert!(
        first.body.contains("Sterke wietlucht rond de loods"),
        "its text in the history"
    );
    let second = b.get(&format!("/meldingen/{}", id(1))).await;
    assert!(second.body.contains("Samengevoegd met") && !second.body.contains("samenvoegen_met"));

    // No chains: not into a merged melding, and not the original into another.
    for (from, into) in [(2, "M-2"), (0, "M-3")] {
        let r = b
            .post(
                &format!("/meldingen/{}/samenvoegen", id(from)),
                &[("samenvoegen_met", into)],
            )
            .await;
        assert_eq!(r.status, 422, "{into}");
        assert!(r.body.contains("al samengevoegd"), "{}", r.body);
    }

    // The reporter of M-2 follows M-1.
    let code = rows[1].get::<String, _>("volgcode");
    let status = |code: String| {
        let base = app.base.clone();
        async move {
            reqwest::get(format!("{base}/api/v1/public/meldingen/{code}"))
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let v = status(code.clone()).await;
    assert_eq!(v["samengevoegd"], true);
    assert_eq!(v["status"], "gemeld", "the original's status");
    // A question to the reporter goes out by default, with the question in it.
    for (status, text) in [
        ("in-behandeling", ""),
        ("wacht-op-melder", "Op welk huisnummer ziet u de overlast?"),
    ] {
        let r = b
            .post(
                &format!("/meldingen/{}/status", id(0)),
                &[("status", status), ("toelichting", text)],
            )
            .await;
        assert_eq!(r.status, 303, "{status}: {}", r.body);
    }
    let asked = sqlx::query(
        "SELECT body_text FROM mail_outbox WHERE to_address = 'eerste@example.nl' \
         AND subject = 'Wij hebben een vraag over uw melding'",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(asked.len(), 1);
    assert!(asked[0]
        .get::<String, _>("body_text")
        .contains("Op welk huisnummer ziet u de overlast?"));
    let r = b
        .post(
            &format!("/meldingen/{}/status", id(0)),
            &[("status", "afgehandeld"), ("toelichting", "Pand gesloten")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(status(code).await["status"], "afgehandeld");
    for to in ["eerste@example.nl", "tweede@example.nl"] {
        let closed = count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM mail_outbox WHERE to_address = '{to}' AND subject = 'Uw melding is afgehandeld'"
            ),
        )
        .await;
        assert_eq!(closed, 1, "{to}");
    }
}

/// The work queue gives, for random combinations of one to three filters (every filter of the
/// queue), each sort and pages beyond the first, exactly the meldingen and count that a plain
/// filter over all rows gives, on the backend under test.
#[tokio::test]
async fn meldingen_queue_matches_a_plain_filter_for_random_combinations() {
    use rand::{Rng, SeedableRng};
    let app = spawn_app().await;
    ::meldingen::bulk::seed(&app.db, 300, 11).await.unwrap();
    let (user_id, _) = app
        .user("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv, false)
        .await;
    // Some meldingen with the user as behandelaar, some with a colleague, some with no team.
    for (sql, value) in [
        (
            "UPDATE melding SET behandelaar_id = $1, behandelaar_naam = 'Ik' WHERE nummer % 5 = 0",
            user_id.as_str(),
        ),
        (
            "UPDATE melding SET behandelaar_id = $1, behandelaar_naam = 'Collega' WHERE nummer % 7 = 0",
            "collega",
        ),
        (
            "UPDATE melding SET team_id = NULL WHERE nummer % 11 = 3 AND status <> $1",
            "",
        ),
    ] {
        sqlx::query(sql)
            .bind(value)
            .execute(app.db.pool())
            .await
            .unwrap();
    }
    struct M {
        id: String,
        nummer: i64,
        status: String,
        categorie: String,
        thema: String,
        team: Option<String>,
        behandelaar: Option<String>,
        wijk: Option<String>,
        buurt: Option<String>,
        created_at: i64,
        termijn: String,
    }
    let all: Vec<M> = sqlx::query(
        "SELECT m.id, m.nummer, m.status, m.categorie, c.thema, t.slug AS team, m.behandelaar_id, \
         m.wijk, m.buurt, m.created_at, m.termijn_datum FROM melding m \
         JOIN melding_categorie c ON c.slug = m.categorie LEFT JOIN teams t ON t.id = m.team_id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| M {
        id: r.try_get("id").unwrap(),
        nummer: r.try_get("nummer").unwrap(),
        status: r.try_get("status").unwrap(),
        categorie: r.try_get("categorie").unwrap(),
        thema: r.try_get("thema").unwrap(),
        team: r.try_get("team").unwrap(),
        behandelaar: r.try_get("behandelaar_id").unwrap(),
        wijk: r.try_get("wijk").unwrap(),
        buurt: r.try_get("buurt").unwrap(),
        created_at: r.try_get("created_at").unwrap(),
        termijn: r.try_get("termijn_datum").unwrap(),
    })
    .collect();
    assert_eq!(all.len(), 300);
    let principal = identity::load_principal(&app.db, &user_id)
        .await
        .unwrap()
        .unwrap();
    let words = ::meldingen::bulk::search_words();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20);
    for round in 0..60 {
        // Values mostly taken from a random melding, so that selections are rarely empty.
        let like = &all[rng.gen_range(0..all.len())];
        let mut f = ::meldingen::store::Filter::default();
        let mut hits: Option<std::collections::HashSet<String>> = None;
        let k = rng.gen_range(1..=3);
        for d in rand::seq::index::sample(&mut rng, 9, k) {
            match d {
                0 => f.status = Some(like.status.clone()),
                1 => f.categorie = Some(like.categorie.clone()),
                2 => f.thema = Some(like.thema.clone()),
                3 => f.wijk = like.wijk.clone().or(Some("WK196100".into())),
                4 => f.buurt = like.buurt.clone().or(Some("BU19610000".into())),
                5 => f.team = Some(like.team.clone().unwrap_or("geen".into())),
                6 => {
                    f.behandelaar = Some(match rng.gen_range(0..3) {
                        0 => user_id.clone(),
                        1 => "collega".into(),
                        _ => "geen".into(),
                    })
                }
                7 => {
                    let day = platform::db::date_nl(like.created_at);
                    let span = jiff::Span::new().days(rng.gen_range(0..200));
                    f.van = Some(day.checked_sub(span).unwrap().to_string());
                    if rng.gen_bool(0.5) {
                        f.tot = Some(day.checked_add(span).unwrap().to_string());
                    }
                }
                _ => {
                    let w = words[rng.gen_range(0..words.len())];
                    hits = Some(
                        platform::search::search(&app.db, "melding", w, 100_000)
                            .await
                            .unwrap()
                            .into_iter()
                            .map(|h| h.ref_id)
                            .collect(),
                    );
                    f.q = Some(w.to_string());
                }
            }
        }
        let sort = ["nieuwste", "oudste", "termijn", "nummer"][round % 4];
        f.sort = Some(sort.to_string());
        let day = |ms: i64| platform::db::date_nl(ms).to_string();
        let mut expected: Vec<&M> = all
            .iter()
            .filter(|m| f.status.as_ref().is_none_or(|s| m.status == *s))
            .filter(|m| f.categorie.as_ref().is_none_or(|s| m.categorie == *s))
            .filter(|m| f.thema.as_ref().is_none_or(|s| m.thema == *s))
            .filter(|m| f.wijk.is_none() || m.wijk == f.wijk)
            .filter(|m| f.buurt.is_none() || m.buurt == f.buurt)
            .filter(|m| match f.team.as_deref() {
                None => true,
                Some("geen") => m.team.is_none(),
                Some(t) => m.team.as_deref() == Some(t),
            })
            .filter(|m| match f.behandelaar.as_deref() {
                None => true,
                Some("geen") => m.behandelaar.is_none(),
                Some(b) => m.behandelaar.as_deref() == Some(b),
            })
            .filter(|m| f.van.as_ref().is_none_or(|v| day(m.created_at) >= *v))
            .filter(|m| f.tot.as_ref().is_none_or(|t| day(m.created_at) <= *t))
            .filter(|m| hits.as_ref().is_none_or(|h| h.contains(&m.id)))
            .collect();
        expected.sort_by(|a, b| match sort {
            "oudste" => (a.created_at, a.nummer).cmp(&(b.created_at, b.nummer)),
            "termijn" => (&a.termijn, a.nummer).cmp(&(&b.termijn, b.nummer)),
            "nummer" => a.nummer.cmp(&b.nummer),
            _ => (b.created_at, b.nummer).cmp(&(a.created_at, a.nummer)),
        });
        let expected: Vec<i64> = expected.iter().map(|m| m.nummer).collect();
        let (limit, offset) = if round % 2 == 0 {
            (1000, 0)
        } else {
            (7, 7 * rng.gen_range(0..4))
        };
        f.limit = limit;
        f.offset = offset;
        let auth = platform::access::authorize_as::<platform::access::act::List, _>(
            &app.db,
            &platform::access::RequestContext::new("web"),
            &principal,
            ::meldingen::access::Werkvoorraad,
            platform::access::Purpose::Uitvoering,
        )
        .await
        .unwrap();
        let listing = ::meldingen::store::list(&app.db, &auth, &f).await.unwrap();
        let got: Vec<i64> = listing.items.iter().map(|s| s.nummer).collect();
        let page: Vec<i64> = expected
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .copied()
            .collect();
        assert_eq!(got, page, "round {round}: {f:?}");
        let cap = offset + ::meldingen::store::COUNT_AHEAD;
        assert_eq!(
            (listing.total, listing.more),
            (
                (expected.len() as i64).min(cap),
                expected.len() as i64 > cap
            ),
            "round {round}: {f:?}"
        );
    }
}

#[tokio::test]
async fn a_selection_of_meldingen_is_changed_at_once_each_on_its_own_record() {
    let app = spawn_app().await;
    ::meldingen::seed_demo(&app.db).await.unwrap();
    let (hh, _) = app
        .user("hh@example.nl", "vijfheerenlanden", Role::Handhaver, true)
        .await;
    let mut b = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let ids: Vec<String> =
        sqlx::query("SELECT id FROM melding WHERE status = 'gemeld' ORDER BY nummer LIMIT 3")
            .fetch_all(app.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("id").unwrap())
            .collect();
    assert_eq!(ids.len(), 3);
    // The queue offers a checkbox per row, joined to the form under it.
    let list = b.get("/meldingen").await;
    assert!(list.body.contains(&format!(
        "value=\"{}\" id=\"kies-{}\" form=\"bulk\"",
        ids[0], ids[0]
    )));
    assert!(list
        .body
        .contains("<form class=\"baken-form\" id=\"bulk\" action=\"/meldingen/bulk\""));
    let before = app
        .audit_rows("resource_type = 'melding' AND action = 'update' AND outcome = 'allowed'")
        .await
        .len();

    // Nothing chosen, or nothing to change: told so, nothing changes.
    let none = b
        .post("/meldingen/bulk", &[("nieuwe-status", "in-behandeling")])
        .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("Er is geen melding gekozen"));
    let nothing = b.post("/meldingen/bulk", &[("id", ids[0].as_str())]).await;
    assert_eq!(nothing.status, 422);
    assert!(nothing
        .body
        .contains("Kies een nieuwe status, een team of een behandelaar"));

    // Three at once: in behandeling, with a handler.
    let done = b
        .post(
            "/meldingen/bulk",
            &[
                ("id", ids[0].as_str()),
                ("id", ids[1].as_str()),
                ("id", ids[2].as_str()),
                ("nieuwe-status", "in-behandeling"),
                ("nieuwe-behandelaar", hh.as_str()),
                ("terug", "/meldingen?status=gemeld"),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("3 meldingen gewijzigd."));
    assert!(done.body.contains("href=\"/meldingen?status=gemeld\""));
    let changed = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM melding WHERE status = 'in-behandeling' AND behandelaar_id = '{hh}' \
             AND id IN ('{}', '{}', '{}')",
            ids[0], ids[1], ids[2]
        ),
    )
    .await;
    assert_eq!(changed, 3);
    // One audit record and one history line each, as from the melding's own page.
    let after = app
        .audit_rows("resource_type = 'melding' AND action = 'update' AND outcome = 'allowed'")
        .await
        .len();
    assert_eq!(after - before, 3);
    assert_eq!(
        platform::notify::list(&app.db, &hh, 10)
            .await
            .unwrap()
            .len(),
        3
    );

    // Closing needs an explanation: each is refused with the reason and a link, none closes; a
    // way back elsewhere than the queue is not followed.
    let refused = b
        .post(
            "/meldingen/bulk",
            &[
                ("id", ids[0].as_str()),
                ("id", ids[1].as_str()),
                ("nieuwe-status", "afgehandeld"),
                ("terug", "https://example.org/"),
            ],
        )
        .await;
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("Niet gewijzigd"));
    assert!(refused
        .body
        .contains(&format!("href=\"/meldingen/{}\"", ids[0])));
    assert!(!refused.body.contains("example.org"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM melding WHERE status = 'afgehandeld' AND behandelaar_id IS NOT NULL").await,
        0
    );

    // Someone outside the meldingen roles may not use it.
    let mut analist = app
        .browser_as("an@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    let r = analist
        .post(
            "/meldingen/bulk",
            &[("id", ids[0].as_str()), ("nieuwe-status", "geannuleerd")],
        )
        .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn advisers_keep_standard_texts_that_handlers_use_as_the_reply() {
    let app = spawn_app().await;
    ::meldingen::seed_demo(&app.db).await.unwrap();
    let row = sqlx::query(
        "SELECT id, categorie FROM melding WHERE status = 'gemeld' AND categorie IS NOT NULL \
         ORDER BY nummer LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let (id, categorie): (String, String) = (
        row.try_get("id").unwrap(),
        row.try_get("categorie").unwrap(),
    );
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    // A text without a title or words is refused next to its fields, the input kept.
    let bad = iv
        .post(
            "/meldingen/standaardteksten",
            &[
                ("categorie", categorie.as_str()),
                ("titel", ""),
                ("tekst", "  "),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad
        .body
        .contains("Geef een titel van hoogstens 120 tekens."));
    assert!(bad
        .body
        .contains("Geef een tekst van hoogstens 4000 tekens."));
    let reply = "Wij hebben de situatie bekeken en de eigenaar aangesproken. Dank voor uw melding.";
    let made = iv
        .post(
            "/meldingen/standaardteksten",
            &[
                ("categorie", categorie.as_str()),
                ("titel", "Eigenaar aangesproken"),
                ("tekst", reply),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let text_id: String = sqlx::query("SELECT id FROM melding_standaardtekst")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    assert_eq!(
        app.audit_rows("resource_type = 'melding-standaardtekst' AND action = 'create'")
            .await
            .len(),
        1
    );

    // The handler sees it in the status form of a melding of that category and closes with it.
    let mut hh = app
        .browser_as("hh@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    let page = hh.get(&format!("/meldingen/{id}")).await;
    assert!(page.body.contains(&format!(
        "<option value=\"{text_id}\">Eigenaar aangesproken</option>"
    )));
    for step in ["in-behandeling", "afgehandeld"] {
        let r = hh
            .post(
                &format!("/meldingen/{id}/status"),
                &[
                    ("status", step),
                    ("toelichting", ""),
                    ("standaardtekst", text_id.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{step}: {}", r.body);
    }
    let told = count(
        &app,
        &format!(
            "SELECT COUNT(*) FROM melding_historie WHERE melding_id = '{id}' AND toelichting = '{reply}'"
        ),
    )
    .await;
    assert_eq!(told, 2);
    // Handlers use the texts but do not keep them.
    let r = hh
        .post(
            "/meldingen/standaardteksten",
            &[
                ("categorie", categorie.as_str()),
                ("titel", "x"),
                ("tekst", "y"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(hh.get("/meldingen/standaardteksten").await.status, 200);
    // Removed, it is offered no more.
    let r = iv
        .post(
            &format!("/meldingen/standaardteksten/{text_id}/verwijderen"),
            &[],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(!iv
        .get("/meldingen/standaardteksten")
        .await
        .body
        .contains("Eigenaar aangesproken"));
}
