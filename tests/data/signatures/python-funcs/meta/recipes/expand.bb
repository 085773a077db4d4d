SUMMARY = "d.expand() with a literal: its references, execs and contains() count"

EXPANDED_IN_CODE = "expanded"
WANTED = "w"

def from_expand(d):
    return "x"

python do_expand() {
    bb.note(d.expand("${EXPANDED_IN_CODE}/${UNDEFINED_IN_EXPAND}"))
    bb.note(d.expand("${@from_expand(d)} ${@bb.utils.contains('DISTRO_FEATURES', 'x11', 'X', '', d)}"))
    # A non-literal argument is not followed.
    text = "${WANTED}"
    bb.note(d.expand(text))
}
addtask expand
