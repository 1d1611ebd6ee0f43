//! Interval reasoning over formulas: the range each value can take, for each group, from the
//! declared ranges of the inputs (`min`/`max`), the parameters, the scales' points and the
//! formulas themselves. `edition check` uses it to prove that no criterion's formula can exceed
//! the criterion's maximum, and that the maximum can be reached at all (a weight raised beyond
//! what its formula gives is an error, not a silent cap).
//!
//! The bounds are sound over-approximations: a value always lies inside its interval, so a
//! formula whose upper bound is below the maximum can never reach it.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::expr::{BinOp, Expr, UnOp};
use crate::model::*;

/// A closed interval with possibly infinite ends (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub lo: Option<Decimal>,
    pub hi: Option<Decimal>,
}

impl Bound {
    pub const ANY: Bound = Bound { lo: None, hi: None };

    pub fn point(v: Decimal) -> Bound {
        Bound {
            lo: Some(v),
            hi: Some(v),
        }
    }

    fn new(lo: Option<Decimal>, hi: Option<Decimal>) -> Bound {
        Bound { lo, hi }
    }

    fn non_negative(self) -> bool {
        self.lo.is_some_and(|l| l >= Decimal::ZERO)
    }

    fn non_positive(self) -> bool {
        self.hi.is_some_and(|h| h <= Decimal::ZERO)
    }

    fn hull(self, o: Bound) -> Bound {
        Bound::new(
            self.lo.zip(o.lo).map(|(a, b)| a.min(b)),
            self.hi.zip(o.hi).map(|(a, b)| a.max(b)),
        )
    }

    fn add(self, o: Bound) -> Bound {
        Bound::new(
            self.lo.zip(o.lo).and_then(|(a, b)| a.checked_add(b)),
            self.hi.zip(o.hi).and_then(|(a, b)| a.checked_add(b)),
        )
    }

    fn neg(self) -> Bound {
        Bound::new(self.hi.map(|h| -h), self.lo.map(|l| -l))
    }

    fn mul(self, o: Bound) -> Bound {
        let ends = |b: Bound| [Ext::lo(b.lo), Ext::hi(b.hi)];
        let mut lo = Ext::PosInf;
        let mut hi = Ext::NegInf;
        for a in ends(self) {
            for c in ends(o) {
                let p = a.mul(c);
                lo = lo.min(p);
                hi = hi.max(p);
            }
        }
        Bound::new(lo.finite(), hi.finite())
    }

    fn div(self, o: Bound) -> Bound {
        let zero = Decimal::ZERO;
        // A denominator bounded away from zero: multiply by its inverse.
        let inverse = |c: Option<Decimal>, d: Option<Decimal>| {
            Bound::new(
                match d {
                    Some(d) => Decimal::ONE.checked_div(d),
                    None => Some(zero),
                },
                c.and_then(|c| Decimal::ONE.checked_div(c)),
            )
        };
        if o.lo.is_some_and(|c| c > zero) {
            return self.mul(inverse(o.lo, o.hi));
        }
        if o.hi.is_some_and(|d| d < zero) {
            return self.neg().mul(inverse(o.hi.map(|d| -d), o.lo.map(|c| -c)));
        }
        if self.non_negative() && o.non_negative() {
            return Bound::new(Some(zero), None);
        }
        Bound::ANY
    }

    fn min(self, o: Bound) -> Bound {
        Bound::new(
            match (self.lo, o.lo) {
                (Some(a), Some(b)) => Some(a.min(b)),
                _ => None,
            },
            match (self.hi, o.hi) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (Some(a), None) | (None, Some(a)) => Some(a),
                (None, None) => None,
            },
        )
    }

    fn max(self, o: Bound) -> Bound {
        Bound::new(
            match (self.lo, o.lo) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (Some(a), None) | (None, Some(a)) => Some(a),
                (None, None) => None,
            },
            match (self.hi, o.hi) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
        )
    }

    /// Bound of a sum of any number (≥ 0) of values each within `self`.
    fn many(self) -> Bound {
        let zero = Decimal::ZERO;
        Bound::new(
            if self.non_negative() {
                Some(zero)
            } else {
                None
            },
            if self.non_positive() {
                Some(zero)
            } else {
                None
            },
        )
    }
}

