PN = "r"
PV = "1.0"
do_install() {
	mine
}
inherit shexp pyexp
do_configure:append() {
	more
}
