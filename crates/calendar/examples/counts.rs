//! Prints the number of working days of every shipped year (five-day week).
use calendar::Calendar;
use chrono::NaiveDate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cal = Calendar::embedded()?;
    for y in calendar::FIRST_YEAR..=calendar::LAST_YEAR {
        let a = NaiveDate::from_ymd_opt(y - 1, 12, 31).ok_or("date")?;
        let b = NaiveDate::from_ymd_opt(y, 12, 31).ok_or("date")?;
        let first = NaiveDate::from_ymd_opt(y, 1, 1).ok_or("date")?;
        let w = cal.working_days_between(first, b)? + i64::from(cal.is_working_day(first)?);
        let days = (b - a).num_days();
        println!("{y}: {w} рабочих, {} нерабочих", days - w);
    }
    Ok(())
}
