//! The blank (or pre-filled) form of an edition, written with `rust_xlsxwriter`.

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;

use bagalau_data::Loaded;
use bagalau_engine::Value;
use bagalau_methodology::{Edition, Group, Input, InputType};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Formula,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::layout::{
    column_letter, ColumnKind, Layout, SheetKind, SheetSpec, BODIES, CODE_ROW, FIRST_DATA_ROW,
    HEADING_ROW, INSTRUCTIONS,
};
use crate::{interval, IngestError};

/// Last 0-based row the column validations cover (Excel's last row).
const LAST_ROW: u32 = 1_048_575;
/// Rows of «Органы» a table sheet's body list refers to.
const BODY_LIST_ROWS: u32 = 5000;

/// Codes of the dataset requisites on the instructions sheet (column B; the value in column C).
pub const META_TITLE: &str = "title";
pub const META_PERIOD: &str = "period";
pub const META_EDITION: &str = "edition";
/// 0-based rows of the requisites block: title, period, edition.
pub(crate) const META_FIRST_ROW: u32 = 5;

struct Formats {
    title: Format,
    bold: Format,
    heading: Format,
    code: Format,
    wrap: Format,
    unlocked: Format,
    unlocked_text: Format,
}

impl Formats {
    fn new() -> Formats {
        let heading = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color(Color::RGB(0xD9E1F2))
            .set_border(FormatBorder::Thin);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            heading,
            code: Format::new()
                .set_font_size(8)
                .set_font_color(Color::RGB(0x808080))
                .set_background_color(Color::RGB(0xF2F2F2)),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            unlocked: Format::new().set_unlocked(),
            unlocked_text: Format::new().set_unlocked().set_num_format("@"),
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub(crate) fn type_ru(ty: InputType) -> &'static str {
    match ty {
        InputType::Number => "число",
        InputType::Integer => "целое число",
        InputType::Bool => "да/нет",
    }
}

pub(crate) fn group_ru(g: Group) -> &'static str {
    match g {
        Group::Central => "ЦГО",
        Group::Local => "МИО",
    }
}

fn allowed_ru(input: &Input) -> String {
    match input.ty {
        InputType::Bool => "да, нет".into(),
        _ => interval(input.min, input.max),
    }
}

/// The input message of an input's column: name, unit, allowed values, to whom it applies.
fn input_message(input: &Input) -> String {
    let mut m = input.name.clone();
    if let Some(u) = input.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        m.push_str(&format!("\nЕдиница: {u}"));
    }
    m.push_str(&format!(
        "\n{}: {}",
        type_ru(input.ty),
        if input.ty == InputType::Bool {
            "выберите из списка".to_string()
        } else {
            allowed_ru(input)
        }
    ));
    if input.applies != Default::default() {
        m.push_str(&format!(
            "\nПрименяется: {}; иначе — пусто",
            input.applies.describe_ru()
        ));
    }
    if let Some(ids) = &input.true_for {
        m.push_str(&format!(
            "\nОпределяет редакция: «да» только для {}; можно не заполнять",
            ids.join(", ")
        ));
    }
    if input.optional {
        m.push_str("\nНеобязательный");
    }
    truncate(&m, 255)
}

fn to_i32(d: Option<Decimal>) -> Option<Option<i32>> {
    match d {
        None => Some(None),
        Some(d) if d.fract().is_zero() => d.to_i32().map(Some),
        Some(_) => None,
    }
}

/// A bound of a validation rule. The template is the one place a bound becomes binary: Excel's
/// rule holds a double (the import re-checks every value exactly).
fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn number_rule(input: &Input) -> DataValidation {
    let dv = DataValidation::new();
    if input.ty == InputType::Integer {
        if let (Some(lo), Some(hi)) = (to_i32(input.min), to_i32(input.max)) {
            return dv.allow_whole_number(match (lo, hi) {
                (Some(a), Some(b)) => DataValidationRule::Between(a, b),
                (Some(a), None) => DataValidationRule::GreaterThanOrEqualTo(a),
                (None, Some(b)) => DataValidationRule::LessThanOrEqualTo(b),
                (None, None) => DataValidationRule::Between(i32::MIN, i32::MAX),
            });
        }
    }
    dv.allow_decimal_number(match (input.min, input.max) {
        (Some(a), Some(b)) => DataValidationRule::Between(to_f64(a), to_f64(b)),
        (Some(a), None) => DataValidationRule::GreaterThanOrEqualTo(to_f64(a)),
        (None, Some(b)) => DataValidationRule::LessThanOrEqualTo(to_f64(b)),
        (None, None) => DataValidationRule::Between(-1e15, 1e15),
    })
}

