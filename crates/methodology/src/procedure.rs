//! The evaluation procedure as edition data (`procedure.toml`, optional): deadlines counted from
//! events of the cycle, the special commission, the reorganisation rules and the stages with the
//! actions each party may take. Who evaluates whom is not repeated here: it is the edition's
//! `[[direction]] evaluator` with its exceptions.
//!
//! The codes of events, actions, parties and reorganisation windows are closed sets: the cycle
//! (crate `bagalau-cycle`) implements them; the edition says how long, from what, by whom, and
//! cites the paragraph for each.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::load::{Loader, Src};
use crate::model::Citation;
use crate::raw::QuoteRaw;

// ---------------------------------------------------------------------------------------------
// The closed sets.

macro_rules! closed_set {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($variant:ident = $code:literal, $ru:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The code written in `procedure.toml`.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            /// The Russian wording, for messages and documents.
            pub fn name_ru(self) -> &'static str {
                match self {
                    $($name::$variant => $ru,)*
                }
            }

            /// The member written as `code`.
            pub fn from_code(code: &str) -> Option<$name> {
                match code {
                    $($code => Some($name::$variant),)*
                    _ => None,
                }
            }

            fn what() -> &'static str {
                $what
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name_ru())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let code = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::from_code(&code).ok_or_else(|| {
                    serde::de::Error::custom(format!("неизвестное значение «{code}» ({})", $name::what()))
                })
            }
        }
    };
}
pub(crate) use closed_set;

closed_set!(
    /// An event of the cycle a deadline runs from.
    ProcedureEvent, "событие", {
        ConclusionReceived = "conclusion_received", "получение заключения оцениваемым органом";
        ObjectionsReceived = "objections_received", "получение возражений";
        DisagreementTableFormed = "disagreement_table_formed", "формирование таблицы разногласий";
        CommissionNamed = "commission_named", "образование специальной комиссии";
    }
);

closed_set!(
    /// An action of the cycle.
    ActionCode, "действие", {
        RecordReorganisation = "record_reorganisation", "регистрация реорганизации или упразднения органа";
        SubmitReporting = "submit_reporting", "представление отчётной информации";
        SelectForReverification = "select_for_reverification", "отбор органов для перепроверки";
        RecordFacts = "record_facts", "фиксация фактов перепроверки";
        IssueConclusion = "issue_conclusion", "направление заключения";
        RecordReceipt = "record_receipt", "регистрация получения заключения";
        Object = "object", "направление возражений";
        NotifyNoObjections = "notify_no_objections", "уведомление об отсутствии возражений";
        FormDisagreementTable = "form_disagreement_table", "формирование таблицы разногласий";
        NameCommission = "name_commission", "образование специальной комиссии";
        Decide = "decide", "решение по возражению";
        SendDecisions = "send_decisions", "направление заключений о принятии либо непринятии возражений";
        SubmitResults = "submit_results", "внесение итоговых заключений";
        Publish = "publish", "публикация результатов";
    }
);

closed_set!(
    /// Who takes part in the cycle.
    Party, "сторона", {
        AuthorizedBody = "authorized_body", "уполномоченный на оценку орган";
        EvaluatedBody = "evaluated_body", "оцениваемый орган";
        Commission = "commission", "специальная комиссия";
        Administrator = "administrator", "администратор цикла";
    }
);

closed_set!(
    /// When a body was reorganised or abolished, relative to the evaluated period.
    ReorganisationWindow, "период реорганизации", {
        FirstHalf = "first_half", "в первом полугодии оцениваемого года";
        SecondHalf = "second_half", "во втором полугодии оцениваемого года";
        AfterPeriodBeforeReporting = "after_period_before_reporting", "после оцениваемого года до срока представления отчётных данных";
    }
);

closed_set!(
    /// Whether and how a reorganised body is evaluated.
    Evaluation, "порядок оценки", {
        WithinSuccessor = "within_successor", "оценивается в рамках оценки правопреемника";
        NotEvaluated = "not_evaluated", "не оценивается";
        ForPeriod = "for_period", "оценивается за оцениваемый период";
    }
);

