# CRLF line endings.
A = "x"
B = "a \
     b"
do_x () {
    echo ${A}
}
inherit foo
