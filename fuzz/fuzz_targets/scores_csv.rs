//! Published-scores importer and the rating: any scores CSV is read and rated, or refused with
//! issues — never a panic; ranks stay within 1..=group size.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    let f = FILE.get_or_init(|| {
        std::env::temp_dir().join(format!("bagalau-fuzz-scores-{}.csv", std::process::id()))
    });
    std::fs::write(f, data).expect("write");
    match bagalau_data::rating::read_scores(f) {
        Ok(rows) => {
            let r = bagalau_data::rating::rate(rows, &[]);
            for x in &r.rows {
                assert!(x.rank >= 1 && x.rank <= x.group_size, "rank out of range");
            }
        }
        Err(e) => assert!(!e.issues.is_empty(), "an error without issues"),
    }
});
