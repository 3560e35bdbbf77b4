#!/usr/bin/env bash
# Measures how closely `windowplan plan` keeps to --time-limit: on the
# examples and on generated inventories of growing size, it runs `plan` with
# each limit and reports the wall time, the overshoot, and whether it is
# within the promise (5 % of the limit, or 100 ms, whichever is larger).
# A run that ends early (a proven optimum, or an infeasibility found
# without search) is fine and marked "early".
#
#   scripts/timing-check.sh [LIMIT...]          # default limits: 1s 3s
#
# THREADS (default: both 0 and 1) lists the --threads values run: 0 is every
# core (a wall-clock limit), 1 a reproducible run (work counted, the wall
# clock as a cap).
#
# Uses target/release/windowplan (built if missing). Exit 1 if any run
# overshot. Machines busy with other work overshoot more: read the report
# with that in mind.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/target/release/windowplan"
if [ ! -x "$bin" ] || [ -n "${REBUILD:-}" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
fi
limits=("$@")
[ ${#limits[@]} -eq 0 ] && limits=(1s 3s)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Generated inventories: N tasks on N/6 systems sharing two teams, each task
# needing a random amount of each, with random precedences. The bound is
# rarely tight, so the search uses the whole time limit.
gen() {
  local n="$1" out="$2"
  python3 - "$n" > "$out" <<'PY'
import random, sys
n = int(sys.argv[1])
random.seed(n)
nsys = max(4, n // 6)
print("window: { start: 2026-12-05T22:00, timezone: Europe/London }")
print("teams: [ { id: a, capacity: 3 }, { id: b, capacity: 2 } ]")
print("systems:")
for s in range(nsys):
    print(f"  - {{ id: s{s} }}")
print("tasks:")
for t in range(n):
    after = f", after: [t{random.randrange(t)}]" if t and random.random() < 0.5 else ""
    needs = f"{{ a: {random.randint(1, 3)}, b: {random.randint(1, 2)} }}"
    print(f"  - {{ id: t{t}, system: s{random.randrange(nsys)}, duration: {random.randint(5, 60)}m, needs: {needs}{after} }}")
PY
}

inputs=("$root/examples/quickstart.yaml" "$root/examples/bank.yaml")
for n in 50 200 1000; do
  gen "$n" "$work/gen-$n.yaml"
  inputs+=("$work/gen-$n.yaml")
done

to_ms() { # 1s, 500ms, 2m -> milliseconds
  local v="$1"
  case "$v" in
    *ms) echo "${v%ms}" ;;
    *s) echo $(( ${v%s} * 1000 )) ;;
    *m) echo $(( ${v%m} * 60000 )) ;;
    *) echo $(( v * 1000 )) ;;
  esac
}

read -r -a threads_list <<< "${THREADS:-0 1}"
printf '%-22s %7s %6s %9s %9s %8s  %s\n' INPUT THREADS LIMIT WALL_MS OVER_MS EXIT VERDICT
bad=0
for f in "${inputs[@]}"; do
  for threads in "${threads_list[@]}"; do
  for lim in "${limits[@]}"; do
    lim_ms=$(to_ms "$lim")
    slack=$(( lim_ms / 20 )); [ "$slack" -lt 100 ] && slack=100
    t0=$(date +%s%N)
    set +e
    "$bin" plan "$f" --threads "$threads" --time-limit "$lim" --format json -o "$work/plan.json" 2> "$work/err"
    code=$?
    set -e
    t1=$(date +%s%N)
    wall=$(( (t1 - t0) / 1000000 ))
    over=$(( wall - lim_ms ))
    if [ "$over" -le "$slack" ]; then
      if [ "$over" -lt $(( -slack )) ]; then verdict="ok (early)"; else verdict="ok"; fi
    else
      verdict="OVER by $over ms (allowed $slack)"; bad=1
    fi
    printf '%-22s %7s %6s %9d %9d %8d  %s\n' "$(basename "$f")" "$threads" "$lim" "$wall" "$over" "$code" "$verdict"
  done
  done
done
exit "$bad"
