//! `bagalau cycle verify` detects an audit row changed or deleted directly in the database, on
//! SQLite and (with `BAGALAU_TEST_DATABASE_URL`; required when `BAGALAU_REQUIRE_POSTGRES=1`) on
//! PostgreSQL, each in a database of its own.

use std::path::PathBuf;
use std::process::Command;

use sqlx::{Connection, Executor};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

const ADMIN: &str = "administrator:Администратор:Админова";

fn cycle(url: &str, today: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bagalau"))
        .current_dir(root())
        .args([
            "cycle",
            "--database-url",
            url,
            "--cycle",
            "v",
            "--today",
            today,
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

fn raw(url: &str, sql: &str) {
    sqlx::any::install_default_drivers();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = sqlx::AnyConnection::connect(url).await.expect("connect");
        conn.execute(sql).await.expect(sql);
        conn.close().await.ok();
    });
}

/// A store with a created cycle and imported data (three audit rows at least).
fn prepared(url: &str) {
    for (today, args) in [
        (
            "2024-01-09",
            vec![
                "--as",
                ADMIN,
                "create",
                "--edition",
                "2021-operational-2023-june",
                "--data",
                "examples/2021-operational",
                "--reporting-deadline",
                "2024-02-15",
            ],
        ),
        (
            "2024-01-22",
            vec![
                "--as",
                ADMIN,
                "import",
                "--data",
                "examples/2021-operational",
            ],
        ),
        ("2024-01-23", vec!["--as", ADMIN, "compute"]),
    ] {
        let (ok, text) = cycle(url, today, &args);
        assert!(ok, "{text}");
    }
    let (ok, text) = cycle(url, "2024-01-23", &["verify"]);
    assert!(ok && text.contains("нарушений нет"), "{text}");
}

fn check(url: &str, postgres: bool, tamper: &str) {
    prepared(url);
    let unlock = if postgres {
        "ALTER TABLE audit DISABLE TRIGGER audit_append_only"
    } else {
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete"
    };
    raw(url, unlock);
    raw(url, tamper);
    let (ok, text) = cycle(url, "2024-01-23", &["verify"]);
    assert!(!ok, "verify accepted «{tamper}»: {text}");
    assert!(text.contains("журнал аудита"), "{text}");
}

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("store.sqlite").display())
}

#[test]
fn verify_detects_an_audit_row_changed_or_deleted_on_sqlite() {
    let a = tempfile::tempdir().expect("temp");
    check(
        &sqlite_url(&a),
        false,
        "UPDATE audit SET why = 'задним числом' WHERE seq = 2",
    );
    let b = tempfile::tempdir().expect("temp");
    check(&sqlite_url(&b), false, "DELETE FROM audit WHERE seq = 2");
}

#[test]
fn verify_detects_an_audit_row_changed_or_deleted_on_postgres() {
    let Ok(base) = std::env::var("BAGALAU_TEST_DATABASE_URL") else {
        if std::env::var("BAGALAU_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("BAGALAU_REQUIRE_POSTGRES=1, but BAGALAU_TEST_DATABASE_URL is not set");
        }
        eprintln!(
            "!!! SKIPPED: cycle verify on PostgreSQL — BAGALAU_TEST_DATABASE_URL not set !!!"
        );
        return;
    };
    let (head, _) = base.split_at(base.rfind('/').expect("a database in the URL"));
    for (k, tamper) in [
        "UPDATE audit SET why = 'задним числом' WHERE seq = 2",
        "DELETE FROM audit WHERE seq = 2",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("cycle_verify_{}_{k}", std::process::id());
        raw(&base, &format!("CREATE DATABASE {name}"));
        check(&format!("{head}/{name}"), true, tamper);
    }
}
