PN = "walk"
PV = "1.0"
