TOOL_FLAGS = "-x ${PN}"
do_install() {
	install ${D}
}
addtask install after do_compile before do_build