closed_set!(
    /// The unit of a deadline's length.
    DayUnit, "единица срока", {
        WorkingDays = "working_days", "рабочих дней";
        CalendarDays = "calendar_days", "календарных дней";
    }
);

// ---------------------------------------------------------------------------------------------
// The validated model.

/// The procedure of an edition.
#[derive(Debug, Clone)]
pub struct Procedure {
    pub deadlines: Vec<DeadlineRule>,
    pub commission: Option<CommissionRule>,
    pub decisions: Option<DecisionRule>,
    pub reorganisation: Vec<ReorganisationRule>,
    /// In the order the cycle goes through them.
    pub stages: Vec<Stage>,
}

/// A deadline: `length` days (`unit`) from `from`; limits the actions `limits`.
#[derive(Debug, Clone)]
pub struct DeadlineRule {
    pub code: String,
    pub name: String,
    pub length: u32,
    pub unit: DayUnit,
    pub from: ProcedureEvent,
    pub limits: Vec<ActionCode>,
    /// A period in calendar days that ends on a non-working day runs to the next working day.
    pub roll_to_working_day: bool,
    pub cite: Citation,
}

/// The special commission that considers objections.
#[derive(Debug, Clone)]
pub struct CommissionRule {
    pub min_members: u32,
    /// Members may not have taken part in evaluating the bodies whose objections they consider.
    pub exclude_evaluators: bool,
    pub cite: Citation,
}

/// How decisions on objections are made.
#[derive(Debug, Clone)]
pub struct DecisionRule {
    /// Each decision gives its reasons («обоснованные заключения»).
    pub reasons_required: bool,
    /// A decision, once taken, is final («окончательными и обжалованию не подлежат»).
    pub is_final: bool,
    pub cite: Citation,
}

/// What happens to a body reorganised or abolished in a window.
#[derive(Debug, Clone)]
pub struct ReorganisationRule {
    pub window: ReorganisationWindow,
    pub evaluation: Evaluation,
    /// The findings (or the results for the transferred functions) go to the successor as
    /// recommendations.
    pub recommendations_to_successor: bool,
    pub cite: Citation,
}

/// A stage of the cycle with the actions it allows.
#[derive(Debug, Clone)]
pub struct Stage {
    pub code: String,
    pub name: String,
    pub actions: Vec<StageAction>,
    pub cite: Citation,
}

/// An action allowed in a stage, and the parties who may take it.
#[derive(Debug, Clone)]
pub struct StageAction {
    pub action: ActionCode,
    pub by: Vec<Party>,
}

impl Procedure {
    /// The deadlines that limit `action`.
    pub fn deadlines_for(&self, action: ActionCode) -> impl Iterator<Item = &DeadlineRule> {
        self.deadlines
            .iter()
            .filter(move |d| d.limits.contains(&action))
    }

    /// The rule for a reorganisation window, if the edition has one.
    pub fn reorganisation_rule(&self, w: ReorganisationWindow) -> Option<&ReorganisationRule> {
        self.reorganisation.iter().find(|r| r.window == w)
    }

    pub fn stage(&self, code: &str) -> Option<(usize, &Stage)> {
        self.stages.iter().enumerate().find(|(_, s)| s.code == code)
    }

    /// Every citable item of the procedure (for fidelity, `describe` and the book).
    pub fn citations(&self) -> Vec<(String, String, &Citation)> {
        let mut out: Vec<(String, String, &Citation)> = Vec::new();
        for d in &self.deadlines {
            out.push((format!("deadline.{}", d.code), d.name.clone(), &d.cite));
        }
        if let Some(c) = &self.commission {
            out.push(("commission".into(), "Специальная комиссия".into(), &c.cite));
        }
        if let Some(d) = &self.decisions {
            out.push(("decisions".into(), "Решения по возражениям".into(), &d.cite));
        }
        for r in &self.reorganisation {
            out.push((
                format!("reorganisation.{}", r.window.code()),
                format!("Реорганизация {}", r.window.name_ru()),
                &r.cite,
            ));
        }
        for s in &self.stages {
            out.push((format!("stage.{}", s.code), s.name.clone(), &s.cite));
        }
        out
    }

