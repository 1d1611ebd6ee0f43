//! Import sources at the process level (the in-memory store): what a refused source leaves (no
//! event, no file), what a repeated source leaves (nothing), the provenance recorded, and the
//! replacement of a body's rows by its submitted form.

use std::path::{Path, PathBuf};

use bagalau_cycle::{Action, Actor, Party, SourceKind};
use bagalau_process::{Backend, CreateCycle, MemoryBackend, Process, ProcessError, Source};
use chrono::{NaiveDate, NaiveDateTime};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn at(d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2015, 1, d)
        .and_then(|x| x.and_hms_opt(9, 0, 0))
        .unwrap_or_default()
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "bagalau-process-sources-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

fn admin() -> Actor {
    Actor::new(Party::Administrator, "Администратор", "А")
}

fn cycle() -> Result<Process<MemoryBackend>, ProcessError> {
    let p = Process::new(MemoryBackend::default(), &root().join("methodologies"))?;
    p.create(
        admin(),
        at(9),
        &CreateCycle {
            id: "c".into(),
            edition: "2014-services".into(),
            data: root().join("examples/2014-services"),
            reporting_deadline: NaiveDate::from_ymd_opt(2015, 2, 15).unwrap_or_default(),
            stage_ends: vec![],
        },
    )?;
    Ok(p)
}

#[test]
fn a_dataset_import_records_its_files_and_repeats_record_nothing() -> Result<(), ProcessError> {
    let p = cycle()?;
    let data = root().join("examples/2014-services");
    let first = p.import_from("c", admin(), at(10), Source::Dataset(&data))?;
    assert!(first.new);
    assert_eq!(first.version, 1);
    assert_eq!(first.source.kind, SourceKind::Dataset);
    let names: Vec<&str> = first.source.files.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"bodies.csv") && names.contains(&"services.csv"));
    let bodies = first
        .source
        .files
        .iter()
        .find(|f| f.name == "bodies.csv")
        .expect("bodies.csv");
    let bytes = std::fs::read(data.join("bodies.csv")).expect("bodies");
    assert_eq!(bodies.sha256, bagalau_cycle::content_hash(&bytes));
    assert_eq!(bodies.size, bytes.len() as u64);
    let (events, blobs) = (p.backend.events("c")?.len(), p.backend.blob_count());
    let again = p.import_from("c", admin(), at(11), Source::Dataset(&data))?;
    assert!(!again.new);
    assert_eq!(again.version, 1);
    assert_eq!(again.snapshot, first.snapshot);
    assert_eq!(
        (p.backend.events("c")?.len(), p.backend.blob_count()),
        (events, blobs)
    );
    // The event holds the provenance.
    let last = p.backend.events("c")?.pop().expect("an event");
    let Action::ImportData {
        source: Some(s), ..
    } = last.what
    else {
        panic!("an import with its source: {:?}", last.what);
    };
    assert_eq!(s, first.source);
    Ok(())
}

#[test]
fn a_refused_form_stores_nothing() -> Result<(), ProcessError> {
    let p = cycle()?;
    let dir = scratch("refused");
    let bad = dir.join("not-a-form.xlsx");
    std::fs::write(&bad, b"PK\x03\x04 not really a workbook").expect("write");
    let (events, blobs) = (p.backend.events("c")?.len(), p.backend.blob_count());
    let err = p
        .import_from("c", admin(), at(10), Source::Form(&bad))
        .expect_err("refused");
    assert!(matches!(err, ProcessError::Form(_)), "{err}");
    assert!(
        err.to_string().contains("не читается как книга XLSX"),
        "{err}"
    );
    assert_eq!(
        (p.backend.events("c")?.len(), p.backend.blob_count()),
        (events, blobs)
    );
    // Raw records need a base: the cycle has no data yet and none is given.
    let progress = bagalau_aggregate::Progress::default();
    let err = p
        .import_from(
            "c",
            admin(),
            at(10),
            Source::Raw {
                dir: &dir,
                base: None,
                progress: &progress,
            },
        )
        .expect_err("no base");
    assert!(err.to_string().contains("укажите --base"), "{err}");
    // Submissions need submitted forms.
    p.import("c", admin(), at(10), &root().join("examples/2014-services"))?;
    let err = p
        .import_from("c", admin(), at(11), Source::Submissions)
        .expect_err("nothing submitted");
    assert!(err.to_string().contains("ни один орган"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let h = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("row").iter().map(str::to_string).collect())
        .collect();
    (h, rows)
}

/// A body's rows from its form take the place of its rows; the other bodies' rows and the
/// columns the form lacks stay as they were.
#[test]
fn submitted_rows_replace_the_bodys_rows_in_place() {
    let ed =
        bagalau_methodology::load(&root().join("methodologies/2014-services")).expect("edition");
    let base = root().join("examples/2014-services");
    let dir = scratch("replace");
    // MF's form: its rows of the example, one service row dropped, one value changed, and the
    // name column absent.
    let form = dir.join("form");
    std::fs::create_dir_all(&form).expect("form");
    std::fs::copy(base.join("dataset.toml"), form.join("dataset.toml")).expect("toml");
    let (bh, brows) = rows(&base.join("bodies.csv"));
    let late = bh
        .iter()
        .position(|h| h == "portal_late")
        .expect("portal_late");
    let keep: Vec<usize> = (0..bh.len()).filter(|&i| bh[i] != "name").collect();
    let mut w = csv::Writer::from_path(form.join("bodies.csv")).expect("write");
    w.write_record(keep.iter().map(|&i| &bh[i]))
        .expect("header");
    let mf = brows.iter().find(|r| r[0] == "MF").expect("MF");
    let mut changed = mf.clone();
    changed[late] = (changed[late].parse::<u64>().expect("number") + 1).to_string();
    w.write_record(keep.iter().map(|&i| &changed[i]))
        .expect("row");
    w.flush().expect("flush");
    let (sh, srows) = rows(&base.join("services.csv"));
    let mf_services: Vec<&Vec<String>> = srows.iter().filter(|r| r[0] == "MF").collect();
    assert!(mf_services.len() >= 2, "MF has several services");
    let mut w = csv::Writer::from_path(form.join("services.csv")).expect("write");
    w.write_record(&sh).expect("header");
    for r in &mf_services[1..] {
        w.write_record(*r).expect("row");
    }
    w.flush().expect("flush");
    let out = dir.join("out");
    bagalau_process::sources::replace_bodies(&ed, &base, &[("MF".into(), form)], &out)
        .expect("replaced");
    let (oh, orows) = rows(&out.join("bodies.csv"));
    assert_eq!(oh, bh);
    let mut want = brows.clone();
    let i = want.iter().position(|r| r[0] == "MF").expect("MF");
    want[i] = changed;
    assert_eq!(orows, want, "MF's row changed in place, its name kept");
    let (oh, orows) = rows(&out.join("services.csv"));
    assert_eq!(oh, sh);
    let first = srows.iter().position(|r| r[0] == "MF").expect("MF");
    let mut want: Vec<Vec<String>> = srows.iter().filter(|r| r[0] != "MF").cloned().collect();
    let tail = want.split_off(first);
    want.extend(mf_services[1..].iter().map(|r| (*r).clone()));
    want.extend(tail);
    assert_eq!(orows, want, "MF's services in the place of its old ones");
    let _ = std::fs::remove_dir_all(&dir);
}
