#!/usr/bin/env bash
# How fast `rbake why` answers after a one-line edit, with a warm server,
# over a seeded sample of edits to the build's metadata (recipes, classes,
# includes and configuration files, in turn), next to the time of
# `bitbake -S printdiff` for the same question. Local check, not CI: it
# needs a BitBake tree made by scripts/bitbake-graph.sh --prepare (or
# --rbake-only).
#
# Usage: benches/why-latency.sh [--edits N] [--seed S] [--rbake-only] BITBAKE_TREE BUILD_DIR RECIPE:do_TASK
#   Each edit appends one assignment to a file, then asks
#   `rbake why RECIPE:do_TASK` (timed), then restores the file and asks
#   again (untimed), so that each timed answer pays for its own edit only.
#   Prints p50, p95 and the slowest answer by kind of file, and BitBake's
#   time for one `bitbake -S printdiff RECIPE -c do_TASK` after an edit.
set -euo pipefail
edits=30
seed=1
rbake_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --edits) edits="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --rbake-only) rbake_only=1; shift ;;
    *) break ;;
  esac
done
here="$(cd "$(dirname "$0")" && pwd)"
min_args=3
source "$here/../scripts/side-by-side.sh"
question="$3"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rbake-why.XXXXXX")"
edited=""
cleanup() {
  [ -n "$edited" ] && cp "$scratch/original" "$edited"
  (cd "$build" && "${run_env[@]}" "$rbake" server --stop >/dev/null 2>&1) || true
  rm -rf "$scratch"
}
trap cleanup EXIT
run_env+=(BB_SERVER_TIMEOUT=900)
ask() { (cd "$build" && "${run_env[@]}" "$rbake" why "$question" > "$scratch/answer.txt" 2>&1); }

# The candidate files: the recipes, and the classes, includes and
# configuration files of the layers (and the build's conf/).
layers="$(cd "$build" && "${run_env[@]}" "$rbake" getvar BBLAYERS --value)"
(cd "$build" && "${run_env[@]}" "$rbake" recipes 2>/dev/null | grep '\.bb ' | cut -d' ' -f1) > "$scratch/recipe"
: > "$scratch/class"; : > "$scratch/include"; : > "$scratch/configuration"
for layer in $layers "$build"; do
  find "$layer" -name '*.bbclass' >> "$scratch/class"
  find "$layer" -name '*.inc' -not -path '*/files/*' >> "$scratch/include"
  find "$layer" -path '*/conf/*' -name '*.conf' >> "$scratch/configuration"
done
python3 - "$scratch" "$edits" "$seed" > "$scratch/plan.tsv" <<'EOF'
import random, sys
scratch, edits, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
kinds = ["recipe", "class", "include", "configuration"]
files = {kind: sorted(set(open("%s/%s" % (scratch, kind)).read().split())) for kind in kinds}
for i in range(edits):
    kind = kinds[i % len(kinds)]
    if files[kind]:
        print("%s\t%s" % (kind, rng.choice(files[kind])))
EOF

ask  # The first question starts the server and parses.
results="$scratch/results.tsv"
i=0
while IFS=$'\t' read -r kind file; do
  i=$((i + 1))
  edited="$file"
  cp "$file" "$scratch/original"
  printf '\nWHY_LATENCY_EDIT = "%s"\n' "$i" >> "$file"
  start=$(date +%s.%N)
  ask
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\n' "$kind" "$(echo "$end - $start" | bc)" "$file" >> "$results"
  cp "$scratch/original" "$file"
  edited=""
  ask
done < "$scratch/plan.tsv"

bitbake_time=""
if [ "$rbake_only" = 0 ]; then
  (cd "$build" && "${run_env[@]}" "$rbake" server --stop >/dev/null 2>&1) || true
  recipe="${question%%:do_*}"
  task="do_${question##*:do_}"
  printdiff() { (cd "$build" && "${run_env[@]}" bitbake -S printdiff "$recipe" -c "$task" \
    > "$scratch/printdiff.log" 2>&1) || true; }
  printdiff  # BitBake's server parses and stays, as rbake's did.
  file="$(head -1 "$scratch/recipe")"
  edited="$file"
  cp "$file" "$scratch/original"
  printf '\nWHY_LATENCY_EDIT = "bitbake"\n' >> "$file"
  start=$(date +%s.%N)
  printdiff
  end=$(date +%s.%N)
  bitbake_time="$(echo "$end - $start" | bc)"
  cp "$scratch/original" "$file"
  edited=""
  (cd "$build" && "${run_env[@]}" bitbake -m >/dev/null 2>&1) || true
fi

python3 - "$results" "$question" "${bitbake_time:-}" <<'EOF'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
def summary(times):
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return "%d | %.3f s | %.3f s | %.3f s" % (len(times), statistics.median(times), p95, times[-1])
print("\n`rbake why %s` after a one-line edit, warm server." % sys.argv[2])
print("| edited | edits | p50 | p95 | slowest |")
print("|---|---|---|---|---|")
for kind in ["recipe", "class", "include", "configuration"]:
    times = [float(t) for k, t, _ in rows if k == kind]
    if times:
        print("| %s | %s |" % (kind, summary(times)))
print("| all | %s |" % summary([float(t) for _, t, _ in rows]))
print("\nThe slowest answers:")
for kind, seconds, path in sorted(rows, key=lambda row: -float(row[1]))[:5]:
    print("- %.3f s after editing %s (%s)" % (float(seconds), path, kind))
if sys.argv[3]:
    print("\n`bitbake -S printdiff` for the same question after a recipe edit, its server warm: %.1f s" % float(sys.argv[3]))
EOF
