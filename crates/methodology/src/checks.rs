//! Cross-field rules an edition declares on its input data (`checks.toml`): one `[[check]]` per
//! rule, written in the formula language (`rule = "docs_from_is <= docs_obtainable"`), with the
//! Russian `message` shown when a body or a row breaks it and the paragraph (`ref`) behind it.
//!
//! A rule may name inputs (body-level ones and the row inputs of at most one table — then it is
//! checked on every row of that table) and parameters; it uses numbers, `+ - *`, comparisons,
//! `and`, `or`, `not`, parentheses and `value_or(input, value)`, and must be a condition.
//! Division and other functions are not allowed: a rule is an exact comparison, never a
//! computation. A rule with an input that has no value for a body or row (optional, or not
//! applicable to the body's kind) does not apply there, unless `value_or` gives a value.

use std::fmt;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use crate::expr::{self, BinOp, Expr, UnOp};
use crate::load::Diagnostic;
use crate::model::{Group, Input, InputType, Location, Parameter};

/// The file of an edition folder that holds its data checks.
pub const FILE: &str = "checks.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecksFile {
    #[serde(default)]
    check: Vec<CheckRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckRaw {
    rule: Spanned<String>,
    message: String,
    #[serde(rename = "ref")]
    reference: String,
}

/// One validated rule.
#[derive(Debug, Clone)]
pub struct Check {
    /// The rule as written.
    pub rule: String,
    pub expr: Expr,
    pub message: String,
    pub reference: String,
    /// `None`: checked once per body; `Some(t)`: checked on every row of table `t`.
    pub table: Option<usize>,
    /// The inputs the rule names, in order of first appearance (the first is the column a
    /// violation is reported at).
    pub inputs: Vec<usize>,
}

/// A value a rule sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckValue {
    Num(Decimal),
    Bool(bool),
}

/// A rule that could not be evaluated (its arithmetic exceeds the decimal range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOverflow;

impl fmt::Display for CheckOverflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("правило не удалось вычислить: значения слишком велики")
    }
}

impl Check {
    /// Whether the rule holds: `Ok(None)` when it does not apply (a named input has no value).
    /// `value(i)` is the value of input `i` for the body or row checked.
    pub fn holds(
        &self,
        group: Group,
        parameters: &[Parameter],
        inputs: &[Input],
        value: &dyn Fn(usize) -> Option<CheckValue>,
    ) -> Result<Option<bool>, CheckOverflow> {
        let env = Env {
            group,
            parameters,
            inputs,
            value,
        };
        match env.eval(&self.expr)? {
            Some(CheckValue::Bool(b)) => Ok(Some(b)),
            _ => Ok(None),
        }
    }
}

struct Env<'a> {
    group: Group,
    parameters: &'a [Parameter],
    inputs: &'a [Input],
    value: &'a dyn Fn(usize) -> Option<CheckValue>,
}

