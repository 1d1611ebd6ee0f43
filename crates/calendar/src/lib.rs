//! Kazakhstan's working-day calendar: public holidays, religious days off, days off moved from
//! holidays that fell on a weekend, and each year's transfers of days off — all as data files
//! (`data/YYYY.toml`, embedded), each day with its legal basis.
//!
//! No IO in the logic: the shipped files are embedded with `include_str!` and parsed;
//! [`Calendar::load_dir`] reads a folder at the edge. A year without data is an error
//! ([`CalendarError::NoCalendar`]), never a guess.
//!
//! ```
//! use calendar::Calendar;
//! use chrono::NaiveDate;
//!
//! let cal = Calendar::embedded()?;
//! // A conclusion received on Monday 18 March 2019; objections within five working days.
//! let received = NaiveDate::from_ymd_opt(2019, 3, 18).ok_or("date")?;
//! let deadline = cal.deadline_working_days(received, 5)?;
//! assert_eq!(deadline.last_day, NaiveDate::from_ymd_opt(2019, 3, 28).ok_or("date")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod calendar;
mod data;
mod embedded;
mod error;
mod text;

pub use calendar::{Calendar, DayStatus, Deadline, Late, Period};
pub use data::{parse_year, DayKind, DayOff, Source, Status, Transfer, YearData};
pub use embedded::{FIRST_YEAR, LAST_YEAR};
pub use error::{CalendarError, DataIssue};
pub use text::ru_date;
