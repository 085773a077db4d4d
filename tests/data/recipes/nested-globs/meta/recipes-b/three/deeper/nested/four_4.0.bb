PN = "four"
PV = "4.0"
