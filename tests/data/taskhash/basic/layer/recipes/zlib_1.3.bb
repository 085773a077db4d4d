do_install[noexec] = "1"
