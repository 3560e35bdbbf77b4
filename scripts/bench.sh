#!/usr/bin/env bash
# Runs `windowplan bench` and the OR-Tools CP-SAT peer side by side on the
# same PSPLIB sets, in the same session, so their ratio is what counts.
#
#   scripts/bench.sh [TIME_LIMIT_SECONDS] [SET ...]      (sets: j30 j60 j120)
#
# WINDOWPLAN_BENCHDATA (default ../shared/benchdata) holds psplib/<set>/*.sm,
# psplib/reference.csv and PSPLIB's tables under psplib/ref/. PEER_PY (no
# default: without it only windowplan runs) is a Python with ortools
# installed, as ../shared/peer/README.md says; PEER_SCRIPT the peer script
# (default ../shared/peer/cpsat_rcpsp.py). STRIDE takes every k-th file;
# THREADS is windowplan's --threads (default 0, every core); OUT the folder
# for the outputs (default target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-1}
shift || true
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(j30 j60 j120)
data=${WINDOWPLAN_BENCHDATA:-../shared/benchdata}
stride=${STRIDE:-1}
threads=${THREADS:-0}
ref=$data/psplib/reference.csv
if [ ! -d "$data/psplib" ]; then
  echo "no benchmark data at $data/psplib (set WINDOWPLAN_BENCHDATA); nothing to run" >&2
  exit 0
fi
cargo build --release --quiet
out=${OUT:-target/bench}
mkdir -p "$out"
echo "machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); time limit ${limit}s; threads $threads"
for set in "${sets[@]}"; do
  dir=$data/psplib/$set
  [ -d "$dir" ] || { echo "skip $set: no $dir"; continue; }
  tag=${set}_${limit}s
  echo "== windowplan $set"
  # a set without reference values (e.g. generated) is compared on the
  # critical-path deviation only
  ref_args=(); [ -f "$ref" ] && ref_args=(--reference "$ref")
  ./target/release/windowplan bench "$dir" --format psplib "${ref_args[@]}" \
    --time-limit "${limit}s" --threads "$threads" --stride "$stride" --csv "$out/windowplan_$tag.csv" \
    | tee "$out/windowplan_$tag.txt"
  if [ -n "${PEER_PY:-}" ]; then
    echo "== CP-SAT $set"
    # PSPLIB's own table: optima for j30, best known upper bounds otherwise
    peer_ref_args=()
    if [ -f "$data/psplib/ref/${set}opt.sm" ]; then
      peer_ref_args=(--ref "$data/psplib/ref/${set}opt.sm" --ref-kind opt)
    elif [ -f "$data/psplib/ref/${set}hrs.sm" ]; then
      peer_ref_args=(--ref "$data/psplib/ref/${set}hrs.sm" --ref-kind bku)
    fi
    "$PEER_PY" "${PEER_SCRIPT:-../shared/peer/cpsat_rcpsp.py}" "$dir" --stride "$stride" --time-limit "$limit" \
      --workers 2 "${peer_ref_args[@]}" --out "$out/cpsat_$tag.csv" \
      > "$out/cpsat_$tag.log"
    python3 - "$out/cpsat_$tag.csv" <<'PY' | tee "$out/cpsat_$tag.txt"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
mean = lambda k: sum(float(r[k]) for r in rows if r[k]) / max(1, sum(1 for r in rows if r[k]))
print(f"CP-SAT: inst {len(rows)}  dev_ref% {mean('dev_ref_pct'):.2f}  dev_cp% {mean('dev_cpm_pct'):.2f}  "
      f"matched {sum(int(r['matched_ref'] or 0) for r in rows)}/{len(rows)}  "
      f"optimal {sum(int(r['proven_optimal'] or 0) for r in rows)}  errors {sum(int(r['errors'] or 0) for r in rows)}  "
      f"mean_s {mean('wall_s'):.2f}")
PY
    python3 scripts/compare-peer.py "$out/windowplan_$tag.csv" "$out/cpsat_$tag.csv" \
      | tee "$out/compare_$tag.txt"
  fi
done
