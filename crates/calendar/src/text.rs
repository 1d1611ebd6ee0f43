//! Russian wording: dates, weekdays and plurals for messages.

use chrono::{Datelike, NaiveDate, Weekday};

/// `28.03.2019`, the way Kazakh official documents write dates.
pub fn ru_date(d: NaiveDate) -> String {
    format!("{:02}.{:02}.{:04}", d.day(), d.month(), d.year())
}

/// The weekday's name in the nominative case.
pub fn ru_weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "понедельник",
        Weekday::Tue => "вторник",
        Weekday::Wed => "среда",
        Weekday::Thu => "четверг",
        Weekday::Fri => "пятница",
        Weekday::Sat => "суббота",
        Weekday::Sun => "воскресенье",
    }
}

/// Picks the Russian plural form for `n`: `one` (1, 21…), `few` (2–4, 22–24…), `many` (the rest).
pub fn plural<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (n10, n100) = (n % 10, n % 100);
    if n10 == 1 && n100 != 11 {
        one
    } else if (2..=4).contains(&n10) && !(12..=14).contains(&n100) {
        few
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        let f = |n| plural(n, "рабочий день", "рабочих дня", "рабочих дней");
        assert_eq!(f(1), "рабочий день");
        assert_eq!(f(3), "рабочих дня");
        assert_eq!(f(5), "рабочих дней");
        assert_eq!(f(11), "рабочих дней");
        assert_eq!(f(12), "рабочих дней");
        assert_eq!(f(21), "рабочий день");
        assert_eq!(f(22), "рабочих дня");
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2019, 3, 8);
        assert_eq!(d.map(ru_date).as_deref(), Some("08.03.2019"));
    }
}
