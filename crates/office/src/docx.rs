//! DOCX: hand-written WordprocessingML (OOXML transitional) zipped with the `zip` crate.
//!
//! Why not a DOCX crate: we need only a small, fixed subset (paragraphs, runs, tables with
//! gridSpan / tblHeader / cantSplit, borders, sections), which is ~400 lines of plain XML we fully
//! control and can test by reading it back; `zip` is already pulled in by `rust_xlsxwriter`.
//!
//! As a Word user would have made it: lists are Word lists (`numbering.xml`: one abstract
//! numbering for numbered and one for bulleted lists, each numbered list its own `num` restarting
//! at 1), every font and size comes from `styles.xml` (the document defaults: Times New Roman
//! 12 pt; table text, list, footer and signature-hint styles), and the footer numbers the pages
//! «стр. N из M» with `PAGE` / `NUMPAGES` fields, not on the first page — as the PDF does.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::error::OfficeError;
use crate::html::{signature_date_line, signature_hints, width_permille};
use crate::model::{Align, Block, Cell, Chart, Document, Lang, Run, Signature, Table};

/// A4 in twentieths of a point, and the 15 mm margin.
const A4_SHORT: u32 = 11906;
const A4_LONG: u32 = 16838;
const MARGIN: u32 = 850;
/// Indent of one criterion-tree level in a table cell (0.5 cm).
const INDENT_STEP: u32 = 284;

/// Renders a document as a .docx file.
pub fn to_docx(doc: &Document) -> Result<Vec<u8>, OfficeError> {
    let mut lists = Lists::default();
    let document = document_xml(doc, &mut lists);
    let parts: [(&str, String); 11] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_xml(doc)),
        ("docProps/app.xml", APP_XML.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", styles_xml(doc.lang)),
        ("word/settings.xml", SETTINGS_XML.to_string()),
        ("word/numbering.xml", numbering_xml(&lists)),
        ("word/footer1.xml", footer_xml(Some(doc.lang))),
        ("word/footer2.xml", footer_xml(None)),
        ("word/document.xml", document),
    ];
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())
            .map_err(|e| OfficeError::Docx(e.to_string()))?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Escapes text for XML content and attribute values, dropping characters XML 1.0 forbids.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if !crate::sanitize::is_allowed(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Ru => "ru-RU",
        Lang::Kk => "kk-KZ",
    }
}

/// Run properties: bold, italic, and a character style (sizes live in `styles.xml`).
#[derive(Clone, Copy, Default)]
struct RunStyle {
    bold: bool,
    italic: bool,
    style: Option<&'static str>,
}

/// One `<w:r>` per line piece; `\n` becomes `<w:br/>`, `\t` `<w:tab/>`.
fn run_xml(out: &mut String, text: &str, style: RunStyle) {
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    if style.bold || style.italic || style.style.is_some() {
        out.push_str("<w:rPr>");
        if let Some(id) = style.style {
            let _ = write!(out, "<w:rStyle w:val=\"{id}\"/>");
        }
        if style.bold {
            out.push_str("<w:b/><w:bCs/>");
        }
        if style.italic {
            out.push_str("<w:i/><w:iCs/>");
        }
        out.push_str("</w:rPr>");
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                let _ = write!(
                    out,
                    "<w:t xml:space=\"preserve\">{}</w:t>",
                    xml_escape(piece)
                );
            }
        }
    }
    out.push_str("</w:r>");
}

fn jc(align: Align) -> &'static str {
    match align {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
        Align::Justify => "both",
    }
}

/// `numId` of bulleted lists (all share it: bullets need no restart).
const BULLETS_NUM_ID: u32 = 1;

/// The Word lists of a document: numbered lists get `numId`s 2, 3, … (each restarts at 1).
#[derive(Default)]
struct Lists {
    numbered: u32,
}

impl Lists {
    fn next_numbered(&mut self) -> u32 {
        self.numbered += 1;
        BULLETS_NUM_ID + self.numbered
    }
}

