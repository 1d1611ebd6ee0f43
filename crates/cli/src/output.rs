//! Writing results to files without surprising the user.
//!
//! - A regular file (or an absent one) is written to a unique temporary file in the target's own
//!   folder and renamed over the target only when complete: a failure never leaves a
//!   half-written document, and nothing else in the folder is touched (no shared `X.part`).
//! - A symlink is followed: its target is what gets replaced, the link stays a link.
//! - A special file — `/dev/stdout`, `/dev/full`, a FIFO, a terminal, anything under `/dev` or
//!   `/proc` — is written straight through: it is never replaced by a regular file.
//! - Temporary files are removed on every error path, and by a [`Reaper`] if the process is
//!   killed (even with `SIGKILL`) between creating and renaming them.
//!
//! File names built from data (body ids, direction codes) go through [`file_name`]: a name is
//! never a path.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Result};
use bagalau_office::reaper::Reaper;

/// Suffix of temporary files: `.NAME.<pid>-<n>-<nanos>.bagalau-tmp` beside the target.
pub const TEMP_SUFFIX: &str = ".bagalau-tmp";

/// Russian text of an OS error (the user reads it as it is).
pub fn io_ru(e: &io::Error) -> String {
    use io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "нет такого файла или папки",
        K::PermissionDenied => "нет прав доступа",
        K::AlreadyExists => "файл уже существует",
        K::StorageFull => "на устройстве нет свободного места",
        K::ReadOnlyFilesystem => "файловая система доступна только для чтения",
        K::IsADirectory => "это папка, а не файл",
        K::NotADirectory => "часть пути не является папкой",
        K::BrokenPipe => "получатель закрыл канал",
        K::InvalidFilename => "недопустимое имя файла",
        K::QuotaExceeded => "превышена квота диска",
        K::FileTooLarge => "файл слишком велик",
        K::CrossesDevices => "перенос между устройствами невозможен",
        K::Interrupted => "операция прервана",
        _ => return format!("ошибка ввода-вывода ({e})"),
    };
    match e.raw_os_error() {
        Some(code) => format!("{what} (код {code})"),
        None => what.to_string(),
    }
}

fn err(action: &str, path: &Path, e: &io::Error) -> anyhow::Error {
    anyhow::anyhow!("{action} {}: {}", path.display(), io_ru(e))
}

/// The process-wide reaper of temporary files (started on first use).
fn reaper() -> &'static Mutex<Option<Reaper>> {
    static REAPER: OnceLock<Mutex<Option<Reaper>>> = OnceLock::new();
    REAPER.get_or_init(|| Mutex::new(Reaper::spawn()))
}

fn watch(path: &Path) {
    if let Ok(mut r) = reaper().lock() {
        if let Some(r) = r.as_mut() {
            r.watch_path(path);
        }
    }
}

/// Where writing `path` must go: straight through to a special file, or by rename to a regular
/// file at its real location (symlinks followed).
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Through(PathBuf),
    Replace(PathBuf),
}

fn is_special_location(path: &Path) -> bool {
    path.starts_with("/dev") || path.starts_with("/proc")
}

fn target(path: &Path) -> Result<Target> {
    if is_special_location(path) {
        return Ok(Target::Through(path.to_path_buf()));
    }
    // Follow symlinks by hand: a dangling link's target is to be created, not the link replaced.
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&at).map_err(|e| err("чтение ссылки", &at, &e))?;
                at = match at.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
                if is_special_location(&at) {
                    return Ok(Target::Through(at));
                }
            }
            Ok(m) if m.is_file() => return Ok(Target::Replace(at)),
            Ok(m) if m.is_dir() => bail!("{}: это папка, а не файл", path.display()),
            Ok(_) => return Ok(Target::Through(at)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Target::Replace(at)),
            Err(e) => return Err(err("запись", &at, &e)),
        }
    }
    bail!(
        "{}: слишком длинная цепочка символических ссылок",
        path.display()
    )
}

