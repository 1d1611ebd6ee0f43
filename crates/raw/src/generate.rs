//! Deterministic synthetic raw records.
//!
//! A [`Spec`] gives exact counts per body, channel and group (connected services from
//! IS «Мониторинг», the others from the body's report): total, late, delivered during a documented
//! failure, and late among those. The generator places each record on a working day of the
//! period with a term from its service and a completion that makes it late or on time by the
//! calendar, so the aggregation must find exactly the counts of the spec. Bodies' own reports of
//! connected services ([`BodyReport`]) copy the IS records, with planted differences.
//! [`national_2020`] derives a spec from seed 004's figures over the 39 bodies of the 2020 report.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, DictionaryArray, Int32Array, Int64Array, RecordBatch, StringArray,
    TimestampSecondArray,
};
use arrow::datatypes::Int32Type;

use crate::days::DayTable;
use crate::error::RawError;
use crate::schema::{Table, CATEGORIES, CHANNELS, OUTCOMES, SOURCES, STATUSES, TERM_UNITS};

/// SplitMix64: small, fast, deterministic for a seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`0` when `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// Channel index into [`CHANNELS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Portal = 0,
    Psc = 1,
    Body = 2,
    Elicense = 3,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Portal,
        Channel::Psc,
        Channel::Body,
        Channel::Elicense,
    ];
    pub fn code(self) -> &'static str {
        CHANNELS[self as usize].0
    }
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Exact counts of one group of records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Group {
    pub total: u64,
    pub late: u64,
    /// Delivered during a documented failure of the channel's system (п.20).
    pub failure: u64,
    /// Late among those.
    pub failure_late: u64,
}

/// One channel of one body: records of connected services (source IS «Мониторинг») and of the
/// other services (source: the body's report).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelSpec {
    pub connected: Group,
    pub other: Group,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSpec {
    pub code: String,
    pub term: u32,
    pub calendar_days: bool,
    pub connected: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppealSpec {
    pub total: u64,
    pub late: u64,
    pub repeated: u64,
    pub court_justified: u64,
    pub disciplinary: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodySpec {
    pub id: String,
    pub services: Vec<ServiceSpec>,
    /// Indexed by [`Channel`].
    pub channels: [ChannelSpec; 4],
    pub appeals: AppealSpec,
}

/// The body's own report of a connected service in one channel: a copy of the IS records, with
/// `extra_late` on-time records reported late and `missing` records left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyReport {
    pub body: String,
    pub service: String,
    pub channel: Channel,
    pub extra_late: u64,
    pub missing: u64,
}

/// A documented failure window of a channel's system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureWindow {
    pub system: Channel,
    /// Seconds since 1970, local time.
    pub start: i64,
    pub end: i64,
    pub document: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub period: i32,
    pub seed: u64,
    pub bodies: Vec<BodySpec>,
    pub body_reports: Vec<BodyReport>,
    pub failures: Vec<FailureWindow>,
    /// Per mille of records that are motivated refusals.
    pub refusals_per_mille: u64,
    /// Questionnaires of the surveys of service recipients, exactly.
    pub surveys: Vec<SurveySpec>,
}

/// A kind of survey (codes of [`crate::schema::SURVEY_KINDS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SurveyKind {
    /// Public monitoring by the state social order (2014 п.25, п.29).
    Public = 0,
    /// The body's own monitoring.
    Own = 1,
}

impl SurveyKind {
    pub fn code(self) -> &'static str {
        crate::schema::SURVEY_KINDS[self as usize].0
    }
}

/// The questionnaires about one service of one body in one survey, exactly: per point of the
/// scale, how many respondents gave it (index = points), and how many left the question empty.
/// Every questionnaire answers both questions or leaves them empty independently; `satisfied`
/// is written as «satisfaction at least [`SurveySpec::satisfied_from`]».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveySpec {
    pub body: String,
    pub service: String,
    pub kind: SurveyKind,
    /// 10 or 5 (a code of [`crate::schema::SCALES`]).
    pub scale: u8,
    pub satisfaction: Vec<u64>,
    pub satisfaction_empty: u64,
    pub informedness: Vec<u64>,
    pub informedness_empty: u64,
}

impl SurveySpec {
    /// Questionnaires (respondents).
    pub fn respondents(&self) -> u64 {
        self.satisfaction.iter().sum::<u64>() + self.satisfaction_empty
    }
    /// The lowest answer written as satisfied: 7 of 10, 4 of 5.
    pub fn satisfied_from(&self) -> u64 {
        if self.scale == 5 {
            4
        } else {
            7
        }
    }
    /// Sum of the answers of a histogram.
    pub fn sum(histogram: &[u64]) -> u64 {
        histogram
            .iter()
            .enumerate()
            .map(|(k, n)| k as u64 * n)
            .sum()
    }
}

/// Rows per generated batch.
pub const CHUNK: usize = 1 << 20;

const GROUNDS: &[&str] = &[
    "п.9 стандарта: неполный пакет документов",
    "п.10 стандарта: недостоверные сведения",
    "ст.19-1 Закона о госуслугах",
];

fn dict(keys: Vec<i32>, values: &[&str]) -> ArrayRef {
    let keys = Int32Array::from(keys);
    let values = Arc::new(StringArray::from(values.to_vec()));
    Arc::new(DictionaryArray::<Int32Type>::new(keys, values))
}

fn dict_opt(keys: Vec<Option<i32>>, values: &[&str]) -> ArrayRef {
    let keys = Int32Array::from(keys);
    let values = Arc::new(StringArray::from(values.to_vec()));
    Arc::new(DictionaryArray::<Int32Type>::new(keys, values))
}

fn codes(list: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    list.iter().map(|(c, _)| *c).collect()
}

/// Columns of deliveries under construction.
#[derive(Default)]
struct DeliveryColumns {
    id: Vec<i64>,
    source: Vec<i32>,
    service: Vec<i32>,
    body: Vec<i32>,
    unit: Vec<Option<i32>>,
    channel: Vec<i32>,
    submitted: Vec<i64>,
    term: Vec<i32>,
    term_unit: Vec<i32>,
    completed: Vec<i64>,
    status: Vec<i32>,
    ground: Vec<Option<i32>>,
    connected: Vec<bool>,
}

impl DeliveryColumns {
    fn len(&self) -> usize {
        self.id.len()
    }
}

struct Dictionaries {
    bodies: Vec<String>,
    services: Vec<String>,
    units: Vec<String>,
}

/// The generator's running state over a spec.
pub struct Generator<'a> {
    spec: &'a Spec,
    days: &'a DayTable,
    rng: Rng,
    dicts: Dictionaries,
    /// Working days of the period (day indices).
    period_days: Vec<u32>,
    next_id: i64,
}

