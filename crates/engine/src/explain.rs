//! The derivation of a body's values as data: the steps of the trace a value depends on, in
//! evaluation order. Worded for a person by `bagalau_report::explain`.

use std::collections::BTreeSet;

use bagalau_methodology::Edition;

use crate::eval::Step;
use crate::{BodyOutcome, Outcome};

/// Errors of `explain`: an unknown body or node.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("орган «{0}» не найден в данных")]
    UnknownBody(String),
    #[error("«{0}» не является вычисляемым значением редакции")]
    UnknownNode(String),
    #[error("«{node}» не применяется к органу «{body}»")]
    NotApplicable { node: String, body: String },
}

/// A body's value with every step it depends on.
#[derive(Debug)]
pub struct Derivation<'a> {
    pub body: &'a BodyOutcome,
    /// The node explained (the final score when none was asked for).
    pub target: usize,
    /// Whether the final score was asked for (then the rank and degree follow the steps).
    pub whole: bool,
    /// The target's step and the steps of everything it depends on, in evaluation order.
    pub steps: Vec<&'a Step>,
}

/// The steps behind a body's final score, or behind one node given by its code.
pub fn derivation<'a>(
    ed: &Edition,
    out: &'a Outcome,
    body_id: &str,
    node: Option<&str>,
) -> Result<Derivation<'a>, ExplainError> {
    let body = out
        .bodies
        .iter()
        .find(|b| b.id == body_id)
        .ok_or_else(|| ExplainError::UnknownBody(body_id.to_string()))?;
    let b = body.index;
    let target = match node {
        Some(code) => ed
            .node(code)
            .ok_or_else(|| ExplainError::UnknownNode(code.to_string()))?,
        None => ed.result.score,
    };
    if !out.computed.applicable[b][target] {
        return Err(ExplainError::NotApplicable {
            node: ed.nodes[target].code.clone(),
            body: body_id.to_string(),
        });
    }
    let mut wanted = BTreeSet::new();
    let mut stack = vec![target];
    while let Some(n) = stack.pop() {
        if wanted.insert(n) {
            stack.extend(ed.nodes[n].deps.iter().copied());
        }
    }
    let steps = out.computed.steps[b]
        .iter()
        .filter(|s| wanted.contains(&s.node))
        .collect();
    Ok(Derivation {
        body,
        target,
        whole: node.is_none(),
        steps,
    })
}
