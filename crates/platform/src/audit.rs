//! The audit log: append-only and hash-chained, with the fields NEN 7513 and BIO2 ask for.
//!
//! Each record's hash covers its own fields and the previous record's hash, so changing or
//! removing any record breaks the chain from there on; [`verify`] finds the first break.
//! The database refuses UPDATE and DELETE on the table (triggers on both backends).
//!
//! A plain hash chain can be recomputed by anyone who can write to the database. So the chain
//! is keyed: with an audit key (kept apart from the database, like the data key) each hash is
//! an HMAC, written as `k1:<hex>`, which nobody without the key can compute. Records from before
//! the key was set keep their plain hashes; once a keyed record exists, every later one must be
//! keyed. What a key cannot show — the newest records cut off and the head moved back — the
//! [`checkpoints`](Checkpoint) show: the head's hash and count, with a MAC, appended now and
//! then to a file outside the database.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::access::{AuditTrail, Authorized};
use crate::db::{now_ms, AuditKey, Db, DbError, Tx};

const KEYED_PREFIX: &str = "k1:";

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    Denied,
    Success,
    Failure,
}

impl Outcome {
    pub fn slug(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

/// One event to record.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub actor_user_id: Option<String>,
    pub actor_name: String,
    pub actor_org_id: Option<String>,
    pub actor_org_name: Option<String>,
    pub actor_roles: String,
    /// The responsible user on whose behalf the actor acted, if not the actor.
    pub on_behalf_of: Option<String>,
    /// The access point: "web", "api" or "cli". Never a client address.
    pub origin: String,
    pub request_id: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    /// The person whose data was involved (NEN 7513 "cliënt").
    pub subject_id: Option<String>,
    pub purpose: String,
    pub outcome: Outcome,
    pub reason: Option<String>,
}

impl AuditEntry {
    /// An event by the system or an operator on the command line, not by a logged-in person.
    pub fn system(origin: &str, action: &str, resource_type: &str) -> Self {
        AuditEntry {
            actor_user_id: None,
            actor_name: "systeem".into(),
            actor_org_id: None,
            actor_org_name: None,
            actor_roles: String::new(),
            on_behalf_of: None,
            origin: origin.into(),
            request_id: crate::db::new_id(),
            action: action.into(),
            resource_type: resource_type.into(),
            resource_id: None,
            subject_id: None,
            purpose: "beheer".into(),
            outcome: Outcome::Success,
            reason: None,
        }
    }
}

/// A stored record.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub seq: i64,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub request_id: String,
    pub actor_user_id: Option<String>,
    pub actor_name: String,
    pub actor_org_id: Option<String>,
    pub actor_org_name: Option<String>,
    pub actor_roles: String,
    pub on_behalf_of: Option<String>,
    pub origin: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub subject_id: Option<String>,
    pub purpose: String,
    pub outcome: String,
    pub reason: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    fn compute_hash(&self, key: Option<&AuditKey>) -> String {
        record_hash(
            key,
            self.seq,
            self.at,
            &[
                &self.request_id,
                opt(&self.actor_user_id),
                &self.actor_name,
                opt(&self.actor_org_id),
                opt(&self.actor_org_name),
                &self.actor_roles,
                opt(&self.on_behalf_of),
                &self.origin,
                &self.action,
                &self.resource_type,
                opt(&self.resource_id),
                opt(&self.subject_id),
                &self.purpose,
                &self.outcome,
                opt(&self.reason),
            ],
            &self.prev_hash,
        )
    }
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("\u{0}")
}

