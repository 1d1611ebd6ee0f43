//! The raw records: published schema, readers that count refusals by reason, the day table, the
//! generator's exact counts.

use std::path::Path;

use bagalau_raw::days::DayTable;
use bagalau_raw::read::{read_csv, read_parquet, read_parquet_bytes};
use bagalau_raw::schema::{markdown, Table};
use bagalau_raw::write::{write_csv, ParquetSink};
use bagalau_raw::{RawError, Reason};
use chrono::NaiveDate;

const HEADER: &str =
    "id,source,service,body,unit,channel,submitted,term,term_unit,completed,status,refusal_ground,connected";

fn good(id: u32) -> String {
    format!(
        "{id},is,S1,MJ,,psc,2020-02-14 10:00:00,1,working_days,2020-02-17 11:00:00,delivered,,true"
    )
}

/// docs/raw-records.md is generated from the schema; `BAGALAU_WRITE_DOCS=1` rewrites it.
#[test]
fn docs_match_schema() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/raw-records.md");
    let text = markdown();
    if std::env::var_os("BAGALAU_WRITE_DOCS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        on_disk, text,
        "docs/raw-records.md differs from schema::markdown()"
    );
    for t in Table::ALL {
        for c in t.columns() {
            assert!(text.contains(&format!("| `{}` |", c.name)), "{}", c.name);
        }
    }
}

/// Every rule of the schema breaks one record; each is counted under its reason, with its line,
/// and the sound records are kept.
#[test]
fn csv_refusals_counted_by_reason() {
    let rows = [
        good(1),
        good(2),
        // line 4: required value missing (body)
        "3,is,S1,,,psc,2020-02-14 10:00:00,1,working_days,2020-02-17 11:00:00,delivered,,true".into(),
        // line 5: unknown channel
        "4,is,S1,MJ,,fax,2020-02-14 10:00:00,1,working_days,2020-02-17 11:00:00,delivered,,true".into(),
        // line 6: term out of range
        "5,is,S1,MJ,,psc,2020-02-14 10:00:00,-1,working_days,2020-02-17 11:00:00,delivered,,true".into(),
        // line 7: date outside the calendar
        "6,is,S1,MJ,,psc,2012-02-14 10:00:00,1,working_days,2020-02-17 11:00:00,delivered,,true".into(),
        // line 8: completed before submitted
        "7,is,S1,MJ,,psc,2020-02-14 10:00:00,1,working_days,2020-02-13 11:00:00,delivered,,true".into(),
        // line 9: in progress with a completion
        "8,is,S1,MJ,,psc,2020-02-14 10:00:00,1,working_days,2020-02-17 11:00:00,in_progress,,true".into(),
        // line 10: refused without ground
        "9,is,S1,MJ,,psc,2020-02-14 10:00:00,1,working_days,2020-02-17 11:00:00,refused,,true".into(),
        // line 11: not a number
        "x,is,S1,MJ,,psc,2020-02-14 10:00:00,1,working_days,2020-02-17 11:00:00,delivered,,true".into(),
        // line 12: not a date
        "11,is,S1,MJ,,psc,14.02.2020,1,working_days,2020-02-17 11:00:00,delivered,,true".into(),
        // line 13: not a flag
        "12,is,S1,MJ,,psc,2020-02-14 10:00:00,1,working_days,2020-02-17 11:00:00,delivered,,maybe".into(),
        // line 14: cell count
        "13,is,S1".into(),
        // line 15: a sound refusal and a sound record in progress
        "14,body,S2,MJ,ЦОН № 1,body,2020-02-14 10:00:00,5,calendar_days,2020-02-15 09:00:00,refused,п.9 стандарта,false".into(),
        "15,body,S2,MJ,,body,2020-02-14 10:00:00,5,calendar_days,,in_progress,,false".into(),
    ];
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let loaded = read_csv(Table::Deliveries, "d.csv", text.as_bytes()).unwrap();
    let r = &loaded.rejections;
    assert_eq!(loaded.rows(), 4);
    assert_eq!(r.accepted.get(&Table::Deliveries), Some(&4));
    let expect = [
        (Reason::Missing, 4),
        (Reason::UnknownCode, 5),
        (Reason::TermOutOfRange, 6),
        (Reason::DateOutsideCalendar, 7),
        (Reason::EndBeforeStart, 8),
        (Reason::StatusCompletion, 9),
        (Reason::RefusalGround, 10),
        (Reason::NotANumber, 11),
        (Reason::NotADateTime, 12),
        (Reason::NotAFlag, 13),
        (Reason::CellCount, 14),
    ];
    for (reason, line) in expect {
        assert_eq!(r.refused_of(Table::Deliveries, reason), 1, "{reason:?}");
        assert_eq!(
            r.examples[&(Table::Deliveries, reason)],
            vec![line],
            "{reason:?}"
        );
    }
    assert_eq!(r.total_refused(), 11);
    let report = r.text_ru();
    assert!(
        report.contains("принято записей 4, отклонено 11"),
        "{report}"
    );
    assert!(
        report.contains("код вне списка допустимых: 1 (записи 5)"),
        "{report}"
    );
}

