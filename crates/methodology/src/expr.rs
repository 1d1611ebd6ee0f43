//! The formula language: a small closed set of arithmetic, comparisons, `if`, scale lookups,
//! aggregates over per-service rows and cross-body (group) mechanisms.
//!
//! Parsing uses `pest` with a Pratt parser for precedence; the grammar is `grammar.pest`.

use std::fmt;
use std::str::FromStr;

use pest::iterators::Pairs;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser;
use rust_decimal::Decimal;

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
struct FormulaParser;

/// Byte range inside the formula text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    pub fn is_arithmetic(self) -> bool {
        matches!(self, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div)
    }

    pub fn is_logical(self) -> bool {
        matches!(self, BinOp::And | BinOp::Or)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(Decimal),
    Bool(bool),
    Name(String, Span),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Call(String, Vec<Expr>, Span),
}

/// A formula that failed to parse: the byte offset of the problem and a Russian message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (позиция {})", self.message, self.offset + 1)
    }
}

impl std::error::Error for ParseError {}

fn pratt() -> PrattParser<Rule> {
    PrattParser::new()
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg) | Op::prefix(Rule::not))
}

fn rule_name(rule: &Rule) -> &'static str {
    match rule {
        Rule::expr | Rule::primary => "выражение",
        Rule::number => "число",
        Rule::name | Rule::ident => "имя",
        Rule::call => "вызов функции",
        Rule::EOI => "конец формулы",
        Rule::add | Rule::sub | Rule::mul | Rule::div => "арифметическая операция",
        Rule::eq | Rule::ne | Rule::lt | Rule::le | Rule::gt | Rule::ge => "сравнение",
        Rule::and | Rule::or => "and/or",
        _ => "элемент формулы",
    }
}

/// The longest formula accepted, in characters; longer texts are refused before parsing so that
/// the recursive parser, printer and evaluator cannot exhaust the stack.
pub const MAX_FORMULA_CHARS: usize = 2000;
/// The deepest nesting of parentheses accepted.
pub const MAX_NESTING: usize = 32;
/// The most operators accepted in one formula.
pub const MAX_OPERATORS: usize = 200;

/// Parses a formula. Never panics, whatever the input.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    if text.chars().count() > MAX_FORMULA_CHARS {
        return Err(ParseError {
            offset: 0,
            message: format!("формула длиннее {MAX_FORMULA_CHARS} символов: разбейте её на промежуточные значения"),
        });
    }
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(ParseError {
                        offset: i,
                        message: format!("вложенность скобок больше {MAX_NESTING}: разбейте формулу на промежуточные значения"),
                    });
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    // Each operator is a level of the parse tree: bound them too (a real formula has far fewer).
    let operators =
        text.chars().filter(|c| "+-*/<>=!".contains(*c)).count() + text.matches("not").count();
    if operators > MAX_OPERATORS {
        return Err(ParseError {
            offset: 0,
            message: format!(
                "в формуле больше {MAX_OPERATORS} операций: разбейте её на промежуточные значения"
            ),
        });
    }
    let mut pairs = FormulaParser::parse(Rule::formula, text).map_err(|e| {
        let offset = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        let message = match &e.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } if !positives.is_empty() => {
                let mut names: Vec<&str> = positives.iter().map(rule_name).collect();
                names.sort_unstable();
                names.dedup();
                format!("синтаксическая ошибка: ожидается {}", names.join(" или "))
            }
            _ => "синтаксическая ошибка".to_string(),
        };
        ParseError { offset, message }
    })?;
    let formula = pairs.next().ok_or_else(|| ParseError {
        offset: 0,
        message: "пустая формула".into(),
    })?;
    let expr = formula.into_inner().next().ok_or_else(|| ParseError {
        offset: 0,
        message: "пустая формула".into(),
    })?;
    build(expr.into_inner(), &pratt())
}

fn build(pairs: Pairs<'_, Rule>, pratt: &PrattParser<Rule>) -> Result<Expr, ParseError> {
    pratt
        .map_primary(|p| -> Result<Expr, ParseError> {
            let span = Span {
                start: p.as_span().start(),
                end: p.as_span().end(),
            };
            match p.as_rule() {
                Rule::number => {
                    Decimal::from_str(p.as_str())
                        .map(Expr::Num)
                        .map_err(|_| ParseError {
                            offset: span.start,
                            message: format!("число «{}» вне допустимого диапазона", p.as_str()),
                        })
                }
                Rule::boolean => Ok(Expr::Bool(p.as_str() == "true")),
                Rule::name => Ok(Expr::Name(p.as_str().to_string(), span)),
                Rule::call => {
                    let mut inner = p.into_inner();
                    let name = inner
                        .next()
                        .map(|n| n.as_str().to_string())
                        .unwrap_or_default();
                    let args = inner
                        .map(|a| build(a.into_inner(), pratt))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(Expr::Call(name, args, span))
                }
                Rule::expr => build(p.into_inner(), pratt),
                _ => Err(ParseError {
                    offset: span.start,
                    message: "неожиданный элемент формулы".into(),
                }),
            }
        })
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            Ok(match op.as_rule() {
                Rule::neg => match rhs {
                    Expr::Num(n) => Expr::Num(-n),
                    other => Expr::Unary(UnOp::Neg, Box::new(other)),
                },
                _ => Expr::Unary(UnOp::Not, Box::new(rhs)),
            })
        })
        .map_infix(|lhs, op, rhs| {
            let op = match op.as_rule() {
                Rule::add => BinOp::Add,
                Rule::sub => BinOp::Sub,
                Rule::mul => BinOp::Mul,
                Rule::div => BinOp::Div,
                Rule::eq => BinOp::Eq,
                Rule::ne => BinOp::Ne,
                Rule::lt => BinOp::Lt,
                Rule::le => BinOp::Le,
                Rule::gt => BinOp::Gt,
                Rule::ge => BinOp::Ge,
                Rule::and => BinOp::And,
                _ => BinOp::Or,
            };
            Ok(Expr::Binary(op, Box::new(lhs?), Box::new(rhs?)))
        })
        .parse(pairs)
}

