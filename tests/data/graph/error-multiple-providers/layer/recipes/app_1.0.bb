# glibc is asked for by name, and it asks for virtual/libc, which is musl.
DEPENDS = "glibc"
