//! The store against SQLite and (when configured) PostgreSQL: events, conflicts, the audit log
//! and its triggers, verify, runs, blobs, texts, backup and restore.

mod common;

use bagalau_store::{Act, AuditInfo, Author, ContentHash, Engine, RunRecord, Store, StoreError};
use common::{at, databases, event, raw};
use serde_json::json;

fn why() -> AuditInfo {
    AuditInfo::new("проверка")
}

fn run_record(cycle: &str, number: u64, previous: Option<bagalau_store::RunId>) -> RunRecord {
    RunRecord {
        cycle_id: cycle.to_string(),
        number,
        edition_id: "2014-services".into(),
        edition_hash: ContentHash::of(b"edition").to_string(),
        data_hash: ContentHash::of(b"data").to_string(),
        // Bytes that are not UTF-8 must come back bit for bit.
        results: [
            b"{\"score\":\"12.5\"}".as_slice(),
            &[0, 255, 128, number as u8],
        ]
        .concat(),
        trace: format!("трасса расчёта №{number}").into_bytes(),
        previous,
        created_at: at(100 + number),
        created_by: "Петров П. П.".into(),
    }
}

/// A store with a cycle of `n` events.
fn cycle_with(db: &common::TestDb, id: &str, n: u64) -> Store {
    let store = Store::open(&db.url).unwrap();
    store.create_cycle(id, &event(1), &why()).unwrap();
    for seq in 2..=n {
        store.append(id, seq - 1, &event(seq), &why()).unwrap();
    }
    store
}

#[test]
fn open_creates_and_migrates_on_first_use_and_reopens() {
    for db in databases("open") {
        let store = Store::open(&db.url).unwrap();
        assert_eq!(
            store.engine(),
            if db.postgres {
                Engine::Postgres
            } else {
                Engine::Sqlite
            }
        );
        store.create_cycle("c", &event(1), &why()).unwrap();
        drop(store);
        let again = Store::open(&db.url).unwrap();
        assert_eq!(again.cycles().unwrap().len(), 1, "{}", db.label);
    }
}

#[test]
fn events_round_trip() {
    for db in databases("events_round_trip") {
        let store = cycle_with(&db, "2026-services", 5);
        let expected: Vec<_> = (1..=5).map(event).collect();
        assert_eq!(
            store.events("2026-services").unwrap(),
            expected,
            "{}",
            db.label
        );
        let cycles = store.cycles().unwrap();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].id, "2026-services");
        assert_eq!(cycles[0].events, 5);
        assert_eq!(cycles[0].created_at, at(1));
        assert_eq!(cycles[0].last_at, at(5));
        let log = store.audit(Some("2026-services")).unwrap();
        assert_eq!(log.len(), 5);
        assert_eq!(log[0].what, event(1).what.name_ru());
        assert_eq!(log[1].what, "переход к этапу");
        assert_eq!(log[1].event_seq, Some(2));
        assert_eq!(log[1].prev_hash, log[0].hash);
        assert!(matches!(
            store.events("no-such-cycle"),
            Err(StoreError::UnknownCycle(_))
        ));
        assert!(matches!(
            store.create_cycle("2026-services", &event(1), &why()),
            Err(StoreError::CycleExists(_))
        ));
    }
}

#[test]
fn a_stale_expected_seq_is_a_conflict_not_a_lost_update() {
    for db in databases("conflict") {
        let first = cycle_with(&db, "c", 3);
        let second = Store::open(&db.url).unwrap();
        // Both writers read the cycle at event 3; the first appends event 4.
        assert_eq!(first.append("c", 3, &event(4), &why()).unwrap(), 4);
        let mut late = event(4);
        late.what = bagalau_cycle::Action::OpenStage {
            stage: "другой".into(),
        };
        let err = second.append("c", 3, &late, &why()).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Conflict {
                    expected: 3,
                    actual: 4,
                    ..
                }
            ),
            "{}: {err:?}",
            db.label
        );
        assert!(
            err.to_string().contains("изменён другим пользователем"),
            "{err}"
        );
        assert!(err.is_conflict());
        // Nothing of the refused append is stored, not even in the audit log.
        assert_eq!(
            second.events("c").unwrap(),
            (1..=4).map(event).collect::<Vec<_>>()
        );
        assert_eq!(second.audit(None).unwrap().len(), 4);
        // A sequence number that does not follow is refused too.
        assert!(matches!(
            second.append("c", 4, &event(7), &why()),
            Err(StoreError::BadSeq { last: 4, got: 7 })
        ));
    }
}

