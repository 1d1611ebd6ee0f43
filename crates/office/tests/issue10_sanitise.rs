//! Issue 10, «XLSX safety»: text that looks like a formula stays inert text, and characters that
//! XML forbids never reach a file (a U+FFFE in a name made `sharedStrings.xml` invalid).

use std::io::Read;

use bagalau_office::{
    to_docx, to_html, to_xlsx, Block, Document, Lang, Run, Sheet, Workbook, XCell,
};

fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut text = String::new();
        f.read_to_string(&mut text).expect("utf-8 part");
        parts.push((f.name().to_string(), text));
    }
    parts
}

fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
    &parts
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} in the archive"))
        .1
}

const HOSTILE: [&str; 5] = [
    "=HYPERLINK(\"http://x\",\"a\")",
    "+7 777",
    "-1+2",
    "@SUM(A1:A2)",
    "  =1+1",
];

fn book(texts: &[&str], sheet_name: &str, columns: Vec<String>) -> Workbook {
    Workbook {
        sheets: vec![Sheet {
            name: sheet_name.into(),
            columns,
            rows: texts
                .iter()
                .map(|t| {
                    vec![
                        XCell::Text((*t).into()),
                        XCell::Text("обычный текст".into()),
                    ]
                })
                .collect(),
        }],
    }
}

#[test]
fn issue10_xlsx_formula_like_text_is_stored_as_quoted_text() {
    let bytes = to_xlsx(&book(&HOSTILE, "Лист", vec!["Орган".into(), "=A1".into()])).expect("xlsx");
    let parts = unzip(&bytes);
    let sheet = part(&parts, "xl/worksheets/sheet1.xml");
    let styles = part(&parts, "xl/styles.xml");
    let strings = part(&parts, "xl/sharedStrings.xml");
    let sheet_doc = roxmltree::Document::parse(sheet).expect("sheet xml");
    let styles_doc = roxmltree::Document::parse(styles).expect("styles xml");
    assert!(
        !sheet_doc.descendants().any(|n| n.has_tag_name("f")),
        "no formula anywhere: {sheet}"
    );
    // Cell formats (cellXfs) by index: which carry the quote prefix.
    let xfs: Vec<bool> = styles_doc
        .descendants()
        .find(|n| n.has_tag_name("cellXfs"))
        .expect("cellXfs")
        .children()
        .filter(|n| n.has_tag_name("xf"))
        .map(|n| n.attribute("quotePrefix") == Some("1"))
        .collect();
    let strings_doc = roxmltree::Document::parse(strings).expect("shared strings xml");
    let shared: Vec<String> = strings_doc
        .descendants()
        .filter(|n| n.has_tag_name("si"))
        .map(|si| {
            si.descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect()
        })
        .collect();
    let mut quoted = Vec::new();
    for c in sheet_doc.descendants().filter(|n| n.has_tag_name("c")) {
        assert_eq!(c.attribute("t"), Some("s"), "every text cell is a string");
        let index: usize = c
            .children()
            .find(|n| n.has_tag_name("v"))
            .and_then(|v| v.text())
            .and_then(|t| t.parse().ok())
            .expect("shared string index");
        let style: usize = c.attribute("s").and_then(|s| s.parse().ok()).unwrap_or(0);
        let text = &shared[index];
        let is_quoted = xfs.get(style).copied().unwrap_or(false);
        if text.trim_start().starts_with(['=', '+', '-', '@']) {
            assert!(is_quoted, "«{text}» carries the quote prefix");
            quoted.push(text.clone());
        } else {
            assert!(!is_quoted, "«{text}» is left as it is");
        }
    }
    assert_eq!(quoted.len(), HOSTILE.len() + 1, "{quoted:?}");
}

#[test]
fn issue10_xlsx_characters_invalid_in_xml_are_removed() {
    let bad = "Орган\u{FFFE}\u{FFFF}\u{1}\u{1b}\u{0}ы";
    let bytes = to_xlsx(&book(&[bad], bad, vec![bad.into()])).expect("xlsx");
    for (name, text) in unzip(&bytes) {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{name} is well-formed XML: {e}"));
            assert!(!text.contains('\u{FFFE}'), "{name}");
        }
    }
    let strings = unzip(&bytes);
    assert!(part(&strings, "xl/sharedStrings.xml").contains("Органы"));
}

#[test]
fn issue10_docx_and_html_drop_characters_invalid_in_xml() {
    let bad = "Орган\u{FFFE}\u{FFFF}\u{1}\u{b}ы";
    let doc = Document {
        lang: Lang::Ru,
        title: bad.into(),
        landscape: false,
        blocks: vec![
            Block::Heading {
                level: 1,
                text: bad.into(),
            },
            Block::Paragraph {
                runs: vec![Run::plain(bad)],
                align: Default::default(),
            },
        ],
    };
    let html = to_html(&doc);
    assert!(html.contains("Органы"));
    assert!(
        !html
            .chars()
            .any(|c| !bagalau_office::sanitize::is_allowed(c)),
        "HTML carries no character XML forbids"
    );
    let docx = to_docx(&doc).expect("docx");
    for (name, text) in unzip(&docx) {
        if name.ends_with(".xml") {
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{name} is well-formed XML: {e}"));
        }
    }
    assert!(part(&unzip(&docx), "word/document.xml").contains("Органы"));
}
