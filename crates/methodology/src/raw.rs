//! The edition files as written by a methodologist (TOML), before validation.
//! Every struct denies unknown keys so that a typo is an error naming file and line.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use toml::Spanned;

/// A decimal written in TOML as an integer (`25`) or a string (`"0.2"`); floats are refused
/// because they are binary fractions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dec(pub Decimal);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("число, например 25, 0.2 или 0,2")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dec, E> {
                Ok(Dec(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dec, E> {
                Ok(Dec(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Dec, E> {
                // `0.8` and `0,8` never get here (they are read from the source text, see
                // `crate::decimals`); what does is an exponent, `inf` or `nan`.
                Err(E::custom(
                    "число нужно записать десятичной дробью, например 0,8 или 0.8 \
                     (экспоненциальная запись, inf и nan не допускаются)",
                ))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dec, E> {
                crate::parse_decimal(v)
                    .map(Dec)
                    .ok_or_else(|| E::custom(format!("«{v}» — не десятичное число")))
            }
        }
        d.deserialize_any(V)
    }
}

/// `quote = "…"`, `quote = ["…", "…"]` (fragments) or `quote = { source = "code", text = … }`.
#[derive(Debug, Clone, Default)]
pub struct QuoteRaw {
    pub source: Option<String>,
    pub fragments: Vec<String>,
}

impl<'de> Deserialize<'de> for QuoteRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = QuoteRaw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "цитату строкой, списком строк или таблицей { source = \"…\", text = \"…\" }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<QuoteRaw, E> {
                Ok(QuoteRaw {
                    source: None,
                    fragments: vec![v.to_string()],
                })
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<QuoteRaw, A::Error> {
                let mut fragments = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    fragments.push(s);
                }
                Ok(QuoteRaw {
                    source: None,
                    fragments,
                })
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<QuoteRaw, A::Error> {
                let mut q = QuoteRaw::default();
                while let Some(k) = map.next_key::<String>()? {
                    match k.as_str() {
                        "source" => q.source = Some(map.next_value()?),
                        "text" => q.fragments = map.next_value::<QuoteRaw>()?.fragments,
                        other => {
                            return Err(de::Error::custom(format!(
                                "неизвестный ключ цитаты «{other}»: допустимы source и text"
                            )))
                        }
                    }
                }
                Ok(q)
            }
        }
        d.deserialize_any(V)
    }
}

/// A value that may differ between central and local bodies: a number, or
/// `{ central = …, local = … }`.
#[derive(Debug, Clone)]
pub enum PerGroupRaw {
    Same(Dec),
    ByGroup(ByGroupRaw),
}

