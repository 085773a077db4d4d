A!B = "x"