/// A difference planted between the IS and a body's report, as realised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Planted {
    pub body: String,
    pub service: String,
    pub channel: Channel,
    pub extra_late: u64,
    pub missing: u64,
}

impl<'a> Generator<'a> {
    pub fn new(spec: &'a Spec, days: &'a DayTable) -> Result<Generator<'a>, RawError> {
        let first = chrono::NaiveDate::from_ymd_opt(spec.period, 1, 1)
            .and_then(|d| days.index(d))
            .ok_or_else(|| RawError::Generate(format!("период {} вне календаря", spec.period)))?;
        let last = chrono::NaiveDate::from_ymd_opt(spec.period, 12, 31)
            .and_then(|d| days.index(d))
            .ok_or_else(|| RawError::Generate(format!("период {} вне календаря", spec.period)))?;
        // Late records complete up to a few weeks after the period: the next year must exist.
        if days
            .index(chrono::NaiveDate::from_ymd_opt(spec.period + 1, 3, 1).unwrap_or_default())
            .is_none()
        {
            return Err(RawError::Generate(format!(
                "для периода {} нужен календарь следующего года",
                spec.period
            )));
        }
        let period_days: Vec<u32> = (first..=last).filter(|d| days.is_working(*d)).collect();
        let mut services = Vec::new();
        for b in &spec.bodies {
            for s in &b.services {
                if !services.contains(&s.code) {
                    services.push(s.code.clone());
                }
            }
        }
        Ok(Generator {
            spec,
            days,
            rng: Rng::new(spec.seed),
            dicts: Dictionaries {
                bodies: spec.bodies.iter().map(|b| b.id.clone()).collect(),
                services,
                units: (1..=20)
                    .map(|i| format!("территориальное подразделение № {i}"))
                    .collect(),
            },
            period_days,
            next_id: 1,
        })
    }

    fn time_in_day(&mut self, day: u32, from_hour: i64, hours: i64) -> i64 {
        self.days.start_of(day) + from_hour * 3600 + self.rng.below((hours * 3600) as u64) as i64
    }

    /// Generates every delivery, handing batches of at most [`CHUNK`] rows to `sink`; returns the
    /// planted differences as realised.
    pub fn deliveries(
        &mut self,
        sink: &mut dyn FnMut(RecordBatch) -> Result<(), RawError>,
    ) -> Result<Vec<Planted>, RawError> {
        let mut cols = DeliveryColumns::default();
        let mut planted = Vec::new();
        let spec = self.spec;
        for (bi, body) in spec.bodies.iter().enumerate() {
            for channel in Channel::ALL {
                let cs = body.channels[channel as usize];
                for (connected, group) in [(true, cs.connected), (false, cs.other)] {
                    if group.total == 0 {
                        continue;
                    }
                    let services: Vec<&ServiceSpec> = body
                        .services
                        .iter()
                        .filter(|s| s.connected == connected)
                        .collect();
                    if services.is_empty() {
                        return Err(RawError::Generate(format!(
                            "у органа {} нет {} услуг для способа {}",
                            body.id,
                            if connected {
                                "подключённых"
                            } else {
                                "неподключённых"
                            },
                            channel.code()
                        )));
                    }
                    let windows: Vec<&FailureWindow> = spec
                        .failures
                        .iter()
                        .filter(|w| w.system == channel)
                        .collect();
                    if group.failure > 0 && windows.is_empty() {
                        return Err(RawError::Generate(format!(
                            "у способа {} нет сбоев, а органу {} нужны услуги в период сбоя",
                            channel.code(),
                            body.id
                        )));
                    }
                    if group.late > group.total
                        || group.failure > group.total
                        || group.failure_late > group.failure.min(group.late)
                        || group.failure - group.failure_late > group.total - group.late
                    {
                        return Err(RawError::Generate(format!(
                            "несовместимые числа у органа {} ({})",
                            body.id,
                            channel.code()
                        )));
                    }
                    // Reports copied for this group's services.
                    let reports: Vec<(usize, &BodyReport)> = spec
                        .body_reports
                        .iter()
                        .filter(|r| connected && r.body == body.id && r.channel == channel)
                        .filter_map(|r| {
                            services
                                .iter()
                                .position(|s| s.code == r.service)
                                .map(|i| (i, r))
                        })
                        .collect();
                    let mut realised: Vec<(u64, u64)> = vec![(0, 0); reports.len()];
                    let mut seen: Vec<u64> = vec![0; reports.len()];
                    let mut remaining = [
                        group.failure_late,
                        group.failure - group.failure_late,
                        group.late - group.failure_late,
                        group.total - group.late - (group.failure - group.failure_late),
                    ];
                    for _ in 0..group.total {
                        let sum: u64 = remaining.iter().sum();
                        let mut r = self.rng.below(sum);
                        let mut category = 3;
                        for (k, n) in remaining.iter().enumerate() {
                            if r < *n {
                                category = k;
                                break;
                            }
                            r -= n;
                        }
                        remaining[category] -= 1;
                        let failure = category < 2;
                        let late = category == 0 || category == 2;
                        let si = self.rng.below(services.len() as u64) as usize;
                        let service = services[si];
                        let window =
                            failure.then(|| windows[self.rng.below(windows.len() as u64) as usize]);
                        let (submitted, completed) =
                            self.times(service, late, window).ok_or_else(|| {
                                RawError::Generate(format!(
                                    "срок услуги {} выходит за календарь",
                                    service.code
                                ))
                            })?;
                        let service_key = self.service_key(&service.code);
                        let refused = self.rng.below(1000) < spec.refusals_per_mille;
                        let unit = self.rng.below(40);
                        let unit = (unit < 20).then_some(unit as i32);
                        let ground = refused.then(|| self.rng.below(GROUNDS.len() as u64) as i32);
                        let id = self.next_id;
                        self.next_id += 1;
                        let source = if connected { 0 } else { 1 };
                        push(
                            &mut cols,
                            Row {
                                id,
                                source,
                                service: service_key,
                                body: bi as i32,
                                unit,
                                channel: channel as i32,
                                submitted,
                                term: service.term as i32,
                                calendar_days: service.calendar_days,
                                completed,
                                refused,
                                ground,
                                connected,
                            },
                        );
                        // The body's own report of the same delivery.
                        if let Some((k, (_, rep))) =
                            reports.iter().enumerate().find(|(_, (i, _))| *i == si)
                        {
                            // The first record of the service is always copied, so the
                            // report covers the service even when records are left out.
                            seen[k] += 1;
                            if seen[k] > 1 && realised[k].1 < rep.missing {
                                realised[k].1 += 1;
                            } else {
                                let mut completed = completed;
                                if !late && realised[k].0 < rep.extra_late {
                                    realised[k].0 += 1;
                                    let deadline = self.deadline_of(service, submitted);
                                    completed = self.days.start_of(deadline + 1) + 10 * 3600;
                                }
                                let id = self.next_id;
                                self.next_id += 1;
                                push(
                                    &mut cols,
                                    Row {
                                        id,
                                        source: 1,
                                        service: service_key,
                                        body: bi as i32,
                                        unit,
                                        channel: channel as i32,
                                        submitted,
                                        term: service.term as i32,
                                        calendar_days: service.calendar_days,
                                        completed,
                                        refused,
                                        ground,
                                        connected,
                                    },
                                );
                            }
                        }
                        if cols.len() >= CHUNK {
                            sink(self.finish(&mut cols)?)?;
                        }
                    }
                    for (k, (_, rep)) in reports.iter().enumerate() {
                        if realised[k] != (0, 0) {
                            planted.push(Planted {
                                body: body.id.clone(),
                                service: rep.service.clone(),
                                channel,
                                extra_late: realised[k].0,
                                missing: realised[k].1,
                            });
                        }
                    }
                }
            }
        }
        if cols.len() > 0 {
            sink(self.finish(&mut cols)?)?;
        }
        planted.sort();
        Ok(planted)
    }

    fn service_key(&self, code: &str) -> i32 {
        self.dicts
            .services
            .iter()
            .position(|s| s == code)
            .unwrap_or(0) as i32
    }

    fn deadline_of(&self, service: &ServiceSpec, submitted: i64) -> u32 {
        let day = self.days.day_of(submitted).unwrap_or(0);
        self.days
            .deadline(day, service.term, !service.calendar_days)
            .unwrap_or(day)
    }

    /// Submission and completion of one record.
    fn times(
        &mut self,
        service: &ServiceSpec,
        late: bool,
        window: Option<&FailureWindow>,
    ) -> Option<(i64, i64)> {
        let working = !service.calendar_days;
        if let Some(w) = window {
            // Completed inside the failure window.
            let completed = w.start + self.rng.below((w.end - w.start).max(1) as u64) as i64;
            let cday = self.days.day_of(completed)?;
            if !late {
                // Submitted the same day, before the window.
                let submitted = self.days.start_of(cday) + 9 * 3600;
                return Some((submitted.min(completed), completed));
            }
            // Submitted early enough that the deadline falls before the completion day.
            let mut sday = cday.checked_sub(service.term * 2 + 14)?;
            while self.days.deadline(sday, service.term, working)? >= cday {
                sday = sday.checked_sub(7)?;
            }
            return Some((self.days.start_of(sday) + 10 * 3600, completed));
        }
        let sday = self.period_days[self.rng.below(self.period_days.len() as u64) as usize];
        let submitted = self.time_in_day(sday, 9, 8);
        let deadline = self.days.deadline(sday, service.term, working)?;
        let completed = if late {
            let cday = deadline + 1 + self.rng.below(5) as u32;
            self.time_in_day(cday, 9, 9)
        } else {
            let cday = sday + self.rng.below(u64::from(deadline - sday) + 1) as u32;
            if cday == sday {
                submitted + 60 + self.rng.below(3600) as i64
            } else {
                self.time_in_day(cday, 9, 9)
            }
        };
        self.days.day_of(completed)?;
        Some((submitted, completed))
    }

    fn finish(&self, cols: &mut DeliveryColumns) -> Result<RecordBatch, RawError> {
        let c = std::mem::take(cols);
        let bodies: Vec<&str> = self.dicts.bodies.iter().map(String::as_str).collect();
        let services: Vec<&str> = self.dicts.services.iter().map(String::as_str).collect();
        let units: Vec<&str> = self.dicts.units.iter().map(String::as_str).collect();
        let statuses: Vec<i32> = c.status;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from(c.id)),
            dict(c.source, &codes(SOURCES)),
            dict(c.service, &services),
            dict(c.body, &bodies),
            dict_opt(c.unit, &units),
            dict(c.channel, &codes(CHANNELS)),
            Arc::new(TimestampSecondArray::from(c.submitted)),
            Arc::new(Int32Array::from(c.term)),
            dict(c.term_unit, &codes(TERM_UNITS)),
            Arc::new(TimestampSecondArray::from(c.completed)),
            dict(statuses, &codes(STATUSES)),
            dict_opt(c.ground, GROUNDS),
            Arc::new(BooleanArray::from(c.connected)),
        ];
        RecordBatch::try_new(Table::Deliveries.arrow_schema(), columns)
            .map_err(|e| RawError::Generate(e.to_string()))
    }

    /// Every appeal of the spec as one batch per body.
    pub fn appeals(
        &mut self,
        sink: &mut dyn FnMut(RecordBatch) -> Result<(), RawError>,
    ) -> Result<(), RawError> {
        let spec = self.spec;
        let names = self.dicts.bodies.clone();
        let bodies: Vec<&str> = names.iter().map(String::as_str).collect();
        for (bi, body) in spec.bodies.iter().enumerate() {
            let a = body.appeals;
            if a.total == 0 {
                continue;
            }
            if a.late > a.total
                || a.repeated > a.total
                || a.court_justified > a.total
                || a.disciplinary > a.total
            {
                return Err(RawError::Generate(format!(
                    "несовместимые числа обращений у органа {}",
                    body.id
                )));
            }
            let n = a.total as usize;
            let mut id = Vec::with_capacity(n);
            let (mut bk, mut cat, mut reg, mut term, mut unit, mut ans, mut out) =
                (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
            let (mut rep, mut court, mut disc) = (vec![], vec![], vec![]);
            // Exact counts spread evenly: record i carries a flag when ⌊(i+1)k/n⌋ grows.
            let spread = |i: u64, k: u64| (i + 1) * k / a.total > i * k / a.total;
            for i in 0..a.total {
                let late = spread(i, a.late);
                let service = ServiceSpec {
                    code: String::new(),
                    term: 15,
                    calendar_days: false,
                    connected: true,
                };
                let (registered, answered) = self.times(&service, late, None).ok_or_else(|| {
                    RawError::Generate("срок обращения выходит за календарь".to_string())
                })?;
                id.push(self.next_id);
                self.next_id += 1;
                bk.push(bi as i32);
                cat.push(self.rng.below(CATEGORIES.len() as u64) as i32);
                reg.push(registered);
                term.push(15);
                unit.push(0);
                ans.push(answered);
                out.push(self.rng.below(OUTCOMES.len() as u64) as i32);
                rep.push(spread(i.wrapping_add(a.total / 3) % a.total, a.repeated));
                court.push(spread(
                    i.wrapping_add(a.total / 2) % a.total,
                    a.court_justified,
                ));
                disc.push(spread(
                    i.wrapping_add(a.total / 5) % a.total,
                    a.disciplinary,
                ));
            }
            let columns: Vec<ArrayRef> = vec![
                Arc::new(Int64Array::from(id)),
                dict(bk, &bodies),
                dict(cat, &codes(CATEGORIES)),
                Arc::new(TimestampSecondArray::from(reg)),
                Arc::new(Int32Array::from(term)),
                dict(unit, &codes(TERM_UNITS)),
                Arc::new(TimestampSecondArray::from(ans)),
                dict(out, &codes(OUTCOMES)),
                Arc::new(BooleanArray::from(rep)),
                Arc::new(BooleanArray::from(court)),
                Arc::new(BooleanArray::from(disc)),
            ];
            sink(
                RecordBatch::try_new(Table::Appeals.arrow_schema(), columns)
                    .map_err(|e| RawError::Generate(e.to_string()))?,
            )?;
        }
        Ok(())
    }

    /// Every questionnaire of the spec, in batches of at most [`CHUNK`] rows. A random stream of
    /// its own (the deliveries and appeals of a seed do not change when surveys are added): the
    /// order of the answers and the day of each questionnaire (a working day of the period).
    pub fn surveys(
        &self,
        sink: &mut dyn FnMut(RecordBatch) -> Result<(), RawError>,
    ) -> Result<(), RawError> {
        let spec = self.spec;
        let mut rng = Rng::new(spec.seed ^ SURVEY_STREAM);
        let mut services: Vec<&str> = Vec::new();
        for sv in &spec.surveys {
            if !services.contains(&sv.service.as_str()) {
                services.push(&sv.service);
            }
        }
        let bodies: Vec<&str> = self.dicts.bodies.iter().map(String::as_str).collect();
        let scales = codes(crate::schema::SCALES);
        let mut cols = SurveyColumns::default();
        let mut next_id = 1i64;
        for sv in &spec.surveys {
            let bad =
                |m: &str| RawError::Generate(format!("опрос {} / {}: {m}", sv.body, sv.service));
            let body = bodies
                .iter()
                .position(|b| *b == sv.body)
                .ok_or_else(|| bad("органа нет среди органов"))?;
            let scale = scales
                .iter()
                .position(|c| *c == sv.scale.to_string())
                .ok_or_else(|| bad("шкала не 10 и не 5"))?;
            let n = sv.respondents();
            if sv.informedness.iter().sum::<u64>() + sv.informedness_empty != n
                || sv.satisfaction.len() > usize::from(sv.scale) + 1
                || sv.informedness.len() > usize::from(sv.scale) + 1
                || (sv.scale == 5
                    && (sv.satisfaction.first().copied().unwrap_or(0) > 0
                        || sv.informedness.first().copied().unwrap_or(0) > 0))
            {
                return Err(bad(
                    "числа ответов не согласованы со шкалой или между собой",
                ));
            }
            let expand = |h: &[u64], empty: u64, rng: &mut Rng| {
                let mut v: Vec<Option<i32>> = Vec::new();
                for (k, c) in h.iter().enumerate() {
                    v.extend(std::iter::repeat_n(Some(k as i32), *c as usize));
                }
                v.extend(std::iter::repeat_n(None, empty as usize));
                for i in (1..v.len()).rev() {
                    let j = rng.below(i as u64 + 1) as usize;
                    v.swap(i, j);
                }
                v
            };
            let sat = expand(&sv.satisfaction, sv.satisfaction_empty, &mut rng);
            let inf = expand(&sv.informedness, sv.informedness_empty, &mut rng);
            let service = services.iter().position(|x| *x == sv.service).unwrap_or(0) as i32;
            let from = sv.satisfied_from() as i32;
            for (a, b) in sat.into_iter().zip(inf) {
                let day = self.period_days[rng.below(self.period_days.len() as u64) as usize];
                cols.id.push(next_id);
                next_id += 1;
                cols.kind.push(sv.kind as i32);
                cols.body.push(body as i32);
                cols.service.push(service);
                cols.surveyed
                    .push(self.days.start_of(day) + 10 * 3600 + rng.below(8 * 3600) as i64);
                cols.scale.push(scale as i32);
                cols.satisfaction.push(a);
                cols.informedness.push(b);
                cols.satisfied.push(a.map(|a| a >= from));
                if cols.id.len() >= CHUNK {
                    sink(survey_batch(std::mem::take(&mut cols), &bodies, &services)?)?;
                }
            }
        }
        if !cols.id.is_empty() {
            sink(survey_batch(cols, &bodies, &services)?)?;
        }
        Ok(())
    }

    /// The failure windows as one batch.
    pub fn failures(&self) -> Result<RecordBatch, RawError> {
        let f = &self.spec.failures;
        let docs: Vec<&str> = f.iter().map(|w| w.document.as_str()).collect();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from((1..=f.len() as i64).collect::<Vec<_>>())),
            dict(
                f.iter().map(|w| w.system as i32).collect(),
                &codes(crate::schema::SYSTEMS),
            ),
            Arc::new(TimestampSecondArray::from(
                f.iter().map(|w| w.start).collect::<Vec<_>>(),
            )),
            Arc::new(TimestampSecondArray::from(
                f.iter().map(|w| w.end).collect::<Vec<_>>(),
            )),
            dict((0..f.len() as i32).collect(), &docs),
        ];
        RecordBatch::try_new(Table::Failures.arrow_schema(), columns)
            .map_err(|e| RawError::Generate(e.to_string()))
    }
}

