//! Where a cycle's data come from (issue 13, items 1 and 5): a dataset folder, a filled reporting
//! form (XLSX, read by `bagalau-ingest`), or raw records of the state information systems
//! aggregated by `bagalau-aggregate` over a base dataset. Each source becomes a dataset folder the
//! process checks and stores as a snapshot, and a [`DataSource`] — the provenance the import
//! event records: the kind, every file's name, SHA-256 and size, the base snapshot, the evidence
//! stored beside it.
//!
//! [`write_aggregated`] is the one function that turns an aggregation into a dataset: `bagalau
//! aggregate` and the cycle's raw import both call it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use bagalau_aggregate::measures::{discrepancies, inputs, per_service, value};
use bagalau_aggregate::surveys::{
    body_inputs, body_value, refuse_unknown_services, service_inputs, service_value,
    unused_respondents, Mean, RawInput,
};
use bagalau_aggregate::Aggregation;
use bagalau_cycle::SourceFile;
use bagalau_methodology::Edition;
use sha2::{Digest, Sha256};

use crate::ProcessError;

fn io(path: &Path) -> impl Fn(std::io::Error) -> ProcessError + '_ {
    move |e| ProcessError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn csv_error(path: &Path) -> impl Fn(csv::Error) -> ProcessError + '_ {
    move |e| ProcessError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The file name of `path` as provenance records it (the name only, never the folders).
pub fn file_name(path: &Path) -> Result<String, ProcessError> {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ProcessError::Invalid(format!("{}: не файл", path.display())))
}

/// Name, content hash and size of bytes already read.
pub fn source_file(name: &str, bytes: &[u8]) -> SourceFile {
    SourceFile {
        name: name.to_string(),
        sha256: bagalau_cycle::content_hash(bytes),
        size: bytes.len() as u64,
    }
}

/// Name, content hash and size of a file, read in pieces (raw records may be gigabytes).
pub fn hash_file(path: &Path) -> Result<SourceFile, ProcessError> {
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size = size.saturating_add(n as u64);
    }
    let mut sha256 = String::with_capacity(71);
    sha256.push_str("sha256:");
    for b in h.finalize() {
        let _ = write!(sha256, "{b:02x}");
    }
    Ok(SourceFile {
        name: file_name(path)?,
        sha256,
        size,
    })
}

