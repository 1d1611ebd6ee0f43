//! `bagalau cycle …` from the command line, with `--today` walking the calendar: an objection on
//! the last allowed day is accepted, one the day after is refused naming the deadline and the
//! date; an action without `--as` or by the wrong party is refused in Russian.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

const AGENCY: &str =
    "authorized_body:Агентство Республики Казахстан по делам государственной службы:Иванов";
const ADMIN: &str = "administrator:Администратор:Админова";

/// Runs `bagalau cycle ARGS` on the store in `dir`; (success, stdout + stderr).
fn cycle(dir: &Path, today: &str, actor: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bagalau"))
        .current_dir(root())
        .env_remove("BAGALAU_DATABASE_URL")
        .arg("cycle")
        .args([
            "--data-dir",
            &dir.display().to_string(),
            "--cycle",
            "t",
            "--today",
            today,
        ])
        .args(if actor.is_empty() {
            vec![]
        } else {
            vec!["--as", actor]
        })
        .args(args)
        .output()
        .expect("bagalau runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn ok(r: (bool, String)) -> String {
    assert!(r.0, "{}", r.1);
    r.1
}

#[test]
fn objections_on_the_last_day_and_the_day_after() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    ok(cycle(
        d,
        "2024-01-09",
        ADMIN,
        &[
            "create",
            "--edition",
            "2021-operational-2023-june",
            "--data",
            "examples/2021-operational",
            "--reporting-deadline",
            "2024-02-15",
        ],
    ));
    // Without --as nothing is recorded.
    let r = cycle(
        d,
        "2024-01-10",
        "",
        &["import", "--data", "examples/2021-operational"],
    );
    assert!(!r.0 && r.1.contains("укажите, кто действует"), "{}", r.1);
    ok(cycle(
        d,
        "2024-01-22",
        ADMIN,
        &["import", "--data", "examples/2021-operational"],
    ));
    ok(cycle(d, "2024-02-20", ADMIN, &["stage", "reverification"]));
    let out = ok(cycle(d, "2024-02-28", ADMIN, &["compute"]));
    assert!(out.contains("Расчёт sha256:"), "{out}");
    ok(cycle(d, "2024-03-01", ADMIN, &["stage", "appeal"]));
    for b in ["MF", "MJ"] {
        ok(cycle(
            d,
            "2024-03-04",
            AGENCY,
            &["issue", "--body", b, "--direction", "services"],
        ));
        let me = format!("evaluated_body:{b}:сотрудник");
        ok(cycle(
            d,
            "2024-03-04",
            &me,
            &[
                "receipt",
                "--body",
                b,
                "--direction",
                "services",
                "--received",
                "2024-03-04",
            ],
        ));
    }
    // An evaluated body may not object for another.
    let r = cycle(
        d,
        "2024-03-05",
        "evaluated_body:MJ:сотрудник",
        &[
            "object",
            "--body",
            "MF",
            "--direction",
            "services",
            "--input",
            "svc_violations",
            "--text",
            "т",
        ],
    );
    assert!(!r.0 && r.1.contains("сам орган «MF»"), "{}", r.1);
    // Five working days from Monday 4 March 2024: Tue 5, Wed 6, Thu 7, (Fri 8 — 8 March), Mon 11,
    // Tue 12. MF on 12.03 — accepted; MJ on 13.03 — refused with both dates.
    let evidence = d.join("скан.txt");
    std::fs::write(&evidence, "подтверждение\n").expect("write");
    let ev = evidence.display().to_string();
    // Evidence is type-checked by the store: a text file declared as PDF is refused, and the
    // objection with it is not recorded.
    let fake = d.join("скан.pdf");
    std::fs::write(&fake, "не PDF\n").expect("write");
    let fake = fake.display().to_string();
    let r = cycle(
        d,
        "2024-03-12",
        "evaluated_body:MF:сотрудник",
        &[
            "object",
            "--body",
            "MF",
            "--direction",
            "services",
            "--input",
            "svc_violations",
            "--text",
            "т",
            "--evidence",
            &fake,
        ],
    );
    assert!(!r.0 && r.1.contains("application/pdf"), "{}", r.1);
    ok(cycle(
        d,
        "2024-03-12",
        "evaluated_body:MF:сотрудник",
        &[
            "object",
            "--body",
            "MF",
            "--direction",
            "services",
            "--input",
            "svc_violations",
            "--text",
            "Нарушения сроков учтены дважды",
            "--evidence",
            &ev,
        ],
    ));
    let r = cycle(
        d,
        "2024-03-13",
        "evaluated_body:MJ:сотрудник",
        &[
            "object",
            "--body",
            "MJ",
            "--direction",
            "services",
            "--input",
            "svc_violations",
            "--text",
            "т",
        ],
    );
    assert!(!r.0, "{}", r.1);
    assert!(
        r.1.contains("срок истёк 12.03.2024") && r.1.contains("13.03.2024 — после срока"),
        "{}",
        r.1
    );
    let status = ok(cycle(d, "2024-03-13", "", &["status"]));
    assert!(
        status.contains("Просрочено") && status.contains("MJ"),
        "{status}"
    );
    let log = ok(cycle(d, "2024-03-13", "", &["log"]));
    assert!(log.contains("направление возражений — орган MF"), "{log}");
    // The refused objection left no event.
    assert_eq!(log.matches("направление возражений").count(), 1, "{log}");
    let v = ok(cycle(d, "2024-03-13", "", &["verify"]));
    assert!(v.contains("нарушений нет"), "{v}");
}
