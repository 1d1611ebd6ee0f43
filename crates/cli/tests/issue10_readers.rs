//! Issue 10, «one strict reader per format» and «files from the real world»: every reader
//! (dataset CSV and data.json, published scores, facts, objections, texts) refuses bad input with
//! file, row and column — once per real problem, in Russian — instead of computing from it.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use bagalau::documents::{DocFormat, DocLang, Output, RunArgs};
use bagalau_engine::Value;
use rust_decimal::Decimal;
use tempfile::TempDir;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn edition(id: &str) -> PathBuf {
    root().join("methodologies").join(id)
}

/// A fresh copy of an example folder (files only, documents/ included as files at the top).
fn example(rel: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for e in std::fs::read_dir(root().join(rel))
        .expect("example")
        .flatten()
    {
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy");
        }
    }
    dir
}

fn read_rows(path: &Path) -> Vec<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("csv");
    rdr.records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect()
}

fn write_rows(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(path)
        .expect("write");
    for r in rows {
        w.write_record(r).expect("record");
    }
    w.flush().expect("flush");
}

/// Sets a cell (1-based file line, by column name) of a CSV file.
fn set_cell(path: &Path, line: usize, column: &str, value: &str) {
    let mut rows = read_rows(path);
    let col = rows[0].iter().position(|h| h == column).expect("column");
    rows[line - 1][col] = value.to_string();
    write_rows(path, &rows);
}

fn evaluate_err(ed: &str, dir: &Path) -> String {
    match bagalau::run_evaluation(&edition(ed), dir) {
        Ok(_) => panic!("bad data must be refused"),
        Err(e) => format!("{e:#}"),
    }
}

/// Lines of an error that name a problem (the first line is the summary).
fn problems(err: &str) -> Vec<&str> {
    err.lines().filter(|l| l.starts_with("  ")).collect()
}

