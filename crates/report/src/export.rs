//! XLSX exports: one workbook per evaluation run (results, criteria, penalties, inputs) and one
//! per rating (published scores, computed ranks). Numbers stay exact decimals until the writer.

use bagalau_data::rating::Rating;
use bagalau_engine::{CriterionScore, Dataset, Value};
use bagalau_methodology::NodeBody;
use bagalau_office::{Sheet, Workbook, XCell};
use rust_decimal::Decimal;

use crate::Run;

fn text(s: impl Into<String>) -> XCell {
    XCell::Text(s.into())
}

fn num(d: Decimal) -> XCell {
    XCell::Number(d.normalize())
}

fn opt(d: Option<Decimal>) -> XCell {
    d.map(num).unwrap_or(XCell::Empty)
}

fn value(v: Option<Value>) -> XCell {
    match v {
        Some(Value::Num(x)) => num(x),
        Some(Value::Bool(x)) => text(if x { "да" } else { "нет" }),
        None => XCell::Empty,
    }
}

/// Results, criteria, penalties and inputs of a run (`data`: the dataset it was computed from;
/// every input as given, one sheet per row table).
pub fn run_workbook(run: &Run, data: &Dataset) -> Workbook {
    let ed = run.ed;
    let mut results = Vec::new();
    let mut criteria = Vec::new();
    let mut penalties = Vec::new();
    let mut inputs = Vec::new();
    for b in &run.out.bodies {
        results.push(vec![
            text(b.id.clone()),
            text(b.name.clone()),
            text(b.group.name_ru()),
            num(b.score),
            XCell::Int(b.rank as i64),
            XCell::Int(b.group_size as i64),
            text(
                b.degree
                    .map(|d| ed.degrees[d].name.clone())
                    .unwrap_or_default(),
            ),
            opt(b.criteria_total),
            opt(b.correction),
            opt(b.penalties),
        ]);
        fn walk(run: &Run, id: &str, c: &CriterionScore, out: &mut Vec<Vec<XCell>>) {
            let n = &run.ed.nodes[c.node];
            out.push(vec![
                text(id),
                text(n.code.clone()),
                text(n.number.clone().unwrap_or_default()),
                text(n.name.clone()),
                num(c.score),
                num(c.max),
                text(n.cite.legal_reference().unwrap_or_default()),
            ]);
            for ch in &c.children {
                walk(run, id, ch, out);
            }
        }
        for c in &b.criteria {
            walk(run, &b.id, c, &mut criteria);
        }
        for step in &run.out.computed.steps[b.index] {
            if let NodeBody::Penalty { items, .. } = &ed.nodes[step.node].body {
                for (i, facts, amount) in &step.penalty_items {
                    penalties.push(vec![
                        text(b.id.clone()),
                        text(ed.nodes[step.node].code.clone()),
                        text(items[*i].name.clone()),
                        num(*facts),
                        num(items[*i].per_fact),
                        num(*amount),
                        text(if step.capped { "да" } else { "нет" }),
                    ]);
                }
            }
        }
    }
    // Every body-level input as given (empty: no value).
    for bd in &data.bodies {
        for (i, input) in ed.inputs.iter().enumerate() {
            if input.table.is_none() && input.applies.applies(bd.group, &bd.id) {
                inputs.push(vec![
                    text(bd.id.clone()),
                    text(input.code.clone()),
                    text(input.name.clone()),
                    value(bd.values.get(i).copied().flatten()),
                ]);
            }
        }
    }
    // Every computed value with its exact decimal, for audit.
    let mut values = Vec::new();
    for b in &run.out.bodies {
        for (n, v) in run.out.computed.values[b.index].iter().enumerate() {
            if let Some(v) = v {
                values.push(vec![
                    text(b.id.clone()),
                    text(ed.nodes[n].code.clone()),
                    text(ed.nodes[n].name.clone()),
                    match v {
                        Value::Num(x) => num(*x),
                        Value::Bool(x) => text(if *x { "да" } else { "нет" }),
                    },
                ]);
            }
        }
    }
    let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    Workbook {
        sheets: vec![
            Sheet {
                name: "Итоги".into(),
                columns: cols(&[
                    "Код",
                    "Орган",
                    "Группа",
                    "Итоговая оценка",
                    "Место",
                    "Из",
                    "Степень",
                    "Сумма по критериям",
                    "Поправочный коэффициент",
                    "Вычет",
                ]),
                rows: results,
            },
            Sheet {
                name: "Критерии".into(),
                columns: cols(&[
                    "Орган",
                    "Код",
                    "№",
                    "Критерий",
                    "Балл",
                    "Макс. балл",
                    "Основание",
                ]),
                rows: criteria,
            },
            Sheet {
                name: "Штрафы".into(),
                columns: cols(&[
                    "Орган",
                    "Штраф",
                    "Пункт",
                    "Фактов",
                    "За факт",
                    "Вычет",
                    "Предел применён",
                ]),
                rows: penalties,
            },
            Sheet {
                name: "Входные данные".into(),
                columns: cols(&["Орган", "Код", "Показатель", "Значение"]),
                rows: inputs,
            },
            Sheet {
                name: "Все значения".into(),
                columns: cols(&["Орган", "Код", "Значение", "Величина"]),
                rows: values,
            },
        ]
        .into_iter()
        .chain(table_sheets(run, data))
        .collect(),
    }
}

/// One sheet per row table of the edition (e.g. the 2014 services): body, key, name and every
/// row-level input.
fn table_sheets(run: &Run, data: &Dataset) -> Vec<Sheet> {
    let ed = run.ed;
    ed.tables
        .iter()
        .enumerate()
        .map(|(t, table)| {
            let row_inputs: Vec<usize> = (0..ed.inputs.len())
                .filter(|&i| ed.inputs[i].table == Some(t))
                .collect();
            let mut columns = vec![
                "Орган".to_string(),
                table.key.clone(),
                "Наименование".to_string(),
            ];
            columns.extend(row_inputs.iter().map(|&i| ed.inputs[i].code.clone()));
            let rows = data
                .bodies
                .iter()
                .flat_map(|b| {
                    b.tables[t].iter().map(|row| {
                        let mut cells = vec![
                            text(b.id.clone()),
                            text(row.key.clone()),
                            text(row.name.clone()),
                        ];
                        cells.extend(
                            row_inputs
                                .iter()
                                .map(|&i| value(row.values.get(i).copied().flatten())),
                        );
                        cells
                    })
                })
                .collect();
            Sheet {
                name: format!("Строки {}", table.code),
                columns,
                rows,
            }
        })
        .collect()
}

/// A rating (published scores and computed ranks).
pub fn rating_sheet(name: &str, r: &Rating) -> Sheet {
    Sheet {
        name: name.into(),
        columns: [
            "Код",
            "Орган",
            "Группа",
            "Оценка",
            "Оценка (пред.)",
            "Место",
            "Из",
            "Место (пред.)",
            "↕",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: r
            .rows
            .iter()
            .map(|x| {
                vec![
                    text(x.row.body.clone()),
                    text(x.row.name.clone().unwrap_or_default()),
                    text(x.row.group.name_ru()),
                    num(x.row.score),
                    opt(x.row.previous_score),
                    XCell::Int(x.rank as i64),
                    XCell::Int(x.group_size as i64),
                    x.previous_rank
                        .map(|p| XCell::Int(p as i64))
                        .unwrap_or(XCell::Empty),
                    text(x.change.arrow()),
                ]
            })
            .collect(),
    }
}
