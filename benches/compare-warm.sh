#!/usr/bin/env bash
# Repeat-build latency with a resident server, rbake next to BitBake: how
# long `build -n TARGET` takes when nothing changed, after a one-line edit
# to one recipe, and after an edit to a class that (nearly) every recipe
# inherits. Both tools keep their server between commands
# (BB_SERVER_TIMEOUT); the first, cold run of each is reported too.
# Local check, not CI: it needs a BitBake tree made by
# scripts/bitbake-graph.sh --prepare (or --rbake-only).
#
# Usage: benches/compare-warm.sh [--rbake-only] [--runs R] BITBAKE_TREE BUILD_DIR TARGET RECIPE CLASS
#   RECIPE and CLASS are files of the build's layers. Each edit run sets a
#   variable that RECIPE's do_compile depends on (a new value each run);
#   the class edit adds a variable to CLASS. Both files are restored at the
#   end. Times are wall-clock medians of R runs (default 5); the class edit
#   and the cold run are single runs.
set -euo pipefail
rbake_only=0
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rbake-only) rbake_only=1; shift ;;
    --runs) runs="$2"; shift 2 ;;
    *) break ;;
  esac
done
here="$(cd "$(dirname "$0")" && pwd)"
min_args=5
source "$here/../scripts/side-by-side.sh"
target="$3"
recipe="$(cd "$(dirname "$4")" && pwd)/$(basename "$4")"
class="$(cd "$(dirname "$5")" && pwd)/$(basename "$5")"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rbake-warm.XXXXXX")"
cp "$recipe" "$scratch/recipe.orig"
cp "$class" "$scratch/class.orig"
restore() {
  cp "$scratch/recipe.orig" "$recipe"
  cp "$scratch/class.orig" "$class"
  rm -rf "$scratch"
}
trap restore EXIT
run_env+=(BB_SERVER_TIMEOUT=900)
results="$scratch/results.tsv"

timed() { # TOOL CASE COMMAND...
  local tool="$1" case="$2"; shift 2
  local start end
  start=$(date +%s.%N)
  (cd "$build" && "${run_env[@]}" "$@" > "$scratch/last.log" 2>&1) || {
    echo "compare-warm.sh: $tool failed in case '$case'; its output:" >&2
    tail -20 "$scratch/last.log" >&2
    exit 1
  }
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\n' "$tool" "$case" "$(echo "$end - $start" | bc)" >> "$results"
}

edit_recipe() { # N
  cp "$scratch/recipe.orig" "$recipe"
  printf '\nBENCH_EDIT = "%s"\ndo_compile[vardeps] += "BENCH_EDIT"\n' "$1" >> "$recipe"
}

measure() { # TOOL STOP_COMMAND... -- COMMAND...
  local tool="$1"; shift
  local stop=()
  while [ "$1" != "--" ]; do stop+=("$1"); shift; done
  shift
  (cd "$build" && "${run_env[@]}" "${stop[@]}" > /dev/null 2>&1) || true
  cp "$scratch/recipe.orig" "$recipe"
  cp "$scratch/class.orig" "$class"
  timed "$tool" "cold (first command)" "$@"
  timed "$tool" "warm-up" "$@"
  for i in $(seq "$runs"); do
    timed "$tool" "no-op" "$@"
  done
  for i in $(seq "$runs"); do
    edit_recipe "$tool-$i"
    timed "$tool" "one-line recipe edit" "$@"
  done
  cp "$scratch/recipe.orig" "$recipe"
  printf '\nBENCH_CLASS_EDIT = "1"\n' >> "$class"
  timed "$tool" "class edit" "$@"
  cp "$scratch/class.orig" "$class"
  (cd "$build" && "${run_env[@]}" "${stop[@]}" > /dev/null 2>&1) || true
}

measure rbake "$rbake" server --stop -- "$rbake" build -n "$target"
if [ "$rbake_only" = 0 ]; then
  measure bitbake bitbake -m -- bitbake -n "$target"
fi

python3 - "$results" "$runs" "$(basename "$build")" "$target" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    tool, case, seconds = line.rstrip("\n").split("\t")
    rows.setdefault(case, {}).setdefault(tool, []).append(float(seconds))
print("\n`build -n %s` on %s; medians of %s runs (single runs: cold, class edit)." % (sys.argv[4], sys.argv[3], sys.argv[2]))
print("| case | rbake | BitBake | BitBake / rbake |")
print("|---|---|---|---|")
for case in ["cold (first command)", "no-op", "one-line recipe edit", "class edit"]:
    tools = rows.get(case, {})
    ours = statistics.median(tools["rbake"]) if "rbake" in tools else None
    theirs = statistics.median(tools["bitbake"]) if "bitbake" in tools else None
    cell = lambda v: "%.2f s" % v if v is not None else "not run"
    ratio = "%.0fx" % (theirs / ours) if ours and theirs else ""
    print("| %s | %s | %s | %s |" % (case, cell(ours), cell(theirs), ratio))
EOF
