//! [`Store::verify`]: the audit chain recomputed, every event matched with its audit row, every
//! run's and blob's hashes recomputed; the first broken entry named.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use sqlx::Row;

use crate::hash::{ContentHash, GENESIS};
use crate::runs::{check_run, decode_run};
use crate::store::{audit_hash, to_u64, RUN_WHAT, TEXT_WHAT};
use crate::{Engine, Store, StoreError};

/// The first entry that fails verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The table: `audit`, `cycles`, `events`, `runs`, `texts` or `blobs`.
    pub table: &'static str,
    pub cycle: Option<String>,
    /// The entry's number: the audit row's or the event's sequence number, the run's number.
    pub seq: Option<u64>,
    /// A blob's hash, where the entry is a blob.
    pub key: Option<String>,
    /// What is wrong, in Russian.
    pub reason: String,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let table = match self.table {
            "audit" => "журнал аудита",
            "events" => "события цикла",
            "runs" => "расчёты",
            "blobs" => "файлы",
            "cycles" => "циклы",
            "texts" => "тексты",
            other => other,
        };
        write!(f, "нарушена запись: {table}")?;
        if let Some(cycle) = &self.cycle {
            write!(f, ", цикл «{cycle}»")?;
        }
        if let Some(seq) = self.seq {
            write!(f, ", №{seq}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ", {key}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What [`Store::verify`] checked and the first broken entry, if any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    pub audit_rows: u64,
    pub events: u64,
    pub runs: u64,
    pub blobs: u64,
    pub broken: Option<Broken>,
}

impl VerifyReport {
    pub fn is_ok(&self) -> bool {
        self.broken.is_none()
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.broken {
            None => write!(
                f,
                "хранилище цело: записей журнала {}, событий {}, расчётов {}, файлов {}",
                self.audit_rows, self.events, self.runs, self.blobs
            ),
            Some(broken) => write!(f, "{broken}"),
        }
    }
}

struct AuditRow {
    cycle_id: Option<String>,
    event_seq: Option<u64>,
    what: String,
    details: String,
}

fn broken(table: &'static str, cycle: Option<String>, seq: Option<u64>, reason: String) -> Broken {
    Broken {
        table,
        cycle,
        seq,
        key: None,
        reason,
    }
}

impl Store {
    /// Recomputes the audit chain (each row's hash and its link to the previous one, the head),
    /// matches every event with its audit row, recomputes every run's and blob's hashes. A
    /// broken entry is reported, not returned as an error: errors are for a store that cannot
    /// be read at all.
    pub fn verify(&self) -> Result<VerifyReport, StoreError> {
        // One snapshot for all the checks: rows appended while it reads would otherwise look
        // like a chain cut short or an event without its audit row.
        let begin = match self.engine() {
            Engine::Sqlite => "BEGIN",
            Engine::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        };
        self.runtime.block_on(async {
            let mut conn = self.pool.acquire().await?;
            let mut tx = sqlx::Connection::begin_with(&mut *conn, begin).await?;
            let report = verify_on(&mut tx).await;
            tx.rollback().await?;
            report
        })
    }
}

/// [`Store::verify`] on one connection (or inside a transaction: restore verifies before it
/// commits).
pub(crate) async fn verify_on(conn: &mut sqlx::AnyConnection) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport::default();
    let audit = match check_audit(conn, &mut report).await? {
        Ok(audit) => audit,
        Err(b) => {
            report.broken = Some(b);
            return Ok(report);
        }
    };
    for check in [check_cycles, check_events, check_runs, check_texts] {
        if let Err(b) = check(conn, &audit, &mut report).await? {
            report.broken = Some(b);
            return Ok(report);
        }
    }
    if let Err(b) = check_blobs(conn, &mut report).await? {
        report.broken = Some(b);
    }
    Ok(report)
}

type Checked<T> = Result<Result<T, Broken>, StoreError>;

/// An audit row's fields as stored.
struct StoredAudit {
    seq: u64,
    at: String,
    cycle_id: Option<String>,
    event_seq: Option<u64>,
    who: String,
    what: String,
    details: String,
    why: String,
    before: Option<String>,
    after: Option<String>,
    prev_hash: String,
    hash: String,
}