fn validation(ed: &Edition, col: &crate::layout::ColumnSpec) -> Result<DataValidation, XlsxError> {
    let (dv, title, message) = match col.kind {
        ColumnKind::Input(k) => {
            let input = &ed.inputs[k];
            let dv = match input.ty {
                InputType::Bool => DataValidation::new().allow_list_strings(&["да", "нет"])?,
                _ => number_rule(input),
            };
            (dv, input.code.clone(), input_message(input))
        }
        ColumnKind::Kind => (
            DataValidation::new().allow_list_strings(&["ЦГО", "МИО"])?,
            "Вид органа".to_string(),
            "ЦГО — центральный государственный орган, МИО — местный исполнительный орган".into(),
        ),
        ColumnKind::Body => (
            DataValidation::new().allow_list_formula(Formula::new(format!(
                "='{BODIES}'!$A${}:$A${}",
                FIRST_DATA_ROW + 1,
                BODY_LIST_ROWS
            ))),
            "Код органа".to_string(),
            format!("Код органа, как в столбце A листа «{BODIES}»"),
        ),
        ColumnKind::Id => (
            DataValidation::new().allow_any_value(),
            "Код органа".to_string(),
            "Краткий код органа (латиница, без пробелов), один раз на листе".into(),
        ),
        ColumnKind::Key => (
            DataValidation::new().allow_any_value(),
            "Код строки".to_string(),
            "Код строки, один раз для каждого органа".into(),
        ),
        ColumnKind::Name => (
            DataValidation::new().allow_any_value(),
            "Наименование".to_string(),
            "Полное наименование на русском языке".into(),
        ),
        ColumnKind::NameForm(_) => (
            DataValidation::new().allow_any_value(),
            "Форма наименования".to_string(),
            "Необязательно: так орган называют документы (полное, в родительном падеже, краткое)"
                .into(),
        ),
    };
    dv.set_input_title(truncate(&title, 32))?
        .set_input_message(message)?
        .set_error_title("Недопустимое значение")?
        .set_error_message(truncate(
            &format!("Значение не подходит для столбца «{}».", col.heading),
            255,
        ))
}

fn column_width(kind: ColumnKind) -> f64 {
    match kind {
        ColumnKind::Name => 48.0,
        ColumnKind::NameForm(_) => 36.0,
        ColumnKind::Id | ColumnKind::Body | ColumnKind::Key => 16.0,
        ColumnKind::Kind => 14.0,
        ColumnKind::Input(_) => 22.0,
    }
}

/// Writes a number exactly: as a spreadsheet number when it survives the conversion to a double
/// and back (shortest representation), otherwise as text (which the import reads exactly too).
fn write_decimal(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    d: Decimal,
    f: &Format,
) -> Result<(), XlsxError> {
    let d = d.normalize();
    let exact = d
        .to_string()
        .parse::<f64>()
        .ok()
        .filter(|v| Decimal::from_str(&format!("{v}")).ok() == Some(d));
    match exact {
        Some(v) => ws.write_number_with_format(row, col, v, f)?,
        None => ws.write_string_with_format(row, col, d.to_string(), f)?,
    };
    Ok(())
}

fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: &Option<Value>,
    f: &Formats,
) -> Result<(), XlsxError> {
    match v {
        Some(Value::Num(d)) => write_decimal(ws, row, col, *d, &f.unlocked)?,
        Some(Value::Bool(b)) => {
            ws.write_string_with_format(row, col, if *b { "да" } else { "нет" }, &f.unlocked)?;
        }
        None => {}
    }
    Ok(())
}

/// A row of a data sheet: key, name and values indexed like `edition.inputs`.
type SheetRow<'a> = (&'a str, &'a str, Cow<'a, [Option<Value>]>);

