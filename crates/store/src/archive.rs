//! Backup and restore: one archive file of JSON lines — a header, one line per row of every
//! table (bytes as hexadecimal), and a trailer with the number of rows and the SHA-256 of
//! everything before it. Restoring checks the trailer first, refuses a non-empty store, inserts
//! every row as it was (so every run's results and hashes come back bit for bit) and verifies
//! the result.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::hash::{hex, unhex, ContentHash};
use crate::store::{begin_write, schema_version};
use crate::verify::verify_on;
use crate::{Store, StoreError};

const FORMAT: &str = "bagalau-backup";
const VERSION: u64 = 1;

#[derive(Clone, Copy)]
enum Col {
    Int,
    Text,
    Bytes,
    OptInt,
    OptText,
}

/// The tables in the order they are restored (references point backwards), with the order of
/// their rows.
/// A table in the archive: its name, the order of its rows, its columns.
type Table = (&'static str, &'static str, &'static [(&'static str, Col)]);

const TABLES: &[Table] = &[
    (
        "cycles",
        "id",
        &[("id", Col::Text), ("created_at", Col::Text)],
    ),
    (
        "audit",
        "seq",
        &[
            ("seq", Col::Int),
            ("at", Col::Text),
            ("cycle_id", Col::OptText),
            ("event_seq", Col::OptInt),
            ("who", Col::Text),
            ("what", Col::Text),
            ("details", Col::Text),
            ("why", Col::Text),
            ("before_state", Col::OptText),
            ("after_state", Col::OptText),
            ("prev_hash", Col::Text),
            ("hash", Col::Text),
        ],
    ),
    (
        "events",
        "cycle_id, seq",
        &[
            ("cycle_id", Col::Text),
            ("seq", Col::Int),
            ("at", Col::Text),
            ("body", Col::Text),
            ("audit_seq", Col::Int),
        ],
    ),
    (
        "runs",
        "audit_seq",
        &[
            ("id", Col::Text),
            ("cycle_id", Col::Text),
            ("number", Col::Int),
            ("edition_id", Col::Text),
            ("edition_hash", Col::Text),
            ("data_hash", Col::Text),
            ("results", Col::Bytes),
            ("results_hash", Col::Text),
            ("trace", Col::Bytes),
            ("trace_hash", Col::Text),
            ("previous", Col::OptText),
            ("created_at", Col::Text),
            ("created_by", Col::Text),
            ("audit_seq", Col::Int),
        ],
    ),
    (
        "blobs",
        "hash",
        &[
            ("hash", Col::Text),
            ("media_type", Col::Text),
            ("size", Col::Int),
            ("content", Col::Bytes),
        ],
    ),
    (
        "texts",
        "key",
        &[
            ("key", Col::Text),
            ("version", Col::Int),
            ("text", Col::Text),
            ("updated_at", Col::Text),
            ("updated_by", Col::Text),
        ],
    ),
];

/// The key by which rows of a table with large values are read one at a time.
fn large_row_key(table: &str) -> Option<&'static str> {
    match table {
        "runs" => Some("id"),
        "blobs" => Some("hash"),
        _ => None,
    }
}

/// Writes through to a file and hashes what it wrote.
struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn encode(row: &sqlx::any::AnyRow, cols: &[(&str, Col)]) -> Result<Value, StoreError> {
    let mut values = Vec::with_capacity(cols.len());
    for (name, col) in cols {
        values.push(match col {
            Col::Int => json!(row.try_get::<i64, _>(*name)?),
            Col::OptInt => json!(row.try_get::<Option<i64>, _>(*name)?),
            Col::Text => json!(row.try_get::<String, _>(*name)?),
            Col::OptText => json!(row.try_get::<Option<String>, _>(*name)?),
            Col::Bytes => json!(hex(&row.try_get::<Vec<u8>, _>(*name)?)),
        });
    }
    Ok(Value::Array(values))
}

