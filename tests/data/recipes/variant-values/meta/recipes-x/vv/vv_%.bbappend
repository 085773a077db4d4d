WEAK = "append"
APPEND_IMMEDIATE := "${FILE} ${PN}"
DEPENDS:append:class-native = " native-extra"
