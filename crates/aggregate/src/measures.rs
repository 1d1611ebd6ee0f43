//! Counts → the values of an edition's inputs, with exact integers.
//!
//! **п.19 precedence, per service**: a delivery counts from IS «Мониторинг» when its service is
//! connected to it, from the body's report otherwise ([`chosen`]). Records of the other source
//! (the body's own report of a connected service) feed only the [`discrepancies`].
//! **п.20**: deliveries completed during a documented failure are counted separately
//! (`failure_*` inputs), which the 2014 edition subtracts. **2017, п.37**: services with a term of
//! one working day are left out of the timeliness counts.

use std::collections::{BTreeMap, BTreeSet};

use crate::{Aggregation, AppealCounts, DeliveryCounts, DeliveryKey};

/// Whether a record of this key is the one п.19 makes count.
pub fn chosen(key: &DeliveryKey) -> bool {
    if key.connected {
        key.source == "is"
    } else {
        key.source == "body"
    }
}

/// What an input is, computed from the counts of one body: the measures an edition's
/// `raw.toml` names, with their channels or source of records.
pub use bagalau_methodology::raw_inputs::{
    RawChannel as Channel, RawInput, RawMeasure as Measure, RecordSource,
};

/// The bodies that appear in the sound records.
pub fn bodies(agg: &Aggregation) -> BTreeSet<String> {
    agg.deliveries
        .keys()
        .map(|k| k.body.clone())
        .chain(agg.appeals.keys().cloned())
        .collect()
}

fn sum<'a>(
    agg: &'a Aggregation,
    body: &'a str,
    keep: impl Fn(&DeliveryKey) -> bool + 'a,
) -> impl Iterator<Item = (&'a DeliveryKey, &'a DeliveryCounts)> + 'a {
    agg.deliveries
        .iter()
        .filter(move |(k, _)| k.body == body && chosen(k) && keep(k))
}

fn has(chs: &[Channel], channel: &str) -> bool {
    chs.iter().any(|c| c.code() == channel)
}

/// The value of a measure for a body (`None`: the input is left empty).
pub fn value(agg: &Aggregation, body: &str, m: &Measure) -> Option<u64> {
    let in_ch = |chs: &[Channel]| {
        let chs = chs.to_vec();
        move |k: &DeliveryKey| has(&chs, &k.channel)
    };
    let total =
        |it: &mut dyn Iterator<Item = (&DeliveryKey, &DeliveryCounts)>,
         f: fn(&DeliveryCounts) -> u64| { it.map(|(_, c)| f(c)).sum::<u64>() };
    let kinds = |keep: &dyn Fn(&DeliveryKey, &DeliveryCounts) -> bool| {
        sum(agg, body, |_| true)
            .filter(|(k, c)| c.total > 0 && keep(k, c))
            .map(|(k, _)| k.service.as_str())
            .collect::<BTreeSet<_>>()
            .len() as u64
    };
    let appeals = agg
        .appeals
        .get(body)
        .copied()
        .unwrap_or(AppealCounts::default());
    match m {
        Measure::Completed(chs) => Some(total(&mut sum(agg, body, in_ch(chs)), |c| c.total)),
        Measure::Late(chs) => Some(total(&mut sum(agg, body, in_ch(chs)), |c| c.late)),
        Measure::LateReported(chs) => Some(total(
            &mut sum(agg, body, |k| !k.connected && has(chs, &k.channel)),
            |c| c.late,
        )),
        Measure::LateMonitoring(chs) => {
            let mut any = false;
            let late = sum(agg, body, |k| k.connected && has(chs, &k.channel))
                .map(|(_, c)| {
                    any |= c.total > 0;
                    c.late
                })
                .sum();
            any.then_some(late)
        }
        Measure::FailureCompleted(chs) => {
            let n = total(&mut sum(agg, body, in_ch(chs)), |c| c.failure);
            (n > 0).then_some(n)
        }
        Measure::FailureLate(chs) => {
            let n = total(&mut sum(agg, body, in_ch(chs)), |c| c.failure);
            (n > 0).then(|| total(&mut sum(agg, body, in_ch(chs)), |c| c.failure_late))
        }
        Measure::OneDayCompleted => Some(total(&mut sum(agg, body, |_| true), |c| c.one_day)),
        Measure::LateWithoutOneDay(source) => Some(total(
            &mut sum(agg, body, |k| {
                k.connected == (*source == RecordSource::Monitoring)
            }),
            |c| c.late.saturating_sub(c.one_day_late),
        )),
        Measure::ServiceKinds => Some(kinds(&|_, _| true)),
        Measure::OneDayKinds => Some(kinds(&|_, c| c.one_day > 0)),
        Measure::KindsVia(chs) => Some(kinds(&|k, _| has(chs, &k.channel))),
        Measure::KindsPscNotPortal => {
            let portal: BTreeSet<&str> = sum(agg, body, |k| k.channel == "portal")
                .filter(|(_, c)| c.total > 0)
                .map(|(k, _)| k.service.as_str())
                .collect();
            Some(kinds(&|k, _| {
                k.channel == "psc" && !portal.contains(k.service.as_str())
            }))
        }
        Measure::Complaints => Some(appeals.complaints),
        Measure::ComplaintsLate => Some(appeals.complaints_late),
        Measure::RepeatedJustified => Some(appeals.repeated_justified),
        Measure::Satisfied => Some(appeals.satisfied),
        // Survey measures come from the questionnaires (`surveys::service_value`,
        // `surveys::body_value`), not from deliveries.
        Measure::SurveyMean { .. }
        | Measure::SurveyRespondents(_)
        | Measure::SurveyRespondentsAll(_)
        | Measure::SurveyServiceKinds(_)
        | Measure::SurveySatisfiedShare(_) => None,
    }
}