impl Store {
    /// Writes every table into one new archive file at `path` (an existing file is not
    /// overwritten). Writers wait while the backup reads, so the archive is one consistent state.
    /// Returns the archive's SHA-256 (the trailer's).
    pub fn backup(&self, path: &Path) -> Result<ContentHash, StoreError> {
        if path.exists() {
            return Err(StoreError::Exists(path.to_path_buf()));
        }
        let tmp = path.with_extension("partial");
        let result = self.write_backup(&tmp).and_then(|hash| {
            std::fs::rename(&tmp, path).map_err(|source| StoreError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            Ok(hash)
        });
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }

    fn write_backup(&self, path: &Path) -> Result<ContentHash, StoreError> {
        let io = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::create(path).map_err(io)?;
        let mut out = HashingWriter {
            inner: std::io::BufWriter::new(file),
            hasher: Sha256::new(),
        };
        let mut rows = 0u64;
        self.runtime.block_on(async {
            let mut tx = begin_write(&self.pool).await?;
            let header = json!({"format": FORMAT, "version": VERSION, "schema": schema_version()});
            writeln!(out, "{header}").map_err(io)?;
            for (table, order, cols) in TABLES {
                let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
                let select = format!("SELECT {} FROM {table}", names.join(", "));
                let mut write_row = |row: &sqlx::any::AnyRow| -> Result<(), StoreError> {
                    let line = json!({"table": table, "row": encode(row, cols)?});
                    writeln!(out, "{line}").map_err(io)?;
                    rows += 1;
                    Ok(())
                };
                match large_row_key(table) {
                    // Runs and blobs one at a time: their bytes are not all held in memory.
                    Some(key) => {
                        let keys =
                            sqlx::query(&format!("SELECT {key} FROM {table} ORDER BY {order}"))
                                .fetch_all(&mut *tx)
                                .await?;
                        for k in keys {
                            let k: String = k.try_get(0)?;
                            let row = sqlx::query(&format!("{select} WHERE {key} = $1"))
                                .bind(k)
                                .fetch_one(&mut *tx)
                                .await?;
                            write_row(&row)?;
                        }
                    }
                    None => {
                        let all = sqlx::query(&format!("{select} ORDER BY {order}"))
                            .fetch_all(&mut *tx)
                            .await?;
                        for row in &all {
                            write_row(row)?;
                        }
                    }
                }
            }
            tx.rollback().await?;
            Ok::<_, StoreError>(())
        })?;
        let hash = ContentHash::from_digest(&out.hasher.finalize_reset());
        let mut inner = out.inner;
        writeln!(
            inner,
            "{}",
            json!({"end": {"rows": rows, "sha256": hash.as_str()}})
        )
        .map_err(io)?;
        let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        Ok(hash)
    }

    /// Restores an archive written by [`Store::backup`] into this store, which must be empty.
    /// A damaged archive (its SHA-256, its structure or the restored chain do not check) is
    /// refused.
    pub fn restore(&self, path: &Path) -> Result<(), StoreError> {
        let damaged = |reason: String| StoreError::Archive {
            path: path.to_path_buf(),
            reason,
        };
        let io = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        let rows = check_archive(path)?.map_err(damaged)?;
        // Second pass: the rows, one line at a time (the archive is never held whole).
        let mut reader = BufReader::new(File::open(path).map_err(io)?);
        let mut line = Vec::new();
        reader.read_until(b'\n', &mut line).map_err(io)?; // the header, checked
        self.runtime.block_on(async {
            let mut tx = begin_write(&self.pool).await?;
            for (table, _, _) in TABLES {
                let sql = format!("SELECT COUNT(*) AS n FROM {table}");
                let n: i64 = sqlx::query(&sql).fetch_one(&mut *tx).await?.try_get("n")?;
                if n > 0 {
                    return Err(StoreError::NotEmpty(format!("таблица {table}: {n} строк")));
                }
            }
            let mut last_audit: Option<(i64, String)> = None;
            for _ in 0..rows {
                line.clear();
                reader.read_until(b'\n', &mut line).map_err(io)?;
                let (table, row) = parse_row(&line).map_err(damaged)?;
                let table = table.as_str();
                let (_, _, cols) = TABLES
                    .iter()
                    .find(|(t, _, _)| *t == table)
                    .ok_or_else(|| damaged(format!("неизвестная таблица «{table}»")))?;
                let values = row
                    .as_array()
                    .filter(|v| v.len() == cols.len())
                    .ok_or_else(|| damaged(format!("строка таблицы {table} неполна")))?;
                let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
                let params: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    params.join(", ")
                );
                let mut query = sqlx::query(&sql);
                for ((name, col), value) in cols.iter().zip(values) {
                    let bad = || damaged(format!("поле {table}.{name} неверного типа"));
                    query = match col {
                        Col::Int => query.bind(value.as_i64().ok_or_else(bad)?),
                        Col::OptInt if value.is_null() => query.bind(None::<i64>),
                        Col::OptInt => query.bind(Some(value.as_i64().ok_or_else(bad)?)),
                        Col::Text => query.bind(value.as_str().ok_or_else(bad)?.to_string()),
                        Col::OptText if value.is_null() => query.bind(None::<String>),
                        Col::OptText => {
                            query.bind(Some(value.as_str().ok_or_else(bad)?.to_string()))
                        }
                        Col::Bytes => query.bind(value.as_str().and_then(unhex).ok_or_else(bad)?),
                    };
                }
                query.execute(&mut *tx).await?;
                if table == "audit" {
                    let seq = values[0].as_i64().unwrap_or_default();
                    let hash = values[11].as_str().unwrap_or_default().to_string();
                    last_audit = Some((seq, hash));
                }
            }
            if let Some((seq, hash)) = last_audit {
                sqlx::query("UPDATE store_head SET audit_seq = $1, audit_hash = $2 WHERE id = 1")
                    .bind(seq)
                    .bind(hash)
                    .execute(&mut *tx)
                    .await?;
            }
            // Verified before it is committed: a forged archive leaves the store empty.
            let report = verify_on(&mut tx).await?;
            if let Some(broken) = report.broken {
                tx.rollback().await?;
                return Err(damaged(format!(
                    "восстановленные данные не проходят проверку: {broken}"
                )));
            }
            tx.commit().await?;
            Ok::<_, StoreError>(())
        })
    }
}

