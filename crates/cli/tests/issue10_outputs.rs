//! Issue 10: outputs (names are not paths, temporary files, special files, symlinks, manifest),
//! no panic on extreme numbers, quiet broken pipes. Each test runs the `bagalau` binary as a user
//! would, or the library function the binary calls.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn bagalau() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bagalau"));
    cmd.current_dir(root()).stdin(Stdio::null());
    cmd
}

/// A fresh scratch folder for one test.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bagalau-i10-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Never a panic: not exit status 101, no «panicked» on stderr.
fn assert_no_panic(o: &Output, what: &str) {
    let err = stderr(o);
    assert!(
        o.status.code() != Some(101) && !err.contains("panicked"),
        "{what}: {:?}\n{err}",
        o.status
    );
}

/// The Karaganda dataset (one body, «kar») with the body's id replaced.
fn karaganda_with_id(dir: &Path, id: &str) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    let src = root().join("examples/2017-karaganda");
    std::fs::copy(src.join("dataset.toml"), data.join("dataset.toml")).expect("copy");
    let bodies = std::fs::read_to_string(src.join("bodies.csv")).expect("bodies");
    let bodies = bodies.replacen("\nkar,", &format!("\n\"{id}\","), 1);
    std::fs::write(data.join("bodies.csv"), bodies).expect("write bodies");
    data
}

fn conclusion_cmd(data: &Path) -> Command {
    let mut cmd = bagalau();
    cmd.args([
        "report",
        "conclusion",
        "--edition",
        "methodologies/2017-services",
        "--data",
    ])
    .arg(data);
    cmd
}

#[test]
fn issue10_out_dir_body_id_is_not_a_path() {
    let dir = scratch("names");
    let outside = dir.join("escaped-conclusion.html");
    for id in ["../escaped", &dir.join("escaped").to_string_lossy()] {
        let data = karaganda_with_id(&dir, id);
        let out = dir.join("out");
        let o = conclusion_cmd(&data)
            .arg("--out-dir")
            .arg(&out)
            .output()
            .expect("run");
        assert_no_panic(&o, id);
        assert!(
            !outside.exists(),
            "{id}: nothing is written outside the folder"
        );
        if o.status.success() {
            // Sanitised: one file, inside the folder, plus the manifest.
            let names = names_in(&out);
            assert_eq!(names.len(), 2, "{names:?}");
            assert!(names.contains(&"manifest.json".to_string()));
            assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
        } else {
            // Or refused when the data is loaded, with a message.
            assert!(stderr(&o).contains("ошибка"), "{}", stderr(&o));
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn kar_html(out: &Path) -> Output {
    conclusion_cmd(&root().join("examples/2017-karaganda"))
        .args(["--body", "kar", "--out"])
        .arg(out)
        .output()
        .expect("run")
}

#[test]
fn issue10_out_follows_symlinks_and_keeps_siblings() {
    let dir = scratch("symlink");
    let real = dir.join("real.html");
    let link = dir.join("link.html");
    std::fs::write(&real, "old").expect("real");
    std::os::unix::fs::symlink("real.html", &link).expect("symlink");
    // Unrelated files that the old code destroyed or shared: `X.part`.
    std::fs::write(dir.join("link.part"), "mine").expect("part");
    std::fs::write(dir.join("real.part"), "mine too").expect("part");
    let o = kar_html(&link);
    assert!(o.status.success(), "{}", stderr(&o));
    let meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(meta.file_type().is_symlink(), "the link stays a link");
    let html = std::fs::read_to_string(&real).expect("target written");
    assert!(
        html.contains("Карагандинской"),
        "the link's target has the document"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("link.part")).expect("part"),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("real.part")).expect("part"),
        "mine too"
    );
    assert_eq!(
        names_in(&dir),
        ["link.html", "link.part", "real.html", "real.part"],
        "no temporary left"
    );
    // A dangling link: its target is created, the link is kept.
    let dangling = dir.join("dangling.html");
    std::os::unix::fs::symlink("made.html", &dangling).expect("symlink");
    let o = kar_html(&dangling);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&dangling)
        .expect("link")
        .file_type()
        .is_symlink());
    assert!(dir.join("made.html").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue10_out_writes_through_special_files() {
    let dir = scratch("special");
    // A FIFO stays a FIFO: the document goes through it to the reader.
    let fifo = dir.join("pipe.html");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read fifo"))
    };
    let o = kar_html(&fifo);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = reader.join().expect("reader");
    assert!(
        got.contains("Карагандинской"),
        "the reader got the document"
    );
    assert!(std::fs::symlink_metadata(&fifo)
        .expect("fifo")
        .file_type()
        .is_fifo_like());
    // /dev/stdout: the document is the standard output; the summary goes to stderr.
    let o = kar_html(Path::new("/dev/stdout"));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("<!DOCTYPE html>"),
        "{}",
        &out[..out.len().min(80)]
    );
    assert!(!out.contains("Записано"));
    // /dev/full: a clear error, no panic, the device is not replaced.
    let o = kar_html(Path::new("/dev/full"));
    assert_no_panic(&o, "/dev/full");
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("нет свободного места"),
        "{}",
        stderr(&o)
    );
    assert!(std::fs::metadata("/dev/full")
        .expect("/dev/full")
        .file_type()
        .is_char_device_like());
    let _ = std::fs::remove_dir_all(&dir);
}

