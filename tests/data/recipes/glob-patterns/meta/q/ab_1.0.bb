PN = "ab"
PV = "1.0"
