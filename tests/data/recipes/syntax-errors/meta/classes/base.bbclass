do_fetch() {
	echo fetch ${PN}
}
do_compile() {
	echo compile
}
python do_build() {
    pass
}
addtask fetch
addtask compile after do_fetch
addtask build after do_compile
do_compile[depends] = "other:do_fetch"
do_compile[deptask] = "do_fetch"
do_build[nostamp] = "1"
