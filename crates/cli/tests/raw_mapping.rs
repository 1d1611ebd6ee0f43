//! Which inputs raw records define is edition data (`raw.toml`): editing the file changes what
//! `bagalau aggregate` writes, with no Rust change; an edition without the file is refused by
//! name.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{copy_dir, root};

/// A fresh empty scratch folder for one test.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bagalau-rawmap-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// `raw/inputs.csv` of an aggregated folder: body → column → value (empty: `None`).
type Inputs = BTreeMap<String, BTreeMap<String, Option<u64>>>;

fn aggregate_inputs(edition: &Path, raw: &Path, out: &Path) -> Inputs {
    bagalau::raw::aggregate_command(edition, raw, out, None).expect("aggregate");
    let mut r = csv::Reader::from_path(out.join("raw/inputs.csv")).expect("inputs.csv");
    let h = r.headers().expect("header").clone();
    let mut m = Inputs::new();
    for rec in r.records() {
        let rec = rec.expect("record");
        let mut row = BTreeMap::new();
        for (name, v) in h.iter().zip(rec.iter()).skip(1) {
            row.insert(name.to_string(), v.parse::<u64>().ok());
        }
        m.insert(rec[0].to_string(), row);
    }
    m
}

#[test]
fn editing_raw_toml_changes_what_aggregate_writes() {
    let dir = scratch("edit");
    let raw = dir.join("raw");
    bagalau::raw::generate_command(2020, None, Some(20_000), None, &raw, 7, false)
        .expect("generate");
    let original = root().join("methodologies/2014-services");
    let before = aggregate_inputs(&original, &raw, &dir.join("a"));

    // The copy reads the portal's total over both portals, and the portal's late deliveries as
    // all its completed ones.
    let copy = copy_dir("methodologies/2014-services", "rawmap-edition");
    edit(
        &copy.join("edition.toml"),
        "text = \"../texts/",
        &format!("text = \"{}/", root().join("methodologies/texts").display()),
    );
    let file = copy.join("raw.toml");
    edit(
        &file,
        "code = \"portal_total\"\nmeasure = \"completed\"\nchannels = [\"portal\"]",
        "code = \"portal_total\"\nmeasure = \"completed\"\nchannels = [\"portal\", \"elicense\"]",
    );
    edit(
        &file,
        "code = \"portal_late\"\nmeasure = \"late\"",
        "code = \"portal_late\"\nmeasure = \"completed\"",
    );
    let after = aggregate_inputs(&copy, &raw, &dir.join("b"));

    assert!(!before.is_empty());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut changed = 0;
    for (body, b) in &before {
        let a = &after[body];
        let v = |m: &BTreeMap<String, Option<u64>>, c: &str| m[c].expect("a value");
        let both = v(b, "portal_total") + v(b, "elic_total");
        assert_eq!(v(a, "portal_total"), both, "{body}");
        assert_eq!(
            v(a, "portal_late"),
            v(b, "portal_total"),
            "{body}: late read as completed"
        );
        changed += usize::from(v(b, "portal_late") != v(b, "portal_total"));
        changed += usize::from(v(b, "elic_total") > 0);
        for (code, x) in b {
            if code != "portal_total" && code != "portal_late" {
                assert_eq!(a[code], *x, "{body}.{code} unchanged");
            }
        }
    }
    assert!(changed > 0, "the edit changed some body's values");

    // `edition diff` shows the two edited mappings and nothing else.
    let d = bagalau::edition_diff(&original, &copy, None, bagalau::Format::Text).expect("diff");
    assert!(d.contains("== ИЗ ПЕРВИЧНЫХ ЗАПИСЕЙ =="), "{d}");
    assert!(
        d.contains("~ portal_total") && d.contains("~ portal_late"),
        "{d}"
    );
    assert!(
        d.contains("Итого: добавлено 0, исключено 0, изменено 2."),
        "{d}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn an_edition_without_raw_toml_is_refused_by_name() {
    let dir = scratch("none");
    let copy = copy_dir("methodologies/2014-services", "rawmap-none");
    edit(
        &copy.join("edition.toml"),
        "text = \"../texts/",
        &format!("text = \"{}/", root().join("methodologies/texts").display()),
    );
    std::fs::remove_file(copy.join("raw.toml")).expect("remove");
    let out = dir.join("out");
    let e = bagalau::raw::aggregate_command(&copy, &dir, &out, None).expect_err("refused");
    let msg = format!("{e:#}");
    assert!(
        msg.contains(&copy.join("raw.toml").display().to_string()),
        "{msg}"
    );
    assert!(msg.contains("нет файла"), "{msg}");
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&copy);
}

