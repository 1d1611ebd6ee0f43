//! Reorganisation and abolition (2014 п.68–70): the consequence is read from the edition's
//! procedure for the window the date falls in. The 2014 cycle: period 2014, reporting data due
//! 15.02.2015 (the schedule).

mod common;

use std::sync::Arc;

use bagalau_cycle::{Action, BodyStatus, Cycle, CycleError, FixedClock};
use bagalau_methodology::procedure::{Evaluation, ReorganisationWindow};
use bagalau_methodology::Group;
use chrono::NaiveDate;
use common::*;

const BODIES: [(&str, Group); 3] = [
    ("MINTRANS", Group::Central),
    ("MID", Group::Central),
    ("AKM_ALMATY", Group::Local),
];

fn reorganise(
    c: &mut Cycle,
    clock: &FixedClock,
    date: NaiveDate,
    successor: Option<&str>,
) -> Result<(), CycleError> {
    c.apply(
        clock,
        admin(),
        Action::RecordReorganisation {
            body: "MINTRANS".into(),
            date,
            successor: successor.map(str::to_string),
        },
    )
    .map(|_| ())
}

fn status<'a>(all: &'a [BodyStatus], id: &str) -> &'a BodyStatus {
    all.iter().find(|b| b.id == id).expect("body listed")
}

fn issue(c: &mut Cycle, clock: &FixedClock, id: &str) -> Result<(), CycleError> {
    c.apply(
        clock,
        evaluator(AGENCY_2014, "Иванов"),
        Action::IssueConclusion {
            body: id.into(),
            direction: "public_services".into(),
            document: hash(3),
            prepared_by: vec![],
        },
    )
    .map(|_| ())
}

#[test]
fn p68_first_half_evaluated_within_the_successor() -> R {
    let clock = FixedClock::at_date(ymd(2015, 1, 12));
    let mut c = cycle_2014(&clock, &BODIES)?;
    // 30 June is the last day of the first half.
    reorganise(&mut c, &clock, ymd(2014, 6, 30), Some("MID"))?;
    let all = c.bodies();
    let m = status(&all, "MINTRANS");
    assert!(!m.evaluated);
    let r = m.reorganised.as_ref().ok_or("reorganised")?;
    assert_eq!(r.window, ReorganisationWindow::FirstHalf);
    assert_eq!(r.evaluation, Evaluation::WithinSuccessor);
    assert!(!r.recommendations_to_successor);
    assert_eq!(r.reference, "п.68");
    assert_eq!(status(&all, "MID").evaluated_within, ["MINTRANS"]);
    assert!(status(&all, "MID").recommendations_from.is_empty());

    // No conclusion of its own.
    open_until(&mut c, &clock, "appeal")?;
    let err = issue(&mut c, &clock, "MINTRANS").err().ok_or("issued")?;
    assert!(matches!(err, CycleError::NotEvaluated { .. }));
    assert!(
        err.to_string()
            .contains("оценивается в рамках оценки правопреемника (п.68)"),
        "{err}"
    );
    issue(&mut c, &clock, "MID")?;
    Ok(())
}

#[test]
fn p68_needs_a_successor() -> R {
    let clock = FixedClock::at_date(ymd(2015, 1, 12));
    let mut c = cycle_2014(&clock, &BODIES)?;
    let err = reorganise(&mut c, &clock, ymd(2014, 3, 1), None)
        .err()
        .ok_or("accepted")?;
    assert!(
        err.to_string()
            .contains("не указан правопреемник, а по п.68"),
        "{err}"
    );
    Ok(())
}

#[test]
fn p69_second_half_not_evaluated_findings_to_the_successor() -> R {
    let clock = FixedClock::at_date(ymd(2015, 1, 12));
    let mut c = cycle_2014(&clock, &BODIES)?;
    // 1 July is the first day of the second half.
    reorganise(&mut c, &clock, ymd(2014, 7, 1), Some("MID"))?;
    let all = c.bodies();
    let m = status(&all, "MINTRANS");
    assert!(!m.evaluated);
    let r = m.reorganised.as_ref().ok_or("reorganised")?;
    assert_eq!(
        (r.window, r.evaluation, r.recommendations_to_successor),
        (
            ReorganisationWindow::SecondHalf,
            Evaluation::NotEvaluated,
            true
        )
    );
    assert_eq!(r.reference, "п.69");
    assert_eq!(status(&all, "MID").recommendations_from, ["MINTRANS"]);
    assert!(status(&all, "MID").evaluated_within.is_empty());
    open_until(&mut c, &clock, "appeal")?;
    let err = issue(&mut c, &clock, "MINTRANS").err().ok_or("issued")?;
    assert!(err.to_string().contains("не оценивается (п.69)"), "{err}");
    Ok(())
}

