//! `bagalau report …` and `bagalau export xlsx`: documents written to files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use bagalau_data::rating;
use bagalau_office::{Document, Lang};
use bagalau_report::annual::{Annual, BlockRating};
use bagalau_report::conclusion::Extra;
use bagalau_report::Run;
use indicatif::{ProgressBar, ProgressStyle};

/// Output format of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    Html,
    Pdf,
    Docx,
}

impl DocFormat {
    pub fn ext(self) -> &'static str {
        match self {
            DocFormat::Html => "html",
            DocFormat::Pdf => "pdf",
            DocFormat::Docx => "docx",
        }
    }
}

/// Document language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocLang {
    Ru,
    Kk,
}

impl From<DocLang> for Lang {
    fn from(l: DocLang) -> Lang {
        match l {
            DocLang::Ru => Lang::Ru,
            DocLang::Kk => Lang::Kk,
        }
    }
}

/// Where documents go: one file (`--out`) or a folder (`--out-dir`).
pub struct Output {
    pub out: Option<PathBuf>,
    pub out_dir: Option<PathBuf>,
}

/// Renders a document in a format.
pub fn render(doc: &Document, format: DocFormat) -> Result<Vec<u8>> {
    Ok(match format {
        DocFormat::Html => bagalau_office::html::to_html(doc).into_bytes(),
        DocFormat::Pdf => bagalau_office::pdf::html_to_pdf(&bagalau_office::html::to_html(doc))?,
        DocFormat::Docx => bagalau_office::docx::to_docx(doc)?,
    })
}

/// Writes through a temporary file so that a failure never leaves a half-written document.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("папка {}", dir.display()))?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes).with_context(|| format!("запись {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("запись {}", path.display()))?;
    Ok(())
}

fn progress(n: usize, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(n as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_string());
    pb
}

/// The bodies a command covers: `body` only, or every body of the run.
fn body_ids(run: &Run, body: Option<&str>) -> Result<Vec<String>> {
    Ok(match body {
        Some(b) => vec![run.body(b)?.id.clone()],
        None => run.out.bodies.iter().map(|b| b.id.clone()).collect(),
    })
}

/// Generates one document per body (or for `body` only) and writes them.
fn per_body(
    run: &Run,
    body: Option<&str>,
    format: DocFormat,
    output: &Output,
    kind: &str,
    make: impl Fn(&str) -> Result<Document>,
) -> Result<String> {
    write_documents(&body_ids(run, body)?, format, output, kind, make)
}

/// Writes the documents of `ids`: one into `--out`, or each into `--out-dir` with a progress bar.
fn write_documents(
    ids: &[String],
    format: DocFormat,
    output: &Output,
    kind: &str,
    make: impl Fn(&str) -> Result<Document>,
) -> Result<String> {
    match (&output.out, &output.out_dir) {
        (Some(out), None) => {
            if ids.len() != 1 {
                bail!("--out пишет один документ: укажите --body или --out-dir для всех органов");
            }
            let doc = make(&ids[0])?;
            write_atomic(out, &render(&doc, format)?)?;
            Ok(format!("Записано: {}\n", out.display()))
        }
        (None, Some(dir)) => {
            let pb = progress(ids.len(), kind);
            let mut written = Vec::new();
            for id in ids {
                let path = dir.join(format!("{id}-{kind}.{}", format.ext()));
                let bytes = make(id)
                    .and_then(|doc| render(&doc, format))
                    .with_context(|| {
                        format!(
                            "документ органа «{id}» (уже записано: {} из {})",
                            written.len(),
                            ids.len()
                        )
                    })?;
                write_atomic(&path, &bytes)?;
                written.push(path);
                pb.inc(1);
            }
            pb.finish_and_clear();
            Ok(format!(
                "Записано документов: {} в {}\n",
                written.len(),
                dir.display()
            ))
        }
        _ => bail!("укажите ровно одно из --out ФАЙЛ или --out-dir ПАПКА"),
    }
}

