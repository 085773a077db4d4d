PN = "dy"
PV = "1"