/// An end of an interval on the extended line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ext {
    NegInf,
    Fin(Decimal),
    PosInf,
}

impl Ext {
    fn lo(d: Option<Decimal>) -> Ext {
        d.map_or(Ext::NegInf, Ext::Fin)
    }

    fn hi(d: Option<Decimal>) -> Ext {
        d.map_or(Ext::PosInf, Ext::Fin)
    }

    fn finite(self) -> Option<Decimal> {
        match self {
            Ext::Fin(d) => Some(d),
            _ => None,
        }
    }

    fn sign(self) -> i8 {
        match self {
            Ext::NegInf => -1,
            Ext::PosInf => 1,
            Ext::Fin(d) if d.is_zero() => 0,
            Ext::Fin(d) if d.is_sign_negative() => -1,
            Ext::Fin(_) => 1,
        }
    }

    /// Product, with 0 · ∞ = 0 (the interval convention) and overflow to ±∞.
    fn mul(self, o: Ext) -> Ext {
        if let (Ext::Fin(a), Ext::Fin(b)) = (self, o) {
            if let Some(p) = a.checked_mul(b) {
                return Ext::Fin(p);
            }
        }
        match self.sign() * o.sign() {
            0 => Ext::Fin(Decimal::ZERO),
            s if s > 0 => Ext::PosInf,
            _ => Ext::NegInf,
        }
    }
}

/// A problem found by the bounds check, for the loader to report at the criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundProblem {
    pub node: usize,
    pub group: Group,
    pub message: String,
}

/// Bounds of every node for every group, computed in dependency order.
pub struct Bounds<'a> {
    ed: &'a Edition,
    memo: HashMap<(usize, Group), Bound>,
}

