# Inline Python, with nested braces and references inside.
A = "${@d.getVar('B')}"
C = "${@bb.utils.contains('DISTRO_FEATURES', 'x11', 'gtk', '', d)}"
E = "${@'${B}' + 'x'}"
F = "${@{'a': 1, 'b': 2}['a']}"
H = "prefix ${@str(1 + 2)} middle ${B} suffix"
# This one ends at the first '}'; BitBake then leaves it unexpanded.
I = "${@'}'}"
J = "${@d.getVar('B') or ''} ${@d.getVar('C') or ''}"
K = "${@[x for x in '${B}'.split() if x]}"
