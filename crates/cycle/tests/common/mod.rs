//! Shared helpers: the real editions and calendar, actors, and a cycle brought to a stage.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use bagalau_cycle::{
    Action, Actor, BodyDef, Context, Cycle, CycleDefinition, CycleError, DirectionState,
    FixedClock, Objection, Party, PlannedStage, Schedule, Target,
};
use bagalau_methodology::{Edition, Group};
use calendar::Calendar;
use chrono::NaiveDate;

pub type R = Result<(), Box<dyn std::error::Error>>;

pub const AGENCY_2014: &str =
    "Агентство Республики Казахстан по делам государственной службы и противодействию коррупции";
pub const AGENCY_2023: &str = "Агентство Республики Казахстан по делам государственной службы";
pub const MIOR: &str = "Министерство информации и общественного развития Республики Казахстан";
pub const GOV_OFFICE: &str = "Аппарат Правительства Республики Казахстан";

pub fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub fn edition(id: &str) -> Arc<Edition> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../methodologies")
        .join(id);
    match bagalau_methodology::load(&dir) {
        Ok(e) => Arc::new(e),
        Err(e) => panic!("{id}: {e}"),
    }
}

pub fn context(editions: Vec<Arc<Edition>>) -> Context {
    Context {
        editions,
        calendar: Arc::new(Calendar::embedded().expect("calendar")),
    }
}

pub fn admin() -> Actor {
    Actor::new(Party::Administrator, "Администратор", "Админов")
}

pub fn evaluator(org: &str, person: &str) -> Actor {
    Actor::new(Party::AuthorizedBody, org, person)
}

pub fn body(id: &str) -> Actor {
    Actor::new(Party::EvaluatedBody, id, &format!("сотрудник {id}"))
}

pub fn commission(person: &str) -> Actor {
    Actor::new(Party::Commission, "Специальная комиссия", person)
}

pub fn hash(n: u8) -> String {
    format!("sha256:{}", format!("{n:02x}").repeat(32))
}

fn bodies(ids: &[(&str, Group)]) -> Vec<BodyDef> {
    ids.iter()
        .map(|(id, g)| BodyDef {
            id: id.to_string(),
            name: format!("Орган {id}"),
            group: *g,
        })
        .collect()
}

/// A 2014 cycle (the 2014 edition; reporting due 15.02.2015), created on `created`.
pub fn cycle_2014(clock: &FixedClock, ids: &[(&str, Group)]) -> Result<Cycle, CycleError> {
    let ed = edition("2014-services");
    Cycle::create(
        context(vec![ed]),
        clock,
        admin(),
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
            bodies: bodies(ids),
        },
    )
}

/// A 2023 cycle (carried out in 2024): every direction under the state from 1 June 2023, which
/// governs the evaluation for 2023; reporting due 15.02.2024.
pub fn cycle_2023(clock: &FixedClock, ids: &[(&str, Group)]) -> Result<Cycle, CycleError> {
    let june = edition("2021-operational-2023-june");
    let publication = edition("2021-operational-2023-publication");
    Cycle::create(
        // The state from publication governs 2022: passed, not chosen.
        context(vec![publication, june]),
        clock,
        admin(),
        CycleDefinition {
            period: 2023,
            block: "interaction".into(),
            directions: vec![
                DirectionState {
                    direction: "services".into(),
                    edition: "2021-operational-2023-june".into(),
                },
                DirectionState {
                    direction: "complaints".into(),
                    edition: "2021-operational-2023-june".into(),
                },
                DirectionState {
                    direction: "openness".into(),
                    edition: "2021-operational-2023-june".into(),
                },
            ],
            schedule: Schedule {
                reporting_deadline: ymd(2024, 2, 15),
                stage_ends: vec![
                    PlannedStage {
                        stage: "collection".into(),
                        until: ymd(2024, 2, 15),
                    },
                    PlannedStage {
                        stage: "appeal".into(),
                        until: ymd(2024, 4, 30),
                    },
                    PlannedStage {
                        stage: "publication".into(),
                        until: ymd(2024, 6, 28),
                    },
                ],
            },
            bodies: bodies(ids),
        },
    )
}

/// Opens the stages up to `stage` (by the administrator, at the clock's time).
pub fn open_until(c: &mut Cycle, clock: &FixedClock, stage: &str) -> Result<(), CycleError> {
    while c.stage().map(|s| s.code.as_str()) != Some(stage) {
        let next = c
            .procedure()
            .and_then(|p| {
                let cur = c.stage().map(|x| x.code.clone());
                let i = p
                    .stages
                    .iter()
                    .position(|s| Some(&s.code) == cur.as_ref())?;
                p.stages.get(i + 1)
            })
            .map(|s| s.code.clone())
            .ok_or_else(|| CycleError::Definition(format!("no stage {stage}")))?;
        c.apply(clock, admin(), Action::OpenStage { stage: next })?;
    }
    Ok(())
}

/// The evaluator issues the conclusion on `date` and the body's receipt the same day is recorded.
pub fn issue_and_receive(
    c: &mut Cycle,
    clock: &FixedClock,
    org: &str,
    person: &str,
    body_id: &str,
    direction: &str,
    date: NaiveDate,
) -> Result<(), CycleError> {
    clock.set_date(date);
    c.apply(
        clock,
        evaluator(org, person),
        Action::IssueConclusion {
            body: body_id.into(),
            direction: direction.into(),
            document: hash(1),
            prepared_by: vec![format!("{person} (помощник)")],
        },
    )?;
    c.apply(
        clock,
        body(body_id),
        Action::RecordReceipt {
            body: body_id.into(),
            direction: direction.into(),
            received: date,
        },
    )?;
    Ok(())
}

pub fn objection_to(body_id: &str, direction: &str, input: &str) -> Action {
    Action::Object {
        body: body_id.into(),
        direction: direction.into(),
        objections: vec![Objection {
            target: Target::Input(input.into()),
            text: "Количество нарушений завышено: часть заявок отозвана услугополучателями".into(),
            evidence: vec![hash(7)],
        }],
    }
}
