//! Black-box tests of the bibob module, on SQLite and (in CI) PostgreSQL.

use super::*;

/// An API token for a user, made through the store as the user would on the account page.
async fn token(app: &App, user_id: &str) -> String {
    let p = identity::load_principal(&app.db, user_id)
        .await
        .unwrap()
        .unwrap();
    let auth = platform::access::authorize(
        &app.db,
        &platform::access::RequestContext::new("cli"),
        &p,
        platform::access::Action::Create,
        platform::access::ApiTokens {
            user_id: user_id.into(),
        },
        platform::access::Purpose::EigenGegevens,
    )
    .await
    .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    let t = identity::create_token(&mut tx, &auth, "test", None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    t
}

async fn post_json(
    app: &App,
    path: &str,
    token: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", app.base))
        .header("authorization", format!("Bearer {token}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or_default())
}

/// A screening made by the coordinator through the API; returns its id.
async fn screening(app: &App, coordinator: &str, aanvraag_op: &str) -> String {
    let (status, body) = post_json(
        app,
        "/api/v1/bibob/screenings",
        coordinator,
        serde_json::json!({
            "soort": "exploitatievergunning",
            "aanvraag": "Z-2026-0001 exploitatievergunning (test)",
            "aanvraag_op": aanvraag_op,
            "bedrijf": "Test Horeca B.V.",
            "kvk": "12345678",
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_screening_runs_from_application_to_decision_with_the_lbb_advice_and_a_suspended_deadline(
) {
    let app = spawn_app().await;
    let org = "vijfheerenlanden";
    let (coord_id, _) = app
        .user("coord@example.nl", org, Role::BibobCoordinator, true)
        .await;
    let mut coord = app
        .browser_as("coord2@example.nl", org, Role::BibobCoordinator)
        .await;
    let mut mayor = app
        .browser_as("burgemeester@example.nl", org, Role::Burgemeester)
        .await;
    let mayor_id = identity::user_id_by_email(&app.db, "burgemeester@example.nl")
        .await
        .unwrap();

    // The menu shows the module to the coordinator only.
    let home = coord.get("/").await;
    assert!(home.body.contains("href=\"/bibob\""));
    assert!(!mayor.get("/").await.body.contains("href=\"/bibob\""));

    // A wrong KvK number and a kind screened only on a signal without one: 422, input kept.
    let page = coord
        .post(
            "/bibob/nieuw",
            &[
                ("soort", "subsidie"),
                ("aanvraag", "S-2026-12 subsidie"),
                ("aanvraag_op", "2026-09-01"),
                ("bedrijf", "Stichting Proef"),
                ("kvk", "123"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Een KvK-nummer heeft 8 cijfers"));
    assert!(page.body.contains("alleen bij een signaal"));
    assert!(page.body.contains("Stichting Proef"));

    // The coordinator changes the policy: subsidies always, then no signal is needed.
    let mut policy = vec![
        ("toets-alcoholvergunning", "altijd"),
        ("toets-exploitatievergunning", "altijd"),
        ("toets-omgevingsvergunning", "bij-signaal"),
        ("toets-opiumwet-ontheffing", "altijd"),
        ("toets-subsidie", "nooit"),
        ("toets-vastgoedtransactie", "bij-signaal"),
        ("toets-overheidsopdracht", "bij-signaal"),
    ];
    let page = coord.post("/bibob/beleid", &policy).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    policy[4].1 = "altijd";
    let page = coord.post("/bibob/beleid", &policy).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = coord
        .post(
            "/bibob/nieuw",
            &[
                ("soort", "subsidie"),
                ("aanvraag", "S-2026-13 subsidie"),
                ("aanvraag_op", "2026-09-01"),
                ("bedrijf", "Stichting Proef"),
                ("kvk", "12345678"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // The policy always screens an exploitatievergunning.
    let page = coord
        .post(
            "/bibob/nieuw",
            &[
                ("soort", "exploitatievergunning"),
                ("aanvraag", "Z-2026-0042 exploitatievergunning café"),
                ("aanvraag_op", "2026-09-01"),
                ("beslistermijn", "2026-10-27"),
                ("bedrijf", "Café Proef B.V."),
                ("kvk", "87654321"),
                ("plaats_id", "plaats-1"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = page
        .location()
        .unwrap()
        .trim_start_matches("/bibob/")
        .to_string();
    assert!(::bibob::exists_for_place(&app.db, "plaats-1")
        .await
        .unwrap());
    assert!(!::bibob::exists_for_place(&app.db, "plaats-2")
        .await
        .unwrap());

    // The mayor is not named yet: refused.
    assert_eq!(
        mayor.get(&format!("/bibob/{id}")).await.status,
        StatusCode::FORBIDDEN
    );

    let steps: [(&str, Vec<(&str, &str)>); 6] = [
        ("beslissers", vec![("beslissers", mayor_id.as_str())]),
        (
            "vragenformulier",
            vec![
                ("vragen_verzonden", "2026-09-02"),
                ("vragen_ontvangen", "2026-09-10"),
                ("antwoord_financiering", "Lening van een onbekende derde"),
            ],
        ),
        (
            "bron",
            vec![
                ("bron", "politie-infodesk"),
                ("geraadpleegd_op", "2026-09-12"),
                ("bevindingen", "Financier bekend in verband met witwassen"),
            ],
        ),
        (
            "lbb",
            vec![
                ("lbb_gevraagd", "2026-09-15"),
                ("betrokkene_geinformeerd", "2026-09-15"),
                ("lbb_verlengd", "ja"),
            ],
        ),
        (
            "vraag",
            vec![
                ("gesteld_op", "2026-10-01"),
                ("onderwerp", "Herkomst van de lening"),
            ],
        ),
        (
            "advies",
            vec![
                ("advies_op", "2026-12-01"),
                ("advies_niveau", "mindere-mate"),
                (
                    "advies_samenvatting",
                    "Mindere mate van gevaar door de financier",
                ),
            ],
        ),
    ];
    for (step, fields) in &steps {
        assert_eq!(
            coord.get(&format!("/bibob/{id}/{step}")).await.status,
            StatusCode::OK,
            "{step}"
        );
        let page = coord.post(&format!("/bibob/{id}/{step}"), fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{step}: {}", page.body);
    }
    // An attachment to the questionnaire: a PDF is kept, anything else refused next to the field.
    let bad = super::meldingen::post_multipart(
        &mut coord,
        &format!("/bibob/{id}/bijlage"),
        &[("omschrijving", "Uittreksel")],
        &[("bestand", "kvk.pdf", b"MZ\x90\x00 not a pdf")],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("alleen PDF, JPEG of PNG"));
    let saved = super::meldingen::post_multipart(
        &mut coord,
        &format!("/bibob/{id}/bijlage"),
        &[("omschrijving", "KvK-uittreksel")],
        &[("bestand", "kvk.pdf", b"%PDF-1.7 fictief uittreksel")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = coord.get(&format!("/bibob/{id}")).await;
    let href = page
        .body
        .split("href=\"")
        .map(|h| h.split('"').next().unwrap_or(""))
        .find(|h| h.starts_with(&format!("/bibob/{id}/bijlagen/")))
        .unwrap()
        .to_string();
    let (status, _, bytes) = coord.get_bytes(&href).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes.starts_with(b"%PDF-1.7"));

    // The extra question is answered a week later.
    let ctoken = token(&app, &coord_id).await;
    let r = api_get(
        &app,
        &format!("/api/v1/bibob/screenings/{id}"),
        Some(&format!("Bearer {ctoken}")),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let detail: serde_json::Value = r.json().await.unwrap();
    let vraag = detail["vragen"][0]["id"].as_str().unwrap().to_string();
    let page = coord
        .post(
            &format!("/bibob/{id}/antwoord"),
            &[("vraag", &vraag), ("beantwoord_op", "2026-10-08")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // The named mayor decides; a negative decision needs the intention first.
    assert_eq!(
        mayor.get(&format!("/bibob/{id}/advies")).await.status,
        StatusCode::FORBIDDEN,
        "the decider does not record the advice"
    );
    let page = mayor
        .post(
            &format!("/bibob/{id}/besluit"),
            &[
                ("besluit", "weigeren"),
                ("besluit_op", "2026-12-20"),
                ("evenredigheid", "Ernstig genoeg"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Leg eerst het voornemen vast"));
    assert!(page.body.contains("Ernstig genoeg"));
    for (step, fields) in [
        (
            "voornemen",
            vec![
                ("voornemen_op", "2026-12-03"),
                ("voornemen", "Verlenen onder voorschriften"),
                ("zienswijze_op", "2026-12-17"),
                ("zienswijze", "Geen bezwaar tegen de voorschriften"),
            ],
        ),
        (
            "besluit",
            vec![
                ("besluit", "verlenen-onder-voorwaarden"),
                ("besluit_op", "2026-12-20"),
                (
                    "evenredigheid",
                    "Mindere mate van gevaar; voorschriften volstaan",
                ),
                (
                    "voorschriften",
                    "Geen financiering door derden zonder melding",
                ),
            ],
        ),
    ] {
        let page = mayor.post(&format!("/bibob/{id}/{step}"), &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{step}: {}", page.body);
    }

    let page = mayor.get(&format!("/bibob/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Vertrouwelijk (art. 28 Wet Bibob)",
        "Mindere mate van gevaar",
        "Verlenen onder voorschriften",
        "Tijdlijn",
        "Einde opschorting",
        "Herkomst van de lening",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(mayor.get("/bibob").await.body.contains("Café Proef B.V."));
    // The draft letters of the steps taken, each marked confidential.
    for (letter, text) in [
        (
            "adviesaanvraag",
            "Landelijk Bureau Bibob om advies gevraagd",
        ),
        ("besluit", "bezwaar maken"),
    ] {
        let page = mayor.get(&format!("/bibob/{id}/brief/{letter}")).await;
        assert_eq!(page.status, StatusCode::OK, "{letter}");
        assert!(page.body.contains(text), "{letter}");
        assert!(page.body.contains("Vertrouwelijk (art. 28 Wet Bibob)"));
    }

    // 12 weeks from 15 September (extended) plus 7 days of the question; the advice came on
    // 1 December: 77 days suspended, the deadline of 27 October moves to 12 January.
    let r = api_get(
        &app,
        &format!("/api/v1/bibob/screenings/{id}"),
        Some(&format!("Bearer {ctoken}")),
    )
    .await;
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!(d["vertrouwelijk"], "Vertrouwelijk (art. 28 Wet Bibob)");
    let o = &d["opschorting"];
    assert_eq!(o["adviestermijn"], "2026-12-08", "{d}");
    assert_eq!(o["uiterlijk"], "2026-12-15");
    assert_eq!(o["einde"], "2026-12-01");
    assert_eq!(o["dagen"], 77);
    assert_eq!(o["beslistermijn"], "2027-01-12");
    assert_eq!(d["besluit"], "verlenen-onder-voorwaarden");
    assert_eq!(d["vernietigen_na"], "2031-12-20");
    assert_eq!(d["beslissers"][0], mayor_id.as_str());

    // Every read was audited, the mayor's too.
    let reads = app
        .audit_rows(&format!(
            "resource_type = 'bibob-screening' AND resource_id = '{id}' AND action = 'read' \
             AND outcome = 'allowed' AND actor_user_id = '{mayor_id}'"
        ))
        .await;
    assert!(!reads.is_empty());
}

#[tokio::test]
async fn every_other_role_is_refused_on_pages_and_api_and_each_refusal_is_audited() {
    let app = spawn_app().await;
    let org = "vijfheerenlanden";
    let (coord_id, _) = app
        .user("coord@example.nl", org, Role::BibobCoordinator, true)
        .await;
    let coordinator = token(&app, &coord_id).await;
    let id = screening(&app, &coordinator, "2026-09-01").await;

    let mut others: Vec<(Role, &str)> = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::BibobCoordinator)
        .map(|r| (r, org))
        .collect();
    // A coordinator role held by a partner's account gives nothing either.
    others.push((Role::BibobCoordinator, "politie-lekpoort"));
    others.push((Role::Ketenpartner, "politie-lekpoort"));
    for (n, (role, org)) in others.into_iter().enumerate() {
        let email = format!("ander{n}@example.nl");
        let mut b = app.browser_as(&email, org, role).await;
        let user_id = identity::user_id_by_email(&app.db, &email).await.unwrap();
        for path in [
            format!("/bibob/{id}"),
            format!("/bibob/{id}/advies"),
            "/bibob".to_string(),
            "/bibob/nieuw".to_string(),
            "/bibob/beleid".to_string(),
        ] {
            let page = b.get(&path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{role:?} {org} {path}");
            assert!(!page.body.contains("Test Horeca"));
        }
        assert!(!b.get("/").await.body.contains("href=\"/bibob\""));
        let t = token(&app, &user_id).await;
        for path in [
            format!("/api/v1/bibob/screenings/{id}"),
            "/api/v1/bibob/screenings".to_string(),
        ] {
            let r = api_get(&app, &path, Some(&format!("Bearer {t}"))).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role:?} {org} {path}");
            assert!(!r.text().await.unwrap().contains("Test Horeca"));
        }
        let (status, _) = post_json(
            &app,
            &format!("/api/v1/bibob/screenings/{id}/stappen/advies"),
            &t,
            serde_json::json!({"advies_op": "2026-12-01", "advies_niveau": "geen"}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} {org}");
        let denied = app
            .audit_rows(&format!(
                "actor_user_id = '{user_id}' AND outcome = 'denied' AND resource_id = '{id}'"
            ))
            .await;
        // Page read, step page, API read and API step: each refusal on the screening itself.
        assert!(denied.len() >= 4, "{role:?} {org}: {}", denied.len());
    }
    // The screening is untouched.
    let r = api_get(
        &app,
        &format!("/api/v1/bibob/screenings/{id}"),
        Some(&format!("Bearer {coordinator}")),
    )
    .await;
    let d: serde_json::Value = r.json().await.unwrap();
    assert!(d["advies_op"].is_null());
}

#[tokio::test]
async fn retention_destroys_a_screening_decided_more_than_five_years_ago() {
    let app = spawn_app().await;
    let (coord_id, _) = app
        .user(
            "coord@example.nl",
            "vijfheerenlanden",
            Role::BibobCoordinator,
            true,
        )
        .await;
    let t = token(&app, &coord_id).await;
    let old = screening(&app, &t, "2019-03-01").await;
    let recent = screening(&app, &t, "2026-03-01").await;
    for (id, op) in [(&old, "2019-06-03"), (&recent, "2026-06-01")] {
        let (status, body) = post_json(
            &app,
            &format!("/api/v1/bibob/screenings/{id}/stappen/besluit"),
            &t,
            serde_json::json!({
                "besluit": "verlenen",
                "besluit_op": op,
                "evenredigheid": "Geen gevaar vastgesteld",
            }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let open = screening(&app, &t, "2018-01-02").await;

    ::bibob::daily(&app.db).await.unwrap();

    let left: Vec<String> = sqlx::query("SELECT id FROM bibob_screening ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("id"))
        .collect();
    assert!(!left.contains(&old), "the old decided one is destroyed");
    assert!(left.contains(&recent) && left.contains(&open));
    let destroyed = app
        .audit_rows(&format!(
            "action = 'destroy' AND resource_type = 'bibob-screening' AND resource_id = '{old}'"
        ))
        .await;
    assert_eq!(destroyed.len(), 1);
    let r = api_get(
        &app,
        &format!("/api/v1/bibob/screenings/{old}"),
        Some(&format!("Bearer {t}")),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "{}",
        r.text().await.unwrap()
    );

    // The demo: one fictitious screening, its decider the demo mayor, made once.
    platform::seed::demo(&app.db).await.unwrap();
    ::bibob::seed_demo(&app.db).await.unwrap();
    ::bibob::seed_demo(&app.db).await.unwrap();
    let mayor = identity::user_id_by_email(&app.db, "burgemeester@vijfheerenlanden.demo")
        .await
        .unwrap();
    let demo = sqlx::query(
        "SELECT s.bedrijf FROM bibob_screening s JOIN bibob_beslisser b ON b.screening_id = s.id \
         WHERE b.user_id = $1",
    )
    .bind(&mayor)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(demo.len(), 1);
    assert!(demo[0].get::<String, _>("bedrijf").contains("(demo)"));
}
