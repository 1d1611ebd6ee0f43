//! Evaluation of an edition over a dataset: node by node in dependency order, each node for
//! every body before the next, so that cross-body mechanisms (group means, min-max scaling,
//! the correction-coefficient spread) see complete columns.

use bagalau_methodology::expr::{BinOp, Expr, UnOp};
use bagalau_methodology::Interval;
use bagalau_methodology::{Edition, Group, NodeBody, NodeRole, ScaleKind, Symbol};
use num_traits::{ToPrimitive, Zero};
use rust_decimal::Decimal;

use crate::exact::{from_decimal, from_int, show, to_decimal, Q};
use crate::num::{self, N};
use crate::trace::{GroupStat, Note, RowAggregate, RowSelection, Subject};

/// A value in the engine: exact decimal or boolean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Num(Decimal),
    Bool(bool),
}

/// The engine's internal value: an exact fraction or a boolean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V {
    Num(Q),
    Bool(bool),
}

impl V {
    pub fn to_value(&self) -> Value {
        match self {
            V::Num(q) => Value::Num(to_decimal(q)),
            V::Bool(b) => Value::Bool(*b),
        }
    }

    pub fn as_q(&self) -> Option<&Q> {
        match self {
            V::Num(q) => Some(q),
            V::Bool(_) => None,
        }
    }
}

/// The evaluator's working value, also the form of [`Computed::row_values`]: a number in two
/// machine words while it fits ([`N`], no allocation), a big fraction otherwise, or a boolean.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Num(N),
    Bool(bool),
}

impl Val {
    fn from_value(v: Value) -> Val {
        match v {
            Value::Num(d) => Val::Num(N::from_decimal(d)),
            Value::Bool(b) => Val::Bool(b),
        }
    }

    fn of(v: &V) -> Val {
        match v {
            V::Num(q) => Val::Num(N::of(q)),
            V::Bool(b) => Val::Bool(*b),
        }
    }

    /// The value as the engine's steps keep it.
    pub fn into_v(self) -> V {
        match self {
            Val::Num(n) => V::Num(n.into_q()),
            Val::Bool(b) => V::Bool(b),
        }
    }

    /// Equality of values of the formula language (a number never equals a boolean).
    fn same(&self, other: &Val) -> bool {
        match (self, other) {
            (Val::Num(a), Val::Num(b)) => num::cmp(a, b).is_eq(),
            (Val::Bool(a), Val::Bool(b)) => a == b,
            _ => false,
        }
    }
}

impl Value {
    pub fn as_num(self) -> Option<Decimal> {
        match self {
            Value::Num(d) => Some(d),
            Value::Bool(_) => None,
        }
    }
}

/// One row of a per-body table (e.g. one service kind).
///
/// Its values are sized to the row's table — slot `k` is the `k`-th input of the table
/// ([`table_slots`]) — and packed: one machine word per value while every number of the row
/// has at most 17 digits (a mantissa below 2^56), exact [`Value`]s otherwise. The key and the
/// name are shared text (`Arc<str>`): the readers give rows of the same key or name one copy.
#[derive(Clone, PartialEq, Eq)]
pub struct Row {
    pub key: std::sync::Arc<str>,
    pub name: std::sync::Arc<str>,
    values: Packed,
}

#[derive(Clone, PartialEq, Eq)]
enum Packed {
    /// One word per value: 0 = empty; tag 1 (low two bits) = a boolean in bit 2; tag 2 = a
    /// decimal, its scale in bits 2–6 and its mantissa (57-bit two's complement) above.
    Words(Box<[u64]>),
    /// A row with a number that does not fit a word.
    Wide(Box<[Option<Value>]>),
}

const TAG_BOOL: u64 = 1;
const TAG_NUM: u64 = 2;
/// Mantissas in `-2^56 .. 2^56` fit a word beside the tag and the scale.
const WORD_MANTISSA: i128 = 1 << 56;

fn pack(v: Option<Value>) -> Option<u64> {
    match v {
        None => Some(0),
        Some(Value::Bool(b)) => Some(TAG_BOOL | (u64::from(b) << 2)),
        Some(Value::Num(d)) => {
            let m = d.mantissa();
            // A negative zero keeps its sign only in the wide form.
            if !(-WORD_MANTISSA..WORD_MANTISSA).contains(&m) || (m == 0 && d.is_sign_negative()) {
                return None;
            }
            let m = i64::try_from(m).ok()?;
            Some(((m << 7) as u64) | (u64::from(d.scale()) << 2) | TAG_NUM)
        }
    }
}

fn unpack(w: u64) -> Option<Value> {
    match w & 3 {
        TAG_BOOL => Some(Value::Bool(w & 4 != 0)),
        TAG_NUM => {
            let m = (w as i64) >> 7;
            let scale = ((w >> 2) & 31) as u32;
            Some(Value::Num(Decimal::from_i128_with_scale(
                i128::from(m),
                scale,
            )))
        }
        _ => None,
    }
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Row")
            .field("key", &self.key)
            .field("name", &self.name)
            .field("values", &self.values())
            .finish()
    }
}

