//! Raw-record CSV reader: any bytes for any of the three tables (the first byte chooses it)
//! either give sound records — which pass the record rules again — plus refusals counted by
//! reason, or a file error; never a panic.
#![no_main]

use bagalau_raw::schema::Table;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let table = Table::ALL[usize::from(first) % Table::ALL.len()];
    if let Ok(loaded) = bagalau_raw::read_csv(table, "fuzz.csv", rest) {
        for b in &loaded.batches {
            let reasons = bagalau_raw::validate::reasons(table, b).expect("canonical batch");
            assert!(reasons.iter().all(|r| *r == 0), "a refused record was kept");
        }
        let kept: u64 = loaded.rows() as u64;
        assert_eq!(loaded.rejections.accepted.get(&table).copied().unwrap_or(0), kept);
    }
});