/// Every input an edition's `raw.toml` maps, for every body: body → [(input, value)], in the
/// order of `raw`.
pub fn inputs<'a>(
    agg: &Aggregation,
    raw: &'a [RawInput],
) -> BTreeMap<String, Vec<(&'a str, Option<u64>)>> {
    bodies(agg)
        .into_iter()
        .map(|b| {
            let values = raw
                .iter()
                .map(|r| (r.input.as_str(), value(agg, &b, &r.measure)))
                .collect();
            (b, values)
        })
        .collect()
}

/// A body, service and channel where the body's own report of a connected service differs from
/// IS «Мониторинг».
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Discrepancy {
    pub body: String,
    pub service: String,
    pub channel: String,
    pub is_total: u64,
    pub is_late: u64,
    pub body_total: u64,
    pub body_late: u64,
}

/// Every (body, service, channel) with both sources for a connected service whose completed or
/// late counts differ.
pub fn discrepancies(agg: &Aggregation) -> Vec<Discrepancy> {
    let mut both: BTreeMap<(&str, &str, &str), [Option<DeliveryCounts>; 2]> = BTreeMap::new();
    for (k, c) in &agg.deliveries {
        if !k.connected {
            continue;
        }
        let slot = usize::from(k.source == "body");
        both.entry((&k.body, &k.service, &k.channel)).or_default()[slot] = Some(*c);
    }
    both.into_iter()
        .filter_map(|((b, s, ch), [is, own])| {
            let (is, own) = (is?, own?);
            (is.total != own.total || is.late != own.late).then(|| Discrepancy {
                body: b.to_string(),
                service: s.to_string(),
                channel: ch.to_string(),
                is_total: is.total,
                is_late: is.late,
                body_total: own.total,
                body_late: own.late,
            })
        })
        .collect()
}

/// Per body, service and channel: the counted deliveries (by precedence).
pub fn per_service(agg: &Aggregation) -> Vec<(&DeliveryKey, &DeliveryCounts)> {
    agg.deliveries.iter().filter(|(k, _)| chosen(k)).collect()
}
