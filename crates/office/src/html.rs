//! Self-contained, printable HTML5: one file, inline CSS and SVG, no external resources.
//!
//! The same file is what a user opens in a browser (editable blocks can be edited in place) and
//! what headless Chromium prints to PDF (see [`crate::pdf`]), so print rules live here too:
//! A4 pages, table headers repeated on every page, rows never split, explicit page breaks.

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::model::{Align, Block, Cell, Chart, Document, Lang, Run, Signature, Table};

/// Renders a document as one self-contained HTML5 page.
pub fn to_html(doc: &Document) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n");
    let _ = writeln!(out, "<html lang=\"{}\">", doc.lang.tag());
    out.push_str("<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&doc.title));
    out.push_str("<style>\n");
    out.push_str(&stylesheet(doc.landscape, doc.lang));
    out.push_str("</style>\n</head>\n<body>\n");
    let class = if doc.landscape {
        "doc landscape"
    } else {
        "doc portrait"
    };
    let _ = writeln!(out, "<main class=\"{class}\" lang=\"{}\">", doc.lang.tag());
    for block in &doc.blocks {
        block_html(&mut out, block, doc.lang);
    }
    out.push_str("</main>\n");
    if doc
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Editable { .. }))
    {
        save_texts_html(&mut out, doc.lang);
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A button (not printed) that saves the edited texts as TOML: an editable with id `TABLE.KEY`
/// (split at the last dot) becomes `["TABLE"] KEY = """…"""` — the `--texts` file of `bagalau report conclusion`, so
/// what the evaluator writes in the browser goes into the PDF and DOCX of the next run.
fn save_texts_html(out: &mut String, lang: Lang) {
    let label = match lang {
        Lang::Ru => "Сохранить тексты (TOML для --texts)",
        Lang::Kk => "Мәтіндерді сақтау (--texts үшін TOML)",
    };
    let _ = writeln!(
        out,
        "<div class=\"save-texts\"><button type=\"button\" id=\"save-texts\">{}</button></div>",
        escape(label)
    );
    out.push_str(
        r#"<script type="text/javascript">
(function () {
  function q(s) { return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'; }
  function block(s) { return '"""' + s.replace(/\\/g, '\\\\').replace(/"""/g, '""\\"') + '"""'; }
  window.bagalauTextsToml = function () {
    var tables = {};
    document.querySelectorAll('[data-editable-id]').forEach(function (el) {
      var id = el.getAttribute('data-editable-id'), dot = id.lastIndexOf('.');
      var t = dot < 0 ? '' : id.slice(0, dot), k = dot < 0 ? id : id.slice(dot + 1);
      (tables[t] = tables[t] || []).push(q(k) + ' = ' + block(el.innerText.trim()));
    });
    var toml = '';
    Object.keys(tables).forEach(function (t) {
      toml += (t ? '[' + q(t) + ']\n' : '') + tables[t].join('\n') + '\n\n';
    });
    return toml;
  };
  document.getElementById('save-texts').addEventListener('click', function () {
    var toml = window.bagalauTextsToml();
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([toml], { type: 'application/toml' }));
    a.download = 'texts.toml';
    a.click();
  });
})();
</script>
"#,
    );
}

/// Escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if !crate::sanitize::is_allowed(c) => {}
            _ => out.push(c),
        }
    }
    out
}

/// The soft hyphen: an invisible break opportunity, shown as «-» only at the end of a line.
pub const SOFT_HYPHEN: char = '\u{ad}';

