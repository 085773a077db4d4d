# Unterminated references in a quoted value are literal text for BitBake.
A = "${B"
C = "${@d.getVar('X')"
D = "${@"
E = "${"
F = "${B${C}"