impl Env<'_> {
    fn eval(&self, e: &Expr) -> Result<Option<CheckValue>, CheckOverflow> {
        use CheckValue::{Bool, Num};
        Ok(match e {
            Expr::Num(d) => Some(Num(*d)),
            Expr::Bool(b) => Some(Bool(*b)),
            Expr::Name(n, _) => {
                if let Some(i) = self.inputs.iter().position(|i| &i.code == n) {
                    (self.value)(i)
                } else {
                    self.parameters
                        .iter()
                        .find(|p| &p.code == n)
                        .map(|p| Num(p.value.get(self.group)))
                }
            }
            Expr::Unary(op, a) => match (op, self.eval(a)?) {
                (UnOp::Neg, Some(Num(d))) => Some(Num(-d)),
                (UnOp::Not, Some(Bool(b))) => Some(Bool(!b)),
                _ => None,
            },
            Expr::Binary(op, a, b) => {
                let (Some(x), Some(y)) = (self.eval(a)?, self.eval(b)?) else {
                    return Ok(None);
                };
                match (x, y) {
                    (Num(x), Num(y)) => match op {
                        BinOp::Add => Some(Num(x.checked_add(y).ok_or(CheckOverflow)?)),
                        BinOp::Sub => Some(Num(x.checked_sub(y).ok_or(CheckOverflow)?)),
                        BinOp::Mul => Some(Num(x.checked_mul(y).ok_or(CheckOverflow)?)),
                        BinOp::Eq => Some(Bool(x == y)),
                        BinOp::Ne => Some(Bool(x != y)),
                        BinOp::Lt => Some(Bool(x < y)),
                        BinOp::Le => Some(Bool(x <= y)),
                        BinOp::Gt => Some(Bool(x > y)),
                        BinOp::Ge => Some(Bool(x >= y)),
                        BinOp::Div | BinOp::And | BinOp::Or => None,
                    },
                    (Bool(x), Bool(y)) => match op {
                        BinOp::And => Some(Bool(x && y)),
                        BinOp::Or => Some(Bool(x || y)),
                        BinOp::Eq => Some(Bool(x == y)),
                        BinOp::Ne => Some(Bool(x != y)),
                        _ => None,
                    },
                    _ => None,
                }
            }
            Expr::Call(f, args, _) => match (f.as_str(), args.as_slice()) {
                ("value_or", [a, b]) => match self.eval(a)? {
                    Some(v) => Some(v),
                    None => self.eval(b)?,
                },
                _ => None,
            },
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
}

struct Validator<'a> {
    inputs: &'a [Input],
    parameters: &'a [Parameter],
    used: Vec<usize>,
    errors: Vec<(usize, String)>,
}

impl Validator<'_> {
    fn ty(&mut self, e: &Expr) -> Option<Ty> {
        match e {
            Expr::Num(_) => Some(Ty::Num),
            Expr::Bool(_) => Some(Ty::Bool),
            Expr::Name(n, span) => {
                if let Some(i) = self.inputs.iter().position(|i| &i.code == n) {
                    if !self.used.contains(&i) {
                        self.used.push(i);
                    }
                    Some(match self.inputs[i].ty {
                        InputType::Bool => Ty::Bool,
                        InputType::Number | InputType::Integer => Ty::Num,
                    })
                } else if self.parameters.iter().any(|p| &p.code == n) {
                    Some(Ty::Num)
                } else {
                    self.errors.push((
                        span.start,
                        format!("«{n}» — не входной показатель и не параметр редакции"),
                    ));
                    None
                }
            }
            Expr::Unary(op, a) => {
                let want = match op {
                    UnOp::Neg => Ty::Num,
                    UnOp::Not => Ty::Bool,
                };
                self.want(a, want);
                Some(want)
            }
            Expr::Binary(op, a, b) => match op {
                BinOp::Div => {
                    self.errors.push((
                        first_offset(e),
                        "деление в правиле проверки не допускается: запишите правило без деления (a <= b вместо a / b <= 1)".into(),
                    ));
                    None
                }
                BinOp::Add | BinOp::Sub | BinOp::Mul => {
                    self.want(a, Ty::Num);
                    self.want(b, Ty::Num);
                    Some(Ty::Num)
                }
                BinOp::And | BinOp::Or => {
                    self.want(a, Ty::Bool);
                    self.want(b, Ty::Bool);
                    Some(Ty::Bool)
                }
                BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                    self.want(a, Ty::Num);
                    self.want(b, Ty::Num);
                    Some(Ty::Bool)
                }
                BinOp::Eq | BinOp::Ne => {
                    let (x, y) = (self.ty(a), self.ty(b));
                    if let (Some(x), Some(y)) = (x, y) {
                        if x != y {
                            self.errors.push((
                                first_offset(e),
                                "сравниваются число и логическое значение".into(),
                            ));
                        }
                    }
                    Some(Ty::Bool)
                }
            },
            Expr::Call(f, args, _) if f == "value_or" && args.len() == 2 => {
                let t = self.ty(&args[0]);
                if let Some(t) = t {
                    self.want(&args[1], t);
                }
                t
            }
            Expr::Call(f, _, span) => {
                self.errors.push((
                    span.start,
                    format!("функция «{f}» в правиле проверки не допускается: только показатели, числа, + - *, сравнения, and, or, not и value_or(показатель, значение)"),
                ));
                None
            }
        }
    }

    fn want(&mut self, e: &Expr, want: Ty) {
        if let Some(t) = self.ty(e) {
            if t != want {
                self.errors.push((
                    first_offset(e),
                    match want {
                        Ty::Num => "здесь нужно число, а не логическое значение".into(),
                        Ty::Bool => "здесь нужно условие, а не число".into(),
                    },
                ));
            }
        }
    }
}

