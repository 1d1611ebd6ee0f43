//! The cycle's state and its transitions: each action is checked against the state, the stage,
//! the party and the procedure's deadlines, then appended to the event list.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use bagalau_methodology::procedure::{
    ActionCode, DayUnit, DeadlineRule, Evaluation, Party, Procedure, ProcedureEvent,
    ReorganisationWindow, Stage,
};
use bagalau_methodology::{Citation, Edition, Group, NodeRole};
use calendar::{Calendar, Deadline};

use crate::clock::Clock;
use crate::error::{d, CycleError};
use crate::event::{
    Action, Actor, CycleDefinition, DataSource, Decision, Event, Member, Objection, Outcome,
    SourceFile, Target,
};

/// What a cycle needs besides its events: the editions its directions name and the calendar.
#[derive(Debug, Clone)]
pub struct Context {
    pub editions: Vec<Arc<Edition>>,
    pub calendar: Arc<Calendar>,
}

/// A deadline of one body's case: open (in time) or overdue, depending on the list asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub body: String,
    pub direction: String,
    /// The deadline's code in `procedure.toml`.
    pub code: String,
    pub name: String,
    pub reference: String,
    pub deadline: Deadline,
}

impl fmt::Display for DueItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "«{}» — орган «{}», направление «{}»: до {} включительно ({} со дня {}, {})",
            self.name,
            self.body,
            self.direction,
            d(self.deadline.last_day),
            self.deadline.period,
            d(self.deadline.event),
            self.reference
        )
    }
}

/// A body's reorganisation and what the procedure makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reorganised {
    pub date: NaiveDate,
    pub successor: Option<String>,
    pub window: ReorganisationWindow,
    pub evaluation: Evaluation,
    pub recommendations_to_successor: bool,
    pub reference: String,
}

/// A body of the cycle as the events leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyStatus {
    pub id: String,
    pub name: String,
    /// Whether the body gets its own evaluation (false for п.68 and п.69 of 2014).
    pub evaluated: bool,
    pub reorganised: Option<Reorganised>,
    /// Bodies evaluated within this one (its predecessors, п.68).
    pub evaluated_within: Vec<String>,
    /// Bodies whose findings become recommendations to this one (п.69, п.70).
    pub recommendations_from: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct Case {
    selected: bool,
    facts: usize,
    issued: Option<NaiveDate>,
    received: Option<NaiveDate>,
    objections: Vec<Objection>,
    objections_received: Option<NaiveDate>,
    no_objections: Option<NaiveDate>,
    table_formed: Option<NaiveDate>,
    decisions: Vec<Option<Decision>>,
    decisions_sent: Option<NaiveDate>,
}

impl Case {
    fn responded(&self) -> bool {
        self.objections_received.is_some() || self.no_objections.is_some()
    }
    fn all_decided(&self) -> bool {
        !self.decisions.is_empty() && self.decisions.iter().all(Option::is_some)
    }
}

#[derive(Debug, Clone)]
struct Commission {
    members: Vec<Member>,
    named: NaiveDate,
}

#[derive(Debug, Clone)]
struct Created {
    def: CycleDefinition,
    /// The edition of each direction, in the definition's order.
    editions: Vec<Arc<Edition>>,
}

/// An evaluation cycle: its events and the state they make.
#[derive(Debug, Clone)]
pub struct Cycle {
    ctx: Context,
    events: Vec<Event>,
    created: Option<Created>,
    stage: usize,
    reporting: BTreeSet<String>,
    reorganised: BTreeMap<String, Reorganised>,
    /// Persons who took part in evaluating each body.
    participants: BTreeMap<String, BTreeSet<String>>,
    cases: BTreeMap<(String, String), Case>,
    commissions: BTreeMap<String, Commission>,
    submitted: BTreeSet<(String, Option<String>)>,
    published: bool,
    runs: Vec<RecordedRun>,
    corrected: BTreeSet<(String, String, String)>,
    snapshot: Option<Snapshot>,
    /// Signatures of reconciliation acts: (body, direction) → (document, party).
    acts: BTreeMap<(String, String), Vec<(String, Party)>>,
}

/// The imported data of a cycle: content hashes of the snapshot and of the edition folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub data: String,
    pub edition: String,
    pub edition_hash: String,
}

/// A run recorded in the cycle and the administrator's decision on the bodies it moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRun {
    pub id: String,
    pub recorded: NaiveDate,
    pub moved_others: Vec<String>,
    /// Bodies (of `moved_others`) that receive corrected conclusions, once decided.
    pub send_to: Option<Vec<String>>,
}

fn is_hash(s: &str) -> bool {
    s.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

/// A source file as an event may name it: a plain file name (no folder, not hidden), a content
/// hash.
fn check_file(what: &Action, f: &SourceFile) -> Result<(), CycleError> {
    let name = f.name.as_str();
    if name.is_empty()
        || name.starts_with('.')
        || name.contains(['/', '\\', '\0'])
        || name.chars().any(char::is_control)
    {
        return Err(invalid(
            what,
            format!("«{name}» — недопустимое имя файла (только имя, без папок)"),
        ));
    }
    if !is_hash(&f.sha256) {
        return Err(invalid(
            what,
            format!("«{}» — не хеш содержимого (sha256:…)", f.sha256),
        ));
    }
    Ok(())
}

/// The provenance of imported data: files named and hashed, hashes of what was stored.
fn check_source(what: &Action, s: &DataSource) -> Result<(), CycleError> {
    if s.files.is_empty() {
        return Err(invalid(what, "источник данных без файлов"));
    }
    for f in &s.files {
        check_file(what, f)?;
    }
    for h in s.base.iter().chain(&s.evidence) {
        if !is_hash(h) {
            return Err(invalid(
                what,
                format!("«{h}» — не хеш содержимого (sha256:…)"),
            ));
        }
    }
    Ok(())
}

/// How a message to users cites an item: the act's paragraphs (`Citation::legal_reference`), or,
/// where the edition reconstructs the rule without one, «процедура редакции».
fn legal(c: &Citation) -> String {
    c.legal_reference()
        .unwrap_or_else(|| "процедура редакции".to_string())
}

/// The authorized bodies that evaluate `body` in `direction`: the direction's evaluator for it
/// (with the direction's exceptions) and every criterion-level evaluator of the direction's
/// criteria that apply to it (2014 п.9, 2023 п.5) — the edition's own data, not repeated.
fn evaluators_of<'a>(ed: &'a Edition, direction: &str, body: &str, group: Group) -> Vec<&'a str> {
    let mut out: Vec<&str> = ed
        .directions
        .iter()
        .find(|d| d.code == direction)
        .and_then(|d| d.evaluator_for(body))
        .into_iter()
        .collect();
    for (i, n) in ed.nodes.iter().enumerate() {
        if n.role == NodeRole::Criterion
            && n.applies.applies(group, body)
            && criterion_in_direction(ed, &n.code, direction)
        {
            if let Some(e) = ed.criterion_evaluator_for(i, body) {
                if !out.contains(&e) {
                    out.push(e);
                }
            }
        }
    }
    out
}

/// Whether `code` is a criterion under `direction` in the edition's tree.
fn criterion_in_direction(ed: &Edition, code: &str, direction: &str) -> bool {
    let mut at = code;
    // The tree is acyclic (checked at load); the bound only guards against a malformed value.
    for _ in 0..=ed.nodes.len() {
        let Some(n) = ed
            .nodes
            .iter()
            .find(|x| x.role == NodeRole::Criterion && x.code == at)
        else {
            return false;
        };
        match n.parent.as_deref() {
            Some(p) if p == direction => return true,
            Some(p) => at = p,
            None => return false,
        }
    }
    false
}

