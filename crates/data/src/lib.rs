//! The input data formats (see docs/DATA-FORMAT.md): a dataset folder with `bodies.csv` and one
//! CSV per table of the edition (e.g. `services.csv`), or a single `data.json`; and the
//! published-scores CSV of `bagalau rating`.
//!
//! Every bad cell is reported with its file, row and column; nothing is returned unless the
//! whole dataset is valid.

mod identity;
pub mod rating;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use bagalau_engine::{BodyData, Dataset, Row, Value};
use bagalau_methodology::{parse_decimal, Edition, Group, Input, InputType};
use rust_decimal::Decimal;

/// One problem in the input data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: PathBuf,
    /// 1-based line of the file (the header is line 1); 0 when the whole file is concerned.
    pub row: usize,
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
            write!(f, ", столбец «{c}»")?;
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
    /// Values recorded and ignored (not refused), e.g. a local body's NGO meetings (2023).
    pub notices: Vec<Issue>,
}

struct Collector<'e> {
    issues: Vec<Issue>,
    notices: Vec<Issue>,
    ed: &'e Edition,
}

impl Collector<'_> {
    /// Parses one cell and checks that it is present exactly when the input applies to the body.
    #[allow(clippy::too_many_arguments)]
    fn cell(
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

    fn push(&mut self, file: &Path, row: usize, column: Option<&str>, message: impl Into<String>) {
        self.issues.push(Issue {
            file: file.to_path_buf(),
            row,
            column: column.map(str::to_string),
            message: message.into(),
        });
    }
}

/// Parses one cell for an input. `Ok(None)` for an empty cell.
pub fn parse_cell(input: &Input, raw: &str) -> Result<Option<Value>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match input.ty {
        InputType::Bool => match s.to_lowercase().as_str() {
            "true" | "да" | "1" | "yes" => Ok(Some(Value::Bool(true))),
            "false" | "нет" | "0" | "no" => Ok(Some(Value::Bool(false))),
            _ => Err(format!(
                "«{s}» — не логическое значение (ожидается true/false, да/нет)"
            )),
        },
        InputType::Number | InputType::Integer => {
            let d = parse_decimal(s).ok_or_else(|| format!("«{s}» — не число"))?;
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

fn read_meta(dir: &Path, c: &mut Collector<'_>) -> DatasetMeta {
    let path = dir.join("dataset.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => match toml::from_str::<DatasetMeta>(&text) {
            Ok(m) => m,
            Err(e) => {
                let line = e.span().map_or(0, |s| {
                    text[..s.start.min(text.len())].matches('\n').count() + 1
                });
                c.push(&path, line, None, format!("ошибка TOML: {}", e.message()));
                DatasetMeta::default()
            }
        },
        Err(_) => DatasetMeta::default(),
    }
}

/// Loads a dataset folder for an edition: `data.json` if present, otherwise the CSV files.
pub fn load_dataset(ed: &Edition, dir: &Path) -> Result<Loaded, DataError> {
    let mut c = Collector {
        issues: Vec::new(),
        notices: Vec::new(),
        ed,
    };
    let meta = read_meta(dir, &mut c);
    let json = dir.join("data.json");
    let dataset = if json.exists() {
        load_json(ed, &json, &mut c)
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
        })
    } else {
        Err(DataError { issues: c.issues })
    }
}

/// The trimmed text of a named column of a record ("" when the column is absent).
fn column(idx: &HashMap<String, usize>, rec: &csv::StringRecord, name: &str) -> String {
    idx.get(name)
        .and_then(|&i| rec.get(i))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Which columns a CSV holds, by header name.
fn header_index(headers: &csv::StringRecord) -> HashMap<String, usize> {
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_string(), i))
        .collect()
}

fn open_csv(
    path: &Path,
    c: &mut Collector<'_>,
) -> Option<(csv::StringRecord, Vec<(usize, csv::StringRecord)>)> {
    let mut rdr = match csv::ReaderBuilder::new().flexible(false).from_path(path) {
        Ok(r) => r,
        Err(e) => {
            c.push(path, 0, None, format!("не удалось открыть файл: {e}"));
            return None;
        }
    };
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            c.push(
                path,
                1,
                None,
                format!("не удалось прочитать заголовок: {e}"),
            );
            return None;
        }
    };
    let mut rows = Vec::new();
    for rec in rdr.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line() as usize);
                rows.push((line, r));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                c.push(path, line, None, format!("ошибка CSV: {e}"));
            }
        }
    }
    Some((headers, rows))
}

