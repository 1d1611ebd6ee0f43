//! The published schema of the raw records: every column with its type, meaning and unit.
//!
//! `docs/raw-records.md` is generated from these tables ([`markdown`]) and a test keeps the file
//! equal to the generated text, so the document and the readers cannot disagree.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// The four raw tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// Service deliveries (IS «Мониторинг» and the bodies' own reports).
    Deliveries,
    /// Appeals (the unified register of appeals).
    Appeals,
    /// Documented failure periods of the information systems.
    Failures,
    /// Questionnaires of the surveys of service recipients (public monitoring, the body's own).
    Surveys,
}

impl Table {
    pub const ALL: [Table; 4] = [
        Table::Deliveries,
        Table::Appeals,
        Table::Failures,
        Table::Surveys,
    ];

    /// The file stem in a raw folder: `deliveries.parquet` or `deliveries.csv`, and so on.
    pub fn file_stem(self) -> &'static str {
        match self {
            Table::Deliveries => "deliveries",
            Table::Appeals => "appeals",
            Table::Failures => "failures",
            Table::Surveys => "surveys",
        }
    }

    /// The Russian name used in reports.
    pub fn name_ru(self) -> &'static str {
        match self {
            Table::Deliveries => "Оказание государственных услуг",
            Table::Appeals => "Обращения физических и юридических лиц",
            Table::Failures => "Подтверждённые сбои информационных систем",
            Table::Surveys => "Анкеты опросов услугополучателей",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Deliveries => DELIVERIES,
            Table::Appeals => APPEALS,
            Table::Failures => FAILURES,
            Table::Surveys => SURVEYS,
        }
    }

    /// The Arrow schema every reader produces and every Parquet file must have. Every field
    /// is nullable in Arrow: a missing required value is a refused record (counted by
    /// [`crate::validate`]), not an unreadable file.
    pub fn arrow_schema(self) -> SchemaRef {
        Arc::new(Schema::new(
            self.columns()
                .iter()
                .map(|c| Field::new(c.name, c.kind.data_type(), true))
                .collect::<Vec<_>>(),
        ))
    }

    /// The index of a column by name.
    pub fn index(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.name == name)
    }
}

/// The storage kind of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A code from a closed list (Arrow `Dictionary(Int32, Utf8)`).
    Code(&'static [(&'static str, &'static str)]),
    /// An identifier or free text (Arrow `Dictionary(Int32, Utf8)`: few distinct values per file).
    Text,
    /// A record number (Arrow `Int64`).
    Id,
    /// A count of days (Arrow `Int32`).
    Days,
    /// Local civil time of Kazakhstan, seconds (Arrow `Timestamp(Second, None)`).
    Time,
    /// Yes or no (Arrow `Boolean`).
    Flag,
    /// A respondent's answer, a whole number of points on the record's scale (Arrow `Int32`).
    Answer,
}

impl Kind {
    pub fn data_type(self) -> DataType {
        match self {
            Kind::Code(_) | Kind::Text => {
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
            }
            Kind::Id => DataType::Int64,
            Kind::Days | Kind::Answer => DataType::Int32,
            Kind::Time => DataType::Timestamp(TimeUnit::Second, None),
            Kind::Flag => DataType::Boolean,
        }
    }

    fn describe(self) -> String {
        match self {
            Kind::Code(values) => {
                let list: Vec<String> = values
                    .iter()
                    .map(|(code, ru)| format!("`{code}` — {ru}"))
                    .collect();
                format!("код: {}", list.join("; "))
            }
            Kind::Text => "текст".to_string(),
            Kind::Id => "целое число".to_string(),
            Kind::Days => "целое число ≥ 0".to_string(),
            Kind::Time => "дата и время (местное), `ГГГГ-ММ-ДД ЧЧ:ММ:СС`".to_string(),
            Kind::Flag => "`true` / `false`".to_string(),
            Kind::Answer => "целое число баллов по шкале `scale`".to_string(),
        }
    }
}

/// One column of a raw table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// May the value be empty (then [`Column::when_empty`] says when)?
    pub nullable: bool,
    pub meaning: &'static str,
    pub unit: &'static str,
    pub when_empty: &'static str,
}