/// The survey stream's seed is the spec's seed with these bits flipped.
const SURVEY_STREAM: u64 = 0x5356_5259_0000_0001;

#[derive(Default)]
struct SurveyColumns {
    id: Vec<i64>,
    kind: Vec<i32>,
    body: Vec<i32>,
    service: Vec<i32>,
    surveyed: Vec<i64>,
    scale: Vec<i32>,
    satisfaction: Vec<Option<i32>>,
    informedness: Vec<Option<i32>>,
    satisfied: Vec<Option<bool>>,
}

fn survey_batch(
    c: SurveyColumns,
    bodies: &[&str],
    services: &[&str],
) -> Result<RecordBatch, RawError> {
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(c.id)),
        dict(c.kind, &codes(crate::schema::SURVEY_KINDS)),
        dict(c.body, bodies),
        dict(c.service, services),
        Arc::new(TimestampSecondArray::from(c.surveyed)),
        dict(c.scale, &codes(crate::schema::SCALES)),
        Arc::new(Int32Array::from(c.satisfaction)),
        Arc::new(Int32Array::from(c.informedness)),
        Arc::new(BooleanArray::from(c.satisfied)),
    ];
    RecordBatch::try_new(Table::Surveys.arrow_schema(), columns)
        .map_err(|e| RawError::Generate(e.to_string()))
}

