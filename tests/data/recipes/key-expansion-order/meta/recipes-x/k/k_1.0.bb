PN = "k"
PV = "1.0"
A = "x"
B = "x"
K${A} = "from A"
K${B} = "from B"
K${B}[doc] = "doc B"
Kx:append = " kept-append"
L${SUFFIX}:append = " appended"
L${SUFFIX} = "base"
Lx = "original"
CHAIN = "${SUFFIX}"
M${CHAIN} = "chained"
N${PN}:class-target = "override"
N${PN} = "plain"
do_${PN}_task() {
	echo ${PN}
}
addtask ${PN}_task after do_fetch
P${UNDEFINED} = "stays"
addtask ${PN}_flagonly after do_fetch
addtask build after do_${PN}_task
