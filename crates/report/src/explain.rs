//! The derivation of a body's values in Russian (`bagalau explain`), worded from the engine's
//! trace ([`bagalau_engine::explain::derivation`]): each step with its formula, the values it
//! used, the cross-body figures and the paragraph of the act. Numbers are given in full (the
//! fraction when the decimal does not terminate), through [`crate::num`].

use std::fmt::Write;

use bagalau_engine::eval::{Val, V};
use bagalau_engine::explain::{derivation, ExplainError};
use bagalau_engine::Outcome;
use bagalau_methodology::{Citation, Edition, NodeBody, Status};

use crate::num::{fraction_in_full, show};
use crate::trace::{name_of, note, Figures};
use crate::{count_word, points_word, Lang};

/// Every decimal of an exact decimal value (the derivation hides no digit).
const ALL: u32 = 28;

fn value_ru(v: &Option<V>) -> String {
    match v {
        Some(V::Num(q)) => fraction_in_full(q),
        Some(V::Bool(true)) => "да".into(),
        Some(V::Bool(false)) => "нет".into(),
        None => "нет значения".into(),
    }
}

fn cite_ru(ed: &Edition, c: &Citation) -> String {
    let status = match c.status {
        Status::Verbatim => "по тексту акта",
        Status::Reconstructed => "реконструкция",
    };
    format!("{}, {}; {}", ed.act.short, c.reference, status)
}

/// The Russian derivation of a body's final score or of one node (by code), with every step it
/// depends on.
pub fn explain(
    ed: &Edition,
    out: &Outcome,
    body_id: &str,
    node: Option<&str>,
) -> Result<String, ExplainError> {
    let d = derivation(ed, out, body_id, node)?;
    let bo = d.body;
    let b = bo.index;
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
    for (k, step) in d.steps.iter().enumerate() {
        let n = &ed.nodes[step.node];
        let row = n
            .number
            .as_deref()
            .map(|x| format!(" (строка {x} приложения)"))
            .unwrap_or_default();
        let _ = writeln!(s, "{}. {}{row} «{}»", k + 1, n.code, n.name);
        let _ = writeln!(s, "   Основание: {}", cite_ru(ed, &n.cite));
        if let Some(reading) = n
            .cite
            .note
            .as_deref()
            .filter(|_| n.cite.status == Status::Reconstructed)
        {
            let _ = writeln!(s, "   Прочтение: {reading}");
        }
        match &n.body {
            NodeBody::Formula(_) => {
                if let Some(f) = n.body.formula_for(bo.group) {
                    let _ = writeln!(s, "   Формула: {}", f.text);
                }
            }
            NodeBody::Penalty { items, cap } => {
                for (i, facts, amount) in &step.penalty_items {
                    let Some(it) = items.get(*i) else { continue };
                    let _ = writeln!(
                        s,
                        "   − {}: {} {} × {} = {} ({})",
                        it.name,
                        show(*facts, ALL),
                        count_word(*facts, "факт", "факта", "фактов"),
                        show(it.per_fact, ALL),
                        show(*amount, ALL),
                        cite_ru(ed, &it.cite)
                    );
                }
                if let Some(c) = cap {
                    let _ = writeln!(
                        s,
                        "   Предел: не более {} {}{}",
                        show(*c, ALL),
                        points_word(*c, Lang::Ru),
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
            let _ = writeln!(s, "   • {name} = {} — {}", value_ru(v), name_of(ed, name));
        }
        for n in &step.notes {
            let _ = writeln!(s, "   • {}", note(ed, n, Figures::Full, Lang::Ru));
        }
        if !step.row_keys.is_empty() {
            let t = n.table.map(|t| ed.tables[t].name.as_str()).unwrap_or("");
            let _ = writeln!(s, "   По строкам ({t}):");
            let values = &out.computed.row_values[b][step.node];
            for (key, v) in step.row_keys.iter().zip(values) {
                let v = v.clone().map(Val::into_v);
                let _ = writeln!(s, "     {key}: {}", value_ru(&v));
            }
        } else {
            let max = n
                .max
                .map(|m| format!(" (максимум {})", show(m, ALL)))
                .unwrap_or_default();
            let _ = writeln!(s, "   Результат: {}{max}", value_ru(&step.value));
        }
        let _ = writeln!(s);
    }
    if d.whole {
        let _ = writeln!(
            s,
            "Итог: {} {}; место {} из {}; степень эффективности: {}",
            fraction_in_full(&bo.score_exact),
            points_word(bo.score, Lang::Ru),
            bo.rank,
            bo.group_size,
            bo.degree
                .and_then(|d| ed.degrees.get(d))
                .map(|d| d.name.as_str())
                .unwrap_or("не определена")
        );
    }
    Ok(s)
}
