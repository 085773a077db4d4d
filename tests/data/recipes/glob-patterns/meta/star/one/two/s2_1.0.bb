PN = "s2"
PV = "1.0"
