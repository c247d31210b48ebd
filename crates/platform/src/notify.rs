//! Notifications: what happened that needs a person, in the app (a bell with the unread count on
//! every page, the list at /berichten) and by mail through the outbox. Each person switches both
//! per kind. Modules write a notification in the transaction of what happened; a background step
//! ([`mail_pending`]) turns the ones that should be mailed into outbox mails with an absolute link.
//! A notification names what happened and where (a case number, a melding number), never the
//! person a case is about or their address.

use sqlx::Row;

use crate::access::Role;
use crate::db::{new_id, now_ms, Db, DbError, Tx};

/// The kinds of notification a person can switch on and off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Their organisation was admitted to a case.
    PartnerToegelaten,
    /// A case task was given to them.
    TaakToegewezen,
    /// A case meeting they take part in was planned.
    OverlegGepland,
    /// A melding was assigned to them.
    MeldingToegewezen,
    /// The deadline of something they handle has passed.
    TermijnVerstreken,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::PartnerToegelaten,
        Kind::TaakToegewezen,
        Kind::OverlegGepland,
        Kind::MeldingToegewezen,
        Kind::TermijnVerstreken,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Kind::PartnerToegelaten => "partner-toegelaten",
            Kind::TaakToegewezen => "taak-toegewezen",
            Kind::OverlegGepland => "overleg-gepland",
            Kind::MeldingToegewezen => "melding-toegewezen",
            Kind::TermijnVerstreken => "termijn-verstreken",
        }
    }

    pub fn from_slug(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.slug() == s)
    }

    /// The Fluent key of the kind's name.
    pub fn label_key(self) -> String {
        format!("notify-kind-{}", self.slug())
    }
}

/// One notification as its recipient sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub href: String,
    pub created_at: i64,
    pub read: bool,
}

/// A person's choice for one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    pub kind: Kind,
    pub in_app: bool,
    pub mail: bool,
}

async fn settings_in(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
) -> Result<Vec<Setting>, DbError> {
    let rows =
        sqlx::query("SELECT kind, in_app, mail FROM notification_settings WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut out: Vec<Setting> = Kind::ALL
        .into_iter()
        .map(|kind| Setting {
            kind,
            in_app: true,
            mail: true,
        })
        .collect();
    for r in rows {
        let kind: String = r.try_get("kind")?;
        if let Some(s) = out.iter_mut().find(|s| s.kind.slug() == kind) {
            s.in_app = r.try_get::<i64, _>("in_app")? != 0;
            s.mail = r.try_get::<i64, _>("mail")? != 0;
        }
    }
    Ok(out)
}

/// Notifies each of `user_ids` (in the transaction of what happened), as far as they want this
/// kind. `href` is a path inside Baken, e.g. `/dossiers/…`.
pub async fn notify(
    tx: &mut Tx,
    user_ids: &[String],
    kind: Kind,
    title: &str,
    href: &str,
) -> Result<(), DbError> {
    let now = now_ms();
    for user in user_ids {
        let setting = settings_in(tx.conn()?, user)
            .await?
            .into_iter()
            .find(|s| s.kind == kind);
        let (in_app, mail) = setting.map(|s| (s.in_app, s.mail)).unwrap_or((true, true));
        if !in_app && !mail {
            continue;
        }
        sqlx::query(
            "INSERT INTO notifications (id, user_id, kind, title, href, created_at, read_at, mailed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(user)
        .bind(kind.slug())
        .bind(title)
        .bind(href)
        .bind(now)
        // Mail only: read in the app already, so the bell does not count it.
        .bind((!in_app).then_some(now))
        .bind((!mail).then_some(now))
        .execute(tx.conn()?)
        .await?;
    }
    Ok(())
}

/// The active accounts of `organisation_id` that hold one of `roles` (to notify an
/// organisation's case workers).
pub async fn role_holders(
    tx: &mut Tx,
    organisation_id: &str,
    roles: &[Role],
) -> Result<Vec<String>, DbError> {
    let marks: Vec<String> = (0..roles.len()).map(|i| format!("${}", i + 2)).collect();
    if marks.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT u.id FROM users u WHERE u.organisation_id = $1 AND u.disabled_at IS NULL \
         AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role IN ({})) ORDER BY u.id",
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(organisation_id);
    for r in roles {
        q = q.bind(r.slug());
    }
    q.fetch_all(tx.conn()?)
        .await?
        .iter()
        .map(|r| r.try_get("id").map_err(DbError::from))
        .collect()
}

/// How many notifications `user_id` has not read (for the bell on every page).
pub async fn unread(db: &Db, user_id: &str) -> Result<i64, DbError> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?)
}

