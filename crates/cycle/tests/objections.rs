//! What an objection may be: per criterion of its direction or per input, with text and
//! evidence hashes; once per conclusion, after its receipt; not together with a notice.

mod common;

use bagalau_cycle::{Action, Cycle, CycleError, FixedClock, Objection, Target};
use bagalau_methodology::Group;
use common::*;

fn object(target: Target, text: &str, evidence: Vec<String>) -> Action {
    Action::Object {
        body: "MZ".into(),
        direction: "services".into(),
        objections: vec![Objection {
            target,
            text: text.into(),
            evidence,
        }],
    }
}

fn received() -> Result<(Cycle, FixedClock), CycleError> {
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
        ymd(2024, 4, 1),
    )?;
    Ok((c, clock))
}

fn refused(c: &mut Cycle, clock: &FixedClock, a: Action, words: &str) -> R {
    let err = c.apply(clock, body("MZ"), a).err().ok_or("accepted")?;
    assert!(err.to_string().contains(words), "{err}");
    Ok(())
}

#[test]
fn targets_text_and_evidence_are_checked() -> R {
    let (mut c, clock) = received()?;
    // A criterion of another direction (complaints) is not a criterion of services.
    refused(
        &mut c,
        &clock,
        object(Target::Criterion("CP1".into()), "Не согласны", vec![]),
        "нет критерия «CP1» направления «services»",
    )?;
    refused(
        &mut c,
        &clock,
        object(Target::Input("nothing".into()), "Не согласны", vec![]),
        "нет входных данных «nothing»",
    )?;
    refused(
        &mut c,
        &clock,
        object(Target::Criterion("SV1".into()), " ", vec![]),
        "пустой текст",
    )?;
    refused(
        &mut c,
        &clock,
        object(
            Target::Criterion("SV1".into()),
            "Не согласны",
            vec!["письмо.pdf".into()],
        ),
        "«письмо.pdf» — не хеш содержимого файла",
    )?;
    assert!(c.objections("MZ", "services").is_empty());
    c.apply(
        &clock,
        body("MZ"),
        object(
            Target::Criterion("SV1".into()),
            "Опрос проведён с нарушением выборки",
            vec![hash(9), hash(10)],
        ),
    )?;
    assert_eq!(c.objections("MZ", "services").len(), 1);
    // Once per conclusion, and no notice after objections.
    refused(
        &mut c,
        &clock,
        object(Target::Criterion("SV2".into()), "Ещё", vec![]),
        "уже направлены",
    )?;
    refused(
        &mut c,
        &clock,
        Action::NotifyNoObjections {
            body: "MZ".into(),
            direction: "services".into(),
        },
        "уже направлены",
    )?;
    Ok(())
}

#[test]
fn no_objection_before_the_receipt_is_recorded() -> R {
    let clock = FixedClock::at_date(ymd(2024, 1, 10));
    let mut c = cycle_2023(&clock, &[("MZ", Group::Central)])?;
    open_until(&mut c, &clock, "appeal")?;
    c.apply(
        &clock,
        evaluator(AGENCY_2023, "Иванов"),
        Action::IssueConclusion {
            body: "MZ".into(),
            direction: "services".into(),
            document: hash(1),
            prepared_by: vec![],
        },
    )?;
    let err = c
        .apply(
            &clock,
            body("MZ"),
            objection_to("MZ", "services", "svc_violations"),
        )
        .err()
        .ok_or("accepted")?;
    assert!(matches!(err, CycleError::OutOfOrder { .. }), "{err}");
    // A receipt dated before the conclusion was sent, or in the future, is refused.
    for received in [ymd(2024, 1, 9), ymd(2024, 1, 11)] {
        let err = c
            .apply(
                &clock,
                body("MZ"),
                Action::RecordReceipt {
                    body: "MZ".into(),
                    direction: "services".into(),
                    received,
                },
            )
            .err()
            .ok_or("accepted")?;
        assert!(err.to_string().contains("дата получения"), "{err}");
    }
    Ok(())
}
