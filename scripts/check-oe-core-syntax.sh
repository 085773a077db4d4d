#!/usr/bin/env bash
# Checks rbake's syntax layer on OpenEmbedded-Core (local check, not CI).
#
# Usage: check-oe-core-syntax.sh OE_CORE_DIR [FILE_LIST]
#   FILE_LIST holds the files BitBake reads when it parses OE-Core, one a line,
#   as scripts/oe-core-files.py prints them. Without it, the list is made here,
#   which needs the oracle venv (../shared/oracle/setup.sh) and takes minutes.
# Runs `rbake syntax --check` on every listed metadata file: each must parse
# with no diagnostic, and its tree must reproduce the file byte for byte (the
# command checks that too). Then reports, for information, the same check on
# every metadata-looking file under meta/, which includes files BitBake never
# reads (ccache's own ccache.conf, classes nothing inherits).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
oe="${1:?usage: $0 OE_CORE_DIR [FILE_LIST]}"
list="${2:-}"
if [ -z "$list" ]; then
  py="$("$here/../../shared/oracle/setup.sh")"
  build="$("$here/oe-core-setup.sh" "$oe")"
  list="$build/files.txt"
  "$py" "$here/oe-core-files.py" --topdir "$build" -j 2 > "$list"
fi
cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
rbake="$here/../target/release/rbake"

echo "== files BitBake reads ($(grep -c . "$list") listed)"
grep -E '\.(bb|bbappend|bbclass|inc|conf)$' "$list" | tr '\n' '\0' | xargs -0 "$rbake" syntax --check --deny-warnings

echo "== every metadata file under meta/ (information only)"
"$rbake" syntax --check "$oe/meta" || true
