//! The one strict reader every input file goes through (datasets, published scores, the facts
//! and objections of documents): regular files only, OS errors in Russian, UTF-8 only (a
//! Windows-1251 or UTF-16 file is refused once with a hint), comma-separated only (a `;` or tab
//! separated file is refused once with a hint), one header without duplicate or empty names, at
//! least one data row, and every row numbered by the line of the file where it starts (CRLF line
//! ends and quoted fields spanning lines included).
//!
//! Numbers go through [`parse_number`]: exact decimals (dot or comma), at most 28 significant
//! digits, magnitude at most [`MAX_MAGNITUDE`] — refused, never rounded or wrapped.

use std::io;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::Issue;

/// The hint given with every refusal of a file's format.
pub const SAVE_AS_HINT: &str = "сохраните файл как CSV UTF-8 с разделителем-запятой";

/// The largest magnitude of a number in any input file (10^15): sums and means of many such
/// values stay far inside the exact decimal range.
pub const MAX_MAGNITUDE: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// The most significant digits a decimal may have (beyond, it cannot be held exactly).
pub const MAX_DIGITS: usize = 28;

/// A Russian description of an OS error.
pub fn io_message(e: &io::Error) -> String {
    bagalau_methodology::io_message(e)
}

fn issue(path: &Path, row: usize, column: Option<&str>, message: impl Into<String>) -> Issue {
    Issue {
        file: path.to_path_buf(),
        row,
        column: column.map(str::to_string),
        message: message.into(),
    }
}

/// Reads a regular file's bytes; a folder, pipe or device is refused before it is opened (a FIFO
/// would block forever).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Issue> {
    let meta = std::fs::metadata(path).map_err(|e| {
        issue(
            path,
            0,
            None,
            format!("не удалось открыть файл: {}", io_message(&e)),
        )
    })?;
    if meta.is_dir() {
        return Err(issue(path, 0, None, "это папка, а не файл — укажите файл"));
    }
    if !meta.is_file() {
        return Err(issue(
            path,
            0,
            None,
            "это не обычный файл (канал, устройство или сокет) — укажите файл на диске",
        ));
    }
    std::fs::read(path).map_err(|e| {
        issue(
            path,
            0,
            None,
            format!("не удалось прочитать файл: {}", io_message(&e)),
        )
    })
}

/// Bytes as UTF-8 text (a leading byte-order mark dropped), or one refusal naming the encoding
/// the file seems to be in.
pub fn decode(bytes: Vec<u8>, path: &Path) -> Result<String, Issue> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(issue(
            path,
            0,
            None,
            format!("файл в кодировке UTF-16 («Юникод»), а ожидается UTF-8: {SAVE_AS_HINT}"),
        ));
    }
    let bytes = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let bytes = e.as_bytes();
            let bad = e.utf8_error().valid_up_to();
            let line = bytes[..bad].iter().filter(|&&b| b == b'\n').count() + 1;
            let message = if looks_cp1251(bytes) {
                format!("файл в кодировке Windows-1251, а ожидается UTF-8: {SAVE_AS_HINT}")
            } else {
                format!("файл не в кодировке UTF-8: {SAVE_AS_HINT}")
            };
            Err(issue(path, line, None, message))
        }
    }
}

/// Whether bytes that are not UTF-8 read as Cyrillic text in Windows-1251: most bytes above
/// 0x7F are its letters (0xC0–0xFF, Ё 0xA8, ё 0xB8) and 0x98 (unassigned) does not occur.
fn looks_cp1251(bytes: &[u8]) -> bool {
    let high: Vec<u8> = bytes.iter().copied().filter(|&b| b >= 0x80).collect();
    if high.is_empty() || high.contains(&0x98) {
        return false;
    }
    let letters = high
        .iter()
        .filter(|&&b| b >= 0xC0 || b == 0xA8 || b == 0xB8)
        .count();
    letters * 10 >= high.len() * 8
}

/// A CSV file read and checked.
#[derive(Debug, Clone)]
pub struct CsvFile {
    pub path: PathBuf,
    /// Header names, trimmed.
    pub headers: Vec<String>,
    pub rows: Vec<CsvRow>,
}

/// One data row: the line of the file where it starts (header = 1) and its cells as written
/// (the CSV reader's record: one text and the ends of its cells, two allocations per row, not
/// one per cell; [`read_csv_each`] hands over the reader's own record, never copied).
#[derive(Debug, Clone, Default)]
pub struct CsvRow {
    pub line: usize,
    record: csv::StringRecord,
}

impl CsvRow {
    /// The cell of column `i` as written.
    pub fn cell(&self, i: usize) -> Option<&str> {
        self.record.get(i)
    }

