PN = "foo"
PV = "1.0"
WHO = "one"
