//! Clean-up that survives the death of this process, whatever kills it (`kill -9` included).
//!
//! A [`Reaper`] is a small `sh` process in its own process group, reading a pipe whose only
//! writer is this process. It is told the temporary paths to remove and the process groups to
//! kill; when this process finishes its work it says `done` and the reaper exits doing nothing.
//! When this process dies first — a panic, `SIGINT`, `SIGTERM`, `SIGKILL`, the OOM killer — the
//! kernel closes the pipe, the reaper reads end-of-file without `done`, kills the recorded
//! process groups (Chromium and its helpers) and removes the recorded paths. Nothing has to run
//! inside the dying process, which is what makes this work for signals that cannot be trapped.

use std::io::Write;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

/// The reaper's program: collects `path P` and `group G` lines; `done` ends it quietly; end of
/// input without `done` kills the groups and removes the paths.
const SCRIPT: &str = r#"
trap '' INT TERM HUP PIPE
groups=""
while IFS= read -r line; do
  case "$line" in
    done) exit 0 ;;
    "path "*) set -- "$@" "${line#path }" ;;
    "group "*) groups="$groups ${line#group }" ;;
    "ungroup "*) groups=$(printf '%s\n' $groups | grep -vx "${line#ungroup }" | tr '\n' ' ') ;;
  esac
done
if [ -n "$groups" ]; then
  # Twice: a helper forked while the first signals were sent is in the group too.
  for g in $groups; do kill -9 "-$g" 2>/dev/null; done
  sleep 0.2
  for g in $groups; do kill -9 "-$g" 2>/dev/null; done
fi
[ "$#" -gt 0 ] && rm -rf -- "$@"
exit 0
"#;

/// A watcher process that cleans up after this one if it dies before [`Reaper::done`].
pub struct Reaper {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Reaper {
    /// Starts the watcher (`/bin/sh`). `None` when it cannot be started: clean-up then relies on
    /// this process alone (drops and explicit removal), as on systems without `sh`.
    pub fn spawn() -> Option<Reaper> {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(SCRIPT)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        {
            // Its own process group: a Ctrl-C at the terminal must not stop the clean-up.
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let mut child = cmd.spawn().ok()?;
        let stdin = child.stdin.take();
        Some(Reaper { child, stdin })
    }

    fn send(&mut self, line: &str) -> bool {
        match self.stdin.as_mut() {
            Some(w) => w
                .write_all(line.as_bytes())
                .and_then(|()| w.flush())
                .is_ok(),
            None => false,
        }
    }

    /// Records a path (file or folder) to remove if this process dies. Paths with a line break
    /// cannot be passed and are refused (`false`).
    pub fn watch_path(&mut self, path: &Path) -> bool {
        let text = path.to_string_lossy();
        if text.contains('\n') || text.contains('\r') || text.is_empty() {
            return false;
        }
        self.send(&format!("path {text}\n"))
    }

    /// Records a process group to kill if this process dies.
    pub fn watch_group(&mut self, pgid: u32) -> bool {
        self.send(&format!("group {pgid}\n"))
    }

    /// Forgets a process group (it has ended; its number may be reused).
    pub fn forget_group(&mut self, pgid: u32) -> bool {
        self.send(&format!("ungroup {pgid}\n"))
    }

    /// The work is finished and cleaned up: the reaper exits without touching anything.
    pub fn done(mut self) {
        self.send("done\n");
        self.stdin.take();
        let _ = self.child.wait();
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        // Dropped without `done` (an error path that unwound): closing the pipe makes the reaper
        // clean up now, as if this process had died.
        if self.stdin.take().is_some() {
            let _ = self.child.wait();
        }
    }
}

/// Kills a whole process group (a Chromium and every helper it started).
#[cfg(unix)]
pub fn kill_group(pgid: u32) {
    if let Ok(pid) = libc::pid_t::try_from(pgid) {
        if pid > 1 {
            // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}

#[cfg(not(unix))]
pub fn kill_group(_pgid: u32) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("bagalau-reaper-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("inner")).expect("dir");
        std::fs::write(dir.join("inner/file"), b"x").expect("file");
        dir
    }

    #[test]
    fn done_leaves_paths_alone() {
        let dir = scratch("done");
        let mut r = Reaper::spawn().expect("sh");
        assert!(r.watch_path(&dir));
        r.done();
        assert!(dir.join("inner/file").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn dropped_without_done_removes_paths() {
        let dir = scratch("drop");
        let mut r = Reaper::spawn().expect("sh");
        assert!(r.watch_path(&dir));
        drop(r);
        assert!(!dir.exists());
    }

    #[test]
    fn dropped_without_done_kills_groups() {
        use std::os::unix::process::CommandExt;
        let mut sleeper = Command::new("sleep")
            .arg("30")
            .process_group(0)
            .spawn()
            .expect("sleep");
        let mut r = Reaper::spawn().expect("sh");
        assert!(r.watch_group(sleeper.id()));
        drop(r);
        let status = sleeper.wait().expect("wait");
        assert!(!status.success(), "the group was killed");
    }
}
