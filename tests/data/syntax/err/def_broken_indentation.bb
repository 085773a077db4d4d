def foo(d):
    x = 1
return x
