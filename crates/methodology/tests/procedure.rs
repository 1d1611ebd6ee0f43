//! `procedure.toml`: the shipped procedures read as the seeds say, and a broken procedure is
//! refused with file, line and column.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use bagalau_methodology::procedure::{
    ActionCode, DayUnit, Evaluation, Party, ProcedureEvent, ReorganisationWindow,
};
use bagalau_methodology::{load, Diagnostic, Status};

fn edition_dir(id: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../methodologies")
        .join(id)
}

#[test]
fn the_2014_procedure_is_chapters_6_to_8() {
    let ed = load(&edition_dir("2014-services")).expect("2014 loads");
    let p = ed.procedure.as_ref().expect("2014 has a procedure");

    let obj = p.deadlines.iter().find(|d| d.code == "objections").unwrap();
    assert_eq!(
        (obj.length, obj.unit, obj.from),
        (5, DayUnit::WorkingDays, ProcedureEvent::ConclusionReceived)
    );
    assert_eq!(
        obj.limits,
        vec![ActionCode::Object, ActionCode::NotifyNoObjections]
    );
    assert_eq!(obj.cite.reference, "п.60");
    assert_eq!(obj.cite.status, Status::Verbatim);
    assert!(obj.cite.quote.is_some());

    let table = p
        .deadlines
        .iter()
        .find(|d| d.code == "disagreement_table")
        .unwrap();
    assert_eq!(
        (table.length, table.unit, table.from),
        (5, DayUnit::WorkingDays, ProcedureEvent::ObjectionsReceived)
    );

    let decision = p.deadlines.iter().find(|d| d.code == "decision").unwrap();
    assert_eq!(
        (decision.length, decision.unit, decision.from),
        (
            15,
            DayUnit::CalendarDays,
            ProcedureEvent::ObjectionsReceived
        )
    );
    assert!(!decision.roll_to_working_day);
    assert_eq!(
        p.deadlines_for(ActionCode::Decide)
            .map(|d| d.code.as_str())
            .collect::<Vec<_>>(),
        vec!["decision"]
    );

    let c = p.commission.as_ref().unwrap();
    assert_eq!((c.min_members, c.exclude_evaluators), (5, true));
    assert_eq!(c.cite.reference, "п.61");
    let d = p.decisions.as_ref().unwrap();
    assert!(d.reasons_required && d.is_final);

    let rule = |w| p.reorganisation_rule(w).unwrap();
    let r68 = rule(ReorganisationWindow::FirstHalf);
    assert_eq!(
        (r68.evaluation, r68.recommendations_to_successor),
        (Evaluation::WithinSuccessor, false)
    );
    assert_eq!(r68.cite.reference, "п.68");
    let r69 = rule(ReorganisationWindow::SecondHalf);
    assert_eq!(
        (r69.evaluation, r69.recommendations_to_successor),
        (Evaluation::NotEvaluated, true)
    );
    let r70 = rule(ReorganisationWindow::AfterPeriodBeforeReporting);
    assert_eq!(
        (r70.evaluation, r70.recommendations_to_successor),
        (Evaluation::ForPeriod, true)
    );

    let stages: Vec<&str> = p.stages.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(
        stages,
        [
            "collection",
            "reverification",
            "appeal",
            "submission",
            "publication"
        ]
    );
    let (_, appeal) = p.stage("appeal").unwrap();
    let object = appeal
        .actions
        .iter()
        .find(|a| a.action == ActionCode::Object)
        .unwrap();
    assert_eq!(object.by, vec![Party::EvaluatedBody]);
    let decide = appeal
        .actions
        .iter()
        .find(|a| a.action == ActionCode::Decide)
        .unwrap();
    assert_eq!(decide.by, vec![Party::Commission]);

    // The procedure's items are counted with the edition's and described one line each.
    assert_eq!(p.citations().len(), p.describe().len());
    let all = ed.citations();
    assert!(all.iter().any(|(code, _, _)| code == "deadline.objections"));
}

#[test]
fn the_2023_states_quote_the_amendment_and_reconstruct_the_base_text() {
    for id in [
        "2021-operational-2023-publication",
        "2021-operational-2023-june",
    ] {
        let ed = load(&edition_dir(id)).expect("loads");
        let p = ed.procedure.as_ref().expect("has a procedure");
        let obj = p.deadlines.iter().find(|d| d.code == "objections").unwrap();
        assert_eq!(obj.cite.status, Status::Reconstructed, "{id}");
        assert!(obj.cite.note.as_deref().unwrap().contains("п.60"));
        let (_, submission) = p.stage("submission").unwrap();
        assert_eq!(submission.cite.status, Status::Verbatim);
        assert!(submission.cite.reference.contains("п.118"));
        let (_, collection) = p.stage("collection").unwrap();
        assert!(collection.cite.reference.contains("26"));
        assert_eq!(p.commission.as_ref().unwrap().min_members, 5);
    }
}

#[test]
fn an_edition_without_procedure_toml_has_none() {
    let ed = load(&edition_dir("2017-services")).expect("2017 loads");
    assert!(ed.procedure.is_none());
}

