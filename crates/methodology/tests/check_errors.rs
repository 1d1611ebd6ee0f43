//! The loader's diagnostics: each test copies the real 2014 edition into a temporary folder,
//! breaks one thing, loads it and checks that the diagnostic names the right file, line (and
//! where it matters, column) with a meaningful Russian message.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use bagalau_methodology::{load, CheckError, Diagnostic, Edition, PerGroup};
use rust_decimal::Decimal;

const EDITION: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../methodologies/2014-services"
);

/// A copy of the edition in a unique temporary folder, removed on drop.
struct Copy {
    dir: PathBuf,
}

impl Copy {
    fn new(name: &str) -> Copy {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bagalau-check-{}-{}-{name}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(EDITION).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
            }
        }
        // The act's text is named relative to the edition folder: point the copy at it.
        let ed = dir.join("edition.toml");
        let text = std::fs::read_to_string(&ed).unwrap();
        let shared = Path::new(EDITION).join("../texts/");
        std::fs::write(
            &ed,
            text.replace(
                "text = \"../texts/",
                &format!("text = \"{}/", shared.display()),
            ),
        )
        .unwrap();
        Copy { dir }
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.path(file)).unwrap()
    }

    /// Replaces the first `old` after the first `anchor` (`""`: from the start) with `new`;
    /// returns the 1-based line and column where `new` starts.
    fn edit_after(&self, file: &str, anchor: &str, old: &str, new: &str) -> (usize, usize) {
        let text = self.read(file);
        let from = text
            .find(anchor)
            .unwrap_or_else(|| panic!("{file}: anchor {anchor:?} not found"));
        let at = from
            + text[from..]
                .find(old)
                .unwrap_or_else(|| panic!("{file}: {old:?} not found after {anchor:?}"));
        let edited = format!("{}{new}{}", &text[..at], &text[at + old.len()..]);
        std::fs::write(self.path(file), edited).unwrap();
        line_col(&text, at)
    }

    fn edit(&self, file: &str, old: &str, new: &str) -> (usize, usize) {
        self.edit_after(file, "", old, new)
    }

    /// Line and column of the first occurrence of `needle` after `anchor` in the current file.
    fn find(&self, file: &str, anchor: &str, needle: &str) -> (usize, usize) {
        let text = self.read(file);
        let from = text
            .find(anchor)
            .unwrap_or_else(|| panic!("{file}: anchor {anchor:?} not found"));
        let at = from
            + text[from..]
                .find(needle)
                .unwrap_or_else(|| panic!("{file}: {needle:?} not found"));
        line_col(&text, at)
    }

    fn load(&self) -> Result<Edition, CheckError> {
        load(&self.dir)
    }

    fn load_err(&self) -> Vec<Diagnostic> {
        match self.load() {
            Ok(_) => panic!(
                "the broken edition in {} loaded without errors",
                self.dir.display()
            ),
            Err(e) => {
                assert!(!e.diagnostics.is_empty(), "CheckError without diagnostics");
                e.diagnostics
            }
        }
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

fn show(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The single diagnostic whose message contains `needle`; checks its file.
fn the<'a>(diags: &'a [Diagnostic], file: &str, needle: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.message.contains(needle))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one diagnostic containing «{needle}», got:\n{}",
        show(diags)
    );
    let d = found[0];
    assert_eq!(
        d.location.file.file_name().and_then(|f| f.to_str()),
        Some(file),
        "wrong file:\n{}",
        show(diags)
    );
    d
}

fn param(ed: &Edition, code: &str) -> PerGroup {
    ed.parameters
        .iter()
        .find(|p| p.code == code)
        .unwrap_or_else(|| panic!("parameter {code}"))
        .value
}

fn assert_only(diags: &[Diagnostic], n: usize) {
    assert_eq!(
        diags.len(),
        n,
        "unexpected number of diagnostics:\n{}",
        show(diags)
    );
}

#[test]
fn unmodified_edition_loads() {
    let c = Copy::new("ok");
    let ed = c.load().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ed.id, "2014-services");
    assert!(ed.node("K4").is_some());
    assert!(Path::new(EDITION).join("edition.toml").exists());
}

#[test]
fn undefined_name_in_formula() {
    let c = Copy::new("undefined");
    let (line, col) = c.edit_after("criteria.toml", "code = \"K2\"", "W_share *", "W_shar *");
    let d = c.load_err();
    let e = the(&d, "criteria.toml", "неизвестное имя «W_shar»");
    assert_eq!((e.location.line, e.location.column), (line, col), "{e}");
    assert_only(&d, 1);
}

