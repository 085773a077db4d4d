SEQ .= " early"
