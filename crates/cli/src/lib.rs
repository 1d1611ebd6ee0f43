//! The commands of the `bagalau` binary, as functions returning their output, so that tests
//! can call them. View models (JSON/text) live here: the engine does not serialize.

pub mod cycle;
pub mod documents;
pub mod ingest;
pub mod output;
pub mod raw;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use bagalau_data::rating::{self, Rating};
use bagalau_engine::{CriterionScore, Outcome};
use bagalau_methodology::{Edition, Group, NodeBody, PerGroup, ScaleKind, Status};
use bagalau_report::lang::plural_ru;
use bagalau_report::num::format_ru;
use rust_decimal::Decimal;
use serde_json::{json, Value as J};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// The degree bands used by `rating` when no edition is named: those of the 2014 edition (п.48),
/// read from its file so that they are data, not code.
pub const DEFAULT_DEGREES_EDITION: &str = "methodologies/2014-services";

pub fn load_edition(dir: &Path) -> Result<Edition> {
    Ok(bagalau_methodology::load(dir)?)
}

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

/// `bagalau edition check DIR`.
pub fn edition_check(dir: &Path) -> Result<String> {
    let ed = load_edition(dir)?;
    let c = ed.fidelity_counts();
    let mut s = format!(
        "Редакция «{}» ({}) корректна: {} входных показателей, {} параметров, {} шкал, {} вычисляемых значений; \
         элементов по тексту акта: {}, реконструированных: {}, с цитатой: {}.\n",
        ed.title,
        ed.id,
        ed.inputs.len(),
        ed.parameters.len(),
        ed.scales.len(),
        ed.nodes.len(),
        c.verbatim,
        c.reconstructed,
        c.quoted,
    );
    if let Some(p) = &ed.procedure {
        s.push_str(&format!(
            "Процедура оценки (procedure.toml): сроков — {}, этапов — {}, правил реорганизации — {}{}.\n",
            p.deadlines.len(),
            p.stages.len(),
            p.reorganisation.len(),
            p.commission
                .as_ref()
                .map(|c| format!(", специальная комиссия не менее {} человек", c.min_members))
                .unwrap_or_default()
        ));
    }
    if !ed.raw_inputs.is_empty() {
        s.push_str(&format!(
            "Показателей из первичных записей (raw.toml): {}.\n",
            ed.raw_inputs.len()
        ));
    }
    s.push_str(&quote_sources_ru(&ed));
    Ok(s)
}

/// The act by its short name, another source by its name.
fn src_label<'a>(ed: &'a Edition, src: &'a bagalau_methodology::Source) -> &'a str {
    if src.code.is_none() {
        &ed.act.short
    } else {
        &src.name
    }
}

/// One line per source the edition quotes: whether its quotes were checked against its text.
fn quote_sources_ru(ed: &Edition) -> String {
    let mut s = String::new();
    for (i, src) in ed.sources.iter().enumerate() {
        let n = ed
            .citations()
            .iter()
            .filter_map(|(_, _, c)| c.quote.as_ref())
            .filter(|q| ed.quote_source(q).map(|x| x.code.clone()) == Some(src.code.clone()))
            .count();
        if i > 0 && n == 0 {
            continue;
        }
        let what = if src.code.is_none() {
            "акта"
        } else {
            "источника"
        };
        let _ = if src.available {
            writeln!(
                s,
                "Цитаты из текста {what} «{}» ({n}) сверены дословно.",
                src_label(ed, src)
            )
        } else if n > 0 {
            writeln!(
                s,
                "Текст {what} «{}» недоступен: цитаты ({n}) не сверены.",
                src_label(ed, src)
            )
        } else {
            writeln!(
                s,
                "Текст {what} «{}» недоступен; цитат из него нет.",
                src_label(ed, src)
            )
        };
    }
    s
}

