//! The module's tables: the only code that touches them. Changes take an access decision in
//! their type and leave an audit record in their own transaction.

use platform::access::{
    self, act, AccessError, ActionType, Authorized, Principal, Purpose, RequestContext,
};
use platform::db::{day_start_ms_nl, new_id, now_ms, Db, DbError, Tx};
use platform::identity::FieldError;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::access::{Activiteiten, Bulletins, Groepen, Partners};
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
