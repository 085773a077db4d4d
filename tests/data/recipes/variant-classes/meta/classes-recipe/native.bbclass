CLASSOVERRIDE = "class-native"
inherit toolchain
deltask do_tc
do_compile[noexec] = "1"
addtask native_only after do_compile
do_native_only() {
	:
}
