//! Renders one sample Russian document, exercising every block kind, in every format.
//!
//! The Chromium tests skip (with a message) when Chromium or pdftoppm is missing, unless
//! `BAGALAU_REQUIRE_CHROMIUM=1`, in which case they must run. Set `BAGALAU_OFFICE_PREVIEW_DIR`
//! to a directory to keep the rendered files (HTML, DOCX, XLSX, PDF, PNG pages) for a look.

use std::io::{Read, Write};

use bagalau_office::pdf::find_pdftoppm;
use bagalau_office::{
    dump_dom, find_chromium, html_to_pdf, pdf_to_png, to_docx, to_html, to_xlsx, Align, Bar, Block,
    Cell, Chart, Column, Document, Lang, Run, Sheet, Signature, Table, Workbook, XCell,
};
use rust_decimal::Decimal;

const KNOWN: &str = "Заключение об оценке эффективности";

fn sample() -> Document {
    let mut rows = vec![
        vec![
            Cell::bold("1. Достижение целей").span(2),
            Cell::bold("40,0"),
        ],
        vec![
            Cell::new("1.1. Выполнение целевых индикаторов").indent(1),
            Cell::new("20"),
            Cell::new("18,5"),
        ],
        vec![
            Cell::new("1.1.1. Индикатор «Доля услуг в электронном виде» & <прочее>").indent(2),
            Cell::new("10"),
            Cell::new("9,0"),
        ],
    ];
    for i in 2..=30 {
        rows.push(vec![
            Cell::new(format!("1.{i}. Показатель оценки № {i}")).indent(1),
            Cell::new("1"),
            Cell::new("0,5"),
        ]);
    }
    rows.push(vec![Cell::bold("Итого").span(2), Cell::bold("72,4")]);
    Document {
        lang: Lang::Ru,
        title: KNOWN.into(),
        landscape: false,
        blocks: vec![
            Block::Heading {
                level: 1,
                text: KNOWN.into(),
            },
            Block::Paragraph {
                runs: vec![
                    Run::plain("Государственный орган: "),
                    Run::bold("Министерство цифрового развития"),
                    Run::plain(", период оценки — "),
                    Run::italic("2023 год"),
                    Run::plain("."),
                ],
                align: Align::Justify,
            },
            Block::Paragraph {
                runs: vec![Run::plain("г. Астана")],
                align: Align::Right,
            },
            Block::Heading {
                level: 2,
                text: "1. Результаты оценки".into(),
            },
            Block::List {
                ordered: true,
                items: vec![
                    vec![Run::plain("Достижение стратегических целей")],
                    vec![Run::plain("Качество оказания "), Run::bold("государственных услуг")],
                ],
            },
            Block::List {
                ordered: false,
                items: vec![vec![Run::plain("Управление персоналом")]],
            },
            Block::Table(Table {
                caption: Some("Таблица 1. Баллы по критериям".into()),
                columns: vec![
                    Column {
                        width: 6,
                        align: Align::Left,
                    },
                    Column {
                        width: 2,
                        align: Align::Center,
                    },
                    Column {
                        width: 2,
                        align: Align::Right,
                    },
                ],
                header: vec![
                    vec![Cell::new("Критерий"), Cell::new("Баллы").span(2)],
                    vec![Cell::new(""), Cell::new("макс."), Cell::new("получено")],
                ],
                rows,
            }),
            Block::PageBreak,
            Block::Heading {
                level: 3,
                text: "2. Сравнение с другими органами".into(),
            },
            Block::Chart(Chart {
                title: "Итоговый балл, из 100".into(),
                bars: vec![
                    Bar {
                        label: "Министерство цифрового развития, инноваций и аэрокосмической промышленности".into(),
                        value: Decimal::new(724, 1),
                        value_text: "72,4".into(),
                        highlight: true,
                    },
                    Bar {
                        label: "Министерство финансов".into(),
                        value: Decimal::new(815, 1),
                        value_text: "81,5".into(),
                        highlight: false,
                    },
                    Bar {
                        label: "Министерство юстиции".into(),
                        value: Decimal::new(603, 1),
                        value_text: "60,3".into(),
                        highlight: false,
                    },
                ],
                max: Decimal::new(100, 0),
                reference: Some((Decimal::new(712, 1), "среднее 71,2".into())),
            }),
            Block::Editable {
                id: "recommendations".into(),
                label: "Рекомендации".into(),
                text: "Повысить долю услуг, оказываемых в электронном виде.".into(),
            },
            Block::Editable {
                id: "notes".into(),
                label: "Особое мнение".into(),
                text: String::new(),
            },
            Block::Signatures(vec![
                Signature {
                    position: "Руководитель уполномоченного органа".into(),
                    name: "А. Б. Сериков".into(),
                },
                Signature {
                    position: "Ответственный исполнитель".into(),
                    name: String::new(),
                },
            ]),
        ],
    }
}