fn data_sheet(
    wb: &mut Workbook,
    ed: &Edition,
    spec: &SheetSpec,
    data: Option<&Loaded>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(&spec.name)?;
    let mut lines = 1usize;
    for (c, col) in spec.columns.iter().enumerate() {
        let c16 = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
        let width = column_width(col.kind);
        ws.set_column_width(c16, width)?;
        let text_like = matches!(
            col.kind,
            ColumnKind::Id
                | ColumnKind::Body
                | ColumnKind::Key
                | ColumnKind::Name
                | ColumnKind::NameForm(_)
        );
        ws.set_column_format(
            c16,
            if text_like {
                &f.unlocked_text
            } else {
                &f.unlocked
            },
        )?;
        ws.write_string_with_format(HEADING_ROW, c16, &col.heading, &f.heading)?;
        ws.write_string_with_format(CODE_ROW, c16, &col.code, &f.code)?;
        // Roughly how many lines the wrapped heading takes.
        let chars = col.heading.chars().count();
        lines = lines.max(chars.div_ceil(((width * 1.2) as usize).max(1)));
        ws.add_data_validation(FIRST_DATA_ROW, c16, LAST_ROW, c16, &validation(ed, col)?)?;
    }
    ws.set_row_height(HEADING_ROW, (lines.min(10) as f64) * 15.0)?;
    let frozen_cols = match spec.kind {
        SheetKind::Bodies => 1,
        SheetKind::Table(_) => 2,
    };
    ws.set_freeze_panes(FIRST_DATA_ROW, frozen_cols)?;
    ws.protect_with_options(&ProtectionOptions {
        insert_rows: true,
        delete_rows: true,
        format_columns: true,
        format_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::new()
    });
    let Some(loaded) = data else {
        return Ok(());
    };
    let mut row = FIRST_DATA_ROW;
    let slots = bagalau_engine::eval::table_slots(ed);
    for body in &loaded.dataset.bodies {
        // Values indexed like `edition.inputs` (a row may be sized to its table).
        let rows: Vec<SheetRow<'_>> = match spec.kind {
            SheetKind::Bodies => vec![(
                body.id.as_str(),
                body.name.as_str(),
                Cow::Borrowed(&body.values[..]),
            )],
            SheetKind::Table(t) => body
                .tables
                .get(t)
                .map(|rs| {
                    rs.iter()
                        .map(|r| {
                            let values = (0..ed.inputs.len())
                                .map(|i| r.value(ed, &slots, i))
                                .collect::<Vec<_>>();
                            (&*r.key, &*r.name, Cow::Owned(values))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        for (key, name, values) in rows {
            for (c, col) in spec.columns.iter().enumerate() {
                let c16 = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                match col.kind {
                    ColumnKind::Id | ColumnKind::Body => {
                        ws.write_string_with_format(row, c16, &body.id, &f.unlocked_text)?;
                    }
                    ColumnKind::Key => {
                        ws.write_string_with_format(row, c16, key, &f.unlocked_text)?;
                    }
                    ColumnKind::Name => {
                        ws.write_string_with_format(row, c16, name, &f.unlocked_text)?;
                    }
                    ColumnKind::NameForm(k) => {
                        let names = loaded.names.get(&body.id);
                        let form = names.and_then(|n| match k {
                            0 => n.full.as_deref(),
                            1 => n.genitive.as_deref(),
                            _ => n.short.as_deref(),
                        });
                        if let (Some(text), SheetKind::Bodies) = (form, spec.kind) {
                            ws.write_string_with_format(row, c16, text, &f.unlocked_text)?;
                        }
                    }
                    ColumnKind::Kind => {
                        ws.write_string_with_format(row, c16, group_ru(body.group), &f.unlocked)?;
                    }
                    ColumnKind::Input(k) => {
                        write_value(ws, row, c16, values.get(k).unwrap_or(&None), f)?;
                    }
                }
            }
            row += 1;
        }
    }
    Ok(())
}

fn instructions(
    wb: &mut Workbook,
    ed: &Edition,
    layout: &Layout,
    data: Option<&Loaded>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(INSTRUCTIONS)?;
    for (c, w) in [24.0, 12.0, 24.0, 60.0, 14.0, 16.0, 20.0, 36.0, 16.0, 28.0]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, w)?;
    }
    ws.write_string_with_format(0, 0, "Форма отчётных данных", &f.title)?;
    ws.write_string_with_format(1, 0, &ed.title, &f.bold)?;
    let mut act = ed.act.name.clone();
    if let Some(r) = &ed.act.registration {
        act.push_str(&format!(" (рег. № {r})"));
    }
    ws.write_string(2, 0, format!("Акт: {act}"))?;

    // Dataset requisites: label, code, value (the value cells are unlocked).
    ws.write_string_with_format(4, 0, "Реквизиты набора данных", &f.heading)?;
    ws.write_string_with_format(4, 1, "Код", &f.heading)?;
    ws.write_string_with_format(4, 2, "Значение", &f.heading)?;
    let meta = data.map(|l| &l.meta);
    let title = meta.and_then(|m| m.title.clone()).unwrap_or_default();
    let period = meta
        .and_then(|m| m.period)
        .or(match ed.validity.periods.as_slice() {
            [p] => Some(*p),
            _ => None,
        });
    let r = META_FIRST_ROW;
    ws.write_string(r, 0, "Наименование набора данных")?;
    ws.write_string_with_format(r, 1, META_TITLE, &f.code)?;
    ws.write_string_with_format(r, 2, &title, &f.unlocked)?;
    ws.write_string(r + 1, 0, "Отчётный период (год)")?;
    ws.write_string_with_format(r + 1, 1, META_PERIOD, &f.code)?;
    match period {
        Some(p) => ws.write_number_with_format(r + 1, 2, f64::from(p), &f.unlocked)?,
        None => ws.write_blank(r + 1, 2, &f.unlocked)?,
    };
    let periods: Vec<String> = ed.validity.periods.iter().map(|p| p.to_string()).collect();
    if !periods.is_empty() {
        let refs: Vec<&str> = periods.iter().map(String::as_str).collect();
        ws.add_data_validation(
            r + 1,
            2,
            r + 1,
            2,
            &DataValidation::new()
                .allow_list_strings(&refs)?
                .set_input_title("Отчётный период")?
                .set_input_message(format!("Периоды редакции: {}", periods.join(", ")))?,
        )?;
    }
    ws.write_string(r + 2, 0, "Редакция методики")?;
    ws.write_string_with_format(r + 2, 1, META_EDITION, &f.code)?;
    ws.write_string(r + 2, 2, &ed.id)?;

    let mut row = r + 4;
    ws.write_string_with_format(row, 0, "Как заполнять", &f.bold)?;
    row += 1;
    let mut howto = vec![format!(
        "1. Лист «{BODIES}»: одна строка на оцениваемый орган — код органа, наименование, вид (ЦГО или МИО) и показатели органа."
    )];
    for s in layout.sheets.iter().skip(1) {
        if let SheetKind::Table(t) = s.kind {
            howto.push(format!(
                "{}. Лист «{}» ({}): одна строка на строку таблицы органа — код органа (как на листе «{BODIES}»), код строки, наименование и показатели.",
                howto.len() + 1,
                s.name,
                ed.tables[t].name
            ));
        }
    }
    for line in [
        "Первая строка листа — наименования показателей с единицами измерения, вторая — коды показателей: не изменяйте и не удаляйте их. Форма читается по кодам, порядок столбцов значения не имеет.",
        "Числа вводятся без единиц измерения; десятичный разделитель — запятая (0,8) или точка. Логические показатели — «да» или «нет» (выбор из списка).",
        "Пустая ячейка — «нет значения»: допустимо для необязательных показателей; показатели, которые не применяются к органу (графа «К кому применяется»), оставляются пустыми.",
        "Загрузка: bagalau import --edition ПАПКА_РЕДАКЦИИ --form ФАЙЛ.xlsx --out ПАПКА_НАБОРА [--dry-run]. Все ошибки перечисляются сразу — с листом, строкой и столбцом; пока есть хотя бы одна ошибка, ничего не записывается.",
    ] {
        howto.push(format!("{}. {line}", howto.len() + 1));
    }
    for line in howto {
        ws.write_string(row, 0, line)?;
        row += 1;
    }

    row += 1;
    ws.write_string_with_format(row, 0, "Столбцы листов", &f.bold)?;
    row += 1;
    for (c, h) in [
        "Лист",
        "Столбец",
        "Код",
        "Наименование",
        "Тип",
        "Единица",
        "Допустимые значения",
        "К кому применяется",
        "Обязательность",
        "Пункт методики",
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_string_with_format(row, c as u16, h, &f.heading)?;
    }
    row += 1;
    for s in &layout.sheets {
        for (c, col) in s.columns.iter().enumerate() {
            let cells: [String; 10] = match col.kind {
                ColumnKind::Input(k) => {
                    let i = &ed.inputs[k];
                    [
                        s.name.clone(),
                        column_letter(c as u32),
                        i.code.clone(),
                        i.name.clone(),
                        type_ru(i.ty).into(),
                        i.unit.clone().unwrap_or_default(),
                        allowed_ru(i),
                        i.applies.describe_ru(),
                        if let Some(ids) = &i.true_for {
                            format!(
                                "определяет редакция: «да» только для {}; можно не заполнять",
                                ids.join(", ")
                            )
                        } else if i.optional {
                            "необязательный".into()
                        } else {
                            "обязательный (если применяется)".into()
                        },
                        i.cite.reference.clone(),
                    ]
                }
                _ => [
                    s.name.clone(),
                    column_letter(c as u32),
                    col.code.clone(),
                    col.heading.clone(),
                    match col.kind {
                        ColumnKind::Kind => "ЦГО/МИО".into(),
                        _ => "текст".into(),
                    },
                    String::new(),
                    String::new(),
                    "все органы".into(),
                    if matches!(col.kind, ColumnKind::NameForm(_)) {
                        "необязательный".into()
                    } else if s.kind == SheetKind::Bodies || col.kind != ColumnKind::Name {
                        "обязательный".into()
                    } else {
                        "необязательный".into()
                    },
                    String::new(),
                ],
            };
            for (k, text) in cells.iter().enumerate() {
                ws.write_string_with_format(row, k as u16, text, &f.wrap)?;
            }
            row += 1;
        }
    }

    row += 1;
    ws.write_string_with_format(row, 0, "Отчётные таблицы редакции", &f.bold)?;
    row += 1;
    if ed.reporting.is_empty() {
        ws.write_string(
            row,
            0,
            "Отчётных таблиц (reporting.toml) в редакции нет: форма повторяет словарь входных данных редакции.",
        )?;
    }
    for t in &ed.reporting {
        ws.write_string_with_format(row, 0, format!("{} — {}", t.number, t.name), &f.bold)?;
        row += 1;
        ws.write_string(row, 0, format!("Основание: {}", t.cite.reference))?;
        row += 1;
        for (c, h) in [
            "Индикатор",
            "",
            "",
            "Наименование",
            "",
            "",
            "",
            "Что представляет орган",
            "",
            "Заполняемые столбцы",
        ]
        .into_iter()
        .enumerate()
        .filter(|(_, h)| !h.is_empty())
        {
            ws.write_string_with_format(row, c as u16, h, &f.heading)?;
        }
        row += 1;
        for ind in &t.indicators {
            let fed: Vec<String> = ind
                .inputs
                .iter()
                .map(|&k| match layout.locate(k) {
                    Some((sheet, letter)) => {
                        format!("«{sheet}», {letter} ({})", ed.inputs[k].code)
                    }
                    None => ed.inputs[k].code.clone(),
                })
                .collect();
            ws.write_string_with_format(row, 0, &ind.number, &f.wrap)?;
            let mut name = ind.name.clone();
            if let Some(e) = &ind.exemption {
                name.push_str(&format!(" ({e})"));
            }
            ws.write_string_with_format(row, 3, name, &f.wrap)?;
            ws.write_string_with_format(row, 7, &ind.provides, &f.wrap)?;
            ws.write_string_with_format(
                row,
                9,
                if fed.is_empty() {
                    "не вводится в форму (балла за индикатор редакция не назначает)".to_string()
                } else {
                    fed.join("; ")
                },
                &f.wrap,
            )?;
            row += 1;
        }
        row += 1;
    }
    ws.protect();
    ws.set_active(true);
    Ok(())
}

/// The form of an edition as XLSX bytes; pre-filled from a dataset when one is given.
pub fn template(ed: &Edition, data: Option<&Loaded>) -> Result<Vec<u8>, IngestError> {
    let layout = Layout::of(ed);
    let f = Formats::new();
    let mut wb = Workbook::new();
    instructions(&mut wb, ed, &layout, data, &f)?;
    for spec in &layout.sheets {
        data_sheet(&mut wb, ed, spec, data, &f)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Writes the form to a file (through a temporary file beside it, then renamed).
pub fn write_template(ed: &Edition, data: Option<&Loaded>, out: &Path) -> Result<(), IngestError> {
    let bytes = template(ed, data)?;
    let tmp = out.with_extension("xlsx.tmp");
    std::fs::write(&tmp, bytes).map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        IngestError::Io {
            what: "запись",
            path: tmp.clone(),
            source,
        }
    })?;
    std::fs::rename(&tmp, out).map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        IngestError::Io {
            what: "запись",
            path: out.to_path_buf(),
            source,
        }
    })
}
