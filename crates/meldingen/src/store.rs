//! The module's tables (`melding_*`): the only code that touches them.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use jiff::civil::Date;
use platform::access::{act, Authorized};
use platform::audit::{self, AuditEntry};
use platform::db::{
    date_nl, day_start_ms_nl, new_id, now_ms, today_nl, Backend, BindF64, Db, DbError, Tx,
};
use platform::files::{self, FileError, FileRejection};
use platform::identity::{field_error, FieldError};
use rand::RngCore;
use sqlx::any::AnyRow;
use sqlx::Row;
use termijnen::Calendar;

use crate::access::{Melding, Werkvoorraad};
use crate::model::{self, DeadlineState, Locatie, Rule, Status, Submission, Workflow};

pub const SEARCH_KIND: &str = "melding";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl platform::web::errors::Classify for StoreError {
    fn classify(self) -> platform::web::errors::Failure {
        use platform::web::errors::Failure;
        match self {
            StoreError::Invalid(errors) => Failure::Invalid(errors),
            StoreError::NotFound => Failure::NotFound,
            StoreError::Db(e) => e.classify(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Db(e.into())
    }
}

impl From<FileError> for StoreError {
    fn from(e: FileError) -> Self {
        match e {
            FileError::Rejected(r) => StoreError::Invalid(vec![photo_error(&r)]),
            FileError::Db(d) => StoreError::Db(d),
        }
    }
}

pub fn photo_error(r: &FileRejection) -> FieldError {
    match r {
        FileRejection::Empty => field_error("foto", "melding-fout-foto-leeg"),
        FileRejection::TooLarge { .. } => field_error("foto", "melding-fout-foto-groot"),
        FileRejection::TypeNotAllowed => field_error("foto", "melding-fout-foto-type"),
        FileRejection::Disguised => field_error("foto", "melding-fout-foto-vermomd"),
    }
}

/// A photo checked (size, type by content, no second file hidden in it) and encoded anew
/// without its metadata ([`model::clean_photo`]), or the error to show next to the field. A
/// photo that cannot be cleaned is refused, never stored as sent. Decoding is CPU work, so it
/// runs off the async workers.
pub async fn clean_photo(data: &[u8]) -> Result<Vec<u8>, FieldError> {
    files::check(&files::IMAGES, data).map_err(|r| photo_error(&r))?;
    let data = data.to_vec();
    let cleaned = tokio::task::spawn_blocking(move || model::clean_photo(&data))
        .await
        .unwrap_or(Err(model::PhotoError::Unreadable));
    cleaned.map_err(|e| match e {
        model::PhotoError::Type => field_error("foto", "melding-fout-foto-type"),
        model::PhotoError::TooManyPixels => field_error("foto", "melding-fout-foto-pixels"),
        model::PhotoError::Unreadable => field_error("foto", "melding-fout-foto-onleesbaar"),
    })
}

/// The photos of a submission, each cleaned once by [`clean_photos`]: what the store saves, and
/// the one error to show next to the field when any was refused (too many, or one that could
/// not be cleaned).
pub struct Photos {
    cleaned: Vec<Vec<u8>>,
    error: Option<FieldError>,
}

impl Photos {
    pub fn error(&self) -> Option<&FieldError> {
        self.error.as_ref()
    }
}

/// Checks and cleans the photos of a submission, stopping at the first that is refused.
pub async fn clean_photos(photos: &[Photo]) -> Photos {
    if photos.len() > model::MAX_FOTOS {
        return Photos {
            cleaned: Vec::new(),
            error: Some(field_error("foto", "melding-fout-foto-aantal")),
        };
    }
    let mut cleaned = Vec::with_capacity(photos.len());
    for p in photos {
        match clean_photo(&p.data).await {
            Ok(c) => cleaned.push(c),
            Err(e) => {
                return Photos {
                    cleaned: Vec::new(),
                    error: Some(e),
                }
            }
        }
    }
    Photos {
        cleaned,
        error: None,
    }
}

/// "Vianen binnenstad, Vianen" for a buurt and wijk code.
pub fn area_label(wijk: Option<&str>, buurt: Option<&str>) -> Option<String> {
    let names: Vec<&str> = [buurt, wijk]
        .into_iter()
        .flatten()
        .filter_map(monitor::areas::name)
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

fn parse_date(s: &str) -> Date {
    s.parse().unwrap_or(Date::MIN)
}

// ---------------------------------------------------------------------------------------------
// Reference data.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Category {
    pub slug: String,
    pub naam: String,
    pub thema: String,
    pub thema_naam: String,
    pub termijn_werkdagen: i64,
    /// The category-specific extra question, if any.
    pub extra_vraag: Option<String>,
    pub extra_opties: Vec<String>,
    #[serde(skip)]
    pub overgangen: String,
    /// Months after closing until the reporter's contact details are removed.
    #[serde(skip)]
    pub bewaar_contact_maanden: i64,
    /// Months after closing until the melding itself is destroyed (Selectielijst).
    #[serde(skip)]
    pub bewaar_maanden: i64,
    /// Offered on the public form.
    #[serde(skip)]
    pub actief: bool,
}

impl Category {
    pub fn workflow(&self) -> Workflow {
        Workflow::parse(&self.overgangen, self.termijn_werkdagen.max(0) as u32).unwrap_or(
            Workflow {
                transitions: Vec::new(),
                termijn_werkdagen: 10,
            },
        )
    }
}

/// Loads the default categories and routing rules on first start (idempotent).
pub async fn seed(db: &Db) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    for (i, c) in model::DEFAULT_CATEGORIES.iter().enumerate() {
        let (vraag, opties) = match c.extra_vraag {
            Some((v, o)) => (Some(v), Some(o.join("|"))),
            None => (None, None),
        };
        sqlx::query(
            "INSERT INTO melding_categorie (slug, naam, thema, thema_naam, volgorde, termijn_werkdagen, overgangen, extra_vraag, extra_opties, actief) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) ON CONFLICT (slug) DO NOTHING",
        )
        .bind(c.slug)
        .bind(c.naam)
        .bind(c.thema)
        .bind(c.thema_naam)
        .bind(i as i64 + 1)
        .bind(i64::from(c.termijn_werkdagen))
        .bind(model::DEFAULT_TRANSITIONS)
        .bind(vraag)
        .bind(opties)
        .execute(tx.conn()?)
        .await?;
    }
    for (gebeurtenis, onderwerp, tekst, actief) in model::DEFAULT_MAILS {
        sqlx::query(
            "INSERT INTO melding_mailsjabloon (gebeurtenis, onderwerp, tekst, actief) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (gebeurtenis) DO NOTHING",
        )
        .bind(gebeurtenis)
        .bind(onderwerp)
        .bind(tekst)
        .bind(i64::from(actief))
        .execute(tx.conn()?)
        .await?;
    }
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM melding_regel")
        .fetch_one(tx.conn()?)
        .await?
        .try_get("n")?;
    if n == 0 {
        for (i, (cat, kw, team)) in model::DEFAULT_RULES.iter().enumerate() {
            sqlx::query(
                "INSERT INTO melding_regel (id, positie, categorie, trefwoord, team_id) \
                 SELECT $1, $2, $3, $4, t.id FROM teams t JOIN organisations o ON o.id = t.organisation_id \
                 WHERE o.slug = $5 AND t.slug = $6",
            )
            .bind(new_id())
            .bind(i as i64 + 1)
            .bind(*cat)
            .bind(*kw)
            .bind(platform::seed::GEMEENTE)
            .bind(*team)
            .execute(tx.conn()?)
            .await?;
        }
    }
    tx.commit().await?;
    forget_reference(db);
    backfill_address_keys(db).await
}

/// Gives open meldingen from before address keys existed theirs, so the duplicate warning
/// finds them ("" where the address has no street to key on, so they are not read again).
async fn backfill_address_keys(db: &Db) -> Result<(), DbError> {
    loop {
        let rows = sqlx::query(
            "SELECT id, adres FROM melding WHERE gesloten_at IS NULL AND adres_sleutel IS NULL \
             AND adres IS NOT NULL LIMIT 500",
        )
        .fetch_all(db.pool())
        .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = db.begin().await?;
        for r in &rows {
            let adres: String = r.try_get("adres")?;
            sqlx::query("UPDATE melding SET adres_sleutel = $1 WHERE id = $2")
                .bind(model::address_key(&adres).unwrap_or_default())
                .bind(r.try_get::<String, _>("id")?)
                .execute(tx.conn()?)
                .await?;
        }
        tx.commit().await?;
    }
}

fn category_from(row: &AnyRow) -> Result<Category, sqlx::Error> {
    let opties: Option<String> = row.try_get("extra_opties")?;
    Ok(Category {
        slug: row.try_get("slug")?,
        naam: row.try_get("naam")?,
        thema: row.try_get("thema")?,
        thema_naam: row.try_get("thema_naam")?,
        termijn_werkdagen: row.try_get("termijn_werkdagen")?,
        extra_vraag: row.try_get("extra_vraag")?,
        extra_opties: opties
            .map(|o| o.split('|').map(str::to_string).collect())
            .unwrap_or_default(),
        overgangen: row.try_get("overgangen")?,
        bewaar_contact_maanden: row.try_get("bewaar_contact_maanden")?,
        bewaar_maanden: row.try_get("bewaar_maanden")?,
        actief: row.try_get::<i64, _>("actief")? == 1,
    })
}

const CATEGORY_COLUMNS: &str =
    "slug, naam, thema, thema_naam, termijn_werkdagen, overgangen, extra_vraag, extra_opties, \
     bewaar_contact_maanden, bewaar_maanden, actief";

/// The categories (inactive ones too) and the routing rules, which every submission and every
/// list page reads and an administrator seldom changes: kept as a memo of the database handle.
pub struct Reference {
    /// In display order.
    pub categories: Vec<Category>,
    pub rules: Vec<Rule>,
    /// The mails to reporters, in the order of [`model::MAIL_EVENTS`].
    pub mails: Vec<MailTemplate>,
    /// The gemeente's name, for the mails.
    pub gemeente: String,
}

#[derive(Clone, Debug)]
pub struct MailTemplate {
    /// `ontvangen` or a status slug.
    pub gebeurtenis: String,
    pub onderwerp: String,
    pub tekst: String,
    pub actief: bool,
}

impl MailTemplate {
    /// Subject and text with the placeholders filled.
    pub fn render(&self, values: &[(&str, &str)]) -> (String, String) {
        (
            model::render_mail(&self.onderwerp, values),
            model::render_mail(&self.tekst, values),
        )
    }
}

fn mail_from(r: &AnyRow) -> Result<MailTemplate, sqlx::Error> {
    Ok(MailTemplate {
        gebeurtenis: r.try_get("gebeurtenis")?,
        onderwerp: r.try_get("onderwerp")?,
        tekst: r.try_get("tekst")?,
        actief: r.try_get::<i64, _>("actief")? == 1,
    })
}

impl Reference {
    fn active(&self) -> impl Iterator<Item = &Category> {
        self.categories.iter().filter(|c| c.actief)
    }
}

const REFERENCE_MEMO: &str = "meldingen.reference";

pub async fn reference(db: &Db) -> Result<Arc<Reference>, DbError> {
    db.memo(REFERENCE_MEMO, || async {
        let rows = sqlx::query(&format!(
            "SELECT {CATEGORY_COLUMNS} FROM melding_categorie ORDER BY volgorde"
        ))
        .fetch_all(db.pool())
        .await?;
        let mut mails: Vec<MailTemplate> =
            sqlx::query("SELECT gebeurtenis, onderwerp, tekst, actief FROM melding_mailsjabloon")
                .fetch_all(db.pool())
                .await?
                .iter()
                .map(mail_from)
                .collect::<Result<_, _>>()?;
        mails.sort_by_key(|m| model::MAIL_EVENTS.iter().position(|e| *e == m.gebeurtenis));
        let gemeente = platform::identity::organisation_by_slug(db, platform::seed::GEMEENTE)
            .await
            .map_err(identity_db)?
            .name;
        Ok(Reference {
            categories: rows.iter().map(category_from).collect::<Result<_, _>>()?,
            rules: rules(db.pool()).await?,
            mails,
            gemeente,
        })
    })
    .await
}

/// Called after a change to the categories or the routing rules is committed.
pub fn forget_reference(db: &Db) {
    db.forget(REFERENCE_MEMO);
}

/// Every category, inactive ones too (retention applies to all).
pub async fn all_categories(db: &Db) -> Result<Vec<Category>, DbError> {
    Ok(reference(db).await?.categories.clone())
}

/// The active categories in display order (public reference data).
pub async fn categories(db: &Db) -> Result<Vec<Category>, DbError> {
    Ok(reference(db).await?.active().cloned().collect())
}

pub async fn category(db: &Db, slug: &str) -> Result<Option<Category>, DbError> {
    Ok(reference(db)
        .await?
        .active()
        .find(|c| c.slug == slug)
        .cloned())
}

async fn category_tx(tx: &mut Tx, slug: &str) -> Result<Option<Category>, DbError> {
    let row = sqlx::query(&format!(
        "SELECT {CATEGORY_COLUMNS} FROM melding_categorie WHERE slug = $1"
    ))
    .bind(slug)
    .fetch_optional(tx.conn()?)
    .await?;
    Ok(row.as_ref().map(category_from).transpose()?)
}

/// The routing rules in order.
pub async fn routing_rules(db: &Db) -> Result<Vec<Rule>, DbError> {
    Ok(reference(db).await?.rules.clone())
}

/// The routing rules in order, from a transaction's connection or the pool.
async fn rules<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(
    e: E,
) -> Result<Vec<Rule>, DbError> {
    let rows = sqlx::query(
        "SELECT r.positie, r.categorie, r.trefwoord, r.gebied, r.team_id, t.name AS team_naam \
         FROM melding_regel r JOIN teams t ON t.id = r.team_id ORDER BY r.positie",
    )
    .fetch_all(e)
    .await?;
    let get = |r: &AnyRow| -> Result<Rule, sqlx::Error> {
        Ok(Rule {
            position: r.try_get("positie")?,
            categorie: r.try_get("categorie")?,
            trefwoord: r.try_get("trefwoord")?,
            gebied: r.try_get("gebied")?,
            team_id: r.try_get("team_id")?,
            team_naam: r.try_get("team_naam")?,
        })
    };
    Ok(rows.iter().map(get).collect::<Result<_, _>>()?)
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TeamRef {
    pub id: String,
    pub slug: String,
    pub naam: String,
}

/// The gemeente's teams, to which meldingen can be assigned.
pub async fn teams(db: &Db) -> Result<Vec<TeamRef>, DbError> {
    let rows = sqlx::query(
        "SELECT t.id, t.slug, t.name FROM teams t JOIN organisations o ON o.id = t.organisation_id \
         WHERE o.slug = $1 ORDER BY t.name",
    )
    .bind(platform::seed::GEMEENTE)
    .fetch_all(db.pool())
    .await?;
    let get = |r: &AnyRow| -> Result<TeamRef, sqlx::Error> {
        Ok(TeamRef {
            id: r.try_get("id")?,
            slug: r.try_get("slug")?,
            naam: r.try_get("name")?,
        })
    };
    Ok(rows.iter().map(get).collect::<Result<_, _>>()?)
}

/// The colleagues of the caller's organisation who work meldingen, to whom a melding can be
/// assigned (under a decision about the work queue or a melding).
pub async fn colleagues<R: platform::access::Resource, A: platform::access::ActionKind>(
    db: &Db,
    auth: &Authorized<R, A>,
) -> Result<Vec<platform::identity::Colleague>, DbError> {
    platform::identity::colleagues(db.pool(), auth, &crate::access::ROLES, None)
        .await
        .map_err(identity_db)
}

/// An identity error of a plain read is a database error.
fn identity_db(e: platform::identity::IdentityError) -> DbError {
    match e {
        platform::identity::IdentityError::Db(d) => d,
        other => DbError::Sql(sqlx::Error::Protocol(other.to_string())),
    }
}

// ---------------------------------------------------------------------------------------------
// Public submission.

/// Where a melding came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bron {
    Formulier,
    Api,
    Demo,
    /// Registered by a colleague from the work queue (a phone call, the desk, an own sighting).
    Collega,
}

impl Bron {
    pub fn slug(self) -> &'static str {
        match self {
            Bron::Formulier => "formulier",
            Bron::Api => "api",
            Bron::Demo => "demo",
            Bron::Collega => "collega",
        }
    }
}

