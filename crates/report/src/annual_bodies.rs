//! The bodies of an annual report (`bodies.csv` beside the published scores): short name (the
//! abbreviation the tables print), full official name (the body pages and the list of
//! abbreviations; `stands_for` when the abbreviation means something else, as «ВКО»), group, and — for a body evaluated but not rated (created during the evaluated
//! year, seed 004's АЗРК and МЧС) — the reason printed on its page. The file's row order is the
//! order of the body pages (seed 004: central bodies, then local ones, alphabetically by full
//! name, the bodies not rated last among the central ones).

use std::path::Path;

use bagalau_methodology::Group;

use crate::table_file::{cell, CsvTable};
use crate::ReportError;

/// One body of the report.
#[derive(Debug, Clone)]
pub struct BodyInfo {
    pub id: String,
    pub short_name: String,
    pub full_name: String,
    pub group: Group,
    /// What the short name abbreviates when it is not the body's full name («ВКО» —
    /// «Восточно-Казахстанская область», the akimat being «Акимат Восточно-Казахстанской области»).
    pub stands_for: Option<String>,
    /// Evaluated but not included in the ratings: why (printed on the body's page).
    pub not_rated: Option<String>,
}

/// The bodies in page order.
#[derive(Debug, Clone, Default)]
pub struct Bodies {
    pub list: Vec<BodyInfo>,
}

impl Bodies {
    /// Reads `body,short_name,full_name,group[,not_rated]`.
    pub fn open(path: &Path) -> Result<Self, ReportError> {
        Self::from_table(CsvTable::open(path)?)
    }

    /// The same from any reader (tests, fuzzing); `file` names it in messages.
    pub fn read<R: std::io::Read>(r: R, file: &str) -> Result<Self, ReportError> {
        Self::from_table(CsvTable::read(r, file)?)
    }

    fn from_table(t: CsvTable) -> Result<Self, ReportError> {
        t.only(&[
            "body",
            "short_name",
            "full_name",
            "group",
            "stands_for",
            "not_rated",
        ])?;
        let c = t.required(&["body", "short_name", "full_name", "group"])?;
        let reason = t.optional("not_rated");
        let stands = t.optional("stands_for");
        let mut list: Vec<BodyInfo> = Vec::new();
        for (line, row) in &t.rows {
            let id = cell(row, c[0]);
            if id.is_empty() {
                return Err(t.err(*line, "пустой код органа (body)".into()));
            }
            if list.iter().any(|b| b.id == id) {
                return Err(t.err(*line, format!("орган «{id}» указан дважды")));
            }
            let (short_name, full_name) = (cell(row, c[1]), cell(row, c[2]));
            if short_name.is_empty() || full_name.is_empty() {
                return Err(t.err(
                    *line,
                    format!("у органа «{id}» не указано краткое или полное наименование"),
                ));
            }
            let group = match cell(row, c[3]).as_str() {
                "central" => Group::Central,
                "local" => Group::Local,
                other => {
                    return Err(t.err(
                        *line,
                        format!("группа «{other}»: допустимы central и local"),
                    ))
                }
            };
            let not_rated = reason.map(|k| cell(row, k)).filter(|s| !s.is_empty());
            let stands_for = stands.map(|k| cell(row, k)).filter(|s| !s.is_empty());
            list.push(BodyInfo {
                stands_for,
                id,
                short_name,
                full_name,
                group,
                not_rated,
            });
        }
        Ok(Bodies { list })
    }

    /// The body with this code.
    pub fn get(&self, id: &str) -> Option<&BodyInfo> {
        self.list.iter().find(|b| b.id == id)
    }

    /// Position of the body in page order.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.list.iter().position(|b| b.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_order_names_and_reasons() {
        let csv = "body,short_name,full_name,group,not_rated\n\
                   B,МЮ,Министерство юстиции Республики Казахстан,central,\n\
                   A,АЗРК,Агентство по защите и развитию конкуренции Республики Казахстан,central,создан во втором полугодии\n";
        let b = Bodies::read(csv.as_bytes(), "bodies.csv").expect("bodies");
        assert_eq!(b.position("A"), Some(1));
        assert_eq!(
            b.get("B").map(|x| x.full_name.as_str()),
            Some("Министерство юстиции Республики Казахстан")
        );
        assert!(b.get("A").and_then(|x| x.not_rated.as_ref()).is_some());
    }

    #[test]
    fn refuses_a_bad_group_and_a_duplicate() {
        let bad = "body,short_name,full_name,group\nB,МЮ,Министерство,center\n";
        let e = Bodies::read(bad.as_bytes(), "bodies.csv").expect_err("group");
        assert!(e.to_string().contains("строка 2"), "{e}");
        let dup = "body,short_name,full_name,group\nB,МЮ,М,central\nB,МЮ,М,central\n";
        assert!(Bodies::read(dup.as_bytes(), "bodies.csv").is_err());
    }
}
