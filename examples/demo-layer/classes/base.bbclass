# The tasks every recipe has, in the order they run:
#
#   do_fetch -> do_unpack -> do_patch -> do_configure -> do_compile
#     -> do_install -> do_package, do_populate_sysroot -> do_build
#
# do_package and do_populate_sysroot are shared-state tasks (see
# sstate.bbclass): their results are kept in SSTATE_DIR.

##################################################################
# Shell helpers: log messages through the task's FIFO, as bb.build reads
# them, and run make.
##################################################################

LOGFIFO = "${T}/fifo.${@os.getpid()}"

bbnote() {
	if [ -p ${LOGFIFO} ]; then
		printf "%b\0" "bbnote $*" > ${LOGFIFO}
	else
		echo "NOTE: $*"
	fi
}

bbwarn() {
	if [ -p ${LOGFIFO} ]; then
		printf "%b\0" "bbwarn $*" > ${LOGFIFO}
	else
		echo "WARNING: $*"
	fi
}

bbfatal() {
	if [ -p ${LOGFIFO} ]; then
		printf "%b\0" "bbfatal $*" > ${LOGFIFO}
	else
		echo "ERROR: $*"
	fi
	exit 1
}

die() {
	bbfatal "$*"
}

oe_runmake_call() {
	bbnote ${MAKE} ${PARALLEL_MAKE} ${EXTRA_OEMAKE} "$@"
	${MAKE} ${PARALLEL_MAKE} ${EXTRA_OEMAKE} "$@"
}

oe_runmake() {
	oe_runmake_call "$@" || die "oe_runmake failed"
}

##################################################################
# do_fetch and do_unpack: SRC_URI through bb.fetch2
##################################################################

do_fetch[dirs] = "${DL_DIR}"
do_fetch[file-checksums] = "${@bb.fetch.get_checksum_file_list(d)}"
python base_do_fetch() {
    src_uri = (d.getVar('SRC_URI') or "").split()
    if not src_uri:
        return
    try:
        fetcher = bb.fetch2.Fetch(src_uri, d)
        fetcher.download()
    except bb.fetch2.BBFetchException as e:
        bb.fatal("Fetcher failure: %s" % e)
}

do_unpack[dirs] = "${UNPACKDIR}"
do_unpack[cleandirs] = "${UNPACKDIR}"
python base_do_unpack() {
    src_uri = (d.getVar('SRC_URI') or "").split()
    if not src_uri:
        return
    try:
        fetcher = bb.fetch2.Fetch(src_uri, d)
        fetcher.unpack(d.getVar('UNPACKDIR'))
    except bb.fetch2.BBFetchException as e:
        bb.fatal("Unpack failure: %s" % e)
}

##################################################################
# do_patch: every *.patch / *.diff of SRC_URI, in SRC_URI order
##################################################################

def src_patches(d):
    """The patches of SRC_URI, in order, as (unpacked path, strip level).

    A URL is a patch if its name ends in .patch or .diff, unless it says
    apply=no; "striplevel" (default 1) is patch's -p option.
    """
    fetcher = bb.fetch2.Fetch([], d)
    patches = []
    for url in fetcher.urls:
        ud = fetcher.ud[url]
        name = os.path.basename(ud.path)
        if not bb.utils.to_boolean(ud.parm.get('apply'), name.endswith(('.patch', '.diff'))):
            continue
        path = os.path.join(d.getVar('UNPACKDIR'), ud.parm.get('subdir', ''), name)
        patches.append((path, ud.parm.get('striplevel', '1')))
    return patches

