//! The documents of an evaluation, built as [`bagalau_office::Document`] values from one run of
//! the engine (or, for the annual report, from published block scores): every number a document
//! prints comes from the same [`bagalau_engine::Outcome`], so the documents cannot disagree.
//!
//! - [`conclusion`] — заключение о результатах оценки (forms of appendices 3/4 of the 2014
//!   methodology, shape of seed 003);
//! - [`act`] — акт сверки по итогам перепроверки (appendix 9);
//! - [`disagreement`] — таблица разногласий (appendix 10), with the score recomputed after appeal;
//! - [`annual`] — the annual report in the shape of seed 004;
//! - [`book`] — «книга редакции»: the edition against the act, paragraph by paragraph;
//! - [`explain`] — the derivation of a body's values, worded from the trace ([`trace`]);
//! - [`export`] — XLSX workbooks of results, criteria, ranks, penalties and inputs.

pub mod act;
pub mod annual;
pub mod annual_bodies;
pub mod annual_pdf;
pub mod book;
pub mod conclusion;
pub mod disagreement;
pub mod explain;
pub mod export;
pub mod lang;
pub mod num;
mod table_file;
pub mod texts;
pub mod trace;

use bagalau_engine::{BodyOutcome, Outcome};
use bagalau_methodology::Edition;
use rust_decimal::Decimal;

pub use bagalau_office::Lang;

/// Errors of document generation.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("орган «{0}» не найден в результатах оценки")]
    UnknownBody(String),
    #[error("направление «{0}» не найдено в редакции или для него не указана оценка (score в [[direction]])")]
    UnknownDirection(String),
    #[error("{file}{}: {message}", at_row(*.row))]
    Input {
        file: String,
        row: usize,
        message: String,
    },
    #[error("пересчёт после обжалования: {0}")]
    Recompute(String),
    #[error("вёрстка отчёта: {0}")]
    Render(String),
    /// A number too large for the document's arithmetic (a sum or a ratio of input values).
    #[error("орган «{body}»: {what} — число вне допустимого диапазона (проверьте входные данные)")]
    Overflow { body: String, what: String },
}

/// «, строка N» for a row of a file; nothing when the whole file is concerned (row 0).
fn at_row(row: usize) -> String {
    if row > 0 {
        format!(", строка {row}")
    } else {
        String::new()
    }
}

/// One evaluation run: the edition, its outcome and the evaluated period.
pub struct Run<'a> {
    pub ed: &'a Edition,
    pub out: &'a Outcome,
    pub period: Option<u16>,
}

impl<'a> Run<'a> {
    pub fn body(&self, id: &str) -> Result<&'a BodyOutcome, ReportError> {
        self.out
            .bodies
            .iter()
            .find(|b| b.id == id)
            .ok_or_else(|| ReportError::UnknownBody(id.to_string()))
    }

    /// A score as the edition displays it.
    pub fn show(&self, v: Decimal) -> String {
        show(v, self.ed.rounding.display_decimals)
    }
}

pub use num::{figure, percent, show, signed, GROUP_SEPARATOR};

/// The body's full official name from the dataset's name forms, or its name.
pub fn full_name(b: &BodyOutcome, names: &bagalau_data::BodyNames) -> String {
    names.full.clone().unwrap_or_else(|| b.name.clone())
}

/// The body's name in the genitive («Акимата Карагандинской области») for Russian text, or its
/// full name.
pub fn genitive_name(b: &BodyOutcome, names: &bagalau_data::BodyNames, lang: Lang) -> String {
    match lang {
        Lang::Ru => names.genitive.clone(),
        Lang::Kk => None,
    }
    .unwrap_or_else(|| full_name(b, names))
}

/// «балл / балла / баллов» agreeing with `v` (a fraction takes «балла»).
pub fn points_word(v: Decimal, lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => "балл",
        Lang::Ru => count_word(v, "балл", "балла", "баллов"),
    }
}

/// The Russian word form agreeing with `v`: `one` (1, 21), `few` (2–4, 22–24, and fractions),
/// `many` (the rest).
pub fn count_word(
    v: Decimal,
    one: &'static str,
    few: &'static str,
    many: &'static str,
) -> &'static str {
    if !v.fract().is_zero() {
        return few;
    }
    let n = v.abs().trunc().to_string().parse::<u64>().unwrap_or(0);
    lang::plural_ru(n, one, few, many)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn numbers_as_the_conclusions_print_them() {
        let d = |s| Decimal::from_str(s).unwrap_or_default();
        assert_eq!(show(d("2.5"), 2), "2,5");
        assert_eq!(figure(d("1384117"), 4), "1\u{202f}384\u{202f}117");
        assert_eq!(figure(d("4.49"), 4), "4,49");
        assert_eq!(figure(d("1244"), 4), "1\u{202f}244");
        assert_eq!(figure(d("999"), 0), "999");
        assert_eq!(points_word(d("25"), Lang::Ru), "баллов");
        assert_eq!(points_word(d("0"), Lang::Ru), "баллов");
        assert_eq!(points_word(d("0.00"), Lang::Ru), "баллов");
        assert_eq!(points_word(d("33.00"), Lang::Ru), "балла");
        assert_eq!(points_word(d("2"), Lang::Ru), "балла");
        assert_eq!(points_word(d("21"), Lang::Ru), "балл");
        assert_eq!(points_word(d("40.95"), Lang::Ru), "балла");
    }
}
