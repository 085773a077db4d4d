PN = "indented"
PV = "1.0"
  SUMMARY = "statements start in the first column"