struct Row {
    id: i64,
    source: i32,
    service: i32,
    body: i32,
    unit: Option<i32>,
    channel: i32,
    submitted: i64,
    term: i32,
    calendar_days: bool,
    completed: i64,
    refused: bool,
    ground: Option<i32>,
    connected: bool,
}

fn push(c: &mut DeliveryColumns, r: Row) {
    c.id.push(r.id);
    c.source.push(r.source);
    c.service.push(r.service);
    c.body.push(r.body);
    c.unit.push(r.unit);
    c.channel.push(r.channel);
    c.submitted.push(r.submitted);
    c.term.push(r.term);
    c.term_unit.push(i32::from(r.calendar_days));
    c.completed.push(r.completed);
    c.status.push(i32::from(r.refused));
    c.ground.push(r.ground);
    c.connected.push(r.connected);
}

/// Failure windows of a period: `count` windows of the portal (and a few of the other systems)
/// at night (from 20:00, at most 3 hours), one a day from 1 June, so that no record completed in
/// working hours falls in one by chance and a late record completed in one can have been
/// submitted in the period even for a 60-working-day term.
pub fn failure_windows(days: &DayTable, period: i32, portal_minutes: u64) -> Vec<FailureWindow> {
    let mut out = Vec::new();
    let start = chrono::NaiveDate::from_ymd_opt(period, 6, 1).and_then(|d| days.index(d));
    let Some(start) = start else { return out };
    // The portal's total duration split into windows of at most 3 hours.
    let mut left = portal_minutes;
    let mut k = 0u32;
    let push_window = |system: Channel, minutes: u64, k: u32| FailureWindow {
        system,
        start: days.start_of(start + k) + 20 * 3600,
        end: days.start_of(start + k) + 20 * 3600 + (minutes as i64) * 60,
        document: format!("Акт о техническом сбое № {}-{}", period, k + 1),
    };
    while left > 0 {
        let m = left.min(180);
        out.push(push_window(Channel::Portal, m, k));
        left -= m;
        k += 1;
    }
    for system in [Channel::Psc, Channel::Body, Channel::Elicense] {
        out.push(push_window(system, 120, k));
        k += 1;
    }
    out
}

