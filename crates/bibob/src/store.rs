//! The module's tables: the only code that touches them. Every read of a screening is audited
//! through the access engine in the transaction that reads it.

use jiff::civil::Date;
use platform::access::{self, act, ActionType, Authorized, Principal, Purpose, RequestContext};
use platform::audit::{self, AuditEntry};
use platform::db::{new_id, now_ms, Db, DbError, Tx};
use platform::identity::FieldError;
use sqlx::Row;

use crate::access::{coordinator, Beleid, Screening, Screenings, BESLISSER_ROLLEN};
use crate::input::{Nieuw, Wijziging};
use crate::model::{self, Soort, Toets};
use platform::access::Role;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
    #[error(transparent)]
    Access(#[from] access::AccessError),
    #[error(transparent)]
    Identity(#[from] platform::identity::IdentityError),
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
}

pub type Result<T> = std::result::Result<T, StoreError>;

fn date(s: Option<String>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}

// ---------------------------------------------------------------------------------------------
// Policy.

/// One row of the municipality's Bibob policy.
#[derive(Clone, Debug)]
pub struct BeleidRegel {
    pub soort: Soort,
    pub toets: Toets,
    pub toelichting: String,
}

/// Reference data: the default policy for every municipality that has none yet (idempotent).
pub async fn seed(db: &Db) -> Result<()> {
    // The kernel's organisations, through its function (the module does not read kernel tables).
    let municipalities = platform::identity::list_organisations(db)
        .await?
        .into_iter()
        .filter(|o| o.kind == access::KIND_GEMEENTE);
    let now = now_ms();
    for o in municipalities {
        let org = o.id;
        let have: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM bibob_beleid WHERE organisation_id = $1")
                .bind(&org)
                .fetch_one(db.pool())
                .await?
                .try_get("n")?;
        if have >= Soort::ALL.len() as i64 {
            continue;
        }
        let mut tx = db.begin().await?;
        for s in Soort::ALL {
            sqlx::query(
                "INSERT INTO bibob_beleid (organisation_id, soort, toets, toelichting, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5, 'systeem') ON CONFLICT (organisation_id, soort) DO NOTHING",
            )
            .bind(&org)
            .bind(s.slug())
            .bind(s.standaard_toets().slug())
            .bind("")
            .bind(now)
            .execute(tx.conn()?)
            .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

async fn beleid_rows(db: &Db, organisation_id: &str) -> Result<Vec<BeleidRegel>> {
    let rows = sqlx::query(
        "SELECT soort, toets, toelichting FROM bibob_beleid WHERE organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for s in Soort::ALL {
        let row = rows
            .iter()
            .find(|r| r.try_get::<String, _>("soort").ok().as_deref() == Some(s.slug()));
        let (toets, toelichting) = match row {
            Some(r) => (
                Toets::from_slug(&r.try_get::<String, _>("toets")?).unwrap_or(s.standaard_toets()),
                r.try_get("toelichting")?,
            ),
            None => (s.standaard_toets(), String::new()),
        };
        out.push(BeleidRegel {
            soort: s,
            toets,
            toelichting,
        });
    }
    Ok(out)
}

pub async fn authorize_beleid<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
) -> Result<Authorized<Beleid, A>> {
    let r = Beleid {
        organisation_id: p.organisation_id.clone(),
    };
    Ok(access::authorize_as(db, request, p, r, Purpose::Uitvoering).await?)
}

/// The policy, one row per kind.
pub async fn beleid<A: ActionType>(
    db: &Db,
    auth: &Authorized<Beleid, A>,
) -> Result<Vec<BeleidRegel>> {
    beleid_rows(db, &auth.resource().organisation_id).await
}

/// Changes the policy for one kind; recorded in the audit log.
pub async fn set_beleid(
    db: &Db,
    auth: &Authorized<Beleid, act::Update>,
    soort: Soort,
    toets: Toets,
    toelichting: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO bibob_beleid (organisation_id, soort, toets, toelichting, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (organisation_id, soort) DO UPDATE SET \
         toets = excluded.toets, toelichting = excluded.toelichting, updated_at = excluded.updated_at, \
         updated_by = excluded.updated_by",
    )
    .bind(&auth.resource().organisation_id)
    .bind(soort.slug())
    .bind(toets.slug())
    .bind(toelichting)
    .bind(now_ms())
    .bind(&auth.principal().user_id)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Access to screenings.

async fn beslissers_of(db: &Db, id: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query("SELECT user_id FROM bibob_beslisser WHERE screening_id = $1")
            .bind(id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| r.try_get("user_id"))
            .collect::<std::result::Result<_, _>>()?,
    )
}

/// The capability for `A` on one screening, decided on its organisation and named deciders as
/// stored. A screening that does not exist is refused like one the person may not see (and
/// audited), so whether it exists does not leak to those outside the need-to-know.
pub async fn authorize_screening<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    id: &str,
) -> Result<Authorized<Screening, A>> {
    let row = sqlx::query("SELECT organisation_id FROM bibob_screening WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let resource = match row {
        Some(r) => Screening {
            id: Some(id.to_string()),
            organisation_id: r.try_get("organisation_id")?,
            beslissers: beslissers_of(db, id).await?,
        },
        None => Screening {
            id: Some(id.to_string()),
            organisation_id: String::new(),
            beslissers: Vec::new(),
        },
    };
    // The coordinator may know that a screening does not (or no longer) exist; anyone else is
    // refused as for one they may not see.
    if resource.organisation_id.is_empty() && coordinator(p) {
        return Err(StoreError::NotFound);
    }
    Ok(access::authorize_as(db, request, p, resource, Purpose::Uitvoering).await?)
}

/// The capability to start a screening in the person's own municipality.
pub async fn authorize_new(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
) -> Result<Authorized<Screening, act::Create>> {
    let r = Screening {
        id: None,
        organisation_id: p.organisation_id.clone(),
        beslissers: Vec::new(),
    };
    Ok(access::authorize_as(db, request, p, r, Purpose::Uitvoering).await?)
}

/// How many screenings name this person as a decider (a count, for the decision itself).
async fn named_in(db: &Db, user_id: &str) -> Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM bibob_beslisser WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(db.pool())
            .await?
            .try_get("n")?,
    )
}

