# A recipe whose report waits for the install of everything it depends on,
# recursively.
DEPENDS = "app"
addtask report after do_compile
do_report[recrdeptask] = "do_install"
python do_report() {
    with open(d.getVar("RESULTS"), "a") as results:
        results.write("recrdep report\n")
}
