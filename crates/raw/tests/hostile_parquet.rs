//! A Parquet file whose embedded Arrow schema is malformed (found by the `raw_parquet` fuzz
//! target: the Arrow IPC decoder panics with «Unexpected bitwidth and signed»). The reader must
//! not reach that decoder at all — a panic caught by `catch_unwind` would still abort a fuzzer
//! and print a backtrace to the user — and the query engine's path refuses the file by name.

use std::cell::Cell;

use bagalau_raw::schema::Table;

thread_local! {
    /// Whether a panic happened on this thread (the hook runs on the panicking thread, so tests
    /// running beside this one do not touch it).
    static PANICKED: Cell<bool> = const { Cell::new(false) };
}

#[test]
fn a_malformed_embedded_arrow_schema_neither_panics_nor_passes_unnoticed() {
    std::panic::set_hook(Box::new(|_| PANICKED.with(|p| p.set(true))));
    let bytes = include_bytes!("data/hostile_arrow_schema.bin");
    let (&first, rest) = bytes.split_first().expect("not empty");
    let table = Table::ALL[usize::from(first) % Table::ALL.len()];
    // The reader reads the columns without the embedded schema: sound records or an error.
    let read = bagalau_raw::read_parquet_bytes(table, "hostile.parquet", rest.to_vec());
    assert!(
        !PANICKED.with(Cell::get),
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
        PANICKED.with(Cell::get),
        "the file no longer makes the Arrow decoder panic: this test has lost its point ({err})"
    );
    let text = err.to_string();
    assert!(text.contains("deliveries.parquet"), "{text}");
    assert!(
        text.chars().any(|c| ('а'..='я').contains(&c)),
        "not Russian: {text}"
    );
}

/// A data page whose run-length header overflows the Parquet library's shift (found by fuzzing:
/// `bit_util::get_vlq_int`, «attempt to shift left with overflow»). With overflow checks on (debug
/// builds) the library panics and the reader, which runs it under `catch_unwind`, refuses the
/// file; the release build has no overflow checks and the garbage it decodes is refused or read
/// as records that pass every rule. Either way the caller gets a value, not an unwinding panic.
#[test]
fn an_overflowing_run_length_header_is_refused_or_read_soundly() {
    refused_or_read_soundly(include_bytes!("data/rle_overflow.bin"));
}

/// A run-length header longer than ten bytes: the Parquet library panics («Num of bytes exceed
/// MAX_VLQ_BYTE_LEN (10)», in every build — found by fuzzing); the reader refuses the file.
#[test]
fn an_over_long_run_length_header_is_refused() {
    refused_or_read_soundly(include_bytes!("data/rle_vlq_too_long.bin"));
}

fn refused_or_read_soundly(bytes: &[u8]) {
    let (&first, rest) = bytes.split_first().expect("not empty");
    let table = Table::ALL[usize::from(first) % Table::ALL.len()];
    match bagalau_raw::read_parquet_bytes(table, "hostile.parquet", rest.to_vec()) {
        Ok(loaded) => {
            for b in &loaded.batches {
                let reasons = bagalau_raw::validate::reasons(table, b).expect("canonical batch");
                assert!(reasons.iter().all(|r| *r == 0));
            }
        }
        Err(e) => assert!(e.to_string().contains("hostile.parquet"), "{e}"),
    }
}

/// Four files on which the fuzzer's reader spent 21, 25, 94 and about 250 seconds (a page header
/// declaring a huge Thrift list: the Parquet library skips it element by element past the end
/// of the data): the bounded page-header walk refuses them, or they are read, in well under a
/// second each.
#[test]
fn page_headers_declaring_huge_lists_cost_no_time() {
    for bytes in [
        &include_bytes!("data/slow_pages_1.bin")[..],
        &include_bytes!("data/slow_pages_2.bin")[..],
        &include_bytes!("data/slow_pages_3.bin")[..],
        &include_bytes!("data/slow_pages_4.bin")[..],
    ] {
        let t = std::time::Instant::now();
        refused_or_read_soundly(bytes);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            t.elapsed()
        );
    }
}
