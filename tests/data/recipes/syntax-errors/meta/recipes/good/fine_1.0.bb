PN = "fine"
PV = "1.0"
SUMMARY = "parses"