fn first_offset(e: &Expr) -> usize {
    match e {
        Expr::Name(_, s) | Expr::Call(_, _, s) => s.start,
        Expr::Unary(_, a) => first_offset(a),
        Expr::Binary(_, a, b) => first_offset(a).min(first_offset(b)),
        Expr::Num(_) | Expr::Bool(_) => 0,
    }
}

/// Line and column (1-based) of a byte offset in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut off = offset.min(text.len());
    while off > 0 && !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads and validates `checks.toml` of an edition folder (absent: no checks).
pub fn load(
    dir: &Path,
    inputs: &[Input],
    parameters: &[Parameter],
) -> (Vec<Check>, Vec<Diagnostic>) {
    let path = dir.join(FILE);
    let mut diags = Vec::new();
    let at = |line: usize, column: usize| Location {
        file: path.clone(),
        line,
        column,
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), diags),
        Err(e) => {
            diags.push(Diagnostic {
                location: at(0, 0),
                message: format!("не удалось прочитать файл: {}", crate::io_message(&e)),
            });
            return (Vec::new(), diags);
        }
    };
    let file: ChecksFile = match toml::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            let (line, column) = line_col(&text, e.span().map_or(0, |s| s.start));
            diags.push(Diagnostic {
                location: at(line, column),
                message: crate::toml_message(e.message()),
            });
            return (Vec::new(), diags);
        }
    };
    let mut checks = Vec::new();
    for raw in file.check {
        let span = raw.rule.span();
        // Offset of the rule's text inside the file (after the opening quote).
        let inner = span.start + 1;
        let (line, column) = line_col(&text, span.start);
        let rule = raw.rule.into_inner();
        if raw.message.trim().is_empty() {
            diags.push(Diagnostic {
                location: at(line, column),
                message: "пустое сообщение (message) правила проверки".into(),
            });
        }
        let e = match expr::parse(&rule) {
            Ok(e) => e,
            Err(err) => {
                let (l, c) = line_col(&text, inner + err.offset);
                diags.push(Diagnostic {
                    location: at(l, c),
                    message: format!("правило проверки: {}", err.message),
                });
                continue;
            }
        };
        let mut v = Validator {
            inputs,
            parameters,
            used: Vec::new(),
            errors: Vec::new(),
        };
        let ty = v.ty(&e);
        if ty == Some(Ty::Num) {
            v.errors.push((
                0,
                "правило должно быть условием (сравнением), а не числом".into(),
            ));
        }
        let mut tables: Vec<usize> = v.used.iter().filter_map(|&i| inputs[i].table).collect();
        tables.sort_unstable();
        tables.dedup();
        if tables.len() > 1 {
            v.errors.push((
                0,
                "правило называет показатели строк разных таблиц: проверяется только одна таблица"
                    .into(),
            ));
        }
        if v.used.is_empty() {
            v.errors.push((
                0,
                "правило не называет ни одного входного показателя".into(),
            ));
        }
        if !v.errors.is_empty() {
            for (off, m) in v.errors {
                let (l, c) = line_col(&text, inner + off);
                diags.push(Diagnostic {
                    location: at(l, c),
                    message: format!("правило проверки «{rule}»: {m}"),
                });
            }
            continue;
        }
        checks.push(Check {
            rule,
            expr: e,
            message: raw.message,
            reference: raw.reference,
            table: tables.first().copied(),
            inputs: v.used,
        });
    }
    (checks, diags)
}
