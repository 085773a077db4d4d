autotools_do_configure() {
	./configure ${EXTRA_OECONF}
}
autotools_do_install() {
	make install
}
addtask configure after do_fetch before do_compile
addtask install after do_compile before do_build
EXPORT_FUNCTIONS do_configure do_install