#[test]
fn csv_header_must_name_every_column() {
    let e = read_csv(Table::Deliveries, "d.csv", b"id,source\n1,is\n").unwrap_err();
    assert!(
        matches!(e, RawError::MissingColumn { ref column, .. } if column == "service"),
        "{e}"
    );
    let dup = format!("{HEADER},body\n");
    let e = read_csv(Table::Deliveries, "d.csv", dup.as_bytes()).unwrap_err();
    assert!(matches!(e, RawError::DuplicateColumn { .. }), "{e}");
}

/// CSV → Parquet → reader: the same sound records and the same refusals (the Parquet reader
/// applies the same rules to rows it did not parse itself).
#[test]
fn parquet_reader_applies_the_same_rules() {
    let dir = tempfile::tempdir().unwrap();
    // Sound records, written to Parquet, then a batch with broken records built directly.
    let text = format!("{HEADER}\n{}\n{}\n", good(1), good(2));
    let loaded = read_csv(Table::Deliveries, "d.csv", text.as_bytes()).unwrap();
    let path = dir.path().join("deliveries.parquet");
    let mut sink = ParquetSink::create(Table::Deliveries, &path).unwrap();
    for b in &loaded.batches {
        sink.write(b).unwrap();
    }
    // A record that is refused: completed before submitted (built by reading a CSV row that only
    // the record rules refuse would drop it first, so the rule runs on the Parquet side here).
    let bad = broken_batch();
    sink.write(&bad).unwrap();
    sink.finish().unwrap();
    let back = read_parquet(Table::Deliveries, &path).unwrap();
    assert_eq!(back.rows(), 2);
    assert_eq!(
        back.rejections
            .refused_of(Table::Deliveries, Reason::EndBeforeStart),
        1
    );
    assert_eq!(
        back.rejections
            .refused_of(Table::Deliveries, Reason::Missing),
        1
    );
    assert_eq!(
        back.rejections.examples[&(Table::Deliveries, Reason::EndBeforeStart)],
        vec![3]
    );
    // CSV written back reads to the same records.
    let csv_path = dir.path().join("deliveries.csv");
    write_csv(Table::Deliveries, &csv_path, &back.batches).unwrap();
    let again = read_csv(
        Table::Deliveries,
        "d.csv",
        &std::fs::read(&csv_path).unwrap(),
    )
    .unwrap();
    assert_eq!(again.rows(), 2);
    assert_eq!(again.rejections.total_refused(), 0);
}

