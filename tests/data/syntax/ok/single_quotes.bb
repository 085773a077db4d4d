# Values in single quotes may hold double quotes.
A = 'single'
B = 'say "hello"'
C = ''
D = '${@"inline python with double quotes"}'
E := 'a "b" c'
F[doc] = 'flag in single quotes'
G = "it's"
