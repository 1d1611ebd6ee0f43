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

/// Russian plural form for `n`: `one` (1, 21, …), `few` (2–4, 22–24, …), `many` (the rest).
pub fn plural_ru<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (d10, d100) = (n % 10, n % 100);
    if d10 == 1 && d100 != 11 {
        one
    } else if (2..=4).contains(&d10) && !(12..=14).contains(&d100) {
        few
    } else {
        many
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

/// An item's name without the data dictionary's notes: «Доля …; пусто — услуги органа не
/// участвовали» → «Доля …» (what an empty cell means belongs to the dictionary, not to a
/// document).
pub fn display_name(name: &str) -> &str {
    let name = match name.find("; пусто") {
        Some(k) => name[..k].trim_end(),
        None => name,
    };
    // The scale belongs to the dictionary too: «Показатель … (балл из 5)».
    match name.rfind(" (балл из ") {
        Some(k) if name.ends_with(')') => &name[..k],
        _ => name,
    }
}

/// «Первое», «Второе», … (seed 003's findings); past the tenth, the number.
pub fn ordinal(lang: Lang, k: usize) -> String {
    const RU: [&str; 10] = [
        "Первое",
        "Второе",
        "Третье",
        "Четвертое",
        "Пятое",
        "Шестое",
        "Седьмое",
        "Восьмое",
        "Девятое",
        "Десятое",
    ];
    const KK: [&str; 10] = [
        "Бірінші",
        "Екінші",
        "Үшінші",
        "Төртінші",
        "Бесінші",
        "Алтыншы",
        "Жетінші",
        "Сегізінші",
        "Тоғызыншы",
        "Оныншы",
    ];
    let words = match lang {
        Lang::Ru => &RU,
        Lang::Kk => &KK,
    };
    match k.checked_sub(1).and_then(|i| words.get(i)) {
        Some(w) => (*w).to_string(),
        None => k.to_string(),
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

    #[test]
    fn russian_plurals() {
        let f = |n| plural_ru(n, "орган", "органа", "органов");
        let got: Vec<&str> = [1, 2, 5, 11, 12, 21, 22, 25, 111, 0]
            .into_iter()
            .map(f)
            .collect();
        assert_eq!(
            got,
            [
                "орган",
                "органа",
                "органов",
                "органов",
                "органов",
                "орган",
                "органа",
                "органов",
                "органов",
                "органов"
            ]
        );
    }

    #[test]
    fn dictionary_notes_are_not_names() {
        assert_eq!(
            super::display_name(
                "Показатель удовлетворённости (балл из 5); пусто — услуги органа не участвовали"
            ),
            "Показатель удовлетворённости"
        );
        assert_eq!(super::display_name("Доля (п.53)"), "Доля (п.53)");
        assert_eq!(super::ordinal(Lang::Ru, 5), "Пятое");
        assert_eq!(super::ordinal(Lang::Ru, 11), "11");
    }
}
