//! The input data formats (see docs/DATA-FORMAT.md): a dataset folder with `bodies.csv` and one
//! CSV per table of the edition (e.g. `services.csv`), or a single `data.json`; and the
//! published-scores CSV of `bagalau rating`.
//!
//! Every bad cell is reported with its file, row and column (in `data.json`: its path, e.g.
//! `bodies[3].id`); nothing is returned unless the whole dataset is valid. Every file goes
//! through the same strict reader ([`read`]); one real problem gives one message (rows of a
//! refused body are not reported again as rows of an unknown body).

mod identity;
pub mod json;
pub mod rating;
pub mod read;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use bagalau_engine::{BodyData, Dataset, Row, Value};
use bagalau_methodology::checks::CheckValue;
use bagalau_methodology::{Edition, Group, Input, InputType};
use rust_decimal::Decimal;

/// One problem in the input data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: PathBuf,
    /// 1-based line of the file (the header is line 1); 0 when the whole file is concerned.
    pub row: usize,
    /// The column (CSV) or the path of the value (JSON, e.g. `bodies[3].id`).
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.row > 0 {
            write!(f, ", строка {}", self.row)?;
        }
        if let Some(c) = &self.column {
            if self.file.extension().is_some_and(|e| e == "json") {
                write!(f, ", поле «{c}»")?;
            } else {
                write!(f, ", столбец «{c}»")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("ошибки во входных данных ({}):\n{}", .issues.len(), .issues.iter().map(|i| format!("  {i}")).collect::<Vec<_>>().join("\n"))]
pub struct DataError {
    pub issues: Vec<Issue>,
}

/// Optional description of a dataset (`dataset.toml`).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetMeta {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub period: Option<u16>,
    #[serde(default)]
    pub edition: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// A loaded dataset with its description.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub meta: DatasetMeta,
    pub dataset: Dataset,
    /// The forms of each body's name the documents need, by body id (optional data).
    pub names: BTreeMap<String, BodyNames>,
    /// Values recorded and ignored (not refused), e.g. a local body's NGO meetings (2023).
    pub notices: Vec<Issue>,
}

pub(crate) struct Collector<'e> {
    pub(crate) issues: Vec<Issue>,
    pub(crate) notices: Vec<Issue>,
    pub(crate) ed: &'e Edition,
    pub(crate) names: BTreeMap<String, BodyNames>,
}

/// Columns of `bodies.csv` (keys of a body in `data.json`) giving the forms of a body's name the
/// documents need; all optional.
pub const NAME_COLUMNS: [&str; 3] = ["full_name", "name_genitive", "short_name"];

/// The forms of a body's name as the law writes them (optional; documents fall back to `name`):
/// the full official name, the genitive («Акимата Карагандинской области») and the short name
/// («МИД»).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyNames {
    pub full: Option<String>,
    pub genitive: Option<String>,
    pub short: Option<String>,
}

impl BodyNames {
    /// From the three optional cells (`NAME_COLUMNS` order); empty cells are absent.
    pub(crate) fn from_cells(full: &str, genitive: &str, short: &str) -> BodyNames {
        let some = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_string())
        };
        BodyNames {
            full: some(full),
            genitive: some(genitive),
            short: some(short),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.full.is_none() && self.genitive.is_none() && self.short.is_none()
    }
}

