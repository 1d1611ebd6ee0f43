//! The form's layout, derived from an edition: which sheets, which columns, their codes and
//! Russian headings. The template writes it and the import reads by it (columns are found by the
//! code in row 2, never by position).

use bagalau_methodology::{Edition, Input, InputType};

/// The instructions sheet (title, act, dataset requisites, columns, reporting tables).
pub const INSTRUCTIONS: &str = "Инструкция";
/// The sheet of the evaluated bodies and their body-level inputs.
pub const BODIES: &str = "Органы";

/// 0-based row of the Russian headings.
pub const HEADING_ROW: u32 = 0;
/// 0-based row of the input codes (the import maps columns by these).
pub const CODE_ROW: u32 = 1;
/// 0-based first data row.
pub const FIRST_DATA_ROW: u32 = 2;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Body id (sheet «Органы»).
    Id,
    /// Body name, or a row's name in a table sheet.
    Name,
    /// Body kind: ЦГО / МИО.
    Kind,
    /// The body a table row belongs to.
    Body,
    /// The table's row key (e.g. the service code).
    Key,
    /// An edition input, by index into `Edition::inputs`.
    Input(usize),
    /// An optional form of the body's name (`bagalau_data::NAME_COLUMNS[k]`: full official
    /// name, genitive, short name).
    NameForm(usize),
}

#[derive(Debug, Clone)]
pub struct ColumnSpec {
    pub code: String,
    pub heading: String,
    pub kind: ColumnKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    Bodies,
    /// A row table, by index into `Edition::tables`.
    Table(usize),
}

#[derive(Debug, Clone)]
pub struct SheetSpec {
    pub name: String,
    pub kind: SheetKind,
    pub columns: Vec<ColumnSpec>,
}

impl SheetSpec {
    pub fn column(&self, code: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.code == code)
    }
}

/// The data sheets of an edition's form: «Органы», then one per row table.
#[derive(Debug, Clone)]
pub struct Layout {
    pub sheets: Vec<SheetSpec>,
}

/// Short Russian names for the tables the shipped editions use.
fn known_table(code: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match code {
        "services" => Some(("Услуги", "Код услуги", "Наименование услуги")),
        _ => None,
    }
}

/// A valid sheet name (at most 31 characters, none of `[]:*?/\`, not starting/ending with `'`).
fn sheet_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    let trimmed = cleaned.trim().trim_matches('\'').trim();
    if trimmed.is_empty() {
        "Таблица".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The heading of an input's column: its Russian name with the unit (or «да/нет»).
pub fn input_heading(input: &Input) -> String {
    match (input.ty, &input.unit) {
        (InputType::Bool, _) => format!("{} (да/нет)", input.name),
        (_, Some(u)) if !u.trim().is_empty() => format!("{}, {}", input.name, u.trim()),
        _ => input.name.clone(),
    }
}

/// Column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(char::from(b'A' + r));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

impl Layout {
    pub fn of(ed: &Edition) -> Layout {
        let mut sheets = Vec::new();
        let mut bodies = vec![
            ColumnSpec {
                code: "id".into(),
                heading: "Код органа".into(),
                kind: ColumnKind::Id,
            },
            ColumnSpec {
                code: "name".into(),
                heading: "Наименование органа".into(),
                kind: ColumnKind::Name,
            },
            ColumnSpec {
                code: "kind".into(),
                heading: "Вид органа (ЦГО — центральный, МИО — местный)".into(),
                kind: ColumnKind::Kind,
            },
        ];
        for (k, (code, heading)) in bagalau_data::NAME_COLUMNS
            .iter()
            .zip([
                "Полное официальное наименование (необязательно)",
                "Наименование в родительном падеже (необязательно)",
                "Краткое наименование (необязательно)",
            ])
            .enumerate()
        {
            bodies.push(ColumnSpec {
                code: (*code).into(),
                heading: heading.into(),
                kind: ColumnKind::NameForm(k),
            });
        }
        bodies.extend(
            ed.inputs
                .iter()
                .enumerate()
                .filter(|(_, i)| i.table.is_none())
                .map(|(k, i)| ColumnSpec {
                    code: i.code.clone(),
                    heading: input_heading(i),
                    kind: ColumnKind::Input(k),
                }),
        );
        sheets.push(SheetSpec {
            name: BODIES.into(),
            kind: SheetKind::Bodies,
            columns: bodies,
        });
        for (t, table) in ed.tables.iter().enumerate() {
            let (name, key_heading, name_heading) = match known_table(&table.code) {
                Some((n, k, h)) => (n.to_string(), k.to_string(), h.to_string()),
                None => (
                    sheet_name(&table.name),
                    "Код строки".to_string(),
                    "Наименование".to_string(),
                ),
            };
            let taken = |n: &str| {
                n == INSTRUCTIONS
                    || sheets
                        .iter()
                        .any(|s: &SheetSpec| s.name.to_lowercase() == n.to_lowercase())
            };
            let name = if taken(&name) {
                sheet_name(&table.code)
            } else {
                name
            };
            let mut columns = vec![
                ColumnSpec {
                    code: "body".into(),
                    heading: "Код органа".into(),
                    kind: ColumnKind::Body,
                },
                ColumnSpec {
                    code: table.key.clone(),
                    heading: key_heading,
                    kind: ColumnKind::Key,
                },
                ColumnSpec {
                    code: "name".into(),
                    heading: name_heading,
                    kind: ColumnKind::Name,
                },
            ];
            columns.extend(
                ed.inputs
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.table == Some(t))
                    .map(|(k, i)| ColumnSpec {
                        code: i.code.clone(),
                        heading: input_heading(i),
                        kind: ColumnKind::Input(k),
                    }),
            );
            sheets.push(SheetSpec {
                name,
                kind: SheetKind::Table(t),
                columns,
            });
        }
        Layout { sheets }
    }

    /// Where an input's column is: sheet name and column letter.
    pub fn locate(&self, input: usize) -> Option<(&str, String)> {
        self.sheets.iter().find_map(|s| {
            s.columns
                .iter()
                .position(|c| c.kind == ColumnKind::Input(input))
                .map(|p| (s.name.as_str(), column_letter(p as u32)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        assert_eq!(column_letter(16383), "XFD");
    }

    #[test]
    fn sheet_names_are_valid() {
        assert_eq!(sheet_name("a/b:c"), "abc");
        assert_eq!(sheet_name("'x'"), "x");
        assert_eq!(sheet_name("[]"), "Таблица");
        assert_eq!(sheet_name(&"я".repeat(40)).chars().count(), 31);
    }
}
