//! Runs and their diffs (issue 12, item 4): canonical hashes, verification of a stored run, the
//! diff of a recomputation for every body, and the administrator's recorded decision on the
//! bodies a recomputation moved without their having objected.

mod common;

use std::path::Path;

use bagalau_cycle::{
    content_hash, diff, Action, CycleError, DataSource, FixedClock, Run, SourceFile, SourceKind,
};
use bagalau_engine::Value;
use bagalau_methodology::{Edition, Group};
use common::*;

const ED: &str = "2021-operational-2023-june";

fn run_with(
    ed: &Edition,
    change: Option<(&str, &str, Value)>,
) -> Result<Run, Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/2021-operational");
    let mut loaded = bagalau_data::load_dataset(ed, &dir).map_err(|e| format!("{e:?}"))?;
    let mut data_hash = content_hash(b"2021-operational");
    if let Some((body, input, value)) = change {
        let i = ed
            .inputs
            .iter()
            .position(|x| x.code == input)
            .ok_or("input")?;
        let b = loaded
            .dataset
            .bodies
            .iter_mut()
            .find(|b| b.id == body)
            .ok_or("body")?;
        b.values[i] = Some(value);
        data_hash = content_hash(format!("{body}:{input}:{value:?}").as_bytes());
    }
    let out = bagalau_engine::evaluate(ed, &loaded.dataset)?;
    Ok(Run::new(ed, &content_hash(b"edition"), &data_hash, &out))
}

#[test]
fn a_run_is_canonical_and_its_stored_form_is_verified() -> R {
    let ed = edition(ED);
    let a = run_with(&ed, None)?;
    let b = run_with(&ed, None)?;
    assert_eq!(a.id(), b.id());
    assert_eq!(a.canonical(), b.canonical());
    assert!(a.id().starts_with("sha256:") && a.id().len() == 71);
    // Exact decimals as strings: MO's and MID's meetings are the central mean (4,5 + 2,5) / 2.
    let mo = a.results.body("MO").ok_or("MO")?;
    assert_eq!(mo.group, Group::Central);
    assert!(a
        .trace
        .iter()
        .any(|t| t.body == "MO" && t.values.values().any(|v| v == "7/2")));
    let back = Run::from_canonical(&a.canonical())?;
    assert_eq!(back, a);
    // A stored run whose score was edited is refused.
    let text = String::from_utf8(a.canonical())?;
    let edited = text.replacen(
        &format!("\"score\":\"{}\"", mo.score),
        "\"score\":\"99\"",
        1,
    );
    assert_ne!(edited, text);
    let err = Run::from_canonical(edited.as_bytes())
        .err()
        .ok_or("edited run accepted")?;
    assert!(err.to_string().contains("хеш результатов"), "{err}");
    Ok(())
}

#[test]
fn an_upheld_objection_moves_the_objecting_body_and_two_others() -> R {
    let ed = edition(ED);
    let before = run_with(&ed, None)?;
    // MJ did not plan meetings (meet_plan_kk = нет); the commission accepts that it did.
    let after = run_with(&ed, Some(("MJ", "meet_plan_kk", Value::Bool(true))))?;
    assert_ne!(before.id(), after.id());
    assert_ne!(before.results_hash, after.results_hash);
    let d = diff(&before, &after, &["MJ".to_string()]);
    assert_eq!(d.bodies.len(), before.results.bodies.len());
    let mj = d.body("MJ").ok_or("MJ")?;
    assert!(mj.score.moved(), "{mj:?}");
    assert!(!mj.criteria.is_empty());
    // MO and MID are given the central mean of meetings (note **): they move without objecting.
    assert_eq!(d.moved_others, ["MO", "MID"]);
    // Every listed change is real and every unlisted body is unchanged.
    for b in &d.bodies {
        let x = before.results.body(&b.id).ok_or("before")?;
        let y = after.results.body(&b.id).ok_or("after")?;
        assert_eq!(b.moved(), x != y, "{}", b.id);
        assert_eq!(b.score.before.as_deref(), Some(x.score.as_str()));
        assert_eq!(b.score.after.as_deref(), Some(y.score.as_str()));
    }
    // The local bodies are a separate group: nothing moved.
    assert!(d
        .bodies
        .iter()
        .filter(|b| b.id.starts_with("AKM"))
        .all(|b| !b.moved()));
    Ok(())
}

