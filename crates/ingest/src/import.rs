//! Reading a filled form back (`calamine`) and writing the dataset folder atomically.
//!
//! Numbers stay exact: a cell stored as a spreadsheet number reaches us as a double (that is the
//! one binary value, at the calamine boundary) and is converted through its shortest round-trip
//! decimal text (`format!("{v}")`, then `Decimal::from_str`): a value typed with up to 15
//! significant digits — everything a spreadsheet keeps — comes back digit for digit. Text cells
//! are parsed as decimals directly (`0,8` and `0.8` alike).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use bagalau_engine::{BodyData, Dataset, Row, Value};
use bagalau_methodology::{parse_decimal, Edition, Group, Input, InputType};
use calamine::{DataRef, Reader, Xlsx};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::layout::{
    column_letter, ColumnKind, Layout, SheetKind, SheetSpec, BODIES, CODE_ROW, FIRST_DATA_ROW,
    HEADING_ROW, INSTRUCTIONS,
};
use crate::template::{META_EDITION, META_PERIOD, META_TITLE};
use crate::{Column, IngestError, Problem, Reason};

/// At most this many non-empty cells are read from a workbook (a national form holds far fewer;
/// a hostile file cannot make us hold more).
pub const MAX_CELLS: usize = 1_000_000;
/// Rows of the instructions sheet searched for the dataset requisites.
const META_ROWS: u32 = 40;

/// A cell as read, owned.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Int(i64),
    /// The calamine boundary: a spreadsheet number. Converted at once by `float_decimal`.
    Float(f64),
    Str(String),
    Bool(bool),
    Date(String),
    Error(String),
}

impl Cell {
    fn from_ref(v: &DataRef<'_>) -> Cell {
        match v {
            DataRef::Int(i) => Cell::Int(*i),
            DataRef::Float(f) => Cell::Float(*f),
            DataRef::String(s) => Cell::Str(s.clone()),
            DataRef::SharedString(s) => Cell::Str((*s).to_string()),
            DataRef::Bool(b) => Cell::Bool(*b),
            DataRef::DateTime(d) => Cell::Date(d.to_string()),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Date(s.clone()),
            DataRef::Error(e) => Cell::Error(e.to_string()),
            DataRef::Empty => Cell::Empty,
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Str(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as the user reads it, for messages.
    fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => format!("{f}"),
            Cell::Str(s) => s.trim().to_string(),
            Cell::Bool(true) => "ИСТИНА".into(),
            Cell::Bool(false) => "ЛОЖЬ".into(),
            Cell::Date(s) | Cell::Error(s) => s.clone(),
        }
    }

    /// A text column (id, name, key, body, kind).
    fn text(&self) -> Result<String, Reason> {
        match self {
            Cell::Date(s) => Err(Reason::DateCell(s.clone())),
            Cell::Error(s) => Err(Reason::ErrorCell(s.clone())),
            other => Ok(other.shown()),
        }
    }
}

/// A spreadsheet double as an exact decimal: through its shortest round-trip text.
fn float_decimal(v: f64) -> Result<Decimal, Reason> {
    let text = format!("{v}");
    let bad = || Reason::NotANumber(text.clone());
    if !v.is_finite() {
        return Err(bad());
    }
    // More fractional digits than a decimal holds would be rounded: refuse rather than round.
    if text.split_once('.').is_some_and(|(_, f)| f.len() > 28) {
        return Err(bad());
    }
    Decimal::from_str(&text).map_err(|_| bad())
}

/// Parses an input's cell. `Ok(None)`: empty.
fn input_value(input: &Input, cell: &Cell) -> Result<Option<Value>, Reason> {
    if cell.is_empty() {
        return Ok(None);
    }
    match (input.ty, cell) {
        (_, Cell::Date(s)) => Err(Reason::DateCell(s.clone())),
        (_, Cell::Error(s)) => Err(Reason::ErrorCell(s.clone())),
        (InputType::Bool, Cell::Bool(b)) => Ok(Some(Value::Bool(*b))),
        (InputType::Bool, Cell::Str(s)) => match s.trim().to_lowercase().as_str() {
            "да" => Ok(Some(Value::Bool(true))),
            "нет" => Ok(Some(Value::Bool(false))),
            _ => Err(Reason::NotYesNo(cell.shown())),
        },
        (InputType::Bool, _) => Err(Reason::NotYesNo(cell.shown())),
        (_, num) => {
            let d = match num {
                Cell::Int(i) => Decimal::from(*i),
                Cell::Float(f) => float_decimal(*f)?,
                Cell::Str(s) => parse_decimal(s).ok_or_else(|| Reason::NotANumber(cell.shown()))?,
                _ => return Err(Reason::NotANumber(cell.shown())),
            };
            if input.ty == InputType::Integer && !d.fract().is_zero() {
                return Err(Reason::NotAnInteger(cell.shown()));
            }
            if input.min.is_some_and(|m| d < m) || input.max.is_some_and(|m| d > m) {
                return Err(Reason::OutOfRange {
                    value: d,
                    min: input.min,
                    max: input.max,
                });
            }
            Ok(Some(Value::Num(d)))
        }
    }
}

fn parse_kind(s: &str) -> Option<Group> {
    match s.trim().to_lowercase().as_str() {
        "цго" | "central" => Some(Group::Central),
        "мио" | "local" => Some(Group::Local),
        _ => None,
    }
}

/// The non-empty cells of a sheet by (row, column), 0-based.
type Cells = BTreeMap<(u32, u32), Cell>;

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a filled form holds, checked: a dataset and its requisites.
#[derive(Debug, Clone)]
pub struct FormData {
    pub file: PathBuf,
    /// SHA-256 of the file's bytes (lower-case hex): the key a cycle store will use to recognise
    /// a re-import of the same file.
    pub sha256: String,
    pub title: Option<String>,
    pub period: Option<u16>,
    pub edition: String,
    pub dataset: Dataset,
    /// The optional forms of the bodies' names, by body id, in `bagalau_data::NAME_COLUMNS`
    /// order (absent forms are empty).
    pub names: std::collections::BTreeMap<String, [String; 3]>,
    /// Values kept but not counted (the edition's `inapplicable = "notice"`), as the loader
    /// reports them.
    pub notices: Vec<Problem>,
}

struct Problems<'a> {
    file: &'a Path,
    list: Vec<Problem>,
    /// Not refusals: values kept and reported (`inapplicable = "notice"`).
    notices: Vec<Problem>,
}

