do_fetch() {
	echo fetch ${BPN}
}

do_compile() {
	${CC} -o ${PN} main.c
}

do_install() {
	install -d ${D}${bindir}
}

python do_build() {
    pass
}

addtask fetch
addtask compile after do_fetch
addtask install after do_compile
addtask build after do_install
do_compile[umask] = "022"
