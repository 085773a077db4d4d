PN = "c"
PV = "1.0"
LAYERCLASS = "onlyclasses"
inherit both
inherit ${LAYERCLASS}
