do_install[noexec] = "1"
SRC_URI = "file://one.patch file://dir"
