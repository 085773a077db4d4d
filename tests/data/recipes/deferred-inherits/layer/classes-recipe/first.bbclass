SEQ .= " first"