/// For every input of the edition, its position among the inputs of its table (`None` for
/// body-level inputs): the slot of the input in a [`Row`].
pub fn table_slots(ed: &Edition) -> Vec<Option<usize>> {
    let mut next = vec![0usize; ed.tables.len()];
    ed.inputs
        .iter()
        .map(|inp| {
            inp.table.and_then(|t| {
                let slot = next.get_mut(t)?;
                *slot += 1;
                Some(*slot - 1)
            })
        })
        .collect()
}

impl Row {
    /// A row from its values in table order (slot `k` = the `k`-th input of the row's table,
    /// see [`table_slots`]).
    pub fn new(
        key: impl Into<std::sync::Arc<str>>,
        name: impl Into<std::sync::Arc<str>>,
        values: &[Option<Value>],
    ) -> Row {
        let words: Option<Box<[u64]>> = values.iter().map(|v| pack(*v)).collect();
        Row {
            key: key.into(),
            name: name.into(),
            values: match words {
                Some(w) => Packed::Words(w),
                None => Packed::Wide(values.into()),
            },
        }
    }

    /// A row of table `table` from values indexed like `edition.inputs` (only the table's
    /// inputs are read).
    pub fn from_inputs(
        ed: &Edition,
        table: usize,
        key: impl Into<std::sync::Arc<str>>,
        name: impl Into<std::sync::Arc<str>>,
        values: &[Option<Value>],
    ) -> Row {
        Row::new(key, name, &Row::compact(ed, table, values))
    }

    /// The values of a row indexed like `edition.inputs`, reduced to the row's table (a row of
    /// a table with 11 inputs then holds 11 values, not one per input of the edition).
    pub fn compact(ed: &Edition, table: usize, values: &[Option<Value>]) -> Vec<Option<Value>> {
        ed.inputs
            .iter()
            .enumerate()
            .filter(|(_, inp)| inp.table == Some(table))
            .map(|(i, _)| values.get(i).copied().flatten())
            .collect()
    }