/// `bagalau edition describe DIR`: the data dictionary.
pub fn edition_describe(dir: &Path, format: Format) -> Result<String> {
    let ed = load_edition(dir)?;
    if format == Format::Json {
        let inputs: Vec<J> = ed
            .inputs
            .iter()
            .map(|i| {
                json!({
                    "code": i.code,
                    "name": i.name,
                    "file": i.table.map_or("bodies.csv".to_string(), |t| format!("{}.csv", ed.tables[t].code)),
                    "type": i.ty.code(),
                    "unit": i.unit,
                    "min": i.min.map(dec),
                    "max": i.max.map(dec),
                    "optional": i.optional,
                    "applies": i.applies.describe_ru(),
                    "true_for": i.true_for,
                    "inapplicable": if i.notice_inapplicable { "notice" } else { "refuse" },
                    "ref": i.cite.reference,
                    "status": i.cite.status.code(),
                })
            })
            .collect();
        let params: Vec<J> = ed
            .parameters
            .iter()
            .map(|p| {
                let value = match p.value {
                    PerGroup::Same(v) => json!(dec(v)),
                    PerGroup::ByGroup { central, local } => json!({"central": dec(central), "local": dec(local)}),
                };
                json!({"code": p.code, "name": p.name, "value": value, "ref": p.cite.reference, "status": p.cite.status.code()})
            })
            .collect();
        let reporting: Vec<J> = ed
            .reporting
            .iter()
            .map(|t| {
                let indicators: Vec<J> = t
                    .indicators
                    .iter()
                    .map(|i| {
                        json!({
                            "number": i.number,
                            "name": i.name,
                            "provides": i.provides,
                            "inputs": ed.input_codes(&i.inputs),
                            "exemption": i.exemption,
                        })
                    })
                    .collect();
                json!({"code": t.code, "number": t.number, "name": t.name, "ref": t.cite.reference,
                       "status": t.cite.status.code(), "indicators": indicators})
            })
            .collect();
        let directions: Vec<J> = ed
            .directions
            .iter()
            .map(|d| {
                let exceptions: Vec<J> = d
                    .evaluator_exceptions
                    .iter()
                    .map(|e| json!({"bodies": e.bodies, "evaluator": e.evaluator, "note": e.note}))
                    .collect();
                json!({"code": d.code, "name": d.name, "max": dec(d.max), "evaluator": d.evaluator,
                       "evaluator_exceptions": exceptions})
            })
            .collect();
        return Ok(serde_json::to_string_pretty(
            &json!({"edition": ed.id, "directions": directions, "inputs": inputs, "parameters": params, "reporting": reporting,
                    "named_bodies": ed.named_bodies.iter().map(|b| json!({"id": b.id, "name": b.name, "kind": b.group.code(), "ref": b.cite.reference})).collect::<Vec<_>>(),
                    "criterion_evaluator_exceptions": ed.nodes.iter().flat_map(|n| n.evaluator_exceptions.iter().map(move |e| json!({"criterion": n.code, "bodies": e.bodies, "evaluator": e.evaluator, "note": e.note}))).collect::<Vec<_>>(),
                    "procedure": ed.procedure.as_ref().map(|p| p.describe()),
                    "raw_inputs": ed.raw_inputs.iter().map(|r| json!({"input": r.input, "measure": r.measure.kind().code(),
                        "channels": r.measure.channels().iter().map(|c| c.code()).collect::<Vec<_>>(),
                        "source": match &r.measure { bagalau_methodology::raw_inputs::RawMeasure::LateWithoutOneDay(s) => Some(s.code()), _ => None },
                        "survey_kind": r.measure.survey_kind().map(|k| k.code()),
                        "survey_question": match &r.measure { bagalau_methodology::raw_inputs::RawMeasure::SurveyMean { question, .. } => Some(question.code()), _ => None },
                        "survey_scale": match &r.measure { bagalau_methodology::raw_inputs::RawMeasure::SurveyMean { scale, .. } => Some(scale.code()), _ => None },
                        "description": r.measure.describe_ru(),
                        "ref": r.cite.reference, "status": r.cite.status.code()})).collect::<Vec<_>>()}),
        )? + "\n");
    }
    let mut s = String::new();
    let _ = writeln!(s, "Словарь данных редакции «{}»", ed.title);
    let _ = writeln!(s, "Акт: {}", ed.act.name);
    let _ = writeln!(s);
    let mut files: Vec<(String, Option<usize>)> = vec![(
        "bodies.csv — по одной строке на орган (столбцы id, name, kind и показатели)".into(),
        None,
    )];
    for (t, table) in ed.tables.iter().enumerate() {
        files.push((
            format!(
                "{}.csv — {} (столбцы body, {}, name и показатели; {})",
                table.code, table.name, table.key, table.cite.reference
            ),
            Some(t),
        ));
    }
    for (title, t) in files {
        let _ = writeln!(s, "Файл {title}");
        for i in ed.inputs.iter().filter(|i| i.table == t) {
            let mut extra = Vec::new();
            extra.push(format!("тип: {}", i.ty.code()));
            if let Some(u) = &i.unit {
                extra.push(format!("ед.: {u}"));
            }
            match (i.min, i.max) {
                (Some(a), Some(b)) => extra.push(format!("от {} до {}", dec(a), dec(b))),
                (Some(a), None) => extra.push(format!("не менее {}", dec(a))),
                (None, Some(b)) => extra.push(format!("не более {}", dec(b))),
                _ => {}
            }
            if i.optional {
                extra.push("может отсутствовать".into());
            }
            if let Some(tf) = &i.true_for {
                extra.push(format!(
                    "определяет редакция: истина только для {} (ячейку можно не заполнять)",
                    tf.join(", ")
                ));
            }
            if i.notice_inapplicable {
                extra.push("значение для органа, к которому показатель не применяется, записывается и не учитывается (замечание)".into());
            }
            if !i.applies.kinds.is_empty()
                || !i.applies.only.is_empty()
                || !i.applies.except.is_empty()
            {
                extra.push(format!("применяется: {}", i.applies.describe_ru()));
            }
            let _ = writeln!(s, "  {:<36} {}", i.code, i.name);
            let _ = writeln!(
                s,
                "  {:<36} {}; {} [{}]",
                "",
                extra.join("; "),
                i.cite.reference,
                status_ru(i.cite.status)
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "Направления и уполномоченные на оценку органы");
    for d in &ed.directions {
        let _ = writeln!(
            s,
            "  {} «{}» (до {} баллов): {}",
            d.code,
            d.name,
            dec(d.max),
            d.evaluator
                .as_deref()
                .unwrap_or("— (в доступных текстах не назван)")
        );
        for e in &d.evaluator_exceptions {
            let _ = writeln!(
                s,
                "    {}: {}{}",
                e.bodies.join(", "),
                e.evaluator,
                e.note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            );
        }
    }
    if ed.nodes.iter().any(|n| n.evaluator.is_some()) {
        let _ = writeln!(s);
        let _ = writeln!(s, "Критерии, которые оценивает не орган направления");
    }
    for n in ed.nodes.iter() {
        if let Some(e) = &n.evaluator {
            let _ = writeln!(s, "  {} «{}» — {e}", n.code, n.name);
        }
    }
    if ed.nodes.iter().any(|n| !n.evaluator_exceptions.is_empty()) {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Критерии, которые у отдельных органов оценивает другой орган"
        );
    }
    for n in ed
        .nodes
        .iter()
        .filter(|n| !n.evaluator_exceptions.is_empty())
    {
        for e in &n.evaluator_exceptions {
            let _ = writeln!(
                s,
                "  {} «{}» — {}: {}{}",
                n.code,
                n.name,
                e.bodies.join(", "),
                e.evaluator,
                e.note
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default()
            );
        }
    }
    if !ed.named_bodies.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Органы, названные в акте (идентификатор в данных закреплён редакцией)"
        );
        for b in &ed.named_bodies {
            let _ = writeln!(
                s,
                "  {:<10} {} ({}) — {}",
                b.id,
                b.name,
                b.group.code(),
                b.cite.reference
            );
        }
    }
    let _ = writeln!(s);
    if !ed.raw_inputs.is_empty() {
        let _ = writeln!(s, "Показатели, вычисляемые из первичных записей");
        for r in &ed.raw_inputs {
            let _ = writeln!(
                s,
                "  {:<24} {} [{}]",
                r.input,
                r.measure.describe_ru(),
                r.cite.reference
            );
        }
        let _ = writeln!(s);
    }
    if let Some(p) = &ed.procedure {
        let _ = writeln!(
            s,
            "Процедура оценки (сроки, комиссия, реорганизация, этапы)"
        );
        for line in p.describe() {
            let _ = writeln!(s, "  {line}");
        }
        let _ = writeln!(s);
    }
    if !ed.reporting.is_empty() {
        let _ = writeln!(s, "Отчётные данные органов");
        for t in &ed.reporting {
            let _ = writeln!(
                s,
                "  {} «{}» ({}) [{}]",
                t.number,
                t.name,
                t.cite.reference,
                status_ru(t.cite.status)
            );
            for i in &t.indicators {
                let _ = writeln!(s, "    {}. {}", i.number, i.name);
                let _ = writeln!(s, "       представляется: {}", i.provides);
                let inputs = ed.input_codes(&i.inputs);
                let _ = writeln!(
                    s,
                    "       входные данные: {}",
                    if inputs.is_empty() {
                        "— (балла не даёт)".to_string()
                    } else {
                        inputs.join(", ")
                    }
                );
                if let Some(e) = &i.exemption {
                    let _ = writeln!(s, "       исключение: {e}");
                }
            }
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "Параметры");
    for p in &ed.parameters {
        let v = match p.value {
            PerGroup::Same(v) => dec(v),
            PerGroup::ByGroup { central, local } => {
                format!("ЦГО {}, МИО {}", dec(central), dec(local))
            }
        };
        let _ = writeln!(
            s,
            "  {:<36} {} = {v}; {} [{}]",
            p.code,
            p.name,
            p.cite.reference,
            status_ru(p.cite.status)
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Шкалы");
    for sc in &ed.scales {
        let _ = writeln!(s, "  {} — {} ({})", sc.code, sc.name, sc.cite.reference);
        match &sc.kind {
            ScaleKind::Bands { bands, .. } => {
                for b in bands {
                    let _ = writeln!(s, "    {} → {}", b.range, dec(b.points));
                }
            }
            ScaleKind::Categories(cs) => {
                for c in cs {
                    let _ = writeln!(s, "    {} → {} ({})", c.value, dec(c.points), c.name);
                }
            }
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Критерии и вычисляемые значения");
    for n in &ed.nodes {
        let max = n
            .max
            .map(|m| format!(", макс. {}", dec(m)))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "  {:<24} {}{max} — {} [{}]",
            n.code,
            n.name,
            n.cite.reference,
            status_ru(n.cite.status)
        );
        match &n.body {
            NodeBody::Formula(fs) => {
                for f in fs {
                    let g = f
                        .group
                        .map(|g| format!("{}: ", g.code()))
                        .unwrap_or_default();
                    let _ = writeln!(s, "  {:<24} = {g}{}", "", f.text);
                }
            }
            NodeBody::Penalty { items, cap } => {
                for it in items {
                    let _ = writeln!(s, "  {:<24} {} × ({})", "", dec(it.per_fact), it.facts_text);
                }
                if let Some(c) = cap {
                    let _ = writeln!(s, "  {:<24} не более {}", "", dec(*c));
                }
            }
        }
    }
    Ok(s)
}

fn status_ru(s: Status) -> &'static str {
    match s {
        Status::Verbatim => "текст акта",
        Status::Reconstructed => "реконструкция",
    }
}

fn group_short(g: Group) -> &'static str {
    match g {
        Group::Central => "ЦГО",
        Group::Local => "МИО",
    }
}

fn criterion_json(ed: &Edition, c: &CriterionScore) -> J {
    let n = &ed.nodes[c.node];
    json!({
        "code": n.code,
        "number": n.number,
        "name": n.name,
        "score": dec(c.score),
        "max": dec(c.max),
        "bonus": n.bonus,
        "ref": n.cite.reference,
        "children": c.children.iter().map(|k| criterion_json(ed, k)).collect::<Vec<_>>(),
    })
}

/// `bagalau evaluate`: the outcome as JSON or a Russian text table.
pub fn render_outcome(
    ed: &Edition,
    out: &Outcome,
    period: Option<u16>,
    format: Format,
) -> Result<String> {
    let dp = ed.rounding.display_decimals;
    let mut order: Vec<usize> = (0..out.bodies.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&out.bodies[a], &out.bodies[b]);
        x.group
            .cmp(&y.group)
            .then(x.rank.cmp(&y.rank))
            .then(x.id.cmp(&y.id))
    });
    if format == Format::Json {
        let bodies: Vec<J> = order
            .iter()
            .map(|&i| {
                let b = &out.bodies[i];
                let pen = ed.result.penalties.and_then(|p| out.computed.steps[b.index].iter().find(|s| s.node == p));
                let pen_items: Vec<J> = match (pen, ed.result.penalties.map(|p| &ed.nodes[p].body)) {
                    (Some(step), Some(NodeBody::Penalty { items, .. })) => step
                        .penalty_items
                        .iter()
                        .map(|(k, facts, amount)| json!({"code": items[*k].code, "name": items[*k].name, "facts": dec(*facts), "per_fact": dec(items[*k].per_fact), "deduction": dec(*amount)}))
                        .collect(),
                    _ => Vec::new(),
                };
                json!({
                    "id": b.id,
                    "name": b.name,
                    "group": b.group.code(),
                    "criteria": b.criteria.iter().map(|c| criterion_json(ed, c)).collect::<Vec<_>>(),
                    "criteria_total": b.criteria_total.map(dec),
                    "correction_coefficient": b.correction.map(dec),
                    "penalties": b.penalties.map(dec),
                    "penalty_items": pen_items,
                    "penalties_capped": pen.is_some_and(|s| s.capped),
                    "score": dec(b.score),
                    "score_display": format_ru(b.score, dp),
                    "rank": b.rank,
                    "group_size": b.group_size,
                    "degree": b.degree.map(|d| ed.degrees[d].code.clone()),
                    "degree_name": b.degree.map(|d| ed.degrees[d].name.clone()),
                })
            })
            .collect();
        let groups: serde_json::Map<String, J> = out
            .groups
            .iter()
            .map(|g| {
                (
                    g.group.code().to_string(),
                    json!({"count": g.count, "average": g.average.map(dec), "average_display": g.average.map(|a| format_ru(a, 1))}),
                )
            })
            .collect();
        let doc = json!({
            "edition": {"id": ed.id, "title": ed.title, "act": ed.act.short},
            "period": period,
            "bodies": bodies,
            "groups": groups,
        });
        return Ok(serde_json::to_string_pretty(&doc)? + "\n");
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — {}",
        ed.block_name,
        ed.directions
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "Редакция: {}{}",
        ed.title,
        period.map(|p| format!("; период: {p}")).unwrap_or_default()
    );
    for g in &out.groups {
        let _ = writeln!(s);
        let _ = writeln!(s, "{} ({})", g.group.name_ru(), group_short(g.group));
        let _ = writeln!(
            s,
            "{:>5}  {:<10} {:>8}  {:<14} критерии (балл/макс.); итог × коэф. − штраф",
            "место", "орган", "балл", "степень"
        );
        for &i in order.iter().filter(|&&i| out.bodies[i].group == g.group) {
            let b = &out.bodies[i];
            let crit: Vec<String> = b
                .criteria
                .iter()
                .map(|c| {
                    format!(
                        "{} {}/{}",
                        ed.nodes[c.node].code,
                        format_ru(c.score, dp),
                        dec(c.max)
                    )
                })
                .collect();
            let mut tail = b
                .criteria_total
                .map(|t| format_ru(t, dp))
                .unwrap_or_default();
            if let Some(c) = b.correction {
                let _ = write!(tail, " × {}", dec(c));
            }
            if let Some(p) = b.penalties {
                let _ = write!(tail, " − {}", format_ru(p, dp));
            }
            let _ = writeln!(
                s,
                "{:>5}  {:<10} {:>8}  {:<14} {}; {}",
                b.rank,
                b.id,
                format_ru(b.score, dp),
                b.degree.map(|d| ed.degrees[d].name.as_str()).unwrap_or("—"),
                crit.join(", "),
                tail,
            );
        }
        let _ = writeln!(
            s,
            "Среднее значение {}: {} ({} {})",
            group_short(g.group),
            g.average.map(|a| format_ru(a, 1)).unwrap_or_default(),
            g.count,
            plural_ru(g.count as u64, "орган", "органа", "органов")
        );
    }
    Ok(s)
}