#[test]
fn concurrent_writers_never_lose_an_event() {
    for db in databases("concurrent") {
        drop(cycle_with(&db, "c", 1));
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let url = db.url.clone();
                std::thread::spawn(move || {
                    let store = Store::open(&url).unwrap();
                    let mut mine = 0;
                    while mine < 5 {
                        let last = store.events("c").unwrap().len() as u64;
                        let mut ev = event(last + 1);
                        ev.actor.person = format!("писатель {w}");
                        match store.append("c", last, &ev, &why()) {
                            Ok(_) => mine += 1,
                            Err(StoreError::Conflict { .. }) => {}
                            Err(e) => panic!("{e}"),
                        }
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let store = Store::open(&db.url).unwrap();
        let events = store.events("c").unwrap();
        assert_eq!(events.len(), 21, "{}", db.label);
        for w in 0..4 {
            let person = format!("писатель {w}");
            assert_eq!(
                events.iter().filter(|e| e.actor.person == person).count(),
                5
            );
        }
        assert!(store.verify().unwrap().is_ok());
    }
}

#[test]
fn the_database_refuses_update_and_delete_of_audit_events_runs_and_blobs() {
    for db in databases("triggers") {
        let store = cycle_with(&db, "c", 2);
        store.put_run(&run_record("c", 1, None), &why()).unwrap();
        store.put_blob(b"%PDF-1.7", "application/pdf", 100).unwrap();
        for sql in [
            "UPDATE audit SET why = 'подмена' WHERE seq = 1",
            "DELETE FROM audit WHERE seq = 2",
            "UPDATE events SET body = '{}' WHERE seq = 1",
            "DELETE FROM events",
            "UPDATE runs SET results = trace",
            "DELETE FROM runs",
            "UPDATE blobs SET media_type = 'text/plain'",
            "DELETE FROM blobs",
            "DELETE FROM cycles",
            "UPDATE cycles SET created_at = '2020-01-01T00:00:00'",
        ] {
            let err = raw(&db.url, sql).expect_err(sql);
            assert!(
                err.contains("только дополняется")
                    || err.contains("запрещено")
                    || err.contains("не удаляются")
                    || err.contains("не изменяются"),
                "{}: {sql}: {err}",
                db.label
            );
        }
        if db.postgres {
            let err = raw(&db.url, "TRUNCATE audit CASCADE").expect_err("truncate");
            assert!(err.contains("TRUNCATE"), "{err}");
        }
        assert!(store.verify().unwrap().is_ok());
    }
}

/// Removes the append-only protection of the audit table, as a superuser could.
fn disable_audit_triggers(db: &common::TestDb) {
    let sql = if db.postgres {
        "ALTER TABLE audit DISABLE TRIGGER audit_append_only"
    } else {
        "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete"
    };
    raw(&db.url, sql).unwrap();
}

#[test]
fn verify_names_an_audit_row_changed_directly() {
    for db in databases("verify_changed") {
        let store = cycle_with(&db, "c", 5);
        assert!(store.verify().unwrap().is_ok());
        disable_audit_triggers(&db);
        raw(
            &db.url,
            "UPDATE audit SET why = 'задним числом' WHERE seq = 3",
        )
        .unwrap();
        let report = store.verify().unwrap();
        let broken = report.broken.clone().expect("the change is detected");
        assert_eq!(
            (broken.table, broken.cycle.as_deref(), broken.seq),
            ("audit", Some("c"), Some(3)),
            "{}",
            db.label
        );
        assert!(
            report.to_string().contains("журнал аудита, цикл «c», №3"),
            "{report}"
        );
    }
}

#[test]
fn verify_names_a_changed_row_whose_hash_was_recomputed_by_its_successor_link() {
    for db in databases("verify_rehashed") {
        let store = cycle_with(&db, "c", 4);
        disable_audit_triggers(&db);
        // Whoever changes a row and writes a matching hash still breaks the next row's link.
        raw(
            &db.url,
            "UPDATE audit SET hash = 'sha256:forged' WHERE seq = 2",
        )
        .unwrap();
        let broken = store.verify().unwrap().broken.expect("detected");
        assert_eq!(
            (broken.table, broken.seq),
            ("audit", Some(2)),
            "{}",
            db.label
        );
    }
}

#[test]
fn verify_names_an_audit_row_deleted_directly() {
    for db in databases("verify_deleted") {
        let store = cycle_with(&db, "c", 5);
        disable_audit_triggers(&db);
        raw(&db.url, "DELETE FROM audit WHERE seq = 4").unwrap();
        let broken = store
            .verify()
            .unwrap()
            .broken
            .expect("the deletion is detected");
        assert_eq!(
            (broken.table, broken.seq),
            ("audit", Some(4)),
            "{}",
            db.label
        );
        assert!(broken.reason.contains("удалена"), "{}", broken.reason);
    }
}

#[test]
fn verify_detects_the_last_audit_row_deleted() {
    for db in databases("verify_tail") {
        let store = cycle_with(&db, "c", 3);
        disable_audit_triggers(&db);
        raw(&db.url, "DELETE FROM audit WHERE seq = 3").unwrap();
        let broken = store
            .verify()
            .unwrap()
            .broken
            .expect("the truncation is detected");
        assert_eq!(
            (broken.table, broken.seq),
            ("audit", Some(3)),
            "{}",
            db.label
        );
    }
}

#[test]
fn verify_detects_an_event_changed_directly() {
    for db in databases("verify_event") {
        let store = cycle_with(&db, "c", 3);
        let sql = if db.postgres {
            "ALTER TABLE events DISABLE TRIGGER events_append_only"
        } else {
            "DROP TRIGGER events_no_update"
        };
        raw(&db.url, sql).unwrap();
        raw(
            &db.url,
            "UPDATE events SET body = REPLACE(body, 'этап-2', 'этап-9') WHERE seq = 2",
        )
        .unwrap();
        let broken = store.verify().unwrap().broken.expect("detected");
        assert_eq!(
            (broken.table, broken.cycle.as_deref(), broken.seq),
            ("events", Some("c"), Some(2)),
            "{}",
            db.label
        );
    }
}

#[test]
fn runs_keep_their_bytes_and_hashes() {
    for db in databases("runs") {
        let store = cycle_with(&db, "c", 2);
        let first = run_record("c", 1, None);
        let id1 = store.put_run(&first, &why()).unwrap();
        assert_eq!(id1, first.id());
        let second = run_record("c", 2, Some(id1.clone()));
        let id2 = store
            .put_run(
                &second,
                &AuditInfo::new("перерасчёт после возражения").before(json!({"run": 1})),
            )
            .unwrap();
        let stored = store.run(&id2).unwrap();
        assert_eq!(stored.record, second, "{}", db.label);
        assert_eq!(stored.results_hash, ContentHash::of(&second.results));
        assert_eq!(stored.trace_hash, ContentHash::of(&second.trace));
        let runs = store.runs("c").unwrap();
        assert_eq!(
            runs.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
            vec![id1, id2]
        );
        assert!(matches!(
            store.put_run(&run_record("c", 2, None), &why()),
            Err(StoreError::RunExists { number: 2, .. })
        ));
        let ghost = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
        assert!(matches!(
            store.put_run(&run_record("c", 3, Some(ghost.parse().unwrap())), &why()),
            Err(StoreError::UnknownRun(_))
        ));
        assert!(matches!(
            store.put_run(&run_record("other", 1, None), &why()),
            Err(StoreError::UnknownCycle(_))
        ));
        let report = store.verify().unwrap();
        assert!(report.is_ok(), "{report}");
        assert_eq!(report.runs, 2);
    }
}

#[test]
fn a_run_changed_directly_is_detected_on_read_and_by_verify() {
    for db in databases("run_tampered") {
        let store = cycle_with(&db, "c", 1);
        let id = store.put_run(&run_record("c", 1, None), &why()).unwrap();
        let sql = if db.postgres {
            "ALTER TABLE runs DISABLE TRIGGER runs_append_only"
        } else {
            "DROP TRIGGER runs_no_update"
        };
        raw(&db.url, sql).unwrap();
        raw(&db.url, "UPDATE runs SET trace = results").unwrap();
        assert!(
            matches!(store.run(&id), Err(StoreError::Corrupt(_))),
            "{}",
            db.label
        );
        let broken = store.verify().unwrap().broken.expect("detected");
        assert_eq!((broken.table, broken.seq), ("runs", Some(1)));
        assert!(broken.reason.contains("трассировка"), "{}", broken.reason);
    }
}

#[test]
fn blobs_are_content_addressed_size_and_type_checked() {
    for db in databases("blobs") {
        let store = Store::open(&db.url).unwrap();
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 evidence";
        let hash = store.put_blob(pdf, "application/pdf", 1024).unwrap();
        assert_eq!(hash, ContentHash::of(pdf));
        assert_eq!(
            store.put_blob(pdf, "application/pdf", 1024).unwrap(),
            hash,
            "idempotent"
        );
        let blob = store.blob(&hash).unwrap();
        assert_eq!(blob.bytes, pdf);
        assert_eq!(blob.media_type.name(), "application/pdf");
        assert!(matches!(
            store.put_blob(pdf, "application/pdf", 10),
            Err(StoreError::TooLarge { max: 10, .. })
        ));
        assert!(matches!(
            store.put_blob(pdf, "image/png", 1024),
            Err(StoreError::Content { .. })
        ));
        assert!(matches!(
            store.put_blob(b"MZ\x90\x00", "application/x-msdownload", 1024),
            Err(StoreError::MediaType(_))
        ));
        let csv = "орган;балл\nkar;12,5\n".as_bytes();
        let csv_hash = store
            .put_blob(csv, "text/csv; charset=utf-8", 1024)
            .unwrap();
        assert_eq!(store.blob(&csv_hash).unwrap().bytes, csv, "{}", db.label);
        let missing = ContentHash::of(b"missing");
        assert!(matches!(
            store.blob(&missing),
            Err(StoreError::UnknownBlob(_))
        ));
        assert_eq!(store.verify().unwrap().blobs, 2);
    }
}

#[test]
fn texts_have_optimistic_versions() {
    for db in databases("texts") {
        let store = Store::open(&db.url).unwrap();
        let author = Author {
            who: "Сидоров С. С.".into(),
            at: at(1),
        };
        let key = "c/kar/recommendations";
        assert_eq!(store.text(key).unwrap(), None);
        assert_eq!(
            store
                .put_text(key, 0, "первый вариант", &author, &why())
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .put_text(key, 1, "второй вариант", &author, &why())
                .unwrap(),
            2
        );
        // A second editor who read version 1 gets a conflict, and the text stays the second.
        let err = store
            .put_text(key, 1, "правка поверх", &author, &why())
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::VersionConflict {
                    expected: 1,
                    actual: 2,
                    ..
                }
            ),
            "{}: {err:?}",
            db.label
        );
        assert!(matches!(
            store.put_text(key, 0, "заново", &author, &why()),
            Err(StoreError::VersionConflict {
                expected: 0,
                actual: 2,
                ..
            })
        ));
        assert!(err.is_conflict());
        assert!(!StoreError::UnknownCycle("c".into()).is_conflict());
        let text = store.text(key).unwrap().unwrap();
        assert_eq!((text.version, text.text.as_str()), (2, "второй вариант"));
        assert_eq!(
            store.audit(None).unwrap().len(),
            2,
            "one audit row per change"
        );
        assert!(store.verify().unwrap().is_ok());
    }
}

#[test]
fn non_event_actions_are_logged_in_the_chain() {
    for db in databases("log") {
        let store = cycle_with(&db, "c", 1);
        let act = Act {
            by: Author {
                who: "Иванов И. И.".into(),
                at: at(50),
            },
            what: "импорт данных".into(),
            details: json!({"file": "reporting.csv", "sha256": ContentHash::of(b"x").as_str()}),
        };
        let seq = store
            .log(
                Some("c"),
                &act,
                &AuditInfo::new("данные за 2026 год").after(json!({"rows": 12})),
            )
            .unwrap();
        assert_eq!(seq, 2);
        let global = store.log(None, &act, &why()).unwrap();
        assert_eq!(global, 3);
        let log = store.audit(Some("c")).unwrap();
        assert_eq!(log.len(), 2);
        assert_eq!(log[1].what, "импорт данных");
        assert_eq!(log[1].after.as_deref(), Some(r#"{"rows":12}"#));
        assert_eq!(log[1].event_seq, None, "{}", db.label);
        assert!(matches!(
            store.log(Some("nope"), &act, &why()),
            Err(StoreError::UnknownCycle(_))
        ));
        assert!(store.verify().unwrap().is_ok());
    }
}

/// A store with something in every table.
fn populated(db: &common::TestDb) -> Store {
    let store = cycle_with(db, "c", 4);
    let id1 = store.put_run(&run_record("c", 1, None), &why()).unwrap();
    store
        .put_run(&run_record("c", 2, Some(id1)), &why())
        .unwrap();
    store
        .put_blob(b"\x89PNG\r\n\x1a\nimage", "image/png", 100)
        .unwrap();
    let author = Author {
        who: "Сидоров С. С.".into(),
        at: at(9),
    };
    store
        .put_text("c/kar", 0, "рекомендации", &author, &why())
        .unwrap();
    store
}

#[test]
fn backup_then_restore_gives_back_every_run_bit_for_bit() {
    for db in databases("backup") {
        let store = populated(&db);
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("store.bagalau-backup");
        store.backup(&archive).unwrap();
        assert!(matches!(store.backup(&archive), Err(StoreError::Exists(_))));
        // Into a fresh store of each engine: SQLite → PostgreSQL and back must agree too.
        for target in databases("backup_target") {
            let restored = Store::open(&target.url).unwrap();
            restored.restore(&archive).unwrap();
            assert_eq!(
                restored.runs("c").unwrap(),
                store.runs("c").unwrap(),
                "{} → {}",
                db.label,
                target.label
            );
            assert_eq!(restored.events("c").unwrap(), store.events("c").unwrap());
            assert_eq!(restored.audit(None).unwrap(), store.audit(None).unwrap());
            assert_eq!(
                restored.text("c/kar").unwrap(),
                store.text("c/kar").unwrap()
            );
            let report = restored.verify().unwrap();
            assert!(report.is_ok(), "{report}");
            assert_eq!((report.audit_rows, report.runs, report.blobs), (7, 2, 1));
            // The restored store goes on: the chain continues from the restored head.
            restored.append("c", 4, &event(5), &why()).unwrap();
            assert!(restored.verify().unwrap().is_ok());
            // A non-empty store refuses a restore.
            assert!(matches!(
                restored.restore(&archive),
                Err(StoreError::NotEmpty(_))
            ));
        }
    }
}

#[test]
fn restore_refuses_a_damaged_archive() {
    let db = common::sqlite();
    let store = populated(&db);
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("a");
    store.backup(&archive).unwrap();
    let good = std::fs::read(&archive).unwrap();
    let damaged_cases: Vec<(&str, Vec<u8>)> = vec![
        ("one byte changed", {
            let mut b = good.clone();
            let i = b.len() / 2;
            b[i] ^= 1;
            b
        }),
        ("truncated", good[..good.len() - 40].to_vec()),
        ("empty", Vec::new()),
        ("a line removed", {
            let text = String::from_utf8(good.clone()).unwrap();
            let mut lines: Vec<&str> = text.lines().collect();
            lines.remove(3);
            (lines.join("\n") + "\n").into_bytes()
        }),
    ];
    for (case, bytes) in damaged_cases {
        let path = dir.path().join("damaged");
        std::fs::write(&path, bytes).unwrap();
        let target = common::sqlite();
        let fresh = Store::open(&target.url).unwrap();
        let err = fresh.restore(&path).unwrap_err();
        assert!(matches!(err, StoreError::Archive { .. }), "{case}: {err:?}");
        assert!(
            fresh.cycles().unwrap().is_empty(),
            "{case}: nothing restored"
        );
    }
}

#[test]
fn verify_detects_an_event_a_run_or_a_blob_removed_or_changed_directly() {
    for db in databases("verify_other_tables") {
        let store = populated(&db);
        assert!(store.verify().unwrap().is_ok());
        let unprotect = if db.postgres {
            "ALTER TABLE events DISABLE TRIGGER events_append_only; \
             ALTER TABLE runs DISABLE TRIGGER runs_append_only; \
             ALTER TABLE blobs DISABLE TRIGGER blobs_append_only"
        } else {
            "DROP TRIGGER events_no_delete; DROP TRIGGER runs_no_delete; \
             DROP TRIGGER blobs_no_update"
        };
        raw(&db.url, unprotect).unwrap();

        if !db.postgres {
            // A body of another type, which SQLite accepts: reported, not an error.
            raw(&db.url, "DROP TRIGGER events_no_update").unwrap();
            raw(&db.url, "UPDATE events SET body = X'00' WHERE seq = 3").unwrap();
            let broken = store.verify().unwrap().broken.expect("an unreadable event");
            assert_eq!((broken.table, broken.seq), ("events", Some(3)), "{broken}");
            let entry = store.audit(Some("c")).unwrap();
            let original = &entry
                .iter()
                .find(|a| a.event_seq == Some(3))
                .unwrap()
                .details;
            let sql = format!(
                "UPDATE events SET body = '{}' WHERE seq = 3",
                original.replace('\'', "''")
            );
            raw(&db.url, &sql).unwrap();
            assert!(store.verify().unwrap().is_ok());
        }
        raw(&db.url, "DELETE FROM events WHERE seq = 4").unwrap();
        let broken = store.verify().unwrap().broken.expect("a deleted event");
        assert_eq!(
            (broken.table, broken.cycle.as_deref(), broken.seq),
            ("events", Some("c"), Some(4)),
            "{}: {broken}",
            db.label
        );
        restore_event(&db, &store);

        raw(&db.url, "DELETE FROM runs WHERE number = 2").unwrap();
        let broken = store.verify().unwrap().broken.expect("a deleted run");
        assert_eq!(
            (broken.table, broken.cycle.as_deref()),
            ("runs", Some("c")),
            "{broken}"
        );
        assert!(broken.reason.contains("отсутствует"), "{broken}");
    }
}

/// Puts event 4 back as it was, so that the next check starts from a sound event table.
fn restore_event(db: &common::TestDb, store: &Store) {
    let entry = store
        .audit(Some("c"))
        .unwrap()
        .into_iter()
        .find(|a| a.event_seq == Some(4))
        .unwrap();
    let sql = format!(
        "INSERT INTO events (cycle_id, seq, at, body, audit_seq) VALUES ('c', 4, '{}', '{}', {})",
        entry.at.format("%Y-%m-%dT%H:%M:%S"),
        entry.details.replace('\'', "''"),
        entry.seq
    );
    raw(&db.url, &sql).unwrap();
    assert!(store.verify().unwrap().is_ok(), "{}", db.label);
}

#[test]
fn verify_detects_a_blob_changed_directly() {
    for db in databases("verify_blob") {
        let store = populated(&db);
        let sql = if db.postgres {
            "ALTER TABLE blobs DISABLE TRIGGER blobs_append_only"
        } else {
            "DROP TRIGGER blobs_no_update"
        };
        raw(&db.url, sql).unwrap();
        let tamper = if db.postgres {
            "UPDATE blobs SET content = '\\x89504e47'::bytea"
        } else {
            "UPDATE blobs SET content = zeroblob(8)"
        };
        raw(&db.url, tamper).unwrap();
        let broken = store.verify().unwrap().broken.expect("detected");
        assert_eq!(broken.table, "blobs", "{}", db.label);
        assert_eq!(
            broken.key.as_deref(),
            Some(ContentHash::of(b"\x89PNG\r\n\x1a\nimage").as_str())
        );
        let hash = broken.key.unwrap().parse().unwrap();
        assert!(matches!(store.blob(&hash), Err(StoreError::Corrupt(_))));
    }
}

#[test]
fn both_engines_give_the_same_hashes_for_the_same_actions() {
    let dbs = databases("same_hashes");
    let chains: Vec<_> = dbs
        .iter()
        .map(|db| {
            let store = populated(db);
            let audit: Vec<String> = store
                .audit(None)
                .unwrap()
                .into_iter()
                .map(|a| a.hash)
                .collect();
            let runs: Vec<_> = store.runs("c").unwrap().into_iter().map(|r| r.id).collect();
            (audit, runs)
        })
        .collect();
    // Pinned: the first audit row's hash depends only on the canonical serialisation, so a change
    // of it (which would make every stored chain unverifiable) fails here.
    assert_eq!(chains[0].0.len(), 7);
    assert_eq!(chains[0].0[0], FIRST_AUDIT_HASH);
    for other in &chains[1..] {
        assert_eq!(other, &chains[0]);
    }
}

const FIRST_AUDIT_HASH: &str =
    "sha256:b0e0c9cb20772080a1b5891b21312d6bb8e236098f1b113d54a91ac34e9f3ce1";

#[test]
fn open_refuses_what_is_not_a_store_location() {
    assert!(matches!(Store::open(""), Err(StoreError::Open { .. })));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, b"not a directory").unwrap();
    let under_a_file = file.join("store.sqlite3");
    assert!(matches!(
        Store::open(under_a_file.to_str().unwrap()),
        Err(StoreError::Io { .. })
    ));
    // A file that is not an SQLite database.
    let err = Store::open(file.to_str().unwrap()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Open { .. } | StoreError::Migrate(_) | StoreError::Database(_)
        ),
        "{err:?}"
    );
    // A socket that does not exist fails at once (a refused TCP connection is retried for the
    // pool's acquire timeout).
    let err =
        Store::open("postgres://bagalau:secret@localhost/none?host=/nonexistent").unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn a_run_and_the_event_recording_it_are_stored_together_or_not_at_all() {
    for db in databases("append_with_run") {
        let store = cycle_with(&db, "c", 2);
        let other = Store::open(&db.url).unwrap();
        let run = run_record("c", 1, None);
        let id = store
            .append_with_run(2, &event(3), &why(), &run, &AuditInfo::new("расчёт"))
            .unwrap();
        assert_eq!(store.run(&id).unwrap().record, run);
        assert_eq!(store.events("c").unwrap().len(), 3);
        // A writer who saw event 2 stores neither its run nor its event.
        let stale = run_record("c", 2, Some(id.clone()));
        let err = other
            .append_with_run(2, &event(3), &why(), &stale, &why())
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Conflict {
                    expected: 2,
                    actual: 3,
                    ..
                }
            ),
            "{}: {err:?}",
            db.label
        );
        // A run that cannot be stored takes its event with it.
        let err = other
            .append_with_run(3, &event(4), &why(), &run_record("c", 1, None), &why())
            .unwrap_err();
        assert!(
            matches!(err, StoreError::RunExists { number: 1, .. }),
            "{err:?}"
        );
        assert_eq!(other.runs("c").unwrap().len(), 1);
        assert_eq!(other.events("c").unwrap().len(), 3);
        assert_eq!(other.audit(None).unwrap().len(), 4);
        assert!(other.verify().unwrap().is_ok());
    }
}

