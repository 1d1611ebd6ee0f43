//! Working days as precomputed day ordinals, so a deadline is two array lookups instead of a walk
//! through the calendar (or a join with a calendar table).
//!
//! Built once from [`calendar::Calendar`] (its public API only): for every day of the calendar's
//! years, the number of working days from the first day up to and including it; and for every
//! such count, the day of that working day.

use calendar::Calendar;
use chrono::NaiveDate;

const SECONDS_PER_DAY: i64 = 86_400;

/// Day ordinals of the calendar's years.
#[derive(Debug, Clone)]
pub struct DayTable {
    /// Unix day number of the first day of the table.
    first_unix_day: i64,
    /// `cumulative[d]`: working days among days `0..=d`.
    cumulative: Vec<u32>,
    /// `working[k]`: the day index of the working day whose cumulative count is `k`
    /// (`working[0]` is unused).
    working: Vec<u32>,
}

impl DayTable {
    /// The table of every year the calendar has loaded (must be contiguous).
    pub fn new(cal: &Calendar) -> Result<DayTable, calendar::CalendarError> {
        let years: Vec<i32> = cal.years().map(|y| y.year).collect();
        let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
            return Err(calendar::CalendarError::NoCalendar {
                year: 0,
                detail: "не загружено ни одного года".to_string(),
            });
        };
        let start = NaiveDate::from_ymd_opt(first, 1, 1).unwrap_or_default();
        let end = NaiveDate::from_ymd_opt(last + 1, 1, 1).unwrap_or_default();
        let mut cumulative = Vec::new();
        let mut working = vec![0u32];
        let mut count = 0u32;
        let mut d = start;
        let mut index = 0u32;
        while d < end {
            if cal.is_working_day(d)? {
                count += 1;
                working.push(index);
            }
            cumulative.push(count);
            d = d.succ_opt().unwrap_or(end);
            index += 1;
        }
        Ok(DayTable {
            first_unix_day: start
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp().div_euclid(SECONDS_PER_DAY))
                .unwrap_or(0),
            cumulative,
            working,
        })
    }

    /// The shipped calendar's table (2014–2026).
    pub fn embedded() -> Result<DayTable, calendar::CalendarError> {
        DayTable::new(&Calendar::embedded()?)
    }

    /// The day index (0 = the table's first day) of a moment in seconds since 1970, if inside
    /// the table.
    pub fn day_of(&self, seconds: i64) -> Option<u32> {
        let d = seconds.div_euclid(SECONDS_PER_DAY) - self.first_unix_day;
        u32::try_from(d)
            .ok()
            .filter(|d| (*d as usize) < self.cumulative.len())
    }

    /// Seconds since 1970 of the start of a day index.
    pub fn start_of(&self, day: u32) -> i64 {
        (self.first_unix_day + i64::from(day)) * SECONDS_PER_DAY
    }

    /// Number of days in the table.
    pub fn len(&self) -> usize {
        self.cumulative.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }

    pub fn is_working(&self, day: u32) -> bool {
        let d = day as usize;
        match d {
            0 => self.cumulative.first().is_some_and(|c| *c == 1),
            _ => self.cumulative.get(d) != self.cumulative.get(d - 1),
        }
    }

    /// The last day of a period of `n` working days after `day` (the day after is day 1;
    /// `n = 0` is the day itself), as [`Calendar::add_working_days`]; `None` past the table.
    pub fn add_working_days(&self, day: u32, n: u32) -> Option<u32> {
        if n == 0 {
            return Some(day);
        }
        let c = *self.cumulative.get(day as usize)?;
        self.working.get((c + n) as usize).copied()
    }

    /// The last day of a period of `n` calendar days after `day`; `None` past the table.
    pub fn add_calendar_days(&self, day: u32, n: u32) -> Option<u32> {
        let d = day.checked_add(n)?;
        ((d as usize) < self.cumulative.len()).then_some(d)
    }

    /// The deadline day of a term (`working` = in working days), `None` past the table.
    pub fn deadline(&self, day: u32, term: u32, working: bool) -> Option<u32> {
        if working {
            self.add_working_days(day, term)
        } else {
            self.add_calendar_days(day, term)
        }
    }

    /// Working days among the table's days up to and including `day`.
    pub fn cumulative(&self, day: u32) -> Option<u32> {
        self.cumulative.get(day as usize).copied()
    }

    /// Unix day number (days since 1970-01-01) of a day index.
    pub fn unix_day(&self, day: u32) -> i64 {
        self.first_unix_day + i64::from(day)
    }

    /// The date of a day index.
    pub fn date(&self, day: u32) -> Option<NaiveDate> {
        chrono::DateTime::from_timestamp(self.start_of(day), 0).map(|t| t.date_naive())
    }

    /// The day index of a date.
    pub fn index(&self, date: NaiveDate) -> Option<u32> {
        self.day_of(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
    }
}
