//! Loading at the edge: a folder of files, several files together, errors across files.

use calendar::{Calendar, CalendarError};

type R = Result<(), Box<dyn std::error::Error>>;

fn data_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

#[test]
fn the_folder_and_the_embedded_files_agree() -> R {
    let from_dir = Calendar::load_dir(&data_dir())?;
    let embedded = Calendar::embedded()?;
    let a: Vec<_> = from_dir
        .years()
        .map(|y| (y.year, &y.days, &y.transfers))
        .collect();
    let b: Vec<_> = embedded
        .years()
        .map(|y| (y.year, &y.days, &y.transfers))
        .collect();
    assert_eq!(a, b);
    Ok(())
}

#[test]
fn for_years_loads_only_those_years() -> R {
    let cal = Calendar::for_years(2019..=2020)?;
    assert_eq!(
        cal.years().map(|y| y.year).collect::<Vec<_>>(),
        vec![2019, 2020]
    );
    let d = chrono::NaiveDate::from_ymd_opt(2018, 12, 28).ok_or("date")?;
    let err = cal.is_working_day(d).err().ok_or("2018 is not loaded")?;
    assert_eq!(
        err.to_string(),
        "нет производственного календаря на 2018 год: дата 28.12.2018 не может быть проверена (загружены годы 2019–2020)"
    );
    Ok(())
}

#[test]
fn problems_of_all_files_are_collected() -> R {
    let good = std::fs::read_to_string(data_dir().join("2019.toml"))?;
    let bad = good.replacen("working_day = 2019-05-04", "working_day = 2019-05-06", 1);
    let wrong_year = good.replacen("year = 2019", "year = 2018", 1);
    let err = Calendar::from_files([
        ("a/2019.toml", bad.as_str()),
        ("b/2020.toml", wrong_year.as_str()),
    ])
    .err()
    .ok_or("must fail")?;
    let CalendarError::Data(issues) = &err else {
        return Err(format!("unexpected {err}").into());
    };
    assert_eq!(issues[0].file, "a/2019.toml");
    assert!(issues[0].message.contains("понедельник"), "{err}");
    assert!(
        issues.iter().any(|i| i.file == "b/2020.toml"
            && i.line == 3
            && i.message.contains("не совпадает с именем файла")),
        "{err}"
    );
    assert!(err
        .to_string()
        .starts_with("ошибки в данных производственного календаря:\na/2019.toml:"));
    // The same year twice is refused.
    let twice = Calendar::from_files([
        ("x/2019.toml", good.as_str()),
        ("y/2019.toml", good.as_str()),
    ]);
    assert!(matches!(twice, Err(CalendarError::Data(_))));
    Ok(())
}

#[test]
fn a_missing_folder_is_an_io_error() {
    let r = Calendar::load_dir(std::path::Path::new("/nonexistent/calendar"));
    assert!(matches!(r, Err(CalendarError::Io { .. })));
}
