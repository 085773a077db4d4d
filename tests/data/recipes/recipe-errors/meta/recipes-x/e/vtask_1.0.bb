PN = "vtask"
PV = "1.0"
do_compile[depends] += "virtual/unset:do_build virtual/set:do_fetch"