/// The 2014 example as `data.json` (in a folder of its own).
fn example_json() -> (TempDir, serde_json::Value) {
    let src = root().join("examples/2014-services");
    let table = |f: &str| {
        let rows = read_rows(&src.join(f));
        let h = rows[0].clone();
        rows[1..]
            .iter()
            .map(|r| h.iter().cloned().zip(r.iter().cloned()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    let services = table("services.csv");
    let bodies: Vec<serde_json::Value> = table("bodies.csv")
        .into_iter()
        .map(|row| {
            let get = |k: &str| {
                row.iter()
                    .find(|(h, _)| h == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            let id = get("id");
            let inputs: serde_json::Map<String, serde_json::Value> = row
                .iter()
                .filter(|(h, v)| {
                    !["id", "name", "kind"].contains(&h.as_str())
                        && !bagalau_data::NAME_COLUMNS.contains(&h.as_str())
                        && !v.is_empty()
                })
                .map(|(h, v)| (h.clone(), serde_json::Value::String(v.clone())))
                .collect();
            let rows: Vec<serde_json::Value> = services
                .iter()
                .filter(|r| r.iter().any(|(h, v)| h == "body" && *v == id))
                .map(|r| {
                    serde_json::Value::Object(
                        r.iter()
                            .filter(|(h, v)| h != "body" && !v.is_empty())
                            .map(|(h, v)| (h.clone(), serde_json::Value::String(v.clone())))
                            .collect(),
                    )
                })
                .collect();
            let mut body = serde_json::json!({"id": id, "name": get("name"), "kind": get("kind"), "inputs": inputs, "services": rows});
            // The forms of the name are keys of the body (issue 11).
            for k in bagalau_data::NAME_COLUMNS {
                if !get(k).is_empty() {
                    body[k] = serde_json::Value::String(get(k));
                }
            }
            body
        })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(src.join("dataset.toml"), dir.path().join("dataset.toml")).expect("copy");
    (dir, serde_json::json!({ "bodies": bodies }))
}

fn write_json(dir: &Path, v: &serde_json::Value) {
    std::fs::write(dir.join("data.json"), v.to_string()).expect("write");
}

fn html_args<'a>(ed: &'a Path, data: &'a Path, out_dir: &Path) -> RunArgs<'a> {
    RunArgs {
        edition: ed,
        data,
        body: None,
        format: DocFormat::Html,
        lang: DocLang::Ru,
        output: Output {
            out: None,
            out_dir: Some(out_dir.to_path_buf()),
        },
    }
}

// --- «silently computes from bad data» ---------------------------------------------------------

#[test]
fn issue10_json_duplicate_body_id() {
    let (dir, mut v) = example_json();
    v["bodies"][3]["id"] = v["bodies"][2]["id"].clone();
    write_json(dir.path(), &v);
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("data.json, поле «bodies[3].id»: орган «")
            && err.contains("указан дважды (впервые — bodies[2])"),
        "{err}"
    );
}

#[test]
fn issue10_json_empty_body_id() {
    let (dir, mut v) = example_json();
    v["bodies"][1]["id"] = serde_json::json!("");
    write_json(dir.path(), &v);
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("data.json, поле «bodies[1].id»: пустой идентификатор органа"),
        "{err}"
    );
}

#[test]
fn issue10_json_misspelled_table_key() {
    let (dir, mut v) = example_json();
    let rows = v["bodies"][0]["services"].take();
    let body = v["bodies"][0].as_object_mut().expect("body");
    body.remove("services");
    body.insert("servises".into(), rows);
    write_json(dir.path(), &v);
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("поле «bodies[0].servises»: неизвестный ключ; допустимые: id, name, kind, inputs, full_name, name_genitive, short_name, services"),
        "{err}"
    );
    // A misspelled key of the root is refused too.
    let (dir, v) = example_json();
    let v = serde_json::json!({"bodies": v["bodies"], "bodes": []});
    write_json(dir.path(), &v);
    let err = evaluate_err("2014-services", dir.path());
    assert!(err.contains("поле «bodes»: неизвестный ключ"), "{err}");
}

#[test]
fn issue10_json_duplicate_row_keys_and_object_keys() {
    let (dir, mut v) = example_json();
    let first = v["bodies"][0]["services"][0]["service"].clone();
    v["bodies"][0]["services"][1]["service"] = first;
    write_json(dir.path(), &v);
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("поле «bodies[0].services[1].service»: строка «")
            && err.contains("указана дважды (впервые — bodies[0].services[0])"),
        "{err}"
    );
    // The same key twice in one object: serde_json would keep the last silently.
    let (dir, v) = example_json();
    let text = v
        .to_string()
        .replacen("\"psc_total\":", "\"psc_total\":\"1\",\"psc_total\":", 1);
    std::fs::write(dir.path().join("data.json"), text).expect("write");
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("поле «bodies[0].inputs.psc_total»: ключ указан в объекте дважды"),
        "{err}"
    );
}

#[test]
fn issue10_duplicate_column() {
    // Dataset: the same column twice (the reader took one copy, the evaluation another).
    let dir = example("examples/2014-services");
    let p = dir.path().join("bodies.csv");
    let mut rows = read_rows(&p);
    for (i, r) in rows.iter_mut().enumerate() {
        r.push(if i == 0 {
            "psc_total".into()
        } else {
            "1".into()
        });
    }
    write_rows(&p, &rows);
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains(
            "bodies.csv, строка 1, столбец «psc_total»: столбец указан в заголовке дважды"
        ),
        "{err}"
    );
    // Published scores: likewise.
    let p = dir.path().join("scores.csv");
    std::fs::write(&p, "body,group,score,score\nA,central,50,60\n").expect("write");
    let err = bagalau_data::rating::read_scores(&p)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("строка 1, столбец «score»: столбец указан в заголовке дважды"),
        "{err}"
    );
}

