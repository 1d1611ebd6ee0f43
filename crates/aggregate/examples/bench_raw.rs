//! Benchmark of the raw-record aggregation against DuckDB on the same Parquet files.
//!
//! ```text
//! cargo run --release -p bagalau-aggregate --example bench_raw -- --records 20000000 \
//!     [--dir /work/scratch/raw/bench-20m] [--keep] [--no-duckdb]
//! ```
//!
//! Generates the records once (seed 004's shapes over the 39 bodies of 2020, Parquet), then runs
//! the aggregation in a child process (so its peak memory is its own), then
//! `examples/bench/duckdb_raw.py` — the same query in DuckDB: the same record rules, the same
//! working-day deadline (calendar tables joined), the same failure windows, the same grouping —
//! in a virtual environment it creates (`pip install duckdb`). Both print a digest of their
//! grouped result; the bench checks they are equal and prints wall time, rows/s, peak memory,
//! the ratio and the machine. Data are deleted afterwards unless `--keep`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use bagalau_aggregate::{
    context, deliveries_plan, parquet_rows, udf::RecordCodes, udf::Windows, Options,
};
use bagalau_raw::days::DayTable;
use bagalau_raw::generate::{national_2020, write_folder, Format, Scale};
use bagalau_raw::schema::Table;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cpu}, {} CPU, {} GB RAM, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        mem / 1024 / 1024,
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// A digest of the grouped result that does not depend on row order or on the engine: the rows
/// `body|service|channel|source|connected|code|n`, sorted, hashed with FNV-1a.
fn digest(mut rows: Vec<String>) -> (usize, String) {
    rows.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for r in &rows {
        for b in r.bytes().chain(std::iter::once(b'\n')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (rows.len(), format!("{h:016x}"))
}

/// The child: aggregate the deliveries of `dir`, print `rows wall_s peak_kb groups digest`.
fn child(dir: &Path) -> Result<()> {
    use arrow::array::{Array, AsArray};
    let start = Instant::now();
    let opts = Options::default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(opts.partitions)
        .build()?;
    let days = std::sync::Arc::new(DayTable::embedded()?);
    let rows_counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let batches = rt.block_on(async {
        // Failure windows: the small table, read whole.
        let failures = bagalau_raw::read_parquet(Table::Failures, &dir.join("failures.parquet"))?;
        let mut windows = Windows::default();
        for b in &failures.batches {
            let system = arrow::compute::cast(b.column(1), &arrow::datatypes::DataType::Utf8)?;
            let system = system.as_string::<i32>();
            let s = b
                .column(2)
                .as_primitive::<arrow::datatypes::TimestampSecondType>();
            let e = b
                .column(3)
                .as_primitive::<arrow::datatypes::TimestampSecondType>();
            for i in 0..b.num_rows() {
                windows.add(system.value(i), s.value(i), e.value(i));
            }
        }
        let udf = datafusion::logical_expr::ScalarUDF::from(RecordCodes::new(
            Table::Deliveries,
            days.clone(),
            std::sync::Arc::new(windows),
            rows_counter.clone(),
        ));
        let ctx = context(&opts);
        let path = dir.join("deliveries.parquet");
        let mut rejections = bagalau_raw::Rejections::default();
        let df = bagalau_aggregate::frame(
            &ctx,
            &path,
            Table::Deliveries,
            &mut rejections,
            &bagalau_aggregate::Progress::default(),
        )
        .await?;
        let df = deliveries_plan(df, &udf)?;
        let out: Vec<arrow::array::RecordBatch> = df.collect().await?;
        Ok::<_, Box<dyn std::error::Error>>(out)
    })?;
    let wall = start.elapsed().as_secs_f64();
    let mut lines = Vec::new();
    for b in &batches {
        let s = |i: usize| -> Result<Vec<String>> {
            let a = arrow::compute::cast(b.column(i), &arrow::datatypes::DataType::Utf8)?;
            let a = a.as_string::<i32>();
            Ok((0..a.len())
                .map(|r| {
                    if a.is_null(r) {
                        String::new()
                    } else {
                        a.value(r).to_string()
                    }
                })
                .collect())
        };
        let (body, service) = (s(0)?, s(1)?);
        let key = b.column(2).as_primitive::<arrow::datatypes::UInt32Type>();
        let n = b.column(3).as_primitive::<arrow::datatypes::Int64Type>();
        for r in 0..b.num_rows() {
            let key = key.value(r);
            let code = key & 0xFFFF;
            // A refused record is counted by reason only (its channel, source and connection
            // empty), in both engines.
            let (channel, source, connected) = bagalau_aggregate::udf::decode_delivery_key(key)
                .filter(|_| code & u32::from(bagalau_aggregate::udf::REASON_MASK) == 0)
                .map_or(("", "", String::new()), |(c, s, k)| (c, s, k.to_string()));
            lines.push(format!(
                "{}|{}|{channel}|{source}|{connected}|{code}|{}",
                body[r],
                service[r],
                n.value(r)
            ));
        }
    }
    let rows = rows_counter.load(std::sync::atomic::Ordering::Relaxed);
    let (groups, d) = digest(lines);
    println!("{rows} {wall:.3} {} {groups} {d}", peak_rss_kb());
    Ok(())
}

fn ensure_venv(root: &Path) -> Result<PathBuf> {
    let venv = root.join("venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()?
            .success();
        if !ok {
            return Err("python3 -m venv failed".into());
        }
    }
    let have = Command::new(&python)
        .args(["-c", "import duckdb"])
        .status()?
        .success();
    if !have {
        let ok = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "duckdb"])
            .status()?
            .success();
        if !ok {
            return Err("pip install duckdb failed".into());
        }
    }
    Ok(python)
}

