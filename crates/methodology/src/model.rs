//! The validated edition: what the engine evaluates.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::expr::Expr;

/// Where an item was written: file and 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Whether an item was read from the legal text or reconstructed by the edition's authors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Verbatim,
    Reconstructed,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Verbatim => "verbatim",
            Status::Reconstructed => "reconstructed",
        }
    }
}

/// The legal reason of an item: the paragraph/appendix of the edition's act.
#[derive(Debug, Clone)]
pub struct Citation {
    pub reference: String,
    pub status: Status,
    pub note: Option<String>,
    /// The words of the source this item implements, when the edition quotes them.
    pub quote: Option<Quote>,
    pub location: Location,
}

impl Citation {
    /// The reference as official documents cite it: the act's paragraphs, sub-items, chapters
    /// and appendices only, without the project's notes on where a reading was found (a part
    /// that does not start as a citation of the act is left out).
    /// `None` when nothing of the act remains.
    pub fn legal_reference(&self) -> Option<String> {
        const FORMS: [&str; 7] = [
            "п.",
            "пп.",
            "подпункт",
            "приложени",
            "глав",
            "параграф",
            "приказ",
        ];
        let parts: Vec<&str> = self
            .reference
            .split(';')
            .map(str::trim)
            .filter(|p| {
                let lower = p.to_lowercase();
                FORMS.iter().any(|f| lower.starts_with(f))
            })
            .collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// Words quoted from a source: one or more fragments, each found word for word in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// `None`: the edition's act; otherwise the code of an `[[source]]`.
    pub source: Option<String>,
    pub fragments: Vec<String>,
}

/// A text an edition quotes: its act, or another source (`[[source]]`).
#[derive(Debug, Clone)]
pub struct Source {
    /// `None` for the act itself.
    pub code: Option<String>,
    /// How documents name it.
    pub name: String,
    /// Where its text was looked for.
    pub text_path: Option<PathBuf>,
    /// Whether the text was found (quotes were checked against it).
    pub available: bool,
}

/// The evaluated groups. Bodies of one kind are ranked and scaled together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    Central,
    Local,
}

impl serde::Serialize for Group {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Group {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Group, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Group::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("неизвестная группа органов «{code}»")))
    }
}

impl Group {
    pub const ALL: [Group; 2] = [Group::Central, Group::Local];

    pub fn code(self) -> &'static str {
        match self {
            Group::Central => "central",
            Group::Local => "local",
        }
    }

    pub fn from_code(s: &str) -> Option<Group> {
        match s {
            "central" => Some(Group::Central),
            "local" => Some(Group::Local),
            _ => None,
        }
    }

    pub fn name_ru(self) -> &'static str {
        match self {
            Group::Central => "центральные государственные органы",
            Group::Local => "местные исполнительные органы",
        }
    }
}

/// To which bodies an item applies: by kind and by named body.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applies {
    /// Empty means both kinds.
    pub kinds: Vec<Group>,
    /// If not empty, only these body ids.
    pub only: Vec<String>,
    pub except: Vec<String>,
}

impl Applies {
    pub fn kind_allowed(&self, g: Group) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&g)
    }

    pub fn applies(&self, g: Group, body_id: &str) -> bool {
        self.kind_allowed(g)
            && (self.only.is_empty() || self.only.iter().any(|b| b == body_id))
            && !self.except.iter().any(|b| b == body_id)
    }

    pub fn describe_ru(&self) -> String {
        let mut parts = Vec::new();
        if self.kinds.is_empty() {
            parts.push("все органы".to_string());
        } else {
            let k: Vec<&str> = self.kinds.iter().map(|g| g.name_ru()).collect();
            parts.push(k.join(", "));
        }
        if !self.only.is_empty() {
            parts.push(format!("только: {}", self.only.join(", ")));
        }
        if !self.except.is_empty() {
            parts.push(format!("кроме: {}", self.except.join(", ")));
        }
        parts.join("; ")
    }
}

