//! What the process needs from a store. The real one is `bagalau-store` (SQLite or PostgreSQL,
//! [`crate::store`]); [`MemoryBackend`] keeps everything in memory for tests of the process logic.

use std::cell::RefCell;
use std::collections::BTreeMap;

use bagalau_cycle::{content_hash, Event, Run};
use chrono::NaiveDateTime;

use crate::ProcessError;

/// Why an action was taken and what it changed, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    pub why: String,
    pub before: String,
    pub after: String,
}

/// A stored file: its content hash, declared type and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub hash: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// The store as the process uses it. Every mutation of a cycle is one [`Backend::append`]
/// (optimistic: `expected_last` is the last sequence number the caller saw).
pub trait Backend {
    /// Creates a cycle with its first event (its creation).
    fn create_cycle(&self, cycle: &str, first: &Event, audit: &Audit) -> Result<(), ProcessError>;
    fn cycles(&self) -> Result<Vec<String>, ProcessError>;
    fn events(&self, cycle: &str) -> Result<Vec<Event>, ProcessError>;
    fn append(
        &self,
        cycle: &str,
        expected_last: u64,
        event: &Event,
        audit: &Audit,
    ) -> Result<(), ProcessError>;
    /// Stores a file by content; returns its hash (`sha256:…`). Size and type are checked.
    fn put_blob(
        &self,
        bytes: &[u8],
        media_type: &str,
        max_size: u64,
    ) -> Result<String, ProcessError>;
    fn blob(&self, hash: &str) -> Result<Vec<u8>, ProcessError>;
    /// Appends `event` (the one recording `run`) and stores the run in one transaction: both or
    /// neither.
    #[allow(clippy::too_many_arguments)]
    fn append_with_run(
        &self,
        cycle: &str,
        expected_last: u64,
        event: &Event,
        audit: &Audit,
        run: &Run,
        at: NaiveDateTime,
        by: &str,
    ) -> Result<(), ProcessError>;
    fn run(&self, cycle: &str, id: &str) -> Result<Run, ProcessError>;
    /// Checks the store's own integrity (audit chain, hashes); the first problem, if any.
    fn verify(&self) -> Result<Option<String>, ProcessError>;
}

/// An in-memory store for tests.
#[derive(Default)]
pub struct MemoryBackend {
    cycles: RefCell<BTreeMap<String, Vec<Event>>>,
    blobs: RefCell<BTreeMap<String, Vec<u8>>>,
    runs: RefCell<BTreeMap<String, Vec<u8>>>,
    pub audits: RefCell<Vec<Audit>>,
}

impl MemoryBackend {
    /// The number of files stored.
    pub fn blob_count(&self) -> usize {
        self.blobs.borrow().len()
    }
}

impl Backend for MemoryBackend {
    fn create_cycle(&self, cycle: &str, first: &Event, audit: &Audit) -> Result<(), ProcessError> {
        let mut c = self.cycles.borrow_mut();
        if c.contains_key(cycle) {
            return Err(ProcessError::Store(format!(
                "цикл «{cycle}» уже существует"
            )));
        }
        c.insert(cycle.to_string(), vec![first.clone()]);
        self.audits.borrow_mut().push(audit.clone());
        Ok(())
    }
    fn cycles(&self) -> Result<Vec<String>, ProcessError> {
        Ok(self.cycles.borrow().keys().cloned().collect())
    }
    fn events(&self, cycle: &str) -> Result<Vec<Event>, ProcessError> {
        self.cycles
            .borrow()
            .get(cycle)
            .cloned()
            .ok_or_else(|| ProcessError::UnknownCycle(cycle.to_string()))
    }
    fn append(
        &self,
        cycle: &str,
        expected_last: u64,
        event: &Event,
        audit: &Audit,
    ) -> Result<(), ProcessError> {
        let mut c = self.cycles.borrow_mut();
        let list = c
            .get_mut(cycle)
            .ok_or_else(|| ProcessError::UnknownCycle(cycle.to_string()))?;
        if list.len() as u64 != expected_last {
            return Err(ProcessError::Store(format!(
                "цикл «{cycle}» изменён другим пользователем: ожидалось последнее событие №{expected_last}, в хранилище уже №{}",
                list.len()
            )));
        }
        list.push(event.clone());
        self.audits.borrow_mut().push(audit.clone());
        Ok(())
    }
    fn put_blob(
        &self,
        bytes: &[u8],
        _media_type: &str,
        max_size: u64,
    ) -> Result<String, ProcessError> {
        if bytes.len() as u64 > max_size {
            return Err(ProcessError::Store(format!(
                "файл слишком велик: {} байт при допустимых {max_size}",
                bytes.len()
            )));
        }
        let h = content_hash(bytes);
        self.blobs.borrow_mut().insert(h.clone(), bytes.to_vec());
        Ok(h)
    }
    fn blob(&self, hash: &str) -> Result<Vec<u8>, ProcessError> {
        self.blobs
            .borrow()
            .get(hash)
            .cloned()
            .ok_or_else(|| ProcessError::Store(format!("файл «{hash}» не найден в хранилище")))
    }
    fn append_with_run(
        &self,
        cycle: &str,
        expected_last: u64,
        event: &Event,
        audit: &Audit,
        run: &Run,
        _at: NaiveDateTime,
        _by: &str,
    ) -> Result<(), ProcessError> {
        self.append(cycle, expected_last, event, audit)?;
        self.runs.borrow_mut().insert(run.id(), run.canonical());
        Ok(())
    }
    fn run(&self, _cycle: &str, id: &str) -> Result<Run, ProcessError> {
        let bytes = self
            .runs
            .borrow()
            .get(id)
            .cloned()
            .ok_or_else(|| ProcessError::Store(format!("расчёт «{id}» не найден")))?;
        Ok(Run::from_canonical(&bytes)?)
    }
    fn verify(&self) -> Result<Option<String>, ProcessError> {
        Ok(None)
    }
}

impl<T: Backend + ?Sized> Backend for Box<T> {
    fn create_cycle(&self, cycle: &str, first: &Event, audit: &Audit) -> Result<(), ProcessError> {
        (**self).create_cycle(cycle, first, audit)
    }
    fn cycles(&self) -> Result<Vec<String>, ProcessError> {
        (**self).cycles()
    }
    fn events(&self, cycle: &str) -> Result<Vec<Event>, ProcessError> {
        (**self).events(cycle)
    }
    fn append(
        &self,
        cycle: &str,
        expected_last: u64,
        event: &Event,
        audit: &Audit,
    ) -> Result<(), ProcessError> {
        (**self).append(cycle, expected_last, event, audit)
    }
    fn put_blob(
        &self,
        bytes: &[u8],
        media_type: &str,
        max_size: u64,
    ) -> Result<String, ProcessError> {
        (**self).put_blob(bytes, media_type, max_size)
    }
    fn blob(&self, hash: &str) -> Result<Vec<u8>, ProcessError> {
        (**self).blob(hash)
    }
    fn append_with_run(
        &self,
        cycle: &str,
        expected_last: u64,
        event: &Event,
        audit: &Audit,
        run: &Run,
        at: NaiveDateTime,
        by: &str,
    ) -> Result<(), ProcessError> {
        (**self).append_with_run(cycle, expected_last, event, audit, run, at, by)
    }
    fn run(&self, cycle: &str, id: &str) -> Result<Run, ProcessError> {
        (**self).run(cycle, id)
    }
    fn verify(&self) -> Result<Option<String>, ProcessError> {
        (**self).verify()
    }
}
