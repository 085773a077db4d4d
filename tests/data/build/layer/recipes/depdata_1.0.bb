# A recipe whose install lists the BB_TASKDEPDATA it was given.
DEPENDS = "lib"
python do_install() {
    data = d.getVar("BB_TASKDEPDATA", False)
    with open(d.getVar("RESULTS"), "a") as results:
        for tid in sorted(data):
            entry = data[tid]
            results.write("taskdep %s %s %s %d\n" % (entry.pn, entry.taskname, sorted(entry.provides), len(entry.taskhash)))
}
