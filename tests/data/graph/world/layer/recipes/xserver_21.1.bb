# World leaves out providers of virtual/ names.
PROVIDES = "virtual/x"
