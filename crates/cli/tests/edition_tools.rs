//! `edition fidelity`, `edition diff` and period coverage.

mod common;

use std::path::PathBuf;

use common::{copy_dir, root};

use bagalau::Format;

fn copy_edition(tag: &str) -> PathBuf {
    copy_dir("methodologies/2014-services", tag)
}

#[test]
fn fidelity_lists_every_item_with_status_and_counts() {
    let out = bagalau::edition_fidelity(&root().join("methodologies/2014-services"), Format::Json)
        .expect("fidelity");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let items = v["items"].as_array().expect("items");
    let verbatim = v["verbatim"].as_u64().expect("count");
    let reconstructed = v["reconstructed"].as_u64().expect("count");
    assert_eq!(items.len() as u64, verbatim + reconstructed);
    assert!(reconstructed > 0 && verbatim > 0);
    for it in items {
        assert!(!it["ref"].as_str().unwrap_or("").is_empty(), "{it}");
        if it["status"] == "reconstructed" {
            assert!(!it["note"].as_str().unwrap_or("").is_empty(), "{it}");
        }
    }
    let k2 = items.iter().find(|i| i["code"] == "K2").expect("K2 listed");
    assert_eq!(k2["status"], "reconstructed");
    assert!(k2["note"].as_str().unwrap_or("").contains("W — множитель"));
    let text = bagalau::edition_fidelity(&root().join("methodologies/2014-services"), Format::Text)
        .expect("text");
    assert!(
        text.contains(&format!(
            "по тексту акта: {verbatim} ({} %); реконструировано: {reconstructed} ({} %)",
            (verbatim * 200 + items.len() as u64) / (items.len() as u64 * 2),
            (reconstructed * 200 + items.len() as u64) / (items.len() as u64 * 2)
        )),
        "{text}"
    );
    // Quotes are checked against the act's text and counted.
    let quoted = items.iter().filter(|i| !i["quote"].is_null()).count();
    assert!(quoted > 0);
    assert!(text.contains(&format!("с цитатой: {quoted} (")), "{text}");
    assert!(text.contains("сверены дословно"), "{text}");
    assert!(!text.contains(".txt"), "{text}");
}

#[test]
fn diff_names_changed_formulas_scales_and_parameters() {
    let b = copy_edition("diff");
    let edit = |file: &str, from: &str, to: &str| {
        let p = b.join(file);
        let t = std::fs::read_to_string(&p).expect("read");
        assert!(t.contains(from), "{from}");
        std::fs::write(&p, t.replacen(from, to, 1)).expect("write");
    };
    edit("parameters.toml", "value = \"0.8\"", "value = \"0.7\"");
    edit(
        "scales.toml",
        "range = \"[9.0, 9.5)\"\n  points = 22",
        "range = \"[9.0, 9.5)\"\n  points = 21",
    );
    edit(
        "values.toml",
        "formula = \"if(term_days <= term_short_days, 1, d_long)\"",
        "formula = \"if(term_days < term_short_days, 1, d_long)\"",
    );
    let out = bagalau::edition_diff(
        &root().join("methodologies/2014-services"),
        &b,
        None,
        Format::Text,
    )
    .expect("diff");
    assert!(out.contains("~ d_long"), "{out}");
    assert!(
        out.contains("было:  0.8") && out.contains("стало: 0.7"),
        "{out}"
    );
    assert!(out.contains("~ app7_satisfaction"), "{out}");
    assert!(
        out.contains("~ svc_term_d") && out.contains("term_days < term_short_days"),
        "{out}"
    );
    assert!(
        out.contains("Итого: добавлено 0, исключено 0, изменено 3."),
        "{out}"
    );
    let same = bagalau::edition_diff(
        &root().join("methodologies/2014-services"),
        &root().join("methodologies/2014-services"),
        None,
        Format::Text,
    )
    .expect("diff");
    assert!(same.contains("Различий нет."));
}

#[test]
fn period_without_edition_is_refused() {
    let err = bagalau::edition_for_period(&root().join("methodologies"), 2013)
        .expect_err("no 2013 edition");
    assert!(
        err.to_string().contains("не охватывает период 2013"),
        "{err}"
    );
    let ed =
        bagalau::edition_for_period(&root().join("methodologies"), 2014).expect("2014 is covered");
    assert_eq!(ed.id, "2014-services");
}

