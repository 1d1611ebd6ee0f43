//! The derivation of a body's values in Russian, generated from the trace: each step with its
//! formula, the values it used, the cross-body figures and the paragraph of the act.

use std::collections::BTreeSet;
use std::fmt::Write;

use bagalau_methodology::{Citation, Edition, NodeBody, Status, Symbol};

use crate::eval::V;
use crate::Outcome;

fn value_ru(v: &Option<V>) -> String {
    match v {
        Some(v) => v.to_string(),
        None => "нет значения".into(),
    }
}

fn cite_ru(ed: &Edition, c: &Citation) -> String {
    let status = match c.status {
        Status::Verbatim => "по тексту акта".to_string(),
        Status::Reconstructed => "реконструкция".to_string(),
    };
    format!("{}, {}; {}", ed.act.short, c.reference, status)
}

/// Describes a referenced name: its Russian meaning.
fn name_ru(ed: &Edition, name: &str) -> String {
    match ed.symbol(name) {
        Some(Symbol::Input(i)) => ed.inputs[i].name.clone(),
        Some(Symbol::Parameter(i)) => ed.parameters[i].name.clone(),
        Some(Symbol::Node(i)) => ed.nodes[i].name.clone(),
        Some(Symbol::Scale(i)) => ed.scales[i].name.clone(),
        Some(Symbol::Table(i)) => ed.tables[i].name.clone(),
        None => String::new(),
    }
}

/// Errors of `explain`: an unknown body or node.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("орган «{0}» не найден в данных")]
    UnknownBody(String),
    #[error("«{0}» не является вычисляемым значением редакции")]
    UnknownNode(String),
    #[error("«{node}» не применяется к органу «{body}»")]
    NotApplicable { node: String, body: String },
}

/// The Russian derivation of a body's final score or of one node, with every step it depends on.
pub fn explain(
    ed: &Edition,
    out: &Outcome,
    body_id: &str,
    node: Option<&str>,
) -> Result<String, ExplainError> {
    let bo = out
        .bodies
        .iter()
        .find(|b| b.id == body_id)
        .ok_or_else(|| ExplainError::UnknownBody(body_id.to_string()))?;
    let b = bo.index;
    let target = match node {
        Some(code) => ed
            .node(code)
            .ok_or_else(|| ExplainError::UnknownNode(code.to_string()))?,
        None => ed.result.score,
    };
    if !out.computed.applicable[b][target] {
        return Err(ExplainError::NotApplicable {
            node: ed.nodes[target].code.clone(),
            body: body_id.to_string(),
        });
    }
    // The target and everything it depends on.
    let mut wanted = BTreeSet::new();
    let mut stack = vec![target];
    while let Some(n) = stack.pop() {
        if wanted.insert(n) {
            stack.extend(ed.nodes[n].deps.iter().copied());
        }
    }

    let mut s = String::new();
    let _ = writeln!(
        s,
        "Орган: {} ({}), группа: {}",
        bo.name,
        bo.id,
        bo.group.name_ru()
    );
    let _ = writeln!(s, "Редакция: {} — {}", ed.title, ed.act.name);
    let _ = writeln!(
        s,
        "Направление: {}",
        ed.directions
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(s);
    let mut k = 0;
    for step in &out.computed.steps[b] {
        if !wanted.contains(&step.node) {
            continue;
        }
        k += 1;
        let n = &ed.nodes[step.node];
        let num = n
            .number
            .as_deref()
            .map(|x| format!(" (строка {x} приложения)"))
            .unwrap_or_default();
        let _ = writeln!(s, "{k}. {}{num} «{}»", n.code, n.name);
        let _ = writeln!(s, "   Основание: {}", cite_ru(ed, &n.cite));
        if let Some(note) = n
            .cite
            .note
            .as_deref()
            .filter(|_| n.cite.status == Status::Reconstructed)
        {
            let _ = writeln!(s, "   Прочтение: {note}");
        }
        match &n.body {
            NodeBody::Formula(_) => {
                if let Some(f) = n.body.formula_for(bo.group) {
                    let _ = writeln!(s, "   Формула: {}", f.text);
                }
            }
            NodeBody::Penalty { items, cap } => {
                for (i, facts, amount) in &step.penalty_items {
                    let it = &items[*i];
                    let _ = writeln!(
                        s,
                        "   − {}: {} факт(ов) × {} = {} ({})",
                        it.name,
                        facts.normalize(),
                        it.per_fact.normalize(),
                        amount.normalize(),
                        cite_ru(ed, &it.cite)
                    );
                }
                if let Some(c) = cap {
                    let _ = writeln!(
                        s,
                        "   Предел: не более {} балла{}",
                        c.normalize(),
                        if step.capped {
                            " — сумма превысила предел и ограничена им"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
        for (name, v) in &step.refs {
            let meaning = name_ru(ed, name);
            let _ = writeln!(s, "   • {name} = {} — {meaning}", value_ru(v));
        }
        for note in &step.notes {
            let _ = writeln!(s, "   • {note}");
        }
        if !step.row_keys.is_empty() {
            let t = n.table.map(|t| ed.tables[t].name.as_str()).unwrap_or("");
            let _ = writeln!(s, "   По строкам ({t}):");
            let values = &out.computed.row_values[b][step.node];
            for (key, v) in step.row_keys.iter().zip(values) {
                let v = v.clone().map(crate::eval::Val::into_v);
                let _ = writeln!(s, "     {key}: {}", value_ru(&v));
            }
        } else {
            let max = n
                .max
                .map(|m| format!(" (максимум {})", m.normalize()))
                .unwrap_or_default();
            let _ = writeln!(s, "   Результат: {}{max}", value_ru(&step.value));
        }
        let _ = writeln!(s);
    }
    if node.is_none() {
        let _ = writeln!(
            s,
            "Итог: {} балла; место {} из {}; степень эффективности: {}",
            bo.score.normalize(),
            bo.rank,
            bo.group_size,
            bo.degree
                .map(|d| ed.degrees[d].name.as_str())
                .unwrap_or("не определена")
        );
    }
    Ok(s)
}
