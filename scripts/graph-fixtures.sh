#!/usr/bin/env bash
# Regenerates the expected outputs of the `rbake graph` / `rbake show-versions`
# fixtures in tests/data/graph with the real BitBake (local check, not CI: it
# needs a BitBake tree, see scripts/bitbake-graph.sh --prepare).
#
# Usage: graph-fixtures.sh [CASE]...
#
# With no CASE, every directory of tests/data/graph holding a `command` file is
# done. For each case, `bitbake $(cat command)` runs in a fresh scratch
# directory (TOPDIR) with env -i and only PATH=BITBAKE_TREE/bin:/usr/bin:/bin,
# HOME=<scratch>/home, LANG/LC_ALL=en_US.UTF-8 and BBPATH=<case>/layer. Then:
#   expected.txt           for -g: scripts/normalize-graph.py of the files it
#                          wrote, with the layer path as <root> (removed when
#                          BitBake wrote no graph); for -s: its table, from the
#                          "Recipe Name" header on, verbatim.
#   expected-messages.txt  its NOTE/WARNING/ERROR messages, multi-line ones
#                          whole, sorted (BitBake's order follows Python's
#                          string hash seed); generic progress lines left out;
#                          the layer path as <root>, the scratch directory as
#                          <topdir>; then "exit: N", BitBake's exit status.
# BITBAKE_TREE is $RBAKE_BITBAKE_TREE, default /tmp/bitbake-ref. The scratch
# directories are removed afterwards, unless GRAPH_FIXTURES_KEEP is set (then
# the path of the full log is printed). GRAPH_FIXTURES_HASHSEED, when set, is
# passed to BitBake as PYTHONHASHSEED: the outputs should not change with it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$here/../tests/data/graph"
data="$(cd "$data" && pwd)"
tree="${RBAKE_BITBAKE_TREE:-/tmp/bitbake-ref}"
[ -x "$tree/bin/bitbake" ] || { echo "graph-fixtures.sh: no bin/bitbake in $tree" >&2; exit 1; }

if [ $# -gt 0 ]; then
  cases=("$@")
else
  cases=()
  for f in "$data"/*/command; do cases+=("$(basename "$(dirname "$f")")"); done
fi

# Keeps the messages of a knotty log (stdin) that concern providers and the
# graph: a message is a line starting with NOTE:, WARNING:, ERROR: or FATAL:
# plus the lines that follow it up to the next message or progress line.
filter_messages() {
  python3 -c '
import re, sys
layer, topdir = sys.argv[1], sys.argv[2]
start = re.compile(r"^(NOTE|WARNING|ERROR|FATAL|CRITICAL): ")
progress = re.compile(r"^(Loading cache|Loaded \d+ entries|Parsing recipes|Parsing of \d+ \.bb files|"
                      r"Summary: |NOTE: Resolving any missing task queue dependencies$|"
                      r"NOTE: PN build list saved|NOTE: Task dependencies saved|NOTE: Started PRServer|"
                      r"Recipe Name |ERROR: Command execution failed: Exited with 1$)")
messages, current = [], None
for line in sys.stdin.read().splitlines():
    if progress.match(line):
        current = None
    elif start.match(line):
        current = [line]
        messages.append(current)
    elif current is not None:
        current.append(line)
texts = []
for m in messages:
    while m and not m[-1].strip():
        m.pop()
    texts.append("\n".join(m).replace(layer, "<root>").replace(topdir, "<topdir>"))
# BitBake walks sets of names, so its order changes with the hash seed.
for text in sorted(texts):
    print(text)
' "$1" "$2"
}

for case in "${cases[@]}"; do
  dir="$data/$case"
  [ -f "$dir/command" ] || { echo "graph-fixtures.sh: no $dir/command" >&2; exit 1; }
  layer="$(cd "$dir/layer" && pwd)"
  read -r -a args < "$dir/command"
  scratch="$(mktemp -d)"
  mkdir "$scratch/top" "$scratch/home"
  status=0
  (cd "$scratch/top" && env -i PATH="$tree/bin:/usr/bin:/bin" HOME="$scratch/home" \
     LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 BBPATH="$layer" ${GRAPH_FIXTURES_HASHSEED:+PYTHONHASHSEED="$GRAPH_FIXTURES_HASHSEED"} \
     "$tree/bin/bitbake" "${args[@]}") > "$scratch/log.txt" 2>&1 || status=$?

  case " ${args[*]} " in
    *" -s "*)
      # The table runs from its header to the summary line (or the end),
      # without the trailing blank line.
      awk '/^Recipe Name/ { t = 1 } /^Summary: / { t = 0 } t' "$scratch/log.txt" \
        | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$dir/expected.txt"
      ;;
    *)
      if [ -f "$scratch/top/task-depends.dot" ]; then
        python3 "$here/normalize-graph.py" --strip-prefix "$layer" "$scratch/top" > "$dir/expected.txt"
      else
        rm -f "$dir/expected.txt"
      fi
      ;;
  esac
  { filter_messages "$layer" "$scratch/top" < "$scratch/log.txt"; echo "exit: $status"; } > "$dir/expected-messages.txt"

  if [ -f "$dir/expected.txt" ] && [ "$(head -c 11 "$dir/expected.txt")" = "Recipe Name" ]; then
    counts="$(tail -n +4 "$dir/expected.txt" | grep -c . || true) recipes"
  elif [ -f "$dir/expected.txt" ]; then
    counts="$(awk '/^# /{s=$2; next} s=="nodes"{n++} s=="edges"{e++} END{printf "%d nodes, %d edges", n, e}' "$dir/expected.txt")"
  else
    counts="no graph"
  fi
  echo "$case: exit $status, $counts" >&2
  if [ -n "${GRAPH_FIXTURES_KEEP:-}" ]; then
    echo "  log kept in $scratch/log.txt" >&2
  else
    rm -rf "$scratch"
  fi
done
