//! Loading and strict validation of an edition folder.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use toml::Spanned;

use crate::expr::{self, BinOp, Expr, Span, UnOp};
use crate::model::*;
use crate::raw;

/// One problem found in an edition, with the file and line where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// An edition that failed to load: every problem found, each with file and line.
#[derive(Debug, thiserror::Error)]
#[error("редакция методики содержит ошибки ({}):\n{}", .diagnostics.len(), render(.diagnostics))]
pub struct CheckError {
    pub diagnostics: Vec<Diagnostic>,
}

fn render(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The files an edition folder may hold.
pub const EDITION_FILES: [&str; 11] = [
    "edition.toml",
    "inputs.toml",
    "reporting.toml",
    "parameters.toml",
    "scales.toml",
    "values.toml",
    "criteria.toml",
    "penalties.toml",
    crate::checks::FILE,
    crate::procedure::FILE,
    crate::raw_inputs::FILE,
];

/// The functions of the formula language (documented in docs/EDITION-FORMAT.md).
pub const FUNCTIONS: [&str; 19] = [
    "if",
    "min",
    "max",
    "clamp",
    "abs",
    "round",
    "scale",
    "has",
    "sum",
    "mean",
    "count",
    "group_mean",
    "group_min",
    "group_max",
    "group_sum",
    "group_count",
    "minmax",
    "spread",
    "value_or",
];

pub(crate) struct Src {
    path: PathBuf,
    /// The text the TOML parser reads: the file with its decimal literals quoted
    /// ([`crate::decimals`]); spans refer to it.
    text: String,
    /// The file as written, for lines and columns in messages.
    original: String,
    /// Offsets in `text` of the quotes inserted around decimal literals.
    inserted: Vec<usize>,
}

impl Src {
    fn new(path: PathBuf, original: String) -> Src {
        let q = crate::decimals::quote_decimal_literals(&original);
        Src {
            path,
            text: q.text,
            original,
            inserted: q.inserted,
        }
    }

    fn loc(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let offset = offset - self.inserted.iter().take_while(|&&i| i < offset).count();
        let before = &self.original[..floor_char_boundary(&self.original, offset)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Location {
            file: self.path.clone(),
            line,
            column,
        }
    }

    pub(crate) fn span_loc(&self, span: Range<usize>) -> Location {
        self.loc(span.start)
    }

    /// Location of a byte offset inside a TOML string value whose span covers its quotes.
    fn string_loc(&self, span: Range<usize>, inner: usize) -> Location {
        let raw = self.text.get(span.clone()).unwrap_or("");
        let mut skip = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            3
        } else if raw.starts_with('"') || raw.starts_with('\'') {
            1
        } else {
            0
        };
        if skip == 3 && raw[3..].starts_with('\n') {
            skip += 1;
        }
        self.loc(span.start + skip + inner)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(crate) struct Loader {
    diags: Vec<Diagnostic>,
    /// Every quote met, with where it was written (checked once the sources are known).
    quotes: Vec<(Quote, Location)>,
}

impl Loader {
    pub(crate) fn err(&mut self, location: Location, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            location,
            message: message.into(),
        });
    }

    pub(crate) fn parse_file<T: serde::de::DeserializeOwned + Default>(
        &mut self,
        dir: &Path,
        name: &str,
        required: bool,
    ) -> Option<(T, Src)> {
        let path = dir.join(name);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                let src = Src::new(path, String::new());
                return Some((T::default(), src));
            }
            Err(e) => {
                self.err(
                    Location {
                        file: path,
                        line: 0,
                        column: 0,
                    },
                    format!("не удалось прочитать файл: {}", crate::io_message(&e)),
                );
                return None;
            }
        };
        let src = Src::new(path, text);
        match toml::from_str::<T>(&src.text) {
            Ok(v) => Some((v, src)),
            Err(e) => {
                let loc = e.span().map_or_else(|| src.loc(0), |s| src.span_loc(s));
                self.err(loc, translate_toml_error(e.message()));
                None
            }
        }
    }

    fn status(&mut self, src: &Src, s: &Spanned<String>, note: &Option<String>) -> Status {
        match s.get_ref().as_str() {
            "verbatim" => Status::Verbatim,
            "reconstructed" => {
                if note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                    self.err(
                        src.span_loc(s.span()),
                        "для status = \"reconstructed\" обязательно поле note с объяснением реконструкции",
                    );
                }
                Status::Reconstructed
            }
            other => {
                self.err(
                    src.span_loc(s.span()),
                    format!(
                        "status должен быть \"verbatim\" или \"reconstructed\", а не «{other}»"
                    ),
                );
                Status::Verbatim
            }
        }
    }

    pub(crate) fn cite(
        &mut self,
        src: &Src,
        at: Range<usize>,
        reference: &str,
        status: &Spanned<String>,
        note: &Option<String>,
        quote: &Option<raw::QuoteRaw>,
    ) -> Citation {
        if reference.trim().is_empty() {
            self.err(src.span_loc(at.clone()), "пустая ссылка ref на пункт акта");
        }
        let quote = quote.as_ref().map(|q| Quote {
            source: q.source.clone(),
            fragments: q.fragments.clone(),
        });
        if let Some(q) = &quote {
            if q.fragments.iter().all(|f| f.trim().is_empty()) {
                self.err(src.span_loc(at.clone()), "пустая цитата quote");
            }
            self.quotes.push((q.clone(), src.span_loc(at.clone())));
        }
        Citation {
            reference: reference.to_string(),
            status: self.status(src, status, note),
            note: note.clone(),
            quote,
            location: src.span_loc(at),
        }
    }

    fn applies(&mut self, src: &Src, a: &Option<raw::AppliesRaw>) -> Applies {
        let Some(a) = a else {
            return Applies::default();
        };
        let mut kinds = Vec::new();
        for k in &a.kinds {
            match Group::from_code(k.get_ref()) {
                Some(g) => kinds.push(g),
                None => self.err(
                    src.span_loc(k.span()),
                    format!(
                        "неизвестный вид органа «{}»: ожидается central или local",
                        k.get_ref()
                    ),
                ),
            }
        }
        Applies {
            kinds,
            only: a.only.clone(),
            except: a.except.clone(),
        }
    }

    fn interval(&mut self, src: &Src, s: &Spanned<String>) -> Option<Interval> {
        match parse_interval(s.get_ref()) {
            Some(i) => Some(i),
            None => {
                self.err(
                    src.span_loc(s.span()),
                    format!(
                        "«{}» — не интервал: ожидается запись вида \"[9.5, 10]\" или \"[9.0, 9.5)\"",
                        s.get_ref()
                    ),
                );
                None
            }
        }
    }
}

fn translate_toml_error(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let name = rest.split(',').next().unwrap_or(rest).trim_matches('`');
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| format!("; допустимые ключи: {}", e.replace("one of ", "")))
            .unwrap_or_default();
        return format!("неизвестный ключ «{name}»{expected}");
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("нет обязательного ключа {}", rest.trim_matches('`'));
    }
    if let Some(rest) = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))
    {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let got = got
            .replace("string ", "строка ")
            .replace("integer ", "целое число ")
            .replace("floating point ", "дробное число ")
            .replace("boolean ", "логическое значение ")
            .replace("map", "таблица")
            .replace("sequence", "список");
        let want = match want {
            "a string" => "строка",
            "a sequence" => "список",
            "a boolean" => "логическое значение (true или false)",
            "i64" | "u64" | "an integer" => "целое число",
            other => other,
        };
        return format!("неверное значение: {got}; ожидается {want}");
    }
    format!("ошибка TOML: {msg}")
}

