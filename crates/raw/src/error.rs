//! File-level errors of the raw readers and writers (record-level problems are
//! [`crate::validate::Reason`]s, counted, not errors).

/// Why a raw file cannot be read or written at all. Messages are in Russian.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RawError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("{file}: нет столбца «{column}» (схема: docs/raw-records.md)")]
    MissingColumn { file: String, column: String },
    #[error("{file}: столбец «{column}» повторяется")]
    DuplicateColumn { file: String, column: String },
    #[error("{file}: столбец «{column}» имеет тип {found}, ожидается {expected}")]
    ColumnType {
        file: String,
        column: String,
        found: String,
        expected: String,
    },
    #[error("{file}: не читается как Parquet: {message}")]
    Parquet { file: String, message: String },
    #[error("{file}: не читается как CSV: {message}")]
    Csv { file: String, message: String },
    #[error("{file}: {message}")]
    Arrow { file: String, message: String },
    #[error("генератор: {0}")]
    Generate(String),
}