/// Every regular, not hidden file of a folder (subfolders are not part of a source), sorted by
/// name.
pub fn folder_files(dir: &Path) -> Result<Vec<SourceFile>, ProcessError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden || !entry.file_type().map_err(io(&path))?.is_file() {
            continue;
        }
        out.push(hash_file(&path)?);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    if out.is_empty() {
        return Err(ProcessError::Invalid(format!(
            "{}: в папке нет файлов",
            dir.display()
        )));
    }
    Ok(out)
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The reports of an aggregation, by file name: `discrepancies.csv` (where a body's own report
/// of a connected service differs from IS «Мониторинг»), `per_service.csv`, `inputs.csv` (the
/// raw inputs per body) and `rejections.txt` (records refused, by reason).
pub fn reports(ed: &Edition, agg: &Aggregation) -> Vec<(&'static str, String)> {
    let mut d = String::from("body,service,channel,is_total,is_late,body_total,body_late\n");
    for x in discrepancies(agg) {
        let _ = writeln!(
            d,
            "{},{},{},{},{},{},{}",
            csv_cell(&x.body),
            csv_cell(&x.service),
            x.channel,
            x.is_total,
            x.is_late,
            x.body_total,
            x.body_late
        );
    }
    let mut p = String::from(
        "body,service,channel,source,connected,total,late,failure,failure_late,in_progress,one_day,one_day_late\n",
    );
    for (k, c) in per_service(agg) {
        let _ = writeln!(
            p,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_cell(&k.body),
            csv_cell(&k.service),
            k.channel,
            k.source,
            k.connected,
            c.total,
            c.late,
            c.failure,
            c.failure_late,
            c.in_progress,
            c.one_day,
            c.one_day_late
        );
    }
    let map = &deliveries_map(ed);
    let mut i = String::from("body");
    for r in map {
        i.push(',');
        i.push_str(&r.input);
    }
    i.push('\n');
    for (b, vals) in inputs(agg, map) {
        i.push_str(&csv_cell(&b));
        for (_, v) in vals {
            i.push(',');
            if let Some(v) = v {
                i.push_str(&v.to_string());
            }
        }
        i.push('\n');
    }
    let mut out = vec![
        ("discrepancies.csv", d),
        ("per_service.csv", p),
        ("inputs.csv", i),
        ("rejections.txt", agg.rejections.text_ru()),
    ];
    if !agg.surveys.is_empty() {
        out.push(("surveys.csv", survey_counts(agg)));
        out.push(("survey_inputs.csv", survey_report(&ed.raw_inputs, agg)));
    }
    out
}

/// The edition's `raw.toml` entries computed from deliveries and appeals (survey entries are
/// written by [`write_survey_inputs`], only when there are questionnaires).
fn deliveries_map(ed: &Edition) -> Vec<RawInput> {
    ed.raw_inputs
        .iter()
        .filter(|r| !r.measure.is_survey())
        .cloned()
        .collect()
}

/// `surveys.csv`: the accepted questionnaires counted per body, service, kind and scale.
fn survey_counts(agg: &Aggregation) -> String {
    let mut v = String::from(
        "body,service,kind,scale,respondents,satisfaction_answers,satisfaction_sum,informedness_answers,informedness_sum,satisfied_answers,satisfied\n",
    );
    for (k, c) in &agg.surveys {
        let _ = writeln!(
            v,
            "{},{},{},{},{},{},{},{},{},{},{}",
            csv_cell(&k.body),
            csv_cell(&k.service),
            k.kind,
            k.scale,
            c.respondents,
            c.satisfaction_answers,
            c.satisfaction_sum,
            c.informedness_answers,
            c.informedness_sum,
            c.satisfied_answers,
            c.satisfied
        );
    }
    v
}

/// `survey_inputs.csv`: every per-body survey input of the edition for every body with
/// questionnaires — the exact value as a fraction and, when it terminates, as a decimal.
fn survey_report(entries: &[RawInput], agg: &Aggregation) -> String {
    let mut text = String::from("body,input,exact,decimal\n");
    let bodies: BTreeSet<&str> = agg.surveys.keys().map(|k| k.body.as_str()).collect();
    for body in bodies {
        for r in body_inputs(entries) {
            let code = &r.input;
            if let Some(v) = body_value(&agg.surveys, body, &r.measure) {
                let _ = writeln!(
                    text,
                    "{},{code},{},{}",
                    csv_cell(body),
                    v.fraction(),
                    v.decimal().unwrap_or_default()
                );
            }
        }
    }
    text
}

/// Questionnaires about a service the base dataset's `services.csv` does not list for the body
/// are refused (moved from the accepted questionnaires to the refusals); the (body, service)
/// pairs refused are returned.
pub fn refuse_unlisted_services(
    agg: &mut Aggregation,
    base: &Path,
) -> Result<Vec<(String, String)>, ProcessError> {
    let path = base.join("services.csv");
    if agg.surveys.is_empty() || !path.is_file() {
        return Ok(Vec::new());
    }
    let (header, rows) = read_csv(&path)?;
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ProcessError::Data(format!("{}: нет столбца {name}", path.display())))
    };
    let (ib, is) = (at("body")?, at("service")?);
    let known: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.get(ib).cloned().unwrap_or_default(),
                r.get(is).cloned().unwrap_or_default(),
            )
        })
        .collect();
    Ok(refuse_unknown_services(
        &mut agg.surveys,
        &mut agg.rejections,
        &known,
    ))
}

/// A mean as the dataset writes it: a terminating decimal, or noted as unwritable (the editions
/// set no rounding for survey scores, so none is rounded silently).
fn mean_cell(m: Option<Mean>, what: &str, unwritable: &mut Vec<String>) -> String {
    match m {
        None => String::new(),
        Some(m) => m.decimal().unwrap_or_else(|| {
            unwritable.push(format!("{what} = {}", m.fraction()));
            String::new()
        }),
    }
}

