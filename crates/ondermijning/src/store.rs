//! The module's tables: the only code that touches them. Every read of a place and every change
//! runs under a capability from the access engine and writes its audit record in the same
//! transaction.

use platform::access::{act, ActionType, Authorized, Principal, Purpose, RequestContext};
use platform::db::{new_id, now_ms, BindF64, Db, DbError, Tx};
use platform::identity::FieldError;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access;
use crate::input::Plaats;
use crate::model::{self, Feiten, Gewicht, Soort, Weging};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Access(#[from] platform::access::AccessError),
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(e.into())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Twelve months back from now, in milliseconds: the window of the counting indicators.
pub fn window_start_ms() -> i64 {
    now_ms() - 365 * 24 * 3600 * 1000
}

/// A place as stored.
#[derive(Clone, Debug)]
pub struct Locatie {
    pub id: String,
    pub organisation_id: String,
    pub naam: String,
    pub soort: Soort,
    pub bag_id: Option<String>,
    pub straat: String,
    pub huisnummer: Option<i64>,
    pub toevoeging: String,
    pub postcode: String,
    pub woonplaats: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub wijk: Option<String>,
    pub buurt: Option<String>,
    pub exploitant_kvk: Option<String>,
    pub exploitant_naam: Option<String>,
    pub eigenaar_kvk: Option<String>,
    pub eigenaar_naam: Option<String>,
    pub openingstijden: String,
    pub gebied_id: Option<String>,
    pub toelichting: String,
    pub kvo_niveau: Option<String>,
    pub kvo_geldig_tot: Option<String>,
    pub kvo_volgend_overleg: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Locatie {
    /// "Kerkstraat 12A, 4141AB Leerdam".
    pub fn adres(&self) -> String {
        let nummer = self
            .huisnummer
            .map(|n| format!(" {n}{}", self.toevoeging))
            .unwrap_or_default();
        let pc = if self.postcode.is_empty() {
            String::new()
        } else {
            format!("{} ", self.postcode)
        };
        format!("{}{nummer}, {pc}{}", self.straat, self.woonplaats)
    }
    pub fn punt(&self) -> Option<(f64, f64)> {
        self.lat.zip(self.lon)
    }
    /// The wijk's name, when the place has a point in the gemeente.
    pub fn wijk_naam(&self) -> String {
        self.wijk
            .as_deref()
            .and_then(monitor::areas::name)
            .unwrap_or("")
            .to_string()
    }
}

/// A place from a row of `ondermijning_locatie` (for this crate's other store code).
pub(crate) fn locatie_from_row(r: &AnyRow) -> Result<Locatie> {
    locatie_row(r)
}

fn locatie_row(r: &AnyRow) -> Result<Locatie> {
    let soort: String = r.try_get("soort")?;
    Ok(Locatie {
        id: r.try_get("id")?,
        organisation_id: r.try_get("organisation_id")?,
        naam: r.try_get("naam")?,
        soort: Soort::from_slug(&soort)
            .ok_or_else(|| StoreError::Other(format!("soort {soort}")))?,
        bag_id: r.try_get("bag_id")?,
        straat: r.try_get("straat")?,
        huisnummer: r.try_get("huisnummer")?,
        toevoeging: r.try_get("toevoeging")?,
        postcode: r.try_get("postcode")?,
        woonplaats: r.try_get("woonplaats")?,
        lat: r.try_get("lat")?,
        lon: r.try_get("lon")?,
        wijk: r.try_get("wijk")?,
        buurt: r.try_get("buurt")?,
        exploitant_kvk: r.try_get("exploitant_kvk")?,
        exploitant_naam: r.try_get("exploitant_naam")?,
        eigenaar_kvk: r.try_get("eigenaar_kvk")?,
        eigenaar_naam: r.try_get("eigenaar_naam")?,
        openingstijden: r.try_get("openingstijden")?,
        gebied_id: r.try_get("gebied_id")?,
        toelichting: r.try_get("toelichting")?,
        kvo_niveau: r.try_get("kvo_niveau")?,
        kvo_geldig_tot: r.try_get("kvo_geldig_tot")?,
        kvo_volgend_overleg: r.try_get("kvo_volgend_overleg")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

// ---------------------------------------------------------------------------------------------
// Capabilities.

async fn organisation_of(db: &Db, id: &str) -> Result<String> {
    let row = sqlx::query("SELECT organisation_id FROM ondermijning_locatie WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.try_get("organisation_id")?)
}

/// The capability for action `A` on place `id`, decided on the organisation the store reads
/// itself (never one a caller names).
pub async fn authorize_place<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    id: &str,
) -> Result<Authorized<access::Locatie, A>> {
    let organisation_id = organisation_of(db, id).await?;
    let resource = access::Locatie {
        id: Some(id.to_string()),
        organisation_id,
    };
    Ok(platform::access::authorize_as(db, request, p, resource, Purpose::Uitvoering).await?)
}

/// The capability to add a place to the principal's own organisation's register.
pub async fn authorize_new(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
) -> Result<Authorized<access::Locatie, act::Create>> {
    let resource = access::Locatie {
        id: None,
        organisation_id: p.organisation_id.clone(),
    };
    Ok(platform::access::authorize_as(db, request, p, resource, Purpose::Uitvoering).await?)
}

pub async fn authorize_register<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
) -> Result<Authorized<access::Register, A>> {
    Ok(
        platform::access::authorize_as(
            db,
            request,
            p,
            access::Register::of(p),
            Purpose::Uitvoering,
        )
        .await?,
    )
}

pub async fn authorize_weights<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
) -> Result<Authorized<access::Weging, A>> {
    Ok(
        platform::access::authorize_as(db, request, p, access::Weging::of(p), Purpose::Uitvoering)
            .await?,
    )
}

// ---------------------------------------------------------------------------------------------
// Places.

/// The gebied must be a business park or shopping area of the same organisation.
async fn check_gebied(
    tx: &mut Tx,
    organisation_id: &str,
    v: &Plaats,
    own_id: Option<&str>,
) -> Result<()> {
    let Some(g) = &v.gebied_id else {
        return Ok(());
    };
    let row = sqlx::query(
        "SELECT id FROM ondermijning_locatie WHERE id = $1 AND organisation_id = $2 AND soort = 'gebied'",
    )
    .bind(g)
    .bind(organisation_id)
    .fetch_optional(tx.conn()?)
    .await?;
    if row.is_none() || own_id == Some(g.as_str()) || v.soort == Soort::Gebied {
        return Err(StoreError::Invalid(vec![platform::identity::field_error(
            "gebied_id",
            "ondermijning-fout-gebied",
        )]));
    }
    Ok(())
}

fn area_of(v: &Plaats) -> (Option<String>, Option<String>) {
    match v
        .punt
        .and_then(|(lat, lon)| monitor::areas::locate(lon, lat))
    {
        Some(place) => (Some(place.wijk_code), place.buurt_code),
        None => (None, None),
    }
}

/// Adds a place; returns its id. Audited as the creation of that place.
pub async fn create(
    db: &Db,
    auth: &Authorized<access::Locatie, act::Create>,
    v: &Plaats,
) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    let org = &auth.resource().organisation_id;
    let (wijk, buurt) = area_of(v);
    let mut tx = db.begin().await?;
    check_gebied(&mut tx, org, v, None).await?;
    sqlx::query(
        "INSERT INTO ondermijning_locatie (id, organisation_id, naam, soort, bag_id, straat, huisnummer, \
         toevoeging, postcode, woonplaats, lat, lon, wijk, buurt, exploitant_kvk, exploitant_naam, \
         eigenaar_kvk, eigenaar_naam, openingstijden, gebied_id, toelichting, kvo_niveau, kvo_geldig_tot, \
         kvo_volgend_overleg, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25)",
    )
    .bind(&id)
    .bind(org)
    .bind(&v.naam)
    .bind(v.soort.slug())
    .bind(&v.bag_id)
    .bind(&v.straat)
    .bind(v.huisnummer)
    .bind(&v.toevoeging)
    .bind(v.postcode.clone().unwrap_or_default())
    .bind(&v.woonplaats)
    .bind_f64(v.punt.map(|p| p.0))
    .bind_f64(v.punt.map(|p| p.1))
    .bind(wijk)
    .bind(buurt)
    .bind(&v.exploitant_kvk)
    .bind(&v.exploitant_naam)
    .bind(&v.eigenaar_kvk)
    .bind(&v.eigenaar_naam)
    .bind(&v.openingstijden)
    .bind(&v.gebied_id)
    .bind(&v.toelichting)
    .bind(&v.kvo_niveau)
    .bind(&v.kvo_geldig_tot)
    .bind(&v.kvo_volgend_overleg)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    auth.record_created(&mut tx, "ondermijning-locatie", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a place's identity and details.
pub async fn update(
    db: &Db,
    auth: &Authorized<access::Locatie, act::Update>,
    v: &Plaats,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let org = &auth.resource().organisation_id;
    let (wijk, buurt) = area_of(v);
    let mut tx = db.begin().await?;
    check_gebied(&mut tx, org, v, Some(&id)).await?;
    sqlx::query(
        "UPDATE ondermijning_locatie SET naam = $1, soort = $2, bag_id = $3, straat = $4, huisnummer = $5, \
         toevoeging = $6, postcode = $7, woonplaats = $8, lat = $9, lon = $10, wijk = $11, buurt = $12, \
         exploitant_kvk = $13, exploitant_naam = $14, eigenaar_kvk = $15, eigenaar_naam = $16, \
         openingstijden = $17, gebied_id = $18, toelichting = $19, kvo_niveau = $20, kvo_geldig_tot = $21, \
         kvo_volgend_overleg = $22, updated_at = $23 WHERE id = $24 AND organisation_id = $25",
    )
    .bind(&v.naam)
    .bind(v.soort.slug())
    .bind(&v.bag_id)
    .bind(&v.straat)
    .bind(v.huisnummer)
    .bind(&v.toevoeging)
    .bind(v.postcode.clone().unwrap_or_default())
    .bind(&v.woonplaats)
    .bind_f64(v.punt.map(|p| p.0))
    .bind_f64(v.punt.map(|p| p.1))
    .bind(wijk)
    .bind(buurt)
    .bind(&v.exploitant_kvk)
    .bind(&v.exploitant_naam)
    .bind(&v.eigenaar_kvk)
    .bind(&v.eigenaar_naam)
    .bind(&v.openingstijden)
    .bind(&v.gebied_id)
    .bind(&v.toelichting)
    .bind(&v.kvo_niveau)
    .bind(&v.kvo_geldig_tot)
    .bind(&v.kvo_volgend_overleg)
    .bind(now_ms())
    .bind(&id)
    .bind(org)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// A permit.
#[derive(Clone, Debug)]
pub struct Vergunning {
    pub id: String,
    pub soort: String,
    pub nummer: String,
    pub geldig_van: Option<String>,
    pub geldig_tot: Option<String>,
}

/// A signal entered by the team.
#[derive(Clone, Debug)]
pub struct Signaal {
    pub id: String,
    pub datum: String,
    pub bron: String,
    pub tekst: String,
}

#[derive(Clone, Debug)]
pub struct Contact {
    pub id: String,
    pub naam: String,
    pub rol: String,
    pub organisatie: String,
}

#[derive(Clone, Debug)]
pub struct Overleg {
    pub id: String,
    pub datum: String,
    pub notulen: String,
}

/// An inspection of the place, for its page.
#[derive(Clone, Debug)]
pub struct ControleRij {
    pub id: String,
    pub ronde_id: String,
    pub ronde: String,
    pub datum: String,
    pub status: String,
    /// The Fluent key of the status.
    pub status_key: String,
    pub afwijkingen: i64,
}

/// A place with everything recorded about it in this module.
#[derive(Clone, Debug)]
pub struct Detail {
    pub locatie: Locatie,
    pub gebied: Option<(String, String)>,
    pub vergunningen: Vec<Vergunning>,
    pub kenmerken: Vec<String>,
    pub signalen: Vec<Signaal>,
    pub contacten: Vec<Contact>,
    pub overleggen: Vec<Overleg>,
    /// For a business park or shopping area: the places in it (id, name).
    pub plaatsen: Vec<(String, String)>,
    pub controles: Vec<ControleRij>,
}

async fn load(tx: &mut Tx, id: &str) -> Result<Detail> {
    let row = sqlx::query("SELECT * FROM ondermijning_locatie WHERE id = $1")
        .bind(id)
        .fetch_optional(tx.conn()?)
        .await?
        .ok_or(StoreError::NotFound)?;
    let locatie = locatie_row(&row)?;
    let gebied = match &locatie.gebied_id {
        Some(g) => sqlx::query("SELECT id, naam FROM ondermijning_locatie WHERE id = $1")
            .bind(g)
            .fetch_optional(tx.conn()?)
            .await?
            .map(|r| -> Result<(String, String)> { Ok((r.try_get("id")?, r.try_get("naam")?)) })
            .transpose()?,
        None => None,
    };
    let vergunningen = sqlx::query(
        "SELECT id, soort, nummer, geldig_van, geldig_tot FROM ondermijning_vergunning WHERE locatie_id = $1 ORDER BY geldig_tot DESC, id",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(Vergunning {
            id: r.try_get("id")?,
            soort: r.try_get("soort")?,
            nummer: r.try_get("nummer")?,
            geldig_van: r.try_get("geldig_van")?,
            geldig_tot: r.try_get("geldig_tot")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let kenmerken = kenmerken_of(tx, id).await?;
    let signalen = sqlx::query(
        "SELECT id, datum, bron, tekst FROM ondermijning_signaal WHERE locatie_id = $1 ORDER BY datum DESC, id DESC",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(Signaal {
            id: r.try_get("id")?,
            datum: r.try_get("datum")?,
            bron: r.try_get("bron")?,
            tekst: r.try_get("tekst")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let contacten = sqlx::query(
        "SELECT id, naam, rol, organisatie FROM ondermijning_contact WHERE locatie_id = $1 ORDER BY naam, id",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(Contact {
            id: r.try_get("id")?,
            naam: r.try_get("naam")?,
            rol: r.try_get("rol")?,
            organisatie: r.try_get("organisatie")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let overleggen = sqlx::query(
        "SELECT id, datum, notulen FROM ondermijning_overleg WHERE locatie_id = $1 ORDER BY datum DESC, id DESC",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(Overleg {
            id: r.try_get("id")?,
            datum: r.try_get("datum")?,
            notulen: r.try_get("notulen")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let plaatsen = sqlx::query(
        "SELECT id, naam FROM ondermijning_locatie WHERE gebied_id = $1 ORDER BY naam, id",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("naam")?)))
    .collect::<Result<Vec<_>>>()?;
    let controles = sqlx::query(
        "SELECT c.id, c.ronde_id, r.naam, r.datum, c.status, \
         (SELECT COUNT(*) FROM ondermijning_bevinding b WHERE b.controle_id = c.id AND b.oordeel = 'afwijking') AS afwijkingen \
         FROM ondermijning_controle c JOIN ondermijning_ronde r ON r.id = c.ronde_id \
         WHERE c.locatie_id = $1 ORDER BY r.datum DESC, c.id",
    )
    .bind(id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(ControleRij {
            id: r.try_get("id")?,
            ronde_id: r.try_get("ronde_id")?,
            ronde: r.try_get("naam")?,
            datum: r.try_get("datum")?,
            status_key: format!("ondermijning-status-{}", r.try_get::<String, _>("status")?),
            status: r.try_get("status")?,
            afwijkingen: r.try_get("afwijkingen")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    Ok(Detail {
        locatie,
        gebied,
        vergunningen,
        kenmerken,
        signalen,
        contacten,
        overleggen,
        plaatsen,
        controles,
    })
}

async fn kenmerken_of(tx: &mut Tx, id: &str) -> Result<Vec<String>> {
    sqlx::query("SELECT kenmerk FROM ondermijning_kenmerk WHERE locatie_id = $1 ORDER BY kenmerk")
        .bind(id)
        .fetch_all(tx.conn()?)
        .await?
        .iter()
        .map(|r| Ok(r.try_get("kenmerk")?))
        .collect()
}

/// One place with what the module records about it; the read is audited.
pub async fn get(db: &Db, auth: &Authorized<access::Locatie, act::Read>) -> Result<Detail> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let d = load(&mut tx, &id).await?;
    if d.locatie.organisation_id != auth.resource().organisation_id {
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(d)
}

/// The place as the edit form needs it (the edit capability covers reading it).
pub async fn get_for_update(
    db: &Db,
    auth: &Authorized<access::Locatie, act::Update>,
) -> Result<Locatie> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let d = load(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(d.locatie)
}

/// A filter of the list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub soort: Option<Soort>,
    pub wijk: Option<String>,
    pub q: String,
}

/// The places of the caller's organisation (filtered in SQL on type, wijk and text), by name;
/// the list read is audited once.
pub async fn list(
    db: &Db,
    auth: &Authorized<access::Register, act::List>,
    f: &Filter,
) -> Result<Vec<Locatie>> {
    let like = format!("%{}%", f.q.trim().to_lowercase());
    let rows = sqlx::query(
        "SELECT * FROM ondermijning_locatie WHERE organisation_id = $1 AND ($2 = '' OR soort = $2) \
         AND ($3 = '' OR wijk = $3) AND (LOWER(naam) LIKE $4 OR LOWER(straat) LIKE $4 OR LOWER(woonplaats) LIKE $4 \
         OR COALESCE(exploitant_kvk, '') LIKE $4) ORDER BY naam, id LIMIT 2000",
    )
    .bind(&auth.resource().organisation_id)
    .bind(f.soort.map(Soort::slug).unwrap_or(""))
    .bind(f.wijk.clone().unwrap_or_default())
    .bind(like)
    .fetch_all(db.pool())
    .await?;
    let out = rows.iter().map(locatie_row).collect::<Result<Vec<_>>>()?;
    auth.record_grouped(db).await?;
    Ok(out)
}

/// The business parks and shopping areas of an organisation (id, name), for the form's choice.
pub async fn gebieden(db: &Db, organisation_id: &str) -> Result<Vec<(String, String)>> {
    sqlx::query(
        "SELECT id, naam FROM ondermijning_locatie WHERE organisation_id = $1 AND soort = 'gebied' ORDER BY naam",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("naam")?)))
    .collect()
}

// ---------------------------------------------------------------------------------------------
// What is recorded about a place.

/// Sets the place's risk features (the known ones only).
pub async fn set_kenmerken(
    db: &Db,
    auth: &Authorized<access::Locatie, act::Update>,
    kenmerken: &[String],
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM ondermijning_kenmerk WHERE locatie_id = $1")
        .bind(&id)
        .execute(tx.conn()?)
        .await?;
    for k in kenmerken
        .iter()
        .filter(|k| model::KENMERKEN.contains(&k.as_str()))
    {
        sqlx::query(
            "INSERT INTO ondermijning_kenmerk (locatie_id, kenmerk, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(k)
        .bind(now)
        .execute(tx.conn()?)
        .await?;
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Something recorded about a place: a permit, a signal, a contact or a KVO meeting.
#[derive(Clone, Debug)]
pub enum Toevoeging {
    Vergunning {
        soort: String,
        nummer: String,
        geldig_van: Option<String>,
        geldig_tot: Option<String>,
    },
    Signaal {
        datum: String,
        bron: String,
        tekst: String,
    },
    Contact {
        naam: String,
        rol: String,
        organisatie: String,
    },
    Overleg {
        datum: String,
        notulen: String,
    },
}

/// Records it; returns the new row's id. Audited as a change of the place.
pub async fn add(
    db: &Db,
    auth: &Authorized<access::Locatie, act::Update>,
    item: &Toevoeging,
) -> Result<String> {
    let locatie = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let id = new_id();
    let now = now_ms();
    let by = auth.principal().user_id.clone();
    let mut tx = db.begin().await?;
    match item {
        Toevoeging::Vergunning {
            soort,
            nummer,
            geldig_van,
            geldig_tot,
        } => {
            sqlx::query(
                "INSERT INTO ondermijning_vergunning (id, locatie_id, soort, nummer, geldig_van, geldig_tot, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(&locatie)
            .bind(soort)
            .bind(nummer)
            .bind(geldig_van)
            .bind(geldig_tot)
            .bind(now)
            .execute(tx.conn()?)
            .await?;
        }
        Toevoeging::Signaal { datum, bron, tekst } => {
            sqlx::query(
                "INSERT INTO ondermijning_signaal (id, locatie_id, datum, bron, tekst, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(&locatie)
            .bind(datum)
            .bind(bron)
            .bind(tekst)
            .bind(&by)
            .bind(now)
            .execute(tx.conn()?)
            .await?;
        }
        Toevoeging::Contact {
            naam,
            rol,
            organisatie,
        } => {
            sqlx::query(
                "INSERT INTO ondermijning_contact (id, locatie_id, naam, rol, organisatie, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(&locatie)
            .bind(naam)
            .bind(rol)
            .bind(organisatie)
            .bind(now)
            .execute(tx.conn()?)
            .await?;
        }
        Toevoeging::Overleg { datum, notulen } => {
            sqlx::query(
                "INSERT INTO ondermijning_overleg (id, locatie_id, datum, notulen, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(&locatie)
            .bind(datum)
            .bind(notulen)
            .bind(&by)
            .bind(now)
            .execute(tx.conn()?)
            .await?;
        }
    }
    sqlx::query("UPDATE ondermijning_locatie SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&locatie)
        .execute(tx.conn()?)
        .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// The risk score.

/// The facts of a place for its score, over the last 12 months: meldingen at its address and
/// measures at its address or of its operator (through those modules' public counts), and this
/// module's signals, findings and risk features.
pub async fn feiten(db: &Db, l: &Locatie) -> Result<Feiten> {
    let since = window_start_ms();
    let since_day = platform::db::date_nl(since).to_string();
    let adres = l.adres();
    let meldingen = meldingen::store::count_at_place(db, &adres, l.punt(), since)
        .await
        .map_err(|e| StoreError::Other(e.to_string()))?;
    let maatregelen = maatregelen::store::count_at_place(
        db,
        &l.organisation_id,
        &adres,
        l.bag_id.as_deref(),
        l.exploitant_kvk.as_deref(),
        since,
    )
    .await
    .map_err(|e| StoreError::Other(e.to_string()))?;
    let signalen: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM ondermijning_signaal WHERE locatie_id = $1 AND datum >= $2",
    )
    .bind(&l.id)
    .bind(&since_day)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    let bevindingen: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM ondermijning_bevinding b JOIN ondermijning_controle c ON c.id = b.controle_id \
         WHERE c.locatie_id = $1 AND b.oordeel = 'afwijking' AND c.uitgevoerd_op >= $2",
    )
    .bind(&l.id)
    .bind(&since_day)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    let kenmerken = sqlx::query("SELECT kenmerk FROM ondermijning_kenmerk WHERE locatie_id = $1")
        .bind(&l.id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok(r.try_get("kenmerk")?))
        .collect::<Result<Vec<String>>>()?;
    Ok(Feiten {
        meldingen,
        maatregelen,
        signalen,
        bevindingen,
        kenmerken,
    })
}

/// A weights version with its date and note.
#[derive(Clone, Debug)]
pub struct WegingVersie {
    pub weging: Weging,
    pub toelichting: String,
    pub created_by: String,
    pub created_at: i64,
}

async fn weging_rows(db: &Db, versie: i64) -> Result<Vec<Gewicht>> {
    sqlx::query(
        "SELECT indicator, punten, maximum, categorieen FROM ondermijning_weging WHERE versie = $1",
    )
    .bind(versie)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        let c: String = r.try_get("categorieen")?;
        Ok(Gewicht {
            indicator: r.try_get("indicator")?,
            punten: r.try_get("punten")?,
            maximum: r.try_get("maximum")?,
            categorieen: c
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        })
    })
    .collect()
}

fn in_order(mut g: Vec<Gewicht>) -> Vec<Gewicht> {
    let order = model::indicatoren();
    g.sort_by_key(|x| {
        order
            .iter()
            .position(|o| *o == x.indicator)
            .unwrap_or(usize::MAX)
    });
    g
}

/// Every weights version, newest first.
pub async fn wegingen(db: &Db) -> Result<Vec<WegingVersie>> {
    let rows = sqlx::query(
        "SELECT versie, toelichting, created_by, created_at FROM ondermijning_weging_versie ORDER BY versie DESC",
    )
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let versie: i64 = r.try_get("versie")?;
        out.push(WegingVersie {
            weging: Weging {
                versie,
                gewichten: in_order(weging_rows(db, versie).await?),
            },
            toelichting: r.try_get("toelichting")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
        });
    }
    Ok(out)
}

/// The current weights (the highest version); version 1 when none is stored yet.
pub async fn weging(db: &Db) -> Result<Weging> {
    let row = sqlx::query("SELECT MAX(versie) AS v FROM ondermijning_weging_versie")
        .fetch_one(db.pool())
        .await?;
    let v: Option<i64> = row.try_get("v")?;
    match v {
        Some(versie) => Ok(Weging {
            versie,
            gewichten: in_order(weging_rows(db, versie).await?),
        }),
        None => Ok(model::weging_v1()),
    }
}

async fn insert_version(
    tx: &mut Tx,
    versie: i64,
    gewichten: &[Gewicht],
    toelichting: &str,
    by: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO ondermijning_weging_versie (versie, toelichting, created_by, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(versie)
    .bind(toelichting)
    .bind(by)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    for g in gewichten {
        sqlx::query(
            "INSERT INTO ondermijning_weging (versie, indicator, punten, maximum, categorieen) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(versie)
        .bind(&g.indicator)
        .bind(g.punten)
        .bind(g.maximum)
        .bind(g.categorieen.join(","))
        .execute(tx.conn()?)
        .await?;
    }
    Ok(())
}

/// Saves a new weights version (the next number); returns it. Audited.
pub async fn weging_opslaan(
    db: &Db,
    auth: &Authorized<access::Weging, act::Update>,
    gewichten: &[Gewicht],
    toelichting: &str,
) -> Result<i64> {
    let errors = model::weging_fouten(gewichten);
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT COALESCE(MAX(versie), 0) AS v FROM ondermijning_weging_versie")
        .fetch_one(tx.conn()?)
        .await?;
    let versie: i64 = row.try_get::<i64, _>("v")? + 1;
    insert_version(
        &mut tx,
        versie,
        gewichten,
        toelichting,
        &auth.principal().name,
    )
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(versie)
}

/// Reference data: weights version 1 and the version-1 checklists (idempotent).
pub async fn seed(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM ondermijning_weging_versie")
        .fetch_one(tx.conn()?)
        .await?
        .try_get("n")?;
    if n == 0 {
        insert_version(
            &mut tx,
            1,
            &model::weging_v1().gewichten,
            "Versie 1: startwaarden bij de invoering van het register.",
            "Baken",
        )
        .await?;
    }
    for soort in Soort::ALL {
        sqlx::query(
            "INSERT INTO ondermijning_checklist (id, soort, versie, items, created_by, created_at) \
             VALUES ($1, $2, 1, $3, 'Baken', $4) ON CONFLICT (soort, versie) DO NOTHING",
        )
        .bind(new_id())
        .bind(soort.slug())
        .bind(model::checklist_v1(soort).join("\n"))
        .bind(now_ms())
        .execute(tx.conn()?)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
