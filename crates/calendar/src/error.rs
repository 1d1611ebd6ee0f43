//! Typed errors of the calendar. Messages are in Russian: they reach users.

use std::fmt;

use chrono::NaiveDate;

use crate::text::ru_date;

/// One problem found in a calendar data file, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataIssue {
    /// The file name as given to the loader (`2019.toml` for embedded data).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What is wrong, in Russian.
    pub message: String,
}

impl fmt::Display for DataIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every way a calendar question can fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The year of a date asked about has no data file loaded: we never guess.
    #[error("нет производственного календаря на {year} год: {detail}")]
    NoCalendar {
        /// The year without data.
        year: i32,
        /// Which years are available.
        detail: String,
    },
    /// The data files are wrong; every problem found is listed.
    #[error("ошибки в данных производственного календаря:\n{}", join_issues(.0))]
    Data(Vec<DataIssue>),
    /// Date arithmetic left the range chrono can represent.
    #[error("дата вне допустимого диапазона: {} плюс {days} дн.", ru_date(*.from))]
    OutOfRange {
        /// The starting date.
        from: NaiveDate,
        /// The number of days added.
        days: u64,
    },
    /// A folder of data files could not be read (only at the edge, [`crate::Calendar::load_dir`]).
    #[error("не удалось прочитать {path}: {message}")]
    Io {
        /// The path that failed.
        path: String,
        /// The system's message.
        message: String,
    },
}

fn join_issues(issues: &[DataIssue]) -> String {
    issues
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
