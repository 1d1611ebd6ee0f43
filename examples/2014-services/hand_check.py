#!/usr/bin/env python3
"""Independent hand computation of the 2014-services edition for one dataset folder.

Usage:
    python3 hand_check.py DATASET_DIR              # validate the data, print every value
    python3 hand_check.py DATASET_DIR --expected   # also (re)write DATASET_DIR/expected.csv

Standard library only (csv, fractions, tomllib). Exact rational arithmetic throughout.

Independence: the formula strings of methodologies/2014-services/*.toml are NOT parsed.
Every formula below is written by hand from its text in values.toml, criteria.toml and
penalties.toml (the TOML formula is quoted in the comment above each line). The constants
of parameters.toml and the scales of scales.toml are also written by hand; the TOML files
are read only to check that these hand-written constants and bands still match the edition,
and inputs.toml is read only to validate the CSV columns, types and min/max.
"""

import csv
import sys
import tomllib
from fractions import Fraction as F
from pathlib import Path

EDITION = "2014-services"
HERE = Path(__file__).resolve().parent
METHODOLOGY = HERE.parent.parent / "methodologies" / EDITION

# ---------------------------------------------------------------------------------------
# Constants of parameters.toml, written by hand (per group: central, local).
PARAMS = {
    "k_timeliness": {"central": F(10), "local": F(25)},
    "x_timeliness": {"central": F(-6), "local": F(-10)},
    "per_10000": F(10000),
    "z2_weight": F(5),
    "k_control": {"central": F(10), "local": F(20)},
    "k_users": {"central": F(10), "local": F(15)},
    "is_docs_points": F(1),
    "psc_list_bonus": F(3),
    "term_short_days": F(5),
    "d_long": F("0.8"),
    "pc_min": F("1.01"),
    "pc_max": F("1.10"),
    "total_cap": F(100),
}
DYNAMICS_PER_FACT, DYNAMICS_CAP = F("0.1"), F(3)
# Reconciliation-act rates per kind of fact (п.53: 0.2 for unreliable facts only; no rate in the
# text for late or incomplete reports), Monitoring entries, cap.
PENALTY_RECON_PER_FACT = {"late": F(0), "incomplete": F(0), "unreliable": F("0.2")}
PENALTY_MONITORING_PER_FACT, PENALTY_CAP = F("0.02"), F(5)
# Criterion maxima of criteria.toml (formulas refer to them as `max`).
K1_MAX, K2_MAX = F(3), F(25)
CONTROL_MAX = {"central": F(10), "local": F(20)}

# Appendix 6: delivery method -> points.
APP6 = {1: F(25), 2: F(20), 3: F(15), 4: F(10), 5: F(0)}


def app7(s):
    """Appendix 7 (satisfaction), bands [lo, next lo): 9.5..10 -> 25, 9.0 -> 22, ..."""
    for lo, pts in [("9.5", 25), ("9.0", 22), ("8.5", 19), ("8.0", 15), ("7.5", 12),
                    ("7.0", 10), ("6.5", 7), ("6.0", 5), ("5.5", 3)]:
        if s >= F(lo):
            return F(pts)
    return F(0)


def app8(s):
    """Appendix 8 (informedness), bands (prev upper, upper]: (9,10] -> 15, (8,9] -> 12, ...,
    [0,5] -> 0."""
    for lo, pts in [("9.0", 15), ("8.0", 12), ("7.0", 10), ("6.0", 7), ("5.0", 3)]:
        if s > F(lo):
            return F(pts)
    return F(0)


def p(code, kind=None):
    v = PARAMS[code]
    return v[kind] if isinstance(v, dict) else v


