do_install () {
    true
} # end
