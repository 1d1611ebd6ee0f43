//! The 2018–2019 edition «Взаимодействие с гражданами» (three directions) evaluated on the shipped
//! example; the expected values are computed by hand below (arithmetic in comments), under the
//! readings settled in issue 9 (item 14): positive dynamics compares the SHARE of late services
//! (seed 003), «максимум 5» and «вплоть до −2» are scales, and services criterion 3.1 weighs the
//! portal and the State Corporation alike.

mod common;

use bagalau_engine::Value;
use common::{d, Run};

fn run() -> Run {
    Run::new(
        "methodologies/2018-interaction",
        "examples/2018-interaction",
    )
}

#[test]
fn ministry_of_finance_by_hand() {
    let r = run();
    // Services (central): SC1 = 50 · 82,4 / 100 = 41,2; SC2 = 15 · (1 − 1000 / 3 000 000)
    // = 15 − 0,005 = 14,995; dynamics: share 1000 / 3 000 000 against 1250 / 3 200 000, i.e.
    // 1000 · 3 200 000 = 3 200 000 000 < 1250 · 3 000 000 = 3 750 000 000 → SC2_DYN = 5;
    // SC3_1 = 20 · (28 + 4) / 40 = 16; SC3_2 = 10 · 12 / 40 = 3; SC3 = 19.
    r.num("MF", "SC1", "41.2");
    r.num("MF", "SC2", "14.995");
    r.num("MF", "SC2_DYN", "5");
    r.num("MF", "SC3_1", "16");
    r.num("MF", "SC3", "19");
    // SVC_SUM = 41,2 + 14,995 + 5 + 19 = 80,195; penalty 6 × 0,2 = 1,2;
    // SERVICES = 80,195 − 1,2 = 78,995.
    r.num("MF", "SVC_SUM", "80.195");
    r.num("MF", "SVC_PENALTY", "1.2");
    r.num("MF", "SERVICES", "78.995");
    // Complaints: CM1 = 40 · (1 − 250/12 500) = 39,2; CM2 = 40 · (1 − 500/12 500) = 38,4;
    // CM3 = 20 · 3750/12 500 = 6; COMPLAINTS = 83,6.
    r.num("MF", "COMPLAINTS", "83.6");
    // Openness: OP1 = 10·18/20 + 10·5/5 + 10·15/20 = 9 + 10 + 7,5 = 26,5;
    // OP2 = 10·1140/1200 + 5·min(6, 6)/6 + 5·min(4, 5)/5 = 9,5 + 5 + 4 = 18,5;
    // OP3 = 4,5 + 8 + 3 = 15,5; OP4 = 10·12/12 + 10·3/4 + 5·min(7, 5)/5 + 5·30/40
    // = 10 + 7,5 + 5 + 3,75 = 26,25; sum 26,5 + 18,5 + 15,5 + 26,25 = 86,75.
    r.num("MF", "OP2_2", "5");
    r.num("MF", "OP2_3", "4");
    r.num("MF", "OP2", "18.5");
    r.num("MF", "OP4", "26.25");
    // OPEN_NLA = 2,5 · (10 − 8)/10 + 2,5 (290 < 300) = 0,5 + 2,5 = 3; OPEN_CFS = 2 · (5 − 5)/5 = 0;
    // OPEN_MF = 2 (annual republican budget report not published).
    // OPENNESS = 86,75 − 3 − 0 − 2 = 81,75.
    r.num("MF", "OPEN_NLA", "3");
    r.num("MF", "OPEN_CFS", "0");
    r.num("MF", "OPEN_MF", "2");
    r.num("MF", "OPENNESS", "81.75");
    // BLOCK = (78,995 + 83,6 + 81,75) / 3 = 244,345 / 3 = 48 869 / 600 = 81,448(3).
    assert_eq!(r.exact("MF", "BLOCK"), "48869/600");
}

