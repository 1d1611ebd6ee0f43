//! `bagalau cycle demo` on SQLite (a fresh data folder) and on PostgreSQL
//! (`BAGALAU_TEST_DATABASE_URL`; skipped loudly when absent, required when
//! `BAGALAU_REQUIRE_POSTGRES=1`): the same documents and identical run hashes.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// Runs the demo; returns the run hashes it printed and the documents it wrote.
fn demo(extra: &[&str], cycle: &str) -> (Vec<String>, Vec<String>) {
    let out_dir = tempfile::tempdir().expect("temp");
    let data_dir = tempfile::tempdir().expect("temp");
    let out = Command::new(env!("CARGO_BIN_EXE_bagalau"))
        .current_dir(root())
        .env_remove("BAGALAU_DATABASE_URL")
        .args(["cycle", "--cycle", cycle, "--data-dir"])
        .arg(data_dir.path())
        .args(extra)
        .arg("demo")
        .arg("--out")
        .arg(out_dir.path())
        .output()
        .expect("bagalau runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Пересчёт изменил результаты органов без возражений: MO, MID"),
        "{text}"
    );
    assert!(text.contains("срок истёк 12.03.2024"), "{text}");
    let runs: Vec<String> = text
        .lines()
        .filter_map(|l| {
            l.strip_prefix("Расчёт ")
                .and_then(|r| r.split_once(": "))
                .map(|(_, h)| h.to_string())
        })
        .collect();
    let mut docs: Vec<String> = std::fs::read_dir(out_dir.path())
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    docs.sort();
    if extra.is_empty() {
        // SQLite by default, in the data folder.
        assert!(data_dir.path().join(bagalau_store::SQLITE_FILE).exists());
    }
    // The store the demo wrote passes verification.
    let v = Command::new(env!("CARGO_BIN_EXE_bagalau"))
        .current_dir(root())
        .env_remove("BAGALAU_DATABASE_URL")
        .args(["cycle", "--data-dir"])
        .arg(data_dir.path())
        .args(extra)
        .arg("verify")
        .output()
        .expect("verify");
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    (runs, docs)
}

#[test]
fn the_demo_on_sqlite_and_postgres_gives_identical_runs() {
    let (runs, docs) = demo(&[], "demo");
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_ne!(runs[0], runs[1]);
    assert_eq!(docs.len(), 28, "{docs:?}");
    assert!(docs
        .iter()
        .any(|d| d == "итоговое-заключение-MO-openness.docx"));
    assert!(docs
        .iter()
        .any(|d| d == "таблица-разногласий-MJ-openness.docx"));
    let url = std::env::var("BAGALAU_TEST_DATABASE_URL").unwrap_or_default();
    if url.is_empty() {
        if std::env::var("BAGALAU_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("BAGALAU_REQUIRE_POSTGRES=1, but BAGALAU_TEST_DATABASE_URL is not set");
        }
        eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        eprintln!("!!! SKIPPED: the demo on PostgreSQL — BAGALAU_TEST_DATABASE_URL not set   !!!");
        eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
        return;
    }
    // A cycle id of its own: the database may hold earlier runs of this test.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let id = format!("demo-{}-{nanos}", std::process::id());
    let (pg_runs, pg_docs) = demo(&["--database-url", &url], &id);
    assert_eq!(
        pg_runs, runs,
        "run hashes differ between SQLite and PostgreSQL"
    );
    assert_eq!(pg_docs, docs);
}

/// The README's main command run twice on one store: the second run stores a new cycle beside
/// the first («main-2») with the same run hashes, instead of failing on the existing id.
#[test]
fn the_demo_run_twice_on_one_store_takes_the_next_free_cycle() {
    let out_dir = tempfile::tempdir().expect("temp");
    let data_dir = tempfile::tempdir().expect("temp");
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_bagalau"))
            .current_dir(root())
            .env_remove("BAGALAU_DATABASE_URL")
            .args(["cycle", "--data-dir"])
            .arg(data_dir.path())
            .arg("demo")
            .arg("--out")
            .arg(out_dir.path())
            .output()
            .expect("bagalau runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let first = run();
    let second = run();
    assert!(first.contains("цикл «main»"), "{first}");
    assert!(second.contains("цикл «main-2»"), "{second}");
    let hashes = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("Расчёт "))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(hashes(&first), hashes(&second));
    assert_eq!(hashes(&first).len(), 2);
}
