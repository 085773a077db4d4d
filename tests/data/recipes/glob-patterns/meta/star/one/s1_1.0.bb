PN = "s1"
PV = "1.0"
ORDER = "s1"
