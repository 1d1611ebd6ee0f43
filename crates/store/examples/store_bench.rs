//! Times the store's main operations on one engine:
//! `cargo run -p bagalau-store --example store_bench -- STORE [EVENTS] [RUNS] [RUN_KIB]`
//! (STORE: an empty data directory or a `postgres://` URL of an empty database).

use std::time::Instant;

use bagalau_cycle::{Action, Actor, Event, Party};
use bagalau_store::{AuditInfo, RunRecord, Store, StoreError};
use chrono::NaiveDate;

fn main() -> Result<(), StoreError> {
    let args: Vec<String> = std::env::args().collect();
    let Some(url) = args.get(1) else {
        eprintln!("usage: store_bench STORE [EVENTS] [RUNS] [RUN_KIB]");
        std::process::exit(2);
    };
    let number =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (events, runs, run_kib) = (number(2, 2000), number(3, 20), number(4, 512));
    let start = NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("a date");
    let event = |seq: u64| Event {
        seq,
        at: start + chrono::Duration::seconds(seq as i64),
        actor: Actor::new(Party::Administrator, "Администрация", "Иванов И. И."),
        what: Action::OpenStage {
            stage: format!("этап-{seq}"),
        },
    };
    let why = AuditInfo::new("замер");

    let t = Instant::now();
    let store = Store::open(url)?;
    println!("open (create, migrate): {:?}", t.elapsed());

    let t = Instant::now();
    store.create_cycle("bench", &event(1), &why)?;
    for seq in 2..=events {
        store.append("bench", seq - 1, &event(seq), &why)?;
    }
    let elapsed = t.elapsed();
    println!(
        "{events} events appended: {elapsed:?} ({:.2} ms each)",
        elapsed.as_secs_f64() * 1000.0 / events as f64
    );

    let t = Instant::now();
    let read = store.events("bench")?;
    println!("{} events read: {:?}", read.len(), t.elapsed());

    let t = Instant::now();
    let mut previous = None;
    for n in 1..=runs {
        let record = RunRecord {
            cycle_id: "bench".into(),
            number: n,
            edition_id: "2014-services".into(),
            edition_hash: "sha256:e".into(),
            data_hash: "sha256:d".into(),
            results: vec![(n % 251) as u8; (run_kib * 1024) as usize],
            trace: vec![(n % 241) as u8; (run_kib * 1024) as usize],
            previous: previous.clone(),
            created_at: start,
            created_by: "Петров П. П.".into(),
        };
        previous = Some(store.put_run(&record, &why)?);
    }
    println!("{runs} runs of 2 × {run_kib} KiB stored: {:?}", t.elapsed());

    let t = Instant::now();
    let report = store.verify()?;
    println!("verify: {:?} — {report}", t.elapsed());

    let dir = std::env::temp_dir().join(format!("bagalau-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|source| StoreError::Io {
        path: dir.clone(),
        source,
    })?;
    let archive = dir.join("backup.jsonl");
    let t = Instant::now();
    store.backup(&archive)?;
    let size = std::fs::metadata(&archive).map(|m| m.len()).unwrap_or(0);
    println!("backup: {:?}, {} MiB", t.elapsed(), size / (1 << 20));

    let target = Store::open(dir.join("restored").to_str().unwrap_or_default())?;
    let t = Instant::now();
    target.restore(&archive)?;
    println!("restore into SQLite (with verify): {:?}", t.elapsed());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
