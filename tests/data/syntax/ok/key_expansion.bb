# Names that hold references are expanded when the recipe is finalized.
A${B} = "key expansion"
${B}C = "reference first"
PREFIX_${PN}_SUFFIX ?= "both sides"
RDEPENDS:${PN}-${B} += "x"
${A}${B}[doc] = "flag on an expanded name"