impl Problems<'_> {
    fn push(
        &mut self,
        sheet: Option<&str>,
        row: Option<u32>,
        column: Option<Column>,
        reason: Reason,
    ) {
        self.list.push(Problem {
            file: self.file.to_path_buf(),
            sheet: sheet.map(str::to_string),
            row,
            column,
            reason,
        });
    }
}

/// Reads every non-empty cell of a sheet, within the budget.
fn read_cells(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    budget: &mut usize,
) -> Result<Cells, Reason> {
    let mut reader = wb
        .worksheet_cells_reader(name)
        .map_err(|e| Reason::Unreadable(e.to_string()))?;
    let mut cells = Cells::new();
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| Reason::Unreadable(e.to_string()))?
    {
        let v = Cell::from_ref(cell.get_value());
        if v.is_empty() {
            continue;
        }
        if *budget == 0 {
            return Err(Reason::TooManyCells(MAX_CELLS));
        }
        *budget -= 1;
        cells.insert(cell.get_position(), v);
    }
    Ok(cells)
}

/// A sheet's columns found by code: code → 0-based column.
struct Mapped<'s> {
    spec: &'s SheetSpec,
    at: HashMap<&'s str, u32>,
}

impl Mapped<'_> {
    fn column(&self, col: u32, code: &str) -> Column {
        Column {
            letter: column_letter(col),
            heading: self
                .spec
                .column(code)
                .map_or_else(|| code.to_string(), |c| c.heading.clone()),
        }
    }
}

