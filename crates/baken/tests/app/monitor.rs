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

/// Imports the gemeente series with its spike (see `spike_csv`) as a 47022NED version.
async fn import_spike(app: &App) {
    ::monitor::import_file(
        &app.db,
        "47022NED-gemeente.csv",
        spike_csv().as_bytes(),
        Some("47022NED"),
        "test",
    )
    .await
    .unwrap();
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
    import_spike(&app).await;
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
                ("owner-1", "Wijkagent"),
                ("due_on-1", "2026-11-27"),
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
    // A measure makes an action: without its owner and due date it is refused.
    let r = monitor_api_post(
        &app,
        &decisions,
        &token,
        serde_json::json!({"alarm_id": alarm_id, "decision": "maatregel"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(field_names(&v), vec!["owner", "due_on"]);
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

/// Posts a multipart form with one file (as a browser does for `enctype="multipart/form-data"`),
/// with the CSRF token as a part.
async fn post_file(
    b: &mut Browser,
    path: &str,
    fields: &[(&str, &str)],
    file: (&str, &str, &[u8]),
) -> Page {
    let boundary = "----baken-test-boundary";
    let csrf = b.csrf();
    let mut body: Vec<u8> = Vec::new();
    for (k, v) in [("csrf", csrf.as_str())].iter().chain(fields.iter()) {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let (name, file_name, data) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
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
        .try_get("n")
        .unwrap()
}

const SURVEY_HEADER: &str = "jaar;gebied;indicator;waarde;ondergrens;bovengrens;vragenlijst;bron\n";

#[tokio::test]
async fn survey_results_are_entered_imported_charted_and_served_by_the_api() {
    let app = spawn_app().await;
    let mut b = app
        .browser_as("analist@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    let overview = b.get("/monitor").await;
    assert!(overview.body.contains("href=\"/monitor/enquete\""));
    let empty = b.get("/monitor/enquete").await;
    assert_eq!(empty.status, 200);
    assert!(empty
        .body
        .contains("Voor dit gebied zijn nog geen resultaten vastgelegd."));
    assert!(empty.body.contains("href=\"/monitor/enquete/invoeren\""));

    // A bad result: 422, Dutch errors next to the fields and in the summary, input kept.
    let bad = b
        .post(
            "/monitor/enquete/invoeren",
            &[
                ("year", "2031"),
                ("area", "GM0344"),
                ("indicator", "wel-eens-onveilig"),
                ("estimate", "31"),
                ("lower", "25,8"),
                ("upper", "30,2"),
                ("questionnaire", "vm-2021"),
                ("source", "CBS Veiligheidsmonitor"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"veld-year-fout\""));
    assert!(bad
        .body
        .contains("Vul een jaar in van 2000 tot en met dit jaar."));
    assert!(bad.body.contains("id=\"veld-area-fout\"") && bad.body.contains("Onbekend gebied"));
    assert!(bad
        .body
        .contains("De waarde moet tussen de ondergrens en de bovengrens liggen."));
    assert!(bad.body.contains("baken-error-summary"));
    assert!(bad.body.contains("value=\"25,8\""), "input kept");
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM monitor_survey_result").await,
        0
    );

    // A good one, with a decimal comma.
    let ok = b
        .post(
            "/monitor/enquete/invoeren",
            &[
                ("year", "2023"),
                ("area", "GM1961"),
                ("indicator", "wel-eens-onveilig"),
                ("estimate", "28"),
                ("lower", "25,8"),
                ("upper", "30,2"),
                ("questionnaire", "vm-2021"),
                ("source", "CBS Veiligheidsmonitor 2023"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(
        ok.location().as_deref(),
        Some("/monitor/enquete?gebied=GM1961&opgeslagen=1")
    );
    let page = b.get("/monitor/enquete?gebied=GM1961&opgeslagen=1").await;
    assert!(page.body.contains("Het resultaat is opgeslagen."));
    assert!(
        page.body.contains("role=\"img\"")
            && page
                .body
                .contains("<title id=\"grafiek-wel-eens-onveilig-titel\">")
    );
    assert!(page.body.contains("25,8 – 30,2"));
    assert!(page
        .body
        .contains("aria-labelledby=\"tabel-wel-eens-onveilig\""));
    assert!(page.body.contains("Bron: CBS Veiligheidsmonitor 2023"));
    // The correction form holds the stored values.
    let edit = b
        .get("/monitor/enquete/invoeren?jaar=2023&gebied=GM1961&indicator=wel-eens-onveilig")
        .await;
    assert_eq!(edit.status, 200);
    assert!(edit.body.contains("value=\"28\"") && edit.body.contains("value=\"30,2\""));

    // A CSV with a bad row is refused whole, with its line; nothing is imported.
    let bad_csv = format!(
        "{SURVEY_HEADER}2019;GM1961;wel-eens-onveilig;25;22,4;27,6;vm-2012;CBS\n2021;WK999999;wel-eens-onveilig;27;;;vm-2021;CBS\n"
    );
    let refused = post_file(
        &mut b,
        "/monitor/enquete/import",
        &[],
        ("bestand", "enquete.csv", bad_csv.as_bytes()),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("regel 3: gebied: Onbekend gebied"));
    assert!(refused.body.contains("id=\"veld-bestand-fout\""));
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM monitor_survey_result").await,
        1
    );

    // A good CSV: two new years and a correction; the 2021 revision breaks the chart.
    let good_csv = format!(
        "{SURVEY_HEADER}2019;GM1961;wel-eens-onveilig;25;22,4;27,6;vm-2012;CBS Veiligheidsmonitor 2019\n\
         2021;GM1961;wel-eens-onveilig;27;24,6;29,4;vm-2021;CBS Veiligheidsmonitor 2021\n\
         2023;GM1961;wel-eens-onveilig;28,5;25,8;30,2;vm-2021;CBS Veiligheidsmonitor 2023\n"
    );
    let imported = post_file(
        &mut b,
        "/monitor/enquete/import",
        &[],
        ("bestand", "enquete.csv", good_csv.as_bytes()),
    )
    .await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    assert!(imported
        .body
        .contains("Import klaar: 2 nieuw, 1 gewijzigd, 0 ongewijzigd."));
    let page = b.get("/monitor/enquete").await;
    assert!(page
        .body
        .contains("Vanaf 2021 is een andere vragenlijst gebruikt"));
    assert!(page.body.contains("niet vergelijkbaar met eerdere jaren"));
    assert_eq!(page.body.matches("baken-chart-break").count(), 1);
    assert!(page.body.contains("28,5"));
    // The same file again changes nothing.
    let again = post_file(
        &mut b,
        "/monitor/enquete/import",
        &[],
        ("bestand", "enquete.csv", good_csv.as_bytes()),
    )
    .await;
    assert!(again
        .body
        .contains("Import klaar: 0 nieuw, 0 gewijzigd, 3 ongewijzigd."));
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM monitor_survey_result").await,
        3
    );
    // Every write is audited with who did it; the no-op import wrote nothing.
    let audit = app
        .audit_rows("resource_type = 'monitor-survey-result'")
        .await;
    assert_eq!(audit.len(), 2);
    let actor: String = audit[1].try_get("actor_name").unwrap();
    assert_eq!(actor, "Test analist@example.nl");

    // The API: the list, a refused and an accepted result.
    let token = cli_token(&app, "analist@example.nl");
    let auth = format!("Bearer {token}");
    let list: serde_json::Value = api_get(&app, "/api/v1/monitor/enquete?area=GM1961", Some(&auth))
        .await
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["year"], 2019);
    assert_eq!(list[0]["lower"], 22.4);
    assert_eq!(list[0]["unit"], "percent");
    let r = monitor_api_post(
        &app,
        "/api/v1/monitor/enquete",
        &token,
        serde_json::json!({"year": 2023, "area": "XX", "indicator": "rapportcijfer-veiligheid",
            "estimate": 11.0, "questionnaire": "eigen", "source": "Enquête"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(field_names(&problem), vec!["area", "estimate"]);
    let r = monitor_api_post(
        &app,
        "/api/v1/monitor/enquete",
        &token,
        serde_json::json!({"year": 2022, "area": "GM1961", "indicator": "rapportcijfer-veiligheid",
            "estimate": 8.0, "questionnaire": "eigen", "source": "Eigen enquête november 2022"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let created: serde_json::Value = r.json().await.unwrap();
    assert_eq!(created["estimate"], 8.0);
    assert!(created["lower"].is_null());

    // Other gemeente staff read the results but change nothing.
    let mut h = app
        .browser_as("handhaver@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    let read = h.get("/monitor/enquete").await;
    assert_eq!(read.status, 200);
    assert!(!read.body.contains("href=\"/monitor/enquete/invoeren\""));
    assert_eq!(h.get("/monitor/enquete/invoeren").await.status, 403);
    let denied = h
        .post(
            "/monitor/enquete/invoeren",
            &[("year", "2023"), ("area", "GM1961")],
        )
        .await;
    assert_eq!(denied.status, 403);
    let htoken = cli_token(&app, "handhaver@example.nl");
    let r = monitor_api_post(
        &app,
        "/api/v1/monitor/enquete",
        &htoken,
        serde_json::json!({"year": 2022, "area": "GM1961", "indicator": "voelt-zich-veilig",
            "estimate": 82.0, "questionnaire": "eigen", "source": "IVB"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM monitor_survey_result").await,
        4
    );
}

#[tokio::test]
async fn the_survey_cli_refuses_a_bad_file_whole_and_reimports_idempotently() {
    let app = spawn_app().await;
    let dir = temp_dir();
    let run = |path: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_baken"))
            .args(["monitor", "enquete"])
            .arg(path)
            .env("BAKEN_DATABASE_URL", &app._test_db.url)
            .output()
            .unwrap()
    };
    let bad = dir.0.join("fout.csv");
    std::fs::write(
        &bad,
        format!("{SURVEY_HEADER}2022;GM1961;voelt-zich-veilig;82;;;eigen;IVB\n2022;GM1961;voelt-zich-veilig;83;;;eigen;IVB\n2020;GM1961;bestaat-niet;5;;;eigen;IVB\n"),
    )
    .unwrap();
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("regel 3: 2022 GM1961 voelt-zich-veilig staat ook op regel 2"),
        "{err}"
    );
    assert!(
        err.contains("regel 4: indicator: Kies een bekende indicator."),
        "{err}"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM monitor_survey_result").await,
        0
    );
    // The demo rows (the IVB's 82% and grade 8, and fictitious Veiligheidsmonitor rows).
    let good = dir.0.join("demo.csv");
    std::fs::write(&good, ::monitor::DEMO_SURVEY_CSV).unwrap();
    let out = run(&good);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("9 nieuw, 0 gewijzigd, 0 ongewijzigd"));
    let out = run(&good);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 nieuw, 0 gewijzigd, 9 ongewijzigd"));
    let ivb = ::monitor::store::survey_results(&app.db, Some("GM1961"), Some("voelt-zich-veilig"))
        .await
        .unwrap();
    assert_eq!(ivb.len(), 1);
    assert_eq!(ivb[0].result.estimate, 82.0);
    assert!(ivb[0].result.source.contains("IVB 2023-2026"));
}

#[tokio::test]
async fn theme_dashboards_summarise_the_mapped_series_and_the_mapping_is_editable() {
    let app = spawn_app().await;
    import_spike(&app).await;
    let mut b = app
        .browser_as("adviseur@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let list = b.get("/monitor/themas").await;
    assert_eq!(list.status, 200);
    for name in [
        "Veilige woonomgeving",
        "Ondermijning",
        "Jeugd en veiligheid",
        "Digitale veiligheid",
    ] {
        assert!(list.body.contains(name), "{name}");
    }
    assert!(list.body.contains("3.1.1 Drugshandel") && list.body.contains("1.4.6 Straatroof"));
    let dash = b.get("/monitor/themas/veilige-woonomgeving").await;
    assert_eq!(dash.status, 200);
    assert!(
        dash.body
            .contains("jan 2025: 80; dec 2024: 22; nov 2024: 21"),
        "{}",
        dash.body
    );
    // The link to the series page (askama escapes the `&`).
    assert!(dash
        .body
        .contains("href=\"/monitor/reeks?gebied=GM1961&#38;soort=1.1.1\""));
    assert!(dash.body.contains("<strong>toename</strong>"));
    assert!(dash.body.contains("geen cijfers"), "1.4.6 has no figures");
    assert!(dash.body.contains("scope=\"row\"") && dash.body.contains("<caption"));
    assert_eq!(b.get("/monitor/themas/bestaat-niet").await.status, 404);

    // Changing the mapping: an unknown code is refused, a good choice saved and audited.
    let bad = b
        .post(
            "/monitor/themas/ondermijning/bewerken",
            &[("soort", "3.1.1"), ("soort", "9.9.9")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Onbekende soort misdrijf."));
    let ok = b
        .post(
            "/monitor/themas/ondermijning/bewerken",
            &[("soort", "3.1.1"), ("soort", "1.1.1")],
        )
        .await;
    assert_eq!(ok.status, 303);
    let dash = b.get("/monitor/themas/ondermijning?opgeslagen=1").await;
    assert!(dash.body.contains("De indeling is opgeslagen."));
    assert!(dash.body.contains("jan 2025: 80"));
    assert!(!dash.body.contains("3.1.3 Wapenhandel"));
    let edit = b.get("/monitor/themas/ondermijning/bewerken").await;
    assert_eq!(edit.matches_checked(), 2);
    let audit = app
        .audit_rows("resource_type = 'monitor-theme' AND action = 'update'")
        .await;
    assert_eq!(audit.len(), 1);
    let reason: String = audit[0].try_get("reason").unwrap();
    assert!(reason.contains("-> 1.1.1, 3.1.1"), "{reason}");

    let mut h = app
        .browser_as("handhaver@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    assert_eq!(h.get("/monitor/themas/ondermijning").await.status, 200);
    assert_eq!(
        h.get("/monitor/themas/ondermijning/bewerken").await.status,
        403
    );
    assert_eq!(
        h.post(
            "/monitor/themas/ondermijning/bewerken",
            &[("soort", "3.1.1")]
        )
        .await
        .status,
        403
    );
}

impl Page {
    fn matches_checked(&self) -> usize {
        self.body.matches(" checked>").count()
    }
}

#[tokio::test]
async fn analysts_upload_police_files_in_the_browser_with_whole_file_refusal() {
    let app = spawn_app().await;
    let mut b = app
        .browser_as("analist@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    let overview = b.get("/monitor").await;
    assert!(overview.body.contains("enctype=\"multipart/form-data\""));
    assert!(overview
        .body
        .contains("<label class=\"utrecht-form-label\" for=\"veld-bestand\">"));
    let none = post_file(
        &mut b,
        "/monitor/import",
        &[("tabel", "")],
        ("bestand", "", b""),
    )
    .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("Kies een bestand."));
    let bad = "ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n0;1.1.1;GM1961;2024MM01;3\n1;1.1.1;GM1961;2024MM13;4\n";
    let refused = post_file(
        &mut b,
        "/monitor/import",
        &[("tabel", "47022NED")],
        ("bestand", "fout.csv", bad.as_bytes()),
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(refused
        .body
        .contains("Het bestand is geweigerd; er is niets geïmporteerd."));
    assert!(
        refused.body.contains("regel 3: ongeldige periode"),
        "{}",
        refused.body
    );
    assert_eq!(cell_count(&app).await, 0);
    let ok = post_file(
        &mut b,
        "/monitor/import",
        &[("tabel", "")],
        ("bestand", "47022NED.json", NATIONAL.as_bytes()),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok
        .body
        .contains("Geïmporteerd: 72 cellen (0 niet gepubliceerd) als nieuwe versie."));
    assert!(ok.body.contains("47022NED.json"), "the version is listed");
    let again = post_file(
        &mut b,
        "/monitor/import",
        &[("tabel", "")],
        ("bestand", "47022NED.json", NATIONAL.as_bytes()),
    )
    .await;
    assert!(again.body.contains("Dit bestand is al eerder geïmporteerd"));
    assert_eq!(cell_count(&app).await, 72);
    let audit = app
        .audit_rows("resource_type = 'monitor-import' AND action = 'import'")
        .await;
    assert_eq!(audit.len(), 1);
    let origin: String = audit[0].try_get("origin").unwrap();
    assert_ne!(
        origin, "cli",
        "an upload is audited as the user's web request"
    );

    let mut h = app
        .browser_as("handhaver@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    assert!(!h.get("/monitor").await.body.contains("multipart/form-data"));
    let denied = post_file(
        &mut h,
        "/monitor/import",
        &[("tabel", "")],
        ("bestand", "47022NED.json", NATIONAL.as_bytes()),
    )
    .await;
    assert_eq!(denied.status, 403);
}

#[tokio::test]
async fn provisional_periods_of_47013ned_are_kept_and_shown() {
    let app = spawn_app().await;
    let dir = temp_dir();
    // The real metadata export: every period definitive.
    let real = dir.0.join("politie_47013NED_metadata_export_2025-12.csv");
    std::fs::write(
        &real,
        include_str!("../../../monitor/data/politie_47013NED_metadata_export_2025-12.csv"),
    )
    .unwrap();
    let out = import_cli(&app, &real, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("perioden van 47013NED bijgewerkt; 0 nog niet definitief"),
        "{stdout}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains('\r'),
        "no progress bar off a terminal"
    );
    // A newer export in which the last two months are not final yet.
    let meta = dir.0.join("47013NED-metadata.csv");
    std::fs::write(
        &meta,
        "TableInfos;;;\nID;Title;Identifier;Summary\n0;Misdrijven;47013NED;x\nPerioden;;;\nKey;Title;Description;Status\n2024MM12;2024 december;;Definitief\n2025MM01;2025 januari;;Voorlopig\n2025MM02;2025 februari;;Nader voorlopig\n",
    )
    .unwrap();
    let out = import_cli(&app, &meta, &[]);
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("3 perioden van 47013NED bijgewerkt; 2 nog niet definitief"));
    let data = dir.0.join("47013NED-gemeente.csv");
    std::fs::write(
        &data,
        "ID;SoortMisdrijf;RegioS;Perioden;GeregistreerdeMisdrijven_1\n0;1.1.1 ;GM1961    ;2024MM12;7\n1;1.1.1 ;GM1961    ;2025MM01;9\n2;1.1.1 ;GM1961    ;2025MM02;4\n",
    )
    .unwrap();
    let out = import_cli(&app, &data, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut b = app
        .browser_as("analist@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    let page = b.get("/monitor/reeks?gebied=GM1961&soort=1.1.1").await;
    assert!(
        page.body.contains("9 <em>(voorlopig)</em>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("4 <em>(nader voorlopig)</em>"));
    assert!(page.body.contains(">7</td>"), "december is final");
    assert!(page
        .body
        .contains("Cijfers met ‘voorlopig’ kunnen nog veranderen"));
    let token = cli_token(&app, "analist@example.nl");
    let series: serde_json::Value = api_get(
        &app,
        "/api/v1/monitor/series?region=GM1961&crime_type=1.1.1",
        Some(&format!("Bearer {token}")),
    )
    .await
    .json()
    .await
    .unwrap();
    let statuses: Vec<serde_json::Value> = series["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        vec![
            serde_json::Value::Null,
            "voorlopig".into(),
            "nader-voorlopig".into()
        ]
    );
    // A metadata file with an unknown status is refused whole.
    let bad = dir.0.join("47013NED-fout.csv");
    std::fs::write(
        &bad,
        "TableInfos;;;\nID;Title;Identifier;Summary\n0;Misdrijven;47013NED;x\nPerioden;;;\nKey;Title;Description;Status\n2025MM02;2025 februari;;Definitief\n2025MM03;2025 maart;;Misschien\n",
    )
    .unwrap();
    let out = import_cli(&app, &bad, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("regel 7: onbekende status"));
    let page = b.get("/monitor/reeks?gebied=GM1961&soort=1.1.1").await;
    assert!(
        page.body.contains("4 <em>(nader voorlopig)</em>"),
        "nothing changed"
    );
}

/// 20 buurten of Leerdam/Vianen with ten flat years of 1.1.1, then January 2025: one buurt with
/// a burst, one with a modest rise, the rest as usual. Imported; answers the codes and series.
async fn import_buurt_rise(app: &App) -> (Vec<String>, Vec<Vec<::monitor::store::Point>>) {
    let buurten: Vec<String> = ::monitor::store::regions(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.level == "buurt")
        .map(|r| r.code)
        .take(20)
        .collect();
    let mut csv =
        String::from("ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n");
    let mut series: Vec<Vec<::monitor::store::Point>> = Vec::new();
    let mut id = 0;
    for (k, code) in buurten.iter().enumerate() {
        let mut points = Vec::new();
        for i in 0..121 {
            let period = if i < 120 {
                format!("{}MM{:02}", 2015 + i / 12, i % 12 + 1)
            } else {
                "2025MM01".to_string()
            };
            let v = match (i, k) {
                (120, 0) => 40,
                (120, 1) => 8,
                _ => 2 + ((i + k) % 3) as i64,
            };
            csv.push_str(&format!("{id};1.1.1;{code};{period};{v}\n"));
            id += 1;
            points.push(::monitor::store::Point {
                period,
                value: Some(v),
            });
        }
        series.push(points);
    }
    ::monitor::import_file(
        &app.db,
        "47022NED-buurten.csv",
        csv.as_bytes(),
        Some("47022NED"),
        "test",
    )
    .await
    .unwrap();
    (buurten, series)
}

/// The monthly buurt settings in force when the gemeente changed none.
fn buurt_params() -> surveillance::FarringtonParams {
    ::monitor::settings::AlarmSettings::default_for(::monitor::model::Level::Buurt, 12).params()
}

#[tokio::test]
async fn buurt_alarms_are_kept_only_after_false_discovery_control() {
    let app = spawn_app().await;
    let (buurten, series) = import_buurt_rise(&app).await;
    // What Farrington says per buurt for January 2025, and what BH keeps.
    let tests: Vec<(f64, bool)> = series
        .iter()
        .map(|pts| {
            let r = ::monitor::html::alarms(pts, &buurt_params())
                .pop()
                .unwrap()
                .unwrap();
            (r.p_value, r.alarm)
        })
        .collect();
    assert!(
        tests[0].1 && tests[1].1,
        "both rises alarm without correction: {tests:?}"
    );
    let kept = ::monitor::model::buurt_fdr(&tests, ::monitor::model::BUURT_FDR);
    assert!(kept[0].1, "the burst survives");
    let alarms = ::monitor::current_alarms(&app.db).await.unwrap();
    let buurt_alarms: Vec<&str> = alarms
        .iter()
        .filter(|a| a.region_level == "buurt" && a.period == "2025MM01")
        .map(|a| a.region.as_str())
        .collect();
    let want: Vec<&str> = buurten
        .iter()
        .zip(&kept)
        .filter(|(_, (_, stands))| *stands)
        .map(|(c, _)| c.as_str())
        .collect();
    assert!(buurt_alarms.contains(&buurten[0].as_str()));
    let mut got = buurt_alarms.clone();
    got.sort_unstable();
    let mut want_sorted = want.clone();
    want_sorted.sort_unstable();
    assert_eq!(
        got, want_sorted,
        "exactly the alarms that survive Benjamini–Hochberg"
    );
    assert!(
        !buurt_alarms.contains(&buurten[1].as_str()),
        "the modest rise (p about 0.01 among 20 buurten) is no discovery: {tests:?}"
    );
}

/// The part of a page from `from` to the end of the next table.
fn table_after<'a>(body: &'a str, from: &str) -> &'a str {
    let i = body
        .find(from)
        .unwrap_or_else(|| panic!("{from} not in {body}"));
    let rest = &body[i..];
    &rest[..rest.find("</table>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_alarm_page_lists_alarms_per_level_and_shows_the_false_discovery_control() {
    let app = spawn_app().await;
    import_spike(&app).await;
    let (buurten, series) = import_buurt_rise(&app).await;
    let tests: Vec<(f64, bool)> = series
        .iter()
        .map(|pts| {
            let r = ::monitor::html::alarms(pts, &buurt_params())
                .pop()
                .unwrap()
                .unwrap();
            (r.p_value, r.alarm)
        })
        .collect();
    let kept = ::monitor::model::buurt_fdr(&tests, ::monitor::model::BUURT_FDR);
    let flagged = tests.iter().filter(|(_, a)| *a).count();
    let shown = kept.iter().filter(|(_, k)| *k).count();
    assert!(kept[0].1 && tests[1].1 && !kept[1].1, "{tests:?} {kept:?}");

    let mut b = app
        .browser_as("analist@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    assert!(b
        .get("/monitor")
        .await
        .body
        .contains("href=\"/monitor/alarmen\""));
    assert!(b
        .get("/monitor/besprekingen")
        .await
        .body
        .contains("href=\"/monitor/alarmen\""));
    let page = b.get("/monitor/alarmen").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<title>Actuele signalen per niveau"));
    // Per level: the gemeente's spike with its explanation and the link to its series.
    let gemeente = table_after(&page.body, "id=\"niveau-gemeente\"");
    assert!(gemeente.contains("<caption"), "{gemeente}");
    assert!(gemeente.contains("scope=\"row\"") && gemeente.contains("scope=\"col\""));
    assert!(gemeente.contains("Vijfheerenlanden") && gemeente.contains("jan 2025"));
    assert!(
        gemeente.contains("80 misdrijven geregistreerd"),
        "{gemeente}"
    );
    assert!(gemeente.contains("href=\"/monitor/reeks?gebied=GM1961&#38;soort=1.1.1\""));
    let wijk_start = page.body.find("id=\"niveau-wijk\"").unwrap();
    let buurt_start = page.body.find("id=\"niveau-buurt\"").unwrap();
    assert!(page.body[wijk_start..buurt_start].contains("Op dit niveau zijn er geen signalen."));
    let buurt_level = table_after(&page.body, "id=\"niveau-buurt\"");
    assert!(
        buurt_level.contains(&format!("({})", buurten[0])),
        "the burst is listed"
    );
    assert!(
        !buurt_level.contains(&format!("({})", buurten[1])),
        "the modest rise is not listed as an alarm"
    );
    // The false-discovery control of January 2025, laid open.
    let group = table_after(&page.body, "id=\"fdr-1-1-1-2025MM01\"");
    assert!(
        group.contains("1.1.1 Diefstal/inbraak woning, jan 2025"),
        "{group}"
    );
    assert!(
        group.contains(
            "Bij 20 getoetste buurten verwacht je bij toeval tot ongeveer 1,0 overschrijdingen"
        ),
        "{group}"
    );
    assert!(group.contains("Benjamini–Hochberg, q ≤ 0,05"));
    assert!(
        group.contains(&format!(
            "Getoetste buurten: 20. Boven de drempel: {flagged}. Getoond als signaal: {shown}. Onderdrukt als waarschijnlijk vals alarm: {}.",
            flagged - shown
        )),
        "{group}"
    );
    assert!(group.contains("<caption") && group.contains(">q-waarde (na correctie)<"));
    let row = |code: &str| {
        let i = group.find(&format!("({code})")).unwrap();
        let rest = &group[i..];
        rest[..rest.find("</tr>").unwrap()].to_string()
    };
    assert!(row(&buurten[0]).contains("Getoond als signaal"));
    assert!(row(&buurten[0]).contains(">40<"));
    assert!(row(&buurten[1]).contains("Onderdrukt: waarschijnlijk vals alarm"));
    assert!(row(&buurten[1]).contains(">8<"));

    // The API: the same levels and the same control.
    let token = cli_token(&app, "analist@example.nl");
    let auth = format!("Bearer {token}");
    let r = api_get(&app, "/api/v1/monitor/alarmen", Some(&auth)).await;
    assert_eq!(r.status(), 200);
    let o: serde_json::Value = r.json().await.unwrap();
    let levels: Vec<&str> = o["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, vec!["gemeente", "wijk", "buurt"]);
    assert!(o["levels"][0]["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["region"] == "GM1961" && a["period"] == "2025MM01" && a["observed"] == 80));
    assert_eq!(o["levels"][1]["alarms"].as_array().unwrap().len(), 0);
    let buurt_alarms: Vec<&str> = o["levels"][2]["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["period"] == "2025MM01")
        .map(|a| a["region"].as_str().unwrap())
        .collect();
    assert_eq!(buurt_alarms.len(), shown);
    assert!(buurt_alarms.contains(&buurten[0].as_str()));
    assert_eq!(o["fdr"]["q_level"], 0.05);
    let g = o["fdr"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["period"] == "2025MM01" && g["crime_type"] == "1.1.1")
        .unwrap_or_else(|| panic!("{o}"));
    assert_eq!(g["tested"], 20);
    assert_eq!(g["kept"], shown);
    assert_eq!(g["suppressed"], flagged - shown);
    assert!(g["explanation"]
        .as_str()
        .unwrap()
        .starts_with("Bij 20 getoetste buurten"));
    let cand = |code: &str| {
        g["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["region"] == code)
            .unwrap_or_else(|| panic!("{code} in {g}"))
            .clone()
    };
    assert_eq!(cand(&buurten[0])["kept"], true);
    assert_eq!(cand(&buurten[1])["kept"], false);
    assert!(cand(&buurten[1])["q_value"].as_f64().unwrap() > 0.05);
    assert!(
        (cand(&buurten[1])["p_value"].as_f64().unwrap() - tests[1].0).abs() < 1e-12,
        "the p-value of the series page's computation"
    );

    // Chain partners see neither.
    let mut p = app
        .browser_as("politie@example.nl", "politie-lekpoort", Role::Ketenpartner)
        .await;
    assert_eq!(p.get("/monitor/alarmen").await.status, 403);
    let partner = cli_token(&app, "politie@example.nl");
    assert_eq!(
        api_get(
            &app,
            "/api/v1/monitor/alarmen",
            Some(&format!("Bearer {partner}"))
        )
        .await
        .status(),
        403
    );
}

async fn monitor_api_put(
    app: &App,
    path: &str,
    token: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    reqwest::Client::new()
        .put(format!("{}{path}", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn themes_are_created_renamed_and_changed_in_the_browser_and_through_the_api() {
    let app = spawn_app().await;
    let mut b = app
        .browser_as("adviseur@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let list = b.get("/monitor/themas").await;
    assert!(list.body.contains("Nieuw thema"));
    assert!(
        list.body.contains("for=\"veld-naam\""),
        "the field has a label"
    );

    // Creating: checked, with the error next to the field and in the summary.
    let empty = b.post("/monitor/themas", &[("naam", "  ")]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("baken-error-summary"));
    assert!(empty.body.contains("href=\"#veld-naam\""));
    assert!(empty.body.contains("Vul dit veld in."));
    let taken = b.post("/monitor/themas", &[("naam", "ondermijning")]).await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("Er is al een thema met deze naam."));
    assert!(taken.body.contains("value=\"ondermijning\""), "input kept");
    let long = "x".repeat(81);
    let r = b.post("/monitor/themas", &[("naam", &long)]).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Gebruik hoogstens 80 tekens."));
    let ok = b
        .post("/monitor/themas", &[("naam", "Zorg & veiligheid")])
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    let edit = b
        .get("/monitor/themas/zorg-veiligheid/bewerken?nieuw=1")
        .await;
    assert_eq!(edit.status, 200);
    assert!(edit.body.contains("Het thema is aangemaakt."));
    assert_eq!(
        edit.matches_checked(),
        0,
        "a new theme has no crime types yet"
    );
    let list = b.get("/monitor/themas").await;
    assert!(list
        .body
        .contains("href=\"/monitor/themas/zorg-veiligheid\""));
    let created = app
        .audit_rows("resource_type = 'monitor-theme' AND action = 'create'")
        .await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0].try_get::<String, _>("resource_id").unwrap(),
        "zorg-veiligheid"
    );

    // Renaming: checked the same way; the address stays.
    let r = b
        .post(
            "/monitor/themas/zorg-veiligheid/naam",
            &[("naam", "Jeugd en veiligheid")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Er is al een thema met deze naam."));
    assert!(r.body.contains("value=\"Jeugd en veiligheid\""));
    assert!(r.body.contains("baken-error-summary"));
    let r = b
        .post(
            "/monitor/themas/zorg-veiligheid/naam",
            &[("naam", "Zorg en veiligheid")],
        )
        .await;
    assert_eq!(r.status, 303);
    let dash = b
        .get("/monitor/themas/zorg-veiligheid?opgeslagen=naam")
        .await;
    assert!(dash.body.contains("De naam is gewijzigd."));
    assert!(dash.body.contains("Zorg en veiligheid"));
    assert_eq!(
        b.post("/monitor/themas/bestaat-niet/naam", &[("naam", "X")])
            .await
            .status,
        404
    );
    let renamed = app
        .audit_rows("resource_type = 'monitor-theme' AND action = 'update'")
        .await;
    assert_eq!(renamed.len(), 1);
    let reason: String = renamed[0].try_get("reason").unwrap();
    assert_eq!(reason, "naam: Zorg & veiligheid -> Zorg en veiligheid");

    // Staff who may look but not change.
    let mut h = app
        .browser_as("handhaver@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    assert!(!h.get("/monitor/themas").await.body.contains("Nieuw thema"));
    assert_eq!(
        h.post("/monitor/themas", &[("naam", "Y")]).await.status,
        403
    );
    assert_eq!(
        h.post("/monitor/themas/zorg-veiligheid/naam", &[("naam", "Y")])
            .await
            .status,
        403
    );

    // The API: the themes with their crime types, and a change with the same checks and audit.
    let token = cli_token(&app, "adviseur@example.nl");
    let auth = format!("Bearer {token}");
    let r = api_get(&app, "/api/v1/monitor/themas", Some(&auth)).await;
    assert_eq!(r.status(), 200);
    let themes: serde_json::Value = r.json().await.unwrap();
    let themes = themes.as_array().unwrap();
    assert_eq!(themes.len(), 5);
    let woon = themes
        .iter()
        .find(|t| t["slug"] == "veilige-woonomgeving")
        .unwrap();
    assert_eq!(woon["name"], "Veilige woonomgeving");
    assert_eq!(woon["crime_types"][0]["code"], "1.1.1");
    assert_eq!(
        woon["crime_types"][0]["title"],
        "1.1.1 Diefstal/inbraak woning"
    );
    let path = "/api/v1/monitor/themas/zorg-veiligheid";
    let r = monitor_api_put(
        &app,
        path,
        &token,
        serde_json::json!({"crime_types": ["1.1.1", "9.9.9"], "name": "Ondermijning"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(field_names(&problem), vec!["name", "crime_types"]);
    assert!(problem.to_string().contains("Onbekende soort misdrijf."));
    let r = monitor_api_put(
        &app,
        path,
        &token,
        serde_json::json!({"crime_types": ["2.2.1", " 1.1.1", "1.1.1"]}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let t: serde_json::Value = r.json().await.unwrap();
    assert_eq!(t["name"], "Zorg en veiligheid");
    let codes: Vec<&str> = t["crime_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["1.1.1", "2.2.1"]);
    assert_eq!(
        b.get("/monitor/themas/zorg-veiligheid/bewerken")
            .await
            .matches_checked(),
        2,
        "the page shows what the API saved"
    );
    let updates = app
        .audit_rows("resource_type = 'monitor-theme' AND action = 'update'")
        .await;
    assert_eq!(updates.len(), 2);
    let reason: String = updates[1].try_get("reason").unwrap();
    assert_eq!(reason, "soorten misdrijf:  -> 1.1.1, 2.2.1");
    assert_eq!(
        monitor_api_put(
            &app,
            "/api/v1/monitor/themas/bestaat-niet",
            &token,
            serde_json::json!({"crime_types": []})
        )
        .await
        .status(),
        404
    );
    let hh = cli_token(&app, "handhaver@example.nl");
    assert_eq!(
        monitor_api_put(&app, path, &hh, serde_json::json!({"crime_types": []}))
            .await
            .status(),
        403
    );
    assert_eq!(
        api_get(
            &app,
            "/api/v1/monitor/themas",
            Some(&format!("Bearer {hh}"))
        )
        .await
        .status(),
        200,
        "staff may read the themes"
    );
}

#[tokio::test]
async fn the_map_page_carries_the_leaflet_data_and_keeps_the_svg_and_table() {
    let app = spawn_app().await;
    let csv = "ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n\
               0;1.1.1;WK196121;2025MM03;12\n\
               1;1.1.1;WK196101;2025MM03;2\n\
               2;1.1.1;WK196102;2025MM03;.\n";
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
    let page = b
        .get("/monitor/kaart?soort=1.1.1&periode=2025MM03&min=5")
        .await;
    assert_eq!(page.status, 200);
    // The script and Leaflet are included; the map's container stays hidden without script.
    for src in [
        "<script src=\"/static/vendor/leaflet.js\" defer></script>",
        "<script src=\"/static/monitor-kaart.js\" defer></script>",
        "<link rel=\"stylesheet\" href=\"/static/vendor/leaflet.css\">",
    ] {
        assert!(page.body.contains(src), "{src}");
    }
    assert!(page
        .body
        .contains("data-baken-choropleet=\"kaart-data\" data-svg=\"kaart-svg\""));
    let i = page.body.find("id=\"kaart-leaflet\"").unwrap();
    let tag = &page.body[i..i + page.body[i..].find('>').unwrap()];
    assert!(tag.ends_with(" hidden"), "{tag}");
    // The no-script map and the table stay.
    assert!(page
        .body
        .contains("id=\"kaart-svg\"><svg class=\"baken-map\""));
    assert!(page
        .body
        .contains("<caption class=\"utrecht-table__caption\" id=\"tabel-kaart\""));
    // The data the script draws: every wijk, with the table's labels and the SVG's colours.
    let start = page
        .body
        .find("<script type=\"application/json\" id=\"kaart-data\">")
        .unwrap();
    let json_start = start + page.body[start..].find('>').unwrap() + 1;
    let json_end = json_start + page.body[json_start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&page.body[json_start..json_end]).unwrap();
    assert_eq!(data["type"], "FeatureCollection");
    assert_eq!(data["source"], "Bron: CBS / Politie");
    assert_eq!(
        data["title"],
        "Geregistreerde misdrijven: 1.1.1 Diefstal/inbraak woning, mrt 2025"
    );
    let features = data["features"].as_array().unwrap();
    assert_eq!(features.len(), ::monitor::areas::wijken().len());
    let props = |code: &str| {
        features
            .iter()
            .find(|f| f["properties"]["code"] == code)
            .unwrap_or_else(|| panic!("{code}"))["properties"]
            .clone()
    };
    assert_eq!(props("WK196121")["label"], "12");
    assert_eq!(
        props("WK196101")["label"],
        "minder dan 5",
        "small counts hidden here too"
    );
    assert_eq!(props("WK196102")["label"], "niet gepubliceerd");
    let colour = props("WK196121")["colour"].as_str().unwrap().to_string();
    assert!(
        page.body.contains(&format!("fill=\"{colour}\"")),
        "same class colour as the SVG"
    );
    assert_eq!(props("WK196101")["colour"], "#ffffff");
    assert!(props("WK196121")["name"].as_str().unwrap().len() > 2);
    let legend = data["legend"].as_array().unwrap();
    assert_eq!(legend.len(), 6, "five classes and hidden/missing");
    assert!(legend[5]["label"]
        .as_str()
        .unwrap()
        .contains("niet gepubliceerd"));
    // The script is served.
    let js = reqwest::get(format!("{}/static/monitor-kaart.js", app.base))
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let js = js.text().await.unwrap();
    assert!(js.contains("data-baken-choropleet") && js.contains("tabindex"));
}

/// A realistic police table for the gemeente: GM1961, its wijken and buurten × every crime type
/// of the code list × the months from 2018 to mid-2025, with Poisson-like counts that scale with
/// the level (deterministic, no two runs differ).
fn gm1961_load_csv(regions: &[::monitor::store::Region], crimes: &[String]) -> (String, usize) {
    let mut csv =
        String::from("ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n");
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64) / ((1u64 << 53) as f64)
    };
    let mut id = 0usize;
    for r in regions {
        let level = match r.level.as_str() {
            "gemeente" => 60.0,
            "wijk" => 6.0,
            _ => 1.5,
        };
        for (k, crime) in crimes.iter().enumerate() {
            let rate = level / (1.0 + k as f64 / 6.0);
            for i in 0..90 {
                let (year, month) = (2018 + i / 12, i % 12 + 1);
                let season = 1.0 + 0.2 * ((month as f64) * std::f64::consts::PI / 6.0).sin();
                // Knuth's Poisson sampler: fine for these small means.
                let limit = (-(rate * season)).exp();
                let (mut n, mut p) = (0i64, uniform());
                while p > limit {
                    n += 1;
                    p *= uniform();
                }
                csv.push_str(&format!("{id};{crime};{};{year}MM{month:02};{n}\n", r.code));
                id += 1;
            }
        }
    }
    (csv, id)
}

/// What one alarm computation costs on the demo data and on a gemeente's full load (a measurement
/// for the notes, not a timed test: `cargo test -p baken --test app monitor_alarm_cost -- --ignored
/// --nocapture`).
#[tokio::test]
#[ignore]
async fn monitor_alarm_cost() {
    let app = spawn_app().await;
    ::monitor::import_file(&app.db, "demo.json", NATIONAL.as_bytes(), None, "test")
        .await
        .unwrap();
    let time = |label: &'static str| {
        let db = app.db.clone();
        async move {
            let t = std::time::Instant::now();
            ::monitor::store::import_stamp(&db).await.unwrap();
            let stamp_ms = t.elapsed().as_secs_f64() * 1000.0;
            let t = std::time::Instant::now();
            let fresh = ::monitor::compute_alarm_overview(&db).await.unwrap();
            let compute_ms = t.elapsed().as_secs_f64() * 1000.0;
            let mut ms = Vec::new();
            for _ in 0..4 {
                let t = std::time::Instant::now();
                let o = ::monitor::alarm_overview(&db).await.unwrap();
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(o, fresh);
            }
            eprintln!(
                "{label}: computed afresh {compute_ms:.1} ms; alarm_overview (first fills the cache) {ms:.1?} ms; the key query {stamp_ms:.2} ms; {} alarms",
                fresh.alarms.len()
            );
        }
    };
    time("demo").await;
    let regions = ::monitor::store::regions(&app.db).await.unwrap();
    let crimes: Vec<String> = ::monitor::store::crime_types(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .collect();
    let (csv, cells) = gm1961_load_csv(&regions, &crimes);
    let t = std::time::Instant::now();
    ::monitor::import_file(
        &app.db,
        "47022NED-GM1961.csv",
        csv.as_bytes(),
        Some("47022NED"),
        "test",
    )
    .await
    .unwrap();
    eprintln!(
        "imported {} regions x {} crime types x 90 months = {cells} cells in {:.1} s",
        regions.len(),
        crimes.len(),
        t.elapsed().as_secs_f64()
    );
    time("GM1961").await;
    let mut b = app
        .browser_as("analist@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let page = b.get("/monitor/alarmen").await;
        assert_eq!(page.status, 200);
        eprintln!(
            "GET /monitor/alarmen: {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// A series of `crime` in `region` from 2015 to 2024 with `jan_2025` in January 2025.
fn series_csv(region: &str, crime: &str, jan_2025: i64) -> String {
    let mut csv =
        String::from("ID;SoortMisdrijf;WijkenEnBuurten;Perioden;GeregistreerdeMisdrijven_1\n");
    for i in 0..120 {
        csv.push_str(&format!(
            "{i};{crime};{region};{}MM{:02};{}\n",
            2015 + i / 12,
            i % 12 + 1,
            18 + i % 5
        ));
    }
    csv.push_str(&format!("120;{crime};{region};2025MM01;{jan_2025}\n"));
    csv
}

#[tokio::test]
async fn a_new_import_by_another_process_changes_the_alarms_at_once() {
    let app = spawn_app().await;
    import_spike(&app).await;
    let mut b = app
        .browser_as("analist@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    let token = cli_token(&app, "analist@example.nl");
    let auth = format!("Bearer {token}");
    let api_alarms = || async {
        let r = api_get(&app, "/api/v1/monitor/alarms", Some(&auth)).await;
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .filter(|a| a["period"] == "2025MM01")
            .map(|a| {
                (
                    a["region"].as_str().unwrap().to_string(),
                    a["observed"].as_i64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    // Twice, so the second is served from what the first computed.
    for _ in 0..2 {
        let page = b.get("/monitor/alarmen").await;
        assert_eq!(page.status, 200);
        let gemeente = table_after(&page.body, "id=\"niveau-gemeente\"");
        assert!(
            gemeente.contains("80 misdrijven geregistreerd"),
            "{gemeente}"
        );
        let wijk_start = page.body.find("id=\"niveau-wijk\"").unwrap();
        let buurt_start = page.body.find("id=\"niveau-buurt\"").unwrap();
        assert!(page.body[wijk_start..buurt_start].contains("Op dit niveau zijn er geen signalen."));
        assert_eq!(api_alarms().await, vec![("GM1961".to_string(), 80)]);
    }

    // Another process imports a revision: January 2025 of the gemeente is 20 after all, and a
    // wijk rises. The server's next request shows the new state, not the one it computed.
    let dir = temp_dir();
    let file = dir.0.join("47022NED-revisie.csv");
    let mut csv = series_csv("WK196101", "1.1.1", 70);
    csv.push_str("121;1.1.1;GM1961;2025MM01;20\n");
    std::fs::write(&file, csv).unwrap();
    let out = import_cli(&app, &file, &["--table", "47022NED"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let page = b.get("/monitor/alarmen").await;
    assert_eq!(page.status, 200);
    let gemeente = table_after(&page.body, "id=\"niveau-gemeente\"");
    assert!(
        !gemeente.contains("80 misdrijven geregistreerd"),
        "{gemeente}"
    );
    let wijk = table_after(&page.body, "id=\"niveau-wijk\"");
    assert!(wijk.contains("Tienhoven aan de Lek"), "{wijk}");
    assert!(wijk.contains("70 misdrijven geregistreerd"), "{wijk}");
    assert_eq!(api_alarms().await, vec![("WK196101".to_string(), 70)]);
    let o: serde_json::Value = api_get(&app, "/api/v1/monitor/alarmen", Some(&auth))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(o["levels"][1]["alarms"][0]["region"], "WK196101");
    assert!(o["levels"][0]["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["period"] != "2025MM01"));
}

const DEMO_NOTICE: &str =
    "Fictieve demogegevens: deze cijfers zijn verzonnen om Baken te kunnen proberen.";

#[tokio::test]
async fn the_demo_shows_fictitious_figures_and_alarms_marked_on_every_page_until_real_ones_come() {
    let app = spawn_app().await;
    // What `baken serve --demo` seeds: the real national figures, then the monitor's demo.
    baken::seed_demo(&app.db).await.unwrap();
    ::monitor::seed_demo(&app.db).await.unwrap();
    let versions = ::monitor::store::imports(&app.db).await.unwrap();
    let demo: Vec<_> = versions.iter().filter(|v| v.fictitious).collect();
    assert_eq!(demo.len(), 1, "{versions:?}");
    assert!(demo[0]
        .source
        .starts_with(DEMO_NOTICE.trim_end_matches('.')));
    assert_eq!(demo[0].cells, (88 + 39 + 1) * 7 * 96);
    let national = versions.iter().find(|v| !v.fictitious).unwrap();
    assert_eq!(national.source, "CBS / Politie (CC BY 4.0)");
    // A second start adds nothing.
    ::monitor::seed_demo(&app.db).await.unwrap();
    assert_eq!(
        ::monitor::store::imports(&app.db).await.unwrap().len(),
        versions.len()
    );

    let mut b = app
        .browser_as("analist@example.nl", "vijfheerenlanden", Role::Analist)
        .await;
    for path in [
        "/monitor",
        "/monitor/alarmen",
        "/monitor/kaart",
        "/monitor/besprekingen",
        "/monitor/reeks?gebied=GM1961&soort=0.0.0",
        "/monitor/themas",
        "/monitor/enquete",
        "/monitor/enquete/invoeren",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains(DEMO_NOTICE), "{path}: no demo notice");
        assert!(
            !page
                .body
                .contains("Bron: CBS / Politie (CC BY 4.0); grenzen"),
            "{path}: CBS / Politie credited for made-up figures"
        );
    }
    // The overview names the demo version and its source; the gemeente's series has figures.
    let overview = b.get("/monitor").await;
    assert!(overview.body.contains("<strong>Fictieve demogegevens"));
    assert!(overview.body.contains("CBS / Politie (CC BY 4.0)</td>"));
    let series = b.get("/monitor/reeks?gebied=GM1961&soort=0.0.0").await;
    assert!(
        !series.body.contains("zijn geen cijfers geïmporteerd") && series.body.contains("<svg")
    );
    let map = b.get("/monitor/kaart?soort=1.1.1").await;
    assert!(map.body.contains("Leerdam-West") && map.body.contains("fictieve demogegevens"));

    // The alarm list shows the planned increases: burglaries in Leerdam-West (wijk) and bicycle
    // thefts in the Vianen binnenstad (buurt, kept after false-discovery control).
    let alarms = ::monitor::current_alarms(&app.db).await.unwrap();
    assert!(alarms
        .iter()
        .any(|a| a.region == "WK196124" && a.crime_type == "1.1.1"));
    assert!(alarms
        .iter()
        .any(|a| a.region == "BU19612101" && a.crime_type == "1.2.3"));
    let page = b.get("/monitor/alarmen").await;
    let wijk = table_after(&page.body, "id=\"niveau-wijk\"");
    assert!(
        wijk.contains("Leerdam-West") && wijk.contains("Diefstal/inbraak woning"),
        "{wijk}"
    );
    let buurt = table_after(&page.body, "id=\"niveau-buurt\"");
    assert!(buurt.contains("Vianen binnenstad"), "{buurt}");

    // The API says where the figures come from.
    let token = cli_token(&app, "analist@example.nl");
    let auth = format!("Bearer {token}");
    let series_url = "/api/v1/monitor/series?region=WK196124&crime_type=1.1.1";
    let series: serde_json::Value = api_get(&app, series_url, Some(&auth))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(series["fictitious"], true);
    assert!(series["source"]
        .as_str()
        .unwrap()
        .starts_with("Fictieve demogegevens"));
    assert_eq!(series["points"].as_array().unwrap().len(), 96);
    let national: serde_json::Value = api_get(
        &app,
        "/api/v1/monitor/series?region=NL00&crime_type=1.1.1",
        Some(&auth),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (national["source"].as_str(), &national["fictitious"]),
        (Some("CBS / Politie (CC BY 4.0)"), &serde_json::json!(false))
    );

    // The review can be tried: a session lists the demo alarms.
    let today = ::platform::db::today_nl().to_string();
    let created = b
        .post(
            "/monitor/besprekingen",
            &[("held_on", today.as_str()), ("title", "Proefbespreking")],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let session = b.get(&created.location().unwrap()).await;
    assert!(session.body.contains(DEMO_NOTICE) && session.body.contains("Leerdam-West"));

    // A police table with figures of the gemeente replaces the made-up ones (audited), and a
    // later demo start does not bring them back.
    let real = series_csv("GM1961", "1.1.1", 40);
    ::monitor::import_file(
        &app.db,
        "47022NED.csv",
        real.as_bytes(),
        Some("47022NED"),
        "test",
    )
    .await
    .unwrap();
    assert!(!::monitor::store::has_fictitious(&app.db).await.unwrap());
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM audit_log WHERE resource_type = 'monitor-import' AND action = 'delete'"
        )
        .await,
        1
    );
    ::monitor::seed_demo(&app.db).await.unwrap();
    assert!(!::monitor::store::has_fictitious(&app.db).await.unwrap());
    let overview = b.get("/monitor").await;
    assert!(!overview.body.contains(DEMO_NOTICE));
    assert!(overview
        .body
        .contains("Bron: CBS / Politie (CC BY 4.0); grenzen"));
    assert!(!::monitor::current_alarms(&app.db)
        .await
        .unwrap()
        .iter()
        .any(|a| a.region == "WK196124"));
    let series: serde_json::Value = api_get(&app, series_url, Some(&auth))
        .await
        .json()
        .await
        .unwrap();
    assert!(series["source"].is_null() && series["points"].as_array().unwrap().is_empty());
}

/// The review as a meeting over two sessions: attendees, a police signal, the standing overview
/// (police figures per theme and Baken's own meldingen against a year earlier), decisions that
/// make actions with an owner and a due date, those actions coming back on the next session
/// until it closes one, the minutes as HTML and PDF; and the alarm settings per level.
#[tokio::test]
async fn an_open_action_returns_on_the_next_review_until_it_is_closed() {
    let app = spawn_app().await;
    import_spike(&app).await;
    let (_, secret) = app
        .user(
            "adviseur@example.nl",
            "vijfheerenlanden",
            Role::AdviseurIv,
            true,
        )
        .await;
    let mut b = Browser::new(&app);
    b.login("adviseur@example.nl", PASSWORD, secret.as_deref())
        .await;
    // A melding today, so the overview has one of Baken's own meldingen to count.
    let mut public = Browser::new(&app);
    public.get("/melden/drugsoverlast").await;
    let sent = public
        .post(
            "/melden/drugsoverlast",
            &[
                ("omschrijving", "Elke avond wordt er gedeald bij de haven."),
                ("locatie", "adres"),
                ("adres", "Voorstraat 1, 4132 AP Vianen"),
                ("extra", "Dagelijks"),
                ("contact", "anoniem"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let today = platform::db::today_nl();
    let day = |n: i64| {
        today
            .checked_add(jiff::Span::new().days(n))
            .unwrap()
            .to_string()
    };

    // Session 1, two weeks ago: who attended, a signal of the police, decisions.
    let first = b
        .post(
            "/monitor/besprekingen",
            &[("held_on", &day(-13)), ("title", "Bespreking 1")],
        )
        .await;
    assert_eq!(first.status, 303, "{}", first.body);
    let s1 = first.location().unwrap();
    let r = b
        .post(
            &format!("{s1}/aanwezigen"),
            &[
                ("organisation", "Politie basisteam Lek en Linge"),
                ("name", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"veld-name-fout\""));
    let r = b
        .post(
            &format!("{s1}/aanwezigen"),
            &[
                ("organisation", "Politie basisteam Lek en Linge"),
                ("name", "J. de Wijkagent"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = b
        .post(
            &format!("{s1}/politie"),
            &[
                ("category", "1.1.1"),
                ("area", "GM1961"),
                ("body", "Drie inbraken via achterdeuren in één week."),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(&s1).await;
    assert!(page
        .body
        .contains("J. de Wijkagent (Politie basisteam Lek en Linge)"));
    assert!(page
        .body
        .contains("Drie inbraken via achterdeuren in één week."));
    // The standing overview: the theme's police figures of the latest month against a year
    // earlier, and the melding of today in the days since (a fortnight before) the session.
    let overview = table_after(&page.body, "id=\"tabel-cijfers\"");
    assert!(
        overview.contains("Geregistreerde misdrijven") && overview.contains("Veilige woonomgeving"),
        "{overview}"
    );
    assert!(
        overview.contains("jan 2025") && overview.contains(">80<"),
        "{overview}"
    );
    // A preventive action needs an owner and a due date; the errors sit next to the fields.
    let r = b
        .post(
            &format!("{s1}/besluit"),
            &[
                ("section", "signaal"),
                ("signaal_item", "signaal-1"),
                ("signaal_decision", "preventieve-actie"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("id=\"veld-signaal_owner-fout\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"veld-signaal_due_on-fout\""));
    let r = b
        .post(
            &format!("{s1}/besluit"),
            &[
                ("section", "signaal"),
                ("signaal_item", "signaal-1"),
                ("signaal_decision", "preventieve-actie"),
                ("signaal_note", "Buurtpreventie-avond"),
                ("signaal_owner", "Team IV"),
                ("signaal_due_on", &day(-6)),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = b
        .post(
            &format!("{s1}/besluit"),
            &[
                ("alarm", "1"),
                ("decision-1", "maatregel"),
                ("note-1", "Cameratoezicht"),
                ("owner-1", "Burgemeester"),
                ("due_on-1", &day(20)),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let minutes = b.get(&format!("{s1}/verslag")).await;
    assert_eq!(minutes.status, 200);
    assert!(minutes.body.contains("Buurtpreventie-avond") && minutes.body.contains("Team IV"));
    let (status, headers, pdf) = b.get_bytes(&format!("{s1}/verslag.pdf")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(pdf.starts_with(b"%PDF"));

    // Session 2: both actions come back, one overdue; the meldingen of the period are counted.
    let second = b
        .post(
            "/monitor/besprekingen",
            &[("held_on", &day(1)), ("title", "Bespreking 2")],
        )
        .await;
    let s2 = second.location().unwrap();
    let page = b.get(&s2).await;
    assert!(page.body.contains("Bespreking 2"));
    let returning = &page.body
        [page.body.find("id=\"acties\"").unwrap()..page.body.find("id=\"signalen\"").unwrap()];
    assert!(
        returning.contains("Team IV") && returning.contains("Burgemeester"),
        "{returning}"
    );
    assert!(returning.contains("open, de datum is verstreken"));
    assert!(
        !page.body.contains("Drie inbraken via achterdeuren"),
        "police signals belong to their session"
    );
    let overview = table_after(&page.body, "id=\"tabel-cijfers\"");
    assert!(overview.contains("Meldingen in Baken"), "{overview}");
    let actions = ::monitor::store::actions(&app.db).await.unwrap();
    assert_eq!(actions.len(), 2);
    let preventive = actions.iter().find(|a| a.owner == "Team IV").unwrap();
    let close = format!("{s2}/acties/{}/sluiten", preventive.id);
    let field = format!("closing_note-{}", preventive.id);
    let r = b.post(&close, &[(field.as_str(), " ")]).await;
    assert_eq!(r.status, 422);
    let r = b
        .post(&close, &[(field.as_str(), "Avond gehouden, 40 bewoners")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(&s2).await;
    assert!(page
        .body
        .contains("afgesloten in deze bespreking: Avond gehouden, 40 bewoners"));
    // A closed action cannot be closed again, and a session cannot close its own actions.
    assert_eq!(
        b.post(&close, &[(field.as_str(), "nog eens")]).await.status,
        404
    );

    // Session 3: only the action still open comes back.
    let third = b
        .post(
            "/monitor/besprekingen",
            &[("held_on", &day(15)), ("title", "Bespreking 3")],
        )
        .await;
    let page = b.get(&third.location().unwrap()).await;
    let returning = &page.body
        [page.body.find("id=\"acties\"").unwrap()..page.body.find("id=\"signalen\"").unwrap()];
    assert!(
        returning.contains("Burgemeester") && !returning.contains("Team IV"),
        "{returning}"
    );
    for (kind, n) in [
        ("monitor-review-attendee", 1),
        ("monitor-review-signal", 1),
        ("monitor-review-action", 1),
    ] {
        assert_eq!(
            app.audit_rows(&format!("resource_type = '{kind}'"))
                .await
                .len(),
            n,
            "{kind}"
        );
    }

    // Through the API too, a measure on an alarm makes an action with its owner and due date.
    let third_id = third
        .location()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let token = cli_token(&app, "adviseur@example.nl");
    let review: serde_json::Value = api_get(
        &app,
        &format!("/api/v1/monitor/reviews/{third_id}"),
        Some(&format!("Bearer {token}")),
    )
    .await
    .json()
    .await
    .unwrap();
    // The first session listed the spike; a later one lists no alarm again.
    assert!(review["alarms"].as_array().unwrap().is_empty());
    let first_id = s1.rsplit('/').next().unwrap().to_string();
    let review: serde_json::Value = api_get(
        &app,
        &format!("/api/v1/monitor/reviews/{first_id}"),
        Some(&format!("Bearer {token}")),
    )
    .await
    .json()
    .await
    .unwrap();
    let alarm_id = review["alarms"][0]["id"].as_str().unwrap().to_string();
    let r = monitor_api_post(
        &app,
        &format!("/api/v1/monitor/reviews/{first_id}/decisions"),
        &token,
        serde_json::json!({"alarm_id": alarm_id, "decision": "maatregel", "owner": "Handhaving", "due_on": day(30)}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let actions = ::monitor::store::actions(&app.db).await.unwrap();
    assert_eq!(actions.len(), 3);
    assert!(actions.iter().any(|a| a.owner == "Handhaving"));

    // The alarm settings per level: the validated defaults, changed by an adviser, audited.
    let settings = b.get("/monitor/instellingen").await;
    assert_eq!(settings.status, 200);
    assert!(settings.body.contains("gevalideerde standaard"));
    let r = b
        .post(
            "/monitor/instellingen",
            &[
                ("niveau", "buurt"),
                ("frequentie", "12"),
                ("window_half_width-buurt-12", "6"),
                ("seasonal_periods-buurt-12", "4"),
                ("reference_years-buurt-12", "5"),
                ("minimum_cases-buurt-12", "3"),
                ("minimum_periods-buurt-12", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r
        .body
        .contains("id=\"veld-window_half_width-buurt-12-fout\""));
    let r = b
        .post(
            "/monitor/instellingen",
            &[
                ("niveau", "buurt"),
                ("frequentie", "12"),
                ("window_half_width-buurt-12", "2"),
                ("seasonal_periods-buurt-12", "4"),
                ("reference_years-buurt-12", "5"),
                ("minimum_cases-buurt-12", "3"),
                ("minimum_periods-buurt-12", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("eigen instelling"));
    let set = ::monitor::store::alarm_settings(&app.db).await.unwrap();
    assert_eq!(set.get(::monitor::model::Level::Buurt, 12).minimum_cases, 3);
    assert_eq!(
        app.audit_rows("resource_type = 'monitor-alarm-settings'")
            .await
            .len(),
        1
    );

    // Fortnightly counts: a bad file is refused whole, naming line and field; a good one makes
    // a series of frequency 26 whose last fortnight alarms.
    let bad =
        "periode;gebied;soort;aantal\n2020-01-06;GM1961;1.1.1;9\n2020-01-20;GM1961;1.1.1;veel\n";
    let r = post_file(
        &mut b,
        "/monitor/tweewekelijks",
        &[],
        ("bestand", "politie.csv", bad.as_bytes()),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Regel 3: veld &#39;aantal&#39;")
            || r.body.contains("Regel 3: veld 'aantal'"),
        "{}",
        r.body
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM monitor_fortnight_count").await,
        0
    );
    let mut good = String::from("periode;gebied;soort;aantal\n");
    let start = jiff::civil::date(2020, 1, 6);
    for i in 0..=(26 * 6) {
        let day = start.checked_add(jiff::Span::new().days(14 * i)).unwrap();
        let n = if i == 26 * 6 { 40 } else { 8 + i % 4 };
        good.push_str(&format!("{day};GM1961;1.1.1;{n}\n"));
    }
    let r = post_file(
        &mut b,
        "/monitor/tweewekelijks",
        &[],
        ("bestand", "politie.csv", good.as_bytes()),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("157 cijfers per twee weken ingelezen."));
    let alarms = table_after(&r.body, "id=\"tabel-tweewekelijks\"");
    let last = start
        .checked_add(jiff::Span::new().days(14 * 26 * 6))
        .unwrap();
    let last = format!("{:02}-{:02}-{}", last.day(), last.month(), last.year());
    assert!(
        alarms.contains(&last) && alarms.contains(">40<"),
        "{alarms}"
    );
}
