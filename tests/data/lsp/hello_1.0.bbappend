# Appended to hello by the language server's tests.
require hello-extra.inc

GREETING_SOURCE = "the append"
