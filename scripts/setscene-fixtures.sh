#!/usr/bin/env bash
# Writes the expected task sets of the setscene fixtures (tests/data/setscene)
# by running the real BitBake (local check, not CI: it needs a BitBake tree,
# see scripts/bitbake-graph.sh --prepare).
#
# Usage: setscene-fixtures.sh [CASE]...
#
# For each case, a fresh scratch TOPDIR gets available.conf
# (SSTATE_AVAILABLE = the case's `available`), and `bitbake $(cat command)`
# runs there with env -i, PATH=BITBAKE_TREE/bin:/usr/bin:/bin and
# BBPATH=<layer>. expected.txt then lists every task that ran, real and
# setscene, one `PF do_task` line each, sorted, from each recipe's
# ${T}/log.task_order, followed by "exit: N"; expected-order.txt lists the
# same tasks in the order they ran (the layer runs one task at a time, so
# this is the scheduler's order). A case's optional `conf` file is added to
# available.conf (BB_SCHEDULER, say).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$(cd "$here/../tests/data/setscene" && pwd)"
tree="${RBAKE_BITBAKE_TREE:-/tmp/bitbake-ref}"
[ -x "$tree/bin/bitbake" ] || { echo "setscene-fixtures.sh: no bin/bitbake in $tree" >&2; exit 1; }
layer="$data/layer"

if [ $# -gt 0 ]; then cases=("$@"); else cases=($(ls "$data/cases")); fi
for case in "${cases[@]}"; do
  dir="$data/cases/$case"
  scratch="$(mktemp -d)"
  mkdir "$scratch/top" "$scratch/home"
  printf 'SSTATE_AVAILABLE = "%s"\n' "$(cat "$dir/available")" > "$scratch/top/available.conf"
  [ -f "$dir/conf" ] && cat "$dir/conf" >> "$scratch/top/available.conf"
  read -r -a args < "$dir/command"
  status=0
  (cd "$scratch/top" && env -i PATH="$tree/bin:/usr/bin:/bin" HOME="$scratch/home" \
     LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 BBPATH="$layer" \
     bitbake "${args[@]}" > "$scratch/log" 2>&1) || status=$?
  {
    for order in "$scratch"/top/tmp/work/*/temp/log.task_order; do
      [ -f "$order" ] || continue
      pf="$(basename "$(dirname "$(dirname "$order")")")"
      sed -E "s/^([0-9.-]+ )?([a-z_]+) .*/$pf \2/" "$order"
    done | sort
    echo "exit: $status"
  } > "$dir/expected.txt"
  # With BB_NUMBER_THREADS = 1 the order is the scheduler's: every task
  # that ran, by the time it was logged.
  for order in "$scratch"/top/tmp/work/*/temp/log.task_order; do
    [ -f "$order" ] || continue
    pf="$(basename "$(dirname "$(dirname "$order")")")"
    sed -E "s/^([0-9.-]+) ([a-z_]+) .*/\1 $pf \2/" "$order"
  done | sort | cut -d' ' -f2- > "$dir/expected-order.txt"
  echo "$case: $(grep -c ' do_' "$dir/expected.txt" || true) tasks, exit $status"
  if [ -n "${SETSCENE_FIXTURES_KEEP:-}" ]; then echo "  kept $scratch"; else rm -rf "$scratch"; fi
done
