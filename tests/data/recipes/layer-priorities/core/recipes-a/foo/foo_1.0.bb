PN = "foo"
PV = "1.0"
TRAIL = "core"
