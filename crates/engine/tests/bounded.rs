//! Bounded work: an edition whose values each square the previous one (`v2 = v1 * v1`, …)
//! must finish quickly — with its values, or with a clear Russian evaluation error naming the
//! value whose number grew beyond the engine's limit — never hang.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bagalau_engine::{evaluate, BodyData, Dataset, Value};
use bagalau_methodology::Group;
use rust_decimal::Decimal;

/// The `mini` fixture with `n` chained values `sq1 = measures + 1.5`, `sqK = sq(K-1) * sq(K-1)`,
/// written to a fresh folder.
fn squaring_edition(n: usize) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let dir = std::env::temp_dir().join(format!("bagalau-squares-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    for f in std::fs::read_dir(&src).unwrap_or_else(|e| panic!("{e}")) {
        let f = f.unwrap_or_else(|e| panic!("{e}"));
        std::fs::copy(f.path(), dir.join(f.file_name())).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut values =
        std::fs::read_to_string(dir.join("values.toml")).unwrap_or_else(|e| panic!("{e}"));
    for k in 1..=n {
        let formula = if k == 1 {
            "measures + 1.5".to_string()
        } else {
            format!("sq{} * sq{}", k - 1, k - 1)
        };
        values.push_str(&format!(
            "\n[[value]]\ncode = \"sq{k}\"\nname = \"Квадрат {k}\"\nformula = \"{formula}\"\nref = \"тест\"\nstatus = \"verbatim\"\n"
        ));
    }
    std::fs::write(dir.join("values.toml"), values).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn body(ed: &bagalau_methodology::Edition, id: &str, group: Group) -> BodyData {
    let mut values = vec![None; ed.inputs.len()];
    for (i, inp) in ed.inputs.iter().enumerate() {
        if inp.table.is_none() {
            values[i] = match inp.code.as_str() {
                "survey" => None,
                "population" if group == Group::Central => None,
                _ => Some(Value::Num(Decimal::from(3))),
            };
        }
    }
    BodyData {
        id: id.into(),
        name: id.into(),
        group,
        values,
        tables: vec![Vec::new(); ed.tables.len()],
    }
}

type Run = (
    bagalau_methodology::Edition,
    Duration,
    Result<bagalau_engine::Outcome, bagalau_engine::eval::EvalError>,
);

fn run(n: usize) -> Run {
    let dir = squaring_edition(n);
    let ed = bagalau_methodology::load(&dir).unwrap_or_else(|e| panic!("edition: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    let data = Dataset {
        bodies: vec![
            body(&ed, "A", Group::Central),
            body(&ed, "B", Group::Central),
            body(&ed, "L", Group::Local),
        ],
    };
    let t = Instant::now();
    let out = evaluate(&ed, &data);
    let time = t.elapsed();
    (ed, time, out)
}

#[test]
fn twelve_squarings_are_computed_exactly() {
    let (ed, time, out) = run(12);
    let out = out.unwrap_or_else(|e| panic!("{e}"));
    assert!(time < Duration::from_secs(5), "{time:?}");
    // sq12 = 4.5^(2^11), exact.
    let n = out.computed.steps[0]
        .iter()
        .find_map(|s| match &s.value {
            Some(bagalau_engine::eval::V::Num(q)) if Some(s.node) == ed.node("sq12") => Some(q),
            _ => None,
        })
        .unwrap_or_else(|| panic!("sq12 computed"));
    assert_eq!(n.denom(), &num_bigint::BigInt::from(2u8).pow(2048));
}

#[test]
fn fourteen_squarings_finish_quickly() {
    let (_, time, out) = run(14);
    assert!(out.is_ok(), "{:?}", out.err());
    assert!(time < Duration::from_secs(5), "{time:?}");
}

#[test]
fn eighteen_squarings_finish_quickly_with_a_clear_error() {
    for n in [18, 24] {
        let (_, time, out) = run(n);
        assert!(time < Duration::from_secs(10), "{n} squarings: {time:?}");
        eprintln!("{n} squarings: {time:?}");
        let err = match out {
            Ok(_) => panic!("{n} squarings: the numbers exceed the limit, an error is expected"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("sq"), "{err}");
        assert!(err.contains("слишком"), "{err}");
    }
}

/// Rows are sized to their table, and a row whose numbers fit a machine word (packed) evaluates
/// exactly like one holding the same numbers with 20 decimals (too long for a word: kept wide).
#[test]
fn packed_and_wide_rows_evaluate_the_same() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let ed = bagalau_methodology::load(&dir).unwrap_or_else(|e| panic!("edition: {e}"));
    let t = 0;
    let bodies = || Dataset {
        bodies: vec![
            body(&ed, "A", Group::Central),
            body(&ed, "B", Group::Central),
            body(&ed, "L", Group::Local),
        ],
    };
    let (mut packed, mut wide) = (bodies(), bodies());
    for k in 0..packed.bodies.len() {
        for r in 0..5 {
            let mut values = vec![None; ed.inputs.len()];
            let mut long = vec![None; ed.inputs.len()];
            for (i, inp) in ed.inputs.iter().enumerate() {
                if inp.table == Some(t) {
                    let (v, l) = match inp.code.as_str() {
                        "item_counted" => {
                            let b = Value::Bool((r + k) % 3 != 0);
                            (b, b)
                        }
                        _ => {
                            let d = Decimal::from(10 * r + 7 * k);
                            let mut l = d;
                            l.rescale(20);
                            (Value::Num(d), Value::Num(l))
                        }
                    };
                    values[i] = Some(v);
                    long[i] = Some(l);
                }
            }
            let key = format!("r{r}");
            let row = bagalau_engine::Row::from_inputs(&ed, t, key.as_str(), "", &values);
            assert!(row.len() < ed.inputs.len());
            assert_eq!(row.values(), bagalau_engine::Row::compact(&ed, t, &values));
            packed.bodies[k].tables[t].push(row);
            wide.bodies[k].tables[t].push(bagalau_engine::Row::from_inputs(
                &ed,
                t,
                key.as_str(),
                "",
                &long,
            ));
        }
    }
    let a = evaluate(&ed, &packed).unwrap_or_else(|e| panic!("{e}"));
    let b = evaluate(&ed, &wide).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.computed.exact, b.computed.exact);
    assert_eq!(a.computed.row_values, b.computed.row_values);
}
