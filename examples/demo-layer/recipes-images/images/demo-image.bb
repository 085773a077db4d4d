SUMMARY = "The demo system: base files, hello and wc-lite"
LICENSE = "MIT"

inherit image

IMAGE_INSTALL = "packagegroup-demo"
IMAGE_FSTYPES = "tar.gz tar.xz"
