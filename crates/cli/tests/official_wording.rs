//! Issue 11: the documents an evaluator signs are official text. Over every body of the shipped
//! runs, the rendered text of the conclusion, the act, the disagreement table and every cell of
//! the XLSX export holds no project-internal wording: no «seed», no file name, no code of the
//! edition (inputs, values), no number with a dot as decimal separator, no data-dictionary note.
//! The Karaganda conclusion reads like seed 003.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use bagalau_office::{Lang, XCell};
use bagalau_report::conclusion::Extra;
use bagalau_report::Run as DocRun;
use common::root;

struct Loaded {
    ed: bagalau_methodology::Edition,
    out: bagalau_engine::Outcome,
    data: bagalau_data::Loaded,
}

fn load(edition: &str, data: &str) -> Loaded {
    let ed = bagalau_methodology::load(&root().join(edition)).expect("edition");
    let data = bagalau_data::load_dataset(&ed, &root().join(data)).expect("dataset");
    let out = bagalau_engine::evaluate(&ed, &data.dataset).expect("evaluates");
    Loaded { ed, out, data }
}

impl Loaded {
    fn run(&self) -> DocRun<'_> {
        DocRun {
            ed: &self.ed,
            out: &self.out,
            period: self.data.meta.period,
        }
    }
}

/// Everything wrong with a document's text, one line per finding.
fn problems(ed: &bagalau_methodology::Edition, what: &str, text: &str) -> Vec<String> {
    let mut codes: BTreeSet<&str> = ed.inputs.iter().map(|i| i.code.as_str()).collect();
    codes.extend(
        ed.nodes
            .iter()
            .map(|n| n.code.as_str())
            .filter(|c| c.contains('_')),
    );
    let mut out = Vec::new();
    let lower = text.to_lowercase();
    for word in [
        "seed",
        ".csv",
        ".txt",
        ".toml",
        ".json",
        "пусто —",
        "(балл из",
    ] {
        if let Some(line) = lower.lines().find(|l| l.contains(word)) {
            out.push(format!("{what}: «{word}» в «{line}»"));
        }
    }
    for line in text.lines() {
        // ASCII identifiers: none may be a code of the edition.
        for token in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if codes.contains(token) {
                out.push(format!("{what}: код «{token}» в строке «{line}»"));
            }
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        for (k, cell) in cells.iter().enumerate() {
            let mut previous = "";
            for token in cell.split(|c: char| c.is_whitespace() || "()«»;:,".contains(c)) {
                let numeral = token
                    .split('.')
                    .all(|p| p.chars().all(|c| c.is_ascii_digit()));
                // «№» cells and «показатель 1.2» number items: they are not decimals.
                let numbering = numeral
                    && ((line.starts_with('|') && k == 1)
                        || ["показатель", "показателя", "критерий", "критерия"]
                            .contains(&previous.to_lowercase().as_str()));
                if !token.is_empty() {
                    previous = token;
                }
                let date = token.len() == 10
                    && token.chars().filter(|&c| c == '.').count() == 2
                    && token
                        .split('.')
                        .all(|p| p.chars().all(|c| c.is_ascii_digit()));
                let b = token.as_bytes();
                let dotted = (1..b.len().saturating_sub(1)).any(|i| {
                    b[i] == b'.' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit()
                });
                if dotted && !numbering && !date {
                    out.push(format!("{what}: «{token}» — десятичная точка в «{line}»"));
                }
            }
        }
    }
    out
}

fn xlsx_text(book: &bagalau_office::Workbook) -> String {
    let mut s = String::new();
    for sheet in &book.sheets {
        s.push_str(&sheet.name);
        s.push('\n');
        s.push_str(&sheet.columns.join("\n"));
        s.push('\n');
        for row in &sheet.rows {
            // The «№» column holds the numbering of criteria (1.1, 3.2), not decimals.
            for (c, _) in row
                .iter()
                .zip(&sheet.columns)
                .filter(|(_, title)| title.as_str() != "№")
            {
                if let XCell::Text(t) = c {
                    s.push_str(t);
                    s.push('\n');
                }
            }
        }
    }
    s
}

