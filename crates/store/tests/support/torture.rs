//! A writer for the kill -9 test (`tests/kill9.rs`): opens the store given as its argument and
//! loops forever, as a cycle's administrator would in a hurry — importing data (a blob and a
//! log entry), appending events, computing and recomputing runs — each change in its own
//! transaction, until it is killed. With `restore`, it restores an archive instead.

use std::io::Write;

use bagalau_cycle::{Action, Actor, Event, Party};
use bagalau_store::{Act, AuditInfo, Author, RunRecord, Store, StoreError};
use chrono::NaiveDate;
use serde_json::json;

/// The size of each run's results: large enough that a kill often lands inside the write.
const RESULTS_SIZE: usize = 64 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match args.as_slice() {
        [_, mode, url, archive] if mode == "restore" => restore(url, archive),
        [_, url, cycle] => run(url, cycle),
        _ => {
            eprintln!("usage: bagalau-store-torture STORE CYCLE | restore STORE ARCHIVE");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

/// Tells the test which step the writer is in (a line on stdout, flushed), so that it can count
/// where its kills landed.
fn step(name: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{name}");
    let _ = out.flush();
}

/// Restores an archive (the test kills it midway).
fn restore(url: &str, archive: &str) -> Result<(), StoreError> {
    let store = Store::open(url)?;
    step("restore");
    store.restore(std::path::Path::new(archive))?;
    step("restored");
    Ok(())
}

fn run(url: &str, cycle: &str) -> Result<(), StoreError> {
    step("open");
    let store = Store::open(url)?;
    let start = NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("a date");
    let actor = Actor::new(Party::Administrator, "Администрация", "Иванов И. И.");
    let event = |seq: u64| Event {
        seq,
        at: start + chrono::Duration::seconds(seq as i64),
        actor: actor.clone(),
        what: Action::OpenStage {
            stage: format!("этап-{seq}"),
        },
    };
    match store.create_cycle(cycle, &event(1), &AuditInfo::new("создание")) {
        Ok(()) | Err(StoreError::CycleExists(_)) => {}
        Err(e) => return Err(e),
    }
    // What a restarted writer knows of earlier runs: their number and the last one's id.
    let runs = store.run_summaries(cycle)?;
    let mut number = runs.len() as u64;
    let mut previous = runs.last().map(|r| r.id.clone());
    for round in 0u64.. {
        step("event");
        let last = store.events(cycle)?.len() as u64;
        store.append(cycle, last, &event(last + 1), &AuditInfo::new("ход цикла"))?;
        step("import");
        let snapshot = format!("орган;балл\nkar;{round}\n");
        let hash = store.put_blob(snapshot.as_bytes(), "text/csv", 1 << 20)?;
        let by = Author {
            who: "Иванов И. И.".into(),
            at: start + chrono::Duration::seconds(round as i64),
        };
        let act = Act {
            by: by.clone(),
            what: "импорт данных".into(),
            details: json!({"snapshot": hash.as_str()}),
        };
        store.log(Some(cycle), &act, &AuditInfo::new("импорт"))?;
        step("compute");
        number += 1;
        let fill = (number % 251) as u8;
        let record = RunRecord {
            cycle_id: cycle.to_string(),
            number,
            edition_id: "2014-services".into(),
            edition_hash: hash.to_string(),
            data_hash: hash.to_string(),
            results: vec![fill; RESULTS_SIZE],
            trace: vec![fill ^ 0x5a; RESULTS_SIZE / 4],
            previous: previous.clone(),
            created_at: by.at,
            created_by: by.who,
        };
        let why = if number == 1 {
            "расчёт"
        } else {
            "перерасчёт"
        };
        step("store-run");
        // Every other run is stored with the event that records it, in one transaction.
        let id = if number.is_multiple_of(2) {
            let last = store.events(cycle)?.len() as u64;
            let mut recorded = event(last + 1);
            recorded.what = Action::OpenStage {
                stage: format!("расчёт {number}"),
            };
            let audit = AuditInfo::new("запись расчёта");
            store.append_with_run(last, &recorded, &audit, &record, &AuditInfo::new(why))?
        } else {
            store.put_run(&record, &AuditInfo::new(why))?
        };
        previous = Some(id);
        step("stored");
    }
    Ok(())
}
