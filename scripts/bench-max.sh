#!/usr/bin/env bash
# Runs the OR-Tools CP-SAT peer (scripts/cpsat_rcpspmax.py) and
# `windowplan bench --format rcpspmax` side by side on the same RCPSP/max
# sets (.sch files), in the same session, so their ratio is what counts.
#
#   scripts/bench-max.sh [TIME_LIMIT_SECONDS] DIR...
#
# Each DIR holds .sch files, e.g. one written by
#   windowplan generate --kind rcpspmax --jobs 30 -o DIR
# PEER_PY (default /work/peer-venv/bin/python when it exists) is a Python
# with ortools; without one only windowplan runs. CP-SAT runs first with
# 2 workers; its answers become the reference of the windowplan run
# (OPTIMAL -> optimal, FEASIBLE -> best with CP-SAT's bound as lower bound,
# INFEASIBLE -> infeasible, UNKNOWN -> none), so any disagreement fails the
# bench and is listed: windowplan calling an instance infeasible for which
# CP-SAT has a schedule is a windowplan bug; a verified windowplan schedule
# for an instance CP-SAT calls infeasible, or below CP-SAT's bound, a
# CP-SAT (or peer script) bug. Outputs go to OUT (default target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-1}
shift || true
[ $# -gt 0 ] || { echo "usage: $0 [TIME_LIMIT_SECONDS] DIR..." >&2; exit 2; }
peer=${PEER_PY:-}
if [ -z "$peer" ] && [ -x /work/peer-venv/bin/python ]; then peer=/work/peer-venv/bin/python; fi
cargo build --release --quiet
out=${OUT:-target/bench}
mkdir -p "$out"
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); time limit ${limit}s"
status=0
for dir in "$@"; do
  set_name=$(basename "$dir")
  ref_args=()
  if [ -n "$peer" ]; then
    echo "== CP-SAT $set_name"
    csv=$out/cpsat_max_${set_name}_${limit}s.csv
    "$peer" scripts/cpsat_rcpspmax.py "$dir" --time-limit "$limit" --workers 2 --out "$csv" \
      > "$out/cpsat_max_${set_name}_${limit}s.log" || status=1
    tail -1 "$out/cpsat_max_${set_name}_${limit}s.log"
    ref=$out/cpsat_max_${set_name}_${limit}s.ref.csv
    python3 - "$csv" "$ref" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
kind = {"OPTIMAL": "optimal", "FEASIBLE": "best", "INFEASIBLE": "infeasible"}
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["instance", "best_makespan", "status", "lower_bound"])
    for r in rows:
        if r["status"] in kind:
            w.writerow([r["instance"], r["makespan"], kind[r["status"]], r["bound"]])
wall = [float(r["wall_s"]) for r in rows]
count = lambda s: sum(r["status"] == s for r in rows)
print(f"CP-SAT: inst {len(rows)}  schedule {count('OPTIMAL') + count('FEASIBLE')} "
      f"(optimal {count('OPTIMAL')})  infeasible {count('INFEASIBLE')}  unknown {count('UNKNOWN')}  "
      f"mean_s {sum(wall) / max(1, len(wall)):.2f}")
PY
    ref_args=(--reference "$ref")
  fi
  echo "== windowplan $set_name"
  ./target/release/windowplan bench "$dir" --format rcpspmax "${ref_args[@]}" \
    --time-limit "${limit}s" | tee "$out/windowplan_max_${set_name}_${limit}s.txt" || status=1
done
exit $status
