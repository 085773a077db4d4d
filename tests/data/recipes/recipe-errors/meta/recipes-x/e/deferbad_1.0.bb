PN = "deferbad"
PV = "1.0"
inherit_defer nothere
BBCLASSEXTEND = "native"
