# FIXME: BitBake fails (IndexError) when a statement starts with a line holding only a backslash; the parser joins the lines and reports nothing.
\
A = "after a lone backslash"
