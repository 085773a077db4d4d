PN = "unclosed"
PV = "1.0"
do_x() {
	echo never closed
