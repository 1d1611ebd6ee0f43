//! The calendar: which days are working days, and deadlines counted in them.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::data::{parse_year, DayKind, DayOff, Transfer, YearData};
use crate::error::{CalendarError, DataIssue};
use crate::text::{plural, ru_date, ru_weekday};

/// Kazakhstan's working-day calendar for the years whose data is loaded.
///
/// A working day is a Monday to Friday that is not a holiday, a religious holiday, a day off
/// moved from a holiday that fell on a weekend, or a day off by transfer — plus the Saturdays and
/// Sundays (and, once, a moved day off) that a transfer made working days. This is the five-day
/// week of state bodies (госорганы work a five-day week). Asking about a date whose year is not
/// loaded is [`CalendarError::NoCalendar`], never a guess.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeMap<i32, YearData>,
    days_off: BTreeMap<NaiveDate, DayOff>,
    transfer_off: BTreeMap<NaiveDate, Transfer>,
    transfer_work: BTreeMap<NaiveDate, Transfer>,
}

/// What a day is, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayStatus<'a> {
    /// An ordinary working day (Monday to Friday).
    Working,
    /// A Saturday or Sunday (or a moved day off) made a working day by a transfer.
    WorkingByTransfer(&'a Transfer),
    /// An ordinary Saturday or Sunday.
    Weekend(Weekday),
    /// A holiday, a religious holiday or a day off moved from a holiday.
    DayOff(&'a DayOff),
    /// A weekday made a day off by a transfer.
    TransferredDayOff(&'a Transfer),
}

impl DayStatus<'_> {
    /// Whether the day is a working day.
    pub fn is_working(&self) -> bool {
        matches!(self, DayStatus::Working | DayStatus::WorkingByTransfer(_))
    }

    /// A Russian sentence explaining the day, for messages: the holiday's name and its legal basis.
    pub fn describe(&self, date: NaiveDate) -> String {
        let d = ru_date(date);
        match self {
            DayStatus::Working => format!("{d} ({}) — рабочий день", ru_weekday(date.weekday())),
            DayStatus::WorkingByTransfer(t) => format!(
                "{d} ({}) — рабочий день: день отдыха перенесён на {} (основание: {})",
                ru_weekday(date.weekday()),
                ru_date(t.day_off),
                t.basis
            ),
            DayStatus::Weekend(w) => format!("{d} ({}) — выходной день", ru_weekday(*w)),
            DayStatus::DayOff(o) => match o.kind {
                DayKind::Holiday => format!(
                    "{d} — нерабочий праздничный день: {} (основание: {})",
                    o.name, o.basis
                ),
                DayKind::Religious => format!(
                    "{d} — нерабочий день: {} (основание: {})",
                    o.name, o.basis
                ),
                DayKind::Moved { from } => format!(
                    "{d} — выходной день вместо праздничного дня {} ({}), совпавшего с выходным (основание: {})",
                    ru_date(from),
                    o.name,
                    o.basis
                ),
            },
            DayStatus::TransferredDayOff(t) => format!(
                "{d} — день отдыха, перенесённый с {} {} (основание: {})",
                ru_weekday_genitive(t.working_day.weekday()),
                ru_date(t.working_day),
                t.basis
            ),
        }
    }
}

fn ru_weekday_genitive(w: Weekday) -> &'static str {
    match w {
        Weekday::Sat => "субботы",
        Weekday::Sun => "воскресенья",
        Weekday::Mon => "понедельника",
        Weekday::Tue => "вторника",
        Weekday::Wed => "среды",
        Weekday::Thu => "четверга",
        Weekday::Fri => "пятницы",
    }
}

/// A period counted from an event: in working days or in calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// `n` working days, the day after the event being the first one counted.
    WorkingDays(u32),
    /// `n` calendar days, the day after the event being the first one counted.
    CalendarDays(u32),
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::WorkingDays(n) => write!(
                f,
                "{n} {}",
                plural(n.into(), "рабочий день", "рабочих дня", "рабочих дней")
            ),
            Period::CalendarDays(n) => write!(
                f,
                "{n} {}",
                plural(
                    n.into(),
                    "календарный день",
                    "календарных дня",
                    "календарных дней"
                )
            ),
        }
    }
}

