CLASSOVERRIDE = "class-nativesdk"
inherit_defer toolchain