#[test]
fn issue10_facts_unknown_item_or_body() {
    let dir = example("examples/2014-services");
    let ed = edition("2014-services");
    let out = tempfile::tempdir().expect("out");
    for (facts, want) in [
        (
            "body,item,description\nMF,lat,опечатка в коде пункта\n",
            "facts.csv, строка 2: столбец «item»: «lat» — не пункт вычетов редакции",
        ),
        (
            "body,item,description\nMF,late,x\nNOBODY,late,орган не из данных\n",
            "facts.csv, строка 3: столбец «body»: орган «NOBODY» не найден",
        ),
    ] {
        let p = dir.path().join("facts.csv");
        std::fs::write(&p, facts).expect("write");
        let mut a = html_args(&ed, dir.path(), out.path());
        a.body = Some("MZSR");
        let err = format!(
            "{:#}",
            bagalau::documents::act_command(&a, Some(&p)).expect_err("refused")
        );
        assert!(err.contains(want), "{err}");
    }
}

#[test]
fn issue10_texts_for_an_unknown_body() {
    let dir = example("examples/2017-services");
    let ed = edition("2017-services");
    let out = tempfile::tempdir().expect("out");
    let texts = dir.path().join("texts.toml");
    std::fs::write(
        &texts,
        "[ca]\nrecommendations = \"верно\"\n\n[xx]\nrecommendations = \"орган с опечаткой\"\n",
    )
    .expect("write");
    let mut a = html_args(&ed, dir.path(), out.path());
    a.body = Some("ca");
    let err = format!(
        "{:#}",
        bagalau::documents::conclusion_command(&a, None, Some(&texts)).expect_err("refused")
    );
    assert!(
        err.contains("texts.toml, строка 4: [xx]: орган «xx» не найден"),
        "{err}"
    );
}

#[test]
fn issue10_two_accepted_objections_correct_one_input() {
    let dir = example("examples/2017-services");
    let ed = edition("2017-services");
    let out = tempfile::tempdir().expect("out");
    let p = dir.path().join("objections.csv");
    std::fs::write(
        &p,
        "body,number,statement,recommendation,objection,decision,accepted,note,input,value\n\
         ca,1,s,r,o,d,да,,timeliness_reported,3\n\
         ca,2,s,r,o,d,да,,timeliness_reported,4\n",
    )
    .expect("write");
    let err = format!(
        "{:#}",
        bagalau::documents::disagreement_command(&html_args(&ed, dir.path(), out.path()), &p)
            .expect_err("refused")
    );
    assert!(
        err.contains("objections.csv, строка 3: столбец «input»: показатель «timeliness_reported» органа «ca» уже исправлен принятым возражением в строке 2"),
        "{err}"
    );
}

#[test]
fn issue10_late_services_above_services_delivered() {
    // 2014, body level: a (late through the PSC) > b (all through the PSC).
    let dir = example("examples/2014-services");
    set_cell(
        &dir.path().join("bodies.csv"),
        2,
        "psc_late_reported",
        "7000000",
    );
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("bodies.csv, строка 2, столбец «psc_late_reported»: услуг, оказанных через ЦОН с нарушением сроков (a: по данным органа и по ИС «Мониторинг» вместе), больше, чем всех услуг через ЦОН (b) (правило редакции «psc_late_reported + value_or(psc_late_monitoring, 0) <= psc_total», п.19, п.22)"),
        "{err}"
    );
    assert_eq!(problems(&err).len(), 1, "{err}");
    // 2017: violations of terms > all services delivered.
    let dir = example("examples/2017-services");
    set_cell(
        &dir.path().join("bodies.csv"),
        2,
        "timeliness_reported",
        "100001",
    );
    let err = evaluate_err("2017-services", dir.path());
    assert!(
        err.contains("bodies.csv, строка 2, столбец «timeliness_reported»: нарушений сроков по отчётным данным органа больше, чем всех оказанных услуг"),
        "{err}"
    );
}

