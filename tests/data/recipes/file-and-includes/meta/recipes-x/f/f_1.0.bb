PN = "f"
PV = "1.0"
SEEN = "recipe"
require f.inc
include common/shared.inc
include missing.inc
require ${PN}.inc
HERE := "${FILE}"
LAYERNAME = "${FILE_LAYERNAME}"