pub struct Photo {
    /// The name on the reporter's device; not stored.
    pub name: String,
    pub data: Vec<u8>,
}

pub struct Created {
    pub id: String,
    pub nummer: i64,
    pub volgcode: String,
}

fn new_volgcode() -> String {
    model::volgcode_from(rand::rngs::OsRng.next_u64())
}

/// Stores a public submission. Nothing about the request (address, user agent, headers) is
/// passed in, so nothing of it can be stored. The receipt mail, the search index, the routing
/// and the audit record commit with the melding or not at all.
/// `public_url` is where people reach Baken, for the link in the receipt.
pub async fn create(
    db: &Db,
    s: &Submission,
    photos: &Photos,
    bron: Bron,
    received_ms: i64,
    public_url: Option<&str>,
) -> Result<Created, StoreError> {
    create_as(db, s, photos, bron, received_ms, None, public_url).await
}

/// The actions that read the work queue as a list: listing a page, and exporting a selection.
pub trait QueueRead: platform::access::ActionType {}
impl QueueRead for act::List {}
impl QueueRead for act::Export {}

/// A colleague who registers a melding on a reporter's behalf, and how it reached them.
pub struct Registrar<'a> {
    pub auth: &'a Authorized<Werkvoorraad, act::Create>,
    /// One of [`model::KANALEN`].
    pub kanaal: &'a str,
}

/// Registers a melding from the work queue: as [`create`], but the colleague is its author in
/// the history and the audit log. The caller checks the channel.
pub async fn register(
    db: &Db,
    by: &Registrar<'_>,
    s: &Submission,
    photos: &Photos,
    public_url: Option<&str>,
) -> Result<Created, StoreError> {
    create_as(db, s, photos, Bron::Collega, now_ms(), Some(by), public_url).await
}

async fn create_as(
    db: &Db,
    s: &Submission,
    photos: &Photos,
    bron: Bron,
    received_ms: i64,
    by: Option<&Registrar<'_>>,
    public_url: Option<&str>,
) -> Result<Created, StoreError> {
    let today = today_nl();
    let cat = category(db, &s.categorie).await?;
    let opties = cat
        .as_ref()
        .map(|c| c.extra_opties.clone())
        .unwrap_or_default();
    let mut errors = model::validate(s, cat.is_some(), &opties, today);
    errors.extend(photos.error.clone());
    let cleaned = &photos.cleaned;
    let Some(cat) = cat.filter(|_| errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    // Numbers are handed out in turn (see `write_new`) and codes at random: should a code
    // collide on its unique key, the whole submission is simply prepared and tried again.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut pending = prepare(db, s, bron, received_ms, &cat, public_url).await?;
        if let Some(by) = by {
            let p = by.auth.principal();
            pending.door = Some((p.user_id.clone(), p.name.clone()));
            pending.kanaal = Some(crate::i18n::t("nl", &format!("kanaal-{}", by.kanaal)));
        }
        let written = if cleaned.is_empty() && by.is_none() {
            db.write_grouped("meldingen.nieuw", pending, |tx, items| {
                Box::pin(write_new(tx, items))
            })
            .await
            .map_err(StoreError::Db)
        } else {
            write_alone(db, pending, cleaned, by.map(|b| b.auth)).await
        };
        match written {
            Err(StoreError::Db(e)) if attempt < 5 && retryable(&e) => continue,
            other => return other,
        }
    }
}

fn retryable(e: &DbError) -> bool {
    platform::db::is_unique_violation(e)
        || matches!(e, DbError::Sql(sqlx::Error::Database(d)) if d.code().as_deref() == Some("40001"))
}

/// A submission with everything worked out that needs no lock: its id and code, area, routing
/// and deadline. Only the number is left, which is handed out in turn when it is written.
#[derive(Clone, Debug)]
struct Pending {
    id: String,
    volgcode: String,
    categorie: String,
    categorie_naam: String,
    omschrijving: String,
    extra_antwoord: Option<String>,
    adres: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    onbekend: i64,
    wanneer: Option<String>,
    rule: Option<Rule>,
    termijn: String,
    anoniem: bool,
    email: Option<String>,
    /// The receipt mail (subject, text), when an address was given and the receipt is on.
    receipt: Option<(String, String)>,
    telefoon: Option<String>,
    bron: Bron,
    received_ms: i64,
    wijk: Option<String>,
    buurt: Option<String>,
    adres_sleutel: Option<String>,
    /// The colleague (user id, name) who registered it; none for the public.
    door: Option<(String, String)>,
    /// How it reached the colleague, in words.
    kanaal: Option<String>,
}

async fn prepare(
    db: &Db,
    s: &Submission,
    bron: Bron,
    received_ms: i64,
    cat: &Category,
    public_url: Option<&str>,
) -> Result<Pending, StoreError> {
    let cal = Calendar::new();
    let received = date_nl(received_ms);
    let deadline = model::initial_deadline(&cal, received, cat.termijn_werkdagen.max(0) as u32);
    let (wijk, buurt) = match &s.locatie {
        Locatie::Punt { lat, lon } | Locatie::GevondenAdres { lat, lon, .. } => {
            match monitor::areas::locate(*lon, *lat) {
                Some(p) => (Some(p.wijk_code), p.buurt_code),
                None => (None, None),
            }
        }
        // Validated: a known buurt code, whose wijk is in its code (BU1961xxyy → WK1961xx).
        Locatie::Buurt(code) => (code.get(2..8).map(|w| format!("WK{w}")), Some(code.clone())),
        _ => (None, None),
    };
    let reference = reference(db).await?;
    let rule = model::route(
        &reference.rules,
        &model::RouteInput {
            categorie: &cat.slug,
            text: &s.omschrijving,
            wijk: wijk.as_deref(),
            buurt: buurt.as_deref(),
        },
    )
    .cloned();
    let (adres, lat, lon, onbekend) = match &s.locatie {
        Locatie::Adres(a) => (Some(a.trim().to_string()), None, None, 0_i64),
        Locatie::GevondenAdres { adres, lat, lon } => {
            (Some(adres.trim().to_string()), Some(*lat), Some(*lon), 0)
        }
        Locatie::Punt { lat, lon } => (None, Some(*lat), Some(*lon), 0),
        Locatie::Buurt(_) => (None, None, None, 0),
        Locatie::Onbekend => (None, None, None, 1),
    };
    let trim = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let email = if s.anoniem { None } else { trim(&s.email) };
    // Checked here, so that writing it in the outbox cannot fail a whole group.
    if email
        .as_deref()
        .is_some_and(|e| !platform::mail::valid_address(e))
    {
        return Err(StoreError::Invalid(vec![field_error(
            "email",
            "melding-fout-email",
        )]));
    }
    let volgcode = new_volgcode();
    let link = model::tracking_link(public_url, &volgcode);
    let receipt = match (
        &email,
        reference
            .mails
            .iter()
            .find(|m| m.gebeurtenis == "ontvangen"),
    ) {
        // The number is filled in when it is handed out (`write_new`).
        (Some(_), Some(m)) if m.actief => Some(m.render(&[
            ("volgcode", volgcode.as_str()),
            ("categorie", cat.naam.as_str()),
            ("status", &crate::i18n::t("nl", &Status::Gemeld.label_key())),
            ("toelichting", ""),
            ("gemeente", reference.gemeente.as_str()),
            ("link", link.as_str()),
        ])),
        _ => None,
    };
    Ok(Pending {
        id: new_id(),
        volgcode,
        receipt,
        categorie: cat.slug.clone(),
        categorie_naam: cat.naam.clone(),
        omschrijving: s.omschrijving.trim().to_string(),
        extra_antwoord: trim(&s.extra_antwoord),
        adres,
        lat,
        lon,
        onbekend,
        wanneer: trim(&s.wanneer),
        rule,
        termijn: deadline.to_string(),
        anoniem: s.anoniem,
        email,
        telefoon: if s.anoniem { None } else { trim(&s.telefoon) },
        bron,
        received_ms,
        wijk,
        buurt,
        adres_sleutel: match &s.locatie {
            Locatie::Adres(a) | Locatie::GevondenAdres { adres: a, .. } => model::address_key(a),
            _ => None,
        },
        door: None,
        kanaal: None,
    })
}

/// A submission with photos, or one registered by a colleague: written alone, with its photos
/// and the colleague's audit record, in one transaction.
async fn write_alone(
    db: &Db,
    pending: Pending,
    photos: &[Vec<u8>],
    by: Option<&Authorized<Werkvoorraad, act::Create>>,
) -> Result<Created, StoreError> {
    let mut tx = db.begin().await?;
    let created = write_new(&mut tx, std::slice::from_ref(&pending))
        .await?
        .pop()
        .ok_or(StoreError::Db(DbError::Sql(sqlx::Error::RowNotFound)))?;
    if let Some(auth) = by {
        let subject = format!("melder:{}", created.id);
        auth.record_created(&mut tx, "melding", &created.id, Some(&subject))
            .await?;
    }
    for (i, clean) in photos.iter().enumerate() {
        // Neither the device's file name nor the photo's metadata (GPS, camera) is kept: the
        // photos were encoded anew by `clean_photo`. The store adds the sniffed type's extension.
        let name = format!("foto-{}", i + 1);
        let f = files::store(&mut tx, &files::IMAGES, &name, clean, None).await?;
        sqlx::query("INSERT INTO melding_foto (melding_id, file_id, positie) VALUES ($1, $2, $3)")
            .bind(&created.id)
            .bind(&f.id)
            .bind(i as i64 + 1)
            .execute(tx.conn()?)
            .await?;
    }
    tx.commit().await?;
    Ok(created)
}

/// Rows per multi-row INSERT of meldingen (24 values each).
const MELDINGEN_PER_INSERT: usize = 200;

