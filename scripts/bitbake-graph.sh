#!/usr/bin/env bash
# Runs the real BitBake's `bitbake -g` to make reference task graphs for rbake
# (local check, not CI: it needs a BitBake tree and a build directory).
#
# Usage:
#   bitbake-graph.sh --prepare BITBAKE_TREE
#   bitbake-graph.sh [--strip-prefix PATH]... BITBAKE_TREE BUILD_DIR OUT_DIR TARGET... [-c TASK]
#
# --prepare exports the BitBake checkout in $RBAKE_BITBAKE_GIT (a git directory,
# default /work/.mirror/openembedded+bitbake/repo) into BITBAKE_TREE, then
# replaces its lib/bb with the `bb` package of the reference virtualenv
# ($RBAKE_ORACLE_PYTHON, default $HOME/.cache/rbake-oracle/venv/bin/python; see
# ../shared/oracle/setup.sh), so that the command line runs the same library
# as the differential tests. The other lib/ directories stay. The files that
# differed are listed on stderr and in BITBAKE_TREE/rbake-prepared.txt.
#
# The second form runs `bitbake -g TARGET... [-c TASK]` in BUILD_DIR with
# LANG/LC_ALL=en_US.UTF-8 (BitBake exits unless that locale is installed) and
# PATH=BUILD_DIR/standins:BITBAKE_TREE/bin:/usr/bin:/bin (standins/ is made by
# scripts/oe-core-setup.sh and is left out when absent). BUILD_DIR is either
# an OpenEmbedded-Core build directory with conf/bblayers.conf, or any
# directory when BBPATH is set in the environment to a layer holding
# conf/bitbake.conf. It copies task-depends.dot and pn-buildlist to OUT_DIR,
# with the command's output as log.txt, and writes OUT_DIR/normalized.txt with
# scripts/normalize-graph.py (given the --strip-prefix options). BitBake can
# fail (say, on a missing provider) after writing the graph: the files are
# then still copied, and its exit status is returned. The wall time is
# printed on stderr. BitBake leaves its caches under BUILD_DIR (or TMPDIR).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

usage() {
  sed -n '/^# Usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

check_locale() {
  if ! locale -a 2>/dev/null | grep -qix 'en_US\.utf-\?8'; then
    echo "bitbake-graph.sh: the en_US.UTF-8 locale is missing; on Debian:" >&2
    echo "  apt-get install -y locales && sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen && locale-gen" >&2
    exit 1
  fi
}

prepare() {
  local tree="$1"
  local git_dir="${RBAKE_BITBAKE_GIT:-/work/.mirror/openembedded+bitbake/repo}"
  local py="${RBAKE_ORACLE_PYTHON:-$HOME/.cache/rbake-oracle/venv/bin/python}"
  local pypi_bb
  pypi_bb="$("$py" -c 'import importlib.util as u; print(u.find_spec("bb").submodule_search_locations[0])')"
  # Only an empty directory or an earlier prepared tree is replaced.
  if [ -e "$tree" ] && [ -n "$(ls -A "$tree")" ] && [ ! -f "$tree/rbake-prepared.txt" ]; then
    echo "bitbake-graph.sh: $tree exists and was not made by --prepare; not touching it" >&2
    exit 1
  fi
  rm -rf "$tree"
  mkdir -p "$tree"
  git --git-dir="$git_dir" archive HEAD | tar -x -C "$tree"

  # The differences, ignoring files that exist on one side only (licences,
  # test data, generated parser tables).
  local differing
  differing="$(diff -rq -x __pycache__ "$tree/lib/bb" "$pypi_bb" \
    | awk -v p="$tree/lib/bb/" '$1 == "Files" && $NF == "differ" { print substr($2, length(p) + 1) }' || true)"
  rm -rf "$tree/lib/bb"
  mkdir "$tree/lib/bb"
  (cd "$pypi_bb" && tar -c --exclude=__pycache__ .) | tar -x -C "$tree/lib/bb"

  {
    echo "checkout: $git_dir $(git --git-dir="$git_dir" rev-parse HEAD)"
    echo "lib/bb: $pypi_bb"
    echo "files of lib/bb that differed from the checkout:"
    printf '%s\n' "$differing" | sed '/^$/d; s/^/  /'
  } > "$tree/rbake-prepared.txt"
  cat "$tree/rbake-prepared.txt" >&2
  check_locale
  echo "$tree"
}

strip_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --prepare) [ $# -eq 2 ] || usage; prepare "$2"; exit 0 ;;
    --strip-prefix) [ $# -ge 2 ] || usage; strip_args+=(--strip-prefix "$2"); shift 2 ;;
    -h|--help) usage ;;
    *) break ;;
  esac
done
[ $# -ge 4 ] || usage

tree="$(cd "$1" && pwd)"
build="$(cd "$2" && pwd)"
mkdir -p "$3"
out="$(cd "$3" && pwd)"
shift 3
[ -x "$tree/bin/bitbake" ] || { echo "bitbake-graph.sh: no bin/bitbake in $tree" >&2; exit 1; }
check_locale

# The targets, with -c TASK kept for bitbake wherever it appears.
bb_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -c) [ $# -ge 2 ] || usage; bb_args+=(-c "$2"); shift 2 ;;
    *) bb_args+=("$1"); shift ;;
  esac
done

path="$tree/bin:/usr/bin:/bin"
[ -d "$build/standins" ] && path="$build/standins:$path"

# BitBake writes its results into the current directory and leaves out
# pn-buildlist when there are no recipes; stale copies must not survive.
cd "$build"
rm -f task-depends.dot pn-buildlist "$out/task-depends.dot" "$out/pn-buildlist" "$out/normalized.txt"
start=$(date +%s.%N)
status=0
env LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 PATH="$path" \
  bitbake -g "${bb_args[@]}" > "$out/log.txt" 2>&1 || status=$?
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "bitbake -g took %.1f s\n", e - s }' >&2

# BitBake may report errors (say, a missing provider) and still write the
# graph; whatever it wrote is copied and normalized, and its status returned.
if [ -f task-depends.dot ]; then
  if [ "$out" != "$build" ]; then
    cp task-depends.dot "$out/"
    if [ -f pn-buildlist ]; then cp pn-buildlist "$out/"; fi
  fi
  python3 "$here/normalize-graph.py" "${strip_args[@]}" "$out" > "$out/normalized.txt"
else
  rm -f "$out/normalized.txt"
fi
if [ "$status" -ne 0 ]; then
  tail -n 20 "$out/log.txt" >&2
  echo "bitbake-graph.sh: bitbake failed (status $status); full output in $out/log.txt" >&2
  exit "$status"
fi
echo "$out"
