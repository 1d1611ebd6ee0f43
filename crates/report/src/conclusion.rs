//! Заключение о результатах оценки: the form of appendices 3/4 of the 2014 methodology in the shape
//! of seed 003 — header, table of criteria with score and maximum, total, correction coefficient,
//! penalty, final score, degree; the analysis per criterion generated from the trace; findings and
//! the evaluator's editable recommendations; the signature block.

use std::collections::BTreeSet;

use bagalau_data::BodyNames;
use bagalau_engine::eval::V;
use bagalau_engine::{BodyOutcome, CriterionScore, Value};
use bagalau_methodology::{NodeBody, Status, Symbol};
use bagalau_office::{Align, Block, Cell, Column, Document, Lang, Run as R, Signature, Table};
use rust_decimal::Decimal;

use crate::lang::{degree_phrase, display_name, group_short, l, ordinal};
use crate::{signed, ReportError, Run};

/// What the evaluator adds to a generated conclusion.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// Recommendations written by the evaluator (the editable part of «Выводы и рекомендации»).
    pub recommendations: String,
    /// Signatories: (position, name).
    pub signatories: Vec<(String, String)>,
    /// The forms of the body's name from the dataset; an absent form falls back to the name.
    pub names: BodyNames,
    /// The body's input values as the dataset gives them (indexed like `edition.inputs`): the
    /// figures no formula reads (seed 003's «192 видам услуг», «9 517 респондентов») are shown
    /// too. Empty: only the figures the formulas read.
    pub inputs: Vec<Option<Value>>,
}

impl Extra {
    /// This extra with what the dataset gives for the body: the forms of its name and its input
    /// values.
    pub fn with_data(mut self, loaded: &bagalau_data::Loaded, body: &str) -> Extra {
        self.names = loaded.names.get(body).cloned().unwrap_or_default();
        if let Some(b) = loaded.dataset.bodies.iter().find(|b| b.id == body) {
            self.inputs = b.values.clone();
        }
        self
    }

    /// The body's name in the genitive («Акимата Карагандинской области»), or its name.
    fn genitive(&self, b: &BodyOutcome, lang: Lang) -> String {
        crate::genitive_name(b, &self.names, lang)
    }
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
    blocks.push(centered(vec![R::bold(extra.genitive(b, lang))]));
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

    // The figures no formula reads, placed with the criterion whose inputs they follow in the
    // edition's dictionary (before any: the introduction).
    let shown_criteria: Vec<&CriterionScore> = b.criteria.iter().filter(|c| shown(ed, c)).collect();
    let placed = place_unused_inputs(run, full, b, &shown_criteria, extra);
    let gen = extra.genitive(b, lang);
    let lost = losses(run, b);
    // The analysis (seed 003): the introduction, the findings, then criterion by criterion.
    blocks.push(Block::Heading {
        level: 2,
        text: l(
            lang,
            "Анализ эффективности деятельности по критериям оценки",
            "Бағалау өлшемшарттары бойынша қызмет тиімділігін талдау",
        )
        .into(),
    });
    if lang == Lang::Ru {
        let what = match single {
            Some(d) => format!(" по направлению «{}»", ed.directions[d].name),
            None => format!(" по блоку «{}»", ed.block_name),
        };
        blocks.push(para(vec![R::plain(format!(
            "Оценка эффективности деятельности {gen}{what} проведена в соответствии с Методикой."
        ))]));
    }
    push_facts(&placed[0], &mut blocks);
    if let Some(d) = b.degree {
        let band = &ed.degrees[d];
        let period = run
            .period
            .map(|p| match lang {
                Lang::Ru => format!(" в {p} году"),
                Lang::Kk => format!(" {p} жылы"),
            })
            .unwrap_or_default();
        blocks.push(para(match lang {
            Lang::Ru => vec![
                R::plain(format!(
                    "Анализ полученных результатов оценки{period} показал "
                )),
                R::bold(degree_phrase(lang, band)),
                R::plain(format!(
                    " {gen}{}",
                    if lost.is_empty() {
                        "."
                    } else {
                        ", что обусловлено следующим:"
                    }
                )),
            ],
            Lang::Kk => vec![
                R::plain(format!("Бағалау нәтижелерін талдау{period} ")),
                R::bold(degree_phrase(lang, band)),
                R::plain(" көрсетті."),
            ],
        }));
    }
    for (k, (c, points)) in lost.iter().enumerate() {
        blocks.push(para(finding(run, b, c, *points, k + 1, lang)));
    }

