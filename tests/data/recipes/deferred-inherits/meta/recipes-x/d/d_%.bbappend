SEQ .= " append"
inherit_defer first