/// `bagalau rating`.
pub fn render_rating(r: &Rating, ed: &Edition, format: Format) -> Result<String> {
    if format == Format::Json {
        let rows: Vec<J> = r
            .rows
            .iter()
            .map(|x| {
                json!({
                    "body": x.row.body,
                    "name": x.row.name,
                    "group": x.row.group.code(),
                    "score": dec(x.row.score),
                    "score_display": format_ru(x.row.score, 1),
                    "rank": x.rank,
                    "group_size": x.group_size,
                    "degree": x.degree.map(|d| ed.degrees[d].code.clone()),
                    "previous_score": x.row.previous_score.map(dec),
                    "previous_rank": x.previous_rank,
                    "change": x.change.code(),
                })
            })
            .collect();
        let groups: serde_json::Map<String, J> = r
            .groups
            .iter()
            .map(|g| {
                (
                    g.group.code().to_string(),
                    json!({
                        "count": g.count,
                        "average": g.average.map(dec),
                        "average_display": g.average.map(|a| format_ru(a, 1)),
                        "previous_count": g.previous_count,
                        "previous_average": g.previous_average.map(dec),
                        "previous_average_display": g.previous_average.map(|a| format_ru(a, 1)),
                    }),
                )
            })
            .collect();
        let conflicts: Vec<J> = r
            .conflicts
            .iter()
            .map(|c| {
                json!({"body": c.body, "group": c.group.code(), "previous_score": dec(c.previous_score),
                       "published_previous_rank": c.published, "ranks_allowed": [c.lo, c.hi]})
            })
            .collect();
        return Ok(serde_json::to_string_pretty(
            &json!({"degrees_from": ed.id, "rows": rows, "groups": groups, "previous_rank_conflicts": conflicts}),
        )? + "\n");
    }
    let mut s = String::new();
    for c in &r.conflicts {
        let _ = writeln!(
            s,
            "внимание: {} — опубликованное прошлое место {} не согласуется с прошлым баллом {} (по баллам — {}–{})",
            c.body,
            c.published,
            format_ru(c.previous_score, 1),
            c.lo,
            c.hi
        );
    }
    for g in &r.groups {
        let _ = writeln!(s, "{} ({})", g.group.name_ru(), group_short(g.group));
        let _ = writeln!(
            s,
            "{:<28} {:>6} {:>6}  {:>5} {:>5}  ↕  степень",
            "орган", "балл", "пред.", "место", "пред."
        );
        for x in r.rows.iter().filter(|x| x.row.group == g.group) {
            let _ = writeln!(
                s,
                "{:<28} {:>6} {:>6}  {:>5} {:>5}  {}  {}",
                x.row.name.as_deref().unwrap_or(&x.row.body),
                format_ru(x.row.score, 1),
                x.row
                    .previous_score
                    .map(|p| format_ru(p, 1))
                    .unwrap_or_else(|| "-".into()),
                x.rank,
                x.previous_rank
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "-".into()),
                x.change.arrow(),
                x.degree.map(|d| ed.degrees[d].name.as_str()).unwrap_or("—"),
            );
        }
        let _ = writeln!(
            s,
            "СРЕДНЕЕ ЗНАЧЕНИЕ {}: {} (пред. {})\n",
            group_short(g.group),
            g.average.map(|a| format_ru(a, 1)).unwrap_or_default(),
            g.previous_average
                .map(|a| format_ru(a, 1))
                .unwrap_or_else(|| "-".into())
        );
    }
    let _ = writeln!(
        s,
        "Степени эффективности по: {} ({})",
        ed.title,
        ed.degrees
            .first()
            .map(|d| d.cite.reference.as_str())
            .unwrap_or("")
    );
    Ok(s)
}