pub struct RunArgs<'a> {
    pub edition: &'a Path,
    pub data: &'a Path,
    pub body: Option<&'a str>,
    pub format: DocFormat,
    pub lang: DocLang,
    pub output: Output,
}

pub fn conclusion_command(
    a: &RunArgs,
    direction: Option<&str>,
    texts: Option<&Path>,
) -> Result<String> {
    let ed = crate::load_edition(a.edition)?;
    let loaded = bagalau_data::load_dataset(&ed, a.data)?;
    let out = bagalau_engine::evaluate(&ed, &loaded.dataset)?;
    let run = Run {
        ed: &ed,
        out: &out,
        period: loaded.meta.period,
    };
    let texts = match texts {
        Some(p) => bagalau_report::texts::read_texts(p, &run)?,
        None => BTreeMap::new(),
    };
    if direction == Some("all") {
        // Every direction that has a score, each into its own file.
        if a.output.out_dir.is_none() {
            bail!("--direction all пишет несколько документов: укажите --out-dir ПАПКА");
        }
        let codes: Vec<&str> = ed
            .directions
            .iter()
            .filter(|d| d.score.is_some())
            .map(|d| d.code.as_str())
            .collect();
        if codes.is_empty() {
            bail!("в редакции «{}» нет направлений с отдельной оценкой", ed.id);
        }
        let mut summary = String::new();
        for code in codes {
            summary.push_str(&conclusions(&run, &loaded, a, Some(code), &texts)?);
        }
        return Ok(summary);
    }
    conclusions(&run, &loaded, a, direction, &texts)
}

fn conclusions(
    run: &Run,
    loaded: &bagalau_data::Loaded,
    a: &RunArgs,
    direction: Option<&str>,
    texts: &BTreeMap<String, Extra>,
) -> Result<String> {
    let kind = match direction {
        Some(d) => format!("conclusion-{d}"),
        None => "conclusion".to_string(),
    };
    per_body(run, a.body, a.format, &a.output, &kind, |id| {
        let extra = texts
            .get(&bagalau_report::conclusion::texts_key(id, direction))
            .cloned()
            .unwrap_or_default()
            .with_data(loaded, id);
        Ok(bagalau_report::conclusion::conclusion(
            run,
            id,
            direction,
            a.lang.into(),
            &extra,
        )?)
    })
}

pub fn act_command(a: &RunArgs, facts: Option<&Path>) -> Result<String> {
    let (ed, out, period) = crate::run_evaluation(a.edition, a.data)?;
    let run = Run {
        ed: &ed,
        out: &out,
        period,
    };
    let facts = match facts {
        Some(p) => bagalau_report::act::read_facts(p)?,
        None => Vec::new(),
    };
    bagalau_report::act::check_facts(&run, &facts)?;
    per_body(&run, a.body, a.format, &a.output, "act", |id| {
        Ok(bagalau_report::act::act(&run, id, &facts, a.lang.into())?)
    })
}

pub fn disagreement_command(a: &RunArgs, objections: &Path) -> Result<String> {
    let ed = crate::load_edition(a.edition)?;
    let loaded = bagalau_data::load_dataset(&ed, a.data)?;
    let out = bagalau_engine::evaluate(&ed, &loaded.dataset)?;
    let run = Run {
        ed: &ed,
        out: &out,
        period: loaded.meta.period,
    };
    let objections = bagalau_report::disagreement::read_objections(objections)?;
    let after = bagalau_report::disagreement::recompute(&run, &loaded.dataset, &objections)?;
    // Without --body: every body that has objections.
    let ids: Vec<String> = body_ids(&run, a.body)?
        .into_iter()
        .filter(|id| a.body.is_some() || objections.iter().any(|o| &o.body == id))
        .collect();
    if ids.is_empty() {
        bail!("в файле возражений нет ни одного органа из данных");
    }
    write_documents(&ids, a.format, &a.output, "disagreement", |id| {
        Ok(bagalau_report::disagreement::disagreement(
            &run,
            id,
            &objections,
            &after,
            a.lang.into(),
        )?)
    })
}

