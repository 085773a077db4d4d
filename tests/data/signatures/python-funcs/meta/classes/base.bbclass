def base_helper(d):
    return d.getVar("BASE_HELPER_INPUT") or ""

def featured(feature, d):
    # contains() inside a def function, with a non-literal item.
    return bb.utils.contains("DISTRO_FEATURES", feature, "yes", "no", d)

do_fetch() {
	echo fetch ${PN}
}

python do_configure() {
    bb.note(base_helper(d))
}

do_compile() {
	echo compile
}

python do_build() {
    pass
}

addtask fetch
addtask configure after do_fetch
addtask compile after do_configure
addtask build after do_compile
