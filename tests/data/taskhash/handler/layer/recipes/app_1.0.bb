DESCRIPTION = "The target: build-time, native and runtime dependencies."
DEPENDS = "lib tool-native"
RDEPENDS:${PN} = "runlib"

do_deploy() {
	:
}
addtask deploy after do_compile before do_build
do_deploy[depends] = "image:do_populate_sysroot"
do_deploy[nostamp] = "1"
