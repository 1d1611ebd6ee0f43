//! Issue 11, item 5: the annual report rebuilt from seed 004's three blocks, read as its readers
//! read it — the rendered PDF, page by page (`pdftotext -layout -f N -l N`): a title page, the
//! contents with page numbers that are right, an introduction, an analysis per block, the body
//! pages with full names in the seed's order, the bodies not rated, and no internal notes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use bagalau::documents::{annual_command, AnnualArgs, DocFormat, DocLang};
use common::root;

const BLOCKS: [&str; 3] = [
    "Достижение целей=examples/2020-rating/goals.csv",
    "Взаимодействие с физическими и юридическими лицами=examples/2020-rating/interaction.csv",
    "Организационное развитие=examples/2020-rating/organisational.csv",
];

/// Chromium and pdftotext: required in CI (`BAGALAU_REQUIRE_CHROMIUM=1`), skipped loudly
/// elsewhere.
fn tools() -> bool {
    let pdftotext = Command::new("pdftotext").arg("-v").output().is_ok();
    let have = bagalau_office::find_chromium().is_some() && pdftotext;
    if !have {
        assert!(
            std::env::var("BAGALAU_REQUIRE_CHROMIUM").is_err(),
            "Chromium and pdftotext are required (BAGALAU_REQUIRE_CHROMIUM is set)"
        );
        eprintln!("SKIPPED: Chromium or pdftotext (poppler-utils) not installed");
    }
    have
}

fn render(dir: &Path, format: DocFormat, name: &str) -> (PathBuf, String) {
    let scores: Vec<String> = BLOCKS
        .iter()
        .map(|b| {
            let (name, file) = b.split_once('=').expect("NAME=FILE");
            format!("{name}={}", root().join(file).display())
        })
        .collect();
    let out = dir.join(name);
    let edition = root().join("methodologies/2018-interaction");
    let msg = annual_command(&AnnualArgs {
        scores: &scores,
        data: None,
        period: 2020,
        edition: &edition,
        format,
        lang: DocLang::Ru,
        out: &out,
    })
    .expect("annual report");
    (out, msg)
}

