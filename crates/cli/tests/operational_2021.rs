//! The 2021 operational methodology as amended in 2023 (reg. № 32170): two states for 2023.
//! Expected values computed by hand on examples/2021-operational (arithmetic in comments).

mod common;

use common::{root, Run};

fn run() -> Run {
    Run::new(
        "methodologies/2021-operational-2023-june",
        "examples/2021-operational",
    )
}

#[test]
fn both_states_load() {
    let r = root();
    bagalau::load_edition(&r.join("methodologies/2021-operational-2023-june")).expect("june");
    bagalau::load_edition(&r.join("methodologies/2021-operational-2023-publication"))
        .expect("publication");
    bagalau::run_evaluation(
        &r.join("methodologies/2021-operational-2023-publication"),
        &r.join("examples/2021-operational-publication"),
    )
    .expect("publication state evaluates");
}

#[test]
fn meetings_average_for_mo_and_mid() {
    let r = run();
    // MF: schedule kk+ru 1 + 1; plan kk 1; reception 0.5 + 0.5; NGO kk 0.5 → 4.5.
    r.num("MF", "MEETINGS_OWN", "4.5");
    // MJ: schedule 1 + 1; plan 0; reception kk 0.5; NGO 0 → 2.5.
    r.num("MJ", "MEETINGS_OWN", "2.5");
    // MO, MID: mean of the other central bodies = (4.5 + 2.5) / 2 = 3.5.
    r.num("MO", "MEETINGS", "3.5");
    r.num("MID", "MEETINGS", "3.5");
    r.num("MF", "MEETINGS", "4.5");
}

#[test]
fn mo_broadcast_and_local_ngo() {
    let r = run();
    assert!(
        r.get("MO", "DLG_BROADCAST").is_none(),
        "MO has no broadcast points"
    );
    r.num("MID", "DLG_BROADCAST", "4");
    for b in ["ast", "alma", "shym"] {
        assert!(r.get(b, "DLG_NGO").is_none(), "{b}: NGO not evaluated");
    }
    // MO: conferences 2.5 + 2.5; blog 51 > 50 → 1.5 + 1.5; no broadcast; meetings 3.5 → 11.5.
    r.num("MO", "OP4", "11.5");
    // MID: 5 + blog 0 entries → 0.3 + 0.3 + broadcast 4 + 3.5 = 13.1.
    r.num("MID", "OP4", "13.1");
    // ast (local): 5 + (26 > 25 → 1 + 1) + 4 + (1+1+1)·2 = 17.
    r.num("ast", "OP4", "17");
}

#[test]
fn mf_by_hand_and_penalty_cap() {
    let r = run();
    // Table 11: 2·0.5 + 1·0.5 + 1·1 + 1·1 = 3.5 → cap 3.
    r.num("MF", "SUB_PENALTY", "3");
    // shym: 2·1 + 2·1 = 4 → 3.
    r.num("shym", "SUB_PENALTY", "3");
    // MJ: 1·0.5 = 0.5.
    r.num("MJ", "SUB_PENALTY", "0.5");
    // Services: 40·80/100 = 32; 30·(1 − 50/1000) = 28.5; 30·36/40 = 27 → 87.5.
    r.num("MF", "SERVICES", "87.5");
    // Complaints: 40·0.98 = 39.2; 20·0.99 = 19.8; 20·0.995 = 19.9; 20·0.9 = 18 → 96.9.
    r.num("MF", "COMPLAINTS", "96.9");
    // Openness: OP4 = 5 + (1.5 + 1) + 4 + 4.5 = 16;
    // 16.2 + 14.4 + 18 + 16 + 13.5 + 5 = 83.1; − 3 = 80.1.
    r.num("MF", "OP4", "16");
    r.num("MF", "OPENNESS", "80.1");
    // MJ complaints: 40·(1 − 100/1000) = 36; + 19.8 + 19.9 + 18 = 93.7.
    r.num("MJ", "COMPLAINTS", "93.7");
}
