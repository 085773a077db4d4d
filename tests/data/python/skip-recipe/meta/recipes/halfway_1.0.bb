BBCLASSEXTEND = "native"
SKIP_ME:class-native = "native is not wanted"