/// Finds the columns of a sheet by the codes of row 2, reporting unknown, duplicate and missing
/// codes and values under columns without a code. `None` when the sheet has no codes at all.
fn map_columns<'s>(
    ed: &Edition,
    spec: &'s SheetSpec,
    cells: &Cells,
    p: &mut Problems<'_>,
) -> Option<Mapped<'s>> {
    let sheet = Some(spec.name.as_str());
    let mut at: HashMap<&str, u32> = HashMap::new();
    let mut coded: BTreeSet<u32> = BTreeSet::new();
    for ((_, col), cell) in cells.range((CODE_ROW, 0)..(CODE_ROW + 1, 0)) {
        let code = cell.shown();
        coded.insert(*col);
        let heading = cells
            .get(&(HEADING_ROW, *col))
            .map_or_else(|| code.clone(), Cell::shown);
        let column = Column {
            letter: column_letter(*col),
            heading,
        };
        match spec.columns.iter().find(|c| c.code == code) {
            Some(c) => {
                // The first column with a code is the one read; a repeat is an error.
                if at.contains_key(c.code.as_str()) {
                    p.push(
                        sheet,
                        Some(CODE_ROW + 1),
                        Some(column),
                        Reason::DuplicateCode(code),
                    );
                } else {
                    at.insert(c.code.as_str(), *col);
                }
            }
            None => p.push(
                sheet,
                Some(CODE_ROW + 1),
                Some(column),
                Reason::UnknownCode(code),
            ),
        }
    }
    if coded.is_empty() {
        p.push(sheet, None, None, Reason::EmptySheet);
        return None;
    }
    for c in &spec.columns {
        // A value the edition fixes by body (`true_for`) needs no column, as in the CSV; the
        // forms of a body's name are optional.
        let fixed = matches!(c.kind, ColumnKind::Input(k) if ed.inputs[k].true_for.is_some())
            || matches!(c.kind, ColumnKind::NameForm(_));
        if !at.contains_key(c.code.as_str()) && !fixed {
            p.push(
                sheet,
                None,
                None,
                Reason::MissingCode {
                    code: c.code.clone(),
                    heading: c.heading.clone(),
                },
            );
        }
    }
    let mut uncoded: BTreeMap<u32, u32> = BTreeMap::new();
    for ((row, col), _) in cells.range((FIRST_DATA_ROW, 0)..) {
        if !coded.contains(col) {
            uncoded.entry(*col).or_insert(*row);
        }
    }
    for (col, row) in uncoded {
        let heading = cells
            .get(&(HEADING_ROW, col))
            .map_or_else(String::new, Cell::shown);
        p.push(
            sheet,
            Some(row + 1),
            Some(Column {
                letter: column_letter(col),
                heading,
            }),
            Reason::ValuesWithoutCode,
        );
    }
    Some(Mapped { spec, at })
}

/// The data rows of a sheet (0-based row → cells by code) that hold anything in a mapped column.
fn data_rows<'m>(m: &'m Mapped<'_>, cells: &'m Cells) -> Vec<(u32, HashMap<&'m str, &'m Cell>)> {
    let by_col: HashMap<u32, &str> = m.at.iter().map(|(code, col)| (*col, *code)).collect();
    let mut rows: BTreeMap<u32, HashMap<&str, &Cell>> = BTreeMap::new();
    for ((row, col), cell) in cells.range((FIRST_DATA_ROW, 0)..) {
        if let Some(code) = by_col.get(col) {
            rows.entry(*row).or_default().insert(code, cell);
        }
    }
    rows.into_iter().collect()
}

/// What applicability makes of a value.
enum Presence {
    Fine,
    Refused(Reason),
    /// Kept and reported, not refused (`inapplicable = "notice"`): the loader records it too.
    Noticed(Reason),
}

/// Checks presence against applicability, as the dataset loader does: required inputs present,
/// others empty (or noticed, where the edition says so); a value the edition fixes by body
/// (`true_for`) may be left empty and must not contradict it.
fn presence(input: &Input, group: Group, body: &str, v: &Option<Value>) -> Presence {
    if let Some(want) = input.fixed_for(group, body) {
        return match v {
            Some(Value::Bool(b)) if *b != want => Presence::Refused(Reason::FixedByEdition {
                value: want,
                bodies: input.true_for.clone().unwrap_or_default().join(", "),
                reference: input.cite.reference.clone(),
            }),
            _ => Presence::Fine,
        };
    }
    match (v, input.applies.applies(group, body), input.optional) {
        (None, true, false) => Presence::Refused(Reason::Missing),
        (Some(_), false, _) if input.notice_inapplicable => {
            Presence::Noticed(Reason::Ignored(input.applies.describe_ru()))
        }
        (Some(_), false, _) => {
            Presence::Refused(Reason::NotApplicable(input.applies.describe_ru()))
        }
        _ => Presence::Fine,
    }
}

struct SheetReader<'a, 'm> {
    ed: &'a Edition,
    m: &'m Mapped<'m>,
    sheet: &'m str,
}

impl SheetReader<'_, '_> {
    fn column_of(&self, code: &str) -> Column {
        let col = self.m.at.get(code).copied().unwrap_or(0);
        self.m.column(col, code)
    }

    fn problem(&self, p: &mut Problems<'_>, row: u32, code: &str, reason: Reason) {
        let col = self.m.at.get(code).copied().unwrap_or(0);
        p.push(
            Some(self.sheet),
            Some(row + 1),
            Some(self.m.column(col, code)),
            reason,
        );
    }

    fn text(
        &self,
        p: &mut Problems<'_>,
        row: u32,
        cells: &HashMap<&str, &Cell>,
        code: &str,
    ) -> Option<String> {
        match cells.get(code).map_or(Ok(String::new()), |c| c.text()) {
            Ok(s) => Some(s),
            Err(r) => {
                self.problem(p, row, code, r);
                None
            }
        }
    }

