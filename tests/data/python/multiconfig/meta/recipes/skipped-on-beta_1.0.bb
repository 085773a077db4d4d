Y = "${MACHINE}"