/// Parses `[a, b]`, `[a, b)`, `(a, b]`, `(a, b)` with decimal bounds.
pub fn parse_interval(s: &str) -> Option<Interval> {
    let s = s.trim();
    let lo_inclusive = match s.chars().next()? {
        '[' => true,
        '(' => false,
        _ => return None,
    };
    let hi_inclusive = match s.chars().last()? {
        ']' => true,
        ')' => false,
        _ => return None,
    };
    let inner = s.get(1..s.len() - 1)?;
    let (a, b) = inner.split_once(',').or_else(|| inner.split_once(';'))?;
    let lo = crate::parse_decimal(a)?;
    let hi = crate::parse_decimal(b)?;
    if lo > hi || (lo == hi && !(lo_inclusive && hi_inclusive)) {
        return None;
    }
    Some(Interval {
        lo,
        lo_inclusive,
        hi,
        hi_inclusive,
    })
}

/// Checks that intervals, sorted by their lower bound, tile `domain` without gaps or overlaps.
/// Returns Russian messages with the index of the offending interval.
pub fn check_tiling(domain: Interval, parts: &[Interval]) -> Vec<(usize, String)> {
    let mut errs = Vec::new();
    let mut idx: Vec<usize> = (0..parts.len()).collect();
    idx.sort_by(|&a, &b| {
        parts[a]
            .lo
            .cmp(&parts[b].lo)
            .then(parts[b].lo_inclusive.cmp(&parts[a].lo_inclusive))
    });
    let Some(&first) = idx.first() else {
        return vec![(0, "нет ни одного интервала".into())];
    };
    let f = parts[first];
    if f.lo != domain.lo || f.lo_inclusive != domain.lo_inclusive {
        errs.push((
            first,
            format!("шкала не покрывает начало области значений {domain}: первый интервал {f}"),
        ));
    }
    for w in idx.windows(2) {
        let (a, b) = (parts[w[0]], parts[w[1]]);
        if a.hi < b.lo || (a.hi == b.lo && !a.hi_inclusive && !b.lo_inclusive) {
            errs.push((w[1], format!("пропуск между интервалами {a} и {b}")));
        } else if a.hi > b.lo || (a.hi == b.lo && a.hi_inclusive && b.lo_inclusive) {
            errs.push((w[1], format!("интервалы {a} и {b} пересекаются")));
        }
    }
    if let Some(&last) = idx.last() {
        let l = parts[last];
        if l.hi != domain.hi || l.hi_inclusive != domain.hi_inclusive {
            errs.push((
                last,
                format!(
                    "шкала не покрывает конец области значений {domain}: последний интервал {l}"
                ),
            ));
        }
    }
    errs
}

fn valid_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(s, "and" | "or" | "not" | "true" | "false")
        && !FUNCTIONS.contains(&s)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
}

impl Ty {
    fn ru(self) -> &'static str {
        match self {
            Ty::Num => "число",
            Ty::Bool => "логическое значение",
        }
    }
}

/// A formula waiting to be checked: where it was written and what it parsed to.
struct PendingFormula {
    expr: Expr,
    file: usize,
    span: Range<usize>,
    group: Option<Group>,
}

#[derive(Clone, Copy)]
struct Scope {
    table: Option<usize>,
    in_group: bool,
}

struct Checker<'a> {
    symbols: &'a HashMap<String, Symbol>,
    inputs: &'a [Input],
    tables: &'a [Table],
    node_tables: &'a [Option<usize>],
    node_types: &'a [Option<Ty>],
    /// The node whose formula is checked, and where.
    src: &'a Src,
    span: Range<usize>,
    diags: Vec<Diagnostic>,
    deps: Vec<usize>,
}