pub const CHANNELS: &[(&str, &str)] = &[
    ("portal", "портал «электронного правительства»"),
    (
        "psc",
        "Государственная корпорация «Правительство для граждан» (ЦОН)",
    ),
    (
        "body",
        "непосредственно в государственном органе (на бумаге)",
    ),
    ("elicense", "портал «электронного лицензирования»"),
];
pub const SOURCES: &[(&str, &str)] = &[
    ("is", "ИС «Мониторинг»"),
    ("body", "отчёт государственного органа"),
];
pub const TERM_UNITS: &[(&str, &str)] = &[
    ("working_days", "рабочие дни"),
    ("calendar_days", "календарные дни"),
];
pub const STATUSES: &[(&str, &str)] = &[
    ("delivered", "оказана"),
    ("refused", "мотивированный отказ"),
    ("in_progress", "не завершена"),
];
pub const CATEGORIES: &[(&str, &str)] = &[
    ("statement", "заявление"),
    ("complaint", "жалоба"),
    ("proposal", "предложение"),
    ("request", "запрос"),
    ("response", "отклик"),
];
pub const OUTCOMES: &[(&str, &str)] = &[
    ("satisfied", "удовлетворено"),
    ("explained", "разъяснено"),
    ("refused", "отказано"),
    ("no_consideration", "оставлено без рассмотрения"),
];
pub const SYSTEMS: &[(&str, &str)] = &[
    ("portal", "портал «электронного правительства»"),
    ("psc", "интегрированная ИС ЦОН"),
    ("body", "информационная система государственного органа"),
    ("elicense", "портал «электронного лицензирования»"),
];

pub const SURVEY_KINDS: &[(&str, &str)] = &[
    (
        "public",
        "общественный мониторинг качества оказания государственных услуг по государственному социальному заказу",
    ),
    (
        "own",
        "самостоятельный мониторинг государственного органа с учётом мнения услугополучателей",
    ),
];
pub const SCALES: &[(&str, &str)] = &[
    ("10", "10-балльная: целые баллы от 0 до 10"),
    ("5", "5-балльная: целые баллы от 1 до 5"),
];

/// The answers a scale accepts, by its code in [`SCALES`].
pub fn scale_range(code: &str) -> Option<std::ops::RangeInclusive<i32>> {
    match code {
        "10" => Some(0..=10),
        "5" => Some(1..=5),
        _ => None,
    }
}

const fn col(
    name: &'static str,
    kind: Kind,
    nullable: bool,
    meaning: &'static str,
    unit: &'static str,
    when_empty: &'static str,
) -> Column {
    Column {
        name,
        kind,
        nullable,
        meaning,
        unit,
        when_empty,
    }
}

pub const DELIVERIES: &[Column] = &[
    col("id", Kind::Id, false, "Номер записи в источнике", "—", ""),
    col("source", Kind::Code(SOURCES), false, "Источник записи (п.19: по услугам, подключённым к ИС «Мониторинг», преобладают её данные, по остальным — данные органа)", "—", ""),
    col("service", Kind::Text, false, "Код вида государственной услуги по Реестру", "—", ""),
    col("body", Kind::Text, false, "Код оцениваемого государственного органа — услугодателя", "—", ""),
    col("unit", Kind::Text, true, "Структурное подразделение, территориальный орган или подведомственная организация, оказавшая услугу", "—", "услугу оказал сам орган"),
    col("channel", Kind::Code(CHANNELS), false, "Способ обращения и оказания", "—", ""),
    col("submitted", Kind::Time, false, "Момент подачи заявления (сдачи документов)", "дата и время", ""),
    col("term", Kind::Days, false, "Срок оказания по стандарту услуги", "дней (см. term_unit)", ""),
    col("term_unit", Kind::Code(TERM_UNITS), false, "В каких днях установлен срок", "—", ""),
    col("completed", Kind::Time, true, "Момент выдачи результата или мотивированного отказа", "дата и время", "услуга не завершена (status = in_progress)"),
    col("status", Kind::Code(STATUSES), false, "Итог", "—", ""),
    col("refusal_ground", Kind::Text, true, "Основание мотивированного отказа (пункт стандарта или закона)", "—", "отказа не было"),
    col("connected", Kind::Flag, false, "Услуга подключена к ИС «Мониторинг»", "—", ""),
];

