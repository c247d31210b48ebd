//! The crisis module's tables: the only code that touches them. Every function that returns or
//! changes personal data (names, contact details, log entries) takes an `Authorized<Crisis, _>`
//! and records the access in the audit log.

use jiff::civil::Date;
use platform::access::{self, act, ActionType, Authorized, Principal, Purpose, RequestContext};
use platform::db::{new_id, now_ms, Db, DbError};
use platform::identity::{field_error, FieldError};
use sqlx::Row;

use crate::access::{Crisis, Onderdeel};
use crate::model::{self, Niveau, Soort};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Access(#[from] access::AccessError),
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

impl From<platform::identity::IdentityError> for StoreError {
    fn from(e: platform::identity::IdentityError) -> Self {
        match e {
            platform::identity::IdentityError::NotFound => StoreError::NotFound,
            platform::identity::IdentityError::Invalid(v) => StoreError::Invalid(v),
            platform::identity::IdentityError::Db(d) => StoreError::Db(d),
            other => StoreError::Other(other.to_string()),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

fn invalid(field: &str, key: &str) -> StoreError {
    StoreError::Invalid(vec![field_error(field, key)])
}

/// A decision about a part of the module as a whole (lists, new records), in the principal's
/// own organisation.
pub async fn authorize<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    onderdeel: Onderdeel,
) -> Result<Authorized<Crisis, A>> {
    let r = Crisis::new(onderdeel, &p.organisation_id, None);
    Ok(access::authorize_as::<A, _>(db, request, p, r, Purpose::Uitvoering).await?)
}

/// A decision about one record, on the organisation the record itself belongs to.
pub async fn authorize_record<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    onderdeel: Onderdeel,
    id: &str,
) -> Result<Authorized<Crisis, A>> {
    let table = match onderdeel {
        Onderdeel::Organisatie | Onderdeel::Contact => "crisis_persoon",
        Onderdeel::Oefening => "crisis_oefening",
        Onderdeel::Incident => "crisis_incident",
        Onderdeel::Risico => "crisis_risico",
        Onderdeel::Scenario => "crisis_scenario",
        Onderdeel::Piket => {
            let r = Crisis::new(onderdeel, &p.organisation_id, Some(id));
            return Ok(access::authorize_as::<A, _>(db, request, p, r, Purpose::Uitvoering).await?);
        }
    };
    let row = sqlx::query(&format!(
        "SELECT organisation_id FROM {table} WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let org: String = row.try_get("organisation_id")?;
    let r = Crisis::new(onderdeel, &org, Some(id));
    Ok(access::authorize_as::<A, _>(db, request, p, r, Purpose::Uitvoering).await?)
}

fn org<R, A: access::ActionKind>(auth: &Authorized<R, A>) -> String
where
    R: access::Resource,
{
    auth.principal().organisation_id.clone()
}

fn rec_id<A: access::ActionKind>(auth: &Authorized<Crisis, A>) -> Result<String> {
    auth.resource().id.clone().ok_or(StoreError::NotFound)
}

fn date_of(s: &str) -> Option<Date> {
    model::parse_date(s)
}

// ---------------------------------------------------------------------------------------------
// Reference data.

/// The crisis functions (idempotent; an existing function keeps its name).
pub async fn seed(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    for (i, f) in model::FUNCTIES.iter().enumerate() {
        sqlx::query(
            "INSERT INTO crisis_functie (id, slug, naam, omschrijving, piket, volgorde) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (slug) DO NOTHING",
        )
        .bind(new_id())
        .bind(f.slug)
        .bind(f.naam)
        .bind(f.omschrijving)
        .bind(i64::from(f.piket))
        .bind(i as i64)
        .execute(tx.conn()?)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Functie {
    pub id: String,
    pub slug: String,
    pub naam: String,
    pub omschrijving: String,
    /// On the on-call roster.
    pub piket: bool,
}

pub async fn functies(db: &Db) -> Result<Vec<Functie>> {
    let rows = sqlx::query(
        "SELECT id, slug, naam, omschrijving, piket FROM crisis_functie ORDER BY volgorde, naam",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Functie {
                id: r.try_get("id")?,
                slug: r.try_get("slug")?,
                naam: r.try_get("naam")?,
                omschrijving: r.try_get("omschrijving")?,
                piket: r.try_get::<i64, _>("piket")? == 1,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// People, their functions and qualifications.

#[derive(Clone, Debug)]
pub struct Persoon {
    pub id: String,
    pub naam: String,
    pub user_id: Option<String>,
    pub functie_ids: Vec<String>,
    pub ical: bool,
}

#[derive(Clone, Debug)]
pub struct KwalificatieRij {
    pub id: String,
    pub persoon_id: String,
    pub functie_id: String,
    pub behaald_op: Date,
    pub verloopt_op: Date,
    pub bron: String,
}

async fn personen_of(db: &Db, organisation_id: &str) -> Result<Vec<Persoon>> {
    let rows = sqlx::query(
        "SELECT id, naam, user_id, ical_hash FROM crisis_persoon WHERE organisation_id = $1 \
         ORDER BY naam, id",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    let links = sqlx::query(
        "SELECT b.persoon_id, b.functie_id FROM crisis_bezetting b \
         JOIN crisis_persoon p ON p.id = b.persoon_id WHERE p.organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let id: String = r.try_get("id")?;
        let mut functie_ids = Vec::new();
        for l in &links {
            if l.try_get::<String, _>("persoon_id")? == id {
                functie_ids.push(l.try_get("functie_id")?);
            }
        }
        out.push(Persoon {
            naam: r.try_get("naam")?,
            user_id: r.try_get("user_id")?,
            ical: r.try_get::<Option<String>, _>("ical_hash")?.is_some(),
            functie_ids,
            id,
        });
    }
    Ok(out)
}

/// The people of the crisis organisation with their functions (names: audited).
pub async fn personen<A: access::ActionKind>(
    db: &Db,
    auth: &Authorized<Crisis, A>,
) -> Result<Vec<Persoon>> {
    let out = personen_of(db, &auth.resource().organisation_id).await?;
    auth.record_grouped(db).await?;
    Ok(out)
}

async fn kwalificaties_of(db: &Db, organisation_id: &str) -> Result<Vec<KwalificatieRij>> {
    let rows = sqlx::query(
        "SELECT k.id, k.persoon_id, k.functie_id, k.behaald_op, k.verloopt_op, k.bron \
         FROM crisis_kwalificatie k JOIN crisis_persoon p ON p.id = k.persoon_id \
         WHERE p.organisation_id = $1 ORDER BY k.verloopt_op DESC, k.id",
    )
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let (Some(behaald_op), Some(verloopt_op)) = (
            date_of(&r.try_get::<String, _>("behaald_op")?),
            date_of(&r.try_get::<String, _>("verloopt_op")?),
        ) else {
            continue;
        };
        out.push(KwalificatieRij {
            id: r.try_get("id")?,
            persoon_id: r.try_get("persoon_id")?,
            functie_id: r.try_get("functie_id")?,
            behaald_op,
            verloopt_op,
            bron: r.try_get("bron")?,
        });
    }
    Ok(out)
}

/// Every qualification of the organisation's people (under the same decision as the names).
pub async fn kwalificaties<A: access::ActionKind>(
    db: &Db,
    auth: &Authorized<Crisis, A>,
) -> Result<Vec<KwalificatieRij>> {
    kwalificaties_of(db, &auth.resource().organisation_id).await
}

/// One person with their qualifications (audited as a read of that person).
pub async fn persoon(
    db: &Db,
    auth: &Authorized<Crisis, act::Read>,
) -> Result<(Persoon, Vec<KwalificatieRij>)> {
    let id = rec_id(auth)?;
    let all = personen_of(db, &auth.resource().organisation_id).await?;
    let p = all
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(StoreError::NotFound)?;
    let kw = kwalificaties_of(db, &auth.resource().organisation_id)
        .await?
        .into_iter()
        .filter(|k| k.persoon_id == id)
        .collect();
    auth.record_grouped(db).await?;
    Ok((p, kw))
}

/// The contact details of one person: for the crisis organisation only; every read audited.
pub async fn contact(db: &Db, auth: &Authorized<Crisis, act::Read>) -> Result<(String, String)> {
    let id = rec_id(auth)?;
    let row = sqlx::query("SELECT telefoon, email FROM crisis_persoon WHERE id = $1")
        .bind(&id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    auth.record_grouped(db).await?;
    Ok((row.try_get("telefoon")?, row.try_get("email")?))
}

/// The contact details of everyone (the crisis organisation's phone list; one audit record
/// per person shown).
pub async fn contacten(
    db: &Db,
    auth: &Authorized<Crisis, act::List>,
) -> Result<Vec<(String, String, String)>> {
    let rows = sqlx::query(
        "SELECT id, telefoon, email FROM crisis_persoon WHERE organisation_id = $1 ORDER BY naam",
    )
    .bind(&auth.resource().organisation_id)
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<(String, String, String)> = Vec::new();
    for r in &rows {
        out.push((
            r.try_get("id")?,
            r.try_get("telefoon")?,
            r.try_get("email")?,
        ));
    }
    let ids: Vec<String> = out.iter().map(|(i, _, _)| i.clone()).collect();
    let mut tx = db.begin().await?;
    auth.record_each(&mut tx, "crisis-contact", &ids, None)
        .await?;
    tx.commit().await?;
    Ok(out)
}

pub struct NieuwePersoon {
    pub naam: String,
    pub user_id: Option<String>,
    pub telefoon: String,
    pub email: String,
    pub functie_ids: Vec<String>,
}

/// Adds a person to the crisis organisation; a linked account must be a colleague in the
/// organisation with a role of the crisis organisation.
pub async fn persoon_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Create>,
    new: &NieuwePersoon,
) -> Result<String> {
    let mut errors = Vec::new();
    let naam = new.naam.trim();
    if naam.is_empty() || naam.chars().count() > 200 {
        errors.push(field_error("naam", "crisis-error-name"));
    }
    if new.telefoon.trim().chars().count() > 40 {
        errors.push(field_error("telefoon", "crisis-error-phone"));
    }
    let email = new.email.trim();
    if !email.is_empty() && !platform::identity::valid_email(email) {
        errors.push(field_error("email", "crisis-error-email"));
    }
    let functies = functies(db).await?;
    if new
        .functie_ids
        .iter()
        .any(|f| !functies.iter().any(|x| &x.id == f))
    {
        errors.push(field_error("functies", "crisis-error-function"));
    }
    if let Some(u) = new.user_id.as_deref().filter(|u| !u.is_empty()) {
        let ok = platform::identity::colleagues(db.pool(), auth, &crate::ROLLEN, Some(u)).await?;
        if ok.is_empty() {
            errors.push(field_error("account", "crisis-error-account"));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO crisis_persoon (id, organisation_id, user_id, naam, telefoon, email, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&id)
    .bind(&auth.resource().organisation_id)
    .bind(new.user_id.clone().filter(|u| !u.is_empty()))
    .bind(naam)
    .bind(new.telefoon.trim())
    .bind(email)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    for f in &new.functie_ids {
        sqlx::query(
            "INSERT INTO crisis_bezetting (persoon_id, functie_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (persoon_id, functie_id) DO NOTHING",
        )
        .bind(&id)
        .bind(f)
        .bind(now)
        .execute(tx.conn()?)
        .await?;
    }
    auth.record_created(&mut tx, "crisis-persoon", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds a qualification for a function, earned by a training or exercise (`bron`).
pub async fn kwalificatie_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    functie_id: &str,
    behaald_op: &str,
    verloopt_op: &str,
    bron: &str,
) -> Result<String> {
    let persoon_id = rec_id(auth)?;
    let mut errors = Vec::new();
    if !functies(db).await?.iter().any(|f| f.id == functie_id) {
        errors.push(field_error("functie", "crisis-error-function"));
    }
    let b = date_of(behaald_op);
    let v = date_of(verloopt_op);
    if b.is_none() {
        errors.push(field_error("behaald_op", "crisis-error-date"));
    }
    match (b, v) {
        (_, None) => errors.push(field_error("verloopt_op", "crisis-error-date")),
        (Some(b), Some(v)) if v <= b => {
            errors.push(field_error("verloopt_op", "crisis-error-expiry-order"))
        }
        _ => {}
    }
    if bron.trim().is_empty() || bron.chars().count() > 300 {
        errors.push(field_error("bron", "crisis-error-source"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO crisis_kwalificatie (id, persoon_id, functie_id, behaald_op, verloopt_op, \
         bron, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&persoon_id)
    .bind(functie_id)
    .bind(behaald_op.trim())
    .bind(verloopt_op.trim())
    .bind(bron.trim())
    .bind(now_ms())
    .bind(&auth.principal().user_id)
    .execute(tx.conn()?)
    .await?;
    sqlx::query(
        "INSERT INTO crisis_bezetting (persoon_id, functie_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (persoon_id, functie_id) DO NOTHING",
    )
    .bind(&persoon_id)
    .bind(functie_id)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// Makes a new private calendar address for the person; the previous one stops working. Only
/// the token's hash is stored; the token is shown once.
pub async fn ical_nieuw(db: &Db, auth: &Authorized<Crisis, act::Update>) -> Result<String> {
    let persoon_id = rec_id(auth)?;
    let token = platform::secrets::random_token();
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE crisis_persoon SET ical_hash = $1, ical_at = $2, updated_at = $2 WHERE id = $3",
    )
    .bind(platform::secrets::token_hash(&token))
    .bind(now_ms())
    .bind(&persoon_id)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(token)
}

/// Revokes the person's calendar address.
pub async fn ical_intrekken(db: &Db, auth: &Authorized<Crisis, act::Update>) -> Result<()> {
    let persoon_id = rec_id(auth)?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE crisis_persoon SET ical_hash = NULL, ical_at = NULL, updated_at = $1 WHERE id = $2",
    )
    .bind(now_ms())
    .bind(&persoon_id)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The calendar feed for a token, or None when no person has it (revoked or never made).
pub async fn ical_feed(db: &Db, token: &str) -> Result<Option<String>> {
    let Some(p) = sqlx::query("SELECT id, naam FROM crisis_persoon WHERE ical_hash = $1")
        .bind(platform::secrets::token_hash(token))
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let id: String = p.try_get("id")?;
    let naam: String = p.try_get("naam")?;
    let rows = sqlx::query(
        "SELECT k.id, k.week, f.naam FROM crisis_piket k JOIN crisis_functie f ON f.id = k.functie_id \
         WHERE k.persoon_id = $1 ORDER BY k.week",
    )
    .bind(&id)
    .fetch_all(db.pool())
    .await?;
    let mut diensten = Vec::new();
    for r in &rows {
        if let Some(monday) = date_of(&r.try_get::<String, _>("week")?) {
            diensten.push(model::FeedDienst {
                id: r.try_get("id")?,
                monday,
                functie: r.try_get("naam")?,
            });
        }
    }
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    // The feed is read by a calendar program without a login: the access is still recorded.
    let mut tx = db.begin().await?;
    let mut entry = platform::audit::AuditEntry::system("web", "read", "crisis-piket-ical");
    entry.resource_id = Some(id.clone());
    entry.subject_id = Some(format!("crisis-persoon:{id}"));
    platform::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(Some(model::ical(&naam, &diensten, &stamp)))
}

// ---------------------------------------------------------------------------------------------
// The on-call roster.

#[derive(Clone, Debug)]
pub struct DienstRij {
    pub id: String,
    pub week: Date,
    pub functie_id: String,
    pub persoon_id: String,
}

/// The duties of the weeks from `from` up to (not including) `until`.
pub async fn rooster<A: access::ActionKind>(
    db: &Db,
    auth: &Authorized<Crisis, A>,
    from: Date,
    until: Date,
) -> Result<Vec<DienstRij>> {
    let rows = sqlx::query(
        "SELECT k.id, k.week, k.functie_id, k.persoon_id FROM crisis_piket k \
         JOIN crisis_persoon p ON p.id = k.persoon_id \
         WHERE p.organisation_id = $1 AND k.week >= $2 AND k.week < $3 ORDER BY k.week, k.id",
    )
    .bind(&auth.resource().organisation_id)
    .bind(from.to_string())
    .bind(until.to_string())
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        if let Some(week) = date_of(&r.try_get::<String, _>("week")?) {
            out.push(DienstRij {
                id: r.try_get("id")?,
                week,
                functie_id: r.try_get("functie_id")?,
                persoon_id: r.try_get("persoon_id")?,
            });
        }
    }
    Ok(out)
}

/// Puts a person on call for a function in the week of `week`.
pub async fn dienst_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    week: &str,
    functie_id: &str,
    persoon_id: &str,
) -> Result<String> {
    let mut errors = Vec::new();
    let monday = model::parse_week(week);
    if monday.is_none() {
        errors.push(field_error("week", "crisis-error-date"));
    }
    if !functies(db)
        .await?
        .iter()
        .any(|f| f.id == functie_id && f.piket)
    {
        errors.push(field_error("functie", "crisis-error-function"));
    }
    let org = &auth.resource().organisation_id;
    let exists =
        sqlx::query("SELECT id FROM crisis_persoon WHERE id = $1 AND organisation_id = $2")
            .bind(persoon_id)
            .bind(org)
            .fetch_optional(db.pool())
            .await?;
    if exists.is_none() {
        errors.push(field_error("persoon", "crisis-error-person"));
    }
    let Some(monday) = monday.filter(|_| errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let id = new_id();
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "INSERT INTO crisis_piket (id, week, functie_id, persoon_id, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (week, functie_id, persoon_id) DO NOTHING",
    )
    .bind(&id)
    .bind(monday.to_string())
    .bind(functie_id)
    .bind(persoon_id)
    .bind(now_ms())
    .bind(&auth.principal().user_id)
    .execute(tx.conn()?)
    .await?;
    if done.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(invalid("persoon", "crisis-error-duty-exists"));
    }
    auth.record_created(&mut tx, "crisis-piket", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Takes a duty off the roster (and any swap asked for it).
pub async fn dienst_weg(db: &Db, auth: &Authorized<Crisis, act::Update>, id: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM crisis_ruil WHERE piket_id = $1")
        .bind(id)
        .execute(tx.conn()?)
        .await?;
    let done = sqlx::query(
        "DELETE FROM crisis_piket WHERE id = $1 AND persoon_id IN \
         (SELECT id FROM crisis_persoon WHERE organisation_id = $2)",
    )
    .bind(id)
    .bind(&auth.resource().organisation_id)
    .execute(tx.conn()?)
    .await?;
    if done.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct Ruil {
    pub id: String,
    pub piket_id: String,
    pub week: Date,
    pub functie_id: String,
    pub van_persoon_id: String,
    pub naar_persoon_id: String,
    pub reden: String,
    pub status: String,
    pub aangevraagd_door: String,
}

/// The swaps asked for duties from `from` on (open and decided).
pub async fn ruilen<A: access::ActionKind>(
    db: &Db,
    auth: &Authorized<Crisis, A>,
    from: Date,
) -> Result<Vec<Ruil>> {
    let rows = sqlx::query(
        "SELECT r.id, r.piket_id, k.week, k.functie_id, r.van_persoon_id, r.naar_persoon_id, \
         r.reden, r.status, r.aangevraagd_door FROM crisis_ruil r \
         JOIN crisis_piket k ON k.id = r.piket_id JOIN crisis_persoon p ON p.id = k.persoon_id \
         WHERE p.organisation_id = $1 AND k.week >= $2 ORDER BY k.week, r.aangevraagd_at",
    )
    .bind(&auth.resource().organisation_id)
    .bind(from.to_string())
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let Some(week) = date_of(&r.try_get::<String, _>("week")?) else {
            continue;
        };
        out.push(Ruil {
            id: r.try_get("id")?,
            piket_id: r.try_get("piket_id")?,
            week,
            functie_id: r.try_get("functie_id")?,
            van_persoon_id: r.try_get("van_persoon_id")?,
            naar_persoon_id: r.try_get("naar_persoon_id")?,
            reden: r.try_get("reden")?,
            status: r.try_get("status")?,
            aangevraagd_door: r.try_get("aangevraagd_door")?,
        });
    }
    Ok(out)
}

/// Asks to hand a duty to someone else; it takes effect when another member approves.
pub async fn ruil_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    piket_id: &str,
    naar_persoon_id: &str,
    reden: &str,
) -> Result<String> {
    let org = &auth.resource().organisation_id;
    let duty = sqlx::query(
        "SELECT k.persoon_id FROM crisis_piket k JOIN crisis_persoon p ON p.id = k.persoon_id \
         WHERE k.id = $1 AND p.organisation_id = $2",
    )
    .bind(piket_id)
    .bind(org)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let van: String = duty.try_get("persoon_id")?;
    let mut errors = Vec::new();
    let naar = sqlx::query("SELECT id FROM crisis_persoon WHERE id = $1 AND organisation_id = $2")
        .bind(naar_persoon_id)
        .bind(org)
        .fetch_optional(db.pool())
        .await?;
    if naar.is_none() || naar_persoon_id == van {
        errors.push(field_error("naar", "crisis-error-swap-person"));
    }
    if reden.trim().is_empty() || reden.chars().count() > 1000 {
        errors.push(field_error("reden", "crisis-error-reason"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO crisis_ruil (id, piket_id, van_persoon_id, naar_persoon_id, reden, status, \
         aangevraagd_door, aangevraagd_at) VALUES ($1, $2, $3, $4, $5, 'aangevraagd', $6, $7)",
    )
    .bind(&id)
    .bind(piket_id)
    .bind(&van)
    .bind(naar_persoon_id)
    .bind(reden.trim())
    .bind(&auth.principal().user_id)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record_created(&mut tx, "crisis-ruil", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Approves or refuses a swap: approval moves the duty to the other person.
pub async fn ruil_besluit(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    ruil_id: &str,
    goedkeuren: bool,
) -> Result<()> {
    let org = &auth.resource().organisation_id;
    let r = sqlx::query(
        "SELECT r.piket_id, r.status, r.aangevraagd_door, r.naar_persoon_id, a.user_id AS van_user, \
         b.user_id AS naar_user FROM crisis_ruil r JOIN crisis_persoon a ON a.id = r.van_persoon_id \
         JOIN crisis_persoon b ON b.id = r.naar_persoon_id \
         WHERE r.id = $1 AND a.organisation_id = $2",
    )
    .bind(ruil_id)
    .bind(org)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    if r.try_get::<String, _>("status")? != "aangevraagd" {
        return Err(invalid("ruil", "crisis-error-swap-decided"));
    }
    let van_user: Option<String> = r.try_get("van_user")?;
    let naar_user: Option<String> = r.try_get("naar_user")?;
    if goedkeuren {
        model::ruil_goedkeuring(
            &auth.principal().user_id,
            &r.try_get::<String, _>("aangevraagd_door")?,
            &[van_user.as_deref(), naar_user.as_deref()],
        )
        .map_err(|k| invalid("ruil", k))?;
    }
    let piket_id: String = r.try_get("piket_id")?;
    let naar: String = r.try_get("naar_persoon_id")?;
    let mut tx = db.begin().await?;
    if goedkeuren {
        let moved = sqlx::query(
            "UPDATE crisis_piket SET persoon_id = $1 WHERE id = $2 AND NOT EXISTS \
             (SELECT 1 FROM crisis_piket o WHERE o.week = crisis_piket.week \
              AND o.functie_id = crisis_piket.functie_id AND o.persoon_id = $1)",
        )
        .bind(&naar)
        .bind(&piket_id)
        .execute(tx.conn()?)
        .await?;
        if moved.rows_affected() == 0 {
            tx.rollback().await?;
            return Err(invalid("ruil", "crisis-error-duty-exists"));
        }
    }
    sqlx::query(
        "UPDATE crisis_ruil SET status = $1, beslist_door = $2, beslist_at = $3 WHERE id = $4",
    )
    .bind(if goedkeuren {
        "goedgekeurd"
    } else {
        "afgewezen"
    })
    .bind(&auth.principal().user_id)
    .bind(now_ms())
    .bind(ruil_id)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Who is on call in the week of `today`: (function name, person names), for the start page.
pub async fn nu_piket(
    db: &Db,
    organisation_id: &str,
    today: Date,
) -> Result<Vec<(String, Vec<String>)>> {
    let monday = model::maandag(today).to_string();
    let rows = sqlx::query(
        "SELECT f.id, f.naam, p.naam AS persoon FROM crisis_functie f \
         LEFT JOIN crisis_piket k ON k.functie_id = f.id AND k.week = $1 \
         AND k.persoon_id IN (SELECT id FROM crisis_persoon WHERE organisation_id = $2) \
         LEFT JOIN crisis_persoon p ON p.id = k.persoon_id \
         WHERE f.piket = 1 ORDER BY f.volgorde, p.naam",
    )
    .bind(&monday)
    .bind(organisation_id)
    .fetch_all(db.pool())
    .await?;
    let mut out: Vec<(String, String, Vec<String>)> = Vec::new();
    for r in &rows {
        let id: String = r.try_get("id")?;
        let persoon: Option<String> = r.try_get("persoon")?;
        match out.iter_mut().find(|(i, _, _)| *i == id) {
            Some((_, _, names)) => names.extend(persoon),
            None => out.push((id, r.try_get("naam")?, persoon.into_iter().collect())),
        }
    }
    Ok(out.into_iter().map(|(_, f, n)| (f, n)).collect())
}

// ---------------------------------------------------------------------------------------------
// Exercises, trainings and lessons.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Oefening {
    pub id: String,
    pub jaar: i64,
    pub titel: String,
    /// `regionaal`, `lokaal` or `training`.
    pub soort: String,
    /// The team level reached: `team-bz`, `copi`, `rot`, `gbt`, `rbt`.
    pub niveau: String,
    pub scenario: String,
    pub deelnemers: String,
    pub gepland_op: String,
    pub uitgevoerd_op: Option<String>,
    pub verloop: String,
    pub evaluatie: String,
    pub geevalueerd_op: Option<String>,
}

impl Oefening {
    pub fn feit(&self) -> Option<model::OefeningFeit> {
        Some(model::OefeningFeit {
            soort: Soort::from_slug(&self.soort)?,
            niveau: Niveau::from_slug(&self.niveau)?,
            uitgevoerd: self.uitgevoerd_op.is_some(),
        })
    }
}

fn oefening_of(r: &sqlx::any::AnyRow) -> Result<Oefening> {
    Ok(Oefening {
        id: r.try_get("id")?,
        jaar: r.try_get("jaar")?,
        titel: r.try_get("titel")?,
        soort: r.try_get("soort")?,
        niveau: r.try_get("niveau")?,
        scenario: r.try_get("scenario")?,
        deelnemers: r.try_get("deelnemers")?,
        gepland_op: r.try_get("gepland_op")?,
        uitgevoerd_op: r.try_get("uitgevoerd_op")?,
        verloop: r.try_get("verloop")?,
        evaluatie: r.try_get("evaluatie")?,
        geevalueerd_op: r.try_get("geevalueerd_op")?,
    })
}

const OEFENING_COLS: &str = "id, jaar, titel, soort, niveau, scenario, deelnemers, gepland_op, \
     uitgevoerd_op, verloop, evaluatie, geevalueerd_op";

/// The exercises and trainings of a year.
pub async fn oefeningen<A: access::ActionKind>(
    db: &Db,
    auth: &Authorized<Crisis, A>,
    jaar: i64,
) -> Result<Vec<Oefening>> {
    let rows = sqlx::query(&format!(
        "SELECT {OEFENING_COLS} FROM crisis_oefening WHERE organisation_id = $1 AND jaar = $2 \
         ORDER BY gepland_op, titel"
    ))
    .bind(&auth.resource().organisation_id)
    .bind(jaar)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(oefening_of).collect()
}

/// Every exercise held or planned of every organisation in a year, for the policy count.
async fn oefeningen_alle(db: &Db, jaar: i64) -> Result<Vec<Oefening>> {
    let rows = sqlx::query(&format!(
        "SELECT {OEFENING_COLS} FROM crisis_oefening WHERE jaar = $1"
    ))
    .bind(jaar)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(oefening_of).collect()
}

/// What the policy indicators count of the exercises in a calendar year.
#[derive(Clone, Copy, Debug)]
pub enum Telling {
    /// Exercises held (not trainings).
    Gehouden,
    /// Held up to GBT level, of one kind.
    TotGbt(Soort),
    /// 1 when the yearly requirement is met, else 0.
    Norm,
}

pub async fn tel(db: &Db, jaar: i64, telling: Telling) -> Result<i64> {
    let all = oefeningen_alle(db, jaar).await?;
    let feiten: Vec<model::OefeningFeit> = all.iter().filter_map(Oefening::feit).collect();
    Ok(match telling {
        Telling::Gehouden => feiten
            .iter()
            .filter(|f| f.uitgevoerd && f.soort != Soort::Training)
            .count() as i64,
        Telling::TotGbt(s) => feiten
            .iter()
            .filter(|f| f.uitgevoerd && f.soort == s && f.niveau >= Niveau::Gbt)
            .count() as i64,
        Telling::Norm => i64::from(model::oefennorm(&feiten).gehaald()),
    })
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Leerpunt {
    pub id: String,
    pub tekst: String,
    pub eigenaar: String,
    pub uiterlijk: String,
    pub afsluiting: String,
    pub gesloten: bool,
}

async fn leerpunten_van(db: &Db, column: &str, id: &str) -> Result<Vec<Leerpunt>> {
    let rows = sqlx::query(&format!(
        "SELECT id, tekst, eigenaar, uiterlijk, afsluiting, gesloten_at FROM crisis_leerpunt \
         WHERE {column} = $1 ORDER BY created_at, id"
    ))
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Leerpunt {
                id: r.try_get("id")?,
                tekst: r.try_get("tekst")?,
                eigenaar: r.try_get("eigenaar")?,
                uiterlijk: r.try_get("uiterlijk")?,
                afsluiting: r.try_get("afsluiting")?,
                gesloten: r.try_get::<Option<i64>, _>("gesloten_at")?.is_some(),
            })
        })
        .collect()
}

/// One exercise with its lessons.
pub async fn oefening<A: access::ActionKind>(
    db: &Db,
    auth: &Authorized<Crisis, A>,
) -> Result<(Oefening, Vec<Leerpunt>)> {
    let id = rec_id(auth)?;
    let row = sqlx::query(&format!(
        "SELECT {OEFENING_COLS} FROM crisis_oefening WHERE id = $1"
    ))
    .bind(&id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let o = oefening_of(&row)?;
    let l = leerpunten_van(db, "oefening_id", &id).await?;
    Ok((o, l))
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NieuweOefening {
    pub titel: String,
    /// `regionaal`, `lokaal` or `training`.
    pub soort: String,
    /// `team-bz`, `copi`, `rot`, `gbt` or `rbt`.
    pub niveau: String,
    pub scenario: String,
    pub deelnemers: String,
    /// `YYYY-MM-DD`.
    pub gepland_op: String,
}

fn text_ok(s: &str, max: usize) -> bool {
    !s.trim().is_empty() && s.chars().count() <= max
}

/// Plans an exercise or training in the year of its date.
pub async fn oefening_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Create>,
    o: &NieuweOefening,
) -> Result<String> {
    let mut errors = Vec::new();
    if !text_ok(&o.titel, 200) {
        errors.push(field_error("titel", "crisis-error-title"));
    }
    if Soort::from_slug(&o.soort).is_none() {
        errors.push(field_error("soort", "crisis-error-kind"));
    }
    if Niveau::from_slug(&o.niveau).is_none() {
        errors.push(field_error("niveau", "crisis-error-level"));
    }
    if !text_ok(&o.scenario, 2000) {
        errors.push(field_error("scenario", "crisis-error-scenario"));
    }
    if !text_ok(&o.deelnemers, 2000) {
        errors.push(field_error("deelnemers", "crisis-error-participants"));
    }
    let datum = date_of(&o.gepland_op);
    if datum.is_none() {
        errors.push(field_error("gepland_op", "crisis-error-date"));
    }
    let Some(datum) = datum.filter(|_| errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO crisis_oefening (id, organisation_id, jaar, titel, soort, niveau, scenario, \
         deelnemers, gepland_op, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(&id)
    .bind(&auth.resource().organisation_id)
    .bind(i64::from(datum.year()))
    .bind(o.titel.trim())
    .bind(&o.soort)
    .bind(&o.niveau)
    .bind(o.scenario.trim())
    .bind(o.deelnemers.trim())
    .bind(datum.to_string())
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    auth.record_created(&mut tx, "crisis-oefening", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Records that an exercise was held, on which date and how it went.
pub async fn oefening_uitgevoerd(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    datum: &str,
    verloop: &str,
) -> Result<()> {
    let id = rec_id(auth)?;
    let mut errors = Vec::new();
    let d = date_of(datum);
    if d.is_none() {
        errors.push(field_error("uitgevoerd_op", "crisis-error-date"));
    }
    if !text_ok(verloop, 5000) {
        errors.push(field_error("verloop", "crisis-error-text"));
    }
    let Some(d) = d.filter(|_| errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE crisis_oefening SET uitgevoerd_op = $1, verloop = $2, jaar = $3, updated_at = $4 \
         WHERE id = $5",
    )
    .bind(d.to_string())
    .bind(verloop.trim())
    .bind(i64::from(d.year()))
    .bind(now_ms())
    .bind(&id)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Records the evaluation of a held exercise.
pub async fn oefening_evaluatie(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    evaluatie: &str,
) -> Result<()> {
    let id = rec_id(auth)?;
    if !text_ok(evaluatie, 10000) {
        return Err(invalid("evaluatie", "crisis-error-text"));
    }
    let held = sqlx::query("SELECT uitgevoerd_op FROM crisis_oefening WHERE id = $1")
        .bind(&id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    if held
        .try_get::<Option<String>, _>("uitgevoerd_op")?
        .is_none()
    {
        return Err(invalid("evaluatie", "crisis-error-not-held"));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE crisis_oefening SET evaluatie = $1, geevalueerd_op = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(evaluatie.trim())
    .bind(platform::db::today_nl().to_string())
    .bind(now_ms())
    .bind(&id)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a lesson as an action with an owner and a date, to an exercise or an incident.
pub async fn leerpunt_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    tekst: &str,
    eigenaar: &str,
    uiterlijk: &str,
) -> Result<String> {
    let parent = rec_id(auth)?;
    let column = match auth.resource().onderdeel {
        Onderdeel::Oefening => "oefening_id",
        Onderdeel::Incident => "incident_id",
        _ => return Err(StoreError::NotFound),
    };
    let mut errors = Vec::new();
    if !text_ok(tekst, 2000) {
        errors.push(field_error("tekst", "crisis-error-text"));
    }
    if !text_ok(eigenaar, 200) {
        errors.push(field_error("eigenaar", "crisis-error-owner"));
    }
    if date_of(uiterlijk).is_none() {
        errors.push(field_error("uiterlijk", "crisis-error-date"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let id = new_id();
    let mut tx = db.begin().await?;
    sqlx::query(&format!(
        "INSERT INTO crisis_leerpunt (id, {column}, tekst, eigenaar, uiterlijk, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(&id)
    .bind(&parent)
    .bind(tekst.trim())
    .bind(eigenaar.trim())
    .bind(uiterlijk.trim())
    .bind(now_ms())
    .bind(&auth.principal().user_id)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// Closes a lesson with what was done.
pub async fn leerpunt_sluiten(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    leerpunt_id: &str,
    afsluiting: &str,
) -> Result<()> {
    let parent = rec_id(auth)?;
    if !text_ok(afsluiting, 2000) {
        return Err(invalid("afsluiting", "crisis-error-text"));
    }
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE crisis_leerpunt SET afsluiting = $1, gesloten_at = $2, gesloten_door = $3 \
         WHERE id = $4 AND gesloten_at IS NULL AND (oefening_id = $5 OR incident_id = $5)",
    )
    .bind(afsluiting.trim())
    .bind(now_ms())
    .bind(&auth.principal().user_id)
    .bind(leerpunt_id)
    .bind(&parent)
    .execute(tx.conn()?)
    .await?;
    if done.rows_affected() == 0 {
        tx.rollback().await?;
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Open lessons of the organisation past their date (for the start page).
pub async fn leerpunten_te_laat(db: &Db, organisation_id: &str, today: Date) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM crisis_leerpunt l \
         LEFT JOIN crisis_oefening o ON o.id = l.oefening_id \
         LEFT JOIN crisis_incident i ON i.id = l.incident_id \
         WHERE l.gesloten_at IS NULL AND l.uiterlijk < $1 \
         AND (o.organisation_id = $2 OR i.organisation_id = $2)",
    )
    .bind(today.to_string())
    .bind(organisation_id)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get("n")?)
}

// ---------------------------------------------------------------------------------------------
// Incidents.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Incident {
    pub id: String,
    pub titel: String,
    /// An exercise run in incident mode: kept apart and marked as such everywhere.
    pub oefenmodus: bool,
    /// `actief` or `afgesloten`.
    pub status: String,
    /// The current GRIP level.
    pub grip: Option<i64>,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub evaluatie: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct GripWijziging {
    pub niveau: i64,
    pub toelichting: String,
    pub at: i64,
    pub door: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct LogRegel {
    pub id: String,
    pub at: i64,
    pub auteur: String,
    pub functie: String,
    pub bron: String,
    pub tekst: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Beeld {
    pub discipline: String,
    pub versie: i64,
    pub beeld: String,
    pub oordeel: String,
    pub besluit: String,
    pub at: i64,
    pub door: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Besluit {
    pub id: String,
    pub tekst: String,
    pub actiehouder: String,
    pub herbeoordeling_at: Option<i64>,
    pub at: i64,
    pub door: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct IncidentDetail {
    pub incident: Incident,
    pub grip: Vec<GripWijziging>,
    pub logboek: Vec<LogRegel>,
    pub beelden: Vec<Beeld>,
    pub besluiten: Vec<Besluit>,
    pub leerpunten: Vec<Leerpunt>,
}

const INCIDENT_SELECT: &str = "SELECT i.id, i.titel, i.oefenmodus, i.status, i.started_at, \
     i.ended_at, i.evaluatie, (SELECT g.niveau FROM crisis_grip g WHERE g.incident_id = i.id \
     ORDER BY g.at DESC, g.id DESC LIMIT 1) AS grip FROM crisis_incident i";

fn incident_of(r: &sqlx::any::AnyRow) -> Result<Incident> {
    Ok(Incident {
        id: r.try_get("id")?,
        titel: r.try_get("titel")?,
        oefenmodus: r.try_get::<i64, _>("oefenmodus")? == 1,
        status: r.try_get("status")?,
        grip: r.try_get("grip")?,
        started_at: r.try_get("started_at")?,
        ended_at: r.try_get("ended_at")?,
        evaluatie: r.try_get("evaluatie")?,
    })
}

/// The incidents (real and exercise mode) of the organisation, newest first.
pub async fn incidenten(db: &Db, auth: &Authorized<Crisis, act::List>) -> Result<Vec<Incident>> {
    let rows = sqlx::query(&format!(
        "{INCIDENT_SELECT} WHERE i.organisation_id = $1 ORDER BY i.started_at DESC, i.id"
    ))
    .bind(&auth.resource().organisation_id)
    .fetch_all(db.pool())
    .await?;
    auth.record_grouped(db).await?;
    rows.iter().map(incident_of).collect()
}

/// Everything of one incident (audited as a read).
pub async fn incident<A: access::ActionKind>(
    db: &Db,
    auth: &Authorized<Crisis, A>,
) -> Result<IncidentDetail> {
    let id = rec_id(auth)?;
    let row = sqlx::query(&format!("{INCIDENT_SELECT} WHERE i.id = $1"))
        .bind(&id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let incident = incident_of(&row)?;
    let grip = sqlx::query(
        "SELECT niveau, toelichting, at, door_naam FROM crisis_grip WHERE incident_id = $1 \
         ORDER BY at, id",
    )
    .bind(&id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(GripWijziging {
            niveau: r.try_get("niveau")?,
            toelichting: r.try_get("toelichting")?,
            at: r.try_get("at")?,
            door: r.try_get("door_naam")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let logboek = sqlx::query(
        "SELECT id, at, auteur_naam, functie, bron, tekst FROM crisis_logboek \
         WHERE incident_id = $1 ORDER BY at, id",
    )
    .bind(&id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(LogRegel {
            id: r.try_get("id")?,
            at: r.try_get("at")?,
            auteur: r.try_get("auteur_naam")?,
            functie: r.try_get("functie")?,
            bron: r.try_get("bron")?,
            tekst: r.try_get("tekst")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let beelden = sqlx::query(
        "SELECT discipline, versie, beeld, oordeel, besluit, at, door_naam FROM crisis_beeld \
         WHERE incident_id = $1 ORDER BY discipline, versie DESC",
    )
    .bind(&id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Beeld {
            discipline: r.try_get("discipline")?,
            versie: r.try_get("versie")?,
            beeld: r.try_get("beeld")?,
            oordeel: r.try_get("oordeel")?,
            besluit: r.try_get("besluit")?,
            at: r.try_get("at")?,
            door: r.try_get("door_naam")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let besluiten = sqlx::query(
        "SELECT id, tekst, actiehouder, herbeoordeling_at, at, door_naam FROM crisis_besluit \
         WHERE incident_id = $1 ORDER BY at, id",
    )
    .bind(&id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(Besluit {
            id: r.try_get("id")?,
            tekst: r.try_get("tekst")?,
            actiehouder: r.try_get("actiehouder")?,
            herbeoordeling_at: r.try_get("herbeoordeling_at")?,
            at: r.try_get("at")?,
            door: r.try_get("door_naam")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let leerpunten = leerpunten_van(db, "incident_id", &id).await?;
    auth.record_grouped(db).await?;
    Ok(IncidentDetail {
        incident,
        grip,
        logboek,
        beelden,
        besluiten,
        leerpunten,
    })
}

async fn log_in(
    tx: &mut platform::db::Tx,
    incident_id: &str,
    p: &Principal,
    functie: &str,
    bron: &str,
    tekst: &str,
) -> Result<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO crisis_logboek (id, incident_id, at, auteur_user, auteur_naam, functie, bron, \
         tekst) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(incident_id)
    .bind(now_ms())
    .bind(&p.user_id)
    .bind(&p.name)
    .bind(functie)
    .bind(bron)
    .bind(tekst)
    .execute(tx.conn()?)
    .await?;
    Ok(id)
}

/// Starts an incident (or an exercise in incident mode) at a GRIP level.
pub async fn incident_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Create>,
    titel: &str,
    oefenmodus: bool,
    grip: i64,
) -> Result<String> {
    let mut errors = Vec::new();
    if !text_ok(titel, 200) {
        errors.push(field_error("titel", "crisis-error-title"));
    }
    if model::grip_wijziging(None, grip).is_err() {
        errors.push(field_error("grip", "crisis-error-grip-level"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let id = new_id();
    let now = now_ms();
    let p = auth.principal();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO crisis_incident (id, organisation_id, titel, oefenmodus, status, started_at, \
         created_by) VALUES ($1, $2, $3, $4, 'actief', $5, $6)",
    )
    .bind(&id)
    .bind(&auth.resource().organisation_id)
    .bind(titel.trim())
    .bind(i64::from(oefenmodus))
    .bind(now)
    .bind(&p.user_id)
    .execute(tx.conn()?)
    .await?;
    sqlx::query(
        "INSERT INTO crisis_grip (id, incident_id, niveau, toelichting, at, door_user, door_naam) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(&id)
    .bind(grip)
    .bind("")
    .bind(now)
    .bind(&p.user_id)
    .bind(&p.name)
    .execute(tx.conn()?)
    .await?;
    log_in(
        &mut tx,
        &id,
        p,
        "",
        "baken",
        &format!("Gestart op {}", model::grip_omschrijving(grip)),
    )
    .await?;
    auth.record_created(&mut tx, "crisis-incident", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

async fn must_be_active(db: &Db, id: &str) -> Result<Option<i64>> {
    let row = sqlx::query(&format!("{INCIDENT_SELECT} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let i = incident_of(&row)?;
    if i.status != "actief" {
        return Err(invalid("incident", "crisis-error-closed"));
    }
    Ok(i.grip)
}

/// Changes the GRIP level (with a log entry saying so).
pub async fn grip_wijzigen(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    niveau: i64,
    toelichting: &str,
) -> Result<()> {
    let id = rec_id(auth)?;
    let huidig = must_be_active(db, &id).await?;
    model::grip_wijziging(huidig, niveau).map_err(|k| invalid("niveau", k))?;
    if toelichting.chars().count() > 2000 {
        return Err(invalid("toelichting", "crisis-error-text"));
    }
    let p = auth.principal();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO crisis_grip (id, incident_id, niveau, toelichting, at, door_user, door_naam) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(&id)
    .bind(niveau)
    .bind(toelichting.trim())
    .bind(now_ms())
    .bind(&p.user_id)
    .bind(&p.name)
    .execute(tx.conn()?)
    .await?;
    let mut tekst = model::grip_omschrijving(niveau).to_string();
    if !toelichting.trim().is_empty() {
        tekst = format!("{tekst}. {}", toelichting.trim());
    }
    log_in(&mut tx, &id, p, "", "baken", &tekst).await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a logbook entry; entries are never changed or removed (the database refuses it).
pub async fn log_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    functie: &str,
    bron: &str,
    tekst: &str,
) -> Result<String> {
    let id = rec_id(auth)?;
    must_be_active(db, &id).await?;
    let mut errors = Vec::new();
    if functie.chars().count() > 200 {
        errors.push(field_error("functie", "crisis-error-function"));
    }
    if !model::BRONNEN.contains(&bron) {
        errors.push(field_error("bron", "crisis-error-source"));
    }
    if !text_ok(tekst, 5000) {
        errors.push(field_error("tekst", "crisis-error-text"));
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let entry = log_in(
        &mut tx,
        &id,
        auth.principal(),
        functie.trim(),
        bron,
        tekst.trim(),
    )
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(entry)
}

/// Adds a new version of the situational picture of a discipline (or the combined one).
pub async fn beeld_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    discipline: &str,
    beeld: &str,
    oordeel: &str,
    besluit: &str,
) -> Result<i64> {
    let id = rec_id(auth)?;
    must_be_active(db, &id).await?;
    let mut errors = Vec::new();
    if !model::DISCIPLINES.iter().any(|(s, _)| *s == discipline) {
        errors.push(field_error("discipline", "crisis-error-discipline"));
    }
    for (field, v) in [("beeld", beeld), ("oordeel", oordeel), ("besluit", besluit)] {
        if !text_ok(v, 5000) {
            errors.push(field_error(field, "crisis-error-text"));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "SELECT COALESCE(MAX(versie), 0) AS v FROM crisis_beeld WHERE incident_id = $1 AND discipline = $2",
    )
    .bind(&id)
    .bind(discipline)
    .fetch_one(tx.conn()?)
    .await?;
    let versie = row.try_get::<i64, _>("v")? + 1;
    sqlx::query(
        "INSERT INTO crisis_beeld (id, incident_id, discipline, versie, beeld, oordeel, besluit, at, \
         door_naam) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(&id)
    .bind(discipline)
    .bind(versie)
    .bind(beeld.trim())
    .bind(oordeel.trim())
    .bind(besluit.trim())
    .bind(now_ms())
    .bind(&auth.principal().name)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(versie)
}

/// Parses a moment typed as `YYYY-MM-DD HH:MM` (Dutch time).
pub fn parse_moment(s: &str) -> Option<i64> {
    let s = s.trim().replace('T', " ");
    let dt = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M", &s).ok()?;
    dt.in_tz("Europe/Amsterdam")
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

/// Records a decision of the GBT with its action holder and, optionally, when it is looked at
/// again.
pub async fn besluit_nieuw(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    tekst: &str,
    actiehouder: &str,
    herbeoordeling: &str,
) -> Result<String> {
    let id = rec_id(auth)?;
    must_be_active(db, &id).await?;
    let mut errors = Vec::new();
    if !text_ok(tekst, 5000) {
        errors.push(field_error("tekst", "crisis-error-text"));
    }
    if !text_ok(actiehouder, 200) {
        errors.push(field_error("actiehouder", "crisis-error-owner"));
    }
    let her = if herbeoordeling.trim().is_empty() {
        None
    } else {
        match parse_moment(herbeoordeling) {
            Some(ms) => Some(ms),
            None => {
                errors.push(field_error("herbeoordeling", "crisis-error-moment"));
                None
            }
        }
    };
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let bid = new_id();
    let p = auth.principal();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO crisis_besluit (id, incident_id, tekst, actiehouder, herbeoordeling_at, at, \
         door_naam) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&bid)
    .bind(&id)
    .bind(tekst.trim())
    .bind(actiehouder.trim())
    .bind(her)
    .bind(now_ms())
    .bind(&p.name)
    .execute(tx.conn()?)
    .await?;
    log_in(
        &mut tx,
        &id,
        p,
        "GBT",
        "gbt",
        &format!(
            "Besluit: {} (actiehouder: {})",
            tekst.trim(),
            actiehouder.trim()
        ),
    )
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(bid)
}

/// Ends an incident with its evaluation; lessons can still be added and closed afterwards.
pub async fn incident_afsluiten(
    db: &Db,
    auth: &Authorized<Crisis, act::Update>,
    evaluatie: &str,
) -> Result<()> {
    let id = rec_id(auth)?;
    must_be_active(db, &id).await?;
    if evaluatie.chars().count() > 10000 {
        return Err(invalid("evaluatie", "crisis-error-text"));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE crisis_incident SET status = 'afgesloten', ended_at = $1, evaluatie = $2 WHERE id = $3",
    )
    .bind(now_ms())
    .bind(evaluatie.trim())
    .bind(&id)
    .execute(tx.conn()?)
    .await?;
    log_in(&mut tx, &id, auth.principal(), "", "baken", "Afgesloten").await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Active incidents of the organisation (for the start page).
pub async fn actieve_incidenten(db: &Db, organisation_id: &str) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(CASE WHEN oefenmodus = 0 THEN 1 END) AS echt, \
         COUNT(CASE WHEN oefenmodus = 1 THEN 1 END) AS oefen FROM crisis_incident \
         WHERE organisation_id = $1 AND status = 'actief'",
    )
    .bind(organisation_id)
    .fetch_one(db.pool())
    .await?;
    Ok((row.try_get("echt")?, row.try_get("oefen")?))
}

pub fn org_of<A: access::ActionKind>(auth: &Authorized<Crisis, A>) -> String {
    org(auth)
}