#[test]
fn unknown_key() {
    let c = Copy::new("unknown-key");
    let (line, _) = c.edit_after(
        "criteria.toml",
        "code = \"K2\"",
        "max = 25\n",
        "max = 25\nweight = 3\n",
    );
    let d = c.load_err();
    let e = the(&d, "criteria.toml", "неизвестный ключ «weight»");
    // The key is on the line after `max = 25`.
    assert_eq!(e.location.line, line + 1, "{e}");
    assert_only(&d, 1);
}

#[test]
fn number_used_as_condition() {
    let c = Copy::new("type");
    let (line, col) = c.edit_after(
        "criteria.toml",
        "code = \"K3_P2\"",
        "if(standard_violations == 0,",
        "if(standard_violations,",
    );
    let d = c.load_err();
    let e = the(&d, "criteria.toml", "условие if");
    assert!(
        e.message
            .contains("ожидается логическое значение, а получено число"),
        "{e}"
    );
    assert_eq!(e.location.line, line, "{e}");
    // Points at `standard_violations`, three characters after the `if(` the edit starts at.
    assert_eq!(e.location.column, col + 3, "{e}");
    assert_only(&d, 1);
}

#[test]
fn comparison_of_number_and_bool() {
    let c = Copy::new("cmp");
    let (line, _) = c.edit_after(
        "criteria.toml",
        "code = \"K1\"",
        "new_services_included > 0",
        "new_services_included > true",
    );
    let d = c.load_err();
    let e = the(
        &d,
        "criteria.toml",
        "сравнение «>» между число и логическое значение",
    );
    assert_eq!(e.location.line, line, "{e}");
}

#[test]
fn dependency_cycle() {
    let c = Copy::new("cycle");
    c.edit_after(
        "values.toml",
        "code = \"TOTAL\"",
        "K1 + K2 + K3 + K4 + K5",
        "K1 + K2 + K3 + K4 + K5 + O",
    );
    let d = c.load_err();
    let e = the(&d, "values.toml", "циклическая зависимость");
    assert!(
        e.message.contains("TOTAL") && e.message.contains('O'),
        "{e}"
    );
    // Reported at the code of one of the nodes of the cycle.
    let total = c.find("values.toml", "", "code = \"TOTAL\"").0;
    let o = c.find("values.toml", "", "code = \"O\"").0;
    assert!(
        e.location.line == total || e.location.line == o,
        "{e} (TOTAL at {total}, O at {o})"
    );
    assert_only(&d, 1);
}

#[test]
fn scale_gap() {
    let c = Copy::new("gap");
    let (line, _) = c.edit("scales.toml", "\"[9.0, 9.5)\"", "\"[9.0, 9.4)\"");
    let d = c.load_err();
    let e = the(&d, "scales.toml", "пропуск");
    assert!(e.message.contains("app7_satisfaction"), "{e}");
    assert!(
        e.message.contains("[9; 9.4)") && e.message.contains("[9.5; 10]"),
        "{e}"
    );
    // The diagnostic points at one of the two bands around the gap (the loader names the
    // later band, `[9.5, 10]`, which is the line before the edited one).
    let next = c.find("scales.toml", "", "\"[9.5, 10]\"").0;
    assert!(
        e.location.line == line || e.location.line == next,
        "{e} (edited {line}, neighbour {next})"
    );
    assert_only(&d, 1);
}

#[test]
fn scale_overlap() {
    let c = Copy::new("overlap");
    let (line, _) = c.edit("scales.toml", "\"[8.5, 9.0)\"", "\"[8.5, 9.2)\"");
    let d = c.load_err();
    let e = the(&d, "scales.toml", "пересекаются");
    assert!(
        e.message.contains("[8.5; 9.2)") && e.message.contains("[9; 9.5)"),
        "{e}"
    );
    let next = c.find("scales.toml", "", "\"[9.0, 9.5)\"").0;
    assert!(
        e.location.line == line || e.location.line == next,
        "{e} (edited {line}, neighbour {next})"
    );
    assert_only(&d, 1);
}

#[test]
fn scale_not_covering_domain() {
    let c = Copy::new("domain");
    let (line, _) = c.edit("scales.toml", "\"[0, 5.5)\"", "\"[1, 5.5)\"");
    let d = c.load_err();
    let e = the(&d, "scales.toml", "не покрывает начало области значений");
    assert_eq!(e.location.line, line, "{e}");
}

#[test]
fn degree_band_gap() {
    let c = Copy::new("degree-gap");
    let (line, _) = c.edit(
        "edition.toml",
        "range = \"[0, 50)\"",
        "range = \"[0, 49.99)\"",
    );
    let d = c.load_err();
    let e = the(&d, "edition.toml", "степени эффективности: пропуск");
    assert!(e.message.contains("49.99"), "{e}");
    let low = c.find("edition.toml", "", "range = \"[50, 70)\"").0;
    assert!(
        e.location.line == line || e.location.line == low,
        "{e} (edited {line}, neighbour {low})"
    );
    assert_only(&d, 1);
}

