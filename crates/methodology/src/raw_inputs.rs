//! Which inputs raw records define, as edition data (`raw.toml`, optional): for each input of
//! the body (a column of `bodies.csv`), the measure computed from the aggregated service
//! deliveries and appeals, its channels or source of records, and the paragraph that defines
//! the input.
//!
//! The measures, channels and sources are closed sets: the aggregation (crate
//! `bagalau-aggregate`) computes them; the edition says which input each one fills and cites
//! why. An expert fixes a mapping by editing `raw.toml`, never Rust code.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::load::{Loader, Src};
use crate::model::{Citation, Input, InputType, Table};
use crate::procedure::{closed_set, parse_closed};
use crate::raw::QuoteRaw;

/// The file name in an edition folder.
pub const FILE: &str = "raw.toml";

/// The key column of the table whose rows are the body's services (the table a per-service
/// survey mean fills).
pub const SERVICE_KEY: &str = "service";

closed_set!(
    /// How a service was requested and delivered (the `channel` of a delivery record).
    RawChannel, "способ оказания", {
        Portal = "portal", "портал «электронного правительства»";
        Psc = "psc", "Государственная корпорация «Правительство для граждан» (ЦОН)";
        Body = "body", "непосредственно в государственном органе";
        Elicense = "elicense", "портал «электронного лицензирования»";
    }
);

closed_set!(
    /// Whose records count: IS «Мониторинг» (services connected to it) or the body's own report
    /// (services not connected).
    RecordSource, "источник записей", {
        Monitoring = "monitoring", "по данным ИС «Мониторинг»";
        Reported = "reported", "по данным органа";
    }
);

closed_set!(
    /// The name of a measure as written in `raw.toml`.
    MeasureKind, "мера", {
        Completed = "completed", "оказанные услуги";
        Late = "late", "услуги, оказанные с нарушением срока";
        LateReported = "late_reported", "услуги, не подключённые к ИС «Мониторинг», оказанные с нарушением срока (по данным органа)";
        LateMonitoring = "late_monitoring", "услуги, подключённые к ИС «Мониторинг», оказанные с нарушением срока (по ИС «Мониторинг»; пусто, если таких услуг нет)";
        FailureCompleted = "failure_completed", "услуги, оказанные в период подтверждённого сбоя (пусто, если таких нет)";
        FailureLate = "failure_late", "из оказанных в период сбоя — с нарушением срока (пусто, если в период сбоя услуг не было)";
        OneDayCompleted = "one_day_completed", "услуги со сроком оказания один рабочий день";
        LateWithoutOneDay = "late_without_one_day", "нарушения сроков, кроме услуг со сроком один рабочий день";
        ServiceKinds = "service_kinds", "виды оказанных услуг";
        OneDayKinds = "one_day_kinds", "виды услуг со сроком оказания один рабочий день";
        KindsVia = "kinds_via", "виды услуг, оказанных указанными способами";
        KindsPscNotPortal = "kinds_psc_not_portal", "виды услуг, оказанных через Государственную корпорацию и не через портал";
        Complaints = "complaints", "рассмотренные жалобы и заявления";
        ComplaintsLate = "complaints_late", "жалобы и заявления, рассмотренные с нарушением срока";
        RepeatedJustified = "repeated_justified", "повторные обоснованные жалобы и заявления";
        Satisfied = "satisfied", "удовлетворённые жалобы и заявления";
        SurveyMean = "survey_mean", "средний ответ анкет опроса (по услуге — для показателя таблицы услуг, по органу — для показателя органа)";
        SurveyRespondents = "survey_respondents", "анкеты опроса об услугах органа";
        SurveyRespondentsAll = "survey_respondents_all", "анкеты опроса об услугах всех органов";
        SurveyServiceKinds = "survey_service_kinds", "виды услуг органа, по которым есть анкеты опроса";
        SurveySatisfiedShare = "survey_satisfied_share", "доля удовлетворённых среди ответивших на вопрос об удовлетворённости, %";
    }
);

