PN = "only"
PV = "1.0"
