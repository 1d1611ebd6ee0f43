//! `bagalau report …` and `bagalau export xlsx`: documents written to files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use bagalau_data::rating;
use bagalau_office::{Document, Lang};
use bagalau_report::annual::{Annual, BlockRating};
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

/// Renders a document in a format (a PDF with a browser of its own: for several documents use
/// a [`Renderer`]).
pub fn render(doc: &Document, format: DocFormat) -> Result<Vec<u8>> {
    let mut renderer = Renderer::new(format);
    let bytes = renderer.render(doc)?;
    renderer.finish();
    Ok(bytes)
}

/// Renders the documents of one command: PDFs through one browser session, started at the
/// first PDF and closed by [`Renderer::finish`] (or killed when dropped).
pub struct Renderer {
    format: DocFormat,
    session: Option<bagalau_office::PdfSession>,
}

impl Renderer {
    pub fn new(format: DocFormat) -> Renderer {
        Renderer {
            format,
            session: None,
        }
    }

    /// How many documents [`Renderer::render_all`] handles at once to gain from it.
    pub fn batch(&self) -> usize {
        match self.format {
            DocFormat::Pdf => bagalau_office::pdf::TABS,
            _ => 1,
        }
    }

    pub fn render(&mut self, doc: &Document) -> Result<Vec<u8>> {
        let mut all = self.render_all(std::slice::from_ref(doc))?;
        all.pop()
            .ok_or_else(|| anyhow::anyhow!("документ не сформирован"))
    }

    /// Renders documents in order (PDFs side by side in the browser's tabs).
    pub fn render_all(&mut self, docs: &[Document]) -> Result<Vec<Vec<u8>>> {
        Ok(match self.format {
            DocFormat::Html => docs
                .iter()
                .map(|d| bagalau_office::html::to_html(d).into_bytes())
                .collect(),
            DocFormat::Docx => docs
                .iter()
                .map(bagalau_office::docx::to_docx)
                .collect::<Result<_, _>>()?,
            DocFormat::Pdf => {
                let htmls: Vec<String> = docs.iter().map(bagalau_office::html::to_html).collect();
                let htmls: Vec<&str> = htmls.iter().map(String::as_str).collect();
                self.session()?.print_all(&htmls)?
            }
        })
    }

    fn session(&mut self) -> Result<&mut bagalau_office::PdfSession> {
        if self.session.is_none() {
            self.session = Some(bagalau_office::PdfSession::start()?);
        }
        self.session
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("сеанс браузера не запущен"))
    }

    /// Closes the browser, if one was started.
    pub fn finish(self) {
        if let Some(s) = self.session {
            s.close();
        }
    }
}

/// Writes a document file: see [`crate::output::write_file`] (temporary file and rename for
/// regular files, straight through for special files, symlinks followed).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::output::write_file(path, bytes)
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

/// One document of a run: a body's document of a kind (and direction).
pub struct Job {
    pub body: String,
    pub direction: Option<String>,
    /// `conclusion`, `conclusion-services`, `act`, `disagreement`: the file name's second part.
    pub kind: String,
}

fn jobs(ids: Vec<String>, direction: Option<&str>, kind: &str) -> Vec<Job> {
    ids.into_iter()
        .map(|body| Job {
            body,
            direction: direction.map(str::to_string),
            kind: kind.to_string(),
        })
        .collect()
}

/// `manifest.json` of an `--out-dir` run: written before the first document (`complete: false`),
/// rewritten after each document and marked `complete: true` after the last, so that a finished
/// run can be told from an interrupted one whatever stopped it.
#[derive(serde::Serialize)]
struct Manifest {
    complete: bool,
    expected: usize,
    written: usize,
    format: &'static str,
    files: Vec<ManifestFile>,
}

#[derive(serde::Serialize)]
struct ManifestFile {
    file: String,
    body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<String>,
    bytes: usize,
    sha256: String,
}

/// Name of the manifest file in an `--out-dir` folder.
pub const MANIFEST: &str = "manifest.json";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Manifest {
    fn save(&self, dir: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        write_atomic(&dir.join(MANIFEST), text.as_bytes())
    }
}

