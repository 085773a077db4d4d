#!/usr/bin/env bash
# The full parse of build directories by rbake and by the reference BitBake
# library, side by side on this machine, with the ratio of the medians.
#
# Usage: benches/compare-bitbake.sh [--sizes N,N...] [--build DIR]... [--runs R]
#   --sizes  generated layers to make with rbake-layergen (seed 1), by number
#            of recipes (default 200,1000,5000)
#   --build  an existing build directory too, such as one made for
#            OpenEmbedded-Core by scripts/oe-core-setup.sh (repeatable)
#   --runs   runs of each tool on each directory (default 3)
# Each run is timed with GNU time (wall, CPU, peak RSS). BitBake is the
# library parsing in one process (bbdump.py --var PN --no-hash, as
# `bitbake -p` without signatures); rbake is `rbake parse`, with its default
# worker processes (one per CPU) and in one process. Every tool runs from
# the build directory with the same fixed PATH (BUILD/standins first, where
# OpenEmbedded-Core needs it).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
sizes="200,1000,5000"
runs=3
builds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --build) builds+=("$(cd "$2" && pwd)"); shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--sizes N,N...] [--build DIR]... [--runs R]" >&2; exit 2 ;;
  esac
done
py="${RBAKE_ORACLE_PYTHON:-$(bash "$root/../shared/oracle/setup.sh")}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin rbake --bin rbake-layergen
rbake="$root/target/release/rbake"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rbake-compare.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

targets=()
for size in ${sizes//,/ }; do
  "$root/target/release/rbake-layergen" --recipes "$size" --seed 1 --out "$scratch/generated-$size" >/dev/null
  targets+=("generated layer, $size recipes=$scratch/generated-$size")
done
for build in "${builds[@]+"${builds[@]}"}"; do
  targets+=("$(basename "$build")=$build")
done

results="$scratch/results.tsv"
measure() { # LABEL TOOL BUILD COMMAND...
  local label="$1" tool="$2" build="$3"; shift 3
  local times="$scratch/time.txt"
  (cd "$build" && PATH="$build/standins:/usr/bin:/bin" /usr/bin/time -f "%e %U %S %M" -o "$times" "$@" >/dev/null 2>&1)
  printf '%s\t%s\t%s\n' "$label" "$tool" "$(cat "$times")" >> "$results"
}
for target in "${targets[@]}"; do
  label="${target%%=*}"
  build="${target#*=}"
  for _ in $(seq "$runs"); do
    measure "$label" bitbake "$build" "$py" "$root/../shared/oracle/bbdump.py" --topdir "$build" --var PN --no-hash
    measure "$label" rbake "$build" "$rbake" parse
    measure "$label" rbake-1 "$build" "$rbake" parse -j 1
  done
done

python3 - "$results" "$runs" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, tool, times = line.rstrip("\n").split("\t")
    wall, user, system, rss = times.split()
    rows.setdefault(label, {}).setdefault(tool, []).append((float(wall), int(rss)))
def cell(values):
    wall = statistics.median(v[0] for v in values)
    rss = max(v[1] for v in values) / 1024
    return wall, "%.2f s, %.0f MB" % (wall, rss)
print("\nMedian of %s run(s); peak RSS the largest." % sys.argv[2])
print("| metadata | BitBake | rbake | rbake, 1 process | ratio | ratio, 1 process |")
print("|---|---|---|---|---|---|")
for label, tools in rows.items():
    base, bitbake = cell(tools["bitbake"])
    fast, rbake = cell(tools["rbake"])
    single, rbake_1 = cell(tools["rbake-1"])
    print("| %s | %s | %s | %s | %.1fx | %.1fx |" % (label, bitbake, rbake, rbake_1, base / fast, base / single))
EOF
