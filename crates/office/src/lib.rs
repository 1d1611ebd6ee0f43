//! The document model every bagalau document is built in, and its renderers.
//!
//! A generator (crate `bagalau-report`) builds a [`Document`] — headings, paragraphs, tables, charts,
//! signature blocks — once; each renderer turns the same value into a format: self-contained HTML,
//! DOCX, PDF (the HTML printed by headless Chromium). Tabular exports are a [`Workbook`] written as
//! XLSX. Because every format is rendered from one value, they cannot disagree.
//!
//! - [`to_html`]: one self-contained, printable HTML5 file (inline CSS and SVG).
//! - [`to_docx`]: a .docx (hand-written WordprocessingML).
//! - [`to_xlsx`]: an .xlsx (`rust_xlsxwriter`).
//! - [`pdf::html_to_pdf`]: the HTML printed to PDF by headless Chromium; [`pdf::PdfSession`]
//!   prints many documents with one browser (DevTools protocol over a pipe); [`pdf::pdf_to_png`]
//!   rasterises pages with `pdftoppm` (for checks and previews).

mod cdp;
pub mod docx;
pub mod error;
pub mod html;
pub mod model;
pub mod pdf;
pub mod reaper;
pub mod sanitize;
pub mod text;
pub mod xlsx;

pub use docx::to_docx;
pub use error::OfficeError;
pub use html::to_html;
pub use model::*;
pub use pdf::{dump_dom, find_chromium, html_to_pdf, pdf_to_png, PdfSession};
pub use text::to_text;
pub use xlsx::to_xlsx;