    /// The input values of one row (body-level or of a table), indexed like `edition.inputs`.
    fn inputs(
        &self,
        p: &mut Problems<'_>,
        row: u32,
        cells: &HashMap<&str, &Cell>,
        owner: Option<(Group, &str)>,
    ) -> Vec<Option<Value>> {
        let mut values = vec![None; self.ed.inputs.len()];
        for col in &self.m.spec.columns {
            let ColumnKind::Input(k) = col.kind else {
                continue;
            };
            let input = &self.ed.inputs[k];
            let cell = cells
                .get(col.code.as_str())
                .copied()
                .unwrap_or(&Cell::Empty);
            match input_value(input, cell) {
                Ok(v) => {
                    match owner.map(|(g, id)| presence(input, g, id, &v)) {
                        Some(Presence::Refused(r)) => self.problem(p, row, &col.code, r),
                        Some(Presence::Noticed(r)) => {
                            let col_ref = self.column_of(&col.code);
                            p.notices.push(Problem {
                                file: p.file.to_path_buf(),
                                sheet: Some(self.sheet.to_string()),
                                row: Some(row + 1),
                                column: Some(col_ref),
                                reason: r,
                            });
                        }
                        Some(Presence::Fine) | None => {}
                    }
                    values[k] = v;
                }
                Err(r) => self.problem(p, row, &col.code, r),
            }
        }
        values
    }
}

fn read_bodies(
    ed: &Edition,
    m: &Mapped<'_>,
    cells: &Cells,
    p: &mut Problems<'_>,
    ids: &mut HashSet<String>,
    names: &mut std::collections::BTreeMap<String, [String; 3]>,
) -> Vec<BodyData> {
    let r = SheetReader {
        ed,
        m,
        sheet: BODIES,
    };
    let mut bodies = Vec::new();
    let rows = data_rows(m, cells);
    if rows.is_empty() {
        p.push(Some(BODIES), None, None, Reason::NoBodies);
    }
    for (row, cells) in rows {
        let id = r.text(p, row, &cells, "id");
        let name = r.text(p, row, &cells, "name");
        let kind = r.text(p, row, &cells, "kind");
        let mut ok = true;
        match &id {
            Some(s) if s.is_empty() => {
                r.problem(p, row, "id", Reason::Missing);
                ok = false;
            }
            Some(s) => {
                if !ids.insert(s.clone()) {
                    r.problem(p, row, "id", Reason::DuplicateBody(s.clone()));
                    ok = false;
                }
            }
            None => ok = false,
        }
        if name.as_deref() == Some("") {
            r.problem(p, row, "name", Reason::Missing);
        }
        let group = match kind.as_deref() {
            Some("") => {
                r.problem(p, row, "kind", Reason::Missing);
                None
            }
            Some(k) => {
                let g = parse_kind(k);
                if g.is_none() {
                    r.problem(p, row, "kind", Reason::BadKind(k.to_string()));
                }
                g
            }
            None => None,
        };
        let id = id.unwrap_or_default();
        let forms = bagalau_data::NAME_COLUMNS.map(|c| {
            cells
                .get(c)
                .and_then(|cell| cell.text().ok())
                .map(|t| t.trim().to_string())
                .unwrap_or_default()
        });
        if ok && forms.iter().any(|f| !f.is_empty()) {
            names.insert(id.clone(), forms);
        }
        let owner = group.filter(|_| ok).map(|g| (g, id.as_str()));
        let values = r.inputs(p, row, &cells, owner);
        if let (true, Some(group)) = (ok, group) {
            bodies.push(BodyData {
                id,
                name: name.unwrap_or_default(),
                group,
                values,
                tables: vec![Vec::new(); ed.tables.len()],
            });
        }
    }
    bodies
}

