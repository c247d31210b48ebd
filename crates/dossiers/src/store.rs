//! The module's tables: the only code that touches them. Everything that returns or changes a
//! case takes an `Authorized<Dossier>` made from the case's facts by [`open`]; what a partner may
//! see is filtered in SQL by the categories of that decision, and every entry shown is audited.

use std::collections::BTreeMap;

use jiff::civil::Date;
use platform::access::{self, AccessError, Action, Authorized, Principal, Purpose, RequestContext};
use platform::audit::{self, AuditEntry, AuditRecord, Outcome};
use platform::db::{new_id, now_ms, BindF64, Db, DbError, Tx};
use platform::identity::{field_error, FieldError};
use platform::secrets::DataKey;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access::{
    zicht, ConvenantFeiten, DeelnameFeiten, Dossier, DossierFeiten, Dossierlijst, Inzageverzoek,
    Zicht,
};
use crate::model::{self, Categorie, Fase};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Refused by the rules, with the Dutch reason.
    #[error("{0}")]
    Refused(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("access denied: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(DbError::Sql(e))
    }
}

impl From<AccessError> for StoreError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::Forbidden(r) => StoreError::Forbidden(r),
            AccessError::Db(d) => StoreError::Db(d),
        }
    }
}

type Result<T> = std::result::Result<T, StoreError>;

fn invalid(field: &str, msg: &str) -> StoreError {
    StoreError::Invalid(vec![field_error(field, msg)])
}

/// Today in the Netherlands.
pub fn vandaag() -> Date {
    platform::db::today_nl()
}

