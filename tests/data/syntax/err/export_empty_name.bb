export = "x"
