# Quotes inside values: any count but exactly three of the outer quote.
A = "a"b"c"
B = "x" "y"
C = "it's"
D = 'say "hi"'
E = ""
F = "a'b'c"
G = "a""b"
H = '''' 
I = "''"
