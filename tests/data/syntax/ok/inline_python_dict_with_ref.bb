# FIXME: BitBake expands ${B} before it looks for ${@...}, so with B set the whole ${@ {...}.get('k') } is one expression; the parser ends it at the brace closing ${B}.
A = "${@ {'k': '${B}'}.get('k') }"
