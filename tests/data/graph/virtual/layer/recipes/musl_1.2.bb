PROVIDES = "virtual/libc"