/// Paragraph properties, written in schema order.
#[derive(Clone, Copy, Default)]
struct ParaStyle {
    style: Option<&'static str>,
    keep_next: bool,
    /// A list item: the `numId` of its list (level 0).
    num: Option<u32>,
    border: Option<ParaBorder>,
    /// Spacing after, in twips (`None` keeps the style's).
    after: Option<u32>,
    before: Option<u32>,
    /// Left indent and hanging indent, in twips.
    indent: Option<(u32, u32)>,
    /// Right indent, in twips.
    right: u32,
    align: Option<Align>,
}

/// Paragraph borders.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ParaBorder {
    /// Dotted lines under this and each following paragraph with the same border: space to write.
    DottedLines,
    /// A solid line under the paragraph: a line to sign on.
    Rule,
}

fn ppr_xml(out: &mut String, p: ParaStyle) {
    let mut inner = String::new();
    if let Some(style) = p.style {
        let _ = write!(inner, "<w:pStyle w:val=\"{style}\"/>");
    }
    if p.keep_next {
        inner.push_str("<w:keepNext/>");
    }
    if let Some(num) = p.num {
        let _ = write!(
            inner,
            "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{num}\"/></w:numPr>"
        );
    }
    match p.border {
        Some(ParaBorder::DottedLines) => inner.push_str(
            "<w:pBdr><w:bottom w:val=\"dotted\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/>\
             <w:between w:val=\"dotted\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>",
        ),
        Some(ParaBorder::Rule) => inner.push_str(
            "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>",
        ),
        None => {}
    }
    if p.after.is_some() || p.before.is_some() {
        inner.push_str("<w:spacing");
        if let Some(before) = p.before {
            let _ = write!(inner, " w:before=\"{before}\"");
        }
        if let Some(after) = p.after {
            let _ = write!(inner, " w:after=\"{after}\"");
        }
        inner.push_str("/>");
    }
    if p.indent.is_some() || p.right > 0 {
        let (left, hanging) = p.indent.unwrap_or((0, 0));
        let _ = write!(inner, "<w:ind w:left=\"{left}\"");
        if p.right > 0 {
            let _ = write!(inner, " w:right=\"{}\"", p.right);
        }
        if hanging > 0 {
            let _ = write!(inner, " w:hanging=\"{hanging}\"");
        }
        inner.push_str("/>");
    }
    if let Some(align) = p.align {
        let _ = write!(inner, "<w:jc w:val=\"{}\"/>", jc(align));
    }
    if !inner.is_empty() {
        let _ = write!(out, "<w:pPr>{inner}</w:pPr>");
    }
}

fn para_xml(out: &mut String, p: ParaStyle, runs: &[(&str, RunStyle)]) {
    out.push_str("<w:p>");
    ppr_xml(out, p);
    for (text, style) in runs {
        run_xml(out, text, *style);
    }
    out.push_str("</w:p>");
}

fn document_xml(doc: &Document, lists: &mut Lists) -> String {
    let text_width = if doc.landscape {
        A4_LONG - 2 * MARGIN
    } else {
        A4_SHORT - 2 * MARGIN
    };
    let mut body = String::with_capacity(32 * 1024);
    for block in &doc.blocks {
        block_xml(&mut body, block, doc.lang, text_width, lists);
    }
    // Word wants the body (and so the text before sectPr) to end with a paragraph.
    if !body.ends_with("</w:p>") {
        body.push_str("<w:p/>");
    }
    let (w, h, orient) = if doc.landscape {
        (A4_LONG, A4_SHORT, " w:orient=\"landscape\"")
    } else {
        (A4_SHORT, A4_LONG, "")
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <w:body>{body}<w:sectPr>\
         <w:footerReference w:type=\"default\" r:id=\"rId4\"/>\
         <w:footerReference w:type=\"first\" r:id=\"rId5\"/>\
         <w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/>\
         <w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN}\" \
         w:header=\"425\" w:footer=\"425\" w:gutter=\"0\"/><w:titlePg/></w:sectPr></w:body></w:document>"
    )
}