#[derive(Debug, Clone)]
pub struct Act {
    pub name: String,
    pub short: String,
    pub registration: Option<String>,
    pub adopted: Option<String>,
    pub repealed: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Validity {
    /// The evaluated periods (years) this edition governs.
    pub periods: Vec<u16>,
    /// When the edition is in force: the dates between which evaluations are carried out by it.
    pub effective_from: Option<String>,
    pub effective_to: Option<String>,
    /// Per evaluated period: the year its evaluation is carried out and why this edition governs
    /// it (empty when the edition lists bare `periods`).
    pub evaluated: Vec<EvaluatedPeriod>,
    pub cite: Citation,
}

/// An evaluated period, the year its evaluation is carried out and the reason.
#[derive(Debug, Clone)]
pub struct EvaluatedPeriod {
    pub period: u16,
    pub carried_out: u16,
    pub reason: String,
}

/// A body the act names (e.g. an exemption): the edition fixes its dataset id, official name and
/// kind, and a dataset must use them.
#[derive(Debug, Clone)]
pub struct NamedBody {
    pub id: String,
    pub name: String,
    pub group: Group,
    pub cite: Citation,
}

#[derive(Debug, Clone)]
pub struct Rounding {
    /// Decimals shown in tables and documents (scores stay unrounded in computation).
    pub display_decimals: u32,
    /// If set, scores are rounded to this many decimals before ranking; unset = unrounded.
    pub rank_decimals: Option<u32>,
    /// If set, the degree is assigned on the score rounded to this many decimals (as published).
    pub degree_decimals: Option<u32>,
    pub cite: Citation,
}

/// An interval of a scale or of the degree bands, e.g. `[9.5, 10]` or `[9.0, 9.5)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub lo: Decimal,
    pub lo_inclusive: bool,
    pub hi: Decimal,
    pub hi_inclusive: bool,
}

impl Interval {
    pub fn contains(&self, x: Decimal) -> bool {
        (if self.lo_inclusive {
            x >= self.lo
        } else {
            x > self.lo
        }) && (if self.hi_inclusive {
            x <= self.hi
        } else {
            x < self.hi
        })
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}; {}{}",
            if self.lo_inclusive { '[' } else { '(' },
            self.lo.normalize(),
            self.hi.normalize(),
            if self.hi_inclusive { ']' } else { ')' }
        )
    }
}

#[derive(Debug, Clone)]
pub struct DegreeBand {
    pub code: String,
    pub name: String,
    pub name_kk: Option<String>,
    pub range: Interval,
    /// Decimals the score is rounded to (half away from zero, as displayed) before its band is
    /// found — the edition's `rounding.degree_decimals`; `None`: the unrounded score.
    pub decimals: Option<u32>,
    pub cite: Citation,
}

impl DegreeBand {
    /// The band a score falls in: the one place where degrees are assigned (evaluation, rating,
    /// documents), so that a score and its degree always agree.
    pub fn find(bands: &[DegreeBand], score: Decimal) -> Option<usize> {
        bands.iter().position(|d| {
            let s = match d.decimals {
                Some(n) => score.round_dp_with_strategy(
                    n,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                ),
                None => score,
            };
            d.range.contains(s)
        })
    }
}

#[derive(Debug, Clone)]
pub struct Direction {
    pub code: String,
    pub name: String,
    pub max: Decimal,
    /// Node holding the direction's score (`score = "…"` in edition.toml), if named.
    pub score: Option<usize>,
    /// The authorized body that evaluates the direction, and the bodies another one evaluates.
    pub evaluator: Option<String>,
    pub evaluator_exceptions: Vec<EvaluatorException>,
    pub cite: Citation,
}

/// Bodies of a direction evaluated by another authorized body (e.g. 2023 п.5: the General
/// Prosecutor's Office by the Presidential Administration).
#[derive(Debug, Clone)]
pub struct EvaluatorException {
    pub bodies: Vec<String>,
    pub evaluator: String,
    pub note: Option<String>,
}

