# Plugin packages are made at build time; the pattern promises them.
PACKAGES_DYNAMIC = "^${PN}-plugin-.*"
