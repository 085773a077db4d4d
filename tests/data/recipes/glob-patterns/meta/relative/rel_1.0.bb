PN = "rel"
PV = "1.0"
WHERE = "${FILE}"
