#!/usr/bin/env python3
"""The 2014-services edition computed exactly, independently of the project's code, for the
bench (crates/cli/examples/bench.rs).

Usage:
    python3 exact_2014.py DATASET_DIR

Reads DATASET_DIR/{dataset.toml,bodies.csv,services.csv} with the hand computation of
examples/2014-services/hand_check.py (standard library only, Python `fractions`; every formula
written by hand from the edition's text, no formula parsing, no Rust code), writes the final
score O of every body as an exact fraction to DATASET_DIR/python_scores.csv (the format the
bench's engine child writes: `body,O` then `id,numerator/denominator`) and prints the time of
the computation alone, in milliseconds: CPU time of the process, then wall time.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "2014-services"))
import hand_check  # noqa: E402


def main(argv):
    folder = Path(argv[1])
    problems = hand_check.check_against_edition()
    if problems:
        print("edition mismatch: " + "; ".join(problems), file=sys.stderr)
        return 1
    _meta, bodies, by_body, errors = hand_check.load_dataset(folder)
    if errors:
        print("data errors: " + "; ".join(errors[:10]), file=sys.stderr)
        return 1
    t, c = time.perf_counter(), time.process_time()
    R = hand_check.compute(bodies, by_body)
    cpu_ms = (time.process_time() - c) * 1e3
    ms = (time.perf_counter() - t) * 1e3
    lines = ["body,O"]
    for b in bodies:
        o = R[b["id"]]["O"]
        lines.append(f"{b['id']},{o.numerator}/{o.denominator}")
    (folder / "python_scores.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{cpu_ms:.1f} {ms:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
