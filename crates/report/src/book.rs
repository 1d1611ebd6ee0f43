//! «Книга редакции»: one document per edition that a methodologist reads and signs — every item
//! ordered by the paragraph of the act it implements, with the act's words (the quote), the rule
//! as the edition writes it (formula with a legend of its names, value, scale), its status
//! (verbatim / reconstructed) and the note explaining a reconstruction.

use std::collections::BTreeMap;

use crate::num::format_ru;
use bagalau_methodology::{
    Citation, Edition, Group, InputType, NodeBody, NodeRole, PerGroup, ScaleKind, Status,
};
use bagalau_office::{Align, Block, Cell, Column, Document, Lang, Run, Table};
use rust_decimal::Decimal;

/// One item of the book.
struct Item {
    kind: &'static str,
    code: String,
    name: String,
    rule: String,
    cite: Citation,
}

fn num(d: Decimal) -> String {
    format_ru(d.normalize(), d.normalize().scale())
}

fn per_group(v: &PerGroup) -> String {
    match v {
        PerGroup::Same(d) => num(*d),
        PerGroup::ByGroup { central, local } => {
            format!("ЦГО: {}; МИО: {}", num(*central), num(*local))
        }
    }
}

/// The formula text and a legend of the names it uses, with their Russian names.
fn formula_rule(
    ed: &Edition,
    group: Option<Group>,
    text: &str,
    e: &bagalau_methodology::expr::Expr,
) -> String {
    let mut names: Vec<&str> = Vec::new();
    e.visit_names(&mut |n, _| {
        if !names.contains(&n) {
            names.push(n);
        }
    });
    let legend: Vec<String> = names
        .iter()
        .filter_map(|n| ed.describe_name(n).map(|d| format!("{n} — {d}")))
        .collect();
    let prefix = match group {
        Some(Group::Central) => "ЦГО: ",
        Some(Group::Local) => "МИО: ",
        None => "",
    };
    let mut s = format!("{prefix}{text}");
    if text.contains("max") && !names.contains(&"max") {
        s.push_str("\n(max — максимальный балл этого критерия)");
    }
    if !legend.is_empty() {
        s.push_str("\nгде: ");
        s.push_str(&legend.join("; "));
    }
    s
}

