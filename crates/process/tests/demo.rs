//! The demo cycle on the in-memory store: every step accepted or refused as the procedure says.

use std::path::Path;

use bagalau_process::{demo, MemoryBackend, Process};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn the_demo_cycle_runs_to_publication() -> Result<(), Box<dyn std::error::Error>> {
    let p = Process::new(MemoryBackend::default(), &root().join("methodologies"))?;
    let out = std::env::temp_dir().join(format!("bagalau-demo-test-{}", std::process::id()));
    let s = demo(
        &p,
        "demo-2023",
        &root().join("examples/2021-operational"),
        &out,
    )?;
    assert_eq!(s.runs.len(), 2);
    assert_ne!(s.runs[0], s.runs[1]);
    assert_eq!(s.moved_others, ["MO", "MID"]);
    assert!(
        s.late_objection.contains("срок истёк 12.03.2024")
            && s.late_objection.contains("13.03.2024"),
        "{}",
        s.late_objection
    );
    // 21 conclusions, 1 act, 2 tables, 3 corrected conclusions, 1 evidence file.
    assert_eq!(s.documents.len(), 28, "{:#?}", s.documents);
    for d in &s.documents {
        assert!(std::fs::metadata(d)?.len() > 0, "{}", d.display());
    }
    let report = p.verify()?;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.runs, 2);
    // One audit entry per event.
    assert_eq!(p.backend.audits.borrow().len(), s.events);
    std::fs::remove_dir_all(&out)?;
    Ok(())
}