/// The survey inputs of the edition's `raw.toml` (per service: [`service_inputs`], matched by
/// body and service code in the dataset's `services.csv`; per body: [`body_inputs`] in
/// `bodies.csv`) replace the base dataset's columns in the folder being written. Only when there
/// are questionnaires: otherwise the bodies' forms give them.
fn write_survey_inputs(
    entries: &[RawInput],
    agg: &Aggregation,
    dir: &Path,
) -> Result<(), ProcessError> {
    let mut unwritable = Vec::new();
    let per_service = service_inputs(entries);
    let services = dir.join("services.csv");
    if !per_service.is_empty() && services.is_file() {
        let (header, mut rows) = read_csv(&services)?;
        let at = |name: &str| {
            header.iter().position(|h| h == name).ok_or_else(|| {
                ProcessError::Data(format!("services.csv базового набора: нет столбца {name}"))
            })
        };
        let (ib, is) = (at("body")?, at("service")?);
        let columns = per_service
            .iter()
            .map(|r| at(&r.input).map(|i| (i, r.input.as_str(), &r.measure)))
            .collect::<Result<Vec<_>, _>>()?;
        for row in &mut rows {
            let body = row.get(ib).cloned().unwrap_or_default();
            let service = row.get(is).cloned().unwrap_or_default();
            for (i, code, m) in &columns {
                let what = format!("{body}/{service}: {code}");
                let cell = mean_cell(
                    service_value(&agg.surveys, &body, &service, m),
                    &what,
                    &mut unwritable,
                );
                if let Some(c) = row.get_mut(*i) {
                    *c = cell;
                }
            }
        }
        write_csv(&services, &header, &rows)?;
    }
    let per_body = body_inputs(entries);
    let bodies = dir.join("bodies.csv");
    if !per_body.is_empty() && bodies.is_file() {
        let (header, mut rows) = read_csv(&bodies)?;
        let id_col = header.iter().position(|h| h == "id").ok_or_else(|| {
            ProcessError::Data("bodies.csv базового набора: нет столбца id".into())
        })?;
        for row in &mut rows {
            let id = row.get(id_col).cloned().unwrap_or_default();
            for (i, h) in header.iter().enumerate() {
                if let Some(r) = per_body.iter().find(|r| &r.input == h) {
                    let what = format!("{id}: {}", r.input);
                    let cell = mean_cell(
                        body_value(&agg.surveys, &id, &r.measure),
                        &what,
                        &mut unwritable,
                    );
                    if let Some(c) = row.get_mut(i) {
                        *c = cell;
                    }
                }
            }
        }
        write_csv(&bodies, &header, &rows)?;
    }
    if !unwritable.is_empty() {
        return Err(ProcessError::Data(format!(
            "средняя оценка по опросу не выражается конечной десятичной дробью, а методика не устанавливает правила округления — значения не записаны: {}",
            unwritable.join("; ")
        )));
    }
    Ok(())
}

/// Writes an aggregation into the folder `dir` (created; it should not exist): the reports in
/// `dir/raw/` and, with a base dataset, the dataset itself — every regular file of the base, with
/// the columns of `bodies.csv` raw records define (`bagalau_aggregate::measures::mapping`)
/// replaced; the bodies' forms give the rest. The dataset is loaded back with the edition as a
/// final check. The caller renames or removes `dir`.
pub fn write_aggregated(
    ed: &Edition,
    agg: &Aggregation,
    base: Option<&Path>,
    dir: &Path,
) -> Result<(), ProcessError> {
    if ed.raw_inputs.is_empty() {
        return Err(ProcessError::Invalid(format!(
            "для редакции «{}» не задано, какие показатели берутся из первичных записей: нет файла {}",
            ed.id,
            bagalau_methodology::raw_inputs::FILE
        )));
    }
    let raw = dir.join("raw");
    std::fs::create_dir_all(&raw).map_err(io(&raw))?;
    for (name, text) in reports(ed, agg) {
        let p = raw.join(name);
        std::fs::write(&p, text).map_err(io(&p))?;
    }
    let Some(base) = base else {
        return Ok(());
    };
    let map = &deliveries_map(ed);
    let values = inputs(agg, map);
    // Every regular file of the base dataset, bodies.csv rewritten.
    for entry in std::fs::read_dir(base).map_err(io(base))? {
        let path = entry.map_err(io(base))?.path();
        if path.is_file() && path.file_name().is_some_and(|n| n != "bodies.csv") {
            let name: PathBuf = path.file_name().map(PathBuf::from).unwrap_or_default();
            std::fs::copy(&path, dir.join(name)).map_err(io(&path))?;
        }
    }
    let from = base.join("bodies.csv");
    let to = dir.join("bodies.csv");
    let mut reader = csv::Reader::from_path(&from).map_err(csv_error(&from))?;
    let header = reader.headers().map_err(csv_error(&from))?.clone();
    let id_col = header
        .iter()
        .position(|h| h == "id")
        .ok_or_else(|| ProcessError::Data(format!("{}: нет столбца id", from.display())))?;
    let mut writer = csv::Writer::from_path(&to).map_err(csv_error(&to))?;
    writer.write_record(&header).map_err(csv_error(&to))?;
    let mut seen = BTreeSet::new();
    for rec in reader.records() {
        let rec = rec.map_err(csv_error(&from))?;
        let id = rec.get(id_col).unwrap_or("").to_string();
        let vals = values.get(&id);
        let mut row: Vec<String> = rec.iter().map(str::to_string).collect();
        for (i, h) in header.iter().enumerate() {
            if let Some(j) = map.iter().position(|r| r.input == h) {
                // A body without records: nothing delivered (optional inputs left empty).
                let v = match vals.and_then(|v| v.get(j)) {
                    Some(v) => v.1,
                    None => value(agg, &id, &map[j].measure),
                };
                if let Some(cell) = row.get_mut(i) {
                    *cell = v.map(|v| v.to_string()).unwrap_or_default();
                }
            }
        }
        seen.insert(id);
        writer.write_record(&row).map_err(csv_error(&to))?;
    }
    writer.flush().map_err(io(&to))?;
    let unknown: Vec<&str> = values
        .keys()
        .filter(|b| !seen.contains(*b))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(ProcessError::Data(format!(
            "в первичных записях есть органы, которых нет в базовом наборе: {}",
            unknown.join(", ")
        )));
    }
    if !agg.surveys.is_empty() {
        write_survey_inputs(&ed.raw_inputs, agg, dir)?;
    }
    bagalau_data::load_dataset(ed, dir)
        .map_err(|e| ProcessError::Data(format!("проверка записанного набора данных: {e}")))?;
    Ok(())
}

