PROVIDES = "virtual/crypt"
DEPENDS = "virtual/libc"
