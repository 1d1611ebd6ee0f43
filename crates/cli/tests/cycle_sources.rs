//! The cycle's data sources (issue 13, items 1 and 5): a reporting form and raw records imported
//! into a cycle with their provenance, on SQLite and (with `BAGALAU_TEST_DATABASE_URL`; required
//! when `BAGALAU_REQUIRE_POSTGRES=1`) on PostgreSQL, each test in a database of its own.
//!
//! - a form filled with the 2014 example evaluates exactly as the example imported as a dataset;
//! - a form with three bad cells is refused naming exactly those cells, and the store gains no
//!   event and no file;
//! - the same form again records nothing, a changed form records a new version with its hash;
//! - raw records generated for the example, imported over the example, give its results, with
//!   the raw files' hashes in the log and the reports stored;
//! - `cycle verify` accepts the store after all this.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::root;
use sha2::{Digest, Sha256};
use sqlx::{Connection, Row};

const ADMIN: &str = "administrator:Администратор:Админова";
const TODAY: &str = "2015-01-12";

/// A fresh empty scratch folder for one test.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bagalau-sources-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs `bagalau cycle --database-url URL --cycle CYCLE --today TODAY --as ADMIN ARGS…`.
fn cycle(url: &str, cycle_id: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bagalau"))
        .current_dir(root())
        .args([
            "cycle",
            "--database-url",
            url,
            "--cycle",
            cycle_id,
            "--today",
            TODAY,
            "--as",
            ADMIN,
        ])
        .args(args)
        .output()
        .expect("bagalau runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn ok(url: &str, cycle_id: &str, args: &[&str]) -> String {
    let (ok, text) = cycle(url, cycle_id, args);
    assert!(ok, "cycle {args:?}: {text}");
    text
}

fn bagalau(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_bagalau"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("bagalau runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "bagalau {args:?}: {text}");
    text
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A cycle of the 2014 edition over the bodies of `data`.
fn create(url: &str, cycle_id: &str, data: &str) {
    ok(
        url,
        cycle_id,
        &[
            "create",
            "--edition",
            "2014-services",
            "--data",
            data,
            "--reporting-deadline",
            "2015-02-15",
        ],
    );
}

fn with_db<T>(url: &str, f: impl AsyncFnOnce(&mut sqlx::AnyConnection) -> T) -> T {
    sqlx::any::install_default_drivers();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
        let r = f(&mut conn).await;
        conn.close().await.ok();
        r
    })
}

/// The number of events and of stored files.
fn counts(url: &str) -> (i64, i64) {
    with_db(url, async |c| {
        let mut n = [0i64; 2];
        for (i, table) in ["events", "blobs"].iter().enumerate() {
            n[i] = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&mut *c)
                .await
                .expect("count")
                .try_get::<i64, _>("n")
                .expect("n");
        }
        (n[0], n[1])
    })
}

/// The stored results and trace of the cycle's last run (the bytes whose hashes the run holds).
fn last_results(url: &str, cycle_id: &str) -> (Vec<u8>, Vec<u8>) {
    with_db(url, async |c| {
        let row = sqlx::query(
            "SELECT results, trace FROM runs WHERE cycle_id = $1 ORDER BY number DESC LIMIT 1",
        )
        .bind(cycle_id)
        .fetch_one(&mut *c)
        .await
        .expect("a run");
        (
            row.try_get::<Vec<u8>, _>("results").expect("results"),
            row.try_get::<Vec<u8>, _>("trace").expect("trace"),
        )
    })
}

fn blob_exists(url: &str, hash: &str) -> bool {
    with_db(url, async |c| {
        sqlx::query("SELECT COUNT(*) AS n FROM blobs WHERE hash = $1")
            .bind(hash)
            .fetch_one(&mut *c)
            .await
            .expect("count")
            .try_get::<i64, _>("n")
            .expect("n")
            == 1
    })
}

