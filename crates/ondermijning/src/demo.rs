//! Demo content: ten fictitious places in Vijfheerenlanden (real street names, invented
//! businesses and KvK numbers) and a business park with a fictional KVO status, written through
//! the access engine on behalf of a demo principal, so the audit log shows them.

use platform::access::{act, Principal, RequestContext, Role};
use platform::db::Db;
use sqlx::Row;

use crate::input::PlaatsIn;
use crate::store::{self, StoreError, Toevoeging};

// One line per place in the table below reads better than a struct literal each.
#[allow(clippy::too_many_arguments)]
fn place(
    naam: &str,
    soort: &str,
    straat: &str,
    huisnummer: &str,
    postcode: &str,
    woonplaats: &str,
    punt: (f64, f64),
    kvk: &str,
) -> PlaatsIn {
    PlaatsIn {
        naam: naam.into(),
        soort: soort.into(),
        straat: straat.into(),
        huisnummer: huisnummer.into(),
        postcode: postcode.into(),
        woonplaats: woonplaats.into(),
        lat: punt.0.to_string(),
        lon: punt.1.to_string(),
        exploitant_kvk: kvk.into(),
        exploitant_naam: if kvk.is_empty() {
            String::new()
        } else {
            format!("{naam} B.V. (demo)")
        },
        ..Default::default()
    }
}

fn days_ago(n: i64) -> String {
    let today = platform::db::today_nl();
    today
        .checked_sub(jiff::Span::new().days(n))
        .unwrap_or(today)
        .to_string()
}

fn invalid(e: Vec<platform::identity::FieldError>) -> StoreError {
    StoreError::Other(format!("demo place refused: {e:?}"))
}

