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
    }
);

/// What parameters a measure takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Params {
    Channels,
    Source,
    Nothing,
}

impl MeasureKind {
    /// Whether the measure leaves its input empty for some bodies (nothing to count), so the
    /// input must be optional.
    pub fn may_be_empty(self) -> bool {
        matches!(
            self,
            MeasureKind::LateMonitoring | MeasureKind::FailureCompleted | MeasureKind::FailureLate
        )
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
        s
    }
}

/// An input of the edition filled from raw records.
#[derive(Debug, Clone)]
pub struct RawInput {
    /// The input's code (a body-level numeric input of `inputs.toml`).
    pub input: String,
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
        match input {
            None => l.err(
                at.clone(),
                format!("неизвестный показатель «{code}»: его нет в inputs.toml"),
            ),
            Some(i) => {
                if let Some(t) = i.table.and_then(|t| tables.get(t)) {
                    l.err(
                        at.clone(),
                        format!(
                            "показатель «{code}» — столбец таблицы «{}»; из первичных записей заполняются только показатели органа",
                            t.code
                        ),
                    );
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
        if kind.may_be_empty() && input.is_some_and(|i| !i.optional) {
            l.err(
                src.span_loc(e.measure.span()),
                format!(
                    "мера «{}» оставляет показатель пустым, когда нечего считать, а показатель «{code}» обязателен: укажите optional = true в inputs.toml или другую меру",
                    kind.code()
                ),
            );
        }
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
        };
        out.push(RawInput {
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
