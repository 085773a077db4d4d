base_do_build() {
	echo base build
}
python base_do_report() {
    bb.note("base report")
}
base_do_custom() {
	echo never used
}
base_do_fetch[cleandirs] = "${TOPDIR}/fetch"
base_do_fetch() {
	echo fetch
}
do_fetch[fakeroot] = "1"
EXPORT_FUNCTIONS do_build do_report do_custom do_fetch