#[test]
fn verify_detects_a_text_or_a_cycle_changed_directly() {
    for db in databases("verify_texts") {
        let store = populated(&db);
        raw(&db.url, "UPDATE texts SET text = 'подменено'").unwrap();
        let broken = store.verify().unwrap().broken.expect("a changed text");
        assert_eq!(
            (broken.table, broken.key.as_deref()),
            ("texts", Some("c/kar")),
            "{}: {broken}",
            db.label
        );
        raw(&db.url, "UPDATE texts SET text = 'рекомендации'").unwrap();
        assert!(store.verify().unwrap().is_ok());
        let tamper = "UPDATE cycles SET created_at = '2020-01-01T00:00:00'";
        let err = raw(&db.url, tamper).expect_err("cycles are immutable");
        assert!(err.contains("запрещено"), "{err}");
        let unprotect = if db.postgres {
            "ALTER TABLE cycles DISABLE TRIGGER cycles_no_update"
        } else {
            "DROP TRIGGER cycles_no_update"
        };
        raw(&db.url, unprotect).unwrap();
        raw(&db.url, tamper).unwrap();
        let broken = store.verify().unwrap().broken.expect("a changed cycle");
        assert_eq!(
            (broken.table, broken.cycle.as_deref()),
            ("cycles", Some("c"))
        );
    }
}

