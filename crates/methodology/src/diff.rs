//! Differences between two editions, for methodologists: criteria, maxima, formulas, scales,
//! parameters, penalties, degree bands and inputs that were added, removed or changed.

use std::collections::BTreeMap;

use crate::crosswalk::Crosswalk;
use crate::{Edition, Node, NodeBody, NodeRole, PerGroup, ScaleKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn ru(self) -> &'static str {
        match self {
            ChangeKind::Added => "добавлено",
            ChangeKind::Removed => "исключено",
            ChangeKind::Changed => "изменено",
        }
    }
}

/// One difference: what (section and code), how, before/after and the references on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub section: &'static str,
    pub code: String,
    pub name: String,
    pub kind: ChangeKind,
    pub detail: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ref_before: Option<String>,
    pub ref_after: Option<String>,
}

fn node_section(n: &Node) -> &'static str {
    match n.role {
        NodeRole::Criterion => "критерии",
        NodeRole::Value => "вычисляемые значения",
        NodeRole::Penalty => "штрафы",
    }
}

fn body_text(n: &Node) -> String {
    match &n.body {
        NodeBody::Formula(fs) => fs
            .iter()
            .map(|f| match f.group {
                Some(g) => format!("{}: {}", g.code(), f.text),
                None => f.text.clone(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        NodeBody::Penalty { items, cap } => {
            let mut s: Vec<String> = items
                .iter()
                .map(|i| format!("{} × ({})", i.per_fact.normalize(), i.facts_text))
                .collect();
            if let Some(c) = cap {
                s.push(format!("не более {}", c.normalize()));
            }
            s.join(" + ")
        }
    }
}

fn per_group(v: &PerGroup) -> String {
    match v {
        PerGroup::Same(d) => d.normalize().to_string(),
        PerGroup::ByGroup { central, local } => {
            format!("ЦГО {}, МИО {}", central.normalize(), local.normalize())
        }
    }
}

fn scale_text(k: &ScaleKind) -> String {
    match k {
        ScaleKind::Bands { domain, bands } => format!(
            "{domain}: {}",
            bands
                .iter()
                .map(|b| format!("{} → {}", b.range, b.points.normalize()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ScaleKind::Categories(cs) => cs
            .iter()
            .map(|c| format!("{} → {}", c.value, c.points.normalize()))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Item descriptions keyed by (section, code): name, comparable text, reference.
type Items = BTreeMap<(&'static str, String), (String, Vec<(&'static str, String)>, String)>;

/// Section and key of a node: by crosswalk concept where the crosswalk names it, else by code.
fn node_key(ed: &Edition, n: &Node, cw: Option<&Crosswalk>) -> (&'static str, String) {
    if let Some(cw) = cw {
        for c in &cw.concepts {
            if let Some(i) = c
                .nodes
                .get(&ed.id)
                .and_then(|codes| codes.iter().position(|x| *x == n.code))
            {
                let key = if i == 0 {
                    c.code.clone()
                } else {
                    format!("{}#{}", c.code, i + 1)
                };
                return ("сопоставлено по crosswalk", key);
            }
        }
    }
    (node_section(n), n.code.clone())
}

fn exceptions_text(ex: &[crate::EvaluatorException]) -> String {
    if ex.is_empty() {
        return "—".into();
    }
    ex.iter()
        .map(|e| format!("{}: {}", e.bodies.join(", "), e.evaluator))
        .collect::<Vec<_>>()
        .join("; ")
}

fn items(ed: &Edition, cw: Option<&Crosswalk>) -> Items {
    let mut m: Items = BTreeMap::new();
    for n in &ed.nodes {
        let mut facets = vec![("код", n.code.clone()), ("формула", body_text(n))];
        if let Some(max) = n.max {
            facets.push(("максимальный балл", max.normalize().to_string()));
        }
        if let Some(p) = &n.parent {
            facets.push(("родитель", p.clone()));
        }
        facets.push(("применяется", n.applies.describe_ru()));
        facets.push(("статус", n.cite.status.code().to_string()));
        facets.push((
            "оценивают другие органы",
            exceptions_text(&n.evaluator_exceptions),
        ));
        m.insert(
            node_key(ed, n, cw),
            (n.name.clone(), facets, n.cite.reference.clone()),
        );
    }
    for d in &ed.directions {
        let mut facets = vec![("максимальный балл", d.max.normalize().to_string())];
        if let Some(e) = &d.evaluator {
            facets.push(("уполномоченный на оценку орган", e.clone()));
        }
        facets.push((
            "оценивают другие органы",
            exceptions_text(&d.evaluator_exceptions),
        ));
        m.insert(
            ("направления", d.code.clone()),
            (d.name.clone(), facets, d.cite.reference.clone()),
        );
    }
    for b in &ed.named_bodies {
        m.insert(
            ("органы, названные в акте", b.id.clone()),
            (
                b.name.clone(),
                vec![("вид", b.group.code().to_string())],
                b.cite.reference.clone(),
            ),
        );
    }
    for p in &ed.parameters {
        m.insert(
            ("параметры", p.code.clone()),
            (
                p.name.clone(),
                vec![("значение", per_group(&p.value))],
                p.cite.reference.clone(),
            ),
        );
    }
    for s in &ed.scales {
        m.insert(
            ("шкалы", s.code.clone()),
            (
                s.name.clone(),
                vec![("полосы", scale_text(&s.kind))],
                s.cite.reference.clone(),
            ),
        );
    }
    for d in &ed.degrees {
        m.insert(
            ("степени эффективности", d.code.clone()),
            (
                d.name.clone(),
                vec![("интервал", d.range.to_string())],
                d.cite.reference.clone(),
            ),
        );
    }
    for t in &ed.reporting {
        for ind in &t.indicators {
            let inputs = ed.input_codes(&ind.inputs);
            let mut facets = vec![
                ("представляется", ind.provides.clone()),
                ("входные данные", inputs.join(", ")),
            ];
            if let Some(e) = &ind.exemption {
                facets.push(("исключение", e.clone()));
            }
            m.insert(
                ("отчётные данные", format!("{}.{}", t.code, ind.number)),
                (
                    format!("{}, {}. {}", t.number, ind.number, ind.name),
                    facets,
                    t.cite.reference.clone(),
                ),
            );
        }
    }
    for r in &ed.raw_inputs {
        m.insert(
            ("из первичных записей", r.input.clone()),
            (
                ed.inputs
                    .iter()
                    .find(|i| i.code == r.input)
                    .map_or_else(String::new, |i| i.name.clone()),
                vec![("мера", r.measure.describe_ru())],
                r.cite.reference.clone(),
            ),
        );
    }
    for i in &ed.inputs {
        let table = i
            .table
            .map(|t| ed.tables[t].code.clone())
            .unwrap_or_else(|| "bodies".into());
        m.insert(
            ("входные показатели", i.code.clone()),
            (
                i.name.clone(),
                vec![
                    ("файл", table),
                    ("тип", i.ty.code().into()),
                    ("применяется", i.applies.describe_ru()),
                ],
                i.cite.reference.clone(),
            ),
        );
    }
    m
}

/// The differences from edition `a` to edition `b`, ordered by section and code. With a
/// crosswalk, criteria that continue under another code are compared with each other.
pub fn diff(a: &Edition, b: &Edition, cw: Option<&Crosswalk>) -> Vec<Change> {
    let (ia, ib) = (items(a, cw), items(b, cw));
    let mut out = Vec::new();
    for (key, (name, facets, r)) in &ia {
        match ib.get(key) {
            None => out.push(Change {
                section: key.0,
                code: key.1.clone(),
                name: name.clone(),
                kind: ChangeKind::Removed,
                detail: String::new(),
                before: facets.iter().find(|f| f.0 != "код").map(|f| f.1.clone()),
                after: None,
                ref_before: Some(r.clone()),
                ref_after: None,
            }),
            Some((name_b, facets_b, rb)) => {
                for (fa, fb) in facets.iter().zip(facets_b) {
                    if fa.1 != fb.1 {
                        out.push(Change {
                            section: key.0,
                            code: key.1.clone(),
                            name: name_b.clone(),
                            kind: ChangeKind::Changed,
                            detail: fa.0.to_string(),
                            before: Some(fa.1.clone()),
                            after: Some(fb.1.clone()),
                            ref_before: Some(r.clone()),
                            ref_after: Some(rb.clone()),
                        });
                    }
                }
                if name != name_b {
                    out.push(Change {
                        section: key.0,
                        code: key.1.clone(),
                        name: name_b.clone(),
                        kind: ChangeKind::Changed,
                        detail: "наименование".into(),
                        before: Some(name.clone()),
                        after: Some(name_b.clone()),
                        ref_before: Some(r.clone()),
                        ref_after: Some(rb.clone()),
                    });
                }
            }
        }
    }
    for (key, (name, facets, r)) in &ib {
        if !ia.contains_key(key) {
            out.push(Change {
                section: key.0,
                code: key.1.clone(),
                name: name.clone(),
                kind: ChangeKind::Added,
                detail: String::new(),
                before: None,
                after: facets.iter().find(|f| f.0 != "код").map(|f| f.1.clone()),
                ref_before: None,
                ref_after: Some(r.clone()),
            });
        }
    }
    let rank = |s: &str| {
        SECTION_ORDER
            .iter()
            .position(|x| *x == s)
            .unwrap_or(SECTION_ORDER.len())
    };
    out.sort_by(|x, y| (rank(x.section), &x.code, x.kind).cmp(&(rank(y.section), &y.code, y.kind)));
    out
}

/// Sections in the order a methodologist reads them: the tree first, the data dictionary last.
const SECTION_ORDER: [&str; 12] = [
    "направления",
    "органы, названные в акте",
    "сопоставлено по crosswalk",
    "критерии",
    "штрафы",
    "степени эффективности",
    "шкалы",
    "параметры",
    "вычисляемые значения",
    "входные показатели",
    "отчётные данные",
    "из первичных записей",
];

/// For each period of `from..=to`, the editions (by id) that cover it, each with why: the year
/// the evaluation of that period is carried out, when the edition is in force, and the reason the
/// edition gives (or, for an edition listing bare periods, its legal reference).
pub fn coverage(editions: &[Edition], from: u16, to: u16) -> Vec<(u16, Vec<(&str, String)>)> {
    (from..=to)
        .map(|p| {
            (
                p,
                editions
                    .iter()
                    .filter(|e| e.validity.periods.contains(&p))
                    .map(|e| (e.id.as_str(), why(e, p)))
                    .collect(),
            )
        })
        .collect()
}

/// Why an edition governs the evaluation of period `p`, in Russian.
pub fn why(e: &Edition, p: u16) -> String {
    let v = &e.validity;
    let in_force = match (&v.effective_from, &v.effective_to) {
        (Some(f), Some(t)) => format!("действует с {f} по {t}"),
        (Some(f), None) => format!("действует с {f}"),
        (None, Some(t)) => format!("действует по {t}"),
        (None, None) => "даты действия не указаны".to_string(),
    };
    match v.evaluated.iter().find(|x| x.period == p) {
        Some(x) => format!(
            "оценка за {p} год проводится в {} году; редакция {in_force}. {}",
            x.carried_out, x.reason
        ),
        None => format!(
            "период указан в [validity] ({}); {in_force}; год проведения оценки не указан",
            v.cite.reference
        ),
    }
}
