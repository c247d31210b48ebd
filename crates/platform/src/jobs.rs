//! Background jobs on a `jobs` table. Safe with several processes: on PostgreSQL a job is claimed
//! with `FOR UPDATE SKIP LOCKED`; on SQLite the claim runs inside a write transaction, which
//! SQLite serialises. A claimed job carries a lease, so a job of a process that died is retried.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;

use crate::db::{new_id, now_ms, Backend, Db, DbError};

pub type JobFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;
pub type JobHandler = Arc<dyn Fn(Db, serde_json::Value) -> JobFuture + Send + Sync>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
}

/// Queues a job to run at `run_at` (ms), or now.
pub async fn enqueue(
    db: &Db,
    kind: &str,
    payload: &serde_json::Value,
    run_at: Option<i64>,
    max_attempts: i64,
) -> Result<String, DbError> {
    let id = new_id();
    let now = now_ms();
    db.execute(sqlx::query(
        "INSERT INTO jobs (id, kind, payload, run_at, max_attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(kind)
    .bind(payload.to_string())
    .bind(run_at.unwrap_or(now))
    .bind(max_attempts.max(1))
    .bind(now)
    )
    .await?;
    Ok(id)
}

/// Claims one due job for `worker` with a lease of `lease_ms`.
pub async fn claim(db: &Db, worker: &str, lease_ms: i64) -> Result<Option<ClaimedJob>, DbError> {
    let now = now_ms();
    let pick = match db.backend() {
        Backend::Postgres => {
            "SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1 \
             AND (locked_until IS NULL OR locked_until < $1) ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED"
        }
        Backend::Sqlite => {
            "SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1 \
             AND (locked_until IS NULL OR locked_until < $1) ORDER BY run_at LIMIT 1"
        }
    };
    let mut tx = db.begin().await?;
    let Some(row) = sqlx::query(pick)
        .bind(now)
        .fetch_optional(tx.conn()?)
        .await?
    else {
        tx.commit().await?;
        return Ok(None);
    };
    let id: String = row.try_get("id")?;
    let row = sqlx::query(
        "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 WHERE id = $3 \
         RETURNING id, kind, payload, attempts, max_attempts",
    )
    .bind(worker)
    .bind(now + lease_ms)
    .bind(&id)
    .fetch_one(tx.conn()?)
    .await?;
    tx.commit().await?;
    Ok(Some(ClaimedJob {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        payload: row.try_get("payload")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
    }))
}

pub async fn complete(db: &Db, id: &str) -> Result<(), DbError> {
    db.execute(
        sqlx::query(
            "UPDATE jobs SET done_at = $1, locked_by = NULL, locked_until = NULL WHERE id = $2",
        )
        .bind(now_ms())
        .bind(id),
    )
    .await?;
    Ok(())
}

/// Records a failure: retried later with exponential backoff, or given up after `max_attempts`.
pub async fn fail(db: &Db, job: &ClaimedJob, error: &str) -> Result<(), DbError> {
    let now = now_ms();
    if job.attempts >= job.max_attempts {
        db.execute(sqlx::query("UPDATE jobs SET failed_at = $1, last_error = $2, locked_by = NULL, locked_until = NULL WHERE id = $3")
            .bind(now)
            .bind(error)
            .bind(&job.id)
            )
            .await?;
    } else {
        let backoff = 1000 * (1_i64 << job.attempts.clamp(0, 12));
        db.execute(sqlx::query("UPDATE jobs SET run_at = $1, last_error = $2, locked_by = NULL, locked_until = NULL WHERE id = $3")
            .bind(now + backoff)
            .bind(error)
            .bind(&job.id)
            )
            .await?;
    }
    Ok(())
}

/// Runs registered handlers for due jobs.
#[derive(Clone, Default)]
pub struct Runner {
    handlers: HashMap<String, JobHandler>,
}

impl Runner {
    pub fn new() -> Self {
        Runner::default()
    }

    pub fn register<F, Fut>(&mut self, kind: &str, f: F)
    where
        F: Fn(Db, serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.handlers
            .insert(kind.to_string(), Arc::new(move |db, v| Box::pin(f(db, v))));
    }

    /// Runs due jobs until none is left; returns how many ran.
    pub async fn run_due(&self, db: &Db, worker: &str) -> Result<usize, DbError> {
        let mut ran = 0;
        while let Some(job) = claim(db, worker, 5 * 60_000).await? {
            ran += 1;
            let Some(handler) = self.handlers.get(&job.kind) else {
                fail(db, &job, "no handler for this job kind").await?;
                continue;
            };
            let payload = serde_json::from_str(&job.payload).unwrap_or(serde_json::Value::Null);
            match handler(db.clone(), payload).await {
                Ok(()) => complete(db, &job.id).await?,
                Err(e) => fail(db, &job, &e).await?,
            }
        }
        Ok(ran)
    }

    /// Polls forever; spawned by `baken serve`.
    pub async fn run_forever(self, db: Db, interval: Duration) {
        let worker = format!("{}-{}", std::process::id(), new_id());
        loop {
            if let Err(e) = self.run_due(&db, &worker).await {
                tracing::warn!(error = %e, "job runner");
            }
            tokio::time::sleep(interval).await;
        }
    }
}
