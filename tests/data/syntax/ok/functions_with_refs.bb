# References and inline Python inside function bodies.
do_install () {
    install -d ${D}${bindir}
    install -m 0755 ${B}/tool ${D}${bindir}/${@d.getVar('BPN')}
    echo "${@'{' + '}'}"
    echo $HOME ${HOME} $${NOT_A_REF}
}
python do_show () {
    bb.plain("${PN} ${@d.getVar('PV')}")
}
${PN}_helper () {
    true
}
do_${PN} () {
    true
}
