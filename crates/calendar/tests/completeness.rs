//! Each year's file is complete: every holiday the Law on holidays (as amended) gives for that
//! year, the religious days off of the Labour Code, every day off moved by art. 5 of the Law, and
//! every transfer of the year's acts — no more, no less. The expectations are written here
//! independently of the data files, from the rules of the law, and checked against published
//! yearly totals.

use std::collections::BTreeMap;

use calendar::{Calendar, DayKind, FIRST_YEAR, LAST_YEAR};
use chrono::{Datelike, Days, NaiveDate, Weekday};

type R = Result<(), Box<dyn std::error::Error>>;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The holidays (праздничные дни) of the Law on holidays for a year, by its amendments:
/// 7 May from 2013, 6 July from 2009; 30 August until 2025 (the 2026 Constitution moves
/// Constitution Day to 15 March from 2027); 1 December and 17 December until 2021 and
/// 25 October from 2022 (the law of September 2022 on cinematography, culture and holidays).
fn law_holidays(y: i32) -> Vec<(NaiveDate, &'static str)> {
    let mut v = vec![
        (ymd(y, 1, 1), "Новый год"),
        (ymd(y, 1, 2), "Новый год"),
        (ymd(y, 3, 8), "Международный женский день"),
        (ymd(y, 3, 21), "Наурыз мейрамы"),
        (ymd(y, 3, 22), "Наурыз мейрамы"),
        (ymd(y, 3, 23), "Наурыз мейрамы"),
        (ymd(y, 5, 1), "Праздник единства народа Казахстана"),
        (ymd(y, 5, 7), "День защитника Отечества"),
        (ymd(y, 5, 9), "День Победы"),
        (ymd(y, 7, 6), "День Столицы"),
        (ymd(y, 12, 16), "День Независимости"),
    ];
    if y <= 2025 {
        v.push((ymd(y, 8, 30), "День Конституции Республики Казахстан"));
    }
    if y <= 2021 {
        v.push((
            ymd(y, 12, 1),
            "День Первого Президента Республики Казахстан",
        ));
        v.push((ymd(y, 12, 17), "День Независимости"));
    } else {
        v.push((ymd(y, 10, 25), "День Республики"));
    }
    v.sort();
    v
}

