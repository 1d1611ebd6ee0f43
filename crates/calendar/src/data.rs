//! One year's data file: its model, the TOML as written, and the strict loader.
//!
//! The format is described in `docs/CALENDAR.md`. The loader collects every problem with file,
//! line and column before returning anything; nothing here reads files.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use toml::Spanned;

use crate::error::DataIssue;
use crate::text::{ru_date, ru_weekday};

/// Whether a fact was checked against the act itself or a reliable report of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The fact was found in the act or in reports quoting it.
    Confirmed,
    /// The fact could not be confirmed; the entry's note says what is known.
    Unconfirmed,
}

/// A legal act (or a part of one) that days refer to, declared once per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The short id the entries use (`law`, `labour_code`, `decree`…).
    pub id: String,
    /// The act's full title, number and date, in Russian.
    pub title: String,
    /// Whether the act's details (number, date, content) are confirmed.
    pub status: Status,
    /// What is known, when something is not.
    pub note: Option<String>,
}

/// Why a non-working day is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A national or state holiday (праздничный день) of the Law on holidays: non-working, and
    /// when it falls on a Saturday or Sunday the next working day is a day off (art. 5).
    Holiday,
    /// A religious holiday made a day off by the Labour Code (7 January, the first day of
    /// Kurban Ait): not moved when it falls on a weekend.
    Religious,
    /// The day off given in place of a holiday that fell on a Saturday or Sunday (art. 5 of the
    /// Law on holidays: «следующий после праздничного рабочий день»).
    Moved {
        /// The holiday that fell on the weekend.
        from: NaiveDate,
    },
}

/// A non-working day of the year other than an ordinary weekend or a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOff {
    /// The day.
    pub date: NaiveDate,
    /// Holiday, religious holiday or moved day off.
    pub kind: DayKind,
    /// The holiday's name in Russian.
    pub name: String,
    /// The legal basis: the source's title and the article, for messages.
    pub basis: String,
    /// Confirmed or not.
    pub status: Status,
    /// What is known, when something is not.
    pub note: Option<String>,
}

/// A transfer of a day off made by the Government (or, from 2024, the authorized body for labour):
/// a weekend day becomes a working day and a weekday becomes a day off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// The weekday made a day off.
    pub day_off: NaiveDate,
    /// The day made a working day (a Saturday or Sunday, or a moved day off).
    pub working_day: NaiveDate,
    /// The act making the transfer.
    pub basis: String,
    /// Confirmed or not.
    pub status: Status,
    /// What is known, when something is not.
    pub note: Option<String>,
}

/// Everything one file says about its year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearData {
    /// The calendar year.
    pub year: i32,
    /// The file name it came from.
    pub file: String,
    /// The acts cited.
    pub sources: Vec<Source>,
    /// Holidays, religious holidays and moved days off, by date.
    pub days: Vec<DayOff>,
    /// Transfers of days off, by day off.
    pub transfers: Vec<Transfer>,
}

