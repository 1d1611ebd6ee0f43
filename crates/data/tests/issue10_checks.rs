//! Issue 10: the cross-field rules an edition declares (`checks.toml`) are applied by the data
//! reader — per body or per row, with parameters and logic, skipped where a value is absent, and
//! an overflowing rule reported instead of panicking.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn copy(rel: &str, to: &Path) {
    for e in std::fs::read_dir(root().join(rel)).expect("dir").flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

/// Replaces one cell (file line, column name) of a CSV file.
fn set_cell(path: &Path, line: usize, column: &str, value: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
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

#[test]
fn issue10_edition_rules_per_body_and_row() {
    let ed_dir = tempfile::tempdir().expect("edition");
    copy("methodologies/2014-services", ed_dir.path());
    std::fs::write(
        ed_dir.path().join("checks.toml"),
        r#"
[[check]]
rule = "psc_total * psc_total >= 0"
message = "переполнение"
ref = "п.22"

[[check]]
rule = "not (standard_approved == false and delivery_method == 1)"
message = "неутверждённый стандарт со способом 1"
ref = "п.16"

[[check]]
rule = "body_late_monitoring * per_10000 <= body_total * per_10000"
message = "c по мониторингу больше d"
ref = "п.19"
"#,
    )
    .expect("write");
    let ed = bagalau_methodology::load(ed_dir.path()).expect("edition with rules");
    assert_eq!(ed.checks.len(), 3);
    let data = tempfile::tempdir().expect("data");
    copy("examples/2014-services", data.path());
    // Line 3 of services.csv: an unapproved standard with method 1 (no such row in the example).
    let services = data.path().join("services.csv");
    set_cell(&services, 3, "standard_approved", "false");
    set_cell(&services, 3, "delivery_method", "1");
    // Line 3 of bodies.csv (MJ) has no body_late_monitoring: the third rule does not apply.
    let bodies = data.path().join("bodies.csv");
    set_cell(&bodies, 3, "body_total", "0");
    set_cell(&bodies, 3, "body_late_reported", "0");
    // psc_total² beyond the decimal range: reported, not a panic.
    set_cell(&bodies, 2, "psc_total", "1000000000000000");
    let err = bagalau_data::load_dataset(&ed, data.path()).expect_err("refused");
    let lines: Vec<String> = err.issues.iter().map(ToString::to_string).collect();
    let has = |s: &str| lines.iter().any(|l| l.contains(s));
    assert!(
        has("bodies.csv, строка 2, столбец «psc_total»: правило не удалось вычислить: значения слишком велики (правило редакции «psc_total * psc_total >= 0»)"),
        "{lines:?}"
    );
    assert!(
        has("services.csv, строка 3, столбец «standard_approved»: неутверждённый стандарт со способом 1 (правило редакции «not (standard_approved == false and delivery_method == 1)», п.16)"),
        "{lines:?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("строка 3, столбец «body_late_monitoring»")),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 2, "{lines:?}");
}
