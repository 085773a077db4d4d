PN = "beta"
PV = "1"
