DEPENDS = "lib"
do_compile[depends] = "lib:do_nosuchtask"
