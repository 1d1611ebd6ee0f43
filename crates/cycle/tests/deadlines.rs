//! Objection windows counted with the real calendar from the recorded receipt of a conclusion:
//! the last allowed day is accepted, the next day refused with both dates. 2023 cycle (2021
//! methodology as amended in 2023: five working days, reconstructed from 2014 п.60), events in
//! 2024–2025. Every date below is worked by hand from the Law on holidays and the transfer acts
//! (docs/CALENDAR.md).

mod common;

use bagalau_cycle::{Action, CycleError, FixedClock};
use bagalau_methodology::Group;
use chrono::NaiveDate;
use common::*;

/// Receipt on `received`; an objection on `last` is accepted, one on `next` refused with
/// «срок истёк <last>: 5 рабочих дней со дня <received>; <next> — после срока».
fn window(received: NaiveDate, last: NaiveDate, next: NaiveDate) -> R {
    let clock = FixedClock::at_date(ymd(2024, 1, 10));
    let mut c = cycle_2023(&clock, &[("MZ", Group::Central)])?;
    open_until(&mut c, &clock, "appeal")?;
    issue_and_receive(
        &mut c,
        &clock,
        AGENCY_2023,
        "Иванов",
        "MZ",
        "services",
        received,
    )?;
    assert_eq!(
        c.deadline("MZ", "services", "objections")?
            .map(|d| d.last_day),
        Some(last)
    );

    let mut late = c.clone();
    clock.set_date(next);
    let err = late
        .apply(
            &clock,
            body("MZ"),
            objection_to("MZ", "services", "svc_violations"),
        )
        .err()
        .ok_or("a late objection was accepted")?;
    assert!(matches!(err, CycleError::Late { .. }), "{err}");
    let msg = err.to_string();
    let expected = format!(
        "«направление возражений» отклонено: срок истёк {}: 5 рабочих дней со дня {}; {} — после срока",
        calendar::ru_date(last),
        calendar::ru_date(received),
        calendar::ru_date(next)
    );
    assert!(msg.starts_with(&expected), "{msg}\n{expected}");
    // The 2023 rule is reconstructed (no paragraph of the act): no project source in the message.
    assert!(msg.ends_with("(процедура редакции)"), "{msg}");
    // Late too for the notice of no objections (п.60: the same five days).
    assert!(matches!(
        late.apply(
            &clock,
            body("MZ"),
            Action::NotifyNoObjections {
                body: "MZ".into(),
                direction: "services".into()
            }
        ),
        Err(CycleError::Late { .. })
    ));
    // Listed as overdue on the next day, not on the last one.
    assert_eq!(late.overdue(next)?.len(), 1);
    assert!(late.overdue(last)?.is_empty());
    assert_eq!(late.open_items(last)?.len(), 1);

    clock.set_date(last);
    c.apply(
        &clock,
        body("MZ"),
        objection_to("MZ", "services", "svc_violations"),
    )?;
    assert!(c.overdue(next)?.iter().all(|d| d.code != "objections"));
    Ok(())
}

#[test]
fn across_nauryz() -> R {
    // Tue 19.03.2024: Wed 20 (1); Thu 21, Fri 22 Nauryz, Sat 23 Nauryz, Sun 24, Mon 25 the day
    // off moved from Saturday 23 (art. 5 of the Law); Tue 26 (2), Wed 27 (3), Thu 28 (4),
    // Fri 29 (5). Saturday 30 is late.
    window(ymd(2024, 3, 19), ymd(2024, 3, 29), ymd(2024, 3, 30))
}

#[test]
fn across_a_transferred_day_off() -> R {
    // Thu 02.05.2024: Fri 3 (1); Saturday 4 made a working day by the 2024 order (2); Sun 5;
    // Mon 6 (3); Tue 7 Defender's Day; Wed 8 the day off transferred from Saturday 4; Thu 9
    // Victory Day; Fri 10 (4); weekend; Mon 13 (5). Tuesday 14 is late.
    window(ymd(2024, 5, 2), ymd(2024, 5, 13), ymd(2024, 5, 14))
}

#[test]
fn across_new_year() -> R {
    // Fri 27.12.2024: Mon 30 (1), Tue 31 (2); Wed 1, Thu 2 January New Year; Fri 3 the day off
    // transferred from Sunday 5 (2025 order); Sat 4; Sunday 5 a working day (3); Mon 6 (4);
    // Tue 7 Orthodox Christmas; Wed 8 (5). Thursday 9 January 2025 is late.
    window(ymd(2024, 12, 27), ymd(2025, 1, 8), ymd(2025, 1, 9))
}

#[test]
fn ending_on_31_december() -> R {
    // Tue 24.12.2024: Wed 25 (1), Thu 26 (2), Fri 27 (3), weekend, Mon 30 (4), Tue 31 (5).
    // 1 January 2025 (a holiday) is late.
    window(ymd(2024, 12, 24), ymd(2024, 12, 31), ymd(2025, 1, 1))
}

#[test]
fn across_a_weekend() -> R {
    // Wed 11.09.2024: Thu 12 (1), Fri 13 (2), Sat 14, Sun 15, Mon 16 (3), Tue 17 (4), Wed 18
    // (5). Thursday 19 is late.
    window(ymd(2024, 9, 11), ymd(2024, 9, 18), ymd(2024, 9, 19))
}

