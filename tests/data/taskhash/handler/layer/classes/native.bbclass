# Applied by BBCLASSEXTEND = "native": the variant gets its own name.
PN = "${BPN}-native"
CLASSOVERRIDE = "class-native"
