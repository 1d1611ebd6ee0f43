//! Issue 10: `data.json` is read as strictly as the CSV form — every shape problem named by the
//! path of the value, in Russian, and never a panic.

use std::path::{Path, PathBuf};

use bagalau_methodology::Edition;

fn edition() -> Edition {
    let p = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../methodologies/2014-services"
    ));
    bagalau_methodology::load(&p).expect("edition")
}

fn issues(dir: &Path, json: &str) -> Vec<String> {
    std::fs::write(dir.join("data.json"), json).expect("write");
    match bagalau_data::load_dataset(&edition(), dir) {
        Ok(_) => panic!("refused: {json}"),
        Err(e) => e.issues.iter().map(ToString::to_string).collect(),
    }
}

fn has(issues: &[String], want: &str) -> bool {
    issues.iter().any(|i| i.contains(want))
}

#[test]
fn issue10_json_shapes_are_named_by_path() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path();
    let i = issues(d, "[1, 2]");
    assert!(has(&i, "ожидается объект {\"bodies\": [...]}"), "{i:?}");
    let i = issues(d, r#"{"bodies": {}}"#);
    assert!(has(&i, "поле «bodies»: нет массива bodies"), "{i:?}");
    let i = issues(d, r#"{"bodies": []}"#);
    assert!(has(&i, "поле «bodies»: нет ни одного органа"), "{i:?}");
    let i = issues(d, r#"{"bodies": ["MZSR"]}"#);
    assert!(
        has(&i, "поле «bodies[0]»: ожидается объект органа, а не строка"),
        "{i:?}"
    );
    let i = issues(
        d,
        r#"{"bodies": [{"id": "A", "name": "А", "kind": "central", "inputs": {"psc_total": [1]}, "services": {}}]}"#,
    );
    assert!(
        has(&i, "поле «bodies[0].inputs.psc_total»: ожидается число, строка или логическое значение, а не массив"),
        "{i:?}"
    );
    assert!(
        has(
            &i,
            "поле «bodies[0].services»: ожидается массив строк, а не объект"
        ),
        "{i:?}"
    );
    let i = issues(
        d,
        r#"{"bodies": [{"id": "A", "name": "А", "kind": "central", "inputs": {"psc_total": 1e3, "psc_totl": 1}}]}"#,
    );
    assert!(
        has(
            &i,
            "поле «bodies[0].inputs.psc_total»: «1e+3» — запишите число без показателя степени"
        ),
        "{i:?}"
    );
    assert!(
        has(
            &i,
            "поле «bodies[0].inputs.psc_totl»: неизвестный показатель"
        ),
        "{i:?}"
    );
    let i = issues(
        d,
        r#"{"bodies": [{"id": "A", "name": "А", "kind": "central", "services": [{"name": "без ключа"}]}]}"#,
    );
    assert!(
        has(
            &i,
            "поле «bodies[0].services[0].service»: пустой идентификатор строки"
        ),
        "{i:?}"
    );
}

#[test]
fn issue10_json_syntax_errors_in_russian_with_the_line() {
    let dir = tempfile::tempdir().expect("dir");
    let i = issues(
        dir.path(),
        "{\n  \"bodies\": [\n    {\"id\": \"A\",}\n  ]\n}\n",
    );
    assert_eq!(i.len(), 1, "{i:?}");
    assert!(
        i[0].contains("data.json, строка 3: синтаксическая ошибка JSON"),
        "{i:?}"
    );
    let i = issues(dir.path(), "{\"bodies\": [");
    assert!(i[0].contains("файл оборвался"), "{i:?}");
}

#[test]
fn issue10_json_and_csv_together_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("bodies.csv"), "id,name,kind\nA,А,central\n").expect("write");
    let i = issues(dir.path(), r#"{"bodies": []}"#);
    assert!(has(&i, "и data.json, и bodies.csv"), "{i:?}");
}
