# Applies to every lib version.
DEPENDS += "tool-native"
