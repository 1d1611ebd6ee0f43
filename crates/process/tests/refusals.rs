//! A refused action stores nothing: not its event, not the files it would name.

use std::path::Path;

use bagalau_cycle::{Action, Actor, Party};
use bagalau_process::{Backend, CreateCycle, MemoryBackend, Process};
use chrono::{NaiveDate, NaiveDateTime};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn at(m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, m, d)
        .and_then(|x| x.and_hms_opt(9, 0, 0))
        .unwrap_or_default()
}

#[test]
fn a_refused_conclusion_stores_no_document() -> Result<(), Box<dyn std::error::Error>> {
    let p = Process::new(MemoryBackend::default(), &root().join("methodologies"))?;
    let admin = Actor::new(Party::Administrator, "Администратор", "А");
    let data = root().join("examples/2021-operational");
    p.create(
        admin.clone(),
        at(1, 9),
        &CreateCycle {
            id: "c".into(),
            edition: "2021-operational-2023-june".into(),
            data: data.clone(),
            reporting_deadline: NaiveDate::from_ymd_opt(2024, 2, 15).ok_or("date")?,
            stage_ends: vec![],
        },
    )?;
    // A conclusion before any run: refused, nothing stored.
    let agency = Actor::new(
        Party::AuthorizedBody,
        "Агентство Республики Казахстан по делам государственной службы",
        "Б",
    );
    assert!(p
        .issue("c", agency.clone(), at(1, 10), "MF", "services", vec![])
        .is_err());
    p.import("c", admin.clone(), at(1, 10), &data)?;
    assert_eq!(p.backend.blob_count(), 1, "the snapshot");
    p.compute("c", admin.clone(), at(1, 11))?;
    for s in ["reverification", "appeal"] {
        p.act(
            "c",
            admin.clone(),
            at(3, 1),
            Action::OpenStage { stage: s.into() },
            "",
        )?;
    }
    let events = p.backend.events("c")?.len();
    // The Ministry of Information does not evaluate services: refused, and no document stored.
    let mior = Actor::new(
        Party::AuthorizedBody,
        "Министерство информации и общественного развития Республики Казахстан",
        "В",
    );
    let err = p
        .issue("c", mior, at(3, 4), "MF", "services", vec![])
        .err()
        .ok_or("a conclusion by another evaluator")?;
    assert!(err.to_string().contains("Агентство"), "{err}");
    assert_eq!(p.backend.blob_count(), 1);
    assert_eq!(p.backend.events("c")?.len(), events);
    // By the Agency: one document, one event.
    let doc = p.issue("c", agency, at(3, 4), "MF", "services", vec![])?;
    assert_eq!(p.backend.blob(&doc.hash)?, doc.bytes);
    assert_eq!(p.backend.blob_count(), 2);
    assert_eq!(p.backend.events("c")?.len(), events + 1);
    Ok(())
}
