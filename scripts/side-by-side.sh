# The common start of the scripts that run the real BitBake next to rbake,
# sourced by them with their own arguments: "BITBAKE_TREE BUILD_DIR ...".
# It checks there are at least $min_args arguments (else prints the
# script's Usage line), sets `root`, `tree` and `build`, builds rbake in
# release mode (unless RBAKE names a binary to use), sets `rbake`, and sets `run_env`: the clean environment both tools run in
# (PATH with BUILD_DIR/standins first when it exists, the BitBake tree's
# bin last, en_US.UTF-8, and PYTHONHASHSEED when BITBAKE_HASHSEED is set).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge "${min_args:-2}" ] || { sed -n '/^# Usage:/p' "$0" | sed 's/^# //' >&2; exit 2; }
tree="$(cd "$1" && pwd)"
build="$(cd "$2" && pwd)"
if [ -z "${RBAKE:-}" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin rbake
fi
rbake="${RBAKE:-$root/target/release/rbake}"
path="/usr/bin:/bin"
[ -d "$build/standins" ] && path="$build/standins:$path"
run_env=(env -i HOME="$HOME" LANG=en_US.UTF-8 LC_ALL=en_US.UTF-8 PATH="$path:$tree/bin"
  ${BITBAKE_HASHSEED:+PYTHONHASHSEED="$BITBAKE_HASHSEED"})
