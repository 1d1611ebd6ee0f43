//! Methodology editions as data: the edition model, its strict loader and the formula language.
//!
//! **Architecture Invariant**: no binary floating point anywhere; all numbers are `rust_decimal::Decimal`
//! (TOML floats are refused with an error in `raw.rs`).

pub mod bounds;
pub mod checks;
pub mod crosswalk;
pub mod decimals;
pub mod diff;
pub mod expr;
pub mod load;
pub mod model;
pub mod procedure;
pub mod quotes;
mod raw;
pub mod raw_inputs;

pub use load::{load, CheckError, Diagnostic};
pub use model::*;

use rust_decimal::Decimal;
use std::str::FromStr;

/// Parses a decimal as written by people: `12.5`, `12,5`, `1 234,5`, `-3`. Exponents and
/// thousands separators other than spaces are refused.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty()
        || cleaned.matches('.').count() > 1
        || !cleaned
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')))
    {
        return None;
    }
    Decimal::from_str(&cleaned).ok()
}

/// A Russian description of an OS error.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "файл не найден".into(),
        K::PermissionDenied => "нет доступа к файлу (недостаточно прав)".into(),
        K::IsADirectory => "это папка, а не файл".into(),
        K::NotADirectory => "часть пути не является папкой".into(),
        K::InvalidData => "файл содержит недопустимые данные".into(),
        K::InvalidFilename => "недопустимое имя файла".into(),
        K::UnexpectedEof => "файл оборвался".into(),
        K::OutOfMemory => "недостаточно памяти".into(),
        K::Interrupted => "чтение прервано".into(),
        K::TimedOut => "истекло время ожидания".into(),
        _ => match e.raw_os_error() {
            Some(code) => format!("ошибка чтения файла (код ошибки системы {code})"),
            None => "ошибка чтения файла".into(),
        },
    }
}

/// A TOML parse or shape error in Russian (the common cases; others keep the parser's words
/// after «ошибка TOML»).
pub fn toml_message(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let name = rest.split(',').next().unwrap_or(rest).trim_matches('`');
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| {
                let e = e
                    .replace("one of ", "")
                    .replace(" or ", ", ")
                    .replace('`', "");
                format!("; допустимые ключи: {e}")
            })
            .unwrap_or_default();
        return format!("неизвестный ключ «{name}»{expected}");
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("нет обязательного ключа «{}»", rest.trim_matches('`'));
    }
    if msg.contains("duplicate key") {
        let key = msg.split('`').nth(1).unwrap_or("");
        return format!("ключ или таблица «{key}» указаны дважды");
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("недопустимый тип значения ({found}); ожидается: {expected}");
    }
    format!("ошибка TOML: {msg}")
}