/// The last day on which an action counted from an event is still in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The event the period runs from (e.g. the receipt of a conclusion).
    pub event: NaiveDate,
    /// The period.
    pub period: Period,
    /// The last day of the period: an action on this day is in time, the next day it is late.
    pub last_day: NaiveDate,
}

impl Deadline {
    /// Whether an action on `date` is in time (the deadline ends at the end of `last_day`).
    pub fn is_on_or_before(&self, date: NaiveDate) -> bool {
        date <= self.last_day
    }

    /// `Ok` when an action on `date` is in time, otherwise the refusal with both dates.
    pub fn check(&self, date: NaiveDate) -> Result<(), Late> {
        if self.is_on_or_before(date) {
            Ok(())
        } else {
            Err(Late {
                deadline: *self,
                date,
            })
        }
    }
}

/// An action after its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "срок истёк {}: {} со дня {}; {} — после срока",
    ru_date(.deadline.last_day),
    .deadline.period,
    ru_date(.deadline.event),
    ru_date(*.date)
)]
pub struct Late {
    /// The deadline missed.
    pub deadline: Deadline,
    /// The date of the late action.
    pub date: NaiveDate,
}

impl Calendar {
    /// The calendar of every year shipped with the crate (2014 to 2026).
    pub fn embedded() -> Result<Calendar, CalendarError> {
        Calendar::from_files(
            crate::embedded::FILES
                .iter()
                .map(|(y, t)| (format!("{y}.toml"), *t)),
        )
    }

    /// The calendar of the given years from the shipped data; a year without a shipped file is
    /// [`CalendarError::NoCalendar`].
    pub fn for_years(years: impl IntoIterator<Item = i32>) -> Result<Calendar, CalendarError> {
        let mut files = Vec::new();
        for year in years {
            match crate::embedded::FILES.iter().find(|(y, _)| *y == year) {
                Some((_, text)) => files.push((format!("{year}.toml"), *text)),
                None => {
                    return Err(CalendarError::NoCalendar {
                        year,
                        detail: format!("в поставке есть файлы за {}", crate::embedded::span()),
                    })
                }
            }
        }
        Calendar::from_files(files)
    }

