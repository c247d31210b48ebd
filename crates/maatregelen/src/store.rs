//! The module's tables: the only code that touches them. Functions that return or change
//! personal data take an `Authorized` capability and record the access in their transaction.

use std::collections::HashMap;

use jiff::civil::Date;
use platform::access::{act, ActionType, Authorized, Principal, Purpose, RequestContext};
use platform::audit::{self, AuditEntry};
use platform::db::{new_id, now_ms, Db, DbError, Tx};
use platform::identity::{field_error, FieldError};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access;
use crate::brief::{self, BriefSoort};
use crate::locatie;
use crate::model::{self, Eenheid, Ladder, LadderRegel, Soort, Stap, StapSoort, Voorval};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A step or choice the rules refuse, with the Dutch reason.
    #[error("{0}")]
    Refused(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Access(#[from] platform::access::AccessError),
}

impl platform::web::errors::Classify for StoreError {
    fn classify(self) -> platform::web::errors::Failure {
        use platform::web::errors::Failure;
        match self {
            StoreError::Invalid(errors) => Failure::Invalid(errors),
            StoreError::Refused(reason) => {
                Failure::Invalid(vec![platform::identity::field_error("stap", &reason)])
            }
            StoreError::NotFound => Failure::NotFound,
            StoreError::Db(e) => e.classify(),
            StoreError::Access(e) => e.classify(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(DbError::Sql(e))
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// A measure without its steps.
#[derive(Clone, Debug)]
pub struct Maatregel {
    pub id: String,
    /// The human reference, e.g. `MR-2026-0042` (unique; per-year sequence).
    pub kenmerk: String,
    pub organisation_id: String,
    pub soort: Soort,
    pub onderwerp: String,
    pub locatie: String,
    pub ladder: Option<Ladder>,
    pub ladder_versie: Option<i64>,
    pub beleid: Option<String>,
    pub voorstel: Option<String>,
    pub voorstel_soort: Option<String>,
    pub afwijking_reden: Option<String>,
    pub duur: Option<i64>,
    pub duur_eenheid: Option<String>,
    /// The team that handles the measure (deadline overview, reminders).
    pub team_id: Option<String>,
    pub created_at: i64,
    /// The policy defines the measure as a warning, not a besluit.
    pub waarschuwing: bool,
    /// The BAG verblijfsobject id of the address, when known.
    pub locatie_bag: Option<String>,
    /// The operator's KvK number or establishment number, when known.
    pub exploitant: Option<String>,
    /// The offence's quantity (thousandths) and unit, on a Damocles ladder.
    pub hoeveelheid: Option<(i64, String)>,
}

impl Maatregel {
    /// What the measure's procedure depends on.
    pub fn zaak(&self) -> model::Zaak {
        model::Zaak {
            soort: self.soort,
            waarschuwing: self.waarschuwing,
        }
    }

    pub fn duur_tekst(&self) -> String {
        match (self.duur, self.duur_eenheid.as_deref()) {
            (Some(d), Some(e)) if d > 0 => format!("{d} {e}"),
            _ => String::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Detail {
    pub maatregel: Maatregel,
    pub stappen: Vec<Stap>,
    pub brieven: Vec<BriefRij>,
}

/// A drafted letter in the list on a measure (without its text).
#[derive(Clone, Debug)]
pub struct BriefRij {
    pub id: String,
    pub brief: BriefSoort,
    pub titel: String,
    pub datum: Date,
    pub created_at: i64,
    /// When a legal adviser finalised it (then it is frozen); None for a draft.
    pub definitief_at: Option<i64>,
}

fn date(s: Option<String>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}

const MAATREGEL_COLS: &str = "id, kenmerk, organisation_id, soort, onderwerp, locatie, ladder, ladder_versie, beleid, voorstel, voorstel_soort, afwijking_reden, duur, duur_eenheid, team_id, created_at, waarschuwing, locatie_bag, exploitant, voorval_hoeveelheid_milli, voorval_eenheid";

fn maatregel_row(r: &AnyRow) -> Result<Maatregel> {
    let soort: String = r.try_get("soort")?;
    let ladder: Option<String> = r.try_get("ladder")?;
    let kenmerk: Option<String> = r.try_get("kenmerk")?;
    Ok(Maatregel {
        id: r.try_get("id")?,
        kenmerk: kenmerk.unwrap_or_default(),
        organisation_id: r.try_get("organisation_id")?,
        soort: Soort::from_slug(&soort).ok_or(StoreError::NotFound)?,
        onderwerp: r.try_get("onderwerp")?,
        locatie: r.try_get("locatie")?,
        ladder: ladder.as_deref().and_then(Ladder::from_slug),
        ladder_versie: r.try_get("ladder_versie")?,
        beleid: r.try_get("beleid")?,
        voorstel: r.try_get("voorstel")?,
        voorstel_soort: r.try_get("voorstel_soort")?,
        afwijking_reden: r.try_get("afwijking_reden")?,
        duur: r.try_get("duur")?,
        duur_eenheid: r.try_get("duur_eenheid")?,
        team_id: r.try_get("team_id")?,
        created_at: r.try_get("created_at")?,
        waarschuwing: r.try_get::<i64, _>("waarschuwing")? != 0,
        locatie_bag: r.try_get("locatie_bag")?,
        exploitant: r.try_get("exploitant")?,
        hoeveelheid: r
            .try_get::<Option<i64>, _>("voorval_hoeveelheid_milli")?
            .map(|q| {
                (
                    q,
                    r.try_get::<Option<String>, _>("voorval_eenheid")
                        .ok()
                        .flatten()
                        .unwrap_or_default(),
                )
            }),
    })
}

fn stap_row(r: &AnyRow) -> Result<Stap> {
    let soort: String = r.try_get("soort")?;
    let datum: String = r.try_get("datum")?;
    let ontvangen: Option<i64> = r.try_get("ontvangen")?;
    let dagen: Option<i64> = r.try_get("dagen")?;
    let adviescommissie: Option<i64> = r.try_get("adviescommissie")?;
    let weken: Option<i64> = r.try_get("weken")?;
    let tegen: Option<String> = r.try_get("tegen")?;
    Ok(Stap {
        soort: StapSoort::from_slug(&soort).ok_or(StoreError::NotFound)?,
        datum: datum.parse().map_err(|_| StoreError::NotFound)?,
        toelichting: r.try_get("toelichting")?,
        bron: r.try_get("bron")?,
        referentie: r.try_get("referentie")?,
        melding_id: r.try_get("melding_id")?,
        ontvangen: ontvangen.map(|v| v != 0),
        dagen: dagen.and_then(|d| u32::try_from(d).ok()),
        tot: date(r.try_get("tot")?),
        bedrag_cent: r.try_get("bedrag_cent")?,
        maximum_cent: r.try_get("maximum_cent")?,
        noodzaak: r.try_get("noodzaak")?,
        evenredigheid: r.try_get("evenredigheid")?,
        subsidiariteit: r.try_get("subsidiariteit")?,
        reden: r.try_get("reden")?,
        adviescommissie: adviescommissie.map(|v| v != 0),
        weken: weken.and_then(|w| u32::try_from(w).ok()),
        tegen: tegen.as_deref().and_then(model::Tegen::from_slug),
    })
}

/// The organisation a measure belongs to (no personal data), to build the access resource.
/// The capability for action `A` on measure `id`, decided on the organisation the store reads
/// itself (never one a caller names).
pub async fn authorize_measure<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    id: &str,
) -> Result<Authorized<access::Maatregel, A>> {
    let organisation_id = organisation_of(db, id).await?;
    let resource = access::Maatregel {
        id: Some(id.to_string()),
        organisation_id,
    };
    Ok(platform::access::authorize_as(db, request, p, resource, Purpose::Uitvoering).await?)
}

/// The capability to create a measure in the principal's own organisation.
pub async fn authorize_new(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
) -> Result<Authorized<access::Maatregel, act::Create>> {
    let resource = access::Maatregel {
        id: None,
        organisation_id: p.organisation_id.clone(),
    };
    Ok(platform::access::authorize_as(db, request, p, resource, Purpose::Uitvoering).await?)
}

async fn organisation_of(db: &Db, id: &str) -> Result<String> {
    let row = sqlx::query("SELECT organisation_id FROM maatregelen_maatregel WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.try_get("organisation_id")?)
}

async fn load_steps(tx: &mut Tx, id: &str) -> Result<Vec<Stap>> {
    let rows =
        sqlx::query("SELECT * FROM maatregelen_stap WHERE maatregel_id = $1 ORDER BY positie")
            .bind(id)
            .fetch_all(tx.conn()?)
            .await?;
    rows.iter().map(stap_row).collect()
}

/// The steps of every measure whose id the subquery `which` selects, by measure and in order:
/// one query for a daily job instead of one per measure.
async fn steps_of_many(db: &Db, which: &str) -> Result<HashMap<String, Vec<Stap>>> {
    let rows = sqlx::query(&format!(
        "SELECT * FROM maatregelen_stap WHERE maatregel_id IN ({which}) ORDER BY maatregel_id, positie"
    ))
    .fetch_all(db.pool())
    .await?;
    let mut by_measure: HashMap<String, Vec<Stap>> = HashMap::new();
    for r in &rows {
        by_measure
            .entry(r.try_get("maatregel_id")?)
            .or_default()
            .push(stap_row(r)?);
    }
    Ok(by_measure)
}

async fn load(tx: &mut Tx, id: &str) -> Result<Detail> {
    let row = sqlx::query(&format!(
        "SELECT {MAATREGEL_COLS} FROM maatregelen_maatregel WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let maatregel = maatregel_row(&row)?;
    let stappen = load_steps(tx, id).await?;
    let brieven = sqlx::query(
        "SELECT id, brief, titel, datum, created_at, definitief_at FROM maatregelen_brief WHERE maatregel_id = $1 ORDER BY created_at, id",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(brief_rij)
    .collect::<Result<Vec<_>>>()?;
    Ok(Detail {
        maatregel,
        stappen,
        brieven,
    })
}

/// One measure with its steps; the read is audited.
pub async fn get(db: &Db, auth: &Authorized<access::Maatregel, act::Read>) -> Result<Detail> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let d = load(&mut tx, &id).await?;
    if d.maatregel.organisation_id != auth.resource().organisation_id {
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(d)
}

/// The measures of the caller's organisation, newest first (filtered in SQL).
pub async fn list(
    db: &Db,
    auth: &Authorized<access::Maatregelen>,
    q: &str,
) -> Result<Vec<Maatregel>> {
    let mut tx = db.begin().await?;
    let like = format!("%{}%", q.trim().to_lowercase());
    let rows = sqlx::query(&format!(
        "SELECT {MAATREGEL_COLS} FROM maatregelen_maatregel WHERE organisation_id = $1 \
         AND (LOWER(onderwerp) LIKE $2 OR LOWER(locatie) LIKE $2 OR LOWER(kenmerk) LIKE $2) ORDER BY created_at DESC, id DESC LIMIT 500"
    ))
    .bind(&auth.resource().organisation_id)
    .bind(&like)
    .fetch_all(tx.conn()?)
    .await?;
    let out = rows.iter().map(maatregel_row).collect::<Result<Vec<_>>>()?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(out)
}

/// Every measure of the organisation with its steps, for the deadline overview.
pub async fn all_with_steps(
    db: &Db,
    auth: &Authorized<access::Termijnoverzicht>,
) -> Result<Vec<Detail>> {
    let mut tx = db.begin().await?;
    let rows = sqlx::query(&format!(
        "SELECT {MAATREGEL_COLS} FROM maatregelen_maatregel WHERE organisation_id = $1 ORDER BY created_at"
    ))
    .bind(&auth.resource().organisation_id)
    .fetch_all(tx.conn()?)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let m = maatregel_row(r)?;
        let stappen = load_steps(&mut tx, &m.id).await?;
        out.push(Detail {
            maatregel: m,
            stappen,
            brieven: Vec::new(),
        });
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(out)
}

/// A new measure with its aanleiding.
#[derive(Clone, Debug)]
pub struct Nieuw {
    /// None: follow the ladder's proposal.
    pub soort: Option<Soort>,
    pub onderwerp: String,
    pub locatie: String,
    pub aanleiding: Stap,
    pub ladder: Option<Ladder>,
    pub object: String,
    pub middel: String,
    /// Thousandths of `hoeveelheid_eenheid` (0.6 g is 600).
    pub hoeveelheid: Option<i64>,
    /// gram, planten or stuks; empty: the substance's usual unit.
    pub hoeveelheid_eenheid: String,
    /// The BAG verblijfsobject id, when known (16 digits).
    pub bag: Option<String>,
    /// The operator's KvK number (8 digits) or establishment number (12 digits).
    pub exploitant: Option<String>,
    /// None: the proposal's duration (or none).
    pub duur: Option<(u32, Eenheid)>,
    pub afwijking_reden: String,
    pub team_id: Option<String>,
    /// The urgent path with its reason (art. 4:11 and 5:31 Awb): recorded as a step after the
    /// aanleiding.
    pub spoed: Option<String>,
}

/// The dates of the earlier offences on `ladder` that count for a new one at `plek`: the same
/// place by its identity (BAG id, or postcode, house number and addition, or street and place;
/// not the typed text), and on a ladder that follows the operator, not another operator's. An
/// establishment number on both sides decides alone (the same verkooppunt).
async fn eerdere_voorvallen(
    tx: &mut Tx,
    org: &str,
    ladder: Ladder,
    plek: &locatie::Plek,
    exploitant: Option<&str>,
) -> Result<Vec<Date>> {
    let rows = sqlx::query(
        "SELECT locatie, locatie_bag, exploitant, voorval_datum FROM maatregelen_maatregel \
         WHERE organisation_id = $1 AND ladder = $2",
    )
    .bind(org)
    .bind(ladder.slug())
    .fetch_all(tx.conn()?)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let Some(datum) = date(r.try_get("voorval_datum")?) else {
            continue;
        };
        let tekst: String = r.try_get("locatie")?;
        let bag: Option<String> = r.try_get("locatie_bag")?;
        let hun: Option<String> = r.try_get("exploitant")?;
        let telt = if ladder.koppelt_exploitant() {
            match (exploitant, hun.as_deref()) {
                (Some(a), Some(b)) if a.len() == 12 && b.len() == 12 => a == b,
                _ => {
                    locatie::zelfde_plek(plek, &locatie::Plek::new(&tekst, bag.as_deref()))
                        && locatie::zelfde_exploitant(exploitant, hun.as_deref())
                }
            }
        } else {
            locatie::zelfde_plek(plek, &locatie::Plek::new(&tekst, bag.as_deref()))
        };
        if telt {
            out.push(datum);
        }
    }
    Ok(out)
}

fn sleutel(locatie: &str) -> String {
    locatie
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Creates a measure; with a ladder, the policy's proposal is computed from the history at the
/// same location and kept with the policy version, and a deviation needs a reason.
pub async fn create(
    db: &Db,
    auth: &Authorized<access::Maatregel, act::Create>,
    n: &Nieuw,
    by: &str,
    kal: &termijnen::Calendar,
) -> Result<String> {
    let mut errors = Vec::new();
    if n.onderwerp.trim().is_empty() {
        errors.push(field_error("onderwerp", "error-required"));
    }
    if n.locatie.trim().is_empty() {
        errors.push(field_error("locatie", "error-required"));
    }
    if n.soort.is_none() && n.ladder.is_none() {
        errors.push(field_error(
            "soort",
            "Kies een soort maatregel, of een beleidsladder die er een voorstelt.",
        ));
    }
    let org = auth.resource().organisation_id.clone();
    if let Some(team) = &n.team_id {
        if !is_team_of(db, &org, team).await? {
            errors.push(field_error("team", "Kies een team van uw organisatie."));
        }
    }
    let mut aanleiding = n.aanleiding.clone();
    match melding_of(db, &aanleiding).await {
        Ok(m) => aanleiding.melding_id = m,
        Err(e) => errors.push(e),
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let plek = locatie::Plek::new(&n.locatie, n.bag.as_deref());
    if n.ladder.is_some() && !plek.herkenbaar() {
        return Err(StoreError::Invalid(vec![field_error(
            "locatie",
            "Geef straat en huisnummer met postcode of woonplaats, bijvoorbeeld Markt 3, 4141 BC Leerdam (of het BAG-id): een eerdere overtreding op hetzelfde adres wordt herkend aan postcode, huisnummer en toevoeging.",
        )]));
    }
    let mut tx = db.begin().await?;
    let mut soort = n.soort;
    let mut duur = n.duur;
    let mut voorstel = None;
    let mut afwijking = None;
    let mut waarschuwing = false;
    if let Some(ladder) = n.ladder {
        let regels = model::versie_op(&ladder_versions(&mut tx, ladder).await?, n.aanleiding.datum);
        let eerder =
            eerdere_voorvallen(&mut tx, &org, ladder, &plek, n.exploitant.as_deref()).await?;
        let v = model::voorstel(
            &regels,
            &eerder,
            &Voorval {
                datum: n.aanleiding.datum,
                object: n.object.clone(),
                middel: n.middel.clone(),
                hoeveelheid: n.hoeveelheid,
                eenheid: n.hoeveelheid_eenheid.clone(),
            },
        )
        .map_err(|(veld, e)| StoreError::Invalid(vec![field_error(veld, &e)]))?;
        // A step that proposes no measure is recorded as the offence (or warning) itself.
        let gekozen = soort.unwrap_or(v.maatregel.unwrap_or(Soort::Overtreding));
        let wijkt_af = model::toets_keuze(&v, gekozen, duur, &n.afwijking_reden)
            .map_err(|e| StoreError::Invalid(vec![field_error("afwijking_reden", &e)]))?;
        if wijkt_af {
            afwijking = Some(n.afwijking_reden.trim().to_string());
        } else {
            waarschuwing = v.waarschuwing;
        }
        soort = Some(gekozen);
        if duur.is_none() && v.duur > 0 && v.maatregel == Some(gekozen) {
            duur = Some((v.duur, v.eenheid));
        }
        voorstel = Some(v);
    }
    let soort = soort.ok_or(StoreError::NotFound)?;
    model::toets(soort, &[], &aanleiding, kal).map_err(StoreError::Refused)?;
    let spoed = match &n.spoed {
        Some(reden) => {
            let s = model::Stap {
                reden: Some(reden.clone()),
                ..model::Stap::new(StapSoort::Spoed, aanleiding.datum)
            };
            if !soort.spoed_mogelijk() {
                return Err(StoreError::Invalid(vec![field_error(
                    "spoed",
                    &format!(
                        "Een {} kan niet met spoed zonder voornemen en zienswijze worden genomen; dat kan bij een sluiting (13b of 174a) of een last onder bestuursdwang (art. 4:11 en 5:31 Awb).",
                        soort.naam().to_lowercase()
                    ),
                )]));
            }
            model::toets(soort, std::slice::from_ref(&aanleiding), &s, kal)
                .map_err(StoreError::Refused)?;
            Some(s)
        }
        None => None,
    };
    let id = new_id();
    let now = now_ms();
    let kenmerk = next_kenmerk(&mut tx, platform::db::date_nl(now).year()).await?;
    sqlx::query(
        "INSERT INTO maatregelen_maatregel (id, kenmerk, organisation_id, soort, onderwerp, locatie, locatie_sleutel, ladder, ladder_versie, beleid, \
         voorval_datum, voorval_object, voorval_middel, voorval_hoeveelheid, voorstel, voorstel_soort, afwijking_reden, duur, duur_eenheid, \
         created_by, created_at, updated_at, team_id, waarschuwing, locatie_bag, exploitant, voorval_hoeveelheid_milli, voorval_eenheid) \
         VALUES ($1, $22, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21, $23, $24, $25, $26, $27)",
    )
    .bind(&id)
    .bind(&org)
    .bind(soort.slug())
    .bind(n.onderwerp.trim())
    .bind(n.locatie.trim())
    .bind(sleutel(&n.locatie))
    .bind(n.ladder.map(|l| l.slug().to_string()))
    .bind(voorstel.as_ref().map(|v| v.versie))
    .bind(voorstel.as_ref().map(|v| v.beleid.clone()))
    .bind(n.ladder.map(|_| n.aanleiding.datum.to_string()))
    .bind(n.ladder.map(|_| n.object.clone()))
    .bind(n.ladder.map(|_| n.middel.clone()))
    .bind(n.ladder.and(n.hoeveelheid).map(|q| q / 1000))
    .bind(voorstel.as_ref().map(|v| v.reden.clone()))
    .bind(
        voorstel
            .as_ref()
            .and_then(|v| v.maatregel.map(|m| m.slug().to_string())),
    )
    .bind(afwijking)
    .bind(duur.map(|(d, _)| i64::from(d)))
    .bind(duur.map(|(_, e)| e.slug().to_string()))
    .bind(by)
    .bind(now)
    .bind(n.team_id.clone())
    .bind(&kenmerk)
    .bind(i64::from(waarschuwing))
    .bind(n.bag.clone())
    .bind(n.exploitant.clone())
    .bind(n.ladder.and(n.hoeveelheid))
    .bind(n.ladder.map(|_| {
        if n.hoeveelheid_eenheid.is_empty() {
            model::standaard_eenheid(&n.middel).to_string()
        } else {
            n.hoeveelheid_eenheid.clone()
        }
    }))
    .execute(tx.conn()?)
    .await?;
    insert_step(&mut tx, &id, 0, &aanleiding, by).await?;
    if let Some(s) = &spoed {
        insert_step(&mut tx, &id, 1, s, by).await?;
    }
    if let Some(melding) = &aanleiding.melding_id {
        platform::links::add(
            &mut tx,
            &platform::links::Link {
                from_kind: "maatregel".into(),
                from_id: id.clone(),
                to_kind: "melding".into(),
                to_id: melding.clone(),
                label: format!("Maatregel: {}", soort.naam().to_lowercase()),
                href: format!("/maatregelen/{id}"),
            },
        )
        .await?;
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// The next reference of `jaar`, taken in the caller's write transaction: the upsert locks the
/// year's counter row (PostgreSQL) or runs under the database's write lock (SQLite, `BEGIN
/// IMMEDIATE`), so concurrent transactions and processes get consecutive, distinct numbers.
async fn next_kenmerk(tx: &mut Tx, jaar: i16) -> Result<String> {
    let nummer: i64 = sqlx::query(
        "INSERT INTO maatregelen_volgnummer (jaar, laatste) VALUES ($1, 1) \
         ON CONFLICT (jaar) DO UPDATE SET laatste = maatregelen_volgnummer.laatste + 1 \
         RETURNING laatste",
    )
    .bind(i64::from(jaar))
    .fetch_one(tx.conn()?)
    .await?
    .try_get("laatste")?;
    Ok(model::kenmerk(jaar, nummer))
}

async fn insert_step(tx: &mut Tx, id: &str, positie: i64, s: &Stap, by: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO maatregelen_stap (id, maatregel_id, positie, soort, datum, toelichting, bron, referentie, ontvangen, dagen, tot, \
         bedrag_cent, maximum_cent, noodzaak, evenredigheid, subsidiariteit, created_by, created_at, melding_id, \
         reden, adviescommissie, weken, tegen) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)",
    )
    .bind(new_id())
    .bind(id)
    .bind(positie)
    .bind(s.soort.slug())
    .bind(s.datum.to_string())
    .bind(s.toelichting.trim())
    .bind(s.bron.clone())
    .bind(s.referentie.clone())
    .bind(s.ontvangen.map(i64::from))
    .bind(s.dagen.map(i64::from))
    .bind(s.tot.map(|d| d.to_string()))
    .bind(s.bedrag_cent)
    .bind(s.maximum_cent)
    .bind(s.noodzaak.clone())
    .bind(s.evenredigheid.clone())
    .bind(s.subsidiariteit.clone())
    .bind(by)
    .bind(now_ms())
    .bind(s.melding_id.clone())
    .bind(s.reden.as_deref().map(str::trim))
    .bind(s.adviescommissie.map(i64::from))
    .bind(s.weken.map(i64::from))
    .bind(s.tegen.map(|t| t.slug()))
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

async fn is_team_of(db: &Db, organisation_id: &str, team_id: &str) -> Result<bool> {
    let teams = platform::identity::list_teams(db, organisation_id)
        .await
        .map_err(|e| StoreError::Refused(e.to_string()))?;
    Ok(teams.iter().any(|t| t.id == team_id))
}

/// For an aanleiding from a melding: the melding's id, found by the number the user gave
/// (through the meldingen module, which owns them). A number that does not exist is an error
/// next to the field.
async fn melding_of(db: &Db, a: &Stap) -> std::result::Result<Option<String>, FieldError> {
    if a.bron.as_deref() != Some("melding") {
        return Ok(None);
    }
    let Some(r) = a.referentie.as_deref() else {
        return Err(field_error("referentie", "Geef het nummer van de melding."));
    };
    let nummer = match meldingen::model::parse_nummer(r) {
        Some(n) => n,
        None => {
            return Err(field_error(
                "referentie",
                "Het nummer van een melding bestaat uit cijfers, bijvoorbeeld 1024.",
            ))
        }
    };
    match meldingen::store::id_by_nummer(db, nummer).await {
        Ok(Some(id)) => Ok(Some(id)),
        Ok(None) => Err(field_error(
            "referentie",
            &format!("Melding {nummer} bestaat niet."),
        )),
        Err(e) => Err(field_error("referentie", &e.to_string())),
    }
}

/// Sets the team that handles a measure.
pub async fn set_team(
    db: &Db,
    auth: &Authorized<access::Maatregel, act::Update>,
    team_id: Option<&str>,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let org = &auth.resource().organisation_id;
    if let Some(team) = team_id {
        if !is_team_of(db, org, team).await? {
            return Err(StoreError::Invalid(vec![field_error(
                "team",
                "Kies een team van uw organisatie.",
            )]));
        }
    }
    let mut tx = db.begin().await?;
    let r = sqlx::query(
        "UPDATE maatregelen_maatregel SET team_id = $1, updated_at = $2 WHERE id = $3 AND organisation_id = $4",
    )
    .bind(team_id)
    .bind(now_ms())
    .bind(&id)
    .bind(org)
    .execute(tx.conn()?)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a step after checking it against the procedure of the measure's type, with the
/// deadlines computed on `kal` (see [`kalender`]).
pub async fn add_step(
    db: &Db,
    auth: &Authorized<access::Maatregel, act::Update>,
    stap: &Stap,
    by: &str,
    kal: &termijnen::Calendar,
) -> Result<Detail> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let mut d = load(&mut tx, &id).await?;
    if d.maatregel.organisation_id != auth.resource().organisation_id {
        return Err(StoreError::NotFound);
    }
    model::toets(d.maatregel.zaak(), &d.stappen, stap, kal).map_err(StoreError::Refused)?;
    let mut stap = stap.clone();
    if stap.soort == StapSoort::Verbeurte && stap.bedrag_cent.is_none() {
        stap.bedrag_cent = d
            .stappen
            .iter()
            .rev()
            .find(|s| s.soort == StapSoort::Besluit)
            .and_then(|b| b.bedrag_cent);
    }
    insert_step(&mut tx, &id, d.stappen.len() as i64, &stap, by).await?;
    sqlx::query("UPDATE maatregelen_maatregel SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(&id)
        .execute(tx.conn()?)
        .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    d.stappen.push(stap);
    Ok(d)
}

// ---------------------------------------------------------------------------------------------
// Ladders.

fn ladder_row(r: &AnyRow) -> Result<LadderRegel> {
    let ladder: String = r.try_get("ladder")?;
    let maatregel: Option<String> = r.try_get("maatregel")?;
    let eenheid: String = r.try_get("duur_eenheid")?;
    let feit: i64 = r.try_get("feit")?;
    let venster: i64 = r.try_get("venster_maanden")?;
    let duur: i64 = r.try_get("duur")?;
    Ok(LadderRegel {
        id: r.try_get("id")?,
        ladder: Ladder::from_slug(&ladder).ok_or(StoreError::NotFound)?,
        versie: r.try_get("versie")?,
        beleid: r.try_get("beleid")?,
        positie: r.try_get("positie")?,
        object: r.try_get("object")?,
        middel: r.try_get("middel")?,
        drempel: r.try_get("drempel_milli")?,
        hoeveelheid_eenheid: r.try_get("hoeveelheid_eenheid")?,
        waarschuwing: r.try_get::<i64, _>("waarschuwing")? != 0,
        feit: u32::try_from(feit).unwrap_or(1),
        venster_maanden: u32::try_from(venster).unwrap_or(12),
        maatregel: maatregel.as_deref().and_then(Soort::from_slug),
        duur: u32::try_from(duur).unwrap_or(0),
        eenheid: Eenheid::from_slug(&eenheid).unwrap_or(Eenheid::Dagen),
        omschrijving: r.try_get("omschrijving")?,
        ingang: r
            .try_get::<Option<String>, _>("ingang")?
            .and_then(|d| d.parse().ok()),
    })
}

/// The rows of every version of a ladder.
async fn ladder_versions(tx: &mut Tx, ladder: Ladder) -> Result<Vec<LadderRegel>> {
    let rows = sqlx::query(
        "SELECT * FROM maatregelen_ladder_regel WHERE ladder = $1 ORDER BY versie, positie",
    )
    .bind(ladder.slug())
    .fetch_all(tx.conn()?)
    .await?;
    rows.iter().map(ladder_row).collect()
}

async fn ladder_rows(tx: &mut Tx, ladder: Ladder) -> Result<Vec<LadderRegel>> {
    let rows = sqlx::query(
        "SELECT * FROM maatregelen_ladder_regel WHERE ladder = $1 AND versie = \
         (SELECT MAX(versie) FROM maatregelen_ladder_regel WHERE ladder = $1) ORDER BY positie",
    )
    .bind(ladder.slug())
    .fetch_all(tx.conn()?)
    .await?;
    rows.iter().map(ladder_row).collect()
}

/// The newest version of a ladder (policy data, not personal); it may take effect later.
pub async fn ladder(db: &Db, ladder: Ladder) -> Result<Vec<LadderRegel>> {
    let mut tx = db.begin().await?;
    let out = ladder_rows(&mut tx, ladder).await?;
    tx.commit().await?;
    Ok(out)
}

/// Every version of a ladder, oldest first, each with its rows in order.
pub async fn ladder_history(db: &Db, ladder: Ladder) -> Result<Vec<LadderRegel>> {
    let mut tx = db.begin().await?;
    let out = ladder_versions(&mut tx, ladder).await?;
    tx.commit().await?;
    Ok(out)
}

fn check_ingang(huidig: &[LadderRegel], ingang: Option<Date>) -> Result<()> {
    let Some(ingang) = ingang else {
        return Err(StoreError::Invalid(vec![field_error(
            "ingang",
            "Geef de datum waarop deze versie ingaat.",
        )]));
    };
    model::toets_ingang(huidig.first().and_then(|r| r.ingang), ingang)
        .map_err(|e| StoreError::Invalid(vec![field_error("ingang", &e)]))
}

/// One ladder row of any version.
pub async fn ladder_regel(db: &Db, id: &str) -> Result<LadderRegel> {
    let row = sqlx::query("SELECT * FROM maatregelen_ladder_regel WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    ladder_row(&row)
}

async fn insert_ladder_row(tx: &mut Tx, r: &LadderRegel, by: &str) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO maatregelen_ladder_regel (id, ladder, versie, beleid, positie, object, middel, hoeveelheid_vanaf, feit, \
         venster_maanden, maatregel, duur, duur_eenheid, omschrijving, created_by, created_at, drempel_milli, hoeveelheid_eenheid, waarschuwing, ingang) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
    )
    .bind(&id)
    .bind(r.ladder.slug())
    .bind(r.versie)
    .bind(r.beleid.trim())
    .bind(r.positie)
    .bind(r.object.trim())
    .bind(r.middel.trim())
    // The old whole-number column: the smallest whole quantity above the threshold.
    .bind(r.drempel.map(|d| d.div_euclid(1000) + 1).unwrap_or(0))
    .bind(i64::from(r.feit))
    .bind(i64::from(r.venster_maanden))
    .bind(r.maatregel.map(|m| m.slug().to_string()))
    .bind(i64::from(r.duur))
    .bind(r.eenheid.slug())
    .bind(r.omschrijving.trim())
    .bind(by)
    .bind(now_ms())
    .bind(r.drempel)
    .bind(r.hoeveelheid_eenheid.trim())
    .bind(i64::from(r.waarschuwing))
    .bind(r.ingang.map(|d| d.to_string()))
    .execute(tx.conn()?)
    .await?;
    Ok(id)
}

/// Changes one row: the whole ladder gets a new version (measures keep the version they were
/// decided under). Returns the id of the changed row in the new version.
pub async fn ladder_wijzig(
    db: &Db,
    auth: &Authorized<access::Beleidsladder>,
    gewijzigd: &LadderRegel,
    by: &str,
) -> Result<String> {
    let fouten = model::valideer_regel(gewijzigd);
    if !fouten.is_empty() {
        return Err(StoreError::Invalid(
            fouten.iter().map(|(f, m)| field_error(f, m)).collect(),
        ));
    }
    let mut tx = db.begin().await?;
    let huidig = ladder_rows(&mut tx, gewijzigd.ladder).await?;
    if !huidig.iter().any(|r| r.id == gewijzigd.id) {
        return Err(StoreError::Refused(
            "Alleen de huidige versie van het beleid kan worden gewijzigd.".into(),
        ));
    }
    check_ingang(&huidig, gewijzigd.ingang)?;
    let versie = huidig.first().map(|r| r.versie).unwrap_or(0) + 1;
    let mut nieuw_id = String::new();
    for r in &huidig {
        let mut rij = if r.id == gewijzigd.id {
            gewijzigd.clone()
        } else {
            r.clone()
        };
        rij.versie = versie;
        rij.beleid = gewijzigd.beleid.clone();
        rij.ingang = gewijzigd.ingang;
        let id = insert_ladder_row(&mut tx, &rij, by).await?;
        if r.id == gewijzigd.id {
            nieuw_id = id;
        }
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(nieuw_id)
}

/// Adds a row to a ladder: the whole ladder gets a new version with the row at its end
/// (measures keep the version they were decided under). Returns the new row's id.
pub async fn ladder_toevoegen(
    db: &Db,
    auth: &Authorized<access::Beleidsladder>,
    nieuw: &LadderRegel,
    by: &str,
) -> Result<String> {
    let fouten = model::valideer_regel(nieuw);
    if !fouten.is_empty() {
        return Err(StoreError::Invalid(
            fouten.iter().map(|(f, m)| field_error(f, m)).collect(),
        ));
    }
    if auth.resource().ladder != nieuw.ladder.slug() {
        return Err(StoreError::NotFound);
    }
    let mut tx = db.begin().await?;
    let huidig = ladder_rows(&mut tx, nieuw.ladder).await?;
    check_ingang(&huidig, nieuw.ingang)?;
    let versie = huidig.first().map(|r| r.versie).unwrap_or(0) + 1;
    for (positie, r) in huidig.iter().enumerate() {
        let mut rij = r.clone();
        rij.versie = versie;
        rij.beleid = nieuw.beleid.clone();
        rij.ingang = nieuw.ingang;
        rij.positie = positie as i64;
        insert_ladder_row(&mut tx, &rij, by).await?;
    }
    let mut rij = nieuw.clone();
    rij.versie = versie;
    rij.positie = huidig.len() as i64;
    let id = insert_ladder_row(&mut tx, &rij, by).await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a row of the current version: the ladder gets a new version without it. A ladder
/// keeps at least one row.
pub async fn ladder_verwijderen(
    db: &Db,
    auth: &Authorized<access::Beleidsladder>,
    weg: &LadderRegel,
    ingang: Option<Date>,
    by: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let huidig = ladder_rows(&mut tx, weg.ladder).await?;
    if !huidig.iter().any(|r| r.id == weg.id) {
        return Err(StoreError::Refused(
            "Alleen een regel van de huidige versie van het beleid kan worden verwijderd.".into(),
        ));
    }
    if huidig.len() < 2 {
        return Err(StoreError::Refused(
            "Een ladder houdt ten minste één regel.".into(),
        ));
    }
    check_ingang(&huidig, ingang)?;
    let versie = huidig.first().map(|r| r.versie).unwrap_or(0) + 1;
    for (positie, r) in huidig.iter().filter(|r| r.id != weg.id).enumerate() {
        let mut rij = r.clone();
        rij.versie = versie;
        rij.ingang = ingang;
        rij.positie = positie as i64;
        insert_ladder_row(&mut tx, &rij, by).await?;
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Loads version 1 of the ladders on first start.
pub async fn seed(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM maatregelen_ladder_regel")
        .fetch_one(tx.conn()?)
        .await?
        .try_get("n")?;
    if n == 0 {
        for r in model::standaard_ladders() {
            insert_ladder_row(&mut tx, &r, "systeem").await?;
        }
    }
    // A kind of letter without a general template gets Baken's (on first start all of them;
    // later a new kind, such as the warning letter).
    for (b, titel, tekst) in brief::standaard_sjablonen() {
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM maatregelen_sjabloon WHERE brief = $1 AND soort = ''",
        )
        .bind(b.slug())
        .fetch_one(tx.conn()?)
        .await?
        .try_get("n")?;
        if n == 0 {
            insert_sjabloon(&mut tx, b, None, titel, tekst, "systeem").await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Measures started in `[from_ms, until_ms)`, of one type or all: aggregated figures for policy
/// indicators, no personal data.
pub async fn count_created(
    db: &Db,
    soort: Option<&str>,
    from_ms: i64,
    until_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM maatregelen_maatregel WHERE created_at >= $1 AND created_at < $2 AND ($3 = '' OR soort = $3)",
    )
    .bind(from_ms)
    .bind(until_ms)
    .bind(soort.unwrap_or(""))
    .fetch_one(db.pool())
    .await?
    .try_get("n")?)
}

// ---------------------------------------------------------------------------------------------
// Letters.

fn brief_rij(r: &AnyRow) -> Result<BriefRij> {
    let soort: String = r.try_get("brief")?;
    let datum: String = r.try_get("datum")?;
    Ok(BriefRij {
        id: r.try_get("id")?,
        brief: BriefSoort::from_slug(&soort).ok_or(StoreError::NotFound)?,
        titel: r.try_get("titel")?,
        datum: datum.parse().map_err(|_| StoreError::NotFound)?,
        created_at: r.try_get("created_at")?,
        definitief_at: r.try_get("definitief_at")?,
    })
}

/// A letter template (one version).
#[derive(Clone, Debug)]
pub struct Sjabloon {
    pub id: String,
    pub brief: BriefSoort,
    /// None: the template every type uses unless it has its own.
    pub soort: Option<Soort>,
    pub versie: i64,
    pub titel: String,
    pub tekst: String,
    pub created_at: i64,
}

fn sjabloon_row(r: &AnyRow) -> Result<Sjabloon> {
    let brief: String = r.try_get("brief")?;
    let soort: String = r.try_get("soort")?;
    Ok(Sjabloon {
        id: r.try_get("id")?,
        brief: BriefSoort::from_slug(&brief).ok_or(StoreError::NotFound)?,
        soort: Soort::from_slug(&soort),
        versie: r.try_get("versie")?,
        titel: r.try_get("titel")?,
        tekst: r.try_get("tekst")?,
        created_at: r.try_get("created_at")?,
    })
}

const HUIDIGE_SJABLONEN: &str = "SELECT * FROM maatregelen_sjabloon s WHERE versie = \
     (SELECT MAX(versie) FROM maatregelen_sjabloon t WHERE t.brief = s.brief AND t.soort = s.soort)";

/// The current version of every template (policy data, no personal data).
pub async fn sjablonen(db: &Db) -> Result<Vec<Sjabloon>> {
    let rows = sqlx::query(&format!("{HUIDIGE_SJABLONEN} ORDER BY brief, soort"))
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(sjabloon_row).collect()
}

/// One template version.
pub async fn sjabloon(db: &Db, id: &str) -> Result<Sjabloon> {
    let row = sqlx::query("SELECT * FROM maatregelen_sjabloon WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    sjabloon_row(&row)
}

async fn insert_sjabloon(
    tx: &mut Tx,
    brief: BriefSoort,
    soort: Option<Soort>,
    titel: &str,
    tekst: &str,
    by: &str,
) -> Result<String> {
    let versie: i64 = sqlx::query(
        "SELECT COALESCE(MAX(versie), 0) AS v FROM maatregelen_sjabloon WHERE brief = $1 AND soort = $2",
    )
    .bind(brief.slug())
    .bind(soort.map(|s| s.slug()).unwrap_or(""))
    .fetch_one(tx.conn()?)
    .await?
    .try_get("v")?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO maatregelen_sjabloon (id, brief, soort, versie, titel, tekst, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(brief.slug())
    .bind(soort.map(|s| s.slug()).unwrap_or(""))
    .bind(versie + 1)
    .bind(titel.trim())
    .bind(tekst.trim())
    .bind(by)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    Ok(id)
}

/// Saves a template as a new version (letters drafted earlier keep their text). A type-specific
/// template is how a gemeente gives, say, the 13b closure its own besluit letter.
pub async fn sjabloon_opslaan(
    db: &Db,
    auth: &Authorized<access::Inrichting>,
    brief: BriefSoort,
    soort: Option<Soort>,
    titel: &str,
    tekst: &str,
    by: &str,
) -> Result<String> {
    let mut fouten: Vec<FieldError> = brief::valideer_sjabloon(titel, tekst)
        .iter()
        .map(|(f, m)| field_error(f, m))
        .collect();
    if soort.is_some_and(|s| !brief.past_bij_soort(s)) {
        fouten.push(field_error(
            "soort",
            "Deze brief hoort niet bij die soort maatregel.",
        ));
    }
    if !fouten.is_empty() {
        return Err(StoreError::Invalid(fouten));
    }
    let mut tx = db.begin().await?;
    let id = insert_sjabloon(&mut tx, brief, soort, titel, tekst, by).await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// A drafted letter with its text.
#[derive(Clone, Debug)]
pub struct Brief {
    pub rij: BriefRij,
    pub maatregel_id: String,
    /// The measure's reference (printed on the letter and in the PDF's file name).
    pub kenmerk: String,
    /// The PDF as finalised (None for a draft).
    pub pdf: Option<Vec<u8>>,
    pub tekst: String,
    pub sjabloon_id: String,
}

/// Drafts a letter from the current template (the measure type's own, else the general one)
/// and stores it with the measure.
pub async fn brief_opstellen(
    db: &Db,
    auth: &Authorized<access::Maatregel, act::Update>,
    soort_brief: BriefSoort,
    gemeente: &str,
    vandaag: Date,
    notities: brief::Notities,
    by: &str,
) -> Result<String> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let kal = kalender(db).await?;
    let mut tx = db.begin().await?;
    let d = load(&mut tx, &id).await?;
    if d.maatregel.organisation_id != auth.resource().organisation_id {
        return Err(StoreError::NotFound);
    }
    let m = &d.maatregel;
    brief::mag_opstellen(soort_brief, m.zaak(), &d.stappen).map_err(StoreError::Refused)?;
    let rows = sqlx::query(&format!(
        "{HUIDIGE_SJABLONEN} AND s.brief = $1 AND (s.soort = $2 OR s.soort = '') ORDER BY s.soort DESC"
    ))
    .bind(soort_brief.slug())
    .bind(m.soort.slug())
    .fetch_all(tx.conn()?)
    .await?;
    let sjabloon = sjabloon_row(rows.first().ok_or(StoreError::NotFound)?)?;
    let kenmerk = m.kenmerk.clone();
    let g = brief::gegevens(
        &brief::Context {
            gemeente,
            kenmerk: &kenmerk,
            soort: m.soort,
            waarschuwing: m.waarschuwing,
            beleid: match (&m.beleid, m.ladder_versie) {
                (Some(b), Some(v)) => format!("{b} (versie {v})"),
                (Some(b), None) => b.clone(),
                _ => String::new(),
            },
            onderwerp: &m.onderwerp,
            locatie: &m.locatie,
            duur: m.duur_tekst(),
            datum: vandaag,
            kalender: &kal,
            notities,
        },
        &d.stappen,
    );
    let brief_id = new_id();
    sqlx::query(
        "INSERT INTO maatregelen_brief (id, maatregel_id, brief, sjabloon_id, titel, tekst, datum, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&brief_id)
    .bind(&id)
    .bind(soort_brief.slug())
    .bind(&sjabloon.id)
    .bind(brief::vul(&sjabloon.titel, &g))
    .bind(brief::vul_brief(&sjabloon.tekst, &g))
    .bind(vandaag.to_string())
    .bind(by)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(brief_id)
}

/// One letter of a measure; the read is audited as a read of the measure.
pub async fn brief(
    db: &Db,
    auth: &Authorized<access::Maatregel, act::Read>,
    brief_id: &str,
) -> Result<Brief> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "SELECT b.id, b.maatregel_id, b.brief, b.sjabloon_id, b.titel, b.tekst, b.datum, b.created_at, b.definitief_at, b.pdf, m.kenmerk \
         FROM maatregelen_brief b JOIN maatregelen_maatregel m ON m.id = b.maatregel_id WHERE b.id = $1 AND b.maatregel_id = $2",
    )
    .bind(brief_id)
    .bind(&id)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let out = Brief {
        rij: brief_rij(&row)?,
        maatregel_id: row.try_get("maatregel_id")?,
        kenmerk: row
            .try_get::<Option<String>, _>("kenmerk")?
            .unwrap_or_default(),
        pdf: row.try_get("pdf")?,
        tekst: row.try_get("tekst")?,
        sjabloon_id: row.try_get("sjabloon_id")?,
    };
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(out)
}

/// Changes a draft letter: its date and text (the legal adviser edits before finalising). A
/// finalised letter is frozen. Audited as a change of the measure.
pub async fn brief_wijzigen(
    db: &Db,
    auth: &Authorized<access::Maatregel, act::Update>,
    brief_id: &str,
    datum: &str,
    titel: &str,
    tekst: &str,
    by: &str,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut fouten: Vec<FieldError> = brief::valideer_sjabloon(titel, tekst)
        .iter()
        .map(|(f, m)| field_error(f, m))
        .collect();
    let datum = match termijnen::parse_datum(datum) {
        Ok(d) => Some(d),
        Err(_) => {
            fouten.push(field_error(
                "datum",
                "Geef een datum als JJJJ-MM-DD of DD-MM-JJJJ.",
            ));
            None
        }
    };
    let (Some(datum), true) = (datum, fouten.is_empty()) else {
        return Err(StoreError::Invalid(fouten));
    };
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE maatregelen_brief SET datum = $1, titel = $2, tekst = $3, gewijzigd_by = $4, gewijzigd_at = $5 \
         WHERE id = $6 AND maatregel_id = $7 AND definitief_at IS NULL",
    )
    .bind(datum.to_string())
    .bind(titel.trim())
    .bind(tekst.trim())
    .bind(by)
    .bind(now_ms())
    .bind(brief_id)
    .bind(&id)
    .execute(tx.conn()?)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused(
            "Deze brief is definitief en kan niet meer worden gewijzigd.".into(),
        ));
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Finalises a draft exactly as it was read and rendered (`gelezen`): the text and date are
/// frozen and the PDF is kept. Refused when the draft changed meanwhile, is already final, or
/// still has something to fill in. Audited as a change of the measure.
pub async fn brief_definitief(
    db: &Db,
    auth: &Authorized<access::Maatregel, act::Update>,
    gelezen: &Brief,
    pdf: &[u8],
    by: &str,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    brief::mag_definitief(&gelezen.tekst).map_err(StoreError::Refused)?;
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE maatregelen_brief SET definitief_by = $1, definitief_at = $2, pdf = $3 \
         WHERE id = $4 AND maatregel_id = $5 AND definitief_at IS NULL AND tekst = $6 AND titel = $7 AND datum = $8",
    )
    .bind(by)
    .bind(now_ms())
    .bind(pdf.to_vec())
    .bind(&gelezen.rij.id)
    .bind(&id)
    .bind(&gelezen.tekst)
    .bind(&gelezen.rij.titel)
    .bind(gelezen.rij.datum.to_string())
    .execute(tx.conn()?)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused(
            "De brief is intussen gewijzigd of al definitief gemaakt; bekijk hem opnieuw.".into(),
        ));
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reminders.

/// Sends the reminders due on `vandaag` to the members of each measure's team, through the mail
/// outbox; each goes out once. The mail names the deadline and links the measure, but not the
/// person or the address: those stay behind the login. Returns the number of mails queued.
pub async fn remind_deadlines(db: &Db, vandaag: Date) -> Result<usize> {
    let kal = kalender(db).await?;
    let open = "SELECT id FROM maatregelen_maatregel WHERE team_id IS NOT NULL AND id NOT IN \
         (SELECT maatregel_id FROM maatregelen_stap WHERE soort = 'beeindiging')";
    let rows = sqlx::query(&format!(
        "SELECT {MAATREGEL_COLS} FROM maatregelen_maatregel WHERE id IN ({open})"
    ))
    .fetch_all(db.pool())
    .await?;
    let steps = steps_of_many(db, open).await?;
    let mut sent = 0;
    for r in &rows {
        let m = maatregel_row(r)?;
        let Some(team) = m.team_id.clone() else {
            continue;
        };
        let stappen = steps.get(&m.id).map(Vec::as_slice).unwrap_or_default();
        let due = model::herinneringen(&model::tijdlijn(m.zaak(), stappen, &kal), vandaag);
        if due.is_empty() {
            continue;
        }
        let to = platform::identity::team_member_emails(db, &team)
            .await
            .map_err(|e| StoreError::Refused(e.to_string()))?;
        let mut tx = db.begin().await?;
        for h in &due {
            let new = sqlx::query(
                "INSERT INTO maatregelen_herinnering (maatregel_id, sleutel, verstuurd_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(&m.id)
            .bind(&h.sleutel)
            .bind(now_ms())
            .execute(tx.conn()?)
            .await?
            .rows_affected();
            if new == 0 {
                continue;
            }
            let (onderwerp, zin) = if h.verlopen {
                ("Termijn verstreken", "is verstreken op")
            } else {
                ("Termijn nadert", "verloopt op")
            };
            let subject = format!("{onderwerp}: {} ({})", h.mijlpaal.wat, m.kenmerk);
            let body = format!(
                "{} bij maatregel {} ({}) {zin} {}.\n\n{}\n\nOpen de maatregel in Baken: /maatregelen/{}\n",
                h.mijlpaal.wat,
                m.kenmerk,
                m.soort.naam(),
                termijnen::datum_nl(h.mijlpaal.datum),
                h.mijlpaal.uitleg,
                m.id
            );
            for address in &to {
                // An address the mail server would refuse is skipped, not fatal for the others.
                if platform::mail::enqueue(&mut tx, address, &subject, &body)
                    .await
                    .is_ok()
                {
                    sent += 1;
                }
            }
        }
        tx.commit().await?;
    }
    Ok(sent)
}

// ---------------------------------------------------------------------------------------------
// Retention.

/// The retention term of a type: years after the measure ended, with its Selectielijst result.
#[derive(Clone, Debug)]
pub struct Bewaartermijn {
    pub soort: Soort,
    pub jaren: u32,
    pub resultaat: String,
}

/// The retention terms of every type (the defaults until an administrator changes one).
pub async fn bewaartermijnen(db: &Db) -> Result<Vec<Bewaartermijn>> {
    let rows = sqlx::query("SELECT soort, jaren, resultaat FROM maatregelen_bewaartermijn")
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::new();
    for soort in Soort::ALL {
        let row = rows
            .iter()
            .find(|r| r.try_get::<String, _>("soort").ok().as_deref() == Some(soort.slug()));
        let (jaren, resultaat) = match row {
            Some(r) => (
                u32::try_from(r.try_get::<i64, _>("jaren")?).unwrap_or(0),
                r.try_get("resultaat")?,
            ),
            None => {
                let (j, res) = model::standaard_bewaartermijn(soort);
                (j, res.to_string())
            }
        };
        out.push(Bewaartermijn {
            soort,
            jaren,
            resultaat,
        });
    }
    Ok(out)
}

/// Changes the retention terms (all types at once, as the settings page sends them).
pub async fn bewaartermijnen_wijzig(
    db: &Db,
    auth: &Authorized<access::Inrichting>,
    terms: &[Bewaartermijn],
    by: &str,
) -> Result<()> {
    let mut fouten = Vec::new();
    for t in terms {
        if !(1..=100).contains(&t.jaren) {
            fouten.push(field_error(
                &format!("jaren-{}", t.soort.slug()),
                "Geef een bewaartermijn van 1 tot en met 100 jaar.",
            ));
        }
        if t.resultaat.trim().is_empty() {
            fouten.push(field_error(
                &format!("resultaat-{}", t.soort.slug()),
                "Noem het resultaat uit de selectielijst.",
            ));
        }
    }
    if !fouten.is_empty() {
        return Err(StoreError::Invalid(fouten));
    }
    let mut tx = db.begin().await?;
    for t in terms {
        sqlx::query("DELETE FROM maatregelen_bewaartermijn WHERE soort = $1")
            .bind(t.soort.slug())
            .execute(tx.conn()?)
            .await?;
        sqlx::query(
            "INSERT INTO maatregelen_bewaartermijn (soort, jaren, resultaat, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(t.soort.slug())
        .bind(i64::from(t.jaren))
        .bind(t.resultaat.trim())
        .bind(by)
        .bind(now_ms())
        .execute(tx.conn()?)
        .await?;
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// What the retention job destroyed: type and dates, never content.
#[derive(Clone, Debug)]
pub struct Vernietiging {
    pub soort: Soort,
    pub beeindigd: Date,
    pub bewaren_tot: Date,
    pub stappen: i64,
    pub brieven: i64,
    pub vernietigd_at: i64,
}

/// Destroys ended measures whose retention term passed before `vandaag`: steps, letters,
/// reminders and the measure. A destruction record (type and dates) and an audit record stay.
pub async fn destroy_expired(db: &Db, vandaag: Date, origin: &str) -> Result<Vec<Vernietiging>> {
    let termijnen = bewaartermijnen(db).await?;
    // Until when an ended measure is kept, and when it ended.
    let expiry = |soort: Soort, stappen: &[Stap]| -> Option<(Date, Date)> {
        let jaren = termijnen
            .iter()
            .find(|t| t.soort == soort)
            .map(|t| t.jaren)
            .unwrap_or(model::standaard_bewaartermijn(soort).0);
        let einde = stappen
            .iter()
            .rev()
            .find(|s| s.soort == StapSoort::Beeindiging)?
            .datum;
        Some((model::bewaren_tot(stappen, jaren)?, einde))
    };
    // Read first, outside the writers' queue: most ended measures are still within their term.
    let ended = "SELECT maatregel_id FROM maatregelen_stap WHERE soort = 'beeindiging'";
    let steps = steps_of_many(db, ended).await?;
    let mut expired = Vec::new();
    for r in sqlx::query(&format!(
        "SELECT id, soort FROM maatregelen_maatregel WHERE id IN ({ended})"
    ))
    .fetch_all(db.pool())
    .await?
    {
        let id: String = r.try_get("id")?;
        let soort = Soort::from_slug(&r.try_get::<String, _>("soort")?);
        let stappen = steps.get(&id).map(Vec::as_slice).unwrap_or_default();
        if soort
            .and_then(|s| expiry(s, stappen))
            .is_some_and(|(tot, _)| tot < vandaag)
        {
            expired.push(id);
        }
    }
    let mut done = Vec::new();
    for id in expired {
        let mut tx = db.begin().await?;
        // Checked again in the transaction: the measure may have changed since the read.
        let d = load(&mut tx, &id).await?;
        let Some((tot, einde)) = expiry(d.maatregel.soort, &d.stappen) else {
            continue;
        };
        if tot >= vandaag {
            continue;
        }
        for sql in [
            "DELETE FROM maatregelen_stap WHERE maatregel_id = $1",
            "DELETE FROM maatregelen_brief WHERE maatregel_id = $1",
            "DELETE FROM maatregelen_herinnering WHERE maatregel_id = $1",
            "DELETE FROM maatregelen_maatregel WHERE id = $1",
        ] {
            sqlx::query(sql).bind(&id).execute(tx.conn()?).await?;
        }
        platform::links::remove_from(&mut tx, "maatregel", &id).await?;
        let v = Vernietiging {
            soort: d.maatregel.soort,
            beeindigd: einde,
            bewaren_tot: tot,
            stappen: d.stappen.len() as i64,
            brieven: d.brieven.len() as i64,
            vernietigd_at: now_ms(),
        };
        sqlx::query(
            "INSERT INTO maatregelen_vernietiging (id, soort, beeindigd, bewaren_tot, stappen, brieven, vernietigd_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(v.soort.slug())
        .bind(v.beeindigd.to_string())
        .bind(v.bewaren_tot.to_string())
        .bind(v.stappen)
        .bind(v.brieven)
        .bind(v.vernietigd_at)
        .execute(tx.conn()?)
        .await?;
        let mut entry = AuditEntry::system(origin, "delete", "maatregel");
        entry.resource_id = Some(id.clone());
        entry.subject_id = Some(format!("maatregel:{id}"));
        entry.reason = Some(format!(
            "bewaartermijn verstreken op {}; {} stappen en {} brieven vernietigd",
            v.bewaren_tot, v.stappen, v.brieven
        ));
        audit::append(&mut tx, &entry).await?;
        tx.commit().await?;
        done.push(v);
    }
    Ok(done)
}

/// The destruction records, newest first.
pub async fn vernietigingen(db: &Db) -> Result<Vec<Vernietiging>> {
    let rows = sqlx::query(
        "SELECT soort, beeindigd, bewaren_tot, stappen, brieven, vernietigd_at FROM maatregelen_vernietiging ORDER BY vernietigd_at DESC LIMIT 200",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let soort: String = r.try_get("soort")?;
            let beeindigd: String = r.try_get("beeindigd")?;
            let tot: String = r.try_get("bewaren_tot")?;
            Ok(Vernietiging {
                soort: Soort::from_slug(&soort).ok_or(StoreError::NotFound)?,
                beeindigd: beeindigd.parse().map_err(|_| StoreError::NotFound)?,
                bewaren_tot: tot.parse().map_err(|_| StoreError::NotFound)?,
                stappen: r.try_get("stappen")?,
                brieven: r.try_get("brieven")?,
                vernietigd_at: r.try_get("vernietigd_at")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Days designated by royal decree (art. 3 lid 3 Atw).

/// A day designated by royal decree as equal to a generally recognised holiday.
#[derive(Clone, Debug)]
pub struct GelijkgesteldeDag {
    pub id: String,
    pub datum: Date,
    pub naam: String,
    /// The decree and its publication (Staatscourant reference).
    pub bron: String,
    /// The user who added it, or `"baken"` for a day shipped with the migration.
    pub created_by: String,
    pub created_at: i64,
}

/// Who added the days shipped with migrations 0014 and 0022.
pub const MEEGELEVERD: &str = "baken";

/// The designated days in force, by date.
pub async fn gelijkgestelde_dagen(db: &Db) -> Result<Vec<GelijkgesteldeDag>> {
    let rows = sqlx::query(
        "SELECT id, datum, naam, bron, created_by, created_at FROM maatregelen_gelijkgestelde_dag \
         WHERE removed_at IS NULL ORDER BY datum",
    )
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        // Only validated dates are written; a row that does not parse is skipped.
        let Some(datum) = date(r.try_get("datum")?) else {
            continue;
        };
        out.push(GelijkgesteldeDag {
            id: r.try_get("id")?,
            datum,
            naam: r.try_get("naam")?,
            bron: r.try_get("bron")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
        });
    }
    Ok(out)
}

/// The Atw calendar with the designated days in force: one query. Load it once per request or
/// job and hand it to the pure functions of `model`.
pub async fn kalender(db: &Db) -> Result<termijnen::Calendar> {
    let mut kal = termijnen::Calendar::new();
    for d in gelijkgestelde_dagen(db).await? {
        kal.add_designated_day(d.datum, d.naam, d.bron);
    }
    Ok(kal)
}

/// Adds a designated day after checking it: a real date, a working day that is not yet a
/// holiday or designated, with a name and the decree it comes from. Audited.
pub async fn gelijkgestelde_dag_toevoegen(
    db: &Db,
    auth: &Authorized<access::Inrichting>,
    datum: &str,
    naam: &str,
    bron: &str,
    by: &str,
) -> Result<Date> {
    let mut fouten = Vec::new();
    let datum = match termijnen::parse_datum(datum.trim()) {
        Ok(d) => Some(d),
        Err(_) if datum.trim().is_empty() => {
            fouten.push(field_error("datum", "error-required"));
            None
        }
        Err(_) => {
            fouten.push(field_error(
                "datum",
                "Geef een bestaande datum als jjjj-mm-dd, bijvoorbeeld 2026-05-15.",
            ));
            None
        }
    };
    if naam.trim().is_empty() {
        fouten.push(field_error("naam", "error-required"));
    }
    if bron.trim().is_empty() {
        fouten.push(field_error(
            "bron",
            "Noem het koninklijk besluit en de Staatscourant waarin het staat.",
        ));
    }
    let kal = kalender(db).await?;
    if let Some(d) = datum {
        if let Err(reden) = model::toets_gelijkgestelde_dag(d, &kal) {
            fouten.push(field_error("datum", &reden));
        }
    }
    let (Some(datum), true) = (datum, fouten.is_empty()) else {
        return Err(StoreError::Invalid(fouten));
    };
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO maatregelen_gelijkgestelde_dag (id, datum, naam, bron, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(datum.to_string())
    .bind(naam.trim())
    .bind(bron.trim())
    .bind(by)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(datum)
}

/// Removes a designated day from the calendar; the row stays with who removed it and when.
/// Audited.
pub async fn gelijkgestelde_dag_verwijderen(
    db: &Db,
    auth: &Authorized<access::Inrichting>,
    id: &str,
    by: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = sqlx::query(
        "UPDATE maatregelen_gelijkgestelde_dag SET removed_by = $1, removed_at = $2 \
         WHERE id = $3 AND removed_at IS NULL",
    )
    .bind(by)
    .bind(now_ms())
    .bind(id)
    .execute(tx.conn()?)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Measures of an organisation started since `since_ms` at a place (the same address identity as
/// the ladders use: BAG id, else postcode, house number and addition, see
/// [`crate::locatie::zelfde_plek`]) or against an operator with this KvK number: a count for the
/// ondermijning register's risk score, no personal data.
pub async fn count_at_place(
    db: &Db,
    organisation_id: &str,
    adres: &str,
    bag: Option<&str>,
    kvk: Option<&str>,
    since_ms: i64,
) -> Result<i64> {
    let plek = crate::locatie::Plek::new(adres, bag);
    let rows = sqlx::query(
        "SELECT locatie, locatie_bag, exploitant FROM maatregelen_maatregel \
         WHERE organisation_id = $1 AND created_at >= $2",
    )
    .bind(organisation_id)
    .bind(since_ms)
    .fetch_all(db.pool())
    .await?;
    let mut n = 0;
    for r in &rows {
        let locatie: String = r.try_get("locatie")?;
        let their_bag: Option<String> = r.try_get("locatie_bag")?;
        let exploitant: Option<String> = r.try_get("exploitant")?;
        let same_place = crate::locatie::zelfde_plek(
            &plek,
            &crate::locatie::Plek::new(&locatie, their_bag.as_deref()),
        );
        let same_operator = matches!((kvk, exploitant.as_deref()), (Some(a), Some(b)) if a == b);
        if same_place || same_operator {
            n += 1;
        }
    }
    Ok(n)
}
