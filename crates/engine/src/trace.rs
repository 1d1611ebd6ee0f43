//! What the engine did beyond plain arithmetic, recorded as data: the aggregates over a body's
//! table rows and the cross-body mechanisms (group statistics, min-max scaling, the uniform
//! spread of a coefficient). Values are exact fractions; inputs, nodes and tables are referred to
//! by their codes in the edition.
//!
//! **Architecture Invariant**: a note holds no wording and no formatted number. Documents and the
//! `explain` derivation word notes in one place (`bagalau_report::trace`), so the language and
//! the number format of every document are decided there and nowhere else.

use bagalau_methodology::expr::Expr;
use bagalau_methodology::Group;

use crate::exact::Q;

/// What an aggregate is taken over: a name of the edition (an input or a node, by code), or an
/// expression of the formula language (its text as the edition writes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Name(String),
    Formula(String),
}

impl Subject {
    pub(crate) fn of(e: &Expr) -> Subject {
        match e {
            Expr::Name(n, _) => Subject::Name(n.clone()),
            other => Subject::Formula(other.to_string()),
        }
    }
}

/// The rows of one of the body's tables an aggregate read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowSelection {
    /// Code of the table in the edition.
    pub table: String,
    /// Rows taken (all rows, or those meeting the condition).
    pub taken: usize,
    /// Rows the table has.
    pub rows: usize,
    /// Whether a condition selected the rows.
    pub filtered: bool,
}

/// An aggregate over a body's table rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowAggregate {
    Count,
    Sum {
        total: Q,
    },
    /// `mean` is `None` when no row was taken (the aggregate then has no value).
    Mean {
        total: Q,
        mean: Option<Q>,
    },
}

/// A statistic over the bodies of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupStat {
    Mean,
    Min,
    Max,
    Sum,
}

/// One recorded fact of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// `count`, `sum` or `mean` over the rows of a table.
    Rows {
        selection: RowSelection,
        aggregate: RowAggregate,
    },
    /// `group_mean`, `group_min`, `group_max`, `group_sum` over the bodies of the group that have
    /// a value (`bodies` of them; `value` is `None` when none has).
    Group {
        stat: GroupStat,
        subject: Subject,
        group: Group,
        bodies: usize,
        filtered: bool,
        value: Option<Q>,
    },
    /// `minmax`: `(value − min) / (max − min)` over the group.
    MinMax {
        subject: Subject,
        group: Group,
        value: Q,
        min: Q,
        max: Q,
        result: Q,
    },
    /// `minmax` when every body of the group has the same value: the fallback was taken.
    MinMaxFlat {
        subject: Subject,
        group: Group,
        value: Q,
        taken: Q,
    },
    /// `spread`: the body's value is level `place` (1 = the smallest) of `levels` distinct values
    /// among `bodies` bodies; the result is placed uniformly from `from` to `to` (with one level,
    /// the result is `to`).
    Spread {
        from: Q,
        to: Q,
        levels: usize,
        bodies: usize,
        place: usize,
        result: Q,
    },
}
