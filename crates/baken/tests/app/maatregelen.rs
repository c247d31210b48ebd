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
    // Direct beroep at the rechtbank: six weeks after the huisverbod was handed over.
    let beroep = tijdlijn(&v, "beroep");
    assert_eq!(beroep["datum"], "2026-06-15");
    assert_eq!(beroep["wat"], "Einde beroepstermijn (rechtbank)");
    assert_eq!(tijdlijn(&v, "huisverbod-einde")["burgemeester"], true);
    // The extension letter names the new end; a huisverbod has no voornemen letter.
    let r = b
        .post(
            &format!("/maatregelen/{id}/brieven"),
            &[("brief", "voornemen")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("hoort geen voornemenbrief"), "{}", r.body);
    let r = b
        .post(
            &format!("/maatregelen/{id}/brieven"),
            &[("brief", "verlenging")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let letter = b.get(&r.location().unwrap()).await;
    assert!(
        letter.body.contains("tot en met maandag 1 juni 2026"),
        "{}",
        letter.body
    );
    assert!(letter
        .body
        .contains("Tegen dit besluit staat geen bezwaar open"));
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
                ("bron", "inspectie"),
                ("referentie", "HC-77"),
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
        ("drempel", ""),
        ("hoeveelheid_eenheid", ""),
        ("feit", "2"),
        ("venster_maanden", "12"),
        ("maatregel", "rode-kaart"),
        ("duur", "2"),
        ("eenheid", "weken"),
        ("omschrijving", "rode kaart: sluiting 2 weken"),
        ("waarschuwing", ""),
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
        serde_json::json!({"soort": "crisismaatregel", "onderwerp": "C. Test", "locatie": "Laan 3", "datum": "2026-03-03", "bron": "politierapport"}),
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

fn today() -> jiff::civil::Date {
    ::maatregelen::html::vandaag()
}

fn day(n: i64) -> String {
    today()
        .checked_add(jiff::Span::new().days(n))
        .unwrap()
        .to_string()
}

async fn team_id(app: &App, slug: &str) -> String {
    let org = app.org_id("vijfheerenlanden").await;
    identity::list_teams(&app.db, &org)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.slug == slug)
        .unwrap()
        .id
}

async fn record(b: &mut Browser, id: &str, soort: &str, datum: String, extra: &[(&str, &str)]) {
    let mut f = vec![("soort", soort), ("datum", datum.as_str())];
    f.extend_from_slice(extra);
    let r = b.post(&format!("/maatregelen/{id}/stap"), &f).await;
    assert_eq!(r.status, 303, "{f:?}: {}", r.body);
}

/// The legal adviser runs a 13b closure from a melding to its end: letters from the templates
/// (HTML and tagged PDF), a reminder to the team, the overview per team and for the mayor, and
/// the destruction after the retention term.
#[tokio::test]
async fn a_13b_closure_runs_from_melding_to_destruction_with_letters_and_reminders() {
    let app = spawn_app().await;
    ::meldingen::seed_demo(&app.db).await.unwrap();
    let melding: i64 = sqlx::query("SELECT MIN(nummer) AS n FROM melding")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    let melding_id = ::meldingen::store::id_by_nummer(&app.db, melding)
        .await
        .unwrap()
        .unwrap();
    let handhaving = team_id(&app, "handhaving").await;
    let (jurist_id, secret) = app
        .user("jurist@example.nl", "vijfheerenlanden", Role::Jurist, true)
        .await;
    sqlx::query("INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)")
        .bind(&handhaving)
        .bind(&jurist_id)
        .execute(app.db.pool())
        .await
        .unwrap();
    let mut b = Browser::new(&app);
    b.login("jurist@example.nl", PASSWORD, secret.as_deref())
        .await;
    // The form proposes the user's own team.
    let form = b.get("/maatregelen/nieuw").await;
    assert!(
        form.body
            .contains(&format!("<option value=\"{handhaving}\" selected")),
        "{}",
        form.body
    );
    let new = |referentie: &'static str| {
        vec![
            ("onderwerp", "P. Pand (fictief)"),
            ("locatie", "Kerkstraat 5, 4141 AA Leerdam"),
            ("bron", "melding"),
            ("referentie", referentie),
            ("toelichting", "Drugshandel vanuit de woning gemeld."),
            ("soort", "sluiting-13b"),
            ("duur", "3"),
            ("eenheid", "maanden"),
            ("team", ""),
        ]
    };
    let start = day(-40);
    let mut fields = new("999999");
    fields.push(("datum", &start));
    let r = b.post("/maatregelen/nieuw", &fields).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Melding 999999 bestaat niet."),
        "{}",
        r.body
    );
    assert!(r.body.contains("P. Pand (fictief)"), "input kept");
    let nummer = melding.to_string();
    let mut fields: Vec<(&str, &str)> = new("")
        .into_iter()
        .filter(|(k, _)| *k != "referentie" && *k != "team")
        .collect();
    fields.extend([
        ("datum", start.as_str()),
        ("referentie", nummer.as_str()),
        ("team", handhaving.as_str()),
    ]);
    let r = b.post("/maatregelen/nieuw", &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let href = r.location().unwrap();
    let id = href.trim_start_matches("/maatregelen/").to_string();
    let page = b.get(&href).await;
    assert!(page
        .body
        .contains(&format!("href=\"/meldingen/{melding_id}\"")));
    assert!(page.body.contains("Handhaving"));
    assert!(page
        .body
        .contains("10 jaar na beëindiging (selectielijst 12.2 Handhaving uitgevoerd)"));
    // The melding shows the measure it led to (its kind, not the person).
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let m = iv.get(&format!("/meldingen/{melding_id}")).await;
    assert!(
        m.body.contains(&format!(
            "<a class=\"utrecht-link\" href=\"/maatregelen/{id}\">Maatregel: sluiting drugspand</a>"
        )),
        "{}",
        m.body
    );

    record(&mut b, &id, "voornemen", day(-38), &[("dagen", "14")]).await;
    // The voornemen letter gives the zienswijze deadline from the letter's date.
    let letter = |kind: &'static str| [("brief", kind)];
    let r = b
        .post(&format!("/maatregelen/{id}/brieven"), &letter("voornemen"))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let voornemen = b.get(&r.location().unwrap()).await;
    assert_eq!(voornemen.status, 200);
    assert!(voornemen.body.contains("Voornemen tot sluiting drugspand"));
    assert!(voornemen.body.contains("binnen 14 dagen, dus uiterlijk op"));
    assert!(voornemen.body.contains("melding "), "{}", voornemen.body);
    assert!(voornemen
        .body
        .contains("de burgemeester van Vijfheerenlanden"));
    // Before the term (14 days from the voornemen) has ended, "no zienswijze" is refused.
    let d30 = day(-30);
    let r = b
        .post(
            &format!("/maatregelen/{id}/stap"),
            &[
                ("soort", "zienswijze"),
                ("datum", &d30),
                ("ontvangen", "nee"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("De zienswijzetermijn loopt nog tot en met"),
        "{}",
        r.body
    );
    record(&mut b, &id, "zienswijze", day(-23), &[("ontvangen", "nee")]).await;
    // No besluit letter without the recorded assessment.
    let r = b
        .post(&format!("/maatregelen/{id}/brieven"), &letter("besluit"))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("leg eerst de afweging"), "{}", r.body);
    record(
        &mut b,
        &id,
        "afweging",
        day(-20),
        &[
            ("noodzaak", "De woning is een verkooppunt van harddrugs."),
            ("evenredigheid", "Drie maanden volgt het Damoclesbeleid."),
            ("subsidiariteit", "Een waarschuwing hielp eerder niet."),
        ],
    )
    .await;
    record(&mut b, &id, "besluit", day(-19), &[]).await;
    record(&mut b, &id, "bekendmaking", day(-18), &[]).await;
    // The closure is planned to end in two days: the team gets a reminder.
    let tot = day(2);
    let mut f = vec![("soort", "uitvoering-start"), ("tot", tot.as_str())];
    let d10 = day(-10);
    f.push(("datum", &d10));
    assert_eq!(
        b.post(&format!("/maatregelen/{id}/stap"), &f).await.status,
        303
    );

    // The legal adviser gives the 13b closure its own besluit letter; a wrong field is refused.
    let t = b.get("/maatregelen/sjablonen").await;
    assert_eq!(t.status, 200);
    assert!(t.body.contains("{{zienswijze_uiterlijk}}"));
    let r = b
        .post(
            "/maatregelen/sjablonen/besluit/sluiting-13b",
            &[("titel", "Sluitingsbesluit"), ("tekst", "Beste {{naam}},")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Onbekende plaatshouder(s): {{naam}}"),
        "{}",
        r.body
    );
    let tekst = "Aan {{onderwerp}}\n\nIk sluit de woning {{locatie}} ({{grondslag}}). {{duur}}\n\nNoodzaak: {{noodzaak}}\n\n{{rechtsmiddel}}";
    let r = b
        .post(
            "/maatregelen/sjablonen/besluit/sluiting-13b",
            &[("titel", "Sluitingsbesluit Damocles"), ("tekst", tekst)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = b
        .post(&format!("/maatregelen/{id}/brieven"), &letter("besluit"))
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let letter_href = r.location().unwrap();
    let besluit = b.get(&letter_href).await;
    assert!(besluit.body.contains("Sluitingsbesluit Damocles"));
    assert!(besluit.body.contains("Ik sluit de woning Kerkstraat 5, 4141 AA Leerdam (art. 13b Opiumwet). De maatregel duurt 3 maanden."));
    let (status, headers, pdf) = b.get_bytes(&format!("{letter_href}/pdf")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    let (text, pages, info) = read_pdf(&pdf);
    assert_eq!(pages, 1);
    assert!(
        info.contains("Title:           Sluitingsbesluit Damocles"),
        "{info}"
    );
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Noodzaak: De woning is een verkooppunt van harddrugs."),
        "{flat}"
    );
    assert!(flat.contains("bezwaarschrift sturen aan de burgemeester van Vijfheerenlanden"));
    let detail = b.get(&href).await;
    assert_eq!(
        detail
            .body
            .matches(&format!("href=\"/maatregelen/{id}/brieven/"))
            .count(),
        2
    );

    // Reminders: once per deadline, to the team, without the person or the address.
    assert_eq!(
        ::maatregelen::store::remind_deadlines(&app.db, today())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        ::maatregelen::store::remind_deadlines(&app.db, today())
            .await
            .unwrap(),
        0,
        "once"
    );
    // (The demo meldingen queued their confirmations to the reporters as well.)
    let mails = sqlx::query(
        "SELECT to_address, subject, body_text FROM mail_outbox WHERE subject LIKE 'Termijn%'",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].try_get::<String, _>("to_address").unwrap(),
        "jurist@example.nl"
    );
    let subject: String = mails[0].try_get("subject").unwrap();
    let body: String = mails[0].try_get("body_text").unwrap();
    assert!(
        subject.starts_with("Termijn nadert: Voorzien einde uitvoering"),
        "{subject}"
    );
    assert!(body.contains(&format!("/maatregelen/{id}")));
    assert!(
        !body.contains("Pand") && !body.contains("Kerkstraat"),
        "{body}"
    );

    // The overview per team, and the mayor's (decisions only: the closure's end is not one).
    let o = b
        .get(&format!("/maatregelen/termijnen?team={handhaving}"))
        .await;
    assert!(o.body.contains("P. Pand (fictief)"), "{}", o.body);
    let other = team_id(&app, "vergunningen").await;
    let o = b.get(&format!("/maatregelen/termijnen?team={other}")).await;
    assert!(!o.body.contains("P. Pand (fictief)"));
    let o = b
        .get("/maatregelen/termijnen?team=&voor=burgemeester")
        .await;
    assert!(!o.body.contains("Voorzien einde uitvoering"), "{}", o.body);

    // The end; destroyed ten years after the last step, and only then.
    let d0 = day(0);
    for soort in ["uitvoering-einde", "beeindiging"] {
        let r = b
            .post(
                &format!("/maatregelen/{id}/stap"),
                &[("soort", soort), ("datum", &d0)],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let kept = today().checked_add(jiff::Span::new().years(10)).unwrap();
    let page = b.get(&href).await;
    assert!(
        page.body
            .contains(&format!("bewaren tot {}", termijnen::datum_nl(kept))),
        "{}",
        page.body
    );
    assert!(::maatregelen::store::destroy_expired(&app.db, kept, "test")
        .await
        .unwrap()
        .is_empty());
    let later = kept.checked_add(jiff::Span::new().days(1)).unwrap();
    let done = ::maatregelen::store::destroy_expired(&app.db, later, "test")
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!((done[0].stappen, done[0].brieven), (9, 2));
    assert_eq!(b.get(&href).await.status, 404);
    let m = iv.get(&format!("/meldingen/{melding_id}")).await;
    assert!(
        !m.body.contains(&format!("/maatregelen/{id}")),
        "link removed"
    );
    for table in [
        "maatregelen_stap",
        "maatregelen_brief",
        "maatregelen_herinnering",
    ] {
        let n: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM {table} WHERE maatregel_id = $1"
        ))
        .bind(&id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    let audit = app
        .audit_rows(&format!(
            "action = 'delete' AND resource_type = 'maatregel' AND resource_id = '{id}'"
        ))
        .await;
    assert_eq!(audit.len(), 1);
    let r = b.get("/maatregelen/bewaartermijnen").await;
    assert!(r.body.contains("Vernietigde maatregelen"));
    assert!(r.body.contains(&termijnen::datum_nl(kept)), "{}", r.body);
}

/// Retention terms are configuration: the administrator changes them, a bad value is refused
/// next to its field, and other roles only read them.
#[tokio::test]
async fn retention_terms_are_set_by_the_administrator() {
    let app = spawn_app().await;
    let mut admin = app
        .browser_as("beheer@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    let page = admin.get("/maatregelen/bewaartermijnen").await;
    assert!(page.body.contains("12.2.3 Tijdelijk huisverbod"));
    let mut fields: Vec<(String, String)> = Vec::new();
    for s in ::maatregelen::model::Soort::ALL {
        let (j, r) = ::maatregelen::model::standaard_bewaartermijn(s);
        fields.push((format!("jaren-{}", s.slug()), j.to_string()));
        fields.push((format!("resultaat-{}", s.slug()), r.to_string()));
    }
    let set = |k: &str, v: &str, f: &mut Vec<(String, String)>| {
        f.iter_mut().find(|(n, _)| n == k).unwrap().1 = v.to_string();
    };
    let mut bad = fields.clone();
    set("jaren-huisverbod", "0", &mut bad);
    let as_ref = |f: &[(String, String)]| {
        f.iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let bad = as_ref(&bad);
    let bad: Vec<(&str, &str)> = bad.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = admin.post("/maatregelen/bewaartermijnen", &bad).await;
    assert_eq!(r.status, 422);
    assert!(r
        .body
        .contains("Geef een bewaartermijn van 1 tot en met 100 jaar."));
    set("jaren-sluiting-13b", "5", &mut fields);
    set(
        "resultaat-sluiting-13b",
        "12.2.1 Doorlopende verplichting (einddatum sluiting)",
        &mut fields,
    );
    let good: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = admin.post("/maatregelen/bewaartermijnen", &good).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let terms = ::maatregelen::store::bewaartermijnen(&app.db)
        .await
        .unwrap();
    let t = terms
        .iter()
        .find(|t| t.soort == ::maatregelen::model::Soort::Sluiting13b)
        .unwrap();
    assert_eq!(t.jaren, 5);
    let mut jurist = app
        .browser_as("jur@example.nl", "vijfheerenlanden", Role::Jurist)
        .await;
    let page = jurist.get("/maatregelen/bewaartermijnen").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Termijnen wijzigen"));
    assert_eq!(
        jurist
            .post("/maatregelen/bewaartermijnen", &good)
            .await
            .status,
        403
    );
}

/// The days of the decrees for 2023–2025 and 2026–2028 are shipped with each decree's title as
/// source: `baken termijn bezwaar 2026-04-02`, the API and a measure's timeline answer Monday 18
/// May 2026. A legal adviser adds a day of a later decree on the settings page; a refused day says
/// why. The measure's timeline, GET /api/v1/termijnen and `baken termijn` then move a deadline
/// that ended on it and name the decree. A handhaver reads the list but may not change it; each
/// change is audited.
#[tokio::test]
async fn a_designated_day_moves_deadlines_everywhere() {
    let app = spawn_app().await;
    let (token, secret) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    let auth = format!("Bearer {token}");
    let mut b = Browser::new(&app);
    b.login("jurist@example.nl", PASSWORD, Some(&secret)).await;
    let list = b.get("/maatregelen").await;
    assert!(list
        .body
        .contains("href=\"/maatregelen/gelijkgestelde-dagen\""));
    let page = b.get("/maatregelen/gelijkgestelde-dagen").await;
    assert_eq!(page.status, 200);
    // The days of the decree of 24 October 2016 are shipped, with their source, and those of
    // the decrees for 2023–2025 and 2026–2028 with the decree's title.
    assert!(page.body.contains("vrijdag 26 mei 2017"), "{}", page.body);
    assert!(page.body.contains("nr. 2016001827"));
    for besluit in termijnen::GELIJKSTELLINGSBESLUITEN {
        assert!(page.body.contains(besluit.titel), "{}", besluit.titel);
        for (dag, _) in besluit.dagen() {
            assert!(page.body.contains(&termijnen::datum_nl(dag)), "{dag}");
        }
    }
    let kb = "art. 3 lid 3 Atw (koninklijk besluit)";
    let titel_2026 = termijnen::GELIJKSTELLINGSBESLUITEN[1].titel;

    // A six-week objection term from Thursday 2 April 2026 ends on Thursday 14 May
    // (Hemelvaartsdag), and Friday 15 May is designated: Monday 18 May 2026.
    let bezwaar = |datum: &'static str| {
        let auth = auth.clone();
        let app = &app;
        async move {
            let r = api_get(
                app,
                &format!("/api/v1/termijnen?regel=bezwaar&datum={datum}"),
                Some(&auth),
            )
            .await;
            assert_eq!(r.status(), 200);
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let v = bezwaar("2026-04-02").await;
    assert_eq!(v["datum"], "2026-05-18");
    assert!(v["uitleg"].as_str().unwrap().contains(kb), "{v}");
    assert!(v["uitleg"].as_str().unwrap().contains(titel_2026), "{v}");
    let cli = |datum: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_baken"))
            .args(["termijn", "bezwaar", datum, "--json"])
            .env("BAKEN_DATABASE_URL", &app._test_db.url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let out = cli("2026-04-02");
    assert_eq!(out["datum"], "2026-05-18");
    assert!(
        out["uitleg"].as_str().unwrap().contains(titel_2026),
        "{out}"
    );

    // Before a decree for 2029 is recorded: from Thursday 29 March 2029 the term ends on
    // Thursday 10 May (Hemelvaartsdag) and so on Friday 11 May.
    assert_eq!(bezwaar("2029-03-29").await["datum"], "2029-05-11");

    // Refused: a statutory holiday, a weekend day, a date that does not exist, no source.
    let path = "/maatregelen/gelijkgestelde-dagen";
    for (datum, bron, why) in [
        (
            "2029-05-10",
            "Stcrt. test",
            "al een feestdag in de zin van de Algemene termijnenwet",
        ),
        ("2029-05-12", "Stcrt. test", "valt in het weekend"),
        ("2029-02-30", "Stcrt. test", "Geef een bestaande datum"),
        ("2029-05-11", "", "Noem het koninklijk besluit"),
        ("2026-05-15", "Stcrt. test", "staat al in de lijst"),
    ] {
        let r = b
            .post(
                path,
                &[
                    ("datum", datum),
                    ("naam", "vrijdag na Hemelvaartsdag"),
                    ("bron", bron),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{datum}");
        assert!(r.body.contains(why), "{datum}: {}", r.body);
        assert!(r.body.contains("vrijdag na Hemelvaartsdag"), "input kept");
    }
    let bron = "Besluit gelijkstelling (fictief voor de test), Stcrt. 2028, 1";
    let r = b
        .post(
            path,
            &[
                ("datum", "2029-05-11"),
                ("naam", "vrijdag na Hemelvaartsdag"),
                ("bron", bron),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(path).await;
    assert!(page.body.contains("vrijdag 11 mei 2029"));
    assert!(page.body.contains(bron));
    // Twice is refused.
    let r = b
        .post(
            path,
            &[("datum", "2029-05-11"), ("naam", "x"), ("bron", bron)],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("staat al in de lijst"), "{}", r.body);

    // The API and the CLI move the deadline to Monday 14 May 2029 and name the decree.
    let v = bezwaar("2029-03-29").await;
    assert_eq!(v["datum"], "2029-05-14");
    assert!(v["uitleg"].as_str().unwrap().contains(kb), "{v}");
    assert!(v["uitleg"].as_str().unwrap().contains(bron), "{v}");
    assert_eq!(v["atw_van_toepassing"], true);
    let out = cli("2029-03-29");
    assert_eq!(out["datum"], "2029-05-14");
    assert!(out["uitleg"].as_str().unwrap().contains(kb), "{out}");

    // A measure made known on 29 March 2029: its timeline shows the moved deadline.
    let created = b
        .post(
            "/maatregelen/nieuw",
            &[
                ("onderwerp", "K. Test (fictief)"),
                ("locatie", "Kerkstraat 9, Leerdam"),
                ("datum", "2029-02-26"),
                ("bron", "inspectie"),
                ("referentie", "HC-78"),
                ("soort", "sluiting-174a"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let detail = created.location().unwrap();
    let step = format!("{detail}/stap");
    for f in [
        vec![("soort", "voornemen"), ("datum", "2029-02-26")],
        vec![
            ("soort", "zienswijze"),
            ("datum", "2029-03-07"),
            ("ontvangen", "ja"),
        ],
        vec![
            ("soort", "afweging"),
            ("datum", "2029-03-15"),
            ("noodzaak", "n"),
            ("evenredigheid", "e"),
            ("subsidiariteit", "s"),
        ],
        vec![("soort", "besluit"), ("datum", "2029-03-16")],
        vec![("soort", "bekendmaking"), ("datum", "2029-03-29")],
    ] {
        let r = b.post(&step, &f).await;
        assert_eq!(r.status, 303, "{f:?}: {}", r.body);
    }
    let page = b.get(&detail).await;
    assert!(page.body.contains("maandag 14 mei 2029"), "{}", page.body);
    assert!(page.body.contains(kb), "{}", page.body);
    let id = detail.trim_start_matches("/maatregelen/");
    let v: serde_json::Value = api_get(&app, &format!("/api/v1/maatregelen/{id}"), Some(&auth))
        .await
        .json()
        .await
        .unwrap();
    let t = tijdlijn(&v, "bezwaar");
    assert_eq!(t["datum"], "2029-05-14");
    assert!(t["uitleg"].as_str().unwrap().contains(kb), "{t}");

    // A handhaver reads the list but may not change it.
    let mut h = app
        .browser_as("handhaver@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    let page = h.get(path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("vrijdag 11 mei 2029"));
    assert!(!page.body.contains("Dag toevoegen"));
    let r = h
        .post(
            path,
            &[("datum", "2029-06-01"), ("naam", "fictief"), ("bron", bron)],
        )
        .await;
    assert_eq!(r.status, 403);
    let day = ::maatregelen::store::gelijkgestelde_dagen(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.datum == jiff::civil::date(2029, 5, 11))
        .unwrap();
    let remove = format!("{path}/{}/verwijderen", day.id);
    assert_eq!(h.post(&remove, &[]).await.status, 403);

    // The legal adviser removes it again: the deadline is back on Friday 11 May.
    let r = b.post(&remove, &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(bezwaar("2029-03-29").await["datum"], "2029-05-11");

    let allowed = app
        .audit_rows(
            "resource_type = 'maatregel-inrichting' AND resource_id = 'gelijkgestelde-dagen' \
             AND action = 'update' AND outcome = 'allowed'",
        )
        .await;
    assert_eq!(allowed.len(), 2, "one add, one removal");
    let denied = app
        .audit_rows(
            "resource_type = 'maatregel-inrichting' AND resource_id = 'gelijkgestelde-dagen' \
             AND outcome = 'denied'",
        )
        .await;
    assert_eq!(denied.len(), 2, "the handhaver's two attempts");
}

/// The deadline overview and the designated-days page warn the legal adviser when the current
/// or the next calendar year has no designated day recorded; recording one ends the warning.
#[tokio::test]
async fn a_year_without_designated_days_is_warned_about() {
    let app = spawn_app().await;
    let mut b = app
        .browser_as("jurist@example.nl", "vijfheerenlanden", Role::Jurist)
        .await;
    let jaar = today().year();
    let volgend = jaar + 1;
    // Take the next year's days away (as if its decree had not been recorded).
    sqlx::query(
        "UPDATE maatregelen_gelijkgestelde_dag SET removed_by = 'test', removed_at = 1 \
         WHERE datum LIKE $1 AND removed_at IS NULL",
    )
    .bind(format!("{volgend}-%"))
    .execute(app.db.pool())
    .await
    .unwrap();
    let kal = ::maatregelen::kalender(&app.db).await.unwrap();
    let zonder_dit_jaar = kal.jaren_zonder_gelijkstelling([jaar]).len() == 1;
    let verwacht = if zonder_dit_jaar {
        format!("voor {jaar} en {volgend} zijn nog geen gelijkgestelde dagen vastgelegd")
    } else {
        format!("voor {volgend} zijn nog geen gelijkgestelde dagen vastgelegd")
    };
    for path in [
        "/maatregelen/termijnen",
        "/maatregelen/gelijkgestelde-dagen",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&verwacht), "{path}: {}", page.body);
    }
    // A working Friday in June of each year without days, recorded as designated.
    for j in [jaar, volgend] {
        if ::maatregelen::kalender(&app.db)
            .await
            .unwrap()
            .jaren_zonder_gelijkstelling([j])
            .is_empty()
        {
            continue;
        }
        let mut d = jiff::civil::date(j, 6, 1);
        let k = termijnen::Calendar::new();
        while d.weekday() != jiff::civil::Weekday::Friday || !k.is_working_day(d) {
            d = d.tomorrow().unwrap();
        }
        let datum = d.to_string();
        let r = b
            .post(
                "/maatregelen/gelijkgestelde-dagen",
                &[
                    ("datum", datum.as_str()),
                    ("naam", "fictief"),
                    ("bron", "Besluit gelijkstelling (fictief voor de test)"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    for path in [
        "/maatregelen/termijnen",
        "/maatregelen/gelijkgestelde-dagen",
    ] {
        let page = b.get(path).await;
        assert!(
            !page
                .body
                .contains("zijn nog geen gelijkgestelde dagen vastgelegd"),
            "{path}"
        );
    }
}

fn nieuw(onderwerp: &str, datum: jiff::civil::Date) -> ::maatregelen::store::Nieuw {
    ::maatregelen::store::Nieuw {
        soort: Some(::maatregelen::model::Soort::Sluiting174a),
        onderwerp: onderwerp.into(),
        locatie: "Kerkstraat 1, 4141 AA Leerdam".into(),
        aanleiding: ::maatregelen::model::Stap {
            bron: Some("inspectie".into()),
            ..::maatregelen::model::Stap::new(::maatregelen::model::StapSoort::Aanleiding, datum)
        },
        ladder: None,
        object: "*".into(),
        middel: "*".into(),
        hoeveelheid: None,
        hoeveelheid_eenheid: String::new(),
        bag: None,
        exploitant: None,
        duur: None,
        afwijking_reden: String::new(),
        team_id: None,
        spoed: None,
    }
}

/// Every measure gets a unique, human reference `MR-<year>-<number>`, numbered per year; two
/// processes on one database (two pools, each with its own writers' queue) creating measures at
/// the same moment never share a number, on SQLite and on PostgreSQL.
#[tokio::test]
async fn references_are_unique_per_year_across_processes() {
    let app = spawn_app().await;
    let (token, _) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    let r = api_post(
        &app,
        "/api/v1/maatregelen",
        &token,
        serde_json::json!({"soort": "sluiting-174a", "onderwerp": "R. Test", "locatie": "Laan 1, Vianen",
                           "datum": "2026-03-03", "bron": "inspectie"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    let jaar = today().year();
    assert_eq!(v["maatregel"]["kenmerk"], format!("MR-{jaar}-0001"));

    // A second "process": its own connection pool on the same database.
    let other = Db::connect(&app._test_db.url).await.unwrap();
    let org = identity::organisation_by_slug(&app.db, "vijfheerenlanden")
        .await
        .unwrap();
    let p = platform::access::Principal::system("test", &org, vec![Role::Jurist]);
    let ctx = platform::access::RequestContext::new("test");
    let kal = ::maatregelen::kalender(&app.db).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let db = if i % 2 == 0 {
            app.db.clone()
        } else {
            other.clone()
        };
        let (p, ctx, kal) = (p.clone(), ctx.clone(), kal.clone());
        tasks.push(tokio::spawn(async move {
            let auth = ::maatregelen::store::authorize_new(&db, &ctx, &p)
                .await
                .unwrap();
            ::maatregelen::store::create(
                &db,
                &auth,
                &nieuw(&format!("Gelijktijdig {i}"), jiff::civil::date(2026, 3, 4)),
                "test",
                &kal,
            )
            .await
            .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut kenmerken: Vec<String> = sqlx::query("SELECT kenmerk FROM maatregelen_maatregel")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>("kenmerk").unwrap())
        .collect();
    kenmerken.sort();
    let verwacht: Vec<String> = (1..=25).map(|n| format!("MR-{jaar}-{n:04}")).collect();
    assert_eq!(kenmerken, verwacht);
    // The reference is shown and searchable.
    let mut b = app
        .browser_as("jur@example.nl", "vijfheerenlanden", Role::Jurist)
        .await;
    let list = b.get(&format!("/maatregelen?q=MR-{jaar}-0001")).await;
    assert!(list.body.contains("R. Test"), "{}", list.body);
    assert!(!list.body.contains("Gelijktijdig"), "{}", list.body);
    let id = v["maatregel"]["id"].as_str().unwrap();
    let page = b.get(&format!("/maatregelen/{id}")).await;
    assert!(page.body.contains(&format!("MR-{jaar}-0001")));
}

/// The migration gives every existing measure a unique reference, numbered per Dutch calendar
/// year in the order they were registered (measures made in the same minute no longer share
/// one), and new measures continue the year's sequence.
#[tokio::test]
async fn existing_measures_get_a_reference_in_the_migration() {
    let tdb = test_db().await;
    let db = Db::connect(&tdb.url).await.unwrap();
    let dir = match db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(dir);
    let mut before = sqlx::migrate::Migrator::new(path).await.unwrap();
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 23)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(db.pool()).await.unwrap();
    let ms = |y: i16, m: i8, d: i8, h: i8, min: i8| {
        jiff::civil::date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond()
    };
    // Three in 2025 (two in the same minute), and one at 23:30 UTC on 31 December 2025, which
    // is 00:30 on 1 January 2026 in the Netherlands.
    let rows = [
        (
            "0190aaaa-0000-7000-8000-000000000003",
            ms(2025, 3, 1, 10, 0),
        ),
        (
            "0190aaaa-0000-7000-8000-000000000001",
            ms(2025, 3, 1, 10, 0),
        ),
        ("0190aaaa-0000-7000-8000-000000000002", ms(2025, 2, 1, 9, 0)),
        (
            "0190aaaa-0000-7000-8000-000000000004",
            ms(2025, 12, 31, 23, 30),
        ),
    ];
    for (id, at) in rows {
        sqlx::query(
            "INSERT INTO maatregelen_maatregel (id, organisation_id, soort, onderwerp, locatie, locatie_sleutel, \
             created_by, created_at, updated_at) VALUES ($1, 'org', 'sluiting-174a', 'x', 'y', 'y', 'test', $2, $2)",
        )
        .bind(id)
        .bind(at)
        .execute(db.pool())
        .await
        .unwrap();
    }
    // Ladder rows as version 1 shipped them ("from N" in whole grams or plants).
    for (id, ladder, middel, vanaf, maatregel, omschrijving) in [
        (
            "r1",
            "damocles",
            "harddrugs",
            1,
            Some("sluiting-13b"),
            "sluiting woning 3 maanden",
        ),
        (
            "r2",
            "damocles",
            "softdrugs",
            5,
            None,
            "schriftelijke waarschuwing",
        ),
        (
            "r3",
            "damocles",
            "hennep",
            6,
            None,
            "schriftelijke waarschuwing",
        ),
        (
            "r4",
            "damocles",
            "*",
            3,
            Some("sluiting-13b"),
            "sluiting lokaal",
        ),
        (
            "r5",
            "horeca",
            "*",
            0,
            Some("gele-kaart"),
            "gele kaart: schriftelijke waarschuwing",
        ),
        (
            "r6",
            "horeca",
            "*",
            0,
            Some("rode-kaart"),
            "rode kaart: sluiting 1 week",
        ),
    ] {
        sqlx::query(
            "INSERT INTO maatregelen_ladder_regel (id, ladder, versie, beleid, positie, object, middel, hoeveelheid_vanaf, \
             feit, venster_maanden, maatregel, duur, duur_eenheid, omschrijving, created_by, created_at) \
             VALUES ($1, $2, 1, 'b', $3, 'woning', $4, $5, 1, 12, $6, 0, 'dagen', $7, 'systeem', 0)",
        )
        .bind(id)
        .bind(ladder)
        .bind(i64::from(id.as_bytes()[1]))
        .bind(middel)
        .bind(vanaf)
        .bind(maatregel)
        .bind(omschrijving)
        .execute(db.pool())
        .await
        .unwrap();
    }
    db.migrate().await.unwrap();
    for (id, drempel, eenheid, waarschuwing) in [
        ("r1", Some(500), "gram", 0),
        ("r2", Some(5000), "gram", 1),
        ("r3", Some(5000), "planten", 1),
        ("r4", Some(2000), "", 0),
        ("r5", None, "", 1),
        ("r6", None, "", 0),
    ] {
        let r = sqlx::query("SELECT drempel_milli, hoeveelheid_eenheid, waarschuwing FROM maatregelen_ladder_regel WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(
            r.try_get::<Option<i64>, _>("drempel_milli").unwrap(),
            drempel,
            "{id}"
        );
        assert_eq!(
            r.try_get::<String, _>("hoeveelheid_eenheid").unwrap(),
            eenheid,
            "{id}"
        );
        assert_eq!(
            r.try_get::<i64, _>("waarschuwing").unwrap(),
            waarschuwing,
            "{id}"
        );
    }
    let kenmerk = |id: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query("SELECT kenmerk FROM maatregelen_maatregel WHERE id = $1")
                .bind(id)
                .fetch_one(db.pool())
                .await
                .unwrap()
                .try_get::<String, _>("kenmerk")
                .unwrap()
        }
    };
    assert_eq!(kenmerk(rows[2].0).await, "MR-2025-0001");
    assert_eq!(kenmerk(rows[1].0).await, "MR-2025-0002");
    assert_eq!(kenmerk(rows[0].0).await, "MR-2025-0003");
    assert_eq!(kenmerk(rows[3].0).await, "MR-2026-0001");
    let laatste: i64 = sqlx::query("SELECT laatste FROM maatregelen_volgnummer WHERE jaar = 2025")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get("laatste")
        .unwrap();
    assert_eq!(laatste, 3);
    // A duplicate is impossible.
    assert!(
        sqlx::query("UPDATE maatregelen_maatregel SET kenmerk = 'MR-2025-0001' WHERE id = $1")
            .bind(rows[0].0)
            .execute(db.pool())
            .await
            .is_err()
    );
}

async fn create_measure(app: &App, token: &str, body: serde_json::Value) -> String {
    let r = api_post(app, "/api/v1/maatregelen", token, body).await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    v["maatregel"]["id"].as_str().unwrap().to_string()
}

/// Posts a step through the API; returns the status and the body (the detail or the problem).
async fn api_step(
    app: &App,
    token: &str,
    id: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = api_post(
        app,
        &format!("/api/v1/maatregelen/{id}/stappen"),
        token,
        body,
    )
    .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// The zienswijze term runs from the day the voornemen was sent; the assessment weighs the
/// zienswijze, so it waits for the zienswijze or the end of the term; a besluit before the term
/// ends is refused with the reason unless the zienswijze has been received.
#[tokio::test]
async fn the_zienswijze_term_runs_from_the_voornemen() {
    let app = spawn_app().await;
    let (token, _) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    let body = serde_json::json!({"soort": "sluiting-174a", "onderwerp": "Z. Test", "locatie": "Laan 5, Vianen",
                                  "datum": "2026-03-02", "bron": "politierapport"});
    let id = create_measure(&app, &token, body.clone()).await;
    let step = |v: serde_json::Value| api_step(&app, &token, &id, v);
    let (s, _) =
        step(serde_json::json!({"soort": "voornemen", "datum": "2026-03-03", "dagen": 14})).await;
    assert_eq!(s, 201);
    let afweging = |datum: &str| serde_json::json!({"soort": "afweging", "datum": datum, "noodzaak": "n", "evenredigheid": "e", "subsidiariteit": "s"});
    let (s, p) = step(afweging("2026-03-10")).await;
    assert_eq!(s, 422);
    let msg = p["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("loopt nog tot en met dinsdag 17 maart 2026 (gerekend vanaf de verzending van het voornemen op dinsdag 3 maart 2026)"),
        "{p}"
    );
    // The zienswijze comes in on 12 March: it may be weighed and decided on at once.
    let (s, v) = step(serde_json::json!({"soort": "zienswijze", "datum": "2026-03-12", "ontvangen": true,
                                         "toelichting": "Betrokkene vraagt om een kortere sluiting."})).await;
    assert_eq!(s, 201);
    let z = tijdlijn(&v, "zienswijze");
    assert_eq!(
        z["datum"], "2026-03-17",
        "from the voornemen, not from the receipt"
    );
    assert_eq!(z["afgehandeld"], true);
    assert_eq!(step(afweging("2026-03-13")).await.0, 201);
    assert_eq!(
        step(serde_json::json!({"soort": "besluit", "datum": "2026-03-13"}))
            .await
            .0,
        201
    );

    // Another measure, no zienswijze: "none received" and the besluit wait for the term.
    let id = create_measure(&app, &token, body).await;
    let step = |v: serde_json::Value| api_step(&app, &token, &id, v);
    assert_eq!(
        step(serde_json::json!({"soort": "voornemen", "datum": "2026-03-03"}))
            .await
            .0,
        201
    );
    let geen = |datum: &str| serde_json::json!({"soort": "zienswijze", "datum": datum, "ontvangen": false});
    let (s, p) = step(geen("2026-03-17")).await;
    assert_eq!(s, 422, "{p}");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("kan pas na afloop"),
        "{p}"
    );
    assert_eq!(step(geen("2026-03-18")).await.0, 201);
    assert_eq!(step(afweging("2026-03-18")).await.0, 201);
    let (s, v) = step(serde_json::json!({"soort": "besluit", "datum": "2026-03-18"})).await;
    assert_eq!(s, 201);
    assert_eq!(tijdlijn(&v, "zienswijze")["datum"], "2026-03-17");
}

/// The urgent path (art. 4:11 and 5:31 Awb): a 174a closure decided without voornemen and
/// zienswijze records "spoedeisend" with its reason (refused next to the field without one); the
/// closure may start before the decision is made known; the timeline asks for the bekendmaking and
/// the hearing afterwards; the besluit letter states the urgency and the reason.
#[tokio::test]
async fn an_urgent_closure_skips_the_voornemen_and_says_why() {
    let app = spawn_app().await;
    let (token, secret) = staff(&app, "burgemeester@example.nl", Role::Burgemeester).await;
    let mut b = Browser::new(&app);
    b.login("burgemeester@example.nl", PASSWORD, Some(&secret))
        .await;
    let datum = day(-3);
    let fields = |reden: &'static str| {
        vec![
            ("onderwerp", "S. Spoed (fictief)"),
            ("locatie", "Dorpsstraat 7, 4145 AA Schoonrewoerd"),
            ("bron", "politierapport"),
            ("referentie", "PL0900-2026-9"),
            ("soort", "sluiting-174a"),
            ("spoed", "ja"),
            ("spoed_reden", reden),
        ]
    };
    let mut f = fields("");
    f.push(("datum", &datum));
    let r = b.post("/maatregelen/nieuw", &f).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Noem de reden van de spoed"), "{}", r.body);
    // The message stands next to the reason field.
    let field = r.body.find("name=\"spoed_reden\"").unwrap();
    let at = r.body[..field].rfind("Noem de reden van de spoed").unwrap();
    assert!(at < field && field - at < 600, "{}", &r.body[at..field]);
    let reden = "Schietincident bij de woning; nieuwe escalatie wordt verwacht";
    let mut f = fields(reden);
    f.push(("datum", &datum));
    let r = b.post("/maatregelen/nieuw", &f).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let href = r.location().unwrap();
    let id = href.trim_start_matches("/maatregelen/").to_string();
    record(
        &mut b,
        &id,
        "afweging",
        day(-3),
        &[
            ("noodzaak", "Acuut gevaar voor omwonenden."),
            ("evenredigheid", "Sluiting voor twee weken."),
            ("subsidiariteit", "Niets lichters houdt de dreiging tegen."),
        ],
    )
    .await;
    record(&mut b, &id, "besluit", day(-3), &[]).await;
    record(&mut b, &id, "uitvoering-start", day(-3), &[]).await;
    let page = b.get(&href).await;
    assert!(page.body.contains(reden), "{}", page.body);
    assert!(page
        .body
        .contains("Besluit zo spoedig mogelijk bekendmaken"));
    assert!(page.body.contains("Betrokkene alsnog horen"));
    let r = b
        .post(
            &format!("/maatregelen/{id}/brieven"),
            &[("brief", "besluit")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let letter = b.get(&r.location().unwrap()).await;
    assert!(
        letter.body.contains("Ik heb met spoed besloten, zonder u eerst in de gelegenheid te stellen uw zienswijze te geven"),
        "{}",
        letter.body
    );
    assert!(letter
        .body
        .contains(&format!("De reden van de spoed: {reden}.")));
    assert!(!letter
        .body
        .contains("Binnen de gestelde termijn is geen zienswijze ontvangen"));
    // Through the API: the measure names its urgency; a spoed step without a reason is refused
    // on the field.
    let v: serde_json::Value = api_get(
        &app,
        &format!("/api/v1/maatregelen/{id}"),
        Some(&format!("Bearer {token}")),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["spoed"], reden);
    let other = create_measure(
        &app,
        &token,
        serde_json::json!({"soort": "bestuursdwang", "onderwerp": "T. Test", "locatie": "Laan 8, Vianen",
                           "datum": "2026-03-02", "bron": "inspectie"}),
    )
    .await;
    let (s, p) = api_step(
        &app,
        &token,
        &other,
        serde_json::json!({"soort": "spoed", "datum": "2026-03-02"}),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(p["errors"][0]["field"], "reden", "{p}");
    // Without it, a besluit without voornemen is refused and the message names the urgent path.
    let (s, _) = api_step(
        &app,
        &token,
        &other,
        serde_json::json!({"soort": "voornemen", "datum": "2026-03-02"}),
    )
    .await;
    assert_eq!(s, 201);
    let (s, p) = api_step(
        &app,
        &token,
        &other,
        serde_json::json!({"soort": "spoed", "datum": "2026-03-03", "reden": "Instortingsgevaar"}),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    // Urgent after a voornemen: no need to wait for the zienswijze term.
    let (s, p) = api_step(&app, &token, &other, serde_json::json!({"soort": "afweging", "datum": "2026-03-03", "noodzaak": "n", "evenredigheid": "e", "subsidiariteit": "s"})).await;
    assert_eq!(s, 201, "{p}");
    let (s, p) = api_step(
        &app,
        &token,
        &other,
        serde_json::json!({"soort": "besluit", "datum": "2026-03-03"}),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    // A spoed request on a type that cannot take it is refused on the field.
    let r = api_post(
        &app,
        "/api/v1/maatregelen",
        &token,
        serde_json::json!({"soort": "dwangsom", "onderwerp": "U. Test", "locatie": "Laan 9, Vianen",
                           "datum": "2026-03-02", "bron": "inspectie", "spoed": true, "spoed_reden": "x"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "spoed", "{p}");
}

/// Ladders count every step and recognise a place by its identity: the second yellow card at
/// the same café, typed with another form of its address, becomes red (the first, a warning by
/// policy, had no bezwaar term and its letter no bezwaar clause); a new operator starts with a
/// clean slate; three Alcoholwet 19a offences at one shop within twelve months propose a sales
/// ban, the first two recorded as offences without a measure; Damocles quantities are decimals
/// with exact boundaries.
#[tokio::test]
async fn ladders_count_every_step_at_the_same_place() {
    let app = spawn_app().await;
    let (token, secret) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    let card = |locatie: &str, datum: &str, kvk: &str| {
        serde_json::json!({
            "onderwerp": "Café De Hoek (fictief)", "locatie": locatie, "datum": datum,
            "bron": "inspectie", "ladder": "horeca", "object": "sluitingstijd", "exploitant": kvk
        })
    };
    let r = api_post(
        &app,
        "/api/v1/maatregelen",
        &token,
        card("Markt 3, Leerdam", "2026-01-10", "12345678"),
    )
    .await;
    assert_eq!(r.status(), 201);
    let geel: serde_json::Value = r.json().await.unwrap();
    assert_eq!(geel["maatregel"]["soort"], "gele-kaart");
    assert_eq!(geel["maatregel"]["waarschuwing"], true);
    let geel_id = geel["maatregel"]["id"].as_str().unwrap().to_string();
    // The card is given and sent: a warning, so no bezwaar and no bezwaar term.
    for soort in ["besluit", "bekendmaking"] {
        let (s, p) = api_step(
            &app,
            &token,
            &geel_id,
            serde_json::json!({"soort": soort, "datum": "2026-01-12"}),
        )
        .await;
        assert_eq!(s, 201, "{p}");
    }
    let (s, v) = api_step(
        &app,
        &token,
        &geel_id,
        serde_json::json!({"soort": "evaluatie", "datum": "2026-01-13"}),
    )
    .await;
    assert_eq!(s, 201);
    assert!(
        v["tijdlijn"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["regel"] != "bezwaar"),
        "{v}"
    );
    assert!(!v["mogelijke_stappen"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "bezwaar"));
    let (s, _) = api_step(
        &app,
        &token,
        &geel_id,
        serde_json::json!({"soort": "bezwaar", "datum": "2026-01-20"}),
    )
    .await;
    assert_eq!(s, 422);
    let mut b = Browser::new(&app);
    b.login("jurist@example.nl", PASSWORD, Some(&secret)).await;
    let r = b
        .post(
            &format!("/maatregelen/{geel_id}/brieven"),
            &[("brief", "besluit")],
        )
        .await;
    assert_eq!(r.status, 422, "no besluit letter for a warning");
    let r = b
        .post(
            &format!("/maatregelen/{geel_id}/brieven"),
            &[("brief", "waarschuwing")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let letter = b.get(&r.location().unwrap()).await;
    assert!(
        letter
            .body
            .contains("geen besluit in de zin van de Algemene wet bestuursrecht"),
        "{}",
        letter.body
    );
    assert!(!letter.body.contains("bezwaarschrift"), "{}", letter.body);
    assert!(
        letter.body.contains("horecabeleid 2023 (versie 1)"),
        "{}",
        letter.body
    );

    // The second card at the same café, its address typed with the postcode: red.
    let r = api_post(
        &app,
        "/api/v1/maatregelen",
        &token,
        card("markt 3 , 4141 BC  LEERDAM", "2026-09-01", "1234 5678"),
    )
    .await;
    assert_eq!(r.status(), 201);
    let rood: serde_json::Value = r.json().await.unwrap();
    assert_eq!(rood["maatregel"]["soort"], "rode-kaart", "{rood}");
    assert_eq!(rood["maatregel"]["waarschuwing"], false);
    assert!(rood["maatregel"]["voorstel"]
        .as_str()
        .unwrap()
        .starts_with("tweede gele kaart binnen 12 maanden"));
    // A new operator at the same address starts with a clean slate.
    let r = api_post(
        &app,
        "/api/v1/maatregelen",
        &token,
        card("Markt 3, 4141 BC Leerdam", "2026-09-15", "87654321"),
    )
    .await;
    let nieuw: serde_json::Value = r.json().await.unwrap();
    assert_eq!(nieuw["maatregel"]["soort"], "gele-kaart", "{nieuw}");
    // An address that cannot be recognised is refused on a ladder.
    let r = api_post(
        &app,
        "/api/v1/maatregelen",
        &token,
        card("Café De Hoek", "2026-09-16", ""),
    )
    .await;
    assert_eq!(r.status(), 422);
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "locatie");

    // Alcoholwet 19a: three offences at one shop within twelve months.
    let winkel = |locatie: &str, datum: &str| {
        serde_json::json!({
            "onderwerp": "Supermarkt Test (fictief)", "locatie": locatie, "datum": datum,
            "bron": "inspectie", "ladder": "alcohol-19a", "exploitant": "000012345678"
        })
    };
    let mut soorten = Vec::new();
    for (locatie, datum) in [
        ("Voorstraat 10, 4132 AS Vianen", "2026-01-15"),
        ("Voorstraat 10, Vianen", "2026-05-20"),
        ("voorstraat 10 4132as vianen", "2026-11-30"),
    ] {
        let r = api_post(&app, "/api/v1/maatregelen", &token, winkel(locatie, datum)).await;
        assert_eq!(r.status(), 201, "{locatie}");
        let v: serde_json::Value = r.json().await.unwrap();
        soorten.push(v["maatregel"].clone());
    }
    assert_eq!(soorten[0]["soort"], "overtreding");
    assert!(soorten[0]["voorstel"]
        .as_str()
        .unwrap()
        .starts_with("eerste overtreding binnen 12 maanden"));
    assert_eq!(soorten[1]["soort"], "overtreding");
    assert_eq!(soorten[2]["soort"], "verkoopverbod-19a", "{}", soorten[2]);
    assert_eq!(soorten[2]["duur"], "2 weken");
    // The recorded offences are measures like any other: listed, audited on reading.
    let id = soorten[0]["id"].as_str().unwrap();
    let page = b.get(&format!("/maatregelen/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Overtreding of waarschuwing (geen maatregel)"));

    // Damocles: decimals with their unit and exact boundaries.
    let drugs = |middel: &str, q: serde_json::Value, eenheid: Option<&str>| {
        let mut v = serde_json::json!({
            "onderwerp": "D. Test (fictief)", "locatie": "Kerkweg 4, 4141 AB Leerdam", "datum": "2026-04-01",
            "bron": "politierapport", "ladder": "damocles", "object": "woning", "middel": middel, "hoeveelheid": q
        });
        if let Some(e) = eenheid {
            v["hoeveelheid_eenheid"] = e.into();
        }
        v
    };
    for (middel, q, eenheid, status, field, soort) in [
        (
            "softdrugs",
            serde_json::json!(5),
            None,
            422,
            "hoeveelheid",
            "",
        ),
        (
            "harddrugs",
            serde_json::json!("0,5"),
            None,
            422,
            "hoeveelheid",
            "",
        ),
        (
            "hennep",
            serde_json::json!(5),
            Some("planten"),
            422,
            "hoeveelheid",
            "",
        ),
        (
            "hennep",
            serde_json::json!(6),
            Some("gram"),
            422,
            "hoeveelheid_eenheid",
            "",
        ),
        (
            "softdrugs",
            serde_json::json!("0,6,1"),
            None,
            422,
            "hoeveelheid",
            "",
        ),
        (
            "harddrugs",
            serde_json::json!(0.6),
            None,
            201,
            "",
            "sluiting-13b",
        ),
    ] {
        let r = api_post(
            &app,
            "/api/v1/maatregelen",
            &token,
            drugs(middel, q.clone(), eenheid),
        )
        .await;
        assert_eq!(r.status(), status, "{middel} {q}");
        let v: serde_json::Value = r.json().await.unwrap();
        if status == 422 {
            assert_eq!(v["errors"][0]["field"], field, "{middel} {q}: {v}");
        } else {
            assert_eq!(v["maatregel"]["soort"], soort, "{v}");
            assert_eq!(v["maatregel"]["hoeveelheid"], "0,6 gram");
        }
    }
    // Just over the softdrugs boundary, elsewhere: a written warning, not a closure; at the
    // address of the harddrugs case it is the second offence there, and the closure follows.
    let mut elders = drugs("softdrugs", serde_json::json!("5,1"), None);
    elders["locatie"] = "Kerkweg 6, 4141 AB Leerdam".into();
    let r = api_post(&app, "/api/v1/maatregelen", &token, elders).await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        v["maatregel"]["soort"], "overtreding",
        "a written warning, not a closure"
    );
    assert_eq!(v["maatregel"]["waarschuwing"], true);
    let r = api_post(
        &app,
        "/api/v1/maatregelen",
        &token,
        drugs("softdrugs", serde_json::json!("5,1"), None),
    )
    .await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["maatregel"]["soort"], "sluiting-13b", "{v}");
    assert!(v["maatregel"]["voorstel"]
        .as_str()
        .unwrap()
        .starts_with("tweede overtreding"));
}

/// The decision on a bezwaar moves with the advisory committee and a verdaging recorded on the
/// measure; a dwangsom's limitation is extended while a bezwaar against the last runs, the
/// explanation names art. 5:35 lid 2, and collection is not refused meanwhile.
#[tokio::test]
async fn objection_terms_and_the_dwangsom_limitation_follow_the_procedure() {
    let app = spawn_app().await;
    let (token, secret) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    let id = create_measure(
        &app,
        &token,
        serde_json::json!({"soort": "dwangsom", "onderwerp": "W. Test (fictief)", "locatie": "Laan 11, Vianen",
                           "datum": "2026-01-02", "bron": "inspectie"}),
    )
    .await;
    for body in [
        serde_json::json!({"soort": "voornemen", "datum": "2026-01-02"}),
        serde_json::json!({"soort": "zienswijze", "datum": "2026-01-05", "ontvangen": true}),
        serde_json::json!({"soort": "afweging", "datum": "2026-01-06", "noodzaak": "n", "evenredigheid": "e", "subsidiariteit": "s"}),
        serde_json::json!({"soort": "besluit", "datum": "2026-01-07", "bedrag_cent": 100000, "maximum_cent": 500000, "tot": "2026-01-23"}),
        serde_json::json!({"soort": "bekendmaking", "datum": "2026-01-08"}),
        serde_json::json!({"soort": "bezwaar", "datum": "2026-02-01", "adviescommissie": true, "tegen": "last"}),
    ] {
        let (s, p) = api_step(&app, &token, &id, body.clone()).await;
        assert_eq!(s, 201, "{body}: {p}");
    }
    // Bekendmaking 8 January: bezwaar term until 19 February, twelve weeks: Friday 14 May 2026.
    let (s, p) = api_step(
        &app,
        &token,
        &id,
        serde_json::json!({"soort": "verdaging", "datum": "2026-05-01", "weken": 7}),
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ten hoogste 6 weken"),
        "{p}"
    );
    let (s, v) = api_step(
        &app,
        &token,
        &id,
        serde_json::json!({"soort": "verdaging", "datum": "2026-05-01", "weken": 6}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let t = tijdlijn(&v, "beslistermijn-bezwaar");
    assert_eq!(t["datum"], "2026-06-25", "{t}");
    assert!(
        t["uitleg"]
            .as_str()
            .unwrap()
            .contains("vrijdag 1 mei 2026 schriftelijk meegedeeld"),
        "{t}"
    );
    // A forfeiture while the bezwaar against the last is pending: the limitation is extended.
    let (s, v) = api_step(
        &app,
        &token,
        &id,
        serde_json::json!({"soort": "verbeurte", "datum": "2026-02-10"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let t = tijdlijn(&v, "dwangsom-verjaring");
    assert!(
        t["uitleg"]
            .as_str()
            .unwrap()
            .contains("art. 5:35 lid 2 Awb"),
        "{t}"
    );
    assert_eq!(
        t["afgehandeld"], true,
        "no reminder while the end is unknown"
    );
    // Collection after the first anniversary is not refused as time-barred.
    let (s, p) = api_step(
        &app,
        &token,
        &id,
        serde_json::json!({"soort": "invorderingsbesluit", "datum": "2027-03-01"}),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    // The page offers the committee, the weeks and what a remedy is directed against.
    let mut b = Browser::new(&app);
    b.login("jurist@example.nl", PASSWORD, Some(&secret)).await;
    let page = b.get(&format!("/maatregelen/{id}")).await;
    assert!(page.body.contains("name=\"adviescommissie\""));
    assert!(page.body.contains("name=\"tegen\""));
    assert!(page.body.contains("verdaagd met 6 weken"));
}

/// Letters are drafts until a legal adviser finalises them: the date is editable (today by
/// default), the text can be edited, internal notes stay out unless chosen, a draft with
/// something left to fill in cannot be finalised, and a finalised letter is frozen with its PDF
/// kept. The huisverbod's remedy names beroep.
#[tokio::test]
async fn letters_are_drafts_until_a_legal_adviser_finalises_them() {
    let app = spawn_app().await;
    let (token, secret) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    let id = create_measure(
        &app,
        &token,
        serde_json::json!({"soort": "sluiting-174a", "onderwerp": "L. Brief (fictief)", "locatie": "Laan 12, Vianen",
                           "datum": "2026-03-02", "bron": "politierapport", "referentie": "PL-12",
                           "toelichting": "INTERN: melder is de buurvrouw op nummer 14"}),
    )
    .await;
    for body in [
        serde_json::json!({"soort": "voornemen", "datum": "2026-03-02"}),
        serde_json::json!({"soort": "zienswijze", "datum": "2026-03-17", "ontvangen": false}),
        serde_json::json!({"soort": "afweging", "datum": "2026-03-18", "noodzaak": "Ernstige verstoring van de openbare orde.", "evenredigheid": "e", "subsidiariteit": "s"}),
        serde_json::json!({"soort": "besluit", "datum": "2026-03-20"}),
    ] {
        assert_eq!(api_step(&app, &token, &id, body).await.0, 201);
    }
    let mut b = Browser::new(&app);
    b.login("jurist@example.nl", PASSWORD, Some(&secret)).await;
    let detail = b.get(&format!("/maatregelen/{id}")).await;
    assert!(
        detail.body.contains(&format!("value=\"{}\"", today())),
        "the letter's date defaults to today"
    );
    // Without choosing the notes, the internal note stays out.
    let r = b
        .post(
            &format!("/maatregelen/{id}/brieven"),
            &[("brief", "besluit"), ("datum", "2026-03-23")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let href = r.location().unwrap();
    let page = b.get(&href).await;
    assert!(!page.body.contains("buurvrouw"), "{}", page.body);
    assert!(page.body.contains("[aan te vullen]"));
    assert!(page.body.contains("maandag 23 maart 2026"));
    // Chosen, it is taken over.
    let r = b
        .post(
            &format!("/maatregelen/{id}/brieven"),
            &[
                ("brief", "besluit"),
                ("datum", "2026-03-23"),
                ("notities", "aanleiding"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    assert!(b
        .get(&r.location().unwrap())
        .await
        .body
        .contains("buurvrouw"));
    // A draft with something to fill in cannot be finalised.
    let r = b.post(&format!("{href}/definitief"), &[]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("[aan te vullen]"), "{}", r.body);
    // The legal adviser edits date and text.
    let brief_id = href.rsplit('/').next().unwrap().to_string();
    let tekst: String = sqlx::query("SELECT tekst FROM maatregelen_brief WHERE id = $1")
        .bind(&brief_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("tekst")
        .unwrap();
    let tekst = tekst.replace("[aan te vullen]", "op de galerij werd geschoten.");
    let r = b
        .post(
            &href,
            &[
                ("datum", "2026-03-24"),
                ("titel", "Besluit: sluiting woning"),
                ("tekst", &tekst),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = b
        .post(
            &href,
            &[("datum", "2026-02-30"), ("titel", "x"), ("tekst", &tekst)],
        )
        .await;
    assert_eq!(r.status, 422);
    // Another writer who is no legal adviser may not finalise.
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    assert!(!iv.get(&href).await.body.contains("/definitief"));
    assert_eq!(
        iv.post(&format!("{href}/definitief"), &[]).await.status,
        403
    );
    let r = b.post(&format!("{href}/definitief"), &[]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(&href).await;
    assert!(
        page.body.contains("Deze brief is definitief"),
        "{}",
        page.body
    );
    assert!(page.body.contains("dinsdag 24 maart 2026"));
    assert!(
        !page.body.contains("name=\"tekst\""),
        "no edit form once final"
    );
    let r = b
        .post(
            &href,
            &[("datum", "2026-03-25"), ("titel", "x"), ("tekst", "y")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("definitief en kan niet meer worden gewijzigd"),
        "{}",
        r.body
    );
    // The PDF is kept as finalised and served as kept.
    let stored: Vec<u8> = sqlx::query("SELECT pdf FROM maatregelen_brief WHERE id = $1")
        .bind(&brief_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("pdf")
        .unwrap();
    let (status, _, pdf) = b.get_bytes(&format!("{href}/pdf")).await;
    assert_eq!(status, 200);
    assert_eq!(pdf, stored);
    let (text, _, _) = read_pdf(&pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Definitief"), "{flat}");
    assert!(flat.contains("op de galerij werd geschoten"), "{flat}");
    let v: serde_json::Value = api_get(
        &app,
        &format!("/api/v1/maatregelen/{id}"),
        Some(&format!("Bearer {token}")),
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(v["brieven"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["definitief"] == true));

    // The huisverbod's remedy: direct beroep, not a besluit op bezwaar.
    let hv = create_measure(
        &app,
        &token,
        serde_json::json!({"soort": "huisverbod", "onderwerp": "H. Test", "locatie": "Laan 13, Vianen",
                           "datum": "2026-05-04", "bron": "politierapport"}),
    )
    .await;
    api_step(&app, &token, &hv, serde_json::json!({"soort": "afweging", "datum": "2026-05-04", "noodzaak": "n", "evenredigheid": "e", "subsidiariteit": "s"})).await;
    let (_, v) = api_step(
        &app,
        &token,
        &hv,
        serde_json::json!({"soort": "besluit", "datum": "2026-05-04"}),
    )
    .await;
    let beroep = tijdlijn(&v, "beroep")["uitleg"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(beroep.contains("direct beroep"), "{beroep}");
    assert!(!beroep.contains("besluit op bezwaar"), "{beroep}");
    let r = b
        .post(
            &format!("/maatregelen/{hv}/brieven"),
            &[("brief", "besluit")],
        )
        .await;
    let letter = b.get(&r.location().unwrap()).await;
    assert!(
        letter.body.contains("beroep instellen bij de rechtbank"),
        "{}",
        letter.body
    );
    assert!(!letter.body.contains("besluit op bezwaar"));
}

/// The administrator adds and removes ladder rows (each a new version, audited); the statutory
/// minimum of art. 19a cannot be configured away; others may not change the ladders.
#[tokio::test]
async fn administrators_add_and_remove_ladder_rows() {
    let app = spawn_app().await;
    let mut admin = app
        .browser_as("beheer@example.nl", "vijfheerenlanden", Role::Beheerder)
        .await;
    let page = admin.get("/maatregelen/beleid").await;
    assert!(page
        .body
        .contains("href=\"/maatregelen/beleid/nieuw/horeca\""));
    let rij = |feit: &'static str,
               maatregel: &'static str,
               duur: &'static str,
               omschrijving: &'static str| {
        vec![
            ("beleid", "horecabeleid 2026"),
            ("object", "*"),
            ("middel", "*"),
            ("drempel", ""),
            ("hoeveelheid_eenheid", ""),
            ("feit", feit),
            ("venster_maanden", "12"),
            ("maatregel", maatregel),
            ("duur", duur),
            ("eenheid", "weken"),
            ("omschrijving", omschrijving),
            ("waarschuwing", ""),
        ]
    };
    assert_eq!(
        admin.get("/maatregelen/beleid/nieuw/horeca").await.status,
        200
    );
    // Version 2 takes effect sixty days ago.
    let mut f = rij("4", "rode-kaart", "8", "rode kaart: sluiting 8 weken");
    let v2_ingang = day(-60);
    f.push(("ingang", &v2_ingang));
    let r = admin.post("/maatregelen/beleid/nieuw/horeca", &f).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let horeca = |app: &App| {
        let db = app.db.clone();
        async move {
            ::maatregelen::store::ladder(&db, ::maatregelen::model::Ladder::Horeca)
                .await
                .unwrap()
        }
    };
    let v2 = horeca(&app).await;
    assert_eq!(v2.len(), 4);
    assert!(v2
        .iter()
        .all(|r| r.versie == 2 && r.beleid == "horecabeleid 2026"));
    // The statutory minimum of art. 19a: no sales ban on the second offence.
    let mut f = rij(
        "2",
        "verkoopverbod-19a",
        "2",
        "verkoopverbod na twee overtredingen",
    );
    f[0].1 = "handhavingsprotocol 2026";
    let r = admin
        .post("/maatregelen/beleid/nieuw/alcohol-19a", &f)
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("pas bij de derde overtreding"),
        "{}",
        r.body
    );
    // Removing the new row again: version 3 with the three rows.
    let nieuw = v2.iter().find(|r| r.feit == 4).unwrap();
    let remove = format!("/maatregelen/beleid/{}/verwijderen", nieuw.id);
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    assert_eq!(iv.post(&remove, &[]).await.status, 403);
    assert_eq!(iv.get("/maatregelen/beleid/nieuw/horeca").await.status, 403);
    // The removal asks when the version without the row takes effect; not before version 2.
    let page = admin.get(&remove).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"ingang\""), "{}", page.body);
    let te_vroeg = day(-61);
    let r = admin.post(&remove, &[("ingang", &te_vroeg)]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("kan niet eerder ingaan"), "{}", r.body);
    assert_eq!(horeca(&app).await[0].versie, 2);
    let v3_ingang = day(-40);
    let r = admin.post(&remove, &[("ingang", &v3_ingang)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let v3 = horeca(&app).await;
    assert_eq!(v3.len(), 3);
    assert!(v3.iter().all(|r| r.versie == 3) && !v3.iter().any(|r| r.feit == 4));
    assert_eq!(
        app.audit_rows(
            "resource_type = 'maatregel-ladder' AND action = 'update' AND outcome = 'allowed'"
        )
        .await
        .len(),
        2
    );
    // The page lists the versions with their effective dates; version 3 is in force.
    let page = admin.get("/maatregelen/beleid").await;
    assert!(
        page.body.contains("horecabeleid 2026 (versie 3): geldt nu"),
        "{}",
        page.body
    );
    // A measure is judged under the version in force on the day of the offence, at three
    // different cafés so that no earlier offence counts.
    let (token, _) = staff(&app, "jurist@example.nl", Role::Jurist).await;
    for (n, datum, versie) in [(1, day(-70), 1), (2, day(-50), 2), (3, day(-10), 3)] {
        let r = api_post(
            &app,
            "/api/v1/maatregelen",
            &token,
            serde_json::json!({
                "onderwerp": format!("Café {n} (fictief)"), "locatie": format!("Markt {n}, 4141 BC Leerdam"),
                "datum": datum, "bron": "inspectie", "ladder": "horeca", "object": "sluitingstijd"
            }),
        )
        .await;
        assert_eq!(r.status(), 201);
        let m: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            m["maatregel"]["ladder_versie"], versie,
            "offence on {datum}"
        );
    }
}
