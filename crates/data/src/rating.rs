//! `bagalau rating`: ranks published block scores (`body,group,score` and optionally
//! `name,previous_score,previous_rank,tie_order`).
//!
//! `tie_order` exists for published tables whose scores are only known rounded: when two bodies
//! show the same rounded score but the publication ranks them apart (seed 004: МЦРИАП and МТСЭН,
//! both 73,3, ranked 10 and 11), the order among equal scores is taken from `tie_order`
//! (smaller first). Without it, equal scores share a rank.

use std::collections::HashMap;
use std::path::Path;

use bagalau_engine::rank;
use bagalau_methodology::{DegreeBand, Group};
use rust_decimal::Decimal;

use crate::{decimal_cell, read, DataError, Issue};

#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub body: String,
    pub name: Option<String>,
    pub group: Group,
    pub score: Decimal,
    pub previous_score: Option<Decimal>,
    pub previous_rank: Option<usize>,
    pub tie_order: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Up,
    Down,
    Same,
    New,
}

impl Change {
    pub fn code(self) -> &'static str {
        match self {
            Change::Up => "up",
            Change::Down => "down",
            Change::Same => "same",
            Change::New => "new",
        }
    }

    pub fn arrow(self) -> &'static str {
        match self {
            Change::Up => "↗",
            Change::Down => "↘",
            Change::Same => "=",
            Change::New => "-",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rated {
    pub row: ScoreRow,
    pub rank: usize,
    pub group_size: usize,
    pub previous_rank: Option<usize>,
    pub change: Change,
    pub degree: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct GroupAverages {
    pub group: Group,
    pub count: usize,
    pub average: Option<Decimal>,
    pub previous_count: usize,
    pub previous_average: Option<Decimal>,
}

#[derive(Debug, Clone)]
pub struct Rating {
    pub rows: Vec<Rated>,
    pub groups: Vec<GroupAverages>,
    /// Published previous ranks that the previous scores of the same file contradict.
    pub conflicts: Vec<RankConflict>,
}

/// A published previous rank outside the ranks its previous score allows among the group's
/// previous scores (`lo..=hi`: equal scores may be ranked apart by unrounded values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankConflict {
    pub body: String,
    pub group: Group,
    pub previous_score: Decimal,
    pub published: usize,
    pub lo: usize,
    pub hi: usize,
}

const COLUMNS: [&str; 7] = [
    "body",
    "name",
    "group",
    "score",
    "previous_score",
    "previous_rank",
    "tie_order",
];

/// The largest rank or `tie_order` accepted (far above any real group).
pub const MAX_RANK: usize = 1_000_000;

/// Reads the scores CSV, reporting every bad cell (through the strict reader of [`crate::read`]:
/// duplicate or unknown columns, header-only files, encodings and separators are refused).
pub fn read_scores(path: &Path) -> Result<Vec<ScoreRow>, DataError> {
    let (f, mut issues) = read::read_csv(path).map_err(|issues| DataError { issues })?;
    let mk = |row: usize, col: Option<&str>, m: String| Issue {
        file: path.to_path_buf(),
        row,
        column: col.map(str::to_string),
        message: m,
    };
    let hint = format!("; допустимые: {}", COLUMNS.join(", "));
    if !f.check_columns(
        &["body", "group", "score"],
        &|h| COLUMNS.contains(&h),
        &hint,
        &mut issues,
    ) || !issues.is_empty()
    {
        return Err(DataError { issues });
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for rec in &f.rows {
        let line = rec.line;
        let get = |n: &str| f.get(rec, n).to_string();
        let body = get("body");
        if body.is_empty() {
            issues.push(mk(line, Some("body"), "пустой идентификатор органа".into()));
            continue;
        }
        if let Some(first) = seen.get(&body) {
            issues.push(mk(
                line,
                Some("body"),
                format!("орган «{body}» указан дважды (впервые — в строке {first})"),
            ));
            continue;
        }
        seen.insert(body.clone(), line);
        let group = match Group::from_code(&get("group")) {
            Some(g) => g,
            None => {
                issues.push(mk(
                    line,
                    Some("group"),
                    format!("«{}»: ожидается central или local", get("group")),
                ));
                continue;
            }
        };
        let in_range = |name: &str, issues: &mut Vec<Issue>| -> Result<Option<Decimal>, ()> {
            match decimal_cell(&get(name)) {
                Ok(Some(s)) if s >= Decimal::ZERO && s <= Decimal::ONE_HUNDRED => Ok(Some(s)),
                Ok(Some(s)) => {
                    issues.push(mk(
                        line,
                        Some(name),
                        format!("{} вне диапазона [0; 100]", s.normalize()),
                    ));
                    Err(())
                }
                Ok(None) => Ok(None),
                Err(m) => {
                    issues.push(mk(line, Some(name), m));
                    Err(())
                }
            }
        };
        let score = match in_range("score", &mut issues) {
            Ok(Some(s)) => s,
            Ok(None) => {
                issues.push(mk(line, Some("score"), "нет балла".into()));
                continue;
            }
            Err(()) => continue,
        };
        let previous_score = in_range("previous_score", &mut issues).unwrap_or(None);
        let int = |name: &str, issues: &mut Vec<Issue>| -> Option<u32> {
            let s = get(name);
            if s.is_empty() || s == "-" {
                return None;
            }
            match s.parse::<u32>() {
                Ok(v) if (1..=MAX_RANK as u32).contains(&v) => Some(v),
                _ => {
                    issues.push(mk(
                        line,
                        Some(name),
                        format!("«{s}» — ожидается целое число от 1 до {MAX_RANK}"),
                    ));
                    None
                }
            }
        };
        let previous_rank = int("previous_rank", &mut issues).map(|v| v as usize);
        let tie_order = int("tie_order", &mut issues);
        let name = Some(get("name")).filter(|n| !n.is_empty());
        rows.push(ScoreRow {
            body,
            name,
            group,
            score,
            previous_score,
            previous_rank,
            tie_order,
        });
    }
    if issues.is_empty() {
        Ok(rows)
    } else {
        Err(DataError { issues })
    }
}

/// Ranks with the published order among equal scores where given: `a` is ahead of `b` if its
/// score is higher, or the scores are equal and both have a `tie_order` and `a`'s is smaller.
fn ranks(scores: &[(Decimal, Option<u32>)]) -> Vec<usize> {
    scores
        .iter()
        .map(|a| {
            1 + scores
                .iter()
                .filter(|b| {
                    b.0 > a.0 || (b.0 == a.0 && matches!((b.1, a.1), (Some(x), Some(y)) if x < y))
                })
                .count()
        })
        .collect()
}

/// Ranks each group, compares with the previous period, assigns degrees and averages.
pub fn rate(rows: Vec<ScoreRow>, degrees: &[DegreeBand]) -> Rating {
    let mut out: Vec<Rated> = Vec::new();
    let mut groups = Vec::new();
    let mut conflicts = Vec::new();
    for g in Group::ALL {
        let members: Vec<&ScoreRow> = rows.iter().filter(|r| r.group == g).collect();
        if members.is_empty() {
            continue;
        }
        let current = ranks(
            &members
                .iter()
                .map(|r| (r.score, r.tie_order))
                .collect::<Vec<_>>(),
        );
        // Previous ranks: as published, or computed from previous scores.
        let prev_idx: Vec<usize> = (0..members.len())
            .filter(|&i| members[i].previous_score.is_some())
            .collect();
        let prev_scores: Vec<Decimal> = prev_idx
            .iter()
            .filter_map(|&i| members[i].previous_score)
            .collect();
        let computed_prev = rank::competition_ranks(&prev_scores);
        for (k, r) in members.iter().enumerate() {
            let previous_rank = r.previous_rank.or_else(|| {
                prev_idx
                    .iter()
                    .position(|&i| i == k)
                    .map(|p| computed_prev[p])
            });
            let change = match previous_rank {
                None => Change::New,
                Some(p) if p > current[k] => Change::Up,
                Some(p) if p < current[k] => Change::Down,
                Some(_) => Change::Same,
            };
            out.push(Rated {
                row: (*r).clone(),
                rank: current[k],
                group_size: members.len(),
                previous_rank,
                change,
                degree: DegreeBand::find(degrees, r.score),
            });
        }
        for r in &members {
            if let (Some(p), Some(published)) = (r.previous_score, r.previous_rank) {
                let lo = 1 + prev_scores.iter().filter(|&&x| x > p).count();
                let hi = prev_scores.iter().filter(|&&x| x >= p).count();
                if !(lo..=hi).contains(&published) {
                    conflicts.push(RankConflict {
                        body: r.body.clone(),
                        group: g,
                        previous_score: p,
                        published,
                        lo,
                        hi,
                    });
                }
            }
        }
        let scores: Vec<Decimal> = members.iter().map(|r| r.score).collect();
        groups.push(GroupAverages {
            group: g,
            count: members.len(),
            average: checked_mean(&scores),
            previous_count: prev_scores.len(),
            previous_average: checked_mean(&prev_scores),
        });
    }
    out.sort_by(|a, b| a.row.group.cmp(&b.row.group).then(a.rank.cmp(&b.rank)));
    Rating {
        rows: out,
        groups,
        conflicts,
    }
}

/// Arithmetic mean that cannot overflow: exact when the sum fits a decimal, otherwise the sum of
/// the values each divided by the count (rounded at the 28th digit, as every decimal is).
fn checked_mean(values: &[Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    let n = Decimal::from(values.len());
    match values
        .iter()
        .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(*v))
    {
        Some(sum) => sum.checked_div(n),
        None => values
            .iter()
            .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v.checked_div(n)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn tie_order_separates_equal_published_scores() {
        let r = ranks(&[
            (d("73.3"), Some(1)),
            (d("73.3"), Some(2)),
            (d("80"), None),
            (d("70"), None),
        ]);
        assert_eq!(r, vec![2, 3, 1, 4]);
        let r = ranks(&[(d("95.4"), None), (d("95.4"), None), (d("98"), None)]);
        assert_eq!(r, vec![2, 2, 1]);
    }

    #[test]
    fn issue10_means_of_huge_previous_scores_do_not_overflow() {
        let big = d("50000000000000000000000000000");
        assert_eq!(checked_mean(&[big, big]), Some(big));
        assert_eq!(checked_mean(&[d("1"), d("2")]), Some(d("1.5")));
        assert_eq!(checked_mean(&[]), None);
    }
}