/// A copy of the 2014 edition in a temporary folder, with `procedure.toml` edited.
struct Broken {
    dir: PathBuf,
}

impl Broken {
    fn new(old: &str, new: &str) -> Broken {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bagalau-procedure-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let src = edition_dir("2014-services");
        for e in std::fs::read_dir(&src).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        }
        let ed = std::fs::read_to_string(dir.join("edition.toml")).unwrap();
        let shared = src.join("../texts/");
        std::fs::write(
            dir.join("edition.toml"),
            ed.replace(
                "text = \"../texts/",
                &format!("text = \"{}/", shared.display()),
            ),
        )
        .unwrap();
        let p = std::fs::read_to_string(dir.join("procedure.toml")).unwrap();
        assert!(p.contains(old), "{old:?} not in procedure.toml");
        std::fs::write(dir.join("procedure.toml"), p.replacen(old, new, 1)).unwrap();
        Broken { dir }
    }

    fn errors(&self) -> Vec<Diagnostic> {
        match load(&self.dir) {
            Ok(_) => panic!("the broken procedure loaded"),
            Err(e) => e.diagnostics,
        }
    }

    /// 1-based line of the first occurrence of `needle` in the edited file.
    fn line_of(&self, needle: &str) -> usize {
        let p = std::fs::read_to_string(self.dir.join("procedure.toml")).unwrap();
        let at = p.find(needle).unwrap();
        p[..at].matches('\n').count() + 1
    }
}

impl Drop for Broken {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn one(d: &[Diagnostic]) -> &Diagnostic {
    assert_eq!(d.len(), 1, "{d:#?}");
    &d[0]
}

#[test]
fn an_unknown_event_is_refused_at_its_line_and_column() {
    let b = Broken::new(
        "from = \"objections_received\"",
        "from = \"objections_sent\"",
    );
    let e = b.errors();
    let d = one(&e);
    assert!(d.location.file.ends_with("procedure.toml"));
    assert_eq!(d.location.line, b.line_of("objections_sent"));
    assert_eq!(d.location.column, 8);
    assert!(d
        .message
        .contains("неизвестное значение «objections_sent» (событие)"));
    assert!(d.message.contains("conclusion_received"));
}

#[test]
fn an_unknown_key_is_refused() {
    let b = Broken::new("min_members = 5", "min_members = 5\nmax_members = 9");
    let e = b.errors();
    let d = one(&e);
    assert_eq!(d.location.line, b.line_of("max_members"));
    assert!(d.message.contains("неизвестный ключ «max_members»"), "{d}");
}

#[test]
fn a_changed_quote_is_refused_with_the_divergence() {
    let b = Broken::new("но не менее 5 человек", "но не менее 3 человек");
    let e = b.errors();
    let d = one(&e);
    assert!(d.message.contains("цитата не найдена дословно"), "{d}");
    assert!(d.message.contains("не менее 3 человек"), "{d}");
}

#[test]
fn a_reconstruction_needs_a_note_and_a_window_one_rule() {
    let b = Broken::new(
        "[[reorganisation]]\nwindow = \"second_half\"",
        "[[reorganisation]]\nwindow = \"second_half\"\nevaluation = \"for_period\"\nrecommendations_to_successor = false\nref = \"x\"\nstatus = \"reconstructed\"\n\n[[reorganisation]]\nwindow = \"second_half\"",
    );
    let e = b.errors();
    assert!(
        e.iter().any(|d| d.message.contains("уже определено")),
        "{e:#?}"
    );
    assert!(e
        .iter()
        .any(|d| d.message.contains("обязательно поле note")));
}

#[test]
fn a_deadline_on_an_action_no_stage_allows_is_refused() {
    let b = Broken::new(
        "  [[stage.action]]\n  action = \"form_disagreement_table\"\n  by = [\"authorized_body\"]\n",
        "",
    );
    let e = b.errors();
    let d = one(&e);
    assert!(d.message.contains("form_disagreement_table"), "{d}");
    assert_eq!(d.location.line, b.line_of("code = \"disagreement_table\""));
}

#[test]
fn a_length_of_zero_and_a_roll_on_working_days_are_refused() {
    let b = Broken::new("length = 5\nunit = \"working_days\"\nfrom = \"conclusion_received\"\nlimits = [\"object\", \"notify_no_objections\"]\n",
        "length = 0\nunit = \"working_days\"\nfrom = \"conclusion_received\"\nlimits = [\"object\", \"notify_no_objections\"]\nroll_to_working_day = true\n");
    let e = b.errors();
    assert!(
        e.iter().any(|d| d.message.contains("length должно быть")),
        "{e:#?}"
    );
    assert!(e
        .iter()
        .any(|d| d.message.contains("только для срока в календарных днях")));
}

/// The amendment's пп.5, 6, 9, 26, 118 are in force from publication in both 2023 states: the two
/// states carry the same procedure, written twice; this keeps the copies equal.
#[test]
fn both_2023_states_carry_the_same_procedure() {
    let read = |id: &str| std::fs::read_to_string(edition_dir(id).join("procedure.toml")).unwrap();
    assert_eq!(
        read("2021-operational-2023-publication"),
        read("2021-operational-2023-june")
    );
}