fn sha256(p: &Path) -> String {
    let bytes = std::fs::read(p).expect("file");
    let mut s = String::from("sha256:");
    for b in Sha256::digest(&bytes) {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Every store the tests run on: SQLite in `dir`, and a fresh PostgreSQL database when
/// `BAGALAU_TEST_DATABASE_URL` is set.
fn stores(dir: &Path, tag: &str) -> Vec<String> {
    let mut out = vec![format!("sqlite://{}", dir.join("store.sqlite").display())];
    match std::env::var("BAGALAU_TEST_DATABASE_URL") {
        Ok(base) => {
            let (head, _) = base.split_at(base.rfind('/').expect("a database in the URL"));
            let name = format!("cycle_sources_{tag}_{}", std::process::id());
            with_db(&base, async |c| {
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&mut *c)
                    .await
                    .expect("drop");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut *c)
                    .await
                    .expect("create");
            });
            out.push(format!("{head}/{name}"));
        }
        Err(_) => {
            if std::env::var("BAGALAU_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("BAGALAU_REQUIRE_POSTGRES=1, but BAGALAU_TEST_DATABASE_URL is not set");
            }
            eprintln!(
                "!!! SKIPPED: cycle sources on PostgreSQL — BAGALAU_TEST_DATABASE_URL not set !!!"
            );
        }
    }
    out
}

fn verify(url: &str) {
    let text = ok(url, "any", &["verify"]);
    assert!(text.contains("нарушений нет"), "{text}");
}

/// A workbook written by hand from the example's CSV files (every cell a string, as a user
/// types it), with some cells replaced: (sheet, CSV line, column code, text).
fn handmade(out: &Path, edits: &[(&str, usize, &str, &str)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ins = wb.add_worksheet();
    ins.set_name("Инструкция").expect("name");
    ins.write_string(5, 1, "edition").expect("cell");
    ins.write_string(5, 2, "2014-services").expect("cell");
    for (sheet, file) in [("Органы", "bodies.csv"), ("Услуги", "services.csv")] {
        let mut r =
            csv::Reader::from_path(root().join("examples/2014-services").join(file)).expect("csv");
        let header: Vec<String> = r
            .headers()
            .expect("header")
            .iter()
            .map(str::to_string)
            .collect();
        let ws = wb.add_worksheet();
        ws.set_name(sheet).expect("name");
        for (c, code) in header.iter().enumerate() {
            ws.write_string(0, c as u16, format!("Заголовок {code}"))
                .expect("heading");
            ws.write_string(1, c as u16, code).expect("code");
        }
        for (i, rec) in r.records().enumerate() {
            // CSV line `i + 2` (the header is line 1) goes to sheet row `i + 3` (0-based
            // `i + 2`), below the headings and the codes.
            let line = i + 2;
            for (c, v) in rec.expect("record").iter().enumerate() {
                let edit = edits
                    .iter()
                    .find(|(s, l, code, _)| *s == sheet && *l == line && header[c] == *code);
                let text = match (edit, v) {
                    (Some(e), _) => e.3.to_string(),
                    (None, "true") => "да".into(),
                    (None, "false") => "нет".into(),
                    (None, v) => v.to_string(),
                };
                ws.write_string(line as u32, c as u16, text).expect("cell");
            }
        }
    }
    wb.save(out).expect("save");
}

/// The letter of the column of `code` in the example's `file`.
fn letter(file: &str, code: &str) -> String {
    let mut r =
        csv::Reader::from_path(root().join("examples/2014-services").join(file)).expect("csv");
    let i = r
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == code)
        .expect("column");
    bagalau_ingest::column_letter(i as u32)
}

