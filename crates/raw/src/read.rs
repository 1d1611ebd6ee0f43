//! Readers: Parquet and CSV into Arrow batches of the canonical schema, sound records only; every
//! refused record counted by reason (never silently dropped).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayBuilder, ArrayRef, BooleanArray, BooleanBuilder, Int32Builder, Int64Builder,
    RecordBatch, StringDictionaryBuilder, TimestampSecondBuilder,
};
use arrow::compute::{cast, filter_record_batch};
use arrow::datatypes::{DataType, Int32Type};

use crate::error::RawError;
use crate::schema::{Kind, Table};
use crate::validate::{reasons, Reason};

/// Rows per batch the CSV reader builds.
pub const BATCH_ROWS: usize = 65_536;
/// How many record numbers per reason a report keeps as examples.
pub const EXAMPLES: usize = 5;

/// Records accepted and refused, per table and reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rejections {
    pub accepted: BTreeMap<Table, u64>,
    pub refused: BTreeMap<(Table, Reason), u64>,
    /// The first record numbers (CSV: line; Parquet: 1-based row) refused for each reason.
    pub examples: BTreeMap<(Table, Reason), Vec<u64>>,
}

impl Rejections {
    pub fn total_refused(&self) -> u64 {
        self.refused.values().sum()
    }

    pub fn refused_of(&self, table: Table, reason: Reason) -> u64 {
        self.refused.get(&(table, reason)).copied().unwrap_or(0)
    }

    pub fn accept(&mut self, table: Table, n: u64) {
        *self.accepted.entry(table).or_default() += n;
    }

    pub fn refuse(&mut self, table: Table, reason: Reason, record: Option<u64>, n: u64) {
        *self.refused.entry((table, reason)).or_default() += n;
        if let Some(r) = record {
            let e = self.examples.entry((table, reason)).or_default();
            if e.len() < EXAMPLES {
                e.push(r);
            }
        }
    }

    pub fn merge(&mut self, other: &Rejections) {
        for (t, n) in &other.accepted {
            self.accept(*t, *n);
        }
        for ((t, r), n) in &other.refused {
            *self.refused.entry((*t, *r)).or_default() += n;
        }
        for (k, v) in &other.examples {
            let e = self.examples.entry(*k).or_default();
            for x in v {
                if e.len() < EXAMPLES {
                    e.push(*x);
                }
            }
        }
    }

    /// The report in Russian: accepted per table, refused per reason with example records.
    pub fn text_ru(&self) -> String {
        let mut s = String::new();
        for t in Table::ALL {
            let acc = self.accepted.get(&t).copied().unwrap_or(0);
            let refused: u64 = self
                .refused
                .iter()
                .filter(|((tt, _), _)| *tt == t)
                .map(|(_, n)| n)
                .sum();
            if acc == 0 && refused == 0 {
                continue;
            }
            let _ = writeln!(
                s,
                "«{}» ({}): принято записей {acc}, отклонено {refused}.",
                t.name_ru(),
                t.file_stem()
            );
            for ((tt, r), n) in &self.refused {
                if *tt != t {
                    continue;
                }
                let ex = self
                    .examples
                    .get(&(t, *r))
                    .map(|v| {
                        let list: Vec<String> = v.iter().map(ToString::to_string).collect();
                        format!(" (записи {})", list.join(", "))
                    })
                    .unwrap_or_default();
                let _ = writeln!(s, "  — {}: {n}{ex}", r.text_ru());
            }
        }
        s
    }
}

/// Sound records of one table.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub table: Table,
    pub batches: Vec<RecordBatch>,
    pub rejections: Rejections,
}