/// The body-level input a penalty item counts its facts from (`facts = "<input>"`): facts found
/// on re-verification replace it in the next run. An item whose facts are a formula of several
/// values cannot take counted facts.
pub fn penalty_input<'a>(ed: &'a Edition, item: &str) -> Result<&'a str, String> {
    let found = ed.nodes.iter().find_map(|n| match &n.body {
        bagalau_methodology::NodeBody::Penalty { items, .. } => {
            items.iter().find(|i| i.code == item)
        }
        bagalau_methodology::NodeBody::Formula(_) => None,
    });
    let Some(it) = found else {
        return Err(format!(
            "в редакции «{}» нет пункта вычетов «{item}»",
            ed.id
        ));
    };
    match &it.facts {
        bagalau_methodology::expr::Expr::Name(name, _)
            if ed.inputs.iter().any(|i| &i.code == name && i.table.is_none()) =>
        {
            Ok(name.as_str())
        }
        _ => Err(format!(
            "пункт вычетов «{item}» считает факты по формуле «{}»: число фактов перепроверки в неё не подставляется — исправление вносится решением по входным данным",
            it.facts_text
        )),
    }
}

fn out_of_order(action: &Action, reason: impl Into<String>) -> CycleError {
    CycleError::OutOfOrder {
        action: action.name_ru(),
        reason: reason.into(),
    }
}

fn invalid(action: &Action, reason: impl Into<String>) -> CycleError {
    CycleError::Invalid {
        action: action.name_ru(),
        reason: reason.into(),
    }
}

impl Cycle {
    /// A new cycle: the first event is its creation by `actor` (the administrator).
    pub fn create(
        ctx: Context,
        clock: &dyn Clock,
        actor: Actor,
        def: CycleDefinition,
    ) -> Result<Cycle, CycleError> {
        let mut c = Cycle::empty(ctx);
        c.apply(clock, actor, Action::Create(def))?;
        Ok(c)
    }

    /// Rebuilds a cycle from its stored events, checking every one as when it was recorded.
    pub fn replay(ctx: Context, events: &[Event]) -> Result<Cycle, CycleError> {
        let mut c = Cycle::empty(ctx);
        for ev in events {
            let expected = c.events.len() as u64 + 1;
            if ev.seq != expected {
                return Err(CycleError::Sequence {
                    expected,
                    got: ev.seq,
                });
            }
            c.check(ev)?;
            c.absorb(ev);
            c.events.push(ev.clone());
        }
        Ok(c)
    }

    fn empty(ctx: Context) -> Cycle {
        Cycle {
            ctx,
            events: Vec::new(),
            created: None,
            stage: 0,
            reporting: BTreeSet::new(),
            reorganised: BTreeMap::new(),
            participants: BTreeMap::new(),
            cases: BTreeMap::new(),
            commissions: BTreeMap::new(),
            submitted: BTreeSet::new(),
            published: false,
            runs: Vec::new(),
            corrected: BTreeSet::new(),
            snapshot: None,
            acts: BTreeMap::new(),
        }
    }

    /// Checks `what` by `actor` at the clock's time and, when allowed, records it.
    pub fn apply(
        &mut self,
        clock: &dyn Clock,
        actor: Actor,
        what: Action,
    ) -> Result<&Event, CycleError> {
        let ev = Event {
            seq: self.events.len() as u64 + 1,
            at: clock.now(),
            actor,
            what,
        };
        self.check(&ev)?;
        self.absorb(&ev);
        self.events.push(ev);
        self.events.last().ok_or(CycleError::NotCreated)
    }

