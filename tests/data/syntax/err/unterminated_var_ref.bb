# An unterminated ${ that also loses the closing quote.
A = "${B
