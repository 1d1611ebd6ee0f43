//! Property tests of working-day arithmetic over the shipped years.

use std::sync::OnceLock;

use calendar::{Calendar, CalendarError};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

/// Parsed once for all cases.
fn shared() -> Result<&'static Calendar, TestCaseError> {
    static CAL: OnceLock<Result<Calendar, CalendarError>> = OnceLock::new();
    CAL.get_or_init(Calendar::embedded)
        .as_ref()
        .map_err(|e| TestCaseError::fail(e.to_string()))
}

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2014, 1, 1)
        .and_then(|d| d.checked_add_days(Days::new(offset)))
        .unwrap_or_default()
}

// 2014-01-01 plus up to 4 700 days stays before December 2026.
const SPAN: u64 = 4_700;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn adding_working_days_lands_on_a_working_day(offset in 0..SPAN, n in 1u32..45) {
        let cal = shared()?;
        let d = day(offset);
        let Ok(end) = cal.add_working_days(d, n) else { return Err(TestCaseError::reject("past 2026")) };
        prop_assert!(end > d);
        prop_assert_eq!(cal.is_working_day(end).ok(), Some(true));
        prop_assert_eq!(cal.working_days_between(d, end).ok(), Some(i64::from(n)));
        prop_assert_eq!(cal.working_days_between(end, d).ok(), Some(-i64::from(n)));
        // The day before the n-th working day has only n − 1 working days after d.
        let before = end.pred_opt().unwrap_or(end);
        prop_assert_eq!(cal.working_days_between(d, before).ok(), Some(i64::from(n) - 1));
        // One more working day lands strictly later.
        if let Ok(next) = cal.add_working_days(d, n + 1) {
            prop_assert!(next > end);
        }
    }

    #[test]
    fn calendar_days_are_plain_days(offset in 0..SPAN, n in 0u32..400) {
        let cal = shared()?;
        let d = day(offset);
        let end = cal.add_calendar_days(d, n).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!((end - d).num_days(), i64::from(n));
    }

    #[test]
    fn deadlines_accept_up_to_the_last_day(offset in 0..SPAN, n in 1u32..20, late in 1u64..10) {
        let cal = shared()?;
        let d = day(offset);
        let Ok(deadline) = cal.deadline_working_days(d, n) else { return Err(TestCaseError::reject("past 2026")) };
        prop_assert!(deadline.check(deadline.last_day).is_ok());
        prop_assert!(deadline.check(d).is_ok());
        let after = deadline.last_day.checked_add_days(Days::new(late)).unwrap_or(deadline.last_day);
        prop_assert!(deadline.check(after).is_err());
    }
}
