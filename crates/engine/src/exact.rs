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
    // The scale of a decimal is at most 28, and 2^28 · 5^28 = 10^28 < 2^94: the denominator fits
    // in a machine word pair.
    let den = match 2u128
        .checked_pow(twos)
        .zip(5u128.checked_pow(fives))
        .and_then(|(a, b)| a.checked_mul(b))
    {
        Some(d) => BigInt::from(d),
        None => BigInt::from(2u8).pow(twos) * BigInt::from(5u8).pow(fives),
    };
    // Reduced: the mantissa has no factor 2 (or 5) left where the denominator has one.
    Q::new_raw(BigInt::from(m), den)
}

// ----- The machine-word fast path --------------------------------------------------------
//
// Most values of an evaluation are fractions whose numerator and denominator fit in 64 bits.
// For those, the four operations and comparisons are done in 128-bit integers (no overflow is
// possible: every product of two 64-bit values fits, and so does the sum of two such products)
// and reduced with a binary gcd on machine words; the result is the same reduced fraction that
// the big-integer arithmetic gives (a reduced fraction with a positive denominator is unique).
// Anything larger takes the exact big-integer path.

/// The numerator and denominator of `q` when both fit in 64 bits.
fn small(q: &Q) -> Option<(i64, i64)> {
    Some((q.numer().to_i64()?, q.denom().to_i64()?))
}

/// Binary gcd on machine words (shared by the fast path of `num`).
pub(crate) fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// `n / d` reduced; `d > 0`.
fn reduced(n: i128, d: i128) -> Q {
    let g = gcd_u128(n.unsigned_abs(), d.unsigned_abs());
    // g divides both and is at least 1 (d > 0), and the quotients fit where n and d did.
    let g = i128::try_from(g).unwrap_or(1).max(1);
    Q::new_raw(BigInt::from(n / g), BigInt::from(d / g))
}

/// The size, in bits, past which a product or quotient of two large fractions is refused.
/// A formula that squares a value again and again doubles its size each time (18 squarings of
/// 4.5 give numbers of 2^18 · 1.6 bits); past this limit the evaluation stops with an error naming
/// the value instead of computing numbers of hundreds of thousands of digits for minutes.
pub const MAX_BITS: u64 = 1 << 16;

/// An operand smaller than this many bits never triggers the limit: a product with a value of
/// ordinary size grows the result only additively (an exact group mean of thousands of bodies
/// has tens of thousands of bits and may still be divided or multiplied by a body's value).
pub const SMALL_BITS: u64 = 1 << 12;

/// Refuses a product or quotient of `a` and `b` when both are large and the result's numerator
/// or denominator could exceed [`MAX_BITS`] (checked before the multiplication is done).
pub fn check_size(a: &Q, b: &Q) -> Result<(), String> {
    let bits = |q: &Q| q.numer().bits().max(q.denom().bits());
    let (x, y) = (bits(a), bits(b));
    if x.min(y) > SMALL_BITS && x + y > MAX_BITS {
        return Err(format!(
            "число слишком велико для точного вычисления: произведение или частное двух дробей с {x} и {y} двоичными знаками превысило бы предел {MAX_BITS} двоичных знаков (около 19 700 десятичных цифр) — формула редакции, вероятно, многократно возводит значение в степень"
        ));
    }
    Ok(())
}

/// `a + b`, exact.
pub fn add(a: &Q, b: &Q) -> Q {
    match (small(a), small(b)) {
        (Some((an, ad)), Some((bn, bd))) => {
            let (an, ad, bn, bd) = (an as i128, ad as i128, bn as i128, bd as i128);
            if ad == bd {
                reduced(an + bn, ad)
            } else {
                reduced(an * bd + bn * ad, ad * bd)
            }
        }
        _ => a + b,
    }
}

/// `a - b`, exact.
pub fn sub(a: &Q, b: &Q) -> Q {
    match (small(a), small(b)) {
        (Some((an, ad)), Some((bn, bd))) => {
            let (an, ad, bn, bd) = (an as i128, ad as i128, bn as i128, bd as i128);
            if ad == bd {
                reduced(an - bn, ad)
            } else {
                reduced(an * bd - bn * ad, ad * bd)
            }
        }
        _ => a - b,
    }
}

/// `a · b`, exact.
pub fn mul(a: &Q, b: &Q) -> Q {
    match (small(a), small(b)) {
        (Some((an, ad)), Some((bn, bd))) => {
            reduced(an as i128 * bn as i128, ad as i128 * bd as i128)
        }
        _ => a * b,
    }
}

