//! Why an action is refused. Messages are in Russian: they reach users.

use chrono::{NaiveDate, NaiveDateTime};

use bagalau_methodology::procedure::{ActionCode, Party};
use calendar::{ru_date, CalendarError, Late};

use crate::cycle::DueItem;

/// A refused action (or a stored list of events that does not replay).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CycleError {
    #[error("редакция «{0}» не передана циклу")]
    UnknownEdition(String),
    #[error("в редакции «{0}» нет процедуры оценки (procedure.toml)")]
    NoProcedure(String),
    #[error("редакция «{edition}»: {message}")]
    EditionMismatch { edition: String, message: String },
    #[error("цикл не содержит направления «{0}»")]
    UnknownDirection(String),
    #[error("цикл не содержит органа «{0}»")]
    UnknownBody(String),
    #[error("неверное определение цикла: {0}")]
    Definition(String),
    #[error("цикл уже создан: событие создания может быть только первым")]
    AlreadyCreated,
    #[error("первым событием цикла должно быть его создание")]
    NotCreated,
    #[error("цикл завершён публикацией результатов: «{0}» невозможно")]
    Closed(&'static str),
    #[error("время события {at} раньше предыдущего события {last}: журнал только дополняется")]
    ClockBackwards {
        at: NaiveDateTime,
        last: NaiveDateTime,
    },
    #[error("событие № {got} не следует за № {expected}")]
    Sequence { expected: u64, got: u64 },
    #[error("«{action}» не предусмотрено на этапе «{stage}»")]
    NotInStage { action: ActionCode, stage: String },
    #[error("«{action}» на этапе «{stage}» вправе совершать: {allowed}; не {party}")]
    PartyNotAllowed {
        action: ActionCode,
        stage: String,
        party: Party,
        allowed: String,
    },
    #[error("«{action}» вправе совершать только {expected}, а не «{got}»")]
    WrongOrganisation {
        action: &'static str,
        expected: String,
        got: String,
    },
    #[error("переход к этапу «{requested}» невозможен: следующий этап — {expected}")]
    StageOrder { requested: String, expected: String },
    #[error("переход к следующему этапу невозможен, пока не истекли сроки: {}", list(.0))]
    OpenItems(Vec<DueItem>),
    #[error("«{action}» отклонено: {late} ({reference})")]
    Late {
        action: &'static str,
        reference: String,
        late: Late,
    },
    #[error("«{action}» невозможно: {reason}")]
    OutOfOrder {
        action: &'static str,
        reason: String,
    },
    #[error("«{action}» невозможно: {reason}")]
    Invalid {
        action: &'static str,
        reason: String,
    },
    #[error("в специальную комиссию названо {members} чел., а по {reference} — не менее {min}")]
    CommissionTooSmall {
        members: usize,
        min: u32,
        reference: String,
    },
    #[error("{member} участвовал(а) в оценке органа «{body}» и не может рассматривать его возражения ({reference})")]
    MemberEvaluatedBody {
        member: String,
        body: String,
        reference: String,
    },
    #[error("решение по возражению № {number} органа «{body}» уже принято и является окончательным ({reference})")]
    DecisionFinal {
        body: String,
        number: usize,
        reference: String,
    },
    #[error("орган «{body}» {consequence} ({reference}): «{action}» невозможно")]
    NotEvaluated {
        body: String,
        consequence: String,
        reference: String,
        action: &'static str,
    },
    #[error("реорганизация органа «{body}» {date}: {reason}")]
    Reorganisation {
        body: String,
        date: String,
        reason: String,
    },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

fn list(items: &[DueItem]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn d(date: NaiveDate) -> String {
    ru_date(date)
}
