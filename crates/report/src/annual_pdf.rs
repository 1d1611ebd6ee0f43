//! The annual report as PDF with the contents' page numbers. Chromium lays out the pages, so the
//! numbers can only be known after a rendering: the report is printed once with the contents
//! filled with zeros, the page of each listed heading is read from the PDF's text (`pdftotext
//! -layout`, pages separated by form feeds), and the report is printed again with those numbers.
//! The contents occupy the same rows either way, so the pages do not move; the second rendering
//! is read back too, and a third one is made if anything moved (never seen; at most four).
//!
//! A heading is found where one to four consecutive lines of a page, without their whitespace,
//! are exactly the heading's text without its whitespace (headings are never hyphenated:
//! `hyphens: manual` on h1–h3), searching each entry from the page of the previous one. The line
//! of the contents itself ends with a page number, so it never matches.

use std::process::Command;

use bagalau_office::Lang;

use crate::annual::{annual_paged, Annual, ContentsEntry};
use crate::ReportError;

/// Renders the report to PDF with correct page numbers in its contents.
pub fn annual_pdf(a: &Annual, lang: Lang) -> Result<Vec<u8>, ReportError> {
    let (_, entries) = annual_paged(a, lang, None);
    let mut pages = vec![0usize; entries.len()];
    // One browser for every pass.
    let mut session =
        bagalau_office::PdfSession::start().map_err(|e| ReportError::Render(e.to_string()))?;
    for _ in 0..4 {
        let (doc, entries) = annual_paged(a, lang, Some(&pages));
        let pdf = session
            .print(&bagalau_office::to_html(&doc))
            .map_err(|e| ReportError::Render(e.to_string()))?;
        let found = locate(&page_texts(&pdf)?, &entries)?;
        if found == pages {
            session.close();
            return Ok(pdf);
        }
        pages = found;
    }
    Err(ReportError::Render(
        "номера страниц содержания не устанавливаются: вёрстка меняется от прохода к проходу"
            .into(),
    ))
}

/// The text of every page (`pdftotext -layout`), in order.
pub fn page_texts(pdf: &[u8]) -> Result<Vec<String>, ReportError> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let path =
        std::env::temp_dir().join(format!("bagalau-annual-{}-{stamp}.pdf", std::process::id()));
    std::fs::write(&path, pdf)
        .map_err(|e| ReportError::Render(format!("временный файл {}: {e}", path.display())))?;
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    let out = out.map_err(|e| {
        ReportError::Render(format!(
            "pdftotext (poppler-utils) не запускается: {e}; нужен для номеров страниц содержания"
        ))
    })?;
    if !out.status.success() {
        return Err(ReportError::Render(format!(
            "pdftotext: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    // Soft hyphens of the HTML are in the PDF's text layer (the text a reader sees has none),
    // and a word broken at a soft hyphen ends its line with «‐» (U+2010).
    let text = String::from_utf8_lossy(&out.stdout)
        .replace('\u{ad}', "")
        .replace("\u{2010}\n", "\n");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Ok(pages)
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether the heading's text makes whole lines of the page.
pub fn heading_on_page(page: &str, heading: &str) -> bool {
    let want = squeeze(heading);
    let lines: Vec<String> = page.lines().map(squeeze).collect();
    (0..lines.len()).any(|i| {
        let mut acc = String::new();
        for line in lines.iter().skip(i).take(4) {
            acc.push_str(line);
            if acc == want {
                return true;
            }
            if !want.starts_with(&acc) {
                return false;
            }
        }
        false
    })
}

/// The 1-based page of each entry, searching in order.
pub fn locate(pages: &[String], entries: &[ContentsEntry]) -> Result<Vec<usize>, ReportError> {
    let mut from = 0;
    let mut found = Vec::with_capacity(entries.len());
    for e in entries {
        let Some(k) = (from..pages.len()).find(|&k| heading_on_page(&pages[k], &e.text)) else {
            return Err(ReportError::Render(format!(
                "заголовок «{}» не найден в PDF после страницы {}",
                e.text,
                from + 1
            )));
        };
        found.push(k + 1);
        from = k;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_is_whole_lines_not_a_contents_line() {
        let page = "   ВВЕДЕНИЕ ..... 3\n\n  Министерство цифрового развития,\n  инноваций и аэрокосмической промышленности\n";
        assert!(!heading_on_page(page, "ВВЕДЕНИЕ"));
        assert!(heading_on_page(
            page,
            "Министерство цифрового развития, инноваций и аэрокосмической промышленности"
        ));
        assert!(!heading_on_page(page, "Министерство цифрового развития"));
        let entries = [
            ContentsEntry {
                level: 1,
                text: "А".into(),
            },
            ContentsEntry {
                level: 2,
                text: "Б".into(),
            },
        ];
        let pages = ["Б\n".to_string(), "А\n".to_string(), "x\nБ\n".to_string()];
        assert_eq!(locate(&pages, &entries).expect("found"), [2, 3]);
        assert!(locate(&pages[..2], &entries).is_err());
    }
}
