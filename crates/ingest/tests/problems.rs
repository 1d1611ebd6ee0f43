//! Each kind of problem of a filled form is named with its sheet, row and column, and only it.

use std::path::{Path, PathBuf};

use bagalau_ingest::{column_letter, IngestError, Problem, Reason};
use bagalau_methodology::Edition;
use rust_xlsxwriter::{Format, Workbook};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn edition() -> Edition {
    bagalau_methodology::load(&root().join("methodologies/2014-services")).expect("edition")
}

/// A workbook as rows of text per sheet (row 1 headings, row 2 codes, then data); cells starting
/// with `#num:` are written as spreadsheet numbers, `#date:` as a date-formatted number.
struct Book {
    sheets: Vec<(String, Vec<Vec<String>>)>,
}

fn csv_sheet(file: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(root().join("examples/2014-services").join(file))
        .expect("example csv");
    let codes: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = vec![codes.iter().map(|c| format!("({c})")).collect(), codes];
    for rec in r.records() {
        rows.push(
            rec.expect("record")
                .iter()
                .map(|v| match v {
                    "true" => "да".to_string(),
                    "false" => "нет".to_string(),
                    v => v.to_string(),
                })
                .collect(),
        );
    }
    rows
}

impl Book {
    fn example() -> Book {
        let mut ins = vec![vec![String::new(); 3]; 6];
        ins[5] = vec![String::new(), "edition".into(), "2014-services".into()];
        Book {
            sheets: vec![
                ("Инструкция".into(), ins),
                ("Органы".into(), csv_sheet("bodies.csv")),
                ("Услуги".into(), csv_sheet("services.csv")),
            ],
        }
    }

    fn sheet(&mut self, name: &str) -> &mut Vec<Vec<String>> {
        &mut self
            .sheets
            .iter_mut()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("sheet {name}"))
            .1
    }

    /// The 0-based column of a code in row 2.
    fn col(&mut self, sheet: &str, code: &str) -> usize {
        self.sheet(sheet)[1]
            .iter()
            .position(|c| c == code)
            .unwrap_or_else(|| panic!("{code}"))
    }

    /// Sets a cell by its 1-based row and 0-based column.
    fn set_at(&mut self, sheet: &str, row: usize, col: usize, v: &str) {
        let rows = self.sheet(sheet);
        while rows.len() < row {
            rows.push(Vec::new());
        }
        let r = &mut rows[row - 1];
        if r.len() <= col {
            r.resize(col + 1, String::new());
        }
        r[col] = v.to_string();
    }

    fn set(&mut self, sheet: &str, row: usize, code: &str, v: &str) -> String {
        let c = self.col(sheet, code);
        self.set_at(sheet, row, c, v);
        column_letter(c as u32)
    }

    fn bytes(&self) -> Vec<u8> {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("dd.mm.yyyy");
        for (name, rows) in &self.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(name).expect("name");
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    if let Some(n) = v.strip_prefix("#num:") {
                        ws.write_number(r, c, n.parse::<f64>().expect("number"))
                    } else if let Some(n) = v.strip_prefix("#date:") {
                        ws.write_number_with_format(r, c, n.parse::<f64>().expect("n"), &date)
                    } else if v.is_empty() {
                        continue;
                    } else {
                        ws.write_string(r, c, v)
                    }
                    .expect("cell");
                }
            }
        }
        wb.save_to_buffer().expect("save")
    }

    fn problems(&self) -> Vec<Problem> {
        match bagalau_ingest::read_form(&edition(), Path::new("f.xlsx"), &self.bytes()) {
            Ok(_) => Vec::new(),
            Err(IngestError::Refused { problems, .. }) => problems,
            Err(e) => panic!("{e}"),
        }
    }
}

/// (sheet, row, column letter, reason) of each problem.
fn named(ps: &[Problem]) -> Vec<(String, Option<u32>, Option<String>, Reason)> {
    ps.iter()
        .map(|p| {
            (
                p.sheet.clone().unwrap_or_default(),
                p.row,
                p.column.as_ref().map(|c| c.letter.clone()),
                p.reason.clone(),
            )
        })
        .collect()
}

fn one(
    sheet: &str,
    row: u32,
    letter: &str,
    reason: Reason,
) -> (String, Option<u32>, Option<String>, Reason) {
    (sheet.into(), Some(row), Some(letter.into()), reason)
}

#[test]
fn the_example_book_is_accepted() {
    assert_eq!(Book::example().problems(), Vec::new());
}

