//! The process's [`Backend`] on `bagalau-store` (SQLite or PostgreSQL).

use std::str::FromStr;

use bagalau_cycle::{content_hash, Event, Run, RunResults};
use bagalau_store::{AuditInfo, ContentHash, RunRecord, Store, StoredRun};
use chrono::NaiveDateTime;
use serde_json::json;

use crate::backend::{Audit, Backend};
use crate::ProcessError;

fn err(e: bagalau_store::StoreError) -> ProcessError {
    ProcessError::Store(e.to_string())
}

fn audit(a: &Audit) -> AuditInfo {
    AuditInfo::new(&a.why)
        .before(json!(a.before))
        .after(json!(a.after))
}

fn hash(h: &str) -> Result<ContentHash, ProcessError> {
    ContentHash::from_str(h).map_err(err)
}

/// Opens (creating and migrating on first use) the store at `url`.
pub fn open(url: &str) -> Result<Box<dyn Backend>, ProcessError> {
    Ok(Box::new(StoreBackend(Store::open(url).map_err(err)?)))
}

/// A [`Backend`] on a `bagalau-store` [`Store`].
pub struct StoreBackend(pub Store);

/// The process's run from a stored record (results and trace are the run's canonical JSON).
fn to_run(s: &StoredRun) -> Result<Run, ProcessError> {
    let r = &s.record;
    let results: RunResults = serde_json::from_slice(&r.results)
        .map_err(|e| ProcessError::Corrupt(format!("результаты расчёта {}: {e}", s.id)))?;
    let trace = serde_json::from_slice(&r.trace)
        .map_err(|e| ProcessError::Corrupt(format!("трассировка расчёта {}: {e}", s.id)))?;
    let run = Run {
        edition: r.edition_id.clone(),
        edition_hash: r.edition_hash.clone(),
        data_hash: r.data_hash.clone(),
        results,
        results_hash: content_hash(&r.results),
        trace,
        trace_hash: content_hash(&r.trace),
    };
    run.verify()?;
    Ok(run)
}

impl Backend for StoreBackend {
    fn create_cycle(&self, cycle: &str, first: &Event, a: &Audit) -> Result<(), ProcessError> {
        self.0.create_cycle(cycle, first, &audit(a)).map_err(err)
    }

    fn cycles(&self) -> Result<Vec<String>, ProcessError> {
        Ok(self
            .0
            .cycles()
            .map_err(err)?
            .into_iter()
            .map(|c| c.id)
            .collect())
    }

    fn events(&self, cycle: &str) -> Result<Vec<Event>, ProcessError> {
        self.0.events(cycle).map_err(|e| match e {
            bagalau_store::StoreError::UnknownCycle(c) => ProcessError::UnknownCycle(c),
            e => err(e),
        })
    }

    fn append(
        &self,
        cycle: &str,
        expected_last: u64,
        event: &Event,
        a: &Audit,
    ) -> Result<(), ProcessError> {
        self.0
            .append(cycle, expected_last, event, &audit(a))
            .map(|_| ())
            .map_err(err)
    }

    fn put_blob(
        &self,
        bytes: &[u8],
        media_type: &str,
        max_size: u64,
    ) -> Result<String, ProcessError> {
        Ok(self
            .0
            .put_blob(bytes, media_type, max_size)
            .map_err(err)?
            .as_str()
            .to_string())
    }

    fn blob(&self, h: &str) -> Result<Vec<u8>, ProcessError> {
        Ok(self.0.blob(&hash(h)?).map_err(err)?.bytes)
    }

    fn append_with_run(
        &self,
        cycle: &str,
        expected_last: u64,
        event: &Event,
        a: &Audit,
        run: &Run,
        at: NaiveDateTime,
        by: &str,
    ) -> Result<(), ProcessError> {
        let stored = self.0.run_summaries(cycle).map_err(err)?;
        let record = RunRecord {
            cycle_id: cycle.to_string(),
            number: stored.len() as u64 + 1,
            edition_id: run.edition.clone(),
            edition_hash: run.edition_hash.clone(),
            data_hash: run.data_hash.clone(),
            results: serde_json::to_vec(&run.results).unwrap_or_default(),
            trace: serde_json::to_vec(&run.trace).unwrap_or_default(),
            previous: stored.last().map(|s| s.id.clone()),
            created_at: at,
            created_by: by.to_string(),
        };
        self.0
            .append_with_run(
                expected_last,
                event,
                &audit(a),
                &record,
                &AuditInfo::new(&format!("расчёт {}", run.id())),
            )
            .map(|_| ())
            .map_err(err)
    }

    fn run(&self, cycle: &str, id: &str) -> Result<Run, ProcessError> {
        for s in &self.0.runs(cycle).map_err(err)? {
            let run = to_run(s)?;
            if run.id() == id {
                return Ok(run);
            }
        }
        Err(ProcessError::Store(format!("расчёт «{id}» не найден")))
    }

    fn verify(&self) -> Result<Option<String>, ProcessError> {
        let r = self.0.verify().map_err(err)?;
        Ok(r.broken.map(|b| b.to_string()))
    }
}
