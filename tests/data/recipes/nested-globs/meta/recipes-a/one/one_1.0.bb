PN = "one"
PV = "1.0"
