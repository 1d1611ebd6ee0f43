//! The annual report in the shape of seed 004: for each block and group the rating table with
//! this and the previous period's scores (one decimal), ranks and the arrow, the group averages;
//! a page per body with its scores, «N из M», the degree wording and a chart; the methodology
//! appendix generated from the edition. Ranks are never read from the input: they are computed
//! from the scores ([`bagalau_data::rating::rate`]), so the report cannot print a rank that
//! disagrees with them.

use crate::num::format_ru;
use bagalau_data::rating::{Change, Rated, Rating};
use bagalau_methodology::{DegreeBand, Edition, Group};
use bagalau_office::{
    Align, Bar, Block, Cell, Chart, Column, Document, Lang, Run as R, Sheet, Table, Workbook, XCell,
};
use rust_decimal::Decimal;

use crate::annual_bodies::Bodies;
use crate::lang::{degree_name, degree_phrase, group_name, group_short, l};

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
    /// Edition whose criteria make the methodology appendix — printed only when the edition
    /// governs the reported period (its `[validity] periods`).
    pub appendix: Option<&'a Edition>,
    /// Full names, page order and the bodies not rated (`bodies.csv`); without it the pages use
    /// the names of the scores files, in the order they first appear.
    pub bodies: Option<&'a Bodies>,
}