/// Two records the rules refuse: completed before submitted; no body.
fn broken_batch() -> arrow::array::RecordBatch {
    use arrow::array::*;
    use arrow::datatypes::Int32Type;
    use std::sync::Arc;
    let d = |v: Vec<Option<&str>>| -> ArrayRef {
        Arc::new(v.into_iter().collect::<DictionaryArray<Int32Type>>())
    };
    let t = bagalau_raw::read::parse_time;
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![3, 4])),
        d(vec![Some("is"), Some("is")]),
        d(vec![Some("S1"), Some("S1")]),
        d(vec![Some("MJ"), None]),
        d(vec![None, None]),
        d(vec![Some("psc"), Some("psc")]),
        Arc::new(TimestampSecondArray::from(vec![
            t("2020-02-14 10:00:00"),
            t("2020-02-14 10:00:00"),
        ])),
        Arc::new(Int32Array::from(vec![1, 1])),
        d(vec![Some("working_days"), Some("working_days")]),
        Arc::new(TimestampSecondArray::from(vec![
            t("2020-02-13 10:00:00"),
            t("2020-02-17 10:00:00"),
        ])),
        d(vec![Some("delivered"), Some("delivered")]),
        d(vec![None, None]),
        Arc::new(BooleanArray::from(vec![true, true])),
    ];
    RecordBatch::try_new(Table::Deliveries.arrow_schema(), cols).unwrap()
}

#[test]
fn parquet_garbage_is_a_file_error() {
    let e = read_parquet_bytes(Table::Deliveries, "x.parquet", b"PAR1 not really".to_vec())
        .unwrap_err();
    assert!(matches!(e, RawError::Parquet { .. }), "{e}");
}

/// The day table gives the calendar's own answers (every day of 2014–2025, several terms).
#[test]
fn day_table_agrees_with_the_calendar() {
    let cal = calendar::Calendar::embedded().unwrap();
    let t = DayTable::new(&cal).unwrap();
    let mut d = NaiveDate::from_ymd_opt(2014, 1, 1).unwrap();
    let end = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
    while d < end {
        let i = t.index(d).unwrap();
        assert_eq!(t.date(i), Some(d));
        assert_eq!(t.is_working(i), cal.is_working_day(d).unwrap(), "{d}");
        for n in [0u32, 1, 3, 10] {
            let want = cal.add_working_days(d, n).unwrap();
            assert_eq!(
                t.date(t.add_working_days(i, n).unwrap()),
                Some(want),
                "{d} + {n}"
            );
        }
        d = d.succ_opt().unwrap();
    }
}

/// The generator places exactly the late and failure counts it is asked for (checked with the
/// calendar, record by record).
#[test]
fn generator_counts_are_exact() {
    let days = DayTable::embedded().unwrap();
    let spec = bagalau_raw::generate::national_2020(
        &days,
        bagalau_raw::generate::Scale::Records(20_000),
        7,
    );
    let dir = tempfile::tempdir().unwrap();
    let w = bagalau_raw::generate::write_folder(
        &spec,
        &days,
        dir.path(),
        bagalau_raw::generate::Format::Csv,
    )
    .unwrap();
    assert_eq!(spec.bodies.len(), 39);
    let planned: u64 = spec
        .bodies
        .iter()
        .flat_map(|b| b.channels.iter())
        .map(|c| c.connected.total + c.other.total)
        .sum();
    let copies: u64 = w.deliveries - planned;
    assert!(
        copies > 0,
        "the bodies' own reports of connected services are written"
    );
    // Planted as realised: never more than asked (a small body may deliver fewer records of the
    // service than the report leaves out).
    assert!(!w.planted.is_empty());
    for p in &w.planted {
        let asked = spec
            .body_reports
            .iter()
            .find(|r| r.body == p.body && r.service == p.service && r.channel == p.channel)
            .expect("planted where asked");
        assert!(
            p.extra_late <= asked.extra_late && p.missing <= asked.missing,
            "{p:?}"
        );
    }
    let loaded = read_csv(
        Table::Deliveries,
        "deliveries.csv",
        &std::fs::read(dir.path().join("deliveries.csv")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        loaded.rejections.total_refused(),
        0,
        "{}",
        loaded.rejections.text_ru()
    );
    assert_eq!(loaded.rows() as u64, w.deliveries);
    // Same seed, same records.
    let dir2 = tempfile::tempdir().unwrap();
    bagalau_raw::generate::write_folder(
        &spec,
        &days,
        dir2.path(),
        bagalau_raw::generate::Format::Csv,
    )
    .unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("deliveries.csv")).unwrap(),
        std::fs::read(dir2.path().join("deliveries.csv")).unwrap()
    );
}

