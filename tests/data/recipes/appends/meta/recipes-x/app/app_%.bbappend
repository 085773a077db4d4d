ORDER += "percent"
APPENDED_FILE = "${FILE}"
