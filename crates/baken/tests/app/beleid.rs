//! Beleid: the IVB as data, read access per role, audited edits, CSV round trip, versions, report.

use super::*;

async fn current_policy(app: &App) -> ::beleid::store::Policy {
    ::beleid::store::policy_for_year(&app.db, 2026)
        .await
        .unwrap()
}

async fn action_by_code(app: &App, policy_id: &str, code: &str) -> ::beleid::store::Action {
    ::beleid::store::actions(&app.db, policy_id)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.code == code)
        .unwrap()
}

async fn adviseur(app: &App) -> Browser {
    let (_, secret) = app
        .user("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv, true)
        .await;
    let mut b = Browser::new(app);
    let page = b.login("iv@example.nl", PASSWORD, secret.as_deref()).await;
    assert_eq!(page.location().as_deref(), Some("/"));
    b
}

async fn count(app: &App, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

#[tokio::test]
async fn beleid_the_ivb_is_loaded_once_with_its_themes() {
    let app = spawn_app().await;
    baken::prepare(&app.db).await.unwrap();
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM beleid_policy").await,
        1
    );
    let policy = current_policy(&app).await;
    assert_eq!((policy.period_start, policy.period_end), (2023, 2026));
    let themes = ::beleid::store::themes(&app.db, &policy.id).await.unwrap();
    let numbers: Vec<&str> = themes.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["2", "3", "4", "5", "6", "7", "8.1", "8.2", "8.3"]);
    let parsed = ::beleid::model::parse_policy(::beleid::model::SEED_TEXT).unwrap();
    let actions = ::beleid::store::actions(&app.db, &policy.id).await.unwrap();
    let goals = ::beleid::store::goals(&app.db, &policy.id).await.unwrap();
    for (t, p) in themes.iter().zip(parsed.themes.iter()) {
        let a: Vec<&str> = actions
            .iter()
            .filter(|a| a.theme_id == t.id)
            .map(|a| a.text.as_str())
            .collect();
        let g: Vec<&str> = goals
            .iter()
            .filter(|g| g.theme_id == t.id)
            .map(|g| g.text.as_str())
            .collect();
        assert_eq!(a, p.actions, "actions of {}", t.number);
        assert_eq!(g, p.goals, "goals of {}", t.number);
    }
}

#[tokio::test]
async fn beleid_is_read_by_the_gemeente_and_refused_to_partners() {
    let app = spawn_app().await;
    app.user("raad@example.nl", "vijfheerenlanden", Role::Raadslid, false)
        .await;
    let mut raad = Browser::new(&app);
    raad.login("raad@example.nl", PASSWORD, None).await;
    let home = raad.get("/").await;
    assert!(home.body.contains("href=\"/beleid\""), "menu entry Beleid");
    let page = raad.get("/beleid").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Integraal Veiligheidsbeleid 2023-2026"));
    assert!(page.body.contains("Art. 38b van de Politiewet"));
    assert!(page.body.contains("Voorwoord"));
    let policy = current_policy(&app).await;
    let theme = &::beleid::store::themes(&app.db, &policy.id).await.unwrap()[0];
    let tp = raad
        .get(&format!("/beleid/thema/{}?jaar=2026", theme.id))
        .await;
    assert_eq!(tp.status, 200);
    assert!(tp.body.contains("Wij voeren een Bibob-toets uit"));
    assert!(
        !tp.body.contains("/beleid/budget/"),
        "no edit link for a council member"
    );
    for path in [
        format!("/beleid/plan/{}/2026", policy.id),
        "/beleid/rapportage/2026".to_string(),
        format!("/beleid/plan/{}/2026/export.csv", policy.id),
    ] {
        assert_eq!(raad.get(&path).await.status, 200, "{path}");
    }
    assert_eq!(
        raad.get(&format!("/beleid/budget/{}/2026", theme.id))
            .await
            .status,
        403
    );
    let action = action_by_code(&app, &policy.id, "T2-A1").await;
    let post = raad
        .post(
            &format!("/beleid/actie/{}/2026", action.id),
            &[("status", "lopend")],
        )
        .await;
    assert_eq!(post.status, 403, "a council member does not edit");

    let token = cli_token(&app, "raad@example.nl");
    let r = api_get(
        &app,
        "/api/v1/beleid/policies",
        Some(&format!("Bearer {token}")),
    )
    .await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v[0]["period_start"], 2023);
    let r = api_get(
        &app,
        &format!("/api/v1/beleid/policies/{}/plans/2026", policy.id),
        Some(&format!("Bearer {token}")),
    )
    .await;
    assert_eq!(r.status(), 200);

    let (_, secret) = app
        .user("p@example.nl", "politie-lekpoort", Role::Ketenpartner, true)
        .await;
    let mut partner = Browser::new(&app);
    partner
        .login("p@example.nl", PASSWORD, secret.as_deref())
        .await;
    assert!(!partner.get("/").await.body.contains("href=\"/beleid\""));
    assert_eq!(partner.get("/beleid").await.status, 403);
    assert_eq!(
        partner
            .get(&format!("/beleid/thema/{}", theme.id))
            .await
            .status,
        403
    );
    let token = cli_token(&app, "p@example.nl");
    let r = api_get(
        &app,
        "/api/v1/beleid/policies",
        Some(&format!("Bearer {token}")),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert!(
        !app.audit_rows("outcome = 'denied' AND resource_type = 'beleid_policy'")
            .await
            .is_empty(),
        "the denial is audited"
    );
}