const SURVEY_HEADER: &str =
    "id,kind,body,service,surveyed,scale,satisfaction,informedness,satisfied";

/// Every rule of the survey table breaks one questionnaire; each is counted under its reason
/// with its line, and the sound ones are kept.
#[test]
fn survey_refusals_counted_by_reason() {
    let rows = [
        // line 2: sound, 10-point scale
        "1,public,MJ,apostille,2014-05-14 10:00:00,10,9,8,true",
        // line 3: sound, 5-point scale, informedness not answered
        "2,own,MJ,apostille,2014-05-14 11:00:00,5,4,,",
        // line 4: answer above the 10-point scale
        "3,public,MJ,apostille,2014-05-14 10:00:00,10,11,8,true",
        // line 5: 0 is not on the 5-point scale (1–5)
        "4,public,MJ,apostille,2014-05-14 10:00:00,5,4,0,true",
        // line 6: missing body
        "5,public,,apostille,2014-05-14 10:00:00,10,9,8,true",
        // line 7: unknown survey kind
        "6,phone,MJ,apostille,2014-05-14 10:00:00,10,9,8,true",
        // line 8: unknown scale
        "7,public,MJ,apostille,2014-05-14 10:00:00,7,5,5,true",
        // line 9: an answer that is not a whole number
        "8,public,MJ,apostille,2014-05-14 10:00:00,10,7.5,8,true",
        // line 10: a negative answer
        "9,public,MJ,apostille,2014-05-14 10:00:00,10,-1,8,false",
        // line 11: missing service
        "10,public,MJ,,2014-05-14 10:00:00,10,9,8,true",
    ];
    let text = format!("{SURVEY_HEADER}\n{}\n", rows.join("\n"));
    let loaded = read_csv(Table::Surveys, "s.csv", text.as_bytes()).unwrap();
    let r = &loaded.rejections;
    assert_eq!(loaded.rows(), 2);
    assert_eq!(r.accepted.get(&Table::Surveys), Some(&2));
    let expect = [
        (Reason::AnswerOutOfScale, vec![4, 5, 10]),
        (Reason::Missing, vec![6, 11]),
        (Reason::UnknownCode, vec![7, 8]),
        (Reason::NotANumber, vec![9]),
    ];
    for (reason, lines) in expect {
        assert_eq!(
            r.refused_of(Table::Surveys, reason),
            lines.len() as u64,
            "{reason:?}"
        );
        assert_eq!(r.examples[&(Table::Surveys, reason)], lines, "{reason:?}");
    }
    assert_eq!(r.total_refused(), 8);
    let report = r.text_ru();
    assert!(
        report.contains(
            "«Анкеты опросов услугополучателей» (surveys): принято записей 2, отклонено 8"
        ),
        "{report}"
    );
    assert!(report.contains("ответ анкеты вне шкалы"), "{report}");
}

