#!/usr/bin/env bash
# Runs `windowplan bench` and the OR-Tools CP-SAT peer side by side on the
# same PSPLIB sets, in the same session, so their ratio is what counts.
#
#   scripts/bench.sh [TIME_LIMIT_SECONDS] [SET ...]
#
# BENCHDATA (default ../shared/benchdata) holds psplib/<set>/*.sm and a
# reference CSV; PEER_PY (default: no peer run) is a Python with ortools
# installed, as ../shared/peer/README.md says. STRIDE takes every k-th file.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-1}
shift || true
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(j30 j60 j120)
data=${BENCHDATA:-../shared/benchdata}
stride=${STRIDE:-1}
ref=$data/psplib/reference.csv
peer_ref=${PEER_REF:-$ref}
if [ ! -d "$data/psplib" ]; then
  echo "no benchmark data at $data/psplib (set BENCHDATA); nothing to run" >&2
  exit 0
fi
cargo build --release --quiet
out=${OUT:-target/bench}
mkdir -p "$out"
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); time limit ${limit}s"
for set in "${sets[@]}"; do
  dir=$data/psplib/$set
  [ -d "$dir" ] || { echo "skip $set: no $dir"; continue; }
  echo "== windowplan $set"
  # a set without reference values (e.g. generated) is compared on the
  # critical-path deviation only
  ref_args=(); [ -f "$ref" ] && ref_args=(--reference "$ref")
  ./target/release/windowplan bench "$dir" --format psplib "${ref_args[@]}" \
    --time-limit "${limit}s" --stride "$stride" --csv "$out/windowplan_${set}_${limit}s.csv" \
    | tee "$out/windowplan_${set}_${limit}s.txt"
  if [ -n "${PEER_PY:-}" ]; then
    echo "== CP-SAT $set"
    peer_ref_args=(); [ -f "$peer_ref" ] && peer_ref_args=(--ref "$peer_ref" --ref-kind bku)
    "$PEER_PY" "${PEER_SCRIPT:-../shared/peer/cpsat_rcpsp.py}" "$dir" --stride "$stride" --time-limit "$limit" \
      --workers 2 "${peer_ref_args[@]}" --out "$out/cpsat_${set}_${limit}s.csv" \
      > "$out/cpsat_${set}_${limit}s.log"
    python3 - "$out/cpsat_${set}_${limit}s.csv" <<'PY' | tee "$out/cpsat_${set}_${limit}s.txt"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
mean = lambda k: sum(float(r[k]) for r in rows if r[k]) / max(1, sum(1 for r in rows if r[k]))
print(f"CP-SAT: inst {len(rows)}  dev_ref% {mean('dev_ref_pct'):.2f}  dev_cp% {mean('dev_cpm_pct'):.2f}  "
      f"matched {sum(int(r['matched_ref'] or 0) for r in rows)}/{len(rows)}  "
      f"optimal {sum(int(r['proven_optimal'] or 0) for r in rows)}  errors {sum(int(r['errors'] or 0) for r in rows)}  "
      f"mean_s {mean('wall_s'):.2f}")
PY
  fi
done
