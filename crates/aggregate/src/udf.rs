//! The two scalar functions of the plans. Each takes every column of a raw table (canonical
//! types) and returns one `UInt16` per record:
//!
//! - bits 0–7: the [`Reason`] code of the record rules (`0` = sound);
//! - bit 8 ([`LATE`]): completed (answered) after the last day of the term — working days by
//!   [`DayTable`] lookups, not a join with a calendar table;
//! - bit 9 ([`FAILURE`]): completed inside a documented failure of the channel's system (п.20);
//! - bit 10 ([`IN_PROGRESS`]): not completed;
//! - bit 11 ([`ONE_DAY`]): the term is one working day (the 2017 rule, п.37).
//!
//! The aggregation then only counts records per key and code: every measure is a sum over codes.

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, UInt16Array};
use arrow::datatypes::{DataType, Int32Type, TimestampSecondType};
use bagalau_raw::days::DayTable;
use bagalau_raw::schema::Table;
use bagalau_raw::validate::reasons;
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

pub const REASON_MASK: u16 = 0xFF;
pub const LATE: u16 = 1 << 8;
pub const FAILURE: u16 = 1 << 9;
pub const IN_PROGRESS: u16 = 1 << 10;
pub const ONE_DAY: u16 = 1 << 11;

/// Failure windows per channel code (`[start, end)` seconds), sorted by start.
#[derive(Debug, Clone, Default)]
pub struct Windows {
    by_channel: Vec<(String, Vec<(i64, i64)>)>,
}

impl Windows {
    pub fn add(&mut self, system: &str, start: i64, end: i64) {
        match self.by_channel.iter_mut().find(|(c, _)| c == system) {
            Some((_, v)) => v.push((start, end)),
            None => self
                .by_channel
                .push((system.to_string(), vec![(start, end)])),
        }
        for (_, v) in &mut self.by_channel {
            v.sort_unstable();
        }
    }

    fn of(&self, channel: &str) -> &[(i64, i64)] {
        self.by_channel
            .iter()
            .find(|(c, _)| c == channel)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    pub fn is_empty(&self) -> bool {
        self.by_channel.iter().all(|(_, v)| v.is_empty())
    }
}

/// Whether `t` lies in one of the sorted windows (overlapping windows allowed).
fn inside(windows: &[(i64, i64)], t: i64) -> bool {
    // Windows starting at or before t; any of them may still be open.
    let n = windows.partition_point(|(s, _)| *s <= t);
    windows[..n].iter().rev().any(|(_, e)| t < *e)
}

/// Shared state of a run: the day table, the failure windows and a row counter for progress.
#[derive(Debug)]
pub struct RecordCodes {
    table: Table,
    signature: Signature,
    days: Arc<DayTable>,
    windows: Arc<Windows>,
    rows: Arc<AtomicU64>,
}

impl RecordCodes {
    pub fn new(
        table: Table,
        days: Arc<DayTable>,
        windows: Arc<Windows>,
        rows: Arc<AtomicU64>,
    ) -> RecordCodes {
        RecordCodes {
            table,
            signature: Signature::any(table.columns().len(), Volatility::Immutable),
            days,
            windows,
            rows,
        }
    }

    pub fn name_of(table: Table) -> &'static str {
        match table {
            Table::Deliveries => "delivery_code",
            Table::Appeals => "appeal_code",
            Table::Failures => "failure_code",
            Table::Surveys => "survey_code",
        }
    }
}

impl PartialEq for RecordCodes {
    fn eq(&self, other: &Self) -> bool {
        self.table == other.table
            && Arc::ptr_eq(&self.days, &other.days)
            && Arc::ptr_eq(&self.windows, &other.windows)
    }
}
impl Eq for RecordCodes {}
impl Hash for RecordCodes {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.table.hash(state);
    }
}

/// The code of every record of a canonical batch (also used directly by tests and readers).
pub fn codes(
    table: Table,
    batch: &RecordBatch,
    days: &DayTable,
    windows: &Windows,
) -> Option<Vec<u16>> {
    let reasons = reasons(table, batch)?;
    let mut out: Vec<u16> = reasons.iter().map(|r| u16::from(*r)).collect();
    let col = |name: &str| table.index(name).map(|i| batch.column(i));
    let (start, end, term, unit) = match table {
        Table::Deliveries => ("submitted", "completed", "term", "term_unit"),
        Table::Appeals => ("registered", "answered", "term", "term_unit"),
        Table::Failures | Table::Surveys => return Some(out),
    };
    let start = col(start)?.as_primitive_opt::<TimestampSecondType>()?;
    let end = col(end)?.as_primitive_opt::<TimestampSecondType>()?;
    let term = col(term)?.as_primitive_opt::<Int32Type>()?;
    let unit = col(unit)?.as_dictionary_opt::<Int32Type>()?;
    let unit_values = unit.values().as_string_opt::<i32>()?;
    let working_key: Vec<bool> = (0..unit_values.len())
        .map(|i| unit_values.value(i) == "working_days")
        .collect();
    let channel = match table {
        Table::Deliveries => {
            let c = col("channel")?.as_dictionary_opt::<Int32Type>()?;
            let v = c.values().as_string_opt::<i32>()?;
            let per_key: Vec<&[(i64, i64)]> =
                (0..v.len()).map(|i| windows.of(v.value(i))).collect();
            Some((c.keys(), per_key))
        }
        _ => None,
    };
    for (i, code) in out.iter_mut().enumerate() {
        if *code != 0 {
            continue;
        }
        let key = usize::try_from(unit.keys().value(i)).unwrap_or(0);
        let working = working_key.get(key).copied().unwrap_or(true);
        let t = u32::try_from(term.value(i)).unwrap_or(0);
        if working && t == 1 {
            *code |= ONE_DAY;
        }
        if end.is_null(i) {
            *code |= IN_PROGRESS;
            continue;
        }
        let (Some(s), Some(e)) = (days.day_of(start.value(i)), days.day_of(end.value(i))) else {
            continue;
        };
        match days.deadline(s, t, working) {
            Some(deadline) if e > deadline => *code |= LATE,
            Some(_) => {}
            // A term running past the calendar: completed within the calendar, so on time.
            None => {}
        }
        if let Some((keys, per_key)) = &channel {
            let k = usize::try_from(keys.value(i)).unwrap_or(0);
            if per_key.get(k).is_some_and(|w| inside(w, end.value(i))) {
                *code |= FAILURE;
            }
        }
    }
    Some(out)
}

impl ScalarUDFImpl for RecordCodes {
    fn name(&self) -> &str {
        RecordCodes::name_of(self.table)
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt16)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let arrays: Vec<ArrayRef> = args
            .args
            .iter()
            .map(|a| a.to_array(n))
            .collect::<Result<_>>()?;
        let batch = match RecordBatch::try_new(self.table.arrow_schema(), arrays) {
            Ok(b) => b,
            Err(e) => return exec_err!("{}: {e}", self.name()),
        };
        let Some(codes) = codes(self.table, &batch, &self.days, &self.windows) else {
            return exec_err!("{}: columns of unexpected types", self.name());
        };
        self.rows.fetch_add(n as u64, Ordering::Relaxed);
        Ok(ColumnarValue::Array(Arc::new(UInt16Array::from(codes))))
    }
}