/// The record's fields, length-prefixed so no two field lists hash alike, hashed with
/// SHA-256 — or, with a key, HMAC-SHA256 marked `k1:`.
fn record_hash(
    key: Option<&AuditKey>,
    seq: i64,
    at: i64,
    fields: &[&str],
    prev_hash: &str,
) -> String {
    fn feed(update: &mut dyn FnMut(&[u8]), seq: i64, at: i64, fields: &[&str], prev: &str) {
        update(&seq.to_be_bytes());
        update(&at.to_be_bytes());
        for f in fields {
            update(&(f.len() as u64).to_be_bytes());
            update(f.as_bytes());
        }
        update(prev.as_bytes());
    }
    match key.and_then(|k| Hmac::<Sha256>::new_from_slice(&k.0).ok()) {
        Some(mut mac) => {
            feed(&mut |b| mac.update(b), seq, at, fields, prev_hash);
            format!("{KEYED_PREFIX}{}", hex::encode(mac.finalize().into_bytes()))
        }
        None => {
            let mut h = Sha256::new();
            feed(&mut |b| h.update(b), seq, at, fields, prev_hash);
            hex::encode(h.finalize())
        }
    }
}

/// Appends `entry` inside `tx`. The UPDATE of the single `audit_head` row locks it until `tx`
/// ends, so concurrent appenders are serialised and the chain never forks.
pub async fn append(tx: &mut Tx, entry: &AuditEntry) -> Result<i64, DbError> {
    let seqs = append_many(tx, std::slice::from_ref(entry)).await?;
    Ok(seqs.first().copied().unwrap_or_default())
}

/// Rows per INSERT: 19 values each stays well under SQLite's limit of 32,766 parameters.
const ROWS_PER_INSERT: usize = 500;

/// Appends `entries` in order inside `tx`: one update of the head for the whole run, the hashes
/// chained in memory, multi-row inserts. Returns their sequence numbers.
pub async fn append_many(tx: &mut Tx, entries: &[AuditEntry]) -> Result<Vec<i64>, DbError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let key = tx.audit_key();
    let conn = tx.conn()?;
    let n = entries.len() as i64;
    let head = sqlx::query(
        "UPDATE audit_head SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq, last_hash",
    )
    .bind(n)
    .fetch_one(&mut *conn)
    .await?;
    let last_seq: i64 = head.try_get("last_seq")?;
    let mut prev_hash: String = head.try_get("last_hash")?;
    let at = now_ms();
    let mut records = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let mut record = AuditRecord {
            seq: last_seq - n + 1 + i as i64,
            at,
            request_id: entry.request_id.clone(),
            actor_user_id: entry.actor_user_id.clone(),
            actor_name: entry.actor_name.clone(),
            actor_org_id: entry.actor_org_id.clone(),
            actor_org_name: entry.actor_org_name.clone(),
            actor_roles: entry.actor_roles.clone(),
            on_behalf_of: entry.on_behalf_of.clone(),
            origin: entry.origin.clone(),
            action: entry.action.clone(),
            resource_type: entry.resource_type.clone(),
            resource_id: entry.resource_id.clone(),
            subject_id: entry.subject_id.clone(),
            purpose: entry.purpose.clone(),
            outcome: entry.outcome.slug().to_string(),
            reason: entry.reason.clone(),
            prev_hash: std::mem::take(&mut prev_hash),
            hash: String::new(),
        };
        record.hash = record.compute_hash(key.as_ref());
        prev_hash = record.hash.clone();
        records.push(record);
    }
    for chunk in records.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO audit_log (seq, at, request_id, actor_user_id, actor_name, actor_org_id, \
             actor_org_name, actor_roles, on_behalf_of, origin, action, resource_type, resource_id, \
             subject_id, purpose, outcome, reason, prev_hash, hash) VALUES {}",
            crate::db::placeholders(chunk.len(), 19)
        );
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(r.seq)
                .bind(r.at)
                .bind(&r.request_id)
                .bind(&r.actor_user_id)
                .bind(&r.actor_name)
                .bind(&r.actor_org_id)
                .bind(&r.actor_org_name)
                .bind(&r.actor_roles)
                .bind(&r.on_behalf_of)
                .bind(&r.origin)
                .bind(&r.action)
                .bind(&r.resource_type)
                .bind(&r.resource_id)
                .bind(&r.subject_id)
                .bind(&r.purpose)
                .bind(&r.outcome)
                .bind(&r.reason)
                .bind(&r.prev_hash)
                .bind(&r.hash);
        }
        q.execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&prev_hash)
        .execute(&mut *conn)
        .await?;
    Ok(records.iter().map(|r| r.seq).collect())
}