# ---------------------------------------------------------------------------------------
# Cross-checks of the hand-written constants against the edition files (no formula parsing).
def check_against_edition():
    problems = []
    params = tomllib.loads((METHODOLOGY / "parameters.toml").read_text("utf-8"))["parameter"]
    for prm in params:
        code, val = prm["code"], prm["value"]
        if code not in PARAMS:
            problems.append(f"parameter {code} is not known to hand_check.py")
            continue
        mine = PARAMS[code]
        if isinstance(val, dict):
            theirs = {k: F(str(v)) for k, v in val.items()}
            if not isinstance(mine, dict) or theirs != mine:
                problems.append(f"parameter {code}: edition {val}, hand_check {mine}")
        elif F(str(val)) != mine:
            problems.append(f"parameter {code}: edition {val}, hand_check {mine}")
    pens = {x["code"]: x for x in
            tomllib.loads((METHODOLOGY / "penalties.toml").read_text("utf-8"))["penalty"]}
    if F(str(pens["DYNAMICS"]["cap"])) != DYNAMICS_CAP:
        problems.append("DYNAMICS cap differs")
    if any(F(i["per_fact"]) != DYNAMICS_PER_FACT for i in pens["DYNAMICS"]["item"]):
        problems.append("DYNAMICS per_fact differs")
    if F(str(pens["PENALTY"]["cap"])) != PENALTY_CAP:
        problems.append("PENALTY cap differs")
    for i in pens["PENALTY"]["item"]:
        want = PENALTY_MONITORING_PER_FACT if i["code"] == "monitoring" \
            else PENALTY_RECON_PER_FACT[i["code"]]
        if F(i["per_fact"]) != want:
            problems.append(f"PENALTY item {i['code']} per_fact differs")
    scales = {s["code"]: s for s in
              tomllib.loads((METHODOLOGY / "scales.toml").read_text("utf-8"))["scale"]}
    for c in scales["app6_delivery"]["category"]:
        if APP6.get(c["value"]) != F(c["points"]):
            problems.append(f"app6 category {c['value']} differs")
    # Probe every band of app7/app8 at its ends and middle with the hand-written function.
    for code, fn in [("app7_satisfaction", app7), ("app8_informedness", app8)]:
        for band in scales[code]["band"]:
            r = band["range"]
            lo_c, hi_c = r[0] == "[", r[-1] == "]"
            lo, hi = (F(x.strip()) for x in r[1:-1].split(","))
            probes = [(lo + hi) / 2]
            if lo_c:
                probes.append(lo)
            else:
                probes.append(lo + F(1, 1000))
            if hi_c:
                probes.append(hi)
            else:
                probes.append(hi - F(1, 1000))
            for x in probes:
                if fn(x) != F(band["points"]):
                    problems.append(f"{code}: {x} -> hand {fn(x)}, edition band {r} "
                                    f"{band['points']}")
    return problems


# ---------------------------------------------------------------------------------------
# Data loading and validation against inputs.toml.
def load_inputs():
    doc = tomllib.loads((METHODOLOGY / "inputs.toml").read_text("utf-8"))
    return doc["input"]


def parse_cell(raw, inp):
    t = inp["type"]
    if t == "bool":
        if raw not in ("true", "false"):
            raise ValueError(f"bool expected, got {raw!r}")
        return raw == "true"
    if t == "integer":
        if not raw.lstrip("-").isdigit():
            raise ValueError(f"integer expected, got {raw!r}")
        v = F(int(raw))
    else:
        v = F(raw)
    if "min" in inp and v < F(str(inp["min"])):
        raise ValueError(f"{raw} below min {inp['min']}")
    if "max" in inp and v > F(str(inp["max"])):
        raise ValueError(f"{raw} above max {inp['max']}")
    return v


def applies(inp, kind):
    a = inp.get("applies")
    return a is None or kind in a["kinds"]


def read_table(path, key_cols, inputs, kind_of):
    errors = []
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        want = key_cols + [i["code"] for i in inputs]
        if header != want:
            errors.append(f"{path.name}: header\n  {header}\n  expected\n  {want}")
            return rows, errors
        for n, rec in enumerate(reader, start=2):
            if len(rec) != len(header):
                errors.append(f"{path.name}:{n}: {len(rec)} cells, expected {len(header)}")
                continue
            row = dict(zip(header, rec))
            kind = kind_of(row)
            for inp in inputs:
                raw = row[inp["code"]]
                if raw == "":
                    if applies(inp, kind) and not inp.get("optional", False):
                        errors.append(f"{path.name}:{n}: {inp['code']} is required")
                    row[inp["code"]] = None
                    continue
                if not applies(inp, kind):
                    errors.append(f"{path.name}:{n}: {inp['code']} does not apply to {kind}")
                try:
                    row[inp["code"]] = parse_cell(raw, inp)
                except ValueError as e:
                    errors.append(f"{path.name}:{n}: {inp['code']}: {e}")
            rows.append(row)
    return rows, errors