/// The 39 evaluated bodies of the 2020 report (id, name), from `examples/2020-rating/bodies.csv`
/// without the bodies not rated for 2020.
pub fn bodies_2020() -> Vec<(String, String)> {
    const CSV: &str = include_str!("../../../examples/2020-rating/bodies.csv");
    let mut r = csv::Reader::from_reader(CSV.as_bytes());
    let mut out = Vec::new();
    for rec in r.records().flatten() {
        let not_rated = rec.get(5).unwrap_or("");
        if not_rated.is_empty() {
            out.push((
                rec.get(0).unwrap_or("").to_string(),
                rec.get(2).unwrap_or("").to_string(),
            ));
        }
    }
    out
}

/// Seed 004's national figures for 2020.
pub mod seed004 {
    /// Services delivered by the evaluated bodies: 190,8 million.
    pub const SERVICES: u64 = 190_800_000;
    /// Electronically: 162,9 million.
    pub const ELECTRONIC: u64 = 162_900_000;
    /// On paper (in the body): 11,8 million.
    pub const PAPER: u64 = 11_800_000;
    /// Through the State Corporation: 16,1 million.
    pub const PSC: u64 = 16_100_000;
    /// Late deliveries: about 4 thousand.
    pub const LATE: u64 = 4_000;
    /// Kinds of services in the Registry, of which automated (here: connected to IS «Мониторинг»).
    pub const KINDS: u64 = 688;
    pub const KINDS_CONNECTED: u64 = 622;
    /// Portal failures: 537 hours 45 minutes.
    pub const FAILURE_MINUTES: u64 = 537 * 60 + 45;
    /// Appeals 1,3 million, answered late 3,8 thousand, satisfied by courts 47.
    pub const APPEALS: u64 = 1_300_000;
    pub const APPEALS_LATE: u64 = 3_800;
    pub const COURT: u64 = 47;
}

/// Scales of the 2020 generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 1/10 000 of the national volume (≈ 19 thousand deliveries).
    Small,
    /// 1/100 (≈ 1,9 million).
    Medium,
    /// The whole 190,8 million.
    National,
    /// An explicit number of deliveries.
    Records(u64),
}

impl Scale {
    pub fn deliveries(self) -> u64 {
        match self {
            Scale::Small => seed004::SERVICES / 10_000,
            Scale::Medium => seed004::SERVICES / 100,
            Scale::National => seed004::SERVICES,
            Scale::Records(n) => n,
        }
    }
}

/// Splits `total` over `weights` exactly (largest remainders).
pub fn apportion(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut out: Vec<u64> = weights
        .iter()
        .map(|w| (u128::from(total) * u128::from(*w) / u128::from(sum)) as u64)
        .collect();
    let mut rest = total - out.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|i| {
        std::cmp::Reverse((u128::from(total) * u128::from(weights[*i])) % u128::from(sum))
    });
    for i in order {
        if rest == 0 {
            break;
        }
        out[i] += 1;
        rest -= 1;
    }
    out
}

