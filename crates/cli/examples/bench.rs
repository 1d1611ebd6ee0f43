//! Evaluation throughput, measured (not asserted), on bodies that differ: the 2014 edition over
//! generated datasets (seeded pseudo-random values, ~80 % of services surveyed, every body
//! distinct), for 39, 400, 1 000 and 5 000 bodies × 100 service rows and 39 bodies × 10 000 rows.
//! Each size is written as CSV files (`bodies.csv`, `services.csv`, `dataset.toml`), evaluated
//! in a child process (so that its peak memory, `VmHWM`, is its own) and computed again by an
//! exact independent script (`examples/bench/exact_2014.py`, Python `fractions`, no project
//! code) in the same run; the final scores of both must be equal, fraction for fraction.
//!
//! `cargo run --release -p bagalau --example bench [-- [--no-python] [--sizes 39x100,400x100]]`
//!
//! For profiling: `bench --generate DIR 1000x100` writes one dataset; `bench --child DIR`
//! evaluates it once and prints `eval_cpu_ms eval_wall_ms load_cpu_ms load_wall_ms peak_kb`; with `BENCH_TWICE=1`
//! it evaluates twice (the first evaluation after reading pays for the allocator's state left
//! by the reader), with `BENCH_LOAD_ONLY=1` it also prints the peak memory after reading.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

#[path = "bench/dataset.rs"]
mod dataset;
#[path = "bench/documents.rs"]
mod documents;

use dataset::generate;

