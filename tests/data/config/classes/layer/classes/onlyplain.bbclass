ORDER .= " onlyplain"
ONLYPLAIN_FILE := "${FILE}"