fn block_xml(out: &mut String, block: &Block, lang: Lang, text_width: u32, lists: &mut Lists) {
    match block {
        Block::Heading { level, text } => {
            let style = match (*level).clamp(1, 3) {
                1 => "Heading1",
                2 => "Heading2",
                _ => "Heading3",
            };
            para_xml(
                out,
                ParaStyle {
                    style: Some(style),
                    ..ParaStyle::default()
                },
                &[(text.as_str(), RunStyle::default())],
            );
        }
        Block::Paragraph { runs, align } => {
            let runs = runs_of(runs);
            para_xml(
                out,
                ParaStyle {
                    align: (*align != Align::Left).then_some(*align),
                    ..ParaStyle::default()
                },
                &runs,
            );
        }
        Block::List { ordered, items } => {
            let num = if *ordered {
                lists.next_numbered()
            } else {
                BULLETS_NUM_ID
            };
            let n = items.len();
            for (i, item) in items.iter().enumerate() {
                para_xml(
                    out,
                    ParaStyle {
                        style: Some("ListParagraph"),
                        num: Some(num),
                        after: (i + 1 < n).then_some(0),
                        ..ParaStyle::default()
                    },
                    &runs_of(item),
                );
            }
        }
        Block::Table(table) => table_xml(out, table, text_width),
        Block::Chart(chart) => chart_xml(out, chart, text_width),
        Block::Editable { label, text, .. } => {
            if !label.is_empty() {
                bold_label_xml(out, label);
            }
            if text.trim().is_empty() {
                // Three dotted lines to write on.
                for i in 0..3 {
                    para_xml(
                        out,
                        ParaStyle {
                            keep_next: i < 2,
                            border: Some(ParaBorder::DottedLines),
                            after: Some(if i < 2 { 0 } else { 120 }),
                            ..ParaStyle::default()
                        },
                        &[],
                    );
                }
            } else {
                for line in text.lines() {
                    para_xml(
                        out,
                        ParaStyle {
                            align: Some(Align::Justify),
                            ..ParaStyle::default()
                        },
                        &[(line, RunStyle::default())],
                    );
                }
            }
        }
        Block::Signatures(signatures) => signatures_xml(out, signatures, lang, text_width),
        Block::PageBreak => out.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>"),
    }
}

fn runs_of(runs: &[Run]) -> Vec<(&str, RunStyle)> {
    runs.iter()
        .map(|r| {
            (
                r.text.as_str(),
                RunStyle {
                    bold: r.bold,
                    italic: r.italic,
                    style: None,
                },
            )
        })
        .collect()
}

/// Table grid: twip widths of each grid column. The grid has as many columns as the widest
/// row needs (the declared columns, or more if some row spans further).
pub(crate) fn grid_widths(table: &Table, text_width: u32) -> Vec<u32> {
    let span_of =
        |row: &Vec<Cell>| -> usize { row.iter().map(|c| usize::from(c.colspan.max(1))).sum() };
    let widest = table
        .header
        .iter()
        .chain(&table.rows)
        .map(span_of)
        .max()
        .unwrap_or(0);
    let n = widest.max(table.columns.len()).max(1);
    let mut widths: Vec<u16> = table.columns.iter().map(|c| c.width).collect();
    let fill = if widths.is_empty() {
        1
    } else {
        let sum: u32 = widths.iter().map(|&w| u32::from(w)).sum();
        u16::try_from(sum / u32::try_from(widths.len()).unwrap_or(1))
            .unwrap_or(1)
            .max(1)
    };
    widths.resize(n, fill);
    width_permille(&widths)
        .into_iter()
        .map(|pm| pm * text_width / 1000)
        .collect()
}

#[derive(Clone, Copy)]
struct TableLook {
    borders: bool,
}

