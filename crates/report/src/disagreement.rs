//! Таблица разногласий по результатам оценки (appendix 10 of the 2014 methodology): per
//! objection, the conclusion's statement, the recommendation, the body's objection, the decision
//! and a note; an accepted objection may correct one input, and the evaluation is recomputed so
//! that «Общий балл с учетом итогов обжалования» is the engine's figure, not a typed one.

use std::path::Path;

use bagalau_engine::{Dataset, Outcome};
use bagalau_office::{Align, Block, Cell, Column, Document, Lang, Run as R, Signature, Table};

use crate::lang::l;
use crate::table_file::{cell, CsvTable};
use crate::{ReportError, Run};

/// One objection of a body and the commission's decision.
#[derive(Debug, Clone)]
pub struct Objection {
    pub body: String,
    pub number: String,
    pub statement: String,
    pub recommendation: String,
    pub objection: String,
    pub decision: String,
    pub accepted: bool,
    pub note: String,
    /// For an accepted objection: the input it corrects and the new value.
    pub correction: Option<(String, String)>,
    /// File and row it was read from (for messages).
    pub file: String,
    pub row: usize,
}

/// Reads `objections.csv`: `body,number,statement,recommendation,objection,decision,accepted,note`
/// and optionally `input,value` (the correction an accepted objection makes).
pub fn read_objections(path: &Path) -> Result<Vec<Objection>, ReportError> {
    objections_from(CsvTable::open(path)?)
}

/// [`read_objections`] from any reader (`file` names it in messages).
pub fn read_objections_from<R: std::io::Read>(
    r: R,
    file: &str,
) -> Result<Vec<Objection>, ReportError> {
    objections_from(CsvTable::read(r, file)?)
}

fn objections_from(t: CsvTable) -> Result<Vec<Objection>, ReportError> {
    t.only(&[
        "body",
        "number",
        "statement",
        "recommendation",
        "objection",
        "decision",
        "accepted",
        "note",
        "input",
        "value",
    ])?;
    let cols = t.required(&[
        "body",
        "number",
        "statement",
        "recommendation",
        "objection",
        "decision",
        "accepted",
        "note",
    ])?;
    let input_col = t.optional("input");
    let value_col = t.optional("value");
    let mut out = Vec::new();
    for (line, rec) in &t.rows {
        let row = *line;
        let err = |message: String| t.err(row, message);
        let get = |c: usize| cell(rec, c);
        let accepted = match get(cols[6]).to_lowercase().as_str() {
            "да" | "yes" | "true" | "1" => true,
            "нет" | "no" | "false" | "0" | "" => false,
            other => {
                return Err(err(format!(
                    "столбец accepted: «{other}» — ожидается да/нет"
                )))
            }
        };
        let input = input_col.map(get).filter(|s| !s.is_empty());
        let value = value_col.map(get).filter(|s| !s.is_empty());
        let correction = match (input, value) {
            (Some(i), Some(v)) => Some((i, v)),
            (None, None) => None,
            _ => return Err(err("столбцы input и value заполняются вместе".to_string())),
        };
        if correction.is_some() && !accepted {
            return Err(err(
                "исправление данных указано для отклонённого возражения".to_string(),
            ));
        }
        out.push(Objection {
            body: get(cols[0]),
            number: get(cols[1]),
            statement: get(cols[2]),
            recommendation: get(cols[3]),
            objection: get(cols[4]),
            decision: get(cols[5]),
            accepted,
            note: get(cols[7]),
            correction,
            file: t.file().to_string(),
            row,
        });
    }
    Ok(out)
}

/// Refuses objections of a body absent from the data, a number given twice for one body, a
/// correction of an unknown or per-row input, and two accepted objections correcting the same
/// input of one body (which one would count?).
pub fn check_objections(
    run: &Run,
    data: &Dataset,
    objections: &[Objection],
) -> Result<(), ReportError> {
    let ed = run.ed;
    let mut numbers: Vec<(&str, &str, usize)> = Vec::new();
    let mut corrected: Vec<(&str, &str, usize)> = Vec::new();
    for o in objections {
        let at = |m: String| ReportError::Input {
            file: o.file.clone(),
            row: o.row,
            message: m,
        };
        if o.body.is_empty() {
            return Err(at("столбец «body»: пустой идентификатор органа".into()));
        }
        if !data.bodies.iter().any(|b| b.id == o.body) {
            return Err(at(format!(
                "столбец «body»: орган «{}» не найден в данных",
                o.body
            )));
        }
        if !o.number.is_empty() {
            if let Some((_, _, first)) = numbers
                .iter()
                .find(|(b, n, _)| *b == o.body && *n == o.number)
            {
                return Err(at(format!(
                    "столбец «number»: возражение № {} органа «{}» указано дважды (впервые — в строке {first})",
                    o.number, o.body
                )));
            }
            numbers.push((&o.body, &o.number, o.row));
        }
        let Some((code, _)) = &o.correction else {
            continue;
        };
        let Some(i) = ed.inputs.iter().position(|i| &i.code == code) else {
            return Err(at(format!(
                "столбец «input»: неизвестный входной показатель «{code}»"
            )));
        };
        if ed.inputs[i].table.is_some() {
            return Err(at(format!(
                "«{code}» задаётся по строкам таблицы; исправление по возражению — только для показателей органа"
            )));
        }
        if let Some((_, _, first)) = corrected
            .iter()
            .find(|(b, c, _)| *b == o.body && *c == code.as_str())
        {
            return Err(at(format!(
                "столбец «input»: показатель «{code}» органа «{}» уже исправлен принятым возражением в строке {first} — оставьте одно исправление",
                o.body
            )));
        }
        corrected.push((&o.body, code, o.row));
    }
    Ok(())
}