/// Loads an edition and a dataset and evaluates.
pub fn run_evaluation(edition: &Path, data: &Path) -> Result<(Edition, Outcome, Option<u16>)> {
    let (ed, out, period, _) = run_evaluation_with_notices(edition, data)?;
    Ok((ed, out, period))
}

/// [`run_evaluation`] with the data notices: values recorded and ignored, not refused (e.g. a
/// local body's NGO meetings, 2023 table 6 note ***), one line each, in Russian.
pub fn run_evaluation_with_notices(
    edition: &Path,
    data: &Path,
) -> Result<(Edition, Outcome, Option<u16>, Vec<String>)> {
    let ed = load_edition(edition)?;
    let loaded = bagalau_data::load_dataset(&ed, data)?;
    let out = bagalau_engine::evaluate(&ed, &loaded.dataset)
        .with_context(|| format!("оценка данных {} по редакции «{}»", data.display(), ed.id))?;
    let notices = loaded
        .notices
        .iter()
        .map(|n| format!("замечание: {n}"))
        .collect();
    Ok((ed, out, loaded.meta.period, notices))
}

pub fn rating_command(scores: &Path, edition: &Path, format: Format) -> Result<String> {
    let ed = load_edition(edition)
        .with_context(|| format!("степени эффективности из редакции {}", edition.display()))?;
    let rows = rating::read_scores(scores)?;
    render_rating(&rating::rate(rows, &ed.degrees), &ed, format)
}

