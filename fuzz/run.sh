#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after another.
# Stable toolchain only; see docs/fuzzing.md.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Crashing and slow inputs are saved under fuzz/artifacts/<target>/; the
# script exits 1 if any target crashed. Builds share the root's target/
# folder, so the dependencies are not compiled twice.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(inventory-yaml inventory-json plan psplib rcpspmax structure)
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/../target}"
# The `fuzz` profile: optimised, with overflow checks and debug assertions
# on, so an arithmetic overflow is a crash, as it should be.
cargo build --quiet --profile fuzz --manifest-path "$here/Cargo.toml"
bin="$CARGO_TARGET_DIR/fuzz/windowplan-fuzz"
status=0
for t in "${targets[@]}"; do
  "$bin" "$t" --seconds "$seconds" --seed "${FUZZ_SEED:-$RANDOM}" || status=1
done
if [ "$status" -ne 0 ]; then
  echo "crashes found: see $here/artifacts/; replay one with"
  echo "  $bin TARGET --replay $here/artifacts/TARGET/crash-..."
fi
exit "$status"