/// A short Russian summary of an aggregation: refused records, bodies, the inputs raw records
/// define, discrepancies (`reports`: where the reports are, e.g. «raw/discrepancies.csv»).
pub fn summary_ru(
    ed: &Edition,
    agg: &Aggregation,
    reports: &str,
    unlisted: &[(String, String)],
) -> String {
    let map = &ed.raw_inputs;
    let deliveries = deliveries_map(ed);
    let values: BTreeMap<String, _> = inputs(agg, &deliveries);
    let mut s = agg.rejections.text_ru();
    let _ = writeln!(
        s,
        "Органов в записях: {}; показателей из первичных записей: {} ({}).",
        values.len(),
        map.len(),
        map.iter()
            .map(|r| r.input.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "Расхождений отчётов органов с ИС «Мониторинг»: {} ({reports}).",
        discrepancies(agg).len()
    );
    if !agg.surveys.is_empty() {
        let _ = writeln!(
            s,
            "Анкет опросов принято: {}; услуг с анкетами: {}.",
            agg.surveys.values().map(|c| c.respondents).sum::<u64>(),
            agg.surveys.len()
        );
    }
    let unused = unused_respondents(&agg.surveys, &ed.raw_inputs);
    if unused > 0 {
        let _ = writeln!(
            s,
            "Анкет, которые редакция «{}» не использует (другой вид опроса или другая шкала): {unused}.",
            ed.id
        );
    }
    if !unlisted.is_empty() {
        let list: Vec<String> = unlisted.iter().map(|(b, sv)| format!("{b}/{sv}")).collect();
        let _ = writeln!(
            s,
            "Отклонены анкеты об услугах, которых нет в перечне услуг органа: {}.",
            list.join(", ")
        );
    }
    s
}

/// A CSV file as a header and rows of strings.
fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), ProcessError> {
    let mut r = csv::Reader::from_path(path).map_err(csv_error(path))?;
    let header = r
        .headers()
        .map_err(csv_error(path))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        rows.push(
            rec.map_err(csv_error(path))?
                .iter()
                .map(str::to_string)
                .collect(),
        );
    }
    Ok((header, rows))
}

fn write_csv(path: &Path, header: &[String], rows: &[Vec<String>]) -> Result<(), ProcessError> {
    let mut w = csv::Writer::from_path(path).map_err(csv_error(path))?;
    w.write_record(header).map_err(csv_error(path))?;
    for r in rows {
        w.write_record(r).map_err(csv_error(path))?;
    }
    w.flush().map_err(io(path))
}

/// `rows` under `header` re-laid under `into` (columns by name; absent ones empty).
fn relay(header: &[String], row: &[String], into: &[String]) -> Vec<String> {
    into.iter()
        .map(|h| {
            header
                .iter()
                .position(|x| x == h)
                .and_then(|i| row.get(i).cloned())
                .unwrap_or_default()
        })
        .collect()
}