def load_dataset(folder):
    folder = Path(folder)
    meta = tomllib.loads((folder / "dataset.toml").read_text("utf-8"))
    assert meta["edition"] == EDITION, meta["edition"]
    inputs = load_inputs()
    body_inputs = [i for i in inputs if "table" not in i]
    svc_inputs = [i for i in inputs if i.get("table") == "services"]
    errors = []
    bodies, e = read_table(folder / "bodies.csv", ["id", "name", "kind"], body_inputs,
                           lambda r: r["kind"])
    errors += e
    kinds = {}
    for b in bodies:
        if b["kind"] not in ("central", "local"):
            errors.append(f"bodies.csv: {b['id']}: bad kind {b['kind']}")
        if b["id"] in kinds:
            errors.append(f"bodies.csv: duplicate id {b['id']}")
        kinds[b["id"]] = b["kind"]
    services, e = read_table(folder / "services.csv", ["body", "service", "name"], svc_inputs,
                             lambda r: kinds.get(r["body"], "?"))
    errors += e
    seen = set()
    for s in services:
        if s["body"] not in kinds:
            errors.append(f"services.csv: unknown body {s['body']}")
        if (s["body"], s["service"]) in seen:
            errors.append(f"services.csv: duplicate service {s['body']}/{s['service']}")
        seen.add((s["body"], s["service"]))
    by_body = {b["id"]: [] for b in bodies}
    for s in services:
        by_body.setdefault(s["body"], []).append(s)
    return meta, bodies, by_body, errors


# ---------------------------------------------------------------------------------------
# The hand computation.
def has(x):
    return x is not None


def mean_or_none(xs):
    return sum(xs, F(0)) / len(xs) if xs else None


