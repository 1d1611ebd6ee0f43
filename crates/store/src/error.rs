//! The store's errors. Messages are in Russian: they reach the user through the command line.

use std::path::PathBuf;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("не удалось открыть хранилище «{url}»: {reason}")]
    Open { url: String, reason: String },
    #[error("ошибка базы данных: {0}")]
    Database(#[from] sqlx::Error),
    #[error("не удалось обновить схему базы данных: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("ошибка ввода-вывода ({path}): {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Another writer appended to the cycle since the caller read it: nothing was written.
    #[error(
        "цикл «{cycle}» изменён другим пользователем: ожидалось последнее событие №{expected}, \
         в хранилище уже №{actual}; обновите данные и повторите действие"
    )]
    Conflict {
        cycle: String,
        expected: u64,
        actual: u64,
    },
    /// A mutable record was changed by someone else since the caller read it.
    #[error(
        "запись «{key}» изменена другим пользователем: ожидалась версия {expected}, \
         в хранилище версия {actual}; обновите данные и повторите"
    )]
    VersionConflict {
        key: String,
        expected: u64,
        actual: u64,
    },
    #[error("цикл «{0}» не найден")]
    UnknownCycle(String),
    #[error("цикл «{0}» уже существует")]
    CycleExists(String),
    #[error("событие №{got} не может следовать за событием №{last}: номера идут подряд с 1")]
    BadSeq { last: u64, got: u64 },
    #[error("расчёт №{number} цикла «{cycle}» уже сохранён")]
    RunExists { cycle: String, number: u64 },
    #[error("расчёт «{0}» не найден")]
    UnknownRun(String),
    #[error("файл «{0}» не найден в хранилище")]
    UnknownBlob(String),
    #[error(
        "«{0}» не является хешем содержимого (ожидается sha256: и 64 шестнадцатеричные цифры)"
    )]
    BadHash(String),
    #[error("файл слишком велик: {size} байт при допустимых {max}")]
    TooLarge { size: u64, max: u64 },
    #[error("тип файла «{0}» не допускается (допустимы PDF, DOCX, XLSX, PNG, JPEG, текст, CSV, JSON, ZIP)")]
    MediaType(String),
    #[error("содержимое файла не соответствует заявленному типу «{declared}»: {reason}")]
    Content { declared: String, reason: String },
    /// Stored data does not match its own hash or does not decode.
    #[error("данные хранилища повреждены: {0}")]
    Corrupt(String),
    #[error("архив «{path}» повреждён или не является архивом bagalau: {reason}")]
    Archive { path: PathBuf, reason: String },
    #[error("восстановление возможно только в пустое хранилище: в нём уже есть {0}")]
    NotEmpty(String),
    #[error("файл «{0}» уже существует: архив не перезаписывает файлы")]
    Exists(PathBuf),
    #[error("не удалось преобразовать в JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl StoreError {
    /// Whether someone else changed the data since the caller read it (the caller should
    /// re-read and decide again), as opposed to a refused or failed operation.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            StoreError::Conflict { .. } | StoreError::VersionConflict { .. }
        )
    }
}
