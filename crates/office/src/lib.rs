//! The document model every bagalau document is built in, and its renderers.
//!
//! A generator (crate `bagalau-report`) builds a [`Document`] — headings, paragraphs, tables, charts,
//! signature blocks — once; each renderer turns the same value into a format: self-contained HTML,
//! DOCX, PDF (the HTML printed by headless Chromium). Tabular exports are a [`Workbook`] written as
//! XLSX. Because every format is rendered from one value, they cannot disagree.

pub mod model;

pub use model::*;
