//! Issue 12's acceptance: 50 `kill -9` at random moments while a writer imports data, appends
//! events, computes and recomputes runs leave a store that `verify` accepts, with no partial
//! run. On SQLite always, on PostgreSQL when configured.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bagalau_store::Store;

const KILLS: usize = 50;
const RESULTS_SIZE: usize = 64 * 1024;

/// xorshift64*: the test's only randomness, seeded from the clock (or `BAGALAU_KILL_SEED`) and
/// printed, so that a failure can be replayed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn seed() -> u64 {
    std::env::var("BAGALAU_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
        | 1
}

fn kill_nine_times_fifty(db: &common::TestDb) {
    let seed = seed();
    let mut random = Random(seed);
    eprintln!("{}: BAGALAU_KILL_SEED={seed}", db.label);
    // How long the writer lives: from 0 (killed while opening) to the time a few runs take.
    let max_ms = 600;
    let started = Instant::now();
    // Where the kills landed: the writer's last step before each.
    let mut landed: BTreeMap<String, usize> = BTreeMap::new();
    for kill in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bagalau-store-torture"))
            .args([db.url.as_str(), "cycle"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the writer starts");
        std::thread::sleep(Duration::from_millis(random.next() % max_ms));
        // SIGKILL on Unix: no destructor, no rollback by the writer.
        let _ = child.kill();
        let status = child.wait().expect("the writer is reaped");
        let mut steps = String::new();
        if let Some(mut out) = child.stdout.take() {
            out.read_to_string(&mut steps).expect("the writer's steps");
        }
        *landed
            .entry(steps.lines().last().unwrap_or("before open").to_string())
            .or_insert(0) += 1;
        assert!(
            status.code().is_none(),
            "{}: the writer stopped by itself before kill {kill} ({status}), seed {seed}",
            db.label
        );
        if kill % 10 == 9 {
            let report = Store::open(&db.url).unwrap().verify().unwrap();
            assert!(
                report.is_ok(),
                "{}: after kill {kill}: {report}; seed {seed}",
                db.label
            );
        }
    }
    let store = Store::open(&db.url).unwrap();
    let report = store.verify().unwrap();
    assert!(report.is_ok(), "{}: {report}; seed {seed}", db.label);
    // No partial run: every run is whole, its results and trace of the written size, its
    // hashes recomputed (by `runs`), and each recomputation points at the run before it.
    let runs = store.runs("cycle").unwrap();
    for (i, run) in runs.iter().enumerate() {
        assert_eq!(run.record.number, i as u64 + 1);
        assert_eq!(run.record.results.len(), RESULTS_SIZE);
        assert_eq!(run.record.trace.len(), RESULTS_SIZE / 4);
        assert_eq!(
            run.record.previous.as_ref(),
            i.checked_sub(1).map(|p| &runs[p].id)
        );
    }
    let events = store.events("cycle").unwrap();
    // Runs stored with their event (the even ones): each has it, and no such event lacks its run.
    let recorded = |n: u64| {
        events.iter().any(|e| {
            e.what
                == bagalau_cycle::Action::OpenStage {
                    stage: format!("расчёт {n}"),
                }
        })
    };
    for run in &runs {
        assert_eq!(
            recorded(run.record.number),
            run.record.number.is_multiple_of(2),
            "run {}",
            run.record.number
        );
    }
    assert!(
        !recorded(runs.len() as u64 + 1),
        "an event whose run is missing"
    );
    eprintln!(
        "{}: {KILLS} kills in {:.1} s; the store holds {} events, {} runs, {} audit rows, {} blobs",
        db.label,
        started.elapsed().as_secs_f64(),
        events.len(),
        runs.len(),
        report.audit_rows,
        report.blobs
    );
    eprintln!(
        "{}: kills landed in (the writer's step): {landed:?}",
        db.label
    );
    // The writer must have made progress between kills, or the test proved nothing.
    assert!(
        runs.len() >= 5 && events.len() >= 5,
        "{}: too little progress, seed {seed}",
        db.label
    );
}

#[test]
fn fifty_kill_nines_leave_a_verified_store_without_a_partial_run() {
    for db in common::databases("kill9") {
        kill_nine_times_fifty(&db);
    }
}

/// A restore killed at a random moment leaves the store empty (and restorable) or whole.
fn kill_restores(label: &str, fresh: impl Fn() -> common::TestDb) {
    let seed = seed();
    let mut random = Random(seed);
    let source = fresh();
    let store = Store::open(&source.url).unwrap();
    let why = bagalau_store::AuditInfo::new("источник");
    store
        .create_cycle("cycle", &common::event(1), &why)
        .unwrap();
    let mut previous = None;
    for n in 1..=8 {
        store
            .append("cycle", n, &common::event(n + 1), &why)
            .unwrap();
        let run = bagalau_store::RunRecord {
            cycle_id: "cycle".into(),
            number: n,
            edition_id: "e".into(),
            edition_hash: "sha256:e".into(),
            data_hash: "sha256:d".into(),
            results: vec![n as u8; RESULTS_SIZE],
            trace: vec![!(n as u8); RESULTS_SIZE],
            previous: previous.clone(),
            created_at: common::at(n),
            created_by: "Петров П. П.".into(),
        };
        previous = Some(store.put_run(&run, &why).unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    store.backup(&archive).unwrap();
    let source_rows = store.audit(None).unwrap().len();
    let started = Instant::now();
    Store::open(&fresh().url)
        .unwrap()
        .restore(&archive)
        .unwrap();
    let full = started.elapsed().as_millis() as u64 + 1;
    let (mut empty, mut whole) = (0, 0);
    for _ in 0..10 {
        let target = fresh();
        let mut child = Command::new(env!("CARGO_BIN_EXE_bagalau-store-torture"))
            .args(["restore", target.url.as_str(), archive.to_str().unwrap()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the restorer starts");
        // Wait until the restore has begun, then kill within the time a restore takes (a
        // little past it, so that some kills come after the commit).
        let mut out = std::io::BufReader::new(child.stdout.take().expect("piped"));
        let mut step = String::new();
        while std::io::BufRead::read_line(&mut out, &mut step).unwrap_or(0) > 0
            && step.trim() != "restore"
        {
            step.clear();
        }
        std::thread::sleep(Duration::from_millis(random.next() % (full + full / 4)));
        let _ = child.kill();
        child.wait().unwrap();
        let restored = Store::open(&target.url).unwrap();
        let report = restored.verify().unwrap();
        assert!(report.is_ok(), "{label}: {report}; seed {seed}");
        let rows = restored.audit(None).unwrap().len();
        if rows == 0 {
            empty += 1;
            assert!(restored.cycles().unwrap().is_empty());
            restored.restore(&archive).unwrap();
        } else {
            whole += 1;
            assert_eq!(rows, source_rows, "{label}: a partial restore, seed {seed}");
        }
        assert_eq!(
            restored.runs("cycle").unwrap(),
            store.runs("cycle").unwrap()
        );
    }
    eprintln!("{label}: 10 restores ({full} ms each) killed: {empty} left empty, {whole} whole");
}

#[test]
fn a_restore_killed_midway_leaves_the_store_empty_or_whole() {
    kill_restores("sqlite", common::sqlite);
    if common::postgres("kill_restore").is_some() {
        kill_restores("postgres", || common::postgres("kill_restore").unwrap());
    }
}
