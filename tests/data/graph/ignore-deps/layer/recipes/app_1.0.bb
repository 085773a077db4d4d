DEPENDS = "lib bison-native somedep"
RDEPENDS:${PN} = "hostperl"
