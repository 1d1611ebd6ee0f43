//! Every document from fuzzed inputs, in every format: a dataset (the CSV files of a shipped
//! example, under that example's edition) is loaded and evaluated; for every body the conclusion
//! (block-wide and per direction), the reconciliation act and the disagreement table are built;
//! the annual report and the workbook are built from the run and from fuzzed published scores;
//! each document is rendered to HTML and DOCX, each workbook to XLSX. Refusals must carry a
//! message; nothing may panic; every XML part must stay free of characters XML forbids.
//!
//! Input: byte 0 picks the example (and so the edition); the rest is split at lines `===` into
//! the example's CSV files (in name order), then `scores.csv`, `facts.csv`, `objections.csv`.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use bagalau_data::rating;
use bagalau_methodology::Edition;
use bagalau_office::{Document, Lang, Workbook};
use bagalau_report::annual::{Annual, BlockRating};
use bagalau_report::Run;
use libfuzzer_sys::fuzz_target;

/// (example folder, edition folder, CSV files of the example in name order).
struct Case {
    edition: Edition,
    files: Vec<String>,
}

const EXAMPLES: [(&str, &str); 5] = [
    ("2014-services", "2014-services"),
    ("2017-services", "2017-services"),
    ("2018-interaction", "2018-interaction"),
    ("2021-operational", "2021-operational-2023-june"),
    (
        "2021-operational-publication",
        "2021-operational-2023-publication",
    ),
];

/// Bodies per input whose documents are built (the annual report and workbook take all).
const MAX_BODIES: usize = 3;

fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn cases() -> &'static Vec<Case> {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        EXAMPLES
            .iter()
            .map(|(example, edition)| {
                let edition =
                    bagalau_methodology::load(&repo().join("methodologies").join(edition))
                        .expect("a shipped edition loads");
                let mut files: Vec<String> =
                    std::fs::read_dir(repo().join("examples").join(example))
                        .expect("example folder")
                        .flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .filter(|n| n.ends_with(".csv") && n != "expected.csv")
                        .collect();
                files.sort();
                Case { edition, files }
            })
            .collect()
    })
}

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("bagalau-fuzz-render-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

fn sections(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(5).position(|w| w == b"\n===\n") {
        out.push(&rest[..i + 1]);
        rest = &rest[i + 5..];
    }
    out.push(rest);
    out
}

/// Renders a document in every format that needs no external program.
fn render(doc: &Document) {
    let html = bagalau_office::to_html(doc);
    assert!(
        html.chars().all(bagalau_office::sanitize::is_allowed),
        "HTML with a character XML forbids"
    );
    if let Err(e) = bagalau_office::to_docx(doc) {
        assert!(!e.to_string().is_empty(), "a DOCX error without a message");
    }
}

fn render_book(book: &Workbook) {
    if let Err(e) = bagalau_office::to_xlsx(book) {
        assert!(!e.to_string().is_empty(), "an XLSX error without a message");
    }
}

fn refusal(e: impl std::fmt::Display) {
    assert!(!e.to_string().is_empty(), "a refusal without a message");
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, data)) = data.split_first() else {
        return;
    };
    let case = &cases()[usize::from(pick) % EXAMPLES.len()];
    let ed = &case.edition;
    let parts = sections(data);
    let d = dir();
    let _ = std::fs::remove_dir_all(d);
    std::fs::create_dir_all(d).expect("temp dir");
    for (k, name) in case.files.iter().enumerate() {
        std::fs::write(d.join(name), parts.get(k).copied().unwrap_or(b"")).expect("write");
    }
    let extra = |k: usize| parts.get(case.files.len() + k).copied();
    let lang = if pick & 0x80 == 0 { Lang::Ru } else { Lang::Kk };

    // Published scores: the annual report and a rating sheet, independent of the dataset.
    let mut blocks = Vec::new();
    let mut book = Workbook { sheets: Vec::new() };
    if let Some(scores) = extra(0) {
        let f = d.join("scores.csv");
        std::fs::write(&f, scores).expect("write");
        match rating::read_scores(&f) {
            Ok(rows) => {
                let r = rating::rate(rows, &ed.degrees);
                book.sheets
                    .push(bagalau_report::export::rating_sheet("Рейтинг", &r));
                blocks.push(BlockRating {
                    name: ed.block_name.clone(),
                    rating: r,
                    directions: Vec::new(),
                });
            }
            Err(e) => assert!(!e.issues.is_empty(), "an error without issues"),
        }
    }
    let facts = extra(1)
        .and_then(|b| bagalau_report::act::read_facts_from(b, "facts.csv").ok())
        .unwrap_or_default();
    let objections = extra(2)
        .and_then(|b| bagalau_report::disagreement::read_objections_from(b, "objections.csv").ok())
        .unwrap_or_default();

    let loaded = match bagalau_data::load_dataset(ed, d) {
        Ok(l) => Some(l),
        Err(e) => {
            assert!(!e.issues.is_empty(), "an error without issues");
            None
        }
    };
    let outcome = loaded.as_ref().and_then(|l| {
        bagalau_engine::evaluate(ed, &l.dataset)
            .map_err(refusal)
            .ok()
    });
    if let (Some(l), Some(out)) = (&loaded, &outcome) {
        let run = Run {
            ed,
            out,
            period: l.meta.period,
        };
        let directions: Vec<Option<&str>> = std::iter::once(None)
            .chain(
                ed.directions
                    .iter()
                    .filter(|x| x.score.is_some())
                    .map(|x| Some(x.code.as_str())),
            )
            .collect();
        let after = bagalau_report::disagreement::recompute(&run, &l.dataset, &objections);
        // A few bodies are enough to reach every line of the generators; all 32 of the 2014
        // example would make each run ten times slower for no new coverage.
        for b in out.bodies.iter().take(MAX_BODIES) {
            for dir in &directions {
                match bagalau_report::conclusion::conclusion(
                    &run,
                    &b.id,
                    *dir,
                    lang,
                    &Default::default(),
                ) {
                    Ok(doc) => render(&doc),
                    Err(e) => refusal(e),
                }
            }
            match bagalau_report::act::act(&run, &b.id, &facts, lang) {
                Ok(doc) => render(&doc),
                Err(e) => refusal(e),
            }
            match &after {
                Ok(after) => match bagalau_report::disagreement::disagreement(
                    &run,
                    &b.id,
                    &objections,
                    after,
                    lang,
                ) {
                    Ok(doc) => render(&doc),
                    Err(e) => refusal(e),
                },
                Err(e) => refusal(e),
            }
        }
        blocks.push(bagalau_report::annual::from_run(&run, &ed.block_name));
        book.sheets
            .extend(bagalau_report::export::run_workbook(&run, &l.dataset).sheets);
    }
    if !blocks.is_empty() {
        let doc = bagalau_report::annual::annual(
            &Annual {
                period: loaded.as_ref().and_then(|l| l.meta.period).unwrap_or(2020),
                blocks: &blocks,
                degrees: &ed.degrees,
                appendix: Some(ed),
                bodies: None,
            },
            lang,
        );
        render(&doc);
    }
    if !book.sheets.is_empty() {
        render_book(&book);
    }
});
