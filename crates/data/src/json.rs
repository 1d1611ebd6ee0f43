//! `data.json`: `{"bodies": [{"id", "name", "kind", "inputs": {code: value},
//! "<table>": [{"<key>", "name", code: value}]}]}` — read as strictly as the CSV form: unknown
//! keys, duplicate keys, duplicate or empty ids and row keys are refused with the path of the
//! value (e.g. `bodies[3].id`), and numbers are read exactly as written (never through `f64`).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::rc::Rc;

use bagalau_engine::{BodyData, Dataset, Row};
use bagalau_methodology::{Edition, Group};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as J;

use crate::{apply_checks, read, Collector, Interner, Place, Places, RowPlaces};

/// Collects the paths of keys that occur twice in one JSON object (`serde_json::Value` would
/// keep the last silently).
struct Duplicates<'a> {
    path: String,
    found: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Duplicates<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Duplicates<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("значение JSON")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(Duplicates {
                path: format!("{}[{i}]", self.path),
                found: &mut *self.found,
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = HashSet::new();
        while let Some(k) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                k.clone()
            } else {
                format!("{}.{k}", self.path)
            };
            if !keys.insert(k) {
                self.found.push(path.clone());
            }
            map.next_value_seed(Duplicates {
                path,
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }
}

/// A serde_json error in Russian, with its line.
fn json_error(e: &serde_json::Error) -> (usize, String) {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "файл оборвался: не закрыта скобка или кавычка".to_string(),
        Category::Syntax => "синтаксическая ошибка JSON".to_string(),
        Category::Data => "недопустимое значение JSON".to_string(),
        Category::Io => "ошибка чтения".to_string(),
    };
    (
        e.line(),
        format!("{what} (позиция {} в строке)", e.column()),
    )
}

/// The text of a scalar value as written (`None` for arrays and objects).
fn scalar(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.clone()),
        J::Null => Some(String::new()),
        J::Bool(b) => Some(b.to_string()),
        // With `arbitrary_precision`, the literal exactly as written.
        J::Number(n) => Some(n.to_string()),
        J::Array(_) | J::Object(_) => None,
    }
}

fn kind_ru(v: &J) -> &'static str {
    match v {
        J::String(_) => "строка",
        J::Null => "null",
        J::Bool(_) => "логическое значение",
        J::Number(_) => "число",
        J::Array(_) => "массив",
        J::Object(_) => "объект",
    }
}