fn tbl_start(out: &mut String, grid: &[u32], look: TableLook) {
    let total: u32 = grid.iter().sum();
    out.push_str("<w:tbl><w:tblPr>");
    let _ = write!(out, "<w:tblW w:w=\"{total}\" w:type=\"dxa\"/>");
    let border = if look.borders {
        "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\""
    } else {
        "w:val=\"nil\""
    };
    out.push_str("<w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(out, "<w:{side} {border}/>");
    }
    out.push_str("</w:tblBorders><w:tblLayout w:type=\"fixed\"/>");
    out.push_str(
        "<w:tblCellMar><w:top w:w=\"28\" w:type=\"dxa\"/><w:left w:w=\"85\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"28\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar>",
    );
    out.push_str("<w:tblLook w:val=\"0000\"/></w:tblPr><w:tblGrid>");
    for w in grid {
        let _ = write!(out, "<w:gridCol w:w=\"{w}\"/>");
    }
    out.push_str("</w:tblGrid>");
}

/// A table cell: `span` grid columns starting at `col`.
struct TcSpec<'a> {
    text: &'a str,
    span: usize,
    col: usize,
    bold: bool,
    italic: bool,
    /// A character style for the text (signature hints).
    style: Option<&'static str>,
    indent: u8,
    align: Align,
    shade: bool,
    bottom_rule: bool,
    keep_next: bool,
}

fn tc_xml(out: &mut String, grid: &[u32], tc: &TcSpec<'_>) {
    let width: u32 = grid.iter().skip(tc.col).take(tc.span).sum();
    out.push_str("<w:tc><w:tcPr>");
    let _ = write!(out, "<w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    if tc.span > 1 {
        let _ = write!(out, "<w:gridSpan w:val=\"{}\"/>", tc.span);
    }
    if tc.shade {
        out.push_str("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EEEEEE\"/>");
    }
    if tc.shade {
        out.push_str("<w:vAlign w:val=\"center\"/>");
    } else if tc.bottom_rule {
        out.push_str("<w:vAlign w:val=\"bottom\"/>");
    }
    out.push_str("</w:tcPr>");
    let indent = u32::from(tc.indent) * INDENT_STEP;
    para_xml(
        out,
        ParaStyle {
            style: Some("TableText"),
            keep_next: tc.keep_next,
            // A line to sign on, kept apart from its neighbour's by 2 mm on each side.
            border: tc.bottom_rule.then_some(ParaBorder::Rule),
            right: if tc.bottom_rule { 113 } else { 0 },
            indent: if tc.bottom_rule {
                Some((indent + 113, 0))
            } else {
                (indent > 0).then_some((indent, 0))
            },
            align: (tc.align != Align::Left).then_some(tc.align),
            ..ParaStyle::default()
        },
        &[(
            tc.text,
            RunStyle {
                bold: tc.bold,
                italic: tc.italic,
                style: tc.style,
            },
        )],
    );
    out.push_str("</w:tc>");
}

/// A bold one-line paragraph kept with what follows (table captions, editable labels).
fn bold_label_xml(out: &mut String, text: &str) {
    para_xml(
        out,
        ParaStyle {
            keep_next: true,
            after: Some(60),
            ..ParaStyle::default()
        },
        &[(
            text,
            RunStyle {
                bold: true,
                ..RunStyle::default()
            },
        )],
    );
}

