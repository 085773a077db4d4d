PN = "odd"
PV = "1"
