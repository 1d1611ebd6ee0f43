//! `bagalau generate` and `bagalau aggregate`: synthetic raw records, and raw records → a dataset
//! the engine evaluates (issue 13, items 2–5).

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::Ordering;

use anyhow::{bail, Context, Result};
use bagalau_aggregate::{aggregate_blocking, Aggregation, Options, Progress};
use bagalau_raw::days::DayTable;
use bagalau_raw::generate::{
    example_2014, national_2020, write_folder, BodyReport, Channel, Format, Scale,
};

use crate::load_edition;

/// `--scale` of `bagalau generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScaleArg {
    Small,
    Medium,
    National,
}

fn days() -> Result<DayTable> {
    DayTable::embedded().map_err(|e| anyhow::anyhow!("производственный календарь: {e}"))
}

/// The differences planted by `generate --example`: for each listed body, the body's own report
/// of its first connected service in a channel (service, channel, extra late, missing records).
/// A report with zero differences is also written, so the discrepancy report must tell equal
/// copies from different ones.
pub fn example_reports(spec: &bagalau_raw::generate::Spec) -> Vec<BodyReport> {
    let plan: [(&str, Channel, u64, u64); 4] = [
        ("MZSR", Channel::Psc, 2, 0),
        ("MF", Channel::Portal, 0, 5),
        ("akt", Channel::Psc, 1, 1),
        ("MJ", Channel::Portal, 0, 0),
    ];
    let mut out = Vec::new();
    for (body, channel, extra_late, missing) in plan {
        let Some(b) = spec.bodies.iter().find(|b| b.id == body) else {
            continue;
        };
        if let Some(s) = b.services.iter().find(|s| s.connected) {
            out.push(BodyReport {
                body: body.to_string(),
                service: s.code.clone(),
                channel,
                extra_late,
                missing,
            });
        }
    }
    out
}

/// `bagalau generate --period 2020 --scale small|medium|national --out DIR` (or `--records N`;
/// or `--example DATASET` for the 2014 example's bodies).
pub fn generate_command(
    period: i32,
    scale: Option<ScaleArg>,
    records: Option<u64>,
    example: Option<&Path>,
    out: &Path,
    seed: u64,
    csv: bool,
) -> Result<String> {
    let days = days()?;
    let spec = match example {
        Some(dir) => {
            let read = |f: &str| {
                std::fs::read_to_string(dir.join(f))
                    .with_context(|| format!("{}", dir.join(f).display()))
            };
            let mut spec = example_2014(&days, &read("bodies.csv")?, &read("services.csv")?, seed)?;
            spec.body_reports = example_reports(&spec);
            spec
        }
        None => {
            if period != 2020 {
                bail!(
                    "синтетические данные есть только за 2020 год (по итогам годового отчёта об оценке за 2020 год); задан {period}"
                );
            }
            let scale = match (records, scale) {
                (Some(n), _) => Scale::Records(n),
                (None, Some(ScaleArg::Small)) | (None, None) => Scale::Small,
                (None, Some(ScaleArg::Medium)) => Scale::Medium,
                (None, Some(ScaleArg::National)) => Scale::National,
            };
            national_2020(&days, scale, seed)
        }
    };
    let format = if csv { Format::Csv } else { Format::Parquet };
    let w = write_folder(&spec, &days, out, format)?;
    let mut s = format!(
        "Записано в {}: оказаний услуг {}, обращений {}, сбоев {}; органов {}.\n",
        out.display(),
        w.deliveries,
        w.appeals,
        w.failures,
        spec.bodies.len()
    );
    let _ = writeln!(
        s,
        "Анкет опросов услугополучателей: {} (услуг {}).",
        w.surveys,
        spec.surveys.len()
    );
    let _ = writeln!(
        s,
        "Заложенные расхождения ИС «Мониторинг» и отчётов органов (planted.csv): {}.",
        w.planted.len()
    );
    Ok(s)
}

/// Runs the aggregation with a progress line on standard error when the run is long.
pub fn run_aggregation(raw: &Path) -> Result<Aggregation> {
    let opts = Options::default();
    Ok(with_progress(|progress| {
        aggregate_blocking(raw, &opts, progress)
    })?)
}

/// Runs `work` (an aggregation counting its records in the given [`Progress`]) with a progress
/// bar on standard error when it runs longer than two seconds.
pub fn with_progress<T>(work: impl FnOnce(&Progress) -> T) -> T {
    let progress = Progress::default();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let p = progress.clone();
        let done = done.clone();
        std::thread::spawn(move || {
            let mut bar: Option<indicatif::ProgressBar> = None;
            let mut waited = 0u32;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(100));
                waited += 1;
                let expected = p.expected.load(Ordering::Relaxed);
                if waited == 20 && expected > 0 {
                    let b = indicatif::ProgressBar::new(expected);
                    b.set_style(
                        indicatif::ProgressStyle::with_template(
                            "агрегация {bar:40} {pos}/{len} записей ({per_sec}, осталось {eta})",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    );
                    bar = Some(b);
                }
                if let Some(b) = &bar {
                    b.set_position(p.rows.load(Ordering::Relaxed).min(expected));
                }
            }
            if let Some(b) = bar {
                b.finish_and_clear();
            }
        })
    };
    let result = work(&progress);
    done.store(true, Ordering::Relaxed);
    let _ = watcher.join();
    result
}

/// `bagalau aggregate --edition DIR --raw DIR --out DATASET_DIR [--base DATASET_DIR]`.
///
/// The inputs raw records define (the edition's `raw.toml`) replace the
/// columns of the base dataset's `bodies.csv` (the bodies' forms give the rest); the dataset is
/// written to a temporary folder, loaded back with the edition as a final check and renamed.
/// Without `--base`, only the raw inputs (`raw/inputs.csv`) and the reports are written.
pub fn aggregate_command(
    edition: &Path,
    raw: &Path,
    out: &Path,
    base: Option<&Path>,
) -> Result<String> {
    let ed = load_edition(edition)?;
    if ed.raw_inputs.is_empty() {
        bail!(
            "для редакции «{}» не задано, какие показатели берутся из первичных записей: нет файла {}",
            ed.id,
            edition
                .join(bagalau_methodology::raw_inputs::FILE)
                .display()
        );
    }
    if out.exists() {
        bail!("{} уже существует", out.display());
    }
    let mut agg = run_aggregation(raw)?;
    // Questionnaires about a service the base dataset does not list for the body are refused.
    let unlisted = match base {
        Some(base) => bagalau_process::sources::refuse_unlisted_services(&mut agg, base)?,
        None => Vec::new(),
    };
    let tmp = out.with_extension("tmp-aggregate");
    let _ = std::fs::remove_dir_all(&tmp);
    let result = bagalau_process::sources::write_aggregated(&ed, &agg, base, &tmp);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e.into());
    }
    std::fs::rename(&tmp, out).with_context(|| format!("{}", out.display()))?;
    let mut s = bagalau_process::sources::summary_ru(&ed, &agg, "raw/discrepancies.csv", &unlisted);
    let _ = writeln!(s, "Записано в {}.", out.display());
    Ok(s)
}