/// Russian words of running text with soft hyphens at the breaks the Russian TeX patterns allow
/// (Knuth–Liang, patterns © 1999–2003 A. I. Lebedev via hyph-utf8, compiled into the `hypher`
/// crate at build time): Chromium has no Russian hyphenation dictionary, so `hyphens: auto` alone
/// breaks nothing and long words overflow narrow columns («Применяетс/я»).
///
/// Only words of six or more Cyrillic letters, not all capitals, bounded by neither a digit nor
/// a Latin letter nor `_` nor `-` are touched: numbers, codes, dates, abbreviations, titles set in
/// capitals and hyphenated compounds stay whole. Kazakh text is left alone (its letters are not
/// in the Russian patterns). Applied to escaped HTML, which it cannot break: entities and tags
/// are ASCII. Chromium keeps the soft hyphens in the PDF's text layer: whoever reads a PDF's
/// text (`pdftotext`) removes U+00AD first, as [`crate::pdf`]'s callers in this project do.
pub fn hyphenate(html: &str, lang: Lang) -> String {
    if lang != Lang::Ru {
        return html.to_string();
    }
    let russian = |c: char| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё');
    let joins = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        if !c.is_alphabetic() {
            out.push(c);
            previous = Some(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        // A word: the longest run of letters.
        let end = rest
            .char_indices()
            .find(|&(_, ch)| !ch.is_alphabetic())
            .map_or(rest.len(), |(i, _)| i);
        let (word, after) = rest.split_at(end);
        let whole = word.chars().all(russian)
            && word.chars().any(char::is_lowercase)
            && (6..=60).contains(&word.chars().count())
            && !joins(previous)
            && !joins(after.chars().next());
        if whole {
            for (k, syllable) in hypher::hyphenate(word, hypher::Lang::Russian).enumerate() {
                if k > 0 {
                    out.push(SOFT_HYPHEN);
                }
                out.push_str(syllable);
            }
        } else {
            out.push_str(word);
        }
        previous = word.chars().last();
        rest = after;
    }
    out
}

/// Escapes text and turns line breaks into `<br>`.
fn escape_lines(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        out.push_str(&escape(line.strip_suffix('\r').unwrap_or(line)));
    }
    out
}

const FONT_STACK: &str = "\"Times New Roman\", \"Liberation Serif\", \"DejaVu Serif\", \
                          \"PT Serif\", \"Noto Serif\", serif";