    /// A calendar from data files given as (file name, text); every problem of every file is
    /// collected before failing.
    pub fn from_files<N: AsRef<str>, T: AsRef<str>>(
        files: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Calendar, CalendarError> {
        let mut issues = Vec::new();
        let mut parsed = Vec::new();
        for (name, text) in files {
            match parse_year(name.as_ref(), text.as_ref()) {
                Ok(y) => parsed.push(y),
                Err(mut i) => issues.append(&mut i),
            }
        }
        let mut cal = Calendar::default();
        for y in parsed {
            cal.add_year(y, &mut issues);
        }
        if issues.is_empty() {
            Ok(cal)
        } else {
            Err(CalendarError::Data(issues))
        }
    }

    fn add_year(&mut self, y: YearData, issues: &mut Vec<DataIssue>) {
        let here = |message: String| DataIssue {
            file: y.file.clone(),
            line: 1,
            column: 1,
            message,
        };
        if let Some(other) = self.years.get(&y.year) {
            issues.push(here(format!(
                "{} год уже загружен из {}",
                y.year, other.file
            )));
            return;
        }
        for d in &y.days {
            self.days_off.insert(d.date, d.clone());
        }
        for t in &y.transfers {
            if self.transfer_work.contains_key(&t.working_day) {
                issues.push(here(format!(
                    "рабочий день {} указан в переносах двух файлов",
                    ru_date(t.working_day)
                )));
            }
            self.transfer_off.insert(t.day_off, t.clone());
            self.transfer_work.insert(t.working_day, t.clone());
        }
        self.years.insert(y.year, y);
    }

    /// The years loaded, in order.
    pub fn years(&self) -> impl Iterator<Item = &YearData> {
        self.years.values()
    }

    fn covered(&self, date: NaiveDate) -> Result<(), CalendarError> {
        if self.years.contains_key(&date.year()) {
            return Ok(());
        }
        let detail = match (self.years.keys().next(), self.years.keys().next_back()) {
            (Some(a), Some(b)) if a == b => format!("загружен только {a} год"),
            (Some(a), Some(b)) => {
                let contiguous = usize::try_from(b - a + 1).is_ok_and(|n| n == self.years.len());
                if contiguous {
                    format!("загружены годы {a}–{b}")
                } else {
                    let list: Vec<String> = self.years.keys().map(ToString::to_string).collect();
                    format!("загружены годы {}", list.join(", "))
                }
            }
            _ => "не загружено ни одного года".to_string(),
        };
        Err(CalendarError::NoCalendar {
            year: date.year(),
            detail: format!("дата {} не может быть проверена ({detail})", ru_date(date)),
        })
    }

    /// What `date` is, and why.
    pub fn status(&self, date: NaiveDate) -> Result<DayStatus<'_>, CalendarError> {
        self.covered(date)?;
        if let Some(t) = self.transfer_work.get(&date) {
            return Ok(DayStatus::WorkingByTransfer(t));
        }
        if let Some(d) = self.days_off.get(&date) {
            return Ok(DayStatus::DayOff(d));
        }
        if let Some(t) = self.transfer_off.get(&date) {
            return Ok(DayStatus::TransferredDayOff(t));
        }
        match date.weekday() {
            w @ (Weekday::Sat | Weekday::Sun) => Ok(DayStatus::Weekend(w)),
            _ => Ok(DayStatus::Working),
        }
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.status(date)?.is_working())
    }

    /// Why `date` is not a working day, as a Russian sentence with the holiday's name and legal
    /// basis; `None` for a working day.
    pub fn non_working_reason(&self, date: NaiveDate) -> Result<Option<String>, CalendarError> {
        let s = self.status(date)?;
        Ok((!s.is_working()).then(|| s.describe(date)))
    }

    /// The date `n` working days after `date`.
    ///
    /// Counting follows the seeds' «в течение пяти рабочих дней со дня получения»: the event day
    /// itself is not counted, the first working day *after* it is day 1, and the result is the
    /// n-th working day — the last day of the period, which ends at the end of that day. `n = 0`
    /// gives `date` itself. Every day crossed must belong to a loaded year.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// The date `n` calendar days after `date` (the day after the event is day 1). No holiday
    /// rule is applied: whether a period in calendar days ending on a non-working day is extended
    /// is the procedure's decision; see [`Calendar::next_working_day_on_or_after`].
    pub fn add_calendar_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        date.checked_add_days(Days::new(n.into()))
            .ok_or(CalendarError::OutOfRange {
                from: date,
                days: n.into(),
            })
    }

    /// `date` if it is a working day, otherwise the next working day.
    pub fn next_working_day_on_or_after(
        &self,
        date: NaiveDate,
    ) -> Result<NaiveDate, CalendarError> {
        let mut d = date;
        while !self.is_working_day(d)? {
            d = next_day(d)?;
        }
        Ok(d)
    }

    /// The number of working days after `a` up to and including `b` (negative when `b` is before
    /// `a`), so that `working_days_between(d, add_working_days(d, n)?) == n`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
        if b < a {
            return Ok(-self.working_days_between(b, a)?);
        }
        let mut count = 0i64;
        let mut d = a;
        while d < b {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// The deadline of an action due within `n` working days of `event`.
    pub fn deadline_working_days(
        &self,
        event: NaiveDate,
        n: u32,
    ) -> Result<Deadline, CalendarError> {
        Ok(Deadline {
            event,
            period: Period::WorkingDays(n),
            last_day: self.add_working_days(event, n)?,
        })
    }

    /// The deadline of an action due within `n` calendar days of `event`.
    pub fn deadline_calendar_days(
        &self,
        event: NaiveDate,
        n: u32,
    ) -> Result<Deadline, CalendarError> {
        Ok(Deadline {
            event,
            period: Period::CalendarDays(n),
            last_day: self.add_calendar_days(event, n)?,
        })
    }

    /// Reads every `YYYY.toml` file of a folder (the IO edge; the logic above does none).
    pub fn load_dir(dir: &std::path::Path) -> Result<Calendar, CalendarError> {
        let io = |e: std::io::Error| CalendarError::Io {
            path: dir.display().to_string(),
            message: e.to_string(),
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path).map_err(|e| CalendarError::Io {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?;
                files.push((path.display().to_string(), text));
            }
        }
        files.sort();
        Calendar::from_files(files)
    }
}

