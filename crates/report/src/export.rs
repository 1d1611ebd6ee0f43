//! XLSX exports: one workbook per evaluation run (results, criteria, penalties, inputs) and one
//! per rating (published scores, computed ranks). Numbers stay exact decimals until the writer.

use bagalau_data::rating::Rating;
use bagalau_engine::eval::V;
use bagalau_engine::{CriterionScore, Value};
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

/// Results, criteria, penalties and inputs of a run.
pub fn run_workbook(run: &Run) -> Workbook {
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
                text(n.cite.reference.clone()),
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
        // Inputs as the steps read them (body-level inputs referenced by formulas).
        let mut seen = std::collections::BTreeSet::new();
        for step in &run.out.computed.steps[b.index] {
            for (name, v) in &step.refs {
                if let Some(bagalau_methodology::Symbol::Input(i)) = ed.symbol(name) {
                    if seen.insert(i) {
                        inputs.push(vec![
                            text(b.id.clone()),
                            text(name.clone()),
                            text(ed.inputs[i].name.clone()),
                            match v {
                                Some(V::Num(q)) => num(bagalau_engine::exact::to_decimal(q)),
                                Some(V::Bool(x)) => text(if *x { "да" } else { "нет" }),
                                None => XCell::Empty,
                            },
                        ]);
                    }
                }
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
        ],
    }
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