impl Loaded {
    pub fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// Brings a batch to the canonical schema: columns found by name (any order), `Utf8` codes
/// dictionary-encoded, integer widths widened. A missing column or a type that cannot be cast is
/// a file error.
pub fn normalise(table: Table, file: &str, batch: &RecordBatch) -> Result<RecordBatch, RawError> {
    let schema = table.arrow_schema();
    let input = batch.schema();
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let Ok(i) = input.index_of(field.name()) else {
            return Err(RawError::MissingColumn {
                file: file.to_string(),
                column: field.name().clone(),
            });
        };
        let c = batch.column(i);
        let ok_source = match field.data_type() {
            DataType::Dictionary(_, _) => matches!(
                c.data_type(),
                DataType::Utf8
                    | DataType::LargeUtf8
                    | DataType::Utf8View
                    | DataType::Dictionary(_, _)
            ),
            DataType::Int64 | DataType::Int32 => c.data_type().is_integer(),
            // Parquet has no unit of seconds: a file written from Arrow stores the times as plain
            // 64-bit integers, which are read back as seconds (the schema's unit).
            DataType::Timestamp(_, _) => matches!(
                c.data_type(),
                DataType::Timestamp(_, None) | DataType::Int64
            ),
            other => c.data_type() == other,
        };
        let cast_result = if ok_source {
            cast(c, field.data_type()).ok()
        } else {
            None
        };
        match cast_result {
            Some(a) if a.null_count() == c.null_count() => columns.push(a),
            _ => {
                return Err(RawError::ColumnType {
                    file: file.to_string(),
                    column: field.name().clone(),
                    found: c.data_type().to_string(),
                    expected: field.data_type().to_string(),
                })
            }
        }
    }
    RecordBatch::try_new(schema, columns).map_err(|e| RawError::Arrow {
        file: file.to_string(),
        message: e.to_string(),
    })
}

/// Splits a canonical batch into its sound rows, counting the others; `first_record` numbers the
/// batch's first row for the report.
pub fn keep_sound(
    table: Table,
    file: &str,
    batch: &RecordBatch,
    record_numbers: &dyn Fn(usize) -> u64,
    rejections: &mut Rejections,
) -> Result<Option<RecordBatch>, RawError> {
    let Some(codes) = reasons(table, batch) else {
        return Err(RawError::Arrow {
            file: file.to_string(),
            message: "batch does not have the canonical schema".to_string(),
        });
    };
    let mut sound = 0u64;
    for (i, c) in codes.iter().enumerate() {
        match Reason::from_code(*c) {
            None => sound += 1,
            Some(r) => rejections.refuse(table, r, Some(record_numbers(i)), 1),
        }
    }
    rejections.accept(table, sound);
    if sound == 0 {
        return Ok(None);
    }
    if usize::try_from(sound).ok() == Some(batch.num_rows()) {
        return Ok(Some(batch.clone()));
    }
    let mask = BooleanArray::from(codes.iter().map(|c| *c == 0).collect::<Vec<_>>());
    filter_record_batch(batch, &mask)
        .map(Some)
        .map_err(|e| RawError::Arrow {
            file: file.to_string(),
            message: e.to_string(),
        })
}

/// Reads a Parquet file given as bytes (the fuzz target's entry).
pub fn read_parquet_bytes(table: Table, file: &str, bytes: Vec<u8>) -> Result<Loaded, RawError> {
    let data = bytes::Bytes::from(bytes);
    guarded(file, || read_parquet_from(table, file, data))
}

/// Reads a Parquet file.
pub fn read_parquet(table: Table, path: &Path) -> Result<Loaded, RawError> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| RawError::Io {
        path: file.clone(),
        message: e.to_string(),
    })?;
    guarded(&file, || read_parquet_from(table, &file, f))
}

/// Decodes the footer of a Parquet file and the Arrow schema it may embed, as a query engine
/// reading the file would — under `catch_unwind`, so that a file whose embedded schema makes the
/// Arrow library panic is refused here, before it is handed to one — and walks its page headers
/// with a bounded parser ([`crate::pages`]).
pub fn check_parquet_schema(path: &Path) -> Result<(), RawError> {
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| RawError::Io {
        path: file.clone(),
        message: e.to_string(),
    })?;
    guarded(&file, || {
        let pq = |e: &dyn std::fmt::Display| RawError::Parquet {
            file: file.clone(),
            message: e.to_string(),
        };
        let meta = parquet::file::metadata::ParquetMetaDataReader::new()
            .parse_and_finish(&f)
            .map_err(|e| pq(&e))?;
        let fm = meta.file_metadata();
        parquet::arrow::parquet_to_arrow_schema(fm.schema_descr(), fm.key_value_metadata())
            .map_err(|e| pq(&e))?;
        check_page_headers(&file, &f)
    })
}

