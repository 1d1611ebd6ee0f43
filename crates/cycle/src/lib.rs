//! The evaluation cycle (issue 12, item 3): a period, a block, the edition state of each
//! direction and a schedule; the bodies evaluated, with their reorganisations and the
//! consequence the edition's procedure gives; stages with their allowed actions and the parties
//! who may take them; every deadline computed with the working-day calendar from the recorded
//! event; objections, the special commission and its decisions.
//!
//! The cycle is a state machine over an append-only list of [`Event`]s (who, when, what):
//! [`Cycle::apply`] checks an action against the state and the procedure and, when it is
//! allowed, appends it; [`Cycle::replay`] rebuilds the state from a stored list, checking every
//! event again. Time comes from a [`Clock`] the caller passes.
//!
//! **Architecture Invariant**: no IO — editions and the calendar are given, events are values.

mod clock;
mod cycle;
mod error;
mod event;
mod run;

pub use clock::{Clock, FixedClock};
pub use cycle::{
    penalty_input, BodyStatus, Context, Cycle, DueItem, RecordedRun, Reorganised, Snapshot,
};
pub use error::CycleError;
pub use event::{
    Action, Actor, BodyDef, CorrectedInput, CycleDefinition, DataSource, Decision, DirectionState,
    Event, Member, Objection, Outcome, PenaltyFacts, PlannedStage, Schedule, SourceFile,
    SourceKind, Target,
};

pub use run::{
    content_hash, diff, BodyDiff, BodyResult, BodyTrace, Change, CriterionResult, GroupResult, Run,
    RunDiff, RunError, RunResults,
};

pub use bagalau_methodology::procedure::{ActionCode, Party};
