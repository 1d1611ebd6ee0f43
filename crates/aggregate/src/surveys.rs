//! Survey questionnaires → respondents and sums of answers per body, service, kind of survey and
//! scale, and from them the editions' survey inputs, exactly.
//!
//! **2014 edition, п.26 and п.31 (appendices 7 and 8)**: a service's satisfaction and
//! informedness are points «в зависимости от степени удовлетворенности услугополучателей одним
//! конкретным видом государственной услуги» on a 10-point score; the score of a service is here
//! the arithmetic mean of the answers of the accepted public-monitoring questionnaires
//! (`kind = public`, `scale = 10`) about it — an empty answer is not in the mean. The mean is
//! exact ([`Mean`]): the dataset format takes decimals only, and the edition sets no rounding
//! rule for this score, so a mean that is not a terminating decimal (25/3) is *reported*, never
//! rounded silently ([`Mean::decimal`] gives `None`). A service without questionnaires gets no
//! value: it did not take part (п.27 and п.32 then give the body the mean of the surveyed bodies,
//! in the edition's formulas).
//!
//! **2017 (the Karaganda conclusion, indicator 1.1 and 1.2)**: respondents and kinds of services
//! of the public monitoring per body, all respondents of the public monitoring, respondents of the
//! body's own monitoring, the share of satisfied recipients (%) and the 5-point index
//! ([`body_inputs`], [`body_value`]).
//!
//! Which input each survey measure fills is edition data: the survey entries of the edition's
//! `raw.toml` (`survey_mean`, `survey_respondents`, …; see docs/EDITION-FORMAT.md), read by the
//! methodology loader; this module only computes the measures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::Int64Type;
use bagalau_raw::read::Rejections;
use bagalau_raw::schema::Table;
use bagalau_raw::Reason;
use datafusion::functions_aggregate::expr_fn::{count, sum};
use datafusion::logical_expr::{ident, lit, ScalarUDF};
use datafusion::prelude::{DataFrame, SessionContext};

use crate::{collect, frame, AggregateError, Progress};

/// The group of a questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SurveyKey {
    pub body: String,
    pub service: String,
    /// `public` or `own`.
    pub kind: String,
    /// `10` or `5`.
    pub scale: String,
}

/// Accepted questionnaires of one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SurveyCounts {
    pub respondents: u64,
    /// Answers given to the satisfaction question, and their sum (points).
    pub satisfaction_answers: u64,
    pub satisfaction_sum: u64,
    pub informedness_answers: u64,
    pub informedness_sum: u64,
    /// Answers to «satisfied overall?», and the «yes» among them.
    pub satisfied_answers: u64,
    pub satisfied: u64,
}

/// An exact mean `sum / count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mean {
    pub sum: u64,
    pub count: u64,
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Mean {
    /// A whole number.
    pub fn whole(n: u64) -> Mean {
        Mean { sum: n, count: 1 }
    }

    /// The mean as a decimal (`8.15`, `9`), exactly; `None` when there is nothing to average or
    /// the mean is not a terminating decimal (its reduced denominator has a prime factor other
    /// than 2 and 5).
    pub fn decimal(&self) -> Option<String> {
        if self.count == 0 {
            return None;
        }
        let g = gcd(self.sum, self.count);
        let (p, mut q) = (u128::from(self.sum / g), u128::from(self.count / g));
        let (mut twos, mut fives) = (0u32, 0u32);
        while q.is_multiple_of(2) {
            q /= 2;
            twos += 1;
        }
        while q.is_multiple_of(5) {
            q /= 5;
            fives += 1;
        }
        if q != 1 {
            return None;
        }
        let scale = twos.max(fives);
        let denominator = 2u128
            .checked_pow(twos)?
            .checked_mul(5u128.checked_pow(fives)?)?;
        let scaled = p.checked_mul(10u128.checked_pow(scale)?)? / denominator;
        if scale == 0 {
            return Some(scaled.to_string());
        }
        let unit = 10u128.pow(scale);
        Some(format!(
            "{}.{:0width$}",
            scaled / unit,
            scaled % unit,
            width = scale as usize
        ))
    }

    /// `sum/count` for reports.
    pub fn fraction(&self) -> String {
        format!("{}/{}", self.sum, self.count)
    }
}