/// Walks every page header of the file with the bounded parser of [`crate::pages`] (a malformed
/// header can keep the Parquet library busy for hours); a file that fails is refused.
fn check_page_headers<R: parquet::file::reader::ChunkReader>(
    file: &str,
    reader: &R,
) -> Result<(), RawError> {
    let pq = |message: String| RawError::Parquet {
        file: file.to_string(),
        message,
    };
    let meta = parquet::file::metadata::ParquetMetaDataReader::new()
        .parse_and_finish(reader)
        .map_err(|e| pq(e.to_string()))?;
    let chunks: Vec<(i64, i64)> = meta
        .row_groups()
        .iter()
        .flat_map(|rg| rg.columns())
        .map(|c| {
            (
                c.dictionary_page_offset().unwrap_or(c.data_page_offset()),
                c.compressed_size(),
            )
        })
        .collect();
    let len = parquet::file::reader::Length::len(reader);
    crate::pages::check_pages(len, &chunks, &mut |offset, n| {
        let n = n.min(usize::try_from(len.saturating_sub(offset)).unwrap_or(usize::MAX));
        reader
            .get_bytes(offset, n)
            .map(|b| b.to_vec())
            .map_err(|e| e.to_string())
    })
    .map_err(|e| pq(e.0))
}

/// Runs a reader under `catch_unwind`: a panic inside the Parquet library on a hostile file
/// refuses the file instead of crashing the process.
fn guarded<T>(file: &str, f: impl FnOnce() -> Result<T, RawError>) -> Result<T, RawError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(RawError::Parquet {
            file: file.to_string(),
            message: "файл повреждён (библиотека чтения Parquet не смогла его разобрать)"
                .to_string(),
        })
    })
}

fn read_parquet_from<R: parquet::file::reader::ChunkReader + 'static>(
    table: Table,
    file: &str,
    reader: R,
) -> Result<Loaded, RawError> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let pq = |e: &dyn std::fmt::Display| RawError::Parquet {
        file: file.to_string(),
        message: e.to_string(),
    };
    check_page_headers(file, &reader)?;
    // The Arrow schema a writer may embed in the file's metadata is not decoded: a malformed one
    // makes the Arrow IPC decoder panic (found by the `raw_parquet` fuzz target), and nothing in
    // it is needed — every column is cast to its canonical type by name ([`normalise`]).
    let options =
        parquet::arrow::arrow_reader::ArrowReaderOptions::new().with_skip_arrow_metadata(true);
    let builder = ParquetRecordBatchReaderBuilder::try_new_with_options(reader, options)
        .map_err(|e| pq(&e))?;
    let reader = builder
        .with_batch_size(BATCH_ROWS)
        .build()
        .map_err(|e| pq(&e))?;
    let mut rejections = Rejections::default();
    let mut batches = Vec::new();
    let mut offset = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| pq(&e))?;
        let canonical = normalise(table, file, &batch)?;
        let base = offset;
        if let Some(b) = keep_sound(
            table,
            file,
            &canonical,
            &|i| base + 1 + i as u64,
            &mut rejections,
        )? {
            batches.push(b);
        }
        offset += batch.num_rows() as u64;
    }
    Ok(Loaded {
        table,
        batches,
        rejections,
    })
}

enum Builder {
    Dict(StringDictionaryBuilder<Int32Type>),
    Id(Int64Builder),
    Days(Int32Builder),
    Time(TimestampSecondBuilder),
    Flag(BooleanBuilder),
}