#[test]
fn restore_refuses_a_forged_archive_and_leaves_the_store_empty() {
    for db in databases("forged_archive") {
        let store = populated(&db);
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a");
        store.backup(&archive).unwrap();
        // A row changed and the trailer's hash recomputed: the archive is consistent with itself,
        // but the audit chain it carries is not.
        let text = std::fs::read_to_string(&archive).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let i = lines
            .iter()
            .position(|l| l.contains("\"table\":\"audit\""))
            .unwrap();
        assert!(lines[i].contains("проверка"));
        lines[i] = lines[i].replace("проверка", "подлог");
        lines.pop();
        let body = lines.join("\n") + "\n";
        let trailer = serde_json::json!({"end": {
            "rows": lines.len() - 1,
            "sha256": ContentHash::of(body.as_bytes()).as_str(),
        }});
        std::fs::write(&archive, format!("{body}{trailer}\n")).unwrap();
        for target in databases("forged_target") {
            let fresh = Store::open(&target.url).unwrap();
            let err = fresh.restore(&archive).unwrap_err();
            assert!(
                matches!(err, StoreError::Archive { .. }) && err.to_string().contains("№1"),
                "{} → {}: {err}",
                db.label,
                target.label
            );
            assert!(fresh.cycles().unwrap().is_empty());
            assert!(fresh.audit(None).unwrap().is_empty());
            // Still empty, so a good archive can go in afterwards.
            let good = dir.path().join(format!("good-{}", target.label));
            store.backup(&good).unwrap();
            fresh.restore(&good).unwrap();
        }
    }
}