const DEFAULT_SIZES: &[(usize, usize)] = &[
    (39, 100),
    (400, 100),
    (1000, 100),
    (5000, 100),
    (39, 10_000),
];

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--documents") {
        return documents::run();
    }
    if args.first().map(String::as_str) == Some("--child") {
        let dir = args.get(1).context("--child DIR")?;
        return child(Path::new(dir));
    }
    if args.first().map(String::as_str) == Some("--generate") {
        // `--generate DIR BODIESxROWS`: only write the dataset (for profiling).
        let dir = Path::new(args.get(1).context("--generate DIR BODIESxROWS")?);
        let (bodies, rows) = *parse_sizes(args.get(2).context("BODIESxROWS")?)?
            .first()
            .context("BODIESxROWS")?;
        std::fs::create_dir_all(dir)?;
        generate(dir, bodies, rows, seed(bodies, rows))?;
        return Ok(());
    }
    let python = !args.iter().any(|a| a == "--no-python");
    let sizes = match args.iter().position(|a| a == "--sizes") {
        Some(i) => parse_sizes(args.get(i + 1).context("--sizes 39x100,400x100")?)?,
        None => DEFAULT_SIZES.to_vec(),
    };
    let work = std::env::temp_dir().join(format!("bagalau-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    print_machine(&args);
    println!(
        "{:>6} {:>6} {:>7} | {:>8} {:>8} {:>8} {:>8} | {:>8} {:>8} {:>9} {:>7} | {:>8} {:>8} {:>8} | {:>6} {:>5}",
        "bodies",
        "rows",
        "all",
        "load cpu",
        "load wal",
        "eval cpu",
        "eval wal",
        "all cpu",
        "all wall",
        "rows/s",
        "peak MB",
        "py cpu",
        "py wall",
        "py all",
        "py/eng",
        "equal"
    );
    let mut evals = Vec::new();
    let mut target = None;
    for &(bodies, rows) in &sizes {
        let dir = work.join(format!("{bodies}x{rows}"));
        std::fs::create_dir_all(&dir)?;
        let total_rows = generate(&dir, bodies, rows, seed(bodies, rows))?;
        let exe = std::env::current_exe()?;
        let out = Command::new(exe).arg("--child").arg(&dir).output()?;
        if !out.status.success() {
            bail!(
                "engine child failed on {bodies}x{rows}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let line = String::from_utf8_lossy(&out.stdout).to_string();
        let f: Vec<f64> = line
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        let (eval_ms, wall_ms, load_cpu_ms, load_ms, peak_kb) = match f.as_slice() {
            [c, e, lc, l, p, ..] => (*c, *e, *lc, *l, *p),
            _ => bail!("unexpected child output: {line}"),
        };
        evals.push((bodies, rows, eval_ms));
        if (bodies, rows) == (39, 10_000) {
            target = Some((load_ms + wall_ms, load_cpu_ms + eval_ms, peak_kb / 1024.0));
        }
        let (py, equal) = if python {
            let t = Instant::now();
            let out = Command::new("python3")
                .arg(root().join("examples/bench/exact_2014.py"))
                .arg(&dir)
                .output()
                .context("python3")?;
            let all_ms = t.elapsed().as_secs_f64() * 1e3;
            if !out.status.success() {
                bail!(
                    "python failed on {bodies}x{rows}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let compute_ms: f64 = text
                .split_whitespace()
                .next()
                .and_then(|x| x.parse().ok())
                .context("python output")?;
            let compute_wall_ms: f64 = text
                .split_whitespace()
                .nth(1)
                .and_then(|x| x.parse().ok())
                .context("python output")?;
            let engine = std::fs::read_to_string(dir.join("engine_scores.csv"))?;
            let exact = std::fs::read_to_string(dir.join("python_scores.csv"))?;
            (Some((compute_ms, compute_wall_ms, all_ms)), engine == exact)
        } else {
            (None, false)
        };
        let mut s = format!(
            "{:>6} {:>6} {:>7} | {:>8.1} {:>8.1} {:>8.1} {:>8.1} | {:>8.1} {:>8.1} {:>9.0} {:>7.1} |",
            bodies,
            rows,
            total_rows,
            load_cpu_ms,
            load_ms,
            eval_ms,
            wall_ms,
            load_cpu_ms + eval_ms,
            load_ms + wall_ms,
            total_rows as f64 / ((load_cpu_ms + eval_ms) / 1e3),
            peak_kb / 1024.0
        );
        match py {
            Some((c, w, a)) => {
                let _ = write!(
                    s,
                    " {:>8.1} {:>8.1} {:>8.1} | {:>6.1} {:>5}",
                    c,
                    w,
                    a,
                    c / eval_ms,
                    if equal { "yes" } else { "NO" }
                );
            }
            None => s.push_str("        —        —        — |      —     —"),
        }
        println!("{s}");
        let _ = std::fs::remove_dir_all(&dir);
    }
    let at = |b: usize| evals.iter().find(|e| e.0 == b && e.1 == 100).map(|e| e.2);
    if let (Some(a), Some(b)) = (at(400), at(5000)) {
        println!(
            "growth 400 → 5 000 bodies: eval CPU time × {:.2} for bodies × 12.5, exponent {:.2} (target ≤ 1.2)",
            b / a,
            (b / a).ln() / 12.5f64.ln()
        );
    }
    if let Some((wall, cpu, mb)) = target {
        println!(
            "39 × 10 000 rows, reading included: {wall:.0} ms wall, {cpu:.0} ms CPU, peak {mb:.1} MB (target < 1 000 ms, < 150 MB)"
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    documents::run()
}

fn seed(bodies: usize, rows: usize) -> u64 {
    0x5eed_2014 ^ (bodies * 7919 + rows) as u64
}

fn parse_sizes(s: &str) -> anyhow::Result<Vec<(usize, usize)>> {
    s.split(',')
        .map(|p| {
            let (b, r) = p.split_once('x').context("size BODIESxROWS")?;
            Ok((b.parse()?, r.parse()?))
        })
        .collect()
}

fn print_machine(args: &[String]) {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim)
        .unwrap_or("?");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let python = Command::new("python3")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("machine: {cores} cores, {model}; {python}");
    println!(
        "command: cargo run --release -p bagalau --example bench{}{}",
        if args.is_empty() { "" } else { " -- " },
        args.join(" ")
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("times in ms; load: reading the edition and the CSV files, eval: evaluate() alone, each as CPU time of the thread");
    println!("and wall time; all: load + eval (reading included); rows/s by all CPU time; peak MB: VmHWM of the engine's");
    println!("process (load + evaluate);");
    println!("py: compute() of examples/bench/exact_2014.py (CPU and wall), py all: the whole script (wall);");
    println!(
        "py/eng: py CPU / eval CPU; equal: the final scores of every body are the same fractions"
    );
}

/// The child: loads the edition and the dataset, evaluates once, writes the final scores and
/// prints `eval_cpu_ms eval_wall_ms load_cpu_ms load_wall_ms peak_kb`.
fn child(dir: &Path) -> anyhow::Result<()> {
    let (t, cpu) = (Instant::now(), cpu_ms());
    let ed = bagalau_methodology::load(&root().join("methodologies/2014-services"))?;
    let data = bagalau_data::load_dataset(&ed, dir)?.dataset;
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let load_cpu_ms = cpu_ms() - cpu;
    if std::env::var_os("BENCH_LOAD_ONLY").is_some() {
        eprintln!("after load: {:.0} MB", peak_kb() / 1024.0);
    }
    if std::env::var_os("BENCH_TWICE").is_some() {
        let (t, cpu) = (Instant::now(), cpu_ms());
        let out = bagalau_engine::evaluate(&ed, &data)?;
        eprintln!(
            "first evaluation: {:.1} ms CPU, {:.1} ms wall",
            cpu_ms() - cpu,
            t.elapsed().as_secs_f64() * 1e3
        );
        let (t, cpu) = (Instant::now(), cpu_ms());
        drop(out);
        eprintln!(
            "dropping it: {:.1} ms CPU, {:.1} ms wall",
            cpu_ms() - cpu,
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let (t, cpu) = (Instant::now(), cpu_ms());
    let out = bagalau_engine::evaluate(&ed, &data)?;
    let eval_ms = t.elapsed().as_secs_f64() * 1e3;
    let eval_cpu_ms = cpu_ms() - cpu;
    let mut s = String::from("body,O\n");
    for b in &out.bodies {
        let _ = writeln!(
            s,
            "{},{}/{}",
            b.id,
            b.score_exact.numer(),
            b.score_exact.denom()
        );
    }
    std::fs::write(dir.join("engine_scores.csv"), s)?;
    println!(
        "{eval_cpu_ms} {eval_ms} {load_cpu_ms} {load_ms} {}",
        peak_kb()
    );
    Ok(())
}

/// Time this thread has spent on a CPU, in milliseconds (`/proc/thread-self/schedstat`, in
/// nanoseconds): unlike wall time it does not count the time other processes of a shared
/// machine held the CPU.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

/// The peak resident memory of this process so far (`VmHWM`), in KiB.
fn peak_kb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|x| x.parse().ok())
        .unwrap_or(0.0)
}
