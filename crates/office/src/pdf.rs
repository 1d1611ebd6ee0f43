//! PDF by printing the HTML rendering with headless Chromium, and PNG pages via `pdftoppm`.
//!
//! No Rust PDF library: Chromium lays out Cyrillic text, tables with repeated headers and SVG
//! exactly as the browser shows the HTML file, so the PDF and the HTML cannot disagree.
//! Debian packages: `chromium`, `poppler-utils` (for [`pdf_to_png`]), `fonts-dejavu-core`.

use std::ffi::OsString;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::cdp::{base64_decode, Connection};
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

/// Prints the HTML to PDF (A4, as its `@page` rule says) with headless Chromium: a
/// [`PdfSession`] started for this one document. To print several documents, keep one session.
pub fn html_to_pdf(html: &str) -> Result<Vec<u8>, OfficeError> {
    let mut session = PdfSession::start_with_tabs(1)?;
    let pdf = session.print(html)?;
    session.close();
    Ok(pdf)
}

/// Pages a session loads and prints at the same time (tabs of the one browser). Two: on the
/// 2-core machine the bench ran on, 117 conclusions took 54 s with one tab, 37 s with two and
/// 46 s with four (load average 12–14 from other work).
pub const TABS: usize = 2;

/// How long closing the browser may take before its process group is killed.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// One headless Chromium driven over the DevTools protocol (`--remote-debugging-pipe`): started
/// once, it prints any number of documents (`Page.printToPDF`, the page set up by the HTML's
/// own `@page` rule — size, margins, the «стр. N из M» margin box), [`TABS`] at a time.
///
/// The browser runs in its own process group with its profile, `HOME` and `TMPDIR` in a
/// temporary folder; a [`Reaper`] kills the group and removes the folder if this process dies
/// (`kill -9` included), and the browser also dies with the thread that started it
/// (`PR_SET_PDEATHSIG`): use and drop a session on the thread that started it.
/// [`PdfSession::close`] ends it cleanly; dropping it kills the browser.
pub struct PdfSession {
    conn: Option<Connection>,
    child: Option<Child>,
    pgid: u32,
    /// The `sessionId`s of the tabs.
    tabs: Vec<String>,
    dir: Option<TempDir>,
    /// Documents printed (names the pages' files).
    printed: u64,
}

impl PdfSession {
    /// Starts the browser and opens its tabs. [`OfficeError::ChromiumNotFound`] when there is no
    /// Chromium (see [`find_chromium`]).
    pub fn start() -> Result<Self, OfficeError> {
        Self::start_with_tabs(TABS)
    }

