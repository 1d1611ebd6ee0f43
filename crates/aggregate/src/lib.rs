//! Raw records → the inputs an edition needs (issue 13, item 3), with Apache DataFusion.
//!
//! One logical plan per raw table: scan (Parquet, or the CSV reader's sound batches), cast to the
//! canonical types, one scalar function ([`udf::RecordCodes`]) that gives each record a code
//! (the [`bagalau_raw::Reason`] it is refused for, or late / delivered during a failure / not
//! completed / a one-day term; for deliveries also the channel, source and connection to
//! IS «Мониторинг», folded into one integer key), then one hash aggregation: the number of
//! records per body, service and key. The result is small (bodies ×
//! services × channels × sources × codes) and is turned into measures with exact integers in
//! [`measures`]: the п.19 precedence per service, the п.20 exclusion, the 2017 one-day rule, and
//! the discrepancy report.
//!
//! **API Boundary**: DataFusion stays inside this crate; callers get [`Aggregation`] (plain
//! counts) and never see a DataFrame.

pub mod measures;
pub mod surveys;
pub mod udf;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type, UInt16Type, UInt32Type};
use bagalau_raw::days::DayTable;
use bagalau_raw::read::{read_csv, read_parquet, table_file, Rejections};
use bagalau_raw::schema::{Kind, Table};
use bagalau_raw::{RawError, Reason};
use datafusion::common::ScalarValue;
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::logical_expr::{cast as cast_expr, ident, lit, LogicalPlan, ScalarUDF};
use datafusion::prelude::{DataFrame, ParquetReadOptions, SessionConfig, SessionContext};

pub use measures::{Discrepancy, Measure};
use udf::{RecordCodes, Windows};

/// Why an aggregation failed. Messages are in Russian.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AggregateError {
    #[error(transparent)]
    Raw(#[from] RawError),
    #[error("в папке {0} нет файла deliveries.parquet или deliveries.csv")]
    NoDeliveries(String),
    #[error("производственный календарь: {0}")]
    Calendar(String),
    #[error("ошибка выполнения плана агрегации: {0}")]
    Engine(String),
}

impl From<datafusion::error::DataFusionError> for AggregateError {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        AggregateError::Engine(e.to_string())
    }
}

/// Sound deliveries of one key, by what happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    /// Completed (delivered or refused).
    pub total: u64,
    pub late: u64,
    /// Completed during a documented failure of the channel's system (п.20).
    pub failure: u64,
    pub failure_late: u64,
    /// Not completed (not counted in `total`).
    pub in_progress: u64,
    /// Completed with a term of one working day (2017, п.37), and late among them.
    pub one_day: u64,
    pub one_day_late: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeliveryKey {
    pub body: String,
    pub service: String,
    pub channel: String,
    /// `is` or `body`.
    pub source: String,
    pub connected: bool,
}

/// Appeals of one body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppealCounts {
    /// Answered.
    pub total: u64,
    pub late: u64,
    pub unanswered: u64,
    pub repeated: u64,
    pub court_justified: u64,
    pub disciplinary: u64,
    pub satisfied: u64,
    /// Repeated and found justified (satisfied or by a court).
    pub repeated_justified: u64,
    /// Complaints and statements answered, and late among them (2018: `cmp_*`).
    pub complaints: u64,
    pub complaints_late: u64,
}

/// Everything the raw folder says, counted.
#[derive(Debug, Clone, Default)]
pub struct Aggregation {
    pub deliveries: BTreeMap<DeliveryKey, DeliveryCounts>,
    pub appeals: BTreeMap<String, AppealCounts>,
    /// Sound failure windows: (system, start, end, document).
    pub failures: Vec<(String, i64, i64, String)>,
    /// Accepted survey questionnaires by body, service, kind and scale ([`surveys`]).
    pub surveys: BTreeMap<surveys::SurveyKey, surveys::SurveyCounts>,
    pub rejections: Rejections,
}

/// Execution settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Partitions (threads) of the scan and the aggregation.
    pub partitions: usize,
    /// Rows per batch.
    pub batch_size: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            partitions: std::thread::available_parallelism().map_or(2, |n| n.get()),
            batch_size: 8192,
        }
    }
}

/// Rows processed so far and rows expected (from the Parquet footers; 0 when unknown), for a
/// progress bar polled by the caller.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub rows: Arc<AtomicU64>,
    pub expected: Arc<AtomicU64>,
}

