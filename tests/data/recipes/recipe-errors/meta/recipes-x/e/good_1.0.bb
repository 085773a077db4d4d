PN = "good"
PV = "1.0"
