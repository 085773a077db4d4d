PN = "b"
PV = "1.0"