    /// The events so far, in order (append-only).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn definition(&self) -> Option<&CycleDefinition> {
        self.created.as_ref().map(|c| &c.def)
    }

    /// The procedure of the cycle: that of the first direction's edition (stages and
    /// reorganisation are block-wide); deadlines, commission and decisions are per direction.
    pub fn procedure(&self) -> Option<&Procedure> {
        self.created
            .as_ref()
            .and_then(|c| c.editions.first())
            .and_then(|e| e.procedure.as_ref())
    }

    /// The stage now open.
    pub fn stage(&self) -> Option<&Stage> {
        self.procedure().and_then(|p| p.stages.get(self.stage))
    }

    pub fn is_published(&self) -> bool {
        self.published
    }

    /// The signatures of a body's reconciliation acts in a direction: (document, party).
    pub fn act_signatures(&self, body: &str, direction: &str) -> &[(String, Party)] {
        self.acts
            .get(&(body.to_string(), direction.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// The data imported, when it has been.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }

    /// The facts of re-verification recorded for a body (all directions), in order.
    pub fn penalty_facts(&self, body: &str) -> Vec<&crate::event::PenaltyFacts> {
        self.events
            .iter()
            .filter_map(|e| match &e.what {
                Action::RecordFacts {
                    body: b, penalties, ..
                } if b == body => Some(penalties.iter()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The inputs corrected by accepted objections: (body, direction, input, value), in the
    /// order decided.
    pub fn corrections(&self) -> Vec<(String, String, crate::event::CorrectedInput)> {
        let mut out = Vec::new();
        for e in &self.events {
            if let Action::Decide {
                body,
                direction,
                decision,
                ..
            } = &e.what
            {
                if let Outcome::Accepted { corrected } = &decision.outcome {
                    for c in corrected {
                        out.push((body.clone(), direction.clone(), c.clone()));
                    }
                }
            }
        }
        out
    }

    /// The runs recorded, in order (the last is the current one).
    pub fn runs(&self) -> &[RecordedRun] {
        &self.runs
    }

    /// The bodies moved by the last run whose corrected conclusions await the administrator's
    /// decision (empty when decided or when nothing moved).
    pub fn undecided_moved(&self) -> &[String] {
        match self.runs.last() {
            Some(r) if r.send_to.is_none() => &r.moved_others,
            _ => &[],
        }
    }

    /// The actions `party` may take in the current stage.
    pub fn allowed_actions(&self, party: Party) -> Vec<ActionCode> {
        self.stage()
            .map(|s| {
                s.actions
                    .iter()
                    .filter(|a| a.by.contains(&party))
                    .map(|a| a.action)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The objections a body made in a direction, with the decisions taken so far.
    pub fn objections(&self, body: &str, direction: &str) -> Vec<(&Objection, Option<&Decision>)> {
        self.cases
            .get(&(body.to_string(), direction.to_string()))
            .map(|c| {
                c.objections
                    .iter()
                    .zip(&c.decisions)
                    .map(|(o, d)| (o, d.as_ref()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The members of a direction's special commission, once named.
    pub fn commission(&self, direction: &str) -> Option<&[Member]> {
        self.commissions
            .get(direction)
            .map(|c| c.members.as_slice())
    }

    /// A body's deadline (by its code in `procedure.toml`), once its event has happened.
    pub fn deadline(
        &self,
        body: &str,
        direction: &str,
        code: &str,
    ) -> Result<Option<Deadline>, CycleError> {
        let Some(p) = self.direction_procedure(direction) else {
            return Err(CycleError::UnknownDirection(direction.to_string()));
        };
        let Some(rule) = p.deadlines.iter().find(|r| r.code == code) else {
            return Ok(None);
        };
        match self.event_date(rule.from, body, direction) {
            Some(e) => Ok(Some(self.compute(rule, e)?)),
            None => Ok(None),
        }
    }

    /// The bodies of the cycle and what their reorganisations make of them.
    pub fn bodies(&self) -> Vec<BodyStatus> {
        let Some(c) = &self.created else {
            return Vec::new();
        };
        c.def
            .bodies
            .iter()
            .map(|b| {
                let r = self.reorganised.get(&b.id).cloned();
                let from = |pred: &dyn Fn(&Reorganised) -> bool| -> Vec<String> {
                    self.reorganised
                        .iter()
                        .filter(|(_, r)| r.successor.as_deref() == Some(&b.id) && pred(r))
                        .map(|(id, _)| id.clone())
                        .collect()
                };
                BodyStatus {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    evaluated: r
                        .as_ref()
                        .is_none_or(|r| r.evaluation == Evaluation::ForPeriod),
                    evaluated_within: from(&|r| r.evaluation == Evaluation::WithinSuccessor),
                    recommendations_from: from(&|r| r.recommendations_to_successor),
                    reorganised: r,
                }
            })
            .collect()
    }

    /// The open stage and its planned last day, when the schedule sets one and `date` is past it.
    pub fn stage_overdue(&self, date: NaiveDate) -> Option<(&Stage, NaiveDate)> {
        let stage = self.stage()?;
        let until = self
            .created
            .as_ref()?
            .def
            .schedule
            .stage_ends
            .iter()
            .find(|p| p.stage == stage.code)?
            .until;
        (date > until && !self.published).then_some((stage, until))
    }

    /// Deadlines whose event happened, not yet met, and past on `date` (none after publication).
    pub fn overdue(&self, date: NaiveDate) -> Result<Vec<DueItem>, CycleError> {
        self.due(date, true)
    }

    /// Deadlines whose event happened, not yet met, and still running on `date` (none after
    /// publication).
    pub fn open_items(&self, date: NaiveDate) -> Result<Vec<DueItem>, CycleError> {
        self.due(date, false)
    }

    fn due(&self, date: NaiveDate, overdue: bool) -> Result<Vec<DueItem>, CycleError> {
        let mut out = Vec::new();
        // Publication closes the cycle: no action is possible after it, so nothing is due.
        if self.published {
            return Ok(out);
        }
        for ((body, direction), case) in &self.cases {
            let Some(p) = self.direction_procedure(direction) else {
                continue;
            };
            for rule in &p.deadlines {
                let Some(event) = self.event_date(rule.from, body, direction) else {
                    continue;
                };
                if rule.limits.iter().all(|a| self.done(case, direction, *a)) {
                    continue;
                }
                let deadline = self.compute(rule, event)?;
                if deadline.is_on_or_before(date) != overdue {
                    out.push(DueItem {
                        body: body.clone(),
                        direction: direction.clone(),
                        code: rule.code.clone(),
                        name: rule.name.clone(),
                        reference: legal(&rule.cite),
                        deadline,
                    });
                }
            }
        }
        Ok(out)
    }

    /// Whether an action limited by a deadline has been taken in a case.
    fn done(&self, case: &Case, direction: &str, a: ActionCode) -> bool {
        match a {
            ActionCode::Object | ActionCode::NotifyNoObjections => case.responded(),
            ActionCode::FormDisagreementTable => case.table_formed.is_some(),
            ActionCode::Decide => case.all_decided(),
            ActionCode::SendDecisions => case.decisions_sent.is_some(),
            ActionCode::IssueConclusion => case.issued.is_some(),
            ActionCode::RecordReceipt => case.received.is_some(),
            ActionCode::SelectForReverification => case.selected,
            ActionCode::RecordFacts => case.facts > 0,
            ActionCode::NameCommission => self.commissions.contains_key(direction),
            ActionCode::Publish => self.published,
            ActionCode::SubmitResults => self.submitted.iter().any(|(d, _)| d == direction),
            ActionCode::SubmitReporting | ActionCode::RecordReorganisation => false,
        }
    }

    fn event_date(&self, e: ProcedureEvent, body: &str, direction: &str) -> Option<NaiveDate> {
        let case = self.cases.get(&(body.to_string(), direction.to_string()))?;
        match e {
            ProcedureEvent::ConclusionReceived => case.received,
            ProcedureEvent::ObjectionsReceived => case.objections_received,
            ProcedureEvent::DisagreementTableFormed => case.table_formed,
            ProcedureEvent::CommissionNamed => self.commissions.get(direction).map(|c| c.named),
        }
    }

    fn compute(&self, rule: &DeadlineRule, event: NaiveDate) -> Result<Deadline, CycleError> {
        let cal = &self.ctx.calendar;
        Ok(match rule.unit {
            DayUnit::WorkingDays => cal.deadline_working_days(event, rule.length)?,
            DayUnit::CalendarDays => {
                let mut dl = cal.deadline_calendar_days(event, rule.length)?;
                if rule.roll_to_working_day {
                    dl.last_day = cal.next_working_day_on_or_after(dl.last_day)?;
                }
                dl
            }
        })
    }

    fn direction_index(&self, direction: &str) -> Option<usize> {
        self.created
            .as_ref()?
            .def
            .directions
            .iter()
            .position(|d| d.direction == direction)
    }

    fn direction_edition(&self, direction: &str) -> Option<&Arc<Edition>> {
        let i = self.direction_index(direction)?;
        self.created.as_ref()?.editions.get(i)
    }

    fn direction_procedure(&self, direction: &str) -> Option<&Procedure> {
        self.direction_edition(direction)?.procedure.as_ref()
    }

    // -----------------------------------------------------------------------------------------
    // Checking an event.

    fn check(&self, ev: &Event) -> Result<(), CycleError> {
        if let Some(last) = self.events.last() {
            if ev.at < last.at {
                return Err(CycleError::ClockBackwards {
                    at: ev.at,
                    last: last.at,
                });
            }
        }
        if let Action::Create(def) = &ev.what {
            if self.created.is_some() {
                return Err(CycleError::AlreadyCreated);
            }
            if ev.actor.party != Party::Administrator {
                return Err(CycleError::WrongOrganisation {
                    action: ev.what.name_ru(),
                    expected: Party::Administrator.name_ru().to_string(),
                    got: ev.actor.party.name_ru().to_string(),
                });
            }
            self.resolve(def)?;
            return Ok(());
        }
        let Some(created) = &self.created else {
            return Err(CycleError::NotCreated);
        };
        if self.published {
            return Err(CycleError::Closed(ev.what.name_ru()));
        }
        let lead_id = || {
            created
                .editions
                .first()
                .map(|e| e.id.clone())
                .unwrap_or_default()
        };
        let Some(lead) = self.procedure() else {
            return Err(CycleError::NoProcedure(lead_id()));
        };
        let today = ev.at.date();

        if let Action::OpenStage { stage } = &ev.what {
            if ev.actor.party != Party::Administrator {
                return Err(CycleError::WrongOrganisation {
                    action: ev.what.name_ru(),
                    expected: Party::Administrator.name_ru().to_string(),
                    got: ev.actor.party.name_ru().to_string(),
                });
            }
            let Some(next) = lead.stages.get(self.stage + 1) else {
                return Err(CycleError::StageOrder {
                    requested: stage.clone(),
                    expected: "— (этапов больше нет)".into(),
                });
            };
            if &next.code != stage {
                return Err(CycleError::StageOrder {
                    requested: stage.clone(),
                    expected: format!("«{}» ({})", next.code, next.name),
                });
            }
            let Some(current) = lead.stages.get(self.stage) else {
                return Err(CycleError::NoProcedure(lead_id()));
            };
            let allows = |s: &Stage, a: ActionCode| s.actions.iter().any(|x| x.action == a);
            let mut open = Vec::new();
            for item in self.open_items(today)? {
                let Some(p) = self.direction_procedure(&item.direction) else {
                    continue;
                };
                let Some(rule) = p.deadlines.iter().find(|r| r.code == item.code) else {
                    continue;
                };
                if rule
                    .limits
                    .iter()
                    .any(|a| allows(current, *a) && !allows(next, *a))
                {
                    open.push(item);
                }
            }
            if !open.is_empty() {
                return Err(CycleError::OpenItems(open));
            }
            return Ok(());
        }

        if let Action::SignAct {
            body,
            direction,
            document,
        } = &ev.what
        {
            return self.check_sign_act(ev, created, body, direction, document);
        }
        if matches!(
            ev.what,
            Action::ImportData { .. }
                | Action::RecordRun { .. }
                | Action::DecideCorrectedConclusions { .. }
                | Action::IssueCorrectedConclusion { .. }
        ) {
            if ev.actor.party != Party::Administrator {
                return Err(CycleError::WrongOrganisation {
                    action: ev.what.name_ru(),
                    expected: Party::Administrator.name_ru().to_string(),
                    got: ev.actor.party.name_ru().to_string(),
                });
            }
            return self.check_run_action(&ev.what, created);
        }
        let Some(code) = ev.what.code() else {
            return Err(CycleError::NotCreated);
        };
        // The stage and the party.
        let stage = self
            .stage()
            .ok_or_else(|| CycleError::NoProcedure(lead_id()))?;
        let Some(sa) = stage.actions.iter().find(|a| a.action == code) else {
            return Err(CycleError::NotInStage {
                action: code,
                stage: stage.name.clone(),
            });
        };
        if !sa.by.contains(&ev.actor.party) {
            return Err(CycleError::PartyNotAllowed {
                action: code,
                stage: stage.name.clone(),
                party: ev.actor.party,
                allowed: sa
                    .by
                    .iter()
                    .map(|p| p.name_ru())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        // The body and direction the action concerns.
        let body = match &ev.what {
            Action::SubmitReporting { body, .. } => Some(body.as_str()),
            Action::SubmitResults { body, .. } => body.as_deref(),
            other => other.case().map(|(b, _)| b),
        };
        let direction = match &ev.what {
            Action::NameCommission { direction, .. } | Action::SubmitResults { direction, .. } => {
                Some(direction.as_str())
            }
            other => other.case().map(|(_, d)| d),
        };
        if let Some(b) = body {
            if !created.def.bodies.iter().any(|x| x.id == b) {
                return Err(CycleError::UnknownBody(b.to_string()));
            }
            if let Some(r) = self.reorganised.get(b) {
                if r.evaluation != Evaluation::ForPeriod {
                    return Err(CycleError::NotEvaluated {
                        body: b.to_string(),
                        consequence: format!(
                            "реорганизован(о) {} {}: {}",
                            d(r.date),
                            r.window.name_ru(),
                            r.evaluation.name_ru()
                        ),
                        reference: r.reference.clone(),
                        action: ev.what.name_ru(),
                    });
                }
            }
        }
        let edition = match direction {
            Some(dir) => Some(
                self.direction_edition(dir)
                    .ok_or_else(|| CycleError::UnknownDirection(dir.to_string()))?,
            ),
            None => None,
        };
        // Who, within the party.
        match ev.actor.party {
            Party::AuthorizedBody => {
                if let (Some(ed), Some(dir)) = (edition, direction) {
                    let expected: Vec<&str> = match body {
                        Some(b) => {
                            let group = created.def.bodies.iter().find(|x| x.id == b);
                            group.map_or_else(Vec::new, |x| evaluators_of(ed, dir, b, x.group))
                        }
                        None => ed
                            .directions
                            .iter()
                            .find(|x| x.code == dir)
                            .and_then(|x| x.evaluator.as_deref())
                            .into_iter()
                            .collect(),
                    };
                    if expected.is_empty() {
                        return Err(invalid(
                            &ev.what,
                            format!("редакция «{}» не называет уполномоченный на оценку орган направления «{dir}»", ed.id),
                        ));
                    }
                    if !expected.contains(&ev.actor.organisation.as_str()) {
                        return Err(CycleError::WrongOrganisation {
                            action: ev.what.name_ru(),
                            expected: expected
                                .iter()
                                .map(|e| format!("«{e}»"))
                                .collect::<Vec<_>>()
                                .join(" или "),
                            got: ev.actor.organisation.clone(),
                        });
                    }
                }
            }
            Party::EvaluatedBody => {
                if let Some(b) = body {
                    if b != ev.actor.organisation {
                        return Err(CycleError::WrongOrganisation {
                            action: ev.what.name_ru(),
                            expected: format!("сам орган «{b}»"),
                            got: ev.actor.organisation.clone(),
                        });
                    }
                }
            }
            Party::Commission | Party::Administrator => {}
        }
        self.check_action(ev, created, today)?;
        // Deadlines that limit the action.
        if let (Some(b), Some(dir)) = (body, direction) {
            if let Some(p) = self.direction_procedure(dir) {
                for rule in p.deadlines_for(code) {
                    if let Some(event) = self.event_date(rule.from, b, dir) {
                        let dl = self.compute(rule, event)?;
                        dl.check(today).map_err(|late| CycleError::Late {
                            action: ev.what.name_ru(),
                            reference: legal(&rule.cite),
                            late,
                        })?;
                    }
                }
            }
        }
        Ok(())
    }

    fn case(&self, body: &str, direction: &str) -> Option<&Case> {
        self.cases.get(&(body.to_string(), direction.to_string()))
    }

    /// The preconditions and contents of each action.
    fn check_action(
        &self,
        ev: &Event,
        created: &Created,
        today: NaiveDate,
    ) -> Result<(), CycleError> {
        let what = &ev.what;
        match what {
            Action::Create(_)
            | Action::OpenStage { .. }
            | Action::ImportData { .. }
            | Action::SignAct { .. }
            | Action::RecordRun { .. }
            | Action::DecideCorrectedConclusions { .. }
            | Action::IssueCorrectedConclusion { .. } => Ok(()),
            Action::RecordReorganisation {
                body,
                date,
                successor,
            } => self.check_reorganisation(created, body, *date, successor.as_deref()),
            Action::SubmitReporting { body, form } => {
                if self.reporting.contains(body) {
                    return Err(out_of_order(what, "отчётная информация уже представлена"));
                }
                if let Some(f) = form {
                    check_file(what, f)?;
                }
                Ok(())
            }
            Action::SelectForReverification {
                body,
                direction,
                reason,
            } => {
                if reason.trim().is_empty() {
                    return Err(invalid(what, "не указано основание отбора (риск)"));
                }
                if self.case(body, direction).is_some_and(|c| c.selected) {
                    return Err(out_of_order(what, "орган уже отобран для перепроверки"));
                }
                Ok(())
            }
            Action::RecordFacts {
                description,
                direction,
                penalties,
                ..
            } => {
                if description.trim().is_empty() {
                    return Err(invalid(what, "пустое описание фактов"));
                }
                let ed = self
                    .direction_edition(direction)
                    .ok_or_else(|| CycleError::UnknownDirection(direction.clone()))?;
                for p in penalties {
                    penalty_input(ed, &p.item).map_err(|reason| invalid(what, reason))?;
                }
                Ok(())
            }
            Action::IssueConclusion {
                body,
                direction,
                document,
                ..
            } => {
                if !is_hash(document) {
                    return Err(invalid(
                        what,
                        format!("«{document}» — не хеш содержимого документа (sha256:…)"),
                    ));
                }
                if self
                    .case(body, direction)
                    .is_some_and(|c| c.issued.is_some())
                {
                    return Err(out_of_order(what, "заключение уже направлено"));
                }
                Ok(())
            }
            Action::RecordReceipt {
                body,
                direction,
                received,
            } => {
                let Some(issued) = self.case(body, direction).and_then(|c| c.issued) else {
                    return Err(out_of_order(what, "заключение органу ещё не направлено"));
                };
                if self
                    .case(body, direction)
                    .is_some_and(|c| c.received.is_some())
                {
                    return Err(out_of_order(
                        what,
                        "получение заключения уже зарегистрировано",
                    ));
                }
                if *received < issued || *received > today {
                    return Err(invalid(
                        what,
                        format!(
                            "дата получения {} должна быть не раньше направления ({}) и не позже сегодняшнего дня ({})",
                            d(*received),
                            d(issued),
                            d(today)
                        ),
                    ));
                }
                Ok(())
            }
            Action::Object {
                body,
                direction,
                objections,
            } => {
                let case = self.case(body, direction);
                if case.and_then(|c| c.received).is_none() {
                    return Err(out_of_order(
                        what,
                        "получение заключения не зарегистрировано: срок возражений ещё не начался",
                    ));
                }
                if case.is_some_and(Case::responded) {
                    return Err(out_of_order(
                        what,
                        "возражения или уведомление об их отсутствии уже направлены",
                    ));
                }
                if objections.is_empty() {
                    return Err(invalid(what, "не указано ни одного возражения"));
                }
                let ed = self
                    .direction_edition(direction)
                    .ok_or_else(|| CycleError::UnknownDirection(direction.clone()))?;
                for (i, o) in objections.iter().enumerate() {
                    let n = i + 1;
                    match &o.target {
                        Target::Criterion(c) => {
                            if !criterion_in_direction(ed, c, direction) {
                                return Err(invalid(
                                    what,
                                    format!(
                                        "возражение № {n}: в редакции «{}» нет критерия «{c}» направления «{direction}»",
                                        ed.id
                                    ),
                                ));
                            }
                        }
                        Target::Input(c) => {
                            if !ed.inputs.iter().any(|x| &x.code == c) {
                                return Err(invalid(
                                    what,
                                    format!("возражение № {n}: в редакции «{}» нет входных данных «{c}»", ed.id),
                                ));
                            }
                        }
                    }
                    if o.text.trim().is_empty() {
                        return Err(invalid(what, format!("возражение № {n}: пустой текст")));
                    }
                    if let Some(bad) = o.evidence.iter().find(|h| !is_hash(h)) {
                        return Err(invalid(
                            what,
                            format!(
                                "возражение № {n}: «{bad}» — не хеш содержимого файла (sha256:…)"
                            ),
                        ));
                    }
                }
                Ok(())
            }
            Action::NotifyNoObjections { body, direction } => {
                let case = self.case(body, direction);
                if case.and_then(|c| c.received).is_none() {
                    return Err(out_of_order(
                        what,
                        "получение заключения не зарегистрировано",
                    ));
                }
                if case.is_some_and(Case::responded) {
                    return Err(out_of_order(
                        what,
                        "возражения или уведомление об их отсутствии уже направлены",
                    ));
                }
                Ok(())
            }
            Action::FormDisagreementTable { body, direction } => {
                let case = self.case(body, direction);
                if case.and_then(|c| c.objections_received).is_none() {
                    return Err(out_of_order(what, "возражений от органа не поступало"));
                }
                if case.is_some_and(|c| c.table_formed.is_some()) {
                    return Err(out_of_order(what, "таблица разногласий уже сформирована"));
                }
                Ok(())
            }
            Action::NameCommission { direction, members } => {
                self.check_commission(what, direction, members)
            }
            Action::Decide {
                body,
                direction,
                objection,
                decision,
            } => self.check_decision(ev, body, direction, *objection, decision),
            Action::SendDecisions { body, direction } => {
                let case = self.case(body, direction);
                if !case.is_some_and(Case::all_decided) {
                    return Err(out_of_order(
                        what,
                        "решения приняты не по всем возражениям органа",
                    ));
                }
                if case.is_some_and(|c| c.decisions_sent.is_some()) {
                    return Err(out_of_order(
                        what,
                        "заключения по возражениям уже направлены",
                    ));
                }
                Ok(())
            }
            Action::SubmitResults { direction, body } => {
                self.check_moved_decided(what)?;
                if self.submitted.contains(&(direction.clone(), body.clone())) {
                    return Err(out_of_order(what, "итоговые заключения уже внесены"));
                }
                let pending: Vec<&str> = self
                    .cases
                    .iter()
                    .filter(|((b, dir), c)| {
                        dir == direction
                            && body.as_ref().is_none_or(|x| x == b)
                            && c.objections_received.is_some()
                            && c.decisions_sent.is_none()
                    })
                    .map(|((b, _), _)| b.as_str())
                    .collect();
                if !pending.is_empty() {
                    return Err(out_of_order(
                        what,
                        format!(
                            "не направлены заключения по возражениям органов: {}",
                            pending.join(", ")
                        ),
                    ));
                }
                Ok(())
            }
            Action::Publish => self.check_moved_decided(what),
        }
    }

    /// No silent default: results are not submitted or published while the bodies the last run
    /// moved wait for the administrator's decision.
    fn check_moved_decided(&self, what: &Action) -> Result<(), CycleError> {
        let moved = self.undecided_moved();
        if moved.is_empty() {
            return Ok(());
        }
        Err(out_of_order(
            what,
            format!(
                "пересчёт изменил результаты органов, не подававших возражений ({}), а решение о направлении им исправленных заключений не принято",
                moved.join(", ")
            ),
        ))
    }

    /// A reconciliation act signed: by the body's evaluator in the direction or by the body,
    /// once facts of re-verification are recorded for it.
    fn check_sign_act(
        &self,
        ev: &Event,
        created: &Created,
        body: &str,
        direction: &str,
        document: &str,
    ) -> Result<(), CycleError> {
        let what = &ev.what;
        let Some(def) = created.def.bodies.iter().find(|b| b.id == body) else {
            return Err(CycleError::UnknownBody(body.to_string()));
        };
        let ed = self
            .direction_edition(direction)
            .ok_or_else(|| CycleError::UnknownDirection(direction.to_string()))?;
        match ev.actor.party {
            Party::AuthorizedBody => {
                let expected = evaluators_of(ed, direction, body, def.group);
                if !expected.contains(&ev.actor.organisation.as_str()) {
                    return Err(CycleError::WrongOrganisation {
                        action: what.name_ru(),
                        expected: expected
                            .iter()
                            .map(|e| format!("«{e}»"))
                            .collect::<Vec<_>>()
                            .join(" или "),
                        got: ev.actor.organisation.clone(),
                    });
                }
            }
            Party::EvaluatedBody if ev.actor.organisation == body => {}
            _ => {
                return Err(CycleError::WrongOrganisation {
                    action: what.name_ru(),
                    expected: format!("уполномоченный орган или сам орган «{body}»"),
                    got: ev.actor.organisation.clone(),
                })
            }
        }
        if !is_hash(document) {
            return Err(invalid(
                what,
                format!("«{document}» — не хеш содержимого документа (sha256:…)"),
            ));
        }
        if self.case(body, direction).is_none_or(|c| c.facts == 0) {
            return Err(out_of_order(
                what,
                "факты перепроверки по органу в этом направлении не зафиксированы",
            ));
        }
        if self
            .act_signatures(body, direction)
            .iter()
            .any(|(d, p)| d == document && *p == ev.actor.party)
        {
            return Err(out_of_order(what, "акт уже подписан этой стороной"));
        }
        Ok(())
    }

    /// Recording runs, the decision on moved bodies and corrected conclusions.
    fn check_run_action(&self, what: &Action, created: &Created) -> Result<(), CycleError> {
        let known = |b: &str| -> Result<(), CycleError> {
            if created.def.bodies.iter().any(|x| x.id == b) {
                Ok(())
            } else {
                Err(CycleError::UnknownBody(b.to_string()))
            }
        };
        let last = self.runs.last();
        match what {
            Action::ImportData {
                snapshot,
                edition,
                edition_hash,
                source,
            } => {
                for h in [snapshot, edition_hash] {
                    if !is_hash(h) {
                        return Err(invalid(
                            what,
                            format!("«{h}» — не хеш содержимого (sha256:…)"),
                        ));
                    }
                }
                if let Some(s) = source {
                    check_source(what, s)?;
                }
                if !created.editions.iter().any(|e| &e.id == edition) {
                    return Err(CycleError::UnknownEdition(edition.clone()));
                }
                if let Some(r) = last {
                    return Err(out_of_order(
                        what,
                        format!(
                            "расчёт {} уже зарегистрирован: после него данные исправляются только решениями комиссии и фактами перепроверки",
                            r.id
                        ),
                    ));
                }
                Ok(())
            }
            Action::RecordRun {
                run,
                previous,
                moved_others,
            } => {
                if !is_hash(run) {
                    return Err(invalid(
                        what,
                        format!("«{run}» — не хеш расчёта (sha256:…)"),
                    ));
                }
                if self.runs.iter().any(|r| &r.id == run) {
                    return Err(out_of_order(
                        what,
                        format!("расчёт {run} уже зарегистрирован"),
                    ));
                }
                if previous.as_deref() != last.map(|r| r.id.as_str()) {
                    return Err(out_of_order(
                        what,
                        format!(
                            "предыдущий расчёт — {}, а указан {}",
                            last.map_or("нет", |r| r.id.as_str()),
                            previous.as_deref().unwrap_or("нет")
                        ),
                    ));
                }
                if self.snapshot.is_none() {
                    return Err(out_of_order(what, "данные оценки не загружены"));
                }
                if previous.is_none() && !moved_others.is_empty() {
                    return Err(invalid(
                        what,
                        "первый расчёт не может изменить результаты других органов",
                    ));
                }
                if let Some(b) = last.filter(|r| r.send_to.is_none() && !r.moved_others.is_empty())
                {
                    return Err(out_of_order(
                        what,
                        format!(
                            "не принято решение о направлении исправленных заключений органам, чьи результаты изменил расчёт {}: {}",
                            b.id,
                            b.moved_others.join(", ")
                        ),
                    ));
                }
                for b in moved_others {
                    known(b)?;
                }
                Ok(())
            }
            Action::DecideCorrectedConclusions {
                run,
                send_to,
                withheld,
                reasons,
            } => {
                let Some(r) = last.filter(|r| &r.id == run) else {
                    return Err(out_of_order(
                        what,
                        format!("{run} — не последний зарегистрированный расчёт"),
                    ));
                };
                if r.send_to.is_some() {
                    return Err(out_of_order(what, "решение по этому расчёту уже принято"));
                }
                if reasons.trim().is_empty() {
                    return Err(invalid(what, "не указаны основания решения"));
                }
                let mut named: Vec<&String> = send_to.iter().chain(withheld).collect();
                named.sort();
                let n = named.len();
                named.dedup();
                if named.len() != n {
                    return Err(invalid(what, "орган назван в решении дважды"));
                }
                let mut moved: Vec<&String> = r.moved_others.iter().collect();
                moved.sort();
                if named != moved {
                    return Err(invalid(
                        what,
                        format!(
                            "решение должно назвать каждый орган, чьи результаты изменились, ровно один раз: {}",
                            r.moved_others.join(", ")
                        ),
                    ));
                }
                Ok(())
            }
            Action::IssueCorrectedConclusion {
                body,
                direction,
                run,
                document,
            } => {
                known(body)?;
                if self.direction_index(direction).is_none() {
                    return Err(CycleError::UnknownDirection(direction.clone()));
                }
                if !is_hash(document) {
                    return Err(invalid(
                        what,
                        format!("«{document}» — не хеш содержимого документа (sha256:…)"),
                    ));
                }
                let Some(r) = last.filter(|r| &r.id == run) else {
                    return Err(out_of_order(
                        what,
                        format!("{run} — не последний зарегистрированный расчёт"),
                    ));
                };
                let upheld = self.case(body, direction).is_some_and(|c| {
                    c.decisions_sent.is_some()
                        && c.decisions.iter().any(|d| {
                            d.as_ref()
                                .is_some_and(|d| matches!(d.outcome, Outcome::Accepted { .. }))
                        })
                });
                let decided = r
                    .send_to
                    .as_ref()
                    .is_some_and(|s| s.iter().any(|x| x == body));
                if !upheld && !decided {
                    return Err(out_of_order(
                        what,
                        format!(
                            "орган «{body}» не получил удовлетворённого решения по возражениям и не назван в решении администратора о направлении исправленных заключений"
                        ),
                    ));
                }
                if self
                    .corrected
                    .contains(&(body.clone(), direction.clone(), run.clone()))
                {
                    return Err(out_of_order(
                        what,
                        "исправленное заключение по этому расчёту уже направлено",
                    ));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn check_commission(
        &self,
        what: &Action,
        direction: &str,
        members: &[Member],
    ) -> Result<(), CycleError> {
        if self.commissions.contains_key(direction) {
            return Err(out_of_order(what, "специальная комиссия уже образована"));
        }
        let p = self
            .direction_procedure(direction)
            .ok_or_else(|| CycleError::UnknownDirection(direction.to_string()))?;
        let Some(rule) = &p.commission else {
            return Err(invalid(
                what,
                "процедура редакции не предусматривает комиссии",
            ));
        };
        let persons: BTreeSet<&str> = members.iter().map(|m| m.person.as_str()).collect();
        if persons.len() != members.len() {
            return Err(invalid(what, "один и тот же человек назван дважды"));
        }
        if members.iter().any(|m| m.person.trim().is_empty()) {
            return Err(invalid(what, "не указано имя члена комиссии"));
        }
        if members.len() < rule.min_members as usize {
            return Err(CycleError::CommissionTooSmall {
                members: members.len(),
                min: rule.min_members,
                reference: legal(&rule.cite),
            });
        }
        if rule.exclude_evaluators {
            for ((body, dir), case) in &self.cases {
                if dir != direction || case.objections_received.is_none() {
                    continue;
                }
                if let Some(m) = members.iter().find(|m| self.took_part(&m.person, body)) {
                    return Err(CycleError::MemberEvaluatedBody {
                        member: m.person.clone(),
                        body: body.clone(),
                        reference: legal(&rule.cite),
                    });
                }
            }
        }
        Ok(())
    }

    fn took_part(&self, person: &str, body: &str) -> bool {
        self.participants
            .get(body)
            .is_some_and(|s| s.contains(person))
    }

    fn check_decision(
        &self,
        ev: &Event,
        body: &str,
        direction: &str,
        objection: usize,
        decision: &Decision,
    ) -> Result<(), CycleError> {
        let what = &ev.what;
        let Some(commission) = self.commissions.get(direction) else {
            return Err(out_of_order(what, "специальная комиссия не образована"));
        };
        if !commission
            .members
            .iter()
            .any(|m| m.person == ev.actor.person)
        {
            return Err(CycleError::WrongOrganisation {
                action: what.name_ru(),
                expected: "член специальной комиссии".into(),
                got: ev.actor.person.clone(),
            });
        }
        let p = self
            .direction_procedure(direction)
            .ok_or_else(|| CycleError::UnknownDirection(direction.to_string()))?;
        if let Some(rule) = &p.commission {
            if rule.exclude_evaluators && self.took_part(&ev.actor.person, body) {
                return Err(CycleError::MemberEvaluatedBody {
                    member: ev.actor.person.clone(),
                    body: body.to_string(),
                    reference: legal(&rule.cite),
                });
            }
        }
        let Some(case) = self.case(body, direction) else {
            return Err(out_of_order(what, "возражений от органа не поступало"));
        };
        if case.objections_received.is_none() {
            return Err(out_of_order(what, "возражений от органа не поступало"));
        }
        if case.table_formed.is_none() {
            return Err(out_of_order(
                what,
                "таблица разногласий не сформирована и не внесена на рассмотрение комиссии",
            ));
        }
        let Some(existing) = case.decisions.get(objection) else {
            return Err(invalid(
                what,
                format!(
                    "у органа {} возражений, № {} нет",
                    case.objections.len(),
                    objection + 1
                ),
            ));
        };
        let rule = p.decisions.as_ref();
        if existing.is_some() {
            if let Some(r) = rule.filter(|r| r.is_final) {
                return Err(CycleError::DecisionFinal {
                    body: body.to_string(),
                    number: objection + 1,
                    reference: legal(&r.cite),
                });
            }
        }
        if rule.is_some_and(|r| r.reasons_required) && decision.reasons.trim().is_empty() {
            return Err(invalid(
                what,
                "решение должно быть обоснованным: укажите причины",
            ));
        }
        if let Outcome::Accepted { corrected } = &decision.outcome {
            if corrected.is_empty() {
                return Err(invalid(
                    what,
                    "принятое возражение должно указывать исправленные входные данные",
                ));
            }
            let ed = self
                .direction_edition(direction)
                .ok_or_else(|| CycleError::UnknownDirection(direction.to_string()))?;
            for c in corrected {
                let Some(input) = ed.inputs.iter().find(|i| i.code == c.input) else {
                    return Err(invalid(
                        what,
                        format!("в редакции «{}» нет входных данных «{}»", ed.id, c.input),
                    ));
                };
                if input.table.is_some() {
                    return Err(invalid(
                        what,
                        format!(
                            "«{}» задаётся по строкам таблицы; решение исправляет только показатели органа",
                            c.input
                        ),
                    ));
                }
                if input.ty == bagalau_methodology::InputType::Bool {
                    if !matches!(
                        c.value.trim().to_lowercase().as_str(),
                        "true" | "false" | "да" | "нет"
                    ) {
                        return Err(invalid(
                            what,
                            format!(
                                "«{}» — не логическое значение (true/false, да/нет; входные данные «{}»)",
                                c.value, c.input
                            ),
                        ));
                    }
                } else if bagalau_methodology::parse_decimal(&c.value).is_none() {
                    return Err(invalid(
                        what,
                        format!("«{}» — не число (входные данные «{}»)", c.value, c.input),
                    ));
                }
            }
        }
        Ok(())
    }

    fn window(&self, created: &Created, date: NaiveDate) -> Result<ReorganisationWindow, String> {
        let year = created.def.period;
        if date.year() == year {
            Ok(if date.month() <= 6 {
                ReorganisationWindow::FirstHalf
            } else {
                ReorganisationWindow::SecondHalf
            })
        } else if date.year() == year + 1 && date <= created.def.schedule.reporting_deadline {
            Ok(ReorganisationWindow::AfterPeriodBeforeReporting)
        } else {
            Err(format!(
                "дата вне оцениваемого {year} года и после срока представления отчётных данных ({}): процедура таких случаев не определяет",
                d(created.def.schedule.reporting_deadline)
            ))
        }
    }

    fn check_reorganisation(
        &self,
        created: &Created,
        body: &str,
        date: NaiveDate,
        successor: Option<&str>,
    ) -> Result<(), CycleError> {
        let err = |reason: String| CycleError::Reorganisation {
            body: body.to_string(),
            date: d(date),
            reason,
        };
        if !created.def.bodies.iter().any(|b| b.id == body) {
            return Err(CycleError::UnknownBody(body.to_string()));
        }
        if self.reorganised.contains_key(body) {
            return Err(err("реорганизация органа уже зарегистрирована".into()));
        }
        if let Some(s) = successor {
            if s == body {
                return Err(err("орган не может быть собственным правопреемником".into()));
            }
            if !created.def.bodies.iter().any(|b| b.id == s) {
                return Err(CycleError::UnknownBody(s.to_string()));
            }
        }
        self.consequence(created, date, successor)
            .map(|_| ())
            .map_err(err)
    }

    /// The procedure's rule for a reorganisation on `date`.
    fn consequence(
        &self,
        created: &Created,
        date: NaiveDate,
        successor: Option<&str>,
    ) -> Result<Reorganised, String> {
        let window = self.window(created, date)?;
        let p = self
            .procedure()
            .ok_or_else(|| "нет процедуры оценки".to_string())?;
        let rule = p.reorganisation_rule(window).ok_or_else(|| {
            format!(
                "процедура редакции не определяет реорганизацию {}",
                window.name_ru()
            )
        })?;
        if successor.is_none()
            && (rule.evaluation == Evaluation::WithinSuccessor || rule.recommendations_to_successor)
        {
            return Err(format!(
                "не указан правопреемник, а по {} {}{}",
                legal(&rule.cite),
                rule.evaluation.name_ru(),
                if rule.recommendations_to_successor {
                    " и результаты передаются правопреемнику"
                } else {
                    ""
                }
            ));
        }
        Ok(Reorganised {
            date,
            successor: successor.map(str::to_string),
            window,
            evaluation: rule.evaluation,
            recommendations_to_successor: rule.recommendations_to_successor,
            reference: legal(&rule.cite),
        })
    }

    /// The editions of a definition, checked against it.
    fn resolve(&self, def: &CycleDefinition) -> Result<Vec<Arc<Edition>>, CycleError> {
        if def.directions.is_empty() {
            return Err(CycleError::Definition(
                "не указано ни одного направления".into(),
            ));
        }
        if def.bodies.is_empty() {
            return Err(CycleError::Definition("не указано ни одного органа".into()));
        }
        let mut ids = BTreeSet::new();
        for b in &def.bodies {
            if !ids.insert(b.id.as_str()) {
                return Err(CycleError::Definition(format!(
                    "орган «{}» указан дважды",
                    b.id
                )));
            }
        }
        if def.schedule.reporting_deadline.year() != def.period + 1 {
            return Err(CycleError::Definition(format!(
                "срок представления отчётных данных {} должен приходиться на год, следующий за оцениваемым {}",
                d(def.schedule.reporting_deadline),
                def.period
            )));
        }
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for ds in &def.directions {
            if !seen.insert(ds.direction.as_str()) {
                return Err(CycleError::Definition(format!(
                    "направление «{}» указано дважды",
                    ds.direction
                )));
            }
            let ed = self
                .ctx
                .editions
                .iter()
                .find(|e| e.id == ds.edition)
                .ok_or_else(|| CycleError::UnknownEdition(ds.edition.clone()))?;
            let mismatch = |message: String| CycleError::EditionMismatch {
                edition: ed.id.clone(),
                message,
            };
            if ed.procedure.is_none() {
                return Err(CycleError::NoProcedure(ed.id.clone()));
            }
            if ed.block_code != def.block {
                return Err(mismatch(format!(
                    "блок «{}», а цикл — «{}»",
                    ed.block_code, def.block
                )));
            }
            if !ed
                .validity
                .periods
                .iter()
                .any(|p| i32::from(*p) == def.period)
            {
                return Err(mismatch(format!(
                    "не применяется к оценке за {} год",
                    def.period
                )));
            }
            if !ed.directions.iter().any(|x| x.code == ds.direction) {
                return Err(mismatch(format!("нет направления «{}»", ds.direction)));
            }
            out.push(Arc::clone(ed));
        }
        let stages = out
            .first()
            .and_then(|e| e.procedure.as_ref())
            .map(|p| p.stages.as_slice())
            .unwrap_or_default();
        if stages.is_empty() {
            return Err(CycleError::Definition(
                "в процедуре первой редакции цикла нет этапов".into(),
            ));
        }
        let mut last: Option<(usize, NaiveDate)> = None;
        let mut planned: Vec<(usize, NaiveDate)> = Vec::new();
        for ps in &def.schedule.stage_ends {
            let Some(i) = stages.iter().position(|s| s.code == ps.stage) else {
                return Err(CycleError::Definition(format!(
                    "в графике указан неизвестный этап «{}»",
                    ps.stage
                )));
            };
            if planned.iter().any(|(j, _)| *j == i) {
                return Err(CycleError::Definition(format!(
                    "этап «{}» указан в графике дважды",
                    ps.stage
                )));
            }
            planned.push((i, ps.until));
        }
        planned.sort();
        for (i, until) in planned {
            if let Some((_, prev)) = last {
                if until < prev {
                    return Err(CycleError::Definition(format!(
                        "в графике этап «{}» заканчивается {} — раньше предыдущего этапа ({})",
                        stages[i].code,
                        d(until),
                        d(prev)
                    )));
                }
            }
            last = Some((i, until));
        }
        Ok(out)
    }

    // -----------------------------------------------------------------------------------------
    // Applying a checked event to the state (infallible).

    fn absorb(&mut self, ev: &Event) {
        let today = ev.at.date();
        let person = ev.actor.person.clone();
        let case_key = ev
            .what
            .case()
            .map(|(b, dir)| (b.to_string(), dir.to_string()));
        match &ev.what {
            Action::Create(def) => {
                if let Ok(editions) = self.resolve(def) {
                    self.created = Some(Created {
                        def: def.clone(),
                        editions,
                    });
                }
            }
            Action::OpenStage { .. } => self.stage += 1,
            Action::RecordReorganisation {
                body,
                date,
                successor,
            } => {
                if let Some(created) = &self.created {
                    if let Ok(r) = self.consequence(created, *date, successor.as_deref()) {
                        self.reorganised.insert(body.clone(), r);
                    }
                }
            }
            Action::SubmitReporting { body, .. } => {
                self.reporting.insert(body.clone());
            }
            Action::SelectForReverification { body, .. } | Action::RecordFacts { body, .. } => {
                self.participants
                    .entry(body.clone())
                    .or_default()
                    .insert(person);
                if let Some(k) = case_key {
                    let c = self.cases.entry(k).or_default();
                    if matches!(ev.what, Action::RecordFacts { .. }) {
                        c.facts += 1;
                    } else {
                        c.selected = true;
                    }
                }
            }
            Action::IssueConclusion {
                body, prepared_by, ..
            } => {
                let p = self.participants.entry(body.clone()).or_default();
                p.insert(person);
                p.extend(prepared_by.iter().cloned());
                if let Some(k) = case_key {
                    self.cases.entry(k).or_default().issued = Some(today);
                }
            }
            Action::RecordReceipt { received, .. } => {
                if let Some(k) = case_key {
                    self.cases.entry(k).or_default().received = Some(*received);
                }
            }
            Action::Object { objections, .. } => {
                if let Some(k) = case_key {
                    let c = self.cases.entry(k).or_default();
                    c.objections = objections.clone();
                    c.decisions = vec![None; objections.len()];
                    c.objections_received = Some(today);
                }
            }
            Action::NotifyNoObjections { .. } => {
                if let Some(k) = case_key {
                    self.cases.entry(k).or_default().no_objections = Some(today);
                }
            }
            Action::FormDisagreementTable { .. } => {
                if let Some(k) = case_key {
                    self.cases.entry(k).or_default().table_formed = Some(today);
                }
            }
            Action::NameCommission { direction, members } => {
                self.commissions.insert(
                    direction.clone(),
                    Commission {
                        members: members.clone(),
                        named: today,
                    },
                );
            }
            Action::Decide {
                objection,
                decision,
                ..
            } => {
                if let Some(k) = case_key {
                    if let Some(slot) = self
                        .cases
                        .entry(k)
                        .or_default()
                        .decisions
                        .get_mut(*objection)
                    {
                        *slot = Some(decision.clone());
                    }
                }
            }
            Action::SendDecisions { .. } => {
                if let Some(k) = case_key {
                    self.cases.entry(k).or_default().decisions_sent = Some(today);
                }
            }
            Action::SubmitResults { direction, body } => {
                self.submitted.insert((direction.clone(), body.clone()));
            }
            Action::Publish => self.published = true,
            Action::RecordRun {
                run, moved_others, ..
            } => self.runs.push(RecordedRun {
                id: run.clone(),
                recorded: today,
                moved_others: moved_others.clone(),
                send_to: if moved_others.is_empty() {
                    Some(Vec::new())
                } else {
                    None
                },
            }),
            Action::DecideCorrectedConclusions { send_to, .. } => {
                if let Some(r) = self.runs.last_mut() {
                    r.send_to = Some(send_to.clone());
                }
            }
            Action::SignAct {
                body,
                direction,
                document,
            } => {
                if ev.actor.party == Party::AuthorizedBody {
                    self.participants
                        .entry(body.clone())
                        .or_default()
                        .insert(person);
                }
                self.acts
                    .entry((body.clone(), direction.clone()))
                    .or_default()
                    .push((document.clone(), ev.actor.party));
            }
            Action::ImportData {
                snapshot,
                edition,
                edition_hash,
                ..
            } => {
                self.snapshot = Some(Snapshot {
                    data: snapshot.clone(),
                    edition: edition.clone(),
                    edition_hash: edition_hash.clone(),
                })
            }
            Action::IssueCorrectedConclusion {
                body,
                direction,
                run,
                ..
            } => {
                self.corrected
                    .insert((body.clone(), direction.clone(), run.clone()));
            }
        }
    }
}
