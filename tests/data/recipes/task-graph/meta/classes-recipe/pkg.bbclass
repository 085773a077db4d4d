do_package() {
	:
}
addtask package after do_install before do_build
do_package[rdeptask] = "do_package"
do_package[deptask] = "do_fetch"
do_package[nostamp] = "1"
do_install() {
	:
}
addtask install after do_compile
