PN = "shared"
PV = "1.0"
ORDER = "shared"