fn preview(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("BAGALAU_OFFICE_PREVIEW_DIR") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("preview dir");
        std::fs::write(dir.join(name), bytes).expect("preview file");
    }
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut files = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("zip entry");
        let mut text = String::new();
        file.read_to_string(&mut text).expect("utf-8 part");
        files.insert(file.name().to_string(), text);
    }
    files
}

fn assert_well_formed(files: &std::collections::BTreeMap<String, String>) {
    for (name, text) in files {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            roxmltree::Document::parse(text)
                .unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
        }
    }
}

#[test]
fn html_snapshot() {
    let html = to_html(&sample());
    preview("sample.html", html.as_bytes());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"ru\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    // Inline CSS and the inline «save texts» script are part of the file; nothing is fetched.
    for external in ["<link", "<script src", " src=", "url(http", "@import"] {
        assert!(
            !html.contains(external),
            "no external resources: {external}"
        );
    }
    // Escaped (soft hyphens aside: Russian words of running text carry them).
    assert!(html.replace('\u{ad}', "").contains("&amp; &lt;прочее&gt;"));
    insta::assert_snapshot!("sample_html", html);
}

#[test]
fn docx_contains_text_tables_and_breaks() {
    let bytes = to_docx(&sample()).expect("docx");
    preview("sample.docx", &bytes);
    let files = unzip(&bytes);
    assert_well_formed(&files);
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/_rels/document.xml.rels",
        "docProps/core.xml",
    ] {
        assert!(files.contains_key(part), "missing {part}");
    }
    let doc = &files["word/document.xml"];
    assert!(doc.contains(KNOWN));
    assert!(doc.contains("Министерство цифрового развития"));
    assert!(doc.contains("<w:gridSpan w:val=\"2\"/>"));
    assert!(doc.contains("<w:tblHeader/>"));
    assert!(doc.contains("<w:br w:type=\"page\"/>"));
    assert!(doc.contains("&amp; &lt;прочее&gt;"));
    assert!(doc.contains("Дата: «__» ________ 20__ г."));
    assert!(doc.contains("72,4"), "chart values as a table");
    assert!(doc.contains("w:val=\"dotted\""), "blank editable as lines");
    assert!(files["docProps/core.xml"].contains(&format!("<dc:title>{KNOWN}</dc:title>")));

    // Word's own lists: items reference a numbering, no typed «1.» or «•» markers.
    let numbering = &files["word/numbering.xml"];
    assert!(numbering.contains("<w:numFmt w:val=\"decimal\"/>"));
    assert!(numbering.contains("<w:numFmt w:val=\"bullet\"/>"));
    assert!(doc.contains("<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>"));
    assert!(doc.contains("<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"2\"/></w:numPr>"));
    assert!(numbering.contains("<w:num w:numId=\"2\"><w:abstractNumId w:val=\"0\"/>"));
    assert!(!doc.contains(">1.\t<") && !doc.contains("<w:t xml:space=\"preserve\">•"));
    // Fonts and sizes only from styles.xml.
    assert!(
        !doc.contains("<w:sz ") && !doc.contains("<w:rFonts"),
        "{doc}"
    );
    assert!(files["word/styles.xml"].contains("<w:rFonts w:ascii=\"Times New Roman\""));
    // Page numbers «стр. N из M» in the footer, none on the first page.
    let footer = &files["word/footer1.xml"];
    assert!(
        footer.contains("стр. </w:t>") && footer.contains(" из </w:t>"),
        "{footer}"
    );
    assert!(
        footer.contains("> PAGE <") && footer.contains("> NUMPAGES <"),
        "{footer}"
    );
    assert!(!files["word/footer2.xml"].contains("PAGE"));
    assert!(doc.contains("<w:footerReference w:type=\"default\" r:id=\"rId4\"/>"));
    assert!(doc.contains("<w:titlePg/>"));
    let rels = &files["word/_rels/document.xml.rels"];
    for target in ["numbering.xml", "footer1.xml", "footer2.xml"] {
        assert!(rels.contains(&format!("Target=\"{target}\"")), "{target}");
        assert!(files["[Content_Types].xml"].contains(&format!("/word/{target}")));
    }

    let landscape = to_docx(&Document {
        landscape: true,
        ..sample()
    })
    .expect("docx");
    let files = unzip(&landscape);
    assert!(files["word/document.xml"].contains("w:orient=\"landscape\""));
}