impl<'a> Bounds<'a> {
    pub fn new(ed: &'a Edition) -> Bounds<'a> {
        let mut b = Bounds {
            ed,
            memo: HashMap::new(),
        };
        for &i in &ed.order {
            for g in Group::ALL {
                let v = b.compute_node(i, g);
                b.memo.insert((i, g), v);
            }
        }
        b
    }

    /// The bound of node `i` for group `g` (`ANY` if it has no value for the group).
    pub fn node(&self, i: usize, g: Group) -> Bound {
        self.memo.get(&(i, g)).copied().unwrap_or(Bound::ANY)
    }

    fn compute_node(&self, i: usize, g: Group) -> Bound {
        let n = &self.ed.nodes[i];
        if !n.applies.kind_allowed(g) {
            return Bound::ANY;
        }
        match &n.body {
            NodeBody::Formula(_) => match n.body.formula_for(g) {
                Some(f) => self.expr(&f.expr, g),
                None => Bound::ANY,
            },
            NodeBody::Penalty { items, cap } => {
                let mut total = Bound::point(Decimal::ZERO);
                for it in items {
                    let facts = self.expr(&it.facts, g);
                    total = total.add(facts.mul(Bound::point(it.per_fact)));
                }
                match cap {
                    Some(c) => total.min(Bound::point(*c)),
                    None => total,
                }
            }
        }
    }

    pub fn expr(&self, e: &Expr, g: Group) -> Bound {
        match e {
            Expr::Num(d) => Bound::point(*d),
            Expr::Bool(_) => Bound::ANY,
            Expr::Name(n, _) => self.name(n, g),
            Expr::Unary(UnOp::Neg, x) => self.expr(x, g).neg(),
            Expr::Unary(UnOp::Not, _) => Bound::ANY,
            Expr::Binary(op, a, b) => {
                let (x, y) = (self.expr(a, g), self.expr(b, g));
                match op {
                    BinOp::Add => x.add(y),
                    BinOp::Sub => x.add(y.neg()),
                    BinOp::Mul => x.mul(y),
                    BinOp::Div => {
                        let unit = Bound::new(Some(Decimal::ZERO), Some(Decimal::ONE));
                        if self.share_of_sum(a, b, g) {
                            return unit;
                        }
                        // `k * share / d` (left-associated product): k times a share.
                        if let Expr::Binary(BinOp::Mul, k, inner) = a.as_ref() {
                            if self.share_of_sum(inner, b, g) {
                                return self.expr(k, g).mul(unit);
                            }
                        }
                        x.div(y)
                    }
                    _ => Bound::ANY,
                }
            }
            Expr::Call(f, args, _) => self.call(f, args, g),
        }
    }

    /// `(a + c) / (a + b + c + d)` with every term of the denominator non-negative and every
    /// term of the numerator among them: a share, within [0, 1].
    fn share_of_sum(&self, num: &Expr, den: &Expr, g: Group) -> bool {
        // `min(x, d) / d` with x, d ≥ 0.
        if let Expr::Call(f, args, _) = num {
            if f == "min"
                && args.iter().any(|a| a.to_string() == den.to_string())
                && args.iter().all(|a| self.expr(a, g).non_negative())
            {
                return true;
            }
        }
        let (mut n, mut d) = (Vec::new(), Vec::new());
        summands(num, &mut n);
        summands(den, &mut d);
        if !d
            .iter()
            .all(|t| self.expr(t, g).non_negative() && !matches!(t, Expr::Num(_)))
        {
            return false;
        }
        let mut rest: Vec<String> = d.iter().map(|t| t.to_string()).collect();
        for t in n {
            let t = t.to_string();
            match rest.iter().position(|x| *x == t) {
                Some(p) => {
                    rest.remove(p);
                }
                None => return false,
            }
        }
        true
    }

    fn name(&self, n: &str, g: Group) -> Bound {
        match self.ed.symbols.get(n) {
            Some(Symbol::Input(i)) => {
                let inp = &self.ed.inputs[*i];
                match inp.ty {
                    InputType::Bool => Bound::ANY,
                    _ => Bound::new(inp.min, inp.max),
                }
            }
            Some(Symbol::Parameter(i)) => Bound::point(self.ed.parameters[*i].value.get(g)),
            Some(Symbol::Node(i)) => self.node(*i, g),
            _ => Bound::ANY,
        }
    }

    fn scale_points(&self, e: &Expr) -> Bound {
        let Expr::Name(n, _) = e else {
            return Bound::ANY;
        };
        let Some(Symbol::Scale(i)) = self.ed.symbols.get(n) else {
            return Bound::ANY;
        };
        let points: Vec<Decimal> = match &self.ed.scales[*i].kind {
            ScaleKind::Bands { bands, .. } => bands.iter().map(|b| b.points).collect(),
            ScaleKind::Categories(c) => c.iter().map(|c| c.points).collect(),
        };
        Bound::new(points.iter().copied().min(), points.iter().copied().max())
    }

    fn call(&self, f: &str, args: &[Expr], g: Group) -> Bound {
        let arg = |k: usize| args.get(k).map_or(Bound::ANY, |e| self.expr(e, g));
        match f {
            "if" => arg(1).hull(arg(2)),
            "value_or" => arg(0).hull(arg(1)),
            "min" => args
                .iter()
                .map(|e| self.expr(e, g))
                .reduce(Bound::min)
                .unwrap_or(Bound::ANY),
            "max" => args
                .iter()
                .map(|e| self.expr(e, g))
                .reduce(Bound::max)
                .unwrap_or(Bound::ANY),
            "clamp" => arg(0).max(arg(1)).min(arg(2)),
            "abs" => {
                let x = arg(0);
                match (x.lo, x.hi) {
                    (Some(l), Some(h)) => {
                        let top = l.abs().max(h.abs());
                        let bottom = if l <= Decimal::ZERO && h >= Decimal::ZERO {
                            Decimal::ZERO
                        } else {
                            l.abs().min(h.abs())
                        };
                        Bound::new(Some(bottom), Some(top))
                    }
                    _ => Bound::new(Some(Decimal::ZERO), None),
                }
            }
            "round" => {
                let x = arg(0);
                let n = match args.get(1) {
                    Some(Expr::Num(d)) => u32::try_from(d.trunc().mantissa()).ok(),
                    _ => None,
                };
                match n {
                    Some(n) => Bound::new(
                        x.lo.map(|l| {
                            l.round_dp_with_strategy(
                                n,
                                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                            )
                        }),
                        x.hi.map(|h| {
                            h.round_dp_with_strategy(
                                n,
                                rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                            )
                        }),
                    ),
                    None => Bound::ANY,
                }
            }
            "scale" => args.first().map_or(Bound::ANY, |s| self.scale_points(s)),
            "mean" => arg(1),
            "sum" | "group_sum" => {
                let k = if f == "sum" { 1 } else { 0 };
                arg(k).many()
            }
            "count" | "group_count" => Bound::new(Some(Decimal::ZERO), None),
            "group_mean" | "group_min" | "group_max" => arg(0),
            "minmax" => Bound::new(Some(Decimal::ZERO), Some(Decimal::ONE)).hull(arg(1)),
            "spread" => arg(1).hull(arg(2)),
            _ => Bound::ANY,
        }
    }
}

/// The terms of a sum (`a + b + c` → a, b, c); anything else is one term.
fn summands<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::Binary(BinOp::Add, a, b) => {
            summands(a, out);
            summands(b, out);
        }
        other => out.push(other),
    }
}

