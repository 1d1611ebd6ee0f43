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
//!
//! For deliveries the function returns a `UInt32` *key* instead ([`delivery_keys`]): the code in
//! bits 0–15, and for a sound record the channel, the source and the connection to
//! IS «Мониторинг» folded in above it as positions in their closed lists of the published schema
//! ([`CHANNEL_SHIFT`], [`SOURCE_SHIFT`], [`CONNECTED`]). A refused record keeps only its code: it
//! is counted by reason. The aggregation then groups on three columns (body, service, key) —
//! DataFusion's column-wise group values — instead of six, four of them dictionaries that its
//! row-format fallback would have to encode row by row. The lists are the schema's, so the key is
//! the same on every machine (a Ballista executor decodes what another encoded).

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, UInt16Array, UInt32Array};
use arrow::datatypes::{DataType, Int32Type, TimestampSecondType};
use bagalau_raw::days::DayTable;
use bagalau_raw::schema::{Table, CHANNELS, SOURCES};
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
/// Position + 1 of the channel in [`CHANNELS`] (4 bits; 0 = refused record).
pub const CHANNEL_SHIFT: u32 = 16;
/// Position + 1 of the source in [`SOURCES`] (2 bits; 0 = refused record).
pub const SOURCE_SHIFT: u32 = 20;
/// The service is connected to IS «Мониторинг».
pub const CONNECTED: u32 = 1 << 24;

/// Failure windows per channel code (`[start, end)` seconds): sorted and merged, so that they do
/// not overlap and one binary search tells whether a time is inside one of them.
#[derive(Debug, Clone, Default)]
pub struct Windows {
    by_channel: Vec<(String, Vec<(i64, i64)>)>,
    /// Per channel (same order), per day of the calendar: the first window ending after the
    /// day's start ([`Windows::index_days`]); empty until indexed.
    first_by_day: Vec<Vec<u32>>,
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
            *v = merged(std::mem::take(v));
        }
        self.first_by_day.clear();
    }

    /// Indexes the windows by day of the calendar, so that a time is checked against the few
    /// windows of its own day instead of by a search over the year.
    pub fn index_days(&mut self, days: &DayTable) {
        self.first_by_day = self
            .by_channel
            .iter()
            .map(|(_, v)| {
                (0..days.len())
                    .map(|d| {
                        let start = days.start_of(u32::try_from(d).unwrap_or(u32::MAX));
                        let k = v.partition_point(|(_, e)| *e <= start);
                        u32::try_from(k).unwrap_or(u32::MAX)
                    })
                    .collect()
            })
            .collect();
    }

    /// The windows of a channel and, when indexed, their first window per day.
    fn of_indexed(&self, channel: &str) -> (&[(i64, i64)], &[u32]) {
        match self.by_channel.iter().position(|(c, _)| c == channel) {
            Some(i) => (
                &self.by_channel[i].1,
                self.first_by_day.get(i).map_or(&[][..], |v| v.as_slice()),
            ),
            None => (&[], &[]),
        }
    }

    #[cfg(test)]
    fn of(&self, channel: &str) -> &[(i64, i64)] {
        self.of_indexed(channel).0
    }

    pub fn is_empty(&self) -> bool {
        self.by_channel.iter().all(|(_, v)| v.is_empty())
    }
}

/// Windows sorted by start, overlapping or touching ones joined, empty ones dropped.
fn merged(mut v: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    v.retain(|(s, e)| s < e);
    v.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// A channel's merged windows and their first window per day.
type ChannelWindows<'a> = (&'a [(i64, i64)], &'a [u32]);

/// Whether `t` lies in one of the merged windows: the last window starting at or before `t`.
fn inside(windows: &[(i64, i64)], t: i64) -> bool {
    let n = windows.partition_point(|(s, _)| *s <= t);
    n > 0 && windows.get(n - 1).is_some_and(|(_, e)| t < *e)
}

/// [`inside`] for a time of day `day`, starting from that day's first window (`first`, from
/// [`Windows::index_days`]); falls back to the search when the day is not indexed.
fn inside_on(windows: &[(i64, i64)], first: &[u32], day: u32, t: i64) -> bool {
    let Some(&k) = first.get(day as usize) else {
        return inside(windows, t);
    };
    // Windows from k on end after the day's start; they are disjoint and sorted, so the first
    // one starting after t ends the search.
    for (s, e) in windows.iter().skip(k as usize) {
        if *s > t {
            return false;
        }
        if t < *e {
            return true;
        }
    }
    false
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
        let mut indexed = (*windows).clone();
        indexed.index_days(&days);
        RecordCodes {
            table,
            signature: Signature::any(table.columns().len(), Volatility::Immutable),
            days,
            windows: Arc::new(indexed),
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
            let per_key: Vec<ChannelWindows> = (0..v.len())
                .map(|i| windows.of_indexed(v.value(i)))
                .collect();
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
            if per_key
                .get(k)
                .is_some_and(|(w, first)| !w.is_empty() && inside_on(w, first, e, end.value(i)))
            {
                *code |= FAILURE;
            }
        }
    }
    Some(out)
}