/// The session with the settings applied.
pub fn context(opts: &Options) -> SessionContext {
    let config = SessionConfig::new()
        .with_target_partitions(opts.partitions.max(1))
        .with_batch_size(opts.batch_size.max(1024));
    SessionContext::new_with_config(config)
}

/// The rows a Parquet file declares in its footer.
pub fn parquet_rows(path: &Path) -> Result<u64, RawError> {
    parquet_footer(path).map(|(rows, _)| rows)
}

/// The rows a Parquet file declares in its footer, and the top-level columns its statistics show
/// to have no empty value in any row group (an exact null count of 0 in every row group; a
/// column without statistics is not listed).
pub fn parquet_footer(path: &Path) -> Result<(u64, Vec<String>), RawError> {
    let f = std::fs::File::open(path).map_err(|e| RawError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(f).map_err(|e| {
        RawError::Parquet {
            file: path.display().to_string(),
            message: e.to_string(),
        }
    })?;
    use parquet::file::reader::FileReader;
    let meta = reader.metadata();
    let rows = u64::try_from(meta.file_metadata().num_rows()).unwrap_or(0);
    let schema = meta.file_metadata().schema_descr();
    let present = (0..schema.num_columns())
        .filter(|&i| schema.column(i).path().parts().len() == 1)
        .filter(|&i| {
            meta.row_groups()
                .iter()
                .all(|rg| rg.column(i).statistics().and_then(|s| s.null_count_opt()) == Some(0))
        })
        .map(|i| schema.column(i).name().to_string())
        .collect();
    Ok((rows, present))
}

/// A table of a raw folder as a DataFrame of canonical columns; CSV goes through the strict CSV
/// reader (its refusals are added to `rejections`), Parquet is scanned by DataFusion.
pub async fn frame(
    ctx: &SessionContext,
    path: &Path,
    table: Table,
    rejections: &mut Rejections,
    progress: &Progress,
) -> Result<DataFrame, AggregateError> {
    let file = path.display().to_string();
    let mut present = Vec::new();
    let df = if path.extension().is_some_and(|e| e == "parquet") {
        bagalau_raw::read::check_parquet_schema(path)?;
        let (rows, no_nulls) = parquet_footer(path)?;
        present = no_nulls;
        progress
            .expected
            .fetch_add(rows, std::sync::atomic::Ordering::Relaxed);
        ctx.read_parquet(file.as_str(), ParquetReadOptions::default())
            .await
            .map_err(|e| RawError::Parquet {
                file: file.clone(),
                message: e.to_string(),
            })?
    } else {
        let bytes = std::fs::read(path).map_err(|e| RawError::Io {
            path: file.clone(),
            message: e.to_string(),
        })?;
        let loaded = read_csv(table, &file, &bytes)?;
        // The refusals of the reader; the records it accepts are counted by the plan.
        let mut refused = loaded.rejections.clone();
        refused.accepted.clear();
        rejections.merge(&refused);
        if loaded.batches.is_empty() {
            let empty = RecordBatch::new_empty(table.arrow_schema());
            ctx.read_batch(empty)?
        } else {
            ctx.read_batches(loaded.batches)?
        }
    };
    // Every column of the schema, by name, cast to its canonical type (a no-op for files the
    // generator wrote; `Utf8` codes become dictionaries).
    let have = df.schema().clone();
    let mut exprs = Vec::new();
    for c in table.columns() {
        let Some(field) = have.fields().iter().find(|f| f.name() == c.name) else {
            return Err(RawError::MissingColumn {
                file: file.clone(),
                column: c.name.to_string(),
            }
            .into());
        };
        let want = c.kind.data_type();
        let compatible = match (&want, field.data_type()) {
            (DataType::Dictionary(_, _), t) => matches!(
                t,
                DataType::Utf8
                    | DataType::LargeUtf8
                    | DataType::Utf8View
                    | DataType::Dictionary(_, _)
            ),
            (DataType::Int64 | DataType::Int32, t) => t.is_integer(),
            // Times as plain 64-bit integers are seconds (see `bagalau_raw::read::normalise`).
            (DataType::Timestamp(_, _), DataType::Timestamp(_, None) | DataType::Int64) => true,
            (w, t) => w == t,
        };
        if !compatible {
            return Err(RawError::ColumnType {
                file: file.clone(),
                column: c.name.to_string(),
                found: field.data_type().to_string(),
                expected: want.to_string(),
            }
            .into());
        }
        if c.kind == Kind::Id && present.iter().any(|p| p == c.name) {
            // The record number is read only to check that it is there; the file's statistics
            // already prove it is in every record, so it is not read at all.
            exprs.push(lit(ScalarValue::Int64(Some(0))).alias(c.name));
        } else {
            exprs.push(cast_expr(ident(c.name), want).alias(c.name));
        }
    }
    Ok(df.select(exprs)?)
}

/// The logical plan of the delivery aggregation over a DataFrame of canonical columns: the count
/// per body, service and key ([`udf::delivery_keys`]: the record's code with its channel, source
/// and connection folded in). Body and service are grouped as `Utf8View` (short codes are kept
/// inline in the view), so every group column has DataFusion's column-wise group values.
pub fn deliveries_plan(df: DataFrame, codes: &ScalarUDF) -> Result<DataFrame, AggregateError> {
    let args = Table::Deliveries
        .columns()
        .iter()
        .map(|c| ident(c.name))
        .collect();
    Ok(df.aggregate(
        vec![
            cast_expr(ident("body"), DataType::Utf8View).alias("body"),
            cast_expr(ident("service"), DataType::Utf8View).alias("service"),
            codes.call(args).alias("key"),
        ],
        vec![count(lit(1)).alias("n")],
    )?)
}

/// The logical plan of the appeal aggregation.
pub fn appeals_plan(df: DataFrame, codes: &ScalarUDF) -> Result<DataFrame, AggregateError> {
    let args = Table::Appeals
        .columns()
        .iter()
        .map(|c| ident(c.name))
        .collect();
    Ok(df.aggregate(
        vec![
            ident("body"),
            ident("category"),
            ident("outcome"),
            ident("repeated"),
            ident("court_justified"),
            ident("disciplinary"),
            codes.call(args).alias("code"),
        ],
        vec![count(lit(1)).alias("n")],
    )?)
}

fn strings(batch: &RecordBatch, name: &str) -> Result<Vec<Option<String>>, AggregateError> {
    let c = batch
        .column_by_name(name)
        .ok_or_else(|| AggregateError::Engine(format!("нет столбца {name}")))?;
    let s = cast(c, &DataType::Utf8).map_err(|e| AggregateError::Engine(e.to_string()))?;
    let s = s.as_string::<i32>();
    Ok((0..s.len())
        .map(|i| s.is_valid(i).then(|| s.value(i).to_string()))
        .collect())
}

fn flags(batch: &RecordBatch, name: &str) -> Result<Vec<bool>, AggregateError> {
    let c = batch
        .column_by_name(name)
        .ok_or_else(|| AggregateError::Engine(format!("нет столбца {name}")))?;
    let b = c
        .as_boolean_opt()
        .ok_or_else(|| AggregateError::Engine(format!("столбец {name} не логический")))?;
    Ok((0..b.len()).map(|i| b.is_valid(i) && b.value(i)).collect())
}

/// The `n` column of a grouped batch, and its `code` column when it has one (appeals).
fn counts(batch: &RecordBatch) -> Result<(Vec<u16>, Vec<u64>), AggregateError> {
    let code = batch
        .column_by_name("code")
        .and_then(|c| c.as_primitive_opt::<UInt16Type>())
        .map(|c| c.values().to_vec())
        .unwrap_or_default();
    let n = batch
        .column_by_name("n")
        .and_then(|c| c.as_primitive_opt::<Int64Type>())
        .ok_or_else(|| AggregateError::Engine("нет столбца n".to_string()))?;
    Ok((
        code,
        n.values()
            .iter()
            .map(|v| u64::try_from(*v).unwrap_or(0))
            .collect(),
    ))
}

fn code_and_n(batch: &RecordBatch) -> Result<(Vec<u16>, Vec<u64>), AggregateError> {
    let (code, n) = counts(batch)?;
    if code.len() != n.len() {
        return Err(AggregateError::Engine("нет столбца code".to_string()));
    }
    Ok((code, n))
}

/// Runs a plan to its (small) result.
pub async fn collect(df: DataFrame) -> Result<Vec<RecordBatch>, AggregateError> {
    Ok(df.collect().await?)
}

/// The logical plans for a raw folder, for display (`EXPLAIN`) and for running elsewhere
/// (Ballista takes the same `LogicalPlan`).
pub async fn logical_plans(dir: &Path, opts: &Options) -> Result<Vec<LogicalPlan>, AggregateError> {
    let ctx = context(opts);
    let days = Arc::new(DayTable::embedded().map_err(|e| AggregateError::Calendar(e.to_string()))?);
    let progress = Progress::default();
    let mut rej = Rejections::default();
    let mut out = Vec::new();
    for table in [Table::Deliveries, Table::Appeals, Table::Surveys] {
        if let Some(path) = table_file(dir, table) {
            let udf = ScalarUDF::from(RecordCodes::new(
                table,
                days.clone(),
                Arc::new(Windows::default()),
                progress.rows.clone(),
            ));
            let df = frame(&ctx, &path, table, &mut rej, &progress).await?;
            let planned = match table {
                Table::Deliveries => deliveries_plan(df, &udf)?,
                Table::Surveys => surveys::surveys_plan(df, &udf)?,
                _ => appeals_plan(df, &udf)?,
            };
            out.push(planned.into_optimized_plan()?);
        }
    }
    Ok(out)
}

/// Reads the failure table (small) into windows.
fn failures(
    dir: &Path,
    rejections: &mut Rejections,
) -> Result<Vec<(String, i64, i64, String)>, AggregateError> {
    let Some(path) = table_file(dir, Table::Failures) else {
        return Ok(Vec::new());
    };
    let loaded = if path.extension().is_some_and(|e| e == "parquet") {
        read_parquet(Table::Failures, &path)?
    } else {
        let bytes = std::fs::read(&path).map_err(|e| RawError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        read_csv(Table::Failures, &path.display().to_string(), &bytes)?
    };
    rejections.merge(&loaded.rejections);
    let mut out = Vec::new();
    for b in &loaded.batches {
        let system = strings(b, "system")?;
        let document = strings(b, "document")?;
        let ts = |name: &str| -> Result<Vec<i64>, AggregateError> {
            b.column_by_name(name)
                .and_then(|c| c.as_primitive_opt::<arrow::datatypes::TimestampSecondType>())
                .map(|a| a.values().to_vec())
                .ok_or_else(|| AggregateError::Engine(format!("нет столбца {name}")))
        };
        let (start, end) = (ts("start")?, ts("end")?);
        for i in 0..b.num_rows() {
            out.push((
                system[i].clone().unwrap_or_default(),
                start[i],
                end[i],
                document[i].clone().unwrap_or_default(),
            ));
        }
    }
    Ok(out)
}

/// Aggregates a raw folder (`deliveries`, optional `appeals` and `failures`, each `.parquet` or
/// `.csv`). Streaming: the scans read row groups in batches and the aggregation keeps one entry
/// per key, so memory does not grow with the number of records.
pub async fn aggregate(
    dir: &Path,
    opts: &Options,
    progress: &Progress,
) -> Result<Aggregation, AggregateError> {
    let days = Arc::new(DayTable::embedded().map_err(|e| AggregateError::Calendar(e.to_string()))?);
    let mut agg = Aggregation::default();
    agg.failures = failures(dir, &mut agg.rejections)?;
    let mut windows = Windows::default();
    for (system, start, end, _) in &agg.failures {
        windows.add(system, *start, *end);
    }
    let windows = Arc::new(windows);
    let ctx = context(opts);
    let Some(path) = table_file(dir, Table::Deliveries) else {
        return Err(AggregateError::NoDeliveries(dir.display().to_string()));
    };
    let udf = ScalarUDF::from(RecordCodes::new(
        Table::Deliveries,
        days.clone(),
        windows.clone(),
        progress.rows.clone(),
    ));
    let df = frame(
        &ctx,
        &path,
        Table::Deliveries,
        &mut agg.rejections,
        progress,
    )
    .await?;
    for batch in collect(deliveries_plan(df, &udf)?).await? {
        add_deliveries(&mut agg, &batch)?;
    }
    if let Some(path) = table_file(dir, Table::Appeals) {
        let udf = ScalarUDF::from(RecordCodes::new(
            Table::Appeals,
            days.clone(),
            windows.clone(),
            progress.rows.clone(),
        ));
        let df = frame(&ctx, &path, Table::Appeals, &mut agg.rejections, progress).await?;
        for batch in collect(appeals_plan(df, &udf)?).await? {
            add_appeals(&mut agg, &batch)?;
        }
    }
    if let Some(path) = table_file(dir, Table::Surveys) {
        let udf = ScalarUDF::from(RecordCodes::new(
            Table::Surveys,
            days.clone(),
            windows.clone(),
            progress.rows.clone(),
        ));
        agg.surveys =
            surveys::aggregate_surveys(&ctx, &path, &udf, &mut agg.rejections, progress).await?;
    }
    Ok(agg)
}

/// [`aggregate`] on a runtime of its own (for the CLI and tests).
pub fn aggregate_blocking(
    dir: &Path,
    opts: &Options,
    progress: &Progress,
) -> Result<Aggregation, AggregateError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(opts.partitions.max(1))
        .build()
        .map_err(|e| AggregateError::Engine(e.to_string()))?;
    // The Parquet library panics on some malformed pages (its run-length decoder, found by
    // fuzzing); DataFusion resumes a scan task's panic in the caller, so it is caught here and
    // the raw folder refused instead of the process dying.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(aggregate(dir, opts, progress))
    }))
    .unwrap_or_else(|_| {
        Err(AggregateError::Engine(format!(
            "первичные записи в папке {} не прочитаны: файл Parquet повреждён (библиотека чтения не смогла разобрать его страницы)",
            dir.display()
        )))
    })
}