fn table_xml(out: &mut String, table: &Table, text_width: u32) {
    if let Some(caption) = &table.caption {
        bold_label_xml(out, caption);
    }
    let grid = grid_widths(table, text_width);
    tbl_start(out, &grid, TableLook { borders: true });
    for (header, row) in table
        .header
        .iter()
        .map(|r| (true, r))
        .chain(table.rows.iter().map(|r| (false, r)))
    {
        out.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if header {
            out.push_str("<w:tblHeader/>");
        }
        out.push_str("</w:trPr>");
        let mut col = 0usize;
        for cell in row {
            if col >= grid.len() {
                break;
            }
            let span = usize::from(cell.colspan.max(1)).min(grid.len() - col);
            let align = if header {
                Align::Center
            } else {
                table.columns.get(col).map(|c| c.align).unwrap_or_default()
            };
            tc_xml(
                out,
                &grid,
                &TcSpec {
                    text: &cell.text,
                    span,
                    col,
                    bold: header || cell.bold,
                    italic: false,
                    style: None,
                    indent: cell.indent,
                    align,
                    shade: header,
                    bottom_rule: false,
                    keep_next: header,
                },
            );
            col += span;
        }
        // Pad short rows so every row covers the grid.
        if col < grid.len() {
            tc_xml(
                out,
                &grid,
                &TcSpec {
                    text: "",
                    span: grid.len() - col,
                    col,
                    bold: false,
                    italic: false,
                    style: None,
                    indent: 0,
                    align: Align::Left,
                    shade: header,
                    bottom_rule: false,
                    keep_next: false,
                },
            );
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    // Spacing after the table (and keeps two adjacent tables apart).
    spacer(out);
}

fn spacer(out: &mut String) {
    para_xml(
        out,
        ParaStyle {
            after: Some(0),
            ..ParaStyle::default()
        },
        &[],
    );
}

fn chart_xml(out: &mut String, chart: &Chart, text_width: u32) {
    if !chart.title.is_empty() {
        bold_label_xml(out, &chart.title);
    }
    let grid = [text_width * 3 / 4, text_width / 4];
    tbl_start(out, &grid, TableLook { borders: true });
    for bar in &chart.bars {
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (col, text, align) in [
            (0, bar.label.as_str(), Align::Left),
            (1, bar.value_text.as_str(), Align::Right),
        ] {
            tc_xml(
                out,
                &grid,
                &TcSpec {
                    text,
                    span: 1,
                    col,
                    bold: bar.highlight,
                    italic: false,
                    style: None,
                    indent: 0,
                    align,
                    shade: false,
                    bottom_rule: false,
                    keep_next: false,
                },
            );
        }
        out.push_str("</w:tr>");
    }
    if chart.bars.is_empty() {
        out.push_str("<w:tr>");
        tc_xml(
            out,
            &grid,
            &TcSpec {
                text: "",
                span: 2,
                col: 0,
                bold: false,
                italic: false,
                style: None,
                indent: 0,
                align: Align::Left,
                shade: false,
                bottom_rule: false,
                keep_next: false,
            },
        );
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    if let Some((_, label)) = &chart.reference {
        para_xml(
            out,
            ParaStyle {
                before: Some(60),
                ..ParaStyle::default()
            },
            &[(
                label.as_str(),
                RunStyle {
                    italic: true,
                    ..RunStyle::default()
                },
            )],
        );
    } else {
        spacer(out);
    }
}

fn signatures_xml(out: &mut String, signatures: &[Signature], lang: Lang, text_width: u32) {
    if signatures.is_empty() {
        return;
    }
    let (sign_hint, name_hint) = signature_hints(lang);
    let date = signature_date_line(lang);
    let grid = [
        text_width * 5 / 12,
        text_width * 3 / 12,
        text_width * 4 / 12,
    ];
    spacer(out);
    tbl_start(out, &grid, TableLook { borders: false });
    let n = signatures.len();
    for (i, sig) in signatures.iter().enumerate() {
        let plain = |text, col, align, bottom_rule, style: Option<&'static str>| TcSpec {
            text,
            span: 1,
            col,
            bold: false,
            italic: false,
            style,
            indent: 0,
            align,
            shade: false,
            bottom_rule,
            keep_next: true,
        };
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        tc_xml(
            out,
            &grid,
            &plain(&sig.position, 0, Align::Left, false, None),
        );
        tc_xml(out, &grid, &plain("", 1, Align::Center, true, None));
        tc_xml(out, &grid, &plain(&sig.name, 2, Align::Center, true, None));
        out.push_str("</w:tr><w:tr><w:trPr><w:cantSplit/></w:trPr>");
        tc_xml(
            out,
            &grid,
            &plain("", 0, Align::Left, false, Some("SignatureHint")),
        );
        tc_xml(
            out,
            &grid,
            &plain(sign_hint, 1, Align::Center, false, Some("SignatureHint")),
        );
        tc_xml(
            out,
            &grid,
            &plain(name_hint, 2, Align::Center, false, Some("SignatureHint")),
        );
        out.push_str("</w:tr><w:tr><w:trPr><w:cantSplit/><w:trHeight w:val=\"560\"/></w:trPr>");
        tc_xml(
            out,
            &grid,
            &TcSpec {
                span: 3,
                keep_next: i + 1 < n,
                ..plain(date, 0, Align::Left, false, None)
            },
        );
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    spacer(out);
}

fn core_xml(doc: &Document) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:creator>bagalau</dc:creator><dc:language>{}</dc:language>\
         </cp:coreProperties>",
        xml_escape(&doc.title),
        lang_tag(doc.lang)
    )
}

fn styles_xml(lang: Lang) -> String {
    let lang = lang_tag(lang);
    let heading = |id: u8, size: u32, center: bool| {
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{id}\"><w:name w:val=\"heading {id}\"/>\
             <w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>\
             <w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"120\"/>{}\
             <w:outlineLvl w:val=\"{}\"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val=\"{size}\"/>\
             <w:szCs w:val=\"{size}\"/></w:rPr></w:style>",
            if center { "<w:jc w:val=\"center\"/>" } else { "" },
            id - 1
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:docDefaults><w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/>\
         <w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/><w:lang w:val=\"{lang}\" w:eastAsia=\"{lang}\" w:bidi=\"ar-SA\"/>\
         </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/>\
         </w:pPr></w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         {}{}{}\
         <w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"TableText\"><w:name w:val=\"Table Text\"/>\
         <w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
         <w:rPr><w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/>\
         <w:basedOn w:val=\"Normal\"/><w:uiPriority w:val=\"34\"/><w:qFormat/></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/>\
         <w:basedOn w:val=\"Normal\"/><w:unhideWhenUsed/><w:pPr><w:spacing w:after=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
         <w:rPr><w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/></w:rPr></w:style>\
         <w:style w:type=\"character\" w:customStyle=\"1\" w:styleId=\"SignatureHint\"><w:name w:val=\"Signature Hint\"/>\
         <w:rPr><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/></w:rPr></w:style>\
         <w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/>\
         <w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
         <w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>\
         <w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
         </w:styles>",
        heading(1, 30, true),
        heading(2, 26, false),
        heading(3, 24, false),
    )
}

/// Words around the page numbers, as the PDF prints them (`html::stylesheet`).
fn page_words(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::Ru => ("стр.", "из"),
        Lang::Kk => ("бет", "/"),
    }
}

