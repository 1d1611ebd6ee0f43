//! The [`Store`]: opening, cycles and their events, the audit log, runs, blobs and texts.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use bagalau_cycle::Event;
use chrono::NaiveDateTime;
use serde_json::{json, Value};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::AnyConnection;
use sqlx::{AnyPool, Executor, Row};

use crate::hash::{hash_fields, ContentHash};
use crate::media::MediaType;
use crate::StoreError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// The schema's version: the last migration's (the same in both folders, tested).
pub(crate) fn schema_version() -> i64 {
    SQLITE_MIGRATIONS
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or_default()
}

/// The file name of the SQLite database when a data directory is given.
pub const SQLITE_FILE: &str = "bagalau.sqlite3";

/// The data directory when none is given: `$BAGALAU_DATA_DIR`, else `$XDG_DATA_HOME/bagalau`,
/// else `$HOME/.local/share/bagalau`; `None` when none of them is set.
pub fn default_data_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("BAGALAU_DATA_DIR")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("bagalau")))
        .or_else(|| var("HOME").map(|h| h.join(".local/share/bagalau")))
}

/// The Russian name of the audit action that records a run.
pub(crate) const RUN_WHAT: &str = "сохранение расчёта";
pub(crate) const TEXT_WHAT: &str = "изменение текста";

/// The database engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Why an action was taken, and the state before and after it (JSON summaries the caller
/// chooses), for the audit log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditInfo {
    pub why: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl AuditInfo {
    pub fn new(why: &str) -> AuditInfo {
        AuditInfo {
            why: why.to_string(),
            ..AuditInfo::default()
        }
    }

    pub fn before(mut self, before: Value) -> AuditInfo {
        self.before = Some(before);
        self
    }

    pub fn after(mut self, after: Value) -> AuditInfo {
        self.after = Some(after);
        self
    }
}

/// Who did something and when, for records that are not cycle events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub who: String,
    pub at: NaiveDateTime,
}

/// An action that is not a cycle event (an import, a backup, a decision of the administrator
/// recorded outside the procedure): logged with [`Store::log`].
#[derive(Debug, Clone, PartialEq)]
pub struct Act {
    pub by: Author,
    /// The action's Russian name.
    pub what: String,
    /// The action's details.
    pub details: Value,
}

/// One row of the audit log, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: NaiveDateTime,
    pub cycle_id: Option<String>,
    /// The cycle event this row records, if it records one.
    pub event_seq: Option<u64>,
    pub who: String,
    pub what: String,
    /// The action's JSON.
    pub details: String,
    pub why: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// A cycle in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleSummary {
    pub id: String,
    /// The number of events (the last sequence number).
    pub events: u64,
    /// When its first event happened.
    pub created_at: NaiveDateTime,
    /// When its last event happened.
    pub last_at: NaiveDateTime,
}

/// A run's id: the hash of its record (every field, the results' and trace's hashes included).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RunId(pub ContentHash);

impl std::fmt::Display for RunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for RunId {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<RunId, StoreError> {
        Ok(RunId(s.parse()?))
    }
}

/// An immutable computation: the edition (id and content hash), the data snapshot (hash), the
/// results and the trace (bytes, e.g. canonical JSON), the run it recomputes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    pub cycle_id: String,
    /// The run's number in the cycle, from 1.
    pub number: u64,
    pub edition_id: String,
    pub edition_hash: String,
    pub data_hash: String,
    pub results: Vec<u8>,
    pub trace: Vec<u8>,
    pub previous: Option<RunId>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

impl RunRecord {
    pub fn results_hash(&self) -> ContentHash {
        ContentHash::of(&self.results)
    }

    pub fn trace_hash(&self) -> ContentHash {
        ContentHash::of(&self.trace)
    }

