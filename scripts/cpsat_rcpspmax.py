#!/usr/bin/env python3
"""Peer baseline: Google OR-Tools CP-SAT on RCPSP/max instances (.sch, ProGen/max format).

For every instance:
  * parse the .sch file (activities 0..n+1, successors with start-to-start time lags
    S[j] >= S[i] + lag, negative lags being maximal time lags the other way, durations,
    renewable demands, capacities),
  * run a longest-path check (Bellman-Ford): a positive cycle of lags means no schedule
    exists (status INFEASIBLE without calling CP-SAT),
  * build the CP-SAT model: one fixed-size interval per activity, one AddCumulative per
    resource, `start[j] >= start[i] + lag` for every arc, makespan >= every end, minimise
    the makespan, starts within [0, H] where H = sum over activities of
    max(duration, largest outgoing lag) (the usual trivial horizon of RCPSP/max),
  * solve with a wall-clock time limit, num_workers and a fixed random_seed,
  * re-check any returned schedule independently of the model (every lag, resource usage
    at every integer time, makespan = max end); a violation is printed and counted as an
    error (exit code 1).

One CSV row per instance, written and flushed as soon as it is done:
    instance,makespan,bound,status,wall_s
status is OPTIMAL, FEASIBLE, INFEASIBLE or UNKNOWN; makespan is empty without a schedule,
bound (the proven lower bound) is empty when infeasible or unknown.

Examples:
  cpsat_rcpspmax.py /path/j30max --time-limit 1 --workers 2 --out cpsat.csv
  cpsat_rcpspmax.py PSP1.SCH PSP2.SCH --time-limit 10
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model
import ortools


@dataclass
class Instance:
    name: str
    n: int                              # activities including the dummies 0 and n+1
    durations: list[int]
    arcs: list[tuple[int, int, int]]    # (from, to, lag): S[to] >= S[from] + lag
    demands: list[list[int]]            # demands[i][r]
    capacities: list[int]


def parse_sch(path: str) -> Instance:
    """Parse a single-mode .sch file. Raises ValueError on anything unexpected."""
    with open(path, "r", encoding="latin-1") as f:
        toks = f.read().replace("[", " ").replace("]", " ").split()
    pos = 0

    def take() -> int:
        nonlocal pos
        if pos >= len(toks):
            raise ValueError(f"{path}: file ends early")
        pos += 1
        return int(toks[pos - 1])

    # First line: n_real r [nonrenewable doubly]; peek how many header numbers there are.
    with open(path, "r", encoding="latin-1") as f:
        first = next(line for line in f if line.strip())
    head = first.replace("[", " ").replace("]", " ").split()
    n_real, n_res = int(head[0]), int(head[1])
    if any(int(x) != 0 for x in head[2:]):
        raise ValueError(f"{path}: non-renewable resources unsupported")
    pos = len(head)
    n = n_real + 2
    arcs: list[tuple[int, int, int]] = []
    for i in range(n):
        if take() != i:
            raise ValueError(f"{path}: activity rows out of order at {i}")
        if take() != 1:
            raise ValueError(f"{path}: activity {i} is not single-mode")
        ns = take()
        succ = [take() for _ in range(ns)]
        lags = [take() for _ in range(ns)]
        for j, lag in zip(succ, lags):
            if not (0 <= j < n) or j == i:
                raise ValueError(f"{path}: activity {i} has successor {j}")
            arcs.append((i, j, lag))
    durations = [0] * n
    demands = [[0] * n_res for _ in range(n)]
    for i in range(n):
        if take() != i:
            raise ValueError(f"{path}: duration rows out of order at {i}")
        if take() != 1:
            raise ValueError(f"{path}: activity {i} is not single-mode")
        durations[i] = take()
        demands[i] = [take() for _ in range(n_res)]
    capacities = [take() for _ in range(n_res)]
    if pos != len(toks):
        raise ValueError(f"{path}: trailing data")
    return Instance(os.path.basename(path), n, durations, arcs, demands, capacities)


def longest_paths(inst: Instance) -> list[int] | None:
    """Earliest starts from time 0 under the lags (resources ignored); None on a positive cycle."""
    es = [0] * inst.n
    for _ in range(inst.n + 1):
        changed = False
        for i, j, lag in inst.arcs:
            if es[i] + lag > es[j]:
                es[j] = es[i] + lag
                changed = True
        if not changed:
            return es
    return None


def validate(inst: Instance, starts: list[int], makespan: int) -> list[str]:
    errs: list[str] = []
    if len(starts) != inst.n:
        return [f"{len(starts)} starts for {inst.n} activities"]
    for i, s in enumerate(starts):
        if s < 0:
            errs.append(f"activity {i} starts at {s} < 0")
    for i, j, lag in inst.arcs:
        if starts[j] < starts[i] + lag:
            errs.append(f"lag {i}->{j} [{lag}]: S{j}={starts[j]} < S{i}+lag={starts[i] + lag}")
    end = max(s + d for s, d in zip(starts, inst.durations))
    if end != makespan:
        errs.append(f"reported makespan {makespan} != max end {end}")
    for r, cap in enumerate(inst.capacities):
        delta: dict[int, int] = {}
        for i in range(inst.n):
            q, d = inst.demands[i][r], inst.durations[i]
            if q and d:
                delta[starts[i]] = delta.get(starts[i], 0) + q
                delta[starts[i] + d] = delta.get(starts[i] + d, 0) - q
        level = 0
        for t in sorted(delta):
            level += delta[t]
            if level > cap:
                errs.append(f"resource {r + 1} at t={t}: usage {level} > capacity {cap}")
                break
    return errs


def solve(inst: Instance, time_limit: float, workers: int, seed: int, log: bool = False) -> dict:
    t0 = time.perf_counter()
    es = longest_paths(inst)
    if es is None:
        return {"status": "INFEASIBLE", "makespan": None, "bound": None, "starts": None,
                "wall_s": time.perf_counter() - t0, "why": "positive cycle of time lags"}
    out_lag = [0] * inst.n
    for i, _j, lag in inst.arcs:
        out_lag[i] = max(out_lag[i], lag)
    horizon = sum(max(d, l) for d, l in zip(inst.durations, out_lag))
    cp_len = max(e + d for e, d in zip(es, inst.durations))
    horizon = max(horizon, cp_len)
    model = cp_model.CpModel()
    starts, intervals = [], []
    for i in range(inst.n):
        s = model.new_int_var(es[i], horizon, f"s{i}")
        starts.append(s)
        intervals.append(model.new_fixed_size_interval_var(s, inst.durations[i], f"i{i}"))
    for r, cap in enumerate(inst.capacities):
        act = [i for i in range(inst.n) if inst.demands[i][r] > 0 and inst.durations[i] > 0]
        if act:
            model.add_cumulative([intervals[i] for i in act], [inst.demands[i][r] for i in act], cap)
    for i, j, lag in inst.arcs:
        model.add(starts[j] >= starts[i] + lag)
    makespan = model.new_int_var(cp_len, horizon + max(inst.durations), "makespan")
    for i in range(inst.n):
        model.add(makespan >= starts[i] + inst.durations[i])
    model.minimize(makespan)

    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = float(time_limit)
    p.num_workers = int(workers)
    p.random_seed = int(seed)
    p.log_search_progress = bool(log)
    status = solver.solve(model)
    wall = time.perf_counter() - t0
    res = {"status": "UNKNOWN", "makespan": None, "bound": None, "starts": None,
           "wall_s": wall, "why": ""}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        res["status"] = "OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE"
        res["makespan"] = int(round(solver.objective_value))
        res["bound"] = int(round(solver.best_objective_bound))
        res["starts"] = [int(solver.value(s)) for s in starts]
    elif status == cp_model.INFEASIBLE:
        res["status"] = "INFEASIBLE"
        res["why"] = f"CP-SAT: no schedule within the horizon {horizon}"
    elif status == cp_model.MODEL_INVALID:
        raise ValueError(f"{inst.name}: CP-SAT says the model is invalid")
    return res


def collect(paths: list[str]) -> list[str]:
    key = lambda s: [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]
    files: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            files.extend(os.path.join(p, f) for f in sorted(os.listdir(p), key=key)
                         if f.lower().endswith(".sch"))
        else:
            files.append(p)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("instances", nargs="+", help=".sch files or directories of them")
    ap.add_argument("--time-limit", type=float, default=1.0, help="seconds per instance (default 1)")
    ap.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="CSV file to write (default: stdout only)")
    ap.add_argument("--log", action="store_true", help="CP-SAT search log")
    args = ap.parse_args(argv)

    files = collect(args.instances)
    if not files:
        print("no .sch instances", file=sys.stderr)
        return 2
    out_f = writer = None
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        out_f = open(args.out, "w", newline="")
        writer = csv.writer(out_f)
        writer.writerow(["instance", "makespan", "bound", "status", "wall_s"])
        out_f.flush()
    print(f"# ortools {ortools.__version__}, {len(files)} instances, limit {args.time_limit}s, "
          f"workers {args.workers}, seed {args.seed}", flush=True)
    counts: dict[str, int] = {}
    n_err = 0
    for path in files:
        try:
            inst = parse_sch(path)
        except (ValueError, StopIteration) as e:
            print(f"{os.path.basename(path):<14} not read: {e}", file=sys.stderr, flush=True)
            n_err += 1
            continue
        res = solve(inst, args.time_limit, args.workers, args.seed, args.log)
        errs = []
        if res["starts"] is not None:
            errs = validate(inst, res["starts"], res["makespan"])
            if res["bound"] is not None and res["bound"] > res["makespan"]:
                errs.append(f"bound {res['bound']} > makespan {res['makespan']}")
        if errs:
            n_err += 1
        counts[res["status"]] = counts.get(res["status"], 0) + 1
        row = [inst.name, "" if res["makespan"] is None else res["makespan"],
               "" if res["bound"] is None else res["bound"], res["status"], f"{res['wall_s']:.3f}"]
        if writer:
            writer.writerow(row)
            out_f.flush()
        print(f"{inst.name:<14}{str(row[1]):>9}{str(row[2]):>7}{res['status']:>12}{res['wall_s']:>8.2f}"
              + (f"  ERROR: {' | '.join(errs[:3])}" if errs else ""), flush=True)
    print("# " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
          + f"; {n_err} file(s) unreadable or schedule(s) failing the check", flush=True)
    if out_f:
        out_f.close()
    return 1 if n_err else 0


if __name__ == "__main__":
    sys.exit(main())