    /// The number of values (the inputs of the row's table).
    pub fn len(&self) -> usize {
        match &self.values {
            Packed::Words(w) => w.len(),
            Packed::Wide(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value in slot `k` (see [`table_slots`]).
    pub fn slot(&self, k: usize) -> Option<Value> {
        match &self.values {
            Packed::Words(w) => w.get(k).copied().and_then(unpack),
            Packed::Wide(v) => v.get(k).copied().flatten(),
        }
    }

    /// Every value, in table order.
    pub fn values(&self) -> Vec<Option<Value>> {
        (0..self.len()).map(|k| self.slot(k)).collect()
    }

    /// Replaces the value in slot `k` (nothing happens when the row has no slot `k`).
    pub fn set(&mut self, k: usize, v: Option<Value>) {
        if k >= self.len() {
            return;
        }
        if let (Packed::Words(w), Some(word)) = (&mut self.values, pack(v)) {
            w[k] = word;
            return;
        }
        let mut all = self.values();
        all[k] = v;
        *self = Row::new(self.key.clone(), self.name.clone(), &all);
    }

    /// The value of input `input` (an index into `edition.inputs`) in this row; `slots` is
    /// [`table_slots`].
    pub fn value(&self, _ed: &Edition, slots: &[Option<usize>], input: usize) -> Option<Value> {
        slots
            .get(input)
            .copied()
            .flatten()
            .and_then(|k| self.slot(k))
    }
}

/// An evaluated body with its inputs.
#[derive(Debug, Clone)]
pub struct BodyData {
    pub id: String,
    pub name: String,
    pub group: Group,
    /// Indexed like `edition.inputs`; only body-level inputs are set.
    pub values: Vec<Option<Value>>,
    /// Indexed like `edition.tables`.
    pub tables: Vec<Vec<Row>>,
}

/// The input of an evaluation.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub bodies: Vec<BodyData>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("орган «{body}», значение «{node}»: {message}")]
pub struct EvalError {
    pub body: String,
    pub node: String,
    pub message: String,
}

/// One computed value of one body, with what it was computed from.
#[derive(Debug, Clone)]
pub struct Step {
    pub node: usize,
    pub value: Option<V>,
    /// Names the formula mentions (outside aggregates) and their values for this body.
    pub refs: Vec<(String, Option<V>)>,
    /// Keys of the rows of a row-scoped node (empty otherwise), shared by the body's row-scoped
    /// nodes of one table; the values are `Computed::row_values[body][node]`, in this order.
    pub row_keys: std::sync::Arc<Vec<String>>,
    /// Aggregates and cross-body mechanisms the value went through, as data ([`Note`]).
    pub notes: Vec<Note>,
    /// Penalty breakdown: item index, facts, deduction before the cap.
    pub penalty_items: Vec<(usize, Decimal, Decimal)>,
    /// The penalty total was limited by its cap.
    pub capped: bool,
}

/// The evaluated values of every body.
#[derive(Debug, Clone)]
pub struct Computed {
    /// `[body][node]`; `None` = not applicable or no value.
    pub values: Vec<Vec<Option<Value>>>,
    /// `[body][node]`, exact.
    pub exact: Vec<Vec<Option<V>>>,
    pub applicable: Vec<Vec<bool>>,
    /// `[body][node]` → per-row values for row-scoped nodes.
    pub row_values: Vec<Vec<Vec<Option<Val>>>>,
    /// `[body]` → steps in evaluation order (applicable nodes only).
    pub steps: Vec<Vec<Step>>,
}

/// The values of one expression over the bodies of one group (optionally filtered), with the
/// aggregates the group functions take from them, each computed once and shared by the group's
/// bodies (a group of n bodies then costs O(n) per node, not O(n²)).
#[derive(Default)]
struct GroupAgg {
    vals: Vec<(usize, Q)>,
    /// The exact sum (a balanced tree, see [`crate::exact::sum`]).
    sum: std::cell::OnceCell<Q>,
    /// Smallest and largest value (`None` when no body has one).
    bounds: std::cell::OnceCell<Option<(Q, Q)>>,
    /// Distinct values, sorted (for `spread`).
    distinct: std::cell::OnceCell<Vec<Q>>,
    /// Results of `group_mean`/`group_min`/`group_max`/`group_sum` with their note.
    results: std::cell::RefCell<std::collections::HashMap<&'static str, (Option<Q>, Note)>>,
}

impl GroupAgg {
    fn sum(&self) -> &Q {
        self.sum
            .get_or_init(|| crate::exact::sum(self.vals.iter().map(|(_, v)| v)))
    }

    fn bounds(&self) -> Option<&(Q, Q)> {
        self.bounds
            .get_or_init(|| {
                let mut it = self.vals.iter().map(|(_, v)| v);
                let first = it.next()?;
                let (mut lo, mut hi) = (first, first);
                for v in it {
                    if v < lo {
                        lo = v;
                    }
                    if v > hi {
                        hi = v;
                    }
                }
                Some((lo.clone(), hi.clone()))
            })
            .as_ref()
    }

    fn distinct(&self) -> &[Q] {
        self.distinct.get_or_init(|| {
            let mut d: Vec<Q> = self.vals.iter().map(|(_, v)| v.clone()).collect();
            d.sort_unstable();
            d.dedup();
            d
        })
    }
}

/// Group values already computed for the node being evaluated, keyed by the expression, the
/// filter (addresses in the edition, which outlives the computation) and the group. Valid for one
/// node: group functions read only the node's dependencies, which are complete.
type GroupCache =
    std::cell::RefCell<std::collections::HashMap<(usize, usize, Group), std::rc::Rc<GroupAgg>>>;

/// `group_count` results for the node being evaluated, keyed like [`GroupCache`].
type CountCache = std::cell::RefCell<std::collections::HashMap<(usize, Group), usize>>;

struct Ctx<'a> {
    ed: &'a Edition,
    data: &'a Dataset,
    values: &'a [Vec<Option<V>>],
    row_values: &'a [Vec<Vec<Option<Val>>>],
    group_cache: &'a GroupCache,
    count_cache: &'a CountCache,
    /// `edition.scales` as fractions.
    scales: &'a [QScale],
    /// `edition.parameters` as fractions, per group (central, local).
    params: &'a [[N; 2]],
    /// [`table_slots`] of the edition.
    slots: &'a [Option<usize>],
    names: &'a NameCache,
}

/// Hashes an address (a key that is already well spread) by one multiplication.
#[derive(Default)]
struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_usize(&mut self, x: usize) {
        self.0 = (x as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }
}

/// Names of the edition's formulas resolved to symbols, keyed by the address of the name.
type NameCache = std::cell::RefCell<
    std::collections::HashMap<usize, Option<Symbol>, std::hash::BuildHasherDefault<AddrHasher>>,
>;

#[derive(Clone, Copy)]
struct At {
    body: usize,
    row: Option<usize>,
}

type R<T> = Result<T, String>;

/// An interval of a scale with its bounds as fractions (converted once per evaluation).
struct QInterval {
    lo: N,
    hi: N,
    lo_inclusive: bool,
    hi_inclusive: bool,
}

impl QInterval {
    fn new(i: &Interval) -> Self {
        QInterval {
            lo: N::from_decimal(i.lo),
            hi: N::from_decimal(i.hi),
            lo_inclusive: i.lo_inclusive,
            hi_inclusive: i.hi_inclusive,
        }
    }

    fn contains(&self, x: &N) -> bool {
        let (l, h) = (num::cmp(x, &self.lo), num::cmp(x, &self.hi));
        (if self.lo_inclusive {
            l.is_ge()
        } else {
            l.is_gt()
        }) && (if self.hi_inclusive {
            h.is_le()
        } else {
            h.is_lt()
        })
    }
}

/// A scale with its bounds and points as fractions.
enum QScale {
    Bands {
        domain: QInterval,
        bands: Vec<(QInterval, N)>,
    },
    Categories(Vec<(N, N)>),
}

impl QScale {
    fn new(kind: &ScaleKind) -> Self {
        match kind {
            ScaleKind::Bands { domain, bands } => QScale::Bands {
                domain: QInterval::new(domain),
                bands: bands
                    .iter()
                    .map(|b| (QInterval::new(&b.range), N::from_decimal(b.points)))
                    .collect(),
            },
            ScaleKind::Categories(cats) => QScale::Categories(
                cats.iter()
                    .map(|c| (N::from_int(c.value), N::from_decimal(c.points)))
                    .collect(),
            ),
        }
    }
}

impl Ctx<'_> {
    fn lookup(&self, name: &str, at: At) -> R<Option<V>> {
        Ok(self
            .lookup_symbol(self.ed.symbol(name), name, at)?
            .map(Val::into_v))
    }

    /// The symbol a name of the edition's formulas stands for, resolved once per evaluation
    /// (keyed by the address of the name in the edition, which outlives the evaluation).
    fn resolve(&self, name: &str) -> Option<Symbol> {
        let key = name.as_ptr() as usize;
        if let Some(s) = self.names.borrow().get(&key) {
            return *s;
        }
        let s = self.ed.symbol(name);
        self.names.borrow_mut().insert(key, s);
        s
    }

    fn lookup_symbol(&self, symbol: Option<Symbol>, name: &str, at: At) -> R<Option<Val>> {
        let body = &self.data.bodies[at.body];
        match symbol {
            Some(Symbol::Input(i)) => match self.ed.inputs[i].table {
                None => Ok(body.values.get(i).copied().flatten().map(Val::from_value)),
                Some(t) => {
                    let row = at
                        .row
                        .ok_or_else(|| format!("«{name}» вне строки таблицы"))?;
                    Ok(body.tables[t]
                        .get(row)
                        .and_then(|r| r.value(self.ed, self.slots, i))
                        .map(Val::from_value))
                }
            },
            Some(Symbol::Parameter(p)) => Ok(self
                .params
                .get(p)
                .map(|v| Val::Num(v[usize::from(body.group == Group::Local)].clone()))),
            Some(Symbol::Node(n)) => match self.ed.nodes[n].table {
                None => Ok(self.values[at.body][n].as_ref().map(Val::of)),
                Some(_) => {
                    let row = at
                        .row
                        .ok_or_else(|| format!("«{name}» вне строки таблицы"))?;
                    Ok(self.row_values[at.body][n]
                        .get(row)
                        .and_then(Option::as_ref)
                        .cloned())
                }
            },
            _ => Err(format!("«{name}» не является значением")),
        }
    }

    fn num(&self, e: &Expr, at: At, notes: &mut Vec<Note>) -> R<N> {
        match self.eval(e, at, notes)? {
            Some(Val::Num(d)) => Ok(d),
            Some(Val::Bool(_)) => Err(format!("«{e}»: ожидалось число")),
            None => Err(format!("нет значения «{e}»")),
        }
    }

    fn boolean(&self, e: &Expr, at: At, notes: &mut Vec<Note>) -> R<bool> {
        match self.eval(e, at, notes)? {
            Some(Val::Bool(b)) => Ok(b),
            Some(Val::Num(_)) => Err(format!("«{e}»: ожидалось логическое значение")),
            None => Err(format!("нет значения «{e}»")),
        }
    }

    fn group_members(&self, at: At) -> impl Iterator<Item = usize> + '_ {
        let g = self.data.bodies[at.body].group;
        self.data
            .bodies
            .iter()
            .enumerate()
            .filter(move |(_, b)| b.group == g)
            .map(|(i, _)| i)
    }