#[test]
fn no_document_leaks_internal_wording() {
    let mut found = Vec::new();
    for (edition, data) in [
        ("methodologies/2017-services", "examples/2017-karaganda"),
        ("methodologies/2017-services", "examples/2017-services"),
        ("methodologies/2014-services", "examples/2014-services"),
    ] {
        let l = load(edition, data);
        let run = l.run();
        for b in &l.out.bodies {
            for lang in [Lang::Ru, Lang::Kk] {
                let extra = Extra::default().with_data(&l.data, &b.id);
                let doc = bagalau_report::conclusion::conclusion(&run, &b.id, None, lang, &extra)
                    .expect("conclusion");
                let text = bagalau_office::to_text(&doc);
                found.extend(problems(
                    &l.ed,
                    &format!("{data}: заключение {}", b.id),
                    &text,
                ));
                let act = bagalau_report::act::act(&run, &b.id, &[], lang).expect("act");
                let text = bagalau_office::to_text(&act);
                found.extend(problems(&l.ed, &format!("{data}: акт {}", b.id), &text));
            }
        }
        let book = bagalau_report::export::run_workbook(&run, &l.data.dataset);
        found.extend(problems(&l.ed, &format!("{data}: xlsx"), &xlsx_text(&book)));
    }
    // The disagreement table of the example's objections (a correction of an input).
    let l = load("methodologies/2017-services", "examples/2017-services");
    let run = l.run();
    let objections = bagalau_report::disagreement::read_objections(
        &root().join("examples/2017-services/documents/objections.csv"),
    )
    .expect("objections");
    let after = bagalau_report::disagreement::recompute(&run, &l.data.dataset, &objections)
        .expect("recompute");
    let doc = bagalau_report::disagreement::disagreement(&run, "cb", &objections, &after, Lang::Ru)
        .expect("table");
    let text = bagalau_office::to_text(&doc);
    assert!(text.contains("Отчетный период: 2017 год"), "{text}");
    assert!(
        text.contains("— да)"),
        "the corrected value in words: {text}"
    );
    found.extend(problems(&l.ed, "таблица разногласий cb", &text));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_checker_finds_what_it_looks_for() {
    let l = load("methodologies/2017-services", "examples/2017-karaganda");
    for bad in [
        "по seed 003",
        "из файла bodies.csv",
        "значение services_body",
        "доля 15.4047",
        "Доля; пусто — нет",
    ] {
        assert!(!problems(&l.ed, "t", bad).is_empty(), "«{bad}» passes");
    }
    assert!(!findings(&l.ed, "t", "см. 2017-conclusion-karaganda.txt").is_empty());
    assert!(!findings(&l.ed, "t", "по тексту 2020-annual-report").is_empty());
    assert!(!fidelity_findings(&l.ed, "e", "примечание: Seed 003 подтверждает").is_empty());
    assert!(fidelity_findings(&l.ed, "e", "[текст акта] services_body — Услуги").is_empty());
    assert!(!problems(&l.ed, "t", &html_text("<body><p>доля <b>15.4</b></p>")).is_empty());
    assert!(problems(
        &l.ed,
        "t",
        &html_text("<body><table><tr><td>1.1</td><td>20,5</td></tr></table>")
    )
    .is_empty());
    for good in [
        "| 1.1 | Уровень | 20 |",
        "приказом от 12.10.2017 № 45",
        "п.53 — 15,4 %",
    ] {
        assert!(problems(&l.ed, "t", good).is_empty(), "«{good}» is refused");
    }
}

/// Seed 003 section by section: the body in the genitive, the figures it gives, the findings
/// numbered, recommendations per criterion (not one sentence repeated), the penalty heading once.
#[test]
fn karaganda_conclusion_reads_like_seed_003() {
    let l = load("methodologies/2017-services", "examples/2017-karaganda");
    let extra = Extra::default().with_data(&l.data, "kar");
    let doc = bagalau_report::conclusion::conclusion(&l.run(), "kar", None, Lang::Ru, &extra)
        .expect("conclusion");
    let text = bagalau_office::to_text(&doc);
    // Digits grouped with a no-break thin space.
    let g = |s: &str| format!("—\u{a0}{}", s.replace(' ', "\u{202f}"));
    for needle in [
        "Акимата Карагандинской области\n".to_string(),
        "деятельность Акимата Карагандинской области".to_string(),
        "Реестр —\u{a0}192".to_string(),
        "—\u{a0}58,5\u{a0}%".to_string(),
        "—\u{a0}236".to_string(),
        g("9 517"),
        g("17 685"),
        g("13 778"),
        g("1 044"),
        g("2 637"),
        g("2 517"),
        "—\u{a0}15,4\u{a0}%".to_string(),
        "Первое. По критерию".to_string(),
        "Четвертое. По критерию".to_string(),
        "Общий результат по критериям оценки составил 40,95 балла из 100 возможных.".to_string(),
    ] {
        assert!(text.contains(&needle), "lacks «{needle}»:\n{text}");
    }
    assert!(
        !text.contains("деятельность органа") && !text.contains("деятельности органа"),
        "«органа» instead of the name:\n{text}"
    );
    assert_eq!(
        text.matches("Вычет штрафных баллов").count(),
        2,
        "once in the table, once as the section's heading:\n{text}"
    );
    // Recommendations: one per criterion that lost points, each naming its own indicators.
    let recs: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with(char::is_numeric) && l.contains("принять меры"))
        .collect();
    assert_eq!(recs.len(), 4, "{text}");
    let distinct: BTreeSet<&str> = recs
        .iter()
        .map(|r| r.split_once(": ").map_or(*r, |x| x.1))
        .collect();
    assert_eq!(
        distinct.len(),
        4,
        "the same recommendation repeated: {recs:#?}"
    );
    assert!(
        text.contains("«Оказание государственных услуг при неполном пакете документов» (0 из 3, потеряно 3 балла)"),
        "{text}"
    );
    // Page numbers in the printed document.
    let html = bagalau_office::to_html(&doc);
    assert!(
        html.contains("counter(page)") && html.contains("стр."),
        "page numbers"
    );
    assert!(Path::new(&root()).exists());
}

