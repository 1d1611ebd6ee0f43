//! Prints, per shipped year, the number of working days (five-day week) and every fact the data
//! marks unconfirmed: `cargo run -p calendar --example summary`.
use calendar::Calendar;
use chrono::NaiveDate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cal = Calendar::embedded()?;
    for y in cal.years() {
        let first = NaiveDate::from_ymd_opt(y.year, 1, 1).ok_or("date")?;
        let last = NaiveDate::from_ymd_opt(y.year, 12, 31).ok_or("date")?;
        let working =
            cal.working_days_between(first, last)? + i64::from(cal.is_working_day(first)?);
        let days = (last - first).num_days() + 1;
        println!(
            "{}: {working} рабочих, {} нерабочих; переносов: {}",
            y.year,
            days - working,
            y.transfers.len()
        );
    }
    println!("\nНе подтверждено:");
    for line in cal.years().flat_map(|y| y.unconfirmed()) {
        println!("- {line}");
    }
    Ok(())
}