    /// Values of `e` over the bodies of the group (optionally filtered), skipping bodies
    /// where it has no value.
    fn group_values(&self, e: &Expr, filter: Option<&Expr>, at: At) -> R<std::rc::Rc<GroupAgg>> {
        let key = (
            e as *const Expr as usize,
            filter.map_or(0, |f| f as *const Expr as usize),
            self.data.bodies[at.body].group,
        );
        if let Some(hit) = self.group_cache.borrow().get(&key) {
            return Ok(hit.clone());
        }
        let out = std::rc::Rc::new(GroupAgg {
            vals: self.group_values_uncached(e, filter, at)?,
            ..GroupAgg::default()
        });
        self.group_cache.borrow_mut().insert(key, out.clone());
        Ok(out)
    }

    fn group_values_uncached(&self, e: &Expr, filter: Option<&Expr>, at: At) -> R<Vec<(usize, Q)>> {
        let mut out = Vec::new();
        let mut scratch = Vec::new();
        for j in self.group_members(at) {
            let at_j = At { body: j, row: None };
            if let Some(f) = filter {
                match self.eval(f, at_j, &mut scratch)? {
                    Some(Val::Bool(true)) => {}
                    Some(Val::Bool(false)) | None => continue,
                    Some(Val::Num(_)) => return Err("условие отбора должно быть логическим".into()),
                }
            }
            match self.eval(e, at_j, &mut scratch)? {
                Some(Val::Num(d)) => out.push((j, d.into_q())),
                Some(Val::Bool(_)) => return Err(format!("«{e}»: ожидалось число")),
                None => {}
            }
        }
        Ok(out)
    }

