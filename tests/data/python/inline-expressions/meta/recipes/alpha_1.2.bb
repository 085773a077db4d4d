DESCRIPTION = "alpha"
FEATURES:append = " z"