do_patch[dirs] = "${S}"
python base_do_patch() {
    import subprocess
    s = d.getVar('S')
    for path, striplevel in src_patches(d):
        # A run that was interrupted after a patch went in (before the
        # task's stamp was written) leaves it applied: this run goes on.
        check = ['patch', '-p%s' % striplevel, '--reverse', '--dry-run', '--batch',
                 '--force', '--silent', '-i', path]
        if subprocess.run(check, cwd=s, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0:
            bb.note("Patch %s is already applied" % os.path.basename(path))
            continue
        bb.note("Applying patch %s" % os.path.basename(path))
        cmd = ['patch', '-p%s' % striplevel, '--forward', '--batch',
               '--no-backup-if-mismatch', '-i', path]
        result = subprocess.run(cmd, cwd=s, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        if result.stdout.strip():
            bb.note(result.stdout.rstrip())
        if result.returncode != 0:
            bb.fatal("Applying patch %s failed (exit code %d):\n%s"
                     % (os.path.basename(path), result.returncode, result.stdout))
}

##################################################################
# do_configure, do_compile, do_install
##################################################################

do_configure[dirs] = "${B}"
base_do_configure() {
	:
}

do_compile[dirs] = "${B}"
base_do_compile() {
	if [ -e Makefile -o -e makefile -o -e GNUmakefile ]; then
		oe_runmake
	fi
}

do_install[dirs] = "${B}"
do_install[cleandirs] = "${D}"
base_do_install() {
	:
}

##################################################################
# do_package: a reproducible tarball of ${D} and a control file naming
# the package's runtime dependencies, into DEPLOY_DIR_PKG through sstate.
##################################################################

PKGDESTWORK = "${WORKDIR}/deploy-packages"
# The runtime dependencies the control file names.
PKG_RDEPENDS = "${@d.getVar('RDEPENDS:%s' % d.getVar('PN')) or ''}"
PKG_RDEPENDS[vardeps] = "RDEPENDS:${PN}"
PACKAGE_TAR_OPTIONS = "--sort=name --format=gnu --mtime=@${SOURCE_DATE_EPOCH} \
    --owner=0 --group=0 --numeric-owner"

do_package[dirs] = "${PKGDESTWORK}"
do_package[cleandirs] = "${PKGDESTWORK}"
do_package[sstate-inputdirs] = "${PKGDESTWORK}"
do_package[sstate-outputdirs] = "${DEPLOY_DIR_PKG}"
do_package() {
	mkdir -p ${D}
	tar ${PACKAGE_TAR_OPTIONS} -C ${D} -cf ${PKGDESTWORK}/${PN}.tar .
	gzip -9n ${PKGDESTWORK}/${PN}.tar
	cat > ${PKGDESTWORK}/${PN}.control <<EOF
Package: ${PN}
Version: ${PV}-${PR}
Depends: ${PKG_RDEPENDS}
Description: ${SUMMARY}
EOF
}

##################################################################
# do_populate_sysroot: the headers and libraries of ${D}, for the recipes
# that DEPEND on this one, into the shared STAGING_DIR through sstate.
##################################################################

SYSROOT_DESTDIR = "${WORKDIR}/sysroot-destdir"
SYSROOT_DIRS = "${includedir} ${libdir}"

do_populate_sysroot[dirs] = "${SYSROOT_DESTDIR}"
do_populate_sysroot[cleandirs] = "${SYSROOT_DESTDIR}"
do_populate_sysroot[sstate-inputdirs] = "${SYSROOT_DESTDIR}"
do_populate_sysroot[sstate-outputdirs] = "${STAGING_DIR}"
do_populate_sysroot() {
	for dir in ${SYSROOT_DIRS}; do
		if [ -d ${D}$dir ]; then
			mkdir -p ${SYSROOT_DESTDIR}$dir
			cp -R --no-dereference --preserve=mode,links ${D}$dir/. ${SYSROOT_DESTDIR}$dir/
		fi
	done
}

##################################################################
# The task graph
##################################################################

# A recipe configures against the sysroot of everything it DEPENDS on.
do_configure[deptask] = "do_populate_sysroot"
# A package is written after the packages it depends on at run time:
# BitBake follows a recrdeptask (an image's do_rootfs) along task
# dependencies, so this is how do_rootfs reaches them.
do_package[rdeptask] = "do_package"

addtask fetch
addtask unpack after do_fetch
addtask patch after do_unpack
addtask configure after do_patch
addtask compile after do_configure
addtask install after do_compile
addtask package after do_install
addtask populate_sysroot after do_install
addtask build after do_package do_populate_sysroot
do_build[noexec] = "1"
do_build() {
	:
}

EXPORT_FUNCTIONS do_fetch do_unpack do_patch do_configure do_compile do_install
