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

/// What an input is, computed from the counts of one body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Completed deliveries through these channels.
    Total(&'static [&'static str]),
    /// Late deliveries through these channels (both sources, by precedence).
    Late(&'static [&'static str]),
    /// Late deliveries of non-connected services (the body's report).
    LateReported(&'static [&'static str]),
    /// Late deliveries of connected services (IS «Мониторинг»); empty when the body has no
    /// connected service in these channels.
    LateMonitoring(&'static [&'static str]),
    /// Completed during a documented failure (п.20); empty when none.
    FailureTotal(&'static [&'static str]),
    /// Late among those; empty when no delivery fell in a failure.
    FailureLate(&'static [&'static str]),
    /// Completed deliveries with a one-working-day term.
    OneDayTotal,
    /// Late deliveries other than one-working-day terms, by source (true: IS «Мониторинг»).
    LateWithoutOneDay {
        monitoring: bool,
    },
    /// Kinds of services with deliveries.
    ServiceKinds,
    /// Kinds of services with a one-working-day term.
    OneDayKinds,
    /// Kinds of services delivered through a channel.
    KindsVia(&'static str),
    /// Kinds delivered through the State Corporation and not the portal.
    KindsPscNotPortal,
    /// Appeals: complaints and statements answered; late among them; repeated and justified;
    /// satisfied.
    Complaints,
    ComplaintsLate,
    RepeatedJustified,
    Satisfied,
}

const ALL: &[&str] = &["portal", "psc", "body", "elicense"];
const OFFLINE: &[&str] = &["psc", "body"];
const ONLINE: &[&str] = &["portal", "elicense"];

/// The inputs of an edition that raw records define, by edition id.
pub fn mapping(edition: &str) -> &'static [(&'static str, Measure)] {
    match edition {
        "2014-services" => &[
            ("psc_total", Measure::Total(&["psc"])),
            ("psc_late_reported", Measure::LateReported(&["psc"])),
            ("psc_late_monitoring", Measure::LateMonitoring(&["psc"])),
            ("body_total", Measure::Total(&["body"])),
            ("body_late_reported", Measure::LateReported(&["body"])),
            ("body_late_monitoring", Measure::LateMonitoring(&["body"])),
            ("portal_total", Measure::Total(&["portal"])),
            ("portal_late", Measure::Late(&["portal"])),
            ("elic_total", Measure::Total(&["elicense"])),
            ("elic_late", Measure::Late(&["elicense"])),
            ("failure_offline_total", Measure::FailureTotal(OFFLINE)),
            ("failure_offline_late", Measure::FailureLate(OFFLINE)),
            ("failure_online_total", Measure::FailureTotal(ONLINE)),
            ("failure_online_late", Measure::FailureLate(ONLINE)),
            ("services_delivered", Measure::Total(ALL)),
        ],
        "2017-services" => &[
            ("service_kinds", Measure::ServiceKinds),
            ("services_body", Measure::Total(&["body"])),
            ("services_psc", Measure::Total(&["psc"])),
            ("services_electronic", Measure::Total(ONLINE)),
            ("one_day_service_kinds", Measure::OneDayKinds),
            ("services_one_day", Measure::OneDayTotal),
            (
                "timeliness_reported",
                Measure::LateWithoutOneDay { monitoring: false },
            ),
            (
                "timeliness_monitoring",
                Measure::LateWithoutOneDay { monitoring: true },
            ),
        ],
        "2018-interaction" => &[
            ("svc_total", Measure::Total(ALL)),
            ("svc_late", Measure::Late(ALL)),
            ("svc_kinds_total", Measure::ServiceKinds),
            ("svc_kinds_portal", Measure::KindsVia("portal")),
            ("svc_kinds_psc", Measure::KindsPscNotPortal),
            ("cmp_total", Measure::Complaints),
            ("cmp_late", Measure::ComplaintsLate),
            ("cmp_repeat_justified", Measure::RepeatedJustified),
            ("cmp_satisfied", Measure::Satisfied),
        ],
        _ => &[],
    }
}

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

/// The value of a measure for a body (`None`: the input is left empty).
pub fn value(agg: &Aggregation, body: &str, m: Measure) -> Option<u64> {
    let in_ch =
        |chs: &'static [&'static str]| move |k: &DeliveryKey| chs.contains(&k.channel.as_str());
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
        Measure::Total(chs) => Some(total(&mut sum(agg, body, in_ch(chs)), |c| c.total)),
        Measure::Late(chs) => Some(total(&mut sum(agg, body, in_ch(chs)), |c| c.late)),
        Measure::LateReported(chs) => Some(total(
            &mut sum(agg, body, move |k| {
                !k.connected && chs.contains(&k.channel.as_str())
            }),
            |c| c.late,
        )),
        Measure::LateMonitoring(chs) => {
            let mut any = false;
            let late = sum(agg, body, move |k| {
                k.connected && chs.contains(&k.channel.as_str())
            })
            .map(|(_, c)| {
                any |= c.total > 0;
                c.late
            })
            .sum();
            any.then_some(late)
        }
        Measure::FailureTotal(chs) => {
            let n = total(&mut sum(agg, body, in_ch(chs)), |c| c.failure);
            (n > 0).then_some(n)
        }
        Measure::FailureLate(chs) => {
            let n = total(&mut sum(agg, body, in_ch(chs)), |c| c.failure);
            (n > 0).then(|| total(&mut sum(agg, body, in_ch(chs)), |c| c.failure_late))
        }
        Measure::OneDayTotal => Some(total(&mut sum(agg, body, |_| true), |c| c.one_day)),
        Measure::LateWithoutOneDay { monitoring } => Some(total(
            &mut sum(agg, body, move |k| k.connected == monitoring),
            |c| c.late - c.one_day_late,
        )),
        Measure::ServiceKinds => Some(kinds(&|_, _| true)),
        Measure::OneDayKinds => Some(kinds(&|_, c| c.one_day > 0)),
        Measure::KindsVia(ch) => Some(kinds(&|k, _| k.channel == ch)),
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
    }
}

/// Every mapped input of an edition for every body: body → [(input, value)].
pub fn inputs(
    agg: &Aggregation,
    edition: &str,
) -> BTreeMap<String, Vec<(&'static str, Option<u64>)>> {
    bodies(agg)
        .into_iter()
        .map(|b| {
            let values = mapping(edition)
                .iter()
                .map(|(code, m)| (*code, value(agg, &b, *m)))
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
