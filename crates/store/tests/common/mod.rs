//! Test support: a store on each engine (SQLite in a temporary directory always; PostgreSQL
//! when `BAGALAU_TEST_DATABASE_URL` is set, a fresh database per test), raw SQL for tampering,
//! and events.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use bagalau_cycle::{Action, Actor, Event, Party};
use chrono::{NaiveDate, NaiveDateTime};
use sqlx::{Connection, Executor};

/// A database for one test: its store URL and what to keep alive.
pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    pub postgres: bool,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh SQLite database and, when configured, a fresh PostgreSQL one.
pub fn databases(test: &str) -> Vec<TestDb> {
    let mut out = vec![sqlite()];
    if let Some(pg) = postgres(test) {
        out.push(pg);
    }
    out
}

pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    TestDb {
        label: "sqlite",
        url: dir.path().join("data").to_string_lossy().into_owned() + "/",
        postgres: false,
        _dir: Some(dir),
    }
}

/// A fresh PostgreSQL database in the cluster of `BAGALAU_TEST_DATABASE_URL`, or `None` with a
/// loud SKIP line (a failure when `BAGALAU_REQUIRE_POSTGRES=1`).
pub fn postgres(test: &str) -> Option<TestDb> {
    let Ok(base) = std::env::var("BAGALAU_TEST_DATABASE_URL") else {
        if std::env::var("BAGALAU_REQUIRE_POSTGRES").as_deref() == Ok("1") {
            panic!("BAGALAU_REQUIRE_POSTGRES=1 but BAGALAU_TEST_DATABASE_URL is not set");
        }
        // Written past the test harness's capture, once per test binary, so that it is seen.
        static SKIP: std::sync::Once = std::sync::Once::new();
        SKIP.call_once(|| {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIP: the store's tests ran on SQLite only, not on PostgreSQL \
                 (BAGALAU_TEST_DATABASE_URL is not set; `source .ci/postgres` starts one); first: {test}"
            );
        });
        return None;
    };
    let name = format!(
        "t_{}_{}_{}",
        test.to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(30)
            .collect::<String>(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    raw(&base, &format!("CREATE DATABASE {name}")).expect("CREATE DATABASE");
    let (head, tail) = base.split_at(base.rfind('/').expect("a database in the URL"));
    let params = tail.find('?').map(|q| &tail[q..]).unwrap_or("");
    Some(TestDb {
        label: "postgres",
        url: format!("{head}/{name}{params}"),
        postgres: true,
        _dir: None,
    })
}

/// Runs SQL outside the store (as the database's owner: the tests tamper with it).
pub fn raw(url: &str, sql: &str) -> Result<(), String> {
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("postgres") {
        url.to_string()
    } else {
        format!("sqlite://{}bagalau.sqlite3", url)
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = sqlx::AnyConnection::connect(&url)
            .await
            .map_err(|e| e.to_string())?;
        let result = conn
            .execute(sql)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        conn.close().await.ok();
        result
    })
}

pub fn at(seq: u64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 2)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("a date")
        + chrono::Duration::minutes(seq as i64)
}

/// An event numbered `seq` (the store does not interpret events: any action will do).
pub fn event(seq: u64) -> Event {
    Event {
        seq,
        at: at(seq),
        actor: Actor::new(Party::Administrator, "Администрация", "Иванов И. И."),
        what: if seq == 1 {
            Action::Publish
        } else {
            Action::OpenStage {
                stage: format!("этап-{seq}"),
            }
        },
    }
}
