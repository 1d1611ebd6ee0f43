//! The special commission (2014 п.61: at least five people who took no part in evaluating the
//! bodies that objected) and its decisions (п.65: reasoned; п.66: final).

mod common;

use bagalau_cycle::{
    Action, CorrectedInput, Cycle, CycleError, Decision, FixedClock, Member, Outcome,
};
use bagalau_methodology::Group;
use common::*;

const DIR: &str = "public_services";

fn members(names: &[&str]) -> Vec<Member> {
    names
        .iter()
        .map(|p| Member {
            person: p.to_string(),
            organisation: AGENCY_2014.into(),
        })
        .collect()
}

fn name(c: &mut Cycle, clock: &FixedClock, names: &[&str]) -> Result<(), CycleError> {
    c.apply(
        clock,
        evaluator(AGENCY_2014, "Председатель"),
        Action::NameCommission {
            direction: DIR.into(),
            members: members(names),
        },
    )
    .map(|_| ())
}

fn table(c: &mut Cycle, clock: &FixedClock, id: &str) -> Result<(), CycleError> {
    c.apply(
        clock,
        evaluator(AGENCY_2014, "Иванов"),
        Action::FormDisagreementTable {
            body: id.into(),
            direction: DIR.into(),
        },
    )
    .map(|_| ())
}

fn decide(body: &str, decision: Decision) -> Action {
    Action::Decide {
        body: body.into(),
        direction: DIR.into(),
        objection: 0,
        decision,
    }
}

fn rejected(reasons: &str) -> Decision {
    Decision {
        outcome: Outcome::Rejected,
        reasons: reasons.into(),
    }
}

/// Two bodies: MIO_A evaluated by Иванов (with «Иванов (помощник)»), MIO_B by Сидоров. MIO_A
/// receives its conclusion on Mon 02.03.2015 and objects on Wed 04.03; the table is formed the
/// same day. MIO_B receives on Thu 05.03.2015 (its window: 6, 10, 11, 12, 13 March — 9 March is
/// the day off moved from Sunday 8 March).
fn setup() -> Result<(Cycle, FixedClock), CycleError> {
    let clock = FixedClock::at_date(ymd(2015, 1, 12));
    let mut c = cycle_2014(&clock, &[("MIO_A", Group::Local), ("MIO_B", Group::Local)])?;
    open_until(&mut c, &clock, "appeal")?;
    issue_and_receive(
        &mut c,
        &clock,
        AGENCY_2014,
        "Иванов",
        "MIO_A",
        DIR,
        ymd(2015, 3, 2),
    )?;
    clock.set_date(ymd(2015, 3, 4));
    c.apply(
        &clock,
        body("MIO_A"),
        objection_to("MIO_A", DIR, "services_delivered"),
    )?;
    table(&mut c, &clock, "MIO_A")?;
    issue_and_receive(
        &mut c,
        &clock,
        AGENCY_2014,
        "Сидоров",
        "MIO_B",
        DIR,
        ymd(2015, 3, 5),
    )?;
    Ok((c, clock))
}

#[test]
fn a_commission_of_four_is_refused() -> R {
    let (mut c, clock) = setup()?;
    let err = name(&mut c, &clock, &["Ахметов", "Бекова", "Ким", "Омаров"])
        .err()
        .ok_or("four accepted")?;
    assert!(matches!(err, CycleError::CommissionTooSmall { .. }));
    assert_eq!(
        err.to_string(),
        "в специальную комиссию названо 4 чел., а по п.61 — не менее 5"
    );
    assert!(c.commission(DIR).is_none());
    name(
        &mut c,
        &clock,
        &["Ахметов", "Бекова", "Ким", "Омаров", "Смагулова"],
    )?;
    assert_eq!(c.commission(DIR).map(<[Member]>::len), Some(5));
    Ok(())
}

#[test]
fn a_member_who_evaluated_the_objecting_body_is_refused() -> R {
    let (mut c, clock) = setup()?;
    // The assistant named in the conclusion took part in evaluating MIO_A.
    let err = name(
        &mut c,
        &clock,
        &["Ахметов", "Бекова", "Ким", "Омаров", "Иванов (помощник)"],
    )
    .err()
    .ok_or("accepted")?;
    assert!(matches!(err, CycleError::MemberEvaluatedBody { .. }));
    assert_eq!(
        err.to_string(),
        "Иванов (помощник) участвовал(а) в оценке органа «MIO_A» и не может рассматривать его возражения (п.61)"
    );
    // Сидоров evaluated MIO_B, which has not objected (yet): he may be named…
    name(
        &mut c,
        &clock,
        &["Ахметов", "Бекова", "Ким", "Омаров", "Сидоров"],
    )?;
    // …but when MIO_B objects, he may not decide on its objections.
    clock.set_date(ymd(2015, 3, 13));
    c.apply(
        &clock,
        body("MIO_B"),
        objection_to("MIO_B", DIR, "services_delivered"),
    )?;
    table(&mut c, &clock, "MIO_B")?;
    let err = c
        .apply(
            &clock,
            commission("Сидоров"),
            decide("MIO_B", rejected("Нет оснований")),
        )
        .err()
        .ok_or("accepted")?;
    assert!(
        matches!(err, CycleError::MemberEvaluatedBody { .. }),
        "{err}"
    );
    c.apply(
        &clock,
        commission("Ким"),
        decide("MIO_B", rejected("Нет оснований")),
    )?;
    // A person outside the commission may not decide at all.
    let err = c
        .apply(
            &clock,
            commission("Посторонний"),
            decide("MIO_A", rejected("—")),
        )
        .err()
        .ok_or("accepted")?;
    assert!(
        err.to_string().contains("член специальной комиссии"),
        "{err}"
    );
    Ok(())
}