/// First pass: checks the header, the trailer's SHA-256 over every line before it and its row
/// count, reading one line at a time; the number of rows, or why the archive is damaged.
fn check_archive(path: &Path) -> Result<Result<u64, String>, StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::new(File::open(path).map_err(io)?);
    let mut hasher = Sha256::new();
    let (mut previous, mut line) = (Vec::new(), Vec::new());
    let mut lines = 0u64;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(io)? == 0 {
            break;
        }
        if !line.ends_with(b"\n") {
            return Ok(Err("последняя строка не завершена: архив обрезан".into()));
        }
        if lines == 0 {
            let header: Value = match serde_json::from_slice(&line) {
                Ok(header) => header,
                Err(_) => return Ok(Err("нет заголовка".into())),
            };
            if header["format"] != FORMAT || header["version"] != VERSION {
                return Ok(Err(format!(
                    "заголовок «{header}» не является заголовком архива bagalau версии {VERSION}"
                )));
            }
            // Rows are restored column by column as the current schema has them.
            if header["schema"] != schema_version() {
                return Ok(Err(format!(
                    "архив записан при схеме базы данных версии {}, а хранилище имеет версию {}",
                    header["schema"],
                    schema_version()
                )));
            }
        } else {
            hasher.update(&previous);
        }
        std::mem::swap(&mut previous, &mut line);
        lines += 1;
    }
    if lines < 2 {
        return Ok(Err("нет завершающей строки".into()));
    }
    let Ok(trailer) = serde_json::from_slice::<Value>(&previous) else {
        return Ok(Err("завершающая строка не читается".into()));
    };
    let Some(expected) = trailer["end"]["sha256"].as_str() else {
        return Ok(Err("в завершающей строке нет хеша".into()));
    };
    if ContentHash::from_digest(&hasher.finalize()).as_str() != expected {
        return Ok(Err(
            "хеш содержимого не совпадает с записанным в архиве".into()
        ));
    }
    let rows = lines - 2;
    if trailer["end"]["rows"].as_u64() != Some(rows) {
        return Ok(Err("число строк не совпадает с записанным в архиве".into()));
    }
    Ok(Ok(rows))
}

/// One row line: its table and its values.
fn parse_row(line: &[u8]) -> Result<(String, Value), String> {
    let mut value: Value = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let table = value["table"]
        .as_str()
        .ok_or("строка без таблицы")?
        .to_string();
    Ok((table, value["row"].take()))
}
