# The class every configuration inherits.
inherit later