    /// Starts the browser with `tabs` tabs (at least one).
    fn start_with_tabs(tabs: usize) -> Result<Self, OfficeError> {
        let chromium = find_chromium().ok_or(OfficeError::ChromiumNotFound)?;
        let mut dir = TempDir::new()?;
        // The browser reads commands from its fd 3 and writes answers to its fd 4.
        let (commands_in, commands_out) = pipe()?;
        let (answers_in, answers_out) = pipe()?;
        let err_path = dir.path().join(".stderr");
        let err = File::create(&err_path).map_err(|e| OfficeError::io(&err_path, e))?;
        let mut cmd = chromium_command(&chromium, &dir);
        cmd.arg("--remote-debugging-pipe")
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(err));
        isolate(&mut cmd);
        give_pipe_fds(&mut cmd, &commands_in, &answers_out);
        let child = cmd.spawn().map_err(|source| OfficeError::Spawn {
            program: "Chromium".into(),
            source,
        })?;
        let pgid = child.id();
        if let Some(r) = dir.reaper.as_mut() {
            r.watch_group(pgid);
        }
        // Only the browser may hold these ends, or it would never see the end of its input.
        drop(commands_in);
        drop(answers_out);
        let mut session = PdfSession {
            conn: None,
            child: Some(child),
            pgid,
            tabs: Vec::new(),
            dir: Some(dir),
            printed: 0,
        };
        session.conn = Some(Connection::new(commands_out, answers_in)?);
        session
            .open_tabs(tabs.max(1))
            .map_err(|e| session.explain(e))?;
        Ok(session)
    }

    fn conn(&mut self) -> Result<&mut Connection, OfficeError> {
        self.conn
            .as_mut()
            .ok_or_else(|| OfficeError::Browser("сеанс закрыт".into()))
    }

    fn open_tabs(&mut self, tabs: usize) -> Result<(), OfficeError> {
        for _ in 0..tabs {
            let conn = self.conn()?;
            let target = conn.call(
                None,
                "Target.createTarget",
                json!({ "url": "about:blank" }),
                TIMEOUT,
            )?;
            let target_id = target["targetId"].as_str().unwrap_or_default().to_string();
            let attached = conn.call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target_id, "flatten": true }),
                TIMEOUT,
            )?;
            let Some(session) = attached["sessionId"].as_str().map(str::to_string) else {
                return Err(OfficeError::Browser("вкладка без sessionId".into()));
            };
            conn.call(Some(&session), "Page.enable", json!({}), TIMEOUT)?;
            // Crash events (a browser without them still prints: the deadline stays the limit).
            let _ = conn.call(Some(&session), "Inspector.enable", json!({}), TIMEOUT);
            self.tabs.push(session);
        }
        Ok(())
    }

    /// Adds the end of the browser's error output to an error (why it stopped answering).
    fn explain(&self, e: OfficeError) -> OfficeError {
        let Some(dir) = self.dir.as_ref() else {
            return e;
        };
        match e {
            OfficeError::Browser(detail) => {
                let stderr = fs::read(dir.path().join(".stderr")).unwrap_or_default();
                let stderr = tail(&String::from_utf8_lossy(&stderr), 1000);
                if stderr.is_empty() {
                    OfficeError::Browser(detail)
                } else {
                    OfficeError::Browser(format!("{detail}; вывод Chromium: {stderr}"))
                }
            }
            other => other,
        }
    }

    /// Prints one HTML document to PDF.
    pub fn print(&mut self, html: &str) -> Result<Vec<u8>, OfficeError> {
        let mut pdfs = self.print_all(&[html])?;
        pdfs.pop()
            .ok_or_else(|| OfficeError::Browser("нет PDF".into()))
    }

    /// Prints HTML documents to PDF, in order, [`TABS`] at a time.
    pub fn print_all(&mut self, htmls: &[&str]) -> Result<Vec<Vec<u8>>, OfficeError> {
        let mut pdfs = Vec::with_capacity(htmls.len());
        for chunk in htmls.chunks(self.tabs.len().max(1)) {
            let printed = self.print_chunk(chunk).map_err(|e| self.explain(e))?;
            pdfs.extend(printed);
        }
        Ok(pdfs)
    }

    fn print_chunk(&mut self, htmls: &[&str]) -> Result<Vec<Vec<u8>>, OfficeError> {
        let tabs: Vec<String> = self.tabs.iter().take(htmls.len()).cloned().collect();
        let Some(dir) = self.dir.as_ref() else {
            return Err(OfficeError::Browser("сеанс закрыт".into()));
        };
        let mut files = Vec::with_capacity(htmls.len());
        for html in htmls {
            self.printed += 1;
            files.push(dir.write(&format!("page-{}.html", self.printed), html.as_bytes())?);
        }
        let deadline = Instant::now() + TIMEOUT;
        let conn = self.conn()?;
        // Load every page, then print every page: the tabs lay out and print side by side.
        let mut navigations = Vec::with_capacity(tabs.len());
        for (tab, file) in tabs.iter().zip(&files) {
            conn.forget_events(tab);
            navigations.push(conn.send(
                Some(tab),
                "Page.navigate",
                json!({ "url": file_url(file) }),
            )?);
        }
        for id in navigations {
            let nav = conn.response(id, deadline, "Page.navigate")?;
            if let Some(error) = nav["errorText"].as_str().filter(|t| !t.is_empty()) {
                return Err(OfficeError::Browser(format!(
                    "страница не открылась: {error}"
                )));
            }
        }
        // Each page is printed as soon as it has loaded, while the others may still load.
        let mut prints: Vec<Option<u64>> = vec![None; tabs.len()];
        while prints.iter().any(Option::is_none) {
            let loading: Vec<&str> = tabs
                .iter()
                .zip(&prints)
                .filter(|(_, p)| p.is_none())
                .map(|(t, _)| t.as_str())
                .collect();
            // A crashed page never loads: its crash ends the wait at once.
            let loaded = conn.wait(deadline, "Page.loadEventFired", |m| {
                m["sessionId"]
                    .as_str()
                    .is_some_and(|s| loading.contains(&s))
                    && (m["method"] == "Page.loadEventFired"
                        || m["method"] == "Inspector.targetCrashed")
            })?;
            if loaded["method"] == "Inspector.targetCrashed" {
                return Err(OfficeError::Browser("страница аварийно завершилась".into()));
            }
            let Some(k) = tabs
                .iter()
                .position(|t| loaded["sessionId"].as_str() == Some(t.as_str()))
            else {
                continue;
            };
            prints[k] = Some(conn.send(
                Some(&tabs[k]),
                "Page.printToPDF",
                json!({
                    "printBackground": true,
                    "preferCSSPageSize": true,
                    "displayHeaderFooter": false,
                    "transferMode": "ReturnAsBase64",
                }),
            )?);
        }
        let prints: Vec<u64> = prints.into_iter().flatten().collect();
        let mut pdfs = Vec::with_capacity(prints.len());
        for id in prints {
            let result = conn.response(id, deadline, "Page.printToPDF")?;
            let bytes = result["data"]
                .as_str()
                .and_then(base64_decode)
                .ok_or_else(|| OfficeError::Browser("ответ printToPDF без данных".into()))?;
            if !bytes.starts_with(b"%PDF") {
                return Err(OfficeError::NoOutput {
                    program: "Chromium".into(),
                    detail: "файл не является PDF".into(),
                });
            }
            pdfs.push(bytes);
        }
        for file in files {
            let _ = fs::remove_file(file);
        }
        Ok(pdfs)
    }

    /// Closes the browser, waits for it, removes the temporary folder and dismisses the reaper.
    pub fn close(mut self) {
        if let Some(conn) = self.conn.as_mut() {
            if conn.send(None, "Browser.close", json!({})).is_ok() {
                if let Some(child) = self.child.as_mut() {
                    let started = Instant::now();
                    while started.elapsed() < CLOSE_TIMEOUT {
                        if !matches!(child.try_wait(), Ok(None)) {
                            break;
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            }
        }
        self.stop();
        if let Some(conn) = self.conn.take() {
            conn.close();
        }
        if let Some(dir) = self.dir.take() {
            dir.close();
        }
    }

    /// Kills the browser's process group (whatever is left of it) and reaps the browser.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill_group(self.pgid);
            let _ = child.kill();
            let _ = child.wait();
            if let Some(r) = self.dir.as_mut().and_then(|d| d.reaper.as_mut()) {
                r.forget_group(self.pgid);
            }
        }
    }
}

