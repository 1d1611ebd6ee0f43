//! Russian and Kazakh wording. Kazakh is given where the term is known (the seeds' titles, the
//! glossary, the editions' `name_kk`); narrative generated from the trace stays Russian.

use bagalau_methodology::{DegreeBand, Group};
use bagalau_office::Lang;

/// Picks the wording for the language.
pub fn l(lang: Lang, ru: &'static str, kk: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::Kk => kk,
    }
}

/// Group name in the plural («центральные государственные органы»).
pub fn group_name(lang: Lang, g: Group) -> &'static str {
    match g {
        Group::Central => l(
            lang,
            "центральные государственные органы",
            "орталық мемлекеттік органдар",
        ),
        Group::Local => l(
            lang,
            "местные исполнительные органы",
            "жергілікті атқарушы органдар",
        ),
    }
}

/// Group abbreviation (ЦГО / МИО; Kazakh ОМО / ЖАО).
pub fn group_short(lang: Lang, g: Group) -> &'static str {
    match g {
        Group::Central => l(lang, "ЦГО", "ОМО"),
        Group::Local => l(lang, "МИО", "ЖАО"),
    }
}

/// The degree's name in the language (the edition's `name` / `name_kk`).
pub fn degree_name(lang: Lang, d: &DegreeBand) -> String {
    match (lang, &d.name_kk) {
        (Lang::Kk, Some(kk)) => kk.clone(),
        _ => d.name.clone(),
    }
}

/// «Итоги оценки показали высокую степень эффективности деятельности» (seed 004) /
/// «показал неэффективную деятельность» (seed 003): the degree as the sentence's object.
pub fn degree_phrase(lang: Lang, d: &DegreeBand) -> String {
    match lang {
        Lang::Ru => {
            let acc = accusative_feminine(&d.name);
            if d.code == "inefficient" {
                format!("{acc} деятельность")
            } else {
                format!("{acc} степень эффективности деятельности")
            }
        }
        Lang::Kk => {
            let name = degree_name(lang, d);
            if d.code == "inefficient" {
                format!("{name} қызметті")
            } else {
                format!("қызмет тиімділігінің {name} дәрежесін")
            }
        }
    }
}

/// «высокая» → «высокую», «средняя» → «среднюю».
pub fn accusative_feminine(adj: &str) -> String {
    if let Some(stem) = adj.strip_suffix("ая") {
        format!("{stem}ую")
    } else if let Some(stem) = adj.strip_suffix("яя") {
        format!("{stem}юю")
    } else {
        adj.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degree_in_the_accusative() {
        assert_eq!(accusative_feminine("высокая"), "высокую");
        assert_eq!(accusative_feminine("средняя"), "среднюю");
        assert_eq!(accusative_feminine("низкая"), "низкую");
        assert_eq!(accusative_feminine("неэффективная"), "неэффективную");
    }
}
