//! The document model. Text is final (already localised and formatted by the generator); renderers
//! only lay it out. Numbers in tables are text too, except in [`Workbook`] cells, which keep exact
//! decimals so spreadsheets can compute with them.

use rust_decimal::Decimal;
use serde::Serialize;

/// Language of a document: drives `lang` attributes and the few words renderers add themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Lang {
    /// Russian.
    Ru,
    /// Kazakh.
    Kk,
}

impl Lang {
    /// BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::Kk => "kk",
        }
    }
}

/// One document: a conclusion, an act, a disagreement table, the annual report.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub lang: Lang,
    /// Title shown in the browser tab / document properties.
    pub title: String,
    /// Landscape pages (wide tables).
    pub landscape: bool,
    pub blocks: Vec<Block>,
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
    Justify,
}

/// A piece of text with emphasis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Self {
        Run {
            text: text.into(),
            bold: false,
            italic: false,
        }
    }
    pub fn bold(text: impl Into<String>) -> Self {
        Run {
            text: text.into(),
            bold: true,
            italic: false,
        }
    }
    pub fn italic(text: impl Into<String>) -> Self {
        Run {
            text: text.into(),
            bold: false,
            italic: true,
        }
    }
}

/// A block-level element.
#[derive(Debug, Clone, Serialize)]
pub enum Block {
    /// Heading, level 1..=3.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        runs: Vec<Run>,
        align: Align,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Run>>,
    },
    Table(Table),
    Chart(Chart),
    /// Text the evaluator writes or edits (e.g. recommendations); `text` is the generated draft,
    /// possibly empty. HTML renders it editable; DOCX/PDF print it as a paragraph (or a blank
    /// line to fill in when empty).
    Editable {
        id: String,
        label: String,
        text: String,
    },
    /// Signature lines: position, name, a line to sign, a date line.
    Signatures(Vec<Signature>),
    PageBreak,
}

/// A table. `header` rows are repeated on every printed page.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub header: Vec<Vec<Cell>>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// Relative width (any positive units; renderers normalise).
    pub width: u16,
    pub align: Align,
}

impl Column {
    pub fn left(width: u16) -> Self {
        Column {
            width,
            align: Align::Left,
        }
    }
    pub fn center(width: u16) -> Self {
        Column {
            width,
            align: Align::Center,
        }
    }
    pub fn right(width: u16) -> Self {
        Column {
            width,
            align: Align::Right,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub text: String,
    pub colspan: u16,
    pub bold: bool,
    /// Indent level (criterion tree depth).
    pub indent: u8,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            colspan: 1,
            bold: false,
            indent: 0,
        }
    }
    pub fn bold(text: impl Into<String>) -> Self {
        Cell {
            bold: true,
            ..Cell::new(text)
        }
    }
    pub fn span(mut self, colspan: u16) -> Self {
        self.colspan = colspan.max(1);
        self
    }
    pub fn indent(mut self, level: u8) -> Self {
        self.indent = level;
        self
    }
}

/// A horizontal bar chart (SVG in HTML and PDF; a table of values in DOCX).
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub title: String,
    pub bars: Vec<Bar>,
    /// Axis maximum; bars are drawn as value / max of the width.
    pub max: Decimal,
    /// Optional reference line (e.g. the group average) with its label.
    pub reference: Option<(Decimal, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: Decimal,
    /// Text printed at the bar's end (already formatted, e.g. "72,4").
    pub value_text: String,
    pub highlight: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    /// Role line, e.g. «Руководитель уполномоченного органа».
    pub position: String,
    /// Name, or empty for a blank to fill in.
    pub name: String,
}

/// A spreadsheet: named sheets of typed cells.
#[derive(Debug, Clone, Serialize)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    /// Sheet name (≤ 31 characters, no `[]:*?/\`); renderers shorten and de-duplicate if needed.
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<XCell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum XCell {
    Empty,
    Text(String),
    /// Exact decimal; written as a number.
    Number(Decimal),
    /// Exact decimal written as a number, displayed with this many decimals (the number format;
    /// the stored value keeps every digit).
    Fixed(Decimal, u8),
    Int(i64),
}