fn read_table(
    ed: &Edition,
    t: usize,
    m: &Mapped<'_>,
    cells: &Cells,
    p: &mut Problems<'_>,
    // `None`: the sheet «Органы» could not be read (its problem is reported).
    ids: Option<&HashSet<String>>,
    bodies: &mut [BodyData],
) {
    let r = SheetReader {
        ed,
        m,
        sheet: &m.spec.name,
    };
    let key_code = ed.tables[t].key.as_str();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (row, cells) in data_rows(m, cells) {
        let body = r.text(p, row, &cells, "body");
        let key = r.text(p, row, &cells, key_code);
        let name = r.text(p, row, &cells, "name");
        let mut ok = true;
        let owner = match &body {
            Some(b) if b.is_empty() => {
                r.problem(p, row, "body", Reason::Missing);
                ok = false;
                None
            }
            // Without a readable «Органы» every row would be unknown: that sheet's problem is
            // already reported, so the rows are not flagged one by one.
            Some(b) if !ids.is_some_and(|ids| ids.contains(b)) => {
                if ids.is_some() {
                    r.problem(p, row, "body", Reason::UnknownBody(b.clone()));
                }
                ok = false;
                None
            }
            Some(b) => bodies.iter().position(|x| &x.id == b),
            None => {
                ok = false;
                None
            }
        };
        match (&body, &key) {
            (_, Some(k)) if k.is_empty() => {
                r.problem(p, row, key_code, Reason::Missing);
                ok = false;
            }
            (Some(b), Some(k)) => {
                if !seen.insert((b.clone(), k.clone())) {
                    r.problem(
                        p,
                        row,
                        key_code,
                        Reason::DuplicateKey {
                            body: b.clone(),
                            key: k.clone(),
                        },
                    );
                    ok = false;
                }
            }
            _ => ok = false,
        }
        let who = owner.map(|b| (bodies[b].group, bodies[b].id.clone()));
        let values = r.inputs(
            p,
            row,
            &cells,
            who.as_ref().map(|(g, id)| (*g, id.as_str())),
        );
        if let (true, Some(b)) = (ok, owner) {
            bodies[b].tables[t].push(Row::from_inputs(
                r.ed,
                t,
                key.unwrap_or_default(),
                name.unwrap_or_default(),
                &values,
            ));
        }
    }
}

struct Meta {
    title: Option<String>,
    period: Option<u16>,
    edition: String,
}

/// The dataset requisites of the instructions sheet (code in column B, value in column C).
fn read_meta(ed: &Edition, cells: &Cells, p: &mut Problems<'_>) -> Meta {
    let sheet = Some(INSTRUCTIONS);
    let mut found: HashMap<String, (u32, &Cell)> = HashMap::new();
    for ((row, col), cell) in cells.range((0, 0)..(META_ROWS, 0)) {
        if *col == 1 {
            let value = cells.get(&(*row, 2)).unwrap_or(&Cell::Empty);
            found.entry(cell.shown()).or_insert((*row, value));
        }
    }
    let column = |heading: &str| {
        Some(Column {
            letter: "C".into(),
            heading: heading.into(),
        })
    };
    let mut meta = Meta {
        title: None,
        period: None,
        edition: ed.id.clone(),
    };
    match found.get(META_EDITION) {
        None => p.push(
            sheet,
            None,
            None,
            Reason::MissingCode {
                code: META_EDITION.into(),
                heading: "Редакция методики".into(),
            },
        ),
        Some((row, cell)) => {
            let form = cell.shown();
            if form != ed.id {
                p.push(
                    sheet,
                    Some(row + 1),
                    column("Редакция методики"),
                    Reason::EditionMismatch {
                        form,
                        edition: ed.id.clone(),
                    },
                );
            }
        }
    }
    if let Some((_, cell)) = found.get(META_TITLE) {
        meta.title = Some(cell.shown()).filter(|s| !s.is_empty());
    }
    if let Some((row, cell)) = found.get(META_PERIOD) {
        if !cell.is_empty() {
            let year = match cell {
                Cell::Int(i) => u16::try_from(*i).ok(),
                Cell::Float(f) => float_decimal(*f)
                    .ok()
                    .filter(|d| d.fract().is_zero())
                    .and_then(|d| d.to_string().parse::<u16>().ok()),
                Cell::Str(s) => s.trim().parse::<u16>().ok(),
                _ => None,
            };
            match year {
                None => p.push(
                    sheet,
                    Some(row + 1),
                    column("Отчётный период (год)"),
                    Reason::BadPeriod(cell.shown()),
                ),
                Some(y) if !ed.validity.periods.contains(&y) => p.push(
                    sheet,
                    Some(row + 1),
                    column("Отчётный период (год)"),
                    Reason::PeriodNotCovered {
                        period: y,
                        periods: ed
                            .validity
                            .periods
                            .iter()
                            .map(|p| p.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                    },
                ),
                Some(y) => meta.period = Some(y),
            }
        }
    }
    meta
}

/// The cells of the wanted sheets that the workbook has (an absent sheet is absent from the map).
///
/// The calamine calls run under `catch_unwind`: a workbook is input, and a panic inside the
/// reader (calamine 0.38 overflows on a cell reference such as `A99999999999` when overflow
/// checks are on — found by the `form_xlsx` fuzz target) becomes a refusal of the file, not a
/// crash.
fn read_sheets(
    bytes: &[u8],
    wanted: &[&str],
) -> Result<HashMap<String, Result<Cells, Reason>>, Reason> {
    let run = || -> Result<HashMap<String, Result<Cells, Reason>>, Reason> {
        let mut wb =
            Xlsx::new(Cursor::new(bytes)).map_err(|e| Reason::Unreadable(e.to_string()))?;
        let names = wb.sheet_names();
        let mut budget = MAX_CELLS;
        let mut out = HashMap::new();
        for name in wanted {
            if names.iter().any(|n| n == name) {
                out.insert(name.to_string(), read_cells(&mut wb, name, &mut budget));
            }
        }
        Ok(out)
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Reason::Unreadable(format!(
            "сбой библиотеки чтения XLSX (calamine): {what}"
        )))
    })
}

