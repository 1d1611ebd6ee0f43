//! The 2018–2019 edition «Взаимодействие с гражданами» (three directions) evaluated on the shipped
//! example; the expected values are computed by hand below (arithmetic in comments).

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
    // Services (central): SC1 = 50 · 82.4 / 100 = 41.2; SC2 = 15 · (1 − 1000 / 3 000 000)
    // = 15 − 0.005 = 14.995; dynamics 1000 < 1250 → SC2_DYN = 5;
    // SC3_1 = 20 · (28 + 8/2) / 40 = 16; SC3_2 = 10 · 12 / 40 = 3; SC3 = 19.
    r.num("MF", "SC2", "14.995");
    r.num("MF", "SC2_DYN", "5");
    r.num("MF", "SC3", "19");
    // SVC_SUM = 41.2 + 14.995 + 5 + 19 = 80.195; penalty 6 × 0.2 = 1.2;
    // SERVICES = 80.195 − 1.2 = 78.995.
    r.num("MF", "SVC_PENALTY", "1.2");
    r.num("MF", "SERVICES", "78.995");
    // Complaints: CM1 = 40 · (1 − 250/12 500) = 39.2; CM2 = 40 · (1 − 500/12 500) = 38.4;
    // CM3 = 20 · 3750/12 500 = 6; COMPLAINTS = 83.6.
    r.num("MF", "COMPLAINTS", "83.6");
    // Openness: OP1 = 10·18/20 + 10·5/5 + 10·15/20 = 9 + 10 + 7.5 = 26.5;
    // OP2 = 10·1140/1200 + (6 > 5 → 5) + (4 > 4? no → 0) = 9.5 + 5 = 14.5;
    // OP3 = 4.5 + 8 + 3 = 15.5; OP4 = 10·12/12 + 10·3/4 + (7 ≥ 5 → 5) + 5·30/40 = 26.25;
    // sum 82.75. OPEN_NLA = 2.5 · (10 − 8)/10 + 2.5 (290 < 300) = 3; OPEN_CFS = 0 (on time);
    // OPEN_MF = 2 (annual republican budget report not published).
    // OPENNESS = 82.75 − 3 − 0 − 2 = 77.75.
    r.num("MF", "OPEN_NLA", "3");
    r.num("MF", "OPEN_CFS", "0");
    r.num("MF", "OPEN_MF", "2");
    r.num("MF", "OPENNESS", "77.75");
    // BLOCK = (78.995 + 83.6 + 77.75) / 3 = 240.345 / 3 = 80.115.
    r.num("MF", "BLOCK", "80.115");
}

#[test]
fn nur_sultan_akimat_by_hand() {
    let r = run();
    // Services (local): SL1 = 60 · 75 / 100 = 45; SL2 = 30 · (1 − 2100/900 000) = 30 − 0.07
    // = 29.93; dynamics 2100 > 1500 → SL2_DYN = 0; SVC_SUM = 74.93;
    // penalty 30 × 0.2 = 6 → cap 5; SERVICES = 74.93 − 5 = 69.93.
    r.num("ast", "SL2", "29.93");
    r.num("ast", "SL2_DYN", "0");
    r.num("ast", "SVC_PENALTY", "5");
    r.num("ast", "SERVICES", "69.93");
    // Complaints: 40 · (1 − 1000/20 000) = 38; 40 · (1 − 400/20 000) = 39.2;
    // 20 · 5000/20 000 = 5; COMPLAINTS = 82.2.
    r.num("ast", "COMPLAINTS", "82.2");
    // Openness: OP1 = 10·30/30 + 10 (no requests) + 10·24/30 = 28;
    // OP2 = 10·450/500 + (5 > 5? no → 0) + (5 > 4 → 5) = 14; OP3 = 5 + 9 + 4 = 18;
    // OP4 = 10·6/8 + 10 (no audit) + (4 ≥ 5? no → 0) + 5 (no comments) = 22.5;
    // no penalties for local bodies: OPENNESS = 82.5.
    r.num("ast", "OPENNESS", "82.5");
    // BLOCK = (69.93 + 82.2 + 82.5) / 3 = 234.63 / 3 = 78.21.
    r.num("ast", "BLOCK", "78.21");
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
    // MJ (central, not MF): OPEN_CFS = 2 but no OPEN_MF; local bodies have no NLA/CFS penalties.
    r.num("MJ", "OPEN_CFS", "2");
    assert_eq!(r.get("ast", "OPEN_NLA"), None);
}
