CLASS = "native"
PN = "${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[0]}-native"
