ORDER .= " named"
# A class inherited again later is read only once.
inherit both onlyglobal
