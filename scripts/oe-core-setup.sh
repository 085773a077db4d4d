#!/usr/bin/env bash
# Makes a scratch BitBake build directory for parsing an OpenEmbedded-Core tree
# (local check, not CI; see scripts/oe-core-files.py).
#
# Usage: oe-core-setup.sh [OE_CORE_DIR [BUILD_DIR]]
#   OE_CORE_DIR defaults to $RBAKE_OE_CORE; BUILD_DIR defaults to a new mktemp dir.
# Writes BUILD_DIR/conf/bblayers.conf and conf/local.conf (qemux86-64, nodistro,
# package_ipk, no sanity/uninative) and BUILD_DIR/standins/, symlinks to /bin/true
# for the host tools OE-Core checks for at parse time but this host lacks. Put
# that directory first in PATH (oe-core-files.py does so itself). Prints BUILD_DIR.
# Safe to run again on the same BUILD_DIR: the files are rewritten identically.
set -euo pipefail
oe="${1:-${RBAKE_OE_CORE:-}}"
[ -n "$oe" ] && [ -f "$oe/meta/conf/layer.conf" ] || {
  echo "usage: $0 OE_CORE_DIR [BUILD_DIR] (or set RBAKE_OE_CORE)" >&2; exit 2; }
oe="$(cd "$oe" && pwd)"
build="${2:-$(mktemp -d "${TMPDIR:-/tmp}/oe-build.XXXXXX")}"
mkdir -p "$build/conf" "$build/standins"
build="$(cd "$build" && pwd)"

cat > "$build/conf/bblayers.conf" <<EOF
LCONF_VERSION = "7"
BBPATH = "\${TOPDIR}"
BBFILES ?= ""
BBLAYERS ?= "$oe/meta"
EOF
cat > "$build/conf/local.conf" <<'EOF'
MACHINE = "qemux86-64"
DISTRO = "nodistro"
PACKAGE_CLASSES = "package_ipk"
CONF_VERSION = "2"
INHERIT:remove = "sanity"
INHERIT_DISTRO:remove = "uninative"
EOF

# Stand-ins only for tools missing from PATH (ignoring our own directory).
path_wo="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$build/standins" | paste -sd: -)"
for tool in chrpath cpio diffstat gawk; do
  if PATH="$path_wo" command -v "$tool" >/dev/null 2>&1; then
    rm -f "$build/standins/$tool"
  else
    ln -sfn /bin/true "$build/standins/$tool"
  fi
done
echo "$build"
