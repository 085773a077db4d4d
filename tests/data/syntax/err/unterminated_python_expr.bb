A = "${@d.getVar('B')
