//! Facts of re-verification flow into the next run through the edition's penalty items (2014:
//! «unreliable», 0,2 per fact, counted from `recon_unreliable_facts`).

use std::path::Path;

use bagalau_cycle::{Action, Actor, Party, PenaltyFacts};
use bagalau_process::{CreateCycle, MemoryBackend, Process};
use chrono::{NaiveDate, NaiveDateTime};

const AGENCY: &str =
    "Агентство Республики Казахстан по делам государственной службы и противодействию коррупции";

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn at(m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2015, m, d)
        .and_then(|x| x.and_hms_opt(9, 0, 0))
        .unwrap_or_default()
}

#[test]
fn facts_of_reverification_flow_into_the_next_run() -> Result<(), Box<dyn std::error::Error>> {
    let p = Process::new(MemoryBackend::default(), &root().join("methodologies"))?;
    let admin = Actor::new(Party::Administrator, "Администратор", "А");
    let agency = Actor::new(Party::AuthorizedBody, AGENCY, "Б");
    let data = root().join("examples/2014-services");
    p.create(
        admin.clone(),
        at(1, 12),
        &CreateCycle {
            id: "c".into(),
            edition: "2014-services".into(),
            data: data.clone(),
            reporting_deadline: NaiveDate::from_ymd_opt(2015, 2, 15).ok_or("date")?,
            stage_ends: vec![],
        },
    )?;
    p.import("c", admin.clone(), at(1, 12), &data)?;
    let (first, _, _) = p.compute("c", admin.clone(), at(1, 13))?;
    let mj = first.results.body("MJ").ok_or("MJ")?.clone();
    p.act(
        "c",
        admin.clone(),
        at(2, 20),
        Action::OpenStage {
            stage: "reverification".into(),
        },
        "",
    )?;
    p.act(
        "c",
        agency.clone(),
        at(2, 20),
        Action::SelectForReverification {
            body: "MJ".into(),
            direction: "public_services".into(),
            reason: "риск".into(),
        },
        "",
    )?;
    p.act(
        "c",
        agency,
        at(2, 24),
        Action::RecordFacts {
            body: "MJ".into(),
            direction: "public_services".into(),
            description: "2 факта недостоверной информации".into(),
            penalties: vec![PenaltyFacts {
                item: "unreliable".into(),
                count: 2,
            }],
        },
        "",
    )?;
    let (second, diff, new) = p.compute("c", admin.clone(), at(2, 25))?;
    assert!(new);
    assert_ne!(first.data_hash, second.data_hash);
    let after = second.results.body("MJ").ok_or("MJ")?;
    let d = diff.ok_or("diff")?;
    assert!(d.body("MJ").ok_or("MJ")?.score.moved());
    // 2 facts × 0,2 = 0,4 more deducted than before (MJ had no such facts in the example).
    let before_pen: rust_decimal::Decimal = mj.penalties.as_deref().unwrap_or("0").parse()?;
    let after_pen: rust_decimal::Decimal = after.penalties.as_deref().unwrap_or("0").parse()?;
    assert_eq!(after_pen - before_pen, "0.4".parse()?);
    // The act (appendix 9) from the recorded facts, signed by both sides.
    let act = p.reconciliation_act(
        "c",
        Actor::new(Party::AuthorizedBody, AGENCY, "Б"),
        at(2, 26),
        "MJ",
        "public_services",
    )?;
    assert!(act.bytes.starts_with(b"PK"));
    let mj_side = Actor::new(Party::EvaluatedBody, "MJ", "В");
    p.act(
        "c",
        mj_side.clone(),
        at(2, 26),
        Action::SignAct {
            body: "MJ".into(),
            direction: "public_services".into(),
            document: act.hash.clone(),
        },
        "",
    )?;
    assert!(
        p.act(
            "c",
            mj_side,
            at(2, 26),
            Action::SignAct {
                body: "MJ".into(),
                direction: "public_services".into(),
                document: act.hash.clone()
            },
            ""
        )
        .is_err(),
        "signed twice"
    );
    let other = Actor::new(Party::EvaluatedBody, "MZSR", "Г");
    assert!(
        p.act(
            "c",
            other,
            at(2, 26),
            Action::SignAct {
                body: "MJ".into(),
                direction: "public_services".into(),
                document: act.hash.clone()
            },
            ""
        )
        .is_err(),
        "another body signed"
    );
    let (c, _) = p.open("c")?;
    assert_eq!(c.act_signatures("MJ", "public_services").len(), 2);
    // The same data again: nothing new is recorded.
    let (third, _, new) = p.compute("c", admin, at(2, 26))?;
    assert!(!new);
    assert_eq!(third.id(), second.id());
    Ok(())
}