impl Checker<'_> {
    fn at(&mut self, span: Option<Span>, msg: impl Into<String>) {
        let loc = self
            .src
            .string_loc(self.span.clone(), span.map_or(0, |s| s.start));
        self.diags.push(Diagnostic {
            location: loc,
            message: msg.into(),
        });
    }

    fn name(&mut self, n: &str, span: Span, scope: Scope) -> Option<Ty> {
        match self.symbols.get(n).copied() {
            None => {
                if n == OWN_MAX {
                    self.at(
                        Some(span),
                        "«max» без скобок — максимальный балл критерия: допустимо только в формуле критерия с ключом max",
                    );
                } else {
                    self.at(Some(span), format!("неизвестное имя «{n}»"));
                }
                None
            }
            Some(Symbol::Input(i)) => {
                let inp = &self.inputs[i];
                if inp.table.is_some() && inp.table != scope.table {
                    let t = inp.table.map_or("", |t| self.tables[t].code.as_str());
                    self.at(
                        Some(span),
                        format!("«{n}» — поле строк таблицы «{t}»: используйте его внутри sum/mean/count({t}, …)"),
                    );
                    return None;
                }
                Some(if inp.ty == InputType::Bool {
                    Ty::Bool
                } else {
                    Ty::Num
                })
            }
            Some(Symbol::Parameter(_)) => Some(Ty::Num),
            Some(Symbol::Node(i)) => {
                let t = self.node_tables[i];
                if t.is_some() && t != scope.table {
                    let tc = t.map_or("", |t| self.tables[t].code.as_str());
                    self.at(
                        Some(span),
                        format!("«{n}» вычисляется по строкам таблицы «{tc}»: используйте его внутри sum/mean/count({tc}, …)"),
                    );
                    return None;
                }
                self.deps.push(i);
                self.node_types[i]
            }
            Some(Symbol::Scale(_)) => {
                self.at(
                    Some(span),
                    format!("«{n}» — шкала: используйте scale({n}, значение)"),
                );
                None
            }
            Some(Symbol::Table(_)) => {
                self.at(
                    Some(span),
                    format!("«{n}» — таблица: используйте sum/mean/count({n}, …)"),
                );
                None
            }
        }
    }

    fn expect_type(&mut self, e: &Expr, want: Ty, scope: Scope, what: &str) {
        if let Some(t) = self.expr(e, scope) {
            if t != want {
                let span = first_span(e);
                self.at(
                    span,
                    format!("{what}: ожидается {}, а получено {}", want.ru(), t.ru()),
                );
            }
        }
    }

    fn expr(&mut self, e: &Expr, scope: Scope) -> Option<Ty> {
        match e {
            Expr::Num(_) => Some(Ty::Num),
            Expr::Bool(_) => Some(Ty::Bool),
            Expr::Name(n, s) => self.name(n, *s, scope),
            Expr::Unary(UnOp::Neg, a) => {
                self.expect_type(a, Ty::Num, scope, "унарный минус");
                Some(Ty::Num)
            }
            Expr::Unary(UnOp::Not, a) => {
                self.expect_type(a, Ty::Bool, scope, "not");
                Some(Ty::Bool)
            }
            Expr::Binary(op, a, b) => {
                if op.is_logical() {
                    self.expect_type(a, Ty::Bool, scope, op.symbol());
                    self.expect_type(b, Ty::Bool, scope, op.symbol());
                    Some(Ty::Bool)
                } else if op.is_arithmetic() {
                    self.expect_type(a, Ty::Num, scope, op.symbol());
                    self.expect_type(b, Ty::Num, scope, op.symbol());
                    Some(Ty::Num)
                } else {
                    let ta = self.expr(a, scope);
                    let tb = self.expr(b, scope);
                    if let (Some(x), Some(y)) = (ta, tb) {
                        if x != y || (x == Ty::Bool && !matches!(op, BinOp::Eq | BinOp::Ne)) {
                            self.at(
                                first_span(e),
                                format!(
                                    "сравнение «{}» между {} и {}",
                                    op.symbol(),
                                    x.ru(),
                                    y.ru()
                                ),
                            );
                        }
                    }
                    Some(Ty::Bool)
                }
            }
            Expr::Call(f, args, span) => self.call(f, args, *span, scope),
        }
    }

    fn arity(&mut self, f: &str, args: &[Expr], span: Span, min: usize, max: usize) -> bool {
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("не менее {min}")
            } else {
                format!("от {min} до {max}")
            };
            self.at(
                Some(span),
                format!(
                    "функция {f} принимает {want} аргумент(ов), передано {}",
                    args.len()
                ),
            );
            return false;
        }
        true
    }

    fn table_arg(&mut self, f: &str, e: &Expr) -> Option<usize> {
        match e {
            Expr::Name(n, s) => match self.symbols.get(n) {
                Some(Symbol::Table(t)) => Some(*t),
                _ => {
                    self.at(
                        Some(*s),
                        format!("первый аргумент {f} должен быть таблицей, а «{n}» — не таблица"),
                    );
                    None
                }
            },
            other => {
                self.at(
                    first_span(other),
                    format!("первый аргумент {f} должен быть именем таблицы"),
                );
                None
            }
        }
    }

    fn call(&mut self, f: &str, args: &[Expr], span: Span, scope: Scope) -> Option<Ty> {
        match f {
            "if" => {
                if !self.arity(f, args, span, 3, 3) {
                    return None;
                }
                self.expect_type(&args[0], Ty::Bool, scope, "условие if");
                let a = self.expr(&args[1], scope);
                let b = self.expr(&args[2], scope);
                match (a, b) {
                    (Some(x), Some(y)) if x != y => {
                        self.at(
                            Some(span),
                            format!("ветви if разного типа: {} и {}", x.ru(), y.ru()),
                        );
                        None
                    }
                    (x, y) => x.or(y),
                }
            }
            "min" | "max" => {
                if !self.arity(f, args, span, 1, usize::MAX) {
                    return None;
                }
                for a in args {
                    self.expect_type(a, Ty::Num, scope, f);
                }
                Some(Ty::Num)
            }
            "clamp" | "abs" | "value_or" => {
                let n = match f {
                    "clamp" => 3,
                    "abs" => 1,
                    _ => 2,
                };
                if !self.arity(f, args, span, n, n) {
                    return None;
                }
                for a in args {
                    self.expect_type(a, Ty::Num, scope, f);
                }
                Some(Ty::Num)
            }
            "round" => {
                if !self.arity(f, args, span, 2, 2) {
                    return None;
                }
                self.expect_type(&args[0], Ty::Num, scope, f);
                match &args[1] {
                    Expr::Num(n)
                        if n.fract().is_zero()
                            && *n >= Decimal::ZERO
                            && *n <= Decimal::from(10) => {}
                    _ => self.at(
                        Some(span),
                        "второй аргумент round — целое число знаков от 0 до 10",
                    ),
                }
                Some(Ty::Num)
            }
            "scale" => {
                if !self.arity(f, args, span, 2, 2) {
                    return None;
                }
                match &args[0] {
                    Expr::Name(n, s) if matches!(self.symbols.get(n), Some(Symbol::Scale(_))) => {
                        let _ = s;
                    }
                    Expr::Name(n, s) => {
                        self.at(Some(*s), format!("«{n}» — не шкала (scales.toml)"))
                    }
                    other => self.at(first_span(other), "первый аргумент scale — имя шкалы"),
                }
                self.expect_type(&args[1], Ty::Num, scope, f);
                Some(Ty::Num)
            }
            "has" => {
                if !self.arity(f, args, span, 1, 1) {
                    return None;
                }
                match &args[0] {
                    Expr::Name(n, s) => {
                        self.name(n, *s, scope);
                    }
                    other => self.at(
                        first_span(other),
                        "аргумент has — имя входного или вычисляемого значения",
                    ),
                }
                Some(Ty::Bool)
            }
            "sum" | "mean" | "count" => {
                let (min, max) = if f == "count" { (1, 2) } else { (2, 3) };
                if !self.arity(f, args, span, min, max) {
                    return None;
                }
                if scope.table.is_some() {
                    self.at(
                        Some(span),
                        format!("{f} нельзя использовать внутри вычисления по строкам"),
                    );
                    return None;
                }
                let t = self.table_arg(f, &args[0])?;
                let inner = Scope {
                    table: Some(t),
                    in_group: scope.in_group,
                };
                if f == "count" {
                    if let Some(c) = args.get(1) {
                        self.expect_type(c, Ty::Bool, inner, "условие count");
                    }
                } else {
                    self.expect_type(&args[1], Ty::Num, inner, f);
                    if let Some(c) = args.get(2) {
                        self.expect_type(c, Ty::Bool, inner, "условие отбора строк");
                    }
                }
                Some(Ty::Num)
            }
            "group_mean" | "group_min" | "group_max" | "group_sum" | "group_count" | "minmax"
            | "spread" => {
                let (min, max) = match f {
                    "group_count" => (1, 1),
                    "minmax" => (2, 2),
                    "spread" => (3, 4),
                    _ => (1, 2),
                };
                if !self.arity(f, args, span, min, max) {
                    return None;
                }
                if scope.table.is_some() {
                    self.at(
                        Some(span),
                        format!("{f} нельзя использовать внутри вычисления по строкам"),
                    );
                    return None;
                }
                let inner = Scope {
                    table: None,
                    in_group: true,
                };
                for (i, a) in args.iter().enumerate() {
                    let want = match (f, i) {
                        ("group_count", 0) => Ty::Bool,
                        ("spread", 3) => Ty::Bool,
                        ("group_mean" | "group_min" | "group_max" | "group_sum", 1) => Ty::Bool,
                        _ => Ty::Num,
                    };
                    self.expect_type(a, want, inner, f);
                }
                Some(Ty::Num)
            }
            other => {
                self.at(
                    Some(span),
                    format!(
                        "неизвестная функция «{other}»; допустимые: {}",
                        FUNCTIONS.join(", ")
                    ),
                );
                None
            }
        }
    }
}

fn first_span(e: &Expr) -> Option<Span> {
    let mut out = None;
    if let Expr::Call(_, _, s) = e {
        return Some(*s);
    }
    e.visit_names(&mut |_, s| {
        if out.is_none() {
            out = Some(s);
        }
    });
    out
}

