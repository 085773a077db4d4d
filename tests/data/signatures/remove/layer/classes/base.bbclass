do_configure() {
	./configure ${EXTRA_OECONF}
}

do_compile() {
	make ${MAKE_ARGS} --verbose
}

python do_build() {
    pass
}

addtask configure
addtask compile after do_configure
addtask build after do_compile