pub const APPEALS: &[Column] = &[
    col(
        "id",
        Kind::Id,
        false,
        "Номер записи в Едином реестре обращений",
        "—",
        "",
    ),
    col(
        "body",
        Kind::Text,
        false,
        "Код государственного органа, рассматривающего обращение",
        "—",
        "",
    ),
    col(
        "category",
        Kind::Code(CATEGORIES),
        false,
        "Вид обращения",
        "—",
        "",
    ),
    col(
        "registered",
        Kind::Time,
        false,
        "Момент регистрации",
        "дата и время",
        "",
    ),
    col(
        "term",
        Kind::Days,
        false,
        "Срок рассмотрения",
        "дней (см. term_unit)",
        "",
    ),
    col(
        "term_unit",
        Kind::Code(TERM_UNITS),
        false,
        "В каких днях установлен срок",
        "—",
        "",
    ),
    col(
        "answered",
        Kind::Time,
        true,
        "Момент направления ответа",
        "дата и время",
        "ответ не дан",
    ),
    col(
        "outcome",
        Kind::Code(OUTCOMES),
        true,
        "Результат рассмотрения",
        "—",
        "ответ не дан",
    ),
    col(
        "repeated",
        Kind::Flag,
        false,
        "Повторное обращение по тому же вопросу",
        "—",
        "",
    ),
    col(
        "court_justified",
        Kind::Flag,
        false,
        "Впоследствии признано обоснованным (удовлетворено) судом",
        "—",
        "",
    ),
    col(
        "disciplinary",
        Kind::Flag,
        false,
        "По обращению приняты меры дисциплинарного характера",
        "—",
        "",
    ),
];

pub const FAILURES: &[Column] = &[
    col("id", Kind::Id, false, "Номер сбоя", "—", ""),
    col("system", Kind::Code(SYSTEMS), false, "Информационная система, давшая сбой (определяет способ оказания, к которому применяется п.20)", "—", ""),
    col("start", Kind::Time, false, "Начало сбоя", "дата и время", ""),
    col("end", Kind::Time, false, "Окончание сбоя", "дата и время", ""),
    col("document", Kind::Text, false, "Документ, подтверждающий сбой по техническим причинам (п.20)", "—", ""),
];

/// One row per questionnaire (one respondent about one service of one body). The law scores a
/// service by the respondents' satisfaction with it and their informedness about how to get it,
/// on a 10-point score (2014 edition, п.25–27 and п.29–32, appendices 7 and 8: «балл … в
/// зависимости от степени удовлетворенности услугополучателей одним конкретным видом
/// государственной услуги»); the 2017 conclusion reports the share of satisfied recipients and a
/// 5-point index from public monitoring, respondents and kinds of services per body, and the
/// body's own monitoring.
pub const SURVEYS: &[Column] = &[
    col("id", Kind::Id, false, "Номер анкеты", "—", ""),
    col("kind", Kind::Code(SURVEY_KINDS), false, "Вид опроса (методика 2014 г., п.25 и п.29: общественный мониторинг по государственному социальному заказу; самостоятельный мониторинг органа учитывается отдельно)", "—", ""),
    col("body", Kind::Text, false, "Код оцениваемого государственного органа — услугодателя", "—", ""),
    col("service", Kind::Text, false, "Код вида государственной услуги по Реестру, о которой анкета", "—", ""),
    col("surveyed", Kind::Time, false, "Момент заполнения анкеты", "дата и время", ""),
    col("scale", Kind::Code(SCALES), false, "Шкала ответов `satisfaction` и `informedness`", "—", ""),
    col("satisfaction", Kind::Answer, true, "Оценка удовлетворённости услугой (методика 2014 г., п.26, приложение 7)", "балл по шкале `scale`", "респондент не ответил на вопрос"),
    col("informedness", Kind::Answer, true, "Оценка информированности о порядке получения услуги (методика 2014 г., п.31, приложение 8)", "балл по шкале `scale`", "респондент не ответил на вопрос"),
    col("satisfied", Kind::Flag, true, "Удовлетворён ли респондент качеством оказания услуги в целом (доля удовлетворённых — заключение за 2017 г., показатель 1.1)", "—", "респондент не ответил на вопрос"),
];

