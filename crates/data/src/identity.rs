//! Who a body is, as the edition fixes it: bodies the act names (e.g. the Ministries of Defence
//! and of Foreign Affairs, 2023 table 6 notes * and **) must appear under the edition's id, name
//! and kind; values the edition decides by identity (`true_for`) may be left empty and are refused
//! when the data contradict them; values for bodies an input does not apply to are either refused
//! or, where the edition says `inapplicable = "notice"` (note ***), reported and ignored.

use bagalau_engine::Value;
use bagalau_methodology::{Edition, Group, Input};

/// Official names compared without case, «ё», quotes and repeated spaces.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.to_lowercase()
            .replace('ё', "е")
            .chars()
            .filter(|c| !matches!(c, '«' | '»' | '"' | '“' | '”'))
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

/// A body row that contradicts a body the edition names: (column, message).
pub(crate) fn named_body_issue(
    ed: &Edition,
    id: &str,
    name: &str,
    group: Group,
) -> Option<(&'static str, String)> {
    if let Some(nb) = ed.named_body(id) {
        if !same_name(name, &nb.name) {
            return Some((
                "name",
                format!(
                    "идентификатор «{id}» закреплён редакцией «{}» за органом «{}» ({}), а в данных — «{name}»",
                    ed.id, nb.name, nb.cite.reference
                ),
            ));
        }
        if group != nb.group {
            return Some((
                "kind",
                format!(
                    "«{}» по редакции — {}, а в данных указан вид «{}»",
                    nb.name,
                    nb.group.code(),
                    group.code()
                ),
            ));
        }
        return None;
    }
    ed.named_bodies
        .iter()
        .find(|nb| same_name(name, &nb.name))
        .map(|nb| {
            (
                "id",
                format!(
                    "«{}» — орган, названный в акте ({}): редакция «{}» закрепляет за ним идентификатор «{}», а в данных — «{id}»; исключения из правил привязаны к органу, поэтому укажите id = {}",
                    nb.name, nb.cite.reference, ed.id, nb.id, nb.id
                ),
            )
        })
}

/// The value of a `true_for` input: the edition's where the cell is empty; a contradiction is an
/// error naming what the edition says.
pub(crate) fn fixed_value(
    ed: &Edition,
    input: &Input,
    group: Group,
    body_id: &str,
    v: Option<Value>,
) -> Result<Option<Value>, String> {
    let Some(want) = input.fixed_for(group, body_id) else {
        return Ok(v);
    };
    match v {
        None => Ok(Some(Value::Bool(want))),
        Some(Value::Bool(b)) if b == want => Ok(v),
        Some(_) => {
            let named: Vec<String> = input
                .true_for
                .iter()
                .flatten()
                .map(|id| match ed.named_body(id) {
                    Some(nb) => format!("{id} ({})", nb.name),
                    None => id.clone(),
                })
                .collect();
            Err(format!(
                "орган «{body_id}»: признак «{}» определяет редакция, а не данные — он истинен только для {} ({}); в данных — {}. Оставьте ячейку пустой или исправьте",
                input.code,
                named.join(", "),
                input.cite.reference,
                if want { "ложь" } else { "истина" }
            ))
        }
    }
}

/// A value given for a body the input does not apply to, where the edition ignores it with a
/// notice: the notice text.
pub(crate) fn ignored_notice(input: &Input, group: Group, body_id: &str, raw: &str) -> String {
    format!(
        "орган «{body_id}» ({}): показатель «{}» по этому органу не оценивается (применяется: {} — {}); значение «{}» записано и не учитывается",
        group.code(),
        input.code,
        input.applies.describe_ru(),
        input.cite.reference,
        raw.trim()
    )
}
