# a fetches after b unpacks, and b fetches after a unpacks.
do_fetch[depends] = "b:do_unpack"
