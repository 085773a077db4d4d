PN = "ok"
PV = "1.0"
V = "base"
