#!/usr/bin/env bash
# Compares rbake's taskhashes with the real BitBake's on a build directory
# (local check, not CI: it needs a BitBake tree made by
# scripts/bitbake-graph.sh --prepare, and the en_US.UTF-8 locale).
#
# Usage: compare-taskhashes.sh BITBAKE_TREE BUILD_DIR TARGET...
# Runs `bitbake -S none TARGET...` in BUILD_DIR (its stamps directory is
# emptied first, so only this run's signature files are there) and
# `rbake plan TARGET... --json --hashes` with the same environment, and
# counts the rbake taskhashes that name one of BitBake's signature files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
min_args=3
source "$here/side-by-side.sh"
shift 2
stamps="$build/tmp/stamps"
rm -rf "$stamps"
(cd "$build" && "${run_env[@]}" bitbake -S none "$@" >/dev/null)
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rbake-taskhashes.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && "${run_env[@]}" "$root/target/release/rbake" --topdir "$build" plan "$@" --json --hashes \
  >"$scratch/plan.json" 2>/dev/null)
python3 - "$stamps" "$scratch/plan.json" <<'PY'
import json, os, sys
stamps, plan_file = sys.argv[1], sys.argv[2]
hashes = set()
for root, _, files in os.walk(stamps):
    for name in files:
        if ".sigdata." in name:
            hashes.add(name.rsplit(".sigdata.", 1)[1])
tasks = json.load(open(plan_file))["tasks"]
equal = [t for t in tasks if t.get("taskhash") in hashes]
print("BitBake signature files: %d; rbake tasks: %d; rbake taskhashes among BitBake's: %d"
      % (len(hashes), len(tasks), len(equal)))
for t in tasks:
    if t.get("taskhash") not in hashes:
        print("  differs: %s:%s" % (t["pn"], t["task"]))
PY
