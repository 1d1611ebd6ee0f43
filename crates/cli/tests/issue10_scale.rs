//! Issue 10, «Why», the measured paragraph: evaluation cost grew with the cube of the number of
//! bodies (group aggregates recomputed for every body with ever larger fractions, rows found by
//! a linear scan, per-row inputs sized to the whole edition), and 39 bodies × 10 000 rows took
//! 4.3 s and 552 MB. The timings of record are the bench's (`cargo run --release -p bagalau
//! --example bench`); these tests pin what can be pinned without a quiet machine: the cost of an
//! evaluation grows linearly with bodies and with rows (ratios of CPU times, not absolute times),
//! and a loaded row is small and shares its text with the rows of the same key.
//!
//! The datasets are those of the bench (the same generator): every body differs, ~80 % of the
//! services surveyed.

use std::path::PathBuf;
use std::sync::Arc;

use bagalau_methodology::Edition;

#[path = "../examples/bench/dataset.rs"]
mod dataset;

use dataset::generate;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn edition() -> Edition {
    bagalau_methodology::load(&root().join("methodologies/2014-services"))
        .unwrap_or_else(|e| panic!("edition: {e}"))
}

fn dataset(ed: &Edition, bodies: usize, rows: usize) -> bagalau_engine::Dataset {
    let dir = tempfile::tempdir().expect("temp dir");
    generate(
        dir.path(),
        bodies,
        rows,
        0x5eed_2014 ^ (bodies * 7919 + rows) as u64,
    )
    .expect("generate");
    bagalau_data::load_dataset(ed, dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .dataset
}

/// CPU time of this thread, in milliseconds (`/proc/thread-self/schedstat`): not the time other
/// processes of a shared machine held the CPU.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

/// The least CPU time of three evaluations (the least is the one least disturbed).
fn eval_cpu_ms(ed: &Edition, data: &bagalau_engine::Dataset) -> f64 {
    (0..3)
        .map(|_| {
            let t = cpu_ms();
            let out = bagalau_engine::evaluate(ed, data).unwrap_or_else(|e| panic!("{e}"));
            let ms = cpu_ms() - t;
            drop(out);
            ms
        })
        .fold(f64::INFINITY, f64::min)
}

/// × 4 bodies costs about × 4 (linear); the cubic evaluator of the issue cost × 32 from 100 to
/// 400 bodies, a quadratic one would cost × 16. The bound leaves room for a noisy machine.
#[test]
fn issue10_evaluation_cost_grows_linearly_with_bodies() {
    if std::fs::metadata("/proc/thread-self/schedstat").is_err() {
        eprintln!("no per-thread CPU time on this system: skipped");
        return;
    }
    let ed = edition();
    let small = dataset(&ed, 100, 4);
    let large = dataset(&ed, 400, 4);
    let (a, b) = (eval_cpu_ms(&ed, &small), eval_cpu_ms(&ed, &large));
    eprintln!("{a:.1} ms → {b:.1} ms CPU (× {:.2})", b / a);
    assert!(
        b / a < 9.0,
        "100 bodies: {a:.1} ms CPU, 400 bodies: {b:.1} ms CPU (× {:.1}, linear is × 4)",
        b / a
    );
}

/// × 8 rows per body costs about × 8 (rows are found through their body, not by a scan).
#[test]
fn issue10_evaluation_cost_grows_linearly_with_rows() {
    if std::fs::metadata("/proc/thread-self/schedstat").is_err() {
        eprintln!("no per-thread CPU time on this system: skipped");
        return;
    }
    let ed = edition();
    let small = dataset(&ed, 10, 100);
    let large = dataset(&ed, 10, 800);
    let (a, b) = (eval_cpu_ms(&ed, &small), eval_cpu_ms(&ed, &large));
    eprintln!("{a:.1} ms → {b:.1} ms CPU (× {:.2})", b / a);
    assert!(
        b / a < 16.0,
        "100 rows per body: {a:.1} ms CPU, 800: {b:.1} ms CPU (× {:.1}, linear is × 8)",
        b / a
    );
}

/// A loaded row holds the inputs of its table only, in a word each, and shares its key and name
/// with the rows of the same key in other bodies (at 39 × 10 000 rows a row cost ~490 bytes).
#[test]
fn issue10_rows_are_small_and_share_their_text() {
    let ed = edition();
    let data = dataset(&ed, 4, 50);
    let t = 0;
    let width = ed.inputs.iter().filter(|i| i.table == Some(t)).count();
    assert!(width < ed.inputs.len());
    assert!(
        std::mem::size_of::<bagalau_engine::Row>() <= 56,
        "{} bytes",
        std::mem::size_of::<bagalau_engine::Row>()
    );
    let (a, b) = (&data.bodies[0].tables[t], &data.bodies[1].tables[t]);
    assert_eq!(a.len(), 50);
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.len(), width);
        assert_eq!(x.key, y.key);
        assert!(Arc::ptr_eq(&x.key, &y.key), "key «{}» copied", x.key);
        assert!(Arc::ptr_eq(&x.name, &y.name), "name «{}» copied", x.name);
    }
}
