# The other runtime provider of "shell", through its main package.
RPROVIDES:${PN} = "shell"
