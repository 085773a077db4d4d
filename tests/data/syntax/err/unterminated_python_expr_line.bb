${@d.getVar('B')
