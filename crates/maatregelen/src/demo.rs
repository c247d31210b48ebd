//! Demo content: a few fictitious measures (a 13b closure in progress, a huisverbod, a horeca case
//! with one yellow card), dated relative to today so the deadline overview shows something. They
//! are written through the access engine on behalf of a demo principal, so the audit log shows them.

use jiff::civil::Date;
use platform::access::{act, Principal, RequestContext, Role};
use platform::db::Db;
use sqlx::Row;

use crate::brief::BriefSoort;
use crate::model::{Ladder, Soort, Stap, StapSoort};
use crate::store::{self, Nieuw, StoreError};

fn dag(n: i64) -> Date {
    let today = crate::html::vandaag();
    today
        .checked_add(jiff::Span::new().days(n))
        .unwrap_or(today)
}

fn afweging(d: i64, n: &str, e: &str, s: &str) -> Stap {
    Stap {
        noodzaak: Some(n.into()),
        evenredigheid: Some(e.into()),
        subsidiariteit: Some(s.into()),
        ..Stap::new(StapSoort::Afweging, dag(d))
    }
}

fn aanleiding(d: i64, bron: &str, referentie: &str, toelichting: &str) -> Stap {
    Stap {
        bron: Some(bron.into()),
        referentie: Some(referentie.into()),
        toelichting: toelichting.into(),
        ..Stap::new(StapSoort::Aanleiding, dag(d))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Access(#[from] platform::access::AccessError),
    #[error("{0}")]
    Other(String),
}

/// Loads the demo measures once (nothing happens when the gemeente already has measures).
pub async fn seed_demo(db: &Db) -> Result<(), DemoError> {
    let org = platform::identity::organisation_by_slug(db, platform::seed::GEMEENTE)
        .await
        .map_err(|e| DemoError::Other(e.to_string()))?;
    let n: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM maatregelen_maatregel WHERE organisation_id = $1")
            .bind(&org.id)
            .fetch_one(db.pool())
            .await
            .map_err(StoreError::from)?
            .try_get("n")
            .map_err(StoreError::from)?;
    if n > 0 {
        return Ok(());
    }
    let p = Principal::system("demo", &org, vec![Role::Beheerder]);
    let ctx = RequestContext::new("cli");
    let team = platform::identity::list_teams(db, &org.id)
        .await
        .map_err(|e| DemoError::Other(e.to_string()))?
        .into_iter()
        .find(|t| t.slug == "integrale-veiligheid")
        .map(|t| t.id);
    let create = |n: Nieuw| {
        let p = p.clone();
        let ctx = ctx.clone();
        async move {
            let auth = store::authorize_new(db, &ctx, &p).await?;
            let kal = store::kalender(db).await?;
            let id = store::create(db, &auth, &n, "demo", &kal).await?;
            Ok::<_, DemoError>(id)
        }
    };
    let steps = |id: String, stappen: Vec<Stap>| {
        let p = p.clone();
        let ctx = ctx.clone();
        async move {
            let auth = store::authorize_measure::<act::Update>(db, &ctx, &p, &id).await?;
            let kal = store::kalender(db).await?;
            for s in stappen {
                store::add_step(db, &auth, &s, "demo", &kal).await?;
            }
            Ok::<_, DemoError>(())
        }
    };
    // A draft letter from the shipped template, as the legal adviser would make it.
    let letter = |id: String, brief: BriefSoort| {
        let p = p.clone();
        let ctx = ctx.clone();
        let org = org.clone();
        async move {
            let auth = store::authorize_measure::<act::Update>(db, &ctx, &p, &id).await?;
            store::brief_opstellen(
                db,
                &auth,
                brief,
                &org.name,
                dag(0),
                crate::brief::Notities::alle(),
                "demo",
            )
            .await?;
            Ok::<_, DemoError>(())
        }
    };
    let leeg = |soort: Option<Soort>, onderwerp: &str, locatie: &str, a: Stap| Nieuw {
        soort,
        onderwerp: onderwerp.into(),
        locatie: locatie.into(),
        aanleiding: a,
        ladder: None,
        object: "*".into(),
        middel: "*".into(),
        hoeveelheid: None,
        hoeveelheid_eenheid: String::new(),
        bag: None,
        exploitant: None,
        duur: None,
        afwijking_reden: String::new(),
        team_id: team.clone(),
        spoed: None,
    };

    // A 13b closure in progress (Damocles: harddrugs in a house, first offence → 3 months).
    let id = create(Nieuw {
        ladder: Some(Ladder::Damocles),
        object: "woning".into(),
        middel: "harddrugs".into(),
        hoeveelheid: Some(40_000),
        ..leeg(
            None,
            "J. de Vries (fictief)",
            "Voorstraat 99, 4132 AA Vianen",
            aanleiding(
                -60,
                "politierapport",
                "BR-2026-0412",
                "Bestuurlijke rapportage: 40 gram cocaïne en verpakkingsmateriaal aangetroffen.",
            ),
        )
    })
    .await?;
    let id_13b = id.clone();
    steps(
        id,
        vec![
            Stap {
                toelichting: "Voornemen tot sluiting voor 3 maanden verzonden.".into(),
                dagen: Some(14),
                ..Stap::new(StapSoort::Voornemen, dag(-55))
            },
            Stap {
                ontvangen: Some(false),
                ..Stap::new(StapSoort::Zienswijze, dag(-40))
            },
            afweging(
                -38,
                "Handelshoeveelheid harddrugs; de woning is een schakel in de drugshandel.",
                "Sluiting van 3 maanden volgens het Damoclesbeleid; geen minderjarige bewoners.",
                "Een waarschuwing volstaat niet bij harddrugs in een handelshoeveelheid.",
            ),
            Stap::new(StapSoort::Besluit, dag(-36)),
            Stap::new(StapSoort::Bekendmaking, dag(-35)),
            Stap {
                tot: Some(dag(70)),
                toelichting: "Woning gesloten en verzegeld.".into(),
                ..Stap::new(StapSoort::UitvoeringStart, dag(-20))
            },
        ],
    )
    .await?;
    letter(id_13b.clone(), BriefSoort::Besluit).await?;

    // A huisverbod, imposed three days ago: it ends (or must be extended) within the week.
    let id = create(leeg(
        Some(Soort::Huisverbod),
        "M. Jansen (fictief)",
        "Lingedijk 12, 4147 AB Asperen",
        aanleiding(
            -3,
            "politierapport",
            "PL0900-2026-8812",
            "Melding huiselijk geweld; RiHG afgenomen door de hulpofficier.",
        ),
    ))
    .await?;
    steps(
        id,
        vec![
            afweging(
                -3,
                "Ernstig en onmiddellijk gevaar voor de partner volgens de RiHG.",
                "Tien dagen huisverbod met contactverbod; tijdelijke opvang geregeld.",
                "Hulpverlening alleen biedt nu onvoldoende veiligheid.",
            ),
            Stap::new(StapSoort::Besluit, dag(-3)),
            Stap::new(StapSoort::Bekendmaking, dag(-3)),
        ],
    )
    .await?;

    // A horeca case with one yellow card (the ladder proposes it).
    let id = create(Nieuw {
        ladder: Some(Ladder::Horeca),
        object: "sluitingstijd".into(),
        ..leeg(
            None,
            "Café De Brug (fictief), exploitant K. Bakker",
            "Markt 3, 4141 BC Leerdam",
            aanleiding(
                -40,
                "inspectie",
                "HC-2026-031",
                "Na sluitingstijd nog bezoekers binnen en muziek.",
            ),
        )
    })
    .await?;
    steps(
        id,
        vec![
            afweging(
                -38,
                "Overschrijding van de sluitingstijd met overlast voor omwonenden.",
                "Een gele kaart is de lichtste stap van het horecabeleid.",
                "Een gesprek met de exploitant heeft eerder niet geholpen.",
            ),
            Stap::new(StapSoort::Besluit, dag(-37)),
            Stap::new(StapSoort::Bekendmaking, dag(-37)),
        ],
    )
    .await?;
    Ok(())
}
