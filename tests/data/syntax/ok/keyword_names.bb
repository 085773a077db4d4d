# Keywords followed by an operator: assignments, since no directive matches
# (BitBake tries the assignment before include, require, export and unset).
include = "a"
require ?= "b"
unset := "c"
include_all = "d"
python = "e"
def = "f"
fakeroot = "g"
addtask_list = "h"
inheritance = "i"
exported = "j"
EXPORT_FUNCTIONS_LIST = "k"
addhandlers = "l"
