//! Property tests of the engine: random datasets over a small synthetic edition
//! (`tests/fixtures/mini`) and over the real 2014 edition, checking the invariants every
//! evaluation must keep: competition ranks within groups, criteria within [0, max], penalties
//! within their caps, final scores within [0, 100], a degree for every score, and
//! monotonicity of criteria in a body's own favourable inputs.

use std::path::Path;
use std::sync::OnceLock;

use bagalau_engine::{evaluate, BodyData, CriterionScore, Dataset, Outcome, Row, Value};
use bagalau_methodology::expr::Expr;
use bagalau_methodology::{Edition, Group, Input, InputType, NodeBody, NodeRole};
use proptest::prelude::*;
use proptest::sample::Index;
use rust_decimal::Decimal;

fn mini() -> &'static Edition {
    static ED: OnceLock<Edition> = OnceLock::new();
    ED.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
        bagalau_methodology::load(&dir).unwrap_or_else(|e| panic!("mini edition must load: {e}"))
    })
}

fn real() -> &'static Edition {
    static ED: OnceLock<Edition> = OnceLock::new();
    ED.get_or_init(|| {
        let dir = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../methodologies/2014-services"
        ));
        bagalau_methodology::load(dir).unwrap_or_else(|e| panic!("2014 edition must load: {e}"))
    })
}

fn input(ed: &Edition, code: &str) -> usize {
    ed.inputs
        .iter()
        .position(|i| i.code == code)
        .unwrap_or_else(|| panic!("no input {code}"))
}

fn num(n: i64) -> Option<Value> {
    Some(Value::Num(Decimal::from(n)))
}

// ----- Invariants ------------------------------------------------------------------------

fn walk_criteria<'a>(cs: &'a [CriterionScore], out: &mut Vec<&'a CriterionScore>) {
    for c in cs {
        out.push(c);
        walk_criteria(&c.children, out);
    }
}