/// A spec following seed 004's totals and shares over the 39 bodies of the 2020 report: body
/// sizes vary (a heavy tail: a few bodies deliver most services), channel shares as in the
/// report, about 4 thousand late deliveries nationally (at least one per body and channel at
/// small scales so every path is exercised), portal failures of 537 h 45 min, appeals, and
/// planted differences between the IS and the bodies' reports.
pub fn national_2020(days: &DayTable, scale: Scale, seed: u64) -> Spec {
    let period = 2020;
    let bodies = bodies_2020();
    let total = scale.deliveries();
    let mut rng = Rng::new(seed ^ 0x2020);
    // Heavy-tailed weights: 1/(rank) shuffled by a deterministic draw.
    let weights: Vec<u64> = (0..bodies.len())
        .map(|i| 1_000_000 / (1 + (i as u64 * 7 + rng.below(5)) % bodies.len() as u64))
        .collect();
    let per_body = apportion(total, &weights);
    let kinds = apportion(seed004::KINDS, &weights);
    let connected_kinds = apportion(seed004::KINDS_CONNECTED, &weights);
    let late_total =
        (u128::from(seed004::LATE) * u128::from(total) / u128::from(seed004::SERVICES)) as u64;
    let late_per_body = apportion(late_total, &weights);
    let appeals_total =
        (u128::from(seed004::APPEALS) * u128::from(total) / u128::from(seed004::SERVICES)) as u64;
    let appeals = apportion(appeals_total, &weights);
    let appeals_late = apportion(
        (u128::from(seed004::APPEALS_LATE) * u128::from(total) / u128::from(seed004::SERVICES))
            as u64,
        &weights,
    );
    let court = apportion(
        (u128::from(seed004::COURT) * u128::from(total) / u128::from(seed004::SERVICES)) as u64,
        &weights,
    );
    let shares = [
        seed004::ELECTRONIC * 97 / 100,
        seed004::PSC,
        seed004::PAPER,
        seed004::ELECTRONIC - seed004::ELECTRONIC * 97 / 100,
    ];
    const TERMS: [(u32, bool); 8] = [
        (1, false),
        (3, false),
        (5, false),
        (10, false),
        (15, false),
        (20, false),
        (30, true),
        (7, false),
    ];
    let mut specs = Vec::new();
    let mut reports = Vec::new();
    for (bi, (id, _)) in bodies.iter().enumerate() {
        let n_kinds = kinds[bi].max(2);
        let n_connected = connected_kinds[bi].clamp(1, n_kinds - 1);
        let services: Vec<ServiceSpec> = (0..n_kinds)
            .map(|k| {
                let (term, calendar_days) = TERMS[rng.below(TERMS.len() as u64) as usize];
                ServiceSpec {
                    code: format!("{id}-{:03}", k + 1),
                    term,
                    calendar_days,
                    connected: k < n_connected,
                }
            })
            .collect();
        let by_channel = apportion(per_body[bi], &shares);
        let lates = apportion(late_per_body[bi].max(4), &[6, 2, 1, 1]);
        let mut channels = [ChannelSpec::default(); 4];
        for ch in Channel::ALL {
            let t = by_channel[ch as usize];
            let late = lates[ch as usize].min(t);
            // Paper and PSC: a tenth of the records from the non-connected services.
            let other_total = if matches!(ch, Channel::Psc | Channel::Body) {
                t / 10
            } else {
                0
            };
            let other_late = (late / 4).min(other_total);
            let failure = if ch == Channel::Portal {
                (t / 2000).max(1).min(t)
            } else {
                0
            };
            let connected = Group {
                total: t - other_total,
                late: (late - other_late).min(t - other_total),
                failure: failure.min(t - other_total),
                failure_late: u64::from(failure > 0 && late - other_late > 0),
            };
            channels[ch as usize] = ChannelSpec {
                connected,
                other: Group {
                    total: other_total,
                    late: other_late,
                    failure: 0,
                    failure_late: 0,
                },
            };
        }
        let a_total = appeals[bi].max(10);
        specs.push(BodySpec {
            id: id.clone(),
            services: services.clone(),
            channels,
            appeals: AppealSpec {
                total: a_total,
                late: appeals_late[bi].clamp(1, a_total),
                repeated: a_total / 20,
                court_justified: court[bi].min(a_total),
                disciplinary: (appeals_late[bi] / 3).min(a_total),
            },
        });
        // Every fifth body: its report of the first connected service differs from the IS.
        if bi % 5 == 0 {
            reports.push(BodyReport {
                body: id.clone(),
                service: services[0].code.clone(),
                channel: Channel::Psc,
                extra_late: 2,
                missing: 3,
            });
        }
    }
    let surveys = surveys_2020(&specs, &weights, seed);
    Spec {
        period,
        seed,
        bodies: specs,
        body_reports: reports,
        failures: failure_windows(days, period, seed004::FAILURE_MINUTES),
        refusals_per_mille: 30,
        surveys,
    }
}

/// Respondents of the public monitoring nationally: the only national figure in the sources
/// (the 2017 conclusion: «опрошено 9 517 респондентов по пятидесяти пяти видам государственных
/// услуг Реестра»). A sample survey: the same at every scale.
pub const RESPONDENTS: u64 = 9_517;
/// Kinds of services surveyed nationally (same source).
pub const SURVEYED_KINDS: u64 = 55;

/// `n` questionnaires of one body and service on the 5-point scale: each answer 5, 4, 3, 2, 1 with
/// the per-mille `shares`; satisfaction left unanswered 1 % of the time, informedness 2 %.
fn five_point_survey(
    rng: &mut Rng,
    shares: &[u64; 5],
    body: &str,
    service: String,
    kind: SurveyKind,
    n: u64,
) -> SurveySpec {
    let mut sv = SurveySpec {
        body: body.to_string(),
        service,
        kind,
        scale: 5,
        satisfaction: vec![0; 6],
        satisfaction_empty: 0,
        informedness: vec![0; 6],
        informedness_empty: 0,
    };
    let draw = |rng: &mut Rng, empty_per_mille: u64, h: &mut Vec<u64>, empty: &mut u64| {
        if rng.below(1000) < empty_per_mille {
            *empty += 1;
            return;
        }
        let mut r = rng.below(1000);
        for (k, p) in shares.iter().enumerate() {
            if r < *p {
                h[5 - k] += 1;
                return;
            }
            r -= p;
        }
    };
    for _ in 0..n {
        draw(rng, 10, &mut sv.satisfaction, &mut sv.satisfaction_empty);
        draw(rng, 20, &mut sv.informedness, &mut sv.informedness_empty);
    }
    sv
}
/// The 2020 public monitoring: [`RESPONDENTS`] questionnaires over the bodies by their
/// heavy-tailed weights (at least 20 a body), [`SURVEYED_KINDS`] kinds, the first kinds of each
/// body, respondents per kind heavy-tailed; answers on the 5-point scale of the 2020 report
/// («по ЦГО до 4,5 балла из 5 возможных …, по МИО до 4,6 балла»): drawn per respondent with
/// shares 64/23/8/3/2 % (central, mean 4,44) or 70/20/6/2/2 % (local, mean 4,54) for 5…1 points,
/// 1 % leave satisfaction empty, 2 % informedness. Every fourth body also ran its own survey of
/// its first service (100–2 499 respondents). A stream of its own, from the seed.
fn surveys_2020(bodies: &[BodySpec], weights: &[u64], seed: u64) -> Vec<SurveySpec> {
    let mut rng = Rng::new(seed ^ SURVEY_STREAM ^ 0x2020);
    let local: Vec<String> = {
        const CSV: &str = include_str!("../../../examples/2020-rating/bodies.csv");
        let mut r = csv::Reader::from_reader(CSV.as_bytes());
        r.records()
            .flatten()
            .filter(|rec| rec.get(3) == Some("local"))
            .map(|rec| rec.get(0).unwrap_or("").to_string())
            .collect()
    };
    let per_body: Vec<u64> = apportion(
        RESPONDENTS.saturating_sub(20 * bodies.len() as u64),
        weights,
    )
    .into_iter()
    .map(|n| n + 20)
    .collect();
    // At least one kind a body, the rest by weight.
    let kinds: Vec<u64> = apportion(SURVEYED_KINDS.saturating_sub(bodies.len() as u64), weights)
        .into_iter()
        .map(|k| k + 1)
        .collect();
    let mut out = Vec::new();
    for (bi, b) in bodies.iter().enumerate() {
        let shares: [u64; 5] = if local.contains(&b.id) {
            [700, 200, 60, 20, 20]
        } else {
            [640, 230, 80, 30, 20]
        };
        let k = (kinds[bi] as usize).min(b.services.len());
        let w: Vec<u64> = (0..k as u64)
            .map(|i| 1000 / (i + 1) + rng.below(100))
            .collect();
        // At least one respondent a kind, the rest by weight.
        let spread = apportion(per_body[bi].saturating_sub(k as u64), &w);
        for (si, extra) in spread.into_iter().enumerate() {
            let service = b.services[si].code.clone();
            out.push(five_point_survey(
                &mut rng,
                &shares,
                &b.id,
                service,
                SurveyKind::Public,
                extra + 1,
            ));
        }
        if bi % 4 == 0 {
            let n = 100 + rng.below(2400);
            let service = b.services[0].code.clone();
            out.push(five_point_survey(
                &mut rng,
                &shares,
                &b.id,
                service,
                SurveyKind::Own,
                n,
            ));
        }
    }
    out
}