/// Writes new meldingen in `tx`: their numbers in turn, the rows, their history, the search
/// index, the receipts to reporters who gave an address, and the audit records — a fixed number
/// of statements for the whole run, whatever its length.
async fn write_new(tx: &mut Tx, items: &[Pending]) -> Result<Vec<Created>, DbError> {
    // On PostgreSQL concurrent writers would read the same highest number; they take their
    // numbers in turn instead (SQLite's writers' queue already does this).
    if tx.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(1961001)")
            .execute(tx.conn()?)
            .await?;
    }
    let highest: i64 = sqlx::query("SELECT COALESCE(MAX(nummer), 0) AS n FROM melding")
        .fetch_one(tx.conn()?)
        .await?
        .try_get("n")?;
    let numbered: Vec<(i64, &Pending)> = items
        .iter()
        .enumerate()
        .map(|(i, p)| (highest + 1 + i as i64, p))
        .collect();
    for chunk in numbered.chunks(MELDINGEN_PER_INSERT) {
        let sql = format!(
            "INSERT INTO melding (id, nummer, volgcode, categorie, omschrijving, extra_antwoord, adres, lat, lon, \
             locatie_onbekend, wanneer, status, team_id, toewijzing_uitleg, termijn_datum, anoniem, \
             contact_email, contact_telefoon, bron, created_at, updated_at, wijk, buurt, adres_sleutel) VALUES {}",
            platform::db::placeholders(chunk.len(), 24)
        );
        let mut q = sqlx::query(&sql);
        for (nummer, p) in chunk {
            q = q
                .bind(&p.id)
                .bind(*nummer)
                .bind(&p.volgcode)
                .bind(&p.categorie)
                .bind(&p.omschrijving)
                .bind(&p.extra_antwoord)
                .bind(&p.adres)
                .bind_f64(p.lat)
                .bind_f64(p.lon)
                .bind(p.onbekend)
                .bind(&p.wanneer)
                .bind(Status::Gemeld.slug())
                .bind(p.rule.as_ref().map(|r| r.team_id.clone()))
                .bind(p.rule.as_ref().map(model::route_explanation))
                .bind(&p.termijn)
                .bind(i64::from(p.anoniem))
                .bind(&p.email)
                .bind(&p.telefoon)
                .bind(p.bron.slug())
                .bind(p.received_ms)
                .bind(p.received_ms)
                .bind(&p.wijk)
                .bind(&p.buurt)
                .bind(&p.adres_sleutel);
        }
        q.execute(tx.conn()?).await?;
    }
    // Received, and routed when a rule matched.
    type Row<'a> = (
        &'a Pending,
        Option<&'a str>,
        &'a str,
        &'a str,
        String,
        Option<String>,
    );
    let mut history: Vec<Row> = Vec::new();
    for p in items {
        let (user, actor) = match &p.door {
            Some((id, name)) => (Some(id.as_str()), name.as_str()),
            None => (None, "melder"),
        };
        history.push((
            p,
            user,
            actor,
            "aangemaakt",
            Status::Gemeld.slug().into(),
            p.kanaal.as_ref().map(|k| format!("kanaal: {k}")),
        ));
        if let Some(r) = &p.rule {
            history.push((
                p,
                None,
                "systeem",
                "team",
                r.team_naam.clone(),
                Some(model::route_explanation(r)),
            ));
        }
    }
    for chunk in history.chunks(500) {
        let sql = format!(
            "INSERT INTO melding_historie (id, melding_id, at, actor_user_id, actor_naam, soort, nieuw, toelichting) VALUES {}",
            platform::db::placeholders(chunk.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for (p, user, actor, soort, nieuw, why) in chunk {
            q = q
                .bind(new_id())
                .bind(&p.id)
                .bind(p.received_ms)
                .bind(*user)
                .bind(*actor)
                .bind(*soort)
                .bind(nieuw)
                .bind(why);
        }
        q.execute(tx.conn()?).await?;
    }
    let docs: Vec<platform::search::NewDocument> = numbered
        .iter()
        .map(|(nummer, p)| {
            let (title, body) = search_text(
                *nummer,
                &p.categorie_naam,
                &p.omschrijving,
                p.adres.as_deref(),
            );
            platform::search::NewDocument {
                ref_id: p.id.clone(),
                title,
                body,
            }
        })
        .collect();
    platform::search::index_new(tx, SEARCH_KIND, &docs).await?;
    for (nummer, p) in &numbered {
        if let (Some(to), Some((subject, body))) = (&p.email, &p.receipt) {
            let nummer = format!("M-{nummer}");
            let fill = |t: &str| model::render_mail(t, &[("nummer", nummer.as_str())]);
            platform::mail::enqueue(tx, to, &fill(subject), &fill(body))
                .await
                .map_err(|e| match e {
                    platform::mail::MailError::Db(d) => d,
                    other => DbError::Sql(sqlx::Error::Protocol(other.to_string())),
                })?;
        }
    }
    // A colleague's registration is recorded under their own decision (`write_alone`).
    let entries: Vec<AuditEntry> = items
        .iter()
        .filter(|p| p.door.is_none())
        .map(|p| {
            let mut entry = AuditEntry::system(bron_origin(p.bron), "create", "melding");
            entry.actor_name = "melder (publiek)".into();
            entry.resource_id = Some(p.id.clone());
            entry.purpose = "uitvoering".into();
            entry
        })
        .collect();
    audit::append_many(tx, &entries).await?;
    Ok(numbered
        .into_iter()
        .map(|(nummer, p)| Created {
            id: p.id.clone(),
            nummer,
            volgcode: p.volgcode.clone(),
        })
        .collect())
}

/// An open melding at the same place as a new one: a possible duplicate.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Nearby {
    pub id: String,
    pub nummer: i64,
    pub categorie_naam: String,
    /// The address as typed, or the point.
    pub plek: String,
    /// Metres from the new point; none when the address matched.
    pub afstand_m: Option<i64>,
    pub status: String,
    pub created_at: i64,
}

/// The most open meldingen a duplicate warning lists.
const MAX_NEARBY: usize = 10;

/// Open meldingen at the same address (its street and number) or within
/// [`model::NEARBY_METRES`] of the same point, nearest and newest first. Meldingen merged into
/// another are closed and so left out. Reading the list is recorded as a read of the queue.
pub async fn open_nearby(
    db: &Db,
    auth: &Authorized<Werkvoorraad, act::List>,
    locatie: &Locatie,
) -> Result<Vec<Nearby>, DbError> {
    let base = "SELECT m.id, m.nummer, c.naam, m.adres, m.lat, m.lon, m.status, m.created_at \
                FROM melding m JOIN melding_categorie c ON c.slug = m.categorie \
                WHERE m.gesloten_at IS NULL AND ";
    let rows = match locatie {
        Locatie::Adres(a) => {
            let Some(key) = model::address_key(a) else {
                return Ok(Vec::new());
            };
            sqlx::query(&format!(
                "{base} m.adres_sleutel = $1 ORDER BY m.created_at DESC LIMIT {MAX_NEARBY}"
            ))
            .bind(key)
            .fetch_all(db.pool())
            .await?
        }
        Locatie::Punt { lat, lon } => {
            let (dlat, dlon) = model::degrees_around(*lat, model::NEARBY_METRES);
            sqlx::query(&format!(
                "{base} m.lat BETWEEN $1 AND $2 AND m.lon BETWEEN $3 AND $4 LIMIT 200"
            ))
            .bind(lat - dlat)
            .bind(lat + dlat)
            .bind(lon - dlon)
            .bind(lon + dlon)
            .fetch_all(db.pool())
            .await?
        }
        // A found address meets earlier reports at the same door and those pointed nearby.
        Locatie::GevondenAdres { adres, lat, lon } => {
            let (dlat, dlon) = model::degrees_around(*lat, model::NEARBY_METRES);
            sqlx::query(&format!(
                "{base} (m.adres_sleutel = $1 OR (m.lat BETWEEN $2 AND $3 AND m.lon BETWEEN $4 AND $5)) \
                 ORDER BY m.created_at DESC LIMIT 200"
            ))
            .bind(model::address_key(adres).unwrap_or_default())
            .bind(lat - dlat)
            .bind(lat + dlat)
            .bind(lon - dlon)
            .bind(lon + dlon)
            .fetch_all(db.pool())
            .await?
        }
        Locatie::Buurt(_) | Locatie::Onbekend => return Ok(Vec::new()),
    };
    let here = match locatie {
        Locatie::Punt { lat, lon } | Locatie::GevondenAdres { lat, lon, .. } => Some((*lat, *lon)),
        _ => None,
    };
    let mut found = Vec::new();
    for r in &rows {
        let lat: Option<f64> = r.try_get("lat")?;
        let lon: Option<f64> = r.try_get("lon")?;
        let afstand = here.zip(lat.zip(lon)).map(|(a, b)| model::distance_m(a, b));
        if afstand.is_some_and(|d| d > model::NEARBY_METRES) {
            continue;
        }
        let adres: Option<String> = r.try_get("adres")?;
        found.push(Nearby {
            id: r.try_get("id")?,
            nummer: r.try_get("nummer")?,
            categorie_naam: r.try_get("naam")?,
            plek: adres.unwrap_or_else(|| match lat.zip(lon) {
                Some((la, lo)) => format!("{la:.5}, {lo:.5}"),
                None => String::new(),
            }),
            afstand_m: afstand.map(|d| d.round() as i64),
            status: r.try_get("status")?,
            created_at: r.try_get("created_at")?,
        });
    }
    found.sort_by(|a, b| {
        a.afstand_m
            .cmp(&b.afstand_m)
            .then(b.created_at.cmp(&a.created_at))
    });
    found.truncate(MAX_NEARBY);
    if !found.is_empty() {
        auth.record_grouped(db).await?;
    }
    Ok(found)
}

fn bron_origin(b: Bron) -> &'static str {
    match b {
        Bron::Formulier => "web",
        Bron::Api => "api",
        Bron::Demo => "cli",
        Bron::Collega => "web",
    }
}

/// The title and body a melding has in the search index.
pub fn search_text(
    nummer: i64,
    categorie: &str,
    omschrijving: &str,
    adres: Option<&str>,
) -> (String, String) {
    (
        format!("M-{nummer} {categorie}"),
        format!("{omschrijving} {}", adres.unwrap_or("")),
    )
}

#[allow(clippy::too_many_arguments)]
async fn history(
    tx: &mut Tx,
    melding_id: &str,
    actor_user_id: Option<&str>,
    actor_naam: &str,
    soort: &str,
    oud: Option<&str>,
    nieuw: Option<&str>,
    toelichting: Option<&str>,
    at: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO melding_historie (id, melding_id, at, actor_user_id, actor_naam, soort, oud, nieuw, toelichting) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(melding_id)
    .bind(at)
    .bind(actor_user_id)
    .bind(actor_naam)
    .bind(soort)
    .bind(oud)
    .bind(nieuw)
    .bind(toelichting)
    .execute(tx.conn()?)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Public status.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PublicStatus {
    pub volgcode: String,
    pub categorie: String,
    /// Status slug: gemeld, in-behandeling, wacht-op-melder, afgehandeld, geannuleerd.
    pub status: String,
    /// Milliseconds since the Unix epoch.
    pub ontvangen: i64,
    pub bijgewerkt: i64,
    /// The melding was merged into an earlier one about the same; status and update time are
    /// that one's.
    pub samengevoegd: bool,
}

/// The audit record of something the reporter did through the tracking page: it names the
/// melding and nothing of the request.
fn by_reporter(action: &str, melding_id: String) -> AuditEntry {
    let mut entry = AuditEntry::system("web", action, "melding");
    entry.actor_name = "melder (publiek)".into();
    entry.resource_id = Some(melding_id);
    entry.purpose = "uitvoering".into();
    entry
}

/// The longest answer a reporter can give.
pub const MAX_ANTWOORD: usize = 5000;

/// The question put to the reporter of a melding that waits for them (the explanation of its
/// last change to "wacht op melder"), by tracking code; None when it waits for nobody.
pub async fn open_question(db: &Db, volgcode: &str) -> Result<Option<String>, DbError> {
    let row = sqlx::query(
        "SELECT h.toelichting FROM melding m JOIN melding_historie h ON h.melding_id = m.id \
         WHERE m.volgcode = $1 AND m.status = 'wacht-op-melder' AND m.samengevoegd_in IS NULL \
         AND h.soort = 'status' AND h.nieuw = 'wacht-op-melder' ORDER BY h.at DESC LIMIT 1",
    )
    .bind(volgcode)
    .fetch_optional(db.pool())
    .await?;
    Ok(row
        .map(|r| r.try_get::<Option<String>, _>("toelichting"))
        .transpose()?
        .flatten())
}

/// The reporter's answer to the question, through the tracking page: kept in the history, and
/// the melding is back with its handler ("in behandeling", its deadline running again). Nothing
/// about the request is stored; the audit record names the melding only.
/// Photos with the answer (checked and cleaned by [`clean_photos`], as on the form) are added
/// to the melding's photos after those it has.
pub async fn answer(
    db: &Db,
    volgcode: &str,
    text: &str,
    photos: &Photos,
) -> Result<(), StoreError> {
    let text = text.trim();
    let mut errors = Vec::new();
    if text.is_empty() {
        errors.push(field_error("antwoord", "melding-fout-antwoord"));
    } else if text.chars().count() > MAX_ANTWOORD {
        errors.push(field_error("antwoord", "melding-fout-antwoord-lang"));
    }
    errors.extend(photos.error.clone());
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "SELECT id, termijn_datum, gepauzeerd_sinds FROM melding \
         WHERE volgcode = $1 AND status = 'wacht-op-melder' AND samengevoegd_in IS NULL",
    )
    .bind(volgcode)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let id: String = row.try_get("id")?;
    let deadline: String = row.try_get("termijn_datum")?;
    let paused: Option<i64> = row.try_get("gepauzeerd_sinds")?;
    let deadline = match paused {
        Some(since) => model::resume_deadline(
            &Calendar::new(),
            parse_date(&deadline),
            date_nl(since),
            today_nl(),
        )
        .to_string(),
        None => deadline,
    };
    sqlx::query(
        "UPDATE melding SET status = $1, termijn_datum = $2, gepauzeerd_sinds = NULL, updated_at = $3, \
         antwoord_ontvangen_at = $3 WHERE id = $4",
    )
    .bind(Status::InBehandeling.slug())
    .bind(&deadline)
    .bind(now)
    .bind(&id)
    .execute(tx.conn()?)
    .await?;
    let existing: i64 = sqlx::query(
        "SELECT CAST(COALESCE(MAX(positie), 0) AS BIGINT) AS n FROM melding_foto WHERE melding_id = $1",
    )
    .bind(&id)
    .fetch_one(tx.conn()?)
    .await?
    .try_get("n")?;
    for (i, clean) in photos.cleaned.iter().enumerate() {
        let positie = existing + i as i64 + 1;
        // As on the form: encoded anew, no file name or metadata of the device kept.
        let f = files::store(
            &mut tx,
            &files::IMAGES,
            &format!("foto-{positie}"),
            clean,
            None,
        )
        .await?;
        sqlx::query("INSERT INTO melding_foto (melding_id, file_id, positie) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(&f.id)
            .bind(positie)
            .execute(tx.conn()?)
            .await?;
    }
    // The history says how many photos came with the answer; the photos show on the melding.
    let with_photos = match photos.cleaned.len() {
        0 => text.to_string(),
        1 => format!("{text}\n(met 1 foto)"),
        n => format!("{text}\n(met {n} foto's)"),
    };
    history(
        &mut tx,
        &id,
        None,
        "melder",
        "antwoord",
        None,
        None,
        Some(&with_photos),
        now,
    )
    .await?;
    history(
        &mut tx,
        &id,
        None,
        "melder",
        "status",
        Some(Status::WachtOpMelder.slug()),
        Some(Status::InBehandeling.slug()),
        None,
        now,
    )
    .await?;
    audit::append(&mut tx, &by_reporter("answer", id)).await?;
    tx.commit().await?;
    Ok(())
}

/// The longest text with a rating.
pub const MAX_BEOORDELING: usize = 2000;

/// Whether the reporter of a melding can rate its handling: it is closed as handled and has
/// no rating yet.
pub async fn rating_open(db: &Db, volgcode: &str) -> Result<bool, DbError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM melding m WHERE m.volgcode = $1 AND m.status = 'afgehandeld' \
         AND m.samengevoegd_in IS NULL \
         AND NOT EXISTS (SELECT 1 FROM melding_beoordeling b WHERE b.melding_id = m.id)",
    )
    .bind(volgcode)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// The reporter rates the handling of a closed melding, once: 1 to 5, with an optional text.
