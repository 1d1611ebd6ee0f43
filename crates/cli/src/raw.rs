//! `bagalau generate` and `bagalau aggregate`: synthetic raw records, and raw records → a dataset
//! the engine evaluates (issue 13, items 2–5).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use anyhow::{bail, Context, Result};
use bagalau_aggregate::measures::{discrepancies, inputs, per_service};
use bagalau_aggregate::surveys::{
    body_inputs, body_value, refuse_unknown_services, service_inputs, service_value,
    unused_respondents, Mean,
};
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
    let progress = Progress::default();
    let opts = Options::default();
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
    let result = aggregate_blocking(raw, &opts, &progress);
    done.store(true, Ordering::Relaxed);
    let _ = watcher.join();
    Ok(result?)
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The reports written beside the dataset (`raw/`): discrepancies, per-service counts, refusals.
fn write_reports(dir: &Path, agg: &Aggregation) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut d = String::from("body,service,channel,is_total,is_late,body_total,body_late\n");
    for x in discrepancies(agg) {
        let _ = writeln!(
            d,
            "{},{},{},{},{},{},{}",
            csv_cell(&x.body),
            csv_cell(&x.service),
            x.channel,
            x.is_total,
            x.is_late,
            x.body_total,
            x.body_late
        );
    }
    std::fs::write(dir.join("discrepancies.csv"), d)?;
    let mut p = String::from(
        "body,service,channel,source,connected,total,late,failure,failure_late,in_progress,one_day,one_day_late\n",
    );
    for (k, c) in per_service(agg) {
        let _ = writeln!(
            p,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_cell(&k.body),
            csv_cell(&k.service),
            k.channel,
            k.source,
            k.connected,
            c.total,
            c.late,
            c.failure,
            c.failure_late,
            c.in_progress,
            c.one_day,
            c.one_day_late
        );
    }
    std::fs::write(dir.join("per_service.csv"), p)?;
    let mut v = String::from(
        "body,service,kind,scale,respondents,satisfaction_answers,satisfaction_sum,informedness_answers,informedness_sum,satisfied_answers,satisfied\n",
    );
    for (k, c) in &agg.surveys {
        let _ = writeln!(
            v,
            "{},{},{},{},{},{},{},{},{},{},{}",
            csv_cell(&k.body),
            csv_cell(&k.service),
            k.kind,
            k.scale,
            c.respondents,
            c.satisfaction_answers,
            c.satisfaction_sum,
            c.informedness_answers,
            c.informedness_sum,
            c.satisfied_answers,
            c.satisfied
        );
    }
    std::fs::write(dir.join("surveys.csv"), v)?;
    std::fs::write(dir.join("rejections.txt"), agg.rejections.text_ru())?;
    Ok(())
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
    let map = &ed.raw_inputs;
    if map.is_empty() {
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
    let surveyed = bagalau_raw::read::table_file(raw, bagalau_raw::Table::Surveys).is_some();
    // Questionnaires about a service the base dataset does not list for the body are refused.
    let mut unknown_services = Vec::new();
    if let (true, Some(base)) = (surveyed, base) {
        if base.join("services.csv").is_file() {
            let known = service_pairs(&base.join("services.csv"))?;
            unknown_services =
                refuse_unknown_services(&mut agg.surveys, &mut agg.rejections, &known);
        }
    }
    let values = inputs(&agg, map);
    let tmp = out.with_extension("tmp-aggregate");
    let _ = std::fs::remove_dir_all(&tmp);
    let result = write_dataset(&ed, &agg, &values, base, &tmp, surveyed);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).with_context(|| format!("{}", out.display()))?;
    let mut s = agg.rejections.text_ru();
    let _ = writeln!(
        s,
        "Органов в записях: {}; показателей из первичных записей: {} ({}).",
        values.len(),
        map.len(),
        map.iter()
            .map(|r| r.input.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "Расхождений отчётов органов с ИС «Мониторинг»: {} (raw/discrepancies.csv).",
        discrepancies(&agg).len()
    );
    if surveyed {
        let _ = writeln!(
            s,
            "Анкет опросов принято: {}; услуг с анкетами: {} (raw/surveys.csv).",
            agg.surveys.values().map(|c| c.respondents).sum::<u64>(),
            agg.surveys.len()
        );
    }
    let unused = unused_respondents(&agg.surveys, &ed.id);
    if unused > 0 {
        let _ = writeln!(
            s,
            "Анкет, которые редакция «{}» не использует (другой вид опроса или другая шкала): {unused}.",
            ed.id
        );
    }
    if !unknown_services.is_empty() {
        let list: Vec<String> = unknown_services
            .iter()
            .map(|(b, sv)| format!("{b}/{sv}"))
            .collect();
        let _ = writeln!(
            s,
            "Отклонены анкеты об услугах, которых нет в перечне услуг органа: {}.",
            list.join(", ")
        );
    }
    let _ = writeln!(s, "Записано в {}.", out.display());
    Ok(s)
}

