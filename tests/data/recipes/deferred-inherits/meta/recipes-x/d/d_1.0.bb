PN = "d"
PV = "1.0"
SEQ = "start"
inherit late
inherit_defer ${WHICH}
inherit early
ORDER_MARK = "before"
WHICH = "second"
ORDER_MARK = "after"
BBCLASSEXTEND = "first"