#[test]
fn several_first_opens_at_once_create_one_store() {
    for db in databases("first_opens") {
        let openers: Vec<_> = (0..4)
            .map(|_| {
                let url = db.url.clone();
                std::thread::spawn(move || Store::open(&url).map(|_| ()))
            })
            .collect();
        for opener in openers {
            let opened = opener.join().unwrap();
            assert!(opened.is_ok(), "{}: {opened:?}", db.label);
        }
        assert!(Store::open(&db.url).unwrap().verify().unwrap().is_ok());
    }
}

#[test]
fn verify_sees_one_consistent_state_while_a_writer_appends() {
    for db in databases("verify_concurrent") {
        drop(cycle_with(&db, "c", 1));
        let url = db.url.clone();
        let writer = std::thread::spawn(move || {
            let store = Store::open(&url).unwrap();
            for seq in 2..=120 {
                store.append("c", seq - 1, &event(seq), &why()).unwrap();
                if seq % 10 == 0 {
                    let mut run = run_record("c", seq / 10, None);
                    run.previous = store
                        .run_summaries("c")
                        .unwrap()
                        .last()
                        .map(|r| r.id.clone());
                    store.put_run(&run, &why()).unwrap();
                }
            }
        });
        let store = Store::open(&db.url).unwrap();
        let mut checks = 0;
        while !writer.is_finished() {
            let report = store.verify().unwrap();
            assert!(report.is_ok(), "{}: {report}", db.label);
            checks += 1;
        }
        writer.join().unwrap();
        assert!(checks > 1, "{}: verify ran {checks} times", db.label);
        assert!(store.verify().unwrap().is_ok());
    }
}

