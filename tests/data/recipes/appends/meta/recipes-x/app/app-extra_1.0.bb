PN = "app-extra"
PV = "1.0"
ORDER = "extra"
