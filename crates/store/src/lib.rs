//! The store of evaluation cycles (issue 12, items 7 and 8): SQLite as the embedded default (a
//! file in a data directory, created and migrated on first use) or PostgreSQL, through `sqlx`
//! with migrations for both engines.
//!
//! What it keeps:
//! - each cycle's events (the cycle crate's [`bagalau_cycle::Event`]s, as JSON), appended with
//!   optimistic concurrency: [`Store::append`] names the last sequence number the caller saw, and
//!   a writer who saw an older one gets [`StoreError::Conflict`], never a lost update;
//! - the audit log: one row per action (who, when, what — the action's Russian name and its
//!   JSON —, why, before/after), each row's SHA-256 over a canonical serialisation of its fields
//!   and the previous row's hash;
//! - runs: immutable computations (edition, data snapshot, results, trace) identified by the hash
//!   of their record ([`Store::append_with_run`] stores a run with the event recording it, in one
//!   transaction);
//! - blobs: files stored by content hash, size- and type-checked;
//! - texts: small mutable records with optimistic versions.
//!
//! A plain path or `sqlite://PATH` opens SQLite (a directory holds [`SQLITE_FILE`];
//! [`default_data_dir`] is where the command line keeps it by default), `postgres://…` opens
//! PostgreSQL; either is created and migrated on first use.
//!
//! Every change is one transaction that first updates the single `store_head` row: writers are
//! serialised on both engines, and the head holds the tip of the audit chain. The database
//! itself refuses UPDATE and DELETE on events, audit, runs and blobs (triggers).
//! [`Store::verify`] recomputes the chain and every run's and blob's hashes and names the first
//! broken entry; [`Store::backup`] / [`Store::restore`] write and read one archive file.
//!
//! The interface is blocking: the store owns a current-thread tokio runtime.
//!
//! **Architecture Invariant**: the store never interprets a cycle's events — the cycle crate
//! decides what is allowed; the store keeps what it was given, in order, and proves it unchanged.

mod archive;
mod blobs;
mod error;
mod hash;
mod media;
mod runs;
mod store;
mod texts;
mod verify;

pub use blobs::Blob;
pub use error::StoreError;
pub use hash::ContentHash;
pub use media::MediaType;
pub use runs::{RunId, RunRecord, RunSummary, StoredRun};
pub use store::{default_data_dir, SQLITE_FILE};
pub use store::{Act, AuditEntry, AuditInfo, Author, CycleSummary, Engine, Store};
pub use texts::Text;
pub use verify::{Broken, VerifyReport};
