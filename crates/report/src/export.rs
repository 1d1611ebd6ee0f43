//! XLSX exports: one workbook per evaluation run (results, criteria, penalties, inputs) and one
//! per rating (published scores, computed ranks). Numbers stay exact decimals until the writer.

use std::collections::HashMap;

use bagalau_data::rating::Rating;
use bagalau_engine::{BodyOutcome, CriterionScore, Dataset, Value};
use bagalau_methodology::{Group, InputType, NodeBody};
use bagalau_office::{Sheet, Workbook, XCell};
use rust_decimal::Decimal;

use crate::Run;

fn text(s: impl Into<String>) -> XCell {
    XCell::Text(s.into())
}

fn num(d: Decimal) -> XCell {
    XCell::Number(d.normalize())
}

fn value(v: Option<Value>) -> XCell {
    match v {
        Some(Value::Num(x)) => num(x),
        Some(Value::Bool(x)) => text(if x { "да" } else { "нет" }),
        None => XCell::Empty,
    }
}

/// A number shown with `dp` decimals (the value itself stays exact).
fn fixed(d: Decimal, dp: u32) -> XCell {
    XCell::Fixed(d.normalize(), u8::try_from(dp).unwrap_or(u8::MAX))
}

/// Decimals a value of an input is shown with: integers none, numbers the edition's.
fn input_decimals(run: &Run, input: &bagalau_methodology::Input) -> u32 {
    match input.ty {
        InputType::Integer => 0,
        _ => run.ed.rounding.display_decimals,
    }
}

fn input_value(run: &Run, input: &bagalau_methodology::Input, v: Option<Value>) -> XCell {
    match v {
        Some(Value::Num(x)) => fixed(x, input_decimals(run, input)),
        other => value(other),
    }
}

/// Bodies as the report lists them: central bodies first, then local, each group by rank.
fn report_order<'o>(run: &Run<'o>) -> Vec<&'o BodyOutcome> {
    let mut bodies: Vec<&BodyOutcome> = run.out.bodies.iter().collect();
    bodies.sort_by(|a, b| {
        (a.group == Group::Local, a.rank, &a.name).cmp(&(b.group == Group::Local, b.rank, &b.name))
    });
    bodies
}

/// Results, criteria, penalties and inputs of a run (`data`: the dataset it was computed from;
/// every input as given, one sheet per row table), in the report's order: sheets as the
/// conclusion presents them, bodies by group and rank. Numbers are numbers, shown with the
/// edition's decimals; columns are named in Russian and no code of the edition appears.
pub fn run_workbook(run: &Run, data: &Dataset) -> Workbook {
    let ed = run.ed;
    let dp = ed.rounding.display_decimals;
    let has_correction = ed.result.correction.is_some();
    let order = report_order(run);
    let by_id = body_index(data);
    let mut results = Vec::new();
    let mut criteria = Vec::new();
    let mut penalties = Vec::new();
    let mut inputs = Vec::new();
    let mut values = Vec::new();
    for b in &order {
        let mut row = vec![
            XCell::Int(b.rank as i64),
            XCell::Int(b.group_size as i64),
            text(b.name.clone()),
            text(b.group.name_ru()),
            fixed(b.score, dp),
            text(
                b.degree
                    .map(|d| ed.degrees[d].name.clone())
                    .unwrap_or_default(),
            ),
            b.criteria_total.map_or(XCell::Empty, |t| fixed(t, dp)),
        ];
        if has_correction {
            row.push(b.correction.map_or(XCell::Empty, |c| fixed(c, 4)));
        }
        row.push(b.penalties.map_or(XCell::Empty, |p| fixed(p, dp)));
        results.push(row);
        fn walk(run: &Run, name: &str, c: &CriterionScore, out: &mut Vec<Vec<XCell>>) {
            let n = &run.ed.nodes[c.node];
            let dp = run.ed.rounding.display_decimals;
            out.push(vec![
                text(name),
                text(n.number.clone().unwrap_or_default()),
                text(n.name.clone()),
                fixed(c.score, dp),
                fixed(c.max, dp),
                text(n.cite.legal_reference().unwrap_or_default()),
            ]);
            for ch in &c.children {
                walk(run, name, ch, out);
            }
        }
        for c in &b.criteria {
            walk(run, &b.name, c, &mut criteria);
        }
        for step in &run.out.computed.steps[b.index] {
            if let NodeBody::Penalty { items, .. } = &ed.nodes[step.node].body {
                for (i, facts, amount) in &step.penalty_items {
                    penalties.push(vec![
                        text(b.name.clone()),
                        text(ed.nodes[step.node].name.clone()),
                        text(items[*i].name.clone()),
                        fixed(*facts, 0),
                        fixed(items[*i].per_fact, dp.max(decimals_of(items[*i].per_fact))),
                        fixed(*amount, dp),
                        text(if step.capped { "да" } else { "нет" }),
                    ]);
                }
            }
        }
        // Every body-level input as given (empty: no value).
        if let Some(bd) = by_id.get(b.id.as_str()).map(|&k| &data.bodies[k]) {
            for (i, input) in ed.inputs.iter().enumerate() {
                if input.table.is_none() && input.applies.applies(bd.group, &bd.id) {
                    inputs.push(vec![
                        text(b.name.clone()),
                        text(crate::lang::display_name(&input.name)),
                        text(input.unit.clone().unwrap_or_default()),
                        input_value(run, input, bd.values.get(i).copied().flatten()),
                    ]);
                }
            }
        }
        // Every computed value, exact in the cell, for audit.
        for (n, v) in run.out.computed.values[b.index].iter().enumerate() {
            if let Some(v) = v {
                values.push(vec![
                    text(b.name.clone()),
                    text(crate::lang::display_name(&ed.nodes[n].name)),
                    match v {
                        Value::Num(x) => fixed(*x, dp.max(4)),
                        Value::Bool(x) => text(if *x { "да" } else { "нет" }),
                    },
                ]);
            }
        }
    }
    let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut result_columns = cols(&[
        "Место",
        "Органов в группе",
        "Орган",
        "Группа",
        "Итоговая оценка",
        "Степень эффективности",
        "Сумма баллов по критериям",
    ]);
    if has_correction {
        result_columns.push("Поправочный коэффициент".into());
    }
    result_columns.push("Вычет штрафных баллов".into());
    Workbook {
        sheets: vec![
            Sheet {
                name: "Итоги".into(),
                columns: result_columns,
                rows: results,
            },
            Sheet {
                name: "Критерии".into(),
                columns: cols(&[
                    "Орган",
                    "№",
                    "Критерий (показатель)",
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
                    "Баллов за факт",
                    "Вычитаемые баллы",
                    "Предел применён",
                ]),
                rows: penalties,
            },
            Sheet {
                name: "Входные данные".into(),
                columns: cols(&["Орган", "Показатель", "Единица", "Значение показателя"]),
                rows: inputs,
            },
            Sheet {
                name: "Расчётные значения".into(),
                columns: cols(&["Орган", "Наименование значения", "Значение"]),
                rows: values,
            },
        ]
        .into_iter()
        .chain(table_sheets(run, data, &by_id, &order))
        .collect(),
    }
}