/// A field (`PAGE`, `NUMPAGES`) as Word writes it: begin, instruction, separator, the value
/// shown until fields are updated, end.
fn field_xml(out: &mut String, instruction: &str, shown: &str) {
    let _ = write!(
        out,
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
         <w:r><w:instrText xml:space=\"preserve\"> {instruction} </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>\
         <w:r><w:t>{shown}</w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
    );
}

/// The footer: «стр. N из M» centred (`Some(lang)`), or empty (the first page's).
fn footer_xml(lang: Option<Lang>) -> String {
    let mut p = String::from("<w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>");
    if let Some(lang) = lang {
        let (page, of) = page_words(lang);
        run_xml(&mut p, &format!("{page} "), RunStyle::default());
        field_xml(&mut p, "PAGE", "1");
        run_xml(&mut p, &format!(" {of} "), RunStyle::default());
        field_xml(&mut p, "NUMPAGES", "1");
    }
    p.push_str("</w:p>");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">{p}</w:ftr>"
    )
}

/// Word's numbering: abstract numbering 0 «1.», «2.», … and 1 «•», both one level indented like
/// the HTML's lists; `num` 1 the bullets, 2… one per numbered list, each restarting at 1.
fn numbering_xml(lists: &Lists) -> String {
    let level = |format: &str, text: &str| {
        format!(
            "<w:multiLevelType w:val=\"singleLevel\"/><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>\
             <w:numFmt w:val=\"{format}\"/><w:lvlText w:val=\"{text}\"/><w:lvlJc w:val=\"left\"/>\
             <w:pPr><w:ind w:left=\"720\" w:hanging=\"360\"/></w:pPr></w:lvl>"
        )
    };
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:abstractNum w:abstractNumId=\"0\">{}</w:abstractNum>\
         <w:abstractNum w:abstractNumId=\"1\">{}</w:abstractNum>\
         <w:num w:numId=\"{BULLETS_NUM_ID}\"><w:abstractNumId w:val=\"1\"/></w:num>",
        level("decimal", "%1."),
        level("bullet", "•"),
    );
    for k in 1..=lists.numbered {
        let _ = write!(
            out,
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"0\"/>\
             <w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>",
            BULLETS_NUM_ID + k
        );
    }
    out.push_str("</w:numbering>");
    out
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>\
<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/>\
</Relationships>";

