//! The [`Store`]: opening, cycles and their events, the audit log and its chain (runs, blobs and
//! texts are in their own modules).

use std::path::{Path, PathBuf};

use bagalau_cycle::Event;
use chrono::NaiveDateTime;
use serde_json::{json, Value};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::AnyConnection;
use sqlx::{AnyPool, Executor, Row};

use crate::hash::hash_fields;
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

/// The cycle's last sequence number; an unknown cycle is an error.
pub(crate) async fn last_seq(conn: &mut AnyConnection, cycle_id: &str) -> Result<u64, StoreError> {
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

pub(crate) async fn insert_event(
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
pub(crate) async fn append_audit(
    conn: &mut AnyConnection,
    new: NewAudit<'_>,
) -> Result<u64, StoreError> {
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