/// `bagalau edition fidelity DIR`: every item with its legal reference and status, and the counts
/// — the list a methodologist confirms against the official text.
pub fn edition_fidelity(dir: &Path, format: Format) -> Result<String> {
    let ed = load_edition(dir)?;
    let cites = ed.citations();
    let counts = ed.fidelity_counts();
    let (verbatim, reconstructed) = (counts.verbatim, counts.reconstructed);
    if format == Format::Json {
        let items: Vec<J> = cites
            .iter()
            .map(|(code, name, c)| {
                json!({
                    "code": code,
                    "name": name,
                    "ref": c.reference,
                    "status": c.status.code(),
                    "note": c.note,
                    "quote": c.quote.as_ref().map(|q| q.fragments.clone()),
                    "quote_source": c.quote.as_ref().and_then(|q| ed.quote_source(q)).map(|s| s.name.clone()),
                    "location": c.location.to_string(),
                })
            })
            .collect();
        return Ok(serde_json::to_string_pretty(&json!({
            "edition": ed.id,
            "act": ed.act.name,
            "items": items,
            "verbatim": verbatim,
            "reconstructed": reconstructed,
            "quoted": counts.quoted,
            "shares_percent": {
                "verbatim": counts.percent(verbatim),
                "reconstructed": counts.percent(reconstructed),
                "quoted": counts.percent(counts.quoted),
            },
        }))? + "\n");
    }
    let mut s = String::new();
    let _ = writeln!(s, "Отчёт о соответствии тексту акта: {}", ed.title);
    let _ = writeln!(s, "Акт: {}", ed.act.name);
    s.push_str(&quote_sources_ru(&ed));
    let _ = writeln!(s);
    for (code, name, c) in &cites {
        let _ = writeln!(s, "[{}] {code} — {name}", status_ru(c.status));
        let _ = writeln!(s, "    основание: {}; {}", c.reference, c.location);
        if let Some(q) = &c.quote {
            let _ = writeln!(s, "    цитата: «{}»", q.fragments.join("» … «"));
        }
        if let Some(n) = &c.note {
            let _ = writeln!(s, "    примечание: {n}");
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Всего элементов: {}; по тексту акта: {verbatim} ({} %); реконструировано: {reconstructed} ({} %); \
         с цитатой: {} ({} %).",
        counts.items,
        counts.percent(verbatim),
        counts.percent(reconstructed),
        counts.quoted,
        counts.percent(counts.quoted)
    );
    Ok(s)
}

/// `bagalau edition diff A B`.
pub fn edition_diff(
    a: &Path,
    b: &Path,
    crosswalk: Option<&Path>,
    format: Format,
) -> Result<String> {
    let (ea, eb) = (load_edition(a)?, load_edition(b)?);
    let cw = crosswalk
        .map(bagalau_methodology::crosswalk::Crosswalk::load)
        .transpose()
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    let changes = bagalau_methodology::diff::diff(&ea, &eb, cw.as_ref());
    if format == Format::Json {
        let items: Vec<J> = changes
            .iter()
            .map(|c| {
                json!({
                    "section": c.section, "code": c.code, "name": c.name, "kind": format!("{:?}", c.kind).to_lowercase(),
                    "detail": c.detail, "before": c.before, "after": c.after,
                    "ref_before": c.ref_before, "ref_after": c.ref_after,
                })
            })
            .collect();
        return Ok(serde_json::to_string_pretty(
            &json!({"from": ea.id, "to": eb.id, "changes": items}),
        )? + "\n");
    }
    let mut s = String::new();
    let _ = writeln!(s, "Сравнение редакций: «{}» → «{}»", ea.title, eb.title);
    let _ = writeln!(s, "  было: {}", ea.act.name);
    let _ = writeln!(s, "  стало: {}", eb.act.name);
    let mut section = "";
    for c in &changes {
        if c.section != section {
            section = c.section;
            let _ = writeln!(s, "\n== {} ==", section.to_uppercase());
        }
        let refs = match (&c.ref_before, &c.ref_after) {
            (Some(x), Some(y)) if x != y => format!("{x} → {y}"),
            (Some(x), _) | (None, Some(x)) => x.clone(),
            _ => String::new(),
        };
        let what = if c.detail.is_empty() {
            String::new()
        } else {
            format!(", {}", c.detail)
        };
        let _ = writeln!(
            s,
            "{} {} «{}» ({}{what}) [{refs}]",
            marker(c.kind),
            c.code,
            c.name,
            c.kind.ru()
        );
        if let Some(b) = &c.before {
            let _ = writeln!(s, "    было:  {b}");
        }
        if let Some(a) = &c.after {
            let _ = writeln!(s, "    стало: {a}");
        }
    }
    if changes.is_empty() {
        let _ = writeln!(s, "\nРазличий нет.");
    } else {
        let count = |k| changes.iter().filter(|c| c.kind == k).count();
        use bagalau_methodology::diff::ChangeKind::*;
        let _ = writeln!(
            s,
            "\nИтого: добавлено {}, исключено {}, изменено {}.",
            count(Added),
            count(Removed),
            count(Changed)
        );
    }
    Ok(s)
}

fn marker(k: bagalau_methodology::diff::ChangeKind) -> &'static str {
    use bagalau_methodology::diff::ChangeKind::*;
    match k {
        Added => "+",
        Removed => "−",
        Changed => "~",
    }
}

