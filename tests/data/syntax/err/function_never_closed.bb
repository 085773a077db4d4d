do_install () {
    install -d ${D}
