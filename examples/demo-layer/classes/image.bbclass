# Images: a root file system assembled from packages, written in the
# formats IMAGE_FSTYPES names.
#
#   do_rootfs                 IMAGE_INSTALL and its runtime dependencies,
#                             from DEPLOY_DIR_PKG, into IMAGE_ROOTFS
#   do_image_<type>           each base type (tar) from the rootfs
#   do_image_<type>_<conv>    each compressed type (tar.gz, tar.xz) from
#                             its base type: these run in parallel
#   do_image_complete         deploys the images into DEPLOY_DIR_IMAGE
#                             (a shared-state task)

IMAGE_INSTALL ?= ""
IMAGE_FSTYPES ?= "tar.gz"
IMAGE_NAME ?= "${PN}"

IMAGE_ROOTFS = "${WORKDIR}/rootfs"
IMGBUILDDIR = "${WORKDIR}/build-images"
IMGDEPLOYDIR = "${WORKDIR}/deploy-images"

# An image has no sources and no package of its own.
PACKAGES = ""
deltask do_fetch
deltask do_unpack
deltask do_patch
deltask do_configure
deltask do_compile
deltask do_install
deltask do_package
deltask do_populate_sysroot

# The packages to install, for the task graph: do_rootfs needs the
# do_package of all of them and of everything they need.
RDEPENDS = "${IMAGE_INSTALL}"
do_rootfs[recrdeptask] = "do_package"

do_rootfs[dirs] = "${IMAGE_ROOTFS}"
do_rootfs[cleandirs] = "${IMAGE_ROOTFS} ${IMGDEPLOYDIR}"
python do_rootfs() {
    import subprocess

    pkgdir = d.getVar('DEPLOY_DIR_PKG')
    rootfs = d.getVar('IMAGE_ROOTFS')

    def control(name):
        path = os.path.join(pkgdir, name + '.control')
        if not os.path.exists(path):
            bb.fatal("Package %s is not in %s: nothing provides it" % (name, pkgdir))
        fields = {}
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(':')
                fields[key.strip()] = value.strip()
        return fields

    # IMAGE_INSTALL and, recursively, what each package depends on.
    versions = {}
    todo = (d.getVar('IMAGE_INSTALL') or '').split()
    while todo:
        name = todo.pop(0)
        if name in versions:
            continue
        fields = control(name)
        versions[name] = fields.get('Version', '')
        todo.extend(fields.get('Depends', '').split())

    for name in sorted(versions):
        bb.note("Installing %s %s" % (name, versions[name]))
        tarball = os.path.join(pkgdir, name + '.tar.gz')
        subprocess.run(['tar', '-xzpf', tarball, '-C', rootfs], check=True)

    manifest = os.path.join(d.getVar('IMGDEPLOYDIR'), d.getVar('IMAGE_NAME') + '.manifest')
    with open(manifest, 'w') as f:
        for name in sorted(versions):
            f.write("%s %s\n" % (name, versions[name]))
}

IMAGE_TAR_OPTIONS = "--sort=name --format=gnu --mtime=@${SOURCE_DATE_EPOCH} \
    --owner=0 --group=0 --numeric-owner"

# The command of each base type, writing ${IMAGE_NAME}.<type> in IMGBUILDDIR.
IMAGE_CMD:tar = "tar ${IMAGE_TAR_OPTIONS} -C ${IMAGE_ROOTFS} -cf ${IMGBUILDDIR}/${IMAGE_NAME}.tar ."

# The command of each conversion, from IMGBUILDDIR/${IMAGE_NAME}.${type}
# to IMGDEPLOYDIR/${IMAGE_NAME}.${type}.<conversion>. Both are
# reproducible: no name or time stamp in gzip's header, and xz in one
# thread (its multi-threaded output is laid out differently).
CONVERSION_CMD:gz = "gzip -9n -c ${IMGBUILDDIR}/${IMAGE_NAME}.${type} > ${IMGDEPLOYDIR}/${IMAGE_NAME}.${type}.gz"
CONVERSION_CMD:xz = "xz -9 -T1 --check=crc64 -c ${IMGBUILDDIR}/${IMAGE_NAME}.${type} > ${IMGDEPLOYDIR}/${IMAGE_NAME}.${type}.xz"

python () {
    # One task per base type and one per conversion, from IMAGE_FSTYPES.
    done = set()
    for fstype in (d.getVar('IMAGE_FSTYPES') or '').split():
        base, _, conversion = fstype.partition('.')
        basetask = 'do_image_' + base
        if basetask not in done:
            cmd = d.getVar('IMAGE_CMD:' + base, False)
            if cmd is None:
                bb.fatal("%s: IMAGE_FSTYPES names %s, but there is no IMAGE_CMD:%s"
                         % (d.getVar('PN'), fstype, base))
            d.setVar(basetask, '\t' + cmd + '\n')
            d.setVarFlag(basetask, 'func', '1')
            d.setVarFlag(basetask, 'dirs', '${IMGBUILDDIR}')
            d.setVarFlag(basetask, 'cleandirs', '${IMGBUILDDIR}')
            bb.build.addtask(basetask, 'do_image_complete', 'do_rootfs', d)
            done.add(basetask)
        if not conversion:
            continue
        task = 'do_image_%s_%s' % (base, conversion.replace('.', '_'))
        if task in done:
            continue
        cmd = d.getVar('CONVERSION_CMD:' + conversion, False)
        if cmd is None:
            bb.fatal("%s: IMAGE_FSTYPES names %s, but there is no CONVERSION_CMD:%s"
                     % (d.getVar('PN'), fstype, conversion))
        d.setVar(task, '\t' + cmd.replace('${type}', base) + '\n')
        d.setVarFlag(task, 'func', '1')
        d.setVarFlag(task, 'dirs', '${IMGDEPLOYDIR}')
        bb.build.addtask(task, 'do_image_complete', basetask, d)
        done.add(task)
}

# Deployment goes through shared state: the images of IMGDEPLOYDIR are
# archived and installed into DEPLOY_DIR_IMAGE.
SSTATETASKS += "do_image_complete"
do_image_complete[sstate-inputdirs] = "${IMGDEPLOYDIR}"
do_image_complete[sstate-outputdirs] = "${DEPLOY_DIR_IMAGE}"
do_image_complete[dirs] = "${IMGDEPLOYDIR}"
python do_image_complete() {
    for name in sorted(os.listdir(d.getVar('IMGDEPLOYDIR'))):
        bb.note("Deploying %s" % name)
}
python do_image_complete_setscene() {
    sstate_setscene(d)
}

addtask rootfs
addtask image_complete after do_rootfs before do_build
addtask do_image_complete_setscene