    /// The run's id: the hash of its fields in a fixed order.
    pub fn id(&self) -> RunId {
        run_id(
            &self.cycle_id,
            self.number,
            &self.edition_id,
            &self.edition_hash,
            &self.data_hash,
            self.results_hash().as_str(),
            self.trace_hash().as_str(),
            self.previous.as_ref().map(|p| p.0.as_str()),
            &format_at(&self.created_at),
            &self.created_by,
        )
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn run_id(
    cycle_id: &str,
    number: u64,
    edition_id: &str,
    edition_hash: &str,
    data_hash: &str,
    results_hash: &str,
    trace_hash: &str,
    previous: Option<&str>,
    created_at: &str,
    created_by: &str,
) -> RunId {
    RunId(hash_fields(&[
        json!("run/1"),
        json!(cycle_id),
        json!(number),
        json!(edition_id),
        json!(edition_hash),
        json!(data_hash),
        json!(results_hash),
        json!(trace_hash),
        json!(previous),
        json!(created_at),
        json!(created_by),
    ]))
}

/// A run as stored, its hashes checked when read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRun {
    pub id: RunId,
    pub record: RunRecord,
    pub results_hash: ContentHash,
    pub trace_hash: ContentHash,
}

/// A run without its results and trace: what lists of runs show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub id: RunId,
    pub number: u64,
    pub edition_id: String,
    pub results_hash: ContentHash,
    pub previous: Option<RunId>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub hash: ContentHash,
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
}

/// A mutable text record and its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub key: String,
    pub version: u64,
    pub text: String,
    pub updated_by: Author,
}

/// The store. Blocking: every method runs its queries on the store's own current-thread
/// runtime, so it must not be called (nor dropped) from inside another tokio runtime's task.
pub struct Store {
    pub(crate) pool: AnyPool,
    engine: Engine,
    pub(crate) runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("engine", &self.engine)
            .finish()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.runtime.block_on(self.pool.close());
    }
}

/// The timestamp as stored and hashed.
pub(crate) fn format_at(at: &NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
}

pub(crate) fn parse_at(s: &str) -> Result<NaiveDateTime, StoreError> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .map_err(|_| StoreError::Corrupt(format!("неверная отметка времени «{s}»")))
}

pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn to_i64(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v)
        .map_err(|_| StoreError::Corrupt(format!("число {v} вне допустимого диапазона")))
}

