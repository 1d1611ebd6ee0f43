//! The record rules of `docs/raw-records.md`, applied to a whole Arrow batch at once: each row
//! gets a [`Reason`] code (0 = the record is sound). The same function serves the readers of this
//! crate and the aggregation (as a DataFusion function), so a record refused by one is refused by
//! the other.

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, DictionaryArray, Int32Array, Int64Array, RecordBatch,
    StringArray, TimestampSecondArray,
};
use arrow::datatypes::Int32Type;

use crate::schema::{scale_range, Kind, Table};

/// Why a record is refused. The discriminant is the code carried in Arrow columns (`UInt8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[non_exhaustive]
pub enum Reason {
    /// A required value is empty.
    Missing = 1,
    /// A code outside its list.
    UnknownCode = 2,
    /// A term below 0 or above [`MAX_TERM`].
    TermOutOfRange = 3,
    /// A date outside the years of the calendar.
    DateOutsideCalendar = 4,
    /// Completed (answered, end) before submitted (registered, start).
    EndBeforeStart = 5,
    /// `status` and `completed` disagree (in progress with a completion, or done without one).
    StatusCompletion = 6,
    /// A refusal without its ground, or a ground without a refusal.
    RefusalGround = 7,
    /// `answered` and `outcome` not given together, or a court finding on an unanswered appeal.
    AnswerOutcome = 8,
    /// A CSV cell that is not a number.
    NotANumber = 9,
    /// A CSV cell that is not a date and time.
    NotADateTime = 10,
    /// A CSV cell that is not true/false.
    NotAFlag = 11,
    /// A CSV row with a different number of cells than the header.
    CellCount = 12,
    /// A survey answer outside its scale.
    AnswerOutOfScale = 13,
    /// A survey of a service the body does not deliver (not in the dataset's list of the
    /// body's services); found by the aggregation, which knows that list.
    UnknownService = 14,
}

/// The longest term accepted, days.
pub const MAX_TERM: i32 = 3650;

impl Reason {
    pub const ALL: [Reason; 14] = [
        Reason::Missing,
        Reason::UnknownCode,
        Reason::TermOutOfRange,
        Reason::DateOutsideCalendar,
        Reason::EndBeforeStart,
        Reason::StatusCompletion,
        Reason::RefusalGround,
        Reason::AnswerOutcome,
        Reason::NotANumber,
        Reason::NotADateTime,
        Reason::NotAFlag,
        Reason::CellCount,
        Reason::AnswerOutOfScale,
        Reason::UnknownService,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The reason in Russian, as the reading report prints it.
    pub fn text_ru(self) -> &'static str {
        match self {
            Reason::Missing => "не заполнено обязательное значение",
            Reason::UnknownCode => "код вне списка допустимых",
            Reason::TermOutOfRange => "срок меньше 0 или больше 3650 дней",
            Reason::DateOutsideCalendar => "дата вне лет производственного календаря (2014–2026)",
            Reason::EndBeforeStart => "окончание раньше начала",
            Reason::StatusCompletion => {
                "статус не согласуется с датой завершения (in_progress — только без даты)"
            }
            Reason::RefusalGround => "основание отказа задано без отказа или отказ без основания",
            Reason::AnswerOutcome => {
                "дата ответа и результат заданы не вместе или решение суда по обращению без ответа"
            }
            Reason::NotANumber => "не целое число",
            Reason::NotADateTime => "не дата и время ГГГГ-ММ-ДД ЧЧ:ММ:СС",
            Reason::NotAFlag => "не true/false",
            Reason::CellCount => "число ячеек в строке не равно числу столбцов",
            Reason::AnswerOutOfScale => {
                "ответ анкеты вне шкалы (10-балльная: 0–10, 5-балльная: 1–5)"
            }
            Reason::UnknownService => "опрос об услуге, которой нет в перечне услуг органа",
        }
    }
}

/// Seconds since 1970-01-01 00:00 of the first instant of the calendar's first year and of the
/// year after its last year.
pub fn calendar_span_seconds() -> (i64, i64) {
    let start = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp())
            .unwrap_or(0)
    };
    (start(calendar::FIRST_YEAR), start(calendar::LAST_YEAR + 1))
}