#[tokio::test]
async fn beleid_an_edit_by_team_iv_is_audited_and_bad_input_is_422() {
    let app = spawn_app().await;
    let mut b = adviseur(&app).await;
    let policy = current_policy(&app).await;
    let action = action_by_code(&app, &policy.id, "T2-A1").await;
    let path = format!("/beleid/actie/{}/2026", action.id);
    let page = b.get(&path).await;
    assert_eq!(page.status, 200);
    // The modules register what an indicator can count.
    assert!(page.body.contains("Dossiers geopend (alle zaaktypen)"));
    assert!(page.body.contains("Maatregelen: "));
    let bad = b
        .post(
            &path,
            &[
                ("status", "vervallen"),
                ("planned_from", "2025-01"),
                ("team", "IV"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Geef aan waarom de actie vervalt."));
    assert!(bad
        .body
        .contains("Vul een maand in dit jaar in als jjjj-mm."));
    assert!(bad.body.contains("value=\"IV\""), "input is kept");
    let ok = b
        .post(
            &path,
            &[
                ("status", "lopend"),
                ("team", "Integrale Veiligheid"),
                ("partners", "Politie, RIEC"),
                ("planned_from", "2026-02"),
                ("planned_until", "2026-11"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    // Partners are picked from the organisations Baken knows, others typed beside them; the
    // month fields are month pickers and the reason a text area.
    let form = b.get(&path).await;
    assert!(form.body.contains("type=\"month\""));
    assert!(form.body.contains("<textarea") && form.body.contains("name=\"reason\""));
    assert!(form.body.contains("value=\"Politie basisteam Lekpoort\""));
    let picked = b
        .post(
            &path,
            &[
                ("status", "lopend"),
                ("team", "Integrale Veiligheid"),
                ("partners", "Politie basisteam Lekpoort"),
                ("partners", "Fien Wonen"),
                ("partners_overig", "Halt; scholen"),
                ("planned_from", "2026-02"),
                ("planned_until", "2026-11"),
            ],
        )
        .await;
    assert_eq!(picked.status, 303);
    let stored: String = sqlx::query("SELECT partners FROM beleid_plan WHERE action_id = $1")
        .bind(&action.id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("partners")
        .unwrap();
    assert_eq!(
        stored,
        "Politie basisteam Lekpoort, Fien Wonen, Halt, scholen"
    );
    let form = b.get(&path).await;
    assert!(
        form.body.contains("value=\"Halt, scholen\""),
        "the typed ones stay typed"
    );
    let note = b
        .post(
            &format!("{path}/voortgang"),
            &[
                ("noted_on", "2026-03-01"),
                ("text", "Eerste controledag gehouden."),
            ],
        )
        .await;
    assert_eq!(note.status, 303);
    let ind = b
        .post(
            &format!("{path}/indicator"),
            &[
                ("name", "Integrale controles"),
                ("unit", "aantal"),
                ("target", "40"),
                ("actual", "12"),
            ],
        )
        .await;
    assert_eq!(ind.status, 303);
    let theme = ::beleid::store::themes(&app.db, &policy.id).await.unwrap()[0].clone();
    let budget = b
        .post(
            &format!("/beleid/budget/{}/2026", theme.id),
            &[
                ("begroot", "85.000,00"),
                ("toegekend", "40.000"),
                ("subsidy_source", ""),
                ("besteed", "1000"),
            ],
        )
        .await;
    assert_eq!(budget.status, 422, "granted money names its source");
    let budget = b
        .post(
            &format!("/beleid/budget/{}/2026", theme.id),
            &[
                ("begroot", "85.000,00"),
                ("toegekend", "40.000"),
                ("subsidy_source", "Rijk"),
                ("besteed", "1000"),
            ],
        )
        .await;
    assert_eq!(budget.status, 303);
    let page = b
        .get(&format!("/beleid/thema/{}?jaar=2026", theme.id))
        .await;
    assert!(page.body.contains("Lopend") && page.body.contains("Integrale controles"));
    assert!(page.body.contains("<svg") && page.body.contains("85.000,00"));
    let rows = app
        .audit_rows("resource_type LIKE 'beleid_%' AND outcome = 'success'")
        .await;
    let kinds: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.try_get::<String, _>("resource_type").unwrap(),
                r.try_get::<String, _>("action").unwrap(),
                r.try_get::<String, _>("actor_name").unwrap(),
            )
        })
        .collect();
    for kind in [
        "beleid_plan",
        "beleid_note",
        "beleid_indicator",
        "beleid_budget",
    ] {
        assert!(
            kinds
                .iter()
                .any(|(k, _, who)| k == kind && who == "Test iv@example.nl"),
            "{kind} audited: {kinds:?}"
        );
    }
}

#[tokio::test]
async fn beleid_plan_csv_round_trip_and_bad_csv_refused_with_line_numbers() {
    let app = spawn_app().await;
    ::beleid::seed_demo(&app.db).await.unwrap();
    let mut b = adviseur(&app).await;
    let policy = current_policy(&app).await;
    let export = b
        .get(&format!("/beleid/plan/{}/2026/export.csv", policy.id))
        .await;
    assert_eq!(export.status, 200);
    assert!(export.body.starts_with('\u{feff}'), "UTF-8 with BOM");
    assert!(export.body.contains("soort;code;thema;tekst;status"));
    assert!(
        export
            .body
            .contains("voortgang;T2-A1;2 Ondermijning;Afgerond en besproken in de driehoek.;"),
        "progress notes are in the export"
    );
    let before = ::beleid::store::year_plan(&app.db, &policy.id, 2026)
        .await
        .unwrap();
    // Import the export unchanged: the same plan.
    let csrf = b.csrf();
    let same = b
        .post_raw(
            &format!("/beleid/plan/{}/2026/import", policy.id),
            &[("csv", export.body.as_str()), ("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(same.status, 303, "{}", same.body);
    let after = ::beleid::store::year_plan(&app.db, &policy.id, 2026)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(
            before
                .themes
                .iter()
                .map(|t| (
                    &t.budget,
                    t.actions
                        .iter()
                        .map(|a| (
                            &a.plan,
                            a.indicators
                                .iter()
                                .map(|i| (&i.name, i.target, i.actual))
                                .collect::<Vec<_>>(),
                            a.notes
                                .iter()
                                .map(|n| (&n.noted_on, &n.text))
                                .collect::<Vec<_>>()
                        ))
                        .collect::<Vec<_>>()
                ))
                .collect::<Vec<_>>()
        )
        .unwrap(),
        serde_json::to_value(
            after
                .themes
                .iter()
                .map(|t| (
                    &t.budget,
                    t.actions
                        .iter()
                        .map(|a| (
                            &a.plan,
                            a.indicators
                                .iter()
                                .map(|i| (&i.name, i.target, i.actual))
                                .collect::<Vec<_>>(),
                            a.notes
                                .iter()
                                .map(|n| (&n.noted_on, &n.text))
                                .collect::<Vec<_>>()
                        ))
                        .collect::<Vec<_>>()
                ))
                .collect::<Vec<_>>()
        )
        .unwrap(),
        "export then import changes nothing"
    );
    // A changed line is taken over.
    let mut records: Vec<Vec<String>> = ::beleid::csv::read(&export.body)
        .unwrap()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let i = records
        .iter()
        .position(|r| r[0] == "actie" && r[1] == "T5-A1")
        .unwrap();
    records[i][4] = "gereed".into();
    records[i][5] = "=HYPERLINK(\"x\")".into();
    let mut note = vec![String::new(); ::beleid::csv::HEADER.len()];
    note[0] = "voortgang".into();
    note[1] = "T5-A1".into();
    note[3] = "Voorlichting over phishing gegeven op twee scholen".into();
    note[18] = "3-11-2026".into();
    records.push(note);
    let changed = ::beleid::csv::write(&records);
    let ok = b
        .post_raw(
            &format!("/beleid/plan/{}/2026/import", policy.id),
            &[("csv", changed.as_str()), ("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(ok.status, 303);
    let t5 = action_by_code(&app, &policy.id, "T5-A1").await;
    let plan = ::beleid::store::year_plan(&app.db, &policy.id, 2026)
        .await
        .unwrap();
    let p = plan
        .themes
        .iter()
        .flat_map(|t| t.actions.iter())
        .find(|a| a.action.id == t5.id)
        .unwrap()
        .plan
        .clone()
        .unwrap();
    assert_eq!(p.status, ::beleid::model::Status::Gereed);
    let notes = &plan
        .themes
        .iter()
        .flat_map(|t| t.actions.iter())
        .find(|a| a.action.id == t5.id)
        .unwrap()
        .notes;
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.noted_on == "2026-11-03"
                && n.text == "Voorlichting over phishing gegeven op twee scholen")
            .count(),
        1,
        "the new progress note is imported once: {notes:?}"
    );
    let again = b
        .get(&format!("/beleid/plan/{}/2026/export.csv", policy.id))
        .await;
    assert!(
        again.body.contains(";'=HYPERLINK(\"\"x\"\")")
            || again.body.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "a formula is neutralised on export"
    );

    // A bad file: every wrong line by number, and nothing imported.
    let imports_before = count(
        &app,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import'",
    )
    .await;
    let row = |cells: &[(usize, &str)]| {
        let mut v = vec![String::new(); ::beleid::csv::HEADER.len()];
        for (i, c) in cells {
            v[*i] = c.to_string();
        }
        v
    };
    let mut bad: Vec<Vec<String>> = ::beleid::csv::read(&export.body)
        .unwrap()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let a = bad
        .iter()
        .position(|r| r[0] == "actie" && r[1] == "T3-A1")
        .unwrap();
    bad[a][4] = "klaar".into();
    let c = bad
        .iter()
        .position(|r| r[0] == "actie" && r[1] == "T3-A2")
        .unwrap();
    bad[c] = row(&[(0, "actie"), (1, "T99-A1"), (4, "lopend")]);
    bad.insert(1, row(&[(0, "budget"), (1, "T2"), (14, "veel")]));
    // Line numbers after the inserted line 2.
    let (line_a, line_c) = (a + 2, c + 2);
    let bad = ::beleid::csv::write(&bad);
    let refused = b
        .post_raw(
            &format!("/beleid/plan/{}/2026/import", policy.id),
            &[("csv", bad.as_str()), ("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("Regel 2: begroot"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(&format!("Regel {line_a}: status")),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(&format!("Regel {line_c}: onbekende actie")),
        "{}",
        refused.body
    );
    let still = ::beleid::store::year_plan(&app.db, &policy.id, 2026)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(
            plan.themes
                .iter()
                .map(|t| (
                    &t.budget,
                    t.actions.iter().map(|a| &a.plan).collect::<Vec<_>>()
                ))
                .collect::<Vec<_>>()
        )
        .unwrap(),
        serde_json::to_value(
            still
                .themes
                .iter()
                .map(|t| (
                    &t.budget,
                    t.actions.iter().map(|a| &a.plan).collect::<Vec<_>>()
                ))
                .collect::<Vec<_>>()
        )
        .unwrap(),
        "nothing imported"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'import'"
        )
        .await,
        imports_before
    );
}

#[tokio::test]
async fn beleid_next_version_is_a_copy_and_the_old_stays_unchanged() {
    let app = spawn_app().await;
    let mut b = adviseur(&app).await;
    let old = current_policy(&app).await;
    let old_theme = ::beleid::store::themes(&app.db, &old.id).await.unwrap()[0].clone();
    assert_eq!(
        b.get(&format!("/beleid/thema/{}/bewerken", old_theme.id))
            .await
            .status,
        403,
        "the adopted text cannot be edited"
    );
    let bad = b
        .post(
            "/beleid/versies",
            &[
                ("from", old.id.as_str()),
                ("period_start", "2020"),
                ("period_end", "2023"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    let made = b
        .post(
            "/beleid/versies",
            &[
                ("from", old.id.as_str()),
                ("period_start", "2027"),
                ("period_end", "2030"),
            ],
        )
        .await;
    assert_eq!(made.status, 303);
    let new = ::beleid::store::policy_for_year(&app.db, 2028)
        .await
        .unwrap();
    assert_eq!(
        (new.period_start, new.period_end, new.editable),
        (2027, 2030, true)
    );
    let new_theme = ::beleid::store::themes(&app.db, &new.id).await.unwrap()[0].clone();
    assert_eq!(new_theme.title, old_theme.title);
    let edit = b
        .post(
            &format!("/beleid/thema/{}/bewerken", new_theme.id),
            &[
                ("title", "Ondermijning en georganiseerde criminaliteit"),
                ("intro", "Nieuwe tekst."),
                ("goals", "Een nieuw doel."),
                ("actions", "Eerste actie.\nTweede actie."),
            ],
        )
        .await;
    assert_eq!(edit.status, 303);
    let new_actions: Vec<String> = ::beleid::store::actions(&app.db, &new.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.theme_id == new_theme.id)
        .map(|a| a.text)
        .collect();
    assert_eq!(new_actions, ["Eerste actie.", "Tweede actie."]);
    let old_again = ::beleid::store::theme(&app.db, &old_theme.id)
        .await
        .unwrap();
    assert_eq!(old_again.title, "Ondermijning");
    assert_eq!(old_again.intro, old_theme.intro);
    let old_actions = ::beleid::store::actions(&app.db, &old.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.theme_id == old_theme.id)
        .count();
    assert_eq!(old_actions, 6);
    assert!(!app
        .audit_rows("resource_type = 'beleid_theme' AND action = 'update'")
        .await
        .is_empty());
    let page = b.get("/beleid").await;
    assert!(page.body.contains("Integraal Veiligheidsbeleid 2027-2030"));
}

#[tokio::test]
async fn beleid_report_html_shows_plan_indicators_and_budget() {
    let app = spawn_app().await;
    ::beleid::seed_demo(&app.db).await.unwrap();
    assert!(
        !::beleid::seed_demo(&app.db).await.unwrap(),
        "demo data once"
    );
    let html = ::beleid::report_html(&app.db, 2026).await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Raadsrapportage 2026"));
    assert!(html.contains("Veilige wijken") && html.contains("Deelnemers buurtpreventie"));
    assert!(html.contains("<svg") && html.contains("Totaal"));
    assert!(::beleid::report_html(&app.db, 2031).await.is_err());
    let mut b = adviseur(&app).await;
    let page = b.get("/beleid/rapportage/2026").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Toelichting bewerken"));
}

fn pdf_text_and_pages(bytes: &[u8]) -> (String, usize) {
    let (text, pages, info) = read_pdf(bytes);
    assert!(
        info.contains("Title:           Raadsrapportage 2026"),
        "{info}"
    );
    (text, pages)
}

#[tokio::test]
async fn beleid_report_pdf_is_tagged_and_holds_the_plan_for_readers_only() {
    let app = spawn_app().await;
    ::beleid::seed_demo(&app.db).await.unwrap();
    // The cover names the installation (its house style, see platform::theme).
    sqlx::query(
        "INSERT INTO platform_theme (id, name, version, updated_at) \
         VALUES ('installation', 'Gemeente Vijfheerenlanden', 1, 0)",
    )
    .execute(app.db.pool())
    .await
    .unwrap();
    let policy = current_policy(&app).await;
    let theme = &::beleid::store::themes(&app.db, &policy.id).await.unwrap()[0];
    let mut b = adviseur(&app).await;
    // Typed text that would be markup if Typst read it as such.
    let typed = "Samen met de #politie [en] *RIEC* = 100% $inzet$.";
    let r = b
        .post(
            &format!("/beleid/rapportage/2026/thema/{}", theme.id),
            &[("text", typed)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let page = b.get("/beleid/rapportage/2026").await;
    assert!(page.body.contains("href=\"/beleid/rapportage/2026/pdf\""));
    let (status, headers, bytes) = b.get_bytes("/beleid/rapportage/2026/pdf").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let (text, pages) = pdf_text_and_pages(&bytes);
    assert!(pages >= 10, "a page per theme and more: {pages}");
    for expected in [
        "Raadsrapportage 2026",
        "2 Ondermijning",
        "8.3 Veilige wijken",
        "Wij voeren een Bibob-toets uit",
        "Deelnemers buurtpreventie",
        "Rijksbijdrage versterking aanpak ondermijning",
        "Budget per thema 2026",
        "Gemeente Vijfheerenlanden",
        dutch_today().as_str(),
        typed,
    ] {
        assert!(
            text.contains(expected),
            "{expected} missing from the PDF text"
        );
    }
    // The CLI's function gives the same document.
    let cli = baken::report_pdf(&app.db, 2026).await.unwrap();
    assert_eq!(pdf_text_and_pages(&cli), (text, pages));
    assert!(matches!(
        baken::report_pdf(&app.db, 2031).await,
        Err(baken::ReportError::Beleid(::beleid::BeleidError::NotFound))
    ));
    assert_eq!(b.get_bytes("/beleid/rapportage/2031/pdf").await.0, 404);

    let mut partner = app
        .browser_as("p@example.nl", "politie-lekpoort", Role::Ketenpartner)
        .await;
    assert_eq!(
        partner.get_bytes("/beleid/rapportage/2026/pdf").await.0,
        403
    );
    let mut anonymous = Browser::new(&app);
    assert_ne!(
        anonymous.get_bytes("/beleid/rapportage/2026/pdf").await.0,
        200
    );
}

/// Today as the report's cover writes it: "7 december 2026".
fn dutch_today() -> String {
    let d = platform::db::today_nl();
    format!(
        "{} {} {}",
        d.day(),
        termijnen::maand_naam(d.month()),
        d.year()
    )
}
