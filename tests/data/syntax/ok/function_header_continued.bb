# A function header may be split with a backslash.
do_foo () \
{
    echo foo
}
python \
do_bar () {
    pass
}