/// The position of each body in `data` by its id (the first, should an id occur twice): one
/// lookup per body, not a scan of the dataset.
fn body_index(data: &Dataset) -> HashMap<&str, usize> {
    let mut by_id = HashMap::with_capacity(data.bodies.len());
    for (k, b) in data.bodies.iter().enumerate() {
        by_id.entry(b.id.as_str()).or_insert(k);
    }
    by_id
}

/// Decimals written in a rate (0,2 → 1).
fn decimals_of(d: Decimal) -> u32 {
    d.normalize().scale()
}

/// One sheet per row table of the edition (e.g. the 2014 services), named as the edition names
/// it: body, the row's name (not its key: a data code) and every row-level input under its
/// Russian name.
fn table_sheets(
    run: &Run,
    data: &Dataset,
    by_id: &HashMap<&str, usize>,
    order: &[&BodyOutcome],
) -> Vec<Sheet> {
    let ed = run.ed;
    ed.tables
        .iter()
        .enumerate()
        .map(|(t, table)| {
            let row_inputs: Vec<usize> = (0..ed.inputs.len())
                .filter(|&i| ed.inputs[i].table == Some(t))
                .collect();
            let slots = bagalau_engine::eval::table_slots(ed);
            let mut columns = vec!["Орган".to_string(), "Наименование".to_string()];
            columns.extend(
                row_inputs
                    .iter()
                    .map(|&i| crate::lang::display_name(&ed.inputs[i].name).to_string()),
            );
            let rows =
                order
                    .iter()
                    .filter_map(|o| by_id.get(o.id.as_str()).map(|&k| &data.bodies[k]))
                    .flat_map(|b| {
                        b.tables[t].iter().map(|row| {
                            let mut cells = vec![text(b.name.clone()), text(row.name.to_string())];
                            cells.extend(row_inputs.iter().map(|&i| {
                                input_value(run, &ed.inputs[i], row.value(ed, &slots, i))
                            }));
                            cells
                        })
                    })
                    .collect();
            Sheet {
                name: table.name.clone(),
                columns,
                rows,
            }
        })
        .collect()
}

/// A rating (published scores and computed ranks), scores shown with the decimals they were
/// published with.
pub fn rating_sheet(name: &str, r: &Rating) -> Sheet {
    let dp = r
        .rows
        .iter()
        .flat_map(|x| [Some(x.row.score), x.row.previous_score])
        .flatten()
        .map(decimals_of)
        .max()
        .unwrap_or(0);
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
                    fixed(x.row.score, dp),
                    x.row.previous_score.map_or(XCell::Empty, |p| fixed(p, dp)),
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
