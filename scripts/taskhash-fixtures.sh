#!/usr/bin/env bash
# Remakes the expected taskhashes of tests/data/taskhash/ with the real
# BitBake (local check, not CI: it needs a BitBake tree made by
# scripts/bitbake-graph.sh --prepare, default /tmp/bitbake-ref, or
# $RBAKE_BITBAKE_TREE, and the en_US.UTF-8 locale).
#
# Usage: taskhash-fixtures.sh [CASE]...
# Each case holds `layer/` (whose bitbake.conf sets BB_SIGNATURE_HANDLER and
# STAMP), `command` (the targets and options), and `env` (the environment,
# one NAME=VALUE a line: exported variables such as PATH enter every shell
# task's signature, so rbake's test runs with the same). The script runs
# `bitbake -S none COMMAND` in a scratch TOPDIR with BBPATH=layer and writes
# `expected.json`: `PN:task` to the taskhash in each sigdata file's name.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
tree="${RBAKE_BITBAKE_TREE:-/tmp/bitbake-ref}"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || mapfile -t cases < <(ls "$root/tests/data/taskhash")
for name in "${cases[@]}"; do
  case_dir="$root/tests/data/taskhash/$name"
  [ -f "$case_dir/command" ] || continue
  top="$(mktemp -d "${TMPDIR:-/tmp}/rbake-taskhash.XXXXXX")"
  mapfile -t env_lines < "$case_dir/env"
  home=""
  for line in "${env_lines[@]}"; do
    [ "${line%%=*}" = HOME ] && home="${line#HOME=}"
  done
  [ -n "$home" ] && mkdir -p "$home"
  # BitBake itself must be found; its directory is not part of the
  # recorded PATH, so it is called by its full path.
  (cd "$top" && env -i "${env_lines[@]}" BBPATH="$case_dir/layer" \
     python3 "$tree/bin/bitbake" -S none $(cat "$case_dir/command") >"$top/log.txt" 2>&1) || {
    tail -20 "$top/log.txt" >&2; exit 1; }
  python3 - "$top" "$case_dir/expected.json" <<'PY'
import glob, json, os, re, sys
top, out = sys.argv[1], sys.argv[2]
hashes = {}
for path in glob.glob(os.path.join(top, "tmp", "stamps", "*.sigdata.*")):
    m = re.match(r"(.+)-[^-]+\.(do_\w+)\.sigdata\.([0-9a-f]+)$", os.path.basename(path))
    hashes["%s:%s" % (m.group(1), m.group(2))] = m.group(3)
with open(out, "w") as f:
    json.dump(dict(sorted(hashes.items())), f, indent=1)
    f.write("\n")
print("%s: %d taskhashes" % (os.path.basename(os.path.dirname(out)), len(hashes)))
PY
  rm -rf "$top"
done
