//! The engine's trace notes ([`bagalau_engine::Note`]) in words: the one place the aggregates
//! and cross-body mechanisms of an evaluation are described for a person. Values and tables are
//! named by their Russian names, never by their codes; numbers go through [`crate::num`].

use bagalau_engine::exact::Q;
use bagalau_engine::trace::{GroupStat, Note, RowAggregate, RowSelection, Subject};
use bagalau_methodology::{Edition, Symbol};

use crate::lang::{display_name, group_short, plural_ru};
use crate::num::{fraction, fraction_in_full, FIGURE_DECIMALS};
use crate::Lang;

/// How the numbers of a note are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figures {
    /// As a document prints a figure: up to [`FIGURE_DECIMALS`] decimals.
    Document,
    /// In full, for the derivation of a value: every decimal, and the fraction when the decimal
    /// does not terminate.
    Full,
}

impl Figures {
    fn of(self, q: &Q) -> String {
        match self {
            Figures::Document => fraction(q, FIGURE_DECIMALS),
            Figures::Full => fraction_in_full(q),
        }
    }
}

/// The Russian name of a code of the edition (an input, parameter, node, scale or table), without
/// the data dictionary's notes; the code itself only if the edition does not know it.
pub fn name_of<'e>(ed: &'e Edition, code: &'e str) -> &'e str {
    let name = match ed.symbol(code) {
        Some(Symbol::Input(i)) => &ed.inputs[i].name,
        Some(Symbol::Parameter(i)) => &ed.parameters[i].name,
        Some(Symbol::Node(i)) => &ed.nodes[i].name,
        Some(Symbol::Scale(i)) => &ed.scales[i].name,
        Some(Symbol::Table(i)) => &ed.tables[i].name,
        None => return code,
    };
    display_name(name)
}

