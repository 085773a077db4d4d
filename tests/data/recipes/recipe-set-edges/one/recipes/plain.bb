PN = "plain"
PV = "0"
