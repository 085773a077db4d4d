PN = "hidden"
PV = "1.0"