/// The newest notifications of `user_id` (their own; no one else reads them).
pub async fn list(db: &Db, user_id: &str, limit: i64) -> Result<Vec<Notification>, DbError> {
    let rows = sqlx::query(
        "SELECT id, kind, title, href, created_at, read_at FROM notifications \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                title: r.try_get("title")?,
                href: r.try_get("href")?,
                created_at: r.try_get("created_at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Marks one of `user_id`'s notifications read (another's id changes nothing) and returns where
/// it links to.
pub async fn open(db: &Db, user_id: &str, id: &str) -> Result<Option<String>, DbError> {
    let mut tx = db.begin().await?;
    let href: Option<String> =
        sqlx::query("SELECT href FROM notifications WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_optional(tx.conn()?)
            .await?
            .map(|r| r.try_get("href"))
            .transpose()?;
    if href.is_some() {
        sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .bind(user_id)
        .execute(tx.conn()?)
        .await?;
    }
    tx.commit().await?;
    Ok(href)
}

/// Marks all of `user_id`'s notifications read.
pub async fn read_all(db: &Db, user_id: &str) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(now_ms())
        .bind(user_id)
        .execute(tx.conn()?)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A person's choices, one per kind (both on unless they switched them off).
pub async fn settings(db: &Db, user_id: &str) -> Result<Vec<Setting>, DbError> {
    let mut conn = db.pool().acquire().await?;
    settings_in(&mut conn, user_id).await
}

/// Replaces a person's choices.
pub async fn set_settings(db: &Db, user_id: &str, choices: &[Setting]) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM notification_settings WHERE user_id = $1")
        .bind(user_id)
        .execute(tx.conn()?)
        .await?;
    for s in choices {
        sqlx::query(
            "INSERT INTO notification_settings (user_id, kind, in_app, mail) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(s.kind.slug())
        .bind(i64::from(s.in_app))
        .bind(i64::from(s.mail))
        .execute(tx.conn()?)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Puts the notifications that should be mailed in the outbox, each with an absolute link built
/// from `public_url` (the address people reach Baken at; never taken from a request). Returns how
/// many mails were queued. A recipient without a valid address is skipped (marked, not retried).
pub async fn mail_pending(db: &Db, public_url: &str) -> Result<usize, DbError> {
    let mut tx = db.begin().await?;
    let rows = sqlx::query(
        "SELECT n.id, n.title, n.href, u.email, u.lang FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.mailed_at IS NULL ORDER BY n.created_at LIMIT 500",
    )
    .fetch_all(tx.conn()?)
    .await?;
    let base = public_url.trim_end_matches('/');
    let mut queued = 0;
    for r in &rows {
        let id: String = r.try_get("id")?;
        let title: String = r.try_get("title")?;
        let href: String = r.try_get("href")?;
        let email: String = r.try_get("email")?;
        let lang: String = r.try_get("lang")?;
        let t = |key: &str| crate::web::i18n::t(&lang, key);
        let body = format!(
            "{}\n\n{title}\n\n{}: {base}{href}\n\n{}\n",
            t("notify-mail-intro"),
            t("notify-mail-link"),
            t("notify-mail-settings")
        );
        let subject = format!("Baken: {title}");
        match crate::mail::enqueue(&mut tx, &email, &subject, &body).await {
            Ok(_) => queued += 1,
            Err(crate::mail::MailError::Address(_)) => {}
            Err(crate::mail::MailError::Db(e)) => return Err(e),
        }
        sqlx::query("UPDATE notifications SET mailed_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(&id)
            .execute(tx.conn()?)
            .await?;
    }
    tx.commit().await?;
    Ok(queued)
}