/// The logical plan of the survey aggregation: the record rules by `codes` (the reason a
/// questionnaire is refused, `0` when sound), then per body, service, kind, scale, «satisfied»
/// and code: questionnaires, answers and sums of answers. One pass, one small entry per group.
pub fn surveys_plan(df: DataFrame, codes: &ScalarUDF) -> Result<DataFrame, AggregateError> {
    let args = Table::Surveys
        .columns()
        .iter()
        .map(|c| ident(c.name))
        .collect();
    Ok(df.aggregate(
        vec![
            ident("body"),
            ident("service"),
            ident("kind"),
            ident("scale"),
            ident("satisfied"),
            codes.call(args).alias("code"),
        ],
        vec![
            count(lit(1)).alias("n"),
            count(ident("satisfaction")).alias("satisfaction_answers"),
            sum(ident("satisfaction")).alias("satisfaction_sum"),
            count(ident("informedness")).alias("informedness_answers"),
            sum(ident("informedness")).alias("informedness_sum"),
        ],
    )?)
}

fn int64s(batch: &RecordBatch, name: &str) -> Result<Vec<u64>, AggregateError> {
    let a = batch
        .column_by_name(name)
        .and_then(|c| c.as_primitive_opt::<Int64Type>())
        .ok_or_else(|| AggregateError::Engine(format!("нет столбца {name}")))?;
    // A sum over no answers is empty: zero answers, zero points.
    Ok((0..a.len())
        .map(|i| {
            if a.is_valid(i) {
                u64::try_from(a.value(i)).unwrap_or(0)
            } else {
                0
            }
        })
        .collect())
}

/// Runs [`surveys_plan`] over a survey file and adds its groups; refused questionnaires are
/// counted in `rejections` by reason.
pub async fn aggregate_surveys(
    ctx: &SessionContext,
    path: &Path,
    codes: &ScalarUDF,
    rejections: &mut Rejections,
    progress: &Progress,
) -> Result<BTreeMap<SurveyKey, SurveyCounts>, AggregateError> {
    let df = frame(ctx, path, Table::Surveys, rejections, progress).await?;
    let mut out = BTreeMap::new();
    for batch in collect(surveys_plan(df, codes)?).await? {
        add(&mut out, rejections, &batch)?;
    }
    Ok(out)
}

fn add(
    out: &mut BTreeMap<SurveyKey, SurveyCounts>,
    rejections: &mut Rejections,
    batch: &RecordBatch,
) -> Result<(), AggregateError> {
    let text = |name: &str| crate::strings(batch, name);
    let (body, service, kind, scale) = (
        text("body")?,
        text("service")?,
        text("kind")?,
        text("scale")?,
    );
    let satisfied = batch
        .column_by_name("satisfied")
        .and_then(|c| c.as_boolean_opt())
        .ok_or_else(|| AggregateError::Engine("нет столбца satisfied".to_string()))?;
    let (code, n) = crate::code_and_n(batch)?;
    let sa = int64s(batch, "satisfaction_answers")?;
    let ss = int64s(batch, "satisfaction_sum")?;
    let ia = int64s(batch, "informedness_answers")?;
    let is = int64s(batch, "informedness_sum")?;
    for i in 0..batch.num_rows() {
        let reason = (code[i] & crate::udf::REASON_MASK) as u8;
        if reason != 0 {
            let reason = Reason::from_code(reason).unwrap_or(Reason::Missing);
            rejections.refuse(Table::Surveys, reason, None, n[i]);
            continue;
        }
        rejections.accept(Table::Surveys, n[i]);
        let key = SurveyKey {
            body: body[i].clone().unwrap_or_default(),
            service: service[i].clone().unwrap_or_default(),
            kind: kind[i].clone().unwrap_or_default(),
            scale: scale[i].clone().unwrap_or_default(),
        };
        let c = out.entry(key).or_default();
        c.respondents += n[i];
        c.satisfaction_answers += sa[i];
        c.satisfaction_sum += ss[i];
        c.informedness_answers += ia[i];
        c.informedness_sum += is[i];
        if satisfied.is_valid(i) {
            c.satisfied_answers += n[i];
            if satisfied.value(i) {
                c.satisfied += n[i];
            }
        }
    }
    Ok(())
}

