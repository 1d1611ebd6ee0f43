//! Reporting forms: an XLSX workbook a body fills in, written from an edition (`template`), and
//! read back into a dataset folder (`import`).
//!
//! The form has an instructions sheet «Инструкция» (edition, act, dataset requisites, every
//! column with its paragraph, the reporting tables), a sheet «Органы» (one row per body) and one
//! sheet per row table of the edition (e.g. «Услуги»). Row 1 holds Russian headings with units,
//! row 2 the input codes: the import finds columns by code, never by position.
//!
//! A workbook is input: nothing here panics on it. Every bad cell is reported (file, sheet, row,
//! column letter and heading, reason in Russian), all at once, before anything is written.

pub mod import;
pub mod layout;
pub mod template;

use std::fmt;
use std::path::PathBuf;

use rust_decimal::Decimal;

pub use import::{import, read_form, write_dataset, FormData, ImportReport};
pub use layout::{column_letter, Layout};
pub use template::{template, write_template};

/// A column of a sheet, as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// `A`, `B`, …, `AA`.
    pub letter: String,
    /// The Russian heading of row 1 (or the code when the column is not the edition's).
    pub heading: String,
}

/// One problem in a filled form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// `None`: the whole workbook.
    pub sheet: Option<String>,
    /// 1-based row as Excel numbers it; `None`: the whole sheet or column.
    pub row: Option<u32>,
    pub column: Option<Column>,
    pub reason: Reason,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(s) = &self.sheet {
            write!(f, ", лист «{s}»")?;
        }
        if let Some(r) = self.row {
            write!(f, ", строка {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", столбец {} «{}»", c.letter, c.heading)?;
        }
        write!(f, ": {}", self.reason)
    }
}

fn interval(min: Option<Decimal>, max: Option<Decimal>) -> String {
    let lo = min.map_or("−∞".to_string(), |m| m.normalize().to_string());
    let hi = max.map_or("+∞".to_string(), |m| m.normalize().to_string());
    format!(
        "{}{lo}; {hi}{}",
        if min.is_some() { '[' } else { '(' },
        if max.is_some() { ']' } else { ')' }
    )
}

