//! Акт сверки по итогам перепроверки данных (appendix 9 of the 2014 methodology): the facts found
//! on re-verification by kind, the deduction per fact and in total with the cap applied, and the
//! signatories of both sides.

use std::path::Path;

use bagalau_engine::BodyOutcome;
use bagalau_methodology::NodeBody;
use bagalau_office::{Align, Block, Cell, Column, Document, Lang, Run as R, Signature, Table};
use rust_decimal::Decimal;

use crate::lang::l;
use crate::table_file::{cell, CsvTable};
use crate::{ReportError, Run};

/// One fact found on re-verification: which body, which penalty item (its code in the edition),
/// and what was found.
#[derive(Debug, Clone)]
pub struct Fact {
    pub body: String,
    pub item: String,
    pub description: String,
    /// For late submission (appendix 9, row 1): the deadline of the evaluation schedule and the
    /// actual date, as `ДД.ММ.ГГГГ`.
    pub dates: Option<(Date, Date)>,
    /// The file and line the fact was read from (for messages).
    pub file: String,
    pub row: usize,
}

/// A calendar date (year, month, day), ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub u16, pub u8, pub u8);

impl Date {
    /// `ДД.ММ.ГГГГ` or `ГГГГ-ММ-ДД`; the day must exist in the month.
    pub fn parse(s: &str) -> Option<Date> {
        let parts: Vec<&str> = if s.contains('.') {
            s.split('.').rev().collect()
        } else {
            s.split('-').collect()
        };
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        let (y, m, d): (u16, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (y >= 1900 && (1..=days).contains(&d)).then_some(Date(y, m, d))
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}.{:02}.{}", self.2, self.1, self.0)
    }
}

/// Reads `facts.csv`: `body,item,description` and, for late submission, optionally `due` and
/// `submitted` (dates). Every problem names the file and the row.
pub fn read_facts(path: &Path) -> Result<Vec<Fact>, ReportError> {
    facts_from(CsvTable::open(path)?)
}

/// [`read_facts`] from any reader (`file` names it in messages).
pub fn read_facts_from<R: std::io::Read>(r: R, file: &str) -> Result<Vec<Fact>, ReportError> {
    facts_from(CsvTable::read(r, file)?)
}

fn facts_from(t: CsvTable) -> Result<Vec<Fact>, ReportError> {
    t.only(&["body", "item", "description", "due", "submitted"])?;
    let c = t.required(&["body", "item", "description"])?;
    let (due_col, sub_col) = (t.optional("due"), t.optional("submitted"));
    let mut out = Vec::new();
    for (line, row) in &t.rows {
        let (body, item) = (cell(row, c[0]), cell(row, c[1]));
        if body.is_empty() || item.is_empty() {
            return Err(t.err(*line, "пустой body или item".into()));
        }
        let date = |col: Option<usize>, what: &str| -> Result<Option<Date>, ReportError> {
            let raw = col.map(|c| cell(row, c)).unwrap_or_default();
            if raw.is_empty() {
                return Ok(None);
            }
            Date::parse(&raw).map(Some).ok_or_else(|| {
                t.err(
                    *line,
                    format!("{what}: «{raw}» — ожидается дата ДД.ММ.ГГГГ"),
                )
            })
        };
        let dates = match (date(due_col, "due")?, date(sub_col, "submitted")?) {
            (Some(d), Some(s)) if s > d => Some((d, s)),
            (Some(d), Some(s)) => {
                return Err(t.err(
                    *line,
                    format!(
                    "представлено {s}, не позже срока {d}: это не несвоевременное представление"
                ),
                ))
            }
            (None, None) => None,
            _ => return Err(t.err(*line, "due и submitted заполняются вместе".to_string())),
        };
        out.push(Fact {
            body,
            item,
            description: cell(row, c[2]),
            dates,
            file: t.file().to_string(),
            row: *line,
        });
    }
    Ok(out)
}

/// The penalty nodes an act covers: the edition's result penalty, or every penalty node.
fn penalty_nodes(run: &Run) -> Vec<usize> {
    match run.ed.result.penalties {
        Some(p) => vec![p],
        None => run
            .ed
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.body, NodeBody::Penalty { .. }))
            .map(|(i, _)| i)
            .collect(),
    }
}