#[test]
fn moved_bodies_wait_for_the_administrators_recorded_decision() -> R {
    let clock = FixedClock::at_date(ymd(2024, 3, 20));
    let mut c = cycle_2023(
        &clock,
        &[
            ("MJ", Group::Central),
            ("MO", Group::Central),
            ("MID", Group::Central),
        ],
    )?;
    let (r1, r2) = (hash(0x11), hash(0x22));
    let err = c
        .apply(
            &clock,
            admin(),
            Action::RecordRun {
                run: r1.clone(),
                previous: None,
                moved_others: vec![],
            },
        )
        .err()
        .ok_or("a run before the data")?;
    assert!(
        err.to_string().contains("данные оценки не загружены"),
        "{err}"
    );
    // A source naming a folder, or a file without a content hash, is refused.
    for (name, sha) in [
        ("../bodies.csv", hash(0x55)),
        ("data/bodies.csv", hash(0x55)),
        (".hidden", hash(0x55)),
        ("bodies.csv", "55".repeat(32)),
    ] {
        let err = c
            .apply(
                &clock,
                admin(),
                Action::ImportData {
                    snapshot: hash(0x33),
                    edition: ED.into(),
                    edition_hash: hash(0x44),
                    source: Some(DataSource {
                        kind: SourceKind::Dataset,
                        files: vec![SourceFile {
                            name: name.into(),
                            sha256: sha.clone(),
                            size: 1,
                        }],
                        base: None,
                        evidence: vec![],
                    }),
                },
            )
            .err()
            .ok_or(format!("a source file «{name}» {sha} accepted"))?;
        assert!(
            err.to_string().contains("недопустимое имя файла")
                || err.to_string().contains("не хеш содержимого"),
            "{err}"
        );
    }
    c.apply(
        &clock,
        admin(),
        Action::ImportData {
            snapshot: hash(0x33),
            edition: ED.into(),
            edition_hash: hash(0x44),
            source: Some(DataSource {
                kind: SourceKind::Form,
                files: vec![SourceFile {
                    name: "форма.xlsx".into(),
                    sha256: hash(0x55),
                    size: 1,
                }],
                base: None,
                evidence: vec![hash(0x55)],
            }),
        },
    )?;
    assert_eq!(c.snapshot().map(|s| s.data.clone()), Some(hash(0x33)));
    c.apply(
        &clock,
        admin(),
        Action::RecordRun {
            run: r1.clone(),
            previous: None,
            moved_others: vec![],
        },
    )?;
    // Only the administrator records runs; a new run must name the one it replaces.
    let err = c
        .apply(
            &clock,
            evaluator(AGENCY_2023, "Иванов"),
            Action::RecordRun {
                run: r2.clone(),
                previous: Some(r1.clone()),
                moved_others: vec![],
            },
        )
        .err()
        .ok_or("an evaluator recorded a run")?;
    assert!(matches!(err, CycleError::WrongOrganisation { .. }), "{err}");
    let err = c
        .apply(
            &clock,
            admin(),
            Action::RecordRun {
                run: r2.clone(),
                previous: None,
                moved_others: vec!["MO".into()],
            },
        )
        .err()
        .ok_or("a run without its predecessor")?;
    assert!(err.to_string().contains("предыдущий расчёт"), "{err}");
    c.apply(
        &clock,
        admin(),
        Action::RecordRun {
            run: r2.clone(),
            previous: Some(r1.clone()),
            moved_others: vec!["MO".into(), "MID".into()],
        },
    )?;
    assert_eq!(c.undecided_moved(), ["MO", "MID"]);
    // After the first run the data is corrected only by decisions and facts.
    let err = c
        .apply(
            &clock,
            admin(),
            Action::ImportData {
                snapshot: hash(0x55),
                edition: ED.into(),
                edition_hash: hash(0x44),
                source: None,
            },
        )
        .err()
        .ok_or("re-imported after a run")?;
    assert!(
        err.to_string().contains("после него данные исправляются"),
        "{err}"
    );
    // No silent default: publication and submission are refused until the decision.
    open_until(&mut c, &clock, "submission")?;
    let err = c
        .apply(
            &clock,
            evaluator(AGENCY_2023, "Руководитель"),
            Action::SubmitResults {
                direction: "services".into(),
                body: None,
            },
        )
        .err()
        .ok_or("submitted without a decision")?;
    assert!(err.to_string().contains("MO, MID"), "{err}");
    // A body moved but not yet decided cannot be sent a corrected conclusion.
    let issue = |b: &str| Action::IssueCorrectedConclusion {
        body: b.into(),
        direction: "services".into(),
        run: r2.clone(),
        document: hash(9),
    };
    assert!(c.apply(&clock, admin(), issue("MO")).is_err());
    // The decision must name every moved body exactly once, with reasons.
    let decide = |send: &[&str], keep: &[&str], why: &str| Action::DecideCorrectedConclusions {
        run: r2.clone(),
        send_to: send.iter().map(|s| s.to_string()).collect(),
        withheld: keep.iter().map(|s| s.to_string()).collect(),
        reasons: why.into(),
    };
    assert!(c
        .apply(&clock, admin(), decide(&["MO"], &[], "п.65"))
        .is_err());
    assert!(c
        .apply(&clock, admin(), decide(&["MO", "MID"], &["MID"], "п.65"))
        .is_err());
    assert!(c
        .apply(&clock, admin(), decide(&["MO"], &["MID"], " "))
        .is_err());
    c.apply(
        &clock,
        admin(),
        decide(&["MO"], &["MID"], "Изменилась степень эффективности МО"),
    )?;
    assert!(c.undecided_moved().is_empty());
    c.apply(&clock, admin(), issue("MO"))?;
    assert!(c.apply(&clock, admin(), issue("MO")).is_err(), "sent twice");
    let err = c
        .apply(&clock, admin(), issue("MID"))
        .err()
        .ok_or("withheld body sent")?;
    assert!(err.to_string().contains("MID"), "{err}");
    // MJ never objected: no corrected conclusion either.
    assert!(c.apply(&clock, admin(), issue("MJ")).is_err());
    c.apply(
        &clock,
        evaluator(AGENCY_2023, "Руководитель"),
        Action::SubmitResults {
            direction: "services".into(),
            body: None,
        },
    )?;
    // The events replay (the new actions serialise and check again).
    let json = serde_json::to_string(c.events())?;
    let events: Vec<bagalau_cycle::Event> = serde_json::from_str(&json)?;
    let again = bagalau_cycle::Cycle::replay(
        context(vec![
            edition(ED),
            edition("2021-operational-2023-publication"),
        ]),
        &events,
    )?;
    assert_eq!(again.runs(), c.runs());
    Ok(())
}

