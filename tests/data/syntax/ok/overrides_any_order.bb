# Overrides and operations may come in any order after the name.
A:foo = "override"
A:foo:bar = "two overrides"
A:bar:foo = "the other order"
A:append:foo = " append then override"
A:foo:append = " override then append"
A:${PN} = "expanded override"
A:class-native:pn-zlib = "dashed overrides"
FILES:${PN}-dev += "${includedir}"