#[test]
fn maxima_do_not_add_up() {
    let c = Copy::new("sum");
    c.edit_after("criteria.toml", "code = \"K3_P2\"", "max = 10", "max = 9");
    let d = c.load_err();
    let e = the(&d, "criteria.toml", "сумма максимальных баллов");
    assert!(
        e.message.contains("K3_P1 15 + K3_P2 9 = 24") && e.message.contains("25"),
        "{e}"
    );
    // Reported at the parent criterion K3.
    let k3 = c.find("criteria.toml", "", "code = \"K3\"").0;
    assert_eq!(e.location.line, k3, "{e}");
    assert_only(&d, 1);
}

#[test]
fn direction_maxima_do_not_add_up() {
    let c = Copy::new("dir-sum");
    c.edit_after("criteria.toml", "code = \"M2\"", "max = 25", "max = 24");
    let d = c.load_err();
    let e = the(&d, "edition.toml", "сумма максимальных баллов");
    assert!(
        e.message.contains("«public_services» (local)") && e.message.contains("= 99"),
        "{e}"
    );
}

/// Issue 9, item 17: `0.8` and `0,8` are read exactly from the source text.
#[test]
fn issue9_decimal_literals_are_read_exactly_from_the_source() {
    let c = Copy::new("decimal-literals");
    c.edit_after(
        "parameters.toml",
        "code = \"d_long\"",
        "value = \"0.8\"",
        "value = 0,8",
    );
    c.edit_after(
        "parameters.toml",
        "code = \"pc_max\"",
        "value = \"1.10\"",
        "value = 1.1000000000000000000000000001",
    );
    c.edit_after(
        "parameters.toml",
        "code = \"k_control\"",
        "central = 10",
        "central = 10.0",
    );
    let ed = c.load().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(param(&ed, "d_long"), PerGroup::Same(Decimal::new(8, 1)));
    // 29 significant digits: binary floating point would have made this 1.1.
    assert_eq!(
        param(&ed, "pc_max"),
        PerGroup::Same("1.1000000000000000000000000001".parse().unwrap())
    );
    assert_eq!(
        param(&ed, "k_control").get(bagalau_methodology::Group::Central),
        Decimal::from(10)
    );
}

/// Issue 9, item 17: anything else is refused in Russian, without serde's internal words.
#[test]
fn issue9_bad_numbers_are_refused_in_russian() {
    let c = Copy::new("bad-numbers");
    let (line, _) = c.edit_after(
        "parameters.toml",
        "code = \"d_long\"",
        "value = \"0.8\"",
        "value = 8e-1",
    );
    let d = c.load_err();
    let e = the(&d, "parameters.toml", "десятичной дробью");
    assert_eq!(e.location.line, line, "{e}");
    let c = Copy::new("bad-per-group");
    let (line, _) = c.edit_after(
        "parameters.toml",
        "code = \"k_users\"",
        "value = { central = 10, local = 15 }",
        "value = true",
    );
    let d = c.load_err();
    let e = the(&d, "parameters.toml", "central = …, local = …");
    assert_eq!(e.location.line, line, "{e}");
    for d in &d {
        assert!(
            !d.message.contains("untagged") && !d.message.contains("PerGroup"),
            "{d}"
        );
    }
}

#[test]
fn reconstructed_without_note() {
    let c = Copy::new("note");
    let (line, _) = c.edit_after(
        "criteria.toml",
        "code = \"K1\"",
        "status = \"verbatim\"",
        "status = \"reconstructed\"",
    );
    let d = c.load_err();
    let e = the(&d, "criteria.toml", "обязательно поле note");
    assert_eq!(e.location.line, line, "{e}");
    assert_only(&d, 1);
}

#[test]
fn unknown_status() {
    let c = Copy::new("status");
    let (line, _) = c.edit_after(
        "criteria.toml",
        "code = \"K1\"",
        "status = \"verbatim\"",
        "status = \"guessed\"",
    );
    let d = c.load_err();
    let e = the(&d, "criteria.toml", "«guessed»");
    assert_eq!(e.location.line, line, "{e}");
}

#[test]
fn unknown_file_refused() {
    let c = Copy::new("extra");
    std::fs::write(c.path("extra.toml"), "# stray\n").unwrap();
    let d = c.load_err();
    let e = the(&d, "extra.toml", "неизвестный файл редакции");
    assert_eq!(e.location.line, 1, "{e}");
    assert_only(&d, 1);
}

