PN = "i"
PV = "1.0"