    /// Russian lines describing the procedure (for `edition describe` and the book), one per
    /// item of [`Procedure::citations`], in the same order.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        for d in &self.deadlines {
            let limits: Vec<&str> = d.limits.iter().map(|a| a.name_ru()).collect();
            out.push(format!(
                "срок «{}»: {} {} со дня события «{}»{}; ограничивает: {} [{}]",
                d.name,
                d.length,
                d.unit.name_ru(),
                d.from.name_ru(),
                if d.roll_to_working_day {
                    ", с переносом на ближайший рабочий день"
                } else {
                    ""
                },
                limits.join(", "),
                d.cite.reference
            ));
        }
        if let Some(c) = &self.commission {
            out.push(format!(
                "специальная комиссия: не менее {} человек{} [{}]",
                c.min_members,
                if c.exclude_evaluators {
                    ", не участвовавших в оценке органов, представивших возражения"
                } else {
                    ""
                },
                c.cite.reference
            ));
        }
        if let Some(d) = &self.decisions {
            let mut parts = Vec::new();
            if d.reasons_required {
                parts.push("обоснованные");
            }
            if d.is_final {
                parts.push("окончательные, обжалованию не подлежат");
            }
            out.push(format!(
                "решения по возражениям: {} [{}]",
                parts.join("; "),
                d.cite.reference
            ));
        }
        for r in &self.reorganisation {
            out.push(format!(
                "реорганизация {}: {}{} [{}]",
                r.window.name_ru(),
                r.evaluation.name_ru(),
                if r.recommendations_to_successor {
                    "; результаты — рекомендации правопреемнику"
                } else {
                    ""
                },
                r.cite.reference
            ));
        }
        for (i, s) in self.stages.iter().enumerate() {
            let actions: Vec<String> = s
                .actions
                .iter()
                .map(|a| {
                    let by: Vec<&str> = a.by.iter().map(|p| p.name_ru()).collect();
                    format!("{} ({})", a.action.name_ru(), by.join(", "))
                })
                .collect();
            out.push(format!(
                "этап {}. {}: {} [{}]",
                i + 1,
                s.name,
                actions.join("; "),
                s.cite.reference
            ));
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The file as written.

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProcedureFile {
    #[serde(default)]
    deadline: Vec<DeadlineRaw>,
    #[serde(default)]
    commission: Option<CommissionRaw>,
    #[serde(default)]
    decisions: Option<DecisionsRaw>,
    #[serde(default)]
    reorganisation: Vec<ReorganisationRaw>,
    #[serde(default)]
    stage: Vec<StageRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeadlineRaw {
    code: Spanned<String>,
    name: String,
    length: Spanned<i64>,
    unit: Spanned<String>,
    from: Spanned<String>,
    limits: Vec<Spanned<String>>,
    #[serde(default)]
    roll_to_working_day: Option<Spanned<bool>>,
    #[serde(rename = "ref")]
    reference: String,
    status: Spanned<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommissionRaw {
    min_members: Spanned<i64>,
    exclude_evaluators: bool,
    #[serde(rename = "ref")]
    reference: String,
    status: Spanned<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionsRaw {
    reasons_required: Spanned<bool>,
    #[serde(rename = "final")]
    is_final: bool,
    #[serde(rename = "ref")]
    reference: String,
    status: Spanned<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReorganisationRaw {
    window: Spanned<String>,
    evaluation: Spanned<String>,
    recommendations_to_successor: bool,
    #[serde(rename = "ref")]
    reference: String,
    status: Spanned<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StageRaw {
    code: Spanned<String>,
    name: String,
    #[serde(default)]
    action: Vec<StageActionRaw>,
    #[serde(rename = "ref")]
    reference: String,
    status: Spanned<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StageActionRaw {
    action: Spanned<String>,
    by: Vec<Spanned<String>>,
}

// ---------------------------------------------------------------------------------------------
// Validation.

/// The file name in an edition folder.
pub const FILE: &str = "procedure.toml";

pub(crate) fn closed<T: Copy>(
    l: &mut Loader,
    src: &Src,
    s: &Spanned<String>,
    from_code: fn(&str) -> Option<T>,
    all: &[T],
    code: fn(T) -> &'static str,
    what: &str,
) -> Option<T> {
    let v = from_code(s.get_ref());
    if v.is_none() {
        let allowed: Vec<&str> = all.iter().map(|x| code(*x)).collect();
        l.err(
            src.span_loc(s.span()),
            format!(
                "неизвестное значение «{}» ({what}); допустимые: {}",
                s.get_ref(),
                allowed.join(", ")
            ),
        );
    }
    v
}

macro_rules! parse_closed {
    ($l:expr, $src:expr, $s:expr, $t:ident) => {
        $crate::procedure::closed($l, $src, $s, $t::from_code, $t::ALL, $t::code, $t::what())
    };
}
pub(crate) use parse_closed;

fn positive(l: &mut Loader, src: &Src, n: &Spanned<i64>, what: &str) -> u32 {
    match u32::try_from(*n.get_ref()) {
        Ok(v) if v > 0 => v,
        _ => {
            l.err(
                src.span_loc(n.span()),
                format!(
                    "{what} должно быть целым положительным числом, а не {}",
                    n.get_ref()
                ),
            );
            1
        }
    }
}

fn valid_code(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_lowercase())
        && c.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Reads and validates `procedure.toml` when the edition has one. Problems go to the loader's
/// diagnostics; quotes are queued for the loader's word-for-word check.
pub(crate) fn load(l: &mut Loader, dir: &Path) -> Option<Procedure> {
    if !dir.join(FILE).exists() {
        return None;
    }
    let (raw, src) = l.parse_file::<ProcedureFile>(dir, FILE, true)?;
    Some(build(l, &src, raw))
}

fn build(l: &mut Loader, src: &Src, raw: ProcedureFile) -> Procedure {
    let mut deadlines: Vec<DeadlineRule> = Vec::new();
    for d in &raw.deadline {
        check_code(l, src, &d.code, "срока");
        if deadlines.iter().any(|x| &x.code == d.code.get_ref()) {
            l.err(
                src.span_loc(d.code.span()),
                format!("срок «{}» уже определён", d.code.get_ref()),
            );
        }
        let length = positive(l, src, &d.length, "length");
        let unit_parsed = parse_closed!(l, src, &d.unit, DayUnit);
        let unit = unit_parsed.unwrap_or(DayUnit::WorkingDays);
        let from = parse_closed!(l, src, &d.from, ProcedureEvent)
            .unwrap_or(ProcedureEvent::ConclusionReceived);
        let mut limits = Vec::new();
        for a in &d.limits {
            if let Some(a) = parse_closed!(l, src, a, ActionCode) {
                limits.push(a);
            }
        }
        if d.limits.is_empty() {
            l.err(
                src.span_loc(d.code.span()),
                "limits: срок должен ограничивать хотя бы одно действие",
            );
        }
        let roll = d.roll_to_working_day.as_ref().is_some_and(|r| *r.get_ref());
        if let Some(r) = &d.roll_to_working_day {
            if unit_parsed == Some(DayUnit::WorkingDays) {
                l.err(
                    src.span_loc(r.span()),
                    "roll_to_working_day допускается только для срока в календарных днях",
                );
            }
        }
        deadlines.push(DeadlineRule {
            code: d.code.get_ref().clone(),
            name: d.name.clone(),
            length,
            unit,
            from,
            limits,
            roll_to_working_day: roll,
            cite: l.cite(
                src,
                d.code.span(),
                &d.reference,
                &d.status,
                &d.note,
                &d.quote,
            ),
        });
    }

    let commission = raw.commission.as_ref().map(|c| CommissionRule {
        min_members: positive(l, src, &c.min_members, "min_members"),
        exclude_evaluators: c.exclude_evaluators,
        cite: l.cite(
            src,
            c.min_members.span(),
            &c.reference,
            &c.status,
            &c.note,
            &c.quote,
        ),
    });

    let decisions = raw.decisions.as_ref().map(|d| DecisionRule {
        reasons_required: *d.reasons_required.get_ref(),
        is_final: d.is_final,
        cite: l.cite(
            src,
            d.reasons_required.span(),
            &d.reference,
            &d.status,
            &d.note,
            &d.quote,
        ),
    });

    let mut reorganisation: Vec<ReorganisationRule> = Vec::new();
    for r in &raw.reorganisation {
        let window = parse_closed!(l, src, &r.window, ReorganisationWindow);
        let evaluation = parse_closed!(l, src, &r.evaluation, Evaluation);
        let cite = l.cite(
            src,
            r.window.span(),
            &r.reference,
            &r.status,
            &r.note,
            &r.quote,
        );
        let (Some(window), Some(evaluation)) = (window, evaluation) else {
            continue;
        };
        if reorganisation.iter().any(|x| x.window == window) {
            l.err(
                src.span_loc(r.window.span()),
                format!(
                    "правило для реорганизации {} уже определено",
                    window.name_ru()
                ),
            );
        }
        if evaluation == Evaluation::WithinSuccessor && r.recommendations_to_successor {
            l.err(
                src.span_loc(r.evaluation.span()),
                "орган, оцениваемый в рамках правопреемника, не может одновременно давать ему рекомендации",
            );
        }
        reorganisation.push(ReorganisationRule {
            window,
            evaluation,
            recommendations_to_successor: r.recommendations_to_successor,
            cite,
        });
    }

    let mut stages: Vec<Stage> = Vec::new();
    for s in &raw.stage {
        check_code(l, src, &s.code, "этапа");
        if stages.iter().any(|x| &x.code == s.code.get_ref()) {
            l.err(
                src.span_loc(s.code.span()),
                format!("этап «{}» уже определён", s.code.get_ref()),
            );
        }
        let mut actions: Vec<StageAction> = Vec::new();
        for a in &s.action {
            let Some(action) = parse_closed!(l, src, &a.action, ActionCode) else {
                continue;
            };
            if actions.iter().any(|x| x.action == action) {
                l.err(
                    src.span_loc(a.action.span()),
                    format!(
                        "действие «{}» уже указано в этапе «{}»",
                        a.action.get_ref(),
                        s.code.get_ref()
                    ),
                );
            }
            let mut by = Vec::new();
            for p in &a.by {
                if let Some(p) = parse_closed!(l, src, p, Party) {
                    if by.contains(&p) {
                        l.err(
                            src.span_loc(a.action.span()),
                            format!("сторона «{}» указана дважды", p.code()),
                        );
                    }
                    by.push(p);
                }
            }
            if a.by.is_empty() {
                l.err(
                    src.span_loc(a.action.span()),
                    format!(
                        "by: не указано, кто вправе совершать действие «{}»",
                        a.action.get_ref()
                    ),
                );
            }
            actions.push(StageAction { action, by });
        }
        stages.push(Stage {
            code: s.code.get_ref().clone(),
            name: s.name.clone(),
            actions,
            cite: l.cite(
                src,
                s.code.span(),
                &s.reference,
                &s.status,
                &s.note,
                &s.quote,
            ),
        });
    }

    // A deadline limits actions the stages allow (when stages are given).
    if !stages.is_empty() {
        for (d, raw_d) in deadlines.iter().zip(&raw.deadline) {
            for a in &d.limits {
                if !stages
                    .iter()
                    .any(|s| s.actions.iter().any(|x| x.action == *a))
                {
                    l.err(
                        src.span_loc(raw_d.code.span()),
                        format!(
                            "срок «{}» ограничивает действие «{}», которое не разрешено ни на одном этапе",
                            d.code,
                            a.code()
                        ),
                    );
                }
            }
        }
    }

    Procedure {
        deadlines,
        commission,
        decisions,
        reorganisation,
        stages,
    }
}

fn check_code(l: &mut Loader, src: &Src, code: &Spanned<String>, what: &str) {
    if !valid_code(code.get_ref()) {
        l.err(
            src.span_loc(code.span()),
            format!(
                "«{}» не может быть кодом {what}: строчные латинские буквы, цифры и _, с буквы",
                code.get_ref()
            ),
        );
    }
}
