//! Changing one parameter or one formula in the edition files changes the results, with no Rust
//! change (acceptance of issue 3).

mod common;

use std::path::{Path, PathBuf};

use common::{copy_dir, root};

use rust_decimal::Decimal;

fn copy_edition(tag: &str) -> PathBuf {
    copy_dir("methodologies/2014-services", tag)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

fn scores(edition: &Path) -> Vec<(String, Decimal, Option<Decimal>)> {
    let (_, out, _) = bagalau::run_evaluation(edition, &root().join("examples/2014-services"))
        .expect("evaluates");
    out.bodies
        .iter()
        .map(|b| (b.id.clone(), b.score, b.correction))
        .collect()
}

#[test]
fn changing_a_parameter_changes_results() {
    let base = scores(&root().join("methodologies/2014-services"));
    let dir = copy_edition("param");
    edit(
        &dir.join("parameters.toml"),
        "value = \"1.10\"",
        "value = \"1.20\"",
    );
    let changed = scores(&dir);
    let top = base
        .iter()
        .zip(&changed)
        .find(|(a, _)| a.2 == Some(Decimal::new(110, 2)))
        .expect("a body with 1.10");
    assert_eq!(
        top.1 .2,
        Some(Decimal::new(120, 2)),
        "coefficient follows the file"
    );
    assert_ne!(base, changed);
}

#[test]
fn changing_a_formula_changes_results() {
    let base = scores(&root().join("methodologies/2014-services"));
    let dir = copy_edition("formula");
    // Read the internal-control share as (a / b)² instead of a / b, for central bodies.
    edit(
        &dir.join("criteria.toml"),
        "min(max, k_control * control_measures / standard_violations))\"\nref = \"п.24, подпункт 1)\"",
        "min(max, k_control * (control_measures / standard_violations) * (control_measures / standard_violations)))\"\nref = \"п.24, подпункт 1)\"",
    );
    let changed = scores(&dir);
    assert_ne!(base, changed);
}

#[test]
fn a_broken_copy_names_file_and_line() {
    let dir = copy_edition("broken");
    edit(&dir.join("criteria.toml"), "W_share * sum", "W_shar * sum");
    let err = format!("{:#}", bagalau::load_edition(&dir).expect_err("must fail"));
    let text = std::fs::read_to_string(dir.join("criteria.toml")).expect("read");
    let line = text
        .lines()
        .position(|l| l.contains("W_shar * sum"))
        .expect("line")
        + 1;
    assert!(err.contains(&format!("criteria.toml:{line}:")), "{err}");
    assert!(err.contains("неизвестное имя «W_shar»"), "{err}");
}