fn one(v: Decimal) -> String {
    format_ru(v, 1)
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
    let (p, q) = (a.period.to_string(), a.period.saturating_sub(1).to_string());
    let mut body_rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let new_mark = if r.change == Change::New { "*" } else { "" };
            vec![
                Cell::new(format!("{}{new_mark}", label(a, r))),
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

/// The abbreviation a table prints for a body: the short name of `bodies.csv`, else the name of
/// the scores file, else the code.
pub fn label(a: &Annual, r: &Rated) -> String {
    a.bodies
        .and_then(|b| b.get(&r.row.body))
        .map(|b| b.short_name.clone())
        .or_else(|| r.row.name.clone())
        .unwrap_or_else(|| r.row.body.clone())
        // «г. Алматы» never breaks after «г.».
        .replace("г. ", "г.\u{a0}")
}

/// The full official name of a body (its page's heading).
pub fn full_name(a: &Annual, r: &Rated) -> String {
    a.bodies
        .and_then(|b| b.get(&r.row.body))
        .map(|b| b.full_name.clone())
        .unwrap_or_else(|| label(a, r))
}

/// The block's name as the methodology names it (seed 004's appendix), for the names the
/// report's tables shorten.
pub fn official_block_name(name: &str) -> String {
    let n = name.to_lowercase();
    if n.contains("физическими и юридическими") {
        "Взаимодействие государственного органа с физическими и юридическими лицами".into()
    } else if n.starts_with("организационное развитие") {
        "Организационное развитие государственного органа".into()
    } else {
        name.to_string()
    }
}

/// The issuers on the title page of the operational evaluation's annual report (seed 004).
const ISSUERS: [&str; 3] = [
    "АДМИНИСТРАЦИЯ ПРЕЗИДЕНТА РЕСПУБЛИКИ КАЗАХСТАН\nОТДЕЛ СТРАТЕГИЧЕСКОГО ПЛАНИРОВАНИЯ",
    "СЧЕТНЫЙ КОМИТЕТ ПО КОНТРОЛЮ ЗА ИСПОЛНЕНИЕМ РЕСПУБЛИКАНСКОГО БЮДЖЕТА",
    "ЦЕНТР ИССЛЕДОВАНИЙ, АНАЛИЗА И ОЦЕНКИ ЭФФЕКТИВНОСТИ",
];

/// An entry of the table of contents: the heading's level (1 or 2) and its text, exactly as the
/// heading prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentsEntry {
    pub level: u8,
    pub text: String,
}

/// The whole report; the contents without page numbers (HTML, DOCX). The PDF takes its page
/// numbers from a first rendering: [`crate::annual_pdf::annual_pdf`].
pub fn annual(a: &Annual, lang: Lang) -> Document {
    annual_paged(a, lang, None).0
}

struct Builder {
    blocks: Vec<Block>,
    contents: Vec<ContentsEntry>,
}

impl Builder {
    fn heading(&mut self, level: u8, text: String, listed: bool) {
        if listed {
            self.contents.push(ContentsEntry {
                level,
                text: text.clone(),
            });
        }
        self.blocks.push(Block::Heading { level, text });
    }
    fn para(&mut self, text: String) {
        self.blocks.push(Block::Paragraph {
            runs: vec![R::plain(text)],
            align: Align::Justify,
        });
    }
}

/// «центральные государственные органы» → «Центральные государственные органы».
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn count(n: usize, one: &'static str, few: &'static str, many: &'static str) -> String {
    format!("{n} {}", crate::lang::plural_ru(n as u64, one, few, many))
}

fn and_list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} и {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// The report with the contents' page numbers when `pages` is given (one per entry, in the
/// order of [`ContentsEntry`]s returned); the entries let the caller find the pages.
pub fn annual_paged(
    a: &Annual,
    lang: Lang,
    pages: Option<&[usize]>,
) -> (Document, Vec<ContentsEntry>) {
    let mut b = Builder {
        blocks: Vec::new(),
        contents: Vec::new(),
    };
    introduction(a, lang, &mut b);
    b.blocks.push(Block::PageBreak);
    b.heading(
        1,
        l(
            lang,
            "РЕЗУЛЬТАТЫ ОПЕРАЦИОННОЙ ОЦЕНКИ",
            "ОПЕРАЦИЯЛЫҚ БАҒАЛАУ НӘТИЖЕЛЕРІ",
        )
        .into(),
        true,
    );
    for (k, block) in a.blocks.iter().enumerate() {
        if k > 0 {
            b.blocks.push(Block::PageBreak);
        }
        b.heading(2, block.name.clone(), true);
        let mut first = true;
        for g in Group::ALL {
            if let Some(t) = rating_table(a, block, g, lang) {
                // Each group's analysis and table on a page of its own.
                if !first {
                    b.blocks.push(Block::PageBreak);
                }
                first = false;
                analysis(a, block, g, lang, &mut b);
                b.blocks.push(Block::Table(t));
                for r in block
                    .rating
                    .rows
                    .iter()
                    .filter(|r| r.row.group == g && r.change == Change::New)
                {
                    b.blocks.push(Block::Paragraph {
                        runs: vec![R::italic(format!(
                            "*{} {} {} {}",
                            label(a, r),
                            l(lang, "не подлежал оценке за", "бағалауға жатпаған:"),
                            a.period.saturating_sub(1),
                            l(lang, "год", "жыл")
                        ))],
                        align: Align::Left,
                    });
                }
            }
        }
    }
    body_pages(a, lang, &mut b);
    b.blocks.push(Block::PageBreak);
    methodology_appendix(a, lang, &mut b);

    let mut blocks = title_page(a, lang);
    abbreviations(a, lang, &mut blocks);
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading {
        level: 2,
        text: l(lang, "СОДЕРЖАНИЕ", "МАЗМҰНЫ").into(),
    });
    // Page numbers only where pages exist (the PDF); HTML and DOCX list the headings.
    let columns = match pages {
        Some(_) => vec![Column::left(90), Column::right(10)],
        None => vec![Column::left(100)],
    };
    blocks.push(Block::Table(Table {
        caption: None,
        columns,
        header: Vec::new(),
        rows: b
            .contents
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let mut row = if e.level == 1 {
                    vec![Cell::bold(e.text.clone())]
                } else {
                    vec![Cell::new(e.text.clone()).indent(1)]
                };
                if let Some(p) = pages {
                    let page = p.get(k).map(|p| p.to_string()).unwrap_or_default();
                    row.push(if e.level == 1 {
                        Cell::bold(page)
                    } else {
                        Cell::new(page)
                    });
                }
                row
            })
            .collect(),
    }));
    blocks.push(Block::PageBreak);
    blocks.extend(b.blocks);
    (
        Document {
            lang,
            title: format!(
                "{} {}",
                l(lang, "Операционная оценка", "Операциялық бағалау"),
                a.period
            ),
            landscape: false,
            blocks,
        },
        b.contents,
    )
}

