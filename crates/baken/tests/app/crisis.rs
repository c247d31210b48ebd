//! Black-box tests of the crisis module, on SQLite and (in CI) PostgreSQL.

use super::*;
use reqwest::header::CONTENT_TYPE;

fn location_id(page: &Page, prefix: &str) -> String {
    page.location()
        .unwrap_or_else(|| panic!("no redirect: {} {}", page.status, page.body))
        .strip_prefix(prefix)
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn an_exercise_runs_from_plan_to_lessons_closed_and_meets_the_yearly_requirement() {
    let app = spawn_app().await;
    let mut b = app
        .browser_as(
            "crisis@example.nl",
            "vijfheerenlanden",
            Role::Crisisbeheersing,
        )
        .await;
    let year = platform::db::today_nl().year();
    let plan = |titel: &'static str, soort: &'static str, niveau: &'static str| {
        vec![
            ("titel", titel.to_string()),
            ("soort", soort.to_string()),
            ("niveau", niveau.to_string()),
            ("scenario", "Hoogwater op de Lek (test)".to_string()),
            ("deelnemers", "GBT, waterschap (test)".to_string()),
            ("gepland_op", format!("{year}-03-12")),
        ]
    };
    // A refused plan keeps the input and names the field.
    let mut bad = plan("Hoogwater Lek", "lokaal", "gbt");
    bad[5].1 = "12 maart".into();
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = b.post("/crisis/oefeningen", &fields).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("Vul een datum in"), "{}", page.body);
    assert!(page.body.contains("value=\"Hoogwater Lek\""));

    let local = plan("Hoogwater Lek", "lokaal", "gbt");
    let fields: Vec<(&str, &str)> = local.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = b.post("/crisis/oefeningen", &fields).await;
    let id = location_id(&page, "/crisis/oefeningen/");
    let page = b.get(&format!("/crisis/oefeningen?jaar={year}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Niet gehaald"));

    // Held, evaluated, a lesson added and closed.
    let base = format!("/crisis/oefeningen/{id}");
    let held_on = format!("{year}-03-12");
    let page = b
        .post(
            &format!("{base}/uitgevoerd"),
            &[
                ("u_uitgevoerd_op", &held_on),
                ("u_verloop", "GBT binnen 45 minuten bijeen"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b
        .post(
            &format!("{base}/evaluatie"),
            &[("e_evaluatie", "Informatie van het waterschap kwam laat")],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = b
        .post(
            &format!("{base}/leerpunten"),
            &[
                ("l_tekst", "Contactpersoon waterschap in de piketlijst"),
                ("l_eigenaar", "Adviseur crisisbeheersing"),
                ("l_uiterlijk", ""),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("id=\"veld-l_uiterlijk\""));
    let page = b
        .post(
            &format!("{base}/leerpunten"),
            &[
                ("l_tekst", "Contactpersoon waterschap in de piketlijst"),
                ("l_eigenaar", "Adviseur crisisbeheersing"),
                ("l_uiterlijk", &format!("{year}-06-01")),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = b.get(&base).await;
    assert!(page.body.contains("Open leerpunten: 1"), "{}", page.body);
    let close_link = page
        .body
        .split("href=\"")
        .find(|s| s.contains("/sluiten\""))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let page = b.get(&close_link).await;
    assert_eq!(page.status, 200);
    let page = b
        .post(
            &close_link,
            &[("afsluiting", "Opgenomen in de contactlijst")],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = b.get(&base).await;
    assert!(page.body.contains("Open leerpunten: 0"));
    assert!(page.body.contains("Opgenomen in de contactlijst"));

    // A regional one held too: the requirement is met, on the page, in the API and as a
    // policy count source.
    let regional = plan("Systeemoefening", "regionaal", "rbt");
    let fields: Vec<(&str, &str)> = regional.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = b.post("/crisis/oefeningen", &fields).await;
    let rid = location_id(&page, "/crisis/oefeningen/");
    b.post(
        &format!("/crisis/oefeningen/{rid}/uitgevoerd"),
        &[("u_uitgevoerd_op", &held_on), ("u_verloop", "Goed")],
    )
    .await;
    let page = b.get(&format!("/crisis/oefeningen?jaar={year}")).await;
    assert!(page.body.contains("Gehaald"), "{}", page.body);
    let token = cli_token(&app, "crisis@example.nl");
    let r = api_get(
        &app,
        &format!("/api/v1/crisis/oefeningen?jaar={year}"),
        Some(&format!("Bearer {token}")),
    )
    .await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["norm_gehaald"], true);
    let period = ::beleid::sources::Period::year(i64::from(year));
    assert_eq!(
        ::beleid::sources::count(&app.db, "crisis.oefennorm", period).await,
        Some(1)
    );
    assert_eq!(
        ::beleid::sources::count(
            &app.db,
            "crisis.oefennorm",
            ::beleid::sources::Period::year(2001)
        )
        .await,
        Some(0)
    );
}

#[tokio::test]
async fn an_incident_goes_from_grip_1_to_2_with_an_append_only_logbook_and_a_sitrep_pdf() {
    let app = spawn_app().await;
    let mut b = app
        .browser_as(
            "crisis@example.nl",
            "vijfheerenlanden",
            Role::Crisisbeheersing,
        )
        .await;
    let page = b
        .post(
            "/crisis/incidenten",
            &[
                ("titel", "Dijkbewaking Lek"),
                ("modus", "incident"),
                ("grip", "1"),
            ],
        )
        .await;
    let id = location_id(&page, "/crisis/incidenten/");
    let base = format!("/crisis/incidenten/{id}");
    for tekst in ["Kwelwater bij Vianen gemeld", "Waterschap zet dijkwacht in"] {
        let page = b
            .post(
                &format!("{base}/logboek"),
                &[
                    ("o_functie", "OvD-Bz"),
                    ("o_bron", "meldkamer"),
                    ("o_tekst", tekst),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
    }
    let page = b
        .post(
            &format!("{base}/grip"),
            &[("g_niveau", "1"), ("g_toelichting", "")],
        )
        .await;
    assert_eq!(page.status, 422, "the same level is refused");
    assert!(page.body.contains("al het huidige GRIP-niveau"));
    let page = b
        .post(
            &format!("{base}/grip"),
            &[
                ("g_niveau", "2"),
                ("g_toelichting", "Effecten buiten het brongebied"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = b
        .post(
            &format!("{base}/beeld"),
            &[
                ("b_discipline", "bevolkingszorg"),
                ("b_beeld", "40 woningen in de uiterwaarden"),
                ("b_oordeel", "Evacuatie binnen 6 uur nodig"),
                ("b_besluit", "Opvang voorbereiden"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = b
        .post(
            &format!("{base}/besluiten"),
            &[
                ("d_tekst", "Opvanglocatie sporthal openen"),
                ("d_actiehouder", "Leider Bevolkingszorg"),
                ("d_herbeoordeling", "morgen"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("value=\"Leider Bevolkingszorg\""));
    let page = b
        .post(
            &format!("{base}/besluiten"),
            &[
                ("d_tekst", "Opvanglocatie sporthal openen"),
                ("d_actiehouder", "Leider Bevolkingszorg"),
                ("d_herbeoordeling", "2026-12-08 09:00"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);

    let page = b.get(&base).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("GRIP 2: bron- en effectbestrijding"));
    assert!(!page.body.contains("OEFENING"));
    let page = b.get(&format!("{base}/situatierapport")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/crisis/static/print.css"));
    let (status, headers, bytes) = b.get_bytes(&format!("{base}/situatierapport.pdf")).await;
    assert_eq!(status, 200);
    assert_eq!(headers[CONTENT_TYPE], "application/pdf");
    let (text, _, _) = read_pdf(&bytes);
    for expected in [
        "Situatierapport: Dijkbewaking Lek",
        "GRIP 2",
        "Kwelwater bij Vianen gemeld",
        "Opvanglocatie sporthal openen",
        "Evacuatie binnen 6 uur nodig",
    ] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }

    // The API shows the history and the logbook (2 entries, the start, the GRIP change and the
    // decision).
    let token = cli_token(&app, "crisis@example.nl");
    let r = api_get(
        &app,
        &format!("/api/v1/crisis/incidenten/{id}"),
        Some(&format!("Bearer {token}")),
    )
    .await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["incident"]["grip"], 2);
    assert_eq!(v["grip"].as_array().unwrap().len(), 2);
    assert_eq!(v["logboek"].as_array().unwrap().len(), 5);

    // The database itself refuses to change or remove the logbook, the GRIP history and the
    // picture versions.
    for sql in [
        "UPDATE crisis_logboek SET tekst = 'x'",
        "DELETE FROM crisis_logboek",
        "UPDATE crisis_grip SET niveau = 4",
        "DELETE FROM crisis_grip",
        "UPDATE crisis_beeld SET beeld = 'x'",
        "DELETE FROM crisis_beeld",
    ] {
        assert!(
            sqlx::query(sql).execute(app.db.pool()).await.is_err(),
            "{sql}"
        );
    }
    if app.db.backend() == platform::db::Backend::Postgres {
        assert!(sqlx::query("TRUNCATE crisis_logboek")
            .execute(app.db.pool())
            .await
            .is_err());
    }
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM crisis_logboek")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n, 5);

    // An exercise in incident mode is marked as such.
    let page = b
        .post(
            "/crisis/incidenten",
            &[
                ("titel", "Oefening hoogwater"),
                ("modus", "oefening"),
                ("grip", "1"),
            ],
        )
        .await;
    let oid = location_id(&page, "/crisis/incidenten/");
    let page = b.get(&format!("/crisis/incidenten/{oid}")).await;
    assert!(page.body.contains("OEFENING — dit is geen echt incident."));
}

#[tokio::test]
async fn the_roster_flags_problems_contacts_are_for_the_crisis_organisation_and_the_feed_is_revocable(
) {
    let app = spawn_app().await;
    let mut b = app
        .browser_as(
            "crisis@example.nl",
            "vijfheerenlanden",
            Role::Crisisbeheersing,
        )
        .await;
    let functies = ::crisis::store::functies(&app.db).await.unwrap();
    let f = |slug: &str| functies.iter().find(|f| f.slug == slug).unwrap().id.clone();
    let page = b
        .post(
            "/crisis/organisatie",
            &[
                ("naam", "Olga Test"),
                ("account", ""),
                ("telefoon", "06-11112222"),
                ("email", "olga@example.nl"),
                ("functies", &f("ovd-bz")),
                ("functies", &f("informatiemanager")),
            ],
        )
        .await;
    let olga = location_id(&page, "/crisis/organisatie/");
    let page = b.get(&format!("/crisis/organisatie/{olga}")).await;
    assert!(page.body.contains("06-11112222"));
    // A qualification for OvD-Bz that expired last year.
    let page = b
        .post(
            &format!("/crisis/organisatie/{olga}/kwalificaties"),
            &[
                ("functie", &f("ovd-bz")),
                ("behaald_op", "2023-01-10"),
                ("verloopt_op", "2025-01-10"),
                ("bron", "Training OvD-Bz VRU"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let week = platform::db::today_nl().to_string();
    for slug in ["ovd-bz", "informatiemanager"] {
        let page = b
            .post(
                "/crisis/piket",
                &[("week", &week), ("functie", &f(slug)), ("persoon", &olga)],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
    }
    let page = b.get("/crisis/piket").await;
    assert!(page
        .body
        .contains("Eén persoon op twee functies: Olga Test"));
    assert!(page.body.contains("Kwalificatie verlopen: Olga Test"));
    assert!(page.body.contains("Geen kwalificatie: Olga Test"));
    assert!(page.body.contains("Niemand piket: Communicatieadviseur"));
    // The start page shows who is on call now.
    let page = b.get("/").await;
    assert!(page.body.contains("Olga Test"), "{}", page.body);

    // The calendar feed at a private address, revocable.
    let page = b
        .post(&format!("/crisis/organisatie/{olga}/agenda"), &[])
        .await;
    assert_eq!(page.status, 200);
    let feed = page
        .body
        .split("<code>")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .unwrap()
        .replace("&#x2f;", "/")
        .strip_prefix("https://baken.test")
        .unwrap()
        .to_string();
    let r = reqwest::get(format!("{}{feed}", app.base)).await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    b.post(&format!("/crisis/organisatie/{olga}/agenda/intrekken"), &[])
        .await;
    let r = reqwest::get(format!("{}{feed}", app.base)).await.unwrap();
    assert_eq!(r.status(), 404);

    // A scenario with a task per function; the risk list is there (its import is unit-tested).
    let page = b
        .post(
            "/crisis/scenarios",
            &[
                ("titel", "Hoogwater Lek"),
                ("omschrijving", "Dijkdoorbraak bij Vianen"),
                ("partners", "Waterschap Rivierenland, Rijkswaterstaat"),
            ],
        )
        .await;
    let sid = location_id(&page, "/crisis/scenarios/");
    let page = b
        .post(
            &format!("/crisis/scenarios/{sid}/taken"),
            &[
                ("functie", &f("leider-bz")),
                ("taak", "Evacuatie uiterwaarden"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = b.get(&format!("/crisis/scenarios/{sid}")).await;
    assert!(page.body.contains("Evacuatie uiterwaarden"));
    assert_eq!(b.get("/crisis/risicos").await.status, 200);

    // The burgemeester reads the organisation but not the contact details; reads are audited.
    let mut bm = app
        .browser_as("bm@example.nl", "vijfheerenlanden", Role::Burgemeester)
        .await;
    let page = bm.get(&format!("/crisis/organisatie/{olga}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("06-11112222"));
    assert_eq!(bm.get("/crisis/organisatie/contactlijst").await.status, 403);
    let mut jurist = app
        .browser_as("jurist@example.nl", "vijfheerenlanden", Role::Jurist)
        .await;
    assert_eq!(jurist.get("/crisis/piket").await.status, 403);
    let rows = app
        .audit_rows(&format!(
            "resource_type = 'crisis-contact' AND resource_id = '{olga}' AND outcome = 'allowed'"
        ))
        .await;
    assert!(!rows.is_empty());
}

#[tokio::test]
async fn the_demo_loads_once_and_every_page_renders() {
    let app = spawn_app().await;
    ::crisis::seed_demo(&app.db).await.unwrap();
    ::crisis::seed_demo(&app.db).await.unwrap();
    let mut b = app
        .browser_as(
            "crisis@example.nl",
            "vijfheerenlanden",
            Role::Crisisbeheersing,
        )
        .await;
    let home = b.get("/").await;
    assert!(home.body.contains("href=\"/crisis\""));
    for path in [
        "/crisis",
        "/crisis/organisatie",
        "/crisis/organisatie/contactlijst",
        "/crisis/piket",
        "/crisis/oefeningen",
        "/crisis/incidenten",
        "/crisis/risicos",
        "/crisis/scenarios",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.body.matches("<h1").count(), 1, "{path}");
    }
    let piket = b.get("/crisis/piket?week=2000-01-03").await;
    assert_eq!(piket.status, 200);
    let list = b.get("/crisis/incidenten").await;
    assert!(list.body.contains("OEFENING"));
    let start = list.body.find("href=\"/crisis/incidenten/0").unwrap() + 6;
    let href = list.body[start..start + list.body[start..].find('"').unwrap()].to_string();
    let page = b.get(&href).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Opvanglocatie sporthal openen"));
    let ex = b.get("/crisis/oefeningen").await;
    assert!(ex.body.contains("Hoogwater Lek 2026"));
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM crisis_persoon")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(n, 6);
}
