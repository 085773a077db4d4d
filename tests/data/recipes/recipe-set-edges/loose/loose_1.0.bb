PN = "loose"
PV = "1.0"
LN = "${FILE_LAYERNAME}"
