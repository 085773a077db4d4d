#!/usr/bin/env bash
# The full parse of build directories by rbake and by the reference BitBake
# library, side by side on this machine, with the ratio of the medians.
#
# Usage: benches/compare-bitbake.sh [--sizes N,N...] [--build DIR]... [--runs R] [--single-above N]
#   --sizes  generated layers to make with rbake-layergen (seed 1), by number
#            of recipes (default 200,1000,5000)
#   --build  an existing build directory too, such as one made for
#            OpenEmbedded-Core by scripts/oe-core-setup.sh (repeatable)
#   --runs   runs of each tool on each directory (default 3)
#   --single-above  one run only for directories of more recipes than this
#            (default 2000: for 5,000 recipes and OpenEmbedded-Core, where
#            one BitBake parse takes minutes)
# Each run is timed with GNU time (wall, CPU, peak RSS). BitBake is the
# library parsing in one process (bbdump.py --var PN --no-hash, as
# `bitbake -p` without signatures); rbake is `rbake parse`, with its default
# worker processes (one per CPU) and in one process. Every tool runs from
# the build directory with the same fixed PATH (BUILD/standins first, where
# OpenEmbedded-Core needs it).
#
# When BITBAKEDIR names a BitBake checkout (scripts/bitbake-graph.sh
# --prepare makes one with the reference library), a second table compares
# the engines when warm: `bitbake -p` against `rbake parse --basehashes`
# (both compute every task's basehash while parsing) with a resident
# server (BB_SERVER_TIMEOUT), cold (BitBake's cache removed first), again
# with nothing changed (BitBake loads its cache; rbake revalidates), after
# touching one recipe, and then `bitbake -S none world` against
# `rbake sigs world`; and the server's peak RSS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
sizes="200,1000,5000"
runs=3
single_above=2000
builds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --build) builds+=("$(cd "$2" && pwd)"); shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --single-above) single_above="$2"; shift 2 ;;
    *) echo "usage: $0 [--sizes N,N...] [--build DIR]... [--runs R] [--single-above N]" >&2; exit 2 ;;
  esac
done
py="${RBAKE_ORACLE_PYTHON:-$(bash "$root/../shared/oracle/setup.sh")}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin rbake --bin rbake-layergen
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rbake-compare.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
# A copy of the binary: a rebuild during the run must not replace it (a
# server of another binary would be restarted, cold).
rbake="$scratch/rbake"
cp -p "$root/target/release/rbake" "$rbake"

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
recipe_count() { # BUILD
  (cd "$1" && RBAKE_NO_SERVER=1 "$rbake" recipes 2>/dev/null | grep -c '\.bb ' || true)
}
for target in "${targets[@]}"; do
  label="${target%%=*}"
  build="${target#*=}"
  n="$runs"
  if [ "$(recipe_count "$build")" -gt "$single_above" ]; then n=1; fi
  for _ in $(seq "$n"); do
    measure "$label" bitbake "$build" "$py" "$root/../shared/oracle/bbdump.py" --topdir "$build" --var PN --no-hash
    measure "$label" rbake "$build" env RBAKE_NO_SERVER=1 "$rbake" parse
    measure "$label" rbake-1 "$build" env RBAKE_NO_SERVER=1 "$rbake" parse -j 1
  done
done