#[test]
fn cell_problems_are_named_one_by_one() {
    let mut b = Book::example();
    // bodies.csv line 2 (MZSR, central) is sheet row 3; line 17 (akm, local) is row 18.
    let missing = b.set("Органы", 3, "standards_total", "");
    let yes_no = b.set(
        "Органы",
        4,
        "no_additional_services_conclusion",
        "может быть",
    );
    let date = b.set("Органы", 5, "standards_changed", "#date:45000");
    let not_applicable = b.set("Органы", 18, "new_services_included", "#num:2");
    let not_integer = b.set("Органы", 6, "standards_total", "12,5");
    let kind = b.set("Органы", 7, "kind", "федеральный");
    let dup_key = b.set("Услуги", 4, "service", "pension_age"); // MZSR's row 3 repeated
    let comma_ok = b.set("Услуги", 5, "satisfaction", "8,25");
    assert_eq!(comma_ok, "K");
    let mut got = named(&b.problems());
    got.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    assert_eq!(
        got,
        vec![
            one("Органы", 3, &missing, Reason::Missing),
            one("Органы", 4, &yes_no, Reason::NotYesNo("может быть".into())),
            one("Органы", 5, &date, Reason::DateCell("45000".into())),
            one(
                "Органы",
                6,
                &not_integer,
                Reason::NotAnInteger("12,5".into())
            ),
            one("Органы", 7, &kind, Reason::BadKind("федеральный".into())),
            one(
                "Органы",
                18,
                &not_applicable,
                Reason::NotApplicable("центральные государственные органы".into())
            ),
            one(
                "Услуги",
                4,
                &dup_key,
                Reason::DuplicateKey {
                    body: "MZSR".into(),
                    key: "pension_age".into()
                }
            ),
        ]
    );
}

#[test]
fn duplicate_body_ids_are_named() {
    let mut b = Book::example();
    let letter = b.set("Органы", 4, "id", "MZSR");
    let ps = b.problems();
    assert!(
        named(&ps).contains(&one(
            "Органы",
            4,
            &letter,
            Reason::DuplicateBody("MZSR".into())
        )),
        "{ps:?}"
    );
}

#[test]
fn code_columns_are_checked() {
    let mut b = Book::example();
    // An unknown code in place of a known one: unknown there, and the known one missing.
    let unknown = b.set("Услуги", 2, "satisfaction", "satisfaction_x");
    // A repeated code.
    let width = b.sheet("Органы")[1].len();
    b.set_at("Органы", 2, width, "psc_total");
    // Values under a column without a code (row 9, far right).
    b.set_at("Органы", 9, width + 3, "примечание");
    let got = named(&b.problems());
    assert_eq!(
        got,
        vec![
            one(
                "Органы",
                2,
                &column_letter(width as u32),
                Reason::DuplicateCode("psc_total".into())
            ),
            one(
                "Органы",
                9,
                &column_letter(width as u32 + 3),
                Reason::ValuesWithoutCode
            ),
            one(
                "Услуги",
                2,
                &unknown,
                Reason::UnknownCode("satisfaction_x".into())
            ),
            (
                "Услуги".into(),
                None,
                None,
                Reason::MissingCode {
                    code: "satisfaction".into(),
                    heading: {
                        let ed = edition();
                        let i = ed.inputs.iter().position(|i| i.code == "satisfaction");
                        bagalau_ingest::layout::input_heading(&ed.inputs[i.expect("input")])
                    }
                }
            ),
        ]
    );
}

#[test]
fn missing_and_empty_sheets_are_named_without_cascades() {
    let mut b = Book::example();
    b.sheets.retain(|(n, _)| n != "Органы");
    assert_eq!(
        named(&b.problems()),
        vec![("Органы".into(), None, None, Reason::MissingSheet)]
    );
    let mut b = Book::example();
    b.sheet("Услуги").clear();
    assert_eq!(
        named(&b.problems()),
        vec![("Услуги".into(), None, None, Reason::EmptySheet)]
    );
}

#[test]
fn requisites_are_checked() {
    let mut b = Book::example();
    b.set_at("Инструкция", 7, 1, "period");
    b.set_at("Инструкция", 7, 2, "#num:2016");
    b.set_at("Инструкция", 6, 2, "2017-services");
    let got = named(&b.problems());
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(matches!(&got[0].3, Reason::EditionMismatch { form, .. } if form == "2017-services"));
    assert_eq!(got[1].1, Some(7));
    assert!(matches!(
        got[1].3,
        Reason::PeriodNotCovered { period: 2016, .. }
    ));
}
