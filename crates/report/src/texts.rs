//! The evaluator's texts for conclusions (`report conclusion --texts FILE.toml`): one table per
//! body (`[BODY]`) or per body and direction (`["BODY:DIRECTION"]`) with `recommendations` and
//! `signatories`. Read strictly: unknown keys, and tables for a body or a direction the run does
//! not have, are refused with the file and line (they would otherwise be ignored silently).

use std::collections::BTreeMap;
use std::path::Path;

use bagalau_data::read;
use toml::Spanned;

use crate::conclusion::Extra;
use crate::{ReportError, Run};

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    recommendations: String,
    #[serde(default)]
    signatories: Vec<(String, String)>,
}

fn line_of(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].matches('\n').count() + 1
}

/// Reads a texts file for a run: keyed by [`crate::conclusion::texts_key`].
pub fn read_texts(path: &Path, run: &Run) -> Result<BTreeMap<String, Extra>, ReportError> {
    let file = path.display().to_string();
    let err = |row: usize, message: String| ReportError::Input {
        file: file.clone(),
        row,
        message,
    };
    let text = read::read_bytes(path)
        .and_then(|b| read::decode(b, path))
        .map_err(|i| err(i.row, i.message))?;
    let raw: BTreeMap<Spanned<String>, Entry> = toml::from_str(&text).map_err(|e| {
        err(
            e.span().map_or(0, |s| line_of(&text, s.start)),
            bagalau_methodology::toml_message(e.message()),
        )
    })?;
    let directions: Vec<&str> = run
        .ed
        .directions
        .iter()
        .filter(|d| d.score.is_some())
        .map(|d| d.code.as_str())
        .collect();
    let has_body = |id: &str| run.out.bodies.iter().any(|b| b.id == id);
    let mut out = BTreeMap::new();
    for (key, entry) in raw {
        let line = line_of(&text, key.span().start);
        let k = key.into_inner();
        if !has_body(&k) {
            match k.rsplit_once(':') {
                Some((body, dir)) if has_body(body) => {
                    if !directions.contains(&dir) {
                        return Err(err(
                            line,
                            format!(
                                "[{k}]: направление «{dir}» не найдено в редакции (направления с оценкой: {})",
                                if directions.is_empty() { "нет".to_string() } else { directions.join(", ") }
                            ),
                        ));
                    }
                }
                Some((body, _)) => {
                    return Err(err(
                        line,
                        format!("[{k}]: орган «{body}» не найден в данных оценки"),
                    ))
                }
                None => {
                    return Err(err(
                        line,
                        format!("[{k}]: орган «{k}» не найден в данных оценки"),
                    ))
                }
            }
        }
        for (n, (position, name)) in entry.signatories.iter().enumerate() {
            if position.trim().is_empty() && name.trim().is_empty() {
                return Err(err(
                    line,
                    format!("[{k}]: подписант {} без должности и имени", n + 1),
                ));
            }
        }
        out.insert(
            k,
            Extra {
                recommendations: entry.recommendations,
                signatories: entry.signatories,
                ..Extra::default()
            },
        );
    }
    Ok(out)
}