/// Refuses the questionnaires about a service that is not in the list of the body's services
/// (the dataset's per-service table): their groups leave the counts and are counted as refused
/// ([`Reason::UnknownService`]), so accepted + refused stays the number read. Returns the
/// (body, service) pairs refused.
pub fn refuse_unknown_services(
    surveys: &mut BTreeMap<SurveyKey, SurveyCounts>,
    rejections: &mut Rejections,
    known: &BTreeSet<(String, String)>,
) -> Vec<(String, String)> {
    let mut refused = BTreeSet::new();
    surveys.retain(|k, c| {
        if known.contains(&(k.body.clone(), k.service.clone())) {
            return true;
        }
        if let Some(a) = rejections.accepted.get_mut(&Table::Surveys) {
            *a = a.saturating_sub(c.respondents);
        }
        rejections.refuse(Table::Surveys, Reason::UnknownService, None, c.respondents);
        refused.insert((k.body.clone(), k.service.clone()));
        false
    });
    refused.into_iter().collect()
}

pub use bagalau_methodology::raw_inputs::{
    RawInput, RawMeasure, SurveyKind, SurveyQuestion, SurveyScale,
};

/// The per-service survey inputs of an edition's `raw.toml` entries: survey means on columns of
/// the table of services (matched by body and service code).
pub fn service_inputs(entries: &[RawInput]) -> Vec<&RawInput> {
    entries
        .iter()
        .filter(|r| r.table.is_some() && r.measure.is_survey())
        .collect()
}

/// The per-body survey inputs of an edition's `raw.toml` entries (columns of `bodies.csv`).
pub fn body_inputs(entries: &[RawInput]) -> Vec<&RawInput> {
    entries
        .iter()
        .filter(|r| r.table.is_none() && r.measure.is_survey())
        .collect()
}

/// Picks (sum of answers, answers) of one question.
fn answers(c: &SurveyCounts, q: SurveyQuestion) -> (u64, u64) {
    match q {
        SurveyQuestion::Satisfaction => (c.satisfaction_sum, c.satisfaction_answers),
        SurveyQuestion::Informedness => (c.informedness_sum, c.informedness_answers),
    }
}

/// Whether a group is of this kind and scale.
fn of(k: &SurveyKey, kind: SurveyKind, scale: Option<SurveyScale>) -> bool {
    k.kind == kind.code() && scale.is_none_or(|s| k.scale == s.code())
}

/// The exact mean of a per-service survey input; `None` when the service has no answers to that
/// question (it did not take part) or the measure is not a survey mean.
pub fn service_value(
    surveys: &BTreeMap<SurveyKey, SurveyCounts>,
    body: &str,
    service: &str,
    m: &RawMeasure,
) -> Option<Mean> {
    let RawMeasure::SurveyMean {
        question,
        kind,
        scale,
    } = *m
    else {
        return None;
    };
    let (mut s, mut n) = (0u64, 0u64);
    for (k, c) in surveys {
        if k.body == body && k.service == service && of(k, kind, Some(scale)) {
            let (a, b) = answers(c, question);
            s = s.checked_add(a)?;
            n = n.checked_add(b)?;
        }
    }
    (n > 0).then_some(Mean { sum: s, count: n })
}