fn main() -> Result<()> {
    if let Some(dir) = arg("--child") {
        return child(Path::new(&dir));
    }
    let records: u64 = arg("--records").map_or(Ok(20_000_000), |s| s.parse())?;
    let root = PathBuf::from("/work/scratch/raw");
    let dir = arg("--dir").map_or_else(|| root.join(format!("bench-{records}")), PathBuf::from);
    let days = DayTable::embedded()?;
    let file = dir.join("deliveries.parquet");
    let spec = national_2020(&days, Scale::Records(records), 2020);
    let planned: u64 = spec
        .bodies
        .iter()
        .flat_map(|b| b.channels.iter())
        .map(|c| c.connected.total + c.other.total)
        .sum();
    if !file.exists() {
        let t = Instant::now();
        let w = write_folder(&spec, &days, &dir, Format::Parquet)?;
        println!(
            "generated {} deliveries ({} planned + bodies' own reports) in {:.1} s, {:.0} MB Parquet",
            w.deliveries,
            planned,
            t.elapsed().as_secs_f64(),
            std::fs::metadata(&file)?.len() as f64 / 1e6
        );
    }
    let rows = parquet_rows(&file)?;
    println!("machine: {}", machine());
    println!("data: {} ({rows} delivery records)", dir.display());
    let exe = std::env::current_exe()?;
    let runs: usize = arg("--runs").map_or(Ok(3), |s| s.parse())?;
    let mut best: Option<(f64, u64, String)> = None;
    for _ in 0..runs {
        let out = Command::new(&exe).arg("--child").arg(&dir).output()?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
        }
        let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let f: Vec<&str> = line.split_whitespace().collect();
        let (wall, peak) = (f[1].parse::<f64>()?, f[2].parse::<u64>()?);
        println!(
            "datafusion: {wall:.3} s, {:.1} M rows/s, peak {:.0} MB, groups {}, digest {}",
            rows as f64 / wall / 1e6,
            peak as f64 / 1024.0,
            f[3],
            f[4]
        );
        if best.as_ref().is_none_or(|b| wall < b.0) {
            best = Some((wall, peak, f[4].to_string()));
        }
    }
    let (df_wall, df_peak, df_digest) = best.ok_or("no run")?;
    if !flag("--no-duckdb") {
        let python = ensure_venv(&root)?;
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/bench/duckdb_raw.py");
        // The calendar as ordinals for DuckDB's tables: one line per day
        // `unix_day cumulative_working_days is_working`.
        let cal = dir.join("calendar.txt");
        let mut text = String::new();
        for d in 0..days.len() as u32 {
            text.push_str(&format!(
                "{} {} {}\n",
                days.unix_day(d),
                days.cumulative(d).unwrap_or(0),
                u8::from(days.is_working(d))
            ));
        }
        std::fs::write(&cal, text)?;
        let mut best_duck: Option<(f64, u64, String)> = None;
        for _ in 0..runs {
            let out = Command::new(&python).arg(&script).arg(&dir).output()?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
            }
            let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let f: Vec<&str> = line.split_whitespace().collect();
            let (wall, peak) = (f[1].parse::<f64>()?, f[2].parse::<u64>()?);
            println!(
                "duckdb:     {wall:.3} s, {:.1} M rows/s, peak {:.0} MB, groups {}, digest {}",
                rows as f64 / wall / 1e6,
                peak as f64 / 1024.0,
                f[3],
                f[4]
            );
            if best_duck.as_ref().is_none_or(|b| wall < b.0) {
                best_duck = Some((wall, peak, f[4].to_string()));
            }
        }
        let (dk_wall, dk_peak, dk_digest) = best_duck.ok_or("no run")?;
        println!(
            "best of {runs}: datafusion {df_wall:.3} s / {:.0} MB, duckdb {dk_wall:.3} s / {:.0} MB; time ratio datafusion/duckdb = {:.2}, memory ratio = {:.2}; results {}",
            df_peak as f64 / 1024.0,
            dk_peak as f64 / 1024.0,
            df_wall / dk_wall,
            df_peak as f64 / dk_peak as f64,
            if df_digest == dk_digest { "identical" } else { "DIFFER" }
        );
        if df_digest != dk_digest {
            return Err("DataFusion and DuckDB results differ".into());
        }
    }
    if !flag("--keep") {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}