    /// The cells as written.
    pub fn cells(&self) -> Vec<String> {
        self.record.iter().map(str::to_string).collect()
    }
}

impl CsvFile {
    /// Position of a column by name.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The trimmed text of a named column of a row ("" when the column is absent).
    pub fn get<'a>(&self, row: &'a CsvRow, name: &str) -> &'a str {
        self.col(name)
            .and_then(|i| row.cell(i))
            .map_or("", str::trim)
    }

    /// Refuses columns outside `known` and reports the `required` ones missing; `true` when
    /// every required column is there.
    pub fn check_columns(
        &self,
        required: &[&str],
        known: &dyn Fn(&str) -> bool,
        unknown_hint: &str,
        issues: &mut Vec<Issue>,
    ) -> bool {
        let mut ok = true;
        for r in required {
            if self.col(r).is_none() {
                issues.push(issue(&self.path, 1, Some(r), "нет обязательного столбца"));
                ok = false;
            }
        }
        for h in &self.headers {
            if !known(h) {
                issues.push(issue(
                    &self.path,
                    1,
                    Some(h),
                    format!("неизвестный столбец{unknown_hint}"),
                ));
            }
        }
        ok
    }
}

/// Reads a CSV file (see the module documentation). Row-level problems (a row with more or
/// fewer cells than the header) are reported and the row left out; problems of the whole file
/// (encoding, separator, header) are reported once and nothing is returned.
pub fn read_csv(path: &Path) -> Result<(CsvFile, Vec<Issue>), Vec<Issue>> {
    let bytes = read_bytes(path).map_err(|i| vec![i])?;
    read_csv_bytes(bytes, path)
}

/// [`read_csv`] from bytes already read (`path` names the file in messages).
pub fn read_csv_bytes(bytes: Vec<u8>, path: &Path) -> Result<(CsvFile, Vec<Issue>), Vec<Issue>> {
    let mut rows = Vec::new();
    let (mut file, issues) = scan(bytes, path, &mut |_| true, &mut |_, r| rows.push(r.clone()))?;
    file.rows = rows;
    Ok((file, issues))
}

/// [`read_csv`] without keeping the rows: `on_header` sees the file's header (its `rows` are
/// empty) before the first row, and `on_row` each row as it is read, in order (the reader's
/// record itself, reused from row to row: a large table is never held in memory). When `on_header` returns `false`
/// the rows are still read for their problems but not handed over. The same checks and
/// messages as [`read_csv`]; `on_header` is not called for a file refused as a whole.
pub fn read_csv_each(
    path: &Path,
    on_header: &mut dyn FnMut(&CsvFile) -> bool,
    on_row: &mut dyn FnMut(&CsvFile, &CsvRow),
) -> Result<Vec<Issue>, Vec<Issue>> {
    let bytes = read_bytes(path).map_err(|i| vec![i])?;
    let (_, issues) = scan(bytes, path, on_header, on_row)?;
    Ok(issues)
}

