//! Raw records from the state information systems (issue 13, item 2): service deliveries
//! (IS «Мониторинг» and the bodies' own reports), appeals (the unified register of appeals) and
//! documented failure periods.
//!
//! [`schema`] is the published schema (`docs/raw-records.md` is generated from it);
//! [`validate`] applies the record rules to whole Arrow batches; [`read`] reads Parquet and CSV,
//! keeping sound records and counting the others by reason; [`write`] writes Parquet and CSV;
//! [`generate`] makes deterministic synthetic records (seed 004's national figures, or exact
//! per-body targets such as an example dataset's inputs).
//!
//! **API Boundary**: this crate knows Arrow and Parquet but not DataFusion, the editions or the
//! engine; the aggregation (`bagalau-aggregate`) turns these records into an edition's inputs.

pub mod days;
pub mod error;
pub mod generate;
pub mod pages;
pub mod read;
pub mod schema;
pub mod validate;
pub mod write;

pub use error::RawError;
pub use read::{
    read_csv, read_folder, read_parquet, read_parquet_bytes, Loaded, RawFolder, Rejections,
};
pub use schema::Table;
pub use validate::Reason;