def compute(bodies, by_body):
    R = {}  # body id -> dict of values
    # ---- phase 1: per body ----
    for b in bodies:
        kind = b["kind"]
        svcs = by_body[b["id"]]
        v = {"kind": kind}
        R[b["id"]] = v

        # service_kinds = count(services)
        v["service_kinds"] = F(len(svcs))

        if kind == "central":
            sum_a = F(0)
            for s in svcs:
                # svc_points_b = if(psc_impossible_decision and delivery_method >= 4,
                #   scale(app6_delivery, 3), scale(app6_delivery, delivery_method))
                #   + if(psc_list_added, psc_list_bonus, 0)
                m = int(s["delivery_method"])
                bpts = APP6[3] if (s["psc_impossible_decision"] and m >= 4) else APP6[m]
                bpts += p("psc_list_bonus") if s["psc_list_added"] else F(0)
                # svc_term_d = if(term_days <= term_short_days, 1, d_long)
                d = F(1) if s["term_days"] <= p("term_short_days") else p("d_long")
                # svc_score_a = if(not standard_approved, 0, if(docs_obtainable == 0 or
                #   (delivery_method == 5 and not psc_impossible_decision), b * d,
                #   b * d + is_docs_points * docs_from_is / docs_obtainable))
                if not s["standard_approved"]:
                    a = F(0)
                elif s["docs_obtainable"] == 0 or (m == 5 and not s["psc_impossible_decision"]):
                    a = bpts * d
                else:
                    a = bpts * d + p("is_docs_points") * s["docs_from_is"] / s["docs_obtainable"]
                s["_b"], s["_d"], s["_a"] = bpts, d, a
                sum_a += a
            v["sum_a"] = sum_a
            # W_share = if(optimisation_impossible_conclusion, 1,
            #   if(standards_total == 0, 0, standards_changed / standards_total))
            if b["optimisation_impossible_conclusion"]:
                W = F(1)
            elif b["standards_total"] == 0:
                W = F(0)
            else:
                W = b["standards_changed"] / b["standards_total"]
            v["W_share"] = W
            # K1 = if(new_services_included > 0 or no_additional_services_conclusion, max, 0)
            v["K1"] = K1_MAX if (b["new_services_included"] > 0
                                        or b["no_additional_services_conclusion"]) else F(0)
            # K2 = if(service_kinds == 0, 0, min(max, W_share * sum(services, svc_score_a)
            #   / service_kinds)), max = 25
            z = v["service_kinds"]
            v["K2"] = F(0) if z == 0 else min(K2_MAX, W * sum_a / z)

        # п.19: connected services' violations from IS «Мониторинг», the others' from the body:
        # psc_late = value_or(psc_late_monitoring, 0) + psc_late_reported; same for body_late
        def or0(x):
            return x if has(x) else F(0)
        psc_late = or0(b["psc_late_monitoring"]) + b["psc_late_reported"]
        body_late = or0(b["body_late_monitoring"]) + b["body_late_reported"]
        v["psc_late"], v["body_late"] = psc_late, body_late
        # п.20: services of a documented failure period are left out.
        # viol_rate_offline = if(max(0, b + d - failure_offline_total) == 0, 0,
        #   max(0, a + c - failure_offline_late) / max(0, b + d - failure_offline_total) * 10000)
        den = max(F(0), b["psc_total"] + b["body_total"] - or0(b["failure_offline_total"]))
        num = max(F(0), psc_late + body_late - or0(b["failure_offline_late"]))
        v["viol_rate_offline"] = F(0) if den == 0 else num / den * p("per_10000")
        # viol_rate_online: the same with i, n, q, f and the online failure figures
        den = max(F(0), b["portal_total"] + b["elic_total"] - or0(b["failure_online_total"]))
        num = max(F(0), b["portal_late"] + b["elic_late"] - or0(b["failure_online_late"]))
        v["viol_rate_online"] = F(0) if den == 0 else num / den * p("per_10000")
        # timeliness_Z1 = max(0, k_timeliness + x_timeliness * viol_rate_offline)
        v["Z1_raw"] = p("k_timeliness", kind) + p("x_timeliness", kind) * v["viol_rate_offline"]
        v["timeliness_Z1"] = max(F(0), v["Z1_raw"])
        if kind == "central":
            # timeliness_Z2 = max(0, z2_weight + x_timeliness * viol_rate_online)
            v["Z2_raw"] = p("z2_weight") + p("x_timeliness", kind) * v["viol_rate_online"]
            v["timeliness_Z2"] = max(F(0), v["Z2_raw"])
        else:
            # timeliness_R2 = x_timeliness * viol_rate_online
            v["timeliness_R2"] = p("x_timeliness", kind) * v["viol_rate_online"]
        # timeliness_violations = max(0, psc_late + body_late + portal_late + elic_late
        #   - failure_offline_late - failure_online_late)
        v["timeliness_violations"] = max(F(0), psc_late + body_late + b["portal_late"]
                                         + b["elic_late"] - or0(b["failure_offline_late"])
                                         - or0(b["failure_online_late"]))
        # DYNAMICS: facts = if(has(prev), max(0, violations - prev), 0); 0.1 per fact, cap 3
        prev = b["prev_timeliness_violations"]
        facts = max(F(0), v["timeliness_violations"] - prev) if has(prev) else F(0)
        v["dynamics_facts"] = facts
        v["DYNAMICS"] = min(DYNAMICS_CAP, facts * DYNAMICS_PER_FACT)
        # P1 = max(0, Z1 + Z2 - DYNAMICS) (central) / max(0, Z1 + R2 - DYNAMICS) (local)
        second = v["timeliness_Z2"] if kind == "central" else v["timeliness_R2"]
        v["P1_raw"] = v["timeliness_Z1"] + second - v["DYNAMICS"]
        P1 = max(F(0), v["P1_raw"])
        # P2 = if(standard_violations == 0, max,
        #   min(max, k_control * control_measures / standard_violations)), max = 10 / 20
        kc, top = p("k_control", kind), CONTROL_MAX[kind]
        P2 = top if b["standard_violations"] == 0 else \
            min(top, kc * b["control_measures"] / b["standard_violations"])
        if kind == "central":
            v["K3_P1"], v["K3_P2"] = P1, P2
            v["K3"] = P1 + P2                      # K3 = K3_P1 + K3_P2
        else:
            v["M1_P1"], v["M1_P2"] = P1, P2
            v["M1"] = P1 + P2                      # M1 = M1_P1 + M1_P2

        # satisfaction_own = mean(services, scale(app7, satisfaction), has(satisfaction))
        v["satisfaction_own"] = mean_or_none(
            [app7(s["satisfaction"]) for s in svcs if has(s["satisfaction"])])
        # informedness_own = mean(services, scale(app8, informedness), has(informedness))
        v["informedness_own"] = mean_or_none(
            [app8(s["informedness"]) for s in svcs if has(s["informedness"])])

        # users_share = if(a + b + c + d == 0, 1, (a + c) / (a + b + c + d))
        a_, b_, c_, d_ = (b["e_requests"], b["portal_paper_requests"], b["psc_requests"],
                          b["body_paper_requests"])
        tot = a_ + b_ + c_ + d_
        v["users_share"] = F(1) if tot == 0 else (a_ + c_) / tot
        # K5_P2 / M3_P2 = k_users * users_share
        v["users_points"] = p("k_users", kind) * v["users_share"]

        # load_volume: central = services_delivered; local = services_delivered / avg_population
        v["load_volume"] = b["services_delivered"] if kind == "central" else \
            b["services_delivered"] / b["avg_population"]

        # PENALTY: rate per reconciliation fact by kind + 0.02 per max(0, L1 - L2); cap 5
        recon = sum((b[f"recon_{k}_facts"] * r for k, r in PENALTY_RECON_PER_FACT.items()), F(0))
        mon = max(F(0), b["monitoring_late_entries"] - b["monitoring_technical"])
        v["penalty_raw"] = recon + mon * PENALTY_MONITORING_PER_FACT
        v["PENALTY"] = min(PENALTY_CAP, v["penalty_raw"])

    # ---- phase 2: across the group (same kind) ----
    for kind in ("central", "local"):
        ids = [b["id"] for b in bodies if b["kind"] == kind]
        if not ids:
            continue
        G = [R[i] for i in ids]
        sat_vals = [g["satisfaction_own"] for g in G if has(g["satisfaction_own"])]
        inf_vals = [g["informedness_own"] for g in G if has(g["informedness_own"])]
        sat_mean, inf_mean = mean_or_none(sat_vals), mean_or_none(inf_vals)

        def minmax(code):
            lo, hi = min(g[code] for g in G), max(g[code] for g in G)
            for g in G:
                # minmax(x, 1) = (x - min) / (max - min), or 1 if max = min
                g[code + "_scaled"] = F(1) if hi == lo else (g[code] - lo) / (hi - lo)

        minmax("load_volume")
        minmax("service_kinds")
        for g in G:
            # load_index = load_volume_scaled * load_kinds_scaled
            g["load_index"] = g["load_volume_scaled"] * g["service_kinds_scaled"]
        idx = [g["load_index"] for g in G]
        lo, hi, mean = min(idx), max(idx), sum(idx, F(0)) / len(idx)
        top = sorted({x for x in idx if x >= mean})
        for g in G:
            g["load_mean"] = mean
            # PC = if(load_index >= group_mean,
            #   spread(load_index, pc_min, pc_max, load_index >= group_mean), 1)
            if g["load_index"] >= mean:
                k, j = len(top), top.index(g["load_index"]) + 1
                g["PC"] = p("pc_max") if k == 1 else \
                    p("pc_min") + (p("pc_max") - p("pc_min")) * (j - 1) / (k - 1)
            else:
                g["PC"] = F(1)

            # K4/M2 = if(has(satisfaction_own), satisfaction_own, group_mean(satisfaction_own))
            sat = g["satisfaction_own"] if has(g["satisfaction_own"]) else sat_mean
            # K5_P1/M3_P1 = if(has(informedness_own), informedness_own, group_mean(...))
            inf = g["informedness_own"] if has(g["informedness_own"]) else inf_mean
            if kind == "central":
                g["K4"], g["K5_P1"], g["K5_P2"] = sat, inf, g["users_points"]
                g["K5"] = inf + g["users_points"]          # K5 = K5_P1 + K5_P2
                # TOTAL = K1 + K2 + K3 + K4 + K5
                g["TOTAL"] = g["K1"] + g["K2"] + g["K3"] + g["K4"] + g["K5"]
            else:
                g["M2"], g["M3_P1"], g["M3_P2"] = sat, inf, g["users_points"]
                g["M3"] = inf + g["users_points"]          # M3 = M3_P1 + M3_P2
                # TOTAL = M1 + M2 + M3
                g["TOTAL"] = g["M1"] + g["M2"] + g["M3"]
            # O = max(0, min(total_cap, TOTAL * PC) - PENALTY)
            g["TOTAL_PC"] = g["TOTAL"] * g["PC"]
            g["O"] = max(F(0), min(p("total_cap"), g["TOTAL_PC"]) - g["PENALTY"])
    return R