impl YearData {
    /// Every unconfirmed item of the file (sources, days, transfers), as Russian lines.
    pub fn unconfirmed(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in self
            .sources
            .iter()
            .filter(|s| s.status == Status::Unconfirmed)
        {
            out.push(format!(
                "{}: источник «{}» ({}): {}",
                self.year,
                s.id,
                s.title,
                s.note.as_deref().unwrap_or("")
            ));
        }
        for d in self.days.iter().filter(|d| d.status == Status::Unconfirmed) {
            out.push(format!(
                "{}: {} {}: {}",
                self.year,
                ru_date(d.date),
                d.name,
                d.note.as_deref().unwrap_or("")
            ));
        }
        for t in self
            .transfers
            .iter()
            .filter(|t| t.status == Status::Unconfirmed)
        {
            out.push(format!(
                "{}: перенос {} → {}: {}",
                self.year,
                ru_date(t.working_day),
                ru_date(t.day_off),
                t.note.as_deref().unwrap_or("")
            ));
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// The file as written.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    year: Spanned<i64>,
    #[serde(default, rename = "source")]
    sources: Vec<RawSource>,
    #[serde(default, rename = "day")]
    days: Vec<RawDay>,
    #[serde(default, rename = "transfer")]
    transfers: Vec<RawTransfer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Spanned<String>,
    title: String,
    status: Option<Spanned<String>>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    date: Spanned<toml::value::Datetime>,
    kind: Spanned<String>,
    name: String,
    basis: Spanned<String>,
    article: Option<String>,
    from: Option<Spanned<toml::value::Datetime>>,
    status: Option<Spanned<String>>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransfer {
    day_off: Spanned<toml::value::Datetime>,
    working_day: Spanned<toml::value::Datetime>,
    basis: Spanned<String>,
    article: Option<String>,
    status: Option<Spanned<String>>,
    note: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The loader.

struct Src<'a> {
    file: &'a str,
    text: &'a str,
}

impl Src<'_> {
    fn issue(&self, offset: usize, message: impl Into<String>) -> DataIssue {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        DataIssue {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The year a file name declares (`2019.toml` → 2019), if it declares one.
pub fn year_of_file_name(file: &str) -> Option<i32> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    base.strip_suffix(".toml")?.parse().ok()
}

/// Parses and checks one year's file. `file` names it in messages; when its name is `YYYY.toml`
/// the `year` key must agree with it.
pub fn parse_year(file: &str, text: &str) -> Result<YearData, Vec<DataIssue>> {
    let src = Src { file, text };
    let raw: RawFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            return Err(vec![src.issue(at, toml_message(e.message()))]);
        }
    };
    let mut issues = Vec::new();
    let year_span = raw.year.span().start;
    let year = match i32::try_from(*raw.year.get_ref()) {
        Ok(y) if (1900..=9999).contains(&y) => y,
        _ => {
            issues.push(src.issue(
                year_span,
                format!("недопустимый год {}", raw.year.get_ref()),
            ));
            return Err(issues);
        }
    };
    if let Some(named) = year_of_file_name(file) {
        if named != year {
            issues.push(src.issue(
                year_span,
                format!("год {year} не совпадает с именем файла ({named})"),
            ));
        }
    }

    // Sources.
    let mut sources: Vec<Source> = Vec::new();
    let mut source_ids = BTreeSet::new();
    for s in raw.sources {
        if !source_ids.insert(s.id.get_ref().clone()) {
            issues.push(src.issue(
                s.id.span().start,
                format!("источник «{}» объявлен дважды", s.id.get_ref()),
            ));
        }
        let status = status(&src, &mut issues, s.status.as_ref(), s.note.as_deref());
        sources.push(Source {
            id: s.id.into_inner(),
            title: s.title,
            status,
            note: s.note,
        });
    }
    let title_of: BTreeMap<&str, &str> = sources
        .iter()
        .map(|s| (s.id.as_str(), s.title.as_str()))
        .collect();
    let basis =
        |issues: &mut Vec<DataIssue>, id: &Spanned<String>, article: Option<&str>| match title_of
            .get(id.get_ref().as_str())
        {
            Some(title) => match article {
                Some(a) => format!("{title}, {a}"),
                None => (*title).to_string(),
            },
            None => {
                issues.push(src.issue(
                    id.span().start,
                    format!(
                        "неизвестный источник «{}»: объявите его в [[source]]",
                        id.get_ref()
                    ),
                ));
                String::new()
            }
        };

    // Days.
    let mut days: Vec<DayOff> = Vec::new();
    let mut day_at: BTreeMap<NaiveDate, usize> = BTreeMap::new(); // date → offset in the file
    let mut moved: Vec<(NaiveDate, NaiveDate, usize)> = Vec::new(); // (date, from, offset)
    for d in raw.days {
        let at = d.date.span().start;
        let Some(date) = date_of(&src, &mut issues, &d.date) else {
            continue;
        };
        if date.year() != year {
            issues.push(src.issue(
                at,
                format!("дата {} вне {year} года этого файла", ru_date(date)),
            ));
        }
        if day_at.insert(date, at).is_some() {
            issues.push(src.issue(at, format!("дата {} указана дважды", ru_date(date))));
        }
        let kind = match (d.kind.get_ref().as_str(), &d.from) {
            ("holiday", None) => Some(DayKind::Holiday),
            ("religious", None) => Some(DayKind::Religious),
            ("moved", Some(from)) => date_of(&src, &mut issues, from).map(|f| {
                moved.push((date, f, from.span().start));
                DayKind::Moved { from: f }
            }),
            ("moved", None) => {
                issues.push(src.issue(
                    d.kind.span().start,
                    "для kind = \"moved\" нужен ключ from (праздник, выпавший на выходной)",
                ));
                None
            }
            ("holiday" | "religious", Some(from)) => {
                issues.push(src.issue(
                    from.span().start,
                    "ключ from допустим только для kind = \"moved\"",
                ));
                None
            }
            (other, _) => {
                issues.push(src.issue(
                    d.kind.span().start,
                    format!(
                        "неизвестный вид дня «{other}»: ожидается holiday, religious или moved"
                    ),
                ));
                None
            }
        };
        let st = status(&src, &mut issues, d.status.as_ref(), d.note.as_deref());
        let basis = basis(&mut issues, &d.basis, d.article.as_deref());
        if let Some(kind) = kind {
            days.push(DayOff {
                date,
                kind,
                name: d.name,
                basis,
                status: st,
                note: d.note,
            });
        }
    }
    let kind_of: BTreeMap<NaiveDate, DayKind> = days.iter().map(|d| (d.date, d.kind)).collect();
    for (date, from, at) in &moved {
        match kind_of.get(from) {
            Some(DayKind::Holiday) if is_weekend(*from) => {}
            Some(DayKind::Holiday) => issues.push(src.issue(
                *at,
                format!(
                    "праздник {} выпадает не на выходной ({}): переносить нечего",
                    ru_date(*from),
                    ru_weekday(from.weekday())
                ),
            )),
            _ => issues.push(src.issue(
                *at,
                format!(
                    "{} не указан в этом файле как праздничный день (kind = \"holiday\")",
                    ru_date(*from)
                ),
            )),
        }
        if is_weekend(*date) || date <= from {
            issues.push(src.issue(
                *at,
                format!(
                    "перенесённый выходной {} должен быть будним днём после праздника {}",
                    ru_date(*date),
                    ru_date(*from)
                ),
            ));
        }
    }
    days.sort_by_key(|d| d.date);

    // Transfers.
    let mut transfers: Vec<Transfer> = Vec::new();
    let mut seen_off = BTreeSet::new();
    let mut seen_work = BTreeSet::new();
    for t in raw.transfers {
        let at_off = t.day_off.span().start;
        let at_work = t.working_day.span().start;
        let off = date_of(&src, &mut issues, &t.day_off);
        let work = date_of(&src, &mut issues, &t.working_day);
        let st = status(&src, &mut issues, t.status.as_ref(), t.note.as_deref());
        let basis = basis(&mut issues, &t.basis, t.article.as_deref());
        let (Some(off), Some(work)) = (off, work) else {
            continue;
        };
        if off.year() != year {
            issues.push(src.issue(
                at_off,
                format!("день отдыха {} вне {year} года этого файла", ru_date(off)),
            ));
        }
        if is_weekend(off) || kind_of.contains_key(&off) {
            issues.push(src.issue(
                at_off,
                format!(
                    "день отдыха {} ({}) и так нерабочий: перенос на него ничего не меняет",
                    ru_date(off),
                    ru_weekday(off.weekday())
                ),
            ));
        }
        if !seen_off.insert(off) {
            issues.push(src.issue(
                at_off,
                format!("день отдыха {} перенесён дважды", ru_date(off)),
            ));
        }
        let far = (off - work).num_days().abs() > 31;
        if work.year() != year && (far || (work.year() - year).abs() > 1) {
            issues.push(src.issue(
                at_work,
                format!(
                    "рабочий день {} вне {year} года этого файла (допустим только соседний год в пределах месяца)",
                    ru_date(work)
                ),
            ));
        }
        let work_kind = kind_of.get(&work).copied();
        let allowed = match work_kind {
            None => is_weekend(work),
            Some(DayKind::Moved { .. }) => true,
            Some(_) => false,
        };
        if !allowed {
            let what = match work_kind {
                Some(_) => "праздничный день".to_string(),
                None => ru_weekday(work.weekday()).to_string(),
            };
            issues.push(src.issue(
                at_work,
                format!(
                    "рабочим днём можно сделать только выходной (субботу, воскресенье или перенесённый выходной), а {} — {what}",
                    ru_date(work)
                ),
            ));
        }
        if !seen_work.insert(work) {
            issues.push(src.issue(
                at_work,
                format!("рабочий день {} указан в двух переносах", ru_date(work)),
            ));
        }
        transfers.push(Transfer {
            day_off: off,
            working_day: work,
            basis,
            status: st,
            note: t.note,
        });
    }
    transfers.sort_by_key(|t| t.day_off);

    if issues.is_empty() {
        Ok(YearData {
            year,
            file: file.to_string(),
            sources,
            days,
            transfers,
        })
    } else {
        issues.sort_by_key(|i| (i.line, i.column));
        Err(issues)
    }
}

/// The TOML parser's message in Russian for the common cases (unknown or missing keys, wrong
/// types); anything else is quoted as is.
fn toml_message(m: &str) -> String {
    let m = m.trim();
    let quoted = |rest: &str| -> Vec<String> {
        rest.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let names = quoted(rest);
        if let Some((key, allowed)) = names.split_first() {
            return format!(
                "неизвестный ключ «{key}»; допустимые ключи: {}",
                allowed.join(", ")
            );
        }
    }
    if let Some(rest) = m.strip_prefix("missing field ") {
        if let Some(key) = quoted(rest).first() {
            return format!("нет обязательного ключа «{key}»");
        }
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        return format!("неверный тип значения: {rest}");
    }
    format!("неверный TOML: {}", m.trim())
}

fn date_of(
    src: &Src<'_>,
    issues: &mut Vec<DataIssue>,
    v: &Spanned<toml::value::Datetime>,
) -> Option<NaiveDate> {
    let dt = v.get_ref();
    let at = v.span().start;
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            let got =
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day));
            if got.is_none() {
                issues.push(src.issue(at, format!("несуществующая дата {dt}")));
            }
            got
        }
        _ => {
            issues.push(src.issue(
                at,
                format!("ожидается дата без времени (ГГГГ-ММ-ДД), а не {dt}"),
            ));
            None
        }
    }
}

