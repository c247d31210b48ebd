//! The database handle: SQLite (embedded, the default) or PostgreSQL, chosen at run time from the URL.
//!
//! All SQL is written once in a portable subset (`$1` placeholders, TEXT, BIGINT, `ON CONFLICT`,
//! `RETURNING`) and runs through sqlx's `Any` driver; the few backend-specific statements
//! (full-text search, job claiming, audit protection) branch on [`Backend`].

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database URL must start with sqlite:// or postgres:// (got '{0}')")]
    UnsupportedUrl(String),
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
}

pub type DbResult<T> = Result<T, DbError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub fn from_url(url: &str) -> DbResult<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::UnsupportedUrl(url.to_string()))
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// PostgreSQL: a second, lazily opened pool for [`Db::generic_plan_pool`].
    generic_plans: Option<AnyPool>,
    backend: Backend,
    /// SQLite has one writer at a time. Writers of this process queue here, in order, instead
    /// of all issuing BEGIN IMMEDIATE and retrying in SQLite's busy handler, which sleeps in
    /// growing steps and turned a short queue into 100 ms+ stalls under load.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// The queues of the group writers (see [`Db::write_grouped`]), one per kind, each
    /// started on first use.
    groups: Arc<std::sync::Mutex<HashMap<&'static str, Box<dyn std::any::Any + Send>>>>,
    /// Small reference data kept in memory (see [`Db::memo`]).
    memos: Arc<std::sync::Mutex<Memos>>,
    /// The key of the audit chain's HMAC, kept apart from the database (see
    /// [`crate::audit`]); shared by every clone of this handle.
    audit_key: Arc<std::sync::RwLock<Option<AuditKey>>>,
}

/// The 32-byte key with which audit records are chained (HMAC-SHA256).
#[derive(Clone, Copy)]
pub struct AuditKey(pub(crate) [u8; 32]);