/// The first day of Kurban Ait (a day off by the Labour Code, not moved from a weekend).
fn kurban_ait(y: i32) -> Option<NaiveDate> {
    let (m, d) = match y {
        2014 => (10, 4),
        2015 => (9, 24),
        2016 => (9, 12),
        2017 => (9, 1),
        2018 => (8, 21),
        2019 => (8, 11),
        2020 => (7, 31),
        2021 => (7, 20),
        2022 => (7, 9),
        2023 => (6, 28),
        2024 => (6, 16),
        2025 => (6, 6),
        2026 => (5, 27),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The transfers of each year's acts: (day off, working day).
fn transfers(y: i32) -> Vec<(NaiveDate, NaiveDate)> {
    match y {
        2014 => vec![
            (ymd(2014, 1, 3), ymd(2013, 12, 28)),
            (ymd(2014, 5, 2), ymd(2014, 5, 4)),
            (ymd(2014, 5, 8), ymd(2014, 5, 11)),
        ],
        2016 => vec![(ymd(2016, 3, 7), ymd(2016, 3, 5))],
        2017 => vec![
            (ymd(2017, 3, 20), ymd(2017, 3, 18)),
            (ymd(2017, 7, 7), ymd(2017, 7, 1)),
        ],
        2018 => vec![
            (ymd(2018, 3, 9), ymd(2018, 3, 3)),
            (ymd(2018, 4, 30), ymd(2018, 4, 28)),
            (ymd(2018, 5, 8), ymd(2018, 5, 5)),
            (ymd(2018, 8, 31), ymd(2018, 8, 25)),
            (ymd(2018, 12, 31), ymd(2018, 12, 29)),
        ],
        2019 => vec![(ymd(2019, 5, 10), ymd(2019, 5, 4))],
        2020 => vec![
            (ymd(2020, 1, 3), ymd(2020, 1, 5)),
            (ymd(2020, 5, 8), ymd(2020, 5, 11)),
            (ymd(2020, 12, 18), ymd(2020, 12, 20)),
        ],
        2021 => vec![(ymd(2021, 7, 5), ymd(2021, 7, 3))],
        2022 => vec![
            (ymd(2022, 3, 7), ymd(2022, 3, 5)),
            (ymd(2022, 8, 29), ymd(2022, 8, 27)),
            (ymd(2022, 10, 24), ymd(2022, 10, 22)),
        ],
        2023 => vec![(ymd(2023, 7, 7), ymd(2023, 7, 1))],
        2024 => vec![(ymd(2024, 5, 8), ymd(2024, 5, 4))],
        2025 => vec![(ymd(2025, 1, 3), ymd(2025, 1, 5))],
        _ => vec![],
    }
}

fn weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Art. 5 of the Law: a holiday on a Saturday or Sunday gives a day off on the next working day
/// after the holiday(s); religious days off are not moved.
fn moved(y: i32) -> BTreeMap<NaiveDate, NaiveDate> {
    let hol = law_holidays(y);
    let mut taken: Vec<NaiveDate> = hol.iter().map(|h| h.0).collect();
    taken.push(ymd(y, 1, 7));
    taken.extend(kurban_ait(y));
    let mut out = BTreeMap::new();
    for (d, _) in hol.iter().filter(|h| weekend(h.0)) {
        let mut m = *d;
        loop {
            m = m.checked_add_days(Days::new(1)).unwrap_or(m);
            if !weekend(m) && !taken.contains(&m) {
                break;
            }
        }
        taken.push(m);
        out.insert(m, *d);
    }
    out
}

#[test]
fn every_year_is_shipped() -> R {
    let cal = Calendar::embedded()?;
    let years: Vec<i32> = cal.years().map(|y| y.year).collect();
    assert_eq!(years, (FIRST_YEAR..=LAST_YEAR).collect::<Vec<_>>());
    assert_eq!((FIRST_YEAR, LAST_YEAR), (2014, 2026));
    Ok(())
}

#[test]
fn each_years_file_is_complete() -> R {
    let cal = Calendar::embedded()?;
    for y in cal.years() {
        let year = y.year;
        let got: BTreeMap<NaiveDate, (DayKind, &str)> = y
            .days
            .iter()
            .map(|d| (d.date, (d.kind, d.name.as_str())))
            .collect();
        let mut want: BTreeMap<NaiveDate, (DayKind, &str)> = law_holidays(year)
            .into_iter()
            .map(|(d, n)| (d, (DayKind::Holiday, n)))
            .collect();
        want.insert(
            ymd(year, 1, 7),
            (DayKind::Religious, "Православное Рождество"),
        );
        let kurban = kurban_ait(year).ok_or("no Kurban Ait date in the test")?;
        want.insert(kurban, (DayKind::Religious, "Курбан айт (первый день)"));
        for (m, from) in moved(year) {
            let name = want.get(&from).map(|w| w.1).ok_or("moved from nothing")?;
            want.insert(m, (DayKind::Moved { from }, name));
        }
        assert_eq!(got, want, "{year}: days off differ from the law");
        let got_t: Vec<(NaiveDate, NaiveDate)> = y
            .transfers
            .iter()
            .map(|t| (t.day_off, t.working_day))
            .collect();
        assert_eq!(got_t, transfers(year), "{year}: transfers differ");
        for d in &y.days {
            assert!(!d.basis.is_empty(), "{year} {}: no legal basis", d.date);
        }
    }
    Ok(())
}

fn working_days_in(cal: &Calendar, y: i32) -> Result<i64, calendar::CalendarError> {
    let first = ymd(y, 1, 1);
    Ok(cal.working_days_between(first, ymd(y, 12, 31))? + i64::from(cal.is_working_day(first)?))
}

/// Yearly totals for the five-day week as published by the Ministry of Labour or the press.
#[test]
fn published_yearly_totals() -> R {
    let cal = Calendar::embedded()?;
    // 2016: «121 выходной» (egov.kz calendar, ibirzha.kz 18.01.2016) — 366 − 121.
    assert_eq!(working_days_in(&cal, 2016)?, 245);
    // 2019: «119 выходных» (egov.kz calendar, zakon.kz).
    assert_eq!(working_days_in(&cal, 2019)?, 246);
    // 2021: «отдохнут 120 дней» (the Ministry's production calendar, nur.kz).
    assert_eq!(working_days_in(&cal, 2021)?, 245);
    // 2022: 245 before the September 2022 amendment (Kazpravda); the amendment made 1 Dec and
    // 19 Dec (for 17 Dec on a Saturday) working days, added 25 Oct and the transfer
    // 22 Oct → 24 Oct: 245 + 2 − 2 + 1 = 246.
    assert_eq!(working_days_in(&cal, 2022)?, 246);
    // 2024: the Ministry's balance says 248, computed with Kurban Ait on Monday 17 June; the
    // Spiritual Administration then fixed it on Sunday 16 June and the Ministry confirmed
    // 17 June a working day: 249.
    assert_eq!(working_days_in(&cal, 2024)?, 249);
    // 2025: «отдохнут 119 дней» (Azattyq Rýhy, the published calendar).
    assert_eq!(working_days_in(&cal, 2025)?, 246);
    // 2026: «246 рабочих дней» (tengrinews, 11.12.2025) counted 31 August (for 30 August on a
    // Sunday) a day off; 30 August is no longer a holiday from 2026: 247.
    assert_eq!(working_days_in(&cal, 2026)?, 247);
    Ok(())
}

#[test]
fn unconfirmed_facts_are_listed() -> R {
    let cal = Calendar::embedded()?;
    let all: Vec<String> = cal.years().flat_map(|y| y.unconfirmed()).collect();
    // The list is what the report and docs/CALENDAR.md name; it must never be silently empty
    // for a fact marked unconfirmed, and every item carries its note.
    assert!(all.iter().all(|l| !l.trim_end().ends_with(':')), "{all:#?}");
    Ok(())
}
