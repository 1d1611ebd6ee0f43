//! PDF by printing the HTML rendering with headless Chromium, and PNG pages via `pdftoppm`.
//!
//! No Rust PDF library: Chromium lays out Cyrillic text, tables with repeated headers and SVG
//! exactly as the browser shows the HTML file, so the PDF and the HTML cannot disagree.
//! Debian packages: `chromium`, `poppler-utils` (for [`pdf_to_png`]), `fonts-dejavu-core`.

use std::ffi::OsString;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::error::OfficeError;

/// Environment variable naming the Chromium binary (a path, or a name looked up on `PATH`).
pub const CHROMIUM_ENV: &str = "BAGALAU_CHROMIUM";

/// How long one Chromium or pdftoppm run may take (a cold start on a busy machine is slow).
const TIMEOUT: Duration = Duration::from_secs(120);

/// The Chromium binary: `$BAGALAU_CHROMIUM` if set (a path, or a name on `PATH`), else the first
/// of `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(value) = std::env::var_os(CHROMIUM_ENV).filter(|v| !v.is_empty()) {
        return resolve(&value);
    }
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .find_map(|name| which(name.as_ref()))
}

/// `pdftoppm` on `PATH`.
pub fn find_pdftoppm() -> Option<PathBuf> {
    which("pdftoppm".as_ref())
}

fn resolve(value: &OsString) -> Option<PathBuf> {
    let path = PathBuf::from(value);
    if path.components().count() > 1 || path.is_absolute() {
        is_executable(&path).then_some(path)
    } else {
        which(value)
    }
}

fn which(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Prints the HTML to PDF (A4, as its `@page` rule says) with headless Chromium.
pub fn html_to_pdf(html: &str) -> Result<Vec<u8>, OfficeError> {
    let chromium = find_chromium().ok_or(OfficeError::ChromiumNotFound)?;
    let dir = TempDir::new()?;
    let page = dir.write("document.html", html.as_bytes())?;
    let pdf = dir.path().join("document.pdf");
    let mut print_to = OsString::from("--print-to-pdf=");
    print_to.push(&pdf);
    let mut cmd = chromium_command(&chromium, &dir);
    cmd.arg("--no-pdf-header-footer")
        .arg("--print-to-pdf-no-header")
        .arg(print_to)
        .arg(file_url(&page));
    run(cmd, "Chromium", &dir)?;
    let bytes = fs::read(&pdf).map_err(|e| OfficeError::NoOutput {
        program: "Chromium".into(),
        detail: format!("нет файла PDF ({e})"),
    })?;
    if !bytes.starts_with(b"%PDF") {
        return Err(OfficeError::NoOutput {
            program: "Chromium".into(),
            detail: "файл не является PDF".into(),
        });
    }
    Ok(bytes)
}

/// Loads the HTML in headless Chromium and returns the DOM it built (`--dump-dom`): proof that
/// the page parses and renders in a real browser.
pub fn dump_dom(html: &str) -> Result<String, OfficeError> {
    let chromium = find_chromium().ok_or(OfficeError::ChromiumNotFound)?;
    let dir = TempDir::new()?;
    let page = dir.write("document.html", html.as_bytes())?;
    let mut cmd = chromium_command(&chromium, &dir);
    cmd.arg("--dump-dom").arg(file_url(&page));
    let stdout = run(cmd, "Chromium", &dir)?;
    let dom = String::from_utf8_lossy(&stdout).into_owned();
    if dom.trim().is_empty() {
        return Err(OfficeError::NoOutput {
            program: "Chromium".into(),
            detail: "пустой DOM".into(),
        });
    }
    Ok(dom)
}

/// Rasterises every page of a PDF with `pdftoppm -png -r DPI`; PNG bytes per page, in order.
/// `dpi` is clamped to 10..=600.
pub fn pdf_to_png(pdf: &[u8], dpi: u32) -> Result<Vec<Vec<u8>>, OfficeError> {
    let pdftoppm = find_pdftoppm().ok_or(OfficeError::PdftoppmNotFound)?;
    let dir = TempDir::new()?;
    let input = dir.write("document.pdf", pdf)?;
    let mut cmd = Command::new(pdftoppm);
    cmd.arg("-png")
        .arg("-r")
        .arg(dpi.clamp(10, 600).to_string())
        .arg(&input)
        .arg(dir.path().join("page"));
    run(cmd, "pdftoppm", &dir)?;
    // pdftoppm names pages page-1.png … or page-01.png …, zero-padded to the page count's width.
    let mut pages: Vec<(u32, PathBuf)> = Vec::new();
    let entries = fs::read_dir(dir.path()).map_err(|e| OfficeError::io(dir.path(), e))?;
    for entry in entries {
        let path = entry.map_err(|e| OfficeError::io(dir.path(), e))?.path();
        let number = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("page-"))
            .and_then(|n| n.strip_suffix(".png"))
            .and_then(|n| n.parse::<u32>().ok());
        if let Some(number) = number {
            pages.push((number, path));
        }
    }
    if pages.is_empty() {
        return Err(OfficeError::NoOutput {
            program: "pdftoppm".into(),
            detail: "нет ни одной страницы".into(),
        });
    }
    pages.sort();
    pages
        .into_iter()
        .map(|(_, path)| fs::read(&path).map_err(|e| OfficeError::io(path, e)))
        .collect()
}