#[test]
fn nur_sultan_akimat_by_hand() {
    let r = run();
    // Services (local): SL1 = 60 · 75 / 100 = 45; SL2 = 30 · (1 − 2100/900 000) = 30 − 0,07
    // = 29,93; dynamics: 2100 · 800 000 = 1 680 000 000 is not below 1500 · 900 000
    // = 1 350 000 000 (the share rose) → SL2_DYN = 0; SVC_SUM = 74,93;
    // penalty 30 × 0,2 = 6 → cap 5; SERVICES = 74,93 − 5 = 69,93.
    r.num("ast", "SL2", "29.93");
    r.num("ast", "SL2_DYN", "0");
    r.num("ast", "SVC_PENALTY", "5");
    r.num("ast", "SERVICES", "69.93");
    // Complaints: 40 · (1 − 1000/20 000) = 38; 40 · (1 − 400/20 000) = 39,2;
    // 20 · 5000/20 000 = 5; COMPLAINTS = 82,2.
    r.num("ast", "COMPLAINTS", "82.2");
    // Openness: OP1 = 10·30/30 + 10 (no requests) + 10·24/30 = 28;
    // OP2 = 10·450/500 + 5·min(3, 6)/6 + 5·min(5, 5)/5 = 9 + 2,5 + 5 = 16,5; OP3 = 5 + 9 + 4 = 18;
    // OP4 = 10·6/8 + 10 (no audit) + 5·min(4, 5)/5 + 5 (no comments) = 7,5 + 10 + 4 + 5 = 26,5;
    // no penalties for local bodies: OPENNESS = 28 + 16,5 + 18 + 26,5 = 89.
    r.num("ast", "OP2_2", "2.5");
    r.num("ast", "OP4_3", "4");
    r.num("ast", "OPENNESS", "89");
    // BLOCK = (69,93 + 82,2 + 89) / 3 = 241,13 / 3 = 24 113 / 300 = 80,37(6).
    assert_eq!(r.exact("ast", "BLOCK"), "24113/300");
}

#[test]
fn positive_dynamics_is_a_falling_share_not_a_falling_count() {
    let r = run();
    // MJ: violations rose 2100 → 2600, but services rose 3 500 000 → 5 200 000:
    // 2600 · 3 500 000 = 9 100 000 000 < 2100 · 5 200 000 = 10 920 000 000 → the share fell → 5
    // (under the count reading: 0).
    r.num("MJ", "SC2_DYN", "5");
    // alma: violations fell 2400 → 1900, but services fell 2 000 000 → 1 350 000:
    // 1900 · 2 000 000 = 3 800 000 000 is not below 2400 · 1 350 000 = 3 240 000 000 → the share
    // rose → 0 (under the count reading: 10).
    r.num("alma", "SL2_DYN", "0");
    // kar: 2500 · 600 000 = 1 500 000 000 is not below 2300 · 640 000 = 1 472 000 000 → 0.
    r.num("kar", "SL2_DYN", "0");
    // MIOR: no previous period → 0.
    r.num("MIOR", "SC2_DYN", "0");
}

#[test]
fn maxima_of_5_and_up_to_minus_2_are_scales() {
    let r = run();
    // Conferences: «более пяти» → 5 from six on; MZSR held 4 → 5 · 4 / 6 = 10/3; MJ 8 → 5.
    assert_eq!(r.exact("MZSR", "OP2_2"), "10/3");
    r.num("MJ", "OP2_2", "5");
    // Polls: «более 4» → 5 from five on; kar held 4 → 5 · 4 / 5 = 4; MIOR 9 → 5.
    r.num("kar", "OP2_3", "4");
    r.num("MIOR", "OP2_3", "5");
    // Budget programmes: «не менее пяти» → 5; kar posted 3 → 3.
    r.num("kar", "OP4_3", "3");
    // Consolidated financial statements: MJ published 3 of 5 forms by 1 May → 2 · (5 − 3) / 5 = 0,8.
    r.num("MJ", "OPEN_CFS", "0.8");
}