/// The dataset with every accepted correction applied, evaluated again.
pub fn recompute(
    run: &Run,
    data: &Dataset,
    objections: &[Objection],
) -> Result<Outcome, ReportError> {
    let ed = run.ed;
    check_objections(run, data, objections)?;
    let mut data = data.clone();
    for o in objections {
        let Some((code, value)) = &o.correction else {
            continue;
        };
        let at = |m: String| ReportError::Input {
            file: o.file.clone(),
            row: o.row,
            message: m,
        };
        let Some(i) = ed.inputs.iter().position(|i| &i.code == code) else {
            continue;
        };
        let v = bagalau_data::parse_cell(&ed.inputs[i], value)
            .map_err(|m| at(format!("столбец «value»: {code}: {m}")))?;
        if let Some(body) = data.bodies.iter_mut().find(|b| b.id == o.body) {
            body.values[i] = v;
        }
    }
    bagalau_engine::evaluate(ed, &data).map_err(|e| ReportError::Recompute(e.to_string()))
}

/// The disagreement table of one body; `after` is the outcome recomputed with the accepted
/// corrections ([`recompute`]).
pub fn disagreement(
    run: &Run,
    body_id: &str,
    objections: &[Objection],
    after: &Outcome,
    lang: Lang,
) -> Result<Document, ReportError> {
    disagreement_named(
        run,
        body_id,
        objections,
        after,
        lang,
        &bagalau_data::BodyNames::default(),
    )
}

/// [`disagreement`] with the forms of the body's name the dataset gives (`Loaded::names`): the
/// full name under the heading and in the title, the genitive in the body's signature line.
pub fn disagreement_named(
    run: &Run,
    body_id: &str,
    objections: &[Objection],
    after: &Outcome,
    lang: Lang,
    names: &bagalau_data::BodyNames,
) -> Result<Document, ReportError> {
    let b = run.body(body_id)?;
    let after_run = Run {
        ed: run.ed,
        out: after,
        period: run.period,
    };
    let b_after = after_run.body(body_id)?;
    let mut rows = Vec::new();
    for o in objections.iter().filter(|o| o.body == b.id) {
        let mut decision = o.decision.clone();
        if let Some((code, value)) = &o.correction {
            decision.push_str(&format!(
                " ({}: {})",
                l(lang, "исправлено", "түзетілді"),
                correction_text(run, code, value, lang)
            ));
        }
        rows.push(vec![
            Cell::new(o.number.clone()),
            Cell::new(o.statement.clone()),
            Cell::new(o.recommendation.clone()),
            Cell::new(o.objection.clone()),
            Cell::new(decision),
            Cell::new(o.note.clone()),
        ]);
    }
    if rows.is_empty() {
        rows.push(vec![Cell::new(l(
            lang,
            "Возражений не поступило",
            "Қарсылықтар түскен жоқ",
        ))
        .span(6)]);
    }
    let blocks = vec![
        Block::Heading {
            level: 1,
            text: l(
                lang,
                "Таблица разногласий по результатам оценки",
                "Бағалау нәтижелері бойынша келіспеушіліктер кестесі",
            )
            .into(),
        },
        Block::Paragraph {
            runs: vec![R::bold(crate::full_name(b, names))],
            align: Align::Center,
        },
        Block::Paragraph {
            runs: vec![R::plain(
                run.period
                    .map(|p| {
                        format!(
                            "{}: {p} {}",
                            l(lang, "Отчетный период", "Есепті кезең"),
                            l(lang, "год", "жыл")
                        )
                    })
                    .unwrap_or_default(),
            )],
            align: Align::Center,
        },
        Block::Table(Table {
            caption: None,
            columns: vec![
                Column::center(4),
                Column::left(20),
                Column::left(18),
                Column::left(20),
                Column::left(20),
                Column::left(18),
            ],
            header: vec![vec![
                Cell::bold("№"),
                Cell::bold(l(
                    lang,
                    "Заключение уполномоченного органа",
                    "Уәкілетті органның қорытындысы",
                )),
                Cell::bold(l(
                    lang,
                    "Рекомендация уполномоченного органа",
                    "Уәкілетті органның ұсынымы",
                )),
                Cell::bold(l(
                    lang,
                    "Возражение оцениваемого государственного органа",
                    "Бағаланатын мемлекеттік органның қарсылығы",
                )),
                Cell::bold(l(
                    lang,
                    "Решение по итогам обжалования",
                    "Шағымдану қорытындысы бойынша шешім",
                )),
                Cell::bold(l(lang, "Примечание", "Ескертпе")),
            ]],
            rows,
        }),
        Block::Paragraph {
            runs: vec![
                R::plain(format!(
                    "{} ",
                    l(
                        lang,
                        "Общий балл с учетом итогов обжалования составил",
                        "Шағымдану қорытындысын ескергендегі жалпы балл:"
                    )
                )),
                R::bold(run.show(b_after.score)),
                R::plain(format!(
                    " ({} {}{}).",
                    l(lang, "до обжалования —", "шағымдануға дейін —"),
                    run.show(b.score),
                    if b_after.rank != b.rank {
                        format!(
                            "; {} {} → {}",
                            l(lang, "место в группе", "топтағы орны"),
                            b.rank,
                            b_after.rank
                        )
                    } else {
                        String::new()
                    }
                )),
            ],
            align: Align::Left,
        },
        Block::Signatures(vec![
            Signature {
                position: l(lang, "Председатель комиссии", "Комиссия төрағасы").into(),
                name: String::new(),
            },
            Signature {
                position: match (lang, &names.genitive) {
                    (Lang::Ru, Some(genitive)) => format!(
                        "С итогами обжалования ознакомлен: представитель {genitive}"
                    ),
                    _ => l(
                        lang,
                        "С итогами обжалования ознакомлен: представитель оцениваемого государственного органа",
                        "Шағымдану қорытындысымен таныстым: бағаланатын мемлекеттік органның өкілі",
                    )
                    .into(),
                },
                name: String::new(),
            },
        ]),
    ];
    Ok(Document {
        lang,
        title: format!(
            "{} — {}",
            l(lang, "Таблица разногласий", "Келіспеушіліктер кестесі"),
            crate::full_name(b, names)
        ),
        landscape: true,
        blocks,
    })
}