#[test]
fn p70_after_the_year_before_reporting_evaluated_for_the_period() -> R {
    // Reorganised on the reporting deadline itself (15.02.2015): still п.70.
    let clock = FixedClock::at_date(ymd(2015, 2, 16));
    let mut c = cycle_2014(&clock, &BODIES)?;
    reorganise(&mut c, &clock, ymd(2015, 2, 15), Some("MID"))?;
    let all = c.bodies();
    let m = status(&all, "MINTRANS");
    assert!(m.evaluated);
    let r = m.reorganised.as_ref().ok_or("reorganised")?;
    assert_eq!(
        (r.window, r.evaluation, r.recommendations_to_successor),
        (
            ReorganisationWindow::AfterPeriodBeforeReporting,
            Evaluation::ForPeriod,
            true
        )
    );
    assert_eq!(r.reference, "п.70");
    assert_eq!(status(&all, "MID").recommendations_from, ["MINTRANS"]);
    open_until(&mut c, &clock, "appeal")?;
    issue(&mut c, &clock, "MINTRANS")?;
    Ok(())
}

#[test]
fn outside_the_windows_is_refused() -> R {
    let clock = FixedClock::at_date(ymd(2015, 3, 2));
    let mut c = cycle_2014(&clock, &BODIES)?;
    // The day after the reporting deadline, and the day before the evaluated year.
    for date in [ymd(2015, 2, 16), ymd(2013, 12, 31)] {
        let err = reorganise(&mut c, &clock, date, Some("MID"))
            .err()
            .ok_or("accepted")?;
        assert!(matches!(err, CycleError::Reorganisation { .. }));
        assert!(
            err.to_string()
                .contains("процедура таких случаев не определяет"),
            "{err}"
        );
    }
    assert!(c.bodies().iter().all(|b| b.reorganised.is_none()));
    Ok(())
}

/// The consequence comes from the edition: the same date under an edition whose first-half rule
/// says «evaluated for the period» gives that.
#[test]
fn the_consequence_is_edition_data() -> R {
    let mut ed = (*edition("2014-services")).clone();
    let p = ed.procedure.as_mut().ok_or("procedure")?;
    for r in &mut p.reorganisation {
        if r.window == ReorganisationWindow::FirstHalf {
            r.evaluation = Evaluation::ForPeriod;
        }
    }
    let clock = FixedClock::at_date(ymd(2015, 1, 12));
    let def = cycle_2014(&clock, &BODIES)?
        .definition()
        .ok_or("definition")?
        .clone();
    let mut c = Cycle::create(context(vec![Arc::new(ed)]), &clock, admin(), def)?;
    reorganise(&mut c, &clock, ymd(2014, 3, 1), Some("MID"))?;
    let all = c.bodies();
    assert!(status(&all, "MINTRANS").evaluated);
    assert!(status(&all, "MID").evaluated_within.is_empty());

    // And an edition without a rule for a window refuses such a reorganisation.
    let mut ed = (*edition("2014-services")).clone();
    if let Some(p) = ed.procedure.as_mut() {
        p.reorganisation
            .retain(|r| r.window != ReorganisationWindow::SecondHalf);
    }
    let def = c.definition().ok_or("definition")?.clone();
    let mut c = Cycle::create(context(vec![Arc::new(ed)]), &clock, admin(), def)?;
    let err = reorganise(&mut c, &clock, ymd(2014, 9, 1), Some("MID"))
        .err()
        .ok_or("accepted")?;
    assert!(
        err.to_string()
            .contains("процедура редакции не определяет реорганизацию во втором полугодии"),
        "{err}"
    );
    Ok(())
}

#[test]
fn only_the_administrator_in_the_collection_stage() -> R {
    let clock = FixedClock::at_date(ymd(2015, 1, 12));
    let mut c = cycle_2014(&clock, &BODIES)?;
    let err = c
        .apply(
            &clock,
            evaluator(AGENCY_2014, "Иванов"),
            Action::RecordReorganisation {
                body: "MINTRANS".into(),
                date: ymd(2014, 3, 1),
                successor: Some("MID".into()),
            },
        )
        .err()
        .ok_or("accepted")?;
    assert!(matches!(err, CycleError::PartyNotAllowed { .. }), "{err}");
    open_until(&mut c, &clock, "reverification")?;
    let err = reorganise(&mut c, &clock, ymd(2014, 3, 1), Some("MID"))
        .err()
        .ok_or("accepted")?;
    assert!(matches!(err, CycleError::NotInStage { .. }), "{err}");
    Ok(())
}