fn show(d: Option<Decimal>, inf: &str) -> String {
    d.map_or_else(|| inf.to_string(), |d| d.normalize().to_string())
}

/// Every criterion, for every group it applies to: its formula can neither exceed its maximum
/// nor fall short of it for every possible input.
pub fn check_criteria(ed: &Edition) -> Vec<BoundProblem> {
    let b = Bounds::new(ed);
    let mut out = Vec::new();
    for (i, n) in ed.nodes.iter().enumerate() {
        let (NodeRole::Criterion, Some(max)) = (n.role, n.max) else {
            continue;
        };
        for g in Group::ALL {
            if !n.applies.kind_allowed(g) || n.body.formula_for(g).is_none() {
                continue;
            }
            let v = b.node(i, g);
            let range = format!("[{}; {}]", show(v.lo, "−∞"), show(v.hi, "+∞"));
            let max_s = max.normalize();
            match v.hi {
                Some(h) if h < max => out.push(BoundProblem {
                    node: i,
                    group: g,
                    message: format!(
                        "критерий «{}» ({}): формула не может достичь максимального балла {max_s} — \
                         её значения лежат в {range}; исправьте max или формулу",
                        n.code,
                        g.code()
                    ),
                }),
                Some(h) if h <= max => {}
                _ => out.push(BoundProblem {
                    node: i,
                    group: g,
                    message: format!(
                        "критерий «{}» ({}): не удаётся доказать, что формула не превышает максимальный \
                         балл {max_s} — её значения лежат в {range}; ограничьте входные данные (min/max) \
                         или формулу (например, min(max, …)), как это делает акт",
                        n.code,
                        g.code()
                    ),
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn iv(lo: &str, hi: &str) -> Bound {
        Bound::new(Some(d(lo)), Some(d(hi)))
    }

    #[test]
    fn arithmetic_of_intervals() {
        assert_eq!(iv("1", "2").add(iv("3", "4")), iv("4", "6"));
        assert_eq!(iv("-1", "2").mul(iv("3", "4")), iv("-4", "8"));
        assert_eq!(iv("1", "2").div(iv("4", "8")), iv("0.125", "0.5"));
        assert_eq!(
            iv("0", "1").div(Bound::new(Some(d("0")), None)),
            Bound::new(Some(d("0")), None)
        );
        assert_eq!(iv("0", "10").min(Bound::ANY).hi, Some(d("10")));
        assert_eq!(
            Bound::new(Some(d("-6")), Some(d("-6"))).mul(Bound::new(Some(d("0")), None)),
            Bound::new(None, Some(d("0")))
        );
    }
}
