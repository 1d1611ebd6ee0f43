//! Arithmetic and formatting that cannot panic, whatever numbers the input carries.
//!
//! `rust_decimal` panics when a sum overflows (`+`, `Sum`) and when `{:.N}` asks for more digits
//! than its internal buffer holds (a 28-digit integer with two decimals). Documents print numbers
//! that come from input files, so every sum, mean and formatted figure goes through here.

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

/// `v` rounded half away from zero with exactly `decimals` places and a decimal comma, for any
/// decimal (the engine's `format_ru` panics on 28-digit integers).
pub fn format_ru(v: Decimal, decimals: u32) -> String {
    let r = round_display(v, decimals);
    // `Display` without a precision prints the digits the value has, which always fits.
    let s = r.to_string();
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let want = usize::try_from(decimals).unwrap_or(usize::MAX).min(64);
    let mut out = String::with_capacity(int.len() + want + 1);
    out.push_str(int);
    if want > 0 {
        out.push(',');
        out.extend(frac.chars().take(want));
        for _ in frac.len()..want {
            out.push('0');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn formats_like_the_engine_on_ordinary_values() {
        for (v, dp) in [
            ("72.45", 1),
            ("72.449", 2),
            ("-0.05", 1),
            ("0", 2),
            ("25", 0),
            ("1384117", 2),
            ("0.125", 2),
            ("-3.5", 0),
        ] {
            assert_eq!(
                format_ru(d(v), dp),
                bagalau_engine::rank::format_ru(d(v), dp),
                "{v} at {dp}"
            );
        }
    }

    #[test]
    fn formats_extreme_values_without_panic() {
        assert_eq!(
            format_ru(d("1000000000000000000000000000"), 2),
            "1000000000000000000000000000,00"
        );
        assert_eq!(format_ru(Decimal::MAX, 1), format!("{},0", Decimal::MAX));
        assert_eq!(format_ru(Decimal::MIN, 0), Decimal::MIN.to_string());
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