/// Loads an edition folder and validates it strictly. Every problem is reported with its
/// file and line; nothing is returned unless the whole edition is valid.
pub fn load(dir: &Path) -> Result<Edition, CheckError> {
    let mut l = Loader {
        diags: Vec::new(),
        quotes: Vec::new(),
    };

    // Unknown files are refused: a misnamed file must not be silently ignored.
    match std::fs::read_dir(dir) {
        Ok(rd) => {
            for entry in rd.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if name.ends_with(".toml") && !EDITION_FILES.contains(&name.as_str()) {
                    l.err(
                        Location {
                            file: entry.path(),
                            line: 1,
                            column: 1,
                        },
                        format!(
                            "неизвестный файл редакции; допустимые: {}",
                            EDITION_FILES.join(", ")
                        ),
                    );
                }
            }
        }
        Err(e) => {
            return Err(CheckError {
                diagnostics: vec![Diagnostic {
                    location: Location {
                        file: dir.to_path_buf(),
                        line: 0,
                        column: 0,
                    },
                    message: format!(
                        "не удалось открыть папку редакции: {}",
                        crate::io_message(&e)
                    ),
                }],
            })
        }
    }

    let edition = l.parse_file::<EditionFileOpt>(dir, "edition.toml", true);
    let inputs = l.parse_file::<raw::InputsFile>(dir, "inputs.toml", false);
    let params = l.parse_file::<raw::ParametersFile>(dir, "parameters.toml", false);
    let reporting = l.parse_file::<raw::ReportingFile>(dir, "reporting.toml", false);
    let scales = l.parse_file::<raw::ScalesFile>(dir, "scales.toml", false);
    let node_files: Vec<_> = ["values.toml", "criteria.toml", "penalties.toml"]
        .iter()
        .map(|f| l.parse_file::<raw::NodesFile>(dir, f, false))
        .collect();

    let (
        Some((EditionFileOpt(Some(ed)), ed_src)),
        Some((inputs, in_src)),
        Some((params, par_src)),
        Some((scales, sc_src)),
        Some((reporting, rep_src)),
    ) = (edition, inputs, params, scales, reporting)
    else {
        return Err(CheckError {
            diagnostics: l.diags,
        });
    };
    if node_files.iter().any(Option::is_none) {
        return Err(CheckError {
            diagnostics: l.diags,
        });
    }
    let node_files: Vec<(raw::NodesFile, Src)> = node_files.into_iter().flatten().collect();

    // Sources indexed for formula diagnostics: 0..3 are node files.
    let mut symbols: HashMap<String, Symbol> = HashMap::new();
    let mut defined_at: HashMap<String, Location> = HashMap::new();
    let mut define = |l: &mut Loader, code: &Spanned<String>, src: &Src, sym: Symbol| {
        let loc = src.span_loc(code.span());
        let c = code.get_ref();
        if !valid_ident(c) {
            l.err(
                loc.clone(),
                format!("«{c}» не может быть именем: латинские буквы, цифры и _, не с цифры, не ключевое слово и не имя функции"),
            );
        }
        if let Some(prev) = defined_at.get(c) {
            l.err(loc, format!("имя «{c}» уже определено в {prev}"));
            return;
        }
        defined_at.insert(c.clone(), loc);
        symbols.insert(c.clone(), sym);
    };

    // Tables.
    let mut tables = Vec::new();
    for (i, t) in inputs.table.iter().enumerate() {
        define(&mut l, &t.code, &in_src, Symbol::Table(i));
        tables.push(Table {
            code: t.code.get_ref().clone(),
            name: t.name.clone(),
            key: t.key.clone(),
            cite: l.cite(
                &in_src,
                t.code.span(),
                &t.reference,
                &t.status,
                &t.note,
                &t.quote,
            ),
        });
    }
    let table_index = |code: &str| tables.iter().position(|t| t.code == code);

    // Bodies the act names: unique ids, a known kind.
    let mut named_bodies: Vec<NamedBody> = Vec::new();
    for b in &ed.named_body {
        let id = b.id.get_ref();
        if id.trim().is_empty() || named_bodies.iter().any(|x| &x.id == id) {
            l.err(
                ed_src.span_loc(b.id.span()),
                format!("named_body: идентификатор «{id}» пуст или повторяется"),
            );
        }
        let group = Group::from_code(b.kind.get_ref()).unwrap_or_else(|| {
            l.err(
                ed_src.span_loc(b.kind.span()),
                format!(
                    "неизвестный вид органа «{}»: ожидается central или local",
                    b.kind.get_ref()
                ),
            );
            Group::Central
        });
        named_bodies.push(NamedBody {
            id: id.clone(),
            name: b.name.clone(),
            group,
            cite: l.cite(
                &ed_src,
                b.id.span(),
                &b.reference,
                &b.status,
                &b.note,
                &b.quote,
            ),
        });
    }

    // Inputs.
    let mut input_list = Vec::new();
    for (i, r) in inputs.input.iter().enumerate() {
        define(&mut l, &r.code, &in_src, Symbol::Input(i));
        let ty = match r.ty.get_ref().as_str() {
            "number" => InputType::Number,
            "integer" => InputType::Integer,
            "bool" => InputType::Bool,
            other => {
                l.err(
                    in_src.span_loc(r.ty.span()),
                    format!("неизвестный тип «{other}»: ожидается number, integer или bool"),
                );
                InputType::Number
            }
        };
        let table = r.table.as_ref().and_then(|t| {
            let idx = table_index(t.get_ref());
            if idx.is_none() {
                l.err(
                    in_src.span_loc(t.span()),
                    format!("неизвестная таблица «{}»", t.get_ref()),
                );
            }
            idx
        });
        if let (Some(a), Some(b)) = (r.min, r.max) {
            if a.0 > b.0 {
                l.err(in_src.span_loc(r.code.span()), "min больше max");
            }
        }
        if let Some(tf) = &r.true_for {
            if ty != InputType::Bool {
                l.err(
                    in_src.span_loc(tf.span()),
                    "true_for допустимо только для логического показателя (type = \"bool\")",
                );
            }
            for id in tf.get_ref() {
                if !named_bodies.iter().any(|b| &b.id == id) {
                    l.err(
                        in_src.span_loc(tf.span()),
                        format!("true_for: орган «{id}» не назван в edition.toml ([[named_body]])"),
                    );
                }
            }
        }
        let notice_inapplicable = match r.inapplicable.as_ref().map(|s| (s, s.get_ref().as_str())) {
            None | Some((_, "refuse")) => false,
            Some((_, "notice")) => true,
            Some((s, other)) => {
                l.err(
                    in_src.span_loc(s.span()),
                    format!("inapplicable = «{other}»: ожидается \"refuse\" или \"notice\""),
                );
                false
            }
        };
        input_list.push(Input {
            code: r.code.get_ref().clone(),
            name: r.name.clone(),
            table,
            ty,
            unit: r.unit.clone(),
            min: r.min.map(|d| d.0),
            max: r.max.map(|d| d.0),
            optional: r.optional,
            applies: l.applies(&in_src, &r.applies),
            true_for: r.true_for.as_ref().map(|t| t.get_ref().clone()),
            notice_inapplicable,
            cite: l.cite(
                &in_src,
                r.code.span(),
                &r.reference,
                &r.status,
                &r.note,
                &r.quote,
            ),
        });
    }

    // Reporting tables: every input an indicator names must exist; codes are unique.
    let mut reporting_tables: Vec<ReportTable> = Vec::new();
    for t in &reporting.report_table {
        if reporting_tables.iter().any(|r| &r.code == t.code.get_ref()) {
            l.err(
                rep_src.span_loc(t.code.span()),
                format!(
                    "таблица отчётных данных «{}» уже определена",
                    t.code.get_ref()
                ),
            );
        }
        let mut indicators = Vec::new();
        for ind in &t.indicator {
            let mut idx = Vec::new();
            for code in &ind.inputs {
                match input_list.iter().position(|i| &i.code == code.get_ref()) {
                    Some(i) => idx.push(i),
                    None => l.err(
                        rep_src.span_loc(code.span()),
                        format!(
                            "показатель {} таблицы «{}» ссылается на неизвестные входные данные «{}»",
                            ind.number,
                            t.code.get_ref(),
                            code.get_ref()
                        ),
                    ),
                }
            }
            indicators.push(ReportIndicator {
                number: ind.number.clone(),
                name: ind.name.clone(),
                provides: ind.provides.clone(),
                inputs: idx,
                exemption: ind.exemption.clone(),
            });
        }
        reporting_tables.push(ReportTable {
            code: t.code.get_ref().clone(),
            number: t.number.clone(),
            name: t.name.clone(),
            indicators,
            cite: l.cite(
                &rep_src,
                t.code.span(),
                &t.reference,
                &t.status,
                &t.note,
                &t.quote,
            ),
        });
    }

    // Parameters.
    let mut parameters = Vec::new();
    for (i, p) in params.parameter.iter().enumerate() {
        define(&mut l, &p.code, &par_src, Symbol::Parameter(i));
        parameters.push(Parameter {
            code: p.code.get_ref().clone(),
            name: p.name.clone(),
            value: match &p.value {
                raw::PerGroupRaw::Same(d) => PerGroup::Same(d.0),
                raw::PerGroupRaw::ByGroup(b) => PerGroup::ByGroup {
                    central: b.central.0,
                    local: b.local.0,
                },
            },
            unit: p.unit.clone(),
            cite: l.cite(
                &par_src,
                p.code.span(),
                &p.reference,
                &p.status,
                &p.note,
                &p.quote,
            ),
        });
    }

    // Scales.
    let mut scale_list = Vec::new();
    for (i, s) in scales.scale.iter().enumerate() {
        define(&mut l, &s.code, &sc_src, Symbol::Scale(i));
        let cite = l.cite(
            &sc_src,
            s.code.span(),
            &s.reference,
            &s.status,
            &s.note,
            &s.quote,
        );
        let kind = match (s.band.is_empty(), s.category.is_empty()) {
            (false, true) => {
                let domain = match &s.domain {
                    Some(d) => l.interval(&sc_src, d),
                    None => {
                        l.err(
                            sc_src.span_loc(s.code.span()),
                            "шкале с интервалами нужна область значений domain",
                        );
                        None
                    }
                };
                let mut bands = Vec::new();
                let mut spans = Vec::new();
                for b in &s.band {
                    if let Some(range) = l.interval(&sc_src, &b.range) {
                        bands.push(Band {
                            range,
                            points: b.points.0,
                            text: b.text.clone(),
                        });
                        spans.push(b.range.span());
                    }
                }
                if let Some(domain) = domain {
                    if bands.len() == s.band.len() {
                        let parts: Vec<Interval> = bands.iter().map(|b| b.range).collect();
                        for (idx, msg) in check_tiling(domain, &parts) {
                            let at = spans.get(idx).cloned().unwrap_or(s.code.span());
                            l.err(
                                sc_src.span_loc(at),
                                format!("шкала «{}»: {msg}", s.code.get_ref()),
                            );
                        }
                    }
                    ScaleKind::Bands { domain, bands }
                } else {
                    ScaleKind::Bands {
                        domain: Interval {
                            lo: Decimal::ZERO,
                            lo_inclusive: true,
                            hi: Decimal::ZERO,
                            hi_inclusive: true,
                        },
                        bands,
                    }
                }
            }
            (true, false) => {
                let mut seen = HashSet::new();
                for c in &s.category {
                    if !seen.insert(*c.value.get_ref()) {
                        l.err(
                            sc_src.span_loc(c.value.span()),
                            format!("значение {} повторяется в шкале", c.value.get_ref()),
                        );
                    }
                }
                ScaleKind::Categories(
                    s.category
                        .iter()
                        .map(|c| Category {
                            value: *c.value.get_ref(),
                            points: c.points.0,
                            name: c.name.clone(),
                        })
                        .collect(),
                )
            }
            _ => {
                l.err(
                    sc_src.span_loc(s.code.span()),
                    "шкала задаётся либо интервалами [[scale.band]], либо категориями [[scale.category]]",
                );
                ScaleKind::Categories(Vec::new())
            }
        };
        scale_list.push(Scale {
            code: s.code.get_ref().clone(),
            name: s.name.clone(),
            kind,
            cite,
        });
    }

    // Nodes: values, criteria, penalties, from the three node files.
    let mut nodes: Vec<Node> = Vec::new();
    let mut pending: Vec<Vec<PendingFormula>> = Vec::new();
    let mut parent_spans: Vec<Option<(usize, Range<usize>)>> = Vec::new();
    for (fi, (file, src)) in node_files.iter().enumerate() {
        let plain = file
            .value
            .iter()
            .map(|n| (n, NodeRole::Value))
            .chain(file.criterion.iter().map(|n| (n, NodeRole::Criterion)));
        for (r, role) in plain {
            let idx = nodes.len();
            define(&mut l, &r.code, src, Symbol::Node(idx));
            let mut sources: Vec<(Option<Group>, &Spanned<String>)> = Vec::new();
            match (&r.formula, &r.formula_central, &r.formula_local) {
                (Some(f), None, None) => sources.push((None, f)),
                (None, c, lo) if c.is_some() || lo.is_some() => {
                    if let Some(c) = c {
                        sources.push((Some(Group::Central), c));
                    }
                    if let Some(lo) = lo {
                        sources.push((Some(Group::Local), lo));
                    }
                }
                _ => l.err(
                    src.span_loc(r.code.span()),
                    format!(
                        "«{}»: нужна либо formula, либо formula_central и/или formula_local",
                        r.code.get_ref()
                    ),
                ),
            }
            let mut formulas = Vec::new();
            let mut forms = Vec::new();
            let own_max = if role == NodeRole::Criterion {
                r.max.map(|d| d.0)
            } else {
                None
            };
            for (g, f) in sources {
                let text = f.get_ref().clone();
                match expr::parse(&text) {
                    Ok(mut e) => {
                        // `max` (a name, not the function) is the criterion's own maximum,
                        // written once in `max = …`.
                        if let Some(m) = own_max {
                            substitute_name(&mut e, OWN_MAX, m);
                        }
                        forms.push(PendingFormula {
                            expr: e.clone(),
                            file: fi,
                            span: f.span(),
                            group: g,
                        });
                        formulas.push(GroupFormula {
                            group: g,
                            expr: e,
                            text,
                        });
                    }
                    Err(e) => {
                        l.err(
                            src.string_loc(f.span(), e.offset),
                            format!("формула «{}»: {}", r.code.get_ref(), e.message),
                        );
                    }
                }
            }
            let table = r.table.as_ref().and_then(|t| {
                let i = table_index(t.get_ref());
                if i.is_none() {
                    l.err(
                        src.span_loc(t.span()),
                        format!("неизвестная таблица «{}»", t.get_ref()),
                    );
                }
                i
            });
            if role == NodeRole::Criterion {
                if r.max.is_none() {
                    l.err(
                        src.span_loc(r.code.span()),
                        format!(
                            "у критерия «{}» нет максимального балла max",
                            r.code.get_ref()
                        ),
                    );
                }
                if r.parent.is_none() {
                    l.err(
                        src.span_loc(r.code.span()),
                        format!(
                            "у критерия «{}» нет родителя parent (направление или критерий)",
                            r.code.get_ref()
                        ),
                    );
                }
                if table.is_some() {
                    l.err(
                        src.span_loc(r.code.span()),
                        "критерий не может вычисляться по строкам таблицы",
                    );
                }
            } else if r.parent.is_some() || r.bonus {
                l.err(
                    src.span_loc(r.code.span()),
                    "parent и bonus допустимы только у критериев ([[criterion]])",
                );
            }
            parent_spans.push(r.parent.as_ref().map(|p| (fi, p.span())));
            pending.push(forms);
            nodes.push(Node {
                code: r.code.get_ref().clone(),
                name: r.name.clone(),
                role,
                number: r.number.clone(),
                parent: r.parent.as_ref().map(|p| p.get_ref().clone()),
                max: r.max.map(|d| d.0),
                bonus: r.bonus,
                table,
                unit: r.unit.clone(),
                body: NodeBody::Formula(formulas),
                applies: l.applies(src, &r.applies),
                evaluator: r.evaluator.clone(),
                evaluator_exceptions: evaluator_exceptions(&r.evaluator_exception),
                cite: l.cite(
                    src,
                    r.code.span(),
                    &r.reference,
                    &r.status,
                    &r.note,
                    &r.quote,
                ),
                deps: Vec::new(),
            });
        }
        for p in &file.penalty {
            let idx = nodes.len();
            define(&mut l, &p.code, src, Symbol::Node(idx));
            let mut items = Vec::new();
            let mut forms = Vec::new();
            for it in &p.item {
                let text = it.facts.get_ref().clone();
                let facts = match expr::parse(&text) {
                    Ok(e) => {
                        forms.push(PendingFormula {
                            expr: e.clone(),
                            file: fi,
                            span: it.facts.span(),
                            group: None,
                        });
                        e
                    }
                    Err(e) => {
                        l.err(
                            src.string_loc(it.facts.span(), e.offset),
                            format!("формула фактов «{}»: {}", it.code.get_ref(), e.message),
                        );
                        Expr::Num(Decimal::ZERO)
                    }
                };
                items.push(PenaltyItem {
                    code: it.code.get_ref().clone(),
                    name: it.name.clone(),
                    facts,
                    facts_text: text,
                    per_fact: it.per_fact.0,
                    cite: l.cite(
                        src,
                        it.code.span(),
                        &it.reference,
                        &it.status,
                        &it.note,
                        &it.quote,
                    ),
                });
            }
            if items.is_empty() {
                l.err(
                    src.span_loc(p.code.span()),
                    "у штрафа нет ни одного вида фактов [[penalty.item]]",
                );
            }
            parent_spans.push(None);
            pending.push(forms);
            nodes.push(Node {
                code: p.code.get_ref().clone(),
                name: p.name.clone(),
                role: NodeRole::Penalty,
                number: None,
                parent: None,
                max: p.cap.map(|d| d.0),
                bonus: false,
                table: None,
                unit: Some("балл".into()),
                body: NodeBody::Penalty {
                    items,
                    cap: p.cap.map(|d| d.0),
                },
                applies: l.applies(src, &p.applies),
                evaluator: None,
                evaluator_exceptions: Vec::new(),
                cite: l.cite(
                    src,
                    p.code.span(),
                    &p.reference,
                    &p.status,
                    &p.note,
                    &p.quote,
                ),
                deps: Vec::new(),
            });
        }
    }

    // Directions (defined in edition.toml; they are parents in the tree, not formula names).
    let mut directions = Vec::new();
    for d in &ed.direction {
        if symbols.contains_key(d.code.get_ref()) {
            l.err(
                ed_src.span_loc(d.code.span()),
                format!("имя «{}» уже определено", d.code.get_ref()),
            );
        }
        let score = d.score.as_ref().and_then(|sc| {
            let found = nodes.iter().position(|n| &n.code == sc.get_ref());
            if found.is_none() {
                l.err(
                    ed_src.span_loc(sc.span()),
                    format!(
                        "оценка направления «{}»: нет вычисляемого значения «{}»",
                        d.code.get_ref(),
                        sc.get_ref()
                    ),
                );
            }
            found
        });
        directions.push(Direction {
            code: d.code.get_ref().clone(),
            name: d.name.clone(),
            max: d.max.0,
            score,
            evaluator: d.evaluator.clone(),
            evaluator_exceptions: evaluator_exceptions(&d.evaluator_exception),
            cite: l.cite(
                &ed_src,
                d.code.span(),
                &d.reference,
                &d.status,
                &d.note,
                &d.quote,
            ),
        });
    }

    // Pass 1: dependencies (names only) for the order; pass 2: types in that order.
    let node_tables: Vec<Option<usize>> = nodes.iter().map(|n| n.table).collect();
    for (i, forms) in pending.iter().enumerate() {
        let mut deps = Vec::new();
        for f in forms {
            f.expr.visit_names(&mut |n, _| {
                if let Some(Symbol::Node(j)) = symbols.get(n) {
                    deps.push(*j);
                }
            });
        }
        deps.sort_unstable();
        deps.dedup();
        nodes[i].deps = deps;
    }
    let order = match topo_order(&nodes) {
        Ok(o) => o,
        Err(cycle) => {
            let names: Vec<&str> = cycle.iter().map(|&i| nodes[i].code.as_str()).collect();
            let first = cycle[0];
            l.err(
                nodes[first].cite.location.clone(),
                format!("циклическая зависимость формул: {}", names.join(" → ")),
            );
            Vec::new()
        }
    };

    let mut node_types: Vec<Option<Ty>> = nodes
        .iter()
        .map(|n| match n.role {
            NodeRole::Penalty | NodeRole::Criterion => Some(Ty::Num),
            NodeRole::Value => None,
        })
        .collect();
    let check_order: Vec<usize> = if order.is_empty() {
        (0..nodes.len()).collect()
    } else {
        order.clone()
    };
    for &i in &check_order {
        let mut result_ty = None;
        for f in &pending[i] {
            let src = &node_files[f.file].1;
            let mut c = Checker {
                symbols: &symbols,
                inputs: &input_list,
                tables: &tables,
                node_tables: &node_tables,
                node_types: &node_types,
                src,
                span: f.span.clone(),
                diags: Vec::new(),
                deps: Vec::new(),
            };
            let ty = c.expr(
                &f.expr,
                Scope {
                    table: nodes[i].table,
                    in_group: false,
                },
            );
            let want_num = nodes[i].role != NodeRole::Value;
            if let Some(t) = ty {
                if want_num && t != Ty::Num {
                    c.at(
                        None,
                        format!(
                            "формула «{}» должна давать число, а даёт {}",
                            nodes[i].code,
                            t.ru()
                        ),
                    );
                }
            }
            l.diags.append(&mut c.diags);
            if let (Some(prev), Some(t)) = (result_ty, ty) {
                if prev != t {
                    l.err(
                        nodes[i].cite.location.clone(),
                        format!(
                            "формулы «{}» для разных групп дают разные типы",
                            nodes[i].code
                        ),
                    );
                }
            }
            result_ty = result_ty.or(ty);
        }
        if nodes[i].role == NodeRole::Value {
            node_types[i] = result_ty;
        }
        // A node may only use values that exist for every body it applies to (except in has()).
        for f in &pending[i] {
            check_applicability(&mut l, &nodes, &symbols, i, f, &node_files[f.file].1);
        }
    }

    // The tree: parents exist, maxima add up per group.
    let direction_codes: HashSet<&str> = directions.iter().map(|d| d.code.as_str()).collect();
    for (i, n) in nodes.iter().enumerate() {
        let Some(p) = &n.parent else { continue };
        let ok = direction_codes.contains(p.as_str())
            || matches!(symbols.get(p), Some(Symbol::Node(j)) if nodes[*j].role == NodeRole::Criterion);
        if !ok {
            let loc = parent_spans[i]
                .as_ref()
                .map(|(fi, s)| node_files[*fi].1.span_loc(s.clone()))
                .unwrap_or_else(|| n.cite.location.clone());
            l.err(
                loc,
                format!("родитель «{p}» не найден среди направлений и критериев"),
            );
        }
    }
    let check_sum = |l: &mut Loader,
                     code: &str,
                     max: Decimal,
                     applies: &Applies,
                     loc: &Location| {
        for g in Group::ALL {
            if !applies.kind_allowed(g) {
                continue;
            }
            let kids: Vec<&Node> = nodes
                .iter()
                .filter(|c| {
                    c.role == NodeRole::Criterion
                        && c.parent.as_deref() == Some(code)
                        && !c.bonus
                        && c.applies.kind_allowed(g)
                })
                .collect();
            if kids.is_empty() {
                continue;
            }
            let sum: Decimal = kids.iter().filter_map(|c| c.max).sum();
            if sum != max {
                let parts: Vec<String> = kids
                    .iter()
                    .map(|c| format!("{} {}", c.code, c.max.unwrap_or_default().normalize()))
                    .collect();
                l.err(
                    loc.clone(),
                    format!(
                        "«{code}» ({}): сумма максимальных баллов подкритериев {} = {} не равна максимуму {}",
                        g.code(),
                        parts.join(" + "),
                        sum.normalize(),
                        max.normalize()
                    ),
                );
            }
        }
    };
    for d in &directions {
        check_sum(
            &mut l,
            &d.code,
            d.max,
            &Applies::default(),
            &d.cite.location,
        );
    }
    for n in &nodes {
        if let (NodeRole::Criterion, Some(max)) = (n.role, n.max) {
            check_sum(&mut l, &n.code, max, &n.applies, &n.cite.location);
        }
    }

    // Degrees: bands tile [0, 100].
    let mut degrees = Vec::new();
    let mut degree_spans = Vec::new();
    for d in &ed.degree {
        if let Some(range) = l.interval(&ed_src, &d.range) {
            degree_spans.push(d.range.span());
            degrees.push(DegreeBand {
                code: d.code.get_ref().clone(),
                name: d.name.clone(),
                name_kk: d.name_kk.clone(),
                range,
                decimals: ed.rounding.degree_decimals,
                cite: l.cite(
                    &ed_src,
                    d.code.span(),
                    &d.reference,
                    &d.status,
                    &d.note,
                    &d.quote,
                ),
            });
        }
        if !matches!(
            d.code.get_ref().as_str(),
            "high" | "medium" | "low" | "inefficient"
        ) {
            l.err(
                ed_src.span_loc(d.code.span()),
                "код степени: high, medium, low или inefficient",
            );
        }
    }
    if ed.degree.is_empty() {
        l.err(ed_src.loc(0), "не заданы степени эффективности [[degree]]");
    } else if degrees.len() == ed.degree.len() {
        let domain = Interval {
            lo: Decimal::ZERO,
            lo_inclusive: true,
            hi: Decimal::ONE_HUNDRED,
            hi_inclusive: true,
        };
        let parts: Vec<Interval> = degrees.iter().map(|d| d.range).collect();
        for (idx, msg) in check_tiling(domain, &parts) {
            l.err(
                ed_src.span_loc(degree_spans[idx].clone()),
                format!("степени эффективности: {msg}"),
            );
        }
    }

    // The result roles name existing nodes.
    let role = |l: &mut Loader, s: &Spanned<String>| -> Option<usize> {
        match symbols.get(s.get_ref()) {
            Some(Symbol::Node(i)) => Some(*i),
            _ => {
                l.err(
                    ed_src.span_loc(s.span()),
                    format!("«{}» не найдено среди вычисляемых значений", s.get_ref()),
                );
                None
            }
        }
    };
    let score = role(&mut l, &ed.result.score);
    let criteria_total = ed
        .result
        .criteria_total
        .as_ref()
        .and_then(|s| role(&mut l, s));
    let correction = ed.result.correction.as_ref().and_then(|s| role(&mut l, s));
    let penalties = ed.result.penalties.as_ref().and_then(|s| role(&mut l, s));

    let evaluated: Vec<EvaluatedPeriod> = ed
        .validity
        .evaluated
        .iter()
        .map(|e| {
            let (p, y) = (*e.period.get_ref(), e.carried_out);
            let year = |d: &Option<String>| d.as_deref().and_then(|d| d.get(..4)?.parse::<u16>().ok());
            let problem = if y < p {
                Some(format!("оценка за {p} год не может проводиться в {y} году"))
            } else if e.reason.trim().is_empty() {
                Some(format!("для периода {p} нужна причина (reason)"))
            } else if year(&ed.validity.effective_from).is_some_and(|f| y < f)
                || year(&ed.validity.effective_to).is_some_and(|t| y > t)
            {
                Some(format!(
                    "оценка за {p} год проводится в {y} году, когда редакция не действует (effective_from/effective_to)"
                ))
            } else {
                None
            };
            if let Some(m) = problem {
                l.err(ed_src.span_loc(e.period.span()), format!("validity.evaluated: {m}"));
            }
            EvaluatedPeriod {
                period: *e.period.get_ref(),
                carried_out: e.carried_out,
                reason: e.reason.clone(),
            }
        })
        .collect();
    let periods: Vec<u16> = if evaluated.is_empty() {
        ed.validity.periods.clone()
    } else {
        if !ed.validity.periods.is_empty() {
            l.err(
                ed_src.loc(0),
                "validity: укажите либо periods, либо [[validity.evaluated]], не оба",
            );
        }
        evaluated.iter().map(|e| e.period).collect()
    };
    let validity = Validity {
        periods,
        evaluated,
        effective_from: ed.validity.effective_from.clone(),
        effective_to: ed.validity.effective_to.clone(),
        cite: l.cite(
            &ed_src,
            0..0,
            &ed.validity.reference,
            &ed.validity.status,
            &ed.validity.note,
            &ed.validity.quote,
        ),
    };
    let rounding = Rounding {
        display_decimals: ed.rounding.display_decimals,
        rank_decimals: ed.rounding.rank_decimals,
        degree_decimals: ed.rounding.degree_decimals,
        cite: l.cite(
            &ed_src,
            0..0,
            &ed.rounding.reference,
            &ed.rounding.status,
            &ed.rounding.note,
            &ed.rounding.quote,
        ),
    };
    check_named_ids(&mut l, &named_bodies, &input_list, &nodes, &directions);
    if validity.periods.is_empty() {
        l.err(
            ed_src.loc(0),
            "validity.periods: не указан ни один оцениваемый период",
        );
    }
    let (checks, check_diags) = crate::checks::load(dir, &input_list, &parameters);
    l.diags.extend(check_diags);

    let procedure = crate::procedure::load(&mut l, dir);
    let raw_inputs = crate::raw_inputs::load(&mut l, dir, &input_list, &tables);
    let sources = check_quotes(&mut l, dir, &ed, &ed_src);

    if !l.diags.is_empty() {
        l.diags.sort_by(|a, b| {
            (a.location.file.clone(), a.location.line, a.location.column).cmp(&(
                b.location.file.clone(),
                b.location.line,
                b.location.column,
            ))
        });
        l.diags.dedup();
        return Err(CheckError {
            diagnostics: l.diags,
        });
    }
    let score = score.ok_or_else(|| CheckError {
        diagnostics: Vec::new(),
    })?;
    let edition = Edition {
        dir: dir.to_path_buf(),
        id: ed.id,
        title: ed.title,
        act: Act {
            name: ed.act.name,
            short: ed.act.short,
            registration: ed.act.registration,
            adopted: ed.act.adopted,
            repealed: ed.act.repealed,
        },
        block_code: ed.block.code,
        block_name: ed.block.name,
        validity,
        result: ResultSpec {
            score,
            criteria_total,
            correction,
            penalties,
        },
        rounding,
        degrees,
        directions,
        named_bodies,
        tables,
        inputs: input_list,
        reporting: reporting_tables,
        parameters,
        scales: scale_list,
        nodes,
        order,
        symbols,
        sources,
        checks,
        procedure,
        raw_inputs,
    };
    // Each number in one place: a criterion's formula neither exceeds its maximum nor falls
    // short of it (interval reasoning over the formula).
    let problems = crate::bounds::check_criteria(&edition);
    if !problems.is_empty() {
        return Err(CheckError {
            diagnostics: problems
                .into_iter()
                .map(|p| Diagnostic {
                    location: edition.nodes[p.node].cite.location.clone(),
                    message: p.message,
                })
                .collect(),
        });
    }
    Ok(edition)
}

