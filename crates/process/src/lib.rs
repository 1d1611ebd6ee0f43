//! The evaluation cycle as an application (issue 12, items 4–6 and 9): the cycle's state machine
//! (`bagalau-cycle`), the edition (`bagalau-methodology`), the data (`bagalau-data`), the engine,
//! the documents (`bagalau-report`) and the store tied together. The command line (`bagalau
//! cycle …`) and, later, the web application sit on this crate.
//!
//! Every mutation reads the cycle's events, replays them (every event checked again), applies the
//! new action and makes **one** store append, optimistic on the last sequence number, with the
//! audit information (who, why, a summary before and after). Files (data snapshots, documents,
//! evidence) are stored by content hash after the action has been checked and before the event
//! that names them — a crash in between leaves an unreferenced file, never an event naming
//! something absent; a run and the event recording it are one transaction (both or neither).

mod backend;
mod bundle;
mod demo;
mod process;
pub mod sources;
pub mod store;

pub use backend::{Audit, Backend, MemoryBackend, StoredFile};
pub use bundle::Bundle;
pub use demo::{demo, DemoSummary, DEMO_EDITION};
pub use process::{
    CreateCycle, EvidenceFile, Imported, Issued, NewObjection, Process, Source, Status, Submitted,
    VerifyReport,
};

use std::path::PathBuf;

/// Why a process operation failed. Messages are in Russian: they reach users.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error(transparent)]
    Cycle(#[from] bagalau_cycle::CycleError),
    #[error(transparent)]
    Run(#[from] bagalau_cycle::RunError),
    #[error("хранилище: {0}")]
    Store(String),
    #[error("цикл «{0}» не найден")]
    UnknownCycle(String),
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("редакция «{id}»: {message}")]
    Edition { id: String, message: String },
    #[error("данные: {0}")]
    Data(String),
    #[error("расчёт: {0}")]
    Eval(String),
    #[error("документ: {0}")]
    Report(String),
    #[error("{0}")]
    Invalid(String),
    /// A reporting form refused: every bad cell named, nothing stored.
    #[error("{0}")]
    Form(String),
    #[error("первичные записи: {0}")]
    Raw(String),
    #[error("хранилище повреждено: {0}")]
    Corrupt(String),
}
