//! Hostile workbooks are refused with a reason, never a panic or an unbounded allocation.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use bagalau_ingest::{IngestError, Reason};
use bagalau_methodology::Edition;

fn edition() -> Edition {
    bagalau_methodology::load(&PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../methodologies/2014-services"
    )))
    .expect("edition")
}

/// The blank 2014 form with the XML of the sheet «Органы» (sheet2.xml) edited.
fn blank_with(edit: impl Fn(String) -> String) -> Vec<u8> {
    let bytes = bagalau_ingest::template(&edition(), None).expect("template");
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read");
        if name == "xl/worksheets/sheet2.xml" {
            data = edit(String::from_utf8(data).expect("utf-8")).into_bytes();
        }
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        w.write_all(&data).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

fn reasons(bytes: &[u8]) -> Vec<Reason> {
    match bagalau_ingest::read_form(&edition(), Path::new("h.xlsx"), bytes) {
        Ok(_) => panic!("accepted"),
        Err(IngestError::Refused { problems, .. }) => {
            problems.into_iter().map(|p| p.reason).collect()
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn an_overlong_cell_reference_is_refused() {
    // Found by the fuzz target form_xlsx: calamine's column arithmetic overflows on this
    // reference (a panic under overflow checks, caught and reported as an unreadable file).
    let bytes = blank_with(|x| x.replacen("<c r=\"A1\"", "<c r=\"LZZZZZZZZZZZZZZZZZZZZ3\"", 1));
    let rs = reasons(&bytes);
    if cfg!(debug_assertions) {
        // Overflow checks on (the test profile): calamine panics and the panic is caught.
        assert!(
            matches!(&rs[..], [Reason::Unreadable(m)] if m.contains("calamine")),
            "{rs:?}"
        );
    } else {
        assert!(!rs.is_empty());
    }
}

#[test]
fn a_cell_far_away_does_not_allocate_a_dense_sheet() {
    // A1 and XFD1048576 both filled: a dense range would be 17 billion cells.
    let bytes = blank_with(|x| {
        x.replacen(
            "</sheetData>",
            "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>",
            1,
        )
    });
    let rs = reasons(&bytes);
    assert!(rs.contains(&Reason::ValuesWithoutCode), "{rs:?}");
}

#[test]
fn arbitrary_bytes_are_unreadable() {
    for bytes in [&b""[..], b"PK\x03\x04", b"<xml/>", &[0xff; 64]] {
        assert!(
            matches!(reasons(bytes)[..], [Reason::Unreadable(_)]),
            "{bytes:?}"
        );
    }
}
