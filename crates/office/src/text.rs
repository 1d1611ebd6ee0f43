//! Plain text of a document: what a reader sees, line by line — for snapshot tests and for
//! checking a document's figures without a browser. Table cells are separated by « | ».

use std::fmt::Write;

use crate::model::{Block, Document, Run};

fn runs(r: &[Run]) -> String {
    r.iter().map(|x| x.text.as_str()).collect()
}

/// The document as plain text.
pub fn to_text(doc: &Document) -> String {
    let mut s = String::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text } => {
                let _ = writeln!(s, "{} {text}", "#".repeat(usize::from(*level)));
            }
            Block::Paragraph { runs: r, .. } => {
                let _ = writeln!(s, "{}", runs(r));
            }
            Block::List { ordered, items } => {
                for (k, it) in items.iter().enumerate() {
                    if *ordered {
                        let _ = writeln!(s, "  {}. {}", k + 1, runs(it));
                    } else {
                        let _ = writeln!(s, "  • {}", runs(it));
                    }
                }
            }
            Block::Table(t) => {
                if let Some(c) = &t.caption {
                    let _ = writeln!(s, "[{c}]");
                }
                for row in t.header.iter().chain(&t.rows) {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| format!("{}{}", "  ".repeat(usize::from(c.indent)), c.text))
                        .collect();
                    let _ = writeln!(s, "| {} |", cells.join(" | "));
                }
            }
            Block::Chart(c) => {
                let _ = writeln!(s, "[диаграмма] {}", c.title);
                for bar in &c.bars {
                    let mark = if bar.highlight { " ◄" } else { "" };
                    let _ = writeln!(s, "  {}: {}{mark}", bar.label, bar.value_text);
                }
                if let Some((_, label)) = &c.reference {
                    let _ = writeln!(s, "  ({label})");
                }
            }
            Block::Editable { label, text, .. } => {
                let _ = writeln!(s, "{label}:");
                let _ = writeln!(s, "{}", if text.is_empty() { "________" } else { text });
            }
            Block::Signatures(sig) => {
                for x in sig {
                    let _ = writeln!(s, "{} ________ {}", x.position, x.name);
                }
            }
            Block::PageBreak => {
                let _ = writeln!(s, "---");
            }
        }
    }
    s
}