/// The edition's sources (the act first) with their texts looked up, and every quote checked
/// against its source's text when that text is present.
fn check_quotes(l: &mut Loader, dir: &Path, ed: &raw::EditionFile, ed_src: &Src) -> Vec<Source> {
    let mut sources = vec![Source {
        code: None,
        name: ed.act.name.clone(),
        text_path: ed.act.text.as_ref().map(|t| dir.join(t)),
        available: false,
    }];
    for s in &ed.source {
        if sources
            .iter()
            .any(|x| x.code.as_deref() == Some(s.code.get_ref()))
        {
            l.err(
                ed_src.span_loc(s.code.span()),
                format!("источник «{}» уже определён", s.code.get_ref()),
            );
        }
        sources.push(Source {
            code: Some(s.code.get_ref().clone()),
            name: s.name.clone(),
            text_path: s.text.as_ref().map(|t| dir.join(t)),
            available: false,
        });
    }
    let mut texts: Vec<Option<String>> = Vec::new();
    for s in &mut sources {
        let text = s
            .text_path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .map(|t| crate::quotes::normalize(&t));
        s.available = text.is_some();
        texts.push(text);
    }
    let quotes = std::mem::take(&mut l.quotes);
    for (q, at) in quotes {
        let idx = match &q.source {
            None => Some(0),
            Some(code) => sources.iter().position(|s| s.code.as_deref() == Some(code)),
        };
        let Some(idx) = idx else {
            l.err(
                at,
                format!(
                    "цитата ссылается на неизвестный источник «{}»: источники перечисляются в edition.toml, [[source]]",
                    q.source.as_deref().unwrap_or_default()
                ),
            );
            continue;
        };
        let Some(text) = &texts[idx] else { continue };
        let label = if idx == 0 {
            &ed.act.short
        } else {
            &sources[idx].name
        };
        for f in crate::quotes::missing(text, &q) {
            l.err(
                at.clone(),
                format!(
                    "цитата не найдена дословно в тексте «{label}»; расхождение: «{}»",
                    crate::quotes::divergence(text, f)
                ),
            );
        }
    }
    sources
}

