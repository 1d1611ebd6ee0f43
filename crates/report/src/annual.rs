//! The annual report in the shape of seed 004: for each block and group the rating table with
//! this and the previous period's scores (one decimal), ranks and the arrow, the group averages;
//! a page per body with its scores, «N из M», the degree wording and a chart; the methodology
//! appendix generated from the edition. Ranks are never read from the input: they are computed
//! from the scores ([`bagalau_data::rating::rate`]), so the report cannot print a rank that
//! disagrees with them.

use crate::num::format_ru;
use bagalau_data::rating::{Change, Rated, Rating};
use bagalau_methodology::{DegreeBand, Edition, Group};
use bagalau_office::{Align, Bar, Block, Cell, Chart, Column, Document, Lang, Run as R, Table};
use rust_decimal::Decimal;

use crate::lang::{degree_phrase, group_short, l};

/// One block of the report: its name and its rating, and — when built from an evaluation run —
/// the scores of its directions (the per-body «direction highlights»).
pub struct BlockRating {
    pub name: String,
    pub rating: Rating,
    pub directions: Vec<DirectionScores>,
}

/// A direction's score per body.
pub struct DirectionScores {
    pub name: String,
    pub scores: Vec<(String, Decimal)>,
}

/// The block rating of an evaluation run: scores as computed, previous scores from the
/// `previous_final_score` input, direction scores from the edition's `[[direction]] score`.
pub fn from_run(run: &crate::Run, name: &str) -> BlockRating {
    let ed = run.ed;
    let rows = run
        .out
        .bodies
        .iter()
        .map(|b| bagalau_data::rating::ScoreRow {
            body: b.id.clone(),
            name: Some(b.name.clone()),
            group: b.group,
            score: b.score,
            previous_score: crate::conclusion::previous_score(run, b),
            previous_rank: None,
            tie_order: None,
        })
        .collect();
    let directions = if ed.directions.len() > 1 {
        ed.directions
            .iter()
            .filter_map(|d| {
                let node = d.score?;
                Some(DirectionScores {
                    name: d.name.clone(),
                    scores: run
                        .out
                        .bodies
                        .iter()
                        .filter_map(|b| match run.out.computed.values[b.index][node] {
                            Some(bagalau_engine::Value::Num(x)) => Some((b.id.clone(), x)),
                            _ => None,
                        })
                        .collect(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    BlockRating {
        name: name.to_string(),
        rating: bagalau_data::rating::rate(rows, &ed.degrees),
        directions,
    }
}

/// What the report is built from.
pub struct Annual<'a> {
    pub period: u16,
    pub blocks: &'a [BlockRating],
    pub degrees: &'a [DegreeBand],
    /// Edition whose criteria make the methodology appendix.
    pub appendix: Option<&'a Edition>,
}

fn one(v: Decimal) -> String {
    format_ru(v, 1)
}

fn label(r: &Rated) -> String {
    r.row.name.clone().unwrap_or_else(|| r.row.body.clone())
}

/// The rating table of one group of one block.
pub fn rating_table(a: &Annual, block: &BlockRating, g: Group, lang: Lang) -> Option<Table> {
    let rows: Vec<&Rated> = block
        .rating
        .rows
        .iter()
        .filter(|r| r.row.group == g)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let (p, q) = (a.period.to_string(), (a.period - 1).to_string());
    let mut body_rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let new_mark = if r.change == Change::New { "*" } else { "" };
            vec![
                Cell::new(format!("{}{new_mark}", label(r))),
                Cell::new(one(r.row.score)),
                Cell::new(r.row.previous_score.map(one).unwrap_or_else(|| "-".into())),
                Cell::new(r.rank.to_string()),
                Cell::new(
                    r.previous_rank
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| "-".into()),
                ),
                Cell::new(r.change.arrow()),
            ]
        })
        .collect();
    if let Some(avg) = block.rating.groups.iter().find(|x| x.group == g) {
        body_rows.push(vec![
            Cell::bold(format!(
                "{} {}",
                l(lang, "СРЕДНЕЕ ЗНАЧЕНИЕ", "ОРТАША МӘН"),
                group_short(lang, g)
            )),
            Cell::bold(avg.average.map(one).unwrap_or_default()),
            Cell::bold(avg.previous_average.map(one).unwrap_or_default()),
            Cell::new("").span(3),
        ]);
    }
    let who = match g {
        Group::Central => l(lang, "ОЦЕНИВАЕМЫЙ ЦГО", "БАҒАЛАНАТЫН ОМО"),
        Group::Local => l(lang, "ОЦЕНИВАЕМЫЙ АКИМАТ", "БАҒАЛАНАТЫН ӘКІМДІК"),
    };
    Some(Table {
        caption: Some(format!(
            "{} — {}",
            block.name,
            crate::lang::group_name(lang, g)
        )),
        columns: vec![
            Column::left(40),
            Column::center(12),
            Column::center(12),
            Column::center(12),
            Column::center(12),
            Column::center(8),
        ],
        header: vec![
            vec![
                Cell::bold(who),
                Cell::bold(l(lang, "ОЦЕНКА ПО БЛОКУ", "БЛОК БОЙЫНША БАҒА")).span(2),
                Cell::bold(l(lang, "ПОЗИЦИЯ В РЕЙТИНГЕ", "РЕЙТИНГТЕГІ ОРНЫ")).span(3),
            ],
            vec![
                Cell::new(""),
                Cell::bold(p.clone()),
                Cell::bold(q.clone()),
                Cell::bold(p),
                Cell::bold(q),
                Cell::bold("↕"),
            ],
        ],
        rows: body_rows,
    })
}

/// The whole report.
pub fn annual(a: &Annual, lang: Lang) -> Document {
    let mut blocks = vec![
        Block::Heading {
            level: 1,
            text: format!(
                "{} — {} {}",
                l(
                    lang,
                    "Операционная оценка эффективности деятельности государственных органов",
                    "Мемлекеттік органдар қызметінің тиімділігін операциялық бағалау"
                ),
                a.period,
                l(lang, "год", "жыл")
            ),
        },
        Block::Paragraph {
            runs: vec![R::italic(l(
                lang,
                "Все баллы, места и средние значения отчёта рассчитаны по одним и тем же данным; места вычислены из баллов.",
                "Есептегі барлық балдар, орындар мен орташа мәндер бір деректерден есептелген; орындар балдардан есептелген.",
            ))],
            align: Align::Left,
        },
    ];
    for block in a.blocks {
        blocks.push(Block::Heading {
            level: 2,
            text: block.name.clone(),
        });
        for g in Group::ALL {
            if let Some(t) = rating_table(a, block, g, lang) {
                blocks.push(Block::Table(t));
                for r in block
                    .rating
                    .rows
                    .iter()
                    .filter(|r| r.row.group == g && r.change == Change::New)
                {
                    blocks.push(Block::Paragraph {
                        runs: vec![R::italic(format!(
                            "*{} {} {} {}",
                            label(r),
                            l(lang, "не подлежал оценке за", "бағалауға жатпаған:"),
                            a.period - 1,
                            l(lang, "год", "жыл")
                        ))],
                        align: Align::Left,
                    });
                }
                conflicts(a, block, g, lang, &mut blocks);
            }
        }
    }
    // A page per body, in the order of the first block's rating.
    let mut seen: Vec<(String, Group)> = Vec::new();
    for block in a.blocks {
        for r in &block.rating.rows {
            if !seen.iter().any(|(b, _)| b == &r.row.body) {
                seen.push((r.row.body.clone(), r.row.group));
            }
        }
    }
    for g in Group::ALL {
        let members: Vec<&(String, Group)> = seen.iter().filter(|(_, gg)| *gg == g).collect();
        if members.is_empty() {
            continue;
        }
        blocks.push(Block::PageBreak);
        blocks.push(Block::Heading {
            level: 1,
            text: match g {
                Group::Central => l(
                    lang,
                    "Результаты оценки в разрезе центральных государственных органов",
                    "Орталық мемлекеттік органдар бөлінісіндегі бағалау нәтижелері",
                ),
                Group::Local => l(
                    lang,
                    "Результаты оценки в разрезе местных исполнительных органов",
                    "Жергілікті атқарушы органдар бөлінісіндегі бағалау нәтижелері",
                ),
            }
            .into(),
        });
        for (k, (body, _)) in members.iter().enumerate() {
            if k > 0 {
                blocks.push(Block::PageBreak);
            }
            body_page(a, body, lang, &mut blocks);
        }
    }
    if let Some(ed) = a.appendix {
        blocks.push(Block::PageBreak);
        appendix(ed, lang, &mut blocks);
    }
    Document {
        lang,
        title: format!(
            "{} {}",
            l(lang, "Операционная оценка", "Операциялық бағалау"),
            a.period
        ),
        landscape: false,
        blocks,
    }
}

/// Published previous ranks that the previous scores contradict: printed under the table as they
/// were given, with the ranks the scores allow — a report built here does not hide a discrepancy
/// of its sources.
fn conflicts(a: &Annual, block: &BlockRating, g: Group, lang: Lang, blocks: &mut Vec<Block>) {
    let items: Vec<Vec<R>> = block
        .rating
        .conflicts
        .iter()
        .filter(|c| c.group == g)
        .map(|c| {
            let name = block
                .rating
                .rows
                .iter()
                .find(|r| r.row.body == c.body)
                .map(label)
                .unwrap_or_else(|| c.body.clone());
            let allowed = if c.lo == c.hi {
                c.lo.to_string()
            } else {
                format!("{}–{}", c.lo, c.hi)
            };
            vec![R::italic(match lang {
                Lang::Ru => format!(
                    "{name}: место за {} год {} не согласуется с баллом {} (по баллам — {allowed})",
                    a.period - 1,
                    c.published,
                    one(c.previous_score)
                ),
                Lang::Kk => format!(
                    "{name}: {} жылғы {} орын {} балға сәйкес келмейді (балдар бойынша — {allowed})",
                    a.period - 1,
                    c.published,
                    one(c.previous_score)
                ),
            })]
        })
        .collect();
    if items.is_empty() {
        return;
    }
    blocks.push(Block::Paragraph {
        runs: vec![R::bold(l(
            lang,
            "Расхождения в исходных данных:",
            "Бастапқы деректердегі алшақтықтар:",
        ))],
        align: Align::Left,
    });
    blocks.push(Block::List {
        ordered: false,
        items,
    });
}

fn body_page(a: &Annual, body: &str, lang: Lang, blocks: &mut Vec<Block>) {
    let entries: Vec<(&BlockRating, &Rated)> = a
        .blocks
        .iter()
        .filter_map(|b| {
            b.rating
                .rows
                .iter()
                .find(|r| r.row.body == body)
                .map(|r| (b, r))
        })
        .collect();
    let Some((_, first)) = entries.first() else {
        return;
    };
    blocks.push(Block::Heading {
        level: 2,
        text: label(first).to_uppercase(),
    });
    blocks.push(Block::Paragraph {
        runs: vec![R::bold(a.period.to_string())],
        align: Align::Left,
    });
    // «Итоги оценки показали высокую степень эффективности деятельности по блокам «…» и «…»».
    let mut by_degree: Vec<(usize, Vec<&str>)> = Vec::new();
    for (b, r) in &entries {
        if let Some(d) = r.degree {
            match by_degree.iter_mut().find(|(x, _)| *x == d) {
                Some((_, names)) => names.push(&b.name),
                None => by_degree.push((d, vec![&b.name])),
            }
        }
    }
    for (d, names) in by_degree {
        let quoted: Vec<String> = names.iter().map(|n| format!("«{n}»")).collect();
        let list = match quoted.len() {
            1 => quoted[0].clone(),
            _ => format!(
                "{} {} {}",
                quoted[..quoted.len() - 1].join(", "),
                l(lang, "и", "және"),
                quoted[quoted.len() - 1]
            ),
        };
        blocks.push(Block::Paragraph {
            runs: match lang {
                Lang::Ru => vec![
                    R::plain("Итоги оценки показали "),
                    R::bold(degree_phrase(lang, &a.degrees[d])),
                    R::plain(format!(
                        " по {} {list}.",
                        if names.len() == 1 {
                            "блоку"
                        } else {
                            "блокам"
                        }
                    )),
                ],
                Lang::Kk => vec![
                    R::plain(format!("{list} блогы бойынша бағалау қорытындысы ")),
                    R::bold(degree_phrase(lang, &a.degrees[d])),
                    R::plain(" көрсетті."),
                ],
            },
            align: Align::Justify,
        });
    }
    for (b, r) in &entries {
        blocks.push(Block::Heading {
            level: 3,
            text: b.name.to_uppercase(),
        });
        let prev_count = b
            .rating
            .groups
            .iter()
            .find(|g| g.group == r.row.group)
            .map(|g| g.previous_count)
            .unwrap_or(0);
        let of = l(lang, "ИЗ", "/");
        let score = l(lang, "ОЦЕНКА", "БАҒА");
        blocks.push(Block::Table(Table {
            caption: None,
            columns: vec![Column::center(50), Column::center(50)],
            header: vec![vec![
                Cell::bold((a.period - 1).to_string()),
                Cell::bold(a.period.to_string()),
            ]],
            rows: vec![vec![
                Cell::new(match (r.row.previous_score, r.previous_rank) {
                    (Some(s), Some(k)) => format!("{score} {} — {k} {of} {prev_count}", one(s)),
                    (Some(s), None) => format!("{score} {}", one(s)),
                    _ => l(lang, "не оценивался", "бағаланбаған").to_string(),
                }),
                Cell::bold(format!(
                    "{score} {} — {} {of} {}",
                    one(r.row.score),
                    r.rank,
                    r.group_size
                )),
            ]],
        }));
        direction_highlights(b, r, lang, blocks);
        let group_rows: Vec<&Rated> = b
            .rating
            .rows
            .iter()
            .filter(|x| x.row.group == r.row.group)
            .collect();
        let avg = b
            .rating
            .groups
            .iter()
            .find(|g| g.group == r.row.group)
            .and_then(|g| g.average);
        blocks.push(Block::Chart(Chart {
            title: format!(
                "{} — {} {}",
                b.name,
                l(lang, "баллы", "балдар"),
                group_short(lang, r.row.group)
            ),
            bars: group_rows
                .iter()
                .map(|x| Bar {
                    label: label(x),
                    value: x.row.score,
                    value_text: one(x.row.score),
                    highlight: x.row.body == r.row.body,
                })
                .collect(),
            max: Decimal::ONE_HUNDRED,
            reference: avg.map(|v| (v, format!("{} {}", l(lang, "среднее", "орташа"), one(v)))),
        }));
    }
}

/// The body's direction scores against its group's average, when the block has them.
fn direction_highlights(b: &BlockRating, r: &Rated, lang: Lang, blocks: &mut Vec<Block>) {
    let group: Vec<&str> = b
        .rating
        .rows
        .iter()
        .filter(|x| x.row.group == r.row.group)
        .map(|x| x.row.body.as_str())
        .collect();
    let mut rows = Vec::new();
    for d in &b.directions {
        let Some((_, own)) = d.scores.iter().find(|(id, _)| id == &r.row.body) else {
            continue;
        };
        let members: Vec<Decimal> = d
            .scores
            .iter()
            .filter(|(id, _)| group.contains(&id.as_str()))
            .map(|(_, v)| *v)
            .collect();
        let mean = crate::num::mean(&members);
        rows.push(vec![
            Cell::new(d.name.clone()),
            Cell::bold(one(*own)),
            Cell::new(mean.map(one).unwrap_or_default()),
            Cell::new(match mean {
                Some(m) if *own > m => "↑",
                Some(m) if *own < m => "↓",
                Some(_) => "=",
                None => "",
            }),
        ]);
    }
    if rows.is_empty() {
        return;
    }
    blocks.push(Block::Table(Table {
        caption: None,
        columns: vec![
            Column::left(52),
            Column::center(16),
            Column::center(20),
            Column::center(12),
        ],
        header: vec![vec![
            Cell::bold(l(lang, "Направление", "Бағыт")),
            Cell::bold(l(lang, "Балл", "Балл")),
            Cell::bold(format!(
                "{} {}",
                l(lang, "Среднее", "Орташа"),
                group_short(lang, r.row.group)
            )),
            Cell::bold(""),
        ]],
        rows,
    }));
}

/// «Приложение. Критерии оценки»: the criteria of each direction of the edition with maxima and
/// references.
pub fn appendix(ed: &Edition, lang: Lang, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading {
        level: 1,
        text: format!(
            "{} «{}»",
            l(
                lang,
                "Приложение. Критерии оценки блока",
                "Қосымша. Блокты бағалау өлшемшарттары"
            ),
            ed.block_name
        ),
    });
    blocks.push(Block::Paragraph {
        runs: vec![R::italic(ed.act.name.clone())],
        align: Align::Left,
    });
    for d in &ed.directions {
        let mut rows = Vec::new();
        let mut stack: Vec<(String, u8)> = vec![(d.code.clone(), 0)];
        let mut out: Vec<(usize, u8)> = Vec::new();
        while let Some((parent, depth)) = stack.pop() {
            let kids: Vec<usize> = ed
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.parent.as_deref() == Some(parent.as_str()) && n.max.is_some())
                .map(|(i, _)| i)
                .collect();
            for &k in kids.iter().rev() {
                stack.push((ed.nodes[k].code.clone(), depth + 1));
            }
            if parent != d.code {
                if let Some(i) = ed.node(&parent) {
                    out.push((i, depth - 1));
                }
            }
        }
        for (i, depth) in out {
            let n = &ed.nodes[i];
            rows.push(vec![
                Cell::new(n.number.clone().unwrap_or_default()),
                Cell::new(n.name.clone()).indent(depth),
                Cell::new(n.max.map(|m| crate::show(m, 2)).unwrap_or_default()),
                Cell::new(n.applies.describe_ru()),
                Cell::new(n.cite.legal_reference().unwrap_or_default()),
            ]);
        }
        blocks.push(Block::Heading {
            level: 2,
            text: format!(
                "{} ({} {})",
                d.name,
                crate::show(d.max, 2),
                l(lang, "баллов", "балл")
            ),
        });
        blocks.push(Block::Table(Table {
            caption: None,
            columns: vec![
                Column::center(8),
                Column::left(46),
                Column::center(10),
                Column::left(14),
                Column::left(22),
            ],
            header: vec![vec![
                Cell::bold("№"),
                Cell::bold(l(lang, "Критерий / показатель", "Өлшемшарт / көрсеткіш")),
                Cell::bold(l(lang, "Макс. балл", "Ең жоғары балл")),
                Cell::bold(l(lang, "Применяется", "Қолданылады")),
                Cell::bold(l(lang, "Основание", "Негіздеме")),
            ]],
            rows,
        }));
    }
}