#[test]
fn issue10_documents_obtained_above_obtainable() {
    // Row level: x > y on line 3 of services.csv, in CSV and in JSON.
    let dir = example("examples/2014-services");
    set_cell(&dir.path().join("services.csv"), 3, "docs_from_is", "7");
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("services.csv, строка 3, столбец «docs_from_is»: документов, полученных из информационных систем (x), больше"),
        "{err}"
    );
    let (dir, mut v) = example_json();
    v["bodies"][0]["services"][1]["docs_from_is"] = serde_json::json!(7);
    write_json(dir.path(), &v);
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("поле «bodies[0].services[1].docs_from_is»: документов, полученных из информационных систем (x), больше"),
        "{err}"
    );
}

#[test]
fn issue10_edition_checks_are_validated() {
    let dir = tempfile::tempdir().expect("dir");
    for e in std::fs::read_dir(edition("2014-services"))
        .expect("edition")
        .flatten()
    {
        std::fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy");
    }
    std::fs::write(
        dir.path().join("checks.toml"),
        "[[check]]\nrule = \"docs_from_is <= docs_obtainabel\"\nmessage = \"x\"\nref = \"п.16\"\n\n\
         [[check]]\nrule = \"docs_from_is / docs_obtainable <= 1\"\nmessage = \"x\"\nref = \"п.16\"\n",
    )
    .expect("write");
    let err = bagalau_methodology::load(dir.path())
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("checks.toml:2:25: правило проверки «docs_from_is <= docs_obtainabel»: «docs_obtainabel» — не входной показатель"),
        "{err}"
    );
    assert!(
        err.contains("checks.toml:7:9:") && err.contains("деление"),
        "{err}"
    );
}

#[test]
fn issue10_tie_order_out_of_range() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("scores.csv");
    std::fs::write(
        &p,
        "body,group,score,tie_order\nA,central,73.3,4294967297\nB,central,73.3,2\n",
    )
    .expect("write");
    let err = bagalau_data::rating::read_scores(&p)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("scores.csv, строка 2, столбец «tie_order»: «4294967297» — ожидается целое число от 1 до 1000000"),
        "{err}"
    );
}

#[test]
fn issue10_header_only_files() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("scores.csv");
    std::fs::write(&p, "body,group,score\n").expect("write");
    let err = bagalau_data::rating::read_scores(&p)
        .expect_err("refused")
        .to_string();
    assert!(err.contains("в файле нет строк данных"), "{err}");
    let d = example("examples/2014-services");
    let p = d.path().join("services.csv");
    let header = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, header.lines().next().expect("header")).expect("write");
    let err = evaluate_err("2014-services", d.path());
    assert!(
        err.contains("services.csv: в файле нет строк данных (только заголовок)"),
        "{err}"
    );
    let facts = dir.path().join("facts.csv");
    std::fs::write(&facts, "body,item,description\n").expect("write");
    let err = bagalau_report::act::read_facts(&facts)
        .expect_err("refused")
        .to_string();
    assert!(err.contains("в файле нет строк данных"), "{err}");
}

// --- numbers ---------------------------------------------------------------------------------

#[test]
fn issue10_json_numbers_are_exact() {
    let (dir, mut v) = example_json();
    let text = v["bodies"][0]["services"][0].to_string();
    assert!(text.contains("satisfaction"), "{text}");
    v["bodies"][0]["services"][0]["satisfaction"] = serde_json::json!("__N__");
    let text = v.to_string().replace("\"__N__\"", "9.4999999999999999");
    std::fs::write(dir.path().join("data.json"), text).expect("write");
    let ed = bagalau_methodology::load(&edition("2014-services")).expect("edition");
    let loaded = bagalau_data::load_dataset(&ed, dir.path()).expect("loads");
    let i = ed
        .inputs
        .iter()
        .position(|i| i.code == "satisfaction")
        .expect("input");
    // Rows are sized to their table: the value is read through the input's slot.
    let slots = bagalau_engine::eval::table_slots(&ed);
    let row = &loaded.dataset.bodies[0].tables[0][0];
    assert!(row.len() < ed.inputs.len());
    assert_eq!(
        row.value(&ed, &slots, i),
        Some(Value::Num(
            Decimal::from_str("9.4999999999999999").expect("decimal")
        ))
    );
}