fn scan(
    bytes: Vec<u8>,
    path: &Path,
    on_header: &mut dyn FnMut(&CsvFile) -> bool,
    on_row: &mut dyn FnMut(&CsvFile, &CsvRow),
) -> Result<(CsvFile, Vec<Issue>), Vec<Issue>> {
    let text = decode(bytes, path).map_err(|i| vec![i])?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.is_empty() {
        return Err(vec![issue(
            path,
            0,
            None,
            "файл пуст: нет ни заголовка, ни строк данных",
        )]);
    }
    if !first.contains(',') {
        for (sep, name) in [(';', "точкой с запятой («;»)"), ('\t', "табуляцией")]
        {
            if first.contains(sep) {
                return Err(vec![issue(
                    path,
                    1,
                    None,
                    format!("столбцы разделены {name}, а ожидается запятая: {SAVE_AS_HINT}"),
                )]);
            }
        }
    }
    // Rows are numbered by the line where they begin whatever the line ends are: `\n` counted
    // up to the record's first byte, going forward from the previous record (records come in
    // order, so the text is counted once).
    let mut counted = (0usize, 1usize); // (byte, line of that byte)
    let mut line_at = |byte: u64| -> usize {
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
        // The reader may place a record's start on the line end before it.
        while let Some(b'\r' | b'\n') = text.as_bytes().get(at) {
            at += 1;
        }
        let (from, line) = if at >= counted.0 { counted } else { (0, 1) };
        let more = text.as_bytes()[from..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = (at, line + more);
        line + more
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return Err(vec![issue(
                path,
                1,
                None,
                format!("не удалось прочитать заголовок: {}", csv_message(&e)),
            )])
        }
    };
    let mut file_issues = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            file_issues.push(issue(
                path,
                1,
                None,
                format!("столбец {} без названия в заголовке", i + 1),
            ));
        } else if let Some(j) = headers[..i].iter().position(|x| x == h) {
            file_issues.push(issue(
                path,
                1,
                Some(h),
                format!(
                    "столбец указан в заголовке дважды (столбцы {} и {})",
                    j + 1,
                    i + 1
                ),
            ));
        }
    }
    if !file_issues.is_empty() {
        return Err(file_issues);
    }
    let file = CsvFile {
        path: path.to_path_buf(),
        headers,
        rows: Vec::new(),
    };
    // `None` until the header is handed over (at the first row or problem: a header-only
    // file is refused as a whole, without it).
    let mut wanted: Option<bool> = None;
    let mut issues = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let mut line_of = |p: Option<&csv::Position>| p.map_or(0, |p| line_at(p.byte()));
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            // A row of empty cells (what Excel writes for formatted but empty rows) holds no data.
            Ok(true) if record.iter().all(|c| c.trim().is_empty()) => {}
            Ok(true) => {
                let want = *wanted.get_or_insert_with(|| on_header(&file));
                if want {
                    let r = CsvRow {
                        line: line_of(record.position()),
                        record: std::mem::take(&mut record),
                    };
                    on_row(&file, &r);
                    record = r.record;
                }
            }
            Err(e) => {
                issues.push(issue(path, line_of(e.position()), None, csv_message(&e)));
                if wanted.is_none() {
                    wanted = Some(on_header(&file));
                }
                // The reader cannot go on after an I/O or encoding error of the source.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    if wanted.is_none() {
        return Err(vec![issue(
            path,
            0,
            None,
            "в файле нет строк данных (только заголовок)",
        )]);
    }
    Ok((file, issues))
}

/// A CSV error in Russian.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "в строке {len} ячеек, а в заголовке {expected_len} — проверьте запятые и кавычки"
        ),
        csv::ErrorKind::Io(io) => io_message(io),
        csv::ErrorKind::Utf8 { .. } => format!("файл не в кодировке UTF-8: {SAVE_AS_HINT}"),
        _ => "ошибка формата CSV".into(),
    }
}

/// Parses a number as written by people (`12.5`, `12,5`, `1 234`, `-3`): exactly, or a Russian
/// message. More than [`MAX_DIGITS`] significant digits or a magnitude above
/// [`MAX_MAGNITUDE`] is refused, never rounded.
pub fn parse_number(raw: &str) -> Result<Decimal, String> {
    let s = raw.trim();
    if let Some(d) = parse_plain(s) {
        // |d| > 10^15 on the integers: mantissa > 10^(15 + scale) (scale ≤ 18 here).
        if d.mantissa().unsigned_abs() > 10u128.pow(15 + d.scale()) {
            return Err(too_large(s));
        }
        return Ok(d);
    }
    let not_number = || format!("«{s}» — не число");
    let cleaned: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let unsigned = cleaned
        .strip_prefix('-')
        .or_else(|| cleaned.strip_prefix('+'))
        .unwrap_or(&cleaned);
    if let Some((m, e)) = unsigned.split_once(['e', 'E']) {
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if digits(m) && digits(e.trim_start_matches(['+', '-'])) {
            return Err(format!(
                "«{s}» — запишите число без показателя степени (например, 1000 вместо 1e3)"
            ));
        }
        return Err(not_number());
    }
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(not_number());
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    if int.len() + frac.len() > MAX_DIGITS {
        return Err(format!(
            "«{s}»: больше {MAX_DIGITS} значащих цифр — такое число нельзя сохранить точно; округлите его в файле"
        ));
    }
    if int.len() > 16 {
        return Err(too_large(s));
    }
    let d = bagalau_methodology::parse_decimal(&cleaned).ok_or_else(not_number)?;
    if d.abs() > MAX_MAGNITUDE {
        return Err(too_large(s));
    }
    Ok(d)
}

/// The usual cell (`-`, digits, at most one `.` between digits, at most 18 digits) without
/// allocating: the same decimal, mantissa and scale, as the general path gives it (`None` for
/// anything else, including a negative zero).
fn parse_plain(s: &str) -> Option<Decimal> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((_, "")) => return None,
        Some(x) => x,
        None => (digits, ""),
    };
    if int.is_empty() || int.len() + frac.len() > 18 {
        return None;
    }
    let mut m: i64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        m = m * 10 + i64::from(b - b'0');
    }
    if neg && m == 0 {
        return None;
    }
    let m = if neg { -i128::from(m) } else { i128::from(m) };
    Some(Decimal::from_i128_with_scale(
        m,
        u32::try_from(frac.len()).ok()?,
    ))
}

