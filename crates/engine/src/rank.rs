//! Ranking within a group: competition ranking ("1, 2, 2, 4") on unrounded scores.

use rust_decimal::Decimal;

/// 1-based ranks, higher score first; exactly equal scores share a rank and the next rank
/// skips accordingly (1, 2, 2, 4). The order of the input is kept.
///
/// Sorted once (O(n log n)): a score's rank is one more than the number of scores above it,
/// which in descending order is the position of the first score equal to it.
pub fn competition_ranks<T: PartialOrd>(scores: &[T]) -> Vec<usize> {
    let desc = |a: &T, b: &T| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal);
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| desc(&scores[a], &scores[b]));
    let mut ranks = vec![0; scores.len()];
    let mut first = 0;
    for (pos, &i) in order.iter().enumerate() {
        if pos > 0 && desc(&scores[order[pos - 1]], &scores[i]).is_ne() {
            first = pos;
        }
        ranks[i] = first + 1;
    }
    ranks
}

/// Exact arithmetic mean; `None` for an empty slice.
pub fn mean(values: &[Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    let sum: Decimal = values.iter().copied().sum();
    sum.checked_div(Decimal::from(values.len()))
}

/// Rounds half away from zero (the school rule used in published tables).
pub fn round_display(v: Decimal, decimals: u32) -> Decimal {
    v.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn ties_share_a_rank() {
        let r = competition_ranks(&[d("90"), d("95.4"), d("95.4"), d("80"), d("90")]);
        assert_eq!(r, vec![3, 1, 1, 5, 3]);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_display(d("69.95"), 1), d("70.0"));
        assert_eq!(round_display(d("69.94999"), 1), d("69.9"));
        assert_eq!(round_display(d("-0.05"), 1), d("-0.1"));
        assert_eq!(round_display(d("40.95"), 2), d("40.95"));
    }

    proptest! {
        #[test]
        fn ranks_are_a_permutation_with_ties(v in proptest::collection::vec(0u32..50, 1..40)) {
            let scores: Vec<Decimal> = v.iter().map(|&x| Decimal::from(x)).collect();
            let ranks = competition_ranks(&scores);
            let n = scores.len();
            for i in 0..n {
                prop_assert!(ranks[i] >= 1 && ranks[i] <= n);
                // Exactly `ranks[i] - 1` bodies are strictly better.
                let better = scores.iter().filter(|s| **s > scores[i]).count();
                prop_assert_eq!(ranks[i], better + 1);
                for j in 0..n {
                    prop_assert_eq!(scores[i] == scores[j], ranks[i] == ranks[j]);
                    if scores[i] > scores[j] { prop_assert!(ranks[i] < ranks[j]); }
                }
            }
            // Sorted ranks form 1, then each rank r repeated c times is followed by r + c.
            let mut sorted = ranks.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted[0], 1);
            let mut i = 0;
            while i < n {
                let r = sorted[i];
                let c = sorted.iter().filter(|&&x| x == r).count();
                i += c;
                if i < n { prop_assert_eq!(sorted[i], r + c); }
            }
        }
    }
}
