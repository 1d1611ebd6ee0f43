//! Evaluation throughput, measured (not asserted): the 2014 edition on its shipped example,
//! replicated to more service rows per body (the realistic growth: groups keep ~20 bodies), then
//! to more bodies as well. Prints one line per size.
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
    let mut sizes: Vec<(usize, usize)> = Vec::new();
    let mut f = 1;
    while f <= max * max {
        sizes.push((1, f));
        f *= 4;
    }
    let mut f = 2;
    while f <= max {
        sizes.push((f, f));
        f *= 2;
    }
    for (body_factor, row_factor) in sizes {
        let data = replicate(&base, body_factor, row_factor);
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
    }
    Ok(())
}

/// `body_factor` copies of every body (new ids, same group), each with `row_factor` copies of its
/// rows.
fn replicate(base: &Dataset, body_factor: usize, row_factor: usize) -> Dataset {
    let mut bodies = Vec::new();
    for k in 0..body_factor {
        for b in &base.bodies {
            let mut c = b.clone();
            c.id = format!("{}-{k}", b.id);
            for t in &mut c.tables {
                let rows = t.clone();
                for r in 1..row_factor {
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
