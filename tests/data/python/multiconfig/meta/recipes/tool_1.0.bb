BBCLASSEXTEND = "native"
X = "plain"
X:m-alpha = "for alpha"
FEATURE = "${@d.getVar('EXTRA_FEATURE') or 'none'}"