/// Facts of re-verification name a penalty item whose facts are one input of the body (2014:
/// `recon_unreliable_facts`); an item computed by a formula is refused with the formula.
#[test]
fn facts_of_reverification_name_penalty_items_counted_from_an_input() -> R {
    let clock = FixedClock::at_date(ymd(2015, 1, 9));
    let mut c = cycle_2014(&clock, &[("MZ", Group::Central)])?;
    open_until(&mut c, &clock, "reverification")?;
    let facts = |item: &str| Action::RecordFacts {
        body: "MZ".into(),
        direction: "public_services".into(),
        description: "2 факта недостоверных сведений".into(),
        penalties: vec![bagalau_cycle::PenaltyFacts {
            item: item.into(),
            count: 2,
        }],
    };
    let who = evaluator(AGENCY_2014, "Иванов");
    c.apply(
        &clock,
        who.clone(),
        Action::SelectForReverification {
            body: "MZ".into(),
            direction: "public_services".into(),
            reason: "риск".into(),
        },
    )?;
    let err = c
        .apply(&clock, who.clone(), facts("monitoring"))
        .err()
        .ok_or("a formula item took facts")?;
    assert!(err.to_string().contains("monitoring_late_entries"), "{err}");
    let err = c
        .apply(&clock, who.clone(), facts("nonexistent"))
        .err()
        .ok_or("unknown item")?;
    assert!(err.to_string().contains("нет пункта вычетов"), "{err}");
    c.apply(&clock, who, facts("unreliable"))?;
    let ed = edition("2014-services");
    assert_eq!(
        bagalau_cycle::penalty_input(&ed, "unreliable"),
        Ok("recon_unreliable_facts")
    );
    assert_eq!(c.penalty_facts("MZ").len(), 1);
    Ok(())
}
