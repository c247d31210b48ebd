//! Monitor: regions, imports as versions, series pages.

use super::*;

const NATIONAL: &str = include_str!(
    "../../../monitor/data/politie_47022NED_NL00_typeddataset_reshaped_2019-2021.json"
);

fn import_cli(app: &App, path: &std::path::Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["monitor", "import"])
        .arg(path)
        .args(extra)
        .env("BAKEN_DATABASE_URL", &app._test_db.url)
        .output()
        .unwrap()
}

async fn cell_count(app: &App) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM monitor_count")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

#[tokio::test]
async fn regions_and_boundaries_of_the_gemeente_are_loaded() {
    let app = spawn_app().await;
    let regions = ::monitor::store::regions(&app.db).await.unwrap();
    let count = |level: &str| regions.iter().filter(|r| r.level == level).count();
    assert_eq!(
        (count("gemeente"), count("wijk"), count("buurt")),
        (1, 39, 88)
    );
    // The in-memory boundaries agree with the regions in the database.
    let place = ::monitor::areas::locate(5.092, 51.9945).unwrap();
    let buurt = regions
        .iter()
        .find(|r| Some(&r.code) == place.buurt_code.as_ref())
        .unwrap();
    assert_eq!(
        (buurt.code.as_str(), buurt.name.as_str()),
        ("BU19612101", "Vianen binnenstad")
    );
    assert_eq!(buurt.parent_code.as_ref(), Some(&place.wijk_code));
    assert!(
        ::monitor::areas::locate(4.5, 52.5).is_none(),
        "outside the gemeente"
    );
}