closed_set!(
    /// The question of a questionnaire a survey mean averages.
    SurveyQuestion, "вопрос анкеты", {
        Satisfaction = "satisfaction", "удовлетворённость качеством оказания услуги";
        Informedness = "informedness", "информированность о порядке оказания услуги";
    }
);

closed_set!(
    /// The kind of survey (the `kind` of a questionnaire).
    SurveyKind, "вид опроса", {
        Public = "public", "общественный мониторинг";
        Own = "own", "самостоятельный мониторинг органа";
    }
);

closed_set!(
    /// The scale of the answers (the `scale` of a questionnaire).
    SurveyScale, "шкала ответов", {
        Ten = "10", "по 10-балльной шкале";
        Five = "5", "по 5-балльной шкале";
    }
);

/// What parameters a measure takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Params {
    Channels,
    Source,
    Nothing,
    /// `question`, `kind` and `scale`.
    SurveyMean,
    /// `kind`.
    SurveyKind,
}

impl MeasureKind {
    /// Whether the measure leaves its input empty for some bodies (nothing to count), so the
    /// input must be optional (whatever its parameters; see also [`RawMeasure::may_be_empty`]).
    pub fn may_be_empty(self) -> bool {
        matches!(
            self,
            MeasureKind::LateMonitoring | MeasureKind::FailureCompleted | MeasureKind::FailureLate
        )
    }

    /// Whether the measure is computed from survey questionnaires (not deliveries or appeals).
    pub fn is_survey(self) -> bool {
        matches!(self.params(), Params::SurveyMean | Params::SurveyKind)
    }

    fn params(self) -> Params {
        use MeasureKind as K;
        match self {
            K::Completed
            | K::Late
            | K::LateReported
            | K::LateMonitoring
            | K::FailureCompleted
            | K::FailureLate
            | K::KindsVia => Params::Channels,
            K::LateWithoutOneDay => Params::Source,
            K::SurveyMean => Params::SurveyMean,
            K::SurveyRespondents
            | K::SurveyRespondentsAll
            | K::SurveyServiceKinds
            | K::SurveySatisfiedShare => Params::SurveyKind,
            _ => Params::Nothing,
        }
    }
}

/// A measure with its parameters: what an input is, computed from the counts of one body.
///
/// Deliveries count by the precedence of the source (IS «Мониторинг» for services connected to
/// it, the body's report for the rest); a delivery completed in progress is not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawMeasure {
    /// Completed deliveries through these channels.
    Completed(Vec<RawChannel>),
    /// Late deliveries through these channels.
    Late(Vec<RawChannel>),
    /// Late deliveries of services not connected to IS «Мониторинг» (the body's report).
    LateReported(Vec<RawChannel>),
    /// Late deliveries of connected services; empty when the body has no connected service in
    /// these channels.
    LateMonitoring(Vec<RawChannel>),
    /// Completed during a documented failure; empty when none.
    FailureCompleted(Vec<RawChannel>),
    /// Late among those; empty when no delivery fell in a failure.
    FailureLate(Vec<RawChannel>),
    /// Completed deliveries with a one-working-day term.
    OneDayCompleted,
    /// Late deliveries other than one-working-day terms, from one source.
    LateWithoutOneDay(RecordSource),
    /// Kinds of services with deliveries.
    ServiceKinds,
    /// Kinds of services with a one-working-day term.
    OneDayKinds,
    /// Kinds of services delivered through any of these channels.
    KindsVia(Vec<RawChannel>),
    /// Kinds delivered through the State Corporation and not the portal.
    KindsPscNotPortal,
    /// Complaints and statements answered.
    Complaints,
    /// Late among them.
    ComplaintsLate,
    /// Repeated and justified.
    RepeatedJustified,
    /// Satisfied.
    Satisfied,
    /// The exact mean of the answers to a question of the accepted questionnaires of one kind
    /// and scale (an empty answer is not in the mean): per service for an input of the table of
    /// services (matched by body and service), per body for a body's input; empty without
    /// answers.
    SurveyMean {
        question: SurveyQuestion,
        kind: SurveyKind,
        scale: SurveyScale,
    },
    /// Questionnaires of this kind about the body's services; for the body's own monitoring
    /// (`own`) empty when the body ran none.
    SurveyRespondents(SurveyKind),
    /// Questionnaires of this kind about every body's services.
    SurveyRespondentsAll(SurveyKind),
    /// Kinds of the body's services with questionnaires of this kind.
    SurveyServiceKinds(SurveyKind),
    /// Share of «satisfied» among the answers of this kind, %; empty when none.
    SurveySatisfiedShare(SurveyKind),
}

