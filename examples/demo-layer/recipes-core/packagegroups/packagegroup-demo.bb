SUMMARY = "The programs of the demo system"
DESCRIPTION = "An empty package that depends at run time on everything the \
demo image holds."
LICENSE = "MIT"

RDEPENDS:${PN} = "base-files hello wc-lite"
