//! E-mail through an outbox: a message is stored in the same transaction as the work that causes
//! it, and delivered by a background loop, so no mail is lost while the SMTP server is down.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Row;

use crate::db::{new_id, now_ms, Db, DbError, Tx};

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub from: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address '{0}'")]
    Address(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Whether `to` is an address the outbox accepts.
pub fn valid_address(to: &str) -> bool {
    to.parse::<Mailbox>().is_ok()
}

pub async fn enqueue(
    tx: &mut Tx,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<String, MailError> {
    if !valid_address(to) {
        return Err(MailError::Address(to.to_string()));
    }
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO mail_outbox (id, to_address, subject, body_text, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&id)
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now)
    .execute(tx.conn().map_err(MailError::Db)?)
    .await
    .map_err(|e| MailError::Db(e.into()))?;
    Ok(id)
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
}

/// Tries every due message once. A failure is kept with its error and retried with backoff.
pub async fn deliver_due(db: &Db, smtp: &SmtpConfig) -> Result<DeliveryReport, DbError> {
    let now = now_ms();
    let rows = sqlx::query(
        "SELECT id, to_address, subject, body_text, attempts FROM mail_outbox \
         WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY created_at LIMIT 100",
    )
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
        .port(smtp.port)
        .timeout(Some(std::time::Duration::from_secs(10)))
        .build();
    let mut report = DeliveryReport::default();
    for row in rows {
        let id: String = row.try_get("id")?;
        let to: String = row.try_get("to_address")?;
        let subject: String = row.try_get("subject")?;
        let body: String = row.try_get("body_text")?;
        let attempts: i64 = row.try_get("attempts")?;
        let result = match build(&smtp.from, &to, &subject, body) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                report.sent += 1;
                db.execute(sqlx::query("UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = $2")
                    .bind(now_ms())
                    .bind(&id)
                    )
                    .await?;
            }
            Err(e) => {
                report.failed += 1;
                let backoff = 30_000 * (1_i64 << attempts.clamp(0, 8));
                db.execute(sqlx::query(
                    "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
                )
                .bind(e)
                .bind(now_ms() + backoff)
                .bind(&id)
                )
                .await?;
            }
        }
    }
    Ok(report)
}

fn build(from: &str, to: &str, subject: &str, body: String) -> Result<Message, String> {
    let from: Mailbox = from
        .parse()
        .map_err(|e: lettre::address::AddressError| e.to_string())?;
    let to: Mailbox = to
        .parse()
        .map_err(|e: lettre::address::AddressError| e.to_string())?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .body(body)
        .map_err(|e| e.to_string())
}

pub async fn pending_count(db: &Db) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM mail_outbox WHERE sent_at IS NULL")
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get("n")?)
}

/// Makes every pending message due now (used after an outage, and by tests).
pub async fn retry_now(db: &Db) -> Result<(), DbError> {
    db.execute(sqlx::query(
        "UPDATE mail_outbox SET next_attempt_at = 0 WHERE sent_at IS NULL",
    ))
    .await?;
    Ok(())
}
