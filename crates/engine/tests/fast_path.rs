//! The machine-word fast path of `engine::exact` gives the same reduced fractions as the
//! big-integer arithmetic of `num-rational`, for small, large and overflowing operands; the tree
//! sum equals the one-by-one sum; `to_decimal` by integer division equals the fraction-arithmetic
//! definition it replaced.

use bagalau_engine::exact::{self, Q};
use bagalau_engine::num::{self, N};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Numerators and denominators around the 64-bit boundary as well as small ones.
fn int() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        (-1000i64..1000).prop_map(BigInt::from),
        any::<i64>().prop_map(BigInt::from),
        (any::<i64>(), any::<u64>()).prop_map(|(a, b)| BigInt::from(a) * BigInt::from(b)),
        Just(BigInt::from(i64::MAX)),
        Just(BigInt::from(i64::MIN)),
        Just(BigInt::from(i64::MIN) - 1),
    ]
}

fn q() -> impl Strategy<Value = Q> {
    (int(), int()).prop_map(|(n, d)| {
        let d = if d.is_zero() { BigInt::one() } else { d };
        Q::new(n, d)
    })
}

fn same(a: &Q, b: &Q) -> bool {
    a.numer() == b.numer() && a.denom() == b.denom()
}

/// The definition of `to_decimal` before it was computed by integer division.
fn to_decimal_reference(q: &Q) -> Decimal {
    let int_digits = if q.abs() >= Q::one() {
        q.abs().to_integer().to_string().len() as u32
    } else {
        0
    };
    let scale = 28u32.saturating_sub(int_digits).min(28);
    let scaled = q * Q::from_integer(BigInt::from(10u8).pow(scale));
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn operations_equal_big_fractions(a in q(), b in q()) {
        prop_assert!(same(&exact::add(&a, &b), &(&a + &b)));
        prop_assert!(same(&exact::sub(&a, &b), &(&a - &b)));
        prop_assert!(same(&exact::mul(&a, &b), &(&a * &b)));
        match exact::div(&a, &b) {
            None => prop_assert!(b.is_zero()),
            Some(r) => prop_assert!(same(&r, &(&a / &b))),
        }
        prop_assert_eq!(exact::cmp(&a, &b), a.cmp(&b));
        // The evaluator's two-word numbers, from small and big fractions alike.
        let (x, y) = (N::of(&a), N::of(&b));
        prop_assert!(same(&num::add(&x, &y).into_q(), &(&a + &b)));
        prop_assert!(same(&num::sub(&x, &y).into_q(), &(&a - &b)));
        prop_assert!(same(&num::mul(&x, &y).into_q(), &(&a * &b)));
        match num::div(&x, &y) {
            None => prop_assert!(b.is_zero()),
            Some(r) => prop_assert!(same(&r.into_q(), &(&a / &b))),
        }
        prop_assert_eq!(num::cmp(&x, &y), a.cmp(&b));
        prop_assert!(same(&x.neg().into_q(), &-&a));
        prop_assert!(same(&x.abs().into_q(), &a.abs()));
        prop_assert_eq!(x.is_zero(), a.is_zero());
    }

    #[test]
    fn tree_sum_equals_sequential_sum(xs in proptest::collection::vec(q(), 0..40)) {
        let seq = xs.iter().fold(Q::zero(), |a, b| a + b);
        prop_assert!(same(&exact::sum(xs.iter()), &seq));
    }

    #[test]
    fn to_decimal_equals_reference(a in q()) {
        prop_assert_eq!(exact::to_decimal(&a), to_decimal_reference(&a));
    }

    #[test]
    fn from_decimal_is_the_reduced_fraction(m in any::<i64>(), scale in 0u32..=28) {
        let d = Decimal::new(m, scale);
        let want = Q::new(BigInt::from(m), BigInt::from(10u8).pow(scale));
        prop_assert!(same(&exact::from_decimal(d), &want));
        prop_assert!(same(&N::from_decimal(d).into_q(), &want));
    }
}
