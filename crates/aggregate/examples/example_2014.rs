//! The full-volume check of the 2014 example (the test `raw_records.rs` divides its volumes by
//! 100 to stay fast in a debug build):
//!
//! ```text
//! cargo run --release -p bagalau-aggregate --example example_2014 -- [--dir /work/scratch/raw/ex2014] [--keep]
//! ```
//!
//! Generates raw records for the 32 bodies of `examples/2014-services` at the example's own
//! volumes (≈ 60,6 million deliveries), aggregates them and compares every mapped input of every
//! body with `bodies.csv`. Equal inputs (the other inputs come from the same file with `--base`)
//! mean the evaluation is the example's.

use std::path::{Path, PathBuf};
use std::time::Instant;

use bagalau_aggregate::measures::inputs;
use bagalau_aggregate::{aggregate_blocking, Options, Progress};
use bagalau_raw::days::DayTable;
use bagalau_raw::generate::{example_2014, write_folder, Format};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1))
        .map_or_else(|| PathBuf::from("/work/scratch/raw/ex2014"), PathBuf::from);
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/2014-services");
    let bodies = std::fs::read_to_string(example.join("bodies.csv"))?;
    let services = std::fs::read_to_string(example.join("services.csv"))?;
    let days = DayTable::embedded()?;
    let spec = example_2014(&days, &bodies, &services, 2014)?;
    let t = Instant::now();
    let w = write_folder(&spec, &days, &dir, Format::Parquet)?;
    println!(
        "generated {} deliveries in {:.1} s",
        w.deliveries,
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let agg = aggregate_blocking(&dir, &Options::default(), &Progress::default())?;
    println!(
        "aggregated in {:.1} s; refused {}",
        t.elapsed().as_secs_f64(),
        agg.rejections.total_refused()
    );
    let edition = bagalau_methodology::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../methodologies/2014-services"),
    )?;
    let got = inputs(&agg, &edition.raw_inputs);
    let mut r = csv::Reader::from_reader(bodies.as_bytes());
    let h = r.headers()?.clone();
    let mut compared = 0;
    let mut differ = 0;
    for rec in r.records() {
        let rec = rec?;
        let id = rec.get(0).unwrap_or("");
        let values = got.get(id).ok_or(format!("{id}: no records"))?;
        for (k, r) in edition.raw_inputs.iter().enumerate() {
            // Survey entries come from questionnaires (`surveys.rs`), not this table.
            if r.measure.is_survey() {
                continue;
            }
            let code = r.input.as_str();
            let i = h.iter().position(|c| c == code).ok_or(code)?;
            let want = rec.get(i).unwrap_or("").trim();
            let have = values[k].1.map(|v| v.to_string()).unwrap_or_default();
            compared += 1;
            if want != have {
                differ += 1;
                println!("{id}.{code}: example {want:?}, aggregated {have:?}");
            }
        }
    }
    println!("compared {compared} values of 32 bodies: {differ} differ");
    if !args.iter().any(|a| a == "--keep") {
        std::fs::remove_dir_all(&dir)?;
    }
    if differ > 0 {
        return Err("inputs differ".into());
    }
    Ok(())
}
