DEPENDS = "virtual/libc virtual/crypt"
