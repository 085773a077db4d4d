# Shell functions: the body runs until a line that is exactly `}`.
do_install () {
	install -d ${D}${bindir}
	if [ -n "${A}" ]; then
		echo "braces { inside } the body"
	fi
	oe_runmake \
		DESTDIR=${D} install
    # a comment line inside the body

}
do_compile() {
    :
}
do_empty () {
}
do_spaced   (   )   {
    true
}
do_install:append () {
    echo appended
}
