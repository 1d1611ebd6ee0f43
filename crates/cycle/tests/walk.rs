//! A whole 2023 cycle walked from creation to publication with a fake clock: three directions
//! under the state from 1 June 2023, their evaluators and the п.5 exceptions, a body reorganised in the second half
//! of the year, a late objection refused, an objection upheld, п.118 — and the event list
//! replayed into the same state.

mod common;

use bagalau_cycle::{
    Action, Actor, CorrectedInput, Cycle, CycleError, Decision, FixedClock, Member, Outcome, Party,
};
use bagalau_methodology::Group;
use common::*;

const PA: &str = "Администрация Президента Республики Казахстан";
const COMMITTEE: &str =
    "Комитет по правовой статистике и специальным учетам Генеральной прокуратуры Республики Казахстан";

const BODIES: [(&str, Group); 5] = [
    ("MZ", Group::Central),
    ("GP", Group::Central),
    ("MIOR", Group::Central),
    ("AKM_ALMATY", Group::Local),
    ("OLD_MIN", Group::Central),
];

/// Who evaluates each evaluated body in each direction (edition.toml, п.5 of the 2023 order),
/// typed here independently of the edition.
fn evaluator_of(body: &str, direction: &str) -> &'static str {
    match (body, direction) {
        ("GP", _) => PA,
        ("MIOR", "openness") => GOV_OFFICE,
        (_, "services") => AGENCY_2023,
        (_, "complaints") => COMMITTEE,
        _ => MIOR,
    }
}

const DIRECTIONS: [&str; 3] = ["services", "complaints", "openness"];
const EVALUATED: [&str; 4] = ["MZ", "GP", "MIOR", "AKM_ALMATY"];