#[test]
fn issue10_decimals_beyond_28_digits_are_refused() {
    let dir = example("examples/2014-services");
    set_cell(
        &dir.path().join("services.csv"),
        2,
        "satisfaction",
        "8.2000000000000000000000000001",
    );
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("services.csv, строка 2, столбец «satisfaction»: «8.2000000000000000000000000001»: больше 28 значащих цифр"),
        "{err}"
    );
    let (dir, mut v) = example_json();
    v["bodies"][0]["services"][0]["satisfaction"] = serde_json::json!("__N__");
    let text = v
        .to_string()
        .replace("\"__N__\"", "8.2000000000000000000000000001");
    std::fs::write(dir.path().join("data.json"), text).expect("write");
    let err = evaluate_err("2014-services", dir.path());
    assert!(err.contains("больше 28 значащих цифр"), "{err}");
}

#[test]
fn issue10_numbers_beyond_safe_magnitude_are_refused() {
    // previous_score 5e28 made `rating` panic in sums and means.
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("scores.csv");
    std::fs::write(
        &p,
        "body,group,score,previous_score\nA,central,73.3,50000000000000000000000000000\nB,central,70,60\n",
    )
    .expect("write");
    let err = bagalau_data::rating::read_scores(&p)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("scores.csv, строка 2, столбец «previous_score»:"),
        "{err}"
    );
    // services_body 10^27 passed `evaluate` and made the conclusion panic.
    let dir = example("examples/2017-services");
    set_cell(
        &dir.path().join("bodies.csv"),
        2,
        "services_body",
        "1000000000000000000000000000",
    );
    let err = evaluate_err("2017-services", dir.path());
    assert!(
        err.contains("bodies.csv, строка 2, столбец «services_body»: «1000000000000000000000000000»: слишком большое значение"),
        "{err}"
    );
    assert_eq!(problems(&err).len(), 1, "{err}");
}

// --- files from the real world ---------------------------------------------------------------

#[test]
fn issue10_crlf_row_numbers() {
    let dir = example("examples/2014-services");
    set_cell(&dir.path().join("bodies.csv"), 4, "kind", "regional");
    for f in ["bodies.csv", "services.csv"] {
        let p = dir.path().join(f);
        let text = std::fs::read_to_string(&p).expect("read");
        std::fs::write(&p, text.replace("\r\n", "\n").replace('\n', "\r\n")).expect("write");
    }
    let err = evaluate_err("2014-services", dir.path());
    assert!(
        err.contains("bodies.csv, строка 4, столбец «kind»: «regional»"),
        "{err}"
    );
    // Published scores, too.
    let p = dir.path().join("scores.csv");
    std::fs::write(&p, "body,group,score\r\nA,central,50\r\nB,central,500\r\n").expect("write");
    let err = bagalau_data::rating::read_scores(&p)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("scores.csv, строка 3, столбец «score»"),
        "{err}"
    );
}

#[test]
fn issue10_multiline_field_row_numbers() {
    let dir = tempfile::tempdir().expect("dir");
    let p = dir.path().join("facts.csv");
    std::fs::write(
        &p,
        "body,item,description,due,submitted\n\
         MF,late,\"описание\nв две строки\",10.04.2014,15.04.2014\n\
         MF,late,x,10.07.2014,31.02.2014\n",
    )
    .expect("write");
    let err = bagalau_report::act::read_facts(&p)
        .expect_err("refused")
        .to_string();
    assert!(err.contains("facts.csv, строка 4: submitted"), "{err}");
    let p = dir.path().join("objections.csv");
    std::fs::write(
        &p,
        "body,number,statement,recommendation,objection,decision,accepted,note\r\n\
         ca,1,\"первая\r\nвторая\r\nтретья\",r,o,d,да,\r\n\
         ca,2,s,r,o,d,может быть,\r\n",
    )
    .expect("write");
    let err = bagalau_report::disagreement::read_objections(&p)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("objections.csv, строка 5: столбец accepted"),
        "{err}"
    );
}

