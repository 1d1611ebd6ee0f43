//! The engine's working number: an exact fraction held in two machine words while it fits
//! (numerator and denominator in `i64`, reduced, denominator positive), and as a big fraction
//! ([`Q`], `num-rational` over `num-bigint`) otherwise. Operations on two small numbers are done
//! in 128-bit integers, which cannot overflow (a product of two `i64` fits, and so does the sum
//! of two such products), and the result drops back to the big path only if it no longer fits in
//! 64 bits. Results are the same fractions either way: a reduced fraction with a positive
//! denominator is unique (checked by property tests against `num-rational`).

use crate::exact::gcd_u128;
use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

use crate::exact::{self, Q};

/// Equality is of the representation, which is unique: a value that fits is always `S`.
#[derive(Debug, Clone, PartialEq)]
pub enum N {
    /// `numerator / denominator`, reduced, denominator > 0.
    S(i64, i64),
    /// Anything that does not fit in two `i64` (boxed: a number is then three words, not
    /// eight, which matters for the per-row values of large tables).
    B(Box<Q>),
}

/// `n / d` reduced; `d > 0`.
fn reduced(n: i128, d: i128) -> N {
    if d == 1 {
        return match i64::try_from(n) {
            Ok(n) => N::S(n, 1),
            Err(_) => N::B(Box::new(Q::from_integer(BigInt::from(n)))),
        };
    }
    let g = i128::try_from(gcd_u128(n.unsigned_abs(), d.unsigned_abs()))
        .unwrap_or(1)
        .max(1);
    let (n, d) = (n / g, d / g);
    match (i64::try_from(n), i64::try_from(d)) {
        (Ok(n), Ok(d)) => N::S(n, d),
        _ => N::B(Box::new(Q::new_raw(BigInt::from(n), BigInt::from(d)))),
    }
}

impl N {
    pub fn from_q(q: Q) -> N {
        match (q.numer().to_i64(), q.denom().to_i64()) {
            (Some(n), Some(d)) => N::S(n, d),
            _ => N::B(Box::new(q)),
        }
    }

    pub fn of(q: &Q) -> N {
        match (q.numer().to_i64(), q.denom().to_i64()) {
            (Some(n), Some(d)) => N::S(n, d),
            _ => N::B(Box::new(q.clone())),
        }
    }

    pub fn from_int(i: i64) -> N {
        N::S(i, 1)
    }

    /// The exact fraction of a decimal (see [`exact::from_decimal`]).
    pub fn from_decimal(d: Decimal) -> N {
        let m = d.mantissa();
        if m == 0 {
            return N::S(0, 1);
        }
        // The usual case: the mantissa fits in 64 bits (machine-word division only).
        if let Ok(mut m) = i64::try_from(m) {
            let mut twos = d.scale();
            let tz = m.trailing_zeros().min(twos);
            m >>= tz; // exact: m is a multiple of 2^tz
            twos -= tz;
            let mut fives = d.scale();
            while fives > 0 && m % 5 == 0 {
                m /= 5;
                fives -= 1;
            }
            if let Some(den) = 2i64
                .checked_pow(twos)
                .zip(5i64.checked_pow(fives))
                .and_then(|(a, b)| a.checked_mul(b))
            {
                return N::S(m, den);
            }
            return N::B(Box::new(exact::from_decimal(d)));
        }
        let mut m = m;
        let (mut twos, mut fives) = (d.scale(), d.scale());
        while twos > 0 && m % 2 == 0 {
            m /= 2;
            twos -= 1;
        }
        while fives > 0 && m % 5 == 0 {
            m /= 5;
            fives -= 1;
        }
        let den = 2i64
            .checked_pow(twos)
            .zip(5i64.checked_pow(fives))
            .and_then(|(a, b)| a.checked_mul(b));
        match (i64::try_from(m), den) {
            (Ok(m), Some(den)) => N::S(m, den),
            _ => N::B(Box::new(exact::from_decimal(d))),
        }
    }

    /// The big fraction (allocates for a small number).
    pub fn q(&self) -> Q {
        match self {
            N::S(n, d) => Q::new_raw(BigInt::from(*n), BigInt::from(*d)),
            N::B(q) => (**q).clone(),
        }
    }

    pub fn into_q(self) -> Q {
        match self {
            N::S(n, d) => Q::new_raw(BigInt::from(n), BigInt::from(d)),
            N::B(q) => *q,
        }
    }

    pub fn is_zero(&self) -> bool {
        match self {
            N::S(n, _) => *n == 0,
            N::B(q) => q.is_zero(),
        }
    }

    pub fn neg(&self) -> N {
        match self {
            N::S(n, d) => match n.checked_neg() {
                Some(n) => N::S(n, *d),
                None => N::from_q(-self.q()),
            },
            N::B(q) => N::from_q(-&**q),
        }
    }

    pub fn abs(&self) -> N {
        match self {
            N::S(n, _) if *n >= 0 => self.clone(),
            N::B(q) if !q.is_negative() => self.clone(),
            _ => self.neg(),
        }
    }
}

/// `a + b`.
pub fn add(a: &N, b: &N) -> N {
    match (a, b) {
        (N::S(an, ad), N::S(bn, bd)) => {
            let (an, ad, bn, bd) = (*an as i128, *ad as i128, *bn as i128, *bd as i128);
            if ad == bd {
                reduced(an + bn, ad)
            } else {
                reduced(an * bd + bn * ad, ad * bd)
            }
        }
        _ => N::from_q(exact::add(&a.q(), &b.q())),
    }
}

/// `a - b`.
pub fn sub(a: &N, b: &N) -> N {
    match (a, b) {
        (N::S(an, ad), N::S(bn, bd)) => {
            let (an, ad, bn, bd) = (*an as i128, *ad as i128, *bn as i128, *bd as i128);
            if ad == bd {
                reduced(an - bn, ad)
            } else {
                reduced(an * bd - bn * ad, ad * bd)
            }
        }
        _ => N::from_q(exact::sub(&a.q(), &b.q())),
    }
}

/// `a · b`.
pub fn mul(a: &N, b: &N) -> N {
    match (a, b) {
        (N::S(an, ad), N::S(bn, bd)) => {
            reduced(*an as i128 * *bn as i128, *ad as i128 * *bd as i128)
        }
        _ => N::from_q(exact::mul(&a.q(), &b.q())),
    }
}

/// `a / b`; `None` when `b` is zero.
pub fn div(a: &N, b: &N) -> Option<N> {
    if b.is_zero() {
        return None;
    }
    Some(match (a, b) {
        (N::S(an, ad), N::S(bn, bd)) => {
            let (n, d) = (*an as i128 * *bd as i128, *ad as i128 * *bn as i128);
            if d < 0 {
                reduced(-n, -d)
            } else {
                reduced(n, d)
            }
        }
        _ => N::from_q(exact::div(&a.q(), &b.q())?),
    })
}

pub fn cmp(a: &N, b: &N) -> Ordering {
    match (a, b) {
        (N::S(an, ad), N::S(bn, bd)) => {
            (*an as i128 * *bd as i128).cmp(&(*bn as i128 * *ad as i128))
        }
        (N::B(x), N::B(y)) => exact::cmp(x, y),
        _ => exact::cmp(&a.q(), &b.q()),
    }
}

/// See [`exact::check_size`]; small numbers never reach the limit.
pub fn check_size(a: &N, b: &N) -> Result<(), String> {
    match (a, b) {
        (N::S(..), _) | (_, N::S(..)) => Ok(()),
        (N::B(x), N::B(y)) => exact::check_size(x, y),
    }
}
