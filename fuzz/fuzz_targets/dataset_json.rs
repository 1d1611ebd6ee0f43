//! Dataset importer (JSON): any `data.json` for the 2014 edition loads and evaluates, or is
//! refused with issues — never a panic.
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

fuzz_target!(|data: &[u8]| {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let d = DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("bagalau-fuzz-json-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    });
    std::fs::write(d.join("data.json"), data).expect("write");
    let ed = edition();
    match bagalau_data::load_dataset(ed, d) {
        Ok(loaded) => {
            let _ = bagalau_engine::evaluate(ed, &loaded.dataset);
        }
        Err(e) => assert!(!e.issues.is_empty(), "an error without issues"),
    }
});
