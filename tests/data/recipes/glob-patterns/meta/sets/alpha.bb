PN = "alpha"
PV = "1"
