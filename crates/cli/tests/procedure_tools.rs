//! Issue 12, item 2: `edition check`, `edition describe` and the edition book show the procedure.

mod common;

use common::root;

use bagalau::Format;

#[test]
fn check_describe_and_book_show_the_procedure() {
    let dir = root().join("methodologies/2014-services");
    let check = bagalau::edition_check(&dir).expect("check");
    assert!(
        check.contains("Процедура оценки (procedure.toml): сроков — 3, этапов — 5, правил реорганизации — 3, специальная комиссия не менее 5 человек."),
        "{check}"
    );

    let text = bagalau::edition_describe(&dir, Format::Text).expect("describe");
    assert!(text.contains("срок «Возражения с подтверждающими документами или уведомление об их отсутствии»: 5 рабочих дней со дня события «получение заключения оцениваемым органом»"), "{text}");
    assert!(text.contains("реорганизация во втором полугодии оцениваемого года: не оценивается; результаты — рекомендации правопреемнику [п.69]"));
    let json: serde_json::Value =
        serde_json::from_str(&bagalau::edition_describe(&dir, Format::Json).expect("json"))
            .expect("valid json");
    assert_eq!(json["procedure"].as_array().map(Vec::len), Some(13));

    let ed = bagalau::load_edition(&dir).expect("2014");
    let book = bagalau_office::to_text(&bagalau_report::book::book(&ed));
    assert!(book.contains("| п.61 |"), "{book}");
    assert!(book.contains("не менее 5 человек, не участвовавших в оценке"));
    assert!(book.contains(
        "«Заключения Агентства о принятии либо непринятии возражений являются окончательными"
    ));

    // An edition without procedure.toml says nothing of one.
    let check = bagalau::edition_check(&root().join("methodologies/2017-services")).expect("2017");
    assert!(!check.contains("Процедура оценки"));
}
