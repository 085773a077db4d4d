PN = "twocolons"
PV = "1.0"
do_compile[depends] = "a:b:c"