/// A temporary file that is removed unless it was renamed into place.
struct Temp {
    path: PathBuf,
    kept: bool,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn create_temp(dir: &Path, name: &str) -> Result<(Temp, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let stem: String = name.chars().take(64).collect();
    for _ in 0..100 {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = dir.join(format!(
            ".{stem}.{}-{}-{nanos}{TEMP_SUFFIX}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // Recorded before it exists: a kill at any moment leaves nothing behind.
        watch(&path);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((Temp { path, kept: false }, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(err("создание временного файла в", dir, &e)),
        }
    }
    bail!("не удалось создать временный файл в {}", dir.display())
}

/// Writes `bytes` to `path` as described in the module documentation.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    match target(path)? {
        Target::Through(to) => {
            let mut f = OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&to)
                .or_else(|_| OpenOptions::new().write(true).open(&to))
                .map_err(|e| err("запись", path, &e))?;
            match f.write_all(bytes).and_then(|()| f.flush()) {
                // A reader that went away (`--out /dev/stdout | head`): not an error.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| err("запись", path, &e)),
            }
        }
        Target::Replace(to) => {
            let dir = match to.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            fs::create_dir_all(&dir).map_err(|e| err("создание папки", &dir, &e))?;
            let name = to
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (mut temp, mut f) = create_temp(&dir, &name)?;
            f.write_all(bytes)
                .and_then(|()| f.sync_all())
                .map_err(|e| err("запись", &to, &e))?;
            // Keep the permissions of the file being replaced.
            if let Ok(m) = fs::metadata(&to) {
                let _ = f.set_permissions(m.permissions());
            }
            drop(f);
            fs::rename(&temp.path, &to).map_err(|e| err("запись", &to, &e))?;
            temp.kept = true;
            Ok(())
        }
    }
}

/// A file name made from data (a body id, a direction code): letters, digits, `-`, `_` and
/// inner dots kept, anything else (`/`, `\`, `..`, control characters, spaces) replaced by `_`;
/// never empty, never hidden, at most 100 characters. Never a path.
pub fn file_name(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    // No leading dot (hidden files, `.`, `..`), no trailing dot (Windows).
    while s.starts_with('.') {
        s.replace_range(..1, "_");
    }
    if s.ends_with('.') {
        s.pop();
        s.push('_');
    }
    if s.is_empty() {
        s.push('_');
    }
    s
}

/// Unique file names for a list of raw names: [`file_name`], then `-2`, `-3`, … for names that
/// became equal (compared without case, as some file systems do).
pub fn unique_file_names(raw: &[String], ext: &str) -> Vec<String> {
    let mut taken = BTreeSet::new();
    raw.iter()
        .map(|r| {
            let base = file_name(r);
            let mut name = format!("{base}.{ext}");
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{base}-{n}.{ext}");
                n += 1;
            }
            name
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_not_paths() {
        for raw in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "..",
            ".",
            "",
            "a\\b",
            "x\ny",
        ] {
            let n = file_name(raw);
            assert!(
                !n.contains('/') && !n.contains('\\') && !n.starts_with('.'),
                "{raw} → {n}"
            );
            assert!(!n.is_empty());
            assert_eq!(Path::new(&n).components().count(), 1, "{raw} → {n}");
        }
        assert_eq!(file_name("kar"), "kar");
        assert_eq!(file_name("МЗСР-1"), "МЗСР-1");
        assert_eq!(file_name(&"я".repeat(300)).chars().count(), 100);
    }

    #[test]
    fn equal_sanitised_names_are_told_apart() {
        let names = unique_file_names(&["a/b".into(), "a_b".into(), "A_B".into()], "html");
        assert_eq!(names, ["a_b.html", "a_b-2.html", "A_B-3.html"]);
    }

    #[test]
    fn special_locations_are_written_through() {
        assert_eq!(
            target(Path::new("/dev/stdout")).expect("target"),
            Target::Through("/dev/stdout".into())
        );
    }
}
