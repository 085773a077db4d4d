do_fetch() {
	echo fetching ${PN}-${PV} into ${WORKDIR}
}

python do_unpack() {
    bb.note("unpacking")
}

do_configure() {
	cd ${B}
	./configure --prefix=${prefix} --bindir=${bindir} ${EXTRA_OECONF}
}

do_compile() {
	cd ${B}
	$CC $CFLAGS -o hello hello.c
}

do_install() {
	install -d ${D}${bindir}
	install -m 0755 ${B}/hello ${D}${bindir}
}

python do_build() {
    pass
}

addtask fetch
addtask unpack after do_fetch
addtask configure after do_unpack
addtask compile after do_configure
addtask install after do_compile
addtask build after do_install
