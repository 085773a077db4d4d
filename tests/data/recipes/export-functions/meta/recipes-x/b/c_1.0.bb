PN = "c"
PV = "1.0"
inherit cmake