/// Loads `data.json` (see the module documentation).
pub(crate) fn load_json(ed: &Edition, path: &Path, c: &mut Collector<'_>) -> Dataset {
    let file: Rc<Path> = Rc::from(path);
    let empty = Dataset { bodies: Vec::new() };
    let text = match read::read_bytes(path).and_then(|b| read::decode(b, path)) {
        Ok(t) => t,
        Err(i) => {
            c.issues.push(i);
            return empty;
        }
    };
    let mut dups = Vec::new();
    let mut de = serde_json::Deserializer::from_str(&text);
    if let Err(e) = (Duplicates {
        path: String::new(),
        found: &mut dups,
    })
    .deserialize(&mut de)
    .and_then(|()| de.end())
    {
        let (line, m) = json_error(&e);
        c.push(path, line, None, m);
        return empty;
    }
    if !dups.is_empty() {
        for d in dups {
            c.push(path, 0, Some(&d), "ключ указан в объекте дважды");
        }
        return empty;
    }
    let root: J = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            let (line, m) = json_error(&e);
            c.push(path, line, None, m);
            return empty;
        }
    };
    let Some(obj) = root.as_object() else {
        c.push(path, 1, None, "ожидается объект {\"bodies\": [...]}");
        return empty;
    };
    for k in obj.keys().filter(|k| *k != "bodies") {
        c.push(path, 0, Some(k), "неизвестный ключ; допустимый: bodies");
    }
    let Some(list) = obj.get("bodies").and_then(J::as_array) else {
        c.push(path, 0, Some("bodies"), "нет массива bodies");
        return empty;
    };
    if list.is_empty() {
        c.push(path, 0, Some("bodies"), "нет ни одного органа");
        return empty;
    }
    let body_keys: Vec<&str> = ["id", "name", "kind", "inputs"]
        .into_iter()
        .chain(crate::NAME_COLUMNS)
        .chain(ed.tables.iter().map(|t| t.code.as_str()))
        .collect();
    let mut bodies = Vec::new();
    let mut interner = Interner::default();
    let mut places = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (n, jb) in list.iter().enumerate() {
        let at = format!("bodies[{n}]");
        let Some(jobj) = jb.as_object() else {
            c.push(
                path,
                0,
                Some(&at),
                format!("ожидается объект органа, а не {}", kind_ru(jb)),
            );
            continue;
        };
        for k in jobj.keys().filter(|k| !body_keys.contains(&k.as_str())) {
            c.push(
                path,
                0,
                Some(&format!("{at}.{k}")),
                format!("неизвестный ключ; допустимые: {}", body_keys.join(", ")),
            );
        }
        let text_of = |key: &str, c: &mut Collector<'_>| -> String {
            match jobj.get(key) {
                None => String::new(),
                Some(v @ (J::String(_) | J::Number(_))) => {
                    scalar(v).unwrap_or_default().trim().to_string()
                }
                Some(v) => {
                    c.push(
                        path,
                        0,
                        Some(&format!("{at}.{key}")),
                        format!("ожидается строка, а не {}", kind_ru(v)),
                    );
                    String::new()
                }
            }
        };
        let id = text_of("id", c);
        if id.is_empty() {
            c.push(
                path,
                0,
                Some(&format!("{at}.id")),
                "пустой идентификатор органа",
            );
            continue;
        }
        if let Some(first) = seen.get(&id) {
            c.push(
                path,
                0,
                Some(&format!("{at}.id")),
                format!("орган «{id}» указан дважды (впервые — {first})"),
            );
            continue;
        }
        seen.insert(id.clone(), at.clone());
        let name = text_of("name", c);
        if name.is_empty() {
            c.push(
                path,
                0,
                Some(&format!("{at}.name")),
                "пустое наименование органа",
            );
        }
        let kind = text_of("kind", c);
        let Some(group) = Group::from_code(&kind) else {
            c.push(
                path,
                0,
                Some(&format!("{at}.kind")),
                format!("«{kind}»: ожидается central или local"),
            );
            continue;
        };
        if !name.is_empty() {
            if let Some((col, m)) = crate::identity::named_body_issue(ed, &id, &name, group) {
                c.push(path, 0, Some(&format!("{at}.{col}")), m);
            }
        }
        let [full, genitive, short] = crate::NAME_COLUMNS.map(|k| text_of(k, c));
        let names = crate::BodyNames::from_cells(&full, &genitive, &short);
        if !names.is_empty() {
            c.names.insert(id.clone(), names);
        }
        let mut values = vec![None; ed.inputs.len()];
        let inputs = match jobj.get("inputs") {
            None => None,
            Some(J::Object(o)) => Some(o),
            Some(v) => {
                c.push(
                    path,
                    0,
                    Some(&format!("{at}.inputs")),
                    format!(
                        "ожидается объект {{показатель: значение}}, а не {}",
                        kind_ru(v)
                    ),
                );
                None
            }
        };
        if let Some(o) = inputs {
            for k in o.keys() {
                if !ed.inputs.iter().any(|i| &i.code == k && i.table.is_none()) {
                    c.push(
                        path,
                        0,
                        Some(&format!("{at}.inputs.{k}")),
                        "неизвестный показатель: его нет в словаре данных редакции (bagalau edition describe)",
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
            let col = format!("{at}.inputs.{}", inp.code);
            let raw = match inputs.and_then(|o| o.get(&inp.code)) {
                None => String::new(),
                Some(v) => match scalar(v) {
                    Some(s) => s,
                    None => {
                        c.push(
                            path,
                            0,
                            Some(&col),
                            format!(
                                "ожидается число, строка или логическое значение, а не {}",
                                kind_ru(v)
                            ),
                        );
                        continue;
                    }
                },
            };
            values[i] = c.cell(inp, &raw, group, &id, path, 0, Some(&col));
        }
        let mut tables = vec![Vec::new(); ed.tables.len()];
        let mut row_places: Vec<RowPlaces> = ed
            .tables
            .iter()
            .map(|_| RowPlaces::Json {
                file: Rc::clone(&file),
                paths: Vec::new(),
            })
            .collect();
        for (t, table) in ed.tables.iter().enumerate() {
            let tat = format!("{at}.{}", table.code);
            let rows = match jobj.get(&table.code) {
                None => continue,
                Some(J::Array(a)) => a,
                Some(v) => {
                    c.push(
                        path,
                        0,
                        Some(&tat),
                        format!("ожидается массив строк, а не {}", kind_ru(v)),
                    );
                    continue;
                }
            };
            let row_keys: Vec<&str> = [table.key.as_str(), "name"]
                .into_iter()
                .chain(
                    ed.inputs
                        .iter()
                        .filter(|i| i.table == Some(t))
                        .map(|i| i.code.as_str()),
                )
                .collect();
            let mut keys_seen: HashMap<String, String> = HashMap::new();
            for (r, jr) in rows.iter().enumerate() {
                let rat = format!("{tat}[{r}]");
                let Some(robj) = jr.as_object() else {
                    c.push(
                        path,
                        0,
                        Some(&rat),
                        format!("ожидается объект строки, а не {}", kind_ru(jr)),
                    );
                    continue;
                };
                for k in robj.keys().filter(|k| !row_keys.contains(&k.as_str())) {
                    c.push(
                        path,
                        0,
                        Some(&format!("{rat}.{k}")),
                        format!("неизвестный ключ; допустимые: {}", row_keys.join(", ")),
                    );
                }
                let key_at = format!("{rat}.{}", table.key);
                let key = match robj.get(&table.key) {
                    Some(v @ (J::String(_) | J::Number(_))) => {
                        scalar(v).unwrap_or_default().trim().to_string()
                    }
                    _ => String::new(),
                };
                if key.is_empty() {
                    c.push(path, 0, Some(&key_at), "пустой идентификатор строки");
                    continue;
                }
                if let Some(first) = keys_seen.get(&key) {
                    c.push(
                        path,
                        0,
                        Some(&key_at),
                        format!("строка «{key}» органа «{id}» указана дважды (впервые — {first})"),
                    );
                    continue;
                }
                keys_seen.insert(key.clone(), rat.clone());
                // Sized to the table (`bagalau_engine::eval::table_slots`).
                let mut rv = Vec::with_capacity(row_keys.len().saturating_sub(2));
                for inp in ed.inputs.iter().filter(|i| i.table == Some(t)) {
                    rv.push(None);
                    let col = format!("{rat}.{}", inp.code);
                    let raw = match robj.get(&inp.code) {
                        None => String::new(),
                        Some(v) => {
                            match scalar(v) {
                                Some(s) => s,
                                None => {
                                    c.push(
                                    path,
                                    0,
                                    Some(&col),
                                    format!("ожидается число, строка или логическое значение, а не {}", kind_ru(v)),
                                );
                                    continue;
                                }
                            }
                        }
                    };
                    if let Some(slot) = rv.last_mut() {
                        *slot = c.cell(inp, &raw, group, &id, path, 0, Some(&col));
                    }
                }
                let name = match robj.get("name") {
                    Some(v @ (J::String(_) | J::Number(_))) => scalar(v).unwrap_or_default(),
                    _ => String::new(),
                };
                let (key, key_id) = interner.get(&key);
                let name = interner.name(key_id, &name);
                tables[t].push(Row::new(key, name, &rv));
                if let Some(RowPlaces::Json { paths, .. }) = row_places.get_mut(t) {
                    paths.push(rat);
                }
            }
        }
        bodies.push(BodyData {
            id,
            name,
            group,
            values,
            tables,
        });
        places.push(Places {
            body: Place::Json {
                file: Rc::clone(&file),
                path: format!("{at}.inputs"),
            },
            rows: row_places,
        });
    }
    let data = Dataset { bodies };
    apply_checks(ed, &data, &places, c);
    data
}