/// The name by which a criterion's formula refers to its own maximum (`max = …`).
pub const OWN_MAX: &str = "max";

/// Replaces every reference to `name` (not a call of a function of that name) by `value`.
fn substitute_name(e: &mut Expr, name: &str, value: Decimal) {
    match e {
        Expr::Name(n, _) if n == name => *e = Expr::Num(value),
        Expr::Num(_) | Expr::Bool(_) | Expr::Name(..) => {}
        Expr::Unary(_, x) => substitute_name(x, name, value),
        Expr::Binary(_, a, b) => {
            substitute_name(a, name, value);
            substitute_name(b, name, value);
        }
        Expr::Call(_, args, _) => {
            for a in args {
                substitute_name(a, name, value);
            }
        }
    }
}

/// `edition.toml` is required; `Default` is only there to share `parse_file`.
#[derive(Default)]
struct EditionFileOpt(Option<raw::EditionFile>);

impl<'de> serde::Deserialize<'de> for EditionFileOpt {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        raw::EditionFile::deserialize(d).map(|e| EditionFileOpt(Some(e)))
    }
}

fn evaluator_exceptions(raw: &[raw::EvaluatorExceptionRaw]) -> Vec<EvaluatorException> {
    raw.iter()
        .map(|e| EvaluatorException {
            bodies: e.bodies.clone(),
            evaluator: e.evaluator.clone(),
            note: e.note.clone(),
        })
        .collect()
}