/// The exact value of a per-body survey input (`None`: left empty, or not a survey measure).
pub fn body_value(
    surveys: &BTreeMap<SurveyKey, SurveyCounts>,
    body: &str,
    m: &RawMeasure,
) -> Option<Mean> {
    // Sum of `field` over the groups of a kind (and scale) of this body, or of every body.
    let total = |kind: SurveyKind,
                 scale: Option<SurveyScale>,
                 all: bool,
                 field: &dyn Fn(&SurveyCounts) -> u64| {
        let mut t = 0u64;
        for (k, c) in surveys {
            if of(k, kind, scale) && (all || k.body == body) {
                t = t.checked_add(field(c))?;
            }
        }
        Some(t)
    };
    match *m {
        RawMeasure::SurveyRespondents(kind) => {
            let n = total(kind, None, false, &|c| c.respondents)?;
            // The body's own monitoring: no questionnaires, it ran none.
            (kind == SurveyKind::Public || n > 0).then_some(Mean::whole(n))
        }
        RawMeasure::SurveyRespondentsAll(kind) => {
            total(kind, None, true, &|c| c.respondents).map(Mean::whole)
        }
        RawMeasure::SurveyServiceKinds(kind) => {
            let kinds: BTreeSet<&str> = surveys
                .keys()
                .filter(|k| of(k, kind, None) && k.body == body)
                .map(|k| k.service.as_str())
                .collect();
            Some(Mean::whole(kinds.len() as u64))
        }
        RawMeasure::SurveySatisfiedShare(kind) => {
            let yes = total(kind, None, false, &|c| c.satisfied)?;
            let n = total(kind, None, false, &|c| c.satisfied_answers)?;
            (n > 0).then_some(Mean {
                sum: yes.checked_mul(100)?,
                count: n,
            })
        }
        RawMeasure::SurveyMean {
            question,
            kind,
            scale,
        } => {
            let s = total(kind, Some(scale), false, &|c| answers(c, question).0)?;
            let n = total(kind, Some(scale), false, &|c| answers(c, question).1)?;
            (n > 0).then_some(Mean { sum: s, count: n })
        }
        _ => None,
    }
}

