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
use crate::reaper::{kill_group, Reaper};

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
    let mut dir = TempDir::new()?;
    let page = dir.write("document.html", html.as_bytes())?;
    let pdf = dir.path().join("document.pdf");
    let mut print_to = OsString::from("--print-to-pdf=");
    print_to.push(&pdf);
    let mut cmd = chromium_command(&chromium, &dir);
    cmd.arg("--no-pdf-header-footer")
        .arg("--print-to-pdf-no-header")
        .arg(print_to)
        .arg(file_url(&page));
    run(cmd, "Chromium", &mut dir)?;
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
    dir.close();
    Ok(bytes)
}

/// Loads the HTML in headless Chromium and returns the DOM it built (`--dump-dom`): proof that
/// the page parses and renders in a real browser.
pub fn dump_dom(html: &str) -> Result<String, OfficeError> {
    let chromium = find_chromium().ok_or(OfficeError::ChromiumNotFound)?;
    let mut dir = TempDir::new()?;
    let page = dir.write("document.html", html.as_bytes())?;
    let mut cmd = chromium_command(&chromium, &dir);
    cmd.arg("--dump-dom").arg(file_url(&page));
    let stdout = run(cmd, "Chromium", &mut dir)?;
    dir.close();
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
    let mut dir = TempDir::new()?;
    let input = dir.write("document.pdf", pdf)?;
    let mut cmd = Command::new(pdftoppm);
    cmd.arg("-png")
        .arg("-r")
        .arg(dpi.clamp(10, 600).to_string())
        .arg(&input)
        .arg(dir.path().join("page"));
    run(cmd, "pdftoppm", &mut dir)?;
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
    let pages = pages
        .into_iter()
        .map(|(_, path)| fs::read(&path).map_err(|e| OfficeError::io(path, e)))
        .collect();
    dir.close();
    pages
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
    // Chromium's own temporary files (its singleton socket, shared memory fallbacks) go into our
    // folder too, so that removing it removes everything — unless the folder's path is so long
    // that the socket's path would exceed the 107 bytes a Unix socket name may have.
    if dir.path().as_os_str().len() <= MAX_TMPDIR_LEN {
        cmd.env("TMPDIR", dir.path());
    }
    cmd
}

/// Starts the program in a process group of its own (so that it and every helper it starts can
/// be killed together, and a Ctrl-C at the terminal reaches only us), dying with this process
/// on Linux (`PR_SET_PDEATHSIG`).
fn isolate(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = libc::pid_t::try_from(std::process::id()).unwrap_or(0);
        // SAFETY: between fork and exec only async-signal-safe calls (prctl, getppid) are made.
        unsafe {
            cmd.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The parent may have died before prctl: then nobody would send the signal.
                if libc::getppid() != parent {
                    return Err(std::io::Error::other("родительский процесс завершился"));
                }
                Ok(())
            });
        }
    }
}

/// Runs a command with stdout and stderr sent to files (no pipe can fill up), stops it after
/// [`TIMEOUT`], and returns its stdout. The program runs in its own process group, which is
/// killed when it exits (helpers it left behind), on timeout, and — through the temp folder's
/// reaper — when this process dies.
fn run(mut cmd: Command, program: &str, dir: &mut TempDir) -> Result<Vec<u8>, OfficeError> {
    let out_path = dir.path().join(".stdout");
    let err_path = dir.path().join(".stderr");
    let out = File::create(&out_path).map_err(|e| OfficeError::io(&out_path, e))?;
    let err = File::create(&err_path).map_err(|e| OfficeError::io(&err_path, e))?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    isolate(&mut cmd);
    let mut child = cmd.spawn().map_err(|source| OfficeError::Spawn {
        program: program.into(),
        source,
    })?;
    let pgid = child.id();
    if let Some(r) = dir.reaper.as_mut() {
        r.watch_group(pgid);
    }
    let started = Instant::now();
    let waited = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() < TIMEOUT => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Ok(None) => {
                break Err(OfficeError::Timeout {
                    program: program.into(),
                    seconds: TIMEOUT.as_secs(),
                })
            }
            Err(source) => {
                break Err(OfficeError::Spawn {
                    program: program.into(),
                    source,
                })
            }
        }
    };
    // The leader has exited (or is to be stopped): nothing of the group may outlive this call.
    kill_group(pgid);
    let _ = child.kill();
    let _ = child.wait();
    if let Some(r) = dir.reaper.as_mut() {
        r.forget_group(pgid);
    }
    let status = waited?;
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

/// Longest temporary folder given to Chromium as its `TMPDIR` (it adds
/// `/org.chromium.Chromium.XXXXXX/SingletonSocket`, 46 bytes, and a socket path has at most 107).
const MAX_TMPDIR_LEN: usize = 60;

/// Prefix of the temporary folders: `bagalau-office-<pid>-<n>-<hex nanos>` under the system temp
/// dir. The pid in the name lets a later run remove the folders of a run that is gone.
const TEMP_PREFIX: &str = "bagalau-office-";

/// A fresh directory under the system temp dir (with the browser profile inside), removed on
/// drop, and by its [`Reaper`] — with the program's process group killed — if this process dies.
struct TempDir {
    path: PathBuf,
    reaper: Option<Reaper>,
}

impl TempDir {
    fn new() -> Result<Self, OfficeError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        sweep_stale(&std::env::temp_dir());
        // Short names: Chromium puts a socket inside (see MAX_TMPDIR_LEN).
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "{TEMP_PREFIX}{}-{}-{nanos:x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // Watched before it exists: no moment at which a kill leaves it behind.
        let mut reaper = Reaper::spawn();
        if let Some(r) = reaper.as_mut() {
            r.watch_path(&path);
        }
        fs::create_dir(&path).map_err(|e| OfficeError::io(&path, e))?;
        // Chromium needs an absolute path for its file:// URL.
        let path = fs::canonicalize(&path).unwrap_or(path);
        Ok(TempDir { path, reaper })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the folder and dismisses the reaper (the success path).
    fn close(mut self) {
        let _ = fs::remove_dir_all(&self.path);
        if let Some(r) = self.reaper.take() {
            r.done();
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, OfficeError> {
        let path = self.path.join(name);
        fs::write(&path, bytes).map_err(|e| OfficeError::io(&path, e))?;
        Ok(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
        // A reaper still here means an error path: dropping it lets it clean up too.
    }
}

/// Removes temporary folders left by runs whose process no longer exists (a reaper that could not
/// do its work, e.g. the whole machine stopped). Folders of live processes are left alone.
fn sweep_stale(tmp: &Path) {
    let Ok(entries) = fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|n| n.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        if !alive && Path::new("/proc/self").exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
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
