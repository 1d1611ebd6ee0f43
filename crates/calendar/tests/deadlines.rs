//! Deadlines across New Year, Nauryz, a transferred day off, a weekend and 31 December: the last
//! allowed day is accepted, the next one refused with both dates.

use calendar::{Calendar, CalendarError, DayStatus};
use chrono::NaiveDate;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn cal() -> Result<Calendar, CalendarError> {
    Calendar::embedded()
}

/// Objections within five working days of receiving the conclusion: the last day is accepted,
/// the next calendar day refused, and the refusal names the deadline, the event and the date.
fn window(
    cal: &Calendar,
    received: NaiveDate,
    last: NaiveDate,
) -> Result<(), Box<dyn std::error::Error>> {
    let d = cal.deadline_working_days(received, 5)?;
    assert_eq!(d.last_day, last, "received {received}");
    assert!(d.is_on_or_before(last));
    assert!(d.check(last).is_ok());
    let next = last.succ_opt().ok_or("date")?;
    assert!(!d.is_on_or_before(next));
    let late = d
        .check(next)
        .err()
        .ok_or("a late objection must be refused")?;
    let msg = late.to_string();
    for date in [last, received, next] {
        assert!(msg.contains(&calendar::ru_date(date)), "{msg}");
    }
    assert_eq!(cal.working_days_between(received, last)?, 5);
    Ok(())
}

#[test]
fn across_nauryz_2019() -> Result<(), Box<dyn std::error::Error>> {
    let c = cal()?;
    // Mon 18.03: 19, 20 are days 1–2; 21–22 Nauryz, 23 Nauryz on a Saturday, 24 Sunday,
    // 25 the day off moved from 23 (art. 5 of the Law on holidays); 26, 27, 28 are days 3–5.
    assert!(!c.is_working_day(ymd(2019, 3, 25))?);
    window(&c, ymd(2019, 3, 18), ymd(2019, 3, 28))
}

#[test]
fn across_new_year_2022_2023() -> Result<(), Box<dyn std::error::Error>> {
    let c = cal()?;
    // Tue 27.12.2022: 28, 29, 30 (days 1–3); 31 Saturday; 1 Jan (Sunday) and 2 Jan holidays;
    // 3 Jan the day off moved from 1 Jan; 4, 5 Jan are days 4–5.
    assert!(c.is_working_day(ymd(2022, 12, 30))?);
    assert!(matches!(c.status(ymd(2023, 1, 3))?, DayStatus::DayOff(_)));
    window(&c, ymd(2022, 12, 27), ymd(2023, 1, 5))
}

#[test]
fn across_a_transferred_day_off() -> Result<(), Box<dyn std::error::Error>> {
    let c = cal()?;
    // Thu 02.05.2019: Fri 3 (1), Saturday 4 made a working day by the decree (2), Mon 6 (3),
    // 7 Defender's Day, Wed 8 (4), 9 Victory Day, Fri 10 the day off moved from Saturday 4,
    // weekend, Mon 13 (5).
    assert!(c.is_working_day(ymd(2019, 5, 4))?);
    assert!(!c.is_working_day(ymd(2019, 5, 10))?);
    window(&c, ymd(2019, 5, 2), ymd(2019, 5, 13))
}

#[test]
fn across_31_december_made_a_day_off() -> Result<(), Box<dyn std::error::Error>> {
    let c = cal()?;
    // Wed 26.12.2018: 27, 28 (1–2), Saturday 29 made a working day (3), Sunday 30,
    // Mon 31 the day off moved from 29, 1–2 Jan 2019 New Year, Thu 3 and Fri 4 (4–5).
    assert!(!c.is_working_day(ymd(2018, 12, 31))?);
    window(&c, ymd(2018, 12, 26), ymd(2019, 1, 4))
}

#[test]
fn across_a_weekend_and_8_march() -> Result<(), Box<dyn std::error::Error>> {
    let c = cal()?;
    // Fri 01.03.2019: Mon 4 … Thu 7 (1–4), Fri 8 Women's Day, weekend, Mon 11 (5).
    window(&c, ymd(2019, 3, 1), ymd(2019, 3, 11))
}

#[test]
fn across_new_year_2020_with_a_working_sunday() -> Result<(), Box<dyn std::error::Error>> {
    let c = cal()?;
    // Mon 30.12.2019: 31 Dec (1); 1–2 Jan New Year; Fri 3 the day off moved from Sunday 5,
    // Saturday 4; Sunday 5 a working day (2); Mon 6 (3); 7 Christmas; 8, 9 (4–5).
    assert!(c.is_working_day(ymd(2020, 1, 5))?);
    window(&c, ymd(2019, 12, 30), ymd(2020, 1, 9))
}

#[test]
fn a_deadline_on_31_december_itself() -> Result<(), Box<dyn std::error::Error>> {
    let c = cal()?;
    // Tue 24.12.2019: 25, 26, 27, 30, 31 — the fifth working day is 31 December.
    window(&c, ymd(2019, 12, 24), ymd(2019, 12, 31))
}

#[test]
fn fifteen_calendar_days() -> Result<(), Box<dyn std::error::Error>> {
    let c = cal()?;
    // A commission deciding within fifteen calendar days of receiving objections on 29.03.2019.
    let d = c.deadline_calendar_days(ymd(2019, 3, 29), 15)?;
    assert_eq!(d.last_day, ymd(2019, 4, 13));
    assert!(d.check(ymd(2019, 4, 13)).is_ok());
    let msg = d
        .check(ymd(2019, 4, 14))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(
        msg,
        "срок истёк 13.04.2019: 15 календарных дней со дня 29.03.2019; 14.04.2019 — после срока"
    );
    // 13.04.2019 is a Saturday: the caller may roll to the next working day when the procedure says so.
    assert_eq!(
        c.next_working_day_on_or_after(ymd(2019, 4, 13))?,
        ymd(2019, 4, 15)
    );
    Ok(())
}

#[test]
fn a_year_without_data_is_refused_not_guessed() -> Result<(), Box<dyn std::error::Error>> {
    let c = cal()?;
    let err = c
        .deadline_working_days(ymd(2026, 12, 28), 5)
        .err()
        .ok_or("must fail")?;
    assert!(
        err.to_string()
            .starts_with("нет производственного календаря на 2027 год: "),
        "{err}"
    );
    Ok(())
}
