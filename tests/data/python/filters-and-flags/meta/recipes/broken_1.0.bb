# Filters see no builtins, so this one fails when DEPENDS is read.
python () {
    d.setVarFilter("DEPENDS", "' '.join(sorted(val.split()))")
}
