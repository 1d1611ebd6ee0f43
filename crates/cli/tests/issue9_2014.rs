//! Issue 9, the 2014 edition (seed 001) read again: each settled rule against values computed by
//! hand on small datasets derived from `examples/2014-equal-load`.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_dir, d, root, Run};

use bagalau_data::rating::{self, ScoreRow};
use bagalau_methodology::{DegreeBand, Group};
use rust_decimal::Decimal;

fn edition() -> PathBuf {
    root().join("methodologies/2014-services")
}

/// A copy of the equal-load example with `edit` applied to its files.
fn dataset(tag: &str, edit: impl Fn(&Path)) -> PathBuf {
    let dir = copy_dir("examples/2014-equal-load", tag);
    let _ = std::fs::remove_file(dir.join("expected.csv"));
    edit(&dir);
    dir
}

fn rewrite(path: &Path, f: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(path).expect("read");
    std::fs::write(path, f(&text)).expect("write");
}

/// Keeps the CSV lines for which `keep` holds (the header always).
fn filter_lines(path: &Path, keep: impl Fn(&str) -> bool) {
    rewrite(path, |t| {
        let mut out = String::new();
        for (i, l) in t.lines().enumerate() {
            if i == 0 || keep(l) {
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    });
}

fn pc(run: &Run, body: &str) -> Decimal {
    run.out
        .bodies
        .iter()
        .find(|b| b.id == body)
        .and_then(|b| b.correction)
        .unwrap_or_else(|| panic!("{body}: no coefficient"))
}

/// Item 1, п.39–40 by the letter: two central bodies, each lowest on one of the two indicators.
/// MJ: 500 000 services (max → scaled 1), 3 kinds (min → 0): index 1 · 0 = 0.
/// MF: 400 000 services (min → 0), 4 kinds (max → 1): index 0 · 1 = 0.
/// Mean 0; both indices «равен» the mean; one distinct value, the largest → 1,10 for both.
#[test]
fn issue9_two_bodies_each_lowest_on_one_indicator_both_get_1_10() {
    let data = dataset("two-bodies", |dir| {
        filter_lines(&dir.join("bodies.csv"), |l| !l.starts_with("MSH,"));
        filter_lines(&dir.join("services.csv"), |l| {
            !l.starts_with("MSH,") && !l.starts_with("MJ,apostille,")
        });
        rewrite(&dir.join("bodies.csv"), |t| {
            let mut out = String::new();
            for l in t.lines() {
                if l.starts_with("MF,") {
                    out.push_str(&l.replace(",500000,", ",400000,"));
                } else {
                    out.push_str(l);
                }
                out.push('\n');
            }
            out
        });
    });
    let run = Run::at(&edition(), &data);
    run.num("MJ", "load_index", "0");
    run.num("MF", "load_index", "0");
    assert_eq!(pc(&run, "MJ"), d("1.10"));
    assert_eq!(pc(&run, "MF"), d("1.10"));
    // The locals of the example: all indices equal (1) → all 1,10 too.
    for b in ["akm", "pvl", "kst"] {
        assert_eq!(pc(&run, b), d("1.10"), "{b}");
    }
}

/// Item 2, п.16: a service delivered traditionally only in the body (method 5, no Commission
/// decision) with documents from information systems scores a = b · d, including its +3 for
/// the ЦОН list; other services add x / y to b · d.
///
/// MJ's services (W = 12 / 30 = 2/5, z = 4):
/// - realty_reg: method 1 → 25, +3 (list) = 28; term 5 → d = 1; x/y = 2/3: a = 28 + 2/3 = 86/3
/// - birth_reg: method 1 → 25; term 1 → d = 1; x/y = 1/1: a = 26
/// - legal_entity_reg: method 2 → 20; y = 0: a = b · d = 20
/// - apostille, edited: method 5 → 0, +3 (list) = 3; term 10 → d = 0,8; x/y = 1/2 ignored:
///   a = 3 · 0,8 = 12/5
///
/// Σa = 86/3 + 26 + 20 + 12/5 = (430 + 390 + 300 + 36) / 15 = 1156/15;
/// K2 = W · Σa / z = 2/5 · 1156/15 / 4 = 578/75.
#[test]
fn issue9_method_5_service_scores_b_times_d() {
    let data = dataset("method-5", |dir| {
        rewrite(&dir.join("services.csv"), |t| {
            t.replace("true,4,false,false,5,1,2,,", "true,5,true,false,10,1,2,,")
        });
    });
    let run = Run::at(&edition(), &data);
    assert_eq!(run.exact("MJ", "K2"), "578/75");
    // The same service counted as delivered through ЦОН by a Commission decision is no longer
    // «только в государственном органе»: b = 15 + 3 = 18, d = 0,8, a = 14,4 + 1/2 = 149/10;
    // Σa = 86/3 + 26 + 20 + 149/10 = (860 + 780 + 600 + 447) / 30 = 2687/30;
    // K2 = 2/5 · 2687/30 / 4 = 2687/300.
    let data = dataset("method-5-decision", |dir| {
        rewrite(&dir.join("services.csv"), |t| {
            t.replace("true,4,false,false,5,1,2,,", "true,5,true,true,10,1,2,,")
        });
    });
    let run = Run::at(&edition(), &data);
    assert_eq!(run.exact("MJ", "K2"), "2687/300");
}

/// Item 5, п.48: the degree is taken on the score as published (two decimals), so a score shown
/// as «90,00» is always «высокая» — in `evaluate`, in documents and in `rating` alike.
#[test]
fn issue9_degree_on_the_published_score() {
    let ed = bagalau::load_edition(&edition()).expect("edition");
    let degree = |s: &str| DegreeBand::find(&ed.degrees, d(s)).map(|i| ed.degrees[i].code.as_str());
    assert_eq!(degree("89.995"), Some("high"));
    assert_eq!(degree("89.9949999"), Some("medium"));
    assert_eq!(degree("69.995"), Some("medium"));
    assert_eq!(degree("49.994"), Some("inefficient"));
    assert_eq!(degree("49.99"), Some("inefficient"));
    assert_eq!(degree("49.995"), Some("low"));
    let row = |id: &str, score: &str| ScoreRow {
        body: id.into(),
        name: None,
        group: Group::Central,
        score: d(score),
        previous_score: None,
        previous_rank: None,
        tie_order: None,
    };
    let r = rating::rate(vec![row("A", "89.995"), row("B", "89.994")], &ed.degrees);
    let code = |id: &str| {
        let x = r.rows.iter().find(|x| x.row.body == id).expect("rated");
        ed.degrees[x.degree.expect("degree")].code.clone()
    };
    assert_eq!(code("A"), "high");
    assert_eq!(code("B"), "medium");
}

/// Item 6, п.53: no rate for late or incomplete reports in the text — the facts are recorded,
/// nothing is deducted. MF of the example: 2 late facts (0), 1 unreliable (0,2), IS
/// «Мониторинг» 30 − 10 = 20 entries × 0,02 = 0,4: PENALTY = 0,6.
#[test]
fn issue9_late_reports_are_recorded_not_deducted() {
    let run = Run::new("methodologies/2014-services", "examples/2014-equal-load");
    run.num("MF", "PENALTY", "0.6");
    let ed = &run.ed;
    let penalty = &ed.nodes[ed.node("PENALTY").expect("PENALTY")];
    let bagalau_methodology::NodeBody::Penalty { items, .. } = &penalty.body else {
        panic!("PENALTY is a penalty");
    };
    for it in items {
        let rate = it.per_fact;
        match it.code.as_str() {
            "late" | "incomplete" => assert_eq!(rate, Decimal::ZERO, "{}", it.code),
            "unreliable" => assert_eq!(rate, d("0.2")),
            "monitoring" => assert_eq!(rate, d("0.02")),
            other => panic!("unexpected item {other}"),
        }
    }
}

/// Item 7: the act was repealed on 09.02.2016, before the evaluation for 2015 was carried out;
/// the edition governs the evaluation for 2014 only, and 2015 is a gap.
#[test]
fn issue9_the_2014_edition_does_not_govern_2015() {
    let methodologies = root().join("methodologies");
    let ed = bagalau::edition_for_period(&methodologies, 2014).expect("2014 is covered");
    assert_eq!(ed.id, "2014-services");
    let err = bagalau::edition_for_period(&methodologies, 2015).expect_err("2015 is a gap");
    assert!(format!("{err:#}").contains("2015"), "{err:#}");
}

/// Sets cells of one body's row of a CSV by column name.
fn set_cells(path: &Path, id: &str, cells: &[(&str, &str)]) {
    rewrite(path, |t| {
        let mut lines = t.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let mut out = header.join(",") + "\n";
        for l in lines {
            let mut f: Vec<String> = l.split(',').map(str::to_string).collect();
            if f[0] == id {
                for (col, v) in cells {
                    let k = header
                        .iter()
                        .position(|h| h == col)
                        .unwrap_or_else(|| panic!("column {col}"));
                    f[k] = v.to_string();
                }
            }
            out.push_str(&f.join(","));
            out.push('\n');
        }
        out
    });
}

/// Item 3, п.19: violations of services connected to IS «Мониторинг» come from the system, those
/// of services not connected from the body's report — both counted, per service, not one
/// replacing the other. MJ: ЦОН 24 (connected, ИС) + 20 (not connected, report) = 44; in the
/// body 0 (no connected services) + 10 = 10; (44 + 10) / (200 000 + 100 000) · 10 000 = 1,8.
#[test]
fn issue9_connected_and_unconnected_services_are_both_counted() {
    let run = Run::new("methodologies/2014-services", "examples/2014-equal-load");
    run.num("MJ", "psc_late", "44");
    run.num("MJ", "body_late", "10");
    run.num("MJ", "viol_rate_offline", "1.8");
}

/// Item 3, п.20: services delivered during a documented failure of the system are left out.
/// MJ with 60 000 of its 300 000 offline services (24 of them late) in a failure period:
/// (54 − 24) / (300 000 − 60 000) · 10 000 = 1,25; Z1 = 10 − 6 · 1,25 = 2,5. Portal services:
/// 20 000 of 200 000 in a failure, 2 of the 8 late: (8 − 2) / 180 000 · 10 000 = 1/3;
/// Z2 = 5 − 6 · 1/3 = 3. Violations for the dynamics: 44 + 10 + 8 + 0 − 24 − 2 = 36, last
/// period 30: 6 facts × 0,1 = 0,6. P1 = 2,5 + 3 − 0,6 = 4,9.
#[test]
fn issue9_failure_period_is_left_out() {
    let data = dataset("failure", |dir| {
        set_cells(
            &dir.join("bodies.csv"),
            "MJ",
            &[
                ("failure_offline_total", "60000"),
                ("failure_offline_late", "24"),
                ("failure_online_total", "20000"),
                ("failure_online_late", "2"),
            ],
        );
    });
    let run = Run::at(&edition(), &data);
    run.num("MJ", "viol_rate_offline", "1.25");
    run.num("MJ", "timeliness_Z1", "2.5");
    assert_eq!(run.exact("MJ", "viol_rate_online"), "1/3");
    run.num("MJ", "timeliness_Z2", "3");
    run.num("MJ", "timeliness_violations", "36");
    run.num("MJ", "DYNAMICS", "0.6");
    run.num("MJ", "K3_P1", "4.9");
}

/// Item 6, п.9: the Ministry evaluates K2 and the share of portal and ЦОН users (K5 P2, M3 P2);
/// the Prime Minister's Office evaluates them for the Ministry itself; the Presidential
/// Administration evaluates the Agency's services; the Agency evaluates the rest.
#[test]
fn issue9_who_evaluates_which_criterion_is_data() {
    let ed = bagalau::load_edition(&edition()).expect("edition");
    let who = |c: &str, body: &str| {
        ed.criterion_evaluator_for(ed.node(c).expect("criterion"), body)
            .unwrap_or("—")
            .to_string()
    };
    let ministry = "Министерство по инвестициям и развитию Республики Казахстан";
    let agency = "Агентство Республики Казахстан по делам государственной службы и противодействию коррупции";
    assert_eq!(who("K2", "MF"), ministry);
    assert_eq!(who("K5_P2", "MF"), ministry);
    assert_eq!(who("M3_P2", "akm"), ministry);
    assert_eq!(
        who("K2", "MIR"),
        "Канцелярия Премьер-Министра Республики Казахстан"
    );
    assert_eq!(
        who("K2", "ADGS"),
        "Администрация Президента Республики Казахстан"
    );
    assert_eq!(
        who("K4", "ADGS"),
        "Администрация Президента Республики Казахстан"
    );
    assert_eq!(who("K4", "MIR"), agency);
    assert_eq!(who("K5_P1", "MF"), agency);
    assert_eq!(who("M1", "akm"), agency);
}
