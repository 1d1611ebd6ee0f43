//! Issue 11, item 6: one browser session prints many documents.
//!
//! Skips (loudly) without Chromium and pdftoppm unless `BAGALAU_REQUIRE_CHROMIUM=1`.

use bagalau_office::pdf::find_pdftoppm;
use bagalau_office::{
    find_chromium, pdf_to_png, to_html, Align, Block, Document, Lang, PdfSession, Run,
};

fn ready() -> bool {
    if find_chromium().is_some() && find_pdftoppm().is_some() {
        return true;
    }
    if std::env::var("BAGALAU_REQUIRE_CHROMIUM").as_deref() == Ok("1") {
        panic!("BAGALAU_REQUIRE_CHROMIUM=1, but chromium or pdftoppm is missing");
    }
    eprintln!("!!! SKIPPED pdf_session: Chromium or pdftoppm not found (apt-get install chromium poppler-utils) !!!");
    false
}

/// A document of `pages` pages (page breaks between paragraphs).
fn pages(pages: usize) -> Document {
    let mut blocks = Vec::new();
    for k in 0..pages {
        if k > 0 {
            blocks.push(Block::PageBreak);
        }
        blocks.push(Block::Paragraph {
            runs: vec![Run::plain(format!("Страница {} из {pages}", k + 1))],
            align: Align::Left,
        });
    }
    Document {
        lang: Lang::Ru,
        title: format!("Документ на {pages} стр."),
        landscape: false,
        blocks,
    }
}

#[test]
fn issue11_one_session_prints_documents_in_order() {
    if !ready() {
        return;
    }
    let mut session = PdfSession::start().expect("browser");
    // More documents than tabs, an odd number: every PDF comes back in its place.
    let htmls: Vec<String> = (1..=5).map(|n| to_html(&pages(n))).collect();
    let refs: Vec<&str> = htmls.iter().map(String::as_str).collect();
    let pdfs = session.print_all(&refs).expect("printed");
    assert_eq!(pdfs.len(), 5);
    for (k, pdf) in pdfs.iter().enumerate() {
        let n = pdf_to_png(pdf, 20).expect("pages").len();
        assert_eq!(n, k + 1, "document {} has {} pages", k + 1, k + 1);
    }
    // The same session keeps printing, one at a time too.
    let again = session.print(&to_html(&pages(2))).expect("printed");
    assert_eq!(pdf_to_png(&again, 20).expect("pages").len(), 2);
    assert!(
        !leftovers().0.is_empty(),
        "the session's folder exists while it runs"
    );
    assert!(!leftovers().1.is_empty(), "the browser runs");
    session.close();
    assert_eq!(
        leftovers(),
        (vec![], vec![]),
        "closed: no folder, no browser"
    );

    // Dropped without closing (an error path): the browser is killed, the folder removed.
    let session = PdfSession::start().expect("browser");
    assert!(!leftovers().1.is_empty(), "the browser runs");
    drop(session);
    let gone = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        leftovers() == (vec![], vec![])
    });
    assert!(gone, "dropped: {:?}", leftovers());
}

/// This process's temporary folders of the office crate, and the processes (not zombies) whose
/// environment names one (the browser and its helpers: their `HOME` is inside).
fn leftovers() -> (Vec<String>, Vec<String>) {
    let prefix = format!("bagalau-office-{}-", std::process::id());
    let folders: Vec<String> = std::fs::read_dir(std::env::temp_dir())
        .expect("temp dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    let mut processes = Vec::new();
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let environ = std::fs::read(e.path().join("environ")).unwrap_or_default();
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        let zombie = stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'));
        if !zombie && String::from_utf8_lossy(&environ).contains(&prefix) {
            processes.push(name);
        }
    }
    (folders, processes)
}