fn date(s: &str) -> Option<Date> {
    s.parse().ok()
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Case types.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Zaaktype {
    pub slug: String,
    pub naam: String,
    pub omschrijving: String,
    /// Default data categories of the case type.
    pub categorieen: Vec<String>,
    /// Tasks created with every new case.
    pub taken: Vec<String>,
    pub bewaartermijn_jaren: i64,
    pub ingebouwd: bool,
}

/// Loads the shipped case types (idempotent; an administrator's changes stay).
pub async fn seed(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    for z in model::ZAAKTYPEN {
        sqlx::query(
            "INSERT INTO dossiers_zaaktype (slug, naam, omschrijving, categorieen, taken, bewaartermijn_jaren, regie_rollen, ingebouwd, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) ON CONFLICT (slug) DO NOTHING",
        )
        .bind(z.slug)
        .bind(z.naam)
        .bind(z.omschrijving)
        .bind(Categorie::join(z.categorieen))
        .bind(z.taken.join("\n"))
        .bind(z.bewaartermijn_jaren)
        .bind("procesregisseur,adviseur-iv")
        .bind(now_ms())
        .execute(&mut *tx.conn()?)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

fn zaaktype_row(r: &AnyRow) -> Result<Zaaktype> {
    let cats: String = r.try_get("categorieen")?;
    let taken: String = r.try_get("taken")?;
    Ok(Zaaktype {
        slug: r.try_get("slug")?,
        naam: r.try_get("naam")?,
        omschrijving: r.try_get("omschrijving")?,
        categorieen: split(&cats),
        taken: taken
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect(),
        bewaartermijn_jaren: r.try_get("bewaartermijn_jaren")?,
        ingebouwd: r.try_get::<i64, _>("ingebouwd")? == 1,
    })
}

pub async fn zaaktypen(db: &Db) -> Result<Vec<Zaaktype>> {
    let rows = sqlx::query("SELECT * FROM dossiers_zaaktype ORDER BY ingebouwd DESC, naam")
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(zaaktype_row).collect()
}

pub async fn zaaktype(db: &Db, slug: &str) -> Result<Zaaktype> {
    let row = sqlx::query("SELECT * FROM dossiers_zaaktype WHERE slug = $1")
        .bind(slug)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    zaaktype_row(&row)
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuwZaaktype {
    pub slug: String,
    pub naam: String,
    #[serde(default)]
    pub omschrijving: String,
    #[serde(default)]
    pub categorieen: Vec<String>,
    #[serde(default)]
    pub taken: Vec<String>,
    pub bewaartermijn_jaren: i64,
}

pub async fn create_zaaktype(
    db: &Db,
    auth: &Authorized<crate::access::Convenanten>,
    z: &NieuwZaaktype,
) -> Result<()> {
    let mut errors = Vec::new();
    if !platform::identity::valid_slug(z.slug.trim()) {
        errors.push(field_error(
            "slug",
            "Gebruik kleine letters, cijfers en streepjes (bijvoorbeeld 'buurtbemiddeling').",
        ));
    }
    if z.naam.trim().is_empty() {
        errors.push(field_error("naam", "Vul een naam in."));
    }
    let cats: Vec<Categorie> = z
        .categorieen
        .iter()
        .filter_map(|c| Categorie::from_slug(c))
        .collect();
    if cats.is_empty() || cats.len() != z.categorieen.len() {
        errors.push(field_error(
            "categorieen",
            "Kies ten minste één bekende gegevenscategorie.",
        ));
    }
    if !(1..=100).contains(&z.bewaartermijn_jaren) {
        errors.push(field_error(
            "bewaartermijn_jaren",
            "De bewaartermijn is een aantal jaren tussen 1 en 100.",
        ));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    let r = sqlx::query(
        "INSERT INTO dossiers_zaaktype (slug, naam, omschrijving, categorieen, taken, bewaartermijn_jaren, regie_rollen, ingebouwd, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'procesregisseur,adviseur-iv', 0, $7) ON CONFLICT (slug) DO NOTHING",
    )
    .bind(z.slug.trim())
    .bind(z.naam.trim())
    .bind(z.omschrijving.trim())
    .bind(Categorie::join(&cats))
    .bind(z.taken.iter().map(|t| t.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n"))
    .bind(z.bewaartermijn_jaren)
    .bind(now_ms())
    .execute(&mut *tx.conn()?)
    .await?;
    if r.rows_affected() == 0 {
        return Err(invalid("slug", "Er bestaat al een zaaktype met deze code."));
    }
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Covenants.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Partij {
    pub organisation_id: String,
    pub ontvangen: Vec<String>,
    pub verstrekken: Vec<String>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Convenant {
    pub id: String,
    pub naam: String,
    pub doelen: String,
    pub zaaktypen: Vec<String>,
    pub geldig_van: String,
    pub geldig_tot: String,
    pub ingetrokken: bool,
    pub partijen: Vec<Partij>,
}

impl Convenant {
    pub fn geldig_op(&self, d: Date) -> bool {
        !self.ingetrokken
            && date(&self.geldig_van).is_some_and(|v| v <= d)
            && date(&self.geldig_tot).is_some_and(|t| d <= t)
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuwePartij {
    pub organisation_id: String,
    #[serde(default)]
    pub ontvangen: Vec<String>,
    #[serde(default)]
    pub verstrekken: Vec<String>,
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuwConvenant {
    pub naam: String,
    #[serde(default)]
    pub doelen: String,
    pub zaaktypen: Vec<String>,
    /// YYYY-MM-DD
    pub geldig_van: String,
    /// YYYY-MM-DD
    pub geldig_tot: String,
    pub partijen: Vec<NieuwePartij>,
}

pub async fn convenanten(db: &Db) -> Result<Vec<Convenant>> {
    let rows = sqlx::query("SELECT * FROM dossiers_convenant ORDER BY geldig_van DESC, naam")
        .fetch_all(db.pool())
        .await?;
    let parts = sqlx::query("SELECT * FROM dossiers_convenant_partij")
        .fetch_all(db.pool())
        .await?;
    let mut by: BTreeMap<String, Vec<Partij>> = BTreeMap::new();
    for p in &parts {
        let o: String = p.try_get("ontvangen")?;
        let v: String = p.try_get("verstrekken")?;
        by.entry(p.try_get("convenant_id")?)
            .or_default()
            .push(Partij {
                organisation_id: p.try_get("organisation_id")?,
                ontvangen: split(&o),
                verstrekken: split(&v),
            });
    }
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            let z: String = r.try_get("zaaktypen")?;
            Ok(Convenant {
                partijen: by.remove(&id).unwrap_or_default(),
                id,
                naam: r.try_get("naam")?,
                doelen: r.try_get("doelen")?,
                zaaktypen: split(&z),
                geldig_van: r.try_get("geldig_van")?,
                geldig_tot: r.try_get("geldig_tot")?,
                ingetrokken: r.try_get::<Option<i64>, _>("ingetrokken_at")?.is_some(),
            })
        })
        .collect()
}

pub async fn create_convenant(
    db: &Db,
    auth: &Authorized<crate::access::Convenanten>,
    c: &NieuwConvenant,
) -> Result<String> {
    let mut errors = Vec::new();
    if c.naam.trim().is_empty() {
        errors.push(field_error("naam", "Vul de naam van het convenant in."));
    }
    let known: Vec<String> = zaaktypen(db).await?.into_iter().map(|z| z.slug).collect();
    if c.zaaktypen.is_empty() || c.zaaktypen.iter().any(|z| !known.contains(z)) {
        errors.push(field_error(
            "zaaktypen",
            "Kies ten minste één bekend zaaktype dat het convenant dekt.",
        ));
    }
    let van = date(&c.geldig_van);
    let tot = date(&c.geldig_tot);
    if van.is_none() {
        errors.push(field_error(
            "geldig_van",
            "Vul een geldige datum in (jjjj-mm-dd).",
        ));
    }
    if tot.is_none() {
        errors.push(field_error(
            "geldig_tot",
            "Vul een geldige datum in (jjjj-mm-dd).",
        ));
    }
    if let (Some(v), Some(t)) = (van, tot) {
        if t < v {
            errors.push(field_error(
                "geldig_tot",
                "De einddatum ligt voor de begindatum.",
            ));
        }
    }
    if c.partijen.is_empty() {
        errors.push(field_error("partijen", "Een convenant heeft partijen."));
    }
    for p in &c.partijen {
        let bad = p
            .ontvangen
            .iter()
            .chain(&p.verstrekken)
            .any(|x| Categorie::from_slug(x).is_none());
        if bad {
            errors.push(field_error("partijen", "Onbekende gegevenscategorie."));
            break;
        }
        if platform::identity::organisation(db, &p.organisation_id)
            .await
            .is_err()
        {
            errors.push(field_error("partijen", "Onbekende organisatie."));
            break;
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    sqlx::query(
        "INSERT INTO dossiers_convenant (id, naam, doelen, zaaktypen, geldig_van, geldig_tot, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(c.naam.trim())
    .bind(c.doelen.trim())
    .bind(c.zaaktypen.join(","))
    .bind(c.geldig_van.trim())
    .bind(c.geldig_tot.trim())
    .bind(&auth.principal().user_id)
    .bind(now_ms())
    .execute(&mut *tx.conn()?)
    .await?;
    for p in &c.partijen {
        let o = Categorie::join(&Categorie::parse_list(&p.ontvangen.join(",")));
        let v = Categorie::join(&Categorie::parse_list(&p.verstrekken.join(",")));
        sqlx::query(
            "INSERT INTO dossiers_convenant_partij (convenant_id, organisation_id, ontvangen, verstrekken) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (convenant_id, organisation_id) DO UPDATE SET ontvangen = excluded.ontvangen, verstrekken = excluded.verstrekken",
        )
        .bind(&id)
        .bind(&p.organisation_id)
        .bind(o)
        .bind(v)
        .execute(&mut *tx.conn()?)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Revoking a covenant ends every participation resting on it at once (access is decided from
/// the covenant on each request).
pub async fn revoke_convenant(
    db: &Db,
    auth: &Authorized<crate::access::Convenanten>,
    id: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    let r = sqlx::query(
        "UPDATE dossiers_convenant SET ingetrokken_at = $1 WHERE id = $2 AND ingetrokken_at IS NULL",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&mut *tx.conn()?)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Cases: facts, decision, list.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DossierKop {
    pub id: String,
    pub nummer: String,
    pub zaaktype: String,
    pub titel: String,
    pub regie_organisation_id: String,
    pub regie_team_id: String,
    pub herkomst: String,
    pub fase: String,
    pub ave_fase: i64,
    pub zvh_tafel: Option<String>,
    pub inwoner: String,
    pub reviewdatum: Option<String>,
    pub legal_hold: bool,
    pub legal_hold_reden: Option<String>,
    pub gesloten_at: Option<i64>,
    pub bewaren_tot: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn kop_row(r: &AnyRow) -> Result<DossierKop> {
    Ok(DossierKop {
        id: r.try_get("id")?,
        nummer: r.try_get("nummer")?,
        zaaktype: r.try_get("zaaktype")?,
        titel: r.try_get("titel")?,
        regie_organisation_id: r.try_get("regie_organisation_id")?,
        regie_team_id: r.try_get("regie_team_id")?,
        herkomst: r.try_get("herkomst")?,
        fase: r.try_get("fase")?,
        ave_fase: r.try_get("ave_fase")?,
        zvh_tafel: r.try_get("zvh_tafel")?,
        inwoner: r.try_get("inwoner")?,
        reviewdatum: r.try_get("reviewdatum")?,
        legal_hold: r.try_get::<i64, _>("legal_hold")? == 1,
        legal_hold_reden: r.try_get("legal_hold_reden")?,
        gesloten_at: r.try_get("gesloten_at")?,
        bewaren_tot: r.try_get("bewaren_tot")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

const KOP_COLS: &str = "d.id, d.nummer, d.zaaktype, d.titel, d.regie_organisation_id, d.regie_team_id, d.herkomst, d.fase, d.ave_fase, d.zvh_tafel, d.inwoner, d.reviewdatum, d.legal_hold, d.legal_hold_reden, d.gesloten_at, d.bewaren_tot, d.created_at, d.updated_at";

/// The facts of one case as seen by `p`, or NotFound.
pub async fn feiten(db: &Db, p: &Principal, id: &str) -> Result<(DossierKop, DossierFeiten)> {
    let row = sqlx::query(&format!(
        "SELECT {KOP_COLS} FROM dossiers_dossier d WHERE d.id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let kop = kop_row(&row)?;
    let teams = platform::identity::team_ids_of_user(db, &p.user_id)
        .await
        .map_err(|e| StoreError::Refused(e.to_string()))?;
    let rows = sqlx::query(
        "SELECT p.ingetrokken_at, c.id AS cid, c.geldig_van, c.geldig_tot, c.ingetrokken_at AS c_in, c.zaaktypen, \
         cp.ontvangen, cp.verstrekken \
         FROM dossiers_deelname p JOIN dossiers_convenant c ON c.id = p.convenant_id \
         LEFT JOIN dossiers_convenant_partij cp ON cp.convenant_id = c.id AND cp.organisation_id = p.organisation_id \
         WHERE p.dossier_id = $1 AND p.organisation_id = $2",
    )
    .bind(id)
    .bind(&p.organisation_id)
    .fetch_all(db.pool())
    .await?;
    let mut deelnames = Vec::new();
    for r in &rows {
        let van: String = r.try_get("geldig_van")?;
        let tot: String = r.try_get("geldig_tot")?;
        let z: String = r.try_get("zaaktypen")?;
        let o: Option<String> = r.try_get("ontvangen")?;
        let v: Option<String> = r.try_get("verstrekken")?;
        let (Some(van), Some(tot)) = (date(&van), date(&tot)) else {
            continue; // an unreadable validity grants nothing
        };
        deelnames.push(DeelnameFeiten {
            ingetrokken: r.try_get::<Option<i64>, _>("ingetrokken_at")?.is_some(),
            convenant: ConvenantFeiten {
                id: r.try_get("cid")?,
                geldig_van: van,
                geldig_tot: tot,
                ingetrokken: r.try_get::<Option<i64>, _>("c_in")?.is_some(),
                zaaktypen: split(&z),
            },
            ontvangen: o.map(|s| Categorie::parse_list(&s)),
            verstrekken: v.map(|s| Categorie::parse_list(&s)),
        });
    }
    let f = DossierFeiten {
        dossier_id: kop.id.clone(),
        zaaktype: kop.zaaktype.clone(),
        regie_organisation_id: kop.regie_organisation_id.clone(),
        regie_team_id: kop.regie_team_id.clone(),
        teams,
        deelnames,
        vandaag: vandaag(),
    };
    Ok((kop, f))
}

/// Decides whether `p` may perform `action` on case `id`; a denial is audited.
pub async fn open(
    db: &Db,
    ctx: &RequestContext,
    p: &Principal,
    id: &str,
    action: Action,
) -> Result<(DossierKop, Authorized<Dossier>)> {
    let (kop, f) = feiten(db, p, id).await?;
    let z = zicht(p, &f);
    let auth = access::authorize(
        db,
        ctx,
        p,
        action,
        Dossier {
            id: kop.id.clone(),
            zicht: z,
        },
        Purpose::Uitvoering,
    )
    .await?;
    Ok((kop, auth))
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub zaaktype: Option<String>,
    pub fase: Option<String>,
    /// Only cases whose review date has passed.
    pub review_verlopen: bool,
}

fn bind_all<'q>(
    sql: &'q str,
    binds: &[String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    // The text varies with teams and grants: not worth a cached prepared statement each.
    let mut q = sqlx::query(sql).persistent(false);
    for b in binds {
        q = q.bind(b.clone());
    }
    q
}

/// The covenants under which `organisation_id` receives data today, with the case types each
/// covers: few rows, read first so the list query needs no covenant join.
async fn valid_grants(db: &Db, organisation_id: &str) -> Result<Vec<(String, Vec<String>)>> {
    let today = vandaag().to_string();
    let rows = sqlx::query(
        "SELECT c.id, c.zaaktypen FROM dossiers_convenant c \
         JOIN dossiers_convenant_partij cp ON cp.convenant_id = c.id \
         WHERE cp.organisation_id = $1 AND cp.ontvangen <> '' AND c.ingetrokken_at IS NULL \
         AND c.geldig_van <= $2 AND c.geldig_tot >= $2",
    )
    .bind(organisation_id)
    .bind(&today)
    .fetch_all(db.pool())
    .await?;
    let mut grants = Vec::new();
    for r in &rows {
        let z: String = r.try_get("zaaktypen")?;
        let types = split(&z);
        if !types.is_empty() {
            grants.push((r.try_get("id")?, types));
        }
    }
    Ok(grants)
}

/// The cases `p` may see: those of their teams (process direction) and those their
/// organisation takes part in under a covenant valid today that covers the case type and grants
/// them at least one category. Newest change first, 50 a page.
///
/// The page walks the cases by last change and stops after the page (an index on
/// `updated_at`); the count comes from the participations (an index on organisation, covenant
/// and case type), so neither sorts or joins every visible case.
pub async fn list(
    db: &Db,
    auth: &Authorized<Dossierlijst>,
    filter: &Filter,
    page: i64,
) -> Result<(Vec<DossierKop>, i64)> {
    let p = auth.principal();
    let teams = if crate::access::mag_regie_voeren(p) {
        platform::identity::team_ids_of_user(db, &p.user_id)
            .await
            .map_err(|e| StoreError::Refused(e.to_string()))?
    } else {
        Vec::new()
    };
    let grants = valid_grants(db, &p.organisation_id).await?;
    let mut binds: Vec<String> = vec![p.organisation_id.clone()];
    let mark = |binds: &mut Vec<String>, v: &str| {
        binds.push(v.to_string());
        format!("${}", binds.len())
    };
    let regie = if teams.is_empty() {
        None
    } else {
        let marks: Vec<String> = teams.iter().map(|t| mark(&mut binds, t)).collect();
        Some(format!(
            "(d.regie_organisation_id = $1 AND d.regie_team_id IN ({}))",
            marks.join(", ")
        ))
    };
    // Per case type the covenants that cover it: a handful of OR terms with IN lists, however
    // many covenants there are (a long OR chain exceeds SQLite's expression depth).
    let mut by_type: std::collections::BTreeMap<&str, Vec<&str>> =
        std::collections::BTreeMap::new();
    for (cov, types) in &grants {
        for t in types {
            by_type.entry(t.as_str()).or_default().push(cov.as_str());
        }
    }
    let mut grant_conds = Vec::new();
    for (t, covs) in &by_type {
        let tm = mark(&mut binds, t);
        let cm: Vec<String> = covs.iter().map(|c| mark(&mut binds, c)).collect();
        grant_conds.push(format!(
            "(p.zaaktype = {tm} AND p.convenant_id IN ({}))",
            cm.join(", ")
        ));
    }
    let deelname = if grant_conds.is_empty() {
        None
    } else {
        Some(format!(
            "p.organisation_id = $1 AND p.ingetrokken_at IS NULL AND ({})",
            grant_conds.join(" OR ")
        ))
    };
    let visible = match (&regie, &deelname) {
        (None, None) => return Ok((Vec::new(), 0)),
        (Some(r), None) => r.clone(),
        (None, Some(d)) => {
            format!("EXISTS (SELECT 1 FROM dossiers_deelname p WHERE p.dossier_id = d.id AND {d})")
        }
        (Some(r), Some(d)) => format!(
            "({r} OR EXISTS (SELECT 1 FROM dossiers_deelname p WHERE p.dossier_id = d.id AND {d}))"
        ),
    };
    let mut conds = vec![visible];
    let filtered = filter.zaaktype.as_deref().is_some_and(|z| !z.is_empty())
        || filter.fase.as_deref().is_some_and(|f| !f.is_empty())
        || filter.review_verlopen;
    if let Some(z) = filter.zaaktype.as_deref().filter(|z| !z.is_empty()) {
        let m = mark(&mut binds, z);
        conds.push(format!("d.zaaktype = {m}"));
    }
    if let Some(f) = filter.fase.as_deref().filter(|f| !f.is_empty()) {
        let m = mark(&mut binds, f);
        conds.push(format!("d.fase = {m}"));
    }
    if filter.review_verlopen {
        let m = mark(&mut binds, &vandaag().to_string());
        conds.push(format!(
            "d.reviewdatum IS NOT NULL AND d.reviewdatum < {m} AND d.fase <> 'gesloten'"
        ));
    }
    let where_sql = conds.join(" AND ");
    // Without filters the count needs no case rows: the team's cases plus the distinct cases
    // of the participations (the directing organisation never takes part in its own case).
    let total: i64 = if filtered {
        let sql = format!("SELECT COUNT(*) AS n FROM dossiers_dossier d WHERE {where_sql}");
        bind_all(&sql, &binds)
            .fetch_one(db.pool())
            .await?
            .try_get("n")?
    } else {
        let mut n = 0;
        if let Some(r) = &regie {
            let sql = format!("SELECT COUNT(*) AS n FROM dossiers_dossier d WHERE {r}");
            n += bind_all(&sql, &binds)
                .fetch_one(db.pool())
                .await?
                .try_get::<i64, _>("n")?;
        }
        if !grant_conds.is_empty() {
            // A sum of one count per case type: each follows the index on organisation,
            // covenant and case type (an OR of them makes PostgreSQL scan the table). A
            // participation has one type and one covenant, and an organisation takes part in a
            // case once at a time (a unique index), so the sum counts each case once.
            let parts: Vec<String> = grant_conds
                .iter()
                .map(|c| {
                    format!(
                        "(SELECT COUNT(*) FROM dossiers_deelname p WHERE p.organisation_id = $1 AND p.ingetrokken_at IS NULL AND {c})"
                    )
                })
                .collect();
            let sql = format!("SELECT {} AS n", parts.join(" + "));
            n += bind_all(&sql, &binds)
                .fetch_one(db.pool())
                .await?
                .try_get::<i64, _>("n")?;
        }
        n
    };
    let per = platform::web::forms::Pager::PER_PAGE;
    let offset = (page.max(1) - 1) * per;
    let sql = format!(
        "SELECT {KOP_COLS} FROM dossiers_dossier d WHERE {where_sql} ORDER BY d.updated_at DESC, d.id LIMIT {per} OFFSET {offset}"
    );
    let rows = bind_all(&sql, &binds).fetch_all(db.pool()).await?;
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok((rows.iter().map(kop_row).collect::<Result<_>>()?, total))
}

// ---------------------------------------------------------------------------------------------
// Creating a case.

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuwDossier {
    pub zaaktype: String,
    /// A short, non-identifying title (the subjects hold the names).
    pub titel: String,
    /// The directing team (a team of the user's organisation the user belongs to).
    pub regie_team_id: String,
    /// team, melding or partner
    #[serde(default)]
    pub herkomst: String,
    /// YYYY-MM-DD
    #[serde(default)]
    pub reviewdatum: Option<String>,
    /// The number of the melding the case came from ("M-12"); the melding then links to the
    /// case file (by its number only: its page checks access) and the herkomst is "melding".
    #[serde(default)]
    pub melding: Option<String>,
}

pub async fn create(db: &Db, auth: &Authorized<Dossierlijst>, n: &NieuwDossier) -> Result<String> {
    let p = auth.principal();
    let mut errors = Vec::new();
    let zt = zaaktype(db, &n.zaaktype).await;
    if zt.is_err() {
        errors.push(field_error("zaaktype", "Kies een zaaktype."));
    }
    if n.titel.trim().is_empty() {
        errors.push(field_error("titel", "Vul een korte titel in."));
    } else if n.titel.chars().count() > 120 {
        errors.push(field_error(
            "titel",
            "De titel is te lang (ten hoogste 120 tekens).",
        ));
    }
    let teams = platform::identity::team_ids_of_user(db, &p.user_id)
        .await
        .map_err(|e| StoreError::Refused(e.to_string()))?;
    if !teams.contains(&n.regie_team_id) {
        errors.push(field_error(
            "regie_team_id",
            "Kies een team waarvan u lid bent; dat team voert de regie.",
        ));
    }
    let herkomst = if n.herkomst.is_empty() {
        "team"
    } else {
        n.herkomst.as_str()
    };
    if !model::HERKOMST.iter().any(|(s, _)| *s == herkomst) {
        errors.push(field_error("herkomst", "Kies waar de casus vandaan komt."));
    }
    let melding_nummer = n
        .melding
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut melding_id = None;
    if let Some(text) = melding_nummer {
        match meldingen::model::parse_nummer(text) {
            Some(nr) => match meldingen::store::id_by_nummer(db, nr).await? {
                Some(id) => melding_id = Some(id),
                None => errors.push(field_error("melding", "Er is geen melding met dit nummer.")),
            },
            None => errors.push(field_error(
                "melding",
                "Vul het nummer van een melding in, bijvoorbeeld M-12.",
            )),
        }
    }
    let herkomst = if melding_id.is_some() {
        "melding"
    } else {
        herkomst
    };
    let review = n
        .reviewdatum
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if review.is_some_and(|r| date(r).is_none()) {
        errors.push(field_error(
            "reviewdatum",
            "Vul een geldige datum in (jjjj-mm-dd).",
        ));
    }
    let Ok(zt) = zt else {
        return Err(StoreError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let id = new_id();
    let now = now_ms();
    let year = vandaag().year();
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    let n_year: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM dossiers_dossier WHERE nummer LIKE $1")
            .bind(format!("D-{year}-%"))
            .fetch_one(&mut *tx.conn()?)
            .await?
            .try_get("n")?;
    let nummer = format!("D-{year}-{:05}", n_year + 1);
    sqlx::query(
        "INSERT INTO dossiers_dossier (id, nummer, zaaktype, titel, regie_organisation_id, regie_team_id, herkomst, fase, ave_fase, inwoner, reviewdatum, legal_hold, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'intake', 1, 'niet-uitgenodigd', $8, 0, $9, $10, $10)",
    )
    .bind(&id)
    .bind(&nummer)
    .bind(&zt.slug)
    .bind(n.titel.trim())
    .bind(&p.organisation_id)
    .bind(&n.regie_team_id)
    .bind(herkomst)
    .bind(review)
    .bind(&p.user_id)
    .bind(now)
    .execute(&mut *tx.conn()?)
    .await?;
    if let Some(melding) = melding_id {
        platform::links::add(
            &mut tx,
            &platform::links::Link {
                from_kind: "dossier".into(),
                from_id: id.clone(),
                to_kind: "melding".into(),
                to_id: melding,
                label: format!("Dossier {nummer}"),
                href: format!("/dossiers/{id}"),
            },
        )
        .await?;
    }
    historie(
        &mut tx,
        &id,
        "fase",
        None,
        "intake",
        "Casus aangemaakt",
        &p.name,
    )
    .await?;
    for taak in &zt.taken {
        insert_item(
            &mut tx,
            p,
            &id,
            &NieuwItem {
                soort: "taak".into(),
                categorie: "basisgegevens".into(),
                titel: taak.clone(),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

async fn historie(
    tx: &mut Tx,
    dossier_id: &str,
    soort: &str,
    van: Option<&str>,
    naar: &str,
    toelichting: &str,
    door: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO dossiers_historie (id, dossier_id, soort, van, naar, toelichting, door, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(dossier_id)
    .bind(soort)
    .bind(van)
    .bind(naar)
    .bind(toelichting)
    .bind(door)
    .bind(now_ms())
    .execute(&mut *tx.conn()?)
    .await?;
    sqlx::query("UPDATE dossiers_dossier SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(dossier_id)
        .execute(&mut *tx.conn()?)
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Entries.

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuwItem {
    /// notitie, taak, doel, document, besluit, verslag, betrokkenheid
    pub soort: String,
    /// The data category (basisgegevens, zorg-welzijn, strafrechtelijk, wonen, onderwijs, financien).
    pub categorie: String,
    pub titel: String,
    #[serde(default)]
    pub tekst: String,
    /// For a goal: the life domain.
    #[serde(default)]
    pub leefgebied: Option<String>,
    /// For a task: the organisation that carries it out.
    #[serde(default)]
    pub eigenaar_organisation_id: Option<String>,
    /// For a task: YYYY-MM-DD.
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(skip)]
    pub overleg_id: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: String,
    pub soort: String,
    pub categorie: String,
    pub titel: String,
    pub tekst: String,
    pub leefgebied: Option<String>,
    pub eigenaar_organisation_id: Option<String>,
    pub deadline: Option<String>,
    pub gereed: bool,
    pub overleg_id: Option<String>,
    /// The name of an attached document, if any (download through the case).
    pub bestand_naam: Option<String>,
    pub door: String,
    pub door_organisation_id: String,
    pub created_at: i64,
}

fn item_row(r: &AnyRow) -> Result<Item> {
    Ok(Item {
        id: r.try_get("id")?,
        soort: r.try_get("soort")?,
        categorie: r.try_get("categorie")?,
        titel: r.try_get("titel")?,
        tekst: r.try_get("tekst")?,
        leefgebied: r.try_get("leefgebied")?,
        eigenaar_organisation_id: r.try_get("eigenaar_organisation_id")?,
        deadline: r.try_get("deadline")?,
        gereed: r.try_get::<Option<i64>, _>("gereed_at")?.is_some(),
        overleg_id: r.try_get("overleg_id")?,
        bestand_naam: r.try_get("bestand_naam")?,
        door: r.try_get("created_by_name")?,
        door_organisation_id: r.try_get("created_by_organisation_id")?,
        created_at: r.try_get("created_at")?,
    })
}

fn check_item(n: &NieuwItem) -> std::result::Result<Categorie, Vec<FieldError>> {
    let mut errors = Vec::new();
    if model::item_soort_naam(&n.soort).is_none() {
        errors.push(field_error("soort", "Kies het soort vastlegging."));
    }
    let cat = Categorie::from_slug(&n.categorie);
    if cat.is_none() {
        errors.push(field_error("categorie", "Kies de gegevenscategorie."));
    }
    if n.titel.trim().is_empty() {
        errors.push(field_error("titel", "Vul een titel in."));
    }
    if n.soort == "doel"
        && n.leefgebied
            .as_deref()
            .and_then(model::leefgebied_naam)
            .is_none()
    {
        errors.push(field_error(
            "leefgebied",
            "Kies het leefgebied van dit doel.",
        ));
    }
    if n.deadline
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .is_some_and(|d| date(d).is_none())
    {
        errors.push(field_error(
            "deadline",
            "Vul een geldige datum in (jjjj-mm-dd).",
        ));
    }
    match cat {
        Some(c) if errors.is_empty() => Ok(c),
        _ => Err(errors),
    }
}

async fn insert_item(
    tx: &mut Tx,
    p: &Principal,
    dossier_id: &str,
    n: &NieuwItem,
) -> Result<String> {
    insert_item_with(tx, p, dossier_id, n, None).await
}

async fn insert_item_with(
    tx: &mut Tx,
    p: &Principal,
    dossier_id: &str,
    n: &NieuwItem,
    bestand: Option<&platform::files::StoredFile>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO dossiers_item (id, dossier_id, soort, categorie, titel, tekst, leefgebied, eigenaar_organisation_id, deadline, overleg_id, created_by, created_by_name, created_by_organisation_id, created_at, bestand_id, bestand_naam) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&id)
    .bind(dossier_id)
    .bind(&n.soort)
    .bind(&n.categorie)
    .bind(n.titel.trim())
    .bind(n.tekst.trim())
    .bind(n.leefgebied.as_deref().filter(|s| !s.is_empty()))
    .bind(n.eigenaar_organisation_id.as_deref().filter(|s| !s.is_empty()))
    .bind(n.deadline.as_deref().map(str::trim).filter(|s| !s.is_empty()))
    .bind(n.overleg_id.as_deref())
    .bind(&p.user_id)
    .bind(&p.name)
    .bind(&p.organisation_id)
    .bind(now_ms())
    .bind(bestand.map(|b| b.id.as_str()))
    .bind(bestand.map(|b| b.file_name.as_str()))
    .execute(&mut *tx.conn()?)
    .await?;
    sqlx::query("UPDATE dossiers_dossier SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(dossier_id)
        .execute(&mut *tx.conn()?)
        .await?;
    Ok(id)
}

/// Adds an entry: the directing team in any category, a partner only in the categories its
/// organisation may provide under the covenant.
pub async fn add_item(db: &Db, auth: &Authorized<Dossier>, n: &NieuwItem) -> Result<String> {
    add_item_with_file(db, auth, n, None).await
}

/// An uploaded document: its name as sent and its content.
pub struct Upload {
    pub name: String,
    pub data: Vec<u8>,
}

/// Adds an entry with an attached document (PDF, JPEG or PNG, by content, at most 25 MB).
pub async fn add_item_with_file(
    db: &Db,
    auth: &Authorized<Dossier>,
    n: &NieuwItem,
    upload: Option<&Upload>,
) -> Result<String> {
    let checked = check_item(n);
    let mut errors = checked.clone().err().unwrap_or_default();
    if let Some(u) = upload {
        if let Err(rejected) = platform::files::check(&platform::files::DOCUMENTS, &u.data) {
            let msg = match rejected {
                platform::files::FileRejection::Empty => "Het bestand is leeg.",
                platform::files::FileRejection::TooLarge { .. } => {
                    "Het bestand is groter dan 25 MB."
                }
                platform::files::FileRejection::TypeNotAllowed => {
                    "Alleen PDF, JPEG of PNG (Baken kijkt naar de inhoud, niet naar de naam)."
                }
            };
            errors.push(field_error("bestand", msg));
        }
    }
    let cat = match checked {
        Ok(cat) if errors.is_empty() => cat,
        _ => return Err(StoreError::Invalid(errors)),
    };
    if !auth.resource().zicht.mag_toevoegen(cat) {
        return Err(invalid(
            "categorie",
            "Uw organisatie mag onder het convenant geen gegevens van deze categorie in dit dossier vastleggen.",
        ));
    }
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    let stored = match upload {
        Some(u) => Some(
            platform::files::store(
                &mut tx,
                &platform::files::DOCUMENTS,
                &u.name,
                &u.data,
                Some(&auth.principal().user_id),
            )
            .await
            .map_err(|e| StoreError::Refused(e.to_string()))?,
        ),
        None => None,
    };
    let id = insert_item_with(
        &mut tx,
        auth.principal(),
        &auth.resource().id,
        n,
        stored.as_ref(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The document of an entry, if the decision lets its holder see that entry's category; the
/// download is audited as a read of the entry.
pub async fn item_file(
    db: &Db,
    auth: &Authorized<Dossier>,
    item_id: &str,
) -> Result<(platform::files::StoredFile, Vec<u8>)> {
    let row = sqlx::query(
        "SELECT categorie, bestand_id FROM dossiers_item WHERE id = $1 AND dossier_id = $2",
    )
    .bind(item_id)
    .bind(&auth.resource().id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let cat: String = row.try_get("categorie")?;
    let file: Option<String> = row.try_get("bestand_id")?;
    let seen = Categorie::from_slug(&cat).is_some_and(|c| auth.resource().zicht.ziet(c));
    let (true, Some(file)) = (seen, file) else {
        return Err(StoreError::NotFound);
    };
    let mut tx = db.begin().await?;
    auth.record_each(
        &mut tx,
        "dossier-item",
        &[item_id.to_string()],
        Some(&format!("dossier:{}", auth.resource().id)),
    )
    .await?;
    let found = platform::files::read(&mut tx, auth, &file)
        .await
        .map_err(|e| StoreError::Refused(e.to_string()))?
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(found)
}

/// Marks a task done (the directing team, or the organisation that owns the task).
pub async fn complete_task(db: &Db, auth: &Authorized<Dossier>, item_id: &str) -> Result<()> {
    let cats = auth.resource().zicht.categorieen();
    let row = sqlx::query(
        "SELECT categorie, eigenaar_organisation_id FROM dossiers_item WHERE id = $1 AND dossier_id = $2 AND soort = 'taak'",
    )
    .bind(item_id)
    .bind(&auth.resource().id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let cat: String = row.try_get("categorie")?;
    let owner: Option<String> = row.try_get("eigenaar_organisation_id")?;
    let seen = match &cats {
        None => true,
        Some(list) => Categorie::from_slug(&cat).is_some_and(|c| list.contains(&c)),
    };
    if !seen {
        return Err(StoreError::NotFound);
    }
    if !auth.resource().zicht.is_regie()
        && owner.as_deref() != Some(auth.principal().organisation_id.as_str())
    {
        return Err(StoreError::Refused(
            "Alleen de regiehouder of de eigenaar van de taak kan haar afronden.".into(),
        ));
    }
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    sqlx::query("UPDATE dossiers_item SET gereed_at = $1 WHERE id = $2 AND gereed_at IS NULL")
        .bind(now_ms())
        .bind(item_id)
        .execute(&mut *tx.conn()?)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The entries of a case the decision lets its holder see, newest first; each one shown is
/// recorded in the audit log.
pub async fn items(db: &Db, auth: &Authorized<Dossier>) -> Result<Vec<Item>> {
    let id = &auth.resource().id;
    let cats = auth.resource().zicht.categorieen();
    let mut binds = vec![id.clone()];
    let filter = match &cats {
        None => String::new(),
        Some(list) if list.is_empty() => " AND 1 = 0".to_string(),
        Some(list) => {
            let marks: Vec<String> = list
                .iter()
                .map(|c| {
                    binds.push(c.slug().to_string());
                    format!("${}", binds.len())
                })
                .collect();
            format!(" AND categorie IN ({})", marks.join(", "))
        }
    };
    let sql = format!(
        "SELECT * FROM dossiers_item WHERE dossier_id = $1{filter} ORDER BY created_at DESC, id"
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(db.pool()).await?;
    let items: Vec<Item> = rows.iter().map(item_row).collect::<Result<_>>()?;
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    auth.record_each(
        &mut tx,
        "dossier-item",
        &ids,
        Some(&format!("dossier:{id}")),
    )
    .await?;
    tx.commit().await?;
    Ok(items)
}

// ---------------------------------------------------------------------------------------------
// Workflow.

pub async fn change_fase(
    db: &Db,
    auth: &Authorized<Dossier>,
    kop: &DossierKop,
    naar: &str,
    toelichting: &str,
) -> Result<()> {
    let van = Fase::from_slug(&kop.fase).ok_or(StoreError::NotFound)?;
    let Some(naar) = Fase::from_slug(naar) else {
        return Err(invalid("fase", "Kies een fase."));
    };
    if !van.mag_naar(naar) {
        return Err(invalid(
            "fase",
            &format!("Van {} kan de casus niet naar {}.", van.naam(), naar.naam()),
        ));
    }
    if naar == Fase::Gesloten && toelichting.trim().is_empty() {
        return Err(invalid(
            "toelichting",
            "Geef aan waarom de casus wordt gesloten.",
        ));
    }
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    if naar == Fase::Gesloten {
        let zt = sqlx::query("SELECT bewaartermijn_jaren FROM dossiers_zaaktype WHERE slug = $1")
            .bind(&kop.zaaktype)
            .fetch_one(&mut *tx.conn()?)
            .await?;
        let jaren: i64 = zt.try_get("bewaartermijn_jaren")?;
        let tot = model::bewaren_tot(vandaag(), jaren);
        sqlx::query("UPDATE dossiers_dossier SET fase = 'gesloten', gesloten_at = $1, bewaren_tot = $2 WHERE id = $3")
            .bind(now_ms())
            .bind(tot.to_string())
            .bind(&kop.id)
            .execute(&mut *tx.conn()?)
            .await?;
    } else {
        sqlx::query("UPDATE dossiers_dossier SET fase = $1 WHERE id = $2")
            .bind(naar.slug())
            .bind(&kop.id)
            .execute(&mut *tx.conn()?)
            .await?;
    }
    historie(
        &mut tx,
        &kop.id,
        "fase",
        Some(van.slug()),
        naar.slug(),
        toelichting.trim(),
        &auth.principal().name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A change of the case's steering data: the AVE phase, the ZVH referral, the involvement of
/// the person, the review date, the legal hold. Each kept in the history.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "soort", rename_all = "kebab-case")]
pub enum Sturing {
    Ave {
        fase: i64,
        toelichting: String,
    },
    /// `tafel` empty = back from the ZVH table, `toelichting` then holds the outcome.
    Zvh {
        tafel: String,
        toelichting: String,
    },
    Inwoner {
        status: String,
        toelichting: String,
    },
    Review {
        datum: String,
    },
    LegalHold {
        aan: bool,
        reden: String,
    },
}

pub async fn stuur(
    db: &Db,
    auth: &Authorized<Dossier>,
    kop: &DossierKop,
    s: &Sturing,
) -> Result<()> {
    if kop.fase == "gesloten" && !matches!(s, Sturing::LegalHold { .. }) {
        return Err(StoreError::Refused("De casus is gesloten.".into()));
    }
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    let door = auth.principal().name.clone();
    match s {
        Sturing::Ave { fase, toelichting } => {
            if !(1..=4).contains(fase) {
                return Err(invalid("fase", "De AVE-fase is 1, 2, 3 of 4."));
            }
            if toelichting.trim().is_empty() {
                return Err(invalid("toelichting", "Licht de op- of afschaling toe."));
            }
            sqlx::query("UPDATE dossiers_dossier SET ave_fase = $1 WHERE id = $2")
                .bind(*fase)
                .bind(&kop.id)
                .execute(&mut *tx.conn()?)
                .await?;
            historie(
                &mut tx,
                &kop.id,
                "ave",
                Some(&kop.ave_fase.to_string()),
                &fase.to_string(),
                toelichting.trim(),
                &door,
            )
            .await?;
        }
        Sturing::Zvh { tafel, toelichting } => {
            let tafel = tafel.trim();
            if !tafel.is_empty() && model::zvh_naam(tafel).is_none() {
                return Err(invalid(
                    "tafel",
                    "Kies een tafel van het Zorg- en Veiligheidshuis.",
                ));
            }
            if tafel.is_empty() && kop.zvh_tafel.is_none() {
                return Err(invalid(
                    "tafel",
                    "De casus is niet opgeschaald naar het Zorg- en Veiligheidshuis.",
                ));
            }
            if toelichting.trim().is_empty() {
                return Err(invalid(
                    "toelichting",
                    if tafel.is_empty() {
                        "Leg de uitkomst van de tafel vast."
                    } else {
                        "Geef de reden van de verwijzing."
                    },
                ));
            }
            let naar = if tafel.is_empty() { None } else { Some(tafel) };
            sqlx::query("UPDATE dossiers_dossier SET zvh_tafel = $1 WHERE id = $2")
                .bind(naar)
                .bind(&kop.id)
                .execute(&mut *tx.conn()?)
                .await?;
            historie(
                &mut tx,
                &kop.id,
                "zvh",
                kop.zvh_tafel.as_deref(),
                if tafel.is_empty() { "terug" } else { tafel },
                toelichting.trim(),
                &door,
            )
            .await?;
        }
        Sturing::Inwoner {
            status,
            toelichting,
        } => {
            if !model::INWONER.iter().any(|(s, _)| s == status) {
                return Err(invalid("status", "Kies hoe de inwoner betrokken is."));
            }
            sqlx::query("UPDATE dossiers_dossier SET inwoner = $1 WHERE id = $2")
                .bind(status)
                .bind(&kop.id)
                .execute(&mut *tx.conn()?)
                .await?;
            historie(
                &mut tx,
                &kop.id,
                "inwoner",
                Some(&kop.inwoner),
                status,
                toelichting.trim(),
                &door,
            )
            .await?;
        }
        Sturing::Review { datum } => {
            let Some(d) = date(datum.trim()) else {
                return Err(invalid("datum", "Vul een geldige datum in (jjjj-mm-dd)."));
            };
            sqlx::query("UPDATE dossiers_dossier SET reviewdatum = $1 WHERE id = $2")
                .bind(d.to_string())
                .bind(&kop.id)
                .execute(&mut *tx.conn()?)
                .await?;
            historie(
                &mut tx,
                &kop.id,
                "review",
                kop.reviewdatum.as_deref(),
                &d.to_string(),
                "",
                &door,
            )
            .await?;
        }
        Sturing::LegalHold { aan, reden } => {
            if reden.trim().is_empty() {
                return Err(invalid(
                    "reden",
                    "Geef de reden (bijvoorbeeld een lopende procedure).",
                ));
            }
            sqlx::query(
                "UPDATE dossiers_dossier SET legal_hold = $1, legal_hold_reden = $2 WHERE id = $3",
            )
            .bind(i64::from(*aan))
            .bind(reden.trim())
            .bind(&kop.id)
            .execute(&mut *tx.conn()?)
            .await?;
            historie(
                &mut tx,
                &kop.id,
                "legal-hold",
                None,
                if *aan { "aan" } else { "uit" },
                reden.trim(),
                &door,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Historie {
    pub soort: String,
    pub van: Option<String>,
    pub naar: String,
    pub toelichting: String,
    pub door: String,
    pub at: i64,
}

async fn historie_of(db: &Db, dossier_id: &str) -> Result<Vec<Historie>> {
    sqlx::query("SELECT * FROM dossiers_historie WHERE dossier_id = $1 ORDER BY at, id")
        .bind(dossier_id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Historie {
                soort: r.try_get("soort")?,
                van: r.try_get("van")?,
                naar: r.try_get("naar")?,
                toelichting: r.try_get("toelichting")?,
                door: r.try_get("door")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Participation.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Deelname {
    pub id: String,
    pub organisation_id: String,
    pub convenant_id: String,
    pub convenant_naam: String,
    pub doel: String,
    pub gestart_at: i64,
    pub ingetrokken_at: Option<i64>,
    pub ingetrokken_reden: Option<String>,
    /// Whether it gives access today (not revoked, covenant valid and covering the case type).
    pub actief: bool,
}

/// Admits an organisation to a case on a covenant; refused, with the reason, outside a valid
/// covenant that covers the case type and names the organisation as a party.
pub async fn admit(
    db: &Db,
    auth: &Authorized<Dossier>,
    kop: &DossierKop,
    organisation_id: &str,
    convenant_id: &str,
    doel: &str,
) -> Result<String> {
    if doel.trim().is_empty() {
        return Err(invalid(
            "doel",
            "Vul het doel van de deelname in (waarvoor deelt u gegevens?).",
        ));
    }
    let all = convenanten(db).await?;
    let Some(c) = all.iter().find(|c| c.id == convenant_id) else {
        return Err(invalid("convenant_id", "Kies een convenant."));
    };
    let feiten = ConvenantFeiten {
        id: c.id.clone(),
        geldig_van: date(&c.geldig_van).unwrap_or_default(),
        geldig_tot: date(&c.geldig_tot).unwrap_or_default(),
        ingetrokken: c.ingetrokken,
        zaaktypen: c.zaaktypen.clone(),
    };
    if let Some(reden) = feiten.bezwaar(&kop.zaaktype, vandaag()) {
        return Err(StoreError::Refused(format!(
            "Geweigerd: {} ({}).",
            reden_tekst(reden),
            c.naam
        )));
    }
    let Some(partij) = c
        .partijen
        .iter()
        .find(|p| p.organisation_id == organisation_id)
    else {
        return Err(StoreError::Refused(format!(
            "Geweigerd: deze organisatie is geen partij bij het convenant '{}'.",
            c.naam
        )));
    };
    if partij.ontvangen.is_empty() {
        return Err(StoreError::Refused(
            "Geweigerd: het convenant geeft deze organisatie geen gegevenscategorieën.".into(),
        ));
    }
    if organisation_id == kop.regie_organisation_id {
        return Err(invalid(
            "organisation_id",
            "De regievoerende organisatie neemt al deel.",
        ));
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    // One active participation per organisation and case (also a unique index).
    let dup: i64 = sqlx::query("SELECT COUNT(*) AS n FROM dossiers_deelname WHERE dossier_id = $1 AND organisation_id = $2 AND ingetrokken_at IS NULL")
        .bind(&kop.id)
        .bind(organisation_id)
        .fetch_one(&mut *tx.conn()?)
        .await?
        .try_get("n")?;
    if dup > 0 {
        return Err(invalid(
            "organisation_id",
            "Deze organisatie neemt al deel aan dit dossier; trek die deelname eerst in om haar op een ander convenant te laten deelnemen.",
        ));
    }
    sqlx::query(
        "INSERT INTO dossiers_deelname (id, dossier_id, organisation_id, convenant_id, zaaktype, doel, gestart_at, gestart_door) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&kop.id)
    .bind(organisation_id)
    .bind(convenant_id)
    .bind(&kop.zaaktype)
    .bind(doel.trim())
    .bind(now_ms())
    .bind(&auth.principal().user_id)
    .execute(&mut *tx.conn()?)
    .await?;
    historie(
        &mut tx,
        &kop.id,
        "deelname",
        None,
        organisation_id,
        doel.trim(),
        &auth.principal().name,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub fn reden_tekst(reden: &str) -> &'static str {
    match reden {
        "convenant-ingetrokken" => "het convenant is ingetrokken",
        "convenant-nog-niet-geldig" => "het convenant geldt nog niet",
        "convenant-verlopen" => "het convenant is verlopen",
        "zaaktype-niet-gedekt" => "het convenant dekt dit zaaktype niet",
        "deelname-ingetrokken" => "de deelname is ingetrokken",
        "geen-partij-bij-convenant" => "de organisatie is geen partij bij het convenant",
        "geen-deelname" => "uw organisatie neemt niet deel aan dit dossier",
        "geen-categorieen" => "het convenant geeft uw organisatie geen gegevenscategorieën",
        "alleen-procesregie" => "alleen het regieteam kan dit",
        "purpose-not-allowed" => "dit doel is niet toegestaan",
        _ => "uw rol geeft geen toegang",
    }
}

pub async fn revoke(
    db: &Db,
    auth: &Authorized<Dossier>,
    kop: &DossierKop,
    deelname_id: &str,
    reden: &str,
) -> Result<()> {
    if reden.trim().is_empty() {
        return Err(invalid("reden", "Geef de reden van het intrekken."));
    }
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    let r = sqlx::query("UPDATE dossiers_deelname SET ingetrokken_at = $1, ingetrokken_reden = $2 WHERE id = $3 AND dossier_id = $4 AND ingetrokken_at IS NULL")
        .bind(now_ms())
        .bind(reden.trim())
        .bind(deelname_id)
        .bind(&kop.id)
        .execute(&mut *tx.conn()?)
        .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    historie(
        &mut tx,
        &kop.id,
        "deelname-ingetrokken",
        None,
        deelname_id,
        reden.trim(),
        &auth.principal().name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Subjects.

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuwSubject {
    /// persoon, locatie, bedrijf, groep
    pub soort: String,
    pub naam: String,
    #[serde(default)]
    pub geboortedatum: Option<String>,
    #[serde(default)]
    pub bsn: Option<String>,
    #[serde(default)]
    pub adres: Option<String>,
    #[serde(default)]
    pub postcode: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub kvk: Option<String>,
    #[serde(default)]
    pub bag_id: Option<String>,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    /// The role in the case (betrokkene, locatie, …).
    #[serde(default)]
    pub rol: String,
    /// For a group: subject ids of persons already in this case.
    #[serde(default)]
    pub leden: Vec<String>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Subject {
    pub id: String,
    pub soort: String,
    pub naam: String,
    pub geboortedatum: Option<String>,
    /// Only for the directing team.
    pub bsn: Option<String>,
    pub heeft_bsn: bool,
    pub adres: Option<String>,
    pub postcode: Option<String>,
    pub contact: Option<String>,
    pub kvk: Option<String>,
    pub bag_id: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub rol: String,
    pub beperkt_reden: Option<String>,
    pub leden: Vec<String>,
}

/// What the overlap check found: another active case with this person, address or business,
/// named only by its case type and its directing team.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Signaal {
    pub zaaktype: String,
    pub regie_team_id: String,
    pub at: i64,
}

fn check_subject(n: &NieuwSubject) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if model::subject_soort_naam(&n.soort).is_none() {
        errors.push(field_error(
            "soort",
            "Kies persoon, locatie, bedrijf of groep.",
        ));
    }
    if n.naam.trim().is_empty() {
        errors.push(field_error("naam", "Vul een naam of omschrijving in."));
    }
    let some = |o: &Option<String>| {
        o.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if let Some(b) = some(&n.bsn) {
        if n.soort != "persoon" {
            errors.push(field_error("bsn", "Alleen een persoon heeft een BSN."));
        } else if !model::bsn_geldig(&b) {
            errors.push(field_error(
                "bsn",
                "Dit is geen geldig BSN (de elfproef klopt niet).",
            ));
        }
    }
    if some(&n.geboortedatum).is_some_and(|d| date(&d).is_none()) {
        errors.push(field_error(
            "geboortedatum",
            "Vul een geldige datum in (jjjj-mm-dd).",
        ));
    }
    if some(&n.postcode).is_some_and(|p| model::postcode_normaal(&p).is_none()) {
        errors.push(field_error("postcode", "Vul een postcode in als 1234 AB."));
    }
    if let Some(k) = some(&n.kvk) {
        if !model::kvk_geldig(&k) {
            errors.push(field_error("kvk", "Een KvK-nummer heeft 8 cijfers."));
        }
    }
    if n.lat.is_some_and(|x| !(-90.0..=90.0).contains(&x))
        || n.lon.is_some_and(|x| !(-180.0..=180.0).contains(&x))
    {
        errors.push(field_error(
            "lat",
            "De coördinaten liggen buiten het bereik.",
        ));
    }
    errors
}

/// Adds a subject to a case (directing team only), then checks for overlap with other active
/// cases by keyed hashes of the identifiers. The check and each hit are audited; the hits are
/// kept as signals for the directing team.
pub async fn add_subject(
    db: &Db,
    auth: &Authorized<Dossier>,
    key: Option<&DataKey>,
    n: &NieuwSubject,
) -> Result<(String, Vec<Signaal>)> {
    let mut errors = check_subject(n);
    let Some(key) = key else {
        return Err(StoreError::Refused(
            "Er is geen gegevenssleutel ingesteld; Baken slaat geen persoonsgegevens onversleuteld op.".into(),
        ));
    };
    let dossier_id = auth.resource().id.clone();
    let persons: Vec<String> = if n.soort == "groep" && !n.leden.is_empty() {
        let rows = sqlx::query("SELECT s.id FROM dossiers_dossier_subject ds JOIN dossiers_subject s ON s.id = ds.subject_id WHERE ds.dossier_id = $1 AND s.soort = 'persoon'")
            .bind(&dossier_id)
            .fetch_all(db.pool())
            .await?;
        rows.iter()
            .map(|r| r.try_get("id"))
            .collect::<std::result::Result<_, _>>()?
    } else {
        Vec::new()
    };
    if n.leden.iter().any(|l| !persons.contains(l)) {
        errors.push(field_error(
            "leden",
            "Leden van een groep zijn personen in deze casus.",
        ));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let clean = |o: &Option<String>| {
        o.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let bsn = clean(&n.bsn).map(|b| model::bsn_normaal(&b));
    let postcode = clean(&n.postcode).and_then(|p| model::postcode_normaal(&p));
    let geboren = clean(&n.geboortedatum).and_then(|d| date(&d));
    let ids = model::overlap_identifiers(
        &n.naam,
        geboren,
        bsn.as_deref(),
        clean(&n.adres).as_deref(),
        postcode.as_deref(),
        clean(&n.kvk).as_deref(),
    );
    let sleutels: Vec<String> = ids.iter().map(|(k, v)| key.keyed_hash(k, v)).collect();
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    sqlx::query(
        "INSERT INTO dossiers_subject (id, soort, naam, geboortedatum, bsn_versleuteld, adres, postcode, contact, kvk, bag_id, lat, lon, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
    )
    .bind(&id)
    .bind(&n.soort)
    .bind(n.naam.trim())
    .bind(geboren.map(|d| d.to_string()))
    .bind(bsn.as_deref().map(|b| key.encrypt(b)))
    .bind(clean(&n.adres))
    .bind(postcode)
    .bind(clean(&n.contact))
    .bind(clean(&n.kvk))
    .bind(clean(&n.bag_id))
    .bind_f64(n.lat)
    .bind_f64(n.lon)
    .bind(now)
    .execute(&mut *tx.conn()?)
    .await?;
    for s in &sleutels {
        sqlx::query("INSERT INTO dossiers_sleutel (subject_id, sleutel) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(&id)
            .bind(s)
            .execute(&mut *tx.conn()?)
            .await?;
    }
    for l in &n.leden {
        sqlx::query("INSERT INTO dossiers_groep_lid (groep_id, persoon_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(l)
            .execute(&mut *tx.conn()?)
            .await?;
    }
    let rol = if n.rol.trim().is_empty() {
        "betrokkene"
    } else {
        n.rol.trim()
    };
    sqlx::query(
        "INSERT INTO dossiers_dossier_subject (dossier_id, subject_id, rol) VALUES ($1, $2, $3)",
    )
    .bind(&dossier_id)
    .bind(&id)
    .bind(rol)
    .execute(&mut *tx.conn()?)
    .await?;
    // The overlap check: other active cases holding a subject with one of these keys.
    let mut signalen = Vec::new();
    if !sleutels.is_empty() {
        let marks: Vec<String> = (0..sleutels.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT DISTINCT d.id, d.zaaktype, d.regie_team_id FROM dossiers_sleutel k \
             JOIN dossiers_dossier_subject ds ON ds.subject_id = k.subject_id \
             JOIN dossiers_dossier d ON d.id = ds.dossier_id \
             WHERE k.sleutel IN ({}) AND d.id <> $1 AND d.gesloten_at IS NULL",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(&dossier_id);
        for s in &sleutels {
            q = q.bind(s);
        }
        let hits = q.fetch_all(&mut *tx.conn()?).await?;
        for h in &hits {
            let other: String = h.try_get("id")?;
            let s = Signaal {
                zaaktype: h.try_get("zaaktype")?,
                regie_team_id: h.try_get("regie_team_id")?,
                at: now,
            };
            sqlx::query("INSERT INTO dossiers_signaal (id, dossier_id, subject_id, ander_zaaktype, ander_team, at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(new_id())
                .bind(&dossier_id)
                .bind(&id)
                .bind(&s.zaaktype)
                .bind(&s.regie_team_id)
                .bind(now)
                .execute(&mut *tx.conn()?)
                .await?;
            audit::append(
                &mut tx,
                &overlap_entry(
                    auth,
                    "dossier-overlap-hit",
                    Some(other),
                    Some(format!("subject {id}")),
                ),
            )
            .await?;
            signalen.push(s);
        }
    }
    audit::append(
        &mut tx,
        &overlap_entry(
            auth,
            "dossier-overlap-check",
            Some(dossier_id.clone()),
            Some(format!(
                "{} sleutels, {} treffers",
                sleutels.len(),
                signalen.len()
            )),
        ),
    )
    .await?;
    historie(
        &mut tx,
        &dossier_id,
        "subject",
        None,
        &n.soort,
        n.naam.trim(),
        &auth.principal().name,
    )
    .await?;
    tx.commit().await?;
    Ok((id, signalen))
}

fn overlap_entry(
    auth: &Authorized<Dossier>,
    kind: &str,
    resource: Option<String>,
    reason: Option<String>,
) -> AuditEntry {
    let p = auth.principal();
    AuditEntry {
        actor_user_id: Some(p.user_id.clone()),
        actor_name: p.name.clone(),
        actor_org_id: Some(p.organisation_id.clone()),
        actor_org_name: Some(p.organisation_name.clone()),
        actor_roles: p.roles_text(),
        on_behalf_of: None,
        origin: "web".into(),
        request_id: new_id(),
        action: "read".into(),
        resource_type: kind.into(),
        resource_id: resource,
        subject_id: Some(format!("dossier:{}", auth.resource().id)),
        purpose: "uitvoering".into(),
        outcome: Outcome::Success,
        reason,
    }
}

async fn subjects_of(
    db: &Db,
    dossier_id: &str,
    key: Option<&DataKey>,
    with_bsn: bool,
) -> Result<Vec<Subject>> {
    let rows = sqlx::query("SELECT s.*, ds.rol FROM dossiers_dossier_subject ds JOIN dossiers_subject s ON s.id = ds.subject_id WHERE ds.dossier_id = $1 ORDER BY s.created_at")
        .bind(dossier_id)
        .fetch_all(db.pool())
        .await?;
    let leden = sqlx::query("SELECT g.groep_id, g.persoon_id FROM dossiers_groep_lid g JOIN dossiers_dossier_subject ds ON ds.subject_id = g.groep_id WHERE ds.dossier_id = $1")
        .bind(dossier_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| subject_row(r, key, with_bsn, &leden))
        .collect()
}

fn subject_row(
    r: &AnyRow,
    key: Option<&DataKey>,
    with_bsn: bool,
    leden: &[AnyRow],
) -> Result<Subject> {
    let id: String = r.try_get("id")?;
    let enc: Option<String> = r.try_get("bsn_versleuteld")?;
    let bsn = match (with_bsn, key, &enc) {
        (true, Some(k), Some(e)) => Some(
            k.decrypt(e)
                .unwrap_or_else(|_| "(niet te ontsleutelen)".into()),
        ),
        _ => None,
    };
    let mut members = Vec::new();
    for l in leden {
        let g: String = l.try_get("groep_id")?;
        if g == id {
            members.push(l.try_get("persoon_id")?);
        }
    }
    Ok(Subject {
        soort: r.try_get("soort")?,
        naam: r.try_get("naam")?,
        geboortedatum: r.try_get("geboortedatum")?,
        heeft_bsn: enc.is_some(),
        bsn,
        adres: r.try_get("adres")?,
        postcode: r.try_get("postcode")?,
        contact: r.try_get("contact")?,
        kvk: r.try_get("kvk")?,
        bag_id: r.try_get("bag_id")?,
        lat: r.try_get("lat")?,
        lon: r.try_get("lon")?,
        rol: r.try_get("rol").unwrap_or_else(|_| "betrokkene".into()),
        beperkt_reden: r.try_get("beperkt_reden")?,
        leden: members,
        id,
    })
}

// ---------------------------------------------------------------------------------------------
// The whole case, as its viewer may see it.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DossierDetail {
    pub dossier: DossierKop,
    /// What the viewer sees: "regie" or the categories received.
    pub zicht: Vec<String>,
    pub regie: bool,
    /// Empty unless the viewer sees basisgegevens.
    pub subjecten: Vec<Subject>,
    pub deelnames: Vec<Deelname>,
    pub items: Vec<Item>,
    /// Only for the directing team.
    pub historie: Vec<Historie>,
    /// Only for the directing team.
    pub signalen: Vec<Signaal>,
    /// The meldingen the case came from; only for the directing team.
    pub meldingen: Vec<MeldingBron>,
}

/// A melding a case came from; its page checks access.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MeldingBron {
    pub id: String,
    pub nummer: i64,
}

pub async fn detail(
    db: &Db,
    auth: &Authorized<Dossier>,
    kop: DossierKop,
    key: Option<&DataKey>,
) -> Result<DossierDetail> {
    let z = &auth.resource().zicht;
    let regie = z.is_regie();
    let subjecten = if z.ziet(Categorie::Basisgegevens) {
        subjects_of(db, &kop.id, key, regie).await?
    } else {
        Vec::new()
    };
    let today = vandaag();
    let rows = sqlx::query(
        "SELECT p.*, c.naam AS cnaam, c.geldig_van, c.geldig_tot, c.ingetrokken_at AS c_in, c.zaaktypen FROM dossiers_deelname p JOIN dossiers_convenant c ON c.id = p.convenant_id WHERE p.dossier_id = $1 ORDER BY p.gestart_at",
    )
    .bind(&kop.id)
    .fetch_all(db.pool())
    .await?;
    let mut deelnames = Vec::new();
    for r in &rows {
        let van: String = r.try_get("geldig_van")?;
        let tot: String = r.try_get("geldig_tot")?;
        let z: String = r.try_get("zaaktypen")?;
        let ingetrokken_at: Option<i64> = r.try_get("ingetrokken_at")?;
        let c = ConvenantFeiten {
            id: r.try_get("convenant_id")?,
            geldig_van: date(&van).unwrap_or_default(),
            geldig_tot: date(&tot).unwrap_or_default(),
            ingetrokken: r.try_get::<Option<i64>, _>("c_in")?.is_some(),
            zaaktypen: split(&z),
        };
        let actief = ingetrokken_at.is_none() && c.bezwaar(&kop.zaaktype, today).is_none();
        deelnames.push(Deelname {
            id: r.try_get("id")?,
            organisation_id: r.try_get("organisation_id")?,
            convenant_id: c.id.clone(),
            convenant_naam: r.try_get("cnaam")?,
            doel: r.try_get("doel")?,
            gestart_at: r.try_get("gestart_at")?,
            ingetrokken_at,
            ingetrokken_reden: r.try_get("ingetrokken_reden")?,
            actief,
        });
    }
    let (historie, signalen) = if regie {
        let h = historie_of(db, &kop.id).await?;
        let s = sqlx::query("SELECT * FROM dossiers_signaal WHERE dossier_id = $1 ORDER BY at")
            .bind(&kop.id)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(Signaal {
                    zaaktype: r.try_get("ander_zaaktype")?,
                    regie_team_id: r.try_get("ander_team")?,
                    at: r.try_get("at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        (h, s)
    } else {
        (Vec::new(), Vec::new())
    };
    // `items` records the case read and each entry shown; subjects are recorded here.
    let items = items(db, auth).await?;
    if !subjecten.is_empty() {
        let ids: Vec<String> = subjecten.iter().map(|s| s.id.clone()).collect();
        let mut tx = db.begin().await?;
        for s in &ids {
            auth.record_each(
                &mut tx,
                "dossier-subject",
                std::slice::from_ref(s),
                Some(&format!("subject:{s}")),
            )
            .await?;
        }
        tx.commit().await?;
    }
    let zicht = match z {
        Zicht::Regie => vec!["regie".to_string()],
        other => other
            .categorieen()
            .unwrap_or_default()
            .iter()
            .map(|c| c.slug().to_string())
            .collect(),
    };
    let meldingen = if regie {
        let mut tx = db.begin().await?;
        let links = platform::links::from(&mut tx, "dossier", &kop.id).await?;
        tx.commit().await?;
        let mut found = Vec::new();
        for l in links.into_iter().filter(|l| l.to_kind == "melding") {
            // A melding destroyed under its own retention term simply drops out.
            if let Some(nr) = meldingen::store::nummer_of(db, &l.to_id).await? {
                found.push(MeldingBron {
                    id: l.to_id,
                    nummer: nr,
                });
            }
        }
        found
    } else {
        Vec::new()
    };
    Ok(DossierDetail {
        dossier: kop,
        zicht,
        regie,
        subjecten,
        deelnames,
        items,
        historie,
        signalen,
        meldingen,
    })
}

// ---------------------------------------------------------------------------------------------
// Meetings.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Overleg {
    pub id: String,
    pub soort: String,
    pub titel: String,
    pub datum: String,
    pub organisation_id: String,
    pub deelnemers: Vec<String>,
    pub agenda: Vec<String>,
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuwOverleg {
    /// pga, ondermijning, zvh
    pub soort: String,
    pub titel: String,
    /// YYYY-MM-DD
    pub datum: String,
    /// Participating organisations (besides the organiser).
    #[serde(default)]
    pub deelnemers: Vec<String>,
    /// Case ids on the agenda (cases the organiser directs).
    #[serde(default)]
    pub agenda: Vec<String>,
}

pub async fn create_overleg(
    db: &Db,
    ctx: &RequestContext,
    p: &Principal,
    n: &NieuwOverleg,
) -> Result<String> {
    let mut errors = Vec::new();
    if model::overleg_soort_naam(&n.soort).is_none() {
        errors.push(field_error("soort", "Kies het soort overleg."));
    }
    if n.titel.trim().is_empty() {
        errors.push(field_error("titel", "Vul een titel in."));
    }
    if date(n.datum.trim()).is_none() {
        errors.push(field_error(
            "datum",
            "Vul een geldige datum in (jjjj-mm-dd).",
        ));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    // Only cases the organiser directs go on the agenda.
    let mut auths = Vec::new();
    for d in &n.agenda {
        let (_, a) = open(db, ctx, p, d, Action::Update).await?;
        auths.push(a);
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    for a in &auths {
        a.record(&mut tx).await?;
    }
    sqlx::query("INSERT INTO dossiers_overleg (id, organisation_id, soort, titel, datum, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(&p.organisation_id)
        .bind(&n.soort)
        .bind(n.titel.trim())
        .bind(n.datum.trim())
        .bind(&p.user_id)
        .bind(now_ms())
        .execute(&mut *tx.conn()?)
        .await?;
    let mut orgs = n.deelnemers.clone();
    orgs.push(p.organisation_id.clone());
    orgs.sort();
    orgs.dedup();
    for o in &orgs {
        sqlx::query(
            "INSERT INTO dossiers_overleg_deelnemer (overleg_id, organisation_id) VALUES ($1, $2)",
        )
        .bind(&id)
        .bind(o)
        .execute(&mut *tx.conn()?)
        .await?;
    }
    for (i, d) in n.agenda.iter().enumerate() {
        sqlx::query("INSERT INTO dossiers_agendapunt (overleg_id, dossier_id, positie) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(&id)
            .bind(d)
            .bind(i as i64)
            .execute(&mut *tx.conn()?)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

fn overleg_row(r: &AnyRow) -> Result<Overleg> {
    Ok(Overleg {
        id: r.try_get("id")?,
        soort: r.try_get("soort")?,
        titel: r.try_get("titel")?,
        datum: r.try_get("datum")?,
        organisation_id: r.try_get("organisation_id")?,
        deelnemers: Vec::new(),
        agenda: Vec::new(),
    })
}

/// The meetings the viewer's organisation takes part in.
pub async fn overleggen(db: &Db, p: &Principal) -> Result<Vec<Overleg>> {
    let rows = sqlx::query("SELECT o.* FROM dossiers_overleg o JOIN dossiers_overleg_deelnemer d ON d.overleg_id = o.id WHERE d.organisation_id = $1 ORDER BY o.datum DESC")
        .bind(&p.organisation_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(overleg_row).collect()
}

/// A meeting with its participants and agenda, for a participant of the meeting.
pub async fn overleg(db: &Db, p: &Principal, id: &str) -> Result<Overleg> {
    let row = sqlx::query("SELECT o.* FROM dossiers_overleg o JOIN dossiers_overleg_deelnemer d ON d.overleg_id = o.id WHERE o.id = $1 AND d.organisation_id = $2")
        .bind(id)
        .bind(&p.organisation_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut o = overleg_row(&row)?;
    for r in
        sqlx::query("SELECT organisation_id FROM dossiers_overleg_deelnemer WHERE overleg_id = $1")
            .bind(id)
            .fetch_all(db.pool())
            .await?
    {
        o.deelnemers.push(r.try_get("organisation_id")?);
    }
    for r in sqlx::query(
        "SELECT dossier_id FROM dossiers_agendapunt WHERE overleg_id = $1 ORDER BY positie",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    {
        o.agenda.push(r.try_get("dossier_id")?);
    }
    Ok(o)
}

/// The meeting record and decisions of one case on the agenda: visible only to those who see
/// the case, filtered by category like any entry.
pub async fn overleg_items(
    db: &Db,
    auth: &Authorized<Dossier>,
    overleg_id: &str,
) -> Result<Vec<Item>> {
    Ok(items(db, auth)
        .await?
        .into_iter()
        .filter(|i| i.overleg_id.as_deref() == Some(overleg_id))
        .collect())
}

/// Records the discussion of a case in a meeting; decisions become tasks.
pub async fn record_discussion(
    db: &Db,
    auth: &Authorized<Dossier>,
    overleg_id: &str,
    verslag: &NieuwItem,
    besluiten: &[NieuwItem],
) -> Result<()> {
    let on_agenda: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM dossiers_agendapunt WHERE overleg_id = $1 AND dossier_id = $2",
    )
    .bind(overleg_id)
    .bind(&auth.resource().id)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    if on_agenda == 0 {
        return Err(StoreError::NotFound);
    }
    let mut all = vec![NieuwItem {
        soort: "verslag".into(),
        overleg_id: Some(overleg_id.into()),
        ..verslag.clone()
    }];
    for b in besluiten {
        all.push(NieuwItem {
            soort: "taak".into(),
            overleg_id: Some(overleg_id.into()),
            ..b.clone()
        });
    }
    for n in &all {
        let cat = check_item(n).map_err(StoreError::Invalid)?;
        if !auth.resource().zicht.mag_toevoegen(cat) {
            return Err(invalid(
                "categorie",
                "Deze categorie mag uw organisatie niet vastleggen.",
            ));
        }
    }
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    for n in &all {
        insert_item(&mut tx, auth.principal(), &auth.resource().id, n).await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rights of the person (AVG art. 15–18).

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct InzageDossier {
    pub dossier: DossierKop,
    pub items: Vec<Item>,
    pub historie: Vec<Historie>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Correctie {
    pub veld: String,
    pub oude_waarde: String,
    pub toelichting: String,
    pub door: String,
    pub at: i64,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Inzage {
    pub subject: Subject,
    pub correcties: Vec<Correctie>,
    pub dossiers: Vec<InzageDossier>,
    /// Who accessed these data and when (from the audit log).
    pub toegang: Vec<AuditRecord>,
    pub gemaakt_at: i64,
}

/// Everything Baken holds on one subject across cases, and who looked at it.
pub async fn inzage(
    db: &Db,
    auth: &Authorized<Inzageverzoek>,
    key: Option<&DataKey>,
) -> Result<Inzage> {
    let sid = &auth.resource().subject_id;
    let row =
        sqlx::query("SELECT s.*, 'betrokkene' AS rol FROM dossiers_subject s WHERE s.id = $1")
            .bind(sid)
            .fetch_optional(db.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
    let subject = subject_row(&row, key, true, &[])?;
    let correcties =
        sqlx::query("SELECT * FROM dossiers_correctie WHERE subject_id = $1 ORDER BY at")
            .bind(sid)
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(Correctie {
                    veld: r.try_get("veld")?,
                    oude_waarde: r.try_get("oude_waarde")?,
                    toelichting: r.try_get("toelichting")?,
                    door: r.try_get("door")?,
                    at: r.try_get("at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
    // The cases the subject is in directly or as a member of a group.
    let rows = sqlx::query(&format!(
        "SELECT DISTINCT {KOP_COLS} FROM dossiers_dossier d JOIN dossiers_dossier_subject ds ON ds.dossier_id = d.id \
         WHERE ds.subject_id = $1 OR ds.subject_id IN (SELECT groep_id FROM dossiers_groep_lid WHERE persoon_id = $1) ORDER BY d.created_at"
    ))
    .bind(sid)
    .fetch_all(db.pool())
    .await?;
    let mut dossiers = Vec::new();
    let mut subjects = vec![format!("subject:{sid}")];
    for r in &rows {
        let kop = kop_row(r)?;
        let items =
            sqlx::query("SELECT * FROM dossiers_item WHERE dossier_id = $1 ORDER BY created_at")
                .bind(&kop.id)
                .fetch_all(db.pool())
                .await?
                .iter()
                .map(item_row)
                .collect::<Result<Vec<_>>>()?;
        let historie = historie_of(db, &kop.id).await?;
        subjects.push(format!("dossier:{}", kop.id));
        dossiers.push(InzageDossier {
            dossier: kop,
            items,
            historie,
        });
    }
    let mut tx = db.begin().await?;
    let toegang = audit::records_about(&mut tx, auth, &subjects).await?;
    tx.commit().await?;
    Ok(Inzage {
        subject,
        correcties,
        dossiers,
        toegang,
        gemaakt_at: now_ms(),
    })
}

/// Records a correction (art. 16) of a subject's field, keeping the old value, or a
/// restriction of processing (art. 18) with its reason.
pub async fn correct(
    db: &Db,
    auth: &Authorized<Inzageverzoek>,
    veld: &str,
    waarde: &str,
    toelichting: &str,
) -> Result<()> {
    let sid = &auth.resource().subject_id;
    if toelichting.trim().is_empty() {
        return Err(invalid(
            "toelichting",
            "Geef de grond van de correctie of beperking.",
        ));
    }
    let column = match veld {
        "naam" => "naam",
        "adres" => "adres",
        "contact" => "contact",
        "geboortedatum" => "geboortedatum",
        "beperking" => "beperkt_reden",
        _ => {
            return Err(invalid(
                "veld",
                "Kies naam, adres, contact, geboortedatum of beperking.",
            ))
        }
    };
    if veld == "geboortedatum" && date(waarde.trim()).is_none() {
        return Err(invalid("waarde", "Vul een geldige datum in (jjjj-mm-dd)."));
    }
    if veld == "naam" && waarde.trim().is_empty() {
        return Err(invalid("waarde", "Vul de juiste waarde in."));
    }
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    let old = sqlx::query(&format!(
        "SELECT {column} AS v FROM dossiers_subject WHERE id = $1"
    ))
    .bind(sid)
    .fetch_optional(&mut *tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let old: Option<String> = old.try_get("v")?;
    let new = if veld == "beperking" {
        Some(toelichting.trim().to_string()).filter(|_| waarde.trim() != "opheffen")
    } else {
        Some(waarde.trim().to_string()).filter(|s| !s.is_empty())
    };
    sqlx::query(&format!(
        "UPDATE dossiers_subject SET {column} = $1, updated_at = $2 WHERE id = $3"
    ))
    .bind(new)
    .bind(now_ms())
    .bind(sid)
    .execute(&mut *tx.conn()?)
    .await?;
    sqlx::query("INSERT INTO dossiers_correctie (id, subject_id, veld, oude_waarde, toelichting, door, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(new_id())
        .bind(sid)
        .bind(veld)
        .bind(old.unwrap_or_default())
        .bind(toelichting.trim())
        .bind(&auth.principal().name)
        .bind(now_ms())
        .execute(&mut *tx.conn()?)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Subjects matching a name, for the access request search (directing staff only).
pub async fn find_subjects(
    db: &Db,
    auth: &Authorized<Dossierlijst>,
    q: &str,
) -> Result<Vec<(String, String, String)>> {
    if q.trim().len() < 2 {
        return Ok(Vec::new());
    }
    let rows = sqlx::query("SELECT id, soort, naam FROM dossiers_subject WHERE LOWER(naam) LIKE $1 ORDER BY naam LIMIT 50")
        .bind(format!("%{}%", q.trim().to_lowercase()))
        .fetch_all(db.pool())
        .await?;
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("soort")?, r.try_get("naam")?)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Retention.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Vernietiging {
    pub dossier_nummer: String,
    pub zaaktype: String,
    pub bewaren_tot: String,
    pub items: i64,
    pub vernietigd_at: i64,
}

/// Destroys closed cases whose retention term ended before `vandaag` and that are not on legal
/// hold: entries, history, participations, signals, agenda points, and subjects no other case
/// holds. A destruction record (number, case type, dates — no content) and an audit record stay.
pub async fn destroy_expired(db: &Db, vandaag: Date, origin: &str) -> Result<Vec<Vernietiging>> {
    let rows = sqlx::query("SELECT id, nummer, zaaktype, gesloten_at, bewaren_tot FROM dossiers_dossier WHERE gesloten_at IS NOT NULL AND legal_hold = 0 AND bewaren_tot IS NOT NULL AND bewaren_tot < $1")
        .bind(vandaag.to_string())
        .fetch_all(db.pool())
        .await?;
    let mut done = Vec::new();
    for r in &rows {
        let id: String = r.try_get("id")?;
        let mut tx = db.begin().await?;
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM dossiers_item WHERE dossier_id = $1")
            .bind(&id)
            .fetch_one(&mut *tx.conn()?)
            .await?
            .try_get("n")?;
        let subjects: Vec<String> =
            sqlx::query("SELECT subject_id FROM dossiers_dossier_subject WHERE dossier_id = $1")
                .bind(&id)
                .fetch_all(&mut *tx.conn()?)
                .await?
                .iter()
                .map(|r| r.try_get("subject_id"))
                .collect::<std::result::Result<_, _>>()?;
        for table in [
            "dossiers_item",
            "dossiers_historie",
            "dossiers_deelname",
            "dossiers_signaal",
            "dossiers_agendapunt",
            "dossiers_dossier_subject",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE dossier_id = $1"))
                .bind(&id)
                .execute(&mut *tx.conn()?)
                .await?;
        }
        platform::links::remove_from(&mut tx, "dossier", &id).await?;
        sqlx::query("DELETE FROM dossiers_dossier WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx.conn()?)
            .await?;
        for s in &subjects {
            let still: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM dossiers_dossier_subject WHERE subject_id = $1",
            )
            .bind(s)
            .fetch_one(&mut *tx.conn()?)
            .await?
            .try_get("n")?;
            if still == 0 {
                for sql in [
                    "DELETE FROM dossiers_sleutel WHERE subject_id = $1",
                    "DELETE FROM dossiers_correctie WHERE subject_id = $1",
                    "DELETE FROM dossiers_signaal WHERE subject_id = $1",
                    "DELETE FROM dossiers_groep_lid WHERE groep_id = $1 OR persoon_id = $1",
                    "DELETE FROM dossiers_subject WHERE id = $1",
                ] {
                    sqlx::query(sql).bind(s).execute(&mut *tx.conn()?).await?;
                }
            }
        }
        let v = Vernietiging {
            dossier_nummer: r.try_get("nummer")?,
            zaaktype: r.try_get("zaaktype")?,
            bewaren_tot: r.try_get("bewaren_tot")?,
            items: n,
            vernietigd_at: now_ms(),
        };
        sqlx::query("INSERT INTO dossiers_vernietiging (id, dossier_nummer, zaaktype, gesloten_at, bewaren_tot, items, vernietigd_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new_id())
            .bind(&v.dossier_nummer)
            .bind(&v.zaaktype)
            .bind(r.try_get::<Option<i64>, _>("gesloten_at")?)
            .bind(&v.bewaren_tot)
            .bind(v.items)
            .bind(v.vernietigd_at)
            .execute(&mut *tx.conn()?)
            .await?;
        let mut entry = AuditEntry::system(origin, "delete", "dossier");
        entry.resource_id = Some(id.clone());
        entry.subject_id = Some(format!("dossier:{id}"));
        entry.reason = Some(format!(
            "bewaartermijn verstreken op {}; {} vastleggingen vernietigd",
            v.bewaren_tot, v.items
        ));
        audit::append(&mut tx, &entry).await?;
        tx.commit().await?;
        done.push(v);
    }
    Ok(done)
}

pub async fn vernietigingen(db: &Db) -> Result<Vec<Vernietiging>> {
    sqlx::query("SELECT * FROM dossiers_vernietiging ORDER BY vernietigd_at DESC LIMIT 200")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Vernietiging {
                dossier_nummer: r.try_get("dossier_nummer")?,
                zaaktype: r.try_get("zaaktype")?,
                bewaren_tot: r.try_get("bewaren_tot")?,
                items: r.try_get("items")?,
                vernietigd_at: r.try_get("vernietigd_at")?,
            })
        })
        .collect()
}

/// Reminds the directing team of each open case whose review date has come, once per date,
/// through the mail outbox. The mail names the case number and the date only, never a person.
pub async fn remind_reviews(db: &Db, vandaag: Date) -> Result<usize> {
    let rows = sqlx::query(
        "SELECT id, nummer, regie_team_id, reviewdatum FROM dossiers_dossier WHERE fase <> 'gesloten' \
         AND reviewdatum IS NOT NULL AND reviewdatum <= $1 \
         AND (review_herinnerd IS NULL OR review_herinnerd <> reviewdatum)",
    )
    .bind(vandaag.to_string())
    .fetch_all(db.pool())
    .await?;
    let mut sent = 0;
    for r in &rows {
        let id: String = r.try_get("id")?;
        let nummer: String = r.try_get("nummer")?;
        let team: String = r.try_get("regie_team_id")?;
        let datum: String = r.try_get("reviewdatum")?;
        let to = platform::identity::team_member_emails(db, &team)
            .await
            .map_err(|e| StoreError::Refused(e.to_string()))?;
        let mut tx = db.begin().await?;
        for address in &to {
            let body = format!(
                "De herbeoordeling van dossier {nummer} staat op {datum}.\n\nOpen het dossier in Baken: /dossiers/{id}\n"
            );
            // An address the mail server would refuse is skipped, not fatal for the others.
            if platform::mail::enqueue(
                &mut tx,
                address,
                &format!("Herbeoordeling dossier {nummer}"),
                &body,
            )
            .await
            .is_ok()
            {
                sent += 1;
            }
        }
        sqlx::query("UPDATE dossiers_dossier SET review_herinnerd = reviewdatum WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx.conn()?)
            .await?;
        tx.commit().await?;
    }
    Ok(sent)
}

/// Cases opened (or closed) in `[from_ms, until_ms)`, of one case type or all: aggregated
/// figures for policy indicators, no personal data.
pub async fn count(
    db: &Db,
    gesloten: bool,
    zaaktype: Option<&str>,
    from_ms: i64,
    until_ms: i64,
) -> Result<i64> {
    let column = if gesloten {
        "gesloten_at"
    } else {
        "created_at"
    };
    let sql = format!(
        "SELECT COUNT(*) AS n FROM dossiers_dossier WHERE {column} >= $1 AND {column} < $2 AND ($3 = '' OR zaaktype = $3)"
    );
    Ok(sqlx::query(&sql)
        .bind(from_ms)
        .bind(until_ms)
        .bind(zaaktype.unwrap_or(""))
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}
