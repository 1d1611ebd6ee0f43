//! Заключение о результатах оценки: the form of appendices 3/4 of the 2014 methodology in the shape
//! of seed 003 — header, table of criteria with score and maximum, total, correction coefficient,
//! penalty, final score, degree; the analysis per criterion generated from the trace; findings and
//! the evaluator's editable recommendations; the signature block.

use std::collections::BTreeSet;

use bagalau_engine::eval::V;
use bagalau_engine::{BodyOutcome, CriterionScore, Value};
use bagalau_methodology::{NodeBody, Status, Symbol};
use bagalau_office::{Align, Block, Cell, Column, Document, Lang, Run as R, Signature, Table};
use rust_decimal::Decimal;

use crate::lang::{degree_phrase, group_short, l};
use crate::{signed, ReportError, Run};

/// What the evaluator adds to a generated conclusion.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// Recommendations written by the evaluator (the editable part of «Выводы и рекомендации»).
    pub recommendations: String,
    /// Signatories: (position, name).
    pub signatories: Vec<(String, String)>,
}

/// The table of the `--texts` file a conclusion's texts live in: the body, or `BODY:DIRECTION`.
pub fn texts_key(body: &str, direction: Option<&str>) -> String {
    match direction {
        Some(d) => format!("{body}:{d}"),
        None => body.to_string(),
    }
}

/// Input code by which an edition gives the previous period's final score (see DATA-FORMAT).
pub const PREVIOUS_SCORE_INPUT: &str = "previous_final_score";