fn title_page(a: &Annual, lang: Lang) -> Vec<Block> {
    let centred = |text: &str, bold: bool| Block::Paragraph {
        runs: vec![if bold { R::bold(text) } else { R::plain(text) }],
        align: Align::Center,
    };
    let gap = || centred("\u{a0}", false);
    let mut blocks = Vec::new();
    for issuer in ISSUERS {
        for line in issuer.lines() {
            blocks.push(centred(line, true));
        }
        blocks.push(gap());
    }
    for _ in 0..10 {
        blocks.push(gap());
    }
    blocks.push(Block::Heading {
        level: 1,
        text: l(
            lang,
            "ОПЕРАЦИОННАЯ ОЦЕНКА ЭФФЕКТИВНОСТИ ДЕЯТЕЛЬНОСТИ ГОСУДАРСТВЕННЫХ ОРГАНОВ",
            "МЕМЛЕКЕТТІК ОРГАНДАР ҚЫЗМЕТІНІҢ ТИІМДІЛІГІН ОПЕРАЦИЯЛЫҚ БАҒАЛАУ",
        )
        .into(),
    });
    blocks.push(Block::Paragraph {
        runs: vec![
            R::plain(l(lang, "за ", "")),
            R::bold(a.period.to_string()),
            R::plain(l(lang, " год", " жыл")),
        ],
        align: Align::Center,
    });
    blocks.push(Block::PageBreak);
    blocks
}

/// Every body the report names (rated in a block or listed as not rated), in page order.
fn bodies_shown(a: &Annual) -> Vec<(String, Group)> {
    let mut seen: Vec<(String, Group)> = Vec::new();
    if let Some(bodies) = a.bodies {
        for info in &bodies.list {
            let rated = a
                .blocks
                .iter()
                .any(|b| b.rating.rows.iter().any(|r| r.row.body == info.id));
            if rated || info.not_rated.is_some() {
                seen.push((info.id.clone(), info.group));
            }
        }
    }
    for block in a.blocks {
        for r in &block.rating.rows {
            if !seen.iter().any(|(b, _)| b == &r.row.body) {
                seen.push((r.row.body.clone(), r.row.group));
            }
        }
    }
    seen
}

/// «СПИСОК СОКРАЩЕНИЙ»: the group abbreviations the text uses and every body's short name that
/// is an abbreviation (capitals only: «МИД», «ВКО»), with its full name; alphabetical.
fn abbreviations(a: &Annual, lang: Lang, blocks: &mut Vec<Block>) {
    let mut rows: Vec<(String, String)> = vec![
        (
            group_short(lang, Group::Central).into(),
            l(
                lang,
                "Центральный государственный орган",
                "Орталық мемлекеттік орган",
            )
            .into(),
        ),
        (
            group_short(lang, Group::Local).into(),
            l(
                lang,
                "Местный исполнительный орган",
                "Жергілікті атқарушы орган",
            )
            .into(),
        ),
    ];
    if let Some(bodies) = a.bodies {
        for (id, _) in bodies_shown(a) {
            if let Some(info) = bodies.get(&id) {
                let acronym = info
                    .short_name
                    .chars()
                    .all(|c| c.is_uppercase() || c == ' ');
                if acronym && info.short_name != info.full_name {
                    rows.push((
                        info.short_name.clone(),
                        info.stands_for
                            .clone()
                            .unwrap_or_else(|| info.full_name.clone()),
                    ));
                }
            }
        }
    }
    rows.sort();
    rows.dedup();
    blocks.push(Block::Heading {
        level: 2,
        text: l(lang, "СПИСОК СОКРАЩЕНИЙ", "ҚЫСҚАРТУЛАР ТІЗІМІ").into(),
    });
    blocks.push(Block::Table(Table {
        caption: None,
        columns: vec![Column::left(20), Column::left(80)],
        header: Vec::new(),
        rows: rows
            .into_iter()
            .map(|(s, f)| vec![Cell::bold(s), Cell::new(f)])
            .collect(),
    }));
}