fn refuse(agg: &mut Aggregation, table: Table, code: u16, n: u64) {
    let reason = Reason::from_code((code & udf::REASON_MASK) as u8).unwrap_or(Reason::Missing);
    agg.rejections.refuse(table, reason, None, n);
}

fn add_deliveries(agg: &mut Aggregation, batch: &RecordBatch) -> Result<(), AggregateError> {
    let body = strings(batch, "body")?;
    let service = strings(batch, "service")?;
    let key = batch
        .column_by_name("key")
        .and_then(|c| c.as_primitive_opt::<UInt32Type>())
        .ok_or_else(|| AggregateError::Engine("нет столбца key".to_string()))?;
    let (_, n) = counts(batch)?;
    for i in 0..batch.num_rows() {
        let key = key.value(i);
        let code = (key & 0xFFFF) as u16;
        let Some((channel, source, connected)) =
            udf::decode_delivery_key(key).filter(|_| code & udf::REASON_MASK == 0)
        else {
            refuse(agg, Table::Deliveries, code, n[i]);
            continue;
        };
        agg.rejections.accept(Table::Deliveries, n[i]);
        let key = DeliveryKey {
            body: body[i].clone().unwrap_or_default(),
            service: service[i].clone().unwrap_or_default(),
            channel: channel.to_string(),
            source: source.to_string(),
            connected,
        };
        let c = agg.deliveries.entry(key).or_default();
        if code & udf::IN_PROGRESS != 0 {
            c.in_progress += n[i];
            continue;
        }
        let late = code & udf::LATE != 0;
        c.total += n[i];
        if late {
            c.late += n[i];
        }
        if code & udf::FAILURE != 0 {
            c.failure += n[i];
            if late {
                c.failure_late += n[i];
            }
        }
        if code & udf::ONE_DAY != 0 {
            c.one_day += n[i];
            if late {
                c.one_day_late += n[i];
            }
        }
    }
    Ok(())
}