/// Loads every edition folder under `root` (each subfolder with an `edition.toml`).
pub fn load_all_editions(root: &Path) -> Result<Vec<Edition>> {
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .with_context(|| format!("папка редакций {}", root.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("edition.toml").exists())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|d| load_edition(d).with_context(|| format!("редакция {}", d.display())))
        .collect()
}

/// `bagalau edition coverage`: for every period, the edition that applies — or the gap.
pub fn edition_coverage(root: &Path, from: u16, to: u16) -> Result<(String, bool)> {
    let eds = load_all_editions(root)?;
    let cov = bagalau_methodology::diff::coverage(&eds, from, to);
    let mut s = String::new();
    let mut complete = true;
    let _ = writeln!(s, "Период  Редакция — почему");
    for (p, ids) in &cov {
        match ids.len() {
            0 => {
                complete = false;
                let _ = writeln!(s, "{p}    — нет редакции: оценка за этот период невозможна");
            }
            1 => {
                let _ = writeln!(s, "{p}    {} — {}", ids[0].0, ids[0].1);
            }
            _ => {
                let _ = writeln!(
                    s,
                    "{p}    {} (несколько состояний — указывайте редакцию явно)",
                    ids.iter().map(|x| x.0).collect::<Vec<_>>().join(", ")
                );
                for (id, why) in ids {
                    let _ = writeln!(s, "        {id} — {why}");
                }
            }
        }
    }
    Ok((s, complete))
}

