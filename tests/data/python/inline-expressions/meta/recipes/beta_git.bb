FLAG = "0"
PR = "r7"
