def double(x):
    return x + x

def pick(d, var, a, b):
    return a if d.getVar(var) else b

IN_UTILS = "${@bb.utils.contains('FEATURES', 'x', 'has-x', 'no-x', d)}"
IN_ANY = "${@bb.utils.contains_any('FEATURES', 'q x', 'any', 'none', d)}"
IN_FILTER = "${@bb.utils.filter('FEATURES', 'x z', d)}"
IN_BOOL = "${@str(bb.utils.to_boolean(d.getVar('FLAG')))}"
IN_VERCMP = "${@bb.utils.vercmp_string('1.2.3', '1.10')}"
IN_DEF = "${@double(d.getVar('PN'))}"
IN_PICK = "${@pick(d, 'FLAG', 'yes', 'no')}"
IN_NAME = "${@PN + '-by-name'}"
IN_GEN = "${@' '.join(x.upper() for x in (d.getVar('FEATURES') or '').split())}"
IN_NONE = "${@None}"
IN_NESTED = "${@'${PV}' + '.' + d.getVar('PR')}"
IMMEDIATE := "${@d.getVar('PN') or 'none'}"
FEATURES = "x y"
FLAG = "1"
addtask build