/// Refuses facts that name a body absent from the evaluation or an item that is not a penalty
/// item of the edition (they would otherwise be left out of every act silently).
pub fn check_facts(run: &Run, facts: &[Fact]) -> Result<(), ReportError> {
    let items: Vec<&str> = penalty_nodes(run)
        .into_iter()
        .filter_map(|p| match &run.ed.nodes[p].body {
            NodeBody::Penalty { items, .. } => Some(items.iter().map(|i| i.code.as_str())),
            NodeBody::Formula(_) => None,
        })
        .flatten()
        .collect();
    for f in facts {
        let at = |message: String| ReportError::Input {
            file: f.file.clone(),
            row: f.row,
            message,
        };
        if !run.out.bodies.iter().any(|b| b.id == f.body) {
            return Err(at(format!(
                "столбец «body»: орган «{}» не найден в данных оценки",
                f.body
            )));
        }
        if !items.contains(&f.item.as_str()) {
            return Err(at(format!(
                "столбец «item»: «{}» — не пункт вычетов редакции; допустимые: {}",
                f.item,
                items.join(", ")
            )));
        }
    }
    Ok(())
}

/// The reconciliation act of one body. `facts` (all bodies; only this body's are used) must list
/// as many facts per item as the evaluation counted, when given for that item.
pub fn act(run: &Run, body_id: &str, facts: &[Fact], lang: Lang) -> Result<Document, ReportError> {
    act_named(
        run,
        body_id,
        facts,
        lang,
        &bagalau_data::BodyNames::default(),
    )
}

