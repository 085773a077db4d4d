do_fetch() {
	echo fetch ${PN}
}

do_compile() {
	cd ${B}
	${CC} -o ${PN} main.c
}

do_install() {
	install -d ${D}
}

python do_build() {
    pass
}

addtask fetch
addtask compile after do_fetch
addtask install after do_compile
addtask build after do_install
do_compile[dirs] = "${B}"
do_compile[umask] = "${BUILD_UMASK}"
