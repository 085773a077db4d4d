do_fetch() {
	echo fetch
}

do_compile() {
	cd ${T}
	make
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