/// [`act`] with the forms of the body's name the dataset gives (`Loaded::names`): the full name
/// under the heading and in the title, the genitive in the body's signature line.
pub fn act_named(
    run: &Run,
    body_id: &str,
    facts: &[Fact],
    lang: Lang,
    names: &bagalau_data::BodyNames,
) -> Result<Document, ReportError> {
    let ed = run.ed;
    check_facts(run, facts)?;
    let b: &BodyOutcome = run.body(body_id)?;
    let mine: Vec<&Fact> = facts.iter().filter(|f| f.body == b.id).collect();
    let mut blocks = vec![
        Block::Heading {
            level: 1,
            text: l(lang, "АКТ СВЕРКИ", "САЛЫСТЫРУ АКТІСІ").into(),
        },
        Block::Paragraph {
            runs: vec![R::plain(l(
                lang,
                "по итогам перепроверки данных, содержащихся в отчетной информации",
                "есептік ақпараттағы деректерді қайта тексеру қорытындысы бойынша",
            ))],
            align: Align::Center,
        },
        Block::Paragraph {
            runs: vec![R::bold(crate::full_name(b, names))],
            align: Align::Center,
        },
    ];
    if let Some(p) = run.period {
        blocks.push(Block::Paragraph {
            runs: vec![R::plain(format!(
                "{}: {p} {}",
                l(lang, "Отчетный период", "Есепті кезең"),
                l(lang, "год", "жыл")
            ))],
            align: Align::Center,
        });
    }
    let mut rows = Vec::new();
    let mut sections = Vec::new();
    let mut grand_before = Decimal::ZERO;
    let mut grand = Decimal::ZERO;
    for pen in penalty_nodes(run) {
        let NodeBody::Penalty { items, cap } = &ed.nodes[pen].body else {
            continue;
        };
        let Some(step) = run.out.computed.steps[b.index]
            .iter()
            .find(|s| s.node == pen)
        else {
            continue;
        };
        let mut before = Decimal::ZERO;
        for (k, it) in items.iter().enumerate() {
            let (facts, amount) = step
                .penalty_items
                .iter()
                .find(|(i, _, _)| *i == k)
                .map(|(_, f, a)| (*f, *a))
                .unwrap_or_default();
            before = before
                .checked_add(amount)
                .ok_or_else(|| ReportError::Overflow {
                    body: b.id.clone(),
                    what: "сумма вычетов".into(),
                })?;
            let listed: Vec<&&Fact> = mine.iter().filter(|f| f.item == it.code).collect();
            if !listed.is_empty() && Decimal::from(listed.len()) != facts {
                return Err(ReportError::Input {
                    file: "facts.csv".into(),
                    row: 0,
                    message: format!(
                        "орган «{}», пункт «{}»: в перечне {} факт(ов), а в оценке учтено {} — акт не может расходиться с оценкой",
                        b.id,
                        it.code,
                        listed.len(),
                        facts.normalize()
                    ),
                });
            }
            rows.push(vec![
                Cell::new((rows.len() + 1).to_string()),
                Cell::new(it.name.clone()),
                Cell::new(crate::show(facts, 4)),
                Cell::new(crate::show(it.per_fact, 4)),
                Cell::new(run.show(amount)),
            ]);
            sections.push(Block::Paragraph {
                runs: vec![R::bold(format!("{}. {}", sections.len() / 3 + 1, it.name))],
                align: Align::Left,
            });
            sections.push(Block::List {
                ordered: true,
                items: if listed.is_empty() {
                    vec![vec![R::italic(if facts.is_zero() {
                        l(lang, "фактов не выявлено", "фактілер анықталған жоқ").to_string()
                    } else {
                        format!(
                            "{} {}",
                            crate::show(facts, 4),
                            match lang {
                                Lang::Ru => format!(
                                    "{}; перечень не представлен",
                                    crate::count_word(facts, "факт", "факта", "фактов")
                                ),
                                Lang::Kk => "факт; тізбе ұсынылмаған".to_string(),
                            }
                        )
                    })]]
                } else {
                    listed
                        .iter()
                        .map(|f| {
                            let mut text = f.description.clone();
                            if let Some((due, submitted)) = f.dates {
                                text.push_str(&match lang {
                                    Lang::Ru => format!(
                                        " (срок представления согласно Графику оценки: {due}; фактическая дата представления: {submitted})"
                                    ),
                                    Lang::Kk => format!(
                                        " (бағалау кестесі бойынша ұсыну мерзімі: {due}; нақты ұсынылған күні: {submitted})"
                                    ),
                                });
                            }
                            vec![R::plain(text)]
                        })
                        .collect()
                },
            });
            sections.push(Block::Paragraph {
                runs: vec![R::plain(format!(
                    "{}: {} {}",
                    l(lang, "Вычет составляет", "Шегеру"),
                    run.show(amount),
                    crate::points_word(amount, lang)
                ))],
                align: Align::Left,
            });
        }
        let total = step
            .value
            .as_ref()
            .and_then(|v| match v {
                bagalau_engine::eval::V::Num(q) => Some(bagalau_engine::exact::to_decimal(q)),
                _ => None,
            })
            .unwrap_or(before);
        let cap_text = match cap {
            Some(c) if step.capped => format!(
                " ({} {} {})",
                l(lang, "применён предел", "шек қолданылды:"),
                run.show(*c),
                crate::points_word(*c, lang)
            ),
            Some(c) => format!(" ({} {})", l(lang, "предел", "шегі"), run.show(*c)),
            None => String::new(),
        };
        rows.push(vec![
            Cell::new(""),
            Cell::bold(format!("{}{cap_text}", l(lang, "ВСЕГО", "БАРЛЫҒЫ"))),
            Cell::new(""),
            Cell::new(""),
            Cell::bold(run.show(total)),
        ]);
        grand_before = grand_before
            .checked_add(before)
            .ok_or_else(|| ReportError::Overflow {
                body: b.id.clone(),
                what: "сумма вычетов".into(),
            })?;
        grand = grand
            .checked_add(total)
            .ok_or_else(|| ReportError::Overflow {
                body: b.id.clone(),
                what: "сумма вычетов".into(),
            })?;
    }
    blocks.push(Block::Table(Table {
        caption: None,
        columns: vec![
            // Wide enough for «Вычитаемые баллы» and «Баллов за факт» not to split inside a word.
            Column::center(6),
            Column::left(46),
            Column::center(12),
            Column::center(17),
            Column::center(19),
        ],
        header: vec![vec![
            Cell::bold("№"),
            Cell::bold(l(lang, "Наименование", "Атауы")),
            Cell::bold(l(lang, "Фактов", "Фактілер")),
            Cell::bold(l(lang, "Баллов за факт", "Бір факт үшін балл")),
            Cell::bold(l(lang, "Вычитаемые баллы", "Шегерілетін балдар")),
        ]],
        rows,
    }));
    blocks.extend(sections);
    blocks.push(Block::Paragraph {
        runs: vec![R::bold(format!(
            "{}: {} {}{}",
            l(lang, "ИТОГОВЫЙ ВЫЧЕТ", "ҚОРЫТЫНДЫ ШЕГЕРУ"),
            run.show(grand),
            crate::points_word(grand, lang),
            if grand != grand_before {
                format!(
                    " ({} {})",
                    l(lang, "до применения предела —", "шекке дейін —"),
                    run.show(grand_before)
                )
            } else {
                String::new()
            }
        ))],
        align: Align::Left,
    });
    blocks.push(Block::Signatures(vec![
        Signature {
            position: l(
                lang,
                "Представитель уполномоченного на оценку органа, должность",
                "Бағалау жөніндегі уәкілетті органның өкілі, лауазымы",
            )
            .into(),
            name: String::new(),
        },
        Signature {
            position: match (lang, &names.genitive) {
                (Lang::Ru, Some(genitive)) => format!("Представитель {genitive}, должность"),
                _ => l(
                    lang,
                    "Представитель оцениваемого государственного органа, должность",
                    "Бағаланатын мемлекеттік органның өкілі, лауазымы",
                )
                .into(),
            },
            name: String::new(),
        },
    ]));
    Ok(Document {
        lang,
        title: format!(
            "{} — {}",
            l(lang, "Акт сверки", "Салыстыру актісі"),
            crate::full_name(b, names)
        ),
        landscape: false,
        blocks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_need_body_and_item() {
        let e = read_facts_from("body,item,description\nca,,x\n".as_bytes(), "facts.csv")
            .expect_err("empty item");
        assert_eq!(e.to_string(), "facts.csv, строка 2: пустой body или item");
        let e = read_facts_from("body,description\nca,x\n".as_bytes(), "facts.csv")
            .expect_err("columns");
        assert_eq!(e.to_string(), "facts.csv, строка 1: нет столбца «item»");
        let f = read_facts_from(
            "body,item,description\nca,late,«Отчёт 5 мая»\n".as_bytes(),
            "f",
        )
        .expect("reads");
        assert_eq!((f[0].body.as_str(), f[0].item.as_str()), ("ca", "late"));
    }

    #[test]
    fn late_submission_dates() {
        let head = "body,item,description,due,submitted\n";
        let f = read_facts_from(
            format!("{head}ca,late,Отчёт,01.02.2015,2015-02-05\n").as_bytes(),
            "f",
        )
        .expect("reads");
        assert_eq!(f[0].dates, Some((Date(2015, 2, 1), Date(2015, 2, 5))));
        assert_eq!(Date(2015, 2, 5).to_string(), "05.02.2015");
        let e = read_facts_from(
            format!("{head}ca,late,x,05.02.2015,01.02.2015\n").as_bytes(),
            "f",
        )
        .expect_err("on time");
        assert!(e.to_string().contains("не несвоевременное"), "{e}");
        let e = read_facts_from(
            format!("{head}ca,late,x,30.02.2015,01.03.2015\n").as_bytes(),
            "f",
        )
        .expect_err("no such day");
        assert!(e.to_string().contains("due: «30.02.2015»"), "{e}");
        let e = read_facts_from(format!("{head}ca,late,x,01.02.2015,\n").as_bytes(), "f")
            .expect_err("half");
        assert!(e.to_string().contains("заполняются вместе"), "{e}");
        assert_eq!(Date::parse("29.02.2016"), Some(Date(2016, 2, 29)));
        assert_eq!(Date::parse("29.02.2015"), None);
    }
}
