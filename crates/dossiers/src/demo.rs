//! Demo content: a PGA case directed by the demo procesregisseur (team Sociaal Domein) with the
//! police, the GGD and a housing corporation taking part under a fictitious covenant, each
//! seeing what its grant allows. All names are fictitious. Written through the access engine
//! on behalf of the demo account, so the audit log shows it.

use platform::access::{self, Action, Purpose, RequestContext};
use platform::db::Db;
use platform::secrets::DataKey;
use sqlx::Row;

use crate::access::{Dossierlijst, Toevoegen, Wijzigen};
use crate::store::{
    self, Doelen, NieuwConvenant, NieuwDossier, NieuwItem, NieuwSubject, NieuweDeelname,
    NieuwePartij, StoreError, Sturing,
};

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Access(#[from] access::AccessError),
    #[error("{0}")]
    Other(String),
}

fn other(e: impl std::fmt::Display) -> DemoError {
    DemoError::Other(e.to_string())
}

/// Loads the demo case once; needs the demo accounts (platform::seed::demo) to exist.
pub async fn seed_demo(db: &Db, key: Option<&DataKey>) -> Result<(), DemoError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM dossiers_dossier")
        .fetch_one(db.pool())
        .await
        .map_err(StoreError::from)?
        .try_get("n")
        .map_err(StoreError::from)?;
    if n > 0 {
        return Ok(());
    }
    let Ok(uid) =
        platform::identity::user_id_by_email(db, "procesregisseur@vijfheerenlanden.demo").await
    else {
        return Ok(()); // no demo accounts: nothing to direct the case
    };
    let Some(p) = platform::identity::load_principal(db, &uid)
        .await
        .map_err(other)?
    else {
        return Ok(());
    };
    let org = |slug: &'static str| async move {
        platform::identity::organisation_by_slug(db, slug)
            .await
            .map(|o| o.id)
            .map_err(other)
    };
    let politie = org("politie-lekpoort").await?;
    let ggd = org("ggd-regio-utrecht").await?;
    let wonen = org("kleurrijk-wonen").await?;
    let ctx = RequestContext::new("cli");
    // Covenants are recorded by the administrator, not by the procesregisseur.
    let admin_id = platform::identity::user_id_by_email(db, "beheerder@vijfheerenlanden.demo")
        .await
        .map_err(other)?;
    let admin = platform::identity::load_principal(db, &admin_id)
        .await
        .map_err(other)?
        .ok_or_else(|| other("no admin"))?;
    let cauth = access::authorize(
        db,
        &ctx,
        &admin,
        Action::Create,
        crate::access::Convenanten,
        Purpose::Beheer,
    )
    .await?;
    let year = store::vandaag().year();
    let convenant = store::create_convenant(
        db,
        &cauth,
        &NieuwConvenant {
            naam: "Privacyconvenant PGA en Zorg- en Veiligheidshuis (demo)".into(),
            doelen: Doelen::Lijst(vec![
                "Voorkomen van strafbare feiten en overlast".into(),
                "Bieden van passende zorg".into(),
                "Beëindigen van woonoverlast".into(),
            ]),
            zaaktypen: [
                "pga",
                "zvh-top-x",
                "zvh-mda",
                "zvh-onbegrepen-gedrag",
                "nazorg",
                "woonoverlast",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            geldig_van: format!("{}-01-01", year - 1),
            geldig_tot: format!("{}-12-31", year + 2),
            partijen: vec![
                NieuwePartij {
                    organisation_id: politie.clone(),
                    ontvangen: vec!["basisgegevens".into(), "strafrechtelijk".into()],
                    verstrekken: vec!["basisgegevens".into(), "strafrechtelijk".into()],
                    grondslag: Some("art. 20 Wet politiegegevens".into()),
                    // Only the officers the municipality names see the cases.
                    alleen_vertegenwoordigers: true,
                    ..Default::default()
                },
                NieuwePartij {
                    organisation_id: ggd.clone(),
                    ontvangen: vec!["basisgegevens".into(), "zorg-welzijn".into()],
                    verstrekken: vec!["zorg-welzijn".into()],
                    grondslag: Some("Wet publieke gezondheid; art. 9 lid 2 sub h AVG".into()),
                    ..Default::default()
                },
                NieuwePartij {
                    organisation_id: wonen.clone(),
                    ontvangen: vec!["basisgegevens".into(), "wonen".into()],
                    verstrekken: vec!["wonen".into()],
                    grondslag: Some("art. 6 lid 1 sub e AVG (taak van algemeen belang)".into()),
                    ..Default::default()
                },
            ],
            partijen_zien_elkaar: false,
        },
    )
    .await?;
    // The police's named representative: the demo partner account.
    store::vertegenwoordiger_toevoegen(
        db,
        &ctx,
        &cauth,
        &convenant,
        &store::NieuweVertegenwoordiger {
            organisation_id: politie.clone(),
            email: "ketenpartner@politie-lekpoort.demo".into(),
        },
    )
    .await?;
    let team = platform::identity::team_ids_of_user(db, &uid)
        .await
        .map_err(other)?;
    let Some(team) = team.first().cloned() else {
        return Ok(());
    };
    let lauth = access::authorize(
        db,
        &ctx,
        &p,
        Action::Create,
        Dossierlijst,
        Purpose::Uitvoering,
    )
    .await?;
    let id = store::create(
        db,
        &lauth,
        &NieuwDossier {
            zaaktype: "pga".into(),
            titel: "Overlast en zorgen rond de Lingedijk (demo)".into(),
            regie_team_id: team,
            herkomst: "melding".into(),
            melding: None,
            reviewdatum: Some(
                store::vandaag()
                    .checked_add(jiff::Span::new().days(14))
                    .unwrap_or(store::vandaag())
                    .to_string(),
            ),
        },
    )
    .await?;
    let auth = store::open::<Wijzigen>(db, &ctx, &p, &id).await?;
    if key.is_some() {
        store::add_subject(
            db,
            &auth,
            key,
            &NieuwSubject {
                soort: "persoon".into(),
                naam: "Jan Voorbeeld (fictief)".into(),
                geboortedatum: Some("1989-03-14".into()),
                bsn: Some("111222333".into()),
                adres: Some("Lingedijk 1".into()),
                postcode: Some("4142 AA".into()),
                rol: "betrokkene".into(),
                ..Default::default()
            },
        )
        .await?;
    }
    for (org_id, doel) in [
        (&politie, "Voorkomen van strafbare feiten en overlast"),
        (&ggd, "Bieden van passende zorg"),
        (&wonen, "Beëindigen van woonoverlast"),
    ] {
        store::admit(
            db,
            &auth,
            &NieuweDeelname {
                organisation_id: org_id.clone(),
                convenant_id: convenant.clone(),
                doel: doel.into(),
                van: None,
                tot: None,
            },
        )
        .await?;
    }
    // An addendum: the terms change, the participations above keep version 1.
    let huidig = store::convenanten(db)
        .await?
        .into_iter()
        .find(|c| c.id == convenant)
        .ok_or_else(|| other("no covenant"))?;
    store::nieuwe_versie(
        db,
        &cauth,
        &convenant,
        &store::NieuweVersie {
            doelen: Doelen::Lijst(
                huidig
                    .doelen
                    .iter()
                    .map(|d| d.omschrijving.clone())
                    .chain(["Nazorg na detentie".to_string()])
                    .collect(),
            ),
            partijen_zien_elkaar: false,
            partijen: huidig
                .partijen
                .iter()
                .map(|p| NieuwePartij {
                    organisation_id: p.organisation_id.clone(),
                    ontvangen: p.ontvangen.clone(),
                    verstrekken: p.verstrekken.clone(),
                    grondslagen: p.grondslagen.clone(),
                    alleen_vertegenwoordigers: p.alleen_vertegenwoordigers,
                    grondslag: None,
                })
                .collect(),
            toelichting: "Addendum (demo): nazorg na detentie als doel toegevoegd.".into(),
        },
    )
    .await?;
    let toevoegen = store::open::<Toevoegen>(db, &ctx, &p, &id).await?;
    let item = |soort: &str, categorie: &str, titel: &str, tekst: &str| NieuwItem {
        soort: soort.into(),
        categorie: categorie.into(),
        titel: titel.into(),
        tekst: tekst.into(),
        ..Default::default()
    };
    for n in [
        item(
            "notitie",
            "strafrechtelijk",
            "Politie: drie incidenten in zes weken",
            "Fictief: burenruzie, vernieling, bedreiging.",
        ),
        item(
            "notitie",
            "zorg-welzijn",
            "GGD: eerder in beeld bij de crisisdienst",
            "Fictief: geen actuele behandeling.",
        ),
        item(
            "notitie",
            "wonen",
            "Corporatie: huurachterstand en klachten van buren",
            "Fictief.",
        ),
        NieuwItem {
            leefgebied: Some("wonen".into()),
            ..item("doel", "wonen", "Overlast stopt binnen drie maanden", "")
        },
        NieuwItem {
            eigenaar_organisation_id: Some(ggd.clone()),
            deadline: Some(
                store::vandaag()
                    .checked_add(jiff::Span::new().days(10))
                    .unwrap_or(store::vandaag())
                    .to_string(),
            ),
            ..item("taak", "zorg-welzijn", "Huisbezoek GGD", "")
        },
    ] {
        store::add_item(db, &toevoegen, &n).await?;
    }
    store::change_fase(db, &auth, "triage", "Casus besproken in het PGA-overleg").await?;
    store::stuur(
        db,
        &auth,
        &Sturing::Ave {
            fase: 2,
            toelichting: "Meerdere partners nodig".into(),
        },
    )
    .await?;
    store::stuur(
        db,
        &auth,
        &Sturing::Inwoner {
            status: "uitgenodigd".into(),
            toelichting: "Uitgenodigd voor een gesprek over het plan".into(),
        },
    )
    .await?;
    Ok(())
}