/// Accepted questionnaires that no survey input of the edition's entries uses (another kind of
/// survey or another scale than its inputs take; every one for an edition without survey
/// inputs), so the report can say so rather than leave them out silently.
pub fn unused_respondents(
    surveys: &BTreeMap<SurveyKey, SurveyCounts>,
    entries: &[RawInput],
) -> u64 {
    let used = |k: &SurveyKey| {
        entries.iter().any(|r| match r.measure {
            RawMeasure::SurveyMean { kind, scale, .. } => of(k, kind, Some(scale)),
            _ => r
                .measure
                .survey_kind()
                .is_some_and(|kind| of(k, kind, None)),
        })
    };
    surveys
        .iter()
        .filter(|(k, _)| !used(k))
        .map(|(_, c)| c.respondents)
        .fold(0u64, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_mean_terminating_or_reported() {
        let m = |sum, count| Mean { sum, count }.decimal();
        assert_eq!(m(163, 20).as_deref(), Some("8.15"));
        assert_eq!(m(945, 100).as_deref(), Some("9.45"));
        assert_eq!(m(90, 10).as_deref(), Some("9"));
        assert_eq!(m(0, 7).as_deref(), Some("0"));
        assert_eq!(m(1, 8).as_deref(), Some("0.125"));
        assert_eq!(m(7, 1024).as_deref(), Some("0.0068359375"));
        // Not terminating: reported, never rounded.
        assert_eq!(m(25, 3), None);
        assert_eq!(m(10, 7), None);
        assert_eq!(m(3, 0), None);
        // Reduced first: 30/12 = 5/2.
        assert_eq!(m(30, 12).as_deref(), Some("2.5"));
        assert_eq!(Mean { sum: 25, count: 3 }.fraction(), "25/3");
    }

    fn key(body: &str, service: &str, kind: &str, scale: &str) -> SurveyKey {
        SurveyKey {
            body: body.into(),
            service: service.into(),
            kind: kind.into(),
            scale: scale.into(),
        }
    }

    fn counts(n: u64, sum: u64, satisfied: u64) -> SurveyCounts {
        SurveyCounts {
            respondents: n,
            satisfaction_answers: n,
            satisfaction_sum: sum,
            informedness_answers: n - 1,
            informedness_sum: sum / 2,
            satisfied_answers: n,
            satisfied,
        }
    }

    #[test]
    fn per_service_and_per_body_values() {
        let mut s = BTreeMap::new();
        s.insert(key("MJ", "a", "public", "10"), counts(20, 163, 15));
        s.insert(key("MJ", "a", "own", "10"), counts(50, 400, 40));
        s.insert(key("MJ", "b", "public", "5"), counts(8, 36, 6));
        s.insert(key("MF", "c", "public", "5"), counts(12, 48, 9));
        let mean = |question, kind, scale| RawMeasure::SurveyMean {
            question,
            kind,
            scale,
        };
        let (sat, inf) = (SurveyQuestion::Satisfaction, SurveyQuestion::Informedness);
        let (public, own) = (SurveyKind::Public, SurveyKind::Own);
        let sat10 = mean(sat, public, SurveyScale::Ten);
        // The own survey is not in the public score.
        assert_eq!(
            service_value(&s, "MJ", "a", &sat10),
            Some(Mean {
                sum: 163,
                count: 20
            })
        );
        assert_eq!(service_value(&s, "MJ", "b", &sat10), None);
        assert_eq!(
            service_value(&s, "MJ", "a", &mean(inf, public, SurveyScale::Ten)),
            Some(Mean { sum: 81, count: 19 })
        );
        assert_eq!(
            service_value(&s, "MJ", "a", &mean(sat, own, SurveyScale::Ten)),
            Some(Mean {
                sum: 400,
                count: 50
            })
        );
        assert_eq!(
            service_value(&s, "MJ", "a", &RawMeasure::SurveyRespondents(public)),
            None
        );
        let v = |body, m: RawMeasure| body_value(&s, body, &m).and_then(|x| x.decimal());
        assert_eq!(
            v("MJ", RawMeasure::SurveyRespondents(public)).as_deref(),
            Some("28")
        );
        assert_eq!(
            v("MJ", RawMeasure::SurveyServiceKinds(public)).as_deref(),
            Some("2")
        );
        assert_eq!(
            v("MJ", RawMeasure::SurveyRespondentsAll(public)).as_deref(),
            Some("40")
        );
        assert_eq!(
            v("MJ", RawMeasure::SurveyRespondents(own)).as_deref(),
            Some("50")
        );
        assert_eq!(v("MF", RawMeasure::SurveyRespondents(own)), None);
        // (15 + 6) / 28 = 75 %.
        assert_eq!(
            v("MJ", RawMeasure::SurveySatisfiedShare(public)).as_deref(),
            Some("75")
        );
        // 36 / 8 on the 5-point scale only.
        assert_eq!(
            v("MJ", mean(sat, public, SurveyScale::Five)).as_deref(),
            Some("4.5")
        );
        assert_eq!(v("XX", RawMeasure::SurveySatisfiedShare(public)), None);
        assert_eq!(
            v("XX", RawMeasure::SurveyRespondents(public)).as_deref(),
            Some("0")
        );
        assert_eq!(v("MJ", RawMeasure::ServiceKinds), None);
    }

    fn edition(id: &str) -> bagalau_methodology::Edition {
        bagalau_methodology::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../methodologies")
                .join(id),
        )
        .unwrap()
    }

    /// The editions' `raw.toml` survey entries: 2014 the per-service means of the public
    /// monitoring on 10 points, 2017 six body inputs, 2018 none.
    #[test]
    fn survey_inputs_of_the_editions() {
        let ed = edition("2014-services");
        let per_service = service_inputs(&ed.raw_inputs);
        let got: Vec<(&str, &RawMeasure)> = per_service
            .iter()
            .map(|r| (r.input.as_str(), &r.measure))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "satisfaction",
                    &RawMeasure::SurveyMean {
                        question: SurveyQuestion::Satisfaction,
                        kind: SurveyKind::Public,
                        scale: SurveyScale::Ten
                    }
                ),
                (
                    "informedness",
                    &RawMeasure::SurveyMean {
                        question: SurveyQuestion::Informedness,
                        kind: SurveyKind::Public,
                        scale: SurveyScale::Ten
                    }
                ),
            ]
        );
        assert!(per_service
            .iter()
            .all(|r| r.table.as_deref() == Some("services")));
        assert!(body_inputs(&ed.raw_inputs).is_empty());
        let ed = edition("2017-services");
        assert!(service_inputs(&ed.raw_inputs).is_empty());
        let codes: Vec<&str> = body_inputs(&ed.raw_inputs)
            .iter()
            .map(|r| r.input.as_str())
            .collect();
        assert_eq!(
            codes,
            [
                "survey_respondents",
                "survey_service_kinds",
                "monitoring_respondents",
                "own_survey_respondents",
                "satisfied_share",
                "satisfaction_index"
            ]
        );
        let ed = edition("2018-interaction");
        assert!(
            service_inputs(&ed.raw_inputs).is_empty() && body_inputs(&ed.raw_inputs).is_empty()
        );
    }

    #[test]
    fn unused_questionnaires_are_counted() {
        let mut s = BTreeMap::new();
        s.insert(key("MJ", "a", "public", "10"), counts(20, 163, 15));
        s.insert(key("MJ", "a", "own", "10"), counts(50, 400, 40));
        s.insert(key("MJ", "b", "public", "5"), counts(8, 36, 6));
        // 2014 scores the public monitoring on 10 points only.
        assert_eq!(
            unused_respondents(&s, &edition("2014-services").raw_inputs),
            58
        );
        // 2017 counts every public and own questionnaire.
        assert_eq!(
            unused_respondents(&s, &edition("2017-services").raw_inputs),
            0
        );
        assert_eq!(
            unused_respondents(&s, &edition("2018-interaction").raw_inputs),
            78
        );
    }

    #[test]
    fn unknown_services_move_to_refused() {
        let mut s = BTreeMap::new();
        s.insert(key("MJ", "a", "public", "10"), counts(20, 163, 15));
        s.insert(key("MJ", "zz", "public", "10"), counts(7, 50, 5));
        let mut r = Rejections::default();
        r.accept(Table::Surveys, 27);
        let known: BTreeSet<(String, String)> = [("MJ".to_string(), "a".to_string())].into();
        let refused = refuse_unknown_services(&mut s, &mut r, &known);
        assert_eq!(refused, vec![("MJ".to_string(), "zz".to_string())]);
        assert_eq!(s.len(), 1);
        assert_eq!(r.accepted[&Table::Surveys], 20);
        assert_eq!(r.refused_of(Table::Surveys, Reason::UnknownService), 7);
    }
}

