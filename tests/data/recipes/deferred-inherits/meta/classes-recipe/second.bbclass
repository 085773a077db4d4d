SEQ .= " second"
inherit late