#[test]
fn a_whole_cycle_from_creation_to_publication() -> R {
    let clock = FixedClock::at_date(ymd(2024, 1, 9));
    let mut c = cycle_2023(&clock, &BODIES)?;
    assert_eq!(c.stage().map(|s| s.code.as_str()), Some("collection"));
    assert_eq!(
        c.allowed_actions(Party::EvaluatedBody),
        [bagalau_cycle::ActionCode::SubmitReporting]
    );

    // The schedule plans collection until 15.02.2024.
    assert!(c.stage_overdue(ymd(2024, 2, 15)).is_none());
    assert_eq!(
        c.stage_overdue(ymd(2024, 2, 16))
            .map(|(s, d)| (s.code.as_str(), d)),
        Some(("collection", ymd(2024, 2, 15)))
    );

    // Collection. OLD_MIN was reorganised on 1 September 2023 into MZ: second half of the year.
    clock.set_date(ymd(2024, 1, 22));
    c.apply(
        &clock,
        admin(),
        Action::RecordReorganisation {
            body: "OLD_MIN".into(),
            date: ymd(2023, 9, 1),
            successor: Some("MZ".into()),
        },
    )?;
    for b in EVALUATED {
        c.apply(
            &clock,
            body(b),
            Action::SubmitReporting {
                body: b.into(),
                form: None,
            },
        )?;
    }
    let err = c
        .apply(
            &clock,
            body("OLD_MIN"),
            Action::SubmitReporting {
                body: "OLD_MIN".into(),
                form: None,
            },
        )
        .err()
        .ok_or("a body not evaluated reported")?;
    assert!(matches!(err, CycleError::NotEvaluated { .. }), "{err}");
    // A body may not report for another.
    let err = c
        .apply(
            &clock,
            body("GP"),
            Action::SubmitReporting {
                body: "MZ".into(),
                form: None,
            },
        )
        .err()
        .ok_or("accepted")?;
    assert!(matches!(err, CycleError::WrongOrganisation { .. }), "{err}");

    // Re-verification, chosen by risk.
    clock.set_date(ymd(2024, 2, 20));
    let err = c
        .apply(
            &clock,
            admin(),
            Action::OpenStage {
                stage: "appeal".into(),
            },
        )
        .err()
        .ok_or("a stage skipped")?;
    assert!(matches!(err, CycleError::StageOrder { .. }), "{err}");
    open_until(&mut c, &clock, "reverification")?;
    c.apply(
        &clock,
        evaluator(AGENCY_2023, "Иванов"),
        Action::SelectForReverification {
            body: "AKM_ALMATY".into(),
            direction: "services".into(),
            reason: "резкое снижение числа нарушений сроков по сравнению с 2022 годом".into(),
        },
    )?;
    c.apply(
        &clock,
        evaluator(AGENCY_2023, "Иванов"),
        Action::RecordFacts {
            body: "AKM_ALMATY".into(),
            direction: "services".into(),
            description: "3 факта недостоверных сведений в отчёте (акт сверки)".into(),
            penalties: vec![],
        },
    )?;

    // Conclusions: issued and received on Monday 4 March 2024. Objection window: Tue 5 (1),
    // Wed 6 (2), Thu 7 (3), Fri 8 Women's Day, weekend, Mon 11 (4), Tue 12 (5).
    clock.set_date(ymd(2024, 3, 1));
    open_until(&mut c, &clock, "appeal")?;
    let err = c
        .apply(
            &clock,
            evaluator(AGENCY_2023, "Иванов"),
            Action::IssueConclusion {
                body: "GP".into(),
                direction: "services".into(),
                document: hash(2),
                prepared_by: vec![],
            },
        )
        .err()
        .ok_or("the Agency evaluated the General Prosecutor's Office")?;
    assert!(err.to_string().contains(PA), "{err}");
    for b in EVALUATED {
        for dir in DIRECTIONS {
            let person = format!("эксперт {}", evaluator_of(b, dir).len() % 7);
            issue_and_receive(
                &mut c,
                &clock,
                evaluator_of(b, dir),
                &person,
                b,
                dir,
                ymd(2024, 3, 4),
            )?;
        }
    }
    let window = c
        .deadline("MZ", "services", "objections")?
        .ok_or("window")?;
    assert_eq!(window.last_day, ymd(2024, 3, 12));

    // AKM_ALMATY has no objections; MZ objects to the timeliness input of services.
    clock.set_date(ymd(2024, 3, 5));
    for dir in DIRECTIONS {
        c.apply(
            &clock,
            body("AKM_ALMATY"),
            Action::NotifyNoObjections {
                body: "AKM_ALMATY".into(),
                direction: dir.into(),
            },
        )?;
    }
    clock.set_date(ymd(2024, 3, 7));
    c.apply(
        &clock,
        body("MZ"),
        objection_to("MZ", "services", "svc_violations"),
    )?;
    let err = c
        .apply(
            &clock,
            evaluator(AGENCY_2023, "Иванов"),
            objection_to("MZ", "services", "svc_violations"),
        )
        .err()
        .ok_or("an evaluator objected")?;
    assert!(matches!(err, CycleError::PartyNotAllowed { .. }), "{err}");

    // Table (5 working days from 07.03: Mon 11 is day 1) and the commission.
    clock.set_date(ymd(2024, 3, 11));
    c.apply(
        &clock,
        evaluator(AGENCY_2023, "Иванов"),
        Action::FormDisagreementTable {
            body: "MZ".into(),
            direction: "services".into(),
        },
    )?;
    let members = ["Ахметов", "Бекова", "Ким", "Омаров", "Смагулова"]
        .iter()
        .map(|p| Member {
            person: p.to_string(),
            organisation: AGENCY_2023.into(),
        })
        .collect();
    c.apply(
        &clock,
        evaluator(AGENCY_2023, "Председатель"),
        Action::NameCommission {
            direction: "services".into(),
            members,
        },
    )?;

    // The appeal stage cannot close while windows run and objections wait for decisions.
    clock.set_date(ymd(2024, 3, 12));
    let err = c
        .apply(
            &clock,
            admin(),
            Action::OpenStage {
                stage: "submission".into(),
            },
        )
        .err()
        .ok_or("closed with open items")?;
    let CycleError::OpenItems(items) = &err else {
        return Err(format!("{err}").into());
    };
    assert!(items.iter().any(|i| i.body == "MZ" && i.code == "decision"));
    assert!(items
        .iter()
        .any(|i| i.body == "GP" && i.code == "objections"));

    // GP objects on Wednesday 13 March: one day late.
    clock.set_date(ymd(2024, 3, 13));
    let err = c
        .apply(
            &clock,
            body("GP"),
            objection_to("GP", "openness", "dlg_blog_ru"),
        )
        .err()
        .ok_or("a late objection accepted")?;
    assert!(
        err.to_string().contains(
            "срок истёк 12.03.2024: 5 рабочих дней со дня 04.03.2024; 13.03.2024 — после срока"
        ),
        "{err}"
    );
    // Overdue on 13.03: the notices (or objections) of MZ (complaints, openness), GP and MIOR.
    let overdue = c.overdue(ymd(2024, 3, 13))?;
    assert_eq!(overdue.len(), 8, "{overdue:#?}");
    assert!(overdue.iter().all(|o| o.code == "objections"));

    // The commission upholds MZ's objection (decision due 22.03: 15 calendar days from 07.03).
    clock.set_date(ymd(2024, 3, 15));
    c.apply(
        &clock,
        commission("Ким"),
        Action::Decide {
            body: "MZ".into(),
            direction: "services".into(),
            objection: 0,
            decision: Decision {
                outcome: Outcome::Accepted {
                    corrected: vec![CorrectedInput {
                        input: "svc_violations".into(),
                        value: "12".into(),
                    }],
                },
                reasons: "Отзыв 30 заявок подтверждён данными ИС «Мониторинг»".into(),
            },
        },
    )?;
    c.apply(
        &clock,
        evaluator(AGENCY_2023, "Иванов"),
        Action::SendDecisions {
            body: "MZ".into(),
            direction: "services".into(),
        },
    )?;

    // Submission: the Government Office brings MIOR's openness conclusion to the Agency (п.118).
    clock.set_date(ymd(2024, 3, 20));
    open_until(&mut c, &clock, "submission")?;
    c.apply(
        &clock,
        evaluator(GOV_OFFICE, "Сотрудник АП"),
        Action::SubmitResults {
            direction: "openness".into(),
            body: Some("MIOR".into()),
        },
    )?;
    for dir in DIRECTIONS {
        let org = evaluator_of("MZ", dir);
        c.apply(
            &clock,
            evaluator(org, "Руководитель"),
            Action::SubmitResults {
                direction: dir.into(),
                body: None,
            },
        )?;
    }

    clock.set_date(ymd(2024, 6, 3));
    open_until(&mut c, &clock, "publication")?;
    // Deadlines missed during the year (GP's and MIOR's notices) are still overdue before
    // publication; publication closes the cycle: nothing is overdue or running after it
    // (issue 12: `cycle status` listed them after publication).
    assert!(!c.overdue(ymd(2024, 6, 3))?.is_empty());
    c.apply(&clock, admin(), Action::Publish)?;
    assert!(c.is_published());
    assert_eq!(c.overdue(ymd(2024, 6, 3))?, []);
    assert_eq!(c.open_items(ymd(2024, 6, 3))?, []);
    assert_eq!(c.overdue(ymd(2025, 1, 1))?, []);
    let err = c
        .apply(&clock, admin(), Action::Publish)
        .err()
        .ok_or("published twice")?;
    assert!(matches!(err, CycleError::Closed(_)));

    // Each event: who, when, what — in order, and the list replays into the same state.
    let events = c.events().to_vec();
    assert_eq!(events.first().map(|e| e.seq), Some(1));
    assert!(events
        .windows(2)
        .all(|w| w[0].at <= w[1].at && w[1].seq == w[0].seq + 1));
    let again = Cycle::replay(
        context(vec![
            edition("2021-operational-2023-june"),
            edition("2021-operational-2023-publication"),
        ]),
        &events,
    )?;
    assert_eq!(again.events(), c.events());
    assert_eq!(again.bodies(), c.bodies());
    assert!(again.is_published());
    let old = c
        .bodies()
        .into_iter()
        .find(|b| b.id == "OLD_MIN")
        .ok_or("OLD_MIN")?;
    assert!(!old.evaluated);
    Ok(())
}