impl Builder {
    fn new(kind: Kind) -> Builder {
        match kind {
            Kind::Code(_) | Kind::Text => Builder::Dict(StringDictionaryBuilder::new()),
            Kind::Id => Builder::Id(Int64Builder::new()),
            Kind::Days | Kind::Answer => Builder::Days(Int32Builder::new()),
            Kind::Time => Builder::Time(TimestampSecondBuilder::new()),
            Kind::Flag => Builder::Flag(BooleanBuilder::new()),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Dict(b) => Arc::new(b.finish()),
            Builder::Id(b) => Arc::new(b.finish()),
            Builder::Days(b) => Arc::new(b.finish()),
            Builder::Time(b) => Arc::new(b.finish()),
            Builder::Flag(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Dict(b) => b.len(),
            Builder::Id(b) => b.len(),
            Builder::Days(b) => b.len(),
            Builder::Time(b) => b.len(),
            Builder::Flag(b) => b.len(),
        }
    }
}

/// A parsed cell.
enum Cell<'a> {
    Null,
    Text(&'a str),
    Int(i64),
    Flag(bool),
}

/// Parses `YYYY-MM-DD HH:MM:SS` (or with `T`) as local civil time, seconds since 1970.
pub fn parse_time(s: &str) -> Option<i64> {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Some(t.and_utc().timestamp())
}

fn parse_cell(kind: Kind, raw: &str) -> Result<Cell<'_>, Reason> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(Cell::Null);
    }
    match kind {
        Kind::Code(_) | Kind::Text => Ok(Cell::Text(s)),
        Kind::Id | Kind::Days | Kind::Answer => s
            .parse::<i64>()
            .map(Cell::Int)
            .map_err(|_| Reason::NotANumber),
        Kind::Time => parse_time(s).map(Cell::Int).ok_or(Reason::NotADateTime),
        Kind::Flag => match s {
            "true" | "да" | "1" => Ok(Cell::Flag(true)),
            "false" | "нет" | "0" => Ok(Cell::Flag(false)),
            _ => Err(Reason::NotAFlag),
        },
    }
}

fn push(b: &mut Builder, cell: Cell<'_>) -> Result<(), Reason> {
    match (b, cell) {
        (Builder::Dict(b), Cell::Null) => b.append_null(),
        (Builder::Dict(b), Cell::Text(t)) => {
            b.append(t).map_err(|_| Reason::UnknownCode)?;
        }
        (Builder::Id(b), Cell::Null) => b.append_null(),
        (Builder::Id(b), Cell::Int(v)) => b.append_value(v),
        (Builder::Days(b), Cell::Null) => b.append_null(),
        // A term beyond i32 is out of range, not unparseable.
        (Builder::Days(b), Cell::Int(v)) => b.append_value(i32::try_from(v).unwrap_or(i32::MAX)),
        (Builder::Time(b), Cell::Null) => b.append_null(),
        (Builder::Time(b), Cell::Int(v)) => b.append_value(v),
        (Builder::Flag(b), Cell::Null) => b.append_null(),
        (Builder::Flag(b), Cell::Flag(v)) => b.append_value(v),
        _ => return Err(Reason::NotANumber),
    }
    Ok(())
}

