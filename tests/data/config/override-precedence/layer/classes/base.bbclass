# Nothing but the class every configuration inherits.