impl RawMeasure {
    /// The measure's name in `raw.toml`.
    pub fn kind(&self) -> MeasureKind {
        use MeasureKind as K;
        use RawMeasure as M;
        match self {
            M::Completed(_) => K::Completed,
            M::Late(_) => K::Late,
            M::LateReported(_) => K::LateReported,
            M::LateMonitoring(_) => K::LateMonitoring,
            M::FailureCompleted(_) => K::FailureCompleted,
            M::FailureLate(_) => K::FailureLate,
            M::OneDayCompleted => K::OneDayCompleted,
            M::LateWithoutOneDay(_) => K::LateWithoutOneDay,
            M::ServiceKinds => K::ServiceKinds,
            M::OneDayKinds => K::OneDayKinds,
            M::KindsVia(_) => K::KindsVia,
            M::KindsPscNotPortal => K::KindsPscNotPortal,
            M::Complaints => K::Complaints,
            M::ComplaintsLate => K::ComplaintsLate,
            M::RepeatedJustified => K::RepeatedJustified,
            M::Satisfied => K::Satisfied,
            M::SurveyMean { .. } => K::SurveyMean,
            M::SurveyRespondents(_) => K::SurveyRespondents,
            M::SurveyRespondentsAll(_) => K::SurveyRespondentsAll,
            M::SurveyServiceKinds(_) => K::SurveyServiceKinds,
            M::SurveySatisfiedShare(_) => K::SurveySatisfiedShare,
        }
    }

    /// Whether the measure leaves its input empty for some bodies or services (nothing to
    /// count), so the input must be optional: [`MeasureKind::may_be_empty`], a survey mean or
    /// share without answers, and the respondents of the body's own monitoring when it ran none.
    pub fn may_be_empty(&self) -> bool {
        use RawMeasure as M;
        self.kind().may_be_empty()
            || matches!(
                self,
                M::SurveyMean { .. }
                    | M::SurveySatisfiedShare(_)
                    | M::SurveyRespondents(SurveyKind::Own)
            )
    }

    /// Whether the measure is computed from survey questionnaires.
    pub fn is_survey(&self) -> bool {
        self.kind().is_survey()
    }

    /// The kind of survey of a survey measure.
    pub fn survey_kind(&self) -> Option<SurveyKind> {
        use RawMeasure as M;
        match self {
            M::SurveyMean { kind, .. }
            | M::SurveyRespondents(kind)
            | M::SurveyRespondentsAll(kind)
            | M::SurveyServiceKinds(kind)
            | M::SurveySatisfiedShare(kind) => Some(*kind),
            _ => None,
        }
    }

    /// The channels of the measure (empty for measures that take none).
    pub fn channels(&self) -> &[RawChannel] {
        use RawMeasure as M;
        match self {
            M::Completed(c)
            | M::Late(c)
            | M::LateReported(c)
            | M::LateMonitoring(c)
            | M::FailureCompleted(c)
            | M::FailureLate(c)
            | M::KindsVia(c) => c,
            _ => &[],
        }
    }

    /// The measure in Russian, with its channels or source.
    pub fn describe_ru(&self) -> String {
        let mut s = self.kind().name_ru().to_string();
        let chs = self.channels();
        if !chs.is_empty() {
            let names: Vec<&str> = chs.iter().map(|c| c.name_ru()).collect();
            s.push_str(&format!(" — {}", names.join("; ")));
        }
        if let RawMeasure::LateWithoutOneDay(src) = self {
            s.push_str(&format!(" — {}", src.name_ru()));
        }
        if let RawMeasure::SurveyMean {
            question, scale, ..
        } = self
        {
            s.push_str(&format!(" — {}, {}", question.name_ru(), scale.name_ru()));
        }
        if let Some(kind) = self.survey_kind() {
            s.push_str(&format!(" — {}", kind.name_ru()));
        }
        s
    }
}

