//! The module's tables: the only code that touches them. Functions that return or change
//! personal data take an `Authorized` capability and record the access in their transaction.

use jiff::civil::Date;
use platform::access::Authorized;
use platform::db::{new_id, now_ms, Db, DbError, Tx};
use platform::identity::{field_error, FieldError};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access;
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
    pub created_at: i64,
}

impl Maatregel {
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
}

fn date(s: Option<String>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}

const MAATREGEL_COLS: &str = "id, organisation_id, soort, onderwerp, locatie, ladder, ladder_versie, beleid, voorstel, voorstel_soort, afwijking_reden, duur, duur_eenheid, created_at";

fn maatregel_row(r: &AnyRow) -> Result<Maatregel> {
    let soort: String = r.try_get("soort")?;
    let ladder: Option<String> = r.try_get("ladder")?;
    Ok(Maatregel {
        id: r.try_get("id")?,
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
        created_at: r.try_get("created_at")?,
    })
}

fn stap_row(r: &AnyRow) -> Result<Stap> {
    let soort: String = r.try_get("soort")?;
    let datum: String = r.try_get("datum")?;
    let ontvangen: Option<i64> = r.try_get("ontvangen")?;
    let dagen: Option<i64> = r.try_get("dagen")?;
    Ok(Stap {
        soort: StapSoort::from_slug(&soort).ok_or(StoreError::NotFound)?,
        datum: datum.parse().map_err(|_| StoreError::NotFound)?,
        toelichting: r.try_get("toelichting")?,
        bron: r.try_get("bron")?,
        referentie: r.try_get("referentie")?,
        ontvangen: ontvangen.map(|v| v != 0),
        dagen: dagen.and_then(|d| u32::try_from(d).ok()),
        tot: date(r.try_get("tot")?),
        bedrag_cent: r.try_get("bedrag_cent")?,
        maximum_cent: r.try_get("maximum_cent")?,
        noodzaak: r.try_get("noodzaak")?,
        evenredigheid: r.try_get("evenredigheid")?,
        subsidiariteit: r.try_get("subsidiariteit")?,
    })
}

/// The organisation a measure belongs to (no personal data), to build the access resource.
pub async fn organisation_of(db: &Db, id: &str) -> Result<String> {
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
    Ok(Detail { maatregel, stappen })
}

