//! Each shipped 2014 dataset is evaluated and checked against (1) values computed by hand,
//! independently of the engine (`examples/*/expected.csv`, made by `hand_check.py` with exact
//! fractions), and (2) a snapshot of the whole JSON outcome.

use std::path::{Path, PathBuf};

use bagalau::Format;
use rust_decimal::Decimal;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn check_expected(dataset: &Path) {
    let r = root();
    let (ed, out, _) = bagalau::run_evaluation(&r.join("methodologies/2014-services"), dataset)
        .expect("evaluates");
    let mut rdr =
        csv::Reader::from_path(dataset.join("expected.csv")).expect("expected.csv exists");
    let headers = rdr.headers().expect("headers").clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("column {n}"))
    };
    let (cb, cn, cv, ce) = (col("body"), col("node"), col("value"), col("exact"));
    let mut checked = 0;
    for rec in rdr.records() {
        let rec = rec.expect("row");
        let (body, node) = (&rec[cb], &rec[cn]);
        let b = out
            .bodies
            .iter()
            .find(|b| b.id == body)
            .unwrap_or_else(|| panic!("body {body}"))
            .index;
        let n = ed.node(node).unwrap_or_else(|| panic!("node {node}"));
        let got = match &out.computed.exact[b][n] {
            Some(bagalau_engine::eval::V::Num(q)) => q.to_string(),
            other => panic!("{body}.{node} has no number: {other:?}"),
        };
        let want = rec[ce]
            .trim()
            .strip_suffix("/1")
            .unwrap_or(rec[ce].trim())
            .to_string();
        assert_eq!(
            got, want,
            "{body}.{node}: engine {got}, by hand {want} (≈ {})",
            &rec[cv]
        );
        checked += 1;
    }
    assert!(checked > 0, "no expected values in {}", dataset.display());
}

#[test]
fn services_2014_matches_hand_computation() {
    check_expected(&root().join("examples/2014-services"));
}

#[test]
fn equal_load_2014_matches_hand_computation() {
    check_expected(&root().join("examples/2014-equal-load"));
}

/// п.39–40 by the letter: equal load indices are all «равен или превышает» the mean, and each is
/// the largest index, so every body of the group gets 1,10 (not 1).
#[test]
fn equal_load_gives_every_body_the_largest_coefficient() {
    let r = root();
    let (_, out, _) = bagalau::run_evaluation(
        &r.join("methodologies/2014-services"),
        &r.join("examples/2014-equal-load"),
    )
    .expect("evaluates");
    for b in &out.bodies {
        assert_eq!(b.correction, Some(Decimal::new(110, 2)), "{}", b.id);
    }
}

#[test]
fn services_2014_snapshot() {
    let r = root();
    let (ed, out, period) = bagalau::run_evaluation(
        &r.join("methodologies/2014-services"),
        &r.join("examples/2014-services"),
    )
    .expect("evaluates");
    insta::assert_snapshot!(
        "evaluate_json",
        bagalau::render_outcome(&ed, &out, period, Format::Json).expect("json")
    );
    insta::assert_snapshot!(
        "evaluate_text",
        bagalau::render_outcome(&ed, &out, period, Format::Text).expect("text")
    );
}

#[test]
fn explain_k4_is_russian_with_paragraphs() {
    let r = root();
    let (ed, out, _) = bagalau::run_evaluation(
        &r.join("methodologies/2014-services"),
        &r.join("examples/2014-services"),
    )
    .expect("evaluates");
    let body = &out
        .bodies
        .iter()
        .find(|b| b.group == bagalau_methodology::Group::Central)
        .expect("a central body")
        .id;
    let text = bagalau_report::explain::explain(&ed, &out, body, Some("K4")).expect("explains");
    assert!(text.contains("п.26"), "{text}");
    assert!(text.contains("Удовлетворенность"), "{text}");
    let full = bagalau_report::explain::explain(&ed, &out, body, None).expect("explains");
    assert!(
        full.contains("п.36") && full.contains("п.37–42") && full.contains("Итог:"),
        "{full}"
    );
    insta::assert_snapshot!("explain_first_central_K4", text);
}
