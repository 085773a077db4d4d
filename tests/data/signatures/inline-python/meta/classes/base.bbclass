def check_feature(feature, d):
    return bb.utils.contains('DISTRO_FEATURES', feature, 'yes', 'no', d)

def arch_suffix(d):
    return "-" + (d.getVar("ARCH_SUFFIX_INPUT") or "none")

do_configure() {
	./configure ${EXTRA_OECONF}
}

do_compile() {
	make ${PARALLEL}
}

do_install() {
	install ${INSTALL_NAME}
}

python do_build() {
    pass
}

addtask configure
addtask compile after do_configure
addtask install after do_compile
addtask build after do_install