/// `a / b`, exact; `b` must not be zero (the caller reports a division by zero).
pub fn div(a: &Q, b: &Q) -> Option<Q> {
    if b.is_zero() {
        return None;
    }
    Some(match (small(a), small(b)) {
        (Some((an, ad)), Some((bn, bd))) => {
            let (n, d) = (an as i128 * bd as i128, ad as i128 * bn as i128);
            if d < 0 {
                reduced(-n, -d)
            } else {
                reduced(n, d)
            }
        }
        _ => a / b,
    })
}

/// Compares two fractions.
pub fn cmp(a: &Q, b: &Q) -> std::cmp::Ordering {
    match (small(a), small(b)) {
        (Some((an, ad)), Some((bn, bd))) => {
            (an as i128 * bd as i128).cmp(&(bn as i128 * ad as i128))
        }
        _ => a.cmp(b),
    }
}

/// The exact sum of many fractions. Summed pairwise (a balanced tree) over common denominators
/// without reducing the numerators on the way, and reduced once at the end: adding one by one
/// reduces at every step, and when the denominators differ (a group mean of ratios) the partial
/// sums grow, so that the gcds make the sum cubic in the number of terms.
pub fn sum<'a>(xs: impl IntoIterator<Item = &'a Q>) -> Q {
    let mut level: Vec<(BigInt, BigInt)> = xs
        .into_iter()
        .map(|q| (q.numer().clone(), q.denom().clone()))
        .collect();
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        let mut it = level.into_iter();
        while let Some((a, b)) = it.next() {
            match it.next() {
                None => next.push((a, b)),
                Some((c, d)) => next.push(add_over_lcm(a, b, c, d)),
            }
        }
        level = next;
    }
    match level.pop() {
        // The denominators are positive (reduced fractions and their lcms), never zero.
        Some((n, d)) => Q::new(n, d),
        None => Q::zero(),
    }
}

/// `a/b + c/d` over `lcm(b, d)`, numerator not reduced.
fn add_over_lcm(a: BigInt, b: BigInt, c: BigInt, d: BigInt) -> (BigInt, BigInt) {
    if b == d {
        return (a + c, b);
    }
    let g = b.gcd(&d);
    if g.is_one() {
        (a * &d + c * &b, b * d)
    } else {
        let (bg, dg) = (&b / &g, &d / &g);
        (a * &dg + c * bg, b * dg)
    }
}

pub fn from_int(i: i64) -> Q {
    Q::from_integer(BigInt::from(i))
}

fn digits(n: &BigInt) -> u32 {
    match n.abs().to_u128() {
        Some(mut v) => {
            let mut k = 0;
            while v > 0 {
                v /= 10;
                k += 1;
            }
            k
        }
        None => n.abs().to_string().len() as u32,
    }
}

/// Whether the fraction has a finite decimal expansion.
pub fn terminates(q: &Q) -> bool {
    if let Some(mut d) = q.denom().to_u128() {
        d >>= d.trailing_zeros();
        while d % 5 == 0 {
            d /= 5;
        }
        return d == 1;
    }
    let mut d = q.denom().clone();
    if let Some(z) = d.trailing_zeros() {
        d >>= z;
    }
    for f in [5u8] {
        let f = BigInt::from(f);
        while (&d % &f).is_zero() {
            d /= &f;
        }
    }
    d.is_one()
}

/// The nearest decimal: exact if the fraction terminates within 28 significant digits.
/// Computed by integer division of the numerator, scaled by a power of ten, by the denominator
/// (no fraction arithmetic, no gcd).
pub fn to_decimal(q: &Q) -> Decimal {
    let (n, d) = (q.numer(), q.denom());
    let int_part = n.abs() / d;
    let int_digits = if int_part.is_zero() {
        0
    } else {
        digits(&int_part)
    };
    let scale = 28u32.saturating_sub(int_digits).min(28);
    let scaled = n * BigInt::from(10u8).pow(scale);
    // Round half to even (the fractional part compared with 1/2 does not depend on whether the
    // fraction is reduced).
    let (fl, rem) = scaled.div_mod_floor(d);
    let twice: BigInt = rem * 2;
    let mut r = fl;
    match twice.cmp(d) {
        std::cmp::Ordering::Greater => r += 1,
        std::cmp::Ordering::Equal if r.is_odd() => r += 1,
        _ => {}
    }
    match r.to_i128() {
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