/// The conclusion for one body.
/// `direction`: the code of one direction of a multi-direction edition (each direction has its
/// own evaluator and conclusion); `None` — the whole block.
pub fn conclusion(
    run: &Run,
    body_id: &str,
    direction: Option<&str>,
    lang: Lang,
    extra: &Extra,
) -> Result<Document, ReportError> {
    let ed = run.ed;
    let full = run.body(body_id)?;
    let scope = scope(run, full, direction)?;
    let b = &scope.body;
    let dp = ed.rounding.display_decimals;
    let mut blocks = Vec::new();

    // Header.
    let single = scope.direction.or(if ed.directions.len() == 1 {
        Some(0)
    } else {
        None
    });
    let heading = match (lang, single) {
        (Lang::Ru, Some(d)) => format!(
            "Заключение о результатах оценки по направлению «{}» блока «{}»",
            ed.directions[d].name, ed.block_name
        ),
        (Lang::Ru, None) => format!(
            "Заключение о результатах оценки по блоку «{}»",
            ed.block_name
        ),
        (Lang::Kk, Some(d)) => format!(
            "«{}» блогының «{}» бағыты бойынша бағалау нәтижелері туралы қорытынды",
            ed.block_name, ed.directions[d].name
        ),
        (Lang::Kk, None) => format!(
            "«{}» блогы бойынша бағалау нәтижелері туралы қорытынды",
            ed.block_name
        ),
    };
    blocks.push(Block::Heading {
        level: 1,
        text: heading,
    });
    blocks.push(centered(vec![R::bold(b.name.clone())]));
    blocks.push(centered(vec![R::italic(format!(
        "({})",
        match b.group {
            bagalau_methodology::Group::Central => l(
                lang,
                "наименование центрального государственного органа",
                "орталық мемлекеттік органның атауы"
            ),
            bagalau_methodology::Group::Local => l(
                lang,
                "наименование местного исполнительного органа",
                "жергілікті атқарушы органның атауы"
            ),
        }
    ))]));
    if let Some(p) = run.period {
        blocks.push(centered(vec![R::bold(format!(
            "{p} {}",
            l(lang, "год", "жыл")
        ))]));
        blocks.push(centered(vec![R::italic(format!(
            "({})",
            l(lang, "отчетный период", "есепті кезең")
        ))]));
    }
    blocks.push(para(vec![
        R::plain(format!("{}: ", l(lang, "Методика", "Әдістеме"))),
        R::plain(ed.act.name.clone()),
    ]));
    // Who evaluates (the direction's authorized body, or the body named for this body).
    let evaluator = single.and_then(|d| ed.directions[d].evaluator_for(&b.id));
    if let Some(e) = evaluator {
        blocks.push(para(vec![
            R::plain(format!(
                "{}: ",
                l(
                    lang,
                    "Уполномоченный на оценку орган",
                    "Бағалау жөніндегі уәкілетті орган"
                )
            )),
            R::bold(e.to_string()),
        ]));
        // Criteria of this direction that another authorized body evaluates for this body (2023
        // п.5, п.26: the Ministry of Digital Development's «Автоматизация»).
        let dir = &ed.directions[single.unwrap_or_default()].code;
        for (k, n) in ed.nodes.iter().enumerate() {
            let mut top = n.parent.as_deref();
            while let Some(p) = top.filter(|p| *p != dir) {
                top = ed.node(p).and_then(|i| ed.nodes[i].parent.as_deref());
            }
            match ed.criterion_evaluator_for(k, &b.id) {
                Some(other) if top.is_some() && other != e => blocks.push(para(vec![
                    R::plain(format!("{} «{}»: ", l(lang, "Критерий", "Өлшем"), n.name)),
                    R::bold(other.to_string()),
                ])),
                _ => {}
            }
        }
    }

    blocks.push(Block::Table(score_table(run, b, &scope.penalties, lang)));

    // Analysis per criterion.
    blocks.push(Block::Heading {
        level: 2,
        text: l(
            lang,
            "Анализ эффективности деятельности по критериям оценки",
            "Бағалау өлшемшарттары бойынша қызмет тиімділігін талдау",
        )
        .into(),
    });
    let mut k = 0;
    for c in b.criteria.iter().filter(|c| shown(ed, c)) {
        k += 1;
        analysis(run, b, c, k, lang, &mut blocks);
    }
    for &pen in &scope.penalties {
        penalty_analysis(run, b, pen, lang, &mut blocks);
    }

    // Findings and recommendations.
    blocks.push(Block::Heading {
        level: 2,
        text: l(lang, "Выводы и рекомендации", "Қорытындылар мен ұсынымдар").into(),
    });
    let mut findings = Vec::new();
    if let Some(d) = b.degree {
        let band = &ed.degrees[d];
        findings.push(match lang {
            Lang::Ru => vec![
                R::plain(match run.period {
                    Some(p) => format!("Итоги оценки за {p} год показали "),
                    None => "Итоги оценки показали ".to_string(),
                }),
                R::bold(degree_phrase(lang, band)),
                R::plain(format!(
                    " органа ({} {}).",
                    run.show(b.score),
                    crate::points_word(b.score, lang)
                )),
            ],
            Lang::Kk => vec![
                R::plain(match run.period {
                    Some(p) => format!("{p} жылғы бағалау қорытындысы "),
                    None => "Бағалау қорытындысы ".to_string(),
                }),
                R::bold(degree_phrase(lang, band)),
                R::plain(format!(" көрсетті ({} балл).", run.show(b.score))),
            ],
        });
    }
    // The previous period's score is the block's: compared only in a block-wide conclusion.
    let block_wide = scope.direction.is_none() || ed.directions.len() == 1;
    if let Some(prev) = previous_score(run, b).filter(|_| block_wide) {
        let diff = b.score - prev;
        let (prev_s, diff_s) = (run.show(prev), signed(diff, dp));
        let (pw, dw) = (
            crate::points_word(prev, lang),
            crate::points_word(diff, lang),
        );
        let mut text = match lang {
            Lang::Ru => format!(
                "По сравнению с предыдущим периодом ({prev_s} {pw}) итоговая оценка изменилась на {diff_s} {dw}"
            ),
            Lang::Kk => format!(
                "Алдыңғы кезеңмен ({prev_s} балл) салыстырғанда қорытынды баға {diff_s} балға өзгерді"
            ),
        };
        if !prev.is_zero() {
            if let Some(pct) =
                crate::num::div(diff, prev).and_then(|q| crate::num::mul(q, Decimal::ONE_HUNDRED))
            {
                text.push_str(&format!(" ({} %)", signed(pct, 1)));
            }
        }
        text.push('.');
        findings.push(vec![R::plain(text)]);
    }
    let mut lost: Vec<(&CriterionScore, Decimal)> = b
        .criteria
        .iter()
        .filter(|c| shown(ed, c) && !ed.nodes[c.node].bonus)
        .map(|c| {
            // As printed: a loss that rounds to nothing is no loss to report.
            let r = |v| crate::num::round_display(v, dp);
            (c, r(c.max) - r(c.score))
        })
        .filter(|(_, lost)| *lost > Decimal::ZERO)
        .collect();
    lost.sort_by_key(|b| std::cmp::Reverse(b.1));
    for (c, lost) in &lost {
        let name = &ed.nodes[c.node].name;
        let lw = crate::points_word(*lost, lang);
        let (lost, got, max) = (run.show(*lost), run.show(c.score), run.show(c.max));
        let weak: Vec<String> = c
            .children
            .iter()
            .filter(|ch| ch.score < ch.max && !ed.nodes[ch.node].bonus)
            .map(|ch| {
                format!(
                    "«{}» — {} {} {}",
                    ed.nodes[ch.node].name,
                    run.show(ch.score),
                    l(lang, "из", "/"),
                    run.show(ch.max)
                )
            })
            .collect();
        let weak = if weak.is_empty() {
            String::new()
        } else {
            format!(
                " ({}: {})",
                l(lang, "в том числе", "оның ішінде"),
                weak.join("; ")
            )
        };
        findings.push(vec![R::plain(match lang {
            Lang::Ru => format!(
                "По критерию «{name}» потеряно {lost} {lw} ({got} из {max}){weak}: рекомендуется принять меры по повышению показателей критерия."
            ),
            Lang::Kk => format!(
                "«{name}» өлшемшарты бойынша {lost} балл жоғалтылды ({got} / {max}){weak}: өлшемшарт көрсеткіштерін арттыру шараларын қабылдау ұсынылады."
            ),
        })]);
    }
    blocks.push(Block::List {
        ordered: true,
        items: findings,
    });
    blocks.push(Block::Editable {
        // `BODY.recommendations` (or `BODY:DIRECTION.recommendations`): saved from the browser
        // as `["BODY"] recommendations` (`["BODY:DIRECTION"]`) of the --texts file.
        id: format!("{}.recommendations", texts_key(&b.id, direction)),
        label: l(
            lang,
            "Рекомендации уполномоченного органа",
            "Уәкілетті органның ұсынымдары",
        )
        .into(),
        text: extra.recommendations.clone(),
    });
    blocks.push(Block::Signatures(signatures(
        lang,
        &extra.signatories,
        evaluator,
    )));

    Ok(Document {
        lang,
        title: format!("{} — {}", l(lang, "Заключение", "Қорытынды"), b.name),
        landscape: false,
        blocks,
    })
}