/// `edition check` counts the mapped inputs and `edition describe` lists them with their
/// paragraphs, for every edition that has `raw.toml`.
#[test]
fn check_and_describe_show_the_raw_inputs() {
    for id in ["2014-services", "2017-services", "2018-interaction"] {
        let dir = root().join("methodologies").join(id);
        let ed = bagalau::load_edition(&dir).expect("loads");
        assert!(!ed.raw_inputs.is_empty(), "{id}");
        let check = bagalau::edition_check(&dir).expect("check");
        assert!(
            check.contains(&format!(
                "Показателей из первичных записей (raw.toml): {}.",
                ed.raw_inputs.len()
            )),
            "{check}"
        );
        let text = bagalau::edition_describe(&dir, bagalau::Format::Text).expect("describe");
        for r in &ed.raw_inputs {
            let line = text
                .lines()
                .find(|l| {
                    l.trim_start().starts_with(&format!("{} ", r.input))
                        && l.contains(&r.measure.describe_ru())
                })
                .unwrap_or_else(|| panic!("{id}: {} not described", r.input));
            assert!(line.contains(&r.cite.reference), "{line}");
        }
        let json: serde_json::Value = serde_json::from_str(
            &bagalau::edition_describe(&dir, bagalau::Format::Json).expect("describe"),
        )
        .expect("json");
        let listed = json["raw_inputs"].as_array().expect("raw_inputs");
        assert_eq!(listed.len(), ed.raw_inputs.len(), "{id}");
        for (j, r) in listed.iter().zip(&ed.raw_inputs) {
            assert_eq!(j["input"], r.input.as_str());
            assert_eq!(j["measure"], r.measure.kind().code());
        }
    }
    let none = bagalau::edition_check(&root().join("methodologies/2021-operational-2023-june"))
        .expect("check");
    assert!(!none.contains("первичных записей"), "{none}");
}

/// The edition format's documentation names every measure, channel and source the loader
/// accepts.
#[test]
fn the_format_documents_every_measure_channel_and_source() {
    use bagalau_methodology::raw_inputs::{
        MeasureKind, RawChannel, RecordSource, SurveyKind, SurveyQuestion, SurveyScale,
    };
    let doc = std::fs::read_to_string(root().join("docs/EDITION-FORMAT.md")).expect("doc");
    let section = &doc[doc
        .find("## Inputs from raw records (`raw.toml`)")
        .expect("section")..];
    let codes = MeasureKind::ALL
        .iter()
        .map(|m| m.code())
        .chain(RawChannel::ALL.iter().map(|c| c.code()))
        .chain(RecordSource::ALL.iter().map(|s| s.code()))
        .chain(SurveyQuestion::ALL.iter().map(|q| q.code()))
        .chain(SurveyKind::ALL.iter().map(|k| k.code()))
        .chain(SurveyScale::ALL.iter().map(|s| s.code()));
    for code in codes {
        assert!(
            section.contains(&format!("`{code}`")),
            "{code} not documented"
        );
    }
}

/// `services.csv` of an aggregated folder: (body, service) → (satisfaction, informedness).
fn survey_scores(out: &Path) -> BTreeMap<(String, String), (String, String)> {
    let mut r = csv::Reader::from_path(out.join("services.csv")).expect("services.csv");
    let h = r.headers().expect("header").clone();
    let at = |n: &str| h.iter().position(|c| c == n).expect(n);
    let (b, s, sat, inf) = (
        at("body"),
        at("service"),
        at("satisfaction"),
        at("informedness"),
    );
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            (
                (rec[b].to_string(), rec[s].to_string()),
                (rec[sat].to_string(), rec[inf].to_string()),
            )
        })
        .collect()
}

