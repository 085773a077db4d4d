# fakeroot before or after python, and alone.
fakeroot do_install () {
    install -d ${D}
}
fakeroot python do_package () {
    pass
}
python fakeroot do_package_write () {
    pass
}
fakeroot  do_rootfs() {
    true
}