    fn eval(&self, e: &Expr, at: At, notes: &mut Vec<Note>) -> R<Option<Val>> {
        Ok(Some(match e {
            Expr::Num(d) => Val::Num(N::from_decimal(*d)),
            Expr::Bool(b) => Val::Bool(*b),
            Expr::Name(n, _) => return self.lookup_symbol(self.resolve(n), n, at),
            Expr::Unary(UnOp::Neg, a) => Val::Num(self.num(a, at, notes)?.neg()),
            Expr::Unary(UnOp::Not, a) => Val::Bool(!self.boolean(a, at, notes)?),
            Expr::Binary(op, a, b) => match op {
                BinOp::And => Val::Bool(self.boolean(a, at, notes)? && self.boolean(b, at, notes)?),
                BinOp::Or => Val::Bool(self.boolean(a, at, notes)? || self.boolean(b, at, notes)?),
                BinOp::Eq | BinOp::Ne => {
                    let x = self
                        .eval(a, at, notes)?
                        .ok_or_else(|| format!("нет значения «{a}»"))?;
                    let y = self
                        .eval(b, at, notes)?
                        .ok_or_else(|| format!("нет значения «{b}»"))?;
                    Val::Bool(x.same(&y) == (*op == BinOp::Eq))
                }
                BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    let x = self.num(a, at, notes)?;
                    let y = self.num(b, at, notes)?;
                    let o = num::cmp(&x, &y);
                    Val::Bool(match op {
                        BinOp::Lt => o.is_lt(),
                        BinOp::Le => o.is_le(),
                        BinOp::Gt => o.is_gt(),
                        _ => o.is_ge(),
                    })
                }
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                    let x = self.num(a, at, notes)?;
                    let y = self.num(b, at, notes)?;
                    if matches!(op, BinOp::Mul | BinOp::Div) {
                        num::check_size(&x, &y)?;
                    }
                    let r = match op {
                        BinOp::Add => Some(num::add(&x, &y)),
                        BinOp::Sub => Some(num::sub(&x, &y)),
                        BinOp::Mul => Some(num::mul(&x, &y)),
                        _ => {
                            if y.is_zero() {
                                return Err(format!("деление на ноль в «{e}» («{b}» = 0)"));
                            }
                            num::div(&x, &y)
                        }
                    };
                    Val::Num(r.ok_or_else(|| format!("переполнение в «{e}»"))?)
                }
            },
            Expr::Call(f, args, _) => return self.call(f, args, at, notes),
        }))
    }

    fn call(&self, f: &str, args: &[Expr], at: At, notes: &mut Vec<Note>) -> R<Option<Val>> {
        let arg = |i: usize| {
            args.get(i)
                .ok_or_else(|| format!("{f}: не хватает аргументов"))
        };
        let num = |v: Q| Ok(Some(Val::Num(N::from_q(v))));
        let numn = |v: N| Ok(Some(Val::Num(v)));
        match f {
            "if" => {
                if self.boolean(arg(0)?, at, notes)? {
                    self.eval(arg(1)?, at, notes)
                } else {
                    self.eval(arg(2)?, at, notes)
                }
            }
            "min" | "max" => {
                let mut best: Option<N> = None;
                for a in args {
                    let v = self.num(a, at, notes)?;
                    best = Some(match best {
                        None => v,
                        Some(b) if f == "min" => {
                            if num::cmp(&v, &b).is_lt() {
                                v
                            } else {
                                b
                            }
                        }
                        Some(b) => {
                            if num::cmp(&v, &b).is_gt() {
                                v
                            } else {
                                b
                            }
                        }
                    });
                }
                Ok(best.map(Val::Num))
            }
            "clamp" => {
                let x = self.num(arg(0)?, at, notes)?;
                let lo = self.num(arg(1)?, at, notes)?;
                let hi = self.num(arg(2)?, at, notes)?;
                let x = if num::cmp(&lo, &x).is_ge() { lo } else { x };
                numn(if num::cmp(&hi, &x).is_lt() { hi } else { x })
            }
            "abs" => numn(self.num(arg(0)?, at, notes)?.abs()),
            "round" => {
                let x = self.num(arg(0)?, at, notes)?;
                let dp = self.num(arg(1)?, at, notes)?;
                let dp = dp
                    .q()
                    .to_integer()
                    .to_u32()
                    .filter(|&d| d <= 28)
                    .ok_or_else(|| {
                        "round: неверное число знаков (допустимо от 0 до 28)".to_string()
                    })?;
                num(crate::exact::round(&x.q(), dp))
            }
            "value_or" => match self.eval(arg(0)?, at, notes)? {
                Some(v) => Ok(Some(v)),
                None => self.eval(arg(1)?, at, notes),
            },
            "has" => Ok(Some(Val::Bool(self.eval(arg(0)?, at, notes)?.is_some()))),
            "scale" => {
                let Expr::Name(sname, _) = arg(0)? else {
                    return Err("scale: первый аргумент — имя шкалы".into());
                };
                let Some(Symbol::Scale(s)) = self.resolve(sname) else {
                    return Err(format!("«{sname}» — не шкала"));
                };
                let x = self.num(arg(1)?, at, notes)?;
                let scale = &self.ed.scales[s];
                let ScaleKind::Bands { domain, .. } = &scale.kind else {
                    let QScale::Categories(cats) = &self.scales[s] else {
                        return Err(format!("«{sname}» — не шкала"));
                    };
                    return cats
                        .iter()
                        .find(|(v, _)| num::cmp(v, &x).is_eq())
                        .map(|(_, p)| Some(Val::Num(p.clone())))
                        .ok_or_else(|| {
                            format!("значения {} нет в шкале «{}»", show(&x.q()), scale.code)
                        });
                };
                let QScale::Bands {
                    domain: qdomain,
                    bands,
                } = &self.scales[s]
                else {
                    return Err(format!("«{sname}» — не шкала"));
                };
                if !qdomain.contains(&x) {
                    return Err(format!(
                        "значение {} вне области шкалы «{}» {}",
                        show(&x.q()),
                        scale.code,
                        domain
                    ));
                }
                bands
                    .iter()
                    .find(|(r, _)| r.contains(&x))
                    .map(|(_, p)| Some(Val::Num(p.clone())))
                    .ok_or_else(|| {
                        format!(
                            "значение {} не попадает ни в одну полосу шкалы «{}»",
                            show(&x.q()),
                            scale.code
                        )
                    })
            }
            "sum" | "mean" | "count" => {
                let Expr::Name(tname, _) = arg(0)? else {
                    return Err(format!("{f}: первый аргумент — имя таблицы"));
                };
                let Some(Symbol::Table(t)) = self.resolve(tname) else {
                    return Err(format!("«{tname}» — не таблица"));
                };
                let rows = &self.data.bodies[at.body].tables[t];
                let filter = if f == "count" {
                    args.get(1)
                } else {
                    args.get(2)
                };
                let mut total = N::from_int(0);
                let mut n = 0usize;
                let mut scratch = Vec::new();
                for (r, row) in rows.iter().enumerate() {
                    let at_r = At {
                        body: at.body,
                        row: Some(r),
                    };
                    if let Some(c) = filter {
                        if !self
                            .boolean(c, at_r, &mut scratch)
                            .map_err(|m| format!("строка «{}»: {m}", row.key))?
                        {
                            continue;
                        }
                    }
                    n += 1;
                    if f != "count" {
                        let v = self
                            .num(arg(1)?, at_r, &mut scratch)
                            .map_err(|m| format!("строка «{}»: {m}", row.key))?;
                        total = num::add(&total, &v);
                    }
                }
                let selection = RowSelection {
                    table: tname.clone(),
                    taken: n,
                    rows: rows.len(),
                    filtered: filter.is_some(),
                };
                match f {
                    "count" => {
                        notes.push(Note::Rows {
                            selection,
                            aggregate: RowAggregate::Count,
                        });
                        num(from_int(n as i64))
                    }
                    "sum" => {
                        notes.push(Note::Rows {
                            selection,
                            aggregate: RowAggregate::Sum { total: total.q() },
                        });
                        numn(total)
                    }
                    _ => {
                        let total = total.into_q();
                        let mean = (n > 0).then(|| &total / from_int(n as i64));
                        notes.push(Note::Rows {
                            selection,
                            aggregate: RowAggregate::Mean {
                                total,
                                mean: mean.clone(),
                            },
                        });
                        Ok(mean.map(|m| Val::Num(N::from_q(m))))
                    }
                }
            }
            "group_mean" | "group_min" | "group_max" | "group_sum" => {
                let agg = self.group_values(arg(0)?, args.get(1), at)?;
                let key: &'static str = match f {
                    "group_mean" => "group_mean",
                    "group_min" => "group_min",
                    "group_max" => "group_max",
                    _ => "group_sum",
                };
                if let Some((r, note)) = agg.results.borrow().get(key) {
                    notes.push(note.clone());
                    return Ok(r.clone().map(|r| Val::Num(N::from_q(r))));
                }
                let n = agg.vals.len();
                let r = match key {
                    _ if n == 0 => None,
                    "group_mean" => Some(agg.sum() / from_int(n as i64)),
                    "group_min" => agg.bounds().map(|b| b.0.clone()),
                    "group_max" => agg.bounds().map(|b| b.1.clone()),
                    _ => Some(agg.sum().clone()),
                };
                let note = Note::Group {
                    stat: match key {
                        "group_mean" => GroupStat::Mean,
                        "group_min" => GroupStat::Min,
                        "group_max" => GroupStat::Max,
                        _ => GroupStat::Sum,
                    },
                    subject: Subject::of(arg(0)?),
                    group: self.data.bodies[at.body].group,
                    bodies: n,
                    filtered: args.len() > 1,
                    value: r.clone(),
                };
                agg.results
                    .borrow_mut()
                    .insert(key, (r.clone(), note.clone()));
                notes.push(note);
                Ok(r.map(|r| Val::Num(N::from_q(r))))
            }
            "group_count" => {
                let key = (
                    arg(0)? as *const Expr as usize,
                    self.data.bodies[at.body].group,
                );
                let cached = self.count_cache.borrow().get(&key).copied();
                let n = match cached {
                    Some(n) => n,
                    None => {
                        let mut n = 0usize;
                        let mut scratch = Vec::new();
                        for j in self.group_members(at) {
                            if self.boolean(arg(0)?, At { body: j, row: None }, &mut scratch)? {
                                n += 1;
                            }
                        }
                        self.count_cache.borrow_mut().insert(key, n);
                        n
                    }
                };
                num(from_int(n as i64))
            }
            "minmax" => {
                let x = self.num(arg(0)?, at, notes)?.into_q();
                let agg = self.group_values(arg(0)?, None, at)?;
                let (lo, hi) = match agg.bounds() {
                    Some((lo, hi)) => (lo.clone(), hi.clone()),
                    None => (x.clone(), x.clone()),
                };
                let group = self.data.bodies[at.body].group;
                if hi == lo {
                    let e = self.num(arg(1)?, at, notes)?;
                    notes.push(Note::MinMaxFlat {
                        subject: Subject::of(arg(0)?),
                        group,
                        value: lo,
                        taken: e.q(),
                    });
                    return numn(e);
                }
                let r = (&x - &lo) / (&hi - &lo);
                notes.push(Note::MinMax {
                    subject: Subject::of(arg(0)?),
                    group,
                    value: x,
                    min: lo,
                    max: hi,
                    result: r.clone(),
                });
                num(r)
            }
            "spread" => {
                let x = self.num(arg(0)?, at, notes)?.into_q();
                let lo = self.num(arg(1)?, at, notes)?.into_q();
                let hi = self.num(arg(2)?, at, notes)?.into_q();
                let agg = self.group_values(arg(0)?, args.get(3), at)?;
                let count = agg.vals.len();
                let distinct = agg.distinct();
                let pos = distinct.binary_search(&x).map_err(|_| {
                    format!(
                        "spread: значение {} не входит в отобранные органы",
                        show(&x)
                    )
                })?;
                let k = distinct.len();
                let r = if k == 1 {
                    hi.clone()
                } else {
                    let step = (&hi - &lo) / from_int(k as i64 - 1);
                    &lo + step * from_int(pos as i64)
                };
                notes.push(Note::Spread {
                    from: lo,
                    to: hi,
                    levels: k,
                    bodies: count,
                    place: pos + 1,
                    result: r.clone(),
                });
                num(r)
            }
            other => Err(format!("неизвестная функция «{other}»")),
        }
    }
}

