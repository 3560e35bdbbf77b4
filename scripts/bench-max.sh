#!/usr/bin/env bash
# Runs `windowplan bench --format rcpspmax` and the OR-Tools CP-SAT peer
# (scripts/cpsat_rcpspmax.py) side by side on the same RCPSP/max sets, in
# the same session, so their ratio is what counts.
#
#   scripts/bench-max.sh [TIME_LIMIT_SECONDS] [DIR ...]
#
# Without DIRs: the seven sets under $WINDOWPLAN_BENCHDATA/rcpspmax
# (default ../shared/benchdata): j10 j20 j30 ubo10 ubo20 ubo50 ubo100.
# A DIR with optimum/optimum.csv (optimum, lb..ub, or unsat per instance)
# is the windowplan run's reference, so a wrong answer (a schedule below a
# proven optimum, "infeasible" for an instance with a schedule) fails the
# run; CP-SAT's answers are checked against it too. A DIR without one (e.g.
# written by `windowplan generate --kind rcpspmax`) takes CP-SAT's answers
# as the reference instead (OPTIMAL -> optimal, FEASIBLE -> best with its
# bound, INFEASIBLE -> infeasible). PEER_PY (no default: without it only
# windowplan runs) is a Python with ortools; THREADS is windowplan's
# --threads (default 0); OUT the folder for the outputs (default
# target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-1}
shift || true
data=${WINDOWPLAN_BENCHDATA:-../shared/benchdata}
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
  for s in j10 j20 j30 ubo10 ubo20 ubo50 ubo100; do
    [ -d "$data/rcpspmax/$s" ] && dirs+=("$data/rcpspmax/$s")
  done
  if [ ${#dirs[@]} -eq 0 ]; then
    echo "no benchmark data at $data/rcpspmax (set WINDOWPLAN_BENCHDATA); nothing to run" >&2
    exit 0
  fi
fi
peer=${PEER_PY:-}
threads=${THREADS:-0}
cargo build --release --quiet
out=${OUT:-target/bench}
mkdir -p "$out"
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); time limit ${limit}s; threads $threads"
status=0
for dir in "${dirs[@]}"; do
  set_name=$(basename "$dir")
  tag=max_${set_name}_${limit}s
  published=$dir/optimum/optimum.csv
  ref_args=()
  [ -f "$published" ] && ref_args=(--reference "$published")
  if [ -n "$peer" ]; then
    echo "== CP-SAT $set_name"
    csv=$out/cpsat_$tag.csv
    "$peer" scripts/cpsat_rcpspmax.py "$dir" --time-limit "$limit" --workers 2 --out "$csv" \
      > "$out/cpsat_$tag.log" || status=1
    python3 - "$csv" "$out/cpsat_$tag.ref.csv" "$published" <<'PY' || status=1
import csv, os, sys
rows = list(csv.DictReader(open(sys.argv[1])))
kind = {"OPTIMAL": "optimal", "FEASIBLE": "best", "INFEASIBLE": "infeasible"}
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["instance", "best_makespan", "status", "lower_bound"])
    for r in rows:
        if r["status"] in kind:
            w.writerow([r["instance"], r["makespan"], kind[r["status"]], r["bound"]])
count = lambda s: sum(r["status"] == s for r in rows)
wrong, gaps = [], []
if os.path.exists(sys.argv[3]):
    ref = {r["problem"].lower(): r["optimum"] for r in csv.DictReader(open(sys.argv[3]))}
    for r in rows:
        v = ref.get(r["instance"].lower())
        if v is None:
            continue
        if v == "unsat":
            if r["makespan"]:
                wrong.append(f"{r['instance']}: schedule for an unsat instance")
        else:
            lo, _, hi = v.partition("..")
            hi = int(hi or lo)
            if r["status"] == "INFEASIBLE":
                wrong.append(f"{r['instance']}: infeasible, published {v}")
            elif r["makespan"]:
                if int(r["makespan"]) < int(lo):
                    wrong.append(f"{r['instance']}: {r['makespan']} below the published bound {lo}")
                gaps.append(100.0 * (int(r["makespan"]) - hi) / hi)
unsat = sum(1 for v in (ref.values() if os.path.exists(sys.argv[3]) else []) if v == "unsat")
wall = [float(r["wall_s"]) for r in rows]
gap = f"  gap_to_ub% {sum(gaps) / len(gaps):.2f}" if gaps else ""
print(f"CP-SAT: inst {len(rows)}  schedule {count('OPTIMAL') + count('FEASIBLE')} "
      f"(optimal {count('OPTIMAL')})  infeasible {count('INFEASIBLE')}/{unsat}  unknown {count('UNKNOWN')}"
      f"{gap}  wrong {len(wrong)}  mean_s {sum(wall) / max(1, len(wall)):.2f}")
for w in wrong:
    print("  wrong:", w)
sys.exit(1 if wrong else 0)
PY
    [ -f "$published" ] || ref_args=(--reference "$out/cpsat_$tag.ref.csv")
  fi
  echo "== windowplan $set_name"
  ./target/release/windowplan bench "$dir" --format rcpspmax "${ref_args[@]}" \
    --time-limit "${limit}s" --threads "$threads" --csv "$out/windowplan_$tag.csv" \
    | tee "$out/windowplan_$tag.txt" || status=1
  if [ -n "$peer" ]; then
    python3 scripts/compare-peer.py "$out/windowplan_$tag.csv" "$out/cpsat_$tag.csv" \
      | tee "$out/compare_$tag.txt" || status=1
  fi
done
exit $status
