CLASSOVERRIDE = "class-native"
BBEXTRA = "native"
DEPENDS:append = " base-native"