/// Checks the invariants of an outcome; returns a description of the first violation.
fn check_invariants(ed: &Edition, data: &Dataset, out: &Outcome) -> Result<(), String> {
    if out.bodies.len() != data.bodies.len() {
        return Err("outcome has a different number of bodies".into());
    }
    let hundred = Decimal::ONE_HUNDRED;
    for (b, bo) in out.bodies.iter().enumerate() {
        // Final score within [0, 100] and a degree that contains it.
        if bo.score < Decimal::ZERO || bo.score > hundred {
            return Err(format!(
                "body {}: score {} outside [0, 100]",
                bo.id, bo.score
            ));
        }
        // The band holds the score as the edition takes it for degrees (rounded to
        // `rounding.degree_decimals` when set, as published).
        let as_taken = match ed.rounding.degree_decimals {
            Some(n) => bo
                .score
                .round_dp_with_strategy(n, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
            None => bo.score,
        };
        match bo.degree {
            Some(d) if ed.degrees[d].range.contains(as_taken) => {}
            other => {
                return Err(format!(
                    "body {}: degree {other:?} does not contain score {}",
                    bo.id, bo.score
                ))
            }
        }
        // Every criterion (and sub-criterion) within [0, max].
        let mut all = Vec::new();
        walk_criteria(&bo.criteria, &mut all);
        if all.is_empty() {
            return Err(format!("body {}: no criteria", bo.id));
        }
        for c in all {
            if c.score < Decimal::ZERO || c.score > c.max {
                return Err(format!(
                    "body {}: criterion {} = {} outside [0, {}]",
                    bo.id, ed.nodes[c.node].code, c.score, c.max
                ));
            }
        }
        // Penalties within [0, cap].
        for (n, node) in ed.nodes.iter().enumerate() {
            if let NodeBody::Penalty { cap, .. } = &node.body {
                if !out.computed.applicable[b][n] {
                    continue;
                }
                let v = out.computed.values[b][n]
                    .and_then(Value::as_num)
                    .ok_or_else(|| format!("body {}: penalty {} has no value", bo.id, node.code))?;
                if v < Decimal::ZERO || cap.is_some_and(|c| v > c) {
                    return Err(format!(
                        "body {}: penalty {} = {v} outside [0, {cap:?}]",
                        bo.id, node.code
                    ));
                }
            }
        }
        if let (Some(p), Some(pn)) = (bo.penalties, ed.result.penalties) {
            if let NodeBody::Penalty { cap: Some(cap), .. } = &ed.nodes[pn].body {
                if p > *cap {
                    return Err(format!("body {}: penalties {p} above cap {cap}", bo.id));
                }
            }
        }
    }
    // Ranks: a competition ranking of the final scores within each group.
    for g in Group::ALL {
        let members: Vec<&bagalau_engine::BodyOutcome> =
            out.bodies.iter().filter(|b| b.group == g).collect();
        let key = |s: Decimal| match ed.rounding.rank_decimals {
            Some(dp) => bagalau_engine::rank::round_display(s, dp),
            None => s,
        };
        for a in &members {
            let better = members
                .iter()
                .filter(|o| key(o.score) > key(a.score))
                .count();
            if a.rank != better + 1 {
                return Err(format!(
                    "body {}: rank {} but {better} bodies of its group score strictly better",
                    a.id, a.rank
                ));
            }
            if a.group_size != members.len() {
                return Err(format!(
                    "body {}: group_size {} != {}",
                    a.id,
                    a.group_size,
                    members.len()
                ));
            }
            for o in &members {
                if (key(a.score) == key(o.score)) != (a.rank == o.rank) {
                    return Err(format!(
                        "bodies {} and {}: equal scores must share a rank",
                        a.id, o.id
                    ));
                }
            }
        }
        let summary = out.groups.iter().find(|s| s.group == g);
        match (members.is_empty(), summary) {
            (true, None) => {}
            (false, Some(s)) if s.count == members.len() => {}
            _ => return Err(format!("group summary for {} is wrong", g.code())),
        }
    }
    Ok(())
}

/// Whether a node's value depends (transitively) on other bodies: group functions, min-max
/// scaling or the correction spread.
fn uses_group_functions(ed: &Edition, node: usize) -> bool {
    fn expr_has(e: &Expr) -> bool {
        match e {
            Expr::Call(f, args, _) => {
                matches!(
                    f.as_str(),
                    "group_mean"
                        | "group_min"
                        | "group_max"
                        | "group_sum"
                        | "group_count"
                        | "minmax"
                        | "spread"
                ) || args.iter().any(expr_has)
            }
            Expr::Unary(_, a) => expr_has(a),
            Expr::Binary(_, a, b) => expr_has(a) || expr_has(b),
            _ => false,
        }
    }
    let mut stack = vec![node];
    let mut seen = vec![false; ed.nodes.len()];
    while let Some(n) = stack.pop() {
        if std::mem::replace(&mut seen[n], true) {
            continue;
        }
        let direct = match &ed.nodes[n].body {
            NodeBody::Formula(fs) => fs.iter().any(|f| expr_has(&f.expr)),
            NodeBody::Penalty { items, .. } => items.iter().any(|i| expr_has(&i.facts)),
        };
        if direct {
            return true;
        }
        stack.extend(ed.nodes[n].deps.iter().copied());
    }
    false
}

/// Criterion scores of one body by node index.
fn criterion_scores(ed: &Edition, out: &Outcome, b: usize) -> Vec<(usize, Decimal)> {
    (0..ed.nodes.len())
        .filter(|&n| ed.nodes[n].role == NodeRole::Criterion && out.computed.applicable[b][n])
        .filter_map(|n| {
            out.computed.values[b][n]
                .and_then(Value::as_num)
                .map(|v| (n, v))
        })
        .collect()
}

/// Improving body `b` (by `improve`) must not lower any of its criteria that use no group
/// function.
fn check_monotone(
    ed: &Edition,
    data: &Dataset,
    b: usize,
    improve: impl Fn(&mut BodyData),
) -> Result<(), TestCaseError> {
    let before = evaluate(ed, data).map_err(|e| TestCaseError::fail(format!("evaluate: {e}")))?;
    let mut better = data.clone();
    improve(&mut better.bodies[b]);
    let after =
        evaluate(ed, &better).map_err(|e| TestCaseError::fail(format!("evaluate after: {e}")))?;
    check_invariants(ed, &better, &after).map_err(TestCaseError::fail)?;
    let old = criterion_scores(ed, &before, b);
    let new = criterion_scores(ed, &after, b);
    let mut checked = 0;
    for ((n, o), (n2, v)) in old.iter().zip(&new) {
        prop_assert_eq!(n, n2);
        if uses_group_functions(ed, *n) {
            continue;
        }
        checked += 1;
        prop_assert!(
            v >= o,
            "body {}: criterion {} fell from {} to {} after an improvement",
            data.bodies[b].id,
            ed.nodes[*n].code,
            o,
            v
        );
    }
    prop_assert!(checked > 0, "no criterion was checked for monotonicity");
    Ok(())
}

// ----- The synthetic edition -------------------------------------------------------------

#[derive(Debug, Clone)]
struct MiniBody {
    measures: i64,
    violations: i64,
    survey: Option<i64>, // tenths
    load: i64,
    population: i64,
    late_reports: i64,
    errors_found: i64,
    errors_excused: i64,
    items: Vec<(i64, bool)>, // quality in tenths, counted
}

fn mini_body() -> impl Strategy<Value = MiniBody> {
    (
        (
            0i64..40,
            0i64..40,
            proptest::option::of(0i64..=100),
            0i64..1000,
            1i64..500,
        ),
        (0i64..30, 0i64..200, 0i64..200),
        proptest::collection::vec((0i64..=1000, any::<bool>()), 0..5),
    )
        .prop_map(
            |(
                (measures, violations, survey, load, population),
                (late_reports, errors_found, errors_excused),
                items,
            )| MiniBody {
                measures,
                violations,
                survey,
                load,
                population,
                late_reports,
                errors_found,
                errors_excused,
                items,
            },
        )
}

fn mini_dataset_from(central: &[MiniBody], local: &[MiniBody]) -> Dataset {
    let ed = mini();
    let ni = ed.inputs.len();
    let mut bodies = Vec::new();
    for (g, list) in [(Group::Central, central), (Group::Local, local)] {
        for (k, m) in list.iter().enumerate() {
            let mut values = vec![None; ni];
            values[input(ed, "measures")] = num(m.measures);
            values[input(ed, "violations")] = num(m.violations);
            values[input(ed, "survey")] = m.survey.map(|s| Value::Num(Decimal::new(s, 1)));
            values[input(ed, "load")] = num(m.load);
            if g == Group::Local {
                values[input(ed, "population")] = num(m.population);
            }
            values[input(ed, "late_reports")] = num(m.late_reports);
            values[input(ed, "errors_found")] = num(m.errors_found);
            values[input(ed, "errors_excused")] = num(m.errors_excused);
            let rows = m
                .items
                .iter()
                .enumerate()
                .map(|(r, &(q, counted))| {
                    let mut v = vec![None; ni];
                    v[input(ed, "item_quality")] = Some(Value::Num(Decimal::new(q, 1)));
                    v[input(ed, "item_counted")] = Some(Value::Bool(counted));
                    Row::from_inputs(ed, 0, format!("r{r}"), format!("строка {r}"), &v)
                })
                .collect();
            bodies.push(BodyData {
                id: format!("{}{k}", g.code()),
                name: format!("орган {} {k}", g.code()),
                group: g,
                values,
                tables: vec![rows],
            });
        }
    }
    Dataset { bodies }
}

/// 1..=`max` central and 1..=`max` local bodies.
fn mini_dataset(max: usize) -> impl Strategy<Value = Dataset> {
    (
        proptest::collection::vec(mini_body(), 1..=max),
        proptest::collection::vec(mini_body(), 1..=max),
    )
        .prop_map(|(c, l)| mini_dataset_from(&c, &l))
}

#[test]
fn mini_edition_loads_and_evaluates_a_hand_checked_case() {
    let ed = mini();
    let body = |measures, violations, survey, load| MiniBody {
        measures,
        violations,
        survey,
        load,
        population: 10,
        late_reports: 30, // 9 points before the cap of 5
        errors_found: 0,
        errors_excused: 0,
        items: vec![(800, true), (400, false)],
    };
    // Central: c0 — 10 measures / 20 violations, survey 8.0; c1 — no violations, no survey.
    let data = mini_dataset_from(
        &[body(10, 20, Some(80), 100), body(0, 0, None, 300)],
        &[body(1, 1, Some(50), 50)],
    );
    let out = evaluate(ed, &data).expect("evaluate");
    check_invariants(ed, &data, &out).unwrap();
    let v = |b: usize, code: &str| {
        out.computed.values[b][ed.node(code).unwrap()]
            .and_then(Value::as_num)
            .unwrap()
    };
    // C1 = min(30, 30 · 10 / 20) = 15; C1 of c1 = 30 (no violations).
    assert_eq!(v(0, "C1"), Decimal::from(15));
    assert_eq!(v(1, "C1"), Decimal::from(30));
    // C2: c0 = 3 · 8 = 24; c1 has no survey → 3 · group mean (8.0) = 24.
    assert_eq!(v(0, "C2"), Decimal::from(24));
    assert_eq!(v(1, "C2"), Decimal::from(24));
    // C3_1: mean of counted rows only: 80 / 4 = 20. C3_2 = 15 − 0.5 · 20 = 5.
    assert_eq!(v(0, "C3_1"), Decimal::from(20));
    assert_eq!(v(0, "C3_2"), Decimal::from(5));
    // Penalty capped at 5.
    assert_eq!(v(0, "PENALTY"), Decimal::from(5));
    // Correction: c1 has the highest load → 1.10 (the only body at or above the mean); c0 → 1.
    assert_eq!(v(1, "PC"), Decimal::new(110, 2));
    assert_eq!(v(0, "PC"), Decimal::ONE);
    // Local group of one: k_control for local = 20: min(30, 20 · 1 / 1) = 20.
    assert_eq!(v(2, "C1"), Decimal::from(20));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mini_invariants(data in mini_dataset(12)) {
        let ed = mini();
        let out = evaluate(ed, &data).map_err(|e| TestCaseError::fail(format!("evaluate: {e}")))?;
        check_invariants(ed, &data, &out).map_err(TestCaseError::fail)?;
    }

}

// Monotonicity evaluates every case twice: fewer cases and smaller groups keep it fast (the
// criteria it checks use no group function, so group size does not matter to them).
const MONOTONE_MAX_BODIES: usize = 6;

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn mini_more_measures_never_lower_own_criteria(data in mini_dataset(MONOTONE_MAX_BODIES), who in any::<Index>(), delta in 1i64..20) {
        let ed = mini();
        let b = who.index(data.bodies.len());
        let i = input(ed, "measures");
        check_monotone(ed, &data, b, |body| {
            let Some(Value::Num(m)) = body.values[i] else { unreachable!() };
            body.values[i] = Some(Value::Num(m + Decimal::from(delta)));
        })?;
    }

    #[test]
    fn mini_fewer_violations_never_lower_own_criteria(data in mini_dataset(MONOTONE_MAX_BODIES), who in any::<Index>(), delta in 1i64..20) {
        let ed = mini();
        let b = who.index(data.bodies.len());
        let i = input(ed, "violations");
        check_monotone(ed, &data, b, |body| {
            let Some(Value::Num(v)) = body.values[i] else { unreachable!() };
            body.values[i] = Some(Value::Num((v - Decimal::from(delta)).max(Decimal::ZERO)));
        })?;
    }

    #[test]
    fn mini_better_rows_never_lower_own_criteria(data in mini_dataset(MONOTONE_MAX_BODIES), who in any::<Index>(), delta in 1i64..300) {
        let ed = mini();
        let b = who.index(data.bodies.len());
        let i = input(ed, "item_quality");
        check_monotone(ed, &data, b, |body| {
            let k = bagalau_engine::eval::table_slots(ed)[i].expect("a row input");
            for row in &mut body.tables[0] {
                let Some(Value::Num(q)) = row.slot(k) else { unreachable!() };
                row.set(k, Some(Value::Num((q + Decimal::new(delta, 1)).min(Decimal::ONE_HUNDRED))));
            }
        })?;
    }
}