/// Percent-encodes a path for a `sqlite://` URL.
fn encode_path(path: &Path) -> String {
    let mut out = String::new();
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Store {
    /// Opens (creating and migrating on first use) a store: `postgres://…` or
    /// `postgresql://…` for PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a plain path for
    /// SQLite. A path that is a directory (or ends with `/`) holds the database as
    /// [`SQLITE_FILE`]; missing directories are created.
    pub fn open(url_or_path: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let open_err = |reason: String| StoreError::Open {
            url: redact(url_or_path),
            reason,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| open_err(e.to_string()))?;
        let (engine, url) =
            if url_or_path.starts_with("postgres://") || url_or_path.starts_with("postgresql://") {
                (Engine::Postgres, url_or_path.to_string())
            } else {
                let raw = url_or_path
                    .strip_prefix("sqlite://")
                    .or_else(|| url_or_path.strip_prefix("sqlite:"))
                    .unwrap_or(url_or_path);
                if raw.is_empty() {
                    return Err(open_err("не указан путь к файлу базы данных".into()));
                }
                let mut path = PathBuf::from(raw);
                if path.is_dir() || raw.ends_with('/') {
                    path = path.join(SQLITE_FILE);
                }
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                        path: parent.to_path_buf(),
                        source,
                    })?;
                }
                (
                    Engine::Sqlite,
                    format!("sqlite://{}?mode=rwc", encode_path(&path)),
                )
            };
        let pool = runtime.block_on(async {
            AnyPoolOptions::new()
                .max_connections(4)
                .acquire_timeout(std::time::Duration::from_secs(20))
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        if engine == Engine::Sqlite {
                            conn.execute("PRAGMA busy_timeout = 60000; PRAGMA foreign_keys = ON;")
                                .await?;
                        }
                        Ok(())
                    })
                })
                .connect(&url)
                .await
        });
        let pool = pool.map_err(|e| open_err(e.to_string()))?;
        let store = Store {
            pool,
            engine,
            runtime,
        };
        if engine == Engine::Sqlite {
            // Write-ahead logging: one fsync per commit instead of the rollback journal's several
            // (measured: 30 ms per appended event before, on this machine's disk). The mode is
            // kept in the file; switching needs a moment without other connections, so a busy
            // database is left as it is and switched at a later open.
            let _ = store
                .runtime
                .block_on(sqlx::query("PRAGMA journal_mode = WAL").execute(&store.pool));
        }
        store.runtime.block_on(async {
            match engine {
                // sqlx takes no lock for SQLite migrations: two processes opening a new file at
                // once would both create the tables. One IMMEDIATE transaction around the whole
                // run takes the write lock first (the others wait, then find it done); sqlx
                // runs each migration in a savepoint inside it.
                Engine::Sqlite => {
                    let mut conn = store.pool.acquire().await?;
                    let mut tx =
                        sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
                    SQLITE_MIGRATIONS.run(&mut *tx).await?;
                    tx.commit().await?;
                }
                // PostgreSQL: sqlx holds an advisory lock while it migrates.
                Engine::Postgres => POSTGRES_MIGRATIONS.run(&store.pool).await?,
            }
            Ok::<_, StoreError>(())
        })?;
        Ok(store)
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Creates a cycle with its first event (sequence number 1).
    pub fn create_cycle(
        &self,
        id: &str,
        first_event: &Event,
        audit: &AuditInfo,
    ) -> Result<(), StoreError> {
        if first_event.seq != 1 {
            return Err(StoreError::BadSeq {
                last: 0,
                got: first_event.seq,
            });
        }
        self.runtime.block_on(async {
            let mut tx = begin_write(&self.pool).await?;
            let exists = sqlx::query("SELECT id FROM cycles WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_some() {
                return Err(StoreError::CycleExists(id.to_string()));
            }
            sqlx::query("INSERT INTO cycles (id, created_at) VALUES ($1, $2)")
                .bind(id)
                .bind(format_at(&first_event.at))
                .execute(&mut *tx)
                .await?;
            insert_event(&mut tx, id, first_event, audit).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Appends `event` to the cycle if its last event is still `expected_last_seq`; returns the
    /// new last sequence number. If another writer appended meanwhile, nothing is written and
    /// the error is [`StoreError::Conflict`].
    pub fn append(
        &self,
        cycle_id: &str,
        expected_last_seq: u64,
        event: &Event,
        audit: &AuditInfo,
    ) -> Result<u64, StoreError> {
        self.runtime.block_on(async {
            let mut tx = begin_write(&self.pool).await?;
            let actual = last_seq(&mut tx, cycle_id).await?;
            if actual != expected_last_seq {
                return Err(StoreError::Conflict {
                    cycle: cycle_id.to_string(),
                    expected: expected_last_seq,
                    actual,
                });
            }
            if event.seq != actual + 1 {
                return Err(StoreError::BadSeq {
                    last: actual,
                    got: event.seq,
                });
            }
            insert_event(&mut tx, cycle_id, event, audit).await?;
            tx.commit().await?;
            Ok(event.seq)
        })
    }

    /// The cycle's events in order.
    pub fn events(&self, cycle_id: &str) -> Result<Vec<Event>, StoreError> {
        self.runtime.block_on(async {
            let mut conn = self.pool.acquire().await?;
            last_seq(&mut conn, cycle_id).await?;
            let rows = sqlx::query("SELECT seq, body FROM events WHERE cycle_id = $1 ORDER BY seq")
                .bind(cycle_id)
                .fetch_all(&mut *conn)
                .await?;
            rows.iter()
                .map(|row| {
                    let body: String = row.try_get("body")?;
                    let seq: i64 = row.try_get("seq")?;
                    serde_json::from_str(&body).map_err(|e| {
                        StoreError::Corrupt(format!(
                            "событие №{seq} цикла «{cycle_id}» не читается: {e}"
                        ))
                    })
                })
                .collect()
        })
    }

    /// Every cycle, by id.
    pub fn cycles(&self) -> Result<Vec<CycleSummary>, StoreError> {
        self.runtime.block_on(async {
            let rows = sqlx::query(
                "SELECT c.id AS id, c.created_at AS created_at, COALESCE(MAX(e.seq), 0) AS events, \
                 COALESCE(MAX(e.at), c.created_at) AS last_at \
                 FROM cycles c LEFT JOIN events e ON e.cycle_id = c.id \
                 GROUP BY c.id, c.created_at ORDER BY c.id",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(CycleSummary {
                        id: row.try_get("id")?,
                        events: to_u64(row.try_get("events")?),
                        created_at: parse_at(&row.try_get::<String, _>("created_at")?)?,
                        last_at: parse_at(&row.try_get::<String, _>("last_at")?)?,
                    })
                })
                .collect()
        })
    }

    /// Logs an action that is not a cycle event; returns the audit row's number.
    pub fn log(
        &self,
        cycle_id: Option<&str>,
        act: &Act,
        audit: &AuditInfo,
    ) -> Result<u64, StoreError> {
        self.runtime.block_on(async {
            let mut tx = begin_write(&self.pool).await?;
            if let Some(cycle) = cycle_id {
                last_seq(&mut tx, cycle).await?;
            }
            let seq = append_audit(
                &mut tx,
                NewAudit {
                    at: &act.by.at,
                    cycle_id,
                    event_seq: None,
                    who: &act.by.who,
                    what: &act.what,
                    details: serde_json::to_string(&act.details)?,
                    audit,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(seq)
        })
    }

    /// The audit log, of one cycle or (`None`) all of it, in order.
    pub fn audit(&self, cycle_id: Option<&str>) -> Result<Vec<AuditEntry>, StoreError> {
        self.runtime.block_on(async {
            let rows = match cycle_id {
                Some(cycle) => {
                    sqlx::query("SELECT * FROM audit WHERE cycle_id = $1 ORDER BY seq")
                        .bind(cycle)
                        .fetch_all(&self.pool)
                        .await?
                }
                None => {
                    sqlx::query("SELECT * FROM audit ORDER BY seq")
                        .fetch_all(&self.pool)
                        .await?
                }
            };
            rows.iter()
                .map(|row| {
                    Ok(AuditEntry {
                        seq: to_u64(row.try_get("seq")?),
                        at: parse_at(&row.try_get::<String, _>("at")?)?,
                        cycle_id: row.try_get("cycle_id")?,
                        event_seq: row.try_get::<Option<i64>, _>("event_seq")?.map(to_u64),
                        who: row.try_get("who")?,
                        what: row.try_get("what")?,
                        details: row.try_get("details")?,
                        why: row.try_get("why")?,
                        before: row.try_get("before_state")?,
                        after: row.try_get("after_state")?,
                        prev_hash: row.try_get("prev_hash")?,
                        hash: row.try_get("hash")?,
                    })
                })
                .collect()
        })
    }

    /// Stores a run (and its audit row) in one transaction; returns its id.
    pub fn put_run(&self, run: &RunRecord, audit: &AuditInfo) -> Result<RunId, StoreError> {
        self.runtime.block_on(async {
            let mut tx = begin_write(&self.pool).await?;
            let id = insert_run(&mut tx, run, audit).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Stores a run and appends the event that records it in one transaction: both or neither
    /// (a conflict on `expected_last_seq` stores no run). `run_audit` is the run's audit row's,
    /// `event_audit` the event's.
    pub fn append_with_run(
        &self,
        expected_last_seq: u64,
        event: &Event,
        event_audit: &AuditInfo,
        run: &RunRecord,
        run_audit: &AuditInfo,
    ) -> Result<RunId, StoreError> {
        let cycle_id = run.cycle_id.as_str();
        self.runtime.block_on(async {
            let mut tx = begin_write(&self.pool).await?;
            let actual = last_seq(&mut tx, cycle_id).await?;
            if actual != expected_last_seq {
                return Err(StoreError::Conflict {
                    cycle: cycle_id.to_string(),
                    expected: expected_last_seq,
                    actual,
                });
            }
            if event.seq != actual + 1 {
                return Err(StoreError::BadSeq {
                    last: actual,
                    got: event.seq,
                });
            }
            let id = insert_run(&mut tx, run, run_audit).await?;
            insert_event(&mut tx, cycle_id, event, event_audit).await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// A run, its results', trace's and record's hashes recomputed (a mismatch is
    /// [`StoreError::Corrupt`]).
    pub fn run(&self, id: &RunId) -> Result<StoredRun, StoreError> {
        self.runtime.block_on(async {
            let row = sqlx::query("SELECT * FROM runs WHERE id = $1")
                .bind(id.0.as_str())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::UnknownRun(id.to_string()))?;
            let run = decode_run(&row)?;
            check_run(&run).map_err(StoreError::Corrupt)?;
            Ok(run)
        })
    }

    /// The cycle's runs by number, each checked as by [`Store::run`].
    pub fn runs(&self, cycle_id: &str) -> Result<Vec<StoredRun>, StoreError> {
        self.runtime.block_on(async {
            let mut conn = self.pool.acquire().await?;
            last_seq(&mut conn, cycle_id).await?;
            let rows = sqlx::query("SELECT * FROM runs WHERE cycle_id = $1 ORDER BY number")
                .bind(cycle_id)
                .fetch_all(&mut *conn)
                .await?;
            rows.iter()
                .map(|row| {
                    let run = decode_run(row)?;
                    check_run(&run).map_err(StoreError::Corrupt)?;
                    Ok(run)
                })
                .collect()
        })
    }

    /// The cycle's runs by number, without their results and trace (nothing is recomputed:
    /// [`Store::run`] and [`Store::verify`] check the hashes).
    pub fn run_summaries(&self, cycle_id: &str) -> Result<Vec<RunSummary>, StoreError> {
        self.runtime.block_on(async {
            let mut conn = self.pool.acquire().await?;
            last_seq(&mut conn, cycle_id).await?;
            let rows = sqlx::query(
                "SELECT id, number, edition_id, results_hash, previous, created_at, created_by \
                 FROM runs WHERE cycle_id = $1 ORDER BY number",
            )
            .bind(cycle_id)
            .fetch_all(&mut *conn)
            .await?;
            rows.iter()
                .map(|row| {
                    let hash = |name: &str| -> Result<ContentHash, StoreError> {
                        let value: String = row.try_get(name)?;
                        value.parse().map_err(|_| {
                            StoreError::Corrupt(format!(
                                "поле {name} = «{value}» не является хешем"
                            ))
                        })
                    };
                    Ok(RunSummary {
                        id: RunId(hash("id")?),
                        number: to_u64(row.try_get("number")?),
                        edition_id: row.try_get("edition_id")?,
                        results_hash: hash("results_hash")?,
                        previous: match row.try_get::<Option<String>, _>("previous")? {
                            Some(_) => Some(RunId(hash("previous")?)),
                            None => None,
                        },
                        created_at: parse_at(&row.try_get::<String, _>("created_at")?)?,
                        created_by: row.try_get("created_by")?,
                    })
                })
                .collect()
        })
    }

    /// Stores a file by its content hash after checking its size and that its bytes are of the
    /// declared type. Storing the same bytes again returns the same hash.
    pub fn put_blob(
        &self,
        bytes: &[u8],
        media_type: &str,
        max_size: u64,
    ) -> Result<ContentHash, StoreError> {
        let size = bytes.len() as u64;
        if size > max_size {
            return Err(StoreError::TooLarge {
                size,
                max: max_size,
            });
        }
        let media = MediaType::parse(media_type)?;
        media.check(bytes)?;
        let hash = ContentHash::of(bytes);
        self.runtime.block_on(async {
            sqlx::query(
                "INSERT INTO blobs (hash, media_type, size, content) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (hash) DO NOTHING",
            )
            .bind(hash.as_str())
            .bind(media.name())
            .bind(to_i64(size)?)
            .bind(bytes.to_vec())
            .execute(&self.pool)
            .await?;
            Ok::<_, StoreError>(())
        })?;
        Ok(hash)
    }

    /// A stored file, its hash recomputed.
    pub fn blob(&self, hash: &ContentHash) -> Result<Blob, StoreError> {
        self.runtime.block_on(async {
            let row = sqlx::query("SELECT media_type, content FROM blobs WHERE hash = $1")
                .bind(hash.as_str())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::UnknownBlob(hash.to_string()))?;
            let bytes: Vec<u8> = row.try_get("content")?;
            if ContentHash::of(&bytes) != *hash {
                return Err(StoreError::Corrupt(format!(
                    "содержимое файла «{hash}» не совпадает с его хешем"
                )));
            }
            let media_type = MediaType::parse(&row.try_get::<String, _>("media_type")?)?;
            Ok(Blob {
                hash: hash.clone(),
                media_type,
                bytes,
            })
        })
    }

    /// Writes a text record if its version is still `expected_version` (0: the record must not
    /// exist yet); returns the new version. A stale version is [`StoreError::VersionConflict`].
    pub fn put_text(
        &self,
        key: &str,
        expected_version: u64,
        text: &str,
        by: &Author,
        audit: &AuditInfo,
    ) -> Result<u64, StoreError> {
        self.runtime.block_on(async {
            let mut tx = begin_write(&self.pool).await?;
            let current = sqlx::query("SELECT version, text FROM texts WHERE key = $1")
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
            let (actual, old_text) = match &current {
                Some(row) => (
                    to_u64(row.try_get("version")?),
                    Some(row.try_get::<String, _>("text")?),
                ),
                None => (0, None),
            };
            if actual != expected_version {
                return Err(StoreError::VersionConflict {
                    key: key.to_string(),
                    expected: expected_version,
                    actual,
                });
            }
            let version = actual + 1;
            if current.is_some() {
                sqlx::query(
                    "UPDATE texts SET version = $1, text = $2, updated_at = $3, updated_by = $4 \
                     WHERE key = $5 AND version = $6",
                )
                .bind(to_i64(version)?)
                .bind(text)
                .bind(format_at(&by.at))
                .bind(&by.who)
                .bind(key)
                .bind(to_i64(actual)?)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "INSERT INTO texts (key, version, text, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(key)
                .bind(to_i64(version)?)
                .bind(text)
                .bind(format_at(&by.at))
                .bind(&by.who)
                .execute(&mut *tx)
                .await?;
            }
            let details =
                json!({"key": key, "version": version, "text": text, "previous": old_text});
            append_audit(
                &mut tx,
                NewAudit {
                    at: &by.at,
                    cycle_id: None,
                    event_seq: None,
                    who: &by.who,
                    what: TEXT_WHAT,
                    details: serde_json::to_string(&details)?,
                    audit,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(version)
        })
    }

    /// A text record, if it exists.
    pub fn text(&self, key: &str) -> Result<Option<Text>, StoreError> {
        self.runtime.block_on(async {
            let row = sqlx::query("SELECT * FROM texts WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|row| {
                Ok(Text {
                    key: row.try_get("key")?,
                    version: to_u64(row.try_get("version")?),
                    text: row.try_get("text")?,
                    updated_by: Author {
                        who: row.try_get("updated_by")?,
                        at: parse_at(&row.try_get::<String, _>("updated_at")?)?,
                    },
                })
            })
            .transpose()
        })
    }
}

fn redact(url: &str) -> String {
    // postgres://user:password@host/db → postgres://user:***@host/db
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}:***{}", &url[..scheme + 3 + colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Begins a writing transaction: its first statement updates the single head row, which takes
/// the write lock on SQLite and the row lock on PostgreSQL, so writers are serialised and every
/// read after it sees the last committed state.
pub(crate) async fn begin_write(
    pool: &AnyPool,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE store_head SET writes = writes + 1 WHERE id = 1")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Inserts a run and its audit row (inside a writing transaction).
async fn insert_run(
    tx: &mut AnyConnection,
    run: &RunRecord,
    audit: &AuditInfo,
) -> Result<RunId, StoreError> {
    let id = run.id();
    let results_hash = run.results_hash();
    let trace_hash = run.trace_hash();
    last_seq(tx, &run.cycle_id).await?;
    let number = to_i64(run.number)?;
    let taken = sqlx::query("SELECT id FROM runs WHERE cycle_id = $1 AND number = $2")
        .bind(&run.cycle_id)
        .bind(number)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(StoreError::RunExists {
            cycle: run.cycle_id.clone(),
            number: run.number,
        });
    }
    if let Some(previous) = &run.previous {
        let found = sqlx::query("SELECT id FROM runs WHERE id = $1")
            .bind(previous.0.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(StoreError::UnknownRun(previous.to_string()));
        }
    }
    let details = json!({
        "run": id.0.as_str(),
        "number": run.number,
        "edition": run.edition_id,
        "edition_hash": run.edition_hash,
        "data_hash": run.data_hash,
        "results_hash": results_hash.as_str(),
        "trace_hash": trace_hash.as_str(),
        "previous": run.previous.as_ref().map(|p| p.0.as_str()),
    });
    let audit_seq = append_audit(
        tx,
        NewAudit {
            at: &run.created_at,
            cycle_id: Some(&run.cycle_id),
            event_seq: None,
            who: &run.created_by,
            what: RUN_WHAT,
            details: serde_json::to_string(&details)?,
            audit,
        },
    )
    .await?;
    sqlx::query(
        "INSERT INTO runs (id, cycle_id, number, edition_id, edition_hash, data_hash, \
         results, results_hash, trace, trace_hash, previous, created_at, created_by, \
         audit_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(id.0.as_str())
    .bind(&run.cycle_id)
    .bind(number)
    .bind(&run.edition_id)
    .bind(&run.edition_hash)
    .bind(&run.data_hash)
    .bind(run.results.clone())
    .bind(results_hash.as_str())
    .bind(run.trace.clone())
    .bind(trace_hash.as_str())
    .bind(run.previous.as_ref().map(|p| p.0.as_str().to_string()))
    .bind(format_at(&run.created_at))
    .bind(&run.created_by)
    .bind(to_i64(audit_seq)?)
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

/// The cycle's last sequence number; an unknown cycle is an error.
async fn last_seq(conn: &mut AnyConnection, cycle_id: &str) -> Result<u64, StoreError> {
    let known = sqlx::query("SELECT id FROM cycles WHERE id = $1")
        .bind(cycle_id)
        .fetch_optional(&mut *conn)
        .await?;
    if known.is_none() {
        return Err(StoreError::UnknownCycle(cycle_id.to_string()));
    }
    let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) AS last FROM events WHERE cycle_id = $1")
        .bind(cycle_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(to_u64(row.try_get("last")?))
}

/// Who acted, as the audit log writes it.
fn actor_text(event: &Event) -> String {
    format!(
        "{}, {} ({})",
        event.actor.person,
        event.actor.organisation,
        event.actor.party.name_ru()
    )
}

async fn insert_event(
    conn: &mut AnyConnection,
    cycle_id: &str,
    event: &Event,
    audit: &AuditInfo,
) -> Result<(), StoreError> {
    let body = serde_json::to_string(event)?;
    let audit_seq = append_audit(
        conn,
        NewAudit {
            at: &event.at,
            cycle_id: Some(cycle_id),
            event_seq: Some(event.seq),
            who: &actor_text(event),
            what: event.what.name_ru(),
            details: body.clone(),
            audit,
        },
    )
    .await?;
    sqlx::query(
        "INSERT INTO events (cycle_id, seq, at, body, audit_seq) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(cycle_id)
    .bind(to_i64(event.seq)?)
    .bind(format_at(&event.at))
    .bind(body)
    .bind(to_i64(audit_seq)?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub(crate) struct NewAudit<'a> {
    pub at: &'a NaiveDateTime,
    pub cycle_id: Option<&'a str>,
    pub event_seq: Option<u64>,
    pub who: &'a str,
    pub what: &'a str,
    pub details: String,
    pub audit: &'a AuditInfo,
}

/// The hash of an audit row: its fields as stored, in a fixed order, and the previous hash.
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit_hash(
    seq: u64,
    at: &str,
    cycle_id: Option<&str>,
    event_seq: Option<u64>,
    who: &str,
    what: &str,
    details: &str,
    why: &str,
    before: Option<&str>,
    after: Option<&str>,
    prev_hash: &str,
) -> String {
    hash_fields(&[
        json!("audit/1"),
        json!(seq),
        json!(at),
        json!(cycle_id),
        json!(event_seq),
        json!(who),
        json!(what),
        json!(details),
        json!(why),
        json!(before),
        json!(after),
        json!(prev_hash),
    ])
    .to_string()
}

/// Appends a row to the audit log (inside a writing transaction) and moves the chain's head.
async fn append_audit(conn: &mut AnyConnection, new: NewAudit<'_>) -> Result<u64, StoreError> {
    let head = sqlx::query("SELECT audit_seq, audit_hash FROM store_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let seq = to_u64(head.try_get("audit_seq")?) + 1;
    let prev_hash: String = head.try_get("audit_hash")?;
    let at = format_at(new.at);
    let before = new.audit.before.as_ref().map(Value::to_string);
    let after = new.audit.after.as_ref().map(Value::to_string);
    let hash = audit_hash(
        seq,
        &at,
        new.cycle_id,
        new.event_seq,
        new.who,
        new.what,
        &new.details,
        &new.audit.why,
        before.as_deref(),
        after.as_deref(),
        &prev_hash,
    );
    sqlx::query(
        "INSERT INTO audit (seq, at, cycle_id, event_seq, who, what, details, why, \
         before_state, after_state, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(to_i64(seq)?)
    .bind(at)
    .bind(new.cycle_id.map(str::to_string))
    .bind(new.event_seq.map(to_i64).transpose()?)
    .bind(new.who)
    .bind(new.what)
    .bind(new.details)
    .bind(&new.audit.why)
    .bind(before)
    .bind(after)
    .bind(prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE store_head SET audit_seq = $1, audit_hash = $2 WHERE id = 1")
        .bind(to_i64(seq)?)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    Ok(seq)
}

pub(crate) fn decode_run(row: &sqlx::any::AnyRow) -> Result<StoredRun, StoreError> {
    let corrupt = |field: &str, value: &str| {
        StoreError::Corrupt(format!(
            "в записи расчёта поле {field} = «{value}» не является хешем"
        ))
    };
    let id: String = row.try_get("id")?;
    let results_hash: String = row.try_get("results_hash")?;
    let trace_hash: String = row.try_get("trace_hash")?;
    let previous: Option<String> = row.try_get("previous")?;
    let previous = previous
        .map(|p| p.parse::<RunId>().map_err(|_| corrupt("previous", &p)))
        .transpose()?;
    Ok(StoredRun {
        id: id.parse().map_err(|_| corrupt("id", &id))?,
        results_hash: results_hash
            .parse()
            .map_err(|_| corrupt("results_hash", &results_hash))?,
        trace_hash: trace_hash
            .parse()
            .map_err(|_| corrupt("trace_hash", &trace_hash))?,
        record: RunRecord {
            cycle_id: row.try_get("cycle_id")?,
            number: to_u64(row.try_get("number")?),
            edition_id: row.try_get("edition_id")?,
            edition_hash: row.try_get("edition_hash")?,
            data_hash: row.try_get("data_hash")?,
            results: row.try_get("results")?,
            trace: row.try_get("trace")?,
            previous,
            created_at: parse_at(&row.try_get::<String, _>("created_at")?)?,
            created_by: row.try_get("created_by")?,
        },
    })
}

/// Recomputes a stored run's hashes; the Russian description of the first mismatch.
pub(crate) fn check_run(run: &StoredRun) -> Result<(), String> {
    let number = run.record.number;
    let cycle = &run.record.cycle_id;
    if run.record.results_hash() != run.results_hash {
        return Err(format!(
            "результаты расчёта №{number} цикла «{cycle}» не совпадают с их хешем"
        ));
    }
    if run.record.trace_hash() != run.trace_hash {
        return Err(format!(
            "трассировка расчёта №{number} цикла «{cycle}» не совпадает с её хешем"
        ));
    }
    if run.record.id() != run.id {
        return Err(format!(
            "запись расчёта №{number} цикла «{cycle}» не совпадает с его идентификатором"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_have_the_same_migrations() {
        let versions = |m: &Migrator| {
            m.iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(versions(&SQLITE_MIGRATIONS), versions(&POSTGRES_MIGRATIONS));
        assert_eq!(schema_version(), 2);
    }

    #[test]
    fn the_default_data_dir_follows_the_environment() {
        // The only test of this binary that touches the environment.
        std::env::set_var("BAGALAU_DATA_DIR", "/srv/bagalau");
        std::env::set_var("XDG_DATA_HOME", "/home/u/.data");
        assert_eq!(default_data_dir(), Some(PathBuf::from("/srv/bagalau")));
        std::env::set_var("BAGALAU_DATA_DIR", "");
        assert_eq!(
            default_data_dir(),
            Some(PathBuf::from("/home/u/.data/bagalau"))
        );
        std::env::remove_var("BAGALAU_DATA_DIR");
        std::env::remove_var("XDG_DATA_HOME");
        std::env::set_var("HOME", "/home/u");
        assert_eq!(
            default_data_dir(),
            Some(PathBuf::from("/home/u/.local/share/bagalau"))
        );
    }

    #[test]
    fn passwords_are_redacted_from_messages() {
        assert_eq!(
            redact("postgres://bagalau:secret@localhost:5432/db"),
            "postgres://bagalau:***@localhost:5432/db"
        );
        assert_eq!(redact("/var/lib/bagalau"), "/var/lib/bagalau");
    }

    #[test]
    fn paths_are_percent_encoded_for_the_url() {
        assert_eq!(
            encode_path(Path::new("/tmp/a b/с?.db")),
            "/tmp/a%20b/%D1%81%3F.db"
        );
    }
}