#[test]
fn issue10_windows_1251_refused_once_with_a_hint() {
    let dir = example("examples/2014-services");
    let p = dir.path().join("bodies.csv");
    let text = std::fs::read_to_string(&p).expect("read");
    // Windows-1251: А..я are 0xC0..0xFF, Ё/ё 0xA8/0xB8.
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| match c {
            'А'..='я' => (c as u32 - 'А' as u32 + 0xC0) as u8,
            'Ё' => 0xA8,
            'ё' => 0xB8,
            c if c.is_ascii() => c as u8,
            _ => b'?',
        })
        .collect();
    std::fs::write(&p, bytes).expect("write");
    let err = evaluate_err("2014-services", dir.path());
    let lines = problems(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("bodies.csv")
            && lines[0].contains("Windows-1251")
            && lines[0].contains("сохраните файл как CSV UTF-8 с разделителем-запятой"),
        "{err}"
    );
}

#[test]
fn issue10_semicolon_separator_refused_once_with_a_hint() {
    let dir = example("examples/2014-services");
    let p = dir.path().join("services.csv");
    let rows = read_rows(&p);
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_path(&p)
        .expect("write");
    for r in &rows {
        w.write_record(r).expect("record");
    }
    w.flush().expect("flush");
    let err = evaluate_err("2014-services", dir.path());
    let lines = problems(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("services.csv, строка 1: столбцы разделены точкой с запятой")
            && lines[0].contains("сохраните файл как CSV UTF-8 с разделителем-запятой"),
        "{err}"
    );
}

#[test]
fn issue10_decimal_comma_in_numeric_fields() {
    let dir = example("examples/2014-services");
    set_cell(&dir.path().join("services.csv"), 2, "satisfaction", "8,2");
    bagalau::run_evaluation(&edition("2014-services"), dir.path()).expect("8,2 is a number");
    let p = dir.path().join("scores.csv");
    std::fs::write(&p, "body,group,score\nA,central,\"73,3\"\n").expect("write");
    let rows = bagalau_data::rating::read_scores(&p).expect("73,3 is a number");
    assert_eq!(rows[0].score, Decimal::from_str("73.3").expect("decimal"));
}

