//! The core classes: `base.bbclass`, which BitBake inherits into every
//! recipe itself, and `logging.bbclass`, the shell helpers it inherits.
//!
//! base.bbclass follows the shape of OE-Core's: Python helper `def`s used
//! from inline Python, the standard task chain (fetch, unpack, patch,
//! configure, compile, install, populate_sysroot, package, build) with
//! `addtask after/before`, `[dirs]`, `[cleandirs]`, `[deptask]` and other
//! flags, `base_do_*` implementations exported with EXPORT_FUNCTIONS,
//! shell tasks calling helper shell functions, Python tasks, a ConfigParsed
//! event handler and the PACKAGECONFIG anonymous function.

/// `classes/base.bbclass`.
pub const BASE: &str = r#"# Tasks and helpers shared by every recipe; BitBake inherits this class itself.
inherit logging

def gen_prune_suffix(var, suffixes):
    for suffix in suffixes:
        if suffix and var.endswith(suffix):
            var = var[:-len(suffix)]
    return var

def gen_conditional(variable, checkvalue, truevalue, falsevalue, d):
    if d.getVar(variable) == checkvalue:
        return truevalue
    return falsevalue

def gen_version_major(d):
    return (d.getVar('PV') or '0').split('.')[0]

def gen_patches(d):
    return [u for u in (d.getVar('SRC_URI') or '').split() if u.split(';')[0].endswith('.patch')]

GEN_COMPILE_MODE ?= "${@bb.utils.contains('DISTRO_FEATURES', 'debug', 'debug', 'release', d)}"
GEN_ABI = "${@gen_version_major(d)}"

addhandler gen_base_eventhandler
gen_base_eventhandler[eventmask] = "bb.event.ConfigParsed"
python gen_base_eventhandler() {
    features = (e.data.getVar("DISTRO_FEATURES") or "").split()
    e.data.setVar("GEN_DISTRO_FEATURES_SORTED", " ".join(sorted(set(features))))
}

addtask fetch
do_fetch[dirs] = "${DL_DIR}"
do_fetch[vardeps] += "SRCREV"
python base_do_fetch() {
    src_uri = (d.getVar('SRC_URI') or "").split()
    if not src_uri:
        return
    fetcher = bb.fetch2.Fetch(src_uri, d)
    fetcher.download()
}

addtask unpack after do_fetch
do_unpack[dirs] = "${UNPACKDIR}"
do_unpack[cleandirs] = "${@d.getVar('S') if os.path.normpath(d.getVar('S')) != os.path.normpath(d.getVar('WORKDIR')) else ''}"
python base_do_unpack() {
    src_uri = (d.getVar('SRC_URI') or "").split()
    if not src_uri:
        return
    fetcher = bb.fetch2.Fetch(src_uri, d)
    fetcher.unpack(d.getVar('UNPACKDIR'))
}

addtask patch after do_unpack
do_patch[dirs] = "${S}"
python base_do_patch() {
    for patch in gen_patches(d):
        bb.note("Applying %s to %s" % (patch, d.getVar('S')))
}

addtask configure after do_patch
do_configure[dirs] = "${B}"
do_configure[deptask] = "do_populate_sysroot"
base_do_configure() {
	bbnote "Configuring ${PN} ${PV} (${GEN_COMPILE_MODE})"
}

addtask compile after do_configure
do_compile[dirs] = "${B}"
base_do_compile() {
	if [ -e Makefile -o -e makefile -o -e GNUmakefile ]; then
		gen_runmake || die "make failed"
	else
		bbnote "nothing to compile"
	fi
}

addtask install after do_compile
do_install[dirs] = "${B}"
do_install[cleandirs] = "${D}"
do_install[umask] = "022"
base_do_install() {
	:
}

addtask populate_sysroot after do_install
do_populate_sysroot[dirs] = "${SYSROOT_DESTDIR}"
do_populate_sysroot[cleandirs] = "${SYSROOT_DESTDIR}"
python do_populate_sysroot() {
    bb.build.exec_func("sysroot_stage_all", d)
    for dir in (d.getVar("SYSROOT_DIRS") or "").split():
        bb.debug(1, "staged %s" % dir)
}
SYSROOT_DIRS = "${includedir} ${libdir} ${datadir}"
SYSROOT_DIRS:class-native = "${bindir} ${libdir} ${datadir}"

