PN = "u"
PV = "1.0"
inherit qa pkg
deltask qa
addtask qa before do_build
deltask fetch compile
