TRAIL .= " mid"
FROM_MID = "${PN}"
