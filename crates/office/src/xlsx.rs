//! XLSX via `rust_xlsxwriter`, saved to an in-memory buffer.
//!
//! Each sheet gets a bold, frozen header row with an autofilter and column widths fitted to the
//! content. Numbers are written as numbers: the exact [`Decimal`] becomes an `f64` only here, at
//! the file-format boundary (a spreadsheet stores IEEE doubles anyway).

use std::collections::HashSet;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatBorder, Workbook as XlsxWorkbook};

use crate::error::OfficeError;
use crate::model::{Sheet, Workbook, XCell};

/// Excel's limit on sheet-name length, in characters.
const MAX_SHEET_NAME: usize = 31;
/// Column widths, in characters.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// Renders a workbook as an .xlsx file.
pub fn to_xlsx(book: &Workbook) -> Result<Vec<u8>, OfficeError> {
    let mut xlsx = XlsxWorkbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#EEEEEE")
        .set_border_bottom(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();
    // Text that a spreadsheet would take for a formula (`=…`, `+…`, `-…`, `@…`) is stored as a
    // string *and* marked with the quote prefix (Excel's leading apostrophe), so that editing the
    // cell or re-saving the sheet in another program keeps it text.
    let quoted = Format::new().set_quote_prefix();
    let quoted_wrap = Format::new().set_quote_prefix().set_text_wrap();
    let names = sheet_names(book.sheets.iter().map(|s| s.name.as_str()));
    for (sheet, name) in book.sheets.iter().zip(names) {
        let ws = xlsx.add_worksheet();
        ws.set_name(name)?;
        write_sheet(
            ws,
            sheet,
            &Formats {
                header: &header,
                wrap: &wrap,
                quoted: &quoted,
                quoted_wrap: &quoted_wrap,
            },
        )?;
    }
    Ok(xlsx.save_to_buffer()?)
}

fn too_large(what: &str) -> OfficeError {
    OfficeError::Xlsx(format!("слишком много {what} для листа Excel"))
}

struct Formats<'a> {
    header: &'a Format,
    wrap: &'a Format,
    quoted: &'a Format,
    quoted_wrap: &'a Format,
}

/// Whether a spreadsheet program would read the text as a formula or a command.
pub fn looks_like_formula(text: &str) -> bool {
    matches!(
        text.trim_start().chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    )
}

fn write_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    sheet: &Sheet,
    formats: &Formats,
) -> Result<(), OfficeError> {
    let header = formats.header;
    let ncols = sheet
        .rows
        .iter()
        .map(Vec::len)
        .chain([sheet.columns.len()])
        .max()
        .unwrap_or(0);
    let mut widths = vec![MIN_WIDTH; ncols];
    for (c, title) in sheet.columns.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| too_large("столбцов"))?;
        let title = crate::sanitize::clean(title);
        let format = if looks_like_formula(&title) {
            &formats.header.clone().set_quote_prefix()
        } else {
            header
        };
        ws.write_string_with_format(0, col, title.as_ref(), format)?;
        widths[c] = widths[c].max(display_width(&title) + 2);
    }
    let first_data_row: u32 = if sheet.columns.is_empty() { 0 } else { 1 };
    for (r, row) in sheet.rows.iter().enumerate() {
        let row_no = u32::try_from(r)
            .ok()
            .and_then(|r| r.checked_add(first_data_row))
            .ok_or_else(|| too_large("строк"))?;
        for (c, cell) in row.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| too_large("столбцов"))?;
            match cell {
                XCell::Empty => {}
                XCell::Text(text) => {
                    let text = crate::sanitize::clean(text);
                    let w = display_width(&text);
                    let wrapped = w > MAX_WIDTH || text.contains('\n');
                    let format = match (looks_like_formula(&text), wrapped) {
                        (true, true) => Some(formats.quoted_wrap),
                        (true, false) => Some(formats.quoted),
                        (false, true) => Some(formats.wrap),
                        (false, false) => None,
                    };
                    match format {
                        Some(f) => ws.write_string_with_format(row_no, col, text.as_ref(), f)?,
                        None => ws.write_string(row_no, col, text.as_ref())?,
                    };
                    widths[c] = widths[c].max(w + 1);
                }
                XCell::Number(d) => {
                    ws.write_number(row_no, col, decimal_to_f64(*d))?;
                    widths[c] = widths[c].max(d.normalize().to_string().len() + 2);
                }
                XCell::Fixed(d, dp) => {
                    ws.write_number_with_format(row_no, col, decimal_to_f64(*d), &fixed(*dp))?;
                    let digits = d.round_dp(u32::from(*dp)).trunc().abs().to_string().len();
                    widths[c] = widths[c].max(digits + digits / 3 + usize::from(*dp) + 3);
                }
                XCell::Int(i) => {
                    // Exact up to 2^53, far beyond any count this project writes.
                    #[allow(clippy::cast_precision_loss)]
                    ws.write_number(row_no, col, *i as f64)?;
                    widths[c] = widths[c].max(i.to_string().len() + 2);
                }
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| too_large("столбцов"))?;
        // Widths are small integers (≤ 60), exact in f64.
        let w = u32::try_from((*w).min(MAX_WIDTH)).unwrap_or(60);
        ws.set_column_width(col, f64::from(w))?;
    }
    if !sheet.columns.is_empty() {
        ws.set_freeze_panes(1, 0)?;
        let last_row = u32::try_from(sheet.rows.len()).map_err(|_| too_large("строк"))?;
        let last_col = u16::try_from(ncols.saturating_sub(1)).map_err(|_| too_large("столбцов"))?;
        ws.autofilter(0, 0, last_row, last_col)?;
    }
    Ok(())
}

