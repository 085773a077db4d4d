do_install () {
    true
};
