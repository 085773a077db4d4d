LATE_SEEN = "${ORDER_MARK}"
SEQ .= " late"
