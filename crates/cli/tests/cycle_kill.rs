//! Issue 12, acceptance: 50 `kill -9` at random moments during `cycle import`, `cycle compute`
//! and `cycle recompute` leave a store that `cycle verify` accepts, with no partial run: after
//! each kill the store verifies (audit chain, events replayed, every recorded run present with its
//! hashes and reproduced from the stored data), and the cycle holds either the state
//! before the command or the state after it.
//!
//! SQLite (the default store), the 2014 example: import; compute; re-verification facts for MJ
//! (2 unreliable facts), then the recomputation that records a second run. Each phase is repeated
//! with a kill at a random delay (uniform up to the phase's measured duration) until the command
//! survives (at most five kills per phase and round, then it runs to the end); rounds repeat on
//! fresh stores until 50 kills. The seed is printed;
//! `BAGALAU_KILL_SEED` replays a sequence.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const ADMIN: &str = "administrator:Администратор:Админова";
const AGENCY: &str = "authorized_body:Агентство Республики Казахстан по делам государственной службы и противодействию коррупции:Иванов";
const KILLS: usize = 50;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn command(dir: &Path, today: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bagalau"));
    c.current_dir(root())
        .env_remove("BAGALAU_DATABASE_URL")
        .arg("cycle")
        .args([
            "--data-dir",
            &dir.display().to_string(),
            "--cycle",
            "k",
            "--today",
            today,
        ])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn run(dir: &Path, today: &str, args: &[&str]) -> String {
    let out = command(dir, today, args).output().expect("bagalau runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

/// The number of events and runs `status` reports.
fn state(dir: &Path) -> (usize, usize) {
    let s = run(dir, "2015-03-01", &["status"]);
    let events = s
        .lines()
        .find_map(|l| l.strip_prefix("Событий: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let runs = s.lines().filter(|l| l.starts_with("Расчёт ")).count();
    (events, runs)
}

struct Phase {
    name: &'static str,
    today: &'static str,
    args: &'static [&'static str],
    /// The (events, runs) the phase's success makes, from the state before it.
    done: fn((usize, usize)) -> (usize, usize),
}

#[test]
fn kill_9_during_import_compute_and_recompute_leaves_a_verified_store() {
    let seed = std::env::var("BAGALAU_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    eprintln!("cycle_kill: seed {seed} (BAGALAU_KILL_SEED={seed} replays it)");
    let mut rng = Rng(seed);
    let start = Instant::now();
    let with_auth = |a: &'static [&'static str]| a;
    let phases = [
        Phase {
            name: "import",
            today: "2015-01-12",
            args: with_auth(&["--as", ADMIN, "import", "--data", "examples/2014-services"]),
            done: |(e, r)| (e + 1, r),
        },
        Phase {
            name: "compute",
            today: "2015-01-13",
            args: &["--as", ADMIN, "compute"],
            done: |(e, r)| (e + 1, r + 1),
        },
        Phase {
            name: "recompute",
            today: "2015-02-25",
            args: &["--as", ADMIN, "recompute"],
            done: |(e, r)| (e + 1, r + 1),
        },
    ];
    // Each phase's duration, measured once on an unkilled round.
    let mut durations = [Duration::ZERO; 3];
    let mut kills = [0usize; 3];
    let mut survived = [0usize; 3];
    let mut round = 0;
    while kills.iter().sum::<usize>() < KILLS {
        round += 1;
        let tmp = tempfile::tempdir().expect("temp");
        let dir = tmp.path();
        run(
            dir,
            "2015-01-12",
            &[
                "--as",
                ADMIN,
                "create",
                "--edition",
                "2014-services",
                "--data",
                "examples/2014-services",
                "--reporting-deadline",
                "2015-02-15",
            ],
        );
        for (i, phase) in phases.iter().enumerate() {
            if phase.name == "recompute" {
                run(
                    dir,
                    "2015-02-20",
                    &["--as", ADMIN, "stage", "reverification"],
                );
                run(
                    dir,
                    "2015-02-20",
                    &[
                        "--as",
                        AGENCY,
                        "select",
                        "--body",
                        "MJ",
                        "--direction",
                        "public_services",
                        "--reason",
                        "риск",
                    ],
                );
                run(
                    dir,
                    "2015-02-24",
                    &[
                        "--as",
                        AGENCY,
                        "facts",
                        "--body",
                        "MJ",
                        "--direction",
                        "public_services",
                        "--description",
                        "2 факта",
                        "--penalty",
                        "unreliable=2",
                    ],
                );
                let s = run(dir, "2015-02-24", &["status"]);
                assert!(s.contains("нужен пересчёт"), "{s}");
            }
            let before = state(dir);
            let after = (phase.done)(before);
            let mut tries = 0;
            loop {
                tries += 1;
                // The first round measures; later rounds kill at most five times per phase, so
                // every phase is killed about as often.
                if durations[i] == Duration::ZERO || tries > 5 {
                    let t = Instant::now();
                    run(dir, phase.today, phase.args);
                    durations[i] = t.elapsed();
                    survived[i] += 1;
                    assert_eq!(state(dir), after, "{}", phase.name);
                    break;
                }
                let max = durations[i].as_micros().max(1) as u64;
                let delay = Duration::from_micros(rng.next() % max);
                let mut child = command(dir, phase.today, phase.args)
                    .spawn()
                    .expect("spawn");
                std::thread::sleep(delay);
                let killed = child.try_wait().expect("wait").is_none();
                if killed {
                    child.kill().expect("kill -9");
                }
                let status = child.wait().expect("wait");
                if killed {
                    kills[i] += 1;
                }
                // The store verifies, and the cycle is either before or after the command.
                let v = command(dir, phase.today, &["verify"])
                    .output()
                    .expect("verify");
                assert!(
                    v.status.success(),
                    "round {round}, {} killed after {delay:?}: {}",
                    phase.name,
                    String::from_utf8_lossy(&v.stderr)
                );
                let now = state(dir);
                assert!(
                    now == before || now == after,
                    "round {round}, {}: {now:?}, expected {before:?} or {after:?}",
                    phase.name
                );
                if now == after {
                    if !killed {
                        assert!(status.success());
                        survived[i] += 1;
                    }
                    break;
                }
                if kills.iter().sum::<usize>() >= KILLS {
                    break;
                }
            }
            if kills.iter().sum::<usize>() >= KILLS {
                break;
            }
        }
    }
    eprintln!(
        "cycle_kill: {round} rounds, kills import/compute/recompute {kills:?}, completed {survived:?}, durations {durations:?}, {:?} in all",
        start.elapsed()
    );
    assert!(
        kills.iter().all(|&k| k > 0),
        "every phase killed at least once: {kills:?}"
    );
}
