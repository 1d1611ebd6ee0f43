//! Documents throughput, measured (not asserted): the conclusions of a cycle as PDF — 39 bodies
//! × the 3 directions of the 2018 edition (`methodologies/2018-interaction`) = 117 documents —
//! written by `report conclusion --direction all --format pdf --out-dir` (the library function
//! the command calls, so one browser session for the whole command), on synthetic bodies that
//! differ: the seven bodies of `examples/2018-interaction` (four central, three local) repeated,
//! each copy with pseudo-random values (parts of a whole only decreased, so every check holds).
//!
//! Also printed: the same 117 documents as HTML (building the documents alone), and a few
//! documents printed the old way, one browser started per document, for comparison.
//!
//! `cargo run --release -p bagalau --example bench -- --documents` (this part only).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use bagalau::documents::{conclusion_command, DocFormat, DocLang, Output, RunArgs};

const BODIES: usize = 39;

/// Columns that are a part of another column (or a count that may only fall): decreased by up to
/// a fifth, never increased, so that «part ≤ whole» holds in every copy.
const PARTS: &[&str] = &[
    "svc_late",
    "svc_kinds_portal",
    "svc_kinds_psc",
    "std_optimised",
    "cmp_late",
    "cmp_repeat_justified",
    "cmp_satisfied",
    "od_published",
    "od_requests_answered",
    "od_sets_updated",
    "blog_answered",
    "conferences",
    "polls",
    "nla_published",
    "nla_comments_answered",
    "cfs_forms_published",
    "bud_reports_on_time",
    "audit_published",
    "bud_programs_posted",
    "bud_comments_answered",
];

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Writes `bodies.csv` and `dataset.toml` of `BODIES` synthetic bodies into `dir`.
pub fn generate(dir: &Path) -> anyhow::Result<()> {
    let example = root().join("examples/2018-interaction");
    let text = std::fs::read_to_string(example.join("bodies.csv"))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .context("bodies.csv header")?
        .split(',')
        .collect();
    let templates: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    if templates.is_empty() {
        bail!("examples/2018-interaction/bodies.csv has no bodies");
    }
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (id, name) = (col("id").context("id")?, col("name").context("name")?);
    let satisfaction = col("svc_satisfaction");
    let parts: Vec<usize> = PARTS.iter().filter_map(|p| col(p)).collect();
    let only_for_one: Vec<usize> = ["rb_report_published"]
        .iter()
        .filter_map(|p| col(p))
        .collect();
    let mut rng = Rng(0x2018_0117);
    let mut out = header.join(",");
    out.push('\n');
    for k in 0..BODIES {
        let mut row: Vec<String> = templates[k % templates.len()]
            .iter()
            .map(|c| c.to_string())
            .collect();
        // Inputs that apply to one body by its id (the budget report: MF only) stay with the
        // first copy, which keeps the id; the others leave them empty.
        if k >= templates.len() {
            for c in only_for_one.iter().copied() {
                row[c].clear();
            }
            row[id] = format!("b{:02}", k + 1);
        }
        row[name] = format!("Орган № {} (условные данные)", k + 1);
        for &c in &parts {
            if let Ok(v) = row[c].parse::<u64>() {
                row[c] = (v - rng.below(v / 5 + 1)).to_string();
            }
        }
        if let Some(c) = satisfaction {
            if let Ok(v) = row[c].parse::<f64>() {
                let tenths = (v * 10.0).round() as u64;
                row[c] = format!("{:.1}", (tenths - rng.below(150).min(tenths)) as f64 / 10.0);
            }
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    std::fs::write(dir.join("bodies.csv"), out)?;
    std::fs::write(
        dir.join("dataset.toml"),
        "title = \"Синтетический набор: 39 органов\"\nperiod = 2018\nedition = \"2018-interaction\"\n",
    )?;
    Ok(())
}

/// Clock ticks per second of `/proc/*/stat` times (`USER_HZ`, 100 on Linux).
const TICKS: f64 = 100.0;

/// CPU seconds (user + system) of a process from its `/proc/PID/stat`.
fn cpu_of(stat: &str) -> f64 {
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the name.
    let tick = |k: usize| f.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / TICKS
}

/// CPU seconds of this process so far.
fn own_cpu() -> f64 {
    cpu_of(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default())
}

/// Samples, every 50 ms until stopped, the CPU time of every process whose environment mentions
/// `needle` (the browser and its helpers: their `HOME` is inside the run's temporary folder) and
/// returns the sum of the last value seen per process, in seconds.
struct Sampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<f64>,
}

impl Sampler {
    fn start(needle: String) -> Sampler {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut seen: std::collections::HashMap<String, f64> = Default::default();
            loop {
                let last = flag.load(Ordering::Relaxed);
                for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
                    let pid = e.file_name().to_string_lossy().into_owned();
                    if !pid.bytes().all(|b| b.is_ascii_digit()) {
                        continue;
                    }
                    let environ = std::fs::read(e.path().join("environ")).unwrap_or_default();
                    if !String::from_utf8_lossy(&environ).contains(&needle) {
                        continue;
                    }
                    let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
                    let slot = seen.entry(pid).or_insert(0.0);
                    *slot = slot.max(cpu_of(&stat));
                }
                if last {
                    return seen.values().sum();
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        });
        Sampler { stop, handle }
    }

    fn finish(self) -> f64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.join().unwrap_or(0.0)
    }
}