/// The export in the report's order: bodies by group and rank, the correction coefficient where
/// the edition has one (filled for every body), numbers shown with the edition's decimals.
#[test]
fn xlsx_rows_by_rank_with_number_formats() {
    let l = load("methodologies/2014-services", "examples/2014-services");
    let run = l.run();
    let book = bagalau_report::export::run_workbook(&run, &l.data.dataset);
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names[..5],
        [
            "Итоги",
            "Критерии",
            "Штрафы",
            "Входные данные",
            "Расчётные значения"
        ]
    );
    let results = &book.sheets[0];
    let col = |title: &str| {
        results
            .columns
            .iter()
            .position(|c| c == title)
            .unwrap_or_else(|| panic!("column {title}: {:?}", results.columns))
    };
    let (rank, group, score, corr) = (
        col("Место"),
        col("Группа"),
        col("Итоговая оценка"),
        col("Поправочный коэффициент"),
    );
    let mut last: Option<(String, i64)> = None;
    for row in &results.rows {
        let XCell::Int(r) = row[rank] else {
            panic!("rank as a number: {row:?}")
        };
        let XCell::Text(g) = &row[group] else {
            panic!("group: {row:?}")
        };
        if let Some((lg, lr)) = &last {
            assert!(lg != g || *lr <= r, "rows by rank: {lg} {lr} then {g} {r}");
        }
        last = Some((g.clone(), r));
        let dp = u8::try_from(l.ed.rounding.display_decimals).unwrap_or(u8::MAX);
        assert!(
            matches!(row[score], XCell::Fixed(_, d) if d == dp),
            "score with the edition's decimals: {:?}",
            row[score]
        );
        assert!(
            matches!(row[corr], XCell::Fixed(_, 4)),
            "correction filled: {:?}",
            row[corr]
        );
    }
    assert_eq!(results.rows.len(), l.out.bodies.len());
    // The number formats reach the file: the edition's two decimals, four for the coefficient.
    let bytes = bagalau_office::to_xlsx(&book).expect("xlsx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut styles = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/styles.xml").expect("styles"),
        &mut styles,
    )
    .expect("utf-8");
    for code in ["formatCode=\"#,##0.00\"", "formatCode=\"#,##0.0000\""] {
        assert!(styles.contains(code), "{code} in {styles}");
    }
    // An edition without a correction coefficient has no such column.
    let l = load("methodologies/2017-services", "examples/2017-services");
    let book = bagalau_report::export::run_workbook(&l.run(), &l.data.dataset);
    assert!(!book.sheets[0]
        .columns
        .iter()
        .any(|c| c == "Поправочный коэффициент"));
}