fn centered(runs: Vec<R>) -> Block {
    Block::Paragraph {
        runs,
        align: Align::Center,
    }
}

fn para(runs: Vec<R>) -> Block {
    Block::Paragraph {
        runs,
        align: Align::Justify,
    }
}

/// Bonus criteria appear only when earned (seed 003's table has no row for the unearned bonus).
fn shown(ed: &bagalau_methodology::Edition, c: &CriterionScore) -> bool {
    !ed.nodes[c.node].bonus || c.score > Decimal::ZERO
}

/// The previous period's final score, when the edition takes it as an input.
pub fn previous_score(run: &Run, b: &BodyOutcome) -> Option<Decimal> {
    let i = run
        .ed
        .inputs
        .iter()
        .position(|i| i.code == PREVIOUS_SCORE_INPUT)?;
    // Inputs are visible through the steps that reference them.
    run.out.computed.steps[b.index].iter().find_map(|s| {
        s.refs.iter().find_map(|(name, v)| match v {
            Some(V::Num(q)) if name == &run.ed.inputs[i].code => {
                Some(bagalau_engine::exact::to_decimal(q))
            }
            _ => None,
        })
    })
}

/// The table of the form: criteria with score and maximum, then the totals.
pub fn score_table(run: &Run, b: &BodyOutcome, penalties: &[usize], lang: Lang) -> Table {
    let ed = run.ed;
    let mut rows = Vec::new();
    let parents: std::collections::BTreeSet<&str> = b
        .criteria
        .iter()
        .filter_map(|c| ed.nodes[c.node].parent.as_deref())
        .collect();
    let multi = parents.len() > 1;
    let mut last_direction: Option<&str> = None;
    let mut k = 0;
    for c in b.criteria.iter().filter(|c| shown(ed, c)) {
        let n = &ed.nodes[c.node];
        if multi {
            let dir = n.parent.as_deref().unwrap_or("");
            if last_direction != Some(dir) {
                last_direction = Some(dir);
                if let Some(d) = ed.directions.iter().find(|d| d.code == dir) {
                    rows.push(vec![Cell::bold(format!(
                        "{} «{}»",
                        l(lang, "Направление", "Бағыт"),
                        d.name
                    ))
                    .span(4)]);
                }
            }
        }
        k += 1;
        criterion_rows(run, c, k.to_string(), 0, &mut rows);
    }
    let total_max: Decimal = b
        .criteria
        .iter()
        .filter(|c| !ed.nodes[c.node].bonus)
        .map(|c| c.max)
        .try_fold(Decimal::ZERO, Decimal::checked_add)
        .unwrap_or(Decimal::MAX);
    if let Some(t) = b.criteria_total {
        rows.push(vec![
            Cell::new(""),
            Cell::bold(l(
                lang,
                "Общая оценка по критериям",
                "Өлшемшарттар бойынша жалпы баға",
            )),
            Cell::bold(run.show(t)),
            Cell::new(run.show(total_max)),
        ]);
    }
    if let Some(c) = b.correction {
        rows.push(vec![
            Cell::new(""),
            Cell::new(l(lang, "Поправочный коэффициент", "Түзету коэффициенті")),
            Cell::new(crate::show(c, 4)),
            Cell::new(""),
        ]);
    }
    if let Some(p) = b.penalties {
        let cap = match penalties {
            [pen] => match &ed.nodes[*pen].body {
                NodeBody::Penalty { cap: Some(c), .. } => format!("− {}", run.show(*c)),
                _ => String::new(),
            },
            _ => String::new(),
        };
        rows.push(vec![
            Cell::new(""),
            Cell::new(l(lang, "Вычет штрафных баллов", "Айыппұл балдарын шегеру")),
            Cell::new(run.show(p)),
            Cell::new(cap),
        ]);
    }
    let final_label = match (b.correction.is_some(), b.penalties.is_some()) {
        (true, true) => l(
            lang,
            "Итоговая оценка с учетом поправочного коэффициента и вычета штрафных баллов",
            "Түзету коэффициенті мен айыппұл балдарын шегеруді ескергендегі қорытынды баға",
        ),
        (false, true) => l(
            lang,
            "Итоговая оценка с учетом вычета штрафных баллов",
            "Айыппұл балдарын шегеруді ескергендегі қорытынды баға",
        ),
        _ => l(lang, "Итоговая оценка", "Қорытынды баға"),
    };
    rows.push(vec![
        Cell::new(""),
        Cell::bold(final_label),
        Cell::bold(run.show(b.score)),
        Cell::new(run.show(total_max)),
    ]);
    if let Some(d) = b.degree {
        rows.push(vec![
            Cell::new(""),
            Cell::new(l(lang, "Степень эффективности", "Тиімділік дәрежесі")),
            Cell::bold(crate::lang::degree_name(lang, &ed.degrees[d])).span(2),
        ]);
    }
    Table {
        caption: None,
        columns: vec![
            Column::center(6),
            Column::left(64),
            Column::center(15),
            Column::center(15),
        ],
        header: vec![vec![
            Cell::bold("№"),
            Cell::bold(l(lang, "Критерии оценки", "Бағалау өлшемшарттары")),
            Cell::bold(l(lang, "Баллы", "Балдар")),
            Cell::bold(l(lang, "Макс. балл", "Ең жоғары балл")),
        ]],
        rows,
    }
}