impl AuditKey {
    pub fn from_bytes(key: [u8; 32]) -> Self {
        AuditKey(key)
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

/// How long a memo is used before it is read again. A process forgets its own memo when it
/// changes the data; another process on the same database sees the change within this time.
const MEMO_TTL: Duration = Duration::from_secs(5);

type MemoValue = Arc<dyn std::any::Any + Send + Sync>;

#[derive(Debug, Default)]
struct Memos {
    entries: HashMap<&'static str, (std::time::Instant, MemoValue)>,
    /// One load per key at a time: requests that find no memo wait for the load under way
    /// instead of all reading the same rows at once.
    loading: HashMap<&'static str, Arc<tokio::sync::Mutex<()>>>,
    /// Raised by every [`Db::forget`], so that a load that began before a change does not
    /// store what it read.
    generation: u64,
}

/// Writes a run of items of one kind in the caller's transaction, returning one result per
/// item in order. A plain function, so a group writer can run it again item by item.
pub type GroupWrite<T, R> =
    for<'a> fn(&'a mut Tx, &'a [T]) -> Pin<Box<dyn Future<Output = DbResult<Vec<R>>> + Send + 'a>>;

type GroupQueue<T, R> =
    tokio::sync::mpsc::UnboundedSender<(T, tokio::sync::oneshot::Sender<DbResult<R>>)>;

/// Most items one group transaction takes.
const GROUP_MAX: usize = 256;

/// How long a writer waits for its turn before giving up, as SQLite's busy timeout did.
const WRITER_WAIT: Duration = Duration::from_secs(10);

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

impl Db {
    /// Opens the database. For SQLite the file is created if missing, in WAL mode with foreign keys on.
    pub async fn connect(url: &str) -> DbResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(DbError::Connect)?;
        let generic_plans = (backend == Backend::Postgres).then(|| {
            AnyPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("SET plan_cache_mode = force_generic_plan")
                            .await
                            .map(|_| ())
                    })
                })
                .connect_lazy_with(options.clone())
        });
        let pool = AnyPoolOptions::new()
            // SQLite: one connection is a thread; on a small machine more of them only switch
            // among each other (4 gave 353 list pages/s where 8 gave 277 on 2 cores).
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // A 32 MB page cache per connection instead of 2 MB. (Memory-mapped
                        // reads were slower here: the mapping is redone as the file grows.)
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; \
                             PRAGMA cache_size = -32768; \
                             PRAGMA temp_store = MEMORY;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        Ok(Db {
            pool,
            generic_plans,
            backend,
            writer: Arc::new(tokio::sync::Mutex::new(())),
            groups: Arc::new(std::sync::Mutex::new(HashMap::new())),
            memos: Arc::new(std::sync::Mutex::new(Memos::default())),
            audit_key: Arc::new(std::sync::RwLock::new(None)),
        })
    }

    /// Small reference data that many requests read and few change (categories, routing
    /// rules), read once per [`MEMO_TTL`] instead of on every request. Who changes the data
    /// calls [`Db::forget`] after the commit. Concurrent misses of one key wait for one load; a
    /// load must not ask for its own key.
    pub async fn memo<T, E, F, Fut>(&self, key: &'static str, load: F) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let fresh = |memos: &Memos| -> Option<Arc<T>> {
            let (at, value) = memos.entries.get(key)?;
            (at.elapsed() < MEMO_TTL)
                .then(|| value.clone().downcast::<T>().ok())
                .flatten()
        };
        let turn = {
            let mut memos = self.memos.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(v) = fresh(&memos) {
                return Ok(v);
            }
            memos.loading.entry(key).or_default().clone()
        };
        let _turn = turn.lock().await;
        let generation = {
            let memos = self.memos.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(v) = fresh(&memos) {
                return Ok(v);
            }
            memos.generation
        };
        let value = Arc::new(load().await?);
        let mut memos = self.memos.lock().unwrap_or_else(|e| e.into_inner());
        if memos.generation == generation {
            memos
                .entries
                .insert(key, (std::time::Instant::now(), value.clone() as MemoValue));
        }
        Ok(value)
    }

    /// Drops the memo `key`, after a change to the data it holds.
    pub fn forget(&self, key: &'static str) {
        let mut memos = self.memos.lock().unwrap_or_else(|e| e.into_inner());
        memos.entries.remove(key);
        memos.generation += 1;
    }

    /// Writes `item` together with the items of its `kind` that other tasks hand in at the same
    /// time, in one transaction of the writers' queue ("group commit"), and returns once it is
    /// committed. Under load the group grows by itself: it is whatever queued up while the
    /// previous group was written; a lone item is written at once. When a group's transaction
    /// fails, each of its items is tried again alone, so one bad item fails only its own call.
    pub async fn write_grouped<T, R>(
        &self,
        kind: &'static str,
        item: T,
        write: GroupWrite<T, R>,
    ) -> DbResult<R>
    where
        T: Send + Sync + 'static,
        R: Send + 'static,
    {
        let closed = || DbError::Sql(sqlx::Error::PoolClosed);
        let queue = {
            let mut groups = self.groups.lock().map_err(|_| closed())?;
            groups
                .entry(kind)
                .or_insert_with(|| {
                    let (send, receive) = tokio::sync::mpsc::unbounded_channel();
                    // The writer's handle has no queues of its own, so the writer ends when
                    // the last handle that can reach the queue is dropped.
                    let db = Db {
                        pool: self.pool.clone(),
                        generic_plans: self.generic_plans.clone(),
                        backend: self.backend,
                        writer: self.writer.clone(),
                        groups: Arc::new(std::sync::Mutex::new(HashMap::new())),
                        memos: self.memos.clone(),
                        audit_key: self.audit_key.clone(),
                    };
                    tokio::spawn(run_group(db, receive, write));
                    Box::new(send) as Box<dyn std::any::Any + Send>
                })
                .downcast_ref::<GroupQueue<T, R>>()
                .cloned()
                .ok_or_else(closed)?
        };
        let (done, wait) = tokio::sync::oneshot::channel();
        queue.send((item, done)).map_err(|_| closed())?;
        wait.await.map_err(|_| closed())?
    }

    pub async fn migrate(&self) -> DbResult<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Fresh planner statistics (and, on PostgreSQL, visibility maps), as a running database
    /// gets them from autovacuum or `PRAGMA optimize`; after a bulk load the planners guess.
    pub async fn analyze(&self) -> DbResult<()> {
        let sql = match self.backend {
            Backend::Postgres => "VACUUM ANALYZE",
            Backend::Sqlite => "ANALYZE",
        };
        sqlx::query(sql).execute(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The pool for a hot paged list whose best plan does not depend on the values bound to
    /// it. Its LIMIT and OFFSET are parameters (one statement per filter shape, not one per
    /// page), so PostgreSQL would by default plan it anew on every execution, which cost a
    /// third of a list page; these connections keep the statement's one generic plan. Only for
    /// statements whose generic plan has been checked with EXPLAIN. On SQLite, the one pool.
    pub fn generic_plan_pool(&self) -> &AnyPool {
        self.generic_plans.as_ref().unwrap_or(&self.pool)
    }

    /// From now on, audit records written through this handle (and its clones) are chained
    /// with `key`. A process that writes audit records must set it before its first write.
    pub fn set_audit_key(&self, key: AuditKey) {
        if let Ok(mut k) = self.audit_key.write() {
            *k = Some(key);
        }
    }

    pub fn audit_key(&self) -> Option<AuditKey> {
        self.audit_key.read().ok().and_then(|k| *k)
    }

    /// Starts a write transaction. On SQLite it takes the write lock up front (`BEGIN IMMEDIATE`),
    /// so a transaction that reads and then writes never fails halfway on a lock upgrade.
    pub async fn begin(&self) -> DbResult<Tx> {
        let turn = match self.backend {
            Backend::Sqlite => Some(
                tokio::time::timeout(WRITER_WAIT, self.writer.clone().lock_owned())
                    .await
                    .map_err(|_| DbError::Sql(sqlx::Error::PoolTimedOut))?,
            ),
            Backend::Postgres => None,
        };
        let mut conn = self.pool.acquire().await?;
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        conn.execute(begin).await?;
        Ok(Tx {
            conn: Some(conn),
            backend: self.backend,
            audit_key: self.audit_key(),
            _turn: turn,
        })
    }

    /// Runs one writing statement in a transaction of its own, in the writers' queue: a write
    /// on a bare pool connection would wait in SQLite's busy handler while queued writers keep
    /// taking the lock, for up to its whole timeout.
    pub async fn execute<'q>(
        &self,
        query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    ) -> DbResult<sqlx::any::AnyQueryResult> {
        let mut tx = self.begin().await?;
        let result = query.execute(tx.conn()?).await?;
        tx.commit().await?;
        Ok(result)
    }

    pub async fn ping(&self) -> DbResult<()> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(pool) = &self.generic_plans {
            pool.close().await;
        }
    }
}

