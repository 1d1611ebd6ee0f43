//! The CSV files documents read (facts of an act, objections): a header with named columns and
//! rows with their line numbers, every problem naming the file and the line.

use std::io::Read;
use std::path::Path;

use crate::ReportError;

pub(crate) struct CsvTable {
    file: String,
    headers: Vec<String>,
    /// (line in the file, cells)
    pub rows: Vec<(usize, Vec<String>)>,
}

impl CsvTable {
    pub fn open(path: &Path) -> Result<Self, ReportError> {
        let file = path.display().to_string();
        let f = std::fs::File::open(path).map_err(|e| ReportError::Input {
            file: file.clone(),
            row: 0,
            message: format!("не удалось открыть файл: {e}"),
        })?;
        Self::read(f, &file)
    }

    pub fn read<R: Read>(r: R, file: &str) -> Result<Self, ReportError> {
        let mut t = CsvTable {
            file: file.to_string(),
            headers: Vec::new(),
            rows: Vec::new(),
        };
        let mut rd = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(r);
        t.headers = rd
            .headers()
            .map_err(|e| t.err(1, format!("заголовок: {e}")))?
            .iter()
            .map(str::to_string)
            .collect();
        for (i, rec) in rd.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| t.err(line, e.to_string()))?;
            t.rows
                .push((line, rec.iter().map(str::to_string).collect()));
        }
        Ok(t)
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
}

/// A cell of a row, empty when the row is short.
pub(crate) fn cell(row: &[String], c: usize) -> String {
    row.get(c).cloned().unwrap_or_default()
}