// ----- The real 2014 edition -------------------------------------------------------------

/// A random value respecting the input's type, min/max and optionality.
fn input_value(inp: &Input) -> BoxedStrategy<Option<Value>> {
    let lo = inp.min.unwrap_or(Decimal::ZERO);
    let v: BoxedStrategy<Value> = match inp.ty {
        InputType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        InputType::Integer => {
            let lo = i64::try_from(lo.trunc().mantissa()).unwrap_or(0);
            let hi = inp
                .max
                .map(|m| i64::try_from(m.trunc().mantissa()).unwrap_or(lo + 300))
                .unwrap_or(lo + 300);
            (lo..=hi).prop_map(|n| Value::Num(Decimal::from(n))).boxed()
        }
        InputType::Number => {
            // Tenths within [min, max] (or [min, min + 300]).
            let lo10 = i64::try_from((lo * Decimal::TEN).trunc().mantissa()).unwrap_or(0);
            let hi10 = inp
                .max
                .map(|m| {
                    i64::try_from((m * Decimal::TEN).trunc().mantissa()).unwrap_or(lo10 + 3000)
                })
                .unwrap_or(lo10 + 3000);
            (lo10..=hi10)
                .prop_map(|n| Value::Num(Decimal::new(n, 1)))
                .boxed()
        }
    };
    if inp.optional {
        proptest::option::weighted(0.6, v).boxed()
    } else {
        v.prop_map(Some).boxed()
    }
}