impl Direction {
    /// Who evaluates this direction of `body`.
    pub fn evaluator_for(&self, body: &str) -> Option<&str> {
        self.evaluator_exceptions
            .iter()
            .find(|e| e.bodies.iter().any(|b| b == body))
            .map(|e| e.evaluator.as_str())
            .or(self.evaluator.as_deref())
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    pub code: String,
    pub name: String,
    /// Name of the column that identifies a row within a body (e.g. `service`).
    pub key: String,
    pub cite: Citation,
}

/// A reporting table (отчётные данные) of the edition: what bodies submit, indicator by
/// indicator, and which inputs each indicator feeds.
#[derive(Debug, Clone)]
pub struct ReportTable {
    pub code: String,
    /// Table number as the act gives it, e.g. «приложение 9, таблица 5».
    pub number: String,
    pub name: String,
    pub indicators: Vec<ReportIndicator>,
    pub cite: Citation,
}

#[derive(Debug, Clone)]
pub struct ReportIndicator {
    pub number: String,
    pub name: String,
    pub provides: String,
    /// Indices into `Edition::inputs`.
    pub inputs: Vec<usize>,
    pub exemption: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputType {
    Number,
    Integer,
    Bool,
}

impl InputType {
    pub fn code(self) -> &'static str {
        match self {
            InputType::Number => "number",
            InputType::Integer => "integer",
            InputType::Bool => "bool",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Input {
    pub code: String,
    pub name: String,
    /// `None`: one value per body; `Some(t)`: one value per row of table `t`.
    pub table: Option<usize>,
    pub ty: InputType,
    pub unit: Option<String>,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub optional: bool,
    pub applies: Applies,
    /// A bool decided by the edition: true exactly for these named bodies, false for the others
    /// it applies to. A dataset may leave the cell empty; a contradicting value is refused.
    pub true_for: Option<Vec<String>>,
    /// A value given for a body the input does not apply to is reported and ignored (not refused).
    pub notice_inapplicable: bool,
    pub cite: Citation,
}

impl Input {
    /// The value the edition fixes for a body (only for `true_for` inputs that apply to it).
    pub fn fixed_for(&self, g: Group, body_id: &str) -> Option<bool> {
        let list = self.true_for.as_ref()?;
        self.applies
            .applies(g, body_id)
            .then(|| list.iter().any(|b| b == body_id))
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PerGroup {
    Same(Decimal),
    ByGroup { central: Decimal, local: Decimal },
}

impl PerGroup {
    pub fn get(&self, g: Group) -> Decimal {
        match *self {
            PerGroup::Same(v) => v,
            PerGroup::ByGroup { central, local } => match g {
                Group::Central => central,
                Group::Local => local,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub code: String,
    pub name: String,
    pub value: PerGroup,
    pub unit: Option<String>,
    pub cite: Citation,
}

#[derive(Debug, Clone)]
pub struct Band {
    pub range: Interval,
    pub points: Decimal,
    pub text: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub value: i64,
    pub points: Decimal,
    pub name: String,
}

#[derive(Debug, Clone)]
pub enum ScaleKind {
    Bands { domain: Interval, bands: Vec<Band> },
    Categories(Vec<Category>),
}

#[derive(Debug, Clone)]
pub struct Scale {
    pub code: String,
    pub name: String,
    pub kind: ScaleKind,
    pub cite: Citation,
}

#[derive(Debug, Clone)]
pub struct PenaltyItem {
    pub code: String,
    pub name: String,
    pub facts: Expr,
    pub facts_text: String,
    pub per_fact: Decimal,
    pub cite: Citation,
}

#[derive(Debug, Clone)]
pub struct GroupFormula {
    /// `None`: the formula is the same for both groups.
    pub group: Option<Group>,
    pub expr: Expr,
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum NodeBody {
    /// One formula, or one per group (the law often says «1) по центральным… 2) по местным…»).
    Formula(Vec<GroupFormula>),
    Penalty {
        items: Vec<PenaltyItem>,
        cap: Option<Decimal>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRole {
    /// An intermediate value (not in the criteria tree).
    Value,
    /// A criterion or indicator with its maximum points.
    Criterion,
    Penalty,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub code: String,
    pub name: String,
    pub role: NodeRole,
    /// Numbering as in the appendix (`3.1`).
    pub number: Option<String>,
    /// The direction or criterion this criterion belongs to.
    pub parent: Option<String>,
    pub max: Option<Decimal>,
    /// A bonus criterion is added on top and not counted in its parent's maximum (п.14 of 2014).
    pub bonus: bool,
    /// Row-scoped node: computed once per row of this table.
    pub table: Option<usize>,
    pub unit: Option<String>,
    pub body: NodeBody,
    pub applies: Applies,
    /// The authorized body evaluating this criterion for every body, when not its direction's
    /// (2014 п.9).
    pub evaluator: Option<String>,
    /// Bodies for which another authorized body evaluates this criterion (its direction's
    /// evaluator otherwise), e.g. 2023 п.5: the Ministry of Digital Development's automation.
    pub evaluator_exceptions: Vec<EvaluatorException>,
    pub cite: Citation,
    /// Indices of nodes this node depends on.
    pub deps: Vec<usize>,
}

/// What a name in a formula refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    Input(usize),
    Parameter(usize),
    Scale(usize),
    Table(usize),
    Node(usize),
}

#[derive(Debug, Clone)]
pub struct ResultSpec {
    pub score: usize,
    pub criteria_total: Option<usize>,
    pub correction: Option<usize>,
    pub penalties: Option<usize>,
}

/// A validated methodology edition.
#[derive(Debug, Clone)]
pub struct Edition {
    pub dir: PathBuf,
    pub id: String,
    pub title: String,
    pub act: Act,
    pub block_code: String,
    pub block_name: String,
    pub validity: Validity,
    pub result: ResultSpec,
    pub rounding: Rounding,
    pub degrees: Vec<DegreeBand>,
    pub directions: Vec<Direction>,
    /// Bodies the act names, with the ids datasets must use for them.
    pub named_bodies: Vec<NamedBody>,
    pub tables: Vec<Table>,
    pub inputs: Vec<Input>,
    /// Reporting tables (`reporting.toml`); empty when the edition has none.
    pub reporting: Vec<ReportTable>,
    pub parameters: Vec<Parameter>,
    pub scales: Vec<Scale>,
    pub nodes: Vec<Node>,
    /// Node indices in an order where every node comes after its dependencies.
    pub order: Vec<usize>,
    pub symbols: HashMap<String, Symbol>,
    /// The texts the edition quotes: the act first, then its `[[source]]` entries.
    pub sources: Vec<Source>,
    /// Cross-field rules on the input data (`checks.toml`), checked by the data readers.
    pub checks: Vec<crate::checks::Check>,
    /// The evaluation procedure (`procedure.toml`), when the edition has one.
    pub procedure: Option<crate::procedure::Procedure>,
    /// The inputs raw records define (`raw.toml`); empty when the edition has no such file.
    pub raw_inputs: Vec<crate::raw_inputs::RawInput>,
}

impl NodeBody {
    /// The formula that applies to a group, if any.
    pub fn formula_for(&self, g: Group) -> Option<&GroupFormula> {
        match self {
            NodeBody::Formula(fs) => fs
                .iter()
                .find(|f| f.group == Some(g))
                .or_else(|| fs.iter().find(|f| f.group.is_none())),
            NodeBody::Penalty { .. } => None,
        }
    }
}

/// How many of an edition's items are read from the text, reconstructed, and quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FidelityCounts {
    pub items: usize,
    pub verbatim: usize,
    pub reconstructed: usize,
    pub quoted: usize,
}

impl FidelityCounts {
    /// `part` of the items in whole percent, rounded half up (for reports).
    pub fn percent(&self, part: usize) -> usize {
        if self.items == 0 {
            0
        } else {
            (part * 200 + self.items) / (self.items * 2)
        }
    }
}

impl Edition {
    /// Counts of verbatim, reconstructed and quoted items.
    pub fn fidelity_counts(&self) -> FidelityCounts {
        let cites = self.citations();
        let mut c = FidelityCounts {
            items: cites.len(),
            ..FidelityCounts::default()
        };
        for (_, _, cite) in &cites {
            match cite.status {
                Status::Verbatim => c.verbatim += 1,
                Status::Reconstructed => c.reconstructed += 1,
            }
            if cite.quote.is_some() {
                c.quoted += 1;
            }
        }
        c
    }

    /// The source a quote is taken from (the act when it names none).
    pub fn quote_source(&self, q: &Quote) -> Option<&Source> {
        match &q.source {
            None => self.sources.first(),
            Some(code) => self
                .sources
                .iter()
                .find(|s| s.code.as_deref() == Some(code)),
        }
    }

    /// Codes of inputs given by index (e.g. a reporting indicator's inputs).
    pub fn input_codes(&self, idx: &[usize]) -> Vec<&str> {
        idx.iter().map(|&k| self.inputs[k].code.as_str()).collect()
    }

    pub fn symbol(&self, name: &str) -> Option<Symbol> {
        self.symbols.get(name).copied()
    }

    pub fn node(&self, code: &str) -> Option<usize> {
        match self.symbol(code) {
            Some(Symbol::Node(i)) => Some(i),
            _ => None,
        }
    }

    /// Children of a direction or criterion in the tree, in file order.
    pub fn children<'a>(&'a self, parent: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| {
                n.role == NodeRole::Criterion && n.parent.as_deref() == Some(parent)
            })
            .map(|(i, _)| i)
    }

    /// The top-level criteria that apply to a body, in the order of the edition.
    pub fn top_criteria(&self, g: Group, body_id: &str) -> Vec<usize> {
        self.directions
            .iter()
            .flat_map(|d| self.children(&d.code).collect::<Vec<_>>())
            .filter(|&i| self.nodes[i].applies.applies(g, body_id))
            .collect()
    }

    /// Who evaluates a criterion of a body: the criterion's own exception, else its parent's,
    /// else its direction's evaluator for that body.
    pub fn criterion_evaluator_for(&self, node: usize, body: &str) -> Option<&str> {
        let mut at = Some(node);
        while let Some(i) = at {
            let n = &self.nodes[i];
            if let Some(e) = n
                .evaluator_exceptions
                .iter()
                .find(|e| e.bodies.iter().any(|b| b == body))
            {
                return Some(&e.evaluator);
            }
            if let Some(e) = &n.evaluator {
                return Some(e);
            }
            let parent = n.parent.as_deref()?;
            if let Some(d) = self.directions.iter().find(|d| d.code == parent) {
                return d.evaluator_for(body);
            }
            at = self.node(parent);
        }
        None
    }

    pub fn named_body(&self, id: &str) -> Option<&NamedBody> {
        self.named_bodies.iter().find(|b| b.id == id)
    }

    pub fn degree_for(&self, score: Decimal) -> Option<&DegreeBand> {
        DegreeBand::find(&self.degrees, score).map(|i| &self.degrees[i])
    }

    /// The Russian name of whatever a formula name refers to (input, parameter, value, scale,
    /// table), for legends.
    pub fn describe_name(&self, name: &str) -> Option<String> {
        Some(match self.symbols.get(name)? {
            Symbol::Input(i) => self.inputs[*i].name.clone(),
            Symbol::Parameter(i) => self.parameters[*i].name.clone(),
            Symbol::Scale(i) => self.scales[*i].name.clone(),
            Symbol::Table(i) => self.tables[*i].name.clone(),
            Symbol::Node(i) => self.nodes[*i].name.clone(),
        })
    }

    /// Every citable item, for the fidelity report and `describe`.
    pub fn citations(&self) -> Vec<(String, String, &Citation)> {
        let mut out: Vec<(String, String, &Citation)> = Vec::new();
        out.push((
            "validity".into(),
            "Период действия".into(),
            &self.validity.cite,
        ));
        out.push(("rounding".into(), "Округление".into(), &self.rounding.cite));
        for d in &self.directions {
            out.push((d.code.clone(), d.name.clone(), &d.cite));
        }
        for d in &self.degrees {
            out.push((format!("degree.{}", d.code), d.name.clone(), &d.cite));
        }
        for b in &self.named_bodies {
            out.push((format!("body.{}", b.id), b.name.clone(), &b.cite));
        }
        for t in &self.tables {
            out.push((t.code.clone(), t.name.clone(), &t.cite));
        }
        for i in &self.inputs {
            out.push((i.code.clone(), i.name.clone(), &i.cite));
        }
        for t in &self.reporting {
            out.push((
                t.code.clone(),
                format!("{} «{}»", t.number, t.name),
                &t.cite,
            ));
        }
        for p in &self.parameters {
            out.push((p.code.clone(), p.name.clone(), &p.cite));
        }
        for s in &self.scales {
            out.push((s.code.clone(), s.name.clone(), &s.cite));
        }
        for n in &self.nodes {
            out.push((n.code.clone(), n.name.clone(), &n.cite));
            if let NodeBody::Penalty { items, .. } = &n.body {
                for it in items {
                    out.push((format!("{}.{}", n.code, it.code), it.name.clone(), &it.cite));
                }
            }
        }
        if let Some(p) = &self.procedure {
            out.extend(p.citations());
        }
        for r in &self.raw_inputs {
            out.push((
                format!("raw.{}", r.input),
                format!("Из первичных записей: {}", r.measure.describe_ru()),
                &r.cite,
            ));
        }
        out
    }
}
