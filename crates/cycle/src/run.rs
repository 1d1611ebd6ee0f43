//! Runs (issue 12, item 4): a computation is an immutable value — the edition (id and content
//! hash), the data snapshot (hash), the results and the trace — whose results and trace are
//! serialised canonically (exact decimals and fractions as strings, fields in a fixed order,
//! bodies in the dataset's order) and hashed. A recomputation is a new run; [`diff`] compares two
//! runs body by body.
//!
//! The hashes of the edition folder and of the data snapshot are computed by the IO layer and
//! passed in: this module reads no file.

use std::collections::BTreeMap;

use bagalau_engine::{CriterionScore, Outcome};
use bagalau_methodology::{Edition, Group};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `sha256:` + the lower-case hex SHA-256 of `bytes`: the form of every content hash of a cycle.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// One criterion's (or indicator's) score of a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionResult {
    pub code: String,
    /// Exact decimal, normalised (`"7.95"`, not `"7.950"`).
    pub score: String,
    pub max: String,
}

/// One body's results in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyResult {
    pub id: String,
    pub name: String,
    pub group: Group,
    /// The final score as an exact decimal (normalised).
    pub score: String,
    /// The final score as an exact fraction (`p/q`), on which ranks are decided.
    pub score_exact: String,
    pub rank: usize,
    pub group_size: usize,
    /// The code of the effectiveness degree (`edition.degrees`), when one applies.
    pub degree: Option<String>,
    pub penalties: Option<String>,
    /// The criteria tree, depth first (a parent before its children).
    pub criteria: Vec<CriterionResult>,
}

/// The average of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupResult {
    pub group: Group,
    pub count: usize,
    pub average: Option<String>,
}

/// What a run computed: every body's scores, ranks and degrees and the groups' averages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunResults {
    pub bodies: Vec<BodyResult>,
    pub groups: Vec<GroupResult>,
}

/// Every computed value of one body: node code → exact value (`p/q`, `да`/`нет`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyTrace {
    pub body: String,
    pub values: BTreeMap<String, String>,
}

/// An immutable run. `results_hash` and `trace_hash` are the hashes of the canonical JSON of
/// `results` and `trace`; [`Run::id`] is the hash of the whole canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub edition: String,
    /// Content hash of the edition's folder (files in sorted order; computed by the IO layer).
    pub edition_hash: String,
    /// Content hash of the data snapshot the run computed from.
    pub data_hash: String,
    pub results: RunResults,
    pub results_hash: String,
    pub trace: Vec<BodyTrace>,
    pub trace_hash: String,
}

/// A stored run whose hashes do not match its contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    #[error("расчёт: хеш результатов {stored} не совпадает с пересчитанным {computed}")]
    ResultsHash { stored: String, computed: String },
    #[error("расчёт: хеш трассировки {stored} не совпадает с пересчитанным {computed}")]
    TraceHash { stored: String, computed: String },
    #[error("расчёт не читается: {0}")]
    Malformed(String),
}

fn canonical<T: Serialize>(v: &T) -> Vec<u8> {
    // Structs serialise in field order, maps are BTreeMaps, decimals are strings: the bytes are
    // a function of the value. Serialising these types cannot fail (no non-string map keys).
    serde_json::to_vec(v).unwrap_or_default()
}

fn flatten(ed: &Edition, c: &CriterionScore, out: &mut Vec<CriterionResult>) {
    out.push(CriterionResult {
        code: ed.nodes[c.node].code.clone(),
        score: c.score.normalize().to_string(),
        max: c.max.normalize().to_string(),
    });
    for k in &c.children {
        flatten(ed, k, out);
    }
}

impl RunResults {
    /// The results of an engine outcome, in the dataset's order of bodies.
    pub fn from_outcome(ed: &Edition, out: &Outcome) -> RunResults {
        let bodies = out
            .bodies
            .iter()
            .map(|b| {
                let mut criteria = Vec::new();
                for c in &b.criteria {
                    flatten(ed, c, &mut criteria);
                }
                BodyResult {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    group: b.group,
                    score: b.score.normalize().to_string(),
                    score_exact: b.score_exact.to_string(),
                    rank: b.rank,
                    group_size: b.group_size,
                    degree: b
                        .degree
                        .and_then(|d| ed.degrees.get(d))
                        .map(|d| d.code.clone()),
                    penalties: b.penalties.map(|p| p.normalize().to_string()),
                    criteria,
                }
            })
            .collect();
        let groups = out
            .groups
            .iter()
            .map(|g| GroupResult {
                group: g.group,
                count: g.count,
                average: g.average.map(|a| a.normalize().to_string()),
            })
            .collect();
        RunResults { bodies, groups }
    }

    pub fn body(&self, id: &str) -> Option<&BodyResult> {
        self.bodies.iter().find(|b| b.id == id)
    }
}

fn trace_of(ed: &Edition, out: &Outcome) -> Vec<BodyTrace> {
    out.bodies
        .iter()
        .map(|b| {
            let mut values = BTreeMap::new();
            if let Some(row) = out.computed.exact.get(b.index) {
                for (node, v) in row.iter().enumerate() {
                    let Some(v) = v else { continue };
                    let text = match v {
                        bagalau_engine::eval::V::Num(q) => q.to_string(),
                        bagalau_engine::eval::V::Bool(true) => "да".to_string(),
                        bagalau_engine::eval::V::Bool(false) => "нет".to_string(),
                    };
                    values.insert(ed.nodes[node].code.clone(), text);
                }
            }
            BodyTrace {
                body: b.id.clone(),
                values,
            }
        })
        .collect()
}