fn next_day(d: NaiveDate) -> Result<NaiveDate, CalendarError> {
    d.succ_opt()
        .ok_or(CalendarError::OutOfRange { from: d, days: 1 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn cal() -> Calendar {
        match Calendar::embedded() {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_missing_year_is_an_error_naming_it() {
        let c = cal();
        let e = c.is_working_day(ymd(2027, 1, 4)).err();
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.starts_with("нет производственного календаря на 2027 год: "),
            "{msg}"
        );
        assert!(msg.contains("2014–2026"), "{msg}");
        let e = Calendar::for_years([2019, 2027])
            .err()
            .map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|m| m.starts_with("нет производственного календаря на 2027 год")),
            "{e:?}"
        );
        // A deadline running into a missing year fails too, rather than guessing.
        let only_2026 = Calendar::for_years([2026]);
        let r = only_2026.and_then(|c| c.add_working_days(ymd(2026, 12, 29), 5));
        assert!(
            matches!(r, Err(CalendarError::NoCalendar { year: 2027, .. })),
            "{r:?}"
        );
    }

    #[test]
    fn statuses_and_reasons() {
        let c = cal();
        let r = c
            .non_working_reason(ymd(2019, 3, 21))
            .ok()
            .flatten()
            .unwrap_or_default();
        assert!(
            r.contains("Наурыз мейрамы") && r.contains("О праздниках"),
            "{r}"
        );
        let r = c
            .non_working_reason(ymd(2019, 3, 25))
            .ok()
            .flatten()
            .unwrap_or_default();
        assert!(r.contains("вместо праздничного дня 23.03.2019"), "{r}");
        let r = c
            .non_working_reason(ymd(2019, 5, 10))
            .ok()
            .flatten()
            .unwrap_or_default();
        assert!(r.contains("перенесённый с субботы 04.05.2019"), "{r}");
        assert_eq!(c.non_working_reason(ymd(2019, 5, 4)).ok().flatten(), None);
        assert!(matches!(
            c.status(ymd(2019, 5, 4)),
            Ok(DayStatus::WorkingByTransfer(_))
        ));
        // 2020: the Government made Monday 11 May (the day off for Victory Day on a Saturday)
        // a working day and Friday 8 May a day off.
        assert_eq!(c.is_working_day(ymd(2020, 5, 11)).ok(), Some(true));
        assert_eq!(c.is_working_day(ymd(2020, 5, 8)).ok(), Some(false));
    }

    #[test]
    fn counting_is_from_the_day_after() {
        let c = cal();
        // Monday 4 March 2019 + 1 working day = Tuesday 5 March.
        assert_eq!(
            c.add_working_days(ymd(2019, 3, 4), 1).ok(),
            Some(ymd(2019, 3, 5))
        );
        assert_eq!(
            c.add_working_days(ymd(2019, 3, 4), 0).ok(),
            Some(ymd(2019, 3, 4))
        );
        // From a Friday, day 1 is the Monday.
        assert_eq!(
            c.add_working_days(ymd(2019, 3, 1), 1).ok(),
            Some(ymd(2019, 3, 4))
        );
        assert_eq!(
            c.add_calendar_days(ymd(2019, 3, 1), 15).ok(),
            Some(ymd(2019, 3, 16))
        );
        assert_eq!(
            c.working_days_between(ymd(2019, 3, 5), ymd(2019, 3, 4))
                .ok(),
            Some(-1)
        );
    }

    #[test]
    fn late_message_has_both_dates() {
        let c = cal();
        let d = c.deadline_working_days(ymd(2019, 3, 18), 5);
        let msg = d
            .ok()
            .and_then(|d| d.check(ymd(2019, 3, 29)).err())
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            msg,
            "срок истёк 28.03.2019: 5 рабочих дней со дня 18.03.2019; 29.03.2019 — после срока"
        );
    }
}
