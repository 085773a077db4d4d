PN = "app"
PV = "1.2.3"
ORDER = "recipe"
