//! Errors of the renderers. `Display` texts are in Russian: they reach the user as they are.

use std::path::PathBuf;

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// No Chromium binary was found (neither `BAGALAU_CHROMIUM` nor `chromium`, `chromium-browser`,
    /// `google-chrome` on `PATH`).
    #[error("Chromium не найден: установите пакет chromium или укажите путь в BAGALAU_CHROMIUM")]
    ChromiumNotFound,

    /// `pdftoppm` (poppler-utils) is not on `PATH`.
    #[error("pdftoppm не найден: установите пакет poppler-utils")]
    PdftoppmNotFound,

    /// An external program could not be started.
    #[error("не удалось запустить {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },

    /// An external program ran longer than allowed and was stopped.
    #[error("{program} не завершился за {seconds} с и был остановлен")]
    Timeout { program: String, seconds: u64 },

    /// An external program exited with an error.
    #[error("{program} завершился с ошибкой ({status}): {stderr}")]
    ProgramFailed {
        program: String,
        status: String,
        stderr: String,
    },

    /// The browser broke the DevTools protocol, closed the connection or did not answer in time.
    #[error("Chromium (протокол DevTools): {0}")]
    Browser(String),

    /// An external program exited successfully but did not produce the expected output.
    #[error("{program} не создал ожидаемый результат: {detail}")]
    NoOutput { program: String, detail: String },

    /// A temporary or output file could not be read or written.
    #[error("ошибка ввода-вывода ({path}): {source}", path = path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Packing the DOCX archive failed.
    #[error("не удалось сформировать DOCX: {0}")]
    Docx(String),

    /// The XLSX writer rejected the workbook.
    #[error("не удалось сформировать XLSX: {0}")]
    Xlsx(String),
}

impl OfficeError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        OfficeError::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<zip::result::ZipError> for OfficeError {
    fn from(e: zip::result::ZipError) -> Self {
        OfficeError::Docx(e.to_string())
    }
}

impl From<rust_xlsxwriter::XlsxError> for OfficeError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        OfficeError::Xlsx(e.to_string())
    }
}
