ORDER .= " onlyglobal"
# A class inherited by a path.
inherit classes/bypath.bbclass
