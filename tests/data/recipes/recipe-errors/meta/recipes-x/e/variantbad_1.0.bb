PN = "variantbad"
PV = "1.0"
BBCLASSEXTEND = "nosuchvariant"