#[test]
fn a_form_imports_like_its_dataset_and_the_same_form_again_records_nothing() {
    let dir = scratch("form");
    let form = dir.join("форма-2014.xlsx");
    bagalau(&[
        "template",
        "--edition",
        "methodologies/2014-services",
        "--out",
        path(&form),
        "--data",
        "examples/2014-services",
    ]);
    let changed = dir.join("форма-2014-исправленная.xlsx");
    handmade(&changed, &[]);
    for url in stores(&dir, "form") {
        // The dataset path, as before.
        create(&url, "csv", "examples/2014-services");
        ok(&url, "csv", &["import", "--data", "examples/2014-services"]);
        ok(&url, "csv", &["compute"]);
        // The form path.
        create(&url, "xlsx", "examples/2014-services");
        let before = counts(&url);
        let dry = ok(
            &url,
            "xlsx",
            &["import", "--form", path(&form), "--dry-run"],
        );
        assert!(
            dry.contains("Проверка пройдена") && dry.contains("была бы версия 1"),
            "{dry}"
        );
        assert_eq!(counts(&url), before, "a dry run stored something");
        let first = ok(&url, "xlsx", &["import", "--form", path(&form)]);
        assert!(first.contains("версия 1"), "{first}");
        let (events, blobs) = counts(&url);
        let again = ok(&url, "xlsx", &["import", "--form", path(&form)]);
        assert!(
            again.contains("Уже загружено") && again.contains("версия 1, без изменений"),
            "{again}"
        );
        assert_eq!(
            counts(&url),
            (events, blobs),
            "a re-import stored something"
        );
        // A changed form: a new version, its hash in the log; then the first form again is a
        // third version (it is no longer the current one).
        let second = ok(&url, "xlsx", &["import", "--form", path(&changed)]);
        assert!(second.contains("версия 2"), "{second}");
        assert_eq!(counts(&url).0, events + 1);
        let third = ok(&url, "xlsx", &["import", "--form", path(&form)]);
        assert!(third.contains("версия 3"), "{third}");
        let log = ok(&url, "xlsx", &["log"]);
        for f in [&form, &changed] {
            let name = f.file_name().and_then(|n| n.to_str()).expect("name");
            let line = format!("«{name}» {}", sha256(f));
            assert!(log.contains(&line), "{line} not in the log:\n{log}");
            // The workbook itself is stored as evidence.
            assert!(blob_exists(&url, &sha256(f)), "{} not stored", f.display());
        }
        // No folder of the machine that ran the import is recorded.
        assert!(!log.contains(path(&dir)), "{log}");
        ok(&url, "xlsx", &["compute"]);
        // The same results and trace (the run ids differ: they name the data snapshot, and the
        // form's dataset.toml names the form).
        assert_eq!(last_results(&url, "csv"), last_results(&url, "xlsx"));
        verify(&url);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_form_with_three_bad_cells_is_refused_naming_them_and_stores_nothing() {
    let dir = scratch("bad");
    let bad = dir.join("bad.xlsx");
    // bodies.csv line 2 (MZSR); services.csv lines 5 and 9.
    handmade(
        &bad,
        &[
            ("Органы", 2, "standards_changed", "восемнадцать"),
            ("Услуги", 5, "delivery_method", "7"),
            ("Услуги", 9, "body", "NOSUCH"),
        ],
    );
    for url in stores(&dir, "bad") {
        create(&url, "c", "examples/2014-services");
        let before = counts(&url);
        let (ok_, dry) = cycle(&url, "c", &["import", "--form", path(&bad), "--dry-run"]);
        assert!(!ok_ && dry.contains("ошибок: 3"), "{dry}");
        let (ok_, text) = cycle(&url, "c", &["import", "--form", path(&bad)]);
        assert!(!ok_, "a bad form was accepted: {text}");
        let cells = [
            format!(
                "лист «Органы», строка 3, столбец {}",
                letter("bodies.csv", "standards_changed")
            ),
            format!(
                "лист «Услуги», строка 6, столбец {}",
                letter("services.csv", "delivery_method")
            ),
            format!(
                "лист «Услуги», строка 10, столбец {}",
                letter("services.csv", "body")
            ),
        ];
        for c in &cells {
            assert!(text.contains(c.as_str()), "{c} not named:\n{text}");
        }
        assert!(text.contains("ошибок: 3"), "{text}");
        assert!(text.contains("«восемнадцать» — не число"), "{text}");
        assert!(
            text.contains("7 вне допустимого диапазона [1; 5]"),
            "{text}"
        );
        assert!(text.contains("орган «NOSUCH» не найден"), "{text}");
        assert_eq!(counts(&url), before, "a refused form stored something");
        verify(&url);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Volumes of the example divided by this (never below the late counts they contain), so that
/// a debug test aggregates tens of thousands of records instead of 60 million.
const DIVISOR: u64 = 1000;

/// The 2014 example with its delivery volumes divided by [`DIVISOR`], `services_delivered`
/// their sum.
fn scaled_example(dir: &Path) -> PathBuf {
    let src = root().join("examples/2014-services");
    let base = dir.join("base");
    std::fs::create_dir_all(&base).expect("base");
    for e in std::fs::read_dir(&src).expect("example").flatten() {
        if e.path().is_file() && e.file_name() != "bodies.csv" {
            std::fs::copy(e.path(), base.join(e.file_name())).expect("copy");
        }
    }
    let mut r = csv::Reader::from_path(src.join("bodies.csv")).expect("bodies");
    let h = r.headers().expect("header").clone();
    let mut w = csv::Writer::from_path(base.join("bodies.csv")).expect("write");
    w.write_record(&h).expect("header");
    let at = |n: &str| h.iter().position(|c| c == n).expect("column");
    for rec in r.records() {
        let mut row: Vec<String> = rec.expect("record").iter().map(str::to_string).collect();
        let num = |row: &Vec<String>, n: &str| row[at(n)].parse::<u64>().ok();
        let mut sum = 0;
        for (total, lates) in [
            (
                "psc_total",
                &["psc_late_reported", "psc_late_monitoring"][..],
            ),
            (
                "body_total",
                &["body_late_reported", "body_late_monitoring"][..],
            ),
            ("portal_total", &["portal_late"][..]),
            ("elic_total", &["elic_late"][..]),
        ] {
            let late: u64 = lates.iter().filter_map(|l| num(&row, l)).sum();
            let floor = late + u64::from(lates.len() == 2 && num(&row, lates[1]).is_some());
            let t = (num(&row, total).expect("total") / DIVISOR).max(floor);
            row[at(total)] = t.to_string();
            sum += t;
        }
        for (total, late) in [
            ("failure_offline_total", "failure_offline_late"),
            ("failure_online_total", "failure_online_late"),
        ] {
            if let Some(t) = num(&row, total) {
                let l = num(&row, late).unwrap_or(0);
                row[at(total)] = (t / DIVISOR).max(l).to_string();
            }
        }
        row[at("services_delivered")] = sum.to_string();
        w.write_record(&row).expect("row");
    }
    w.flush().expect("flush");
    base
}

/// A copy of `base` whose late online deliveries are all zero: the raw records must restore
/// them.
fn spoiled(base: &Path, dir: &Path) -> PathBuf {
    let out = dir.join("spoiled");
    std::fs::create_dir_all(&out).expect("spoiled");
    for e in std::fs::read_dir(base).expect("base").flatten() {
        if e.path().is_file() && e.file_name() != "bodies.csv" {
            std::fs::copy(e.path(), out.join(e.file_name())).expect("copy");
        }
    }
    let mut r = csv::Reader::from_path(base.join("bodies.csv")).expect("bodies");
    let h = r.headers().expect("header").clone();
    let mut w = csv::Writer::from_path(out.join("bodies.csv")).expect("write");
    w.write_record(&h).expect("header");
    let cols: Vec<usize> = ["portal_late", "elic_late"]
        .iter()
        .map(|c| h.iter().position(|x| x == *c).expect("column"))
        .collect();
    for rec in r.records() {
        let mut row: Vec<String> = rec.expect("record").iter().map(str::to_string).collect();
        for &c in &cols {
            if !row[c].is_empty() {
                row[c] = "0".into();
            }
        }
        w.write_record(&row).expect("row");
    }
    w.flush().expect("flush");
    out
}

#[test]
fn raw_records_imported_over_the_example_reproduce_its_results_with_provenance() {
    let dir = scratch("raw");
    let base = scaled_example(&dir);
    let raw = dir.join("raw");
    bagalau(&[
        "generate",
        "--example",
        path(&base),
        "--out",
        path(&raw),
        "--seed",
        "2014",
    ]);
    let mut raw_files: Vec<PathBuf> = std::fs::read_dir(&raw)
        .expect("raw")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    raw_files.sort();
    assert!(
        raw_files
            .iter()
            .any(|p| p.file_name().is_some_and(|n| n == "deliveries.parquet")),
        "{raw_files:?}"
    );
    for url in stores(&dir, "raw") {
        create(&url, "csv", path(&base));
        ok(&url, "csv", &["import", "--data", path(&base)]);
        ok(&url, "csv", &["compute"]);
        // The spoiled dataset evaluates differently…
        let spoiled = spoiled(&base, &dir);
        create(&url, "spoiled", path(&spoiled));
        ok(&url, "spoiled", &["import", "--data", path(&spoiled)]);
        ok(&url, "spoiled", &["compute"]);
        assert_ne!(last_results(&url, "csv"), last_results(&url, "spoiled"));
        // …and the raw records imported over it restore the example's results.
        create(&url, "raw", path(&spoiled));
        ok(&url, "raw", &["import", "--data", path(&spoiled)]);
        let text = ok(&url, "raw", &["import", "--raw", path(&raw)]);
        assert!(text.contains("версия 2"), "{text}");
        assert!(text.contains("Расхождений отчётов органов"), "{text}");
        let (events, blobs) = counts(&url);
        let again = ok(&url, "raw", &["import", "--raw", path(&raw)]);
        assert!(again.contains("версия 2, без изменений"), "{again}");
        assert_eq!(counts(&url), (events, blobs));
        let log = ok(&url, "raw", &["log"]);
        let line = log
            .lines()
            .find(|l| l.contains("первичные записи"))
            .unwrap_or_else(|| panic!("no raw import in the log:\n{log}"));
        for f in &raw_files {
            let name = f.file_name().and_then(|n| n.to_str()).expect("name");
            let want = format!("«{name}» {}", sha256(f));
            assert!(line.contains(&want), "{want} not in {line}");
        }
        // The base it was applied over (the dataset imported first) and the reports stored.
        assert!(line.contains("поверх снимка sha256:"), "{line}");
        let stored = line
            .split("сохранено ")
            .nth(1)
            .and_then(|s| s.split(|c: char| c == ';' || c.is_whitespace()).next())
            .unwrap_or_else(|| panic!("no evidence in {line}"));
        assert!(blob_exists(&url, stored), "{stored} not stored");
        ok(&url, "raw", &["compute"]);
        assert_eq!(last_results(&url, "csv"), last_results(&url, "raw"));
        verify(&url);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A copy of the 2014 example (all bodies, or only `only`) with `delta` added to MF's
/// `portal_late`.
fn example_variant(out: &Path, only: Option<&str>, delta: u64) {
    let src = root().join("examples/2014-services");
    std::fs::create_dir_all(out).expect("variant");
    std::fs::copy(src.join("dataset.toml"), out.join("dataset.toml")).expect("toml");
    for (file, key) in [("bodies.csv", "id"), ("services.csv", "body")] {
        let mut r = csv::Reader::from_path(src.join(file)).expect("csv");
        let h = r.headers().expect("header").clone();
        let k = h.iter().position(|c| c == key).expect("key");
        let late = h.iter().position(|c| c == "portal_late");
        let mut w = csv::Writer::from_path(out.join(file)).expect("write");
        w.write_record(&h).expect("header");
        for rec in r.records() {
            let mut row: Vec<String> = rec.expect("record").iter().map(str::to_string).collect();
            if only.is_some_and(|b| row[k] != b) {
                continue;
            }
            if let (Some(l), "MF") = (late, row[k].as_str()) {
                let v: u64 = row[l].parse().expect("MF has portal_late");
                row[l] = (v + delta).to_string();
            }
            w.write_record(&row).expect("row");
        }
        w.flush().expect("flush");
    }
}

fn as_body(url: &str, cycle_id: &str, body: &str, args: &[&str]) -> (bool, String) {
    as_body_on(url, cycle_id, body, TODAY, args)
}

fn as_body_on(url: &str, cycle_id: &str, body: &str, today: &str, args: &[&str]) -> (bool, String) {
    let who = format!("evaluated_body:{body}:Исполнитель");
    let out = Command::new(env!("CARGO_BIN_EXE_bagalau"))
        .current_dir(root())
        .args([
            "cycle",
            "--database-url",
            url,
            "--cycle",
            cycle_id,
            "--today",
            today,
            "--as",
            &who,
        ])
        .args(args)
        .output()
        .expect("bagalau runs");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_body_submits_its_form_and_the_evaluator_imports_the_submissions() {
    let dir = scratch("submit");
    // MF's form with one more late portal delivery; another MF form with the example's values;
    // the whole example with MF's change (what the submission must amount to).
    let (mf, mf_same, full) = (dir.join("mf"), dir.join("mf-same"), dir.join("full"));
    example_variant(&mf, Some("MF"), 1);
    example_variant(&mf_same, Some("MF"), 0);
    example_variant(&full, None, 1);
    let form = dir.join("отчёт-MF.xlsx");
    let other = dir.join("отчёт-MF-2.xlsx");
    let (mj, mj_form) = (dir.join("mj"), dir.join("отчёт-MJ.xlsx"));
    example_variant(&mj, Some("MJ"), 0);
    for (data, out) in [(&mf, &form), (&mf_same, &other), (&mj, &mj_form)] {
        bagalau(&[
            "template",
            "--edition",
            "methodologies/2014-services",
            "--out",
            path(out),
            "--data",
            path(data),
        ]);
    }
    for url in stores(&dir, "submit") {
        for (c, data) in [("csv", "examples/2014-services"), ("full", path(&full))] {
            create(&url, c, "examples/2014-services");
            ok(&url, c, &["import", "--data", data]);
            ok(&url, c, &["compute"]);
        }
        assert_ne!(last_results(&url, "csv"), last_results(&url, "full"));
        create(&url, "sub", "examples/2014-services");
        ok(&url, "sub", &["import", "--data", "examples/2014-services"]);
        let submit = ["submit", "--body", "MF", "--form", path(&form)];
        let (done, text) = as_body(&url, "sub", "MF", &submit);
        assert!(done && text.contains("— записано"), "{text}");
        let before = counts(&url);
        // The same form again: already done, nothing recorded.
        let (done, text) = as_body(&url, "sub", "MF", &submit);
        assert!(done && text.contains("Уже представлено"), "{text}");
        assert_eq!(counts(&url), before);
        // Another form after the submission: refused by the procedure.
        let (done, text) = as_body(
            &url,
            "sub",
            "MF",
            &["submit", "--body", "MF", "--form", path(&other)],
        );
        assert!(
            !done && text.contains("отчётная информация уже представлена"),
            "{text}"
        );
        // Another body's data: refused, naming the body.
        let (done, text) = as_body(
            &url,
            "sub",
            "MJ",
            &["submit", "--body", "MJ", "--form", path(&form)],
        );
        assert!(
            !done && text.contains("содержит данные других органов (MF)"),
            "{text}"
        );
        assert_eq!(
            counts(&url),
            before,
            "a refused submission stored something"
        );
        let log = ok(&url, "sub", &["log"]);
        let line = format!("форма «отчёт-MF.xlsx» {}", sha256(&form));
        assert!(log.contains(&line), "{line} not in the log:\n{log}");
        assert!(blob_exists(&url, &sha256(&form)));
        // The evaluator takes the submissions: MF's rows from its form, the rest as imported.
        let text = ok(&url, "sub", &["import", "--submitted"]);
        assert!(text.contains("версия 2"), "{text}");
        let text = ok(&url, "sub", &["import", "--submitted"]);
        assert!(text.contains("версия 2, без изменений"), "{text}");
        ok(&url, "sub", &["compute"]);
        assert_eq!(last_results(&url, "sub"), last_results(&url, "full"));
        // A submission after the reporting deadline (15.02.2015) is recorded with a warning:
        // the procedure does not refuse it.
        let (done, text) = as_body_on(
            &url,
            "sub",
            "MJ",
            "2015-02-16",
            &["submit", "--body", "MJ", "--form", path(&mj_form)],
        );
        assert!(
            done && text.contains("после срока представления отчётных данных (15.02.2015)"),
            "{text}"
        );
        verify(&url);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