/// Reads and checks a filled form (the bytes of an XLSX file; `file` names it in messages).
/// Pure: no IO. Every problem is collected; `Err` carries them all.
pub fn read_form(ed: &Edition, file: &Path, bytes: &[u8]) -> Result<FormData, IngestError> {
    let sha256 = sha256_hex(bytes);
    let mut p = Problems {
        file,
        list: Vec::new(),
        notices: Vec::new(),
    };
    let refuse = |p: Problems<'_>, sha256: String| IngestError::Refused {
        file: file.to_path_buf(),
        sha256,
        problems: p.list,
    };
    let layout = Layout::of(ed);
    let mut wanted = vec![INSTRUCTIONS];
    wanted.extend(layout.sheets.iter().map(|s| s.name.as_str()));
    let mut sheets = match read_sheets(bytes, &wanted) {
        Ok(s) => s,
        Err(r) => {
            p.push(None, None, None, r);
            return Err(refuse(p, sha256));
        }
    };
    let mut sheet = |p: &mut Problems<'_>, name: &str| -> Option<Cells> {
        match sheets.remove(name) {
            Some(Ok(c)) => Some(c),
            Some(Err(r)) => {
                p.push(Some(name), None, None, r);
                None
            }
            None => {
                p.push(Some(name), None, None, Reason::MissingSheet);
                None
            }
        }
    };
    let meta = match sheet(&mut p, INSTRUCTIONS) {
        Some(cells) => read_meta(ed, &cells, &mut p),
        None => Meta {
            title: None,
            period: None,
            edition: ed.id.clone(),
        },
    };
    let mut ids = HashSet::new();
    let mut names = std::collections::BTreeMap::new();
    let mut bodies = Vec::new();
    let mut bodies_read = false;
    for spec in &layout.sheets {
        let Some(cells) = sheet(&mut p, &spec.name) else {
            continue;
        };
        let Some(m) = map_columns(ed, spec, &cells, &mut p) else {
            continue;
        };
        match spec.kind {
            SheetKind::Bodies => {
                bodies = read_bodies(ed, &m, &cells, &mut p, &mut ids, &mut names);
                bodies_read = true;
            }
            SheetKind::Table(t) => {
                let known = bodies_read.then_some(&ids);
                read_table(ed, t, &m, &cells, &mut p, known, &mut bodies)
            }
        }
    }
    if !p.list.is_empty() {
        return Err(refuse(p, sha256));
    }
    Ok(FormData {
        file: file.to_path_buf(),
        sha256,
        title: meta.title,
        period: meta.period,
        edition: meta.edition,
        dataset: Dataset { bodies },
        names,
        notices: p.notices,
    })
}

fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> IngestError + 'a {
    move |source| IngestError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
}

fn cell_text(v: &Option<Value>) -> String {
    match v {
        Some(Value::Num(d)) => d.normalize().to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        None => String::new(),
    }
}

fn write_csv(path: &Path, header: Vec<String>, rows: Vec<Vec<String>>) -> Result<(), IngestError> {
    let err = |source| IngestError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(&header).map_err(err)?;
    for r in rows {
        w.write_record(&r).map_err(err)?;
    }
    w.flush().map_err(|e| err(e.into()))
}

#[derive(serde::Serialize)]
struct MetaOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u16>,
    edition: &'a str,
    description: String,
}