impl Run {
    /// A run of `ed` (whose folder hashes to `edition_hash`) over a snapshot hashing to
    /// `data_hash`, from the engine's outcome.
    pub fn new(ed: &Edition, edition_hash: &str, data_hash: &str, out: &Outcome) -> Run {
        let results = RunResults::from_outcome(ed, out);
        let trace = trace_of(ed, out);
        Run {
            edition: ed.id.clone(),
            edition_hash: edition_hash.to_string(),
            data_hash: data_hash.to_string(),
            results_hash: content_hash(&canonical(&results)),
            trace_hash: content_hash(&canonical(&trace)),
            results,
            trace,
        }
    }

    /// The canonical bytes of the run (what is stored and what [`Run::id`] hashes).
    pub fn canonical(&self) -> Vec<u8> {
        canonical(self)
    }

    /// The run's identity: the content hash of its canonical form.
    pub fn id(&self) -> String {
        content_hash(&self.canonical())
    }

    /// Reads a stored run and checks that its hashes match its contents.
    pub fn from_canonical(bytes: &[u8]) -> Result<Run, RunError> {
        let run: Run =
            serde_json::from_slice(bytes).map_err(|e| RunError::Malformed(e.to_string()))?;
        run.verify()?;
        Ok(run)
    }

    /// Recomputes the hashes of the results and the trace.
    pub fn verify(&self) -> Result<(), RunError> {
        let computed = content_hash(&canonical(&self.results));
        if computed != self.results_hash {
            return Err(RunError::ResultsHash {
                stored: self.results_hash.clone(),
                computed,
            });
        }
        let computed = content_hash(&canonical(&self.trace));
        if computed != self.trace_hash {
            return Err(RunError::TraceHash {
                stored: self.trace_hash.clone(),
                computed,
            });
        }
        Ok(())
    }
}

/// A value before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change<T> {
    pub before: T,
    pub after: T,
}

impl<T: PartialEq> Change<T> {
    pub fn moved(&self) -> bool {
        self.before != self.after
    }
}

/// How one body's results differ between two runs. `criteria` lists only the criteria that
/// changed (a criterion present in one run only has `None` on the other side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyDiff {
    pub id: String,
    pub score: Change<Option<String>>,
    pub rank: Change<Option<usize>>,
    pub degree: Change<Option<String>>,
    pub criteria: Vec<(String, Change<Option<String>>)>,
}

impl BodyDiff {
    /// Whether anything of the body's results moved.
    pub fn moved(&self) -> bool {
        self.score.moved() || self.rank.moved() || self.degree.moved() || !self.criteria.is_empty()
    }
}

/// The comparison of two runs: every body of either (in the first run's order, then the new
/// ones), and the bodies other than the objecting ones whose results moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDiff {
    pub before: String,
    pub after: String,
    pub bodies: Vec<BodyDiff>,
    /// Bodies that did not object (not in `objecting`) and whose results moved: whether they
    /// receive corrected conclusions is the administrator's recorded decision
    /// ([`crate::Action::DecideCorrectedConclusions`]).
    pub moved_others: Vec<String>,
}

impl RunDiff {
    pub fn body(&self, id: &str) -> Option<&BodyDiff> {
        self.bodies.iter().find(|b| b.id == id)
    }
}

/// Compares `before` and `after` for every body; `objecting` are the bodies whose objections led
/// to the new run.
pub fn diff(before: &Run, after: &Run, objecting: &[String]) -> RunDiff {
    let mut ids: Vec<&str> = before
        .results
        .bodies
        .iter()
        .map(|b| b.id.as_str())
        .collect();
    for b in &after.results.bodies {
        if !ids.contains(&b.id.as_str()) {
            ids.push(&b.id);
        }
    }
    let mut bodies = Vec::new();
    for id in ids {
        let (b, a) = (before.results.body(id), after.results.body(id));
        let crit = |r: Option<&BodyResult>| -> BTreeMap<String, String> {
            r.map(|r| {
                r.criteria
                    .iter()
                    .map(|c| (c.code.clone(), c.score.clone()))
                    .collect()
            })
            .unwrap_or_default()
        };
        let (cb, ca) = (crit(b), crit(a));
        let mut codes: Vec<&String> = cb.keys().chain(ca.keys()).collect();
        codes.sort();
        codes.dedup();
        let criteria = codes
            .into_iter()
            .filter_map(|c| {
                let ch = Change {
                    before: cb.get(c).cloned(),
                    after: ca.get(c).cloned(),
                };
                ch.moved().then(|| (c.clone(), ch))
            })
            .collect();
        bodies.push(BodyDiff {
            id: id.to_string(),
            score: Change {
                before: b.map(|x| x.score.clone()),
                after: a.map(|x| x.score.clone()),
            },
            rank: Change {
                before: b.map(|x| x.rank),
                after: a.map(|x| x.rank),
            },
            degree: Change {
                before: b.and_then(|x| x.degree.clone()),
                after: a.and_then(|x| x.degree.clone()),
            },
            criteria,
        });
    }
    let moved_others = bodies
        .iter()
        .filter(|d| d.moved() && !objecting.contains(&d.id))
        .map(|d| d.id.clone())
        .collect();
    RunDiff {
        before: before.id(),
        after: after.id(),
        bodies,
        moved_others,
    }
}