pub async fn rate(db: &Db, volgcode: &str, cijfer: &str, tekst: &str) -> Result<(), StoreError> {
    let mut errors = Vec::new();
    let cijfer = cijfer
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|c| (1..=5).contains(c));
    if cijfer.is_none() {
        errors.push(field_error("cijfer", "melding-fout-cijfer"));
    }
    let tekst = tekst.trim();
    if tekst.chars().count() > MAX_BEOORDELING {
        errors.push(field_error("tekst", "melding-fout-beoordeling-lang"));
    }
    let Some(cijfer) = cijfer.filter(|_| errors.is_empty()) else {
        return Err(StoreError::Invalid(errors));
    };
    let mut tx = db.begin().await?;
    let id: String = sqlx::query(
        "SELECT id FROM melding WHERE volgcode = $1 AND status = 'afgehandeld' AND samengevoegd_in IS NULL",
    )
    .bind(volgcode)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?
    .try_get("id")?;
    let added = sqlx::query(
        "INSERT INTO melding_beoordeling (melding_id, cijfer, tekst, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (melding_id) DO NOTHING",
    )
    .bind(&id)
    .bind(cijfer)
    .bind(Some(tekst).filter(|t| !t.is_empty()))
    .bind(now_ms())
    .execute(tx.conn()?)
    .await?
    .rows_affected();
    if added == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(&mut tx, &by_reporter("rate", id)).await?;
    tx.commit().await?;
    Ok(())
}

/// The ratings of one subject and team.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RatingSummary {
    pub categorie: String,
    pub team: String,
    pub aantal: i64,
    /// The mean to one decimal, written the Dutch way ("4,3").
    pub gemiddeld: String,
}

/// A rating with a text, for reading back.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RatingText {
    pub categorie: String,
    pub team: String,
    pub cijfer: i64,
    pub tekst: String,
    pub at: i64,
}