/// Chooses the edition for a period among all editions, refusing gaps and ambiguity.
pub fn edition_for_period(root: &Path, period: u16) -> Result<Edition> {
    let eds = load_all_editions(root)?;
    let mut matching: Vec<Edition> = eds
        .into_iter()
        .filter(|e| e.validity.periods.contains(&period))
        .collect();
    match matching.len() {
        0 => anyhow::bail!(
            "ни одна редакция в {} не охватывает период {period}: оценка по правилам другого года не выполняется",
            root.display()
        ),
        1 => Ok(matching.remove(0)),
        _ => anyhow::bail!(
            "период {period} охватывают несколько редакций ({}): укажите --edition явно",
            matching.iter().map(|e| e.id.as_str()).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `bagalau history`: one body across periods, each evaluated under its own edition, with the
/// criteria that continue from one edition to the next (the crosswalk).
pub fn history(body: &str, runs: &[(PathBuf, PathBuf)], crosswalk: &Path) -> Result<String> {
    let cw = bagalau_methodology::crosswalk::Crosswalk::load(crosswalk)
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    let mut columns = Vec::new();
    for (edition, data) in runs {
        let (ed, out, period) = run_evaluation(edition, data)?;
        let unknown = cw.unknown_codes(&ed);
        if !unknown.is_empty() {
            anyhow::bail!(
                "{}: коды {} не определены в редакции «{}»",
                crosswalk.display(),
                unknown.join(", "),
                ed.id
            );
        }
        columns.push((ed, out, period));
    }
    columns.sort_by_key(|c| c.2);
    let mut s = String::new();
    let name = columns
        .iter()
        .find_map(|(_, o, _)| {
            o.bodies
                .iter()
                .find(|b| b.id == body)
                .map(|b| b.name.clone())
        })
        .ok_or_else(|| anyhow::anyhow!("орган «{body}» не найден ни в одном наборе данных"))?;
    let _ = writeln!(s, "{name} ({body}): динамика по периодам");
    let header: Vec<String> = columns
        .iter()
        .map(|(ed, _, p)| format!("{} ({})", p.map_or("—".into(), |p| p.to_string()), ed.id))
        .collect();
    let _ = writeln!(
        s,
        "{:<44} {}",
        "показатель",
        header
            .iter()
            .map(|h| format!("{h:<30}"))
            .collect::<String>()
    );
    let cell = |ed: &Edition, out: &Outcome, codes: Option<&Vec<String>>| -> String {
        let Some(b) = out.bodies.iter().find(|b| b.id == body) else {
            return "нет в данных".into();
        };
        let Some(codes) = codes else {
            return "—".into();
        };
        for code in codes {
            let Some(n) = ed.node(code) else { continue };
            if !out.computed.applicable[b.index][n] {
                continue;
            }
            let v = out.computed.values[b.index][n].and_then(bagalau_engine::Value::as_num);
            let dp = ed.rounding.display_decimals;
            return match (v, ed.nodes[n].max) {
                (Some(v), Some(m)) if !m.is_zero() => format!(
                    "{}/{} ({}%) [{code}]",
                    format_ru(v, dp),
                    dec(m),
                    v.checked_mul(Decimal::ONE_HUNDRED)
                        .and_then(|x| x.checked_div(m))
                        .map(|p| format_ru(p, 0))
                        .unwrap_or_else(|| "—".into())
                ),
                (Some(v), _) => format!("{} [{code}]", format_ru(v, dp)),
                (None, _) => format!("нет значения [{code}]"),
            };
        }
        "—".into()
    };
    for c in &cw.concepts {
        let cells: String = columns
            .iter()
            .map(|(ed, out, _)| format!("{:<30}", cell(ed, out, c.nodes.get(&ed.id))))
            .collect();
        let _ = writeln!(s, "{:<44} {cells}", c.name);
    }
    let finals: String = columns
        .iter()
        .map(|(ed, out, _)| {
            let t = out.bodies.iter().find(|b| b.id == body).map_or(
                "нет в данных".to_string(),
                |b| {
                    format!(
                        "{}; {} из {}; {}",
                        format_ru(b.score, ed.rounding.display_decimals),
                        b.rank,
                        b.group_size,
                        b.degree.map(|d| ed.degrees[d].name.as_str()).unwrap_or("—")
                    )
                },
            );
            format!("{t:<30}")
        })
        .collect();
    let _ = writeln!(s, "{:<44} {finals}", "итоговая оценка; место; степень");
    Ok(s)
}
