PN = "three"
PV = "3.0"