/// Reads a CSV file (UTF-8, commas, a header row naming every column of the table).
pub fn read_csv(table: Table, file: &str, bytes: &[u8]) -> Result<Loaded, RawError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header = reader.headers().map_err(|e| RawError::Csv {
        file: file.to_string(),
        message: e.to_string(),
    })?;
    let cols = table.columns();
    let mut position = Vec::with_capacity(cols.len());
    for c in cols {
        let found: Vec<usize> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.trim() == c.name)
            .map(|(i, _)| i)
            .collect();
        match found.as_slice() {
            [i] => position.push(*i),
            [] => {
                return Err(RawError::MissingColumn {
                    file: file.to_string(),
                    column: c.name.to_string(),
                })
            }
            _ => {
                return Err(RawError::DuplicateColumn {
                    file: file.to_string(),
                    column: c.name.to_string(),
                })
            }
        }
    }
    let width = header.len();
    let mut rejections = Rejections::default();
    let mut batches = Vec::new();
    let mut builders: Vec<Builder> = cols.iter().map(|c| Builder::new(c.kind)).collect();
    let mut lines: Vec<u64> = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(RawError::Csv {
                    file: file.to_string(),
                    message: e.to_string(),
                })
            }
        }
        let line = record.position().map(csv::Position::line).unwrap_or(0);
        if record.len() != width {
            rejections.refuse(table, Reason::CellCount, Some(line), 1);
            continue;
        }
        let parsed: Result<Vec<Cell<'_>>, Reason> = cols
            .iter()
            .zip(&position)
            .map(|(c, i)| parse_cell(c.kind, record.get(*i).unwrap_or("")))
            .collect();
        let cells = match parsed {
            Ok(c) => c,
            Err(r) => {
                rejections.refuse(table, r, Some(line), 1);
                continue;
            }
        };
        for (b, cell) in builders.iter_mut().zip(cells) {
            // Kinds match by construction; a failure here is a dictionary overflow.
            if let Err(r) = push(b, cell) {
                return Err(RawError::Csv {
                    file: file.to_string(),
                    message: r.text_ru().to_string(),
                });
            }
        }
        lines.push(line);
        if builders[0].len() >= BATCH_ROWS {
            flush(
                table,
                file,
                &mut builders,
                &mut lines,
                &mut rejections,
                &mut batches,
            )?;
        }
    }
    flush(
        table,
        file,
        &mut builders,
        &mut lines,
        &mut rejections,
        &mut batches,
    )?;
    Ok(Loaded {
        table,
        batches,
        rejections,
    })
}

fn flush(
    table: Table,
    file: &str,
    builders: &mut [Builder],
    lines: &mut Vec<u64>,
    rejections: &mut Rejections,
    batches: &mut Vec<RecordBatch>,
) -> Result<(), RawError> {
    if lines.is_empty() {
        return Ok(());
    }
    let columns: Vec<ArrayRef> = builders.iter_mut().map(Builder::finish).collect();
    let batch =
        RecordBatch::try_new(table.arrow_schema(), columns).map_err(|e| RawError::Arrow {
            file: file.to_string(),
            message: e.to_string(),
        })?;
    let numbers = std::mem::take(lines);
    if let Some(b) = keep_sound(
        table,
        file,
        &batch,
        &|i| numbers.get(i).copied().unwrap_or(0),
        rejections,
    )? {
        batches.push(b);
    }
    Ok(())
}

/// One raw folder read whole: the tables present (`<stem>.parquet`, else `<stem>.csv`).
#[derive(Debug, Clone, Default)]
pub struct RawFolder {
    pub tables: BTreeMap<Table, Loaded>,
    pub rejections: Rejections,
}

/// The file of a table in a raw folder, Parquet preferred.
pub fn table_file(dir: &Path, table: Table) -> Option<std::path::PathBuf> {
    ["parquet", "csv"]
        .iter()
        .map(|ext| dir.join(format!("{}.{ext}", table.file_stem())))
        .find(|p| p.is_file())
}

/// Reads every table file of a raw folder into memory (small and medium folders; the
/// aggregation streams national folders through DataFusion instead).
pub fn read_folder(dir: &Path) -> Result<RawFolder, RawError> {
    let mut out = RawFolder::default();
    for table in Table::ALL {
        let Some(path) = table_file(dir, table) else {
            continue;
        };
        let loaded = if path.extension().is_some_and(|e| e == "parquet") {
            read_parquet(table, &path)?
        } else {
            let bytes = std::fs::read(&path).map_err(|e| RawError::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            read_csv(table, &path.display().to_string(), &bytes)?
        };
        out.rejections.merge(&loaded.rejections);
        out.tables.insert(table, loaded);
    }
    Ok(out)
}
