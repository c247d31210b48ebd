//! The module's tables: the only code that touches them. Changes take an access decision in
//! their type and leave an audit record in their own transaction.

use platform::access::{
    self, act, AccessError, ActionType, Authorized, Principal, Purpose, RequestContext,
};
use platform::db::{day_start_ms_nl, new_id, now_ms, Db, DbError, Tx};
use platform::identity::FieldError;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access::{Activiteiten, Bulletins, Buurten, Contacten, Groepen, Partners};
use crate::model::{self, Activiteit, Bulletin, Soort, Status};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Identity(#[from] platform::identity::IdentityError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(e.into())
    }
}

impl From<platform::mail::MailError> for StoreError {
    fn from(e: platform::mail::MailError) -> Self {
        match e {
            platform::mail::MailError::Db(d) => StoreError::Db(d),
            platform::mail::MailError::Address(a) => {
                StoreError::Invalid(vec![platform::identity::field_error("email", &a)])
            }
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The access decision for activities (`id` None: the list, or a new one).
pub async fn authorize_activiteiten<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    id: Option<&str>,
) -> std::result::Result<Authorized<Activiteiten, A>, AccessError> {
    access::authorize_as::<A, _>(
        db,
        request,
        p,
        Activiteiten {
            id: id.map(str::to_string),
        },
        Purpose::Uitvoering,
    )
    .await
}

/// The access decision for bulletins.
pub async fn authorize_bulletins<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    id: Option<&str>,
) -> std::result::Result<Authorized<Bulletins, A>, AccessError> {
    access::authorize_as::<A, _>(
        db,
        request,
        p,
        Bulletins {
            id: id.map(str::to_string),
        },
        Purpose::Uitvoering,
    )
    .await
}

/// The access decision for youth groups.
pub async fn authorize_groepen<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    id: Option<&str>,
) -> std::result::Result<Authorized<Groepen, A>, AccessError> {
    access::authorize_as::<A, _>(
        db,
        request,
        p,
        Groepen {
            id: id.map(str::to_string),
        },
        Purpose::Uitvoering,
    )
    .await
}

/// The access decision for partners and agreements.
pub async fn authorize_partners<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    id: Option<&str>,
) -> std::result::Result<Authorized<Partners, A>, AccessError> {
    access::authorize_as::<A, _>(
        db,
        request,
        p,
        Partners {
            id: id.map(str::to_string),
        },
        Purpose::Uitvoering,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Activities.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ActiviteitRij {
    pub id: String,
    pub soort: String,
    pub titel: String,
    pub doelgroep: String,
    /// The wijk code, or none for the whole municipality.
    pub wijk: Option<String>,
    /// YYYY-MM-DD.
    pub datum: String,
    pub partners: String,
    /// `gepland`, `gehouden` or `geannuleerd`.
    pub status: String,
    pub uitnodigingen: Option<i64>,
    pub aanmeldingen: Option<i64>,
    pub opkomst: Option<i64>,
    pub evaluatie: String,
}

const ACTIVITEIT_COLS: &str = "id, soort, titel, doelgroep, wijk_code, datum, partners, status, \
     uitnodigingen, aanmeldingen, opkomst, evaluatie";

fn activiteit(r: &AnyRow) -> std::result::Result<ActiviteitRij, sqlx::Error> {
    Ok(ActiviteitRij {
        id: r.try_get("id")?,
        soort: r.try_get("soort")?,
        titel: r.try_get("titel")?,
        doelgroep: r.try_get("doelgroep")?,
        wijk: r.try_get("wijk_code")?,
        datum: r.try_get("datum")?,
        partners: r.try_get("partners")?,
        status: r.try_get("status")?,
        uitnodigingen: r.try_get("uitnodigingen")?,
        aanmeldingen: r.try_get("aanmeldingen")?,
        opkomst: r.try_get("opkomst")?,
        evaluatie: r.try_get("evaluatie")?,
    })
}

/// The activities of the person's organisation, newest date first.
pub async fn activiteiten(
    db: &Db,
    auth: &Authorized<Activiteiten, act::List>,
) -> Result<Vec<ActiviteitRij>> {
    let rows = sqlx::query(&format!(
        "SELECT {ACTIVITEIT_COLS} FROM preventie_activiteit WHERE organisation_id = $1 \
         ORDER BY datum DESC, titel"
    ))
    .bind(&auth.principal().organisation_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(activiteit)
        .collect::<std::result::Result<_, _>>()?)
}

/// One activity of the person's organisation.
pub async fn activiteit_by_id<A: ActionType>(
    db: &Db,
    auth: &Authorized<Activiteiten, A>,
) -> Result<ActiviteitRij> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let row = sqlx::query(&format!(
        "SELECT {ACTIVITEIT_COLS} FROM preventie_activiteit WHERE id = $1 AND organisation_id = $2"
    ))
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(activiteit(&row)?)
}

/// Records a new activity; returns its id.
pub async fn activiteit_nieuw(
    db: &Db,
    auth: &Authorized<Activiteiten, act::Create>,
    a: &Activiteit,
) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO preventie_activiteit (id, organisation_id, soort, titel, doelgroep, wijk_code, \
         datum, datum_ms, partners, status, uitnodigingen, aanmeldingen, opkomst, evaluatie, \
         created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
    )
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .bind(a.soort.slug())
    .bind(&a.titel)
    .bind(&a.doelgroep)
    .bind(&a.wijk)
    .bind(a.datum.to_string())
    .bind(day_start_ms_nl(a.datum))
    .bind(&a.partners)
    .bind(a.status.slug())
    .bind(a.uitnodigingen)
    .bind(a.aanmeldingen)
    .bind(a.opkomst)
    .bind(&a.evaluatie)
    .bind(&auth.principal().user_id)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    auth.record_created(&mut tx, "preventie_activiteit", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes an activity (plan, figures, evaluation).
pub async fn activiteit_wijzigen(
    db: &Db,
    auth: &Authorized<Activiteiten, act::Update>,
    a: &Activiteit,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE preventie_activiteit SET soort = $1, titel = $2, doelgroep = $3, wijk_code = $4, \
         datum = $5, datum_ms = $6, partners = $7, status = $8, uitnodigingen = $9, \
         aanmeldingen = $10, opkomst = $11, evaluatie = $12, updated_at = $13 \
         WHERE id = $14 AND organisation_id = $15",
    )
    .bind(a.soort.slug())
    .bind(&a.titel)
    .bind(&a.doelgroep)
    .bind(&a.wijk)
    .bind(a.datum.to_string())
    .bind(day_start_ms_nl(a.datum))
    .bind(&a.partners)
    .bind(a.status.slug())
    .bind(a.uitnodigingen)
    .bind(a.aanmeldingen)
    .bind(a.opkomst)
    .bind(&a.evaluatie)
    .bind(now_ms())
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .execute(tx.conn()?)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// What a policy indicator counts of the activities held in a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Telling {
    /// The number of activities held.
    Gehouden,
    /// Their reach: the attendance summed.
    Bereik,
}

/// Counts the activities held (of one kind, or all) whose date lies in [from, until).
pub async fn tel_activiteiten(
    db: &Db,
    telling: Telling,
    soort: Option<Soort>,
    from_ms: i64,
    until_ms: i64,
) -> Result<i64> {
    let what = match telling {
        Telling::Gehouden => "COUNT(*)",
        Telling::Bereik => "CAST(COALESCE(SUM(opkomst), 0) AS BIGINT)",
    };
    let (filter, slug) = match soort {
        Some(s) => ("AND soort = $4", s.slug()),
        None => ("AND $4 = $4", ""),
    };
    let row = sqlx::query(&format!(
        "SELECT {what} AS n FROM preventie_activiteit WHERE status = $1 AND datum_ms >= $2 \
         AND datum_ms < $3 {filter}"
    ))
    .bind(Status::Gehouden.slug())
    .bind(from_ms)
    .bind(until_ms)
    .bind(slug)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get::<i64, _>("n")?)
}