/// A column as dictionary keys plus, per dictionary entry, whether it is absent (an empty
/// value), a known code (any text for free-text columns) or an unknown one — decided once per
/// entry, so that each row costs one lookup.
struct Coded<'a> {
    keys: &'a Int32Array,
    values: &'a StringArray,
    entry: Vec<Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Absent,
    Known,
    Unknown,
}

impl Coded<'_> {
    /// The dictionary entry of a row (`None` for an empty key or one outside the dictionary).
    fn key(&self, row: usize) -> Option<usize> {
        if self.keys.is_null(row) {
            return None;
        }
        usize::try_from(self.keys.value(row))
            .ok()
            .filter(|k| *k < self.entry.len())
    }
    fn entry(&self, row: usize) -> Entry {
        self.key(row)
            .and_then(|k| self.entry.get(k).copied())
            .unwrap_or(Entry::Absent)
    }
    fn present(&self, row: usize) -> bool {
        self.entry(row) != Entry::Absent
    }
    fn text(&self, row: usize) -> Option<&str> {
        self.key(row)
            .filter(|k| self.values.is_valid(*k))
            .map(|k| self.values.value(k))
    }
    /// Per dictionary entry: whether it is the given code.
    fn is(&self, code: &str) -> Vec<bool> {
        (0..self.values.len())
            .map(|k| self.values.is_valid(k) && self.values.value(k) == code)
            .collect()
    }
}

fn coded(array: &ArrayRef, kind: Kind) -> Option<Coded<'_>> {
    let dict: &DictionaryArray<Int32Type> = array.as_dictionary_opt()?;
    let values = dict.values().as_string_opt::<i32>()?;
    let entry = (0..values.len())
        .map(|i| {
            if !values.is_valid(i) {
                Entry::Absent
            } else if match kind {
                Kind::Code(list) => list.iter().any(|(c, _)| *c == values.value(i)),
                _ => true,
            } {
                Entry::Known
            } else {
                Entry::Unknown
            }
        })
        .collect();
    Some(Coded {
        keys: dict.keys(),
        values,
        entry,
    })
}

/// Gives every still sound row the reason of its value: `missing` where the value is empty,
/// `bad(value)` otherwise (0 = sound). Without empty values the null buffer is not consulted.
fn mark<T: Copy>(
    out: &mut [u8],
    values: &[T],
    nulls: Option<&arrow::buffer::NullBuffer>,
    missing: u8,
    bad: impl Fn(T) -> u8,
) {
    match nulls.filter(|nb| nb.null_count() > 0) {
        None => {
            for (o, v) in out.iter_mut().zip(values) {
                if *o == 0 {
                    *o = bad(*v);
                }
            }
        }
        Some(nb) => {
            for (i, (o, v)) in out.iter_mut().zip(values).enumerate() {
                if *o == 0 {
                    *o = if nb.is_null(i) { missing } else { bad(*v) };
                }
            }
        }
    }
}

