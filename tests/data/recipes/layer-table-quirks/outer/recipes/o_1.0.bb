PN = "o"
PV = "1.0"