/// Writes an audit entry of the system or of the public (origin "web") in `tx`: no person is
/// named, only the kind and id of the record.
pub(crate) async fn system_audit(
    tx: &mut Tx,
    origin: &str,
    action: &str,
    kind: &str,
    id: Option<&str>,
) -> Result<()> {
    let mut e = platform::audit::AuditEntry::system(origin, action, kind);
    e.resource_id = id.map(str::to_string);
    e.purpose = Purpose::Uitvoering.slug().into();
    platform::audit::append(tx, &e).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Bulletins.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BulletinRij {
    pub id: String,
    pub titel: String,
    /// `iedereen`, `inwoners` or `ondernemers`.
    pub doelgroep: String,
    pub tekst: String,
    /// When it was published on the public page (YYYY-MM-DD), if it was.
    pub gepubliceerd: Option<String>,
    /// Whether sending to the list has started.
    pub verzending_gestart: bool,
    /// Subscribers it is being sent to (counted when sending started).
    pub ontvangers: i64,
    /// Of those, how many mails are in the outbox.
    pub verzonden: i64,
}

impl BulletinRij {
    pub fn procent(&self) -> i64 {
        model::percent(self.verzonden, self.ontvangers)
    }
}

const BULLETIN_COLS: &str =
    "id, titel, doelgroep, tekst, gepubliceerd_at, verzending_at, ontvangers, verzonden";

fn bulletin(r: &AnyRow) -> std::result::Result<BulletinRij, sqlx::Error> {
    let gepubliceerd: Option<i64> = r.try_get("gepubliceerd_at")?;
    let verzending: Option<i64> = r.try_get("verzending_at")?;
    Ok(BulletinRij {
        id: r.try_get("id")?,
        titel: r.try_get("titel")?,
        doelgroep: r.try_get("doelgroep")?,
        tekst: r.try_get("tekst")?,
        gepubliceerd: gepubliceerd.map(|ms| platform::db::date_nl(ms).to_string()),
        verzending_gestart: verzending.is_some(),
        ontvangers: r.try_get("ontvangers")?,
        verzonden: r.try_get("verzonden")?,
    })
}

/// The bulletins of the person's organisation, newest first.
pub async fn bulletins(
    db: &Db,
    auth: &Authorized<Bulletins, act::List>,
) -> Result<Vec<BulletinRij>> {
    let rows = sqlx::query(&format!(
        "SELECT {BULLETIN_COLS} FROM preventie_bulletin WHERE organisation_id = $1 \
         ORDER BY created_at DESC"
    ))
    .bind(&auth.principal().organisation_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(bulletin)
        .collect::<std::result::Result<_, _>>()?)
}

/// One bulletin of the person's organisation.
pub async fn bulletin_by_id<A: ActionType>(
    db: &Db,
    auth: &Authorized<Bulletins, A>,
) -> Result<BulletinRij> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let row = sqlx::query(&format!(
        "SELECT {BULLETIN_COLS} FROM preventie_bulletin WHERE id = $1 AND organisation_id = $2"
    ))
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(bulletin(&row)?)
}