#[cfg(test)]
mod generated {
    use bagalau_raw::days::DayTable;
    use bagalau_raw::generate::{national_2020, write_folder, Format, Scale, SurveySpec};

    use crate::{aggregate_blocking, Options, Progress};

    /// Parquet through the plan: questionnaires the CSV reader would have refused (an answer of
    /// 11 and of -3 on the 10-point scale), written directly, are refused by the plan under
    /// their reason and left out of the sums.
    #[test]
    fn parquet_questionnaires_refused_by_the_plan_are_counted() {
        use bagalau_raw::schema::Table;
        use bagalau_raw::Reason;
        let text = "id,kind,body,service,surveyed,scale,satisfaction,informedness,satisfied\n\
                    1,public,MJ,a,2014-05-14 10:00:00,10,9,8,true\n\
                    2,public,MJ,a,2014-05-14 11:00:00,10,6,,false\n\
                    3,public,MJ,a,2014-05-14 12:00:00,10,8,7,true\n";
        let loaded = bagalau_raw::read_csv(Table::Surveys, "s.csv", text.as_bytes()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("deliveries.csv"),
            "id,source,service,body,unit,channel,submitted,term,term_unit,completed,status,refusal_ground,connected\n",
        )
        .unwrap();
        let mut sink = bagalau_raw::write::ParquetSink::create(
            Table::Surveys,
            &dir.path().join("surveys.parquet"),
        )
        .unwrap();
        sink.write(&loaded.batches[0]).unwrap();
        let b = &loaded.batches[0];
        let at = Table::Surveys.index("satisfaction").unwrap();
        let mut cols = b.columns().to_vec();
        cols[at] = std::sync::Arc::new(arrow::array::Int32Array::from(vec![11, 5, -3]));
        sink.write(&arrow::array::RecordBatch::try_new(b.schema(), cols).unwrap())
            .unwrap();
        sink.finish().unwrap();
        let agg =
            aggregate_blocking(dir.path(), &Options::default(), &Progress::default()).unwrap();
        let r = &agg.rejections;
        assert_eq!(r.refused_of(Table::Surveys, Reason::AnswerOutOfScale), 2);
        assert_eq!(r.accepted[&Table::Surveys], 4);
        let c = agg.surveys.values().next().copied().unwrap();
        assert_eq!(agg.surveys.len(), 1);
        // 9 + 6 + 8 from the first batch, 5 from the second.
        assert_eq!(
            (c.respondents, c.satisfaction_sum, c.satisfaction_answers),
            (4, 28, 4)
        );
        assert_eq!((c.informedness_sum, c.informedness_answers), (15, 2));
        assert_eq!((c.satisfied, c.satisfied_answers), (2, 4));
    }

