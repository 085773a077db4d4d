PN = "vdep"
PV = "1.0"
DEPENDS = "virtual/set virtual/unset"
