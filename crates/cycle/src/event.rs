//! The events of a cycle: who did what, when. The list is append-only; the state of a cycle is
//! what its events make of it ([`crate::Cycle::replay`]).

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use bagalau_methodology::procedure::{ActionCode, Party};
use bagalau_methodology::Group;

/// Who acts: the party, the organisation (an authorized body's name as the edition writes it in
/// `[[direction]] evaluator`, or an evaluated body's id) and the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub party: Party,
    pub organisation: String,
    pub person: String,
}

impl Actor {
    pub fn new(party: Party, organisation: &str, person: &str) -> Actor {
        Actor {
            party,
            organisation: organisation.to_string(),
            person: person.to_string(),
        }
    }
}

/// One recorded action: its number in the cycle (from 1), when, who, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub seq: u64,
    pub at: NaiveDateTime,
    pub actor: Actor,
    pub what: Action,
}

/// What a cycle is made of when it is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleDefinition {
    /// The evaluated year.
    pub period: i32,
    /// The block's code (`[block] code` of the editions).
    pub block: String,
    /// The edition (state) that governs each direction.
    pub directions: Vec<DirectionState>,
    pub schedule: Schedule,
    pub bodies: Vec<BodyDef>,
}

/// A direction of the block and the id of the edition (state) that governs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectionState {
    pub direction: String,
    pub edition: String,
}

/// The schedule of the evaluation (График): the dates the procedure refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// The deadline for bodies' reporting data (п.70 of 2014 counts reorganisations up to it).
    pub reporting_deadline: NaiveDate,
    /// The planned last day of stages (by stage code), where the schedule sets one.
    pub stage_ends: Vec<PlannedStage>,
}

/// A stage's planned last day in the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedStage {
    pub stage: String,
    pub until: NaiveDate,
}

/// An evaluated body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyDef {
    pub id: String,
    pub name: String,
    pub group: Group,
}

/// What an objection is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// A criterion of the direction's edition, by code.
    Criterion(String),
    /// An input of the direction's edition, by code.
    Input(String),
}

/// One objection: its subject, the body's text and the evidence (content hashes of files,
/// `sha256:` + 64 hex digits; the files themselves are stored elsewhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    pub target: Target,
    pub text: String,
    pub evidence: Vec<String>,
}

/// The number of facts of one penalty item found on re-verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyFacts {
    /// The item's code in the edition's `[[penalty.item]]`.
    pub item: String,
    pub count: u32,
}

/// A member of the special commission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub person: String,
    pub organisation: String,
}

/// An input corrected by an accepted objection (the value as written, an exact decimal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectedInput {
    pub input: String,
    pub value: String,
}

/// The commission's decision on one objection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub outcome: Outcome,
    pub reasons: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Accepted { corrected: Vec<CorrectedInput> },
    Rejected,
}

/// What kind of source imported data come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A dataset folder (CSV files and `dataset.toml`).
    Dataset,
    /// A filled reporting form (XLSX workbook).
    Form,
    /// Raw records of the state information systems, aggregated over a base dataset.
    RawRecords,
    /// The last dataset with the reporting forms the bodies submitted put in place of their rows.
    Submissions,
}

impl SourceKind {
    /// The Russian name, for messages and the log.
    pub fn name_ru(self) -> &'static str {
        match self {
            SourceKind::Dataset => "набор данных",
            SourceKind::Form => "форма отчётных данных",
            SourceKind::RawRecords => "первичные записи информационных систем",
            SourceKind::Submissions => "представленные органами формы",
        }
    }
}

/// One file a source was made of: its name (the file name only, never a path), content hash
/// (`sha256:` + 64 hex digits) and size in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub name: String,
    pub sha256: String,
    pub size: u64,
}

/// The provenance of imported data (the actor and time are the event's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSource {
    pub kind: SourceKind,
    /// The files read, sorted by name.
    pub files: Vec<SourceFile>,
    /// The snapshot the source was applied over (raw records, submissions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Content hashes of what was stored beside the snapshot as evidence: the workbook itself,
    /// the raw records' rejection and discrepancy reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