/// The capability to list screenings.
pub async fn authorize_list(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
) -> Result<Authorized<Screenings, act::List>> {
    let r = Screenings {
        organisation_id: p.organisation_id.clone(),
        named_in: named_in(db, &p.user_id).await?,
    };
    Ok(access::authorize_as(db, request, p, r, Purpose::Uitvoering).await?)
}

// ---------------------------------------------------------------------------------------------
// Screenings.

/// A screening as stored.
#[derive(Clone, Debug, Default)]
pub struct Rij {
    pub id: String,
    pub kenmerk: String,
    pub soort: Option<Soort>,
    pub aanvraag: String,
    pub aanvraag_op: Option<Date>,
    pub beslistermijn: Option<Date>,
    pub aanleiding: String,
    pub signaal_bron: Option<String>,
    pub signaal: Option<String>,
    pub bedrijf: String,
    pub kvk: String,
    pub plaats_id: Option<String>,
    pub vragen_verzonden: Option<Date>,
    pub vragen_ontvangen: Option<Date>,
    pub antwoord_zeggenschap: Option<String>,
    pub antwoord_financiering: Option<String>,
    pub antwoord_leidinggevenden: Option<String>,
    pub antwoord_antecedenten: Option<String>,
    pub lbb_gevraagd: Option<Date>,
    pub geinformeerd: Option<Date>,
    pub lbb_verlengd: bool,
    pub advies_op: Option<Date>,
    pub advies_niveau: Option<model::Niveau>,
    pub advies_samenvatting: Option<String>,
    pub voornemen_op: Option<Date>,
    pub voornemen: Option<String>,
    pub zienswijze_op: Option<Date>,
    pub zienswijze: Option<String>,
    pub besluit: Option<model::Besluit>,
    pub besluit_op: Option<Date>,
    pub evenredigheid: Option<String>,
    pub voorschriften: Option<String>,
}

