//! The evaluation engine: computes every body's scores exactly as an edition says, ranks them
//! within their group, assigns effectiveness degrees and keeps a trace of every value.
//!
//! **Architecture Invariant**: the engine does no IO and knows nothing about files, CSV,
//! JSON or HTML; it takes an [`Edition`] and a [`Dataset`] and returns an [`Outcome`].

pub mod eval;
pub mod exact;
pub mod explain;
pub mod num;
pub mod rank;
pub mod trace;

pub use eval::{compute, BodyData, Computed, Dataset, EvalError, Row, Step, Value};
pub use trace::Note;

use bagalau_methodology::{DegreeBand, Edition, Group, NodeRole};
use rust_decimal::Decimal;

/// A criterion's score in the tree, with its sub-criteria (indicators).
#[derive(Debug, Clone)]
pub struct CriterionScore {
    pub node: usize,
    pub score: Decimal,
    pub max: Decimal,
    pub children: Vec<CriterionScore>,
}

#[derive(Debug, Clone)]
pub struct BodyOutcome {
    pub index: usize,
    pub id: String,
    pub name: String,
    pub group: Group,
    pub criteria: Vec<CriterionScore>,
    pub criteria_total: Option<Decimal>,
    pub correction: Option<Decimal>,
    pub penalties: Option<Decimal>,
    /// The final score, unrounded (exact if its decimal expansion terminates within 28 digits).
    pub score: Decimal,
    /// The final score as an exact fraction (ranks are decided on it).
    pub score_exact: exact::Q,
    pub rank: usize,
    /// Number of bodies in the group (for "N из M").
    pub group_size: usize,
    /// Index into `edition.degrees`.
    pub degree: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct GroupSummary {
    pub group: Group,
    pub count: usize,
    /// Exact mean of the unrounded final scores.
    pub average: Option<Decimal>,
}

/// The result of an evaluation: per body outcomes, per group summaries and the full trace.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub bodies: Vec<BodyOutcome>,
    pub groups: Vec<GroupSummary>,
    pub computed: Computed,
}

fn criterion_tree(
    ed: &Edition,
    c: &Computed,
    b: usize,
    node: usize,
    body: &BodyData,
) -> CriterionScore {
    let n = &ed.nodes[node];
    let children = ed
        .children(&n.code)
        .filter(|&k| ed.nodes[k].applies.applies(body.group, &body.id))
        .map(|k| criterion_tree(ed, c, b, k, body))
        .collect();
    CriterionScore {
        node,
        score: c.values[b][node]
            .and_then(Value::as_num)
            .unwrap_or_default(),
        max: n.max.unwrap_or_default(),
        children,
    }
}

/// Evaluates an edition over a dataset: scores, ranks, degrees, group averages and the trace.
pub fn evaluate(ed: &Edition, data: &Dataset) -> Result<Outcome, EvalError> {
    let computed = compute(ed, data)?;
    let num = |b: usize, n: Option<usize>| {
        n.and_then(|n| computed.values[b][n])
            .and_then(Value::as_num)
    };
    let mut bodies = Vec::with_capacity(data.bodies.len());
    for (b, body) in data.bodies.iter().enumerate() {
        let score = num(b, Some(ed.result.score)).ok_or_else(|| EvalError {
            body: body.id.clone(),
            node: ed.nodes[ed.result.score].code.clone(),
            message: "итоговая оценка не вычислена".into(),
        })?;
        let criteria = ed
            .top_criteria(body.group, &body.id)
            .into_iter()
            .filter(|&k| ed.nodes[k].role == NodeRole::Criterion)
            .map(|k| criterion_tree(ed, &computed, b, k, body))
            .collect();
        let score_exact = computed.exact[b][ed.result.score]
            .as_ref()
            .and_then(|v| v.as_q().cloned())
            .unwrap_or_default();
        bodies.push(BodyOutcome {
            score_exact,
            index: b,
            id: body.id.clone(),
            name: body.name.clone(),
            group: body.group,
            criteria,
            criteria_total: num(b, ed.result.criteria_total),
            correction: num(b, ed.result.correction),
            penalties: num(b, ed.result.penalties),
            score,
            rank: 0,
            group_size: 0,
            degree: DegreeBand::find(&ed.degrees, score),
        });
    }
    let mut groups = Vec::new();
    for g in Group::ALL {
        let idx: Vec<usize> = (0..bodies.len())
            .filter(|&i| bodies[i].group == g)
            .collect();
        if idx.is_empty() {
            continue;
        }
        let rank_scores: Vec<exact::Q> = idx
            .iter()
            .map(|&i| match ed.rounding.rank_decimals {
                Some(dp) => exact::round(&bodies[i].score_exact, dp),
                None => bodies[i].score_exact.clone(),
            })
            .collect();
        let ranks = rank::competition_ranks(&rank_scores);
        for (k, &i) in idx.iter().enumerate() {
            bodies[i].rank = ranks[k];
            bodies[i].group_size = idx.len();
        }
        let sum = exact::sum(idx.iter().map(|&i| &bodies[i].score_exact));
        groups.push(GroupSummary {
            group: g,
            count: idx.len(),
            average: Some(exact::to_decimal(
                &(sum / exact::from_int(idx.len() as i64)),
            )),
        });
    }
    Ok(Outcome {
        bodies,
        groups,
        computed,
    })
}
