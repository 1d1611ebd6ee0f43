//! Evaluation throughput, measured (not asserted): the 2014 edition on its shipped example,
//! replicated to more bodies and more service rows per body. Prints one line per size.
//!
//! `cargo run --release -p bagalau --example bench [-- MAX_FACTOR]`

use std::path::PathBuf;
use std::time::Instant;

use bagalau_engine::Dataset;

fn main() -> anyhow::Result<()> {
    let max: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(16);
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let ed = bagalau_methodology::load(&root.join("methodologies/2014-services"))?;
    let base = bagalau_data::load_dataset(&ed, &root.join("examples/2014-services"))?.dataset;
    println!(
        "{:>8} {:>8} {:>10} {:>12} {:>14}",
        "bodies", "rows", "best, ms", "median, ms", "rows/s (best)"
    );
    let mut factor = 1;
    while factor <= max {
        let data = replicate(&base, factor);
        let bodies = data.bodies.len();
        let rows: usize = data
            .bodies
            .iter()
            .map(|b| b.tables.iter().map(Vec::len).sum::<usize>())
            .sum();
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let out = bagalau_engine::evaluate(&ed, &data)?;
            times.push(t.elapsed());
            std::hint::black_box(out);
        }
        times.sort();
        let best = times[0].as_secs_f64();
        println!(
            "{:>8} {:>8} {:>10.1} {:>12.1} {:>14.0}",
            bodies,
            rows,
            best * 1e3,
            times[times.len() / 2].as_secs_f64() * 1e3,
            rows as f64 / best
        );
        factor *= 2;
    }
    Ok(())
}

/// `factor` copies of every body (new ids, same group), each with `factor` copies of its rows.
fn replicate(base: &Dataset, factor: usize) -> Dataset {
    let mut bodies = Vec::new();
    for k in 0..factor {
        for b in &base.bodies {
            let mut c = b.clone();
            c.id = format!("{}-{k}", b.id);
            for t in &mut c.tables {
                let rows = t.clone();
                for r in 1..factor {
                    t.extend(rows.iter().map(|row| {
                        let mut x = row.clone();
                        x.key = format!("{}-{r}", row.key);
                        x
                    }));
                }
            }
            bodies.push(c);
        }
    }
    Dataset { bodies }
}