fn check_columns(
    path: &Path,
    idx: &HashMap<String, usize>,
    required: &[&str],
    known: &HashSet<&str>,
    c: &mut Collector<'_>,
) -> bool {
    let mut ok = true;
    for r in required {
        if !idx.contains_key(*r) {
            c.push(path, 1, Some(r), "нет обязательного столбца");
            ok = false;
        }
    }
    let mut cols: Vec<&String> = idx.keys().collect();
    cols.sort();
    for h in cols {
        if !known.contains(h.as_str()) {
            c.push(
                path,
                1,
                Some(h),
                "неизвестный столбец: его нет в словаре данных редакции (bagalau edition describe)",
            );
        }
    }
    ok
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

fn load_csv(ed: &Edition, dir: &Path, c: &mut Collector<'_>) -> Dataset {
    let bodies_path = dir.join("bodies.csv");
    let mut bodies: Vec<BodyData> = Vec::new();
    let body_inputs: Vec<usize> = (0..ed.inputs.len())
        .filter(|&i| ed.inputs[i].table.is_none())
        .collect();
    if let Some((headers, rows)) = open_csv(&bodies_path, c) {
        let idx = header_index(&headers);
        let mut known: HashSet<&str> = ["id", "name", "kind"].into_iter().collect();
        known.extend(body_inputs.iter().map(|&i| ed.inputs[i].code.as_str()));
        if check_columns(&bodies_path, &idx, &["id", "name", "kind"], &known, c) {
            let mut seen = HashSet::new();
            for (line, rec) in rows {
                let get = |k: &str| column(&idx, &rec, k);
                let id = get("id");
                if id.is_empty() {
                    c.push(
                        &bodies_path,
                        line,
                        Some("id"),
                        "пустой идентификатор органа",
                    );
                    continue;
                }
                if !seen.insert(id.clone()) {
                    c.push(
                        &bodies_path,
                        line,
                        Some("id"),
                        format!("орган «{id}» указан дважды"),
                    );
                    continue;
                }
                let kind = get("kind");
                let Some(group) = Group::from_code(&kind) else {
                    c.push(
                        &bodies_path,
                        line,
                        Some("kind"),
                        format!("«{kind}»: ожидается central или local"),
                    );
                    continue;
                };
                let name = get("name");
                if name.is_empty() {
                    c.push(
                        &bodies_path,
                        line,
                        Some("name"),
                        "пустое наименование органа",
                    );
                } else if let Some((col, m)) = identity::named_body_issue(ed, &id, &name, group) {
                    c.push(&bodies_path, line, Some(col), m);
                }
                let mut values = vec![None; ed.inputs.len()];
                for &i in &body_inputs {
                    let inp = &ed.inputs[i];
                    let raw = idx.get(&inp.code).and_then(|&k| rec.get(k)).unwrap_or("");
                    values[i] = c.cell(inp, raw, group, &id, &bodies_path, line, Some(&inp.code));
                }
                bodies.push(BodyData {
                    id,
                    name,
                    group,
                    values,
                    tables: vec![Vec::new(); ed.tables.len()],
                });
            }
        }
    }
    for (t, table) in ed.tables.iter().enumerate() {
        let path = dir.join(format!("{}.csv", table.code));
        let row_inputs: Vec<usize> = (0..ed.inputs.len())
            .filter(|&i| ed.inputs[i].table == Some(t))
            .collect();
        let Some((headers, rows)) = open_csv(&path, c) else {
            continue;
        };
        let idx = header_index(&headers);
        let mut known: HashSet<&str> = ["body", table.key.as_str(), "name"].into_iter().collect();
        known.extend(row_inputs.iter().map(|&i| ed.inputs[i].code.as_str()));
        if !check_columns(
            &path,
            &idx,
            &["body", table.key.as_str(), "name"],
            &known,
            c,
        ) {
            continue;
        }
        let mut seen = HashSet::new();
        for (line, rec) in rows {
            let get = |k: &str| column(&idx, &rec, k);
            let body_id = get("body");
            let Some(b) = bodies.iter().position(|b| b.id == body_id) else {
                c.push(
                    &path,
                    line,
                    Some("body"),
                    format!("орган «{body_id}» не найден в bodies.csv"),
                );
                continue;
            };
            let key = get(&table.key);
            if key.is_empty() {
                c.push(&path, line, Some(&table.key), "пустой идентификатор строки");
                continue;
            }
            if !seen.insert((body_id.clone(), key.clone())) {
                c.push(
                    &path,
                    line,
                    Some(&table.key),
                    format!("строка «{key}» органа «{body_id}» указана дважды"),
                );
                continue;
            }
            let group = bodies[b].group;
            let mut values = vec![None; ed.inputs.len()];
            for &i in &row_inputs {
                let inp = &ed.inputs[i];
                let raw = idx.get(&inp.code).and_then(|&k| rec.get(k)).unwrap_or("");
                values[i] = c.cell(inp, raw, group, &body_id, &path, line, Some(&inp.code));
            }
            bodies[b].tables[t].push(Row {
                key,
                name: get("name"),
                values,
            });
        }
    }
    Dataset { bodies }
}

/// JSON alternative: `{"bodies": [{"id", "name", "kind", "inputs": {code: value}, "<table>": [{"<key>", "name", code: value}]}]}`.
fn load_json(ed: &Edition, path: &Path, c: &mut Collector<'_>) -> Dataset {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            c.push(path, 0, None, format!("не удалось прочитать файл: {e}"));
            return Dataset { bodies: Vec::new() };
        }
    };
    let root: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            c.push(path, e.line(), None, format!("ошибка JSON: {e}"));
            return Dataset { bodies: Vec::new() };
        }
    };
    let cell = |v: &serde_json::Value| -> String {
        match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    };
    let mut bodies = Vec::new();
    let Some(list) = root.get("bodies").and_then(|b| b.as_array()) else {
        c.push(path, 0, Some("bodies"), "нет массива bodies");
        return Dataset { bodies };
    };
    for (n, jb) in list.iter().enumerate() {
        let at = format!("bodies[{n}]");
        let id = jb.get("id").map(cell).unwrap_or_default();
        let Some(group) = jb
            .get("kind")
            .and_then(|k| k.as_str())
            .and_then(Group::from_code)
        else {
            c.push(
                path,
                0,
                Some(&format!("{at}.kind")),
                "ожидается central или local",
            );
            continue;
        };
        let mut values = vec![None; ed.inputs.len()];
        let inputs = jb.get("inputs").and_then(|i| i.as_object());
        if let Some(obj) = inputs {
            for k in obj.keys() {
                if !ed.inputs.iter().any(|i| &i.code == k && i.table.is_none()) {
                    c.push(
                        path,
                        0,
                        Some(&format!("{at}.inputs.{k}")),
                        "неизвестный показатель",
                    );
                }
            }
        }
        for (i, inp) in ed
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, i)| i.table.is_none())
        {
            let raw = inputs
                .and_then(|o| o.get(&inp.code))
                .map(cell)
                .unwrap_or_default();
            values[i] = c.cell(
                inp,
                &raw,
                group,
                &id,
                path,
                0,
                Some(&format!("{at}.inputs.{}", inp.code)),
            );
        }
        let mut tables = vec![Vec::new(); ed.tables.len()];
        for (t, table) in ed.tables.iter().enumerate() {
            for (r, jr) in jb
                .get(&table.code)
                .and_then(|x| x.as_array())
                .into_iter()
                .flatten()
                .enumerate()
            {
                let rat = format!("{at}.{}[{r}]", table.code);
                let mut rv = vec![None; ed.inputs.len()];
                for (i, inp) in ed
                    .inputs
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.table == Some(t))
                {
                    let raw = jr.get(&inp.code).map(cell).unwrap_or_default();
                    rv[i] = c.cell(
                        inp,
                        &raw,
                        group,
                        &id,
                        path,
                        0,
                        Some(&format!("{rat}.{}", inp.code)),
                    );
                }
                tables[t].push(Row {
                    key: jr
                        .get(&table.key)
                        .map(cell)
                        .unwrap_or_else(|| r.to_string()),
                    name: jr.get("name").map(cell).unwrap_or_default(),
                    values: rv,
                });
            }
        }
        let name = jb.get("name").map(cell).unwrap_or_default();
        if let Some((col, m)) = identity::named_body_issue(ed, &id, &name, group) {
            c.push(path, 0, Some(&format!("{at}.{col}")), m);
        }
        bodies.push(BodyData {
            id,
            name,
            group,
            values,
            tables,
        });
    }
    Dataset { bodies }
}

/// Parses a decimal cell or reports it.
pub(crate) fn decimal_cell(raw: &str) -> Result<Option<Decimal>, String> {
    let s = raw.trim();
    if s.is_empty() || s == "-" {
        return Ok(None);
    }
    parse_decimal(s)
        .map(Some)
        .ok_or_else(|| format!("«{s}» — не число"))
}
