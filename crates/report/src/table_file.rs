//! The CSV files documents read (facts of an act, objections): through the strict reader of the
//! data crate (`bagalau_data::read`: regular files only, UTF-8 with commas, no duplicate or
//! unknown columns, at least one row, rows numbered by the line where they start), every problem
//! naming the file and the line.

use std::io::Read;
use std::path::Path;

use bagalau_data::read::{self, CsvFile};
use bagalau_data::Issue;

use crate::ReportError;

pub(crate) struct CsvTable {
    file: String,
    headers: Vec<String>,
    /// (line in the file, cells)
    pub rows: Vec<(usize, Vec<String>)>,
}

fn from_issue(i: Issue) -> ReportError {
    ReportError::Input {
        file: i.file.display().to_string(),
        row: i.row,
        message: match i.column {
            Some(c) => format!("столбец «{c}»: {}", i.message),
            None => i.message,
        },
    }
}

impl CsvTable {
    pub fn open(path: &Path) -> Result<Self, ReportError> {
        let bytes = read::read_bytes(path).map_err(from_issue)?;
        Self::from_bytes(bytes, path)
    }

    pub fn read<R: Read>(mut r: R, file: &str) -> Result<Self, ReportError> {
        let mut bytes = Vec::new();
        r.read_to_end(&mut bytes).map_err(|e| ReportError::Input {
            file: file.to_string(),
            row: 0,
            message: format!("не удалось прочитать файл: {}", read::io_message(&e)),
        })?;
        Self::from_bytes(bytes, Path::new(file))
    }

    fn from_bytes(bytes: Vec<u8>, path: &Path) -> Result<Self, ReportError> {
        let (f, issues): (CsvFile, Vec<Issue>) =
            read::read_csv_bytes(bytes, path).map_err(|mut v| from_issue(v.remove(0)))?;
        if let Some(i) = issues.into_iter().next() {
            return Err(from_issue(i));
        }
        Ok(CsvTable {
            file: path.display().to_string(),
            headers: f.headers,
            rows: f.rows.into_iter().map(|r| (r.line, r.cells())).collect(),
        })
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    pub fn err(&self, row: usize, message: String) -> ReportError {
        ReportError::Input {
            file: self.file.clone(),
            row,
            message,
        }
    }

    pub fn optional(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Positions of the named columns, or an error naming the first one missing.
    pub fn required(&self, names: &[&str]) -> Result<Vec<usize>, ReportError> {
        names
            .iter()
            .map(|n| {
                self.optional(n)
                    .ok_or_else(|| self.err(1, format!("нет столбца «{n}»")))
            })
            .collect()
    }

    /// Refuses a column that is not among `known` (a misspelled optional column would
    /// otherwise be ignored).
    pub fn only(&self, known: &[&str]) -> Result<(), ReportError> {
        match self.headers.iter().find(|h| !known.contains(&h.as_str())) {
            Some(h) => Err(self.err(
                1,
                format!(
                    "неизвестный столбец «{h}»; допустимые: {}",
                    known.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }
}

/// A cell of a row (trimmed), empty when the row is short.
pub(crate) fn cell(row: &[String], c: usize) -> String {
    row.get(c).map(|s| s.trim().to_string()).unwrap_or_default()
}
