# OE-like task chain; the bodies are empty since `bitbake -g` runs nothing.

do_fetch() {
	:
}
addtask fetch

do_unpack() {
	:
}
addtask unpack after do_fetch

do_patch() {
	:
}
addtask patch after do_unpack

do_configure() {
	:
}
addtask configure after do_patch
do_configure[deptask] = "do_populate_sysroot"

do_compile() {
	:
}
addtask compile after do_configure

do_install() {
	:
}
addtask install after do_compile

do_populate_sysroot() {
	:
}
addtask populate_sysroot after do_install

do_package() {
	:
}
addtask package after do_install

do_package_write() {
	:
}
addtask package_write after do_package
do_package_write[rdeptask] = "do_package"

do_build() {
	:
}
do_build[noexec] = "1"
# BitBake drops the do_build -> other do_build edges again (every do_build
# lists itself), so only the do_package_write ones stay.
do_build[recrdeptask] = "do_build do_package_write"
addtask build after do_populate_sysroot do_package_write

# The local files of SRC_URI enter do_fetch's taskhash.
do_fetch[file-checksums] = "${@bb.fetch.get_checksum_file_list(d)}"