NODES = {
    "central": ["K1", "K2", "K3", "K3_P1", "K3_P2", "K4", "K5", "K5_P1", "K5_P2",
                "PC", "DYNAMICS", "PENALTY", "TOTAL", "O"],
    "local": ["M1", "M1_P1", "M1_P2", "M2", "M3", "M3_P1", "M3_P2",
              "PC", "DYNAMICS", "PENALTY", "TOTAL", "O"],
}
DETAIL = {
    "central": ["service_kinds", "sum_a", "W_share", "psc_late", "body_late",
                "viol_rate_offline", "viol_rate_online", "Z1_raw", "timeliness_Z1", "Z2_raw",
                "timeliness_Z2", "timeliness_violations", "dynamics_facts", "P1_raw",
                "satisfaction_own", "informedness_own", "users_share", "load_volume",
                "load_volume_scaled", "service_kinds_scaled", "load_index", "load_mean",
                "penalty_raw", "TOTAL_PC"],
    "local": ["service_kinds", "psc_late", "body_late", "viol_rate_offline",
              "viol_rate_online", "Z1_raw", "timeliness_Z1", "timeliness_R2",
              "timeliness_violations", "dynamics_facts", "P1_raw", "satisfaction_own",
              "informedness_own", "users_share", "load_volume", "load_volume_scaled",
              "service_kinds_scaled", "load_index", "load_mean", "penalty_raw", "TOTAL_PC"],
}