/// A stored list altered to make a late objection look timely does not replay.
#[test]
fn a_tampered_event_list_does_not_replay() -> R {
    let clock = FixedClock::at_date(ymd(2024, 1, 9));
    let mut c = cycle_2023(&clock, &[("MZ", Group::Central)])?;
    open_until(&mut c, &clock, "appeal")?;
    issue_and_receive(
        &mut c,
        &clock,
        AGENCY_2023,
        "Иванов",
        "MZ",
        "services",
        ymd(2024, 3, 4),
    )?;
    clock.set_date(ymd(2024, 3, 12));
    c.apply(
        &clock,
        body("MZ"),
        objection_to("MZ", "services", "svc_violations"),
    )?;
    let ctx = || {
        context(vec![
            edition("2021-operational-2023-june"),
            edition("2021-operational-2023-publication"),
        ])
    };
    let mut events = c.events().to_vec();
    Cycle::replay(ctx(), &events)?;
    // The receipt moved back a week: the objection on 12.03 is now late.
    for e in &mut events {
        if let Action::RecordReceipt { received, .. } = &mut e.what {
            *received = ymd(2024, 2, 26);
        }
        if matches!(e.what, Action::IssueConclusion { .. }) {
            e.at = ymd(2024, 2, 26).and_hms_opt(9, 0, 0).ok_or("time")?;
        }
    }
    let err = Cycle::replay(ctx(), &events).err().ok_or("replayed")?;
    assert!(matches!(err, CycleError::Late { .. }), "{err}");
    // An event dropped from the middle breaks the sequence.
    let mut events = c.events().to_vec();
    events.remove(2);
    assert!(matches!(
        Cycle::replay(ctx(), &events),
        Err(CycleError::Sequence { .. })
    ));
    // Only the administrator creates a cycle.
    let err = bagalau_cycle::Cycle::create(
        ctx(),
        &clock,
        Actor::new(Party::EvaluatedBody, "MZ", "x"),
        c.definition().ok_or("def")?.clone(),
    )
    .err()
    .ok_or("created")?;
    assert!(matches!(err, CycleError::WrongOrganisation { .. }));
    Ok(())
}