/// When an edition names bodies, every body id it uses (applies, evaluator exceptions) must be
/// one of them: identity is fixed in one place, and a dataset cannot rename an exempt body.
fn check_named_ids(
    l: &mut Loader,
    named: &[NamedBody],
    inputs: &[Input],
    nodes: &[Node],
    directions: &[Direction],
) {
    if named.is_empty() {
        return;
    }
    let mut uses: Vec<(&Location, &str)> = Vec::new();
    for i in inputs {
        let a = &i.applies;
        uses.extend(
            a.only
                .iter()
                .chain(&a.except)
                .map(|b| (&i.cite.location, b.as_str())),
        );
    }
    for n in nodes {
        let a = &n.applies;
        uses.extend(
            a.only
                .iter()
                .chain(&a.except)
                .map(|b| (&n.cite.location, b.as_str())),
        );
        for e in &n.evaluator_exceptions {
            uses.extend(e.bodies.iter().map(|b| (&n.cite.location, b.as_str())));
        }
    }
    for d in directions {
        for e in &d.evaluator_exceptions {
            uses.extend(e.bodies.iter().map(|b| (&d.cite.location, b.as_str())));
        }
    }
    for (loc, id) in uses {
        if !named.iter().any(|b| b.id == id) {
            l.err(
                loc.clone(),
                format!("орган «{id}» не назван в edition.toml ([[named_body]] с официальным наименованием)"),
            );
        }
    }
}