#[test]
fn automation_weighs_the_portal_and_the_state_corporation_alike() {
    let r = run();
    // MZSR: 20 · (18 + 10) / 38 = 560 / 38 = 280/19 (with ½ for the State Corporation:
    // 20 · 23 / 38 = 230/19).
    assert_eq!(r.exact("MZSR", "SC3_1"), "280/19");
    // MIOR: 20 · (7 + 2) / 12 = 15.
    r.num("MIOR", "SC3_1", "15");
}

#[test]
fn ministry_of_finance_penalty_applies_only_to_mf() {
    let r = run();
    for b in &r.out.bodies {
        let v = r.get(&b.id, "OPEN_MF");
        if b.id == "MF" {
            assert_eq!(v, Some(Value::Num(d("2"))));
        } else {
            assert_eq!(
                v, None,
                "{} must not get the Ministry of Finance penalty",
                b.id
            );
        }
    }
    // MJ (central, not MF): OPEN_CFS = 0,8 but no OPEN_MF; local bodies have no NLA/CFS penalties.
    r.num("MJ", "OPEN_CFS", "0.8");
    assert_eq!(r.get("ast", "OPEN_NLA"), None);
    assert_eq!(r.get("ast", "OPEN_CFS"), None);
}

/// The previous readings are one edit away, as the notes say; with them the example's bodies
/// score as before issue 9 (hand values in the comments).
#[test]
fn the_previous_readings_are_one_edit_away() {
    let dir = common::copy_dir("methodologies/2018-interaction", "i18-alt");
    let crit = dir.join("criteria.toml");
    let mut text = std::fs::read_to_string(&crit).expect("criteria");
    let share = "if(has(svc_late_prev) and has(svc_total_prev), if(svc_total > 0 and svc_total_prev > 0, if(svc_late * svc_total_prev < svc_late_prev * svc_total, max, 0), 0), 0)";
    let count = "if(has(svc_late_prev), if(svc_late < svc_late_prev, max, 0), 0)";
    assert_eq!(text.matches(share).count(), 2, "SC2_DYN and SL2_DYN");
    text = text.replace(share, count);
    for (from, to) in [
        (
            "max * min(conferences, 6) / 6",
            "if(conferences > 5, max, 0)",
        ),
        ("max * min(polls, 5) / 5", "if(polls > 4, max, 0)"),
        (
            "max * (svc_kinds_portal + svc_kinds_psc) / svc_kinds_total",
            "max * (svc_kinds_portal + svc_kinds_psc / 2) / svc_kinds_total",
        ),
    ] {
        assert_eq!(text.matches(from).count(), 1, "«{from}» once");
        text = text.replace(from, to);
    }
    std::fs::write(&crit, text).expect("write");
    let pen = dir.join("penalties.toml");
    let p = std::fs::read_to_string(&pen).expect("penalties");
    let from =
        "if(cfs_forms_due == 0, 0, max(0, cfs_forms_due - cfs_forms_published) / cfs_forms_due)";
    assert_eq!(p.matches(from).count(), 1);
    std::fs::write(
        &pen,
        p.replace(from, "if(cfs_forms_published < cfs_forms_due, 1, 0)"),
    )
    .expect("write");
    let r = Run::at(&dir, &common::root().join("examples/2018-interaction"));
    // Counts: MJ 2600 > 2100 → 0; alma 1900 < 2400 → 10.
    r.num("MJ", "SC2_DYN", "0");
    r.num("alma", "SL2_DYN", "10");
    // All or nothing: MZSR 4 conferences → 0; MF 4 polls → 0; MJ 3 of 5 forms → the full 2.
    r.num("MZSR", "OP2_2", "0");
    r.num("MF", "OP2_3", "0");
    r.num("MJ", "OPEN_CFS", "2");
    // ½ for the State Corporation: MF 20 · (28 + 4/2) / 40 = 15.
    r.num("MF", "SC3_1", "15");
    let _ = std::fs::remove_dir_all(&dir);
}