fn add_appeals(agg: &mut Aggregation, batch: &RecordBatch) -> Result<(), AggregateError> {
    let body = strings(batch, "body")?;
    let category = strings(batch, "category")?;
    let outcome = strings(batch, "outcome")?;
    let repeated = flags(batch, "repeated")?;
    let court = flags(batch, "court_justified")?;
    let disciplinary = flags(batch, "disciplinary")?;
    let (code, n) = code_and_n(batch)?;
    for i in 0..batch.num_rows() {
        if code[i] & udf::REASON_MASK != 0 {
            refuse(agg, Table::Appeals, code[i], n[i]);
            continue;
        }
        agg.rejections.accept(Table::Appeals, n[i]);
        let a = agg
            .appeals
            .entry(body[i].clone().unwrap_or_default())
            .or_default();
        let k = n[i];
        if code[i] & udf::IN_PROGRESS != 0 {
            a.unanswered += k;
            continue;
        }
        let late = code[i] & udf::LATE != 0;
        let satisfied = outcome[i].as_deref() == Some("satisfied");
        a.total += k;
        if late {
            a.late += k;
        }
        if repeated[i] {
            a.repeated += k;
            if satisfied || court[i] {
                a.repeated_justified += k;
            }
        }
        if court[i] {
            a.court_justified += k;
        }
        if disciplinary[i] {
            a.disciplinary += k;
        }
        if satisfied {
            a.satisfied += k;
        }
        if matches!(category[i].as_deref(), Some("complaint" | "statement")) {
            a.complaints += k;
            if late {
                a.complaints_late += k;
            }
        }
    }
    Ok(())
}

/// The raw folder's table files that exist.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    Table::ALL
        .iter()
        .filter_map(|t| table_file(dir, *t))
        .collect()
}
