#!/usr/bin/env python3
"""The CAB benchmark suite: generate it, run it beside CP-SAT.

    scripts/cab_suite.py generate DIR [--sizes 50,200,1000,3000,10000]
    scripts/cab_suite.py run DIR [--time-limit 10] [--peer-time-limit 60]
                                 [--threads 2] [--csv FILE] [--only FAMILY,...]

Standard library only; drives the windowplan binary (env WINDOWPLAN, default
target/release/windowplan) and, for the peer, scripts/cpsat_inventory.py under
the Python in env PEER_PY (a venv with ortools; without PEER_PY the peer
columns are left empty and a note says so).

`generate` writes, deterministically for a given windowplan build:

  examples/      the project's example inventories (examples/*.yaml)
  hand/          the hand-written CAB nights of tests/fixtures/cab/ (when present)
  n<N>/          for each size N and pressure (relaxed, binding): a format 1.1
                 estate of about N tasks (`windowplan generate --format11
                 --seed 1 --pressure P --tasks N`) and variants of it, each
                 derived from a known plan K of the base estate (windowplan,
                 one thread, seed 1, so the suite is repeatable):
    base         the estate as generated; K is written beside it
    deadline-at  the deadline at K's end (feasible by construction: K)
    deadline-up  the deadline 5 minutes after K's end (feasible: K)
    vendor-edge  every team with `available` hours ends them at the last end
                 of that team's work in K (feasible: K)
    vendor-tight the same hours cut 30 minutes further (feasibility unknown)
    vendor-short the hours cut until the team's work cannot fit: sum of its
                 demand x duration > capacity x minutes available (infeasible,
                 by that count; every single task still fits, so it is no
                 validation error)
    cpath        the deadline one minute before the longest chain of time
                 lags and releases ends (infeasible: the chain alone)
    maxdown-plan each service's `max_downtime` at its downtime in K (feasible: K)
    maxdown-at   ... at its floor (`windowplan availability`, least downtime any
                 plan can have; feasibility unknown)     (N <= 200 only)
    maxdown-up   ... at its floor + 15 minutes (unknown)  (N <= 200 only)
    downtime     the base estate planned with --objective downtime (N <= 200)
  suite.json     the manifest: one entry per instance (family, size, file,
                 known plan, expectation, the reason for it, objective)

Every known plan is checked with `windowplan check` when it is written.
Files are JSON; sizes above --max-size are skipped (default: every size).

`run` plans every instance (`windowplan plan --threads T --time-limit L
--seed 1`), checks every plan it returns with `windowplan check`, exports the
core problem (`windowplan export --format json`) and solves it with CP-SAT
(`--workers T`, the same run), checks every CP-SAT schedule with `windowplan
check` as well, and prints per family: instances, found, proven optimal,
proven infeasible, not found, mean gap of the window to windowplan's bound,
and the same figures for CP-SAT with the mean ratio windowplan / CP-SAT of
the window (over the instances both solved), and for the downtime objective
the total weighted downtime of each. A line `MISS` names each instance where
windowplan found no plan although one is known (by construction or from
CP-SAT); a line `CONFLICT` each plan that fails its check, each proof of
infeasibility where a plan exists, and each proven optimum the other solver
beats. Exit 1 on a conflict.

CP-SAT's horizon: the deadline when the inventory has one; else, when the
model is time-indexed (a `max_downtime`, or the downtime objective), the
length of the known plan or, without one, of windowplan's plan (an upper
bound either way: a shorter schedule is still allowed, but then INFEASIBLE
proves nothing and is not counted); else the trivial RCPSP/max horizon (last
time point named + the sum over activities of max(duration, largest
outgoing lag)), under which INFEASIBLE is counted as "no schedule within
that horizon".
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SIZES = [50, 200, 1000, 3000, 10000]


def wp_bin() -> str:
    return os.environ.get("WINDOWPLAN") or os.path.join(ROOT, "target", "release", "windowplan")


def wp(*args, timeout=None) -> subprocess.CompletedProcess:
    return subprocess.run([wp_bin(), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def write_json(path: str, value) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


# --- generation --------------------------------------------------------------------


def local(start: str, minutes: int) -> str:
    """Wall-clock time `minutes` after a local `YYYY-MM-DDTHH:MM` (no zone change in the window)."""
    t = dt.datetime.fromisoformat(start) + dt.timedelta(minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M")


def minutes_between(a: str, b: str) -> int:
    return int((dt.datetime.fromisoformat(b) - dt.datetime.fromisoformat(a)).total_seconds() // 60)


def known_plan(inv_path: str, out_path: str, seconds: int) -> dict:
    r = wp("plan", inv_path, "--format", "json", "-o", out_path, "--threads", "1",
           "--seed", "1", "--time-limit", f"{seconds}s", "-q")
    if r.returncode != 0:
        raise RuntimeError(f"no known plan for {inv_path} (exit {r.returncode}): {r.stderr.strip()}")
    with open(out_path, encoding="utf-8") as f:
        return json.load(f)


def check(inv_path: str, plan_path: str) -> tuple[bool, str]:
    r = wp("check", inv_path, plan_path)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def export(inv_path: str) -> dict:
    r = wp("export", inv_path, "--format", "json")
    if r.returncode != 0:
        raise RuntimeError(f"export {inv_path}: {r.stderr.strip()}")
    return json.loads(r.stdout)


def chain_end(problem: dict) -> int | None:
    """Earliest end of the longest chain of releases and time lags (Bellman-Ford);
    None on a positive cycle (no schedule at all)."""
    acts, prec = problem["activities"], problem["precedences"]
    es = [max(0, a["release"]) for a in acts]
    for _ in range(len(acts) + 1):
        changed = False
        for e in prec:
            v = es[e["from"]] + e["lag"]
            if v > es[e["to"]]:
                es[e["to"]] = v
                changed = True
        if not changed:
            return max((es[i] + a["duration"] for i, a in enumerate(acts)), default=0)
    return None


class Suite:
    def __init__(self, out: str, plan_seconds: int):
        self.out = out
        self.plan_seconds = plan_seconds
        self.entries: list[dict] = []

    def add(self, family: str, size, name: str, doc, known: str | None, expect: str,
            reason: str, objective: str = "makespan", src: str | None = None) -> str:
        os.makedirs(os.path.join(self.out, family), exist_ok=True)
        rel = os.path.join(family, name + (os.path.splitext(src)[1] if src else ".json"))
        path = os.path.join(self.out, rel)
        if src:
            shutil.copyfile(src, path)
        else:
            write_json(path, doc)
        entry = {"name": f"{family}/{name}", "family": family, "size": size, "inventory": rel,
                 "known_plan": None, "expect": expect, "reason": reason, "objective": objective}
        if known:
            ok, msg = check(path, known)
            if not ok:
                raise RuntimeError(f"known plan {known} fails on {path}: {msg}")
            kp = os.path.join(family, name + ".known-plan.json")
            shutil.copyfile(known, os.path.join(self.out, kp))
            entry["known_plan"] = kp
        self.entries.append(entry)
        return path

    def estate(self, n: int, pressure: str, tmp: str) -> None:
        fam = f"n{n}"
        base_path = os.path.join(tmp, f"{fam}-{pressure}.json")
        r = wp("generate", "--kind", "estate", "--format11", "--seed", "1", "--pressure",
               pressure, "--tasks", n, "--format", "json", "-o", base_path)
        if r.returncode != 0:
            raise RuntimeError(f"generate: {r.stderr.strip()}")
        with open(base_path, encoding="utf-8") as f:
            base = json.load(f)
        kp_path = os.path.join(tmp, f"{fam}-{pressure}.plan.json")
        kp = known_plan(base_path, kp_path, self.plan_seconds)
        length = kp["length_minutes"]
        start = base["window"]["start"]
        tag = pressure

        def variant(**changes):
            d = json.loads(json.dumps(base))
            for k, v in changes.items():
                d[k] = v
            return d

        self.add(fam, n, f"{tag}-base", base, kp_path, "feasible", "known plan")
        for name, extra in (("deadline-at", 0), ("deadline-up", 5)):
            w = dict(base["window"], deadline=local(start, length + extra))
            self.add(fam, n, f"{tag}-{name}", variant(window=w), kp_path, "feasible",
                     f"known plan of {length} min, deadline {length + extra}")
        export_doc = export(base_path)
        self.vendor_variants(fam, n, tag, base, kp, kp_path, export_doc)
        problem = export_doc["problem"]
        ce = chain_end(problem)
        if ce is not None and ce > 0:
            w = dict(base["window"], deadline=local(start, ce - 1))
            self.add(fam, n, f"{tag}-cpath", variant(window=w), None, "infeasible",
                     f"the longest chain of lags ends at minute {ce} > deadline {ce - 1}")
        self.maxdown_variants(fam, n, tag, base, kp, kp_path, base_path)

    def vendor_variants(self, fam, n, tag, base, kp, kp_path, export_doc):
        start = base["window"]["start"]
        teams = [t for t in base["teams"] if t.get("available")]
        if not teams:
            return
        team_ids = {t["id"] for t in teams}
        last = {t: 0 for t in team_ids}
        work = {t: 0 for t in team_ids}
        longest = {t: 0 for t in team_ids}
        problem = export_doc["problem"]
        res_team = {r: res["name"][len("team "):] for r, res in enumerate(problem["resources"])
                    if res["name"].startswith("team ") and res["name"][len("team "):] in team_ids}
        start_of = {t["id"]: t["start_minute"] for t in kp["tasks"]}
        for entry, act in zip(export_doc["legend"], problem["activities"]):
            s0 = start_of[entry["id"]]
            for dm in act["demands"]:
                t = res_team.get(dm["resource"])
                if t is not None and act["duration"] > 0:
                    last[t] = max(last[t], s0 + act["duration"])
                    work[t] += act["duration"] * dm["amount"]
                    longest[t] = max(longest[t], act["duration"])

        def cut(end_of):
            teams_out = []
            for t in base["teams"]:
                t = dict(t)
                if t["id"] in team_ids and t["id"] in end_of:
                    lo, _ = t["available"][0].split("/")
                    t["available"] = [f"{lo}/{local(start, end_of[t['id']])}"]
                teams_out.append(t)
            d = json.loads(json.dumps(base))
            d["teams"] = teams_out
            return d

        single = all(len(t["available"]) == 1 for t in teams)
        team_ids = {t for t in team_ids if work[t] > 0}
        if not single or not team_ids:
            return
        opens = {t["id"]: minutes_between(start, t["available"][0].split("/")[0]) for t in teams}
        edge = {t: max(last[t], opens[t] + longest[t]) for t in team_ids}
        self.add(fam, n, f"{tag}-vendor-edge", cut(edge), kp_path, "feasible",
                 "hours end at the last end of the team's work in the known plan")
        tight = {t: max(edge[t] - 30, opens[t] + longest[t]) for t in team_ids}
        if any(tight[t] < edge[t] for t in team_ids):
            self.add(fam, n, f"{tag}-vendor-tight", cut(tight), None, "unknown",
                     "hours up to 30 min shorter than in the known plan")
        caps = {t["id"]: t.get("capacity", 1) for t in teams}
        short, why = {}, []
        for t in team_ids:
            minutes = math.ceil(work[t] / caps[t]) - 1
            if minutes >= longest[t] and work[t] > 0:
                short[t] = opens[t] + minutes
                why.append(f"team {t}: {work[t]} min of work, capacity {caps[t]} x {minutes} min")
        if short:
            self.add(fam, n, f"{tag}-vendor-short", cut(short), None, "infeasible",
                     "; ".join(why))

    def maxdown_variants(self, fam, n, tag, base, kp, kp_path, base_path):
        if not base.get("services"):
            return
        down = {s["id"]: s["downtime_minutes"] for s in kp.get("services", [])}

        def limited(limit_of):
            d = json.loads(json.dumps(base))
            for s in d["services"]:
                if s["id"] in limit_of:
                    s["max_downtime"] = f"{limit_of[s['id']]}m"
            return d

        self.add(fam, n, f"{tag}-maxdown-plan", limited(down), kp_path, "feasible",
                 "each service's max_downtime at its downtime in the known plan")
        if n > 200:
            return
        r = wp("availability", base_path, "--format", "json", "--time-limit", "2s")
        if r.returncode != 0:
            raise RuntimeError(f"availability {base_path}: {r.stderr.strip()}")
        floor = {s["service"]: s["least_downtime_minutes"] for s in json.loads(r.stdout)["services"]}
        self.add(fam, n, f"{tag}-maxdown-at", limited(floor), None, "unknown",
                 "each service's max_downtime at its floor (availability)")
        self.add(fam, n, f"{tag}-maxdown-up", limited({k: v + 15 for k, v in floor.items()}),
                 None, "unknown", "each service's max_downtime 15 min above its floor")
        self.add(fam, n, f"{tag}-downtime", base, kp_path, "feasible", "known plan",
                 objective="downtime")


def generate(a) -> int:
    out = a.dir
    os.makedirs(out, exist_ok=True)
    suite = Suite(out, a.plan_seconds)
    for p in [] if a.no_examples else sorted(os.listdir(os.path.join(ROOT, "examples"))):
        if p.endswith(".yaml"):
            suite.add("examples", None, p[:-5], None, None, "unknown", "example",
                      src=os.path.join(ROOT, "examples", p))
    hand = a.hand or os.path.join(ROOT, "tests", "fixtures", "cab")
    if os.path.isdir(hand) and not a.no_examples:
        for p in sorted(os.listdir(hand)):
            if p.endswith((".yaml", ".json")) and ".plan" not in p and "known" not in p:
                stem = os.path.splitext(p)[0]
                plan = next((os.path.join(hand, q) for q in (stem + ".plan.json", stem + ".known-plan.json")
                             if os.path.exists(os.path.join(hand, q))), None)
                suite.add("hand", None, stem, None, plan, "feasible" if plan else "unknown",
                          "hand-made plan" if plan else "hand-written night",
                          src=os.path.join(hand, p))
    sizes = [int(s) for s in a.sizes.split(",")] if a.sizes else SIZES
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            for pressure in a.pressures.split(","):
                t0 = time.monotonic()
                suite.estate(n, pressure, tmp)
                print(f"n{n} {pressure}: {time.monotonic() - t0:.1f} s", file=sys.stderr)
    write_json(os.path.join(out, "suite.json"),
               {"format": "windowplan-cab-suite/1", "instances": suite.entries})
    print(f"{len(suite.entries)} instances in {out}", file=sys.stderr)
    return 0


# --- running -------------------------------------------------------------------------


def run_windowplan(inv, objective, a, work) -> dict:
    plan = os.path.join(work, "wp-plan.json")
    if os.path.exists(plan):
        os.remove(plan)
    args = ["plan", inv, "--format", "json", "-o", plan, "--threads", a.threads, "--seed", "1",
            "--time-limit", f"{a.time_limit}s", "-q"]
    if objective == "downtime":
        args += ["--objective", "downtime"]
    t0 = time.monotonic()
    r = wp(*args, timeout=a.time_limit * 3 + 60)
    res = {"exit": r.returncode, "wall_s": round(time.monotonic() - t0, 2), "makespan": None,
           "bound": None, "optimal": False, "infeasible": r.returncode == 1, "check": None,
           "downtime": None}
    if r.returncode == 0:
        with open(plan, encoding="utf-8") as f:
            p = json.load(f)
        res["makespan"] = p["length_minutes"]
        res["bound"] = p.get("lower_bound_minutes")
        res["optimal"] = p.get("status") == "optimal"
        res["downtime"] = weighted_downtime(inv, p)
        ok, msg = check(inv, plan)
        res["check"] = ok
        if not ok:
            res["check_msg"] = msg[:500]
    elif r.returncode == 2:
        res["error"] = r.stderr.strip()[:500]
    return res


def weighted_downtime(inv_path: str, plan: dict) -> float | None:
    """Sum of weight x downtime minutes over the services (JSON inventories only)."""
    if not inv_path.endswith(".json"):
        return None
    with open(inv_path, encoding="utf-8") as f:
        weight = {s["id"]: s.get("weight", 1) for s in json.load(f).get("services", [])}
    return float(sum(weight.get(s["id"], 1) * s["downtime_minutes"]
                     for s in plan.get("services", [])))


def run_peer(inv, objective, a, work, horizon) -> dict | None:
    py = os.environ.get("PEER_PY")
    if not py:
        return None
    prob = os.path.join(work, "problem.json")
    r = wp("export", inv, "--format", "json", "-o", prob)
    if r.returncode != 0:
        return {"status": "EXPORT_FAILED", "makespan": None, "error": r.stderr.strip()[:300]}
    if isinstance(horizon, str):
        # the length of the known plan in this file, under the exported durations
        with open(prob, encoding="utf-8") as f:
            doc = json.load(f)
        with open(horizon, encoding="utf-8") as f:
            starts = {t["id"]: t["start_minute"] for t in json.load(f)["tasks"]}
        horizon = max((starts[l["id"]] + act["duration"] for l, act in
                       zip(doc["legend"], doc["problem"]["activities"])), default=0)
    plan = os.path.join(work, "cp-plan.json")
    if os.path.exists(plan):
        os.remove(plan)
    args = [py, os.path.join(HERE, "cpsat_inventory.py"), prob, "--time-limit",
            str(a.peer_time_limit), "--workers", str(a.threads), "--plan", plan,
            "--objective", objective]
    if horizon is not None:
        args += ["--horizon", str(horizon)]
    t0 = time.monotonic()
    try:
        r = subprocess.run(args, capture_output=True, text=True,
                           timeout=a.peer_time_limit * 3 + 120)
    except subprocess.TimeoutExpired:
        return {"status": "TIMEOUT", "makespan": None, "wall_s": round(time.monotonic() - t0, 2)}
    try:
        res = json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"status": "ERROR", "makespan": None, "error": r.stderr.strip()[-300:]}
    res["wall_s"] = round(time.monotonic() - t0, 2)
    if res.get("makespan") is not None:
        ok, msg = check(inv, plan)
        res["check"] = ok
        if not ok:
            res["check_msg"] = msg[:500]
    return res


def needs_signals(inv_path: str, objective: str) -> bool:
    """Whether the CP-SAT model will be time-indexed (limits with max_on, or downtime)."""
    if objective == "downtime":
        return True
    with open(inv_path, encoding="utf-8") as f:
        text = f.read()
    return "max_downtime" in text


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def fmt(x, spec=".2f", none="-"):
    return none if x is None else format(x, spec)


def run(a) -> int:
    with open(os.path.join(a.dir, "suite.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    only = set(a.only.split(",")) if a.only else None
    rows, problems, misses = [], [], []
    if not os.environ.get("PEER_PY"):
        print("note: PEER_PY is not set: CP-SAT is not run (peer columns empty)", file=sys.stderr)
    with tempfile.TemporaryDirectory() as work:
        for e in manifest["instances"]:
            if only and e["family"] not in only and e["name"] not in only:
                continue
            if a.max_size and (e["size"] or 0) > a.max_size:
                continue
            if a.min_size and (e["size"] or 0) < a.min_size:
                continue
            inv = os.path.join(a.dir, e["inventory"])
            w = run_windowplan(inv, e["objective"], a, work)
            horizon = None
            if needs_signals(inv, e["objective"]):
                # the time-indexed model needs a short horizon: a known plan's
                # length, else windowplan's (an upper bound either way: a
                # shorter schedule is still allowed)
                known = os.path.join(a.dir, e["known_plan"]) if e["known_plan"] else None
                horizon = known or w["makespan"]
            if horizon is not None and a.peer_max_indexed is not None \
                    and (e["size"] or 0) > a.peer_max_indexed:
                c = None  # the time-indexed CP-SAT model would not be built in time
            else:
                c = run_peer(inv, e["objective"], a, work, horizon)
            row = {"instance": e["name"], "family": family_key(e), "expect": e["expect"],
                   "wp_exit": w["exit"], "wp_makespan": w["makespan"], "wp_bound": w["bound"],
                   "wp_optimal": w["optimal"], "wp_infeasible": w["infeasible"],
                   "wp_check": w["check"], "wp_wall_s": w["wall_s"],
                   "cp_status": c and c.get("status"), "cp_makespan": c and c.get("makespan"),
                   "cp_bound": c and c.get("bound"), "cp_horizon_from": c and c.get("horizon_from"),
                   "cp_check": c and c.get("check"), "cp_wall_s": c and c.get("wall_s"),
                   "objective": e["objective"],
                   "wp_downtime": w.get("downtime") if e["objective"] == "downtime" else None,
                   "cp_downtime": (c and c.get("downtime")) if e["objective"] == "downtime" else None}
            rows.append(row)
            problems += conflicts(e, w, c)
            if w["exit"] == 3 and (e["expect"] == "feasible" or (c and c.get("makespan") is not None)):
                misses.append(f"{e['name']}: windowplan found no plan in {a.time_limit} s; "
                              + ("a known plan exists" if e["expect"] == "feasible" else
                                 f"CP-SAT has {c.get('makespan')}"))
            print(f"{e['name']}: windowplan exit {w['exit']} {w['makespan']} (bound {w['bound']}, "
                  f"{'optimal' if w['optimal'] else ''}) {w['wall_s']} s"
                  + (f"; CP-SAT {c.get('status')} {c.get('makespan')} (bound {c.get('bound')}) "
                     f"{c.get('wall_s')} s" if c else ""), file=sys.stderr)
    if a.csv:
        with open(a.csv, "w", newline="", encoding="utf-8") as f:
            wr = csv.DictWriter(f, fieldnames=list(rows[0].keys()) if rows else ["instance"])
            wr.writeheader()
            wr.writerows(rows)
    print(summary(rows))
    for m in misses:
        print("MISS " + m)
    for p in problems:
        print("CONFLICT " + p)
    return 1 if problems else 0


def family_key(e) -> str:
    """Family of an instance for the summary: the variant and the size."""
    if e["size"] is None:
        return e["family"]
    variant = e["name"].split("/", 1)[1].split("-", 1)[1]
    return f"{variant} n{e['size']}"


def conflicts(e, w, c) -> list[str]:
    out = []
    n = e["name"]
    if w["check"] is False:
        out.append(f"{n}: windowplan's plan fails check: {w.get('check_msg')}")
    if c and c.get("check") is False:
        out.append(f"{n}: CP-SAT's schedule fails check: {c.get('check_msg')}")
    if e["expect"] == "feasible" and w["infeasible"]:
        out.append(f"{n}: windowplan says infeasible, a known plan exists")
    if e["expect"] == "infeasible" and w["makespan"] is not None:
        out.append(f"{n}: windowplan found a plan of an infeasible instance ({e['reason']})")
    if c:
        proof = c.get("horizon_from") == "deadline"
        if c.get("status") == "INFEASIBLE" and proof and (e["expect"] == "feasible" or w["makespan"] is not None):
            out.append(f"{n}: CP-SAT proves infeasible, a plan exists")
        if w["infeasible"] and c.get("makespan") is not None and c.get("check"):
            out.append(f"{n}: windowplan proves infeasible, CP-SAT has a checked schedule")
        if w["optimal"] and c.get("makespan") is not None and c["makespan"] < w["makespan"] \
                and e["objective"] == "makespan":
            out.append(f"{n}: windowplan proved {w['makespan']} optimal, CP-SAT has {c['makespan']}")
        if c.get("status") == "OPTIMAL" and e["objective"] == "makespan" and w["makespan"] is not None \
                and w["makespan"] < c["makespan"] and c.get("horizon_from") != "given":
            out.append(f"{n}: CP-SAT proved {c['makespan']} optimal, windowplan has {w['makespan']}")
    return out


def summary(rows) -> str:
    fams: dict[str, list] = {}
    for r in rows:
        fams.setdefault(r["family"], []).append(r)
    head = ("| family | n | wp found | wp optimal | wp infeasible | wp not found | wp gap % "
            "| wp s | cp found | cp optimal | cp infeasible | cp gap % | wp/cp window "
            "| wp/cp downtime | feasible/infeasible/unknown |")
    lines = [head, "|" + "---|" * 15]
    for fam, rs in fams.items():
        found = [r for r in rs if r["wp_makespan"] is not None]
        gaps = [100.0 * (r["wp_makespan"] - r["wp_bound"]) / max(1, r["wp_bound"])
                for r in found if r["wp_bound"] is not None]
        cp_ran = [r for r in rs if r["cp_status"] is not None]
        cp_found = [r for r in cp_ran if r["cp_makespan"] is not None]
        cp_gaps = [100.0 * (r["cp_makespan"] - r["cp_bound"]) / max(1, r["cp_bound"])
                   for r in cp_found if isinstance(r["cp_bound"], int)]
        ratios = [r["wp_makespan"] / r["cp_makespan"] for r in rs
                  if r["wp_makespan"] is not None and r["cp_makespan"]]
        exp = {k: sum(1 for r in rs if r["expect"] == k) for k in ("feasible", "infeasible", "unknown")}
        lines.append(
            f"| {fam} | {len(rs)} | {len(found)} | {sum(r['wp_optimal'] for r in rs)} "
            f"| {sum(r['wp_infeasible'] for r in rs)} | {sum(r['wp_exit'] == 3 for r in rs)} "
            f"| {fmt(mean(gaps))} | {fmt(mean([r['wp_wall_s'] for r in rs]), '.1f')} "
            + (f"| {len(cp_found)} | {sum(r['cp_status'] == 'OPTIMAL' for r in cp_ran)} "
               f"| {sum(r['cp_status'] == 'INFEASIBLE' and r['cp_horizon_from'] != 'given' for r in cp_ran)} "
               f"| {fmt(mean(cp_gaps))} | {fmt(mean(ratios), '.4f')} | {down_ratio(rs)} "
               if cp_ran else "| - | - | - | - | - | - ")
            + f"| {exp['feasible']}/{exp['infeasible']}/{exp['unknown']} |")
    return "\n".join(lines)


def down_ratio(rs) -> str:
    """Total weighted downtime of windowplan over CP-SAT's, on the instances of
    the downtime objective both solved."""
    both = [r for r in rs if r["wp_downtime"] is not None and r["cp_downtime"] is not None]
    if not both:
        return "-"
    wp_d = sum(r["wp_downtime"] for r in both)
    cp_d = sum(r["cp_downtime"] for r in both)
    return f"{wp_d:g}/{cp_d:g}"


def main(argv) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write the suite into DIR")
    g.add_argument("dir")
    g.add_argument("--sizes", help="comma-separated task counts (default 50,200,1000,3000,10000)")
    g.add_argument("--hand", help="folder of hand-written nights (default tests/fixtures/cab)")
    g.add_argument("--pressures", default="relaxed,binding", help="estate pressures to generate")
    g.add_argument("--no-examples", action="store_true",
                   help="leave out the examples and the hand-written nights")
    g.add_argument("--plan-seconds", type=int, default=10,
                   help="time limit of the one-thread plan that makes each known plan")
    r = sub.add_parser("run", help="run the suite in DIR")
    r.add_argument("dir")
    r.add_argument("--time-limit", type=float, default=10.0, help="windowplan, seconds")
    r.add_argument("--peer-time-limit", type=float, default=60.0, help="CP-SAT, seconds")
    r.add_argument("--threads", type=int, default=2, help="windowplan threads = CP-SAT workers")
    r.add_argument("--csv", help="also write one row per instance here")
    r.add_argument("--only", help="comma-separated families (n50, hand, ...) or instance names")
    r.add_argument("--peer-max-indexed", type=int,
                   help="skip CP-SAT on time-indexed instances (max_downtime, downtime objective) "
                        "above this size")
    r.add_argument("--max-size", type=int, help="skip generated instances above this size")
    r.add_argument("--min-size", type=int, help="skip generated instances below this size (and the "
                   "examples and hand-written nights)")
    a = ap.parse_args(argv)
    if a.cmd == "run" and a.time_limit == int(a.time_limit):
        a.time_limit = int(a.time_limit)
    return generate(a) if a.cmd == "generate" else run(a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