/// A direction's conclusion shows the figures of its own criteria only, and the word «балл»
/// agrees with the number as printed (14,99… printed «15» takes «баллов»).
#[test]
fn direction_conclusion_keeps_to_its_direction() {
    let l = load(
        "methodologies/2018-interaction",
        "examples/2018-interaction",
    );
    let extra = Extra::default().with_data(&l.data, "MF");
    let doc =
        bagalau_report::conclusion::conclusion(&l.run(), "MF", Some("services"), Lang::Ru, &extra)
            .expect("conclusion");
    let text = bagalau_office::to_text(&doc);
    for other in ["жалоб и заявлений", "Открытые данные"] {
        assert!(
            !text.contains(other),
            "another direction's figure «{other}»:\n{text}"
        );
    }
    assert!(
        text.contains("Количество видов государственных услуг органа —\u{a0}40"),
        "{text}"
    );
    assert!(!text.contains(" 15 балла"), "{text}");
}

/// The file names of the source texts (`methodologies/texts/`), with and without extension.
fn text_file_names() -> Vec<String> {
    let mut names = Vec::new();
    for e in std::fs::read_dir(root().join("methodologies/texts"))
        .expect("texts folder")
        .flatten()
    {
        let name = e.file_name().to_string_lossy().to_lowercase();
        if name == "readme.md" {
            continue;
        }
        if let Some((stem, _)) = name.rsplit_once('.') {
            names.push(stem.to_string());
        }
        names.push(name);
    }
    assert!(names.len() >= 8, "the texts are found: {names:?}");
    names
}

/// [`problems`] and, besides, the file names of the source texts.
fn findings(ed: &bagalau_methodology::Edition, what: &str, text: &str) -> Vec<String> {
    let mut out = problems(ed, what, text);
    let lower = text.to_lowercase();
    for name in text_file_names() {
        if let Some(line) = lower.lines().find(|l| l.contains(&name)) {
            out.push(format!("{what}: имя файла «{name}» в «{line}»"));
        }
    }
    out
}