/// Everything that can happen in a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// The cycle is created (the first event, by the administrator).
    Create(CycleDefinition),
    /// The next stage of the procedure is opened (by the administrator).
    OpenStage {
        stage: String,
    },
    RecordReorganisation {
        body: String,
        date: NaiveDate,
        successor: Option<String>,
    },
    /// The body's reporting information submitted. `form`: the reporting form it submitted
    /// through the system (absent when the submission is only recorded).
    SubmitReporting {
        body: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form: Option<SourceFile>,
    },
    SelectForReverification {
        body: String,
        direction: String,
        reason: String,
    },
    /// Facts found on re-verification: the description and, per penalty item of the edition
    /// whose facts are an input of the body, the number of facts (they replace that input in the
    /// next run).
    RecordFacts {
        body: String,
        direction: String,
        description: String,
        #[serde(default)]
        penalties: Vec<PenaltyFacts>,
    },
    /// A conclusion sent to the body. `document`: its content hash; `prepared_by`: the persons
    /// who took part in evaluating the body (with the actor).
    IssueConclusion {
        body: String,
        direction: String,
        document: String,
        prepared_by: Vec<String>,
    },
    /// The day the body received its conclusion: the objection period runs from it.
    RecordReceipt {
        body: String,
        direction: String,
        received: NaiveDate,
    },
    /// Objections, received on the day of the event.
    Object {
        body: String,
        direction: String,
        objections: Vec<Objection>,
    },
    NotifyNoObjections {
        body: String,
        direction: String,
    },
    FormDisagreementTable {
        body: String,
        direction: String,
    },
    NameCommission {
        direction: String,
        members: Vec<Member>,
    },
    /// The commission's decision on objection number `objection` (from 0, in the order given).
    Decide {
        body: String,
        direction: String,
        objection: usize,
        decision: Decision,
    },
    /// The reasoned conclusions on the objections sent to the body.
    SendDecisions {
        body: String,
        direction: String,
    },
    /// Final conclusions submitted (for one body, e.g. 2023 п.118, or for the whole direction).
    SubmitResults {
        direction: String,
        body: Option<String>,
    },
    Publish,
    /// The data of the evaluation imported (by the administrator): the content hash of the
    /// snapshot and of the edition folder it is computed with. Allowed until the first run; later
    /// changes go through decisions on objections and facts of re-verification.
    ///
    /// `source`: where the data came from (absent in events recorded before sources were kept).
    ImportData {
        snapshot: String,
        edition: String,
        edition_hash: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<DataSource>,
    },
    /// A computation recorded (by the administrator): the run's id ([`crate::Run::id`]), the
    /// run it replaces (the last recorded one, when there is one) and the bodies other than the
    /// objecting ones whose results it moved ([`crate::RunDiff::moved_others`]).
    RecordRun {
        run: String,
        previous: Option<String>,
        moved_others: Vec<String>,
    },
    /// The administrator's decision on the bodies a recomputation moved without their having
    /// objected (п.65 of 2014 names only the objecting bodies): which receive corrected
    /// conclusions and which do not, with reasons. Every moved body must be named in one list.
    DecideCorrectedConclusions {
        run: String,
        send_to: Vec<String>,
        withheld: Vec<String>,
        reasons: String,
    },
    /// A reconciliation act (appendix 9: the facts of re-verification) signed by one side: the
    /// body's evaluator in the direction or the body itself. `document`: the act's content hash.
    SignAct {
        body: String,
        direction: String,
        document: String,
    },
    /// A corrected (final) conclusion regenerated from a recorded run and sent to the body: to an
    /// objecting body whose objection was upheld, or to a body the administrator decided to send
    /// one to.
    IssueCorrectedConclusion {
        body: String,
        direction: String,
        run: String,
        document: String,
    },
}

