TC = "${CLASSOVERRIDE}"
do_tc() {
	:
}
addtask tc after do_fetch before do_compile
