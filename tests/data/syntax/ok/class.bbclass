# A small class.
inherit base
DEPENDS += "pkgconfig-native"

CLASS_VAR ?= "default"

class_do_compile () {
    oe_runmake
}

python class_check () {
    if not d.getVar('CLASS_VAR'):
        bb.fatal("CLASS_VAR is empty")
}

def class_helper(d):
    return d.getVar('CLASS_VAR')

addtask check after do_configure before do_compile
do_check[doc] = "Checks the class settings"
EXPORT_FUNCTIONS do_compile
