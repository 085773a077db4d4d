CLASSOVERRIDE = "class-nativesdk"