fn stylesheet(landscape: bool, lang: crate::Lang) -> String {
    // Page numbers «стр. N из M» in the page's bottom margin (Chromium prints margin boxes).
    let (page_word, of_word) = match lang {
        crate::Lang::Ru => ("стр.", "из"),
        crate::Lang::Kk => ("бет", "/"),
    };
    let (orientation, sheet_width) = if landscape {
        ("landscape", "297mm")
    } else {
        ("portrait", "210mm")
    };
    format!(
        r#"@page {{ size: A4 {orientation}; margin: 15mm; @bottom-center {{ content: "{page_word} " counter(page) " {of_word} " counter(pages); font-family: {FONT_STACK}; font-size: 9pt; }} }}
@page :first {{ @bottom-center {{ content: none; }} }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ margin: 0; background: #e8e8e8; color: #000; font-family: {FONT_STACK}; font-size: 12pt; line-height: 1.35; }}
.doc {{ box-sizing: border-box; width: {sheet_width}; max-width: 100%; margin: 8mm auto; padding: 15mm; background: #fff; box-shadow: 0 0 4px rgba(0,0,0,.3); }}
@media print {{
  body {{ background: #fff; }}
  .doc {{ width: auto; margin: 0; padding: 0; box-shadow: none; }}
  .editable-text {{ outline: none !important; }}
  .save-texts {{ display: none; }}
}}
.save-texts {{ text-align: center; margin: 4mm; }}
main {{ hyphens: auto; -webkit-hyphens: auto; }}
h1, h2, h3 {{ margin: 12pt 0 6pt; line-height: 1.2; break-after: avoid; page-break-after: avoid; hyphens: manual; -webkit-hyphens: manual; }}
h1 {{ font-size: 15pt; text-align: center; }}
h2 {{ font-size: 13pt; }}
h3 {{ font-size: 12pt; }}
p {{ margin: 0 0 6pt; text-align: left; }}
ol, ul {{ margin: 0 0 6pt; padding-left: 2em; }}
.a-l {{ text-align: left; }}
.a-c {{ text-align: center; }}
.a-r {{ text-align: right; }}
.a-j {{ text-align: justify; }}
.b {{ font-weight: bold; }}
table.t {{ width: 100%; border-collapse: collapse; margin: 6pt 0 10pt; font-size: 10.5pt; line-height: 1.25; }}
table.t.fixed {{ table-layout: fixed; }}
table.t caption {{ caption-side: top; text-align: left; font-weight: bold; padding: 0 0 3pt; }}
table.t th, table.t td {{ border: 0.75pt solid #000; padding: 2pt 4pt; vertical-align: top; overflow-wrap: anywhere; }}
table.t th {{ background: #eeeeee; font-weight: bold; text-align: center; vertical-align: middle; }}
table.t thead {{ display: table-header-group; }}
table.t tr {{ break-inside: avoid; page-break-inside: avoid; }}
.page-break {{ break-after: page; page-break-after: always; height: 0; margin: 0; border: 0; }}
figure.chart {{ margin: 8pt 0 10pt; break-inside: avoid; page-break-inside: avoid; }}
figure.chart figcaption {{ font-weight: bold; margin-bottom: 4pt; }}
figure.chart svg {{ display: block; width: 100%; max-width: 180mm; height: auto; }}
figure.chart text {{ font-family: {FONT_STACK}; }}
.editable {{ margin: 6pt 0 10pt; break-inside: avoid; page-break-inside: avoid; }}
.editable-label {{ font-weight: bold; margin-bottom: 3pt; }}
.editable-text {{ white-space: pre-wrap; min-height: 1.35em; outline: 1px dashed #9aa7b8; outline-offset: 2px; }}
.editable-text:focus {{ outline: 2px solid #4a78b0; }}
.editable-text:empty {{ min-height: 4.05em; background-image: radial-gradient(circle, #000 0.7px, transparent 1px); background-size: 5px 1.35em; background-position: 0 0.55em; }}
.signatures {{ display: grid; grid-template-columns: 5fr 3fr 4fr; column-gap: 6mm; row-gap: 2pt; margin: 18pt 0 6pt; break-inside: avoid; page-break-inside: avoid; }}
.sig-position {{ align-self: end; }}
.sig-line, .sig-name {{ align-self: end; text-align: center; }}
.sig-rule {{ border-bottom: 0.75pt solid #000; min-height: 1.35em; }}
.sig-hint {{ font-size: 8pt; color: #333; text-align: center; }}
.sig-date {{ grid-column: 1 / -1; margin-bottom: 12pt; }}
"#
    )
}

fn align_class(align: Align) -> &'static str {
    match align {
        Align::Left => "a-l",
        Align::Center => "a-c",
        Align::Right => "a-r",
        Align::Justify => "a-j",
    }
}

fn block_html(out: &mut String, block: &Block, lang: Lang) {
    match block {
        Block::Heading { level, text } => {
            let level = (*level).clamp(1, 3);
            let _ = writeln!(out, "<h{level}>{}</h{level}>", escape_lines(text));
        }
        Block::Paragraph { runs, align } => {
            let _ = writeln!(
                out,
                "<p class=\"{}\">{}</p>",
                align_class(*align),
                runs_html(runs, lang)
            );
        }
        Block::List { ordered, items } => {
            let tag = if *ordered { "ol" } else { "ul" };
            let _ = writeln!(out, "<{tag}>");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", runs_html(item, lang));
            }
            let _ = writeln!(out, "</{tag}>");
        }
        Block::Table(table) => table_html(out, table, lang),
        Block::Chart(chart) => chart_html(out, chart),
        Block::Editable { id, label, text } => {
            let _ = writeln!(out, "<section class=\"editable\">");
            if !label.is_empty() {
                let _ = writeln!(
                    out,
                    "<div class=\"editable-label\">{}</div>",
                    escape_lines(label)
                );
            }
            // No whitespace inside the editable element: `:empty` draws the fill-in lines and
            // `white-space: pre-wrap` would show indentation.
            let _ = writeln!(
                out,
                "<div class=\"editable-text\" contenteditable=\"true\" data-editable-id=\"{}\" \
                 aria-label=\"{}\">{}</div>",
                escape(id),
                escape(label),
                escape(text)
            );
            let _ = writeln!(out, "</section>");
        }
        Block::Signatures(signatures) => signatures_html(out, signatures, lang),
        Block::PageBreak => out.push_str("<div class=\"page-break\"></div>\n"),
    }
}

fn runs_html(runs: &[Run], lang: Lang) -> String {
    let mut out = String::new();
    for run in runs {
        let text = hyphenate(&escape_lines(&run.text), lang);
        match (run.bold, run.italic) {
            (false, false) => out.push_str(&text),
            (true, false) => {
                let _ = write!(out, "<b>{text}</b>");
            }
            (false, true) => {
                let _ = write!(out, "<i>{text}</i>");
            }
            (true, true) => {
                let _ = write!(out, "<b><i>{text}</i></b>");
            }
        }
    }
    out
}

/// Column widths as per-mille shares of the table width (they add up to 1000 up to rounding).
pub(crate) fn width_permille(widths: &[u16]) -> Vec<u32> {
    let total: u32 = widths.iter().map(|&w| u32::from(w)).sum();
    if total == 0 {
        let n = u32::try_from(widths.len()).unwrap_or(1).max(1);
        return widths.iter().map(|_| 1000 / n).collect();
    }
    widths
        .iter()
        .map(|&w| u32::from(w) * 1000 / total)
        .collect()
}

fn table_html(out: &mut String, table: &Table, lang: Lang) {
    let fixed = !table.columns.is_empty();
    let _ = writeln!(
        out,
        "<table class=\"t{}\">",
        if fixed { " fixed" } else { "" }
    );
    if let Some(caption) = &table.caption {
        let _ = writeln!(out, "<caption>{}</caption>", escape_lines(caption));
    }
    if fixed {
        out.push_str("<colgroup>");
        let widths: Vec<u16> = table.columns.iter().map(|c| c.width).collect();
        for pm in width_permille(&widths) {
            let _ = write!(out, "<col style=\"width:{}.{}%\">", pm / 10, pm % 10);
        }
        out.push_str("</colgroup>\n");
    }
    if !table.header.is_empty() {
        out.push_str("<thead>\n");
        for row in &table.header {
            row_html(out, row, table, true, lang);
        }
        out.push_str("</thead>\n");
    }
    out.push_str("<tbody>\n");
    for row in &table.rows {
        row_html(out, row, table, false, lang);
    }
    out.push_str("</tbody>\n</table>\n");
}

fn row_html(out: &mut String, row: &[Cell], table: &Table, header: bool, lang: Lang) {
    out.push_str("<tr>");
    let mut col = 0usize;
    for cell in row {
        let tag = if header { "th" } else { "td" };
        let mut classes: Vec<&str> = Vec::new();
        if !header {
            let align = table.columns.get(col).map(|c| c.align).unwrap_or_default();
            if align != Align::Left {
                classes.push(align_class(align));
            }
            if cell.bold {
                classes.push("b");
            }
        }
        let _ = write!(out, "<{tag}");
        if cell.colspan > 1 {
            let _ = write!(out, " colspan=\"{}\"", cell.colspan);
        }
        if !classes.is_empty() {
            let _ = write!(out, " class=\"{}\"", classes.join(" "));
        }
        if cell.indent > 0 {
            let _ = write!(
                out,
                " style=\"padding-left:{}pt\"",
                4 + 12 * u32::from(cell.indent)
            );
        }
        // Header cells sit in narrow columns («Применяетс/я» overflowed): they get soft hyphens.
        // Body cells keep their words whole: names, figures and the entries of the contents,
        // whose lines are read back to find page numbers.
        let text = escape_lines(&cell.text);
        let text = if header { hyphenate(&text, lang) } else { text };
        let _ = write!(out, ">{text}</{tag}>");
        col += usize::from(cell.colspan.max(1));
    }
    out.push_str("</tr>\n");
}

/// Geometry of the bar chart, in SVG user units (the SVG scales to the text width).
const CHART_W: f64 = 680.0;
const LABEL_W: f64 = 270.0;
const BAR_X0: f64 = 278.0;
const BAR_W: f64 = 340.0;
const LINE_H: f64 = 15.0;
const BAR_H: f64 = 18.0;
const ROW_GAP: f64 = 8.0;
/// Characters per label line that fit in `LABEL_W` at `FONT` even in bold DejaVu Serif.
const LABEL_CHARS: usize = 26;
const FONT: f64 = 13.0;

fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Where `value` lands on the bar axis, as a fraction 0..=1 of its width.
fn fraction(value: Decimal, max: Decimal) -> f64 {
    if max <= Decimal::ZERO {
        return 0.0;
    }
    (to_f64(value) / to_f64(max)).clamp(0.0, 1.0)
}

/// Greedy word wrap by character count (SVG text does not wrap by itself).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn chart_html(out: &mut String, chart: &Chart) {
    // The axis maximum: the given one, else the largest bar, so bars never overflow.
    let mut max = chart.max;
    if max <= Decimal::ZERO {
        max = chart
            .bars
            .iter()
            .map(|b| b.value)
            .max()
            .unwrap_or(Decimal::ZERO);
    }
    let top = if chart.reference.is_some() { 22.0 } else { 4.0 };
    let mut body = String::new();
    let mut y = top;
    for bar in &chart.bars {
        let lines = wrap(&bar.label, LABEL_CHARS);
        let n = lines.len() as f64;
        let row_h = (n * LINE_H).max(BAR_H);
        let mid = y + row_h / 2.0;
        let weight = if bar.highlight {
            " font-weight=\"bold\""
        } else {
            ""
        };
        // Label, right-aligned against the axis, vertically centred on the bar.
        let first = mid - (n - 1.0) * LINE_H / 2.0 + FONT * 0.35;
        let _ = write!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"{FONT:.0}\"{weight}>",
            LABEL_W, first
        );
        for (i, line) in lines.iter().enumerate() {
            if i == 0 {
                let _ = write!(body, "<tspan x=\"{LABEL_W:.1}\">{}</tspan>", escape(line));
            } else {
                let _ = write!(
                    body,
                    "<tspan x=\"{LABEL_W:.1}\" dy=\"{LINE_H:.1}\">{}</tspan>",
                    escape(line)
                );
            }
        }
        body.push_str("</text>\n");
        let len = fraction(bar.value, max) * BAR_W;
        let fill = if bar.highlight { "#c0392b" } else { "#7f9cc4" };
        let _ = writeln!(
            body,
            "<rect class=\"{}\" x=\"{BAR_X0:.1}\" y=\"{:.1}\" width=\"{len:.1}\" height=\"{BAR_H:.1}\" fill=\"{fill}\"/>",
            if bar.highlight { "bar hl" } else { "bar" },
            mid - BAR_H / 2.0
        );
        let _ = writeln!(
            body,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{FONT:.0}\"{weight} stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
            BAR_X0 + len + 4.0,
            mid + FONT * 0.35,
            escape(&bar.value_text)
        );
        y += row_h + ROW_GAP;
    }
    let bottom = (y - ROW_GAP + 4.0).max(top + BAR_H);
    let height = bottom + 2.0;
    // The axis.
    let _ = writeln!(
        body,
        "<line x1=\"{BAR_X0:.1}\" y1=\"{:.1}\" x2=\"{BAR_X0:.1}\" y2=\"{bottom:.1}\" stroke=\"#000\" stroke-width=\"1\"/>",
        top - 2.0
    );
    if let Some((value, label)) = &chart.reference {
        let x = BAR_X0 + fraction(*value, max) * BAR_W;
        let _ = writeln!(
            body,
            "<line class=\"ref\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#000\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>",
            top - 4.0
        );
        // Keep the label inside the picture near either end of the axis.
        let anchor = if x > BAR_X0 + BAR_W * 0.8 {
            "end"
        } else if x < BAR_X0 + BAR_W * 0.2 {
            "start"
        } else {
            "middle"
        };
        let _ = writeln!(
            body,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-size=\"{:.0}\" font-style=\"italic\">{}</text>",
            top - 8.0,
            FONT - 1.0,
            escape(label)
        );
    }
    let _ = writeln!(out, "<figure class=\"chart\">");
    if !chart.title.is_empty() {
        let _ = writeln!(out, "<figcaption>{}</figcaption>", escape(&chart.title));
    }
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {CHART_W:.0} {height:.0}\" role=\"img\" aria-label=\"{}\">",
        escape(&chart.title)
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&chart.title));
    out.push_str(&body);
    out.push_str("</svg>\n</figure>\n");
}

/// The few words the signature block adds itself.
struct SignatureWords {
    signature: &'static str,
    name: &'static str,
    date: &'static str,
}

fn signature_words(lang: Lang) -> SignatureWords {
    match lang {
        Lang::Ru => SignatureWords {
            signature: "(подпись)",
            name: "(фамилия, инициалы)",
            date: "Дата: «__» ________ 20__ г.",
        },
        Lang::Kk => SignatureWords {
            signature: "(қолы)",
            name: "(тегі, аты-жөні)",
            date: "Күні: «__» ________ 20__ ж.",
        },
    }
}

pub(crate) fn signature_date_line(lang: Lang) -> &'static str {
    signature_words(lang).date
}

pub(crate) fn signature_hints(lang: Lang) -> (&'static str, &'static str) {
    let w = signature_words(lang);
    (w.signature, w.name)
}

fn signatures_html(out: &mut String, signatures: &[Signature], lang: Lang) {
    let words = signature_words(lang);
    out.push_str("<div class=\"signatures\">\n");
    for sig in signatures {
        let _ = writeln!(
            out,
            "<div class=\"sig-position\">{}</div>",
            escape_lines(&sig.position)
        );
        let _ = writeln!(
            out,
            "<div class=\"sig-line\"><div class=\"sig-rule\"></div><div class=\"sig-hint\">{}</div></div>",
            words.signature
        );
        if sig.name.is_empty() {
            let _ = writeln!(
                out,
                "<div class=\"sig-name\"><div class=\"sig-rule\"></div><div class=\"sig-hint\">{}</div></div>",
                words.name
            );
        } else {
            let _ = writeln!(
                out,
                "<div class=\"sig-name\"><div class=\"sig-rule\">{}</div><div class=\"sig-hint\">{}</div></div>",
                escape(&sig.name),
                words.name
            );
        }
        let _ = writeln!(out, "<div class=\"sig-date\">{}</div>", words.date);
    }
    out.push_str("</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bar, Column};

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            lang: Lang::Ru,
            title: "Т".into(),
            landscape: false,
            blocks,
        }
    }

    #[test]
    fn russian_words_get_soft_hyphens_and_nothing_else_does() {
        let h = |s: &str| hyphenate(s, Lang::Ru).replace(SOFT_HYPHEN, "|");
        assert_eq!(h("Применяется"), "При|ме|ня|ет|ся");
        assert_eq!(h("государственных услуг"), "го|су|дар|ствен|ных услуг");
        // Numbers, codes, dates, hyphenated compounds, Latin and short words stay whole.
        for whole in [
            "1\u{202f}384\u{202f}117,00",
            "satisfaction_own",
            "12.10.2017",
            "Северо-Казахстанской",
            "Chromium",
            "стр. 1 из 2",
            "МИО",
            "АДМИНИСТРАЦИЯ",
            "услуг",
            "ЦОН-ом",
            "А1бвгдежз",
            "&amp;&lt;br&gt;",
        ] {
            assert_eq!(h(whole), whole, "{whole}");
        }
        assert_eq!(hyphenate("Применяется", Lang::Kk), "Применяется");
        // Removing the soft hyphens gives the text back.
        let text = "Итоги оценки показали неэффективную деятельность Акимата.";
        assert_eq!(hyphenate(text, Lang::Ru).replace(SOFT_HYPHEN, ""), text);
    }

    #[test]
    fn paragraphs_and_header_cells_are_hyphenated_body_cells_and_editables_are_not() {
        let table = Table {
            caption: None,
            columns: vec![Column::left(10)],
            header: vec![vec![Cell::new("Применяется")]],
            rows: vec![vec![Cell::new("Применяется")]],
        };
        let html = to_html(&doc(vec![
            Block::Paragraph {
                runs: vec![Run::plain("деятельность")],
                align: Align::Left,
            },
            Block::Table(table),
            Block::Editable {
                id: "t.k".into(),
                label: String::new(),
                text: "рекомендации".into(),
            },
        ]));
        assert!(html.contains("тель\u{ad}ность</p>"), "{html}");
        assert!(html.contains("<th>При\u{ad}ме"), "{html}");
        assert!(html.contains("<td>Применяется</td>"), "{html}");
        assert!(html.contains(">рекомендации</div>"), "{html}");
        assert!(html.contains("lang=\"ru\""));
    }

    #[test]
    fn escapes_all_five() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let html = to_html(&Document {
            title: "<script>".into(),
            ..doc(vec![
                Block::Heading {
                    level: 9,
                    text: "a<b".into(),
                },
                Block::Paragraph {
                    runs: vec![Run::bold("x&y")],
                    align: Align::Center,
                },
                Block::Editable {
                    id: "r\"1".into(),
                    label: "L'".into(),
                    text: "<i>".into(),
                },
            ])
        });
        assert!(!html.contains("<script>"));
        assert!(html.contains("<title>&lt;script&gt;</title>"));
        assert!(html.contains("<h3>a&lt;b</h3>"));
        assert!(html.contains("<p class=\"a-c\"><b>x&amp;y</b></p>"));
        assert!(html.contains("data-editable-id=\"r&quot;1\""));
        assert!(html.contains(">&lt;i&gt;</div>"));
    }

    #[test]
    fn colspan_indent_and_alignment() {
        let table = Table {
            caption: Some("Таблица".into()),
            columns: vec![
                Column {
                    width: 3,
                    align: Align::Left,
                },
                Column {
                    width: 1,
                    align: Align::Right,
                },
            ],
            header: vec![vec![Cell::new("Критерий").span(2)]],
            rows: vec![vec![Cell::bold("1.1").indent(2), Cell::new("5")]],
        };
        let html = to_html(&doc(vec![Block::Table(table)]));
        assert!(html.contains("<col style=\"width:75.0%\"><col style=\"width:25.0%\">"));
        assert!(html.contains("<th colspan=\"2\">Кри\u{ad}те\u{ad}рий</th>"));
        let html = html.replace(SOFT_HYPHEN, "");
        assert!(html.contains("<thead>\n<tr><th colspan=\"2\">Критерий</th></tr>\n</thead>"));
        assert!(html.contains(
            "<td class=\"b\" style=\"padding-left:28pt\">1.1</td><td class=\"a-r\">5</td>"
        ));
    }

    #[test]
    fn empty_editable_is_empty_element() {
        let html = to_html(&doc(vec![Block::Editable {
            id: "rec".into(),
            label: "Рекомендации".into(),
            text: String::new(),
        }]));
        assert!(html.contains("data-editable-id=\"rec\" aria-label=\"Рекомендации\"></div>"));
    }

    #[test]
    fn chart_bars_scale_to_max() {
        let chart = Chart {
            title: "Оценки".into(),
            bars: vec![
                Bar {
                    label: "А".into(),
                    value: Decimal::new(50, 0),
                    value_text: "50".into(),
                    highlight: false,
                },
                Bar {
                    label: "Б".into(),
                    value: Decimal::new(150, 0),
                    value_text: "150".into(),
                    highlight: true,
                },
            ],
            max: Decimal::new(100, 0),
            reference: Some((Decimal::new(25, 0), "среднее".into())),
        };
        let html = to_html(&doc(vec![Block::Chart(chart)]));
        assert!(html.contains("width=\"170.0\""), "half of 340");
        assert!(html.contains("class=\"bar hl\""));
        assert!(html.contains("width=\"340.0\""), "clamped to the axis");
        assert!(html.contains("stroke-dasharray"));
        assert!(html.contains("x1=\"363.0\""), "reference at a quarter");
    }

    #[test]
    fn wraps_long_labels() {
        assert_eq!(wrap("один два три", 8), vec!["один два", "три"]);
        assert_eq!(wrap("", 8), vec![""]);
        assert_eq!(wrap("сверхдлинноеслово", 4), vec!["сверхдлинноеслово"]);
    }

    #[test]
    fn permille_widths() {
        assert_eq!(width_permille(&[1, 1, 2]), vec![250, 250, 500]);
        assert_eq!(width_permille(&[0, 0]), vec![500, 500]);
    }

    #[test]
    fn landscape_page() {
        let html = to_html(&Document {
            landscape: true,
            ..doc(vec![Block::PageBreak])
        });
        assert!(html.contains("size: A4 landscape"));
        assert!(html.contains("<html lang=\"ru\">"));
        assert!(html.contains("break-after: page"));
    }
}
