"""Recipe file name helpers (rbake's own implementation of the parts of BitBake's bb.cache that metadata uses).

A "virtual" file name names one variant of a recipe:
``[mc:<mc>:][virtual:<class>:]<real file name>``.
rbake keeps its recipe cache on the Rust side.
"""


def virtualfn2realfn(virtualfn):
    """(real file name, variant class, multiconfig) of a virtual file name."""
    mc = ""
    if virtualfn.startswith('mc:') and virtualfn.count(':') >= 2:
        _, mc, virtualfn = virtualfn.split(':', 2)
    fn = virtualfn
    cls = ""
    if virtualfn.startswith('virtual:'):
        parts = virtualfn.split(':')
        cls = ":".join(parts[1:-1])
        fn = parts[-1]
    return (fn, cls, mc)


def realfn2virtual(realfn, cls, mc):
    """The virtual file name of variant ``cls`` in multiconfig ``mc``."""
    name = realfn
    if cls:
        name = "virtual:%s:%s" % (cls, name)
    if mc:
        name = "mc:%s:%s" % (mc, name)
    return name


def variant2virtual(realfn, variant):
    """The virtual file name for a BBCLASSEXTEND-style variant string,
    which may itself start with mc:<mc>:."""
    if variant == "":
        return realfn
    if variant.startswith("mc:") and variant.count(':') >= 2:
        parts = variant.split(":")
        if parts[2]:
            return "mc:%s:virtual:%s:%s" % (parts[1], ":".join(parts[2:]), realfn)
        return "mc:%s:%s" % (parts[1], realfn)
    return "virtual:%s:%s" % (variant, realfn)
