//! Writers: Parquet (Snappy, dictionary-encoded codes, one row group per million records) and CSV
//! (the format the CSV reader reads back).

use std::io::Write;
use std::path::Path;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{Int32Type, TimestampSecondType};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::RawError;
use crate::schema::{Kind, Table};

/// Records per Parquet row group.
pub const ROW_GROUP: usize = 1 << 20;

fn io(path: &Path) -> impl Fn(std::io::Error) -> RawError + '_ {
    move |e| RawError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// A streaming Parquet writer of one table.
pub struct ParquetSink {
    writer: ArrowWriter<std::fs::File>,
    file: String,
}

impl ParquetSink {
    pub fn create(table: Table, path: &Path) -> Result<ParquetSink, RawError> {
        let f = std::fs::File::create(path).map_err(io(path))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .build();
        let file = path.display().to_string();
        let writer = ArrowWriter::try_new(f, table.arrow_schema(), Some(props)).map_err(|e| {
            RawError::Parquet {
                file: file.clone(),
                message: e.to_string(),
            }
        })?;
        Ok(ParquetSink { writer, file })
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), RawError> {
        self.writer.write(batch).map_err(|e| RawError::Parquet {
            file: self.file.clone(),
            message: e.to_string(),
        })
    }

    pub fn finish(self) -> Result<(), RawError> {
        self.writer
            .close()
            .map(|_| ())
            .map_err(|e| RawError::Parquet {
                file: self.file,
                message: e.to_string(),
            })
    }
}

/// Formats seconds since 1970 as `YYYY-MM-DD HH:MM:SS`.
pub fn format_time(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// Writes batches of the canonical schema as CSV.
pub fn write_csv(table: Table, path: &Path, batches: &[RecordBatch]) -> Result<(), RawError> {
    let f = std::fs::File::create(path).map_err(io(path))?;
    let mut w = std::io::BufWriter::new(f);
    let cols = table.columns();
    let header: Vec<&str> = cols.iter().map(|c| c.name).collect();
    writeln!(w, "{}", header.join(",")).map_err(io(path))?;
    for b in batches {
        for row in 0..b.num_rows() {
            let mut cells = Vec::with_capacity(cols.len());
            for (c, a) in cols.iter().zip(b.columns()) {
                if a.is_null(row) {
                    cells.push(String::new());
                    continue;
                }
                let s = match c.kind {
                    Kind::Code(_) | Kind::Text => {
                        let d = a.as_dictionary::<Int32Type>();
                        let v = d.values().as_string::<i32>();
                        let k = usize::try_from(d.keys().value(row)).unwrap_or(0);
                        let t = v.value(k);
                        if t.contains([',', '"', '\n']) {
                            format!("\"{}\"", t.replace('"', "\"\""))
                        } else {
                            t.to_string()
                        }
                    }
                    Kind::Id => a
                        .as_primitive::<arrow::datatypes::Int64Type>()
                        .value(row)
                        .to_string(),
                    Kind::Days | Kind::Answer => a
                        .as_primitive::<arrow::datatypes::Int32Type>()
                        .value(row)
                        .to_string(),
                    Kind::Time => format_time(a.as_primitive::<TimestampSecondType>().value(row)),
                    Kind::Flag => a.as_boolean().value(row).to_string(),
                };
                cells.push(s);
            }
            writeln!(w, "{}", cells.join(",")).map_err(io(path))?;
        }
    }
    w.flush().map_err(io(path))
}
