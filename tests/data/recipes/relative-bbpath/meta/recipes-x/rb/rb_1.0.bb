PN = "rb"
PV = "1.0"
inherit early
inherit_defer late native
BBCLASSEXTEND = "native"