/// Objections received Fri 29.03.2024; the disagreement table within five working days
/// (Mon 1 … Fri 5 April); the commission's decision within fifteen calendar days (30.03 is day
/// 1, 13.04 — a Saturday — day 15, not moved: roll_to_working_day = false).
#[test]
fn table_in_working_days_decision_in_calendar_days() -> R {
    let clock = FixedClock::at_date(ymd(2024, 1, 10));
    let mut c = cycle_2023(&clock, &[("MZ", Group::Central)])?;
    open_until(&mut c, &clock, "appeal")?;
    issue_and_receive(
        &mut c,
        &clock,
        AGENCY_2023,
        "Иванов",
        "MZ",
        "services",
        ymd(2024, 3, 27),
    )?;
    clock.set_date(ymd(2024, 3, 29));
    c.apply(
        &clock,
        body("MZ"),
        objection_to("MZ", "services", "svc_violations"),
    )?;

    let table = c
        .deadline("MZ", "services", "disagreement_table")?
        .ok_or("table")?;
    assert_eq!(table.last_day, ymd(2024, 4, 5));
    let decision = c
        .deadline("MZ", "services", "decision")?
        .ok_or("decision")?;
    assert_eq!(decision.last_day, ymd(2024, 4, 13));
    assert_eq!(decision.period.to_string(), "15 календарных дней");

    // Overdue on Monday 8 April: the table (due 05.04), not yet the decision (due 13.04).
    let overdue = c.overdue(ymd(2024, 4, 8))?;
    assert_eq!(
        overdue.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        ["disagreement_table"]
    );
    assert!(overdue[0]
        .to_string()
        .contains("до 05.04.2024 включительно"));

    let mut late = c.clone();
    clock.set_date(ymd(2024, 4, 8));
    let err = late
        .apply(
            &clock,
            evaluator(AGENCY_2023, "Иванов"),
            Action::FormDisagreementTable {
                body: "MZ".into(),
                direction: "services".into(),
            },
        )
        .err()
        .ok_or("late table accepted")?;
    assert!(err.to_string().contains(
        "срок истёк 05.04.2024: 5 рабочих дней со дня 29.03.2024; 08.04.2024 — после срока"
    ));

    clock.set_date(ymd(2024, 4, 5));
    c.apply(
        &clock,
        evaluator(AGENCY_2023, "Иванов"),
        Action::FormDisagreementTable {
            body: "MZ".into(),
            direction: "services".into(),
        },
    )?;
    let members: Vec<_> = ["Ахметов", "Бекова", "Ким", "Омаров", "Смагулова"]
        .iter()
        .map(|p| bagalau_cycle::Member {
            person: p.to_string(),
            organisation: AGENCY_2023.into(),
        })
        .collect();
    c.apply(
        &clock,
        evaluator(AGENCY_2023, "Руководитель"),
        Action::NameCommission {
            direction: "services".into(),
            members,
        },
    )?;
    let decide = || Action::Decide {
        body: "MZ".into(),
        direction: "services".into(),
        objection: 0,
        decision: bagalau_cycle::Decision {
            outcome: bagalau_cycle::Outcome::Rejected,
            reasons: "Отзыв заявок не подтверждён данными ИС".into(),
        },
    };
    let mut late = c.clone();
    clock.set_date(ymd(2024, 4, 14));
    let err = late
        .apply(&clock, commission("Ким"), decide())
        .err()
        .ok_or("late decision accepted")?;
    assert!(err
        .to_string()
        .contains("срок истёк 13.04.2024: 15 календарных дней со дня 29.03.2024; 14.04.2024 — после срока"), "{err}");
    clock.set_date(ymd(2024, 4, 13));
    c.apply(&clock, commission("Ким"), decide())?;
    Ok(())
}

/// The extension of a calendar-day period to a working day is the edition's choice, not code:
/// the same cycle with `roll_to_working_day = true` ends the decision period on Monday 15.04.
#[test]
fn rolling_a_calendar_period_is_read_from_the_edition() -> R {
    let mut ed = (*edition("2021-operational-2023-june")).clone();
    let p = ed.procedure.as_mut().ok_or("procedure")?;
    for d in &mut p.deadlines {
        if d.code == "decision" {
            d.roll_to_working_day = true;
        }
    }
    let clock = FixedClock::at_date(ymd(2024, 1, 10));
    let def = {
        let c = cycle_2023(&clock, &[("MZ", Group::Central)])?;
        c.definition().ok_or("definition")?.clone()
    };
    let mut c = bagalau_cycle::Cycle::create(
        context(vec![
            std::sync::Arc::new(ed),
            edition("2021-operational-2023-publication"),
        ]),
        &clock,
        admin(),
        def,
    )?;
    open_until(&mut c, &clock, "appeal")?;
    issue_and_receive(
        &mut c,
        &clock,
        AGENCY_2023,
        "Иванов",
        "MZ",
        "services",
        ymd(2024, 3, 27),
    )?;
    clock.set_date(ymd(2024, 3, 29));
    c.apply(
        &clock,
        body("MZ"),
        objection_to("MZ", "services", "svc_violations"),
    )?;
    let decision = c
        .deadline("MZ", "services", "decision")?
        .ok_or("decision")?;
    assert_eq!(decision.last_day, ymd(2024, 4, 15));
    Ok(())
}
