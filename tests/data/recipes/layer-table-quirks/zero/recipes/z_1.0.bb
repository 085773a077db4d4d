PN = "z"
PV = "1.0"
ORDER = "z"