/// A score with at most two decimals (`9.45`, `8`, `7.5`) in hundredths, exactly.
pub fn parse_hundredths(s: &str) -> Option<u64> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || frac.len() > 2
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int: u64 = int.parse().ok()?;
    let frac: u64 = format!("{frac:0<2}").parse().ok()?;
    int.checked_mul(100)?.checked_add(frac)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Answers on the 10-point scale whose exact mean is `hundredths / 100`, `n` of them (`n` a
/// multiple of the value's denominator): all ⌊mean⌋ or ⌊mean⌋ + 1, then some pairs of ⌊mean⌋
/// spread one point down and one up (the sum stays).
fn answers_with_mean(hundredths: u64, n: u64, rng: &mut Rng) -> Option<Vec<u64>> {
    let total = hundredths.checked_mul(n)?;
    if hundredths > 1000 || n == 0 || !total.is_multiple_of(100) {
        return None;
    }
    let sum = total / 100;
    let low = sum / n;
    let up = sum - low * n;
    let mut h = vec![0u64; 11];
    h[low as usize] = n - up;
    if up > 0 {
        h[low as usize + 1] = up;
    }
    if (1..=9).contains(&low) {
        let pairs = rng.below(h[low as usize] / 3 + 1);
        h[low as usize] -= 2 * pairs;
        h[low as usize - 1] += pairs;
        h[low as usize + 1] += pairs;
    }
    Some(h)
}

/// Public-monitoring questionnaires reproducing the `satisfaction` and `informedness` of each row
/// of a 2014-services `services.csv` exactly: per service, a number of respondents (30 to 150,
/// from the seed) rounded up to a multiple of both values' denominators, answers of
/// [`answers_with_mean`]; a question whose value is empty is left empty on every questionnaire,
/// a service with both empty gets none.
pub fn example_surveys(services_csv: &str, seed: u64) -> Result<Vec<SurveySpec>, RawError> {
    let bad = |m: String| RawError::Generate(m);
    let mut rng = Rng::new(seed ^ SURVEY_STREAM);
    let mut r = csv::Reader::from_reader(services_csv.as_bytes());
    let h = r.headers().map_err(|e| bad(e.to_string()))?.clone();
    let at = |name: &str| h.iter().position(|c| c == name);
    let (Some(ib), Some(is), Some(isat), Some(iinf)) = (
        at("body"),
        at("service"),
        at("satisfaction"),
        at("informedness"),
    ) else {
        return Err(bad(
            "services.csv: нет столбцов body, service, satisfaction, informedness".to_string(),
        ));
    };
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let value = |i: usize| -> Result<Option<u64>, RawError> {
            let s = rec.get(i).unwrap_or("").trim();
            if s.is_empty() {
                return Ok(None);
            }
            parse_hundredths(s)
                .filter(|v| *v <= 1000)
                .map(Some)
                .ok_or_else(|| {
                    bad(format!(
                        "services.csv: «{s}» — не балл из 10 с двумя знаками"
                    ))
                })
        };
        let (sat, inf) = (value(isat)?, value(iinf)?);
        if sat.is_none() && inf.is_none() {
            continue;
        }
        let denominator = |v: Option<u64>| v.map_or(1, |v| 100 / gcd(v, 100));
        let (a, b) = (denominator(sat), denominator(inf));
        let step = a / gcd(a, b) * b;
        let n = (30 + rng.below(121)).div_ceil(step) * step;
        let hist = |v: Option<u64>, rng: &mut Rng| -> Result<(Vec<u64>, u64), RawError> {
            match v {
                None => Ok((vec![0; 11], n)),
                Some(v) => answers_with_mean(v, n, rng)
                    .map(|h| (h, 0))
                    .ok_or_else(|| bad(format!("нет ответов со средним {v}/100"))),
            }
        };
        let (satisfaction, satisfaction_empty) = hist(sat, &mut rng)?;
        let (informedness, informedness_empty) = hist(inf, &mut rng)?;
        out.push(SurveySpec {
            body: rec.get(ib).unwrap_or("").to_string(),
            service: rec.get(is).unwrap_or("").to_string(),
            kind: SurveyKind::Public,
            scale: 10,
            satisfaction,
            satisfaction_empty,
            informedness,
            informedness_empty,
        });
    }
    Ok(out)
}