/// The reason code of every row of a batch in the table's canonical schema
/// ([`Table::arrow_schema`]); `0` where the record is sound. A batch of another shape gives
/// `None` (the readers cast to the canonical schema first).
pub fn reasons(table: Table, batch: &RecordBatch) -> Option<Vec<u8>> {
    let n = batch.num_rows();
    let mut out = vec![0u8; n];
    let cols = table.columns();
    if batch.num_columns() != cols.len() {
        return None;
    }
    let (lo, hi) = calendar_span_seconds();
    let set = |out: &mut Vec<u8>, i: usize, r: Reason| {
        if out[i] == 0 {
            out[i] = r.code();
        }
    };
    // Column-wise: required values, codes, terms, dates in the calendar.
    for (column, c) in cols.iter().zip(batch.columns()) {
        let missing = if column.nullable {
            0
        } else {
            Reason::Missing.code()
        };
        match column.kind {
            Kind::Code(_) | Kind::Text => {
                let cd = coded(c, column.kind)?;
                let per_entry: Vec<u8> = cd
                    .entry
                    .iter()
                    .map(|e| match e {
                        Entry::Absent => missing,
                        Entry::Known => 0,
                        Entry::Unknown => Reason::UnknownCode.code(),
                    })
                    .collect();
                mark(&mut out, cd.keys.values(), cd.keys.nulls(), missing, |k| {
                    usize::try_from(k)
                        .ok()
                        .and_then(|k| per_entry.get(k).copied())
                        .unwrap_or(missing)
                });
            }
            Kind::Id => {
                let a: &Int64Array = c.as_primitive_opt()?;
                mark(&mut out, a.values(), a.nulls(), missing, |_| 0);
            }
            Kind::Days => {
                let a: &Int32Array = c.as_primitive_opt()?;
                mark(&mut out, a.values(), a.nulls(), missing, |v| {
                    if (0..=MAX_TERM).contains(&v) {
                        0
                    } else {
                        Reason::TermOutOfRange.code()
                    }
                });
            }
            Kind::Time => {
                let a: &TimestampSecondArray = c.as_primitive_opt()?;
                mark(&mut out, a.values(), a.nulls(), missing, |v| {
                    if (lo..hi).contains(&v) {
                        0
                    } else {
                        Reason::DateOutsideCalendar.code()
                    }
                });
            }
            Kind::Answer => {
                let a: &Int32Array = c.as_primitive_opt()?;
                mark(&mut out, a.values(), a.nulls(), missing, |_| 0);
            }
            Kind::Flag => {
                let a: &BooleanArray = c.as_boolean_opt()?;
                if a.null_count() > 0 {
                    for i in 0..n {
                        if a.is_null(i) && !column.nullable {
                            set(&mut out, i, Reason::Missing);
                        }
                    }
                }
            }
        }
    }
    let col = |name: &str| table.index(name).map(|i| batch.column(i));
    let time = |name: &str| {
        col(name).and_then(|c| c.as_primitive_opt::<arrow::datatypes::TimestampSecondType>())
    };
    match table {
        Table::Deliveries => {
            let submitted = time("submitted")?;
            let completed = time("completed")?;
            let status = coded(col("status")?, Kind::Text)?;
            let ground = coded(col("refusal_ground")?, Kind::Text)?;
            let (in_progress, refused) = (status.is("in_progress"), status.is("refused"));
            let of = |flags: &[bool], i: usize| {
                status
                    .key(i)
                    .and_then(|k| flags.get(k).copied())
                    .unwrap_or(false)
            };
            for i in 0..n {
                if out[i] != 0 {
                    continue;
                }
                let done = completed.is_valid(i);
                if of(&in_progress, i) == done {
                    set(&mut out, i, Reason::StatusCompletion);
                } else if of(&refused, i) != ground.present(i) {
                    set(&mut out, i, Reason::RefusalGround);
                } else if done && completed.value(i) < submitted.value(i) {
                    set(&mut out, i, Reason::EndBeforeStart);
                }
            }
        }
        Table::Appeals => {
            let registered = time("registered")?;
            let answered = time("answered")?;
            let outcome = coded(col("outcome")?, Kind::Text)?;
            let court: &BooleanArray = col("court_justified")?.as_boolean_opt()?;
            for i in 0..n {
                if out[i] != 0 {
                    continue;
                }
                let done = answered.is_valid(i);
                if done != outcome.present(i) || (!done && court.value(i)) {
                    set(&mut out, i, Reason::AnswerOutcome);
                } else if done && answered.value(i) < registered.value(i) {
                    set(&mut out, i, Reason::EndBeforeStart);
                }
            }
        }
        Table::Failures => {
            let start = time("start")?;
            let end = time("end")?;
            for i in 0..n {
                if out[i] == 0 && end.value(i) <= start.value(i) {
                    set(&mut out, i, Reason::EndBeforeStart);
                }
            }
        }
        Table::Surveys => {
            let scale = coded(col("scale")?, Kind::Text)?;
            let answers: Vec<&Int32Array> = ["satisfaction", "informedness"]
                .iter()
                .map(|name| col(name).and_then(|c| c.as_primitive_opt::<Int32Type>()))
                .collect::<Option<_>>()?;
            for i in 0..n {
                if out[i] != 0 {
                    continue;
                }
                // The scale is a known code here (checked column-wise above).
                let range = scale.text(i).and_then(scale_range);
                let outside = answers.iter().any(|a| {
                    a.is_valid(i) && !range.as_ref().is_some_and(|r| r.contains(&a.value(i)))
                });
                if outside {
                    set(&mut out, i, Reason::AnswerOutOfScale);
                }
            }
        }
    }
    Some(out)
}
