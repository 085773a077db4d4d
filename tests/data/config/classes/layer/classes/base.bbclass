# base is inherited first, before the classes of INHERIT.
ORDER = "base"
BASE_FILE := "${FILE}"
inherit onlyplain
