//! Demo content, all fictitious: a small crisis organisation (the demo crisis account among
//! them), qualifications (one expired), a roster for this week and the next three (with a gap and
//! an expired qualification to show the problems), the local exercise "Hoogwater Lek 2026" from
//! plan to lessons, a regional exercise, and an exercise in incident mode with its logbook. It is
//! written through the access engine on behalf of a demo principal, so the audit log shows it.

use jiff::civil::Date;
use jiff::ToSpan;
use platform::access::{act, Principal, RequestContext, Role};
use platform::db::Db;
use sqlx::Row;

use crate::access::Onderdeel;
use crate::model;
use crate::store::{self, NieuweOefening, NieuwePersoon, StoreError};

fn dag(today: Date, n: i64) -> String {
    today.checked_add(n.days()).unwrap_or(today).to_string()
}

/// Loads the demo once (nothing happens when the gemeente already has a crisis organisation).
pub async fn seed_demo(db: &Db) -> Result<(), StoreError> {
    let org = platform::identity::organisation_by_slug(db, platform::seed::GEMEENTE).await?;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM crisis_persoon WHERE organisation_id = $1")
        .bind(&org.id)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    if n > 0 {
        return Ok(());
    }
    let p = Principal::system("demo", &org, vec![Role::Crisisbeheersing]);
    let rc = RequestContext::new("cli");
    let functies = store::functies(db).await?;
    let f = |slug: &str| {
        functies
            .iter()
            .find(|f| f.slug == slug)
            .map(|f| f.id.clone())
            .unwrap_or_default()
    };
    let chris = platform::identity::user_id_by_email(db, "crisis@vijfheerenlanden.demo")
        .await
        .ok();
    let create = store::authorize::<act::Create>(db, &rc, &p, Onderdeel::Organisatie).await?;
    // (name, account, phone, functions)
    let mensen: [(&str, Option<String>, &str, &[&str]); 6] = [
        (
            "Chris Paraat (demo)",
            chris,
            "06-00000001",
            &["adviseur-crisisbeheersing", "ovd-bz"],
        ),
        ("Olga van Dienst (demo)", None, "06-00000002", &["ovd-bz"]),
        (
            "Bram Bevolkingszorg (demo)",
            None,
            "06-00000003",
            &["leider-bz", "gbt-lid"],
        ),
        (
            "Ingrid Informatie (demo)",
            None,
            "06-00000004",
            &["informatiemanager"],
        ),
        (
            "Cas Communicatie (demo)",
            None,
            "06-00000005",
            &["communicatieadviseur"],
        ),
        ("Lotte Leider (demo)", None, "06-00000006", &["leider-bz"]),
    ];
    let mut ids = Vec::new();
    for (naam, user, tel, fs) in mensen {
        let id = store::persoon_nieuw(
            db,
            &create,
            &NieuwePersoon {
                naam: naam.into(),
                user_id: user,
                telefoon: tel.into(),
                email: String::new(),
                functie_ids: fs.iter().map(|s| f(s)).collect(),
            },
        )
        .await?;
        ids.push((id, fs));
    }
    let today = platform::db::today_nl();
    // Qualifications: everyone valid for their functions, except Olga's OvD-Bz (expired).
    for (i, (id, fs)) in ids.iter().enumerate() {
        let auth =
            store::authorize_record::<act::Update>(db, &rc, &p, Onderdeel::Organisatie, id).await?;
        for slug in fs.iter() {
            let (behaald, verloopt, bron) = if i == 1 {
                (
                    dag(today, -800),
                    dag(today, -70),
                    "Training OvD-Bz VRU 2024 (demo)",
                )
            } else {
                (
                    dag(today, -200),
                    dag(today, 530),
                    "Training crisisfuncties VRU 2026 (demo)",
                )
            };
            store::kwalificatie_nieuw(db, &auth, &f(slug), &behaald, &verloopt, bron).await?;
        }
    }
    // The roster: this week and the next three, the communication adviser missing in week 3 and
    // Olga (expired) on call in week 2.
    let roster = store::authorize::<act::Update>(db, &rc, &p, Onderdeel::Piket).await?;
    let monday = model::maandag(today);
    for w in 0..4i64 {
        let week = dag(monday, 7 * w);
        let ovd = if w == 1 { &ids[1].0 } else { &ids[0].0 };
        let leider = if w % 2 == 0 { &ids[2].0 } else { &ids[5].0 };
        let mut plan = vec![
            ("ovd-bz", ovd),
            ("leider-bz", leider),
            ("informatiemanager", &ids[3].0),
        ];
        if w != 2 {
            plan.push(("communicatieadviseur", &ids[4].0));
        }
        if w != 1 {
            plan.push(("adviseur-crisisbeheersing", &ids[0].0));
        }
        for (slug, persoon) in plan {
            store::dienst_nieuw(db, &roster, &week, &f(slug), persoon).await?;
        }
    }
    // Exercises of this year: the local one from plan to lessons, a regional one planned.
    let jaar = today.year();
    let oef = store::authorize::<act::Create>(db, &rc, &p, Onderdeel::Oefening).await?;
    let lokaal = store::oefening_nieuw(
        db,
        &oef,
        &NieuweOefening {
            titel: "Hoogwater Lek 2026".into(),
            soort: "lokaal".into(),
            niveau: "gbt".into(),
            scenario: "Hoogwater op de Lek; Waterschap Rivierenland meldt fase 2 bij Vianen. \
                       Evacuatie van de uiterwaarden en een verkeersverbod op de dijk (fictief scenario)."
                .into(),
            deelnemers: "GBT, team Bevolkingszorg, Waterschap Rivierenland, Rijkswaterstaat, \
                         buurgemeenten (fictief)"
                .into(),
            gepland_op: format!("{jaar}-03-12"),
        },
    )
    .await?;
    let auth =
        store::authorize_record::<act::Update>(db, &rc, &p, Onderdeel::Oefening, &lokaal).await?;
    store::oefening_uitgevoerd(
        db,
        &auth,
        &format!("{jaar}-03-12"),
        "Het GBT kwam binnen 45 minuten bijeen; het beeld van het waterschap kwam laat binnen.",
    )
    .await?;
    store::oefening_evaluatie(
        db,
        &auth,
        "Besluitvorming goed; informatie-uitwisseling met het waterschap kan sneller.",
    )
    .await?;
    let l1 = store::leerpunt_nieuw(
        db,
        &auth,
        "Vaste contactpersoon bij het waterschap in de piketlijst opnemen",
        "Adviseur crisisbeheersing",
        &format!("{jaar}-06-01"),
    )
    .await?;
    store::leerpunt_sluiten(db, &auth, &l1, "Opgenomen in de contactlijst (demo).").await?;
    store::leerpunt_nieuw(
        db,
        &auth,
        "Draaiboek evacuatie uiterwaarden bijwerken",
        "Leider Bevolkingszorg",
        &dag(today, 30),
    )
    .await?;
    store::oefening_nieuw(
        db,
        &oef,
        &NieuweOefening {
            titel: "Regionale systeemoefening VRU (demo)".into(),
            soort: "regionaal".into(),
            niveau: "gbt".into(),
            scenario: "Grote brand met rookontwikkeling bij een bedrijf met gevaarlijke stoffen (fictief).".into(),
            deelnemers: "Veiligheidsregio Utrecht, ROT, GBT's van de deelnemende gemeenten".into(),
            gepland_op: format!("{jaar}-12-15"),
        },
    )
    .await?;
    // An exercise in incident mode, kept apart from real incidents.
    let inc = store::authorize::<act::Create>(db, &rc, &p, Onderdeel::Incident).await?;
    let id = store::incident_nieuw(db, &inc, "Hoogwater Lek 2026", true, 1).await?;
    let auth =
        store::authorize_record::<act::Update>(db, &rc, &p, Onderdeel::Incident, &id).await?;
    store::log_nieuw(
        db,
        &auth,
        "OvD-Bz",
        "meldkamer",
        "Waterschap meldt kwelwater achter de dijk bij Vianen (oefening).",
    )
    .await?;
    store::grip_wijzigen(db, &auth, 2, "Effecten buiten het brongebied (oefening)").await?;
    store::beeld_nieuw(
        db,
        &auth,
        "bevolkingszorg",
        "Circa 40 woningen in de uiterwaarden; één zorginstelling binnen het gebied (fictief).",
        "Evacuatie binnen 6 uur nodig als het water verder stijgt.",
        "Opvanglocatie sporthal gereedmaken.",
    )
    .await?;
    store::besluit_nieuw(
        db,
        &auth,
        "Opvanglocatie sporthal openen",
        "Leider Bevolkingszorg",
        "",
    )
    .await?;
    // A scenario with tasks per function, and a few fictitious risk objects.
    let sc = store::authorize::<act::Create>(db, &rc, &p, Onderdeel::Scenario).await?;
    let sid = crate::risico::scenario_nieuw(
        db,
        &sc,
        "Hoogwater Lek (demo)",
        "Dreigende dijkdoorbraak langs de Lek bij Vianen; evacuatie van de uiterwaarden (fictief).",
        "Waterschap Rivierenland, Hoogheemraadschap De Stichtse Rijnlanden, Rijkswaterstaat, \
         Veiligheidsregio Utrecht, buurgemeenten",
    )
    .await?;
    let sauth =
        store::authorize_record::<act::Update>(db, &rc, &p, Onderdeel::Scenario, &sid).await?;
    for (slug, taak) in [
        (
            "ovd-bz",
            "Contact met de dijkwacht van het waterschap; eerste beeld naar het CoPI.",
        ),
        (
            "leider-bz",
            "Evacuatie en opvang van bewoners van de uiterwaarden.",
        ),
        (
            "communicatieadviseur",
            "Handelingsperspectief voor bewoners; verwijzen naar overstroomik.nl.",
        ),
        (
            "informatiemanager",
            "Beeld van waterstanden (Rijkswaterstaat) en waterschap bijhouden.",
        ),
    ] {
        crate::risico::taak_nieuw(db, &sauth, &f(slug), taak).await?;
    }
    let ra = store::authorize::<act::Create>(db, &rc, &p, Onderdeel::Risico).await?;
    let demo = |soort: &str, naam: &str, omschrijving: &str, lat: f64, lon: f64| model::RisicoIn {
        soort: soort.into(),
        naam: naam.into(),
        omschrijving: omschrijving.into(),
        lat,
        lon,
    };
    crate::risico::risicos_import(
        db,
        &ra,
        "demo",
        &[
            demo(
                "school",
                "Basisschool De Dijk (demo)",
                "Circa 200 leerlingen",
                51.9915,
                5.0921,
            ),
            demo(
                "zorginstelling",
                "Zorgcentrum Lekzicht (demo)",
                "80 bewoners, beperkt mobiel",
                51.9870,
                5.1010,
            ),
            demo(
                "hoogwaterzone",
                "Uiterwaarden Vianen (demo)",
                "Overstroomt bij hoogwater",
                51.9950,
                5.0850,
            ),
            demo(
                "gevaarlijke-stoffen",
                "Opslag Bedrijventerrein (demo)",
                "Opslag gevaarlijke stoffen",
                51.9800,
                5.1100,
            ),
        ],
    )
    .await?;
    Ok(())
}