    for (k, c) in shown_criteria.iter().enumerate() {
        analysis(run, b, c, k + 1, lang, &placed[k + 1], &mut blocks);
    }
    for &pen in &scope.penalties {
        penalty_analysis(run, b, pen, lang, &mut blocks);
    }

    // Findings and recommendations.
    blocks.push(Block::Heading {
        level: 2,
        text: l(lang, "Выводы и рекомендации", "Қорытындылар мен ұсынымдар").into(),
    });
    let mut summary = Vec::new();
    if let Some(d) = b.degree {
        let band = &ed.degrees[d];
        summary.push(match lang {
            Lang::Ru => vec![
                R::plain(match run.period {
                    Some(p) => format!("Итоги оценки за {p} год показали "),
                    None => "Итоги оценки показали ".to_string(),
                }),
                R::bold(degree_phrase(lang, band)),
                R::plain(format!(
                    " {gen} ({} {}).",
                    run.show(b.score),
                    pw(run, b.score, lang)
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
    if let Some(t) = b.criteria_total {
        let total_max: Decimal = b
            .criteria
            .iter()
            .filter(|c| !ed.nodes[c.node].bonus)
            .map(|c| c.max)
            .try_fold(Decimal::ZERO, Decimal::checked_add)
            .unwrap_or(Decimal::MAX);
        summary.push(vec![R::plain(match lang {
            Lang::Ru => format!(
                "Общий результат по критериям оценки составил {} {} из {} возможных.",
                run.show(t),
                pw(run, t, lang),
                run.show(total_max)
            ),
            Lang::Kk => format!(
                "Бағалау өлшемшарттары бойынша жалпы нәтиже — {} / {} балл.",
                run.show(t),
                run.show(total_max)
            ),
        })]);
    }
    // The previous period's score is the block's: compared only in a block-wide conclusion.
    let block_wide = scope.direction.is_none() || ed.directions.len() == 1;
    if let Some(prev) = previous_score(run, b).filter(|_| block_wide) {
        let diff = b.score - prev;
        let (prev_s, diff_s) = (run.show(prev), signed(diff, dp));
        let (pw, dw) = (pw(run, prev, lang), pw(run, diff, lang));
        let since = match (lang, run.period) {
            (Lang::Ru, Some(p)) => format!("В сравнении с {} годом", p - 1),
            (Lang::Ru, None) => "По сравнению с предыдущим периодом".to_string(),
            (Lang::Kk, Some(p)) => format!("{} жылмен салыстырғанда", p - 1),
            (Lang::Kk, None) => "Алдыңғы кезеңмен салыстырғанда".to_string(),
        };
        let mut text = match lang {
            Lang::Ru => format!(
                "{since} (итоговая оценка — {prev_s} {pw}) итоговая оценка изменилась на {diff_s} {dw}"
            ),
            Lang::Kk => format!(
                "{since} ({prev_s} балл) қорытынды баға {diff_s} балға өзгерді"
            ),
        };
        if !prev.is_zero() {
            if let Some(pct) =
                crate::num::div(diff, prev).and_then(|q| crate::num::mul(q, Decimal::ONE_HUNDRED))
            {
                text.push_str(&format!(" ({})", crate::percent(pct, true)));
            }
        }
        text.push('.');
        summary.push(vec![R::plain(text)]);
    }
    for runs in summary {
        blocks.push(para(runs));
    }
    if !lost.is_empty() {
        blocks.push(para(vec![
            R::plain(match lang {
                Lang::Ru => {
                    "По итогам проведенной оценки, с учетом выявленных проблем, ".to_string()
                }
                Lang::Kk => "Бағалау қорытындысы бойынша ".to_string(),
            }),
            R::bold(l(lang, "рекомендуется:", "ұсынылады:")),
        ]));
        blocks.push(Block::List {
            ordered: true,
            items: lost
                .iter()
                .map(|(c, points)| recommendation(run, b, c, *points, lang))
                .collect(),
        });
    }
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

/// A paragraph of the text, ragged right: the generated sentences quote long names in «…»
/// that cannot break, and justified lines around them stretch.
fn para(runs: Vec<R>) -> Block {
    Block::Paragraph {
        runs,
        align: Align::Left,
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
                        Some(V::Num(q)) => figure_in(
                            bagalau_engine::exact::to_decimal(q),
                            ed.inputs[i].unit.as_deref(),
                        ),
                        Some(V::Bool(true)) => "да".into(),
                        Some(V::Bool(false)) => "нет".into(),
                        None => "нет данных".into(),
                    };
                    out.push((display_name(&ed.inputs[i].name).to_string(), text));
                }
            }
        }
        if step.node != node && ed.nodes[step.node].max.is_none() {
            if let Some(V::Num(q)) = &step.value {
                let name = format!("{} (расчёт)", display_name(&ed.nodes[step.node].name));
                if seen.insert(name.clone()) {
                    calculated.push((
                        name,
                        figure_in(
                            bagalau_engine::exact::to_decimal(q),
                            ed.nodes[step.node].unit.as_deref(),
                        ),
                    ));
                }
            }
        }
        for note in &step.notes {
            let text = crate::trace::note(ed, note, crate::trace::Figures::Document, Lang::Ru);
            if seen.insert(text.clone()) {
                out.push((String::new(), text));
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
    facts: &[(String, String)],
    blocks: &mut Vec<Block>,
) {
    let ed = run.ed;
    let n = &ed.nodes[c.node];
    blocks.push(Block::Heading {
        level: 3,
        text: match lang {
            Lang::Ru => format!("{k}. По критерию «{}»", n.name),
            Lang::Kk => format!("{k}. «{}» өлшемшарты бойынша", n.name),
        },
    });
    let pct = if c.max.is_zero() {
        String::new()
    } else {
        let p = crate::num::div(c.score, c.max)
            .and_then(|q| crate::num::mul(q, Decimal::ONE_HUNDRED))
            .map(|p| crate::percent(p, false))
            .unwrap_or_default();
        match lang {
            Lang::Ru => format!(", или {p} от максимума"),
            Lang::Kk => format!(", ең жоғары балдың {p}"),
        }
    };
    let (score, max) = (run.show(c.score), run.show(c.max));
    let mut runs = match lang {
        Lang::Ru => vec![
            R::plain("Результат оценки по критерию составил "),
            R::bold(format!("{score} {}", pw(run, c.score, lang))),
            R::plain(format!(" из {max} возможных{pct}.")),
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
                pw(run, mean, lang)
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
                        vec![R::plain(format!("{name} —\u{a0}{v}"))]
                    }
                })
                .collect(),
        });
    }
    if !facts.is_empty() {
        blocks.push(para(vec![R::italic(format!(
            "{}:",
            l(
                lang,
                "Сведения, представленные для оценки",
                "Бағалауға ұсынылған мәліметтер"
            )
        ))]));
        push_facts(facts, blocks);
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
    let label = l(lang, "Вычет штрафных баллов", "Айыппұл балдарын шегеру");
    let name = &ed.nodes[pen].name;
    blocks.push(Block::Heading {
        level: 3,
        text: if name == label || lang == Lang::Kk {
            label.to_string()
        } else {
            format!("{label} «{name}»")
        },
    });
    let mut list = Vec::new();
    for (i, facts, amount) in &step.penalty_items {
        list.push(vec![R::plain(format!(
            "{}: {} × {} = {}",
            items[*i].name,
            crate::figure(*facts, 4),
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

/// A figure with its unit's form: shares (`%`) with one decimal and the sign, others grouped.
fn figure_in(v: Decimal, unit: Option<&str>) -> String {
    match unit {
        Some("%") => crate::percent(v, false),
        _ => crate::figure(v, 4),
    }
}

/// Criteria that lost points, as printed (a loss that rounds to nothing is none), most first.
fn losses<'b>(run: &Run, b: &'b BodyOutcome) -> Vec<(&'b CriterionScore, Decimal)> {
    let ed = run.ed;
    let dp = ed.rounding.display_decimals;
    let r = |v| crate::num::round_display(v, dp);
    let mut lost: Vec<(&CriterionScore, Decimal)> = b
        .criteria
        .iter()
        .filter(|c| shown(ed, c) && !ed.nodes[c.node].bonus)
        .map(|c| (c, r(c.max) - r(c.score)))
        .filter(|(_, lost)| *lost > Decimal::ZERO)
        .collect();
    lost.sort_by_key(|x| std::cmp::Reverse(x.1));
    lost
}

/// «(среднее по МИО — 4,58)» when the group has other bodies.
fn mean_note(run: &Run, b: &BodyOutcome, node: usize, lang: Lang) -> String {
    match group_mean(run, b, node) {
        Some((mean, count)) if count > 1 => format!(
            "; {} {} — {}",
            l(lang, "среднее по", "орташа мән,"),
            group_short(lang, b.group),
            run.show(mean)
        ),
        _ => String::new(),
    }
}

/// Indicators of a criterion that lost points, most first: (node, score, max, lost).
fn weak_children<'c>(run: &Run, c: &'c CriterionScore) -> Vec<(&'c CriterionScore, Decimal)> {
    let dp = run.ed.rounding.display_decimals;
    let r = |v| crate::num::round_display(v, dp);
    let mut weak: Vec<(&CriterionScore, Decimal)> = c
        .children
        .iter()
        .filter(|ch| !run.ed.nodes[ch.node].bonus)
        .map(|ch| (ch, r(ch.max) - r(ch.score)))
        .filter(|(_, lost)| *lost > Decimal::ZERO)
        .collect();
    weak.sort_by_key(|x| std::cmp::Reverse(x.1));
    weak
}

/// «Первое. По критерию … получено 0 баллов из 33 возможных (потеряно 33 балла …)» — one
/// finding of seed 003's list, generated from what cost the points.
fn finding(
    run: &Run,
    b: &BodyOutcome,
    c: &CriterionScore,
    lost: Decimal,
    k: usize,
    lang: Lang,
) -> Vec<R> {
    let ed = run.ed;
    let name = &ed.nodes[c.node].name;
    let (got, max) = (run.show(c.score), run.show(c.max));
    let mean = mean_note(run, b, c.node, lang);
    let weak = weak_children(run, c);
    let mut text = match lang {
        Lang::Ru => format!(
            " По критерию «{name}» получено {got} {} из {max} возможных (потеряно {} {}{mean})",
            pw(run, c.score, lang),
            run.show(lost),
            pw(run, lost, lang)
        ),
        Lang::Kk => format!(
            " «{name}» өлшемшарты бойынша {got} / {max} балл алынды ({} балл жоғалтылды{mean})",
            run.show(lost)
        ),
    };
    if !weak.is_empty() {
        let list: Vec<String> = weak
            .iter()
            .map(|(ch, _)| {
                format!(
                    "«{}» — {} {} {}",
                    ed.nodes[ch.node].name,
                    run.show(ch.score),
                    l(lang, "из", "/"),
                    run.show(ch.max)
                )
            })
            .collect();
        text.push_str(&format!(
            ": {} {}",
            l(
                lang,
                "баллы потеряны по показателям",
                "балдар мына көрсеткіштер бойынша жоғалтылды:"
            ),
            list.join("; ")
        ));
    }
    text.push('.');
    vec![R::bold(format!("{}.", ordinal(lang, k))), R::plain(text)]
}

/// A recommendation for one criterion that lost points: which indicators (or, for a criterion
/// without indicators, which computed values its score follows), how many points, and the
/// group's mean where the group has other bodies.
fn recommendation(
    run: &Run,
    b: &BodyOutcome,
    c: &CriterionScore,
    lost: Decimal,
    lang: Lang,
) -> Vec<R> {
    let ed = run.ed;
    let name = &ed.nodes[c.node].name;
    let weak = weak_children(run, c);
    let mut parts: Vec<String> = weak
        .iter()
        .map(|(ch, l_)| {
            format!(
                "«{}» ({} {} {}, {} {} {}{})",
                ed.nodes[ch.node].name,
                run.show(ch.score),
                l(lang, "из", "/"),
                run.show(ch.max),
                l(lang, "потеряно", "жоғалтылды"),
                run.show(*l_),
                pw(run, *l_, lang),
                mean_note(run, b, ch.node, lang)
            )
        })
        .collect();
    if parts.is_empty() {
        // The computed values the criterion's score is read from (its direct dependencies).
        for &d in &ed.nodes[c.node].deps {
            let n = &ed.nodes[d];
            if n.max.is_some() {
                continue;
            }
            if let Some(v) = num_value(run, b, d) {
                parts.push(format!(
                    "«{}» —\u{a0}{}{}",
                    display_name(&n.name),
                    figure_in(v, n.unit.as_deref()),
                    match group_mean(run, b, d) {
                        Some((m, count)) if count > 1 => format!(
                            " ({} {} — {})",
                            l(lang, "среднее по", "орташа мән,"),
                            group_short(lang, b.group),
                            figure_in(m, n.unit.as_deref())
                        ),
                        _ => String::new(),
                    }
                ));
            }
        }
    }
    let (got, max) = (run.show(c.score), run.show(c.max));
    let head = match lang {
        Lang::Ru => format!(
            "По критерию «{name}» ({got} из {max}, потеряно {} {}{}): ",
            run.show(lost),
            pw(run, lost, lang),
            mean_note(run, b, c.node, lang)
        ),
        Lang::Kk => format!(
            "«{name}» өлшемшарты бойынша ({got} / {max}, {} балл жоғалтылды{}): ",
            run.show(lost),
            mean_note(run, b, c.node, lang)
        ),
    };
    let body = match (lang, weak.is_empty(), parts.is_empty()) {
        (Lang::Ru, false, _) => format!("принять меры по показателям {}.", parts.join("; ")),
        (Lang::Ru, true, false) => format!(
            "принять меры по улучшению значений, от которых зависит оценка: {}.",
            parts.join("; ")
        ),
        (Lang::Ru, true, true) => "принять меры по повышению показателей критерия.".to_string(),
        (Lang::Kk, _, false) => format!("{} бойынша шаралар қабылдау.", parts.join("; ")),
        (Lang::Kk, _, true) => "өлшемшарт көрсеткіштерін арттыру шараларын қабылдау.".to_string(),
    };
    vec![R::plain(head + &body)]
}

/// Input indices a node and its non-criterion dependencies read for this body.
fn input_indices(run: &Run, b: &BodyOutcome, node: usize) -> BTreeSet<usize> {
    let ed = run.ed;
    let mut wanted = BTreeSet::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if wanted.insert(n) {
            for &d in &ed.nodes[n].deps {
                if d == node || ed.nodes[d].max.is_none() {
                    stack.push(d);
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    for step in &run.out.computed.steps[b.index] {
        if wanted.contains(&step.node) {
            for (name, _) in &step.refs {
                if let Some(Symbol::Input(i)) = ed.symbol(name) {
                    out.insert(i);
                }
            }
        }
    }
    out
}

/// The body-level inputs with a value that no formula of the conclusion read, each placed with
/// the criterion whose inputs precede it in the edition's dictionary: `[0]` the introduction,
/// `[k]` the k-th shown criterion. Each as (Russian name, value).
/// `full`: the body's whole outcome — inputs of criteria outside the conclusion's scope (other
/// directions) are owned by them and shown nowhere here.
fn place_unused_inputs(
    run: &Run,
    full: &BodyOutcome,
    b: &BodyOutcome,
    criteria: &[&CriterionScore],
    extra: &Extra,
) -> Vec<Vec<(String, String)>> {
    let ed = run.ed;
    // The slot of inputs owned by criteria outside the scope: their neighbours are skipped too.
    const OUTSIDE: usize = usize::MAX;
    let mut owner: Vec<Option<usize>> = vec![None; ed.inputs.len()];
    for c in &full.criteria {
        let slot = match criteria.iter().position(|s| s.node == c.node) {
            Some(k) => k + 1,
            // In scope but not shown (an unearned bonus): its figures are placed like any other.
            None if b.criteria.iter().any(|s| s.node == c.node) => continue,
            None => OUTSIDE,
        };
        let mut nodes = vec![c];
        let mut i = 0;
        while i < nodes.len() {
            nodes.extend(nodes[i].children.iter());
            i += 1;
        }
        for cs in nodes {
            for i in input_indices(run, b, cs.node) {
                owner[i].get_or_insert(slot);
            }
        }
    }
    // Inputs the penalty section or the comparison with the previous period show.
    let mut read_elsewhere = BTreeSet::new();
    for step in &run.out.computed.steps[b.index] {
        if !matches!(ed.nodes[step.node].body, NodeBody::Penalty { .. }) {
            continue;
        }
        for (name, _) in &step.refs {
            if let Some(Symbol::Input(i)) = ed.symbol(name) {
                read_elsewhere.insert(i);
            }
        }
    }
    // A figure follows the criterion of the input before it in the edition's dictionary (which
    // lists a criterion's figures together); before any, the introduction.
    let mut placed = vec![Vec::new(); criteria.len() + 1];
    let mut current = 0;
    for (i, input) in ed.inputs.iter().enumerate() {
        if let Some(k) = owner[i] {
            current = k;
            continue;
        }
        if current == OUTSIDE
            || read_elsewhere.contains(&i)
            || input.table.is_some()
            || input.code == PREVIOUS_SCORE_INPUT
        {
            continue;
        }
        let text = match extra.inputs.get(i) {
            Some(Some(Value::Num(v))) => figure_in(*v, input.unit.as_deref()),
            Some(Some(Value::Bool(true))) => "да".to_string(),
            Some(Some(Value::Bool(false))) => "нет".to_string(),
            _ => continue,
        };
        placed[current].push((display_name(&input.name).to_string(), text));
    }
    placed
}

/// A list of figures given with the data («Сведения органа»), when there are any.
fn push_facts(facts: &[(String, String)], blocks: &mut Vec<Block>) {
    if facts.is_empty() {
        return;
    }
    blocks.push(Block::List {
        ordered: false,
        items: facts
            .iter()
            .map(|(name, v)| vec![R::plain(format!("{name} —\u{a0}{v}"))])
            .collect(),
    });
}

/// «балл / балла / баллов» agreeing with the number as printed (14,995 is printed «15» and
/// takes «баллов»).
fn pw(run: &Run, v: Decimal, lang: Lang) -> &'static str {
    crate::points_word(
        crate::num::round_display(v, run.ed.rounding.display_decimals),
        lang,
    )
}
fn overflow(b: &BodyOutcome, what: &str) -> ReportError {
    ReportError::Overflow {
        body: b.id.clone(),
        what: what.to_string(),
    }
}