#[test]
fn xlsx_contains_texts_and_numbers() {
    let book = Workbook {
        sheets: vec![
            Sheet {
                name: "Баллы: итог/2023".into(),
                columns: vec!["Государственный орган".into(), "Балл".into(), "Ранг".into()],
                rows: vec![
                    vec![
                        XCell::Text("Министерство финансов".into()),
                        XCell::Number(Decimal::new(8155, 2)),
                        XCell::Int(1),
                    ],
                    vec![
                        XCell::Text("Министерство юстиции".into()),
                        XCell::Number(Decimal::new(603, 1)),
                        XCell::Empty,
                    ],
                ],
            },
            Sheet {
                name: "Баллы итог2023".into(),
                columns: vec!["Примечание".into()],
                rows: vec![],
            },
        ],
    };
    let bytes = to_xlsx(&book).expect("xlsx");
    preview("sample.xlsx", &bytes);
    let files = unzip(&bytes);
    assert_well_formed(&files);
    let strings = &files["xl/sharedStrings.xml"];
    assert!(strings.contains("Министерство финансов"));
    assert!(strings.contains("Государственный орган"));
    let sheet = &files["xl/worksheets/sheet1.xml"];
    assert!(sheet.contains("<v>81.55</v>"), "{sheet}");
    assert!(sheet.contains("<v>60.3</v>"));
    assert!(sheet.contains("<autoFilter ref=\"A1:C3\"/>"));
    assert!(sheet.contains("state=\"frozen\""));
    let workbook = &files["xl/workbook.xml"];
    assert!(workbook.contains("name=\"Баллы итог2023\""));
    assert!(workbook.contains("name=\"Баллы итог2023 (2)\""));
}

/// Whether the Chromium tests may run; prints why not when they skip.
fn chromium_ready() -> bool {
    let required = std::env::var("BAGALAU_REQUIRE_CHROMIUM").as_deref() == Ok("1");
    let chromium = find_chromium();
    let pdftoppm = find_pdftoppm();
    if chromium.is_some() && pdftoppm.is_some() {
        return true;
    }
    if required {
        // Run anyway: the renderers' own errors say what is missing.
        return true;
    }
    // Straight to stderr: the test harness captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: Chromium tests need chromium and pdftoppm (Debian: chromium poppler-utils \
         fonts-dejavu-core); found chromium: {chromium:?}, pdftoppm: {pdftoppm:?}. \
         Set BAGALAU_REQUIRE_CHROMIUM=1 to make this a failure."
    );
    false
}

#[test]
fn chromium_dump_dom_renders_the_page() {
    if !chromium_ready() {
        return;
    }
    let dom = dump_dom(&to_html(&sample())).expect("dump-dom");
    assert!(dom.contains(KNOWN), "{dom}");
    assert!(dom.contains("data-editable-id=\"recommendations\""));
    assert!(dom.contains("<svg"));
}

#[test]
fn chromium_prints_pdf_pages() {
    if !chromium_ready() {
        return;
    }
    let pdf = html_to_pdf(&to_html(&sample())).expect("pdf");
    preview("sample.pdf", &pdf);
    assert!(pdf.starts_with(b"%PDF"));
    let pages = pdf_to_png(&pdf, 100).expect("png pages");
    assert!(pages.len() >= 2, "the sample has a page break");
    for (i, page) in pages.iter().enumerate() {
        assert!(page.starts_with(b"\x89PNG\r\n\x1a\n"), "page {i}");
        preview(&format!("sample-{}.png", i + 1), page);
    }

    // A page break alone makes a second page.
    let two = Document {
        lang: Lang::Kk,
        title: "Бет".into(),
        landscape: true,
        blocks: vec![
            Block::Paragraph {
                runs: vec![Run::plain("Бірінші бет")],
                align: Align::Left,
            },
            Block::PageBreak,
            Block::Paragraph {
                runs: vec![Run::plain("Екінші бет")],
                align: Align::Left,
            },
        ],
    };
    let pdf = html_to_pdf(&to_html(&two)).expect("pdf");
    let pages = pdf_to_png(&pdf, 30).expect("png pages");
    assert_eq!(pages.len(), 2);
}
