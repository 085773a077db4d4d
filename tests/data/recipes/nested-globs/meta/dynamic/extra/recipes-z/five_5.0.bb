PN = "five"
PV = "5.0"
