# deltask removes tasks; a comment may follow.
deltask do_fetch
deltask do_unpack do_patch
deltask do_configure # no configure step
deltask ${EXPANDED}
