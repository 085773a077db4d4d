PN = "inherit"
PV = "1.0"
inherit nosuchclass
