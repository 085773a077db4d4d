# inherit one or more classes.
inherit autotools
inherit pkgconfig gettext
inherit ${EXTRA_CLASSES}
inherit	tabbed
inherit classes/with/path.bbclass
inherit a \
        b
