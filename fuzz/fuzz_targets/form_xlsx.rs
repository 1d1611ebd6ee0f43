//! Form importer (XLSX, calamine): any bytes are read as a filled form of the 2014 edition and
//! either give a dataset or are refused with named problems — never a panic.
//!
//! First byte even: the rest is the workbook file as is. Odd: the rest replaces the XML of the
//! sheet «Органы» in a blank 2014 form (stored, uncompressed), so that the fuzzer reaches the
//! cell reader and the checks instead of stopping at the zip container.
#![no_main]

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use bagalau_ingest::IngestError;
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

/// The parts of a blank 2014 form.
fn parts() -> &'static Vec<(String, Vec<u8>)> {
    static PARTS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    PARTS.get_or_init(|| {
        let bytes = bagalau_ingest::template(edition(), None).expect("template");
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).expect("entry");
                let mut v = Vec::new();
                f.read_to_end(&mut v).expect("read");
                (f.name().to_string(), v)
            })
            .collect()
    })
}

fn with_sheet(xml: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts() {
        w.start_file(name.as_str(), opts).expect("start");
        let body: &[u8] = if name == "xl/worksheets/sheet2.xml" { xml } else { data };
        w.write_all(body).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// `read_form` catches a panic inside calamine and refuses the file (calamine 0.38 overflows on
/// an over-long cell reference when overflow checks are on). libFuzzer's panic hook would abort
/// before that catch: panics raised inside calamine's own code are left to `read_form`, every
/// other panic still aborts.
fn pass_calamine_panics_to_read_form() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                abort(info);
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    pass_calamine_panics_to_read_form();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        with_sheet(rest)
    };
    match bagalau_ingest::read_form(edition(), Path::new("fuzz.xlsx"), &bytes) {
        Ok(form) => assert!(!form.dataset.bodies.is_empty(), "a form without bodies accepted"),
        Err(IngestError::Refused { problems, .. }) => {
            assert!(!problems.is_empty(), "refused without a problem")
        }
        Err(e) => panic!("read_form returned a non-refusal: {e}"),
    }
});