/// The dataset files into a folder that exists and is empty.
fn write_files(ed: &Edition, form: &FormData, dir: &Path) -> Result<(), IngestError> {
    let meta = MetaOut {
        title: form.title.as_deref(),
        period: form.period,
        edition: &form.edition,
        description: format!(
            "Загружено из формы {} (SHA-256 {}).",
            form.file.file_name().map_or_else(
                || form.file.display().to_string(),
                |n| n.to_string_lossy().into_owned()
            ),
            form.sha256
        ),
    };
    let path = dir.join("dataset.toml");
    std::fs::write(&path, toml::to_string(&meta)?).map_err(io("запись", &path))?;
    let body_inputs: Vec<usize> = (0..ed.inputs.len())
        .filter(|&i| ed.inputs[i].table.is_none())
        .collect();
    let mut header: Vec<String> = ["id", "name", "kind"].map(String::from).to_vec();
    let with_names = !form.names.is_empty();
    if with_names {
        header.extend(bagalau_data::NAME_COLUMNS.map(String::from));
    }
    header.extend(body_inputs.iter().map(|&i| ed.inputs[i].code.clone()));
    let rows = form
        .dataset
        .bodies
        .iter()
        .map(|b| {
            let mut r = vec![b.id.clone(), b.name.clone(), b.group.code().to_string()];
            if with_names {
                let forms = form.names.get(&b.id).cloned().unwrap_or_default();
                r.extend(forms);
            }
            r.extend(body_inputs.iter().map(|&i| cell_text(&b.values[i])));
            r
        })
        .collect();
    write_csv(&dir.join("bodies.csv"), header, rows)?;
    for (t, table) in ed.tables.iter().enumerate() {
        let row_inputs: Vec<usize> = (0..ed.inputs.len())
            .filter(|&i| ed.inputs[i].table == Some(t))
            .collect();
        let slots = bagalau_engine::eval::table_slots(ed);
        let mut header: Vec<String> = vec!["body".into(), table.key.clone(), "name".into()];
        header.extend(row_inputs.iter().map(|&i| ed.inputs[i].code.clone()));
        let rows = form
            .dataset
            .bodies
            .iter()
            .flat_map(|b| {
                b.tables[t].iter().map(|r| {
                    let mut out = vec![b.id.clone(), r.key.to_string(), r.name.to_string()];
                    out.extend(
                        row_inputs
                            .iter()
                            .map(|&i| cell_text(&r.value(ed, &slots, i))),
                    );
                    out
                })
            })
            .collect();
        write_csv(&dir.join(format!("{}.csv", table.code)), header, rows)?;
    }
    Ok(())
}

/// Whether `out` may receive the dataset: absent, or an empty folder.
fn check_target(out: &Path) -> Result<bool, IngestError> {
    if !out.exists() {
        return Ok(false);
    }
    let empty = out.is_dir()
        && std::fs::read_dir(out)
            .map_err(io("чтение", out))?
            .next()
            .is_none();
    if empty {
        Ok(true)
    } else {
        Err(IngestError::TargetExists(out.to_path_buf()))
    }
}

/// Writes the dataset folder atomically: into a temporary folder beside `out`, loaded back with
/// `bagalau_data::load_dataset` as a final check, then renamed. On any failure the temporary
/// folder is removed and `out` is untouched.
pub fn write_dataset(ed: &Edition, form: &FormData, out: &Path) -> Result<(), IngestError> {
    let replace_empty = check_target(out)?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io("создание папки", &parent))?;
    let name = out
        .file_name()
        .map_or_else(|| "dataset".into(), |n| n.to_string_lossy().into_owned());
    let tmp = parent.join(format!(".{name}.import-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io("удаление", &tmp))?;
    }
    std::fs::create_dir(&tmp).map_err(io("создание папки", &tmp))?;
    let result = write_files(ed, form, &tmp)
        .and_then(|()| {
            bagalau_data::load_dataset(ed, &tmp)
                .map(|_| ())
                .map_err(IngestError::Check)
        })
        .and_then(|()| {
            if replace_empty {
                std::fs::remove_dir(out).map_err(io("замена пустой папки", out))?;
            }
            std::fs::rename(&tmp, out).map_err(io("переименование во", out))
        });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub file: PathBuf,
    pub sha256: String,
    pub edition: String,
    pub period: Option<u16>,
    pub bodies: usize,
    /// Rows per table sheet: (sheet name, rows).
    pub rows: Vec<(String, usize)>,
    /// The dataset folder written; `None` for a dry run.
    pub written: Option<PathBuf>,
    /// Values kept but not counted (not errors).
    pub notices: Vec<Problem>,
}

impl ImportReport {
    /// The report in Russian.
    pub fn text_ru(&self) -> String {
        let mut s = format!("Форма: {}\nSHA-256: {}\n", self.file.display(), self.sha256);
        s.push_str(&format!("Редакция: {}", self.edition));
        if let Some(p) = self.period {
            s.push_str(&format!(", период {p}"));
        }
        s.push('\n');
        s.push_str(&format!("Лист «{BODIES}»: органов {}\n", self.bodies));
        for (sheet, n) in &self.rows {
            s.push_str(&format!("Лист «{sheet}»: строк {n}\n"));
        }
        if !self.notices.is_empty() {
            s.push_str(&format!(
                "Замечания ({}): значения записаны и не учитываются\n",
                self.notices.len()
            ));
            for n in &self.notices {
                s.push_str(&format!("  {n}\n"));
            }
        }
        match &self.written {
            Some(dir) => s.push_str(&format!(
                "Ошибок нет. Набор данных записан в {}.\n",
                dir.display()
            )),
            None => s.push_str("Ошибок нет. Пробный запуск (--dry-run): ничего не записано.\n"),
        }
        s.push_str(
            "SHA-256 файла — ключ для будущего хранилища цикла оценки: повторная загрузка того же файла не создаст новой версии.\n",
        );
        s
    }
}