#[test]
fn syntax_error_column() {
    let c = Copy::new("syntax");
    let (line, col) = c.edit_after(
        "criteria.toml",
        "code = \"K3\"",
        "K3_P1 + K3_P2",
        "K3_P1 + * K3_P2",
    );
    let d = c.load_err();
    let e = the(&d, "criteria.toml", "синтаксическая ошибка");
    assert!(e.message.contains("«K3»"), "{e}");
    // The `*` is 8 characters after the start of the formula.
    assert_eq!((e.location.line, e.location.column), (line, col + 8), "{e}");
    assert_only(&d, 1);
}

#[test]
fn syntax_error_in_multiline_formula() {
    let c = Copy::new("syntax-ml");
    let (line, col) = c.edit_after(
        "criteria.toml",
        "code = \"K3\"",
        "\"K3_P1 + K3_P2\"",
        "'''\nK3_P1\n  + ) K3_P2'''",
    );
    let d = c.load_err();
    let e = the(&d, "criteria.toml", "синтаксическая ошибка");
    // `)` is on the second line of the string (two lines below `formula = '''`), column 5.
    let _ = col;
    assert_eq!((e.location.line, e.location.column), (line + 2, 5), "{e}");
}

#[test]
fn undefined_name_in_penalty_facts() {
    let c = Copy::new("facts");
    let (line, col) = c.edit(
        "penalties.toml",
        "facts = \"recon_late_facts\"",
        "facts = \"recon_late_fact\"",
    );
    let d = c.load_err();
    let e = the(&d, "penalties.toml", "неизвестное имя «recon_late_fact»");
    // `facts = "` is 9 characters.
    assert_eq!((e.location.line, e.location.column), (line, col + 9), "{e}");
}

#[test]
fn several_errors_are_all_reported_in_order() {
    let c = Copy::new("several");
    let (l1, _) = c.edit_after("criteria.toml", "code = \"K2\"", "W_share *", "W_shar *");
    let (l2, _) = c.edit_after(
        "criteria.toml",
        "code = \"M3_P2\"",
        "k_users * users_share",
        "k_users * users_shar",
    );
    let d = c.load_err();
    assert_only(&d, 2);
    assert_eq!(
        (d[0].location.line, d[1].location.line),
        (l1, l2),
        "{}",
        show(&d)
    );
}

#[test]
fn edits_change_the_loaded_edition() {
    let c = Copy::new("edits");
    let before = c.load().unwrap();
    assert_eq!(
        param(&before, "psc_list_bonus"),
        PerGroup::Same(Decimal::from(3))
    );
    assert_eq!(
        param(&before, "k_control"),
        PerGroup::ByGroup {
            central: Decimal::from(10),
            local: Decimal::from(20)
        }
    );

    c.edit_after(
        "parameters.toml",
        "code = \"psc_list_bonus\"",
        "value = 3",
        "value = 2",
    );
    c.edit_after(
        "parameters.toml",
        "code = \"k_control\"",
        "local = 20",
        "local = 15",
    );
    c.edit_after(
        "parameters.toml",
        "code = \"d_long\"",
        "value = \"0.8\"",
        "value = \"0,75\"",
    );
    c.edit_after(
        "criteria.toml",
        "code = \"K3\"",
        "K3_P1 + K3_P2",
        "K3_P2 + K3_P1",
    );
    let after = c.load().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        param(&after, "psc_list_bonus"),
        PerGroup::Same(Decimal::from(2))
    );
    assert_eq!(
        param(&after, "k_control").get(bagalau_methodology::Group::Local),
        Decimal::from(15)
    );
    assert_eq!(param(&after, "d_long"), PerGroup::Same(Decimal::new(75, 2)));
    let k3 = &after.nodes[after.node("K3").unwrap()];
    match &k3.body {
        bagalau_methodology::NodeBody::Formula(fs) => {
            assert_eq!(fs[0].text, "K3_P2 + K3_P1");
            assert_eq!(fs[0].expr.to_string(), "K3_P2 + K3_P1");
        }
        other => panic!("{other:?}"),
    }
    // Everything else is unchanged.
    assert_eq!(after.nodes.len(), before.nodes.len());
    assert_eq!(after.inputs.len(), before.inputs.len());
}

#[test]
fn reporting_table_names_an_unknown_input() {
    let c = Copy::new("reporting");
    std::fs::write(
        c.path("reporting.toml"),
        r#"[[report_table]]
code = "report_x"
number = "приложение 9, таблица 1"
name = "Отчётные данные"
ref = "п.1"
status = "verbatim"
  [[report_table.indicator]]
  number = "1"
  name = "Индикатор"
  provides = "Список ссылок"
  inputs = ["no_such_input"]
"#,
    )
    .unwrap();
    let diags = c.load_err();
    let d = the(
        &diags,
        "reporting.toml",
        "неизвестные входные данные «no_such_input»",
    );
    assert_eq!(d.location.line, 11, "{d}");
    assert_only(&diags, 1);
}