#[tokio::test]
async fn a_police_file_is_imported_once_as_a_version_and_a_bad_file_not_at_all() {
    let app = spawn_app().await;
    let dir = temp_dir();
    let good = dir.0.join("47022NED.json");
    std::fs::write(&good, NATIONAL).unwrap();
    let out = import_cli(&app, &good, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("72 cellen"));
    let out = import_cli(&app, &good, &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("al eerder geïmporteerd"));
    assert_eq!(cell_count(&app).await, 72);

    // A revised download: a newer version becomes the default for the months it holds.
    let revised = dir.0.join("47022NED-revisie.csv");
    std::fs::write(
        &revised,
        "\u{feff}\"ID\";\"SoortMisdrijf\";\"WijkenEnBuurten\";\"Perioden\";\"GeregistreerdeMisdrijven_1\"\n\
         \"0\";\"0.0.0 \";\"NL00      \";\"2019MM01\";\"67100\"\n\
         \"1\";\"0.0.0 \";\"NL00      \";\"2019MM02\";\".\"\n",
    )
    .unwrap();
    let out = import_cli(&app, &revised, &["--table", "47022NED"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let series = ::monitor::store::series(&app.db, "NL00", "0.0.0")
        .await
        .unwrap();
    assert_eq!(series.len(), 36);
    assert_eq!(series[0].value, Some(67100), "the newer version wins");
    assert_eq!(
        series[1].value, None,
        "a suppressed cell stays missing, never zero"
    );
    assert_eq!(
        series[2].value,
        Some(67211),
        "months the new file lacks keep the older value"
    );

    // A file with errors: every wrong line named, nothing imported.
    let bad = dir.0.join("fout.csv");
    std::fs::write(
        &bad,
        "SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n1.1.1;BU19610101;2024MM01;3\n1.1.1;XX;2024MM02;3\n1.1.1;BU19610101;2024MM13;3\n",
    )
    .unwrap();
    let before = cell_count(&app).await;
    let out = import_cli(&app, &bad, &["--table", "47022NED"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("regel 3") && err.contains("regel 4") && !err.contains("regel 2:"),
        "{err}"
    );
    assert_eq!(cell_count(&app).await, before);
    assert_eq!(
        app.audit_rows("resource_type = 'monitor-import'")
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn the_monitor_shows_series_to_gemeente_staff_only() {
    let app = spawn_app().await;
    ::monitor::import_file(&app.db, "47022NED.json", NATIONAL.as_bytes(), None, "test")
        .await
        .unwrap();
    let (_, secret) = app
        .user(
            "analist@example.nl",
            "vijfheerenlanden",
            Role::Analist,
            true,
        )
        .await;
    let mut b = Browser::new(&app);
    b.login("analist@example.nl", PASSWORD, secret.as_deref())
        .await;
    let home = b.get("/").await;
    assert!(home.body.contains("href=\"/monitor\""));
    let overview = b.get("/monitor").await;
    assert_eq!(overview.status, 200);
    assert!(
        overview.body.contains("Bron: CBS / Politie") && overview.body.contains("Leerdam-West")
    );
    let series = b.get("/monitor/reeks?gebied=NL00&soort=1.1.1").await;
    assert_eq!(series.status, 200);
    assert!(
        series.body.contains("jan 2019") && series.body.contains("<svg"),
        "chart and table"
    );
    let series = b.get("/monitor/reeks?gebied=GM1961&soort=1.1.1").await;
    assert!(series
        .body
        .contains("Voor dit gebied en deze soort zijn geen cijfers"));
    let (_, s2) = app
        .user(
            "politie@example.nl",
            "politie-lekpoort",
            Role::Ketenpartner,
            true,
        )
        .await;
    let mut p = Browser::new(&app);
    p.login("politie@example.nl", PASSWORD, s2.as_deref()).await;
    assert_eq!(p.get("/monitor").await.status, 403);
    assert!(!p.get("/").await.body.contains("href=\"/monitor\""));
}

#[tokio::test]
async fn the_farrington_cli_prints_json_and_refuses_bad_csv() {
    let dir = temp_dir();
    let good = dir.0.join("reeks.csv");
    let mut csv = String::from("period,count\n");
    for i in 0..108 {
        csv.push_str(&format!(
            "{}-{:02},{}\n",
            2016 + i / 12,
            i % 12 + 1,
            18 + (i * 7) % 6
        ));
    }
    csv.push_str("2025-01,70\n");
    std::fs::write(&good, csv).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args([
            "monitor",
            "farrington",
            "--freq",
            "12",
            "--last",
            "2",
            "--json",
            "--input",
        ])
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["period"], "2025-01");
    assert_eq!(rows[1]["alarm"], true);
    assert_eq!(rows[0]["alarm"], false);
    assert!(rows[1]["expected"].as_f64().unwrap() < rows[1]["upperbound"].as_f64().unwrap());
    let bad = dir.0.join("fout.csv");
    std::fs::write(&bad, "period,count\n2024-01,x\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_baken"))
        .args(["monitor", "farrington", "--freq", "12", "--input"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

/// Ten years of a flat ~20 woninginbraken a month in the gemeente, then a spike in January 2025:
/// the spike is an alarm.
fn spike_csv() -> String {
    let mut csv =
        String::from("ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n");
    for i in 0..120 {
        csv.push_str(&format!(
            "{i};1.1.1;GM1961;{}MM{:02};{}\n",
            2015 + i / 12,
            i % 12 + 1,
            18 + i % 5
        ));
    }
    csv.push_str("120;1.1.1;GM1961;2025MM01;80\n");
    csv
}

async fn monitor_api_post(
    app: &App,
    path: &str,
    token: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn field_names(problem: &serde_json::Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_two_weekly_review_lists_new_alarms_and_keeps_the_decisions() {
    let app = spawn_app().await;
    ::monitor::import_file(
        &app.db,
        "47022NED-gemeente.csv",
        spike_csv().as_bytes(),
        Some("47022NED"),
        "test",
    )
    .await
    .unwrap();
    let (analist_id, secret) = app
        .user(
            "analist@example.nl",
            "vijfheerenlanden",
            Role::Analist,
            true,
        )
        .await;
    let mut b = Browser::new(&app);
    b.login("analist@example.nl", PASSWORD, secret.as_deref())
        .await;
    let overview = b.get("/monitor").await;
    assert!(overview.body.contains("href=\"/monitor/besprekingen\""));
    let list = b.get("/monitor/besprekingen").await;
    assert_eq!(list.status, 200);
    assert!(list
        .body
        .contains("Er zijn nog geen besprekingen vastgelegd."));

    // A bad form: 422, Dutch errors next to the fields, the input kept.
    let bad = b
        .post(
            "/monitor/besprekingen",
            &[("held_on", "27-11-2026"), ("title", "")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("id=\"veld-held_on-fout\""),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("Vul een datum in als jjjj-mm-dd."));
    assert!(bad.body.contains("id=\"veld-title-fout\"") && bad.body.contains("Vul dit veld in."));
    assert!(bad.body.contains("value=\"27-11-2026\""), "input kept");
    assert!(bad.body.contains("baken-error-summary"));

    // Through the form: the session lists the alarm of January 2025 with its explanation.
    let created = b
        .post(
            "/monitor/besprekingen",
            &[("held_on", "2026-11-13"), ("title", "Bespreking politie")],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let href = created.location().unwrap();
    let session_id = href.rsplit('/').next().unwrap().to_string();
    let page = b.get(&href).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Bespreking politie (13-11-2026)"));
    assert!(page.body.contains("jan 2025") && page.body.contains("Vijfheerenlanden"));
    assert!(
        page.body
            .contains("In jan 2025 zijn 80 misdrijven geregistreerd"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Dezelfde maand een jaar eerder: "));
    assert!(page.body.contains("aria-labelledby=\"tabel-signalen\""));
    let list = b.get("/monitor/besprekingen").await;
    assert!(list.body.contains(&href), "the list links the session");

    // A bad decision: 422 with the errors next to this alarm's fields.
    let bad = b
        .post(
            &format!("{href}/besluit"),
            &[
                ("alarm", "1"),
                ("decision-1", ""),
                ("note-1", "nog even kijken"),
                ("link-1", "https://example.org"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"veld-decision-1-fout\""));
    assert!(bad.body.contains("Kies een van de mogelijkheden."));
    assert!(bad
        .body
        .contains("Vul een pad in Baken in dat begint met /"));
    assert!(bad.body.contains("value=\"nog even kijken\""), "input kept");

    // A decision through the form.
    let ok = b
        .post(
            &format!("{href}/besluit"),
            &[
                ("alarm", "1"),
                ("decision-1", "preventieve-actie"),
                ("note-1", "Extra surveillance in de wijk"),
                ("link-1", "/maatregelen/voorbeeld"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let page = b.get(&href).await;
    assert!(page.body.contains("Preventieve actie"));
    assert!(page.body.contains("Extra surveillance in de wijk"));
    assert!(page.body.contains("href=\"/maatregelen/voorbeeld\""));

    // The API.
    let token = cli_token(&app, "analist@example.nl");
    let auth = format!("Bearer {token}");
    let alarms: serde_json::Value = api_get(&app, "/api/v1/monitor/alarms", Some(&auth))
        .await
        .json()
        .await
        .unwrap();
    let spike = alarms
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["period"] == "2025MM01" && a["region"] == "GM1961")
        .unwrap_or_else(|| panic!("{alarms}"));
    assert_eq!(spike["observed"], 80);
    assert!(spike["explanation"]
        .as_str()
        .unwrap()
        .contains("80 misdrijven geregistreerd"));
    let regions: serde_json::Value =
        api_get(&app, "/api/v1/monitor/regions?level=buurt", Some(&auth))
            .await
            .json()
            .await
            .unwrap();
    assert_eq!(regions.as_array().unwrap().len(), 88);
    let series: serde_json::Value = api_get(
        &app,
        "/api/v1/monitor/series?region=GM1961&crime_type=1.1.1",
        Some(&auth),
    )
    .await
    .json()
    .await
    .unwrap();
    let points = series["points"].as_array().unwrap();
    assert_eq!(points.len(), 121);
    assert_eq!(points[120]["alarm"], true);
    assert!(
        points[0]["expected"].is_null(),
        "no evaluation without history"
    );
    let r = api_get(
        &app,
        "/api/v1/monitor/series?region=XX&crime_type=1.1.1",
        Some(&auth),
    )
    .await;
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(field_names(&v), vec!["region"]);

    // A bad session through the API: 422 problem+json naming the fields, in Dutch.
    let r = monitor_api_post(
        &app,
        "/api/v1/monitor/reviews",
        &token,
        serde_json::json!({"held_on": "gisteren", "title": " "}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(field_names(&v), vec!["held_on", "title"]);
    assert_eq!(v["errors"][1]["message"], "Vul dit veld in.");
    let r = monitor_api_post(
        &app,
        "/api/v1/monitor/reviews",
        &token,
        serde_json::json!({"title": "zonder datum"}),
    )
    .await;
    assert_eq!(r.status(), 422);

    // A second session lists only the alarms that came up since the first.
    let r = monitor_api_post(
        &app,
        "/api/v1/monitor/reviews",
        &token,
        serde_json::json!({"held_on": "2026-11-27", "title": "Via de API"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let second: serde_json::Value = r.json().await.unwrap();
    assert_eq!(second["alarms"].as_array().unwrap().len(), 0, "{second}");
    let list: serde_json::Value = api_get(&app, "/api/v1/monitor/reviews", Some(&auth))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["title"], "Via de API");
    assert_eq!(
        (list[1]["id"].as_str().unwrap(), list[1]["decided"].as_i64()),
        (session_id.as_str(), Some(1))
    );

    // A decision through the API.
    let first: serde_json::Value = api_get(
        &app,
        &format!("/api/v1/monitor/reviews/{session_id}"),
        Some(&auth),
    )
    .await
    .json()
    .await
    .unwrap();
    let alarm = &first["alarms"][0];
    assert_eq!(alarm["decisions"][0]["decision"], "preventieve-actie");
    assert_eq!(alarm["alarm"]["period"], "2025MM01");
    let alarm_id = alarm["id"].as_str().unwrap().to_string();
    let decisions = format!("/api/v1/monitor/reviews/{session_id}/decisions");
    let r = monitor_api_post(
        &app,
        &decisions,
        &token,
        serde_json::json!({"alarm_id": alarm_id, "decision": "communicatie", "note": "Bericht in de wijkkrant"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["alarms"][0]["decisions"][0]["decision"], "communicatie");
    assert_eq!(v["alarms"][0]["decisions"][0]["label"], "Communicatie");
    assert_eq!(v["alarms"][0]["decisions"].as_array().unwrap().len(), 2);
    let r = monitor_api_post(
        &app,
        &decisions,
        &token,
        serde_json::json!({"alarm_id": alarm_id, "decision": "afwachten", "link": "//elders"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(field_names(&v), vec!["decision", "link"]);
    let r = monitor_api_post(
        &app,
        &decisions,
        &token,
        serde_json::json!({"alarm_id": "onbekend", "decision": "maatregel"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = monitor_api_post(
        &app,
        "/api/v1/monitor/reviews/bestaat-niet/decisions",
        &token,
        serde_json::json!({"alarm_id": alarm_id, "decision": "maatregel"}),
    )
    .await;
    assert_eq!(r.status(), 404);

    // Every creation and decision is in the audit log, with who and through which channel.
    let sessions = app
        .audit_rows("resource_type = 'monitor-review-session'")
        .await;
    assert_eq!(sessions.len(), 2);
    let decided = app
        .audit_rows("resource_type = 'monitor-review-decision'")
        .await;
    assert_eq!(decided.len(), 2);
    let origins: Vec<String> = decided
        .iter()
        .map(|r| r.try_get::<String, _>("origin").unwrap())
        .collect();
    assert_eq!(origins, vec!["web", "api"]);
    for row in sessions.iter().chain(decided.iter()) {
        assert_eq!(
            row.try_get::<Option<String>, _>("actor_user_id").unwrap(),
            Some(analist_id.clone())
        );
        assert_eq!(row.try_get::<String, _>("action").unwrap(), "create");
    }
    assert_eq!(
        sessions[0]
            .try_get::<Option<String>, _>("resource_id")
            .unwrap(),
        Some(session_id.clone())
    );

    // A chain partner sees and records nothing.
    let (_, s2) = app
        .user(
            "politie@example.nl",
            "politie-lekpoort",
            Role::Ketenpartner,
            true,
        )
        .await;
    let mut p = Browser::new(&app);
    p.login("politie@example.nl", PASSWORD, s2.as_deref()).await;
    assert_eq!(p.get("/monitor/besprekingen").await.status, 403);
    assert_eq!(p.get(&href).await.status, 403);
    let r = p
        .post(
            "/monitor/besprekingen",
            &[("held_on", "2026-11-27"), ("title", "poging")],
        )
        .await;
    assert_eq!(r.status, 403);
    let r = p
        .post(
            &format!("{href}/besluit"),
            &[("alarm", "1"), ("decision-1", "geen-actie")],
        )
        .await;
    assert_eq!(r.status, 403);
    let partner = cli_token(&app, "politie@example.nl");
    let pauth = format!("Bearer {partner}");
    for path in [
        "/api/v1/monitor/reviews",
        "/api/v1/monitor/alarms",
        "/api/v1/monitor/regions",
    ] {
        assert_eq!(
            api_get(&app, path, Some(&pauth)).await.status(),
            403,
            "{path}"
        );
    }
    let r = monitor_api_post(
        &app,
        "/api/v1/monitor/reviews",
        &partner,
        serde_json::json!({"held_on": "2026-11-27", "title": "poging"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = monitor_api_post(
        &app,
        &decisions,
        &partner,
        serde_json::json!({"alarm_id": alarm_id, "decision": "geen-actie"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        app.audit_rows("resource_type = 'monitor-review-session'")
            .await
            .len(),
        2,
        "nothing recorded for the partner"
    );
}

#[tokio::test]
async fn monitor_map_shows_wijken_by_colour_and_table_and_hides_small_counts() {
    let app = spawn_app().await;
    let csv = "ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
               0;1.1.1;WK196121;2025MM03;12\n\
               1;1.1.1;WK196101;2025MM03;2\n\
               2;1.1.1;WK196102;2025MM03;.\n\
               3;1.1.1;WK196103;2025MM03;0\n";
    ::monitor::import_file(
        &app.db,
        "kaart.csv",
        csv.as_bytes(),
        Some("47022NED"),
        "test",
    )
    .await
    .unwrap();
    let mut b = app
        .browser_as("analist@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    assert!(b
        .get("/monitor")
        .await
        .body
        .contains("href=\"/monitor/kaart\""));
    let page = b
        .get("/monitor/kaart?soort=1.1.1&periode=2025MM03&min=5")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<svg class=\"baken-map\""));
    let row = |code: &str| {
        let i = page.body.find(&format!(">{code}<")).unwrap();
        page.body[i..i + 160].to_string()
    };
    assert!(row("WK196121").contains(">12<"), "{}", row("WK196121"));
    assert!(row("WK196101").contains("minder dan 5"), "2 is hidden");
    assert!(!row("WK196101").contains(">2<"));
    assert!(row("WK196102").contains("niet gepubliceerd"));
    assert!(row("WK196103").contains(">0<"));
    assert!(page.body.contains("Bron: CBS / Politie"));
    // Everything shown with a minimum of 0; buurten as the finer level.
    let all = b
        .get("/monitor/kaart?soort=1.1.1&periode=2025MM03&min=0")
        .await;
    assert!(all.body.contains(">2<"));
    let buurten = b
        .get("/monitor/kaart?soort=1.1.1&periode=2025MM03&niveau=buurt")
        .await;
    assert_eq!(buurten.status, 200);
    assert!(buurten.body.contains("BU19612101"));
}