async fn write_in_tx<T, R>(db: &Db, items: &[T], write: GroupWrite<T, R>) -> DbResult<Vec<R>> {
    let mut tx = db.begin().await?;
    let out = write(&mut tx, items).await?;
    tx.commit().await?;
    Ok(out)
}

async fn run_group<T, R>(
    db: Db,
    mut queue: tokio::sync::mpsc::UnboundedReceiver<(T, tokio::sync::oneshot::Sender<DbResult<R>>)>,
    write: GroupWrite<T, R>,
) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < GROUP_MAX {
            match queue.try_recv() {
                Ok(next) => group.push(next),
                Err(_) => break,
            }
        }
        let (items, waiting): (Vec<T>, Vec<_>) = group.into_iter().unzip();
        match write_in_tx(&db, &items, write).await {
            Ok(results) if results.len() == items.len() => {
                for (done, r) in waiting.into_iter().zip(results) {
                    // A caller that stopped waiting needs no answer.
                    let _ = done.send(Ok(r));
                }
            }
            Err(e) if items.len() == 1 => {
                if let Some(done) = waiting.into_iter().next() {
                    let _ = done.send(Err(e));
                }
            }
            _ => {
                for (item, done) in items.iter().zip(waiting) {
                    let r = write_in_tx(&db, std::slice::from_ref(item), write)
                        .await
                        .and_then(|mut r| r.pop().ok_or(DbError::Sql(sqlx::Error::RowNotFound)));
                    let _ = done.send(r);
                }
            }
        }
    }
}