impl Drop for PdfSession {
    fn drop(&mut self) {
        self.stop();
        // The connection's reader ends when the browser's end of the pipe closes (it is dead);
        // the folder is removed by `TempDir`'s drop and its reaper.
    }
}

/// A pipe whose ends are closed on `exec` (only the descriptors given to the browser as 3 and 4
/// survive into it): `(read end, write end)`.
#[cfg(target_os = "linux")]
fn pipe() -> Result<(File, File), OfficeError> {
    use std::os::fd::FromRawFd;
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pipe2 writes two descriptors into the array we own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(OfficeError::Spawn {
            program: "Chromium".into(),
            source: std::io::Error::last_os_error(),
        });
    }
    // SAFETY: both descriptors were just created and are owned by nothing else.
    Ok(unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) })
}

#[cfg(not(target_os = "linux"))]
fn pipe() -> Result<(File, File), OfficeError> {
    Err(OfficeError::Spawn {
        program: "Chromium".into(),
        source: std::io::Error::other(
            "протокол DevTools через канал поддерживается только в Linux",
        ),
    })
}

/// Makes `commands` the child's descriptor 3 and `answers` its descriptor 4.
#[cfg(target_os = "linux")]
fn give_pipe_fds(cmd: &mut Command, commands: &File, answers: &File) {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let (commands, answers) = (commands.as_raw_fd(), answers.as_raw_fd());
    // SAFETY: between fork and exec only async-signal-safe calls (fcntl, dup2, close) are made.
    unsafe {
        cmd.pre_exec(move || {
            // Copies above 4 first, so that neither source is overwritten by the other's dup2.
            let c = libc::fcntl(commands, libc::F_DUPFD_CLOEXEC, 10);
            let a = libc::fcntl(answers, libc::F_DUPFD_CLOEXEC, 10);
            if c < 0 || a < 0 || libc::dup2(c, 3) < 0 || libc::dup2(a, 4) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::close(c);
            libc::close(a);
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn give_pipe_fds(_cmd: &mut Command, _commands: &File, _answers: &File) {}

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
