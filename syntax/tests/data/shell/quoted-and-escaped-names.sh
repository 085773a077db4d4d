"printf" '%s\n' x
\cp -f a b
'ls' dir