/// Why a cell, column, sheet or workbook is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The bytes are not a readable XLSX workbook.
    Unreadable(String),
    /// More cells than a form can plausibly hold (a guard against hostile files).
    TooManyCells(usize),
    MissingSheet,
    /// The sheet has no row of codes (row 2).
    EmptySheet,
    /// A code in row 2 the edition does not know for this sheet.
    UnknownCode(String),
    DuplicateCode(String),
    /// A column the edition expects is absent.
    MissingCode {
        code: String,
        heading: String,
    },
    /// Values below a column without a code.
    ValuesWithoutCode,
    NotANumber(String),
    NotAnInteger(String),
    OutOfRange {
        value: Decimal,
        min: Option<Decimal>,
        max: Option<Decimal>,
    },
    NotYesNo(String),
    /// A date (the spreadsheet turned a typed number into a date).
    DateCell(String),
    /// A spreadsheet error value (`#DIV/0!`, …).
    ErrorCell(String),
    BadKind(String),
    /// A required value is empty.
    Missing,
    /// A value given for an input that does not apply to this body.
    NotApplicable(String),
    DuplicateBody(String),
    DuplicateKey {
        body: String,
        key: String,
    },
    UnknownBody(String),
    /// The sheet «Органы» lists no body.
    NoBodies,
    EditionMismatch {
        form: String,
        edition: String,
    },
    BadPeriod(String),
    PeriodNotCovered {
        period: u16,
        periods: String,
    },
    /// A value the edition fixes by body (`true_for`) contradicted.
    FixedByEdition {
        value: bool,
        bodies: String,
        reference: String,
    },
    /// Not a refusal: a value for a body the input does not apply to, kept and not counted.
    Ignored(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Unreadable(e) => write!(f, "файл не читается как книга XLSX: {e}"),
            Reason::TooManyCells(n) => write!(
                f,
                "слишком много ячеек (больше {n}) — это не форма отчётных данных"
            ),
            Reason::MissingSheet => write!(f, "нет такого листа в книге"),
            Reason::EmptySheet => write!(
                f,
                "лист пуст: нет строки кодов (вторая строка) — используйте бланк bagalau template"
            ),
            Reason::UnknownCode(c) => write!(
                f,
                "неизвестный код столбца «{c}»: его нет в словаре данных редакции для этого листа"
            ),
            Reason::DuplicateCode(c) => write!(f, "код столбца «{c}» повторяется"),
            Reason::MissingCode { code, heading } => write!(
                f,
                "нет столбца с кодом «{code}» («{heading}») во второй строке"
            ),
            Reason::ValuesWithoutCode => write!(
                f,
                "в столбце есть значения, но нет кода во второй строке — такие данные не принимаются"
            ),
            Reason::NotANumber(s) => write!(f, "«{s}» — не число"),
            Reason::NotAnInteger(s) => write!(f, "«{s}» — ожидается целое число"),
            Reason::OutOfRange { value, min, max } => write!(
                f,
                "{} вне допустимого диапазона {}",
                value.normalize(),
                interval(*min, *max)
            ),
            Reason::NotYesNo(s) => write!(f, "«{s}» — ожидается «да» или «нет»"),
            Reason::DateCell(s) => write!(
                f,
                "ячейка распознана как дата ({s}); введите число (десятичный разделитель — запятая или точка, как в настройках)"
            ),
            Reason::ErrorCell(s) => write!(f, "в ячейке ошибка вычисления {s}"),
            Reason::BadKind(s) => write!(f, "«{s}» — ожидается ЦГО или МИО"),
            Reason::Missing => write!(f, "нет обязательного значения"),
            Reason::NotApplicable(who) => write!(
                f,
                "показатель не применяется к органу ({who}) — оставьте ячейку пустой"
            ),
            Reason::DuplicateBody(id) => write!(f, "орган «{id}» указан дважды"),
            Reason::DuplicateKey { body, key } => {
                write!(f, "строка «{key}» органа «{body}» указана дважды")
            }
            Reason::UnknownBody(id) => write!(
                f,
                "орган «{id}» не найден на листе «{}»",
                layout::BODIES
            ),
            Reason::NoBodies => write!(f, "не указан ни один орган"),
            Reason::EditionMismatch { form, edition } => write!(
                f,
                "форма составлена для редакции «{form}», а выбрана «{edition}»"
            ),
            Reason::BadPeriod(s) => write!(f, "«{s}» — ожидается год (например 2023)"),
            Reason::FixedByEdition {
                value,
                bodies,
                reference,
            } => write!(
                f,
                "признак определяет редакция ({reference}), а не данные: он истинен только для {bodies}, для этого органа — «{}»; оставьте ячейку пустой или исправьте",
                if *value { "да" } else { "нет" }
            ),
            Reason::Ignored(who) => write!(
                f,
                "по этому органу показатель не оценивается (применяется: {who}); значение записано и не учитывается"
            ),
            Reason::PeriodNotCovered { period, periods } => write!(
                f,
                "редакция не охватывает период {period} (охватывает: {periods})"
            ),
        }
    }
}

fn problems_text(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The form is refused: every problem, nothing written.
    #[error("форма {} не принята — ошибок: {} (ничего не записано; SHA-256 файла {sha256}):\n{}", .file.display(), .problems.len(), problems_text(.problems))]
    Refused {
        file: PathBuf,
        sha256: String,
        problems: Vec<Problem>,
    },
    #[error("{what} {}: {source}", .path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("папка {} уже существует и не пуста — укажите новую папку набора данных", .0.display())]
    TargetExists(PathBuf),
    #[error("запись книги XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("запись CSV {}: {source}", .path.display())]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("запись dataset.toml: {0}")]
    Toml(#[from] toml::ser::Error),
    /// The written dataset did not load back (a bug of the import, reported rather than hidden).
    #[error("записанный набор данных не прошёл проверку (ничего не сохранено): {0}")]
    Check(#[source] bagalau_data::DataError),
    /// The dataset to fill the template from does not load.
    #[error(transparent)]
    Data(#[from] bagalau_data::DataError),
}