/// The number format showing `dp` decimals with digit grouping (`#,##0.00`: Excel shows the
/// reader's own separators).
fn fixed(dp: u8) -> Format {
    let mut code = String::from("#,##0");
    if dp > 0 {
        code.push('.');
        code.extend(std::iter::repeat_n('0', usize::from(dp.min(10))));
    }
    Format::new().set_num_format(code)
}

fn decimal_to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Text width in characters, as Excel measures roughly: the longest line.
fn display_width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// Makes sheet names valid and unique: no `[]:*?/\`, no leading/trailing apostrophe, not empty,
/// not the reserved «History», at most 31 characters, unique regardless of case.
pub fn sheet_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for (i, raw) in names.into_iter().enumerate() {
        let mut base: String = raw
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .filter(|&c| crate::sanitize::is_allowed(c))
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        base = base.trim().trim_matches('\'').trim().to_string();
        if base.is_empty() {
            base = format!("Лист{}", i + 1);
        }
        if base.eq_ignore_ascii_case("history") {
            base.push_str(" 1");
        }
        let base = truncate(&base, MAX_SHEET_NAME);
        let mut name = base.clone();
        let mut n = 2u32;
        while taken.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            let keep = MAX_SHEET_NAME.saturating_sub(suffix.chars().count());
            let stem = truncate(&base, keep);
            name = format!("{}{suffix}", stem.trim_end().trim_end_matches('\''));
            n += 1;
        }
        taken.insert(name.to_lowercase());
        out.push(name);
    }
    out
}

fn truncate(s: &str, max_chars: usize) -> String {
    let t: String = s.chars().take(max_chars).collect();
    // Truncation may expose an apostrophe at the end.
    let t = t.trim_end().trim_end_matches('\'').to_string();
    if t.is_empty() {
        "Лист".to_string()
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_forbidden_characters() {
        assert_eq!(sheet_names(["a[b]:c*d?e/f\\g"]), vec!["abcdefg"]);
        assert_eq!(sheet_names(["'Итоги'"]), vec!["Итоги"]);
        assert_eq!(sheet_names(["", "[]"]), vec!["Лист1", "Лист2"]);
        assert_eq!(sheet_names(["History"]), vec!["History 1"]);
    }

    #[test]
    fn shortens_to_31_characters() {
        let long = "Оценка эффективности государственных органов";
        let names = sheet_names([long]);
        assert_eq!(names[0].chars().count(), 31);
        assert!(long.starts_with(&names[0]));
    }

    #[test]
    fn deduplicates_case_insensitively() {
        let long = "Ж".repeat(40);
        let names = sheet_names(["Итоги", "итоги", "Итоги", long.as_str(), long.as_str()]);
        assert_eq!(names[0], "Итоги");
        assert_eq!(names[1], "итоги (2)");
        assert_eq!(names[2], "Итоги (3)");
        assert_eq!(names[3], "Ж".repeat(31));
        assert_eq!(names[4], format!("{} (2)", "Ж".repeat(27)));
        for n in &names {
            assert!(n.chars().count() <= 31);
        }
    }

    #[test]
    fn writes_a_workbook() {
        let book = Workbook {
            sheets: vec![
                Sheet {
                    name: "Баллы".into(),
                    columns: vec!["Орган".into(), "Балл".into()],
                    rows: vec![vec![
                        XCell::Text("Министерство".into()),
                        XCell::Number(Decimal::new(7245, 2)),
                    ]],
                },
                Sheet {
                    name: "Баллы".into(),
                    columns: vec![],
                    rows: vec![vec![XCell::Empty, XCell::Int(3)]],
                },
            ],
        };
        let bytes = to_xlsx(&book).expect("xlsx");
        assert!(bytes.starts_with(b"PK"));
    }
}
