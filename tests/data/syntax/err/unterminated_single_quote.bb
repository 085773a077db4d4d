A = 'x
B = 'fine'
