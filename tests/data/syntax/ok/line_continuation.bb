# Backslash continuations; the white space after a backslash is ignored.
SRC_URI = "file://a.patch \
           file://b.patch \
           file://c.patch \
"
B = "trailing white space after the backslash \   
     still continues"
C = "a continued line may start with an indented # \
     # which is not a comment"
inherit autotools \
        pkgconfig
LONG\
NAME = "a name split over two lines"
D = "many \
\
\
lines"
