//! A complete cycle of the shipped three-direction example (`2021-operational-2023-june` with
//! `examples/2021-operational`, the evaluation for 2023 carried out in 2024): three evaluators,
//! a body reorganised after the period (evaluated for the period), a late objection refused, an
//! objection upheld whose recomputation moves two other bodies, the administrator's decision on
//! them, corrected conclusions, submission and publication. Every document is written to `out`.

use std::path::{Path, PathBuf};

use bagalau_cycle::{
    Action, Actor, CorrectedInput, Decision, Member, Outcome as Decided, Party, PlannedStage,
    Target,
};
use chrono::{NaiveDate, NaiveDateTime};

use crate::backend::Backend;
use crate::process::{CreateCycle, EvidenceFile, Issued, NewObjection, Process};
use crate::ProcessError;

pub const DEMO_EDITION: &str = "2021-operational-2023-june";
const AGENCY: &str = "Агентство Республики Казахстан по делам государственной службы";
const COMMITTEE: &str =
    "Комитет по правовой статистике и специальным учетам Генеральной прокуратуры Республики Казахстан";
const MIOR: &str = "Министерство информации и общественного развития Республики Казахстан";
const DIRECTIONS: [(&str, &str, &str); 3] = [
    ("services", AGENCY, "Сервисова А."),
    ("complaints", COMMITTEE, "Жалобин Б."),
    ("openness", MIOR, "Открытова В."),
];
const BODIES: [&str; 7] = ["MF", "MJ", "MO", "MID", "ast", "alma", "shym"];

/// What the demo did.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub cycle: String,
    pub runs: Vec<String>,
    pub moved_others: Vec<String>,
    pub late_objection: String,
    pub documents: Vec<PathBuf>,
    pub events: usize,
}

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, ProcessError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| ProcessError::Invalid("дата".into()))
}

fn at(y: i32, m: u32, d: u32) -> Result<NaiveDateTime, ProcessError> {
    day(y, m, d)?
        .and_hms_opt(10, 0, 0)
        .ok_or_else(|| ProcessError::Invalid("время".into()))
}

fn admin() -> Actor {
    Actor::new(Party::Administrator, "Администратор цикла", "Админова Г.")
}

fn body(id: &str) -> Actor {
    Actor::new(Party::EvaluatedBody, id, &format!("ответственный {id}"))
}

fn write(out: &Path, doc: &Issued, summary: &mut DemoSummary) -> Result<(), ProcessError> {
    let p = out.join(&doc.name);
    std::fs::write(&p, &doc.bytes).map_err(|e| ProcessError::Io {
        path: p.clone(),
        message: e.to_string(),
    })?;
    summary.documents.push(p);
    Ok(())
}

