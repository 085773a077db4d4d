DEPENDS = "zlib"

# do_configure no longer waits for do_unpack once do_patch is gone.
deltask do_patch