/// A correction as the table prints it: the input's Russian name and the value in words
/// («Приняты меры … — да»), never the input's code.
fn correction_text(run: &Run, code: &str, value: &str, lang: Lang) -> String {
    let Some(input) = run.ed.inputs.iter().find(|i| i.code == code) else {
        return value.to_string();
    };
    let shown = match bagalau_data::parse_cell(input, value) {
        Ok(Some(bagalau_engine::Value::Bool(true))) => l(lang, "да", "иә").to_string(),
        Ok(Some(bagalau_engine::Value::Bool(false))) => l(lang, "нет", "жоқ").to_string(),
        Ok(Some(bagalau_engine::Value::Num(v))) => match input.unit.as_deref() {
            Some("%") => crate::percent(v, false),
            _ => crate::figure(v, 4),
        },
        Ok(None) => l(lang, "нет данных", "деректер жоқ").to_string(),
        Err(_) => value.to_string(),
    };
    format!("«{}» — {shown}", crate::lang::display_name(&input.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "body,number,statement,recommendation,objection,decision,accepted,note,input,value\n";

    #[test]
    fn errors_name_the_file_and_line() {
        let bad = format!("{HEAD}cb,1,a,b,c,d,да,,,\ncb,2,a,b,c,d,может быть,,,\n");
        let e = read_objections_from(bad.as_bytes(), "objections.csv").expect_err("bad accepted");
        assert_eq!(
            e.to_string(),
            "objections.csv, строка 3: столбец accepted: «может быть» — ожидается да/нет"
        );
        let half = format!("{HEAD}cb,1,a,b,c,d,да,,satisfaction_measures,\n");
        let e = read_objections_from(half.as_bytes(), "o.csv").expect_err("input without value");
        assert!(e
            .to_string()
            .contains("строка 2: столбцы input и value заполняются вместе"));
        let rejected = format!("{HEAD}cb,1,a,b,c,d,нет,,x,1\n");
        let e =
            read_objections_from(rejected.as_bytes(), "o.csv").expect_err("rejected with a fix");
        assert!(e.to_string().contains("отклонённого"));
        let e =
            read_objections_from("body,number\ncb,1\n".as_bytes(), "o.csv").expect_err("columns");
        assert_eq!(e.to_string(), "o.csv, строка 1: нет столбца «statement»");
    }

    #[test]
    fn reads_corrections_of_accepted_objections() {
        let ok = format!("{HEAD}cb,1,a,b,c,d,да,n,satisfaction_measures,true\ncb,2,a,b,c,d,,,,\n");
        let o = read_objections_from(ok.as_bytes(), "o.csv").expect("reads");
        assert_eq!(o.len(), 2);
        assert!(o[0].accepted && !o[1].accepted);
        assert_eq!(
            o[0].correction,
            Some(("satisfaction_measures".to_string(), "true".to_string()))
        );
        assert_eq!(o[1].row, 3);
    }
}
