//! Dossiers: case files shared under a covenant, per data category; revocation, expiry, legal
//! hold, destruction, the subject access export, and a randomized property test of the access
//! rule through the API and the HTML pages.

use super::*;

async fn api_send(
    app: &App,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut r = reqwest::Client::new()
        .request(method, format!("{}{path}", app.base))
        .header("authorization", format!("Bearer {token}"));
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

async fn post(app: &App, path: &str, token: &str, body: serde_json::Value) -> reqwest::Response {
    api_send(app, reqwest::Method::POST, path, token, Some(body)).await
}

async fn get(app: &App, path: &str, token: &str) -> reqwest::Response {
    api_send(app, reqwest::Method::GET, path, token, None).await
}

/// An API token for a user, made through the store as the user would on the account page.
async fn token_for(app: &App, user_id: &str) -> String {
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

async fn join_team(app: &App, user_id: &str, team: &str) {
    sqlx::query("INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)")
        .bind(team)
        .bind(user_id)
        .execute(app.db.pool())
        .await
        .unwrap();
}

struct Person {
    id: String,
    token: String,
    email: String,
    secret: Option<String>,
}

async fn person(app: &App, email: &str, org: &str, role: Role, team: Option<&str>) -> Person {
    let (id, secret) = app.user(email, org, role, true).await;
    if let Some(t) = team {
        join_team(app, &id, t).await;
    }
    Person {
        token: token_for(app, &id).await,
        id,
        email: email.into(),
        secret,
    }
}

fn today() -> jiff::civil::Date {
    ::dossiers::store::vandaag()
}

fn day(n: i64) -> String {
    today()
        .checked_add(jiff::Span::new().days(n))
        .unwrap()
        .to_string()
}

/// The PGA covenant of the tests: police (basis + criminal), GGD (basis + health), corporation
/// (basis + housing).
async fn covenant(app: &App, admin: &str, van: &str, tot: &str, zaaktypen: &[&str]) -> String {
    let r = post(
        app,
        "/api/v1/dossiers/convenanten",
        admin,
        serde_json::json!({
            "naam": format!("Convenant {van}"), "doelen": "PGA", "zaaktypen": zaaktypen,
            "geldig_van": van, "geldig_tot": tot,
            "partijen": [
                {"organisation_id": app.org_id("politie-lekpoort").await, "ontvangen": ["basisgegevens", "strafrechtelijk"], "verstrekken": ["strafrechtelijk"]},
                {"organisation_id": app.org_id("ggd-regio-utrecht").await, "ontvangen": ["basisgegevens", "zorg-welzijn"], "verstrekken": ["zorg-welzijn"]},
                {"organisation_id": app.org_id("kleurrijk-wonen").await, "ontvangen": ["wonen"], "verstrekken": ["wonen"]}
            ]
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    v["id"].as_str().unwrap().to_string()
}

async fn new_case(app: &App, token: &str, team: &str, zaaktype: &str) -> String {
    let r = post(
        app,
        "/api/v1/dossiers",
        token,
        serde_json::json!({"zaaktype": zaaktype, "titel": "Casus", "regie_team_id": team}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    v["dossier"]["id"].as_str().unwrap().to_string()
}

async fn admit(app: &App, token: &str, case: &str, org: &str, cov: &str) -> reqwest::Response {
    post(
        app,
        &format!("/api/v1/dossiers/{case}/deelnames"),
        token,
        serde_json::json!({"organisation_id": app.org_id(org).await, "convenant_id": cov, "doel": "PGA"}),
    )
    .await
}

async fn item(app: &App, token: &str, case: &str, cat: &str, titel: &str) -> reqwest::Response {
    post(
        app,
        &format!("/api/v1/dossiers/{case}/items"),
        token,
        serde_json::json!({"soort": "notitie", "categorie": cat, "titel": titel}),
    )
    .await
}

fn titles(detail: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = detail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["soort"] == "notitie")
        .map(|i| i["titel"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

struct Pga {
    app: App,
    admin: Person,
    regie: Person,
    politie: Person,
    ggd: Person,
    wonen: Person,
    case: String,
    cov: String,
}

async fn pga() -> Pga {
    let app = spawn_app().await;
    let admin = person(
        &app,
        "admin@example.nl",
        "vijfheerenlanden",
        Role::Beheerder,
        None,
    )
    .await;
    let zorg = team_id(&app, "sociaal-domein").await;
    let regie = person(
        &app,
        "regie@example.nl",
        "vijfheerenlanden",
        Role::Procesregisseur,
        Some(&zorg),
    )
    .await;
    let politie = person(
        &app,
        "agent@example.nl",
        "politie-lekpoort",
        Role::Ketenpartner,
        None,
    )
    .await;
    let ggd = person(
        &app,
        "ggd@example.nl",
        "ggd-regio-utrecht",
        Role::Ketenpartner,
        None,
    )
    .await;
    let wonen = person(
        &app,
        "wonen@example.nl",
        "kleurrijk-wonen",
        Role::Ketenpartner,
        None,
    )
    .await;
    let cov = covenant(&app, &admin.token, &day(-30), &day(365), &["pga"]).await;
    let case = new_case(&app, &regie.token, &zorg, "pga").await;
    Pga {
        app,
        admin,
        regie,
        politie,
        ggd,
        wonen,
        case,
        cov,
    }
}

#[tokio::test]
async fn a_pga_case_shows_police_ggd_and_corporation_exactly_what_the_covenant_allows() {
    let Pga {
        app,
        regie,
        politie,
        ggd,
        wonen,
        case,
        cov,
        ..
    } = pga().await;
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/subjecten"),
        &regie.token,
        serde_json::json!({"soort": "persoon", "naam": "Piet Proef", "geboortedatum": "1990-01-02", "bsn": "111222333", "adres": "Dorpsstraat 1", "postcode": "4131 AB"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    for org in ["politie-lekpoort", "ggd-regio-utrecht", "kleurrijk-wonen"] {
        assert_eq!(
            admit(&app, &regie.token, &case, org, &cov).await.status(),
            201
        );
    }
    for (cat, t) in [
        ("basisgegevens", "B-notitie"),
        ("zorg-welzijn", "Z-notitie"),
        ("strafrechtelijk", "S-notitie"),
        ("wonen", "W-notitie"),
        ("financien", "F-notitie"),
    ] {
        assert_eq!(item(&app, &regie.token, &case, cat, t).await.status(), 201);
    }
    // A partner records in the categories it may provide, and not in others.
    assert_eq!(
        item(&app, &politie.token, &case, "strafrechtelijk", "S-politie")
            .await
            .status(),
        201
    );
    let r = item(&app, &politie.token, &case, "zorg-welzijn", "Z-politie").await;
    assert_eq!(r.status(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");

    let seen = |token: String| {
        let app = &app;
        let case = case.clone();
        async move {
            let r = get(app, &format!("/api/v1/dossiers/{case}"), &token).await;
            assert_eq!(r.status(), 200);
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let d = seen(regie.token.clone()).await;
    assert_eq!(
        titles(&d),
        [
            "B-notitie",
            "F-notitie",
            "S-notitie",
            "S-politie",
            "W-notitie",
            "Z-notitie"
        ]
    );
    assert_eq!(
        d["subjecten"][0]["bsn"], "111222333",
        "the directing team sees the BSN"
    );
    let d = seen(politie.token.clone()).await;
    assert_eq!(titles(&d), ["B-notitie", "S-notitie", "S-politie"]);
    assert_eq!(d["subjecten"][0]["naam"], "Piet Proef");
    assert!(
        d["subjecten"][0]["bsn"].is_null(),
        "partners never see the BSN"
    );
    assert!(d["historie"].as_array().unwrap().is_empty());
    let d = seen(ggd.token.clone()).await;
    assert_eq!(titles(&d), ["B-notitie", "Z-notitie"]);
    let d = seen(wonen.token.clone()).await;
    assert_eq!(titles(&d), ["W-notitie"]);
    assert!(
        d["subjecten"].as_array().unwrap().is_empty(),
        "no basisgegevens, no names"
    );

    // The same through the HTML page.
    let mut b = Browser::new(&app);
    let page = b.login(&ggd.email, PASSWORD, ggd.secret.as_deref()).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b.get(&format!("/dossiers/{case}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Z-notitie") && page.body.contains("B-notitie"));
    for hidden in [
        "S-notitie",
        "W-notitie",
        "F-notitie",
        "S-politie",
        "111222333",
    ] {
        assert!(!page.body.contains(hidden), "GGD sees {hidden}");
    }
    // A document under zorg-welzijn: the GGD may download it, the police may not; a file that
    // is no PDF/JPEG/PNG by its content is refused next to the field.
    let mut r = Browser::new(&app);
    r.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    r.get(&format!("/dossiers/{case}/vastleggen")).await;
    let page = super::meldingen::post_multipart(
        &mut r,
        &format!("/dossiers/{case}/vastleggen"),
        &[
            ("soort", "document"),
            ("categorie", "zorg-welzijn"),
            ("titel", "Z-brief"),
        ],
        &[("bestand", "brief.pdf", b"%PDF-1.7 fictief")],
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let bad = super::meldingen::post_multipart(
        &mut r,
        &format!("/dossiers/{case}/vastleggen"),
        &[
            ("soort", "document"),
            ("categorie", "zorg-welzijn"),
            ("titel", "Z-exe"),
        ],
        &[("bestand", "brief.pdf", b"MZ\x90\x00 not a pdf")],
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Alleen PDF, JPEG of PNG") && bad.body.contains("value=\"Z-exe\""));
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    let doc = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["titel"] == "Z-brief")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let page = b.get(&format!("/dossiers/{case}/bestand/{doc}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-type"], "application/pdf");
    assert!(page.body.starts_with("%PDF"));
    let mut pol = Browser::new(&app);
    pol.login(&politie.email, PASSWORD, politie.secret.as_deref())
        .await;
    assert_eq!(
        pol.get(&format!("/dossiers/{case}/bestand/{doc}"))
            .await
            .status,
        404
    );

    // The list shows the case to partners.
    let page = b.get("/dossiers").await;
    assert!(page.body.contains(&format!("/dossiers/{case}")));

    // Every entry shown was audited, per reader.
    // The four template tasks of a PGA case are basisgegevens; the GGD also downloaded a document.
    for (who, n) in [(&politie.id, 3 + 4), (&ggd.id, 2 + 4 + 1), (&wonen.id, 1)] {
        let rows = app
            .audit_rows(&format!(
                "resource_type = 'dossier-item' AND actor_user_id = '{who}' AND outcome = 'allowed'"
            ))
            .await;
        let distinct: std::collections::BTreeSet<String> = rows
            .iter()
            .map(|r| r.try_get::<String, _>("resource_id").unwrap())
            .collect();
        assert_eq!(distinct.len(), n);
    }
    // Nothing of the case reaches a municipal colleague outside the directing team.
    let other = person(
        &app,
        "hh@example.nl",
        "vijfheerenlanden",
        Role::Handhaver,
        None,
    )
    .await;
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &other.token)
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn policy_indicators_count_cases_per_case_type() {
    let Pga { app, .. } = pga().await;
    let year = ::beleid::sources::Period::year(i64::from(today().year()));
    let count = |key: &'static str| {
        let db = app.db.clone();
        async move { ::beleid::sources::count(&db, key, year).await }
    };
    assert_eq!(count("dossiers.geopend").await, Some(1));
    assert_eq!(count("dossiers.geopend.pga").await, Some(1));
    assert_eq!(count("dossiers.geopend.nazorg").await, Some(0));
    assert_eq!(count("dossiers.gesloten").await, Some(0));
    let last_year = ::beleid::sources::Period::year(i64::from(today().year()) - 1);
    assert_eq!(
        ::beleid::sources::count(&app.db, "dossiers.geopend", last_year).await,
        Some(0)
    );
    assert_eq!(count("maatregelen").await, Some(0));
}

#[tokio::test]
async fn admission_outside_a_valid_covenant_is_refused_with_the_reason() {
    let Pga {
        app,
        admin,
        regie,
        case,
        ..
    } = pga().await;
    let expired = covenant(&app, &admin.token, &day(-400), &day(-1), &["pga"]).await;
    let future = covenant(&app, &admin.token, &day(1), &day(400), &["pga"]).await;
    let other_type = covenant(&app, &admin.token, &day(-1), &day(400), &["ondermijning"]).await;
    for (cov, why) in [
        (&expired, "verlopen"),
        (&future, "geldt nog niet"),
        (&other_type, "dekt dit zaaktype niet"),
    ] {
        let r = admit(&app, &regie.token, &case, "politie-lekpoort", cov).await;
        assert_eq!(r.status(), 422);
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(body.to_string().contains(why), "{why}: {body}");
    }
    // Veilig Thuis is no party to the PGA covenant.
    let good = covenant(&app, &admin.token, &day(-1), &day(400), &["pga"]).await;
    let r = admit(&app, &regie.token, &case, "veilig-thuis", &good).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("geen partij"));
    // A partner cannot admit anyone, nor change the case.
    let politie = person(
        &app,
        "p2@example.nl",
        "politie-lekpoort",
        Role::Ketenpartner,
        None,
    )
    .await;
    assert_eq!(
        admit(&app, &regie.token, &case, "politie-lekpoort", &good)
            .await
            .status(),
        201
    );
    assert_eq!(
        admit(&app, &politie.token, &case, "ggd-regio-utrecht", &good)
            .await
            .status(),
        403
    );
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/sturing"),
        &politie.token,
        serde_json::json!({"fase": "triage"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    // The refusal in the HTML form: the reason in the error summary, input kept.
    let mut b = Browser::new(&app);
    b.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    let org = app.org_id("politie-lekpoort").await;
    let page = b
        .post(
            &format!("/dossiers/{case}/deelname"),
            &[
                ("organisation_id", &org),
                ("convenant_id", &expired),
                ("doel", &format!("{expired}-doel-1")),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("het convenant is verlopen"));
    assert!(
        page.body
            .contains(&format!("value=\"{expired}-doel-1\" selected")),
        "the chosen purpose is kept"
    );
}

#[tokio::test]
async fn revocation_and_expiry_end_a_partners_access_at_once() {
    let Pga {
        app,
        regie,
        politie,
        case,
        cov,
        ..
    } = pga().await;
    let r = admit(&app, &regie.token, &case, "politie-lekpoort", &cov).await;
    let deelname = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    item(&app, &regie.token, &case, "strafrechtelijk", "S").await;
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token)
            .await
            .status(),
        200
    );
    let list: serde_json::Value = get(&app, "/api/v1/dossiers", &politie.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);

    // Expiry: the covenant's end date passes (moved to yesterday).
    sqlx::query("UPDATE dossiers_convenant SET geldig_tot = $1 WHERE id = $2")
        .bind(day(-1))
        .bind(&cov)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token)
            .await
            .status(),
        403
    );
    assert_eq!(
        get(
            &app,
            &format!("/api/v1/dossiers/{case}/items"),
            &politie.token
        )
        .await
        .status(),
        403
    );
    let list: serde_json::Value = get(&app, "/api/v1/dossiers", &politie.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    let denied = app
        .audit_rows(&format!(
            "actor_user_id = '{}' AND outcome = 'denied' AND reason = 'convenant-verlopen'",
            politie.id
        ))
        .await;
    assert!(!denied.is_empty(), "denials are audited with their reason");

    // Valid again, then the participation is revoked.
    sqlx::query("UPDATE dossiers_convenant SET geldig_tot = $1 WHERE id = $2")
        .bind(day(30))
        .bind(&cov)
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token)
            .await
            .status(),
        200
    );
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/deelnames/{deelname}/intrekken"),
        &regie.token,
        serde_json::json!({"reden": ""}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/deelnames/{deelname}/intrekken"),
        &regie.token,
        serde_json::json!({"reden": "Einde samenwerking"}),
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token)
            .await
            .status(),
        403
    );
    let mut b = Browser::new(&app);
    b.login(&politie.email, PASSWORD, politie.secret.as_deref())
        .await;
    assert_eq!(b.get(&format!("/dossiers/{case}")).await.status, 403);
}

#[tokio::test]
async fn a_partner_list_holds_with_thousands_of_valid_covenants() {
    let Pga {
        app,
        regie,
        politie,
        case,
        cov,
        ..
    } = pga().await;
    admit(&app, &regie.token, &case, "politie-lekpoort", &cov).await;
    let org = app.org_id("politie-lekpoort").await;
    let mut tx = app.db.begin().await.unwrap();
    for i in 0..1500 {
        let id = format!("c-{i}");
        sqlx::query("INSERT INTO dossiers_convenant (id, naam, doelen, zaaktypen, geldig_van, geldig_tot, created_by, created_at) VALUES ($1, 'c', '', 'pga,nazorg', $2, $3, 't', 0)")
            .bind(&id)
            .bind(day(-1))
            .bind(day(1))
            .execute(&mut *tx.conn().unwrap())
            .await
            .unwrap();
        sqlx::query("INSERT INTO dossiers_convenant_partij (convenant_id, organisation_id, ontvangen, verstrekken) VALUES ($1, $2, 'wonen', '')")
            .bind(&id)
            .bind(&org)
            .execute(&mut *tx.conn().unwrap())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let r = get(&app, "/api/v1/dossiers", &politie.token).await;
    assert_eq!(r.status(), 200);
    let list: serde_json::Value = r.json().await.unwrap();
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn the_overlap_check_names_only_case_type_and_team_and_is_audited() {
    let Pga {
        app, regie, case, ..
    } = pga().await;
    let zorg = team_id(&app, "sociaal-domein").await;
    let other = new_case(&app, &regie.token, &zorg, "woonoverlast").await;
    let subject = |case: String, naam: &'static str| {
        let app = &app;
        let token = regie.token.clone();
        async move {
            let r = post(app, &format!("/api/v1/dossiers/{case}/subjecten"), &token,
                serde_json::json!({"soort": "persoon", "naam": naam, "bsn": "123456782", "rol": "bewoner"})).await;
            assert_eq!(r.status(), 201);
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let first = subject(case.clone(), "A. Eerste").await;
    assert!(first["signalen"].as_array().unwrap().is_empty());
    let second = subject(other.clone(), "A. Eerste").await;
    let s = &second["signalen"].as_array().unwrap()[0];
    assert_eq!(s["zaaktype"], "pga");
    assert_eq!(s["regie_team_id"], zorg);
    assert_eq!(
        s.as_object().unwrap().len(),
        3,
        "case type, team and time only: {s}"
    );
    let checks = app
        .audit_rows("resource_type = 'dossier-overlap-check'")
        .await;
    assert_eq!(checks.len(), 2);
    let hits = app
        .audit_rows("resource_type = 'dossier-overlap-hit'")
        .await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].try_get::<String, _>("resource_id").unwrap(), case);
    // The BSN is stored encrypted: the clear number is nowhere in the table.
    let rows = sqlx::query("SELECT bsn_versleuteld FROM dossiers_subject")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    for r in rows {
        let enc: String = r.try_get("bsn_versleuteld").unwrap();
        assert!(!enc.contains("123456782"));
    }
    // Invalid BSN and postcode: field errors.
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/subjecten"),
        &regie.token,
        serde_json::json!({"soort": "persoon", "naam": "X", "bsn": "123456789", "postcode": "12"}),
    )
    .await;
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body.to_string().contains("bsn") && body.to_string().contains("postcode"),
        "{body}"
    );
    // And in the HTML form, next to the field.
    let mut b = Browser::new(&app);
    b.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    let page = b
        .post(
            &format!("/dossiers/{case}/subject"),
            &[("soort", "persoon"), ("naam", "Y"), ("bsn", "123456789")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("elfproef"));
    assert!(page.body.contains("veld-bsn-fout"));
}

#[tokio::test]
async fn workflow_legal_hold_destruction_and_the_subject_access_export() {
    let Pga {
        app,
        regie,
        politie,
        case,
        cov,
        ..
    } = pga().await;
    admit(&app, &regie.token, &case, "politie-lekpoort", &cov).await;
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/subjecten"),
        &regie.token,
        serde_json::json!({"soort": "persoon", "naam": "Inzage Persoon", "bsn": "111222333"}),
    )
    .await;
    let sid = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    item(&app, &regie.token, &case, "strafrechtelijk", "Voorval").await;
    // The partner reads the case, so the access log has something to show.
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token)
            .await
            .status(),
        200
    );

    let steer = |body: serde_json::Value| {
        let app = &app;
        let token = regie.token.clone();
        let case = case.clone();
        async move {
            post(
                app,
                &format!("/api/v1/dossiers/{case}/sturing"),
                &token,
                body,
            )
            .await
            .status()
        }
    };
    assert_eq!(
        steer(serde_json::json!({"fase": "uitvoering"})).await,
        422,
        "no skipping phases"
    );
    assert_eq!(
        steer(serde_json::json!({"fase": "triage", "toelichting": "ok"})).await,
        204
    );
    assert_eq!(
        steer(serde_json::json!({"soort": "ave", "fase": 5, "toelichting": "x"})).await,
        422
    );
    assert_eq!(
        steer(serde_json::json!({"soort": "ave", "fase": 3, "toelichting": "opschalen"})).await,
        204
    );
    assert_eq!(
        steer(serde_json::json!({"soort": "zvh", "tafel": "top-x", "toelichting": "verwijzing"}))
            .await,
        204
    );
    assert_eq!(steer(serde_json::json!({"soort": "zvh", "tafel": "", "toelichting": "afgeschaald, plan loopt"})).await, 204);
    assert_eq!(
        steer(
            serde_json::json!({"soort": "inwoner", "status": "betrokken", "toelichting": "gesprek"})
        )
        .await,
        204
    );
    // The review date comes: the directing team gets one reminder per date, without names.
    assert_eq!(
        steer(serde_json::json!({"soort": "review", "datum": day(0)})).await,
        204
    );
    assert_eq!(
        ::dossiers::store::remind_reviews(&app.db, today())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        ::dossiers::store::remind_reviews(&app.db, today())
            .await
            .unwrap(),
        0,
        "once per date"
    );
    let mails = sqlx::query("SELECT to_address, subject, body_text FROM mail_outbox")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(
        mails[0].try_get::<String, _>("to_address").unwrap(),
        regie.email
    );
    let body: String = mails[0].try_get("body_text").unwrap();
    assert!(body.contains(&format!("/dossiers/{case}")) && !body.contains("Inzage Persoon"));
    assert_eq!(
        steer(serde_json::json!({"fase": "gesloten", "toelichting": ""})).await,
        422
    );
    assert_eq!(
        steer(serde_json::json!({"fase": "gesloten", "toelichting": "verhuisd"})).await,
        204
    );
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = d["historie"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["soort"].as_str().unwrap())
        .collect();
    for k in ["fase", "ave", "zvh", "inwoner", "deelname", "subject"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    assert_eq!(
        d["dossier"]["bewaren_tot"],
        today()
            .checked_add(jiff::Span::new().years(5))
            .unwrap()
            .to_string()
    );

    // Subject access export: drafted by the directing procesregisseur, released by a second
    // person (the municipality's fg), then the data across cases and who looked at it.
    let fg = person(&app, "fg@example.nl", "vijfheerenlanden", Role::Fg, None).await;
    let r = get(
        &app,
        &format!("/api/v1/dossiers/subjecten/{sid}/inzage"),
        &regie.token,
    )
    .await;
    assert_eq!(r.status(), 409, "nothing released yet");
    let r = post(
        &app,
        &format!("/api/v1/dossiers/subjecten/{sid}/inzage"),
        &regie.token,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let verzoek: serde_json::Value = r.json().await.unwrap();
    assert_eq!(verzoek["status"], "concept");
    assert!(verzoek["inhoud"].is_null(), "no content before release");
    let vid = verzoek["id"].as_str().unwrap().to_string();
    let r = post(
        &app,
        &format!("/api/v1/dossiers/inzageverzoeken/{vid}/vrijgeven"),
        &regie.token,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status(), 409, "not by the one who drafted it");
    let r = post(
        &app,
        &format!("/api/v1/dossiers/inzageverzoeken/{vid}/vrijgeven"),
        &fg.token,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status(), 204);
    let r = get(
        &app,
        &format!("/api/v1/dossiers/subjecten/{sid}/inzage"),
        &regie.token,
    )
    .await;
    assert_eq!(r.status(), 200);
    let released: serde_json::Value = r.json().await.unwrap();
    let inzage = &released["inhoud"];
    assert_eq!(inzage["subject"]["bsn"], "111222333");
    assert_eq!(
        inzage["dossiers"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["titel"] == "Voorval")
            .count(),
        1
    );
    let who: Vec<String> = inzage["toegang"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["actor_user_id"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        who.contains(&politie.id),
        "the partner's read is in the access list"
    );
    assert_eq!(
        get(
            &app,
            &format!("/api/v1/dossiers/subjecten/{sid}/inzage"),
            &politie.token
        )
        .await
        .status(),
        403
    );
    // The same as a page and a download.
    let mut b = Browser::new(&app);
    b.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    let page = b.get("/dossiers/inzage?q=inzage").await;
    assert!(page.body.contains(&format!("/dossiers/inzage/{sid}")));
    let page = b.get(&format!("/dossiers/inzage/verzoek/{vid}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Voorval") && page.body.contains("Wie heeft deze gegevens ingezien")
    );
    let page = b.get(&format!("/dossiers/inzage/{sid}/export.json")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("\"toegang\""));
    // Correction keeps the old value.
    let page = b
        .post(
            &format!("/dossiers/inzage/{sid}/correctie"),
            &[
                ("veld", "naam"),
                ("waarde", "Inzage Persoon-Jansen"),
                ("toelichting", ""),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    let page = b
        .post(
            &format!("/dossiers/inzage/{sid}/correctie"),
            &[
                ("veld", "naam"),
                ("waarde", "Inzage Persoon-Jansen"),
                ("toelichting", "Verzoek betrokkene art. 16"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    let r = post(
        &app,
        &format!("/api/v1/dossiers/subjecten/{sid}/inzage"),
        &fg.token,
        serde_json::json!({}),
    )
    .await;
    let vid = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = post(
        &app,
        &format!("/api/v1/dossiers/inzageverzoeken/{vid}/vrijgeven"),
        &regie.token,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status(), 204);
    let released: serde_json::Value = get(
        &app,
        &format!("/api/v1/dossiers/inzageverzoeken/{vid}"),
        &fg.token,
    )
    .await
    .json()
    .await
    .unwrap();
    let inzage = &released["inhoud"];
    assert_eq!(inzage["subject"]["naam"], "Inzage Persoon-Jansen");
    assert_eq!(inzage["correcties"][0]["oude_waarde"], "Inzage Persoon");

    // Legal hold keeps an expired case; lifting it lets the job destroy it.
    assert_eq!(
        steer(serde_json::json!({"soort": "legal-hold", "aan": true, "reden": "bezwaarprocedure"}))
            .await,
        204
    );
    let later = today().checked_add(jiff::Span::new().years(6)).unwrap();
    let done = ::dossiers::store::destroy_expired(&app.db, later, "test")
        .await
        .unwrap();
    assert!(done.is_empty());
    assert_eq!(
        steer(
            serde_json::json!({"soort": "legal-hold", "aan": false, "reden": "procedure afgerond"})
        )
        .await,
        204
    );
    let not_yet = ::dossiers::store::destroy_expired(&app.db, today(), "test")
        .await
        .unwrap();
    assert!(not_yet.is_empty(), "within the retention term nothing goes");
    let done = ::dossiers::store::destroy_expired(&app.db, later, "test")
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert!(done[0].items >= 1);
    for table in [
        "dossiers_dossier",
        "dossiers_item",
        "dossiers_subject",
        "dossiers_sleutel",
        "dossiers_deelname",
    ] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
        assert_eq!(n, 0, "{table} emptied");
    }
    let rec = app
        .audit_rows("action = 'delete' AND resource_type = 'dossier'")
        .await;
    assert_eq!(rec.len(), 1);
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
            .await
            .status(),
        404
    );
    platform::audit::verify(&app.db).await.unwrap();
}

#[tokio::test]
async fn a_meeting_shows_each_case_record_only_to_those_who_see_that_case() {
    let Pga {
        app,
        regie,
        politie,
        wonen,
        case,
        cov,
        ..
    } = pga().await;
    admit(&app, &regie.token, &case, "politie-lekpoort", &cov).await;
    let zorg = team_id(&app, "sociaal-domein").await;
    let second = new_case(&app, &regie.token, &zorg, "pga").await;
    let r = post(&app, "/api/v1/dossiers/overleggen", &regie.token, serde_json::json!({
        "soort": "pga", "titel": "PGA-overleg", "datum": day(0),
        "deelnemers": [app.org_id("politie-lekpoort").await, app.org_id("kleurrijk-wonen").await],
        "agenda": [case, second]
    })).await;
    assert_eq!(r.status(), 201);
    let oid = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // The participants' case workers are notified of the meeting (its date, not its title).
    let told = platform::notify::list(&app.db, &wonen.id, 10)
        .await
        .unwrap();
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].href, format!("/dossiers/overleggen/{oid}"));
    assert!(
        told[0].title.starts_with("Casusoverleg gepland op")
            && !told[0].title.contains("PGA-overleg")
    );
    let mut b = Browser::new(&app);
    b.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    let page = b
        .post(
            &format!("/dossiers/overleggen/{oid}/dossier/{case}"),
            &[
                ("categorie", "strafrechtelijk"),
                ("tekst", "Besproken: aanpak"),
                (
                    "besluiten",
                    "Politie legt huisbezoek af\nGemeente belt corporatie",
                ),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b
        .post(
            &format!("/dossiers/overleggen/{oid}/dossier/{second}"),
            &[
                ("categorie", "strafrechtelijk"),
                ("tekst", "Geheim tweede dossier"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    // The police take part in the first case only.
    let mut p = Browser::new(&app);
    p.login(&politie.email, PASSWORD, politie.secret.as_deref())
        .await;
    let page = p.get(&format!("/dossiers/overleggen/{oid}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Besproken: aanpak") && page.body.contains("Politie legt huisbezoek af")
    );
    assert!(!page.body.contains("Geheim tweede dossier"));
    // The corporation attends but takes part in neither case.
    let mut w = Browser::new(&app);
    w.login(&wonen.email, PASSWORD, wonen.secret.as_deref())
        .await;
    let page = w.get(&format!("/dossiers/overleggen/{oid}")).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Besproken") && !page.body.contains("Geheim"));
    // Decisions became tasks in the case.
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    let tasks: Vec<&str> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["soort"] == "taak")
        .map(|i| i["titel"].as_str().unwrap())
        .collect();
    assert!(
        tasks.contains(&"Politie legt huisbezoek af")
            && tasks.contains(&"Gemeente belt corporatie")
    );
}

// ---------------------------------------------------------------------------------------------
// The property test.

/// SplitMix64: a small deterministic generator, so a failing scenario can be replayed by seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn subset<T: Clone>(&mut self, items: &[T], percent: u64) -> Vec<T> {
        items
            .iter()
            .filter(|_| self.chance(percent))
            .cloned()
            .collect()
    }
}

const CATS: [&str; 6] = [
    "basisgegevens",
    "zorg-welzijn",
    "strafrechtelijk",
    "wonen",
    "onderwijs",
    "financien",
];
const TYPES: [&str; 4] = ["pga", "nazorg", "ondermijning", "jeugdgroep"];

struct Viewer {
    id: String,
    token: String,
    org: String,
    gemeente: String,
    /// Member of the directing team with a directing role.
    regie_team: Option<String>,
    /// May answer subject access requests: Some(None) for every case of the municipality,
    /// Some(Some(team)) for the cases of that team.
    inzage_team: Option<Option<String>>,
    /// Works in case files (a directing role of the municipality or a partner role).
    module: bool,
    roles: Vec<Role>,
    browser: Browser,
}

struct Cov {
    id: String,
    valid: bool,
    types: Vec<&'static str>,
    /// Per version (1, 2, …): (organisation, categories it may receive, whether only its named
    /// representatives see the cases).
    versions: Vec<Vec<(String, Vec<&'static str>, bool)>>,
    /// The named representatives: (organisation, account).
    reps: Vec<(String, String)>,
}

/// A participation drawn by the generator.
struct Part {
    org: String,
    cov: usize,
    /// The covenant version it was admitted under.
    version: usize,
    revoked: bool,
    /// Within its window and for a purpose of its own covenant version.
    ok: bool,
}

/// The rule, restated plainly: which categories `v` may see in a case. A participation counts
/// when it is not revoked, within its window, for a purpose of its covenant version, on a
/// covenant valid today that covers the case type, and its version names the organisation
/// (and, where that version limits the party to named representatives, `v` is one).
fn expected(
    v: &Viewer,
    zaaktype: &str,
    regie_team: &str,
    parts: &[Part],
    covs: &[Cov],
) -> Option<Vec<&'static str>> {
    if v.regie_team.as_deref() == Some(regie_team) {
        return None; // everything
    }
    if !(v.roles.contains(&Role::Ketenpartner) || v.roles.contains(&Role::Procesregisseur))
        || (v.roles.contains(&Role::Procesregisseur)
            && !v.roles.contains(&Role::Ketenpartner)
            && v.org != v.gemeente)
    {
        return Some(Vec::new());
    }
    let mut cats = Vec::new();
    for p in parts {
        let c = &covs[p.cov];
        if p.org != v.org || p.revoked || !p.ok || !c.valid || !c.types.contains(&zaaktype) {
            continue;
        }
        if let Some((_, r, named_only)) = c.versions[p.version - 1]
            .iter()
            .find(|(o, _, _)| *o == p.org)
        {
            if *named_only && !c.reps.iter().any(|(o, u)| *o == p.org && *u == v.id) {
                continue;
            }
            cats.extend(r.iter().copied());
        }
    }
    Some(cats)
}

/// The id of the (only) purpose of version `version` of covenant `id` in the property test.
fn doel_id(id: &str, version: usize) -> String {
    format!("{id}-v{version}-doel-1")
}

/// Several chunks of scenarios run at once on a multi-threaded runtime, each with its own users,
/// so the suite stays fast on both databases.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_user_ever_receives_an_entry_their_organisations_grant_does_not_cover() {
    let scenarios: usize = std::env::var("BAKEN_PROPERTY_SCENARIOS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let _ = tracing_subscriber::fmt()
        .with_env_filter("error")
        .try_init();
    let app = std::sync::Arc::new(spawn_app().await);
    let gemeente = app.org_id("vijfheerenlanden").await;
    let team_a = team_id(&app, "sociaal-domein").await;
    let team_b = team_id(&app, "integrale-veiligheid").await;
    let partner_slugs = [
        "politie-lekpoort",
        "ggd-regio-utrecht",
        "veilig-thuis",
        "kleurrijk-wonen",
        "openbaar-ministerie",
    ];
    let mut partners = Vec::new();
    for s in partner_slugs {
        partners.push(app.org_id(s).await);
    }
    const CHUNKS: usize = 4;
    let clock = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in 0..CHUNKS {
        let shared = Shared {
            app: app.clone(),
            gemeente: gemeente.clone(),
            team_a: team_a.clone(),
            team_b: team_b.clone(),
            partner_slugs: partner_slugs.to_vec(),
            partners: partners.clone(),
            clock: clock.clone(),
        };
        let n = scenarios / CHUNKS + usize::from(chunk < scenarios % CHUNKS);
        tasks.spawn(property_chunk(shared, chunk, n));
    }
    let (mut checked_items, mut hidden_items) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (c, h) = done.unwrap();
        checked_items += c;
        hidden_items += h;
    }
    // The generator must exercise both sides of the rule.
    assert!(
        hidden_items > checked_items / 10 && checked_items - hidden_items > checked_items / 10,
        "{hidden_items} hidden of {checked_items}"
    );
}

struct Shared {
    app: std::sync::Arc<App>,
    gemeente: String,
    team_a: String,
    team_b: String,
    partner_slugs: Vec<&'static str>,
    partners: Vec<String>,
    /// Orders the cases of all chunks by their last change.
    clock: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

/// Runs `scenarios` scenarios with this chunk's own users; returns (entries checked, hidden).
async fn property_chunk(sh: Shared, chunk: usize, scenarios: usize) -> (usize, usize) {
    let Shared {
        app,
        gemeente,
        team_a,
        team_b,
        partner_slugs,
        partners,
        clock,
    } = sh;
    // The viewers: two partner users in every partner organisation (first, in the order of
    // `partners`, then their colleagues in the same order), municipal staff of every role inside and outside the directing teams, and
    // accounts with several roles (a directing role with a partner role, or held by an account
    // of a partner organisation).
    let mut viewers = Vec::new();
    let g = "vijfheerenlanden".to_string();
    let mut specs: Vec<(String, String, Vec<Role>, Option<String>)> = ["kp", "kp-collega"]
        .iter()
        .flat_map(|prefix| {
            partner_slugs.iter().map(move |s| {
                (
                    format!("{prefix}{chunk}-{s}@example.nl"),
                    s.to_string(),
                    vec![Role::Ketenpartner],
                    None,
                )
            })
        })
        .collect();
    let mut add = |name: &str, org: &str, roles: Vec<Role>, team: Option<&String>| {
        specs.push((
            format!("{name}{chunk}@example.nl"),
            org.to_string(),
            roles,
            team.cloned(),
        ));
    };
    add("regie-a", &g, vec![Role::Procesregisseur], Some(&team_a));
    add("regie-b", &g, vec![Role::Procesregisseur], Some(&team_b));
    add("adviseur-a", &g, vec![Role::AdviseurIv], Some(&team_a));
    add("handhaver-a", &g, vec![Role::Handhaver], Some(&team_a));
    add("beheerder", &g, vec![Role::Beheerder], None);
    add("jurist-a", &g, vec![Role::Jurist], Some(&team_a));
    add("burgemeester", &g, vec![Role::Burgemeester], None);
    add("auditor", &g, vec![Role::Auditor], None);
    add("raadslid", &g, vec![Role::Raadslid], None);
    add("fg", &g, vec![Role::Fg], None);
    add(
        "regie-jurist-b",
        &g,
        vec![Role::Procesregisseur, Role::Jurist],
        Some(&team_b),
    );
    add(
        "beheer-jurist",
        &g,
        vec![Role::Beheerder, Role::Jurist],
        Some(&team_a),
    );
    add(
        "regie-kp-a",
        &g,
        vec![Role::Procesregisseur, Role::Ketenpartner],
        Some(&team_a),
    );
    add(
        "politie-regie",
        "politie-lekpoort",
        vec![Role::Procesregisseur],
        None,
    );
    add(
        "politie-jurist-kp",
        "politie-lekpoort",
        vec![Role::Ketenpartner, Role::Jurist, Role::Fg],
        None,
    );
    for (email, org, roles, team) in specs {
        let p = person(&app, &email, &org, roles[0], team.as_deref()).await;
        for extra in &roles[1..] {
            sqlx::query("INSERT INTO user_roles (user_id, role, granted_by, granted_at) VALUES ($1, $2, NULL, 0)")
                .bind(&p.id)
                .bind(extra.slug())
                .execute(app.db.pool())
                .await
                .unwrap();
        }
        let mut browser = Browser::new(&app);
        let page = browser.login(&email, PASSWORD, p.secret.as_deref()).await;
        assert_eq!(page.status, 303, "login {email}");
        let gemeentelijk = org == g;
        let regie_rol = roles
            .iter()
            .any(|r| matches!(r, Role::Procesregisseur | Role::AdviseurIv))
            && !roles.contains(&Role::Ketenpartner)
            && gemeentelijk;
        viewers.push(Viewer {
            org: app.org_id(&org).await,
            gemeente: gemeente.clone(),
            regie_team: team.clone().filter(|_| regie_rol),
            // Who answers a subject access request for a case: the municipality's fg for every
            // case, a procesregisseur (no partner role) for the cases of their team.
            inzage_team: if gemeentelijk && !roles.contains(&Role::Ketenpartner) {
                if roles.contains(&Role::Fg) {
                    Some(None)
                } else if roles.contains(&Role::Procesregisseur) {
                    team.clone().map(Some)
                } else {
                    None
                }
            } else {
                None
            },
            module: regie_rol || roles.contains(&Role::Ketenpartner),
            id: p.id,
            token: p.token,
            roles,
            browser,
        });
    }
    let mut rng = Rng(0x0BAC_E5EE_D000_0001 ^ (chunk as u64) << 32);
    let mut checked_items = 0usize;
    let mut hidden_items = 0usize;
    for n in 0..scenarios {
        // Covenants with random parties, grants, validity and case types.
        let mut covs = Vec::new();
        let mut tx = app.db.begin().await.unwrap();
        for _ in 0..(1 + rng.below(3)) {
            let id = platform::db::new_id();
            let (van, tot, valid) = match rng.below(8) {
                0 => (day(-400), day(-1), false),
                1 => (day(1), day(400), false),
                _ => (
                    day(-10 - rng.below(300) as i64),
                    day(rng.below(300) as i64),
                    true,
                ),
            };
            let revoked = rng.chance(10);
            let types = rng.subset(&TYPES, 75);
            // One version mostly, sometimes two (changed terms: other parties, categories,
            // purposes, representatives rules).
            let n_versions = if rng.chance(35) { 2 } else { 1 };
            sqlx::query("INSERT INTO dossiers_convenant (id, naam, doelen, zaaktypen, geldig_van, geldig_tot, ingetrokken_at, versie, created_by, created_at) VALUES ($1, 'c', '', $2, $3, $4, $5, $6, 'test', 0)")
                .bind(&id).bind(types.join(",")).bind(&van).bind(&tot).bind(revoked.then_some(1i64)).bind(n_versions as i64)
                .execute(&mut *tx.conn().unwrap()).await.unwrap();
            let mut versions = Vec::new();
            for version in 1..=n_versions {
                sqlx::query("INSERT INTO dossiers_convenant_versie (convenant_id, versie, partijen_zien_elkaar, toelichting, created_by, created_at) VALUES ($1, $2, 0, '', 'test', 0)")
                    .bind(&id).bind(version as i64)
                    .execute(&mut *tx.conn().unwrap()).await.unwrap();
                sqlx::query("INSERT INTO dossiers_convenant_doel (id, convenant_id, versie, omschrijving, positie) VALUES ($1, $2, $3, 'doel', 0)")
                    .bind(doel_id(&id, version)).bind(&id).bind(version as i64)
                    .execute(&mut *tx.conn().unwrap()).await.unwrap();
                let mut parties = Vec::new();
                for org in rng.subset(&partners, 60) {
                    let r = rng.subset(&CATS, 50);
                    let p = rng.subset(&CATS, 40);
                    let named_only = rng.chance(30);
                    sqlx::query("INSERT INTO dossiers_convenant_partij (convenant_id, versie, organisation_id, ontvangen, verstrekken, alleen_vertegenwoordigers) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(&id).bind(version as i64).bind(&org).bind(r.join(",")).bind(p.join(",")).bind(i64::from(named_only))
                        .execute(&mut *tx.conn().unwrap()).await.unwrap();
                    parties.push((org, r, named_only));
                }
                versions.push(parties);
            }
            // Named representatives (of parties in any version): each of the organisation's
            // two partner accounts named or not.
            let mut reps = Vec::new();
            for (pi, org) in partners.iter().enumerate() {
                if !versions.iter().flatten().any(|(o, _, _)| o == org) {
                    continue;
                }
                for account in [pi, pi + partners.len()] {
                    if rng.chance(50) {
                        let user = viewers[account].id.clone();
                        sqlx::query("INSERT INTO dossiers_convenant_vertegenwoordiger (convenant_id, organisation_id, user_id, email, created_by, created_at) VALUES ($1, $2, $3, 'x@example.nl', 'test', 0)")
                            .bind(&id).bind(org).bind(&user)
                            .execute(&mut *tx.conn().unwrap()).await.unwrap();
                        reps.push((org.clone(), user));
                    }
                }
            }
            covs.push(Cov {
                id,
                valid: valid && !revoked,
                types,
                versions,
                reps,
            });
        }
        // One case, participations (also stale ones: on covenants that lapsed or that do not
        // name the organisation), entries in random categories.
        let case = platform::db::new_id();
        let zaaktype = TYPES[rng.below(TYPES.len())];
        let regie_team = if rng.chance(50) { &team_a } else { &team_b };
        sqlx::query("INSERT INTO dossiers_dossier (id, nummer, zaaktype, titel, regie_organisation_id, regie_team_id, herkomst, fase, ave_fase, inwoner, legal_hold, created_by, created_at, updated_at) VALUES ($1, $2, $3, 't', $4, $5, 'team', 'intake', 1, 'niet-uitgenodigd', 0, 'test', $6, $6)")
            .bind(&case).bind(format!("P-{chunk}-{n}")).bind(zaaktype).bind(&gemeente).bind(regie_team).bind(platform::db::now_ms() + clock.fetch_add(1, std::sync::atomic::Ordering::SeqCst) * 1000)
            .execute(&mut *tx.conn().unwrap()).await.unwrap();
        let mut parts: Vec<Part> = Vec::new();
        for _ in 0..rng.below(5) {
            let ci = rng.below(covs.len());
            // Mostly under the covenant's current version, sometimes under an older one.
            let version = 1 + rng.below(covs[ci].versions.len());
            // Mostly a party to that version, sometimes not (a stale or wrong participation).
            let parties = &covs[ci].versions[version - 1];
            let org = if !parties.is_empty() && rng.chance(70) {
                parties[rng.below(parties.len())].0.clone()
            } else {
                partners[rng.below(partners.len())].clone()
            };
            let revoked = rng.chance(20);
            if !revoked && parts.iter().any(|p| p.org == org && !p.revoked) {
                continue; // one active participation per organisation and case
            }
            // The participation's own window (mostly open, sometimes ended or not yet begun)
            // and its purpose (mostly one of its covenant version's, sometimes another's).
            let (van, tot, in_window) = match rng.below(10) {
                0 => (Some(day(-30)), Some(day(-1)), false),
                1 => (Some(day(1)), None, false),
                2 => (Some(day(-3)), Some(day(0)), true),
                3 => (Some(day(0)), Some(day(30)), true),
                _ => (None, None, true),
            };
            let (doel, doel_ok) = if rng.chance(90) {
                (doel_id(&covs[ci].id, version), true)
            } else {
                let other = rng.below(covs.len());
                let other_version = 1 + rng.below(covs[other].versions.len());
                (
                    doel_id(&covs[other].id, other_version),
                    other == ci && other_version == version,
                )
            };
            sqlx::query("INSERT INTO dossiers_deelname (id, dossier_id, organisation_id, convenant_id, convenant_versie, zaaktype, doel, doel_id, geldig_van, geldig_tot, gestart_at, gestart_door, ingetrokken_at) VALUES ($1, $2, $3, $4, $5, $6, 'd', $7, $8, $9, 0, 'test', $10)")
                .bind(platform::db::new_id()).bind(&case).bind(&org).bind(&covs[ci].id).bind(version as i64).bind(zaaktype).bind(&doel).bind(van).bind(tot).bind(revoked.then_some(1i64))
                .execute(&mut *tx.conn().unwrap()).await.unwrap();
            parts.push(Part {
                org,
                cov: ci,
                version,
                revoked,
                ok: in_window && doel_ok,
            });
        }
        let mut items = Vec::new();
        for k in 0..(1 + rng.below(6)) {
            let id = platform::db::new_id();
            let cat = CATS[rng.below(CATS.len())];
            let titel = format!("e{n}x{k}q");
            sqlx::query("INSERT INTO dossiers_item (id, dossier_id, soort, categorie, titel, tekst, created_by, created_by_name, created_by_organisation_id, created_at) VALUES ($1, $2, 'notitie', $3, $4, '', 'test', 'test', $5, 0)")
                .bind(&id).bind(&case).bind(cat).bind(&titel).bind(&gemeente)
                .execute(&mut *tx.conn().unwrap()).await.unwrap();
            items.push((id, cat, titel));
        }
        // A person in the case, and a meeting of the municipality and some partners with the
        // case on its agenda.
        let subject = platform::db::new_id();
        let naam = format!("zz{chunk}q{n}w");
        sqlx::query("INSERT INTO dossiers_subject (id, soort, naam, created_at, updated_at) VALUES ($1, 'persoon', $2, 0, 0)")
            .bind(&subject).bind(&naam)
            .execute(&mut *tx.conn().unwrap()).await.unwrap();
        sqlx::query("INSERT INTO dossiers_dossier_subject (dossier_id, subject_id, rol) VALUES ($1, $2, 'betrokkene')")
            .bind(&case).bind(&subject)
            .execute(&mut *tx.conn().unwrap()).await.unwrap();
        let overleg = platform::db::new_id();
        sqlx::query("INSERT INTO dossiers_overleg (id, organisation_id, soort, titel, datum, created_by, created_at) VALUES ($1, $2, 'pga', 'o', '2026-01-01', 'test', 0)")
            .bind(&overleg).bind(&gemeente)
            .execute(&mut *tx.conn().unwrap()).await.unwrap();
        let mut meeting_orgs = rng.subset(&partners, 50);
        meeting_orgs.push(gemeente.clone());
        for o in &meeting_orgs {
            sqlx::query("INSERT INTO dossiers_overleg_deelnemer (overleg_id, organisation_id) VALUES ($1, $2)")
                .bind(&overleg).bind(o)
                .execute(&mut *tx.conn().unwrap()).await.unwrap();
        }
        sqlx::query(
            "INSERT INTO dossiers_agendapunt (overleg_id, dossier_id, positie) VALUES ($1, $2, 0)",
        )
        .bind(&overleg)
        .bind(&case)
        .execute(&mut *tx.conn().unwrap())
        .await
        .unwrap();
        tx.commit().await.unwrap();

        // Half the time a user of a participating organisation, so both sides of the rule
        // are exercised; the partner viewers come first, in the order of `partners`.
        let vi = if !parts.is_empty() && rng.chance(50) {
            let org = &parts[rng.below(parts.len())].org;
            let first = partners.iter().position(|p| p == org).unwrap();
            // The organisation's first account or its colleague.
            if rng.chance(50) {
                first
            } else {
                first + partners.len()
            }
        } else {
            rng.below(viewers.len())
        };
        let v = &mut viewers[vi];
        let want = expected(v, zaaktype, regie_team, &parts, &covs);
        let visible: Vec<&(String, &str, String)> = items
            .iter()
            .filter(|(_, c, _)| want.as_ref().is_none_or(|cats| cats.contains(c)))
            .collect();
        let may_open = want.as_ref().is_none_or(|c| !c.is_empty());
        let ctx = format!(
            "scenario {n}: viewer {:?} in {}, zaaktype {zaaktype}, want {want:?}",
            v.roles, v.org
        );

        // API detail.
        let r = get(&app, &format!("/api/v1/dossiers/{case}"), &v.token).await;
        if may_open {
            assert_eq!(r.status(), 200, "{ctx}");
            let d: serde_json::Value = r.json().await.unwrap();
            let mut got: Vec<String> = d["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_string())
                .collect();
            got.sort();
            let mut exp: Vec<String> = visible.iter().map(|(id, _, _)| id.clone()).collect();
            exp.sort();
            assert_eq!(got, exp, "{ctx}");
        } else {
            assert_eq!(r.status(), 403, "{ctx}");
        }
        // API list: the newest case is on the first page exactly when it may be opened.
        let r = get(&app, "/api/v1/dossiers", &v.token).await;
        let listed = if r.status() == 403 {
            false
        } else {
            let status = r.status();
            let list: serde_json::Value = r.json().await.unwrap();
            assert_eq!(status, 200, "list: {list}, {ctx}");
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["id"] == case.as_str())
        };
        assert_eq!(listed, may_open, "list, {ctx}");
        // The HTML page.
        let page = v.browser.get(&format!("/dossiers/{case}")).await;
        if may_open {
            assert_eq!(page.status, 200, "{ctx}");
        } else {
            assert_eq!(page.status, 403, "{ctx}");
        }
        for (_, _, titel) in &items {
            let shown = page.body.contains(titel.as_str());
            let allowed = visible.iter().any(|(_, _, t)| t == titel);
            assert!(!shown || allowed, "HTML leaked {titel}, {ctx}");
            assert_eq!(shown, allowed, "HTML {titel}, {ctx}");
        }
        // Every entry read left an audit record for this reader: once through the API, once
        // through the page.
        for (id, _, _) in &visible {
            let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE resource_type = 'dossier-item' AND resource_id = $1 AND actor_user_id = $2 AND outcome = 'allowed'")
                .bind(id).bind(&v.id).fetch_one(app.db.pool()).await.unwrap().try_get("n").unwrap();
            assert_eq!(n, 2, "audit of {id}, {ctx}");
        }
        // The subject search finds the person exactly for those who may answer a subject
        // access request for the case; others are refused.
        let may_answer = match &v.inzage_team {
            Some(None) => true,
            Some(Some(t)) => t == regie_team,
            None => false,
        };
        let r = get(
            &app,
            &format!("/api/v1/dossiers/subjecten?q={naam}"),
            &v.token,
        )
        .await;
        if v.inzage_team.is_some() {
            assert_eq!(r.status(), 200, "search, {ctx}");
            let hits: serde_json::Value = r.json().await.unwrap();
            let found = hits
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["id"] == subject.as_str());
            assert_eq!(found, may_answer, "search, {ctx}");
        } else {
            assert_eq!(r.status(), 403, "search, {ctx}");
        }
        // The meeting: for case workers of a participating organisation, its agenda naming the
        // case exactly when they may open it.
        let r = get(
            &app,
            &format!("/api/v1/dossiers/overleggen/{overleg}"),
            &v.token,
        )
        .await;
        if v.module && meeting_orgs.contains(&v.org) {
            assert_eq!(r.status(), 200, "meeting, {ctx}");
            let o: serde_json::Value = r.json().await.unwrap();
            let named = o["agenda"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d == case.as_str());
            assert_eq!(named, may_open, "meeting agenda, {ctx}");
        } else {
            assert_eq!(r.status(), 403, "meeting, {ctx}");
        }
        // The subject access export (drafted in one scenario of twenty: each is encrypted).
        if n % 20 == 0 {
            let r = post(
                &app,
                &format!("/api/v1/dossiers/subjecten/{subject}/inzage"),
                &v.token,
                serde_json::json!({}),
            )
            .await;
            assert_eq!(
                r.status(),
                if may_answer { 201 } else { 403 },
                "export, {ctx}"
            );
        }
        checked_items += items.len();
        hidden_items += items.len() - visible.len();
        // Retire this scenario's covenants, so later scenarios are not slowed by thousands of
        // valid ones (a real municipality has a handful).
        for c in &covs {
            // Through the writers' queue: a bare pool write waits in SQLite's busy handler
            // while the other chunks' writers keep taking the lock.
            app.db
                .execute(
                    sqlx::query("UPDATE dossiers_convenant SET ingetrokken_at = 1 WHERE id = $1")
                        .bind(&c.id),
                )
                .await
                .unwrap();
        }
    }
    (checked_items, hidden_items)
}

/// A case file made from a melding links to it: the melding shows the dossier's number only
/// (its page checks access), the directing team sees where the case came from, and a number
/// that names no melding is an error next to the field.
#[tokio::test]
async fn a_case_made_from_a_melding_links_both_ways() {
    let app = spawn_app().await;
    ::meldingen::seed_demo(&app.db).await.unwrap();
    let zorg = team_id(&app, "sociaal-domein").await;
    let regie = person(
        &app,
        "regie@example.nl",
        "vijfheerenlanden",
        Role::Procesregisseur,
        Some(&zorg),
    )
    .await;
    let body = |melding: &str| serde_json::json!({"zaaktype": "pga", "titel": "Casus uit een melding", "regie_team_id": zorg, "melding": melding});
    let r = post(&app, "/api/v1/dossiers", &regie.token, body("M-99999")).await;
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["errors"][0]["field"], "melding", "{v}");
    let cases: i64 = sqlx::query("SELECT COUNT(*) AS n FROM dossiers_dossier")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(cases, 0, "nothing half-made");
    let r = post(&app, "/api/v1/dossiers", &regie.token, body("M-1")).await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    let case = v["dossier"]["id"].as_str().unwrap().to_string();
    let nummer = v["dossier"]["nummer"].as_str().unwrap().to_string();
    assert_eq!(v["dossier"]["herkomst"], "melding");
    let melding: String = sqlx::query("SELECT id FROM melding WHERE nummer = 1")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .get("id");
    let detail: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["meldingen"][0]["id"], melding.as_str(), "{detail}");
    assert_eq!(detail["meldingen"][0]["nummer"], 1);
    // An IV adviser in the directing team sees the case number on the melding; colleagues who
    // work meldingen but cannot open the case see nothing of it (its existence is protected).
    let iv = person(
        &app,
        "iv@example.nl",
        "vijfheerenlanden",
        Role::AdviseurIv,
        Some(&zorg),
    )
    .await;
    let mut b = Browser::new(&app);
    b.login(&iv.email, PASSWORD, iv.secret.as_deref()).await;
    let page = b.get(&format!("/meldingen/{melding}")).await;
    assert!(
        page.body
            .contains(&format!("href=\"/dossiers/{case}\">Dossier {nummer}</a>")),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Casus uit een melding"),
        "no title leaks"
    );
    for (email, role) in [
        ("iv2@example.nl", Role::AdviseurIv),
        ("hh@example.nl", Role::Handhaver),
        ("beheer@example.nl", Role::Beheerder),
    ] {
        let mut other = app.browser_as(email, "vijfheerenlanden", role).await;
        let page = other.get(&format!("/meldingen/{melding}")).await;
        assert_eq!(page.status, 200, "{role:?} works meldingen");
        assert!(
            !page.body.contains(&nummer) && !page.body.contains(&format!("/dossiers/{case}")),
            "{role:?} outside the directing team sees no case file"
        );
    }
    // Nor does the melding's API name it.
    let hh = identity::user_id_by_email(&app.db, "hh@example.nl")
        .await
        .unwrap();
    let token = token_for(&app, &hh).await;
    let body = get(&app, &format!("/api/v1/meldingen/{melding}"), &token)
        .await
        .text()
        .await
        .unwrap();
    assert!(!body.contains(&nummer) && !body.contains(&case), "{body}");
}

/// Adds `roles` to an account directly in the table, as an account could hold them from before
/// the roles were bound to organisations.
async fn grant_raw(app: &App, user_id: &str, roles: &[Role]) {
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role, granted_by, granted_at) VALUES ($1, $2, NULL, 0) ON CONFLICT DO NOTHING")
            .bind(user_id)
            .bind(r.slug())
            .execute(app.db.pool())
            .await
            .unwrap();
    }
}

async fn denied(app: &App, user_id: &str, resource_type: &str) -> usize {
    app.audit_rows(&format!(
        "actor_user_id = '{user_id}' AND outcome = 'denied' AND resource_type = '{resource_type}'"
    ))
    .await
    .len()
}

/// The subject access export: only the directing team's procesregisseur and the municipality's
/// fg; drafted, then released by a second person; a read recorded per entry; the other members
/// of a group left out; purposes, recipients, retention and sources stated.
#[tokio::test]
async fn the_subject_access_export_is_for_the_directing_procesregisseur_and_the_fg_only() {
    let Pga {
        app,
        admin,
        regie,
        politie,
        case,
        cov,
        ..
    } = pga().await;
    admit(&app, &regie.token, &case, "politie-lekpoort", &cov).await;
    let subject = |naam: &'static str| {
        let app = &app;
        let token = regie.token.clone();
        let case = case.clone();
        async move {
            let r = post(
                app,
                &format!("/api/v1/dossiers/{case}/subjecten"),
                &token,
                serde_json::json!({"soort": "persoon", "naam": naam}),
            )
            .await;
            assert_eq!(r.status(), 201);
            r.json::<serde_json::Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let anna = subject("Anna Groepslid").await;
    let bert = subject("Bert Groepslid").await;
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/subjecten"),
        &regie.token,
        serde_json::json!({"soort": "groep", "naam": "Groep Lingedijk", "leden": [anna, bert]}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let about = |who: Option<&str>, titel: &str| serde_json::json!({"soort": "notitie", "categorie": "strafrechtelijk", "titel": titel, "betreft": who});
    for (who, titel) in [
        (Some(anna.as_str()), "Over Anna"),
        (Some(bert.as_str()), "Over Bert"),
        (None, "Over de groep"),
    ] {
        let r = post(
            &app,
            &format!("/api/v1/dossiers/{case}/items"),
            &regie.token,
            about(who, titel),
        )
        .await;
        assert_eq!(r.status(), 201);
    }
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/items"),
        &regie.token,
        about(Some("geen-betrokkene"), "x"),
    )
    .await;
    assert_eq!(r.status(), 422, "an entry is about a subject of the case");

    // Who may not: another team's procesregisseur, a partner (also a police account holding
    // procesregisseur and jurist), an administrator, the mayor, a council member, an auditor.
    let iv = team_id(&app, "integrale-veiligheid").await;
    let other_team = person(
        &app,
        "regie-iv@example.nl",
        "vijfheerenlanden",
        Role::Procesregisseur,
        Some(&iv),
    )
    .await;
    grant_raw(
        &app,
        &politie.id,
        &[Role::Procesregisseur, Role::Jurist, Role::Fg],
    )
    .await;
    let politie_token = token_for(&app, &politie.id).await;
    let mut refused = vec![
        (other_team.id.clone(), other_team.token.clone()),
        (politie.id.clone(), politie_token),
        (admin.id.clone(), admin.token.clone()),
    ];
    for (email, role) in [
        ("bm@example.nl", Role::Burgemeester),
        ("raad@example.nl", Role::Raadslid),
        ("audit@example.nl", Role::Auditor),
        ("jurist@example.nl", Role::Jurist),
    ] {
        let p = person(&app, email, "vijfheerenlanden", role, None).await;
        refused.push((p.id, p.token));
    }
    for (id, token) in &refused {
        let before = denied(&app, id, "dossier-subject").await;
        for r in [
            get(
                &app,
                &format!("/api/v1/dossiers/subjecten/{anna}/inzage"),
                token,
            )
            .await,
            post(
                &app,
                &format!("/api/v1/dossiers/subjecten/{anna}/inzage"),
                token,
                serde_json::json!({}),
            )
            .await,
        ] {
            assert_eq!(r.status(), 403, "{id}");
        }
        assert_eq!(
            denied(&app, id, "dossier-subject").await,
            before + 2,
            "each refusal is audited"
        );
        let r = get(&app, "/api/v1/dossiers/subjecten?q=groepslid", token).await;
        if *id == other_team.id {
            // A procesregisseur may search, but finds only subjects of their team's cases.
            assert_eq!(r.status(), 200);
            assert_eq!(
                r.json::<serde_json::Value>().await.unwrap(),
                serde_json::json!([])
            );
        } else {
            assert_eq!(r.status(), 403, "no subject search either");
        }
    }
    // The pages refuse them too.
    let mut pb = Browser::new(&app);
    pb.login(&other_team.email, PASSWORD, other_team.secret.as_deref())
        .await;
    assert_eq!(
        pb.get(&format!("/dossiers/inzage/{anna}")).await.status,
        403
    );
    let page = pb.get("/dossiers/inzage?q=groepslid").await;
    assert_eq!(
        page.status, 200,
        "another team's procesregisseur may search…"
    );
    assert!(
        !page.body.contains("Anna Groepslid"),
        "…but finds nobody of a case they cannot answer for"
    );
    let mut ab = Browser::new(&app);
    ab.login(&admin.email, PASSWORD, admin.secret.as_deref())
        .await;
    assert_eq!(ab.get("/dossiers/inzage?q=groepslid").await.status, 403);
    assert_eq!(
        ab.get(&format!("/dossiers/inzage/{anna}/export.json"))
            .await
            .status,
        403
    );

    // The directing procesregisseur drafts; the content is not downloadable before release.
    let r = post(
        &app,
        &format!("/api/v1/dossiers/subjecten/{anna}/inzage"),
        &regie.token,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    let vid = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["status"], "concept");
    assert_eq!(v["grond"], "regie");
    assert!(v["inhoud"].is_null());
    let reads = app
        .audit_rows(&format!(
            "resource_type = 'dossier-item' AND actor_user_id = '{}' AND subject_id = 'dossier:{case}'",
            regie.id
        ))
        .await;
    assert!(!reads.is_empty(), "a read is recorded per entry");
    let mut rb = Browser::new(&app);
    rb.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    let page = rb
        .get(&format!("/dossiers/inzage/verzoek/{vid}/export.json"))
        .await;
    assert_eq!(page.status, 409, "a concept is not downloadable");
    let page = rb.get(&format!("/dossiers/inzage/verzoek/{vid}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("een ander geeft haar vrij"));
    let r = post(
        &app,
        &format!("/api/v1/dossiers/inzageverzoeken/{vid}/vrijgeven"),
        &regie.token,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status(), 409);
    // Another team's procesregisseur cannot review or release it either.
    let r = post(
        &app,
        &format!("/api/v1/dossiers/inzageverzoeken/{vid}/vrijgeven"),
        &other_team.token,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status(), 403);
    // The fg reviews it on screen and releases it (a second person).
    let fg = person(&app, "fg@example.nl", "vijfheerenlanden", Role::Fg, None).await;
    let mut fb = Browser::new(&app);
    fb.login(&fg.email, PASSWORD, fg.secret.as_deref()).await;
    let page = fb.get("/dossiers/inzage?q=groepslid").await;
    assert!(
        page.body.contains("Anna Groepslid"),
        "the fg finds the municipality's subjects"
    );
    let page = fb.get(&format!("/dossiers/inzage/verzoek/{vid}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Over Anna") && !page.body.contains("Over Bert"));
    let page = fb
        .post(&format!("/dossiers/inzage/verzoek/{vid}/vrijgeven"), &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = fb
        .get(&format!("/dossiers/inzage/verzoek/{vid}/export.json"))
        .await;
    assert_eq!(page.status, 200);
    let r = get(
        &app,
        &format!("/api/v1/dossiers/subjecten/{anna}/inzage"),
        &regie.token,
    )
    .await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["status"], "vrijgegeven");
    let i = &v["inhoud"];
    let d = &i["dossiers"][0];
    let titels: Vec<&str> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["titel"].as_str().unwrap())
        .collect();
    assert!(titels.contains(&"Over Anna") && titels.contains(&"Over de groep"));
    assert!(
        !titels.contains(&"Over Bert"),
        "another member's entry is left out"
    );
    let text = i.to_string();
    assert!(!text.contains("Bert Groepslid"), "no other member's name");
    assert!(!text.contains(&bert), "nor their id");
    assert!(i["subject"]["leden"].as_array().unwrap().is_empty());
    // AVG art. 15 lid 1: purposes, recipients, retention, sources.
    assert!(d["doelen"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x.as_str().unwrap().contains("PGA")));
    assert!(d["ontvangers"][0]["organisatie"]
        .as_str()
        .unwrap()
        .contains("Politie"));
    assert!(d["bewaartermijn"].as_str().unwrap().contains("5 jaar"));
    assert!(!d["bronnen"].as_array().unwrap().is_empty());
    assert!(d["betrokkenheid"]
        .as_str()
        .unwrap()
        .contains("Groep Lingedijk"));
    assert!(i["meldingen_en_maatregelen"]
        .as_str()
        .unwrap()
        .contains("niet op naam"));
    platform::audit::verify(&app.db).await.unwrap();
}

/// Meetings: a role gate through the engine (refusals audited), the read audited, the agenda
/// naming only cases the viewer may open, and reads recorded only of the entries shown.
#[tokio::test]
async fn meetings_are_for_case_workers_of_participants_and_name_only_openable_cases() {
    let Pga {
        app,
        admin,
        regie,
        politie,
        ggd,
        case,
        cov,
        ..
    } = pga().await;
    admit(&app, &regie.token, &case, "politie-lekpoort", &cov).await;
    let zorg = team_id(&app, "sociaal-domein").await;
    let hidden = new_case(&app, &regie.token, &zorg, "pga").await;
    for (c, t) in [(&case, "Los van het overleg"), (&hidden, "Geheim")] {
        item(&app, &regie.token, c, "strafrechtelijk", t).await;
    }
    let r = post(
        &app,
        "/api/v1/dossiers/overleggen",
        &regie.token,
        serde_json::json!({
            "soort": "pga", "titel": "PGA-overleg", "datum": day(0),
            "deelnemers": [app.org_id("politie-lekpoort").await],
            "agenda": [case, hidden]
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let oid = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut b = Browser::new(&app);
    b.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    let page = b
        .post(
            &format!("/dossiers/overleggen/{oid}/dossier/{case}"),
            &[("categorie", "strafrechtelijk"), ("tekst", "Besproken")],
        )
        .await;
    assert_eq!(page.status, 303);
    // The police see the meeting with their case only.
    let r = get(
        &app,
        &format!("/api/v1/dossiers/overleggen/{oid}"),
        &politie.token,
    )
    .await;
    assert_eq!(r.status(), 200);
    let o: serde_json::Value = r.json().await.unwrap();
    assert_eq!(o["agenda"], serde_json::json!([case]));
    let n = app
        .audit_rows(&format!(
            "actor_user_id = '{}' AND resource_type = 'dossier-overleg' AND outcome = 'allowed'",
            politie.id
        ))
        .await;
    assert_eq!(n.len(), 1, "the read is audited");
    let mut pb = Browser::new(&app);
    pb.login(&politie.email, PASSWORD, politie.secret.as_deref())
        .await;
    let page = pb.get(&format!("/dossiers/overleggen/{oid}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Besproken"));
    assert!(!page.body.contains(&hidden) && !page.body.contains("Geheim"));
    // Reads only of the entries shown: the meeting record, not the case's other entries.
    let reads: Vec<String> = app
        .audit_rows(&format!(
            "actor_user_id = '{}' AND resource_type = 'dossier-item'",
            politie.id
        ))
        .await
        .iter()
        .map(|r| r.try_get::<String, _>("resource_id").unwrap())
        .collect();
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    let verslag: Vec<String> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["soort"] == "verslag")
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reads, verslag, "only the meeting's entries were read");
    // A partner that does not attend, and roles that do not work in cases: 403, audited.
    let raad = person(
        &app,
        "raad@example.nl",
        "vijfheerenlanden",
        Role::Raadslid,
        None,
    )
    .await;
    let auditor = person(
        &app,
        "audit@example.nl",
        "vijfheerenlanden",
        Role::Auditor,
        None,
    )
    .await;
    for (id, token) in [
        (&ggd.id, &ggd.token),
        (&raad.id, &raad.token),
        (&admin.id, &admin.token),
        (&auditor.id, &auditor.token),
    ] {
        let r = get(&app, &format!("/api/v1/dossiers/overleggen/{oid}"), token).await;
        assert_eq!(r.status(), 403, "{id}");
        assert_eq!(denied(&app, id, "dossier-overleg").await, 1, "{id}");
    }
    for token in [&raad.token, &admin.token, &auditor.token] {
        assert_eq!(
            get(&app, "/api/v1/dossiers/overleggen", token)
                .await
                .status(),
            403
        );
    }
    assert_eq!(
        get(&app, "/api/v1/dossiers/overleggen/onbekend", &politie.token)
            .await
            .status(),
        404
    );
}

/// A partner sees the directing team and its own participation; other partners only where the
/// covenant says the parties see each other.
#[tokio::test]
async fn partners_see_each_other_only_where_the_covenant_says_so() {
    let Pga {
        app,
        admin,
        regie,
        politie,
        ggd,
        case,
        cov,
        ..
    } = pga().await;
    for org in ["politie-lekpoort", "ggd-regio-utrecht"] {
        assert_eq!(
            admit(&app, &regie.token, &case, org, &cov).await.status(),
            201
        );
    }
    // A police entry in a category the GGD also receives shows no police name to the GGD.
    let r = post(
        &app,
        "/api/v1/dossiers/convenanten",
        &admin.token,
        serde_json::json!({
            "naam": "Open convenant", "doelen": ["Samen zorgen", "Samen handhaven"], "zaaktypen": ["pga"],
            "geldig_van": day(-1), "geldig_tot": day(100), "partijen_zien_elkaar": true,
            "partijen": [
                {"organisation_id": app.org_id("politie-lekpoort").await, "ontvangen": ["basisgegevens"], "verstrekken": ["basisgegevens"], "grondslag": "art. 20 Wpg"},
                {"organisation_id": app.org_id("veilig-thuis").await, "ontvangen": ["basisgegevens", "bijzonder"], "verstrekken": ["basisgegevens"], "grondslagen": {"bijzonder": "art. 9 lid 2 sub g AVG"}}
            ]
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    item(
        &app,
        &politie.token,
        &case,
        "strafrechtelijk",
        "Van de politie",
    )
    .await;
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &ggd.token)
        .await
        .json()
        .await
        .unwrap();
    let orgs: Vec<&str> = d["deelnames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["organisation_id"].as_str().unwrap())
        .collect();
    let ggd_org = app.org_id("ggd-regio-utrecht").await;
    let politie_org = app.org_id("politie-lekpoort").await;
    assert_eq!(
        orgs,
        [ggd_org.as_str()],
        "the GGD sees its own participation only"
    );
    assert!(
        !d.to_string().contains(&politie_org),
        "nor the police anywhere: {d}"
    );
    // On the open covenant the parties see each other.
    let open = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let second = new_case(
        &app,
        &regie.token,
        &team_id(&app, "sociaal-domein").await,
        "pga",
    )
    .await;
    for org in ["politie-lekpoort", "veilig-thuis"] {
        let r = post(
            &app,
            &format!("/api/v1/dossiers/{second}/deelnames"),
            &regie.token,
            serde_json::json!({"organisation_id": app.org_id(org).await, "convenant_id": open, "doel": "Samen handhaven"}),
        )
        .await;
        assert_eq!(r.status(), 201);
    }
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{second}"), &politie.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["deelnames"].as_array().unwrap().len(), 2, "{d}");
    // The covenants show their purposes, legal bases per party and category, and the split of
    // article 9 into health and the other special categories.
    let list: serde_json::Value = get(&app, "/api/v1/dossiers/convenanten", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    let c = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == open.as_str())
        .unwrap();
    assert_eq!(c["doelen"].as_array().unwrap().len(), 2);
    assert_eq!(c["partijen_zien_elkaar"], true);
    let vt_org = app.org_id("veilig-thuis").await;
    let vt = c["partijen"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["organisation_id"] == vt_org.as_str())
        .unwrap();
    assert_eq!(vt["grondslagen"]["bijzonder"], "art. 9 lid 2 sub g AVG");
    let mut b = Browser::new(&app);
    b.login(&admin.email, PASSWORD, admin.secret.as_deref())
        .await;
    let page = b.get("/dossiers/convenanten").await;
    assert!(page.body.contains("art. 20 Wpg") && page.body.contains("Samen zorgen"));
    assert!(page.body.contains("Overige bijzondere persoonsgegevens"));
}

/// Participations name a purpose of their covenant and have a window that ends by itself.
#[tokio::test]
async fn a_participation_serves_a_covenant_purpose_within_its_window() {
    let Pga {
        app,
        regie,
        politie,
        case,
        cov,
        ..
    } = pga().await;
    let politie_org = app.org_id("politie-lekpoort").await;
    let body = |doel: &str, van: Option<String>, tot: Option<String>| serde_json::json!({"organisation_id": politie_org, "convenant_id": cov, "doel": doel, "van": van, "tot": tot});
    let path = format!("/api/v1/dossiers/{case}/deelnames");
    let r = post(&app, &path, &regie.token, body("Iets anders", None, None)).await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("geen doel van het convenant"));
    let r = post(&app, &path, &regie.token, body("PGA", None, Some(day(400)))).await;
    assert_eq!(r.status(), 422, "not beyond the covenant");
    let r = post(&app, &path, &regie.token, body("PGA", Some(day(1)), None)).await;
    assert_eq!(r.status(), 201);
    item(&app, &regie.token, &case, "strafrechtelijk", "S").await;
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token)
            .await
            .status(),
        403,
        "not yet begun"
    );
    // The window ends by itself.
    sqlx::query("UPDATE dossiers_deelname SET geldig_van = $1, geldig_tot = $2")
        .bind(day(-10))
        .bind(day(0))
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token)
            .await
            .status(),
        200,
        "its last day"
    );
    sqlx::query("UPDATE dossiers_deelname SET geldig_tot = $1")
        .bind(day(-1))
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token)
            .await
            .status(),
        403
    );
    let list: serde_json::Value = get(&app, "/api/v1/dossiers", &politie.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["deelnames"][0]["actief"], false);
    assert!(d["deelnames"][0]["reden"]
        .as_str()
        .unwrap()
        .contains("afgelopen"));
}

/// A closed case refuses changes (API 409, pages 409) but keeps its legal hold; entries and
/// documents have size limits; destroying a case leaves none of its documents.
#[tokio::test]
async fn closed_cases_refuse_writes_entries_are_bounded_and_destruction_leaves_no_files() {
    let Pga {
        app,
        regie,
        politie,
        case,
        cov,
        ..
    } = pga().await;
    admit(&app, &regie.token, &case, "politie-lekpoort", &cov).await;
    let long = "x".repeat(20_001);
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/items"),
        &regie.token,
        serde_json::json!({"soort": "notitie", "categorie": "wonen", "titel": "Lang", "tekst": long}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("20.000 tekens"));
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/items"),
        &regie.token,
        serde_json::json!({"soort": "notitie", "categorie": "wonen", "titel": "Net", "tekst": "x".repeat(20_000)}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let mut b = Browser::new(&app);
    b.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    b.get(&format!("/dossiers/{case}/vastleggen")).await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let page = super::meldingen::post_multipart(
        &mut b,
        &format!("/dossiers/{case}/vastleggen"),
        &[
            ("soort", "document"),
            ("categorie", "wonen"),
            ("titel", "Groot"),
        ],
        &[("bestand", "groot.pdf", &big)],
    )
    .await;
    assert!(page.status == 422 || page.status == 413, "{}", page.status);
    let page = super::meldingen::post_multipart(
        &mut b,
        &format!("/dossiers/{case}/vastleggen"),
        &[
            ("soort", "document"),
            ("categorie", "wonen"),
            ("titel", "Brief"),
        ],
        &[("bestand", "brief.pdf", b"%PDF-1.7 fictief")],
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let files = |app: &App| {
        let db = app.db.clone();
        async move {
            sqlx::query("SELECT COUNT(*) AS n FROM files")
                .fetch_one(db.pool())
                .await
                .unwrap()
                .get::<i64, _>("n")
        }
    };
    assert_eq!(files(&app).await, 1);
    // Closed: every change is refused with the reason, through the API and the pages.
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/sturing"),
        &regie.token,
        serde_json::json!({"fase": "gesloten", "toelichting": "klaar"}),
    )
    .await;
    assert_eq!(r.status(), 204);
    for (who, path, body) in [
        (
            &regie.token,
            "items",
            serde_json::json!({"soort": "notitie", "categorie": "wonen", "titel": "Na sluiten"}),
        ),
        (
            &politie.token,
            "items",
            serde_json::json!({"soort": "notitie", "categorie": "strafrechtelijk", "titel": "Na sluiten"}),
        ),
        (
            &regie.token,
            "subjecten",
            serde_json::json!({"soort": "persoon", "naam": "Later"}),
        ),
        (
            &regie.token,
            "sturing",
            serde_json::json!({"soort": "ave", "fase": 2, "toelichting": "x"}),
        ),
        (
            &regie.token,
            "deelnames",
            serde_json::json!({"organisation_id": app.org_id("ggd-regio-utrecht").await, "convenant_id": cov, "doel": "PGA"}),
        ),
    ] {
        let r = post(&app, &format!("/api/v1/dossiers/{case}/{path}"), who, body).await;
        assert_eq!(r.status(), 409, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert!(r.text().await.unwrap().contains("gesloten"), "{path}");
    }
    let page = b.get(&format!("/dossiers/{case}/vastleggen")).await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("gesloten"));
    let page = b
        .post(
            &format!("/dossiers/{case}/vastleggen"),
            &[
                ("soort", "notitie"),
                ("categorie", "wonen"),
                ("titel", "Na sluiten"),
            ],
        )
        .await;
    assert_eq!(page.status, 409);
    // The legal hold still can be set and lifted.
    let r = post(
        &app,
        &format!("/api/v1/dossiers/{case}/sturing"),
        &regie.token,
        serde_json::json!({"soort": "legal-hold", "aan": false, "reden": "geen procedure"}),
    )
    .await;
    assert_eq!(r.status(), 204);
    let later = today().checked_add(jiff::Span::new().years(6)).unwrap();
    let done = ::dossiers::store::destroy_expired(&app.db, later, "test")
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(files(&app).await, 0, "the uploaded document is gone");
    for table in [
        "dossiers_dossier",
        "dossiers_item",
        "dossiers_melding_bron",
        "dossiers_inzageverzoek",
    ] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(app.db.pool())
            .await
            .unwrap()
            .get("n");
        assert_eq!(n, 0, "{table}");
    }
}

/// Where the covenant limits a party to named representatives, only the accounts the
/// municipality named see the party's cases: a colleague of the same organisation is refused
/// (audited) and finds nothing in the list, its count or a meeting's agenda. Naming and removing
/// are audited; bad input is a clear error next to the field.
#[tokio::test]
async fn only_named_representatives_of_a_party_see_its_cases() {
    let Pga {
        app,
        admin,
        regie,
        politie,
        ..
    } = pga().await;
    let collega = person(
        &app,
        "collega@example.nl",
        "politie-lekpoort",
        Role::Ketenpartner,
        None,
    )
    .await;
    let politie_org = app.org_id("politie-lekpoort").await;
    let r = post(
        &app,
        "/api/v1/dossiers/convenanten",
        &admin.token,
        serde_json::json!({
            "naam": "Convenant met vertegenwoordigers", "doelen": "PGA", "zaaktypen": ["pga"],
            "geldig_van": day(-1), "geldig_tot": day(100),
            "partijen": [
                {"organisation_id": politie_org, "ontvangen": ["basisgegevens", "strafrechtelijk"], "verstrekken": [], "alleen_vertegenwoordigers": true},
                {"organisation_id": app.org_id("ggd-regio-utrecht").await, "ontvangen": ["zorg-welzijn"], "verstrekken": []}
            ]
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let cov = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let zorg = team_id(&app, "sociaal-domein").await;
    let case = new_case(&app, &regie.token, &zorg, "pga").await;
    assert_eq!(
        admit(&app, &regie.token, &case, "politie-lekpoort", &cov)
            .await
            .status(),
        201
    );
    item(
        &app,
        &regie.token,
        &case,
        "strafrechtelijk",
        "Proces-verbaal",
    )
    .await;
    // Nobody named yet: nobody of the police sees the case.
    for p in [&politie, &collega] {
        let r = get(&app, &format!("/api/v1/dossiers/{case}"), &p.token).await;
        assert_eq!(r.status(), 403);
    }
    // Naming: errors next to the field (problem+json), a partner may not, then the agent.
    let path = format!("/api/v1/dossiers/convenanten/{cov}/vertegenwoordigers");
    for (body, field) in [
        (
            serde_json::json!({"organisation_id": politie_org, "email": "niemand@example.nl"}),
            "email",
        ),
        (
            serde_json::json!({"organisation_id": politie_org, "email": "ggd@example.nl"}),
            "email",
        ),
        (
            serde_json::json!({"organisation_id": app.org_id("kleurrijk-wonen").await, "email": "agent@example.nl"}),
            "organisation_id",
        ),
    ] {
        let r = post(&app, &path, &admin.token, body).await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v.to_string().contains(field), "{v}");
    }
    let r = post(
        &app,
        &path,
        &politie.token,
        serde_json::json!({"organisation_id": politie_org, "email": "agent@example.nl"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = post(
        &app,
        &path,
        &admin.token,
        serde_json::json!({"organisation_id": politie_org, "email": "Agent@Example.nl"}),
    )
    .await;
    assert_eq!(r.status(), 201);
    assert_eq!(
        app.audit_rows(&format!(
            "resource_type = 'convenant-vertegenwoordiger' AND action = 'create' AND resource_id = '{cov}' AND subject_id = '{}' AND outcome = 'allowed'",
            politie.id
        ))
        .await
        .len(),
        1
    );
    // The representative sees the case and its granted entries; the colleague nothing.
    let r = get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token).await;
    assert_eq!(r.status(), 200);
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!(titles(&d), vec!["Proces-verbaal".to_string()]);
    let denied_before = app
        .audit_rows(&format!(
            "actor_user_id = '{}' AND resource_type = 'dossier' AND outcome = 'denied' AND reason = 'geen-vertegenwoordiger'",
            collega.id
        ))
        .await
        .len();
    let r = get(&app, &format!("/api/v1/dossiers/{case}"), &collega.token).await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let denied = app
        .audit_rows(&format!(
            "actor_user_id = '{}' AND resource_type = 'dossier' AND outcome = 'denied' AND reason = 'geen-vertegenwoordiger'",
            collega.id
        ))
        .await
        .len();
    assert_eq!(denied, denied_before + 1, "the refusal is audited");
    for (p, n) in [(&politie, 1), (&collega, 0)] {
        let list: serde_json::Value = get(&app, "/api/v1/dossiers", &p.token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list["total"], n, "{list}");
        assert_eq!(list["items"].as_array().unwrap().len(), n as usize);
    }
    let mut page = Browser::new(&app);
    page.login(&collega.email, PASSWORD, collega.secret.as_deref())
        .await;
    assert_eq!(page.get(&format!("/dossiers/{case}")).await.status, 403);
    assert!(!page.get("/dossiers").await.body.contains(&case));
    // A meeting of the municipality and the police names the case to the representative only.
    let r = post(
        &app,
        "/api/v1/dossiers/overleggen",
        &regie.token,
        serde_json::json!({
            "soort": "pga", "titel": "PGA-overleg", "datum": day(0),
            "deelnemers": [politie_org], "agenda": [case]
        }),
    )
    .await;
    assert_eq!(r.status(), 201);
    let oid = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (p, named) in [(&politie, true), (&collega, false)] {
        let o: serde_json::Value = get(
            &app,
            &format!("/api/v1/dossiers/overleggen/{oid}"),
            &p.token,
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(
            o["agenda"].as_array().unwrap().iter().any(|d| d == &case),
            named,
            "{o}"
        );
    }
    // The covenant shows the representative to the administrator, with the party's rule.
    let covs: serde_json::Value = get(&app, "/api/v1/dossiers/convenanten", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    let c = covs
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == cov.as_str())
        .unwrap();
    assert_eq!(c["vertegenwoordigers"][0]["email"], "agent@example.nl");
    assert_eq!(c["partijen"][0]["alleen_vertegenwoordigers"], true);
    let mut b = Browser::new(&app);
    b.login(&admin.email, PASSWORD, admin.secret.as_deref())
        .await;
    let html = b.get("/dossiers/convenanten").await;
    assert_eq!(html.status, 200);
    assert!(html.body.contains("Benoemde vertegenwoordigers"));
    assert!(html.body.contains("agent@example.nl"));
    assert!(html.body.contains("alleen benoemde vertegenwoordigers"));
    // The form without JavaScript: a wrong account is an error next to the field.
    let form = b
        .get(&format!("/dossiers/convenanten/{cov}/vertegenwoordigers"))
        .await;
    assert_eq!(form.status, 200);
    let bad = b
        .post(
            &format!("/dossiers/convenanten/{cov}/vertegenwoordigers"),
            &[
                ("organisation_id", politie_org.as_str()),
                ("email", "ggd@example.nl"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("hoort niet bij deze organisatie"));
    // Removing the representative ends the access at once (audited).
    let r = api_send(
        &app,
        reqwest::Method::DELETE,
        &format!("{path}/{}", politie.id),
        &admin.token,
        None,
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(
        app.audit_rows(&format!(
            "resource_type = 'convenant-vertegenwoordiger' AND action = 'delete' AND subject_id = '{}'",
            politie.id
        ))
        .await
        .len(),
        1
    );
    let r = get(&app, &format!("/api/v1/dossiers/{case}"), &politie.token).await;
    assert_eq!(r.status(), 403);
    // Through the page as well: name the colleague now.
    let named = b
        .post(
            &format!("/dossiers/convenanten/{cov}/vertegenwoordigers"),
            &[
                ("organisation_id", politie_org.as_str()),
                ("email", "collega@example.nl"),
            ],
        )
        .await;
    assert_eq!(named.status, 303);
    let r = get(&app, &format!("/api/v1/dossiers/{case}"), &collega.token).await;
    assert_eq!(r.status(), 200);
    let removed = b
        .post(
            &format!(
                "/dossiers/convenanten/{cov}/vertegenwoordigers/{}/verwijderen",
                collega.id
            ),
            &[],
        )
        .await;
    assert_eq!(removed.status, 303);
    let r = get(&app, &format!("/api/v1/dossiers/{case}"), &collega.token).await;
    assert_eq!(r.status(), 403);
}

/// Changing a covenant's terms makes a new version; a participation keeps the version it was
/// admitted under and is judged by its terms, whether the new version narrows or widens them.
/// Revoking the covenant still ends every version.
#[tokio::test]
async fn a_participation_keeps_the_terms_of_the_covenant_version_it_was_admitted_under() {
    let Pga {
        app,
        admin,
        regie,
        politie,
        ggd,
        case,
        cov,
        ..
    } = pga().await;
    for org in ["politie-lekpoort", "ggd-regio-utrecht"] {
        assert_eq!(
            admit(&app, &regie.token, &case, org, &cov).await.status(),
            201
        );
    }
    for (cat, t) in [
        ("basisgegevens", "Adres"),
        ("strafrechtelijk", "Proces-verbaal"),
        ("zorg-welzijn", "Zorgplan"),
        ("wonen", "Huurachterstand"),
    ] {
        assert_eq!(item(&app, &regie.token, &case, cat, t).await.status(), 201);
    }
    let seen = |token: String| {
        let app = &app;
        let case = case.clone();
        async move {
            let r = get(app, &format!("/api/v1/dossiers/{case}"), &token).await;
            if r.status() != 200 {
                return None;
            }
            Some(titles(&r.json().await.unwrap()))
        }
    };
    let s = |v: &[&str]| Some(v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
    assert_eq!(
        seen(politie.token.clone()).await,
        s(&["Adres", "Proces-verbaal"])
    );
    assert_eq!(seen(ggd.token.clone()).await, s(&["Adres", "Zorgplan"]));
    // Version 2 narrows the police to criminal data and widens the GGD with housing.
    let versie = |token: &str, body: serde_json::Value| {
        let app = &app;
        let path = format!("/api/v1/dossiers/convenanten/{cov}/versies");
        let token = token.to_string();
        async move { post(app, &path, &token, body).await }
    };
    let v2 = serde_json::json!({
        "doelen": ["PGA", "Nazorg na detentie"], "toelichting": "Addendum",
        "partijen": [
            {"organisation_id": app.org_id("politie-lekpoort").await, "ontvangen": ["strafrechtelijk"], "verstrekken": ["strafrechtelijk"], "grondslag": "art. 20 Wpg"},
            {"organisation_id": app.org_id("ggd-regio-utrecht").await, "ontvangen": ["basisgegevens", "zorg-welzijn", "wonen"], "verstrekken": ["zorg-welzijn"]},
            {"organisation_id": app.org_id("kleurrijk-wonen").await, "ontvangen": ["wonen"], "verstrekken": ["wonen"]}
        ]
    });
    // Refusals first: a partner may not, bad terms are errors (problem+json).
    assert_eq!(versie(&politie.token, v2.clone()).await.status(), 403);
    let r = versie(
        &admin.token,
        serde_json::json!({"doelen": [], "partijen": [{"organisation_id": app.org_id("politie-lekpoort").await, "ontvangen": ["geheim"]}]}),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let r = versie(&admin.token, v2.clone()).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["versie"], 2);
    // The participations under version 1 keep its categories: narrowed or widened since.
    assert_eq!(
        seen(politie.token.clone()).await,
        s(&["Adres", "Proces-verbaal"])
    );
    assert_eq!(seen(ggd.token.clone()).await, s(&["Adres", "Zorgplan"]));
    // The GGD admitted again comes under version 2 and sees housing now; the police, admitted
    // again, see criminal data only.
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    for dl in d["deelnames"].as_array().unwrap() {
        assert_eq!(dl["convenant_versie"], 1, "{dl}");
        let pid = dl["id"].as_str().unwrap();
        let r = post(
            &app,
            &format!("/api/v1/dossiers/{case}/deelnames/{pid}/intrekken"),
            &regie.token,
            serde_json::json!({"reden": "Nieuwe versie van het convenant"}),
        )
        .await;
        assert!(r.status().is_success(), "{}", r.status());
    }
    for org in ["politie-lekpoort", "ggd-regio-utrecht"] {
        assert_eq!(
            admit(&app, &regie.token, &case, org, &cov).await.status(),
            201
        );
    }
    assert_eq!(seen(politie.token.clone()).await, s(&["Proces-verbaal"]));
    assert_eq!(
        seen(ggd.token.clone()).await,
        s(&["Adres", "Huurachterstand", "Zorgplan"])
    );
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    let versies: Vec<i64> = d["deelnames"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|dl| dl["ingetrokken_at"].is_null())
        .map(|dl| dl["convenant_versie"].as_i64().unwrap())
        .collect();
    assert_eq!(versies, vec![2, 2]);
    let mut rb = Browser::new(&app);
    rb.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    let page = rb.get(&format!("/dossiers/{case}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("(versie 1)") && page.body.contains("(versie 2)"));
    // The covenant lists both versions and the participations under each.
    let covs: serde_json::Value = get(&app, "/api/v1/dossiers/convenanten", &admin.token)
        .await
        .json()
        .await
        .unwrap();
    let c = covs
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == cov.as_str())
        .unwrap();
    assert_eq!(c["versie"], 2);
    assert_eq!(c["versies"].as_array().unwrap().len(), 2);
    assert_eq!(c["versies"][1]["toelichting"], "Addendum");
    assert_eq!(
        c["versies"][1]["deelnames"][app.org_id("ggd-regio-utrecht").await.as_str()],
        1
    );
    assert_eq!(c["doelen"].as_array().unwrap().len(), 2);
    let mut b = Browser::new(&app);
    b.login(&admin.email, PASSWORD, admin.secret.as_deref())
        .await;
    let html = b.get("/dossiers/convenanten").await;
    assert!(html.body.contains("Versie 2 (huidig)") && html.body.contains("Versie 1"));
    // The form without JavaScript: it starts from the current terms; an empty purpose list is
    // an error next to the field.
    let form = b.get(&format!("/dossiers/convenanten/{cov}/versie")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Nazorg na detentie"));
    let bad = b
        .post(
            &format!("/dossiers/convenanten/{cov}/versie"),
            &[("doelen", " ")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Noem ten minste één doel"));
    let wonen_field = format!("ontvangen-{}", app.org_id("kleurrijk-wonen").await);
    let ok = b
        .post(
            &format!("/dossiers/convenanten/{cov}/versie"),
            &[("doelen", "PGA"), (wonen_field.as_str(), "wonen")],
        )
        .await;
    assert_eq!(ok.status, 303);
    // Revoking the covenant ends the participations under every version.
    let revoked = b
        .post(&format!("/dossiers/convenanten/{cov}/intrekken"), &[])
        .await;
    assert_eq!(revoked.status, 303);
    assert_eq!(revoked.location().as_deref(), Some("/dossiers/convenanten"));
    assert_eq!(seen(politie.token.clone()).await, None);
    assert_eq!(seen(ggd.token.clone()).await, None);
    assert_eq!(
        versie(&admin.token, v2).await.status(),
        409,
        "a revoked covenant takes no new version"
    );
}

/// A task goes to a person of the author's own organisation or to a partner organisation; the
/// person is named on the case. Only the directing team or the organisation that carries a task
/// out marks it done: anyone else gets a clear refusal (and no button).
#[tokio::test]
async fn tasks_go_to_a_person_and_only_their_organisation_or_the_directing_team_completes_them() {
    let Pga {
        app,
        regie,
        politie,
        ggd,
        case,
        cov,
        ..
    } = pga().await;
    for org in ["politie-lekpoort", "ggd-regio-utrecht"] {
        assert_eq!(
            admit(&app, &regie.token, &case, org, &cov).await.status(),
            201
        );
    }
    let zorg = team_id(&app, "sociaal-domein").await;
    let collega = person(
        &app,
        "collega@example.nl",
        "vijfheerenlanden",
        Role::Procesregisseur,
        Some(&zorg),
    )
    .await;
    let items_path = format!("/api/v1/dossiers/{case}/items");
    let taak = |titel: &str, extra: serde_json::Value| {
        let mut body =
            serde_json::json!({"soort": "taak", "categorie": "basisgegevens", "titel": titel});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        post(&app, &items_path, &regie.token, body)
    };
    assert_eq!(
        taak(
            "Gesprek met de buren",
            serde_json::json!({"eigenaar_user_id": collega.id})
        )
        .await
        .status(),
        201
    );
    // A person of another organisation, or a person with a partner's task, is refused by field.
    for extra in [
        serde_json::json!({"eigenaar_user_id": politie.id}),
        serde_json::json!({"eigenaar_user_id": collega.id, "eigenaar_organisation_id": app.org_id("ggd-regio-utrecht").await}),
        serde_json::json!({"eigenaar_user_id": "bestaat-niet"}),
    ] {
        let r = taak("Fout", extra).await;
        assert_eq!(r.status(), 422);
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "eigenaar_user_id", "{p}");
    }
    assert_eq!(
        taak(
            "Huisbezoek",
            serde_json::json!({"eigenaar_organisation_id": app.org_id("ggd-regio-utrecht").await})
        )
        .await
        .status(),
        201
    );
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    let id_of = |titel: &str| {
        d["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["titel"] == titel)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let gesprek = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["titel"] == "Gesprek met de buren")
        .unwrap();
    assert_eq!(gesprek["eigenaar_user_id"], collega.id.as_str());
    let huisbezoek = id_of("Huisbezoek");
    let mut b = Browser::new(&app);
    b.login(&regie.email, PASSWORD, regie.secret.as_deref())
        .await;
    let page = b.get(&format!("/dossiers/{case}")).await;
    assert!(
        page.body.contains("Uitvoerder: Test collega@example.nl ("),
        "{}",
        page.body
    );
    // The police see the task but may not complete it: no button, and a clear refusal.
    let mut pol = Browser::new(&app);
    pol.login(&politie.email, PASSWORD, politie.secret.as_deref())
        .await;
    let page = pol.get(&format!("/dossiers/{case}")).await;
    assert!(page.body.contains("Huisbezoek"));
    let done = format!("/dossiers/{case}/taak/{huisbezoek}/gereed");
    assert!(!page.body.contains(&done), "{}", page.body);
    let r = pol.post(&done, &[]).await;
    assert_eq!(r.status, 403);
    assert!(r
        .body
        .contains("Alleen de regiehouder of de eigenaar van de taak"));
    // The GGD carries it out and completes it.
    let mut g = Browser::new(&app);
    g.login(&ggd.email, PASSWORD, ggd.secret.as_deref()).await;
    assert!(g
        .get(&format!("/dossiers/{case}"))
        .await
        .body
        .contains(&done));
    assert_eq!(g.post(&done, &[]).await.status, 303);
    let d: serde_json::Value = get(&app, &format!("/api/v1/dossiers/{case}"), &regie.token)
        .await
        .json()
        .await
        .unwrap();
    assert!(d["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == huisbezoek.as_str() && i["gereed"] == true));
    // The colleague finds the task on the start page, and the link lists the case.
    let mut c = Browser::new(&app);
    c.login(&collega.email, PASSWORD, collega.secret.as_deref())
        .await;
    let start = c.get("/").await;
    assert!(start.body.contains("Mijn werk"), "{}", start.body);
    assert!(
        start
            .body
            .contains("<strong class=\"baken-work__count\">1</strong> open taak voor mij"),
        "{}",
        start.body
    );
    let list = c.get("/dossiers?taak=mij").await;
    assert!(
        list.body.contains(&format!("/dossiers/{case}")),
        "{}",
        list.body
    );
    let list = pol.get("/dossiers?taak=mij").await;
    assert!(!list.body.contains(&format!("/dossiers/{case}")));

    // Notifications: the partners were told they were admitted, the colleague of the task; the
    // bell counts them, opening one marks it read and follows its link.
    let bell = |n: usize| format!("<span class=\"baken-bell__count\">{n}</span>");
    assert!(start.body.contains(&bell(1)), "{}", start.body);
    let page = pol.get("/berichten").await;
    assert!(
        page.body
            .contains("Uw organisatie is toegelaten tot dossier"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&bell(1)));
    let id = page
        .body
        .split("href=\"/berichten/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = pol.get(&format!("/berichten/{id}")).await;
    assert_eq!(r.status, 303);
    assert!(!pol.get("/").await.body.contains("baken-bell__count"));
    // Another's notification cannot be opened.
    assert_eq!(c.get(&format!("/berichten/{id}")).await.status, 404);
    // The GGD switches the mail off for admissions; the others' mails go out through a real SMTP
    // server, each naming what happened with an absolute link, and nothing of the person.
    g.get("/berichten").await;
    let r = g
        .post(
            "/berichten/instellingen",
            &[
                ("in_app", "partner-toegelaten"),
                ("in_app", "taak-toegewezen"),
                ("mail", "taak-toegewezen"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let saved = g.get("/berichten?opgeslagen=1").await;
    assert!(
        saved.body.contains("Opgeslagen."),
        "{} {}",
        saved.status,
        saved.body
    );
    // Settings apply to what comes next: the GGD's mail of the earlier admission is queued.
    let queued = platform::notify::mail_pending(&app.db, "https://baken.example.nl/")
        .await
        .unwrap();
    assert_eq!(queued, 3, "police, GGD, colleague");
    let printed = super::deliver_outbox(&app).await;
    assert!(
        printed.contains("Subject: Baken: Uw organisatie is toegelaten tot dossier"),
        "{printed}"
    );
    assert!(
        printed.contains("Subject: Baken: Er is een taak aan u gegeven in dossier"),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("https://baken.example.nl/dossiers/{case}")),
        "{printed}"
    );
    assert!(!printed.contains("Huisbezoek") && !printed.contains("Gesprek met de buren"));
    assert_eq!(
        platform::notify::mail_pending(&app.db, "https://baken.example.nl")
            .await
            .unwrap(),
        0,
        "each notification is mailed once"
    );
    // The GGD's choice holds for what comes next: an admission is shown, not mailed; a kind
    // switched off entirely leaves nothing.
    let mut tx = app.db.begin().await.unwrap();
    for kind in [
        platform::notify::Kind::PartnerToegelaten,
        platform::notify::Kind::OverlegGepland,
    ] {
        platform::notify::notify(&mut tx, std::slice::from_ref(&ggd.id), kind, "Test", "/")
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(
        platform::notify::mail_pending(&app.db, "https://baken.example.nl")
            .await
            .unwrap(),
        0
    );
    let listed = platform::notify::list(&app.db, &ggd.id, 10).await.unwrap();
    assert_eq!(listed.iter().filter(|n| n.title == "Test").count(), 1);
}