/// Every period from 2014 to 2025 either has exactly the editions that declare it or is reported
/// as a gap — no period silently falls back to another year's rules.
#[test]
fn temporal_coverage_2014_to_2025() {
    let (text, _) =
        bagalau::edition_coverage(&root().join("methodologies"), 2014, 2025).expect("coverage");
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(lines.len(), 12, "{text}");
    let editions = bagalau::load_all_editions(&root().join("methodologies")).expect("editions");
    for (p, line) in (2014u16..=2025).zip(&lines) {
        let covering: Vec<&str> = editions
            .iter()
            .filter(|e| e.validity.periods.contains(&p))
            .map(|e| e.id.as_str())
            .collect();
        assert!(line.starts_with(&p.to_string()), "{line}");
        if covering.is_empty() {
            assert!(line.contains("нет редакции"), "{line}");
            assert!(bagalau::edition_for_period(&root().join("methodologies"), p).is_err());
        } else {
            for id in covering {
                assert!(line.contains(id), "{line}");
            }
        }
    }
    assert!(lines[0].contains("2014-services"));
    println!("{text}");
}

#[test]
fn diff_2019_to_2021_pairs_renamed_criteria_through_the_crosswalk() {
    let r = root();
    let out = bagalau::edition_diff(
        &r.join("methodologies/2018-interaction"),
        &r.join("methodologies/2021-operational-2023-june"),
        Some(&r.join("methodologies/crosswalk.toml")),
        Format::Text,
    )
    .expect("diff");
    // Open dialogue is OP2 in 2018–2019 and OP4 in 2021: compared with each other, not with the
    // 2021 open budget that took the code OP2.
    assert!(out.contains("== СОПОСТАВЛЕНО ПО CROSSWALK =="), "{out}");
    assert!(
        out.contains("~ open_dialogue «Открытый диалог» (изменено, код)"),
        "{out}"
    );
    assert!(
        out.contains("было:  OP2") && out.contains("стало: OP4"),
        "{out}"
    );
    assert!(out.contains("+ OP3 «Открытые НПА»"), "{out}");
    println!("{out}");
}

/// Issue 9, item 15: the edition book is generated for every edition: items by paragraph, the
/// act's words beside the rule, status and note.
#[test]
fn issue9_edition_book_for_every_edition() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("methodologies")).expect("methodologies") {
        let dir = entry.expect("entry").path();
        if !dir.join("edition.toml").exists() {
            continue;
        }
        let ed = bagalau::load_edition(&dir).expect("edition");
        let doc = bagalau_report::book::book(&ed);
        let text = bagalau_office::to_text(&doc);
        assert!(text.contains("Книга редакции"), "{text}");
        assert!(text.contains("Правило редакции"), "{text}");
        assert!(text.contains("реконструкция") || text.contains("по тексту акта"));
        for n in &ed.nodes {
            assert!(text.contains(&n.code), "{}: {} missing", ed.id, n.code);
        }
        n += 1;
    }
    assert!(n >= 5, "{n} editions");
    let ed = bagalau::load_edition(&root().join("methodologies/2014-services")).expect("2014");
    let text = bagalau_office::to_text(&bagalau_report::book::book(&ed));
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at("| п.16 |") < at("| п.39 |"), "ordered by paragraph");
    assert!(
        text.contains("«Для государственных органов, индекс нагрузки которых равен или превышает")
    );
    assert!(text.contains("где: "), "formula legend");
    assert!(!text.contains(".txt"), "no file names");
}

/// Issue 11: the fidelity report names sources as officials know them — never the project's
/// seed numbers or the file names of texts.
#[test]
fn issue11_fidelity_names_no_internal_sources() {
    for entry in std::fs::read_dir(root().join("methodologies")).expect("methodologies") {
        let dir = entry.expect("entry").path();
        if !dir.join("edition.toml").exists() {
            continue;
        }
        for format in [Format::Text, Format::Json] {
            let out = bagalau::edition_fidelity(&dir, format).expect("fidelity");
            for word in ["seed", ".txt"] {
                assert!(
                    !out.contains(word),
                    "{}: «{word}» in fidelity",
                    dir.display()
                );
            }
        }
        let book = bagalau_office::to_text(&bagalau_report::book::book(
            &bagalau::load_edition(&dir).expect("edition"),
        ));
        assert!(
            !book.contains("seed"),
            "{}: «seed» in the book",
            dir.display()
        );
    }
}
