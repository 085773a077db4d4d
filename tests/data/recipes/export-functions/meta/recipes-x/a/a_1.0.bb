PN = "a"
PV = "1.0"
inherit autotools
do_install:append() {
	echo more
}
