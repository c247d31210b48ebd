//! Black-box tests of the preventie module, on SQLite and (in CI) PostgreSQL.

use super::*;

/// The value after `marker` in `text` at its last occurrence, up to the first character that
/// cannot be in a token (URL-safe base64 or an id).
fn last_token_after(text: &str, marker: &str) -> String {
    let at = text
        .rfind(marker)
        .unwrap_or_else(|| panic!("{marker} in {text}"));
    text[at + marker.len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[tokio::test]
async fn preventie_a_campaign_from_plan_to_attendance_counts_in_the_council_report() {
    let app = spawn_app().await;
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let start = iv.get("/preventie").await;
    assert_eq!(start.status, 200);
    assert!(start.body.contains("/preventie/activiteiten"));

    // Refused input comes back with the reasons next to the fields and the input kept.
    let bad = iv
        .post(
            "/preventie/activiteiten/nieuw",
            &[
                ("soort", "themaavond"),
                ("titel", ""),
                ("doelgroep", "agrariers"),
                ("wijk", ""),
                ("datum", "2026-11-20"),
                ("partners", "Politie, LTO"),
                ("status", "gepland"),
                ("opkomst", "40"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Vul dit veld in."));
    assert!(bad.body.contains("Opkomst kunt u pas invullen"));
    assert!(bad.body.contains("value=\"Politie, LTO\""), "input kept");

    let plan = [
        ("soort", "themaavond"),
        ("titel", "Ondermijning op het erf"),
        ("doelgroep", "agrariers"),
        ("wijk", ""),
        ("datum", "2026-11-20"),
        ("partners", "Politie, LTO"),
        ("status", "gepland"),
        ("uitnodigingen", "180"),
    ];
    let made = iv.post("/preventie/activiteiten/nieuw", &plan).await;
    assert_eq!(made.status, 303);
    let path = made.location().unwrap();
    let held = [
        ("soort", "themaavond"),
        ("titel", "Ondermijning op het erf"),
        ("doelgroep", "agrariers"),
        ("wijk", ""),
        ("datum", "2026-11-20"),
        ("partners", "Politie, LTO"),
        ("status", "gehouden"),
        ("uitnodigingen", "180"),
        ("aanmeldingen", "51"),
        ("opkomst", "42"),
        ("evaluatie", "Goede vragen over verhuur van schuren."),
    ];
    assert_eq!(iv.post(&path, &held).await.status, 303);
    let page = iv.get(&path).await;
    assert!(page.body.contains("Gehouden") && page.body.contains("42"));

    // A handhaver reads the list but does not plan; the refusal is in the audit log.
    let mut hh = app
        .browser_as("hh@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    assert_eq!(hh.get("/preventie/activiteiten").await.status, 200);
    assert_eq!(
        hh.post("/preventie/activiteiten/nieuw", &plan).await.status,
        403
    );
    assert!(!app
        .audit_rows("outcome = 'denied' AND resource_type = 'preventie_activiteit'")
        .await
        .is_empty());

    // The reach counts in the council report through a counted indicator.
    let policy = ::beleid::store::policy_for_year(&app.db, 2026)
        .await
        .unwrap();
    let action = ::beleid::store::actions(&app.db, &policy.id)
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let ind = iv
        .post(
            &format!("/beleid/actie/{}/2026/indicator", action.id),
            &[
                ("name", "Bereik voorlichting ondermijning"),
                ("unit", "deelnemers"),
                ("target", "100"),
                ("actual", ""),
                ("source", "preventie.bereik"),
            ],
        )
        .await;
    assert_eq!(ind.status, 303);
    let counted = ::beleid::store::indicators(&app.db, &policy.id, 2026)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.name == "Bereik voorlichting ondermijning")
        .unwrap();
    assert_eq!(counted.actual, Some(42.0));
    let report = iv.get("/beleid/rapportage/2026").await;
    assert_eq!(report.status, 200);
    assert!(report.body.contains("Bereik voorlichting ondermijning"));

    // The API lists the activity with its figures.
    let token = format!("Bearer {}", cli_token(&app, "iv@example.nl"));
    let answer = api_get(&app, "/api/v1/preventie/activiteiten", Some(&token)).await;
    assert_eq!(answer.status(), 200);
    let list: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(list[0]["opkomst"], 42);
    assert_eq!(list[0]["status"], "gehouden");
}

#[tokio::test]
async fn preventie_bulletins_double_opt_in_sending_and_unsubscribe_over_real_smtp() {
    let app = spawn_app().await;
    let mut iv = app
        .browser_as("ciso@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    let made = iv
        .post(
            "/preventie/bulletins/nieuw",
            &[
                ("titel", "Pas op voor nepberichten van de bank"),
                ("doelgroep", "inwoners"),
                (
                    "tekst",
                    "Uw bank vraagt nooit om uw pincode.\r\n\r\nTwijfelt u? Bel de bank zelf.",
                ),
            ],
        )
        .await;
    assert_eq!(made.status, 303);
    let path = made.location().unwrap();
    assert_eq!(
        iv.post(&format!("{path}/publiceren"), &[]).await.status,
        303
    );

    // A resident, without login, sees the bulletin and subscribes.
    let mut resident = Browser::new(&app);
    let public = resident.get("/veilig-digitaal").await;
    assert_eq!(public.status, 200);
    assert!(public.body.contains("Pas op voor nepberichten van de bank"));
    let invalid = resident
        .post("/veilig-digitaal/aanmelden", &[("email", "geen-adres")])
        .await;
    assert_eq!(invalid.status, 422);
    assert!(invalid.body.contains("value=\"geen-adres\""));
    let first = resident
        .post(
            "/veilig-digitaal/aanmelden",
            &[("email", "inwoner@example.nl")],
        )
        .await;
    assert_eq!(
        first.location().as_deref(),
        Some("/veilig-digitaal/aangemeld")
    );
    let mail = deliver_outbox(&app).await;
    let first_token = last_token_after(&mail, "/veilig-digitaal/bevestigen/");
    // Subscribing again looks the same and sends a new link, which replaces the first.
    let again = resident
        .post(
            "/veilig-digitaal/aanmelden",
            &[("email", "inwoner@example.nl")],
        )
        .await;
    assert_eq!(
        again.location().as_deref(),
        Some("/veilig-digitaal/aangemeld")
    );
    let mail = deliver_outbox(&app).await;
    let token = last_token_after(&mail, "/veilig-digitaal/bevestigen/");
    assert_ne!(token, first_token);
    assert_eq!(
        resident
            .get(&format!("/veilig-digitaal/bevestigen/{first_token}"))
            .await
            .status,
        404
    );
    // Opening the link confirms nothing (a link scanner may open it); the button does, once.
    let ask = resident
        .get(&format!("/veilig-digitaal/bevestigen/{token}"))
        .await;
    assert_eq!(ask.status, 200);
    assert_eq!(
        ::preventie::store::abonnees_aantal(&app.db).await.unwrap(),
        (0, 1)
    );
    let confirmed = resident
        .post(&format!("/veilig-digitaal/bevestigen/{token}"), &[])
        .await;
    assert_eq!(confirmed.status, 200);
    assert!(confirmed.body.contains("Aanmelding bevestigd"));
    assert_eq!(
        resident
            .post(&format!("/veilig-digitaal/bevestigen/{token}"), &[])
            .await
            .status,
        404
    );
    // A confirmed address subscribing again gets no mail, and the same answer.
    let known = resident
        .post(
            "/veilig-digitaal/aanmelden",
            &[("email", "inwoner@example.nl")],
        )
        .await;
    assert_eq!(
        known.location().as_deref(),
        Some("/veilig-digitaal/aangemeld")
    );
    assert_eq!(platform::mail::pending_count(&app.db).await.unwrap(), 0);

    // Sending: the batches go into the outbox and the page shows the progress.
    assert_eq!(iv.post(&format!("{path}/verzenden"), &[]).await.status, 303);
    let detail = iv.get(&path).await;
    assert!(detail.body.contains("1 / 1 (100%)"), "{}", detail.body);
    assert_eq!(
        iv.post(&format!("{path}/verzenden"), &[]).await.status,
        422,
        "sent once"
    );
    let mail = deliver_outbox(&app).await;
    assert!(mail.contains("Twijfelt u? Bel de bank zelf."));
    assert!(!mail.contains("<img"), "no tracking");
    let unsubscribe = last_token_after(&mail, "/veilig-digitaal/afmelden/");
    let gone = resident
        .get(&format!("/veilig-digitaal/afmelden/{unsubscribe}"))
        .await;
    assert_eq!(gone.status, 200);
    assert!(gone.body.contains("U bent afgemeld"));
    assert_eq!(
        ::preventie::store::abonnees_aantal(&app.db).await.unwrap(),
        (0, 0)
    );
    // The audit log knows that subscriptions happened, never the address.
    let rows = app.audit_rows("resource_type = 'preventie_abonnee'").await;
    assert_eq!(
        rows.len(),
        4,
        "two subscriptions, a confirmation, a removal"
    );
    assert!(app
        .audit_rows("actor_name LIKE '%inwoner@%' OR resource_id LIKE '%inwoner@%'")
        .await
        .is_empty());
}

#[tokio::test]
async fn preventie_a_youth_group_from_scan_to_approach_with_a_school_and_halt() {
    let app = spawn_app().await;
    let mut iv = app
        .browser_as("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv)
        .await;
    // A school as partner, with an agreement on a resilience programme; Halt is reference data.
    let school = iv
        .post(
            "/preventie/partners",
            &[
                ("soort", "school"),
                ("naam", "OBS De Notenkraker (demo)"),
                ("plaats", "Vianen"),
            ],
        )
        .await;
    assert_eq!(school.status, 303);
    let partners = ::preventie::store::partners(&app.db).await.unwrap();
    let id_of = |naam: &str| partners.iter().find(|p| p.naam == naam).unwrap().id.clone();
    let (school_id, halt_id) = (id_of("OBS De Notenkraker (demo)"), id_of("Halt"));
    let agreement = iv
        .post(
            "/preventie/partners/afspraken",
            &[
                ("partner", &school_id),
                ("programma", "Weerbaar tegen ronselen, groep 8"),
                ("doelgroep", "leerlingen"),
                ("van", "2026-09-01"),
                ("tot", "2027-06-30"),
                ("status", "lopend"),
            ],
        )
        .await;
    assert_eq!(agreement.status, 303);

    let made = iv
        .post(
            "/preventie/groepen/nieuw",
            &[
                ("naam", "Groep Stationsplein"),
                ("wijk", "WK196101"),
                ("buurt", "BU19610101"),
                ("plekken", "Bankjes bij het station"),
            ],
        )
        .await;
    assert_eq!(made.status, 303);
    let path = made.location().unwrap();
    let scan = [
        ("datum", "2026-11-02"),
        ("bron", "Politie basisteam Lekpoort, groepsscan"),
        ("ernst", "midden"),
        ("risicos", "Overlast en eerste signalen van ronselen"),
        ("ontwikkeling", "toenemend"),
        ("impact", "Bewoners mijden het plein 's avonds"),
    ];
    let mut future = scan.to_vec();
    future[0] = ("datum", "2099-01-01");
    let refused = iv.post(&format!("{path}/scan"), &future).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("Deze datum ligt in de toekomst."));
    assert_eq!(iv.post(&format!("{path}/scan"), &scan).await.status, 303);
    for (partner, what) in [
        (school_id.as_str(), "Gastles weerbaarheid in groep 8"),
        (halt_id.as_str(), "Halt-voorlichting voor de groep"),
    ] {
        let added = iv
            .post(
                &format!("{path}/actie"),
                &[
                    ("omschrijving", what),
                    ("partner", partner),
                    ("eigenaar", "Jongerenwerker wijk Vianen"),
                    ("herzien_op", "2027-01-15"),
                ],
            )
            .await;
        assert_eq!(added.status, 303);
    }
    // Members only through a group dossier: a link, no names here.
    assert_eq!(
        iv.post(&format!("{path}/dossier"), &[("dossier", "Jan")])
            .await
            .status,
        422
    );
    let dossier = platform::db::new_id();
    assert_eq!(
        iv.post(&format!("{path}/dossier"), &[("dossier", &dossier)])
            .await
            .status,
        303
    );
    let page = iv.get(&path).await;
    assert_eq!(page.status, 200);
    for expected in [
        "OBS De Notenkraker (demo)",
        "Halt",
        "Toenemend",
        "Groepsscan van 2026-11-02 vastgelegd",
        "Actie toegevoegd met Halt",
        &format!("/dossiers/{dossier}"),
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    let list = iv.get("/preventie/groepen").await;
    assert!(list.body.contains("Groep Stationsplein") && list.body.contains("2027-01-15"));

    let token = format!("Bearer {}", cli_token(&app, "iv@example.nl"));
    let group_id = path.rsplit('/').next().unwrap();
    let answer = api_get(
        &app,
        &format!("/api/v1/preventie/groepen/{group_id}"),
        Some(&token),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let detail: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(detail["scans"][0]["ernst"], "midden");
    assert_eq!(detail["aanpak"].as_array().unwrap().len(), 2);

    // Only team IV and the procesregisseur read groups; every read and refusal is audited.
    let mut regie = app
        .browser_as(
            "regie@example.nl",
            "vijfheerenlanden",
            Role::Procesregisseur,
        )
        .await;
    assert_eq!(regie.get(&path).await.status, 200);
    let mut hh = app
        .browser_as("hh@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    assert_eq!(hh.get(&path).await.status, 403);
    let mut police = app
        .browser_as("agent@example.nl", "politie-lekpoort", Role::Ketenpartner)
        .await;
    assert_eq!(police.get("/preventie/groepen").await.status, 403);
    assert_eq!(
        app.audit_rows("resource_type = 'preventie_groep' AND outcome = 'denied'")
            .await
            .len(),
        2
    );
    assert!(
        app.audit_rows(
            "resource_type = 'preventie_groep' AND action = 'read' AND outcome = 'allowed'"
        )
        .await
        .len()
            >= 2
    );
}

#[tokio::test]
async fn preventie_neighbourhood_contacts_only_for_the_keeping_team_with_consent_and_removal() {
    let app = spawn_app().await;
    let (iv_id, secret) = app
        .user("iv@example.nl", "vijfheerenlanden", Role::AdviseurIv, true)
        .await;
    sqlx::query(
        "INSERT INTO team_members (team_id, user_id) SELECT id, $1 FROM teams WHERE slug = 'integrale-veiligheid'",
    )
    .bind(&iv_id)
    .execute(app.db.pool())
    .await
    .unwrap();
    let team_id: String = sqlx::query("SELECT id FROM teams WHERE slug = 'integrale-veiligheid'")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    let mut iv = Browser::new(&app);
    iv.login("iv@example.nl", PASSWORD, secret.as_deref()).await;
    let made = iv
        .post(
            "/preventie/buurtteams/nieuw",
            &[
                ("soort", "whatsapp"),
                ("naam", "WhatsApp Buurtpreventie Hagestein (demo)"),
                ("wijk", "WK196101"),
                ("buurt", ""),
                ("beheer_team", &team_id),
                ("deelnemers", "87"),
            ],
        )
        .await;
    assert_eq!(made.status, 303);
    let path = made.location().unwrap();
    let refused = iv
        .post(
            &format!("{path}/contacten"),
            &[
                ("naam", "Coördinator Fictief"),
                ("rol", "coordinator"),
                ("toestemming_op", "2026-12-01"),
                ("toestemming_hoe", "formulier"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused
        .body
        .contains("Vul een e-mailadres of telefoonnummer in."));
    assert!(refused.body.contains("value=\"Coördinator Fictief\""));
    let added = iv
        .post(
            &format!("{path}/contacten"),
            &[
                ("naam", "Coördinator Fictief"),
                ("rol", "coordinator"),
                ("email", "coordinator@example.nl"),
                ("telefoon", ""),
                ("toestemming_op", "2026-12-01"),
                ("toestemming_hoe", "formulier"),
            ],
        )
        .await;
    assert_eq!(added.status, 303);
    let page = iv.get(&path).await;
    assert!(page.body.contains("Coördinator Fictief") && page.body.contains("2028-12-01"));
    let contact: String = sqlx::query("SELECT id FROM preventie_contact")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    assert!(!app
        .audit_rows(&format!(
            "resource_type = 'preventie_contact' AND action = 'read' AND outcome = 'allowed' AND resource_id = '{contact}'"
        ))
        .await
        .is_empty());

    // Someone outside the keeping team sees the team, not its contacts, and cannot add any.
    let mut hh = app
        .browser_as("hh@example.nl", "vijfheerenlanden", Role::Handhaver)
        .await;
    let other = hh.get(&path).await;
    assert_eq!(other.status, 200);
    assert!(!other.body.contains("Coördinator Fictief"));
    assert!(other
        .body
        .contains("Alleen de leden van het beherende team"));
    let denied = hh
        .post(&format!("{path}/contacten/{contact}/verwijderen"), &[])
        .await;
    assert_eq!(denied.status, 403);
    assert_eq!(
        app.audit_rows("resource_type = 'preventie_contact' AND outcome = 'denied'")
            .await
            .len(),
        1
    );

    // Removed on request: gone at once.
    let removed = iv
        .post(&format!("{path}/contacten/{contact}/verwijderen"), &[])
        .await;
    assert_eq!(removed.status, 303);
    assert!(!iv.get(&path).await.body.contains("Coördinator Fictief"));
    // And after the consent term the daily job removes what is left.
    assert_eq!(
        iv.post(
            &format!("{path}/contacten"),
            &[
                ("naam", "Lid Fictief"),
                ("rol", "lid"),
                ("telefoon", "06-00000000"),
                ("toestemming_op", "2026-12-01"),
                ("toestemming_hoe", "schriftelijk"),
            ],
        )
        .await
        .status,
        303
    );
    let later = jiff::civil::date(2029, 1, 1);
    assert_eq!(
        ::preventie::store::verwijder_verlopen_contacten(&app.db, later)
            .await
            .unwrap(),
        1
    );
    let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM preventie_contact")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap();
    assert_eq!(left, 0);
    // The fictitious demo content loads once and its pages render.
    ::preventie::seed_demo(&app.db).await.unwrap();
    ::preventie::seed_demo(&app.db).await.unwrap();
    let activities = iv.get("/preventie/activiteiten").await;
    assert_eq!(
        activities.body.matches("(demo)</a>").count(),
        3,
        "three demo activities, once"
    );
    let groups = iv.get("/preventie/groepen").await;
    let group = last_token_after(&groups.body, "href=\"/preventie/groepen/");
    assert_eq!(
        iv.get(&format!("/preventie/groepen/{group}")).await.status,
        200
    );
    assert_eq!(iv.get("/preventie/partners").await.status, 200);
    assert!(Browser::new(&app)
        .get("/veilig-digitaal")
        .await
        .body
        .contains("valse berichten over pakketjes (demo)"));
    let profile = iv.get("/preventie/wijken/WK196101").await;
    assert_eq!(profile.status, 200);
    assert!(profile
        .body
        .contains("WhatsApp Buurtpreventie Hagestein (demo)"));
}
