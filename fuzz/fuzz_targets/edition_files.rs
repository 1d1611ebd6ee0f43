//! The edition loader on fuzzed files: the first byte chooses which file of a copy of the 2014
//! edition is replaced by the rest. Loading must never panic; a refusal carries diagnostics; an
//! accepted edition has every criterion proved within its maximum (the bounds check ran).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use bagalau_methodology::load::EDITION_FILES;
use libfuzzer_sys::fuzz_target;

fn base() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../methodologies/2014-services");
        let dir = std::env::temp_dir().join(format!("bagalau-fuzz-edition-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        for e in std::fs::read_dir(&src).expect("edition").flatten() {
            std::fs::copy(e.path(), dir.join(e.file_name())).expect("copy");
        }
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let dir = base();
    let name = EDITION_FILES[usize::from(which) % EDITION_FILES.len()];
    let path = dir.join(name);
    let original = std::fs::read(&path).ok();
    std::fs::write(&path, rest).expect("write");
    match bagalau_methodology::load(dir) {
        Ok(ed) => assert!(!ed.nodes.is_empty() || ed.inputs.is_empty()),
        Err(e) => assert!(!e.diagnostics.is_empty(), "a refusal without diagnostics"),
    }
    match original {
        Some(bytes) => std::fs::write(&path, bytes).expect("restore"),
        None => {
            let _ = std::fs::remove_file(&path);
        }
    }
});
