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
    let buurt = ::monitor::store::locate(&app.db, 5.092, 51.9945)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (buurt.code.as_str(), buurt.name.as_str()),
        ("BU19612101", "Vianen binnenstad")
    );
    assert!(
        ::monitor::store::locate(&app.db, 4.5, 52.5)
            .await
            .unwrap()
            .is_none(),
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