/// Writes the documents of `jobs`: one into `--out`, or each into `--out-dir` (file names made
/// from the ids, never paths) with a progress bar and a manifest.
fn write_documents(
    jobs: &[Job],
    format: DocFormat,
    output: &Output,
    make: impl Fn(&Job) -> Result<Document>,
) -> Result<String> {
    match (&output.out, &output.out_dir) {
        (Some(out), None) => {
            let [job] = jobs else {
                bail!("--out пишет один документ: укажите --body или --out-dir для всех органов");
            };
            let doc = make(job)?;
            write_atomic(out, &render(&doc, format)?)?;
            Ok(format!("Записано: {}\n", out.display()))
        }
        (None, Some(dir)) => {
            let raw: Vec<String> = jobs
                .iter()
                .map(|j| format!("{}-{}", j.body, j.kind))
                .collect();
            let names = crate::output::unique_file_names(&raw, format.ext());
            let mut manifest = Manifest {
                complete: false,
                expected: jobs.len(),
                written: 0,
                format: format.ext(),
                files: Vec::new(),
            };
            manifest.save(dir)?;
            let pb = progress(jobs.len(), "документы");
            let mut renderer = Renderer::new(format);
            let batch = renderer.batch();
            let total = jobs.len();
            for (jobs, names) in jobs.chunks(batch).zip(names.chunks(batch)) {
                let fail = |e: anyhow::Error, jobs: &[Job], name: &str, written: usize| {
                    pb.finish_and_clear();
                    let bodies: Vec<String> =
                        jobs.iter().map(|j| format!("«{}»", j.body)).collect();
                    e.context(format!(
                        "документ органа {} ({name}); записано документов: {written} из {total}, \
                         {MANIFEST}: complete = false",
                        bodies.join(", ")
                    ))
                };
                let mut docs = Vec::with_capacity(jobs.len());
                for (job, name) in jobs.iter().zip(names) {
                    match make(job) {
                        Ok(doc) => docs.push(doc),
                        Err(e) => {
                            let one = std::slice::from_ref(job);
                            return Err(fail(e, one, name, manifest.written));
                        }
                    }
                }
                // The batch's PDFs are printed side by side (see `Renderer::batch`).
                let rendered = match renderer.render_all(&docs) {
                    Ok(r) => r,
                    Err(e) => return Err(fail(e, jobs, &names.join(", "), manifest.written)),
                };
                for ((job, name), bytes) in jobs.iter().zip(names).zip(rendered) {
                    let path = dir.join(name);
                    if let Err(e) = write_atomic(&path, &bytes) {
                        let one = std::slice::from_ref(job);
                        return Err(fail(e, one, name, manifest.written));
                    }
                    manifest.files.push(ManifestFile {
                        file: name.clone(),
                        body: job.body.clone(),
                        direction: job.direction.clone(),
                        bytes: bytes.len(),
                        sha256: sha256_hex(&bytes),
                    });
                    manifest.written = manifest.files.len();
                    manifest.save(dir)?;
                    pb.inc(1);
                }
            }
            renderer.finish();
            manifest.complete = true;
            manifest.save(dir)?;
            pb.finish_and_clear();
            Ok(format!(
                "Записано документов: {} из {} в {} (список и контрольные суммы: {MANIFEST})\n",
                manifest.written,
                jobs.len(),
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
    // The dataset itself too: the forms of the body's name and its figures (issue 11).
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
    let ids = body_ids(&run, a.body)?;
    let mut all = Vec::new();
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
        for code in codes {
            all.extend(jobs(ids.clone(), Some(code), &format!("conclusion-{code}")));
        }
    } else {
        let kind = match direction {
            Some(d) => format!("conclusion-{d}"),
            None => "conclusion".to_string(),
        };
        all = jobs(ids, direction, &kind);
    }
    write_documents(&all, a.format, &a.output, |job| {
        let direction = job.direction.as_deref();
        let extra = texts
            .get(&bagalau_report::conclusion::texts_key(&job.body, direction))
            .cloned()
            .unwrap_or_default()
            .with_data(&loaded, &job.body);
        Ok(bagalau_report::conclusion::conclusion(
            &run,
            &job.body,
            direction,
            a.lang.into(),
            &extra,
        )?)
    })
}

pub fn act_command(a: &RunArgs, facts: Option<&Path>) -> Result<String> {
    // The dataset itself too: the forms of the body's name (issue 11).
    let ed = crate::load_edition(a.edition)?;
    let loaded = bagalau_data::load_dataset(&ed, a.data)?;
    let out = bagalau_engine::evaluate(&ed, &loaded.dataset)?;
    let run = Run {
        ed: &ed,
        out: &out,
        period: loaded.meta.period,
    };
    let facts = match facts {
        Some(p) => bagalau_report::act::read_facts(p)?,
        None => Vec::new(),
    };
    bagalau_report::act::check_facts(&run, &facts)?;
    let all = jobs(body_ids(&run, a.body)?, None, "act");
    write_documents(&all, a.format, &a.output, |job| {
        Ok(bagalau_report::act::act_named(
            &run,
            &job.body,
            &facts,
            a.lang.into(),
            &loaded.names.get(&job.body).cloned().unwrap_or_default(),
        )?)
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
    write_documents(
        &jobs(ids, None, "disagreement"),
        a.format,
        &a.output,
        |job| {
            Ok(bagalau_report::disagreement::disagreement_named(
                &run,
                &job.body,
                &objections,
                &after,
                a.lang.into(),
                &loaded.names.get(&job.body).cloned().unwrap_or_default(),
            )?)
        },
    )
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
    // Full names and page order: `bodies.csv` beside the scores files, when there is one.
    let bodies = a
        .scores
        .iter()
        .filter_map(|spec| {
            parse_scores(spec, "")
                .1
                .parent()
                .map(|d| d.join("bodies.csv"))
        })
        .find(|p| p.is_file())
        .map(|p| bagalau_report::annual_bodies::Bodies::open(&p))
        .transpose()?;
    let annual = Annual {
        period: a.period,
        blocks: &blocks,
        degrees: &ed.degrees,
        appendix: Some(&ed),
        bodies: bodies.as_ref(),
    };
    let bytes = match a.format {
        DocFormat::Pdf => bagalau_report::annual_pdf::annual_pdf(&annual, a.lang.into())?,
        _ => render(
            &bagalau_report::annual::annual(&annual, a.lang.into()),
            a.format,
        )?,
    };
    write_atomic(a.out, &bytes)?;
    // Discrepancies of the source data go to a verification sheet beside the report.
    let check = bagalau_report::annual::verification(&annual);
    if check.sheets.iter().any(|s| !s.rows.is_empty()) {
        let path = a.out.with_extension("сверка.xlsx");
        write_atomic(&path, &bagalau_office::xlsx::to_xlsx(&check)?)?;
        return Ok(format!(
            "Записано: {}\nРасхождения в исходных данных: {}\n",
            a.out.display(),
            path.display()
        ));
    }
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
