//! Runs: immutable computations — an edition (id and content hash), a data snapshot (hash), the
//! results and the trace — identified by the hash of their record.

use std::str::FromStr;

use bagalau_cycle::Event;
use chrono::NaiveDateTime;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::hash::{hash_fields, ContentHash};
use crate::store::{
    append_audit, begin_write, format_at, insert_event, last_seq, parse_at, to_i64, to_u64,
    AuditInfo, NewAudit, RUN_WHAT,
};
use crate::{Store, StoreError};

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

impl Store {
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