/// The base dataset (`base`, a folder) with each submitting body's rows replaced by those of its
/// form's dataset (`forms`: body id and the folder the form was written to), written into `out`
/// (created). Columns are matched by name: a column only the form has is added (empty for the
/// other bodies), one only the base has keeps the base's value in `bodies.csv` (the optional
/// forms of names) and is empty in the form's table rows. A body's table rows take the place of
/// its rows in the base. The dataset is loaded back with the edition as a final check.
pub fn replace_bodies(
    ed: &Edition,
    base: &Path,
    forms: &[(String, PathBuf)],
    out: &Path,
) -> Result<(), ProcessError> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    for entry in std::fs::read_dir(base).map_err(io(base))? {
        let path = entry.map_err(io(base))?.path();
        if path.is_file() {
            let name: PathBuf = path.file_name().map(PathBuf::from).unwrap_or_default();
            std::fs::copy(&path, out.join(name)).map_err(io(&path))?;
        }
    }
    let mut files = vec![("bodies.csv".to_string(), "id")];
    for t in &ed.tables {
        files.push((format!("{}.csv", t.code), "body"));
    }
    for (file, key) in files {
        let target = out.join(&file);
        let (mut header, mut rows) = if target.exists() {
            read_csv(&target)?
        } else {
            (Vec::new(), Vec::new())
        };
        let mut changed = false;
        for (body, dir) in forms {
            let p = dir.join(&file);
            if !p.exists() {
                continue;
            }
            let (fh, frows) = read_csv(&p)?;
            for h in &fh {
                if !header.contains(h) {
                    header.push(h.clone());
                    rows.iter_mut().for_each(|r| r.push(String::new()));
                }
            }
            let k = header
                .iter()
                .position(|h| h == key)
                .ok_or_else(|| ProcessError::Data(format!("{file}: нет столбца {key}")))?;
            let fk = fh.iter().position(|h| h == key).ok_or_else(|| {
                ProcessError::Data(format!("{file} формы органа {body}: нет столбца {key}"))
            })?;
            let mine: Vec<Vec<String>> = frows
                .iter()
                .filter(|r| r.get(fk).is_some_and(|b| b == body))
                .map(|r| {
                    let mut new = relay(&fh, r, &header);
                    // In bodies.csv a column the form lacks keeps the base's value.
                    if key == "id" {
                        if let Some(old) = rows.iter().find(|o| o.get(k) == Some(body)) {
                            for (i, h) in header.iter().enumerate() {
                                if !fh.contains(h) {
                                    new[i] = old.get(i).cloned().unwrap_or_default();
                                }
                            }
                        }
                    }
                    new
                })
                .collect();
            let at = rows
                .iter()
                .position(|r| r.get(k) == Some(body))
                .unwrap_or(rows.len());
            rows.retain(|r| r.get(k) != Some(body));
            let at = at.min(rows.len());
            rows.splice(at..at, mine);
            changed = true;
        }
        if changed {
            write_csv(&target, &header, &rows)?;
        }
    }
    bagalau_data::load_dataset(ed, out)
        .map_err(|e| ProcessError::Data(format!("набор данных с представленными формами: {e}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder's provenance: its regular files only (no hidden file, no subfolder), by name,
    /// each hashed in pieces exactly as the whole bytes hash.
    #[test]
    fn folder_files_hash_regular_files_in_pieces() {
        let dir = std::env::temp_dir().join(format!("bagalau-sources-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).expect("dir");
        // Larger than one piece (1 MiB), not a multiple of it.
        let big: Vec<u8> = (0..(1u32 << 20) + 7).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.join("b.parquet"), &big).expect("write");
        std::fs::write(dir.join("a.csv"), b"x,y\n").expect("write");
        std::fs::write(dir.join(".hidden"), b"secret").expect("write");
        std::fs::write(dir.join("sub").join("c.csv"), b"z\n").expect("write");
        let files = folder_files(&dir).expect("files");
        assert_eq!(
            files,
            vec![
                source_file("a.csv", b"x,y\n"),
                source_file("b.parquet", &big),
            ]
        );
        assert_eq!(files[1].size, (1u64 << 20) + 7);
        std::fs::remove_dir_all(&dir).expect("cleanup");
        assert!(folder_files(&dir).is_err(), "a missing folder is an error");
    }

    #[test]
    fn a_file_name_is_the_last_component_only() {
        assert_eq!(
            file_name(Path::new("/tmp/отчёты/форма.xlsx")).expect("name"),
            "форма.xlsx"
        );
        assert!(file_name(Path::new("/")).is_err());
    }
}
