EXTRA_DATA:class-native = "only-native"
BBCLASSEXTEND:append = " "