fn criterion_rows(
    run: &Run,
    c: &CriterionScore,
    number: String,
    depth: u8,
    rows: &mut Vec<Vec<Cell>>,
) {
    let n = &run.ed.nodes[c.node];
    let name = if n.bonus {
        format!("{} (дополнительный балл)", n.name)
    } else {
        n.name.clone()
    };
    rows.push(vec![
        Cell::new(number.clone()),
        Cell::new(name).indent(depth),
        Cell::new(run.show(c.score)),
        Cell::new(run.show(c.max)),
    ]);
    let mut k = 0;
    for ch in c.children.iter().filter(|ch| shown(run.ed, ch)) {
        k += 1;
        criterion_rows(run, ch, format!("{number}.{k}"), depth + 1, rows);
    }
}

/// Mean of a node's value over the bodies of the group where it applies.
fn group_mean(run: &Run, b: &BodyOutcome, node: usize) -> Option<(Decimal, usize)> {
    let vals: Vec<Decimal> = run
        .out
        .bodies
        .iter()
        .filter(|o| o.group == b.group)
        .filter_map(|o| match run.out.computed.values[o.index][node] {
            Some(Value::Num(x)) => Some(x),
            _ => None,
        })
        .collect();
    if vals.is_empty() {
        return None;
    }
    let n = vals.len();
    Some((crate::num::mean(&vals)?, n))
}

