# Every assignment operator on a variable flag.
do_install[doc] = "Installs the files"
do_install[depends] := "virtual/fakeroot-native:do_populate_sysroot"
do_install[dirs] ?= "${B}"
do_install[cleandirs] ??= "${D}"
do_install[vardeps] += "EXTRA"
do_install[vardepsexclude] =+ "DATETIME"
do_install[prefuncs] .= " extra_prefunc"
do_install[postfuncs] =. "first_postfunc "