fn chromium_command(chromium: &Path, dir: &TempDir) -> Command {
    let mut profile = OsString::from("--user-data-dir=");
    profile.push(dir.path().join("profile"));
    let mut cmd = Command::new(chromium);
    cmd.arg("--headless")
        .arg("--no-sandbox")
        .arg("--disable-gpu")
        .arg("--disable-dev-shm-usage")
        .arg("--disable-extensions")
        .arg("--disable-background-networking")
        .arg("--disable-component-update")
        .arg("--disable-sync")
        .arg("--disable-breakpad")
        .arg("--no-first-run")
        .arg("--no-default-browser-check")
        .arg("--mute-audio")
        .arg("--hide-scrollbars")
        .arg(profile)
        // Chromium's helpers and fontconfig want a writable home and cache.
        .env("HOME", dir.path())
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"));
    cmd
}

/// Runs a command with stdout and stderr sent to files (no pipe can fill up), stops it after
/// [`TIMEOUT`], and returns its stdout.
fn run(mut cmd: Command, program: &str, dir: &TempDir) -> Result<Vec<u8>, OfficeError> {
    let out_path = dir.path().join(".stdout");
    let err_path = dir.path().join(".stderr");
    let out = File::create(&out_path).map_err(|e| OfficeError::io(&out_path, e))?;
    let err = File::create(&err_path).map_err(|e| OfficeError::io(&err_path, e))?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    let mut child = cmd.spawn().map_err(|source| OfficeError::Spawn {
        program: program.into(),
        source,
    })?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < TIMEOUT => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(OfficeError::Timeout {
                    program: program.into(),
                    seconds: TIMEOUT.as_secs(),
                });
            }
            Err(source) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(OfficeError::Spawn {
                    program: program.into(),
                    source,
                });
            }
        }
    };
    if !status.success() {
        let stderr = fs::read(&err_path).unwrap_or_default();
        return Err(OfficeError::ProgramFailed {
            program: program.into(),
            status: status.to_string(),
            stderr: tail(&String::from_utf8_lossy(&stderr), 2000),
        });
    }
    fs::read(&out_path).map_err(|e| OfficeError::io(&out_path, e))
}

/// The last `max` characters of a text (error messages stay readable).
fn tail(text: &str, max: usize) -> String {
    let text = text.trim();
    let n = text.chars().count();
    if n <= max {
        text.to_string()
    } else {
        let skipped: String = text.chars().skip(n - max).collect();
        format!("…{skipped}")
    }
}

/// `file://` URL of an absolute path, percent-encoding everything but unreserved characters and `/`.
pub(crate) fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    let raw = path.to_string_lossy();
    for b in raw.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                url.push(char::from(*b));
            }
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<Self, OfficeError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "bagalau-office-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&path).map_err(|e| OfficeError::io(&path, e))?;
        // Chromium needs an absolute path for its file:// URL.
        let path = fs::canonicalize(&path).unwrap_or(path);
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, OfficeError> {
        let path = self.0.join(name);
        fs::write(&path, bytes).map_err(|e| OfficeError::io(&path, e))?;
        Ok(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_percent_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/отчёт.html")),
            "file:///tmp/a%20b/%D0%BE%D1%82%D1%87%D1%91%D1%82.html"
        );
    }

    #[test]
    fn tail_keeps_the_end() {
        assert_eq!(tail("  abcdef ", 3), "…def");
        assert_eq!(tail("abc", 3), "abc");
    }

    #[test]
    fn temp_dirs_are_unique_and_removed() {
        let a = TempDir::new().expect("temp dir");
        let b = TempDir::new().expect("temp dir");
        assert_ne!(a.path(), b.path());
        let kept = a.path().to_path_buf();
        drop(a);
        assert!(!kept.exists());
    }

    #[test]
    fn missing_chromium_message_is_russian() {
        assert_eq!(
            OfficeError::ChromiumNotFound.to_string(),
            "Chromium не найден: установите пакет chromium или укажите путь в BAGALAU_CHROMIUM"
        );
    }
}
