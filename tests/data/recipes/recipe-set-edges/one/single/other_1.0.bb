PN = "other"
PV = "1.0"