def dec(x, places=10):
    """Decimal string of a Fraction rounded half-up (away from zero) to `places` decimals,
    trailing zeros removed."""
    if x is None:
        return "—"
    sign = "-" if x < 0 else ""
    x = abs(x)
    scaled = x * 10 ** places
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    s = str(q).rjust(places + 1, "0")
    ip, fp = s[:-places], s[-places:].rstrip("0")
    if q == 0:
        sign = ""
    return f"{sign}{ip}.{fp}" if fp else f"{sign}{ip}"


def exact(x):
    return f"{x.numerator}/{x.denominator}"


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    folder = Path(argv[1])
    problems = check_against_edition()
    if problems:
        print("EDITION MISMATCH (hand_check.py constants are stale):")
        for x in problems:
            print("  " + x)
        return 1
    meta, bodies, by_body, errors = load_dataset(folder)
    if errors:
        print("DATA ERRORS:")
        for x in errors:
            print("  " + x)
        return 1
    R = compute(bodies, by_body)
    print(f"# {meta['title']} (edition {meta['edition']}, period {meta['period']})")
    for b in bodies:
        v = R[b["id"]]
        print(f"\n== {b['id']} — {b['name']} ({b['kind']})")
        for code in DETAIL[b["kind"]]:
            print(f"   {code:22} {dec(v.get(code))}")
        for code in NODES[b["kind"]]:
            print(f"   {code:22} {dec(v[code]):>18}   {exact(v[code])}")
    print("\n== summary: O by body")
    for kind in ("central", "local"):
        for b in [b for b in bodies if b["kind"] == kind]:
            v = R[b["id"]]
            print(f"   {kind:7} {b['id']:6} TOTAL={dec(v['TOTAL'], 4):>9}  PC={dec(v['PC'], 4):>6}"
                  f"  PENALTY={dec(v['PENALTY'], 4):>6}  O={dec(v['O'], 4)}")
    if "--expected" in argv:
        out = folder / "expected.csv"
        with open(out, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["body", "node", "value", "exact"])
            for b in bodies:
                v = R[b["id"]]
                for code in NODES[b["kind"]]:
                    w.writerow([b["id"], code, dec(v[code]), exact(v[code])])
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