/// Appends `entry` and returns once it is committed, written together with the entries that
/// concurrent callers hand in at the same time ([`Db::write_grouped`]): a busy list page then
/// costs one shared write instead of one each. For entries with no other write to share a
/// transaction with (reads); an entry that belongs with a change goes in the change's
/// transaction with [`append`].
pub async fn append_grouped(db: &Db, entry: AuditEntry) -> Result<(), DbError> {
    db.write_grouped("audit", entry, |tx, entries| {
        Box::pin(async move {
            append_many(tx, entries).await?;
            Ok(vec![(); entries.len()])
        })
    })
    .await
}

/// Appends one event in a transaction of its own (logins, logouts, failed attempts).
pub async fn append_now(db: &Db, entry: &AuditEntry) -> Result<i64, DbError> {
    let mut tx = db.begin().await?;
    let seq = append(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(seq)
}

const COLUMNS: &str =
    "seq, at, request_id, actor_user_id, actor_name, actor_org_id, actor_org_name, \
    actor_roles, on_behalf_of, origin, action, resource_type, resource_id, subject_id, purpose, \
    outcome, reason, prev_hash, hash";

fn from_row(row: &sqlx::any::AnyRow) -> Result<AuditRecord, sqlx::Error> {
    Ok(AuditRecord {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        request_id: row.try_get("request_id")?,
        actor_user_id: row.try_get("actor_user_id")?,
        actor_name: row.try_get("actor_name")?,
        actor_org_id: row.try_get("actor_org_id")?,
        actor_org_name: row.try_get("actor_org_name")?,
        actor_roles: row.try_get("actor_roles")?,
        on_behalf_of: row.try_get("on_behalf_of")?,
        origin: row.try_get("origin")?,
        action: row.try_get("action")?,
        resource_type: row.try_get("resource_type")?,
        resource_id: row.try_get("resource_id")?,
        subject_id: row.try_get("subject_id")?,
        purpose: row.try_get("purpose")?,
        outcome: row.try_get("outcome")?,
        reason: row.try_get("reason")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("audit record {seq} is broken: {reason}")]
    Broken { seq: i64, reason: String },
    #[error("the chain is keyed but no audit key was given (--audit-key or the audit.key file)")]
    NoKey,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Walks the whole chain in order with the handle's audit key and returns the number of intact
/// records.
pub async fn verify(db: &Db) -> Result<i64, VerifyError> {
    verify_against(db, &[]).await
}

/// [`verify`], and then checks the chain against checkpoints written earlier: each
/// checkpoint's record must still be there with the same hash (else records before it were
/// inserted, removed or rewritten), and the chain must reach the newest checkpoint (else its
/// end was cut off).
pub async fn verify_against(db: &Db, checkpoints: &[Checkpoint]) -> Result<i64, VerifyError> {
    let key = db.audit_key();
    let mut expected_prev = GENESIS_HASH.to_string();
    let mut expected_seq = 1_i64;
    let mut after = 0_i64;
    let mut keyed_from: Option<i64> = None;
    // Checked as the walk passes each checkpoint's record: no query per checkpoint.
    let mut by_seq: std::collections::HashMap<i64, Vec<&Checkpoint>> = Default::default();
    for cp in checkpoints.iter().filter(|cp| cp.seq > 0) {
        by_seq.entry(cp.seq).or_default().push(cp);
    }
    loop {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000"
        ))
        .bind(after)
        .fetch_all(db.pool())
        .await
        .map_err(DbError::from)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let r = from_row(row).map_err(DbError::from)?;
            let broken = |reason: String| VerifyError::Broken { seq: r.seq, reason };
            if r.seq != expected_seq {
                return Err(VerifyError::Broken {
                    seq: expected_seq,
                    reason: format!("record is missing (next record found is {})", r.seq),
                });
            }
            if r.prev_hash != expected_prev {
                return Err(broken(
                    "its link to the previous record does not match".into(),
                ));
            }
            let keyed = r.hash.starts_with(KEYED_PREFIX);
            if keyed && key.is_none() {
                return Err(VerifyError::NoKey);
            }
            if let (false, Some(from)) = (keyed, keyed_from) {
                return Err(broken(format!(
                    "it has no keyed hash although the chain is keyed from record {from} on \
                     (written by someone without the audit key)"
                )));
            }
            if keyed && keyed_from.is_none() {
                keyed_from = Some(r.seq);
            }
            let computed = r.compute_hash(if keyed { key.as_ref() } else { None });
            if !ct_eq(computed.as_bytes(), r.hash.as_bytes()) {
                return Err(broken(
                    "its contents do not match its hash (changed after writing, or written \
                     without the audit key)"
                        .into(),
                ));
            }
            if let Some(cp) = by_seq
                .get(&r.seq)
                .and_then(|cps| cps.iter().find(|cp| cp.hash != r.hash))
            {
                return Err(broken(format!(
                    "it differs from the checkpoint of {} (records up to it were inserted, \
                     removed or rewritten)",
                    time_text(cp.at)
                )));
            }
            expected_prev = r.hash.clone();
            expected_seq += 1;
            after = r.seq;
        }
    }
    let head = sqlx::query("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await
        .map_err(DbError::from)?;
    let last_seq: i64 = head.try_get("last_seq").map_err(DbError::from)?;
    let last_hash: String = head.try_get("last_hash").map_err(DbError::from)?;
    if last_seq != expected_seq - 1 || last_hash != expected_prev {
        return Err(VerifyError::Broken {
            seq: expected_seq,
            reason: format!(
                "the chain ends at record {} but the head says {last_seq} (records removed at the end)",
                expected_seq - 1
            ),
        });
    }
    let count = expected_seq - 1;
    for cp in checkpoints {
        if cp.seq > count {
            return Err(VerifyError::Broken {
                seq: count + 1,
                reason: format!(
                    "the checkpoint of {} counted {} records but the chain ends at {count} \
                     (records removed at the end)",
                    time_text(cp.at),
                    cp.seq
                ),
            });
        }
    }
    Ok(count)
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(subtle::ConstantTimeEq::ct_eq(a, b))
}

fn time_text(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| ms.to_string())
}