fn refs_of(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Name(n, _) if !out.contains(n) => out.push(n.clone()),
        Expr::Unary(_, a) => refs_of(a, out),
        Expr::Binary(_, a, b) => {
            refs_of(a, out);
            refs_of(b, out);
        }
        Expr::Call(f, args, _) => {
            let skip_first = matches!(f.as_str(), "scale" | "sum" | "mean" | "count");
            let row_scoped = matches!(f.as_str(), "sum" | "mean" | "count");
            for (i, a) in args.iter().enumerate() {
                if (skip_first && i == 0) || (row_scoped && i > 0) {
                    continue;
                }
                refs_of(a, out);
            }
        }
        _ => {}
    }
}

/// Computes every node for every body.
pub fn compute(ed: &Edition, data: &Dataset) -> Result<Computed, EvalError> {
    let nb = data.bodies.len();
    let nn = ed.nodes.len();
    let mut values = vec![vec![None; nn]; nb];
    let mut row_values = vec![vec![Vec::new(); nn]; nb];
    let mut applicable = vec![vec![false; nn]; nb];
    let mut steps: Vec<Vec<Step>> = vec![Vec::new(); nb];
    let slots = table_slots(ed);
    // Row keys per body and table, built once and shared by the steps of row-scoped nodes.
    let mut row_keys: Vec<Vec<Option<std::sync::Arc<Vec<String>>>>> =
        vec![vec![None; ed.tables.len()]; nb];
    let names = NameCache::default();
    let scales: Vec<QScale> = ed.scales.iter().map(|s| QScale::new(&s.kind)).collect();
    let params: Vec<[N; 2]> = ed
        .parameters
        .iter()
        .map(|p| {
            [
                N::from_decimal(p.value.get(Group::Central)),
                N::from_decimal(p.value.get(Group::Local)),
            ]
        })
        .collect();

    for &n in &ed.order {
        let node = &ed.nodes[n];
        let group_cache = GroupCache::default();
        let count_cache = CountCache::default();
        for b in 0..nb {
            let body = &data.bodies[b];
            if !node.applies.applies(body.group, &body.id) {
                continue;
            }
            applicable[b][n] = true;
            let err = |message: String| EvalError {
                body: body.id.clone(),
                node: node.code.clone(),
                message,
            };
            let ctx = Ctx {
                ed,
                data,
                values: &values,
                row_values: &row_values,
                group_cache: &group_cache,
                count_cache: &count_cache,
                scales: &scales,
                params: &params,
                slots: &slots,
                names: &names,
            };
            let mut row_out = None;
            let mut notes = Vec::new();
            let mut step = Step {
                node: n,
                value: None,
                refs: Vec::new(),
                row_keys: Default::default(),
                notes: Vec::new(),
                penalty_items: Vec::new(),
                capped: false,
            };
            let mut names = Vec::new();
            match &node.body {
                NodeBody::Formula(_) => {
                    let f = node.body.formula_for(body.group).ok_or_else(|| {
                        err(format!("нет формулы для группы {}", body.group.code()))
                    })?;
                    refs_of(&f.expr, &mut names);
                    if let Some(t) = node.table {
                        let rows = &body.tables[t];
                        let mut out = Vec::with_capacity(rows.len());
                        for (r, row) in rows.iter().enumerate() {
                            let v = ctx
                                .eval(
                                    &f.expr,
                                    At {
                                        body: b,
                                        row: Some(r),
                                    },
                                    &mut notes,
                                )
                                .map_err(|m| err(format!("строка «{}»: {m}", row.key)))?;
                            out.push(v);
                        }
                        step.row_keys = row_keys[b]
                            .get_mut(t)
                            .map(|k| {
                                k.get_or_insert_with(|| {
                                    std::sync::Arc::new(
                                        rows.iter().map(|r| r.key.to_string()).collect(),
                                    )
                                })
                                .clone()
                            })
                            .unwrap_or_default();
                        row_out = Some(out);
                    } else {
                        let v = ctx
                            .eval(&f.expr, At { body: b, row: None }, &mut notes)
                            .map_err(err)?;
                        step.value = v.map(Val::into_v);
                    }
                }
                NodeBody::Penalty { items, cap } => {
                    let mut total = Q::zero();
                    for (i, it) in items.iter().enumerate() {
                        refs_of(&it.facts, &mut names);
                        let facts = ctx
                            .num(&it.facts, At { body: b, row: None }, &mut notes)
                            .map_err(|m| err(format!("{}: {m}", it.code)))?
                            .into_q();
                        if facts < Q::zero() {
                            return Err(err(format!(
                                "{}: отрицательное число фактов {}",
                                it.code,
                                show(&facts)
                            )));
                        }
                        let amount = &facts * from_decimal(it.per_fact);
                        total += &amount;
                        step.penalty_items
                            .push((i, to_decimal(&facts), to_decimal(&amount)));
                    }
                    if let Some(c) = cap {
                        let c = from_decimal(*c);
                        if total > c {
                            step.capped = true;
                            total = c;
                        }
                    }
                    step.value = Some(V::Num(total));
                }
            }
            // Invariants of the tree: a criterion has a value within [0, max].
            if node.role == NodeRole::Criterion {
                match &step.value {
                    Some(V::Num(v)) => {
                        let max = node.max.unwrap_or(Decimal::MAX);
                        if *v < Q::zero() || *v > from_decimal(max) {
                            return Err(err(format!(
                                "значение {} вне допустимого диапазона [0; {}] — формула редакции должна ограничивать балл",
                                show(v),
                                max.normalize()
                            )));
                        }
                    }
                    _ => return Err(err("критерий не получил числового значения".into())),
                }
            }
            for name in names {
                let row_scoped = match ed.symbol(&name) {
                    Some(Symbol::Input(i)) => ed.inputs[i].table.is_some(),
                    Some(Symbol::Node(j)) => ed.nodes[j].table.is_some(),
                    _ => false,
                };
                if node.table.is_none() && !row_scoped {
                    let v = ctx.lookup(&name, At { body: b, row: None }).unwrap_or(None);
                    step.refs.push((name, v));
                }
            }
            step.notes = notes;
            if let Some(out) = row_out {
                row_values[b][n] = out;
            }
            values[b][n] = step.value.clone();
            steps[b].push(step);
        }
    }
    let decimals = values
        .iter()
        .map(|row| row.iter().map(|v| v.as_ref().map(V::to_value)).collect())
        .collect();
    Ok(Computed {
        values: decimals,
        exact: values,
        applicable,
        row_values,
        steps,
    })
}