/// Position + 1 of each dictionary value of a code column in its closed list (0 = not in it).
fn positions(
    batch: &RecordBatch,
    table: Table,
    name: &str,
    list: &[(&str, &str)],
) -> Option<(Vec<u32>, arrow::array::Int32Array)> {
    let d = batch
        .column(table.index(name)?)
        .as_dictionary_opt::<Int32Type>()?;
    let v = d.values().as_string_opt::<i32>()?;
    let pos = (0..v.len())
        .map(|i| {
            v.is_valid(i)
                .then(|| list.iter().position(|(c, _)| *c == v.value(i)))
                .flatten()
                .map_or(0, |p| u32::try_from(p + 1).unwrap_or(0))
        })
        .collect();
    Some((pos, d.keys().clone()))
}

/// The group key of every delivery record: [`codes`] plus, for a sound record, its channel,
/// source and connection (see the module's documentation).
pub fn delivery_keys(batch: &RecordBatch, days: &DayTable, windows: &Windows) -> Option<Vec<u32>> {
    let table = Table::Deliveries;
    let codes = codes(table, batch, days, windows)?;
    let (channel_pos, channel) = positions(batch, table, "channel", CHANNELS)?;
    let (source_pos, source) = positions(batch, table, "source", SOURCES)?;
    let connected = batch.column(table.index("connected")?).as_boolean_opt()?;
    let at = |pos: &[u32], keys: &arrow::array::Int32Array, i: usize| {
        usize::try_from(keys.value(i))
            .ok()
            .and_then(|k| pos.get(k).copied())
            .unwrap_or(0)
    };
    Some(
        codes
            .iter()
            .enumerate()
            .map(|(i, &code)| {
                let code = u32::from(code);
                if code & u32::from(REASON_MASK) != 0 {
                    return code;
                }
                // A sound record has a known channel and source and a connection flag.
                code | (at(&channel_pos, &channel, i) << CHANNEL_SHIFT)
                    | (at(&source_pos, &source, i) << SOURCE_SHIFT)
                    | if connected.value(i) { CONNECTED } else { 0 }
            })
            .collect(),
    )
}

/// The channel, source and connection a delivery key carries (`None` for a refused record).
pub fn decode_delivery_key(key: u32) -> Option<(&'static str, &'static str, bool)> {
    let channel = ((key >> CHANNEL_SHIFT) & 0xF) as usize;
    let source = ((key >> SOURCE_SHIFT) & 0x3) as usize;
    Some((
        CHANNELS.get(channel.checked_sub(1)?)?.0,
        SOURCES.get(source.checked_sub(1)?)?.0,
        key & CONNECTED != 0,
    ))
}

impl ScalarUDFImpl for RecordCodes {
    fn name(&self) -> &str {
        RecordCodes::name_of(self.table)
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(match self.table {
            Table::Deliveries => DataType::UInt32,
            _ => DataType::UInt16,
        })
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
        let out: ArrayRef = match self.table {
            Table::Deliveries => delivery_keys(&batch, &self.days, &self.windows)
                .map(|k| Arc::new(UInt32Array::from(k)) as ArrayRef),
            _ => codes(self.table, &batch, &self.days, &self.windows)
                .map(|c| Arc::new(UInt16Array::from(c)) as ArrayRef),
        }
        .map_or_else(
            || exec_err!("{}: columns of unexpected types", self.name()),
            Ok,
        )?;
        self.rows.fetch_add(n as u64, Ordering::Relaxed);
        Ok(ColumnarValue::Array(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The merged windows answer exactly like a scan of the windows as given, for overlapping,
    /// nested, touching, empty and reversed windows, at every second around them.
    #[test]
    fn merged_windows_answer_like_a_scan() {
        let cases: &[&[(i64, i64)]] = &[
            &[],
            &[(10, 20)],
            &[(10, 20), (15, 30)],
            &[(10, 40), (15, 20), (25, 30)],
            &[(10, 20), (20, 30)],
            &[(30, 40), (10, 20), (5, 5), (50, 45)],
            &[(0, 3), (2, 4), (6, 9), (8, 8), (1, 2)],
        ];
        for windows in cases {
            let mut w = Windows::default();
            for (s, e) in *windows {
                w.add("portal", *s, *e);
            }
            let m = w.of("portal");
            assert!(m.windows(2).all(|p| p[0].1 < p[1].0), "{m:?}");
            // Days of 10 seconds: the index by day answers like the search.
            let day_start = |d: u32| i64::from(d) * 10 - 10;
            let first: Vec<u32> = (0..8)
                .map(|d| m.partition_point(|(_, e)| *e <= day_start(d)) as u32)
                .collect();
            for t in -2..60 {
                let scan = windows.iter().any(|(s, e)| *s <= t && t < *e);
                assert_eq!(inside(m, t), scan, "{windows:?} at {t}");
                let day = ((t + 10).div_euclid(10)) as u32;
                assert_eq!(inside_on(m, &first, day, t), scan, "{windows:?} at {t}");
            }
            assert!(w.of("psc").is_empty());
        }
    }
}