/// The paragraph number an item cites first (`п.39–40` → 39), for ordering; items citing only
/// an appendix come after the paragraphs, in the order of the appendix number.
fn paragraph_key(reference: &str) -> (u32, u32, String) {
    let first_number = |s: &str| -> Option<u32> {
        let digits: String = s
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    if let Some(at) = reference.find("п.") {
        if let Some(n) = first_number(&reference[at + "п.".len()..]) {
            return (0, n, format!("п.{n}"));
        }
    }
    if let Some(at) = reference.find("приложени") {
        if let Some(n) = first_number(&reference[at..]) {
            return (1, n, format!("Приложение {n}"));
        }
    }
    (2, 0, "Прочие положения".to_string())
}

fn items(ed: &Edition) -> Vec<Item> {
    let mut out = Vec::new();
    out.push(Item {
        kind: "действие",
        code: "validity".into(),
        name: "Оцениваемые периоды".into(),
        rule: ed
            .validity
            .periods
            .iter()
            .map(|&p| {
                match ed.validity.evaluated.iter().find(|e| e.period == p) {
                    // The year of carrying out and the reason (`[[validity.evaluated]]`).
                    Some(e) => format!(
                        "{p} год (оценка проводится в {} году): {}",
                        e.carried_out, e.reason
                    ),
                    None => format!("{p} год"),
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        cite: ed.validity.cite.clone(),
    });
    for b in &ed.named_bodies {
        out.push(Item {
            kind: "орган",
            code: b.id.clone(),
            name: b.name.clone(),
            rule: format!("идентификатор в данных «{}», {}", b.id, b.group.name_ru()),
            cite: b.cite.clone(),
        });
    }
    out.push(Item {
        kind: "округление",
        code: "rounding".into(),
        name: "Округление".into(),
        rule: {
            let r = &ed.rounding;
            let mut s = format!("показ: {} знака", r.display_decimals);
            if let Some(n) = r.rank_decimals {
                s.push_str(&format!("; места — по оценке, округлённой до {n} знаков"));
            }
            if let Some(n) = r.degree_decimals {
                s.push_str(&format!("; степень — по оценке, округлённой до {n} знаков"));
            }
            s
        },
        cite: ed.rounding.cite.clone(),
    });
    for d in &ed.directions {
        let mut rule = format!("максимум {}", num(d.max));
        if let Some(e) = &d.evaluator {
            rule.push_str(&format!("; оценивает: {e}"));
        }
        for x in &d.evaluator_exceptions {
            rule.push_str(&format!("; {}: {}", x.bodies.join(", "), x.evaluator));
        }
        out.push(Item {
            kind: "направление",
            code: d.code.clone(),
            name: d.name.clone(),
            rule,
            cite: d.cite.clone(),
        });
    }
    for d in &ed.degrees {
        out.push(Item {
            kind: "степень",
            code: d.code.clone(),
            name: d.name.clone(),
            rule: d.range.to_string(),
            cite: d.cite.clone(),
        });
    }
    for i in &ed.inputs {
        let ty = match i.ty {
            InputType::Number => "число",
            InputType::Integer => "целое",
            InputType::Bool => "да/нет",
        };
        let mut rule = ty.to_string();
        if let Some(u) = &i.unit {
            rule.push_str(&format!(", {u}"));
        }
        match (i.min, i.max) {
            (Some(a), Some(b)) => rule.push_str(&format!(", от {} до {}", num(a), num(b))),
            (Some(a), None) => rule.push_str(&format!(", не менее {}", num(a))),
            (None, Some(b)) => rule.push_str(&format!(", не более {}", num(b))),
            (None, None) => {}
        }
        if i.optional {
            rule.push_str(", может отсутствовать");
        }
        if let Some(t) = &i.true_for {
            rule.push_str(&format!(
                ", определяет редакция: да только для {}",
                t.join(", ")
            ));
        }
        if i.notice_inapplicable {
            rule.push_str(", у органов, к которым не применяется, — замечание, не отказ");
        }
        out.push(Item {
            kind: "входные данные",
            code: i.code.clone(),
            name: i.name.clone(),
            rule,
            cite: i.cite.clone(),
        });
    }
    for p in &ed.parameters {
        let mut rule = per_group(&p.value);
        if let Some(u) = &p.unit {
            rule.push_str(&format!(" ({u})"));
        }
        out.push(Item {
            kind: "параметр",
            code: p.code.clone(),
            name: p.name.clone(),
            rule,
            cite: p.cite.clone(),
        });
    }
    for s in &ed.scales {
        let rule = match &s.kind {
            ScaleKind::Bands { bands, .. } => bands
                .iter()
                .map(|b| format!("{} → {}", b.range, num(b.points)))
                .collect::<Vec<_>>()
                .join("; "),
            ScaleKind::Categories(c) => c
                .iter()
                .map(|c| format!("{} ({}) → {}", c.value, c.name, num(c.points)))
                .collect::<Vec<_>>()
                .join("; "),
        };
        out.push(Item {
            kind: "шкала",
            code: s.code.clone(),
            name: s.name.clone(),
            rule,
            cite: s.cite.clone(),
        });
    }
    for n in &ed.nodes {
        let kind = match n.role {
            NodeRole::Criterion => "критерий",
            NodeRole::Value => "значение",
            NodeRole::Penalty => "штраф",
        };
        let rule = match &n.body {
            NodeBody::Formula(fs) => {
                let mut parts: Vec<String> = fs
                    .iter()
                    .map(|f| formula_rule(ed, f.group, &f.text, &f.expr))
                    .collect();
                if let Some(m) = n.max {
                    parts.insert(0, format!("максимальный балл {}", num(m)));
                }
                if let Some(e) = &n.evaluator {
                    parts.push(format!("оценивает: {e}"));
                }
                for x in &n.evaluator_exceptions {
                    parts.push(format!(
                        "оценивает у {}: {}",
                        x.bodies.join(", "),
                        x.evaluator
                    ));
                }
                parts.join("\n")
            }
            NodeBody::Penalty { cap, .. } => match cap {
                Some(c) => format!("сумма по видам фактов, не более {}", num(*c)),
                None => "сумма по видам фактов".to_string(),
            },
        };
        out.push(Item {
            kind,
            code: n.code.clone(),
            name: n.name.clone(),
            rule,
            cite: n.cite.clone(),
        });
        if let NodeBody::Penalty { items, .. } = &n.body {
            for it in items {
                out.push(Item {
                    kind: "вид фактов",
                    code: format!("{}.{}", n.code, it.code),
                    name: it.name.clone(),
                    rule: format!(
                        "{} балла за факт; факты: {}",
                        num(it.per_fact),
                        formula_rule(ed, None, &it.facts_text, &it.facts)
                    ),
                    cite: it.cite.clone(),
                });
            }
        }
    }
    if let Some(p) = &ed.procedure {
        for ((code, name, cite), rule) in p.citations().into_iter().zip(p.describe()) {
            out.push(Item {
                kind: "процедура",
                code,
                name,
                rule,
                cite: cite.clone(),
            });
        }
    }
    // The inputs computed from raw records (`raw.toml`): the input and its measure.
    for r in &ed.raw_inputs {
        out.push(Item {
            kind: "из первичных записей",
            code: r.input.clone(),
            name: ed
                .inputs
                .iter()
                .find(|i| i.code == r.input)
                .map_or_else(String::new, |i| i.name.clone()),
            rule: format!("Из первичных записей: {}", r.measure.describe_ru()),
            cite: r.cite.clone(),
        });
    }
    out
}

/// The edition book.
pub fn book(ed: &Edition) -> Document {
    let mut blocks = vec![
        Block::Heading {
            level: 1,
            text: format!("Книга редакции: {}", ed.title),
        },
        Block::Paragraph {
            runs: vec![Run::bold("Акт: "), Run::plain(&ed.act.name)],
            align: Align::Left,
        },
    ];
    let mut facts = Vec::new();
    if let Some(r) = &ed.act.registration {
        facts.push(format!("государственная регистрация {r}"));
    }
    if let Some(a) = &ed.act.adopted {
        facts.push(format!("принят {a}"));
    }
    if let Some(r) = &ed.act.repealed {
        facts.push(format!("утратил силу {r}"));
    }
    if !facts.is_empty() {
        blocks.push(Block::Paragraph {
            runs: vec![Run::plain(facts.join("; "))],
            align: Align::Left,
        });
    }
    let counts = ed.fidelity_counts();
    blocks.push(Block::Paragraph {
        runs: vec![Run::plain(format!(
            "Элементов: {}; по тексту акта: {} ({} %); реконструировано: {} ({} %); с цитатой: {} ({} %).",
            counts.items,
            counts.verbatim,
            counts.percent(counts.verbatim),
            counts.reconstructed,
            counts.percent(counts.reconstructed),
            counts.quoted,
            counts.percent(counts.quoted),
        ))],
        align: Align::Left,
    });
    for (i, s) in ed.sources.iter().enumerate() {
        let what = if i == 0 {
            format!("Текст акта «{}»", ed.act.short)
        } else {
            format!("Источник «{}»", s.name)
        };
        let state = if s.available {
            "цитаты сверены с текстом дословно"
        } else {
            "текст недоступен, цитаты не сверены"
        };
        blocks.push(Block::Paragraph {
            runs: vec![Run::plain(format!("{what}: {state}."))],
            align: Align::Left,
        });
    }
    let mut by_paragraph: BTreeMap<(u32, u32, String), Vec<Item>> = BTreeMap::new();
    for it in items(ed) {
        by_paragraph
            .entry(paragraph_key(&it.cite.reference))
            .or_default()
            .push(it);
    }
    let mut rows = Vec::new();
    for ((_, _, title), list) in &by_paragraph {
        rows.push(vec![Cell::bold(title.clone()).span(5)]);
        for it in list {
            let quote = it
                .cite
                .quote
                .as_ref()
                .map(|q| {
                    let src = ed
                        .quote_source(q)
                        .filter(|s| s.code.is_some())
                        .map(|s| format!(" ({})", s.name))
                        .unwrap_or_default();
                    format!("«{}»{src}", q.fragments.join("» … «"))
                })
                .unwrap_or_default();
            let status = match it.cite.status {
                Status::Verbatim => "по тексту акта",
                Status::Reconstructed => "реконструкция",
            };
            rows.push(vec![
                Cell::new(format!(
                    "{} «{}» ({}), {}",
                    it.code, it.name, it.kind, it.cite.reference
                )),
                Cell::new(quote),
                Cell::new(it.rule.clone()),
                Cell::new(status),
                Cell::new(it.cite.note.clone().unwrap_or_default()),
            ]);
        }
    }
    blocks.push(Block::Table(Table {
        caption: Some("Положения акта и правила редакции".into()),
        columns: vec![
            Column::left(22),
            Column::left(26),
            Column::left(26),
            Column::center(9),
            Column::left(27),
        ],
        header: vec![vec![
            Cell::bold("Элемент, пункт"),
            Cell::bold("Текст акта"),
            Cell::bold("Правило редакции"),
            Cell::bold("Статус"),
            Cell::bold("Примечание"),
        ]],
        rows,
    }));
    blocks.push(Block::Signatures(vec![bagalau_office::Signature {
        position: "Методолог, сверивший редакцию с текстом акта".into(),
        name: String::new(),
    }]));
    Document {
        lang: Lang::Ru,
        title: format!("Книга редакции {}", ed.id),
        landscape: true,
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::paragraph_key;

    #[test]
    fn items_are_ordered_by_their_first_paragraph() {
        assert_eq!(paragraph_key("п.39–40").1, 39);
        assert_eq!(paragraph_key("приказ, п.5; сноска").1, 5);
        assert_eq!(paragraph_key("приложение 7").0, 1);
        assert!(paragraph_key("п.9") < paragraph_key("п.16"));
        assert!(paragraph_key("п.99") < paragraph_key("приложение 1"));
        assert_eq!(paragraph_key("тест").0, 2);
    }
}
