#!/usr/bin/env bash
# Compares what `rbake build -n` and the real `bitbake -n` would run on a
# build directory with a partly filled SSTATE_DIR (local check, not CI: it
# needs a BitBake tree made by scripts/bitbake-graph.sh --prepare).
#
# Usage: compare-dry-run.sh BITBAKE_TREE BUILD_DIR TARGET...
# 1. `bitbake -n -DD TARGET...` with an empty SSTATE_DIR lists, in its debug
#    output, every shared-state file OE-Core's sstate_checkhashes looked for.
# 2. Every other one of those files (sorted) is created, empty.
# 3. `bitbake -n` and `rbake build -n` then run against that SSTATE_DIR, and
#    the script compares their "Sstate summary" lines and the sets of
#    setscene and real tasks each would run.
# SSTATE_DIR is BUILD_DIR/sstate-dry-run (passed with a postread file).
# The three logs are kept in BUILD_DIR/dry-run-logs/. BitBake decides
# setscene tasks in the order of a Python set, so in a few cases with hard
# dependencies its answer changes with the string hash seed; set
# BITBAKE_HASHSEED to pass one to BitBake as PYTHONHASHSEED.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
min_args=3
source "$here/side-by-side.sh"
shift 2
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rbake-dry-run.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
sstate="$build/sstate-dry-run"
rm -rf "$sstate"
mkdir -p "$sstate"
printf 'SSTATE_DIR = "%s"\n' "$sstate" > "$scratch/sstate.conf"

(cd "$build" && "${run_env[@]}" bitbake -R "$scratch/sstate.conf" -n -DD "$@" > "$scratch/probe.log" 2>&1) || true
grep -o "SState: Looked for but didn't find file [^ ]*" "$scratch/probe.log" | awk '{print $NF}' | sort -u > "$scratch/wanted"
awk 'NR % 2 == 1' "$scratch/wanted" | while read -r file; do mkdir -p "$(dirname "$file")"; : > "$file"; done
echo "shared-state files looked for: $(wc -l < "$scratch/wanted"); created: $(find "$sstate" -type f | wc -l)"

(cd "$build" && "${run_env[@]}" bitbake -R "$scratch/sstate.conf" -n "$@" > "$scratch/bitbake.log" 2>&1) || true
(cd "$scratch" && "${run_env[@]}" "$root/target/release/rbake" --topdir "$build" build -R "$scratch/sstate.conf" -n "$@" \
  > "$scratch/rbake.log" 2>&1) || true

mkdir -p "$build/dry-run-logs"
cp "$scratch/probe.log" "$scratch/bitbake.log" "$scratch/rbake.log" "$build/dry-run-logs/"
python3 "$here/compare-dry-run.py" "$scratch/bitbake.log" "$scratch/rbake.log"