/// `raw/survey_inputs.csv`: every per-body survey input of the edition for every body with
/// questionnaires — the exact value as a fraction and, when it terminates, as a decimal.
fn write_survey_report(edition: &str, agg: &Aggregation, dir: &Path) -> Result<()> {
    let mut text = String::from("body,input,exact,decimal\n");
    let bodies: std::collections::BTreeSet<&str> =
        agg.surveys.keys().map(|k| k.body.as_str()).collect();
    for body in bodies {
        for (code, m) in body_inputs(edition) {
            if let Some(v) = body_value(&agg.surveys, body, *m) {
                let _ = writeln!(
                    text,
                    "{},{code},{},{}",
                    csv_cell(body),
                    v.fraction(),
                    v.decimal().unwrap_or_default()
                );
            }
        }
    }
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("survey_inputs.csv"), text)?;
    Ok(())
}

/// (body, service) of every row of a per-service table.
fn service_pairs(path: &Path) -> Result<std::collections::BTreeSet<(String, String)>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("{}", path.display()))?;
    let header = reader.headers()?.clone();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: нет столбца {name}", path.display()))
    };
    let (ib, is) = (at("body")?, at("service")?);
    let mut out = std::collections::BTreeSet::new();
    for rec in reader.records() {
        let rec = rec?;
        out.insert((
            rec.get(ib).unwrap_or("").to_string(),
            rec.get(is).unwrap_or("").to_string(),
        ));
    }
    Ok(out)
}

/// A mean as the dataset writes it: a terminating decimal, or an error naming it (the editions
/// set no rounding for survey scores, so none is rounded silently).
fn mean_cell(m: Option<Mean>, what: &str, unwritable: &mut Vec<String>) -> String {
    match m {
        None => String::new(),
        Some(m) => m.decimal().unwrap_or_else(|| {
            unwritable.push(format!("{what} = {}", m.fraction()));
            String::new()
        }),
    }
}

/// The survey inputs (per service: [`service_inputs`], matched by body and service code in the
/// dataset's `services.csv`; per body: [`body_inputs`] in `bodies.csv`) replace the base
/// dataset's columns in the folder being written. Only when the raw folder has a survey table:
/// otherwise the bodies' forms give them.
fn write_survey_inputs(edition: &str, agg: &Aggregation, tmp: &Path) -> Result<()> {
    let mut unwritable = Vec::new();
    let per_service = service_inputs(edition);
    let services = tmp.join("services.csv");
    if !per_service.is_empty() && services.is_file() {
        let mut reader = csv::Reader::from_path(&services)?;
        let header = reader.headers()?.clone();
        let at = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .with_context(|| format!("services.csv базового набора: нет столбца {name}"))
        };
        let (ib, is) = (at("body")?, at("service")?);
        let columns: Vec<(usize, &str, _)> = per_service
            .iter()
            .map(|(code, m)| at(code).map(|i| (i, *code, *m)))
            .collect::<Result<_>>()?;
        let mut rows = Vec::new();
        for rec in reader.records() {
            let rec = rec?;
            let mut row: Vec<String> = rec.iter().map(str::to_string).collect();
            let (body, service) = (row[ib].clone(), row[is].clone());
            for (i, code, m) in &columns {
                let what = format!("{body}/{service}: {code}");
                row[*i] = mean_cell(
                    service_value(&agg.surveys, &body, &service, *m),
                    &what,
                    &mut unwritable,
                );
            }
            rows.push(row);
        }
        let mut writer = csv::Writer::from_path(&services)?;
        writer.write_record(&header)?;
        for row in rows {
            writer.write_record(&row)?;
        }
        writer.flush()?;
    }
    let per_body = body_inputs(edition);
    let bodies = tmp.join("bodies.csv");
    if !per_body.is_empty() && bodies.is_file() {
        let mut reader = csv::Reader::from_path(&bodies)?;
        let header = reader.headers()?.clone();
        let id_col = header
            .iter()
            .position(|h| h == "id")
            .context("bodies.csv базового набора: нет столбца id")?;
        let mut rows = Vec::new();
        for rec in reader.records() {
            let rec = rec?;
            let mut row: Vec<String> = rec.iter().map(str::to_string).collect();
            let id = row[id_col].clone();
            for (i, h) in header.iter().enumerate() {
                if let Some((code, m)) = per_body.iter().find(|(c, _)| *c == h) {
                    let what = format!("{id}: {code}");
                    row[i] = mean_cell(body_value(&agg.surveys, &id, *m), &what, &mut unwritable);
                }
            }
            rows.push(row);
        }
        let mut writer = csv::Writer::from_path(&bodies)?;
        writer.write_record(&header)?;
        for row in rows {
            writer.write_record(&row)?;
        }
        writer.flush()?;
    }
    if !unwritable.is_empty() {
        bail!(
            "средняя оценка по опросу не выражается конечной десятичной дробью, а методика не устанавливает правила округления — значения не записаны: {}",
            unwritable.join("; ")
        );
    }
    Ok(())
}

