//! Helpers shared by the integration tests: the repository root, an evaluated example and exact
//! lookups of its values, temporary copies of folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::str::FromStr;

use bagalau_engine::Value;
use rust_decimal::Decimal;

pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|_| panic!("decimal {s}"))
}

/// A fresh copy of a folder of the repository (e.g. an edition) in the temp dir.
pub fn copy_dir(rel: &str, tag: &str) -> PathBuf {
    let src = root().join(rel);
    let dir = std::env::temp_dir().join(format!("bagalau-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    for e in std::fs::read_dir(&src).expect("source dir").flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), dir.join(e.file_name())).expect("copy");
        }
    }
    dir
}

/// An evaluated example.
pub struct Run {
    pub ed: bagalau_methodology::Edition,
    pub out: bagalau_engine::Outcome,
}

impl Run {
    pub fn new(edition: &str, data: &str) -> Run {
        Run::at(&root().join(edition), &root().join(data))
    }

    pub fn at(edition: &Path, data: &Path) -> Run {
        let (ed, out, _) = bagalau::run_evaluation(edition, data).expect("evaluates");
        Run { ed, out }
    }

    /// Indices of a body and a node; panics with their names when absent.
    fn index(&self, body: &str, node: &str) -> (usize, usize) {
        let b = self
            .out
            .bodies
            .iter()
            .find(|b| b.id == body)
            .unwrap_or_else(|| panic!("body {body}"))
            .index;
        (
            b,
            self.ed.node(node).unwrap_or_else(|| panic!("node {node}")),
        )
    }

    pub fn get(&self, body: &str, node: &str) -> Option<Value> {
        let (b, n) = self.index(body, node);
        self.out.computed.values[b][n]
    }

    /// The exact value as a reduced fraction `p/q` (or `p`).
    pub fn exact(&self, body: &str, node: &str) -> String {
        let (b, n) = self.index(body, node);
        match &self.out.computed.exact[b][n] {
            Some(bagalau_engine::eval::V::Num(q)) => q.to_string(),
            other => panic!("{body}.{node}: no number: {other:?}"),
        }
    }

    /// Asserts an exact decimal value.
    pub fn num(&self, body: &str, node: &str, want: &str) {
        match self.get(body, node) {
            Some(Value::Num(x)) => assert_eq!(x.normalize(), d(want).normalize(), "{body}.{node}"),
            other => panic!("{body}.{node}: no number: {other:?}"),
        }
    }
}
