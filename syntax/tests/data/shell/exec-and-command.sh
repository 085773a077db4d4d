command -v python3 >/dev/null || exit 1
exec tool "$@"
