#!/usr/bin/env bash
# Planning from parsed metadata, rbake next to the real BitBake, on one build
# directory (local check, not CI: it needs a BitBake tree; see
# scripts/bitbake-graph.sh --prepare).
#
# Usage: benches/compare-plan.sh BITBAKE_TREE BUILD_DIR TARGET... [-c TASK]
# BitBake runs `bitbake -g` twice (the first run fills its parse cache); the
# figure is the second run's time from "Parsing completed" to the end of the
# command in BUILD_DIR/bitbake-cookerdaemon.log: task data, runqueue preparation
# (with its signatures) and writing the graph. rbake runs `rbake graph
# --timings`, which parses every recipe first and then times the plan and
# the graph on their own. The ratio is BitBake's time over rbake's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
min_args=3
source "$here/../scripts/side-by-side.sh"
shift 2
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rbake-plan.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

for run in 1 2; do
  bash "$root/scripts/bitbake-graph.sh" "$tree" "$build" "$scratch/bitbake" "$@" >/dev/null 2>&1 || true
done
bitbake_s="$(python3 - "$build/bitbake-cookerdaemon.log" <<'PY'
import re, sys
from datetime import datetime
# The last "Parsing completed" and the idle function's removal after it.
stamps = {}
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r"\d+ (\d\d:\d\d:\d\d\.\d+) (.*)", line)
    if not m:
        continue
    when = datetime.strptime(m.group(1), "%H:%M:%S.%f")
    if m.group(2).startswith("Parsing completed"):
        stamps = {"parsed": when}
    elif m.group(2).startswith("Removing idle function") and "parsed" in stamps:
        stamps.setdefault("done", when)
print(f"{(stamps['done'] - stamps['parsed']).total_seconds():.3f}")
PY
)"

path="PATH=/usr/bin:/bin"
[ -d "$build/standins" ] && path="PATH=$build/standins:/usr/bin:/bin"
mkdir -p "$scratch/rbake"
rbake_line="$(cd "$scratch/rbake" && env -i HOME="$HOME" "$path" \
  "$root/target/release/rbake" --topdir "$build" graph --timings "$@" 2>&1 >/dev/null | grep '^timings:')"
rbake_s="$(sed -E 's/.*plan ([0-9.]+) s.*/\1/' <<<"$rbake_line")"
printf '%-40s %12s %12s %8s\n' "targets" "BitBake (s)" "rbake (s)" "ratio"
printf '%-40s %12s %12s %8s\n' "$*" "$bitbake_s" "$rbake_s" \
  "$(python3 -c "print(f'{$bitbake_s / $rbake_s:.1f}x')")"
