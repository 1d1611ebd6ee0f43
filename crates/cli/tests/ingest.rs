//! Reporting forms (issue 13, item 1): template → filled → import → evaluate gives exactly the
//! CSV path's results; bad cells are named (sheet, row, column) and nothing is written; a dry run
//! writes nothing.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use bagalau_ingest::{IngestError, Problem, Reason};
use common::root;
use rust_xlsxwriter::Workbook;
use sha2::Digest;

/// A fresh empty scratch folder for one test.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bagalau-ingest-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Names in a folder (to prove nothing, not even a temporary folder, was left behind).
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Evaluates the example through the CSV path and through its form, and compares everything
/// exactly: every computed value of every body (exact fractions), and the JSON outcome (scores,
/// criteria, penalties, ranks, degrees).
fn round_trip(edition: &str, data: &str, tag: &str) {
    let dir = scratch(tag);
    let ed = bagalau::load_edition(&root().join(edition)).expect("edition");
    let loaded = bagalau_data::load_dataset(&ed, &root().join(data)).expect("example loads");
    let form = dir.join("form.xlsx");
    bagalau_ingest::write_template(&ed, Some(&loaded), &form).expect("template");
    let out = dir.join("dataset");
    let report = bagalau_ingest::import(&ed, &form, &out, false).expect("the filled form imports");
    assert_eq!(report.bodies, loaded.dataset.bodies.len());
    assert_eq!(entries(&dir), ["dataset", "form.xlsx"]);

    let (ed_a, csv, period_a) =
        bagalau::run_evaluation(&root().join(edition), &root().join(data)).expect("csv path");
    let (ed_b, xlsx, period_b) =
        bagalau::run_evaluation(&root().join(edition), &out).expect("form path");
    assert_eq!(period_a, period_b);
    assert_eq!(csv.bodies.len(), xlsx.bodies.len());
    for (a, b) in csv.bodies.iter().zip(&xlsx.bodies) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.score, b.score, "{}", a.id);
    }
    assert_eq!(csv.computed.exact, xlsx.computed.exact);
    assert_eq!(csv.computed.values, xlsx.computed.values);
    assert_eq!(csv.computed.row_values, xlsx.computed.row_values);
    // The forms of the bodies' names travel through the form too.
    let again = bagalau_data::load_dataset(&ed, &out).expect("imported dataset loads");
    assert_eq!(again.names, loaded.names);
    let json = |ed, out, period| {
        bagalau::render_outcome(ed, out, period, bagalau::Format::Json).expect("json")
    };
    assert_eq!(
        json(&ed_a, &csv, period_a),
        json(&ed_b, &xlsx, period_b),
        "{edition}: outcome differs between CSV and form"
    );
    // The inputs themselves, cell by cell.
    let again = bagalau_data::load_dataset(&ed, &out).expect("written dataset loads");
    assert_eq!(again.meta.period, loaded.meta.period);
    assert_eq!(again.meta.title, loaded.meta.title);
    assert_eq!(again.meta.edition.as_deref(), Some(ed.id.as_str()));
    for (a, b) in loaded.dataset.bodies.iter().zip(&again.dataset.bodies) {
        assert_eq!((&a.id, &a.name, a.group), (&b.id, &b.name, b.group));
        assert_eq!(a.values, b.values, "{}", a.id);
        for (ta, tb) in a.tables.iter().zip(&b.tables) {
            assert_eq!(ta.len(), tb.len());
            for (ra, rb) in ta.iter().zip(tb) {
                assert_eq!(
                    (&ra.key, &ra.name, ra.values()),
                    (&rb.key, &rb.name, rb.values())
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn form_round_trips_2014_services() {
    round_trip(
        "methodologies/2014-services",
        "examples/2014-services",
        "rt2014",
    );
}

#[test]
fn form_round_trips_2021_operational_with_reporting_tables() {
    round_trip(
        "methodologies/2021-operational-2023-june",
        "examples/2021-operational",
        "rt2021",
    );
}

/// The text of one part of an XLSX (zip) file.
fn part(xlsx: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("zip");
    let mut s = String::new();
    z.by_name(name)
        .expect("part present")
        .read_to_string(&mut s)
        .expect("utf-8");
    s
}

#[test]
fn template_has_validations_protection_frozen_headers_and_paragraphs() {
    let ed = bagalau::load_edition(&root().join("methodologies/2021-operational-2023-june"))
        .expect("edition");
    let bytes = bagalau_ingest::template(&ed, None).expect("template");
    let workbook = part(&bytes, "xl/workbook.xml");
    for sheet in ["Инструкция", "Органы"] {
        assert!(workbook.contains(&format!("name=\"{sheet}\"")), "{sheet}");
    }
    let bodies = part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(bodies.contains("<sheetProtection"), "headers locked");
    assert!(bodies.contains("state=\"frozen\""), "headers frozen");
    assert!(bodies.contains("type=\"list\""), "да/нет lists");
    assert!(bodies.contains("type=\"decimal\"") || bodies.contains("type=\"whole\""));
    assert!(
        bodies.contains("promptTitle=\"od_share\""),
        "input message per input"
    );
    let strings = part(&bytes, "xl/sharedStrings.xml");
    // Row 2 codes, the act, a paragraph of an input, a reporting table and the column it feeds.
    for needle in [
        "od_share",
        "meetings_decree_exempt",
        "приложение 9, таблица 5",
        "Отчетные данные центральных государственных и местных исполнительных органов по критерию «Открытый диалог»",
        "<formula1>\"да,нет\"</formula1>",
        "<formula1>\"ЦГО,МИО\"</formula1>",
    ] {
        let found = strings.contains(needle) || bodies.contains(needle);
        assert!(found, "{needle}");
    }
    let layout = bagalau_ingest::Layout::of(&ed);
    let (sheet, letter) = layout
        .locate(
            ed.inputs
                .iter()
                .position(|i| i.code == "od_share")
                .expect("od_share"),
        )
        .expect("located");
    assert!(strings.contains(&format!("«{sheet}», {letter} (od_share)")));
    let p = &ed.inputs[ed
        .inputs
        .iter()
        .position(|i| i.code == "od_share")
        .expect("input")]
    .cite
    .reference;
    assert!(strings.contains(p.as_str()), "paragraph {p}");
}

/// A workbook written cell by cell (as a body's own spreadsheet would be): the 2014 example with
/// numbers as text with a decimal comma or as spreadsheet numbers, booleans as да/нет, kinds as
/// written in the CSV. `edit` changes cells: (sheet, csv line, column code) → new cell.
type Edit<'a> = (&'a str, usize, &'a str, Cell<'a>);

#[derive(Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    Number(f64),
}

fn letter(header: &[String], code: &str) -> String {
    bagalau_ingest::column_letter(
        header
            .iter()
            .position(|h| h == code)
            .unwrap_or_else(|| panic!("column {code}")) as u32,
    )
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("record").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn handmade_2014(path: &Path, edits: &[Edit<'_>]) {
    handmade("examples/2014-services", "2014-services", path, edits)
}

fn handmade(example: &str, edition_id: &str, path: &Path, edits: &[Edit<'_>]) {
    let mut wb = Workbook::new();
    let ins = wb.add_worksheet();
    ins.set_name("Инструкция").expect("name");
    ins.write_string(5, 1, "edition").expect("cell");
    ins.write_string(5, 2, edition_id).expect("cell");
    for (sheet, file) in [("Органы", "bodies.csv"), ("Услуги", "services.csv")] {
        let csv_path = root().join(example).join(file);
        if !csv_path.exists() {
            continue;
        }
        let (mut header, mut rows) = csv_rows(&csv_path);
        // An edited column the example does not have is added (empty but for the edit).
        for (_, _, code, _) in edits.iter().filter(|e| e.0 == sheet) {
            if !header.iter().any(|h| h == code) {
                header.push(code.to_string());
                rows.iter_mut().for_each(|r| r.push(String::new()));
            }
        }
        let ws = wb.add_worksheet();
        ws.set_name(sheet).expect("name");
        for (c, code) in header.iter().enumerate() {
            ws.write_string(0, c as u16, format!("Заголовок {code}"))
                .expect("heading");
            ws.write_string(1, c as u16, code).expect("code");
        }
        for (r, row) in rows.iter().enumerate() {
            // CSV line `line` (header = line 1) goes to sheet row `line + 1` (codes in row 2),
            // which is 0-based row `line`.
            let line = r + 2;
            for (c, v) in row.iter().enumerate() {
                let (row0, col) = (line as u32, c as u16);
                let edit = edits
                    .iter()
                    .find(|(s, l, code, _)| *s == sheet && *l == line && header[c] == *code);
                match edit.map(|e| e.3) {
                    Some(Cell::Text(t)) => ws.write_string(row0, col, t),
                    Some(Cell::Number(n)) => ws.write_number(row0, col, n),
                    None if v == "true" => ws.write_string(row0, col, "да"),
                    None if v == "false" => ws.write_string(row0, col, "нет"),
                    None if c >= 3 && v.contains('.') => {
                        ws.write_string(row0, col, v.replace('.', ","))
                    }
                    None if c >= 3 && !v.is_empty() && v.parse::<i64>().is_ok() => {
                        ws.write_number(row0, col, v.parse::<i64>().map_or(0.0, |i| i as f64))
                    }
                    None => ws.write_string(row0, col, v),
                }
                .expect("cell");
            }
        }
    }
    wb.save(path).expect("save");
}

#[test]
fn a_handmade_workbook_with_decimal_commas_evaluates_like_the_csv() {
    let dir = scratch("handmade");
    let form = dir.join("handmade.xlsx");
    handmade_2014(&form, &[]);
    let ed = bagalau::load_edition(&root().join("methodologies/2014-services")).expect("edition");
    let out = dir.join("ds");
    bagalau_ingest::import(&ed, &form, &out, false).expect("imports");
    let (_, csv, _) = bagalau::run_evaluation(
        &root().join("methodologies/2014-services"),
        &root().join("examples/2014-services"),
    )
    .expect("csv");
    let (_, xlsx, _) =
        bagalau::run_evaluation(&root().join("methodologies/2014-services"), &out).expect("form");
    assert_eq!(csv.computed.exact, xlsx.computed.exact);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn three_bad_cells_are_named_and_nothing_is_written() {
    let dir = scratch("bad");
    let form = dir.join("bad.xlsx");
    // bodies.csv line 2 = MZSR; services.csv line 5 and line 9 (any service rows).
    handmade_2014(
        &form,
        &[
            ("Органы", 2, "standards_changed", Cell::Text("восемнадцать")),
            ("Услуги", 5, "delivery_method", Cell::Number(7.0)),
            ("Услуги", 9, "body", Cell::Text("NOSUCH")),
        ],
    );
    let ed = bagalau::load_edition(&root().join("methodologies/2014-services")).expect("edition");
    let out = dir.join("ds");
    let err = bagalau_ingest::import(&ed, &form, &out, false).expect_err("refused");
    let IngestError::Refused { problems, file, .. } = &err else {
        panic!("refused expected, got {err}");
    };
    assert_eq!(file, &form);
    let (bh, _) = csv_rows(&root().join("examples/2014-services/bodies.csv"));
    let (sh, _) = csv_rows(&root().join("examples/2014-services/services.csv"));
    let mut got: Vec<(String, u32, String)> = problems
        .iter()
        .map(|p: &Problem| {
            (
                p.sheet.clone().unwrap_or_default(),
                p.row.unwrap_or(0),
                p.column
                    .as_ref()
                    .map(|c| c.letter.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    got.sort();
    let mut want = vec![
        ("Органы".to_string(), 3, letter(&bh, "standards_changed")),
        ("Услуги".to_string(), 6, letter(&sh, "delivery_method")),
        ("Услуги".to_string(), 10, letter(&sh, "body")),
    ];
    want.sort();
    assert_eq!(got, want, "{err}");
    let reason = |sheet: &str, row: u32| {
        &problems
            .iter()
            .find(|p| p.sheet.as_deref() == Some(sheet) && p.row == Some(row))
            .expect("problem")
            .reason
    };
    assert_eq!(
        reason("Органы", 3),
        &Reason::NotANumber("восемнадцать".into())
    );
    assert!(matches!(reason("Услуги", 6), Reason::OutOfRange { .. }));
    assert_eq!(reason("Услуги", 10), &Reason::UnknownBody("NOSUCH".into()));
    let text = err.to_string();
    assert!(text.contains("лист «Услуги», строка 6, столбец E «Способ оказания услуги по приложению 6 (1–5)»: 7 вне допустимого диапазона [1; 5]"), "{text}");
    // Nothing written: no dataset, no temporary folder.
    assert_eq!(entries(&dir), ["bad.xlsx"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_dry_run_writes_nothing_and_reports_the_hash() {
    let dir = scratch("dry");
    let form = dir.join("form.xlsx");
    let ed_dir = root().join("methodologies/2014-services");
    bagalau::ingest::template_command(&ed_dir, &form, Some(&root().join("examples/2014-services")))
        .expect("template");
    let out = dir.join("ds");
    let report = bagalau::ingest::import_command(&ed_dir, &form, &out, true).expect("dry run");
    assert!(report.contains("ничего не записано"), "{report}");
    let hash: String = sha2::Sha256::digest(std::fs::read(&form).expect("form"))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(report.contains(&format!("SHA-256: {hash}")), "{report}");
    assert_eq!(entries(&dir), ["form.xlsx"]);
    // The same file imported for real is written, and only then.
    let report = bagalau::ingest::import_command(&ed_dir, &form, &out, false).expect("import");
    assert!(report.contains("записан"), "{report}");
    assert_eq!(entries(&dir), ["ds", "form.xlsx"]);
    // A second import into the same folder is refused and changes nothing.
    let before = std::fs::read(out.join("bodies.csv")).expect("bodies");
    assert!(bagalau::ingest::import_command(&ed_dir, &form, &out, false).is_err());
    assert_eq!(
        std::fs::read(out.join("bodies.csv")).expect("bodies"),
        before
    );
    assert_eq!(entries(&dir), ["ds", "form.xlsx"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn not_a_workbook_and_a_blank_form_are_refused_with_reasons() {
    let ed = bagalau::load_edition(&root().join("methodologies/2014-services")).expect("edition");
    let f = Path::new("x.xlsx");
    let err = bagalau_ingest::read_form(&ed, f, b"id,name\n").expect_err("not xlsx");
    assert!(
        matches!(&err, IngestError::Refused { problems, .. } if matches!(problems[..], [Problem { reason: Reason::Unreadable(_), .. }])),
        "{err}"
    );
    let blank = bagalau_ingest::template(&ed, None).expect("template");
    let err = bagalau_ingest::read_form(&ed, f, &blank).expect_err("blank");
    let IngestError::Refused { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 1, "{err}");
    assert_eq!(problems[0].reason, Reason::NoBodies);
    assert_eq!(problems[0].sheet.as_deref(), Some("Органы"));
    // Another edition's form: the edition is named.
    let other = bagalau::load_edition(&root().join("methodologies/2017-services")).expect("2017");
    let err = bagalau_ingest::read_form(&other, f, &blank).expect_err("other edition");
    assert!(
        matches!(&err, IngestError::Refused { problems, .. } if problems.iter().any(|p| matches!(&p.reason, Reason::EditionMismatch { form, .. } if form == "2014-services"))),
        "{err}"
    );
}

/// The 2023 edition's own rules: `meetings_decree_exempt` is fixed by the edition for MO and MID
/// (`true_for`: a contradicting value is refused, an empty cell is fine); a local body's NGO
/// meetings are kept and noticed, not refused (`inapplicable = "notice"`) — as the CSV loader does.
#[test]
fn edition_fixed_values_and_noticed_values_follow_the_loader() {
    let ed_dir = root().join("methodologies/2021-operational-2023-june");
    let ed = bagalau::load_edition(&ed_dir).expect("edition");
    let (header, rows) = csv_rows(&root().join("examples/2021-operational/bodies.csv"));
    let line_of =
        |pred: &dyn Fn(&Vec<String>) -> bool| rows.iter().position(pred).expect("row") + 2;
    let local = line_of(&|r| r[2] == "local");
    let mf = line_of(&|r| r[0] == "MF");
    let dir = scratch("fixed");

    let noticed = dir.join("noticed.xlsx");
    handmade(
        "examples/2021-operational",
        &ed.id,
        &noticed,
        &[("Органы", local, "meet_ngo_kk", Cell::Text("да"))],
    );
    let out = dir.join("ds");
    let report = bagalau_ingest::import(&ed, &noticed, &out, false).expect("noticed, not refused");
    let where_: Vec<(Option<u32>, Option<String>)> = report
        .notices
        .iter()
        .map(|n| (n.row, n.column.as_ref().map(|c| c.letter.clone())))
        .collect();
    // The edited cell is noticed (the example's own local NGO values are noticed too).
    assert!(
        where_.contains(&(Some(local as u32 + 1), Some(letter(&header, "meet_ngo_kk")))),
        "{where_:?}"
    );
    assert!(report
        .notices
        .iter()
        .all(|n| matches!(n.reason, Reason::Ignored(_))));
    assert!(report
        .text_ru()
        .contains("значения записаны и не учитываются"));
    let (_, csv, _) =
        bagalau::run_evaluation(&ed_dir, &root().join("examples/2021-operational")).expect("csv");
    let (_, xlsx, _) = bagalau::run_evaluation(&ed_dir, &out).expect("form");
    assert_eq!(csv.computed.exact, xlsx.computed.exact);

    let contradicting = dir.join("contradicting.xlsx");
    handmade(
        "examples/2021-operational",
        &ed.id,
        &contradicting,
        &[("Органы", mf, "meetings_decree_exempt", Cell::Text("да"))],
    );
    let err =
        bagalau_ingest::import(&ed, &contradicting, &dir.join("ds2"), false).expect_err("refused");
    let IngestError::Refused { problems, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 1, "{err}");
    assert_eq!(problems[0].row, Some(mf as u32 + 1));
    assert_eq!(
        problems[0].column.as_ref().map(|c| c.letter.clone()),
        Some(bagalau_ingest::column_letter(header.len() as u32))
    );
    assert!(
        matches!(&problems[0].reason, Reason::FixedByEdition { value: false, bodies, .. } if bodies == "MO, MID"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
