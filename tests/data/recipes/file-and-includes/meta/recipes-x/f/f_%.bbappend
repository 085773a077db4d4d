APPEND_FILE := "${FILE}"
include f.inc
