PN = "badtask"
PV = "1.0"
do_compile[depends] = "nocolon"