fn page_count(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

/// The text of page `n` (1-based), as `pdftotext -layout` reads it.
fn page(pdf: &Path, n: usize) -> String {
    let out = Command::new("pdftotext")
        .args([
            "-layout",
            "-enc",
            "UTF-8",
            "-f",
            &n.to_string(),
            "-l",
            &n.to_string(),
        ])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    assert!(out.status.success(), "pdftotext page {n}");
    // The soft hyphens of the HTML (issue 11, item 4) stay in the PDF's text layer.
    // A word broken there ends its line with «‐» (U+2010).
    String::from_utf8_lossy(&out.stdout)
        .replace('\u{ad}', "")
        .replace("\u{2010}\n", "\n")
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The contents as printed: «text … page» lines; a line without a number continues the entry
/// above it (a long name wrapped in its cell).
fn contents(pages: &[String]) -> Vec<(String, usize)> {
    let start = pages
        .iter()
        .position(|p| p.lines().any(|l| l.trim() == "СОДЕРЖАНИЕ"))
        .expect("a contents page");
    let mut entries: Vec<(String, usize)> = Vec::new();
    for p in &pages[start..] {
        let mut any = false;
        for line in p.lines() {
            let t = line.trim();
            // The page's footer («стр. 3 из 72») is no entry of the contents.
            let footer = t.starts_with("стр. ") && t.contains(" из ");
            if t.is_empty() || t == "СОДЕРЖАНИЕ" || t.chars().all(|c| c.is_ascii_digit()) || footer
            {
                continue;
            }
            let (text, num) = match t.rsplit_once(char::is_whitespace) {
                Some((text, num)) if num.chars().all(|c| c.is_ascii_digit()) => {
                    (text.trim().to_string(), num.parse::<usize>().ok())
                }
                _ => (t.to_string(), None),
            };
            match num {
                Some(n) => {
                    entries.push((text, n));
                    any = true;
                }
                None => {
                    if let Some(last) = entries.last_mut() {
                        last.0 = format!("{} {text}", last.0);
                    }
                }
            }
        }
        if !any {
            break;
        }
        if entries.iter().any(|(t, _)| t.starts_with("ПРИЛОЖЕНИЕ")) {
            break;
        }
    }
    entries
}

#[test]
fn the_annual_report_reads_as_seed_004() {
    if !tools() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (pdf, msg) = render(dir.path(), DocFormat::Pdf, "annual.pdf");
    let n = page_count(&pdf);
    let pages: Vec<String> = (1..=n).map(|k| page(&pdf, k)).collect();
    assert!((45..=80).contains(&n), "{n} pages (seed 004 has about 72)");

    // Title page: the issuing bodies and the year.
    for needle in [
        "АДМИНИСТРАЦИЯ ПРЕЗИДЕНТА РЕСПУБЛИКИ КАЗАХСТАН",
        "СЧЕТНЫЙ КОМИТЕТ",
        "ОПЕРАЦИОННАЯ ОЦЕНКА ЭФФЕКТИВНОСТИ",
        "за 2020 год",
    ] {
        assert!(pages[0].contains(needle), "title page lacks «{needle}»");
    }
    // Abbreviations, generated from the bodies' short names.
    assert!(pages[1].contains("СПИСОК СОКРАЩЕНИЙ"));
    assert!(squeeze(&pages[1]).contains(&squeeze(
        "МЦРИАП Министерство цифрового развития, инноваций и аэрокосмической"
    )));
    assert!(squeeze(&pages[1]).contains(&squeeze("ВКО Восточно-Казахстанская область")));

    // The contents: every heading listed is on the page the contents says.
    let toc = contents(&pages);
    assert!(toc.len() >= 45, "{} entries: {toc:?}", toc.len());
    for (text, p) in &toc {
        assert!(*p >= 1 && *p <= n, "«{text}»: page {p} of {n}");
        let on = squeeze(&pages[p - 1]);
        assert!(
            on.contains(&squeeze(text)),
            "«{text}» is not on page {p}:\n{}",
            pages[p - 1]
        );
    }
    let listed: Vec<&str> = toc.iter().map(|(t, _)| t.as_str()).collect();
    for heading in [
        "ВВЕДЕНИЕ",
        "РЕЗУЛЬТАТЫ ОПЕРАЦИОННОЙ ОЦЕНКИ",
        "Достижение целей",
        "Взаимодействие с физическими и юридическими лицами",
        "Организационное развитие",
        "РЕЗУЛЬТАТЫ ОЦЕНКИ В РАЗРЕЗЕ ЦЕНТРАЛЬНЫХ ГОСУДАРСТВЕННЫХ ОРГАНОВ",
        "РЕЗУЛЬТАТЫ ОЦЕНКИ В РАЗРЕЗЕ МЕСТНЫХ ИСПОЛНИТЕЛЬНЫХ ОРГАНОВ",
    ] {
        assert!(listed.contains(&heading), "contents lack «{heading}»");
    }

    // Body pages: full names, in the order of bodies.csv (seed 004's order), АЗРК and МЧС with
    // the reason they are not rated.
    let mut bodies =
        csv::Reader::from_path(root().join("examples/2020-rating/bodies.csv")).expect("bodies");
    let full: Vec<String> = bodies
        .records()
        .map(|r| r.expect("row")[2].to_string())
        .collect();
    assert_eq!(full.len(), 41);
    let order: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|t| full.iter().any(|f| f == t))
        .collect();
    assert_eq!(order, full, "body pages in the seed's order, by full name");
    let page_of = |name: &str| toc.iter().find(|(t, _)| t == name).map(|(_, p)| *p);
    // One or two pages per body.
    for pair in full.windows(2) {
        let (a, b) = (page_of(&pair[0]), page_of(&pair[1]));
        let (Some(a), Some(b)) = (a, b) else {
            panic!("{pair:?} not in the contents");
        };
        assert!(
            (1..=2).contains(&(b - a)),
            "{} takes {} pages",
            pair[0],
            b - a
        );
    }
    for name in [
        "Агентство по защите и развитию конкуренции Республики Казахстан",
        "Министерство по чрезвычайным ситуациям Республики Казахстан",
    ] {
        let p = page_of(name).expect("page of a body not rated");
        assert!(
            squeeze(&pages[p - 1]).contains(&squeeze("не включены в рейтинг")),
            "{name}"
        );
    }
    // A body page: ГП, 2020 — 90,6, 2nd of 22; 2019 — 91,8, 1st of 21.
    let gp = page_of("Генеральная прокуратура Республики Казахстан").expect("ГП");
    assert!(
        squeeze(&pages[gp - 1]).contains(&squeeze("91,8 1 из 21 90,6 2 из 22")),
        "{}",
        pages[gp - 1]
    );

    let all = pages.join("\n");
    let flat = squeeze(&all);
    // Introduction and an analysis per block and group.
    assert!(flat.contains(&squeeze("Настоящий сборник содержит основные результаты")));
    assert_eq!(
        all.matches("Наиболее высокие результаты").count(),
        6,
        "one analysis per block and group"
    );
    assert!(flat.contains(&squeeze("Наибольший подъём — МЭГПР: с 10-го на 3-е место")));
    // No internal notes, no file names, no decimal point, no edition of other years.
    for word in [
        "seed",
        "Seed",
        ".csv",
        ".txt",
        "места вычислены",
        "Расхождения в исходных данных",
        "не согласуется",
        "2018–2019",
        "Взаимодействие с гражданами",
    ] {
        assert!(!all.contains(word), "«{word}» in the report");
    }
    let chars: Vec<char> = all.chars().collect();
    for w in chars.windows(3) {
        assert!(
            !(w[0].is_ascii_digit() && w[1] == '.' && w[2].is_ascii_digit()),
            "a decimal point: «{}{}{}»",
            w[0],
            w[1],
            w[2]
        );
    }
    // The discrepancies of the sources are in the verification sheet beside the report.
    let sheet = dir.path().join("annual.сверка.xlsx");
    assert!(sheet.is_file(), "{msg}");
    assert!(msg.contains("annual.сверка.xlsx"), "{msg}");
}

#[test]
fn html_and_docx_list_the_contents_without_page_numbers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (html, _) = render(dir.path(), DocFormat::Html, "annual.html");
    let text = std::fs::read_to_string(html).expect("html");
    assert!(text.contains("<main class=\"doc portrait\" lang=\"ru\">"));
    assert!(text.contains("hyphens: auto"));
    assert!(text.contains("СОДЕРЖАНИЕ"));
    assert!(text.contains("Акимат Северо-Казахстанской области"));
    assert!(!text.contains("места вычислены"));
    let (docx, _) = render(dir.path(), DocFormat::Docx, "annual.docx");
    assert!(std::fs::metadata(docx).expect("docx").len() > 10_000);
}

