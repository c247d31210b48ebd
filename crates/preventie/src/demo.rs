//! Fictitious demo content: a few activities, a published bulletin, a school and youth work with
//! an agreement, a youth group with a scan and an approach, and a neighbourhood team (without
//! contacts: those are personal data, even when made up). Written through the store's own
//! functions as the system, so the audit log shows the demo as the system's work.

use platform::access::{act, Principal, RequestContext, Role};
use platform::db::Db;
use sqlx::Row;

use crate::model::{ActieIn, ActiviteitIn, AfspraakIn, BulletinIn, BuurtteamIn, GroepIn, ScanIn};
use crate::store::{self, Result, StoreError};

const GEMEENTE: &str = "vijfheerenlanden";

fn invalid(e: Vec<platform::identity::FieldError>) -> StoreError {
    StoreError::Invalid(e)
}

/// Writes the demo content once (nothing when the municipality has activities already).
pub async fn seed(db: &Db) -> Result<()> {
    let Ok(org) = platform::identity::organisation_by_slug(db, GEMEENTE).await else {
        return Ok(());
    };
    let done: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM preventie_activiteit WHERE organisation_id = $1")
            .bind(&org.id)
            .fetch_one(db.pool())
            .await?
            .try_get("n")?;
    if done > 0 {
        return Ok(());
    }
    let p = Principal::system("demo", &org, vec![Role::AdviseurIv]);
    let rq = RequestContext::new("demo");
    let year = platform::db::today_nl().year();
    let known = |c: &str| crate::html::known_wijk(c);
    let first_wijk = monitor::areas::wijken()
        .first()
        .map(|w| w.code.clone())
        .unwrap_or_default();

    let create = store::authorize_activiteiten::<act::Create>(db, &rq, &p, None).await?;
    for (soort, titel, doelgroep, wijk, datum, status, uit, aan, op, evaluatie) in [
        (
            "themaavond",
            "Themaavond ondermijning voor agrariërs (demo)",
            "agrariers",
            "",
            format!("{year}-03-12"),
            "gehouden",
            "160",
            "48",
            "41",
            "Veel vragen over verhuur van lege stallen; volgend jaar samen met de LTO-afdeling.",
        ),
        (
            "campagne",
            "Campagne phishing voor ondernemers (demo)",
            "ondernemers",
            "",
            format!("{year}-05-01"),
            "gehouden",
            "900",
            "",
            "350",
            "Bereik gemeten als geopende nieuwsbrief van de ondernemersvereniging.",
        ),
        (
            "informatiebijeenkomst",
            "Informatieavond helpdeskfraude voor senioren (demo)",
            "ouderen",
            first_wijk.as_str(),
            format!("{year}-12-18"),
            "gepland",
            "",
            "",
            "",
            "",
        ),
    ] {
        let a = ActiviteitIn {
            soort: soort.into(),
            titel: titel.into(),
            doelgroep: doelgroep.into(),
            wijk: wijk.into(),
            datum,
            partners: "Politie, ondernemersvereniging".into(),
            status: status.into(),
            uitnodigingen: uit.into(),
            aanmeldingen: aan.into(),
            opkomst: op.into(),
            evaluatie: evaluatie.into(),
        }
        .parse(&known)
        .map_err(invalid)?;
        store::activiteit_nieuw(db, &create, &a).await?;
    }

    let bulletin = store::authorize_bulletins::<act::Create>(db, &rq, &p, None).await?;
    let b = BulletinIn {
        titel: "Let op: valse berichten over pakketjes (demo)".into(),
        doelgroep: "iedereen".into(),
        tekst: "Criminelen sturen sms'jes over een pakketje dat niet bezorgd kon worden, met een link naar een nagemaakte betaalpagina.\n\nKlik niet op zo'n link. Twijfelt u? Kijk in de app of op de website van de bezorger zelf.".into(),
    }
    .parse()
    .map_err(invalid)?;
    let id = store::bulletin_nieuw(db, &bulletin, &b).await?;
    let publish = store::authorize_bulletins::<act::Update>(db, &rq, &p, Some(&id)).await?;
    store::bulletin_publiceren(db, &publish).await?;

    let partners = store::authorize_partners::<act::Create>(db, &rq, &p, None).await?;
    let school = store::partner_nieuw(
        db,
        &partners,
        "school",
        "Basisschool De Notenkraker (demo)",
        "Vianen",
    )
    .await?;
    store::partner_nieuw(
        db,
        &partners,
        "jongerenwerk",
        "Jongerenwerk Lekstroom (demo)",
        "Vianen",
    )
    .await?;
    let afspraak = AfspraakIn {
        partner: school.clone(),
        programma: "Weerbaar tegen ronselen, groep 8".into(),
        doelgroep: "beide".into(),
        van: format!("{year}-09-01"),
        tot: format!("{}-06-30", year + 1),
        status: "lopend".into(),
        notitie: "Gastlessen door politie en jongerenwerk; training voor leerkrachten.".into(),
    }
    .parse(&|pid| pid == school)
    .map_err(invalid)?;
    store::afspraak_nieuw(db, &partners, &afspraak).await?;

    if !first_wijk.is_empty() {
        let groepen = store::authorize_groepen::<act::Create>(db, &rq, &p, None).await?;
        let g = GroepIn {
            naam: "Groep Stationsplein (demo)".into(),
            wijk: first_wijk.clone(),
            buurt: String::new(),
            plekken: "Bankjes bij het station, portiek van de supermarkt".into(),
        }
        .parse(&known, &crate::groepen::known_buurt)
        .map_err(invalid)?;
        let gid = store::groep_nieuw(db, &groepen, &g).await?;
        let update = store::authorize_groepen::<act::Update>(db, &rq, &p, Some(&gid)).await?;
        let scan = ScanIn {
            // Two months ago, so the scan is never dated in the future.
            datum: platform::db::today_nl()
                .checked_sub(jiff::Span::new().days(60))
                .map(|d| d.to_string())
                .unwrap_or_default(),
            bron: "Politie basisteam Lekpoort, groepsscan (demo)".into(),
            ernst: "midden".into(),
            risicos: "Overlast in de avond; signalen van ronselen voor drugskoeriers.".into(),
            ontwikkeling: "toenemend".into(),
            impact: "Bewoners mijden het plein na donker.".into(),
            toelichting: String::new(),
        }
        .parse(platform::db::today_nl())
        .map_err(invalid)?;
        store::scan_toevoegen(db, &update, &scan).await?;
        let actie = ActieIn {
            omschrijving: "Gastles weerbaarheid tegen ronselen".into(),
            partner: school.clone(),
            eigenaar: "Jongerenwerker Vianen".into(),
            herzien_op: format!("{}-02-01", year + 1),
        }
        .parse(&|pid| pid == school)
        .map_err(invalid)?;
        store::actie_toevoegen(db, &update, &actie).await?;

        if let Some(team) = platform::identity::list_teams(db, &org.id)
            .await?
            .into_iter()
            .find(|t| t.slug == "integrale-veiligheid")
        {
            let buurten = store::authorize_buurten::<act::Create>(db, &rq, &p, None).await?;
            let t = BuurtteamIn {
                soort: "whatsapp".into(),
                naam: "WhatsApp-buurtpreventie Centrum (demo)".into(),
                wijk: first_wijk.clone(),
                buurt: String::new(),
                beheer_team: team.id.clone(),
                deelnemers: "64".into(),
            }
            .parse(&known, &crate::groepen::known_buurt, &|t| t == team.id)
            .map_err(invalid)?;
            store::buurtteam_nieuw(db, &buurten, &t).await?;
        }
    }
    Ok(())
}