/// How reporters rate the handling, per subject and team, with the latest texts.
pub async fn ratings(
    db: &Db,
    texts: i64,
) -> Result<(Vec<RatingSummary>, Vec<RatingText>), DbError> {
    let rows = sqlx::query(
        "SELECT c.naam AS categorie, COALESCE(t.name, '') AS team, COUNT(*) AS aantal, \
         CAST(SUM(b.cijfer) AS BIGINT) AS som FROM melding_beoordeling b \
         JOIN melding m ON m.id = b.melding_id JOIN melding_categorie c ON c.slug = m.categorie \
         LEFT JOIN teams t ON t.id = m.team_id \
         GROUP BY c.naam, COALESCE(t.name, '') ORDER BY c.naam, COALESCE(t.name, '')",
    )
    .fetch_all(db.pool())
    .await?;
    let summary = rows
        .iter()
        .map(|r| {
            let aantal: i64 = r.try_get("aantal")?;
            let som: i64 = r.try_get("som")?;
            Ok(RatingSummary {
                categorie: r.try_get("categorie")?,
                team: r.try_get("team")?,
                aantal,
                gemiddeld: {
                    let tenths = (som * 10 + aantal / 2) / aantal.max(1);
                    format!("{},{}", tenths / 10, tenths % 10)
                },
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let rows = sqlx::query(
        "SELECT c.naam AS categorie, COALESCE(t.name, '') AS team, b.cijfer, b.tekst, b.created_at \
         FROM melding_beoordeling b JOIN melding m ON m.id = b.melding_id \
         JOIN melding_categorie c ON c.slug = m.categorie LEFT JOIN teams t ON t.id = m.team_id \
         WHERE b.tekst IS NOT NULL ORDER BY b.created_at DESC LIMIT $1",
    )
    .bind(texts)
    .fetch_all(db.pool())
    .await?;
    let texts = rows
        .iter()
        .map(|r| {
            Ok(RatingText {
                categorie: r.try_get("categorie")?,
                team: r.try_get("team")?,
                cijfer: r.try_get("cijfer")?,
                tekst: r.try_get::<Option<String>, _>("tekst")?.unwrap_or_default(),
                at: r.try_get("created_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((summary, texts))
}

/// The public face of a melding: category and status only.
pub async fn public_status(db: &Db, volgcode: &str) -> Result<Option<PublicStatus>, DbError> {
    let row = sqlx::query(
        "SELECT m.volgcode, c.naam, COALESCE(o.status, m.status) AS status, m.created_at, \
         COALESCE(o.updated_at, m.updated_at) AS updated_at, o.id AS origineel FROM melding m \
         JOIN melding_categorie c ON c.slug = m.categorie LEFT JOIN melding o ON o.id = m.samengevoegd_in \
         WHERE m.volgcode = $1",
    )
    .bind(volgcode)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(PublicStatus {
        volgcode: r.try_get("volgcode")?,
        categorie: r.try_get("naam")?,
        status: r.try_get("status")?,
        ontvangen: r.try_get("created_at")?,
        bijgewerkt: r.try_get("updated_at")?,
        samengevoegd: r.try_get::<Option<String>, _>("origineel")?.is_some(),
    }))
}

// ---------------------------------------------------------------------------------------------
// The work queue.

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub categorie: Option<String>,
    pub thema: Option<String>,
    pub team: Option<String>,
    /// A person's user id, or `geen` for meldingen assigned to nobody.
    pub behandelaar: Option<String>,
    /// A wijk code (WK…).
    pub wijk: Option<String>,
    /// A buurt code (BU…).
    pub buurt: Option<String>,
    /// Received on or after this date (`YYYY-MM-DD`).
    pub van: Option<String>,
    /// Received on or before this date.
    pub tot: Option<String>,
    /// op-tijd, bijna or te-laat.
    pub termijn: Option<String>,
    /// Ids from the full-text search, when a search was made.
    pub ids: Option<Vec<String>>,
    /// Full-text search words (each a prefix, all required), matched in the same statement.
    pub q: Option<String>,
    /// nieuwste (default), oudste, termijn, nummer.
    pub sort: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub id: String,
    pub nummer: i64,
    pub categorie: String,
    pub categorie_naam: String,
    pub thema: String,
    pub status: String,
    pub omschrijving: String,
    pub adres: Option<String>,
    pub wijk: Option<String>,
    pub buurt: Option<String>,
    pub team_id: Option<String>,
    pub team_naam: Option<String>,
    /// The person it is assigned to, if any.
    pub behandelaar_naam: Option<String>,
    /// The deadline, `YYYY-MM-DD`.
    pub termijn: String,
    /// op-tijd, bijna, te-laat, gepauzeerd or gesloten.
    pub termijn_status: String,
    pub fotos: i64,
    pub created_at: i64,
    /// The reporter answered the handler's question and the handler has not acted since.
    pub antwoord_ontvangen: bool,
}

/// The most rows one list or export returns.
pub const MAX_EXPORT: i64 = 10_000;

/// A list counts its selection up to this many meldingen past the start of the page; beyond
/// that it says "more than" (counting a million rows for every page would cost far more than
/// the page). So the pager always reaches 20 pages further, and the count costs the same on
/// page 1 of a small selection as of a large one.
pub const COUNT_AHEAD: i64 = 1_000;

pub struct Listing {
    pub items: Vec<Summary>,
    /// The size of the selection, exact up to the page's offset plus [`COUNT_AHEAD`].
    pub total: i64,
    /// True when the selection has more than `total` meldingen.
    pub more: bool,
    /// How many SQL statements this store function issued (constant whatever the page size).
    pub queries: u32,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The WHERE clause and its binds for a filter.
/// `ordered`: the clause serves a page sorted by time (not a count).
fn where_clause(
    f: &Filter,
    today: Date,
    grens: Date,
    backend: Backend,
    ordered: bool,
) -> (String, Vec<String>) {
    let mut clauses = vec!["1 = 1".to_string()];
    let mut binds: Vec<String> = Vec::new();
    // Adds a bind and returns its placeholder.
    fn bind(binds: &mut Vec<String>, v: &str) -> String {
        binds.push(v.to_string());
        format!("${}", binds.len())
    }
    if let Some(s) = nonempty(&f.status) {
        clauses.push(format!("m.status = {}", bind(&mut binds, s)));
    }
    if let Some(s) = nonempty(&f.categorie) {
        clauses.push(format!("m.categorie = {}", bind(&mut binds, s)));
    }
    // Theme and team are resolved to the melding's own indexed columns (categorie, team_id)
    // through small subqueries, so the planner can use the (column, status, created_at) indexes.
    if let Some(s) = nonempty(&f.thema) {
        // For a sorted page on SQLite, the unary + keeps the planner from serving this IN-list
        // from the category index and then sorting every match: it walks (status, created_at)
        // in order instead. A count is best served from the category index, so no + there.
        let plus = if ordered && backend == Backend::Sqlite {
            "+"
        } else {
            ""
        };
        clauses.push(format!(
            "{plus}m.categorie IN (SELECT slug FROM melding_categorie WHERE thema = {})",
            bind(&mut binds, s)
        ));
    }
    if let Some(s) = nonempty(&f.team) {
        if s == "geen" {
            clauses.push("m.team_id IS NULL".into());
        } else {
            let n = bind(&mut binds, s);
            let g = bind(&mut binds, platform::seed::GEMEENTE);
            // A scalar subquery: the planner treats it as one value and uses the index.
            clauses.push(format!(
                "m.team_id = (SELECT t2.id FROM teams t2 JOIN organisations o2 ON o2.id = t2.organisation_id \
                 WHERE o2.slug = {g} AND (t2.id = {n} OR t2.slug = {n}) LIMIT 1)"
            ));
        }
    }
    match nonempty(&f.behandelaar) {
        Some("geen") => clauses.push("m.behandelaar_id IS NULL".into()),
        Some(s) => clauses.push(format!("m.behandelaar_id = {}", bind(&mut binds, s))),
        None => {}
    }
    if let Some(s) = nonempty(&f.wijk) {
        clauses.push(format!("m.wijk = {}", bind(&mut binds, s)));
    }
    if let Some(s) = nonempty(&f.buurt) {
        clauses.push(format!("m.buurt = {}", bind(&mut binds, s)));
    }
    // Dates bound as text would not compare with the BIGINT column on PostgreSQL; they are
    // checked dates, so their milliseconds are written into the statement.
    if let Some(d) = nonempty(&f.van).and_then(|d| d.parse::<Date>().ok()) {
        clauses.push(format!("m.created_at >= {}", day_start_ms_nl(d)));
    }
    if let Some(d) = nonempty(&f.tot).and_then(|d| d.parse::<Date>().ok()) {
        clauses.push(format!(
            "m.created_at < {}",
            day_start_ms_nl(d.tomorrow().unwrap_or(d))
        ));
    }
    let open = "m.status IN ('gemeld', 'in-behandeling')";
    let today = today.to_string();
    let grens = grens.to_string();
    match nonempty(&f.termijn) {
        Some("te-laat") => {
            clauses.push(format!(
                "{open} AND m.termijn_datum < {}",
                bind(&mut binds, &today)
            ));
        }
        Some("bijna") => {
            let a = bind(&mut binds, &today);
            let b = bind(&mut binds, &grens);
            clauses.push(format!(
                "{open} AND m.termijn_datum >= {a} AND m.termijn_datum <= {b}"
            ));
        }
        Some("op-tijd") => {
            clauses.push(format!(
                "{open} AND m.termijn_datum > {}",
                bind(&mut binds, &grens)
            ));
        }
        _ => {}
    }
    if let Some(text) = nonempty(&f.q) {
        match platform::search::match_expression(backend, text) {
            None => clauses.push("1 = 0".into()),
            Some(expr) => {
                let n = bind(&mut binds, &expr);
                clauses.push(format!(
                    "m.id IN ({})",
                    platform::search::matching_ids_sql(backend, SEARCH_KIND, &n)
                ));
            }
        }
    }
    if let Some(ids) = &f.ids {
        if ids.is_empty() {
            clauses.push("1 = 0".into());
        } else {
            let marks: Vec<String> = ids.iter().map(|id| bind(&mut binds, id)).collect();
            clauses.push(format!("m.id IN ({})", marks.join(", ")));
        }
    }
    (clauses.join(" AND "), binds)
}

fn order_by(sort: Option<&str>) -> &'static str {
    match sort {
        Some("oudste") => "m.created_at ASC, m.nummer ASC",
        Some("termijn") => "m.termijn_datum ASC, m.nummer ASC",
        Some("nummer") => "m.nummer ASC",
        _ => "m.created_at DESC, m.nummer DESC",
    }
}

/// The same order written so that no index can supply it: the rows come from the filters'
/// indexes and are sorted (see [`PagePlan::SortMatches`]).
fn order_by_sorting(sort: Option<&str>) -> &'static str {
    match sort {
        Some("oudste") => "m.created_at + 0 ASC, m.nummer + 0 ASC",
        Some("termijn") => "m.termijn_datum || '' ASC, m.nummer + 0 ASC",
        Some("nummer") => "m.nummer + 0 ASC",
        _ => "m.created_at + 0 DESC, m.nummer + 0 DESC",
    }
}

/// The index (migration 0027) that holds the queue in a sort order, with every filter column.
fn order_index(sort: Option<&str>) -> &'static str {
    match sort {
        Some("termijn") => "melding_lijst_termijn",
        Some("nummer") => "melding_lijst_nummer",
        _ => "melding_lijst_ontvangen",
    }
}

/// A selection is counted up to this many meldingen before its page is read; the count decides
/// how the page is read (exact counts beyond [`COUNT_AHEAD`] are not shown, see [`list`]).
pub const PLAN_THRESHOLD: i64 = 5_000;

/// How a page is read, decided from the selection's (capped) size, so that no combination of
/// filters makes the database either sort a huge selection or walk far for a rare one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PagePlan {
    /// At most [`PLAN_THRESHOLD`] matches: found through the filters' indexes, then sorted.
    SortMatches,
    /// More: so at least 1 in 200 meldingen matches, and walking the index in the page's
    /// order, checking the filters in the index, reaches the page soon.
    WalkInOrder,
}

impl PagePlan {
    pub fn for_count(counted: i64) -> PagePlan {
        if counted > PLAN_THRESHOLD {
            PagePlan::WalkInOrder
        } else {
            PagePlan::SortMatches
        }
    }
}

/// A theme with a category is that category when it belongs to the theme, and nothing
/// otherwise. Decided from the categories here, so that the database never walks all of a
/// category's meldingen to find that none of them is in another theme.
fn narrow_theme(f: &Filter, categories: &[Category]) -> Filter {
    let mut narrowed = f.clone();
    if let (Some(thema), Some(categorie)) = (nonempty(&f.thema), nonempty(&f.categorie)) {
        if categories
            .iter()
            .any(|c| c.slug == categorie && c.thema == thema)
        {
            narrowed.thema = None;
        } else {
            narrowed.ids = Some(Vec::new());
        }
    }
    narrowed
}

/// One page of the work queue: one query for the (capped) count, one for the rows (a join and
/// a subselect, no query per row), plus the audit record of the list access. The reads run
/// outside the write transaction, so pages are read in parallel; the audit record is written
/// before anything is returned. The category names come from the reference memo: joining them
/// made SQLite's planner drive the page from the category table and sort every match.
///
/// The count comes first and chooses how the page is read ([`PagePlan`]): a small selection is
/// gathered through the filters' indexes and sorted; a large one is read by walking the
/// queue's index in the page's order (migration 0027: every filter column is in each of those
/// indexes, so no filter needs a row of the table). Either way the cost is bounded whatever
/// the combination of filters; docs/meldingen-queue.md has the figures.
pub async fn list<A: QueueRead>(
    db: &Db,
    auth: &Authorized<Werkvoorraad, A>,
    f: &Filter,
) -> Result<Listing, DbError> {
    let counter = AtomicU32::new(0);
    let cal = Calendar::new();
    let today = today_nl();
    let grens = model::bijna_grens(&cal, today);
    let reference = reference(db).await?;
    let f = &narrow_theme(f, &reference.categories);
    let (clause, binds) = where_clause(f, today, grens, db.backend(), false);
    let offset = f.offset.max(0);
    let cap = offset.saturating_add(COUNT_AHEAD);
    let count_sql = format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM melding m WHERE {clause} LIMIT ${}) capped",
        binds.len() + 1
    );
    let mut q = sqlx::query(&count_sql);
    for b in &binds {
        q = q.bind(b);
    }
    let counted: i64 = q
        .bind(cap.max(PLAN_THRESHOLD) + 1)
        .persistent(db.backend() == Backend::Sqlite)
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    counter.fetch_add(1, Ordering::Relaxed);
    // The page's numbers are found first, from the queue's indexes alone; only those rows are
    // then read, joined and counted for photos, not every row the offset skips. On PostgreSQL
    // each statement is planned with its values (the plain pool): how selective a status or a
    // category is differs by value, and a generic plan cannot know it.
    let sort = nonempty(&f.sort);
    let (from, order) = match (PagePlan::for_count(counted), db.backend()) {
        (PagePlan::SortMatches, _) => ("melding m".to_string(), order_by_sorting(sort)),
        (PagePlan::WalkInOrder, Backend::Sqlite) => (
            format!("melding m INDEXED BY {}", order_index(sort)),
            order_by(sort),
        ),
        (PagePlan::WalkInOrder, Backend::Postgres) => ("melding m".to_string(), order_by(sort)),
    };
    let sql = format!(
        "SELECT m.id, m.nummer, m.categorie, m.status, m.omschrijving, \
         m.adres, m.wijk, m.buurt, m.team_id, t.name AS team_naam, m.behandelaar_naam, m.termijn_datum, \
         m.created_at, m.antwoord_ontvangen_at, (SELECT COUNT(*) FROM melding_foto f WHERE f.melding_id = m.id) AS fotos \
         FROM (SELECT m.nummer FROM {from} WHERE {clause} ORDER BY {order} LIMIT ${} OFFSET ${}) page \
         JOIN melding m ON m.nummer = page.nummer LEFT JOIN teams t ON t.id = m.team_id ORDER BY {}",
        binds.len() + 1,
        binds.len() + 2,
        order_by(sort)
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q
        .bind(f.limit.clamp(1, MAX_EXPORT))
        .bind(offset)
        .persistent(db.backend() == Backend::Sqlite)
        .fetch_all(db.pool())
        .await?;
    counter.fetch_add(1, Ordering::Relaxed);
    auth.record_grouped(db).await?;
    counter.fetch_add(1, Ordering::Relaxed);
    let items = rows
        .iter()
        .map(|r| -> Result<Summary, sqlx::Error> {
            let status: String = r.try_get("status")?;
            let termijn: String = r.try_get("termijn_datum")?;
            let st = Status::from_slug(&status).unwrap_or(Status::Gemeld);
            let categorie: String = r.try_get("categorie")?;
            let cat = reference.categories.iter().find(|c| c.slug == categorie);
            Ok(Summary {
                id: r.try_get("id")?,
                nummer: r.try_get("nummer")?,
                categorie,
                categorie_naam: cat.map(|c| c.naam.clone()).unwrap_or_default(),
                thema: cat.map(|c| c.thema_naam.clone()).unwrap_or_default(),
                termijn_status: model::deadline_state(&cal, st, parse_date(&termijn), today)
                    .slug()
                    .to_string(),
                status,
                omschrijving: r.try_get("omschrijving")?,
                adres: r.try_get("adres")?,
                wijk: r.try_get("wijk")?,
                buurt: r.try_get("buurt")?,
                team_id: r.try_get("team_id")?,
                team_naam: r.try_get("team_naam")?,
                behandelaar_naam: r.try_get("behandelaar_naam")?,
                termijn,
                fotos: r.try_get("fotos")?,
                created_at: r.try_get("created_at")?,
                antwoord_ontvangen: r
                    .try_get::<Option<i64>, _>("antwoord_ontvangen_at")?
                    .is_some(),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Listing {
        items,
        total: counted.min(cap),
        more: counted > cap,
        queries: counter.load(Ordering::Relaxed),
    })
}

/// The points of the newest meldingen of a selection (at most `limit`), for the map beside the
/// list: (lon, lat, wijk code). One query, whatever the selection.
pub async fn map_points<A: QueueRead>(
    db: &Db,
    _auth: &Authorized<Werkvoorraad, A>,
    f: &Filter,
    limit: i64,
) -> Result<Vec<(f64, f64, Option<String>)>, DbError> {
    let cal = Calendar::new();
    let today = today_nl();
    let (clause, binds) = where_clause(
        f,
        today,
        model::bijna_grens(&cal, today),
        db.backend(),
        true,
    );
    let sql = format!(
        "SELECT m.lon, m.lat, m.wijk FROM melding m WHERE {clause} AND m.lat IS NOT NULL \
         ORDER BY m.created_at DESC LIMIT {}",
        limit.clamp(1, MAX_EXPORT)
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(db.pool()).await?;
    Ok(rows
        .iter()
        .map(|r| Ok((r.try_get("lon")?, r.try_get("lat")?, r.try_get("wijk")?)))
        .collect::<Result<_, sqlx::Error>>()?)
}

/// The meldingen of a selection on the map: every one with a point, counted per grid cell of
/// [`model::MAP_CELL_DEGREES`], and the whole selection counted per wijk.
#[derive(Clone, Debug, Default)]
pub struct MapSelection {
    pub cells: Vec<model::MapCell>,
    /// Per wijk code (none: no wijk known): the meldingen of the selection, and how many of
    /// them have no point (an address as text, a buurt, or unknown).
    pub per_wijk: Vec<(Option<String>, i64, i64)>,
}

/// Every melding of a selection for the map, aggregated in SQL per grid cell (so a million
/// meldingen are a few thousand cells, not a sample), with the counts per wijk for its list.
/// Two statements, whatever the selection; reading it is recorded as a read of the queue.
pub async fn map_selection<A: QueueRead>(
    db: &Db,
    auth: &Authorized<Werkvoorraad, A>,
    f: &Filter,
) -> Result<MapSelection, DbError> {
    let cal = Calendar::new();
    let today = today_nl();
    let (clause, binds) = where_clause(
        f,
        today,
        model::bijna_grens(&cal, today),
        db.backend(),
        false,
    );
    let per_degree = model::MAP_CELLS_PER_DEGREE;
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(AVG(m.lat) AS DOUBLE PRECISION) AS lat, \
         CAST(AVG(m.lon) AS DOUBLE PRECISION) AS lon, MIN(m.id) AS id FROM melding m \
         WHERE {clause} AND m.lat IS NOT NULL AND m.lon IS NOT NULL \
         GROUP BY ROUND(m.lat * {per_degree}), ROUND(m.lon * {per_degree})"
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let cells = q
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| -> Result<model::MapCell, sqlx::Error> {
            let n: i64 = r.try_get("n")?;
            let id: Option<String> = r.try_get("id")?;
            Ok(model::MapCell {
                lat: r.try_get("lat")?,
                lon: r.try_get("lon")?,
                n,
                // One melding alone in its cell is linked to; a group is zoomed into.
                id: id.filter(|_| n == 1),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let sql = format!(
        "SELECT m.wijk, CAST(COUNT(*) AS BIGINT) AS n, \
         CAST(SUM(CASE WHEN m.lat IS NULL OR m.lon IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS zonder \
         FROM melding m WHERE {clause} GROUP BY m.wijk"
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let per_wijk = q
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("wijk")?, r.try_get("n")?, r.try_get("zonder")?)))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    auth.record_grouped(db).await?;
    Ok(MapSelection { cells, per_wijk })
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TeamOverview {
    pub team: String,
    pub open: i64,
    pub bijna: i64,
    pub te_laat: i64,
    pub gepauzeerd: i64,
}

/// Open meldingen per team with how many are almost late or late (aggregated figures).
pub async fn overview_per_team(db: &Db) -> Result<Vec<TeamOverview>, DbError> {
    let cal = Calendar::new();
    let today = today_nl();
    let grens = model::bijna_grens(&cal, today);
    let rows = sqlx::query(
        "SELECT COALESCE(t.name, '') AS team, \
         CAST(SUM(CASE WHEN m.status IN ('gemeld', 'in-behandeling', 'wacht-op-melder') THEN 1 ELSE 0 END) AS BIGINT) AS open, \
         CAST(SUM(CASE WHEN m.status IN ('gemeld', 'in-behandeling') AND m.termijn_datum >= $1 AND m.termijn_datum <= $2 THEN 1 ELSE 0 END) AS BIGINT) AS bijna, \
         CAST(SUM(CASE WHEN m.status IN ('gemeld', 'in-behandeling') AND m.termijn_datum < $1 THEN 1 ELSE 0 END) AS BIGINT) AS te_laat, \
         CAST(SUM(CASE WHEN m.status = 'wacht-op-melder' THEN 1 ELSE 0 END) AS BIGINT) AS gepauzeerd \
         FROM melding m LEFT JOIN teams t ON t.id = m.team_id GROUP BY COALESCE(t.name, '') ORDER BY COALESCE(t.name, '')",
    )
    .bind(today.to_string())
    .bind(grens.to_string())
    .fetch_all(db.pool())
    .await?;
    let get = |r: &AnyRow| -> Result<TeamOverview, sqlx::Error> {
        Ok(TeamOverview {
            team: r.try_get("team")?,
            open: r.try_get("open")?,
            bijna: r.try_get("bijna")?,
            te_laat: r.try_get("te_laat")?,
            gepauzeerd: r.try_get("gepauzeerd")?,
        })
    };
    Ok(rows.iter().map(get).collect::<Result<_, _>>()?)
}

// ---------------------------------------------------------------------------------------------
// One melding.

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HistoryItem {
    pub at: i64,
    pub wie: String,
    /// aangemaakt, status, team, behandelaar, notitie, duplicaat, categorie, locatie.
    pub soort: String,
    pub oud: Option<String>,
    pub nieuw: Option<String>,
    pub toelichting: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PhotoRef {
    pub file_id: String,
    pub naam: String,
}

/// Another melding, as a melding's page names it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MeldingRef {
    pub id: String,
    pub nummer: i64,
    pub categorie_naam: String,
    pub status: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Detail {
    pub id: String,
    pub nummer: i64,
    pub volgcode: String,
    pub categorie: String,
    pub categorie_naam: String,
    pub thema: String,
    pub omschrijving: String,
    pub extra_vraag: Option<String>,
    pub extra_antwoord: Option<String>,
    pub adres: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub locatie_onbekend: bool,
    /// The wijk and buurt codes of the point (GM1961 boundaries).
    pub wijk: Option<String>,
    pub buurt: Option<String>,
    /// "buurt, wijk" by name, where known.
    pub gebied_naam: Option<String>,
    pub wanneer: Option<String>,
    pub status: String,
    /// Statuses this melding may move to, by its category's workflow.
    pub volgende_statussen: Vec<String>,
    pub team_id: Option<String>,
    pub team_naam: Option<String>,
    pub toewijzing_uitleg: Option<String>,
    /// The person it is assigned to (a user id), with the name as it was when assigned.
    pub behandelaar_id: Option<String>,
    pub behandelaar_naam: Option<String>,
    pub termijn: String,
    pub termijn_status: String,
    pub anoniem: bool,
    /// Personal data; reading it is audited.
    pub contact_email: Option<String>,
    pub contact_telefoon: Option<String>,
    pub duplicaat_van: Option<i64>,
    pub duplicaten: Vec<i64>,
    /// The melding this one was merged into: its status is this one's status for the reporter.
    pub samengevoegd_in: Option<MeldingRef>,
    /// Meldingen merged into this one; their reporters get this one's status mails.
    pub samengevoegd: Vec<MeldingRef>,
    /// Related meldingen (linked both ways).
    pub gerelateerd: Vec<MeldingRef>,
    pub bron: String,
    pub created_at: i64,
    pub fotos: Vec<PhotoRef>,
    pub historie: Vec<HistoryItem>,
    /// Records of other modules made from this melding (a measure); their pages check access.
    pub koppelingen: Vec<platform::links::Link>,
}

/// The id of the melding with `nummer` (for links and duplicate lookups).
pub async fn id_by_nummer(db: &Db, nummer: i64) -> Result<Option<String>, DbError> {
    let row = sqlx::query("SELECT id FROM melding WHERE nummer = $1")
        .bind(nummer)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// The nummer of the melding with `id` (for other modules' links to it).
pub async fn nummer_of(db: &Db, id: &str) -> Result<Option<i64>, DbError> {
    let row = sqlx::query("SELECT nummer FROM melding WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|r| r.try_get("nummer")).transpose()?)
}

/// The category (slug) of a melding; not personal data.
pub async fn category_of(db: &Db, id: &str) -> Result<Option<String>, DbError> {
    let row = sqlx::query("SELECT categorie FROM melding WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row
        .map(|r| r.try_get::<Option<String>, _>("categorie"))
        .transpose()?
        .flatten())
}

/// How many meldingen there are (for the benchmark's re-use of seeded data).
pub async fn count_all(db: &Db) -> Result<i64, DbError> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM melding")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?)
}

/// The point of a melding, if it has one (not personal data: no read record).
pub async fn point(db: &Db, id: &str) -> Result<Option<(f64, f64)>, DbError> {
    let row = sqlx::query("SELECT lat, lon FROM melding WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(match row {
        Some(r) => {
            let lat: Option<f64> = r.try_get("lat")?;
            let lon: Option<f64> = r.try_get("lon")?;
            lat.zip(lon)
        }
        None => None,
    })
}

pub async fn exists(db: &Db, id: &str) -> Result<bool, DbError> {
    Ok(sqlx::query("SELECT id FROM melding WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .is_some())
}

const MERGED_INTO: &str = "SELECT o.id, o.nummer, c.naam, o.status FROM melding m \
    JOIN melding o ON o.id = m.samengevoegd_in JOIN melding_categorie c ON c.slug = o.categorie \
    WHERE m.id = $1";
const MERGED: &str = "SELECT m.id, m.nummer, c.naam, m.status FROM melding m \
    JOIN melding_categorie c ON c.slug = m.categorie WHERE m.samengevoegd_in = $1 ORDER BY m.nummer";
const RELATED: &str = "SELECT m.id, m.nummer, c.naam, m.status FROM melding_relatie r \
    JOIN melding m ON m.id = r.gerelateerd_id JOIN melding_categorie c ON c.slug = m.categorie \
    WHERE r.melding_id = $1 ORDER BY m.nummer";

/// A melding with its contact details, photos and history; the read is audited in `tx`.
pub async fn read(
    tx: &mut Tx,
    auth: &Authorized<Melding, platform::access::act::Read>,
) -> Result<Detail, StoreError> {
    auth.record(tx).await?;
    let id = auth.resource().id.clone();
    let r = sqlx::query(
        "SELECT m.*, c.naam AS categorie_naam, c.thema_naam, c.extra_vraag, c.overgangen, c.termijn_werkdagen, \
         t.name AS team_naam, d.nummer AS duplicaat_nummer \
         FROM melding m JOIN melding_categorie c ON c.slug = m.categorie LEFT JOIN teams t ON t.id = m.team_id \
         LEFT JOIN melding d ON d.id = m.duplicaat_van WHERE m.id = $1",
    )
    .bind(&id)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let fotos = sqlx::query(
        "SELECT f.file_id, fl.file_name FROM melding_foto f JOIN files fl ON fl.id = f.file_id \
         WHERE f.melding_id = $1 ORDER BY f.positie",
    )
    .bind(&id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(PhotoRef {
            file_id: r.try_get("file_id")?,
            naam: r.try_get("file_name")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let historie = sqlx::query(
        "SELECT at, actor_naam, soort, oud, nieuw, toelichting FROM melding_historie \
         WHERE melding_id = $1 ORDER BY at, id",
    )
    .bind(&id)
    .fetch_all(tx.conn()?)
    .await?
    .iter()
    .map(|r| {
        Ok(HistoryItem {
            at: r.try_get("at")?,
            wie: r.try_get("actor_naam")?,
            soort: r.try_get("soort")?,
            oud: r.try_get("oud")?,
            nieuw: r.try_get("nieuw")?,
            toelichting: r.try_get("toelichting")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let duplicaten =
        sqlx::query("SELECT nummer FROM melding WHERE duplicaat_van = $1 ORDER BY nummer")
            .bind(&id)
            .fetch_all(tx.conn()?)
            .await?
            .iter()
            .map(|r| r.try_get("nummer"))
            .collect::<Result<Vec<i64>, sqlx::Error>>()?;
    let mut linked = Vec::new();
    for sql in [MERGED_INTO, MERGED, RELATED] {
        let rows = sqlx::query(sql).bind(&id).fetch_all(tx.conn()?).await?;
        linked.push(
            rows.iter()
                .map(|r| {
                    Ok(MeldingRef {
                        id: r.try_get("id")?,
                        nummer: r.try_get("nummer")?,
                        categorie_naam: r.try_get("naam")?,
                        status: r.try_get("status")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?,
        );
    }
    let gerelateerd = linked.pop().unwrap_or_default();
    let samengevoegd = linked.pop().unwrap_or_default();
    let samengevoegd_in = linked.pop().unwrap_or_default().pop();
    let koppelingen = platform::links::to(tx, "melding", &id).await?;
    let status: String = r.try_get("status")?;
    let st = Status::from_slug(&status).unwrap_or(Status::Gemeld);
    let termijn: String = r.try_get("termijn_datum")?;
    let overgangen: String = r.try_get("overgangen")?;
    let wf = Workflow::parse(&overgangen, 0).unwrap_or(Workflow {
        transitions: Vec::new(),
        termijn_werkdagen: 0,
    });
    let cal = Calendar::new();
    Ok(Detail {
        id: r.try_get("id")?,
        nummer: r.try_get("nummer")?,
        volgcode: r.try_get("volgcode")?,
        categorie: r.try_get("categorie")?,
        categorie_naam: r.try_get("categorie_naam")?,
        thema: r.try_get("thema_naam")?,
        omschrijving: r.try_get("omschrijving")?,
        extra_vraag: r.try_get("extra_vraag")?,
        extra_antwoord: r.try_get("extra_antwoord")?,
        adres: r.try_get("adres")?,
        lat: r.try_get("lat")?,
        lon: r.try_get("lon")?,
        locatie_onbekend: r.try_get::<i64, _>("locatie_onbekend")? == 1,
        gebied_naam: area_label(
            r.try_get::<Option<String>, _>("wijk")?.as_deref(),
            r.try_get::<Option<String>, _>("buurt")?.as_deref(),
        ),
        wijk: r.try_get("wijk")?,
        buurt: r.try_get("buurt")?,
        wanneer: r.try_get("wanneer")?,
        volgende_statussen: wf
            .allowed_from(st)
            .into_iter()
            .map(|s| s.slug().to_string())
            .collect(),
        termijn_status: model::deadline_state(&cal, st, parse_date(&termijn), today_nl())
            .slug()
            .to_string(),
        status,
        team_id: r.try_get("team_id")?,
        team_naam: r.try_get("team_naam")?,
        toewijzing_uitleg: r.try_get("toewijzing_uitleg")?,
        behandelaar_id: r.try_get("behandelaar_id")?,
        behandelaar_naam: r.try_get("behandelaar_naam")?,
        termijn,
        anoniem: r.try_get::<i64, _>("anoniem")? == 1,
        contact_email: r.try_get("contact_email")?,
        contact_telefoon: r.try_get("contact_telefoon")?,
        duplicaat_van: r.try_get("duplicaat_nummer")?,
        duplicaten,
        samengevoegd_in,
        samengevoegd,
        gerelateerd,
        bron: r.try_get("bron")?,
        created_at: r.try_get("created_at")?,
        fotos,
        historie,
        koppelingen,
    })
}

/// Whether `file_id` is a photo of the melding (so its authorization covers the file).
pub async fn has_photo(db: &Db, melding_id: &str, file_id: &str) -> Result<bool, DbError> {
    Ok(
        sqlx::query("SELECT file_id FROM melding_foto WHERE melding_id = $1 AND file_id = $2")
            .bind(melding_id)
            .bind(file_id)
            .fetch_optional(db.pool())
            .await?
            .is_some(),
    )
}

/// A change requested by a staff member.
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub status: Option<String>,
    pub team: Option<String>,
    /// A colleague's user id, or `geen` to assign the melding to nobody.
    pub behandelaar: Option<String>,
    pub toelichting: Option<String>,
    pub notitie: Option<String>,
    /// The nummer of the melding this one duplicates.
    pub duplicaat_van: Option<i64>,
    /// Another category (slug): the routing rules run again.
    pub categorie: Option<String>,
    /// The point (lat, lon) where it is: wijk and buurt follow, the routing rules run again.
    pub punt: Option<(f64, f64)>,
    /// The nummer of the original to merge this duplicate into.
    pub samenvoegen_met: Option<i64>,
    /// The nummer of a related melding to link.
    pub relateer_met: Option<i64>,
    /// The id of a related melding to unlink.
    pub ontkoppel: Option<String>,
}

/// Applies a change: status (per the category's workflow, with suspension of the deadline and
/// the closing mail), team, note, duplicate link. Every change becomes a history row and the
/// access an audit record, in one transaction.
/// `public_url` is where people reach Baken, for the link in the mails to the reporter.
pub async fn update(
    tx: &mut Tx,
    auth: &Authorized<Melding, platform::access::act::Update>,
    c: &Change,
    public_url: Option<&str>,
) -> Result<(), StoreError> {
    auth.record(tx).await?;
    let id = auth.resource().id.clone();
    let p = auth.principal();
    let now = now_ms();
    let r = sqlx::query(
        "SELECT m.status, m.categorie, m.team_id, m.behandelaar_id, m.behandelaar_naam, m.termijn_datum, m.gepauzeerd_sinds, m.contact_email, m.volgcode, \
         m.nummer, m.omschrijving, m.wijk, m.buurt, m.samengevoegd_in, t.name AS team_naam \
         FROM melding m LEFT JOIN teams t ON t.id = m.team_id WHERE m.id = $1",
    )
    .bind(&id)
    .fetch_optional(tx.conn()?)
    .await?
    .ok_or(StoreError::NotFound)?;
    let status: String = r.try_get("status")?;
    let from = Status::from_slug(&status).unwrap_or(Status::Gemeld);
    let mut categorie: String = r.try_get("categorie")?;
    let toelichting = nonempty(&c.toelichting).map(str::to_string);
    let mut errors = Vec::new();
    let mut wijk: Option<String> = r.try_get("wijk")?;
    let mut buurt: Option<String> = r.try_get("buurt")?;
    let mut reroute = false;
    // The handler acts on the reporter's answer: the queue no longer flags it.
    if nonempty(&c.status).is_some() || nonempty(&c.notitie).is_some() {
        sqlx::query("UPDATE melding SET antwoord_ontvangen_at = NULL WHERE id = $1 AND antwoord_ontvangen_at IS NOT NULL")
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
    }

    if let Some(new) = nonempty(&c.categorie).filter(|n| *n != categorie) {
        match category_tx(tx, new).await? {
            None => errors.push(field_error("categorie", "melding-fout-categorie")),
            Some(cat) => {
                sqlx::query("UPDATE melding SET categorie = $1, updated_at = $2 WHERE id = $3")
                    .bind(&cat.slug)
                    .bind(now)
                    .bind(&id)
                    .execute(tx.conn()?)
                    .await?;
                history(
                    tx,
                    &id,
                    Some(&p.user_id),
                    &p.name,
                    "categorie",
                    Some(&categorie),
                    Some(&cat.slug),
                    toelichting.as_deref(),
                    now,
                )
                .await?;
                categorie = cat.slug;
                reroute = true;
            }
        }
    }
    if let Some((lat, lon)) = c.punt {
        if model::in_netherlands(lat, lon) {
            let place = monitor::areas::locate(lon, lat);
            wijk = place.as_ref().map(|p| p.wijk_code.clone());
            buurt = place.and_then(|p| p.buurt_code);
            sqlx::query(
                "UPDATE melding SET lat = $1, lon = $2, locatie_onbekend = 0, wijk = $3, buurt = $4, updated_at = $5 WHERE id = $6",
            )
            .bind(lat)
            .bind(lon)
            .bind(&wijk)
            .bind(&buurt)
            .bind(now)
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
            let label = area_label(wijk.as_deref(), buurt.as_deref());
            history(
                tx,
                &id,
                Some(&p.user_id),
                &p.name,
                "locatie",
                None,
                Some(&format!("{lat:.5}, {lon:.5}")),
                label.as_deref(),
                now,
            )
            .await?;
            reroute = true;
        } else {
            errors.push(field_error("punt", "melding-fout-punt"));
        }
    }
    // A team chosen in the same change wins over the rules.
    if reroute && nonempty(&c.team).is_none() {
        let rules = rules(tx.conn()?).await?;
        let omschrijving: String = r.try_get("omschrijving")?;
        let hit = model::route(
            &rules,
            &model::RouteInput {
                categorie: &categorie,
                text: &omschrijving,
                wijk: wijk.as_deref(),
                buurt: buurt.as_deref(),
            },
        );
        let old_id: Option<String> = r.try_get("team_id")?;
        if let Some(rule) = hit.filter(|h| old_id.as_deref() != Some(h.team_id.as_str())) {
            let uitleg = model::route_explanation(rule);
            sqlx::query("UPDATE melding SET team_id = $1, toewijzing_uitleg = $2, updated_at = $3 WHERE id = $4")
                .bind(&rule.team_id)
                .bind(&uitleg)
                .bind(now)
                .bind(&id)
                .execute(tx.conn()?)
                .await?;
            let old: Option<String> = r.try_get("team_naam")?;
            history(
                tx,
                &id,
                None,
                "systeem",
                "team",
                old.as_deref(),
                Some(&rule.team_naam),
                Some(&uitleg),
                now,
            )
            .await?;
        }
    }

    if let Some(to_slug) = nonempty(&c.status) {
        let cat = category_tx(tx, &categorie)
            .await?
            .ok_or(StoreError::NotFound)?;
        match Status::from_slug(to_slug) {
            None => errors.push(field_error("status", "melding-fout-status")),
            Some(to) if to == from => {}
            Some(to) => {
                // The reporter is told why a melding is closed, and what is asked of them.
                let unexplained = model::needs_explanation(to).filter(|_| toelichting.is_none());
                match cat.workflow().check(from, to) {
                    Err(_) => errors.push(field_error("status", "melding-fout-overgang")),
                    Ok(()) if unexplained.is_some() => {
                        errors.extend(unexplained.map(|key| field_error("toelichting", key)));
                    }
                    Ok(()) => {
                        let cal = Calendar::new();
                        let mut deadline: String = r.try_get("termijn_datum")?;
                        let paused: Option<i64> = r.try_get("gepauzeerd_sinds")?;
                        let mut new_paused = paused;
                        if to.suspends_deadline() {
                            new_paused = Some(now);
                        } else if let Some(since) = paused {
                            deadline = model::resume_deadline(
                                &cal,
                                parse_date(&deadline),
                                date_nl(since),
                                today_nl(),
                            )
                            .to_string();
                            new_paused = None;
                        }
                        let closed = (!to.is_open()).then_some(now);
                        sqlx::query(
                        "UPDATE melding SET status = $1, termijn_datum = $2, gepauzeerd_sinds = $3, gesloten_at = $4, updated_at = $5 WHERE id = $6",
                    )
                    .bind(to.slug())
                    .bind(&deadline)
                    .bind(new_paused)
                    .bind(closed)
                    .bind(now)
                    .bind(&id)
                    .execute(tx.conn()?)
                    .await?;
                        history(
                            tx,
                            &id,
                            Some(&p.user_id),
                            &p.name,
                            "status",
                            Some(from.slug()),
                            Some(to.slug()),
                            toelichting.as_deref(),
                            now,
                        )
                        .await?;
                        let email: Option<String> = r.try_get("contact_email")?;
                        let template = sqlx::query(
                        "SELECT gebeurtenis, onderwerp, tekst, actief FROM melding_mailsjabloon \
                         WHERE gebeurtenis = $1 AND actief = 1",
                    )
                    .bind(to.slug())
                    .fetch_optional(tx.conn()?)
                    .await?
                    .as_ref()
                    .map(mail_from)
                    .transpose()?;
                        if let Some(template) = template {
                            // This reporter, and those of the duplicates merged into this one,
                            // each with their own code and number.
                            let mut to_reporters: Vec<(String, String, i64)> = Vec::new();
                            if let Some(e) = email {
                                to_reporters.push((
                                    e,
                                    r.try_get("volgcode")?,
                                    r.try_get("nummer")?,
                                ));
                            }
                            for m in sqlx::query(
                                "SELECT contact_email, volgcode, nummer FROM melding \
                                 WHERE samengevoegd_in = $1 AND contact_email IS NOT NULL",
                            )
                            .bind(&id)
                            .fetch_all(tx.conn()?)
                            .await?
                            {
                                to_reporters.push((
                                    m.try_get("contact_email")?,
                                    m.try_get("volgcode")?,
                                    m.try_get("nummer")?,
                                ));
                            }
                            let status_naam = crate::i18n::t("nl", &to.label_key());
                            for (to_addr, volgcode, nummer) in to_reporters {
                                let nummer = format!("M-{nummer}");
                                let link = model::tracking_link(public_url, &volgcode);
                                let (subject, body) = template.render(&[
                                    ("volgcode", volgcode.as_str()),
                                    ("nummer", nummer.as_str()),
                                    ("categorie", cat.naam.as_str()),
                                    ("status", status_naam.as_str()),
                                    ("toelichting", toelichting.as_deref().unwrap_or("")),
                                    // Only the gemeente's own people change a melding.
                                    ("gemeente", p.organisation_name.as_str()),
                                    ("link", link.as_str()),
                                ]);
                                let body = if to == Status::WachtOpMelder {
                                    model::with_answer_link(body, &template.tekst, &link)
                                } else {
                                    body
                                };
                                platform::mail::enqueue(tx, &to_addr, &subject, &body)
                                    .await
                                    .map_err(|e| match e {
                                        platform::mail::MailError::Db(d) => StoreError::Db(d),
                                        platform::mail::MailError::Address(_) => {
                                            StoreError::Invalid(vec![field_error(
                                                "status",
                                                "melding-fout-email",
                                            )])
                                        }
                                    })?;
                            }
                        }
                    }
                }
            }
        }
    }

    if let Some(team) = nonempty(&c.team) {
        let t = sqlx::query(
            "SELECT t.id, t.name FROM teams t JOIN organisations o ON o.id = t.organisation_id \
             WHERE o.slug = $1 AND (t.id = $2 OR t.slug = $2)",
        )
        .bind(platform::seed::GEMEENTE)
        .bind(team)
        .fetch_optional(tx.conn()?)
        .await?;
        match t {
            None => errors.push(field_error("team", "melding-fout-team")),
            Some(t) => {
                let team_id: String = t.try_get("id")?;
                let naam: String = t.try_get("name")?;
                let old_id: Option<String> = r.try_get("team_id")?;
                if old_id.as_deref() != Some(team_id.as_str()) {
                    let old: Option<String> = r.try_get("team_naam")?;
                    let uitleg = format!("toegewezen aan team {naam} door {}", p.name);
                    sqlx::query("UPDATE melding SET team_id = $1, toewijzing_uitleg = $2, updated_at = $3 WHERE id = $4")
                        .bind(&team_id)
                        .bind(&uitleg)
                        .bind(now)
                        .bind(&id)
                        .execute(tx.conn()?)
                        .await?;
                    history(
                        tx,
                        &id,
                        Some(&p.user_id),
                        &p.name,
                        "team",
                        old.as_deref(),
                        Some(&naam),
                        toelichting.as_deref(),
                        now,
                    )
                    .await?;
                }
            }
        }
    }

    if let Some(who) = nonempty(&c.behandelaar) {
        let old_id: Option<String> = r.try_get("behandelaar_id")?;
        let old: Option<String> = r.try_get("behandelaar_naam")?;
        let new = if who == "geen" {
            Some(None)
        } else {
            platform::identity::colleagues(tx.conn()?, auth, &crate::access::ROLES, Some(who))
                .await
                .map_err(identity_db)?
                .pop()
                .map(Some)
        };
        match new {
            None => errors.push(field_error("behandelaar", "melding-fout-behandelaar")),
            Some(new) if new.as_ref().map(|c| &c.id) != old_id.as_ref() => {
                sqlx::query(
                    "UPDATE melding SET behandelaar_id = $1, behandelaar_naam = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(new.as_ref().map(|c| c.id.clone()))
                .bind(new.as_ref().map(|c| c.name.clone()))
                .bind(now)
                .bind(&id)
                .execute(tx.conn()?)
                .await?;
                history(
                    tx,
                    &id,
                    Some(&p.user_id),
                    &p.name,
                    "behandelaar",
                    old.as_deref(),
                    new.as_ref().map(|c| c.name.as_str()),
                    toelichting.as_deref(),
                    now,
                )
                .await?;
                // The new handler hears of it (not someone who takes it on themselves).
                if let Some(c) = new.as_ref().filter(|c| c.id != p.user_id) {
                    let nummer: i64 = r.try_get("nummer")?;
                    platform::notify::notify(
                        tx,
                        std::slice::from_ref(&c.id),
                        platform::notify::Kind::MeldingToegewezen,
                        &format!("Melding {nummer} is aan u toegewezen"),
                        &format!("/meldingen/{id}"),
                    )
                    .await?;
                }
            }
            Some(_) => {}
        }
    }

    if let Some(note) = nonempty(&c.notitie) {
        if note.chars().count() > 5000 {
            errors.push(field_error("notitie", "melding-fout-notitie"));
        } else {
            history(
                tx,
                &id,
                Some(&p.user_id),
                &p.name,
                "notitie",
                None,
                None,
                Some(note),
                now,
            )
            .await?;
            sqlx::query("UPDATE melding SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&id)
                .execute(tx.conn()?)
                .await?;
        }
    }

    if let Some(nummer) = c.duplicaat_van {
        let own: i64 = r.try_get("nummer")?;
        let other = sqlx::query("SELECT id FROM melding WHERE nummer = $1")
            .bind(nummer)
            .fetch_optional(tx.conn()?)
            .await?;
        match other {
            Some(o) if nummer != own => {
                let other_id: String = o.try_get("id")?;
                sqlx::query("UPDATE melding SET duplicaat_van = $1, updated_at = $2 WHERE id = $3")
                    .bind(&other_id)
                    .bind(now)
                    .bind(&id)
                    .execute(tx.conn()?)
                    .await?;
                let text = format!("M-{nummer}");
                history(
                    tx,
                    &id,
                    Some(&p.user_id),
                    &p.name,
                    "duplicaat",
                    None,
                    Some(&text),
                    toelichting.as_deref(),
                    now,
                )
                .await?;
                history(
                    tx,
                    &other_id,
                    Some(&p.user_id),
                    &p.name,
                    "duplicaat",
                    None,
                    Some(&format!("M-{own} is een dubbele melding hiervan")),
                    None,
                    now,
                )
                .await?;
            }
            _ => errors.push(field_error("duplicaat_van", "melding-fout-duplicaat")),
        }
    }

    if let Some(nummer) = c.relateer_met {
        let own: i64 = r.try_get("nummer")?;
        match other_by_nummer(tx, nummer).await?.filter(|_| nummer != own) {
            None => errors.push(field_error("gerelateerd", "melding-fout-relatie")),
            Some((other_id, _)) => {
                let known = sqlx::query(
                    "SELECT melding_id FROM melding_relatie WHERE melding_id = $1 AND gerelateerd_id = $2",
                )
                .bind(&id)
                .bind(&other_id)
                .fetch_optional(tx.conn()?)
                .await?;
                if known.is_none() {
                    for (a, b, text) in [(&id, &other_id, nummer), (&other_id, &id, own)] {
                        sqlx::query(
                            "INSERT INTO melding_relatie (melding_id, gerelateerd_id, created_at) VALUES ($1, $2, $3)",
                        )
                        .bind(a)
                        .bind(b)
                        .bind(now)
                        .execute(tx.conn()?)
                        .await?;
                        let m = format!("M-{text}");
                        history(
                            tx,
                            a,
                            Some(&p.user_id),
                            &p.name,
                            "relatie",
                            None,
                            Some(&m),
                            toelichting.as_deref(),
                            now,
                        )
                        .await?;
                    }
                }
            }
        }
    }

    if let Some(other_id) = nonempty(&c.ontkoppel) {
        let own: i64 = r.try_get("nummer")?;
        let other: Option<i64> = sqlx::query(
            "SELECT m.nummer FROM melding_relatie r JOIN melding m ON m.id = r.gerelateerd_id \
             WHERE r.melding_id = $1 AND r.gerelateerd_id = $2",
        )
        .bind(&id)
        .bind(other_id)
        .fetch_optional(tx.conn()?)
        .await?
        .map(|row| row.try_get("nummer"))
        .transpose()?;
        match other {
            None => errors.push(field_error("gerelateerd", "melding-fout-relatie")),
            Some(nummer) => {
                sqlx::query(
                    "DELETE FROM melding_relatie WHERE (melding_id = $1 AND gerelateerd_id = $2) \
                     OR (melding_id = $2 AND gerelateerd_id = $1)",
                )
                .bind(&id)
                .bind(other_id)
                .execute(tx.conn()?)
                .await?;
                for (a, text) in [(id.as_str(), nummer), (other_id, own)] {
                    let m = format!("M-{text}");
                    history(
                        tx,
                        a,
                        Some(&p.user_id),
                        &p.name,
                        "relatie-weg",
                        Some(&m),
                        None,
                        None,
                        now,
                    )
                    .await?;
                }
            }
        }
    }

    if let Some(nummer) = c.samenvoegen_met {
        merge(tx, p, &id, &r, nummer, &mut errors).await?;
    }

    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

/// The id and merge target of the melding with `nummer`.
async fn other_by_nummer(
    tx: &mut Tx,
    nummer: i64,
) -> Result<Option<(String, Option<String>)>, DbError> {
    let row = sqlx::query("SELECT id, samengevoegd_in FROM melding WHERE nummer = $1")
        .bind(nummer)
        .fetch_optional(tx.conn()?)
        .await?;
    Ok(match row {
        Some(r) => Some((r.try_get("id")?, r.try_get("samengevoegd_in")?)),
        None => None,
    })
}

/// Merges the duplicate `id` (its row `r`) into the melding with `nummer`: the duplicate is
/// closed and follows the original from then on, its photos move to the original, its text
/// goes into the original's history, and its reporter gets the original's status mails.
/// Chains are refused, so every reporter's melding is at most one step from its original.
async fn merge(
    tx: &mut Tx,
    p: &platform::access::Principal,
    id: &str,
    r: &AnyRow,
    nummer: i64,
    errors: &mut Vec<FieldError>,
) -> Result<(), StoreError> {
    let own: i64 = r.try_get("nummer")?;
    let merged: Option<String> = r.try_get("samengevoegd_in")?;
    let has_merged = sqlx::query("SELECT id FROM melding WHERE samengevoegd_in = $1 LIMIT 1")
        .bind(id)
        .fetch_optional(tx.conn()?)
        .await?
        .is_some();
    let original = match other_by_nummer(tx, nummer).await? {
        _ if merged.is_some() => Err("melding-fout-al-samengevoegd"),
        _ if has_merged => Err("melding-fout-samenvoegen-keten"),
        Some((other, None)) if nummer != own => Ok(other),
        Some((_, Some(_))) => Err("melding-fout-samenvoegen-keten"),
        _ => Err("melding-fout-samenvoegen"),
    };
    let original = match original {
        Ok(o) => o,
        Err(key) => {
            errors.push(field_error("samenvoegen_met", key));
            return Ok(());
        }
    };
    let now = now_ms();
    let status: String = r.try_get("status")?;
    sqlx::query(
        "UPDATE melding SET samengevoegd_in = $1, duplicaat_van = $1, status = $2, gepauzeerd_sinds = NULL, \
         gesloten_at = $3, updated_at = $3 WHERE id = $4",
    )
    .bind(&original)
    .bind(Status::Afgehandeld.slug())
    .bind(now)
    .bind(id)
    .execute(tx.conn()?)
    .await?;
    let offset: i64 = sqlx::query(
        "SELECT COALESCE(MAX(positie), 0) AS n FROM melding_foto WHERE melding_id = $1",
    )
    .bind(&original)
    .fetch_one(tx.conn()?)
    .await?
    .try_get("n")?;
    let moved = sqlx::query(
        "UPDATE melding_foto SET melding_id = $1, positie = positie + $2 WHERE melding_id = $3",
    )
    .bind(&original)
    .bind(offset)
    .bind(id)
    .execute(tx.conn()?)
    .await?
    .rows_affected();
    sqlx::query("UPDATE melding SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&original)
        .execute(tx.conn()?)
        .await?;
    let target = format!("M-{nummer}");
    history(
        tx,
        id,
        Some(&p.user_id),
        &p.name,
        "status",
        Some(&status),
        Some(Status::Afgehandeld.slug()),
        Some(&format!("samengevoegd met {target}")),
        now,
    )
    .await?;
    history(
        tx,
        id,
        Some(&p.user_id),
        &p.name,
        "samengevoegd",
        None,
        Some(&target),
        None,
        now,
    )
    .await?;
    let omschrijving: String = r.try_get("omschrijving")?;
    let why = if moved > 0 {
        format!("{omschrijving} ({moved} foto's overgenomen)")
    } else {
        omschrijving
    };
    history(
        tx,
        &original,
        Some(&p.user_id),
        &p.name,
        "samengevoegd-met",
        None,
        Some(&format!("M-{own}")),
        Some(&why),
        now,
    )
    .await?;
    Ok(())
}

/// For the demo: moves a melding straight to a state and age, bypassing the workflow.
async fn demo_backdate(
    tx: &mut Tx,
    id: &str,
    status: Status,
    created_ms: i64,
    deadline: Date,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE melding SET status = $1, created_at = $2, updated_at = $2, termijn_datum = $3, \
         gepauzeerd_sinds = $4, gesloten_at = $5 WHERE id = $6",
    )
    .bind(status.slug())
    .bind(created_ms)
    .bind(deadline.to_string())
    .bind(status.suspends_deadline().then_some(created_ms))
    .bind((!status.is_open()).then_some(created_ms))
    .bind(id)
    .execute(tx.conn()?)
    .await?;
    sqlx::query("UPDATE melding_historie SET at = $1 WHERE melding_id = $2")
        .bind(created_ms)
        .bind(id)
        .execute(tx.conn()?)
        .await?;
    if status != Status::Gemeld {
        history(
            tx,
            id,
            None,
            "Demo",
            "status",
            Some("gemeld"),
            Some(status.slug()),
            None,
            created_ms + 3_600_000,
        )
        .await?;
    }
    Ok(())
}

/// ~30 fictitious meldingen in various states for the demo (idempotent: only when none exist).
pub async fn seed_demo(db: &Db) -> Result<(), StoreError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM melding")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    if n > 0 {
        return Ok(());
    }
    let cats = categories(db).await?;
    let cal = Calendar::new();
    let now = now_ms();
    for (i, d) in crate::demo::MELDINGEN.iter().enumerate() {
        let Some(cat) = cats.iter().find(|c| c.slug == d.categorie) else {
            continue;
        };
        let s = Submission {
            categorie: d.categorie.into(),
            omschrijving: d.omschrijving.into(),
            locatie: match d.adres {
                Some(a) => Locatie::Adres(a.into()),
                None => Locatie::Onbekend,
            },
            wanneer: None,
            extra_antwoord: cat.extra_opties.first().cloned(),
            anoniem: d.email.is_none(),
            email: d.email.map(str::to_string),
            telefoon: None,
        };
        let created_ms = now - d.dagen_geleden * 86_400_000 - (i as i64) * 60_000;
        let none = Photos {
            cleaned: Vec::new(),
            error: None,
        };
        let created = create(db, &s, &none, Bron::Demo, created_ms, None).await?;
        let deadline = model::initial_deadline(
            &cal,
            date_nl(created_ms),
            cat.termijn_werkdagen.max(0) as u32,
        );
        let mut tx = db.begin().await?;
        demo_backdate(&mut tx, &created.id, d.status, created_ms, deadline).await?;
        tx.commit().await?;
    }
    Ok(())
}

pub fn deadline_label(state: DeadlineState) -> &'static str {
    state.slug()
}

/// The themes of the categories, as (slug, name), for counting per theme.
pub async fn themes(db: &Db) -> Result<Vec<(String, String)>, StoreError> {
    let rows =
        sqlx::query("SELECT DISTINCT thema, thema_naam FROM melding_categorie ORDER BY thema")
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("thema")?, r.try_get("thema_naam")?)))
        .collect()
}

/// Meldingen received in `[from_ms, until_ms)`, of one theme or all: aggregated figures for
/// policy indicators, no personal data.
pub async fn count_by_theme(
    db: &Db,
    thema: Option<&str>,
    from_ms: i64,
    until_ms: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM melding m JOIN melding_categorie c ON c.slug = m.categorie \
         WHERE m.created_at >= $1 AND m.created_at < $2 AND ($3 = '' OR c.thema = $3)",
    )
    .bind(from_ms)
    .bind(until_ms)
    .bind(thema.unwrap_or(""))
    .fetch_one(db.pool())
    .await?
    .try_get("n")?)
}

/// Meldingen received in `[from_ms, until_ms)` per category (its name) and wijk (its code, `None`
/// when the melding has no place): aggregated figures for the monitor's review, no personal data.
pub async fn count_by_category_and_wijk(
    db: &Db,
    from_ms: i64,
    until_ms: i64,
) -> Result<Vec<(String, Option<String>, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT c.naam AS categorie, m.wijk, COUNT(*) AS n FROM melding m JOIN melding_categorie c ON c.slug = m.categorie \
         WHERE m.created_at >= $1 AND m.created_at < $2 GROUP BY c.naam, m.wijk ORDER BY c.naam, m.wijk",
    )
    .bind(from_ms)
    .bind(until_ms)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("categorie")?, r.try_get("wijk")?, r.try_get("n")?)))
        .collect()
}

/// Meldingen received since `since_ms` at an address (its street and number, as
/// [`model::address_key`] reads them) or within [`model::NEARBY_METRES`] of a point, per category
/// slug: counts for the ondermijning register's risk score, no personal data.
pub async fn count_at_place(
    db: &Db,
    adres: &str,
    punt: Option<(f64, f64)>,
    since_ms: i64,
) -> Result<Vec<(String, i64)>, StoreError> {
    let key = model::address_key(adres).unwrap_or_default();
    // Without a point the box is empty (its bounds cross).
    let (lat, lon, dlat, dlon) = match punt {
        Some((lat, lon)) => {
            let (dlat, dlon) = model::degrees_around(lat, model::NEARBY_METRES);
            (lat, lon, dlat, dlon)
        }
        None => (0.0, 0.0, -1.0, -1.0),
    };
    let rows = sqlx::query(
        "SELECT m.categorie, COUNT(*) AS n FROM melding m WHERE m.created_at >= $1 \
         AND ((m.adres_sleutel = $2 AND $2 <> '') OR (m.lat BETWEEN $3 AND $4 AND m.lon BETWEEN $5 AND $6)) \
         GROUP BY m.categorie ORDER BY m.categorie",
    )
    .bind(since_ms)
    .bind(key)
    .bind(lat - dlat)
    .bind(lat + dlat)
    .bind(lon - dlon)
    .bind(lon + dlon)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("categorie")?, r.try_get("n")?)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Retention.

/// What one run of the retention job removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Retention {
    /// Meldingen whose contact details were removed.
    pub contact_removed: usize,
    /// Meldingen destroyed with their photos and history.
    pub destroyed: usize,
}

/// The first millisecond of the day `months` before `today`: what closed before it is due.
fn cutoff_ms(today: Date, months: i64) -> i64 {
    let span = jiff::Span::new().months(months.clamp(0, 1200));
    day_start_ms_nl(today.checked_sub(span).unwrap_or(Date::MIN))
}

/// Removes reporters' contact details, and later whole meldingen, once their category's terms
/// after closing have passed. Every removal is a history row (contact) or an audit record
/// (both), each melding in its own transaction so a failure loses nothing already done.
pub async fn apply_retention(db: &Db, today: Date, origin: &str) -> Result<Retention, StoreError> {
    let mut done = Retention::default();
    for cat in all_categories(db).await? {
        let contact_cutoff = cutoff_ms(today, cat.bewaar_contact_maanden);
        let ids: Vec<String> = sqlx::query(
            "SELECT id FROM melding WHERE categorie = $1 AND gesloten_at IS NOT NULL AND gesloten_at < $2 \
             AND (contact_email IS NOT NULL OR contact_telefoon IS NOT NULL)",
        )
        .bind(&cat.slug)
        .bind(contact_cutoff)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
        for id in ids {
            let now = now_ms();
            let mut tx = db.begin().await?;
            sqlx::query(
                "UPDATE melding SET contact_email = NULL, contact_telefoon = NULL, contact_verwijderd_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
            let reason = format!(
                "{} maanden na afsluiten (onderwerp {})",
                cat.bewaar_contact_maanden, cat.naam
            );
            history(
                &mut tx,
                &id,
                None,
                "systeem",
                "contact-verwijderd",
                None,
                None,
                Some(&reason),
                now,
            )
            .await?;
            let mut entry = AuditEntry::system(origin, "delete", "melding_contact");
            entry.resource_id = Some(id.clone());
            entry.reason = Some(format!("bewaartermijn contactgegevens: {reason}"));
            audit::append(&mut tx, &entry).await?;
            tx.commit().await?;
            done.contact_removed += 1;
        }

        let cutoff = cutoff_ms(today, cat.bewaar_maanden);
        let due = sqlx::query(
            "SELECT id, nummer FROM melding WHERE categorie = $1 AND gesloten_at IS NOT NULL AND gesloten_at < $2",
        )
        .bind(&cat.slug)
        .bind(cutoff)
        .fetch_all(db.pool())
        .await?;
        for r in &due {
            let id: String = r.try_get("id")?;
            let nummer: i64 = r.try_get("nummer")?;
            let mut tx = db.begin().await?;
            let photos: Vec<String> =
                sqlx::query("SELECT file_id FROM melding_foto WHERE melding_id = $1")
                    .bind(&id)
                    .fetch_all(tx.conn()?)
                    .await?
                    .iter()
                    .map(|r| r.try_get("file_id"))
                    .collect::<Result<_, _>>()?;
            sqlx::query("DELETE FROM melding_foto WHERE melding_id = $1")
                .bind(&id)
                .execute(tx.conn()?)
                .await?;
            for f in &photos {
                files::delete(&mut tx, f).await?;
            }
            sqlx::query("DELETE FROM melding_historie WHERE melding_id = $1")
                .bind(&id)
                .execute(tx.conn()?)
                .await?;
            for sql in [
                "UPDATE melding SET duplicaat_van = NULL WHERE duplicaat_van = $1",
                "UPDATE melding SET samengevoegd_in = NULL WHERE samengevoegd_in = $1",
                "DELETE FROM melding_relatie WHERE melding_id = $1 OR gerelateerd_id = $1",
                "DELETE FROM melding_beoordeling WHERE melding_id = $1",
            ] {
                sqlx::query(sql).bind(&id).execute(tx.conn()?).await?;
            }
            platform::search::remove(&mut tx, SEARCH_KIND, &id).await?;
            sqlx::query("DELETE FROM melding WHERE id = $1")
                .bind(&id)
                .execute(tx.conn()?)
                .await?;
            let mut entry = AuditEntry::system(origin, "delete", "melding");
            entry.resource_id = Some(id.clone());
            entry.reason = Some(format!(
                "bewaartermijn verstreken: M-{nummer} vernietigd {} maanden na afsluiten (onderwerp {}), met {} foto's",
                cat.bewaar_maanden,
                cat.naam,
                photos.len()
            ));
            audit::append(&mut tx, &entry).await?;
            tx.commit().await?;
            done.destroyed += 1;
        }
    }
    Ok(done)
}

#[cfg(test)]
mod queue_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn category(slug: &str, thema: &str) -> Category {
        Category {
            slug: slug.into(),
            naam: slug.into(),
            thema: thema.into(),
            thema_naam: thema.into(),
            termijn_werkdagen: 5,
            extra_vraag: None,
            extra_opties: Vec::new(),
            overgangen: String::new(),
            bewaar_contact_maanden: 6,
            bewaar_maanden: 60,
            actief: true,
        }
    }

    #[test]
    fn a_theme_with_a_category_is_that_category_or_nothing() {
        let cats = [category("horeca", "uitgaan"), category("jeugd", "jeugd")];
        let f = |categorie: &str, thema: &str| Filter {
            categorie: Some(categorie.into()),
            thema: Some(thema.into()),
            ..Filter::default()
        };
        let fits = narrow_theme(&f("horeca", "uitgaan"), &cats);
        assert_eq!(
            (fits.categorie.as_deref(), fits.thema, fits.ids),
            (Some("horeca"), None, None)
        );
        let other = narrow_theme(&f("horeca", "jeugd"), &cats);
        assert_eq!(other.ids, Some(Vec::new()), "matches nothing");
        let unknown = narrow_theme(&f("onbekend", "jeugd"), &cats);
        assert_eq!(unknown.ids, Some(Vec::new()));
        let theme_only = narrow_theme(
            &Filter {
                thema: Some("jeugd".into()),
                categorie: Some(" ".into()),
                ..Filter::default()
            },
            &cats,
        );
        assert_eq!(
            (theme_only.thema.as_deref(), theme_only.ids),
            (Some("jeugd"), None)
        );
    }

    #[test]
    fn the_count_chooses_how_a_page_is_read() {
        assert_eq!(PagePlan::for_count(0), PagePlan::SortMatches);
        assert_eq!(PagePlan::for_count(PLAN_THRESHOLD), PagePlan::SortMatches);
        assert_eq!(
            PagePlan::for_count(PLAN_THRESHOLD + 1),
            PagePlan::WalkInOrder
        );
    }

    #[test]
    fn a_search_without_words_matches_nothing_and_words_are_bound() {
        let f = Filter {
            q: Some("%%".into()),
            ..Filter::default()
        };
        let today = Date::constant(2026, 1, 5);
        let (clause, binds) = where_clause(&f, today, today, Backend::Sqlite, false);
        assert!(clause.contains("1 = 0") && binds.is_empty(), "{clause}");
        let f = Filter {
            q: Some("hennep' OR 1=1".into()),
            ..Filter::default()
        };
        let (clause, binds) = where_clause(&f, today, today, Backend::Postgres, false);
        assert!(clause.contains("to_tsquery('dutch', $1)"), "{clause}");
        assert_eq!(binds, vec!["hennep:* & or:* & 1:* & 1:*".to_string()]);
    }
}