#[test]
fn issue10_one_error_per_real_problem() {
    // A body refused for its kind: its service rows are not reported again as of an unknown body.
    let dir = example("examples/2014-services");
    set_cell(&dir.path().join("bodies.csv"), 2, "kind", "regional");
    let err = evaluate_err("2014-services", dir.path());
    assert_eq!(problems(&err).len(), 1, "{err}");
    // bodies.csv unreadable: not one message per service row.
    let dir = example("examples/2014-services");
    let p = dir.path().join("bodies.csv");
    let mut rows = read_rows(&p);
    rows[0][0] = "ident".into();
    write_rows(&p, &rows);
    let err = evaluate_err("2014-services", dir.path());
    assert!(!err.contains("не найден в bodies.csv"), "{err}");
    assert!(problems(&err).len() <= 2, "{err}");
    // A row of bodies.csv with a cell too many: one message, not one more per service row.
    let dir = example("examples/2014-services");
    let p = dir.path().join("bodies.csv");
    let mut rows = read_rows(&p);
    rows[1].push("лишняя".into());
    write_rows(&p, &rows);
    let err = evaluate_err("2014-services", dir.path());
    assert_eq!(problems(&err).len(), 1, "{err}");
    assert!(err.contains("bodies.csv, строка 2: в строке"), "{err}");
    // A required column left out: one message, not one per body.
    let dir = example("examples/2014-services");
    let p = dir.path().join("bodies.csv");
    let mut rows = read_rows(&p);
    let col = rows[0]
        .iter()
        .position(|h| h == "psc_total")
        .expect("column");
    for r in rows.iter_mut() {
        r.remove(col);
    }
    write_rows(&p, &rows);
    let err = evaluate_err("2014-services", dir.path());
    assert_eq!(problems(&err).len(), 1, "{err}");
    assert!(
        err.contains("bodies.csv, строка 1, столбец «psc_total»: нет столбца обязательного показателя (нужен в строках: 32)"),
        "{err}"
    );
    // An id misspelled in services.csv: one message, with the number of rows.
    let dir = example("examples/2014-services");
    let p = dir.path().join("services.csv");
    let mut rows = read_rows(&p);
    let id = rows[1][0].clone();
    let mut n = 0;
    for r in rows.iter_mut().skip(1).filter(|r| r[0] == id) {
        r[0] = "MZSRR".into();
        n += 1;
    }
    write_rows(&p, &rows);
    let err = evaluate_err("2014-services", dir.path());
    assert!(n > 1);
    assert!(
        problems(&err)
            .iter()
            .filter(|l| l.contains("MZSRR"))
            .count()
            == 1
            && err.contains(&format!("(строк с этим органом: {n})")),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn issue10_non_regular_input_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("scores.csv");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo")
        .success();
    assert!(ok, "mkfifo");
    let (tx, rx) = std::sync::mpsc::channel();
    let f = fifo.clone();
    std::thread::spawn(move || {
        let _ = tx.send(bagalau_data::rating::read_scores(&f).map(|_| ()));
    });
    let res = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("a FIFO must be refused, not read forever");
    let err = res.expect_err("refused").to_string();
    assert!(err.contains("это не обычный файл"), "{err}");
    // A folder where a file is expected.
    let err = bagalau_data::rating::read_scores(dir.path())
        .expect_err("refused")
        .to_string();
    assert!(err.contains("это папка, а не файл"), "{err}");
}

#[test]
fn issue10_os_errors_in_russian() {
    let dir = tempfile::tempdir().expect("dir");
    let err = bagalau_data::rating::read_scores(&dir.path().join("нет.csv"))
        .expect_err("refused")
        .to_string();
    assert!(err.contains("файл не найден"), "{err}");
    assert!(!err.contains("No such file"), "{err}");
    let err = bagalau_report::act::read_facts(&dir.path().join("нет.csv"))
        .expect_err("refused")
        .to_string();
    assert!(err.contains("файл не найден"), "{err}");
    let err = evaluate_err("2014-services", &dir.path().join("нет"));
    assert!(
        err.contains("папка данных недоступна: папка не найдена"),
        "{err}"
    );
    let err = bagalau_methodology::load(&dir.path().join("нет"))
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("не удалось открыть папку редакции: файл не найден"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
}

// --- issue 11: the forms of a body's name -------------------------------------------------------

#[test]
fn issue11_body_names_from_csv_and_json() {
    let ed = bagalau_methodology::load(&edition("2014-services")).expect("edition");
    let csv = bagalau_data::load_dataset(&ed, &root().join("examples/2014-services")).expect("csv");
    let mid = &csv.names["MID"];
    assert_eq!(mid.short.as_deref(), Some("МИД"));
    assert_eq!(
        mid.genitive.as_deref(),
        Some("Министерства иностранных дел Республики Казахстан")
    );
    let (dir, mut v) = example_json();
    write_json(dir.path(), &v);
    let json = bagalau_data::load_dataset(&ed, dir.path()).expect("json");
    assert_eq!(json.names, csv.names, "the same names either way");
    // Absent or empty: no form (documents fall back to the name).
    v["bodies"][0]["short_name"] = serde_json::json!("");
    v["bodies"][0]
        .as_object_mut()
        .expect("body")
        .remove("name_genitive");
    write_json(dir.path(), &v);
    let json = bagalau_data::load_dataset(&ed, dir.path()).expect("json");
    let id = v["bodies"][0]["id"].as_str().expect("id");
    assert_eq!(json.names[id].short, None);
    assert_eq!(json.names[id].genitive, None);
    assert!(json.names[id].full.is_some());
    // A misspelt form is refused like any unknown key.
    v["bodies"][0]["name_genetive"] = serde_json::json!("x");
    write_json(dir.path(), &v);
    let err = bagalau_data::load_dataset(&ed, dir.path()).expect_err("unknown key");
    assert!(err.to_string().contains("name_genetive"), "{err}");
}