/// An input of the edition filled from raw records.
#[derive(Debug, Clone)]
pub struct RawInput {
    /// The input's code (a numeric input of `inputs.toml`: the body's, or for a survey mean a
    /// column of the table of services).
    pub input: String,
    /// The code of the input's table (`None`: the body's input).
    pub table: Option<String>,
    pub measure: RawMeasure,
    pub cite: Citation,
}

// ---------------------------------------------------------------------------------------------
// The file as written.

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    #[serde(default)]
    input: Vec<EntryRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryRaw {
    code: Spanned<String>,
    measure: Spanned<String>,
    #[serde(default)]
    channels: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    source: Option<Spanned<String>>,
    #[serde(default)]
    question: Option<Spanned<String>>,
    #[serde(default)]
    kind: Option<Spanned<String>>,
    #[serde(default)]
    scale: Option<Spanned<i64>>,
    #[serde(rename = "ref")]
    reference: String,
    status: Spanned<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    quote: Option<QuoteRaw>,
}

// ---------------------------------------------------------------------------------------------
// Validation.

/// Reads and validates `raw.toml` when the edition has one (empty otherwise). Problems go to
/// the loader's diagnostics; quotes are queued for the loader's word-for-word check.
pub(crate) fn load(
    l: &mut Loader,
    dir: &Path,
    inputs: &[Input],
    tables: &[Table],
) -> Vec<RawInput> {
    if !dir.join(FILE).exists() {
        return Vec::new();
    }
    let Some((raw, src)) = l.parse_file::<RawFile>(dir, FILE, true) else {
        return Vec::new();
    };
    build(l, &src, raw, inputs, tables)
}

