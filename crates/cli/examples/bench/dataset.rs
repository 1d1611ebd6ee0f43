//! The bench's synthetic datasets of the 2014 edition, shared by the bench and by
//! `crates/cli/tests/issue10_scale.rs` (included there with `#[path]`): every body differs
//! (seeded pseudo-random inputs), ~80 % of the services surveyed.

use std::fmt::Write as _;
use std::path::Path;

/// SplitMix64: a small seeded generator, so that every run builds the same bodies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Writes `dataset.toml`, `bodies.csv` and `services.csv` for `bodies` distinct bodies
/// (alternately central and local) with `rows` services each; returns the number of rows.
pub fn generate(dir: &Path, bodies: usize, rows: usize, seed: u64) -> anyhow::Result<usize> {
    let mut r = Rng(seed);
    std::fs::write(
        dir.join("dataset.toml"),
        "title = \"Синтетический набор для замеров\"\nperiod = 2014\nedition = \"2014-services\"\n",
    )?;
    let mut b = String::from(
        "id,name,kind,new_services_included,no_additional_services_conclusion,standards_changed,\
standards_total,optimisation_impossible_conclusion,psc_late_reported,psc_late_monitoring,psc_total,\
body_late_reported,body_late_monitoring,body_total,portal_late,portal_total,elic_late,elic_total,\
failure_offline_total,failure_offline_late,failure_online_total,failure_online_late,\
prev_timeliness_violations,control_measures,standard_violations,e_requests,portal_paper_requests,\
psc_requests,body_paper_requests,services_delivered,avg_population,recon_late_facts,\
recon_incomplete_facts,recon_unreliable_facts,monitoring_late_entries,monitoring_technical\n",
    );
    let mut s = String::from(
        "body,service,name,standard_approved,delivery_method,psc_list_added,psc_impossible_decision,\
term_days,docs_from_is,docs_obtainable,satisfaction,informedness\n",
    );
    let opt = |r: &mut Rng, v: u64, p: u64| {
        if r.chance(p) {
            v.to_string()
        } else {
            String::new()
        }
    };
    for i in 0..bodies {
        let central = i % 2 == 0;
        let id = format!("B{i:05}");
        let kind = if central { "central" } else { "local" };
        let mut row = format!("{id},Орган {i},{kind}");
        if central {
            let total = r.int(0, 120);
            let changed = r.int(0, total);
            let _ = write!(
                row,
                ",{},{},{changed},{total},{}",
                r.int(0, 3),
                r.chance(10),
                r.chance(10)
            );
        } else {
            row.push_str(",,,,,");
        }
        let late_total = |r: &mut Rng, max: u64| {
            let total = if r.chance(5) { 0 } else { r.int(1, max) };
            let late = r.int(0, total / 500);
            (late, total)
        };
        // п.19: late services not connected to IS «Мониторинг» (the body's report) and, for
        // ~60 % of bodies, late connected services (the system's figures); together ≤ total.
        let (psc_late, psc_total) = late_total(&mut r, 9_000_000);
        let connected = r.int(0, psc_total / 500);
        let psc_mon = opt(&mut r, connected, 60);
        let (body_late, body_total) = late_total(&mut r, 3_000_000);
        let connected = r.int(0, body_total / 500);
        let body_mon = opt(&mut r, connected, 60);
        let (portal_late, portal_total) = late_total(&mut r, 9_000_000);
        let (elic_late, elic_total) = late_total(&mut r, 400_000);
        let prev = r.int(0, 5000);
        let prev = opt(&mut r, prev, 80);
        let violations = r.int(0, 3000);
        let _ = write!(
            row,
            ",{psc_late},{psc_mon},{psc_total},{body_late},{body_mon},{body_total},{portal_late},\
{portal_total},{elic_late},{elic_total},,,,,{prev},{},{violations}",
            r.int(0, violations + 10)
        );
        let requests: Vec<u64> = (0..4).map(|_| r.int(0, 9_000_000)).collect();
        let _ = write!(
            row,
            ",{},{},{},{},{}",
            requests[0],
            requests[1],
            requests[2],
            requests[3],
            r.int(0, 20_000_000)
        );
        if central {
            row.push(',');
        } else {
            let _ = write!(row, ",{}", r.int(100_000, 3_000_000));
        }
        let entries = r.int(0, 400);
        let _ = writeln!(
            row,
            ",{},{},{},{entries},{}",
            r.int(0, 8),
            r.int(0, 8),
            r.int(0, 8),
            r.int(0, entries)
        );
        b.push_str(&row);
        for k in 0..rows {
            let _ = write!(s, "{id},s{k},Услуга {k}");
            if central {
                let obtainable = r.int(0, 6);
                let _ = write!(
                    s,
                    ",{},{},{},{},{},{},{obtainable}",
                    !r.chance(5),
                    r.int(1, 5),
                    r.chance(20),
                    r.chance(10),
                    r.int(1, 30),
                    r.int(0, obtainable)
                );
            } else {
                s.push_str(",,,,,,,");
            }
            // ~80 % of services took part in the survey.
            for _ in 0..2 {
                if r.chance(80) {
                    let _ = write!(s, ",{}.{}", r.int(3, 9), r.int(0, 9));
                } else {
                    s.push(',');
                }
            }
            s.push('\n');
        }
    }
    std::fs::write(dir.join("bodies.csv"), b)?;
    std::fs::write(dir.join("services.csv"), s)?;
    Ok(bodies * rows)
}
