[doc] = "x"