const APP_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
<Application>bagalau</Application></Properties>";

const SETTINGS_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:defaultTabStop w:val=\"708\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Column;

    fn table(columns: &[u16], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            caption: None,
            columns: columns
                .iter()
                .map(|&width| Column {
                    width,
                    align: Align::Left,
                })
                .collect(),
            header: vec![],
            rows,
        }
    }

    #[test]
    fn escapes_and_drops_control_chars() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}c"), "a&lt;b&gt;&amp;&quot;&apos;c");
    }

    #[test]
    fn grid_follows_columns_and_widest_row() {
        let t = table(&[1, 3], vec![vec![Cell::new("a"), Cell::new("b")]]);
        assert_eq!(grid_widths(&t, 1000), vec![250, 750]);
        let t = table(&[2, 2], vec![vec![Cell::new("a").span(3)]]);
        assert_eq!(grid_widths(&t, 999), vec![332, 332, 332]);
        let t = table(&[], vec![]);
        assert_eq!(grid_widths(&t, 1000), vec![1000]);
    }

    #[test]
    fn colspan_header_and_padding() {
        let mut t = table(&[1, 1, 1], vec![vec![Cell::new("x").span(2)]]);
        t.header = vec![vec![Cell::new("Заголовок").span(3)]];
        let mut out = String::new();
        table_xml(&mut out, &t, 3000);
        assert!(out.contains("<w:tblHeader/>"));
        assert!(out.contains("<w:gridSpan w:val=\"3\"/>"));
        assert!(out.contains("<w:gridSpan w:val=\"2\"/>"));
        // The short body row is padded with one more cell.
        assert_eq!(out.matches("<w:tc>").count(), 3);
    }

    #[test]
    fn each_numbered_list_restarts_and_bullets_share_one_list() {
        let list = |ordered| Block::List {
            ordered,
            items: vec![vec![Run::plain("a")], vec![Run::plain("b")]],
        };
        let doc = Document {
            lang: Lang::Ru,
            title: "t".into(),
            landscape: false,
            blocks: vec![list(true), list(false), list(true), list(false)],
        };
        let mut lists = Lists::default();
        let xml = document_xml(&doc, &mut lists);
        assert_eq!(lists.numbered, 2);
        let ids: Vec<&str> = xml
            .split("<w:numId w:val=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(ids, ["2", "2", "1", "1", "3", "3", "1", "1"]);
        let numbering = numbering_xml(&lists);
        for id in [2, 3] {
            assert!(numbering.contains(&format!(
                "<w:num w:numId=\"{id}\"><w:abstractNumId w:val=\"0\"/>\
                 <w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>"
            )));
        }
        assert!(!numbering.contains("w:numId=\"4\""));
    }

    #[test]
    fn footer_numbers_pages_in_the_documents_language() {
        let ru = footer_xml(Some(Lang::Ru));
        assert!(
            ru.contains(">стр. </w:t>") && ru.contains("> из </w:t>"),
            "{ru}"
        );
        let kk = footer_xml(Some(Lang::Kk));
        assert!(
            kk.contains(">бет </w:t>") && kk.contains("> / </w:t>"),
            "{kk}"
        );
        assert!(!footer_xml(None).contains("fldChar"));
    }

    #[test]
    fn runs_keep_breaks_and_spaces() {
        let mut out = String::new();
        run_xml(&mut out, " a\nb\tc", RunStyle::default());
        assert_eq!(
            out,
            "<w:r><w:t xml:space=\"preserve\"> a</w:t><w:br/><w:t xml:space=\"preserve\">b</w:t>\
             <w:tab/><w:t xml:space=\"preserve\">c</w:t></w:r>"
        );
    }
}
