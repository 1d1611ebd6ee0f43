//! The 2017 edition on central and local bodies (`examples/2017-services`). The central-body
//! application is reconstructed (seed 003 is a local conclusion); every expected value below is
//! computed by hand in the comments, figure by figure, under the readings settled in issue 9 (item
//! 13): satisfaction = share × 35 in whole points; facts per 10 000 services unrounded; complaints
//! 5 − 1 × (per 10 000); internal control 10 × share / 20 % in whole points; the dynamics bonus 5
//! (central) / 10 (local) as in seed 000.

mod common;

use common::Run;

fn run() -> Run {
    Run::new("methodologies/2017-services", "examples/2017-services")
}

#[test]
fn central_body_with_positive_dynamics_and_a_penalty() {
    let r = run();
    // 1.1: 35 × 88 / 100 = 30,8 → whole points → 31; 1.2: measures taken → 5; C1 = 36.
    r.num("ca", "C1_1", "31");
    r.num("ca", "C1", "36");
    // 5 violations (report; no IS «Мониторинг», no reconciliation, 0 by inspections) on
    // 100 000 − 0 one-day = 100 000 counted services: 5 / 100 000 × 10 000 = 0,5
    // → 33 × (1 − 0,5) = 16,5.
    r.num("ca", "timeliness_rate", "0.5");
    r.num("ca", "C2", "16.5");
    // Share of violations 5 / 100 000 < 20 / 100 000 (2016) → the central bonus 5.
    r.num("ca", "C2_BONUS", "5");
    // No facts: 3.1–3.4 = 3 × (1 − 0) = 3 each; complaints 5 − 1 × 0 = 5; C3 = 12 + 5 = 17.
    r.num("ca", "C3_5", "5");
    r.num("ca", "C3", "17");
    // 1 of 5 violations found by the body itself = 20 % → 10 × min(1, 20 / 20) = 10.
    r.num("ca", "C4", "10");
    // 36 + 16,5 + 5 + 17 + 10 = 84,5.
    r.num("ca", "TOTAL", "84.5");
    // 3 facts × 0,2 = 0,6; 84,5 − 0,6 = 83,9.
    r.num("ca", "PENALTY", "0.6");
    r.num("ca", "O", "83.9");
    // 83,9 − 80 = 3,9; 3,9 / 80 × 100 = 4,875 %.
    r.num("ca", "dynamics_vs_previous", "3.9");
    r.num("ca", "dynamics_vs_previous_pct", "4.875");
}

#[test]
fn central_body_without_survey_takes_the_central_mean_and_the_penalty_cap() {
    let r = run();
    // No share → mean share of the surveyed central bodies (88 + 31) / 2 = 59,5 (cb itself and
    // the local bodies are not in it); 35 × 59,5 / 100 = 20,825 → 21; no measures → C1 = 21.
    r.num("cb", "satisfaction_share_used", "59.5");
    r.num("cb", "C1_1", "21");
    r.num("cb", "C1", "21");
    // Reconciled 90 replaces the report (100) and IS «Мониторинг» (80); + 10 by inspections = 100;
    // 200 000 services − 100 000 one-day (п.37) = 100 000 counted; 100 / 100 000 × 10 000 = 10
    // → 33 × (1 − 10) < 0 → 0. No 2016 data → no bonus.
    r.num("cb", "timeliness_violations", "100");
    r.num("cb", "services_counted", "100000");
    r.num("cb", "C2", "0");
    r.num("cb", "C2_BONUS", "0");
    // Per 10 000 of all 200 000 services: refusals 2 → 0,1 → 3 × 0,9 = 2,7; incomplete 5 + 5 = 10
    // → 0,5 → 1,5; extra 0 + 1 = 1 → 0,05 → 2,85; business processes 4 → 0,2 → 2,4;
    // complaints 0 → 5 − 0 = 5; C3 = 2,7 + 1,5 + 2,85 + 2,4 + 5 = 14,45.
    r.num("cb", "C3_1", "2.7");
    r.num("cb", "C3_2", "1.5");
    r.num("cb", "C3_3", "2.85");
    r.num("cb", "C3_4", "2.4");
    r.num("cb", "C3_5", "5");
    r.num("cb", "C3", "14.45");
    // 8 of 100 violations found internally = 8 % → 10 × 8 / 20 = 4 (already whole).
    r.num("cb", "internal_share", "8");
    r.num("cb", "C4", "4");
    // 21 + 0 + 0 + 14,45 + 4 = 39,45; 30 × 0,2 = 6, capped at 5; 39,45 − 5 = 34,45.
    r.num("cb", "TOTAL", "39.45");
    r.num("cb", "PENALTY", "5");
    r.num("cb", "O", "34.45");
}

#[test]
fn complaints_lose_one_point_per_complaint_per_10_000_services() {
    let r = run();
    // cc: 1 justified complaint on 10 000 services = 1 per 10 000 → 5 − 1 × 1 = 4.
    r.num("cc", "complaints_rate", "1");
    r.num("cc", "C3_5", "4");
    r.num("cc", "C3", "16");
}