    /// The questionnaires of the national generator (Parquet, through the plan) aggregate to
    /// exactly the spec's respondents and sums, every one accepted.
    #[test]
    fn generated_surveys_aggregate_to_the_spec() {
        let days = DayTable::embedded().unwrap();
        let spec = national_2020(&days, Scale::Records(500), 3);
        let dir = tempfile::tempdir().unwrap();
        let w = write_folder(&spec, &days, dir.path(), Format::Parquet).unwrap();
        let agg =
            aggregate_blocking(dir.path(), &Options::default(), &Progress::default()).unwrap();
        let accepted = agg.rejections.accepted[&bagalau_raw::Table::Surveys];
        assert_eq!(accepted, w.surveys);
        assert_eq!(agg.rejections.total_refused(), 0);
        assert!(w.surveys > bagalau_raw::generate::RESPONDENTS);
        for sv in &spec.surveys {
            let c = agg
                .surveys
                .iter()
                .find(|(k, _)| {
                    k.body == sv.body && k.service == sv.service && k.kind == sv.kind.code()
                })
                .map(|(_, c)| *c)
                .expect("aggregated");
            assert_eq!(c.respondents, sv.respondents(), "{sv:?}");
            assert_eq!(c.satisfaction_sum, SurveySpec::sum(&sv.satisfaction));
            assert_eq!(c.satisfaction_answers, sv.satisfaction.iter().sum::<u64>());
            assert_eq!(c.informedness_sum, SurveySpec::sum(&sv.informedness));
            assert_eq!(c.informedness_answers, sv.informedness.iter().sum::<u64>());
            let satisfied: u64 = sv.satisfaction[sv.satisfied_from() as usize..].iter().sum();
            assert_eq!(c.satisfied, satisfied);
        }
    }
}
