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

/// What a per-service input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceMeasure {
    /// Mean satisfaction answer of the public monitoring on this scale.
    Satisfaction { scale: &'static str },
    /// Mean informedness answer of the public monitoring on this scale.
    Informedness { scale: &'static str },
}

/// The per-service inputs raw survey records define, by edition id (columns of the edition's
/// per-service table, matched by body and service code).
pub fn service_inputs(edition: &str) -> &'static [(&'static str, ServiceMeasure)] {
    match edition {
        "2014-services" => &[
            ("satisfaction", ServiceMeasure::Satisfaction { scale: "10" }),
            ("informedness", ServiceMeasure::Informedness { scale: "10" }),
        ],
        _ => &[],
    }
}

/// Picks (sum of answers, answers) of one question.
type AnswerSum = fn(&SurveyCounts) -> (u64, u64);

/// The exact mean of a per-service input; `None` when the service has no answers to that
/// question (it did not take part).
pub fn service_value(
    surveys: &BTreeMap<SurveyKey, SurveyCounts>,
    body: &str,
    service: &str,
    m: ServiceMeasure,
) -> Option<Mean> {
    let (scale, pick): (&str, AnswerSum) = match m {
        ServiceMeasure::Satisfaction { scale } => {
            (scale, |c| (c.satisfaction_sum, c.satisfaction_answers))
        }
        ServiceMeasure::Informedness { scale } => {
            (scale, |c| (c.informedness_sum, c.informedness_answers))
        }
    };
    let (mut s, mut n) = (0u64, 0u64);
    for (k, c) in surveys {
        if k.body == body && k.service == service && k.kind == "public" && k.scale == scale {
            let (a, b) = pick(c);
            s = s.checked_add(a)?;
            n = n.checked_add(b)?;
        }
    }
    (n > 0).then_some(Mean { sum: s, count: n })
}

/// What a per-body survey input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMeasure {
    /// Questionnaires of the public monitoring about the body's services.
    PublicRespondents,
    /// Kinds of the body's services with public-monitoring questionnaires.
    PublicServiceKinds,
    /// Questionnaires of the public monitoring about every body's services.
    AllPublicRespondents,
    /// Questionnaires of the body's own monitoring; empty when it ran none.
    OwnRespondents,
    /// Share of «satisfied» among the answers of the public monitoring, %; empty when none.
    SatisfiedShare,
    /// Mean satisfaction answer of the public monitoring on the 5-point scale; empty when none.
    SatisfactionIndex5,
}

/// The per-body inputs raw survey records define, by edition id.
pub fn body_inputs(edition: &str) -> &'static [(&'static str, BodyMeasure)] {
    match edition {
        "2017-services" => &[
            ("survey_respondents", BodyMeasure::PublicRespondents),
            ("survey_service_kinds", BodyMeasure::PublicServiceKinds),
            ("monitoring_respondents", BodyMeasure::AllPublicRespondents),
            ("own_survey_respondents", BodyMeasure::OwnRespondents),
            ("satisfied_share", BodyMeasure::SatisfiedShare),
            ("satisfaction_index", BodyMeasure::SatisfactionIndex5),
        ],
        _ => &[],
    }
}

/// The exact value of a per-body survey input.
pub fn body_value(
    surveys: &BTreeMap<SurveyKey, SurveyCounts>,
    body: &str,
    m: BodyMeasure,
) -> Option<Mean> {
    // Sum of `field` over the groups of a kind (of this body, or of every body), checked.
    let total = |kind: &str, all: bool, five: bool, field: fn(&SurveyCounts) -> u64| {
        let mut t = 0u64;
        for (k, c) in surveys {
            if k.kind == kind && (all || k.body == body) && (!five || k.scale == "5") {
                t = t.checked_add(field(c))?;
            }
        }
        Some(t)
    };
    match m {
        BodyMeasure::PublicRespondents => {
            total("public", false, false, |c| c.respondents).map(Mean::whole)
        }
        BodyMeasure::AllPublicRespondents => {
            total("public", true, false, |c| c.respondents).map(Mean::whole)
        }
        BodyMeasure::PublicServiceKinds => {
            let kinds: BTreeSet<&str> = surveys
                .keys()
                .filter(|k| k.kind == "public" && k.body == body)
                .map(|k| k.service.as_str())
                .collect();
            Some(Mean::whole(kinds.len() as u64))
        }
        BodyMeasure::OwnRespondents => {
            let n = total("own", false, false, |c| c.respondents)?;
            (n > 0).then_some(Mean::whole(n))
        }
        BodyMeasure::SatisfiedShare => {
            let yes = total("public", false, false, |c| c.satisfied)?;
            let n = total("public", false, false, |c| c.satisfied_answers)?;
            (n > 0).then_some(Mean {
                sum: yes.checked_mul(100)?,
                count: n,
            })
        }
        BodyMeasure::SatisfactionIndex5 => {
            let s = total("public", false, true, |c| c.satisfaction_sum)?;
            let n = total("public", false, true, |c| c.satisfaction_answers)?;
            (n > 0).then_some(Mean { sum: s, count: n })
        }
    }
}

