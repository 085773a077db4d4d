#!/usr/bin/env bash
# Times the full parse of a build directory (OpenEmbedded-Core, or a layer
# from rbake-layergen) by rbake and by the reference BitBake library, side
# by side on this machine (local benchmark, not CI).
#
# Usage: bench-parse.sh BUILD_DIR [RUNS]
#   BUILD_DIR is made by scripts/oe-core-setup.sh or by rbake-layergen. Each
#   tool runs RUNS times (default 1), one after the other, from BUILD_DIR
#   with the same fixed PATH (BUILD_DIR/standins first, if it exists):
#   - BitBake: bbdump.py --var PN --no-hash (the library parses every recipe
#     and variant, one process, as `bitbake -p` does without signatures);
#   - rbake: `rbake parse` (every recipe and variant, in parallel threads)
#     and `rbake parse` with one thread.
# Prints wall time, CPU time and peak RSS of each run (GNU time), then the
# ratio of the medians.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:?usage: $0 BUILD_DIR [RUNS]}" && pwd)"
runs="${2:-1}"
py="${RBAKE_ORACLE_PYTHON:-$(bash "$here/../../shared/oracle/setup.sh")}"
cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
rbake="$here/../target/release/rbake"
export PATH="$build/standins:/usr/bin:/bin"
cd "$build"

measure() { # NAME COMMAND... -> prints "NAME wall user sys rss_kb"
  local name="$1"; shift
  local out; out="$(mktemp)"
  /usr/bin/time -f "%e %U %S %M" -o "$out" "$@" >/dev/null 2>&1
  echo "$name $(cat "$out")"
  rm -f "$out"
}

results="$(mktemp)"
for _ in $(seq "$runs"); do
  measure bitbake "$py" "$here/../../shared/oracle/bbdump.py" --topdir "$build" --var PN --no-hash | tee -a "$results"
  measure rbake "$rbake" parse | tee -a "$results"
  measure rbake-1-thread env RAYON_NUM_THREADS=1 "$rbake" parse | tee -a "$results"
done
python3 - "$results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, user, system, rss = line.split()
    rows.setdefault(name, []).append((float(wall), float(user) + float(system), int(rss)))
print("\n| tool | wall (median) | CPU | peak RSS |")
print("|---|---|---|---|")
for name, values in rows.items():
    wall = statistics.median(v[0] for v in values)
    cpu = statistics.median(v[1] for v in values)
    rss = max(v[2] for v in values) / 1024
    print("| %s | %.1f s | %.1f s | %.0f MB |" % (name, wall, cpu, rss))
base = statistics.median(v[0] for v in rows["bitbake"])
for name in ("rbake", "rbake-1-thread"):
    print("%s is %.1fx faster than the BitBake library" % (name, base / statistics.median(v[0] for v in rows[name])))
EOF
rm -f "$results"