/// For a period the edition governs (2018 under the 2018–2019 edition) the appendix prints its
/// criteria, each direction's table numbered through («1», «1.1», …, «5» for the local bodies'
/// criteria after the central ones' — never a second «1» in one table).
#[test]
fn the_appendix_numbers_each_table_through() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("a2018.html");
    let edition = root().join("methodologies/2018-interaction");
    let data = root().join("examples/2018-interaction");
    annual_command(&AnnualArgs {
        scores: &[],
        data: Some(&data),
        period: 2018,
        edition: &edition,
        format: DocFormat::Html,
        lang: DocLang::Ru,
        out: &out,
    })
    .expect("annual report");
    let html = std::fs::read_to_string(&out).expect("html");
    let at = html
        .find("Критерии оценки блока")
        .expect("criteria appendix");
    let tables: Vec<&str> = html[at..].split("<table").skip(1).collect();
    assert_eq!(tables.len(), 3, "one table per direction");
    for t in tables {
        let t = t.split("</table>").next().unwrap_or_default();
        let numbers: Vec<&str> = t
            .split("<tr>")
            .filter_map(|row| {
                let cell = row.split_once("<td")?.1;
                let text = cell.split_once('>')?.1;
                text.split_once("</td>").map(|(n, _)| n)
            })
            .collect();
        assert!(numbers.len() >= 3, "{numbers:?}");
        let mut seen = std::collections::HashSet::new();
        for n in &numbers {
            assert!(seen.insert(*n), "«{n}» twice in one table: {numbers:?}");
        }
        let top: Vec<&str> = numbers
            .iter()
            .copied()
            .filter(|n| !n.contains('.'))
            .collect();
        let expected: Vec<String> = (1..=top.len()).map(|k| k.to_string()).collect();
        assert_eq!(top, expected, "top-level numbers run 1, 2, 3, …");
    }
}

/// The period comes from the command line: year 0 has no previous year, and must not panic.
#[test]
fn a_period_without_a_previous_year_does_not_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("p0.html");
    let edition = root().join("methodologies/2018-interaction");
    let scores = [format!(
        "Достижение целей={}",
        root().join("examples/2020-rating/goals.csv").display()
    )];
    let msg = annual_command(&AnnualArgs {
        scores: &scores,
        data: None,
        period: 0,
        edition: &edition,
        format: DocFormat::Html,
        lang: DocLang::Ru,
        out: &out,
    })
    .expect("a report");
    assert!(msg.contains("p0.html"), "{msg}");
}

/// The body pages' charts show the group average as a bar of its own: no reference line that a
/// value label could run into.
#[test]
fn body_charts_have_no_line_for_labels_to_collide_with() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (html, _) = render(dir.path(), DocFormat::Html, "annual.html");
    let text = std::fs::read_to_string(html).expect("html");
    let charts = text.matches("<figure class=\"chart\"").count();
    assert_eq!(charts, 39, "one chart per rated body");
    assert!(text.contains("среднее ЦГО, 2020"));
    assert!(
        !text.contains("<line class=\"ref\""),
        "a reference line in a chart"
    );
}
