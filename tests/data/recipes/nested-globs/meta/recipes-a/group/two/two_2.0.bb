PN = "two"
PV = "2.0"
