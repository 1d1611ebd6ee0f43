//! Broken input data gives errors naming file, row and column — all of them at once.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Copies the 2014 example into a fresh temp folder.
fn copy_example(tag: &str) -> PathBuf {
    let src = root().join("examples/2014-services");
    let dir = std::env::temp_dir().join(format!("bagalau-data-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    for f in ["bodies.csv", "services.csv", "dataset.toml"] {
        std::fs::copy(src.join(f), dir.join(f)).expect("copy");
    }
    dir
}

/// Sets a cell (1-based file line, by column name) of a CSV file.
fn set_cell(path: &Path, line: usize, column: &str, value: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    let col = rows[0].iter().position(|h| h == column).expect("column");
    rows[line - 1][col] = value.to_string();
    let mut w = csv::Writer::from_path(path).expect("write");
    for r in rows {
        w.write_record(&r).expect("record");
    }
    w.flush().expect("flush");
}

fn evaluate_err(dir: &Path) -> String {
    match bagalau::run_evaluation(&root().join("methodologies/2014-services"), dir) {
        Ok(_) => panic!("broken data must be refused"),
        Err(e) => format!("{e:#}"),
    }
}

#[test]
fn every_bad_cell_is_named() {
    let dir = copy_example("cells");
    set_cell(&dir.join("bodies.csv"), 2, "psc_total", "abc");
    set_cell(&dir.join("bodies.csv"), 3, "kind", "regional");
    set_cell(&dir.join("bodies.csv"), 4, "control_measures", "-3");
    set_cell(&dir.join("bodies.csv"), 5, "standard_violations", "");
    set_cell(&dir.join("services.csv"), 2, "satisfaction", "11");
    let err = evaluate_err(&dir);
    assert!(
        err.contains("bodies.csv, строка 2, столбец «psc_total»: «abc» — не число"),
        "{err}"
    );
    assert!(
        err.contains(
            "bodies.csv, строка 3, столбец «kind»: «regional»: ожидается central или local"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "bodies.csv, строка 4, столбец «control_measures»: -3 меньше допустимого минимума 0"
        ),
        "{err}"
    );
    assert!(err.contains("bodies.csv, строка 5, столбец «standard_violations»: нет значения обязательного показателя"), "{err}");
    assert!(
        err.contains(
            "services.csv, строка 2, столбец «satisfaction»: 11 больше допустимого максимума 10"
        ),
        "{err}"
    );
}

#[test]
fn unknown_column_is_refused() {
    let dir = copy_example("cols");
    let p = dir.join("services.csv");
    let text = std::fs::read_to_string(&p).expect("read");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[0] = lines[0].replacen("satisfaction", "satisfacton", 1);
    std::fs::write(&p, lines.join("\n") + "\n").expect("write");
    let err = evaluate_err(&dir);
    assert!(
        err.contains("столбец «satisfacton»: неизвестный столбец"),
        "{err}"
    );
}

#[test]
fn body_not_found_in_services() {
    let dir = copy_example("body");
    set_cell(&dir.join("services.csv"), 3, "body", "NOBODY");
    let err = evaluate_err(&dir);
    assert!(
        err.contains(
            "services.csv, строка 3, столбец «body»: орган «NOBODY» не найден в bodies.csv"
        ),
        "{err}"
    );
}

#[test]
fn period_outside_the_edition_is_refused() {
    let dir = copy_example("period");
    let p = dir.join("dataset.toml");
    let text = std::fs::read_to_string(&p)
        .expect("read")
        .replace("period = 2014", "period = 2019");
    std::fs::write(&p, text).expect("write");
    let err = evaluate_err(&dir);
    assert!(err.contains("не охватывает период 2019"), "{err}");
}

/// The JSON form of a dataset gives the same results as its CSV form.
#[test]
fn json_dataset_equals_csv_dataset() {
    let src = root().join("examples/2014-services");
    let read = |f: &str| {
        let mut rdr = csv::Reader::from_path(src.join(f)).expect("csv");
        let h: Vec<String> = rdr
            .headers()
            .expect("headers")
            .iter()
            .map(str::to_string)
            .collect();
        rdr.records()
            .map(|r| {
                h.iter()
                    .cloned()
                    .zip(r.expect("row").iter().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let services = read("services.csv");
    let bodies: Vec<serde_json::Value> = read("bodies.csv")
        .into_iter()
        .map(|row| {
            let get = |k: &str| row.iter().find(|(h, _)| h == k).map(|(_, v)| v.clone()).unwrap_or_default();
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
            for k in bagalau_data::NAME_COLUMNS {
                if !get(k).is_empty() {
                    body[k] = serde_json::Value::String(get(k));
                }
            }
            body
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("bagalau-json-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp");
    std::fs::write(
        dir.join("data.json"),
        serde_json::json!({ "bodies": bodies }).to_string(),
    )
    .expect("write");
    let ed = root().join("methodologies/2014-services");
    let (_, a, _) = bagalau::run_evaluation(&ed, &src).expect("csv evaluates");
    let (_, b, _) = bagalau::run_evaluation(&ed, &dir).expect("json evaluates");
    let scores = |o: &bagalau_engine::Outcome| {
        o.bodies
            .iter()
            .map(|b| (b.id.clone(), b.score, b.rank))
            .collect::<Vec<_>>()
    };
    assert_eq!(scores(&a), scores(&b));
}
