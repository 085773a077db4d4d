python pyexp_do_configure() {
    pass
}
do_configure[dirs] = "${B}"
do_configure[fakeroot] = "1"
EXPORT_FUNCTIONS do_configure
addtask configure after do_fetch
