do_install () {
