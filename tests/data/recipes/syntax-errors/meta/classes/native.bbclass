CLASS = "native"
NATIVE_ONLY = "yes"
