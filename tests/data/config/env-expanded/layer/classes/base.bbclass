# The class every configuration inherits.
