PN = "b"
PV = "1.0"
inherit cmake
do_configure() {
	echo own
}
