//! Arithmetic and formatting that cannot panic, whatever numbers the input carries.
//!
//! `rust_decimal` panics when a sum overflows (`+`, `Sum`) and when `{:.N}` asks for more digits
//! than its internal buffer holds (a 28-digit integer with two decimals). Documents print numbers
//! that come from input files, so every sum, mean and formatted figure goes through here.

use bagalau_engine::exact::Q;
use rust_decimal::{Decimal, RoundingStrategy};

/// Sum, or `None` when it does not fit a decimal.
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v))
}

/// Arithmetic mean; `None` for no values. Exact when the sum fits a decimal (always, for real
/// scores); otherwise the mean of the values each divided by their count first, which fits and is
/// rounded at the 28th digit like any other decimal — never a panic.
pub fn mean(values: &[Decimal]) -> Option<Decimal> {
    let n = Decimal::from(values.len());
    if values.is_empty() {
        return None;
    }
    match sum(values.iter().copied()) {
        Some(s) => s.checked_div(n),
        None => values
            .iter()
            .map(|v| v.checked_div(n))
            .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v?)),
    }
}

/// `a · b`, `a / b`, `a − b` that give `None` instead of a panic (division by zero included).
pub fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_mul(b)
}

pub fn div(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_div(b)
}

pub fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_sub(b)
}

/// Rounds half away from zero to `decimals` places (the school rule of published tables).
pub fn round_display(v: Decimal, decimals: u32) -> Decimal {
    v.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// The digit-group separator of every document: a no-break thin space (U+202F). Integer parts
/// are grouped from 1 000 up («1 044», «1 384 117», as seed 003 groups them), in every number
/// of every document: this module is the one place numbers become text.
pub const GROUP_SEPARATOR: char = '\u{202f}';

/// `v` rounded half away from zero with exactly `decimals` places, a decimal comma and grouped
/// thousands, for any decimal (no precision formatting, which panics on 28-digit integers).
pub fn format_ru(v: Decimal, decimals: u32) -> String {
    let r = round_display(v, decimals);
    // `Display` without a precision prints the digits the value has, which always fits.
    let s = r.to_string();
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let want = usize::try_from(decimals).unwrap_or(usize::MAX).min(64);
    let mut out = group(int);
    if want > 0 {
        out.push(',');
        out.extend(frac.chars().take(want));
        for _ in frac.len()..want {
            out.push('0');
        }
    }
    out
}

/// An integer part («-1384117») with its thousands grouped («-1 384 117»).
fn group(int: &str) -> String {
    let (sign, digits) = match int.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", int),
    };
    let mut out = String::with_capacity(int.len() + 3 * digits.len() / 3);
    out.push_str(sign);
    let len = digits.chars().count();
    for (k, ch) in digits.chars().enumerate() {
        if k > 0 && len > 3 && (len - k) % 3 == 0 {
            out.push(GROUP_SEPARATOR);
        }
        out.push(ch);
    }
    out
}

/// `v` with at most `dp` decimals, trailing zeros dropped (seed 003 prints «25», «7,95»,
/// «40,95», «1 384 117»): scores, points and figures from the data.
pub fn show(v: Decimal, dp: u32) -> String {
    let s = format_ru(v, dp);
    if s.contains(',') {
        s.trim_end_matches('0').trim_end_matches(',').to_string()
    } else {
        s
    }
}

/// Decimals of a figure from the data or a computed ratio («6,879», «27,4568»).
pub const FIGURE_DECIMALS: u32 = 4;

/// Decimals of a share in percent («15,4 %»).
pub const PERCENT_DECIMALS: u32 = 1;

/// A figure from the data or a computed ratio: up to `dp` decimals, grouped.
pub fn figure(v: Decimal, dp: u32) -> String {
    show(v, dp)
}

/// A share in percent as every document prints it: [`PERCENT_DECIMALS`] decimals, always, and
/// the sign («15,4 %», «+5,0 %» with `with_sign`, «−2,0 %»).
pub fn percent(v: Decimal, with_sign: bool) -> String {
    let s = format_ru(v, PERCENT_DECIMALS);
    let zero = format_ru(Decimal::ZERO, PERCENT_DECIMALS);
    let s = match (with_sign, s.strip_prefix('-')) {
        (_, Some(rest)) => format!("−{rest}"),
        (true, None) if v > Decimal::ZERO && s != zero => format!("+{s}"),
        _ => s,
    };
    format!("{s}\u{a0}%")
}

