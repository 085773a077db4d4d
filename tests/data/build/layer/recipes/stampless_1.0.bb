# A recipe whose compile has no stamp, so it always runs.
do_compile[nostamp] = "1"