/// Loads the demo places once (nothing happens when the gemeente already has places).
pub async fn seed_demo(db: &Db) -> Result<(), StoreError> {
    let org = platform::identity::organisation_by_slug(db, platform::seed::GEMEENTE)
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?;
    let n: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM ondermijning_locatie WHERE organisation_id = $1")
            .bind(&org.id)
            .fetch_one(db.pool())
            .await?
            .try_get("n")?;
    if n > 0 {
        return Ok(());
    }
    let p = Principal::system("demo", &org, vec![Role::AdviseurIv]);
    let ctx = RequestContext::new("cli");

    // The business park first: the places on it name it.
    let mut park = place(
        "Bedrijventerrein Lexmond (demo)",
        "gebied",
        "Provincialeweg",
        "1",
        "4128 CA",
        "Lexmond",
        (51.9655, 5.0205),
        "",
    );
    park.kvo_niveau = "ster-1".into();
    park.kvo_geldig_tot = days_ago(-200);
    park.kvo_volgend_overleg = days_ago(-30);
    park.toelichting = "Fictief bedrijventerrein voor de demo; KVO-status verzonnen.".into();
    let auth = store::authorize_new(db, &ctx, &p).await?;
    let park_id = store::create(db, &auth, &park.check().map_err(invalid)?).await?;

    let places = vec![
        (
            place(
                "Café De Lingebrug",
                "horeca",
                "Kerkstraat",
                "12",
                "4141 AW",
                "Leerdam",
                (51.8929, 5.0930),
                "90000001",
            ),
            vec!["contant-geld"],
            vec![(
                "Politie (wijkagent)",
                "Bezoekers melden handel bij de achteringang.",
                40,
            )],
        ),
        (
            place(
                "Shisha Lounge Het Hofje",
                "horeca",
                "Hoogstraat",
                "45",
                "4141 BB",
                "Leerdam",
                (51.8921, 5.0945),
                "90000002",
            ),
            vec!["contant-geld", "eigenaarswissel"],
            vec![
                ("RIEC", "Derde wisseling van exploitant in twee jaar.", 90),
                (
                    "Politie (wijkagent)",
                    "Steeds wisselend personeel, zware auto's voor de deur.",
                    20,
                ),
            ],
        ),
        (
            place(
                "Belwinkel De Voorstraat",
                "winkel",
                "Voorstraat",
                "80",
                "4132 AS",
                "Vianen",
                (51.9921, 5.0915),
                "90000003",
            ),
            vec!["contant-geld"],
            vec![],
        ),
        (
            place(
                "Schuur Lange Dreef",
                "agrarisch",
                "Lange Dreef",
                "7",
                "4131 NJ",
                "Vianen",
                (51.9800, 5.1050),
                "",
            ),
            vec!["leegstaand", "energieverbruik", "afgeschermd"],
            vec![(
                "Netbeheerder",
                "Sterk verhoogd stroomverbruik sinds drie maanden.",
                15,
            )],
        ),
        (
            place(
                "Loods Achterweg",
                "loods",
                "Achterweg",
                "3",
                "4141 NK",
                "Leerdam",
                (51.8850, 5.1010),
                "90000005",
            ),
            vec!["leegstaand"],
            vec![],
        ),
        (
            place(
                "Autopoetsbedrijf Glans (demo)",
                "bedrijf",
                "Dorpsstraat",
                "22",
                "4128 BT",
                "Lexmond",
                (51.9650, 5.0230),
                "90000006",
            ),
            vec!["contant-geld", "stroman"],
            vec![(
                "Belastingdienst",
                "Omzet past niet bij het aantal klanten.",
                60,
            )],
        ),
        (
            place(
                "Opslag De Zuidpolder (demo)",
                "loods",
                "Zuidzijde",
                "14",
                "4128 SB",
                "Lexmond",
                (51.9640, 5.0190),
                "90000007",
            ),
            vec![],
            vec![],
        ),
        (
            place(
                "Snackbar Het Plein",
                "horeca",
                "Kerkplein",
                "4",
                "4233 EG",
                "Ameide",
                (51.9543, 4.9626),
                "90000008",
            ),
            vec![],
            vec![],
        ),
        (
            place(
                "Boerderijschuur Meerkerk",
                "agrarisch",
                "Gorinchemseweg",
                "30",
                "4231 BK",
                "Meerkerk",
                (51.9180, 4.9940),
                "",
            ),
            vec!["leegstaand"],
            vec![],
        ),
        (
            place(
                "Woning Hagestein",
                "woning",
                "Dorpsstraat",
                "9",
                "4124 AL",
                "Hagestein",
                (51.9800, 5.1200),
                "",
            ),
            vec!["afgeschermd"],
            vec![],
        ),
    ];
    for (i, (mut v, kenmerken, signalen)) in places.into_iter().enumerate() {
        if v.woonplaats == "Lexmond" {
            v.gebied_id = park_id.clone();
        }
        if v.soort == "horeca" {
            v.openingstijden = "ma–do 11–24 uur, vr–za 11–02 uur, zo 12–24 uur".into();
        }
        let auth = store::authorize_new(db, &ctx, &p).await?;
        let id = store::create(db, &auth, &v.check().map_err(invalid)?).await?;
        let up = store::authorize_place::<act::Update>(db, &ctx, &p, &id).await?;
        let k: Vec<String> = kenmerken.iter().map(|s| s.to_string()).collect();
        store::set_kenmerken(db, &up, &k).await?;
        for (bron, tekst, dagen) in signalen {
            store::add(
                db,
                &up,
                &Toevoeging::Signaal {
                    datum: days_ago(dagen),
                    bron: bron.into(),
                    tekst: tekst.into(),
                },
            )
            .await?;
        }
        if v.soort == "horeca" {
            store::add(
                db,
                &up,
                &Toevoeging::Vergunning {
                    soort: "Alcoholwetvergunning".into(),
                    nummer: format!("AW-2024-{:03}", i + 1),
                    geldig_van: Some("2024-03-01".into()),
                    geldig_tot: None,
                },
            )
            .await?;
            store::add(
                db,
                &up,
                &Toevoeging::Vergunning {
                    soort: "Exploitatievergunning".into(),
                    nummer: format!("EX-2024-{:03}", i + 1),
                    geldig_van: Some("2024-03-01".into()),
                    geldig_tot: Some(days_ago(-120)),
                },
            )
            .await?;
        }
    }
    let up = store::authorize_place::<act::Update>(db, &ctx, &p, &park_id).await?;
    for (naam, rol, org) in [
        (
            "P. Parkbeheer (demo)",
            "Parkmanager",
            "Stichting Parkmanagement Lexmond (demo)",
        ),
        (
            "O. Ondernemer (demo)",
            "Voorzitter",
            "Ondernemersvereniging Lexmond (demo)",
        ),
    ] {
        store::add(
            db,
            &up,
            &Toevoeging::Contact {
                naam: naam.into(),
                rol: rol.into(),
                organisatie: org.into(),
            },
        )
        .await?;
    }
    store::add(
        db,
        &up,
        &Toevoeging::Overleg {
            datum: days_ago(60),
            notulen: "KVO-schouw besproken: verlichting bij de Zuidzijde verbeteren, leegstaande kavel laten controleren, volgende schouw over drie maanden.".into(),
        },
    )
    .await?;
    // A planned integral round of the barns and warehouses, with the police and the grid operator.
    let rows = sqlx::query(
        "SELECT id FROM ondermijning_locatie WHERE organisation_id = $1 AND soort IN ('agrarisch', 'loods') ORDER BY naam",
    )
    .bind(&org.id)
    .fetch_all(db.pool())
    .await?;
    let ids = rows
        .iter()
        .map(|r| Ok(r.try_get("id")?))
        .collect::<Result<Vec<String>, StoreError>>()?;
    let auth = store::authorize_register::<act::Create>(db, &ctx, &p).await?;
    crate::controles::ronde_maken(
        db,
        &auth,
        &crate::controles::NieuweRonde {
            naam: "Integrale controle schuren en loodsen (demo)".into(),
            datum: days_ago(-14),
            soort: None,
            partners: vec!["politie".into(), "netbeheerder".into()],
            wie: "Toezichthouder gemeente, wijkagent, netbeheerder (demo)".into(),
        },
        &ids,
    )
    .await?;
    Ok(())
}