/// Inputs a node and its non-criterion dependencies read, with this body's values, in order of
/// first use.
fn inputs_used(run: &Run, b: &BodyOutcome, node: usize) -> Vec<(String, String)> {
    let ed = run.ed;
    let mut wanted = BTreeSet::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if wanted.insert(n) {
            for &d in &ed.nodes[n].deps {
                // Stop at other criteria: their inputs are reported under them.
                if d == node || ed.nodes[d].max.is_none() {
                    stack.push(d);
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut calculated = Vec::new();
    for step in &run.out.computed.steps[b.index] {
        if !wanted.contains(&step.node) {
            continue;
        }
        for (name, v) in &step.refs {
            if let Some(Symbol::Input(i)) = ed.symbol(name) {
                if seen.insert(name.clone()) {
                    let text = match v {
                        Some(V::Num(q)) => crate::figure(bagalau_engine::exact::to_decimal(q), 4),
                        Some(V::Bool(true)) => "да".into(),
                        Some(V::Bool(false)) => "нет".into(),
                        None => "нет данных".into(),
                    };
                    out.push((ed.inputs[i].name.clone(), text));
                }
            }
        }
        if step.node != node && ed.nodes[step.node].max.is_none() {
            if let Some(V::Num(q)) = &step.value {
                let name = format!("{} (расчёт)", ed.nodes[step.node].name);
                if seen.insert(name.clone()) {
                    calculated.push((name, crate::figure(bagalau_engine::exact::to_decimal(q), 4)));
                }
            }
        }
        for note in &step.notes {
            if seen.insert(note.clone()) {
                out.push((String::new(), crate::ru_decimal_commas(note)));
            }
        }
    }
    out.extend(calculated);
    out
}

fn analysis(
    run: &Run,
    b: &BodyOutcome,
    c: &CriterionScore,
    k: usize,
    lang: Lang,
    blocks: &mut Vec<Block>,
) {
    let ed = run.ed;
    let n = &ed.nodes[c.node];
    blocks.push(para(vec![R::bold(match lang {
        Lang::Ru => format!("{k}. По критерию «{}»", n.name),
        Lang::Kk => format!("{k}. «{}» өлшемшарты бойынша", n.name),
    })]));
    let pct = if c.max.is_zero() {
        String::new()
    } else {
        let p = crate::num::div(c.score, c.max)
            .and_then(|q| crate::num::mul(q, Decimal::ONE_HUNDRED))
            .map(|p| crate::show(p, 1))
            .unwrap_or_default();
        match lang {
            Lang::Ru => format!(" ({p} % от максимума)"),
            Lang::Kk => format!(" (ең жоғары балдың {p} %)"),
        }
    };
    let (score, max) = (run.show(c.score), run.show(c.max));
    let mut runs = match lang {
        Lang::Ru => vec![
            R::plain("Результат оценки по критерию составил "),
            R::bold(format!("{score} {}", crate::points_word(c.score, lang))),
            R::plain(format!(" (из {max} возможных){pct}.")),
        ],
        Lang::Kk => vec![
            R::plain("Өлшемшарт бойынша бағалау нәтижесі — "),
            R::bold(format!("{score} балл")),
            R::plain(format!(" (мүмкін {max} балдан){pct}.")),
        ],
    };
    if let Some((mean, count)) = group_mean(run, b, c.node) {
        if count > 1 {
            runs.push(R::plain(format!(
                " {} {}: {} {}.",
                l(lang, "Среднее значение по", "Орташа мән,"),
                group_short(lang, b.group),
                run.show(mean),
                crate::points_word(mean, lang)
            )));
        }
    }
    blocks.push(para(runs));
    if !c.children.is_empty() {
        let items = c
            .children
            .iter()
            .filter(|ch| shown(ed, ch))
            .map(|ch| {
                vec![R::plain(format!(
                    "{} «{}» — {} {} {}",
                    l(lang, "показатель", "көрсеткіш"),
                    ed.nodes[ch.node].name,
                    run.show(ch.score),
                    l(lang, "из", "/"),
                    run.show(ch.max)
                ))]
            })
            .collect();
        blocks.push(Block::List {
            ordered: false,
            items,
        });
    }
    let mut nodes = vec![c];
    let mut i = 0;
    while i < nodes.len() {
        let cur = nodes[i];
        nodes.extend(cur.children.iter());
        i += 1;
    }
    let mut data = Vec::new();
    for cs in &nodes {
        for item in inputs_used(run, b, cs.node) {
            if !data.contains(&item) {
                data.push(item);
            }
        }
    }
    if !data.is_empty() {
        blocks.push(para(vec![R::italic(format!(
            "{}:",
            l(lang, "Использованные данные", "Пайдаланылған деректер")
        ))]));
        blocks.push(Block::List {
            ordered: false,
            items: data
                .into_iter()
                .map(|(name, v)| {
                    if name.is_empty() {
                        vec![R::plain(v)]
                    } else {
                        vec![R::plain(format!("{name} — {v}"))]
                    }
                })
                .collect(),
        });
    }
    let status = match n.cite.status {
        Status::Verbatim => l(lang, "по тексту акта", "акт мәтіні бойынша"),
        Status::Reconstructed => l(lang, "формула восстановлена", "формула қалпына келтірілген"),
    };
    let basis = match n.cite.legal_reference() {
        Some(r) => format!("{}, {r}", ed.act.short),
        None => ed.act.short.clone(),
    };
    blocks.push(para(vec![R::italic(format!(
        "{}: {basis} ({status}).",
        l(lang, "Основание", "Негіздеме"),
    ))]));
}

/// What a conclusion covers: the whole block or one direction, as a body outcome restricted to it.
struct Scope {
    body: BodyOutcome,
    direction: Option<usize>,
    penalties: Vec<usize>,
}

fn num_value(run: &Run, b: &BodyOutcome, node: usize) -> Option<Decimal> {
    match run.out.computed.values[b.index][node] {
        Some(Value::Num(x)) => Some(x),
        _ => None,
    }
}

fn scope(run: &Run, b: &BodyOutcome, direction: Option<&str>) -> Result<Scope, ReportError> {
    let ed = run.ed;
    let applicable = |n: usize| run.out.computed.applicable[b.index][n];
    // Penalty nodes the given score depends on.
    let penalties_of = |root: usize| -> Vec<usize> {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                stack.extend(ed.nodes[n].deps.iter().copied());
            }
        }
        seen.into_iter()
            .filter(|&n| matches!(ed.nodes[n].body, NodeBody::Penalty { .. }) && applicable(n))
            .collect()
    };
    let Some(code) = direction else {
        let penalties = match ed.result.penalties {
            Some(p) => vec![p],
            None => penalties_of(ed.result.score),
        };
        let mut body = b.clone();
        if body.penalties.is_none() && !penalties.is_empty() {
            body.penalties = Some(
                crate::num::sum(penalties.iter().filter_map(|&p| num_value(run, b, p)))
                    .ok_or_else(|| overflow(b, "сумма вычетов"))?,
            );
        }
        return Ok(Scope {
            body,
            direction: None,
            penalties,
        });
    };
    let d = ed
        .directions
        .iter()
        .position(|d| d.code == code)
        .ok_or_else(|| ReportError::UnknownDirection(code.to_string()))?;
    let score_node = ed.directions[d]
        .score
        .ok_or_else(|| ReportError::UnknownDirection(code.to_string()))?;
    let criteria: Vec<CriterionScore> = b
        .criteria
        .iter()
        .filter(|c| ed.nodes[c.node].parent.as_deref() == Some(code))
        .cloned()
        .collect();
    let penalties = penalties_of(score_node);
    let pen_total = crate::num::sum(penalties.iter().filter_map(|&p| num_value(run, b, p)))
        .ok_or_else(|| overflow(b, "сумма вычетов"))?;
    let mut body = b.clone();
    body.criteria_total = Some(
        crate::num::sum(criteria.iter().map(|c| c.score))
            .ok_or_else(|| overflow(b, "сумма баллов по критериям"))?,
    );
    body.criteria = criteria;
    body.correction = None;
    body.penalties = if penalties.is_empty() {
        None
    } else {
        Some(pen_total)
    };
    body.score = num_value(run, b, score_node).unwrap_or_default();
    // Degrees are defined for the block's score; a direction of a multi-direction block has none.
    if ed.directions.len() > 1 {
        body.degree = None;
    }
    Ok(Scope {
        body,
        direction: Some(d),
        penalties,
    })
}

fn penalty_analysis(run: &Run, b: &BodyOutcome, pen: usize, lang: Lang, blocks: &mut Vec<Block>) {
    let ed = run.ed;
    let NodeBody::Penalty { items, cap } = &ed.nodes[pen].body else {
        return;
    };
    let Some(step) = run.out.computed.steps[b.index]
        .iter()
        .find(|s| s.node == pen)
    else {
        return;
    };
    blocks.push(para(vec![R::bold(format!(
        "{} «{}»",
        l(lang, "Вычет штрафных баллов", "Айыппұл балдарын шегеру"),
        ed.nodes[pen].name
    ))]));
    let mut list = Vec::new();
    for (i, facts, amount) in &step.penalty_items {
        list.push(vec![R::plain(format!(
            "{}: {} × {} = {}",
            items[*i].name,
            crate::show(*facts, 4),
            crate::show(items[*i].per_fact, 4),
            run.show(*amount)
        ))]);
    }
    if list.is_empty() {
        list.push(vec![R::plain(
            l(lang, "фактов не выявлено", "фактілер анықталған жоқ").to_string(),
        )]);
    }
    blocks.push(Block::List {
        ordered: false,
        items: list,
    });
    let total = num_value(run, b, pen).unwrap_or_default();
    let mut text = format!(
        "{}: {}",
        l(lang, "Итого вычет", "Барлық шегеру"),
        run.show(total)
    );
    if let Some(c) = cap {
        text.push_str(&format!(
            " ({} {}{})",
            l(lang, "не более", "ең көбі"),
            run.show(*c),
            if step.capped {
                l(lang, "; применён предел", "; шек қолданылды")
            } else {
                ""
            }
        ));
    }
    blocks.push(para(vec![R::plain(text + ".")]));
}

/// The signature block: the given signatories, or the form's default positions (naming the
/// authorized body when known).
pub fn signatures(
    lang: Lang,
    given: &[(String, String)],
    evaluator: Option<&str>,
) -> Vec<Signature> {
    if !given.is_empty() {
        return given
            .iter()
            .map(|(p, n)| Signature {
                position: p.clone(),
                name: n.clone(),
            })
            .collect();
    }
    let of = |position: &str| match evaluator {
        Some(e) => format!("{position} ({e})"),
        None => position.to_string(),
    };
    vec![
        Signature {
            position: of(l(
                lang,
                "Руководитель уполномоченного на оценку органа (заместитель)",
                "Бағалау жөніндегі уәкілетті органның басшысы (орынбасары)",
            )),
            name: String::new(),
        },
        Signature {
            position: of(l(
                lang,
                "Руководитель структурного подразделения, ответственного за оценку",
                "Бағалауға жауапты құрылымдық бөлімшенің басшысы",
            )),
            name: String::new(),
        },
    ]
}

fn overflow(b: &BodyOutcome, what: &str) -> ReportError {
    ReportError::Overflow {
        body: b.id.clone(),
        what: what.to_string(),
    }
}
