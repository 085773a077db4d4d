# Recipe-wide RPROVIDES.
RPROVIDES = "shell"
