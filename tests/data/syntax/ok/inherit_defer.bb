# inherit_defer: the classes are inherited at the end of parsing.
inherit_defer native
inherit_defer ${@'nativesdk' if d.getVar('X') else ''}
inherit_defer a b