#[test]
fn verify_names_exactly_the_audit_row_whatever_field_of_it_is_changed() {
    // Every field of every row of a store with each kind of row (events, runs, a text), each
    // change in a fresh store: SQLite only (98 stores).
    let columns = [
        ("seq", "seq + 100"),
        ("at", "'2000-01-01T00:00:00'"),
        ("cycle_id", "'другой'"),
        ("event_seq", "77"),
        ("who", "who || ' '"),
        ("what", "what || ' '"),
        ("details", "details || ' '"),
        ("why", "why || ' '"),
        ("before_state", "'{}'"),
        ("after_state", "'{}'"),
        ("prev_hash", "'sha256:00'"),
        ("hash", "'sha256:00'"),
        // Values of another type, which SQLite accepts.
        ("who", "42"),
        ("details", "X'00ff'"),
    ];
    let rows = {
        let db = common::sqlite();
        populated(&db).audit(None).unwrap().len() as u64
    };
    assert_eq!(rows, 7);
    for seq in 1..=rows {
        for (column, value) in columns {
            let db = common::sqlite();
            let store = populated(&db);
            disable_audit_triggers(&db);
            raw(
                &db.url,
                &format!("UPDATE audit SET {column} = {value} WHERE seq = {seq}"),
            )
            .unwrap();
            let broken = store.verify().unwrap().broken;
            let named = broken.as_ref().map(|b| (b.table, b.seq));
            assert_eq!(
                named,
                Some(("audit", Some(seq))),
                "{column} of row {seq}: {broken:?}"
            );
        }
    }
}

#[test]
fn restore_refuses_an_archive_of_another_schema_version() {
    let db = common::sqlite();
    let store = populated(&db);
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("a");
    store.backup(&archive).unwrap();
    let text = std::fs::read_to_string(&archive).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(lines[0].contains("\"schema\":2"), "{}", lines[0]);
    lines[0] = lines[0].replace("\"schema\":2", "\"schema\":1");
    lines.pop();
    let body = lines.join("\n") + "\n";
    let trailer = serde_json::json!({"end": {
        "rows": lines.len() - 1,
        "sha256": ContentHash::of(body.as_bytes()).as_str(),
    }});
    std::fs::write(&archive, format!("{body}{trailer}\n")).unwrap();
    let target = common::sqlite();
    let err = Store::open(&target.url)
        .unwrap()
        .restore(&archive)
        .unwrap_err();
    assert!(
        err.to_string().contains("схеме базы данных версии 1"),
        "{err}"
    );
}
