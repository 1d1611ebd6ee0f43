//! A Parquet file whose embedded Arrow schema is malformed (found by the `raw_parquet` fuzz
//! target: the Arrow IPC decoder panics with «Unexpected bitwidth and signed»). The reader must
//! not reach that decoder at all — a panic caught by `catch_unwind` would still abort a fuzzer
//! and print a backtrace to the user — and the query engine's path refuses the file by name.

use std::sync::atomic::{AtomicBool, Ordering};

use bagalau_raw::schema::Table;

static PANICKED: AtomicBool = AtomicBool::new(false);

#[test]
fn a_malformed_embedded_arrow_schema_neither_panics_nor_passes_unnoticed() {
    std::panic::set_hook(Box::new(|_| PANICKED.store(true, Ordering::SeqCst)));
    let bytes = include_bytes!("data/hostile_arrow_schema.bin");
    let (&first, rest) = bytes.split_first().expect("not empty");
    let table = Table::ALL[usize::from(first) % Table::ALL.len()];
    // The reader reads the columns without the embedded schema: sound records or an error.
    let read = bagalau_raw::read_parquet_bytes(table, "hostile.parquet", rest.to_vec());
    assert!(
        !PANICKED.load(Ordering::SeqCst),
        "the reader panicked (caught or not): {read:?}"
    );
    if let Ok(loaded) = &read {
        for b in &loaded.batches {
            let reasons = bagalau_raw::validate::reasons(table, b).expect("canonical batch");
            assert!(reasons.iter().all(|r| *r == 0));
        }
    }
    // The check made before a query engine scans the file refuses it with a Russian message.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("deliveries.parquet");
    std::fs::write(&path, rest).expect("write");
    let err = bagalau_raw::read::check_parquet_schema(&path).expect_err("refused");
    assert!(
        PANICKED.load(Ordering::SeqCst),
        "the file no longer makes the Arrow decoder panic: this test has lost its point ({err})"
    );
    let text = err.to_string();
    assert!(text.contains("deliveries.parquet"), "{text}");
    assert!(
        text.chars().any(|c| ('а'..='я').contains(&c)),
        "not Russian: {text}"
    );
}
