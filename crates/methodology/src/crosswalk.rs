//! The crosswalk: which criteria of different editions measure the same thing, so that a body
//! can be followed across periods evaluated under their own editions
//! (`methodologies/crosswalk.toml`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::load::Diagnostic;
use crate::{Edition, Location};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    concept: Vec<ConceptRaw>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConceptRaw {
    code: String,
    name: String,
    #[serde(default)]
    note: Option<String>,
    /// Edition id → node codes (one per group where the edition has separate trees).
    nodes: BTreeMap<String, Vec<String>>,
}

/// One concept followed across editions.
#[derive(Debug, Clone)]
pub struct Concept {
    pub code: String,
    pub name: String,
    pub note: Option<String>,
    pub nodes: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Crosswalk {
    pub concepts: Vec<Concept>,
}

impl Crosswalk {
    /// Reads and parses the crosswalk file.
    pub fn load(path: &Path) -> Result<Crosswalk, Diagnostic> {
        let loc = |line: usize| Location {
            file: path.to_path_buf(),
            line,
            column: 1,
        };
        let text = std::fs::read_to_string(path).map_err(|e| Diagnostic {
            location: loc(0),
            message: format!("не удалось прочитать файл: {}", crate::io_message(&e)),
        })?;
        let raw: FileRaw = toml::from_str(&text).map_err(|e| Diagnostic {
            location: loc(e.span().map_or(0, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            })),
            message: format!("ошибка TOML: {}", e.message()),
        })?;
        Ok(Crosswalk {
            concepts: raw
                .concept
                .into_iter()
                .map(|c| Concept {
                    code: c.code,
                    name: c.name,
                    note: c.note,
                    nodes: c.nodes,
                })
                .collect(),
        })
    }

    /// Codes the crosswalk names for an edition that the edition does not define.
    pub fn unknown_codes(&self, ed: &Edition) -> Vec<String> {
        self.concepts
            .iter()
            .filter_map(|c| c.nodes.get(&ed.id))
            .flatten()
            .filter(|code| ed.node(code).is_none())
            .cloned()
            .collect()
    }
}