#[test]
fn decisions_are_reasoned_carry_corrected_inputs_and_are_final() -> R {
    let (mut c, clock) = setup()?;
    name(
        &mut c,
        &clock,
        &["Ахметов", "Бекова", "Ким", "Омаров", "Смагулова"],
    )?;
    let err = c
        .apply(&clock, commission("Ким"), decide("MIO_A", rejected("  ")))
        .err()
        .ok_or("unreasoned decision accepted")?;
    assert!(err.to_string().contains("обоснованным"), "{err}");
    let accepted = |corrected: Vec<CorrectedInput>| {
        decide(
            "MIO_A",
            Decision {
                outcome: Outcome::Accepted { corrected },
                reasons: "Отзыв заявок подтверждён письмами услугополучателей".into(),
            },
        )
    };
    let err = c
        .apply(&clock, commission("Ким"), accepted(vec![]))
        .err()
        .ok_or("accepted without inputs")?;
    assert!(
        err.to_string().contains("исправленные входные данные"),
        "{err}"
    );
    let err = c
        .apply(
            &clock,
            commission("Ким"),
            accepted(vec![CorrectedInput {
                input: "no_such_input".into(),
                value: "1".into(),
            }]),
        )
        .err()
        .ok_or("unknown input accepted")?;
    assert!(
        err.to_string()
            .contains("нет входных данных «no_such_input»"),
        "{err}"
    );
    // A row-table input cannot be corrected by a decision (it is final and must be applicable).
    let err = c
        .apply(
            &clock,
            commission("Ким"),
            accepted(vec![CorrectedInput {
                input: "satisfaction".into(),
                value: "80".into(),
            }]),
        )
        .err()
        .ok_or("a table input corrected")?;
    assert!(err.to_string().contains("по строкам таблицы"), "{err}");
    c.apply(
        &clock,
        commission("Ким"),
        accepted(vec![CorrectedInput {
            input: "services_delivered".into(),
            value: "1 234,5".into(),
        }]),
    )?;
    let err = c
        .apply(
            &clock,
            commission("Омаров"),
            decide("MIO_A", rejected("Пересмотр")),
        )
        .err()
        .ok_or("a final decision changed")?;
    assert_eq!(
        err.to_string(),
        "решение по возражению № 1 органа «MIO_A» уже принято и является окончательным (п.65, п.66)"
    );
    let (o, d) = c.objections("MIO_A", DIR)[0];
    assert_eq!(o.evidence, [hash(7)]);
    assert!(matches!(
        d.map(|d| &d.outcome),
        Some(Outcome::Accepted { .. })
    ));
    Ok(())
}

#[test]
fn the_commission_decides_only_on_a_formed_table() -> R {
    let (mut c, clock) = setup()?;
    name(
        &mut c,
        &clock,
        &["Ахметов", "Бекова", "Ким", "Омаров", "Смагулова"],
    )?;
    clock.set_date(ymd(2015, 3, 6));
    c.apply(
        &clock,
        body("MIO_B"),
        objection_to("MIO_B", DIR, "services_delivered"),
    )?;
    let err = c
        .apply(
            &clock,
            commission("Ким"),
            decide("MIO_B", rejected("Нет оснований")),
        )
        .err()
        .ok_or("accepted")?;
    assert!(
        err.to_string()
            .contains("таблица разногласий не сформирована"),
        "{err}"
    );
    Ok(())
}

/// Who evaluates whom comes from the edition: for a local body the Agency (direction) and the
/// Ministry for Investment and Development (M3 P2, 2014 п.9 and п.33) both take part — п.62 has
/// the table formed «Агентством и Министерством»; an unrelated ministry may not.
#[test]
fn the_evaluators_of_a_body_are_the_editions() -> R {
    let (mut c, clock) = setup()?;
    const MIR: &str = "Министерство по инвестициям и развитию Республики Казахстан";
    clock.set_date(ymd(2015, 3, 6));
    c.apply(
        &clock,
        body("MIO_B"),
        objection_to("MIO_B", DIR, "services_delivered"),
    )?;
    let err = c
        .apply(
            &clock,
            evaluator("Министерство финансов Республики Казахстан", "Нуров"),
            Action::FormDisagreementTable {
                body: "MIO_B".into(),
                direction: DIR.into(),
            },
        )
        .err()
        .ok_or("accepted")?;
    assert!(matches!(err, CycleError::WrongOrganisation { .. }));
    assert!(
        err.to_string()
            .contains(&format!("только «{AGENCY_2014}» или «{MIR}»")),
        "{err}"
    );
    c.apply(
        &clock,
        evaluator(MIR, "Нуров"),
        Action::FormDisagreementTable {
            body: "MIO_B".into(),
            direction: DIR.into(),
        },
    )?;
    // The commission is formed in the Agency (п.61): the Ministry may not name it.
    let err = c
        .apply(
            &clock,
            evaluator(MIR, "Нуров"),
            Action::NameCommission {
                direction: DIR.into(),
                members: members(&["Ахметов", "Бекова", "Ким", "Омаров", "Смагулова"]),
            },
        )
        .err()
        .ok_or("accepted")?;
    assert!(matches!(err, CycleError::WrongOrganisation { .. }), "{err}");
    Ok(())
}