/// Accepted questionnaires that no survey input of the edition uses (another kind of survey or
/// another scale than its inputs take; every one for an edition without survey inputs), so the
/// report can say so rather than leave them out silently.
pub fn unused_respondents(surveys: &BTreeMap<SurveyKey, SurveyCounts>, edition: &str) -> u64 {
    let used = |k: &SurveyKey| {
        let by_service = service_inputs(edition).iter().any(|(_, m)| match m {
            ServiceMeasure::Satisfaction { scale } | ServiceMeasure::Informedness { scale } => {
                k.kind == "public" && k.scale == *scale
            }
        });
        let by_body = body_inputs(edition).iter().any(|(_, m)| match m {
            BodyMeasure::OwnRespondents => k.kind == "own",
            BodyMeasure::SatisfactionIndex5 => k.kind == "public" && k.scale == "5",
            _ => k.kind == "public",
        });
        by_service || by_body
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
        let sat = ServiceMeasure::Satisfaction { scale: "10" };
        // The own survey is not in the public score.
        assert_eq!(
            service_value(&s, "MJ", "a", sat),
            Some(Mean {
                sum: 163,
                count: 20
            })
        );
        assert_eq!(service_value(&s, "MJ", "b", sat), None);
        assert_eq!(
            service_value(&s, "MJ", "a", ServiceMeasure::Informedness { scale: "10" }),
            Some(Mean { sum: 81, count: 19 })
        );
        let v = |body, m| body_value(&s, body, m).and_then(|x| x.decimal());
        assert_eq!(
            v("MJ", BodyMeasure::PublicRespondents).as_deref(),
            Some("28")
        );
        assert_eq!(
            v("MJ", BodyMeasure::PublicServiceKinds).as_deref(),
            Some("2")
        );
        assert_eq!(
            v("MJ", BodyMeasure::AllPublicRespondents).as_deref(),
            Some("40")
        );
        assert_eq!(v("MJ", BodyMeasure::OwnRespondents).as_deref(), Some("50"));
        assert_eq!(v("MF", BodyMeasure::OwnRespondents), None);
        // (15 + 6) / 28 = 75 %.
        assert_eq!(v("MJ", BodyMeasure::SatisfiedShare).as_deref(), Some("75"));
        // 36 / 8 on the 5-point scale only.
        assert_eq!(
            v("MJ", BodyMeasure::SatisfactionIndex5).as_deref(),
            Some("4.5")
        );
        assert_eq!(v("XX", BodyMeasure::SatisfiedShare), None);
        assert_eq!(
            v("XX", BodyMeasure::PublicRespondents).as_deref(),
            Some("0")
        );
    }

    /// Every survey input exists in its edition, with the right kind of table and unit.
    #[test]
    fn survey_inputs_exist_in_their_editions() {
        let text = |id: &str| {
            std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../methodologies")
                    .join(id)
                    .join("inputs.toml"),
            )
            .unwrap()
        };
        let block = |t: &str, code: &str| -> String {
            let at = t.find(&format!("code = \"{code}\"")).expect(code);
            t[at..].split("[[input]]").next().unwrap_or("").to_string()
        };
        let t = text("2014-services");
        assert_eq!(service_inputs("2014-services").len(), 2);
        for (code, _) in service_inputs("2014-services") {
            let b = block(&t, code);
            assert!(
                b.contains("table = \"services\"") && b.contains("балл из 10"),
                "{b}"
            );
        }
        let t = text("2017-services");
        assert_eq!(body_inputs("2017-services").len(), 6);
        for (code, _) in body_inputs("2017-services") {
            assert!(!block(&t, code).contains("table ="), "{code}");
        }
        assert!(block(&t, "satisfaction_index").contains("балл из 5"));
        assert!(service_inputs("2018-interaction").is_empty());
    }

    #[test]
    fn unused_questionnaires_are_counted() {
        let mut s = BTreeMap::new();
        s.insert(key("MJ", "a", "public", "10"), counts(20, 163, 15));
        s.insert(key("MJ", "a", "own", "10"), counts(50, 400, 40));
        s.insert(key("MJ", "b", "public", "5"), counts(8, 36, 6));
        // 2014 scores the public monitoring on 10 points only.
        assert_eq!(unused_respondents(&s, "2014-services"), 58);
        // 2017 counts every public and own questionnaire.
        assert_eq!(unused_respondents(&s, "2017-services"), 0);
        assert_eq!(unused_respondents(&s, "2018-interaction"), 78);
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