type Values<'a> = std::collections::BTreeMap<String, Vec<(&'a str, Option<u64>)>>;

fn write_dataset(
    ed: &bagalau_methodology::Edition,
    agg: &Aggregation,
    values: &Values<'_>,
    base: Option<&Path>,
    tmp: &Path,
    surveyed: bool,
) -> Result<()> {
    std::fs::create_dir_all(tmp)?;
    write_reports(&tmp.join("raw"), agg)?;
    if surveyed {
        write_survey_report(&ed.id, agg, &tmp.join("raw"))?;
    }
    let map = &ed.raw_inputs;
    let mut inputs_csv = String::from("body");
    for r in map {
        inputs_csv.push(',');
        inputs_csv.push_str(&r.input);
    }
    inputs_csv.push('\n');
    for (b, vals) in values {
        inputs_csv.push_str(&csv_cell(b));
        for (_, v) in vals {
            inputs_csv.push(',');
            if let Some(v) = v {
                inputs_csv.push_str(&v.to_string());
            }
        }
        inputs_csv.push('\n');
    }
    std::fs::write(tmp.join("raw").join("inputs.csv"), inputs_csv)?;
    let Some(base) = base else {
        return Ok(());
    };
    // Every regular file of the base dataset, bodies.csv rewritten.
    for entry in std::fs::read_dir(base)? {
        let path = entry?.path();
        if path.is_file() && path.file_name().is_some_and(|n| n != "bodies.csv") {
            let name: PathBuf = path.file_name().map(PathBuf::from).unwrap_or_default();
            std::fs::copy(&path, tmp.join(name))?;
        }
    }
    let mut reader = csv::Reader::from_path(base.join("bodies.csv"))?;
    let header = reader.headers()?.clone();
    let id_col = header
        .iter()
        .position(|h| h == "id")
        .context("bodies.csv базового набора: нет столбца id")?;
    let mut writer = csv::Writer::from_path(tmp.join("bodies.csv"))?;
    writer.write_record(&header)?;
    let mut seen = std::collections::BTreeSet::new();
    for rec in reader.records() {
        let rec = rec?;
        let id = rec.get(id_col).unwrap_or("").to_string();
        let vals = values.get(&id);
        let mut row: Vec<String> = rec.iter().map(str::to_string).collect();
        for (i, h) in header.iter().enumerate() {
            if let Some(j) = map.iter().position(|r| r.input == h) {
                // A body without records: nothing delivered (optional inputs left empty).
                let v = match vals {
                    Some(v) => v[j].1,
                    None => bagalau_aggregate::measures::value(agg, &id, &map[j].measure),
                };
                row[i] = v.map(|v| v.to_string()).unwrap_or_default();
            }
        }
        seen.insert(id);
        writer.write_record(&row)?;
    }
    writer.flush()?;
    let unknown: Vec<&String> = values.keys().filter(|b| !seen.contains(*b)).collect();
    if !unknown.is_empty() {
        bail!(
            "в первичных записях есть органы, которых нет в базовом наборе: {}",
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if surveyed {
        write_survey_inputs(&ed.id, agg, tmp)?;
    }
    bagalau_data::load_dataset(ed, tmp).context("проверка записанного набора данных")?;
    Ok(())
}
