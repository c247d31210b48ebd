//! Black-box tests of the ondermijning module, on SQLite and (in CI) PostgreSQL.

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

#[tokio::test]
async fn a_place_gets_an_explained_score_on_its_page_and_in_the_api_and_others_are_refused() {
    let app = spawn_app().await;
    let org = "vijfheerenlanden";
    let mut adviseur = app
        .browser_as("adviseur@example.nl", org, Role::AdviseurIv)
        .await;
    let adviseur_id = identity::user_id_by_email(&app.db, "adviseur@example.nl")
        .await
        .unwrap();
    let mut analist = app
        .browser_as("analist@example.nl", org, Role::Analist)
        .await;

    // The menu shows the register to the adviseur, not to the analist.
    assert!(adviseur
        .get("/")
        .await
        .body
        .contains("href=\"/ondermijning\""));
    assert!(!analist
        .get("/")
        .await
        .body
        .contains("href=\"/ondermijning\""));

    // A wrong KvK number and no postcode: 422 with the errors next to the fields, input kept.
    let mut fields = vec![
        ("naam", "Café Proef"),
        ("soort", "horeca"),
        ("straat", "Kerkstraat"),
        ("huisnummer", "12a"),
        ("postcode", ""),
        ("woonplaats", "Leerdam"),
        ("lat", "51.8929"),
        ("lon", "5.0930"),
        ("exploitant_kvk", "1234"),
    ];
    let page = adviseur.post("/ondermijning/nieuw", &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Een KvK-nummer bestaat uit 8 cijfers."));
    assert!(page
        .body
        .contains("Zonder BAG-id zijn postcode en huisnummer nodig."));
    assert!(page.body.contains("Café Proef"));

    fields[4] = ("postcode", "4141 aw");
    fields[8] = ("exploitant_kvk", "9000 0001");
    let page = adviseur.post("/ondermijning/nieuw", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let href = page.location().unwrap();
    let id = href.rsplit('/').next().unwrap().to_string();

    // A risk feature and a police signal give points by weights version 1: 8 + 5.
    let page = adviseur
        .post(&format!("{href}/kenmerken"), &[("kenmerken", "leegstaand")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let page = adviseur
        .post(
            &format!("{href}/signalen"),
            &[("signaal_datum", ""), ("signaal_bron", "Politie")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Vul dit veld in."));
    let today = platform::db::today_nl().to_string();
    let page = adviseur
        .post(
            &format!("{href}/signalen"),
            &[
                ("signaal_datum", &today),
                ("signaal_bron", "Politie (wijkagent)"),
                ("signaal_tekst", "Handel bij de achteringang (test)."),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    let page = adviseur.get(&href).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Risicobeeld: 13 punten (verhoogd)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Leegstaand pand of schuur"));
    assert!(page.body.contains("Handel bij de achteringang (test)."));
    assert!(page.body.contains("weging versie 1"));

    // The API gives the same score with its explanation.
    let t = token(&app, &adviseur_id).await;
    let r = api_get(
        &app,
        &format!("/api/v1/ondermijning/locaties/{id}"),
        Some(&format!("Bearer {t}")),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["score"], 13);
    assert_eq!(body["band"], "verhoogd");
    assert_eq!(body["exploitant_kvk"], "90000001");
    let line = |code: &str| {
        body["uitleg"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"] == code)
            .unwrap()["punten"]
            .clone()
    };
    assert_eq!(line("kenmerk:leegstaand"), 8);
    assert_eq!(line("signalen"), 5);
    assert_eq!(line("meldingen"), 0);

    // A place through the API: a wrong KvK number is a 422 naming the field; a good one a 201.
    let post = |body: serde_json::Value| {
        let t = t.clone();
        let base = app.base.clone();
        async move {
            let r = reqwest::Client::new()
                .post(format!("{base}/api/v1/ondermijning/locaties"))
                .header("authorization", format!("Bearer {t}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            (
                status,
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let place = serde_json::json!({
        "naam": "Loods API (test)", "soort": "loods", "straat": "Achterweg",
        "huisnummer": "5", "postcode": "4141NK", "woonplaats": "Leerdam", "exploitant_kvk": "123"
    });
    let (status, body) = post(place.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("exploitant_kvk"), "{body}");
    let mut place = place;
    place["exploitant_kvk"] = "90000009".into();
    let (status, body) = post(place).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["score"], 0);
    assert_eq!(body["weging_versie"], 1);

    // A new weights version changes the score; both versions stay listed.
    let mut weights: Vec<(String, String)> = Vec::new();
    for row in ::ondermijning::model::weging_v1().gewichten {
        let punten = if row.indicator == "signalen" {
            10
        } else {
            row.punten
        };
        weights.push((format!("punten-{}", row.indicator), punten.to_string()));
        weights.push((
            format!("maximum-{}", row.indicator),
            row.maximum.to_string(),
        ));
    }
    weights.push(("categorieen".into(), "verdacht-pand, drugsoverlast".into()));
    weights.push(("toelichting".into(), "Signalen zwaarder (test)".into()));
    let form: Vec<(&str, &str)> = weights
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = adviseur.post("/ondermijning/weging", &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = adviseur.get("/ondermijning/weging").await;
    assert!(page.body.contains("weging versie 2 (huidige versie)"));
    assert!(page.body.contains("weging versie 1"));
    let page = adviseur.get(&href).await;
    assert!(page.body.contains("Risicobeeld: 18 punten (verhoogd)"));
    let page = adviseur.get("/ondermijning/aandachtslijst").await;
    assert!(page.body.contains("Café Proef"));
    let page = adviseur.get("/ondermijning?score=hoog").await;
    assert!(!page.body.contains("Café Proef"));
    let page = adviseur
        .get("/ondermijning?score=verhoogd&soort=horeca")
        .await;
    assert!(page.body.contains("Café Proef"));

    // An inspection round for this place, with the police: a deviation needs a note, counts in
    // the score, and starts a 13b measure linked both ways.
    let page = adviseur
        .get(&format!("/ondermijning/rondes/nieuw?locatie={id}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let page = adviseur
        .post(
            "/ondermijning/rondes/nieuw",
            &[
                ("naam", "Controle Café Proef"),
                ("datum", &today),
                ("partners", "politie"),
                ("wie", "Toezichthouder en wijkagent"),
                ("locatie", &id),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let round = page.location().unwrap();
    let page = adviseur.get(&round).await;
    assert!(page.body.contains("Politie"));
    let cid = page
        .body
        .split("/ondermijning/controles/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let inspection = format!("/ondermijning/controles/{cid}");
    let page = adviseur.get(&inspection).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Openingstijden nageleefd"));
    let mut findings: Vec<(String, String)> = vec![("datum".into(), today.clone())];
    for i in 0..5 {
        let oordeel = if i == 3 { "afwijking" } else { "in-orde" };
        findings.push((format!("oordeel-{i}"), oordeel.into()));
    }
    let form: Vec<(&str, &str)> = findings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = adviseur.post(&inspection, &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Beschrijf de afwijking."));
    findings.push((
        "toelichting-3".into(),
        "Zakjes met wit poeder achter de bar".into(),
    ));
    let form: Vec<(&str, &str)> = findings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let page = adviseur.post(&inspection, &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = adviseur.get(&href).await;
    assert!(page.body.contains("Risicobeeld: 22 punten (verhoogd)"));
    let page = adviseur.get(&inspection).await;
    let finding = page
        .body
        .split("name=\"bevinding\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let page = adviseur
        .post(
            &format!("{inspection}/maatregel"),
            &[("bevinding", &finding)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let measure = page.location().unwrap();
    assert!(measure.starts_with("/maatregelen/"));
    let page = adviseur.get(&measure).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Zakjes met wit poeder achter de bar"));
    let page = adviseur.get(&inspection).await;
    assert!(page.body.contains(&format!("href=\"{measure}\"")));

    // The analist may not read the place, through the page or the API; both refusals audited.
    let page = analist.get(&href).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let analist_id = identity::user_id_by_email(&app.db, "analist@example.nl")
        .await
        .unwrap();
    let t = token(&app, &analist_id).await;
    let r = api_get(
        &app,
        &format!("/api/v1/ondermijning/locaties/{id}"),
        Some(&format!("Bearer {t}")),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let denied = app
        .audit_rows(&format!(
            "resource_type = 'ondermijning-locatie' AND resource_id = '{id}' AND outcome = 'denied'"
        ))
        .await;
    assert_eq!(denied.len(), 2);
    // The adviseur's reads are in the log too.
    let read = app
        .audit_rows(&format!(
            "resource_type = 'ondermijning-locatie' AND resource_id = '{id}' AND action = 'read' AND outcome = 'allowed'"
        ))
        .await;
    assert!(read.len() >= 3);
    // The Bibob coordinator sees whether a screening names the place (existence only); others
    // do not see the question at all.
    let mut coordinator = app
        .browser_as("bibob@example.nl", org, Role::BibobCoordinator)
        .await;
    let page = coordinator.get(&href).await;
    assert!(page
        .body
        .contains("Geen Bibob-screening noemt deze locatie."));
    assert!(!adviseur.get(&href).await.body.contains("Bibob-screening"));
    // Only the adviseur IV changes the weights.
    let mut handhaver = app
        .browser_as("handhaver@example.nl", org, Role::Handhaver)
        .await;
    let page = handhaver.post("/ondermijning/weging", &form).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_demo_register_has_ten_places_a_kvo_business_park_and_a_watch_list() {
    let app = spawn_app().await;
    ::ondermijning::seed_demo(&app.db).await.unwrap();
    // Idempotent.
    ::ondermijning::seed_demo(&app.db).await.unwrap();
    let mut adviseur = app
        .browser_as("adviseur@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let page = adviseur.get("/ondermijning").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Locaties (11)"), "{}", page.body);
    assert!(page.body.contains("<svg"));
    let page = adviseur.get("/ondermijning/aandachtslijst").await;
    assert!(page.body.contains("Shisha Lounge Het Hofje"));
    assert!(page.body.contains("Schuur Lange Dreef"));
    let page = adviseur.get("/ondermijning/rondes").await;
    assert!(page
        .body
        .contains("Integrale controle schuren en loodsen (demo)"));
    assert!(page.body.contains("0 / 4"));
}
