PN = "badappend"
PV = "1.0"
