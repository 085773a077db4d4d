PN = "here"
PV = "1.0"
WHERE = "${FILE}"