sysroot_stage_dir() {
	src="$1"
	dest="$2"
	if [ -d "$src" ]; then
		mkdir -p "$dest"
		cp -R "$src"/. "$dest"
	fi
}

sysroot_stage_all() {
	for dir in ${SYSROOT_DIRS}; do
		sysroot_stage_dir ${D}$dir ${SYSROOT_DESTDIR}$dir
	done
}

addtask package after do_install
do_package[dirs] = "${PKGD}"
do_package[cleandirs] = "${PKGDEST}"
do_package[vardeps] += "${@' '.join('FILES:' + p for p in (d.getVar('PACKAGES') or '').split())}"
python do_package() {
    packages = (d.getVar('PACKAGES') or "").split()
    for pkg in packages:
        patterns = (d.getVar('FILES:%s' % pkg) or "").split()
        bb.debug(1, "%s: %d file patterns" % (pkg, len(patterns)))
}

addtask build after do_populate_sysroot do_package
do_build[noexec] = "1"
do_build[recrdeptask] += "do_package"
do_build() {
	:
}

addtask clean
do_clean[nostamp] = "1"
python do_clean() {
    workdir = d.expand("${WORKDIR}")
    bb.note("Removing " + workdir)
    bb.utils.remove(workdir, True)
    bb.utils.remove(d.expand("${STAMPCLEAN}"))
}

EXPORT_FUNCTIONS do_fetch do_unpack do_patch do_configure do_compile do_install

python __anonymous () {
    # PACKAGECONFIG[option] = "enabled args,disabled args,build deps,runtime deps"
    pkgconfigflags = d.getVarFlags("PACKAGECONFIG") or {}
    if pkgconfigflags:
        pkgconfig = (d.getVar('PACKAGECONFIG') or "").split()
        pn = d.getVar("PN")
        extradeps = []
        extrardeps = []
        extraconf = []
        for flag, flagval in sorted(pkgconfigflags.items()):
            items = flagval.split(",")
            num = len(items)
            if num > 4:
                bb.error("%s: PACKAGECONFIG[%s] has more than four fields" % (pn, flag))
            if flag in pkgconfig:
                if num >= 3 and items[2]:
                    extradeps.append(items[2])
                if num >= 4 and items[3]:
                    extrardeps.append(items[3])
                if num >= 1 and items[0]:
                    extraconf.append(items[0])
            elif num >= 2 and items[1]:
                extraconf.append(items[1])
        if extradeps:
            d.appendVar('DEPENDS', ' ' + ' '.join(extradeps))
        if extrardeps:
            d.appendVar('RDEPENDS:' + pn, ' ' + ' '.join(extrardeps))
        d.setVar('PACKAGECONFIG_CONFARGS', ' '.join(extraconf))

    # .tar.xz sources need the host tool to unpack.
    if not d.getVar('PN').startswith('genconf'):
        for url in (d.getVar('SRC_URI') or "").split():
            if url.split(';')[0].endswith('.tar.xz'):
                d.appendVarFlag('do_unpack', 'depends', ' genconf-native:do_populate_sysroot')
                break

    need_machine = d.getVar('COMPATIBLE_MACHINE')
    if need_machine:
        import re
        if not re.match(need_machine, d.getVar('MACHINE')):
            raise bb.parse.SkipRecipe("incompatible with machine %s (not in COMPATIBLE_MACHINE)" % d.getVar('MACHINE'))
}
"#;

/// `classes/logging.bbclass`.
pub const LOGGING: &str = r#"# Shell helpers for messages from shell tasks, as OE-Core's logging.bbclass.
bbnote() {
	echo "NOTE: $*"
}

bbwarn() {
	echo "WARNING: $*" >&2
}

bbfatal() {
	echo "ERROR: $*" >&2
	exit 1
}

die() {
	bbfatal "$*"
}

gen_runmake() {
	bbnote ${MAKE} ${EXTRA_OEMAKE} "$@"
	${MAKE} ${EXTRA_OEMAKE} "$@" || die "gen_runmake failed"
}
"#;