#[cfg(test)]
mod row_tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Option<Value> {
        Some(Value::Num(Decimal::from_str(s).expect("decimal")))
    }

    /// Packed values come back as the same decimals (mantissa and scale, so `8.20` stays
    /// `8.20`), across the word boundary and at the limits of the readers.
    #[test]
    fn packed_values_round_trip_exactly() {
        let vals = vec![
            None,
            Some(Value::Bool(true)),
            Some(Value::Bool(false)),
            d("0"),
            d("8.20"),
            d("-3"),
            d("-0.0000000000000000000000000001"),
            d("72057594037927935"),  // 2^56 - 1: a word
            d("-72057594037927936"), // -2^56: a word
            d("72057594037927936"),  // 2^56: wide
            d("1000000000000000"),
            d("9.4999999999999999"),
        ];
        for v in &vals {
            let row = Row::new("k", "n", std::slice::from_ref(v));
            let back = row.slot(0);
            assert_eq!(back, *v);
            if let (Some(Value::Num(a)), Some(Value::Num(b))) = (back, v) {
                assert_eq!(a.to_string(), b.to_string());
                assert_eq!(a.scale(), b.scale());
            }
        }
        let row = Row::new("k", "n", &vals);
        assert_eq!(row.values(), vals);
        assert!(matches!(row.values, Packed::Wide(_)));
        let small = Row::new("k", "n", &vals[..9]);
        assert!(matches!(small.values, Packed::Words(_)));
        assert_eq!(small.values(), vals[..9].to_vec());
        assert_eq!(small.slot(9), None);
        // A negative zero keeps its sign.
        let z = Decimal::from_str("-0.0").expect("decimal");
        let row = Row::new("k", "n", &[Some(Value::Num(z))]);
        let Some(Value::Num(back)) = row.slot(0) else {
            panic!("a number")
        };
        assert_eq!(back.is_sign_negative(), z.is_sign_negative());
        assert_eq!(back.scale(), z.scale());
    }

    /// What a row and a per-row computed value cost (they are multiplied by the rows of a
    /// dataset: 390 000 in the bench's largest table).
    #[test]
    fn rows_and_row_values_are_small() {
        assert!(std::mem::size_of::<Row>() <= 56);
        assert!(std::mem::size_of::<Option<Val>>() <= 24);
    }

    #[test]
    fn set_replaces_one_slot_in_either_form() {
        let mut row = Row::new("k", "n", &[d("1"), None]);
        row.set(1, Some(Value::Bool(true)));
        assert_eq!(row.values(), vec![d("1"), Some(Value::Bool(true))]);
        row.set(0, d("72057594037927936"));
        assert_eq!(
            row.values(),
            vec![d("72057594037927936"), Some(Value::Bool(true))]
        );
        row.set(0, d("2.5"));
        assert_eq!(row.values(), vec![d("2.5"), Some(Value::Bool(true))]);
        row.set(5, d("1"));
        assert_eq!(row.len(), 2);
    }
}