/// Values for the inputs of `table` (or body-level inputs for `None`) applicable to `g`.
fn input_values(
    ed: &'static Edition,
    g: Group,
    table: Option<usize>,
) -> impl Strategy<Value = Vec<Option<Value>>> {
    let strategies: Vec<BoxedStrategy<Option<Value>>> = ed
        .inputs
        .iter()
        .map(|inp| {
            if inp.table == table && inp.applies.kind_allowed(g) {
                input_value(inp)
            } else {
                Just(None).boxed()
            }
        })
        .collect();
    strategies
}

/// Body-level input values and, per table, the rows' input values.
type RawBody = (Vec<Option<Value>>, Vec<Vec<Vec<Option<Value>>>>);

fn real_body(ed: &'static Edition, g: Group) -> impl Strategy<Value = RawBody> {
    let tables: Vec<_> = (0..ed.tables.len())
        .map(|t| proptest::collection::vec(input_values(ed, g, Some(t)), 0..4))
        .collect();
    (input_values(ed, g, None), tables)
}

/// A row with every applicable input of the table at its minimum (false for bools), with the
/// given overrides.
fn filler_row(ed: &Edition, g: Group, t: usize, overrides: &[(&str, Value)]) -> Row {
    let mut values: Vec<Option<Value>> = ed
        .inputs
        .iter()
        .map(|inp| {
            (inp.table == Some(t) && inp.applies.kind_allowed(g)).then(|| match inp.ty {
                InputType::Bool => Value::Bool(false),
                _ => Value::Num(inp.min.unwrap_or(Decimal::ZERO)),
            })
        })
        .collect();
    for (code, v) in overrides {
        values[input(ed, code)] = Some(*v);
    }
    Row::from_inputs(ed, t, "filler", "добавленная строка", &values)
}

