PN = "a"
PV = "1.0"
