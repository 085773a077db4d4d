# include takes any number of file names; missing files are no error.
include foo.inc
include ${BPN}-common.inc
include a.inc b.inc
include	tabbed.inc
include   conf/distro/include/${DISTRO}.inc   
include include_not_found.inc