impl Collector<'_> {
    /// Parses one cell and checks that it is present exactly when the input applies to the body.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn cell(
        &mut self,
        input: &Input,
        raw: &str,
        group: Group,
        body_id: &str,
        file: &Path,
        row: usize,
        column: Option<&str>,
    ) -> Option<Value> {
        match parse_cell(input, raw) {
            Ok(v) => {
                if v.is_some()
                    && input.notice_inapplicable
                    && !input.applies.applies(group, body_id)
                {
                    let m = identity::ignored_notice(input, group, body_id, raw);
                    self.notices.push(Issue {
                        file: file.to_path_buf(),
                        row,
                        column: column.map(str::to_string),
                        message: m,
                    });
                    return None;
                }
                let v = match identity::fixed_value(self.ed, input, group, body_id, v) {
                    Ok(v) => v,
                    Err(m) => {
                        self.push(file, row, column, m);
                        return None;
                    }
                };
                if let Some(m) = required_missing(input, group, body_id, &v) {
                    self.push(file, row, column, m);
                }
                v
            }
            Err(m) => {
                self.push(file, row, column, m);
                None
            }
        }
    }

    pub(crate) fn push(
        &mut self,
        file: &Path,
        row: usize,
        column: Option<&str>,
        message: impl Into<String>,
    ) {
        self.issues.push(Issue {
            file: file.to_path_buf(),
            row,
            column: column.map(str::to_string),
            message: message.into(),
        });
    }
}

/// Parses one cell for an input. `Ok(None)` for an empty cell. Numbers are exact (see
/// [`read::parse_number`]: at most 28 significant digits, magnitude at most 10^15).
pub fn parse_cell(input: &Input, raw: &str) -> Result<Option<Value>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match input.ty {
        InputType::Bool => match s {
            "true" | "да" | "1" | "yes" | "TRUE" | "Да" | "ДА" => Ok(Some(Value::Bool(true))),
            "false" | "нет" | "0" | "no" | "FALSE" | "Нет" | "НЕТ" => {
                Ok(Some(Value::Bool(false)))
            }
            _ => parse_bool_lowercase(s),
        },
        InputType::Number | InputType::Integer => {
            let d = read::parse_number(s)?;
            if input.ty == InputType::Integer && !d.fract().is_zero() {
                return Err(format!("«{s}» — ожидается целое число"));
            }
            if let Some(min) = input.min {
                if d < min {
                    return Err(format!(
                        "{} меньше допустимого минимума {}",
                        d.normalize(),
                        min.normalize()
                    ));
                }
            }
            if let Some(max) = input.max {
                if d > max {
                    return Err(format!(
                        "{} больше допустимого максимума {}",
                        d.normalize(),
                        max.normalize()
                    ));
                }
            }
            Ok(Some(Value::Num(d)))
        }
    }
}

/// A boolean cell in any letter case (allocates: only for the unusual spellings).
fn parse_bool_lowercase(s: &str) -> Result<Option<Value>, String> {
    match s.to_lowercase().as_str() {
        "true" | "да" | "1" | "yes" => Ok(Some(Value::Bool(true))),
        "false" | "нет" | "0" | "no" => Ok(Some(Value::Bool(false))),
        _ => Err(format!(
            "«{s}» — не логическое значение (ожидается true/false, да/нет)"
        )),
    }
}

fn read_meta(dir: &Path, c: &mut Collector<'_>) -> DatasetMeta {
    let path = dir.join("dataset.toml");
    if !path.exists() {
        return DatasetMeta::default();
    }
    let text = match read::read_bytes(&path).and_then(|b| read::decode(b, &path)) {
        Ok(t) => t,
        Err(i) => {
            c.issues.push(i);
            return DatasetMeta::default();
        }
    };
    match toml::from_str::<DatasetMeta>(&text) {
        Ok(m) => m,
        Err(e) => {
            let line = e.span().map_or(0, |s| {
                let mut at = s.start.min(text.len());
                while at > 0 && !text.is_char_boundary(at) {
                    at -= 1;
                }
                text[..at].matches('\n').count() + 1
            });
            c.push(
                &path,
                line,
                None,
                bagalau_methodology::toml_message(e.message()),
            );
            DatasetMeta::default()
        }
    }
}

