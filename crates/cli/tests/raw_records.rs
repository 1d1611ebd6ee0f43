//! Raw records (issue 13, items 2–5): records generated for the bodies of the 2014 example
//! aggregate to a dataset that evaluates exactly as the example's own figures; the discrepancy
//! report lists the planted differences and nothing else.

mod common;

use std::path::{Path, PathBuf};

use common::root;

/// A fresh empty scratch folder for one test.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bagalau-raw-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Volumes of the example divided by this, so that a debug test writes ≈ 0,6 million records
/// instead of 60 million; the late counts stay as they are (the example's special cases are
/// about them). `bagalau generate --example examples/2014-services` writes the full volume.
const DIVISOR: u64 = 100;

/// The 2014 example with its delivery volumes divided by [`DIVISOR`] (never below the late
/// counts they contain), `services_delivered` their sum.
fn scaled_example(dir: &Path) -> PathBuf {
    let src = root().join("examples/2014-services");
    let base = dir.join("base");
    std::fs::create_dir_all(&base).unwrap();
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        if e.path().is_file() && e.file_name() != "bodies.csv" {
            std::fs::copy(e.path(), base.join(e.file_name())).unwrap();
        }
    }
    let mut r = csv::Reader::from_path(src.join("bodies.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let mut w = csv::Writer::from_path(base.join("bodies.csv")).unwrap();
    w.write_record(&h).unwrap();
    let at = |n: &str| h.iter().position(|c| c == n).unwrap();
    for rec in r.records() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        let num = |row: &Vec<String>, n: &str| row[at(n)].parse::<u64>().ok();
        let mut sum = 0;
        for (total, lates) in [
            (
                "psc_total",
                &["psc_late_reported", "psc_late_monitoring"][..],
            ),
            (
                "body_total",
                &["body_late_reported", "body_late_monitoring"][..],
            ),
            ("portal_total", &["portal_late"][..]),
            ("elic_total", &["elic_late"][..]),
        ] {
            let late: u64 = lates.iter().filter_map(|l| num(&row, l)).sum();
            // One more than the late records where IS «Мониторинг» data exist, so the connected
            // group is never empty.
            let floor = late + u64::from(lates.len() == 2 && num(&row, lates[1]).is_some());
            let t = (num(&row, total).unwrap() / DIVISOR).max(floor);
            row[at(total)] = t.to_string();
            sum += t;
        }
        for (total, late) in [
            ("failure_offline_total", "failure_offline_late"),
            ("failure_online_total", "failure_online_late"),
        ] {
            if let Some(t) = num(&row, total) {
                let l = num(&row, late).unwrap_or(0);
                row[at(total)] = (t / DIVISOR).max(l).to_string();
            }
        }
        row[at("services_delivered")] = sum.to_string();
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
    base
}

#[test]
fn generated_from_example_aggregates_to_its_results() {
    let dir = scratch("example");
    let base = scaled_example(&dir);
    let edition = root().join("methodologies/2014-services");
    let raw = dir.join("raw");
    let out = dir.join("dataset");
    let g = bagalau::raw::generate_command(2014, None, None, Some(&base), &raw, 2014, false)
        .expect("generate");
    assert!(g.contains("органов 32"), "{g}");
    assert!(g.contains("(услуг 111)"), "{g}");
    // The survey scores must come from the questionnaires: the base given to the aggregation
    // has them blank.
    let blank = blank_survey_scores(&base, &dir.join("base-blank"));
    let report =
        bagalau::raw::aggregate_command(&edition, &raw, &out, Some(&blank)).expect("aggregate");
    assert!(report.contains("отклонено 0"), "{report}");
    assert!(
        report.contains("«Анкеты опросов услугополучателей» (surveys): принято записей"),
        "{report}"
    );
    assert!(!report.contains("не использует"), "{report}");
    // The same questionnaires under an edition without survey inputs: all named as unused.
    let other = bagalau::raw::aggregate_command(
        &root().join("methodologies/2018-interaction"),
        &raw,
        &dir.join("dataset-2018"),
        None,
    )
    .expect("aggregate 2018");
    assert!(
        other.contains("Анкет, которые редакция «2018-interaction» не использует (другой вид опроса или другая шкала): "),
        "{other}"
    );

    let (ed_a, a, period_a) = bagalau::run_evaluation(&edition, &base).expect("example");
    let (ed_b, b, period_b) = bagalau::run_evaluation(&edition, &out).expect("aggregated");
    assert_eq!(period_a, period_b);
    assert_eq!(a.bodies.len(), 32);
    for (x, y) in a.bodies.iter().zip(&b.bodies) {
        assert_eq!((&x.id, x.score), (&y.id, y.score));
    }
    assert_eq!(a.computed.exact, b.computed.exact);
    assert_eq!(a.computed.values, b.computed.values);
    let json = |ed, o, p| bagalau::render_outcome(ed, o, p, bagalau::Format::Json).unwrap();
    assert_eq!(json(&ed_a, &a, period_a), json(&ed_b, &b, period_b));
    // The inputs themselves: every body's values equal.
    let la = bagalau_data::load_dataset(&ed_a, &base).unwrap();
    let lb = bagalau_data::load_dataset(&ed_b, &out).unwrap();
    for (x, y) in la.dataset.bodies.iter().zip(&lb.dataset.bodies) {
        assert_eq!(x.values, y.values, "{}", x.id);
        // Per service: every value equal, satisfaction and informedness included (as numbers:
        // the example writes 9.0, the aggregation 9).
        assert_eq!(x.tables.len(), y.tables.len());
        for (tx, ty) in x.tables.iter().zip(&y.tables) {
            assert_eq!(tx.len(), ty.len(), "{}", x.id);
            for (rx, ry) in tx.iter().zip(ty) {
                assert_eq!(rx.key, ry.key);
                assert_eq!(rx.values(), ry.values(), "{}/{}", x.id, rx.key);
            }
        }
    }
    let scored = |dir: &Path| -> usize {
        let mut r = csv::Reader::from_path(dir.join("services.csv")).unwrap();
        r.records()
            .map(|x| x.unwrap())
            .filter(|x| !x[10].is_empty())
            .count()
    };
    assert_eq!((scored(&blank), scored(&out)), (0, 110));

    survey_refusals(&edition, &raw, &blank, &dir);

    // The discrepancy report: exactly the planted differences (MJ's report equals the IS and is
    // not listed).
    let planted = std::fs::read_to_string(raw.join("planted.csv")).unwrap();
    let mut p: Vec<(String, String, String, u64)> = planted
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0].into(), c[1].into(), c[2].into(), c[4].parse().unwrap())
        })
        .collect();
    let found = std::fs::read_to_string(out.join("raw/discrepancies.csv")).unwrap();
    let mut f: Vec<(String, String, String, u64)> = found
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<u64> = l.split(',').skip(3).map(|x| x.parse().unwrap()).collect();
            let s: Vec<&str> = l.split(',').take(3).collect();
            (s[0].into(), s[1].into(), s[2].into(), c[0] - c[2])
        })
        .collect();
    p.sort();
    f.sort();
    assert_eq!(p.len(), 3, "{planted}");
    assert_eq!(f, p, "{found}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A copy of a 2014 dataset with every service's satisfaction and informedness blank.
fn blank_survey_scores(base: &Path, to: &Path) -> PathBuf {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(base).unwrap().flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    let mut r = csv::Reader::from_path(base.join("services.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let cols: Vec<usize> = ["satisfaction", "informedness"]
        .iter()
        .map(|n| h.iter().position(|c| c == *n).unwrap())
        .collect();
    let mut w = csv::Writer::from_path(to.join("services.csv")).unwrap();
    w.write_record(&h).unwrap();
    for rec in r.records() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        for c in &cols {
            row[*c] = String::new();
        }
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
    to.to_path_buf()
}

/// Questionnaires about a service the body does not have are refused and named; a mean that
/// is not a terminating decimal (25/3) is reported and nothing is written; 17/2 is written as
/// 8.5.
fn survey_refusals(edition: &Path, raw: &Path, base: &Path, dir: &Path) {
    const HEADER: &str = "id,kind,body,service,surveyed,scale,satisfaction,informedness,satisfied";
    let folder = |tag: &str, answers: &[u32]| -> PathBuf {
        let d = dir.join(tag);
        std::fs::create_dir_all(&d).unwrap();
        for t in ["deliveries", "appeals", "failures"] {
            let f = format!("{t}.parquet");
            std::fs::copy(raw.join(&f), d.join(&f)).unwrap();
        }
        let mut text = format!("{HEADER}\n");
        for (i, a) in answers.iter().enumerate() {
            text.push_str(&format!(
                "{},public,MZSR,pension_age,2014-05-14 10:00:00,10,{a},,true\n",
                i + 1
            ));
        }
        text.push_str("99,public,MJ,no_such_service,2014-05-14 10:00:00,10,9,9,true\n");
        std::fs::write(d.join("surveys.csv"), text).unwrap();
        d
    };
    let out = dir.join("out-25-3");
    let e =
        bagalau::raw::aggregate_command(edition, &folder("raw-25-3", &[8, 8, 9]), &out, Some(base))
            .unwrap_err();
    assert!(
        format!("{e:#}").contains("MZSR/pension_age: satisfaction = 25/3"),
        "{e:#}"
    );
    assert!(!out.exists());
    let out = dir.join("out-17-2");
    let report =
        bagalau::raw::aggregate_command(edition, &folder("raw-17-2", &[8, 9]), &out, Some(base))
            .expect("aggregate");
    assert!(
        report.contains("(surveys): принято записей 2, отклонено 1"),
        "{report}"
    );
    assert!(
        report.contains("опрос об услуге, которой нет в перечне услуг органа: 1"),
        "{report}"
    );
    assert!(report.contains("MJ/no_such_service"), "{report}");
    let text = std::fs::read_to_string(out.join("services.csv")).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(",8.5,")).collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert!(rows[0].starts_with("MZSR,pension_age,"), "{text}");
}

/// 2017: the per-body survey inputs come from the questionnaires — respondents and kinds of
/// services of the public monitoring, all its respondents, the body's own monitoring, the share
/// of satisfied (%) and the 5-point index, exactly; a body without questionnaires did not take
/// part (share and index empty, counts 0).
#[test]
fn survey_inputs_of_2017_from_questionnaires() {
    let dir = scratch("survey2017");
    let raw = dir.join("raw");
    std::fs::create_dir_all(&raw).unwrap();
    let header: Vec<&str> = bagalau_raw::Table::Deliveries
        .columns()
        .iter()
        .map(|c| c.name)
        .collect();
    // 600 deliveries a body (more than any body's reconciled violations in the base), of two
    // services for «ca».
    let mut deliveries = format!("{}\n", header.join(","));
    let mut id = 0;
    for body in ["ca", "cb", "cc", "lb", "kar"] {
        for k in 0..600 {
            id += 1;
            let service = if body == "ca" {
                ["s1", "s2"][k % 2]
            } else {
                "x1"
            };
            deliveries.push_str(&format!(
                "{id},body,{service},{body},,body,2017-03-01 10:00:00,5,working_days,2017-03-02 10:00:00,delivered,,false\n"
            ));
        }
    }
    std::fs::write(raw.join("deliveries.csv"), deliveries).unwrap();
    let rows = [
        "1,public,ca,s1,2017-05-14 10:00:00,5,5,4,true",
        "2,public,ca,s1,2017-05-14 11:00:00,5,4,4,true",
        "3,public,ca,s2,2017-05-15 10:00:00,5,4,,false",
        "4,public,ca,s2,2017-05-15 11:00:00,5,5,5,true",
        "5,own,ca,s1,2017-06-01 10:00:00,5,3,3,false",
        "6,own,ca,s1,2017-06-01 10:00:00,5,5,5,true",
        "7,own,ca,s1,2017-06-01 10:00:00,5,5,5,true",
    ];
    std::fs::write(
        raw.join("surveys.csv"),
        format!(
            "id,kind,body,service,surveyed,scale,satisfaction,informedness,satisfied\n{}\n",
            rows.join("\n")
        ),
    )
    .unwrap();
    let edition = root().join("methodologies/2017-services");
    let base = root().join("examples/2017-services");
    let out = dir.join("dataset");
    let report =
        bagalau::raw::aggregate_command(&edition, &raw, &out, Some(&base)).expect("aggregate");
    assert!(
        report.contains("(surveys): принято записей 7, отклонено 0"),
        "{report}"
    );
    let mut r = csv::Reader::from_path(out.join("bodies.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let cols = [
        "survey_respondents",
        "survey_service_kinds",
        "own_survey_respondents",
        "satisfied_share",
        "satisfaction_index",
    ];
    let mut got = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let cell = |n: &str| rec[h.iter().position(|c| c == n).unwrap()].to_string();
        got.push((cell("id"), cols.map(cell)));
    }
    let ca = got.iter().find(|(id, _)| id == "ca").unwrap();
    assert_eq!(ca.1, ["4", "2", "3", "75", "4.5"].map(String::from));
    for (id, v) in &got {
        if id != "ca" {
            assert_eq!(v, &["0", "0", "", "", ""].map(String::from), "{id}");
        }
    }
    let report = std::fs::read_to_string(out.join("raw/survey_inputs.csv")).unwrap();
    assert!(report.contains("ca,satisfied_share,300/4,75"), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A folder without deliveries, and an edition without a raw mapping, are refused by name.
#[test]
fn aggregate_refuses_what_it_cannot_map() {
    let dir = scratch("refuse");
    let e = bagalau::raw::aggregate_command(
        &root().join("methodologies/2014-services"),
        &dir,
        &dir.join("out"),
        None,
    )
    .unwrap_err();
    assert!(format!("{e:#}").contains("deliveries"), "{e:#}");
    assert!(!dir.join("out").exists());
    let e = bagalau::raw::aggregate_command(
        &root().join("methodologies/2021-operational-2023-june"),
        &dir,
        &dir.join("out"),
        None,
    )
    .unwrap_err();
    assert!(format!("{e:#}").contains("не задано"), "{e:#}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The three Parquet files the `raw_parquet` fuzz target found to make the Parquet and Arrow
/// libraries panic (a malformed embedded Arrow schema, a run-length header past 64 bits, one
/// longer than ten bytes), given to the whole aggregation as `deliveries.parquet`: each raw folder
/// is refused with a Russian message naming the problem, nothing is written, and the process
/// lives on to aggregate the next folder.
#[test]
fn hostile_parquet_files_are_refused_by_the_aggregation() {
    let dir = scratch("hostile");
    let data = root().join("crates/raw/tests/data");
    for name in [
        "hostile_arrow_schema.bin",
        "rle_overflow.bin",
        "rle_vlq_too_long.bin",
    ] {
        let bytes = std::fs::read(data.join(name)).unwrap();
        let raw = dir.join(name.trim_end_matches(".bin"));
        std::fs::create_dir_all(&raw).unwrap();
        std::fs::write(raw.join("deliveries.parquet"), &bytes[1..]).unwrap();
        let out = raw.join("out");
        let e = bagalau::raw::aggregate_command(
            &root().join("methodologies/2014-services"),
            &raw,
            &out,
            None,
        )
        .unwrap_err();
        let text = format!("{e:#}");
        assert!(
            text.chars().any(|c| ('а'..='я').contains(&c)),
            "{name}: not Russian: {text}"
        );
        assert!(!out.exists(), "{name}: something was written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