/// `($1, $2, …), (…)`: placeholders for a multi-row INSERT of `rows` rows of `width` values.
pub fn placeholders(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|i| {
            let marks: Vec<String> = (1..=width).map(|j| format!("${}", i * width + j)).collect();
            format!("({})", marks.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binding an optional float. sqlx 0.8's Any driver declares a NULL `f64` to PostgreSQL as
/// float4 (and a NULL `f32` as float8); a statement first prepared with such a NULL then refuses
/// the 8-byte value of a later execution ("incorrect binary data format"). So a missing value
/// is bound as a NULL `f32`, which PostgreSQL sees as float8; SQLite sees a NULL either way.
pub trait BindF64 {
    fn bind_f64(self, value: Option<f64>) -> Self;
}

impl<'q> BindF64 for sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    fn bind_f64(self, value: Option<f64>) -> Self {
        match value {
            Some(v) => self.bind(v),
            None => self.bind(None::<f32>),
        }
    }
}

/// A transaction on one pooled connection. Dropped without `commit`, its connection is closed
/// rather than returned to the pool, which rolls the transaction back on both backends.
pub struct Tx {
    conn: Option<PoolConnection<Any>>,
    backend: Backend,
    audit_key: Option<AuditKey>,
    /// The SQLite writer's turn, given up when the transaction ends.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn audit_key(&self) -> Option<AuditKey> {
        self.audit_key
    }

    pub fn conn(&mut self) -> DbResult<&mut AnyConnection> {
        match self.conn.as_mut() {
            Some(c) => Ok(&mut **c),
            None => Err(DbError::Sql(sqlx::Error::PoolClosed)),
        }
    }

    pub async fn commit(mut self) -> DbResult<()> {
        if let Some(mut conn) = self.conn.take() {
            if let Err(e) = conn.execute("COMMIT").await {
                drop(conn.detach());
                return Err(e.into());
            }
        }
        Ok(())
    }

    pub async fn rollback(mut self) -> DbResult<()> {
        if let Some(mut conn) = self.conn.take() {
            if let Err(e) = conn.execute("ROLLBACK").await {
                drop(conn.detach());
                return Err(e.into());
            }
        }
        Ok(())
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}

/// Milliseconds since the Unix epoch: the storage format of every time column.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn tz_nl() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// Today's date in the Netherlands (legal dates and deadlines are Dutch calendar days).
pub fn today_nl() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned(tz_nl()).date()
}

/// The Dutch calendar day of a stored time (milliseconds since the epoch).
pub fn date_nl(ms: i64) -> jiff::civil::Date {
    let ts = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.to_zoned(tz_nl()).date()
}

/// The first millisecond of a Dutch calendar day, for comparing dates with stored times.
pub fn day_start_ms_nl(date: jiff::civil::Date) -> i64 {
    date.to_zoned(tz_nl())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

/// A new UUIDv7 as text: time-ordered, so inserts stay local in B-tree indexes.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// True when the error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(err: &DbError) -> bool {
    match err {
        DbError::Sql(sqlx::Error::Database(db)) => {
            db.is_unique_violation()
                || db.message().contains("UNIQUE constraint failed")
                || db.code().as_deref() == Some("23505")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_every_value_once() {
        assert_eq!(super::placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::placeholders(1, 1), "($1)");
    }
}