fn build(
    l: &mut Loader,
    src: &Src,
    raw: RawFile,
    inputs: &[Input],
    tables: &[Table],
) -> Vec<RawInput> {
    let mut out: Vec<RawInput> = Vec::new();
    let mut seen: Vec<(String, crate::model::Location)> = Vec::new();
    if raw.input.is_empty() {
        l.err(
            src.span_loc(0..0),
            "не указан ни один показатель ([[input]]); если первичные записи не используются, файл не нужен",
        );
    }
    for e in &raw.input {
        let code = e.code.get_ref();
        let at = src.span_loc(e.code.span());
        let input = inputs.iter().find(|i| &i.code == code);
        let measure_kind = MeasureKind::from_code(e.measure.get_ref());
        let table = input
            .and_then(|i| i.table)
            .and_then(|t| tables.get(t))
            .map(|t| (t.code.clone(), t.key.clone()));
        match input {
            None => l.err(
                at.clone(),
                format!("неизвестный показатель «{code}»: его нет в inputs.toml"),
            ),
            Some(i) => {
                match (&table, measure_kind) {
                    (Some((t, key)), Some(MeasureKind::SurveyMean)) if key != SERVICE_KEY => l
                        .err(
                            at.clone(),
                            format!(
                                "показатель «{code}» — столбец таблицы «{t}», строки которой не услуги органа (ключ «{key}», а не «{SERVICE_KEY}»); средний ответ опроса по услуге заполняет только столбцы таблицы услуг"
                            ),
                        ),
                    (Some(_), Some(MeasureKind::SurveyMean)) => {}
                    (Some((t, _)), _) => l.err(
                        at.clone(),
                        format!(
                            "показатель «{code}» — столбец таблицы «{t}»; из первичных записей заполняются только показатели органа (столбцы таблицы услуг — только мерой survey_mean)"
                        ),
                    ),
                    (None, _) => {}
                }
                if i.ty == InputType::Bool {
                    l.err(
                        at.clone(),
                        format!(
                            "показатель «{code}» логический; из первичных записей заполняются только числовые показатели"
                        ),
                    );
                }
            }
        }
        if let Some((_, prev)) = seen.iter().find(|(c, _)| c == code) {
            l.err(
                at.clone(),
                format!("показатель «{code}» уже указан в {prev}"),
            );
        } else {
            seen.push((code.clone(), at.clone()));
        }

        let kind = parse_closed!(l, src, &e.measure, MeasureKind);
        let params = kind.map(MeasureKind::params);
        // Channels: required by the measures that take them, refused by the others.
        let mut channels: Vec<RawChannel> = Vec::new();
        match (&e.channels, params) {
            (Some(chs), Some(Params::Channels)) => {
                if chs.get_ref().is_empty() {
                    l.err(
                        src.span_loc(chs.span()),
                        "channels: не указан ни один способ оказания",
                    );
                }
                for c in chs.get_ref() {
                    if let Some(ch) = parse_closed!(l, src, c, RawChannel) {
                        if channels.contains(&ch) {
                            l.err(
                                src.span_loc(c.span()),
                                format!("способ оказания «{}» указан дважды", ch.code()),
                            );
                        } else {
                            channels.push(ch);
                        }
                    }
                }
            }
            (None, Some(Params::Channels)) => l.err(
                src.span_loc(e.measure.span()),
                format!(
                    "мера «{}» требует channels (способы оказания: {})",
                    e.measure.get_ref(),
                    codes(RawChannel::ALL, RawChannel::code)
                ),
            ),
            (Some(chs), Some(_)) => l.err(
                src.span_loc(chs.span()),
                format!("мера «{}» не принимает channels", e.measure.get_ref()),
            ),
            (None, _) | (_, None) => {}
        }
        let mut source = None;
        match (&e.source, params) {
            (Some(s), Some(Params::Source)) => source = parse_closed!(l, src, s, RecordSource),
            (None, Some(Params::Source)) => l.err(
                src.span_loc(e.measure.span()),
                format!(
                    "мера «{}» требует source ({})",
                    e.measure.get_ref(),
                    codes(RecordSource::ALL, RecordSource::code)
                ),
            ),
            (Some(s), Some(_)) => l.err(
                src.span_loc(s.span()),
                format!("мера «{}» не принимает source", e.measure.get_ref()),
            ),
            (None, _) | (_, None) => {}
        }
        // Survey parameters: `kind` for every survey measure, `question` and `scale` for a mean.
        let takes_kind = matches!(params, Some(Params::SurveyMean | Params::SurveyKind));
        let takes_mean = params == Some(Params::SurveyMean);
        let mut survey_kind = None;
        match (&e.kind, takes_kind) {
            (Some(k), true) => survey_kind = parse_closed!(l, src, k, SurveyKind),
            (None, true) => l.err(
                src.span_loc(e.measure.span()),
                format!(
                    "мера «{}» требует kind (вид опроса: {})",
                    e.measure.get_ref(),
                    codes(SurveyKind::ALL, SurveyKind::code)
                ),
            ),
            (Some(k), false) if params.is_some() => l.err(
                src.span_loc(k.span()),
                format!("мера «{}» не принимает kind", e.measure.get_ref()),
            ),
            _ => {}
        }
        let mut question = None;
        match (&e.question, takes_mean) {
            (Some(q), true) => question = parse_closed!(l, src, q, SurveyQuestion),
            (None, true) => l.err(
                src.span_loc(e.measure.span()),
                format!(
                    "мера «{}» требует question (вопрос анкеты: {})",
                    e.measure.get_ref(),
                    codes(SurveyQuestion::ALL, SurveyQuestion::code)
                ),
            ),
            (Some(q), false) if params.is_some() => l.err(
                src.span_loc(q.span()),
                format!("мера «{}» не принимает question", e.measure.get_ref()),
            ),
            _ => {}
        }
        let mut scale = None;
        match (&e.scale, takes_mean) {
            (Some(s), true) => {
                scale = SurveyScale::from_code(&s.get_ref().to_string());
                if scale.is_none() {
                    l.err(
                        src.span_loc(s.span()),
                        format!(
                            "неизвестная шкала ответов «{}»: допустимы {}",
                            s.get_ref(),
                            codes(SurveyScale::ALL, SurveyScale::code)
                        ),
                    );
                }
            }
            (None, true) => l.err(
                src.span_loc(e.measure.span()),
                format!(
                    "мера «{}» требует scale (шкала ответов: {})",
                    e.measure.get_ref(),
                    codes(SurveyScale::ALL, SurveyScale::code)
                ),
            ),
            (Some(s), false) if params.is_some() => l.err(
                src.span_loc(s.span()),
                format!("мера «{}» не принимает scale", e.measure.get_ref()),
            ),
            _ => {}
        }
        let cite = l.cite(
            src,
            e.code.span(),
            &e.reference,
            &e.status,
            &e.note,
            &e.quote,
        );
        let Some(kind) = kind else {
            continue;
        };
        use MeasureKind as K;
        use RawMeasure as M;
        let measure = match kind {
            K::Completed => M::Completed(channels),
            K::Late => M::Late(channels),
            K::LateReported => M::LateReported(channels),
            K::LateMonitoring => M::LateMonitoring(channels),
            K::FailureCompleted => M::FailureCompleted(channels),
            K::FailureLate => M::FailureLate(channels),
            K::OneDayCompleted => M::OneDayCompleted,
            K::LateWithoutOneDay => M::LateWithoutOneDay(source.unwrap_or(RecordSource::Reported)),
            K::ServiceKinds => M::ServiceKinds,
            K::OneDayKinds => M::OneDayKinds,
            K::KindsVia => M::KindsVia(channels),
            K::KindsPscNotPortal => M::KindsPscNotPortal,
            K::Complaints => M::Complaints,
            K::ComplaintsLate => M::ComplaintsLate,
            K::RepeatedJustified => M::RepeatedJustified,
            K::Satisfied => M::Satisfied,
            K::SurveyMean => {
                let (Some(question), Some(kind), Some(scale)) = (question, survey_kind, scale)
                else {
                    continue;
                };
                M::SurveyMean {
                    question,
                    kind,
                    scale,
                }
            }
            K::SurveyRespondents
            | K::SurveyRespondentsAll
            | K::SurveyServiceKinds
            | K::SurveySatisfiedShare => {
                let Some(k) = survey_kind else {
                    continue;
                };
                match kind {
                    K::SurveyRespondents => M::SurveyRespondents(k),
                    K::SurveyRespondentsAll => M::SurveyRespondentsAll(k),
                    K::SurveyServiceKinds => M::SurveyServiceKinds(k),
                    _ => M::SurveySatisfiedShare(k),
                }
            }
        };
        if measure.may_be_empty() && input.is_some_and(|i| !i.optional) {
            l.err(
                src.span_loc(e.measure.span()),
                format!(
                    "мера «{}» оставляет показатель пустым, когда нечего считать, а показатель «{code}» обязателен: укажите optional = true в inputs.toml или другую меру",
                    kind.code()
                ),
            );
        }
        out.push(RawInput {
            table: table.map(|(t, _)| t),
            input: code.clone(),
            measure,
            cite,
        });
    }
    out
}

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> String {
    all.iter().map(|x| code(*x)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_kind_round_trips_through_its_code() {
        for k in MeasureKind::ALL {
            assert_eq!(MeasureKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(MeasureKind::from_code("total"), None);
        assert_eq!(RawChannel::from_code("mail"), None);
    }

    #[test]
    fn only_channel_measures_report_channels() {
        let m = RawMeasure::Completed(vec![RawChannel::Psc, RawChannel::Body]);
        assert_eq!(m.kind(), MeasureKind::Completed);
        assert_eq!(m.channels(), &[RawChannel::Psc, RawChannel::Body]);
        assert!(m
            .describe_ru()
            .contains("непосредственно в государственном органе"));
        let s = RawMeasure::LateWithoutOneDay(RecordSource::Monitoring);
        assert!(s.channels().is_empty());
        assert!(s.describe_ru().ends_with("по данным ИС «Мониторинг»"));
    }
}