impl Expr {
    /// Calls `f` on every name the expression mentions (including names inside calls).
    pub fn visit_names<'a>(&'a self, f: &mut impl FnMut(&'a str, Span)) {
        match self {
            Expr::Num(_) | Expr::Bool(_) => {}
            Expr::Name(n, s) => f(n, *s),
            Expr::Unary(_, e) => e.visit_names(f),
            Expr::Binary(_, a, b) => {
                a.visit_names(f);
                b.visit_names(f);
            }
            Expr::Call(_, args, _) => args.iter().for_each(|a| a.visit_names(f)),
        }
    }

    /// Precedence used by the printer (higher binds tighter).
    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary(op, _, _) => match op {
                BinOp::Or => 1,
                BinOp::And => 2,
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 3,
                BinOp::Add | BinOp::Sub => 4,
                BinOp::Mul | BinOp::Div => 5,
            },
            Expr::Unary(..) => 6,
            _ => 7,
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(n) => write!(f, "{}", n.normalize()),
            Expr::Bool(b) => write!(f, "{b}"),
            Expr::Name(n, _) => write!(f, "{n}"),
            Expr::Unary(op, e) => {
                let sym = match op {
                    UnOp::Neg => "-",
                    UnOp::Not => "not ",
                };
                if e.precedence() < self.precedence() {
                    write!(f, "{sym}({e})")
                } else {
                    write!(f, "{sym}{e}")
                }
            }
            Expr::Binary(op, a, b) => {
                let p = self.precedence();
                if a.precedence() < p {
                    write!(f, "({a})")?;
                } else {
                    write!(f, "{a}")?;
                }
                write!(f, " {} ", op.symbol())?;
                // Left-associative: the right operand needs parentheses at equal precedence.
                if b.precedence() <= p {
                    write!(f, "({b})")
                } else {
                    write!(f, "{b}")
                }
            }
            Expr::Call(name, args, _) => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(s: &str) -> String {
        parse(s)
            .map(|e| e.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn precedence_and_printing() {
        assert_eq!(roundtrip("1 + 2 * 3"), "1 + 2 * 3");
        assert_eq!(roundtrip("(1 + 2) * 3"), "(1 + 2) * 3");
        assert_eq!(roundtrip("a - (b - c)"), "a - (b - c)");
        assert_eq!(roundtrip("a - b - c"), "a - b - c");
        assert_eq!(roundtrip("-x * 2"), "-x * 2");
        assert_eq!(roundtrip("not a and b or c"), "not a and b or c");
        assert_eq!(
            roundtrip("if(b == 0, k, k * a / b)"),
            "if(b == 0, k, k * a / b)"
        );
        assert_eq!(roundtrip("-6"), "-6");
        assert_eq!(roundtrip("x >= 1.5 and y < 2"), "x >= 1.5 and y < 2");
    }

    #[test]
    fn names_starting_with_keywords_are_names() {
        assert_eq!(roundtrip("order + notes"), "order + notes");
        assert_eq!(roundtrip("android"), "android");
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("1 + * 2").unwrap_err();
        assert_eq!(e.offset, 4);
        assert!(e.message.starts_with("синтаксическая ошибка"));
        assert!(parse("").is_err());
        assert!(parse("f(1,").is_err());
        assert!(parse("1.").is_err());
    }

    #[test]
    fn deep_or_long_formulas_are_refused_not_crashing() {
        let deep = format!("{}1{}", "abs(".repeat(40), ")".repeat(40));
        assert!(parse(&deep).unwrap_err().message.contains("вложенность"));
        let long = vec!["1"; 50000].join("+");
        assert!(parse(&long).unwrap_err().message.contains("длиннее"));
        let negs = format!("{}x", "-".repeat(1999));
        assert!(parse(&negs).unwrap_err().message.contains("операций"));
        let sum = vec!["1"; 200].join("+");
        assert_eq!(
            parse(&sum).map(|e| e.to_string()).unwrap_or_default(),
            vec!["1"; 200].join(" + ")
        );
        assert!(parse(&format!("{}x", "-".repeat(200))).is_ok());
    }

    #[test]
    fn printing_reparses_to_same_tree() {
        for s in [
            "a / (b * c)",
            "a / b * c",
            "-(a + b)",
            "not (a or b)",
            "1 - -2",
        ] {
            let e = parse(s).unwrap();
            let again = parse(&e.to_string()).unwrap();
            assert_eq!(strip(&e), strip(&again), "{s}");
        }
    }

    fn strip(e: &Expr) -> String {
        format!("{e}")
    }
}
