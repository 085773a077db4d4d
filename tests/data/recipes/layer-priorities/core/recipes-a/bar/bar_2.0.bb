PN = "bar"
PV = "2.0"
