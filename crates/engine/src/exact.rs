//! Exact rational numbers for the engine's arithmetic. Inputs and parameters are decimals; every
//! intermediate value is an exact fraction, so `(a / b) * 10000` loses nothing. Values leave the
//! engine as decimals: exactly when the fraction terminates within 28 significant digits,
//! otherwise rounded (half to even) to 28 significant digits — the only rounding the engine does
//! on its own.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

pub type Q = BigRational;

/// The exact fraction of a decimal. The denominator is a power of ten, so the fraction is reduced
/// by stripping common factors 2 and 5 from the mantissa — no general gcd (the engine converts
/// every input and literal it reads, so this is on the hot path).
pub fn from_decimal(d: Decimal) -> Q {
    let mut m = d.mantissa();
    if m == 0 {
        return Q::zero();
    }
    let (mut twos, mut fives) = (d.scale(), d.scale());
    while twos > 0 && m % 2 == 0 {
        m /= 2;
        twos -= 1;
    }
    while fives > 0 && m % 5 == 0 {
        m /= 5;
        fives -= 1;
    }
    let den = BigInt::from(2u8).pow(twos) * BigInt::from(5u8).pow(fives);
    // Reduced: the mantissa has no factor 2 (or 5) left where the denominator has one.
    Q::new_raw(BigInt::from(m), den)
}

pub fn from_int(i: i64) -> Q {
    Q::from_integer(BigInt::from(i))
}

fn digits(n: &BigInt) -> u32 {
    n.abs().to_string().len() as u32
}

/// Whether the fraction has a finite decimal expansion.
pub fn terminates(q: &Q) -> bool {
    let mut d = q.denom().clone();
    for f in [2u8, 5u8] {
        let f = BigInt::from(f);
        while (&d % &f).is_zero() {
            d /= &f;
        }
    }
    d.is_one()
}

/// The nearest decimal: exact if the fraction terminates within 28 significant digits.
pub fn to_decimal(q: &Q) -> Decimal {
    let int_digits = if q.abs() >= Q::one() {
        digits(&q.abs().to_integer())
    } else {
        0
    };
    let scale = 28u32.saturating_sub(int_digits).min(28);
    let scaled = q * Q::from_integer(BigInt::from(10u8).pow(scale));
    // Round half to even.
    let (fl, rem) = scaled.numer().div_mod_floor(scaled.denom());
    let twice: BigInt = rem * 2;
    let mut n = fl;
    match twice.cmp(scaled.denom()) {
        std::cmp::Ordering::Greater => n += 1,
        std::cmp::Ordering::Equal if n.is_odd() => n += 1,
        _ => {}
    }
    match n.to_i128() {
        Some(m) => Decimal::try_from_i128_with_scale(m, scale)
            .map(|d| d.normalize())
            .unwrap_or(Decimal::MAX),
        None => {
            if q.is_negative() {
                Decimal::MIN
            } else {
                Decimal::MAX
            }
        }
    }
}

/// Rounds half away from zero to `dp` decimals.
pub fn round(q: &Q, dp: u32) -> Q {
    let f = Q::from_integer(BigInt::from(10u8).pow(dp));
    let scaled = q.abs() * &f;
    let r = (scaled + Q::new(BigInt::one(), BigInt::from(2u8))).floor();
    let r = if q.is_negative() { -r } else { r };
    r / f
}

/// Renders a fraction for a person: the decimal, and the fraction when it does not terminate.
pub fn show(q: &Q) -> String {
    if terminates(q) {
        to_decimal(q).to_string()
    } else {
        format!(
            "{}… (= {}/{})",
            to_decimal(q).round_dp(10).normalize(),
            q.numer(),
            q.denom()
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn from_decimal_is_reduced_and_exact() {
        use super::*;
        for (d, n, q) in [
            ("12.50", 25, 2),
            ("-0.125", -1, 8),
            ("100", 100, 1),
            ("0.000", 0, 1),
            ("3.14", 157, 50),
            ("-7", -7, 1),
        ] {
            let x = from_decimal(d.parse().unwrap_or_default());
            let want = Q::new(BigInt::from(n), BigInt::from(q));
            assert_eq!(x, want, "{d}");
            assert_eq!(
                (x.numer(), x.denom()),
                (want.numer(), want.denom()),
                "{d} reduced"
            );
        }
    }

    use super::*;

    #[test]
    fn exact_round_trips() {
        let d: Decimal = "12.1".parse().unwrap();
        let q = from_decimal(d) * from_int(3) / from_int(3);
        assert_eq!(to_decimal(&q), d);
        let third = from_int(1) / from_int(3);
        assert_eq!(
            to_decimal(&third).to_string(),
            "0.3333333333333333333333333333"
        );
        assert!(!terminates(&third));
        assert_eq!(
            to_decimal(&(from_int(2) / from_int(3))).to_string(),
            "0.6666666666666666666666666667"
        );
        assert_eq!(
            to_decimal(&round(&(from_int(-1) / from_int(2)), 0)),
            Decimal::from(-1)
        );
    }
}