/// Loads a dataset folder for an edition: `data.json` if present, otherwise the CSV files.
pub fn load_dataset(ed: &Edition, dir: &Path) -> Result<Loaded, DataError> {
    let mut c = Collector {
        issues: Vec::new(),
        notices: Vec::new(),
        ed,
        names: BTreeMap::new(),
    };
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            c.push(dir, 0, None, "это не папка: укажите папку с данными");
            return Err(DataError { issues: c.issues });
        }
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "папка не найдена".to_string(),
                _ => read::io_message(&e),
            };
            c.push(dir, 0, None, format!("папка данных недоступна: {why}"));
            return Err(DataError { issues: c.issues });
        }
    }
    let meta = read_meta(dir, &mut c);
    let json = dir.join("data.json");
    let dataset = if json.exists() {
        if dir.join("bodies.csv").exists() {
            c.push(
                dir,
                0,
                None,
                "в папке и data.json, и bodies.csv: оставьте данные в одном формате",
            );
            Dataset { bodies: Vec::new() }
        } else {
            json::load_json(ed, &json, &mut c)
        }
    } else {
        load_csv(ed, dir, &mut c)
    };
    if let (Some(want), true) = (&meta.edition, c.issues.is_empty()) {
        if want != &ed.id {
            c.push(
                &dir.join("dataset.toml"),
                0,
                Some("edition"),
                format!(
                    "данные подготовлены для редакции «{want}», а выбрана «{}»",
                    ed.id
                ),
            );
        }
    }
    if let Some(p) = meta.period {
        if !ed.validity.periods.contains(&p) {
            c.push(
                &dir.join("dataset.toml"),
                0,
                Some("period"),
                format!(
                    "редакция «{}» не охватывает период {p} (охватывает: {})",
                    ed.id,
                    ed.validity
                        .periods
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    if c.issues.is_empty() {
        Ok(Loaded {
            meta,
            dataset,
            notices: c.notices,
            names: c.names,
        })
    } else {
        Err(DataError { issues: c.issues })
    }
}

/// Validates the value set of one body or row: required inputs present for the body's kind.
fn required_missing(
    input: &Input,
    group: Group,
    body_id: &str,
    v: &Option<Value>,
) -> Option<String> {
    let applies = input.applies.applies(group, body_id);
    match (v, applies, input.optional) {
        (None, true, false) => Some("нет значения обязательного показателя".into()),
        (Some(_), false, _) => Some(format!(
            "показатель не применяется к органу ({}) — оставьте ячейку пустой",
            input.applies.describe_ru()
        )),
        _ => None,
    }
}

/// Where a body's or a row's values were written: a line of a CSV file (the column is the
/// input's code) or an object of `data.json` (the column is the value's path).
#[derive(Debug, Clone)]
pub(crate) enum Place {
    /// `file` is shared by every row of the file (one allocation per file, not per row).
    Csv {
        file: Rc<Path>,
        line: usize,
    },
    Json {
        file: Rc<Path>,
        path: String,
    },
}

impl Place {
    fn report(&self, c: &mut Collector<'_>, code: &str, message: String) {
        match self {
            Place::Csv { file, line } => c.push(file, *line, Some(code), message),
            Place::Json { file, path } => c.push(file, 0, Some(&format!("{path}.{code}")), message),
        }
    }
}

/// Where each body (`body`) and each of its rows (`rows[table]`) was written.
#[derive(Debug, Clone)]
pub(crate) struct Places {
    pub(crate) body: Place,
    pub(crate) rows: Vec<RowPlaces>,
}

/// Where the rows of one table of one body were written: a line each in the table's CSV file
/// (one word per row, the file shared), or a JSON path each.
#[derive(Debug, Clone)]
pub(crate) enum RowPlaces {
    Csv { file: Rc<Path>, lines: Vec<usize> },
    Json { file: Rc<Path>, paths: Vec<String> },
}

impl RowPlaces {
    fn report(&self, r: usize, c: &mut Collector<'_>, code: &str, message: String) {
        match self {
            RowPlaces::Csv { file, lines } => c.push(
                file,
                lines.get(r).copied().unwrap_or(0),
                Some(code),
                message,
            ),
            RowPlaces::Json { file, paths } => {
                let at = paths.get(r).map_or("", String::as_str);
                c.push(file, 0, Some(&format!("{at}.{code}")), message)
            }
        }
    }
}

/// A fast hash for the reader's maps (row keys, names and body ids of one dataset; the
/// multiply-rotate of rustc's `FxHasher`, then mixed): a hostile file could make it slow, never
/// wrong.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    /// Mixed (SplitMix64's finaliser): the table takes its bucket from the low bits, which
    /// the multiply-rotate alone leaves poorly spread.
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

/// One shared copy of each distinct row key and row name of a dataset (the same service
/// appears in the rows of many bodies), with a number per distinct text.
#[derive(Default)]
pub(crate) struct Interner {
    map: FastMap<Arc<str>, usize>,
    /// The name last given with each key (by the key's number): rows of one key usually have
    /// one name, which is then found without a second lookup.
    names: Vec<Option<Arc<str>>>,
}

impl Interner {
    /// The shared copy of a row's name, given the number of its key.
    pub(crate) fn name(&mut self, key: usize, name: &str) -> Arc<str> {
        if let Some(Some(last)) = self.names.get(key) {
            if **last == *name {
                return Arc::clone(last);
            }
        }
        let (shared, _) = self.get(name);
        if self.names.len() <= key {
            self.names.resize(key + 1, None);
        }
        self.names[key] = Some(Arc::clone(&shared));
        shared
    }

    pub(crate) fn get(&mut self, s: &str) -> (Arc<str>, usize) {
        if let Some((k, &id)) = self.map.get_key_value(s) {
            return (Arc::clone(k), id);
        }
        let k: Arc<str> = Arc::from(s);
        let id = self.map.len();
        self.map.insert(Arc::clone(&k), id);
        (k, id)
    }
}

fn check_value(v: &Option<Value>) -> Option<CheckValue> {
    match v {
        Some(Value::Num(d)) => Some(CheckValue::Num(*d)),
        Some(Value::Bool(b)) => Some(CheckValue::Bool(*b)),
        None => None,
    }
}

/// The edition's cross-field rules (`checks.toml`) on every body and row.
pub(crate) fn apply_checks(ed: &Edition, data: &Dataset, places: &[Places], c: &mut Collector<'_>) {
    let slots = bagalau_engine::eval::table_slots(ed);
    for (b, body) in data.bodies.iter().enumerate() {
        let Some(pl) = places.get(b) else { continue };
        for check in &ed.checks {
            let column = check
                .inputs
                .first()
                .map_or("", |&i| ed.inputs[i].code.as_str());
            let verdict = |value: &dyn Fn(usize) -> Option<CheckValue>| {
                let res = check.holds(body.group, &ed.parameters, &ed.inputs, value);
                match res {
                    Ok(Some(true)) | Ok(None) => None,
                    Ok(Some(false)) => Some(format!(
                        "{} (правило редакции «{}», {})",
                        check.message, check.rule, check.reference
                    )),
                    Err(e) => Some(format!("{e} (правило редакции «{}»)", check.rule)),
                }
            };
            match check.table {
                None => {
                    if let Some(m) = verdict(&|i| check_value(&body.values[i])) {
                        pl.body.report(c, column, m);
                    }
                }
                Some(t) => {
                    let (Some(rows), Some(at)) = (body.tables.get(t), pl.rows.get(t)) else {
                        continue;
                    };
                    for (r, row) in rows.iter().enumerate() {
                        let value = |i: usize| {
                            if ed.inputs[i].table == Some(t) {
                                check_value(&row.value(ed, &slots, i))
                            } else {
                                check_value(&body.values[i])
                            }
                        };
                        if let Some(m) = verdict(&value) {
                            at.report(r, c, column, m);
                        }
                    }
                }
            }
        }
    }
}

/// Input columns absent from a CSV header: reported once each, with the number of rows that
/// needed a value (instead of one «нет значения» per row).
#[derive(Default)]
struct AbsentColumns {
    /// (input, rows that need it), in order of first need.
    needed: Vec<(usize, usize)>,
}

impl AbsentColumns {
    fn need(&mut self, i: usize, input: &Input, group: Group, body_id: &str) {
        if required_missing(input, group, body_id, &None).is_none() {
            return;
        }
        match self.needed.iter_mut().find(|(k, _)| *k == i) {
            Some((_, n)) => *n += 1,
            None => self.needed.push((i, 1)),
        }
    }

    fn report(&self, ed: &Edition, file: &Path, c: &mut Collector) {
        for &(i, n) in &self.needed {
            c.push(
                file,
                1,
                Some(&ed.inputs[i].code),
                format!("нет столбца обязательного показателя (нужен в строках: {n})"),
            );
        }
    }
}

/// The columns of a table file: of each input of the table (slot order), and of the body, the
/// row key and the name.
type TableColumns = (Vec<Option<usize>>, [Option<usize>; 3]);

const UNKNOWN_COLUMN_HINT: &str = ": его нет в словаре данных редакции (bagalau edition describe)";

fn load_csv(ed: &Edition, dir: &Path, c: &mut Collector<'_>) -> Dataset {
    let bodies_path = dir.join("bodies.csv");
    let bodies_file: Rc<Path> = Rc::from(bodies_path.as_path());
    let mut bodies: Vec<BodyData> = Vec::new();
    let mut places: Vec<Places> = Vec::new();
    // Ids written in bodies.csv whose row was refused: their rows elsewhere are not reported
    // again (one message per real problem).
    let mut refused: HashSet<String> = HashSet::new();
    let mut bodies_read = false;
    // A row of bodies.csv unreadable as CSV: its id is unknown, so rows elsewhere naming an
    // unknown body may be that one's — not reported until bodies.csv reads cleanly.
    let mut bodies_unreadable_rows = false;
    let body_inputs: Vec<usize> = (0..ed.inputs.len())
        .filter(|&i| ed.inputs[i].table.is_none())
        .collect();
    let table_files: Vec<Rc<Path>> = ed
        .tables
        .iter()
        .map(|t| Rc::from(dir.join(format!("{}.csv", t.code)).as_path()))
        .collect();
    match read::read_csv(&bodies_path) {
        Err(issues) => c.issues.extend(issues),
        Ok((f, row_issues)) => {
            bodies_unreadable_rows = !row_issues.is_empty();
            c.issues.extend(row_issues);
            let mut known: HashSet<&str> = ["id", "name", "kind"].into_iter().collect();
            known.extend(NAME_COLUMNS);
            known.extend(body_inputs.iter().map(|&i| ed.inputs[i].code.as_str()));
            if f.check_columns(
                &["id", "name", "kind"],
                &|h| known.contains(h),
                UNKNOWN_COLUMN_HINT,
                &mut c.issues,
            ) {
                bodies_read = true;
                let mut absent = AbsentColumns::default();
                let mut seen: HashMap<String, usize> = HashMap::new();
                for rec in &f.rows {
                    let line = rec.line;
                    let id = f.get(rec, "id").to_string();
                    if id.is_empty() {
                        c.push(
                            &bodies_path,
                            line,
                            Some("id"),
                            "пустой идентификатор органа",
                        );
                        continue;
                    }
                    if let Some(first) = seen.get(&id) {
                        c.push(
                            &bodies_path,
                            line,
                            Some("id"),
                            format!("орган «{id}» указан дважды (впервые — в строке {first})"),
                        );
                        continue;
                    }
                    seen.insert(id.clone(), line);
                    let kind = f.get(rec, "kind");
                    let Some(group) = Group::from_code(kind) else {
                        c.push(
                            &bodies_path,
                            line,
                            Some("kind"),
                            format!("«{kind}»: ожидается central или local"),
                        );
                        refused.insert(id);
                        continue;
                    };
                    let name = f.get(rec, "name").to_string();
                    if name.is_empty() {
                        c.push(
                            &bodies_path,
                            line,
                            Some("name"),
                            "пустое наименование органа",
                        );
                    } else if let Some((col, m)) = identity::named_body_issue(ed, &id, &name, group)
                    {
                        c.push(&bodies_path, line, Some(col), m);
                    }
                    let names = BodyNames::from_cells(
                        f.get(rec, NAME_COLUMNS[0]),
                        f.get(rec, NAME_COLUMNS[1]),
                        f.get(rec, NAME_COLUMNS[2]),
                    );
                    if !names.is_empty() {
                        c.names.insert(id.clone(), names);
                    }
                    let mut values = vec![None; ed.inputs.len()];
                    for &i in &body_inputs {
                        let inp = &ed.inputs[i];
                        if f.col(&inp.code).is_none() {
                            // A value the edition decides by identity needs no column.
                            match identity::fixed_value(ed, inp, group, &id, None) {
                                Ok(Some(v)) => values[i] = Some(v),
                                _ => absent.need(i, inp, group, &id),
                            }
                            continue;
                        }
                        let raw = f.get(rec, &inp.code);
                        values[i] =
                            c.cell(inp, raw, group, &id, &bodies_path, line, Some(&inp.code));
                    }
                    bodies.push(BodyData {
                        id,
                        name,
                        group,
                        values,
                        tables: vec![Vec::new(); ed.tables.len()],
                    });
                    places.push(Places {
                        body: Place::Csv {
                            file: Rc::clone(&bodies_file),
                            line,
                        },
                        rows: table_files
                            .iter()
                            .map(|file| RowPlaces::Csv {
                                file: Rc::clone(file),
                                lines: Vec::new(),
                            })
                            .collect(),
                    });
                }
                absent.report(ed, &bodies_path, c);
            }
        }
    }
    let index: FastMap<String, usize> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| (b.id.clone(), i))
        .collect();
    let mut interner = Interner::default();
    for (t, table) in ed.tables.iter().enumerate() {
        let file = Rc::clone(&table_files[t]);
        let path: &Path = &file;
        let row_inputs: Vec<usize> = (0..ed.inputs.len())
            .filter(|&i| ed.inputs[i].table == Some(t))
            .collect();
        let mut known: HashSet<&str> = ["body", table.key.as_str(), "name"].into_iter().collect();
        known.extend(row_inputs.iter().map(|&i| ed.inputs[i].code.as_str()));
        // Problems of the file's structure and header come first, as if the file had been read
        // whole before its rows (the rows are read one by one, never all held at once).
        let mark = c.issues.len();
        let mut header_issues = Vec::new();
        let mut absent = AbsentColumns::default();
        // The column of every input of the table (slot order) and of body, key and name, found
        // once at the first row.
        let mut cols: Option<TableColumns> = None;
        // For every body, its row keys (numbers from the interner) → line.
        let mut seen: Vec<FastMap<usize, usize>> =
            bodies.iter().map(|_| FastMap::default()).collect();
        // Unknown bodies: reported once each, at their first row, with the number of rows.
        let mut unknown: Vec<(String, usize, usize)> = Vec::new();
        let mut unknown_at: HashMap<String, usize> = HashMap::new();
        let mut values: Vec<Option<Value>> = vec![None; row_inputs.len()];
        let mut at_position: Vec<Option<(Arc<str>, usize)>> = Vec::new();
        let read = read::read_csv_each(
            path,
            &mut |f| {
                f.check_columns(
                    &["body", table.key.as_str(), "name"],
                    &|h| known.contains(h),
                    UNKNOWN_COLUMN_HINT,
                    &mut header_issues,
                ) && bodies_read
                // Without the bodies, every row would be reported as of an unknown body.
            },
            &mut |f, rec| {
                let (cols, [body_col, key_col, name_col]) = cols.get_or_insert_with(|| {
                    (
                        row_inputs
                            .iter()
                            .map(|&i| f.col(&ed.inputs[i].code))
                            .collect(),
                        [f.col("body"), f.col(&table.key), f.col("name")],
                    )
                });
                let cell =
                    |col: &Option<usize>| col.and_then(|k| rec.cell(k)).map_or("", str::trim);
                let line = rec.line;
                let body_id = cell(body_col);
                if body_id.is_empty() {
                    c.push(path, line, Some("body"), "пустой идентификатор органа");
                    return;
                }
                let Some(&b) = index.get(body_id) else {
                    if !refused.contains(body_id) && !bodies_unreadable_rows {
                        match unknown_at.get(body_id).and_then(|&u| unknown.get_mut(u)) {
                            Some(u) => u.2 += 1,
                            None => {
                                unknown_at.insert(body_id.to_string(), unknown.len());
                                unknown.push((body_id.to_string(), line, 1));
                            }
                        }
                    }
                    return;
                };
                let key = cell(key_col);
                if key.is_empty() {
                    c.push(path, line, Some(&table.key), "пустой идентификатор строки");
                    return;
                }
                let Some(seen) = seen.get_mut(b) else {
                    return;
                };
                // Bodies usually list their rows in one order (the services' register): the key
                // at this position in the last body that had one is tried before the interner.
                let pos = bodies[b].tables[t].len();
                let (key, key_id) = match at_position.get(pos) {
                    Some(Some((k, id))) if **k == *key => (Arc::clone(k), *id),
                    _ => {
                        let got = interner.get(key);
                        if at_position.len() <= pos {
                            at_position.resize(pos + 1, None);
                        }
                        at_position[pos] = Some((Arc::clone(&got.0), got.1));
                        got
                    }
                };
                if let Some(first) = seen.get(&key_id) {
                    c.push(
                        path,
                        line,
                        Some(&table.key),
                        format!(
                            "строка «{key}» органа «{body_id}» указана дважды (впервые — в строке {first})"
                        ),
                    );
                    return;
                }
                seen.insert(key_id, line);
                let group = bodies[b].group;
                // Sized to the table (`bagalau_engine::eval::table_slots`): slot `k` is
                // `row_inputs[k]`.
                for ((slot, &i), col) in values.iter_mut().zip(&row_inputs).zip(cols.iter()) {
                    let inp = &ed.inputs[i];
                    *slot = None;
                    match col {
                        None => match identity::fixed_value(ed, inp, group, body_id, None) {
                            Ok(Some(v)) => *slot = Some(v),
                            _ => absent.need(i, inp, group, body_id),
                        },
                        Some(col) => {
                            let raw = rec.cell(*col).map_or("", str::trim);
                            *slot = c.cell(inp, raw, group, body_id, path, line, Some(&inp.code));
                        }
                    }
                }
                let name = interner.name(key_id, cell(name_col));
                bodies[b].tables[t].push(Row::new(key, name, &values));
                if let Some(RowPlaces::Csv { lines, .. }) = places[b].rows.get_mut(t) {
                    lines.push(line);
                }
            },
        );
        match read {
            Err(issues) => {
                c.issues.extend(issues);
                continue;
            }
            Ok(row_issues) => {
                let first: Vec<Issue> = row_issues.into_iter().chain(header_issues).collect();
                c.issues.splice(mark..mark, first);
            }
        }
        absent.report(ed, path, c);
        for (id, line, n) in unknown {
            let more = if n > 1 {
                format!(" (строк с этим органом: {n})")
            } else {
                String::new()
            };
            c.push(
                path,
                line,
                Some("body"),
                format!("орган «{id}» не найден в bodies.csv{more}"),
            );
        }
    }
    if bodies_read && bodies.is_empty() && refused.is_empty() && c.issues.is_empty() {
        c.push(&bodies_path, 0, None, "нет ни одного органа");
    }
    let data = Dataset { bodies };
    apply_checks(ed, &data, &places, c);
    data
}

/// Parses a decimal cell or reports it.
pub(crate) fn decimal_cell(raw: &str) -> Result<Option<Decimal>, String> {
    let s = raw.trim();
    if s.is_empty() || s == "-" {
        return Ok(None);
    }
    read::parse_number(s).map(Some)
}