fn introduction(a: &Annual, lang: Lang, b: &mut Builder) {
    b.heading(1, l(lang, "ВВЕДЕНИЕ", "КІРІСПЕ").into(), true);
    let names: Vec<String> = a
        .blocks
        .iter()
        .map(|x| format!("«{}»", official_block_name(&x.name)))
        .collect();
    b.para(format!(
        "Настоящий сборник содержит основные результаты операционной оценки эффективности \
         деятельности государственных органов за {} год по {}: {}.",
        a.period,
        count(a.blocks.len(), "блоку", "блокам", "блокам"),
        and_list(&names)
    ));
    for block in a.blocks {
        let per_group: Vec<String> = Group::ALL
            .iter()
            .filter_map(|g| {
                let n = block
                    .rating
                    .rows
                    .iter()
                    .filter(|r| r.row.group == *g)
                    .count();
                (n > 0).then(|| match g {
                    Group::Central => count(
                        n,
                        "центральный государственный орган",
                        "центральных государственных органа",
                        "центральных государственных органов",
                    ),
                    Group::Local => count(
                        n,
                        "местный исполнительный орган",
                        "местных исполнительных органа",
                        "местных исполнительных органов",
                    ),
                })
            })
            .collect();
        b.para(format!(
            "В рейтинги по блоку «{}» включены {}.",
            official_block_name(&block.name),
            and_list(&per_group)
        ));
    }
    let not_rated: Vec<String> = a
        .bodies
        .map(|bodies| {
            bodies
                .list
                .iter()
                .filter(|x| x.not_rated.is_some())
                .map(|x| x.short_name.clone())
                .collect()
        })
        .unwrap_or_default();
    if !not_rated.is_empty() {
        b.para(format!(
            "Результаты оценки {} не включены в рейтинги; причины приведены на страницах этих органов.",
            and_list(&not_rated)
        ));
    }
    b.para(format!(
        "По каждому блоку приведены рейтинги центральных государственных органов и местных \
         исполнительных органов с баллами за {} и {} годы, местами в рейтинге и их изменением, а \
         также анализ результатов: лидеры и отстающие, средние значения и динамика по сравнению с \
         предыдущим годом. Далее следуют страницы государственных органов с итогами оценки по \
         блокам и описание методологии операционной оценки.",
        a.period,
        a.period.saturating_sub(1)
    ));
}

