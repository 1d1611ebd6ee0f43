//! A body across periods under their own editions, with the crosswalk of continuing criteria.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn karaganda_across_2014_2017_2018() {
    let r = root();
    let runs = vec![
        (
            r.join("methodologies/2017-services"),
            r.join("examples/2017-karaganda"),
        ),
        (
            r.join("methodologies/2014-services"),
            r.join("examples/2014-services"),
        ),
        (
            r.join("methodologies/2018-interaction"),
            r.join("examples/2018-interaction"),
        ),
    ];
    let out =
        bagalau::history("kar", &runs, &r.join("methodologies/crosswalk.toml")).expect("history");
    let lines: Vec<&str> = out.lines().collect();
    // Periods in order, each under its own edition.
    assert!(
        lines[1].find("2014 (2014-services)") < lines[1].find("2017 (2017-services)"),
        "{out}"
    );
    assert!(
        lines[1].find("2017 (2017-services)") < lines[1].find("2018 (2018-interaction)"),
        "{out}"
    );
    let sat = lines
        .iter()
        .find(|l| l.starts_with("Удовлетворенность"))
        .expect("satisfaction row");
    assert!(
        sat.contains("[M2]") && sat.contains("25,00/40 (63%) [C1]") && sat.contains("[SL1]"),
        "{out}"
    );
    let control = lines
        .iter()
        .find(|l| l.starts_with("Внутренний контроль"))
        .expect("control row");
    assert!(control.contains("8,00/10 (80%) [C4]"), "{out}");
    assert!(out.contains("40,95; 1 из 1; неэффективная"), "{out}");
}

#[test]
fn crosswalk_with_unknown_code_is_refused() {
    let r = root();
    let dir = std::env::temp_dir().join(format!("bagalau-cw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let cw = dir.join("crosswalk.toml");
    std::fs::write(
        &cw,
        "[[concept]]\ncode = \"x\"\nname = \"x\"\nnodes = { \"2014-services\" = [\"K9\"] }\n",
    )
    .expect("write");
    let err = bagalau::history(
        "kar",
        &[(
            r.join("methodologies/2014-services"),
            r.join("examples/2014-services"),
        )],
        &cw,
    )
    .expect_err("unknown code");
    assert!(err.to_string().contains("K9"), "{err}");
}