impl StoredAudit {
    fn read(row: &sqlx::any::AnyRow) -> Result<StoredAudit, sqlx::Error> {
        Ok(StoredAudit {
            seq: to_u64(row.try_get("seq")?),
            at: row.try_get("at")?,
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
    }
}

async fn check_audit(
    conn: &mut sqlx::AnyConnection,
    report: &mut VerifyReport,
) -> Checked<BTreeMap<u64, AuditRow>> {
    let rows = sqlx::query("SELECT * FROM audit ORDER BY seq")
        .fetch_all(&mut *conn)
        .await?;
    let mut audit = BTreeMap::new();
    let mut prev = GENESIS.to_string();
    let mut expected = 1u64;
    for row in &rows {
        // A field of the wrong type (SQLite lets one be written directly) is a broken row.
        let Ok(stored) = StoredAudit::read(row) else {
            return Ok(Err(broken(
                "audit",
                None,
                Some(expected),
                "запись не читается: поле неверного типа".into(),
            )));
        };
        let StoredAudit {
            seq,
            at,
            cycle_id,
            event_seq,
            who,
            what,
            details,
            why,
            before,
            after,
            prev_hash,
            hash,
        } = stored;
        if seq != expected {
            return Ok(Err(broken(
                "audit",
                None,
                Some(expected),
                format!(
                    "запись отсутствует (удалена): за №{} следует №{seq}",
                    expected - 1
                ),
            )));
        }
        if prev_hash != prev {
            return Ok(Err(broken(
                "audit",
                cycle_id,
                Some(seq),
                format!(
                    "ссылка на предыдущую запись не совпадает с её хешем: запись №{} изменена \
                     или удалена",
                    seq - 1
                ),
            )));
        }
        let recomputed = audit_hash(
            seq,
            &at,
            cycle_id.as_deref(),
            event_seq,
            &who,
            &what,
            &details,
            &why,
            before.as_deref(),
            after.as_deref(),
            &prev_hash,
        );
        if recomputed != hash {
            return Ok(Err(broken(
                "audit",
                cycle_id,
                Some(seq),
                "содержимое записи изменено: её хеш не совпадает с сохранённым".into(),
            )));
        }
        prev = hash;
        expected += 1;
        audit.insert(
            seq,
            AuditRow {
                cycle_id,
                event_seq,
                what,
                details,
            },
        );
    }
    report.audit_rows = expected - 1;
    let head = sqlx::query("SELECT audit_seq, audit_hash FROM store_head WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let head_seq = to_u64(head.try_get("audit_seq")?);
    let head_hash: String = head.try_get("audit_hash")?;
    if head_seq != expected - 1 || head_hash != prev {
        return Ok(Err(broken(
            "audit",
            None,
            Some(expected),
            format!(
                "журнал обрывается на записи №{}, а последней записана №{head_seq}: \
                 последние записи удалены",
                expected - 1
            ),
        )));
    }
    Ok(Ok(audit))
}

fn check_events<'a>(
    conn: &'a mut sqlx::AnyConnection,
    audit: &'a BTreeMap<u64, AuditRow>,
    report: &'a mut VerifyReport,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Checked<()>> + 'a>> {
    Box::pin(async move {
        let rows =
            sqlx::query("SELECT cycle_id, seq, body, audit_seq FROM events ORDER BY cycle_id, seq")
                .fetch_all(&mut *conn)
                .await?;
        let mut seen = BTreeSet::new();
        let mut last: Option<(String, u64)> = None;
        for row in &rows {
            let cycle: String = row.try_get("cycle_id")?;
            let seq = to_u64(row.try_get("seq")?);
            let (Ok(body), Ok(audit_seq)) = (
                row.try_get::<String, _>("body"),
                row.try_get::<i64, _>("audit_seq").map(to_u64),
            ) else {
                return Ok(Err(broken(
                    "events",
                    Some(cycle),
                    Some(seq),
                    "событие не читается: поле неверного типа".into(),
                )));
            };
            let fail = |reason: String| {
                Ok(Err(broken(
                    "events",
                    Some(cycle.clone()),
                    Some(seq),
                    reason,
                )))
            };
            let expected = match &last {
                Some((c, s)) if *c == cycle => s + 1,
                _ => 1,
            };
            if seq != expected {
                return fail(format!("событие №{expected} отсутствует (удалено)"));
            }
            let matches = audit.get(&audit_seq).is_some_and(|a| {
                a.cycle_id.as_deref() == Some(cycle.as_str())
                    && a.event_seq == Some(seq)
                    && a.details == body
            });
            if !matches {
                return fail(format!(
                    "событие не совпадает с записью №{audit_seq} журнала аудита: изменено"
                ));
            }
            match serde_json::from_str::<bagalau_cycle::Event>(&body) {
                Ok(event) if event.seq == seq => {}
                _ => return fail("событие не читается".into()),
            }
            seen.insert((cycle.clone(), seq));
            last = Some((cycle, seq));
        }
        report.events = rows.len() as u64;
        for (audit_seq, row) in audit {
            if let (Some(cycle), Some(seq)) = (&row.cycle_id, row.event_seq) {
                if !seen.contains(&(cycle.clone(), seq)) {
                    return Ok(Err(broken(
                        "events",
                        Some(cycle.clone()),
                        Some(seq),
                        format!("событие записано в журнал аудита (№{audit_seq}), но отсутствует"),
                    )));
                }
            }
        }
        Ok(Ok(()))
    })
}

fn check_runs<'a>(
    conn: &'a mut sqlx::AnyConnection,
    audit: &'a BTreeMap<u64, AuditRow>,
    report: &'a mut VerifyReport,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Checked<()>> + 'a>> {
    Box::pin(async move {
        // One run at a time: their results are not all held in memory.
        let keys = sqlx::query("SELECT id FROM runs ORDER BY cycle_id, number")
            .fetch_all(&mut *conn)
            .await?;
        let mut ids = BTreeSet::new();
        for key in &keys {
            let row = sqlx::query("SELECT * FROM runs WHERE id = $1")
                .bind(key.try_get::<String, _>("id")?)
                .fetch_one(&mut *conn)
                .await?;
            let row = &row;
            let cycle: String = row.try_get("cycle_id")?;
            let number = to_u64(row.try_get("number")?);
            let Ok(audit_seq) = row.try_get::<i64, _>("audit_seq").map(to_u64) else {
                return Ok(Err(broken(
                    "runs",
                    Some(cycle),
                    Some(number),
                    "расчёт не читается: поле неверного типа".into(),
                )));
            };
            let fail = |reason: String| {
                Ok(Err(broken(
                    "runs",
                    Some(cycle.clone()),
                    Some(number),
                    reason,
                )))
            };
            let run = match decode_run(row) {
                Ok(run) => run,
                Err(e) => return fail(e.to_string()),
            };
            if let Err(reason) = check_run(&run) {
                return fail(reason);
            }
            let recorded = audit.get(&audit_seq).is_some_and(|a| {
                a.what == RUN_WHAT
                    && run_in_details(&a.details).as_deref() == Some(run.id.0.as_str())
            });
            if !recorded {
                return fail(format!(
                    "расчёт не совпадает с записью №{audit_seq} журнала аудита"
                ));
            }
            ids.insert(run.id.0.as_str().to_string());
        }
        report.runs = keys.len() as u64;
        for (audit_seq, row) in audit {
            if row.what == RUN_WHAT {
                let id = run_in_details(&row.details).unwrap_or_default();
                if !ids.contains(&id) {
                    return Ok(Err(broken(
                        "runs",
                        row.cycle_id.clone(),
                        None,
                        format!(
                            "расчёт {id} записан в журнал аудита (№{audit_seq}), но отсутствует"
                        ),
                    )));
                }
            }
        }
        Ok(Ok(()))
    })
}

/// Every cycle begins with event 1, created at its time.
fn check_cycles<'a>(
    conn: &'a mut sqlx::AnyConnection,
    _audit: &'a BTreeMap<u64, AuditRow>,
    _report: &'a mut VerifyReport,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Checked<()>> + 'a>> {
    Box::pin(async move {
        let rows = sqlx::query(
            "SELECT c.id AS id, c.created_at AS created_at, e.at AS first_at FROM cycles c \
             LEFT JOIN events e ON e.cycle_id = c.id AND e.seq = 1 ORDER BY c.id",
        )
        .fetch_all(&mut *conn)
        .await?;
        for row in &rows {
            let id: String = row.try_get("id")?;
            let created_at: String = row.try_get("created_at")?;
            let first_at: Option<String> = row.try_get("first_at")?;
            if first_at.as_deref() != Some(created_at.as_str()) {
                return Ok(Err(broken(
                    "cycles",
                    Some(id),
                    Some(1),
                    "у цикла нет первого события или время его создания изменено".into(),
                )));
            }
        }
        Ok(Ok(()))
    })
}

/// Every text is as its last change in the audit log left it.
fn check_texts<'a>(
    conn: &'a mut sqlx::AnyConnection,
    audit: &'a BTreeMap<u64, AuditRow>,
    _report: &'a mut VerifyReport,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Checked<()>> + 'a>> {
    Box::pin(async move {
        let mut logged: BTreeMap<String, (u64, String)> = BTreeMap::new();
        for row in audit.values().filter(|a| a.what == TEXT_WHAT) {
            let value: serde_json::Value = serde_json::from_str(&row.details).unwrap_or_default();
            if let (Some(key), Some(version), Some(text)) = (
                value["key"].as_str(),
                value["version"].as_u64(),
                value["text"].as_str(),
            ) {
                logged.insert(key.to_string(), (version, text.to_string()));
            }
        }
        let rows = sqlx::query("SELECT key, version, text FROM texts ORDER BY key")
            .fetch_all(&mut *conn)
            .await?;
        let mut seen = BTreeSet::new();
        for row in &rows {
            let key: String = row.try_get("key")?;
            let version = row.try_get::<i64, _>("version").map(to_u64).unwrap_or(0);
            let text: Option<String> = row.try_get("text").ok();
            if text.is_none() || logged.get(&key) != Some(&(version, text.unwrap_or_default())) {
                return Ok(Err(Broken {
                    table: "texts",
                    cycle: None,
                    seq: Some(version),
                    key: Some(key),
                    reason: "текст не совпадает с последним изменением в журнале аудита".into(),
                }));
            }
            seen.insert(key);
        }
        if let Some(key) = logged.keys().find(|k| !seen.contains(*k)) {
            return Ok(Err(Broken {
                table: "texts",
                cycle: None,
                seq: None,
                key: Some(key.clone()),
                reason: "текст записан в журнал аудита, но отсутствует".into(),
            }));
        }
        Ok(Ok(()))
    })
}

fn run_in_details(details: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(details).ok()?;
    value.get("run")?.as_str().map(str::to_string)
}

async fn check_blobs(conn: &mut sqlx::AnyConnection, report: &mut VerifyReport) -> Checked<()> {
    let keys = sqlx::query("SELECT hash FROM blobs ORDER BY hash")
        .fetch_all(&mut *conn)
        .await?;
    for key in &keys {
        let hash: String = key.try_get("hash")?;
        let row = sqlx::query("SELECT size, content FROM blobs WHERE hash = $1")
            .bind(&hash)
            .fetch_one(&mut *conn)
            .await?;
        let size = to_u64(row.try_get("size")?);
        // A value of another type written directly (SQLite allows it) is a broken entry too.
        let content: Vec<u8> = row.try_get("content").unwrap_or_default();
        if ContentHash::of(&content).as_str() != hash || content.len() as u64 != size {
            return Ok(Err(Broken {
                table: "blobs",
                cycle: None,
                seq: None,
                key: Some(hash),
                reason: "содержимое файла не совпадает с его хешем".into(),
            }));
        }
    }
    report.blobs = keys.len() as u64;
    Ok(Ok(()))
}
