"""The raw-record aggregation of `bagalau-aggregate` written for DuckDB (issue 13, benchmark).

Usage: python duckdb_raw.py DIR
DIR holds deliveries.parquet, failures.parquet and calendar.txt (written by the Rust bench:
`unix_day cumulative_working_days is_working` per day of the calendar).

The same query as the DataFusion plan: every record rule of docs/raw-records.md in the same order
(the first broken rule is the reason), the deadline in working days through the calendar's
ordinals (two joins with small tables: DuckDB's natural plan), in calendar days by addition, the
п.20 failure windows, then the count per body, service, channel, source, connection and code (a
refused record is counted by body, service and reason: its channel, source and connection are
left empty, as in the DataFusion plan).
Prints `rows wall_s peak_kb groups digest` — the digest is computed like the Rust bench's.
Times: arrow-rs writes `Timestamp(Second)` as a plain Parquet INT64 (Parquet has no unit of
seconds; the Arrow schema in the file's metadata restores the type for Arrow readers), so DuckDB
reads them as BIGINT seconds.
"""

import resource
import sys
import time

import duckdb


def main(d):
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(
        f"""CREATE TABLE cal0 AS SELECT * FROM read_csv('{d}/calendar.txt', delim=' ',
            header=false, columns={{'day': 'BIGINT', 'cum': 'INTEGER', 'working': 'INTEGER'}})"""
    )
    con.execute("CREATE TABLE cal AS SELECT day, cum FROM cal0")
    con.execute("CREATE TABLE wk AS SELECT cum AS k, day FROM cal0 WHERE working = 1")
    first, last = con.execute("SELECT min(day), max(day) FROM cal0").fetchone()
    # Failure windows (small): sound ones, merged per system, cut into slices of one day, so
    # that the records join them on (system, day) with the time inside the slice — at most one
    # slice matches a record.
    fw = con.execute(
        f"""SELECT CAST(system AS VARCHAR), start, "end"
            FROM read_parquet('{d}/failures.parquet') WHERE "end" > start ORDER BY 1, 2"""
    ).fetchall()
    merged = []
    for system, s, e in fw:
        if merged and merged[-1][0] == system and s <= merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], e)
        else:
            merged.append([system, s, e])
    slices = []
    for system, s, e in merged:
        while s < e:
            end_of_day = (s // 86400 + 1) * 86400
            slices.append((system, s // 86400, s, min(e, end_of_day)))
            s = min(e, end_of_day)
    con.execute("CREATE TABLE fw(system VARCHAR, day BIGINT, s BIGINT, e BIGINT)")
    if slices:
        values = ", ".join(f"('{a}', {b}, {c}, {e})" for a, b, c, e in slices)
        con.execute(f"INSERT INTO fw VALUES {values}")
    lo, hi = first * 86400, (last + 1) * 86400
    query = f"""
    WITH r AS (
      SELECT *,
        submitted AS ts, completed AS tc,
        CASE
          WHEN id IS NULL THEN 1
          WHEN source IS NULL THEN 1
          WHEN source NOT IN ('is', 'body') THEN 2
          WHEN service IS NULL THEN 1
          WHEN body IS NULL THEN 1
          WHEN channel IS NULL THEN 1
          WHEN channel NOT IN ('portal', 'psc', 'body', 'elicense') THEN 2
          WHEN submitted IS NULL THEN 1
          WHEN submitted < {lo} OR submitted >= {hi} THEN 4
          WHEN term IS NULL THEN 1
          WHEN term < 0 OR term > 3650 THEN 3
          WHEN term_unit IS NULL THEN 1
          WHEN term_unit NOT IN ('working_days', 'calendar_days') THEN 2
          WHEN completed IS NOT NULL AND (completed < {lo} OR completed >= {hi}) THEN 4
          WHEN status IS NULL THEN 1
          WHEN status NOT IN ('delivered', 'refused', 'in_progress') THEN 2
          WHEN connected IS NULL THEN 1
          WHEN (status = 'in_progress') = (completed IS NOT NULL) THEN 6
          WHEN (status = 'refused') <> (refusal_ground IS NOT NULL) THEN 7
          WHEN completed IS NOT NULL AND completed < submitted THEN 5
          ELSE 0
        END AS reason
      FROM read_parquet('{d}/deliveries.parquet')
    ),
    j AS (
      SELECT r.*, c.cum AS scum, r.ts // 86400 AS sday, r.tc // 86400 AS cday
      FROM r LEFT JOIN cal c ON c.day = r.ts // 86400
    ),
    k AS (
      SELECT j.*,
        CASE WHEN j.term_unit = 'calendar_days' THEN
               CASE WHEN j.sday + j.term <= {last} THEN j.sday + j.term END
             WHEN j.term = 0 THEN j.sday
             ELSE w.day END AS deadline
      FROM j LEFT JOIN wk w ON w.k = j.scum + j.term
    ),
    f AS (
      SELECT k.*, fw.s IS NOT NULL AS in_failure
      FROM k LEFT JOIN fw ON fw.system = CAST(k.channel AS VARCHAR) AND fw.day = k.cday
                         AND k.tc >= fw.s AND k.tc < fw.e
    ),
    coded AS (
      SELECT body, service,
        CASE WHEN reason = 0 THEN channel END AS channel,
        CASE WHEN reason = 0 THEN source END AS source,
        CASE WHEN reason = 0 THEN connected END AS connected,
        CASE WHEN reason <> 0 THEN reason ELSE
          (CASE WHEN term_unit = 'working_days' AND term = 1 THEN 2048 ELSE 0 END)
          + (CASE WHEN completed IS NULL THEN 1024 ELSE
               (CASE WHEN deadline IS NOT NULL AND cday > deadline THEN 256 ELSE 0 END)
               + (CASE WHEN in_failure THEN 512 ELSE 0 END)
             END)
        END AS code
      FROM f
    )
    SELECT CAST(body AS VARCHAR), CAST(service AS VARCHAR), CAST(channel AS VARCHAR),
           CAST(source AS VARCHAR), connected, code, count(*) AS n
    FROM coded GROUP BY ALL
    """
    rows = con.execute(query).fetchall()
    wall = time.perf_counter() - start
    total = sum(r[6] for r in rows)
    lines = sorted(
        "|".join(
            [
                "" if r[0] is None else r[0],
                "" if r[1] is None else r[1],
                "" if r[2] is None else r[2],
                "" if r[3] is None else r[3],
                "" if r[4] is None else ("true" if r[4] else "false"),
                str(r[5]),
                str(r[6]),
            ]
        )
        for r in rows
    )
    h = 0xCBF29CE484222325
    for line in lines:
        for b in line.encode() + b"\n":
            h ^= b
            h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{total} {wall:.3f} {peak} {len(lines)} {h:016x}")


if __name__ == "__main__":
    main(sys.argv[1])
