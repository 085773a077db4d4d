PN = "cx"
PV = "1"