/// The published bulletins, newest first (the public page).
pub async fn gepubliceerde_bulletins(db: &Db) -> Result<Vec<BulletinRij>> {
    let rows = sqlx::query(&format!(
        "SELECT {BULLETIN_COLS} FROM preventie_bulletin WHERE gepubliceerd_at IS NOT NULL \
         ORDER BY gepubliceerd_at DESC LIMIT 200"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(bulletin)
        .collect::<std::result::Result<_, _>>()?)
}

/// One published bulletin (the public page).
pub async fn gepubliceerd_bulletin(db: &Db, id: &str) -> Result<BulletinRij> {
    let row = sqlx::query(&format!(
        "SELECT {BULLETIN_COLS} FROM preventie_bulletin WHERE id = $1 AND gepubliceerd_at IS NOT NULL"
    ))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(bulletin(&row)?)
}

/// Writes a new bulletin (a draft).
pub async fn bulletin_nieuw(
    db: &Db,
    auth: &Authorized<Bulletins, act::Create>,
    b: &Bulletin,
) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO preventie_bulletin (id, organisation_id, titel, doelgroep, tekst, ontvangers, \
         verzonden, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, 0, $6, $7, $7)",
    )
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .bind(&b.titel)
    .bind(&b.doelgroep)
    .bind(&b.tekst)
    .bind(&auth.principal().user_id)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    auth.record_created(&mut tx, "preventie_bulletin", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a bulletin's text; only while it has not been sent (what went out stays as it was).
pub async fn bulletin_wijzigen(
    db: &Db,
    auth: &Authorized<Bulletins, act::Update>,
    b: &Bulletin,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE preventie_bulletin SET titel = $1, doelgroep = $2, tekst = $3, updated_at = $4 \
         WHERE id = $5 AND organisation_id = $6 AND verzending_at IS NULL",
    )
    .bind(&b.titel)
    .bind(&b.doelgroep)
    .bind(&b.tekst)
    .bind(now_ms())
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .execute(tx.conn()?)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Invalid(vec![platform::identity::field_error(
            "",
            "preventie-error-already-sent",
        )]));
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes a bulletin on the public page (once).
pub async fn bulletin_publiceren(db: &Db, auth: &Authorized<Bulletins, act::Update>) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE preventie_bulletin SET gepubliceerd_at = $1 \
         WHERE id = $2 AND organisation_id = $3 AND gepubliceerd_at IS NULL",
    )
    .bind(now_ms())
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .execute(tx.conn()?)
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Starts sending a published bulletin to every confirmed subscriber (once): the recipients are
/// fixed now and go into the outbox in batches (see [`send_due`]).
pub async fn bulletin_verzenden(db: &Db, auth: &Authorized<Bulletins, act::Update>) -> Result<i64> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let now = now_ms();
    let started = sqlx::query(
        "UPDATE preventie_bulletin SET verzending_at = $1 WHERE id = $2 AND organisation_id = $3 \
         AND gepubliceerd_at IS NOT NULL AND verzending_at IS NULL",
    )
    .bind(now)
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .execute(tx.conn()?)
    .await?;
    if started.rows_affected() == 0 {
        return Err(StoreError::Invalid(vec![platform::identity::field_error(
            "",
            "preventie-error-send-not-allowed",
        )]));
    }
    sqlx::query(
        "INSERT INTO preventie_verzending (bulletin_id, abonnee_id) \
         SELECT $1, id FROM preventie_abonnee WHERE bevestigd_at IS NOT NULL",
    )
    .bind(&id)
    .execute(tx.conn()?)
    .await?;
    let n: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM preventie_verzending WHERE bulletin_id = $1")
            .bind(&id)
            .fetch_one(tx.conn()?)
            .await?
            .try_get("n")?;
    sqlx::query("UPDATE preventie_bulletin SET ontvangers = $1 WHERE id = $2")
        .bind(n)
        .bind(&id)
        .execute(tx.conn()?)
        .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}

/// The mail of a bulletin to one subscriber: the text, and the link to unsubscribe with one click.
/// No images, no tracking: nothing in it reports back when it is read.
pub fn bulletin_mail(b: &BulletinRij, public_url: &str, afmeld_token: &str) -> (String, String) {
    let base = public_url.trim_end_matches('/');
    let body = format!(
        "{titel}\n\n{tekst}\n\n-- \nBulletin digitale veiligheid van de gemeente. Alle bulletins: \
         {base}/veilig-digitaal\n\nAfmelden (met een klik): {base}/veilig-digitaal/afmelden/{afmeld_token}\n",
        titel = b.titel,
        tekst = model::paragraphs(&b.tekst).join("\n\n"),
    );
    (format!("Digitaal veilig: {}", b.titel), body)
}

/// Puts the next batch of every bulletin being sent into the outbox; returns the mails queued.
/// Called by the server every few seconds, and once right after sending starts.
pub async fn send_due(db: &Db, public_url: &str) -> Result<usize> {
    let pending: Vec<String> = sqlx::query("SELECT DISTINCT bulletin_id FROM preventie_verzending")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get("bulletin_id"))
        .collect::<std::result::Result<_, _>>()?;
    let mut queued = 0;
    for id in pending {
        queued += send_batch(db, &id, public_url).await?;
    }
    Ok(queued)
}