/// The questionnaires generated for the 2014 example have, per service, exactly the example's
/// satisfaction and informedness as the mean of their answers; a service with an empty value has
/// no answers to that question, one with both empty no questionnaire.
#[test]
fn example_surveys_reproduce_the_service_scores() {
    use bagalau_raw::generate::{example_surveys, parse_hundredths, SurveySpec};
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/2014-services/services.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let surveys = example_surveys(&text, 2014).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut checked = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let (body, service) = (&rec[0], &rec[1]);
        let (sat, inf) = (&rec[10], &rec[11]);
        let found = surveys
            .iter()
            .find(|s| s.body == body && s.service == service);
        if sat.is_empty() && inf.is_empty() {
            assert!(found.is_none(), "{body}/{service}");
            continue;
        }
        let s = found.expect("surveyed");
        for (value, h, empty) in [
            (sat, &s.satisfaction, s.satisfaction_empty),
            (inf, &s.informedness, s.informedness_empty),
        ] {
            let answered: u64 = h.iter().sum();
            if value.is_empty() {
                assert_eq!((answered, empty), (0, s.respondents()));
            } else {
                // mean = sum / answered = value exactly: sum · 100 = hundredths · answered.
                assert_eq!(empty, 0);
                assert!(answered >= 30, "{body}/{service}: {answered}");
                assert_eq!(
                    SurveySpec::sum(h) * 100,
                    parse_hundredths(value).unwrap() * answered,
                    "{body}/{service}: {value}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 220);
    // The written questionnaires: every one sound, as many as the specs say.
    let days = DayTable::embedded().unwrap();
    let mut spec =
        bagalau_raw::generate::national_2020(&days, bagalau_raw::generate::Scale::Records(0), 1);
    spec.bodies.retain(|b| b.id == "ADGS");
    spec.surveys.retain(|s| s.body == "ADGS");
    let expected: u64 = spec.surveys.iter().map(SurveySpec::respondents).sum();
    let dir = tempfile::tempdir().unwrap();
    let w = bagalau_raw::generate::write_folder(
        &spec,
        &days,
        dir.path(),
        bagalau_raw::generate::Format::Csv,
    )
    .unwrap();
    assert_eq!(w.surveys, expected);
    let loaded = read_csv(
        Table::Surveys,
        "surveys.csv",
        &std::fs::read(dir.path().join("surveys.csv")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        loaded.rejections.total_refused(),
        0,
        "{}",
        loaded.rejections.text_ru()
    );
    assert_eq!(loaded.rows() as u64, expected);
}

/// The national generator's surveys: the public monitoring's 9 517 respondents and 55 kinds over
/// the 39 bodies, at every scale, the same for a seed and different for another; the
/// deliveries of a spec do not depend on its surveys.
#[test]
fn national_surveys_are_deterministic() {
    use bagalau_raw::generate::{national_2020, Scale, SurveyKind, RESPONDENTS, SURVEYED_KINDS};
    let days = DayTable::embedded().unwrap();
    let a = national_2020(&days, Scale::Small, 7);
    let b = national_2020(&days, Scale::Records(1_000), 7);
    let c = national_2020(&days, Scale::Small, 8);
    let public = |s: &bagalau_raw::generate::Spec| -> (u64, usize) {
        let p: Vec<_> = s
            .surveys
            .iter()
            .filter(|x| x.kind == SurveyKind::Public)
            .collect();
        (p.iter().map(|x| x.respondents()).sum(), p.len())
    };
    assert_eq!(public(&a), (RESPONDENTS, SURVEYED_KINDS as usize));
    assert_eq!(public(&c).0, RESPONDENTS);
    assert_eq!(a.surveys, national_2020(&days, Scale::Small, 7).surveys);
    assert_ne!(a.surveys, c.surveys);
    // Every body surveyed, at least 20 respondents each; a few own surveys.
    for body in &a.bodies {
        let n: u64 = a
            .surveys
            .iter()
            .filter(|x| x.body == body.id && x.kind == SurveyKind::Public)
            .map(|x| x.respondents())
            .sum();
        assert!(n >= 20, "{}: {n}", body.id);
    }
    assert_eq!(
        a.surveys
            .iter()
            .filter(|x| x.kind == SurveyKind::Own)
            .count(),
        10
    );
    // Heavy tail: the most surveyed body has several times the least surveyed one's count.
    let per_body: Vec<u64> = a
        .bodies
        .iter()
        .map(|b| {
            a.surveys
                .iter()
                .filter(|x| x.body == b.id)
                .map(|x| x.respondents())
                .sum()
        })
        .collect();
    assert!(per_body.iter().max().unwrap() > &(5 * per_body.iter().min().unwrap()));
    // The 5-point means stay near the 2020 report's 4,5–4,6.
    let (sum, n) = a
        .surveys
        .iter()
        .filter(|x| x.kind == SurveyKind::Public)
        .fold((0, 0), |(s, n), x| {
            (
                s + bagalau_raw::generate::SurveySpec::sum(&x.satisfaction),
                n + x.satisfaction.iter().sum::<u64>(),
            )
        });
    assert!(
        (4 * n..5 * n).contains(&sum) && sum * 10 >= 43 * n && sum * 10 <= 47 * n,
        "{sum}/{n}"
    );
    // Same body sizes: b differs only in deliveries, not in surveys.
    assert_eq!(a.surveys, b.surveys);
}