fn status(
    src: &Src<'_>,
    issues: &mut Vec<DataIssue>,
    s: Option<&Spanned<String>>,
    note: Option<&str>,
) -> Status {
    let Some(s) = s else {
        return Status::Confirmed;
    };
    match s.get_ref().as_str() {
        "confirmed" => Status::Confirmed,
        "unconfirmed" => {
            if note.is_none_or(|n| n.trim().is_empty()) {
                issues.push(src.issue(
                    s.span().start,
                    "status = \"unconfirmed\" требует note: что известно и чего не удалось подтвердить",
                ));
            }
            Status::Unconfirmed
        }
        other => {
            issues.push(src.issue(
                s.span().start,
                format!("неизвестный статус «{other}»: ожидается confirmed или unconfirmed"),
            ));
            Status::Unconfirmed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "year = 2019\n[[source]]\nid = \"law\"\ntitle = \"Закон\"\n";

    fn issues(body: &str) -> Vec<DataIssue> {
        parse_year("2019.toml", &format!("{HEAD}{body}"))
            .err()
            .unwrap_or_default()
    }

    fn lines(body: &str) -> Vec<(usize, String)> {
        issues(body)
            .into_iter()
            .map(|i| (i.line, i.message))
            .collect()
    }

    #[test]
    fn a_good_file_loads() {
        let body = "[[day]]\ndate = 2019-03-23\nkind = \"holiday\"\nname = \"Наурыз\"\nbasis = \"law\"\n\
                    [[day]]\ndate = 2019-03-25\nkind = \"moved\"\nfrom = 2019-03-23\nname = \"Наурыз\"\nbasis = \"law\"\n\
                    [[transfer]]\nday_off = 2019-05-10\nworking_day = 2019-05-04\nbasis = \"law\"\n";
        let y = parse_year("2019.toml", &format!("{HEAD}{body}"));
        assert!(y.is_ok(), "{y:?}");
        let y = y.unwrap_or_else(|_| unreachable!());
        assert_eq!(y.days.len(), 2);
        assert_eq!(y.transfers.len(), 1);
    }

    #[test]
    fn duplicate_dates_are_refused_with_their_line() {
        let body = "[[day]]\ndate = 2019-01-01\nkind = \"holiday\"\nname = \"a\"\nbasis = \"law\"\n\
                    [[day]]\ndate = 2019-01-01\nkind = \"holiday\"\nname = \"b\"\nbasis = \"law\"\n";
        let l = lines(body);
        assert_eq!(l.len(), 1, "{l:?}");
        assert_eq!(l[0].0, 11);
        assert!(l[0].1.contains("указана дважды"));
    }

    #[test]
    fn a_working_day_that_is_not_a_weekend_is_refused() {
        // 2019-05-06 is a Monday.
        let body =
            "[[transfer]]\nday_off = 2019-05-10\nworking_day = 2019-05-06\nbasis = \"law\"\n";
        let i = issues(body);
        assert_eq!(i.len(), 1, "{i:?}");
        assert_eq!((i[0].file.as_str(), i[0].line), ("2019.toml", 7));
        assert!(i[0].message.contains("понедельник"), "{}", i[0].message);
    }

    #[test]
    fn a_date_outside_the_year_is_refused() {
        let body =
            "[[day]]\ndate = 2020-01-01\nkind = \"holiday\"\nname = \"a\"\nbasis = \"law\"\n";
        let l = lines(body);
        assert_eq!(l.len(), 1, "{l:?}");
        assert_eq!(l[0].0, 6);
        assert!(l[0].1.contains("вне 2019 года"));
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let body = "[[day]]\ndate = 2019-01-01\nkind = \"holiday\"\nname = \"a\"\nbasis = \"law\"\ncolour = \"red\"\n";
        let l = lines(body);
        assert_eq!(l.len(), 1, "{l:?}");
        assert_eq!(l[0].0, 10);
        assert!(
            l[0].1
                .starts_with("неизвестный ключ «colour»; допустимые ключи: date, kind"),
            "{}",
            l[0].1
        );
        let top = issues("weather = 1\n");
        assert_eq!(top.len(), 1);
        assert_eq!(top[0].line, 5);
    }

    #[test]
    fn other_mistakes_are_named() {
        let body = "[[day]]\ndate = 2019-03-26\nkind = \"moved\"\nfrom = 2019-03-21\nname = \"a\"\nbasis = \"law\"\n\
                    [[day]]\ndate = 2019-01-07\nkind = \"feast\"\nname = \"b\"\nbasis = \"decree\"\nstatus = \"unconfirmed\"\n\
                    [[transfer]]\nday_off = 2019-05-11\nworking_day = 2019-05-04\nbasis = \"law\"\n";
        let msgs: Vec<String> = issues(body).into_iter().map(|i| i.message).collect();
        let all = msgs.join("\n");
        assert!(
            all.contains("не указан в этом файле как праздничный"),
            "{all}"
        );
        assert!(all.contains("неизвестный вид дня «feast»"), "{all}");
        assert!(all.contains("неизвестный источник «decree»"), "{all}");
        assert!(all.contains("требует note"), "{all}");
        assert!(all.contains("и так нерабочий"), "{all}");
    }

    #[test]
    fn the_year_must_match_the_file_name() {
        let i = parse_year("2018.toml", HEAD).err().unwrap_or_default();
        assert_eq!(i.len(), 1);
        assert!(i[0].message.contains("не совпадает с именем файла"));
    }

    #[test]
    fn a_missing_key_is_named() {
        let i = issues("[[day]]\ndate = 2019-01-01\nkind = \"holiday\"\nbasis = \"law\"\n");
        assert_eq!(i.len(), 1);
        assert!(
            i[0].message.contains("нет обязательного ключа «name»"),
            "{}",
            i[0].message
        );
    }

    #[test]
    fn broken_toml_names_its_line() {
        let i = issues("[[day]\n");
        assert_eq!(i.len(), 1);
        assert_eq!(i[0].line, 5);
    }
}
