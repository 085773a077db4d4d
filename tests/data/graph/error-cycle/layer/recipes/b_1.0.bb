do_fetch[depends] = "a:do_unpack"
