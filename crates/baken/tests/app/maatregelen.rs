//! Maatregelen: measures with their procedure, deadlines, ladders and access.

use super::*;

async fn api_post(
    app: &App,
    path: &str,
    token: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{path}", app.base))
        .header("authorization", format!("Bearer {token}"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn staff(app: &App, email: &str, role: Role) -> (String, String) {
    let (_, secret) = app.user(email, "vijfheerenlanden", role, true).await;
    (cli_token(app, email), secret.unwrap())
}

fn tijdlijn<'a>(detail: &'a serde_json::Value, regel: &str) -> &'a serde_json::Value {
    detail["tijdlijn"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["regel"] == regel)
        .unwrap_or_else(|| panic!("no {regel} in {detail}"))
}

#[tokio::test]
async fn a_huisverbod_runs_from_imposition_to_extension_with_computed_dates() {
    let app = spawn_app().await;
    let (token, secret) = staff(&app, "burgemeester@example.nl", Role::Burgemeester).await;
    let r = api_post(
        &app,
        "/api/v1/maatregelen",
        &token,
        serde_json::json!({
            "soort": "huisverbod", "onderwerp": "A. Test", "locatie": "Dorpsstraat 1, Vianen",
            "datum": "2026-05-04", "bron": "politierapport", "referentie": "PL-1"
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    let id = v["maatregel"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        v["maatregel"]["grondslag"],
        "art. 2 en 9 Wet tijdelijk huisverbod"
    );
    let steps = format!("/api/v1/maatregelen/{id}/stappen");
    // No zienswijze in a huisverbod.
    let r = api_post(
        &app,
        &steps,
        &token,
        serde_json::json!({"soort": "voornemen", "datum": "2026-05-04"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = api_post(
        &app,
        &steps,
        &token,
        serde_json::json!({"soort": "afweging", "datum": "2026-05-04", "noodzaak": "gevaar", "evenredigheid": "10 dagen", "subsidiariteit": "niets lichters"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let r = api_post(
        &app,
        &steps,
        &token,
        serde_json::json!({"soort": "besluit", "datum": "2026-05-04"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    let einde = tijdlijn(&v, "huisverbod-einde");
    assert_eq!(einde["datum"], "2026-05-14");
    assert!(
        einde["uitleg"].as_str().unwrap().contains("tien dagen"),
        "{einde}"
    );
    assert_eq!(
        tijdlijn(&v, "huisverbod-verlenging-uiterlijk")["datum"],
        "2026-06-01"
    );
    // Too late: the first ten days have passed.
    let r = api_post(
        &app,
        &steps,
        &token,
        serde_json::json!({"soort": "verlenging", "datum": "2026-05-15", "tot": "2026-06-01"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "stap");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("eerste tien dagen"),
        "{problem}"
    );
    // Longer than 28 days: refused.
    let r = api_post(
        &app,
        &steps,
        &token,
        serde_json::json!({"soort": "verlenging", "datum": "2026-05-13", "tot": "2026-06-02"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = api_post(
        &app,
        &steps,
        &token,
        serde_json::json!({"soort": "verlenging", "datum": "2026-05-13", "tot": "2026-06-01"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    let verlengd = v["tijdlijn"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["wat"] == "Einde verlengd huisverbod")
        .unwrap();
    assert_eq!(verlengd["datum"], "2026-06-01");
    // The page shows the timeline with Dutch dates.
    let mut b = Browser::new(&app);
    b.login("burgemeester@example.nl", PASSWORD, Some(&secret))
        .await;
    let page = b.get(&format!("/maatregelen/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("donderdag 14 mei 2026"), "{}", page.body);
    assert!(page.body.contains("maandag 1 juni 2026"));
    assert!(page.body.contains("Einde verlengd huisverbod"));
}

#[tokio::test]
async fn a_besluit_is_refused_without_the_assessment() {
    let app = spawn_app().await;
    let (_, secret) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    let mut b = Browser::new(&app);
    b.login("jurist@example.nl", PASSWORD, Some(&secret)).await;
    let form = b.get("/maatregelen/nieuw").await;
    assert_eq!(form.status, 200);
    // Missing fields: 422 with the form and the input kept.
    let bad = b
        .post(
            "/maatregelen/nieuw",
            &[("onderwerp", "B. Test"), ("soort", "sluiting-174a")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("value=\"B. Test\""));
    let created = b
        .post(
            "/maatregelen/nieuw",
            &[
                ("onderwerp", "B. Test"),
                ("locatie", "Kerkstraat 2, Leerdam"),
                ("datum", "2026-02-02"),
                ("bron", "melding"),
                ("referentie", "M-77"),
                ("soort", "sluiting-174a"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let detail = created.location().unwrap();
    let step = format!("{detail}/stap");
    let r = b
        .post(&step, &[("soort", "voornemen"), ("datum", "2026-02-03")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = b
        .post(
            &step,
            &[
                ("soort", "zienswijze"),
                ("datum", "2026-02-03"),
                ("ontvangen", "ja"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let refused = b
        .post(&step, &[("soort", "besluit"), ("datum", "2026-02-20")])
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains(
            "zonder een vastgelegde afweging van noodzaak, evenredigheid en subsidiariteit"
        ),
        "{}",
        refused.body
    );
    let r = b
        .post(
            &step,
            &[
                ("soort", "afweging"),
                ("datum", "2026-02-18"),
                ("noodzaak", "ernstige verstoring"),
                ("evenredigheid", "drie maanden"),
                ("subsidiariteit", "bemiddeling mislukt"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = b
        .post(&step, &[("soort", "besluit"), ("datum", "2026-02-19")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = b
        .post(&step, &[("soort", "bekendmaking"), ("datum", "2026-02-19")])
        .await;
    assert_eq!(r.status, 303);
    let page = b.get(&detail).await;
    assert!(page.body.contains("Einde bezwaartermijn"), "{}", page.body);
    assert!(
        page.body.contains("donderdag 2 april 2026"),
        "bezwaar: 6 weeks after 19 Feb"
    );
}

#[tokio::test]
async fn the_second_yellow_card_within_twelve_months_proposes_red() {
    let app = spawn_app().await;
    let (token, secret) = staff(&app, "iv@example.nl", Role::AdviseurIv).await;
    let card = |datum: &str| {
        serde_json::json!({
            "onderwerp": "Café Test", "locatie": "Markt 1,  Leerdam", "datum": datum,
            "bron": "inspectie", "ladder": "horeca", "object": "sluitingstijd"
        })
    };
    let r = api_post(&app, "/api/v1/maatregelen", &token, card("2026-01-10")).await;
    assert_eq!(r.status(), 201);
    let first: serde_json::Value = r.json().await.unwrap();
    assert_eq!(first["maatregel"]["soort"], "gele-kaart");
    let mut second = card("2026-09-01");
    second["locatie"] = "markt 1, leerdam".into();
    // Deviating from the proposal needs a reason.
    second["soort"] = "gele-kaart".into();
    let r = api_post(&app, "/api/v1/maatregelen", &token, second.clone()).await;
    assert_eq!(r.status(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "afwijking_reden");
    second.as_object_mut().unwrap().remove("soort");
    let r = api_post(&app, "/api/v1/maatregelen", &token, second).await;
    assert_eq!(r.status(), 201);
    let red: serde_json::Value = r.json().await.unwrap();
    let m = &red["maatregel"];
    assert_eq!(m["soort"], "rode-kaart");
    assert_eq!(
        m["voorstel"],
        "tweede gele kaart binnen 12 maanden → rode kaart: sluiting 1 week volgens horecabeleid 2023"
    );
    assert_eq!(m["ladder_versie"], 1);
    assert_eq!(m["duur"], "1 weken");

    // The administrator changes the ladder: a new version; decided measures keep theirs.
    let (_, admin) = staff(&app, "beheer@example.nl", Role::Beheerder).await;
    let mut b = Browser::new(&app);
    b.login("beheer@example.nl", PASSWORD, Some(&admin)).await;
    let rows = ::maatregelen::store::ladder(&app.db, ::maatregelen::model::Ladder::Horeca)
        .await
        .unwrap();
    let rood = rows.iter().find(|r| r.feit == 2).unwrap();
    let path = format!("/maatregelen/beleid/{}", rood.id);
    assert_eq!(b.get(&path).await.status, 200);
    let fields = [
        ("beleid", "horecabeleid 2026"),
        ("object", "*"),
        ("middel", "*"),
        ("hoeveelheid_vanaf", "0"),
        ("feit", "2"),
        ("venster_maanden", "12"),
        ("maatregel", "rode-kaart"),
        ("duur", "2"),
        ("eenheid", "weken"),
        ("omschrijving", "rode kaart: sluiting 2 weken"),
    ];
    let r = b.post(&path, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let now = ::maatregelen::store::ladder(&app.db, ::maatregelen::model::Ladder::Horeca)
        .await
        .unwrap();
    assert!(now
        .iter()
        .all(|r| r.versie == 2 && r.beleid == "horecabeleid 2026"));
    let id = m["id"].as_str().unwrap();
    let again: serde_json::Value = api_get(
        &app,
        &format!("/api/v1/maatregelen/{id}"),
        Some(&format!("Bearer {token}")),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(again["maatregel"]["ladder_versie"], 1);
    assert!(
        app.audit_rows(
            "resource_type = 'maatregel-ladder' AND action = 'update' AND outcome = 'allowed'"
        )
        .await
        .len()
            == 1
    );
    // Others may not change the ladder.
    let mut iv = Browser::new(&app);
    iv.login("iv@example.nl", PASSWORD, Some(&secret)).await;
    assert_eq!(iv.get("/maatregelen/beleid").await.status, 200);
    assert_eq!(iv.get(&path).await.status, 403);
}

#[tokio::test]
async fn a_partner_gets_403_and_the_denial_is_audited() {
    let app = spawn_app().await;
    let (token, _) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    let r = api_post(
        &app,
        "/api/v1/maatregelen",
        &token,
        serde_json::json!({"soort": "crisismaatregel", "onderwerp": "C. Test", "locatie": "Laan 3", "datum": "2026-03-03", "bron": "melding"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    let id = v["maatregel"]["id"].as_str().unwrap().to_string();

    app.user(
        "politie@example.nl",
        "politie-lekpoort",
        Role::Ketenpartner,
        true,
    )
    .await;
    let partner = format!("Bearer {}", cli_token(&app, "politie@example.nl"));
    assert_eq!(
        api_get(&app, "/api/v1/maatregelen", Some(&partner))
            .await
            .status(),
        403
    );
    let r = api_get(&app, &format!("/api/v1/maatregelen/{id}"), Some(&partner)).await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let denied = app
        .audit_rows(&format!("resource_id = '{id}' AND outcome = 'denied'"))
        .await;
    assert_eq!(denied.len(), 1);
    assert_eq!(
        denied[0].try_get::<String, _>("subject_id").unwrap(),
        format!("maatregel:{id}")
    );
    assert!(!app
        .audit_rows("resource_type = 'maatregel-list' AND outcome = 'denied'")
        .await
        .is_empty());

    // A handhaver reads and records an aanleiding, but does not decide.
    let (handhaver, _) = staff(&app, "hh@example.nl", Role::Handhaver).await;
    let hh = format!("Bearer {handhaver}");
    let list: serde_json::Value = api_get(&app, "/api/v1/maatregelen", Some(&hh))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let r = api_post(
        &app,
        &format!("/api/v1/maatregelen/{id}/stappen"),
        &handhaver,
        serde_json::json!({"soort": "evaluatie", "datum": "2026-03-04"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    // Every read of the measure is audited with the subject.
    let reads = app
        .audit_rows(&format!(
            "subject_id = 'maatregel:{id}' AND outcome = 'allowed' AND action = 'read'"
        ))
        .await;
    assert!(!reads.is_empty());
}

#[tokio::test]
async fn the_termijnen_api_computes_and_names_the_bad_field() {
    let app = spawn_app().await;
    let (token, _) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    let auth = format!("Bearer {token}");
    let r = api_get(
        &app,
        "/api/v1/termijnen?regel=bezwaar&datum=2033-11-19",
        Some(&auth),
    )
    .await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["regel"], "bezwaar");
    assert_eq!(v["datum"], "2034-01-02");
    assert_eq!(v["atw_van_toepassing"], true);
    assert!(v["uitleg"].as_str().unwrap().contains("art. 1 Atw"));
    assert!(v["grondslag"].as_str().unwrap().contains("6:7"));
    let v: serde_json::Value = api_get(
        &app,
        "/api/v1/termijnen?regel=zienswijze&datum=2026-03-02&dagen=7",
        Some(&auth),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["datum"], "2026-03-09");
    assert_eq!(v["atw_van_toepassing"], false);
    let r = api_get(
        &app,
        "/api/v1/termijnen?regel=beslistermijn-bezwaar&datum=2026-03-02&adviescommissie=true",
        Some(&auth),
    )
    .await;
    assert_eq!(r.status(), 200);
    for (query, field) in [
        ("regel=onzin&datum=2026-03-02", "regel"),
        ("regel=bezwaar&datum=31-31-2026", "datum"),
        ("regel=bezwaar", "datum"),
        ("regel=bezwaar&datum=2026-03-02&dagen=7", "dagen"),
        ("regel=zienswijze&datum=2026-03-02&dagen=veel", "dagen"),
    ] {
        let r = api_get(&app, &format!("/api/v1/termijnen?{query}"), Some(&auth)).await;
        assert_eq!(r.status(), 422, "{query}");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], field, "{query}: {p}");
    }
    assert_eq!(
        api_get(
            &app,
            "/api/v1/termijnen?regel=bezwaar&datum=2026-03-02",
            None
        )
        .await
        .status(),
        401
    );
}

#[tokio::test]
async fn demo_measures_fill_the_deadline_overview_and_every_page_renders() {
    let app = spawn_app().await;
    ::maatregelen::seed_demo(&app.db).await.unwrap();
    ::maatregelen::seed_demo(&app.db).await.unwrap();
    let (_, secret) = staff(&app, "iv@example.nl", Role::AdviseurIv).await;
    let mut b = Browser::new(&app);
    b.login("iv@example.nl", PASSWORD, Some(&secret)).await;
    let home = b.get("/").await;
    assert!(home.body.contains("href=\"/maatregelen\""));
    let list = b.get("/maatregelen").await;
    assert_eq!(list.status, 200);
    assert_eq!(
        list.body.matches("href=\"/maatregelen/0").count(),
        3,
        "{}",
        list.body
    );
    let overview = b.get("/maatregelen/termijnen").await;
    assert_eq!(overview.status, 200);
    assert!(
        overview.body.contains("M. Jansen (fictief)"),
        "{}",
        overview.body
    );
    assert!(b
        .get("/maatregelen/beleid")
        .await
        .body
        .contains("horecabeleid 2023"));
    let start = list.body.find("href=\"/maatregelen/0").unwrap() + 6;
    let href = &list.body[start..start + list.body[start..].find('"').unwrap()];
    let page = b.get(href).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Stap vastleggen"));
    // A handhaver sees measures but not the overview; a partner has no menu entry.
    let (_, hh) = staff(&app, "hh@example.nl", Role::Handhaver).await;
    let mut h = Browser::new(&app);
    h.login("hh@example.nl", PASSWORD, Some(&hh)).await;
    assert_eq!(h.get("/maatregelen").await.status, 200);
    assert_eq!(h.get("/maatregelen/termijnen").await.status, 403);
    assert!(!h.get(href).await.body.contains("Stap vastleggen"));
}