/// Runs the demo cycle `cycle` in `p`, with the example data from `data`, writing documents
/// into `out` (created if absent).
pub fn demo<B: Backend>(
    p: &Process<B>,
    cycle: &str,
    data: &Path,
    out: &Path,
) -> Result<DemoSummary, ProcessError> {
    std::fs::create_dir_all(out).map_err(|e| ProcessError::Io {
        path: out.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut s = DemoSummary {
        cycle: cycle.to_string(),
        ..DemoSummary::default()
    };
    let stage = |code: &str, when: NaiveDateTime| {
        p.act(
            cycle,
            admin(),
            when,
            Action::OpenStage { stage: code.into() },
            "переход к следующему этапу по графику",
        )
    };
    p.create(
        admin(),
        at(2024, 1, 9)?,
        &CreateCycle {
            id: cycle.to_string(),
            edition: DEMO_EDITION.into(),
            data: data.to_path_buf(),
            reporting_deadline: day(2024, 2, 15)?,
            stage_ends: vec![
                PlannedStage {
                    stage: "collection".into(),
                    until: day(2024, 2, 15)?,
                },
                PlannedStage {
                    stage: "publication".into(),
                    until: day(2024, 6, 28)?,
                },
            ],
        },
    )?;

    // Collection: Shymkent's akimat reorganised on 20.01.2024 — after the period, before the
    // reporting deadline: evaluated for the period, results to the successor.
    let t = at(2024, 1, 22)?;
    p.act(
        cycle,
        admin(),
        t,
        Action::RecordReorganisation {
            body: "shym".into(),
            date: day(2024, 1, 20)?,
            successor: Some("alma".into()),
        },
        "постановление о реорганизации",
    )?;
    for b in BODIES {
        p.act(
            cycle,
            body(b),
            t,
            Action::SubmitReporting {
                body: b.into(),
                form: None,
            },
            "отчётная информация",
        )?;
    }
    p.import(cycle, admin(), t, data)?;

    // Re-verification, chosen by risk.
    let t = at(2024, 2, 20)?;
    stage("reverification", t)?;
    let agency = Actor::new(Party::AuthorizedBody, AGENCY, "Сервисова А.");
    p.act(
        cycle,
        agency.clone(),
        t,
        Action::SelectForReverification {
            body: "ast".into(),
            direction: "services".into(),
            reason: "доля нарушений сроков снизилась втрое по сравнению с прошлым годом".into(),
        },
        "система управления рисками",
    )?;
    p.act(
        cycle,
        agency,
        at(2024, 2, 26)?,
        Action::RecordFacts {
            body: "ast".into(),
            direction: "services".into(),
            description: "сведения отчёта подтверждены данными информационной системы".into(),
            penalties: vec![],
        },
        "акт перепроверки",
    )?;
    let (run, _, _) = p.compute(cycle, admin(), at(2024, 2, 28)?)?;
    s.runs.push(run.id());
    // The reconciliation act (appendix 9), signed by the Agency and by the akimat.
    let t = at(2024, 2, 29)?;
    let act = p.reconciliation_act(
        cycle,
        Actor::new(Party::AuthorizedBody, AGENCY, "Сервисова А."),
        t,
        "ast",
        "services",
    )?;
    p.act(
        cycle,
        body("ast"),
        t,
        Action::SignAct {
            body: "ast".into(),
            direction: "services".into(),
            document: act.hash.clone(),
        },
        "акт сверки подписан органом",
    )?;
    write(out, &act, &mut s)?;

    // Conclusions, issued and received on Monday 4 March 2024 (window until 12.03).
    stage("appeal", at(2024, 3, 1)?)?;
    let t = at(2024, 3, 4)?;
    for b in BODIES {
        for (dir, org, person) in DIRECTIONS {
            let who = Actor::new(Party::AuthorizedBody, org, person);
            let doc = p.issue(cycle, who, t, b, dir, vec![format!("{person} (эксперт)")])?;
            write(out, &doc, &mut s)?;
            p.act(
                cycle,
                body(b),
                t,
                Action::RecordReceipt {
                    body: b.into(),
                    direction: dir.into(),
                    received: t.date(),
                },
                "получение заключения",
            )?;
        }
    }
    let t = at(2024, 3, 5)?;
    for b in BODIES {
        for (dir, _, _) in DIRECTIONS {
            if (b == "MJ" || b == "MID") && dir == "openness" {
                continue;
            }
            p.act(
                cycle,
                body(b),
                t,
                Action::NotifyNoObjections {
                    body: b.into(),
                    direction: dir.into(),
                },
                "возражений нет",
            )?;
        }
    }
    // MJ objects (Thursday 7 March): its meetings plan was published.
    let evidence = out.join("доказательство-MJ-план-встреч.txt");
    std::fs::write(
        &evidence,
        "График встреч руководства Министерства юстиции с населением на 2023 год (казахский язык) опубликован 16.01.2023.\n",
    )
    .map_err(|e| ProcessError::Io {
        path: evidence.clone(),
        message: e.to_string(),
    })?;
    s.documents.push(evidence.clone());
    p.object(
        cycle,
        body("MJ"),
        at(2024, 3, 7)?,
        "MJ",
        "openness",
        &[NewObjection {
            target: Target::Input("meet_plan_kk".into()),
            text: "План встреч на государственном языке опубликован: ссылка и снимок страницы прилагаются".into(),
            evidence: vec![EvidenceFile {
                path: evidence,
                media_type: "text/plain".into(),
            }],
        }],
    )?;
    let mior = Actor::new(Party::AuthorizedBody, MIOR, "Открытова В.");
    let t = at(2024, 3, 11)?;
    let table = p.table(cycle, mior.clone(), t, "MJ", "openness")?;
    write(out, &table, &mut s)?;
    let members = [
        "Ахметов Е.",
        "Бекова Ж.",
        "Ким З.",
        "Омаров И.",
        "Смагулова К.",
    ]
    .iter()
    .map(|m| Member {
        person: m.to_string(),
        organisation: MIOR.into(),
    })
    .collect();
    p.act(
        cycle,
        Actor::new(Party::AuthorizedBody, MIOR, "Руководитель МИОР"),
        t,
        Action::NameCommission {
            direction: "openness".into(),
            members,
        },
        "приказ об образовании специальной комиссии",
    )?;

    // MID objects on Wednesday 13 March: one working day late — refused.
    let late = p.object(
        cycle,
        body("MID"),
        at(2024, 3, 13)?,
        "MID",
        "openness",
        &[NewObjection {
            target: Target::Input("dlg_blog_ru".into()),
            text: "Не учтены ответы в блоге".into(),
            evidence: vec![],
        }],
    );
    s.late_objection = match late {
        Err(e) => e.to_string(),
        Ok(_) => {
            return Err(ProcessError::Invalid(
                "демонстрация: опоздавшее возражение принято".into(),
            ))
        }
    };

    // The commission upholds MJ's objection; the decision is sent.
    let t = at(2024, 3, 15)?;
    p.act(
        cycle,
        Actor::new(Party::Commission, "Специальная комиссия", "Ким З."),
        t,
        Action::Decide {
            body: "MJ".into(),
            direction: "openness".into(),
            objection: 0,
            decision: Decision {
                outcome: Decided::Accepted {
                    corrected: vec![CorrectedInput {
                        input: "meet_plan_kk".into(),
                        value: "true".into(),
                    }],
                },
                reasons: "Публикация плана встреч подтверждена снимком страницы от 16.01.2023"
                    .into(),
            },
        },
        "протокол заседания специальной комиссии",
    )?;
    p.act(
        cycle,
        mior.clone(),
        t,
        Action::SendDecisions {
            body: "MJ".into(),
            direction: "openness".into(),
        },
        "заключение о принятии возражения",
    )?;

    // Recomputation: the central mean of meetings moves MO and MID (note ** of table 6).
    let (run, diff, _) = p.compute(cycle, admin(), at(2024, 3, 18)?)?;
    s.runs.push(run.id());
    s.moved_others = diff.map(|d| d.moved_others).unwrap_or_default();
    let t = at(2024, 3, 19)?;
    let table = p.table_doc(&p.open(cycle)?.0, &p.open(cycle)?.1, "MJ", "openness")?;
    let mut table = table;
    table.name = "таблица-разногласий-MJ-openness-после-решения.docx".into();
    write(out, &table, &mut s)?;
    p.act(
        cycle,
        admin(),
        t,
        Action::DecideCorrectedConclusions {
            run: run.id(),
            send_to: s.moved_others.clone(),
            withheld: vec![],
            reasons: "Пересчёт после принятого возражения изменил оценки органов, которым присваивается средний балл ЦГО по встречам с населением: им направляются исправленные заключения".into(),
        },
        "решение администратора",
    )?;
    let mut corrected = vec!["MJ".to_string()];
    corrected.extend(s.moved_others.iter().cloned());
    for b in &corrected {
        let doc = p.issue_corrected(cycle, admin(), t, b, "openness")?;
        write(out, &doc, &mut s)?;
    }

    // Submission by each evaluator; publication.
    let t = at(2024, 3, 20)?;
    stage("submission", t)?;
    for (dir, org, _) in DIRECTIONS {
        p.act(
            cycle,
            Actor::new(Party::AuthorizedBody, org, "Руководитель"),
            t,
            Action::SubmitResults {
                direction: dir.into(),
                body: None,
            },
            "итоговые заключения",
        )?;
    }
    let t = at(2024, 6, 3)?;
    stage("publication", t)?;
    p.act(cycle, admin(), t, Action::Publish, "публикация результатов")?;
    s.events = p.open(cycle)?.0.events().len();
    Ok(s)
}