fn conclusions(data: &Path, out: &Path, format: DocFormat) -> anyhow::Result<(f64, usize)> {
    let edition = root().join("methodologies/2018-interaction");
    let args = RunArgs {
        edition: &edition,
        data,
        body: None,
        format,
        lang: DocLang::Ru,
        output: Output {
            out: None,
            out_dir: Some(out.to_path_buf()),
        },
    };
    std::fs::create_dir_all(out)?;
    let started = Instant::now();
    conclusion_command(&args, Some("all"), None)?;
    let seconds = started.elapsed().as_secs_f64();
    let files = std::fs::read_dir(out)?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == format.ext()))
        .count();
    Ok((seconds, files))
}

/// Generates the data, writes the 117 conclusions as HTML and as PDF, prints the times.
pub fn run() -> anyhow::Result<()> {
    let work = std::env::temp_dir().join(format!("bagalau-bench-docs-{}", std::process::id()));
    let data = work.join("data");
    std::fs::create_dir_all(&data)?;
    generate(&data)?;
    println!();
    println!(
        "documents: conclusions of methodologies/2018-interaction, {BODIES} synthetic bodies × every direction"
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (html_s, html_n) = conclusions(&data, &work.join("html"), DocFormat::Html)?;
    println!("HTML: {html_n} documents in {html_s:.2} s wall (building and writing the documents)");
    let Some(chromium) = bagalau_office::find_chromium() else {
        println!("PDF: SKIPPED — Chromium not found (apt-get install chromium)");
        let _ = std::fs::remove_dir_all(&work);
        return Ok(());
    };
    let version = std::process::Command::new(&chromium)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("browser: {version}");
    // The browser's temporary folders go under this run's own folder, so that its processes
    // can be told from any other browser on the machine.
    let tmp = work.join("t");
    std::fs::create_dir_all(&tmp)?;
    std::env::set_var("TMPDIR", &tmp);
    let sampler = Sampler::start(tmp.to_string_lossy().into_owned());
    let cpu_before = own_cpu();
    let (pdf_s, pdf_n) = conclusions(&data, &work.join("pdf"), DocFormat::Pdf)?;
    let own = own_cpu() - cpu_before;
    let browser = sampler.finish();
    println!(
        "PDF: {pdf_n} documents in {pdf_s:.2} s wall ({:.0} ms per document; one browser session)",
        pdf_s * 1e3 / pdf_n.max(1) as f64
    );
    println!(
        "PDF CPU: {:.2} s = bagalau {own:.2} s + Chromium {browser:.2} s (sampled every 50 ms); \
         on 2 idle cores at least {:.1} s",
        own + browser,
        (own + browser) / 2.0
    );
    // The old way for comparison: one browser started per document, for a few documents.
    let mut htmls: Vec<PathBuf> = std::fs::read_dir(work.join("html"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    htmls.sort();
    let sample: Vec<PathBuf> = htmls.into_iter().take(4).collect();
    let started = Instant::now();
    for path in &sample {
        let html = std::fs::read_to_string(path)?;
        bagalau_office::html_to_pdf(&html)?;
    }
    let each = started.elapsed().as_secs_f64() / sample.len().max(1) as f64;
    println!(
        "PDF, one browser per document ({} documents): {:.0} ms per document, × {pdf_n} ≈ {:.1} s",
        sample.len(),
        each * 1e3,
        each * pdf_n as f64
    );
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}
