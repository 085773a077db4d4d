#!/bin/sh
# Headless Neovim against rbake lsp: hovers EXTRA_OEMAKE in the example's
# hello recipe and checks its expanded value. Needs nvim (0.7 or later)
# and a built rbake (RBAKE, default target/release/rbake).
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
rbake=${RBAKE:-$repo/target/release/rbake}
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
mkdir -p "$site/build/conf"
cp -r "$repo/examples/demo-layer" "$site/demo-layer"
cp "$repo/examples/demo-build/conf/bblayers.conf" "$site/build/conf/"
RBAKE_BIN=$rbake RBAKE_RECIPE=$site/demo-layer/recipes-apps/hello/hello_1.0.bb \
RBAKE_HOVER_OUT=$site/hover.md RBAKE_BUILD_DIR=$site/build HOME=$site \
    timeout 120 nvim --headless -u NONE -i NONE -c "luafile $repo/editors/neovim/hover-test.lua"
if grep -q '^PREFIX=/usr$' "$site/hover.md"; then
    echo "neovim hover: ok"
else
    echo "neovim hover: unexpected answer:" >&2
    cat "$site/hover.md" >&2
    exit 1
fi