/// `bagalau import`: reads the form, checks it, and (unless `dry_run`) writes the dataset.
pub fn import(
    ed: &Edition,
    form: &Path,
    out: &Path,
    dry_run: bool,
) -> Result<ImportReport, IngestError> {
    let bytes = std::fs::read(form).map_err(io("чтение", form))?;
    let data = read_form(ed, form, &bytes)?;
    if dry_run {
        check_target(out)?;
    } else {
        write_dataset(ed, &data, out)?;
    }
    let layout = Layout::of(ed);
    let rows = layout
        .sheets
        .iter()
        .filter_map(|s| match s.kind {
            SheetKind::Table(t) => Some((
                s.name.clone(),
                data.dataset.bodies.iter().map(|b| b.tables[t].len()).sum(),
            )),
            SheetKind::Bodies => None,
        })
        .collect();
    Ok(ImportReport {
        file: form.to_path_buf(),
        sha256: data.sha256,
        edition: data.edition,
        period: data.period,
        bodies: data.dataset.bodies.len(),
        rows,
        written: (!dry_run).then(|| out.to_path_buf()),
        notices: data.notices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_become_their_shortest_decimal() {
        assert_eq!(float_decimal(0.1).ok(), Decimal::from_str("0.1").ok());
        assert_eq!(float_decimal(8.2).ok(), Decimal::from_str("8.2").ok());
        assert_eq!(
            float_decimal(0.1 + 0.2).ok(),
            Decimal::from_str("0.30000000000000004").ok()
        );
        assert_eq!(float_decimal(5.0).ok(), Decimal::from_str("5").ok());
        assert_eq!(
            float_decimal(190_800_000.0).ok(),
            Decimal::from_str("190800000").ok()
        );
        assert_eq!(
            float_decimal(123456789.123456).ok(),
            Decimal::from_str("123456789.123456").ok()
        );
        assert!(float_decimal(f64::NAN).is_err());
        assert!(float_decimal(f64::INFINITY).is_err());
        assert!(float_decimal(1e300).is_err());
        assert!(float_decimal(1e-30).is_err());
    }

    #[test]
    fn text_cells_accept_a_decimal_comma() {
        let input = Input {
            code: "x".into(),
            name: "x".into(),
            table: None,
            ty: InputType::Number,
            unit: None,
            min: Some(Decimal::ZERO),
            max: Some(Decimal::ONE),
            optional: false,
            applies: Default::default(),
            true_for: None,
            notice_inapplicable: false,
            cite: bagalau_methodology::Citation {
                reference: String::new(),
                status: bagalau_methodology::Status::Verbatim,
                note: None,
                quote: None,
                location: bagalau_methodology::Location {
                    file: PathBuf::new(),
                    line: 0,
                    column: 0,
                },
            },
        };
        let d = |s: &str| Some(Value::Num(Decimal::from_str(s).unwrap_or_default()));
        assert_eq!(input_value(&input, &Cell::Str("0,8".into())), Ok(d("0.8")));
        assert_eq!(
            input_value(&input, &Cell::Str(" 0.8 ".into())),
            Ok(d("0.8"))
        );
        assert_eq!(input_value(&input, &Cell::Float(0.8)), Ok(d("0.8")));
        assert_eq!(input_value(&input, &Cell::Str("".into())), Ok(None));
        assert_eq!(
            input_value(&input, &Cell::Str("много".into())),
            Err(Reason::NotANumber("много".into()))
        );
        assert!(matches!(
            input_value(&input, &Cell::Float(1.5)),
            Err(Reason::OutOfRange { .. })
        ));
        assert!(matches!(
            input_value(&input, &Cell::Date("45000".into())),
            Err(Reason::DateCell(_))
        ));
        let b = Input {
            ty: InputType::Bool,
            ..input
        };
        assert_eq!(
            input_value(&b, &Cell::Str("Да".into())),
            Ok(Some(Value::Bool(true)))
        );
        assert_eq!(
            input_value(&b, &Cell::Str("нет".into())),
            Ok(Some(Value::Bool(false)))
        );
        assert_eq!(
            input_value(&b, &Cell::Str("true".into())),
            Err(Reason::NotYesNo("true".into()))
        );
    }
}
