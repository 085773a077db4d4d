PROVIDES = "virtual/libc"
DEPENDS = "virtual/libc"
