IS_TOOL = "${@'yes' if bb.data.inherits_class('tool', d) else 'no'}"
KEY_${PN} = "keyed"
python () {
    d.setVar("ANON_INHERITS", str(bb.data.inherits_class("tool", d)))
    d.setVar("ANON_KEYS", " ".join(sorted(k for k in d.keys() if k.startswith("KEY_"))))
}
addtask build