/// The text of an HTML page without its tags: block elements on lines of their own, table rows
/// as `| cell | cell |` (the shape [`problems`] reads, as `to_text` writes them).
fn html_text(html: &str) -> String {
    let body = html.split_once("<body").map_or(html, |x| x.1);
    let mut out = String::with_capacity(body.len());
    let mut tag = String::new();
    let mut in_tag = false;
    for ch in body.chars() {
        match ch {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' if in_tag => {
                in_tag = false;
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                let closing = tag.starts_with('/');
                match (name.as_str(), closing) {
                    ("tr", false) => out.push_str("\n| "),
                    ("td" | "th", true) => out.push_str(" | "),
                    ("tr", true) => out.push('\n'),
                    (
                        "p" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "br" | "section"
                        | "header" | "footer" | "style" | "svg" | "text",
                        _,
                    ) => out.push('\n'),
                    _ => {}
                }
            }
            c if in_tag => tag.push(c),
            c => out.push(c),
        }
    }
    // Styles are not text.
    let out = out.replace("&nbsp;", "\u{a0}").replace('\u{ad}', "");
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains('{') && !l.contains('}'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paragraphs of a DOCX (`word/document.xml`), one per line.
fn docx_text(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("docx is a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("document.xml"),
        &mut xml,
    )
    .expect("utf-8");
    let xml = xml
        .replace("<w:tr>", "\n| <w:tr>")
        .replace("<w:tr ", "\n| <w:tr ")
        .replace("<w:tab/>", "\t")
        .replace("</w:p>", "</w:p>\n")
        .replace("</w:tc>", "</w:tc> | ");
    let mut out = String::new();
    let mut in_tag = false;
    for ch in xml.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Issue 11, acceptance: every kind of document rendered from every shipped example — the
/// conclusion (text, HTML, DOCX) for the body and for each direction, the act, the disagreement
/// table, the XLSX export, the annual report with its verification sheet and the output of
/// `edition fidelity` — holds no «seed», no file name of a source text, no input code of the
/// edition and no number with a decimal point.
#[test]
fn issue11_every_document_kind_of_every_example_is_official_text() {
    let mut found = Vec::new();
    let mut documents = 0usize;
    for (edition, data) in [
        ("methodologies/2014-services", "examples/2014-services"),
        ("methodologies/2014-services", "examples/2014-equal-load"),
        ("methodologies/2017-services", "examples/2017-karaganda"),
        ("methodologies/2017-services", "examples/2017-services"),
        (
            "methodologies/2018-interaction",
            "examples/2018-interaction",
        ),
        (
            "methodologies/2021-operational-2023-june",
            "examples/2021-operational",
        ),
        (
            "methodologies/2021-operational-2023-publication",
            "examples/2021-operational-publication",
        ),
    ] {
        let l = load(edition, data);
        let run = l.run();
        let facts_file = root().join(data).join("documents/facts.csv");
        let facts = if facts_file.is_file() {
            bagalau_report::act::read_facts(&facts_file).expect("facts")
        } else {
            Vec::new()
        };
        let mut directions: Vec<Option<&str>> = vec![None];
        directions.extend(l.ed.directions.iter().map(|d| Some(d.code.as_str())));
        for (k, b) in l.out.bodies.iter().enumerate() {
            for lang in [Lang::Ru, Lang::Kk] {
                let extra = Extra::default().with_data(&l.data, &b.id);
                for dir in &directions {
                    let Ok(doc) =
                        bagalau_report::conclusion::conclusion(&run, &b.id, *dir, lang, &extra)
                    else {
                        continue;
                    };
                    let what = format!("{data}: заключение {} {dir:?} {lang:?}", b.id);
                    found.extend(findings(&l.ed, &what, &bagalau_office::to_text(&doc)));
                    found.extend(findings(
                        &l.ed,
                        &format!("{what} (HTML)"),
                        &html_text(&bagalau_office::to_html(&doc)),
                    ));
                    if k == 0 {
                        let bytes = bagalau_office::to_docx(&doc).expect("docx");
                        found.extend(findings(
                            &l.ed,
                            &format!("{what} (DOCX)"),
                            &docx_text(bytes),
                        ));
                    }
                    documents += 1;
                }
                let mine: Vec<_> = facts.iter().filter(|f| f.body == b.id).cloned().collect();
                let names = l.data.names.get(&b.id).cloned().unwrap_or_default();
                let act =
                    bagalau_report::act::act_named(&run, &b.id, &mine, lang, &names).expect("act");
                found.extend(findings(
                    &l.ed,
                    &format!("{data}: акт {} {lang:?}", b.id),
                    &bagalau_office::to_text(&act),
                ));
                if k == 0 {
                    found.extend(findings(
                        &l.ed,
                        &format!("{data}: акт {} {lang:?} (DOCX)", b.id),
                        &docx_text(bagalau_office::to_docx(&act).expect("docx")),
                    ));
                }
                documents += 1;
            }
        }
        let book = bagalau_report::export::run_workbook(&run, &l.data.dataset);
        found.extend(findings(&l.ed, &format!("{data}: xlsx"), &xlsx_text(&book)));
        let fidelity = bagalau::edition_fidelity(&root().join(edition), bagalau::Format::Text)
            .expect("fidelity");
        found.extend(fidelity_findings(&l.ed, edition, &fidelity));
        documents += 2;
    }
    // The disagreement table of the example's objections.
    let l = load("methodologies/2017-services", "examples/2017-services");
    let run = l.run();
    let objections = bagalau_report::disagreement::read_objections(
        &root().join("examples/2017-services/documents/objections.csv"),
    )
    .expect("objections");
    let after = bagalau_report::disagreement::recompute(&run, &l.data.dataset, &objections)
        .expect("recompute");
    let bodies: BTreeSet<&str> = objections.iter().map(|o| o.body.as_str()).collect();
    for body in bodies {
        for lang in [Lang::Ru, Lang::Kk] {
            let names = l.data.names.get(body).cloned().unwrap_or_default();
            let doc = bagalau_report::disagreement::disagreement_named(
                &run,
                body,
                &objections,
                &after,
                lang,
                &names,
            )
            .expect("table");
            found.extend(findings(
                &l.ed,
                &format!("таблица разногласий {body} {lang:?}"),
                &bagalau_office::to_text(&doc),
            ));
            documents += 1;
        }
    }
    // The annual report of the 2020 rating (seed 004's three blocks) with its verification sheet.
    let l = load(
        "methodologies/2018-interaction",
        "examples/2018-interaction",
    );
    let rating = root().join("examples/2020-rating");
    let blocks: Vec<bagalau_report::annual::BlockRating> = [
        ("Достижение целей", "goals.csv"),
        (
            "Взаимодействие с физическими и юридическими лицами",
            "interaction.csv",
        ),
        ("Организационное развитие", "organisational.csv"),
    ]
    .iter()
    .map(|(name, file)| bagalau_report::annual::BlockRating {
        name: name.to_string(),
        rating: bagalau_data::rating::rate(
            bagalau_data::rating::read_scores(&rating.join(file)).expect("scores"),
            &l.ed.degrees,
        ),
        directions: Vec::new(),
    })
    .collect();
    let bodies =
        bagalau_report::annual_bodies::Bodies::open(&rating.join("bodies.csv")).expect("bodies");
    let annual = bagalau_report::annual::Annual {
        period: 2020,
        blocks: &blocks,
        degrees: &l.ed.degrees,
        appendix: Some(&l.ed),
        bodies: Some(&bodies),
    };
    for lang in [Lang::Ru, Lang::Kk] {
        let doc = bagalau_report::annual::annual(&annual, lang);
        found.extend(findings(
            &l.ed,
            &format!("годовой отчёт {lang:?}"),
            &bagalau_office::to_text(&doc),
        ));
        found.extend(findings(
            &l.ed,
            &format!("годовой отчёт {lang:?} (HTML)"),
            &html_text(&bagalau_office::to_html(&doc)),
        ));
        found.extend(findings(
            &l.ed,
            &format!("годовой отчёт {lang:?} (DOCX)"),
            &docx_text(bagalau_office::to_docx(&doc).expect("docx")),
        ));
        documents += 1;
    }
    let check = bagalau_report::annual::verification(&annual);
    found.extend(findings(&l.ed, "лист сверки", &xlsx_text(&check)));
    let mut sheets = bagalau_office::Workbook { sheets: Vec::new() };
    for b in &blocks {
        sheets
            .sheets
            .push(bagalau_report::export::rating_sheet(&b.name, &b.rating));
    }
    found.extend(findings(&l.ed, "xlsx рейтинга", &xlsx_text(&sheets)));
    eprintln!("{documents} documents read");
    assert!(documents > 200, "{documents} documents read");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The fidelity report is the methodologist's list of the edition's items against the act: it
/// names each item by its code and keeps the reconstruction notes (with the one-edit alternatives
/// in the formula language and the numbering of items, «3.1–3.4»), but, like a document, it cites
/// no seed and no file name of a source text.
fn fidelity_findings(ed: &bagalau_methodology::Edition, edition: &str, text: &str) -> Vec<String> {
    let what = format!("edition fidelity {edition}");
    findings(ed, &what, text)
        .into_iter()
        .filter(|f| f.contains("«seed»") || f.contains("имя файла"))
        .collect()
}

/// Issue 11, item 1: the engine records what an aggregate did as data — the rows taken and the
/// exact values — and the document side words it (names, decimal comma).
#[test]
fn issue11_trace_notes_are_data_worded_by_the_report() {
    use bagalau_engine::exact::from_int;
    use bagalau_engine::trace::{Note, RowAggregate, RowSelection};
    let l = load("methodologies/2014-services", "examples/2014-services");
    let b = l.out.bodies.iter().find(|b| b.id == "MZSR").expect("MZSR");
    let node = l.ed.node("satisfaction_own").expect("node");
    let step = l.out.computed.steps[b.index]
        .iter()
        .find(|s| s.node == node)
        .expect("step");
    assert_eq!(
        step.notes,
        vec![Note::Rows {
            selection: RowSelection {
                table: "services".into(),
                taken: 6,
                rows: 8,
                filtered: true,
            },
            aggregate: RowAggregate::Mean {
                total: from_int(92),
                mean: Some(from_int(46) / from_int(3)),
            },
        }]
    );
    let words = bagalau_report::trace::note(
        &l.ed,
        &step.notes[0],
        bagalau_report::trace::Figures::Document,
        Lang::Ru,
    );
    assert!(
        words.ends_with("(6 из 8, по условию): 92 / 6 = 15,3333") && !words.contains("services"),
        "{words}"
    );
}

/// Issue 11, item 3: the act and the disagreement table name the body as the dataset writes it —
/// the full name under the heading, the genitive in the body's signature line.
#[test]
fn issue11_act_and_disagreement_use_the_forms_of_the_name() {
    let l = load("methodologies/2017-services", "examples/2017-karaganda");
    let names = l.data.names.get("kar").cloned().unwrap_or_default();
    assert!(names.genitive.is_some(), "the example gives the genitive");
    let act = bagalau_report::act::act_named(&l.run(), "kar", &[], Lang::Ru, &names).expect("act");
    let text = bagalau_office::to_text(&act);
    assert!(text.contains("\nАкимат Карагандинской области\n"), "{text}");
    assert!(
        text.contains("Представитель Акимата Карагандинской области, должность"),
        "{text}"
    );
    let dataset = &l.data.dataset;
    let objection = "body,number,statement,recommendation,objection,decision,accepted,note\n\
                     kar,1,Замечание,Рекомендация,Возражение,Отклонено,нет,\n";
    let objections =
        bagalau_report::disagreement::read_objections_from(objection.as_bytes(), "o.csv")
            .expect("objections");
    let after =
        bagalau_report::disagreement::recompute(&l.run(), dataset, &objections).expect("after");
    let doc = bagalau_report::disagreement::disagreement_named(
        &l.run(),
        "kar",
        &objections,
        &after,
        Lang::Ru,
        &names,
    )
    .expect("table");
    let text = bagalau_office::to_text(&doc);
    assert!(text.contains("\nАкимат Карагандинской области\n"), "{text}");
    assert!(
        text.contains("представитель Акимата Карагандинской области"),
        "{text}"
    );
    assert!(text.contains("Отчетный период: 2017 год"), "{text}");
}

/// Issue 11, item 5: the Kazakh annual report words the analysis where the glossary and the
/// editions give the words — the group, its average with the previous year's, the degrees.
#[test]
fn issue11_kazakh_annual_analysis_where_the_words_are_known() {
    let l = load(
        "methodologies/2018-interaction",
        "examples/2018-interaction",
    );
    let rating = root().join("examples/2020-rating");
    let blocks = vec![bagalau_report::annual::BlockRating {
        name: "Взаимодействие с физическими и юридическими лицами".into(),
        rating: bagalau_data::rating::rate(
            bagalau_data::rating::read_scores(&rating.join("interaction.csv")).expect("scores"),
            &l.ed.degrees,
        ),
        directions: Vec::new(),
    }];
    let annual = bagalau_report::annual::Annual {
        period: 2020,
        blocks: &blocks,
        degrees: &l.ed.degrees,
        appendix: None,
        bodies: None,
    };
    let kk = bagalau_office::to_text(&bagalau_report::annual::annual(&annual, Lang::Kk));
    let ru = bagalau_office::to_text(&bagalau_report::annual::annual(&annual, Lang::Ru));
    for needle in [
        "Орталық мемлекеттік органдар (ОМО)",
        "Жергілікті атқарушы органдар (ЖАО)",
        "Орташа мән, ОМО: ",
        "Қызмет тиімділігінің дәрежесі: ",
    ] {
        assert!(kk.contains(needle), "«{needle}» in:\n{kk}");
    }
    assert!(
        kk.contains(" жылы — "),
        "the previous year's average:\n{kk}"
    );
    for needle in [
        "Центральные государственные органы (ЦГО)",
        "Среднее значение оценки центральных государственных органов по блоку составило",
        "Степень эффективности деятельности: ",
    ] {
        assert!(ru.contains(needle), "«{needle}» in:\n{ru}");
    }
    assert!(!kk.contains("Степень эффективности деятельности:"), "{kk}");
}

/// Issue 11, item 1: `explain` is worded by the report from the engine's trace — values with a
/// decimal comma and, when the decimal does not terminate, the exact fraction.
#[test]
fn issue11_explain_figures_have_commas_and_fractions() {
    let l = load("methodologies/2017-services", "examples/2017-karaganda");
    let text = bagalau_report::explain::explain(&l.ed, &l.out, "kar", None).expect("explains");
    assert!(
        text.contains(
            "Итог: 40,9486935706… (= 207511231/5067591) балла; место 1 из 1; степень эффективности: неэффективная"
        ),
        "{text}"
    );
    for line in text.lines().filter(|l| {
        let t = l.trim_start();
        t.starts_with("Результат:") || t.starts_with("• ") || t.starts_with("− ")
    }) {
        let value = line.split(" — ").next().unwrap_or(line);
        let b = value.as_bytes();
        let dotted = (1..b.len().saturating_sub(1))
            .any(|i| b[i] == b'.' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit());
        assert!(!dotted, "a decimal point in «{line}»");
    }
    assert!(
        text.contains("Результат: 5\u{202f}067\u{202f}591"),
        "{text}"
    );
}