fn rij(r: &sqlx::any::AnyRow) -> Result<Rij> {
    let s = |k: &str| -> Result<Option<String>> { Ok(r.try_get::<Option<String>, _>(k)?) };
    Ok(Rij {
        id: r.try_get("id")?,
        kenmerk: r.try_get("kenmerk")?,
        soort: Soort::from_slug(&r.try_get::<String, _>("soort")?),
        aanvraag: r.try_get("aanvraag")?,
        aanvraag_op: date(s("aanvraag_op")?),
        beslistermijn: date(s("beslistermijn")?),
        aanleiding: r.try_get("aanleiding")?,
        signaal_bron: s("signaal_bron")?,
        signaal: s("signaal")?,
        bedrijf: r.try_get("bedrijf")?,
        kvk: r.try_get("kvk")?,
        plaats_id: s("plaats_id")?,
        vragen_verzonden: date(s("vragen_verzonden")?),
        vragen_ontvangen: date(s("vragen_ontvangen")?),
        antwoord_zeggenschap: s("antwoord_zeggenschap")?,
        antwoord_financiering: s("antwoord_financiering")?,
        antwoord_leidinggevenden: s("antwoord_leidinggevenden")?,
        antwoord_antecedenten: s("antwoord_antecedenten")?,
        lbb_gevraagd: date(s("lbb_gevraagd")?),
        geinformeerd: date(s("betrokkene_geinformeerd")?),
        lbb_verlengd: r.try_get::<i64, _>("lbb_verlengd")? != 0,
        advies_op: date(s("advies_op")?),
        advies_niveau: s("advies_niveau")?.and_then(|n| model::Niveau::from_slug(&n)),
        advies_samenvatting: s("advies_samenvatting")?,
        voornemen_op: date(s("voornemen_op")?),
        voornemen: s("voornemen")?,
        zienswijze_op: date(s("zienswijze_op")?),
        zienswijze: s("zienswijze")?,
        besluit: s("besluit")?.and_then(|n| model::Besluit::from_slug(&n)),
        besluit_op: date(s("besluit_op")?),
        evenredigheid: s("evenredigheid")?,
        voorschriften: s("voorschriften")?,
    })
}

/// A source consulted in the own investigation.
#[derive(Clone, Debug)]
pub struct BronRij {
    pub bron: Option<model::Bron>,
    pub geraadpleegd_op: Option<Date>,
    pub bevindingen: String,
}

/// An extra question of the LBB.
#[derive(Clone, Debug)]
pub struct VraagRij {
    pub id: String,
    pub gesteld_op: Option<Date>,
    pub beantwoord_op: Option<Date>,
    pub onderwerp: String,
}

/// A named decider.
#[derive(Clone, Debug)]
pub struct Beslisser {
    pub id: String,
    pub naam: String,
}

/// A screening with everything recorded on it.
#[derive(Clone, Debug)]
pub struct Detail {
    pub rij: Rij,
    pub bronnen: Vec<BronRij>,
    pub vragen: Vec<VraagRij>,
    pub beslissers: Vec<Beslisser>,
}

impl Detail {
    /// The dates for the timeline.
    pub fn data(&self) -> model::Data {
        let r = &self.rij;
        model::Data {
            aanvraag: r.aanvraag_op,
            beslistermijn: r.beslistermijn,
            vragen_verzonden: r.vragen_verzonden,
            vragen_ontvangen: r.vragen_ontvangen,
            bronnen: self
                .bronnen
                .iter()
                .filter_map(|b| b.geraadpleegd_op)
                .collect(),
            lbb_gevraagd: r.lbb_gevraagd,
            geinformeerd: r.geinformeerd,
            advies: r.advies_op,
            voornemen: r.voornemen_op,
            zienswijze: r.zienswijze_op,
            besluit: r.besluit_op,
        }
    }

    /// The suspension of the decision deadline, once the LBB advice was requested.
    pub fn opschorting(
        &self,
        vandaag: Date,
    ) -> Option<std::result::Result<model::Opschorting, model::OpschortingFout>> {
        let r = &self.rij;
        let gevraagd = r.lbb_gevraagd?;
        let vragen: Vec<model::Vraag> = self
            .vragen
            .iter()
            .filter_map(|v| {
                Some(model::Vraag {
                    gesteld: v.gesteld_op?,
                    beantwoord: v.beantwoord_op,
                })
            })
            .collect();
        Some(model::opschorting(
            gevraagd,
            r.lbb_verlengd,
            &vragen,
            r.advies_op,
            r.beslistermijn,
            vandaag,
        ))
    }
}

