//! E-mail through an outbox: a message is stored in the same transaction as the work that causes
//! it, and delivered by a background loop, so no mail is lost while the SMTP server is down.

use lettre::message::Mailbox;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Row;

use crate::db::{new_id, now_ms, Db, DbError, Tx};

#[derive(Clone, Debug, Default)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub from: String,
    pub tls: SmtpTls,
    /// A PEM file with certificates to trust besides Mozilla's roots (an own CA).
    pub ca_file: Option<std::path::PathBuf>,
}

/// How the connection to the SMTP server is secured. With TLS the server's certificate is
/// checked against Mozilla's roots (and [`SmtpConfig::ca_file`]) and the host name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain SMTP (a relay on the same host or network).
    #[default]
    None,
    /// Plain connection upgraded with STARTTLS, which the server must offer (port 587).
    StartTls,
    /// TLS from the first byte, "implicit TLS" (port 465).
    Tls,
}

impl std::str::FromStr for SmtpTls {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(SmtpTls::None),
            "starttls" => Ok(SmtpTls::StartTls),
            "tls" => Ok(SmtpTls::Tls),
            other => Err(format!(
                "onbekende SMTP-beveiliging '{other}': kies none, starttls of tls"
            )),
        }
    }
}

impl SmtpConfig {
    /// The TLS settings, reading the extra CA file; an error names what is wrong, so a server
    /// can refuse to start with it.
    pub fn tls_parameters(&self) -> Result<Option<TlsParameters>, String> {
        if self.tls == SmtpTls::None {
            return Ok(None);
        }
        let mut params = TlsParameters::builder(self.host.clone());
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| format!("SMTP-CA-bestand {} niet te lezen: {e}", path.display()))?;
            let cert = Certificate::from_pem(&pem).map_err(|e| {
                format!(
                    "SMTP-CA-bestand {} is geen PEM-certificaat: {e}",
                    path.display()
                )
            })?;
            params = params.add_root_certificate(cert);
        }
        params
            .build_rustls()
            .map(Some)
            .map_err(|e| format!("TLS-instellingen voor SMTP: {e}"))
    }

    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .timeout(Some(std::time::Duration::from_secs(10)));
        let builder = match (self.tls, self.tls_parameters()?) {
            (SmtpTls::StartTls, Some(p)) => builder.tls(Tls::Required(p)),
            (SmtpTls::Tls, Some(p)) => builder.tls(Tls::Wrapper(p)),
            _ => builder,
        };
        Ok(builder.build())
    }
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
    if rows.is_empty() {
        // Nothing due: no transport (and no reading of a CA file) every turn of the loop.
        return Ok(DeliveryReport::default());
    }
    // A transport that cannot be set up (an unreadable CA file) fails each message with the
    // reason, which stays in the outbox with it.
    let transport = smtp.transport();
    let mut report = DeliveryReport::default();
    for row in rows {
        let id: String = row.try_get("id")?;
        let to: String = row.try_get("to_address")?;
        let subject: String = row.try_get("subject")?;
        let body: String = row.try_get("body_text")?;
        let attempts: i64 = row.try_get("attempts")?;
        let result = match (&transport, build(&smtp.from, &to, &subject, body)) {
            (Ok(transport), Ok(message)) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| error_chain(&e)),
            (Err(e), _) => Err(e.clone()),
            (_, Err(e)) => Err(e),
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

/// An error with its causes ("Connection error: invalid peer certificate: UnknownIssuer"), so
/// the outbox says why a message did not go.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        // Some errors already show their cause; it is said once.
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

/// The last error of each undelivered message (id, error), oldest first: for the operator.
pub async fn pending_errors(db: &Db) -> Result<Vec<(String, Option<String>)>, DbError> {
    let rows = sqlx::query(
        "SELECT id, last_error FROM mail_outbox WHERE sent_at IS NULL ORDER BY created_at",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("last_error")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
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
