do_fetch() {
	echo fetch ${PN}
}
do_compile() {
	echo compile ${S}
}
python do_build() {
    pass
}
addtask fetch
addtask compile after do_fetch
addtask build after do_compile
do_build[noexec] = "1"