/// 1..=`max` central and 1..=`max` local bodies.
fn real_dataset(max: usize) -> impl Strategy<Value = Dataset> {
    let ed = real();
    (
        proptest::collection::vec(real_body(ed, Group::Central), 1..=max),
        proptest::collection::vec(real_body(ed, Group::Local), 1..=max),
    )
        .prop_map(move |(c, l)| {
            let mut bodies = Vec::new();
            for (g, list) in [(Group::Central, c), (Group::Local, l)] {
                for (k, (values, tables)) in list.into_iter().enumerate() {
                    let tables = tables
                        .into_iter()
                        .enumerate()
                        .map(|(t, rows)| {
                            rows.into_iter()
                                .enumerate()
                                .map(|(r, values)| {
                                    Row::from_inputs(
                                        ed,
                                        t,
                                        format!("s{r}"),
                                        format!("услуга {r}"),
                                        &values,
                                    )
                                })
                                .collect()
                        })
                        .collect();
                    bodies.push(BodyData {
                        id: format!("{}{k}", g.code()),
                        name: format!("орган {} {k}", g.code()),
                        group: g,
                        values,
                        tables,
                    });
                }
            }
            ensure_monitored(ed, &mut bodies);
            Dataset { bodies }
        })
}

/// The 2014 edition falls back to the group mean of satisfaction and informedness (п.27); if
/// no body of a group was monitored at all there is nothing to fall back to and the edition
/// cannot score K4/M2/K5.1/M3.1 (see `real_edition_needs_one_monitored_body_per_group`).
/// Random data therefore gets one monitored service in the first body of each group.
fn ensure_monitored(ed: &Edition, bodies: &mut [BodyData]) {
    let t = ed
        .tables
        .iter()
        .position(|t| t.code == "services")
        .expect("services table");
    let slots = bagalau_engine::eval::table_slots(ed);
    for g in Group::ALL {
        for code in ["satisfaction", "informedness"] {
            let i = input(ed, code);
            let monitored = bodies
                .iter()
                .filter(|b| b.group == g)
                .any(|b| b.tables[t].iter().any(|r| r.value(ed, &slots, i).is_some()));
            if !monitored {
                if let Some(first) = bodies.iter_mut().find(|b| b.group == g) {
                    let row = filler_row(ed, g, t, &[(code, Value::Num(Decimal::new(85, 1)))]);
                    first.tables[t].push(row);
                }
            }
        }
    }
}

