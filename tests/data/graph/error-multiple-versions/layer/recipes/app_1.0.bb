# foo means foo 2.0, and only foo 1.0 provides oldfoo.
DEPENDS = "oldfoo"