/// The survey entries of `raw.toml` are data too: the 2014 copy reading informedness from the
/// body's own monitoring, and satisfaction from the informedness answers, writes other scores in
/// `services.csv` from the same questionnaires.
#[test]
fn editing_a_survey_entry_changes_the_service_scores() {
    let dir = scratch("survey-edit");
    let raw = dir.join("raw");
    std::fs::create_dir_all(&raw).expect("raw dir");
    std::fs::write(
        raw.join("deliveries.csv"),
        "id,source,service,body,unit,channel,submitted,term,term_unit,completed,status,refusal_ground,connected\n",
    )
    .expect("deliveries");
    // Public monitoring: satisfaction 8 and 9 (8.5), informedness 6 and 7 (6.5); the body's own
    // monitoring: satisfaction 4, informedness 2.
    std::fs::write(
        raw.join("surveys.csv"),
        "id,kind,body,service,surveyed,scale,satisfaction,informedness,satisfied\n\
         1,public,MZSR,pension_age,2014-05-14 10:00:00,10,8,6,true\n\
         2,public,MZSR,pension_age,2014-05-14 11:00:00,10,9,7,true\n\
         3,own,MZSR,pension_age,2014-05-14 12:00:00,10,4,2,false\n",
    )
    .expect("surveys");
    let base = root().join("examples/2014-services");
    let original = root().join("methodologies/2014-services");
    let a = dir.join("a");
    bagalau::raw::aggregate_command(&original, &raw, &a, Some(&base)).expect("aggregate");
    let before = survey_scores(&a);
    let key = ("MZSR".to_string(), "pension_age".to_string());
    assert_eq!(before[&key], ("8.5".to_string(), "6.5".to_string()));

    let copy = copy_dir("methodologies/2014-services", "rawmap-survey-edition");
    edit(
        &copy.join("edition.toml"),
        "text = \"../texts/",
        &format!("text = \"{}/", root().join("methodologies/texts").display()),
    );
    let file = copy.join("raw.toml");
    edit(
        &file,
        "question = \"informedness\"\nkind = \"public\"",
        "question = \"informedness\"\nkind = \"own\"",
    );
    edit(
        &file,
        "question = \"satisfaction\"",
        "question = \"informedness\"",
    );
    let b = dir.join("b");
    bagalau::raw::aggregate_command(&copy, &raw, &b, Some(&base)).expect("aggregate the copy");
    let after = survey_scores(&b);
    assert_eq!(after[&key], ("6.5".to_string(), "2".to_string()));
    // Every other service: no questionnaires, no score, in both.
    assert_eq!(before.len(), after.len());
    for (k, v) in &after {
        if k != &key {
            assert_eq!(v, &(String::new(), String::new()), "{k:?}");
            assert_eq!(&before[k], v, "{k:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&copy);
}

/// The edition book lists every input computed from raw records, with its measure and the
/// paragraph that defines it.
#[test]
fn the_edition_book_lists_the_raw_inputs() {
    for id in ["2014-services", "2017-services", "2018-interaction"] {
        let ed = bagalau::load_edition(&root().join("methodologies").join(id)).expect(id);
        let book = bagalau_office::to_text(&bagalau_report::book::book(&ed));
        for r in &ed.raw_inputs {
            let rule = format!("Из первичных записей: {}", r.measure.describe_ru());
            let row = book
                .lines()
                .find(|l| l.contains(&rule) && l.contains(&format!(" {} ", r.input)))
                .unwrap_or_else(|| panic!("{id}: {} not in the book", r.input));
            assert!(row.contains("из первичных записей"), "{row}");
        }
    }
    let ed = bagalau::load_edition(&root().join("methodologies/2014-services")).expect("2014");
    let book = bagalau_office::to_text(&bagalau_report::book::book(&ed));
    assert!(
        book.contains("средний ответ анкет опроса")
            && book.contains("информированность о порядке оказания услуги"),
        "{book}"
    );
}
