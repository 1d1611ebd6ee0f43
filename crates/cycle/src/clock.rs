//! Where the cycle's time comes from: the caller's clock, never the system's.

use std::cell::Cell;

use chrono::{Days, NaiveDate, NaiveDateTime};

/// The current moment (civil time of Astana; the cycle stores what it is given).
pub trait Clock {
    fn now(&self) -> NaiveDateTime;
}

/// A clock that stands still until moved: tests walk a year in milliseconds.
#[derive(Debug, Clone)]
pub struct FixedClock {
    now: Cell<NaiveDateTime>,
}

impl FixedClock {
    pub fn new(now: NaiveDateTime) -> FixedClock {
        FixedClock {
            now: Cell::new(now),
        }
    }

    /// At 10:00 on `date`.
    pub fn at_date(date: NaiveDate) -> FixedClock {
        FixedClock::new(ten(date))
    }

    pub fn set(&self, now: NaiveDateTime) {
        self.now.set(now);
    }

    /// To 10:00 on `date`.
    pub fn set_date(&self, date: NaiveDate) {
        self.now.set(ten(date));
    }

    /// `n` calendar days later, same time of day (unchanged if out of range).
    pub fn advance_days(&self, n: u64) {
        let now = self.now.get();
        self.now
            .set(now.checked_add_days(Days::new(n)).unwrap_or(now));
    }
}

fn ten(date: NaiveDate) -> NaiveDateTime {
    date.and_hms_opt(10, 0, 0).unwrap_or_default()
}

impl Clock for FixedClock {
    fn now(&self) -> NaiveDateTime {
        self.now.get()
    }
}