/// An expression of the formula language with every name of the edition replaced by its Russian
/// name in quotes («a / b» → «Нарушения» / «Услуги»).
fn formula_in_words(ed: &Edition, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        if ed.symbol(word).is_some() {
            out.push('«');
            out.push_str(name_of(ed, word));
            out.push('»');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for ch in text.chars() {
        let continues = ch.is_alphanumeric() || ch == '_';
        if continues && (!word.is_empty() || !ch.is_ascii_digit()) {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// What an aggregate was taken over, in words: «Название» or an expression over names.
fn subject(ed: &Edition, s: &Subject) -> String {
    match s {
        Subject::Name(code) => format!("«{}»", name_of(ed, code)),
        Subject::Formula(text) => formula_in_words(ed, text),
    }
}

fn bodies(n: usize) -> String {
    format!("{n} {}", plural_ru(n as u64, "орган", "органа", "органов"))
}

/// «строкам таблицы «Услуги органа» (6 из 8, по условию)» / «(все 8)».
fn rows(ed: &Edition, s: &RowSelection) -> String {
    let table = name_of(ed, &s.table);
    if s.filtered {
        format!(
            "строкам таблицы «{table}» ({} из {}, по условию)",
            s.taken, s.rows
        )
    } else {
        format!("строкам таблицы «{table}» ({})", bodies_rows(s.rows))
    }
}

fn bodies_rows(n: usize) -> String {
    match n {
        0 => "строк нет".into(),
        1 => "одна строка".into(),
        _ => format!("все {n}"),
    }
}

/// One note in words. The trace's notes are worded in Russian in both languages: the Kazakh
/// terms of the mechanisms are not in the glossary yet.
pub fn note(ed: &Edition, n: &Note, figures: Figures, _lang: Lang) -> String {
    let f = |q: &Q| figures.of(q);
    match n {
        Note::Rows {
            selection,
            aggregate,
        } => match aggregate {
            RowAggregate::Count => {
                let table = name_of(ed, &selection.table);
                if selection.filtered {
                    format!(
                        "число строк таблицы «{table}», отвечающих условию: {} из {}",
                        selection.taken, selection.rows
                    )
                } else {
                    format!("число строк таблицы «{table}»: {}", selection.rows)
                }
            }
            RowAggregate::Sum { total } => {
                format!("сумма по {} = {}", rows(ed, selection), f(total))
            }
            RowAggregate::Mean {
                total,
                mean: Some(m),
            } => format!(
                "среднее по {}: {} / {} = {}",
                rows(ed, selection),
                f(total),
                selection.taken,
                f(m)
            ),
            RowAggregate::Mean { mean: None, .. } => {
                format!("среднее по {}: строк нет — значения нет", rows(ed, selection))
            }
        },
        Note::Group {
            stat,
            subject: s,
            group,
            bodies: n,
            filtered,
            value,
        } => {
            let what = match stat {
                GroupStat::Mean => "среднее",
                GroupStat::Min => "наименьшее значение",
                GroupStat::Max => "наибольшее значение",
                GroupStat::Sum => "сумма",
            };
            let g = group_short(Lang::Ru, *group);
            match value {
                Some(v) => format!(
                    "{what} {} по {g} ({}{}) = {}",
                    subject(ed, s),
                    bodies(*n),
                    if *filtered { ", с отбором" } else { "" },
                    f(v)
                ),
                None => format!("{what} {} по {g}: нет органов со значением", subject(ed, s)),
            }
        }
        Note::MinMax {
            subject: s,
            group,
            value,
            min,
            max,
            result,
        } => format!(
            "линейное масштабирование {} по {}: ({} − {}) / ({} − {}) = {}",
            subject(ed, s),
            group_short(Lang::Ru, *group),
            f(value),
            f(min),
            f(max),
            f(min),
            f(result)
        ),
        Note::MinMaxFlat {
            subject: s,
            group,
            value,
            taken,
        } => format!(
            "линейное масштабирование {}: у всех {} одинаковое значение {} (наименьшее равно наибольшему) — принято {}",
            subject(ed, s),
            group_short(Lang::Ru, *group),
            f(value),
            f(taken)
        ),
        Note::Spread {
            from,
            to,
            levels,
            bodies: n,
            place,
            result,
        } => {
            if *levels <= 1 {
                format!(
                    "равномерное распределение от {} до {}: у отобранных органов одно значение — принято наибольшее, {}",
                    f(from),
                    f(to),
                    f(result)
                )
            } else {
                format!(
                    "равномерное распределение от {} до {} по {} различным значениям ({}): место {} от наименьшего — {}",
                    f(from),
                    f(to),
                    levels,
                    bodies(*n),
                    place,
                    f(result)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bagalau_engine::exact::from_int;
    use bagalau_methodology::Group;

    fn q(n: i64, d: i64) -> Q {
        from_int(n) / from_int(d)
    }

    #[test]
    fn notes_read_as_sentences_with_commas() {
        let ed = bagalau_methodology::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../methodologies/2014-services"
        )))
        .expect("the 2014 edition loads");
        let table = ed.tables[0].code.clone();
        let table_name = display_name(&ed.tables[0].name).to_string();
        let mean = Note::Rows {
            selection: RowSelection {
                table: table.clone(),
                taken: 6,
                rows: 8,
                filtered: true,
            },
            aggregate: RowAggregate::Mean {
                total: from_int(92),
                mean: Some(q(46, 3)),
            },
        };
        assert_eq!(
            note(&ed, &mean, Figures::Full, Lang::Ru),
            format!("среднее по строкам таблицы «{table_name}» (6 из 8, по условию): 92 / 6 = 15,3333333333… (= 46/3)")
        );
        assert_eq!(
            note(&ed, &mean, Figures::Document, Lang::Ru),
            format!(
                "среднее по строкам таблицы «{table_name}» (6 из 8, по условию): 92 / 6 = 15,3333"
            )
        );
        let input = ed.inputs[0].code.clone();
        let group = Note::Group {
            stat: GroupStat::Mean,
            subject: Subject::Formula(format!("{input} / 2")),
            group: Group::Local,
            bodies: 21,
            filtered: false,
            value: Some(from_int(12345)),
        };
        let text = note(&ed, &group, Figures::Document, Lang::Ru);
        assert_eq!(
            text,
            format!(
                "среднее «{}» / 2 по МИО (21 орган) = 12\u{202f}345",
                display_name(&ed.inputs[0].name)
            )
        );
        assert!(!text.contains(&input));
        let spread = Note::Spread {
            from: q(1, 2),
            to: from_int(1),
            levels: 3,
            bodies: 4,
            place: 2,
            result: q(3, 4),
        };
        assert_eq!(
            note(&ed, &spread, Figures::Document, Lang::Ru),
            "равномерное распределение от 0,5 до 1 по 3 различным значениям (4 органа): место 2 от наименьшего — 0,75"
        );
    }
}
