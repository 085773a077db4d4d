# Top-level Python functions end at the first line that is not indented,
# blank or a comment.
def get_value(d):
    a = d.getVar('A')

    # a comment inside
    if a:
        return a
# a comment at column zero does not end the function
    return ''
A = "the def has ended"

def first(d): return 1
def second(a, b=':'):
    return a
B = "${@first(d)}"
def last_in_file(d):
    return None