/// The Markdown of `docs/raw-records.md`.
pub fn markdown() -> String {
    let mut s = String::new();
    s.push_str("# Первичные записи информационных систем (raw records)\n\n");
    s.push_str(
        "Сгенерировано из `crates/raw/src/schema.rs` (`bagalau_raw::schema::markdown`); тест \
         `docs_match_schema` не даёт документу разойтись с кодом.\n\n\
         Каждая таблица — файл `<имя>.parquet` или `<имя>.csv` в папке первичных данных. \
         CSV: UTF-8, запятая, первая строка — имена столбцов (все, в любом порядке), пустая \
         ячейка — нет значения. Parquet: столбцы с этими именами и типами Arrow (коды и тексты \
         — `Utf8` или `Dictionary(Int32, Utf8)`). Время — местное (без часового пояса). \
         Записи, нарушающие схему, не принимаются: они подсчитываются по причинам, и отчёт \
         чтения их называет.\n\n",
    );
    for t in Table::ALL {
        s.push_str(&format!("## `{}` — {}\n\n", t.file_stem(), t.name_ru()));
        s.push_str("| Столбец | Значение | Единица | Тип | Пусто |\n|---|---|---|---|---|\n");
        for c in t.columns() {
            let empty = if c.nullable {
                c.when_empty
            } else {
                "не допускается"
            };
            s.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                c.name,
                c.meaning,
                c.unit,
                c.kind.describe(),
                empty
            ));
        }
        s.push('\n');
    }
    s.push_str(RULES);
    s
}

const RULES: &str = "## Правила, проверяемые у каждой записи\n\n\
- обязательные значения заданы, коды — из списков выше, сроки — целые от 0 до 3650;\n\
- `deliveries`: `status = in_progress` тогда и только тогда, когда `completed` пусто; \
`refusal_ground` задано тогда и только тогда, когда `status = refused`; `completed` не раньше \
`submitted`;\n\
- `appeals`: `answered` и `outcome` заданы или пусты вместе; `answered` не раньше `registered`; \
`court_justified` только у отвеченного обращения;\n\
- `failures`: `end` позже `start`;\n\
- `surveys`: ответы `satisfaction` и `informedness` — в пределах шкалы `scale` (10-балльная: от 0 \
до 10, 5-балльная: от 1 до 5); при агрегации анкета об услуге, которой нет в перечне услуг органа \
(`services.csv` базового набора данных), не принимается;\n\
- все даты — в годах производственного календаря (`crates/calendar`, 2014–2026).\n\n\
## Как считается срок\n\n\
Срок в рабочих днях: день подачи не считается, первый рабочий день после него — день 1, \
последний день срока — `term`-й рабочий день (календарь `crates/calendar`: праздники, \
переносы выходных). Срок в календарных днях — `term` дней после дня подачи. Услуга оказана с \
нарушением срока, если дата `completed` позже последнего дня срока. Сбой (п.20: «услуги, оказанные в \
этот период, не учитываются»): услуга исключается из критерия, если момент `completed` лежит \
в периоде [`start`; `end`) сбоя системы её способа оказания (`system` = `channel`).\n\n\
## Как считается оценка услуги по опросу\n\n\
Оценка услуги органа — среднее арифметическое ответов всех принятых анкет общественного \
мониторинга (`kind = public`) по этой услуге и этому органу, отдельно по удовлетворённости и по \
информированности (пустой ответ в среднее не входит), точно, без округления. Если среднее — \
бесконечная десятичная дробь (например, 25/3), оно не записывается в набор данных: агрегация \
сообщает такие услуги, потому что методика не устанавливает правила округления. Услуга без \
анкет в оценке не участвует (п.27, п.32: органу без опрошенных услуг выставляется среднее по \
органам).\n";