/// Issue 9, item 15: a quote must be the act's words, word for word (line breaks aside).
#[test]
fn issue9_quote_not_in_the_act_is_refused_at_its_item() {
    let c = Copy::new("quote");
    c.edit_after(
        "values.toml",
        "code = \"PC\"",
        "ниже среднего уровня, поправочный коэффициент принимается равным 1.",
        "ниже среднего уровня, поправочный коэффициент принимается равным 1,05.",
    );
    let (line, _) = c.find("values.toml", "", "code = \"PC\"");
    let d = c.load_err();
    let e = the(&d, "values.toml", "цитата не найдена дословно");
    assert_eq!(e.location.line, line, "{e}");
    assert!(e.message.contains("равным 1,05"), "{e}");
    assert_only(&d, 1);
}

#[test]
fn issue9_quote_from_an_unknown_source_is_refused() {
    let c = Copy::new("quote-source");
    let (line, _) = c.edit_after(
        "parameters.toml",
        "code = \"z2_weight\"",
        "status = \"reconstructed\"",
        "status = \"reconstructed\"\nquote = { source = \"letter\", text = \"равен 5\" }",
    );
    let d = c.load_err();
    let e = the(&d, "parameters.toml", "неизвестный источник «letter»");
    let (item, _) = c.find("parameters.toml", "", "code = \"z2_weight\"");
    assert!(item < line && e.location.line == item, "{e}");
}

#[test]
fn issue9_quotes_are_checked_only_when_the_text_is_there() {
    let c = Copy::new("no-text");
    c.edit_after(
        "edition.toml",
        "text = ",
        "2014-methodology-order-38-181.txt",
        "absent.txt",
    );
    c.edit_after(
        "values.toml",
        "code = \"PC\"",
        "принимается равным 1.",
        "принимается равным 2.",
    );
    let ed = c.load().unwrap_or_else(|e| panic!("{e}"));
    assert!(!ed.sources[0].available);
    assert!(ed.fidelity_counts().quoted > 20);
}

/// Issue 9, item 16: a weight raised beyond what its formula can reach fails `check` at the
/// criterion, not `evaluate` for one body.
#[test]
fn issue9_weight_beyond_what_the_formula_reaches() {
    let c = Copy::new("weight-unreachable");
    c.edit_after("criteria.toml", "code = \"K1\"", "max = 3", "max = 4");
    c.edit_after("criteria.toml", "code = \"K1\"", ", max, 0)", ", 3, 0)");
    let (line, _) = c.find("criteria.toml", "", "code = \"K1\"");
    let d = c.load_err();
    let e = the(
        &d,
        "criteria.toml",
        "не может достичь максимального балла 4",
    );
    assert_eq!(e.location.line, line, "{e}");
    assert_only(&d, 1);
}

#[test]
fn issue9_formula_that_can_exceed_its_maximum() {
    let c = Copy::new("weight-exceeded");
    c.edit_after(
        "criteria.toml",
        "code = \"K5_P2\"",
        "formula = \"k_users * users_share\"",
        "formula = \"k_users * users_share + 1\"",
    );
    let (line, _) = c.find("criteria.toml", "", "code = \"K5_P2\"");
    let d = c.load_err();
    let e = the(
        &d,
        "criteria.toml",
        "«K5_P2» (central): не удаётся доказать, что формула не превышает максимальный балл 10",
    );
    assert_eq!(e.location.line, line, "{e}");
    assert!(e.message.contains("[1; 11]"), "{e}");
}

/// `max` (without parentheses) in a criterion's formula is the criterion's own maximum: the
/// weight is written once.
#[test]
fn issue9_max_in_a_formula_follows_the_weight() {
    let c = Copy::new("own-max");
    c.edit_after("criteria.toml", "code = \"K1\"", "max = 3", "max = 5");
    let ed = c.load().unwrap_or_else(|e| panic!("{e}"));
    let k1 = &ed.nodes[ed.node("K1").unwrap()];
    let f = k1
        .body
        .formula_for(bagalau_methodology::Group::Central)
        .unwrap();
    assert!(f.text.contains(", max, 0)"), "{}", f.text);
    assert!(format!("{:?}", f.expr).contains("Num(5)"), "{:?}", f.expr);
}

// --- raw.toml: which inputs raw records define ------------------------------------------------