/// A spec whose records aggregate to the delivery inputs of a 2014-services dataset
/// (`bodies.csv` and `services.csv` as text): per body and channel, the totals and late counts of
/// the dataset, connected services (the first half of each body's services) carrying the
/// IS «Мониторинг» late counts, the others the body's reported ones, and the п.20 failure counts
/// inside failure windows. `body_reports` are added by the caller.
pub fn example_2014(
    days: &DayTable,
    bodies_csv: &str,
    services_csv: &str,
    seed: u64,
) -> Result<Spec, RawError> {
    let bad = |m: String| RawError::Generate(m);
    let mut services: Vec<(String, ServiceSpec)> = Vec::new();
    let mut r = csv::Reader::from_reader(services_csv.as_bytes());
    let h = r.headers().map_err(|e| bad(e.to_string()))?.clone();
    let at = |name: &str| h.iter().position(|c| c == name);
    let (Some(ib), Some(is), Some(it)) = (at("body"), at("service"), at("term_days")) else {
        return Err(bad(
            "services.csv: нет столбцов body, service, term_days".to_string()
        ));
    };
    for rec in r.records() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let term = rec.get(it).unwrap_or("").trim().parse::<u32>().unwrap_or(5);
        services.push((
            rec.get(ib).unwrap_or("").to_string(),
            ServiceSpec {
                code: rec.get(is).unwrap_or("").to_string(),
                term,
                calendar_days: false,
                connected: false,
            },
        ));
    }
    let mut r = csv::Reader::from_reader(bodies_csv.as_bytes());
    let h = r.headers().map_err(|e| bad(e.to_string()))?.clone();
    let mut bodies = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let get = |name: &str| -> Option<u64> {
            h.iter()
                .position(|c| c == name)
                .and_then(|i| rec.get(i))
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let id = rec.get(0).unwrap_or("").to_string();
        let mut own: Vec<ServiceSpec> = services
            .iter()
            .filter(|(b, _)| *b == id)
            .map(|(_, s)| s.clone())
            .collect();
        if own.len() < 2 {
            own.push(ServiceSpec {
                code: format!("{id}-other"),
                term: 5,
                calendar_days: false,
                connected: false,
            });
        }
        let half = own.len().div_ceil(2);
        for (i, s) in own.iter_mut().enumerate() {
            s.connected = i < half;
        }
        let mut channels = [ChannelSpec::default(); 4];
        for (ch, prefix) in [(Channel::Psc, "psc"), (Channel::Body, "body")] {
            let t = get(&format!("{prefix}_total")).unwrap_or(0);
            let lr = get(&format!("{prefix}_late_reported")).unwrap_or(0);
            let lm = get(&format!("{prefix}_late_monitoring"));
            channels[ch as usize] = match lm {
                Some(lm) => {
                    if t < lm + lr + 1 {
                        return Err(bad(format!("{id}: {prefix}_total меньше числа нарушений")));
                    }
                    let other = lr + (t - lm - lr) / 2;
                    ChannelSpec {
                        connected: Group {
                            total: t - other,
                            late: lm,
                            ..Group::default()
                        },
                        other: Group {
                            total: other,
                            late: lr,
                            ..Group::default()
                        },
                    }
                }
                None => ChannelSpec {
                    connected: Group::default(),
                    other: Group {
                        total: t,
                        late: lr,
                        ..Group::default()
                    },
                },
            };
        }
        for (ch, prefix) in [(Channel::Portal, "portal"), (Channel::Elicense, "elic")] {
            channels[ch as usize].connected = Group {
                total: get(&format!("{prefix}_total")).unwrap_or(0),
                late: get(&format!("{prefix}_late")).unwrap_or(0),
                ..Group::default()
            };
        }
        // п.20 counts: into the first group of the first channel that can hold them.
        for (prefix, chs) in [
            ("offline", [Channel::Psc, Channel::Body]),
            ("online", [Channel::Portal, Channel::Elicense]),
        ] {
            let f = get(&format!("failure_{prefix}_total")).unwrap_or(0);
            let fl = get(&format!("failure_{prefix}_late")).unwrap_or(0);
            if f == 0 {
                continue;
            }
            let mut placed = false;
            'find: for ch in chs {
                let cs = &mut channels[ch as usize];
                for g in [&mut cs.connected, &mut cs.other] {
                    if g.late >= fl && g.total - g.late >= f - fl {
                        g.failure = f;
                        g.failure_late = fl;
                        placed = true;
                        break 'find;
                    }
                }
            }
            if !placed {
                return Err(bad(format!(
                    "{id}: failure_{prefix}_* не помещаются в одну группу"
                )));
            }
        }
        bodies.push(BodySpec {
            id,
            services: own,
            channels,
            appeals: AppealSpec::default(),
        });
    }
    Ok(Spec {
        period: 2014,
        seed,
        bodies,
        body_reports: Vec::new(),
        failures: failure_windows(days, 2014, 600),
        refusals_per_mille: 20,
        surveys: example_surveys(services_csv, seed)?,
    })
}

/// File format of a generated folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    Csv,
}

/// What a generated folder holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub deliveries: u64,
    pub appeals: u64,
    pub failures: u64,
    pub surveys: u64,
    pub planted: Vec<Planted>,
}

/// Generates a spec into `dir` (`deliveries`, `appeals`, `failures`, `surveys` as Parquet or CSV), streaming:
/// one batch of at most [`CHUNK`] records in memory at a time for Parquet. `planted.csv` lists
/// the differences planted between the IS and the bodies' reports.
pub fn write_folder(
    spec: &Spec,
    days: &DayTable,
    dir: &std::path::Path,
    format: Format,
) -> Result<Written, RawError> {
    use crate::write::{write_csv, ParquetSink};
    std::fs::create_dir_all(dir).map_err(|e| RawError::Io {
        path: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut g = Generator::new(spec, days)?;
    let mut written = Written::default();
    let path = |t: Table| {
        dir.join(format!(
            "{}.{}",
            t.file_stem(),
            if format == Format::Parquet {
                "parquet"
            } else {
                "csv"
            }
        ))
    };
    for table in [Table::Deliveries, Table::Appeals] {
        let mut rows = 0u64;
        let mut kept: Vec<RecordBatch> = Vec::new();
        let mut sink = match format {
            Format::Parquet => Some(ParquetSink::create(table, &path(table))?),
            Format::Csv => None,
        };
        let mut each = |b: RecordBatch| -> Result<(), RawError> {
            rows += b.num_rows() as u64;
            match sink.as_mut() {
                Some(s) => s.write(&b),
                None => {
                    kept.push(b);
                    Ok(())
                }
            }
        };
        if table == Table::Deliveries {
            written.planted = g.deliveries(&mut each)?;
        } else {
            g.appeals(&mut each)?;
        }
        match sink {
            Some(s) => s.finish()?,
            None => write_csv(table, &path(table), &kept)?,
        }
        if table == Table::Deliveries {
            written.deliveries = rows;
        } else {
            written.appeals = rows;
        }
    }
    let f = g.failures()?;
    written.failures = f.num_rows() as u64;
    match format {
        Format::Parquet => {
            let mut s = ParquetSink::create(Table::Failures, &path(Table::Failures))?;
            s.write(&f)?;
            s.finish()?;
        }
        Format::Csv => write_csv(Table::Failures, &path(Table::Failures), &[f])?,
    }
    let mut survey_batches: Vec<RecordBatch> = Vec::new();
    g.surveys(&mut |b| {
        survey_batches.push(b);
        Ok(())
    })?;
    written.surveys = survey_batches.iter().map(|b| b.num_rows() as u64).sum();
    match format {
        Format::Parquet => {
            let mut s = ParquetSink::create(Table::Surveys, &path(Table::Surveys))?;
            for b in &survey_batches {
                s.write(b)?;
            }
            s.finish()?;
        }
        Format::Csv => write_csv(Table::Surveys, &path(Table::Surveys), &survey_batches)?,
    }
    let mut text = String::from("body,service,channel,extra_late,missing\n");
    for p in &written.planted {
        text.push_str(&format!(
            "{},{},{},{},{}\n",
            p.body,
            p.service,
            p.channel.code(),
            p.extra_late,
            p.missing
        ));
    }
    std::fs::write(dir.join("planted.csv"), text).map_err(|e| RawError::Io {
        path: dir.join("planted.csv").display().to_string(),
        message: e.to_string(),
    })?;
    Ok(written)
}
