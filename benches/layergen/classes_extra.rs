//! The other classes: a small build-class hierarchy (`autotools_gen`
//! inherits `pkgconfig-gen`; `cmake_gen`), `native` for
//! `BBCLASSEXTEND = "native"`, `ptest_gen` (inherited conditionally) and
//! `buildhistory_gen` (inherited through `INHERIT` in local.conf).
//!
//! Class names with a dash cannot EXPORT_FUNCTIONS shell functions (BitBake
//! refuses, as a dash is illegal in sh function names), so the classes that
//! export shell tasks use underscores.

/// `classes/pkgconfig-gen.bbclass`.
pub const PKGCONFIG: &str = r#"# Builds that find their dependencies with pkg-config.
DEPENDS:append = " genconf-native"
export PKG_CONFIG_PATH = "${RECIPE_SYSROOT}${libdir}/pkgconfig:${RECIPE_SYSROOT}${datadir}/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR = "${RECIPE_SYSROOT}"
export PKG_CONFIG_LIBDIR = "${RECIPE_SYSROOT}${libdir}/pkgconfig"
PKG_CONFIG_LIBDIR:class-native = "${RECIPE_SYSROOT_NATIVE}${libdir}/pkgconfig"
"#;

/// `classes/autotools_gen.bbclass`.
pub const AUTOTOOLS: &str = r#"# Builds with a configure script and make.
inherit pkgconfig-gen

CONFIGUREOPTS = "--build=${BUILD_SYS} \
                 --host=${TARGET_SYS} \
                 --prefix=${prefix} \
                 --bindir=${bindir} \
                 --libdir=${libdir} \
                 --datadir=${datadir} \
                 --sysconfdir=${sysconfdir}"
EXTRA_OECONF:prepend = "--disable-dependency-tracking "
EXTRA_AUTORECONF ?= "--exclude=autopoint"

def autotools_gen_configure_script(d):
    return os.path.join(d.getVar('S'), 'configure')

autotools_gen_do_configure() {
	if [ -x ${@autotools_gen_configure_script(d)} ]; then
		${@autotools_gen_configure_script(d)} ${CONFIGUREOPTS} ${EXTRA_OECONF} ${PACKAGECONFIG_CONFARGS}
	else
		bbnote "no configure script for ${BPN}, autoreconf ${EXTRA_AUTORECONF}"
	fi
}

autotools_gen_do_compile() {
	gen_runmake
}

autotools_gen_do_install() {
	gen_runmake 'DESTDIR=${D}' install
}

EXPORT_FUNCTIONS do_configure do_compile do_install
"#;

/// `classes/cmake_gen.bbclass`.
pub const CMAKE: &str = r#"# Builds with CMake and Ninja.
DEPENDS:prepend = "genconf-native "
B = "${WORKDIR}/build"
OECMAKE_SOURCEPATH ??= "${S}"
OECMAKE_GENERATOR ?= "Ninja"
OECMAKE_BUILDTYPE ?= "${@gen_conditional('GEN_COMPILE_MODE', 'debug', 'Debug', 'Release', d)}"
EXTRA_OECMAKE ?= ""
EXTRA_OECMAKE:append:class-native = " -DGEN_NATIVE=ON"

cmake_gen_do_configure() {
	cmake -G "${OECMAKE_GENERATOR}" -S ${OECMAKE_SOURCEPATH} -B ${B} \
	    -DCMAKE_INSTALL_PREFIX=${prefix} \
	    -DCMAKE_BUILD_TYPE=${OECMAKE_BUILDTYPE} \
	    ${EXTRA_OECMAKE} ${PACKAGECONFIG_CONFARGS}
}
cmake_gen_do_configure[cleandirs] = "${B}"

cmake_gen_do_compile() {
	cmake --build ${B} ${PARALLEL_MAKE}
}

cmake_gen_do_install() {
	DESTDIR='${D}' cmake --install ${B}
}

EXPORT_FUNCTIONS do_configure do_compile do_install
"#;

/// `classes/native.bbclass`.
pub const NATIVE: &str = r#"# The native variant of a recipe (BBCLASSEXTEND = "native"): it runs on the build host.
CLASSOVERRIDE = "class-native"
MACHINEOVERRIDES = ""
PACKAGE_ARCH = "${BUILD_ARCH}"
TARGET_ARCH = "${BUILD_ARCH}"
TARGET_OS = "${BUILD_OS}"
TARGET_VENDOR = "${BUILD_VENDOR}"
TARGET_PREFIX = ""
CFLAGS = "${BUILD_CFLAGS}"
prefix = "${STAGING_DIR_NATIVE}/usr"
PACKAGES = ""

addhandler native_virtclass_handler
native_virtclass_handler[eventmask] = "bb.event.RecipePreFinalise"
python native_virtclass_handler () {
    pn = e.data.getVar("PN")
    if not pn.endswith("-native"):
        return
    e.data.setVar("OVERRIDES", e.data.getVar("OVERRIDES", False) + ":virtclass-native")
    provides = (e.data.getVar("PROVIDES") or "").split()
    e.data.setVar("PROVIDES", " ".join(p if p.endswith("-native") else p + "-native" for p in provides))
}

python __anonymous () {
    # Depend on the native variants of what the target recipe depends on.
    deps = []
    for dep in bb.utils.explode_deps(d.getVar("DEPENDS") or ""):
        deps.append(dep if dep.endswith("-native") else dep + "-native")
    d.setVar("DEPENDS", " ".join(deps))
}
"#;

/// `classes/ptest_gen.bbclass`.
pub const PTEST: &str = r#"# Packaged tests: an extra package and an install task for the test suite.
PTEST_PATH ?= "${libdir}/${BPN}/ptest"
PACKAGES =+ "${PN}-ptest"
FILES:${PN}-ptest = "${PTEST_PATH}"
RDEPENDS:${PN}-ptest += "${PN}"

do_install_ptest() {
	:
}

do_install_ptest_base() {
	install -d ${D}${PTEST_PATH}
	if [ -e ${WORKDIR}/run-ptest ]; then
		install -m 0755 ${WORKDIR}/run-ptest ${D}${PTEST_PATH}
	fi
	do_install_ptest
}
do_install_ptest_base[cleandirs] = "${D}${PTEST_PATH}"

addtask install_ptest_base after do_install before do_package do_populate_sysroot
"#;

/// `classes/buildhistory_gen.bbclass`.
pub const BUILDHISTORY: &str = r#"# Records what each recipe installed (inherited by every recipe through INHERIT).
GEN_BUILDHISTORY_DIR ?= "${TOPDIR}/buildhistory"
do_install[postfuncs] += "gen_buildhistory_record"

python gen_buildhistory_record() {
    import os
    dest = os.path.join(d.getVar('GEN_BUILDHISTORY_DIR'), d.getVar('PN'))
    bb.utils.mkdirhier(dest)
    with open(os.path.join(dest, 'files-in-image.txt'), 'w') as f:
        for root, dirs, files in os.walk(d.getVar('D')):
            for name in sorted(files):
                f.write(os.path.join(root, name) + '\n')
}
gen_buildhistory_record[vardepsexclude] = "GEN_BUILDHISTORY_DIR"
"#;
