//! Dataset importer (CSV) and the engine behind it: any `bodies.csv` / `services.csv` pair for the
//! 2014 edition either loads and evaluates, or is refused with issues naming file, row and column —
//! never a panic. Input: the two files separated by a line `===`.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use bagalau_methodology::Edition;
use libfuzzer_sys::fuzz_target;

fn edition() -> &'static Edition {
    static ED: OnceLock<Edition> = OnceLock::new();
    ED.get_or_init(|| {
        bagalau_methodology::load(&PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../methodologies/2014-services"
        )))
        .expect("the shipped 2014 edition loads")
    })
}

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("bagalau-fuzz-csv-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let (bodies, services) = match data.windows(5).position(|w| w == b"\n===\n") {
        Some(i) => (&data[..i + 1], &data[i + 5..]),
        None => (data, &b""[..]),
    };
    let d = dir();
    std::fs::write(d.join("bodies.csv"), bodies).expect("write");
    std::fs::write(d.join("services.csv"), services).expect("write");
    let ed = edition();
    match bagalau_data::load_dataset(ed, d) {
        Ok(loaded) => {
            let _ = bagalau_engine::evaluate(ed, &loaded.dataset);
        }
        Err(e) => assert!(!e.issues.is_empty(), "an error without issues"),
    }
});