async fn send_batch(db: &Db, bulletin_id: &str, public_url: &str) -> Result<usize> {
    let row = sqlx::query(&format!(
        "SELECT {BULLETIN_COLS} FROM preventie_bulletin WHERE id = $1"
    ))
    .bind(bulletin_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let b = bulletin(&row)?;
    let mut tx = db.begin().await?;
    let recipients = sqlx::query(&format!(
        "SELECT a.id, a.email, a.afmeld_token FROM preventie_verzending v \
         JOIN preventie_abonnee a ON a.id = v.abonnee_id WHERE v.bulletin_id = $1 \
         ORDER BY a.id LIMIT {}",
        model::BATCH
    ))
    .bind(bulletin_id)
    .fetch_all(tx.conn()?)
    .await?;
    let mut n = 0;
    for r in &recipients {
        let abonnee: String = r.try_get("id")?;
        let email: String = r.try_get("email")?;
        let token: String = r.try_get("afmeld_token")?;
        let (subject, body) = bulletin_mail(&b, public_url, &token);
        // An address the outbox refuses (it was accepted at subscription) is skipped, not retried.
        match platform::mail::enqueue(&mut tx, &email, &subject, &body).await {
            Ok(_) | Err(platform::mail::MailError::Address(_)) => {}
            Err(platform::mail::MailError::Db(e)) => return Err(e.into()),
        }
        sqlx::query("DELETE FROM preventie_verzending WHERE bulletin_id = $1 AND abonnee_id = $2")
            .bind(bulletin_id)
            .bind(&abonnee)
            .execute(tx.conn()?)
            .await?;
        n += 1;
    }
    // Recipients who unsubscribed meanwhile are gone from the queue: count them as done.
    let left: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM preventie_verzending WHERE bulletin_id = $1")
            .bind(bulletin_id)
            .fetch_one(tx.conn()?)
            .await?
            .try_get("n")?;
    sqlx::query("UPDATE preventie_bulletin SET verzonden = ontvangers - $1 WHERE id = $2")
        .bind(left)
        .bind(bulletin_id)
        .execute(tx.conn()?)
        .await?;
    if n > 0 {
        system_audit(
            &mut tx,
            "job",
            "send",
            "preventie_bulletin",
            Some(bulletin_id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n)
}

// ---------------------------------------------------------------------------------------------
// Subscribers: double opt-in. Every outcome looks the same to whoever subscribes, so the form
// never tells whether an address is on the list.

/// Subscribes `email` (already checked to be an address): a new or unconfirmed address gets a
/// confirmation mail with a one-time link; a confirmed one gets nothing.
pub async fn aanmelden(db: &Db, email: &str, public_url: &str) -> Result<()> {
    let email = email.trim().to_lowercase();
    let token = platform::secrets::random_token();
    let hash = platform::secrets::token_hash(&token);
    let now = now_ms();
    let mut tx = db.begin().await?;
    let existing = sqlx::query("SELECT id, bevestigd_at FROM preventie_abonnee WHERE email = $1")
        .bind(&email)
        .fetch_optional(tx.conn()?)
        .await?;
    let id = match existing {
        Some(r) => {
            let bevestigd: Option<i64> = r.try_get("bevestigd_at")?;
            if bevestigd.is_some() {
                tx.rollback().await?;
                return Ok(());
            }
            let id: String = r.try_get("id")?;
            sqlx::query(
                "UPDATE preventie_abonnee SET bevestig_hash = $1, bevestig_tot = $2 WHERE id = $3",
            )
            .bind(&hash)
            .bind(now + model::CONFIRM_VALID_MS)
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
            id
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO preventie_abonnee (id, email, bevestig_hash, bevestig_tot, afmeld_token, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(&email)
            .bind(&hash)
            .bind(now + model::CONFIRM_VALID_MS)
            .bind(platform::secrets::random_token())
            .bind(now)
            .execute(tx.conn()?)
            .await?;
            id
        }
    };
    let base = public_url.trim_end_matches('/');
    let body = format!(
        "U hebt zich aangemeld voor de bulletins digitale veiligheid van de gemeente.\n\n\
         Bevestig uw aanmelding binnen 48 uur via deze link:\n{base}/veilig-digitaal/bevestigen/{token}\n\n\
         Hebt u zich niet aangemeld? Dan hoeft u niets te doen: zonder bevestiging ontvangt u niets en \
         wordt uw adres binnen {dagen} dagen verwijderd.\n",
        dagen = model::UNCONFIRMED_KEPT_DAYS
    );
    platform::mail::enqueue(
        &mut tx,
        &email,
        "Bevestig uw aanmelding: bulletins digitale veiligheid",
        &body,
    )
    .await?;
    system_audit(&mut tx, "web", "create", "preventie_abonnee", Some(&id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `token` is a valid confirmation link now (for the page that asks to confirm).
pub async fn bevestiging_geldig(db: &Db, token: &str) -> Result<bool> {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM preventie_abonnee WHERE bevestig_hash = $1 AND bevestig_tot > $2",
    )
    .bind(platform::secrets::token_hash(token))
    .bind(now_ms())
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok(n > 0)
}

/// Confirms the subscription of a valid link; the link works once. False when it is unknown,
/// used or expired.
pub async fn bevestigen(db: &Db, token: &str) -> Result<bool> {
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "SELECT id FROM preventie_abonnee WHERE bevestig_hash = $1 AND bevestig_tot > $2",
    )
    .bind(platform::secrets::token_hash(token))
    .bind(now_ms())
    .fetch_optional(tx.conn()?)
    .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Ok(false);
    };
    let id: String = row.try_get("id")?;
    sqlx::query(
        "UPDATE preventie_abonnee SET bevestigd_at = $1, bevestig_hash = NULL, bevestig_tot = NULL WHERE id = $2",
    )
    .bind(now_ms())
    .bind(&id)
    .execute(tx.conn()?)
    .await?;
    system_audit(&mut tx, "web", "update", "preventie_abonnee", Some(&id)).await?;
    tx.commit().await?;
    Ok(true)
}

/// Unsubscribes the holder of `token`: the address is deleted at once (with any mails of a
/// sending still queued for it). False when the token is unknown (already unsubscribed).
pub async fn afmelden(db: &Db, token: &str) -> Result<bool> {
    let mut tx = db.begin().await?;
    let row = sqlx::query("SELECT id FROM preventie_abonnee WHERE afmeld_token = $1")
        .bind(token)
        .fetch_optional(tx.conn()?)
        .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Ok(false);
    };
    let id: String = row.try_get("id")?;
    sqlx::query("DELETE FROM preventie_verzending WHERE abonnee_id = $1")
        .bind(&id)
        .execute(tx.conn()?)
        .await?;
    sqlx::query("DELETE FROM preventie_abonnee WHERE id = $1")
        .bind(&id)
        .execute(tx.conn()?)
        .await?;
    system_audit(&mut tx, "web", "delete", "preventie_abonnee", Some(&id)).await?;
    tx.commit().await?;
    Ok(true)
}

/// The number of confirmed subscribers, and of those still to confirm (no addresses).
pub async fn abonnees_aantal(db: &Db) -> Result<(i64, i64)> {
    let r = sqlx::query(
        "SELECT COUNT(bevestigd_at) AS bevestigd, COUNT(*) AS alle FROM preventie_abonnee",
    )
    .fetch_one(db.pool())
    .await?;
    let bevestigd: i64 = r.try_get("bevestigd")?;
    let alle: i64 = r.try_get("alle")?;
    Ok((bevestigd, alle - bevestigd))
}

/// Removes subscriptions never confirmed within their term; returns how many.
pub async fn verwijder_onbevestigd(db: &Db) -> Result<u64> {
    let cutoff = now_ms() - model::UNCONFIRMED_KEPT_DAYS * 24 * 3600 * 1000;
    let mut tx = db.begin().await?;
    let done =
        sqlx::query("DELETE FROM preventie_abonnee WHERE bevestigd_at IS NULL AND created_at < $1")
            .bind(cutoff)
            .execute(tx.conn()?)
            .await?;
    if done.rows_affected() > 0 {
        system_audit(&mut tx, "job", "delete", "preventie_abonnee", None).await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected())
}

// ---------------------------------------------------------------------------------------------
// Partners and agreements (reference data of prevention).

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PartnerRij {
    pub id: String,
    /// `school`, `jongerenwerk`, `halt`, `politie` or `anders`.
    pub soort: String,
    pub naam: String,
    pub plaats: String,
}

/// Every partner, by kind and name (reference data; no audit per read).
pub async fn partners(db: &Db) -> Result<Vec<PartnerRij>> {
    let rows =
        sqlx::query("SELECT id, soort, naam, plaats FROM preventie_partner ORDER BY soort, naam")
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|r| {
            Ok(PartnerRij {
                id: r.try_get("id")?,
                soort: r.try_get("soort")?,
                naam: r.try_get("naam")?,
                plaats: r.try_get("plaats")?,
            })
        })
        .collect()
}

async fn insert_partner(
    tx: &mut Tx,
    soort: &str,
    naam: &str,
    plaats: &str,
) -> Result<Option<String>> {
    let id = new_id();
    let done = sqlx::query(
        "INSERT INTO preventie_partner (id, soort, naam, plaats, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (soort, naam) DO NOTHING",
    )
    .bind(&id)
    .bind(soort)
    .bind(naam)
    .bind(plaats)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    Ok((done.rows_affected() > 0).then_some(id))
}

/// Adds a partner; a partner of the same kind and name is refused.
pub async fn partner_nieuw(
    db: &Db,
    auth: &Authorized<Partners, act::Create>,
    soort: &str,
    naam: &str,
    plaats: &str,
) -> Result<String> {
    let mut tx = db.begin().await?;
    let Some(id) = insert_partner(&mut tx, soort, naam, plaats).await? else {
        return Err(StoreError::Invalid(vec![platform::identity::field_error(
            "naam",
            "preventie-error-partner-exists",
        )]));
    };
    auth.record_created(&mut tx, "preventie_partner", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The partners Baken knows from the start (idempotent).
pub async fn seed_partners(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    for (soort, naam, plaats) in [
        ("halt", "Halt", "Landelijk"),
        ("politie", "Politie, basisteam", "Vijfheerenlanden"),
    ] {
        insert_partner(&mut tx, soort, naam, plaats).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AfspraakRij {
    pub id: String,
    pub partner_id: String,
    pub partner: String,
    pub programma: String,
    /// `leerlingen`, `personeel` or `beide`.
    pub doelgroep: String,
    pub van: String,
    pub tot: Option<String>,
    /// `gepland`, `lopend` or `afgerond`.
    pub status: String,
    pub notitie: String,
}

/// Every agreement with its partner, newest start first.
pub async fn afspraken(db: &Db) -> Result<Vec<AfspraakRij>> {
    let rows = sqlx::query(
        "SELECT a.id, a.partner_id, p.naam, a.programma, a.doelgroep, a.van, a.tot, a.status, a.notitie \
         FROM preventie_afspraak a JOIN preventie_partner p ON p.id = a.partner_id ORDER BY a.van DESC",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AfspraakRij {
                id: r.try_get("id")?,
                partner_id: r.try_get("partner_id")?,
                partner: r.try_get("naam")?,
                programma: r.try_get("programma")?,
                doelgroep: r.try_get("doelgroep")?,
                van: r.try_get("van")?,
                tot: r.try_get("tot")?,
                status: r.try_get("status")?,
                notitie: r.try_get("notitie")?,
            })
        })
        .collect()
}

/// Records an agreement with a partner.
pub async fn afspraak_nieuw(
    db: &Db,
    auth: &Authorized<Partners, act::Create>,
    a: &model::Afspraak,
) -> Result<String> {
    let id = new_id();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO preventie_afspraak (id, partner_id, programma, doelgroep, van, tot, status, notitie, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(&a.partner)
    .bind(&a.programma)
    .bind(&a.doelgroep)
    .bind(a.van.to_string())
    .bind(a.tot.map(|d| d.to_string()))
    .bind(&a.status)
    .bind(&a.notitie)
    .bind(&auth.principal().user_id)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record_created(&mut tx, "preventie_afspraak", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Youth groups: every read and change is audited (the scan is police information).

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct GroepRij {
    pub id: String,
    pub naam: String,
    pub wijk: String,
    pub buurt: Option<String>,
    pub plekken: String,
    /// `actief` or `gestopt`.
    pub status: String,
    /// The severity of the latest scan, if any.
    pub ernst: Option<String>,
    /// The date of the latest scan.
    pub laatste_scan: Option<String>,
    /// The earliest review date of an open action.
    pub eerste_herziening: Option<String>,
}

/// The youth groups of the person's organisation (the list read is audited once).
pub async fn groepen(db: &Db, auth: &Authorized<Groepen, act::List>) -> Result<Vec<GroepRij>> {
    let rows = sqlx::query(
        "SELECT g.id, g.naam, g.wijk_code, g.buurt_code, g.plekken, g.status, \
         (SELECT s.ernst FROM preventie_groepsscan s WHERE s.groep_id = g.id ORDER BY s.datum DESC, s.created_at DESC LIMIT 1) AS ernst, \
         (SELECT MAX(s.datum) FROM preventie_groepsscan s WHERE s.groep_id = g.id) AS laatste_scan, \
         (SELECT MIN(a.herzien_op) FROM preventie_aanpak a WHERE a.groep_id = g.id AND a.afgerond_op IS NULL) AS herziening \
         FROM preventie_groep g WHERE g.organisation_id = $1 ORDER BY g.naam",
    )
    .bind(&auth.principal().organisation_id)
    .fetch_all(db.pool())
    .await?;
    let out = rows
        .iter()
        .map(|r| {
            Ok(GroepRij {
                id: r.try_get("id")?,
                naam: r.try_get("naam")?,
                wijk: r.try_get("wijk_code")?,
                buurt: r.try_get("buurt_code")?,
                plekken: r.try_get("plekken")?,
                status: r.try_get("status")?,
                ernst: r.try_get("ernst")?,
                laatste_scan: r.try_get("laatste_scan")?,
                eerste_herziening: r.try_get("herziening")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(out)
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ScanRij {
    pub id: String,
    pub datum: String,
    pub bron: String,
    pub ernst: String,
    pub risicos: String,
    pub ontwikkeling: String,
    pub impact: String,
    pub toelichting: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ActieRij {
    pub id: String,
    pub omschrijving: String,
    pub partner_id: Option<String>,
    pub partner: Option<String>,
    pub partner_soort: Option<String>,
    pub eigenaar: String,
    pub herzien_op: String,
    pub afgerond_op: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HistorieRij {
    /// Unix milliseconds.
    pub at: i64,
    pub door: String,
    pub wat: String,
}

impl HistorieRij {
    /// The day, in Dutch time.
    pub fn dag(&self) -> String {
        platform::db::date_nl(self.at).to_string()
    }
}

/// A youth group with its scans (newest first), its approach, its history and its links (a
/// group dossier), read and audited in one transaction.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct GroepDetail {
    pub groep: GroepRij,
    pub scans: Vec<ScanRij>,
    pub aanpak: Vec<ActieRij>,
    pub historie: Vec<HistorieRij>,
    pub koppelingen: Vec<platform::links::Link>,
}

pub async fn groep<A: ActionType>(db: &Db, auth: &Authorized<Groepen, A>) -> Result<GroepDetail> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let g = sqlx::query(
        "SELECT id, naam, wijk_code, buurt_code, plekken, status FROM preventie_groep \
         WHERE id = $1 AND organisation_id = $2",
    )
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let scans = sqlx::query(
        "SELECT id, datum, bron, ernst, risicos, ontwikkeling, impact, toelichting FROM preventie_groepsscan \
         WHERE groep_id = $1 ORDER BY datum DESC, created_at DESC",
    )
    .bind(&id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(ScanRij {
            id: r.try_get("id")?,
            datum: r.try_get("datum")?,
            bron: r.try_get("bron")?,
            ernst: r.try_get("ernst")?,
            risicos: r.try_get("risicos")?,
            ontwikkeling: r.try_get("ontwikkeling")?,
            impact: r.try_get("impact")?,
            toelichting: r.try_get("toelichting")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let aanpak = sqlx::query(
        "SELECT a.id, a.omschrijving, a.partner_id, p.naam, p.soort, a.eigenaar, a.herzien_op, a.afgerond_op \
         FROM preventie_aanpak a LEFT JOIN preventie_partner p ON p.id = a.partner_id \
         WHERE a.groep_id = $1 ORDER BY a.afgerond_op IS NOT NULL, a.herzien_op",
    )
    .bind(&id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(ActieRij {
            id: r.try_get("id")?,
            omschrijving: r.try_get("omschrijving")?,
            partner_id: r.try_get("partner_id")?,
            partner: r.try_get("naam")?,
            partner_soort: r.try_get("soort")?,
            eigenaar: r.try_get("eigenaar")?,
            herzien_op: r.try_get("herzien_op")?,
            afgerond_op: r.try_get("afgerond_op")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let historie = sqlx::query(
        "SELECT at, actor_name, wat FROM preventie_groep_historie WHERE groep_id = $1 ORDER BY at DESC, id DESC",
    )
    .bind(&id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(HistorieRij {
            at: r.try_get("at")?,
            door: r.try_get("actor_name")?,
            wat: r.try_get("wat")?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let koppelingen = platform::links::from(&mut tx, "preventie_groep", &id).await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(GroepDetail {
        groep: GroepRij {
            id: g.try_get("id")?,
            naam: g.try_get("naam")?,
            wijk: g.try_get("wijk_code")?,
            buurt: g.try_get("buurt_code")?,
            plekken: g.try_get("plekken")?,
            status: g.try_get("status")?,
            ernst: scans.first().map(|s| s.ernst.clone()),
            laatste_scan: scans.first().map(|s| s.datum.clone()),
            eerste_herziening: aanpak
                .iter()
                .filter(|a| a.afgerond_op.is_none())
                .map(|a| a.herzien_op.clone())
                .min(),
        },
        scans,
        aanpak,
        historie,
        koppelingen,
    })
}

async fn historie(tx: &mut Tx, groep_id: &str, p: &Principal, wat: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO preventie_groep_historie (id, groep_id, at, actor_name, wat) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(groep_id)
    .bind(now_ms())
    .bind(&p.name)
    .bind(wat)
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

/// Checks that the group belongs to the person's organisation, inside the change's transaction.
async fn own_group(tx: &mut Tx, id: &str, p: &Principal) -> Result<()> {
    sqlx::query("SELECT id FROM preventie_groep WHERE id = $1 AND organisation_id = $2")
        .bind(id)
        .bind(&p.organisation_id)
        .fetch_optional(tx.conn()?)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(())
}

/// Records a new youth group.
pub async fn groep_nieuw(
    db: &Db,
    auth: &Authorized<Groepen, act::Create>,
    g: &model::Groep,
) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    let p = auth.principal();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO preventie_groep (id, organisation_id, naam, wijk_code, buurt_code, plekken, status, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'actief', $7, $8, $8)",
    )
    .bind(&id)
    .bind(&p.organisation_id)
    .bind(&g.naam)
    .bind(&g.wijk)
    .bind(&g.buurt)
    .bind(&g.plekken)
    .bind(&p.user_id)
    .bind(now)
    .execute(tx.conn()?)
    .await?;
    historie(&mut tx, &id, p, "Groep vastgelegd").await?;
    auth.record_created(&mut tx, "preventie_groep", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds a police group scan as delivered.
pub async fn scan_toevoegen(
    db: &Db,
    auth: &Authorized<Groepen, act::Update>,
    s: &model::Scan,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let p = auth.principal();
    let mut tx = db.begin().await?;
    own_group(&mut tx, &id, p).await?;
    sqlx::query(
        "INSERT INTO preventie_groepsscan (id, groep_id, datum, bron, ernst, risicos, ontwikkeling, impact, \
         toelichting, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id())
    .bind(&id)
    .bind(s.datum.to_string())
    .bind(&s.bron)
    .bind(&s.ernst)
    .bind(&s.risicos)
    .bind(&s.ontwikkeling)
    .bind(&s.impact)
    .bind(&s.toelichting)
    .bind(&p.user_id)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    historie(
        &mut tx,
        &id,
        p,
        &format!(
            "Groepsscan van {} vastgelegd (bron: {}, ernst: {}, ontwikkeling: {})",
            s.datum, s.bron, s.ernst, s.ontwikkeling
        ),
    )
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an action to a group's approach.
pub async fn actie_toevoegen(
    db: &Db,
    auth: &Authorized<Groepen, act::Update>,
    a: &model::Actie,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let p = auth.principal();
    let mut tx = db.begin().await?;
    own_group(&mut tx, &id, p).await?;
    let partner: Option<String> = match &a.partner {
        Some(pid) => Some(
            sqlx::query("SELECT naam FROM preventie_partner WHERE id = $1")
                .bind(pid)
                .fetch_optional(tx.conn()?)
                .await?
                .ok_or_else(|| {
                    StoreError::Invalid(vec![platform::identity::field_error(
                        "partner",
                        "preventie-error-choice",
                    )])
                })?
                .try_get("naam")?,
        ),
        None => None,
    };
    sqlx::query(
        "INSERT INTO preventie_aanpak (id, groep_id, partner_id, omschrijving, eigenaar, herzien_op, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(&id)
    .bind(&a.partner)
    .bind(&a.omschrijving)
    .bind(&a.eigenaar)
    .bind(a.herzien_op.to_string())
    .bind(&p.user_id)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    let met = partner.map(|n| format!(" met {n}")).unwrap_or_default();
    historie(
        &mut tx,
        &id,
        p,
        &format!(
            "Actie toegevoegd{met}: {} (herzien op {})",
            a.omschrijving, a.herzien_op
        ),
    )
    .await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks an action of the group as done today.
pub async fn actie_afronden(
    db: &Db,
    auth: &Authorized<Groepen, act::Update>,
    actie_id: &str,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let p = auth.principal();
    let mut tx = db.begin().await?;
    own_group(&mut tx, &id, p).await?;
    let today = platform::db::today_nl().to_string();
    let row = sqlx::query(
        "UPDATE preventie_aanpak SET afgerond_op = $1 WHERE id = $2 AND groep_id = $3 AND afgerond_op IS NULL \
         RETURNING omschrijving",
    )
    .bind(&today)
    .bind(actie_id)
    .bind(&id)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let wat: String = row.try_get("omschrijving")?;
    historie(&mut tx, &id, p, &format!("Actie afgerond: {wat}")).await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Links a group dossier (module dossiers) to the group: members are kept there, under its
/// access rules, never here. The label names only the kind of record.
pub async fn dossier_koppelen(
    db: &Db,
    auth: &Authorized<Groepen, act::Update>,
    dossier_id: &str,
) -> Result<()> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let p = auth.principal();
    let mut tx = db.begin().await?;
    own_group(&mut tx, &id, p).await?;
    let known = platform::links::from(&mut tx, "preventie_groep", &id).await?;
    if known
        .iter()
        .any(|l| l.to_kind == "dossier" && l.to_id == dossier_id)
    {
        return Err(StoreError::Invalid(vec![platform::identity::field_error(
            "dossier",
            "preventie-error-linked",
        )]));
    }
    platform::links::add(
        &mut tx,
        &platform::links::Link {
            from_kind: "preventie_groep".into(),
            from_id: id.clone(),
            to_kind: "dossier".into(),
            to_id: dossier_id.to_string(),
            label: "Jeugdgroep (preventie)".into(),
            href: format!("/preventie/groepen/{id}"),
        },
    )
    .await?;
    historie(&mut tx, &id, p, "Groepsdossier gekoppeld").await?;
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Neighbourhoods: teams (no personal data) and their contacts (personal data, team only).

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct BuurtteamRij {
    pub id: String,
    /// `wijkraad`, `buurtpreventie` or `whatsapp`.
    pub soort: String,
    pub naam: String,
    pub wijk: String,
    pub buurt: Option<String>,
    /// The organisation's team that keeps it; only its members see the contacts.
    pub beheer_team_id: String,
    pub deelnemers: Option<i64>,
}

fn buurtteam_rij(r: &AnyRow) -> std::result::Result<BuurtteamRij, sqlx::Error> {
    Ok(BuurtteamRij {
        id: r.try_get("id")?,
        soort: r.try_get("soort")?,
        naam: r.try_get("naam")?,
        wijk: r.try_get("wijk_code")?,
        buurt: r.try_get("buurt_code")?,
        beheer_team_id: r.try_get("beheer_team_id")?,
        deelnemers: r.try_get("deelnemers")?,
    })
}

/// The access decision for neighbourhood teams.
pub async fn authorize_buurten<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    id: Option<&str>,
) -> std::result::Result<Authorized<Buurten, A>, AccessError> {
    access::authorize_as::<A, _>(
        db,
        request,
        p,
        Buurten {
            id: id.map(str::to_string),
        },
        Purpose::Uitvoering,
    )
    .await
}

/// The neighbourhood teams of the person's organisation, in a wijk or all.
pub async fn buurtteams<A: ActionType>(
    db: &Db,
    auth: &Authorized<Buurten, A>,
    wijk: Option<&str>,
) -> Result<Vec<BuurtteamRij>> {
    let rows = sqlx::query(
        "SELECT id, soort, naam, wijk_code, buurt_code, beheer_team_id, deelnemers FROM preventie_buurtteam \
         WHERE organisation_id = $1 AND ($2 = '' OR wijk_code = $2) ORDER BY wijk_code, naam",
    )
    .bind(&auth.principal().organisation_id)
    .bind(wijk.unwrap_or(""))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(buurtteam_rij)
        .collect::<std::result::Result<_, _>>()?)
}

/// One neighbourhood team of the person's organisation.
pub async fn buurtteam<A: ActionType>(
    db: &Db,
    auth: &Authorized<Buurten, A>,
) -> Result<BuurtteamRij> {
    let id = auth.resource().id.clone().ok_or(StoreError::NotFound)?;
    let row = sqlx::query(
        "SELECT id, soort, naam, wijk_code, buurt_code, beheer_team_id, deelnemers FROM preventie_buurtteam \
         WHERE id = $1 AND organisation_id = $2",
    )
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(buurtteam_rij(&row)?)
}

/// Records a neighbourhood team.
pub async fn buurtteam_nieuw(
    db: &Db,
    auth: &Authorized<Buurten, act::Create>,
    t: &model::Buurtteam,
) -> Result<String> {
    let id = new_id();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO preventie_buurtteam (id, organisation_id, beheer_team_id, soort, naam, wijk_code, buurt_code, \
         deelnemers, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(&auth.principal().organisation_id)
    .bind(&t.beheer_team)
    .bind(&t.soort)
    .bind(&t.naam)
    .bind(&t.wijk)
    .bind(&t.buurt)
    .bind(t.deelnemers)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record_created(&mut tx, "preventie_buurtteam", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The access decision for the contacts of a neighbourhood team (and one of them, for a
/// removal): on the team's keeping team and the person's membership, read here.
pub async fn authorize_contacten<A: ActionType>(
    db: &Db,
    request: &RequestContext,
    p: &Principal,
    buurtteam_id: &str,
    contact_id: Option<&str>,
) -> Result<Authorized<Contacten, A>> {
    let row = sqlx::query(
        "SELECT organisation_id, beheer_team_id FROM preventie_buurtteam WHERE id = $1",
    )
    .bind(buurtteam_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let organisation: String = row.try_get("organisation_id")?;
    let team: String = row.try_get("beheer_team_id")?;
    let teams = platform::identity::team_ids_of_user(db, &p.user_id).await?;
    let lid = organisation == p.organisation_id && teams.contains(&team);
    Ok(access::authorize_as::<A, _>(
        db,
        request,
        p,
        Contacten {
            buurtteam_id: buurtteam_id.to_string(),
            contact_id: contact_id.map(str::to_string),
            lid,
        },
        Purpose::Uitvoering,
    )
    .await?)
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ContactRij {
    pub id: String,
    pub naam: String,
    pub rol: String,
    pub email: String,
    pub telefoon: String,
    pub toestemming_op: String,
    pub toestemming_hoe: String,
    /// Removed after this day unless consent is renewed.
    pub bewaren_tot: String,
}

/// The contacts of a neighbourhood team; each contact read is audited.
pub async fn contacten(
    db: &Db,
    auth: &Authorized<Contacten, act::List>,
) -> Result<Vec<ContactRij>> {
    let team = auth.resource().buurtteam_id.clone();
    let rows = sqlx::query(
        "SELECT id, naam, rol, email, telefoon, toestemming_op, toestemming_hoe, bewaren_tot FROM preventie_contact \
         WHERE buurtteam_id = $1 ORDER BY naam",
    )
    .bind(&team)
    .fetch_all(db.pool())
    .await?;
    let out = rows
        .iter()
        .map(|r| {
            Ok(ContactRij {
                id: r.try_get("id")?,
                naam: r.try_get("naam")?,
                rol: r.try_get("rol")?,
                email: r.try_get("email")?,
                telefoon: r.try_get("telefoon")?,
                toestemming_op: r.try_get("toestemming_op")?,
                toestemming_hoe: r.try_get("toestemming_hoe")?,
                bewaren_tot: r.try_get("bewaren_tot")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ids: Vec<String> = out.iter().map(|c| c.id.clone()).collect();
    let mut tx = db.begin().await?;
    auth.record(&mut tx).await?;
    auth.record_each(&mut tx, "preventie_contact", &ids, None)
        .await?;
    tx.commit().await?;
    Ok(out)
}

/// Records a contact with the consent given.
pub async fn contact_nieuw(
    db: &Db,
    auth: &Authorized<Contacten, act::Create>,
    c: &model::Contact,
) -> Result<String> {
    let id = new_id();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO preventie_contact (id, buurtteam_id, naam, rol, email, telefoon, toestemming_op, \
         toestemming_hoe, bewaren_tot, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(&auth.resource().buurtteam_id)
    .bind(&c.naam)
    .bind(&c.rol)
    .bind(&c.email)
    .bind(&c.telefoon)
    .bind(c.toestemming_op.to_string())
    .bind(&c.toestemming_hoe)
    .bind(c.bewaren_tot.to_string())
    .bind(&auth.principal().user_id)
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?;
    auth.record_created(&mut tx, "preventie_contact", &id, None)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a contact at once, e.g. on their request (nothing of them is kept).
pub async fn contact_verwijderen(db: &Db, auth: &Authorized<Contacten, act::Delete>) -> Result<()> {
    let contact = auth
        .resource()
        .contact_id
        .clone()
        .ok_or(StoreError::NotFound)?;
    let mut tx = db.begin().await?;
    let done = sqlx::query("DELETE FROM preventie_contact WHERE id = $1 AND buurtteam_id = $2")
        .bind(&contact)
        .bind(&auth.resource().buurtteam_id)
        .execute(tx.conn()?)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    auth.record(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes the contacts whose consent term has passed; returns how many.
pub async fn verwijder_verlopen_contacten(db: &Db, today: jiff::civil::Date) -> Result<u64> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("DELETE FROM preventie_contact WHERE bewaren_tot < $1")
        .bind(today.to_string())
        .execute(tx.conn()?)
        .await?;
    if done.rows_affected() > 0 {
        system_audit(&mut tx, "job", "delete", "preventie_contact", None).await?;
    }
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Figures of a wijk without personal data: youth groups, activities held this year.
pub async fn wijk_cijfers(
    db: &Db,
    organisation_id: &str,
    wijk: &str,
    year_from_ms: i64,
) -> Result<(i64, i64)> {
    let groepen: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM preventie_groep WHERE organisation_id = $1 AND wijk_code = $2 AND status = 'actief'",
    )
    .bind(organisation_id)
    .bind(wijk)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    let activiteiten: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM preventie_activiteit WHERE organisation_id = $1 AND wijk_code = $2 \
         AND status = 'gehouden' AND datum_ms >= $3",
    )
    .bind(organisation_id)
    .bind(wijk)
    .bind(year_from_ms)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    Ok((groepen, activiteiten))
}
