def foo(d)
    pass