fn too_large(s: &str) -> String {
    format!("«{s}»: слишком большое значение — по модулю допускается не больше 10^15 (1 000 000 000 000 000)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_magnitude_is_ten_to_the_fifteenth() {
        assert_eq!(MAX_MAGNITUDE, Decimal::from(1_000_000_000_000_000_i64));
    }

    #[test]
    fn numbers_are_exact_or_refused() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            parse_number("9.4999999999999999"),
            Ok(d("9.4999999999999999"))
        );
        assert_eq!(parse_number("0,8"), Ok(d("0.8")));
        assert_eq!(parse_number("1 234,5"), Ok(d("1234.5")));
        assert_eq!(parse_number("-3"), Ok(d("-3")));
        assert_eq!(parse_number("1.000000000000000000000000000000"), Ok(d("1")));
        assert!(parse_number("1.0000000000000000000000000001")
            .unwrap_err()
            .contains("28 значащих"));
        assert!(parse_number("0.00000000000000000000000000001").is_err());
        assert!(parse_number("1000000000000001")
            .unwrap_err()
            .contains("10^15"));
        assert!(parse_number("5e28")
            .unwrap_err()
            .contains("без показателя степени"));
        assert!(parse_number("e").unwrap_err().contains("не число"));
        assert!(parse_number("1.2.3").is_err());
        assert!(parse_number("-").is_err());
        assert!(parse_number(".").is_err());
    }

    /// The allocation-free path gives exactly what the general one gives (value, scale, sign)
    /// or leaves the cell to it.
    #[test]
    fn plain_numbers_parse_like_the_general_path() {
        let cases = [
            "0",
            "00",
            "0.0",
            "8.2",
            "8.20",
            "-3",
            "-0",
            "-0.0",
            "007.50",
            "1.",
            ".5",
            "-.5",
            "123456789012345678",
            "1234567890123456789",
            "999999999999999.9",
            "1000000000000000",
            "1000000000000001",
            "12345678901234567",
            "+5",
            "1-2",
            "1.2.3",
            "-",
            "5e3",
            "٣",
        ];
        for s in cases {
            let general = (|| {
                let d = bagalau_methodology::parse_decimal(s)?;
                Some((d, d.scale(), d.is_sign_negative(), d.to_string()))
            })();
            if let Some(d) = parse_plain(s) {
                assert_eq!(
                    Some((d, d.scale(), d.is_sign_negative(), d.to_string())),
                    general,
                    "{s}"
                );
            }
        }
        assert!(parse_plain("8.20").is_some());
        assert!(parse_plain("-0").is_none());
        assert_eq!(
            parse_number("1000000000000001"),
            Err(too_large("1000000000000001"))
        );
        assert_eq!(
            parse_number("12345678901234567"),
            Err(too_large("12345678901234567"))
        );
    }

    #[test]
    fn crlf_and_multiline_rows_are_numbered_by_their_first_line() {
        let p = Path::new("t.csv");
        let (f, _) = read_csv_bytes(b"a,b\r\n\"x\r\nz\",1\r\ny,2\r\n".to_vec(), p).unwrap();
        let lines: Vec<usize> = f.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4]);
        let (f, _) = read_csv_bytes(b"a,b\nx,1\n\"q\n\nw\",2\ny,3".to_vec(), p).unwrap();
        let lines: Vec<usize> = f.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 6]);
        // Rows of empty cells are left out; the numbering goes on.
        let (f, _) = read_csv_bytes(b"a,b\n,\nx,1\n".to_vec(), p).unwrap();
        assert_eq!(f.rows.len(), 1);
        assert_eq!(f.rows[0].line, 3);
    }

    #[test]
    fn file_format_problems_are_refused_once() {
        let p = Path::new("t.csv");
        let one = |b: &[u8]| read_csv_bytes(b.to_vec(), p).unwrap_err();
        let e = one(b"id;name;kind\nA;B;central\nC;D;local\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains(SAVE_AS_HINT), "{e:?}");
        // «орган» in Windows-1251
        let e = one(b"id,name\nA,\xee\xf0\xe3\xe0\xed\nB,\xee\xf0\xe3\xe0\xed\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("Windows-1251"), "{e:?}");
        let e = one(b"id,name\n");
        assert!(e[0].message.contains("нет строк данных"), "{e:?}");
        let e = one(b"");
        assert!(e[0].message.contains("пуст"), "{e:?}");
        let e = one(b"id,name\n,\n , \n");
        assert!(e[0].message.contains("нет строк данных"), "{e:?}");
        let e = one(b"id,name,id\nA,B,C\n");
        assert!(e[0].message.contains("дважды"), "{e:?}");
    }
}
