# export alone, and export before an assignment.
export PATH
export CFLAGS = "-O2"
export CC ?= "gcc"
export LDFLAGS += "-Wl,-O1"
export	TABBED = "tab after export"
export  SPACED := "two spaces"
export A[unexport] = "1"
export ${EXPANDED}
export some-name.with+chars/and~tilde
