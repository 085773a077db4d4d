[ -e x ] && cp a b || true
mkdir d &&
	touch d/f
false || { warn; exit 1; }