/// A signed difference: «+1,95», «−2», «0».
pub fn signed(v: Decimal, dp: u32) -> String {
    if v > Decimal::ZERO {
        format!("+{}", show(v, dp))
    } else if v < Decimal::ZERO {
        // A decimal's negation flips its sign bit: it cannot overflow.
        format!("−{}", show(-v, dp))
    } else {
        "0".into()
    }
}

/// An exact fraction of the trace as a figure of a document: up to `dp` decimals.
pub fn fraction(q: &Q, dp: u32) -> String {
    show(bagalau_engine::exact::to_decimal(q), dp)
}

/// An exact fraction in full, for the derivation of a value: every decimal when it terminates
/// («15,25»), otherwise ten decimals, an ellipsis and the fraction («15,3333333333… (= 46/3)»).
pub fn fraction_in_full(q: &Q) -> String {
    let d = bagalau_engine::exact::to_decimal(q);
    if bagalau_engine::exact::terminates(q) {
        show(d, 28)
    } else {
        format!("{}… (= {}/{})", show(d, 10), q.numer(), q.denom())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn rounds_half_away_from_zero_with_a_comma_and_groups() {
        for (v, dp, want) in [
            ("72.45", 1, "72,5"),
            ("72.449", 2, "72,45"),
            ("-0.05", 1, "-0,1"),
            ("0", 2, "0,00"),
            ("25", 0, "25"),
            ("999", 0, "999"),
            ("1000", 0, "1\u{202f}000"),
            ("1384117", 2, "1\u{202f}384\u{202f}117,00"),
            ("-1044.5", 0, "-1\u{202f}045"),
            ("0.125", 2, "0,13"),
            ("-3.5", 0, "-4"),
        ] {
            assert_eq!(format_ru(d(v), dp), want, "{v} at {dp}");
        }
    }

    #[test]
    fn shows_figures_percentages_and_differences() {
        assert_eq!(show(d("25"), 2), "25");
        assert_eq!(show(d("7.95"), 2), "7,95");
        assert_eq!(show(d("40.950"), 2), "40,95");
        assert_eq!(show(d("13778"), 4), "13\u{202f}778");
        assert_eq!(figure(d("5067591.5"), 4), "5\u{202f}067\u{202f}591,5");
        assert_eq!(figure(d("-1044"), 0), "-1\u{202f}044");
        assert_eq!(percent(d("15.4047"), false), "15,4\u{a0}%");
        assert_eq!(percent(d("5"), true), "+5,0\u{a0}%");
        assert_eq!(percent(d("0.01"), true), "0,0\u{a0}%");
        assert_eq!(percent(d("-2"), true), "−2,0\u{a0}%");
        assert_eq!(signed(d("1.95"), 2), "+1,95");
        assert_eq!(signed(d("-2"), 2), "−2");
        assert_eq!(signed(Decimal::MIN, 0).chars().next(), Some('−'));
        let third = bagalau_engine::exact::from_int(46) / bagalau_engine::exact::from_int(3);
        assert_eq!(fraction(&third, 4), "15,3333");
        assert_eq!(fraction_in_full(&third), "15,3333333333… (= 46/3)");
        let exact = bagalau_engine::exact::from_decimal(d("12345.678"));
        assert_eq!(fraction_in_full(&exact), "12\u{202f}345,678");
    }

    #[test]
    fn formats_extreme_values_without_panic() {
        assert_eq!(
            format_ru(d("1000000000000000000000000000"), 2),
            format!("1{},00", "\u{202f}000".repeat(9))
        );
        let max = format_ru(Decimal::MAX, 1);
        assert!(
            max.starts_with("79\u{202f}228\u{202f}") && max.ends_with(",0"),
            "{max}"
        );
        assert!(format_ru(Decimal::MIN, 0).starts_with("-79\u{202f}228"));
        let big = bagalau_engine::exact::from_int(i64::MAX);
        let huge = &big * &big * &big / bagalau_engine::exact::from_int(3);
        assert!(fraction_in_full(&huge).ends_with("/3)"));
        assert!(!fraction(&huge, 4).is_empty());
        assert_eq!(
            format_ru(d("0.0000000000000000000000000001"), 30),
            format!("0,{}1{}", "0".repeat(27), "00")
        );
    }

    #[test]
    fn sums_and_means_do_not_overflow() {
        let big = d("50000000000000000000000000000");
        assert_eq!(sum([big, big]), None);
        assert_eq!(mean(&[big, big]), Some(big));
        assert_eq!(mean(&[d("1"), d("2")]), Some(d("1.5")));
        assert_eq!(mean(&[]), None);
        assert!(mean(&[Decimal::MAX, Decimal::MAX, Decimal::MAX]).is_some());
    }
}