#[test]
fn raw_inputs_are_loaded_as_written() {
    use bagalau_methodology::raw_inputs::{RawChannel, RawMeasure};
    let c = Copy::new("raw-ok");
    c.edit(
        "raw.toml",
        "channels = [\"psc\", \"body\"]\nref = \"п.20\"\nquote",
        "channels = [\"body\"]\nref = \"п.20\"\nquote",
    );
    let ed = c.load().unwrap_or_else(|e| panic!("{e}"));
    let text = c.read("raw.toml");
    assert_eq!(
        ed.raw_inputs.len(),
        text.matches("[[input]]").count(),
        "one entry per [[input]]"
    );
    let get = |code: &str| {
        ed.raw_inputs
            .iter()
            .find(|r| r.input == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    assert_eq!(
        get("failure_offline_total").measure,
        RawMeasure::FailureCompleted(vec![RawChannel::Body]),
        "the edited channels"
    );
    assert_eq!(
        get("failure_offline_late").measure,
        RawMeasure::FailureLate(vec![RawChannel::Psc, RawChannel::Body])
    );
    let r = get("psc_late_reported");
    assert_eq!(r.measure, RawMeasure::LateReported(vec![RawChannel::Psc]));
    assert!(r.cite.reference.contains("п.19"), "{}", r.cite.reference);
    assert_eq!(
        r.cite.location.file.file_name().and_then(|f| f.to_str()),
        Some("raw.toml")
    );
}

#[test]
fn an_edition_without_raw_toml_maps_nothing() {
    let c = Copy::new("raw-none");
    std::fs::remove_file(c.path("raw.toml")).unwrap();
    let ed = c.load().unwrap_or_else(|e| panic!("{e}"));
    assert!(ed.raw_inputs.is_empty());
}

#[test]
fn raw_unknown_input() {
    let c = Copy::new("raw-unknown-input");
    let (line, col) = c.edit("raw.toml", "\"portal_late\"", "\"portal_lat\"");
    let d = c.load_err();
    let e = the(&d, "raw.toml", "неизвестный показатель «portal_lat»");
    assert!(e.message.contains("inputs.toml"), "{e}");
    assert_eq!((e.location.line, e.location.column), (line, col), "{e}");
    assert_only(&d, 1);
}

#[test]
fn raw_input_of_a_row_table_or_bool_refused() {
    let c = Copy::new("raw-table");
    let (line, _) = c.edit("raw.toml", "code = \"elic_late\"", "code = \"term_days\"");
    let (bool_line, _) = c.edit(
        "raw.toml",
        "code = \"portal_late\"",
        "code = \"no_additional_services_conclusion\"",
    );
    let d = c.load_err();
    let e = the(&d, "raw.toml", "«term_days» — столбец таблицы «services»");
    assert_eq!(e.location.line, line, "{e}");
    let e = the(&d, "raw.toml", "логический");
    assert_eq!(e.location.line, bool_line, "{e}");
    assert_only(&d, 2);
}

#[test]
fn raw_unknown_measure_and_channel() {
    let c = Copy::new("raw-measure");
    let (m_line, m_col) = c.edit_after(
        "raw.toml",
        "code = \"portal_total\"",
        "\"completed\"",
        "\"total\"",
    );
    let (ch_line, _) = c.edit_after(
        "raw.toml",
        "code = \"elic_total\"",
        "[\"elicense\"]",
        "[\"mail\"]",
    );
    let d = c.load_err();
    let e = the(&d, "raw.toml", "«total» (мера)");
    assert_eq!((e.location.line, e.location.column), (m_line, m_col), "{e}");
    assert!(
        e.message.contains("late_without_one_day"),
        "lists the measures: {e}"
    );
    let e = the(&d, "raw.toml", "«mail» (способ оказания)");
    assert_eq!(e.location.line, ch_line, "{e}");
    assert!(e.message.contains("portal, psc, body, elicense"), "{e}");
    assert_only(&d, 2);
}

#[test]
fn raw_duplicate_input() {
    let c = Copy::new("raw-dup");
    let first = c.find("raw.toml", "", "code = \"portal_total\"").0;
    let (line, _) = c.edit(
        "raw.toml",
        "code = \"elic_total\"",
        "code = \"portal_total\"",
    );
    let d = c.load_err();
    let e = the(&d, "raw.toml", "«portal_total» уже указан");
    assert_eq!(e.location.line, line, "{e}");
    assert!(e.message.contains(&format!("raw.toml:{first}:")), "{e}");
    assert_only(&d, 1);
}

#[test]
fn raw_parameters_follow_the_measure() {
    let c = Copy::new("raw-params");
    // A measure without channels given some, one with channels given none, a source where none
    // is taken, an unknown key.
    let (svc_line, _) = c.edit(
        "raw.toml",
        "channels = [\"portal\", \"psc\", \"body\", \"elicense\"]\nref = \"п.43\"",
        "channels = []\nref = \"п.43\"",
    );
    let (no_ch_line, _) = c.edit_after(
        "raw.toml",
        "code = \"body_total\"",
        "channels = [\"body\"]\n",
        "",
    );
    let (src_line, _) = c.edit_after(
        "raw.toml",
        "code = \"portal_late\"",
        "channels = [\"portal\"]\n",
        "channels = [\"portal\"]\nsource = \"monitoring\"\n",
    );
    let d = c.load_err();
    assert_eq!(
        the(&d, "raw.toml", "не указан ни один способ оказания")
            .location
            .line,
        svc_line
    );
    // `measure` is on the line before the removed `channels`.
    assert_eq!(
        the(&d, "raw.toml", "мера «completed» требует channels")
            .location
            .line,
        no_ch_line - 1
    );
    assert_eq!(
        the(&d, "raw.toml", "мера «late» не принимает source")
            .location
            .line,
        src_line + 1
    );
    assert_only(&d, 3);

    let c = Copy::new("raw-key");
    let (line, _) = c.edit(
        "raw.toml",
        "measure = \"late\"",
        "measure = \"late\"\nweight = 2",
    );
    let d = c.load_err();
    let e = the(&d, "raw.toml", "неизвестный ключ «weight»");
    assert_eq!(e.location.line, line + 1, "{e}");
    assert_only(&d, 1);
}

#[test]
fn raw_float_refused_and_empty_file_refused() {
    let c = Copy::new("raw-float");
    let (line, _) = c.edit("raw.toml", "measure = \"late\"", "measure = 1e3");
    let d = c.load_err();
    let e = the(&d, "raw.toml", "дробное число");
    assert!(e.message.ends_with("ожидается строка"), "{e}");
    assert_eq!(e.location.line, line, "{e}");
    assert_only(&d, 1);

    let c = Copy::new("raw-empty");
    std::fs::write(c.path("raw.toml"), "# nothing\n").unwrap();
    let d = c.load_err();
    the(&d, "raw.toml", "не указан ни один показатель");
    assert_only(&d, 1);
}

#[test]
fn raw_measure_that_may_be_empty_needs_an_optional_input() {
    let c = Copy::new("raw-optional");
    // psc_total is required; failure_completed leaves it empty for a body without failures.
    let (line, col) = c.edit_after(
        "raw.toml",
        "code = \"psc_total\"",
        "\"completed\"",
        "\"failure_completed\"",
    );
    let d = c.load_err();
    let e = the(&d, "raw.toml", "«psc_total» обязателен");
    assert_eq!((e.location.line, e.location.column), (line, col), "{e}");
    assert!(e.message.contains("optional = true"), "{e}");
    assert_only(&d, 1);
}

#[test]
fn raw_quote_checked_word_for_word() {
    let c = Copy::new("raw-quote");
    c.edit(
        "raw.toml",
        "подключенных к ИС «Мониторинг»\"]",
        "подключённых к системе\"]",
    );
    let line = c.find("raw.toml", "", "code = \"psc_late_monitoring\"").0;
    let d = c.load_err();
    let e = the(&d, "raw.toml", "цитата не найдена дословно");
    assert!(e.message.contains("подключённых к системе"), "{e}");
    assert_eq!(e.location.line, line, "{e}");
    assert_only(&d, 1);
}

// --- raw.toml: survey measures -------------------------------------------------------------------

#[test]
fn raw_survey_entries_are_loaded_as_written() {
    use bagalau_methodology::raw_inputs::{RawMeasure, SurveyKind, SurveyQuestion, SurveyScale};
    let c = Copy::new("raw-survey-ok");
    c.edit_after(
        "raw.toml",
        "code = \"informedness\"",
        "kind = \"public\"",
        "kind = \"own\"",
    );
    let ed = c.load().unwrap_or_else(|e| panic!("{e}"));
    let r = ed
        .raw_inputs
        .iter()
        .find(|r| r.input == "informedness")
        .expect("informedness");
    assert_eq!(
        r.measure,
        RawMeasure::SurveyMean {
            question: SurveyQuestion::Informedness,
            kind: SurveyKind::Own,
            scale: SurveyScale::Ten
        }
    );
    assert_eq!(r.table.as_deref(), Some("services"));
    assert!(r.measure.is_survey());
    assert!(r.cite.reference.contains("п.31"), "{}", r.cite.reference);
}

#[test]
fn raw_survey_unknown_question_kind_and_scale() {
    let c = Copy::new("raw-survey-codes");
    let (q_line, _) = c.edit(
        "raw.toml",
        "question = \"satisfaction\"",
        "question = \"happiness\"",
    );
    let (k_line, _) = c.edit_after(
        "raw.toml",
        "code = \"informedness\"",
        "kind = \"public\"",
        "kind = \"private\"",
    );
    let (s_line, _) = c.edit_after(
        "raw.toml",
        "code = \"informedness\"",
        "scale = 10",
        "scale = 7",
    );
    let d = c.load_err();
    assert_eq!(
        the(&d, "raw.toml", "«happiness» (вопрос анкеты)")
            .location
            .line,
        q_line
    );
    assert_eq!(
        the(&d, "raw.toml", "«private» (вид опроса)").location.line,
        k_line
    );
    let e = the(&d, "raw.toml", "неизвестная шкала ответов «7»");
    assert_eq!(e.location.line, s_line, "{e}");
    assert!(e.message.contains("10, 5"), "{e}");
    assert_only(&d, 3);
}

#[test]
fn raw_survey_parameters_follow_the_measure() {
    let c = Copy::new("raw-survey-params");
    // A delivery measure given a question, a survey mean without its scale (after it in the
    // file, so the lines found are those of the edited file).
    let (q_line, _) = c.edit_after(
        "raw.toml",
        "code = \"portal_late\"",
        "channels = [\"portal\"]\n",
        "channels = [\"portal\"]\nquestion = \"satisfaction\"\n",
    );
    let (mean_line, _) = c.edit_after("raw.toml", "code = \"satisfaction\"", "scale = 10\n", "");
    let d = c.load_err();
    let e = the(&d, "raw.toml", "мера «survey_mean» требует scale");
    // `measure` is three lines before the removed `scale`.
    assert_eq!(e.location.line, mean_line - 3, "{e}");
    assert_eq!(
        the(&d, "raw.toml", "мера «late» не принимает question")
            .location
            .line,
        q_line + 1
    );
    assert_only(&d, 2);
}

/// A survey mean fills a column of the table of services or a body's input; the other survey
/// measures (and every other measure) only a body's input; a mean on a row table whose rows are
/// not services is refused.
#[test]
fn raw_survey_measure_on_the_wrong_kind_of_input() {
    let c = Copy::new("raw-survey-target");
    let (line, _) = c.edit_after(
        "raw.toml",
        "code = \"satisfaction\"",
        "measure = \"survey_mean\"\nquestion = \"satisfaction\"\nkind = \"public\"\nscale = 10",
        "measure = \"survey_respondents\"\nkind = \"public\"",
    );
    let d = c.load_err();
    let e = the(
        &d,
        "raw.toml",
        "«satisfaction» — столбец таблицы «services»",
    );
    assert_eq!(e.location.line, line - 1, "{e}");
    assert!(e.message.contains("survey_mean"), "{e}");
    assert_only(&d, 1);

    let c = Copy::new("raw-survey-table-key");
    c.edit("inputs.toml", "key = \"service\"", "key = \"item\"");
    let d = c.load_err();
    let e = the(
        &d,
        "raw.toml",
        "«informedness» — столбец таблицы «services», строки которой не услуги органа",
    );
    assert!(e.message.contains("«item»"), "{e}");
    the(
        &d,
        "raw.toml",
        "«satisfaction» — столбец таблицы «services», строки которой",
    );

    // A survey mean on a body's input is the body's mean over its services; it is empty without
    // answers, so the input must be optional.
    let c = Copy::new("raw-survey-body-mean");
    c.edit_after(
        "raw.toml",
        "code = \"psc_late_monitoring\"",
        "measure = \"late_monitoring\"\nchannels = [\"psc\"]",
        "measure = \"survey_mean\"\nquestion = \"satisfaction\"\nkind = \"public\"\nscale = 10",
    );
    let ed = c.load().unwrap_or_else(|e| panic!("{e}"));
    let r = ed
        .raw_inputs
        .iter()
        .find(|r| r.input == "psc_late_monitoring")
        .unwrap();
    assert!(r.table.is_none() && r.measure.is_survey());

    let c = Copy::new("raw-survey-required");
    let (line, _) = c.edit_after(
        "raw.toml",
        "code = \"psc_total\"",
        "measure = \"completed\"\nchannels = [\"psc\"]",
        "measure = \"survey_satisfied_share\"\nkind = \"public\"",
    );
    let d = c.load_err();
    let e = the(&d, "raw.toml", "«psc_total» обязателен");
    assert!(e.message.contains("survey_satisfied_share"), "{e}");
    assert_eq!(e.location.line, line, "{e}");
    assert_only(&d, 1);
}
