PN = "top"
PV = "1.0"
