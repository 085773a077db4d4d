ORDER .= " appended"
# Classes that inherit_defer are not read in the configuration.
inherit_defer deferred
