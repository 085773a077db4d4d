PN = "q"
PV = "1.0"
do_configure() {
}
inherit shexp