/// The next reference of the year, e.g. `BIBOB-2026-0003`: one more than the highest of the
/// year (a count would repeat a number once a screening of the year is destroyed).
async fn next_kenmerk(tx: &mut Tx, jaar: i16) -> Result<String> {
    let prefix = format!("BIBOB-{jaar}-");
    let hoogste = sqlx::query("SELECT kenmerk FROM bibob_screening WHERE kenmerk LIKE $1")
        .bind(format!("{prefix}%"))
        .fetch_all(tx.conn()?)
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>("kenmerk").ok())
        .filter_map(|k| k.strip_prefix(&prefix).and_then(|n| n.parse::<i64>().ok()))
        .max()
        .unwrap_or(0);
    Ok(format!("{prefix}{:04}", hoogste + 1))
}

/// The policy of a municipality, for the rule that decides why a new screening starts (the
/// policy is no personal data; the coordinator's page reads it through [`beleid`]).
pub async fn toets_voor_alle(db: &Db, organisation_id: &str) -> Result<Vec<BeleidRegel>> {
    beleid_rows(db, organisation_id).await
}

/// Starts a screening. The policy decides the reason: a kind the policy always screens, or a
/// kind screened on a signal, which must then be named (checked by the caller's input).
pub async fn create(
    db: &Db,
    auth: &Authorized<Screening, act::Create>,
    n: &Nieuw,
    toets: Toets,
) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    let kenmerk = next_kenmerk(&mut tx, platform::db::today_nl().year()).await?;
    let aanleiding = match toets {
        Toets::Altijd => "beleid",
        Toets::BijSignaal => "signaal",
    };
    sqlx::query(
        "INSERT INTO bibob_screening (id, organisation_id, kenmerk, soort, aanvraag, aanvraag_op, \
         beslistermijn, aanleiding, signaal_bron, signaal, bedrijf, kvk, plaats_id, lbb_verlengd, \
         created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15, $15)",
    )
    .bind(&id)
    .bind(&auth.resource().organisation_id)
    .bind(&kenmerk)
    .bind(n.soort.slug())
    .bind(&n.aanvraag)
    .bind(n.aanvraag_op.to_string())
    .bind(n.beslistermijn.map(|d| d.to_string()))
    .bind(aanleiding)
    .bind(n.signaal_bron.map(|b| b.slug()))
    .bind(&n.signaal)
    .bind(&n.bedrijf)
    .bind(&n.kvk)
    .bind(&n.plaats_id)
    .bind(&auth.principal().user_id)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    auth.record_created(
        &mut tx,
        "bibob-screening",
        &id,
        Some(&format!("bibob-screening:{id}")),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The screenings the person may see: all of the municipality's for the coordinator, the ones
/// naming them for a decider. The list is audited as one read.
pub async fn list(db: &Db, auth: &Authorized<Screenings, act::List>) -> Result<Vec<Rij>> {
    let p = auth.principal();
    let rows = if coordinator(p) {
        sqlx::query(
            "SELECT * FROM bibob_screening WHERE organisation_id = $1 ORDER BY created_at DESC",
        )
        .bind(&auth.resource().organisation_id)
        .fetch_all(db.pool())
        .await?
    } else {
        sqlx::query(
            "SELECT s.* FROM bibob_screening s JOIN bibob_beslisser b ON b.screening_id = s.id \
             WHERE s.organisation_id = $1 AND b.user_id = $2 ORDER BY s.created_at DESC",
        )
        .bind(&auth.resource().organisation_id)
        .bind(&p.user_id)
        .fetch_all(db.pool())
        .await?
    };
    let out = rows.iter().map(rij).collect::<Result<Vec<_>>>()?;
    auth.record_grouped(db).await?;
    Ok(out)
}

async fn load(tx: &mut Tx, id: &str) -> Result<Detail> {
    let r = sqlx::query("SELECT * FROM bibob_screening WHERE id = $1")
        .bind(id)
        .fetch_optional(tx.conn()?)
        .await?
        .ok_or(StoreError::NotFound)?;
    let rij = rij(&r)?;
    let bronnen = sqlx::query(
        "SELECT bron, geraadpleegd_op, bevindingen FROM bibob_bron WHERE screening_id = $1 \
         ORDER BY geraadpleegd_op, created_at",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(BronRij {
            bron: model::Bron::from_slug(&r.try_get::<String, _>("bron")?),
            geraadpleegd_op: date(r.try_get("geraadpleegd_op")?),
            bevindingen: r.try_get("bevindingen")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let vragen = sqlx::query(
        "SELECT id, gesteld_op, beantwoord_op, onderwerp FROM bibob_vraag WHERE screening_id = $1 \
         ORDER BY gesteld_op, created_at",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(VraagRij {
            id: r.try_get("id")?,
            gesteld_op: date(r.try_get("gesteld_op")?),
            beantwoord_op: date(r.try_get("beantwoord_op")?),
            onderwerp: r.try_get("onderwerp")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let beslissers = sqlx::query(
        "SELECT u.id, u.name FROM bibob_beslisser b JOIN users u ON u.id = b.user_id \
         WHERE b.screening_id = $1 ORDER BY u.name",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(Beslisser {
            id: r.try_get("id")?,
            naam: r.try_get("name")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(Detail {
        rij,
        bronnen,
        vragen,
        beslissers,
    })
}

/// One screening with everything on it; the read is audited in the same transaction.
pub async fn get<A: ActionType>(db: &Db, auth: &Authorized<Screening, A>) -> Result<Detail> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let d = load(&mut tx, &id).await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(d)
}

/// The accounts the coordinator may name as deciders (the municipality's burgemeester and
/// jurists), under the decision about the screening.
pub async fn kandidaten<A: access::ActionKind>(
    db: &Db,
    auth: &Authorized<Screening, A>,
) -> Result<Vec<Beslisser>> {
    Ok(
        platform::identity::colleagues(db.pool(), auth, &BESLISSER_ROLLEN, None)
            .await?
            .into_iter()
            .map(|c| Beslisser {
                id: c.id,
                naam: c.name,
            })
            .collect(),
    )
}

/// Records one step on a screening (validated by `input`); audited as an update.
pub async fn wijzig(
    db: &Db,
    auth: &Authorized<Screening, act::Update>,
    w: &Wijziging,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let by = auth.principal().user_id.clone();
    let now = now_ms();
    let d = |x: &Option<Date>| x.map(|d| d.to_string());
    let mut tx = db.begin().await?;
    match w {
        Wijziging::Vragenformulier {
            verzonden,
            ontvangen,
            zeggenschap,
            financiering,
            leidinggevenden,
            antecedenten,
        } => {
            sqlx::query(
                "UPDATE bibob_screening SET vragen_verzonden = $1, vragen_ontvangen = $2, \
                 antwoord_zeggenschap = $3, antwoord_financiering = $4, antwoord_leidinggevenden = $5, \
                 antwoord_antecedenten = $6, updated_at = $7 WHERE id = $8",
            )
            .bind(verzonden.to_string())
            .bind(d(ontvangen))
            .bind(zeggenschap)
            .bind(financiering)
            .bind(leidinggevenden)
            .bind(antecedenten)
            .bind(now)
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
        }
        Wijziging::Bron {
            bron,
            op,
            bevindingen,
        } => {
            sqlx::query(
                "INSERT INTO bibob_bron (id, screening_id, bron, geraadpleegd_op, bevindingen, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(new_id())
            .bind(&id)
            .bind(bron.slug())
            .bind(op.to_string())
            .bind(bevindingen)
            .bind(&by)
            .bind(now)
            .execute(tx.conn()?)
            .await?;
        }
        Wijziging::Lbb {
            gevraagd,
            geinformeerd,
            verlengd,
        } => {
            sqlx::query(
                "UPDATE bibob_screening SET lbb_gevraagd = $1, betrokkene_geinformeerd = $2, \
                 lbb_verlengd = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(gevraagd.to_string())
            .bind(geinformeerd.to_string())
            .bind(i64::from(*verlengd))
            .bind(now)
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
        }
        Wijziging::Vraag { gesteld, onderwerp } => {
            sqlx::query(
                "INSERT INTO bibob_vraag (id, screening_id, gesteld_op, onderwerp, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(new_id())
            .bind(&id)
            .bind(gesteld.to_string())
            .bind(onderwerp)
            .bind(&by)
            .bind(now)
            .execute(tx.conn()?)
            .await?;
        }
        Wijziging::Antwoord { vraag, op } => {
            sqlx::query(
                "UPDATE bibob_vraag SET beantwoord_op = $1 WHERE id = $2 AND screening_id = $3",
            )
            .bind(op.to_string())
            .bind(vraag)
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
        }
        Wijziging::Advies {
            op,
            niveau,
            samenvatting,
        } => {
            sqlx::query(
                "UPDATE bibob_screening SET advies_op = $1, advies_niveau = $2, advies_samenvatting = $3, \
                 updated_at = $4 WHERE id = $5",
            )
            .bind(op.to_string())
            .bind(niveau.slug())
            .bind(samenvatting)
            .bind(now)
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
        }
        Wijziging::Voornemen {
            op,
            tekst,
            zienswijze_op,
            zienswijze,
        } => {
            sqlx::query(
                "UPDATE bibob_screening SET voornemen_op = $1, voornemen = $2, zienswijze_op = $3, \
                 zienswijze = $4, updated_at = $5 WHERE id = $6",
            )
            .bind(op.to_string())
            .bind(tekst)
            .bind(d(zienswijze_op))
            .bind(zienswijze)
            .bind(now)
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
        }
        Wijziging::Besluit {
            besluit,
            op,
            evenredigheid,
            voorschriften,
        } => {
            sqlx::query(
                "UPDATE bibob_screening SET besluit = $1, besluit_op = $2, evenredigheid = $3, \
                 voorschriften = $4, updated_at = $5 WHERE id = $6",
            )
            .bind(besluit.slug())
            .bind(op.to_string())
            .bind(evenredigheid)
            .bind(voorschriften)
            .bind(now)
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
        }
        Wijziging::Beslissers(ids) => {
            // Only accounts of the municipality holding a decider role can be named.
            let allowed: Vec<String> =
                platform::identity::colleagues(tx.conn()?, auth, &BESLISSER_ROLLEN, None)
                    .await?
                    .into_iter()
                    .map(|c| c.id)
                    .collect();
            sqlx::query("DELETE FROM bibob_beslisser WHERE screening_id = $1")
                .bind(&id)
                .execute(tx.conn()?)
                .await?;
            for u in ids.iter().filter(|u| allowed.contains(u)) {
                sqlx::query("INSERT INTO bibob_beslisser (screening_id, user_id) VALUES ($1, $2)")
                    .bind(&id)
                    .bind(u)
                    .execute(tx.conn()?)
                    .await?;
            }
        }
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a screening exists for a place of the ondermijning register: existence only, for the
/// place page to show to the Bibob roles (the caller decides who sees the answer).
pub async fn exists_for_place(db: &Db, place_id: &str) -> Result<bool> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bibob_screening WHERE plaats_id = $1")
        .bind(place_id)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    Ok(n > 0)
}

/// Destroys the screenings decided more than five years before `vandaag` (Selectielijst 4.1.12),
/// with their sources, questions and deciders; each destruction is recorded in the audit log
/// (its reference and dates only). Returns the references destroyed.
pub async fn destroy_expired(db: &Db, vandaag: Date, origin: &str) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT id, kenmerk, besluit_op FROM bibob_screening WHERE besluit_op IS NOT NULL",
    )
    .fetch_all(db.pool())
    .await?;
    let mut done = Vec::new();
    for r in rows {
        let id: String = r.try_get("id")?;
        let kenmerk: String = r.try_get("kenmerk")?;
        let Some(besluit) = date(r.try_get("besluit_op")?) else {
            continue;
        };
        let Some(tot) = model::vernietigen_na(besluit) else {
            continue;
        };
        if tot > vandaag {
            continue;
        }
        let mut tx = db.begin().await?;
        crate::bijlagen::delete_all(&mut tx, &id).await?;
        for sql in [
            "DELETE FROM bibob_bron WHERE screening_id = $1",
            "DELETE FROM bibob_vraag WHERE screening_id = $1",
            "DELETE FROM bibob_beslisser WHERE screening_id = $1",
            "DELETE FROM bibob_screening WHERE id = $1",
        ] {
            sqlx::query(sql).bind(&id).execute(tx.conn()?).await?;
        }
        let mut e = AuditEntry::system(origin, "destroy", "bibob-screening");
        e.resource_id = Some(id.clone());
        e.subject_id = Some(format!("bibob-screening:{id}"));
        e.reason = Some(format!(
            "bewaartermijn Selectielijst 4.1.12 (5 jaar na het besluit van {besluit}) verstreken: {kenmerk}"
        ));
        audit::append(&mut tx, &e).await?;
        tx.commit().await?;
        done.push(kenmerk);
    }
    Ok(done)
}

/// Undecided screenings: of the municipality for its coordinator, naming the person otherwise.
pub async fn open_count(db: &Db, p: &Principal, coordinator: bool) -> Result<i64> {
    let q = if coordinator {
        sqlx::query(
            "SELECT COUNT(*) AS n FROM bibob_screening WHERE organisation_id = $1 AND besluit_op IS NULL",
        )
        .bind(&p.organisation_id)
    } else {
        sqlx::query(
            "SELECT COUNT(*) AS n FROM bibob_screening s JOIN bibob_beslisser b ON b.screening_id = s.id \
             WHERE s.organisation_id = $1 AND b.user_id = $2 AND s.besluit_op IS NULL",
        )
        .bind(&p.organisation_id)
        .bind(&p.user_id)
    };
    Ok(q.fetch_one(db.pool()).await?.try_get("n")?)
}

/// The fictitious KvK number of the demo screening, by which a second run finds it.
const DEMO_KVK: &str = "99000001";

/// One fictitious screening in the demo municipality, from application to the LBB advice with
/// the demo burgemeester as decider (once).
pub async fn seed_demo(db: &Db) -> Result<()> {
    use crate::input::Wijziging as W;
    let Ok(org) = platform::identity::organisation_by_slug(db, "vijfheerenlanden").await else {
        return Ok(());
    };
    let have: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM bibob_screening WHERE organisation_id = $1 AND kvk = $2",
    )
    .bind(&org.id)
    .bind(DEMO_KVK)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    if have > 0 {
        return Ok(());
    }
    let p = Principal::system("demo", &org, vec![Role::BibobCoordinator]);
    let request = RequestContext::new("demo");
    let vandaag = platform::db::today_nl();
    let dag = |n: i64| termijnen::add_days(vandaag, -n).unwrap_or(vandaag);
    let auth = authorize_new(db, &request, &p).await?;
    let n = Nieuw {
        soort: Soort::Exploitatievergunning,
        aanvraag: "Aanvraag exploitatievergunning café De Lekker Boot (fictief, demo)".into(),
        aanvraag_op: dag(70),
        beslistermijn: Some(dag(14)),
        signaal_bron: None,
        signaal: None,
        bedrijf: "Horeca Fictief B.V. (demo)".into(),
        kvk: DEMO_KVK.into(),
        plaats_id: None,
    };
    let id = create(db, &auth, &n, Toets::Altijd).await?;
    let upd = authorize_screening::<act::Update>(db, &request, &p, &id).await?;
    let burgemeester =
        platform::identity::user_id_by_email(db, "burgemeester@vijfheerenlanden.demo")
            .await
            .ok();
    let stappen = [
        W::Vragenformulier {
            verzonden: dag(68),
            ontvangen: Some(dag(55)),
            zeggenschap: Some("Eén bestuurder, tevens enig aandeelhouder (fictief).".into()),
            financiering: Some(
                "Lening van een familielid zonder schriftelijke overeenkomst (fictief).".into(),
            ),
            leidinggevenden: Some(
                "Twee leidinggevenden, beiden op het aanhangsel (fictief).".into(),
            ),
            antecedenten: None,
        },
        W::Bron {
            bron: model::Bron::OpenBronnen,
            op: dag(50),
            bevindingen: "Geen bijzonderheden in KvK-historie en nieuwsbronnen (fictief).".into(),
        },
        W::Bron {
            bron: model::Bron::PolitieInfodesk,
            op: dag(45),
            bevindingen: "Informatie over de financier; zie vertrouwelijk verslag (fictief)."
                .into(),
        },
        W::Lbb {
            gevraagd: dag(40),
            geinformeerd: dag(40),
            verlengd: false,
        },
        W::Vraag {
            gesteld: dag(30),
            onderwerp: "Herkomst van de lening (fictief)".into(),
        },
        W::Beslissers(burgemeester.into_iter().collect()),
    ];
    for w in &stappen {
        wijzig(db, &upd, w).await?;
    }
    Ok(())
}
