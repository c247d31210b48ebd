//! The module's tables: the only code that touches them. Everything that returns or changes a
//! case takes an `Authorized<Dossier<A>>` made by [`open`] from facts the store loaded itself;
//! the function that uses it reads those facts again in its own transaction and applies the rule
//! again, so what it reads or writes rests on the facts of that transaction. What a partner may
//! see is filtered in SQL by the categories of that decision, and every entry shown is audited.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use platform::access::{
    self, AccessError, Action, Authorized, Decision, Principal, Purpose, RequestContext, Role,
};
use platform::audit::{self, AuditEntry, Outcome};
use platform::db::{new_id, now_ms, BindF64, Db, DbError, Tx};
use platform::identity::{field_error, FieldError};
use platform::secrets::DataKey;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::access::{
    dossier_beleid, inzage_bereik, zicht, Actie, BetrokkeneZaak, Betrokkenen, ConvenantFeiten,
    DeelnameFeiten, Dossier, DossierFeiten, Dossierlijst, InzageGrond, Inzageverzoek, Lezen,
    Overleg as OverlegBesluit, Overleggen, Toevoegen, Wijzigen, Zicht,
};
use crate::model::{self, Categorie, Fase};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Refused by the rules, with the Dutch reason.
    #[error("{0}")]
    Refused(String),
    /// The request conflicts with the state of the record (a closed case, an export that is not
    /// released yet), with the Dutch reason.
    #[error("{0}")]
    Conflict(String),
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    /// Refused by a rule of this store that wrote no audit record (the web shell records it).
    #[error("access denied: {0}")]
    Forbidden(&'static str),
    /// Refused by a decision that has already written its audit record.
    #[error("access denied: {0}")]
    Denied(&'static str),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl platform::web::errors::Classify for StoreError {
    fn classify(self) -> platform::web::errors::Failure {
        use platform::web::errors::Failure;
        match self {
            StoreError::Refused(reason) => {
                Failure::Invalid(vec![platform::identity::field_error("dossier", &reason)])
            }
            StoreError::Conflict(reason) => Failure::Conflict(reason),
            StoreError::Invalid(errors) => Failure::Invalid(errors),
            StoreError::NotFound => Failure::NotFound,
            StoreError::Forbidden(_) => Failure::Forbidden,
            StoreError::Denied(_) => Failure::Refused,
            StoreError::Db(e) => Failure::Internal(e.to_string()),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(DbError::Sql(e))
    }
}

impl From<platform::identity::IdentityError> for StoreError {
    fn from(e: platform::identity::IdentityError) -> Self {
        match e {
            platform::identity::IdentityError::Db(d) => StoreError::Db(d),
            e => StoreError::Refused(e.to_string()),
        }
    }
}

impl From<AccessError> for StoreError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::Forbidden(r) => StoreError::Denied(r),
            AccessError::Db(d) => StoreError::Db(d),
        }
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// The message for a change to a closed case.
pub const GESLOTEN: &str = "Dit dossier is gesloten: er kan niets meer worden vastgelegd of gewijzigd. Alleen de bewaarplicht (legal hold) en het intrekken van een deelname blijven mogelijk; start zo nodig een nieuw dossier.";

fn invalid(field: &str, msg: &str) -> StoreError {
    StoreError::Invalid(vec![field_error(field, msg)])
}

/// Today in the Netherlands.
pub fn vandaag() -> Date {
    platform::db::today_nl()
}

fn date(s: &str) -> Option<Date> {
    s.trim().parse().ok()
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn bind_all<'q>(
    sql: &'q str,
    binds: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    // The text varies with teams and grants: not worth a cached prepared statement each.
    let mut q = sqlx::query(sql).persistent(false);
    for b in binds {
        q = q.bind(b.as_str());
    }
    q
}

/// The teams of the viewer (a fact of every case decision), read on `conn`: the connection of
/// the transaction (or the read) the decision is taken for.
async fn teams_of(conn: &mut AnyConnection, p: &Principal) -> Result<Vec<String>> {
    if p.is_system() {
        return Ok(Vec::new());
    }
    Ok(platform::identity::team_ids_of_user_in(conn, &p.user_id).await?)
}

/// Organisation names by id (not personal data).
async fn organisatienamen(db: &Db) -> Result<BTreeMap<String, String>> {
    Ok(platform::identity::list_organisations(db)
        .await
        .map_err(|e| StoreError::Refused(e.to_string()))?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
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
// Covenants: case types, validity and revocation of the covenant as a whole; its terms (purposes,
// parties with their categories, legal bases and whether only named representatives see the
// cases, mutual visibility) per version. A participation keeps the version it was admitted under.

/// One purpose of a covenant version; a participation names one.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Doel {
    pub id: String,
    pub omschrijving: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Partij {
    pub organisation_id: String,
    pub ontvangen: Vec<String>,
    pub verstrekken: Vec<String>,
    /// The legal basis per data category (e.g. "art. 20 Wpg", "Jeugdwet art. 7.1.1.1").
    pub grondslagen: BTreeMap<String, String>,
    /// Whether only the party's named representatives see the cases (the others of its
    /// organisation nothing).
    pub alleen_vertegenwoordigers: bool,
}

/// The terms of one version of a covenant.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ConvenantVersie {
    pub versie: i64,
    pub doelen: Vec<Doel>,
    pub partijen_zien_elkaar: bool,
    pub partijen: Vec<Partij>,
    /// Why the terms changed.
    pub toelichting: String,
    pub created_at: i64,
    /// The active participations under this version, per organisation id (counts only: which
    /// cases they are in is itself protected by the covenant). Shown to the covenant's
    /// administrators in full, to a partner for its own organisation.
    pub deelnames: BTreeMap<String, i64>,
}

/// A named representative of a party: an account of that organisation.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Vertegenwoordiger {
    pub organisation_id: String,
    pub user_id: String,
    pub email: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Convenant {
    pub id: String,
    pub naam: String,
    /// The current version: new participations are admitted under it.
    pub versie: i64,
    /// The purposes of the current version: a participation serves one of them.
    pub doelen: Vec<Doel>,
    pub zaaktypen: Vec<String>,
    pub geldig_van: String,
    pub geldig_tot: String,
    /// Revoking the covenant ends the participations under every version.
    pub ingetrokken: bool,
    /// Whether the parties see each other's participation in a case (current version).
    pub partijen_zien_elkaar: bool,
    /// The parties of the current version.
    pub partijen: Vec<Partij>,
    /// Every version, oldest first.
    pub versies: Vec<ConvenantVersie>,
    /// The named representatives per party (shown to the covenant's administrators in full,
    /// to a partner for its own organisation).
    pub vertegenwoordigers: Vec<Vertegenwoordiger>,
}

impl Convenant {
    pub fn geldig_op(&self, d: Date) -> bool {
        !self.ingetrokken
            && date(&self.geldig_van).is_some_and(|v| v <= d)
            && date(&self.geldig_tot).is_some_and(|t| d <= t)
    }

    /// The purpose named by `doel` in the current version: its id, or its text exactly.
    pub fn doel(&self, doel: &str) -> Option<&Doel> {
        let d = doel.trim();
        self.doelen
            .iter()
            .find(|x| x.id == d)
            .or_else(|| self.doelen.iter().find(|x| x.omschrijving == d))
    }

    /// The terms of party `org` in version `versie`.
    pub fn partij_in(&self, versie: i64, org: &str) -> Option<&Partij> {
        self.versies
            .iter()
            .find(|v| v.versie == versie)
            .and_then(|v| v.partijen.iter().find(|p| p.organisation_id == org))
    }

    /// Whether `org` is a party in any version.
    pub fn is_partij(&self, org: &str) -> bool {
        self.versies
            .iter()
            .any(|v| v.partijen.iter().any(|p| p.organisation_id == org))
    }

    /// What `p` may see of the covenant's representatives and participation counts: all of it
    /// for the covenant's administrators, otherwise only those of `p`'s own organisation.
    pub fn voor(mut self, p: &Principal) -> Self {
        if !crate::access::mag_convenanten_beheren(p) {
            self.vertegenwoordigers
                .retain(|v| v.organisation_id == p.organisation_id);
            for v in &mut self.versies {
                v.deelnames.retain(|org, _| *org == p.organisation_id);
            }
        }
        self
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuwePartij {
    pub organisation_id: String,
    #[serde(default)]
    pub ontvangen: Vec<String>,
    #[serde(default)]
    pub verstrekken: Vec<String>,
    /// The legal basis for all of this party's categories…
    #[serde(default)]
    pub grondslag: Option<String>,
    /// …or per category (this wins).
    #[serde(default)]
    pub grondslagen: BTreeMap<String, String>,
    /// Whether only the party's named representatives see the cases.
    #[serde(default)]
    pub alleen_vertegenwoordigers: bool,
}

/// A covenant's purposes: one per line in a text, or a list.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Doelen {
    Tekst(String),
    Lijst(Vec<String>),
}

impl Default for Doelen {
    fn default() -> Self {
        Doelen::Lijst(Vec::new())
    }
}

impl Doelen {
    pub fn lijst(&self) -> Vec<String> {
        let all: Vec<String> = match self {
            Doelen::Tekst(t) => t.lines().map(str::to_string).collect(),
            Doelen::Lijst(l) => l.clone(),
        };
        let mut out: Vec<String> = Vec::new();
        for d in all.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
            if !out.iter().any(|o| o == d) {
                out.push(d.to_string());
            }
        }
        out
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuwConvenant {
    pub naam: String,
    /// The purposes (one per line, or a list); a participation names one of them.
    #[serde(default)]
    pub doelen: Doelen,
    pub zaaktypen: Vec<String>,
    /// YYYY-MM-DD
    pub geldig_van: String,
    /// YYYY-MM-DD
    pub geldig_tot: String,
    /// Whether the parties see each other's participation in a case.
    #[serde(default)]
    pub partijen_zien_elkaar: bool,
    pub partijen: Vec<NieuwePartij>,
}

/// New terms for a covenant: they become its next version. Participations admitted before keep
/// the terms of their own version.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuweVersie {
    /// The purposes (one per line, or a list).
    #[serde(default)]
    pub doelen: Doelen,
    #[serde(default)]
    pub partijen_zien_elkaar: bool,
    pub partijen: Vec<NieuwePartij>,
    /// Why the terms change.
    #[serde(default)]
    pub toelichting: String,
}

pub async fn convenanten(db: &Db) -> Result<Vec<Convenant>> {
    let pool = db.pool();
    let rows = sqlx::query("SELECT * FROM dossiers_convenant ORDER BY geldig_van DESC, naam")
        .fetch_all(pool)
        .await?;
    let versie_rows = sqlx::query("SELECT * FROM dossiers_convenant_versie")
        .fetch_all(pool)
        .await?;
    let parts = sqlx::query("SELECT * FROM dossiers_convenant_partij")
        .fetch_all(pool)
        .await?;
    let doelen = sqlx::query(
        "SELECT id, convenant_id, versie, omschrijving FROM dossiers_convenant_doel ORDER BY convenant_id, versie, positie, id",
    )
    .fetch_all(pool)
    .await?;
    let gronden = sqlx::query("SELECT * FROM dossiers_convenant_grondslag")
        .fetch_all(pool)
        .await?;
    let reps = sqlx::query(
        "SELECT * FROM dossiers_convenant_vertegenwoordiger ORDER BY organisation_id, email, user_id",
    )
    .fetch_all(pool)
    .await?;
    let tellingen = sqlx::query(
        "SELECT convenant_id, convenant_versie, organisation_id, COUNT(*) AS n FROM dossiers_deelname \
         WHERE ingetrokken_at IS NULL GROUP BY convenant_id, convenant_versie, organisation_id",
    )
    .fetch_all(pool)
    .await?;
    type Sleutel = (String, i64);
    let mut grond: BTreeMap<(String, i64, String), BTreeMap<String, String>> = BTreeMap::new();
    for g in &gronden {
        grond
            .entry((
                g.try_get("convenant_id")?,
                g.try_get("versie")?,
                g.try_get("organisation_id")?,
            ))
            .or_default()
            .insert(g.try_get("categorie")?, g.try_get("grondslag")?);
    }
    let mut partijen: BTreeMap<Sleutel, Vec<Partij>> = BTreeMap::new();
    for p in &parts {
        let o: String = p.try_get("ontvangen")?;
        let v: String = p.try_get("verstrekken")?;
        let cid: String = p.try_get("convenant_id")?;
        let versie: i64 = p.try_get("versie")?;
        let org: String = p.try_get("organisation_id")?;
        partijen
            .entry((cid.clone(), versie))
            .or_default()
            .push(Partij {
                grondslagen: grond
                    .remove(&(cid, versie, org.clone()))
                    .unwrap_or_default(),
                organisation_id: org,
                ontvangen: split(&o),
                verstrekken: split(&v),
                alleen_vertegenwoordigers: p.try_get::<i64, _>("alleen_vertegenwoordigers")? == 1,
            });
    }
    let mut doel_by: BTreeMap<Sleutel, Vec<Doel>> = BTreeMap::new();
    for d in &doelen {
        doel_by
            .entry((d.try_get("convenant_id")?, d.try_get("versie")?))
            .or_default()
            .push(Doel {
                id: d.try_get("id")?,
                omschrijving: d.try_get("omschrijving")?,
            });
    }
    let mut versie_by: BTreeMap<Sleutel, (bool, String, i64)> = BTreeMap::new();
    for v in &versie_rows {
        versie_by.insert(
            (v.try_get("convenant_id")?, v.try_get("versie")?),
            (
                v.try_get::<i64, _>("partijen_zien_elkaar")? == 1,
                v.try_get("toelichting")?,
                v.try_get("created_at")?,
            ),
        );
    }
    let mut telling: BTreeMap<Sleutel, BTreeMap<String, i64>> = BTreeMap::new();
    for t in &tellingen {
        telling
            .entry((t.try_get("convenant_id")?, t.try_get("convenant_versie")?))
            .or_default()
            .insert(t.try_get("organisation_id")?, t.try_get("n")?);
    }
    let mut rep_by: BTreeMap<String, Vec<Vertegenwoordiger>> = BTreeMap::new();
    for r in &reps {
        rep_by
            .entry(r.try_get("convenant_id")?)
            .or_default()
            .push(Vertegenwoordiger {
                organisation_id: r.try_get("organisation_id")?,
                user_id: r.try_get("user_id")?,
                email: r.try_get("email")?,
                created_at: r.try_get("created_at")?,
            });
    }
    rows.iter()
        .map(|r| {
            let id: String = r.try_get("id")?;
            let z: String = r.try_get("zaaktypen")?;
            let huidig: i64 = r.try_get("versie")?;
            // Every version up to the current one (a version without a row of its own has the
            // restrictive defaults: parties do not see each other).
            let versies: Vec<ConvenantVersie> = (1..=huidig.max(1))
                .map(|n| {
                    let k = (id.clone(), n);
                    let (zien, toelichting, at) = versie_by.remove(&k).unwrap_or_default();
                    ConvenantVersie {
                        versie: n,
                        doelen: doel_by.remove(&k).unwrap_or_default(),
                        partijen_zien_elkaar: zien,
                        partijen: partijen.remove(&k).unwrap_or_default(),
                        toelichting,
                        created_at: at,
                        deelnames: telling.remove(&k).unwrap_or_default(),
                    }
                })
                .collect();
            let laatste = versies.last().cloned();
            Ok(Convenant {
                vertegenwoordigers: rep_by.remove(&id).unwrap_or_default(),
                naam: r.try_get("naam")?,
                versie: huidig,
                doelen: laatste
                    .as_ref()
                    .map(|v| v.doelen.clone())
                    .unwrap_or_default(),
                partijen_zien_elkaar: laatste.as_ref().is_some_and(|v| v.partijen_zien_elkaar),
                partijen: laatste.map(|v| v.partijen).unwrap_or_default(),
                versies,
                zaaktypen: split(&z),
                geldig_van: r.try_get("geldig_van")?,
                geldig_tot: r.try_get("geldig_tot")?,
                ingetrokken: r.try_get::<Option<i64>, _>("ingetrokken_at")?.is_some(),
                id,
            })
        })
        .collect()
}

/// Checks a version's terms: purposes and parties with known categories, legal bases that
/// belong to a category of the party, and known organisations.
async fn check_voorwaarden(
    db: &Db,
    doelen: &[String],
    partijen: &[NieuwePartij],
    errors: &mut Vec<FieldError>,
) -> Result<()> {
    if doelen.is_empty() {
        errors.push(field_error(
            "doelen",
            "Noem ten minste één doel van het convenant (één per regel); een deelname dient altijd een van deze doelen.",
        ));
    } else if doelen.iter().any(|d| d.chars().count() > 500) {
        errors.push(field_error("doelen", "Een doel is ten hoogste 500 tekens."));
    }
    if partijen.is_empty() {
        errors.push(field_error("partijen", "Een convenant heeft partijen."));
    }
    let mut gezien = BTreeSet::new();
    for p in partijen {
        if !gezien.insert(p.organisation_id.as_str()) {
            errors.push(field_error(
                "partijen",
                "Een organisatie staat maar één keer bij de partijen.",
            ));
            break;
        }
        let bad = p
            .ontvangen
            .iter()
            .chain(&p.verstrekken)
            .chain(p.grondslagen.keys())
            .any(|x| Categorie::from_slug(x).is_none());
        if bad {
            errors.push(field_error("partijen", "Onbekende gegevenscategorie."));
            break;
        }
        if p.grondslagen
            .keys()
            .any(|k| !p.ontvangen.contains(k) && !p.verstrekken.contains(k))
        {
            errors.push(field_error(
                "partijen",
                "Een grondslag hoort bij een categorie die de partij ontvangt of verstrekt.",
            ));
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
    Ok(())
}

/// Writes version `versie` of covenant `id`: its own row, purposes, parties and legal bases.
#[allow(clippy::too_many_arguments)]
async fn schrijf_versie(
    tx: &mut Tx,
    id: &str,
    versie: i64,
    doelen: &[String],
    partijen_zien_elkaar: bool,
    partijen: &[NieuwePartij],
    toelichting: &str,
    door: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO dossiers_convenant_versie (convenant_id, versie, partijen_zien_elkaar, toelichting, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(versie)
    .bind(i64::from(partijen_zien_elkaar))
    .bind(toelichting.trim())
    .bind(door)
    .bind(now_ms())
    .execute(&mut *tx.conn()?)
    .await?;
    for (i, d) in doelen.iter().enumerate() {
        // Version 1 keeps the ids purposes had before covenants had versions.
        let doel_id = if versie == 1 {
            format!("{id}-doel-{}", i + 1)
        } else {
            format!("{id}-v{versie}-doel-{}", i + 1)
        };
        sqlx::query(
            "INSERT INTO dossiers_convenant_doel (id, convenant_id, versie, omschrijving, positie) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(doel_id)
        .bind(id)
        .bind(versie)
        .bind(d)
        .bind(i as i64)
        .execute(&mut *tx.conn()?)
        .await?;
    }
    for p in partijen {
        let ontvangen = Categorie::parse_list(&p.ontvangen.join(","));
        let verstrekken = Categorie::parse_list(&p.verstrekken.join(","));
        sqlx::query(
            "INSERT INTO dossiers_convenant_partij (convenant_id, versie, organisation_id, ontvangen, verstrekken, alleen_vertegenwoordigers) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(versie)
        .bind(&p.organisation_id)
        .bind(Categorie::join(&ontvangen))
        .bind(Categorie::join(&verstrekken))
        .bind(i64::from(p.alleen_vertegenwoordigers))
        .execute(&mut *tx.conn()?)
        .await?;
        let mut cats: Vec<Categorie> = ontvangen.iter().chain(&verstrekken).copied().collect();
        cats.sort();
        cats.dedup();
        for cat in cats {
            let grond = p
                .grondslagen
                .get(cat.slug())
                .or(p.grondslag.as_ref())
                .map(|g| g.trim())
                .filter(|g| !g.is_empty());
            if let Some(g) = grond {
                sqlx::query(
                    "INSERT INTO dossiers_convenant_grondslag (convenant_id, versie, organisation_id, categorie, grondslag) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(versie)
                .bind(&p.organisation_id)
                .bind(cat.slug())
                .bind(g)
                .execute(&mut *tx.conn()?)
                .await?;
            }
        }
    }
    Ok(())
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
    let doelen = c.doelen.lijst();
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
    check_voorwaarden(db, &doelen, &c.partijen, &mut errors).await?;
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    sqlx::query(
        "INSERT INTO dossiers_convenant (id, naam, doelen, zaaktypen, geldig_van, geldig_tot, versie, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)",
    )
    .bind(&id)
    .bind(c.naam.trim())
    .bind(doelen.join("\n"))
    .bind(c.zaaktypen.join(","))
    .bind(c.geldig_van.trim())
    .bind(c.geldig_tot.trim())
    .bind(&auth.principal().user_id)
    .bind(now_ms())
    .execute(&mut *tx.conn()?)
    .await?;
    schrijf_versie(
        &mut tx,
        &id,
        1,
        &doelen,
        c.partijen_zien_elkaar,
        &c.partijen,
        "",
        &auth.principal().user_id,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a covenant's terms: they become its next version, under which new participations
/// are admitted. A participation admitted before keeps its own version's terms. Returns the
/// new version's number.
pub async fn nieuwe_versie(
    db: &Db,
    auth: &Authorized<crate::access::Convenanten>,
    id: &str,
    n: &NieuweVersie,
) -> Result<i64> {
    let mut errors = Vec::new();
    let doelen = n.doelen.lijst();
    check_voorwaarden(db, &doelen, &n.partijen, &mut errors).await?;
    if n.toelichting.chars().count() > 2000 {
        errors.push(field_error(
            "toelichting",
            "De toelichting is ten hoogste 2000 tekens.",
        ));
    }
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT versie, ingetrokken_at FROM dossiers_convenant WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx.conn()?)
        .await?
        .ok_or(StoreError::NotFound)?;
    if row.try_get::<Option<i64>, _>("ingetrokken_at")?.is_some() {
        return Err(StoreError::Conflict(
            "Dit convenant is ingetrokken: de voorwaarden kunnen niet meer worden gewijzigd. Leg zo nodig een nieuw convenant vast.".into(),
        ));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let huidig: i64 = row.try_get("versie")?;
    let versie = huidig + 1;
    auth.record(&mut tx).await?;
    schrijf_versie(
        &mut tx,
        id,
        versie,
        &doelen,
        n.partijen_zien_elkaar,
        &n.partijen,
        &n.toelichting,
        &auth.principal().user_id,
    )
    .await?;
    sqlx::query("UPDATE dossiers_convenant SET versie = $1, doelen = $2 WHERE id = $3")
        .bind(versie)
        .bind(doelen.join("\n"))
        .bind(id)
        .execute(&mut *tx.conn()?)
        .await?;
    tx.commit().await?;
    Ok(versie)
}

/// Naming a representative of a party: the account by its e-mail address.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuweVertegenwoordiger {
    pub organisation_id: String,
    pub email: String,
}

/// Records an account of a party's organisation as one of its named representatives under the
/// covenant (the municipality's covenant administrators, under `gate`). The change is a
/// decision of its own, audited with the account it names. Returns the account's id.
pub async fn vertegenwoordiger_toevoegen(
    db: &Db,
    ctx: &RequestContext,
    gate: &Authorized<crate::access::Convenanten>,
    convenant_id: &str,
    n: &NieuweVertegenwoordiger,
) -> Result<String> {
    let c = convenanten(db)
        .await?
        .into_iter()
        .find(|c| c.id == convenant_id)
        .ok_or(StoreError::NotFound)?;
    if c.ingetrokken {
        return Err(StoreError::Conflict(
            "Dit convenant is ingetrokken: er worden geen vertegenwoordigers meer vastgelegd."
                .into(),
        ));
    }
    let org = n.organisation_id.trim();
    let mut errors = Vec::new();
    if !c.is_partij(org) {
        errors.push(field_error(
            "organisation_id",
            "Kies een organisatie die partij is bij dit convenant.",
        ));
    }
    let email = platform::identity::normalize_email(n.email.trim());
    let mut user_id = None;
    if email.is_empty() {
        errors.push(field_error(
            "email",
            "Vul het e-mailadres in van het account van de vertegenwoordiger.",
        ));
    } else {
        match platform::identity::user_id_by_email(db, &email).await {
            Err(_) => errors.push(field_error(
                "email",
                "Er is geen account met dit e-mailadres.",
            )),
            Ok(id) => {
                let user_org = platform::identity::user_organisation(db, &id)
                    .await
                    .map_err(|e| StoreError::Refused(e.to_string()))?;
                if errors.is_empty() && user_org != org {
                    errors.push(field_error(
                        "email",
                        "Dit account hoort niet bij deze organisatie: alleen medewerkers van de partij zelf kunnen haar vertegenwoordigen.",
                    ));
                }
                user_id = Some(id);
            }
        }
    }
    let (Some(user_id), true) = (user_id, errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let veld = "email";
    let recorded_email = email;
    let auth = access::authorize(
        db,
        ctx,
        gate.principal(),
        Action::Create,
        crate::access::Vertegenwoordiger::besloten(convenant_id, &user_id),
        Purpose::Beheer,
    )
    .await?;
    let mut tx = db.begin().await?;
    let dup: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM dossiers_convenant_vertegenwoordiger WHERE convenant_id = $1 AND organisation_id = $2 AND user_id = $3",
    )
    .bind(convenant_id)
    .bind(org)
    .bind(&user_id)
    .fetch_one(&mut *tx.conn()?)
    .await?
    .try_get("n")?;
    if dup > 0 {
        return Err(invalid(
            veld,
            "Dit account is al als vertegenwoordiger vastgelegd.",
        ));
    }
    auth.record(&mut tx).await?;
    sqlx::query(
        "INSERT INTO dossiers_convenant_vertegenwoordiger (convenant_id, organisation_id, user_id, email, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(convenant_id)
    .bind(org)
    .bind(&user_id)
    .bind(&recorded_email)
    .bind(&gate.principal().user_id)
    .bind(now_ms())
    .execute(&mut *tx.conn()?)
    .await?;
    tx.commit().await?;
    Ok(user_id)
}

/// Removes a named representative: from the next request on, that account sees no case under
/// the covenant where its party's terms name representatives. Audited with the account.
pub async fn vertegenwoordiger_verwijderen(
    db: &Db,
    ctx: &RequestContext,
    gate: &Authorized<crate::access::Convenanten>,
    convenant_id: &str,
    user_id: &str,
) -> Result<()> {
    let auth = access::authorize(
        db,
        ctx,
        gate.principal(),
        Action::Delete,
        crate::access::Vertegenwoordiger::besloten(convenant_id, user_id),
        Purpose::Beheer,
    )
    .await?;
    let mut tx = db.begin().await?;
    let r = sqlx::query(
        "DELETE FROM dossiers_convenant_vertegenwoordiger WHERE convenant_id = $1 AND user_id = $2",
    )
    .bind(convenant_id)
    .bind(user_id)
    .execute(&mut *tx.conn()?)
    .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Revoking a covenant ends every participation resting on it at once, under every version
/// (access is decided from the covenant on each request).
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

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
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

impl DossierKop {
    pub fn gesloten(&self) -> bool {
        self.fase == Fase::Gesloten.slug()
    }

    #[cfg(test)]
    pub(crate) fn voor_tests(id: &str) -> Self {
        DossierKop {
            id: id.into(),
            nummer: "D-1".into(),
            zaaktype: "pga".into(),
            titel: "t".into(),
            regie_organisation_id: "gem".into(),
            regie_team_id: "zorg".into(),
            herkomst: "team".into(),
            fase: "intake".into(),
            ave_fase: 1,
            zvh_tafel: None,
            inwoner: "niet-uitgenodigd".into(),
            reviewdatum: None,
            legal_hold: false,
            legal_hold_reden: None,
            gesloten_at: None,
            bewaren_tot: None,
            created_at: 0,
            updated_at: 0,
        }
    }
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

/// A participation as shown (besides its facts).
#[derive(Clone, Debug)]
struct DeelnameRij {
    feiten: DeelnameFeiten,
    id: String,
    convenant_naam: String,
    doel: String,
    gestart_at: i64,
    ingetrokken_at: Option<i64>,
    ingetrokken_reden: Option<String>,
}

/// A statement over a list of ids, prepared and cached when it names one (the common case) and
/// not otherwise (its text varies with the number of ids).
fn per_ids<'q>(
    sql: &'q str,
    binds: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql).persistent(binds.len() == 1);
    for b in binds {
        q = q.bind(b.as_str());
    }
    q
}

/// Every participation in the cases `dossier_ids`, per case, with its covenant version's facts
/// (purposes, grants of the participating organisation, named representatives): a fixed number
/// of statements however many cases.
async fn deelnames_in(
    conn: &mut AnyConnection,
    dossier_ids: &[String],
) -> Result<BTreeMap<String, Vec<DeelnameRij>>> {
    let mut out: BTreeMap<String, Vec<DeelnameRij>> = BTreeMap::new();
    if dossier_ids.is_empty() {
        return Ok(out);
    }
    let mut q = Sql::default();
    let ids = q.marks(dossier_ids);
    let sql = format!(
        "SELECT p.dossier_id, p.id, p.organisation_id, p.doel, p.doel_id, p.geldig_van AS p_van, p.geldig_tot AS p_tot, \
         p.convenant_versie, p.gestart_at, p.ingetrokken_at, p.ingetrokken_reden, \
         c.id AS cid, c.naam AS cnaam, c.geldig_van, c.geldig_tot, c.ingetrokken_at AS c_in, c.zaaktypen, \
         cv.partijen_zien_elkaar, cp.ontvangen, cp.verstrekken, cp.alleen_vertegenwoordigers, cd.omschrijving AS doel_tekst \
         FROM dossiers_deelname p JOIN dossiers_convenant c ON c.id = p.convenant_id \
         LEFT JOIN dossiers_convenant_versie cv ON cv.convenant_id = c.id AND cv.versie = p.convenant_versie \
         LEFT JOIN dossiers_convenant_partij cp ON cp.convenant_id = c.id AND cp.versie = p.convenant_versie AND cp.organisation_id = p.organisation_id \
         LEFT JOIN dossiers_convenant_doel cd ON cd.id = p.doel_id \
         WHERE p.dossier_id IN ({ids}) ORDER BY p.gestart_at, p.id"
    );
    let rows = per_ids(&sql, &q.binds).fetch_all(&mut *conn).await?;
    if rows.is_empty() {
        return Ok(out);
    }
    // The purposes per covenant version, and the named representatives per covenant and party.
    let sql = format!(
        "SELECT cd.convenant_id, cd.versie, cd.id FROM dossiers_convenant_doel cd WHERE cd.convenant_id IN \
         (SELECT convenant_id FROM dossiers_deelname WHERE dossier_id IN ({ids}))"
    );
    let doel_rows = per_ids(&sql, &q.binds).fetch_all(&mut *conn).await?;
    let mut doelen: BTreeMap<(String, i64), Vec<String>> = BTreeMap::new();
    for r in &doel_rows {
        doelen
            .entry((r.try_get("convenant_id")?, r.try_get("versie")?))
            .or_default()
            .push(r.try_get("id")?);
    }
    let sql = format!(
        "SELECT r.convenant_id, r.organisation_id, r.user_id FROM dossiers_convenant_vertegenwoordiger r \
         WHERE r.convenant_id IN (SELECT convenant_id FROM dossiers_deelname WHERE dossier_id IN ({ids}))"
    );
    let rep_rows = per_ids(&sql, &q.binds).fetch_all(&mut *conn).await?;
    let mut reps: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in &rep_rows {
        reps.entry((r.try_get("convenant_id")?, r.try_get("organisation_id")?))
            .or_default()
            .push(r.try_get("user_id")?);
    }
    for r in &rows {
        let dossier_id: String = r.try_get("dossier_id")?;
        let van: String = r.try_get("geldig_van")?;
        let tot: String = r.try_get("geldig_tot")?;
        let z: String = r.try_get("zaaktypen")?;
        let o: Option<String> = r.try_get("ontvangen")?;
        let v: Option<String> = r.try_get("verstrekken")?;
        let p_van: Option<String> = r.try_get("p_van")?;
        let p_tot: Option<String> = r.try_get("p_tot")?;
        let cid: String = r.try_get("cid")?;
        let versie: i64 = r.try_get("convenant_versie")?;
        let org: String = r.try_get("organisation_id")?;
        let ingetrokken_at: Option<i64> = r.try_get("ingetrokken_at")?;
        // An unreadable date grants nothing: the covenant or window is taken as closed.
        let (cvan, ctot) = match (date(&van), date(&tot)) {
            (Some(a), Some(b)) => (a, b),
            _ => (Date::MAX, Date::MIN),
        };
        let window = |s: Option<String>, closed: Date| s.map(|s| date(&s).unwrap_or(closed));
        let doel_tekst: Option<String> = r.try_get("doel_tekst")?;
        let doel: String = r.try_get("doel")?;
        // Where the version's terms limit the party to named representatives: those named.
        let alleen_vertegenwoordigers =
            r.try_get::<Option<i64>, _>("alleen_vertegenwoordigers")? == Some(1);
        let vertegenwoordigers = alleen_vertegenwoordigers.then(|| {
            reps.get(&(cid.clone(), org.clone()))
                .cloned()
                .unwrap_or_default()
        });
        out.entry(dossier_id).or_default().push(DeelnameRij {
            feiten: DeelnameFeiten {
                organisation_id: org,
                ingetrokken: ingetrokken_at.is_some(),
                van: window(p_van, Date::MAX),
                tot: window(p_tot, Date::MIN),
                doel_id: r.try_get("doel_id")?,
                convenant: ConvenantFeiten {
                    doelen: doelen
                        .get(&(cid.clone(), versie))
                        .cloned()
                        .unwrap_or_default(),
                    id: cid,
                    versie,
                    geldig_van: cvan,
                    geldig_tot: ctot,
                    ingetrokken: r.try_get::<Option<i64>, _>("c_in")?.is_some(),
                    zaaktypen: split(&z),
                    partijen_zien_elkaar: r.try_get::<Option<i64>, _>("partijen_zien_elkaar")?
                        == Some(1),
                },
                ontvangen: o.map(|s| Categorie::parse_list(&s)),
                verstrekken: v.map(|s| Categorie::parse_list(&s)),
                vertegenwoordigers,
            },
            id: r.try_get("id")?,
            convenant_naam: r.try_get("cnaam")?,
            doel: doel_tekst.unwrap_or(doel),
            gestart_at: r.try_get("gestart_at")?,
            ingetrokken_at,
            ingetrokken_reden: r.try_get("ingetrokken_reden")?,
        });
    }
    Ok(out)
}

/// A case with everything its rule decides on, read on one connection (a transaction's, where
/// the read or write follows).
struct Geladen {
    kop: DossierKop,
    deelnames: Vec<DeelnameRij>,
}

impl Geladen {
    fn feiten(&self, teams: &[String]) -> DossierFeiten {
        DossierFeiten {
            dossier_id: self.kop.id.clone(),
            zaaktype: self.kop.zaaktype.clone(),
            regie_organisation_id: self.kop.regie_organisation_id.clone(),
            regie_team_id: self.kop.regie_team_id.clone(),
            teams: teams.to_vec(),
            deelnames: self.deelnames.iter().map(|d| d.feiten.clone()).collect(),
            vandaag: vandaag(),
        }
    }
}

async fn laad(conn: &mut AnyConnection, id: &str) -> Result<Option<Geladen>> {
    Ok(laad_alle(conn, std::slice::from_ref(&id.to_string()))
        .await?
        .pop())
}

/// The cases `ids` that exist, in that order, each with everything its rule decides on: a fixed
/// number of statements however many cases (a meeting's agenda, a melding's cases).
async fn laad_alle(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<Geladen>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::default();
    let marks = q.marks(ids);
    let sql = format!("SELECT {KOP_COLS} FROM dossiers_dossier d WHERE d.id IN ({marks})");
    let rows = per_ids(&sql, &q.binds).fetch_all(&mut *conn).await?;
    let mut koppen: BTreeMap<String, DossierKop> = BTreeMap::new();
    for r in &rows {
        let kop = kop_row(r)?;
        koppen.insert(kop.id.clone(), kop);
    }
    let found: Vec<String> = ids
        .iter()
        .filter(|i| koppen.contains_key(*i))
        .cloned()
        .collect();
    let mut deelnames = deelnames_in(conn, &found).await?;
    Ok(found
        .iter()
        .filter_map(|id| {
            koppen.remove(id).map(|kop| Geladen {
                deelnames: deelnames.remove(id).unwrap_or_default(),
                kop,
            })
        })
        .collect())
}

/// Decides whether `p` may perform `A` on case `id`; a denial is audited. The facts (the case,
/// `p`'s teams, the participations with their covenants) are loaded here, never passed in.
pub async fn open<A: Actie>(
    db: &Db,
    ctx: &RequestContext,
    p: &Principal,
    id: &str,
) -> Result<Authorized<Dossier<A>>> {
    let mut conn = db.pool().acquire().await?;
    let teams = teams_of(&mut conn, p).await?;
    let g = laad(&mut conn, id).await?.ok_or(StoreError::NotFound)?;
    drop(conn);
    let z = zicht(p, &g.feiten(&teams));
    Ok(access::authorize(
        db,
        ctx,
        p,
        A::ACTION,
        Dossier::besloten(g.kop, z, ctx),
        Purpose::Uitvoering,
    )
    .await?)
}

/// The transaction in which a capability is used, with the case and the rule as read and
/// applied again inside it.
struct Bevestigd {
    tx: Tx,
    kop: DossierKop,
    zicht: Zicht,
    deelnames: Vec<DeelnameRij>,
}

/// Begins the transaction for `auth`: reads the case and the viewer's facts inside it and
/// applies the rule again (a participation revoked since the decision is refused here, and the
/// refusal audited). A closed case refuses every change unless `ook_gesloten`.
async fn bevestig<A: Actie>(
    db: &Db,
    auth: &Authorized<Dossier<A>>,
    ook_gesloten: bool,
) -> Result<Bevestigd> {
    let p = auth.principal();
    let mut tx = db.begin().await?;
    let teams = teams_of(tx.conn()?, p).await?;
    let Some(g) = laad(tx.conn()?, auth.resource().id()).await? else {
        return Err(StoreError::NotFound);
    };
    let z = zicht(p, &g.feiten(&teams));
    if let Decision::Deny(reason) = dossier_beleid(&z, A::ACTION, auth.purpose()) {
        tx.rollback().await?;
        return Err(weiger(db, auth, reason).await);
    }
    if A::ACTION != Action::Read && g.kop.gesloten() && !ook_gesloten {
        return Err(StoreError::Conflict(GESLOTEN.into()));
    }
    Ok(Bevestigd {
        tx,
        kop: g.kop,
        zicht: z,
        deelnames: g.deelnames,
    })
}

/// Records the read of subject `id` under `auth`: a record of its own that names the person.
async fn record_subject<R: platform::access::Resource, K: platform::access::ActionKind>(
    tx: &mut Tx,
    auth: &Authorized<R, K>,
    id: &str,
) -> std::result::Result<(), DbError> {
    auth.record_each(
        tx,
        "dossier-subject",
        std::slice::from_ref(&id.to_string()),
        Some(&format!("subject:{id}")),
    )
    .await
}

/// Records that the rule, applied again in the transaction of the read or write, refused what
/// the earlier decision allowed (e.g. a participation revoked in between), in a transaction of
/// its own so the record stays; returns the refusal.
async fn weiger<A: Actie>(
    db: &Db,
    auth: &Authorized<Dossier<A>>,
    reason: &'static str,
) -> StoreError {
    let refused = platform::access::deny(
        db,
        auth.resource().context(),
        auth.principal(),
        A::ACTION,
        auth.resource(),
        auth.purpose(),
        reason,
    )
    .await;
    match refused {
        AccessError::Forbidden(r) => StoreError::Denied(r),
        AccessError::Db(e) => StoreError::Db(e),
    }
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub zaaktype: Option<String>,
    pub fase: Option<String>,
    /// Only cases whose review date has passed.
    pub review_verlopen: bool,
    /// Only cases with an open task for the viewer.
    pub taak: Option<TaakFilter>,
}

/// Whose open tasks a case list is narrowed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaakFilter {
    /// Given to the viewer.
    Mij,
    /// For the viewer's organisation, given to nobody in particular.
    Organisatie,
}

impl TaakFilter {
    pub fn from_slug(s: &str) -> Option<TaakFilter> {
        match s {
            "mij" => Some(TaakFilter::Mij),
            "organisatie" => Some(TaakFilter::Organisatie),
            _ => None,
        }
    }
}

/// A covenant, the versions under which a viewer receives data under it, and its case types.
type Grant = (String, Vec<i64>, Vec<String>);

/// The covenants under which account `user_id` of `organisation_id` receives data today, with
/// the versions under which it does (the organisation is a party with categories to receive,
/// and where that version names representatives, the account is one of them) and the case types
/// the covenant covers: few rows, read first so the list query needs no covenant join.
async fn valid_grants(
    conn: &mut AnyConnection,
    organisation_id: &str,
    user_id: &str,
) -> Result<Vec<Grant>> {
    let today = vandaag().to_string();
    let rows = sqlx::query(
        "SELECT c.id, c.zaaktypen, cp.versie FROM dossiers_convenant c \
         JOIN dossiers_convenant_partij cp ON cp.convenant_id = c.id \
         WHERE cp.organisation_id = $1 AND cp.ontvangen <> '' AND c.ingetrokken_at IS NULL \
         AND c.geldig_van <= $2 AND c.geldig_tot >= $2 \
         AND (cp.alleen_vertegenwoordigers = 0 OR EXISTS (SELECT 1 FROM dossiers_convenant_vertegenwoordiger r \
              WHERE r.convenant_id = c.id AND r.organisation_id = cp.organisation_id AND r.user_id = $3)) \
         ORDER BY c.id, cp.versie",
    )
    .bind(organisation_id)
    .bind(&today)
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut grants: Vec<Grant> = Vec::new();
    for r in &rows {
        let z: String = r.try_get("zaaktypen")?;
        let id: String = r.try_get("id")?;
        let versie: i64 = r.try_get("versie")?;
        let types = split(&z);
        if types.is_empty() {
            continue;
        }
        match grants.last_mut() {
            Some((last, versies, _)) if *last == id => versies.push(versie),
            _ => grants.push((id, vec![versie], types)),
        }
    }
    Ok(grants)
}

/// A statement under construction with its own bind values, so each statement binds exactly
/// the marks it uses (PostgreSQL refuses unused ones).
#[derive(Default)]
struct Sql {
    binds: Vec<String>,
}

impl Sql {
    fn mark(&mut self, v: &str) -> String {
        self.binds.push(v.to_string());
        format!("${}", self.binds.len())
    }
    fn marks(&mut self, vs: &[String]) -> String {
        vs.iter()
            .map(|v| self.mark(v))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What a list viewer may see, as parts of SQL.
struct Zichtbaar<'a> {
    org: &'a str,
    today: String,
    teams: &'a [String],
    /// Per case type the covenants under which the viewer receives data today, grouped by the
    /// versions under which it does (most covenants: version 1 only).
    by_type: BTreeMap<String, PerVersie>,
}

/// Covenant ids grouped by the versions under which the viewer receives data under them.
type PerVersie = BTreeMap<Vec<i64>, Vec<String>>;

impl Zichtbaar<'_> {
    /// The directing-team part over `dossiers_dossier d`, if the viewer directs.
    fn regie(&self, q: &mut Sql) -> Option<String> {
        if self.teams.is_empty() {
            return None;
        }
        let org = q.mark(self.org);
        let teams = q.marks(self.teams);
        Some(format!(
            "(d.regie_organisation_id = {org} AND d.regie_team_id IN ({teams}))"
        ))
    }

    /// The participation part of the rule over `dossiers_deelname p` (the same rule as
    /// [`zicht`] for one account): active, within its window, for a purpose of its covenant
    /// version, under a version that grants the organisation categories (and names the viewer
    /// where it names representatives), on a covenant valid today for the case type. `only`
    /// narrows it to one case type.
    fn deelname(&self, q: &mut Sql, only: Option<&str>) -> Option<String> {
        let conds: Vec<(&String, &PerVersie)> = self
            .by_type
            .iter()
            .filter(|(t, _)| only.is_none_or(|o| o == t.as_str()))
            .collect();
        if conds.is_empty() {
            return None;
        }
        let org = q.mark(self.org);
        let today = q.mark(&self.today);
        let grants: Vec<String> = conds
            .iter()
            .map(|(t, groups)| {
                let tm = q.mark(t);
                let per_versie: Vec<String> = groups
                    .iter()
                    .map(|(versies, covs)| {
                        let cm = q.marks(covs);
                        // Version numbers are integers read from the database: written into
                        // the text, as a bound text would not compare with the number column.
                        let vs = versies
                            .iter()
                            .map(i64::to_string)
                            .collect::<Vec<_>>()
                            .join(", ");
                        format!("(p.convenant_id IN ({cm}) AND p.convenant_versie IN ({vs}))")
                    })
                    .collect();
                format!("(p.zaaktype = {tm} AND ({}))", per_versie.join(" OR "))
            })
            .collect();
        Some(format!(
            "p.organisation_id = {org} AND p.ingetrokken_at IS NULL \
             AND (p.geldig_van IS NULL OR p.geldig_van <= {today}) AND (p.geldig_tot IS NULL OR p.geldig_tot >= {today}) \
             AND EXISTS (SELECT 1 FROM dossiers_convenant_doel cd WHERE cd.id = p.doel_id AND cd.convenant_id = p.convenant_id AND cd.versie = p.convenant_versie) \
             AND ({})",
            grants.join(" OR ")
        ))
    }

    /// The whole rule over `dossiers_dossier d`, or None when the viewer sees no case.
    fn alles(&self, q: &mut Sql) -> Option<String> {
        let regie = self.regie(q);
        let deelname = self.deelname(q, None).map(|d| {
            format!("EXISTS (SELECT 1 FROM dossiers_deelname p WHERE p.dossier_id = d.id AND {d})")
        });
        match (regie, deelname) {
            (None, None) => None,
            (Some(r), None) => Some(r),
            (None, Some(d)) => Some(d),
            (Some(r), Some(d)) => Some(format!("({r} OR {d})")),
        }
    }
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
    let regie_voeren = crate::access::mag_regie_voeren(p);
    // The facts, the count and the page are read in one read transaction (a snapshot on both
    // databases, without SQLite's write lock); the audit record follows in a write of its own.
    let mut conn = db.pool().acquire().await?;
    let mut rtx = sqlx::Connection::begin(&mut *conn).await?;
    let teams = if regie_voeren {
        teams_of(&mut rtx, p).await?
    } else {
        Vec::new()
    };
    let partner = crate::access::is_ketenpartner(p) || regie_voeren;
    let grants = if partner {
        valid_grants(&mut rtx, &p.organisation_id, &p.user_id).await?
    } else {
        Vec::new()
    };
    let mut by_type: BTreeMap<String, PerVersie> = BTreeMap::new();
    for (cov, versies, types) in &grants {
        for t in types {
            by_type
                .entry(t.clone())
                .or_default()
                .entry(versies.clone())
                .or_default()
                .push(cov.clone());
        }
    }
    let z = Zichtbaar {
        org: &p.organisation_id,
        today: vandaag().to_string(),
        teams: &teams,
        by_type,
    };
    let filtered = filter.zaaktype.as_deref().is_some_and(|z| !z.is_empty())
        || filter.fase.as_deref().is_some_and(|f| !f.is_empty())
        || filter.review_verlopen
        || filter.taak.is_some();
    // The filtered rule, for the page and a filtered count.
    let mut q = Sql::default();
    let Some(visible) = z.alles(&mut q) else {
        rtx.commit().await?;
        drop(conn);
        let mut tx = db.begin().await?;
        auth.record(&mut tx).await?;
        tx.commit().await?;
        return Ok((Vec::new(), 0));
    };
    let mut conds = vec![visible];
    if let Some(zt) = filter.zaaktype.as_deref().filter(|z| !z.is_empty()) {
        let m = q.mark(zt);
        conds.push(format!("d.zaaktype = {m}"));
    }
    if let Some(f) = filter.fase.as_deref().filter(|f| !f.is_empty()) {
        let m = q.mark(f);
        conds.push(format!("d.fase = {m}"));
    }
    if filter.review_verlopen {
        let m = q.mark(&z.today);
        conds.push(format!(
            "d.reviewdatum IS NOT NULL AND d.reviewdatum < {m} AND d.fase <> 'gesloten'"
        ));
    }
    match filter.taak {
        Some(TaakFilter::Mij) => {
            let m = q.mark(&p.user_id);
            conds.push(format!(
                "EXISTS (SELECT 1 FROM dossiers_item i WHERE i.dossier_id = d.id AND i.soort = 'taak' \
                 AND i.gereed_at IS NULL AND i.eigenaar_user_id = {m})"
            ));
        }
        Some(TaakFilter::Organisatie) => {
            let m = q.mark(&p.organisation_id);
            conds.push(format!(
                "EXISTS (SELECT 1 FROM dossiers_item i WHERE i.dossier_id = d.id AND i.soort = 'taak' \
                 AND i.gereed_at IS NULL AND i.eigenaar_organisation_id = {m} AND i.eigenaar_user_id IS NULL)"
            ));
        }
        None => {}
    }
    let where_sql = conds.join(" AND ");
    // Without filters the count needs no case rows: the team's cases plus the distinct cases
    // of the participations (the directing organisation never takes part in its own case).
    let total: i64 = if filtered {
        let sql = format!("SELECT COUNT(*) AS n FROM dossiers_dossier d WHERE {where_sql}");
        bind_all(&sql, &q.binds)
            .fetch_one(&mut *rtx)
            .await?
            .try_get("n")?
    } else {
        let mut n = 0;
        let mut rq = Sql::default();
        if let Some(r) = z.regie(&mut rq) {
            let sql = format!("SELECT COUNT(*) AS n FROM dossiers_dossier d WHERE {r}");
            n += bind_all(&sql, &rq.binds)
                .fetch_one(&mut *rtx)
                .await?
                .try_get::<i64, _>("n")?;
        }
        // A sum of one count per case type: each follows the index on organisation, covenant
        // and case type (an OR of them makes PostgreSQL scan the table). A participation has
        // one type and one covenant, and an organisation takes part in a case once at a time
        // (a unique index), so the sum counts each case once.
        let mut cq = Sql::default();
        let parts: Vec<String> = z
            .by_type
            .keys()
            .filter_map(|t| z.deelname(&mut cq, Some(t)))
            .map(|d| format!("(SELECT COUNT(*) FROM dossiers_deelname p WHERE {d})"))
            .collect();
        if !parts.is_empty() {
            let sql = format!("SELECT {} AS n", parts.join(" + "));
            n += bind_all(&sql, &cq.binds)
                .fetch_one(&mut *rtx)
                .await?
                .try_get::<i64, _>("n")?;
        }
        n
    };
    let per = platform::web::forms::Pager::PER_PAGE;
    let offset = platform::web::forms::Pager::offset_of(page);
    let sql = format!(
        "SELECT {KOP_COLS} FROM dossiers_dossier d WHERE {where_sql} ORDER BY d.updated_at DESC, d.id LIMIT {per} OFFSET {offset}"
    );
    let rows = bind_all(&sql, &q.binds).fetch_all(&mut *rtx).await?;
    rtx.commit().await?;
    drop(conn);
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
    /// The number of the melding the case came from ("M-12"); the melding then shows the case
    /// number to whoever may open the case (and to nobody else), and the herkomst is "melding".
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
    let teams = teams_of(&mut *db.pool().acquire().await?, p).await?;
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
    auth.record_created(&mut tx, "dossier", &id, Some(&format!("dossier:{id}")))
        .await?;
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
        sqlx::query(
            "INSERT INTO dossiers_melding_bron (dossier_id, melding_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(&id)
        .bind(&melding)
        .bind(now)
        .execute(&mut *tx.conn()?)
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
            None,
            None,
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
    /// The data category (basisgegevens, zorg-welzijn, bijzonder, strafrechtelijk, wonen,
    /// onderwijs, financien).
    pub categorie: String,
    /// At most 200 characters.
    pub titel: String,
    /// At most 20,000 characters.
    #[serde(default)]
    pub tekst: String,
    /// For a goal: the life domain.
    #[serde(default)]
    pub leefgebied: Option<String>,
    /// For a task: the organisation that carries it out.
    #[serde(default)]
    pub eigenaar_organisation_id: Option<String>,
    /// For a task: the person who carries it out, a colleague of the author's own organisation
    /// (the organisation that carries it out is then theirs).
    #[serde(default)]
    pub eigenaar_user_id: Option<String>,
    /// For a task: YYYY-MM-DD.
    #[serde(default)]
    pub deadline: Option<String>,
    /// The subject of the case the entry is about, if it is about one (a person's access
    /// request leaves out entries about the other members of a group).
    #[serde(default)]
    pub betreft: Option<String>,
    #[serde(skip)]
    pub overleg_id: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Item {
    pub id: String,
    pub soort: String,
    pub categorie: String,
    pub titel: String,
    pub tekst: String,
    pub leefgebied: Option<String>,
    /// For a task: the organisation that carries it out (empty for a partner when it is another
    /// partner the viewer does not see).
    pub eigenaar_organisation_id: Option<String>,
    /// For a task given to a person: who (hidden with the organisation when the viewer does
    /// not see it).
    pub eigenaar_user_id: Option<String>,
    pub eigenaar_naam: Option<String>,
    pub deadline: Option<String>,
    pub gereed: bool,
    pub overleg_id: Option<String>,
    /// The subject the entry is about, if one.
    pub betreft: Option<String>,
    /// The name of an attached document, if any (download through the case).
    pub bestand_naam: Option<String>,
    pub door: String,
    /// Empty when it is another partner the viewer does not see.
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
        eigenaar_user_id: r.try_get("eigenaar_user_id")?,
        eigenaar_naam: r.try_get("eigenaar_naam")?,
        deadline: r.try_get("deadline")?,
        gereed: r.try_get::<Option<i64>, _>("gereed_at")?.is_some(),
        overleg_id: r.try_get("overleg_id")?,
        betreft: r.try_get("betreft_subject_id")?,
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
    } else if n.titel.chars().count() > model::MAX_TITEL {
        errors.push(field_error(
            "titel",
            &format!(
                "De titel is te lang: ten hoogste {} tekens.",
                model::MAX_TITEL
            ),
        ));
    }
    let lengte = n.tekst.chars().count();
    if lengte > model::MAX_TEKST {
        errors.push(field_error(
            "tekst",
            &format!(
                "De tekst is te lang: ten hoogste 20.000 tekens (nu {lengte}). Voeg langere stukken toe als document."
            ),
        ));
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
    bestand: Option<&platform::files::StoredFile>,
    uitvoerder: Option<&platform::identity::Colleague>,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO dossiers_item (id, dossier_id, soort, categorie, titel, tekst, leefgebied, eigenaar_organisation_id, deadline, overleg_id, created_by, created_by_name, created_by_organisation_id, created_at, bestand_id, bestand_naam, betreft_subject_id, eigenaar_user_id, eigenaar_naam) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
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
    .bind(n.betreft.as_deref().map(str::trim).filter(|s| !s.is_empty()))
    .bind(uitvoerder.map(|c| c.id.as_str()))
    .bind(uitvoerder.map(|c| c.name.as_str()))
    .execute(&mut *tx.conn()?)
    .await?;
    sqlx::query("UPDATE dossiers_dossier SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(dossier_id)
        .execute(&mut *tx.conn()?)
        .await?;
    Ok(id)
}

/// Whether `subject_id` is a subject of case `dossier_id`.
async fn is_subject_van(
    conn: &mut AnyConnection,
    dossier_id: &str,
    subject_id: &str,
) -> Result<bool> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM dossiers_dossier_subject WHERE dossier_id = $1 AND subject_id = $2",
    )
    .bind(dossier_id)
    .bind(subject_id)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

/// Adds an entry: the directing team in any category, a partner only in the categories its
/// organisation may provide under the covenant.
pub async fn add_item(
    db: &Db,
    auth: &Authorized<Dossier<Toevoegen>>,
    n: &NieuwItem,
) -> Result<String> {
    add_item_with_file(db, auth, n, None).await
}

/// An uploaded document: its name as sent and its content.
pub struct Upload {
    pub name: String,
    pub data: Vec<u8>,
}

/// The documents a case accepts: PDF, JPEG or PNG (by content), at most 20 MB.
pub const BIJLAGEN: platform::files::FilePolicy = platform::files::FilePolicy {
    max_bytes: model::MAX_BIJLAGE,
    allowed: &["application/pdf", "image/jpeg", "image/png"],
};

/// Adds an entry with an attached document (PDF, JPEG or PNG, by content, at most 20 MB).
pub async fn add_item_with_file(
    db: &Db,
    auth: &Authorized<Dossier<Toevoegen>>,
    n: &NieuwItem,
    upload: Option<&Upload>,
) -> Result<String> {
    let checked = check_item(n);
    let mut errors = checked.clone().err().unwrap_or_default();
    if let Some(u) = upload {
        if let Err(rejected) = platform::files::check(&BIJLAGEN, &u.data) {
            let msg = match rejected {
                platform::files::FileRejection::Empty => "Het bestand is leeg.",
                platform::files::FileRejection::TooLarge { .. } => {
                    "Het bestand is te groot: ten hoogste 20 MB."
                }
                platform::files::FileRejection::TypeNotAllowed => {
                    "Alleen PDF, JPEG of PNG (Baken kijkt naar de inhoud, niet naar de naam)."
                }
                platform::files::FileRejection::Disguised => {
                    "Dit bestand bevat ook een ander soort bestand en wordt daarom geweigerd."
                }
            };
            errors.push(field_error("bestand", msg));
        }
    }
    let cat = match checked {
        Ok(cat) if errors.is_empty() => cat,
        _ => return Err(StoreError::Invalid(errors)),
    };
    let mut b = bevestig(db, auth, false).await?;
    if !b.zicht.mag_toevoegen(cat) {
        return Err(invalid(
            "categorie",
            "Uw organisatie mag onder het convenant geen gegevens van deze categorie in dit dossier vastleggen.",
        ));
    }
    if let Some(s) = n
        .betreft
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !is_subject_van(b.tx.conn()?, &b.kop.id, s).await? {
            return Err(invalid("betreft", "Kies een betrokkene van dit dossier."));
        }
    }
    if let Some(o) = n
        .eigenaar_organisation_id
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        if platform::identity::organisation(db, o).await.is_err() {
            return Err(invalid(
                "eigenaar_organisation_id",
                "Kies een bekende organisatie.",
            ));
        }
    }
    let uitvoerder = match n
        .eigenaar_user_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(who) => Some(uitvoerder(&mut b.tx, auth, n, who).await?),
    };
    auth.record(&mut b.tx).await?;
    let stored = match upload {
        Some(u) => Some(
            platform::files::store(
                &mut b.tx,
                &BIJLAGEN,
                &u.name,
                &u.data,
                Some(&auth.principal().user_id),
            )
            .await
            .map_err(|e| StoreError::Refused(e.to_string()))?,
        ),
        None => None,
    };
    let mut n = n.clone();
    if uitvoerder.is_some() {
        n.eigenaar_organisation_id = Some(auth.principal().organisation_id.clone());
    }
    let id = insert_item(
        &mut b.tx,
        auth.principal(),
        &b.kop.id,
        &n,
        stored.as_ref(),
        uitvoerder.as_ref(),
    )
    .await?;
    if let Some(c) = uitvoerder
        .as_ref()
        .filter(|c| c.id != auth.principal().user_id)
    {
        platform::notify::notify(
            &mut b.tx,
            std::slice::from_ref(&c.id),
            platform::notify::Kind::TaakToegewezen,
            &format!("Er is een taak aan u gegeven in dossier {}", b.kop.nummer),
            &format!("/dossiers/{}", b.kop.id),
        )
        .await?;
    }
    b.tx.commit().await?;
    Ok(id)
}

/// The person a task is given to: a colleague of the author's own organisation who works in
/// cases, and only for a task that organisation carries out.
async fn uitvoerder(
    tx: &mut Tx,
    auth: &Authorized<Dossier<Toevoegen>>,
    n: &NieuwItem,
    who: &str,
) -> Result<platform::identity::Colleague> {
    if n.soort != "taak" {
        return Err(invalid(
            "eigenaar_user_id",
            "Alleen een taak kunt u aan een persoon geven.",
        ));
    }
    let eigen = &auth.principal().organisation_id;
    if n.eigenaar_organisation_id
        .as_deref()
        .is_some_and(|o| !o.is_empty() && o != eigen)
    {
        return Err(invalid(
            "eigenaar_user_id",
            "Een persoon kiest u alleen bij een taak voor uw eigen organisatie; laat de persoon leeg bij een taak voor een ketenpartner.",
        ));
    }
    platform::identity::colleagues(tx.conn()?, auth, &TAAK_ROLLEN, Some(who))
        .await?
        .pop()
        .ok_or_else(|| {
            invalid(
                "eigenaar_user_id",
                "Kies een collega van uw organisatie die met dossiers werkt.",
            )
        })
}

/// The roles of the people a task can be given to.
const TAAK_ROLLEN: [Role; 3] = [Role::Procesregisseur, Role::AdviseurIv, Role::Ketenpartner];

/// The colleagues of the viewer's own organisation a task can be given to.
pub async fn taak_collegas(
    db: &Db,
    auth: &Authorized<Dossier<Toevoegen>>,
) -> Result<Vec<platform::identity::Colleague>> {
    Ok(platform::identity::colleagues(db.pool(), auth, &TAAK_ROLLEN, None).await?)
}

/// The organisations whose names a viewer may see in a case (None = all: the directing team):
/// the directing organisation, its own, and the partners it sees under its covenant.
fn zichtbare_organisaties(
    p: &Principal,
    kop: &DossierKop,
    z: &Zicht,
    deelnames: &[DeelnameRij],
) -> Option<BTreeSet<String>> {
    if z.is_regie() {
        return None;
    }
    let today = vandaag();
    let mut set: BTreeSet<String> = [kop.regie_organisation_id.clone(), p.organisation_id.clone()]
        .into_iter()
        .collect();
    for d in deelnames {
        let actief = d.feiten.bezwaar(&kop.zaaktype, today).is_none();
        if z.ziet_deelname(
            &p.organisation_id,
            &d.feiten.organisation_id,
            &d.feiten.convenant.id,
            actief,
        ) {
            set.insert(d.feiten.organisation_id.clone());
        }
    }
    Some(set)
}

/// Hides, in entries shown to a partner, which other partners wrote them or carry out a task,
/// unless the covenant lets the parties see each other.
fn verberg_partners(items: &mut [Item], zichtbaar: &Option<BTreeSet<String>>) {
    let Some(set) = zichtbaar else { return };
    for i in items {
        if !set.contains(&i.door_organisation_id) {
            i.door = "Ketenpartner".into();
            i.door_organisation_id = String::new();
        }
        if i.eigenaar_organisation_id
            .as_ref()
            .is_some_and(|o| !set.contains(o))
        {
            i.eigenaar_organisation_id = Some(String::new());
            i.eigenaar_user_id = None;
            i.eigenaar_naam = None;
        }
    }
}

/// Reads the entries of the case that `zicht` shows, optionally only those of one meeting, in
/// `conn`.
async fn lees_items(
    conn: &mut AnyConnection,
    dossier_id: &str,
    z: &Zicht,
    overleg_id: Option<&str>,
) -> Result<Vec<Item>> {
    let mut q = Sql::default();
    let d = q.mark(dossier_id);
    let mut sql = format!("SELECT * FROM dossiers_item WHERE dossier_id = {d}");
    match z.categorieen() {
        None => {}
        Some(list) if list.is_empty() => sql.push_str(" AND 1 = 0"),
        Some(list) => {
            let slugs: Vec<String> = list.iter().map(|c| c.slug().to_string()).collect();
            let m = q.marks(&slugs);
            sql.push_str(&format!(" AND categorie IN ({m})"));
        }
    }
    if let Some(o) = overleg_id {
        let m = q.mark(o);
        sql.push_str(&format!(" AND overleg_id = {m}"));
    }
    sql.push_str(" ORDER BY created_at DESC, id");
    let rows = bind_all(&sql, &q.binds).fetch_all(&mut *conn).await?;
    rows.iter().map(item_row).collect()
}

/// The document of an entry, if the decision lets its holder see that entry's category; the
/// download is audited as a read of the entry.
pub async fn item_file(
    db: &Db,
    auth: &Authorized<Dossier<Lezen>>,
    item_id: &str,
) -> Result<(platform::files::StoredFile, Vec<u8>)> {
    let mut b = bevestig(db, auth, true).await?;
    let row = sqlx::query(
        "SELECT categorie, bestand_id FROM dossiers_item WHERE id = $1 AND dossier_id = $2",
    )
    .bind(item_id)
    .bind(&b.kop.id)
    .fetch_optional(&mut *b.tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let cat: String = row.try_get("categorie")?;
    let file: Option<String> = row.try_get("bestand_id")?;
    let seen = Categorie::from_slug(&cat).is_some_and(|c| b.zicht.ziet(c));
    let (true, Some(file)) = (seen, file) else {
        return Err(StoreError::NotFound);
    };
    auth.record_each(
        &mut b.tx,
        "dossier-item",
        &[item_id.to_string()],
        Some(&format!("dossier:{}", b.kop.id)),
    )
    .await?;
    let found = platform::files::read(&mut b.tx, auth, &file)
        .await
        .map_err(|e| StoreError::Refused(e.to_string()))?
        .ok_or(StoreError::NotFound)?;
    b.tx.commit().await?;
    Ok(found)
}

/// Marks a task done (the directing team, or the organisation that owns the task).
pub async fn complete_task(
    db: &Db,
    auth: &Authorized<Dossier<Toevoegen>>,
    item_id: &str,
) -> Result<()> {
    let mut b = bevestig(db, auth, false).await?;
    let row = sqlx::query(
        "SELECT categorie, eigenaar_organisation_id FROM dossiers_item WHERE id = $1 AND dossier_id = $2 AND soort = 'taak'",
    )
    .bind(item_id)
    .bind(&b.kop.id)
    .fetch_optional(&mut *b.tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let cat: String = row.try_get("categorie")?;
    let owner: Option<String> = row.try_get("eigenaar_organisation_id")?;
    if !Categorie::from_slug(&cat).is_some_and(|c| b.zicht.ziet(c)) {
        return Err(StoreError::NotFound);
    }
    if !b.zicht.is_regie() && owner.as_deref() != Some(auth.principal().organisation_id.as_str()) {
        return Err(StoreError::Refused(
            "Alleen de regiehouder of de eigenaar van de taak kan haar afronden.".into(),
        ));
    }
    auth.record(&mut b.tx).await?;
    sqlx::query("UPDATE dossiers_item SET gereed_at = $1 WHERE id = $2 AND gereed_at IS NULL")
        .bind(now_ms())
        .bind(item_id)
        .execute(&mut *b.tx.conn()?)
        .await?;
    b.tx.commit().await?;
    Ok(())
}

/// The entries of a case the decision lets its holder see, newest first; each one shown is
/// recorded in the audit log.
pub async fn items(db: &Db, auth: &Authorized<Dossier<Lezen>>) -> Result<Vec<Item>> {
    let mut b = bevestig(db, auth, true).await?;
    let mut items = lees_items(b.tx.conn()?, &b.kop.id, &b.zicht, None).await?;
    let zichtbaar = zichtbare_organisaties(auth.principal(), &b.kop, &b.zicht, &b.deelnames);
    verberg_partners(&mut items, &zichtbaar);
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    auth.record(&mut b.tx).await?;
    auth.record_each(
        &mut b.tx,
        "dossier-item",
        &ids,
        Some(&format!("dossier:{}", b.kop.id)),
    )
    .await?;
    b.tx.commit().await?;
    Ok(items)
}

// ---------------------------------------------------------------------------------------------
// Workflow.

/// Moves the case to another phase (directing team only); closing fixes the retention term.
pub async fn change_fase(
    db: &Db,
    auth: &Authorized<Dossier<Wijzigen>>,
    naar: &str,
    toelichting: &str,
) -> Result<()> {
    let mut b = bevestig(db, auth, false).await?;
    let kop = b.kop.clone();
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
    let tx = &mut b.tx;
    auth.record(tx).await?;
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
        tx,
        &kop.id,
        "fase",
        Some(van.slug()),
        naar.slug(),
        toelichting.trim(),
        &auth.principal().name,
    )
    .await?;
    b.tx.commit().await?;
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

/// Changes the case's steering data (directing team only); of a closed case only the legal hold.
pub async fn stuur(db: &Db, auth: &Authorized<Dossier<Wijzigen>>, s: &Sturing) -> Result<()> {
    let legal_hold = matches!(s, Sturing::LegalHold { .. });
    let mut b = bevestig(db, auth, legal_hold).await?;
    let kop = b.kop.clone();
    let tx = &mut b.tx;
    auth.record(tx).await?;
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
                tx,
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
                tx,
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
                tx,
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
                tx,
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
                tx,
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
    b.tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Historie {
    pub soort: String,
    pub van: Option<String>,
    pub naar: String,
    pub toelichting: String,
    pub door: String,
    pub at: i64,
}

async fn historie_of(conn: &mut AnyConnection, dossier_id: &str) -> Result<Vec<Historie>> {
    sqlx::query("SELECT * FROM dossiers_historie WHERE dossier_id = $1 ORDER BY at, id")
        .bind(dossier_id)
        .fetch_all(&mut *conn)
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
    /// The covenant version it was admitted under, whose terms it is judged by.
    pub convenant_versie: i64,
    /// The covenant purpose it serves.
    pub doel: String,
    pub doel_id: Option<String>,
    /// The participation's window (YYYY-MM-DD; none = from its start, or as long as the
    /// covenant holds).
    pub geldig_van: Option<String>,
    pub geldig_tot: Option<String>,
    pub gestart_at: i64,
    pub ingetrokken_at: Option<i64>,
    pub ingetrokken_reden: Option<String>,
    /// Whether it gives access today (not revoked, within its window, for a purpose of a
    /// covenant that is valid and covers the case type).
    pub actief: bool,
    /// Why not, when it does not.
    pub reden: Option<String>,
}

fn deelname_view(d: &DeelnameRij, zaaktype: &str, today: Date) -> Deelname {
    let bezwaar = d.feiten.bezwaar(zaaktype, today);
    Deelname {
        id: d.id.clone(),
        organisation_id: d.feiten.organisation_id.clone(),
        convenant_id: d.feiten.convenant.id.clone(),
        convenant_naam: d.convenant_naam.clone(),
        convenant_versie: d.feiten.convenant.versie,
        doel: d.doel.clone(),
        doel_id: d.feiten.doel_id.clone(),
        geldig_van: d.feiten.van.map(|v| v.to_string()),
        geldig_tot: d.feiten.tot.map(|v| v.to_string()),
        gestart_at: d.gestart_at,
        ingetrokken_at: d.ingetrokken_at,
        ingetrokken_reden: d.ingetrokken_reden.clone(),
        actief: bezwaar.is_none(),
        reden: bezwaar.map(|r| reden_tekst(r).to_string()),
    }
}

/// Admitting an organisation to a case.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuweDeelname {
    pub organisation_id: String,
    pub convenant_id: String,
    /// The covenant purpose the participation serves: its id, or its text exactly.
    pub doel: String,
    /// YYYY-MM-DD; from today when empty.
    #[serde(default)]
    pub van: Option<String>,
    /// YYYY-MM-DD (inclusive); as long as the covenant holds when empty. After it the
    /// participation ends by itself.
    #[serde(default)]
    pub tot: Option<String>,
}

/// Admits an organisation to a case on a covenant, for one of its purposes and within a window;
/// refused, with the reason, outside a valid covenant that covers the case type and names the
/// organisation as a party.
pub async fn admit(
    db: &Db,
    auth: &Authorized<Dossier<Wijzigen>>,
    n: &NieuweDeelname,
) -> Result<String> {
    let organisation_id = n.organisation_id.trim();
    if n.doel.trim().is_empty() {
        return Err(invalid(
            "doel",
            "Kies het doel van de deelname uit de doelen van het convenant.",
        ));
    }
    let all = convenanten(db).await?;
    let Some(c) = all.iter().find(|c| c.id == n.convenant_id) else {
        return Err(invalid("convenant_id", "Kies een convenant."));
    };
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let van_text = opt(&n.van);
    let tot_text = opt(&n.tot);
    let van = match &van_text {
        None => vandaag(),
        Some(t) => {
            date(t).ok_or_else(|| invalid("van", "Vul een geldige datum in (jjjj-mm-dd)."))?
        }
    };
    let tot = match &tot_text {
        None => None,
        Some(t) => {
            Some(date(t).ok_or_else(|| invalid("tot", "Vul een geldige datum in (jjjj-mm-dd)."))?)
        }
    };
    if tot.is_some_and(|t| t < van) {
        return Err(invalid("tot", "De einddatum ligt voor de begindatum."));
    }
    if let (Some(t), Some(eind)) = (tot, date(&c.geldig_tot)) {
        if t > eind {
            return Err(invalid(
                "tot",
                &format!(
                    "De deelname kan niet langer duren dan het convenant (tot en met {eind})."
                ),
            ));
        }
    }
    let mut b = bevestig(db, auth, false).await?;
    let kop = b.kop.clone();
    let feiten = ConvenantFeiten {
        id: c.id.clone(),
        versie: c.versie,
        geldig_van: date(&c.geldig_van).unwrap_or(Date::MAX),
        geldig_tot: date(&c.geldig_tot).unwrap_or(Date::MIN),
        ingetrokken: c.ingetrokken,
        zaaktypen: c.zaaktypen.clone(),
        doelen: c.doelen.iter().map(|d| d.id.clone()).collect(),
        partijen_zien_elkaar: c.partijen_zien_elkaar,
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
    let Some(doel) = c.doel(&n.doel) else {
        return Err(invalid(
            "doel",
            &format!(
                "Geweigerd: '{}' is geen doel van het convenant '{}'. Kies een van: {}.",
                n.doel.trim(),
                c.naam,
                c.doelen
                    .iter()
                    .map(|d| d.omschrijving.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ));
    };
    if organisation_id == kop.regie_organisation_id {
        return Err(invalid(
            "organisation_id",
            "De regievoerende organisatie neemt al deel.",
        ));
    }
    let id = new_id();
    auth.record(&mut b.tx).await?;
    // One active participation per organisation and case (also a unique index).
    let dup: i64 = sqlx::query("SELECT COUNT(*) AS n FROM dossiers_deelname WHERE dossier_id = $1 AND organisation_id = $2 AND ingetrokken_at IS NULL")
        .bind(&kop.id)
        .bind(organisation_id)
        .fetch_one(&mut *b.tx.conn()?)
        .await?
        .try_get("n")?;
    if dup > 0 {
        return Err(invalid(
            "organisation_id",
            "Deze organisatie neemt al deel aan dit dossier; trek die deelname eerst in om haar op een ander convenant te laten deelnemen.",
        ));
    }
    sqlx::query(
        "INSERT INTO dossiers_deelname (id, dossier_id, organisation_id, convenant_id, convenant_versie, zaaktype, doel, doel_id, geldig_van, geldig_tot, gestart_at, gestart_door) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(&kop.id)
    .bind(organisation_id)
    .bind(&c.id)
    .bind(c.versie)
    .bind(&kop.zaaktype)
    .bind(&doel.omschrijving)
    .bind(&doel.id)
    .bind(van.to_string())
    .bind(tot.map(|t| t.to_string()))
    .bind(now_ms())
    .bind(&auth.principal().user_id)
    .execute(&mut *b.tx.conn()?)
    .await?;
    historie(
        &mut b.tx,
        &kop.id,
        "deelname",
        None,
        organisation_id,
        &doel.omschrijving,
        &auth.principal().name,
    )
    .await?;
    // The partner's case workers hear that their organisation takes part.
    let partners =
        platform::notify::role_holders(&mut b.tx, organisation_id, &[Role::Ketenpartner]).await?;
    platform::notify::notify(
        &mut b.tx,
        &partners,
        platform::notify::Kind::PartnerToegelaten,
        &format!("Uw organisatie is toegelaten tot dossier {}", kop.nummer),
        &format!("/dossiers/{}", kop.id),
    )
    .await?;
    b.tx.commit().await?;
    Ok(id)
}

pub fn reden_tekst(reden: &str) -> &'static str {
    match reden {
        "convenant-ingetrokken" => "het convenant is ingetrokken",
        "convenant-nog-niet-geldig" => "het convenant geldt nog niet",
        "convenant-verlopen" => "het convenant is verlopen",
        "zaaktype-niet-gedekt" => "het convenant dekt dit zaaktype niet",
        "deelname-ingetrokken" => "de deelname is ingetrokken",
        "deelname-nog-niet-begonnen" => "de deelname is nog niet begonnen",
        "deelname-verlopen" => "de deelname is afgelopen",
        "doel-niet-in-convenant" => "de deelname dient geen doel van het convenant",
        "geen-vertegenwoordiger" => {
            "het convenant beperkt de toegang van deze partij tot benoemde vertegenwoordigers, en dit account is er geen"
        }
        "geen-partij-bij-convenant" => "de organisatie is geen partij bij het convenant",
        "geen-deelname" => "uw organisatie neemt niet deel aan dit dossier",
        "geen-categorieen" => "het convenant geeft uw organisatie geen gegevenscategorieën",
        "geen-verstrekking" => "het convenant laat uw organisatie niets vastleggen",
        "alleen-procesregie" => "alleen het regieteam kan dit",
        "purpose-not-allowed" => "dit doel is niet toegestaan",
        _ => "uw rol geeft geen toegang",
    }
}

/// Revokes a participation: the partner loses access at once (also in a closed case).
pub async fn revoke(
    db: &Db,
    auth: &Authorized<Dossier<Wijzigen>>,
    deelname_id: &str,
    reden: &str,
) -> Result<()> {
    if reden.trim().is_empty() {
        return Err(invalid("reden", "Geef de reden van het intrekken."));
    }
    let mut b = bevestig(db, auth, true).await?;
    auth.record(&mut b.tx).await?;
    let r = sqlx::query("UPDATE dossiers_deelname SET ingetrokken_at = $1, ingetrokken_reden = $2 WHERE id = $3 AND dossier_id = $4 AND ingetrokken_at IS NULL")
        .bind(now_ms())
        .bind(reden.trim())
        .bind(deelname_id)
        .bind(&b.kop.id)
        .execute(&mut *b.tx.conn()?)
        .await?;
    if r.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    let id = b.kop.id.clone();
    historie(
        &mut b.tx,
        &id,
        "deelname-ingetrokken",
        None,
        deelname_id,
        reden.trim(),
        &auth.principal().name,
    )
    .await?;
    b.tx.commit().await?;
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

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
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
    auth: &Authorized<Dossier<Wijzigen>>,
    key: Option<&DataKey>,
    n: &NieuwSubject,
) -> Result<(String, Vec<Signaal>)> {
    let mut errors = check_subject(n);
    let Some(key) = key else {
        return Err(StoreError::Refused(
            "Er is geen gegevenssleutel ingesteld; Baken slaat geen persoonsgegevens onversleuteld op.".into(),
        ));
    };
    let mut b = bevestig(db, auth, false).await?;
    let dossier_id = b.kop.id.clone();
    let persons: Vec<String> = if n.soort == "groep" && !n.leden.is_empty() {
        let rows = sqlx::query("SELECT s.id FROM dossiers_dossier_subject ds JOIN dossiers_subject s ON s.id = ds.subject_id WHERE ds.dossier_id = $1 AND s.soort = 'persoon'")
            .bind(&dossier_id)
            .fetch_all(&mut *b.tx.conn()?)
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
    let tx = &mut b.tx;
    auth.record(tx).await?;
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
                tx,
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
        tx,
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
    // The subject's id in `van`, so that a person's access request can tell their own
    // addition from another member's.
    historie(
        tx,
        &dossier_id,
        "subject",
        Some(&id),
        &n.soort,
        n.naam.trim(),
        &auth.principal().name,
    )
    .await?;
    b.tx.commit().await?;
    Ok((id, signalen))
}

fn overlap_entry(
    auth: &Authorized<Dossier<Wijzigen>>,
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
        origin: auth.resource().context().origin.to_string(),
        request_id: auth.resource().context().request_id.clone(),
        action: "read".into(),
        resource_type: kind.into(),
        resource_id: resource,
        subject_id: Some(format!("dossier:{}", auth.resource().id())),
        purpose: "uitvoering".into(),
        outcome: Outcome::Success,
        reason,
    }
}

async fn subjects_of(
    conn: &mut AnyConnection,
    dossier_id: &str,
    key: Option<&DataKey>,
    with_bsn: bool,
) -> Result<Vec<Subject>> {
    let rows = sqlx::query("SELECT s.*, ds.rol FROM dossiers_dossier_subject ds JOIN dossiers_subject s ON s.id = ds.subject_id WHERE ds.dossier_id = $1 ORDER BY s.created_at, s.id")
        .bind(dossier_id)
        .fetch_all(&mut *conn)
        .await?;
    let leden = sqlx::query("SELECT g.groep_id, g.persoon_id FROM dossiers_groep_lid g JOIN dossiers_dossier_subject ds ON ds.subject_id = g.groep_id WHERE ds.dossier_id = $1")
        .bind(dossier_id)
        .fetch_all(&mut *conn)
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

/// The subjects of a case an entry can be about, for the entry form: names only, for those who
/// see basisgegevens (each name shown is recorded).
pub async fn betrokkenen_keuze(
    db: &Db,
    auth: &Authorized<Dossier<Toevoegen>>,
) -> Result<Vec<(String, String)>> {
    let mut b = bevestig(db, auth, true).await?;
    if !b.zicht.ziet(Categorie::Basisgegevens) {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT s.id, s.naam FROM dossiers_dossier_subject ds JOIN dossiers_subject s ON s.id = ds.subject_id WHERE ds.dossier_id = $1 ORDER BY s.naam, s.id",
    )
    .bind(&b.kop.id)
    .fetch_all(&mut *b.tx.conn()?)
    .await?;
    let list: Vec<(String, String)> = rows
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("naam")?)))
        .collect::<Result<_>>()?;
    for (id, _) in &list {
        record_subject(&mut b.tx, auth, id).await?;
    }
    b.tx.commit().await?;
    Ok(list)
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
    /// The directing team sees every participation; a partner its own (and, where its covenant
    /// lets the parties see each other, the other active ones under that covenant).
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

async fn melding_bronnen(conn: &mut AnyConnection, dossier_id: &str) -> Result<Vec<String>> {
    sqlx::query(
        "SELECT melding_id FROM dossiers_melding_bron WHERE dossier_id = $1 ORDER BY created_at, melding_id",
    )
    .bind(dossier_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok(r.try_get("melding_id")?))
    .collect()
}

/// The case as the capability's holder may see it, read in one transaction with the facts it
/// is decided on; every entry and subject shown is recorded.
pub async fn detail(
    db: &Db,
    auth: &Authorized<Dossier<Lezen>>,
    key: Option<&DataKey>,
) -> Result<DossierDetail> {
    let p = auth.principal();
    let mut b = bevestig(db, auth, true).await?;
    let kop = b.kop.clone();
    let z = b.zicht.clone();
    let regie = z.is_regie();
    let conn = b.tx.conn()?;
    // The names with basisgegevens; the BSN only for the directing team.
    let subjecten = if z.ziet(Categorie::Basisgegevens) {
        subjects_of(conn, &kop.id, key, regie).await?
    } else {
        Vec::new()
    };
    let today = vandaag();
    let deelnames: Vec<Deelname> = b
        .deelnames
        .iter()
        .filter(|d| {
            let actief = d.feiten.bezwaar(&kop.zaaktype, today).is_none();
            z.ziet_deelname(
                &p.organisation_id,
                &d.feiten.organisation_id,
                &d.feiten.convenant.id,
                actief,
            )
        })
        .map(|d| deelname_view(d, &kop.zaaktype, today))
        .collect();
    let (historie, signalen, bronnen) = if regie {
        let h = historie_of(conn, &kop.id).await?;
        let s = sqlx::query("SELECT * FROM dossiers_signaal WHERE dossier_id = $1 ORDER BY at")
            .bind(&kop.id)
            .fetch_all(&mut *conn)
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
        (h, s, melding_bronnen(conn, &kop.id).await?)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let mut items = lees_items(conn, &kop.id, &z, None).await?;
    let zichtbaar = zichtbare_organisaties(p, &kop, &z, &b.deelnames);
    verberg_partners(&mut items, &zichtbaar);
    // The case read, each entry shown, each subject shown.
    auth.record(&mut b.tx).await?;
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    auth.record_each(
        &mut b.tx,
        "dossier-item",
        &ids,
        Some(&format!("dossier:{}", kop.id)),
    )
    .await?;
    for s in &subjecten {
        record_subject(&mut b.tx, auth, &s.id).await?;
    }
    b.tx.commit().await?;
    let mut meldingen = Vec::new();
    for m in bronnen {
        // A melding destroyed under its own retention term simply drops out.
        if let Some(nr) = meldingen::store::nummer_of(db, &m).await? {
            meldingen.push(MeldingBron { id: m, nummer: nr });
        }
    }
    let zicht = match &z {
        Zicht::Regie => vec!["regie".to_string()],
        other => other
            .categorieen()
            .unwrap_or_default()
            .iter()
            .map(|c| c.slug().to_string())
            .collect(),
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

/// The case numbers a melding led to, for the melding's page: only those of cases `p` may
/// open, and nothing else (the existence of a case file is itself protected by the covenant).
/// The meldingen module asks this through a hook, as it cannot depend on this module.
pub async fn dossiers_van_melding(
    db: &Db,
    p: &Principal,
    melding_id: &str,
) -> Result<Vec<platform::links::Link>> {
    let ids: Vec<String> = sqlx::query(
        "SELECT dossier_id FROM dossiers_melding_bron WHERE melding_id = $1 ORDER BY created_at, dossier_id",
    )
    .bind(melding_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| r.try_get("dossier_id"))
    .collect::<std::result::Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = db.pool().acquire().await?;
    let teams = teams_of(&mut conn, p).await?;
    let mut out = Vec::new();
    for g in laad_alle(&mut conn, &ids).await? {
        if zicht(p, &g.feiten(&teams)).opent() {
            out.push(platform::links::Link {
                from_kind: "dossier".into(),
                from_id: g.kop.id.clone(),
                to_kind: "melding".into(),
                to_id: melding_id.to_string(),
                label: format!("Dossier {}", g.kop.nummer),
                href: format!("/dossiers/{}", g.kop.id),
            });
        }
    }
    Ok(out)
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
    /// The cases on the agenda that the viewer may open (others are not named).
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

/// Plans a meeting. Only cases the organiser directs go on the agenda: each is decided (and a
/// refusal audited) and decided again in the transaction that writes the meeting.
pub async fn create_overleg(
    db: &Db,
    ctx: &RequestContext,
    auth: &Authorized<Overleggen>,
    n: &NieuwOverleg,
) -> Result<String> {
    let p = auth.principal();
    let mut errors = Vec::new();
    if model::overleg_soort_naam(&n.soort).is_none() {
        errors.push(field_error("soort", "Kies het soort overleg."));
    }
    if n.titel.trim().is_empty() {
        errors.push(field_error("titel", "Vul een titel in."));
    } else if n.titel.chars().count() > model::MAX_TITEL {
        errors.push(field_error(
            "titel",
            "De titel is te lang: ten hoogste 200 tekens.",
        ));
    }
    if date(n.datum.trim()).is_none() {
        errors.push(field_error(
            "datum",
            "Vul een geldige datum in (jjjj-mm-dd).",
        ));
    }
    for o in &n.deelnemers {
        if platform::identity::organisation(db, o).await.is_err() {
            errors.push(field_error("deelnemers", "Onbekende organisatie."));
            break;
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut auths = Vec::new();
    for d in &n.agenda {
        auths.push(open::<Wijzigen>(db, ctx, p, d).await?);
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    let teams = teams_of(tx.conn()?, p).await?;
    for a in &auths {
        let g = laad(tx.conn()?, a.resource().id())
            .await?
            .ok_or(StoreError::NotFound)?;
        if !zicht(p, &g.feiten(&teams)).is_regie() {
            return Err(StoreError::Forbidden("alleen-procesregie"));
        }
        a.record(&mut tx).await?;
    }
    auth.record_created(&mut tx, "dossier-overleg", &id, None)
        .await?;
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
    // The case workers of the other participating organisations hear of it (the date only:
    // a title may say more than a notification should).
    let mut wie = Vec::new();
    for o in orgs.iter().filter(|o| **o != p.organisation_id) {
        wie.extend(platform::notify::role_holders(&mut tx, o, &[Role::Ketenpartner]).await?);
    }
    platform::notify::notify(
        &mut tx,
        &wie,
        platform::notify::Kind::OverlegGepland,
        &format!("Casusoverleg gepland op {}", n.datum.trim()),
        &format!("/dossiers/overleggen/{id}"),
    )
    .await?;
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

/// The meetings the viewer's organisation takes part in (titles and dates; no case is named).
pub async fn overleggen(db: &Db, auth: &Authorized<Overleggen>) -> Result<Vec<Overleg>> {
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    let rows = sqlx::query("SELECT o.* FROM dossiers_overleg o JOIN dossiers_overleg_deelnemer d ON d.overleg_id = o.id WHERE d.organisation_id = $1 ORDER BY o.datum DESC, o.id")
        .bind(&auth.principal().organisation_id)
        .fetch_all(&mut *tx.conn()?)
        .await?;
    tx.commit().await?;
    rows.iter().map(overleg_row).collect()
}

/// Decides whether `p` may perform `action` on meeting `id` (read: a case worker of a
/// participating organisation; update: a process director of one); a refusal is audited.
pub async fn open_overleg(
    db: &Db,
    ctx: &RequestContext,
    p: &Principal,
    id: &str,
    action: Action,
) -> Result<Authorized<OverlegBesluit>> {
    let exists = sqlx::query("SELECT id FROM dossiers_overleg WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .is_some();
    if !exists {
        return Err(StoreError::NotFound);
    }
    let deelnemer = sqlx::query(
        "SELECT 1 AS x FROM dossiers_overleg_deelnemer WHERE overleg_id = $1 AND organisation_id = $2",
    )
    .bind(id)
    .bind(&p.organisation_id)
    .fetch_optional(db.pool())
    .await?
    .is_some();
    Ok(access::authorize(
        db,
        ctx,
        p,
        action,
        OverlegBesluit::besloten(id, deelnemer),
        Purpose::Uitvoering,
    )
    .await?)
}

/// A meeting with its participants and the cases on its agenda that the viewer may open, read
/// in one transaction with the facts of each of those decisions; the read is audited.
pub async fn overleg(db: &Db, auth: &Authorized<OverlegBesluit>) -> Result<Overleg> {
    let mut tx = db.begin().await?;
    let (o, _) = lees_overleg(&mut tx, auth).await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(o)
}

/// The meeting of `auth` read in `tx`, with the cases on its agenda the viewer may open (each
/// decided on the facts of `tx`, all loaded with a fixed number of statements).
async fn lees_overleg(
    tx: &mut Tx,
    auth: &Authorized<OverlegBesluit>,
) -> Result<(Overleg, Vec<(Geladen, Zicht)>)> {
    let p = auth.principal();
    let id = auth.resource().id();
    let teams = teams_of(tx.conn()?, p).await?;
    let deelnemer = sqlx::query(
        "SELECT 1 AS x FROM dossiers_overleg_deelnemer WHERE overleg_id = $1 AND organisation_id = $2",
    )
    .bind(id)
    .bind(&p.organisation_id)
    .fetch_optional(&mut *tx.conn()?)
    .await?
    .is_some();
    if !deelnemer {
        return Err(StoreError::Forbidden("geen-deelnemer-overleg"));
    }
    let row = sqlx::query("SELECT * FROM dossiers_overleg WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx.conn()?)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut o = overleg_row(&row)?;
    for r in sqlx::query(
        "SELECT organisation_id FROM dossiers_overleg_deelnemer WHERE overleg_id = $1 ORDER BY organisation_id",
    )
    .bind(id)
    .fetch_all(&mut *tx.conn()?)
    .await?
    {
        o.deelnemers.push(r.try_get("organisation_id")?);
    }
    let punten: Vec<String> = sqlx::query(
        "SELECT dossier_id FROM dossiers_agendapunt WHERE overleg_id = $1 ORDER BY positie",
    )
    .bind(id)
    .fetch_all(&mut *tx.conn()?)
    .await?
    .iter()
    .map(|r| r.try_get("dossier_id"))
    .collect::<std::result::Result<_, _>>()?;
    let mut zaken = Vec::new();
    for g in laad_alle(tx.conn()?, &punten).await? {
        let z = zicht(p, &g.feiten(&teams));
        if z.opent() {
            o.agenda.push(g.kop.id.clone());
            zaken.push((g, z));
        }
    }
    Ok((o, zaken))
}

/// A case on a meeting's agenda as its viewer may see it, with its record of that meeting.
#[derive(Clone, Debug)]
pub struct AgendaZaak {
    pub kop: DossierKop,
    /// Whether the viewer directs the case (and so may record its discussion).
    pub regie: bool,
    /// The meeting's record of the case, in the categories the viewer sees.
    pub items: Vec<Item>,
}

/// A meeting with the cases on its agenda the viewer may open, each with its record of this
/// meeting filtered by the categories the viewer sees of that case: read in one transaction with
/// the facts of every decision, in a fixed number of statements however long the agenda. Every
/// case opened and every entry shown is recorded.
pub async fn overleg_met_agenda(
    db: &Db,
    auth: &Authorized<OverlegBesluit>,
) -> Result<(Overleg, Vec<AgendaZaak>)> {
    let p = auth.principal();
    let mut tx = db.begin().await?;
    let (o, zaken) = lees_overleg(&mut tx, auth).await?;
    let mut q = Sql::default();
    let om = q.mark(&o.id);
    let per_zaak: Vec<String> = zaken
        .iter()
        .filter_map(|(g, z)| {
            let d = q.mark(&g.kop.id);
            match z.categorieen() {
                None => Some(format!("(dossier_id = {d})")),
                Some(list) if list.is_empty() => None,
                Some(list) => {
                    let slugs: Vec<String> = list.iter().map(|c| c.slug().to_string()).collect();
                    let m = q.marks(&slugs);
                    Some(format!("(dossier_id = {d} AND categorie IN ({m}))"))
                }
            }
        })
        .collect();
    let mut per_dossier: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    if !per_zaak.is_empty() {
        let sql = format!(
            "SELECT * FROM dossiers_item WHERE overleg_id = {om} AND ({}) ORDER BY created_at DESC, id",
            per_zaak.join(" OR ")
        );
        for r in bind_all(&sql, &q.binds).fetch_all(&mut *tx.conn()?).await? {
            let dossier_id: String = r.try_get("dossier_id")?;
            per_dossier
                .entry(dossier_id)
                .or_default()
                .push(item_row(&r)?);
        }
    }
    auth.record(&mut tx).await?;
    let mut out = Vec::new();
    for (g, z) in zaken {
        let mut items = per_dossier.remove(&g.kop.id).unwrap_or_default();
        let zichtbaar = zichtbare_organisaties(p, &g.kop, &z, &g.deelnames);
        verberg_partners(&mut items, &zichtbaar);
        let subject = format!("dossier:{}", g.kop.id);
        auth.record_each(
            &mut tx,
            "dossier",
            std::slice::from_ref(&g.kop.id),
            Some(&subject),
        )
        .await?;
        let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
        auth.record_each(&mut tx, "dossier-item", &ids, Some(&subject))
            .await?;
        out.push(AgendaZaak {
            regie: z.is_regie(),
            kop: g.kop,
            items,
        });
    }
    tx.commit().await?;
    Ok((o, out))
}

/// The meeting record and decisions of one case on the agenda: visible only to those who see
/// the case, filtered by category like any entry; only the entries returned are recorded.
pub async fn overleg_items(
    db: &Db,
    auth: &Authorized<Dossier<Lezen>>,
    overleg_id: &str,
) -> Result<Vec<Item>> {
    let mut b = bevestig(db, auth, true).await?;
    let mut items = lees_items(b.tx.conn()?, &b.kop.id, &b.zicht, Some(overleg_id)).await?;
    let zichtbaar = zichtbare_organisaties(auth.principal(), &b.kop, &b.zicht, &b.deelnames);
    verberg_partners(&mut items, &zichtbaar);
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    auth.record(&mut b.tx).await?;
    auth.record_each(
        &mut b.tx,
        "dossier-item",
        &ids,
        Some(&format!("dossier:{}", b.kop.id)),
    )
    .await?;
    b.tx.commit().await?;
    Ok(items)
}

/// Records the discussion of a case in a meeting; decisions become tasks.
pub async fn record_discussion(
    db: &Db,
    meeting: &Authorized<OverlegBesluit>,
    auth: &Authorized<Dossier<Wijzigen>>,
    verslag: &NieuwItem,
    besluiten: &[NieuwItem],
) -> Result<()> {
    let overleg_id = meeting.resource().id();
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
    let mut cats = Vec::new();
    for n in &all {
        cats.push(check_item(n).map_err(StoreError::Invalid)?);
    }
    let mut b = bevestig(db, auth, false).await?;
    let on_agenda = sqlx::query(
        "SELECT 1 AS x FROM dossiers_agendapunt WHERE overleg_id = $1 AND dossier_id = $2",
    )
    .bind(overleg_id)
    .bind(&b.kop.id)
    .fetch_optional(&mut *b.tx.conn()?)
    .await?
    .is_some();
    if !on_agenda {
        return Err(StoreError::NotFound);
    }
    if cats.iter().any(|c| !b.zicht.mag_toevoegen(*c)) {
        return Err(invalid(
            "categorie",
            "Deze categorie mag uw organisatie niet vastleggen.",
        ));
    }
    meeting.record(&mut b.tx).await?;
    auth.record(&mut b.tx).await?;
    let id = b.kop.id.clone();
    for n in &all {
        insert_item(&mut b.tx, auth.principal(), &id, n, None, None).await?;
    }
    b.tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rights of the person (AVG art. 15–18).

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Correctie {
    pub veld: String,
    pub oude_waarde: String,
    pub toelichting: String,
    pub door: String,
    pub at: i64,
}

/// An organisation that received (or receives) data of the case: AVG art. 15 lid 1 c.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Ontvanger {
    pub organisation_id: String,
    pub organisatie: String,
    pub convenant: String,
    /// The purpose it took part for.
    pub doel: String,
    /// The data categories it may receive under the covenant.
    pub categorieen: Vec<String>,
    /// The legal basis per category, as the covenant records it.
    pub grondslagen: Vec<String>,
    pub van: Option<String>,
    pub tot: Option<String>,
    pub gestart_at: i64,
    pub ingetrokken_at: Option<i64>,
}

/// One case in a subject access export.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InzageDossier {
    pub dossier: DossierKop,
    pub zaaktype_naam: String,
    /// How the person is in the case (their role, or the group they belong to).
    pub betrokkenheid: String,
    /// Why the data are processed (art. 15 lid 1 a).
    pub doelen: Vec<String>,
    /// To whom they are provided (art. 15 lid 1 c).
    pub ontvangers: Vec<Ontvanger>,
    /// How long they are kept (art. 15 lid 1 d).
    pub bewaartermijn: String,
    /// Where they came from (art. 15 lid 1 g).
    pub bronnen: Vec<String>,
    /// The entries, without those about another subject of the case (another member of a
    /// group).
    pub items: Vec<Item>,
    pub historie: Vec<Historie>,
}

/// One access to these data, from the audit log.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Toegang {
    pub at: i64,
    pub actor_user_id: Option<String>,
    pub actor_name: String,
    pub actor_org_name: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub purpose: String,
    pub outcome: String,
}

/// A record of another module linked to one of the cases.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Koppeling {
    /// melding, maatregel, …
    pub soort: String,
    pub id: String,
    pub label: String,
}

/// Everything Baken's case files hold on one person (AVG art. 15), as far as the requester may
/// answer for it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Inzage {
    pub subject: Subject,
    pub correcties: Vec<Correctie>,
    pub dossiers: Vec<InzageDossier>,
    /// Meldingen and measures linked to these cases.
    pub koppelingen: Vec<Koppeling>,
    /// What this export says about meldingen and measures about the person.
    pub meldingen_en_maatregelen: String,
    /// Who accessed these data and when (from the audit log).
    pub toegang: Vec<Toegang>,
    pub gemaakt_at: i64,
}

/// What the export says about the other modules: they have no search by person (yet).
pub const ANDERE_MODULES: &str = "Meldingen en maatregelen kunnen in Baken (nog) niet op naam van een persoon worden gezocht. Deze inzage noemt daarom alleen de meldingen en maatregelen die aan de bovenstaande dossiers gekoppeld zijn. Vraag de behandelaars van meldingen en maatregelen na te gaan of daar andere gegevens over deze persoon staan.";

/// A subject access request: drafted as a concept, released by a second person.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Verzoek {
    pub id: String,
    pub subject_id: String,
    /// concept or vrijgegeven
    pub status: String,
    /// fg or regie
    pub grond: String,
    /// The cases the export covers.
    pub dossiers: Vec<String>,
    pub opgesteld_door: String,
    pub opgesteld_naam: String,
    pub opgesteld_at: i64,
    pub vrijgegeven_naam: Option<String>,
    pub vrijgegeven_at: Option<i64>,
    /// The export itself: only once released.
    pub inhoud: Option<Inzage>,
}

pub const CONCEPT: &str = "concept";
pub const VRIJGEGEVEN: &str = "vrijgegeven";

/// The cases a subject is in, directly or as a member of a group, with what the request's rule
/// decides on.
async fn zaken_van(conn: &mut AnyConnection, subject_id: &str) -> Result<Vec<BetrokkeneZaak>> {
    sqlx::query(
        "SELECT DISTINCT d.id, d.regie_organisation_id, d.regie_team_id, d.created_at FROM dossiers_dossier d \
         JOIN dossiers_dossier_subject ds ON ds.dossier_id = d.id \
         WHERE ds.subject_id = $1 OR ds.subject_id IN (SELECT groep_id FROM dossiers_groep_lid WHERE persoon_id = $1) \
         ORDER BY d.created_at, d.id",
    )
    .bind(subject_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(BetrokkeneZaak {
            dossier_id: r.try_get("id")?,
            regie_organisation_id: r.try_get("regie_organisation_id")?,
            regie_team_id: r.try_get("regie_team_id")?,
        })
    })
    .collect()
}

async fn subject_bestaat(conn: &mut AnyConnection, subject_id: &str) -> Result<bool> {
    Ok(sqlx::query("SELECT id FROM dossiers_subject WHERE id = $1")
        .bind(subject_id)
        .fetch_optional(&mut *conn)
        .await?
        .is_some())
}

/// Decides whether `p` may act on a subject access request for `subject_id`: the municipality's
/// privacy officer for any case the municipality directs, a procesregisseur for the cases
/// their team directs; nobody else (a partner account, an administrator, another team's
/// procesregisseur). The facts are loaded here; a refusal is audited.
pub async fn open_inzage(
    db: &Db,
    ctx: &RequestContext,
    p: &Principal,
    subject_id: &str,
    action: Action,
) -> Result<Authorized<Inzageverzoek>> {
    let mut conn = db.pool().acquire().await?;
    let teams = teams_of(&mut conn, p).await?;
    if !subject_bestaat(&mut conn, subject_id).await? {
        // Still a decision: the role may not ask at all.
        if !crate::access::mag_inzage_behandelen(p) {
            return Err(access::authorize(
                db,
                ctx,
                p,
                action,
                Inzageverzoek::besloten(subject_id, Err("role-not-allowed"), Vec::new()),
                Purpose::Uitvoering,
            )
            .await
            .map(|_| StoreError::NotFound)?);
        }
        return Err(StoreError::NotFound);
    }
    let zaken = zaken_van(&mut conn, subject_id).await?;
    drop(conn);
    let bereik = inzage_bereik(p, &teams, &zaken);
    Ok(access::authorize(
        db,
        ctx,
        p,
        action,
        Inzageverzoek::besloten(subject_id, bereik, Vec::new()),
        Purpose::Uitvoering,
    )
    .await?)
}

fn verzoek_row(r: &AnyRow) -> Result<Verzoek> {
    Ok(Verzoek {
        id: r.try_get("id")?,
        subject_id: r.try_get("subject_id")?,
        status: r.try_get("status")?,
        grond: r.try_get("grond")?,
        dossiers: Vec::new(),
        opgesteld_door: r.try_get("opgesteld_door")?,
        opgesteld_naam: r.try_get("opgesteld_naam")?,
        opgesteld_at: r.try_get("opgesteld_at")?,
        vrijgegeven_naam: r.try_get("vrijgegeven_naam")?,
        vrijgegeven_at: r.try_get("vrijgegeven_at")?,
        inhoud: None,
    })
}

async fn lees_verzoek(conn: &mut AnyConnection, id: &str) -> Result<Option<(Verzoek, String)>> {
    let Some(r) = sqlx::query("SELECT * FROM dossiers_inzageverzoek WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut v = verzoek_row(&r)?;
    let inhoud: String = r.try_get("inhoud_versleuteld")?;
    v.dossiers = sqlx::query(
        "SELECT dossier_id FROM dossiers_inzageverzoek_dossier WHERE verzoek_id = $1 ORDER BY dossier_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("dossier_id"))
    .collect::<std::result::Result<_, _>>()?;
    Ok(Some((v, inhoud)))
}

/// Decides whether `p` may act on the drafted request `verzoek_id`: as for the subject, and only
/// when `p` may answer for every case the draft covers. Returns the request (without content).
pub async fn open_verzoek(
    db: &Db,
    ctx: &RequestContext,
    p: &Principal,
    verzoek_id: &str,
    action: Action,
) -> Result<(Authorized<Inzageverzoek>, Verzoek)> {
    let mut conn = db.pool().acquire().await?;
    let teams = teams_of(&mut conn, p).await?;
    let Some((v, _)) = lees_verzoek(&mut conn, verzoek_id).await? else {
        return Err(StoreError::NotFound);
    };
    let zaken = zaken_van(&mut conn, &v.subject_id).await?;
    drop(conn);
    let bereik = inzage_bereik(p, &teams, &zaken);
    let auth = access::authorize(
        db,
        ctx,
        p,
        action,
        Inzageverzoek::besloten(&v.subject_id, bereik, v.dossiers.clone()),
        Purpose::Uitvoering,
    )
    .await?;
    Ok((auth, v))
}

/// Applies the request's rule again inside `tx`, on the subject's cases as they are now.
/// The request `verzoek_id` about the capability's subject, with the rule applied again in `tx`
/// to every case it covers.
async fn verzoek_over_subject(
    tx: &mut Tx,
    auth: &Authorized<Inzageverzoek>,
    verzoek_id: &str,
) -> Result<(Verzoek, String)> {
    let (v, stored) = lees_verzoek(tx.conn()?, verzoek_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if v.subject_id != auth.resource().subject_id() {
        return Err(StoreError::NotFound);
    }
    bevestig_inzage(tx, auth, &v.dossiers).await?;
    Ok((v, stored))
}

async fn bevestig_inzage(
    tx: &mut Tx,
    auth: &Authorized<Inzageverzoek>,
    vereist: &[String],
) -> Result<Vec<String>> {
    let p = auth.principal();
    let teams = teams_of(tx.conn()?, p).await?;
    let zaken = zaken_van(tx.conn()?, auth.resource().subject_id()).await?;
    let bereik = inzage_bereik(p, &teams, &zaken);
    match crate::access::inzage_beleid(&bereik, vereist, Action::Read, auth.purpose()) {
        Decision::Allow => Ok(bereik.map(|(_, d)| d).unwrap_or_default()),
        Decision::Deny(r) => Err(StoreError::Forbidden(r)),
    }
}

/// Gathers the export over `dossiers` in `tx`: the person's data and corrections; per case the
/// purposes, recipients, retention and sources, the entries (without those about another
/// subject) and the history (without other subjects' additions); the linked meldingen; and who
/// accessed these data. Each entry is recorded as read under `auth`.
async fn bouw_inzage(
    db: &Db,
    tx: &mut Tx,
    auth: &Authorized<Inzageverzoek>,
    dossiers: &[String],
    key: Option<&DataKey>,
) -> Result<Inzage> {
    let sid = auth.resource().subject_id().to_string();
    let row =
        sqlx::query("SELECT s.*, 'betrokkene' AS rol FROM dossiers_subject s WHERE s.id = $1")
            .bind(&sid)
            .fetch_optional(&mut *tx.conn()?)
            .await?
            .ok_or(StoreError::NotFound)?;
    // Only the person's own data: no member list of a group, no other subject.
    let subject = subject_row(&row, key, true, &[])?;
    let correcties =
        sqlx::query("SELECT * FROM dossiers_correctie WHERE subject_id = $1 ORDER BY at")
            .bind(&sid)
            .fetch_all(&mut *tx.conn()?)
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
    let groepen: Vec<(String, String)> = sqlx::query(
        "SELECT g.groep_id, s.naam FROM dossiers_groep_lid g JOIN dossiers_subject s ON s.id = g.groep_id WHERE g.persoon_id = $1",
    )
    .bind(&sid)
    .fetch_all(&mut *tx.conn()?)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("groep_id")?, r.try_get("naam")?)))
    .collect::<Result<_>>()?;
    let eigen: Vec<String> = std::iter::once(sid.clone())
        .chain(groepen.iter().map(|(g, _)| g.clone()))
        .collect();
    let orgs = organisatienamen(db).await?;
    let types: BTreeMap<String, Zaaktype> = zaaktypen(db)
        .await?
        .into_iter()
        .map(|z| (z.slug.clone(), z))
        .collect();
    let covs: BTreeMap<String, Convenant> = convenanten(db)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let org_naam = |id: &str| orgs.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mut out = Vec::new();
    let mut koppelingen = Vec::new();
    let mut subjects = vec![format!("subject:{sid}")];
    for did in dossiers {
        let Some(g) = laad(tx.conn()?, did).await? else {
            continue;
        };
        let kop = g.kop.clone();
        let zt = types.get(&kop.zaaktype);
        // How the person is in the case.
        let mut q = Sql::default();
        let d = q.mark(&kop.id);
        let m = q.marks(&eigen);
        let rollen = bind_all(
            &format!("SELECT subject_id, rol FROM dossiers_dossier_subject WHERE dossier_id = {d} AND subject_id IN ({m})"),
            &q.binds,
        )
        .fetch_all(&mut *tx.conn()?)
        .await?;
        let mut betrokkenheid = Vec::new();
        for r in &rollen {
            let s: String = r.try_get("subject_id")?;
            let rol: String = r.try_get("rol")?;
            match groepen.iter().find(|(gid, _)| *gid == s) {
                Some((_, naam)) => betrokkenheid.push(format!("lid van de groep '{naam}'")),
                None => betrokkenheid.push(format!("betrokkene ({rol})")),
            }
        }
        // The entries about the person, the group, or nobody in particular.
        let mut q = Sql::default();
        let d = q.mark(&kop.id);
        let m = q.marks(&eigen);
        let items = bind_all(
            &format!(
                "SELECT * FROM dossiers_item WHERE dossier_id = {d} AND (betreft_subject_id IS NULL OR betreft_subject_id IN ({m})) ORDER BY created_at, id"
            ),
            &q.binds,
        )
        .fetch_all(&mut *tx.conn()?)
        .await?
        .iter()
        .map(item_row)
        .collect::<Result<Vec<_>>>()?;
        let historie: Vec<Historie> = historie_of(tx.conn()?, &kop.id)
            .await?
            .into_iter()
            .filter(|h| h.soort != "subject" || h.van.as_ref().is_some_and(|v| eigen.contains(v)))
            .collect();
        let mut doelen = Vec::new();
        if let Some(z) = zt {
            doelen.push(format!("{}: {}", z.naam, z.omschrijving));
        }
        let mut ontvangers = Vec::new();
        for dl in &g.deelnames {
            let org = &dl.feiten.organisation_id;
            let partij = covs
                .get(&dl.feiten.convenant.id)
                .and_then(|c| c.partij_in(dl.feiten.convenant.versie, org));
            let doel = format!("{} (convenant '{}')", dl.doel, dl.convenant_naam);
            if !doelen.contains(&doel) {
                doelen.push(doel.clone());
            }
            ontvangers.push(Ontvanger {
                organisation_id: org.clone(),
                organisatie: org_naam(org),
                convenant: dl.convenant_naam.clone(),
                doel: dl.doel.clone(),
                categorieen: partij
                    .map(|p| {
                        p.ontvangen
                            .iter()
                            .filter_map(|c| Categorie::from_slug(c))
                            .map(|c| c.naam().to_string())
                            .collect()
                    })
                    .unwrap_or_default(),
                grondslagen: partij
                    .map(|p| {
                        p.grondslagen
                            .iter()
                            .map(|(c, g)| {
                                format!(
                                    "{}: {g}",
                                    Categorie::from_slug(c).map(|c| c.naam()).unwrap_or(c)
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                van: dl.feiten.van.map(|v| v.to_string()),
                tot: dl.feiten.tot.map(|v| v.to_string()),
                gestart_at: dl.gestart_at,
                ingetrokken_at: dl.ingetrokken_at,
            });
        }
        let jaren = zt.map(|z| z.bewaartermijn_jaren).unwrap_or_default();
        let mut bewaartermijn = match &kop.bewaren_tot {
            Some(t) => format!("Tot en met {t} ({jaren} jaar na het sluiten van het dossier)."),
            None => format!(
                "{jaren} jaar na het sluiten van het dossier; het dossier loopt nog. Daarna worden de gegevens vernietigd."
            ),
        };
        if kop.legal_hold {
            bewaartermijn.push_str(
                " Er geldt een bewaarplicht (legal hold): het dossier wordt nu niet vernietigd.",
            );
        }
        let mut bronnen = vec![model::HERKOMST
            .iter()
            .find(|(s, _)| *s == kop.herkomst)
            .map(|(_, n)| format!("Herkomst: {n}"))
            .unwrap_or_else(|| format!("Herkomst: {}", kop.herkomst))];
        for m in melding_bronnen(tx.conn()?, &kop.id).await? {
            if let Some(nr) = meldingen::store::nummer_of(db, &m).await? {
                bronnen.push(format!("Melding M-{nr}"));
                koppelingen.push(Koppeling {
                    soort: "melding".into(),
                    id: m,
                    label: format!("Melding M-{nr} (bron van dossier {})", kop.nummer),
                });
            }
        }
        let mut schrijvers: Vec<String> = items
            .iter()
            .map(|i| org_naam(&i.door_organisation_id))
            .collect();
        schrijvers.sort();
        schrijvers.dedup();
        for s in schrijvers {
            bronnen.push(format!("Vastleggingen door {s}"));
        }
        for l in platform::links::to(tx, "dossier", &kop.id)
            .await?
            .into_iter()
            .chain(platform::links::from(tx, "dossier", &kop.id).await?)
        {
            let (soort, id) = if l.from_kind == "dossier" {
                (l.to_kind, l.to_id)
            } else {
                (l.from_kind, l.from_id)
            };
            koppelingen.push(Koppeling {
                soort,
                id,
                label: l.label,
            });
        }
        let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
        auth.record_each(
            tx,
            "dossier-item",
            &ids,
            Some(&format!("dossier:{}", kop.id)),
        )
        .await?;
        subjects.push(format!("dossier:{}", kop.id));
        out.push(InzageDossier {
            zaaktype_naam: zt.map(|z| z.naam.clone()).unwrap_or_default(),
            betrokkenheid: betrokkenheid.join(", "),
            dossier: kop,
            doelen,
            ontvangers,
            bewaartermijn,
            bronnen,
            items,
            historie,
        });
    }
    record_subject(tx, auth, &sid).await?;
    let toegang = audit::records_about(tx, auth, &subjects)
        .await?
        .into_iter()
        .map(|r| Toegang {
            at: r.at,
            actor_user_id: r.actor_user_id,
            actor_name: r.actor_name,
            actor_org_name: r.actor_org_name,
            action: r.action,
            resource_type: r.resource_type,
            purpose: r.purpose,
            outcome: r.outcome,
        })
        .collect();
    Ok(Inzage {
        subject,
        correcties,
        dossiers: out,
        koppelingen,
        meldingen_en_maatregelen: ANDERE_MODULES.into(),
        toegang,
        gemaakt_at: now_ms(),
    })
}

/// Records each entry and the subject of an export as read under `auth` (a review or a
/// download of a drafted export).
async fn record_export(
    tx: &mut Tx,
    auth: &Authorized<Inzageverzoek>,
    inzage: &Inzage,
) -> Result<()> {
    auth.record(tx).await?;
    for d in &inzage.dossiers {
        let ids: Vec<String> = d.items.iter().map(|i| i.id.clone()).collect();
        auth.record_each(
            tx,
            "dossier-item",
            &ids,
            Some(&format!("dossier:{}", d.dossier.id)),
        )
        .await?;
    }
    let sid = &inzage.subject.id;
    record_subject(tx, auth, sid).await?;
    Ok(())
}

fn sleutel(key: Option<&DataKey>) -> Result<&DataKey> {
    key.ok_or_else(|| {
        StoreError::Refused(
            "Er is geen gegevenssleutel ingesteld; Baken bewaart een inzage niet onversleuteld."
                .into(),
        )
    })
}

/// Drafts the export for the subject over the cases the requester may answer for, as a concept
/// that a second person releases. Returns the request's id.
pub async fn inzage_opstellen(
    db: &Db,
    auth: &Authorized<Inzageverzoek>,
    key: Option<&DataKey>,
) -> Result<String> {
    let key = sleutel(key)?;
    let p = auth.principal();
    let mut tx = db.begin().await?;
    let dossiers = bevestig_inzage(&mut tx, auth, &[]).await?;
    let inzage = bouw_inzage(db, &mut tx, auth, &dossiers, Some(key)).await?;
    let json = serde_json::to_string(&inzage).map_err(|e| StoreError::Refused(e.to_string()))?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO dossiers_inzageverzoek (id, subject_id, status, grond, inhoud_versleuteld, opgesteld_door, opgesteld_naam, opgesteld_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(auth.resource().subject_id())
    .bind(CONCEPT)
    .bind(auth.resource().grond().map(InzageGrond::slug).unwrap_or("regie"))
    .bind(key.encrypt(&json))
    .bind(&p.user_id)
    .bind(&p.name)
    .bind(now_ms())
    .execute(&mut *tx.conn()?)
    .await?;
    for d in &dossiers {
        sqlx::query(
            "INSERT INTO dossiers_inzageverzoek_dossier (verzoek_id, dossier_id) VALUES ($1, $2)",
        )
        .bind(&id)
        .bind(d)
        .execute(&mut *tx.conn()?)
        .await?;
    }
    auth.record_created(
        &mut tx,
        "dossier-inzageverzoek",
        &id,
        Some(&format!("subject:{}", auth.resource().subject_id())),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The subject's name and the requests for the subject that the requester may answer for
/// (without content).
pub async fn verzoeken(
    db: &Db,
    auth: &Authorized<Inzageverzoek>,
) -> Result<(String, Vec<Verzoek>)> {
    let mut tx = db.begin().await?;
    let mine = bevestig_inzage(&mut tx, auth, &[]).await?;
    auth.record(&mut tx).await?;
    let sid = auth.resource().subject_id().to_string();
    let naam: String = sqlx::query("SELECT naam FROM dossiers_subject WHERE id = $1")
        .bind(&sid)
        .fetch_optional(&mut *tx.conn()?)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_get("naam")?;
    record_subject(&mut tx, auth, &sid).await?;
    let rows = sqlx::query(
        "SELECT id FROM dossiers_inzageverzoek WHERE subject_id = $1 ORDER BY opgesteld_at DESC, id",
    )
    .bind(auth.resource().subject_id())
    .fetch_all(&mut *tx.conn()?)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let id: String = r.try_get("id")?;
        if let Some((v, _)) = lees_verzoek(tx.conn()?, &id).await? {
            if v.dossiers.iter().all(|d| mine.contains(d)) {
                out.push(v);
            }
        }
    }
    tx.commit().await?;
    Ok((naam, out))
}

fn ontsleutel(key: Option<&DataKey>, stored: &str) -> Result<Inzage> {
    let json = sleutel(key)?
        .decrypt(stored)
        .map_err(|e| StoreError::Refused(format!("De inzage is niet te ontsleutelen: {e}")))?;
    serde_json::from_str(&json).map_err(|e| StoreError::Refused(e.to_string()))
}

/// A drafted or released export, for its review on screen (each entry shown is recorded as
/// read by the reviewer). Downloading is [`verzoek_export`], after release.
pub async fn verzoek_inzien(
    db: &Db,
    auth: &Authorized<Inzageverzoek>,
    verzoek_id: &str,
    key: Option<&DataKey>,
) -> Result<Verzoek> {
    let mut tx = db.begin().await?;
    let (mut v, stored) = verzoek_over_subject(&mut tx, auth, verzoek_id).await?;
    let inzage = ontsleutel(key, &stored)?;
    record_export(&mut tx, auth, &inzage).await?;
    tx.commit().await?;
    v.inhoud = Some(inzage);
    Ok(v)
}

/// Releases a drafted export: a second person (not the one who drafted it), who may answer for
/// every case it covers.
pub async fn verzoek_vrijgeven(
    db: &Db,
    auth: &Authorized<Inzageverzoek>,
    verzoek_id: &str,
) -> Result<()> {
    let p = auth.principal();
    let mut tx = db.begin().await?;
    let (v, _) = verzoek_over_subject(&mut tx, auth, verzoek_id).await?;
    if v.status != CONCEPT {
        return Err(StoreError::Conflict(
            "Deze inzage is al vrijgegeven.".into(),
        ));
    }
    if v.opgesteld_door == p.user_id {
        return Err(StoreError::Conflict(
            "Een tweede persoon geeft de inzage vrij: de functionaris gegevensbescherming of een andere procesregisseur van het regieteam, niet wie haar opstelde.".into(),
        ));
    }
    auth.record(&mut tx).await?;
    sqlx::query(
        "UPDATE dossiers_inzageverzoek SET status = $1, vrijgegeven_door = $2, vrijgegeven_naam = $3, vrijgegeven_at = $4 WHERE id = $5 AND status = $6",
    )
    .bind(VRIJGEGEVEN)
    .bind(&p.user_id)
    .bind(&p.name)
    .bind(now_ms())
    .bind(verzoek_id)
    .bind(CONCEPT)
    .execute(&mut *tx.conn()?)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A released export, to hand to the person: refused (conflict) while it is a concept. Each
/// entry is recorded as read.
pub async fn verzoek_export(
    db: &Db,
    auth: &Authorized<Inzageverzoek>,
    verzoek_id: &str,
    key: Option<&DataKey>,
) -> Result<Verzoek> {
    let mut tx = db.begin().await?;
    let (mut v, stored) = verzoek_over_subject(&mut tx, auth, verzoek_id).await?;
    if v.status != VRIJGEGEVEN {
        return Err(StoreError::Conflict(
            "Deze inzage is nog een concept: een tweede persoon (de functionaris gegevensbescherming of een procesregisseur van het regieteam) moet haar eerst controleren en vrijgeven.".into(),
        ));
    }
    let inzage = ontsleutel(key, &stored)?;
    record_export(&mut tx, auth, &inzage).await?;
    tx.commit().await?;
    v.inhoud = Some(inzage);
    Ok(v)
}

/// The newest released export for the subject that the requester may answer for, if any.
pub async fn laatste_vrijgegeven(
    db: &Db,
    auth: &Authorized<Inzageverzoek>,
) -> Result<Option<String>> {
    let mine = auth.resource().dossiers();
    let mut conn = db.pool().acquire().await?;
    let rows = sqlx::query(
        "SELECT id FROM dossiers_inzageverzoek WHERE subject_id = $1 AND status = $2 ORDER BY vrijgegeven_at DESC, id",
    )
    .bind(auth.resource().subject_id())
    .bind(VRIJGEGEVEN)
    .fetch_all(&mut *conn)
    .await?;
    for r in &rows {
        let id: String = r.try_get("id")?;
        if let Some((v, _)) = lees_verzoek(&mut conn, &id).await? {
            if v.dossiers.iter().all(|d| mine.contains(d)) {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
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
    let sid = auth.resource().subject_id().to_string();
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
    bevestig_inzage(&mut tx, auth, &[]).await?;
    auth.record(&mut tx).await?;
    let old = sqlx::query(&format!(
        "SELECT {column} AS v FROM dossiers_subject WHERE id = $1"
    ))
    .bind(&sid)
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
    .bind(&sid)
    .execute(&mut *tx.conn()?)
    .await?;
    sqlx::query("INSERT INTO dossiers_correctie (id, subject_id, veld, oude_waarde, toelichting, door, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(new_id())
        .bind(&sid)
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

/// Subjects matching a name, for a subject access request: only subjects of cases the searcher
/// may answer for (the fg: cases the municipality directs; a procesregisseur: cases their team
/// directs), filtered in SQL. Each name returned is recorded as read.
pub async fn find_subjects(
    db: &Db,
    auth: &Authorized<Betrokkenen>,
    q: &str,
) -> Result<Vec<(String, String, String)>> {
    let p = auth.principal();
    let term = q.trim().to_lowercase();
    let fg = p.has(platform::access::Role::Fg);
    let mut tx = db.begin().await?;
    let teams = if fg {
        Vec::new()
    } else {
        teams_of(tx.conn()?, p).await?
    };
    auth.record(&mut tx).await?;
    if term.chars().count() < 2 || (!fg && teams.is_empty()) {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let escaped: String = term
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let mut s = Sql::default();
    let like = s.mark(&format!("%{escaped}%"));
    let org = s.mark(&p.organisation_id);
    let mut sql = format!(
        "SELECT DISTINCT s.id, s.soort, s.naam FROM dossiers_subject s \
         JOIN dossiers_dossier_subject ds ON ds.subject_id = s.id \
         JOIN dossiers_dossier d ON d.id = ds.dossier_id \
         WHERE LOWER(s.naam) LIKE {like} ESCAPE '\\' AND d.regie_organisation_id = {org}"
    );
    if !fg {
        let m = s.marks(&teams);
        sql.push_str(&format!(" AND d.regie_team_id IN ({m})"));
    }
    sql.push_str(" ORDER BY s.naam, s.id LIMIT 50");
    let rows = bind_all(&sql, &s.binds).fetch_all(&mut *tx.conn()?).await?;
    let hits: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("soort")?, r.try_get("naam")?)))
        .collect::<Result<_>>()?;
    for (id, _, _) in &hits {
        record_subject(&mut tx, auth, id).await?;
    }
    tx.commit().await?;
    Ok(hits)
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
/// hold: entries with their uploaded documents, history, participations, signals, agenda
/// points, the links to the meldingen they came from, subject access exports that cover them,
/// and subjects no other case holds. A destruction record (number, case type, dates — no
/// content) and an audit record stay. A system job (no person's decision).
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
        // The uploaded documents go with their entries: nothing of the case is left.
        let files: Vec<String> = sqlx::query(
            "SELECT bestand_id FROM dossiers_item WHERE dossier_id = $1 AND bestand_id IS NOT NULL",
        )
        .bind(&id)
        .fetch_all(&mut *tx.conn()?)
        .await?
        .iter()
        .map(|r| r.try_get("bestand_id"))
        .collect::<std::result::Result<_, _>>()?;
        // Subject access exports that cover the case hold its entries too.
        let verzoeken: Vec<String> = sqlx::query(
            "SELECT verzoek_id FROM dossiers_inzageverzoek_dossier WHERE dossier_id = $1",
        )
        .bind(&id)
        .fetch_all(&mut *tx.conn()?)
        .await?
        .iter()
        .map(|r| r.try_get("verzoek_id"))
        .collect::<std::result::Result<_, _>>()?;
        for v in &verzoeken {
            for sql in [
                "DELETE FROM dossiers_inzageverzoek_dossier WHERE verzoek_id = $1",
                "DELETE FROM dossiers_inzageverzoek WHERE id = $1",
            ] {
                sqlx::query(sql).bind(v).execute(&mut *tx.conn()?).await?;
            }
        }
        for table in [
            "dossiers_item",
            "dossiers_historie",
            "dossiers_deelname",
            "dossiers_signaal",
            "dossiers_agendapunt",
            "dossiers_dossier_subject",
            "dossiers_melding_bron",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE dossier_id = $1"))
                .bind(&id)
                .execute(&mut *tx.conn()?)
                .await?;
        }
        for f in &files {
            platform::files::delete(&mut tx, f).await?;
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
                let verzoeken: Vec<String> =
                    sqlx::query("SELECT id FROM dossiers_inzageverzoek WHERE subject_id = $1")
                        .bind(s)
                        .fetch_all(&mut *tx.conn()?)
                        .await?
                        .iter()
                        .map(|r| r.try_get("id"))
                        .collect::<std::result::Result<_, _>>()?;
                for v in &verzoeken {
                    for sql in [
                        "DELETE FROM dossiers_inzageverzoek_dossier WHERE verzoek_id = $1",
                        "DELETE FROM dossiers_inzageverzoek WHERE id = $1",
                    ] {
                        sqlx::query(sql).bind(v).execute(&mut *tx.conn()?).await?;
                    }
                }
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