fn check_applicability(
    l: &mut Loader,
    nodes: &[Node],
    symbols: &HashMap<String, Symbol>,
    i: usize,
    f: &PendingFormula,
    src: &Src,
) {
    let (e, span) = (&f.expr, &f.span);
    fn walk(e: &Expr, inside_has: bool, out: &mut Vec<(String, Span)>) {
        match e {
            Expr::Name(n, s) if !inside_has => out.push((n.clone(), *s)),
            Expr::Call(f, args, _) => args
                .iter()
                .for_each(|a| walk(a, inside_has || f == "has", out)),
            Expr::Unary(_, a) => walk(a, inside_has, out),
            Expr::Binary(_, a, b) => {
                walk(a, inside_has, out);
                walk(b, inside_has, out);
            }
            _ => {}
        }
    }
    let mut names = Vec::new();
    walk(e, false, &mut names);
    let me = &nodes[i];
    for (n, s) in names {
        if let Some(Symbol::Node(j)) = symbols.get(&n) {
            let dep = &nodes[*j];
            for g in Group::ALL {
                if f.group.is_some_and(|fg| fg != g) {
                    continue;
                }
                if me.applies.kind_allowed(g) && !dep.applies.kind_allowed(g) {
                    l.err(
                        src.string_loc(span.clone(), s.start),
                        format!(
                            "«{}» применяется к группе {}, но использует «{}», который к ней не применяется (проверьте has() или applies)",
                            me.code,
                            g.code(),
                            dep.code
                        ),
                    );
                }
            }
        }
    }
}

/// Kahn's algorithm with a stable order (file order among ready nodes). On a cycle, returns
/// the nodes of one cycle.
fn topo_order(nodes: &[Node]) -> Result<Vec<usize>, Vec<usize>> {
    let n = nodes.len();
    let mut indeg = vec![0usize; n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, node) in nodes.iter().enumerate() {
        for &d in &node.deps {
            indeg[i] += 1;
            users[d].push(i);
        }
    }
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &u in &users[i] {
            indeg[u] -= 1;
            if indeg[u] == 0 {
                ready.insert(u);
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    // Find a cycle among the remaining nodes by walking dependencies.
    let remaining: HashSet<usize> = (0..n).filter(|i| indeg[*i] > 0).collect();
    let mut start = *remaining.iter().min().unwrap_or(&0);
    let mut seen: Vec<usize> = Vec::new();
    loop {
        if let Some(pos) = seen.iter().position(|&x| x == start) {
            let mut cycle = seen[pos..].to_vec();
            cycle.reverse();
            cycle.push(cycle[0]);
            return Err(cycle);
        }
        seen.push(start);
        match nodes[start].deps.iter().find(|d| remaining.contains(d)) {
            Some(&d) => start = d,
            None => return Err(seen),
        }
    }
}