impl<'de> Deserialize<'de> for PerGroupRaw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PerGroupRaw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("число (25, 0,8) или значения по группам { central = …, local = … }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PerGroupRaw, E> {
                Ok(PerGroupRaw::Same(Dec(Decimal::from(v))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PerGroupRaw, E> {
                Ok(PerGroupRaw::Same(Dec(Decimal::from(v))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PerGroupRaw, E> {
                Dec::deserialize(de::value::F64Deserializer::<E>::new(v)).map(PerGroupRaw::Same)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PerGroupRaw, E> {
                Dec::deserialize(de::value::StrDeserializer::<E>::new(v)).map(PerGroupRaw::Same)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<PerGroupRaw, A::Error> {
                ByGroupRaw::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(PerGroupRaw::ByGroup)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByGroupRaw {
    pub central: Dec,
    pub local: Dec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesRaw {
    #[serde(default)]
    pub kinds: Vec<Spanned<String>>,
    #[serde(default)]
    pub only: Vec<String>,
    #[serde(default)]
    pub except: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionFile {
    pub id: String,
    pub title: String,
    pub act: ActRaw,
    pub block: BlockRaw,
    pub validity: ValidityRaw,
    pub result: ResultRaw,
    pub rounding: RoundingRaw,
    #[serde(default)]
    pub degree: Vec<DegreeRaw>,
    #[serde(default)]
    pub direction: Vec<DirectionRaw>,
    #[serde(default)]
    pub source: Vec<SourceRaw>,
    #[serde(default)]
    pub named_body: Vec<NamedBodyRaw>,
}

/// A body the act names (e.g. «Министерство обороны»): its dataset id is fixed by the edition.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedBodyRaw {
    pub id: Spanned<String>,
    pub name: String,
    pub kind: Spanned<String>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActRaw {
    pub name: String,
    pub short: String,
    #[serde(default)]
    pub registration: Option<String>,
    #[serde(default)]
    pub adopted: Option<String>,
    #[serde(default)]
    pub repealed: Option<String>,
    /// The act's text (a plain-text file, path relative to the edition folder): quotes are
    /// checked against it when it is present.
    #[serde(default)]
    pub text: Option<String>,
}

/// Another source an edition's items may quote (e.g. a published conclusion, when the act's own
/// text is not available).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRaw {
    pub code: Spanned<String>,
    /// How documents name it (an official description, never a file name).
    pub name: String,
    /// Its text (path relative to the edition folder).
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockRaw {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidityRaw {
    #[serde(default)]
    pub periods: Vec<u16>,
    /// The evaluated periods with the year each is carried out and why (instead of `periods`).
    #[serde(default)]
    pub evaluated: Vec<EvaluatedRaw>,
    #[serde(default)]
    pub effective_from: Option<String>,
    #[serde(default)]
    pub effective_to: Option<String>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluatedRaw {
    pub period: Spanned<u16>,
    pub carried_out: u16,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultRaw {
    pub score: Spanned<String>,
    #[serde(default)]
    pub criteria_total: Option<Spanned<String>>,
    #[serde(default)]
    pub correction: Option<Spanned<String>>,
    #[serde(default)]
    pub penalties: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundingRaw {
    pub display_decimals: u32,
    pub rank_decimals: Option<u32>,
    #[serde(default)]
    pub degree_decimals: Option<u32>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DegreeRaw {
    pub code: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub name_kk: Option<String>,
    pub range: Spanned<String>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectionRaw {
    pub code: Spanned<String>,
    pub name: String,
    pub max: Dec,
    /// The value that is the direction's score (when the block has several directions).
    #[serde(default)]
    pub score: Option<Spanned<String>>,
    /// The authorized body that evaluates this direction (уполномоченный на оценку орган).
    #[serde(default)]
    pub evaluator: Option<String>,
    /// Bodies evaluated in this direction by another authorized body.
    #[serde(default)]
    pub evaluator_exception: Vec<EvaluatorExceptionRaw>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluatorExceptionRaw {
    /// Body ids (as in the datasets).
    pub bodies: Vec<String>,
    pub evaluator: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputsFile {
    #[serde(default)]
    pub table: Vec<TableRaw>,
    #[serde(default)]
    pub input: Vec<InputRaw>,
}

/// `reporting.toml`: the reporting tables (отчётные данные) bodies submit, and which inputs each
/// indicator row feeds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingFile {
    #[serde(default)]
    pub report_table: Vec<ReportTableRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportTableRaw {
    pub code: Spanned<String>,
    pub number: String,
    pub name: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
    #[serde(default)]
    pub indicator: Vec<ReportIndicatorRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportIndicatorRaw {
    pub number: String,
    pub name: String,
    /// What the body submits for this indicator (the table's column 3, verbatim).
    pub provides: String,
    /// Inputs of the edition this indicator's data becomes.
    #[serde(default)]
    pub inputs: Vec<Spanned<String>>,
    /// Bodies exempted and how (footnotes of the table).
    #[serde(default)]
    pub exemption: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableRaw {
    pub code: Spanned<String>,
    pub name: String,
    pub key: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputRaw {
    pub code: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub table: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub min: Option<Dec>,
    #[serde(default)]
    pub max: Option<Dec>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub applies: Option<AppliesRaw>,
    /// A bool the edition decides by body identity: true exactly for these named bodies.
    #[serde(default)]
    pub true_for: Option<Spanned<Vec<String>>>,
    /// `"notice"`: a value given for a body the input does not apply to is reported and ignored.
    #[serde(default)]
    pub inapplicable: Option<Spanned<String>>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParametersFile {
    #[serde(default)]
    pub parameter: Vec<ParameterRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterRaw {
    pub code: Spanned<String>,
    pub name: String,
    pub value: PerGroupRaw,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalesFile {
    #[serde(default)]
    pub scale: Vec<ScaleRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleRaw {
    pub code: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub domain: Option<Spanned<String>>,
    #[serde(default)]
    pub band: Vec<BandRaw>,
    #[serde(default)]
    pub category: Vec<CategoryRaw>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandRaw {
    pub range: Spanned<String>,
    pub points: Dec,
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRaw {
    pub value: Spanned<i64>,
    pub points: Dec,
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodesFile {
    #[serde(default)]
    pub value: Vec<NodeRaw>,
    #[serde(default)]
    pub criterion: Vec<NodeRaw>,
    #[serde(default)]
    pub penalty: Vec<PenaltyRaw>,
}

/// A computed value or a criterion/indicator of the tree.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeRaw {
    pub code: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub parent: Option<Spanned<String>>,
    #[serde(default)]
    pub max: Option<Dec>,
    #[serde(default)]
    pub bonus: bool,
    #[serde(default)]
    pub table: Option<Spanned<String>>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub formula: Option<Spanned<String>>,
    #[serde(default)]
    pub formula_central: Option<Spanned<String>>,
    #[serde(default)]
    pub formula_local: Option<Spanned<String>>,
    #[serde(default)]
    pub applies: Option<AppliesRaw>,
    /// The authorized body that evaluates this criterion for every body (2014 п.9: the Ministry
    /// evaluates «степень оптимизации и автоматизации»); its direction's evaluator otherwise.
    #[serde(default)]
    pub evaluator: Option<String>,
    /// Bodies whose criterion another authorized body evaluates (2023 п.5, п.26).
    #[serde(default)]
    pub evaluator_exception: Vec<EvaluatorExceptionRaw>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyRaw {
    pub code: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub cap: Option<Dec>,
    #[serde(default)]
    pub applies: Option<AppliesRaw>,
    pub item: Vec<PenaltyItemRaw>,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyItemRaw {
    pub code: Spanned<String>,
    pub name: String,
    pub facts: Spanned<String>,
    pub per_fact: Dec,
    #[serde(rename = "ref")]
    pub reference: String,
    pub status: Spanned<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The words of the source this item implements (checked against the source's text).
    #[serde(default)]
    pub quote: Option<QuoteRaw>,
}
