//! The aggregation: working-day deadlines (New Year, Nauryz, a transferred day off, a weekend),
//! the п.19 precedence, the п.20 exclusion, refusals counted, the discrepancy report.

use std::path::Path;

use bagalau_aggregate::measures::{discrepancies, value, Channel, Measure};
use bagalau_aggregate::udf::{codes, Windows, LATE, ONE_DAY};
use bagalau_aggregate::{aggregate_blocking, Options, Progress};
use bagalau_raw::days::DayTable;
use bagalau_raw::read::read_csv;
use bagalau_raw::schema::Table;
use bagalau_raw::Reason;
use chrono::NaiveDate;

const HEADER: &str =
    "id,source,service,body,unit,channel,submitted,term,term_unit,completed,status,refusal_ground,connected";

fn row(id: u32, submitted: &str, term: u32, unit: &str, completed: &str) -> String {
    format!("{id},is,S1,MJ,,psc,{submitted} 10:00:00,{term},{unit},{completed} 17:00:00,delivered,,true")
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Deadlines by hand from the 2019–2021 calendars, each case on the last day of its term (on
/// time) and on the day after (late), checked against `Calendar::add_working_days` too.
#[test]
fn deadlines_across_holidays_transfers_and_weekends() {
    // (case, submitted, term, unit, last day of the term)
    let cases = [
        // New Year: 1–2 January holidays, Friday 3 January 2020 a day off transferred to
        // Sunday 5 January (a working day), 7 January Orthodox Christmas.
        ("Новый год", "2019-12-31", 3, "working_days", "2020-01-08"),
        // Nauryz 21–23 March 2020 (Saturday–Monday), 24–25 March days off moved from the weekend.
        ("Наурыз", "2020-03-20", 1, "working_days", "2020-03-26"),
        // Independence Day 16–17 December 2020, Friday 18 December transferred to Sunday 20.
        (
            "перенос выходного",
            "2020-12-15",
            2,
            "working_days",
            "2020-12-21",
        ),
        // A weekend.
        ("выходные", "2020-02-14", 1, "working_days", "2020-02-17"),
        // Calendar days run through the New Year holidays.
        (
            "календарные дни",
            "2020-12-25",
            10,
            "calendar_days",
            "2021-01-04",
        ),
    ];
    let cal = calendar::Calendar::embedded().unwrap();
    let days = DayTable::new(&cal).unwrap();
    let mut rows = Vec::new();
    for (i, (case, submitted, term, unit, last)) in cases.iter().enumerate() {
        if *unit == "working_days" {
            assert_eq!(
                cal.add_working_days(date(submitted), *term).unwrap(),
                date(last),
                "{case}: the hand-computed deadline is the calendar's"
            );
        }
        let after = date(last).succ_opt().unwrap().to_string();
        rows.push(row(2 * i as u32 + 1, submitted, *term, unit, last));
        rows.push(row(2 * i as u32 + 2, submitted, *term, unit, &after));
    }
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let loaded = read_csv(Table::Deliveries, "d.csv", text.as_bytes()).unwrap();
    assert_eq!(
        loaded.rejections.total_refused(),
        0,
        "{}",
        loaded.rejections.text_ru()
    );
    let c = codes(
        Table::Deliveries,
        &loaded.batches[0],
        &days,
        &Windows::default(),
    )
    .unwrap();
    for (i, (case, _, term, unit, _)) in cases.iter().enumerate() {
        let one_day = if *term == 1 && *unit == "working_days" {
            ONE_DAY
        } else {
            0
        };
        assert_eq!(
            c[2 * i],
            one_day,
            "{case}: on the last day of the term — on time"
        );
        assert_eq!(c[2 * i + 1], LATE | one_day, "{case}: the day after — late");
    }
}

fn folder(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// п.19: a connected service counts from IS «Мониторинг» (its body's own report ignored), the
/// others from the body's report; п.20: deliveries completed during a failure of the channel's
/// system are counted apart; in-progress and refused records are handled; bad records are
/// counted by reason.
#[test]
fn precedence_failures_and_refusals() {
    let d = |id: u32,
             source: &str,
             service: &str,
             channel: &str,
             completed: &str,
             status: &str,
             connected: bool| {
        let ground = if status == "refused" { "п.9" } else { "" };
        format!("{id},{source},{service},MJ,,{channel},2020-02-14 10:00:00,1,working_days,{completed},{status},{ground},{connected}")
    };
    let rows = [
        // Connected S1 via PSC: IS says 1 late of 2; the body's own report says 0 late of 2.
        d(
            1,
            "is",
            "S1",
            "psc",
            "2020-02-17 11:00:00",
            "delivered",
            true,
        ),
        d(
            2,
            "is",
            "S1",
            "psc",
            "2020-02-18 11:00:00",
            "delivered",
            true,
        ),
        d(
            3,
            "body",
            "S1",
            "psc",
            "2020-02-17 11:00:00",
            "delivered",
            true,
        ),
        d(
            4,
            "body",
            "S1",
            "psc",
            "2020-02-17 12:00:00",
            "delivered",
            true,
        ),
        // Not connected S2 in the body: 1 late (a refusal, late), 1 in progress.
        d(
            5,
            "body",
            "S2",
            "body",
            "2020-02-19 11:00:00",
            "refused",
            false,
        ),
        d(6, "body", "S2", "body", "", "in_progress", false),
        // Portal: completed during the portal's failure (late), and one outside it.
        d(
            7,
            "is",
            "S1",
            "portal",
            "2020-02-18 21:00:00",
            "delivered",
            true,
        ),
        d(
            8,
            "is",
            "S1",
            "portal",
            "2020-02-17 11:00:00",
            "delivered",
            true,
        ),
        // Refused records: unknown source, missing service.
        d(
            9,
            "fax",
            "S1",
            "portal",
            "2020-02-17 11:00:00",
            "delivered",
            true,
        ),
        d(
            10,
            "is",
            "",
            "portal",
            "2020-02-17 11:00:00",
            "delivered",
            true,
        ),
    ];
    let failures = "id,system,start,end,document\n\
        1,portal,2020-02-18 20:00:00,2020-02-18 23:00:00,Акт № 1\n\
        2,portal,2020-02-19 23:00:00,2020-02-19 20:00:00,Акт № 2\n";
    let dir = folder(&[
        ("deliveries.csv", format!("{HEADER}\n{}\n", rows.join("\n"))),
        ("failures.csv", failures.to_string()),
    ]);
    let agg = aggregate_blocking(dir.path(), &Options::default(), &Progress::default()).unwrap();
    let v = |m: &Measure| value(&agg, "MJ", m);
    assert_eq!(v(&Measure::Completed(chs_of(&["psc"]))), Some(2));
    assert_eq!(v(&Measure::LateMonitoring(chs_of(&["psc"]))), Some(1));
    assert_eq!(v(&Measure::LateReported(chs_of(&["psc"]))), Some(0));
    assert_eq!(
        v(&Measure::LateMonitoring(chs_of(&["body"]))),
        None,
        "no connected service in the body"
    );
    assert_eq!(
        v(&Measure::Completed(chs_of(&["body"]))),
        Some(1),
        "the record in progress is not counted"
    );
    assert_eq!(v(&Measure::LateReported(chs_of(&["body"]))), Some(1));
    assert_eq!(v(&Measure::Completed(chs_of(&["portal"]))), Some(2));
    assert_eq!(
        v(&Measure::FailureCompleted(chs_of(&["portal", "elicense"]))),
        Some(1)
    );
    assert_eq!(
        v(&Measure::FailureLate(chs_of(&["portal", "elicense"]))),
        Some(1)
    );
    assert_eq!(
        v(&Measure::FailureCompleted(chs_of(&["psc", "body"]))),
        None
    );
    assert_eq!(
        v(&Measure::Completed(chs_of(&[
            "portal", "psc", "body", "elicense"
        ]))),
        Some(5)
    );
    let r = &agg.rejections;
    assert_eq!(r.refused_of(Table::Deliveries, Reason::UnknownCode), 1);
    assert_eq!(r.refused_of(Table::Deliveries, Reason::Missing), 1);
    assert_eq!(r.refused_of(Table::Failures, Reason::EndBeforeStart), 1);
    assert_eq!(r.accepted[&Table::Deliveries], 8);
    assert_eq!(
        discrepancies(&agg)
            .iter()
            .map(|x| (
                x.service.as_str(),
                x.channel.as_str(),
                x.is_late,
                x.body_late
            ))
            .collect::<Vec<_>>(),
        vec![("S1", "psc", 1, 0)]
    );
}

/// Parquet through DataFusion: the same rules as the readers (records refused, not the file).
#[test]
fn parquet_records_refused_by_the_plan_are_counted() {
    let text = format!(
        "{HEADER}\n{}\n{}\n",
        row(1, "2020-02-14", 1, "working_days", "2020-02-17"),
        row(2, "2020-02-14", 1, "working_days", "2020-02-18"),
    );
    let loaded = read_csv(Table::Deliveries, "d.csv", text.as_bytes()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut sink = bagalau_raw::write::ParquetSink::create(
        Table::Deliveries,
        &dir.path().join("deliveries.parquet"),
    )
    .unwrap();
    for b in &loaded.batches {
        sink.write(b).unwrap();
    }
    // A batch the CSV reader would have refused: term beyond the limit, written directly.
    let mut b = loaded.batches[0].clone();
    let term = Table::Deliveries.index("term").unwrap();
    let mut cols = b.columns().to_vec();
    cols[term] = std::sync::Arc::new(arrow::array::Int32Array::from(vec![99_999, 1]));
    b = arrow::array::RecordBatch::try_new(b.schema(), cols).unwrap();
    sink.write(&b).unwrap();
    sink.finish().unwrap();
    let agg = aggregate_blocking(dir.path(), &Options::default(), &Progress::default()).unwrap();
    assert_eq!(
        agg.rejections
            .refused_of(Table::Deliveries, Reason::TermOutOfRange),
        1
    );
    assert_eq!(agg.rejections.accepted[&Table::Deliveries], 3);
    assert_eq!(
        value(&agg, "MJ", &Measure::Completed(chs_of(&["psc"]))),
        Some(3)
    );
    // The second record of each batch is late (completed on Tuesday for Monday).
    assert_eq!(
        value(&agg, "MJ", &Measure::LateMonitoring(chs_of(&["psc"]))),
        Some(2)
    );
}

/// Generated national-shaped records: the aggregation finds the spec's counts exactly and the
/// discrepancy report lists the planted differences and nothing else.
#[test]
fn generated_records_aggregate_to_the_spec() {
    use bagalau_raw::generate::{national_2020, write_folder, Format, Scale};
    let days = DayTable::embedded().unwrap();
    let spec = national_2020(&days, Scale::Records(30_000), 11);
    let dir = tempfile::tempdir().unwrap();
    let w = write_folder(&spec, &days, dir.path(), Format::Parquet).unwrap();
    let agg = aggregate_blocking(dir.path(), &Options::default(), &Progress::default()).unwrap();
    assert_eq!(
        agg.rejections.total_refused(),
        0,
        "{}",
        agg.rejections.text_ru()
    );
    assert_eq!(agg.rejections.accepted[&Table::Deliveries], w.deliveries);
    for b in &spec.bodies {
        for (i, ch) in ["portal", "psc", "body", "elicense"].iter().enumerate() {
            let c = b.channels[i];
            let chs: &[&str] = match i {
                0 => &["portal"],
                1 => &["psc"],
                2 => &["body"],
                _ => &["elicense"],
            };
            assert_eq!(
                value(&agg, &b.id, &Measure::Completed(chs_of(chs))),
                Some(c.connected.total + c.other.total),
                "{} {ch}",
                b.id
            );
            assert_eq!(
                value(&agg, &b.id, &Measure::Late(chs_of(chs))),
                Some(c.connected.late + c.other.late),
                "{} {ch}",
                b.id
            );
            assert_eq!(
                value(&agg, &b.id, &Measure::LateReported(chs_of(chs))),
                Some(c.other.late),
                "{} {ch}",
                b.id
            );
            let failure = c.connected.failure + c.other.failure;
            assert_eq!(
                value(&agg, &b.id, &Measure::FailureCompleted(chs_of(chs))),
                (failure > 0).then_some(failure),
                "{} {ch}",
                b.id
            );
        }
        let a = agg.appeals[&b.id];
        assert_eq!(
            (
                a.total,
                a.late,
                a.repeated,
                a.court_justified,
                a.disciplinary
            ),
            (
                b.appeals.total,
                b.appeals.late,
                b.appeals.repeated,
                b.appeals.court_justified,
                b.appeals.disciplinary
            ),
            "{}",
            b.id
        );
    }
    let found: Vec<(String, String, String, u64)> = discrepancies(&agg)
        .into_iter()
        .map(|d| (d.body, d.service, d.channel, d.is_total - d.body_total))
        .collect();
    let planted: Vec<(String, String, String, u64)> = w
        .planted
        .iter()
        .map(|p| {
            (
                p.body.clone(),
                p.service.clone(),
                p.channel.code().to_string(),
                p.missing,
            )
        })
        .collect();
    assert!(!planted.is_empty());
    assert_eq!(found, planted);
}

/// The editions with raw records map inputs (the loader checks that each exists in the
/// edition, is the body's and numeric).
#[test]
fn editions_with_raw_records_map_their_inputs() {
    for id in ["2014-services", "2017-services", "2018-interaction"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../methodologies")
            .join(id);
        let ed = bagalau_methodology::load(&dir).unwrap();
        assert!(!ed.raw_inputs.is_empty(), "{id}");
        for r in &ed.raw_inputs {
            assert!(
                ed.inputs.iter().any(|i| i.code == r.input),
                "{id}: {}",
                r.input
            );
        }
    }
}

/// Channels as written in the test tables.
fn chs_of(codes: &[&str]) -> Vec<Channel> {
    codes
        .iter()
        .map(|c| Channel::from_code(c).expect("a channel"))
        .collect()
}
