//! The 2017 edition on central and local bodies (`examples/2017-services`). The central-body
//! application is reconstructed (seed 003 is a local conclusion); every expected value below is
//! computed by hand in the comments.

mod common;

use common::Run;

fn run() -> Run {
    Run::new("methodologies/2017-services", "examples/2017-services")
}

#[test]
fn central_body_with_positive_dynamics_and_a_penalty() {
    let r = run();
    // 4.75 ∈ [4.7; 5] → 35; measures → 5.
    r.num("ca", "C1", "40");
    // 5 violations / 100 000 counted × 10 000 = 0.5 → 33 · (1 − 0.5) = 16.5.
    r.num("ca", "C2", "16.5");
    // 5/100 000 < 20/100 000 (2016) → bonus 1.
    r.num("ca", "C2_BONUS", "1");
    r.num("ca", "C3", "17");
    // 1 of 5 violations found by the body itself = 20 % → 10.
    r.num("ca", "C4", "10");
    r.num("ca", "TOTAL", "84.5");
    // 3 facts × 0.2 = 0.6.
    r.num("ca", "PENALTY", "0.6");
    r.num("ca", "O", "83.9");
    // 83.9 − 80 = 3.9; 3.9 / 80 × 100 = 4.875 %.
    r.num("ca", "dynamics_vs_previous", "3.9");
    r.num("ca", "dynamics_vs_previous_pct", "4.875");
}

#[test]
fn central_body_without_survey_takes_the_central_mean_and_the_penalty_cap() {
    let r = run();
    // No index → mean of the central bodies' indices (4.75 + 4.25) / 2 = 4.5 → 25; no measures.
    r.num("cb", "satisfaction_used", "4.5");
    r.num("cb", "C1", "25");
    // Reconciled 90 replaces the report (100) and IS «Мониторинг» (80); + 10 by inspections = 100;
    // 200 000 services − 100 000 one-day (п.37) = 100 000 counted; 100 / 100 000 × 10 000 = 10
    // → 33 · (1 − 10) < 0 → 0.
    r.num("cb", "timeliness_violations", "100");
    r.num("cb", "services_counted", "100000");
    r.num("cb", "C2", "0");
    // Per 10 000 of all 200 000 services: refusals 2 → 0.1 → 2.7; incomplete 10 → 0.5 → 1.5;
    // extra 1 → 0.05 → 2.85; business processes 4 → 0.2 → 2.4; complaints 1 → 0.05 → 5.
    r.num("cb", "C3_1", "2.7");
    r.num("cb", "C3_2", "1.5");
    r.num("cb", "C3_3", "2.85");
    r.num("cb", "C3_4", "2.4");
    r.num("cb", "C3_5", "5");
    r.num("cb", "C3", "14.45");
    // None of 100 violations found internally → 0.
    r.num("cb", "C4", "0");
    // 30 × 0.2 = 6, capped at 5; 39.45 − 5 = 34.45.
    r.num("cb", "PENALTY", "5");
    r.num("cb", "O", "34.45");
}

#[test]
fn ranks_degrees_and_the_boundary_of_the_medium_degree() {
    let r = run();
    // cc: 4.25 → 10 + measures 5; no violations → 33 and 10; one complaint per 10 000 → 0 of 5;
    // 15 + 33 + 12 + 10 = 70 exactly: the lower bound of «средняя» [70; 90).
    r.num("cc", "C3_5", "0");
    r.num("cc", "O", "70");
    // lb: 4.62 → 30; 2 / 50 000 × 10 000 = 0.4 → 19.8; bonus 1; refusal 0.2 → 2.4 → C3 16.4;
    // 1 of 2 found internally (50 %) → 10; 30 + 19.8 + 1 + 16.4 + 10 = 77.2.
    r.num("lb", "C2", "19.8");
    r.num("lb", "C3", "16.4");
    r.num("lb", "O", "77.2");
    // Karaganda is unchanged by the second local body: its own index is given.
    r.num("kar", "O", "40.95");
    let by_id = |id: &str| {
        r.out
            .bodies
            .iter()
            .find(|b| b.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let degree = |id: &str| by_id(id).degree.map(|d| r.ed.degrees[d].code.clone());
    assert_eq!(degree("cc").as_deref(), Some("medium"));
    assert_eq!(degree("cb").as_deref(), Some("inefficient"));
    assert_eq!(degree("kar").as_deref(), Some("inefficient"));
    let ranks: Vec<(&str, usize)> = ["ca", "cc", "cb", "lb", "kar"]
        .iter()
        .map(|id| (*id, by_id(id).rank))
        .collect();
    assert_eq!(
        ranks,
        [("ca", 1), ("cc", 2), ("cb", 3), ("lb", 1), ("kar", 2)]
    );
}