/// One measure with its steps; the read is audited.
pub async fn get(db: &Db, auth: &Authorized<access::Maatregel>) -> Result<Detail> {
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
         AND (LOWER(onderwerp) LIKE $2 OR LOWER(locatie) LIKE $2) ORDER BY created_at DESC, id DESC LIMIT 500"
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
    pub hoeveelheid: i64,
    /// None: the proposal's duration (or none).
    pub duur: Option<(u32, Eenheid)>,
    pub afwijking_reden: String,
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
    auth: &Authorized<access::Maatregel>,
    n: &Nieuw,
    by: &str,
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
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let org = auth.resource().organisation_id.clone();
    let mut tx = db.begin().await?;
    let mut soort = n.soort;
    let mut duur = n.duur;
    let mut voorstel = None;
    let mut afwijking = None;
    if let Some(ladder) = n.ladder {
        let regels = ladder_rows(&mut tx, ladder).await?;
        let rows = sqlx::query(
            "SELECT voorval_datum FROM maatregelen_maatregel WHERE organisation_id = $1 AND ladder = $2 AND locatie_sleutel = $3",
        )
        .bind(&org)
        .bind(ladder.slug())
        .bind(sleutel(&n.locatie))
        .fetch_all(tx.conn()?)
        .await?;
        let eerder: Vec<Date> = rows
            .iter()
            .filter_map(|r| date(r.try_get("voorval_datum").ok()?))
            .collect();
        let v = model::voorstel(
            &regels,
            &eerder,
            &Voorval {
                datum: n.aanleiding.datum,
                object: n.object.clone(),
                middel: n.middel.clone(),
                hoeveelheid: n.hoeveelheid,
            },
        )
        .map_err(|e| StoreError::Invalid(vec![field_error("object", &e)]))?;
        let gekozen = match (soort, v.maatregel) {
            (Some(s), _) | (None, Some(s)) => s,
            (None, None) => {
                return Err(StoreError::Invalid(vec![field_error(
                    "soort",
                    &format!(
                        "Het beleid stelt geen maatregel voor ({}); kies een maatregel en leg de reden van afwijking vast.",
                        v.reden
                    ),
                )]))
            }
        };
        let wijkt_af = model::toets_keuze(&v, gekozen, duur, &n.afwijking_reden)
            .map_err(|e| StoreError::Invalid(vec![field_error("afwijking_reden", &e)]))?;
        if wijkt_af {
            afwijking = Some(n.afwijking_reden.trim().to_string());
        }
        soort = Some(gekozen);
        if duur.is_none() && v.duur > 0 && v.maatregel == Some(gekozen) {
            duur = Some((v.duur, v.eenheid));
        }
        voorstel = Some(v);
    }
    let soort = soort.ok_or(StoreError::NotFound)?;
    model::toets(soort, &[], &n.aanleiding).map_err(StoreError::Refused)?;
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO maatregelen_maatregel (id, organisation_id, soort, onderwerp, locatie, locatie_sleutel, ladder, ladder_versie, beleid, \
         voorval_datum, voorval_object, voorval_middel, voorval_hoeveelheid, voorstel, voorstel_soort, afwijking_reden, duur, duur_eenheid, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)",
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
    .bind(n.ladder.map(|_| n.hoeveelheid))
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
    .execute(tx.conn()?)
    .await?;
    insert_step(&mut tx, &id, 0, &n.aanleiding, by).await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_step(tx: &mut Tx, id: &str, positie: i64, s: &Stap, by: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO maatregelen_stap (id, maatregel_id, positie, soort, datum, toelichting, bron, referentie, ontvangen, dagen, tot, \
         bedrag_cent, maximum_cent, noodzaak, evenredigheid, subsidiariteit, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
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
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

/// Records a step after checking it against the procedure of the measure's type.
pub async fn add_step(
    db: &Db,
    auth: &Authorized<access::Maatregel>,
    stap: &Stap,
    by: &str,
) -> Result<Detail> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let mut d = load(&mut tx, &id).await?;
    if d.maatregel.organisation_id != auth.resource().organisation_id {
        return Err(StoreError::NotFound);
    }
    model::toets(d.maatregel.soort, &d.stappen, stap).map_err(StoreError::Refused)?;
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
        hoeveelheid_vanaf: r.try_get("hoeveelheid_vanaf")?,
        feit: u32::try_from(feit).unwrap_or(1),
        venster_maanden: u32::try_from(venster).unwrap_or(12),
        maatregel: maatregel.as_deref().and_then(Soort::from_slug),
        duur: u32::try_from(duur).unwrap_or(0),
        eenheid: Eenheid::from_slug(&eenheid).unwrap_or(Eenheid::Dagen),
        omschrijving: r.try_get("omschrijving")?,
    })
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

/// The current version of a ladder (policy data, not personal).
pub async fn ladder(db: &Db, ladder: Ladder) -> Result<Vec<LadderRegel>> {
    let mut tx = db.begin().await?;
    let out = ladder_rows(&mut tx, ladder).await?;
    tx.commit().await?;
    Ok(out)
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
         venster_maanden, maatregel, duur, duur_eenheid, omschrijving, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&id)
    .bind(r.ladder.slug())
    .bind(r.versie)
    .bind(r.beleid.trim())
    .bind(r.positie)
    .bind(r.object.trim())
    .bind(r.middel.trim())
    .bind(r.hoeveelheid_vanaf)
    .bind(i64::from(r.feit))
    .bind(i64::from(r.venster_maanden))
    .bind(r.maatregel.map(|m| m.slug().to_string()))
    .bind(i64::from(r.duur))
    .bind(r.eenheid.slug())
    .bind(r.omschrijving.trim())
    .bind(by)
    .bind(now_ms())
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
        let id = insert_ladder_row(&mut tx, &rij, by).await?;
        if r.id == gewijzigd.id {
            nieuw_id = id;
        }
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(nieuw_id)
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
