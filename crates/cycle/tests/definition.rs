//! A cycle's definition is checked against its editions when it is created.

mod common;

use bagalau_cycle::{
    BodyDef, Cycle, CycleDefinition, CycleError, DirectionState, FixedClock, PlannedStage, Schedule,
};
use bagalau_methodology::Group;
use common::*;

fn def() -> CycleDefinition {
    CycleDefinition {
        period: 2014,
        block: "interaction".into(),
        directions: vec![DirectionState {
            direction: "public_services".into(),
            edition: "2014-services".into(),
        }],
        schedule: Schedule {
            reporting_deadline: ymd(2015, 2, 15),
            stage_ends: vec![],
        },
        bodies: vec![BodyDef {
            id: "MF".into(),
            name: "Министерство финансов".into(),
            group: Group::Central,
        }],
    }
}

fn refused(d: CycleDefinition, words: &str) -> R {
    let clock = FixedClock::at_date(ymd(2015, 1, 12));
    let ctx = context(vec![edition("2014-services"), edition("2017-services")]);
    let err = Cycle::create(ctx, &clock, admin(), d)
        .err()
        .ok_or("created")?;
    assert!(err.to_string().contains(words), "{err}");
    Ok(())
}

#[test]
fn definitions_that_do_not_fit_their_editions_are_refused() -> R {
    let mut d = def();
    d.period = 2015;
    d.schedule.reporting_deadline = ymd(2016, 2, 15);
    refused(d, "не применяется к оценке за 2015 год")?;

    let mut d = def();
    d.directions[0].direction = "openness".into();
    refused(d, "нет направления «openness»")?;

    let mut d = def();
    d.directions[0].edition = "2099-none".into();
    refused(d, "редакция «2099-none» не передана циклу")?;

    // The 2017 edition has no procedure.toml: a cycle cannot run on it.
    let mut d = def();
    d.period = 2017;
    d.schedule.reporting_deadline = ymd(2018, 2, 15);
    d.directions[0].edition = "2017-services".into();
    let clock = FixedClock::at_date(ymd(2018, 1, 12));
    let err = Cycle::create(context(vec![edition("2017-services")]), &clock, admin(), d)
        .err()
        .ok_or("created")?;
    assert!(matches!(err, CycleError::NoProcedure(_)), "{err}");

    // For 2023 the state from publication is not the one: it governs the evaluation for 2022.
    let clock = FixedClock::at_date(ymd(2024, 1, 12));
    let mut d = def();
    d.period = 2023;
    d.schedule.reporting_deadline = ymd(2024, 2, 15);
    d.directions[0] = DirectionState {
        direction: "services".into(),
        edition: "2021-operational-2023-publication".into(),
    };
    let err = Cycle::create(
        context(vec![edition("2021-operational-2023-publication")]),
        &clock,
        admin(),
        d,
    )
    .err()
    .ok_or("created")?;
    assert!(
        err.to_string()
            .contains("не применяется к оценке за 2023 год"),
        "{err}"
    );

    let mut d = def();
    d.bodies.push(d.bodies[0].clone());
    refused(d, "орган «MF» указан дважды")?;

    let mut d = def();
    d.schedule.reporting_deadline = ymd(2014, 12, 31);
    refused(
        d,
        "должен приходиться на год, следующий за оцениваемым 2014",
    )?;

    let mut d = def();
    d.schedule.stage_ends = vec![PlannedStage {
        stage: "hearing".into(),
        until: ymd(2015, 3, 1),
    }];
    refused(d, "неизвестный этап «hearing»")?;

    let mut d = def();
    d.schedule.stage_ends = vec![
        PlannedStage {
            stage: "appeal".into(),
            until: ymd(2015, 3, 1),
        },
        PlannedStage {
            stage: "collection".into(),
            until: ymd(2015, 3, 2),
        },
    ];
    refused(
        d,
        "этап «appeal» заканчивается 01.03.2015 — раньше предыдущего этапа (02.03.2015)",
    )?;
    Ok(())
}