impl Action {
    /// The procedure's code of this action (`None` for creating the cycle, opening a stage and
    /// the actions on runs, which belong to the administrator at any time before publication).
    pub fn code(&self) -> Option<ActionCode> {
        Some(match self {
            Action::Create(_)
            | Action::OpenStage { .. }
            | Action::ImportData { .. }
            | Action::RecordRun { .. }
            | Action::DecideCorrectedConclusions { .. }
            | Action::IssueCorrectedConclusion { .. }
            | Action::SignAct { .. } => return None,
            Action::RecordReorganisation { .. } => ActionCode::RecordReorganisation,
            Action::SubmitReporting { .. } => ActionCode::SubmitReporting,
            Action::SelectForReverification { .. } => ActionCode::SelectForReverification,
            Action::RecordFacts { .. } => ActionCode::RecordFacts,
            Action::IssueConclusion { .. } => ActionCode::IssueConclusion,
            Action::RecordReceipt { .. } => ActionCode::RecordReceipt,
            Action::Object { .. } => ActionCode::Object,
            Action::NotifyNoObjections { .. } => ActionCode::NotifyNoObjections,
            Action::FormDisagreementTable { .. } => ActionCode::FormDisagreementTable,
            Action::NameCommission { .. } => ActionCode::NameCommission,
            Action::Decide { .. } => ActionCode::Decide,
            Action::SendDecisions { .. } => ActionCode::SendDecisions,
            Action::SubmitResults { .. } => ActionCode::SubmitResults,
            Action::Publish => ActionCode::Publish,
        })
    }

    /// The Russian name of the action, for messages.
    pub fn name_ru(&self) -> &'static str {
        match self {
            Action::Create(_) => "создание цикла оценки",
            Action::OpenStage { .. } => "переход к этапу",
            Action::ImportData { .. } => "загрузка данных оценки",
            Action::SignAct { .. } => "подписание акта сверки",
            Action::RecordRun { .. } => "регистрация расчёта",
            Action::DecideCorrectedConclusions { .. } => {
                "решение о направлении исправленных заключений"
            }
            Action::IssueCorrectedConclusion { .. } => "направление исправленного заключения",
            other => other.code().map_or("", ActionCode::name_ru),
        }
    }

    /// The body and direction the action concerns, when it concerns one.
    pub fn case(&self) -> Option<(&str, &str)> {
        match self {
            Action::SelectForReverification {
                body, direction, ..
            }
            | Action::RecordFacts {
                body, direction, ..
            }
            | Action::IssueConclusion {
                body, direction, ..
            }
            | Action::RecordReceipt {
                body, direction, ..
            }
            | Action::Object {
                body, direction, ..
            }
            | Action::NotifyNoObjections { body, direction }
            | Action::FormDisagreementTable { body, direction }
            | Action::Decide {
                body, direction, ..
            }
            | Action::SendDecisions { body, direction } => Some((body, direction)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events stored before sources were recorded read back, and serialise to the same bytes
    /// (the audit chain hashes their JSON).
    #[test]
    fn events_without_a_source_keep_their_json() {
        let h = format!("sha256:{}", "a".repeat(64));
        for old in [
            format!(
                r#"{{"ImportData":{{"snapshot":"{h}","edition":"2014-services","edition_hash":"{h}"}}}}"#
            ),
            r#"{"SubmitReporting":{"body":"MF"}}"#.to_string(),
        ] {
            let a: Action = serde_json::from_str(&old).expect("old event reads");
            assert_eq!(serde_json::to_string(&a).expect("serialises"), old);
        }
        let with = Action::ImportData {
            snapshot: h.clone(),
            edition: "2014-services".into(),
            edition_hash: h.clone(),
            source: Some(DataSource {
                kind: SourceKind::Form,
                files: vec![SourceFile {
                    name: "форма.xlsx".into(),
                    sha256: h.clone(),
                    size: 7,
                }],
                base: None,
                evidence: vec![h.clone()],
            }),
        };
        let json = serde_json::to_string(&with).expect("serialises");
        assert!(json.contains(r#""kind":"form""#), "{json}");
        assert_eq!(serde_json::from_str::<Action>(&json).expect("reads"), with);
    }
}
