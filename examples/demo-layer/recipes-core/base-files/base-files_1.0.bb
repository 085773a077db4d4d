SUMMARY = "The base files of the system: /etc/os-release and /etc/motd"
LICENSE = "MIT"

SRC_URI = "file://motd"
S = "${UNPACKDIR}"

# The fields of /etc/os-release, each a variable of the same name.
OS_RELEASE_FIELDS = "ID NAME VERSION VERSION_ID PRETTY_NAME"
ID = "${DISTRO}"
NAME = "${DISTRO_NAME}"
VERSION = "${DISTRO_VERSION}"
# VERSION_ID is the major.minor part of the version: 1.2.3 gives 1.2.
VERSION_ID = "${@'.'.join(d.getVar('DISTRO_VERSION').split('.')[:2])}"
PRETTY_NAME = "${DISTRO_NAME} ${VERSION}"

python do_compile() {
    fields = d.getVar('OS_RELEASE_FIELDS').split()
    with open(os.path.join(d.getVar('B'), 'os-release'), 'w') as f:
        for field in fields:
            value = d.getVar(field) or ''
            f.write('%s="%s"\n' % (field, value.replace('\\', '\\\\').replace('"', '\\"')))
    bb.note("os-release: %s" % ", ".join("%s=%s" % (field, d.getVar(field)) for field in fields))
}
# The fields are read by name at run time: make them part of the signature.
do_compile[vardeps] += "${OS_RELEASE_FIELDS}"

do_install() {
	install -d ${D}${sysconfdir}
	install -m 0644 ${B}/os-release ${D}${sysconfdir}/os-release
	sed -e 's/@DISTRO_NAME@/${DISTRO_NAME}/' -e 's/@DISTRO_VERSION@/${DISTRO_VERSION}/' \
		${S}/motd > ${D}${sysconfdir}/motd
	chmod 0644 ${D}${sysconfdir}/motd
}
