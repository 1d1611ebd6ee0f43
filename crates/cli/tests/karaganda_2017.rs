//! The 2017 edition of the services direction (reconstructed from seed 003) reproduces every
//! figure published in the 2017 conclusion for the Karaganda region akimat.

use std::path::PathBuf;
use std::str::FromStr;

use bagalau_engine::Value;
use rust_decimal::Decimal;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

#[test]
fn karaganda_2017_reproduces_the_published_conclusion() {
    let r = root();
    let (ed, out, period) = bagalau::run_evaluation(
        &r.join("methodologies/2017-services"),
        &r.join("examples/2017-karaganda"),
    )
    .expect("evaluates");
    assert_eq!(period, Some(2017));
    assert_eq!(out.bodies.len(), 1);
    let body = &out.bodies[0];
    assert_eq!(body.id, "kar");
    let b = body.index;

    let num = |code: &str| -> Decimal {
        let n = ed.node(code).unwrap_or_else(|| panic!("node {code}"));
        match &out.computed.values[b][n] {
            Some(Value::Num(x)) => *x,
            other => panic!("{code}: no number: {other:?}"),
        }
    };
    let published = [
        // Criterion 1: satisfaction 25 = 20 + 5.
        ("C1", "25"),
        ("C1_1", "20"),
        ("C1_2", "5"),
        // Criterion 2: timeliness, negative result → 0; no bonus for dynamics.
        ("C2", "0"),
        ("C2_BONUS", "0"),
        // Criterion 3: quality assurance 7.95 = 2.95 + 0 + 0 + 0 + 5.
        ("C3", "7.95"),
        ("C3_1", "2.95"),
        ("C3_2", "0"),
        ("C3_3", "0"),
        ("C3_4", "0"),
        ("C3_5", "5"),
        // Criterion 4: internal control.
        ("C4", "8"),
        // Totals.
        ("TOTAL", "40.95"),
        ("PENALTY", "0"),
        ("O", "40.95"),
        // Comparison with 2016 (final score 39): +1.95, +5 %.
        ("dynamics_vs_previous", "1.95"),
        ("dynamics_vs_previous_pct", "5"),
        // Inputs stated in the conclusion, as derived values.
        ("services_total", "5067591"),
        ("services_counted", "1113538"),
        ("timeliness_violations", "766"),
        ("incomplete_docs", "13914"),
        ("extra_docs", "1173"),
    ];
    for (code, want) in published {
        assert_eq!(num(code), d(want), "{code}");
    }
    assert_eq!(body.score, d("40.95"));

    let degree = body.degree.expect("a degree");
    assert_eq!(ed.degrees[degree].code, "inefficient");
}
