PN = "p"
PV = "1.0"
inherit pyexp shexp