/// `--scores [NAME=]FILE`: a block's published scores.
fn parse_scores(spec: &str, default_name: &str) -> (String, PathBuf) {
    match spec.split_once('=') {
        Some((name, file)) if !name.is_empty() => (name.to_string(), PathBuf::from(file)),
        _ => (default_name.to_string(), PathBuf::from(spec)),
    }
}

pub struct AnnualArgs<'a> {
    pub scores: &'a [String],
    /// Data of an evaluation run under `edition`: its scores make a block of the report.
    pub data: Option<&'a Path>,
    pub period: u16,
    pub edition: &'a Path,
    pub format: DocFormat,
    pub lang: DocLang,
    pub out: &'a Path,
}

pub fn annual_command(a: &AnnualArgs) -> Result<String> {
    let ed = crate::load_edition(a.edition)?;
    if a.scores.is_empty() && a.data.is_none() {
        bail!("укажите файл баллов (--scores [БЛОК=]ФАЙЛ) или данные оценки (--data ПАПКА)");
    }
    let mut blocks = Vec::new();
    if let Some(data) = a.data {
        let (ed, out, period) = crate::run_evaluation(a.edition, data)?;
        if period.is_some_and(|p| p != a.period) {
            bail!(
                "данные {} относятся к периоду {}, а отчёт — к {}",
                data.display(),
                period.unwrap_or_default(),
                a.period
            );
        }
        let run = Run {
            ed: &ed,
            out: &out,
            period,
        };
        blocks.push(bagalau_report::annual::from_run(&run, &ed.block_name));
    }
    for spec in a.scores {
        let (name, file) = parse_scores(spec, &ed.block_name);
        let rows = rating::read_scores(&file)?;
        blocks.push(BlockRating {
            name,
            rating: rating::rate(rows, &ed.degrees),
            directions: Vec::new(),
        });
    }
    let doc = bagalau_report::annual::annual(
        &Annual {
            period: a.period,
            blocks: &blocks,
            degrees: &ed.degrees,
            appendix: Some(&ed),
        },
        a.lang.into(),
    );
    write_atomic(a.out, &render(&doc, a.format)?)?;
    Ok(format!("Записано: {}\n", a.out.display()))
}

pub fn xlsx_command(
    edition: &Path,
    data: Option<&Path>,
    scores: &[String],
    out: &Path,
) -> Result<String> {
    let mut book = bagalau_office::Workbook { sheets: Vec::new() };
    let ed = crate::load_edition(edition)?;
    if let Some(data) = data {
        let loaded = bagalau_data::load_dataset(&ed, data)?;
        let outcome = bagalau_engine::evaluate(&ed, &loaded.dataset)?;
        let run = Run {
            ed: &ed,
            out: &outcome,
            period: loaded.meta.period,
        };
        book.sheets
            .extend(bagalau_report::export::run_workbook(&run, &loaded.dataset).sheets);
    }
    for (k, spec) in scores.iter().enumerate() {
        let (name, file) = parse_scores(spec, &format!("Рейтинг {}", k + 1));
        let rows = rating::read_scores(&file)?;
        book.sheets.push(bagalau_report::export::rating_sheet(
            &name,
            &rating::rate(rows, &ed.degrees),
        ));
    }
    if book.sheets.is_empty() {
        bail!("нечего выгружать: укажите --data и/или --scores");
    }
    write_atomic(out, &bagalau_office::xlsx::to_xlsx(&book)?)?;
    Ok(format!(
        "Записано: {} (листов: {})\n",
        out.display(),
        book.sheets.len()
    ))
}

/// `bagalau edition book DIR --out FILE`: the edition book (every item against the act).
pub fn book_command(dir: &Path, format: DocFormat, out: &Path) -> Result<String> {
    let ed = crate::load_edition(dir)?;
    let doc = bagalau_report::book::book(&ed);
    write_atomic(out, &render(&doc, format)?)?;
    Ok(format!("Записано: {}\n", out.display()))
}