/// The state of the chain at one moment, with a MAC under the audit key, kept outside the
/// database.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// The number of records then.
    pub seq: i64,
    /// The hash of record `seq` (the genesis hash for an empty log).
    pub hash: String,
    /// When, in Unix milliseconds.
    pub at: i64,
    pub mac: String,
}

fn checkpoint_mac(key: &AuditKey, seq: i64, hash: &str, at: i64) -> String {
    match Hmac::<Sha256>::new_from_slice(&key.0) {
        Ok(mut mac) => {
            mac.update(format!("baken-audit-checkpoint-v1|{seq}|{hash}|{at}").as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

/// Reads the audit key from `path` (64 hexadecimal characters), or creates it there (mode 0600)
/// when it does not exist yet.
pub fn load_or_create_key(path: &std::path::Path) -> Result<AuditKey, CheckpointError> {
    use std::io::Write;
    let io = |error| CheckpointError::Io {
        path: path.display().to_string(),
        error,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => key_from_hex(text.trim()).ok_or_else(|| CheckpointError::Invalid {
            line: 1,
            reason: "the audit key must be 64 hexadecimal characters".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key: [u8; 32] = crate::secrets::random_bytes();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(io)?;
            file.write_all(hex::encode(key).as_bytes()).map_err(io)?;
            file.sync_all().map_err(io)?;
            Ok(AuditKey::from_bytes(key))
        }
        Err(e) => Err(io(e)),
    }
}

/// An audit key from 64 hexadecimal characters.
pub fn key_from_hex(text: &str) -> Option<AuditKey> {
    let bytes: [u8; 32] = hex::decode(text).ok()?.try_into().ok()?;
    Some(AuditKey::from_bytes(bytes))
}

/// The file, in `dir`, to which checkpoints are appended.
pub const CHECKPOINT_FILE: &str = "audit-checkpoints.jsonl";

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("no audit key: checkpoints need the key that keys the chain")]
    NoKey,
    #[error("checkpoint file {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("checkpoint file line {line}: {reason}")]
    Invalid { line: usize, reason: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Takes a checkpoint of the head now and appends it to `dir`'s checkpoint file (created with
/// mode 0600, opened for appending only, synced before returning).
pub async fn write_checkpoint(
    db: &Db,
    dir: &std::path::Path,
) -> Result<Checkpoint, CheckpointError> {
    use std::io::Write;
    let key = db.audit_key().ok_or(CheckpointError::NoKey)?;
    let head = sqlx::query("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(db.pool())
        .await
        .map_err(DbError::from)?;
    let seq: i64 = head.try_get("last_seq").map_err(DbError::from)?;
    let hash: String = head.try_get("last_hash").map_err(DbError::from)?;
    let at = now_ms();
    let cp = Checkpoint {
        mac: checkpoint_mac(&key, seq, &hash, at),
        seq,
        hash,
        at,
    };
    let path = dir.join(CHECKPOINT_FILE);
    let io = |error| CheckpointError::Io {
        path: path.display().to_string(),
        error,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(io)?;
    let line = serde_json::to_string(&cp).map_err(|e| io(std::io::Error::other(e)))?;
    file.write_all(format!("{line}\n").as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(cp)
}

/// Reads the checkpoints in `dir`, refusing any whose MAC does not hold (a forged line).
pub fn read_checkpoints(
    key: Option<&AuditKey>,
    dir: &std::path::Path,
) -> Result<Vec<Checkpoint>, CheckpointError> {
    let key = key.ok_or(CheckpointError::NoKey)?;
    let path = dir.join(CHECKPOINT_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(CheckpointError::Io {
                path: path.display().to_string(),
                error,
            })
        }
    };
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let cp: Checkpoint = serde_json::from_str(line).map_err(|e| CheckpointError::Invalid {
            line: i + 1,
            reason: e.to_string(),
        })?;
        let want = checkpoint_mac(key, cp.seq, &cp.hash, cp.at);
        if !ct_eq(want.as_bytes(), cp.mac.as_bytes()) {
            return Err(CheckpointError::Invalid {
                line: i + 1,
                reason: "its MAC does not match (not written with this audit key)".into(),
            });
        }
        out.push(cp);
    }
    Ok(out)
}

/// Search criteria for auditors.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Matches actor name, actor id, subject id or resource id.
    pub who: Option<String>,
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub outcome: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// Searches the log, newest first. Reading the log is itself audited.
pub async fn search(
    tx: &mut Tx,
    auth: &Authorized<AuditTrail>,
    filter: &AuditFilter,
) -> Result<(Vec<AuditRecord>, i64), DbError> {
    auth.record(tx).await?;
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    let mut ints: Vec<i64> = Vec::new();
    if let Some(who) = filter.who.as_deref().filter(|s| !s.is_empty()) {
        binds.push(format!("%{}%", who.to_lowercase()));
        let n = binds.len();
        clauses.push(format!(
            "(LOWER(actor_name) LIKE ${n} OR LOWER(COALESCE(actor_user_id, '')) LIKE ${n} \
             OR LOWER(COALESCE(subject_id, '')) LIKE ${n} OR LOWER(COALESCE(resource_id, '')) LIKE ${n})"
        ));
    }
    for (col, val) in [
        ("action", &filter.action),
        ("resource_type", &filter.resource_type),
        ("outcome", &filter.outcome),
    ] {
        if let Some(v) = val.as_deref().filter(|s| !s.is_empty()) {
            binds.push(v.to_string());
            clauses.push(format!("{col} = ${}", binds.len()));
        }
    }
    let text_count = binds.len();
    for (op, val) in [(">=", filter.from_ms), ("<", filter.to_ms)] {
        if let Some(v) = val {
            ints.push(v);
            clauses.push(format!("at {op} ${}", text_count + ints.len()));
        }
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let conn = tx.conn()?;
    let count_sql = format!("SELECT COUNT(*) AS n FROM audit_log {where_sql}");
    let mut q = sqlx::query(&count_sql);
    for b in &binds {
        q = q.bind(b);
    }
    for i in &ints {
        q = q.bind(*i);
    }
    let total: i64 = q.fetch_one(&mut *conn).await?.try_get("n")?;
    let n = text_count + ints.len();
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log {where_sql} ORDER BY seq DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    for i in &ints {
        q = q.bind(*i);
    }
    let rows = q
        .bind(filter.limit)
        .bind(filter.offset)
        .fetch_all(&mut *conn)
        .await?;
    let records = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok((records, total))
}

/// The records about the given subjects (NEN 7513 "cliënt"), oldest first: who accessed a
/// person's data and when, for that person's access request. The caller's decision to show
/// them is recorded first.
pub async fn records_about<R: crate::access::Resource, A: crate::access::ActionKind>(
    tx: &mut Tx,
    auth: &Authorized<R, A>,
    subject_ids: &[String],
) -> Result<Vec<AuditRecord>, DbError> {
    auth.record(tx).await?;
    if subject_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=subject_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE subject_id IN ({}) ORDER BY seq",
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for s in subject_ids {
        q = q.bind(s);
    }
    let rows = q.fetch_all(&mut *tx.conn()?).await?;
    rows.iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()
        .map_err(DbError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_field_and_the_link() {
        for key in [None, Some(AuditKey::from_bytes([3; 32]))] {
            let k = key.as_ref();
            let base = record_hash(k, 1, 2, &["a", "b"], GENESIS_HASH);
            assert_ne!(base, record_hash(k, 1, 2, &["a", "c"], GENESIS_HASH));
            assert_ne!(base, record_hash(k, 1, 3, &["a", "b"], GENESIS_HASH));
            assert_ne!(base, record_hash(k, 2, 2, &["a", "b"], GENESIS_HASH));
            assert_ne!(base, record_hash(k, 1, 2, &["ab", ""], GENESIS_HASH));
            assert_ne!(base, record_hash(k, 1, 2, &["a", "b"], &"1".repeat(64)));
            assert_eq!(base, record_hash(k, 1, 2, &["a", "b"], GENESIS_HASH));
            assert_eq!(base.starts_with(KEYED_PREFIX), key.is_some());
        }
    }

    #[test]
    fn a_keyed_hash_needs_the_key() {
        let one = AuditKey::from_bytes([1; 32]);
        let two = AuditKey::from_bytes([2; 32]);
        let with_one = record_hash(Some(&one), 1, 2, &["a"], GENESIS_HASH);
        assert_ne!(
            with_one,
            record_hash(Some(&two), 1, 2, &["a"], GENESIS_HASH)
        );
        assert_ne!(
            with_one.trim_start_matches(KEYED_PREFIX),
            record_hash(None, 1, 2, &["a"], GENESIS_HASH)
        );
    }

    #[test]
    fn checkpoint_macs_bind_count_hash_and_time() {
        let k = AuditKey::from_bytes([5; 32]);
        let m = checkpoint_mac(&k, 10, "h", 99);
        assert_eq!(m, checkpoint_mac(&k, 10, "h", 99));
        assert_ne!(m, checkpoint_mac(&k, 11, "h", 99));
        assert_ne!(m, checkpoint_mac(&k, 10, "g", 99));
        assert_ne!(m, checkpoint_mac(&k, 10, "h", 98));
        assert_ne!(
            m,
            checkpoint_mac(&AuditKey::from_bytes([6; 32]), 10, "h", 99)
        );
    }

    #[test]
    fn the_key_file_is_made_once_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!("baken-audit-key-{}", crate::db::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("audit.key");
        let made = load_or_create_key(&path).unwrap();
        let read = load_or_create_key(&path).unwrap();
        assert_eq!(made.0, read.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not hex").unwrap();
        assert!(load_or_create_key(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
