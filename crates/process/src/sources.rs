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

use bagalau_aggregate::measures::{discrepancies, inputs, mapping, per_service, value};
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
    let map = mapping(&ed.id);
    let mut i = String::from("body");
    for (c, _) in map {
        i.push(',');
        i.push_str(c);
    }
    i.push('\n');
    for (b, vals) in inputs(agg, &ed.id) {
        i.push_str(&csv_cell(&b));
        for (_, v) in vals {
            i.push(',');
            if let Some(v) = v {
                i.push_str(&v.to_string());
            }
        }
        i.push('\n');
    }
    vec![
        ("discrepancies.csv", d),
        ("per_service.csv", p),
        ("inputs.csv", i),
        ("rejections.txt", agg.rejections.text_ru()),
    ]
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
    let map = mapping(&ed.id);
    if map.is_empty() {
        return Err(ProcessError::Invalid(format!(
            "для редакции «{}» не задано, какие показатели берутся из первичных записей (есть: 2014-services, 2017-services, 2018-interaction)",
            ed.id
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
    let values = inputs(agg, &ed.id);
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
            if let Some(j) = map.iter().position(|(c, _)| *c == h) {
                // A body without records: nothing delivered (optional inputs left empty).
                let v = match vals.and_then(|v| v.get(j)) {
                    Some(v) => v.1,
                    None => value(agg, &id, map[j].1),
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
    bagalau_data::load_dataset(ed, dir)
        .map_err(|e| ProcessError::Data(format!("проверка записанного набора данных: {e}")))?;
    Ok(())
}

/// A short Russian summary of an aggregation: refused records, bodies, the inputs raw records
/// define, discrepancies (`reports`: where the reports are, e.g. «raw/discrepancies.csv»).
pub fn summary_ru(ed: &Edition, agg: &Aggregation, reports: &str) -> String {
    let map = mapping(&ed.id);
    let values: BTreeMap<String, _> = inputs(agg, &ed.id);
    let mut s = agg.rejections.text_ru();
    let _ = writeln!(
        s,
        "Органов в записях: {}; показателей из первичных записей: {} ({}).",
        values.len(),
        map.len(),
        map.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
    );
    let _ = writeln!(
        s,
        "Расхождений отчётов органов с ИС «Мониторинг»: {} ({reports}).",
        discrepancies(agg).len()
    );
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