#[test]
fn real_edition_needs_one_monitored_body_per_group() {
    // Documents the current behaviour: with no monitored service in a group, the group-mean
    // fallback has no value and the evaluation stops with an error naming the criterion.
    let ed = real();
    let g = Group::Central;
    let mut values: Vec<Option<Value>> = vec![None; ed.inputs.len()];
    for (i, inp) in ed.inputs.iter().enumerate() {
        if inp.table.is_none() && inp.applies.kind_allowed(g) && !inp.optional {
            values[i] = Some(match inp.ty {
                InputType::Bool => Value::Bool(false),
                _ => Value::Num(inp.min.unwrap_or(Decimal::ZERO)),
            });
        }
    }
    let data = Dataset {
        bodies: vec![BodyData {
            id: "c0".into(),
            name: "орган".into(),
            group: g,
            values,
            tables: vec![Vec::new(); ed.tables.len()],
        }],
    };
    let err = evaluate(ed, &data).expect_err("no monitored body: K4 has no value");
    assert_eq!(err.body, "c0");
    assert!(["K4", "K5_P1"].contains(&err.node.as_str()), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn real_edition_invariants(data in real_dataset(12)) {
        let ed = real();
        let out = evaluate(ed, &data).map_err(|e| TestCaseError::fail(format!("evaluate: {e}")))?;
        check_invariants(ed, &data, &out).map_err(TestCaseError::fail)?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn real_edition_more_control_measures_never_lower_own_criteria(
        data in real_dataset(MONOTONE_MAX_BODIES), who in any::<Index>(), delta in 1i64..50,
    ) {
        let ed = real();
        let b = who.index(data.bodies.len());
        let i = input(ed, "control_measures");
        check_monotone(ed, &data, b, |body| {
            let Some(Value::Num(m)) = body.values[i] else { unreachable!() };
            body.values[i] = Some(Value::Num(m + Decimal::from(delta)));
        })?;
    }

    #[test]
    fn real_edition_fewer_violations_never_lower_own_criteria(
        data in real_dataset(MONOTONE_MAX_BODIES), who in any::<Index>(), delta in 1i64..50,
    ) {
        let ed = real();
        let b = who.index(data.bodies.len());
        let late = input(ed, "body_late_reported");
        let viol = input(ed, "standard_violations");
        check_monotone(ed, &data, b, |body| {
            for i in [late, viol] {
                let Some(Value::Num(v)) = body.values[i] else { unreachable!() };
                body.values[i] = Some(Value::Num((v - Decimal::from(delta)).max(Decimal::ZERO)));
            }
        })?;
    }
}