#[test]
fn ranks_degrees_and_the_boundary_of_the_medium_degree() {
    let r = run();
    // cc: 35 × 31 / 100 = 10,85 → 11, no measures → C1 = 11; no violations → C2 = 33 and C4 = 10;
    // 0 / 10 000 is not below 0 / 5 000 (2016) → no bonus; C3 = 3 + 3 + 3 + 3 + 4 = 16;
    // 11 + 33 + 16 + 10 = 70 exactly: the lower bound of «средняя» [70; 90).
    r.num("cc", "C1_1", "11");
    r.num("cc", "C2_BONUS", "0");
    r.num("cc", "O", "70");
    // lb: 35 × 80 / 100 = 28, no measures; 2 / 50 000 × 10 000 = 0,4 → 33 × 0,6 = 19,8;
    // 2 / 50 000 < 10 / 50 000 (2016) → the local bonus 10; refusal 1 → 0,2 → 3 × 0,8 = 2,4,
    // C3 = 2,4 + 3 + 3 + 3 + 5 = 16,4; 1 of 2 found internally (50 %) → min(1, 50 / 20) → 10;
    // 28 + 19,8 + 10 + 16,4 + 10 = 84,2.
    r.num("lb", "C1", "28");
    r.num("lb", "C2", "19.8");
    r.num("lb", "C2_BONUS_L", "10");
    r.num("lb", "C3", "16.4");
    r.num("lb", "C4", "10");
    r.num("lb", "O", "84.2");
    // Karaganda is unchanged by the second local body: its own share is given
    // (exact 207 511 231 / 5 067 591 = 40,9487…, printed 40,95 — see karaganda_2017.rs).
    assert_eq!(r.exact("kar", "O"), "207511231/5067591");
    let by_id = |id: &str| {
        r.out
            .bodies
            .iter()
            .find(|b| b.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let degree = |id: &str| by_id(id).degree.map(|d| r.ed.degrees[d].code.clone());
    assert_eq!(degree("ca").as_deref(), Some("medium"));
    assert_eq!(degree("cc").as_deref(), Some("medium"));
    assert_eq!(degree("cb").as_deref(), Some("inefficient"));
    assert_eq!(degree("lb").as_deref(), Some("medium"));
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

#[test]
fn the_dynamics_bonus_can_pass_100_and_the_final_score_is_capped() {
    // One local body, all at the maximum, with fewer violations than in 2016 (0 of 10 000
    // against 10 of 10 000): 35 × 100 / 100 = 35, + 5 measures; no violations → C2 = 33 and
    // C4 = 10; no facts → C3 = 3 · 4 + 5 = 17; bonus 10 (local). TOTAL = 40 + 33 + 17 + 10 + 10
    // = 110 → min(100, 110) = 100; one unreliable fact × 0,2 → O = 100 − 0,2 = 99,8.
    let dir = common::copy_dir("examples/2017-services", "svc2017-cap");
    let csv = std::fs::read_to_string(dir.join("bodies.csv")).expect("bodies.csv");
    let header = csv.lines().next().expect("header");
    let cols: Vec<&str> = header.split(',').collect();
    let mut row = vec![String::new(); cols.len()];
    let set = |row: &mut Vec<String>, col: &str, v: &str| {
        let i = cols
            .iter()
            .position(|c| *c == col)
            .unwrap_or_else(|| panic!("{col}"));
        row[i] = v.to_string();
    };
    for (col, v) in [
        ("id", "lx"),
        ("name", "Акимат Х (условные данные)"),
        ("kind", "local"),
        ("service_kinds", "5"),
        ("services_body", "10000"),
        ("services_psc", "0"),
        ("services_electronic", "0"),
        ("services_one_day", "0"),
        ("satisfied_share", "100"),
        ("satisfaction_measures", "true"),
        ("timeliness_reported", "0"),
        ("timeliness_inspections", "0"),
        ("prev_timeliness_violations", "10"),
        ("prev_services_total", "10000"),
        ("unjustified_refusals", "0"),
        ("incomplete_docs_self", "0"),
        ("incomplete_docs_inspections", "0"),
        ("extra_docs_self", "0"),
        ("extra_docs_inspections", "0"),
        ("bp_violations", "0"),
        ("justified_complaints", "0"),
        ("timeliness_found_internal", "0"),
        ("unreliable_report_facts", "1"),
    ] {
        set(&mut row, col, v);
    }
    std::fs::write(
        dir.join("bodies.csv"),
        format!("{header}\n{}\n", row.join(",")),
    )
    .expect("write");
    let r = Run::at(&common::root().join("methodologies/2017-services"), &dir);
    r.num("lx", "C2_BONUS_L", "10");
    r.num("lx", "TOTAL", "110");
    r.num("lx", "PENALTY", "0.2");
    r.num("lx", "O", "99.8");
    let _ = std::fs::remove_dir_all(&dir);
}
