#!/usr/bin/env python3
"""Peer baseline: OR-Tools CP-SAT on a windowplan core problem.

Reads the JSON that `windowplan export INVENTORY --format json` writes
(`windowplan-problem/1`, docs/export-json.md), builds the same problem in
CP-SAT, solves it and writes the schedule as a plan file that
`windowplan check INVENTORY PLAN` reads (each task's expanded id and
`start_minute`). The model is exact, not relaxed:

  * one fixed-size interval per activity; starts within [release, H - d];
  * allowed intervals (wholly inside one) and forbidden ones (no shared
    minute; a 0-minute activity shares none) as holes in the start domain;
  * precedences S[to] >= S[from] + lag (max lags are negative reverse lags);
  * one cumulative per resource at its largest capacity, with a fixed dummy
    interval demanding (largest - c) over every capacity step c below it;
  * exclusions: no two activities of positive duration on different sides
    overlap (a two-interval no-overlap per pair);
  * deadline: every end <= deadline;
  * signals and on-time limits (only those some limit needs): time-indexed
    booleans per minute. An activity's "runs at t" literal comes from an
    order encoding of its start (S <= t); Running, Any and All are OR/AND
    of literals; Delayed{input, tolerance} is on at t iff the input is on
    at every minute t-tol..t (off before minute 0); Switchover{members,
    minutes} is on at t iff some change minute c in (t-minutes, t], c >= 0,
    where the serving member (the first member, in list order, whose down
    signal is off) at c differs from the one at c-1, both defined (every
    member's signal is off before minute 0, so the first member serves then);
    each limit's sum of "on" minutes <= max_on.

Objective: the makespan (default), or with --objective downtime the weighted
on-time of every limit first, then the makespan (lexicographic: weights are
scaled to integers and multiplied by H + 1).

The horizon H is the deadline when given, else --horizon, else the last time
point the problem names (releases, interval ends, capacity steps) plus, for
every activity, the larger of its duration and its largest outgoing lag.
Signals are evaluated up to H plus every switchover's minutes.

Prints one JSON line: {"instance", "status" (OPTIMAL, FEASIBLE, INFEASIBLE,
UNKNOWN, MODEL_INVALID), "makespan", "bound", "downtime", "wall_s"}; the
bound is CP-SAT's proven lower bound on the makespan (makespan objective), or
"downtime_bound" the proven lower bound on the weighted downtime (downtime objective). INFEASIBLE is a proof only when
the horizon came from the deadline (otherwise "no plan within H"), and the
line says so in "horizon_from".

Example:
  windowplan export inv.yaml --format json -o inv.problem.json
  $PEER_PY scripts/cpsat_inventory.py inv.problem.json --time-limit 10 \
      --workers 2 --plan cpsat-plan.json
  windowplan check inv.yaml cpsat-plan.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from ortools.sat.python import cp_model


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    fmt = doc.get("format")
    if fmt != "windowplan-problem/1":
        raise ValueError(f"{path}: format {fmt!r}, expected 'windowplan-problem/1'")
    return doc


def horizon(p: dict, given: int | None) -> tuple[int, str]:
    if p.get("deadline") is not None:
        return int(p["deadline"]), "deadline"
    if given is not None:
        return given, "given"
    acts = p["activities"]
    t0 = 0
    for a in acts:
        t0 = max(t0, a["release"])
        for iv in (a.get("allowed") or []) + a["forbidden"]:
            t0 = max(t0, iv["end"])
    for r in p["resources"]:
        for t, _ in r["steps"]:
            t0 = max(t0, t)
    out_lag = [0] * len(acts)
    for e in p["precedences"]:
        out_lag[e["from"]] = max(out_lag[e["from"]], e["lag"])
    return t0 + sum(max(a["duration"], out_lag[i]) for i, a in enumerate(acts)), "trivial"


def start_domain(a: dict, H: int) -> list[tuple[int, int]]:
    """Closed ranges of allowed start minutes."""
    d = a["duration"]
    lo, hi = max(0, a["release"]), H - d
    if a.get("allowed") is not None:
        ranges = [(max(lo, iv["start"]), min(hi, iv["end"] - d)) for iv in a["allowed"]]
    else:
        ranges = [(lo, hi)]
    if d > 0:
        for f in a["forbidden"]:
            cut_lo, cut_hi = f["start"] - d + 1, f["end"] - 1
            nxt = []
            for x, y in ranges:
                if cut_hi < x or cut_lo > y:
                    nxt.append((x, y))
                    continue
                if x <= cut_lo - 1:
                    nxt.append((x, cut_lo - 1))
                if cut_hi + 1 <= y:
                    nxt.append((cut_hi + 1, y))
            ranges = nxt
    return sorted(r for r in ranges if r[0] <= r[1])


def needed_signals(p: dict, objective: str) -> set[int]:
    """Signals some limit needs (transitively)."""
    sigs = p["signals"]
    todo = [l["signal"] for l in p["limits"]
            if l.get("max_on") is not None or objective == "downtime"]
    seen: set[int] = set()
    while todo:
        k = todo.pop()
        if k in seen or not (0 <= k < len(sigs)):
            continue
        seen.add(k)
        (kind, arg), = sigs[k].items()
        if kind in ("Any", "All"):
            todo.extend(j for j in arg if j < k)
        elif kind == "Delayed":
            if arg["input"] < k:
                todo.append(arg["input"])
        elif kind == "Switchover":
            todo.extend(j for j in arg["members"] if j < k)
    return seen


class Model:
    def __init__(self, doc: dict, objective: str, given_h: int | None):
        self.doc = doc
        self.p = p = doc["problem"]
        self.m = m = cp_model.CpModel()
        self.H, self.h_from = horizon(p, given_h)
        self.ok = True
        acts = p["activities"]
        self.start, self.iv, self.bounds = [], [], []
        for i, a in enumerate(acts):
            dom = start_domain(a, self.H)
            if not dom:
                self.ok = False
                dom = [(0, 0)]
            s = m.NewIntVarFromDomain(cp_model.Domain.FromIntervals([list(r) for r in dom]), f"s{i}")
            self.start.append(s)
            self.bounds.append((dom[0][0], dom[-1][1]))
            self.iv.append(m.NewFixedSizeIntervalVar(s, a["duration"], f"iv{i}"))
        for e in p["precedences"]:
            m.Add(self.start[e["to"]] >= self.start[e["from"]] + e["lag"])
        self.resources()
        self.exclusions()
        self.makespan = m.NewIntVar(0, max(self.H, 0), "makespan")
        for i, a in enumerate(acts):
            m.Add(self.makespan >= self.start[i] + a["duration"])
        self.on: dict[int, list] = {}
        self.le_cache: dict[tuple[int, int], object] = {}
        self.downtime = None
        need = needed_signals(p, objective)
        if need:
            self.Hs = self.H + 1 + sum(
                s["Switchover"]["minutes"] for s in p["signals"] if "Switchover" in s)
            for k in sorted(need):
                self.on[k] = self.signal(k)
            self.limits(objective)
        if objective == "downtime" and self.downtime is not None:
            m.Minimize(self.downtime * (self.H + 1) + self.makespan)
        else:
            m.Minimize(self.makespan)

    # --- resources and exclusions -------------------------------------------------
    def resources(self):
        m, p = self.m, self.p
        users = [[] for _ in p["resources"]]
        for i, a in enumerate(p["activities"]):
            for dm in a["demands"]:
                if dm["amount"] > 0 and a["duration"] > 0:
                    users[dm["resource"]].append((i, dm["amount"]))
        for r, res in enumerate(p["resources"]):
            if not users[r]:
                continue
            # in time order, then clipped to minute 0 (a later step wins a tie)
            steps = [(max(0, t), c) for t, c in sorted(res["steps"], key=lambda st: st[0])]
            cap = max(c for _, c in steps)
            ivs = [self.iv[i] for i, _ in users[r]]
            dem = [q for _, q in users[r]]
            for k, (t, c) in enumerate(steps):
                end = steps[k + 1][0] if k + 1 < len(steps) else self.H
                if c < cap and end > t:
                    ivs.append(m.NewIntervalVar(t, end - t, end, f"cap{r}_{k}"))
                    dem.append(cap - c)
            if cap <= 0:
                for i, _ in users[r]:
                    self.ok = False
                continue
            m.AddCumulative(ivs, dem, cap)

    def exclusions(self):
        acts = self.p["activities"]
        pairs = set()
        for ex in self.p["exclusions"]:
            sides = ex["sides"]
            for k, a in enumerate(sides):
                for b in sides[k + 1:]:
                    for i in a:
                        for j in b:
                            if i != j and acts[i]["duration"] > 0 and acts[j]["duration"] > 0:
                                pairs.add((min(i, j), max(i, j)))
        for i, j in sorted(pairs):
            self.m.AddNoOverlap([self.iv[i], self.iv[j]])

    # --- signals --------------------------------------------------------------------
    def le(self, i: int, t: int):
        """Literal (or constant bool) of S[i] <= t."""
        s = self.start[i]
        lo, hi = self.bounds[i]
        if t < lo:
            return False
        if t >= hi:
            return True
        key = (i, t)
        if key not in self.le_cache:
            b = self.m.NewBoolVar(f"le{i}_{t}")
            self.m.Add(s <= t).OnlyEnforceIf(b)
            self.m.Add(s >= t + 1).OnlyEnforceIf(b.Not())
            prev = self.le_cache.get((i, t - 1))
            if prev is not None:
                self.m.AddImplication(prev, b)
            self.le_cache[key] = b
        return self.le_cache[key]

    def runs(self, i: int, t: int):
        d = self.p["activities"][i]["duration"]
        if d <= 0:
            return False
        return self.AND([self.le(i, t), self.NOT(self.le(i, t - d))])

    def NOT(self, x):
        return (not x) if isinstance(x, bool) else x.Not()

    def AND(self, xs):
        lits = []
        for x in xs:
            if x is False:
                return False
            if x is not True:
                lits.append(x)
        if not lits:
            return True
        if len(lits) == 1:
            return lits[0]
        b = self.m.NewBoolVar("")
        for x in lits:
            self.m.AddImplication(b, x)
        self.m.AddBoolOr([b] + [x.Not() for x in lits])
        return b

    def OR(self, xs):
        lits = []
        for x in xs:
            if x is True:
                return True
            if x is not False:
                lits.append(x)
        if not lits:
            return False
        if len(lits) == 1:
            return lits[0]
        b = self.m.NewBoolVar("")
        for x in lits:
            self.m.AddImplication(x, b)
        self.m.AddBoolOr([b.Not()] + lits)
        return b

    def at(self, k: int, t: int):
        """Signal k at minute t (off before minute 0 and for unknown signals)."""
        if t < 0 or k not in self.on:
            return False
        return self.on[k][t] if t < self.Hs else False

    def signal(self, k: int) -> list:
        (kind, arg), = self.p["signals"][k].items()
        T = range(self.Hs)
        if kind == "Running":
            acts = [i for i in arg if 0 <= i < len(self.start)]
            return [self.OR([self.runs(i, t) for i in acts]) for t in T]
        if kind == "Any":
            return [self.OR([self.at(j, t) for j in arg if j < k]) for t in T]
        if kind == "All":
            if not arg:
                return [False for _ in T]
            return [self.AND([self.at(j, t) if j < k else False for j in arg]) for t in T]
        if kind == "Delayed":
            tol, src = max(0, arg["tolerance"]), arg["input"]
            if src >= k:
                return [False for _ in T]
            return [self.AND([self.at(src, u) for u in range(t - tol, t + 1)]) for t in T]
        if kind == "Switchover":
            return self.switchover(k, arg)
        raise ValueError(f"signal {k}: unknown kind {kind}")

    def switchover(self, k: int, arg: dict) -> list:
        members = [j for j in arg["members"]]
        minutes = arg["minutes"]
        T = range(self.Hs)

        def first(t):
            # first[k][t]: member k serves at t (up, and every earlier member down)
            ups = [self.NOT(self.at(j, t)) if j < k else True for j in members]
            return [self.AND([ups[q]] + [self.NOT(u) for u in ups[:q]]) for q in range(len(ups))]

        firsts = {t: first(t) for t in range(-1, self.Hs)}
        change = []
        for c in T:
            any_up = self.OR(firsts[c])
            moved = self.OR([self.AND([firsts[c - 1][q], self.NOT(firsts[c][q])])
                             for q in range(len(members))])
            change.append(self.AND([any_up, moved]))
        if minutes <= 0:
            return [False for _ in T]
        return [self.OR([change[c] for c in range(max(0, t - minutes + 1), t + 1)]) for t in T]

    def limits(self, objective: str):
        terms = []
        for lim in self.p["limits"]:
            k = lim["signal"]
            lits = [x for x in self.on.get(k, []) if x is not False]
            const = sum(1 for x in lits if x is True)
            vars_ = [x for x in lits if x is not True]
            total = sum(vars_) + const if vars_ else const
            if lim.get("max_on") is not None:
                self.m.Add(total <= lim["max_on"]) if vars_ else None
                if not vars_ and const > lim["max_on"]:
                    self.ok = False
            w = int(round(lim["weight"] * 1000))
            if objective == "downtime" and w != 0 and k in self.on:
                terms.append((w, total))
        if objective == "downtime":
            self.downtime = sum(w * t for w, t in terms) if terms else 0

    def weighted_downtime(self, solver) -> float:
        total = 0.0
        for lim in self.p["limits"]:
            k = lim["signal"]
            if k in self.on:
                on = sum(1 for x in self.on[k] if x is True or (x is not False and solver.Value(x)))
                total += lim["weight"] * on
        return total


def write_plan(path: str, doc: dict, starts: list[int]):
    legend = doc.get("legend") or []
    acts = doc["problem"]["activities"]
    tasks = []
    for i, s in enumerate(starts):
        ident = legend[i]["id"] if i < len(legend) else acts[i]["name"]
        tasks.append({"id": ident, "start_minute": s, "end_minute": s + acts[i]["duration"]})
    plan = {"format": "windowplan-plan/1", "tasks": tasks}
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(plan, f, indent=1)
    os.replace(tmp, path)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("problem", help="a windowplan-problem/1 JSON file")
    ap.add_argument("--time-limit", type=float, default=10.0,
                    help="seconds of solving (wall clock; building the model is not counted)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--objective", choices=["makespan", "downtime"], default="makespan")
    ap.add_argument("--horizon", type=int, help="latest end when the problem has no deadline")
    ap.add_argument("--hint", help="diagnostics: a plan file whose starts are given to CP-SAT as a "
                    "solution hint (not for benchmarking)")
    ap.add_argument("--fix", action="store_true",
                    help="diagnostics: with --hint, fix the starts to the plan's (is it a model solution?)")
    ap.add_argument("--plan", help="write the schedule here as a plan file (windowplan check reads it)")
    a = ap.parse_args(argv)
    t0 = time.monotonic()
    doc = load(a.problem)
    model = Model(doc, a.objective, a.horizon)
    out = {"instance": os.path.basename(a.problem), "horizon": model.H, "horizon_from": model.h_from}
    if not model.ok:
        out.update(status="INFEASIBLE", makespan=None, bound=None, downtime=None,
                   reason="an activity has no start minute or a resource has no capacity",
                   wall_s=round(time.monotonic() - t0, 3))
        print(json.dumps(out))
        return 0
    if a.hint:
        with open(a.hint, encoding="utf-8") as f:
            hint = {t["id"]: t["start_minute"] for t in json.load(f)["tasks"]}
        for entry, s in zip(doc.get("legend") or [], model.start):
            if entry["id"] in hint:
                if a.fix:
                    model.m.Add(s == hint[entry["id"]])
                else:
                    model.m.AddHint(s, hint[entry["id"]])
    solver = cp_model.CpSolver()
    # the time limit is CP-SAT's solving time; building the model in Python
    # (slow for the time-indexed signals) is reported apart as build_s
    out["build_s"] = round(time.monotonic() - t0, 3)
    solver.parameters.max_time_in_seconds = a.time_limit
    solver.parameters.num_workers = a.workers
    solver.parameters.random_seed = a.seed
    st = solver.Solve(model.m)
    name = solver.StatusName(st)
    out["status"] = name
    out["makespan"] = out["bound"] = out["downtime"] = None
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        starts = [solver.Value(s) for s in model.start]
        out["makespan"] = solver.Value(model.makespan)
        if a.objective == "makespan" or model.downtime is None:
            out["bound"] = int(solver.BestObjectiveBound())
        else:
            # lexicographic objective: downtime x 1000 x (H + 1) + makespan
            out["downtime_bound"] = (int(solver.BestObjectiveBound()) // (model.H + 1)) / 1000
        if model.on:
            out["downtime"] = model.weighted_downtime(solver)
        if a.plan:
            write_plan(a.plan, doc, starts)
    out["solve_s"] = round(solver.WallTime(), 3)
    out["wall_s"] = round(time.monotonic() - t0, 3)
    print(json.dumps(out))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