trait SpecialType {
    fn is_fifo_like(&self) -> bool;
    fn is_char_device_like(&self) -> bool;
}

impl SpecialType for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
    fn is_char_device_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_char_device(self)
    }
}

#[test]
fn issue10_failed_write_leaves_no_temporary() {
    let dir = scratch("fail");
    // The target is a folder: refused, and nothing is created beside it.
    std::fs::create_dir_all(dir.join("taken.html/inner")).expect("folder");
    let o = kar_html(&dir.join("taken.html"));
    assert_no_panic(&o, "folder target");
    assert!(!o.status.success());
    assert_eq!(names_in(&dir), ["taken.html"], "no temporary left");
    // Library level: a failure during the write (a folder in place of the parent) leaves nothing.
    let blocked = dir.join("file-not-dir");
    std::fs::write(&blocked, "x").expect("file");
    let err = bagalau::output::write_file(&blocked.join("doc.html"), b"<html>")
        .expect_err("a file is not a folder");
    assert!(!err.to_string().is_empty());
    assert_eq!(names_in(&dir), ["file-not-dir", "taken.html"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue10_html_and_docx_of_one_name_do_not_share_a_temporary() {
    // The old code wrote `X.html` and `X.docx` through the same `X.part`: concurrent writes mixed
    // their contents. Each write now has a temporary file of its own.
    let dir = scratch("shared-temp");
    let html = dir.join("X.html");
    let docx = dir.join("X.docx");
    let a = vec![b'a'; 1 << 20];
    let b = vec![b'b'; 1 << 20];
    for _ in 0..20 {
        std::thread::scope(|s| {
            s.spawn(|| bagalau::output::write_file(&html, &a).expect("html"));
            s.spawn(|| bagalau::output::write_file(&docx, &b).expect("docx"));
        });
        assert_eq!(std::fs::read(&html).expect("html"), a);
        assert_eq!(std::fs::read(&docx).expect("docx"), b);
    }
    assert_eq!(names_in(&dir), ["X.docx", "X.html"]);
    let _ = std::fs::remove_dir_all(&dir);
}

fn manifest(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json");
    serde_json::from_str(&text).expect("manifest is JSON")
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn services_conclusions(out: &Path) -> Output {
    conclusion_cmd(&root().join("examples/2017-services"))
        .arg("--out-dir")
        .arg(out)
        .output()
        .expect("run")
}

#[test]
fn issue10_out_dir_manifest_lists_files_with_hashes() {
    let dir = scratch("manifest");
    let o = services_conclusions(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = manifest(&dir);
    assert_eq!(m["complete"], true);
    let files = m["files"].as_array().expect("files");
    assert_eq!(m["expected"], files.len());
    assert_eq!(files.len(), 5);
    for f in files {
        let name = f["file"].as_str().expect("name");
        let bytes = std::fs::read(dir.join(name)).expect("listed file exists");
        assert_eq!(
            f["sha256"].as_str(),
            Some(sha256(&bytes).as_str()),
            "{name}"
        );
        assert_eq!(f["bytes"], bytes.len());
    }
    let mut listed: Vec<String> = files
        .iter()
        .filter_map(|f| f["file"].as_str().map(str::to_string))
        .collect();
    listed.push("manifest.json".into());
    listed.sort();
    assert_eq!(names_in(&dir), listed, "nothing else in the folder");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue10_interrupted_out_dir_run_says_how_many_were_written() {
    let dir = scratch("partial");
    // The third document (bodies in the data's order: ca, cb, cc, …) cannot be written.
    std::fs::create_dir_all(dir.join("cc-conclusion.html/x")).expect("blocker");
    let o = services_conclusions(&dir);
    assert_no_panic(&o, "blocked");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("записано документов: 2 из 5"), "{err}");
    let m = manifest(&dir);
    assert_eq!(m["complete"], false);
    assert_eq!(m["files"].as_array().map(Vec::len), Some(2));
    assert!(
        names_in(&dir).iter().all(|n| !n.starts_with('.')),
        "no temporary left: {:?}",
        names_in(&dir)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue10_huge_previous_score_does_not_panic() {
    let dir = scratch("huge");
    let scores = dir.join("scores.csv");
    std::fs::write(
        &scores,
        "body,group,score,previous_score\nA,central,50,50000000000000000000000000000\n\
         B,central,60,50000000000000000000000000000\nC,local,70,1\n",
    )
    .expect("scores");
    let s = scores.to_string_lossy().to_string();
    let runs: [(&str, Vec<String>); 3] = [
        (
            "rating",
            vec!["rating".into(), "--scores".into(), s.clone()],
        ),
        (
            "report annual",
            vec![
                "report".into(),
                "annual".into(),
                "--period".into(),
                "2020".into(),
                "--scores".into(),
                s.clone(),
                "--out".into(),
                dir.join("a.html").to_string_lossy().into(),
            ],
        ),
        (
            "export xlsx",
            vec![
                "export".into(),
                "xlsx".into(),
                "--edition".into(),
                "methodologies/2014-services".into(),
                "--scores".into(),
                s.clone(),
                "--out".into(),
                dir.join("a.xlsx").to_string_lossy().into(),
            ],
        ),
    ];
    for (what, args) in runs {
        let o = bagalau().args(&args).output().expect("run");
        assert_no_panic(&o, what);
        // Either computed (the mean of two equal values is that value) or refused by the reader.
        if o.status.success() && what == "rating" {
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(out.contains("50000000000000000000000000000,0"), "{out}");
        } else if !o.status.success() {
            assert!(
                stderr(&o).contains("previous_score"),
                "{what}: {}",
                stderr(&o)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn issue10_conclusion_with_services_body_1e27_does_not_panic() {
    let dir = scratch("e27");
    let data = karaganda_with_id(&dir, "kar");
    let bodies = std::fs::read_to_string(data.join("bodies.csv")).expect("bodies");
    let bodies = bodies.replacen(",1384117,", ",1000000000000000000000000000,", 1);
    assert!(bodies.contains("1000000000000000000000000000"));
    std::fs::write(data.join("bodies.csv"), bodies).expect("write");
    let evaluated = bagalau()
        .args([
            "evaluate",
            "--edition",
            "methodologies/2017-services",
            "--data",
        ])
        .arg(&data)
        .output()
        .expect("run");
    assert_no_panic(&evaluated, "evaluate");
    let out = dir.join("k.html");
    let o = conclusion_cmd(&data)
        .args(["--body", "kar", "--out"])
        .arg(&out)
        .output()
        .expect("run");
    assert_no_panic(&o, "report conclusion");
    if evaluated.status.success() {
        assert!(o.status.success(), "{}", stderr(&o));
        let html = std::fs::read_to_string(&out).expect("html");
        // The figure as printed: digits grouped by three with no-break spaces.
        assert!(
            html.contains("1\u{a0}000\u{a0}000\u{a0}000"),
            "the figure is printed"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `bagalau evaluate … | head`: the reader goes away; the command ends quietly with status 0
/// (our convention; see README) instead of panicking with 101.
#[test]
fn issue10_broken_pipe_ends_quietly() {
    let evaluate = |format: &str| -> Vec<String> {
        [
            "evaluate",
            "--edition",
            "methodologies/2014-services",
            "--data",
            "examples/2014-services",
            "--format",
            format,
        ]
        .map(String::from)
        .to_vec()
    };
    let document: Vec<String> = [
        "report",
        "conclusion",
        "--edition",
        "methodologies/2017-services",
        "--data",
        "examples/2017-karaganda",
        "--body",
        "kar",
        "--out",
        "/dev/stdout",
    ]
    .map(String::from)
    .to_vec();
    for args in [evaluate("text"), evaluate("json"), document] {
        let mut child = bagalau()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // Close the reading end before the command has written anything.
        drop(child.stdout.take());
        let o = child.wait_with_output().expect("wait");
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("ошибка"),
            "{args:?}: {err}"
        );
    }
}
