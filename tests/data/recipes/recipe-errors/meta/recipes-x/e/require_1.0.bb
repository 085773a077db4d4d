PN = "require"
PV = "1.0"
require missing.inc