/// The analysis of one group's rating in one block, generated from the scores: average and its
/// change, leaders and laggards, movement in the rating, degrees of effectiveness.
/// The analysis of one group of one block. In Kazakh, the sentences whose words the glossary and
/// the editions give (the group, the average, the degrees) are Kazakh; the others stay Russian.
fn analysis(a: &Annual, block: &BlockRating, g: Group, lang: Lang, b: &mut Builder) {
    let mut rows: Vec<&Rated> = block
        .rating
        .rows
        .iter()
        .filter(|r| r.row.group == g)
        .collect();
    rows.sort_by_key(|r| r.rank);
    let n = rows.len();
    let (who, of_who) = match g {
        Group::Central => (
            "центральных государственных органов",
            "среди центральных государственных органов",
        ),
        Group::Local => (
            "местных исполнительных органов",
            "среди местных исполнительных органов",
        ),
    };
    let mut text = Vec::new();
    if let (Lang::Kk, Some(avg)) = (lang, block.rating.groups.iter().find(|x| x.group == g)) {
        if let Some(v) = avg.average {
            let mut s = format!(
                "{} {}: {} балл",
                l(lang, "Среднее значение по", "Орташа мән,"),
                group_short(lang, g),
                one(v)
            );
            if let Some(p) = avg.previous_average {
                let d = r1(v).checked_sub(r1(p)).unwrap_or(Decimal::ZERO);
                s.push_str(&format!(
                    " ({} жылы — {}; {})",
                    a.period.saturating_sub(1),
                    one(p),
                    crate::signed(d, 1)
                ));
            }
            s.push('.');
            text.push(s);
        }
    } else if let Some(avg) = block.rating.groups.iter().find(|x| x.group == g) {
        if let Some(v) = avg.average {
            let mut s = format!(
                "Среднее значение оценки {who} по блоку составило {} {}",
                one(v),
                crate::points_word(r1(v), Lang::Ru)
            );
            if let Some(p) = avg.previous_average {
                // Checked: the scores come from a file (a huge value must not panic).
                let d = r1(v).checked_sub(r1(p)).unwrap_or(Decimal::ZERO);
                let change = if d > Decimal::ZERO {
                    format!("рост на {} {}", one(d), crate::points_word(d, Lang::Ru))
                } else if d < Decimal::ZERO {
                    format!(
                        "снижение на {} {}",
                        one(-d),
                        crate::points_word(-d, Lang::Ru)
                    )
                } else {
                    "без изменений".into()
                };
                s.push_str(&format!(
                    " (в {} году — {}; {change})",
                    a.period.saturating_sub(1),
                    one(p)
                ));
            }
            s.push('.');
            text.push(s);
        }
    }
    let show = |r: &&Rated| format!("{} ({})", label(a, r), one(r.row.score));
    let k = 3.min(n / 2);
    if k > 0 {
        let top: Vec<String> = rows.iter().take(k).map(show).collect();
        let bottom: Vec<String> = rows[n - k..].iter().map(show).collect();
        text.push(format!(
            "Наиболее высокие результаты {of_who} показали {}; наиболее низкие — {}.",
            and_list(&top),
            and_list(&bottom)
        ));
    }
    let moved: Vec<(&Rated, i64)> = rows
        .iter()
        .filter_map(|r| r.previous_rank.map(|p| (*r, p as i64 - r.rank as i64)))
        .collect();
    if !moved.is_empty() {
        let up = moved.iter().filter(|(_, d)| *d > 0).count();
        let down = moved.iter().filter(|(_, d)| *d < 0).count();
        let same = moved.len() - up - down;
        let mut s = format!(
            "По сравнению с {} годом позиции в рейтинге улучшили {}, ухудшили — {}, сохранили — {}.",
            a.period.saturating_sub(1),
            count(up, "орган", "органа", "органов"),
            count(down, "орган", "органа", "органов"),
            count(same, "орган", "органа", "органов"),
        );
        let place = |r: &Rated| {
            format!(
                "{}: с {}-го на {}-е место",
                label(a, r),
                r.previous_rank.unwrap_or_default(),
                r.rank
            )
        };
        // Among equal moves, the body ranked higher (rows are in rank order).
        if let Some((r, _)) = moved
            .iter()
            .rev()
            .max_by_key(|(_, d)| *d)
            .filter(|(_, d)| *d > 0)
        {
            s.push_str(&format!(" Наибольший подъём — {}.", place(r)));
        }
        if let Some((r, _)) = moved.iter().min_by_key(|(_, d)| *d).filter(|(_, d)| *d < 0) {
            s.push_str(&format!(" Наибольшее снижение — {}.", place(r)));
        }
        text.push(s);
    }
    let with_prev: Vec<&&Rated> = rows
        .iter()
        .filter(|r| r.row.previous_score.is_some())
        .collect();
    if !with_prev.is_empty() {
        let grew = with_prev
            .iter()
            .filter(|r| {
                r.row
                    .previous_score
                    .is_some_and(|p| r1(r.row.score) > r1(p))
            })
            .count();
        let fell = with_prev
            .iter()
            .filter(|r| {
                r.row
                    .previous_score
                    .is_some_and(|p| r1(r.row.score) < r1(p))
            })
            .count();
        text.push(format!(
            "Балл по блоку повысился у {}, снизился — у {}.",
            count(grew, "органа", "органов", "органов"),
            count(fell, "органа", "органов", "органов"),
        ));
    }
    let degrees: Vec<String> = a
        .degrees
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let m = rows.iter().filter(|r| r.degree == Some(i)).count();
            (m > 0).then(|| {
                format!(
                    "{} — у {}",
                    d.name,
                    count(m, "органа", "органов", "органов")
                )
            })
        })
        .collect();
    if !degrees.is_empty() {
        text.push(match lang {
            Lang::Ru => format!(
                "Степень эффективности деятельности: {}.",
                degrees.join(", ")
            ),
            Lang::Kk => format!(
                "Қызмет тиімділігінің дәрежесі: {}.",
                a.degrees
                    .iter()
                    .enumerate()
                    .filter_map(|(i, d)| {
                        let m = rows.iter().filter(|r| r.degree == Some(i)).count();
                        (m > 0).then(|| format!("{} — {m} орган", degree_name(lang, d)))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    b.blocks.push(Block::Paragraph {
        runs: vec![R::bold(format!(
            "{} ({})",
            capitalised(group_name(lang, g)),
            group_short(lang, g)
        ))],
        align: Align::Left,
    });
    for t in text {
        b.para(t);
    }
}

fn body_pages(a: &Annual, lang: Lang, b: &mut Builder) {
    let shown = bodies_shown(a);
    for g in Group::ALL {
        let members: Vec<&String> = shown
            .iter()
            .filter(|(_, gg)| *gg == g)
            .map(|(id, _)| id)
            .collect();
        if members.is_empty() {
            continue;
        }
        b.blocks.push(Block::PageBreak);
        b.heading(
            1,
            match g {
                Group::Central => l(
                    lang,
                    "РЕЗУЛЬТАТЫ ОЦЕНКИ В РАЗРЕЗЕ ЦЕНТРАЛЬНЫХ ГОСУДАРСТВЕННЫХ ОРГАНОВ",
                    "ОРТАЛЫҚ МЕМЛЕКЕТТІК ОРГАНДАР БӨЛІНІСІНДЕГІ БАҒАЛАУ НӘТИЖЕЛЕРІ",
                ),
                Group::Local => l(
                    lang,
                    "РЕЗУЛЬТАТЫ ОЦЕНКИ В РАЗРЕЗЕ МЕСТНЫХ ИСПОЛНИТЕЛЬНЫХ ОРГАНОВ",
                    "ЖЕРГІЛІКТІ АТҚАРУШЫ ОРГАНДАР БӨЛІНІСІНДЕГІ БАҒАЛАУ НӘТИЖЕЛЕРІ",
                ),
            }
            .into(),
            true,
        );
        for (k, body) in members.into_iter().enumerate() {
            if k > 0 {
                b.blocks.push(Block::PageBreak);
            }
            body_page(a, body, lang, b);
        }
    }
}

fn body_page(a: &Annual, body: &str, lang: Lang, b: &mut Builder) {
    let entries: Vec<(&BlockRating, &Rated)> = a
        .blocks
        .iter()
        .filter_map(|x| {
            x.rating
                .rows
                .iter()
                .find(|r| r.row.body == body)
                .map(|r| (x, r))
        })
        .collect();
    let info = a.bodies.and_then(|x| x.get(body));
    let name = match (info, entries.first()) {
        (Some(i), _) => i.full_name.clone(),
        (None, Some((_, r))) => full_name(a, r),
        (None, None) => body.to_string(),
    };
    b.heading(2, name, true);
    b.blocks.push(Block::Paragraph {
        runs: vec![R::bold(format!("{} {}", a.period, l(lang, "год", "жыл")))],
        align: Align::Left,
    });
    if let Some(reason) = info.and_then(|i| i.not_rated.clone()) {
        b.para(reason);
        return;
    }
    let Some((_, first)) = entries.first() else {
        return;
    };
    let g = first.row.group;
    // «Итоги оценки показали высокую степень эффективности деятельности по блокам «…» и «…»».
    let mut by_degree: Vec<(usize, Vec<&str>)> = Vec::new();
    for (x, r) in &entries {
        if let Some(d) = r.degree {
            match by_degree.iter_mut().find(|(y, _)| *y == d) {
                Some((_, names)) => names.push(&x.name),
                None => by_degree.push((d, vec![&x.name])),
            }
        }
    }
    for (d, names) in by_degree {
        let Some(band) = a.degrees.get(d) else {
            continue;
        };
        let quoted: Vec<String> = names.iter().map(|n| format!("«{n}»")).collect();
        let list = and_list(&quoted);
        b.blocks.push(Block::Paragraph {
            runs: match lang {
                Lang::Ru => vec![
                    R::plain("Итоги оценки показали "),
                    R::bold(degree_phrase(lang, band)),
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
                    R::bold(degree_phrase(lang, band)),
                    R::plain(" көрсетті."),
                ],
            },
            align: Align::Left,
        });
    }
    let of = l(lang, "из", "/");
    let avg_of = |x: &BlockRating| {
        x.rating
            .groups
            .iter()
            .find(|y| y.group == g)
            .and_then(|y| y.average)
    };
    let mut rows = Vec::new();
    for (x, r) in &entries {
        let prev_count = x
            .rating
            .groups
            .iter()
            .find(|y| y.group == g)
            .map(|y| y.previous_count)
            .unwrap_or(0);
        rows.push(vec![
            Cell::new(x.name.clone()),
            Cell::new(r.row.previous_score.map(one).unwrap_or_else(|| "—".into())),
            Cell::new(match r.previous_rank {
                Some(k) => format!("{k} {of} {prev_count}"),
                None => "—".into(),
            }),
            Cell::bold(one(r.row.score)),
            Cell::bold(format!("{} {of} {}", r.rank, r.group_size)),
            Cell::new(avg_of(x).map(one).unwrap_or_default()),
        ]);
    }
    let (p, q) = (a.period.to_string(), a.period.saturating_sub(1).to_string());
    b.blocks.push(Block::Table(Table {
        caption: None,
        columns: vec![
            Column::left(36),
            Column::center(11),
            Column::center(11),
            Column::center(11),
            Column::center(11),
            Column::center(14),
        ],
        header: vec![
            vec![
                Cell::bold(l(lang, "Блок", "Блок")),
                Cell::bold(q.clone()).span(2),
                Cell::bold(p.clone()).span(2),
                Cell::bold(format!(
                    "{} {}, {p}",
                    l(lang, "Среднее", "Орташа"),
                    group_short(lang, g)
                )),
            ],
            vec![
                Cell::new(""),
                Cell::bold(l(lang, "оценка", "баға")),
                Cell::bold(l(lang, "место", "орын")),
                Cell::bold(l(lang, "оценка", "баға")),
                Cell::bold(l(lang, "место", "орын")),
                Cell::new(""),
            ],
        ],
        rows,
    }));
    for (x, r) in &entries {
        direction_highlights(x, r, lang, &mut b.blocks);
    }
    // A compact chart: per block this year's score, last year's and the group's average as
    // bars of their own — no reference line for a value label to run into.
    let mut bars = Vec::new();
    for (x, r) in &entries {
        bars.push(Bar {
            label: format!("{}, {p}", x.name),
            value: r.row.score,
            value_text: one(r.row.score),
            highlight: true,
        });
        if let Some(v) = r.row.previous_score {
            bars.push(Bar {
                label: q.clone(),
                value: v,
                value_text: one(v),
                highlight: false,
            });
        }
        if let Some(v) = avg_of(x) {
            bars.push(Bar {
                label: format!(
                    "{} {}, {p}",
                    l(lang, "среднее", "орташа"),
                    group_short(lang, g)
                ),
                value: v,
                value_text: one(v),
                highlight: false,
            });
        }
    }
    b.blocks.push(Block::Chart(Chart {
        title: l(lang, "Оценки по блокам", "Блоктар бойынша бағалар").into(),
        bars,
        max: Decimal::ONE_HUNDRED,
        reference: None,
    }));
}

/// The discrepancies of the source data the report does not print: published previous ranks
/// the previous scores contradict, bodies without full names, bodies listed as not rated but
/// present in a rating, and a methodology appendix without an edition for the period. Written
/// beside the report as a verification sheet.
pub fn verification(a: &Annual) -> Workbook {
    let mut rows = Vec::new();
    let mut push = |block: &str, g: Option<Group>, body: String, what: String| {
        rows.push(vec![
            XCell::Text(block.to_string()),
            XCell::Text(
                g.map(|g| group_short(Lang::Ru, g).to_string())
                    .unwrap_or_default(),
            ),
            XCell::Text(body),
            XCell::Text(what),
        ]);
    };
    for block in a.blocks {
        for c in &block.rating.conflicts {
            let name = block
                .rating
                .rows
                .iter()
                .find(|r| r.row.body == c.body)
                .map(|r| label(a, r))
                .unwrap_or_else(|| c.body.clone());
            let allowed = if c.lo == c.hi {
                c.lo.to_string()
            } else {
                format!("{}–{}", c.lo, c.hi)
            };
            push(
                &block.name,
                Some(c.group),
                name,
                format!(
                    "опубликованное место за {} год {} не согласуется с баллом {} (по баллам — {allowed})",
                    a.period.saturating_sub(1),
                    c.published,
                    one(c.previous_score)
                ),
            );
        }
        for r in &block.rating.rows {
            match a.bodies.and_then(|x| x.get(&r.row.body)) {
                None if a.bodies.is_some() => push(
                    &block.name,
                    Some(r.row.group),
                    label(a, r),
                    "нет в списке органов (bodies.csv): полное наименование не указано".into(),
                ),
                Some(i) if i.not_rated.is_some() => push(
                    &block.name,
                    Some(r.row.group),
                    label(a, r),
                    "орган указан как не включённый в рейтинги, но есть в рейтинге блока".into(),
                ),
                Some(i) if i.group != r.row.group => push(
                    &block.name,
                    Some(r.row.group),
                    label(a, r),
                    "группа органа в рейтинге не совпадает со списком органов".into(),
                ),
                _ => {}
            }
        }
    }
    match a.appendix {
        Some(ed) if !ed.validity.periods.contains(&a.period) => push(
            "",
            None,
            String::new(),
            format!(
                "редакция «{}» не применяется к оценке за {} год (периоды: {}): критерии в приложение не включены",
                ed.id,
                a.period,
                ed.validity
                    .periods
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        _ => {}
    }
    Workbook {
        sheets: vec![Sheet {
            name: "Сверка исходных данных".into(),
            columns: vec![
                "Блок".into(),
                "Группа".into(),
                "Орган".into(),
                "Расхождение".into(),
            ],
            rows,
        }],
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

/// «ПРИЛОЖЕНИЕ. МЕТОДОЛОГИЯ ОПЕРАЦИОННОЙ ОЦЕНКИ»: the blocks by their names and — when the
/// edition given governs the reported period — that edition's criteria.
fn methodology_appendix(a: &Annual, lang: Lang, b: &mut Builder) {
    b.heading(
        1,
        l(
            lang,
            "ПРИЛОЖЕНИЕ. МЕТОДОЛОГИЯ ОПЕРАЦИОННОЙ ОЦЕНКИ",
            "ҚОСЫМША. ОПЕРАЦИЯЛЫҚ БАҒАЛАУ ӘДІСНАМАСЫ",
        )
        .into(),
        true,
    );
    let names: Vec<String> = a
        .blocks
        .iter()
        .map(|x| format!("«{}»", official_block_name(&x.name)))
        .collect();
    b.para(format!(
        "Операционная оценка деятельности государственных органов за {} год проведена по {}: {}. \
         Оценка по каждому блоку проводится по методике, утверждённой уполномоченным на оценку \
         органом; методики публикуются в информационно-правовой системе нормативных правовых \
         актов «Әділет».",
        a.period,
        count(a.blocks.len(), "блоку", "блокам", "блокам"),
        and_list(&names)
    ));
    b.para(
        "Баллы по блоку выставляются по шкале до 100 баллов; места в рейтинге определяются \
         отдельно среди центральных государственных органов и среди местных исполнительных \
         органов. Стрелка показывает изменение места по сравнению с предыдущим годом."
            .into(),
    );
    if let Some(ed) = a
        .appendix
        .filter(|ed| ed.validity.periods.contains(&a.period))
    {
        appendix(ed, lang, &mut b.blocks);
    }
}

/// The criteria of each direction of the edition with maxima and references, numbered through
/// each table («1», «1.1», «2», …).
pub fn appendix(ed: &Edition, lang: Lang, blocks: &mut Vec<Block>) {
    blocks.push(Block::Heading {
        level: 2,
        text: format!(
            "{} «{}»",
            l(
                lang,
                "Критерии оценки блока",
                "Блокты бағалау өлшемшарттары"
            ),
            official_block_name(&ed.block_name)
        ),
    });
    blocks.push(Block::Paragraph {
        runs: vec![R::italic(ed.act.name.clone())],
        align: Align::Left,
    });
    for d in &ed.directions {
        let mut rows = Vec::new();
        // Depth-first through the direction's tree; numbers from the position in the tree.
        let mut stack: Vec<(String, String)> = vec![(d.code.clone(), String::new())];
        while let Some((parent, number)) = stack.pop() {
            if parent != d.code {
                if let Some(i) = ed.node(&parent) {
                    let n = &ed.nodes[i];
                    let depth = number.matches('.').count() as u8;
                    rows.push(vec![
                        Cell::new(number.clone()),
                        Cell::new(n.name.clone()).indent(depth),
                        Cell::new(n.max.map(|m| crate::show(m, 2)).unwrap_or_default()),
                        Cell::new(n.applies.describe_ru()),
                        Cell::new(n.cite.legal_reference().unwrap_or_default()),
                    ]);
                }
            }
            let kids: Vec<usize> = ed
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.parent.as_deref() == Some(parent.as_str()) && n.max.is_some())
                .map(|(i, _)| i)
                .collect();
            for (k, &i) in kids.iter().enumerate().rev() {
                let child = if number.is_empty() {
                    (k + 1).to_string()
                } else {
                    format!("{number}.{}", k + 1)
                };
                stack.push((ed.nodes[i].code.clone(), child));
            }
        }
        blocks.push(Block::Heading {
            level: 3,
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
                Column::left(44),
                Column::center(10),
                Column::left(16),
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

/// A score as printed (one decimal): comparisons in the text agree with the tables.
fn r1(v: Decimal) -> Decimal {
    bagalau_engine::rank::round_display(v, 1)
}