warm="$scratch/warm.tsv"
if [ -n "${BITBAKEDIR:-}" ]; then
  tree="$(cd "$BITBAKEDIR" && pwd)"
  warm_step() { # LABEL TOOL CASE BUILD COMMAND...
    local label="$1" tool="$2" case="$3" build="$4"; shift 4
    local path="/usr/bin:/bin"
    [ -d "$build/standins" ] && path="$build/standins:$path"
    local start end
    start=$(date +%s.%N)
    (cd "$build" && env -i HOME="$HOME" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 PATH="$path:$tree/bin" \
      BB_SERVER_TIMEOUT=900 "$@" > "$scratch/warm.log" 2>&1) || {
      echo "compare-bitbake.sh: $tool failed ($case on $label):" >&2; tail -5 "$scratch/warm.log" >&2; }
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\t%s\n' "$label" "$tool" "$case" "$(echo "$end - $start" | bc)" >> "$warm"
  }
  stop_bitbake() { # BUILD
    (cd "$1" && env -i PATH="/usr/bin:/bin:$tree/bin" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 \
      bitbake -m >/dev/null 2>&1) || true
  }
  for target in "${targets[@]}"; do
    label="${target%%=*}"
    build="${target#*=}"
    (cd "$build" && RBAKE_NO_SERVER=1 "$rbake" recipes > "$scratch/recipes.txt" 2>/dev/null) || true
    touched="$(awk '/\.bb /{ print $1; exit }' "$scratch/recipes.txt")"
    # BitBake: its cache and server start empty.
    stop_bitbake "$build"
    rm -rf "$build/cache" "$build/tmp/cache"
    warm_step "$label" bitbake "cold parse" "$build" bitbake -p
    warm_step "$label" bitbake "warm no-op parse" "$build" bitbake -p
    touch "$touched"
    warm_step "$label" bitbake "parse after touching one recipe" "$build" bitbake -p
    warm_step "$label" bitbake "world signatures" "$build" bitbake -S none world
    stop_bitbake "$build"
    # rbake: a server started by the first command.
    (cd "$build" && "$rbake" server --stop >/dev/null 2>&1) || true
    warm_step "$label" rbake "cold parse" "$build" "$rbake" parse --basehashes
    warm_step "$label" rbake "warm no-op parse" "$build" "$rbake" parse --basehashes
    touch "$touched"
    warm_step "$label" rbake "parse after touching one recipe" "$build" "$rbake" parse --basehashes
    warm_step "$label" rbake "world signatures" "$build" "$rbake" sigs world
    pid="$(cat "$build/rbake-server.lock" 2>/dev/null || true)"
    rss="$(grep VmHWM "/proc/$pid/status" 2>/dev/null | awk '{print $2}' || true)"
    printf '%s\trbake\tserver peak RSS\t%s\n' "$label" "${rss:-0}" >> "$warm"
    (cd "$build" && "$rbake" server --stop >/dev/null 2>&1) || true
  done
fi

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
print("\nMedians of the runs (their number follows each label); peak RSS the largest.")
print("| metadata | BitBake | rbake | rbake, 1 process | ratio | ratio, 1 process |")
print("|---|---|---|---|---|---|")
for label, tools in rows.items():
    base, bitbake = cell(tools["bitbake"])
    fast, rbake = cell(tools["rbake"])
    single, rbake_1 = cell(tools["rbake-1"])
    label = "%s (%d run%s)" % (label, len(tools["bitbake"]), "" if len(tools["bitbake"]) == 1 else "s")
    print("| %s | %s | %s | %s | %.1fx | %.1fx |" % (label, bitbake, rbake, rbake_1, base / fast, base / single))
EOF

if [ -s "$warm" ]; then
python3 - "$warm" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    label, tool, case, value = line.rstrip("\n").split("\t")
    rows.setdefault(label, {}).setdefault(case, {})[tool] = float(value)
print("\nWarm engines, one run each: `bitbake -p` / `bitbake -S none world` with its cache and a")
print("resident server, against `rbake parse` / `rbake sigs world` through rbake's server.")
print("| metadata | case | BitBake | rbake | ratio |")
print("|---|---|---|---|---|")
for label, cases in rows.items():
    for case in ["cold parse", "warm no-op parse", "parse after touching one recipe", "world signatures"]:
        tools = cases.get(case, {})
        b, r = tools.get("bitbake"), tools.get("rbake")
        ratio = "%.0fx" % (b / r) if b and r else ""
        print("| %s | %s | %s | %s | %s |" % (label, case, "%.2f s" % b if b else "", "%.2f s" % r if r else "", ratio))
    rss = cases.get("server peak RSS", {}).get("rbake")
    if rss:
        print("| %s | rbake server peak RSS | | %.0f MB | |" % (label, rss / 1024))
EOF
fi
