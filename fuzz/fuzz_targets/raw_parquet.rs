//! Raw-record Parquet reader: any bytes for any of the three tables (the first byte chooses it)
//! either give sound records — which pass the record rules again — plus refusals counted by
//! reason, or a file error; never a panic or an unbounded allocation.
//!
//! The Parquet library itself panics on some malformed pages (its run-length decoder: «Num of
//! bytes exceed MAX_VLQ_BYTE_LEN», found by this target); our reader runs it under
//! `catch_unwind` and refuses such a file. libFuzzer's panic hook would abort on that caught
//! panic, so the hook installed here lets a panic *inside a library from the registry* unwind to
//! our guard, and aborts on a panic anywhere else — in our code, even if caught. A panic that
//! escapes the reader still aborts (libfuzzer-sys catches it around the target and aborts).
#![no_main]

use std::sync::Once;

use bagalau_raw::schema::Table;
use libfuzzer_sys::fuzz_target;

static HOOK: Once = Once::new();

fn library_panics_unwind_to_our_guard() {
    HOOK.call_once(|| {
        let libfuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_library = info
                .location()
                .is_some_and(|l| l.file().contains("/.cargo/registry/"));
            if !in_library {
                libfuzzer_hook(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    library_panics_unwind_to_our_guard();
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let table = Table::ALL[usize::from(first) % Table::ALL.len()];
    if let Ok(loaded) = bagalau_raw::read_parquet_bytes(table, "fuzz.parquet", rest.to_vec()) {
        for b in &loaded.batches {
            let reasons = bagalau_raw::validate::reasons(table, b).expect("canonical batch");
            assert!(reasons.iter().all(|r| *r == 0), "a refused record was kept");
        }
    }
});
