#!/usr/bin/env bash
# Compares rbake's graphs and tables with the real BitBake's on a build
# directory (local check, not CI: it needs a BitBake tree made by
# scripts/bitbake-graph.sh --prepare, and the en_US.UTF-8 locale).
#
# Usage: compare-graph.sh BITBAKE_TREE BUILD_DIR [STRIP_PREFIX]
# Checks, each printed as `same` or `DIFFERENT` with the diff's size:
#   bitbake -g core-image-minimal      vs rbake graph core-image-minimal
#   bitbake -g zlib -c compile         vs rbake graph zlib -c compile
#   bitbake -s                         vs rbake show-versions
#   bitbake-layers show-layers, show-appends, show-recipes
#                                      vs rbake show-layers, show-appends, show-recipes
# Graphs are compared after scripts/normalize-graph.py (STRIP_PREFIX, say
# the OpenEmbedded-Core checkout, is replaced in file names). Outputs are
# kept in a scratch directory whose path is printed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
[ $# -ge 2 ] || { sed -n '/^# Usage:/p' "$0" | sed 's/^# //' >&2; exit 2; }
tree="$(cd "$1" && pwd)"
build="$(cd "$2" && pwd)"
strip=()
[ $# -ge 3 ] && strip=(--strip-prefix "$3")
cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin rbake
rbake="$root/target/release/rbake"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/rbake-graphs.XXXXXX")"
echo "outputs in $scratch"
path="/usr/bin:/bin"
[ -d "$build/standins" ] && path="$build/standins:$path"
bb_env=(env -i HOME="$HOME" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 PATH="$path:$tree/bin")
rb_env=(env -i HOME="$HOME" PATH="$path")

report() {
  local name="$1" expected="$2" actual="$3"
  if diff -q "$expected" "$actual" >/dev/null; then
    printf '%-36s same (%s lines)\n' "$name" "$(wc -l <"$expected")"
  else
    printf '%-36s DIFFERENT (%s diff lines)\n' "$name" "$(diff "$expected" "$actual" | grep -c '^[<>]')"
  fi
}

graph() {
  local name="$1"; shift
  bash "$here/bitbake-graph.sh" "${strip[@]}" "$tree" "$build" "$scratch/$name-bitbake" "$@" >/dev/null 2>&1 || true
  mkdir -p "$scratch/$name-rbake"
  (cd "$scratch/$name-rbake" && "${rb_env[@]}" "$rbake" --topdir "$build" graph "$@" 2>/dev/null) || true
  python3 "$here/normalize-graph.py" "$scratch/$name-rbake" "${strip[@]}" >"$scratch/$name-rbake/normalized.txt"
  report "graph $*" "$scratch/$name-bitbake/normalized.txt" "$scratch/$name-rbake/normalized.txt"
}

table() {
  local name="$1" bitbake_cmd="$2" rbake_cmd="$3"
  (cd "$build" && "${bb_env[@]}" $bitbake_cmd 2>&1) \
    | grep -v '^NOTE:\|^WARNING:\|^Loading\|^Loaded\|^Parsing' >"$scratch/$name-bitbake.txt" || true
  (cd "$scratch" && "${rb_env[@]}" "$rbake" --topdir "$build" $rbake_cmd 2>/dev/null) >"$scratch/$name-rbake.txt" || true
  if [ "$name" = show-versions ]; then
    sed -n '/^Recipe Name/,$p' "$scratch/$name-bitbake.txt" >"$scratch/$name-bitbake.table"
    mv "$scratch/$name-bitbake.table" "$scratch/$name-bitbake.txt"
  fi
  report "$rbake_cmd" "$scratch/$name-bitbake.txt" "$scratch/$name-rbake.txt"
}

graph core-image-minimal core-image-minimal
graph zlib-compile zlib -c compile
table show-versions "bitbake -s" show-versions
for command in show-layers show-appends show-recipes; do
  table "$command" "bitbake-layers $command" "$command"
done
