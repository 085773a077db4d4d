PN = "ax"
PV = "1"
